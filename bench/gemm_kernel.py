"""GEMM 1024^3: mcc's own kernel (one library per tile) vs OpenBLAS's cblas_sgemm, interleaved.

At 1 thread it times with the calling thread's CPU time (`time.thread_time`), which a loaded,
shared machine disturbs far less than wall time; at 2 threads it must use wall time.

    python3 bench/gemm_kernel.py --mcc .build-bench/release/mcc [--tiles default,6x64,12x32x256x144x1024]

`default` is the compiled-in tile; others set MCC_GEMM_TILE=MRxNR[xKCxMCxNC] at compile time.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings", "python"))
import mlang  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mcc", required=True)
    p.add_argument("--tiles", default="default")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--size", type=int, default=1024)
    args = p.parse_args()
    m = n = k = args.size
    work = tempfile.mkdtemp(prefix="mcc-gemm-")
    g = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "gemm",
                          [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k]),
                           helper.make_tensor_value_info("b", TensorProto.FLOAT, [k, n])],
                          [helper.make_tensor_value_info("c", TensorProto.FLOAT, [m, n])], [])
    model = os.path.join(work, "gemm.onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), model)
    libs = {}
    for tile in args.tiles.split(","):
        env = {**os.environ, "MCC_GEMM": "mcc"}
        if tile != "default":
            env["MCC_GEMM_TILE"] = tile
        libs[tile] = os.path.join(work, f"libgemm_{tile}.so")
        subprocess.run([args.mcc, model, "-o", libs[tile]], check=True, env=env)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    c = np.empty((m, n), np.float32)
    blas = ctypes.CDLL("libopenblas.so.0")
    vp = ctypes.c_void_p

    def openblas() -> None:
        blas.cblas_sgemm(101, 111, 111, m, n, k, ctypes.c_float(1.0), vp(a.ctypes.data), k, vp(b.ctypes.data), n,
                         ctypes.c_float(0.0), vp(c.ctypes.data), n)

    ref = a.astype(np.float64) @ b.astype(np.float64)
    for threads in (1, 2):
        clock = time.thread_time if threads == 1 else time.perf_counter
        models = {t: mlang.load(path) for t, path in libs.items()}
        for md in models.values():
            md.set_num_threads(threads)
        blas.openblas_set_num_threads(threads)
        runs: dict[str, list[float]] = {t: [] for t in [*models, "openblas"]}
        for t, md in models.items():
            np.testing.assert_allclose(md(a=a, b=b)["c"], ref, rtol=1e-3, atol=1e-2, err_msg=t)
        fns = {t: (lambda md=md: md(a=a, b=b)) for t, md in models.items()} | {"openblas": openblas}
        for _ in range(args.rounds):
            for t, fn in fns.items():
                fn()
                t0 = clock()
                fn(); fn()
                runs[t].append((clock() - t0) / 2)
        print(f"threads {threads} ({'CPU' if threads == 1 else 'wall'} time, load {os.getloadavg()[0]:.1f}): "
              + ", ".join(f"{t} {2 * m * n * k / statistics.median(v) / 1e9:.1f} GFLOP/s" for t, v in runs.items()), flush=True)


if __name__ == "__main__":
    main()
