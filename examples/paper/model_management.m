// The paper's model management features (section 3.3.3): metamodels and their import,
// instantiation and inheritance, combination, transfer learning and hyperparameter tuning.
import "stdlib/mlp.m"                    // a module of metamodels: MLP(in_features, hidden, classes)

// Metamodel instantiation and inheritance.
model Digits = MLP(in_features = 64, hidden = 256)
model WideDigits extends Digits(hidden = 512)
model DropDigits extends Digits {
    drop = Dropout(0.2)
    forward { logits = fc2(drop(fc1(x))) }
}

// Combination: in sequence, in parallel, and as an explicit graph with a shared sub-model.
model Pipeline = sequentialModel(Normalize(mean = 0.5, std = 0.25), Digits, Softmax())
model Ensemble = parallelModel(Digits, WideDigits, merge = "mean")
model Siamese = customModel {
    input a: f32[batch, 64]
    input b: f32[batch, 64]
    encoder = Digits
    output distance = l2_norm(encoder(a) - encoder(b), axis = 1)
}

func train(model: Digits, data: Dataset, epochs: Int = 10, lr: Float = 0.001) {
    optimizer = Adam(model.parameters(), lr = lr)
    loss_function = CrossEntropyLoss()
    for epoch in range(epochs) {
        for batch in data {
            optimizer.zero_grad()
            loss = loss_function(model(batch.x), batch.y)
            loss.backward()
            optimizer.step()
        }
    }
}

data = load_csv("data/digits.csv", label = "digit").split(train = 0.8, seed = 42)

// Transfer learning: a pre-trained model, fine-tuned with a new head.
base = loadModelFromUrl("file:models/digits.onnx", sha256 = "...")
tuned = fineTuneModel(base, data.train, head = Dense(5), freeze = "backbone", epochs = 3, lr = 1e-3)
print(evaluate(tuned, data.test, metrics = ["accuracy"]))

// Automatic hyperparameter optimization over MLP's `hidden` and the training rate.
space = defineHyperparamSpace(hidden = choice(64, 128, 256), lr = loguniform(1e-4, 1e-2))
best = autoTuneModel(MLP(in_features = 64), space, train = train, data = data.train, metric = "accuracy", trials = 20)
print(evaluate(best, data.test, metrics = ["accuracy", "f1"]))
