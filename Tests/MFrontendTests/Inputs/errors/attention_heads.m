// The model dim must split evenly into heads.
model Encoder {
    input x: f32[batch, 10, 64]
    output y: f32[batch, 10, 64]
    attention = MultiHeadAttention(heads = 5)
    forward { y = attention(x) }
}
