// The builder's compile with a misspelled loss.
net = Model().add(Dense(1, input_shape = (16,)))
net.compile(optimizer = "adam", loss = "binary_crossentrpy", metrics = ["accuracy"])
