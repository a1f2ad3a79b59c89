"""Numpy references for the training ABI tests: the optimizers and schedules of docs/c-abi.md
("Training"), written from PyTorch's formulas, and a safetensors reader."""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class RefOptimizer:
    """SGD (momentum, Nesterov, L2 decay), Adam (L2 decay), AdamW (decoupled decay)."""

    kind: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    schedule: str = "constant"
    warmup_steps: int = 0
    step_size: int = 1
    gamma: float = 0.1
    total_steps: int = 0
    min_lr: float = 0.0
    clip_norm: float = 0.0
    step: int = 0
    m: dict[str, np.ndarray] = field(default_factory=dict)
    v: dict[str, np.ndarray] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        """The arguments of mlang's Model.set_optimizer for this configuration."""
        return dict(name=self.kind, lr=self.lr, momentum=self.momentum, nesterov=self.nesterov,
                    weight_decay=self.weight_decay, betas=self.betas, eps=self.eps, schedule=self.schedule,
                    warmup_steps=self.warmup_steps, step_size=self.step_size, gamma=self.gamma,
                    total_steps=self.total_steps, min_lr=self.min_lr, clip_norm=self.clip_norm)

    def lr_at(self, k: int) -> float:
        if self.warmup_steps > 0 and k < self.warmup_steps:
            return self.lr * (k + 1) / self.warmup_steps
        j = k - self.warmup_steps
        if self.schedule == "step":
            return self.lr * self.gamma ** (j // self.step_size)
        if self.schedule == "cosine":
            span = self.total_steps - self.warmup_steps
            p = min(j, span) / span
            return self.min_lr + (self.lr - self.min_lr) * 0.5 * (1 + math.cos(math.pi * p))
        return self.lr

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], frozen: frozenset[str] = frozenset()) -> None:
        """One step in place, float32 like the runtime."""
        f32 = np.float32
        live = [n for n in grads if n not in frozen]
        scale = 1.0
        if self.clip_norm > 0:
            total = math.sqrt(sum(float(np.sum(grads[n].astype(np.float64) ** 2)) for n in live))
            scale = min(1.0, self.clip_norm / (total + 1e-6))
        lr = self.lr_at(self.step)
        k = self.step + 1
        for n in live:
            p, g = params[n], grads[n].astype(f32) * f32(scale)
            if self.kind == "sgd":
                d = g + f32(self.weight_decay) * p
                if self.momentum > 0:
                    buf = f32(self.momentum) * self.m.get(n, np.zeros_like(p)) + d
                    self.m[n] = buf
                    d = d + f32(self.momentum) * buf if self.nesterov else buf
                params[n] = p - f32(lr) * d
                continue
            b1, b2 = self.betas
            d = g + f32(self.weight_decay) * p if self.kind == "adam" else g
            m = f32(b1) * self.m.get(n, np.zeros_like(p)) + f32(1 - b1) * d
            v = f32(b2) * self.v.get(n, np.zeros_like(p)) + f32(1 - b2) * d * d
            self.m[n], self.v[n] = m, v
            decay = f32(1 - lr * self.weight_decay) if self.kind == "adamw" else f32(1)
            denom = np.sqrt(v) / f32(math.sqrt(1 - b2 ** k)) + f32(self.eps)
            params[n] = p * decay - f32(lr / (1 - b1 ** k)) * m / denom
        self.step += 1


def linreg_grads(params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """Loss mean((x @ w + b - t)^2) and its gradients."""
    d = x @ params["w"] + params["b"] - t
    grads = {"w": (2 * (x * d).mean(axis=0)).reshape(4, 1).astype(np.float32),
             "b": (2 * d.mean(axis=0)).astype(np.float32)}
    return float((d * d).mean()), grads


def read_safetensors(path: Path) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """(metadata, tensors) of a safetensors file, parsed with json and numpy only."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "F16": "<f2", "U8": "u1", "I8": "i1", "BOOL": "?"}
    data = raw[8 + n:]
    tensors = {name: np.frombuffer(data[e["data_offsets"][0]:e["data_offsets"][1]], dtype=kinds[e["dtype"]]).reshape(e["shape"])
               for name, e in header.items()}
    return meta, tensors


def write_safetensors(path: Path, tensors: dict[str, np.ndarray], meta: dict[str, str]) -> None:
    header: dict[str, Any] = {"__metadata__": meta}
    blobs, offset = [], 0
    for name, a in tensors.items():
        b = np.ascontiguousarray(a).tobytes()
        code = {"float32": "F32", "float64": "F64", "int64": "I64"}[str(a.dtype)]
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
