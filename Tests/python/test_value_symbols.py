"""Value symbols: dims computed at run time from input *data* (docs/mir.md, "Value symbols").

The MIR golden file Tests/MIRTests/Inputs/roundtrip/value_symbols.mir is compiled and run
against numpy; bad shape data must come back through the C ABI as MCC_ERR_SHAPE_MISMATCH
with a message saying what was wrong, never a crash. ONNX models whose shape inputs are
graph inputs (Reshape, Slice, Resize, ...) go through the same mechanism.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

import mlang
from mlang import MccError, Status

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "Tests" / "MIRTests" / "Inputs" / "roundtrip" / "value_symbols.mir"
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.fixture(scope="module")
def lib(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vs") / "libvs.so"
    proc = subprocess.run([str(mcc), str(GOLDEN), "-o", str(out)], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    return out


def inputs(**over: np.ndarray) -> dict[str, np.ndarray]:
    base = dict(x=X, shape=np.array([-1, 6]), starts=np.array([-3]), pads=np.array([1, 2]),
                scales=np.array([2, 0.5], dtype=np.float32), k=np.array([2]), axes=np.array([-2]))
    base.update(over)
    return base


def test_values_decide_shapes_and_kernels(lib: Path) -> None:
    with mlang.load(lib) as m:
        out = m(**inputs())
        np.testing.assert_array_equal(out["r"], X.reshape(4, 6))
        np.testing.assert_array_equal(out["s"], X[:, :, -3:])
        np.testing.assert_array_equal(out["p"], np.pad(X, [(0, 0), (0, 0), (1, 2)]))
        np.testing.assert_array_equal(out["z"], X[0][np.arange(6) // 2][:, np.arange(2) * 2])
        np.testing.assert_array_equal(out["t"], -np.sort(-X, axis=-1)[:, :, :2])
        np.testing.assert_array_equal(out["u"], X.sum(axis=1, keepdims=True))
        # Other data, other shapes, same library (and the workspace resized for them).
        out = m(**inputs(shape=np.array([3, 8]), starts=np.array([9]), pads=np.array([0, 0]), k=np.array([4]),
                         axes=np.array([0]), scales=np.array([1, 1], dtype=np.float32)))
        assert out["r"].shape == (3, 8) and out["s"].shape == (2, 3, 0) and out["p"].shape == (2, 3, 4)
        np.testing.assert_array_equal(out["u"], X.sum(axis=0, keepdims=True))


@pytest.mark.parametrize("bad, message", [
    (dict(shape=np.array([5, 5])), "does not have 24 elements"),
    (dict(shape=np.array([0, 6])), "does not have 24 elements"),
    (dict(axes=np.array([3])), "axes: out of range"),
    (dict(k=np.array([5])), "k: out of range"),
    (dict(scales=np.array([np.inf, 1], dtype=np.float32)), "value symbol 'z0'"),
])
def test_bad_shape_data_is_a_clear_error(lib: Path, bad: dict[str, np.ndarray], message: str) -> None:
    with mlang.load(lib) as m:
        good = m(**inputs())["r"]
        with pytest.raises(MccError) as e:
            m(**inputs(**bad))
        assert e.value.status == Status.SHAPE_MISMATCH
        assert message in e.value.message, e.value.message
        # A rejected run leaves the previous outputs intact and the instance usable.
        np.testing.assert_array_equal(m(**inputs())["r"], good)


def test_absurd_size_is_rejected(lib: Path) -> None:
    with mlang.load(lib) as m, pytest.raises(MccError) as e:
        m(**inputs(pads=np.array([1 << 45, 0])))
    assert e.value.status in (Status.SHAPE_MISMATCH, Status.OUT_OF_MEMORY)


onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper  # noqa: E402


def compile_onnx(mcc: Path, tmp: Path, nodes, ins, outs, dynamic: bool = False) -> Path:
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, t, s) for n, t, s in ins],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, [f"{o}{i}" for i in range(3)]) for o in outs])
    path = tmp / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))
    lib = tmp / f"libm{int(dynamic)}.so"
    proc = subprocess.run([str(mcc), str(path), "-o", str(lib)] + (["--force-dynamic"] if dynamic else []), capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    return lib


@pytest.mark.parametrize("dynamic", [False, True])
def test_onnx_reshape_with_shape_input(mcc: Path, tmp_path: Path, dynamic: bool) -> None:
    lib = compile_onnx(mcc, tmp_path, [helper.make_node("Reshape", ["x", "shape"], ["y"])],
                       [("x", TensorProto.FLOAT, [2, 3, 4]), ("shape", TensorProto.INT64, [3])], ["y"], dynamic)
    with mlang.load(lib) as m:
        for shape in ([0, -1, 2], [4, 3, 2], [-1, 1, 1]):
            np.testing.assert_array_equal(m(x=X, shape=np.array(shape))["y"],
                                          X.reshape([X.shape[i] if v == 0 else v for i, v in enumerate(shape)]))
        for shape, message in (([5, 5, 1], "does not have the input's 24 elements"), ([-1, -1, 2], "more than one -1"),
                               ([-3, 4, 2], "negative")):
            with pytest.raises(MccError) as e:
                m(x=X, shape=np.array(shape))
            assert e.value.status == Status.SHAPE_MISMATCH
            assert "Reshape node 'y'" in e.value.message and message in e.value.message, e.value.message


@pytest.mark.parametrize("dynamic", [False, True])
def test_onnx_slice_clamps_like_onnx(mcc: Path, tmp_path: Path, dynamic: bool) -> None:
    lib = compile_onnx(mcc, tmp_path, [helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
                       [("x", TensorProto.FLOAT, [2, 3, 4])] + [(n, TensorProto.INT64, [2]) for n in ("starts", "ends", "axes", "steps")],
                       ["y"], dynamic)
    big = np.iinfo(np.int64).max
    cases = [([0, -1], [2, -big], [1, 2], [1, -1]), ([-10, 1], [big, 100], [2, 1], [2, 1]), ([5, 0], [7, 3], [0, -1], [1, 1]),
             ([3, 2], [-big, -big], [-1, 1], [-2, -1])]
    with mlang.load(lib) as m:
        for starts, ends, axes, steps in cases:
            index = [slice(None)] * 3
            for s, e, a, st in zip(starts, ends, axes, steps):
                index[a] = slice(s, None if e in (big, -big) else e, st)
            got = m(x=X, starts=np.array(starts), ends=np.array(ends), axes=np.array(axes), steps=np.array(steps))["y"]
            np.testing.assert_array_equal(got, X[tuple(index)], err_msg=str((starts, ends, axes, steps)))
        with pytest.raises(MccError) as e:
            m(x=X, starts=np.array([0, 0]), ends=np.array([1, 1]), axes=np.array([0, 0]), steps=np.array([1, 1]))
        assert "name the same axis" in e.value.message
        with pytest.raises(MccError) as e:
            m(x=X, starts=np.array([0, 0]), ends=np.array([1, 1]), axes=np.array([0, 1]), steps=np.array([1, 0]))
        assert "steps entry 1 is 0" in e.value.message


def test_reshape_without_a_check_still_cannot_read_past_its_input(mcc: Path, tmp_path: Path) -> None:
    """Hand-written MIR may forget the element-count check: the runtime compares the counts itself."""
    source = tmp_path / "n.mir"
    source.write_text("""module @n

func @N(%x: f32[2, 3, 4], %shape: i64[2]) -> (y: f32[r0, r1]) {
  symbol r0 = %shape[0]
  symbol r1 = %shape[1]
  %0 = reshape %x : f32[r0, r1]
  %1 = relu %0 : f32[r0, r1]
  return %1
}
""")
    lib = tmp_path / "libn.so"
    proc = subprocess.run([str(mcc), str(source), "-o", str(lib)], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    with mlang.load(lib) as m:
        np.testing.assert_array_equal(m(x=X, shape=np.array([4, 6]))["y"], X.reshape(4, 6))
        with pytest.raises(MccError) as e:
            m(x=X, shape=np.array([400, 600]))
        assert e.value.status == Status.SHAPE_MISMATCH
        assert "operation #0 (a reshape to dims from input data) changes the element count" in e.value.message
