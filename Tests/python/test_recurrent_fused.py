"""ONNX LSTM/GRU/RNN with constant weights (as exported models have them) against onnxruntime,
and the shape of the compiled recurrence: one hoisted input-projection matmul, then one
lstm_sequence kernel (LSTM) or per step one recurrent matmul and the fused cell (GRU, RNN)."""
from __future__ import annotations

import ctypes
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

import mlang
from test_onnx_import_ops import RNG, check, run_mcc

GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def recurrent_model(kind: str, seq: int, batch: int, size: int, hidden: int, direction: str = "forward",
                    lens: list[int] | None = None, layout: int = 0, **attrs) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """A one-node model whose weights, biases (and lengths) are initializers; x and the initial state are inputs."""
    dirs, g = (2 if direction == "bidirectional" else 1), GATES[kind]
    consts = {"w": RNG.standard_normal((dirs, g * hidden, size)).astype(np.float32) * 0.5,
              "r": RNG.standard_normal((dirs, g * hidden, hidden)).astype(np.float32) * 0.5,
              "b": RNG.standard_normal((dirs, 2 * g * hidden)).astype(np.float32) * 0.5}
    xs = (batch, seq, size) if layout else (seq, batch, size)
    hs = (batch, dirs, hidden) if layout else (dirs, batch, hidden)
    inputs = {"x": RNG.standard_normal(xs).astype(np.float32), "h0": RNG.standard_normal(hs).astype(np.float32)}
    names = ["x", "w", "r", "b", "lens" if lens else "", "h0"]
    outputs = ["y", "y_h"]
    if lens:
        consts["lens"] = np.array(lens, np.int32)
    if kind == "LSTM":
        inputs["c0"] = RNG.standard_normal(hs).astype(np.float32)
        consts["p"] = RNG.standard_normal((dirs, 3 * hidden)).astype(np.float32) * 0.5
        names += ["c0", "p"]
        outputs.append("y_c")
    node = helper.make_node(kind, names, outputs, hidden_size=hidden, direction=direction, layout=layout, **attrs)
    ys = (batch, seq, dirs, hidden) if layout else (seq, dirs, batch, hidden)
    graph = helper.make_graph(
        [node], "rnn",
        [helper.make_tensor_value_info(k, onnx.TensorProto.FLOAT, list(v.shape)) for k, v in inputs.items()],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, list(ys)),
         helper.make_tensor_value_info("y_h", onnx.TensorProto.FLOAT, list(hs))]
        + ([helper.make_tensor_value_info("y_c", onnx.TensorProto.FLOAT, list(hs))] if kind == "LSTM" else []),
        [numpy_helper.from_array(v, k) for k, v in consts.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], ir_version=8), inputs


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("batch,direction,lens", [(1, "forward", None), (4, "forward", None), (3, "bidirectional", None),
                                                  (3, "reverse", [5, 2, 1]), (3, "bidirectional", [4, 5, 2])])
def test_constant_weights_match_onnxruntime(mcc: Path, tmp_path: Path, kind: str, batch: int, direction: str, lens) -> None:
    m, inputs = recurrent_model(kind, seq=5, batch=batch, size=3, hidden=4, direction=direction, lens=lens)
    check(mcc, tmp_path, m, inputs, rtol=1e-4, atol=1e-5)


def test_gru_linear_before_reset(mcc: Path, tmp_path: Path) -> None:
    m, inputs = recurrent_model("GRU", seq=4, batch=2, size=3, hidden=5, direction="bidirectional", linear_before_reset=1)
    check(mcc, tmp_path, m, inputs, rtol=1e-4, atol=1e-5)


def test_batch_major_lstm(mcc: Path, tmp_path: Path) -> None:
    # onnxruntime has no batch-major LSTM: the seq-major model on transposed data is the reference.
    m, inputs = recurrent_model("LSTM", seq=4, batch=3, size=2, hidden=3, layout=1)
    seq_major = onnx.ModelProto()
    seq_major.CopyFrom(m)
    for a in seq_major.graph.node[0].attribute:
        if a.name == "layout":
            a.i = 0
    for v, shape in zip(seq_major.graph.input, [(4, 3, 2), (1, 3, 3), (1, 3, 3)]):
        v.type.tensor_type.ClearField("shape")
        v.type.tensor_type.shape.dim.extend([onnx.TensorShapeProto.Dimension(dim_value=d) for d in shape])
    for v, shape in zip(seq_major.graph.output, [(4, 1, 3, 3), (1, 3, 3), (1, 3, 3)]):
        v.type.tensor_type.ClearField("shape")
        v.type.tensor_type.shape.dim.extend([onnx.TensorShapeProto.Dimension(dim_value=d) for d in shape])
    ort = pytest.importorskip("onnxruntime")
    sess = ort.InferenceSession(seq_major.SerializeToString(), providers=["CPUExecutionProvider"])
    y, yh, yc = sess.run(None, {"x": inputs["x"].transpose(1, 0, 2), "h0": inputs["h0"].transpose(1, 0, 2),
                                "c0": inputs["c0"].transpose(1, 0, 2)})
    expected = [y.transpose(2, 0, 1, 3), yh.transpose(1, 0, 2), yc.transpose(1, 0, 2)]
    check(mcc, tmp_path, m, inputs, expected=expected, rtol=1e-4, atol=1e-5)


def test_lstm_is_one_projection_and_one_sequence_kernel(mcc: Path, tmp_path: Path) -> None:
    seq = 6
    m, inputs = recurrent_model("LSTM", seq=seq, batch=3, size=4, hidden=8)
    run_mcc(mcc, m, inputs, tmp_path, dynamic=True)
    lib_path = tmp_path / "libm_dyn.so"
    lib = ctypes.CDLL(str(lib_path))
    lib.mcc_model_enable_profiling.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.mcc_model_write_profile.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    model = mlang.load(lib_path)
    raw = model._live_handle() if callable(getattr(model, "_live_handle", None)) else model._handle
    assert lib.mcc_model_enable_profiling(raw, 1) == 0
    model.run(**inputs)
    out = tmp_path / "profile.json"
    assert lib.mcc_model_write_profile(raw, str(out).encode()) == 0
    model.close()
    names = [e["name"].split(" #")[0] for e in json.loads(out.read_text())["traceEvents"]]
    # The hoisted input projection, then the whole recurrence in one lstm_sequence kernel (its
    # outputs are views of that kernel's result): no per-step matmul, slice or cell kernel.
    assert names.count("matmul") == 1 and names.count("lstm_sequence") == 1, names
    assert "slice" not in names and "fused" not in names, names
    assert len(names) <= 4, names


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_clip_unrolled(mcc: Path, tmp_path: Path, kind: str) -> None:
    # GRU and RNN stay unrolled: clip bounds each gate's pre-activation there too.
    m, inputs = recurrent_model(kind, seq=4, batch=2, size=3, hidden=5, direction="bidirectional", clip=0.4)
    inputs["x"] *= 3
    check(mcc, tmp_path, m, inputs, rtol=1e-4, atol=1e-5)
