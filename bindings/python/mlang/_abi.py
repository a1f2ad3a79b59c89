"""ctypes declarations of the mcc C ABI (include/mcc.h) and of DLPack 0.6 (dlpack/dlpack.h).

This module only describes the ABI; `mlang` (the package) builds the Python API on it.
Tests use it to call the C functions directly.
"""

from __future__ import annotations

import ctypes
from ctypes import (POINTER, Structure, c_char_p, c_double, c_float, c_int, c_int32, c_int64, c_uint8, c_uint16, c_uint32,
                    c_uint64, c_void_p)
from enum import IntEnum
from typing import Any, Mapping

import numpy as np

#: The ABI major this binding implements; a library with another major is refused.
ABI_VERSION_MAJOR = 1
ABI_VERSION_MINOR = 1


class Status(IntEnum):
    """`mcc_status`."""

    OK = 0
    INVALID_ARGUMENT = 1
    SHAPE_MISMATCH = 2
    DTYPE_MISMATCH = 3
    UNSUPPORTED = 4
    OUT_OF_MEMORY = 5
    NOT_FOUND = 6
    INTERNAL = 7


class DLDeviceType(IntEnum):
    """`DLDeviceType` (the values DLPack 0.6 defines)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13


class DLDataTypeCode(IntEnum):
    """`DLDataTypeCode`."""

    kDLInt = 0
    kDLUInt = 1
    kDLFloat = 2
    kDLOpaqueHandle = 3
    kDLBfloat = 4
    kDLComplex = 5
    kDLBool = 6


class DLDevice(Structure):
    _fields_ = [("device_type", c_int), ("device_id", c_int)]


class DLDataType(Structure):
    _fields_ = [("code", c_uint8), ("bits", c_uint8), ("lanes", c_uint16)]


class DLTensor(Structure):
    _fields_ = [
        ("data", c_void_p),
        ("device", DLDevice),
        ("ndim", c_int),
        ("dtype", DLDataType),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("byte_offset", c_uint64),
    ]


class DLManagedTensor(Structure):
    """DLPack 0.x `DLManagedTensor`: what a capsule named "dltensor" points to."""

    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", c_void_p), ("deleter", c_void_p)]


class DLPackVersion(Structure):
    _fields_ = [("major", c_uint32), ("minor", c_uint32)]


class DLManagedTensorVersioned(Structure):
    """DLPack 1.x `DLManagedTensorVersioned`: what a capsule named "dltensor_versioned" points to."""

    _fields_ = [("version", DLPackVersion), ("manager_ctx", c_void_p), ("deleter", c_void_p),
                ("flags", c_uint64), ("dl_tensor", DLTensor)]


#: `DLManagedTensorVersioned.flags` bits (DLPack 1.0).
DLPACK_FLAG_READ_ONLY = 1 << 0
DLPACK_FLAG_IS_COPIED = 1 << 1
#: The DLPack version this binding produces and understands for versioned capsules.
DLPACK_VERSION = (1, 0)


class TensorInfo(Structure):
    """`mcc_tensor_info`."""

    _fields_ = [
        ("name", c_char_p),
        ("dtype", DLDataType),
        ("ndim", c_int32),
        ("dims", POINTER(c_int64)),
        ("dim_names", POINTER(c_char_p)),
    ]


class OptimizerConfig(Structure):
    """`mcc_optimizer_config` (ABI 1.1)."""

    _fields_ = [
        ("kind", c_int32),
        ("schedule", c_int32),
        ("learning_rate", c_double),
        ("weight_decay", c_double),
        ("momentum", c_double),
        ("nesterov", c_int32),
        ("reserved", c_int32),
        ("beta1", c_double),
        ("beta2", c_double),
        ("epsilon", c_double),
        ("warmup_steps", c_int64),
        ("step_size", c_int64),
        ("gamma", c_double),
        ("total_steps", c_int64),
        ("min_lr", c_double),
        ("clip_norm", c_double),
    ]


#: `mcc_optimizer_kind` and `mcc_lr_schedule` by the names mlang accepts.
OPTIMIZERS = {"sgd": 0, "adam": 1, "adamw": 2}
SCHEDULES = {"constant": 0, "step": 1, "cosine": 2}

_Handle = c_void_p  # mcc_model *

# name -> (restype, argtypes)
_PROTOTYPES: dict[str, tuple[object, list[object]]] = {
    "mcc_abi_version": (c_uint32, []),
    "mcc_compiler_version": (c_char_p, []),
    "mcc_last_error": (c_char_p, []),
    "mcc_status_string": (c_char_p, [c_int]),
    "mcc_model_count": (c_int32, []),
    "mcc_model_name": (c_char_p, [c_int32]),
    "mcc_model_create": (c_int, [c_char_p, POINTER(_Handle)]),
    "mcc_model_destroy": (None, [_Handle]),
    "mcc_model_instance_name": (c_char_p, [_Handle]),
    "mcc_model_num_inputs": (c_int32, [_Handle]),
    "mcc_model_num_outputs": (c_int32, [_Handle]),
    "mcc_model_num_params": (c_int32, [_Handle]),
    "mcc_model_input_info": (c_int, [_Handle, c_int32, POINTER(TensorInfo)]),
    "mcc_model_output_info": (c_int, [_Handle, c_int32, POINTER(TensorInfo)]),
    "mcc_model_param_info": (c_int, [_Handle, c_int32, POINTER(TensorInfo)]),
    "mcc_model_find_input": (c_int32, [_Handle, c_char_p]),
    "mcc_model_find_output": (c_int32, [_Handle, c_char_p]),
    "mcc_model_find_param": (c_int32, [_Handle, c_char_p]),
    "mcc_model_param": (c_int, [_Handle, c_int32, POINTER(DLTensor)]),
    "mcc_model_run": (c_int, [_Handle, POINTER(DLTensor), c_int32]),
    "mcc_model_output": (c_int, [_Handle, c_int32, POINTER(DLTensor)]),
    "mcc_model_set_num_threads": (c_int, [_Handle, c_int32]),
    "mcc_model_enable_profiling": (c_int, [_Handle, c_int32]),
    "mcc_model_write_profile": (c_int, [_Handle, c_char_p]),
}


# ABI 1.1: training. Libraries built before it lack these; `declare` sets them when present.
_TRAINING_PROTOTYPES: dict[str, tuple[object, list[object]]] = {
    "mcc_model_has_training": (c_int32, [_Handle]),
    "mcc_model_set_optimizer": (c_int, [_Handle, POINTER(OptimizerConfig)]),
    "mcc_model_train_step": (c_int, [_Handle, POINTER(DLTensor), c_int32, POINTER(DLTensor), POINTER(c_float)]),
    "mcc_model_backward": (c_int, [_Handle, POINTER(DLTensor), c_int32, POINTER(DLTensor), POINTER(c_float)]),
    "mcc_model_zero_grad": (c_int, [_Handle]),
    "mcc_model_optimizer_step": (c_int, [_Handle]),
    "mcc_model_evaluate": (c_int, [_Handle, POINTER(DLTensor), c_int32, POINTER(DLTensor), POINTER(c_float)]),
    "mcc_model_set_param": (c_int, [_Handle, c_int32, POINTER(DLTensor)]),
    "mcc_model_freeze": (c_int, [_Handle, c_char_p, c_int32, POINTER(c_int32)]),
    "mcc_model_save_checkpoint": (c_int, [_Handle, c_char_p]),
    "mcc_model_load_checkpoint": (c_int, [_Handle, c_char_p]),
    "mcc_model_set_seed": (c_int, [_Handle, c_uint64]),
    "mcc_model_learning_rate": (c_double, [_Handle]),
    "mcc_model_step_count": (c_int64, [_Handle]),
}


def declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Sets `restype`/`argtypes` of every mcc_* function on `lib`; returns `lib`.

    Raises AttributeError when the library lacks one of the ABI 1.0 functions (it is not an
    mcc library); the training functions of ABI 1.1 are declared when the library has them.
    """
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    for name, (restype, argtypes) in _TRAINING_PROTOTYPES.items():
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            fn.argtypes = argtypes
    return lib


