// fineTuneModel with a misspelled layer group.
base = loadModelFromUrl("file:models/resnet18.onnx")
data = load_csv("images.csv", label = "class")
tuned = fineTuneModel(base, data, head = Dense(5), freeze = "backbon", epochs = 3, lr = 1e-3)
print(tuned)
