"""The C ABI's error paths, called through ctypes directly (plus mlang for the threading check).

Every rejected call must return the status in STATUS below and leave a non-empty
mcc_last_error() for the calling thread.
"""

from __future__ import annotations

import ctypes
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import numpy as np
import pytest

import mlang
from mlang._abi import DLDevice, DLDeviceType, DLTensor, Status, TensorInfo, declare, dl_from_dtype

# The status each kind of misuse must return (see the mcc_status comments in include/mcc.h).
STATUS: dict[str, Status] = {
    "null model": Status.INVALID_ARGUMENT,
    "null inputs": Status.INVALID_ARGUMENT,
    "null out pointer": Status.INVALID_ARGUMENT,
    "wrong num_inputs": Status.INVALID_ARGUMENT,
    "null data": Status.INVALID_ARGUMENT,
    "null shape": Status.INVALID_ARGUMENT,
    "wrong rank": Status.SHAPE_MISMATCH,
    "wrong dim": Status.SHAPE_MISMATCH,
    "wrong dtype": Status.DTYPE_MISMATCH,
    "non-CPU device": Status.UNSUPPORTED,
    "non-compact strides": Status.UNSUPPORTED,
    "index out of range": Status.INVALID_ARGUMENT,
    "unknown model": Status.NOT_FOUND,
}

Handle = Optional[int]


@pytest.fixture(scope="module")
def lib(mlp_lib: Path) -> ctypes.CDLL:
    return declare(ctypes.CDLL(str(mlp_lib)))


@pytest.fixture
def model(lib: ctypes.CDLL) -> Iterator[int]:
    handle = ctypes.c_void_p()
    assert lib.mcc_model_create(None, ctypes.byref(handle)) == Status.OK, lib.mcc_last_error()
    assert handle.value
    yield handle.value
    lib.mcc_model_destroy(handle.value)


class Tensor:
    """A DLTensor over a numpy array, with every field overridable; keeps its buffers alive."""

    def __init__(self, arr: np.ndarray, *, shape: Optional[Sequence[int]] = None,
                 strides: Optional[Sequence[int]] = None, device: int = DLDeviceType.kDLCPU,
                 null_data: bool = False, null_shape: bool = False) -> None:
        self.arr = arr
        shape = arr.shape if shape is None else shape
        self.shape = (ctypes.c_int64 * max(1, len(shape)))(*shape)
        self.strides = None if strides is None else (ctypes.c_int64 * len(strides))(*strides)
        self.dl = DLTensor(None if null_data else arr.ctypes.data, DLDevice(device, 0), len(shape),
                           dl_from_dtype(arr.dtype), None if null_shape else self.shape, self.strides, 0)


def x_batch(n: int = 2, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, 784), dtype=np.float32)


def run(lib: ctypes.CDLL, model: Handle, tensors: Sequence[Tensor], num_inputs: Optional[int] = None) -> int:
    array = (DLTensor * max(1, len(tensors)))(*(t.dl for t in tensors))
    return lib.mcc_model_run(model, array, len(tensors) if num_inputs is None else num_inputs)


def output(lib: ctypes.CDLL, model: int, index: int = 0) -> np.ndarray:
    view = DLTensor()
    assert lib.mcc_model_output(model, index, ctypes.byref(view)) == Status.OK, lib.mcc_last_error()
    shape = tuple(view.shape[d] for d in range(view.ndim))
    flat = np.ctypeslib.as_array(ctypes.cast(view.data, ctypes.POINTER(ctypes.c_float)), shape=(int(np.prod(shape)),))
    return flat.reshape(shape).copy()


def expect(lib: ctypes.CDLL, status: int, kind: str, *words: str) -> str:
    message = (lib.mcc_last_error() or b"").decode(errors="replace")
    assert status == STATUS[kind], f"{kind}: got status {status}, expected {STATUS[kind]!r}; message: {message!r}"
    assert message.strip(), f"{kind}: mcc_last_error() is empty"
    for word in words:
        assert word in message, f"{kind}: {word!r} not in {message!r}"
    return message


# --- library-wide queries ---------------------------------------------------------------------

