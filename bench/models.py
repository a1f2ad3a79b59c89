#!/usr/bin/env python3
"""Generates the benchmark models of issue #5 as ONNX files, deterministically (fixed seeds).

    python3 bench/models.py [--out bench/models] [--only mlp,lenet,...]

Only `onnx.helper` and numpy: no torch, no downloads. Every model takes its batch as a symbolic
dim (`dim_param: "batch"`), so one file serves batch 1, 8 and 32; the GEMM model is a plain
1024x1024 @ 1024x1024 MatMul of two run-time inputs (the same problem OpenBLAS's sgemm solves).
Files are written with IR version 8 (Debian's libonnx reads IR <= 8) and opset 17, and each one
passes `onnx.checker.check_model(full_check=True)`. A file is rewritten only when its bytes change.

Models (names are the ones bench/run.py uses):
  mlp        784-512-512-10, Gemm(transB)+Relu                        x: [batch, 784]
  lenet      LeNet-5 on 1x28x28: Conv/Relu/MaxPool x2, Flatten, Gemm  x: [batch, 1, 28, 28]
  resnet18   ResNet-18 (torchvision layout; Conv without bias + real BatchNormalization nodes,
             Relu, MaxPool, residual Add, GlobalAveragePool, Flatten, Gemm 512->1000)
                                                                      x: [batch, 3, 224, 224]
  mobilenetv2  MobileNetV2 1.0 (Conv+BN, depthwise Conv via group, Clip(0, 6) for ReLU6,
             inverted residuals with Add, GlobalAveragePool, Gemm 1280->1000)
                                                                      x: [batch, 3, 224, 224]
  bert       MiniLM-size encoder: 6 layers, hidden 384, 12 heads, FFN 1536, seq 128;
             MatMul/Add, Reshape/Transpose for heads, scaled Softmax attention,
             LayerNormalization (opset 17), GELU as 0.5*x*(1+Erf(x/sqrt2))
                                                                      x: [batch, 128, 384]
  lstm       one LSTM layer, input 32, hidden 128, seq 50 (ONNX layout 0); output Y_h
                                                                      x: [50, batch, 32]
  gemm       MatMul of two inputs a: [1024, 1024], b: [1024, 1024]
"""

from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8
OPSET = 17


