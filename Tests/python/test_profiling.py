"""Per-kernel profiling through the C ABI: Chrome trace JSON with FLOPs and GFLOP/s."""
from __future__ import annotations

import ctypes
import json
from pathlib import Path

import numpy as np

import mlang


def test_profile_is_chrome_trace_json(cnn_lib: Path, tmp_path: Path) -> None:
    lib = ctypes.CDLL(str(cnn_lib))
    lib.mcc_model_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.mcc_model_enable_profiling.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.mcc_model_write_profile.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.mcc_model_destroy.argtypes = [ctypes.c_void_p]
    lib.mcc_last_error.restype = ctypes.c_char_p
    handle = ctypes.c_void_p()
    assert lib.mcc_model_create(None, ctypes.byref(handle)) == 0
    try:
        out = tmp_path / "profile.json"
        # Writing before enabling is an error with a message.
        assert lib.mcc_model_write_profile(handle, str(out).encode()) != 0
        assert b"not enabled" in lib.mcc_last_error()
        assert lib.mcc_model_enable_profiling(handle, 1) == 0
    finally:
        lib.mcc_model_destroy(handle)

    # Run through mlang's handle-free path: a second instance, profiled, via raw calls.
    model = mlang.load(cnn_lib)
    raw = model._live_handle() if callable(getattr(model, "_live_handle", None)) else model._handle
    lib.mcc_model_enable_profiling(raw, 1)
    x = np.random.default_rng(0).standard_normal((4, 1, 28, 28)).astype(np.float32)
    model(x)
    model(x)
    out = tmp_path / "profile.json"
    assert lib.mcc_model_write_profile(raw, str(out).encode()) == 0, lib.mcc_last_error()
    trace = json.loads(out.read_text())
    events = trace["traceEvents"]
    names = [e["name"] for e in events]
    # Two runs of the same kernels, in order, each a complete event with a duration.
    assert len(events) % 2 == 0 and names[: len(names) // 2] == names[len(names) // 2:]
    assert any(n.startswith("conv2d #") for n in names) and any(n.startswith("matmul #") for n in names)
    assert all(e["ph"] == "X" and e["dur"] >= 0 for e in events)
    conv = next(e for e in events if e["name"].startswith("conv2d #"))
    # First conv: 4 images x 8 channels x 28 x 28 outputs x 1 x 3 x 3 MACs x 2.
    assert conv["args"]["flops"] == 4 * 8 * 28 * 28 * 9 * 2
    model.close()


def test_mlang_profiling_api(mlp_lib: Path, tmp_path: Path) -> None:
    with mlang.load(mlp_lib) as model:
        model.enable_profiling()
        model(np.ones((2, 784), np.float32))
        model.write_profile(tmp_path / "p.json")
        events = json.loads((tmp_path / "p.json").read_text())["traceEvents"]
        matmuls = [e for e in events if e["name"].startswith("matmul #")]
        assert [e["args"]["flops"] for e in matmuls] == [2 * 2 * 784 * 128, 2 * 2 * 128 * 10]
        model.enable_profiling(False)
        try:
            model.write_profile(tmp_path / "q.json")
        except mlang.MccError as e:
            assert "not enabled" in str(e)
        else:
            raise AssertionError("write_profile without profiling must fail")
