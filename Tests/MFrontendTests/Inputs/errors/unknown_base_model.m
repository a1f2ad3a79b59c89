// Inheriting from a misspelled model.
model Digits {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

model Wide extends Digit {
    extra = Dropout(0.1)
}