def test_library_queries(lib: ctypes.CDLL) -> None:
    assert lib.mcc_abi_version() >> 16 == 1
    assert lib.mcc_compiler_version()
    assert lib.mcc_model_count() >= 1
    names = [lib.mcc_model_name(i) for i in range(lib.mcc_model_count())]
    assert b"MLP" in names
    assert lib.mcc_model_name(lib.mcc_model_count()) is None
    assert lib.mcc_model_name(-1) is None
    for status in Status:
        assert lib.mcc_status_string(status), status
    lib.mcc_model_destroy(None)  # a no-op


def test_unknown_model_name(lib: ctypes.CDLL) -> None:
    handle = ctypes.c_void_p()
    status = lib.mcc_model_create(b"NoSuchModel", ctypes.byref(handle))
    expect(lib, status, "unknown model", "NoSuchModel")


def test_create_with_null_out_pointer(lib: ctypes.CDLL) -> None:
    expect(lib, lib.mcc_model_create(None, None), "null out pointer")


def test_find_by_name(lib: ctypes.CDLL, model: int) -> None:
    assert lib.mcc_model_find_input(model, b"x") == 0
    assert lib.mcc_model_find_output(model, b"probs") == 0
    assert lib.mcc_model_find_param(model, b"fc1.weight") >= 0
    assert lib.mcc_model_find_input(model, b"nope") == -1
    assert lib.mcc_model_find_param(model, b"nope") == -1


# --- mcc_model_run ------------------------------------------------------------------------------

def test_valid_run_with_explicit_compact_strides(lib: ctypes.CDLL, model: int) -> None:
    x = x_batch()
    assert run(lib, model, [Tensor(x)]) == Status.OK, lib.mcc_last_error()
    plain = output(lib, model)
    assert run(lib, model, [Tensor(x, strides=(784, 1))]) == Status.OK, lib.mcc_last_error()
    np.testing.assert_array_equal(output(lib, model), plain)


def test_null_model(lib: ctypes.CDLL) -> None:
    expect(lib, run(lib, None, [Tensor(x_batch())]), "null model")


def test_null_inputs(lib: ctypes.CDLL, model: int) -> None:
    expect(lib, lib.mcc_model_run(model, None, 1), "null inputs")


@pytest.mark.parametrize("count", [0, 2])
def test_wrong_num_inputs(lib: ctypes.CDLL, model: int, count: int) -> None:
    x = x_batch()
    expect(lib, run(lib, model, [Tensor(x), Tensor(x)], num_inputs=count), "wrong num_inputs")


@pytest.mark.parametrize("shape", [(784,), (2, 1, 784)])
def test_wrong_rank(lib: ctypes.CDLL, model: int, shape: tuple[int, ...]) -> None:
    x = np.zeros(shape, dtype=np.float32)
    expect(lib, run(lib, model, [Tensor(x)]), "wrong rank", "'x'")


def test_wrong_dim(lib: ctypes.CDLL, model: int) -> None:
    x = np.zeros((2, 783), dtype=np.float32)
    expect(lib, run(lib, model, [Tensor(x)]), "wrong dim", "'x'", "784", "783")


@pytest.mark.parametrize("dtype", [np.float64, np.int32])
def test_wrong_dtype(lib: ctypes.CDLL, model: int, dtype: type) -> None:
    x: np.ndarray = np.zeros((2, 784), dtype=dtype)
    expect(lib, run(lib, model, [Tensor(x)]), "wrong dtype", "'x'")


def test_non_cpu_device(lib: ctypes.CDLL, model: int) -> None:
    expect(lib, run(lib, model, [Tensor(x_batch(), device=DLDeviceType.kDLCUDA)]), "non-CPU device", "'x'")


@pytest.mark.parametrize("layout", ["every other column", "column-major"])
def test_non_compact_strides(lib: ctypes.CDLL, model: int, layout: str) -> None:
    if layout == "every other column":
        base = np.zeros((2, 2 * 784), dtype=np.float32)
        tensor = Tensor(base, shape=(2, 784), strides=(2 * 784, 2))
    else:
        tensor = Tensor(np.zeros((784, 2), dtype=np.float32), shape=(2, 784), strides=(1, 2))
    expect(lib, run(lib, model, [tensor]), "non-compact strides", "'x'")


def test_null_data(lib: ctypes.CDLL, model: int) -> None:
    expect(lib, run(lib, model, [Tensor(x_batch(), null_data=True)]), "null data", "'x'")


def test_null_shape(lib: ctypes.CDLL, model: int) -> None:
    expect(lib, run(lib, model, [Tensor(x_batch(), null_shape=True)]), "null shape", "'x'")


