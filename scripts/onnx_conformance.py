#!/usr/bin/env python3
"""ONNX conformance: compile every test model of Debian's libonnx-testdata with mcc, run it
through the C ABI (mlang), and compare with the reference outputs.

Each test is classified as
  passed       outputs match (rtol 1e-3, atol 1e-5 unless TOLERANCES says otherwise)
  failed       compiled and ran, wrong numbers or shapes
  unsupported  mcc rejected the model with a clear diagnostic (exit 1)
  error        anything else: crash, signal, timeout, link failure, run-time failure
Each suite runs twice: as given, and with every input dim symbolic (--force-dynamic).

  scripts/onnx_conformance.py [--suites node,simple] [--limit N] [--filter trilu,cast_] [--jobs 2] [--report docs/onnx-conformance.md]
                              [--min-passed FILE]   # fail if pass counts drop below the recorded ones
"""
from __future__ import annotations

import argparse
import concurrent.futures as futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
import mlang  # noqa: E402

DATA = Path(os.environ.get("ONNX_TESTDATA", "/usr/share/libonnx-testdata/data"))
SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
# Looser tolerances where the reference itself is computed differently (stated per test).
TOLERANCES: dict[str, tuple[float, float]] = {}


def read_tensor(path: Path) -> np.ndarray:
    import onnx
    from onnx import numpy_helper
    t = onnx.TensorProto()
    t.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(t)


def model_ops(model_path: Path) -> list[str]:
    import onnx
    try:
        m = onnx.load(str(model_path), load_external_data=False)
        return sorted({n.op_type for n in m.graph.node})
    except Exception:
        return []


def run_test(mcc: str, test: Path, dynamic: bool, workdir: Path) -> tuple[str, str]:
    """Returns (class, detail)."""
    lib = workdir / f"lib{test.name}{'_dyn' if dynamic else ''}.so"
    cmd = [mcc, str(test / "model.onnx"), "-o", str(lib)] + (["--force-dynamic"] if dynamic else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "error", "compile timeout"
    except OSError as e:
        return "error", f"cannot run mcc: {e}"
    err = proc.stderr.decode(errors="replace")
    if proc.returncode == 1:
        first = next((line for line in err.splitlines() if "error:" in line), err.strip()[:200])
        return "unsupported", first.split("error: ", 1)[-1][:200]
    if proc.returncode != 0 or not lib.exists():
        return "error", f"mcc exit {proc.returncode}: {err.strip()[-300:]}"
    # Run in a child process so a crash in the library is contained and classified.
    runner = [sys.executable, __file__, "--run-one", str(test), str(lib)]
    try:
        child = subprocess.run(runner, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "error", "run timeout"
    finally:
        lib.unlink(missing_ok=True)
    out = child.stdout.decode(errors="replace").strip().splitlines()
    if child.returncode != 0 or not out:
        return "error", f"runner exit {child.returncode}: {child.stderr.decode(errors='replace').strip()[-300:]}"
    verdict = json.loads(out[-1])
    return verdict["class"], verdict["detail"]


def run_one(test: Path, lib: Path) -> dict:
    rtol, atol = TOLERANCES.get(test.name, (1e-3, 1e-5))
    sets = sorted(test.glob("test_data_set_*"))
    try:
        model = mlang.load(lib)
    except Exception as e:  # noqa: BLE001
        return {"class": "error", "detail": f"load: {e}"}
    with model:
        for data_set in sets:
            inputs = [read_tensor(p) for p in sorted(data_set.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))]
            expected = [read_tensor(p) for p in sorted(data_set.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))]
            if len(inputs) != len(model.inputs):
                return {"class": "unsupported", "detail": f"{len(inputs)} inputs given, model takes {len(model.inputs)}"}
            mismatched = [spec.name for x, spec in zip(inputs, model.inputs) if x.ndim != len(spec.shape)]
            if mismatched:
                # Some tests (castlike_*) feed data of another rank than their model declares.
                return {"class": "unsupported", "detail": f"test data rank differs from the model's declared input {mismatched}"}
            # ONNX gives bf16 tensors as uint16 bits; the library takes them as raw 2-byte values.
            inputs = [x.view(spec.dtype) if spec.dtype.kind == "V" and x.dtype == np.uint16 else x
                      for x, spec in zip(inputs, model.inputs)]
            try:
                result = model.run(*[np.require(x, requirements="C") for x in inputs])
            except mlang.MccError as e:
                return {"class": "error", "detail": f"run: {e}"}
            outputs = list(result.values())
            outputs = [g.view(np.uint16) if g.dtype.kind == "V" and g.dtype.itemsize == 2 else g for g in outputs]
            for i, (got, want) in enumerate(zip(outputs, expected)):
                if got.shape != want.shape:
                    return {"class": "failed", "detail": f"output {i}: shape {got.shape}, expected {want.shape}"}
                if want.dtype == object or want.dtype.kind in "US":
                    return {"class": "unsupported", "detail": "string outputs"}
                if want.dtype == np.bool_ or want.dtype.kind in "iu":
                    if not np.array_equal(got.astype(want.dtype), want):
                        return {"class": "failed", "detail": f"output {i}: values differ"}
                    continue
                if not np.allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True):
                    worst = float(np.nanmax(np.abs(got.astype(np.float64) - want.astype(np.float64))))
                    return {"class": "failed", "detail": f"output {i}: max abs error {worst:.3g}"}
    return {"class": "passed", "detail": ""}


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--run-one":
        print(json.dumps(run_one(Path(sys.argv[2]), Path(sys.argv[3]))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suites", default=",".join(SUITES))
    ap.add_argument("--limit", type=int, default=0, help="only the first N tests of each suite (for a quick slice)")
    ap.add_argument("--filter", default="", help="comma-separated substrings: only tests whose name contains one")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--mcc", default=os.environ.get("MCC", str(ROOT / ".build" / "debug" / "mcc")))
    ap.add_argument("--report", default="")
    ap.add_argument("--no-dynamic", action="store_true", help="skip the forced-dynamic run")
    ap.add_argument("--min-passed", default="", help="JSON file of {suite: minimum passed}; exit 1 below it")
    ap.add_argument("--json", default="", help="write per-test results here")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"conformance: {DATA} not found (apt-get install libonnx-testdata)", file=sys.stderr)
        return 1
    modes = [False] if args.no_dynamic else [False, True]
    results: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}
    ops_of: dict[str, list[str]] = {}
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="mcc-conformance-") as tmp:
        # Run a private copy so a rebuild during the run cannot disturb it.
        snapshot = Path(tmp) / "mcc"
        shutil.copy2(args.mcc, snapshot)
        args.mcc = str(snapshot)
        for suite in args.suites.split(","):
            tests = sorted(p for p in (DATA / suite).iterdir() if (p / "model.onnx").exists())
            if args.filter:
                tests = [t for t in tests if any(f in t.name for f in args.filter.split(","))]
            if args.limit:
                tests = tests[: args.limit]
            for t in tests:
                ops_of[f"{suite}/{t.name}"] = model_ops(t / "model.onnx")
            for dynamic in modes:
                key = suite + (" (dynamic)" if dynamic else "")
                with futures.ThreadPoolExecutor(args.jobs) as pool:
                    jobs = {pool.submit(run_test, args.mcc, t, dynamic, Path(tmp)): t for t in tests}
                    results[key] = {jobs[f].name: f.result() for f in futures.as_completed(jobs)}
                counts = Counter(c for c, _ in results[key].values())
                print(f"conformance {key.replace(' (dynamic)', '-dynamic')}: {counts['passed']} passed, {counts['failed']} failed, "
                      f"{counts['unsupported']} unsupported, {counts['error']} errors", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, sort_keys=True))
    if args.report:
        write_report(Path(args.report), results, ops_of, time.time() - start)
    status = 0
    for key, res in results.items():
        if any(c == "error" for c, _ in res.values()):
            for name, (c, d) in sorted(res.items()):
                if c == "error":
                    print(f"  error: {key}/{name}: {d}", file=sys.stderr)
    if args.min_passed:
        floor = json.loads(Path(args.min_passed).read_text())
        for key, minimum in floor.items():
            got = sum(1 for c, _ in results.get(key, {}).values() if c == "passed")
            if key in results and got < minimum:
                print(f"conformance: {key} passed {got} < recorded minimum {minimum}", file=sys.stderr)
                status = 1
    return status


