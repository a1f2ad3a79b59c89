// Both inputs of Pair share the named dim `batch`; their arguments disagree.
model Pair = customModel {
    input a: f32[batch, 4]
    input b: f32[batch, 4]
    output y = a * b
}

model User {
    input x: f32[n, 4]
    input z: f32[m, 4]
    output y
    pair = Pair
    forward { y = pair(x, z) }
}
