// An if condition that is not a Bool.
func check(epochs: Int) {
    if epochs {
        print("training")
    }
}
