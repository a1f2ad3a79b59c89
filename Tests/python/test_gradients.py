"""Finite-difference checks of every autodiff gradient rule, in f64.

Each case is a small MIR function `@NAME(args..., %w) -> (loss)` with loss = sum(y * w)
for a random `w`, so every element of the result gradient is checked, not only their
sum. The `autodiff` pass appends `grad.<arg>` results; each is compared with central
differences of `loss` (eps 1e-6, rtol 1e-5). `test_every_differentiable_op_is_checked`
asks `mcc gradient-rules` for the rule table, so a new differentiable op fails until a
case here covers it.

The model tests build `<F>.train` with `--train-loss` on a forward function whose
trainable parameters were turned into inputs (and the whole model into f64), and use the
hidden `--train-input-grads` flag to get their gradients: an unrolled LSTM
(backpropagation through time) and a small CNN with conv, pooling, batch norm and dropout.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from conftest import GRADIENT_CHECKS

import mlang
from conftest import ROOT, run_mcc

PIPELINE = "autodiff,lower-inference,simplify-movement,cse,dce,fuse-elementwise,dce"
EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-7


class Case:
    """One function: its arguments (name, shape, sampler), body lines, result value and type."""

    def __init__(self, name: str, args: list[tuple[str, str, Any]], body: str, result: str, rtype: str,
                 eps: float = EPS, rtol: float = RTOL) -> None:
        self.name, self.args, self.body, self.result, self.rtype = name, args, body, result, rtype
        self.eps, self.rtol = eps, rtol

    def mir(self) -> str:
        sig = ", ".join(f"%{n}: {t}" for n, t, _ in self.args) + f", %w: {self.rtype}"
        lines = [l.strip() for l in self.body.strip().splitlines()]
        tail = [f"%__p = mul {self.result}, %w : {self.rtype}",
                "%__s = reduce_sum %__p {keepdims = 0} : f64[]",
                "%__l = reshape %__s : f64[1]",
                "return %__l"]
        return f"func @{self.name}({sig}) -> (loss: f64[1]) {{\n" + "".join(f"  {l}\n" for l in lines + tail) + "}\n"

    def ops(self) -> set[str]:
        return set(re.findall(r"=\s*([a-z_0-9]+)\b", self.body))


def normal(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(shape)


def positive(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0.5, 2.0, shape)


def unit(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-0.8, 0.8, shape)


def above_one(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(1.5, 3.0, shape)


def wide(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-5.0, 5.0, shape)


def fixed(values: list[Any], dtype: str) -> Callable[[tuple[int, ...], np.random.Generator], np.ndarray]:
    return lambda shape, rng: np.array(values, dtype=dtype).reshape(shape)


def shape_of(t: str) -> tuple[int, ...]:
    dims = t[t.index("[") + 1:-1]
    return tuple(int(d) for d in dims.split(",")) if dims.strip() else ()


def unary(name: str, op: str, attrs: str = "", sampler=normal) -> Case:
    a = f" {{{attrs}}}" if attrs else ""
    return Case(name, [("x", "f64[2, 3]", sampler)], f"%y = {op} %x{a} : f64[2, 3]", "%y", "f64[2, 3]")


def binary(name: str, op: str, a_sampler=normal, b_sampler=normal, attrs: str = "") -> Case:
    a = f" {{{attrs}}}" if attrs else ""
    # b broadcasts along dim 0 and is of lower rank in the second half of the body.
    return Case(name, [("a", "f64[2, 3]", a_sampler), ("b", "f64[1, 3]", b_sampler), ("c", "f64[3]", b_sampler)],
                f"""%y = {op} %a, %b{a} : f64[2, 3]
                    %z = {op} %y, %c{a} : f64[2, 3]""", "%z", "f64[2, 3]")


def reduction(name: str, op: str, attrs: str, rtype: str, sampler=normal) -> Case:
    return Case(name, [("x", "f64[2, 3, 2]", sampler)], f"%y = {op} %x {{{attrs}}} : {rtype}", "%y", rtype)


CASES: list[Case] = [
    unary("neg", "neg"), unary("abs", "abs"), unary("relu", "relu"), unary("sigmoid", "sigmoid"),
    unary("tanh", "tanh"), unary("exp", "exp"), unary("log", "log", sampler=positive),
    unary("sqrt", "sqrt", sampler=positive), unary("erf", "erf"), unary("reciprocal", "reciprocal", sampler=positive),
    unary("sin", "sin"), unary("cos", "cos"), unary("tan", "tan", sampler=unit), unary("asin", "asin", sampler=unit),
    unary("acos", "acos", sampler=unit), unary("atan", "atan"), unary("sinh", "sinh"), unary("cosh", "cosh"),
    unary("asinh", "asinh"), unary("acosh", "acosh", sampler=above_one), unary("atanh", "atanh", sampler=unit),
    unary("softplus", "softplus"), unary("softsign", "softsign"),
    unary("leaky_relu", "leaky_relu", "alpha = 0.1"), unary("elu", "elu", "alpha = 0.7"),
    unary("celu", "celu", "alpha = 1.3"), unary("selu", "selu"),
    unary("hard_sigmoid", "hard_sigmoid", "alpha = 0.2, beta = 0.5", sampler=wide),
    unary("hard_swish", "hard_swish", sampler=wide), unary("thresholded_relu", "thresholded_relu", "alpha = 0.3"),
    unary("gelu", "gelu"), unary("gelu_tanh", "gelu", 'approximate = "tanh"'),
    unary("clip", "clip", "min = -0.5, max = 0.5"), unary("clip_min_only", "clip", "min = 0.2"),
    unary("dropout_inference", "dropout", "ratio = 0.3"),
    Case("dropout_seeded", [("x", "f64[4, 5]", normal), ("seed", "i64[1]", fixed([1234], "int64"))],
         "%y = dropout %x, %seed {ratio = 0.5} : f64[4, 5]", "%y", "f64[4, 5]"),
    # f64 -> f32 -> f64 rounds to f32, so this linear case uses a large step.
    Case("cast", [("x", "f64[2, 3]", normal)],
         """%h = cast %x {to = "f32"} : f32[2, 3]
            %y = cast %h {to = "f64"} : f64[2, 3]""", "%y", "f64[2, 3]", eps=1e-2, rtol=1e-4),
    binary("add", "add"), binary("sub", "sub"), binary("mul", "mul"), binary("div", "div", b_sampler=positive),
    binary("pow", "pow", a_sampler=positive, b_sampler=unit), binary("maximum", "maximum"), binary("minimum", "minimum"),
    binary("mod", "mod", a_sampler=wide, b_sampler=positive), binary("fmod", "mod", a_sampler=wide, b_sampler=positive, attrs="fmod = 1"),
    Case("where", [("a", "f64[2, 3]", normal), ("b", "f64[3]", normal), ("p", "f64[2, 3]", normal)],
         """%c = greater %p, %a : bool[2, 3]
            %y = where %c, %a, %b : f64[2, 3]""", "%y", "f64[2, 3]"),
    reduction("reduce_sum", "reduce_sum", "axes = [1], keepdims = 0", "f64[2, 2]"),
    reduction("reduce_mean", "reduce_mean", "axes = [0, 2], keepdims = 1", "f64[1, 3, 1]"),
    reduction("reduce_max", "reduce_max", "axes = [1], keepdims = 1", "f64[2, 1, 2]"),
    reduction("reduce_min", "reduce_min", "axes = [2], keepdims = 0", "f64[2, 3]"),
    reduction("reduce_prod", "reduce_prod", "axes = [1], keepdims = 0", "f64[2, 2]", sampler=positive),
    reduction("reduce_sum_square", "reduce_sum_square", "axes = [0], keepdims = 0", "f64[3, 2]"),
    reduction("reduce_l1", "reduce_l1", "axes = [1, 2], keepdims = 0", "f64[2]"),
    reduction("reduce_l2", "reduce_l2", "axes = [1], keepdims = 0", "f64[2, 2]"),
    reduction("reduce_log_sum", "reduce_log_sum", "axes = [1], keepdims = 0", "f64[2, 2]", sampler=positive),
    reduction("reduce_log_sum_exp", "reduce_log_sum_exp", "axes = [2], keepdims = 1", "f64[2, 3, 1]"),
    reduction("reduce_all", "reduce_mean", "keepdims = 0", "f64[]"),
    # A symbolic dim: the mean's count is computed at run time.
    Case("reduce_mean_symbolic", [("x", "f64[n, 3]", normal)],
         "%y = reduce_mean %x {axes = [0], keepdims = 0} : f64[3]", "%y", "f64[3]"),
    Case("cumsum", [("x", "f64[2, 4]", normal)],
         """%a = cumsum %x {axis = 1} : f64[2, 4]
            %y = cumsum %a {axis = 0, exclusive = 1, reverse = 1} : f64[2, 4]""", "%y", "f64[2, 4]"),
    Case("softmax", [("x", "f64[2, 4]", normal)], "%y = softmax %x {axis = 1} : f64[2, 4]", "%y", "f64[2, 4]"),
    Case("log_softmax", [("x", "f64[3, 2]", normal)], "%y = log_softmax %x {axis = 0} : f64[3, 2]", "%y", "f64[3, 2]"),
    Case("topk_values", [("x", "f64[2, 5]", normal)],
         "%y = topk_values %x {k = 2, axis = -1, largest = 1} : f64[2, 2]", "%y", "f64[2, 2]"),
    Case("matmul", [("a", "f64[2, 3]", normal), ("b", "f64[3, 4]", normal)],
         "%y = matmul %a, %b : f64[2, 4]", "%y", "f64[2, 4]"),
    Case("matmul_batched", [("a", "f64[2, 1, 2, 3]", normal), ("b", "f64[3, 3, 2]", normal)],
         "%y = matmul %a, %b : f64[2, 3, 2, 2]", "%y", "f64[2, 3, 2, 2]"),
    Case("conv2d_grouped", [("x", "f64[2, 4, 5, 5]", normal), ("k", "f64[6, 2, 3, 3]", normal), ("bias", "f64[6]", normal)],
         "%y = conv2d %x, %k, %bias {strides = [2, 1], pads = [1, 0, 1, 1], dilations = [1, 2], groups = 2} : f64[2, 6, 3, 2]",
         "%y", "f64[2, 6, 3, 2]"),
    Case("conv2d_depthwise", [("x", "f64[1, 3, 4, 4]", normal), ("k", "f64[3, 1, 3, 3]", normal)],
         "%y = conv2d %x, %k {pads = [1, 1, 1, 1], groups = 3} : f64[1, 3, 4, 4]", "%y", "f64[1, 3, 4, 4]"),
    Case("conv2d_strided", [("x", "f64[1, 2, 6, 6]", normal), ("k", "f64[3, 2, 3, 3]", normal)],
         "%y = conv2d %x, %k {strides = [2, 2]} : f64[1, 3, 2, 2]", "%y", "f64[1, 3, 2, 2]"),
    Case("conv_transpose2d", [("x", "f64[1, 4, 3, 3]", normal), ("k", "f64[4, 3, 3, 3]", normal), ("bias", "f64[3]", normal)],
         "%y = conv_transpose2d %x, %k, %bias {strides = [2, 2], pads = [1, 1, 1, 1], output_padding = [1, 1]} : f64[1, 3, 6, 6]",
         "%y", "f64[1, 3, 6, 6]"),
    Case("conv_transpose2d_grouped", [("x", "f64[2, 4, 3, 2]", normal), ("k", "f64[4, 2, 2, 2]", normal)],
         "%y = conv_transpose2d %x, %k {groups = 2, dilations = [2, 1]} : f64[2, 4, 5, 3]", "%y", "f64[2, 4, 5, 3]"),
    Case("max_pool2d", [("x", "f64[2, 2, 5, 5]", normal)],
         "%y = max_pool2d %x {kernel = [2, 2], strides = [2, 2], pads = [0, 0, 1, 1]} : f64[2, 2, 3, 3]", "%y", "f64[2, 2, 3, 3]"),
    Case("max_pool2d_overlap", [("x", "f64[1, 1, 5, 5]", normal)],
         "%y = max_pool2d %x {kernel = [3, 3], strides = [1, 1], dilations = [1, 2]} : f64[1, 1, 3, 1]", "%y", "f64[1, 1, 3, 1]"),
    Case("avg_pool2d", [("x", "f64[1, 2, 5, 5]", normal)],
         "%y = avg_pool2d %x {kernel = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]} : f64[1, 2, 3, 3]", "%y", "f64[1, 2, 3, 3]"),
    Case("avg_pool2d_include_pad", [("x", "f64[1, 1, 4, 4]", normal)],
         "%y = avg_pool2d %x {kernel = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1], count_include_pad = 1, ceil_mode = 1} : f64[1, 1, 3, 3]",
         "%y", "f64[1, 1, 3, 3]"),
    Case("reshape_flatten_transpose", [("x", "f64[2, 3, 4]", normal)],
         """%a = transpose %x {perm = [2, 0, 1]} : f64[4, 2, 3]
            %b = reshape %a : f64[8, 3]
            %c = mul %b, %b : f64[8, 3]
            %y = flatten %c {axis = 0} : f64[1, 24]""", "%y", "f64[1, 24]"),
    Case("concat", [("a", "f64[2, 1]", normal), ("b", "f64[2, 3]", normal), ("c", "f64[2, 2]", normal)],
         "%y = concat %a, %b, %c, %b {axis = 1} : f64[2, 9]", "%y", "f64[2, 9]"),
    Case("slice", [("x", "f64[5, 6]", normal)],
         """%a = slice %x {starts = [1, -1], ends = [4, 0], axes = [0, 1], steps = [1, -2]} : f64[3, 3]
            %b = slice %x {starts = [0], ends = [6], axes = [1], steps = [4]} : f64[5, 2]
            %c = reduce_sum %b {axes = [1], keepdims = 0} : f64[5]
            %d = slice %c {starts = [1], ends = [4]} : f64[3]
            %y = add %a, %d : f64[3, 3]""", "%y", "f64[3, 3]"),
    Case("gather", [("x", "f64[2, 4, 3]", normal), ("i", "i64[2, 2]", fixed([0, 3, -1, 0], "int64"))],
         "%y = gather %x, %i {axis = 1} : f64[2, 2, 2, 3]", "%y", "f64[2, 2, 2, 3]"),
    Case("gather_elements", [("x", "f64[3, 4]", normal), ("i", "i64[3, 2]", fixed([0, 3, 1, 1, -2, 0], "int64"))],
         "%y = gather_elements %x, %i {axis = 1} : f64[3, 2]", "%y", "f64[3, 2]"),
    Case("expand", [("x", "f64[3, 1]", normal), ("v", "f64[2]", normal)],
         """%a = expand %x : f64[2, 3, 2]
            %b = expand %v : f64[2, 3, 2]
            %y = mul %a, %b : f64[2, 3, 2]""", "%y", "f64[2, 3, 2]"),
    Case("tile", [("x", "f64[2, 3]", normal)], "%y = tile %x {repeats = [2, 3]} : f64[4, 9]", "%y", "f64[4, 9]"),
    Case("pad", [("x", "f64[2, 3]", normal)],
         '%y = pad %x {pads = [1, 0, 2, 2], mode = "constant", value = 0.5} : f64[5, 5]', "%y", "f64[5, 5]"),
    Case("pad_reflect_edge_crop", [("x", "f64[3, 4]", normal)],
         """%a = pad %x {pads = [2, 1, 1, 3], mode = "reflect"} : f64[6, 8]
            %b = pad %x {pads = [1, 0, 2, 2], mode = "edge"} : f64[6, 6]
            %c = pad %x {pads = [-1, 2, 0, -1]} : f64[2, 5]
            %d = reduce_sum %a {axes = [1], keepdims = 0} : f64[6]
            %e = reduce_sum %c {axes = [0], keepdims = 0} : f64[5]
            %f = slice %b {starts = [0], ends = [5], axes = [1]} : f64[6, 5]
            %y = add %f, %e : f64[6, 5]
            %dd = reshape %d : f64[6, 1]
            %z = mul %y, %dd : f64[6, 5]""", "%z", "f64[6, 5]"),
    Case("resize_nearest", [("x", "f64[1, 2, 2, 3]", normal)],
         '%y = resize %x {scales = [1.0, 1.0, 2.0, 1.5], mode = "nearest"} : f64[1, 2, 4, 4]', "%y", "f64[1, 2, 4, 4]"),
    Case("resize_linear", [("x", "f64[2, 3, 3]", normal)],
         '%y = resize %x {scales = [1.0, 1.7, 0.7], mode = "linear"} : f64[2, 5, 2]', "%y", "f64[2, 5, 2]"),
    Case("resize_linear_align_corners", [("x", "f64[2, 3]", normal)],
         '%y = resize %x {scales = [2.0, 2.0], mode = "linear", coordinate_mode = "align_corners"} : f64[4, 6]',
         "%y", "f64[4, 6]"),
    Case("resize_cubic", [("x", "f64[2, 4, 5]", normal)],
         '%y = resize %x {scales = [1.0, 1.5, 0.8], mode = "cubic", cubic_coeff_a = -0.5, exclude_outside = 1} : f64[2, 6, 4]',
         "%y", "f64[2, 6, 4]"),
    Case("resize_tf_crop_and_resize", [("x", "f64[4, 5]", normal)],
         '%y = resize %x {scales = [1.75, 1.4], mode = "cubic", coordinate_mode = "tf_crop_and_resize", '
         'roi = [0.2, -0.3, 0.9, 1.4], extrapolation_value = 3.0} : f64[7, 7]', "%y", "f64[7, 7]"),
    Case("batch_norm_inference", [("x", "f64[3, 2, 2, 2]", normal), ("g", "f64[2]", normal), ("b", "f64[2]", normal),
                                  ("m", "f64[2]", normal), ("v", "f64[2]", positive)],
         "%y = batch_norm %x, %g, %b, %m, %v {epsilon = 0.001} : f64[3, 2, 2, 2]", "%y", "f64[3, 2, 2, 2]"),
    # Expanded into transposes, matmuls and softmax before differentiation; q and k are [b, s, h, d] views.
    Case("attention", [("q", "f64[1, 3, 2, 4]", normal), ("k", "f64[1, 5, 2, 4]", normal), ("v", "f64[1, 2, 5, 3]", normal),
                       ("m", "f64[3, 5]", normal)],
         "%y = attention %q, %k, %v, %m {k_perm = [0, 2, 1, 3], out_perm = [0, 2, 1, 3], q_perm = [0, 2, 1, 3], scale = 0.7} : f64[1, 3, 2, 3]",
         "%y", "f64[1, 3, 2, 3]"),
    Case("layer_norm", [("x", "f64[3, 5]", normal), ("g", "f64[5]", normal), ("b", "f64[5]", normal)],
         "%y = layer_norm %x, %g, %b {epsilon = 0.001} : f64[3, 5]", "%y", "f64[3, 5]"),
    Case("layer_norm_two_axes", [("x", "f64[2, 2, 3]", normal), ("g", "f64[2, 3]", normal)],
         "%y = layer_norm %x, %g {axis = 1, epsilon = 0.01} : f64[2, 2, 3]", "%y", "f64[2, 2, 3]"),
    Case("matmul_bias_residual", [("a", "f64[2, 2, 3]", normal), ("b", "f64[3, 4]", normal), ("c", "f64[4]", normal),
                                  ("r", "f64[2, 2, 4]", normal)],
         "%y = matmul %a, %b, %c, %r : f64[2, 2, 4]", "%y", "f64[2, 2, 4]"),
]


@pytest.fixture(scope="module")
def grad_lib(mcc: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grads")
    src = out / "grads.mir"
    src.write_text("module @grads\n\n" + "\n".join(c.mir() for c in CASES))
    lib = out / "libgrads.so"
    proc = run_mcc(src, "--passes", PIPELINE, "-o", lib)
    if proc.returncode != 0:
        pytest.fail(f"mcc {src} failed:\n{proc.stderr.decode(errors='replace')}", pytrace=False)
    return lib


def sample_inputs(case: Case, rng: np.random.Generator, runtime_shapes: dict[str, tuple[int, ...]]) -> list[np.ndarray]:
    values = []
    for name, t, sampler in case.args:
        shape = runtime_shapes.get(name) or shape_of(t)
        values.append(sampler(shape, rng))
    return values


def check_gradients(run: Callable[[list[np.ndarray]], dict[str, np.ndarray]], inputs: list[np.ndarray], names: list[str],
                    grad_key: Callable[[str], str], eps: float, rtol: float, limit: int | None = None,
                    rng: np.random.Generator | None = None) -> int:
    """Compares each named input's analytic gradient with central differences of `loss`; returns elements checked."""
    outputs = run(inputs)
    checked = 0
    for k, name in enumerate(names):
        if inputs[k].dtype != np.float64:
            continue
        key = grad_key(name)
        # No result means no dependence: the finite differences must then be zero.
        analytic = outputs.get(key, np.zeros_like(inputs[k]))
        assert analytic.shape == inputs[k].shape, f"{key}: shape {analytic.shape} != {inputs[k].shape}"
        positions = list(np.ndindex(inputs[k].shape))
        if limit is not None and len(positions) > limit and rng is not None:
            positions = [positions[i] for i in rng.choice(len(positions), limit, replace=False)]
        for pos in positions:
            plus = [v.copy() for v in inputs]
            minus = [v.copy() for v in inputs]
            plus[k][pos] += eps
            minus[k][pos] -= eps
            numeric = (run(plus)["loss"][0] - run(minus)["loss"][0]) / (2 * eps)
            scale = max(1.0, abs(numeric))
            assert abs(analytic[pos] - numeric) <= rtol * scale + ATOL, \
                f"d loss / d {name}{list(pos)}: autodiff {analytic[pos]!r}, finite difference {numeric!r}"
            checked += 1
    return checked


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_gradient_rule(case: Case, grad_lib: Path, request: pytest.FixtureRequest) -> None:
    # A stable seed per case (str hashes are randomized per process).
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    runtime = {"x": (2, 3)} if case.name == "reduce_mean_symbolic" else {}
    inputs = sample_inputs(case, rng, runtime)
    w = rng.standard_normal(shape_of(case.rtype) if not runtime else (3,))
    with mlang.load(grad_lib, case.name) as model:
        def run(values: list[np.ndarray]) -> dict[str, np.ndarray]:
            return model.run(*values, w)
        names = [n for n, _, _ in case.args]
        checked = check_gradients(run, inputs, names, lambda n: f"grad.{n}", case.eps, case.rtol)
    assert checked > 0
    print(f"{case.name}: {checked} elements checked ({', '.join(sorted(case.ops()))})")
    request.config.stash.setdefault(GRADIENT_CHECKS, []).append(f"{case.name} ({checked})")


