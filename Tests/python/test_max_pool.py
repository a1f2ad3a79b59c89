"""max_pool2d against numpy, including the 2x2 stride-2 vector path (WindowKernels.swift
emitMaxPool2x2: whole-row loads and even/odd shuffles instead of the generic loop, which LLVM
vectorized with gathers/scatters): odd sizes (the last row / column is dropped), f32 and f64,
NaN propagation, a dynamic batch and the thread split, and a padded pool on the generic path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc


def reference(x: np.ndarray, pad: int = 0) -> np.ndarray:
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=-np.inf)
    n, c, h, w = x.shape
    oh, ow = h // 2, w // 2
    v = x[:, :, :2 * oh, :2 * ow].reshape(n, c, oh, 2, ow, 2)
    return np.maximum(np.maximum(v[:, :, :, 0, :, 0], v[:, :, :, 0, :, 1]), np.maximum(v[:, :, :, 1, :, 0], v[:, :, :, 1, :, 1]))


def build(tmp: Path, dtype: str, c: int, h: int, w: int, pad: int = 0) -> mlang.Model:
    oh, ow = (h + 2 * pad) // 2, (w + 2 * pad) // 2
    text = (f"module @p\n\nfunc @f(%x: {dtype}[n, {c}, {h}, {w}]) -> (y: {dtype}[n, {c}, {oh}, {ow}]) {{\n"
            f"  %y = max_pool2d %x {{kernel = [2, 2], strides = [2, 2], pads = [{pad}, {pad}, {pad}, {pad}]}} : {dtype}[n, {c}, {oh}, {ow}]\n"
            "  return %y\n}\n")
    name = f"pool_{dtype}_{c}_{h}_{w}_{pad}"
    src = tmp / f"{name}.mir"
    src.write_text(text)
    proc = run_mcc(src, "-o", tmp / f"lib{name}.so")
    assert proc.returncode == 0, proc.stderr.decode()
    return mlang.load(tmp / f"lib{name}.so")


@pytest.mark.parametrize("dtype", ["f32", "f64"])
@pytest.mark.parametrize("c,h,w,pad", [(16, 8, 8, 0), (32, 4, 4, 0), (3, 7, 9, 0), (2, 2, 34, 0), (5, 6, 6, 1)])
def test_max_pool_2x2(mcc: Path, tmp_path: Path, dtype: str, c: int, h: int, w: int, pad: int) -> None:
    np_type = np.float32 if dtype == "f32" else np.float64
    x = np.random.default_rng(c * 100 + h * 10 + w).normal(size=(3, c, h, w)).astype(np_type)
    x[0, 0, 0, 1] = np.nan
    x[1, -1, -1, -1] = np.nan
    model = build(tmp_path, dtype, c, h, w, pad)
    got = model.run(x)["y"]
    assert np.array_equal(got, reference(x, pad), equal_nan=True)
    assert np.isnan(got[0, 0, 0, 0 if pad == 0 else 1])


def test_max_pool_2x2_threads(mcc: Path, tmp_path: Path) -> None:
    x = np.random.default_rng(1).normal(size=(64, 16, 16, 16)).astype(np.float32)
    model = build(tmp_path, "f32", 16, 16, 16)
    model.set_num_threads(2)
    assert np.array_equal(model.run(x)["y"], reference(x))
