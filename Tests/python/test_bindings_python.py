"""mlang, the Python binding: metadata, runs against numpy, DLPack in and out, every error path,
threads, parameter checkpoints, typing, and `pip install ./bindings/python`.

DLPack producers and consumers are exercised with numpy's own (`__dlpack__`, `np.from_dlpack`)
and with small producer classes, since torch and jax are not installed here; they speak the
same protocol.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pytest

import mlang
from conftest import ROOT, run_mcc
from mlang import _dlpack
from numpy_ref import dense, relu, softmax

F32 = np.dtype(np.float32)


def reference(params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    p = {k: v.astype(np.float64) for k, v in params.items()}
    return softmax(dense(relu(dense(x.astype(np.float64), p["fc1.weight"], p["fc1.bias"])), p["fc2.weight"], p["fc2.bias"]))


def batch(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 784), dtype=np.float32)


class Producer:
    """A minimal DLPack producer (what torch.Tensor and jax.Array look like to a consumer).

    `versioned=False` mimics a pre-1.0 producer whose __dlpack__ takes no max_version.
    """

    def __init__(self, array: np.ndarray, versioned: bool = True, device: tuple[int, int] = (1, 0)) -> None:
        self.array, self.versioned, self.device, self.calls = array, versioned, device, 0

    def __dlpack__(self, **kwargs: Any) -> Any:
        if not self.versioned and kwargs:
            raise TypeError("__dlpack__() got an unexpected keyword argument")
        capsule = self.array.__dlpack__(**kwargs)
        self.calls += 1  # capsules handed out
        return capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.device


# --- metadata -------------------------------------------------------------------------------------

def test_metadata_names_symbolic_dims(mlp: mlang.Model) -> None:
    x, = mlp.inputs
    probs, = mlp.outputs
    assert (x.name, x.dtype, x.shape, x.symbols) == ("x", F32, ("batch", 784), ("batch",))
    assert (probs.name, probs.shape, str(probs)) == ("probs", ("batch", 10), "probs: f32[batch, 10]")
    assert str(x) == "x: f32[batch, 784]"
    assert [str(p) for p in mlp.params_info][:2] == ["fc1.weight: f32[784, 128]", "fc1.bias: f32[128]"]
    assert mlp.available_models == ("MLP",) and mlp.name == "MLP" and mlp.abi_version[0] == 1
    assert "MLP" in repr(mlp) and "1 inputs" in repr(mlp)


def test_expression_dims_keep_their_text(cnn: mlang.Model) -> None:
    assert cnn.inputs[0].shape == ("batch", 1, 28, 28)
    assert cnn.outputs[0].shape == ("batch", 10)


# --- running ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["positional", "keyword", "run", "list"])
def test_run_matches_numpy(mlp: mlang.Model, call: str) -> None:
    x = batch(3, seed=1)
    out = {"positional": lambda: mlp(x), "keyword": lambda: mlp(x=x), "run": lambda: mlp.run(x=x),
           "list": lambda: mlp(x=x.tolist())}[call]()
    assert list(out) == ["probs"] and out["probs"].dtype == F32 and out["probs"].shape == (3, 10)
    np.testing.assert_allclose(out["probs"], reference(mlp.params(), x), rtol=1e-5, atol=1e-6)


def test_outputs_are_owned_copies(mlp: mlang.Model) -> None:
    first = mlp(x=batch(2, seed=2))["probs"]
    kept = first.copy()
    mlp(x=batch(2, seed=3))  # the instance's buffers are reused by the next run
    np.testing.assert_array_equal(first, kept)
    assert first.flags.writeable, "the caller owns it"


def test_clone_is_an_independent_instance(mlp: mlang.Model) -> None:
    with mlp.clone() as other:
        assert other is not mlp and other.name == mlp.name
        x = batch(2, seed=4)
        np.testing.assert_array_equal(other(x=x)["probs"], mlp(x=x)["probs"])
    assert other.closed and not mlp.closed


# --- DLPack in ---------------------------------------------------------------------------------------

def test_from_dlpack_is_zero_copy(mlp: mlang.Model) -> None:
    x = batch(2, seed=5)
    t = mlang.from_dlpack(x)
    assert t.data_ptr == x.ctypes.data and t.shape == (2, 784) and t.dtype == F32 and t.device == (1, 0)
    assert t.is_compact and not t.readonly
    np.testing.assert_array_equal(mlp(x=t)["probs"], mlp(x=x)["probs"])
    # the DLTensor handed to mcc_model_run points at the producer's memory
    assert t.input_tensor().data == x.ctypes.data
    x[0, 0] += 1.0  # ... so the tensor sees writes to it
    assert t.numpy()[0, 0] == x[0, 0]
    t.close()
    with pytest.raises(ValueError, match="closed"):
        mlp(x=t)


@pytest.mark.parametrize("versioned", [True, False], ids=["dlpack-1.0", "dlpack-0.x"])
def test_any_dlpack_producer_is_accepted(mlp: mlang.Model, versioned: bool) -> None:
    x = batch(3, seed=6)
    producer = Producer(x, versioned=versioned)
    np.testing.assert_array_equal(mlp(x=producer)["probs"], mlp(x=x)["probs"])
    assert producer.calls == 1
    t = mlang.from_dlpack(Producer(x, versioned=versioned))
    assert t.data_ptr == x.ctypes.data
    t.close()


def test_a_raw_capsule_is_accepted_and_consumed(mlp: mlang.Model) -> None:
    x = batch(1, seed=7)
    capsule = x.__dlpack__()
    t = mlang.from_dlpack(capsule)
    assert t.data_ptr == x.ctypes.data
    with pytest.raises(TypeError, match="already consumed"):
        mlang.from_dlpack(capsule)
    t.close()


def test_imports_keep_the_producer_alive_and_release_it_on_close() -> None:
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    before = sys.getrefcount(x)
    t = mlang.from_dlpack(x)
    assert sys.getrefcount(x) == before + 1, "the producer's deleter holds the array"
    t.close()
    assert sys.getrefcount(x) == before, "close() called the producer's deleter"
    t2 = mlang.from_dlpack(x)
    del t2
    gc.collect()
    assert sys.getrefcount(x) == before, "a collected tensor released its producer too"


def test_run_releases_what_it_imported(mlp: mlang.Model) -> None:
    x = batch(2, seed=8)
    before = sys.getrefcount(x)
    mlp(x=Producer(x))
    assert sys.getrefcount(x) == before


def test_readonly_and_strided_inputs() -> None:
    x = batch(4, seed=9)
    ro = x.copy()
    ro.flags.writeable = False
    t = mlang.from_dlpack(ro)
    assert t.readonly and not t.numpy().flags.writeable
    t.close()
    strided = np.asfortranarray(x)
    ts = mlang.from_dlpack(strided)
    assert not ts.is_compact and ts.strides == (1, 4)
    ts.close()


def test_strided_dlpack_input_is_made_compact(mlp: mlang.Model) -> None:
    x = batch(4, seed=10)
    np.testing.assert_array_equal(mlp(x=Producer(np.asfortranarray(x)))["probs"], mlp(x=x)["probs"])


def test_non_cpu_tensors_are_refused(mlp: mlang.Model) -> None:
    gpu = Producer(batch(1), device=(2, 0))
    with pytest.raises(mlang.MccError) as e:
        mlp(x=gpu)
    assert e.value.status == mlang.Status.UNSUPPORTED and "kDLCUDA:0" in e.value.message
    assert gpu.calls == 0, "no capsule is requested for memory we cannot use"


def test_objects_without_dlpack_are_a_type_error() -> None:
    with pytest.raises(TypeError, match="does not support DLPack"):
        mlang.from_dlpack(object())


# --- DLPack out ------------------------------------------------------------------------------------

def test_outputs_export_through_dlpack_without_copies(mlp: mlang.Model) -> None:
    probs = mlp(x=batch(2, seed=11))["probs"]
    assert hasattr(probs, "__dlpack__") and probs.__dlpack_device__() == (1, 0)
    view = np.from_dlpack(probs)
    assert np.shares_memory(view, probs)


@pytest.mark.parametrize("max_version", [None, (1, 0)], ids=["dlpack-0.x", "dlpack-1.0"])
def test_tensor_exports_the_same_memory(max_version: Optional[tuple[int, int]]) -> None:
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = mlang.from_dlpack(x)
    capsule = t.__dlpack__(max_version=max_version)
    assert "dltensor_versioned" in repr(capsule) if max_version else '"dltensor"' in repr(capsule)
    del capsule  # never consumed: its destructor releases the export
    gc.collect()
    assert not _dlpack._live
    view = np.from_dlpack(t)
    assert np.shares_memory(view, x) and view.shape == (2, 3)
    t.close()  # an export is still alive: the producer's memory must stay
    view[1, 2] = 42.0
    assert x[1, 2] == 42.0
    del view
    gc.collect()
    assert not _dlpack._live, "the consumer's deleter ran"


def test_export_rejects_other_devices_and_streams() -> None:
    t = mlang.from_dlpack(np.zeros(3, np.float32))
    with pytest.raises(BufferError):
        t.__dlpack__(dl_device=(2, 0))
    with pytest.raises(BufferError):
        t.__dlpack__(stream=5)
    copy = mlang.from_dlpack(t.__dlpack__(copy=True))
    assert copy.data_ptr != t.data_ptr and np.array_equal(copy.numpy(), t.numpy())
    copy.close()
    t.close()


# --- errors ------------------------------------------------------------------------------------------

def test_wrong_shape_carries_the_library_message(mlp: mlang.Model) -> None:
    with pytest.raises(mlang.MccError) as e:
        mlp(x=np.zeros((2, 783), np.float32))
    assert e.value.status == mlang.Status.SHAPE_MISMATCH
    assert e.value.message == "input 'x' (#0): dim 1 is 783, expected 784"
    assert str(e.value) == "input 'x' (#0): dim 1 is 783, expected 784 [SHAPE_MISMATCH]"
    with pytest.raises(mlang.MccError, match="rank"):
        mlp(x=np.zeros(784, np.float32))


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.bool_])
def test_wrong_dtype_is_not_converted(mlp: mlang.Model, dtype: Any) -> None:
    with pytest.raises(mlang.MccError) as e:
        mlp(x=np.zeros((2, 784), dtype))
    assert e.value.status == mlang.Status.DTYPE_MISMATCH and e.value.message.startswith("input 'x' (#0): dtype")
    with pytest.raises(mlang.MccError) as e:
        mlp(x=Producer(np.zeros((2, 784), dtype)))  # DLPack tensors are not converted either
    assert e.value.status == mlang.Status.DTYPE_MISMATCH


def test_missing_unknown_or_duplicate_inputs(mlp: mlang.Model) -> None:
    with pytest.raises(TypeError, match="missing input"):
        mlp()
    with pytest.raises(TypeError, match="no input 'pixels'"):
        mlp(pixels=batch(1))
    with pytest.raises(TypeError, match="given twice"):
        mlp(batch(1), x=batch(1))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as e:
        mlang.load(tmp_path / "libnothing.so")
    assert str(tmp_path / "libnothing.so") in str(e.value)
    with pytest.raises(OSError):
        mlang.load("libdefinitely-not-installed-anywhere.so")  # searched by dlopen, not found


def test_not_an_mcc_library_or_model(mlp_lib: Path, tmp_path: Path) -> None:
    libm = ctypes.util.find_library("m")
    assert libm
    with pytest.raises(mlang.MccError, match="not an mcc library") as e:
        mlang.load(libm)
    assert e.value.status == mlang.Status.UNSUPPORTED
    bogus = tmp_path / "libbogus.so"
    bogus.write_bytes(b"not an ELF file")
    with pytest.raises(OSError):
        mlang.load(bogus)
    with pytest.raises(mlang.MccError, match="NoSuchModel") as e:
        mlang.load(mlp_lib, "NoSuchModel")
    assert e.value.status == mlang.Status.NOT_FOUND


def test_closed_model(mlp_lib: Path) -> None:
    model = mlang.load(mlp_lib)
    model.close()
    model.close()
    assert model.closed and "closed" in repr(model)
    for call in (lambda: model(x=batch(1)), model.params, lambda: model.set_num_threads(1), model.clone):
        with pytest.raises(ValueError, match="model 'MLP' is closed"):
            call()


# --- threads -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("shared", [True, False], ids=["one-shared-model", "model-per-thread"])
def test_eight_threads_get_identical_results(mlp: mlang.Model, shared: bool) -> None:
    inputs = [batch(1 + t % 4, seed=200 + t) for t in range(8)]
    expected = [mlp(x=x)["probs"] for x in inputs]
    start = threading.Barrier(8)

    def work(t: int) -> list[np.ndarray]:
        model = mlp if shared else mlp.clone()
        try:
            start.wait()
            return [model(x=inputs[t] if r % 2 else mlang.from_dlpack(inputs[t]))["probs"] for r in range(20)]
        finally:
            if not shared:
                model.close()

    with ThreadPoolExecutor(8) as pool:
        for t, results in enumerate(pool.map(work, range(8))):
            for got in results:
                np.testing.assert_array_equal(got, expected[t], err_msg=f"thread {t}")


def test_last_error_stays_with_its_thread(mlp: mlang.Model) -> None:
    """Each thread's MccError carries its own input's message, not another thread's."""
    start = threading.Barrier(8)

    def work(t: int) -> str:
        start.wait()
        try:
            mlp(x=np.zeros((1, 700 + t), np.float32))
        except mlang.MccError as e:
            return e.message
        return "accepted"

    with ThreadPoolExecutor(8) as pool:
        for t, message in enumerate(pool.map(work, range(8))):
            assert message == f"input 'x' (#0): dim 1 is {700 + t}, expected 784"


