"""Parameters from a safetensors weights file, and --save-weights / --target-cpu."""
from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import EXAMPLES


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """A minimal, independent safetensors writer (the format is an 8-byte header length,
    a JSON header, then raw little-endian data)."""
    header: dict[str, dict] = {}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + start:8 + n + end], dtype="<f4").reshape(entry["shape"])
    return out


MODEL = """
model Tiny {
    weights = "tiny.safetensors"
    input x: f32[batch, 6]
    output y: f32[batch, 3]
    fc1 = Dense(5)
    fc2 = Dense(3)
    forward { y = tanh(fc2(sigmoid(fc1(x)))) }
}
"""


def test_weights_file_is_used(mcc: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    weights = {
        "fc1.weight": rng.standard_normal((6, 5)).astype(np.float32),
        "fc1.bias": rng.standard_normal(5).astype(np.float32),
        "fc2.weight": rng.standard_normal((5, 3)).astype(np.float32),
        "fc2.bias": rng.standard_normal(3).astype(np.float32),
    }
    write_safetensors(tmp_path / "tiny.safetensors", weights)
    (tmp_path / "tiny.m").write_text(MODEL)
    lib = tmp_path / "libtiny.so"
    subprocess.run([str(mcc), str(tmp_path / "tiny.m"), "-o", str(lib)], check=True)
    x = rng.standard_normal((4, 6)).astype(np.float32)
    h = 1 / (1 + np.exp(-(x.astype(np.float64) @ weights["fc1.weight"] + weights["fc1.bias"])))
    expected = np.tanh(h @ weights["fc2.weight"] + weights["fc2.bias"])
    with mlang.load(lib) as model:
        np.testing.assert_allclose(model(x)["y"], expected, rtol=1e-5, atol=1e-6)
        for name, value in model.params().items():
            np.testing.assert_array_equal(value, weights[name])


@pytest.mark.parametrize("problem, mutate, message", [
    ("missing tensor", lambda w: w.pop("fc2.bias"), "no tensor named 'fc2.bias'"),
    ("wrong shape", lambda w: w.__setitem__("fc1.weight", np.zeros((5, 6), np.float32)), "has shape [5, 6], expected [6, 5]"),
])
def test_bad_weights_file_is_a_clear_error(mcc: Path, tmp_path: Path, problem: str, mutate, message: str) -> None:
    weights = {"fc1.weight": np.zeros((6, 5), np.float32), "fc1.bias": np.zeros(5, np.float32),
               "fc2.weight": np.zeros((5, 3), np.float32), "fc2.bias": np.zeros(3, np.float32)}
    mutate(weights)
    write_safetensors(tmp_path / "tiny.safetensors", weights)
    (tmp_path / "tiny.m").write_text(MODEL)
    proc = subprocess.run([str(mcc), str(tmp_path / "tiny.m"), "-o", str(tmp_path / "lib.so")], capture_output=True)
    assert proc.returncode == 1, problem
    assert message in proc.stderr.decode(), proc.stderr.decode()
    assert not (tmp_path / "lib.so").exists()


def test_missing_weights_file_points_at_the_source(mcc: Path, tmp_path: Path) -> None:
    (tmp_path / "tiny.m").write_text(MODEL)
    proc = subprocess.run([str(mcc), str(tmp_path / "tiny.m"), "-o", str(tmp_path / "lib.so")], capture_output=True)
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert err.startswith(f"{tmp_path / 'tiny.m'}:3:15: error: cannot read weights file 'tiny.safetensors'"), err


def test_save_weights_round_trips_through_the_library(mcc: Path, tmp_path: Path, ) -> None:
    lib, saved = tmp_path / "libmlp.so", tmp_path / "mlp.safetensors"
    subprocess.run([str(mcc), str(EXAMPLES / "mlp.m"), "-o", str(lib), "--save-weights", str(saved)], check=True)
    on_disk = read_safetensors(saved)
    with mlang.load(lib) as model:
        params = model.params()
    assert sorted(on_disk) == sorted(params)
    for name in params:
        np.testing.assert_array_equal(on_disk[name], params[name])


def test_target_cpu_override_changes_the_vector_width(mcc: Path, tmp_path: Path, ) -> None:
    asm = tmp_path / "mlp.s"
    subprocess.run([str(mcc), str(EXAMPLES / "mlp.m"), "--emit=asm", "--target-cpu", "x86-64", "-o", str(asm)], check=True)
    text = asm.read_text()
    assert "xmm" in text and "zmm" not in text and "ymm" not in text
    subprocess.run([str(mcc), str(EXAMPLES / "mlp.m"), "--emit=asm", "--target-cpu", "skylake-avx512",
                    "--target-features", "+avx512f", "-o", str(asm)], check=True)
    assert "zmm" in asm.read_text()
