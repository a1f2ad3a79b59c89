"""int8 kernels (qmatmul, qconv2d) against numpy integer references.

The activation scale is 1 and inputs are integers, so quantization is exact and every output
is an exact s32 accumulation (|values| < 2**24, exact in f32): the comparisons use ==. Each
case runs on the host target (vpdpbusd where it has AVX-512 VNNI) and on plain x86-64 (the
widening-multiply fallback), so both code paths are checked against the same reference.

Two operand forms: "sum" (x, w, w_scale, w_sum[, bias]: the zero-point correction computed in
the kernel, what dynamic quantization uses) and "folded" (x, w, w_scale[, bias] with the
correction -z * sum(w) already in the bias, what static quantization emits). With scale 1 and
integer zero points, the folded bias is an exact integer, so both forms are compared with ==.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc

TARGETS = {"host": [], "x86-64": ["--target-cpu", "x86-64"]}
FORMS = ["sum", "folded"]


def pack(w: np.ndarray) -> np.ndarray:
    """W[k, n] -> i8[ceil(k/4), n, 4] (the layout in MIR's QuantizedShapes.swift; no column padding)."""
    k, n = w.shape
    out = np.zeros(((k + 3) // 4, n, 4), np.int8)
    for r in range(k):
        out[r // 4, :, r % 4] = w[r]
    return out


def conv_matrix(w: np.ndarray) -> np.ndarray:
    """W[oc, c, kh, kw] -> [kh*kw*cp, oc] with k = (ky*kw + kx)*cp + c, cp = c rounded up to 4."""
    oc, c, kh, kw = w.shape
    cp = (c + 3) // 4 * 4
    m = np.zeros((kh, kw, cp, oc), np.int8)
    m[:, :, :c, :] = w.transpose(2, 3, 1, 0)
    return m.reshape(kh * kw * cp, oc)


def values(a: np.ndarray) -> str:
    return "values([" + ", ".join(f"{float(v)!r}" for v in a.ravel()) + "])"


def shape(a) -> str:
    return ", ".join(str(d) for d in a)


def compile_mir(text: str, tmp: Path, name: str, flags: list[str]) -> mlang.Model:
    src = tmp / f"{name}.mir"
    src.write_text(text)
    lib = tmp / f"lib{name}.so"
    proc = run_mcc(src, "-o", lib, *flags)
    assert proc.returncode == 0, proc.stderr.decode()
    return mlang.load(lib)


def quantized_module(kind: str, x_shape: list, out_shape: list, wq: np.ndarray, n: int, attrs: str,
                     scale: np.ndarray, bias: np.ndarray | None, wsum: np.ndarray | None) -> str:
    """wsum None = the folded form (no w_sum operand)."""
    params = [f"param @w : i8[{shape(wq.shape)}] = {values(wq)}",
              f"param @s : f32[{n}] = {values(scale)}"]
    ops = ["  %0 = param @w : i8[" + shape(wq.shape) + "]", f"  %1 = param @s : f32[{n}]"]
    operands = "%x, %0, %1"
    if wsum is not None:
        params.append(f"param @z : i32[{n}] = {values(wsum)}")
        ops.append(f"  %2 = param @z : i32[{n}]")
        operands += ", %2"
    if bias is not None:
        params.append(f"param @b : f32[{n}] = {values(bias)}")
        ops.append(f"  %3 = param @b : f32[{n}]")
        operands += ", %3"
    ops.append(f"  %y = {kind} {operands} {{{attrs}}} : f32[{shape(out_shape)}]")
    return (f"module @q\n\n" + "\n".join(params) + f"\n\nfunc @f(%x: f32[{shape(x_shape)}]) -> (y: f32[{shape(out_shape)}]) {{\n"
            + "\n".join(ops) + "\n  return %y\n}\n")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("m,k,n", [(5, 37, 10), (8, 64, 128), (1, 3, 70), (9, 20, 100), (4, 8, 48)])
def operands_for(form: str, z: int, wsum: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(bias, w_sum) of a case with no real bias, in `form`."""
    if form == "sum":
        return None, wsum
    return (-z * wsum).astype(np.float32), None


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("m,k,n", [(5, 37, 10), (8, 64, 128), (1, 3, 70), (9, 20, 100), (4, 8, 48), (6, 40, 1),
                                   (7, 33, 17), (3, 16, 79)])
def test_qmatmul_is_exact(mcc: Path, tmp_path: Path, target: str, form: str, m: int, k: int, n: int) -> None:
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    z = 7
    w = rng.integers(-128, 128, (k, n)).astype(np.int8)
    bias, wsum = operands_for(form, z, w.astype(np.int64).sum(0))
    text = quantized_module("qmatmul", ["b", k], ["b", n], pack(w), n, f"act_scale = 1.0, act_zero_point = {z}",
                            np.ones(n, np.float32), bias, wsum)
    model = compile_mir(text, tmp_path, f"qmm{m}_{k}_{n}_{form}", TARGETS[target])
    x = rng.integers(-z, 256 - z, (m, k))
    got = model.run(x.astype(np.float32))["y"]
    assert np.array_equal(got, (x @ w.astype(np.int64)).astype(np.float32))


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("c,oc,kernel,stride,pad,dil", [(3, 20, 3, 1, 1, 1), (8, 64, 3, 2, 1, 1), (5, 7, 1, 1, 0, 1),
                                                         (4, 9, 3, 1, 2, 2)])
def test_qconv2d_is_exact(mcc: Path, tmp_path: Path, target: str, form: str, c, oc, kernel, stride, pad, dil) -> None:
    rng = np.random.default_rng(c * 100 + oc)
    z = 100
    hw = 9
    w = rng.integers(-127, 128, (oc, c, kernel, kernel)).astype(np.int8)
    out_hw = (hw + 2 * pad - dil * (kernel - 1) - 1) // stride + 1
    attrs = (f"act_scale = 1.0, act_zero_point = {z}, kernel = [{kernel}, {kernel}], strides = [{stride}, {stride}], "
             f"pads = [{pad}, {pad}, {pad}, {pad}], dilations = [{dil}, {dil}]")
    bias, wsum = operands_for(form, z, w.astype(np.int64).sum((1, 2, 3)))
    text = quantized_module("qconv2d", ["b", c, hw, hw], ["b", oc, out_hw, out_hw], pack(conv_matrix(w)), oc, attrs,
                            np.ones(oc, np.float32), bias, wsum)
    model = compile_mir(text, tmp_path, f"qconv{c}_{oc}_{kernel}_{stride}_{form}", TARGETS[target])
    x = rng.integers(-z, 256 - z, (2, c, hw, hw))
    got = model.run(x.astype(np.float32))["y"]
    # Integer reference: padding is a real 0 (the zero point).
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    ref = np.zeros((2, oc, out_hw, out_hw), np.int64)
    for ky in range(kernel):
        for kx in range(kernel):
            win = xp[:, :, ky * dil: ky * dil + stride * (out_hw - 1) + 1: stride, kx * dil: kx * dil + stride * (out_hw - 1) + 1: stride]
            ref += np.einsum("nchw,oc->nohw", win, w[:, :, ky, kx].astype(np.int64))
    assert np.array_equal(got, ref.astype(np.float32))


def test_qmatmul_epilogue_and_dynamic_range(mcc: Path, tmp_path: Path) -> None:
    """Scales, bias and relu in the epilogue; no act_scale = per-call (dynamic) quantization."""
    rng = np.random.default_rng(3)
    k, n = 50, 33
    w = rng.integers(-127, 128, (k, n)).astype(np.int8)
    ws = rng.uniform(0.01, 0.02, n).astype(np.float32)
    bias = rng.normal(size=n).astype(np.float32)
    text = quantized_module("qmatmul", ["b", k], ["b", n], pack(w), n, 'activation = "relu"', ws, bias,
                            w.astype(np.int64).sum(0))
    model = compile_mir(text, tmp_path, "qdyn", [])
    x = rng.normal(size=(6, k)).astype(np.float32)
    got = model.run(x)["y"]
    lo, hi = min(x.min(), 0), max(x.max(), 0)
    s = np.float32((hi - lo) / 255)
    zp = np.clip(np.rint(-lo / s), 0, 255)
    q = np.clip(np.rint(x * np.float32(1 / s)) + zp, 0, 255).astype(np.int64)
    ref = np.maximum((q - zp) @ w.astype(np.int64) * (s * ws) + bias, 0)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    # And the quantized result approximates the float one.
    exact = np.maximum(x @ (w.astype(np.float32) * ws) + bias, 0)
    assert np.abs(got - exact).max() < 0.05 * np.abs(exact).max()


@pytest.mark.parametrize("kind", ["qmatmul", "qconv2d"])
def test_split_across_threads_is_exact(mcc: Path, tmp_path: Path, kind: str) -> None:
    """Big enough for the thread pool: parts quantize and compute disjoint rows / images."""
    rng = np.random.default_rng(11)
    z = 5
    if kind == "qmatmul":
        m, k, n = 67, 256, 80
        w = rng.integers(-127, 128, (k, n)).astype(np.int8)
        text = quantized_module("qmatmul", ["b", k], ["b", n], pack(w), n, f"act_scale = 1.0, act_zero_point = {z}",
                                np.ones(n, np.float32), None, w.astype(np.int64).sum(0))
        x = rng.integers(-z, 256 - z, (m, k))
        ref = x @ w.astype(np.int64)
    else:
        c, oc, hw = 32, 64, 16
        w = rng.integers(-127, 128, (oc, c, 1, 1)).astype(np.int8)
        text = quantized_module("qconv2d", ["b", c, hw, hw], ["b", oc, hw, hw], pack(conv_matrix(w)), oc,
                                f"act_scale = 1.0, act_zero_point = {z}", np.ones(oc, np.float32), None,
                                w.astype(np.int64).sum((1, 2, 3)))
        x = rng.integers(-z, 256 - z, (5, c, hw, hw))
        ref = np.einsum("nchw,oc->nohw", x, w[:, :, 0, 0].astype(np.int64))
    model = compile_mir(text, tmp_path, f"par_{kind}", [])
    model.set_num_threads(2)
    got = model.run(x.astype(np.float32))["y"]
    assert np.array_equal(got, ref.astype(np.float32))


def test_qconv2d_dynamic_range_bias_relu(mcc: Path, tmp_path: Path) -> None:
    """qconv2d without act_scale quantizes each call's input from its range; padding is z."""
    rng = np.random.default_rng(4)
    c, oc, hw = 3, 5, 6
    w = rng.integers(-127, 128, (oc, c, 3, 3)).astype(np.int8)
    ws = rng.uniform(0.01, 0.02, oc).astype(np.float32)
    bias = rng.normal(size=oc).astype(np.float32)
    attrs = 'activation = "relu", kernel = [3, 3], pads = [1, 1, 1, 1]'
    text = quantized_module("qconv2d", ["b", c, hw, hw], ["b", oc, hw, hw], pack(conv_matrix(w)), oc, attrs, ws, bias,
                            w.astype(np.int64).sum((1, 2, 3)))
    model = compile_mir(text, tmp_path, "qconvdyn", [])
    x = rng.normal(size=(2, c, hw, hw)).astype(np.float32)
    got = model.run(x)["y"]
    lo, hi = min(x.min(), 0), max(x.max(), 0)
    s = np.float32((hi - lo) / 255)
    zp = np.clip(np.rint(-lo / s), 0, 255)
    q = np.clip(np.rint(x * np.float32(1 / s)) + zp, 0, 255).astype(np.int64) - int(zp)
    qp = np.pad(q, ((0, 0), (0, 0), (1, 1), (1, 1)))
    acc = np.zeros((2, oc, hw, hw), np.int64)
    for ky in range(3):
        for kx in range(3):
            acc += np.einsum("nchw,oc->nohw", qp[:, :, ky:ky + hw, kx:kx + hw], w[:, :, ky, kx].astype(np.int64))
    ref = np.maximum(acc * (s * ws)[None, :, None, None] + bias[None, :, None, None], 0)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("target", TARGETS)
def test_static_folded_bias_scales_relu(mcc: Path, tmp_path: Path, target: str) -> None:
    """The folded form with real scales, a real bias and relu, n = 10 (a masked tail vector):
    y = relu(f32(acc) * f32(s_x * s_w) + bias'), bias' = f32(bias - z * s_x * s_w * sum(w)),
    the epilogue quantize-int8-static relies on."""
    rng = np.random.default_rng(21)
    m, k, n, z = 13, 64, 10, 9
    sx = np.float32(0.05)
    w = rng.integers(-127, 128, (k, n)).astype(np.int8)
    ws = rng.uniform(0.01, 0.02, n).astype(np.float32)
    bias = rng.normal(size=n).astype(np.float32)
    folded = (bias.astype(np.float64) - z * float(sx) * ws.astype(np.float64) * w.astype(np.int64).sum(0)).astype(np.float32)
    text = quantized_module("qmatmul", ["b", k], ["b", n], pack(w), n,
                            f'act_scale = {float(sx)!r}, act_zero_point = {z}, activation = "relu"', ws, folded, None)
    model = compile_mir(text, tmp_path, f"qfold_{target}", TARGETS[target])
    q = rng.integers(0, 256, (m, k))
    x = ((q - z) * sx).astype(np.float32)   # quantizes back to exactly q
    got = model.run(x)["y"]
    acc = (q @ w.astype(np.int64)).astype(np.float32)
    ref = np.maximum(acc * (sx * ws) + folded, np.float32(0))
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6)
    dequant = np.maximum((q - z) @ w.astype(np.int64) * (sx * ws).astype(np.float64) + bias, 0)
    np.testing.assert_allclose(got, dequant, rtol=1e-4, atol=1e-4)


def test_dynamic_needs_weight_sums(mcc: Path, tmp_path: Path) -> None:
    """Without act_scale the kernel needs w_sum: the folded form is rejected."""
    w = np.ones((8, 5), np.int8)
    text = quantized_module("qmatmul", ["b", 8], ["b", 5], pack(w), 5, 'activation = "relu"',
                            np.ones(5, np.float32), np.zeros(5, np.float32), None)
    src = tmp_path / "nosum.mir"
    src.write_text(text)
    proc = run_mcc(src, "-o", tmp_path / "libnosum.so")
    assert proc.returncode != 0
    assert b"weight sums" in proc.stderr
