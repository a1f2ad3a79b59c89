// Yearly sunspot numbers 1700-2008 (data/sunspots.csv): an LSTM reads the last 12 years and
// forecasts the next one. The last 20% of the windows (the most recent years) are held out, and
// the model's MSE is compared with the naive forecast "next year = this year".
// Run: mcc run examples/timeseries/forecast.m (data paths are relative to this file)

model SunspotLSTM {
    seed = 3
    input window: f32[batch, 12, 1]
    output next: f32[batch, 1]
    lstm = LSTM(32)
    head = Dense(1)
}

func train(model: Model, data: Dataset, epochs: Int, lr: Float) {
    optimizer = Adam(model.parameters(), lr = lr)
    loss_function = MSELoss()
    for epoch in range(epochs) {
        for batch in data {
            optimizer.zero_grad()
            outputs = model(batch.x)
            loss = loss_function(outputs, batch.y)
            loss.backward()
            optimizer.step()
        }
    }
}

// Chronological split (no shuffling); one scale for inputs and targets, fitted on the training years.
series = load_csv("../../data/sunspots.csv", columns = ["sunspots"])
data = series.windows(size = 12).split(train = 0.8, shuffle = false).normalize()

net = SunspotLSTM()
train(net, data.train.shuffle(seed = 5).batch(16), epochs = 60, lr = 0.005)

model_mse = evaluate(net, data.test, metrics = ["mse", "mae", "r2"])
naive_mse = naive_forecast(data.test, metrics = ["mse", "mae", "r2"])
print("LSTM", model_mse)
print("naive last value", naive_mse)
print("test mse:", format(model_mse.mse, 4), "naive mse:", format(naive_mse.mse, 4),
      "improvement:", format(100.0 * (1.0 - model_mse.mse / naive_mse.mse), 1) + "%")
