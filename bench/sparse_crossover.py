"""Measures where sparse_matmul beats the dense (OpenBLAS) matmul: for each weight shape and
batch, the latency of y = x @ W with W at several densities, dense kernel vs sparse kernel.
The sparsify pass's `defaultMaxDensity` comes from this (docs/quantization.md, pruning).

    python3 bench/sparse_crossover.py [--threads 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
import mlang  # noqa: E402

MCC = ROOT / ".build" / "debug" / "mcc"


def vals(a: np.ndarray) -> str:
    return "values([" + ", ".join(f"{float(v)!r}" for v in a.ravel()) + "])"


def dense_mir(w: np.ndarray) -> str:
    k, n = w.shape
    return (f"module @d\n\nparam @w : f32[{k}, {n}] = {vals(w)}\n\n"
            f"func @f(%x: f32[batch, {k}]) -> (y: f32[batch, {n}]) {{\n  %0 = param @w : f32[{k}, {n}]\n"
            f"  %y = matmul %x, %0 : f32[batch, {n}]\n  return %y\n}}\n")


def csc(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-compressed W (the layout in MIR's SparseShapes.swift); one unreferenced 0 when empty."""
    values, rows, ptr = [], [], [0]
    for c in range(w.shape[1]):
        nz = np.nonzero(w[:, c])[0]
        values += list(w[nz, c]); rows += list(nz); ptr.append(len(values))
    if not values:
        values, rows = [0.0], [0]
    return np.array(values, np.float32), np.array(rows, np.int32), np.array(ptr, np.int32)


def sparse_mir(w: np.ndarray) -> str:
    k, n = w.shape
    v, r, p = csc(w)
    return (f"module @s\n\nparam @v : f32[{v.size}] = {vals(v)}\nparam @r : i32[{r.size}] = {vals(r)}\n"
            f"param @p : i32[{n + 1}] = {vals(p)}\n\n"
            f"func @f(%x: f32[batch, {k}]) -> (y: f32[batch, {n}]) {{\n  %0 = param @v : f32[{v.size}]\n"
            f"  %1 = param @r : i32[{r.size}]\n  %2 = param @p : i32[{n + 1}]\n"
            f"  %y = sparse_matmul %x, %0, %1, %2 : f32[batch, {n}]\n  return %y\n}}\n")


def compile_text(text: str, tmp: Path, name: str) -> Path:
    (tmp / f"{name}.mir").write_text(text)
    lib = tmp / f"lib{name}.so"
    subprocess.run([str(MCC), str(tmp / f"{name}.mir"), "-o", str(lib)], check=True)
    return lib


def latency_us(lib: Path, x: np.ndarray, threads: int) -> float:
    with mlang.load(lib) as m:
        m.set_num_threads(threads)
        for _ in range(20):
            m(x=x)
        best = float("inf")
        for _ in range(5):
            reps = 200
            t = time.perf_counter()
            for _ in range(reps):
                m(x=x)
            best = min(best, (time.perf_counter() - t) / reps * 1e6)
        return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    densities = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5]
    print(f"threads {args.threads}; latency in us per call (dense / sparse)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for k, n in [(512, 512), (784, 512)]:
            full = rng.standard_normal((k, n)).astype(np.float32)
            dense_lib = compile_text(dense_mir(full), tmp, f"d{k}")
            for batch in (1, 32):
                x = rng.standard_normal((batch, k)).astype(np.float32)
                dense = latency_us(dense_lib, x, args.threads)
                row = []
                for dens in densities:
                    w = np.where(rng.random((k, n)) < dens, full, 0).astype(np.float32)
                    lib = compile_text(sparse_mir(w), tmp, f"s{k}_{int(dens * 100)}")
                    row.append(f"{dens:.2f}: {latency_us(lib, x, args.threads):7.1f}")
                print(f"{k}x{n} batch {batch:2d}: dense {dense:7.1f} | " + " | ".join(row), flush=True)


if __name__ == "__main__":
    main()
