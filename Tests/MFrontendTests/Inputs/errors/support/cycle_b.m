// Imported by import_cycle.m, which it imports back.
import "../import_cycle.m"

model B {
    input x: f32[b, 4]
    output y: f32[b, 4]
    forward { y = relu(x) }
}
