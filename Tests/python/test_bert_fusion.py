"""BERT's fusions (issue #5): layer_norm (imported from LayerNormalization or recognized by
fuse-norm in the decomposed form), GELU recognized by fuse-gelu in its erf and tanh forms, and
the matmul epilogue (bias, GELU / relu, residual) folded by fuse-epilogue into mcc's GEMM and
the OpenBLAS path (MCC_GEMM=blas at compile time). Each is checked in the optimized MIR and
against NumPy at 1 and 2 threads; a small BERT encoder from bench/models.py is checked against
onnxruntime."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402
from conftest import ROOT  # noqa: E402

ERF = np.vectorize(math.erf)


def save(tmp_path: Path, nodes, inputs, output_shape, inits, opset: int = 13, name: str = "m") -> Path:
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, output_shape)],
                          [numpy_helper.from_array(v, k) for k, v in inits.items()])
    path = tmp_path / f"{name}.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=8), str(path))
    return path


def mir(mcc: Path, path: Path, env: dict | None = None) -> str:
    return subprocess.run([str(mcc), str(path), "--emit=mir-opt"], check=True, capture_output=True, text=True,
                          env=env).stdout


def run(mcc: Path, path: Path, tmp_path: Path, feeds: dict, env: dict | None = None, threads=(1, 2)) -> list[np.ndarray]:
    lib = tmp_path / f"{path.stem}{abs(hash(str(env))) % 1000}.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True, env=env)
    outs = []
    for t in threads:
        with mlang.load(lib) as model:
            model.set_num_threads(t)
            outs.append(model(**feeds)["y"])
    return outs


def layer_norm_ref(x, g, b, eps, axes):
    x = x.astype(np.float64)
    m = x.mean(axis=axes, keepdims=True)
    v = ((x - m) ** 2).mean(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


@pytest.mark.parametrize("width", [1, 7, 384, 385])
@pytest.mark.parametrize("decomposed", [False, True])
def test_layer_norm(mcc: Path, tmp_path: Path, width: int, decomposed: bool) -> None:
    rng = np.random.default_rng(width)
    g = rng.uniform(0.5, 1.5, width).astype(np.float32)
    b = rng.standard_normal(width).astype(np.float32)
    eps = 1e-5
    if decomposed:
        # The pre-opset-17 export (PyTorch): ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add.
        nodes = [helper.make_node("ReduceMean", ["x"], ["m"], axes=[-1]), helper.make_node("Sub", ["x", "m"], ["c"]),
                 helper.make_node("Pow", ["c", "two"], ["s"]), helper.make_node("ReduceMean", ["s"], ["v"], axes=[-1]),
                 helper.make_node("Add", ["v", "eps"], ["e"]), helper.make_node("Sqrt", ["e"], ["d"]),
                 helper.make_node("Div", ["c", "d"], ["n"]), helper.make_node("Mul", ["n", "g"], ["t"]),
                 helper.make_node("Add", ["t", "b"], ["y"])]
        inits = {"g": g, "b": b, "two": np.array(2, np.float32), "eps": np.array(eps, np.float32)}
        path = save(tmp_path, nodes, [("x", ["batch", 5, width])], ["batch", 5, width], inits)
    else:
        nodes = [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1, epsilon=eps)]
        path = save(tmp_path, nodes, [("x", ["batch", 5, width])], ["batch", 5, width], {"g": g, "b": b}, opset=17)
    text = mir(mcc, path)
    assert "layer_norm" in text and "reduce_mean" not in text, text
    x = (rng.standard_normal((3, 5, width)) * 3 + 1).astype(np.float32)
    ref = layer_norm_ref(x, g, b, eps, -1)
    for got in run(mcc, path, tmp_path, {"x": x}):
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_layer_norm_two_axes_keeps_extra_outputs(mcc: Path, tmp_path: Path) -> None:
    """axis = 1 of a rank-3 input normalizes the last two dims; a node whose Mean output is used
    stays decomposed (layer_norm has one result)."""
    rng = np.random.default_rng(3)
    g = rng.uniform(0.5, 1.5, (4, 6)).astype(np.float32)
    nodes = [helper.make_node("LayerNormalization", ["x", "g"], ["y"], axis=1, epsilon=1e-3)]
    path = save(tmp_path, nodes, [("x", ["batch", 4, 6])], ["batch", 4, 6], {"g": g}, opset=17)
    assert "layer_norm" in mir(mcc, path)
    x = rng.standard_normal((2, 4, 6)).astype(np.float32)
    for got in run(mcc, path, tmp_path, {"x": x}):
        np.testing.assert_allclose(got, layer_norm_ref(x, g, 0, 1e-3, (1, 2)), rtol=1e-4, atol=1e-5)
    nodes = [helper.make_node("LayerNormalization", ["x", "g"], ["n", "mean"], axis=-1),
             helper.make_node("Sub", ["n", "mean"], ["y"])]
    path = save(tmp_path, nodes, [("x", ["batch", 4, 6])], ["batch", 4, 6], {"g": g[0]}, opset=17, name="mean")
    assert "layer_norm" not in mir(mcc, path)


def gelu_nodes(x: str, form: str) -> tuple[list, dict]:
    """GELU as exporters write it: erf (BERT / PyTorch) or tanh (GPT-2's gelu_new)."""
    if form == "erf":
        nodes = [helper.make_node("Mul", [x, "half"], ["h"]), helper.make_node("Div", [x, "sqrt2"], ["q"]),
                 helper.make_node("Erf", ["q"], ["e"]), helper.make_node("Add", ["one", "e"], ["p"]),
                 helper.make_node("Mul", ["h", "p"], ["y"])]
        return nodes, {"half": np.array(0.5, np.float32), "sqrt2": np.array(math.sqrt(2), np.float32),
                       "one": np.array(1, np.float32)}
    nodes = [helper.make_node("Pow", [x, "three"], ["cube"]), helper.make_node("Mul", ["c", "cube"], ["cc"]),
             helper.make_node("Add", [x, "cc"], ["in"]), helper.make_node("Mul", ["in", "k"], ["ks"]),
             helper.make_node("Tanh", ["ks"], ["t"]), helper.make_node("Add", ["t", "one"], ["p"]),
             helper.make_node("Mul", [x, "p"], ["xp"]), helper.make_node("Mul", ["xp", "half"], ["y"])]
    return nodes, {"three": np.array(3, np.float32), "c": np.array(0.044715, np.float32),
                   "k": np.array(math.sqrt(2 / math.pi), np.float32), "one": np.array(1, np.float32),
                   "half": np.array(0.5, np.float32)}


def gelu_ref(v: np.ndarray, form: str) -> np.ndarray:
    if form == "erf":
        return 0.5 * v * (1 + ERF(v / math.sqrt(2)))
    return 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))


