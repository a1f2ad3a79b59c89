"""The blocked-layout ends of a CNN against numpy: conv2d_nchwc reading an NCHW input with few
channels (the stem; weight packed [ocb][c][kh][kw][16 oc]), max_pool2d_nchwc and
avg_pool2d_nchwc (kernel, stride, padding, dilation, ceil_mode, count_include_pad, a global
average), at 1 and 2 threads, with channel counts that are not multiples of 16 and odd sizes;
then select-layout keeping a stem -> max pool -> conv -> global average chain blocked."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc
from test_blocked_conv import B, cdiv, host_has_avx512, reference, values_literal


def pack_stem(w: np.ndarray) -> np.ndarray:
    oc, c, kh, kw = w.shape
    p = np.zeros((cdiv(oc, B) * B, c, kh, kw), np.float32)
    p[:oc] = w
    # [ocb, 16oc, c, kh, kw] -> [ocb, c, kh, kw, 16oc]
    return p.reshape(cdiv(oc, B), B, c, kh, kw).transpose(0, 2, 3, 4, 1).copy()


def compile_text(tmp: Path, name: str, text: str) -> Path:
    (tmp / f"{name}.mir").write_text(text)
    lib = tmp / f"lib{name}.so"
    proc = run_mcc(tmp / f"{name}.mir", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode()
    return lib


STEMS = [
    # (c, oc, h, w, k, stride, pads, dilation, residual, act)
    (3, 64, 29, 31, 7, 2, 3, 1, False, "relu"),     # ResNet's stem on an odd image
    (3, 20, 15, 12, 3, 1, 1, 1, True, None),        # partial output block, residual
    (1, 16, 11, 9, 5, 1, 0, 1, False, "clip"),      # one channel, no padding
    (5, 33, 14, 19, (3, 5), (2, 1), (1, 2, 0, 2), 2, False, "relu"),  # asymmetric, dilation 2
    (15, 16, 8, 8, 1, 1, 0, 1, False, None),        # 15 channels: the largest stem
]


@pytest.mark.parametrize("case", STEMS, ids=[str(i) for i in range(len(STEMS))])
def test_stem_conv_reads_nchw(tmp_path: Path, case) -> None:
    c, oc, h, wd, k, s, p, d, residual, act = case
    k = k if isinstance(k, tuple) else (k, k)
    s = s if isinstance(s, tuple) else (s, s)
    p = p if isinstance(p, tuple) else (p, p, p, p)
    rng = np.random.default_rng(c * 100 + oc)
    w = (rng.standard_normal((oc, c, *k)) / math.sqrt(c * k[0] * k[1])).astype(np.float32)
    bias = rng.standard_normal(oc).astype(np.float32)
    x = rng.standard_normal((2, c, h, wd)).astype(np.float32)
    _, oh, ow = reference(x[:1], w, bias, s, p, (d, d), 1)
    r = rng.standard_normal((2, oc, oh, ow)).astype(np.float32) if residual else None
    ref, _, _ = reference(x, w, bias, s, p, (d, d), 1, residual=r, act=act)
    ocb = cdiv(oc, B)
    packed = pack_stem(w)
    b = np.zeros(ocb * B, np.float32)
    b[:oc] = bias
    attrs = [f"strides = [{s[0]}, {s[1]}]", f"pads = [{', '.join(map(str, p))}]", f"dilations = [{d}, {d}]"]
    attrs += {"relu": ['activation = "relu"'], "clip": ['activation = "clip"', "activation_min = 0.0", "activation_max = 6.0"]}.get(act, [])
    blocked = f"f32[n, {ocb}, {oh}, {ow}, 16]"
    operands = "%x, %0, %1" + (", %2" if residual else "")
    text = (f"module @m\n\nparam @w : f32[{', '.join(map(str, packed.shape))}] = {values_literal(packed)}\n"
            f"param @b : f32[{ocb * B}] = {values_literal(b)}\n\n"
            f"func @f(%x: f32[n, {c}, {h}, {wd}]" + (f", %r: f32[n, {oc}, {oh}, {ow}]" if residual else "")
            + f") -> (y: f32[n, {oc}, {oh}, {ow}]) {{\n"
            f"  %0 = param @w : f32[{', '.join(map(str, packed.shape))}]\n  %1 = param @b : f32[{ocb * B}]\n"
            + (f"  %2 = to_nchwc %r {{block = 16}} : {blocked}\n" if residual else "")
            + f"  %3 = conv2d_nchwc {operands} {{{', '.join(attrs)}}} : {blocked}\n"
            f"  %y = from_nchwc %3 {{channels = {oc}}} : f32[n, {oc}, {oh}, {ow}]\n  return %y\n}}\n")
    lib = compile_text(tmp_path, "stem", text)
    inputs = {"x": x} | ({"r": r} if residual else {})
    for threads in (1, 2):
        with mlang.load(lib) as model:
            model.set_num_threads(threads)
            np.testing.assert_allclose(model(**inputs)["y"], ref, rtol=1e-4, atol=1e-4, err_msg=f"threads {threads}")


def pool_reference(x, is_max, k, s, pads, d, ceil, include_pad):
    n, c, h, w = x.shape
    def out_dim(size, kk, ss, lo, hi, dd):
        span = size + lo + hi - dd * (kk - 1) - 1
        o = (-(-span // ss) if ceil else span // ss) + 1
        if ceil and (o - 1) * ss >= size + lo:   # the last window must start inside the input or its left padding
            o -= 1
        return o
    oh, ow = out_dim(h, k[0], s[0], pads[0], pads[2], d[0]), out_dim(w, k[1], s[1], pads[1], pads[3], d[1])
    out = np.zeros((n, c, oh, ow))
    for oy in range(oh):
        for ox in range(ow):
            ys = [oy * s[0] - pads[0] + ky * d[0] for ky in range(k[0])]
            xs = [ox * s[1] - pads[1] + kx * d[1] for kx in range(k[1])]
            iy = [y for y in ys if 0 <= y < h]
            ix = [v for v in xs if 0 <= v < w]
            win = x[:, :, iy][:, :, :, ix].astype(np.float64)
            if is_max:
                out[:, :, oy, ox] = win.max(axis=(2, 3)) if win.size else -np.inf
            else:
                count = (sum(-pads[0] <= y < h + pads[2] for y in ys) * sum(-pads[1] <= v < w + pads[3] for v in xs)
                         if include_pad else len(iy) * len(ix))
                out[:, :, oy, ox] = win.sum(axis=(2, 3)) / max(count, 1)
    return out


POOLS = [
    # (max, c, h, w, kernel, stride, pads, dilation, ceil_mode, count_include_pad)
    (True, 64, 23, 25, 3, 2, 1, 1, 0, 0),           # ResNet's stem pool, odd input
    (True, 20, 9, 10, 2, 2, 0, 1, 1, 0),            # ceil_mode, partial channel block
    (True, 17, 11, 8, (3, 2), (1, 2), (1, 0, 1, 1), 2, 0, 0),   # dilation, asymmetric
    (False, 20, 10, 13, 3, 2, 1, 1, 0, 0),          # average without the padding
    (False, 33, 10, 13, 3, 2, 1, 1, 1, 1),          # count_include_pad, ceil_mode
    (False, 16, 7, 5, (7, 5), 1, 0, 1, 0, 0),       # global average
]


@pytest.mark.parametrize("case", POOLS, ids=[str(i) for i in range(len(POOLS))])
def test_blocked_pool_matches_numpy(tmp_path: Path, case) -> None:
    is_max, c, h, w, k, s, p, d, ceil, include_pad = case
    k = k if isinstance(k, tuple) else (k, k)
    s = s if isinstance(s, tuple) else (s, s)
    p = p if isinstance(p, tuple) else (p, p, p, p)
    x = np.random.default_rng(c + h).standard_normal((3, c, h, w)).astype(np.float32)
    ref = pool_reference(x, is_max, k, s, p, (d, d), ceil, include_pad)
    oh, ow = ref.shape[2:]
    cb = cdiv(c, B)
    attrs = [f"kernel = [{k[0]}, {k[1]}]", f"strides = [{s[0]}, {s[1]}]", f"pads = [{', '.join(map(str, p))}]", f"ceil_mode = {ceil}"]
    attrs.append(f"dilations = [{d}, {d}]" if is_max else f"count_include_pad = {include_pad}")
    op = "max_pool2d_nchwc" if is_max else "avg_pool2d_nchwc"
    text = (f"module @m\n\nfunc @f(%x: f32[n, {c}, {h}, {w}]) -> (y: f32[n, {c}, {oh}, {ow}]) {{\n"
            f"  %0 = to_nchwc %x {{block = 16}} : f32[n, {cb}, {h}, {w}, 16]\n"
            f"  %1 = {op} %0 {{{', '.join(attrs)}}} : f32[n, {cb}, {oh}, {ow}, 16]\n"
            f"  %y = from_nchwc %1 {{channels = {c}}} : f32[n, {c}, {oh}, {ow}]\n  return %y\n}}\n")
    lib = compile_text(tmp_path, "pool", text)
    for threads in (1, 2):
        with mlang.load(lib) as model:
            model.set_num_threads(threads)
            np.testing.assert_allclose(model(x=x)["y"], ref, rtol=1e-5, atol=1e-6, err_msg=f"threads {threads}")


@pytest.mark.parametrize("bad, message", [
    ("%1 = max_pool2d_nchwc %x {kernel = [2, 2]} : f32[n, 1, 2, 2, 16]", b"expects a blocked"),
    ("%1 = conv2d_nchwc %x, %w, %b : f32[n, 1, 2, 2, 16]", b"expects groups = 1 and a weight [ocb, 3, kh, kw, 8|16]"),
])
def test_bad_blocked_ops_are_diagnosed(tmp_path: Path, bad: str, message: bytes) -> None:
    text = ("module @m\n\nparam @w : f32[1, 4, 3, 3, 16] = zeros\nparam @b : f32[16] = zeros\n\n"
            "func @f(%x: f32[n, 3, 4, 4]) -> (y: f32[n, 16, 2, 2]) {\n"
            "  %w = param @w : f32[1, 4, 3, 3, 16]\n  %b = param @b : f32[16]\n"
            f"  {bad}\n  %y = from_nchwc %1 {{channels = 16}} : f32[n, 16, 2, 2]\n  return %y\n}}\n")
    (tmp_path / "bad.mir").write_text(text)
    proc = run_mcc(tmp_path / "bad.mir", "-o", tmp_path / "libbad.so")
    assert proc.returncode != 0 and message in proc.stderr and b"bad.mir:" in proc.stderr, proc.stderr.decode()


ENDS = """module @ends

