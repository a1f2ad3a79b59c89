// The search space tunes a name that is neither a hyperparameter nor a training setting.
metamodel MLP(in_features: Int, hidden: Int = 128, classes: Int = 10) {
    input x: f32[batch, in_features]
    output logits: f32[batch, classes]
    fc1 = Dense(hidden, activation = "relu")
    fc2 = Dense(classes)
    forward { logits = fc2(fc1(x)) }
}

func train(model: Model, data: Dataset) {
    print(model, data)
}

space = defineHyperparamSpace(hiden = choice(64, 128), lr = loguniform(1e-4, 1e-2))
best = autoTuneModel(MLP(in_features = 64), space, train = train, data = load_csv("d.csv"), metric = "accuracy", trials = 5)
print(best)
