// LeNet-5 (LeCun et al., 1998) for 28x28 images, with ReLU and max pooling as is common today.
// Shapes: 1x28x28 -conv5(pad 2)-> 6x28x28 -pool-> 6x14x14 -conv5-> 16x10x10 -pool-> 16x5x5 -> 400 -> 120 -> 84 -> classes.
// Parameters: 61,706 for 10 classes.
metamodel LeNet5(classes: Int = 10, channels: Int = 1) {
    input image: f32[batch, channels, 28, 28]
    output logits: f32[batch, classes]
    // No forward block: the layers apply in declaration order.
    conv1 = Conv2D(6, kernel = 5, padding = 2, activation = "relu")
    pool1 = MaxPooling2D(pool = 2)
    conv2 = Conv2D(16, kernel = 5, activation = "relu")
    pool2 = MaxPooling2D(pool = 2)
    flatten = Flatten()
    fc1 = Dense(120, activation = "relu")
    fc2 = Dense(84, activation = "relu")
    fc3 = Dense(classes)
}

model LeNet = LeNet5()
