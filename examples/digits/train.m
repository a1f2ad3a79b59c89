// Handwritten digits (UCI optical digits, 8x8, data/digits.csv): an MLP and a small CNN,
// trained with the paper's train func and evaluated on a held-out 20%.
// Run: mcc run examples/digits/train.m (data paths are relative to this file)

model DigitsMLP {
    seed = 7
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc1 = Dense(128, activation = "relu")
    fc2 = Dense(10)
}

model DigitsCNN {
    seed = 11
    input image: f32[batch, 1, 8, 8]
    output logits: f32[batch, 10]
    conv1 = Conv2D(16, kernel = 3, padding = "same", activation = "relu")
    conv2 = Conv2D(32, kernel = 3, padding = "same", activation = "relu")
    pool = MaxPooling2D(pool = 2)
    flat = Flatten()
    fc1 = Dense(64, activation = "relu")
    fc2 = Dense(10)
}

func train(model: Model, data: Dataset, epochs: Int = 10, lr: Float = 0.001) {
    optimizer = Adam(model.parameters(), lr = lr)
    loss_function = CrossEntropyLoss()
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

// Pixels are 0..16; standardize each pixel with statistics of the training part only.
data = load_csv("../../data/digits.csv", label = "digit").split(train = 0.8, seed = 42).normalize()
train_data = data.train.shuffle(seed = 1).batch(32)

mlp = DigitsMLP()
train(mlp, train_data, epochs = 20)
print("MLP", evaluate(mlp, data.test, metrics = ["accuracy", "f1"]))

cnn = DigitsCNN()
train(cnn, train_data, epochs = 15)
cnn_metrics = evaluate(cnn, data.test, metrics = ["accuracy", "precision", "recall", "f1"])
print("CNN", cnn_metrics)
print("test accuracy:", format(cnn_metrics.accuracy, 4))