class Graph:
    """A small ONNX graph builder: unique names, initializers drawn from one seeded generator."""

    def __init__(self, name: str, seed: int) -> None:
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self.outputs: list[onnx.ValueInfoProto] = []
        self.counter: dict[str, int] = {}

    def fresh(self, prefix: str) -> str:
        n = self.counter.get(prefix, 0)
        self.counter[prefix] = n + 1
        return f"{prefix}_{n}"

    def input(self, name: str, shape: list) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        return name

    def output(self, name: str, shape: list) -> None:
        self.outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))

    def const(self, prefix: str, array: np.ndarray) -> str:
        name = self.fresh(prefix)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def weight(self, prefix: str, shape: tuple, fan_in: int, gain: float = 2.0) -> str:
        """He-style init (std sqrt(gain / fan_in)), so activations keep their scale through depth."""
        w = self.rng.standard_normal(shape, dtype=np.float32) * np.float32(math.sqrt(gain / fan_in))
        return self.const(prefix, w.astype(np.float32))

    def bias(self, prefix: str, n: int, scale: float = 0.05) -> str:
        return self.const(prefix, (self.rng.standard_normal(n, dtype=np.float32) * np.float32(scale)).astype(np.float32))

    def node(self, op: str, inputs: list[str], n_out: int = 1, out: list[str] | None = None, **attrs) -> list[str]:
        outs = out if out is not None else [self.fresh(op.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=self.fresh("n_" + op), **attrs))
        return outs

    def op(self, op: str, *inputs: str, **attrs) -> str:
        return self.node(op, list(inputs), **attrs)[0]

    # --- layers ---------------------------------------------------------------------------------

    def gemm(self, x: str, n_in: int, n_out: int, gain: float = 2.0) -> str:
        """PyTorch's Linear as exported: Gemm with a [out, in] weight and transB = 1."""
        w = self.weight("fc_w", (n_out, n_in), n_in, gain)
        b = self.bias("fc_b", n_out)
        return self.op("Gemm", x, w, b, transB=1)

    def conv(self, x: str, c_in: int, c_out: int, k: int, stride: int = 1, pad: int = 0, group: int = 1,
             bias: bool = False) -> str:
        fan_in = (c_in // group) * k * k
        w = self.weight("conv_w", (c_out, c_in // group, k, k), fan_in)
        ins = [x, w] + ([self.bias("conv_b", c_out)] if bias else [])
        return self.op("Conv", *ins, kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4, group=group)

    def bn(self, x: str, c: int) -> str:
        """A real BatchNormalization node (inference form) with non-trivial statistics."""
        r = self.rng
        gamma = self.const("bn_gamma", r.uniform(0.5, 1.5, c).astype(np.float32))
        beta = self.const("bn_beta", (r.standard_normal(c) * 0.1).astype(np.float32))
        mean = self.const("bn_mean", (r.standard_normal(c) * 0.1).astype(np.float32))
        var = self.const("bn_var", r.uniform(0.5, 1.5, c).astype(np.float32))
        return self.op("BatchNormalization", x, gamma, beta, mean, var, epsilon=1e-5)

    def relu6(self, x: str) -> str:
        if not hasattr(self, "_clip"):
            self._clip = (self.const("clip_min", np.array(0.0, np.float32)), self.const("clip_max", np.array(6.0, np.float32)))
        return self.op("Clip", x, *self._clip)

    def model(self) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, self.inits)
        m = helper.make_model(graph, producer_name="mcc-bench", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = IR_VERSION
        m.doc_string = f"mcc benchmark model '{self.name}' (bench/models.py, deterministic)"
        return m


# --- the models ---------------------------------------------------------------------------------

def mlp() -> onnx.ModelProto:
    g = Graph("mlp", seed=1)
    x = g.input("x", ["batch", 784])
    h = g.op("Relu", g.gemm(x, 784, 512))
    h = g.op("Relu", g.gemm(h, 512, 512))
    g.node("Gemm", [h, g.weight("fc_w", (10, 512), 512, 1.0), g.bias("fc_b", 10)], out=["logits"], transB=1)
    g.output("logits", ["batch", 10])
    return g.model()


def lenet() -> onnx.ModelProto:
    g = Graph("lenet", seed=2)
    x = g.input("x", ["batch", 1, 28, 28])
    h = g.op("MaxPool", g.op("Relu", g.conv(x, 1, 6, 5, pad=2, bias=True)), kernel_shape=[2, 2], strides=[2, 2])
    h = g.op("MaxPool", g.op("Relu", g.conv(h, 6, 16, 5, bias=True)), kernel_shape=[2, 2], strides=[2, 2])
    h = g.op("Flatten", h, axis=1)  # [batch, 400]
    h = g.op("Relu", g.gemm(h, 400, 120))
    h = g.op("Relu", g.gemm(h, 120, 84))
    g.node("Gemm", [h, g.weight("fc_w", (10, 84), 84, 1.0), g.bias("fc_b", 10)], out=["logits"], transB=1)
    g.output("logits", ["batch", 10])
    return g.model()


def resnet18() -> onnx.ModelProto:
    g = Graph("resnet18", seed=3)
    x = g.input("x", ["batch", 3, 224, 224])
    h = g.op("Relu", g.bn(g.conv(x, 3, 64, 7, stride=2, pad=3), 64))
    h = g.op("MaxPool", h, kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    c_in = 64
    for stage, c in enumerate([64, 128, 256, 512]):
        for block in range(2):
            stride = 2 if stage > 0 and block == 0 else 1
            y = g.op("Relu", g.bn(g.conv(h, c_in, c, 3, stride=stride, pad=1), c))
            y = g.bn(g.conv(y, c, c, 3, pad=1), c)
            skip = h if stride == 1 and c_in == c else g.bn(g.conv(h, c_in, c, 1, stride=stride), c)
            h = g.op("Relu", g.op("Add", y, skip))
            c_in = c
    h = g.op("Flatten", g.op("GlobalAveragePool", h), axis=1)
    g.node("Gemm", [h, g.weight("fc_w", (1000, 512), 512, 1.0), g.bias("fc_b", 1000)], out=["logits"], transB=1)
    g.output("logits", ["batch", 1000])
    return g.model()


def mobilenetv2() -> onnx.ModelProto:
    g = Graph("mobilenetv2", seed=4)
    x = g.input("x", ["batch", 3, 224, 224])
    h = g.relu6(g.bn(g.conv(x, 3, 32, 3, stride=2, pad=1), 32))
    c_in = 32
    # (expansion t, channels c, repeats n, first stride s), as in the paper and torchvision.
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = c_in * t
            y = h
            if t != 1:
                y = g.relu6(g.bn(g.conv(y, c_in, hidden, 1), hidden))
            y = g.relu6(g.bn(g.conv(y, hidden, hidden, 3, stride=stride, pad=1, group=hidden), hidden))  # depthwise
            y = g.bn(g.conv(y, hidden, c, 1), c)  # linear bottleneck
            h = g.op("Add", h, y) if stride == 1 and c_in == c else y
            c_in = c
    h = g.relu6(g.bn(g.conv(h, c_in, 1280, 1), 1280))
    h = g.op("Flatten", g.op("GlobalAveragePool", h), axis=1)
    g.node("Gemm", [h, g.weight("fc_w", (1000, 1280), 1280, 1.0), g.bias("fc_b", 1000)], out=["logits"], transB=1)
    g.output("logits", ["batch", 1000])
    return g.model()


def bert(layers: int = 6, hidden: int = 384, heads: int = 12, ffn: int = 1536, seq: int = 128) -> onnx.ModelProto:
    g = Graph("bert", seed=5)
    head = hidden // heads
    x = g.input("x", ["batch", seq, hidden])

    def linear(v: str, n_in: int, n_out: int) -> str:
        return g.op("Add", g.op("MatMul", v, g.weight("w", (n_in, n_out), n_in, 1.0)), g.bias("b", n_out, 0.02))

    def layer_norm(v: str) -> str:
        scale = g.const("ln_scale", g.rng.uniform(0.8, 1.2, hidden).astype(np.float32))
        shift = g.const("ln_bias", (g.rng.standard_normal(hidden) * 0.02).astype(np.float32))
        return g.op("LayerNormalization", v, scale, shift, axis=-1, epsilon=1e-12)

    split_shape = g.const("split_heads", np.array([0, seq, heads, head], np.int64))  # 0: keep batch
    merge_shape = g.const("merge_heads", np.array([0, seq, hidden], np.int64))
    scale = g.const("attn_scale", np.array(1.0 / math.sqrt(head), np.float32))
    half = g.const("half", np.array(0.5, np.float32))
    one = g.const("one", np.array(1.0, np.float32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), np.float32))

    h = x
    for _ in range(layers):
        q = g.op("Transpose", g.op("Reshape", linear(h, hidden, hidden), split_shape), perm=[0, 2, 1, 3])  # [b,H,s,d]
        k = g.op("Transpose", g.op("Reshape", linear(h, hidden, hidden), split_shape), perm=[0, 2, 3, 1])  # [b,H,d,s]
        v = g.op("Transpose", g.op("Reshape", linear(h, hidden, hidden), split_shape), perm=[0, 2, 1, 3])  # [b,H,s,d]
        scores = g.op("Mul", g.op("MatMul", q, k), scale)
        probs = g.op("Softmax", scores, axis=-1)
        ctx = g.op("Reshape", g.op("Transpose", g.op("MatMul", probs, v), perm=[0, 2, 1, 3]), merge_shape)
        h = layer_norm(g.op("Add", h, linear(ctx, hidden, hidden)))
        f = linear(h, hidden, ffn)
        f = g.op("Mul", g.op("Mul", f, half), g.op("Add", one, g.op("Erf", g.op("Div", f, sqrt2))))  # exact GELU
        h = layer_norm(g.op("Add", h, linear(f, ffn, hidden)))
    g.node("Identity", [h], out=["hidden_states"])
    g.output("hidden_states", ["batch", seq, hidden])
    return g.model()


def lstm(input_size: int = 32, hidden: int = 128, seq: int = 50) -> onnx.ModelProto:
    g = Graph("lstm", seed=6)
    x = g.input("x", [seq, "batch", input_size])
    s = 1.0 / math.sqrt(hidden)  # PyTorch's uniform(-1/sqrt(h), 1/sqrt(h))
    w = g.const("W", g.rng.uniform(-s, s, (1, 4 * hidden, input_size)).astype(np.float32))
    r = g.const("R", g.rng.uniform(-s, s, (1, 4 * hidden, hidden)).astype(np.float32))
    b = g.const("B", g.rng.uniform(-s, s, (1, 8 * hidden)).astype(np.float32))
    g.node("LSTM", [x, w, r, b], out=["Y", "Y_h"], hidden_size=hidden)
    g.output("Y_h", [1, "batch", hidden])
    return g.model()


def gemm(n: int = 1024) -> onnx.ModelProto:
    g = Graph("gemm", seed=7)
    a = g.input("a", [n, n])
    b = g.input("b", [n, n])
    g.node("MatMul", [a, b], out=["c"])
    g.output("c", [n, n])
    return g.model()


MODELS = {"mlp": mlp, "lenet": lenet, "resnet18": resnet18, "mobilenetv2": mobilenetv2,
          "bert": bert, "lstm": lstm, "gemm": gemm}


def write(name: str, out_dir: str) -> str:
    m = MODELS[name]()
    onnx.checker.check_model(m, full_check=True)
    data = m.SerializeToString()
    path = os.path.join(out_dir, f"{name}.onnx")
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return path  # unchanged: keep the mtime, so mcc outputs stay fresh
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "models"))
    ap.add_argument("--only", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in args.only.split(","):
        if name not in MODELS:
            print(f"models.py: unknown model '{name}' (have {', '.join(MODELS)})", file=sys.stderr)
            return 2
        path = write(name, args.out)
        print(f"{path}  ({os.path.getsize(path) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
