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

__all__ = ["Callables", "disable", "enable", "noop", "register", "subscribe", "trigger"]

__events: dict = {}
__disabled_events: set = set()


def __dir__():
    return __all__


def _registries():
    # Module-level lookups; inside the class body below the double-underscore names would be mangled.
    return globals()["__events"], globals()["__disabled_events"]


def noop(*args, **kwargs):
    """What :func:`trigger` returns for an event with no callbacks: accepts anything and does nothing."""


class Callables:
    """The callbacks subscribed to one event, weakly referenced, called in subscription order."""

    def __init__(self):
        # Each entry is (weakref to the function, weakref to the bound object or None for plain functions).
        self._callbacks = []

    def append(self, callback):
        owner = getattr(callback, "__self__", None)
        function = getattr(callback, "__func__", None)
        if owner is not None and function is not None:
            self._callbacks.append((weakref.ref(function), weakref.ref(owner)))
        else:
            self._callbacks.append((weakref.ref(callback), None))

    def _alive(self, entry):
        function_ref, owner_ref = entry
        if function_ref() is None:
            return False
        return owner_ref is None or owner_ref() is not None

    def _flush(self):
        self._callbacks = [entry for entry in self._callbacks if self._alive(entry)]

    @property
    def callbacks(self):
        """The living callbacks, as (weakref to function, weakref to object or None) pairs."""
        self._flush()
        return self._callbacks

    def __call__(self, *args, **kwargs):
        for function_ref, owner_ref in list(self._callbacks):
            function = function_ref()
            if function is None:
                continue
            if owner_ref is None:
                function(*args, **kwargs)
                continue
            owner = owner_ref()
            if owner is not None:
                function(owner, *args, **kwargs)
        # Flushed after the calls: a callback may drop the last reference to an object subscribed later in the list.
        self._flush()

    def __iter__(self):
        return iter(self.callbacks)

    def __getitem__(self, index):
        return self.callbacks[index]

    def __len__(self):
        return len(self.callbacks)

    def __repr__(self):
        return f"Callables({self.callbacks})"


def subscribe(event: str):
    """Decorator: add the function (or bound method) to the callbacks of ``event`` and return it unchanged."""

    def decorator(function):
        events, _ = _registries()
        events.setdefault(event, Callables()).append(function)
        return function

    return decorator


def register(event: str):
    """Decorator: the wrapped function triggers ``{event}::before`` before and ``{event}::after`` after each call."""

    def decorator(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            trigger(f"{event}::before")()
            result = function(*args, **kwargs)
            trigger(f"{event}::after")()
            return result

        return wrapper

    return decorator


def trigger(event: str):
    """The callables subscribed to ``event``, or :func:`noop` if there are none or the event is disabled."""
    events, disabled = _registries()
    if event in disabled or event not in events:
        return noop
    return events[event]


def disable(event: str):
    """Stop ``event`` from firing until :func:`enable`."""
    _registries()[1].add(event)


def enable(event: str):
    """Let a disabled ``event`` fire again (KeyError if it was not disabled, as pyhf)."""
    _registries()[1].remove(event)
