"""Training calls of `Model` (C ABI 1.1, include/mcc.h "training"), as a mixin."""

from __future__ import annotations

import ctypes
import os
from typing import TYPE_CHECKING, Any, Mapping, Sequence, Union

import numpy as np

from ._abi import OPTIMIZERS, SCHEDULES, DLDevice, DLDeviceType, DLTensor, OptimizerConfig, dl_from_dtype
from ._dlpack import Tensor
from ._errors import MccError, Status

if TYPE_CHECKING:
    import threading

    from ._model import TensorSpec

#: What `train_step`/`backward`/`evaluate` take as inputs: one array (a model with one input),
#: a sequence in declaration order, or a mapping from input name.
Inputs = Union[Any, Sequence[Any], Mapping[str, Any]]


class TrainingMixin:
    """Methods of `Model` for models compiled with training functions (`F.train`, `F.loss`).

    Each instance owns a copy of the parameters once it trains, its gradients, optimizer
    state and step count; other instances of the same library are unaffected.
    """

    if TYPE_CHECKING:  # provided by Model
        _lib: ctypes.CDLL
        _lock: threading.Lock
        name: str
        path: str
        inputs: list[TensorSpec]
        outputs: list[TensorSpec]
        params_info: list[TensorSpec]

        def _check(self, status: int) -> None: ...
        def _live_handle(self) -> int: ...
        def _bind_inputs(self, arrays: tuple[Any, ...], named: dict[str, Any]) -> list[Any]: ...
        @staticmethod
        def _input_tensor(value: Any, spec: TensorSpec, keep: list[Any], imported: list[Tensor]) -> DLTensor: ...

    @property
    def has_training(self) -> bool:
        """Whether the model was compiled with training functions."""
        fn = getattr(self._lib, "mcc_model_has_training", None)
        return fn is not None and bool(fn(self._live_handle()))

    def set_optimizer(self, name: str = "sgd", lr: float = 0.01, *, momentum: float = 0.0,
                      nesterov: bool = False, weight_decay: float = 0.0,
                      betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                      schedule: str = "constant", warmup_steps: int = 0, step_size: int = 1,
                      gamma: float = 0.1, total_steps: int = 0, min_lr: float = 0.0,
                      clip_norm: float = 0.0) -> None:
        """Chooses the optimizer: "sgd" (momentum, nesterov), "adam" or "adamw", and the schedule:
        "constant", "step" (lr * gamma every step_size steps) or "cosine" (to min_lr at total_steps),
        each after `warmup_steps` of linear warmup. `clip_norm` > 0 clips the global gradient norm.
        """
        if name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZERS)})")
        if schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {schedule!r} (known: {', '.join(SCHEDULES)})")
        config = OptimizerConfig(kind=OPTIMIZERS[name], schedule=SCHEDULES[schedule], learning_rate=lr,
                                 weight_decay=weight_decay, momentum=momentum, nesterov=int(nesterov),
                                 beta1=betas[0], beta2=betas[1], epsilon=eps, warmup_steps=warmup_steps,
                                 step_size=step_size, gamma=gamma, total_steps=total_steps, min_lr=min_lr,
                                 clip_norm=clip_norm)
        with self._lock:
            self._check(self._training_fn("mcc_model_set_optimizer")(self._live_handle(), ctypes.byref(config)))

    def train_step(self, inputs: Inputs, target: Any) -> float:
        """zero_grad + backward + optimizer_step; returns the batch loss."""
        return self._loss_call("mcc_model_train_step", inputs, target)

    def backward(self, inputs: Inputs, target: Any) -> float:
        """Adds this batch's gradients to the accumulated ones; returns the batch loss."""
        return self._loss_call("mcc_model_backward", inputs, target)

    def evaluate(self, inputs: Inputs, target: Any) -> float:
        """The inference-mode loss of a batch; `last_outputs()` then has the forward outputs."""
        return self._loss_call("mcc_model_evaluate", inputs, target)

    def zero_grad(self) -> None:
        with self._lock:
            self._check(self._training_fn("mcc_model_zero_grad")(self._live_handle()))

    def optimizer_step(self) -> None:
        """Updates the parameters from the accumulated gradients and advances the schedule."""
        with self._lock:
            self._check(self._training_fn("mcc_model_optimizer_step")(self._live_handle()))

    def last_outputs(self) -> dict[str, np.ndarray]:
        """Copies of the outputs of the last run, train step, backward or evaluate."""
        from ._model import _copy_out
        with self._lock:
            handle = self._live_handle()
            out: dict[str, np.ndarray] = {}
            for i, spec in enumerate(self.outputs):
                view = DLTensor()
                self._check(self._lib.mcc_model_output(handle, i, ctypes.byref(view)))
                out[spec.name] = _copy_out(view)
            return out

    def set_param(self, name: str, value: Any) -> None:
        """Copies `value` (the parameter's dtype and shape) into this instance's parameter `name`."""
        index = self._param_index(name)
        spec = self.params_info[index]
        arr = np.ascontiguousarray(value if isinstance(value, np.ndarray) else np.asarray(value, dtype=spec.dtype))
        shape = (ctypes.c_int64 * max(1, arr.ndim))(*arr.shape)
        t = DLTensor(arr.ctypes.data, DLDevice(DLDeviceType.kDLCPU, 0), arr.ndim, dl_from_dtype(arr.dtype), shape, None, 0)
        with self._lock:
            self._check(self._training_fn("mcc_model_set_param")(self._live_handle(), index, ctypes.byref(t)))

    def freeze(self, prefix: str) -> int:
        """Stops updating the parameters `prefix` or `prefix.*`; returns how many matched."""
        return self._freeze(prefix, 1)

    def unfreeze(self, prefix: str) -> int:
        return self._freeze(prefix, 0)

    def save_checkpoint(self, path: Union[str, os.PathLike[str]]) -> None:
        """Parameters, optimizer state, step and seed as safetensors, written atomically."""
        with self._lock:
            self._check(self._training_fn("mcc_model_save_checkpoint")(self._live_handle(), os.fsencode(path)))

    def load_checkpoint(self, path: Union[str, os.PathLike[str]]) -> None:
        """Restores a checkpoint; the model is unchanged when any tensor does not fit."""
        with self._lock:
            self._check(self._training_fn("mcc_model_load_checkpoint")(self._live_handle(), os.fsencode(path)))

    def set_seed(self, seed: int) -> None:
        """Seed of dropout in training mode: step k uses seed + k."""
        with self._lock:
            self._check(self._training_fn("mcc_model_set_seed")(self._live_handle(), seed))

    @property
    def learning_rate(self) -> float:
        """The rate the next optimizer step uses (0.0 before set_optimizer)."""
        with self._lock:
            return float(self._training_fn("mcc_model_learning_rate")(self._live_handle()))

    @property
    def step(self) -> int:
        """Optimizer steps taken (restored by load_checkpoint)."""
        with self._lock:
            return int(self._training_fn("mcc_model_step_count")(self._live_handle()))

    # --- helpers ---------------------------------------------------------------------------

    def _training_fn(self, name: str) -> Any:
        fn = getattr(self._lib, name, None)
        if fn is None:
            raise MccError(Status.UNSUPPORTED, f"{self.path} was built before the training ABI (1.1): it has no {name}")
        return fn

    def _param_index(self, name: str) -> int:
        names = [p.name for p in self.params_info]
        if name not in names:
            raise KeyError(f"model {self.name!r} has no parameter {name!r} (parameters: {', '.join(names)})")
        return names.index(name)

    def _freeze(self, prefix: str, frozen: int) -> int:
        count = ctypes.c_int32(0)
        with self._lock:
            self._check(self._training_fn("mcc_model_freeze")(self._live_handle(), prefix.encode(), frozen, ctypes.byref(count)))
        return count.value

    def _loss_call(self, fn_name: str, inputs: Inputs, target: Any) -> float:
        fn = self._training_fn(fn_name)
        if isinstance(inputs, Mapping):
            values = self._bind_inputs((), dict(inputs))
        elif len(self.inputs) != 1 and isinstance(inputs, (list, tuple)):
            values = self._bind_inputs(tuple(inputs), {})
        else:
            values = self._bind_inputs((inputs,), {})
        self._live_handle()
        keep: list[Any] = []
        imported: list[Tensor] = []
        try:
            tensors = (DLTensor * max(1, len(values)))()
            for i, value in enumerate(values):
                tensors[i] = self._input_tensor(value, self.inputs[i], keep, imported)
            if not isinstance(target, np.ndarray):
                probe = np.asarray(target)
                target = probe.astype(np.int64 if probe.dtype.kind in "iub" else np.float32)
            t = np.ascontiguousarray(target)
            shape = (ctypes.c_int64 * max(1, t.ndim))(*t.shape)
            keep += [t, shape]
            target_tensor = DLTensor(t.ctypes.data, DLDevice(DLDeviceType.kDLCPU, 0), t.ndim, dl_from_dtype(t.dtype),
                                     shape, None, 0)
            loss = ctypes.c_float(0.0)
            with self._lock:
                self._check(fn(self._live_handle(), tensors, len(values), ctypes.byref(target_tensor), ctypes.byref(loss)))
            return float(loss.value)
        finally:
            for imp in imported:
                imp.close()
