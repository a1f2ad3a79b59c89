// A for loop over a number.
func count() {
    for i in 10 {
        print(i)
    }
}
