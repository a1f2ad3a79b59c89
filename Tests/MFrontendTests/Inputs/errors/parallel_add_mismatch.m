// parallelModel adds outputs of different sizes.
model Ten {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}
model Five {
    input x: f32[batch, 64]
    output y: f32[batch, 5]
    fc = Dense(5)
}

model Sum = parallelModel(Ten, Five, merge = "add")
