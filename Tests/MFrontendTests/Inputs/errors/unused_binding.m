// Bindings that are never read are warnings, in forward and in host code.
model M {
    input x: f32[b, 4]
    output y: f32[b, 4]
    forward {
        h = relu(x)
        y = sigmoid(x)
    }
}

data = load_csv("data.csv")
