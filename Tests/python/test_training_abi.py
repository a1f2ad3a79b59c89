"""The training C ABI (include/mcc.h, ABI 1.1) on hand-written MIR training functions.

Tests/python/training/linreg.mir holds small models with hand-derived `F.train`/`F.loss`:
F (linear regression, MSE), C (3-class softmax regression, cross-entropy with i64 labels),
S (its `out.s` is the dropout seed it was given), P (one 256x256 parameter, big enough for
the parallel optimizer update), N (no training functions) and D (f64: evaluates, cannot train). Every optimizer update is
checked against training_ref.RefOptimizer, PyTorch's formulas in numpy.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

import mlang
from conftest import run_mcc
from mlang._abi import DLDevice, DLDeviceType, DLTensor, OptimizerConfig, Status, declare, dl_from_dtype
from training_ref import RefOptimizer, linreg_grads, read_safetensors, write_safetensors

FIXTURE = Path(__file__).parent / "training" / "linreg.mir"
RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def lib_path(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("training") / "liblinreg.so"
    proc = run_mcc(FIXTURE, "-o", out)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return out


@pytest.fixture
def model(lib_path: Path) -> Iterator[mlang.Model]:
    with mlang.load(lib_path, "F") as m:
        yield m


def batch(seed: int, n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32) + 1).astype(np.float32)


def params_of(m: mlang.Model) -> dict[str, np.ndarray]:
    p = m.params()
    return {"w": p["w"], "b": p["b"]}


def check_against_reference(m: mlang.Model, ref: RefOptimizer, steps: int, frozen: frozenset[str] = frozenset()) -> None:
    want = params_of(m)
    for k in range(steps):
        x, t = batch(k)
        assert m.learning_rate == pytest.approx(ref.lr_at(ref.step), rel=1e-12)
        loss_want, grads = linreg_grads(want, x, t)
        loss = m.train_step(x, t)
        ref.update(want, grads, frozen)
        assert loss == pytest.approx(loss_want, rel=1e-5)
        got = params_of(m)
        for name in want:
            np.testing.assert_allclose(got[name], want[name], rtol=RTOL, atol=ATOL, err_msg=f"{name} after step {k + 1}")
    assert m.step == ref.step


OPTIMIZERS = {
    "sgd": RefOptimizer("sgd", lr=0.05),
    "sgd_momentum": RefOptimizer("sgd", lr=0.05, momentum=0.9),
    "sgd_nesterov": RefOptimizer("sgd", lr=0.05, momentum=0.9, nesterov=True),
    "sgd_weight_decay": RefOptimizer("sgd", lr=0.05, momentum=0.5, weight_decay=0.1),
    "adam": RefOptimizer("adam", lr=0.01),
    "adam_weight_decay": RefOptimizer("adam", lr=0.01, weight_decay=0.1, betas=(0.8, 0.99), eps=1e-6),
    "adamw": RefOptimizer("adamw", lr=0.01, weight_decay=0.1),
    "step_schedule": RefOptimizer("sgd", lr=0.05, schedule="step", step_size=2, gamma=0.5, warmup_steps=2),
    "cosine_schedule": RefOptimizer("adam", lr=0.02, schedule="cosine", warmup_steps=2, total_steps=5, min_lr=0.001),
    "constant_warmup": RefOptimizer("adamw", lr=0.02, warmup_steps=3, weight_decay=0.01),
    "clip_norm": RefOptimizer("sgd", lr=0.05, momentum=0.9, clip_norm=0.5),
    "clip_norm_adam": RefOptimizer("adam", lr=0.01, clip_norm=1.0),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_matches_reference(model: mlang.Model, name: str) -> None:
    ref = OPTIMIZERS[name]
    ref = RefOptimizer(**{k: v for k, v in ref.__dict__.items() if k not in ("m", "v", "step")})
    model.set_optimizer(**ref.kwargs())
    check_against_reference(model, ref, 7)


def test_model_list_hides_training_functions(lib_path: Path) -> None:
    with mlang.load(lib_path) as m:
        assert m.available_models == ("F", "C", "S", "P", "N", "D")
        assert m.name == "D"   # the last model, not a training function
        assert not m.has_training
    with mlang.load(lib_path, "F") as m:
        assert m.has_training


def test_backward_accumulates_until_zero_grad(model: mlang.Model) -> None:
    ref = RefOptimizer("sgd", lr=0.1, momentum=0.9)
    model.set_optimizer(**ref.kwargs())
    want = params_of(model)
    (x1, t1), (x2, t2) = batch(1), batch(2)
    model.backward(x1, t1)
    model.backward(x2, t2)
    model.optimizer_step()
    _, g1 = linreg_grads(want, x1, t1)
    _, g2 = linreg_grads(want, x2, t2)
    ref.update(want, {n: g1[n] + g2[n] for n in g1})
    for n in want:
        np.testing.assert_allclose(params_of(model)[n], want[n], rtol=RTOL, atol=ATOL)
    # zero_grad: the next step sees only the next batch
    model.zero_grad()
    model.backward(x1, t1)
    model.optimizer_step()
    _, g = linreg_grads(want, x1, t1)
    ref.update(want, g)
    for n in want:
        np.testing.assert_allclose(params_of(model)[n], want[n], rtol=RTOL, atol=ATOL)


def test_parameters_are_copy_on_write(lib_path: Path) -> None:
    with mlang.load(lib_path, "F") as a, mlang.load(lib_path, "F") as b:
        before = params_of(b)
        a.set_optimizer("sgd", lr=0.1)
        a.train_step(*batch(0))
        assert not np.array_equal(params_of(a)["w"], before["w"])
        for n in before:
            np.testing.assert_array_equal(params_of(b)[n], before[n])
        x, _ = batch(3)
        np.testing.assert_allclose(a.run(x)["y"], x @ params_of(a)["w"] + params_of(a)["b"], rtol=1e-5)
        np.testing.assert_allclose(b.run(x)["y"], x @ before["w"] + before["b"], rtol=1e-5)


def test_set_param_and_evaluate(model: mlang.Model) -> None:
    w = np.arange(4, dtype=np.float32).reshape(4, 1)
    model.set_param("w", w)
    np.testing.assert_array_equal(model.params()["w"], w)
    x, t = batch(5)
    y = x @ w + model.params()["b"]
    assert model.evaluate(x, t) == pytest.approx(float(((y - t) ** 2).mean()), rel=1e-5)
    np.testing.assert_allclose(model.last_outputs()["y"], y, rtol=1e-5)
    np.testing.assert_allclose(model.run(x)["y"], y, rtol=1e-5)
    assert model.step == 0   # evaluate trains nothing
    with pytest.raises(mlang.MccError, match=r"param 'w': dim 0 is 3, expected 4") as e:
        model.set_param("w", np.zeros((3, 1), np.float32))
    assert e.value.status == Status.SHAPE_MISMATCH
    with pytest.raises(mlang.MccError, match="param 'w': dtype is float64, expected float32") as e:
        model.set_param("w", np.zeros((4, 1), np.float64))
    assert e.value.status == Status.DTYPE_MISMATCH
    np.testing.assert_array_equal(model.params()["w"], w)


def test_train_step_outputs_are_training_outputs(model: mlang.Model) -> None:
    model.set_optimizer("sgd", lr=0.1)
    x, t = batch(0)
    before = params_of(model)
    model.train_step(x, t)
    np.testing.assert_allclose(model.last_outputs()["y"], x @ before["w"] + before["b"], rtol=1e-5)


def test_freeze_keeps_parameter_and_its_optimizer_state(model: mlang.Model) -> None:
    ref = RefOptimizer("adam", lr=0.01)
    model.set_optimizer(**ref.kwargs())
    check_against_reference(model, ref, 2)
    assert model.freeze("w") == 1
    frozen_w = params_of(model)["w"]
    check_against_reference(model, ref, 2, frozen=frozenset({"w"}))
    np.testing.assert_array_equal(params_of(model)["w"], frozen_w)
    assert model.unfreeze("") == 2
    check_against_reference(model, ref, 2)   # w continues from its moments of step 2


def test_freeze_prefix_rules(lib_path: Path) -> None:
    with mlang.load(lib_path, "F") as m:
        with pytest.raises(mlang.MccError, match=r"no parameter of model 'F' is 'x' or starts with 'x\.'") as e:
            m.freeze("x")
        assert e.value.status == Status.NOT_FOUND
        assert m.freeze("b") == 1


def test_checkpoint_round_trip_continues_identically(lib_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "ck.safetensors"
    with mlang.load(lib_path, "F") as straight, mlang.load(lib_path, "F") as first:
        for m in (straight, first):
            m.set_optimizer("adam", lr=0.01, schedule="cosine", warmup_steps=1, total_steps=6)
            m.set_seed(7)
        for k in range(3):
            straight.train_step(*batch(k))
            first.train_step(*batch(k))
        first.save_checkpoint(path)
        assert not list(tmp_path.glob("*.tmp.*"))
        meta, tensors = read_safetensors(path)
        assert meta == {"format": "mcc-checkpoint-1", "model": "F", "step": "3", "seed": "7", "optimizer": "adam"}
        assert sorted(tensors) == ["b", "optimizer/m/b", "optimizer/m/w", "optimizer/v/b", "optimizer/v/w", "w"]
        np.testing.assert_array_equal(tensors["w"], params_of(first)["w"])
        with mlang.load(lib_path, "F") as resumed:
            resumed.set_optimizer("adam", lr=0.01, schedule="cosine", warmup_steps=1, total_steps=6)
            resumed.load_checkpoint(path)
            assert resumed.step == 3
            for k in range(3, 6):
                assert resumed.train_step(*batch(k)) == straight.train_step(*batch(k))
            for n in ("w", "b"):
                np.testing.assert_array_equal(params_of(resumed)[n], params_of(straight)[n])


def test_checkpoint_save_is_atomic(model: mlang.Model, tmp_path: Path) -> None:
    path = tmp_path / "ck.safetensors"
    model.save_checkpoint(path)
    old = path.read_bytes()
    # The temporary name is taken: the save fails before touching `path`.
    (tmp_path / f"ck.safetensors.tmp.{os.getpid()}").mkdir()
    model.set_param("b", np.array([9.0], np.float32))
    with pytest.raises(mlang.MccError, match="cannot write checkpoint"):
        model.save_checkpoint(path)
    assert path.read_bytes() == old
    # A directory in the way of the rename: no temporary file is left behind.
    target = tmp_path / "dir.safetensors"
    target.mkdir()
    with pytest.raises(mlang.MccError, match="cannot write checkpoint"):
        model.save_checkpoint(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.safetensors", f"ck.safetensors.tmp.{os.getpid()}", "dir.safetensors"]
    with pytest.raises(mlang.MccError, match="No such file or directory"):
        model.save_checkpoint(tmp_path / "missing" / "ck.safetensors")


def test_checkpoint_of_another_model_is_rejected(lib_path: Path, model: mlang.Model, tmp_path: Path) -> None:
    path = tmp_path / "c.safetensors"
    with mlang.load(lib_path, "C") as c:
        c.save_checkpoint(path)
    before = params_of(model)
    with pytest.raises(mlang.MccError, match=r"checkpoint '.*' \(model 'C'\) does not fit model 'F': it has no tensor 'w'") as e:
        model.load_checkpoint(path)
    assert e.value.status == Status.NOT_FOUND
    bad = tmp_path / "shape.safetensors"
    write_safetensors(bad, {"w": np.zeros((4, 1), np.float32), "b": np.zeros((2,), np.float32)}, {"model": "G"})
    with pytest.raises(mlang.MccError, match=r"\(model 'G'\) does not fit model 'F': tensor 'b' is F32\[2\], expected F32\[1\]") as e:
        model.load_checkpoint(bad)
    assert e.value.status == Status.SHAPE_MISMATCH
    extra = tmp_path / "extra.safetensors"
    write_safetensors(extra, {"w": np.ones((4, 1), np.float32), "b": np.ones((1,), np.float32),
                              "fc9.bias": np.ones((1,), np.float32)}, {})
    with pytest.raises(mlang.MccError, match="tensor 'fc9.bias' is not one of its parameters"):
        model.load_checkpoint(extra)
    dtype = tmp_path / "dtype.safetensors"
    write_safetensors(dtype, {"w": np.ones((4, 1), np.float64), "b": np.ones((1,), np.float32)}, {})
    with pytest.raises(mlang.MccError, match=r"tensor 'w' is F64\[4, 1\], expected F32\[4, 1\]"):
        model.load_checkpoint(dtype)
    for n in before:   # nothing changed by any rejected load
        np.testing.assert_array_equal(params_of(model)[n], before[n])
    plain = tmp_path / "plain.safetensors"   # a weights file without optimizer state loads
    write_safetensors(plain, {"w": np.ones((4, 1), np.float32), "b": np.ones((1,), np.float32)}, {})
    model.load_checkpoint(plain)
    np.testing.assert_array_equal(params_of(model)["w"], np.ones((4, 1), np.float32))


def framed(header: bytes) -> bytes:
    return len(header).to_bytes(8, "little") + header


@pytest.mark.parametrize("content, message", [
    (b"", "shorter than 8 bytes"),
    (b"\xff" * 8 + b"{}", "its header length does not fit the file"),
    (framed(b'{"w": [1, 2]'), "not a safetensors file: expected an object at header byte 6"),
    (framed(b'{"w": {'), "not a safetensors file: expected a string"),
    (framed(b'[1, 2, 3] '), "not a safetensors file: expected an object at header byte 0"),
    (framed(b'{"w": {"dtype": "F32", "shape": [4, 1], "data_offsets": [0, 16]}}'),
     "corrupt: tensor 'w' \\(F32\\) has data_offsets \\[0, 16\\] for 0 data bytes"),
    (framed(b'{"w": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}}') + bytes(4), "corrupt: tensor 'w' \\(X9\\)"),
    (framed(b'{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}') + bytes(4), "negative dim or offset"),
    (framed(b'{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}} x') + bytes(4), "trailing bytes after the header"),
])
def test_corrupt_checkpoint_is_a_clean_error(model: mlang.Model, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(mlang.MccError, match=message) as e:
        model.load_checkpoint(path)
    assert e.value.status == Status.INVALID_ARGUMENT


def test_missing_checkpoint(model: mlang.Model, tmp_path: Path) -> None:
    with pytest.raises(mlang.MccError, match="cannot read checkpoint .*No such file") as e:
        model.load_checkpoint(tmp_path / "nope.safetensors")
    assert e.value.status == Status.NOT_FOUND


def test_nan_loss_names_the_step_and_changes_nothing(model: mlang.Model) -> None:
    model.set_optimizer("sgd", lr=0.1, momentum=0.9)
    model.train_step(*batch(0))
    model.train_step(*batch(1))
    before = params_of(model)
    x, t = batch(2)
    x[3, 1] = np.nan
    with pytest.raises(mlang.MccError, match=r"loss is nan at step 2; the parameters were not updated") as e:
        model.train_step(x, t)
    assert e.value.status == Status.INVALID_ARGUMENT
    x[3, 1] = np.inf
    t[0, 0] = -np.inf
    with pytest.raises(mlang.MccError, match=r"loss is (nan|inf) at step 2"):
        model.train_step(x, t)
    assert model.step == 2
    for n in before:
        np.testing.assert_array_equal(params_of(model)[n], before[n])


def test_labels_out_of_range(lib_path: Path) -> None:
    with mlang.load(lib_path, "C") as c:
        c.set_optimizer("sgd", lr=0.1)
        x, _ = batch(0, n=4)
        before = c.params()["wc"]
        for labels, bad in (([0, 1, 3, 2], "target\\[2\\] is 3"), ([0, -1, 1, 2], "target\\[1\\] is -1")):
            with pytest.raises(mlang.MccError, match=bad + " at step 0: class labels of output 'logits' must be in \\[0, 3\\)") as e:
                c.train_step(x, np.array(labels, np.int64))
            assert e.value.status == Status.INVALID_ARGUMENT
        np.testing.assert_array_equal(c.params()["wc"], before)
        with pytest.raises(mlang.MccError, match="input 'target' \\(#1\\): dtype is float32 \\(lanes 1\\), expected int64") as e:
            c.train_step(x, np.zeros(4, np.float32))
        assert e.value.status == Status.DTYPE_MISMATCH
        with pytest.raises(mlang.MccError, match="input 'target' \\(#1\\): dim 0 \\('batch'\\) is 3, but 'batch' is 4") as e:
            c.train_step(x, np.zeros(3, np.int64))
        assert e.value.status == Status.SHAPE_MISMATCH
        # cross-entropy trains: the loss goes down on a fixed batch
        labels = np.array([0, 1, 2, 1], np.int64)
        losses = [c.train_step(x, labels) for _ in range(20)]
        assert losses[-1] < losses[0]


def test_seed_is_seed_plus_step(lib_path: Path) -> None:
    with mlang.load(lib_path, "S") as s:
        s.set_optimizer("sgd", lr=0.1)
        s.set_seed(40)
        for k in range(3):
            s.train_step(np.ones(1, np.float32), np.zeros(1, np.float32))
            assert s.last_outputs()["s"][0] == 40 + k


def test_parallel_update_matches_serial(lib_path: Path) -> None:
    results = []
    for threads in (1, 2):
        with mlang.load(lib_path, "P") as p:
            p.set_num_threads(threads)
            p.set_optimizer("adamw", lr=0.01, weight_decay=0.1)
            for k in range(3):
                p.train_step(np.full(1, 0.5 + k, np.float32), np.zeros(1, np.float32))
            results.append(p.params()["big"])
    ref = RefOptimizer("adamw", lr=0.01, weight_decay=0.1)
    want = {"big": np.full((256, 256), 0.5, np.float32)}
    for k in range(3):
        ref.update(want, {"big": want["big"] * np.float32(0.5 + k)})
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_allclose(results[0], want["big"], rtol=RTOL)


def test_model_without_training(lib_path: Path) -> None:
    with mlang.load(lib_path, "N") as n:
        with pytest.raises(mlang.MccError, match="model 'N' has no training function") as e:
            n.set_optimizer("sgd")
        assert e.value.status == Status.UNSUPPORTED
        with pytest.raises(mlang.MccError, match="has no training function"):
            n.train_step(np.ones(1, np.float32), np.ones(1, np.float32))
        with pytest.raises(mlang.MccError, match="has no loss function"):
            n.evaluate(np.ones(1, np.float32), np.ones(1, np.float32))
        n.set_param("v", np.array([3.0], np.float32))   # parameters are settable everywhere
        assert n.run(np.array([2.0], np.float32))["y"][0] == 6.0


# --- the C ABI directly: NULLs and bad configurations are errors, never crashes ------------

@pytest.fixture
def raw(lib_path: Path) -> Iterator[tuple[ctypes.CDLL, int]]:
    lib = declare(ctypes.CDLL(str(lib_path)))
    handle = ctypes.c_void_p()
    assert lib.mcc_model_create(b"F", ctypes.byref(handle)) == Status.OK
    yield lib, handle.value
    lib.mcc_model_destroy(handle.value)


def dl(arr: np.ndarray, keep: list[object]) -> DLTensor:
    shape = (ctypes.c_int64 * max(1, arr.ndim))(*arr.shape)
    keep += [arr, shape]
    return DLTensor(arr.ctypes.data, DLDevice(DLDeviceType.kDLCPU, 0), arr.ndim, dl_from_dtype(arr.dtype), shape, None, 0)


def config(**fields: float) -> OptimizerConfig:
    c = OptimizerConfig(kind=0, schedule=0, learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8, step_size=1, gamma=0.1)
    for k, v in fields.items():
        setattr(c, k, v)
    return c


def test_abi_version(raw: tuple[ctypes.CDLL, int]) -> None:
    lib, _ = raw
    assert lib.mcc_abi_version() == (1 << 16) | 1


def test_null_arguments(raw: tuple[ctypes.CDLL, int]) -> None:
    lib, m = raw
    keep: list[object] = []
    x, t = batch(0)
    xs, ts = dl(x, keep), dl(t, keep)
    loss = ctypes.c_float()
    cases = [
        (lambda: lib.mcc_model_train_step(None, ctypes.byref(xs), 1, ctypes.byref(ts), ctypes.byref(loss)), "model is NULL"),
        (lambda: lib.mcc_model_backward(m, None, 1, ctypes.byref(ts), None), "inputs is NULL"),
        (lambda: lib.mcc_model_backward(m, ctypes.byref(xs), 1, None, None), "target is NULL"),
        (lambda: lib.mcc_model_evaluate(m, ctypes.byref(xs), 2, ctypes.byref(ts), None), "takes 1 inputs, got 2"),
        (lambda: lib.mcc_model_set_optimizer(m, None), "config is NULL"),
        (lambda: lib.mcc_model_set_param(m, 0, None), "value is NULL"),
        (lambda: lib.mcc_model_set_param(m, 5, ctypes.byref(xs)), "param index 5 is out of range"),
        (lambda: lib.mcc_model_freeze(m, None, 1, None), "prefix is NULL"),
        (lambda: lib.mcc_model_save_checkpoint(m, None), "path is NULL"),
        (lambda: lib.mcc_model_load_checkpoint(None, b"x"), "model is NULL"),
        (lambda: lib.mcc_model_zero_grad(None), "model is NULL"),
        (lambda: lib.mcc_model_optimizer_step(m), "has no optimizer: call mcc_model_set_optimizer first"),
        (lambda: lib.mcc_model_train_step(m, ctypes.byref(xs), 1, ctypes.byref(ts), None), "has no optimizer"),
    ]
    for call, message in cases:
        status = call()
        assert status != Status.OK, message
        assert message in lib.mcc_last_error().decode(), (message, lib.mcc_last_error())
    assert lib.mcc_model_learning_rate(None) == 0.0
    assert lib.mcc_model_step_count(None) == -1
    assert lib.mcc_model_has_training(None) == 0
    # after all that, training works
    assert lib.mcc_model_set_optimizer(m, ctypes.byref(config())) == Status.OK
    assert lib.mcc_model_train_step(m, ctypes.byref(xs), 1, ctypes.byref(ts), ctypes.byref(loss)) == Status.OK
    assert loss.value > 0


@pytest.mark.parametrize("fields, message", [
    (dict(kind=3), "kind is not an mcc_optimizer_kind"),
    (dict(schedule=-1), "schedule is not an mcc_lr_schedule"),
    (dict(learning_rate=0.0), "learning_rate must be a finite number > 0"),
    (dict(learning_rate=float("nan")), "learning_rate must be a finite number > 0"),
    (dict(weight_decay=-1.0), "weight_decay must be >= 0"),
    (dict(momentum=1.0), "momentum must be in [0, 1)"),
    (dict(nesterov=1), "Nesterov momentum needs momentum > 0"),
    (dict(kind=1, beta1=1.0), "beta1 and beta2 must be in [0, 1)"),
    (dict(kind=2, epsilon=0.0), "epsilon must be > 0"),
    (dict(warmup_steps=-1), "warmup_steps must be >= 0"),
    (dict(schedule=1, step_size=0), "the step schedule needs step_size > 0"),
    (dict(schedule=2, total_steps=5, warmup_steps=5), "the cosine schedule needs total_steps > warmup_steps"),
    (dict(clip_norm=-1.0), "clip_norm must be >= 0"),
])
def test_bad_optimizer_config(raw: tuple[ctypes.CDLL, int], fields: dict[str, float], message: str) -> None:
    lib, m = raw
    assert lib.mcc_model_set_optimizer(m, ctypes.byref(config(**fields))) == Status.INVALID_ARGUMENT
    assert message in lib.mcc_last_error().decode()


def test_bad_target_shapes(raw: tuple[ctypes.CDLL, int]) -> None:
    lib, m = raw
    keep: list[object] = []
    x, t = batch(0)
    xs = dl(x, keep)
    assert lib.mcc_model_set_optimizer(m, ctypes.byref(config())) == Status.OK
    for target, status, message in [
        (np.zeros((8,), np.float32), Status.SHAPE_MISMATCH, "input 'target' (#1): rank is 1, expected 2"),
        (np.zeros((7, 1), np.float32), Status.SHAPE_MISMATCH, "input 'target' (#1): dim 0 ('batch') is 7, but 'batch' is 8"),
        (np.zeros((8, 1), np.int64), Status.DTYPE_MISMATCH, "input 'target' (#1): dtype is int64 (lanes 1), expected float32"),
    ]:
        ts = dl(target, keep)
        assert lib.mcc_model_train_step(m, ctypes.byref(xs), 1, ctypes.byref(ts), None) == status
        assert message in lib.mcc_last_error().decode()
    assert lib.mcc_model_step_count(m) == 0


def test_cpp_binding_trains(lib_path: Path, tmp_path: Path) -> None:
    """mcc.hpp's training methods (bindings/cpp/tests/test_mcc_hpp_training.cpp) against the reference."""
    import subprocess
    from conftest import ROOT
    exe = tmp_path / "test_mcc_hpp_training"
    proc = subprocess.run([os.environ.get("CXX", "g++"), "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-pedantic",
                           "-I", str(ROOT / "include"), "-I", str(ROOT / "bindings" / "cpp" / "include"),
                           str(ROOT / "bindings" / "cpp" / "tests" / "test_mcc_hpp_training.cpp"), "-ldl", "-o", str(exe)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    x, t = batch(4)
    x.tofile(tmp_path / "x.f32")
    t.tofile(tmp_path / "t.f32")
    run = subprocess.run([str(exe), str(lib_path), str(tmp_path / "x.f32"), str(tmp_path / "t.f32"), "8",
                          str(tmp_path / "ck.safetensors")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FAIL" not in run.stdout, run.stdout
    lines = [line for line in run.stdout.splitlines() if line.startswith(("loss ", "w ", "b ", "0 failed"))]
    with mlang.load(lib_path, "F") as m:
        want = params_of(m)
    ref = RefOptimizer("sgd", lr=0.05, momentum=0.9)
    for k in range(3):
        loss, grads = linreg_grads(want, x, t)
        assert float(lines[k].split()[1]) == pytest.approx(loss, rel=1e-5)
        ref.update(want, grads)
    np.testing.assert_allclose([float(v) for v in lines[3].split()[1:]], want["w"].ravel(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(float(lines[4].split()[1]), want["b"][0], rtol=RTOL, atol=ATOL)
    assert lines[-1] == "0 failed"


def test_mutated_checkpoints_load_or_fail_cleanly(lib_path: Path, tmp_path: Path) -> None:
    """Random byte flips, truncations and header edits of a real checkpoint: a clean error or a load, never a crash."""
    with mlang.load(lib_path, "F") as m:
        m.set_optimizer("adam", lr=0.01)
        m.train_step(*batch(0))
        good = tmp_path / "good.safetensors"
        m.save_checkpoint(good)
        raw = good.read_bytes()
        rng = np.random.default_rng(11)
        path = tmp_path / "mutated.safetensors"
        outcomes = {"loaded": 0, "rejected": 0}
        for _ in range(300):
            data = bytearray(raw)
            kind = rng.integers(0, 3)
            if kind == 0:
                for _ in range(rng.integers(1, 4)):
                    data[rng.integers(0, len(data))] = rng.integers(0, 256)
            elif kind == 1:
                data = data[:rng.integers(0, len(data))]
            else:
                header_len = int.from_bytes(raw[:8], "little")
                pos = 8 + rng.integers(0, header_len)
                data[pos] = ord(rng.choice(list('{}[]:,"0123456789-')))
            path.write_bytes(bytes(data))
            try:
                m.load_checkpoint(path)
                outcomes["loaded"] += 1
            except mlang.MccError as e:
                assert e.status in (Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.SHAPE_MISMATCH), e
                assert "checkpoint" in e.message
                outcomes["rejected"] += 1
        assert outcomes["rejected"] > 100
        m.load_checkpoint(good)   # still usable
        assert m.step == 1


def test_profile_covers_training_calls(model: mlang.Model, tmp_path: Path) -> None:
    import json
    model.set_optimizer("sgd", lr=0.1)
    x, t = batch(0)
    model.enable_profiling()
    model.run(x)
    model.train_step(x, t)
    model.evaluate(x, t)
    model.write_profile(tmp_path / "p.json")
    names = [e["name"] for e in json.loads((tmp_path / "p.json").read_text())["traceEvents"]]
    assert any(n.startswith("F.train: ") for n in names) and any(n.startswith("F.loss: ") for n in names)
    assert any(not n.startswith("F.") for n in names)
    model.enable_profiling(False)
    model.enable_profiling()   # a new profile starts empty, training records included
    model.write_profile(tmp_path / "q.json")
    assert json.loads((tmp_path / "q.json").read_text())["traceEvents"] == []


def test_untrainable_training_function_leaves_the_model_usable(lib_path: Path) -> None:
    """D.train has f64 gradients, which the optimizers (f32) cannot apply: D still runs and evaluates."""
    with mlang.load(lib_path, "D") as d:
        assert not d.has_training
        x = np.array([1.0, 3.0])
        np.testing.assert_array_equal(d.run(x)["y"], [1.0, 6.0])
        assert d.evaluate(x, np.array([0.5, 0.5])) == 6.0
        with pytest.raises(mlang.MccError, match="model 'D' cannot train: 'D.train': gradient 'grad.d' must have parameter 'd''s type, f32") as e:
            d.train_step(x, np.array([0.5, 0.5]))
        assert e.value.status == Status.UNSUPPORTED


def test_instances_train_concurrently(lib_path: Path) -> None:
    """One instance per thread (the threading contract): parallel training equals serial training."""
    from concurrent.futures import ThreadPoolExecutor

    def train(seed: int) -> dict[str, np.ndarray]:
        with mlang.load(lib_path, "F") as m:
            m.set_num_threads(1)
            m.set_optimizer("adam", lr=0.01, clip_norm=1.0)
            for k in range(30):
                m.train_step(*batch(seed * 100 + k))
            return params_of(m)

    serial = [train(s) for s in range(4)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(train, range(4)))
    for a, b in zip(serial, parallel):
        for n in a:
            np.testing.assert_array_equal(a[n], b[n])
