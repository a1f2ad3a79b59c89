// Grouped convolution needs channels divisible by groups.
model M {
    input x: f32[b, 6, 8, 8]
    output y
    c = Conv2D(8, kernel = 3, groups = 4)
    forward { y = c(x) }
}
