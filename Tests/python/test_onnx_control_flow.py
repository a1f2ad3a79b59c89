"""ONNX control flow, sequences and Gradient: small models built with onnx.helper, compiled with
mcc (static and --force-dynamic) and compared with numpy; unsupported forms must be rejected with
a diagnostic that names the node and the reason."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402

RNG = np.random.default_rng(11)
F = TensorProto.FLOAT


def vi(name: str, elem=F, shape=None):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name: str, value) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(value), name))


def build(nodes, inputs, outputs, opset: int = 17, domains=(), check: bool = True) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "m", inputs, outputs)
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(graph, opset_imports=opsets, ir_version=8)
    onnx.checker.check_model(m, full_check=False) if check else None
    return m


def compile_model(mcc: Path, m: onnx.ModelProto, tmp: Path, dynamic: bool = False) -> subprocess.CompletedProcess[bytes]:
    path = tmp / "m.onnx"
    onnx.save(m, str(path))
    lib = tmp / f"libm{'_dyn' if dynamic else ''}.so"
    return subprocess.run([str(mcc), str(path), "-o", str(lib)] + (["--force-dynamic"] if dynamic else []),
                          capture_output=True)


def check(mcc: Path, tmp: Path, m: onnx.ModelProto, inputs: dict[str, np.ndarray], expected: list[np.ndarray]) -> None:
    for dynamic in (False, True):
        proc = compile_model(mcc, m, tmp, dynamic)
        assert proc.returncode == 0, proc.stderr.decode()
        with mlang.load(tmp / f"libm{'_dyn' if dynamic else ''}.so") as compiled:
            got = compiled.run(**inputs)
            for o, want in zip(m.graph.output, expected):
                g = np.asarray(got[o.name])
                assert g.shape == want.shape, (dynamic, o.name, g.shape, want.shape)
                np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6, err_msg=f"{o.name} dynamic={dynamic}")


def rejected(mcc: Path, tmp: Path, m: onnx.ModelProto, *fragments: str) -> None:
    proc = compile_model(mcc, m, tmp)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    for f in fragments:
        assert f in err, err


# MARK: If

def test_if_with_run_time_condition_selects_between_both_branches(mcc: Path, tmp_path: Path) -> None:
    # The branches read the outer values x and c (ONNX scoping) and each defines its own names.
    then_g = helper.make_graph([helper.make_node("Add", ["x", "c"], ["t"])], "then", [], [vi("t", F, [2, 3])])
    else_g = helper.make_graph([helper.make_node("Mul", ["x", "x"], ["t"]), helper.make_node("Neg", ["t"], ["e"])],
                               "else", [], [vi("e", F, [2, 3])])
    m = build([const("c", np.float32(1.5)),
               helper.make_node("If", ["cond"], ["y"], name="pick", then_branch=then_g, else_branch=else_g),
               helper.make_node("Relu", ["y"], ["z"])],
              [vi("cond", TensorProto.BOOL, []), vi("x", F, [2, 3])], [vi("z", F, [2, 3])])
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    for cond in (True, False):
        want = np.maximum(x + 1.5 if cond else -(x * x), 0)
        check(mcc, tmp_path, m, {"cond": np.array(cond), "x": x}, [want])


def test_if_with_constant_condition_imports_only_the_taken_branch(mcc: Path, tmp_path: Path) -> None:
    # The untaken branch returns a sequence, which the run-time form could not select.
    taken = helper.make_graph([helper.make_node("Sigmoid", ["x"], ["s"])], "taken", [], [vi("s", F, [4])])
    other = helper.make_graph([helper.make_node("SequenceConstruct", ["x"], ["q"]),
                               helper.make_node("ConcatFromSequence", ["q"], ["s2"], axis=0)],
                              "other", [], [vi("s2", F, [4])])
    m = build([const("flag", np.array(False)),
               helper.make_node("If", ["flag"], ["y"], else_branch=taken, then_branch=other)],
              [vi("x", F, [4])], [vi("y", F, [4])])
    x = RNG.standard_normal(4).astype(np.float32)
    check(mcc, tmp_path, m, {"x": x}, [1 / (1 + np.exp(-x))])


def test_if_with_branches_of_different_shapes_is_rejected(mcc: Path, tmp_path: Path) -> None:
    then_g = helper.make_graph([helper.make_node("Identity", ["x"], ["a"])], "then", [], [vi("a", F, [2, 3])])
    else_g = helper.make_graph([helper.make_node("ReduceSum", ["x"], ["b"], keepdims=0)], "else", [], [vi("b", F, [])])
    m = build([helper.make_node("If", ["cond"], ["y"], name="shapes", then_branch=then_g, else_branch=else_g)],
              [vi("cond", TensorProto.BOOL, []), vi("x", F, [2, 3])], [vi("y", F, ["a", "b"])], opset=13, check=False)
    rejected(mcc, tmp_path, m, "ONNX op 'If'", "'shapes'", "needs equal types", "output 'y'")


# MARK: Scan and Loop

def test_scan_over_axis_1_in_reverse_with_state(mcc: Path, tmp_path: Path) -> None:
    body = helper.make_graph(
        [helper.make_node("Add", ["s_in", "col"], ["s_out"]), helper.make_node("Mul", ["s_out", "two"], ["y"])],
        "body", [vi("s_in", F, [3]), vi("col", F, [3])], [vi("s_out", F, [3]), vi("y", F, [3])])
    m = build([const("two", np.float32(2)),
               helper.make_node("Scan", ["s0", "x"], ["s", "ys"], num_scan_inputs=1, body=body,
                                scan_input_axes=[1], scan_input_directions=[1], scan_output_axes=[-1])],
              [vi("s0", F, [3]), vi("x", F, [3, 4])], [vi("s", F, [3]), vi("ys", F, [3, 4])])
    s0 = RNG.standard_normal(3).astype(np.float32)
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    state, ys = s0.copy(), []
    for t in reversed(range(4)):
        state = state + x[:, t]
        ys.append(state * 2)
    check(mcc, tmp_path, m, {"s0": s0, "x": x}, [state, np.stack(ys, axis=1)])


def loop_body(cond_node: onnx.NodeProto) -> onnx.GraphProto:
    # y_out = y_in * 2 + i; the scan output collects y_out.
    return helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=F), helper.make_node("Mul", ["y_in", "two"], ["y2"]),
         helper.make_node("Add", ["y2", "fi"], ["y_out"]), helper.make_node("Identity", ["y_out"], ["scan"]), cond_node],
        "body", [vi("i", TensorProto.INT64, []), vi("c_in", TensorProto.BOOL, []), vi("y_in", F, [2])],
        [vi("c_out", TensorProto.BOOL, []), vi("y_out", F, [2]), vi("scan", F, [2])])


def loop_reference(y: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    scans = []
    for i in range(iterations):
        y = y * 2 + i
        scans.append(y)
    return y, np.stack(scans)


def test_loop_with_constant_trip_count_is_unrolled(mcc: Path, tmp_path: Path) -> None:
    body = loop_body(helper.make_node("Identity", ["c_in"], ["c_out"]))
    m = build([const("two", np.float32(2)), const("m", np.int64(4)), const("go", np.array(True)),
               helper.make_node("Loop", ["m", "go", "y"], ["y_final", "ys"], body=body)],
              [vi("y", F, [2])], [vi("y_final", F, [2]), vi("ys", F, [4, 2])])
    y = RNG.standard_normal(2).astype(np.float32)
    check(mcc, tmp_path, m, {"y": y}, list(loop_reference(y, 4)))


@pytest.mark.parametrize("trip_count", [None, np.iinfo(np.int64).max])
def test_loop_stops_when_the_body_condition_folds_to_false(mcc: Path, tmp_path: Path, trip_count) -> None:
    # No trip count (or INT64_MAX, as exporters write "while"): the body's Less(i, 2) ends the
    # loop after iterations 0, 1 and 2.
    body = loop_body(helper.make_node("Less", ["i", "limit"], ["c_out"]))
    m = build([const("two", np.float32(2)), const("limit", np.int64(2)), const("go", np.array(True)),
               const("m", np.int64(trip_count or 0)),
               helper.make_node("Loop", ["" if trip_count is None else "m", "go", "y"], ["y_final", "ys"], body=body)],
              [vi("y", F, [2])], [vi("y_final", F, [2]), vi("ys", F, [3, 2])])
    y = RNG.standard_normal(2).astype(np.float32)
    check(mcc, tmp_path, m, {"y": y}, list(loop_reference(y, 3)))


def test_loop_with_run_time_trip_count_is_rejected(mcc: Path, tmp_path: Path) -> None:
    body = loop_body(helper.make_node("Identity", ["c_in"], ["c_out"]))
    m = build([const("two", np.float32(2)), helper.make_node("Loop", ["m", "", "y"], ["y_final", "ys"], name="steps", body=body)],
              [vi("m", TensorProto.INT64, []), vi("y", F, [2])], [vi("y_final", F, [2]), vi("ys", F, ["n", 2])])
    rejected(mcc, tmp_path, m, "ONNX op 'Loop'", "'steps'", "trip count 'm' is a run-time value")


# MARK: sequences

def test_sequence_ops_with_compile_time_positions(mcc: Path, tmp_path: Path) -> None:
    relu = helper.make_graph([helper.make_node("Relu", ["e"], ["r"])], "relu", [vi("e", F, ["n", 4])], [vi("r", F, ["n", 4])])
    m = build([const("sizes", np.array([2, 4], np.int64)), const("back", np.int64(-1)), const("first", np.int64(0)),
               helper.make_node("SplitToSequence", ["x", "sizes"], ["s1"], axis=0),     # [x[0:2], x[2:6]]
               helper.make_node("SequenceInsert", ["s1", "w", "back"], ["s2"]),         # [x[0:2], w, x[2:6]]
               helper.make_node("SequenceErase", ["s2", "first"], ["s3"]),              # [w, x[2:6]]
               helper.make_node("SequenceMap", ["s3"], ["s4"], body=relu),
               helper.make_node("SequenceLength", ["s4"], ["n"]),
               helper.make_node("SequenceAt", ["s4", "first"], ["head"]),
               helper.make_node("ConcatFromSequence", ["s4"], ["cat"], axis=0)],
              [vi("x", F, [6, 4]), vi("w", F, [1, 4])],
              [vi("n", TensorProto.INT64, []), vi("head", F, [1, 4]), vi("cat", F, [5, 4])])
    x = RNG.standard_normal((6, 4)).astype(np.float32)
    w = RNG.standard_normal((1, 4)).astype(np.float32)
    check(mcc, tmp_path, m, {"x": x, "w": w},
          [np.array(2, np.int64), np.maximum(w, 0), np.maximum(np.concatenate([w, x[2:6]]), 0)])


def test_split_to_sequence_without_keepdims_and_stack(mcc: Path, tmp_path: Path) -> None:
    m = build([helper.make_node("SplitToSequence", ["x"], ["s"], axis=1, keepdims=0),
               helper.make_node("ConcatFromSequence", ["s"], ["y"], axis=-1, new_axis=1)],
              [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 4, 3])])
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    check(mcc, tmp_path, m, {"x": x}, [np.stack([x[:, i] for i in range(3)], axis=-1)])


def test_sequence_at_a_run_time_position_is_rejected(mcc: Path, tmp_path: Path) -> None:
    m = build([helper.make_node("SequenceConstruct", ["x", "x"], ["s"]),
               helper.make_node("SequenceAt", ["s", "p"], ["y"], name="pick")],
              [vi("x", F, [2]), vi("p", TensorProto.INT64, [])], [vi("y", F, [2])])
    rejected(mcc, tmp_path, m, "ONNX op 'SequenceAt'", "'pick'", "position input 'p' is a run-time value")


def test_sequence_graph_inputs_are_rejected(mcc: Path, tmp_path: Path) -> None:
    seq = helper.make_tensor_sequence_value_info("s", F, [2])
    m = build([helper.make_node("SequenceLength", ["s"], ["n"])], [seq], [vi("n", TensorProto.INT64, [])])
    rejected(mcc, tmp_path, m, "graph input 's' is a sequence; mcc's C ABI passes tensors only")


# MARK: Gradient

def test_gradient_of_a_graph_with_respect_to_its_inputs(mcc: Path, tmp_path: Path) -> None:
    m = build([helper.make_node("Mul", ["x", "x"], ["sq"]), helper.make_node("Sin", ["w"], ["sw"]),
               helper.make_node("Add", ["sq", "sw"], ["y"]),
               helper.make_node("Gradient", ["x", "w"], ["dx", "dw"], domain="ai.onnx.preview.training",
                                xs=["x", "w"], y="y")],
              [vi("x", F, [3]), vi("w", F, [3])], [vi("dx", F, [3]), vi("y", F, [3]), vi("dw", F, [3])],
              domains=("ai.onnx.preview.training",))
    x = RNG.standard_normal(3).astype(np.float32)
    w = RNG.standard_normal(3).astype(np.float32)
    check(mcc, tmp_path, m, {"x": x, "w": w}, [2 * x, x * x + np.sin(w), np.cos(w)])


def test_gradient_outputs_read_by_other_nodes_are_rejected(mcc: Path, tmp_path: Path) -> None:
    m = build([helper.make_node("Mul", ["x", "x"], ["y"]),
               helper.make_node("Gradient", ["x"], ["dx"], domain="ai.onnx.preview.training", xs=["x"], y="y"),
               helper.make_node("Relu", ["dx"], ["r"], name="after")],
              [vi("x", F, [3])], [vi("r", F, [3])], domains=("ai.onnx.preview.training",))
    rejected(mcc, tmp_path, m, "'after'", "input 'dx' is an output of Gradient")


def test_loop_trip_count_from_a_shape(mcc: Path, tmp_path: Path) -> None:
    # M = x.shape[0]: a constant once folded; --force-dynamic pins x's dim to its declared size.
    body = loop_body(helper.make_node("Identity", ["c_in"], ["c_out"]))
    m = build([const("two", np.float32(2)), const("zero", np.int64(0)), helper.make_node("Shape", ["x"], ["shape"]),
               helper.make_node("Gather", ["shape", "zero"], ["m"], axis=0),
               helper.make_node("Loop", ["m", "", "y"], ["y_final", "ys"], body=body)],
              [vi("x", F, [3, 5]), vi("y", F, [2])], [vi("y_final", F, [2]), vi("ys", F, [3, 2])])
    x = np.zeros((3, 5), np.float32)
    y = RNG.standard_normal(2).astype(np.float32)
    check(mcc, tmp_path, m, {"x": x, "y": y}, list(loop_reference(y, 3)))
    symbolic = build(list(m.graph.node), [vi("x", F, ["n", 5]), vi("y", F, [2])], [vi("y_final", F, [2]), vi("ys", F, ["n", 2])])
    rejected(mcc, tmp_path, symbolic, "the trip count 'm' depends on a symbolic dim")


def test_loop_with_only_scan_outputs(mcc: Path, tmp_path: Path) -> None:
    # No loop-carried values: the body reads the outer x and emits i * x per iteration.
    body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=F), helper.make_node("Mul", ["fi", "x"], ["scan"]),
         helper.make_node("Identity", ["c_in"], ["c_out"])],
        "body", [vi("i", TensorProto.INT64, []), vi("c_in", TensorProto.BOOL, [])],
        [vi("c_out", TensorProto.BOOL, []), vi("scan", F, [2])])
    m = build([const("m", np.int64(3)), helper.make_node("Loop", ["m", ""], ["ys"], body=body)],
              [vi("x", F, [2])], [vi("ys", F, [3, 2])])
    x = RNG.standard_normal(2).astype(np.float32)
    check(mcc, tmp_path, m, {"x": x}, [np.stack([i * x for i in range(3)])])