def gradient_rules(mcc: Path) -> dict[str, str]:
    proc = subprocess.run([str(mcc), "gradient-rules"], capture_output=True, text=True, check=True)
    return {line.split("\t")[0]: line.split("\t")[1] for line in proc.stdout.splitlines() if line}


def test_every_differentiable_op_is_checked(mcc: Path) -> None:
    rules = gradient_rules(mcc)
    checked = set().union(*(c.ops() for c in CASES))
    missing = sorted(op for op, rule in rules.items() if rule in ("differentiable", "expanded-first") and op not in checked)
    assert not missing, f"differentiable ops without a finite-difference case in {Path(__file__).name}: {missing}"
    assert "floor" in rules and rules["floor"] == "non-differentiable"


def test_non_differentiable_op_on_the_loss_path_is_an_error(mcc: Path, tmp_path: Path) -> None:
    src = tmp_path / "floor.mir"
    src.write_text("""module @floor

func @f(%x: f64[3]) -> (loss: f64[1]) {
  %a = floor %x : f64[3]  loc("model.m":7:5)
  %b = reduce_sum %a {keepdims = 0} : f64[]
  %c = reshape %b : f64[1]
  return %c
}
""")
    proc = run_mcc(src, "--passes", "autodiff", "--emit", "mir-opt")
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert "model.m:7:5" in err and "'floor'" in err and "not differentiable" in err, err


