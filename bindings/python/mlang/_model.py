"""`Model`: one instance of a compiled model, over the C ABI of include/mcc.h."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import struct
import threading
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

import numpy as np

from ._abi import (
    ABI_VERSION_MAJOR,
    DLDevice,
    DLDeviceType,
    DLTensor,
    TensorInfo,
    declare,
    dl_from_dtype,
    dl_type_name,
    dtype_from_dl,
)
from ._dlpack import Tensor, from_dlpack
from ._errors import MccError, Status
from ._training import TrainingMixin

__all__ = ["Dim", "Model", "TensorSpec", "load"]

#: A dim of a declared shape: an int when static, the symbol's name (e.g. "batch") or its
#: expression (e.g. "(h - 3) / 2 + 1") when symbolic.
Dim = Union[int, str]
PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class TensorSpec:
    """The declared signature of an input, output or parameter.

    `shape` holds ints for static dims and names (e.g. "batch") for symbolic ones.
    """

    name: str
    dtype: np.dtype
    shape: tuple[Dim, ...]

    @property
    def symbols(self) -> tuple[str, ...]:
        """The symbolic dims, in order: ("batch",) for x: f32[batch, 784]."""
        return tuple(d for d in self.shape if isinstance(d, str))

    def __str__(self) -> str:
        """As M writes it: "x: f32[batch, 784]"."""
        return f"{self.name}: {_type_name(self.dtype)}[{', '.join(str(d) for d in self.shape)}]"


def load(path: PathLike, model: Optional[str] = None) -> Model:
    """Loads an mcc library and creates an instance of `model` (default: the library's default model).

    Raises FileNotFoundError when `path` does not exist, OSError when it cannot be loaded,
    MccError when it is not an mcc library of a supported ABI or has no such model.
    """
    return Model(path, model)


class Model(TrainingMixin):
    """One instance of a compiled model: its own work memory and outputs.

    Thread-safe: calls on one Model are serialized by a lock, and the GIL is released while
    the library runs, so separate Models (see `clone`) run in parallel. Close it (or use
    `with`) to free the instance deterministically.
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

        An input may be a numpy array, an `mlang.Tensor`, anything with `__dlpack__` (torch,
        jax, ...) or plain Python data. Compact CPU arrays and DLPack tensors reach the library
        without a copy, and their dtype is never converted (the library checks it); lists and
        scalars take the declared dtype.

        Returns a dict from output name to a numpy array owned by the caller (copied out of
        the instance, whose buffers the next run reuses); `np.from_dlpack`/`torch.from_dlpack`
        take those arrays without another copy.
        Raises TypeError for missing, unknown or duplicate inputs, ValueError when the model is
        closed, MccError when the library rejects an input (wrong shape, dtype, ...) or fails.
        """
        values = self._bind_inputs(arrays, named)
        self._live_handle()  # a closed model fails before any conversion
        keep: list[Any] = []  # shape buffers and converted arrays, alive during the call
        imported: list[Tensor] = []  # DLPack imports made here, released right after the call
        try:
            tensors = (DLTensor * max(1, len(values)))()
            for i, value in enumerate(values):
                tensors[i] = self._input_tensor(value, self.inputs[i], keep, imported)
            with self._lock:
                handle = self._live_handle()
                self._check(self._lib.mcc_model_run(handle, tensors, len(values)))
                results: dict[str, np.ndarray] = {}
                for i, spec in enumerate(self.outputs):
                    view = DLTensor()
                    self._check(self._lib.mcc_model_output(handle, i, ctypes.byref(view)))
                    results[spec.name] = _copy_out(view)
            return results
        finally:
            for t in imported:
                t.close()

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

    def save_params(self, path: PathLike) -> None:
        """Writes the parameters to a safetensors file, the format M's `weights = "..."` reads.

        A model compiled with `weights = "<path>"` starts from these values.
        """
        _write_safetensors(os.fspath(path), self.params(), {"model": self.name, "producer": "mlang"})

    def set_num_threads(self, num_threads: int) -> None:
        """Number of threads the library's kernels may use (see mcc_model_set_num_threads)."""
        with self._lock:
            self._check(self._lib.mcc_model_set_num_threads(self._live_handle(), num_threads))

    def enable_profiling(self, enable: bool = True) -> None:
        """Record every kernel call (time, FLOPs) of the following runs; False discards the record."""
        with self._lock:
            self._check(self._lib.mcc_model_enable_profiling(self._live_handle(), 1 if enable else 0))

    def write_profile(self, path: str | os.PathLike[str]) -> None:
        """Write the recorded kernel calls as Chrome trace JSON (chrome://tracing, Perfetto)."""
        with self._lock:
            self._check(self._lib.mcc_model_write_profile(self._live_handle(), os.fsencode(path)))

    def clone(self) -> Model:
        """A new, independent instance of the same model with the compiled parameters (an
        instance's trained parameters stay its own; use save_checkpoint/load_checkpoint to copy them).

        One instance per thread lets threads run in parallel instead of taking turns.
        """
        self._live_handle()
        return Model(self.path, self.name)

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
        name = getattr(self, "name", "?")
        state = "closed" if self.closed else f"{len(self.inputs)} inputs, {len(self.outputs)} outputs"
        return f"<mlang.Model {name!r} from {self.path!r}: {state}>"

    # --- helpers ---------------------------------------------------------------------------

    def _check(self, status: int) -> None:
        # mcc_last_error is thread-local: read it on this thread, right after the failing call.
        if status != Status.OK:
            raise MccError(status, _text(self._lib.mcc_last_error()))

    def _live_handle(self) -> int:
        if self._handle is None:
            raise ValueError(f"model {getattr(self, 'name', '?')!r} is closed")
        return self._handle

    def _specs(self, count: Callable[[int], int], info_fn: Any) -> list[TensorSpec]:
        specs = []
        handle = self._live_handle()
        for i in range(count(handle)):
            info = TensorInfo()
            self._check(info_fn(handle, i, ctypes.byref(info)))
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
    def _input_tensor(value: Any, spec: TensorSpec, keep: list[Any], imported: list[Tensor]) -> DLTensor:
        if not isinstance(value, np.ndarray) and (isinstance(value, Tensor) or hasattr(value, "__dlpack__")):
            tensor = from_dlpack(value)
            if tensor is not value:
                imported.append(tensor)
            if tensor.is_compact:
                keep.append(tensor)
                return tensor.input_tensor()
            value = tensor.numpy()  # strided memory: _as_input makes it compact
        arr = Model._as_input(value, spec)
        shape = (ctypes.c_int64 * max(1, arr.ndim))(*arr.shape)
        keep += [arr, shape]
        return DLTensor(arr.ctypes.data, DLDevice(DLDeviceType.kDLCPU, 0), arr.ndim,
                        dl_from_dtype(arr.dtype), shape, None, 0)

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
            if os.sep in path and not os.path.exists(path):
                raise FileNotFoundError(errno.ENOENT, "no such mcc library", path)
            lib = ctypes.CDLL(path)  # OSError with dlopen's message when it cannot be loaded
            try:
                declare(lib)
            except AttributeError as e:
                raise MccError(Status.UNSUPPORTED, f"{path} is not an mcc library ({e})") from None
            _libraries[path] = lib
        return lib


def _text(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", errors="replace") if raw else ""


def _type_name(dtype: np.dtype) -> str:
    """M's spelling of a numpy dtype: f32, i64, u8, bool."""
    if dtype.kind == "b":
        return "bool"
    if dtype.kind in "fiuc":
        return f"{dtype.kind}{dtype.itemsize * 8}"
    if dtype.kind == "V" and dtype.itemsize == 2:
        return "bf16"  # the one 16-bit DLPack type numpy lacks (dtype_from_dl makes it raw bytes)
    return str(dtype)


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


_SAFETENSORS_DTYPES = {"f2": "F16", "f4": "F32", "f8": "F64", "i1": "I8", "i2": "I16", "i4": "I32",
                       "i8": "I64", "u1": "U8", "u2": "U16", "u4": "U32", "u8": "U64", "b1": "BOOL"}


def _write_safetensors(path: str, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> None:
    """safetensors: an 8-byte little-endian header length, a JSON header, then the raw data."""
    header: dict[str, Any] = {"__metadata__": metadata}
    blobs: list[bytes] = []
    offset = 0
    for name, array in tensors.items():
        little = array.astype(array.dtype.newbyteorder("<"), copy=False)
        code = _SAFETENSORS_DTYPES.get(f"{little.dtype.kind}{little.dtype.itemsize}")
        if code is None:
            raise TypeError(f"parameter {name!r}: safetensors has no type for {array.dtype}")
        data = np.ascontiguousarray(little).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keeps the data 8-byte aligned, as the format recommends
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)
