"""Exceptions: one class per neos_status, all deriving from NeosError.

pyhf's exception classes (``neos_swift.exceptions``) derive from these; ``check`` raises the pyhf class where pyhf
would raise one for the situation (``exceptions._library_error_class`` decides), so catching either works.

The status codes are not copied here: when the library loads, ``_bind_statuses`` reads every code's name from
``neos_status_name`` and gives each class its code (``InvalidArgument.status`` and so on)."""

from __future__ import annotations


class NeosError(Exception):
    """An error reported by libneos; ``status`` is the C status code."""

    status = -1


class InvalidArgument(NeosError, ValueError):
    """A NULL, a wrong length, a NaN or a value outside its domain."""


class ArgumentTypeError(InvalidArgument, TypeError):
    """An argument of the wrong type (None for an array, a str for a number, another object for a model): raised
    by the Python bindings before any call into libneos. Also a ``TypeError``, as pyhf's failure would be, and an
    :class:`InvalidArgument` (and so a ``ValueError``)."""


class ArgumentInterfaceError(ArgumentTypeError, AttributeError):
    """An argument without the interface pyhf reads from it (a model without ``config``, a spec that is not a
    mapping): also an ``AttributeError``, as pyhf's own attribute lookup would raise."""


class ParseError(NeosError, ValueError):
    """Malformed JSON, or JSON of the wrong shape."""


class ModelError(NeosError, ValueError):
    """A well-formed input that does not describe a valid model."""


class FitFailed(NeosError, RuntimeError):
    """A minimisation did not converge."""


class NumericError(NeosError, ArithmeticError):
    """A result would be non-finite or undefined."""


class OutOfMemory(NeosError, MemoryError):
    """The call would allocate more memory than the machine has available; nothing was done."""


class InternalError(NeosError, RuntimeError):
    """A bug in neos-swift."""


# The C constant's name of each status -> its exception.
_CLASSES = {
    "NEOS_ERR_INVALID_ARGUMENT": InvalidArgument,
    "NEOS_ERR_PARSE": ParseError,
    "NEOS_ERR_MODEL": ModelError,
    "NEOS_ERR_FIT_FAILED": FitFailed,
    "NEOS_ERR_NUMERIC": NumericError,
    "NEOS_ERR_OUT_OF_MEMORY": OutOfMemory,
    "NEOS_ERR_INTERNAL": InternalError,
}
_BY_STATUS: dict[int, type[NeosError]] = {}
STATUS_NAMES: dict[int, str] = {}


def _bind_statuses(library) -> None:
    """Reads the library's status codes (0, 1, ... up to the first without a name) and binds one class to each."""
    code = 0
    while (name := library.neos_status_name(code)) is not None:
        STATUS_NAMES[code] = name.decode()
        code += 1
    names = set(STATUS_NAMES.values())
    if names != set(_CLASSES) | {"NEOS_OK"}:
        raise ImportError(
            f"libneos reports the statuses {sorted(names)}; these bindings know {sorted(set(_CLASSES) | {'NEOS_OK'})}"
        )
    for code, name in STATUS_NAMES.items():
        if name in _CLASSES:
            _CLASSES[name].status = code
            _BY_STATUS[code] = _CLASSES[name]


def check(status: int) -> None:
    """Raise the exception for a non-zero status, carrying the library's thread-local message; its class also
    follows the failure's reason (``neos_last_error_reason()``), e.g. pyhf's InvalidModifier."""
    if status == 0:
        return
    from ._library import lib
    from .exceptions import _library_error_class

    message = (lib.neos_last_error_message() or b"").decode("utf-8", "replace")
    reason = (lib.neos_last_error_reason() or b"").decode("ascii", "replace")
    raise _library_error_class(_BY_STATUS.get(status, NeosError), message, reason)(message)
