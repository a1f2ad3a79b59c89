"""ONNX operators and modes added for ONNX issue #4 (run-time CumSum axis, GridSample, ...): each
small model is compiled with mcc (static and --force-dynamic) and compared with onnxruntime."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import helper  # noqa: E402

from test_onnx_import_ops import RNG, check, model  # noqa: E402


@pytest.mark.parametrize("exclusive,reverse", [(0, 0), (1, 0), (0, 1), (1, 1)])
@pytest.mark.parametrize("axis_dtype", [np.int64, np.int32])
def test_cumsum_run_time_axis(mcc: Path, tmp_path: Path, exclusive: int, reverse: int, axis_dtype) -> None:
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    m = model([helper.make_node("CumSum", ["x", "axis"], ["y"], exclusive=exclusive, reverse=reverse)],
              {"x": x, "axis": np.array(0, axis_dtype)}, ["y"], like={"y": "x"})
    for axis in (0, 1, 2, -1, -3):   # one compiled library serves every axis
        check(mcc, tmp_path, m, {"x": x, "axis": np.array(axis, axis_dtype)}, rtol=1e-5, atol=1e-5)


def test_cumsum_int_static_axis(mcc: Path, tmp_path: Path) -> None:
    x = RNG.integers(-50, 50, (3, 5)).astype(np.int64)
    axis = helper.make_tensor("axis", 7, [], [1])
    m = model([helper.make_node("Constant", [], ["axis"], value=axis),
               helper.make_node("CumSum", ["x", "axis"], ["y"], reverse=1)], {"x": x}, ["y"])
    check(mcc, tmp_path, m, {"x": x})
