// Models that inherit from each other.
model A extends B {
    extra = Dropout(0.1)
}
model B extends A {
    more = Dropout(0.1)
}
