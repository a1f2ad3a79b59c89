// Several errors are reported in one run.
model M {
    input x: f32[b, 4]
    output y: f32[b, 2]
    fc = Dense(2, activaton = "relu")
    forward { y = fc(x) }
}

func f(n: Int) -> Int {
    return n + "1"
}

g = Engine(device = "QPU")
print(g, undefined_name)
