#!/usr/bin/env bash
# Installs everything neos-swift needs on a fresh Debian machine with Swift on PATH, then builds the Python package's
# wheel into dist/ and installs that wheel into .venv. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# System packages: Python headers/venv/ffi for the ctypes package, binutils for nm/strip, a C/C++ compiler for
# the C test program, OpenBLAS for the network's dense layers (dgemm), valgrind for the memcheck step of .ci/run
# (scripts/sanitize.sh; the sanitizers and libFuzzer are the Swift toolchain's own compiler-rt runtimes).
apt_packages=(python3-dev python3-venv libffi-dev binutils gcc g++ libopenblas-dev valgrind)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -r python/requirements-test.txt
# One release build (libneos and neos-cli, static Swift runtime, bundled by python/setup.py) into a wheel in dist/,
# which .venv installs here and scripts/wheel_test.sh installs into a fresh venv without Swift: the two test the
# same file. The old wheels go first, so that dist/ holds exactly the one just built.
rm -f dist/neos_swift-*.whl
.venv/bin/python -m pip wheel -q --no-deps ./python -w dist/
wheel=(dist/neos_swift-*.whl)
.venv/bin/python -m pip install -q --force-reinstall --no-deps "${wheel[0]}"
