"""The convolution gradient kernels split across the thread pool (conv2d_backward_filter by dW
columns or groups, conv_transpose2d by output channels, direct kernels by images) once a
step's work is large: a train step with 2 threads must match the serial one. Covers the GEMM
paths (ungrouped, grouped, strided/dilated/padded, 1x1) and the direct depthwise kernel."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import mlang
from conftest import run_mcc

NET = """
model ConvNet {
    seed = 5
    input x: f32[batch, 4, 20, 20]
    output logits: f32[batch, 10]
    c1 = Conv2D(8, kernel = (3, 3), stride = (2, 2), padding = "same", dilation = (1, 1))
    c2 = Conv2D(8, kernel = (3, 3), groups = 2, padding = "same")
    c3 = DepthwiseConv2D(kernel = (3, 3), padding = "same")
    c4 = Conv2D(12, kernel = (1, 1))
    c5 = Conv2D(6, kernel = (3, 3), dilation = (2, 2))
    fc = Dense(10)
    forward {
        h = relu(c1(x))
        h = relu(c2(h))
        h = relu(c3(h))
        h = relu(c4(h))
        h = relu(c5(h))
        logits = fc(flatten(h))
    }
}
"""


def test_two_threads_match_one(mcc: Path, tmp_path: Path) -> None:
    (tmp_path / "net.m").write_text(NET)
    lib = tmp_path / "libnet.so"
    proc = run_mcc(tmp_path / "net.m", "--train-loss", "cross_entropy", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4, 20, 20)).astype(np.float32)
    t = rng.integers(0, 10, 64).astype(np.int64)
    results = []
    for threads in (1, 2):
        with mlang.load(lib) as m:
            m.set_num_threads(threads)
            m.set_optimizer("sgd", lr=0.05, momentum=0.9)
            losses = [m.train_step(x, t) for _ in range(3)]
            results.append((losses, m.params()))
    (l1, p1), (l2, p2) = results
    np.testing.assert_allclose(l1, l2, rtol=1e-5)
    assert l1[-1] < l1[0]
    for name, v in p1.items():
        np.testing.assert_allclose(p2[name], v, rtol=1e-4, atol=1e-6, err_msg=name)


TRANSPOSED = """module @t

func @T(%x: f32[n, 4, 5, 4], %w: f32[4, 3, 3, 3], %b: f32[3], %wg: f32[4, 2, 3, 3]) -> (y: f32[n, 3, 13, 9], g: f32[n, 4, 13, 9]) {
  %0 = conv_transpose2d %x, %w, %b {strides = [2, 2], pads = [0, 1, 1, 0], dilations = [2, 1], output_padding = [1, 1]} : f32[n, 3, 13, 9]
  %1 = conv_transpose2d %x, %wg {strides = [2, 2], pads = [0, 1, 1, 0], dilations = [2, 1], output_padding = [1, 1], groups = 2} : f32[n, 4, 13, 9]
  return %0, %1
}
"""


def conv_transpose_ref(x: np.ndarray, w: np.ndarray, groups: int, strides: tuple[int, int], pads: tuple[int, int, int, int],
                       dilations: tuple[int, int], out_hw: tuple[int, int]) -> np.ndarray:
    n, cin, h, wd = x.shape
    coutg, kh, kw = w.shape[1:]
    full = np.zeros((n, coutg * groups, out_hw[0] + pads[0] + kh * dilations[0] + h * strides[0],
                     out_hw[1] + pads[1] + kw * dilations[1] + wd * strides[1]))
    for ic in range(cin):
        g = ic // (cin // groups)
        for ocg in range(coutg):
            for ky in range(kh):
                for kx in range(kw):
                    oy, ox = ky * dilations[0], kx * dilations[1]
                    full[:, g * coutg + ocg, oy:oy + h * strides[0]:strides[0], ox:ox + wd * strides[1]:strides[1]] += \
                        x[:, ic] * w[ic, ocg, ky, kx]
    return full[:, :, pads[0]:pads[0] + out_hw[0], pads[1]:pads[1] + out_hw[1]]


def test_conv_transpose2d_matches_numpy(mcc: Path, tmp_path: Path) -> None:
    """Forward conv_transpose2d: the col2im + GEMM path (ungrouped f32) and the direct one (grouped)."""
    (tmp_path / "t.mir").write_text(TRANSPOSED)
    lib = tmp_path / "libt.so"
    proc = run_mcc(tmp_path / "t.mir", "-o", lib)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4, 5, 4)).astype(np.float32)
    w, b = rng.standard_normal((4, 3, 3, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    wg = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    with mlang.load(lib) as m:
        out = m.run(x, w, b, wg)
    want = conv_transpose_ref(x, w, 1, (2, 2), (0, 1, 1, 0), (2, 1), (13, 9)) + b[None, :, None, None]
    np.testing.assert_allclose(out["y"], want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(out["g"], conv_transpose_ref(x, wg, 2, (2, 2), (0, 1, 1, 0), (2, 1), (13, 9)), rtol=1e-4, atol=1e-4)
