// sequentialModel cannot infer its input through a Dense layer in front of the model.
model Digits {
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc = Dense(10)
}

model Pipeline = sequentialModel(Dense(64), Digits)
