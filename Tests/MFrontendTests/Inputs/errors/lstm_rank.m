// An LSTM needs [batch, steps, features].
model Forecast {
    input x: f32[batch, 24]
    output y: f32[batch, 1]
    lstm = LSTM(16)
    head = Dense(1)
    forward { y = head(lstm(x)) }
}
