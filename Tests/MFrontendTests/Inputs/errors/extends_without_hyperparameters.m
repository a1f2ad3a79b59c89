// Overriding hyperparameters of a model that has none.
model Plain {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

model Wide extends Plain(hidden = 512)
