// Residual blocks of ResNet (He et al., 2016), with torchvision's parameter names.
// Both check the residual at compile time: the shortcut is projected (1x1 conv + batch norm)
// exactly when the stride or the channel count changes, so `out + shortcut` always agrees.

// Two 3x3 convolutions (ResNet-18 and ResNet-34).
metamodel BasicBlock(in_channels: Int, channels: Int, stride: Int = 1) {
    input x: f32[batch, in_channels, h, w]
    output y
    conv1 = Conv2D(channels, kernel = 3, stride = stride, padding = 1, use_bias = false)
    bn1 = BatchNorm()
    conv2 = Conv2D(channels, kernel = 3, padding = 1, use_bias = false)
    bn2 = BatchNorm()
    downsample = sequentialModel(Conv2D(channels, kernel = 1, stride = stride, use_bias = false), BatchNorm())
    forward {
        out = relu(bn1(conv1(x)))
        out = bn2(conv2(out))
        if stride != 1 or in_channels != channels {
            shortcut = downsample(x)
        } else {
            shortcut = x
        }
        y = relu(out + shortcut)
    }
}

// 1x1 reduce, 3x3 (carrying the stride, as in torchvision's ResNet v1.5), 1x1 expand by 4
// (ResNet-50, -101, -152).
metamodel Bottleneck(in_channels: Int, channels: Int, stride: Int = 1, expansion: Int = 4) {
    input x: f32[batch, in_channels, h, w]
    output y
    conv1 = Conv2D(channels, kernel = 1, use_bias = false)
    bn1 = BatchNorm()
    conv2 = Conv2D(channels, kernel = 3, stride = stride, padding = 1, use_bias = false)
    bn2 = BatchNorm()
    conv3 = Conv2D(channels * expansion, kernel = 1, use_bias = false)
    bn3 = BatchNorm()
    downsample = sequentialModel(Conv2D(channels * expansion, kernel = 1, stride = stride, use_bias = false), BatchNorm())
    forward {
        out = relu(bn1(conv1(x)))
        out = relu(bn2(conv2(out)))
        out = bn3(conv3(out))
        if stride != 1 or in_channels != channels * expansion {
            shortcut = downsample(x)
        } else {
            shortcut = x
        }
        y = relu(out + shortcut)
    }
}

// A residual stage built from both blocks, with symbolic image sizes: the residual shapes are
// checked for any h and w. (Other files import the metamodels; this model is an example.)
model ResidualStage = sequentialModel(BasicBlock(64, 64), BasicBlock(64, 128, stride = 2), Bottleneck(128, 32))
