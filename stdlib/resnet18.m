// ResNet-18 (He et al., 2016) for ImageNet: 11,689,512 parameters, as torchvision's resnet18.
import "resnet_blocks.m"

metamodel ResNet18(classes: Int = 1000, image_size: Int = 224) {
    input image: f32[batch, 3, image_size, image_size]
    output logits: f32[batch, classes]
    conv1 = Conv2D(64, kernel = 7, stride = 2, padding = 3, use_bias = false)
    bn1 = BatchNorm()
    maxpool = MaxPooling2D(pool = 3, stride = 2, padding = 1)
    layer1 = sequentialModel(BasicBlock(64, 64), repeat = 2)
    layer2 = sequentialModel(BasicBlock(64, 128, stride = 2), BasicBlock(128, 128))
    layer3 = sequentialModel(BasicBlock(128, 256, stride = 2), BasicBlock(256, 256))
    layer4 = sequentialModel(BasicBlock(256, 512, stride = 2), BasicBlock(512, 512))
    avgpool = GlobalAveragePooling2D()
    fc = Dense(classes)
    forward {
        h = maxpool(relu(bn1(conv1(image))))
        h = layer4(layer3(layer2(layer1(h))))
        logits = fc(avgpool(h))
    }
}

model ResNet18ImageNet = ResNet18()
