#!/usr/bin/env python3
"""Training throughput: mcc's compiled train step vs PyTorch eager on CPU (`make bench-train`;
not part of `make test`).

    .venv-bench/bin/python bench/train.py --mcc .build/debug/mcc [--only mlp] [--threads 1,2]

For every row (model, batch, threads) it
  1. compiles the model's M source (below) with `mcc --train-loss cross_entropy` once per model
     (codegen is LLVM O3 in any mcc build; only the compile time depends on a release mcc);
  2. builds the same network in PyTorch (nn.Sequential) with mcc's initial parameters copied in,
     the same seeded batch, SGD with momentum 0.9 and lr 0.01 in both, and both engines set to
     `threads` threads (mcc_model_set_num_threads, torch.set_num_threads);
  3. checks one train step from identical weights: loss and every updated parameter within
     rtol 1e-3 (relative to the tensor's largest value) of PyTorch's, before any timing;
  4. warms both up, then times them alternately (rounds of mcc then PyTorch, the order flipping
     each round) and reports the median per-step time of each as steps/s.
A timed mcc step is one mcc_model_train_step through ctypes on prebuilt DLTensors (forward,
backward and the SGD update, loss returned); a PyTorch step is zero_grad(set_to_none), forward,
cross_entropy, backward, optimizer.step().

It writes docs/benchmarks-training.md and bench/train_results.json.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

import mlang  # noqa: E402
from mlang._abi import DLDevice, DLDeviceType, DLTensor, dl_from_dtype  # noqa: E402

MODELS = {
    "mlp": ("MLP 64-256-10 (8x8 digits)", (64,), """
model MLP {
    seed = 1
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc1 = Dense(256)
    fc2 = Dense(10)
    forward {
        logits = fc2(relu(fc1(x)))
    }
}
"""),
    "lenet": ("LeNet-5 (1x28x28)", (1, 28, 28), """
model LeNet {
    seed = 2
    input x: f32[batch, 1, 28, 28]
    output logits: f32[batch, 10]
    conv1 = Conv2D(6, kernel = (5, 5), padding = "same")
    pool1 = MaxPooling2D(pool = (2, 2))
    conv2 = Conv2D(16, kernel = (5, 5))
    pool2 = MaxPooling2D(pool = (2, 2))
    fc1 = Dense(120)
    fc2 = Dense(84)
    fc3 = Dense(10)
    forward {
        h = pool1(relu(conv1(x)))
        h = pool2(relu(conv2(h)))
        h = relu(fc1(flatten(h)))
        h = relu(fc2(h))
        logits = fc3(h)
    }
}
"""),
}
BATCHES = (32, 128)
LR, MOMENTUM = 0.01, 0.9
RTOL = 1e-3
SWITCH_PAUSE_S = 0.02  # between engines, so neither one's spinning threads overlap the other's steps


def torch_net(name: str, params: dict[str, np.ndarray]) -> Any:
    """The PyTorch twin of MODELS[name] with mcc's parameters (Dense weights are [in, out] in M)."""
    import torch
    from torch import nn
    if name == "mlp":
        net = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
        layers = {"fc1": net[0], "fc2": net[2]}
    else:
        net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                            nn.Linear(84, 10))
        layers = {"conv1": net[0], "conv2": net[3], "fc1": net[7], "fc2": net[9], "fc3": net[11]}
    with torch.no_grad():
        for prefix, layer in layers.items():
            w = params[prefix + ".weight"]
            layer.weight.copy_(torch.from_numpy(w.T.copy() if isinstance(layer, nn.Linear) else w))
            layer.bias.copy_(torch.from_numpy(params[prefix + ".bias"]))
    return net, layers


def as_mcc_params(name: str, layers: dict[str, Any]) -> dict[str, np.ndarray]:
    from torch import nn
    out = {}
    for prefix, layer in layers.items():
        w = layer.weight.detach().numpy()
        out[prefix + ".weight"] = w.T if isinstance(layer, nn.Linear) else w
        out[prefix + ".bias"] = layer.bias.detach().numpy()
    return out


def dl(arr: np.ndarray, keep: list[Any]) -> DLTensor:
    shape = (ctypes.c_int64 * arr.ndim)(*arr.shape)
    keep += [arr, shape]
    return DLTensor(arr.ctypes.data, DLDevice(DLDeviceType.kDLCPU, 0), arr.ndim, dl_from_dtype(arr.dtype), shape, None, 0)


