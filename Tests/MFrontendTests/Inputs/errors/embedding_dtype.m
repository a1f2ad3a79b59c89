// Embedding takes integer token ids.
model Encoder {
    input tokens: f32[batch, 16]
    output y: f32[batch, 16, 32]
    embed = Embedding(1000, 32)
    forward { y = embed(tokens) }
}
