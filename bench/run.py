#!/usr/bin/env python3
"""The mcc vs ONNX Runtime benchmark of issue #5 (`make bench`; not part of `make test`).

    .venv-bench/bin/python bench/run.py --mcc .build-bench/release/mcc

For every row (model, batch, threads) it
  1. compiles the model's ONNX file (bench/models.py writes them) with mcc once per model and
     records the wall time of that `mcc model.onnx -o lib.so` as compile_s;
  2. starts two worker processes, one per engine (so that each one's peak RSS is its own):
     mcc's .so through the Python binding (bindings/python, mlang) and ONNX Runtime
     (CPUExecutionProvider, graph optimizations ALL, intra-op threads = threads, inter-op 1);
     mcc's thread count is set through mcc_model_set_num_threads;
  3. runs both on the same seeded input and checks mcc's outputs against ORT's before any
     timing: |mcc - ort| <= 1e-3 * |ort| + 1e-4 * max|ort|, elementwise (rtol 1e-3; the absolute
     term only covers elements near zero, where fp32 summation order alone exceeds any rtol);
  4. warms both up, then times them alternately (rounds of mcc then ORT, the order flipping
     each round) and reports the median and p90 of the per-run latencies of each.
Timed calls are the engines' lowest-overhead paths from Python: mcc_model_run through ctypes
on prebuilt DLTensors (outputs stay in the instance), and ORT's run_with_iobinding with inputs and
outputs bound once to preallocated OrtValues.

It writes docs/benchmarks.md and bench/results.json and ends with the line
    bench: N rows, geomean mcc/ort R, worst W (model)
where N counts every row, and R and W cover only the rows that compiled, ran and matched ORT;
the others are listed with their reason (and excluded from the geomean).
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import json
import math
import os
import platform
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (model, batch) in the order of the issue; every row runs at each thread count.
ROWS = [("mlp", 1), ("mlp", 32), ("lenet", 1), ("lenet", 32), ("resnet18", 1), ("resnet18", 8),
        ("mobilenetv2", 1), ("mobilenetv2", 8), ("bert", 1), ("bert", 8), ("lstm", 1), ("lstm", 32),
        ("gemm", 1)]
LABELS = {"mlp": "MLP 784-512-512-10", "lenet": "LeNet (1x28x28)", "resnet18": "ResNet-18 (3x224x224)",
          "mobilenetv2": "MobileNetV2 (3x224x224)", "bert": "BERT encoder (MiniLM: 6L, 384, 12H, seq 128)",
          "lstm": "LSTM (in 32, hidden 128, seq 50)", "gemm": "GEMM 1024x1024x1024"}
RTOL = 1e-3
ATOL_OF_MAX = 1e-4
NOISY = 1.5  # p90/median above which a row is marked "noisy" in the report
SWITCH_PAUSE_S = 0.02  # between engines, so neither engine's spinning threads overlap the other's runs


# --- small helpers --------------------------------------------------------------------------------

def vm_kb(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def percentile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(xs: list[float]) -> float:
    return percentile(xs, 0.5)


def sh(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --- workers (each its own process) -----------------------------------------------------------------

def worker_main(args: argparse.Namespace) -> int:
    """One engine in its own process: load, run once (outputs to a file), then timed runs on request.

    Protocol: one JSON object per line on stdin; one JSON reply per line on stdout.
    """
    import numpy as np

    out = sys.stdout
    sys.stdout = sys.stderr  # nothing else may write to the protocol channel

    def reply(obj: dict) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    with np.load(args.inputs) as z:
        inputs = {k: np.ascontiguousarray(z[k]) for k in z.files}
    base_kb = vm_kb("VmHWM")
    info: dict = {}
    try:
        t0 = time.perf_counter()
        if args.worker == "mcc":
            sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
            import mlang
            from mlang._abi import DLDataType, DLDevice, DLTensor

            # dlopen + mcc_model_create, timed on their own (mlang.load adds Python-side setup,
            # and importing mlang is Python's cost, not the library's).
            t0 = time.perf_counter()
            lib_c = ctypes.CDLL(os.path.abspath(args.path))
            t1 = time.perf_counter()
            lib_c.mcc_model_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
            lib_c.mcc_model_destroy.argtypes = [ctypes.c_void_p]
            probe = ctypes.c_void_p()
            t2 = time.perf_counter()
            status = lib_c.mcc_model_create(None, ctypes.byref(probe))
            t3 = time.perf_counter()
            if status != 0:
                raise RuntimeError(f"mcc_model_create: status {status}")
            lib_c.mcc_model_destroy(probe)
            load_ms = ((t1 - t0) + (t3 - t2)) * 1e3
            model = mlang.load(args.path)
            model.set_num_threads(args.threads)
            names = [s.name for s in model.inputs]
            arrays = [inputs[n] for n in names]
            outs = model.run(*arrays)
            # The timed call: mcc_model_run on prebuilt DLTensors (what a C caller does).
            shapes = [(ctypes.c_int64 * a.ndim)(*a.shape) for a in arrays]
            tensors = (DLTensor * len(arrays))(*[
                DLTensor(a.ctypes.data, DLDevice(1, 0), a.ndim, DLDataType(2, 32, 1), s, None, 0)
                for a, s in zip(arrays, shapes)])
            run_c, handle, n_in = model._lib.mcc_model_run, model._handle, len(arrays)

            def run_once() -> None:
                status = run_c(handle, tensors, n_in)
                if status != 0:
                    raise RuntimeError(f"mcc_model_run: status {status}: {model._lib.mcc_last_error().decode()}")
        elif args.worker == "blas":
            # The reference for the GEMM row: cblas_sgemm of Debian's OpenBLAS, which mcc links.
            lib_b = ctypes.CDLL("libopenblas.so.0")
            lib_b.openblas_set_num_threads(args.threads)
            lib_b.openblas_get_config.restype = ctypes.c_char_p
            lib_b.openblas_get_corename.restype = ctypes.c_char_p
            info = {"config": lib_b.openblas_get_config().decode(), "core": lib_b.openblas_get_corename().decode()}
            load_ms = (time.perf_counter() - t0) * 1e3
            a, b = inputs["a"], inputs["b"]
            (m, k), n = a.shape, b.shape[1]
            c = np.empty((m, n), np.float32)
            vp = ctypes.c_void_p
            sgemm = lib_b.cblas_sgemm
            sgemm.argtypes = [ctypes.c_int] * 6 + [ctypes.c_float, vp, ctypes.c_int, vp, ctypes.c_int,
                                                   ctypes.c_float, vp, ctypes.c_int]
            pa, pb, pc = a.ctypes.data, b.ctypes.data, c.ctypes.data

            def run_once() -> None:
                sgemm(101, 111, 111, m, n, k, 1.0, pa, k, pb, n, 0.0, pc, n)  # row-major, no transposes
            run_once()
            outs = {"c": c}
        else:
            import onnxruntime as ort

            so = ort.SessionOptions()
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            so.intra_op_num_threads = args.threads
            so.inter_op_num_threads = 1
            so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            t0 = time.perf_counter()  # session creation only, as for mcc (not the import)
            sess = ort.InferenceSession(args.path, so, providers=["CPUExecutionProvider"])
            load_ms = (time.perf_counter() - t0) * 1e3
            names = [i.name for i in sess.get_inputs()]
            feeds = {n: inputs[n] for n in names}
            results = sess.run(None, feeds)
            outs = {o.name: r for o, r in zip(sess.get_outputs(), results)}
            binding = sess.io_binding()
            keep = []
            for n in names:
                v = ort.OrtValue.ortvalue_from_numpy(feeds[n])
                keep.append(v)
                binding.bind_ortvalue_input(n, v)
            for o, r in zip(sess.get_outputs(), results):
                v = ort.OrtValue.ortvalue_from_numpy(np.empty_like(r))
                keep.append(v)
                binding.bind_ortvalue_output(o.name, v)

            def run_once() -> None:
                sess.run_with_iobinding(binding)
        np.savez(args.outputs, **{k: np.asarray(v) for k, v in outs.items()})
    except Exception as e:  # reported to the parent as the row's reason
        reply({"error": f"{type(e).__name__}: {e}".strip()})
        return 1
    reply({"ready": True, "load_ms": load_ms, "base_mb": base_kb / 1024, "info": info})

    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        try:
            times: list[float] = []
            if cmd["cmd"] == "warm":  # at least one run, until `seconds` have passed
                start = time.perf_counter()
                while not times or (time.perf_counter() - start < cmd["seconds"] and len(times) < 10000):
                    t = time.perf_counter(); run_once(); times.append(time.perf_counter() - t)
            elif cmd["cmd"] == "run":
                for _ in range(cmd["n"]):
                    t = time.perf_counter(); run_once(); times.append(time.perf_counter() - t)
            reply({"times": times, "hwm_mb": vm_kb("VmHWM") / 1024})
        except Exception as e:
            reply({"error": f"{type(e).__name__}: {e}"})
    return 0


class Worker:
    def __init__(self, kind: str, path: str, threads: int, inputs: str, outputs: str, env: dict) -> None:
        self.kind = kind
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, "--path", path,
               "--threads", str(threads), "--inputs", inputs, "--outputs", outputs]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, cwd=ROOT)
        self.hwm_mb = 0.0

    def recv(self, timeout: float = 1800) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.proc.kill()
            err = self.proc.stderr.read().strip().splitlines()
            raise RuntimeError(f"{self.kind} worker died (exit {self.proc.wait()}): " + " | ".join(err[-3:]))
        msg = json.loads(line)
        if "error" in msg:
            raise RuntimeError(f"{self.kind}: {msg['error']}")
        self.hwm_mb = max(self.hwm_mb, msg.get("hwm_mb", 0.0))
        return msg

    def ask(self, **cmd: Any) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self.recv()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"cmd": "quit"}\n')
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


# --- the parent ---------------------------------------------------------------------------------------

@dataclass
class Row:
    model: str
    batch: int
    threads: int
    status: str = "ok"          # ok | compile_failed | run_failed | mismatch
    reason: str = ""
    mcc_ms: Optional[float] = None
    ort_ms: Optional[float] = None
    mcc_p90_ms: Optional[float] = None
    ort_p90_ms: Optional[float] = None
    ratio: Optional[float] = None
    gflops: Optional[float] = None       # mcc's, from the graph's FLOPs and mcc's median
    ort_gflops: Optional[float] = None
    gflop: Optional[float] = None        # FLOPs per run / 1e9
    mcc_rss_mb: Optional[float] = None   # peak RSS (VmHWM) of mcc's worker process
    ort_rss_mb: Optional[float] = None
    mcc_base_rss_mb: Optional[float] = None  # that process before loading the engine (python+numpy+inputs)
    ort_base_rss_mb: Optional[float] = None
    compile_s: Optional[float] = None
    mcc_load_ms: Optional[float] = None  # dlopen + mcc_model_create (through mlang.load)
    ort_load_ms: Optional[float] = None  # InferenceSession creation
    mcc_runs: int = 0
    ort_runs: int = 0
    max_abs_err: Optional[float] = None
    max_err_over_max: Optional[float] = None  # max|mcc-ort| / max|ort|
    load1: Optional[float] = None             # the machine's 1-minute load average when the row started
    openblas_ms: Optional[float] = None       # GEMM rows: Debian's OpenBLAS cblas_sgemm (what mcc links),
    openblas_gflops: Optional[float] = None   # timed in the same alternation as mcc and ORT
    extra: dict = field(default_factory=dict)


def count_flops(path: str, batch: int) -> float:
    """2*M*N*K for MatMul/Gemm, 2*MACs for Conv, the gate matmuls of LSTM; other ops are ignored."""
    import numpy as np
    import onnx
    from onnx import shape_inference

    m = onnx.load(path)
    for vi in list(m.graph.input) + list(m.graph.output):
        for d in vi.type.tensor_type.shape.dim:
            if d.HasField("dim_param"):
                d.dim_value = batch
    m = shape_inference.infer_shapes(m, strict_mode=True)
    shapes = {}
    for vi in list(m.graph.input) + list(m.graph.output) + list(m.graph.value_info):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    attr = lambda n, k, d: next((onnx.helper.get_attribute_value(a) for a in n.attribute if a.name == k), d)
    flops = 0.0
    for n in m.graph.node:
        if n.op_type == "MatMul":
            flops += 2 * float(np.prod(shapes[n.output[0]])) * shapes[n.input[0]][-1]
        elif n.op_type == "Gemm":
            a = shapes[n.input[0]]
            k = a[0] if attr(n, "transA", 0) else a[1]
            flops += 2 * float(np.prod(shapes[n.output[0]])) * k
        elif n.op_type == "Conv":
            w = shapes[n.input[1]]
            flops += 2 * float(np.prod(shapes[n.output[0]])) * float(np.prod(w[1:]))
        elif n.op_type == "LSTM":
            seq, b, inp = shapes[n.input[0]]
            h = attr(n, "hidden_size", 0)
            flops += 2.0 * seq * b * 4 * h * (inp + h)
    return flops


def make_inputs(path: str, batch: int, dest: str) -> None:
    import numpy as np
    import onnx

    m = onnx.load(path, load_external_data=False)
    init = {t.name for t in m.graph.initializer}
    rng = np.random.default_rng(1000 + batch)
    arrays = {}
    for vi in m.graph.input:
        if vi.name in init:
            continue
        shape = [d.dim_value if d.HasField("dim_value") else batch for d in vi.type.tensor_type.shape.dim]
        arrays[vi.name] = rng.standard_normal(shape, dtype=np.float32)
    np.savez(dest, **arrays)


def compare(mcc_npz: str, ort_npz: str) -> tuple[bool, str, float, float]:
    import numpy as np

    with np.load(mcc_npz) as a, np.load(ort_npz) as b:
        if set(a.files) != set(b.files):
            return False, f"outputs differ: mcc {sorted(a.files)}, ort {sorted(b.files)}", math.nan, math.nan
        worst_abs, worst_rel, why = 0.0, 0.0, ""
        for k in b.files:
            x, y = a[k], b[k]
            if x.shape != y.shape:
                return False, f"output '{k}': mcc shape {x.shape}, ort shape {y.shape}", math.nan, math.nan
            if not np.all(np.isfinite(x)):
                return False, f"output '{k}': mcc has non-finite values", math.nan, math.nan
            scale = float(np.max(np.abs(y))) if y.size else 0.0
            err = np.abs(x.astype(np.float64) - y.astype(np.float64))
            bad = err > RTOL * np.abs(y) + ATOL_OF_MAX * scale
            worst_abs = max(worst_abs, float(err.max()) if err.size else 0.0)
            worst_rel = max(worst_rel, float(err.max()) / scale if scale else 0.0)
            if bad.any():
                i = np.unravel_index(int(np.argmax(err - RTOL * np.abs(y))), y.shape)
                why = (f"output '{k}': {int(bad.sum())} of {y.size} elements off (e.g. at {tuple(int(j) for j in i)}: "
                       f"mcc {float(x[i]):.6g}, ort {float(y[i]):.6g}); max |err| {worst_abs:.3g}, "
                       f"max |err|/max|ort| {worst_rel:.3g}")
        return (why == ""), why, worst_abs, worst_rel


def run_row(row: Row, lib: str, onnx_path: str, work: str, args: argparse.Namespace, blas_info: dict) -> None:
    tag = f"{row.model}-b{row.batch}-t{row.threads}"
    inputs = os.path.join(work, f"{row.model}-b{row.batch}.inputs.npz")
    if not os.path.exists(inputs):
        make_inputs(onnx_path, row.batch, inputs)
    env = dict(os.environ)
    # No engine takes its thread count from the environment: mcc from mcc_model_set_num_threads,
    # ORT from the session options, the OpenBLAS reference from openblas_set_num_threads.
    env.pop("OPENBLAS_NUM_THREADS", None)
    env.pop("OMP_NUM_THREADS", None)
    # The GEMM row also times OpenBLAS's sgemm on the same inputs, interleaved with the other two.
    engines = [("mcc", lib), ("ort", onnx_path)] + ([("blas", "")] if row.model == "gemm" else [])
    workers: dict[str, Worker] = {}
    try:
        for kind, path in engines:  # one at a time, so that loading is not measured under contention
            w = Worker(kind, path, row.threads, inputs, os.path.join(work, f"{tag}.{kind}.npz"), env)
            workers[kind] = w
            ready = w.recv()
            if kind == "mcc":
                row.mcc_load_ms, row.mcc_base_rss_mb = ready["load_ms"], ready["base_mb"]
            elif kind == "ort":
                row.ort_load_ms, row.ort_base_rss_mb = ready["load_ms"], ready["base_mb"]
            else:
                blas_info.update(ready.get("info", {}))
        out = {k: os.path.join(work, f"{tag}.{k}.npz") for k in ("mcc", "ort")}
        ok, why, row.max_abs_err, row.max_err_over_max = compare(out["mcc"], out["ort"])
        if not ok:
            row.status, row.reason = "mismatch", why
            return
        # Warm-up, which also estimates each engine's time per run.
        est = {}
        for kind, w in workers.items():
            est[kind] = median(w.ask(cmd="warm", seconds=args.warmup)["times"])
            time.sleep(SWITCH_PAUSE_S)
        runs = {}
        for kind, t in est.items():
            n = math.ceil(args.seconds / t)
            lo = args.min_runs if args.min_runs * t <= args.max_engine_seconds else 3
            runs[kind] = max(lo, min(n, args.max_runs, max(1, int(args.max_engine_seconds / t))))
        rounds = max(1, min(args.rounds, *runs.values()))
        times: dict[str, list[float]] = {k: [] for k in workers}
        order = list(workers)
        for r in range(rounds):
            for kind in (order if r % 2 == 0 else order[::-1]):
                n = runs[kind] // rounds + (1 if r < runs[kind] % rounds else 0)
                times[kind] += workers[kind].ask(cmd="run", n=n)["times"]
                time.sleep(SWITCH_PAUSE_S)
        row.mcc_runs, row.ort_runs = len(times["mcc"]), len(times["ort"])
        row.mcc_ms, row.ort_ms = median(times["mcc"]) * 1e3, median(times["ort"]) * 1e3
        row.mcc_p90_ms, row.ort_p90_ms = percentile(times["mcc"], 0.9) * 1e3, percentile(times["ort"], 0.9) * 1e3
        row.ratio = row.mcc_ms / row.ort_ms
        if row.gflop:
            row.gflops = row.gflop / (row.mcc_ms / 1e3)
            row.ort_gflops = row.gflop / (row.ort_ms / 1e3)
            if "blas" in times:
                row.openblas_ms = median(times["blas"]) * 1e3
                row.openblas_gflops = row.gflop / (row.openblas_ms / 1e3)
    except RuntimeError as e:
        row.status, row.reason = "run_failed", str(e)
    finally:
        if "mcc" in workers:
            row.mcc_rss_mb = workers["mcc"].hwm_mb or None
        if "ort" in workers:
            row.ort_rss_mb = workers["ort"].hwm_mb or None
        for w in workers.values():
            w.close()


def blas_imports(lib: str) -> list[str]:
    """The BLAS routines a compiled library calls (its undefined dynamic symbols), e.g. ["cblas_sgemm"]."""
    syms = sh(["nm", "-D", "--undefined-only", lib]).split()
    return sorted(s for s in syms if s.startswith("cblas_") or (s.endswith("gemm_") and len(s) <= 8))


def compile_model(mcc: str, onnx_path: str, lib: str) -> tuple[Optional[float], str]:
    t = time.perf_counter()
    p = subprocess.run([mcc, onnx_path, "-o", lib], capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        msg = (p.stderr.strip() or p.stdout.strip() or f"exit {p.returncode}").splitlines()
        return None, " | ".join(line.strip() for line in msg[:4])
    return dt, ""


def machine_info(mcc: str) -> dict:
    info: dict[str, Any] = {}
    lscpu = sh(["lscpu"])
    for line in lscpu.splitlines():
        k, _, v = line.partition(":")
        if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "L2 cache", "L3 cache", "Hypervisor vendor"):
            info[k.strip()] = v.strip()
    flags = next((l.split(":", 1)[1].split() for l in lscpu.splitlines() if l.startswith("Flags")), [])
    info["vector ISA"] = ", ".join(f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16") if f in flags)
    try:
        with open("/proc/meminfo") as f:
            info["memory"] = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
        with open("/etc/os-release") as f:
            info["OS"] = next((l.split("=", 1)[1].strip().strip('"') for l in f if l.startswith("PRETTY_NAME")), "")
    except OSError:
        pass
    info["kernel"] = platform.release()
    info["mcc"] = sh([mcc, "--version"]) + f" ({os.path.relpath(mcc, ROOT)})"
    head = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    info["source"] = f"git {head}" + (" + uncommitted changes" if dirty else "")
    try:
        import numpy
        import onnxruntime
        info["onnxruntime"] = onnxruntime.__version__
        info["numpy"] = numpy.__version__
    except ImportError:
        pass
    info["python"] = platform.python_version()
    return info


def noisy(r: Row) -> bool:
    """p90 at least 1.5x the median for either engine: other load on the machine hit this row."""
    return any(p and m and p >= NOISY * m for p, m in ((r.mcc_p90_ms, r.mcc_ms), (r.ort_p90_ms, r.ort_ms)))


def fmt(x: Optional[float], spec: str = ".2f") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def write_report(rows: list[Row], path: str, info: dict, compile_info: dict, blas: dict, args: argparse.Namespace,
                 summary: str, started: str, elapsed: float, load: tuple) -> None:
    ok = [r for r in rows if r.status == "ok"]
    L = []
    L.append("# Benchmarks: mcc vs ONNX Runtime")
    L.append("")
    L.append(f"Generated by `make bench` (bench/run.py) on {started}, in {elapsed / 60:.1f} min. "
             "Measured, not a test: the numbers move with the machine's load "
             f"(load average {load[0]} before, {load[1]} after; the 2 cores are shared).")
    L.append("")
    L.append(f"    {summary}")
    L.append("")
    L.append("Latency is per call (median and p90 over all timed runs), lower is better; ratio = mcc median / "
             "ORT median (< 1: mcc faster). GFLOP/s counts MatMul/Gemm (2·M·N·K), Conv (2·MACs) and the LSTM gate "
             "matmuls from the ONNX graph and ignores everything else. RSS is the peak resident set "
             "(VmHWM) of each engine's own worker process, Python, numpy and the inputs included "
             f"(about {fmt(median([r.mcc_base_rss_mb for r in rows if r.mcc_base_rss_mb]) if any(r.mcc_base_rss_mb for r in rows) else None, '.0f')} MB "
             "before either engine is loaded). Ratios above 1 are in bold. \"noisy\": the p90 of mcc or ORT is at least "
             f"{NOISY}× its median, i.e. other processes on the machine hit that row (mean 1-minute load average over "
             f"the rows: {fmt(sum(r.load1 for r in rows) / len(rows) if rows else None)}); treat its ratio with care.")
    L.append("")
    L.append("| model | batch | thr | mcc ms (p90) | ORT ms (p90) | mcc/ORT | mcc GFLOP/s | ORT GFLOP/s | mcc RSS MB | ORT RSS MB | compile s | status |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        batch = "1024×1024" if r.model == "gemm" else str(r.batch)
        status = "ok" if r.status == "ok" else f"**{r.status}**"
        if r.status == "ok" and noisy(r):
            status = "ok, noisy"
        ratio = fmt(r.ratio)
        if r.ratio is not None and r.ratio > 1:
            ratio = f"**{ratio}**"
        L.append(f"| {r.model} | {batch} | {r.threads} | {fmt(r.mcc_ms, '.3f')} ({fmt(r.mcc_p90_ms, '.3f')}) | "
                 f"{fmt(r.ort_ms, '.3f')} ({fmt(r.ort_p90_ms, '.3f')}) | {ratio} | {fmt(r.gflops, '.1f')} | "
                 f"{fmt(r.ort_gflops, '.1f')} | {fmt(r.mcc_rss_mb, '.0f')} | {fmt(r.ort_rss_mb, '.0f')} | "
                 f"{fmt(r.compile_s, '.1f')} | {status} |")
    L.append("")
    bad = [r for r in rows if r.status != "ok"]
    if bad:
        L.append("## Rows excluded from the geomean")
        L.append("")
        for r in bad:
            L.append(f"- {r.model} batch {r.batch}, {r.threads} thread(s): **{r.status}**: `{r.reason}`")
        L.append("")

    L.append("## Targets (issue #5)")
    L.append("")
    slower = [r for r in ok if r.ratio is not None and r.ratio > 1.0]
    gm = math.exp(sum(math.log(r.ratio) for r in ok) / len(ok)) if ok else None
    L.append(f"- Every row mcc/ORT ≤ 1.0: {len(ok) - len(slower)} of {len(ok)} measured rows meet it"
             + ("; slower: " + ", ".join(f"{r.model} b{r.batch} t{r.threads} ({r.ratio:.2f}×)" for r in sorted(slower, key=lambda r: -r.ratio)) if slower else "") + ".")
    L.append(f"- Geomean ≤ 0.8: {fmt(gm)} over {len(ok)} rows.")
    gemm_blas = compile_info.get("gemm", {}).get("blas_imports")
    if gemm_blas:
        L.append(f"- GEMM: libgemm.so imports {', '.join(gemm_blas)}, so the GEMM row runs OpenBLAS inside mcc, not "
                 "mcc's own kernel; its gap to the OpenBLAS column is overhead plus noise, and the 90% target "
                 "(\"with mcc's own kernel\") cannot be judged yet.")
    for r in [r for r in rows if r.model == "gemm"]:
        ref = r.openblas_gflops
        pct = f"{100 * r.gflops / ref:.0f}%" if r.gflops and ref else "—"
        L.append(f"- GEMM 1024³ ≥ 90% of OpenBLAS, {r.threads} thread(s): mcc {fmt(r.gflops, '.1f')} GFLOP/s, "
                 f"OpenBLAS sgemm {fmt(ref, '.1f')} GFLOP/s = {pct}.")
    rc = compile_info.get("resnet18", {}).get("compile_s")
    L.append(f"- ResNet-18 compile < 10 s: {fmt(rc, '.1f')} s.")
    loads = [r.mcc_load_ms for r in rows if r.mcc_load_ms is not None]
    if loads:
        worst = max((r for r in rows if r.mcc_load_ms is not None), key=lambda r: r.mcc_load_ms)
        L.append(f"- dlopen + instance creation < 20 ms: median {median(loads):.1f} ms, worst {worst.mcc_load_ms:.1f} ms "
                 f"({worst.model}): `dlopen` (ctypes.CDLL) plus the first `mcc_model_create`, in a fresh process. "
                 f"ORT's InferenceSession creation, for comparison: median "
                 f"{median([r.ort_load_ms for r in rows if r.ort_load_ms is not None] or [math.nan]):.1f} ms.")
    fat = [r for r in ok if r.mcc_rss_mb and r.ort_rss_mb and r.mcc_rss_mb > r.ort_rss_mb]
    L.append(f"- Peak RSS ≤ ORT's: {len(ok) - len(fat)} of {len(ok)} measured rows meet it"
             + (": higher on " + ", ".join(f"{r.model} b{r.batch} t{r.threads} ({r.mcc_rss_mb:.0f} vs {r.ort_rss_mb:.0f} MB)" for r in fat) if fat else "") + ".")
    L.append("")

    L.append("## Compile times")
    L.append("")
    L.append("Wall time of `mcc <model>.onnx -o lib<model>.so` (default pipeline; generated code at O3).")
    L.append("")
    L.append("| model | compile s | .so MB | GFLOP per run (batch 1) | BLAS calls in the .so |")
    L.append("|---|---:|---:|---:|---|")
    for m, c in compile_info.items():
        L.append(f"| {m} | {fmt(c.get('compile_s'), '.1f')} | {fmt(c.get('so_mb'), '.1f')} | {fmt(c.get('gflop_b1'), '.4f')} | "
                 f"{', '.join(c.get('blas_imports') or []) or 'none'} |"
                 + ("" if c.get("compile_s") is not None else f" failed: `{c.get('error')}`"))
    L.append("")

    L.append("## Method")
    L.append("")
    L.append(f"""- Models: `bench/models.py` writes them with `onnx.helper` from fixed seeds (no downloads) into
  `bench/models/` (gitignored): IR version 8, opset 17, batch a symbolic dim (`dim_param: batch`), so one
  file serves every batch. ResNet-18 and MobileNetV2 keep real BatchNormalization nodes; the BERT encoder
  uses LayerNormalization and GELU as `0.5·x·(1+Erf(x/√2))`; its input is the embedded sequence
  `[batch, 128, 384]` (no attention mask). LSTM input is `[50, batch, 32]`, output Y_h. GEMM is a MatMul of two
  run-time 1024×1024 inputs (nothing to prepack at compile time, the same problem as `cblas_sgemm`); its
  library runs mcc's own GEMM (`MCC_GEMM=blas` at compile time switches it back to OpenBLAS for comparison).
