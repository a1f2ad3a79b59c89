"""ONNX import of the ops added for conformance: each small model is compiled with mcc (static and
--force-dynamic) and compared with onnxruntime, or with a numpy reference where onnxruntime has no
kernel (the ai.onnx.preview.training optimizers)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402

RNG = np.random.default_rng(7)
NP_TO_ONNX = {np.dtype(k): v for k, v in {
    np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE, np.float16: TensorProto.FLOAT16,
    np.int64: TensorProto.INT64, np.int32: TensorProto.INT32, np.int16: TensorProto.INT16, np.uint8: TensorProto.UINT8,
    np.uint16: TensorProto.UINT16, np.uint32: TensorProto.UINT32, np.uint64: TensorProto.UINT64, np.bool_: TensorProto.BOOL,
}.items()}


def model(nodes, inputs: dict[str, np.ndarray], outputs: list[str], opset: int = 17, domains=(), like=None,
          types=None) -> onnx.ModelProto:
    """A model of `nodes`; output types come from ONNX shape inference, or `like` (output -> input name)."""
    graph = helper.make_graph(nodes, "m",
                              [helper.make_tensor_value_info(k, NP_TO_ONNX[v.dtype], list(v.shape)) for k, v in inputs.items()],
                              [helper.make_empty_tensor_value_info(o) for o in outputs])
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(graph, opset_imports=opsets, ir_version=8)
    inferred = {v.name: v for v in onnx.shape_inference.infer_shapes(m).graph.value_info}
    inferred.update({v.name: v for v in m.graph.input})
    for o, (dtype, shape) in (types or {}).items():
        inferred[o] = helper.make_tensor_value_info(o, NP_TO_ONNX[np.dtype(dtype)], list(shape))
    for i, o in enumerate(outputs):
        source = inferred.get(o) or inferred[like[o]]
        info = onnx.ValueInfoProto()
        info.CopyFrom(source)
        info.name = o
        m.graph.output[i].CopyFrom(info)
    return m


def run_mcc(mcc: Path, m: onnx.ModelProto, inputs: dict[str, np.ndarray], tmp: Path, dynamic: bool) -> list[np.ndarray]:
    path = tmp / "m.onnx"
    onnx.save(m, str(path))
    lib = tmp / f"libm{'_dyn' if dynamic else ''}.so"
    proc = subprocess.run([str(mcc), str(path), "-o", str(lib)] + (["--force-dynamic"] if dynamic else []), capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    with mlang.load(lib) as compiled:
        got = compiled.run(**inputs)
        return [np.asarray(got[o.name]) for o in m.graph.output]


def reference(m: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    ort = pytest.importorskip("onnxruntime")
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, inputs)


def check(mcc: Path, tmp_path: Path, m: onnx.ModelProto, inputs: dict[str, np.ndarray], expected=None, rtol=1e-5, atol=1e-6) -> None:
    expected = expected if expected is not None else reference(m, inputs)
    for dynamic in (False, True):
        for got, want in zip(run_mcc(mcc, m, inputs, tmp_path, dynamic), expected):
            assert got.dtype == want.dtype and got.shape == want.shape, (dynamic, got.dtype, got.shape, want.dtype, want.shape)
            np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=atol)


@pytest.mark.parametrize("upper", [0, 1])
def test_trilu_with_run_time_k(mcc: Path, tmp_path: Path, upper: int) -> None:
    x = RNG.standard_normal((2, 4, 5)).astype(np.float32)
    m = model([helper.make_node("Trilu", ["x", "k"], ["y"], upper=upper)], {"x": x, "k": np.array(0, np.int64)}, ["y"])
    for k in (-2, 0, 3):
        check(mcc, tmp_path, m, {"x": x, "k": np.array(k, np.int64)})


@pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.uint32, np.uint64])
def test_narrow_and_unsigned_integers(mcc: Path, tmp_path: Path, dtype) -> None:
    info = np.iinfo(dtype)
    a = RNG.integers(max(info.min, -1000), min(info.max, 60000), (3, 4)).astype(dtype)
    b = RNG.integers(1, 200, (4,)).astype(dtype)
    m = model([helper.make_node("Max", ["a", "b"], ["hi"]), helper.make_node("Mod", ["a", "b"], ["r"]),
               helper.make_node("Div", ["a", "b"], ["q"])], {"a": a, "b": b}, ["hi", "r", "q"])
    # onnxruntime lacks some of these kernels: numpy semantics (Mod takes the divisor's sign, Div truncates).
    wide_a, wide_b = a.astype(np.float64), b.astype(np.float64)
    quotient = (np.trunc(wide_a / wide_b)).astype(dtype)
    check(mcc, tmp_path, m, {"a": a, "b": b}, expected=[np.maximum(a, b), np.mod(a, b).astype(dtype), quotient])


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
def test_bitshift(mcc: Path, tmp_path: Path, direction: str) -> None:
    x = np.array([16, 4, 1, 255, 7], np.uint32)
    y = np.array([1, 2, 3, 4, 40], np.uint32)   # a shift past the width gives 0
    m = model([helper.make_node("BitShift", ["x", "y"], ["z"], direction=direction)], {"x": x, "y": y}, ["z"])
    want = (x.astype(np.uint64) << y.astype(np.uint64) if direction == "LEFT" else x >> np.minimum(y, 31) * (y < 32))
    want = np.where(y >= 32, 0, want).astype(np.uint32)
    check(mcc, tmp_path, m, {"x": x, "y": y}, expected=[want])


def test_f64_to_f16_rounds_once(mcc: Path, tmp_path: Path) -> None:
    # Halfway cases between f16 neighbours, nudged so that a detour through f32 would round twice.
    x = np.array([1 + 2**-11 + 2**-40, 1 + 2**-11 - 2**-40, 0.1, -65504.0, 1e-7, 70000.0], np.float64)
    m = model([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT16)], {"x": x}, ["y"])
    check(mcc, tmp_path, m, {"x": x}, expected=[x.astype(np.float16)], rtol=0, atol=0)


@pytest.mark.parametrize("reduction", ["none", "add"])
def test_scatter_elements(mcc: Path, tmp_path: Path, reduction: str) -> None:
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    idx = np.array([[1, -1], [0, 2], [3, 0]], np.int64)
    upd = RNG.standard_normal((3, 2)).astype(np.float32)
    m = model([helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], axis=1, reduction=reduction)],
              {"x": x, "i": idx, "u": upd}, ["y"])
    check(mcc, tmp_path, m, {"x": x, "i": idx, "u": upd})


def test_scatter_nd_and_gather_nd(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    idx = np.array([[0, 1], [3, -1]], np.int64)
    upd = RNG.standard_normal((2, 2)).astype(np.float32)
    bidx = np.array([[[1]], [[0]], [[2]], [[1]]], np.int64)
    m = model([helper.make_node("ScatterND", ["x", "i", "u"], ["s"], reduction="add"),
               helper.make_node("GatherND", ["x", "i"], ["g"]),
               helper.make_node("GatherND", ["x", "b"], ["gb"], batch_dims=1)],
              {"x": x, "i": idx, "u": upd, "b": bidx}, ["s", "g", "gb"])
    check(mcc, tmp_path, m, {"x": x, "i": idx, "u": upd, "b": bidx})


@pytest.mark.parametrize("equation,shapes", [
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij->ji", [(3, 4)]), ("i,i", [(5,), (5,)]),
    ("...ii->...i", [(2, 3, 3)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("bij->b", [(2, 3, 4)]),
])
def test_einsum(mcc: Path, tmp_path: Path, equation: str, shapes) -> None:
    inputs = {f"x{i}": RNG.standard_normal(s).astype(np.float32) for i, s in enumerate(shapes)}
    m = model([helper.make_node("Einsum", list(inputs), ["y"], equation=equation)], inputs, ["y"])
    check(mcc, tmp_path, m, inputs, expected=[np.einsum(equation, *inputs.values()).astype(np.float32)], rtol=1e-4, atol=1e-5)


def test_reverse_sequence_with_run_time_lengths(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    lens = np.array([4, 1, 3], np.int64)
    m = model([helper.make_node("ReverseSequence", ["x", "l"], ["y"], time_axis=0, batch_axis=1)], {"x": x, "l": lens}, ["y"])
    check(mcc, tmp_path, m, {"x": x, "l": lens})


def test_lrn_mvn_det(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((2, 5, 3, 3)).astype(np.float32)
    s = RNG.standard_normal((3, 3, 3)).astype(np.float32)
    m = model([helper.make_node("LRN", ["x"], ["lrn"], size=3, alpha=0.2, beta=0.6, bias=1.5),
               helper.make_node("MeanVarianceNormalization", ["x"], ["mvn"]),
               helper.make_node("Det", ["s"], ["det"])],
              {"x": x, "s": s}, ["lrn", "mvn", "det"], types={"det": (np.float32, (3,)), "lrn": (np.float32, x.shape), "mvn": (np.float32, x.shape)})
    check(mcc, tmp_path, m, {"x": x, "s": s}, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("inverse,onesided", [(0, 1), (1, 0)])
def test_dft(mcc: Path, tmp_path: Path, inverse: int, onesided: int) -> None:
    sig = RNG.standard_normal((2, 8, 2)).astype(np.float32)
    complex_sig = sig[..., 0] + 1j * sig[..., 1]
    want = np.fft.ifft(complex_sig, axis=1) if inverse else np.fft.fft(complex_sig, axis=1)[:, : 8 // 2 + 1]
    want = np.stack([want.real, want.imag], axis=-1).astype(np.float32)
    m = model([helper.make_node("DFT", ["sig"], ["dft"], axis=1, onesided=onesided, inverse=inverse)], {"sig": sig}, ["dft"],
              types={"dft": (np.float32, want.shape)})
    check(mcc, tmp_path, m, {"sig": sig}, expected=[want], rtol=1e-4, atol=1e-5)


def test_quantization_ops(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    q = RNG.integers(0, 255, (2, 3, 4)).astype(np.uint8)
    scale = np.array([0.1, 0.2, 0.05], np.float32)
    m = model([helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "ys", "yz"]),
               helper.make_node("DequantizeLinear", ["q", "scale"], ["dq"], axis=1)],
              {"x": x, "q": q, "scale": scale}, ["y", "ys", "yz", "dq"])
    check(mcc, tmp_path, m, {"x": x, "q": q, "scale": scale})


def test_batch_major_gru_and_dropout_mask(mcc: Path, tmp_path: Path) -> None:
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)   # [batch, seq, input]
    w = RNG.standard_normal((1, 15, 4)).astype(np.float32)
    r = RNG.standard_normal((1, 15, 5)).astype(np.float32)
    m = model([helper.make_node("GRU", ["x", "w", "r"], ["y", "yh"], hidden_size=5, layout=1),
               helper.make_node("Dropout", ["x"], ["d", "mask"])],
              {"x": x, "w": w, "r": r}, ["y", "yh", "d", "mask"])
    # onnxruntime has no batch-major GRU: the seq-major model on transposed data is the reference.
    seq_major = model([helper.make_node("GRU", ["x", "w", "r"], ["y", "yh"], hidden_size=5)],
                      {"x": x.transpose(1, 0, 2), "w": w, "r": r}, ["y", "yh"])
    y, yh = reference(seq_major, {"x": np.ascontiguousarray(x.transpose(1, 0, 2)), "w": w, "r": r})
    expected = [y.transpose(2, 0, 1, 3), yh.transpose(1, 0, 2), x, np.ones(x.shape, bool)]
    check(mcc, tmp_path, m, {"x": x, "w": w, "r": r}, expected=expected, rtol=1e-4, atol=1e-5)


def test_uint8_max_pool(mcc: Path, tmp_path: Path) -> None:
    x = RNG.integers(0, 255, (1, 2, 5, 5)).astype(np.uint8)
    m = model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])], {"x": x}, ["y"])
    check(mcc, tmp_path, m, {"x": x})


def test_adagrad_follows_its_onnx_definition(mcc: Path, tmp_path: Path) -> None:
    r, t = np.array(0.1, np.float32), np.array(3, np.int64)
    x, g, h = (RNG.standard_normal(4).astype(np.float32) for _ in range(3))
    h = np.abs(h)
    m = model([helper.make_node("Adagrad", ["r", "t", "x", "g", "h"], ["x_new", "h_new"], domain="ai.onnx.preview.training",
                                decay_factor=0.1, epsilon=1e-5, norm_coefficient=0.01)],
              {"r": r, "t": t, "x": x, "g": g, "h": h}, ["x_new", "h_new"], domains=["ai.onnx.preview.training"],
              like={"x_new": "x", "h_new": "h"})
    rate = r / (1 + t * 0.1)
    gr = 0.01 * x + g
    h_new = h + gr * gr
    x_new = x - rate * gr / (np.sqrt(h_new) + 1e-5)
    check(mcc, tmp_path, m, {"r": r, "t": t, "x": x, "g": g, "h": h}, expected=[x_new.astype(np.float32), h_new.astype(np.float32)], rtol=1e-5)


@pytest.mark.parametrize("noop", [0, 1])
def test_reduce_sum_with_an_empty_run_time_axes_tensor(mcc: Path, tmp_path: Path, noop: int) -> None:
    x = RNG.standard_normal((3, 2, 2)).astype(np.float32)
    axes = np.zeros((0,), np.int64)
    m = model([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=1, noop_with_empty_axes=noop)],
              {"x": x, "axes": axes}, ["y"], opset=13, types={"y": (np.float32, x.shape if noop else (1, 1, 1))})
    check(mcc, tmp_path, m, {"x": x, "axes": axes}, expected=[x if noop else x.sum(keepdims=True)], rtol=1e-5)


def test_run_time_shape_inputs(mcc: Path, tmp_path: Path) -> None:
    """A graph input deciding a shape becomes value symbols (test_value_symbols.py has the details);
    one computed inside the graph (beyond scalar arithmetic on inputs) is a clear diagnostic."""
    x = RNG.standard_normal((2, 6)).astype(np.float32)
    m = model([helper.make_node("Reshape", ["x", "shape"], ["y"])], {"x": x, "shape": np.array([3, 4], np.int64)}, ["y"],
              types={"y": (np.float32, (3, 4))})
    got = run_mcc(mcc, m, {"x": x, "shape": np.array([3, 4], np.int64)}, tmp_path, dynamic=False)
    np.testing.assert_array_equal(got[0], x.reshape(3, 4))
    m = model([helper.make_node("Abs", ["shape"], ["s"]), helper.make_node("Reshape", ["x", "s"], ["y"])],
              {"x": x, "shape": np.array([3, 4], np.int64)}, ["y"], types={"y": (np.float32, (3, 4))})
    onnx.save(m, str(tmp_path / "m2.onnx"))
    proc = subprocess.run([str(mcc), str(tmp_path / "m2.onnx"), "-o", str(tmp_path / "libm2.so")], capture_output=True)
    assert proc.returncode == 1
    assert "input #1 ('s') decides shapes but is computed inside the graph" in proc.stderr.decode()
