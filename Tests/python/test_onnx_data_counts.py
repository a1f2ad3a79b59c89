"""ONNX NonZero and Compress (ONNX issue #4): result sizes from count_nonzero value symbols,
compiled with mcc (static and --force-dynamic) and compared with onnxruntime."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import helper  # noqa: E402

from test_onnx_import_ops import RNG, check, model, run_mcc  # noqa: E402


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_])
def test_nonzero(mcc: Path, tmp_path: Path, dtype) -> None:
    x = (RNG.integers(-2, 3, (3, 4, 5)) * RNG.integers(0, 2, (3, 4, 5))).astype(dtype)
    m = model([helper.make_node("NonZero", ["x"], ["y"])], {"x": x}, ["y"], types={"y": (np.int64, (3, "n"))})
    # numpy's nonzero is ONNX's (onnxruntime lacks some of these types).
    check(mcc, tmp_path, m, {"x": x}, expected=[np.array(np.nonzero(x), np.int64)])


def test_nonzero_counts_per_call(mcc: Path, tmp_path: Path) -> None:
    """One library serves inputs with different counts, including none and all."""
    x = np.zeros((4, 6), np.float32)
    m = model([helper.make_node("NonZero", ["x"], ["y"])], {"x": x}, ["y"], types={"y": (np.int64, (2, "n"))})
    for data in (x, np.ones_like(x), RNG.standard_normal(x.shape).astype(np.float32) * (RNG.random(x.shape) < 0.3),
                 np.full(x.shape, np.nan, np.float32)):
        (got,) = run_mcc(mcc, m, {"x": data}, tmp_path, dynamic=False)
        np.testing.assert_array_equal(got, np.array(np.nonzero(data), np.int64))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_compress(mcc: Path, tmp_path: Path, axis) -> None:
    x = RNG.standard_normal((4, 5, 3)).astype(np.float32)
    length = x.size if axis is None else x.shape[axis]
    cond = RNG.random(length - 1) < 0.5   # shorter than the axis: the rest is dropped
    attrs = {} if axis is None else {"axis": axis}
    m = model([helper.make_node("Compress", ["x", "c"], ["y"], **attrs)], {"x": x, "c": cond}, ["y"],
              types={"y": (np.float32, ("n",) if axis is None else tuple("n" if d == axis % 3 else x.shape[d] for d in range(3)))})
    check(mcc, tmp_path, m, {"x": x, "c": cond})


def test_compress_constant_condition_folds(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    c = helper.make_tensor("c", onnx.TensorProto.BOOL, [4], [True, False, True, True])
    m = model([helper.make_node("Constant", [], ["c"], value=c), helper.make_node("Compress", ["x", "c"], ["y"], axis=1)],
              {"x": x}, ["y"])
    check(mcc, tmp_path, m, {"x": x})


def test_nonzero_of_a_computed_tensor_is_a_clear_error(mcc: Path, tmp_path: Path) -> None:
    x = np.zeros((2, 3), np.float32)
    m = model([helper.make_node("Relu", ["x"], ["r"]), helper.make_node("NonZero", ["r"], ["y"])], {"x": x}, ["y"],
              types={"y": (np.int64, (2, "n"))})
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    proc = subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "m.so")], capture_output=True)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "NonZero's input is computed inside the graph" in err and "at node" in err


def test_compress_condition_longer_than_axis_is_rejected(mcc: Path, tmp_path: Path) -> None:
    mlang = pytest.importorskip("mlang")
    x = np.zeros((2, 3), np.float32)
    m = model([helper.make_node("Compress", ["x", "c"], ["y"], axis=1)], {"x": x, "c": np.ones(4, np.bool_)}, ["y"],
              types={"y": (np.float32, (2, "n"))})
    with pytest.raises(mlang.MccError, match="condition is longer than the input along the axis"):
        run_mcc(mcc, m, {"x": x, "c": np.ones(4, np.bool_)}, tmp_path, dynamic=True)


def nms_model(boxes, scores, extra: dict, center: int, names):
    return model([helper.make_node("NonMaxSuppression", ["boxes", "scores"] + names, ["y"], center_point_box=center)],
                 {"boxes": boxes, "scores": scores, **extra}, ["y"], opset=11, types={"y": (np.int64, ("n", 3))})


@pytest.mark.parametrize("center", [0, 1])
@pytest.mark.parametrize("score_threshold", [None, 0.3])
def test_non_max_suppression(mcc: Path, tmp_path: Path, center: int, score_threshold) -> None:
    # Clustered boxes (many overlaps), flipped corners for the corner format, 2 batches x 3 classes.
    centers = RNG.uniform(0, 4, (2, 12, 2)).astype(np.float32)
    sizes = RNG.uniform(0.5, 2, (2, 12, 2)).astype(np.float32)
    if center:
        boxes = np.concatenate([centers, sizes], axis=2)
    else:
        boxes = np.concatenate([centers - sizes / 2, centers + sizes / 2], axis=2)[..., [1, 0, 3, 2]]
        boxes[:, ::3] = boxes[:, ::3][..., [2, 3, 0, 1]]   # flipped corners
    scores = RNG.random((2, 3, 12)).astype(np.float32)
    extra = {"max": np.array([4], np.int64), "iou": np.array([0.4], np.float32)}
    names = ["max", "iou"]
    if score_threshold is not None:
        extra["score"] = np.array([score_threshold], np.float32)
        names.append("score")
    m = nms_model(boxes, scores, extra, center, names)
    check(mcc, tmp_path, m, {"boxes": boxes, "scores": scores, **extra})


def test_non_max_suppression_counts_per_call(mcc: Path, tmp_path: Path) -> None:
    """The count follows the data: max per class and thresholds read at run time, zero selections too."""
    from test_onnx_import_ops import reference
    boxes = RNG.uniform(0, 3, (1, 10, 4)).astype(np.float32)
    scores = RNG.random((1, 2, 10)).astype(np.float32)
    extra = {"max": np.array([3], np.int64), "iou": np.array([0.5], np.float32), "score": np.array([0.1], np.float32)}
    m = nms_model(boxes, scores, extra, 0, ["max", "iou", "score"])
    for mx, iou, score in [(3, 0.5, 0.1), (10, 0.0, 0.0), (0, 0.5, 0.0), (5, 1.0, 2.0), (1, 0.3, 0.5)]:
        inputs = {"boxes": boxes, "scores": scores, "max": np.array([mx], np.int64), "iou": np.array([iou], np.float32),
                  "score": np.array([score], np.float32)}
        (got,) = run_mcc(mcc, m, inputs, tmp_path, dynamic=False)
        (want,) = reference(m, inputs)
        np.testing.assert_array_equal(got, want)


def test_non_max_suppression_of_computed_boxes_is_a_clear_error(mcc: Path, tmp_path: Path) -> None:
    boxes = np.zeros((1, 3, 4), np.float32)
    scores = np.zeros((1, 1, 3), np.float32)
    m = model([helper.make_node("Abs", ["boxes"], ["b"]), helper.make_node("NonMaxSuppression", ["b", "scores"], ["y"])],
              {"boxes": boxes, "scores": scores}, ["y"], opset=11, types={"y": (np.int64, ("n", 3))})
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    proc = subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "m.so")], capture_output=True)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "NonMaxSuppression of boxes or scores computed inside the graph" in err and "at node" in err


def unique_reference(x: np.ndarray, axis, sorted_: int) -> list[np.ndarray]:
    """ONNX Unique from numpy: np.unique is sorted; first-seen order reorders by first index."""
    y, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    inverse = inverse.reshape(-1)
    if not sorted_:
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        y, first, counts, inverse = np.take(y, order, axis=0 if axis is None else axis), first[order], counts[order], rank[inverse]
    return [y, first.astype(np.int64), inverse.astype(np.int64), counts.astype(np.int64)]


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("sorted_", [1, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.int32, np.uint8])
def test_unique(mcc: Path, tmp_path: Path, axis, sorted_: int, dtype) -> None:
    # Few distinct values, so slices repeat along every axis.
    x = RNG.integers(0, 2, (4, 6, 3)).astype(dtype)
    x[1] = x[3]
    x[:, 4] = x[:, 0]
    attrs = {"sorted": sorted_} | ({} if axis is None else {"axis": axis})
    m = model([helper.make_node("Unique", ["x"], ["y", "first", "inverse", "counts"], **attrs)], {"x": x},
              ["y", "first", "inverse", "counts"],
              types={"y": (dtype, ("u",) if axis is None else tuple("u" if d == axis % 3 else x.shape[d] for d in range(3))),
                     "first": (np.int64, ("u",)), "inverse": (np.int64, ("l",)), "counts": (np.int64, ("u",))})
    check(mcc, tmp_path, m, {"x": x}, expected=unique_reference(x, axis, sorted_))


def test_unique_two_outputs_and_counts_per_call(mcc: Path, tmp_path: Path) -> None:
    x = np.array([3, 1, 3, 2, 1], np.int64)
    m = model([helper.make_node("Unique", ["x"], ["y", "first"], sorted=0)], {"x": x}, ["y", "first"],
              types={"y": (np.int64, ("u",)), "first": (np.int64, ("u",))})
    for data in (x, np.zeros(5, np.int64), np.arange(5, dtype=np.int64)[::-1].copy()):
        got = run_mcc(mcc, m, {"x": data}, tmp_path, dynamic=False)
        want = unique_reference(data, None, 0)[:2]
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