def test_failed_run_keeps_last_outputs_and_instance_usable(lib: ctypes.CDLL, model: int) -> None:
    x = x_batch(3, seed=1)
    assert run(lib, model, [Tensor(x)]) == Status.OK, lib.mcc_last_error()
    before = output(lib, model)
    expect(lib, run(lib, model, [Tensor(np.zeros((3, 783), dtype=np.float32))]), "wrong dim")
    np.testing.assert_array_equal(output(lib, model), before)  # still the last successful run
    assert run(lib, model, [Tensor(x)]) == Status.OK, lib.mcc_last_error()
    np.testing.assert_array_equal(output(lib, model), before)


# --- outputs and introspection out of range ---------------------------------------------------

@pytest.mark.parametrize("index", [1, -1, 1000])
def test_output_index_out_of_range(lib: ctypes.CDLL, model: int, index: int) -> None:
    assert run(lib, model, [Tensor(x_batch())]) == Status.OK, lib.mcc_last_error()
    view = DLTensor()
    expect(lib, lib.mcc_model_output(model, index, ctypes.byref(view)), "index out of range")


def test_info_index_out_of_range(lib: ctypes.CDLL, model: int) -> None:
    info = TensorInfo()
    expect(lib, lib.mcc_model_input_info(model, 1, ctypes.byref(info)), "index out of range")
    expect(lib, lib.mcc_model_output_info(model, -1, ctypes.byref(info)), "index out of range")
    n = lib.mcc_model_num_params(model)
    expect(lib, lib.mcc_model_param_info(model, n, ctypes.byref(info)), "index out of range")
    expect(lib, lib.mcc_model_param(model, n, ctypes.byref(DLTensor())), "index out of range")


# --- threads ------------------------------------------------------------------------------------

def test_last_error_is_thread_local(lib: ctypes.CDLL, model: int) -> None:
    mine = expect(lib, run(lib, model, [Tensor(np.zeros((2, 783), dtype=np.float32))]), "wrong dim")
    seen: dict[str, bytes] = {}

    def other_thread() -> None:
        seen["before"] = lib.mcc_last_error()
        run(lib, model, [Tensor(np.zeros((2, 784), dtype=np.float64))])  # fails differently
        seen["after"] = lib.mcc_last_error()

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    assert seen["before"] == b"", "a fresh thread sees another thread's error"
    assert seen["after"] and seen["after"].decode() != mine
    assert lib.mcc_last_error().decode() == mine, "another thread's failure replaced this thread's error"


THREADS, ROUNDS = 8, 5


def _inputs() -> list[np.ndarray]:
    return [x_batch(1 + t % 4, seed=100 + t) for t in range(THREADS)]


def test_threads_on_separate_instances(lib: ctypes.CDLL, model: int) -> None:
    inputs = _inputs()
    expected = []
    for x in inputs:
        assert run(lib, model, [Tensor(x)]) == Status.OK
        expected.append(output(lib, model))
    barrier = threading.Barrier(THREADS)

    def work(t: int) -> list[np.ndarray]:
        handle = ctypes.c_void_p()
        assert lib.mcc_model_create(None, ctypes.byref(handle)) == Status.OK
        instance = handle.value
        assert instance
        try:
            barrier.wait()
            results = []
            for _ in range(ROUNDS):
                status = run(lib, instance, [Tensor(inputs[t])])
                assert status == Status.OK, lib.mcc_last_error()
                results.append(output(lib, instance))
            return results
        finally:
            lib.mcc_model_destroy(instance)

    with ThreadPoolExecutor(THREADS) as pool:
        for t, results in enumerate(pool.map(work, range(THREADS))):
            for got in results:
                np.testing.assert_array_equal(got, expected[t], err_msg=f"thread {t}")


def test_threads_on_one_shared_mlang_model(mlp: mlang.Model) -> None:
    inputs = _inputs()
    expected = [mlp(x)["probs"] for x in inputs]
    barrier = threading.Barrier(THREADS)

    def work(t: int) -> list[Any]:
        barrier.wait()
        return [mlp(inputs[t])["probs"] for _ in range(ROUNDS)]

    with ThreadPoolExecutor(THREADS) as pool:
        for t, results in enumerate(pool.map(work, range(THREADS))):
            for got in results:
                np.testing.assert_array_equal(got, expected[t], err_msg=f"thread {t}")
