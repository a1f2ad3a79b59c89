"""Import of already-quantized ONNX (MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv):
mcc's libraries must give exactly ONNX Runtime's integers (`==`), on small generated models
whose scales make many products land on .5 boundaries and saturate."""
from __future__ import annotations

import subprocess
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402

U8, I8, I32, F32 = TensorProto.UINT8, TensorProto.INT8, TensorProto.INT32, TensorProto.FLOAT


@pytest.fixture(scope="module")
def ort() -> ModuleType:
    try:
        import onnxruntime
    except ImportError as e:
        pytest.fail(f"onnxruntime cannot be imported ({e}): run scripts/install-deps.sh", pytrace=False)
    return onnxruntime


def check(mcc: Path, ort: ModuleType, tmp: Path, name: str, nodes: list, inputs: dict[str, tuple[int, np.ndarray]],
          output: tuple[str, int, list[int]], initializers: dict[str, np.ndarray]) -> np.ndarray:
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(k, t, list(v.shape)) for k, (t, v) in inputs.items()],
        [helper.make_tensor_value_info(output[0], output[1], output[2])],
        [numpy_helper.from_array(v, k) for k, v in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.checker.check_model(model)
    path = tmp / f"{name}.onnx"
    onnx.save(model, str(path))
    feeds = {k: v for k, (_, v) in inputs.items()}
    expected = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
    lib = tmp / f"lib{name}.so"
    proc = subprocess.run([str(mcc), str(path), "-o", str(lib)], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    with mlang.load(lib) as m:
        got = list(m.run(*feeds.values()).values())[0]
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    return got


def test_matmul_integer_u8_u8_with_zero_points(mcc: Path, ort: ModuleType, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (5, 37), dtype=np.uint8)
    b = rng.integers(0, 256, (37, 11), dtype=np.uint8)
    got = check(mcc, ort, tmp_path, "mmi", [helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"])],
                {"a": (U8, a)}, ("y", I32, [5, 11]), {"b": b, "az": np.array(128, np.uint8), "bz": np.array(7, np.uint8)})
    assert np.abs(got).max() > 1000


def test_matmul_integer_i8_weights_per_column_zero_point(mcc: Path, ort: ModuleType, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (4, 16), dtype=np.uint8)
    b = rng.integers(-128, 128, (16, 6), dtype=np.int8)
    check(mcc, ort, tmp_path, "mmi_pc", [helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"])],
          {"a": (U8, a)}, ("y", I32, [4, 6]),
          {"b": b, "az": np.array(3, np.uint8), "bz": rng.integers(-5, 5, 6, dtype=np.int8)})


def test_qlinear_matmul_rounds_half_to_even_and_saturates(mcc: Path, ort: ModuleType, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, (6, 24), dtype=np.uint8)
    b = rng.integers(0, 256, (24, 9), dtype=np.uint8)
    # a_scale * b_scale / y_scale = 0.5 exactly: every odd accumulator is a tie.
    inits = {"b": b, "as": np.array(0.25, np.float32), "az": np.array(120, np.uint8), "bs": np.array(0.5, np.float32),
             "bz": np.array(130, np.uint8), "ys": np.array(0.25, np.float32), "yz": np.array(128, np.uint8)}
    got = check(mcc, ort, tmp_path, "qlmm",
                [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])],
                {"a": (U8, a)}, ("y", U8, [6, 9]), inits)
    assert (got == 0).any() or (got == 255).any()


def test_qlinear_matmul_i8_output(mcc: Path, ort: ModuleType, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(-128, 128, (3, 20), dtype=np.int8)
    b = rng.integers(-128, 128, (20, 5), dtype=np.int8)
    inits = {"b": b, "as": np.array(0.02, np.float32), "az": np.array(-3, np.int8), "bs": np.array(0.013, np.float32),
             "bz": np.array(0, np.int8), "ys": np.array(0.37, np.float32), "yz": np.array(5, np.int8)}
    check(mcc, ort, tmp_path, "qlmm_i8",
          [helper.make_node("QLinearMatMul", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], ["y"])],
          {"a": (I8, a)}, ("y", I8, [3, 5]), inits)


def test_conv_integer(mcc: Path, ort: ModuleType, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, (2, 3, 7, 7), dtype=np.uint8)
    w = rng.integers(0, 256, (4, 3, 3, 3), dtype=np.uint8)
    check(mcc, ort, tmp_path, "convi",
          [helper.make_node("ConvInteger", ["x", "w", "xz", "wz"], ["y"], pads=[1, 1, 1, 1], strides=[2, 2])],
          {"x": (U8, x)}, ("y", I32, [2, 4, 4, 4]), {"w": w, "xz": np.array(100, np.uint8), "wz": np.array(9, np.uint8)})


def test_qlinear_conv_per_channel_with_bias(mcc: Path, ort: ModuleType, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(0, 256, (1, 3, 6, 6), dtype=np.uint8)
    w = rng.integers(-128, 128, (5, 3, 3, 3), dtype=np.int8)
    inits = {"xs": np.array(0.05, np.float32), "xz": np.array(128, np.uint8), "w": w,
             "ws": rng.uniform(0.001, 0.01, 5).astype(np.float32), "wz": np.zeros(5, np.int8),
             "ys": np.array(0.1, np.float32), "yz": np.array(100, np.uint8),
             "bias": rng.integers(-2000, 2000, 5, dtype=np.int32)}
    check(mcc, ort, tmp_path, "qlconv",
          [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "bias"], ["y"], pads=[1, 1, 1, 1])],
          {"x": (U8, x)}, ("y", U8, [1, 5, 6, 6]), inits)
