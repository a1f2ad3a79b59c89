// Concatenating branch outputs that disagree on another dim.
model Wide {
    input x: f32[batch, 3, 32, 32]
    output y: f32[batch, 8, 32, 32]
    c = Conv2D(8, kernel = 3, padding = "same")
}
model Narrow {
    input x: f32[batch, 3, 32, 32]
    output y: f32[batch, 8, 30, 30]
    c = Conv2D(8, kernel = 3)
}

model Both = parallelModel(Wide, Narrow, merge = "concat")
