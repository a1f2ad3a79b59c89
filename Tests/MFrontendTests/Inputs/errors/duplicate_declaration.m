// Two declarations with one name.
model Digits {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

func Digits() {
    print("again")
}
