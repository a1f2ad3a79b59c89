"""A short slice of the ONNX conformance suite (the full run is `make conformance`).

Runs the `simple` and `pytorch-operator` suites, static and forced-dynamic, and fails when
a suite's pass count drops below the floor recorded in Tests/conformance-floor.json, or
when any test lands in the error class (crash, timeout, link failure).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("/usr/share/libonnx-testdata/data")


@pytest.mark.skipif(not DATA.is_dir(), reason="libonnx-testdata is installed by scripts/install-deps.sh")
def test_conformance_slice(mcc: Path, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "onnx_conformance.py"), "--mcc", str(mcc),
                           "--suites", "simple,pytorch-operator", "--jobs", "2", "--json", str(results),
                           "--min-passed", str(ROOT / "Tests" / "conformance-floor.json")],
                          capture_output=True, timeout=1200)
    out = proc.stdout.decode() + proc.stderr.decode()
    print(out)
    data = json.loads(results.read_text())
    errors = [f"{suite}/{name}: {detail}" for suite, tests in data.items() for name, (cls, detail) in tests.items() if cls == "error"]
    assert not errors, "tests in the error class:\n" + "\n".join(errors)
    assert proc.returncode == 0, out


# Node tests made to pass by the operator work of ONNX issue #4 (static shapes; the full run also
# checks them forced-dynamic). Each must pass: a regression here names its test.
OPERATOR_TESTS = ["test_cumsum_", "test_gridsample", "test_roialign_", "test_tfidfvectorizer_", "test_training_dropout_zero_ratio",
                  "test_batchnorm_epsilon_training_mode", "test_batchnorm_example_training_mode", "test_maxpool_with_argmax_",
                  "test_scatternd_multiply", "test_convtranspose_output_shape", "test_convtranspose_3d", "test_lstm_with_peepholes",
                  "test_cast_BFLOAT16_to_FLOAT"]


@pytest.mark.skipif(not DATA.is_dir(), reason="libonnx-testdata is installed by scripts/install-deps.sh")
def test_conformance_operator_slice(mcc: Path, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "onnx_conformance.py"), "--mcc", str(mcc),
                           "--suites", "node", "--no-dynamic", "--jobs", "2", "--json", str(results),
                           "--filter", ",".join(OPERATOR_TESTS)], capture_output=True, timeout=1200)
    print(proc.stdout.decode() + proc.stderr.decode())
    tests = json.loads(results.read_text())["node"]
    assert len(tests) >= 35, f"expected the operator tests, found {sorted(tests)}"
    failing = [f"{name}: {cls} {detail}" for name, (cls, detail) in tests.items() if cls != "passed"]
    assert not failing, "\n".join(failing)
