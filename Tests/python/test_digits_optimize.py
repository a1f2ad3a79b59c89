"""Issue 7 on trained models: digits MLP and CNN trained through the training C ABI, then int8
static quantization and structured pruning with fine-tuning by mcc (`--init-weights`,
`--finetune`). Checks accuracy loss and size ratios; timing is bench/digits_optimize.py's job.

Needs data/digits.csv (UCI optical digits; the mccrun branch ships it)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import digits as D  # noqa: E402

pytestmark = pytest.mark.skipif(not D.DIGITS_CSV.exists(),
                                reason=f"{D.DIGITS_CSV} is missing (UCI optical digits as CSV; the mccrun branch ships it)")


@pytest.fixture(scope="module")
def data() -> D.Split:
    return D.load_digits()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("digits")


@pytest.fixture(scope="module")
def mlp(mcc: Path, work: Path, data: D.Split) -> tuple[Path, Path, float]:
    return D.train(mcc, work, "mlp", data, epochs=30)


def test_init_weights_reproduces_the_trained_model(mcc: Path, work: Path, data: D.Split, mlp) -> None:
    source, checkpoint, trained = mlp
    lib = D.fp32_library(mcc, work, source, checkpoint, "mlp")
    assert trained > 0.94
    assert D.accuracy(lib, data.x_test, data.y_test) == pytest.approx(trained, abs=1e-9)


def test_mlp_int8_static(mcc: Path, work: Path, data: D.Split, mlp) -> None:
    source, checkpoint, _ = mlp
    sets = D.write_sets(work, "mlp", data)
    _, report, _ = D.optimize(mcc, work, "mlp_int8", source, checkpoint,
                              ["--quantize", "int8", "--calibrate", str(sets["cal"])], sets["test"])
    e = report["evaluation"]
    assert e["accuracyAfter"] >= e["accuracyBefore"] - 0.01
    # Weights become i8 (plus per-channel scales/sums and the f32 biases): 3.2x for this model.
    assert D.parameter_ratio(report) > 3.0


def test_mlp_structured_pruning_with_finetuning(mcc: Path, work: Path, data: D.Split, mlp) -> None:
    source, checkpoint, _ = mlp
    sets = D.write_sets(work, "mlp", data)
    _, report, _ = D.optimize(mcc, work, "mlp_pruned", source, checkpoint,
                              ["--prune", "0.5", "--prune-structured", "--finetune", str(sets["train"]),
                               "--finetune-epochs", "10"], sets["test"])
    f, e = report["fineTune"], report["evaluation"]
    assert f["accuracyData"] == "eval" and f["samples"] == len(data.y_train)
    assert f["accuracyBeforePruning"] == pytest.approx(e["accuracyBefore"])
    assert f["accuracyAfterFinetune"] == pytest.approx(e["accuracyAfter"])
    assert f["accuracyAfterFinetune"] >= f["accuracyAfterPruning"]
    assert e["accuracyAfter"] >= e["accuracyBefore"] - 0.01
    assert f["lossLastEpoch"] < f["lossFirstEpoch"]
    assert D.parameter_ratio(report) == pytest.approx(2.0, rel=0.01)


def test_finetuning_is_reproducible(mcc: Path, work: Path, data: D.Split, mlp) -> None:
    source, checkpoint, _ = mlp
    sets = D.write_sets(work, "mlp", data)
    flags = ["--prune", "0.5", "--prune-structured", "--finetune", str(sets["train"]), "--finetune-epochs", "2"]
    libs = [D.optimize(mcc, work, f"mlp_repro{i}", source, checkpoint, flags, sets["test"])[0] for i in range(2)]
    import mlang

    outs = []
    for lib in libs:
        with mlang.load(lib) as m:
            outs.append(list(m.run(data.x_test[:16]).values())[0])
    np.testing.assert_array_equal(outs[0], outs[1])


def test_cnn_int8_static(mcc: Path, work: Path, data: D.Split) -> None:
    source, checkpoint, trained = D.train(mcc, work, "cnn", data, epochs=8)
    assert trained > 0.9
    sets = D.write_sets(work, "cnn", data)
    _, report, _ = D.optimize(mcc, work, "cnn_int8", source, checkpoint,
                              ["--quantize", "int8", "--calibrate", str(sets["cal"])], sets["test"])
    e = report["evaluation"]
    assert e["accuracyBefore"] == pytest.approx(trained, abs=1e-9)
    assert e["accuracyAfter"] >= e["accuracyBefore"] - 0.01
    assert D.parameter_ratio(report) > 3.3


def test_init_weights_errors(mcc: Path, work: Path, mlp) -> None:
    source, _, _ = mlp
    other = work / "other.m"
    other.write_text(D.MLP_SOURCE.replace("Dense(256)", "Dense(128)"))
    proc = D.run_mcc(mcc, other, "--init-weights", mlp[1], "-o", work / "libother.so")
    assert proc.returncode == 1
    assert b"--init-weights: tensor 'fc1.weight' is [64, 256]" in proc.stderr
    proc = D.run_mcc(mcc, source, "--finetune", work / "mlp_train.npz", "-o", work / "libx.so")
    assert proc.returncode != 0 and b"--finetune" in proc.stderr
