"""Python bindings for libraries built by mcc, the M compiler.

    import mlang
    with mlang.load("out/libmlp.so") as model:
        print(model.inputs)                      # [TensorSpec(name='x', dtype=float32, shape=('batch', 784))]
        probs = model(x)["probs"]                # x: float32 array of shape (n, 784)

Pure Python over ctypes and numpy: it talks to the C ABI of include/mcc.h only.
Inputs are handed to the library without copying when they are C-contiguous, aligned numpy
arrays; their dtype is never converted, so a wrong dtype reaches the library and is reported
by it (as `MccError`). Outputs and parameters are returned as numpy copies.
"""

from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from typing import Any, Optional, Union

import numpy as np

from ._abi import (
    ABI_VERSION_MAJOR,
    DLDataType,
    DLDevice,
    DLDeviceType,
    DLTensor,
    Status,
    TensorInfo,
    declare,
    dl_from_dtype,
    dl_type_name,
    dtype_from_dl,
)

__all__ = ["load", "Model", "TensorSpec", "MccError", "Status", "DLTensor", "DLDevice", "DLDataType"]
__version__ = "0.1.0"

Dim = Union[int, str]
PathLike = Union[str, "os.PathLike[str]"]


class MccError(Exception):
    """A failure reported by an mcc library: its `mcc_status` and `mcc_last_error()` text."""

    def __init__(self, status: int, message: str) -> None:
        try:
            self.status: Union[Status, int] = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        super().__init__(status, message)

    def __str__(self) -> str:
        name = self.status.name if isinstance(self.status, Status) else f"status {self.status}"
        return f"{self.message} [{name}]"


@dataclass(frozen=True)
class TensorSpec:
    """The declared signature of an input, output or parameter.

    `shape` holds ints for static dims and names (e.g. "batch") for symbolic ones.
    """

    name: str
    dtype: np.dtype
    shape: tuple[Dim, ...]

    def __str__(self) -> str:
        """As M writes it: "x: f32[batch, 784]"."""
        kind = self.dtype.kind if self.dtype.kind in "fiuc" else str(self.dtype)
        bits = self.dtype.itemsize * 8 if self.dtype.kind in "fiuc" else ""
        return f"{self.name}: {kind}{bits}[{', '.join(str(d) for d in self.shape)}]"


def load(path: PathLike, model: Optional[str] = None) -> Model:
    """Loads an mcc library and creates an instance of `model` (default: the library's default model)."""
    return Model(path, model)


