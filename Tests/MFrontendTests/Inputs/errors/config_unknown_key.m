// A configuration key the architecture does not have.
model MBERTClassifier {
    pretrained_model = "bert-base-uncased"
    num_label = 2
}
