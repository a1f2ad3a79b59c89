"""`mcc run`: the three examples (accuracy / MSE targets), the data loaders against files written
here with numpy/zlib/struct, training details (progress, profile, engine export), and bad input.

Every run uses one MCC_CACHE_DIR per test session, so each example's libraries compile once.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def run_m(mcc: Path, tmp_path_factory: pytest.TempPathFactory):
    """run_m(source_or_path, *flags, cwd=...) -> CompletedProcess with text output."""
    cache = tmp_path_factory.mktemp("mcc-cache")
    programs = tmp_path_factory.mktemp("programs")
    counter = [0]

    def run(program: str | Path, *flags: str, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        if isinstance(program, str):
            counter[0] += 1
            path = (cwd or programs) / f"prog{counter[0]}.m"
            path.write_text(program)
        else:
            path = program
        env = dict(os.environ, MCC_CACHE_DIR=str(cache))
        return subprocess.run([str(mcc), "run", str(path), *flags], capture_output=True, text=True, timeout=timeout,
                              cwd=cwd or programs, env=env)

    return run


def last_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


# --- the examples ---------------------------------------------------------------------------

def test_digits_example(run_m, tmp_path: Path) -> None:
    proc = run_m(EXAMPLES / "digits" / "train.m", cwd=tmp_path)
    final = last_line(proc)
    assert re.fullmatch(r"test accuracy: 0\.9\d{3}", final), final
    mlp = float(re.search(r"^MLP accuracy: ([0-9.]+)", proc.stdout, re.M).group(1))
    cnn = float(final.split()[-1])
    assert mlp >= 0.96, proc.stdout
    assert cnn >= 0.97, proc.stdout
    # Not a terminal: one plain line per epoch (20 MLP + 15 CNN), no carriage returns.
    assert len(re.findall(r"^epoch \d+/\d+  loss ", proc.stdout, re.M)) == 35
    assert "\r" not in proc.stdout


def test_examples_are_deterministic(run_m, tmp_path: Path) -> None:
    # The fine-tuning example covers training, checkpoints and fineTuneModel and runs in seconds.
    first = run_m(EXAMPLES / "finetune" / "finetune.m", cwd=tmp_path)
    second = run_m(EXAMPLES / "finetune" / "finetune.m", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    strip = lambda s: re.sub(r"\d+ samples/s", "", s)  # noqa: E731
    assert strip(first.stdout) == strip(second.stdout)


def test_timeseries_example(run_m, tmp_path: Path) -> None:
    proc = run_m(EXAMPLES / "timeseries" / "forecast.m", cwd=tmp_path)
    final = last_line(proc)
    m = re.fullmatch(r"test mse: ([0-9.]+) naive mse: ([0-9.]+) improvement: ([0-9.]+)%", final)
    assert m, final
    model, naive = float(m.group(1)), float(m.group(2))
    assert model <= 0.8 * naive, final


def test_finetune_example(run_m, tmp_path: Path) -> None:
    proc = run_m(EXAMPLES / "finetune" / "finetune.m", cwd=tmp_path)
    final = last_line(proc)
    assert re.fullmatch(r"test accuracy: 0\.9\d{3}", final), final
    assert float(final.split()[-1]) >= 0.90
    assert (tmp_path / "digits-0-4.ckpt").is_file()


# --- loaders ---------------------------------------------------------------------------------

def test_csv_loader(run_m, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text('a,b,"name"\n1,2,cat\n3,4.5,dog\n5,6,cat\n')
    proc = run_m('d = load_csv("t.csv", label = "name")\nprint(len(d), d.x, d.y)\n', cwd=tmp_path)
    assert last_line(proc) == "3 Tensor(shape [3, 2], [1.0000, 2.0000, 3.0000, 4.5000, 5.0000, 6.0000]) Tensor(shape [3], [0, 1, 0])"


def test_npy_and_npz_loaders(run_m, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 2, 3)).astype(np.float32)
    y = np.arange(7, dtype=np.int64) % 3
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y.astype(np.int32))
    np.savez(tmp_path / "stored.npz", x=x.astype(np.float64), y=y)
    np.savez_compressed(tmp_path / "deflated.npz", images=x, labels=y.astype(np.uint8))
    program = """
