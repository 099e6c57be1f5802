"""The current and default (tensor backend, optimizer) pair: ``neos_swift.set_backend``/``get_backend``, as pyhf's
``pyhf.set_backend``/``pyhf.get_backend``; ``neos_swift.tensorlib``, ``.optimizer`` and ``.default_backend`` read it.

The tensor backend is what pyhf-style code computes with around our calls (``tensorlib.astensor`` etc.); the
optimizer records how a user asked fits to be done. Every fit runs in the native core (exact derivatives, Newton
to convergence) whichever optimizer is set; see :mod:`neos_swift.optimize` for what each option means here.
"""

from __future__ import annotations

from typing import Any

from . import events, optimize, tensor
from .tensor._unavailable import _UnavailableBackend

_PRECISIONS = ("32b", "64b")

_state = {
    "default": (tensor.numpy_backend(), optimize.scipy_optimizer()),
}
_state["current"] = _state["default"]


def _exceptions():
    """pyhf's exception classes, imported where one is raised."""
    from . import exceptions

    return exceptions


def get_backend(default: bool = False) -> tuple[Any, Any]:
    """``(tensorlib, optimizer)``: the current pair, or the default one with ``default=True``."""
    return _state["default"] if default else _state["current"]


def _text(value):
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        # not a name of anything: reported as an unknown name (its repr), as other unknown names are
        return repr(value)


def _supported_class(module, name, kind):
    """The class of ours that ``name`` refers to (``numpy`` -> tensor.numpy_backend), or None for unknown names."""
    try:
        return getattr(module, f"{name}_{kind}")
    except AttributeError:
        return None


def _resolve(value, module, kind, invalid, supported, **kwargs):
    """A supported name (str or bytes, any case) -> a new object of its class, else ``invalid``; an object -> itself,
    unless it takes a supported name without being of that class (AttributeError, as pyhf). Returns the object and
    the class of ours its name refers to (None for a custom name)."""
    value = _text(value)
    if isinstance(value, str):
        named_class = _supported_class(module, value.lower(), kind)
        if named_class is None:
            raise invalid(f"no {kind} is called {value.lower()!r}; the {kind}s are {supported}")
        value = named_class(**kwargs)
    if not isinstance(getattr(value, "name", None), str):
        from ._arguments import describe
        from .errors import ArgumentInterfaceError

        # pyhf reads value.name here: an AttributeError too
        raise ArgumentInterfaceError(f"the {kind} must be a name or a {kind} object, got {describe(value)}")
    named_class = _supported_class(module, value.name, kind)
    if named_class is not None and not isinstance(value, named_class):
        raise AttributeError(
            f"'{value.name}' is not a valid name for a {kind} of {type(value)}: it belongs to one of ours, and a "
            f"custom {kind} needs a name of its own"
        )
    return value, named_class


@events.register("change_backend")
def set_backend(
    backend: Any, custom_optimizer: Any = None, precision: str | None = None, default: bool = False
) -> None:
    """Make ``backend`` (a name such as "numpy"/"jax" as str or bytes, or a backend object) and ``custom_optimizer``
    (None for a new scipy_optimizer, "scipy"/"minuit" as str or bytes, or an optimizer object) current; with
    ``default=True`` also the default. ``precision`` ("32b"/"64b") wins over the backend object's own.

    Raises, as pyhf: ``exceptions.Unsupported`` for another precision, ``exceptions.InvalidBackend`` /
    ``exceptions.InvalidOptimizer`` for unknown names, ``AttributeError`` for a custom object that takes a
    supported name without being of its class, ``exceptions.ImportBackendError`` for pytorch/tensorflow (which
    neos_swift does not have). Fires ``tensorlib_changed``/``optimizer_changed`` (and ``default_*`` with
    ``default=True``) when the pair changes, between ``change_backend::before`` and ``::after``."""
    kwargs = {}
    if precision:
        precision = _text(precision).lower()
        if precision not in _PRECISIONS:
            raise _exceptions().Unsupported(
                f"precision {precision!r} is neither of the backends' precisions ({', '.join(_PRECISIONS)})"
            )
        kwargs["precision"] = precision

    new_backend, backend_class = _resolve(
        backend, tensor, "backend", _exceptions().InvalidBackend, "numpy, jax", **kwargs
    )
    if precision is not None and new_backend.precision != precision:
        if backend_class is None:
            raise _exceptions().Unsupported(
                f"precision={precision!r} cannot be applied to the custom backend {new_backend.name!r}"
            )
        new_backend = backend_class(**kwargs)
    if isinstance(new_backend, _UnavailableBackend):
        new_backend._refuse()

    if custom_optimizer is None:
        new_optimizer = optimize.scipy_optimizer()
    else:
        new_optimizer, _ = _resolve(
            custom_optimizer, optimize, "optimizer", _exceptions().InvalidOptimizer, "scipy, minuit"
        )

    def changes(old):
        """What differs from the pair ``old``: "tensorlib" (name or precision) and/or "optimizer"."""
        old_backend, old_optimizer = old
        tensorlib_differs = (old_backend.name, old_backend.precision) != (new_backend.name, new_backend.precision)
        return [
            what
            for what, differs in (("tensorlib", tensorlib_differs), ("optimizer", old_optimizer != new_optimizer))
            if differs
        ]

    current_changes = changes(_state["current"])
    default_changes = changes(_state["default"]) if default else []
    _state["current"] = (new_backend, new_optimizer)
    # The default's events fire while the old default is still in place, then the current pair's (pyhf's order).
    for what in default_changes:
        events.trigger(f"default_{what}_changed")()
    if default:
        _state["default"] = _state["current"]
    for what in current_changes:
        events.trigger(f"{what}_changed")()
    new_backend._setup()
