// A model applied in host code to a tensor of the wrong shape.
model Digits {
    input x: f32[batch, 64]
    output y: f32[batch, 10]
    fc = Dense(10)
}

func classify(images: f32[n, 32]) -> f32[n, 10] {
    return Digits()(images)
}
