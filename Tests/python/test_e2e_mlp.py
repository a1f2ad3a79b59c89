"""examples/mlp.m end to end: compile, load with mlang, compare with a numpy forward."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mlang
from numpy_ref import dense, relu, softmax

F32 = np.dtype(np.float32)


def reference(params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    p = {name: value.astype(np.float64) for name, value in params.items()}
    hidden = relu(dense(x.astype(np.float64), p["fc1.weight"], p["fc1.bias"]))
    return softmax(dense(hidden, p["fc2.weight"], p["fc2.bias"]))


def test_metadata(mlp: mlang.Model) -> None:
    assert mlp.name == "MLP"
    assert "MLP" in mlp.available_models
    assert mlp.abi_version[0] == 1
    assert mlp.inputs == [mlang.TensorSpec("x", F32, ("batch", 784))]
    assert mlp.outputs == [mlang.TensorSpec("probs", F32, ("batch", 10))]
    assert {p.name: (p.dtype, p.shape) for p in mlp.params_info} == {
        "fc1.weight": (F32, (784, 128)),
        "fc1.bias": (F32, (128,)),
        "fc2.weight": (F32, (128, 10)),
        "fc2.bias": (F32, (10,)),
    }


def test_params_match_their_info_and_are_initialized(mlp: mlang.Model) -> None:
    params = mlp.params()
    assert list(params) == [p.name for p in mlp.params_info]
    for spec in mlp.params_info:
        value = params[spec.name]
        assert value.dtype == spec.dtype and value.shape == spec.shape, spec.name
        assert np.all(np.isfinite(value)), spec.name
    for name in ("fc1.weight", "fc2.weight"):  # seeded random init, so the comparison below means something
        assert params[name].std() > 0, f"{name} is constant"


def test_params_are_shared_by_instances(mlp: mlang.Model, mlp_lib: Path) -> None:
    with mlang.load(mlp_lib) as other:
        for name, value in other.params().items():
            np.testing.assert_array_equal(value, mlp.params()[name], err_msg=name)


@pytest.mark.parametrize("batch", [1, 3, 16])
def test_forward_matches_numpy(mlp: mlang.Model, batch: int) -> None:
    x = np.random.default_rng(1000 + batch).standard_normal((batch, 784), dtype=np.float32)
    out = mlp.run(x)
    assert list(out) == ["probs"]
    probs = out["probs"]
    assert probs.dtype == F32 and probs.shape == (batch, 10)
    np.testing.assert_allclose(probs, reference(mlp.params(), x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_inputs_by_name_and_outputs_are_copies(mlp: mlang.Model) -> None:
    rng = np.random.default_rng(7)
    x1, x2 = (rng.standard_normal((4, 784), dtype=np.float32) for _ in range(2))
    first = mlp(x1)["probs"]
    kept = first.copy()
    second = mlp(x=x2)["probs"]
    np.testing.assert_array_equal(first, kept)  # the next run did not write into the first result
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(mlp(x=x1)["probs"], kept)


def test_non_contiguous_input_is_accepted(mlp: mlang.Model) -> None:
    x = np.random.default_rng(8).standard_normal((784, 5), dtype=np.float32).T  # Fortran order
    np.testing.assert_allclose(mlp(x)["probs"], reference(mlp.params(), x), rtol=1e-5, atol=1e-6)


def test_wrong_dtype_is_reported_by_the_library(mlp: mlang.Model) -> None:
    with pytest.raises(mlang.MccError) as info:
        mlp(np.zeros((2, 784), dtype=np.float64))
    assert info.value.status == mlang.Status.DTYPE_MISMATCH
    assert "'x'" in info.value.message


def test_inputs_are_passed_without_copy_or_conversion(mlp: mlang.Model) -> None:
    spec = mlp.inputs[0]
    x = np.zeros((2, 784), dtype=np.float32)
    assert mlang.Model._as_input(x, spec) is x  # C-contiguous f32: handed over as is
    wrong = np.zeros((2, 784), dtype=np.float64)
    assert mlang.Model._as_input(wrong, spec).dtype == np.float64  # the library must see (and reject) f64
    assert mlang.Model._as_input([[0.0] * 784], spec).dtype == np.float32  # Python lists take the declared dtype