- Engines: mcc's `.so` (`out/bench/lib<model>.so`) through `mcc_model_run` (ctypes on prebuilt DLTensors;
  threads through `mcc_model_set_num_threads`) and ONNX Runtime {info.get('onnxruntime', '?')} from PyPI in `.venv-bench`
  (CPUExecutionProvider, `ORT_ENABLE_ALL`, `intra_op_num_threads` = threads, `inter_op_num_threads` = 1,
  sequential, `run_with_iobinding` on preallocated inputs and outputs; spinning left at ORT's default).
  Each engine runs in its own worker process, both started per row. mcc's threads are its instance's pool:
  matmul and im2col/pointwise conv split their GEMM across the pool's parts (columns when N ≥ M, else rows;
  convolutions by 16-aligned output-pixel columns, pointwise ones by image when there is one per part). The f32
  GEMM is mcc's own (packed A/B panels, a 12×32 zmm FMA microkernel, KC/MC/NC cache blocking, bias and
  activation applied in its store) on AVX-512 targets when M ≥ 4 and N, K ≥ 64 (convolutions: ≥ 256 output
  columns per call), with matmul weights packed at compile time; short M (OpenBLAS's GEMV path),
  small N or K (attention heads), f64 and the training gradients call a single-threaded OpenBLAS per part (the
  runtime keeps OpenBLAS at 1 thread), so the two never oversubscribe. Rule and figures: docs/mir.md.
- Correctness first: both run the same seeded input; a row is timed only if every output element satisfies
  |mcc − ort| ≤ {RTOL:g}·|ort| + {ATOL_OF_MAX:g}·max|ort|.
- Timing: a warm-up of ≥ {args.warmup:g} s per engine (≥ 1 run) estimates the time per run t; each engine then gets
  n = clamp(⌈{args.seconds:g} s / t⌉, {args.min_runs}, {args.max_runs}) runs, at most {args.max_engine_seconds:g} s worth
  (never fewer than 3), split into up to {args.rounds} alternating rounds (mcc then ORT, the order flipping every
  round, {SWITCH_PAUSE_S * 1e3:.0f} ms pause between engines). The slow rows (ResNet-18, MobileNetV2 and BERT at batch 8,
  and wherever mcc is slow) therefore have only a handful of runs: their p90 is close to their maximum.
- OpenBLAS reference: `cblas_sgemm` 1024³ (row-major, no transposes) of Debian's `libopenblas.so.0`
  ({blas.get('config', '?')}; kernel {blas.get('core', '?')}), the library mcc's `.so` links, through ctypes with
  `openblas_set_num_threads`, on the GEMM row's inputs, timed in the same alternation as mcc and ORT.""")
    L.append("")
    L.append("## Reproduce")
    L.append("")
    L.append("""    make bench                       # release mcc, .venv-bench with onnxruntime, models, all rows
    .venv-bench/bin/python bench/run.py --mcc .build-bench/release/mcc --only mlp,gemm   # a subset
    .venv-bench/bin/python bench/run.py --help                                        # timing knobs

`make bench` builds the release compiler into `.build-bench/` (`BENCH_SCRATCH`), creates `.venv-bench`
(`python3 -m venv`, then `pip install onnxruntime numpy onnx`) once, generates the models and runs every row.
Results: this file and `bench/results.json` (one object per row; keys `model`, `batch`, `threads`, `mcc_ms`,
`ort_ms`, `ratio`, `gflops`, `mcc_rss_mb`, `ort_rss_mb`, `compile_s`, plus `status`, `reason`, p90s, run counts,
load times and errors).""")
    L.append("")
    L.append("## Machine")
    L.append("")
    for k, v in info.items():
        L.append(f"- {k}: {v}")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def main() -> int:
    ap = argparse.ArgumentParser(description="mcc vs ONNX Runtime benchmark (issue #5)")
    ap.add_argument("--mcc", default=os.path.join(ROOT, ".build-bench", "release", "mcc"))
    ap.add_argument("--models", default=os.path.join(HERE, "models"))
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench"), help="compiled libraries and scratch files")
    ap.add_argument("--results", default=os.path.join(HERE, "results.json"))
    ap.add_argument("--report", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    ap.add_argument("--only", default="", help="comma-separated models (default: all)")
    ap.add_argument("--threads-list", default="1,2")
    ap.add_argument("--seconds", type=float, default=2.0, help="target timed seconds per engine per row")
    ap.add_argument("--warmup", type=float, default=0.2, help="warm-up seconds per engine per row (>= 1 run)")
    ap.add_argument("--min-runs", type=int, default=5)
    ap.add_argument("--max-runs", type=int, default=5000)
    ap.add_argument("--max-engine-seconds", type=float, default=30.0, help="cap on timed seconds per engine per row")
    ap.add_argument("--rounds", type=int, default=10, help="alternation rounds per row")
    ap.add_argument("--reuse-libs", action="store_true",
                    help="do not recompile a library newer than its model and mcc (compile_s then comes from the last results)")
    # int8 rows (issue #7; bench/quant.py): run only these with --int8
    ap.add_argument("--int8", action="store_true", help="run only the int8 rows (mcc vs ORT quantize_dynamic/static)")
    ap.add_argument("--int8-rows", default="resnet18:8,mlp:32,mlp64:32", help="model:batch list for --int8")
    ap.add_argument("--int8-work", default=os.path.join(ROOT, "out", "bench-int8"))
    ap.add_argument("--int8-warmup", type=float, default=0.5)
    ap.add_argument("--int8-rounds", type=int, default=5)
    ap.add_argument("--int8-runs", type=int, default=4, help="timed runs per round")
    # worker mode (internal)
    ap.add_argument("--worker", choices=["mcc", "ort", "blas"], help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--inputs", help=argparse.SUPPRESS)
    ap.add_argument("--outputs", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker_main(args)
    if args.int8:
        sys.path.insert(0, HERE)
        import quant
        args.mcc = os.path.abspath(args.mcc)
        return quant.main(args)

    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    t_start = time.perf_counter()
    load_before = os.getloadavg()[0]
    mcc = os.path.abspath(args.mcc)
    if not os.access(mcc, os.X_OK):
        print(f"bench: no mcc at {mcc} (build it: swift build -c release --scratch-path .build-bench)", file=sys.stderr)
        return 2
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        print("bench: onnxruntime is missing: run through `make bench` (it creates .venv-bench)", file=sys.stderr)
        return 2
    sys.path.insert(0, HERE)
    import models as model_gen

    wanted = [m for m in args.only.split(",") if m] or list(dict.fromkeys(m for m, _ in ROWS))
    unknown = [m for m in wanted if m not in model_gen.MODELS]
    if unknown:
        print(f"bench: unknown model(s) {unknown}", file=sys.stderr)
        return 2
    threads_list = [int(t) for t in args.threads_list.split(",")]
    os.makedirs(args.models, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)

    previous = {}
    if args.reuse_libs and os.path.exists(args.results):
        with open(args.results) as f:
            for r in json.load(f):
                previous.setdefault(r["model"], r.get("compile_s"))

    compile_info: dict[str, dict] = {}
    for m in wanted:
        onnx_path = model_gen.write(m, args.models)
        lib = os.path.join(args.work, f"lib{m}.so")
        fresh = (args.reuse_libs and os.path.exists(lib) and previous.get(m) is not None
                 and os.path.getmtime(lib) > max(os.path.getmtime(onnx_path), os.path.getmtime(mcc)))
        if fresh:
            cs, err = previous[m], ""
        else:
            print(f"bench: compiling {m} ...", flush=True)
            cs, err = compile_model(mcc, onnx_path, lib)
        compile_info[m] = {"compile_s": cs, "error": err, "onnx": onnx_path, "lib": lib,
                           "blas_imports": blas_imports(lib) if cs is not None else [],
                           "so_mb": os.path.getsize(lib) / 1e6 if cs is not None and os.path.exists(lib) else None,
                           "gflop_b1": count_flops(onnx_path, 1) / 1e9}
        print(f"bench: {m}: " + (f"compiled in {cs:.1f} s" if cs is not None else f"COMPILE FAILED: {err}"), flush=True)

    blas: dict = {}
    rows: list[Row] = []
    for model, batch in ROWS:
        if model not in wanted:
            continue
        ci = compile_info[model]
        gflop = count_flops(ci["onnx"], batch) / 1e9
        for t in threads_list:
            row = Row(model, batch, t, compile_s=ci["compile_s"], gflop=gflop, load1=os.getloadavg()[0])
            if ci["compile_s"] is None:
                row.status, row.reason = "compile_failed", ci["error"]
            else:
                run_row(row, ci["lib"], ci["onnx"], args.work, args, blas)
            rows.append(row)
            if row.status == "ok":
                if row.openblas_gflops:
                    print(f"bench: OpenBLAS sgemm 1024^3, {t} thread(s): {row.openblas_ms:.3f} ms, "
                          f"{row.openblas_gflops:.1f} GFLOP/s", flush=True)
                print(f"bench: {model:12s} b{batch:<3d} t{t}: mcc {row.mcc_ms:9.3f} ms  ort {row.ort_ms:9.3f} ms  "
                      f"ratio {row.ratio:6.2f}  {fmt(row.gflops, '.1f'):>6s} GFLOP/s  "
                      f"rss {fmt(row.mcc_rss_mb, '.0f')}/{fmt(row.ort_rss_mb, '.0f')} MB  "
                      f"runs {row.mcc_runs}/{row.ort_runs}", flush=True)
            else:
                print(f"bench: {model:12s} b{batch:<3d} t{t}: {row.status.upper()}: {row.reason}", flush=True)

    ok = [r for r in rows if r.status == "ok"]
    if ok:
        gm = math.exp(sum(math.log(r.ratio) for r in ok) / len(ok))
        worst = max(ok, key=lambda r: r.ratio)
        summary = f"bench: {len(rows)} rows, geomean mcc/ort {gm:.2f}, worst {worst.ratio:.2f} ({worst.model})"
    else:
        summary = f"bench: {len(rows)} rows, geomean mcc/ort n/a, worst n/a (none)"

    keys = ["model", "batch", "threads", "mcc_ms", "ort_ms", "ratio", "gflops", "mcc_rss_mb", "ort_rss_mb", "compile_s"]
    out_rows = []
    for r in rows:
        d = {k: getattr(r, k) for k in keys}
        d.update({k: v for k, v in vars(r).items() if k not in keys and k != "extra"})
        out_rows.append({k: (round(v, 4) if isinstance(v, float) and math.isfinite(v) else
                             (None if isinstance(v, float) else v)) for k, v in d.items()})
    with open(args.results, "w") as f:
        json.dump(out_rows, f, indent=1)
        f.write("\n")
    info = machine_info(mcc)
    elapsed = time.perf_counter() - t_start
    write_report(rows, args.report, info, compile_info, blas, args, summary, started, elapsed,
                 (f"{load_before:.2f}", f"{os.getloadavg()[0]:.2f}"))
    bad = [r for r in rows if r.status != "ok"]
    if bad:
        print(f"bench: {len(bad)} of {len(rows)} rows not in the geomean: "
              + "; ".join(f"{r.model} b{r.batch} t{r.threads} {r.status}" for r in bad))
    print(f"bench: wrote {os.path.relpath(args.report, ROOT)} and {os.path.relpath(args.results, ROOT)} "
          f"({elapsed / 60:.1f} min)")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
