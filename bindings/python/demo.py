#!/usr/bin/env python3
"""The Python demo `make demo` runs: loads a library built by mcc with mlang, prints the default
model's signature, runs it, shows an error.

    python3 bindings/python/demo.py out/libmlp.so

Every input gets the batch the C++ (examples/cpp-cmake) and Java (bindings/java/demo) demos
use, so all three print the same numbers. Symbolic dims are set to 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # use this checkout's mlang
import mlang  # noqa: E402

BATCH = 2  # the value given to every symbolic dim


def demo_input(shape: tuple[int, ...]) -> np.ndarray:
    """((k * 37) % 101) / 100 - 0.5 for the k-th element, as float32."""
    k = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((k * 37) % 101).astype(np.float32) / np.float32(100) - np.float32(0.5)).reshape(shape)


def main(path: str) -> int:
    with mlang.load(path) as model:
        print(f"model {model.name}: [{', '.join(map(str, model.inputs))}] -> [{', '.join(map(str, model.outputs))}]")
        inputs = {s.name: demo_input(tuple(d if isinstance(d, int) else BATCH for d in s.shape)) for s in model.inputs}
        for name, value in model(**inputs).items():
            for r, row in enumerate(value.reshape(-1, value.shape[-1])):
                print(f"{name}[{r}] = {' '.join(f'{v:.4f}' for v in row)}  argmax {int(row.argmax())}")

        first = model.inputs[0].name
        bad = inputs[first][..., :-1]
        try:
            model(**{**inputs, first: bad})
        except mlang.MccError as e:  # the library's own message and status
            print(f"run with last dim {bad.shape[-1]}: {e}")
            return 0
    print("a bad input was accepted")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out/libmlp.so"))
