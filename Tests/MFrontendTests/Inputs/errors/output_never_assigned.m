// An output that forward never assigns.
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    output z: f32[b, 2]
    fc = Dense(2)
    forward { y = fc(x) }
}
