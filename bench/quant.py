#!/usr/bin/env python3
"""The int8 rows of the benchmark (issue #7): mcc's quantized libraries vs ONNX Runtime's.

    python3 bench/run.py --int8 --mcc .build/debug/mcc [--int8-rows mlp64:32,resnet18:8]

Rows (model:batch): resnet18:8 (bench/models.py), mlp:32 (784-512-512-10) and mlp64:32 (a
64-256-10 MLP written here, seeded). For each row and engine it builds
  fp32           mcc model.onnx                      | the float ONNX model in ORT
  int8-dynamic   mcc --quantize int8-dynamic         | onnxruntime.quantization.quantize_dynamic
  int8-static    mcc --quantize int8 --calibrate ... | quantize_static (QDQ, per-channel, u8 act / s8 weights)
calibrates both static variants on the same 16 random inputs (min-max), checks top-1 agreement of
each int8 variant with its engine's fp32 model over 200 random inputs, and times every variant
with bench/run.py's workers (1 thread, same input; all variants alternate round by round; median). Results go to
bench/results-int8.json and a table on stdout; docs/quantization.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLES = 200
CALIBRATION = 16


def mlp64(path: str) -> None:
    """64-256-10 MLP, Gemm(transB)+Relu like models.py's mlp, fixed seed."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(64)
    inits, nodes, prev, width = [], [], "x", 64
    for i, n in enumerate([256, 10]):
        w = (rng.uniform(-1, 1, (n, width)) / np.sqrt(width)).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(np.zeros(n, np.float32) + 0.01, f"b{i}")]
        out = "logits" if i == 1 else f"h{i}"
        nodes.append(helper.make_node("Gemm", [prev, f"w{i}", f"b{i}"], [out if i == 1 else out + "_pre"], transB=1))
        if i == 0:
            nodes.append(helper.make_node("Relu", [out + "_pre"], [out]))
        prev, width = out, n
    graph = helper.make_graph(nodes, "mlp64", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def input_shape(path: str, batch: int) -> tuple[str, list[int]]:
    import onnx
    m = onnx.load(path, load_external_data=False)
    i = m.graph.input[0]
    dims = [batch if (d.dim_param or d.dim_value == 0) else d.dim_value for d in i.type.tensor_type.shape.dim]
    return i.name, dims


def build_variants(mcc: str, model: str, onnx_path: str, work: str, cal: str, cal_batch: np.ndarray,
                   name: str) -> dict[str, tuple[str, str]]:
    """variant -> (kind, path): mcc libraries and ORT models."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_dynamic, quantize_static

    out: dict[str, tuple[str, str]] = {}
    for variant, flags in [("fp32", []), ("int8-dynamic", ["--quantize", "int8-dynamic"]),
                           ("int8-static", ["--quantize", "int8", "--calibrate", cal])]:
        lib = os.path.join(work, f"lib{model}-{variant}.so")
        t = time.perf_counter()
        p = subprocess.run([mcc, onnx_path, "-o", lib, *flags], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"mcc {variant}: {p.stderr.strip()}")
        print(f"quant: compiled {model} {variant} with mcc in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        out["mcc " + variant] = ("mcc", lib)
    out["ort fp32"] = ("ort", onnx_path)
    dyn = os.path.join(work, f"{model}-ort-dynamic.onnx")
    quantize_dynamic(onnx_path, dyn, weight_type=QuantType.QInt8, per_channel=True)
    out["ort int8-dynamic"] = ("ort", dyn)

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.items = iter([{name: cal_batch[i:i + 8]} for i in range(0, len(cal_batch), 8)])

        def get_next(self):  # noqa: ANN201
            return next(self.items, None)

    st = os.path.join(work, f"{model}-ort-static.onnx")
    quantize_static(onnx_path, st, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    out["ort int8-static"] = ("ort", st)
    return out


def predictions(kind: str, path: str, x: np.ndarray, batch: int) -> np.ndarray:
    """Top-1 class of every sample (run in batches of `batch`)."""
    outs = []
    if kind == "mcc":
        sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
        import mlang
        m = mlang.load(path)
        m.set_num_threads(1)
        for i in range(0, len(x), batch):
            outs.append(next(iter(m.run(x[i:i + batch]).values())))
    else:
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        name = s.get_inputs()[0].name
        for i in range(0, len(x), batch):
            outs.append(s.run(None, {name: x[i:i + batch]})[0])
    return np.concatenate(outs).argmax(1)


def main(args: argparse.Namespace) -> int:
    sys.path.insert(0, HERE)
    from run import Worker, median  # the same timing workers as the fp32 rows

    work = os.path.abspath(args.int8_work)
    os.makedirs(work, exist_ok=True)
    results = []
    for spec in args.int8_rows.split(","):
        model, batch = spec.split(":")[0], int(spec.split(":")[1])
        onnx_path = os.path.join(work, "mlp64.onnx") if model == "mlp64" else os.path.join(args.models, f"{model}.onnx")
        if model == "mlp64":
            mlp64(onnx_path)
        name, shape = input_shape(onnx_path, batch)
        rng = np.random.default_rng(7)
        cal_x = rng.normal(size=[CALIBRATION] + shape[1:]).astype(np.float32)
        cal = os.path.join(work, f"{model}-cal.npy")
        np.save(cal, cal_x)
        variants = build_variants(args.mcc, model, onnx_path, work, cal, cal_x, name)
        test_x = rng.normal(size=[SAMPLES] + shape[1:]).astype(np.float32)
        preds = {v: predictions(kind, path, test_x, batch) for v, (kind, path) in variants.items()}
        inputs = os.path.join(work, f"{model}-b{batch}.inputs.npz")
        np.savez(inputs, **{name: test_x[:batch]})
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        # All variants loaded at once and timed in alternating rounds (order flipping each round),
        # so that a change in the machine's load hits every variant alike.
        workers: dict[str, Worker] = {}
        runs: dict[str, list[float]] = {v: [] for v in variants}
        try:
            for v, (kind, path) in variants.items():
                workers[v] = Worker(kind, path, 1, inputs, os.path.join(work, f"{model}-{v.replace(' ', '_')}.out.npz"), env)
                workers[v].recv()
                workers[v].ask(cmd="warm", seconds=args.int8_warmup)
            order = list(variants)
            for r in range(args.int8_rounds):
                for v in (order if r % 2 == 0 else order[::-1]):
                    runs[v] += workers[v].ask(cmd="run", n=args.int8_runs)["times"]
        finally:
            for w in workers.values():
                w.close()
        times = {v: median(t) * 1e3 for v, t in runs.items()}
        for v in variants:
            engine = v.split()[0]
            row = {"model": model, "batch": batch, "variant": v, "median_ms": round(times[v], 3),
                   "speedup_vs_fp32": round(times[f"{engine} fp32"] / times[v], 2),
                   "top1_agreement_vs_fp32": float((preds[v] == preds[f"{engine} fp32"]).mean())}
            results.append(row)
            print(f"{model:9s} b{batch:<3d} {v:18s} {row['median_ms']:9.3f} ms  x{row['speedup_vs_fp32']:5.2f} vs fp32  "
                  f"top-1 agreement {row['top1_agreement_vs_fp32']:.3f}", flush=True)
    with open(os.path.join(HERE, "results-int8.json"), "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load1": os.getloadavg()[0],
                   "samples": SAMPLES, "calibration_samples": CALIBRATION, "threads": 1, "rows": results}, f, indent=1)
    return 0
