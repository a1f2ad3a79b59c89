"""`mcc --emit-bindings python,cpp,java`: per-model wrappers named after the model's inputs and
outputs, with shapes in their docs. Each generated wrapper is compiled (or imported) and run
here; the Java wrapper of examples/mlp.m also runs under JUnit (make java-test).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import mlang
from conftest import EXAMPLES, ROOT, run_mcc

# Two models; input and output names that are keywords or member names in the target languages.
PAIR = """
model Pair {
    input lambda: f32[n, 4]
    input new: f32[n, 4]
    output sum: f32[n, 4]
    output predict: f32[n, 4]
    forward {
        sum = lambda + new
        predict = lambda * new
    }
}
model Square {
    input x: f32[k]
    output y: f32[k]
    forward {
        y = x * x
    }
}
"""


def compile_with(source: Path, out: Path, *flags: str) -> Path:
    proc = run_mcc(source, "-o", out, *flags)
    assert proc.returncode == 0, proc.stderr.decode()
    return out


def import_file(path: Path) -> types.ModuleType:
    """Imports a generated module under a unique name (several tests generate `mlp.py`)."""
    spec = importlib.util.spec_from_file_location(f"generated_{abs(hash(str(path)))}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mlp_dir(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen-mlp")
    compile_with(EXAMPLES / "mlp.m", out / "libmlp.so", "--emit-bindings", "python,cpp,java")
    return out


@pytest.fixture(scope="module")
def pair_dir(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen-pair")
    (out / "pair.m").write_text(PAIR)
    compile_with(out / "pair.m", out / "libpair.so", "--emit-bindings", "python,c++,java", "--model", "Pair")
    return out


# --- the command line ---------------------------------------------------------------------------------

def test_files_are_written_next_to_the_library(mlp_dir: Path) -> None:
    assert sorted(str(p.relative_to(mlp_dir)) for p in mlp_dir.rglob("*") if p.is_file()) == [
        "java/mlp/MLP.java", "libmlp.so", "mlp.hpp", "mlp.py"]


@pytest.mark.parametrize("flags, message", [
    (["--emit-bindings", "python,rust"], "unknown language 'rust'"),
    (["--emit=mir", "--emit-bindings", "python"], "need --emit=so"),
    (["--emit=asm", "--emit-cmake"], "need --emit=so"),
])
def test_bad_flags_are_usage_errors(mcc: Path, tmp_path: Path, flags: list[str], message: str) -> None:
    proc = run_mcc(EXAMPLES / "mlp.m", "-o", tmp_path / "libmlp.so", *flags)
    assert proc.returncode == 64, proc.stderr.decode()
    assert message in proc.stderr.decode()
    assert not any(tmp_path.iterdir()), "nothing is written"


def test_help_documents_the_flags(mcc: Path) -> None:
    text = run_mcc("compile", "--help").stdout.decode()
    for flag in ("--emit-bindings", "--emit-pkgconfig", "--emit-cmake"):
        assert flag in text


# --- Python ---------------------------------------------------------------------------------------------

def test_python_wrapper_predicts(mlp_dir: Path) -> None:
    mod = import_file(mlp_dir / "mlp.py")
    x = np.random.default_rng(1).standard_normal((3, 784), dtype=np.float32)
    with mod.MLP() as model, mlang.load(mlp_dir / "libmlp.so") as plain:  # default: the library beside mlp.py
        out = model.predict(x=x)
        assert type(out).__name__ == "MLPOutputs" and out._fields == ("probs",)
        np.testing.assert_array_equal(out.probs, plain(x=x)["probs"])
        np.testing.assert_array_equal(model.probs(x=x), out.probs)  # one method per output
        np.testing.assert_array_equal(model.predict(x=mlang.from_dlpack(x)).probs, out.probs)  # DLPack in
        with pytest.raises(mlang.MccError, match="dim 1 is 783"):
            model.predict(x=x[:, :783])
    with mod.load() as default:
        assert default.model.name == "MLP"


def test_python_docstrings_show_shapes(mlp_dir: Path) -> None:
    mod = import_file(mlp_dir / "mlp.py")
    assert "x: f32[batch, 784]" in mod.MLP.__doc__ and "probs: f32[batch, 10]" in mod.MLP.__doc__
    assert "x: f32[batch, 784]" in mod.MLP.predict.__doc__ and "probs: f32[batch, 10]" in mod.MLP.predict.__doc__
    assert "MLP: x: f32[batch, 784] -> probs: f32[batch, 10]" in mod.__doc__
    assert list(mod.MLP.predict.__annotations__) == ["x", "return"]


def test_python_wrapper_rejects_a_changed_library(mlp_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "mlp.m").write_text((EXAMPLES / "mlp.m").read_text().replace("f32[batch, 784]", "f32[batch, 100]"))
    changed = compile_with(tmp_path / "mlp.m", tmp_path / "libmlp.so")
    mod = import_file(mlp_dir / "mlp.py")
    with pytest.raises(mlang.MccError, match="regenerate") as e:
        mod.MLP(changed)
    assert e.value.status == mlang.Status.UNSUPPORTED


def test_python_keywords_and_several_models(pair_dir: Path) -> None:
    mod = import_file(pair_dir / "pair.py")
    a = np.arange(8, dtype=np.float32).reshape(2, 4)
    b = np.full((2, 4), 3, np.float32)
    with mod.Pair() as pair:
        out = pair.predict(lambda_=a, new=b)  # `lambda` is a Python keyword: the argument is lambda_
        np.testing.assert_array_equal(out.sum, a + b)
        np.testing.assert_array_equal(out.predict, a * b)
        np.testing.assert_array_equal(pair.predict_(lambda_=a, new=b), a * b)  # `predict` names the run method
        np.testing.assert_array_equal(pair.sum(lambda_=a, new=b), a + b)
    with mod.Square() as square:
        np.testing.assert_array_equal(square.y(x=np.array([1, 2, 3], np.float32)), [1, 4, 9])
    with mod.load() as default:
        assert default.model.name == "Pair", "load() gives the --model default"


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_python_wrappers_type_check(mlp_dir: Path, pair_dir: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(ROOT / "bindings" / "python")}
    for path in (mlp_dir / "mlp.py", pair_dir / "pair.py"):
        proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
                               str(path)], capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr


# --- C++ ---------------------------------------------------------------------------------------------------

CPP_PAIR = r"""
#include "pair.hpp"
#include <cstdio>
int main(int, char **argv) {
  mcc::Library lib = mcc::Library::open(argv[1]);
  pair::Pair model(lib);
  mcc::Tensor<float> a({2, 4}), b({2, 4}, std::vector<float>(8, 3.0f));
  for (size_t i = 0; i < a.size(); i++) a[i] = static_cast<float>(i);
  pair::PairOutputs out = model.predict(a, b);            // `new` is a C++ keyword: the parameter is new_
  mcc::TensorView<const float> prod = model.predict_(a, b);
  pair::Square square(lib);
  auto y = square.y(mcc::Tensor<float>({3}, {1, 2, 3}));
  std::printf("%g %g %g %g %lld\n", out.sum[7], out.predict[7], prod[7], y[2], static_cast<long long>(out.sum.dim(0)));
  try {
    pair::Square wrong(mcc::Library::open(argv[2]));        // a library without model Square
  } catch (const mcc::Error &e) {
    std::printf("%s\n", e.what());
  }
}
"""


def test_cpp_wrappers_compile_and_run(mlp_dir: Path, pair_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "main.cpp").write_text(CPP_PAIR)
    exe = tmp_path / "main"
    build = subprocess.run(["g++", "-std=c++17", "-Wall", "-Wextra", "-Werror", "-I", str(ROOT / "include"),
                            "-I", str(ROOT / "bindings" / "cpp" / "include"), "-I", str(pair_dir),
                            str(tmp_path / "main.cpp"), "-o", str(exe)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    proc = subprocess.run([str(exe), str(pair_dir / "libpair.so"), str(mlp_dir / "libmlp.so")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["10 21 21 9 2", "no model named 'Square' in this library (it has: MLP) [NOT_FOUND]"]
    header = (mlp_dir / "mlp.hpp").read_text()
    assert "/// @param x f32[batch, 784]" in header and "mcc::Tensor<float> probs;  ///< f32[batch, 10]" in header


# --- Java ---------------------------------------------------------------------------------------------------

def test_java_wrappers_compile(mlp_dir: Path, pair_dir: Path, tmp_path: Path) -> None:
    javac = shutil.which("javac")
    assert javac, "javac is missing: run scripts/install-deps.sh"
    sources = sorted((ROOT / "bindings" / "java" / "src" / "main" / "java" / "mcc").glob("*.java"))
    generated = [mlp_dir / "java" / "mlp" / "MLP.java", pair_dir / "java" / "pair" / "Pair.java",
                 pair_dir / "java" / "pair" / "Square.java"]
    proc = subprocess.run([javac, "-Xlint:all", "-Werror", "-d", str(tmp_path), *map(str, sources + generated)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pair = (pair_dir / "java" / "pair" / "Pair.java").read_text()
    assert "public Result predict(Tensor lambda, Tensor new_)" in pair  # `new` is a Java keyword
    assert "     * @param lambda f32[n, 4]" in pair and "public Tensor predict_(Tensor lambda, Tensor new_)" in pair
    mlp = (mlp_dir / "java" / "mlp" / "MLP.java").read_text()
    assert "     * @return probs: f32[batch, 10]" in mlp and f'"{mlp_dir / "libmlp.so"}"' in mlp
