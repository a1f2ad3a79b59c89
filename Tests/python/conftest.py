"""Shared fixtures: the mcc binary, example libraries compiled once per session, mlang.

mcc is `$MCC` or `.build/debug/mcc` (build it with `swift build` or `make build`).
A missing compiler fails the tests that need it, with a message saying so: CI must not
pass by skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "bindings" / "python"))

import mlang  # noqa: E402  (needs the path above unless the package is installed)


def mcc_path() -> Path:
    return Path(os.environ.get("MCC") or ROOT / ".build" / "debug" / "mcc")


def run_mcc(*args: str | os.PathLike[str], timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    """Runs mcc with `args`; returns the completed process (stdout/stderr as bytes)."""
    return subprocess.run([str(mcc_path()), *map(str, args)], capture_output=True, timeout=timeout)


@pytest.fixture(scope="session")
def mcc() -> Path:
    path = mcc_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"mcc not found at {path}: run `make build` (or `swift build`), or set MCC=/path/to/mcc",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def compile_example(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """compile_example("mlp.m", *flags) -> path of the .so; each (file, flags) compiled once."""
    cache: dict[tuple[str, ...], Path] = {}
    out_dir = tmp_path_factory.mktemp("libs")

    def compile(name: str, *flags: str) -> Path:
        key = (name, *flags)
        if key not in cache:
            source = EXAMPLES / name
            if not source.is_file():
                pytest.fail(f"example {source} does not exist", pytrace=False)
            out = out_dir / f"lib{Path(name).stem}{len(cache)}.so"
            proc = run_mcc(source, "-o", out, *flags)
            if proc.returncode != 0 or not out.is_file():
                pytest.fail(f"mcc {source.relative_to(ROOT)} {' '.join(flags)} failed (exit {proc.returncode}):\n"
                            f"{proc.stderr.decode(errors='replace')}", pytrace=False)
            cache[key] = out
        return cache[key]

    return compile


@pytest.fixture(scope="session")
def mlp_lib(compile_example: Callable[..., Path]) -> Path:
    return compile_example("mlp.m")


@pytest.fixture(scope="session")
def cnn_lib(compile_example: Callable[..., Path]) -> Path:
    return compile_example("cnn.m")


@pytest.fixture(scope="module")
def mlp(mlp_lib: Path) -> Iterator[mlang.Model]:
    with mlang.load(mlp_lib) as model:
        yield model


@pytest.fixture(scope="module")
def cnn(cnn_lib: Path) -> Iterator[mlang.Model]:
    with mlang.load(cnn_lib) as model:
        yield model


# Finite-difference gradient checks that passed (test_gradients.py), listed after the run so
# `make test` shows every rule it checked.
GRADIENT_CHECKS = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    checks = config.stash.get(GRADIENT_CHECKS, [])
    if checks:
        terminalreporter.write_line(f"gradient checks passed ({len(checks)} rules, elements checked): " + ", ".join(checks))
