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


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [0, 1])
def test_grid_sample(mcc: Path, tmp_path: Path, mode: str, padding_mode: str, align_corners: int) -> None:
    x = RNG.standard_normal((2, 3, 5, 4)).astype(np.float32)
    # Points well outside [-1, 1] exercise the padding rule, including several reflections.
    grid = RNG.uniform(-3.5, 3.5, (2, 6, 7, 2)).astype(np.float32)
    m = model([helper.make_node("GridSample", ["x", "grid"], ["y"], mode=mode, padding_mode=padding_mode,
                                align_corners=align_corners)], {"x": x, "grid": grid}, ["y"], opset=16)
    check(mcc, tmp_path, m, {"x": x, "grid": grid}, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", ["avg", "max"])
@pytest.mark.parametrize("coordinate", ["half_pixel", "output_half_pixel"])
@pytest.mark.parametrize("sampling_ratio", [0, 2])
def test_roi_align(mcc: Path, tmp_path: Path, mode: str, coordinate: str, sampling_ratio: int) -> None:
    x = RNG.standard_normal((2, 3, 9, 11)).astype(np.float32)
    # Boxes partly outside the image, one smaller than a pixel, one large (adaptive sampling grid).
    rois = np.array([[0, 0, 8, 7], [-2, 1, 4.5, 3.2], [5, 5, 5.4, 5.3], [1, 0.5, 20, 12]], np.float32)
    batch = np.array([0, 1, 1, 0], np.int64)
    m = model([helper.make_node("RoiAlign", ["x", "rois", "batch"], ["y"], mode=mode, coordinate_transformation_mode=coordinate,
                                output_height=3, output_width=4, sampling_ratio=sampling_ratio, spatial_scale=0.5)],
              {"x": x, "rois": rois, "batch": batch}, ["y"], opset=16)
    check(mcc, tmp_path, m, {"x": x, "rois": rois, "batch": batch}, rtol=1e-4, atol=1e-5)


def test_grid_sample_rejects_bad_mode(mcc: Path, tmp_path: Path) -> None:
    import subprocess
    import onnx
    x = np.zeros((1, 1, 2, 2), np.float32)
    grid = np.zeros((1, 1, 1, 2), np.float32)
    m = model([helper.make_node("GridSample", ["x", "grid"], ["y"], mode="area")], {"x": x, "grid": grid}, ["y"],
              opset=16, types={"y": (np.float32, (1, 1, 1, 1))})
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    proc = subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "m.so")], capture_output=True)
    assert proc.returncode == 1
    assert "GridSample mode 'area'" in proc.stderr.decode() and "at node" in proc.stderr.decode()


@pytest.mark.parametrize("mode", ["TF", "IDF", "TFIDF"])
@pytest.mark.parametrize("grams,skip", [((1, 1), 0), ((1, 3), 2), ((2, 3), 1), ((2, 2), 4)])
@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_tfidf_vectorizer(mcc: Path, tmp_path: Path, mode: str, grams, skip: int, dtype) -> None:
    x = RNG.integers(0, 5, (3, 9)).astype(dtype)
    # 4 unigrams, 5 bigrams, 3 trigrams, in permuted columns (weights are per column, as in onnxruntime).
    pool = [0, 2, 3, 4] + [0, 1, 1, 1, 2, 3, 3, 0, 4, 4] + [0, 1, 2, 1, 1, 1, 4, 0, 4]
    indexes = [5, 0, 10, 3, 7, 1, 2, 9, 11, 4, 6, 8]
    weights = RNG.uniform(0.5, 2.0, 12).astype(np.float32).tolist()
    node = helper.make_node("TfIdfVectorizer", ["x"], ["y"], mode=mode, min_gram_length=grams[0], max_gram_length=grams[1],
                            max_skip_count=skip, ngram_counts=[0, 4, 14], ngram_indexes=indexes, pool_int64s=pool,
                            weights=weights)
    m = model([node], {"x": x}, ["y"], opset=9, types={"y": (np.float32, (3, 12))})
    check(mcc, tmp_path, m, {"x": x})
    row = x[1]
    m1 = model([node], {"x": row}, ["y"], opset=9, types={"y": (np.float32, (12,))})
    (tmp_path / "row").mkdir()   # a fresh library path: the loader caches by path
    check(mcc, tmp_path / "row", m1, {"x": row})


