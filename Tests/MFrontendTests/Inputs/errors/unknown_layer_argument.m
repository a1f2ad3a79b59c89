// A misspelled keyword argument of a layer.
model M {
    input x: f32[b, 1, 8, 8]
    output y: f32[b, 2, 6, 6]
    c = Conv2D(2, kernel = 3, kernal = 3)
    forward { y = c(x) }
}
