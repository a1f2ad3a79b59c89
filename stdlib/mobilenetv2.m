// MobileNetV2 (Sandler et al., 2018) for ImageNet: 3,504,872 parameters, as torchvision's mobilenet_v2.

// Expand (1x1), depthwise 3x3, project (1x1, linear); a residual when the shape is kept.
metamodel InvertedResidual(in_channels: Int, out_channels: Int, stride: Int = 1, expand: Int = 6) {
    input x: f32[batch, in_channels, h, w]
    output y
    expand_conv = Conv2D(in_channels * expand, kernel = 1, use_bias = false)
    expand_bn = BatchNorm()
    depthwise = DepthwiseConv2D(kernel = 3, stride = stride, padding = 1, use_bias = false)
    depthwise_bn = BatchNorm()
    project = Conv2D(out_channels, kernel = 1, use_bias = false)
    project_bn = BatchNorm()
    forward {
        h = x
        if expand != 1 {
            h = relu6(expand_bn(expand_conv(h)))
        }
        h = relu6(depthwise_bn(depthwise(h)))
        h = project_bn(project(h))
        if stride == 1 and in_channels == out_channels {
            y = x + h
        } else {
            y = h
        }
    }
}

metamodel MobileNetV2(classes: Int = 1000, image_size: Int = 224) {
    input image: f32[batch, 3, image_size, image_size]
    output logits: f32[batch, classes]
    features = sequentialModel(
        sequentialModel(Conv2D(32, kernel = 3, stride = 2, padding = 1, use_bias = false), BatchNorm(), ReLU6()),
        InvertedResidual(32, 16, expand = 1),
        InvertedResidual(16, 24, stride = 2), InvertedResidual(24, 24),
        InvertedResidual(24, 32, stride = 2), InvertedResidual(32, 32), InvertedResidual(32, 32),
        InvertedResidual(32, 64, stride = 2), InvertedResidual(64, 64), InvertedResidual(64, 64), InvertedResidual(64, 64),
        InvertedResidual(64, 96), InvertedResidual(96, 96), InvertedResidual(96, 96),
        InvertedResidual(96, 160, stride = 2), InvertedResidual(160, 160), InvertedResidual(160, 160),
        InvertedResidual(160, 320),
        sequentialModel(Conv2D(1280, kernel = 1, use_bias = false), BatchNorm(), ReLU6()))
    pool = GlobalAveragePooling2D()
    dropout = Dropout(0.2)
    classifier = Dense(classes)
    forward {
        logits = classifier(dropout(pool(features(image))))
    }
}

model MobileNetV2ImageNet = MobileNetV2()
