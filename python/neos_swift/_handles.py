"""Owning wrappers for C handles, and the string-output convention of neos.h."""

from __future__ import annotations

import ctypes
import json
import weakref

from ._library import lib
from .errors import check


class Handle:
    """Owns one C handle; the matching neos_*_free runs when the Python object is collected."""

    _free_name: str = ""

    def __init__(self, pointer: ctypes.c_void_p):
        self._handle = pointer
        weakref.finalize(self, getattr(lib, self._free_name), pointer)

    @property
    def _as_parameter_(self):
        return self._handle


def new_handle_pointer() -> ctypes.c_void_p:
    return ctypes.c_void_p()


def read_string(function, *args) -> str:
    """Calls a string-output function twice: once for the length, once into a buffer of that length."""
    required = ctypes.c_size_t()
    check(function(*args, None, 0, ctypes.byref(required)))
    buffer = ctypes.create_string_buffer(required.value)
    check(function(*args, buffer, required.value, ctypes.byref(required)))
    return buffer.value.decode("utf-8")


def read_json(function, *args):
    return json.loads(read_string(function, *args))
