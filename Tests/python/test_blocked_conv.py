"""conv2d_nchwc and the NCHW <-> NCHW16c reorders (MIR's BlockedShapes.swift) against numpy:
dense and depthwise, odd sizes, channels not a multiple of the block, strides, padding,
dilation, bias, residual and relu/clip, at 1 and 2 threads. The weight is packed here the way
the select-layout pass packs it: [ocb][icb][kh][kw][16 ic][16 oc] (depthwise [cb][kh][kw][16])."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from mirtext import values_literal  # noqa: E402

B = 16


def cdiv(a: int, b: int) -> int:
    return (a + b - 1) // b


def pack_dense(w: np.ndarray) -> np.ndarray:
    oc, ic, kh, kw = w.shape
    p = np.zeros((cdiv(oc, B) * B, cdiv(ic, B) * B, kh, kw), np.float32)
    p[:oc, :ic] = w
    # [ocb, 16oc, icb, 16ic, kh, kw] -> [ocb, icb, kh, kw, 16ic, 16oc]
    return p.reshape(cdiv(oc, B), B, cdiv(ic, B), B, kh, kw).transpose(0, 2, 4, 5, 3, 1).copy()


def pack_depthwise(w: np.ndarray) -> np.ndarray:
    c, _, kh, kw = w.shape
    p = np.zeros((cdiv(c, B) * B, kh, kw), np.float32)
    p[:c] = w[:, 0]
    return p.reshape(cdiv(c, B), B, kh, kw).transpose(0, 2, 3, 1).copy()


def reference(x, w, bias, stride, pads, dil, groups, residual=None, act=None, clip=(0.0, 6.0)):
    n, c, h, wd = x.shape
    oc, icg, kh, kw = w.shape
    (sy, sx), (dy, dx) = stride, dil
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dy * (kh - 1) - 1) // sy + 1
    ow = (wd + pads[1] + pads[3] - dx * (kw - 1) - 1) // sx + 1
    out = np.zeros((n, oc, oh, ow))
    ocg = oc // groups
    for g in range(groups):
        for ky in range(kh):
            for kx in range(kw):
                patch = xp[:, g * icg:(g + 1) * icg, ky * dy: ky * dy + sy * (oh - 1) + 1: sy, kx * dx: kx * dx + sx * (ow - 1) + 1: sx]
                out[:, g * ocg:(g + 1) * ocg] += np.einsum("nchw,oc->nohw", patch, w[g * ocg:(g + 1) * ocg, :, ky, kx])
    out += bias[None, :, None, None]
    if residual is not None:
        out += residual
    if act == "relu":
        out = np.maximum(out, 0)
    elif act == "clip":
        out = np.clip(out, *clip)
    return out, oh, ow


def module(x_shape, w, bias, stride, pads, dil, groups, oh, ow, residual: bool, act: str | None) -> str:
    n, c, h, wd = x_shape
    oc = w.shape[0]
    cb, ocb = cdiv(c, B), cdiv(oc, B)
    packed = pack_dense(w) if groups == 1 else pack_depthwise(w)
    pshape = ", ".join(map(str, packed.shape))
    b = np.zeros(ocb * B, np.float32)
    b[:oc] = bias
    attrs = [f"strides = [{stride[0]}, {stride[1]}]", f"pads = [{', '.join(map(str, pads))}]",
             f"dilations = [{dil[0]}, {dil[1]}]", f"groups = {groups}"]
    if act == "relu":
        attrs.append('activation = "relu"')
    elif act == "clip":
        attrs += ['activation = "clip"', "activation_min = 0.0", "activation_max = 6.0"]
    blocked = f"f32[n, {ocb}, {oh}, {ow}, 16]"
    inputs = f"%x: f32[n, {c}, {h}, {wd}]" + (f", %r: f32[n, {oc}, {oh}, {ow}]" if residual else "")
    body = (f"  %0 = param @w : f32[{pshape}]\n  %1 = param @b : f32[{ocb * B}]\n"
            f"  %2 = to_nchwc %x {{block = 16}} : f32[n, {cb}, {h}, {wd}, 16]\n")
    operands = "%2, %0, %1"
    if residual:
        body += f"  %3 = to_nchwc %r {{block = 16}} : {blocked}\n"
        operands += ", %3"
    body += (f"  %4 = conv2d_nchwc {operands} {{{', '.join(attrs)}}} : {blocked}\n"
             f"  %y = from_nchwc %4 {{channels = {oc}}} : f32[n, {oc}, {oh}, {ow}]\n  return %y\n")
    return (f"module @m\n\nparam @w : f32[{pshape}] = {values_literal(packed)}\n"
            f"param @b : f32[{ocb * B}] = {values_literal(b)}\n\n"
            f"func @f({inputs}) -> (y: f32[n, {oc}, {oh}, {ow}]) {{\n{body}}}\n")


CASES = [
    # (c, oc, h, w, k, stride, pads, dilation, depthwise, residual, act)
    (16, 16, 8, 8, 3, 1, 1, 1, False, False, None),
    (3, 5, 9, 11, 3, 1, 1, 1, False, False, "relu"),        # channels below one block
    (20, 33, 13, 10, 3, 2, 1, 1, False, True, "relu"),      # partial blocks, stride 2, residual
    (32, 24, 14, 14, 1, 1, 0, 1, False, False, None),       # pointwise: a GEMM in this layout
    (17, 16, 15, 17, 1, 2, 0, 1, False, True, None),        # strided 1x1 (ResNet downsample)
    (16, 32, 12, 23, 3, 1, 2, 2, False, False, "clip"),     # dilation 2
    (8, 16, 11, 9, (5, 3), (2, 1), (2, 1, 1, 0), 1, False, False, "relu"),  # asymmetric
    (16, 16, 7, 7, 7, 1, 3, 1, False, False, None),         # kernel as wide as the image
    (24, 24, 14, 14, 3, 1, 1, 1, True, False, "clip"),      # depthwise (MobileNet)
    (40, 40, 15, 9, 3, 2, 1, 1, True, False, "relu"),       # depthwise stride 2, partial block
    (16, 16, 10, 10, 5, 1, 4, 2, True, True, None),         # depthwise dilation + residual
    # Weight slabs of >= 128 KB per output block on small planes accumulate whole planes tap by
    # tap (ResNet's 14x14 / 7x7 layers):
    (256, 20, 7, 9, 3, 1, 1, 1, False, True, "relu"),      # residual, a 2-pixel column tail
    (144, 24, 9, 16, (3, 5), 2, (1, 2, 0, 2), 1, False, False, "clip"),  # stride 2, asymmetric
    (48, 16, 10, 12, 7, 1, 3, 1, False, False, None),       # 7x7 kernel: mostly border rows
    (232, 17, 12, 15, 3, 1, 2, 2, False, True, None),       # dilation 2, partial blocks
]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_conv2d_nchwc_matches_numpy(tmp_path: Path, case) -> None:
    c, oc, h, wd, k, s, p, d, depthwise, residual, act = case
    k = k if isinstance(k, tuple) else (k, k)
    s = s if isinstance(s, tuple) else (s, s)
    p = p if isinstance(p, tuple) else (p, p, p, p)
    rng = np.random.default_rng(c * 1000 + oc * 10 + h)
    groups = c if depthwise else 1
    w = rng.standard_normal((oc, 1 if depthwise else c, *k)).astype(np.float32) / np.sqrt(k[0] * k[1] * (1 if depthwise else c))
    bias = rng.standard_normal(oc).astype(np.float32)
    n = 2
    x = rng.standard_normal((n, c, h, wd)).astype(np.float32)
    _, oh, ow = reference(x[:1], w, bias, s, p, (d, d), groups)
    r = rng.standard_normal((n, oc, oh, ow)).astype(np.float32) if residual else None
    ref, _, _ = reference(x, w, bias, s, p, (d, d), groups, residual=r, act=act)
    src = tmp_path / "m.mir"
    src.write_text(module(x.shape, w, bias, s, p, (d, d), groups, oh, ow, residual, act))
    lib = tmp_path / "libm.so"
    proc = run_mcc(src, "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode()
    inputs = {"x": x} | ({"r": r} if residual else {})
    for threads in (1, 2):
        with mlang.load(lib) as model:
            model.set_num_threads(threads)
            got = model(**inputs)["y"]
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4, err_msg=f"threads {threads}")


def test_reorders_round_trip(tmp_path: Path) -> None:
    text = ("module @m\n\nfunc @f(%x: f32[n, 21, 5, 3]) -> (y: f32[n, 21, 5, 3]) {\n"
            "  %0 = to_nchwc %x {block = 16} : f32[n, 2, 5, 3, 16]\n  %1 = relu %0 : f32[n, 2, 5, 3, 16]\n"
            "  %y = from_nchwc %1 {channels = 21} : f32[n, 21, 5, 3]\n  return %y\n}\n")
    (tmp_path / "r.mir").write_text(text)
    proc = run_mcc(tmp_path / "r.mir", "-o", tmp_path / "libr.so")
    assert proc.returncode == 0, proc.stderr.decode()
    x = np.random.default_rng(0).standard_normal((3, 21, 5, 3)).astype(np.float32)
    with mlang.load(tmp_path / "libr.so") as model:
        np.testing.assert_array_equal(model(x=x)["y"], np.maximum(x, 0))


@pytest.mark.parametrize("block", [16, 8])
def test_reorders_full_tiles_tails_and_partial_block(tmp_path: Path, block: int) -> None:
    """40 channels: whole blocks (transposed tile by tile: 63 pixels = 3 or 7 tiles + a tail) and
    a partial last block (zero padded); the blocked value itself is a result too."""
    c, h, w = 40, 7, 9
    cb = cdiv(c, block)
    text = (f"module @m\n\nfunc @f(%x: f32[n, {c}, {h}, {w}]) -> (b: f32[n, {cb}, {h}, {w}, {block}], y: f32[n, {c}, {h}, {w}]) {{\n"
            f"  %0 = to_nchwc %x {{block = {block}}} : f32[n, {cb}, {h}, {w}, {block}]\n"
            f"  %y = from_nchwc %0 {{channels = {c}}} : f32[n, {c}, {h}, {w}]\n  return %0, %y\n}}\n")
    (tmp_path / "r.mir").write_text(text)
    proc = run_mcc(tmp_path / "r.mir", "-o", tmp_path / "libr.so")
    assert proc.returncode == 0, proc.stderr.decode()
    x = np.random.default_rng(1).standard_normal((2, c, h, w)).astype(np.float32)
    padded = np.zeros((2, cb * block, h, w), np.float32)
    padded[:, :c] = x
    expected = padded.reshape(2, cb, block, h, w).transpose(0, 1, 3, 4, 2)
    for threads in (1, 2):
        with mlang.load(tmp_path / "libr.so") as model:
            model.set_num_threads(threads)
            got = model(x=x)
        np.testing.assert_array_equal(got["b"], expected)
        np.testing.assert_array_equal(got["y"], x)


@pytest.mark.parametrize("bad, message", [
    ("%0 = to_nchwc %x {block = 12} : f32[n, 2, 5, 3, 12]", b"block must be 8 or 16"),
    ("%0 = to_nchwc %x {block = 16} : f32[n, 1, 5, 3, 16]", b"f32[n, 2, 5, 3, 16]"),
])
def test_bad_reorders_are_diagnosed(tmp_path: Path, bad: str, message: bytes) -> None:
    text = (f"module @m\n\nfunc @f(%x: f32[n, 21, 5, 3]) -> (y: f32[n, 21, 5, 3]) {{\n  {bad}\n"
            "  %y = from_nchwc %0 {channels = 21} : f32[n, 21, 5, 3]\n  return %y\n}\n")
    (tmp_path / "bad.mir").write_text(text)
    proc = run_mcc(tmp_path / "bad.mir", "-o", tmp_path / "libbad.so")
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr.decode()


def host_has_avx512() -> bool:
    try:
        return " avx512f" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


CHAIN = """module @chain

