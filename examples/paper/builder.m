// The paper's model description language (section 3.2, part 1) in builder style. The builder's
// type carries the output shape of the layers added so far, so each `add` is shape-checked:
// input_shape (64, 64, 3) is channels-last, as in Keras, i.e. [batch, 3, 64, 64] in M.
model = Model()
// A convolutional layer: input shape, kernel shape and stride, padding method.
model.add(Conv2D(32, kernel = (3, 3), stride = (1, 1), padding = 'same', input_shape = (64, 64, 3)))
// An activation function.
model.add(Activation('relu'))
// A max pooling layer: window, stride, padding method.
model.add(MaxPooling2D(pool_size = (2, 2), stride = (2, 2), padding = 'valid'))
// ... (the paper elides the rest; a binary classifier head:)
model.add(Flatten())
model.add(Dense(1, activation = 'sigmoid'))
// Optimizer, loss and metrics.
model.compile(optimizer = Optimizer('adam', learning_rate = 0.001),
              loss = Loss('binary crossentropy'),
              metrics = [Metric('accuracy')])

// The same description as one chained expression.
classifier = Model().add(Conv2D(32, kernel = (3, 3), padding = 'same', input_shape = (64, 64, 3)))
                    .add(Activation('relu'))
                    .add(MaxPooling2D(pool_size = (2, 2)))
                    .add(Flatten())
                    .add(Dense(1, activation = 'sigmoid'))
                    .compile(optimizer = 'adam', loss = 'binary_crossentropy', metrics = ['accuracy'])
print(classifier.summary())
