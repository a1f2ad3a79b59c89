// Assigning to a let constant.
func run() {
    let epochs = 10
    epochs = 20
    print(epochs)
}
