"""`mcc --emit=onnx`: the exported file passes onnx.checker and ONNX Runtime computes what mcc's `.so` computes.

Models: examples/mlp.m and examples/cnn.m, every model of every .m file under stdlib/ (when
that directory exists), and the MIR files in onnx_export/, which together use every MIR op
(see onnx_export/README.md). Each model runs at batch sizes 1 and 3 in both runtimes; outputs
must agree at rtol 1e-4 (atol 1e-6 for values that cancel to near zero). The exported files
also go back through mcc's own ONNX importer (the round trip) and must compute the same.

ONNX Runtime comes from PyPI (scripts/install-deps.sh installs it). Without it these tests
fail with a message saying so: they never pass by skipping.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import numpy as np
import pytest

import mlang
from conftest import EXAMPLES, ROOT, run_mcc

RTOL, ATOL = 1e-4, 1e-5  # deep models (12-layer BERT) differ by ~2e-6 where values cancel to near zero
BATCHES = (1, 3)
# Symbols other than a leading (batch) dim: large enough for the windows of a small CNN.
OTHER_SYMBOL_SIZE = 32
MIR_MODELS = sorted((Path(__file__).parent / "onnx_export").glob("*.mir"))
SOURCES = [EXAMPLES / "mlp.m", EXAMPLES / "cnn.m", *sorted((ROOT / "stdlib").rglob("*.m")), *MIR_MODELS]


@pytest.fixture(scope="session")
def onnx_mod() -> ModuleType:
    try:
        import onnx
    except ImportError:
        pytest.fail("the onnx package is not installed: run scripts/install-deps.sh (pip install onnx)", pytrace=False)
    return onnx


@pytest.fixture(scope="session")
def ort() -> ModuleType:
    try:
        import onnxruntime
    except ImportError as e:
        pytest.fail(f"onnxruntime cannot be imported ({e}): run scripts/install-deps.sh (pip install onnxruntime); "
                    "the ONNX export tests need it and must not pass without it", pytrace=False)
    return onnxruntime


def check(proc: subprocess.CompletedProcess[bytes], what: str) -> None:
    if proc.returncode != 0:
        pytest.fail(f"{what} failed (exit {proc.returncode}):\n{proc.stderr.decode(errors='replace')}", pytrace=False)


@pytest.fixture(scope="session")
def build(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """build(source, "so" | "onnx" | "round-trip", model=None) -> path; each built once per session.

    "round-trip" is the exported ONNX file compiled back to a `.so` by mcc's ONNX importer.
    """
    out_dir = tmp_path_factory.mktemp("onnx-export")
    cache: dict[tuple[Path, str, str | None], Path] = {}

    def compile(source: Path, kind: str, model: str | None = None) -> Path:
        key = (source, kind, model)
        if key not in cache and kind == "round-trip":
            exported = compile(source, "onnx", model)
            out = out_dir / f"lib{exported.stem}-rt.so"
            check(run_mcc(exported, "-o", out), f"mcc {exported.name} (exported from {source.relative_to(ROOT)})")
            cache[key] = out
        if key not in cache:
            stem = f"{source.stem}-{model or 'default'}-{len(cache)}"
            out = out_dir / (f"lib{stem}.so" if kind == "so" else f"{stem}.onnx")
            flags = ["--emit=onnx"] if kind == "onnx" else []
            if model:
                flags += ["--model", model]
            check(run_mcc(source, *flags, "-o", out), f"mcc {source.relative_to(ROOT)} {' '.join(flags)}")
            cache[key] = out
        return cache[key]

    return compile


def inputs_for(model: mlang.Model, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random inputs: floats in (-0.9, 0.9) (inside asin/atanh's domain), small ints, bools."""
    sizes: dict[str, int] = {}
    for spec in model.inputs:
        for i, d in enumerate(spec.shape):
            if isinstance(d, str) and d not in sizes:
                sizes[d] = batch if i == 0 else OTHER_SYMBOL_SIZE
    feeds = {}
    for spec in model.inputs:
        shape = tuple(sizes[d] if isinstance(d, str) else d for d in spec.shape)
        if spec.dtype.kind == "f":
            feeds[spec.name] = rng.uniform(-0.9, 0.9, shape).astype(spec.dtype)
        elif spec.dtype.kind == "b":
            feeds[spec.name] = rng.integers(0, 2, shape).astype(bool)
        else:
            feeds[spec.name] = rng.integers(0, 3, shape).astype(spec.dtype)
    return feeds


def model_names(lib: Path) -> tuple[str, ...]:
    with mlang.load(lib) as m:
        return m.available_models


