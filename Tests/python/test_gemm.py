"""mcc's own packed f32 GEMM (issue #5) against NumPy: edge shapes that are not multiples of the
microkernel's MR x NR tile or of the cache blocks, batched and broadcast matmuls, the fused
relu / clip epilogue, and 1 and 2 threads. `MCC_GEMM=mcc` makes every float matmul take mcc's
kernel (the default dispatch sends short M to OpenBLAS); `MCC_GEMM_TILE` picks other tiles."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402


def compile_graph(mcc: Path, tmp_path: Path, name: str, nodes, inputs, outputs, inits, env=None, flags=()) -> Path:
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    path = tmp_path / f"{name}.onnx"
    onnx.save(m, str(path))
    lib = tmp_path / f"{name}.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib), *flags], check=True, env={**os.environ, "MCC_GEMM": "mcc", **(env or {})})
    return lib


def run(lib: Path, threads: int, **inputs):
    with mlang.load(lib) as model:
        model.set_num_threads(threads)
        return model(**inputs)


def check_matmul(mcc, tmp_path, m, k, n, *, weight: bool, act="none", env=None, threads=(1, 2), flags=()):
    rng = np.random.default_rng(m * 10007 + k * 101 + n)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["a", "b"], ["c"])]
    inits = [numpy_helper.from_array(b, "b")] if weight else []
    if act == "relu":
        nodes.append(helper.make_node("Relu", ["c"], ["y"]))
    elif act == "relu6":
        nodes.append(helper.make_node("Clip", ["c", "lo", "hi"], ["y"]))
        inits += [numpy_helper.from_array(np.array(0, np.float32), "lo"), numpy_helper.from_array(np.array(6, np.float32), "hi")]
    else:
        nodes.append(helper.make_node("Identity", ["c"], ["y"]))
    ins = [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])]
    if not weight:
        ins.append(helper.make_tensor_value_info("b", TensorProto.FLOAT, [k, n]))
    lib = compile_graph(mcc, tmp_path, f"mm_{m}_{k}_{n}", nodes, ins, [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
                        inits, env, flags)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    ref = np.maximum(ref, 0) if act == "relu" else np.clip(ref, 0, 6) if act == "relu6" else ref
    feeds = {"a": a} if weight else {"a": a, "b": b}
    for t in threads:
        got = run(lib, t, **feeds)["y"]
        np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4 * max(1, np.sqrt(k)), err_msg=f"{m}x{k}x{n} threads {t}")


EDGES = [1, 7, 31, 33, 64, 257]


@pytest.mark.parametrize("m", EDGES)
@pytest.mark.parametrize("n", [1, 33, 257])
def test_edges_m_n(mcc: Path, tmp_path: Path, m, n) -> None:
    check_matmul(mcc, tmp_path, m, 31, n, weight=False)


@pytest.mark.parametrize("k", EDGES + [0, 300, 513])
def test_edges_k(mcc: Path, tmp_path: Path, k) -> None:
    # K past one depth block (KC = 256) accumulates into C across blocks.
    check_matmul(mcc, tmp_path, 33, k, 65, weight=True)


@pytest.mark.parametrize("m,k,n", [(257, 513, 1040), (12, 64, 32), (13, 300, 95), (600, 200, 40)])
@pytest.mark.parametrize("act", ["relu", "relu6"])
def test_weights_and_epilogue(mcc: Path, tmp_path: Path, m, k, n, act) -> None:
    # A parameter B, and the activation fuse-epilogue folds into the matmul applied in the
    # microkernel's store (after the last depth block only: K = 513 spans three).
    check_matmul(mcc, tmp_path, m, k, n, weight=True, act=act)


@pytest.mark.parametrize("tile", ["6x64", "8x32x64x48x256", "4x16x17x8x48"])
def test_other_tiles(mcc: Path, tmp_path: Path, tile) -> None:
    # Small cache blocks make even modest shapes cross every block boundary.
    check_matmul(mcc, tmp_path, 67, 131, 201, weight=True, act="relu", env={"MCC_GEMM_TILE": tile})


def test_avx2_target(mcc: Path, tmp_path: Path) -> None:
    # Without AVX-512 the kernel uses 8-float vectors and a 6x16 tile (forced here: the
    # default dispatch keeps OpenBLAS on such targets).
    check_matmul(mcc, tmp_path, 45, 77, 70, weight=True, act="relu", flags=("--target-cpu", "haswell"))


def test_default_dispatch_matches(mcc: Path, tmp_path: Path) -> None:
    # The default rule (short M -> OpenBLAS, else mcc) on both sides of the threshold.
    for m in (3, 100):
        check_matmul(mcc, tmp_path, m, 70, 90, weight=True, act="relu", env={"MCC_GEMM": "auto"})


@pytest.mark.parametrize("ashape,bshape", [
    ((3, 37, 45), (3, 45, 70)),        # batched
    ((2, 3, 20, 33), (3, 33, 17)),     # B broadcast over the leading batch dim
    ((4, 50, 65), (65, 40)),           # rank-2 B: batch folded into M
    ((1, 7, 9), (5, 9, 66)),           # A broadcast
])
def test_batched(mcc: Path, tmp_path: Path, ashape, bshape) -> None:
    rng = np.random.default_rng(9)
    a = rng.standard_normal(ashape).astype(np.float32)
    b = rng.standard_normal(bshape).astype(np.float32)
    ref = a.astype(np.float64) @ b.astype(np.float64)
    lib = compile_graph(mcc, tmp_path, "bmm", [helper.make_node("MatMul", ["a", "b"], ["y"])],
                        [helper.make_tensor_value_info("a", TensorProto.FLOAT, list(ashape)),
                         helper.make_tensor_value_info("b", TensorProto.FLOAT, list(bshape))],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(ref.shape))], [])
    for t in (1, 2):
        np.testing.assert_allclose(run(lib, t, a=a, b=b)["y"], ref, rtol=1e-4, atol=1e-4, err_msg=f"threads {t}")


def test_microkernel_uses_zmm_fma(mcc: Path, tmp_path: Path) -> None:
    import re
    import shutil

    from test_asm import cpu_has_avx512f, functions
    if not cpu_has_avx512f():
        pytest.skip("this CPU has no AVX-512 ('avx512f' missing from /proc/cpuinfo)")
    objdump = shutil.which("objdump")
    assert objdump, "objdump not found (Debian package binutils)"
    lib = compile_graph(mcc, tmp_path, "asm", [helper.make_node("MatMul", ["a", "b"], ["y"])],
                        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [64, 64]),
                         helper.make_tensor_value_info("b", TensorProto.FLOAT, [64, 64])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 64])], [], env={"MCC_GEMM": "auto"})
    asm = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(lib)], capture_output=True, text=True, check=True).stdout
    funcs = functions(asm)
    micro = {(int(m[1]), int(m[2])): body for name, body in funcs.items()
             if (m := re.match(r"mcc_sgemm_\d+x\d+_micro(\d+)x(\d+)", name))}
    assert micro, f"no mcc_sgemm_*_micro* function; functions: {sorted(n for n in funcs if 'sgemm' in n)}"
    full = micro[max(micro)]  # the full MR x NR microkernel
    fmas = re.findall(r"vfmadd\d+ps\s+[^\n]*%zmm\d+,\s*%zmm\d+\s*$", full, re.M)
    assert len(fmas) >= 24, f"the microkernel has {len(fmas)} zmm FMAs:\n{full[:3000]}"
    assert "cblas_sgemm" not in "".join(funcs.get(n, "") for n in funcs if n.startswith("mcc_kernel_")), \
        "the 64x64 matmul still calls OpenBLAS"


@pytest.mark.parametrize("c,oc,h,k,pad,act", [(16, 37, 7, 3, 1, "relu"), (9, 13, 11, 1, 0, "relu6"), (5, 70, 23, 3, 0, "none")])
def test_conv_epilogue(mcc: Path, tmp_path: Path, c, oc, h, k, pad, act) -> None:
    # im2col and pointwise convolutions through mcc's GEMM: the per-row (output channel) bias
    # and the activation in the microkernel's store, on planes narrower than one NR panel.
    from test_parallel_kernels import act_ref, activation_nodes, conv_ref
    rng = np.random.default_rng(c * 100 + oc)
    n = 2
    w = rng.standard_normal((oc, c, k, k)).astype(np.float32)
    b = rng.standard_normal(oc).astype(np.float32)
    oh = h + 2 * pad - k + 1
    acts, consts = activation_nodes(act, "c", "y")
    node = helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[k, k], pads=[pad] * 4)
    lib = compile_graph(mcc, tmp_path, "conv", [node] + acts, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, c, h, h])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, oc, oh, oh])],
                        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")] + consts)
    x = rng.standard_normal((n, c, h, h)).astype(np.float32)
    ref = act_ref(act, conv_ref(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), 1, pad, 1, 1))
    for t in (1, 2):
        np.testing.assert_allclose(run(lib, t, x=x)["y"], ref, rtol=1e-4, atol=1e-4, err_msg=f"threads {t}")


@pytest.mark.parametrize("gemm", ["mcc", "auto"])
def test_prepacked_weights_and_set_param(mcc: Path, tmp_path: Path, gemm) -> None:
    # The weight is packed at compile time (a private @mcc_packed_* global); an instance that
    # writes it (set_param copies the blob) must see the new values, others the original.
    m, k, n = 40, 300, 130
    rng = np.random.default_rng(11)
    a = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.standard_normal((k, n)).astype(np.float32)
    w2 = rng.standard_normal((k, n)).astype(np.float32)
    lib = compile_graph(mcc, tmp_path, "pp", [helper.make_node("MatMul", ["a", "w"], ["y"])],
                        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
                        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])], [numpy_helper.from_array(w, "w")],
                        env={"MCC_GEMM": gemm})
    ir = subprocess.run([str(mcc), str(tmp_path / "pp.onnx"), "--emit=llvm", "-o", "-"], capture_output=True, text=True,
                        check=True, env={**os.environ, "MCC_GEMM": gemm}).stdout
    assert "@mcc_packed_" in ir, "the weight was not packed at compile time"
    ref, ref2 = a.astype(np.float64) @ w, a.astype(np.float64) @ w2
    for t in (1, 2):
        with mlang.load(lib) as changed, mlang.load(lib) as pristine:
            changed.set_num_threads(t)
            pristine.set_num_threads(t)
            np.testing.assert_allclose(changed(a=a)["y"], ref, rtol=1e-4, atol=1e-3)
            (name,) = changed.params().keys()
            changed.set_param(name, w2)
            np.testing.assert_allclose(changed(a=a)["y"], ref2, rtol=1e-4, atol=1e-3, err_msg=f"after set_param, threads {t}")
            np.testing.assert_allclose(pristine(a=a)["y"], ref, rtol=1e-4, atol=1e-3, err_msg=f"other instance, threads {t}")
