"""Packed-only matmul weights (GemmPrepack.swift): a weight every reader of which is a matmul
that mcc's GEMM runs is stored in the library only in the GEMM's packed layout. The outputs
must not change (also for short M, which otherwise calls OpenBLAS on the original), and the
runtime must rebuild the original wherever an instance needs it: parameter views, set_param,
checkpoints and training."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the onnx Python package is installed by scripts/install-deps.sh")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import mlang  # noqa: E402
from conftest import run_mcc  # noqa: E402

# 4.2 MB: large enough to be packed only even where M may be short (below 4 rows).
K, N = 1024, 1030


def blob_bytes(mcc: Path, source: Path, env: dict[str, str]) -> int:
    """Size of the parameter blob the library stores (@mcc_param_data in the LLVM IR)."""
    ir = subprocess.run([str(mcc), str(source), "--emit=llvm", "-o", "-"], capture_output=True, text=True, check=True,
                        env={**os.environ, **env}).stdout
    match = re.search(r"@mcc_param_data = .*?\[(\d+) x i8\]", ir)
    assert match, "no parameter blob in the IR"
    return int(match.group(1))


def matmul_model(mcc: Path, tmp_path: Path, w: np.ndarray, *, raw_reader: bool, env: dict[str, str],
                 rows: tuple = ("m",)) -> tuple[Path, Path]:
    k, n = w.shape
    nodes = [helper.make_node("MatMul", ["a", "w"], ["y"])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [*rows, n])]
    if raw_reader:  # a second reader that needs the original: w + 1
        nodes.append(helper.make_node("Add", ["w", "one"], ["w1"]))
        outputs.append(helper.make_tensor_value_info("w1", TensorProto.FLOAT, [k, n]))
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array(1, np.float32), "one")]
    g = helper.make_graph(nodes, "pw", [helper.make_tensor_value_info("a", TensorProto.FLOAT, [*rows, k])], outputs, inits)
    name = ("raw" if raw_reader else "packed") + f"_{k}x{n}_{len(rows)}"
    path = tmp_path / f"{name}.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), str(path))
    lib = tmp_path / f"{name}.so"
    subprocess.run([str(mcc), str(path), "-o", str(lib)], check=True, env={**os.environ, **env})
    return path, lib


@pytest.mark.parametrize("gemm", ["auto", "mcc"])
def test_packed_only_weight(mcc: Path, tmp_path: Path, gemm: str) -> None:
    env = {"MCC_GEMM": gemm}
    rng = np.random.default_rng(5)
    w = rng.standard_normal((K, N)).astype(np.float32)
    w2 = rng.standard_normal((K, N)).astype(np.float32)
    packed_src, lib = matmul_model(mcc, tmp_path, w, raw_reader=False, env=env)
    raw_src, raw_lib = matmul_model(mcc, tmp_path, w, raw_reader=True, env=env)
    # Only the raw reader's library stores the K x N floats.
    assert blob_bytes(mcc, packed_src, env) < K * N * 4 <= blob_bytes(mcc, raw_src, env)
    assert lib.stat().st_size + K * N * 4 // 2 < raw_lib.stat().st_size

    for m in (1, 3, 40):  # 1 and 3 rows: the packed copy replaces the OpenBLAS call
        a = rng.standard_normal((m, K)).astype(np.float32)
        for t in (1, 2):
            with mlang.load(lib) as model:
                model.set_num_threads(t)
                np.testing.assert_allclose(model(a=a)["y"], a.astype(np.float64) @ w, rtol=1e-4, atol=1e-3,
                                           err_msg=f"m {m}, threads {t}")

    a = rng.standard_normal((5, K)).astype(np.float32)
    with mlang.load(lib) as viewed, mlang.load(lib) as changed, mlang.load(lib) as pristine:
        # The view rebuilds the original exactly, and the instance still computes the same.
        (name,) = [n for n in viewed.params() if viewed.params()[n].shape == (K, N)]
        np.testing.assert_array_equal(viewed.params()[name], w)
        np.testing.assert_allclose(viewed(a=a)["y"], a.astype(np.float64) @ w, rtol=1e-4, atol=1e-3)
        changed.set_param(name, w2)
        np.testing.assert_allclose(changed(a=a)["y"], a.astype(np.float64) @ w2, rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(pristine(a=a)["y"], a.astype(np.float64) @ w, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("rows, packed_only", [(("m",), False), (("m", 4), True)])
def test_small_weight_is_packed_only_where_rows_are_never_short(mcc: Path, tmp_path: Path, rows, packed_only) -> None:
    # A 300 x 130 weight: M = m may be 1 (OpenBLAS reads the original), M = m * 4 may not.
    w = np.random.default_rng(9).standard_normal((300, 130)).astype(np.float32)
    src, lib = matmul_model(mcc, tmp_path, w, raw_reader=False, env={"MCC_GEMM": "auto"}, rows=rows)
    assert (blob_bytes(mcc, src, {"MCC_GEMM": "auto"}) < w.nbytes) == packed_only
    a = np.random.default_rng(2).standard_normal((1, *rows[1:], 300)).astype(np.float32)
    with mlang.load(lib) as model:
        np.testing.assert_allclose(model(a=a)["y"], a.astype(np.float64) @ w, rtol=1e-4, atol=1e-3)


FIXTURE = Path(__file__).parent / "training" / "packed.mir"


def test_packed_only_weight_trains_and_checkpoints(mcc: Path, tmp_path: Path) -> None:
    lib = tmp_path / "libpacked.so"
    proc = run_mcc(FIXTURE, "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    ir = run_mcc(FIXTURE, "--emit=llvm", "-o", "-").stdout.decode()
    match = re.search(r"@mcc_param_data = .*?\[(\d+) x i8\]", ir)
    assert match and int(match.group(1)) < 64 * 96 * 4, "the weight should be stored packed only"

    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 64)).astype(np.float32)
    target = rng.standard_normal((8, 96)).astype(np.float32)
    with mlang.load(lib, "F") as model, mlang.load(lib, "F") as reloaded:
        w = model.params()["w"].astype(np.float64)
        np.testing.assert_allclose(model(x=x)["y"], x @ w, rtol=1e-4, atol=1e-4)
        model.set_optimizer("sgd", lr=0.5)
        for _ in range(3):
            d = x @ w - target
            loss = model.train_step(x, target)
            assert loss == pytest.approx(np.mean(d * d), rel=1e-4)
            w -= 0.5 * 2 * (x.T @ d) / d.size
        np.testing.assert_allclose(model.params()["w"], w, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(model(x=x)["y"], x @ w, rtol=1e-4, atol=1e-4)
        model.save_checkpoint(tmp_path / "ckpt.safetensors")
        reloaded.load_checkpoint(tmp_path / "ckpt.safetensors")
        np.testing.assert_allclose(reloaded(x=x)["y"], x @ w, rtol=1e-4, atol=1e-4)
