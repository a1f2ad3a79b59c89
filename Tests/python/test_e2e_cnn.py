"""examples/cnn.m end to end: compile, load with mlang, compare with a numpy forward."""

from __future__ import annotations

import numpy as np
import pytest

import mlang
from numpy_ref import conv2d, dense, flatten, maxpool2d, relu, softmax

F32 = np.dtype(np.float32)


def reference(params: dict[str, np.ndarray], image: np.ndarray) -> np.ndarray:
    """conv1 (same) -> relu -> pool1 -> conv2 (valid) -> relu -> pool2 -> flatten -> fc -> softmax."""
    p = {name: value.astype(np.float64) for name, value in params.items()}
    h = maxpool2d(relu(conv2d(image.astype(np.float64), p["conv1.weight"], p["conv1.bias"], padding="same")))
    h = maxpool2d(relu(conv2d(h, p["conv2.weight"], p["conv2.bias"], padding="valid")))
    return softmax(dense(flatten(h), p["fc.weight"], p["fc.bias"]))


def test_metadata(cnn: mlang.Model) -> None:
    assert cnn.name == "CNN"
    assert cnn.inputs == [mlang.TensorSpec("image", F32, ("batch", 1, 28, 28))]
    assert cnn.outputs == [mlang.TensorSpec("probs", F32, ("batch", 10))]
    assert {p.name: (p.dtype, p.shape) for p in cnn.params_info} == {
        "conv1.weight": (F32, (8, 1, 3, 3)),
        "conv1.bias": (F32, (8,)),
        "conv2.weight": (F32, (16, 8, 3, 3)),
        "conv2.bias": (F32, (16,)),
        "fc.weight": (F32, (16 * 6 * 6, 10)),
        "fc.bias": (F32, (10,)),
    }


def test_params_match_their_info_and_are_initialized(cnn: mlang.Model) -> None:
    params = cnn.params()
    for spec in cnn.params_info:
        assert params[spec.name].shape == spec.shape and params[spec.name].dtype == spec.dtype, spec.name
        assert np.all(np.isfinite(params[spec.name])), spec.name
    for name in ("conv1.weight", "conv2.weight", "fc.weight"):
        assert params[name].std() > 0, f"{name} is constant"


@pytest.mark.parametrize("batch", [1, 3, 16])
def test_forward_matches_numpy(cnn: mlang.Model, batch: int) -> None:
    image = np.random.default_rng(2000 + batch).standard_normal((batch, 1, 28, 28), dtype=np.float32)
    probs = cnn(image)["probs"]
    assert probs.dtype == F32 and probs.shape == (batch, 10)
    np.testing.assert_allclose(probs, reference(cnn.params(), image), rtol=1e-5, atol=1e-6)


def test_wrong_spatial_dim_names_the_input(cnn: mlang.Model) -> None:
    with pytest.raises(mlang.MccError) as info:
        cnn(np.zeros((2, 1, 28, 27), dtype=np.float32))
    assert info.value.status == mlang.Status.SHAPE_MISMATCH
    assert "'image'" in info.value.message and "28" in info.value.message
