// A small convolutional network for 1x28x28 images (NCHW).
// Shapes: 28x28 -conv(same)-> 8x28x28 -pool-> 8x14x14 -conv-> 16x12x12 -pool-> 16x6x6 -> 576 -> 10.
model CNN {
    seed = 7
    input image: f32[batch, 1, 28, 28]
    output probs: f32[batch, 10]
    conv1 = Conv2D(8, kernel = (3, 3), padding = "same")
    pool1 = MaxPooling2D(pool = (2, 2))
    conv2 = Conv2D(16, kernel = (3, 3))
    pool2 = MaxPooling2D(pool = (2, 2))
    fc = Dense(10)
    forward {
        h = pool1(relu(conv1(image)))
        h = pool2(relu(conv2(h)))
        probs = softmax(fc(flatten(h)))
    }
}
