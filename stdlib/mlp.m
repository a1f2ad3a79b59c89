// Multilayer perceptron: in_features -> hidden (ReLU) -> classes.
// Parameters: in_features*hidden + hidden + hidden*classes + classes (101,770 for the defaults).
metamodel MLP(in_features: Int = 784, hidden: Int = 128, classes: Int = 10) {
    input x: f32[batch, in_features]
    output logits: f32[batch, classes]
    fc1 = Dense(hidden, activation = "relu")
    fc2 = Dense(classes)
    forward {
        logits = fc2(fc1(x))
    }
}

// The 784-128-10 digit classifier.
model DigitsMLP = MLP()
