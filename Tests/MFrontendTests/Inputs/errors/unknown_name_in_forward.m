// A misspelled local in forward.
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    fc1 = Dense(8)
    fc2 = Dense(2)
    forward {
        hidden = relu(fc1(x))
        y = fc2(hiden)
    }
}
