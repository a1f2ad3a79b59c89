"""ONNX LSTM imported as lstm_sequence (one kernel per direction: the time loop inside, one pool
task per step) against onnxruntime: batch 1 and > 1, every direction, sequence_lens, peepholes,
clip, initial states, hidden sizes on and off the GEMM's 32-column panels, 1 and 2 threads; the
unrolled form (MCC_UNROLL_RECURRENT=1, non-default activations) as the reference and fallback;
the IR the importer emits."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402

RNG = np.random.default_rng(11)


def lstm_model(seq: int, batch: int, size: int, hidden: int, direction: str = "forward", lens: list[int] | None = None,
               peepholes: bool = True, initial: bool = True, **attrs) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """One LSTM node with constant weights (as exported models have them); x (and h0, c0) are inputs."""
    dirs = 2 if direction == "bidirectional" else 1
    consts = {"w": (RNG.standard_normal((dirs, 4 * hidden, size)) * 0.4).astype(np.float32),
              "r": (RNG.standard_normal((dirs, 4 * hidden, hidden)) * (0.8 / hidden ** 0.5)).astype(np.float32),
              "b": (RNG.standard_normal((dirs, 8 * hidden)) * 0.4).astype(np.float32)}
    inputs = {"x": RNG.standard_normal((seq, batch, size)).astype(np.float32)}
    names = ["x", "w", "r", "b", "", "", "", ""]
    if lens:
        consts["lens"] = np.array(lens, np.int32)
        names[4] = "lens"
    if initial:
        inputs["h0"] = RNG.standard_normal((dirs, batch, hidden)).astype(np.float32)
        inputs["c0"] = RNG.standard_normal((dirs, batch, hidden)).astype(np.float32)
        names[5], names[6] = "h0", "c0"
    if peepholes:
        consts["p"] = (RNG.standard_normal((dirs, 3 * hidden)) * 0.5).astype(np.float32)
        names[7] = "p"
    while names[-1] == "":
        names.pop()
    node = helper.make_node("LSTM", names, ["y", "y_h", "y_c"], hidden_size=hidden, direction=direction, **attrs)
    hs = [dirs, batch, hidden]
    graph = helper.make_graph(
        [node], "lstm",
        [helper.make_tensor_value_info(k, onnx.TensorProto.FLOAT, list(v.shape)) for k, v in inputs.items()],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [seq, dirs, batch, hidden]),
         helper.make_tensor_value_info("y_h", onnx.TensorProto.FLOAT, hs),
         helper.make_tensor_value_info("y_c", onnx.TensorProto.FLOAT, hs)],
        [numpy_helper.from_array(v, k) for k, v in consts.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], ir_version=8), inputs


def compile_model(mcc: Path, m: onnx.ModelProto, tmp: Path, name: str = "lstm", unroll: bool = False,
                  extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    path = tmp / f"{name}.onnx"
    onnx.save(m, str(path))
    env = dict(os.environ)
    env.pop("MCC_UNROLL_RECURRENT", None)
    if unroll:
        env["MCC_UNROLL_RECURRENT"] = "1"
    out = ["-o", str(tmp / f"lib{name}.so")] if not extra else []
    proc = subprocess.run([str(mcc), str(path), *out, *extra], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc


def run(lib: Path, inputs: dict[str, np.ndarray], threads: int) -> list[np.ndarray]:
    with mlang.load(lib) as model:
        model.set_num_threads(threads)
        got = model.run(**inputs)
        return [np.asarray(got[k]) for k in ("y", "y_h", "y_c")]


def reference(m: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    ort = pytest.importorskip("onnxruntime")
    return ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, inputs)


def check(mcc: Path, tmp: Path, m: onnx.ModelProto, inputs: dict[str, np.ndarray], threads=(1, 2)) -> None:
    compile_model(mcc, m, tmp)
    want = reference(m, inputs)
    for n in threads:
        for got, w in zip(run(tmp / "liblstm.so", inputs, n), want):
            assert got.shape == w.shape
            np.testing.assert_allclose(got, w, rtol=1e-4, atol=2e-5, err_msg=f"{n} threads")


# hidden 64 and 128: whole 32-column panels (the compile-time packed r); 5 and 48: partial panels
# (r packed per call; 48 splits 32 + 16 units). Batch < 4 runs the GEMV (20: a 16-unit chunk and
# a scalar tail), batch >= 4 the GEMM; from batch 8 the parts split batch rows for the whole
# sequence (9 rows: 5 + 4), below it the hidden units of each step. Batch and hidden are large enough in most cases that
# 2 threads split every step (batch x 4h x h >= 32K MACs).
@pytest.mark.parametrize("seq,batch,size,hidden,direction,lens", [
    (5, 1, 3, 64, "forward", None),
    (4, 1, 8, 128, "reverse", None),
    (6, 4, 3, 5, "forward", None),
    (5, 2, 3, 20, "forward", None),
    (5, 8, 6, 48, "bidirectional", None),
    (7, 5, 4, 64, "bidirectional", [7, 3, 1, 6, 5]),
    (6, 3, 4, 32, "reverse", [2, 6, 4]),
    (5, 9, 3, 20, "reverse", [5, 1, 2, 3, 4, 5, 4, 3, 2]),
    (4, 16, 5, 64, "forward", None),
])
def test_matches_onnxruntime(mcc: Path, tmp_path: Path, seq, batch, size, hidden, direction, lens) -> None:
    m, inputs = lstm_model(seq, batch, size, hidden, direction, lens)
    check(mcc, tmp_path, m, inputs)


@pytest.mark.parametrize("peepholes,initial", [(False, False), (True, False), (False, True)])
def test_optional_inputs(mcc: Path, tmp_path: Path, peepholes: bool, initial: bool) -> None:
    m, inputs = lstm_model(4, 3, 5, 32, "bidirectional", peepholes=peepholes, initial=initial)
    check(mcc, tmp_path, m, inputs)


def test_clip(mcc: Path, tmp_path: Path) -> None:
    # Large weights so that the clip bounds most gate pre-activations (it is applied after the peepholes).
    m, inputs = lstm_model(5, 4, 6, 32, "bidirectional", lens=[5, 2, 4, 1], clip=0.3)
    inputs["x"] *= 4
    check(mcc, tmp_path, m, inputs)


def test_unrolled_form_agrees(mcc: Path, tmp_path: Path) -> None:
    # MCC_UNROLL_RECURRENT=1 keeps the per-step matmul + elementwise form (the differentiable one).
    m, inputs = lstm_model(6, 3, 4, 32, "bidirectional", lens=[6, 1, 3])
    compile_model(mcc, m, tmp_path, name="fused")
    compile_model(mcc, m, tmp_path, name="unrolled", unroll=True)
    for a, b in zip(run(tmp_path / "libfused.so", inputs, 2), run(tmp_path / "libunrolled.so", inputs, 1)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_cell_math_matches_the_general_functions(mcc: Path, tmp_path: Path) -> None:
    # The fused cell's lean sigmoid and rational tanh (MathFunctions.swift) against the unrolled
    # form's general ones, from saturated gates (x30: past tanh's +-7.9 clamp and large exp
    # arguments) to small inputs; batch 9 runs the GEMM and the row split.
    m, inputs = lstm_model(6, 9, 4, 32, "forward")
    compile_model(mcc, m, tmp_path, name="fused")
    compile_model(mcc, m, tmp_path, name="unrolled", unroll=True)
    # atol: one f32 ulp of the scaled states (c near 30 cancels to small values at that error).
    for scale, atol in ((30.0, 2e-6), (1e-3, 1e-7)):
        scaled = {k: (v * scale).astype(np.float32) for k, v in inputs.items()}
        for a, b in zip(run(tmp_path / "libfused.so", scaled, 1), run(tmp_path / "libunrolled.so", scaled, 1)):
            assert np.isfinite(a).all()
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=atol, err_msg=f"scale {scale}")


def mir(mcc: Path, m: onnx.ModelProto, tmp: Path, unroll: bool = False) -> str:
    return compile_model(mcc, m, tmp, name="ir", unroll=unroll, extra=("--emit=mir",)).stdout


def test_importer_emits_one_op_per_direction(mcc: Path, tmp_path: Path) -> None:
    m, _ = lstm_model(5, 2, 3, 8, "bidirectional", lens=[5, 3], clip=2.0)
    text = mir(mcc, m, tmp_path)
    ops = re.findall(r"= lstm_sequence (.*)$", text, re.M)
    assert len(ops) == 2, text
    # xw (the projection), r^T, h0, c0, p, lens -> [seq + 2, b, h]: Y, then the final h and c.
    for line, direction in zip(ops, ("forward", "reverse")):
        pattern = r'(%\d+, ){5}%\d+ \{clip = 2\.0, direction = "' + direction + r'", peepholes = 1\} : f32\[7, 2, 8\]'
        assert re.fullmatch(pattern, line.strip()), line
    assert len(re.findall(r"= matmul ", text)) == 2, text   # the projections only: no per-step matmul
    unrolled = mir(mcc, m, tmp_path, unroll=True)
    assert "lstm_sequence" not in unrolled and len(re.findall(r"= matmul ", unrolled)) == 2 + 2 * 5, unrolled


def test_non_default_activations_unroll(mcc: Path, tmp_path: Path) -> None:
    m, inputs = lstm_model(4, 2, 3, 6, "forward", activations=["HardSigmoid", "Tanh", "Softsign"])
    assert "lstm_sequence" not in mir(mcc, m, tmp_path)
    check(mcc, tmp_path, m, inputs, threads=(1,))


def test_export_round_trip(mcc: Path, tmp_path: Path) -> None:
    # mcc's ONNX export writes lstm_sequence as one LSTM node over the projection (W = I); onnxruntime
    # runs the exported model to the original's outputs.
    m, inputs = lstm_model(5, 3, 4, 16, "bidirectional", lens=[5, 2, 4], clip=1.5)
    compile_model(mcc, m, tmp_path, extra=("--emit=onnx", "-o", str(tmp_path / "exported.onnx")))
    exported = onnx.load(str(tmp_path / "exported.onnx"))
    assert [n.op_type for n in exported.graph.node].count("LSTM") == 2
    for got, want in zip(reference(exported, inputs), reference(m, inputs)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_training_build_keeps_the_unrolled_form(mcc: Path, tmp_path: Path) -> None:
    """lstm_sequence has no gradient rule: `--train-loss` imports the differentiable unrolled form."""
    path = tmp_path / "lstm.onnx"
    onnx.save(lstm_model(4, 2, 3, 5)[0], str(path))
    text = subprocess.run([str(mcc), str(path), "--train-loss", "mse", "--emit=mir"], check=True,
                          capture_output=True, text=True).stdout
    assert "lstm_sequence" not in text and "@lstm.train" in text, text[:2000]
