// The declared output type disagrees with what forward computes.
model M {
    input x: f32[b, 4]
    output y: f32[b, 3]
    fc = Dense(2)
    forward { y = fc(x) }
}
