"""Values of the training functions against numpy: every loss (and its reduction), the
batch-norm training mode with its running-statistics update, and the dropout mask (a pure
function of seed and element index, so numpy can recompute it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc


def compile_mir(tmp_path: Path, text: str, *flags: str) -> Path:
    src = tmp_path / "net.mir"
    src.write_text(text)
    lib = tmp_path / "libnet.so"
    proc = run_mcc(src, "-o", lib, *flags)
    assert proc.returncode == 0, proc.stderr.decode()
    return lib


NEG = """module @net

func @Net(%x: f64[4, 3]) -> (y: f64[4, 3]) {
  %0 = neg %x : f64[4, 3]
  return %0
}
"""


def log_softmax(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def reference(spec: str, p: np.ndarray, t: np.ndarray) -> float:
    name, _, reduction = spec.partition(",")
    name, _, arg = name.partition(":")
    if name == "cross_entropy":
        s = float(arg or 0)
        q = (1 - s) * np.eye(p.shape[1])[t] + s / p.shape[1]
        per = -(q * log_softmax(p)).sum(axis=1)
    elif name == "bce":
        per = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))
    elif name == "bce_logits":
        per = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    elif name == "mse":
        per = (p - t) ** 2
    elif name == "l1":
        per = np.abs(p - t)
    else:
        d = float(arg or 1)
        a = np.abs(p - t)
        per = np.where(a <= d, 0.5 * a * a, d * (a - 0.5 * d))
    return float(per.sum() if reduction == "sum" else per.mean())


@pytest.mark.parametrize("spec", ["cross_entropy", "cross_entropy:0.2,sum", "bce", "bce_logits", "mse", "l1,sum",
                                  "huber", "huber:0.3"])
def test_loss_value(spec: str, tmp_path: Path) -> None:
    lib = compile_mir(tmp_path, NEG, "--train-loss", spec)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    if spec.startswith("cross_entropy"):
        target = np.array([2, 0, 1, 2], dtype=np.int64)
    elif spec == "bce":
        x = -rng.uniform(0.05, 0.95, (4, 3))   # prediction = -x is a probability
        target = rng.uniform(0, 1, (4, 3))
    else:
        target = rng.standard_normal((4, 3))
    expected = reference(spec, -x, target)
    with mlang.load(lib, "Net.loss") as m:
        out = m.run(x, target)
        assert out["loss"].shape == (1,)
        assert out["loss"][0] == pytest.approx(expected, rel=1e-12, abs=1e-12)
        np.testing.assert_array_equal(out["out.y"], -x)
    with mlang.load(lib, "Net.train") as m:
        out = m.run(x, target, np.array([7], dtype=np.int64))
        assert out["loss"][0] == pytest.approx(expected, rel=1e-12, abs=1e-12)


BN = """module @bn

param @bn.weight : f64[2] = values([1.5, -0.5])
param @bn.bias : f64[2] = values([0.25, 1.0])
param @bn.running_mean : f64[2] = values([0.5, -0.5])
param @bn.running_var : f64[2] = values([2.0, 0.5])

func @Net(%x: f64[b, 2, 3]) -> (y: f64[b, 2, 3]) {
  %0 = param @bn.weight : f64[2]
  %1 = param @bn.bias : f64[2]
  %2 = param @bn.running_mean : f64[2]
  %3 = param @bn.running_var : f64[2]
  %4 = batch_norm %x, %0, %1, %2, %3 {epsilon = 0.001, momentum = 0.2} : f64[b, 2, 3]
  return %4
}
"""


def test_batch_norm_training_mode_and_state_update(tmp_path: Path) -> None:
    lib = compile_mir(tmp_path, BN, "--train-loss", "mse")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 2, 3)) * 2 + 1
    g, b = np.array([1.5, -0.5]), np.array([0.25, 1.0])
    mean, var = x.mean(axis=(0, 2)), x.var(axis=(0, 2))
    n = x.shape[0] * x.shape[2]
    with mlang.load(lib, "Net.train") as m:
        out = m.run(x, np.zeros_like(x), np.array([0], dtype=np.int64))
    expected = (x - mean[None, :, None]) / np.sqrt(var[None, :, None] + 1e-3) * g[None, :, None] + b[None, :, None]
    np.testing.assert_allclose(out["out.y"], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out["state.bn.running_mean"], 0.8 * np.array([0.5, -0.5]) + 0.2 * mean, rtol=1e-12)
    np.testing.assert_allclose(out["state.bn.running_var"], 0.8 * np.array([2.0, 0.5]) + 0.2 * var * n / (n - 1), rtol=1e-12)
    assert sorted(k for k in out if k.startswith("grad.")) == ["grad.bn.bias", "grad.bn.weight"]
    # Inference mode uses the running statistics.
    with mlang.load(lib, "Net") as m:
        y = m.run(x)["y"]
    rm, rv = np.array([0.5, -0.5]), np.array([2.0, 0.5])
    np.testing.assert_allclose(y, (x - rm[None, :, None]) / np.sqrt(rv[None, :, None] + 1e-3) * g[None, :, None] + b[None, :, None],
                               rtol=1e-12)


DROPOUT = """module @drop

