"""ONNX Resize in cubic mode and with tf_crop_and_resize (ONNX issue #4): compiled with mcc (static
and --force-dynamic) and compared with the onnx reference implementation (the spec's formulas)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from test_onnx_import_ops import RNG, check, model  # noqa: E402


def spec(m, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [np.asarray(v) for v in ReferenceEvaluator(m).run(None, inputs)]


def resize_model(x: np.ndarray, data: dict[str, np.ndarray], shape, **attrs):
    """Resize(x, roi, scales, sizes) with the given inputs as graph inputs (run-time data) or absent."""
    names = [n if n in data else "" for n in ("roi", "scales", "sizes")]
    while names and not names[-1]:
        names.pop()
    return model([helper.make_node("Resize", ["x"] + names, ["y"], **attrs)], {"x": x, **data}, ["y"], opset=19,
                 types={"y": (x.dtype, shape)})


@pytest.mark.parametrize("coordinate", ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"])
@pytest.mark.parametrize("a,exclude", [(-0.75, 0), (-0.5, 1)])
@pytest.mark.parametrize("scales", [(1, 1, 1.7, 0.6), (1, 2, 0.8, 2.5)])
def test_resize_cubic_scales(mcc: Path, tmp_path: Path, coordinate: str, a: float, exclude: int, scales) -> None:
    x = RNG.standard_normal((2, 3, 5, 6)).astype(np.float32)
    s = np.array(scales, np.float32)
    shape = [int(np.floor(d * k)) for d, k in zip(x.shape, s)]
    attrs = dict(mode="cubic", coordinate_transformation_mode=coordinate, cubic_coeff_a=a, exclude_outside=exclude)
    const = model([helper.make_node("Constant", [], ["s"], value=onnx.numpy_helper.from_array(s, "s")),
                   helper.make_node("Resize", ["x", "", "s"], ["y"], **attrs)], {"x": x}, ["y"], opset=19,
                  types={"y": (np.float32, shape)})
    check(mcc, tmp_path, const, {"x": x}, expected=spec(const, {"x": x}), rtol=1e-4, atol=1e-5)
    # Scales as data: the output dims are value symbols, the kernel reads the scales.
    m = resize_model(x, {"scales": s}, shape, **attrs)
    (tmp_path / "data").mkdir()   # a fresh library path: the loader keeps the first one open
    check(mcc, tmp_path / "data", m, {"x": x, "scales": s}, expected=spec(m, {"x": x, "scales": s}), rtol=1e-4, atol=1e-5)


def test_resize_cubic_sizes_and_ints(mcc: Path, tmp_path: Path) -> None:
    x = RNG.integers(-100, 100, (1, 1, 4, 7)).astype(np.int32)
    sizes = np.array([1, 1, 9, 3], np.int64)

    def build(dtype):
        return model([helper.make_node("Constant", [], ["n"], value=onnx.numpy_helper.from_array(sizes, "n")),
                      helper.make_node("Resize", ["x", "", "", "n"], ["y"], mode="cubic")], {"x": x.astype(dtype)}, ["y"],
                     opset=19, types={"y": (dtype, [int(v) for v in sizes])})
    # Integer results are the float ones rounded to nearest (as onnxruntime does).
    want = np.rint(spec(build(np.float64), {"x": x.astype(np.float64)})[0]).astype(np.int32)
    check(mcc, tmp_path, build(np.int32), {"x": x}, expected=[want], rtol=0, atol=0)


@pytest.mark.parametrize("mode", ["linear", "nearest", "cubic"])
@pytest.mark.parametrize("roi", [(0, 0, 0.2, -0.3, 1, 1, 0.9, 1.4), (0, 0.5, 0.4, 0.1, 1, 1, 0.7, 0.6)])
def test_resize_tf_crop_and_resize(mcc: Path, tmp_path: Path, mode: str, roi) -> None:
    x = RNG.standard_normal((1, 2, 6, 5)).astype(np.float32)
    sizes = np.array([1, 2, 4, 7], np.int64)
    attrs = dict(mode=mode, coordinate_transformation_mode="tf_crop_and_resize", extrapolation_value=7.5)
    r = np.array(roi, np.float32)
    # roi as data (the kernel reads it) and as a constant (an attribute of the op).
    m = resize_model(x, {"roi": r, "sizes": sizes}, [int(v) for v in sizes], **attrs)
    check(mcc, tmp_path, m, {"x": x, "roi": r, "sizes": sizes}, expected=spec(m, {"x": x, "roi": r, "sizes": sizes}),
          rtol=1e-4, atol=1e-5)
    const = model([helper.make_node("Constant", [], ["r"], value=onnx.numpy_helper.from_array(r, "r")),
                   helper.make_node("Constant", [], ["n"], value=onnx.numpy_helper.from_array(sizes, "n")),
                   helper.make_node("Resize", ["x", "r", "", "n"], ["y"], **attrs)], {"x": x}, ["y"], opset=19,
                  types={"y": (np.float32, [int(v) for v in sizes])})
    want = spec(const, {"x": x})
    (tmp_path / "const").mkdir()   # a fresh library path: the loader keeps the first one open
    assert (want[0] == 7.5).any() == (min(roi) < 0 or max(roi) > 1), "outputs extrapolate where the roi leaves the input"
    check(mcc, tmp_path / "const", const, {"x": x}, expected=want, rtol=1e-4, atol=1e-5)


def compile_error(mcc: Path, tmp_path: Path, m) -> str:
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    proc = subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "m.so")], capture_output=True)
    assert proc.returncode == 1, proc.stderr.decode()
    return proc.stderr.decode()


def test_resize_bad_inputs_are_clear_errors(mcc: Path, tmp_path: Path) -> None:
    x = np.zeros((1, 1, 2, 2), np.float32)
    sizes = np.array([1, 1, 3, 3], np.int64)
    n = helper.make_node("Constant", [], ["n"], value=onnx.numpy_helper.from_array(sizes, "n"))
    # tf_crop_and_resize without a roi.
    m = model([n, helper.make_node("Resize", ["x", "", "", "n"], ["y"], coordinate_transformation_mode="tf_crop_and_resize")],
              {"x": x}, ["y"], opset=19, types={"y": (np.float32, (1, 1, 3, 3))})
    err = compile_error(mcc, tmp_path, m)
    assert "tf_crop_and_resize needs the roi input" in err and "at node" in err
    # A roi of the wrong length.
    r = helper.make_node("Constant", [], ["r"], value=onnx.numpy_helper.from_array(np.zeros(6, np.float32), "r"))
    m = model([n, r, helper.make_node("Resize", ["x", "r", "", "n"], ["y"], coordinate_transformation_mode="tf_crop_and_resize")],
              {"x": x}, ["y"], opset=19, types={"y": (np.float32, (1, 1, 3, 3))})
    assert "needs 8 entries" in compile_error(mcc, tmp_path, m)
    # An unknown mode.
    m = model([n, helper.make_node("Resize", ["x", "", "", "n"], ["y"], mode="area")], {"x": x}, ["y"], opset=19,
              types={"y": (np.float32, (1, 1, 3, 3))})
    assert "Resize mode 'area'" in compile_error(mcc, tmp_path, m)
