"""neos_swift models as relaxed sees them: a jax pytree whose numbers are a jax array, and the differentiable
native calls (logpdf, expected data, the NLL Hessian, fits, hypothesis tests) that relaxed's functions run on it.

A :class:`Model` holds a neos_swift model (the structure: channels, samples, modifiers) and ``inputs``, the numbers
the model is built from (aligned with ``model.inputs()[1]``). ``inputs`` is the pytree's only leaf, so a model
built from traced numbers passes through ``jax.jit``, ``jax.grad`` and ``jax.vmap``; each native call rebuilds
the model from concrete numbers with ``with_inputs``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import _hessian
from .. import infer as _infer
from .._arguments import as_float
from ..errors import ArgumentTypeError, InvalidArgument, NumericError
from ..jax import _traceable, callback

if TYPE_CHECKING:
    from jax.typing import ArrayLike

    from .. import pdf


class _Structure:
    """The static part of a :class:`Model`: compared and hashed by identity, so jit caches per model."""

    __slots__ = ("model",)

    def __init__(self, model):
        self.model = model

    def __eq__(self, other):
        return isinstance(other, _Structure) and other.model is self.model

    def __hash__(self):
        return id(self.model)


_INDEX = re.compile(r"\[\d+\]$")


class Model:
    """A neos_swift model with its numbers as a jax array (``inputs``, aligned with ``structure.inputs()[1]``).

    ``Model(neos_swift_model)`` takes the model's own numbers; ``Model(neos_swift_model, inputs)`` or
    :meth:`replace` give numbers that jax differentiates. ``logpdf`` and ``expected_data`` follow pyhf's names
    with relaxed's conventions (a dict of parameters by name, or a flat vector in ``config.par_order``; data flat
    as pyhf's, or a pair (main data, auxdata)). Subclasses are registered as pytrees too."""

    def __init__(self, model: pdf.Model | Model, inputs: ArrayLike | None = None) -> None:
        if isinstance(model, Model):
            model = model.structure
        self.structure = model
        self.inputs = jnp.asarray(model.inputs()[1] if inputs is None else inputs, jnp.float64)
        if self.inputs.shape != (model.config.ninputs,):
            raise InvalidArgument(f"inputs has shape {self.inputs.shape}, expected ({model.config.ninputs},)")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        jax.tree_util.register_pytree_node(cls, cls._tree_flatten, functools.partial(_unflatten, cls))

    def _tree_flatten(self):
        return (self.inputs,), _Structure(self.structure)

    @property
    def config(self) -> pdf.ModelConfig:
        """The structure's configuration (``par_order``, ``par_slice``, ``suggested_init``, ...), as pyhf's."""
        return self.structure.config

    def input_names(self) -> list[str]:
        """The names of ``inputs``' entries ("channel/sample/nominal[i]", "channel/sample/type/modifier[i]")."""
        return self.structure.inputs()[0]

    def replace(self, values: Mapping[str, ArrayLike]) -> Model:
        """A copy whose inputs named by ``values`` ({name without its "[i]" index: array}) are replaced, e.g.
        ``{"singlechannel/signal/nominal": s}``; the arrays may be traced. An unknown name raises
        InvalidArgument, and so does an array whose length is not the number of entries with that name."""
        names = [_INDEX.sub("", name) for name in self.input_names()]
        inputs = self.inputs
        for name, array in values.items():
            where = np.flatnonzero(np.array(names) == name)
            array = jnp.ravel(jnp.asarray(array, jnp.float64))
            if where.size == 0:
                raise InvalidArgument(f"the model has no input named {name!r}; it has {sorted(set(names))}")
            if array.shape != (where.size,):
                raise InvalidArgument(f"input {name!r} has {where.size} entries, not {array.size}")
            inputs = inputs.at[where].set(array)
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.inputs = inputs
        return clone

    def logpdf(self, pars: Mapping[str, ArrayLike] | ArrayLike, data: ArrayLike) -> jax.Array:
        """log L(pars | data) as a jax scalar, differentiable with respect to ``pars``, ``data`` and ``inputs``."""
        return logpdf(self, flat_pars(self, pars), flat_data(self, data))

    def expected_data(self, pars: Mapping[str, ArrayLike] | ArrayLike, include_auxdata: bool = True) -> jax.Array:
        """The expected main data (then the expected auxdata), flat as pyhf's; differentiable with respect to
        ``pars`` and ``inputs``."""
        return expected_data(self, flat_pars(self, pars), include_auxdata)


