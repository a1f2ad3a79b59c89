// A residual connection around a block that changes the channel count.
model Residual {
    input x: f32[batch, 64, 56, 56]
    output y: f32[batch, 128, 56, 56]
    conv = Conv2D(128, kernel = 3, padding = "same")
    forward {
        y = relu(x + conv(x))
    }
}
