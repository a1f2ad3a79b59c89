"""Fused attention (issue #5): fuse-attention turns softmax(Q K^T * scale [+ mask]) V, as ONNX
exports write it (head transposes, the scale after the product, on Q, or as a Div, an additive
mask), into one `attention` op; its kernel (online softmax, no [sq, sk] scores) is checked
against a float64 NumPy reference at 1 and 2 threads, and the BERT bench model against
onnxruntime."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def attention_model(h: int, sq: int, sk: int, d: int, dv: int, mask: str | None, scale_form: str) -> onnx.ModelProto:
    """q [b, sq, h, d], k [b, sk, h, d], v [b, sk, h, dv] -> [b, sq, h, dv], BERT's layout."""
    scale = 1 / np.sqrt(d)
    inits = [numpy_helper.from_array(np.array([scale], np.float32), "scale"),
             numpy_helper.from_array(np.array(np.sqrt(d), np.float32), "root")]
    nodes = [helper.make_node("Transpose", ["q"], ["qh"], perm=[0, 2, 1, 3]),
             helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 3, 1]),
             helper.make_node("Transpose", ["v"], ["vh"], perm=[0, 2, 1, 3])]
    if scale_form == "q":          # PyTorch: the scale applied to Q before the product
        nodes += [helper.make_node("Mul", ["qh", "scale"], ["qs"]), helper.make_node("MatMul", ["qs", "kt"], ["s"])]
    elif scale_form == "div":      # scores / sqrt(d)
        nodes += [helper.make_node("MatMul", ["qh", "kt"], ["p"]), helper.make_node("Div", ["p", "root"], ["s"])]
    else:                          # scale * scores, the constant first
        nodes += [helper.make_node("MatMul", ["qh", "kt"], ["p"]), helper.make_node("Mul", ["scale", "p"], ["s"])]
    inputs = [helper.make_tensor_value_info("q", TensorProto.FLOAT, ["batch", sq, h, d]),
              helper.make_tensor_value_info("k", TensorProto.FLOAT, ["batch", sk, h, d]),
              helper.make_tensor_value_info("v", TensorProto.FLOAT, ["batch", sk, h, dv])]
    scores = "s"
    if mask is not None:
        shape = {"b11k": ["batch", 1, 1, sk], "qk": [sq, sk], "bhqk": ["batch", h, sq, sk]}[mask]
        inputs.append(helper.make_tensor_value_info("mask", TensorProto.FLOAT, shape))
        nodes.append(helper.make_node("Add", ["mask", "s"], ["sm"]))
        scores = "sm"
    nodes += [helper.make_node("Softmax", [scores], ["w"], axis=-1), helper.make_node("MatMul", ["w", "vh"], ["o"]),
              helper.make_node("Transpose", ["o"], ["y"], perm=[0, 2, 1, 3])]
    g = helper.make_graph(nodes, "attn", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", sq, h, dv])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)


def reference(q, k, v, mask):
    q, k, v = (x.astype(np.float64).transpose(0, 2, 1, 3) for x in (q, k, v))
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    if mask is not None:
        s = s + (mask if mask.ndim == 4 else mask[None, None])
    s = np.exp(s - s.max(-1, keepdims=True))
    return ((s / s.sum(-1, keepdims=True)) @ v).transpose(0, 2, 1, 3)


@pytest.mark.parametrize("b,h,sq,sk,d,dv,mask,scale_form", [
    (1, 12, 128, 128, 32, 32, None, "after"),    # BERT's heads
    (2, 3, 37, 53, 20, 20, "b11k", "after"),     # odd lengths, sq != sk, head size not a multiple of 16, padding mask
    (1, 2, 5, 70, 64, 64, "qk", "q"),            # scale on Q, a [sq, sk] mask, a partial key block
    (3, 4, 33, 17, 24, 40, "bhqk", "div"),       # Div by sqrt(d), dv != d, a full mask
    (2, 2, 19, 40, 80, 80, None, "after"),       # 5 vectors per row: 2-row groups
    (1, 1, 1, 1, 8, 8, "b11k", "q"),             # one query, one key
    (1, 2, 9, 33, 160, 160, None, "div"),        # 10 vectors per row: 1-row groups, smaller query blocks
])
def test_fused_attention(mcc: Path, tmp_path: Path, b, h, sq, sk, d, dv, mask, scale_form) -> None:
    path = tmp_path / "attn.onnx"
    onnx.save(attention_model(h, sq, sk, d, dv, mask, scale_form), str(path))
    mir = subprocess.run([str(mcc), str(path), "--emit=mir-opt"], check=True, capture_output=True, text=True).stdout
    assert mir.count(" attention ") == 1 and "softmax" not in mir and "matmul" not in mir and "transpose" not in mir, mir
    rng = np.random.default_rng(sq * 131 + sk)
    q = rng.standard_normal((b, sq, h, d)).astype(np.float32)
    k = rng.standard_normal((b, sk, h, d)).astype(np.float32)
    v = rng.standard_normal((b, sk, h, dv)).astype(np.float32)
    feeds = {"q": q, "k": k, "v": v}
    m = None
    if mask is not None:
        shape = {"b11k": (b, 1, 1, sk), "qk": (sq, sk), "bhqk": (b, h, sq, sk)}[mask]
        m = np.where(rng.random(shape) < 0.3, -1e4, rng.standard_normal(shape)).astype(np.float32)
        m[..., 0] = 0   # every row keeps a key
        feeds["mask"] = m
    ref = reference(q, k, v, m)
    # The host's vectors (16 lanes on AVX-512) and an AVX2 target's 8 lanes (other block sizes).
    for target in ([], ["--target-cpu", "haswell"]):
        lib = tmp_path / f"attn{len(target)}.so"
        subprocess.run([str(mcc), str(path), "-o", str(lib), *target], check=True)
        for threads in (1, 2):
            with mlang.load(lib) as model:
                model.set_num_threads(threads)
                got = model(**feeds)["y"]
            np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5, err_msg=f"threads {threads} {target}")


