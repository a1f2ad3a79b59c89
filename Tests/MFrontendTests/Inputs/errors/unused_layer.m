// A layer that forward never uses is a warning.
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense(2)
    spare = Dense(4)
    forward { y = fc(x) }
}
