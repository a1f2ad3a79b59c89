"""ONNX STFT and MelWeightMatrix (ONNX issue #4): lengths given as data become value symbols;
compiled with mcc (static and --force-dynamic) and compared with the onnx reference implementation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from test_onnx_import_ops import RNG, check, model, run_mcc  # noqa: E402


def spec(m, inputs):
    return [np.asarray(v) for v in ReferenceEvaluator(m).run(None, inputs)]


@pytest.mark.parametrize("onesided,parts", [(1, 1), (0, 1), (0, 2)])
@pytest.mark.parametrize("window", [False, True])
def test_stft(mcc: Path, tmp_path: Path, onesided: int, parts: int, window: bool) -> None:
    signal = RNG.standard_normal((2, 40, parts)).astype(np.float32)
    step = np.array(3, np.int64)
    inputs = {"signal": signal, "step": step}
    names = ["signal", "step"]
    if window:
        inputs["window"] = np.hanning(10).astype(np.float32)
        names.append("window")
    else:
        inputs["length"] = np.array(10, np.int64)
        names += ["", "length"]
    m = model([helper.make_node("STFT", names, ["y"], onesided=onesided)], inputs, ["y"], opset=17,
              types={"y": (np.float32, (2, "f", "b", 2))})
    check(mcc, tmp_path, m, inputs, expected=spec(m, inputs), rtol=1e-4, atol=1e-4)


def test_stft_lengths_from_data(mcc: Path, tmp_path: Path) -> None:
    """One library serves several frame steps and lengths; bad ones are clear errors."""
    mlang = pytest.importorskip("mlang")
    signal = RNG.standard_normal((1, 32, 1)).astype(np.float32)
    m = model([helper.make_node("STFT", ["signal", "step", "", "length"], ["y"])],
              {"signal": signal, "step": np.array(1, np.int64), "length": np.array(4, np.int64)}, ["y"], opset=17,
              types={"y": (np.float32, (1, "f", "b", 2))})
    for step, length in [(1, 4), (5, 8), (7, 7), (2, 32)]:
        inputs = {"signal": signal, "step": np.array(step, np.int64), "length": np.array(length, np.int64)}
        (got,) = run_mcc(mcc, m, inputs, tmp_path, dynamic=False)
        (want,) = spec(m, inputs)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    for step, length, message in [(0, 4, "frame_step is not positive"), (1, 40, "frame length is not in")]:
        inputs = {"signal": signal, "step": np.array(step, np.int64), "length": np.array(length, np.int64)}
        with pytest.raises(mlang.MccError, match=message):
            run_mcc(mcc, m, inputs, tmp_path, dynamic=False)


def test_mel_weight_matrix(mcc: Path, tmp_path: Path) -> None:
    """Counts and edges from data: one library serves several settings (the onnx reference's rule)."""
    mlang = pytest.importorskip("mlang")
    base = {"mels": np.array(8, np.int64), "dft": np.array(16, np.int64), "rate": np.array(8192, np.int64),
            "low": np.array(0, np.float32), "high": np.array(4096, np.float32)}
    m = model([helper.make_node("MelWeightMatrix", list(base), ["y"])], base, ["y"], opset=17,
              types={"y": (np.float32, ("b", "m"))})
    settings = [(8, 16, 8192, 0, 4096), (20, 512, 16000, 20, 8000), (5, 64, 22050, 300, 3000), (40, 1024, 16000, 0, 8000)]
    for mels, dft, rate, low, high in settings:
        inputs = {"mels": np.array(mels, np.int64), "dft": np.array(dft, np.int64), "rate": np.array(rate, np.int64),
                  "low": np.array(low, np.float32), "high": np.array(high, np.float32)}
        (got,) = run_mcc(mcc, m, inputs, tmp_path, dynamic=False)
        (want,) = spec(m, inputs)
        assert got.shape == want.shape == (dft // 2 + 1, mels)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    with pytest.raises(mlang.MccError, match="num_mel_bins is not positive"):
        run_mcc(mcc, m, {**base, "mels": np.array(0, np.int64)}, tmp_path, dynamic=False)
