"""The digits workflow of issue 7, shared by bench/digits_optimize.py and
Tests/python/test_digits_optimize.py: train small models on UCI optical digits (8x8, 1797
samples) through the training C ABI from Python, save checkpoints, then let mcc quantize and
prune the trained models (`--init-weights`), fine-tuning after structured pruning.

The data is data/digits.csv (64 pixel columns 0..16, then the digit), which the mccrun branch
ships; it is not committed here.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIGITS_CSV = ROOT / "data" / "digits.csv"

MLP_SOURCE = """// MLP 64-256-10 on 8x8 digits (flattened, scaled to [0, 1]).
model DigitsMLP {
    seed = 42
    input x: f32[batch, 64]
    output probs: f32[batch, 10]
    fc1 = Dense(256)
    fc2 = Dense(10)
    forward {
        probs = softmax(fc2(relu(fc1(x))))
    }
}
"""

# LeNet-like for 1x8x8: two conv/pool stages (8x8 -> 4x4 -> 2x2), then two Dense layers.
CNN_SOURCE = """// A LeNet-like CNN on 1x8x8 digits (scaled to [0, 1]).
model DigitsCNN {
    seed = 42
    input image: f32[batch, 1, 8, 8]
    output probs: f32[batch, 10]
    conv1 = Conv2D(16, kernel = (3, 3), padding = "same")
    pool1 = MaxPooling2D(pool = (2, 2))
    conv2 = Conv2D(32, kernel = (3, 3), padding = "same")
    pool2 = MaxPooling2D(pool = (2, 2))
    fc1 = Dense(64)
    fc2 = Dense(10)
    forward {
        h = pool1(relu(conv1(image)))
        h = pool2(relu(conv2(h)))
        probs = softmax(fc2(relu(fc1(flatten(h)))))
    }
}
"""


@dataclass
class Split:
    x_train: np.ndarray  # [n, 64] float32 in [0, 1]
    y_train: np.ndarray  # [n] int64
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits(path: Path = DIGITS_CSV, seed: int = 42) -> Split:
    """80/20 split after a seeded permutation."""
    raw = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
    x = raw[:, :64] / 16.0
    y = raw[:, 64].astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    cut = int(round(0.8 * len(y)))
    tr, te = order[:cut], order[cut:]
    return Split(x[tr], y[tr], x[te], y[te])


def shaped(x: np.ndarray, kind: str) -> np.ndarray:
    return np.ascontiguousarray(x.reshape(-1, 1, 8, 8) if kind == "cnn" else x)


def run_mcc(mcc: Path, *args: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(mcc), *map(str, args)], capture_output=True, timeout=600)


def mcc_ok(mcc: Path, *args: Any) -> str:
    proc = run_mcc(mcc, *args)
    if proc.returncode != 0:
        raise RuntimeError(f"mcc {' '.join(map(str, args))} failed:\n{proc.stderr.decode()}")
    return proc.stderr.decode()


def train(mcc: Path, work: Path, kind: str, data: Split, epochs: int, lr: float = 2e-3, batch: int = 32,
          seed: int = 42) -> tuple[Path, Path, float]:
    """Compiles the model with training functions, trains it with Adam through mlang (the training
    C ABI), saves a checkpoint; returns (source, checkpoint, test accuracy)."""
    import mlang

    source = work / f"digits_{kind}.m"
    source.write_text(MLP_SOURCE if kind == "mlp" else CNN_SOURCE)
    lib = work / f"libdigits_{kind}_train.so"
    mcc_ok(mcc, source, "--train-loss", "cross_entropy", "-o", lib)
    x, y = shaped(data.x_train, kind), data.y_train
    rng = np.random.default_rng(seed)
    steps = epochs * ((len(y) + batch - 1) // batch)
    with mlang.load(lib) as model:
        model.set_num_threads(1)
        model.set_seed(seed)
        model.set_optimizer("adam", lr=lr, schedule="cosine", total_steps=steps)
        for _ in range(epochs):
            order = rng.permutation(len(y))
            for s in range(0, len(y), batch):
                rows = order[s:s + batch]
                model.train_step(np.ascontiguousarray(x[rows]), np.ascontiguousarray(y[rows]))
        checkpoint = work / f"digits_{kind}.safetensors"
        model.save_checkpoint(checkpoint)
        probs = list(model.run(shaped(data.x_test, kind)).values())[0]
    return source, checkpoint, float((probs.argmax(1) == data.y_test).mean())


def write_sets(work: Path, kind: str, data: Split, calibration_rows: int = 512) -> dict[str, Path]:
    """train.npz / test.npz (x, y) and cal.npy (training inputs) in the model's input layout."""
    paths = {"train": work / f"{kind}_train.npz", "test": work / f"{kind}_test.npz", "cal": work / f"{kind}_cal.npy"}
    np.savez(paths["train"], x=shaped(data.x_train, kind), y=data.y_train)
    np.savez(paths["test"], x=shaped(data.x_test, kind), y=data.y_test)
    np.save(paths["cal"], shaped(data.x_train[:calibration_rows], kind))
    return paths


def optimize(mcc: Path, work: Path, name: str, source: Path, checkpoint: Path, flags: list[str], test: Path,
             batch: int = 32) -> tuple[Path, dict[str, Any], str]:
    """`mcc --init-weights checkpoint FLAGS --eval test --report` -> (library, report, command)."""
    lib = work / f"lib{name}.so"
    report = work / f"{name}.json"
    args = [source, "--init-weights", checkpoint, *flags, "--eval", test, "--eval-batch", batch,
            "--report", report, "-o", lib]
    mcc_ok(mcc, *args)
    command = "mcc " + " ".join(os.path.basename(str(a)) if isinstance(a, Path) else str(a) for a in args)
    return lib, json.loads(report.read_text()), command


def parameter_ratio(report: dict[str, Any]) -> float:
    first, last = report["steps"][0]["before"], report["steps"][-1]["after"]
    return first["parameterBytes"] / last["parameterBytes"]


def fp32_library(mcc: Path, work: Path, source: Path, checkpoint: Path, name: str) -> Path:
    lib = work / f"lib{name}_fp32.so"
    mcc_ok(mcc, source, "--init-weights", checkpoint, "-o", lib)
    return lib


def accuracy(lib: Path, x: np.ndarray, y: np.ndarray, model: Optional[str] = None) -> float:
    import mlang

    with mlang.load(lib, model) as m:
        probs = list(m.run(x).values())[0]
    return float((probs.argmax(1) == y).mean())