a = load_npy("x.npy", labels = "y.npy")
b = load_npz("stored.npz")
c = load_npz("deflated.npz", features = "images", label = "labels")
print(a.x)
print(b.x)
print(c.x)
print(a.y, b.y, c.y)
"""
    out = last_line(run_m(program, cwd=tmp_path))
    lines = run_m(program, cwd=tmp_path).stdout.strip().splitlines()
    expected = "Tensor(shape [7, 2, 3], [" + ", ".join(f"{v:.4f}" for v in x.reshape(-1)[:8]) + ", ...])"
    assert lines[0] == lines[1] == lines[2] == expected
    assert out == " ".join(["Tensor(shape [7], [0, 1, 2, 0, 1, 2, 0])"] * 3)


def png_bytes(pixels: np.ndarray, color_type: int, filters: list[int]) -> bytes:
    """A PNG written by hand: each row with the given filter type (0-4)."""
    h, w = pixels.shape[:2]
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    rows = pixels.reshape(h, w * bpp).astype(np.int32)
    raw = bytearray()
    for y in range(h):
        f = filters[y % len(filters)]
        raw.append(f)
        for x in range(w * bpp):
            a = rows[y, x - bpp] if x >= bpp else 0
            b = rows[y - 1, x] if y > 0 else 0
            c = rows[y - 1, x - bpp] if y > 0 and x >= bpp else 0
            if f == 0: pred = 0
            elif f == 1: pred = a
            elif f == 2: pred = b
            elif f == 3: pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            raw.append((rows[y, x] - pred) & 0xFF)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


def test_png_folder_loader_all_filters(run_m, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    images = {"cat": [], "dog": []}
    for k, cls in enumerate(images):
        (tmp_path / "imgs" / cls).mkdir(parents=True)
        for i in range(2):
            rgb = rng.integers(0, 256, (5, 4, 3), dtype=np.uint8)
            images[cls].append(rgb)
            (tmp_path / "imgs" / cls / f"{i}.png").write_bytes(png_bytes(rgb, 2, [0, 1, 2, 3, 4]))
    proc = run_m('d = load_images("imgs")\nprint(len(d), d.y)\nfor batch in d.batch(1) { print(batch.x) }\n', cwd=tmp_path)
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "4 Tensor(shape [4], [0, 0, 1, 1])", proc.stderr
    flat = [img.transpose(2, 0, 1).reshape(-1) / 255.0 for cls in images for img in images[cls]]
    for line, ref in zip(lines[1:], flat):
        assert line == "Tensor(shape [1, 3, 5, 4], [" + ", ".join(f"{v:.4f}" for v in ref[:8]) + ", ...])"


@pytest.mark.parametrize("color_type,channels", [(0, 1), (4, 2), (6, 4)])
def test_png_gray_and_alpha(run_m, tmp_path: Path, color_type: int, channels: int) -> None:
    rng = np.random.default_rng(color_type)
    (tmp_path / "imgs" / "a").mkdir(parents=True)
    px = rng.integers(0, 256, (3, 3, channels), dtype=np.uint8)
    (tmp_path / "imgs" / "a" / "x.png").write_bytes(png_bytes(px, color_type, [4, 3, 1]))
    proc = run_m('d = load_images("imgs", grayscale = true)\nprint(d.x)\n', cwd=tmp_path)
    if channels <= 2:
        ref = px[..., 0].reshape(-1) / 255.0
    else:
        ref = (px[..., :3].astype(np.float64) / 255.0 @ np.array([0.299, 0.587, 0.114])).reshape(-1)
    assert last_line(proc) == "Tensor(shape [1, 1, 3, 3], [" + ", ".join(f"{v:.4f}" for v in ref[:8]) + ", ...])"


# --- training details ----------------------------------------------------------------------

SMALL = """
model Tiny {
    seed = 1
    input x: f32[batch, 64]
    output logits: f32[batch, 10]
    fc = Dense(10)
}
data = load_csv("%s", label = "digit").split(train = 0.5, seed = 3)
net = Tiny()
optimizer = SGD(net.parameters(), lr = 0.01, momentum = 0.9, nesterov = true, weight_decay = 0.0001)
loss_function = CrossEntropyLoss(label_smoothing = 0.1)
for epoch in range(2) {
    for batch in data.train.batch(64) {
        optimizer.zero_grad()
        loss = loss_function(net(batch.x), batch.y)
        loss.backward()
        optimizer.step()
    }
}
print(evaluate(net, data.test, metrics = ["accuracy", "loss"]))
""" % (ROOT / "data" / "digits.csv")


def test_unfused_training_steps_and_profile(run_m, tmp_path: Path) -> None:
    profile = tmp_path / "trace.json"
    proc = run_m(SMALL, "--profile", str(profile), "--threads", "1", "--seed", "4", cwd=tmp_path)
    assert re.fullmatch(r"accuracy: 0\.\d{4}, loss: \d\.\d{4}", last_line(proc))
    assert float(last_line(proc).split()[1].rstrip(",")) > 0.8
    events = json.loads(profile.read_text())["traceEvents"]
    assert events and all("name" in e and "dur" in e for e in events if e.get("ph") == "X")


def test_engine_save_model_exports_trained_weights(run_m, tmp_path: Path) -> None:
    program = SMALL + 'engine = Engine(device = "CPU")\nengine.load_model(net)\nengine.save_model("tiny.so")\n'
    proc = run_m(program, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import mlang
    with mlang.load(tmp_path / "tiny.so") as m:
        x = np.loadtxt(ROOT / "data" / "digits.csv", delimiter=",", skiprows=1)[:200]
        logits = m.run(x[:, :64].astype(np.float32))["logits"]
        assert (logits.argmax(1) == x[:, 64]).mean() > 0.8


# --- bad input -----------------------------------------------------------------------------

def test_checkpoint_of_another_model_is_refused(run_m, tmp_path: Path) -> None:
    program = """