@pytest.mark.parametrize("form", ["erf", "tanh"])
def test_gelu_forms(mcc: Path, tmp_path: Path, form: str) -> None:
    nodes, inits = gelu_nodes("x", form)
    path = save(tmp_path, nodes, [("x", ["batch", 1000])], ["batch", 1000], inits, name=f"gelu_{form}")
    text = mir(mcc, path)
    assert "= gelu %x" in text and "= erf " not in text and "= tanh " not in text, text
    assert ('approximate = "tanh"' in text) == (form == "tanh"), text
    x = np.random.default_rng(1).uniform(-6, 6, (3, 1000)).astype(np.float32)
    for got in run(mcc, path, tmp_path, {"x": x}):
        np.testing.assert_allclose(got, gelu_ref(x.astype(np.float64), form), rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("gemm", ["auto", "mcc", "blas"])
@pytest.mark.parametrize("epilogue", ["gelu", "gelu_tanh", "residual", "relu"])
def test_matmul_epilogue(mcc: Path, tmp_path: Path, gemm: str, epilogue: str) -> None:
    """[batch, 37, 96] x [96, 80] + bias, then GELU, relu, or + residual: 37 rows and 80 columns
    leave edge tiles in mcc's 12x32 GEMM; k and n >= 64 keep the auto choice on mcc's GEMM."""
    rng = np.random.default_rng(11)
    k, n = 96, 80 if epilogue != "residual" else 96
    w = (rng.standard_normal((k, n)) / math.sqrt(k)).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["mm"]), helper.make_node("Add", ["mm", "b"], ["z"])]
    inits = {"w": w, "b": b}
    if epilogue.startswith("gelu"):
        act, extra = gelu_nodes("z", "tanh" if epilogue == "gelu_tanh" else "erf")
        nodes += act
        inits |= extra
    elif epilogue == "relu":
        nodes.append(helper.make_node("Relu", ["z"], ["y"]))
    else:
        nodes.append(helper.make_node("Add", ["x", "z"], ["y"]))
    path = save(tmp_path, nodes, [("x", ["batch", 37, k])], ["batch", 37, n], inits, name=f"epi_{epilogue}")
    env = dict(os.environ)
    if gemm != "auto":
        env["MCC_GEMM"] = gemm
    text = mir(mcc, path, env)
    matmuls = [line for line in text.splitlines() if "matmul" in line]
    assert len(matmuls) == 1 and " add " not in text and "fused" not in text, text
    assert (f'activation = "{epilogue}"' in matmuls[0]) == (epilogue != "residual"), text
    assert matmuls[0].split("{")[0].split(":")[0].count(",") == (3 if epilogue == "residual" else 2), text
    x = rng.standard_normal((2, 37, k)).astype(np.float32)
    z = x.astype(np.float64) @ w + b
    ref = {"gelu": lambda: gelu_ref(z, "erf"), "gelu_tanh": lambda: gelu_ref(z, "tanh"),
           "relu": lambda: np.maximum(z, 0), "residual": lambda: z + x}[epilogue]()
    for got in run(mcc, path, tmp_path, {"x": x}, env):
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_small_bert_matches_onnxruntime(mcc: Path, tmp_path: Path) -> None:
    """Two layers of bench/models.py's encoder (hidden 128, 4 heads, FFN 512, seq 32): every
    projection is one matmul with its bias (+ GELU, + residual), every layer norm one op."""
    ort = pytest.importorskip("onnxruntime")
    sys.path.insert(0, str(ROOT / "bench"))
    import models
    path = tmp_path / "bert.onnx"
    onnx.save(models.bert(layers=2, hidden=128, heads=4, ffn=512, seq=32), str(path))
    text = mir(mcc, path)
    assert text.count("layer_norm") == 4 and text.count('activation = "gelu"') == 2, text
    assert " add " not in text and "= erf " not in text and "reduce_mean" not in text, text
    x = np.random.default_rng(2).standard_normal((3, 32, 128)).astype(np.float32)
    ref = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    lib = tmp_path / "bert.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True)
    for t in (1, 2):
        with mlang.load(lib) as model:
            model.set_num_threads(t)
            got = model(x=x)["hidden_states"]
        np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-4)
