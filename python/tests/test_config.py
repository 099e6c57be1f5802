"""neos_swift.show_config: the BLAS libneos runs on is reported, and it is the current one the package depends on."""

import json

import neos_swift
import pytest
from neos_swift import _library

# OpenBLAS's generic x86-64 kernel families: on a CPU with AVX2 one of these means a BLAS older than the CPU.
GENERIC_CORES = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Northwood", "Banias"}


def test_dicts_name_the_library_the_version_and_the_blas():
    config = neos_swift.show_config(mode="dicts")
    assert config["neos_swift"]["version"] == neos_swift.__version__
    assert config["neos_swift"]["abi_version_number"] == neos_swift.VERSION_NUMBER
    blas = config["blas"]
    assert set(blas) == {"library", "core", "configuration", "fallback_reason", "splits_products"}
    assert blas["library"] != "built-in", blas["fallback_reason"]
    assert blas["core"]


def test_the_bundled_openblas_is_in_use_with_a_kernel_for_this_cpu():
    # scipy-openblas32 is a dependency of the package: libneos runs on it, not on the system's OpenBLAS.
    blas = neos_swift.show_config(mode="dicts")["blas"]
    assert blas["library"] == str(_library.BLAS_LIBRARY)
    assert "libscipy_openblas" in blas["library"]
    flags = open("/proc/cpuinfo", encoding="utf-8").read()
    if " avx2 " in flags:
        assert blas["core"] not in GENERIC_CORES


def test_libneos_loads_the_bundled_openblas_itself_and_splits_products_over_the_cores():
    # The package only locates the wheel's library (importing scipy_openblas32 would load it first, and libneos
    # leaves the threads of a library someone else loaded alone), so libneos owns it: one OpenBLAS thread, the
    # products split by the core. OPENBLAS_NUM_THREADS, when the environment sets it, keeps OpenBLAS's threading.
    import os

    blas = neos_swift.show_config(mode="dicts")["blas"]
    assert blas["splits_products"] is ("OPENBLAS_NUM_THREADS" not in os.environ)


def test_stdout_prints_the_same_document(capsys):
    assert neos_swift.show_config() is None
    assert json.loads(capsys.readouterr().out) == neos_swift.show_config(mode="dicts")


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode"):
        neos_swift.show_config(mode="yaml")