model A {
    input x: f32[batch, 4]
    output y: f32[batch, 2]
    fc = Dense(2)
}
model B {
    input x: f32[batch, 4]
    output y: f32[batch, 3]
    fc = Dense(3)
}
A().save("a.ckpt")
B().load("a.ckpt")
"""
    proc = run_m(program, cwd=tmp_path)
    assert proc.returncode == 1 and "fc." in proc.stderr and re.search(r":13:1: error: .*does not fit model .B.", proc.stderr), proc.stderr


@pytest.mark.parametrize("program,message", [
    ('d = load_csv("missing.csv")\nprint(d)\n', "no such file: 'missing.csv'"),
    ('d = load_csv("%s", label = "digt")\nprint(d)\n' % (ROOT / "data" / "digits.csv"), "did you mean 'digit'?"),
    ('d = load_npz("bad.npz")\nprint(d)\n', "is not a zip archive"),
    ('d = load_images("imgs")\nprint(d)\n', "palette images are not supported"),
    ('x = 1\nprint(y)\n', "unknown name 'y'"),
    ("""model M {
    input x: f32[batch, 60]
    output y: f32[batch, 10]
    fc = Dense(10)
}
print(evaluate(M(), load_csv("%s", label = "digit")))
""" % (ROOT / "data" / "digits.csv"), "does not fit model 'M' input 'x'"),
    ("""model M {
    input x: f32[batch, 64]
    output y: f32[batch, 5]
    backbone = Dense(8)
    head = Dense(5)
    forward { y = head(backbone(x)) }
}
t = fineTuneModel(M(), load_csv("%s", label = "digit"), head = Dense(3), freeze = "backbon")
""" % (ROOT / "data" / "digits.csv"), "did you mean 'backbone'?"),
    ("""model M {
    input x: f32[batch, 64]
    output y: f32[batch, 5]
    fc = Dense(5)
}
net = M()
o = Adam(net.parameters(), lr = 0.01)
l = CrossEntropyLoss()
for b in load_csv("%s", label = "digit") {
    o.zero_grad()
    out = net(b.x)
    loss = l(out, b.y)
    loss.backward()
    o.step()
}
""" % (ROOT / "data" / "digits.csv"), "does not fit model 'M', whose output has 5 classes"),
])
def test_bad_input_fails_with_location(run_m, tmp_path: Path, program: str, message: str) -> None:
    (tmp_path / "bad.npz").write_bytes(b"not a zip file at all, just text" * 3)
    (tmp_path / "imgs" / "a").mkdir(parents=True, exist_ok=True)
    png = bytearray(png_bytes(np.zeros((2, 2), dtype=np.uint8), 0, [0]))
    png[25] = 3  # color type 3 (palette); fix the IHDR CRC so the decoder gets to the color type
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
    (tmp_path / "imgs" / "a" / "p.png").write_bytes(bytes(png))
    proc = run_m(program, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout
    assert message in proc.stderr, proc.stderr
    assert re.search(r"prog\d+\.m:\d+:\d+: error: ", proc.stderr), proc.stderr


def test_metamodel_instance_adamw_schedule_and_validation_split(run_m, tmp_path: Path) -> None:
    program = """
