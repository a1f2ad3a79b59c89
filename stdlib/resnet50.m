// ResNet-50 (He et al., 2016) for ImageNet: 25,557,032 parameters, as torchvision's resnet50.
import "resnet_blocks.m"

metamodel ResNet50(classes: Int = 1000, image_size: Int = 224) {
    input image: f32[batch, 3, image_size, image_size]
    output logits: f32[batch, classes]
    conv1 = Conv2D(64, kernel = 7, stride = 2, padding = 3, use_bias = false)
    bn1 = BatchNorm()
    maxpool = MaxPooling2D(pool = 3, stride = 2, padding = 1)
    layer1 = sequentialModel(Bottleneck(64, 64), Bottleneck(256, 64), Bottleneck(256, 64))
    layer2 = sequentialModel(Bottleneck(256, 128, stride = 2), Bottleneck(512, 128), Bottleneck(512, 128), Bottleneck(512, 128))
    layer3 = sequentialModel(Bottleneck(512, 256, stride = 2), Bottleneck(1024, 256), Bottleneck(1024, 256),
                             Bottleneck(1024, 256), Bottleneck(1024, 256), Bottleneck(1024, 256))
    layer4 = sequentialModel(Bottleneck(1024, 512, stride = 2), Bottleneck(2048, 512), Bottleneck(2048, 512))
    avgpool = GlobalAveragePooling2D()
    fc = Dense(classes)
    forward {
        h = maxpool(relu(bn1(conv1(image))))
        h = layer4(layer3(layer2(layer1(h))))
        logits = fc(avgpool(h))
    }
}

model ResNet50ImageNet = ResNet50()
