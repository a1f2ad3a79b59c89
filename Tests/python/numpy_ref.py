"""A slow, obvious numpy reference for the layers of the examples (float64, NCHW).

Independent of mcc: it reads nothing but the parameters the library exposes, and follows
the layer semantics that docs and README state (PyTorch/ONNX conventions).
"""

from __future__ import annotations

import numpy as np


def dense(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """y = x @ W + b with W of shape [in, units]."""
    return x @ weight + bias


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def conv2d(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, padding: str = "valid",
           stride: tuple[int, int] = (1, 1)) -> np.ndarray:
    """Cross-correlation of x [N, C, H, W] with weight [O, C, kh, kw], plus bias [O].

    padding="same" pads (k-1)//2 before and the rest after, in each spatial dim.
    """
    o, c, kh, kw = weight.shape
    assert x.shape[1] == c, f"conv2d: input has {x.shape[1]} channels, weight expects {c}"
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh - 1 - (kh - 1) // 2),
                       ((kw - 1) // 2, kw - 1 - (kw - 1) // 2)))
    elif padding != "valid":
        raise ValueError(f"unknown padding {padding!r}")
    sh, sw = stride
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], o, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]  # [N, C, oh, ow]
            out += np.einsum("nchw,oc->nohw", patch, weight[:, :, i, j])
    return out + bias[None, :, None, None]


def maxpool2d(x: np.ndarray, pool: tuple[int, int] = (2, 2)) -> np.ndarray:
    """Max over non-overlapping pool windows (stride = pool, no padding, floor)."""
    ph, pw = pool
    n, c, h, w = x.shape
    oh, ow = h // ph, w // pw
    return x[:, :, :oh * ph, :ow * pw].reshape(n, c, oh, ph, ow, pw).max(axis=(3, 5))


def flatten(x: np.ndarray) -> np.ndarray:
    """Row-major reshape to [N, rest]."""
    return x.reshape(x.shape[0], -1)