metamodel MLP(in_features: Int, hidden: Int = 16, classes: Int = 10) {
    input x: f32[batch, in_features]
    output logits: f32[batch, classes]
    fc1 = Dense(hidden, activation = "relu")
    fc2 = Dense(classes)
}
h = 8 * 4
data = load_csv("%s", label = "digit").split(train = 0.7, validation = 0.1, seed = 1)
net = MLP(in_features = 64, hidden = h)
opt = AdamW(net.parameters(), lr = 0.01, schedule = "cosine", total_steps = 100, warmup = 5, clip_norm = 1.0)
lf = CrossEntropyLoss()
for epoch in range(3) {
    for b in data.train.batch(64) {
        opt.zero_grad()
        out = net(b.x)
        l = lf(out, b.y)
        l.backward()
        opt.step()
    }
}
print(data)
print(net.summary())
print(evaluate(net, data.validation).accuracy > 0.9)
""" % (ROOT / "data" / "digits.csv")
    proc = run_m(program, cwd=tmp_path)
    lines = proc.stdout.strip().splitlines()
    assert lines[-3:] == ["DatasetSplit(train 1258, validation 180, test 359)",
                          "model MLP(in_features = 64, hidden = 32): fc1, fc2; 2410 trainable parameters", "true"], proc.stderr


def test_loader_errors_name_the_file(run_m, tmp_path: Path) -> None:
    """Malformed inputs of each loader: a clear message naming the file, exit 1, no crash."""
    def ihdr_png(depth: int, color: int, interlace: int) -> bytes:
        png = bytearray(png_bytes(np.zeros((2, 2), dtype=np.uint8), 0, [0]))
        png[24], png[25], png[28] = depth, color, interlace
        png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
        return bytes(png)

    cases = {
        "interlaced": (ihdr_png(8, 0, 1), "interlaced PNGs are not supported"),
        "sixteen": (ihdr_png(16, 0, 0), "bit depth 16 is not supported"),
        "badcrc": (png_bytes(np.zeros((2, 2), dtype=np.uint8), 0, [0])[:-5] + b"\x00" * 5, "fails its CRC check"),
    }
    for name, (data, message) in cases.items():
        folder = tmp_path / name / "only"
        folder.mkdir(parents=True)
        (folder / "x.png").write_bytes(data)
        proc = run_m(f'print(load_images("{name}"))\n', cwd=tmp_path)
        assert proc.returncode == 1 and message in proc.stderr and f"{name}/only/x.png" in proc.stderr, proc.stderr

    np.save(tmp_path / "f.npy", np.asfortranarray(np.ones((3, 2), dtype=np.float32)))
    np.save(tmp_path / "c.npy", np.ones(3, dtype=np.complex64))
    np.savez_compressed(tmp_path / "z.npz", x=np.ones((4, 2), dtype=np.float32), y=np.zeros(3, dtype=np.int64))
    raw = bytearray((tmp_path / "z.npz").read_bytes())
    raw[60:80] = b"\xff" * 20  # inside the first member's deflate stream
    (tmp_path / "broken.npz").write_bytes(bytes(raw))
    for program, message in [
        ('print(load_npy("f.npy"))\n', "Fortran-order arrays are not supported"),
        ('print(load_npy("c.npy"))\n', "element type '<c8' is not supported"),
        ('print(load_npz("z.npz"))\n', "has 3 samples, but"),
        ('print(load_npz("z.npz", features = "images"))\n', "has no array 'images'"),
        ('print(load_npz("broken.npz"))\n', "broken.npz"),
    ]:
        proc = run_m(program, cwd=tmp_path)
        assert proc.returncode == 1 and message in proc.stderr, (program, proc.stderr)
        assert "error:" in proc.stderr


def test_progress_line_is_rewritten_on_a_terminal(mcc: Path, tmp_path: Path) -> None:
    import pty
    program = tmp_path / "p.m"
    program.write_text(SMALL)
    leader, follower = pty.openpty()
    env = dict(os.environ, MCC_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen([str(mcc), "run", str(program)], stdout=follower, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=240)
    os.close(leader)
    out = b"".join(chunks).decode()
    assert proc.returncode == 0, proc.stderr.read()
    assert re.search(r"\r\x1b\[2Kepoch 1/2  batch 3/\d+  loss \d+\.\d{4}  \d+ samples/s", out), out
    assert re.search(r"epoch 2/2  loss \d+\.\d{4}  \d+ samples/s  \d+ batches\r?\n", out), out


def test_binary_classifier_with_bce_sgd_and_step_schedule(run_m, tmp_path: Path) -> None:
    program = """