def _unflatten(cls, structure, children):
    model = object.__new__(cls)
    model.structure = structure.model
    model.inputs = children[0]
    return model


jax.tree_util.register_pytree_node(Model, Model._tree_flatten, functools.partial(_unflatten, Model))


def as_model(model) -> Model:
    """A :class:`Model` for a neos_swift model (its own numbers) or a :class:`Model` itself."""
    if isinstance(model, Model):
        return model
    if hasattr(model, "with_inputs") and hasattr(model, "inputs"):
        return Model(model)
    raise ArgumentTypeError(f"expected a neos_swift model or neos_swift.relaxed.Model, not {type(model).__name__}")


# ---- parameters and data ------------------------------------------------------------------------------------------


def _parameter(model, name):
    if name not in model.config.par_order:
        raise InvalidArgument(f"the model has no parameter {name!r}; it has {model.config.par_order}")
    return model.config.par_slice(name)


def par_indices(model, names) -> np.ndarray:
    """The flat indices (in ``config.par_order``) of the named parameters, in the order given."""
    everything = np.arange(model.config.npars)
    return np.concatenate([everything[_parameter(model, name)] for name in names]).astype(int)


def flat_pars(model, pars, fill=None):
    """The parameter vector (``config.par_order``) from a dict by name (missing names from ``fill``, or the
    suggested init) or from a flat vector. Scalars fill a parameter of any size."""
    if not isinstance(pars, dict):
        pars = jnp.ravel(_traceable("pars", pars))
        if pars.shape != (model.config.npars,):
            raise InvalidArgument(f"pars has {pars.size} values, the model {model.config.npars} parameters")
        return pars
    vector = jnp.asarray(model.config.suggested_init() if fill is None else fill, jnp.float64)
    for name, value in pars.items():
        where = _parameter(model, name)
        size = where.stop - where.start
        value = jnp.ravel(_traceable(f"pars[{name!r}]", value))
        if value.size == 1:
            value = jnp.broadcast_to(value, (size,))
        if value.shape != (size,):
            raise InvalidArgument(f"parameter {name!r} has {size} values, not {value.size}")
        vector = vector.at[where].set(value)
    return vector


def pars_like(model, vector, template):
    """``vector`` (``config.par_order``) as a dict with the keys of ``template`` and the shapes of its values."""
    return {
        name: jnp.reshape(vector[_parameter(model, name)], jnp.shape(jnp.asarray(value)))
        for name, value in template.items()
    }


def flat_data(model, data):
    """Data as one vector (main data then auxdata), from a flat array or a pair (main data, auxdata)."""
    if isinstance(data, (tuple, list)) and len(data) == 2 and not np.isscalar(data[0]):
        data = jnp.concatenate([jnp.ravel(_traceable("data", part)) for part in data])
    data = jnp.ravel(_traceable("data", data))
    expected = model.config.nmaindata + model.config.nauxdata
    if data.shape != (expected,):
        raise InvalidArgument(f"data has {data.size} values, the model expects {expected} (main data, auxdata)")
    return data


def _float64(shape):
    return jax.ShapeDtypeStruct(tuple(shape), jnp.float64)


def _rebuilt(structure, inputs):
    return structure.with_inputs(inputs)


# ---- logpdf -------------------------------------------------------------------------------------------------------


def _logpdf_host(structure, nan_outside, inputs, pars, data):
    try:
        return np.float64(_rebuilt(structure, inputs).logpdf(pars, data)[0])
    except NumericError:
        if not nan_outside:
            raise
        return np.float64(np.nan)


def _logpdf_gradients_host(structure, nan_outside, inputs, pars, data):
    try:
        g = _rebuilt(structure, inputs).logpdf_vjp(pars, data)
    except NumericError:
        if not nan_outside:
            raise
        return np.zeros(inputs.size), np.zeros(pars.size), np.zeros(data.size)
    return g.inputs, g.pars, g.data