def test_training_dropout_run_time_ratio(mcc: Path, tmp_path: Path) -> None:
    from test_onnx_import_ops import run_mcc
    x = RNG.standard_normal((4, 50)).astype(np.float32) + 3   # no zeros, so kept elements are visible
    inputs = {"x": x, "r": np.array(0.0, np.float32), "t": np.array(True)}
    m = model([helper.make_node("Dropout", ["x", "r", "t"], ["y", "mask"], seed=3)], inputs, ["y", "mask"], opset=13)
    # Ratio 0 or training_mode false: exactly x and an all-true mask (as onnxruntime).
    check(mcc, tmp_path, m, inputs)
    check(mcc, tmp_path, m, {**inputs, "r": np.array(0.75, np.float32), "t": np.array(False)})
    for dynamic in (False, True):
        y, mask = run_mcc(mcc, m, {**inputs, "r": np.array(0.75, np.float32)}, tmp_path, dynamic)
        assert mask.dtype == np.bool_
        np.testing.assert_allclose(y[mask], x[mask] * 4, rtol=1e-6)   # kept: scaled by 1 / (1 - 0.75)
        assert (y[~mask] == 0).all()
        assert 0.1 < mask.mean() < 0.4   # 200 draws at keep probability 0.25 (fixed seed: deterministic)


@pytest.mark.parametrize("reduction", ["mul", "max", "min", "add"])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_scatter_reductions(mcc: Path, tmp_path: Path, reduction: str, dtype) -> None:
    data = RNG.integers(-5, 6, (4, 5)).astype(dtype)
    idx = np.array([[1, 0, 3], [2, 2, -1]], np.int64)   # repeated and negative indices
    upd = RNG.integers(-3, 4, (2, 3)).astype(dtype)
    m = model([helper.make_node("ScatterElements", ["data", "idx", "upd"], ["y"], axis=1, reduction=reduction)],
              {"data": data, "idx": idx, "upd": upd}, ["y"], opset=18)
    check(mcc, tmp_path, m, {"data": data, "idx": idx, "upd": upd})
    nd_idx = np.array([[0], [2], [0]], np.int64)
    nd_upd = RNG.integers(-3, 4, (3, 5)).astype(dtype)
    m = model([helper.make_node("ScatterND", ["data", "idx", "upd"], ["y"], reduction=reduction)],
              {"data": data, "idx": nd_idx, "upd": nd_upd}, ["y"], opset=18)
    (tmp_path / "nd").mkdir()
    check(mcc, tmp_path / "nd", m, {"data": data, "idx": nd_idx, "upd": nd_upd})


def test_batchnorm_training_mode(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((3, 4, 2, 5)).astype(np.float32) * 2 + 1
    s, b = RNG.standard_normal(4).astype(np.float32), RNG.standard_normal(4).astype(np.float32)
    mean, var = RNG.standard_normal(4).astype(np.float32), RNG.uniform(0.5, 2, 4).astype(np.float32)
    inputs = {"x": x, "s": s, "b": b, "mean": mean, "var": var}
    m = model([helper.make_node("BatchNormalization", ["x", "s", "b", "mean", "var"], ["y", "rm", "rv"], epsilon=1e-3,
                                momentum=0.8, training_mode=1)], inputs, ["y", "rm", "rv"], opset=15,
              types={"y": (np.float32, x.shape), "rm": (np.float32, (4,)), "rv": (np.float32, (4,))})
    bm, bv = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))   # population variance, as the ONNX reference
    c = (1, 4, 1, 1)
    y = (x - bm.reshape(c)) / np.sqrt(bv.reshape(c) + 1e-3) * s.reshape(c) + b.reshape(c)
    check(mcc, tmp_path, m, inputs, expected=[y, mean * 0.8 + bm * 0.2, var * 0.8 + bv * 0.2], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("storage_order", [0, 1])
@pytest.mark.parametrize("pads,strides,dilations", [([0, 0, 0, 0], [2, 2], [1, 1]), ([1, 1, 2, 0], [1, 2], [1, 1]),
                                                     ([1, 1, 1, 1], [2, 1], [2, 2])])
def test_maxpool_indices(mcc: Path, tmp_path: Path, storage_order: int, pads, strides, dilations) -> None:
    x = RNG.integers(0, 6, (2, 3, 7, 6)).astype(np.float32)   # many ties: the first maximum wins
    m = model([helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=[3, 2], pads=pads, strides=strides,
                                dilations=dilations, storage_order=storage_order)], {"x": x}, ["y", "i"], opset=12)
    check(mcc, tmp_path, m, {"x": x})


@pytest.mark.parametrize("attrs", [{}, {"strides": [2, 1, 2], "pads": [1, 0, 1, 0, 1, 1], "output_padding": [1, 0, 1]},
                                   {"dilations": [2, 1, 1], "strides": [3, 2, 1]}, {"group": 2}])