model Bin {
    seed = 2
    input x: f32[batch, 64]
    output p: f32[batch, 1]
    fc = Dense(1)
}
data = load_csv("%s", label = "digit").filter(labels = [0, 1]).split(train = 0.8, seed = 1)
net = Bin()
opt = SGD(net.parameters(), lr = 0.01, momentum = 0.9, schedule = "step", step_size = 10, gamma = 0.5)
lf = BCELoss(from_logits = true)
for epoch in range(3) {
    for b in data.train.batch(32) {
        opt.zero_grad()
        out = net(b.x)
        loss = lf(out, b.y)
        loss.backward()
        opt.step()
    }
}
print(loss.item() < 0.1, evaluate(net, data.test).accuracy > 0.95)
""" % (ROOT / "data" / "digits.csv")
    assert last_line(run_m(program, cwd=tmp_path)) == "true true"


def test_finetune_freezes_the_backbone_and_replaces_the_head(run_m, tmp_path: Path) -> None:
    program = """
model Net {
    seed = 4
    input x: f32[batch, 64]
    output logits: f32[batch, 5]
    backbone = sequentialModel(Dense(16, activation = "relu"), Dense(8, activation = "relu"))
    head = Dense(5)
    forward { logits = head(backbone(x)) }
}
data = load_csv("%s", label = "digit")
base = Net()
tuned = fineTuneModel(base, data.filter(labels = [5, 6, 7]), head = Dense(3), freeze = "backbone", epochs = 2, lr = 0.01)
engine = Engine()
engine.load_model(base)
engine.save_model("base.so")
engine.load_model(tuned)
engine.save_model("tuned.so")
print(evaluate(tuned, data.filter(labels = [5, 6, 7])).accuracy > 0.5)
""" % (ROOT / "data" / "digits.csv")
    assert last_line(run_m(program, cwd=tmp_path)) == "true"
    import mlang
    with mlang.load(tmp_path / "base.so") as base, mlang.load(tmp_path / "tuned.so") as tuned:
        b, t = base.params(), tuned.params()
        backbone = [k for k in b if k.startswith("backbone.")]
        assert backbone and all(np.array_equal(b[k], t[k]) for k in backbone)
        assert b["head.weight"].shape == (8, 5) and t["head.weight"].shape == (8, 3)
        assert [o.shape for o in tuned.outputs] == [("batch", 3)]
