"""`mcc --init-weights` and `--finetune` on a small synthetic task (no data files needed; the
digits version is test_digits_optimize.py)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import run_mcc

SOURCE = """model Tiny {
    seed = 5
    input x: f32[batch, 16]
    output probs: f32[batch, 4]
    fc1 = Dense(64)
    fc2 = Dense(4)
    forward {
        probs = softmax(fc2(relu(fc1(x))))
    }
}
"""


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory, mcc: Path) -> dict:
    work = tmp_path_factory.mktemp("finetune")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 16)).astype(np.float32)
    y = (x @ rng.standard_normal((16, 4))).argmax(1).astype(np.int64)
    source = work / "tiny.m"
    source.write_text(SOURCE)
    lib = work / "libtiny_train.so"
    proc = run_mcc(source, "--train-loss", "cross_entropy", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode()
    with mlang.load(lib) as m:
        m.set_num_threads(1)
        m.set_optimizer("adam", lr=1e-2)
        for _ in range(15):
            for s in range(0, 384, 32):
                m.train_step(x[s:s + 32], y[s:s + 32])
        m.save_checkpoint(work / "tiny.safetensors")
        trained = list(m.run(x[384:]).values())[0]
    np.savez(work / "train.npz", x=x[:384], y=y[:384])
    np.savez(work / "test.npz", x=x[384:], y=y[384:])
    return {"work": work, "source": source, "x": x, "y": y, "trained": trained}


def test_init_weights_starts_from_the_checkpoint(task: dict) -> None:
    work = task["work"]
    lib = work / "libtiny.so"
    proc = run_mcc(task["source"], "--init-weights", work / "tiny.safetensors", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode()
    with mlang.load(lib) as m:
        got = list(m.run(task["x"][384:]).values())[0]
    np.testing.assert_allclose(got, task["trained"], rtol=1e-5, atol=1e-6)


def test_finetune_recovers_accuracy_after_structured_pruning(task: dict) -> None:
    work = task["work"]
    report = work / "report.json"
    proc = run_mcc(task["source"], "--init-weights", work / "tiny.safetensors", "--prune", "0.75", "--prune-structured",
                   "--finetune", work / "train.npz", "--finetune-epochs", "10", "--finetune-lr", "0.01",
                   "--eval", work / "test.npz", "--report", report, "-o", work / "libpruned.so")
    assert proc.returncode == 0, proc.stderr.decode()
    r = json.loads(report.read_text())
    f = r["fineTune"]
    assert f["epochs"] == 10 and f["samples"] == 384 and f["accuracyData"] == "eval"
    assert f["accuracyBeforePruning"] > 0.85
    assert f["accuracyAfterFinetune"] > f["accuracyAfterPruning"]
    assert f["accuracyAfterFinetune"] == pytest.approx(r["evaluation"]["accuracyAfter"])
    assert "after fine-tuning" in proc.stderr.decode()
    assert r["steps"][0]["after"]["parameters"] == 16 * 16 + 16 + 16 * 4 + 4


@pytest.mark.parametrize("args, message", [
    (["--finetune", "train.npz"], "--finetune retrains a pruned model: it needs --prune"),
    (["--init-weights", "missing.safetensors"], "--init-weights: missing.safetensors"),
    (["--prune", "0.5", "--finetune", "train.npz", "--finetune-epochs", "0"], "--finetune-epochs must be positive"),
])
def test_errors(task: dict, args: list[str], message: str) -> None:
    work = task["work"]
    proc = run_mcc(task["source"], *[str(work / a) if a.endswith((".npz", ".safetensors")) else a for a in args],
                   "-o", work / "liberr.so")
    assert proc.returncode != 0
    assert message.replace("missing.safetensors", str(work / "missing.safetensors")) in proc.stderr.decode()
