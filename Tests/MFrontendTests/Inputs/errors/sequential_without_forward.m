// Without forward, a model with two inputs cannot apply its layers in order.
model M {
    input a: f32[b, 4]
    input c: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense(2)
}
