"""`mcc --quantize / --prune / --calibrate / --report / --eval` on the example models.

Quantized libraries are compared with the float library mcc builds from the same source:
int8 keeps the predictions of these small models within a few percent of probability.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import EXAMPLES, run_mcc
from test_weights import read_safetensors


def build(tmp: Path, source: str, name: str, *flags: str) -> tuple[Path, str]:
    lib = tmp / f"lib{name}.so"
    proc = run_mcc(EXAMPLES / source, "-o", lib, *flags)
    assert proc.returncode == 0, proc.stderr.decode()
    return lib, proc.stderr.decode()


def mir_opt(source: str, *flags: str) -> str:
    proc = run_mcc(EXAMPLES / source, "--emit", "mir-opt", *flags)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return np.random.default_rng(0).uniform(0, 1, (40, 1, 28, 28)).astype(np.float32)


def test_static_int8_cnn_matches_float(mcc: Path, tmp_path: Path, images: np.ndarray) -> None:
    cal = tmp_path / "cal.npy"
    np.save(cal, images[:16])
    report = tmp_path / "report.json"
    lib, err = build(tmp_path, "cnn.m", "cnn_q", "--quantize", "int8", "--calibrate", cal, "--report", report)
    ref, _ = build(tmp_path, "cnn.m", "cnn_f")
    x = images[16:]
    got, want = mlang.load(lib).run(x)["probs"], mlang.load(ref).run(x)["probs"]
    assert np.abs(got - want).max() < 0.05
    assert (got.argmax(1) == want.argmax(1)).mean() >= 0.9
    steps = json.loads(report.read_text())["steps"]
    assert [s["optimization"] for s in steps] == ["quantize-int8-static"]
    # Sizes change: int8 weights (qconv2d pads input channels to 4), f32 scales and folded biases.
    assert steps[0]["after"]["parameterBytes"] != steps[0]["before"]["parameterBytes"]
    assert "quantize-int8-static" in err
    text = mir_opt("cnn.m", "--quantize", "int8", "--calibrate", str(cal))
    assert text.count("qconv2d") == 2 and text.count("qmatmul") == 1 and "conv2d %" not in text.replace("qconv2d", "")


@pytest.mark.parametrize("calibration", ["minmax", "percentile:99.9"])
def test_calibration_methods_set_activation_ranges(mcc: Path, tmp_path: Path, images: np.ndarray, calibration: str) -> None:
    cal = tmp_path / "cal.npy"
    np.save(cal, images[:8])
    text = mir_opt("cnn.m", "--quantize", "int8", "--calibrate", str(cal), "--calibration", calibration)
    scales = [float(s.split("=")[1]) for s in text.split("act_scale")[1:] for s in [s.split(",")[0]]]
    assert len(scales) == 3 and all(s > 0 for s in scales)
    # The image is in [0, 1): min-max gives exactly max/255 for the first layer; a percentile less.
    first = scales[0]
    if calibration == "minmax":
        assert abs(first - images[:8].max() / 255) < 1e-6
    else:
        assert first < images[:8].max() / 255


@pytest.mark.parametrize("mode,tolerance", [("int8-dynamic", 0.02), ("int8-weight", 0.01)])
def test_dynamic_and_weight_only_mlp(mcc: Path, tmp_path: Path, mode: str, tolerance: float) -> None:
    report = tmp_path / "r.json"
    lib, _ = build(tmp_path, "mlp.m", mode, "--quantize", mode, "--report", report)
    step = json.loads(report.read_text())["steps"][0]
    assert step["after"]["parameterBytes"] * 3 < step["before"]["parameterBytes"]
    ref, _ = build(tmp_path, "mlp.m", "float")
    x = np.random.default_rng(1).normal(size=(16, 784)).astype(np.float32)
    got, want = mlang.load(lib).run(x)["probs"], mlang.load(ref).run(x)["probs"]
    assert np.abs(got - want).max() < tolerance
    text = mir_opt("mlp.m", "--quantize", mode)
    assert ("qmatmul" in text) == (mode == "int8-dynamic")
    assert ("i8[784, 128]" in text) == (mode == "int8-weight")


def test_magnitude_pruning_zeroes_half_of_each_layer(mcc: Path, tmp_path: Path) -> None:
    weights = tmp_path / "w.safetensors"
    build(tmp_path, "mlp.m", "pruned", "--prune", "0.5", "--save-weights", str(weights))
    tensors = read_safetensors(weights)
    for name in ("fc1.weight", "fc2.weight"):
        assert (tensors[name] == 0).mean() >= 0.5
    assert (tensors["fc1.weight"] != 0).mean() >= 0.49


def test_structured_pruning_shrinks_the_hidden_layer(mcc: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    lib, _ = build(tmp_path, "mlp.m", "structured", "--prune", "0.5", "--prune-structured", "--report", report)
    text = mir_opt("mlp.m", "--prune", "0.5", "--prune-structured")
    assert "f32[784, 64]" in text and "f32[64, 10]" in text
    out = mlang.load(lib).run(np.zeros((2, 784), np.float32))["probs"]
    np.testing.assert_allclose(out.sum(1), 1, rtol=1e-5)
    step = json.loads(report.read_text())["steps"][0]
    assert step["optimization"] == "prune-structured"
    assert step["after"]["parameters"] == 784 * 64 + 64 + 64 * 10 + 10


def test_eval_reports_accuracy_and_latency(mcc: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    data = tmp_path / "eval.npz"
    x = rng.normal(size=(24, 784)).astype(np.float32)
    np.savez(data, x=x, y=rng.integers(0, 10, 24))
    report = tmp_path / "r.json"
    build(tmp_path, "mlp.m", "evald", "--quantize", "int8-dynamic", "--eval", data, "--report", report)
    e = json.loads(report.read_text())["evaluation"]
    assert e["samples"] == 24 and 0 <= e["accuracyBefore"] <= 1 and e["top1Agreement"] >= 0.9
    assert e["latencyMsPerBatchBefore"] > 0 and e["latencyMsPerBatchAfter"] > 0


@pytest.mark.parametrize("flags,message", [
    (["--quantize", "int8"], "needs calibration data"),
    (["--calibrate", "x.npy"], "only used by --quantize int8"),
    (["--quantize", "int8-dynamic", "--calibration", "percentile:20"], "--calibration must be"),
    (["--prune", "1.5"], "--prune must be in [0, 1)"),
    (["--report", "r.json"], "need --quantize or --prune"),
])
def test_bad_optimization_flags_are_clear_errors(mcc: Path, flags: list[str], message: str) -> None:
    proc = run_mcc(EXAMPLES / "mlp.m", "--emit", "mir-opt", *flags)
    assert proc.returncode != 0 and message in proc.stderr.decode()


PIPELINE_MODEL = """
model MLP {
    seed = 42
    input x: f32[batch, 784]
    output probs: f32[batch, 10]
    fc1 = Dense(128)
    fc2 = Dense(10)
    forward {
        probs = softmax(fc2(relu(fc1(x))))
    }
}

