"""The current and default (tensor backend, optimizer) pair: ``neos_swift.set_backend``/``get_backend``, as pyhf's
``pyhf.set_backend``/``pyhf.get_backend``; ``neos_swift.tensorlib``, ``.optimizer`` and ``.default_backend`` read it.

The tensor backend is what pyhf-style code computes with around our calls (``tensorlib.astensor`` etc.); the
optimizer records how a user asked fits to be done. Every fit runs in the native core (exact derivatives, Newton
to convergence) whichever optimizer is set; see :mod:`neos_swift.optimize` for what each option means here.
"""

from __future__ import annotations

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


def get_backend(default: bool = False):
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
            raise invalid(
                f"The {kind} provided is not supported: {value.lower()}. "
                f"Select from one of the supported {kind}s: {supported}"
            )
        value = named_class(**kwargs)
    if not isinstance(getattr(value, "name", None), str):
        from ._arguments import describe
        from .errors import ArgumentInterfaceError

        # pyhf reads value.name here: an AttributeError too
        raise ArgumentInterfaceError(f"the {kind} must be a name or a {kind} object, got {describe(value)}")
    named_class = _supported_class(module, value.name, kind)
    if named_class is not None and not isinstance(value, named_class):
        raise AttributeError(
            f"'{value.name}' is not a valid name attribute for {kind} type {type(value)}: "
            f"custom {kind}s must have names unique from supported {kind}s"
        )
    return value, named_class


@events.register("change_backend")
def set_backend(backend, custom_optimizer=None, precision=None, default=False):
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
                f"The backend precision provided is not supported: {precision}. "
                f"Select from one of the supported precisions: {', '.join(_PRECISIONS)}"
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

    def changed(old):
        old_backend, old_optimizer = old
        return (
            (old_backend.name, old_backend.precision) != (new_backend.name, new_backend.precision),
            old_optimizer != new_optimizer,
        )

    tensorlib_changed, optimizer_changed = changed(_state["current"])
    _state["current"] = (new_backend, new_optimizer)
    if default:
        default_tensorlib_changed, default_optimizer_changed = changed(_state["default"])
        if default_tensorlib_changed:
            events.trigger("default_tensorlib_changed")()
        if default_optimizer_changed:
            events.trigger("default_optimizer_changed")()
        _state["default"] = _state["current"]
    if tensorlib_changed:
        events.trigger("tensorlib_changed")()
    if optimizer_changed:
        events.trigger("optimizer_changed")()
    new_backend._setup()
