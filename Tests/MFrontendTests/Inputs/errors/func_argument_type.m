// A func called with an argument of the wrong type.
model Digits {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

func train(model: Digits, data: Dataset, epochs: Int = 10) {
    optimizer = Adam(model.parameters(), lr = 0.001)
    for epoch in range(epochs) {
        optimizer.step()
    }
}

train(Digits(), "digits.csv")