class Model:
    """One instance of a compiled model: its own work memory and outputs.

    Thread-safe: calls on one Model are serialized by a lock, and the GIL is released while
    the library runs, so separate Models run in parallel. Close it (or use `with`) to free
    the instance deterministically.
    """

    def __init__(self, path: PathLike, model: Optional[str] = None) -> None:
        self._handle: Optional[int] = None  # set first, so __del__ works if we fail below
        self._lock = threading.Lock()
        path = os.fspath(path)
        # dlopen searches the library path for names without a slash; a file we can see wins.
        self.path: str = os.path.abspath(path) if os.path.exists(path) else path
        self._lib = _open_library(self.path)
        lib = self._lib

        version = lib.mcc_abi_version()
        self.abi_version: tuple[int, int] = (version >> 16, version & 0xFFFF)
        if self.abi_version[0] != ABI_VERSION_MAJOR:
            raise MccError(Status.UNSUPPORTED,
                           f"{self.path} implements mcc C ABI {self.abi_version[0]}.{self.abi_version[1]}; "
                           f"this binding supports {ABI_VERSION_MAJOR}.x")
        self.compiler_version: str = _text(lib.mcc_compiler_version())
        self.available_models: tuple[str, ...] = tuple(
            _text(lib.mcc_model_name(i)) for i in range(lib.mcc_model_count()))

        handle = ctypes.c_void_p()
        self._check(lib.mcc_model_create(model.encode() if model is not None else None, ctypes.byref(handle)))
        self._handle = handle.value
        self.name: str = _text(lib.mcc_model_instance_name(self._handle))
        self.inputs: list[TensorSpec] = self._specs(lib.mcc_model_num_inputs, lib.mcc_model_input_info)
        self.outputs: list[TensorSpec] = self._specs(lib.mcc_model_num_outputs, lib.mcc_model_output_info)
        self.params_info: list[TensorSpec] = self._specs(lib.mcc_model_num_params, lib.mcc_model_param_info)

    # --- running ---------------------------------------------------------------------------

    def run(self, *arrays: Any, **named: Any) -> dict[str, np.ndarray]:
        """Runs the model; inputs by position (declaration order) and/or by name.

        Returns a dict from output name to a numpy array owned by the caller.
        Raises TypeError for missing, unknown or duplicate inputs, MccError when the library
        rejects an input (wrong shape, dtype, ...) or fails.
        """
        values = self._bind_inputs(arrays, named)
        keep: list[Any] = []  # keeps shape buffers and any contiguous copies alive during the call
        tensors = (DLTensor * max(1, len(values)))()
        for i, value in enumerate(values):
            arr = self._as_input(value, self.inputs[i])
            shape = (ctypes.c_int64 * max(1, arr.ndim))(*arr.shape)
            keep += [arr, shape]
            tensors[i] = DLTensor(arr.ctypes.data, DLDevice(DLDeviceType.kDLCPU, 0), arr.ndim,
                                  dl_from_dtype(arr.dtype), shape, None, 0)
        with self._lock:
            handle = self._live_handle()
            self._check(self._lib.mcc_model_run(handle, tensors, len(values)))
            results: dict[str, np.ndarray] = {}
            for i, spec in enumerate(self.outputs):
                view = DLTensor()
                self._check(self._lib.mcc_model_output(handle, i, ctypes.byref(view)))
                results[spec.name] = _copy_out(view)
        return results

    __call__ = run

    def params(self) -> dict[str, np.ndarray]:
        """Copies of all parameters, by name (e.g. "fc1.weight")."""
        with self._lock:
            handle = self._live_handle()
            out: dict[str, np.ndarray] = {}
            for i, spec in enumerate(self.params_info):
                view = DLTensor()
                self._check(self._lib.mcc_model_param(handle, i, ctypes.byref(view)))
                out[spec.name] = _copy_out(view)
            return out

    def set_num_threads(self, num_threads: int) -> None:
        """Number of threads the library's kernels may use (see mcc_model_set_num_threads)."""
        with self._lock:
            self._check(self._lib.mcc_model_set_num_threads(self._live_handle(), num_threads))

    # --- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Destroys the instance; further calls raise ValueError. Closing twice is fine."""
        with self._lock:
            if self._handle is not None:
                self._lib.mcc_model_destroy(self._handle)
                self._handle = None

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> Model:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown may have torn down what close() needs
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{len(self.inputs)} inputs, {len(self.outputs)} outputs"
        return f"<mlang.Model {self.name!r} from {self.path!r}: {state}>"

    # --- helpers ---------------------------------------------------------------------------

    def _check(self, status: int) -> None:
        # mcc_last_error is thread-local: read it on this thread, right after the failing call.
        if status != Status.OK:
            raise MccError(status, _text(self._lib.mcc_last_error()))

    def _live_handle(self) -> int:
        if self._handle is None:
            raise ValueError(f"model {self.name!r} is closed")
        return self._handle

    def _specs(self, count: Any, info_fn: Any) -> list[TensorSpec]:
        specs = []
        for i in range(count(self._handle)):
            info = TensorInfo()
            self._check(info_fn(self._handle, i, ctypes.byref(info)))
            shape: list[Dim] = []
            for d in range(info.ndim):
                if info.dims[d] >= 0:
                    shape.append(int(info.dims[d]))
                else:
                    name = info.dim_names[d] if info.dim_names else None
                    shape.append(_text(name) if name else "?")
            specs.append(TensorSpec(_text(info.name), dtype_from_dl(info.dtype), tuple(shape)))
        return specs

    def _bind_inputs(self, arrays: tuple[Any, ...], named: dict[str, Any]) -> list[Any]:
        names = [spec.name for spec in self.inputs]
        if len(arrays) > len(names):
            raise TypeError(f"model {self.name!r} takes {len(names)} inputs, got {len(arrays)} positional")
        values: list[Any] = list(arrays) + [_MISSING] * (len(names) - len(arrays))
        for key, value in named.items():
            if key not in names:
                raise TypeError(f"model {self.name!r} has no input {key!r} (inputs: {', '.join(names)})")
            index = names.index(key)
            if values[index] is not _MISSING:
                raise TypeError(f"input {key!r} given twice")
            values[index] = value
        missing = [n for n, v in zip(names, values) if v is _MISSING]
        if missing:
            raise TypeError(f"missing input(s) {', '.join(repr(n) for n in missing)} of model {self.name!r}")
        return values

    @staticmethod
    def _as_input(value: Any, spec: TensorSpec) -> np.ndarray:
        # Arrays keep their dtype (the library checks it); only Python data without a dtype of
        # its own (lists, scalars) takes the declared one.
        arr = value if isinstance(value, np.ndarray) else np.asarray(value, dtype=spec.dtype)
        if not (arr.flags.c_contiguous and arr.flags.aligned):
            arr = np.ascontiguousarray(arr)  # same dtype: only the layout changes
        return arr


_MISSING = object()
_libraries: dict[str, ctypes.CDLL] = {}
_libraries_lock = threading.Lock()


def _open_library(path: str) -> ctypes.CDLL:
    # One CDLL per path: declaring prototypes is not free, and dlopen shares the handle anyway.
    with _libraries_lock:
        lib = _libraries.get(path)
        if lib is None:
            lib = declare(ctypes.CDLL(path))
            _libraries[path] = lib
        return lib


def _text(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", errors="replace") if raw else ""


def _copy_out(view: DLTensor) -> np.ndarray:
    """A numpy copy of a CPU DLTensor view (compact or strided with non-negative strides)."""
    if view.device.device_type != DLDeviceType.kDLCPU:
        raise MccError(Status.UNSUPPORTED, f"library returned a tensor on device {view.device.device_type}")
    dtype = dtype_from_dl(view.dtype)
    shape = tuple(int(view.shape[d]) for d in range(view.ndim))
    if 0 in shape:
        return np.empty(shape, dtype)
    if not view.data:
        raise MccError(Status.INTERNAL, f"library returned a {dl_type_name(view.dtype)} view with NULL data")
    if view.strides:
        strides = tuple(int(view.strides[d]) for d in range(view.ndim))
    else:
        strides = tuple(int(np.prod(shape[d + 1:], dtype=np.int64)) for d in range(len(shape)))
    if any(s < 0 for s in strides):
        raise MccError(Status.UNSUPPORTED, "library returned a view with negative strides")
    span = 1 + sum((n - 1) * s for n, s in zip(shape, strides))
    buf = (ctypes.c_char * (span * dtype.itemsize)).from_address(view.data + view.byte_offset)
    base = np.frombuffer(memoryview(buf).cast("B"), dtype=dtype, count=span)
    return np.lib.stride_tricks.as_strided(base, shape, tuple(s * dtype.itemsize for s in strides)).copy()
