"""Graph passes that fold parameters (issue #5): fold-batch-norm folds an inference
BatchNormalization into the Conv / Gemm before it, fold-constants evaluates constant-only
subgraphs, simplify-algebra drops identity arithmetic. Outputs are checked against a NumPy
reference; the optimized MIR shows what was folded, and builds that keep the declared
parameters (ONNX export) show that nothing was."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402
from test_parallel_kernels import conv_ref  # noqa: E402


def bn_ref(y: np.ndarray, gamma, beta, mean, var, eps: float) -> np.ndarray:
    shape = (1, -1) + (1,) * (y.ndim - 2)
    return (y - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * gamma.reshape(shape) + beta.reshape(shape)


def save(tmp_path: Path, nodes, inputs, outputs, inits) -> Path:
    g = helper.make_graph(nodes, "g", inputs, outputs, [numpy_helper.from_array(v, k) for k, v in inits.items()])
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), str(path))
    return path


def mir(mcc: Path, path: Path, *flags: str) -> str:
    return subprocess.run([str(mcc), str(path), "--emit=mir-opt", *flags], check=True, capture_output=True, text=True).stdout


def run(mcc: Path, path: Path, tmp_path: Path, threads: int = 1, **inputs) -> dict:
    lib = tmp_path / "lib.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True)
    with mlang.load(lib) as model:
        model.set_num_threads(threads)
        return model(**inputs)


def param(name: str, value: np.ndarray) -> str:
    dims = ", ".join(map(str, value.shape))
    return f"param @{name} : f32[{dims}] = values([{', '.join(repr(float(v)) for v in value.ravel())}])"


def conv_bn_module(tmp_path: Path, d: dict, groups: int, cin: int, c: int) -> Path:
    """conv2d (+ bias) -> batch_norm -> relu in MIR text, parameters inline."""
    bias = ", %b" if "b" in d else ""
    lines = ["module @convbn", *(param(k, v) for k, v in d.items()), "",
             f"func @convbn(%x: f32[n, {cin}, 9, 9]) -> (out: f32[n, {c}, 9, 9]) {{",
             f"  %w = param @w : f32{list(d['w'].shape)}", *([f"  %b = param @b : f32[{c}]"] if bias else []),
             f"  %0 = conv2d %x, %w{bias} {{groups = {groups}, pads = [1, 1, 1, 1]}} : f32[n, {c}, 9, 9]",
             *(f"  %{k} = param @{k} : f32[{c}]" for k in ("gamma", "beta", "mean", "var")),
             f"  %1 = batch_norm %0, %gamma, %beta, %mean, %var {{epsilon = 0.001}} : f32[n, {c}, 9, 9]",
             f"  %2 = relu %1 : f32[n, {c}, 9, 9]", "  return %2", "}", ""]
    path = tmp_path / "convbn.mir"
    path.write_text("\n".join(lines))
    return path


def stats(rng: np.random.Generator, c: int) -> dict:
    return {"gamma": rng.uniform(0.5, 2, c), "beta": rng.standard_normal(c), "mean": rng.standard_normal(c),
            "var": rng.uniform(0.1, 3, c)}


def f32(d: dict) -> dict:
    return {k: v.astype(np.float32).astype(np.float64) for k, v in d.items()}


def onnx_stats(rng: np.random.Generator, c: int) -> dict:
    return {k: v.astype(np.float32) for k, v in stats(rng, c).items()}


@pytest.mark.parametrize("groups,bias,c", [(1, True, 8), (1, False, 20), (4, True, 4)])
def test_conv_batch_norm_folds(mcc: Path, tmp_path: Path, groups: int, bias: bool, c: int) -> None:
    """Conv (+ bias) -> BatchNormalization -> Relu from ONNX: trained initializers, folded."""
    rng = np.random.default_rng(3)
    cin = c if groups > 1 else 5
    d = {"w": (rng.standard_normal((c, cin // groups, 3, 3)) / 3).astype(np.float32), **onnx_stats(rng, c)}
    if bias:
        d["b"] = rng.standard_normal(c).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"] + (["b"] if bias else []), ["y"], kernel_shape=[3, 3], pads=[1] * 4, group=groups),
             helper.make_node("BatchNormalization", ["y", "gamma", "beta", "mean", "var"], ["n"], epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["out"])]
    path = save(tmp_path, nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", cin, 9, 9])],
                [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", c, 9, 9])], d)
    text = mir(mcc, path)
    assert "batch_norm" not in text and "@w.bn" in text and "gamma" not in text and "sqrt" not in text, text
    x = rng.standard_normal((2, cin, 9, 9)).astype(np.float32)
    e = f32(d)
    y = conv_ref(x.astype(np.float64), e["w"], e.get("b", np.zeros(c)), 1, 1, 1, groups)
    ref = np.maximum(bn_ref(y, e["gamma"], e["beta"], e["mean"], e["var"], 1e-3), 0)
    for threads in (1, 2):
        np.testing.assert_allclose(run(mcc, path, tmp_path, threads, x=x)["out"], ref, rtol=1e-4, atol=1e-4)


def test_dense_batch_norm_folds(mcc: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    d = {"w": rng.standard_normal((6, 16)).astype(np.float32), "b": rng.standard_normal(16).astype(np.float32), **onnx_stats(rng, 16)}
    nodes = [helper.make_node("MatMul", ["x", "w"], ["p"]), helper.make_node("Add", ["p", "b"], ["y"]),
             helper.make_node("BatchNormalization", ["y", "gamma", "beta", "mean", "var"], ["out"], epsilon=1e-3)]
    path = save(tmp_path, nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 6])],
                [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", 16])], d)
    opt = mir(mcc, path)
    assert "batch_norm" not in opt and "@w.bn" in opt and "gamma" not in opt, opt
    x = rng.standard_normal((3, 6)).astype(np.float32)
    e = f32(d)
    ref = bn_ref(x @ e["w"] + e["b"], e["gamma"], e["beta"], e["mean"], e["var"], 1e-3)
    np.testing.assert_allclose(run(mcc, path, tmp_path, x=x)["out"], ref, rtol=1e-4, atol=1e-4)


def test_inline_parameters_stay_settable(mcc: Path, tmp_path: Path) -> None:
    """Parameters written inline in MIR (or initialized by a recipe in M) are weights a user may
    set: nothing folds them, and set_param changes the result."""
    rng = np.random.default_rng(2)
    d = f32({"w": rng.standard_normal((4, 3, 3, 3)) / 3, **stats(rng, 4)})
    path = conv_bn_module(tmp_path, d, 1, 3, 4)
    text = mir(mcc, path)
    assert "gamma" in text and "@w " in text, text
    x = rng.standard_normal((1, 3, 9, 9)).astype(np.float32)
    lib = tmp_path / "inline.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True)
    with mlang.load(lib) as model:
        model.set_param("gamma", np.zeros(4, np.float32))
        got = model(x=x)["out"]
    beta = d["beta"].reshape(1, -1, 1, 1)
    np.testing.assert_allclose(got, np.maximum(np.broadcast_to(beta, got.shape), 0), rtol=1e-6, atol=1e-6)


def test_batch_norm_kept_when_parameters_are_exported(mcc: Path, tmp_path: Path) -> None:
    """ONNX export and --save-weights write the parameters as the model declares them: no folding."""
    rng = np.random.default_rng(1)
    d = f32({"w": rng.standard_normal((4, 3, 3, 3)), **stats(rng, 4)})
    path = conv_bn_module(tmp_path, d, 1, 3, 4)
    out = tmp_path / "back.onnx"
    subprocess.run([str(mcc), str(path), "--emit=onnx", "-o", str(out)], check=True)
    names = {i.name for i in onnx.load(str(out)).graph.initializer}
    assert {"gamma", "beta", "mean", "var", "w"} <= names, names
    weights = tmp_path / "w.safetensors"
    subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "lib.so"), "--save-weights", str(weights)], check=True)
    assert b"gamma" in weights.read_bytes()[:4096]


def test_constants_fold_and_identities_vanish(mcc: Path, tmp_path: Path) -> None:
    """sqrt(4) / 2 * x + 0, x / 4 and pow(x, 2): the constant chain folds to one value and the
    identities disappear, leaving a single fused loop with the same results."""
    inits = {"four": np.array(4, np.float32), "two": np.array(2, np.float32), "zero": np.zeros(3, np.float32),
             "one": np.ones(3, np.float32)}
    nodes = [helper.make_node("Sqrt", ["four"], ["s"]), helper.make_node("Div", ["s", "two"], ["k"]),
             helper.make_node("Mul", ["x", "k"], ["a"]), helper.make_node("Add", ["a", "zero"], ["b"]),
             helper.make_node("Div", ["b", "four"], ["c"]), helper.make_node("Pow", ["c", "two"], ["d"]),
             helper.make_node("Mul", ["d", "one"], ["out"])]
    path = save(tmp_path, nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
                [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["n", 3])], inits)
    text = mir(mcc, path)
    assert "sqrt" not in text and " pow " not in text and " div " not in text, text
    x = np.arange(-6, 6, dtype=np.float32).reshape(4, 3)
    np.testing.assert_allclose(run(mcc, path, tmp_path, x=x)["out"], (x / 4) ** 2, rtol=1e-6)


def test_onnx_conv_batch_norm(mcc: Path, tmp_path: Path) -> None:
    """The ONNX importer emits batch_norm for constant statistics; the pass folds it into the Conv in
    an inference build, and ONNX export keeps the declared parameters (nothing folded)."""
    rng = np.random.default_rng(9)
    d = {"w": rng.standard_normal((6, 3, 3, 3)).astype(np.float32) / 3, "b": rng.standard_normal(6).astype(np.float32),
         **{k: v.astype(np.float32) for k, v in stats(rng, 6).items()}}
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], pads=[1] * 4),
             helper.make_node("BatchNormalization", ["y", "gamma", "beta", "mean", "var"], ["out"], epsilon=1e-3)]
    path = save(tmp_path, nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 9, 9])],
                [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", 6, 9, 9])], d)
    text = mir(mcc, path)
    assert "batch_norm" not in text and "@w.bn " in text, text
    x = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    e = f32(d)
    ref = bn_ref(conv_ref(x.astype(np.float64), e["w"], e["b"], 1, 1, 1, 1), e["gamma"], e["beta"], e["mean"], e["var"], 1e-3)
    np.testing.assert_allclose(run(mcc, path, tmp_path, x=x)["out"], ref, rtol=1e-4, atol=1e-4)
    back = tmp_path / "back.onnx"
    subprocess.run([str(mcc), str(path), "--emit=onnx", "-o", str(back)], check=True)
    names = {i.name for i in onnx.load(str(back)).graph.initializer}
    assert {"w", "b", "gamma", "beta", "mean", "var"} <= names, names
