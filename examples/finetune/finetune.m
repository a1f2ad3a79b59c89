// Transfer learning on the UCI digits (data/digits.csv): pretrain a network on the digits 0-4,
// save it as a checkpoint, then fineTuneModel gives it a new head for the digits 5-9 and trains
// only that head (the backbone is frozen). Target: at least 90% test accuracy on 5-9.
// Run: mcc run examples/finetune/finetune.m (data paths are relative to this file)

model DigitsNet {
    seed = 5
    input x: f32[batch, 64]
    output logits: f32[batch, 5]
    backbone = sequentialModel(Dense(128, activation = "relu"), Dense(64, activation = "relu"))
    head = Dense(5)
    forward { logits = head(backbone(x)) }
}

func pretrain(model: DigitsNet, data: Dataset, epochs: Int = 10) {
    optimizer = Adam(model.parameters(), lr = 0.001)
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

digits = load_csv("../../data/digits.csv", label = "digit").split(train = 0.8, seed = 42).normalize()

// Pretraining: digits 0-4 (labels 0-4).
low_train = digits.train.filter(labels = [0, 1, 2, 3, 4]).shuffle(seed = 1)
low_test = digits.test.filter(labels = [0, 1, 2, 3, 4])
base = DigitsNet()
pretrain(base, low_train, epochs = 10)
print("backbone on 0-4", evaluate(base, low_test))
base.save("digits-0-4.ckpt")

// Fine-tuning: digits 5-9 become classes 0-4 of a new head; the backbone stays as pretrained.
restored = DigitsNet()
restored.load("digits-0-4.ckpt")
high_train = digits.train.filter(labels = [5, 6, 7, 8, 9]).shuffle(seed = 2)
high_test = digits.test.filter(labels = [5, 6, 7, 8, 9])
tuned = fineTuneModel(restored, high_train, head = Dense(5), freeze = "backbone", epochs = 15, lr = 0.005)
result = evaluate(tuned, high_test, metrics = ["accuracy", "f1"])
print("new head on 5-9", result)
print("test accuracy:", format(result.accuracy, 4))
