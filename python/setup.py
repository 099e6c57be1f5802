"""Builds libneos and the native `neos` command (static Swift runtime, release mode) and bundles them inside the
neos_swift package, so that the wheel (`pip wheel ./python`) runs on a machine without a Swift toolchain.

Set NEOS_SKIP_NATIVE_BUILD=1 to package a libneos.so (and neos-cli) already placed in neos_swift/ instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIBRARY = "libneos.so"
COMMAND = "neos-cli"  # the native `neos` command, started by the `neos` console script (neos_swift/_cli.py)


class BuildNativeThenPy(build_py):
    """build_py, then the native library and command, built and stripped into the build folder's package."""

    def run(self):
        # A fresh package folder each build: a module deleted from the source, left over in python/build/ by an
        # earlier build, must not reach the wheel.
        shutil.rmtree(Path(self.build_lib) / "neos_swift", ignore_errors=True)
        super().run()
        target = Path(self.build_lib) / "neos_swift" / LIBRARY
        command = target.parent / COMMAND
        if os.environ.get("NEOS_SKIP_NATIVE_BUILD"):
            shutil.copy2(HERE / "neos_swift" / LIBRARY, target)
            if (HERE / "neos_swift" / COMMAND).is_file():
                shutil.copy2(HERE / "neos_swift" / COMMAND, command)
            return
        if not (REPO / "Package.swift").is_file():
            raise RuntimeError(f"cannot build libneos: no Package.swift in {REPO} (build from a neos-swift checkout)")
        scratch = REPO / ".build-static"
        # -static-stdlib on the command line only: in Package.swift it breaks `swift test` (swift-toolchain.md).
        subprocess.check_call(
            [
                "swift",
                "build",
                "-c",
                "release",
                "--product",
                "neos",
                "--scratch-path",
                str(scratch),
                "-Xswiftc",
                "-static-stdlib",
            ],
            cwd=REPO,
        )
        subprocess.check_call(
            [
                "swift",
                "build",
                "-c",
                "release",
                "--product",
                COMMAND,
                "--scratch-path",
                str(scratch),
                "-Xswiftc",
                "-static-stdlib",
            ],
            cwd=REPO,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(scratch / "release" / LIBRARY, target)
        subprocess.check_call(["strip", "--strip-unneeded", str(target)])
        shutil.copy2(scratch / "release" / COMMAND, command)
        subprocess.check_call(["strip", str(command)])


class BinaryDistribution(Distribution):
    """The wheel carries a native library, so it is platform-specific."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """Tags the wheel py3-none-PLATFORM (e.g. py3-none-linux_x86_64): the package loads libneos with ctypes, so it
    runs on any CPython 3 of that platform (no compiled extension tied to one interpreter's ABI), but not on
    another platform. The tag claims no manylinux policy: nothing here checks the glibc symbol versions."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(cmdclass={"build_py": BuildNativeThenPy, "bdist_wheel": PlatformWheel}, distclass=BinaryDistribution)
