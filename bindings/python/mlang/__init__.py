"""Python bindings for libraries built by mcc, the M compiler.

    import mlang
    with mlang.load("out/libmlp.so") as model:
        print(model.inputs)                      # [TensorSpec(name='x', dtype=float32, shape=('batch', 784))]
        probs = model(x=x)["probs"]              # x: float32 array of shape (n, 784), or any DLPack tensor

Pure Python over ctypes and numpy: it talks to the C ABI of include/mcc.h only.
Inputs reach the library without copying when they are compact CPU arrays: numpy arrays,
`mlang.Tensor`s, or anything with `__dlpack__` (torch, jax, ...). Their dtype is never
converted, so a wrong dtype reaches the library and is reported by it (as `MccError`).
Outputs and parameters are returned as numpy arrays owned by the caller; they export
themselves through DLPack (`torch.from_dlpack(out["probs"])` does not copy).
"""

from __future__ import annotations

from ._abi import DLDataType, DLDevice, DLDeviceType, DLTensor, Status
from ._dlpack import Tensor, from_dlpack
from ._errors import MccError
from ._model import Dim, Model, TensorSpec, load

__all__ = ["load", "Model", "TensorSpec", "Dim", "MccError", "Status", "Tensor", "from_dlpack",
           "DLTensor", "DLDevice", "DLDeviceType", "DLDataType"]
__version__ = "0.1.0"
