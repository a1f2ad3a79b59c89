"""sparse_matmul (the column-compressed weight of MIR's SparseShapes.swift) against numpy, on both
kernel paths (batch < 32: dot products split by columns; >= 32: transposed 16-row tiles), at 1
and 2 threads, and `--prune 0.9` end to end: the sparsified library equals the dense pruned one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from mirtext import sparse_matmul_module  # noqa: E402


def sparse_module(w: np.ndarray) -> str:
    return sparse_matmul_module(w, lead=("batch", 2))


def compile_text(text: str, tmp: Path, name: str) -> Path:
    src = tmp / f"{name}.mir"
    src.write_text(text)
    lib = tmp / f"lib{name}.so"
    proc = run_mcc(src, "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode()
    return lib


@pytest.mark.parametrize("sparsity", [0.0, 0.5, 0.95])
def test_kernel_matches_numpy(tmp_path: Path, sparsity: float) -> None:
    rng = np.random.default_rng(int(sparsity * 100))
    k, n = 70, 37
    w = rng.standard_normal((k, n)).astype(np.float32)
    w[rng.random((k, n)) < sparsity] = 0
    w[5] = 0          # an input row no column reads
    w[:, 3] = 0       # an empty output column
    lib = compile_text(sparse_module(w), tmp_path, "s")
    # batch is symbolic; x is [batch, 2, k]: 1 and 7 tiles' worth of rows take the two paths.
    for batch in (1, 5, 17, 40):
        x = rng.standard_normal((batch, 2, k)).astype(np.float32)
        ref = x.astype(np.float64) @ w.astype(np.float64)
        for threads in (1, 2):
            with mlang.load(lib) as model:
                model.set_num_threads(threads)
                got = model(x=x)["y"]
            np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-4, err_msg=f"batch {batch}, threads {threads}")


def test_all_zero_weight(tmp_path: Path) -> None:
    w = np.zeros((8, 5), np.float32)
    lib = compile_text(sparse_module(w), tmp_path, "z")
    with mlang.load(lib) as model:
        for batch in (1, 33):
            assert not model(x=np.ones((batch, 2, 8), np.float32))["y"].any()


def test_result_type_is_checked(tmp_path: Path) -> None:
    text = sparse_module(np.eye(4, 3, dtype=np.float32)).replace(": f32[batch, 2, 3]\n  return", ": f32[batch, 2, 4]\n  return")
    (tmp_path / "bad.mir").write_text(text)
    proc = run_mcc(tmp_path / "bad.mir", "-o", tmp_path / "bad.so")
    assert proc.returncode != 0 and b"implied by x and the column pointers" in proc.stderr


def test_prune_sparsifies_and_matches_dense(tmp_path: Path) -> None:
    model = ROOT / "examples" / "mlp.m"
    sparse, dense = tmp_path / "libsparse.so", tmp_path / "libdense.so"
    proc = run_mcc(model, "--prune", "0.9", "-o", sparse)
    assert proc.returncode == 0, proc.stderr.decode()
    report = proc.stdout.decode() + proc.stderr.decode()
    assert "sparse kernel for: fc1" in report, report
    ir = run_mcc(model, "--prune", "0.9", "--emit=mir-opt")
    assert b"sparse_matmul" in ir.stdout
    # The dense pruned model: the same pruning, every layer left on the dense kernel.
    proc = run_mcc(model, "--prune", "0.9", "--prune-dense", "-o", dense)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"sparse_matmul" not in run_mcc(model, "--prune", "0.9", "--prune-dense", "--emit=mir-opt").stdout
    x = np.random.default_rng(1).standard_normal((37, 784)).astype(np.float32)
    with mlang.load(sparse) as s, mlang.load(dense) as d:
        for threads in (1, 2):
            s.set_num_threads(threads)
            np.testing.assert_allclose(s(x=x)["probs"], d(x=x)["probs"], rtol=1e-5, atol=1e-7)
            np.testing.assert_allclose(s(x=x[:1])["probs"], d(x=x[:1])["probs"], rtol=1e-5, atol=1e-7)


def test_onnx_export_rejects_it_clearly(tmp_path: Path) -> None:
    (tmp_path / "s.mir").write_text(sparse_module(np.eye(4, 3, dtype=np.float32)))
    proc = run_mcc(tmp_path / "s.mir", "--emit=onnx", "-o", tmp_path / "s.onnx")
    assert proc.returncode != 0 and b"export before --prune" in proc.stderr
