// An unknown merge mode.
model Ten {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

model Both = parallelModel(Ten, Ten, merge = "maen")
