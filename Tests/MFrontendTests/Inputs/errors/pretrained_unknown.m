// A pretrained model the repository cannot resolve.
model Chat {
    pretrained_model = "gpt-7"
    num_labels = 2
}
