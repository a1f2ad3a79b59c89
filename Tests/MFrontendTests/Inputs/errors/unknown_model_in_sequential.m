// sequentialModel with a misspelled part.
model Digits {
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc = Dense(10)
}

model Pipeline = sequentialModel(Digit, Softmax())