param @stem : f32[16, 3, 3, 3] = uniform(limit = 0.5, seed = 1)
param @k1 : f32[24, 16, 1, 1] = uniform(limit = 0.3, seed = 2)
param @b1 : f32[24] = uniform(limit = 0.3, seed = 3)
param @k2 : f32[16, 24, 3, 3] = uniform(limit = 0.1, seed = 4)
param @dw : f32[16, 1, 3, 3] = uniform(limit = 0.4, seed = 5)
param @k3 : f32[20, 16, 1, 1] = uniform(limit = 0.3, seed = 6)
param @b3 : f32[20] = uniform(limit = 0.3, seed = 7)

func @f(%x: f32[n, 3, 13, 11]) -> (y: f32[n, 840], s: f32[n, 16, 7, 6]) {
  %0 = param @stem : f32[16, 3, 3, 3]
  %1 = conv2d %x, %0 {pads = [1, 1, 1, 1]} : f32[n, 16, 13, 11]
  %2 = relu %1 : f32[n, 16, 13, 11]
  %3 = param @k1 : f32[24, 16, 1, 1]
  %4 = param @b1 : f32[24]
  %5 = conv2d %2, %3, %4 : f32[n, 24, 13, 11]
  %6 = relu %5 : f32[n, 24, 13, 11]
  %7 = param @k2 : f32[16, 24, 3, 3]
  %8 = conv2d %6, %7 {pads = [1, 1, 1, 1]} : f32[n, 16, 13, 11]
  %9 = add %8, %2 : f32[n, 16, 13, 11]
  %10 = relu %9 : f32[n, 16, 13, 11]
  %11 = param @dw : f32[16, 1, 3, 3]
  %12 = conv2d %10, %11 {groups = 16, pads = [1, 1, 1, 1], strides = [2, 2]} : f32[n, 16, 7, 6]
  %13 = sigmoid %12 : f32[n, 16, 7, 6]
  %14 = param @k3 : f32[20, 16, 1, 1]
  %15 = param @b3 : f32[20]
  %16 = conv2d %13, %14, %15 : f32[n, 20, 7, 6]
  %17 = flatten %16 : f32[n, 840]
  return %17, %13
}
"""


def test_select_layout_matches_nchw(tmp_path: Path) -> None:
    """A conv chain (stem, 1x1, 3x3 + residual + relu, depthwise stride 2, sigmoid, partial
    output block) compiled with select-layout (the AVX-512 default) equals the NCHW build."""
    src = tmp_path / "chain.mir"
    src.write_text(CHAIN)
    blocked, plain = tmp_path / "libblocked.so", tmp_path / "libplain.so"
    for lib, flags in ((blocked, []), (plain, ["--no-select-layout"])):
        proc = run_mcc(src, "-o", lib, *flags)
        assert proc.returncode == 0, proc.stderr.decode()
    ir = run_mcc(src, "--emit=mir-opt").stdout.decode()
    if host_has_avx512():
        assert ir.count("conv2d_nchwc") == 5 and "to_nchwc" not in ir, ir   # the stem reads NCHW
    x = np.random.default_rng(3).standard_normal((3, 3, 13, 11)).astype(np.float32)
    with mlang.load(plain) as model:
        ref = model.run(x)
    for threads in (1, 2):
        with mlang.load(blocked) as model:
            model.set_num_threads(threads)
            got = model.run(x)
        for k in ref:
            np.testing.assert_allclose(got[k], ref[k], rtol=1e-4, atol=1e-5, err_msg=f"{k}, threads {threads}")
