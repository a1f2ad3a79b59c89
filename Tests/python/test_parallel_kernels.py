"""Kernels split across the instance's thread pool (issue #5): GEMM by rows or columns, im2col
convolution by output-pixel columns (by images, each with its own im2col copy, when the
copy is small), and the depthwise convolution kernel, at 1 and 2 threads
against a NumPy reference; with the relu / clip epilogue fuse-epilogue folds into them."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402


def conv_ref(x, w, b, stride, pad, dil, groups):
    n, c, h, wd = x.shape
    oc, cpg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - dil * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * pad - dil * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, oc, oh, ow), np.float64)
    opg = oc // groups
    for o in range(oc):
        g = o // opg
        for ci in range(cpg):
            for ky in range(kh):
                for kx in range(kw):
                    patch = xp[:, g * cpg + ci, ky * dil: ky * dil + stride * (oh - 1) + 1: stride,
                               kx * dil: kx * dil + stride * (ow - 1) + 1: stride]
                    out[:, o] += w[o, ci, ky, kx] * patch
        if b is not None:
            out[:, o] += b[o]
    return out


def compile_graph(mcc: Path, tmp_path: Path, name: str, nodes, inputs, outputs, inits) -> Path:
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    path = tmp_path / f"{name}.onnx"
    onnx.save(m, str(path))
    lib = tmp_path / f"{name}.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True)
    return lib


def activation_nodes(act: str, x: str, y: str):
    """ONNX nodes computing y = act(x), and their initializers."""
    if act == "relu":
        return [helper.make_node("Relu", [x], [y])], []
    if act == "relu6":
        return [helper.make_node("Clip", [x, "lo", "hi"], [y])], [numpy_helper.from_array(np.array(0, np.float32), "lo"),
                                                               numpy_helper.from_array(np.array(6, np.float32), "hi")]
    return [helper.make_node("Identity", [x], [y])], []


def act_ref(act: str, v):
    return np.maximum(v, 0) if act == "relu" else np.clip(v, 0, 6) if act == "relu6" else v


@pytest.mark.parametrize("k,stride,pad,dil,groups,c,oc,h,w,act", [
    (3, 1, 1, 1, "dw", 32, 32, 40, 37, "relu6"),  # depthwise, interior + borders
    (3, 2, 1, 1, "dw", 16, 16, 33, 30, "none"),   # depthwise stride 2
    (5, 1, 2, 2, "dw", 8, 8, 21, 19, "relu"),     # depthwise dilated
    (3, 1, 1, 1, 1, 16, 24, 40, 41, "relu"),      # im2col GEMM conv, columns split across parts
    (3, 1, 1, 1, 1, 16, 24, 40, 41, "none"),
    (1, 1, 0, 1, 1, 32, 48, 30, 30, "relu6"),     # pointwise GEMM conv
    (3, 1, 1, 1, 1, 16, 32, 16, 16, "relu"),      # small im2col: whole images per part, an im2col copy each
    (3, 1, 0, 1, 1, 16, 96, 20, 20, "none"),      # small im2col, batch 1: columns split, first copy
    (3, 1, 1, 1, 2, 8, 12, 20, 21, "relu"),       # grouped: the direct kernel
])
def test_conv_parts(mcc: Path, tmp_path: Path, k, stride, pad, dil, groups, c, oc, h, w, act) -> None:
    rng = np.random.default_rng(5)
    g = c if groups == "dw" else groups
    n = 1 if oc == 96 else 8 if oc == 32 else 3
    wt = rng.standard_normal((oc, c // g, k, k)).astype(np.float32)
    b = rng.standard_normal(oc).astype(np.float32)
    oh = (h + 2 * pad - dil * (k - 1) - 1) // stride + 1
    ow = (w + 2 * pad - dil * (k - 1) - 1) // stride + 1
    node = helper.make_node("Conv", ["x", "w", "b"], ["c"], group=g, kernel_shape=[k, k], strides=[stride] * 2,
                            pads=[pad] * 4, dilations=[dil] * 2)
    acts, consts = activation_nodes(act, "c", "y")
    lib = compile_graph(mcc, tmp_path, "conv", [node] + acts, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, c, h, w])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, oc, oh, ow])],
                        [numpy_helper.from_array(wt, "w"), numpy_helper.from_array(b, "b")] + consts)
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    ref = act_ref(act, conv_ref(x.astype(np.float64), wt.astype(np.float64), b.astype(np.float64), stride, pad, dil, g))
    # 3 parts still fit the im2col copies of small convolutions, 5 do not (columns split).
    for threads in (1, 2, 3, 5):
        with mlang.load(lib) as model:
            model.set_num_threads(threads)
            got = model(x=x)["y"]
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4, err_msg=f"threads {threads}")


# (1, 784, 512): MLP's first layer, split by columns only from the streaming grain (KernelCost).
@pytest.mark.parametrize("m,k,n,act", [(1, 1024, 1500, "relu"), (1, 784, 512, "relu"), (600, 200, 40, "relu6"),
                                       (64, 256, 256, "none")])
def test_matmul_parts(mcc: Path, tmp_path: Path, m, k, n, act) -> None:
    rng = np.random.default_rng(6)
    wt = rng.standard_normal((k, n)).astype(np.float32)
    node = helper.make_node("MatMul", ["x", "w"], ["c"])
    acts, consts = activation_nodes(act, "c", "y")
    lib = compile_graph(mcc, tmp_path, "mm", [node] + acts, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])], [numpy_helper.from_array(wt, "w")] + consts)
    x = rng.standard_normal((m, k)).astype(np.float32)
    ref = act_ref(act, x.astype(np.float64) @ wt.astype(np.float64))
    for threads in (1, 2):
        with mlang.load(lib) as model:
            model.set_num_threads(threads)
            got = model(x=x)["y"]
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-3, err_msg=f"threads {threads}")


def test_pool_resize_and_reuse(mcc: Path, tmp_path: Path) -> None:
    """Back-to-back split kernels (workers still spinning from the last one), thread counts
    changed between runs (a pool torn down while its workers spin), and two instances each
    with its own pool. Whichever thread runs a part, a thread count always gives the same bits;
    different counts split the GEMMs differently, so they agree to rounding."""
    rng = np.random.default_rng(8)
    w1 = rng.standard_normal((256, 512)).astype(np.float32)
    w2 = rng.standard_normal((512, 256)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("MatMul", ["r", "w2"], ["y"])]
    lib = compile_graph(mcc, tmp_path, "mm2", nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 256])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 256])],
                        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    x = rng.standard_normal((64, 256)).astype(np.float32)
    ref = np.maximum(x.astype(np.float64) @ w1, 0) @ w2
    first: dict[int, np.ndarray] = {}
    with mlang.load(lib) as a, mlang.load(lib) as b:
        for i, threads in enumerate([2, 3, 2, 5, 1, 4, 2] * 3):
            a.set_num_threads(threads)
            b.set_num_threads(7 - threads)
            for _ in range(5):
                for model, t in ((a, threads), (b, 7 - threads)):
                    got = model(x=x)["y"]
                    if t not in first:
                        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-2, err_msg=f"threads {t}")
                        first[t] = got.copy()
                    np.testing.assert_array_equal(got, first[t], err_msg=f"step {i}, threads {t}")
