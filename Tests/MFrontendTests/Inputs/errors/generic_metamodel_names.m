// A metamodel with required hyperparameters is checked without instances: its names must resolve.
metamodel Block(channels: Int, stride: Int = 1) {
    input x: f32[batch, channels, h, w]
    output y
    conv = Conv2D(channels, kernel = 3, stride = stride, padding = 1)
    forward {
        out = relu(conv(x))
        y = relu(otu + x)
    }
}
