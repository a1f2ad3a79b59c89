"""ONNX import: compile .onnx files directly, and compose an imported ONNX model with M layers."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402


def feature_extractor(path: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """x[batch, 6] -> Gemm(6->8) -> Relu -> features[batch, 8], with a symbolic batch dim."""
    w = rng.standard_normal((8, 6)).astype(np.float32)
    b = rng.standard_normal(8).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["features"])],
        "extractor",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 6])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 8])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return {"w": w, "b": b}


def test_compile_onnx_file_directly(mcc: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    weights = feature_extractor(tmp_path / "extractor.onnx", rng)
    lib = tmp_path / "libextractor.so"
    subprocess.run([str(mcc), str(tmp_path / "extractor.onnx"), "-o", str(lib)], check=True)
    x = rng.standard_normal((5, 6)).astype(np.float32)
    with mlang.load(lib) as model:
        assert model.inputs[0].shape == ("batch", 6)
        got = model(x)["features"]
    np.testing.assert_allclose(got, np.maximum(x @ weights["w"].T + weights["b"], 0), rtol=1e-5, atol=1e-6)


def test_import_onnx_into_m_and_compose(mcc: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    weights = feature_extractor(tmp_path / "extractor.onnx", rng)
    (tmp_path / "classifier.m").write_text("""
import onnx "extractor.onnx" as Extractor

// An imported ONNX feature extractor with an M classification head on top.
model Classifier {
    seed = 3
    input x: f32[batch, 6]
    output probs: f32[batch, 4]
    head = Dense(4)
    forward {
        probs = softmax(head(Extractor(x)))
    }
}
""")
    lib = tmp_path / "libclassifier.so"
    subprocess.run([str(mcc), str(tmp_path / "classifier.m"), "-o", str(lib)], check=True)
    x = rng.standard_normal((3, 6)).astype(np.float32)
    with mlang.load(lib) as model:
        params = model.params()
        # Gemm's transB weight is stored pre-transposed (compile-time layout), hence ".T".
        assert set(params) >= {"Extractor.w.T", "Extractor.b", "head.weight", "head.bias"}
        np.testing.assert_array_equal(params["Extractor.w.T"], weights["w"].T)
        got = model(x)["probs"]
    features = np.maximum(x.astype(np.float64) @ weights["w"].T + weights["b"], 0)
    logits = features @ params["head.weight"] + params["head.bias"]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_shape_mismatch_with_imported_model_is_a_compile_error(mcc: Path, tmp_path: Path) -> None:
    feature_extractor(tmp_path / "extractor.onnx", np.random.default_rng(2))
    (tmp_path / "bad.m").write_text("""import onnx "extractor.onnx" as Extractor
model Bad {
    input x: f32[batch, 7]
    output y: f32[batch, 8]
    forward { y = Extractor(x) }
}
""")
    proc = subprocess.run([str(mcc), str(tmp_path / "bad.m"), "-o", str(tmp_path / "lib.so")], capture_output=True)
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert f"{tmp_path / 'bad.m'}:5:19: error: input 'x' of 'extractor' expects f32[batch, 6], got f32[batch, 7]" in err, err


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x08\x07garbage that is not a protobuf" * 3, "parse"),
])
def test_broken_onnx_files_are_clear_errors(mcc: Path, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.onnx"
    path.write_bytes(content)
    proc = subprocess.run([str(mcc), str(path), "-o", str(tmp_path / "lib.so")], capture_output=True)
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert err.startswith(f"{path}: error:"), err


def test_unsupported_ops_are_listed_together(mcc: Path, tmp_path: Path) -> None:
    graph = helper.make_graph(
        [helper.make_node("Bernoulli", ["x"], ["d"], name="first"), helper.make_node("RandomUniformLike", ["x"], ["r"], name="second")],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 3])],
        [helper.make_tensor_value_info("d", TensorProto.FLOAT, [3, 3]), helper.make_tensor_value_info("r", TensorProto.FLOAT, [3, 3])])
    path = tmp_path / "unsupported.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], ir_version=8), str(path))
    proc = subprocess.run([str(mcc), "check", str(path)], capture_output=True)
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert "ONNX op 'Bernoulli' (opset 15) at node 'first' is not supported" in err, err
    assert "ONNX op 'RandomUniformLike' (opset 15) at node 'second' is not supported" in err, err
