// A misspelled customModel.
model Graph = customModle {
    input a: f32[batch, 4]
    output y = relu(a)
}
