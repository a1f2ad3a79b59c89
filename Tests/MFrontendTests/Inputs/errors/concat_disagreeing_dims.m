// Concatenating feature maps of different sizes.
model Merge {
    input a: f32[batch, 16, 28, 28]
    input b: f32[batch, 16, 14, 14]
    output y
    forward {
        y = concat(a, b, axis = 1)
    }
}