# --- parameters and training hook --------------------------------------------------------------------

def test_save_params_round_trips_through_a_weights_file(mlp: mlang.Model, mcc: Path, tmp_path: Path) -> None:
    weights = tmp_path / "mlp.safetensors"
    mlp.save_params(weights)
    source = (ROOT / "examples" / "mlp.m").read_text().replace("seed = 42", f'weights = "{weights.name}"')
    (tmp_path / "mlp.m").write_text(source)
    proc = run_mcc(tmp_path / "mlp.m", "-o", tmp_path / "libreloaded.so")
    assert proc.returncode == 0, proc.stderr.decode()
    x = batch(3, seed=12)
    with mlang.load(tmp_path / "libreloaded.so") as reloaded:
        for name, value in mlp.params().items():
            np.testing.assert_array_equal(reloaded.params()[name], value, err_msg=name)
        np.testing.assert_array_equal(reloaded(x=x)["probs"], mlp(x=x)["probs"])


def test_training_calls_fail_cleanly_without_training_functions(mlp: mlang.Model) -> None:
    assert mlp.has_training is False   # compiled without --train-loss (Tests/python/test_training_abi.py trains)
    with pytest.raises(mlang.MccError, match="model 'MLP' has no training function") as e:
        mlp.train_step(batch(2), np.zeros(2, np.int64))
    assert e.value.status == mlang.Status.UNSUPPORTED


# --- packaging and typing ----------------------------------------------------------------------------

def test_pip_install_works(tmp_path: Path, mlp_lib: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT / "bindings" / "python", source, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    # Offline when the build backend is at hand; else pip fetches setuptools from PyPI, as a user's pip would.
    offline = importlib.util.find_spec("wheel") is not None and importlib.util.find_spec("setuptools") is not None
    flags = ["--no-build-isolation", "--no-index"] if offline else []
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", *flags, "--disable-pip-version-check",
                           "-q", "--target", str(target), str(source)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "mlang" / "py.typed").is_file(), "the typing marker is installed"
    script = ("import mlang, numpy as np; m = mlang.load(%r); "
              "print(mlang.__file__); print(m(x=np.zeros((1, 784), np.float32))['probs'].shape)") % str(mlp_lib)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(target)}, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [str(target / "mlang" / "__init__.py"), "(1, 10)"]


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mlang_type_checks_strictly() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
                           str(ROOT / "bindings" / "python" / "mlang")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