param @stem : f32[24, 3, 7, 7] = uniform(limit = 0.2, seed = 1)
param @sb : f32[24] = uniform(limit = 0.3, seed = 2)
param @k1 : f32[20, 24, 3, 3] = uniform(limit = 0.1, seed = 3)
param @fc : f32[20, 10] = uniform(limit = 0.3, seed = 4)

func @f(%x: f32[n, 3, 37, 35]) -> (y: f32[n, 10]) {
  %0 = param @stem : f32[24, 3, 7, 7]
  %1 = param @sb : f32[24]
  %2 = conv2d %x, %0, %1 {pads = [3, 3, 3, 3], strides = [2, 2]} : f32[n, 24, 19, 18]
  %3 = relu %2 : f32[n, 24, 19, 18]
  %4 = max_pool2d %3 {kernel = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : f32[n, 24, 10, 9]
  %5 = param @k1 : f32[20, 24, 3, 3]
  %6 = conv2d %4, %5 {pads = [1, 1, 1, 1]} : f32[n, 20, 10, 9]
  %7 = add %6, %6 : f32[n, 20, 10, 9]
  %8 = reduce_mean %7 {axes = [2, 3]} : f32[n, 20, 1, 1]
  %9 = flatten %8 : f32[n, 20]
  %10 = param @fc : f32[20, 10]
  %11 = matmul %9, %10 : f32[n, 10]
  return %11
}
"""


def test_select_layout_keeps_stem_and_pools_blocked(tmp_path: Path) -> None:
    """Stem, max pool and global average run blocked (no to_nchwc at all) and equal the NCHW build."""
    src = tmp_path / "ends.mir"
    src.write_text(ENDS)
    blocked, plain = tmp_path / "libblocked.so", tmp_path / "libplain.so"
    for lib, flags in ((blocked, []), (plain, ["--no-select-layout"])):
        proc = run_mcc(src, "-o", lib, *flags)
        assert proc.returncode == 0, proc.stderr.decode()
    if host_has_avx512():
        ir = run_mcc(src, "--emit=mir-opt").stdout.decode()
        assert "to_nchwc" not in ir and ir.count("conv2d_nchwc") == 2, ir
        assert "max_pool2d_nchwc" in ir and "avg_pool2d_nchwc" in ir and "reduce_mean" not in ir, ir
    x = np.random.default_rng(5).standard_normal((2, 3, 37, 35)).astype(np.float32)
    with mlang.load(plain) as model:
        ref = model.run(x)["y"]
    for threads in (1, 2):
        with mlang.load(blocked) as model:
            model.set_num_threads(threads)
            np.testing.assert_allclose(model.run(x)["y"], ref, rtol=1e-4, atol=1e-5, err_msg=f"threads {threads}")
