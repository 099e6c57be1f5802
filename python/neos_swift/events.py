"""Named events with weakly held callbacks, as ``pyhf.events``.

``subscribe(name)`` decorates a callback, ``trigger(name)`` returns the callable list of everything subscribed to
that name (or :func:`noop` when nothing is, or the name is disabled), ``register(name)`` wraps a function so that
``name::before`` and ``name::after`` fire around each of its calls. :func:`neos_swift.set_backend` fires
``tensorlib_changed``, ``optimizer_changed``, their ``default_*`` variants and ``change_backend::before/after``.

Callbacks are held by weak reference, as pyhf holds them: a bound method stops being called once its object is
garbage collected, and a plain function stops once nothing else references it. The registries are the module
globals ``__events`` and ``__disabled_events``, the names pyhf's own test fixtures clear.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["Callables", "disable", "enable", "noop", "register", "subscribe", "trigger"]

__events: dict = {}
__disabled_events: set = set()


def __dir__():
    return __all__


def _registries():
    # Module-level lookups; inside the class body below the double-underscore names would be mangled.
    return globals()["__events"], globals()["__disabled_events"]


def noop(*args: Any, **kwargs: Any) -> None:
    """What :func:`trigger` returns for an event with no callbacks: accepts anything and does nothing."""


class Callables(Sequence):
    """The callbacks subscribed to one event, weakly referenced, called in subscription order.

    As a sequence it holds the living callbacks as (weakref to the function, weakref to its object or ``None``
    for a plain function) pairs; the dead ones are dropped whenever it is read."""

    def __init__(self) -> None:
        self._callbacks = []

    # The sequence protocol (iteration, ``in``, ``index`` and ``reversed`` come from Sequence).
    def __getitem__(self, position: int) -> tuple[weakref.ref, weakref.ref | None]:
        return self.callbacks[position]

    def __len__(self) -> int:
        self._flush()
        return len(self._callbacks)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.callbacks!r})"

    def append(self, callback: Callable[..., Any]) -> None:
        """Add ``callback`` (a function, or a bound method: then the function and its object are held apart, so
        that the object can be collected) to the end of the list."""
        bound_to = getattr(callback, "__self__", None)
        function = getattr(callback, "__func__", None)
        if bound_to is None or function is None:
            self._callbacks.append((weakref.ref(callback), None))
        else:
            self._callbacks.append((weakref.ref(function), weakref.ref(bound_to)))

    @staticmethod
    def _resolve(entry):
        """The callable an entry stands for (a bound method rebuilt from its parts), or None once it is dead."""
        function_ref, owner_ref = entry
        function = function_ref()
        if function is None or owner_ref is None:
            return function
        owner = owner_ref()
        return None if owner is None else functools.partial(function, owner)

    def _flush(self):
        self._callbacks = [entry for entry in self._callbacks if self._resolve(entry) is not None]

    @property
    def callbacks(self) -> list[tuple[weakref.ref, weakref.ref | None]]:
        """The living callbacks, as (weakref to function, weakref to object or None) pairs."""
        self._flush()
        return self._callbacks

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        # Resolved one at a time: a callback may drop the last reference to an object subscribed after it.
        for entry in list(self._callbacks):
            callback = self._resolve(entry)
            if callback is not None:
                callback(*args, **kwargs)
        self._flush()


def subscribe(event: str) -> Callable[[_F], _F]:
    """Decorator: add the function (or bound method) to the callbacks of ``event`` and return it unchanged."""

    def decorator(function):
        events, _ = _registries()
        events.setdefault(event, Callables()).append(function)
        return function

    return decorator


def register(event: str) -> Callable[[_F], _F]:
    """Decorator: the wrapped function triggers ``{event}::before`` before and ``{event}::after`` after each call
    (not after a call that raises)."""
    before, after = f"{event}::before", f"{event}::after"

    def decorator(function):
        @functools.wraps(function)
        def announced(*args, **kwargs):
            trigger(before)()
            result = function(*args, **kwargs)
            trigger(after)()
            return result

        return announced

    return decorator


def trigger(event: str) -> Callable[..., None]:
    """The callables subscribed to ``event``, or :func:`noop` if there are none or the event is disabled."""
    events, disabled = _registries()
    if event in disabled or event not in events:
        return noop
    return events[event]


def disable(event: str) -> None:
    """Stop ``event`` from firing until :func:`enable`."""
    _registries()[1].add(event)


def enable(event: str) -> None:
    """Let a disabled ``event`` fire again (KeyError if it was not disabled, as pyhf)."""
    _registries()[1].remove(event)
