// A hyperparameter of the wrong type.
metamodel MLP(in_features: Int, hidden: Int = 128, classes: Int = 10) {
    input x: f32[batch, in_features]
    output logits: f32[batch, classes]
    fc1 = Dense(hidden, activation = "relu")
    fc2 = Dense(classes)
    forward { logits = fc2(fc1(x)) }
}

model Digits = MLP(in_features = "64")
