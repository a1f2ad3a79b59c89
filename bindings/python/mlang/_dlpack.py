"""DLPack in and out: `from_dlpack` imports any producer's tensor without copying, and `Tensor`
exports itself through `__dlpack__`, so torch, jax, numpy and cupy-style libraries exchange
memory with mlang without copies.

The protocol (https://dmlc.github.io/dlpack/latest/python_spec.html): a producer's
`__dlpack__()` returns a PyCapsule named "dltensor" (DLPack 0.x, `DLManagedTensor`) or, when the
consumer passes `max_version=(1, 0)`, "dltensor_versioned" (`DLManagedTensorVersioned`). The
consumer renames the capsule to "used_dltensor[_versioned]" and from then on owns the managed
tensor: it must call its `deleter` exactly once when done. A capsule nobody consumed frees
itself through its destructor.
"""

from __future__ import annotations

import ctypes
import threading
from ctypes import c_char_p, c_int, c_void_p
from typing import Any, Callable, Optional, Union

import numpy as np

from ._abi import (
    DLPACK_FLAG_READ_ONLY,
    DLPACK_VERSION,
    DLDataType,
    DLDevice,
    DLDeviceType,
    DLManagedTensor,
    DLManagedTensorVersioned,
    DLPackVersion,
    DLTensor,
    dl_type_name,
    dtype_from_dl,
)
from ._errors import MccError, Status

__all__ = ["Tensor", "from_dlpack"]

# Capsule names are stored by pointer (PyCapsule_New, PyCapsule_SetName), so they must outlive
# every capsule: module-level bytes objects never move and live as long as the module.
_LEGACY = b"dltensor"
_VERSIONED = b"dltensor_versioned"
_USED_LEGACY = b"used_dltensor"
_USED_VERSIONED = b"used_dltensor_versioned"

# The C-API calls, with raw pointers where a capsule may be dying (no new references to it).
_api = ctypes.pythonapi
_is_valid = ctypes.PYFUNCTYPE(c_int, ctypes.py_object, c_char_p)(("PyCapsule_IsValid", _api))
_get_pointer = ctypes.PYFUNCTYPE(c_void_p, ctypes.py_object, c_char_p)(("PyCapsule_GetPointer", _api))
_set_name = ctypes.PYFUNCTYPE(c_int, ctypes.py_object, c_char_p)(("PyCapsule_SetName", _api))
_is_valid_raw = ctypes.PYFUNCTYPE(c_int, c_void_p, c_char_p)(("PyCapsule_IsValid", _api))
_get_pointer_raw = ctypes.PYFUNCTYPE(c_void_p, c_void_p, c_char_p)(("PyCapsule_GetPointer", _api))
_DESTRUCTOR = ctypes.CFUNCTYPE(None, c_void_p)
_capsule_new = ctypes.PYFUNCTYPE(ctypes.py_object, c_void_p, c_char_p, _DESTRUCTOR)(("PyCapsule_New", _api))
# A producer's deleter. PYFUNCTYPE keeps the GIL held during the call: producers such as numpy
# take it themselves (PyGILState_Ensure is reentrant), and none may require it to be free.
_DELETER = ctypes.PYFUNCTYPE(None, c_void_p)


