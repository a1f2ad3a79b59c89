// A 784-128-10 multilayer perceptron for 28x28 digit images.
model MLP {
    seed = 42
    input x: f32[batch, 784]
    output logits: f32[batch, 10]
    fc1 = Dense(128)
    fc2 = Dense(10)
    forward {
        logits = softmax(fc2(relu(fc1(x))))
    }
}
