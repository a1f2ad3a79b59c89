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


# Node tests whose shape inputs are graph inputs (value symbols, docs/mir.md): one or two per op.
VALUE_SYMBOL_TESTS = [
    "test_reshape_negative_dim", "test_reshape_allowzero_reordered", "test_slice_neg_steps", "test_slice_start_out_of_bounds",
    "test_resize_upsample_scales_linear", "test_resize_downsample_sizes_nearest", "test_upsample_nearest",
    "test_unsqueeze_unsorted_axes", "test_squeeze_negative_axes", "test_reduce_sum_keepdims_random",
    "test_split_variable_parts_2d", "test_onehot_with_axis", "test_constant_pad", "test_constantofshape_int_zeros",
    "test_top_k_smallest", "test_expand_dim_changed", "test_tile_precomputed", "test_range_float_type_positive_delta",
    "test_hannwindow_expanded", "test_blackmanwindow_symmetric", "test_maxunpool_export_with_output_shape",
    "test_nonzero_example", "test_compress_default_axis", "test_resize_tf_crop_and_resize", "test_stft",
    "test_melweightmatrix", "test_nonmaxsuppression_two_batches", "test_unique_sorted_with_axis_3d",
]


@pytest.mark.skipif(not DATA.is_dir(), reason="libonnx-testdata is installed by scripts/install-deps.sh")
def test_conformance_value_symbols(mcc: Path, tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "onnx_conformance.py"), "--mcc", str(mcc),
                           "--suites", "node", "--jobs", "2", "--json", str(results), "--filter", ",".join(VALUE_SYMBOL_TESTS)],
                          capture_output=True, timeout=1200)
    out = proc.stdout.decode() + proc.stderr.decode()
    data = json.loads(results.read_text())
    # The filter matches substrings (test_range_..._expanded needs Loop): judge the listed tests only.
    assert set(data) == {"node", "node (dynamic)"}, out
    missing = [f"{suite}/{t}" for suite, tests in data.items() for t in VALUE_SYMBOL_TESTS if t not in tests]
    assert not missing, f"not run: {missing}\n{out}"
    failing = [f"{suite}/{name}: {cls} {detail}" for suite, tests in data.items() for name, (cls, detail) in tests.items()
               if name in VALUE_SYMBOL_TESTS and cls != "passed"]
    assert not failing, "\n".join(failing)


# Node tests made to pass by the operator work of ONNX issue #4 (static shapes; the full run also
# checks them forced-dynamic). Each must pass: a regression here names its test.
OPERATOR_TESTS = ["test_cumsum_", "test_gridsample", "test_roialign_", "test_tfidfvectorizer_", "test_training_dropout_zero_ratio",
                  "test_batchnorm_epsilon_training_mode", "test_batchnorm_example_training_mode", "test_maxpool_with_argmax_",
                  "test_scatternd_multiply", "test_convtranspose_output_shape", "test_convtranspose_3d", "test_lstm_with_peepholes",
                  "test_cast_BFLOAT16_to_FLOAT", "test_resize_", "test_nonzero_example", "test_compress_",
                  "test_stft", "test_melweightmatrix", "test_nonmaxsuppression_", "test_unique_"]


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