def write_report(path: Path, results, ops_of, seconds: float) -> None:
    lines = ["# ONNX conformance", "",
             "Generated by `make conformance` (`scripts/onnx_conformance.py`) on Debian's libonnx-testdata.",
             "Classes: passed (rtol 1e-3, atol 1e-5), failed (wrong numbers), unsupported (clear diagnostic),",
             "error (crash, timeout, link failure: must stay at zero). \"dynamic\" runs make every input dim",
             f"symbolic (`mcc --force-dynamic`). Wall time {seconds:.0f} s.", "", "## Totals", "",
             "| suite | tests | passed | failed | unsupported | errors | pass rate |", "|---|---|---|---|---|---|---|"]
    for key, res in results.items():
        c = Counter(k for k, _ in res.values())
        n = len(res)
        lines.append(f"| {key} | {n} | {c['passed']} | {c['failed']} | {c['unsupported']} | {c['error']} | "
                     f"{100 * c['passed'] / max(n, 1):.1f}% |")
    lines += ["", "## Per operator (static runs, all suites)", "", "| op | passed | failed | unsupported | errors |", "|---|---|---|---|---|"]
    per_op: dict[str, Counter] = defaultdict(Counter)
    for key, res in results.items():
        if "dynamic" in key:
            continue
        suite = key
        for name, (c, _) in res.items():
            for op in ops_of.get(f"{suite}/{name}", ["?"]) or ["?"]:
                per_op[op][c] += 1
    for op in sorted(per_op):
        c = per_op[op]
        lines.append(f"| {op} | {c['passed']} | {c['failed']} | {c['unsupported']} | {c['error']} |")
    lines += ["", "## Tests not passing (static runs)", "", "| test | class | detail |", "|---|---|---|"]
    for key, res in results.items():
        if "dynamic" in key:
            continue
        for name, (c, d) in sorted(res.items()):
            if c != "passed":
                lines.append(f"| {key}/{name} | {c} | {d.replace('|', '/')[:160]} |")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