net = MLP()
optimizer = Optimizer()
optimizer.add(Pruning(strategy = 'structured', percentage = 0.5))
optimizer.add(QUANTIZATION)
optimized = optimizer.optimize(net, order = 'sequential', goal = 'speed')
"""


@pytest.mark.parametrize("quantization,flags,expected", [
    ("Quantization(bits = 8, scope = 'global', method = 'linear')", [], "quantize-int8-dynamic"),
    ("Quantization(bits = 8, scope = 'global')", ["--calibrate", "CAL"], "quantize-int8-static"),
    ("Quantization(bits = 8, scope = 'weights')", [], "quantize-int8-weight"),
])
def test_declared_optimizer_pipeline_is_compiled(mcc: Path, tmp_path: Path, quantization: str, flags: list[str],
                                                 expected: str) -> None:
    src = tmp_path / "opt.m"
    src.write_text(PIPELINE_MODEL.replace("QUANTIZATION", quantization))
    cal = tmp_path / "cal.npy"
    np.save(cal, np.random.default_rng(0).normal(size=(8, 784)).astype(np.float32))
    report = tmp_path / "r.json"
    proc = run_mcc(src, "-o", tmp_path / "libopt.so", "--report", report, *[str(cal) if f == "CAL" else f for f in flags])
    assert proc.returncode == 0, proc.stderr.decode()
    r = json.loads(report.read_text())
    assert [s["optimization"] for s in r["steps"]] == ["prune-structured", expected]
    assert r["source"].endswith("opt.m:17:13")
    out = mlang.load(tmp_path / "libopt.so").run(np.ones((3, 784), np.float32))["probs"]
    np.testing.assert_allclose(out.sum(1), 1, rtol=1e-5)


def test_flags_override_the_declared_pipeline(mcc: Path, tmp_path: Path) -> None:
    src = tmp_path / "opt.m"
    src.write_text(PIPELINE_MODEL.replace("QUANTIZATION", "Quantization(bits = 8)"))
    report = tmp_path / "r.json"
    proc = run_mcc(src, "-o", tmp_path / "lib.so", "--prune", "0.25", "--report", report)
    assert proc.returncode == 0, proc.stderr.decode()
    r = json.loads(report.read_text())
    # Unstructured --prune is followed by sparsify; at 25% sparsity every layer stays dense.
    assert r["source"] == "flags" and [s["optimization"] for s in r["steps"]] == ["prune-magnitude", "sparsify"]
    assert r["steps"][1]["sparseLayers"] == []


@pytest.mark.parametrize("step,message", [
    ("Quantization(bits = 4)", "8 bits only"),
    ("Quantization(bits = 8, method = 'log')", "linearly only"),
    ("Pruning(strategy = 'random', percentage = 0.5)", "not 'random'"),
])
def test_declared_steps_mcc_cannot_run_are_errors(mcc: Path, tmp_path: Path, step: str, message: str) -> None:
    src = tmp_path / "opt.m"
    src.write_text(PIPELINE_MODEL.replace("QUANTIZATION", step))
    proc = run_mcc(src, "-o", tmp_path / "lib.so")
    assert proc.returncode != 0 and message in proc.stderr.decode() and "opt.m:" in proc.stderr.decode()


def test_structured_pruning_through_pooling_keeps_the_strongest_channels(mcc: Path, tmp_path: Path) -> None:
    """cnn.m: conv1 -> relu -> max_pool -> conv2. The 4 conv1 channels of largest L1 norm stay
    (in order), and conv2 keeps exactly those input channels."""
    full, pruned = tmp_path / "full.safetensors", tmp_path / "pruned.safetensors"
    build(tmp_path, "cnn.m", "full", "--save-weights", str(full))
    lib, _ = build(tmp_path, "cnn.m", "pruned", "--prune", "0.5", "--prune-structured", "--save-weights", str(pruned))
    a, b = read_safetensors(full), read_safetensors(pruned)
    norms = np.abs(a["conv1.weight"]).reshape(8, -1).sum(1)
    keep = np.sort(np.argsort(-norms, kind="stable")[:4])
    np.testing.assert_array_equal(b["conv1.weight.pruned"], a["conv1.weight"][keep])
    np.testing.assert_array_equal(b["conv1.bias.pruned"], a["conv1.bias"][keep])
    np.testing.assert_array_equal(b["conv2.weight.pruned"], a["conv2.weight"][:, keep])
    probs = mlang.load(lib).run(np.ones((2, 1, 28, 28), np.float32))["probs"]
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-5)
