// The head ignores `classes`, so an instance with 5 classes contradicts the declared output.
metamodel Classifier(features: Int = 64, classes: Int = 10) {
    input x: f32[batch, features]
    output logits: f32[batch, classes]
    hidden = Dense(32, activation = "relu")
    head = Dense(10)
    forward { logits = head(hidden(x)) }
}

model Five = Classifier(classes = 5)
