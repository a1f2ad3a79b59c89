"""The language issue end to end: layers the M front end composes from MIR ops (strided
"same" convolution, depthwise convolution, batch norm, residual add, layer norm, multi-head
attention, GRU, LSTM, GELU, SiLU) compiled by mcc and compared with numpy; and the standard
library models compiled to shared libraries and run.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, mlang, run_mcc

LAYERS = """
model Layers = customModel {
    seed = 3
    input image: f32[n, 3, 9, 9]
    input series: f32[n, 5, 4]
    c1 = Conv2D(4, kernel = 3, stride = 2, padding = "same", activation = "relu")
    dw = DepthwiseConv2D(kernel = 3, padding = 1)
    bn = BatchNorm()
    gap = GlobalAveragePooling2D()
    ln = LayerNorm()
    mha = MultiHeadAttention(heads = 2)
    gru = GRU(3)
    fc = Dense(2, activation = "gelu")
    output a = gap(bn(dw(c1(image))) + c1(image))
    output b = gru(mha(ln(series)))
    output c = silu(fc(take(series, 1, axis = 1)))
}
"""


def compile_source(tmp_path: Path, text: str, name: str = "model") -> Path:
    source = tmp_path / f"{name}.m"
    source.write_text(text)
    lib = tmp_path / f"lib{name}.so"
    proc = run_mcc(source, "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return lib


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, pad: int, groups: int = 1) -> np.ndarray:
    n, _, _, _ = x.shape
    f, cg, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (x.shape[2] - kh) // stride + 1, (x.shape[3] - kw) // stride + 1
    y = np.zeros((n, f, oh, ow))
    per_group = f // groups
    for o in range(f):
        g = o // per_group
        for i in range(oh):
            for j in range(ow):
                patch = x[:, g * cg:(g + 1) * cg, i * stride:i * stride + kh, j * stride:j * stride + kw]
                y[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3))
    return y if b is None else y + b[None, :, None, None]


def test_composed_layers_match_numpy(mcc: Path, tmp_path: Path) -> None:
    lib = compile_source(tmp_path, LAYERS, "layers")
    rng = np.random.default_rng(1)
    image = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    series = rng.standard_normal((2, 5, 4)).astype(np.float32)
    with mlang.load(lib) as model:
        p = {k: v.astype(np.float64) for k, v in model.params().items()}
        out = model(image=image, series=series)

    # Strided "same" padding follows TensorFlow: 9 -> 5 with one row of padding on each side.
    h1 = np.maximum(conv2d(image.astype(np.float64), p["c1.weight"], p["c1.bias"], 2, 1), 0)
    d = conv2d(h1, p["dw.weight"], p["dw.bias"], 1, 1, groups=4)
    c = lambda name: p[name][None, :, None, None]  # noqa: E731
    bn = (d - c("bn.running_mean")) / np.sqrt(c("bn.running_var") + 1e-5) * c("bn.weight") + c("bn.bias")
    np.testing.assert_allclose(out["a"], (bn + h1).mean(axis=(2, 3)), rtol=1e-5, atol=1e-5)

    s = series.astype(np.float64)
    mu = s.mean(-1, keepdims=True)
    normed = (s - mu) / np.sqrt(((s - mu) ** 2).mean(-1, keepdims=True) + 1e-5) * p["ln.weight"] + p["ln.bias"]
    dense = lambda x, name: x @ p[name + ".weight"] + p[name + ".bias"]  # noqa: E731
    heads = lambda t: t.reshape(2, 5, 2, 2).transpose(0, 2, 1, 3)  # noqa: E731
    q, k, v = (heads(dense(normed, f"mha.{n}")) for n in ("query", "key", "value"))
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(2)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    attended = dense((weights @ v).transpose(0, 2, 1, 3).reshape(2, 5, 4), "mha.out")
    h = np.zeros((2, 3))
    for t in range(5):  # PyTorch's GRU: gates r, z, n
        gx = attended[:, t] @ p["gru.weight_ih"].T + p["gru.bias_ih"]
        gh = h @ p["gru.weight_hh"].T + p["gru.bias_hh"]
        r, z = sigmoid(gx[:, :3] + gh[:, :3]), sigmoid(gx[:, 3:6] + gh[:, 3:6])
        h = (1 - z) * np.tanh(gx[:, 6:] + r * gh[:, 6:]) + z * h
    np.testing.assert_allclose(out["b"], h, rtol=1e-5, atol=1e-5)

    f = dense(s[:, 1], "fc")
    g = 0.5 * f * (1 + np.vectorize(math.erf)(f / math.sqrt(2)))
    np.testing.assert_allclose(out["c"], g * sigmoid(g), rtol=1e-5, atol=1e-5)


def test_lstm_forecaster_matches_numpy(mcc: Path, tmp_path: Path) -> None:
    lib = tmp_path / "libforecaster.so"
    proc = run_mcc(ROOT / "stdlib" / "lstm_forecaster.m", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    x = np.random.default_rng(0).standard_normal((3, 24, 1)).astype(np.float32)
    with mlang.load(lib) as model:
        p = {k: v.astype(np.float64) for k, v in model.params().items()}
        got = model(series=x)["forecast"]

    def lstm(seq: np.ndarray, name: str, all_steps: bool) -> np.ndarray:
        hidden = p[f"{name}.weight_hh"].shape[1]
        h = np.zeros((seq.shape[0], hidden))
        c = np.zeros_like(h)
        steps = []
        for t in range(seq.shape[1]):  # PyTorch's LSTM: gates i, f, g, o
            g = seq[:, t] @ p[f"{name}.weight_ih"].T + p[f"{name}.bias_ih"] + h @ p[f"{name}.weight_hh"].T + p[f"{name}.bias_hh"]
            i, f, o = sigmoid(g[:, :hidden]), sigmoid(g[:, hidden:2 * hidden]), sigmoid(g[:, 3 * hidden:])
            c = f * c + i * np.tanh(g[:, 2 * hidden:3 * hidden])
            h = o * np.tanh(c)
            steps.append(h)
        return np.stack(steps, 1) if all_steps else h

    h = lstm(lstm(x.astype(np.float64), "lstm1", True), "lstm2", False)
    np.testing.assert_allclose(got, h @ p["head.weight"] + p["head.bias"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,inputs,output", [
    ("mlp", {"x": (2, 784)}, ("logits", (2, 10))),
    ("lenet", {"image": (2, 1, 28, 28)}, ("logits", (2, 10))),
    ("resnet18", {"image": (1, 3, 224, 224)}, ("logits", (1, 1000))),
])
def test_stdlib_model_compiles_and_runs(mcc: Path, tmp_path: Path, name: str, inputs: dict, output: tuple) -> None:
    lib = tmp_path / f"lib{name}.so"
    proc = run_mcc(ROOT / "stdlib" / f"{name}.m", "-o", lib, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    rng = np.random.default_rng(0)
    with mlang.load(lib) as model:
        result = model(**{k: rng.standard_normal(shape).astype(np.float32) for k, shape in inputs.items()})
    key, shape = output
    assert result[key].shape == shape
    assert np.isfinite(result[key]).all()
