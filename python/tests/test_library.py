"""The shared library against the header: every declared function is exported and bound, and loading works from
anywhere, through $NEOS_LIBRARY or next to the package."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import neos_swift
from conftest import HEADER
from neos_swift import _library

# Names of declared functions: each declaration starts a line with NEOS_API (test_bindings.py parses the types).
DECLARED = sorted(set(re.findall(r"^NEOS_API [^;(]*?\b(neos_[a-z0-9_]+)\(", HEADER.read_text(), flags=re.M)))


def test_header_declares_functions():
    assert "neos_hist" in DECLARED and "neos_last_error_message" in DECLARED
    assert len(DECLARED) == HEADER.read_text().count("\nNEOS_API ")


def test_every_declared_function_is_exported():
    exported = subprocess.run(
        ["nm", "-D", "--defined-only", str(_library.path)], check=True, capture_output=True, text=True
    ).stdout
    symbols = {line.split()[-1] for line in exported.splitlines() if line.strip()}
    missing = [name for name in DECLARED if name not in symbols]
    assert not missing, f"declared in neos.h but not exported by {_library.path}: {missing}"
    undeclared = sorted(name for name in symbols if name.startswith("neos_") and name not in DECLARED)
    assert not undeclared, f"exported by {_library.path} but not declared in neos.h: {undeclared}"


def test_python_binds_exactly_the_header():
    assert sorted(_library.SIGNATURES) == DECLARED


def test_versions():
    assert neos_swift.VERSION_NUMBER == int(re.search(r"#define NEOS_VERSION_NUMBER (\d+)", HEADER.read_text())[1])
    assert re.fullmatch(r"\d+\.\d+\.\d+", neos_swift.__version__)


def test_import_from_another_directory(tmp_path):
    code = "import neos_swift; print(neos_swift.hist([0.5], [0, 1], 0)[0])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=os.environ.copy()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1.0"


def test_bad_library_path_is_a_clear_error(tmp_path):
    env = dict(os.environ, NEOS_LIBRARY=str(tmp_path / "nowhere"))
    result = subprocess.run(
        [sys.executable, "-c", "import neos_swift"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert "does not name libneos.so" in result.stderr