def bench_row(lib: str, name: str, batch: int, threads: int, steps: int, rounds: int) -> dict[str, Any]:
    import torch
    torch.set_num_threads(threads)
    rng = np.random.default_rng(batch)
    x = rng.standard_normal((batch, *MODELS[name][1])).astype(np.float32)
    t = rng.integers(0, 10, batch).astype(np.int64)
    model = mlang.load(lib)
    model.set_num_threads(threads)
    model.set_optimizer("sgd", lr=LR, momentum=MOMENTUM)
    net, layers = torch_net(name, model.params())
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)
    tx, tt = torch.from_numpy(x), torch.from_numpy(t)

    def torch_step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(tx), tt)
        loss.backward()
        opt.step()
        return float(loss.item())

    # Correctness: one step from identical weights.
    loss_mcc, loss_torch = model.train_step(x, t), torch_step()
    got, want = model.params(), as_mcc_params(name, layers)
    errors = [abs(loss_mcc - loss_torch) / abs(loss_torch)]
    errors += [float(np.max(np.abs(got[k] - v)) / max(1e-12, float(np.max(np.abs(v))))) for k, v in want.items()]
    row: dict[str, Any] = {"model": name, "batch": batch, "threads": threads, "max_rel_err": max(errors)}
    if max(errors) > RTOL:
        row["error"] = f"mcc differs from PyTorch after one step (max relative error {max(errors):.2e})"
        return row

    keep: list[Any] = []
    xs, ts = dl(x, keep), dl(t, keep)
    loss = ctypes.c_float()
    train_step, handle = model._lib.mcc_model_train_step, model._live_handle()

    def mcc_step() -> None:
        if train_step(handle, ctypes.byref(xs), 1, ctypes.byref(ts), ctypes.byref(loss)) != 0:
            raise mlang.MccError(1, model._lib.mcc_last_error().decode())

    for _ in range(3):
        mcc_step()
        torch_step()
    times: dict[str, list[float]] = {"mcc": [], "torch": []}
    for r in range(rounds):
        order = [("mcc", mcc_step), ("torch", torch_step)]
        for engine, step in (order if r % 2 == 0 else order[::-1]):
            time.sleep(SWITCH_PAUSE_S)
            for _ in range(steps):
                t0 = time.perf_counter()
                step()
                times[engine].append(time.perf_counter() - t0)
    model.close()
    for engine, ts_ in times.items():
        row[f"{engine}_steps_per_s"] = 1.0 / float(np.median(ts_))
    row["speedup"] = row["mcc_steps_per_s"] / row["torch_steps_per_s"]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mcc", default=os.path.join(ROOT, ".build", "debug", "mcc"))
    parser.add_argument("--only", default=",".join(MODELS))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per engine per round")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--scratch", default=os.path.join(HERE, "models", "train"))
    parser.add_argument("--report", default=os.path.join(ROOT, "docs", "benchmarks-training.md"))
    parser.add_argument("--json", default=os.path.join(HERE, "train_results.json"))
    args = parser.parse_args()
    import torch
    os.makedirs(args.scratch, exist_ok=True)
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews the multi-thread rows most
    rows: list[dict[str, Any]] = []
    for name in args.only.split(","):
        source = os.path.join(args.scratch, f"{name}.m")
        with open(source, "w") as f:
            f.write(MODELS[name][2])
        lib = os.path.join(args.scratch, f"lib{name}_train.so")
        t0 = time.perf_counter()
        proc = subprocess.run([args.mcc, source, "--train-loss", "cross_entropy", "-o", lib], capture_output=True, text=True)
        compile_s = time.perf_counter() - t0
        if proc.returncode != 0:
            rows.append({"model": name, "error": "mcc failed: " + proc.stderr.strip().splitlines()[-1]})
            continue
        for batch in BATCHES:
            for threads in map(int, args.threads.split(",")):
                row = bench_row(lib, name, batch, threads, args.steps, args.rounds)
                row["compile_s"] = round(compile_s, 2)
                rows.append(row)
                print(json.dumps(row), flush=True)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_before": load_before, "load_after": round(os.getloadavg()[0], 2),
            "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "torch": torch.__version__,
            "optimizer": f"SGD lr {LR} momentum {MOMENTUM}", "loss": "cross-entropy (mean)"}
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    lines = ["# Training benchmark: mcc vs PyTorch eager (CPU)", "",
             f"`bench/train.py` ({meta['date']}, {meta['cores']} cores, torch {meta['torch']}): steps/s of one train step",
             f"(forward, cross-entropy, backward, {meta['optimizer']}) at the same thread count, same initial",
             "weights and data; each row first checks one step against PyTorch (max relative error).",
             f"Load average {meta['load_before']} before, {meta['load_after']} after: on a shared machine PyTorch's",
             "spinning OpenMP threads suffer most when another process holds a core (its 2-thread rows).", "",
             "| model | batch | threads | mcc steps/s | PyTorch steps/s | mcc / PyTorch | max rel err |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        label = MODELS[r["model"]][0]
        if "error" in r:
            lines.append(f"| {label} | {r.get('batch', '')} | {r.get('threads', '')} | {r['error']} | | | |")
        else:
            lines.append(f"| {label} | {r['batch']} | {r['threads']} | {r['mcc_steps_per_s']:.0f} | {r['torch_steps_per_s']:.0f} "
                         f"| {r['speedup']:.2f} | {r['max_rel_err']:.1e} |")
    lines += ["", "To see where a compiled train step spends its time: `model.enable_profiling()`, train a few",
              "steps, `model.write_profile(path)`; the train step's kernels are the `LeNet.train: ...` events."]
    with open(args.report, "w") as f:
        f.write("\n".join(lines) + "\n")
    ok = [r for r in rows if "error" not in r]
    if ok:
        geo = float(np.exp(np.mean([np.log(r["speedup"]) for r in ok])))
        print(f"bench-train: {len(rows)} rows, geomean mcc/torch {geo:.2f}")
    return 0 if len(ok) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
