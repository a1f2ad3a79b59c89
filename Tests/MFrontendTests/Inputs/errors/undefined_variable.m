// A misspelled variable in host code.
model Digits {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

func step(model: Digits) {
    optimizer = SGD(model.parameters(), lr = 0.1)
    optimzer.step()
}
