"""pyhf's ``pytorch_backend`` and ``tensorflow_backend`` names, for a library that has neither.

neos-swift's numerics run in its native core, with numpy and jax as the array front ends; there is no PyTorch or
TensorFlow front end. The classes exist so that code which only *names* these backends (pyhf's test fixtures build
one of each at import) keeps importing; an instance carries pyhf's descriptive slots (name, precision, dtypemap,
default_do_grad) and nothing else. Making one current is refused: :func:`neos_swift.set_backend` raises
``neos_swift.exceptions.ImportBackendError``, the error pyhf raises when the framework is not installed.
"""

from __future__ import annotations


class _UnavailableBackend:
    """pyhf's descriptive slots for a framework neos_swift does not have. The keywords are those of the numpy
    backend (``precision`` with pyhf's meaning, ``poisson_from_normal`` accepted and unused); any other is a
    ``TypeError``."""

    __slots__ = ["name", "precision", "dtypemap", "default_do_grad"]

    #: The framework's display name, for the error message.
    framework = ""
    #: pyhf's ``name`` of the backend.
    backend_name = ""

    def __init__(self, *, precision: str = "64b", poisson_from_normal: bool = False) -> None:
        self.name = self.backend_name
        self.precision = precision
        wide = precision == "64b"
        # The framework's dtype names, as strings: the framework itself is not imported.
        self.dtypemap = {
            "float": "float64" if wide else "float32",
            "int": "int64" if wide else "int32",
            "bool": "bool",
        }
        self.default_do_grad = True

    def _setup(self):
        self._refuse()

    def _refuse(self):
        from ..exceptions import ImportBackendError

        raise ImportBackendError(
            f"the {self.name} backend cannot be used: neos_swift computes in its native core, with numpy or jax "
            f"front ends, and has no {self.framework} backend",
            ModuleNotFoundError(f"neos_swift has no {self.framework} backend"),
        )


class pytorch_backend(_UnavailableBackend):  # noqa: N801  (pyhf's name)
    """pyhf's PyTorch backend name; neos_swift cannot make it current (ImportBackendError)."""

    __slots__ = []
    framework = "PyTorch"
    backend_name = "pytorch"


class tensorflow_backend(_UnavailableBackend):  # noqa: N801  (pyhf's name)
    """pyhf's TensorFlow backend name; neos_swift cannot make it current (ImportBackendError)."""

    __slots__ = []
    framework = "TensorFlow"
    backend_name = "tensorflow"
