"""pyhf's (init_pars, par_bounds, fixed_params) arguments as C arrays."""

from __future__ import annotations

import numpy as np

from .._arguments import as_float_array, as_model_like, describe, unset
from .._handles import Handle
from .._library import as_doubles, bool_pointer, pointer
from ..errors import ArgumentTypeError, InvalidArgument


class FitSettings:
    """Keeps the converted arrays alive for the duration of a call; ``args`` is (init, bounds, fixed, n_pars).

    As pyhf, an argument that is None (or empty) means the model's suggestion: ``model.config.suggested_*()``,
    read at the call and passed explicitly, so that what the configuration reports (pyhf lets a user change a
    parameter set's suggestions) is what the fit uses."""

    def __init__(self, model, init_pars=None, par_bounds=None, fixed_params=None):
        as_model_like("pdf", model)
        n = model.config.npars
        if unset("init_pars", init_pars):
            init_pars = model.config.suggested_init()
        if unset("par_bounds", par_bounds):
            par_bounds = model.config.suggested_bounds()
        if unset("fixed_params", fixed_params):
            fixed_params = model.config.suggested_fixed()
        # A list equal to what libneos suggested when it built the model (pyhf's suggestions untouched, the common
        # case) goes as NULL, which the library reads as that same suggestion: converting three small lists cost
        # more than a whole 1-bin fit. Anything else (a user's change, an array, a wrong length) is converted and
        # checked below.
        # Only for a model libneos holds: a callback model is made from these very arrays (neos_callback_model_create
        # needs them), even where its configuration is a libneos one.
        if isinstance(model, Handle):
            init_pars = _unless_native(init_pars, getattr(model.config, "_init", None))
            par_bounds = _unless_native(par_bounds, getattr(model.config, "_bounds", None))
            fixed_params = _unless_native(fixed_params, getattr(model.config, "_fixed", None))
        self.init = None if unset("init_pars", init_pars) else as_doubles(init_pars, "init_pars")
        self.bounds = None
        if not unset("par_bounds", par_bounds):
            bounds = as_float_array("par_bounds", par_bounds, ndim=None)
            if bounds.shape != (n, 2):
                raise InvalidArgument(f"par_bounds must have shape ({n}, 2), got {bounds.shape}")
            self.bounds = bounds.reshape(-1)
        self.fixed = None
        if not unset("fixed_params", fixed_params):
            self.fixed = _bools("fixed_params", fixed_params)
            if self.fixed.shape != (n,):
                raise InvalidArgument(f"fixed_params must have {n} entries, got shape {self.fixed.shape}")
        if self.init is not None and self.init.size != n:
            raise InvalidArgument(f"init_pars has {self.init.size} entries, expected {n}")
        self.args = (pointer(self.init), pointer(self.bounds), bool_pointer(self.fixed), n)


def _unless_native(values, native):
    """None when ``values`` is a list equal, entry by entry and with the same types, to ``native`` (a libneos
    model's own suggestion); ``values`` otherwise."""
    if native is None or type(values) is not list or len(values) != len(native):
        return values
    for value, suggested in zip(values, native):
        # exact types: a numpy scalar or a nested list equal to a float is converted and checked the general way
        if type(value) is not type(suggested) or value != suggested:
            return values
    return None


def _bools(name, values) -> np.ndarray:
    """pyhf's fixed_params (bools, or numbers read as truth values) as a C-contiguous numpy bool array."""
    if isinstance(values, (str, bytes, dict)):
        raise ArgumentTypeError(f"{name} must be a list of bools, got {describe(values)}")
    if isinstance(values, (list, tuple)) and not all(
        isinstance(v, (bool, int, float, np.bool_, np.number)) for v in values
    ):
        raise ArgumentTypeError(f"{name} must be a list of bools, got {describe(values)}")
    return np.ascontiguousarray(np.asarray(values, dtype=np.bool_))


def data_array(data, model) -> np.ndarray:
    data = as_doubles(data, "data")
    expected = model.config.nmaindata + model.config.nauxdata
    if data.size != expected:
        raise InvalidArgument(f"data has {data.size} entries, expected {expected} (main data, then auxdata)")
    return data
