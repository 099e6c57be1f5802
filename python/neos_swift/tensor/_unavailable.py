"""pyhf's ``pytorch_backend`` and ``tensorflow_backend`` names, for a library that has neither.

neos-swift's numerics run in its native core, with numpy and jax as the array front ends; there is no PyTorch or
TensorFlow front end. The classes exist so that code which only *names* these backends (pyhf's test fixtures build
one of each at import) keeps importing; an instance carries pyhf's descriptive slots (name, precision, dtypemap,
default_do_grad) and nothing else. Making one current is refused: :func:`neos_swift.set_backend` raises
``neos_swift.exceptions.ImportBackendError``, the error pyhf raises when the framework is not installed.
"""

from __future__ import annotations


class _UnavailableBackend:
    __slots__ = ["name", "precision", "dtypemap", "default_do_grad"]

    #: The framework's display name, for the error message.
    framework = ""

    def __init__(self, **kwargs):
        self.precision = kwargs.get("precision", "64b")
        wide = self.precision == "64b"
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
            f"There was a problem importing {self.framework}. The {self.name} backend cannot be used: neos_swift "
            f"computes in its native core with numpy or jax front ends and has no {self.framework} backend.",
            ModuleNotFoundError(f"neos_swift has no {self.framework} backend"),
        )


class pytorch_backend(_UnavailableBackend):  # noqa: N801  (pyhf's name)
    """pyhf's PyTorch backend name; neos_swift cannot make it current (ImportBackendError)."""

    __slots__ = []
    framework = "PyTorch"

    def __init__(self, **kwargs):
        self.name = "pytorch"
        super().__init__(**kwargs)


class tensorflow_backend(_UnavailableBackend):  # noqa: N801  (pyhf's name)
    """pyhf's TensorFlow backend name; neos_swift cannot make it current (ImportBackendError)."""

    __slots__ = []
    framework = "TensorFlow"

    def __init__(self, **kwargs):
        self.name = "tensorflow"
        super().__init__(**kwargs)
