// The builder style is shape-checked too: Dense after a convolution needs Flatten first.
net = Model()
net.add(Conv2D(8, kernel = 3, input_shape = (28, 28, 1)))
net.add(Dense(10))
net.compile(optimizer = "adam", loss = "categorical_crossentropy", metrics = ["accuracy"])