@functools.cache
def _logpdf_function(structure, nan_outside):
    def value(inputs, pars, data):
        return callback(lambda *a: _logpdf_host(structure.model, nan_outside, *a), _float64(()), inputs, pars, data)

    def gradients(arguments, cotangent):
        shapes = tuple(_float64(a.shape) for a in arguments)
        grads = callback(lambda *a: _logpdf_gradients_host(structure.model, nan_outside, *a), shapes, *arguments)
        return tuple(cotangent * g for g in grads)

    function = jax.custom_vjp(value)
    function.defvjp(lambda *arguments: (value(*arguments), arguments), gradients)
    return function


def logpdf(model, pars, data, nan_outside=False):
    """log L of the flat ``pars`` and ``data`` as a jax scalar (libneos' value and exact gradient). Where libneos
    finds no finite log L (a negative rate, say) it raises NumericError, or with ``nan_outside`` gives NaN with a
    zero gradient: what a jax likelihood gives there, for callers that drop NaNs (``jnp.nanmean``)."""
    return _logpdf_function(_Structure(model.structure), bool(nan_outside))(model.inputs, pars, data)


# ---- expected data ------------------------------------------------------------------------------------------------


@functools.cache
def _expected_function(structure, include_auxdata):
    config = structure.model.config
    size = config.nmaindata + (config.nauxdata if include_auxdata else 0)

    def value(inputs, pars):
        return callback(
            lambda i, p: _rebuilt(structure.model, i).expected_data(p, include_auxdata=include_auxdata),
            _float64((size,)),
            inputs,
            pars,
        )

    def gradients(arguments, cotangent):
        def host(i, p, c):
            g = _rebuilt(structure.model, i).expected_data_vjp(c, p, include_auxdata=include_auxdata)
            return g.inputs, g.pars

        return callback(host, tuple(_float64(a.shape) for a in arguments), *arguments, cotangent)

    function = jax.custom_vjp(value)
    function.defvjp(lambda *arguments: (value(*arguments), arguments), gradients)
    return function


def expected_data(model, pars, include_auxdata=True):
    """The expected data of the flat ``pars`` (libneos' value and exact VJP)."""
    return _expected_function(_Structure(model.structure), bool(include_auxdata))(model.inputs, pars)


# ---- the NLL Hessian ----------------------------------------------------------------------------------------------


def _hessian_host(structure, inputs, pars, data):
    return _rebuilt(structure, inputs).nll_hessian(pars, data)


@functools.cache
def _hessian_function(structure):
    n = structure.model.config.npars

    def value(inputs, pars, data):
        return callback(lambda i, p, d: _hessian_host(structure.model, i, p, d), _float64((n, n)), inputs, pars, data)

    def gradients(arguments, cotangent):
        def host(i, p, d, c):
            g = _hessian.nll_hessian_vjp(_rebuilt(structure.model, i), p, d, c)
            return g.inputs, g.pars, g.data

        return callback(host, tuple(_float64(a.shape) for a in arguments), *arguments, cotangent)

    function = jax.custom_vjp(value)
    function.defvjp(lambda *arguments: (value(*arguments), arguments), gradients)
    return function


def nll_hessian(model, pars, data):
    """∇²(−log L) with respect to the flat ``pars``, shape (npars, npars): libneos' exact Hessian, and its exact
    VJP with respect to ``pars``, ``data`` and the model's inputs (libneos' third derivatives of the likelihood,
    :func:`neos_swift._hessian.nll_hessian_vjp`)."""
    return _hessian_function(_Structure(model.structure))(model.inputs, pars, data)


# ---- fits ---------------------------------------------------------------------------------------------------------


def _fit_host(structure, free, inputs, data, init, bounds):
    model = _rebuilt(structure, inputs)
    pars, jacobian = _infer.mle.fit(
        data,
        model,
        init_pars=init.tolist(),
        par_bounds=bounds.reshape(-1, 2).tolist(),
        fixed_params=[not f for f in free],
        return_jacobian=True,
    )
    return np.asarray(pars, dtype=np.float64), jacobian