def test_conv_transpose_3d(mcc: Path, tmp_path: Path, attrs) -> None:
    x = RNG.standard_normal((2, 2, 3, 4, 5)).astype(np.float32)
    w = RNG.standard_normal((2, 3 if "group" not in attrs else 2, 3, 2, 3)).astype(np.float32)
    b = RNG.standard_normal(w.shape[1] * attrs.get("group", 1)).astype(np.float32)
    m = model([helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], **attrs)], {"x": x, "w": w, "b": b}, ["y"], opset=11)
    check(mcc, tmp_path, m, {"x": x, "w": w, "b": b}, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("output_shape", [[10, 8], [9, 7], [8, 6], [11, 8]])
def test_conv_transpose_output_shape(mcc: Path, tmp_path: Path, output_shape) -> None:
    # The natural output is 9 x 7: larger shapes extend with zeros at the end, smaller ones pad.
    x = RNG.standard_normal((1, 2, 3, 3)).astype(np.float32)
    w = RNG.standard_normal((2, 2, 3, 3)).astype(np.float32)
    m = model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[3, 2], output_shape=output_shape)],
              {"x": x, "w": w}, ["y"], opset=11)
    check(mcc, tmp_path, m, {"x": x, "w": w}, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_recurrent_run_time_sequence_lens(mcc: Path, tmp_path: Path, kind: str, direction: str) -> None:
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    dirs, hidden, seq, batch, size = (2 if direction == "bidirectional" else 1), 3, 4, 3, 2
    inputs = {"x": RNG.standard_normal((seq, batch, size)).astype(np.float32),
              "w": RNG.standard_normal((dirs, gates * hidden, size)).astype(np.float32),
              "r": RNG.standard_normal((dirs, gates * hidden, hidden)).astype(np.float32),
              "b": RNG.standard_normal((dirs, 2 * gates * hidden)).astype(np.float32),
              "lens": np.array([3, 1, 4], np.int32),
              "h0": RNG.standard_normal((dirs, batch, hidden)).astype(np.float32)}
    names = ["x", "w", "r", "b", "lens", "h0"]
    outputs = ["y", "y_h"]
    if kind == "LSTM":
        inputs["c0"] = RNG.standard_normal((dirs, batch, hidden)).astype(np.float32)
        inputs["p"] = RNG.standard_normal((dirs, 3 * hidden)).astype(np.float32)
        names += ["c0", "p"]
        outputs.append("y_c")
    m = model([helper.make_node(kind, names, outputs, hidden_size=hidden, direction=direction)], inputs, outputs, opset=14)
    check(mcc, tmp_path, m, inputs, rtol=1e-4, atol=1e-5)


def bf16_bits(x: np.ndarray) -> np.ndarray:
    """f32 -> bf16 bits, rounding to nearest even (onnxruntime's Cast); NaN stays a quiet NaN."""
    b = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)
    return np.where(np.isnan(x), ((b >> 16) | 0x40).astype(np.uint16), rounded)


def test_cast_bfloat16(mcc: Path, tmp_path: Path) -> None:
    from test_onnx_import_ops import run_mcc
    x = np.concatenate([RNG.standard_normal(20).astype(np.float32) * 100,
                        np.array([0.48033667, 0.49968487, 1 + 2**-8, 1 + 3 * 2**-8, -0.0, np.inf, -np.inf, np.nan, 3.4e38],
                                 np.float32)])
    m = model([helper.make_node("Cast", ["x"], ["b"], to=16), helper.make_node("Cast", ["b"], ["y"], to=1),
               helper.make_node("Cast", ["b"], ["i"], to=7)], {"x": x}, ["b", "y", "i"], opset=13,
              types={"b": (np.uint16, x.shape), "i": (np.int64, x.shape)})
    m.graph.output[0].type.tensor_type.elem_type = 16
    for dynamic in (False, True):
        b, y, i = run_mcc(mcc, m, {"x": x}, tmp_path, dynamic)
        assert b.dtype.kind == "V" and b.dtype.itemsize == 2   # bf16 comes back as raw bits
        np.testing.assert_array_equal(b.view(np.uint16), bf16_bits(x))
        np.testing.assert_array_equal(y, (bf16_bits(x).astype(np.uint32) << 16).view(np.float32))
        finite = np.isfinite(y) & (np.abs(y) < 2**62)
        np.testing.assert_array_equal(i[finite], y[finite].astype(np.int64))
    # onnxruntime agrees on the f32 -> bf16 -> f32 round trip.
    rt = model([helper.make_node("Cast", ["x"], ["b"], to=16), helper.make_node("Cast", ["b"], ["y"], to=1)], {"x": x}, ["y"],
               opset=13, types={"y": (np.float32, x.shape)})
    (tmp_path / "rt").mkdir()
    check(mcc, tmp_path / "rt", rt, {"x": x}, rtol=0, atol=0)


def test_bfloat16_arithmetic_is_a_clear_error(mcc: Path, tmp_path: Path) -> None:
    import subprocess
    import onnx
    x = np.zeros(4, np.float32)
    m = model([helper.make_node("Cast", ["x"], ["b"], to=16), helper.make_node("Add", ["b", "b"], ["s"]),
               helper.make_node("Cast", ["s"], ["y"], to=1)], {"x": x}, ["y"], opset=13, types={"y": (np.float32, (4,))})
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    proc = subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "m.so")], capture_output=True)
    assert proc.returncode == 1
    assert "'add' on bf16 tensors" in proc.stderr.decode()
