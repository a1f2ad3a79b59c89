"""mcc's command line on bad input: diagnostics point at the source, exit codes are right.

Each case's source marks with 1️⃣ every position where reporting the error is acceptable
(the marker is removed before compiling). Messages are not final: a case only requires
its KEYWORDS (case-insensitive) in the first diagnostic's message. Adjust the table, not the checks.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import pytest

from conftest import EXAMPLES, run_mcc

MARK = "1️⃣"

GOOD = """\
model Bad {
    input x: f32[batch, 4]
    output y: f32[batch, 2]
    fc = Dense(2)
    forward { y = fc(x) }
}
"""


@dataclass(frozen=True)
class Case:
    source: Union[str, bytes]  # with MARKs at the acceptable error positions
    keywords: tuple[str, ...] = ()


CASES: dict[str, Case] = {
    "unterminated string": Case(GOOD.replace("Dense(2)", f'Dense(2, name={MARK}"fc){MARK}'), ("string",)),
    "unknown layer": Case(GOOD.replace("Dense(2)", f"{MARK}Dense2(2)"), ("Dense2",)),
    "wrong argument type": Case(GOOD.replace("Dense(2)", f'{MARK}Dense({MARK}"ten")'), ("Dense",)),
    "extra closing brace": Case(GOOD + f"{MARK}}}\n", ("}",)),
    "missing closing brace": Case(  # at the open brace, after the last token, or at the end of the file
        GOOD.replace("model Bad {", f"model Bad {MARK}{{").removesuffix("}\n").removesuffix("\n") + f"{MARK}\n{MARK}"),
    "empty file": Case(MARK, ("model",)),
    "binary garbage": Case(MARK.encode() + b"\x00\xff\xfe\x80garbage\x01\xc3\n}\xff\n"),
    "Dense on a rank-4 input": Case(
        GOOD.replace("f32[batch, 4]", "f32[batch, 1, 28, 28]").replace("fc(x)", f"{MARK}fc{MARK}({MARK}x)"),
        ("rank",)),
}


def positions(source: bytes) -> tuple[bytes, set[tuple[int, int]]]:
    """Strips MARKs; returns the source and the 1-based (line, col) of each mark (col in bytes)."""
    mark = MARK.encode()
    found: set[tuple[int, int]] = set()
    while (at := source.find(mark)) >= 0:
        line = source.count(b"\n", 0, at) + 1
        found.add((line, at - (source.rfind(b"\n", 0, at) + 1) + 1))
        source = source[:at] + source[at + len(mark):]
    return source, found


def check_diagnostic(proc: subprocess.CompletedProcess[bytes], path: Path, source: bytes,
                     allowed: set[tuple[int, int]], keywords: tuple[str, ...]) -> None:
    err = proc.stderr.decode("utf-8", errors="replace")
    context = f"exit {proc.returncode}, stderr:\n{err}"
    assert proc.returncode == 1, context
    lines = err.splitlines()
    head = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): error: (.*)", lines[0] if lines else "")
    assert head, f"stderr must start with '{path}:LINE:COL: error: '; {context}"
    line, col, message = int(head[1]), int(head[2]), head[3]
    assert (line, col) in allowed, f"reported {line}:{col}, expected one of {sorted(allowed)}; {context}"
    for word in keywords:
        assert word.lower() in message.lower(), f"{word!r} not in message {message!r}"
    carets = [i for i, text in enumerate(lines) if i > 0 and re.fullmatch(r"[\s|0-9]*\^[~^]*\s*", text)]
    assert carets, f"no caret line; {context}"
    # When the source line is printed verbatim (no gutter), the caret must sit under COL.
    source_lines = source.decode("utf-8", errors="replace").split("\n")
    if line <= len(source_lines) and lines[carets[0] - 1] == source_lines[line - 1]:
        assert lines[carets[0]].index("^") == col - 1, f"caret not under column {col}; {context}"


@pytest.mark.parametrize("name", list(CASES))
def test_bad_source_gets_a_diagnostic(mcc: Path, tmp_path: Path, name: str) -> None:
    case = CASES[name]
    raw = case.source.encode() if isinstance(case.source, str) else case.source
    source, allowed = positions(raw)
    path = tmp_path / (re.sub(r"\W+", "_", name) + ".m")
    path.write_bytes(source)
    proc = run_mcc(path, "-o", tmp_path / "lib.so")
    check_diagnostic(proc, path, source, allowed, case.keywords)
    assert not (tmp_path / "lib.so").exists(), "a failed compile left an output file"


def test_missing_input_file(mcc: Path, tmp_path: Path) -> None:
    path = tmp_path / "does_not_exist.m"
    proc = run_mcc(path, "-o", tmp_path / "lib.so")
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode > 0, f"exit {proc.returncode}: {err}"
    assert "does_not_exist.m" in err


def test_unknown_flag_is_a_usage_error(mcc: Path, tmp_path: Path) -> None:
    proc = run_mcc(EXAMPLES / "mlp.m", "--no-such-flag", "-o", tmp_path / "lib.so")
    assert proc.returncode == 64, proc.stderr.decode(errors="replace")
    assert b"no-such-flag" in proc.stderr


def test_no_input_is_a_usage_error(mcc: Path) -> None:
    proc = run_mcc()
    assert proc.returncode == 64, proc.stderr.decode(errors="replace")


def test_unwritable_output_path(mcc: Path) -> None:
    proc = run_mcc(EXAMPLES / "mlp.m", "-o", "/nonexistent/dir/lib.so")
    err = proc.stderr.decode(errors="replace")
    assert proc.returncode > 0, f"exit {proc.returncode}: {err}"
    assert "/nonexistent/dir" in err, err
    assert "Fatal error" not in err and "Stack dump" not in err, err