class Tensor:
    """A CPU tensor in DLPack form, shared with another library without copying.

    Made by `from_dlpack(obj)`, which keeps `obj`'s memory alive (through the producer's
    deleter) until this tensor is closed or collected and nobody it was exported to still
    uses it. Pass it to `Model.run`, or hand it on: `np.from_dlpack(t)`, `torch.from_dlpack(t)`
    and `t.numpy()` are views of the same memory.
    """

    def __init__(self, dl: DLTensor, release: Optional[Callable[[], None]], *, readonly: bool = False,
                 keep: Any = None) -> None:
        """Internal: use `from_dlpack`. `dl` describes memory that stays valid until `release()`."""
        self._dl = dl
        self._release = release
        self._keep = keep  # whatever owns the struct `dl` points into
        self._lock = threading.Lock()
        self._closed = False
        self._exports = 0  # capsules handed out whose deleter has not run yet
        self.readonly = readonly
        self.shape: tuple[int, ...] = tuple(int(dl.shape[d]) for d in range(dl.ndim)) if dl.ndim else ()
        self.strides: Optional[tuple[int, ...]] = (
            tuple(int(dl.strides[d]) for d in range(dl.ndim)) if dl.strides and dl.ndim else None)
        self.dtype: np.dtype = dtype_from_dl(dl.dtype)
        self.device: tuple[int, int] = (int(dl.device.device_type), int(dl.device.device_id))

    @property
    def data_ptr(self) -> int:
        """Address of the first element (`data + byte_offset`)."""
        return int(self._dl.data or 0) + int(self._dl.byte_offset)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def is_compact(self) -> bool:
        """True when the strides are absent or row-major compact (what mcc libraries take)."""
        if self.strides is None:
            return True
        expected = 1
        for n, s in zip(reversed(self.shape), reversed(self.strides)):
            if n != 1 and s != expected:
                return False
            expected *= n
        return True

    @property
    def closed(self) -> bool:
        return self._closed

    def numpy(self) -> np.ndarray:
        """A numpy view of the same memory (no copy); read-only when the producer said so."""
        return np.from_dlpack(self)

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> np.ndarray:
        arr = self.numpy()
        if copy:
            arr = arr.copy()
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.device

    def __dlpack__(self, *, stream: Any = None, max_version: Optional[tuple[int, int]] = None,
                   dl_device: Optional[tuple[int, int]] = None, copy: Optional[bool] = None) -> Any:
        """Exports this tensor as a DLPack capsule (versioned when the consumer allows it)."""
        if stream is not None and stream != -1:
            raise BufferError("mlang tensors live in CPU memory: stream must be None")
        if dl_device is not None and tuple(dl_device) != self.device:
            raise BufferError(f"cannot export a tensor on device {self.device} to device {tuple(dl_device)}")
        if copy:
            return self.numpy().copy().__dlpack__(max_version=max_version)
        versioned = max_version is not None and tuple(max_version)[0] >= 1
        with self._lock:
            if self._closed:
                raise ValueError("tensor is closed")
            self._exports += 1
        try:
            return _export(self, versioned)
        except BaseException:
            self._export_done()
            raise

    def input_tensor(self) -> DLTensor:
        """A DLTensor for mcc_model_run: `byte_offset` folded into `data`, strides kept."""
        if self._closed:
            raise ValueError("tensor is closed")
        dl = self._dl
        data = self.data_ptr if dl.data else None
        return DLTensor(data, DLDevice(dl.device.device_type, dl.device.device_id), dl.ndim,
                        DLDataType(dl.dtype.code, dl.dtype.bits, dl.dtype.lanes), dl.shape, dl.strides, 0)

    def close(self) -> None:
        """Gives the memory back to its producer, once every export of it is released too."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            release = self._release if self._exports == 0 else None
            if release is not None:
                self._release = None
        if release is not None:
            release()

    def _export_done(self) -> None:
        with self._lock:
            self._exports -= 1
            release = self._release if (self._closed and self._exports == 0) else None
            if release is not None:
                self._release = None
        if release is not None:
            release()

    def __enter__(self) -> Tensor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self) -> str:
        kind = "closed " if self._closed else ""
        return (f"<mlang.Tensor {kind}{dl_type_name(self._dl.dtype)}{list(self.shape)} "
                f"device={self.device} at 0x{self.data_ptr:x}>")


TensorLike = Union[Tensor, np.ndarray, Any]


def from_dlpack(obj: Any) -> Tensor:
    """Imports `obj` (anything with `__dlpack__`, or a DLPack capsule) without copying.

    Raises TypeError when `obj` speaks no DLPack, BufferError for a DLPack version this
    binding does not understand, and `MccError(UNSUPPORTED)` for memory that is not on the CPU.
    """
    if isinstance(obj, Tensor):
        return obj
    if type(obj).__name__ == "PyCapsule":
        return _from_capsule(obj)
    export = getattr(obj, "__dlpack__", None)
    if export is None:
        raise TypeError(f"{type(obj).__name__} does not support DLPack (it has no __dlpack__)")
    device = getattr(obj, "__dlpack_device__", None)
    if device is not None:
        device_type, device_id = device()
        if device_type != DLDeviceType.kDLCPU:
            raise _unsupported(f"mcc libraries run on the CPU; this tensor is on device "
                               f"{_device_name(device_type)}:{device_id} (copy it to the CPU first)")
    try:
        capsule = export(max_version=DLPACK_VERSION)
    except TypeError:  # a producer older than DLPack 1.0 takes no max_version
        capsule = export()
    return _from_capsule(capsule)


def _from_capsule(capsule: Any) -> Tensor:
    if _is_valid(capsule, _VERSIONED):
        address = _get_pointer(capsule, _VERSIONED)
        managed = DLManagedTensorVersioned.from_address(address)
        if managed.version.major != DLPACK_VERSION[0]:
            # Left unconsumed: the capsule's destructor frees it.
            raise BufferError(f"DLPack {managed.version.major}.{managed.version.minor} tensor; "
                              f"mlang understands {DLPACK_VERSION[0]}.x")
        _set_name(capsule, _USED_VERSIONED)
        readonly = bool(managed.flags & DLPACK_FLAG_READ_ONLY)
        dl, deleter = managed.dl_tensor, managed.deleter
        keep: Any = managed
    elif _is_valid(capsule, _LEGACY):
        address = _get_pointer(capsule, _LEGACY)
        legacy = DLManagedTensor.from_address(address)
        _set_name(capsule, _USED_LEGACY)
        readonly, dl, deleter, keep = False, legacy.dl_tensor, legacy.deleter, legacy
    else:
        raise TypeError("not a DLPack capsule, or one that was already consumed")

    def release() -> None:
        if deleter:
            _DELETER(deleter)(address)

    tensor = Tensor(dl, release, readonly=readonly, keep=keep)
    if tensor.device[0] != DLDeviceType.kDLCPU:
        tensor.close()
        raise _unsupported(f"mcc libraries run on the CPU; this tensor is on device "
                           f"{_device_name(tensor.device[0])}:{tensor.device[1]}")
    return tensor


# --- export -------------------------------------------------------------------------------------

class _Export:
    """What one exported capsule points into; lives in `_live` until the consumer's deleter runs."""

    def __init__(self, tensor: Tensor, versioned: bool) -> None:
        self.tensor = tensor
        self.shape = (ctypes.c_int64 * max(1, tensor.ndim))(*tensor.shape)
        self.strides = (ctypes.c_int64 * max(1, tensor.ndim))(*tensor.strides) if tensor.strides else None
        src = tensor._dl
        dl = DLTensor(src.data, DLDevice(src.device.device_type, src.device.device_id), src.ndim,
                      DLDataType(src.dtype.code, src.dtype.bits, src.dtype.lanes), self.shape,
                      self.strides, src.byte_offset)
        deleter = ctypes.cast(_export_deleter, c_void_p)
        self.managed: Union[DLManagedTensor, DLManagedTensorVersioned]
        if versioned:
            flags = DLPACK_FLAG_READ_ONLY if tensor.readonly else 0
            self.managed = DLManagedTensorVersioned(DLPackVersion(*DLPACK_VERSION), None, deleter, flags, dl)
        else:
            self.managed = DLManagedTensor(dl, None, deleter)


