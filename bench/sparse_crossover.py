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

sys.path.insert(0, str(ROOT / "scripts"))
from mirtext import dense_matmul_module as dense_mir, sparse_matmul_module as sparse_mir  # noqa: E402

MCC = ROOT / ".build" / "debug" / "mcc"


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
