"""Training M models end to end: `mcc model.m --train-loss ...` generates `F.train`/`F.loss`
(the autodiff pass), the runtime trains them through mlang. An MLP is checked against a numpy
forward/backward/SGD reference; a model with BatchNorm and Dropout against itself (resuming
from a checkpoint repeats the same dropout masks and statistics)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import mlang
from conftest import run_mcc
from training_ref import RefOptimizer, read_safetensors

MLP = """
model Net {
    seed = 7
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc1 = Dense(32)
    fc2 = Dense(10)
    forward {
        logits = fc2(relu(fc1(x)))
    }
}
"""

REGULARIZED = """
model Reg {
    seed = 3
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc1 = Dense(32)
    bn = BatchNorm()
    drop = Dropout(0.25)
    fc2 = Dense(10)
    forward {
        logits = fc2(drop(relu(bn(fc1(x)))))
    }
}
"""


@pytest.fixture(scope="module")
def build(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    out = tmp_path_factory.mktemp("train-m")

    def compile(source: str, loss: str) -> Path:
        """`loss` "" builds the inference-only library."""
        name = source.split()[1]
        (out / f"{name}.m").write_text(source)
        lib = out / f"lib{name}{'_' + loss if loss else ''}.so"
        proc = run_mcc(out / f"{name}.m", *(["--train-loss", loss] if loss else []), "-o", lib)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        return lib

    return compile


def data(seed: int, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 64)).astype(np.float32), rng.integers(0, 10, n).astype(np.int64)


def mlp_grads(p: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """Softmax cross-entropy (mean) of a 64-32-10 ReLU MLP and its gradients, in float64."""
    p64 = {k: v.astype(np.float64) for k, v in p.items()}
    a = x @ p64["fc1.weight"] + p64["fc1.bias"]
    h = np.maximum(a, 0)
    z = h @ p64["fc2.weight"] + p64["fc2.bias"]
    z = z - z.max(axis=1, keepdims=True)
    prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    n = len(t)
    loss = float(-np.log(prob[np.arange(n), t]).mean())
    dz = prob.copy()
    dz[np.arange(n), t] -= 1
    dz /= n
    dh = (dz @ p64["fc2.weight"].T) * (a > 0)
    grads = {"fc1.weight": x.T @ dh, "fc1.bias": dh.sum(0), "fc2.weight": h.T @ dz, "fc2.bias": dz.sum(0)}
    return loss, {k: v.astype(np.float32) for k, v in grads.items()}


def test_mlp_trains_like_numpy(build: Callable[[str, str], Path]) -> None:
    with mlang.load(build(MLP, "cross_entropy")) as m:
        assert m.available_models == ("Net",) and m.has_training
        ref = RefOptimizer("sgd", lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)
        m.set_optimizer(**ref.kwargs())
        want = {k: v for k, v in m.params().items() if k in ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")}
        for k in range(4):
            x, t = data(k)
            loss_want, grads = mlp_grads(want, x, t)
            assert m.evaluate(x, t) == pytest.approx(loss_want, rel=1e-4)
            assert m.train_step(x, t) == pytest.approx(loss_want, rel=1e-4)
            ref.update(want, grads)
            got = m.params()
            for name, value in want.items():
                np.testing.assert_allclose(got[name], value, rtol=1e-4, atol=1e-5, err_msg=f"{name} after step {k + 1}")
        # the trained parameters are what the forward function now reads
        x, _ = data(9)
        h = np.maximum(x @ want["fc1.weight"] + want["fc1.bias"], 0)
        np.testing.assert_allclose(m.run(x)["logits"], h @ want["fc2.weight"] + want["fc2.bias"], rtol=1e-4, atol=1e-5)
        bad = np.zeros(16, np.int64)
        bad[5] = 10
        with pytest.raises(mlang.MccError, match=r"target\[5\] is 10 at step 4: class labels of output 'logits' must be in \[0, 10\)"):
            m.evaluate(x, bad)


def test_batchnorm_dropout_model_resumes_identically(build: Callable[[str, str], Path], tmp_path: Path) -> None:
    lib = build(REGULARIZED, "cross_entropy")
    path = tmp_path / "reg.safetensors"
    with mlang.load(lib) as straight, mlang.load(lib) as first:
        for m in (straight, first):
            m.set_optimizer("adamw", lr=0.01, weight_decay=0.01, schedule="cosine", warmup_steps=2, total_steps=8, clip_norm=1.0)
            m.set_seed(123)
        losses = [straight.train_step(*data(k)) for k in range(6)]
        for k in range(3):
            first.train_step(*data(k))
        first.save_checkpoint(path)
        meta, tensors = read_safetensors(path)
        assert meta["model"] == "Reg" and meta["step"] == "3" and meta["seed"] == "123"
        assert "optimizer/v/bn.weight" in tensors and "optimizer/m/bn.running_mean" not in tensors
        assert not np.array_equal(tensors["bn.running_mean"], np.zeros(32, np.float32)), "BatchNorm statistics train"
        with mlang.load(lib) as resumed:
            resumed.set_optimizer("adamw", lr=0.01, weight_decay=0.01, schedule="cosine", warmup_steps=2, total_steps=8, clip_norm=1.0)
            resumed.load_checkpoint(path)
            assert [resumed.train_step(*data(k)) for k in range(3, 6)] == losses[3:]
            for name, value in straight.params().items():
                np.testing.assert_array_equal(resumed.params()[name], value, err_msg=name)
    # another seed draws other dropout masks
    with mlang.load(lib) as other:
        other.set_optimizer("adamw", lr=0.01, weight_decay=0.01, schedule="cosine", warmup_steps=2, total_steps=8, clip_norm=1.0)
        other.set_seed(124)
        assert other.train_step(*data(0)) != losses[0]


def test_checkpoint_loads_into_the_inference_library(build: Callable[[str, str], Path], tmp_path: Path) -> None:
    """Compiler constants (mcc.constN) are numbered differently with and without training
    functions; checkpoints leave them out, so trained weights move to the inference build."""
    path = tmp_path / "trained.safetensors"
    x, t = data(4)
    with mlang.load(build(REGULARIZED, "cross_entropy")) as trainer:
        trainer.set_optimizer("adam", lr=0.01)
        for k in range(3):
            trainer.train_step(*data(k))
        trainer.save_checkpoint(path)
        expected = trainer.run(x)["logits"]
    _, tensors = read_safetensors(path)
    assert not [n for n in tensors if "const" in n]
    with mlang.load(build(REGULARIZED, "")) as inference:
        assert not inference.has_training
        inference.load_checkpoint(path)
        np.testing.assert_array_equal(inference.run(x)["logits"], expected)
