// A layer argument of the wrong type.
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense("two")
}
