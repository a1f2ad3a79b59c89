#!/usr/bin/env python3
"""Loads a library built by mcc with mlang, prints its signature, runs it, shows an error.

    python3 bindings/python/demo.py out/libmlp.so

The input is the same as examples/cpp/demo.cpp uses, so both print the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # use this checkout's mlang
import mlang  # noqa: E402

BATCH = 2  # the value given to every symbolic dim


def main(path: str) -> int:
    with mlang.load(path) as model:
        major, minor = model.abi_version
        print(f"library: built by mcc {model.compiler_version}, C ABI {major}.{minor}")
        print(f"models: {' '.join(model.available_models)}")
        print(f"model {model.name}")
        for spec in model.inputs:
            print(f"  input  {spec}")
        for spec in model.outputs:
            print(f"  output {spec}")
        print(f"  {len(model.params_info)} parameters")

        inputs = {}
        for spec in model.inputs:
            shape = tuple(d if isinstance(d, int) else BATCH for d in spec.shape)
            k = np.arange(int(np.prod(shape)), dtype=np.int64)
            inputs[spec.name] = (((k * 37) % 101).astype(np.float32) / np.float32(100) - np.float32(0.5)).reshape(shape)
        for name, value in model(**inputs).items():
            rows = value.reshape(-1, value.shape[-1])
            for r, row in enumerate(rows):
                print(f"{name}[{r}] = {' '.join(f'{v:.4f}' for v in row)}  argmax {int(row.argmax())}")

        first = model.inputs[0].name
        bad = inputs[first][..., :-1]
        try:
            model(**{**inputs, first: bad})
            print("a bad input was accepted")
            return 1
        except mlang.MccError as e:
            print(f"run with last dim {bad.shape[-1]}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out/libmlp.so"))
