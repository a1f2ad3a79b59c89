"""Small MIR text builders shared by tests and benchmarks (one definition of the sparse layout).

`sparse_matmul` takes the weight column-compressed (CSC, the layout in MIR's SparseShapes.swift):
values and row indices of the nonzeros column by column, and n+1 column pointers.
"""

from __future__ import annotations

import numpy as np


def values_literal(a: np.ndarray) -> str:
    """A MIR `values([...])` initializer holding `a` flattened, exactly (repr of each float)."""
    return "values([" + ", ".join(f"{float(v)!r}" for v in a.ravel()) + "])"


def csc(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W [k, n] column-compressed; one unreferenced 0 when W is all zeros (MIR has no empty tensors),
    as the sparsify pass does."""
    values, rows, ptr = [], [], [0]
    for c in range(w.shape[1]):
        nz = np.nonzero(w[:, c])[0]
        values += list(w[nz, c]); rows += list(nz); ptr.append(len(values))
    if not values:
        values, rows = [0.0], [0]
    return np.array(values, np.float32), np.array(rows, np.int32), np.array(ptr, np.int32)


def _dims(lead: tuple[str | int, ...], last: int) -> str:
    return ", ".join(str(d) for d in (*lead, last))


def dense_matmul_module(w: np.ndarray, lead: tuple[str | int, ...] = ("batch",)) -> str:
    """`func @f(%x: f32[*lead, k]) -> (y: f32[*lead, n])` computing x @ W with W a parameter."""
    k, n = w.shape
    return (f"module @d\n\nparam @w : f32[{k}, {n}] = {values_literal(w)}\n\n"
            f"func @f(%x: f32[{_dims(lead, k)}]) -> (y: f32[{_dims(lead, n)}]) {{\n  %0 = param @w : f32[{k}, {n}]\n"
            f"  %y = matmul %x, %0 : f32[{_dims(lead, n)}]\n  return %y\n}}\n")


def sparse_matmul_module(w: np.ndarray, lead: tuple[str | int, ...] = ("batch",)) -> str:
    """The same function as `dense_matmul_module`, with W stored column-compressed."""
    k, n = w.shape
    v, r, p = csc(w)
    return (f"module @s\n\nparam @v : f32[{v.size}] = {values_literal(v)}\n"
            f"param @r : i32[{r.size}] = {values_literal(r)}\n"
            f"param @p : i32[{n + 1}] = {values_literal(p)}\n\n"
            f"func @f(%x: f32[{_dims(lead, k)}]) -> (y: f32[{_dims(lead, n)}]) {{\n  %0 = param @v : f32[{v.size}]\n"
            f"  %1 = param @r : i32[{r.size}]\n  %2 = param @p : i32[{n + 1}]\n"
            f"  %y = sparse_matmul %x, %0, %1, %2 : f32[{_dims(lead, n)}]\n  return %y\n}}\n")
