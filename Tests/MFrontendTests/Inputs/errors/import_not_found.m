// A module that does not exist.
import "stdlib/visoin.m"

model M {
    input x: f32[b, 4]
    output y: f32[b, 4]
    forward { y = relu(x) }
}
