"""Exceptions: one class per neos_status, all deriving from NeosError."""

from __future__ import annotations


class NeosError(Exception):
    """An error reported by libneos; ``status`` is the C status code."""

    status = -1


class InvalidArgument(NeosError, ValueError):
    """A NULL, a wrong length, a NaN or a value outside its domain."""

    status = 1


class ParseError(NeosError, ValueError):
    """Malformed JSON, or JSON of the wrong shape."""

    status = 2


class ModelError(NeosError, ValueError):
    """A well-formed input that does not describe a valid model."""

    status = 3


class FitFailed(NeosError, RuntimeError):
    """A minimisation did not converge."""

    status = 4


class NumericError(NeosError, ArithmeticError):
    """A result would be non-finite or undefined."""

    status = 5


class OutOfMemory(NeosError, MemoryError):
    status = 6


class InternalError(NeosError, RuntimeError):
    """A bug in neos-swift."""

    status = 7


_BY_STATUS = {
    cls.status: cls
    for cls in (InvalidArgument, ParseError, ModelError, FitFailed, NumericError, OutOfMemory, InternalError)
}


def check(status: int) -> None:
    """Raise the exception for a non-zero status, carrying the library's thread-local message."""
    if status == 0:
        return
    from ._library import lib

    message = (lib.neos_last_error_message() or b"").decode("utf-8", "replace")
    raise _BY_STATUS.get(status, NeosError)(message)
