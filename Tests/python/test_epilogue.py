"""Epilogue fusion (issue #5): a residual add (ResNet / MobileNetV2 skip connection) and the
relu after it fold into the conv2d's GEMM kernel (fuse-epilogue); checked against a NumPy
reference at 1 to 3 threads, and in the optimized MIR."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402
from test_parallel_kernels import conv_ref  # noqa: E402


@pytest.mark.parametrize("k,c,h,n,relu,swap", [
    (3, 32, 20, 3, True, False),    # ResNet block end: relu(conv + b + x), im2col GEMM, columns split
    (3, 16, 16, 8, False, True),    # Add(x, conv): either operand order; images split (small im2col)
    (1, 64, 28, 4, False, False),   # MobileNetV2 projection: pointwise GEMM, no im2col
    (3, 8, 9, 1, True, False),      # small: one thread whatever the pool
])
def test_conv_residual(mcc: Path, tmp_path: Path, k, c, h, n, relu, swap) -> None:
    rng = np.random.default_rng(7)
    pad = k // 2
    wt = rng.standard_normal((c, c, k, k)).astype(np.float32) / (c * k)
    b = rng.standard_normal(c).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[k, k], pads=[pad] * 4),
             helper.make_node("Add", ["x", "c"] if swap else ["c", "x"], ["s" if relu else "y"])]
    if relu:
        nodes.append(helper.make_node("Relu", ["s"], ["y"]))
    g = helper.make_graph(nodes, "res", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", c, h, h])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", c, h, h])],
                          [numpy_helper.from_array(wt, "w"), numpy_helper.from_array(b, "b")])
    path = tmp_path / "res.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), str(path))
    # NCHW (--no-select-layout): the GEMM conv kernel's epilogue. Default: on AVX-512 hosts
    # select-layout carries the residual into conv2d_nchwc (channels >= 16).
    nchw = subprocess.run([str(mcc), str(path), "--emit=mir-opt", "--no-select-layout"], check=True, capture_output=True, text=True).stdout
    convs = [line for line in nchw.splitlines() if "conv2d" in line]
    assert len(convs) == 1 and "%x {" in convs[0], nchw   # the residual is the conv's 4th operand
    assert ("activation = \"relu\"" in convs[0]) == relu and " add " not in nchw and "fused" not in nchw, nchw
    default = subprocess.run([str(mcc), str(path), "--emit=mir-opt"], check=True, capture_output=True, text=True).stdout
    if "conv2d_nchwc" in default:
        blocked = [line for line in default.splitlines() if "conv2d_nchwc" in line]
        assert len(blocked) == 1 and blocked[0].split("{")[0].count(",") == 3 and " add " not in default, default
    x = rng.standard_normal((n, c, h, h)).astype(np.float32)
    ref = conv_ref(x.astype(np.float64), wt.astype(np.float64), b.astype(np.float64), 1, pad, 1, 1) + x
    if relu:
        ref = np.maximum(ref, 0)
    for flags in ([], ["--no-select-layout"]):
        lib = tmp_path / f"res{len(flags)}.so"
        subprocess.run([str(mcc), str(path), "-o", str(lib), *flags], check=True)
        for threads in (1, 2, 3):
            with mlang.load(lib) as model:
                model.set_num_threads(threads)
                got = model(x=x)["y"]
            np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4, err_msg=f"threads {threads}")
