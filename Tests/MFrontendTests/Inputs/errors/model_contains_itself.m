// A model that uses itself as a part.
model Loop = customModel {
    input x: f32[batch, 4]
    inner = Loop
    output y = inner(x)
}
