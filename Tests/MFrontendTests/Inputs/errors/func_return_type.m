// A func returns a value of the wrong type.
func accuracy(correct: Int, total: Int) -> Float {
    return "perfect"
}