def compare(ort: ModuleType, onnx_path: Path, model: mlang.Model, batch: int) -> dict[str, float]:
    """Runs both; asserts equal outputs; returns the max abs difference per output."""
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    feeds = inputs_for(model, batch, np.random.default_rng(7000 + batch))
    ours = model(**feeds)
    theirs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
    assert set(theirs) == set(ours), f"ONNX outputs {sorted(theirs)} vs mcc outputs {sorted(ours)}"
    diffs = {}
    for name, value in ours.items():
        other = theirs[name]
        assert other.dtype == value.dtype and other.shape == value.shape, \
            f"output {name!r}: ONNX Runtime gives {other.dtype}{list(other.shape)}, mcc {value.dtype}{list(value.shape)}"
        np.testing.assert_allclose(other, value, rtol=RTOL, atol=ATOL, err_msg=f"output {name!r} at batch {batch}")
        diffs[name] = float(np.max(np.abs(other.astype(np.float64) - value.astype(np.float64)), initial=0.0))
    return diffs


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_export_matches_mcc(source: Path, build: Callable[..., Path], onnx_mod: ModuleType, ort: ModuleType) -> None:
    names = model_names(build(source, "so"))
    assert names, f"{source} declares no model"
    for name in names:
        lib, exported = build(source, "so"), build(source, "onnx", name)
        proto = onnx_mod.load(str(exported))
        onnx_mod.checker.check_model(proto, full_check=True)
        with mlang.load(lib, model=name) as model:
            for batch in BATCHES:
                diffs = compare(ort, exported, model, batch)
                print(f"{source.name}:{name} batch {batch}: max abs diff {max(diffs.values(), default=0.0):.3g}")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip_through_mcc_import(source: Path, build: Callable[..., Path]) -> None:
    """Export, compile the ONNX file with mcc again: same signature, same outputs."""
    for name in model_names(build(source, "so")):
        with mlang.load(build(source, "so"), model=name) as original, \
                mlang.load(build(source, "round-trip", name)) as imported:
            assert imported.inputs == original.inputs and imported.outputs == original.outputs
            for batch in BATCHES:
                feeds = inputs_for(original, batch, np.random.default_rng(8000 + batch))
                ours, back = original(**feeds), imported(**feeds)
                for out, value in ours.items():
                    np.testing.assert_allclose(back[out], value, rtol=RTOL, atol=ATOL, err_msg=f"output {out!r} at batch {batch}")


def test_exported_graph_shape(build: Callable[..., Path], onnx_mod: ModuleType) -> None:
    """Versions, names, dim_params and parameter data of examples/cnn.m's export."""
    exported = onnx_mod.load(str(build(EXAMPLES / "cnn.m", "onnx")))
    assert exported.ir_version == 8 and exported.producer_name == "mcc"
    assert [(o.domain, o.version) for o in exported.opset_import] == [("", 13)]
    graph = exported.graph
    assert graph.name == "CNN"
    shape = [d.dim_param or d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    assert (graph.input[0].name, shape) == ("image", ["batch", 1, 28, 28])
    assert [o.name for o in graph.output] == ["probs"]
    assert [n.op_type for n in graph.node] == ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten",
                                              "MatMul", "Add", "Softmax"]
    from onnx import numpy_helper
    initializers = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    with mlang.load(build(EXAMPLES / "cnn.m", "so")) as model:
        params: dict[str, Any] = model.params()
    assert set(initializers) == set(params)
    for name, value in params.items():
        np.testing.assert_array_equal(initializers[name], value, err_msg=name)


def test_unexportable_op_is_a_clear_error(mcc: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad.mir"
    source.write_text("module @bad\n\nfunc @Bad(%x: f32[2]) -> (y: f32[2]) {\n"
                      "  %0 = gelu %x {approximate = \"erf-ish\"} : f32[2]  loc(\"bad.m\":4:9)\n  return %0\n}\n")
    proc = run_mcc(source, "--emit=onnx", "-o", tmp_path / "bad.onnx")
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode == 1, err
    assert "bad.m:4:9: " in err and "op 'gelu' (%0)" in err and "approximate" in err, err
    assert not (tmp_path / "bad.onnx").exists()


def test_unknown_model_is_an_error(mcc: Path, tmp_path: Path) -> None:
    proc = run_mcc(EXAMPLES / "mlp.m", "--emit=onnx", "--model", "Nope", "-o", tmp_path / "x.onnx")
    assert proc.returncode == 1 and "Nope" in proc.stderr.decode(errors="replace")
