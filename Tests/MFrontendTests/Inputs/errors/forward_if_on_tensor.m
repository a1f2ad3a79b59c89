// An if in forward is decided at compile time, so it cannot test a tensor.
model M {
    input x: f32[b, 4]
    output y: f32[b, 4]
    forward {
        if x {
            y = relu(x)
        } else {
            y = x
        }
    }
}
