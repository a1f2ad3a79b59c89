#!/usr/bin/env python3
"""Issue 7 on real data: trained digits models, int8 static quantization and structured pruning
with fine-tuning (`make bench-digits`; not part of `make test`).

    python3 bench/digits_optimize.py --mcc .build/debug/mcc [--repeats 3] [--docs docs/quantization.md]

1. Trains the MLP 64-256-10 and the LeNet-like CNN of bench/digits.py on data/digits.csv
   (80/20 split, seed 42) with Adam through the training C ABI (mlang), saves checkpoints.
2. For each variant runs `mcc --init-weights CKPT FLAGS --eval test.npz --eval-batch 32
   --report r.json`: the report has parameter bytes before/after, test accuracy of the fp32
   and the optimized library and their latency per batch of 32 (fastest of 3 passes, 1 thread).
   Each variant is compiled `--repeats` times; the table gives the median speedup.
3. Writes bench/results-digits.json and, with --docs, the table between the
   `<!-- digits:begin -->` / `<!-- digits:end -->` markers of that file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "bindings" / "python"))

import digits as D  # noqa: E402

VARIANTS = [
    ("mlp", "int8 static", lambda s: ["--quantize", "int8", "--calibrate", s["cal"]]),
    ("mlp", "structured 50% + fine-tune", lambda s: ["--prune", "0.5", "--prune-structured", "--finetune", s["train"],
                                                      "--finetune-epochs", "10"]),
    ("mlp", "structured 50% + fine-tune + int8 static",
     lambda s: ["--prune", "0.5", "--prune-structured", "--finetune", s["train"], "--finetune-epochs", "10",
                "--quantize", "int8", "--calibrate", s["cal"]]),
    ("cnn", "int8 static", lambda s: ["--quantize", "int8", "--calibrate", s["cal"]]),
]
NAMES = {"mlp": "MLP 64-256-10", "cnn": "LeNet-like CNN"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mcc", default=str(HERE.parent / ".build" / "debug" / "mcc"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--docs", help="markdown file whose digits table to rewrite")
    args = ap.parse_args()
    if not D.DIGITS_CSV.exists():
        print(f"{D.DIGITS_CSV} is missing (the mccrun branch ships it)", file=sys.stderr)
        return 2
    mcc = Path(args.mcc)
    data = D.load_digits()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trained = {}
        for kind in ("mlp", "cnn"):
            source, checkpoint, acc = D.train(mcc, work, kind, data, epochs=args.epochs)
            trained[kind] = (source, checkpoint, D.write_sets(work, kind, data))
            print(f"{NAMES[kind]}: trained {args.epochs} epochs, test accuracy {acc:.4f}", file=sys.stderr)
        for kind, label, flags in VARIANTS:
            source, checkpoint, sets = trained[kind]
            reports = []
            for r in range(args.repeats):
                lib, report, command = D.optimize(mcc, work, f"{kind}_{r}", source, checkpoint, flags(sets), sets["test"])
                reports.append(report)
            e = reports[0]["evaluation"]
            speedups = [rp["evaluation"]["latencyMsPerBatchBefore"] / rp["evaluation"]["latencyMsPerBatchAfter"] for rp in reports]
            fp32_lib = D.fp32_library(mcc, work, source, checkpoint, kind)
            row = {
                "model": NAMES[kind], "variant": label, "command": command.replace(f"{kind}_{args.repeats - 1}", kind),
                "accuracy_fp32": e["accuracyBefore"], "accuracy_after": e["accuracyAfter"],
                "top1_agreement": e["top1Agreement"],
                "ms_fp32": statistics.median(rp["evaluation"]["latencyMsPerBatchBefore"] for rp in reports),
                "ms_after": statistics.median(rp["evaluation"]["latencyMsPerBatchAfter"] for rp in reports),
                "speedup": statistics.median(speedups), "speedups": speedups,
                "parameter_ratio": D.parameter_ratio(reports[0]),
                "parameter_bytes": [reports[0]["steps"][0]["before"]["parameterBytes"], reports[0]["steps"][-1]["after"]["parameterBytes"]],
                "library_bytes": [fp32_lib.stat().st_size, lib.stat().st_size],
                "finetune": reports[0].get("fineTune"),
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    (HERE / "results-digits.json").write_text(json.dumps({"date": stamp, "load": load, "rows": rows}, indent=1) + "\n")
    table = render(rows, stamp, load, args.repeats)
    print(table)
    if args.docs:
        text = Path(args.docs).read_text()
        begin, end = "<!-- digits:begin -->", "<!-- digits:end -->"
        if begin in text and end in text:
            text = text[:text.index(begin) + len(begin)] + "\n" + table + text[text.index(end):]
            Path(args.docs).write_text(text)
    return 0


def render(rows: list[dict], stamp: str, load: float, repeats: int) -> str:
    out = [f"Run on {stamp}, load average {load:.1f}; speedup = median of {repeats} `--eval` runs.", "",
           "| model | variant | test acc. fp32 | test acc. after | agreement | ms/batch 32 fp32 | after | speedup | parameter bytes | smaller |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['model']} | {r['variant']} | {r['accuracy_fp32']:.4f} | {r['accuracy_after']:.4f} | "
                   f"{r['top1_agreement']:.3f} | {r['ms_fp32']:.4f} | {r['ms_after']:.4f} | **{r['speedup']:.2f}x** | "
                   f"{r['parameter_bytes'][0]:,} -> {r['parameter_bytes'][1]:,} | {r['parameter_ratio']:.2f}x |")
    out.append("")
    for r in rows:
        if r["finetune"]:
            f = r["finetune"]
            out.append(f"- {r['model']}, {r['variant']}: test accuracy {f['accuracyBeforePruning']:.4f} before pruning, "
                       f"{f['accuracyAfterPruning']:.4f} after pruning, {f['accuracyAfterFinetune']:.4f} after "
                       f"{f['epochs']} epochs of fine-tuning (lr {f['learningRate']:g}).")
    out.append("")
    out.append("Commands (paths shortened):")
    out.append("")
    for r in rows:
        out.append(f"- `{r['command']}`")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
