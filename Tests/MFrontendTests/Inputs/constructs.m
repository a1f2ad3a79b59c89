// One of every declaration form; parsed by ParserTests.
import "stdlib/vision.m"
import onnx 'models/encoder.onnx' as Encoder

model Plain {
    seed = 42
    weights = "w.safetensors"
    input x: f32[batch, 784]
    output logits: f32[batch, 10]
    fc = Dense(10)
    forward {
        logits = fc(x)
    }
}

model Composed = sequentialModel(a, b)
model Wide extends Plain(hidden = 512)
model Deeper extends Plain {
    extra = Dense(10)
    forward { logits = extra(fc(x)) }
}
model Both extends Plain(hidden = 3) {
    drop = Dropout(0.1)
}

model Graph = customModel {
    input a: f32[batch]
    input b: f32[batch]
    output y = a + b
    output z: f32[batch]
    output w
}

metamodel NoParams {
    k = 1
}

metamodel Conv(channels: Int, kernel: Int = 3, stride = 1) {
    input x: f32[n, channels, h, w]
    output y: f32[n, channels, (h - kernel) / stride + 1, (w - kernel) / stride + 1]
    forward { y = conv2d(x, kernel = kernel, stride = stride) }
}

func loss(y: f32[n, 10], t: i64[n]) -> f32[] {
    return cross_entropy(y, t)
}

net = Plain()
print(net)
