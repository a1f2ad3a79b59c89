import "stdlib/vision.m"                              // another M module
import onnx "pretrained/encoder.onnx" as Encoder      // an ONNX graph becomes a model type

metamodel MLP(in_features: Int, hidden: Int = 128, classes: Int = 10) {
    input  x: f32[batch, in_features]
    output logits: f32[batch, classes]
    fc1 = Dense(hidden)
    fc2 = Dense(classes)
    forward { logits = fc2(relu(fc1(x))) }
}

model Digits = MLP(in_features = 64, hidden = 256)          // instantiation
model WideDigits extends Digits(hidden = 512)                // inheritance: new hyperparameters
model DropDigits extends Digits {                            // inheritance: new layer, new forward
    drop = Dropout(0.2)
    forward { logits = fc2(drop(relu(fc1(x)))) }
}

model Pipeline = sequentialModel(Normalize(mean = 0.5, std = 0.25), Digits, Softmax())
model Ensemble = parallelModel(Digits, WideDigits, merge = "mean")
model Siamese = customModel {                                 // explicit graph, shared sub-model
    input a: f32[batch, 64]
    input b: f32[batch, 64]
    encoder = Digits
    output distance = l2_norm(encoder(a) - encoder(b), axis = 1)
}

model MBERTClassifier {                                       // the paper's configuration style
    pretrained_model = "bert-base-uncased"                    // resolved by the model repository
    num_labels = 2
}

func train(model: Digits, data: Dataset, epochs: Int = 10) {   // the paper's train function
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

// host code: run with `mcc run digits.m`
data = load_csv("data/digits.csv", label = "digit").split(train = 0.8, seed = 42)
net = Digits()
train(net, data.train)
print(evaluate(net, data.test, metrics = ["accuracy", "f1"]))

opt = Optimizer()
opt.add(Pruning(strategy = "magnitude", percentage = 0.2, scope = "global", target = "weights"))
opt.add(Quantization(bits = 8, scope = "global", method = "linear"))
small = opt.optimize(net, order = "sequential", goal = "speed")

engine = Engine(device = "CPU")
engine.load_model(small)
engine.set_batch_size(32)
engine.set_num_threads(2)
engine.enable_profiling("profile.json")
predictions = engine.run(data.test)
engine.save_model("digits.bin")

space = defineHyperparamSpace(hidden = choice(64, 128, 256), lr = loguniform(1e-4, 1e-2))
best = autoTuneModel(MLP(in_features = 64), space, train = train, data = data, metric = "accuracy", trials = 20)

base = loadModelFromUrl("file:models/resnet18.onnx", sha256 = "...")
tuned = fineTuneModel(base, data, head = Dense(5), freeze = "backbone", epochs = 3, lr = 1e-3)
