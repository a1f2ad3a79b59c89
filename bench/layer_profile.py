#!/usr/bin/env python3
"""Per-kernel profile of a compiled model (input [batch, 3, 224, 224], or --shape) through the C ABI
profiler: the median time of every kernel over the profiled runs, totals by op kind, and the
slowest kernels. Writes the Chrome trace JSON too.

    .venv-bench/bin/python bench/layer_profile.py out/bench/libresnet18.so --batch 1 --threads 1

Compare layouts by building the library twice: `mcc model.onnx` (select-layout on AVX-512) and
`mcc model.onnx --no-select-layout`; run the two alternately, the machine is shared.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bindings", "python"))
import mlang  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lib")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--trace", default="profile.json")
    ap.add_argument("--shape", default="3,224,224", help="input shape after the batch (BERT: 128,384)")
    args = ap.parse_args()
    shape = tuple(int(d) for d in args.shape.split(","))
    x = np.random.default_rng(0).standard_normal((args.batch, *shape)).astype(np.float32)
    with mlang.load(args.lib) as model:
        model.set_num_threads(args.threads)
        for _ in range(3):
            model.run(x)
        model.enable_profiling()
        for _ in range(args.runs):
            model.run(x)
        model.write_profile(args.trace)
    with open(args.trace) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    per: dict[str, list[float]] = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            per[e["name"]].append(e["dur"])
    rows = sorted(((float(np.median(v)), k) for k, v in per.items()), reverse=True)
    by_kind: dict[str, float] = collections.defaultdict(float)
    for t, k in rows:
        by_kind[k.split(" #")[0]] += t
    print(f"total {sum(t for t, _ in rows) / 1000:.2f} ms; "
          + ", ".join(f"{k} {v / 1000:.2f}" for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])))
    for t, k in rows[:args.top]:
        print(f"{t / 1000:8.3f} ms  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
