// An unknown layer type gets a "did you mean".
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense2(2)
}