_live: dict[int, _Export] = {}  # address of the managed struct -> its export


def _on_export_deleted(address: Optional[int]) -> None:
    export = _live.pop(address or 0, None)
    if export is not None:
        export.tensor._export_done()


def _on_capsule_destroyed(capsule: Optional[int]) -> None:
    # A capsule dropped before anyone consumed it still owns its tensor: free it here.
    # The capsule is being deallocated, so only raw-pointer calls are safe.
    for name in (_LEGACY, _VERSIONED):
        if _is_valid_raw(capsule, name):
            _on_export_deleted(_get_pointer_raw(capsule, name))
            return


# C function pointers over the two callbacks; module globals, so they live as long as any capsule.
_export_deleter = ctypes.CFUNCTYPE(None, c_void_p)(_on_export_deleted)
_capsule_destructor = _DESTRUCTOR(_on_capsule_destroyed)


def _export(tensor: Tensor, versioned: bool) -> Any:
    export = _Export(tensor, versioned)
    address = ctypes.addressof(export.managed)
    _live[address] = export
    try:
        return _capsule_new(address, _VERSIONED if versioned else _LEGACY, _capsule_destructor)
    except BaseException:
        _live.pop(address, None)
        raise


def _device_name(device_type: int) -> str:
    try:
        return DLDeviceType(device_type).name
    except ValueError:
        return f"device type {device_type}"


def _unsupported(message: str) -> MccError:
    return MccError(Status.UNSUPPORTED, message)
