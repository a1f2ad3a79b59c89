"""The elementwise kernels of the MLP are vectorized with AVX-512 on a CPU that has it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest

# mcc flags for this build. Empty: relies on mcc targeting the host CPU by default.
ASM_FLAGS: list[str] = []
KERNEL_PREFIX = "mcc_kernel_"
# mlp.m's bias adds and relus run in the matmul kernels' epilogue (fuse-epilogue), or as their own kernels.
KERNEL_WORDS = ("relu", "add", "matmul")


def cpu_has_avx512f() -> bool:
    try:
        return re.search(r"^flags\s*:.*\bavx512f\b", Path("/proc/cpuinfo").read_text(), re.M) is not None
    except OSError:
        return False


def functions(disassembly: str) -> dict[str, str]:
    """Symbol name -> its instructions, from `objdump -d` output."""
    out: dict[str, str] = {}
    for block in disassembly.split("\n\n"):
        head = re.search(r"^[0-9a-f]+ <([^>]+)>:$", block, re.M)
        if head and not head[1].endswith("@plt"):  # PLT stubs only jump to the real function
            out[head[1]] = out.get(head[1], "") + block[head.end():]
    return out


def test_elementwise_kernels_use_zmm(compile_example: Callable[..., Path]) -> None:
    if not cpu_has_avx512f():
        pytest.skip("this CPU has no AVX-512 ('avx512f' missing from /proc/cpuinfo)")
    objdump = shutil.which("objdump")
    assert objdump, "objdump not found (Debian package binutils; `make deps` installs it)"
    lib = compile_example("mlp.m", *ASM_FLAGS)
    asm = subprocess.run([objdump, "-d", "--no-show-raw-insn", str(lib)], capture_output=True, text=True,
                         check=True).stdout
    funcs = functions(asm)
    kernels = {name: body for name, body in funcs.items()
               if name.startswith(KERNEL_PREFIX) and any(word in name for word in KERNEL_WORDS)}
    all_kernels = sorted(name for name in funcs if name.startswith(KERNEL_PREFIX))
    assert kernels, f"no {KERNEL_PREFIX}* function with {' or '.join(KERNEL_WORDS)} in its name; kernels: {all_kernels}"
    scalar = sorted(name for name, body in kernels.items() if "zmm" not in body)
    assert not scalar, f"kernels without zmm registers: {scalar} (of {sorted(kernels)})"
