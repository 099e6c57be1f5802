"""Conversion and validation of the arguments of the package's public functions, before anything reaches libneos.

Every public entry point turns its arguments into what the C ABI takes through these helpers, so that a wrong
argument fails here, with a :class:`~neos_swift.errors.NeosError` that names the argument, the type of the value
given and what was expected, instead of an ``AttributeError`` from deep inside the package, a ctypes conversion
error, or (worse) a silently truncated integer or a file named ``"None"``.

What pyhf 0.7.6 accepts is accepted here too: lists, tuples, numpy and jax arrays for tensors, numpy scalars and
ints where floats are expected. A value of the wrong type raises :class:`~neos_swift.errors.ArgumentTypeError`
(also a ``TypeError``, as pyhf's own failure would be); a value of the right type outside its domain raises
:class:`~neos_swift.errors.InvalidArgument` (also a ``ValueError``).
"""

from __future__ import annotations

import operator
import os
from collections.abc import Collection, Mapping

import numpy as np

from ._library import c_string
from .errors import ArgumentInterfaceError, ArgumentTypeError, InvalidArgument, OutOfMemory

# The largest value of a C size_t (every count the ABI takes): a Python int above it would wrap in ctypes.
SIZE_MAX = 2**64 - 1
# The largest count libneos takes: its lengths are size_t at the ABI but signed 64-bit inside, so a size_t of 2**63
# or more is refused there as "not a valid length".
INDEX_MAX = 2**63 - 1

_PREVIEW = 60  # characters of a value's repr quoted in a message


def describe(value) -> str:
    """``value``'s type and a short repr, for messages: ``"str 'abc'"``, ``"NoneType None"``."""
    text = repr(value)
    if len(text) > _PREVIEW:
        text = text[: _PREVIEW - 3] + "..."
    return f"{type(value).__name__} {text}"


def _refuse_type(name: str, value, expected: str) -> ArgumentTypeError:
    return ArgumentTypeError(f"{name} must be {expected}, got {describe(value)}")


def _is_text(value) -> bool:
    return isinstance(value, (str, bytes, bytearray))


def as_float(name: str, value, *, finite: bool = False) -> float:
    """A real number as a Python float: an int, a float, a numpy or jax scalar, or an array of one element
    (``float()`` accepts those, and pyhf passes them). ``finite`` also refuses NaN and ±inf."""
    if value is None or _is_text(value) or isinstance(value, (Mapping, complex)):
        raise _refuse_type(name, value, "a real number")
    try:
        array = np.asarray(value, dtype=np.float64)
    except OverflowError:
        raise InvalidArgument(f"{name} must be a real number within float64's range, got {describe(value)}") from None
    except (TypeError, ValueError):
        raise _refuse_type(name, value, "a real number") from None
    if array.size != 1:
        raise InvalidArgument(f"{name} must be a single real number, got an array of shape {array.shape}")
    number = float(array.reshape(()))
    if finite and not np.isfinite(number):
        raise InvalidArgument(f"{name} must be finite, got {number}")
    return number


