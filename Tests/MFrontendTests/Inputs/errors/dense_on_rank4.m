// Dense applied to an image: caught at the call, not at run time.
model M {
    input image: f32[batch, 1, 28, 28]
    output probs: f32[batch, 10]
    fc = Dense(10)
    forward {
        probs = softmax(fc(image))
    }
}