func @Net(%x: f64[6, 50]) -> (y: f64[6, 50], z: f64[6, 50]) {
  %0 = dropout %x {ratio = 0.3} : f64[6, 50]
  %1 = dropout %x {ratio = 0.6} : f64[6, 50]
  return %0, %1
}
"""

MASK64 = (1 << 64) - 1


def keep_mask(seed: int, count: int, ratio: float) -> np.ndarray:
    """splitmix64 at step i + 1 from state `seed`, as a double in [0, 1); kept where >= ratio."""
    out = np.empty(count, dtype=bool)
    for i in range(count):
        z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & MASK64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        out[i] = (z >> 11) * 2.0**-53 >= ratio
    return out


def test_dropout_mask_is_a_function_of_seed_and_index(tmp_path: Path) -> None:
    lib = compile_mir(tmp_path, DROPOUT, "--train-loss", "mse", "--model", "Net")
    x = np.random.default_rng(2).standard_normal((6, 50))
    with mlang.load(lib, "Net.train") as m:
        out = m.run(x, np.zeros_like(x), np.array([12345], dtype=np.int64))
        again = m.run(x, np.zeros_like(x), np.array([12345], dtype=np.int64))
        other = m.run(x, np.zeros_like(x), np.array([54321], dtype=np.int64))
    first = keep_mask(12345, x.size, 0.3).reshape(x.shape)
    second = keep_mask(12346, x.size, 0.6).reshape(x.shape)   # the second dropout op draws with seed + 1
    np.testing.assert_allclose(out["out.y"], np.where(first, x / 0.7, 0), rtol=1e-15)
    np.testing.assert_allclose(out["out.z"], np.where(second, x / 0.4, 0), rtol=1e-15)
    np.testing.assert_array_equal(out["out.y"], again["out.y"])
    assert not np.array_equal(out["out.y"], other["out.y"])
    assert 0.55 < first.mean() < 0.85
    with mlang.load(lib, "Net") as m:
        np.testing.assert_array_equal(m.run(x)["y"], x)   # inference: identity
    with mlang.load(lib) as m:   # the forward function stays the library's default model
        assert sorted(m.run(x)) == ["y", "z"]


def test_cli_train_loss_and_freeze(tmp_path: Path) -> None:
    from conftest import EXAMPLES
    proc = run_mcc(EXAMPLES / "mlp.m", "--train-loss", "cross_entropy:0.1", "--freeze", "fc1", "--emit", "mir")
    assert proc.returncode == 0, proc.stderr.decode()
    text = proc.stdout.decode()
    header = next(l for l in text.splitlines() if l.startswith("func @MLP.train("))
    assert "(%x: f32[batch, 784], %target: i64[batch], %seed: i64[1]) -> (loss: f32[1], grad.fc2.weight" in header
    assert "grad.fc1" not in header and "out.probs: f32[batch, 10]" in header
    assert "func @MLP.loss(%x: f32[batch, 784], %target: i64[batch]) -> (loss: f32[1], out.probs" in text

    bad = run_mcc(EXAMPLES / "mlp.m", "--train-loss", "hinge", "--emit", "mir")
    assert bad.returncode != 0 and b"--train-loss: 'hinge' is not one of" in bad.stderr
    lonely = run_mcc(EXAMPLES / "mlp.m", "--freeze", "fc1", "--emit", "mir")
    assert lonely.returncode != 0 and b"--freeze needs --train-loss" in lonely.stderr


def test_cross_entropy_of_a_softmax_output_uses_its_logits(tmp_path: Path) -> None:
    text = """module @sm

func @Net(%x: f64[4, 3]) -> (p: f64[4, 3]) {
  %0 = softmax %x {axis = 1} : f64[4, 3]
  return %0
}
"""
    lib = compile_mir(tmp_path, text, "--train-loss", "cross_entropy")
    x = np.random.default_rng(3).standard_normal((4, 3)) * 3
    target = np.array([1, 0, 2, 2], dtype=np.int64)
    with mlang.load(lib, "Net.loss") as m:
        out = m.run(x, target)
    probs = out["out.p"]
    assert out["loss"][0] == pytest.approx(-np.log(probs[np.arange(4), target]).mean(), rel=1e-12)