# --- training functions of whole models -----------------------------------------------------

def params_to_inputs(mir: str, function: str, keep: Callable[[str], bool]) -> tuple[str, list[tuple[str, str]]]:
    """Turns the trainable parameters read by `function` into extra inputs (after its own)."""
    lines = mir.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(f"func @{function}("))
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    body, new_args, renames = [], [], {}
    for line in lines[start + 1:end]:
        m = re.match(r"\s*(%\d+) = param @([\w.]+) : (\w+\[[^\]]*\])", line)
        if m and keep(m.group(2)):
            renames[m.group(1)] = "%" + m.group(2)
            new_args.append((m.group(2), m.group(3)))
            continue
        body.append(re.sub(r"%\d+(?![\w.])", lambda mm: renames.get(mm.group(0), mm.group(0)), line))
    header = lines[start]
    sig_end = header.index(") -> (")
    header = header[:sig_end] + "".join(f", %{n}: {t}" for n, t in new_args) + header[sig_end:]
    return "\n".join(lines[:start] + [header] + body + lines[end:]) + "\n", new_args


def is_trainable(name: str) -> bool:
    return not re.fullmatch(r"(mcc\.)?const\d+", name) and not name.endswith(("running_mean", "running_var"))


def train_case(mcc: Path, tmp_path: Path, source: str, model: str, loss: str) -> tuple[Path, list[tuple[str, str]]]:
    src = tmp_path / "model.m"
    src.write_text(source)
    proc = run_mcc(src, "--emit", "mir", "--model", model)
    assert proc.returncode == 0, proc.stderr.decode()
    mir = proc.stdout.decode().replace("f32", "f64")
    mir = re.sub(r'cast (%\w+) \{to = "f64"\}', r'cast \1 {to = "f64"}', mir)
    mir, weights = params_to_inputs(mir, model, is_trainable)
    (tmp_path / "model.mir").write_text(mir)
    lib = tmp_path / "libmodel.so"
    proc = run_mcc(tmp_path / "model.mir", "--model", model, "--train-loss", loss, "--train-input-grads", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode()
    return lib, weights


def check_model(lib: Path, model: str, inputs: list[np.ndarray], input_names: list[str], target: np.ndarray, seed: int,
                weights: list[tuple[str, str]], rng: np.random.Generator, limit: int) -> int:
    names = input_names + [n for n, _ in weights]
    with mlang.load(lib, model + ".train") as train:
        def run(values: list[np.ndarray]) -> dict[str, np.ndarray]:
            return train.run(*values, target, np.array([seed], dtype=np.int64))
        return check_gradients(run, inputs, names, lambda n: f"grad_input.{n}", EPS, RTOL, limit=limit, rng=rng)


def weight_values(weights: list[tuple[str, str]], rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal(shape_of(t)) * (0.5 if len(shape_of(t)) > 1 else 0.1) for _, t in weights]


LSTM = """
metamodel LSTMForecaster(features: Int = 2, window: Int = 4, hidden: Int = 3, horizon: Int = 2) {
    input series: f32[batch, window, features]
    output forecast: f32[batch, horizon]
    lstm1 = LSTM(hidden, return_sequences = true)
    lstm2 = LSTM(hidden)
    head = Dense(horizon)
    forward {
        forecast = head(lstm2(lstm1(series)))
    }
}

model Forecaster = LSTMForecaster()
"""


def test_lstm_backprop_through_time(mcc: Path, tmp_path: Path) -> None:
    lib, weights = train_case(mcc, tmp_path, LSTM, "Forecaster", "huber:0.5")
    rng = np.random.default_rng(1)
    inputs = [rng.standard_normal((2, 4, 2))] + weight_values(weights, rng)
    target = rng.standard_normal((2, 2))
    checked = check_model(lib, "Forecaster", inputs, ["series"], target, 5, weights, rng, limit=12)
    print(f"LSTM: {checked} weight elements checked over {[n for n, _ in weights]}")
    assert {n.split(".")[0] for n, _ in weights} >= {"lstm1", "lstm2", "head"}


GRU = """
model Tagger {
    seed = 9
    input tokens: f32[batch, 3, 2]
    output scores: f32[batch, 2]
    gru = GRU(3)
    head = Dense(2)
    forward {
        scores = head(gru(tokens))
    }
}
"""


def test_gru_backprop_through_time(mcc: Path, tmp_path: Path) -> None:
    lib, weights = train_case(mcc, tmp_path, GRU, "Tagger", "bce_logits")
    rng = np.random.default_rng(4)
    inputs = [rng.standard_normal((2, 3, 2))] + weight_values(weights, rng)
    target = rng.uniform(0, 1, (2, 2))
    checked = check_model(lib, "Tagger", inputs, ["tokens"], target, 3, weights, rng, limit=12)
    print(f"GRU: {checked} weight elements checked over {[n for n, _ in weights]}")
    assert any(n.startswith("gru.") for n, _ in weights)


CNN = """
model SmallCNN {
    seed = 3
    input image: f32[batch, 2, 6, 6]
    output logits: f32[batch, 3]
    conv1 = Conv2D(3, kernel = (3, 3), padding = "same")
    bn = BatchNorm2D()
    pool = MaxPooling2D(pool = (2, 2))
    conv2 = Conv2D(4, kernel = (2, 2), stride = (2, 2))
    drop = Dropout(rate = 0.3)
    fc = Dense(3)
    forward {
        h = pool(relu(bn(conv1(image))))
        h = avg_pool(h)
        logits = fc(drop(flatten(relu(conv2(h)))))
    }
}
"""


def test_cnn_with_batch_norm_and_dropout(mcc: Path, tmp_path: Path) -> None:
    source = CNN.replace("h = avg_pool(h)\n", "")
    lib, weights = train_case(mcc, tmp_path, source, "SmallCNN", "cross_entropy:0.1")
    rng = np.random.default_rng(2)
    inputs = [rng.standard_normal((3, 2, 6, 6))] + weight_values(weights, rng)
    target = np.array([0, 2, 1], dtype=np.int64)
    checked = check_model(lib, "SmallCNN", inputs, ["image"], target, 11, weights, rng, limit=10)
    print(f"CNN: {checked} weight elements checked over {[n for n, _ in weights]}")
    with mlang.load(lib, "SmallCNN.train") as train:
        out = train.run(*inputs, target, np.array([11], dtype=np.int64))
    # Running statistics are state: updated, never trained.
    assert "state.bn.running_mean" in out and "state.bn.running_var" in out
    assert not any(k.startswith("grad.bn.running") for k in out)