_FLOATS = {16: np.float16, 32: np.float32, 64: np.float64}
_INTS = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}
_UINTS = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}
_COMPLEX = {64: np.complex64, 128: np.complex128}
_BOOLS = {8: np.bool_}
_BY_CODE: Mapping[int, Mapping[int, Any]] = {
    DLDataTypeCode.kDLBool: _BOOLS,
    DLDataTypeCode.kDLFloat: _FLOATS,
    DLDataTypeCode.kDLInt: _INTS,
    DLDataTypeCode.kDLUInt: _UINTS,
    DLDataTypeCode.kDLComplex: _COMPLEX,
}
_KIND_TO_CODE = {"f": DLDataTypeCode.kDLFloat, "i": DLDataTypeCode.kDLInt, "u": DLDataTypeCode.kDLUInt,
                 "c": DLDataTypeCode.kDLComplex, "b": DLDataTypeCode.kDLBool}


def dtype_from_dl(t: DLDataType) -> np.dtype:
    """The numpy dtype of a DLPack type; raw bytes (`V<n>`) for types numpy lacks (bfloat16)."""
    table = _BY_CODE.get(t.code, {})
    if t.lanes == 1 and t.bits in table:
        dtype: np.dtype = np.dtype(table[t.bits])
        return dtype
    return np.dtype((np.void, max(1, (t.bits * t.lanes + 7) // 8)))


def dl_from_dtype(dtype: np.dtype) -> DLDataType:
    """The DLPack type of a numpy dtype, unchanged in width and kind.

    Raises TypeError for dtypes DLPack cannot describe (object, strings, non-native byte order);
    bool is DLPack 0.8's kDLBool; never picks a "close" type, so the library's own dtype check sees what it got.
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "V" and dtype.itemsize == 2:
        return DLDataType(DLDataTypeCode.kDLBfloat, 16, 1)   # raw bf16 bits, as dtype_from_dl gives them
    code = _KIND_TO_CODE.get(dtype.kind)
    if code is None:
        raise TypeError(f"numpy dtype {dtype} has no DLPack equivalent")
    if not dtype.isnative:
        raise TypeError(f"numpy dtype {dtype.str} is not in native byte order")
    return DLDataType(code, dtype.itemsize * 8, 1)


def dl_type_name(t: DLDataType) -> str:
    """Short name of a DLPack type as M spells it: f32, i64, u8, bf16, c64, bool, f32x4."""
    if t.code == DLDataTypeCode.kDLBool and t.bits == 8 and t.lanes == 1:
        return "bool"
    prefix = {0: "i", 1: "u", 2: "f", 3: "handle", 4: "bf", 5: "c"}.get(t.code, f"code{t.code}_")
    return f"{prefix}{t.bits}" + (f"x{t.lanes}" if t.lanes != 1 else "")
