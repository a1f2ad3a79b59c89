#!/usr/bin/env bash
# Installs what building and testing mcc needs; does nothing when it is all there.
# Debian packages come from apt (one `apt-get update`, only if something is missing);
# numpy and pytest must also import in the `python3` on PATH (which may be a pyenv or
# venv interpreter that does not see Debian's dist-packages), else pip installs them.
set -euo pipefail

packages=(llvm-dev zlib1g-dev libopenblas-dev libonnx-dev libprotobuf-dev libdlpack-dev
          python3-numpy python3-pytest g++ binutils make libonnx-testdata
          cmake pkgconf openjdk-17-jdk-headless junit5)  # the C++ and Java bindings' builds and tests

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done

did=()
if ((${#missing[@]})); then
  sudo=()
  if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >/dev/null
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  did+=("apt installed ${missing[*]}")
fi

if ! python3 -c 'import numpy, pytest' >/dev/null 2>&1; then
  python3 -m pip install -q numpy pytest
  did+=("pip installed numpy pytest for $(command -v python3)")
fi

# The ONNX tests build models and read test data with the onnx package (PyPI).
if ! python3 -c 'import onnx' >/dev/null 2>&1; then
  python3 -m pip install -q onnx
  did+=("pip installed onnx for $(command -v python3)")
fi

# The ONNX export tests run exported models in ONNX Runtime (PyPI only; no Debian package).
if ! python3 -c 'import onnxruntime' >/dev/null 2>&1; then
  python3 -m pip install -q onnxruntime
  did+=("pip installed onnxruntime for $(command -v python3)")
fi

if ((${#did[@]})); then
  msg=$(printf '%s; ' "${did[@]}")
  echo "install-deps: ${msg%; }"
else
  echo "install-deps: all dependencies present"
fi
