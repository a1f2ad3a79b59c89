// Two members with one name.
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense(2)
    fc = Dense(3)
}
