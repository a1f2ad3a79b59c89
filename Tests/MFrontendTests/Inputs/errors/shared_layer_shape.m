// One layer applied to inputs that need different weights.
model M {
    input x: f32[b, 1, 8, 8]
    output y: f32[b, 2, 4, 4]
    c = Conv2D(2, kernel = 3)
    forward { y = c(c(x)) }
}
