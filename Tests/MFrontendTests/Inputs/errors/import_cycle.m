// Modules that import each other.
import "support/cycle_b.m"

model M {
    input x: f32[b, 4]
    output y: f32[b, 4]
    forward { y = relu(x) }
}