@functools.cache
def _fit_function(structure, free):
    n = structure.model.config.npars

    def value(inputs, data, init, bounds):
        return callback(lambda *a: _fit_host(structure.model, free, *a)[0], _float64((n,)), inputs, data, init, bounds)

    def forward(inputs, data, init, bounds):
        shapes = (_float64((n,)), _float64((n, inputs.shape[0])), _float64((n, data.shape[0])))

        def host(*a):
            pars, jacobian = _fit_host(structure.model, free, *a)
            return pars, jacobian.inputs, jacobian.data

        pars, wrt_inputs, wrt_data = callback(host, shapes, inputs, data, init, bounds)
        return pars, (wrt_inputs, wrt_data, init, bounds)

    def backward(residuals, cotangent):
        wrt_inputs, wrt_data, init, bounds = residuals
        # The optimum does not depend on where the fit starts; moving a bound it rests on is not differentiated.
        return cotangent @ wrt_inputs, cotangent @ wrt_data, jnp.zeros_like(init), jnp.zeros_like(bounds)

    function = jax.custom_vjp(value)
    function.defvjp(forward, backward)
    return function


def fit(model, data, init, bounds, free):
    """The best-fit flat parameters (libneos' fit from ``init`` within ``bounds`` (npars, 2), the parameters with
    ``free[k]`` False held at their init), differentiable with respect to ``inputs`` and ``data`` by implicit
    differentiation at the optimum."""
    function = _fit_function(_Structure(model.structure), tuple(bool(f) for f in free))
    return function(model.inputs, data, jnp.asarray(init, jnp.float64), jnp.asarray(bounds, jnp.float64))


# ---- hypothesis tests ---------------------------------------------------------------------------------------------

_CLSB = 4  # NEOS_HYPOTEST_CLSB: for q, CLsb = 1 − Φ(√q_obs); for q0, p0 = 1 − Φ(√q0_obs)


def _hypotest_host(structure, poi, test_stat, free, inputs, data, init, bounds):
    model = _rebuilt(structure, inputs)
    derivatives = _infer.hypotest_derivatives(
        poi,
        data,
        model,
        init_pars=init.tolist(),
        par_bounds=bounds.reshape(-1, 2).tolist(),
        fixed_params=[not f for f in free],
        test_stat=test_stat,
    )
    return derivatives["clsb"]


@functools.cache
def _hypotest_function(structure, poi, test_stat, free):
    def value(inputs, data, init, bounds):
        return callback(
            lambda *a: np.float64(_hypotest_host(structure.model, poi, test_stat, free, *a)[0]),
            _float64(()),
            inputs,
            data,
            init,
            bounds,
        )

    def forward(inputs, data, init, bounds):
        shapes = (_float64(()), _float64(inputs.shape), _float64(data.shape))

        def host(*a):
            v, d_inputs, d_data = _hypotest_host(structure.model, poi, test_stat, free, *a)
            return np.float64(v), np.asarray(d_inputs, np.float64), np.asarray(d_data, np.float64)

        v, d_inputs, d_data = callback(host, shapes, inputs, data, init, bounds)
        return v, (d_inputs, d_data, init, bounds)

    def backward(residuals, cotangent):
        d_inputs, d_data, init, bounds = residuals
        return cotangent * d_inputs, cotangent * d_data, jnp.zeros_like(init), jnp.zeros_like(bounds)

    function = jax.custom_vjp(value)
    function.defvjp(forward, backward)
    return function


def observed_clsb(model, poi, test_stat, data, init, bounds, free):
    """libneos' observed CLsb (``test_stat`` "q") or p0 ("q0") at ``poi``, with both fits from ``init`` within
    ``bounds`` (the parameters with ``free[k]`` False held at their init); differentiable with respect to
    ``inputs`` and ``data``."""
    function = _hypotest_function(
        _Structure(model.structure), as_float("poi", poi), test_stat, tuple(bool(f) for f in free)
    )
    return function(model.inputs, data, jnp.asarray(init, jnp.float64), jnp.asarray(bounds, jnp.float64))
