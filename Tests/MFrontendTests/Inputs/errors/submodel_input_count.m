// A sub-model applied to the wrong number of tensors.
model Pair = customModel {
    input a: f32[batch, 8]
    input b: f32[batch, 8]
    output y = a + b
}

model User {
    input x: f32[batch, 8]
    output y: f32[batch, 8]
    pair = Pair
    forward { y = pair(x) }
}