def as_float_array(name: str, value, *, ndim: int | None = 1, shape: tuple | None = None) -> np.ndarray:
    """A C-contiguous float64 array (a view where ``value`` already is one) of ``ndim`` dimensions, and of
    ``shape`` when given (``None`` in it: any length there). Accepts what pyhf's tensor backends accept as a
    tensor: nested lists and tuples of numbers, numpy and jax arrays."""
    if value is None or _is_text(value) or isinstance(value, (Mapping, set, frozenset)):
        raise _refuse_type(name, value, "an array of real numbers")
    try:
        # np.asarray keeps a 0-d value 0-d (np.ascontiguousarray would make it 1-d); a copy only where needed
        array = np.asarray(value, dtype=np.float64)
        if not array.flags.c_contiguous:
            array = np.ascontiguousarray(array)
    except OverflowError:
        raise InvalidArgument(f"{name} must hold real numbers within float64's range, got {describe(value)}") from None
    except (TypeError, ValueError) as error:
        # a ragged list (ValueError from numpy) or elements that are not numbers
        raise _refuse_type(name, value, f"an array of real numbers ({error})") from None
    if array.dtype == np.float64 and not isinstance(value, np.ndarray) and np.isnan(array).any():
        # numpy reads None inside a list as NaN; a None is a wrong element, not a number
        if np.asarray(value, dtype=object).dtype == object and any(
            element is None for element in np.asarray(value, dtype=object).ravel()
        ):
            raise _refuse_type(name, value, "an array of real numbers (it holds None)")
    if shape is not None:
        ndim = len(shape)
    if ndim is not None and array.ndim != ndim:
        raise InvalidArgument(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if shape is not None and any(want is not None and want != have for want, have in zip(shape, array.shape)):
        wanted = "(" + ", ".join("N" if want is None else str(want) for want in shape) + ")"
        raise InvalidArgument(f"{name} must have shape {wanted}, got {array.shape}")
    return array


def as_count(name: str, value, maximum: int = INDEX_MAX, minimum: int = 0) -> int:
    """A whole number in [``minimum``, ``maximum``] as a Python int: an int or numpy integer (anything with
    ``__index__``), not a bool or a float. Checked before ctypes sees it, which would wrap ``2**64`` to 0."""
    if isinstance(value, (bool, np.bool_)):
        raise _refuse_type(name, value, "an integer")
    try:
        number = operator.index(value)
    except TypeError:
        raise _refuse_type(name, value, "an integer") from None
    if not minimum <= number <= maximum:
        raise InvalidArgument(f"{name} must be an integer in [{minimum}, {maximum}], got {number}")
    return number


def allocate(name: str, shape) -> np.ndarray:
    """An uninitialised float64 output array of ``shape`` for the result ``name``; a size the machine cannot hold
    is OutOfMemory (a MemoryError, as numpy's) naming the result, not numpy's anonymous error."""
    try:
        return np.empty(shape)
    except (MemoryError, ValueError) as error:  # ValueError: a size beyond numpy's index range
        raise OutOfMemory(f"{name} of shape {shape} cannot be allocated ({error})") from None


def as_path(name: str, value) -> bytes:
    """A file system path (a ``str`` or an ``os.PathLike`` giving one) as the C string the ABI takes."""
    if not isinstance(value, (str, os.PathLike)):
        raise _refuse_type(name, value, "a path (str or os.PathLike)")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise _refuse_type(name, value, "a path (str or os.PathLike giving a str)")
    if not path:
        raise InvalidArgument(f"{name} is an empty path")
    return c_string(path, name)


def as_text(name: str, value) -> bytes:
    """A ``str`` as the NUL-terminated UTF-8 the ABI takes."""
    if not isinstance(value, str):
        raise _refuse_type(name, value, "a str")
    return c_string(value, name)


def as_choice(name: str, value, choices: Collection, error: type[InvalidArgument] = InvalidArgument):
    """``value`` when it is one of ``choices``; otherwise ``error`` (a subclass of InvalidArgument, such as pyhf's
    InvalidTestStatistic) naming the choices. An unhashable value is refused as a wrong type."""
    try:
        known = value in choices
    except TypeError:
        raise _refuse_type(name, value, "one of " + ", ".join(map(repr, choices))) from None
    if not known:
        raise error(f"{name} must be one of {', '.join(map(repr, choices))}; got {describe(value)}")
    return value


def as_handle(name: str, value, kind: type):
    """``value`` when it is an instance of ``kind`` (a class whose objects own a libneos handle: Model,
    Workspace, PatchSet, Trainer); otherwise an ArgumentTypeError naming the class wanted."""
    if not isinstance(value, kind):
        # pyhf would read an attribute of it and fail there: an AttributeError too
        raise ArgumentInterfaceError(
            f"{name} must be a {kind.__module__.split('.')[0]}.{kind.__name__}, got {describe(value)}"
        )
    return value


def as_mapping(name: str, value, expected: str = "a dict"):
    """``value`` when it is a mapping (a dict); pyhf reads such arguments with ``.get``/``.items``, so anything
    else is an ArgumentInterfaceError (an AttributeError, as pyhf's failure, and a TypeError)."""
    if not isinstance(value, Mapping):
        raise ArgumentInterfaceError(f"{name} must be {expected}, got {describe(value)}")
    return value


def as_iterable(name: str, value, expected: str = "a list"):
    """``value`` as a list when it can be iterated (a list, tuple, set, generator, ...)."""
    try:
        return list(value)
    except TypeError:
        raise _refuse_type(name, value, expected) from None


def unset(name: str, value) -> bool:
    """Whether an optional sequence argument (pyhf's ``init_pars``, ``par_bounds``, ``fixed_params``) is left to
    the model: None or empty. A value without a length (a number, a 0-d array) is refused here, where pyhf's own
    ``len()`` would raise a bare TypeError."""
    if value is None:
        return True
    try:
        return len(value) == 0
    except TypeError:
        raise _refuse_type(name, value, "a sequence (or None for the model's suggestion)") from None


def as_model_like(name: str, value):
    """``value`` when it has a pyhf model's ``config`` with its suggestions (what pyhf's inference functions read
    first); pyhf's inference is written against that interface, so any such object is accepted."""
    if not hasattr(getattr(value, "config", None), "suggested_init"):
        raise ArgumentInterfaceError(
            f"{name} must be a model (neos_swift.Model or an object with pyhf's model interface), got {describe(value)}"
        )
    return value
