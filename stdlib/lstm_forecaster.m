// Time-series forecasting with two stacked LSTMs: a window of past observations
// [batch, window, features] -> the next `horizon` values of the first feature.
metamodel LSTMForecaster(features: Int = 1, window: Int = 24, hidden: Int = 32, horizon: Int = 1) {
    input series: f32[batch, window, features]
    output forecast: f32[batch, horizon]
    lstm1 = LSTM(hidden, return_sequences = true)
    lstm2 = LSTM(hidden)
    head = Dense(horizon)
    forward {
        forecast = head(lstm2(lstm1(series)))
    }
}

model Forecaster = LSTMForecaster()
