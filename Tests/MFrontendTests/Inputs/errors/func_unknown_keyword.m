// A misspelled keyword argument of a func.
model Digits {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

func train(model: Digits, data: Dataset, epochs: Int = 10) {
    print(model, data, epochs)
}

train(Digits(), load_csv("digits.csv"), epoch = 3)
