// A layer applied to two tensors.
model M {
    input a: f32[b, 4]
    input c: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense(2)
    forward { y = fc(a, c) }
}
