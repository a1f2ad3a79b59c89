"""The C++ binding (bindings/cpp/include/mcc/mcc.hpp) and how C++ builds find a model:
the test program bindings/cpp/tests/test_mcc_hpp.cpp, `mcc --emit-pkgconfig`, `mcc --emit-cmake`
with examples/cpp-cmake, and the C ABI demo examples/cpp/demo.cpp.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import EXAMPLES, ROOT, run_mcc
from numpy_ref import dense, relu, softmax

CXX = os.environ.get("CXX", "g++")
CXXFLAGS = ["-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-pedantic", "-pthread"]
INCLUDES = ["-I", str(ROOT / "include"), "-I", str(ROOT / "bindings" / "cpp" / "include")]
BATCH = 4


def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def extras(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/mlp.m compiled to DIR/libmlp.so with mlp.pc, mlp-config.cmake and mlp.hpp beside it."""
    out = tmp_path_factory.mktemp("cpp")
    proc = run_mcc(EXAMPLES / "mlp.m", "-o", out / "libmlp.so", "--emit-pkgconfig", "--emit-cmake", "--emit-bindings", "cpp")
    assert proc.returncode == 0, proc.stderr.decode()
    return out


def demo_input(batch: int = 2) -> np.ndarray:
    """The batch every demo feeds: ((k * 37) % 101) / 100 - 0.5."""
    k = np.arange(batch * 784, dtype=np.int64)
    return (((k * 37) % 101).astype(np.float32) / np.float32(100) - np.float32(0.5)).reshape(batch, 784)


def probs_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("probs[", "run with last dim"))]


def test_mcc_hpp(extras: Path, tmp_path: Path) -> None:
    """Metadata, runs against numpy, every error path and 8 threads, from C++ (see the .cpp)."""
    exe = tmp_path / "test_mcc_hpp"
    run([CXX, *CXXFLAGS, *INCLUDES, str(ROOT / "bindings" / "cpp" / "tests" / "test_mcc_hpp.cpp"),
         "-L", str(extras), "-lmlp", f"-Wl,-rpath,{extras}", "-o", str(exe)])
    x = np.random.default_rng(5).standard_normal((BATCH, 784), dtype=np.float32)
    with mlang.load(extras / "libmlp.so") as model:
        p = {k: v.astype(np.float64) for k, v in model.params().items()}
    expected = softmax(dense(relu(dense(x.astype(np.float64), p["fc1.weight"], p["fc1.bias"])), p["fc2.weight"], p["fc2.bias"]))
    x.tofile(tmp_path / "x.f32")
    expected.astype(np.float32).tofile(tmp_path / "expected.f32")
    proc = subprocess.run([str(exe), str(extras / "libmlp.so"), str(tmp_path / "x.f32"), str(tmp_path / "expected.f32"),
                           str(BATCH)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"(\d+) passed, 0 failed", summary) and int(summary.split()[0]) >= 25, proc.stdout


def test_pkg_config_finds_the_model(extras: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PKG_CONFIG_PATH": str(extras)}
    flags = run(["pkg-config", "--cflags", "--libs", "mlp"], env=env).stdout.split()
    includes = [Path(f[2:]) for f in flags if f.startswith("-I")]
    assert any((d / "mcc.h").is_file() for d in includes), flags
    assert any((d / "mcc" / "mcc.hpp").is_file() for d in includes), flags
    assert extras in includes, "the generated mlp.hpp is found too"
    assert f"-L{extras}" in flags and "-lmlp" in flags and f"-Wl,-rpath,{extras}" in flags
    assert run(["pkg-config", "--modversion", "mlp"], env=env).stdout.strip() == "0.1.0"
    exe = tmp_path / "app"
    run([CXX, *CXXFLAGS, str(EXAMPLES / "cpp-cmake" / "main.cpp"), *flags, "-o", str(exe)])
    out = run([str(exe)], cwd=tmp_path).stdout  # the rpath finds libmlp.so: no LD_LIBRARY_PATH
    assert probs_lines(out) == probs_lines(python_demo(extras / "libmlp.so"))


@pytest.mark.parametrize("how", ["mlp_DIR", "CMAKE_PREFIX_PATH"])
def test_cmake_example_finds_the_model(extras: Path, tmp_path: Path, how: str) -> None:
    cmake = shutil.which("cmake")
    assert cmake, "cmake is missing: run scripts/install-deps.sh"
    build = tmp_path / "build"
    configure = run([cmake, "-S", str(EXAMPLES / "cpp-cmake"), "-B", str(build), f"-D{how}={extras}"])
    assert f"mlp: {extras / 'libmlp.so'} (models: MLP)" in configure.stdout
    run([cmake, "--build", str(build)])
    out = run([str(build / "mlp_demo")]).stdout
    assert out.splitlines()[0] == "model MLP: [x: f32[batch, 784]] -> [probs: f32[batch, 10]]"
    assert probs_lines(out) == probs_lines(python_demo(extras / "libmlp.so"))
    # ... and the numbers are the model's: the same as mlang computes.
    with mlang.load(extras / "libmlp.so") as model:
        probs = model(x=demo_input())["probs"]
    for r, line in enumerate(probs_lines(out)[:2]):
        assert line == f"probs[{r}] = " + " ".join(f"{v:.4f}" for v in probs[r]) + f"  argmax {int(probs[r].argmax())}"
    assert probs_lines(out)[2] == "run with last dim 783: input 'x' (#0): dim 1 is 783, expected 784 [SHAPE_MISMATCH]"


def test_c_abi_demo_agrees(extras: Path, tmp_path: Path) -> None:
    """examples/cpp/demo.cpp calls the C ABI directly; it prints what the bindings print."""
    exe = tmp_path / "demo"
    run([CXX, *CXXFLAGS, "-I", str(ROOT / "include"), str(EXAMPLES / "cpp" / "demo.cpp"), "-L", str(extras), "-lmlp",
         f"-Wl,-rpath,{extras}", "-o", str(exe)])
    c_abi = run([str(exe)]).stdout
    assert probs_lines(c_abi)[:2] == probs_lines(python_demo(extras / "libmlp.so"))[:2]


def python_demo(library: Path) -> str:
    return run(["python3", str(ROOT / "bindings" / "python" / "demo.py"), str(library)]).stdout
