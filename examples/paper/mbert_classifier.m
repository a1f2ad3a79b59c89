// The paper's demo (section 3.3.4): a text classifier associated with pre-trained BERT, and the
// function that fine-tunes it. `pretrained_model` is resolved at compile time: the model
// repository maps "bert-base-uncased" to stdlib/bert.m's BertClassifier with BERT-base
// hyperparameters (its weights come with the model repository issue).
model MBERTClassifier {
    pretrained_model = "bert-base-uncased"
    num_labels = 2
}

// `model(batch.text)` is checked against MBERTClassifier's signature (ids: i64[batch, 128])
// -> (logits: f32[batch, 2]); the batch's columns have shapes known only at run time.
func train(model: MBERTClassifier, train_data: Dataset, num_epochs: Int = 3) {
    // Specify the optimizer, loss function, etc. for the model
    optimizer = Adam(model.parameters(), lr = 0.001)
    loss_function = CrossEntropyLoss()
    // Iteratively train the model on training data
    for epoch in range(num_epochs) {
        for batch in train_data {
            optimizer.zero_grad()
            outputs = model(batch.text)
            loss = loss_function(outputs, batch.labels)
            loss.backward()
            optimizer.step()
        }
    }
}

reviews = load_csv("data/reviews.csv", label = "labels").split(train = 0.9, seed = 7)
classifier = MBERTClassifier()
train(classifier, reviews.train)
print(evaluate(classifier, reviews.test, metrics = ["accuracy", "f1"]))