def test_fully_masked_prefix_block(mcc: Path, tmp_path: Path) -> None:
    """A row whose first key block is all -inf (a causal-style mask on a long sequence) must not
    produce NaN: the running max stays -inf until a finite score arrives."""
    sq, sk, d = 3, 80, 16
    path = tmp_path / "attn.onnx"
    onnx.save(attention_model(1, sq, sk, d, d, "qk", "after"), str(path))
    lib = tmp_path / "attn.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True)
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in ((1, sq, 1, d), (1, sk, 1, d), (1, sk, 1, d)))
    m = np.zeros((sq, sk), np.float32)
    m[:, :40] = -np.inf
    with mlang.load(lib) as model:
        got = model(q=q, k=k, v=v, mask=m)["y"]
    np.testing.assert_allclose(got, reference(q, k, v, m), rtol=1e-4, atol=1e-5)


def test_unfused_forms_stay(mcc: Path, tmp_path: Path) -> None:
    """A softmax over another axis is not attention: the ops stay as they are."""
    model = attention_model(2, 8, 8, 16, 16, None, "after")
    for n in model.graph.node:
        if n.op_type == "Softmax":
            n.attribute[0].i = 2
    path = tmp_path / "other.onnx"
    onnx.save(model, str(path))
    mir = subprocess.run([str(mcc), str(path), "--emit=mir-opt"], check=True, capture_output=True, text=True).stdout
    assert " attention " not in mir and "softmax" in mir, mir


def test_bert_bench_model_matches_onnxruntime(mcc: Path, tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    model = ROOT / "bench" / "models" / "bert.onnx"
    if not model.is_file():
        pytest.skip("bench/models/bert.onnx is made by bench/make_models.py")
    mir = subprocess.run([str(mcc), str(model), "--emit=mir-opt"], check=True, capture_output=True, text=True).stdout
    assert mir.count(" attention ") == 6 and "softmax" not in mir, mir
    lib = tmp_path / "bert.so"
    subprocess.run([str(mcc), str(model), "-o", str(lib)], check=True)
    x = np.random.default_rng(0).standard_normal((2, 128, 384)).astype(np.float32)
    want = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    for threads in (1, 2):
        with mlang.load(lib) as m:
            m.set_num_threads(threads)
            got = m(x=x)["hidden_states"]
        np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4, err_msg=f"threads {threads}")


def test_export_writes_the_decomposed_graph(mcc: Path, tmp_path: Path) -> None:
    """`--emit=onnx` runs the pipeline (fuse-attention included) and writes attention back as
    opset-13 nodes, which onnxruntime runs to the reference."""
    ort = pytest.importorskip("onnxruntime")
    path, out = tmp_path / "attn.onnx", tmp_path / "exported.onnx"
    onnx.save(attention_model(2, 7, 9, 16, 12, "b11k", "q"), str(path))
    subprocess.run([str(mcc), str(path), "--emit=onnx", "-o", str(out)], check=True)
    ops = [n.op_type for n in onnx.load(str(out)).graph.node]
    # Export keeps the model's parameters as declared, so the scale initializer on Q stays a Mul
    # (frozen builds bake it into the kernel); attention itself comes back as opset-13 nodes.
    assert ops == ["Mul", "Transpose", "Transpose", "Transpose", "MatMul", "Mul", "Add", "Softmax", "MatMul", "Transpose"], ops
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in ((2, 7, 2, 16), (2, 9, 2, 16), (2, 9, 2, 12)))
    m = rng.standard_normal((2, 1, 1, 9)).astype(np.float32)
    got = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(None, {"q": q, "k": k, "v": v, "mask": m})[0]
    np.testing.assert_allclose(got, reference(q, k, v, m), rtol=1e-4, atol=1e-5)


def test_handwritten_layouts(mcc: Path, tmp_path: Path) -> None:
    """The kernel reads any layout its perms name: q as [b, h, s, d], k as K^T [b, h, d, s],
    v as [b, s, h, dv], the output as [b, h, s, dv], and a [h, 1, sk] mask."""
    src = tmp_path / "layouts.mir"
    src.write_text("""module @layouts

func @f(%q: f32[n, 3, 21, 12], %k: f32[n, 3, 12, 35], %v: f32[n, 35, 3, 20], %m: f32[3, 1, 35]) -> (y: f32[n, 3, 21, 20]) {
  %0 = attention %q, %k, %v, %m {k_perm = [0, 1, 3, 2], scale = 0.3, v_perm = [0, 2, 1, 3]} : f32[n, 3, 21, 20]
  return %0
}
""")
    lib = tmp_path / "layouts.so"
    subprocess.run([str(mcc), str(src), "-o", str(lib)], check=True)
    rng = np.random.default_rng(5)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 21, 12), (2, 3, 12, 35), (2, 35, 3, 20)))
    m = rng.standard_normal((3, 1, 35)).astype(np.float32)
    s = q.astype(np.float64) @ k * 0.3 + m
    p = np.exp(s - s.max(-1, keepdims=True))
    want = (p / p.sum(-1, keepdims=True)) @ v.astype(np.float64).transpose(0, 2, 1, 3)
    for threads in (1, 2):
        with mlang.load(lib) as model:
            model.set_num_threads(threads)
            got = model(q=q, k=k, v=v, m=m)["y"]
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"threads {threads}")
