// A metamodel must be instantiated as a member before it is applied.
metamodel Block(width: Int = 8) {
    input x: f32[batch, width]
    output y: f32[batch, width]
    fc = Dense(width)
}

model M {
    input x: f32[batch, 8]
    output y: f32[batch, 8]
    forward { y = Block(x) }
}
