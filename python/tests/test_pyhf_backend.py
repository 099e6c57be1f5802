"""neos_swift.set_backend / get_backend / tensorlib / tensor.* / events, held to pyhf 0.7.6's behaviour.

Where pyhf is the specification of an operation's value (every tensorlib method), the real pyhf's numpy backend
computes the expected value on the same inputs.
"""

from __future__ import annotations

import gc
import importlib

import jax
import jax.numpy as jnp
import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift import events


def exceptions():
    """pyhf's exception classes (neos_swift.exceptions, imported when a test needs one)."""
    return importlib.import_module("neos_swift.exceptions")


@pytest.fixture(autouse=True)
def fresh_state():
    """Every test starts and ends on the numpy backend with the scipy optimizer and no event subscriptions."""

    def reset():
        neos_swift.set_backend("numpy", default=True)
        vars(events)["__events"].clear()
        vars(events)["__disabled_events"].clear()

    reset()
    yield
    reset()


# set_backend and the module attributes


def test_default_state_is_numpy_with_scipy():
    tensorlib, optimizer = neos_swift.get_backend()
    assert isinstance(tensorlib, neos_swift.tensor.numpy_backend)
    assert isinstance(optimizer, neos_swift.optimize.scipy_optimizer)
    assert (tensorlib.name, tensorlib.precision, tensorlib.default_do_grad) == ("numpy", "64b", False)
    assert neos_swift.tensorlib is tensorlib and neos_swift.optimizer is optimizer
    assert neos_swift.default_backend is neos_swift.get_backend(default=True)[0]
    for name in ("set_backend", "get_backend", "tensorlib", "optimizer", "default_backend", "tensor", "optimize"):
        assert name in neos_swift.__all__


@pytest.mark.parametrize("name", ["numpy", "NumPy", b"numpy", "jax", b"JAX"])
def test_backend_by_name(name):
    neos_swift.set_backend(name)
    expected = name.decode() if isinstance(name, bytes) else name
    assert neos_swift.tensorlib.name == expected.lower()
    assert isinstance(neos_swift.tensorlib, getattr(neos_swift.tensor, f"{expected.lower()}_backend"))
    # A new optimizer object (scipy) comes with every set_backend that names none.
    assert isinstance(neos_swift.optimizer, neos_swift.optimize.scipy_optimizer)


@pytest.mark.parametrize("name", ["scipy", b"minuit", "Minuit"])
def test_optimizer_by_name(name):
    neos_swift.set_backend(neos_swift.tensorlib, name)
    expected = (name.decode() if isinstance(name, bytes) else name).lower()
    assert neos_swift.optimizer.name == expected
    assert isinstance(neos_swift.optimizer, getattr(neos_swift.optimize, f"{expected}_optimizer"))


def test_objects_are_used_as_given():
    backend = neos_swift.tensor.numpy_backend(precision="32b")
    optimizer = neos_swift.optimize.minuit_optimizer(tolerance=0.3, strategy=2)
    neos_swift.set_backend(backend, optimizer)
    assert neos_swift.get_backend() == (backend, optimizer)
    assert (neos_swift.optimizer.tolerance, neos_swift.optimizer.strategy) == (0.3, 2)
    # The default is untouched without default=True.
    assert neos_swift.default_backend.precision == "64b"


@pytest.mark.parametrize("precision", ["32b", b"32b", "64B"])
def test_precision_argument_wins(precision):
    expected = (precision.decode() if isinstance(precision, bytes) else precision).lower()
    other = "64b" if expected == "32b" else "32b"
    neos_swift.set_backend(neos_swift.tensor.numpy_backend(precision=other), precision=precision)
    assert neos_swift.tensorlib.precision == expected
    wide = expected == "64b"
    assert neos_swift.tensorlib.dtypemap["float"] == (np.float64 if wide else np.float32)
    assert neos_swift.tensorlib.dtypemap["int"] == (np.int64 if wide else np.int32)
    assert neos_swift.tensorlib.astensor([1, 2]).dtype == neos_swift.tensorlib.dtypemap["float"]


def test_default_flag_sets_both():
    neos_swift.set_backend("jax", default=True)
    assert neos_swift.default_backend.name == "jax" and neos_swift.tensorlib.name == "jax"
    neos_swift.set_backend("numpy")
    assert neos_swift.default_backend.name == "jax" and neos_swift.tensorlib.name == "numpy"


@pytest.mark.parametrize("name", ["fail", b"fail", "torch"])
def test_unknown_backend_name(name):
    with pytest.raises(exceptions().InvalidBackend):
        neos_swift.set_backend(name)
    assert neos_swift.tensorlib.name == "numpy"


@pytest.mark.parametrize("name", ["fail", b"fail"])
def test_unknown_optimizer_name(name):
    with pytest.raises(exceptions().InvalidOptimizer):
        neos_swift.set_backend("numpy", name)
    assert neos_swift.optimizer.name == "scipy"


@pytest.mark.parametrize("precision", ["16b", b"fail"])
def test_unknown_precision(precision):
    with pytest.raises(exceptions().Unsupported):
        neos_swift.set_backend("numpy", precision=precision)


@pytest.mark.parametrize("name", ["pytorch", "PyTorch", b"tensorflow"])
def test_frameworks_we_lack_raise_the_missing_backend_error(name):
    with pytest.raises(exceptions().ImportBackendError, match="cannot be used"):
        neos_swift.set_backend(name)
    assert neos_swift.tensorlib.name == "numpy"
    # The names exist (code that only builds the objects keeps working) and carry pyhf's descriptive slots.
    backend = neos_swift.tensor.pytorch_backend(precision="32b")
    assert (backend.name, backend.precision, backend.dtypemap["float"]) == ("pytorch", "32b", "float32")
    with pytest.raises(exceptions().ImportBackendError):
        neos_swift.set_backend(backend)


def test_custom_objects_may_not_take_a_supported_name():
    class Impostor:
        def __init__(self, name):
            self.name, self.precision = name, "64b"

        def _setup(self):
            pass

    with pytest.raises(AttributeError, match="not a valid name"):
        neos_swift.set_backend(Impostor("numpy"))
    with pytest.raises(AttributeError, match="not a valid name"):
        neos_swift.set_backend(neos_swift.tensorlib, Impostor("minuit"))
    custom = Impostor("mine")
    neos_swift.set_backend(custom, Impostor("also_mine"))
    assert neos_swift.tensorlib is custom and neos_swift.optimizer.name == "also_mine"


def test_backends_are_slotted():
    for backend in (neos_swift.tensor.numpy_backend(), neos_swift.tensor.jax_backend()):
        with pytest.raises(AttributeError):
            backend.something_else = True
        for attribute in ("name", "precision", "dtypemap", "default_do_grad"):
            assert getattr(backend, attribute) is not None


BACKEND_CLASSES = ["numpy_backend", "jax_backend", "pytorch_backend", "tensorflow_backend"]


@pytest.mark.parametrize("cls", BACKEND_CLASSES)
def test_backends_refuse_unknown_keywords(cls):
    backend_class = getattr(neos_swift.tensor, cls)
    # a misspelt precision is an error, not a silently 64-bit backend
    with pytest.raises(TypeError, match="precison"):
        backend_class(precison="32b")
    with pytest.raises(TypeError):
        backend_class("32b")  # keywords only, as pyhf's **kwargs
    # pyhf's own test fixtures pass poisson_from_normal (pyhf 0.7.6 ignores it): accepted, and changes nothing
    assert backend_class(poisson_from_normal=True).dtypemap == backend_class().dtypemap


@pytest.mark.parametrize("cls", BACKEND_CLASSES)
def test_precision_has_pyhfs_meaning(cls):
    backend_class = getattr(neos_swift.tensor, cls)
    # pyhf's pytorch/tensorflow classes need their framework to be built; numpy's and jax's are compared
    pyhf_class = getattr(pyhf.tensor, cls) if cls in ("numpy_backend", "jax_backend") else None
    for precision in ("64b", "32b", "16b", None):
        ours = backend_class(precision=precision)
        # only "64b" is wide; the value is kept as given (set_backend is where precisions are checked)
        assert ours.precision == precision
        assert np.dtype(ours.dtypemap["float"]).itemsize == (8 if precision == "64b" else 4)
        assert np.dtype(ours.dtypemap["int"]).itemsize == (8 if precision == "64b" else 4)
        if pyhf_class is not None:
            theirs = pyhf_class(precision=precision)
            assert theirs.precision == precision and ours.dtypemap == theirs.dtypemap
    assert backend_class().precision == "64b"


def test_gather_and_boolean_mask_take_lists_in_both_backends():
    for name in ("numpy", "jax"):
        neos_swift.set_backend(name)
        tensorlib = neos_swift.tensorlib
        values = tensorlib.astensor([[1, 2], [3, 4], [5, 6]])
        assert tensorlib.tolist(tensorlib.gather(values, [2, 0])) == [[5.0, 6.0], [1.0, 2.0]]
        assert tensorlib.tolist(tensorlib.gather(values[:, 0], [[2, 0], [1, 1]])) == [[5.0, 1.0], [3.0, 3.0]]
        mask = [[True, False], [False, True], [True, True]]
        assert tensorlib.tolist(tensorlib.boolean_mask(values, mask)) == [1.0, 4.0, 5.0, 6.0]
        assert tensorlib.tolist(tensorlib.boolean_mask(values, [False, True, False])) == [[3.0, 4.0]]


def test_array_types_follow_loaded_backends():
    neos_swift.set_backend("jax")
    assert np.ndarray in neos_swift.tensor.array_types
    assert jax.Array in neos_swift.tensor.array_types
    assert neos_swift.tensor.jax_backend.array_type is jax.Array
    assert neos_swift.tensor.numpy_backend.array_subtype is np.number


# events fired by set_backend


def test_set_backend_fires_pyhf_events_only_on_change():
    fired = []
    names = [
        "tensorlib_changed",
        "optimizer_changed",
        "default_tensorlib_changed",
        "default_optimizer_changed",
        "change_backend::before",
        "change_backend::after",
    ]
    # Callbacks are weakly held: the list keeps them alive for the test.
    keep = [events.subscribe(name)(lambda name=name: fired.append(name)) for name in names]
    optimizer = neos_swift.optimizer
    neos_swift.set_backend(neos_swift.tensorlib, optimizer)
    assert fired == ["change_backend::before", "change_backend::after"]
    fired.clear()
    neos_swift.set_backend("numpy", precision="32b")
    # A new scipy optimizer object is another optimizer; the precision change is a tensorlib change.
    assert fired == ["change_backend::before", "tensorlib_changed", "optimizer_changed", "change_backend::after"]
    fired.clear()
    # The default pair is still (numpy 64b, the scipy optimizer this test started with).
    neos_swift.set_backend("jax", optimizer, default=True)
    assert fired == [
        "change_backend::before",
        "default_tensorlib_changed",
        "tensorlib_changed",
        "optimizer_changed",
        "change_backend::after",
    ]
    fired.clear()
    neos_swift.set_backend("jax", "minuit", default=True)
    assert fired == [
        "change_backend::before",
        "default_optimizer_changed",
        "optimizer_changed",
        "change_backend::after",
    ]
    assert len(keep) == len(names)


# events on their own


def test_trigger_without_subscribers_is_noop():
    assert events.trigger("nobody_listens") is events.noop
    assert events.noop(1, 2, key=3) is None


def test_subscribe_and_trigger_pass_arguments():
    seen = []

    @events.subscribe("sum")
    def add(a, b):
        seen.append(a + b)

    assert add(1, 1) is None and seen == [2]  # the decorator returns the function itself
    events.trigger("sum")(2, 3)
    assert seen == [2, 5]
    assert isinstance(events.trigger("sum"), events.Callables)
    assert len(events.trigger("sum")) == 1


def test_disable_and_enable():
    seen = []

    def note():
        seen.append(1)

    events.subscribe("x")(note)
    events.disable("x")
    assert events.trigger("x") is events.noop
    events.enable("x")
    events.trigger("x")()
    assert seen == [1]
    with pytest.raises(KeyError):
        events.enable("never_disabled")


def test_register_fires_before_and_after():
    order = []

    @events.register("work")
    def work(value):
        order.append(("work", value))
        return value * 2

    def before():
        order.append("before")

    def after():
        order.append("after")

    events.subscribe("work::before")(before)
    events.subscribe("work::after")(after)
    assert work(4) == 8
    assert order == ["before", ("work", 4), "after"]
    assert work.__name__ == "work"


def test_bound_methods_are_weak_and_called_with_their_object():
    class Listener:
        def __init__(self):
            self.count = 0

        def hear(self, step=1):
            self.count += step

    first, second = Listener(), Listener()
    events.subscribe("tick")(first.hear)
    events.subscribe("tick")(second.hear)
    events.trigger("tick")(step=2)
    assert (first.count, second.count) == (2, 2)
    del second
    gc.collect()
    events.trigger("tick")()
    assert first.count == 3
    assert len(events.trigger("tick")) == 1
    (function_ref, owner_ref) = events.trigger("tick")[0]
    assert owner_ref() is first and function_ref() is Listener.hear
    assert "Callables(" in repr(events.trigger("tick"))


def test_plain_functions_are_weak_too():
    seen = []

    def transient():
        seen.append(1)

    events.subscribe("gone")(transient)
    del transient
    gc.collect()
    events.trigger("gone")()
    assert seen == [] and len(events.trigger("gone")) == 0


def test_callables_is_a_read_only_sequence_of_living_entries():
    class Listener:
        def hear(self):
            pass

    def plain():
        pass

    kept, dropped = Listener(), Listener()
    callables = events.Callables()
    callables.append(plain)
    callables.append(kept.hear)
    callables.append(dropped.hear)
    del dropped
    gc.collect()
    entries = list(callables)
    assert len(entries) == 2 == len(callables)
    assert entries[0] == (callables[0][0], None) and entries[0][0]() is plain
    assert entries[1][1]() is kept and callables[-1] == entries[1]
    assert callables[0:1] == entries[:1]
    assert entries[1] in callables and callables.index(entries[1]) == 1
    assert list(reversed(callables)) == entries[::-1]
    assert repr(callables) == f"Callables({entries!r})" and "weakref" in repr(callables)
    with pytest.raises(IndexError):
        callables[2]


def test_register_does_not_fire_after_when_the_call_raises():
    order = []

    @events.register("fails")
    def fails():
        raise RuntimeError("no")

    def before():
        order.append("before")

    def after():
        order.append("after")

    events.subscribe("fails::before")(before)
    events.subscribe("fails::after")(after)
    with pytest.raises(RuntimeError):
        fails()
    assert order == ["before"]


# tensorlib operations, against pyhf's numpy backend


@pytest.fixture(params=["numpy", "jax"])
def ours(request):
    neos_swift.set_backend(request.param)
    return neos_swift.tensorlib


def _same(ours_value, pyhf_value):
    np.testing.assert_allclose(np.asarray(ours_value), np.asarray(pyhf_value), rtol=1e-12, atol=1e-300)
    assert np.shape(ours_value) == np.shape(pyhf_value)


def test_operations_match_pyhf(ours):
    theirs = pyhf.tensor.numpy_backend()
    a = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]
    cases = {
        "astensor": ([a],),
        "sum": ([a], {"axis": 1}),
        "product": ([a], {"axis": 0}),
        "abs": ([[-1.0, 2.0]],),
        "exp": ([[0.5, -2.0]],),
        "log": ([[0.5, 2.0]],),
        "sqrt": ([[4.0, 2.0]],),
        "power": ([[2.0, 3.0], [3.0, 0.5]],),
        "divide": ([[1.0, 3.0], [4.0, 2.0]],),
        "clip": ([[-2.0, 0.5, 3.0], -1.0, 1.0],),
        "erf": ([[-1.0, 0.0, 0.3]],),
        "erfinv": ([[-0.5, 0.0, 0.9]],),
        "tile": ([[1.0, 2.0], (2, 2)],),
        "outer": ([[1.0, 2.0], [3.0, 4.0, 5.0]],),
        "normal_logpdf": ([[0.5, 1.5], 1.0, [2.0, 0.5]],),
        "normal": ([[0.5, 1.5], 1.0, 2.0],),
        "normal_cdf": ([[0.5, 2.0]],),
        "poisson_logpdf": ([[0.0, 5.0, 7.5], [0.0, 4.0, 6.0]],),
        "poisson": ([[0.0, 5.0, 7.5], [1.0, 4.0, 6.0]],),
    }
    for method, (args, *rest) in cases.items():
        kwargs = rest[0] if rest else {}
        converted = [ours.astensor(arg) if isinstance(arg, list) else arg for arg in args]
        reference = [theirs.astensor(arg) if isinstance(arg, list) else arg for arg in args]
        _same(getattr(ours, method)(*converted, **kwargs), getattr(theirs, method)(*reference, **kwargs))
    matrix = ours.astensor(a)
    assert ours.shape(matrix) == (2, 3)
    assert ours.tolist(ours.reshape(matrix, (3, 2))) == theirs.tolist(theirs.reshape(theirs.astensor(a), (3, 2)))
    assert ours.tolist(ours.ravel(matrix)) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.5]
    assert ours.tolist(ours.transpose(matrix)) == np.transpose(a).tolist()
    assert ours.tolist(ours.einsum("ij,ij->i", matrix, matrix)) == np.einsum("ij,ij->i", a, a).tolist()
    assert ours.tolist(ours.stack([ours.ones(2), ours.zeros(2)], axis=1)) == [[1.0, 0.0], [1.0, 0.0]]
    assert ours.tolist(ours.concatenate([ours.ones(1), ours.zeros(2)])) == [1.0, 0.0, 0.0]
    assert ours.tolist(ours.where(ours.astensor([True, False], dtype="bool"), ours.ones(2), ours.zeros(2))) == [1, 0]
    assert ours.tolist(ours.isfinite(ours.astensor([1.0, np.inf, np.nan]))) == [True, False, False]
    assert ours.tolist(ours.boolean_mask(ours.astensor([1.0, 2.0]), ours.astensor([0, 1], dtype="bool"))) == [2.0]
    assert ours.tolist(ours.gather(ours.astensor([1.0, 2.0, 3.0]), ours.astensor([2, 0], dtype="int"))) == [3.0, 1.0]
    broadcast = ours.simple_broadcast(ours.astensor([1.0]), ours.astensor([2.0, 3.0]))
    assert [ours.tolist(part) for part in broadcast] == [[1.0, 1.0], [2.0, 3.0]]
    assert ours.conditional(True, lambda: "yes", lambda: "no") == "yes"
    assert ours.conditional(False, lambda: "yes", lambda: "no") == "no"
    assert ours.tolist([1.0, 2.0]) == [1.0, 2.0]
    assert isinstance(ours.to_numpy(matrix), np.ndarray)
    assert ours.astensor([1.5], dtype="int").dtype == ours.dtypemap["int"]
    assert ours.ones((2, 1), dtype="bool").dtype == ours.dtypemap["bool"]
    # pyhf 0.7.6 passes numpy's removed ``interpolation`` keyword; numpy's ``method`` is what it names.
    for interpolation in ("linear", "lower", "higher", "midpoint", "nearest"):
        expected = np.percentile(a, 40, axis=1, method=interpolation)
        _same(ours.percentile(matrix, 40, axis=1, interpolation=interpolation), expected)
    _same(ours.percentile(matrix, 50), np.percentile(a, 50))


def test_unknown_dtype_raises_keyerror(ours):
    for method in (ours.astensor, ours.ones, ours.zeros):
        with pytest.raises(KeyError):
            method([1] if method is ours.astensor else (1,), dtype="complex")


def test_distributions(ours):
    poisson = ours.poisson_dist(ours.astensor([3.0, 10.0]))
    _same(
        poisson.log_prob(ours.astensor([2.0, 9.0])),
        pyhf.tensor.numpy_backend().poisson_logpdf(np.array([2.0, 9.0]), np.array([3.0, 10.0])),
    )
    draws = poisson.sample((4,))
    assert ours.shape(draws) == (4, 2) and np.all(np.asarray(draws) >= 0)
    normal = ours.normal_dist(ours.astensor([0.0, 1.0]), ours.astensor([1.0, 2.0]))
    _same(
        normal.log_prob(ours.astensor([0.5, 0.5])),
        pyhf.tensor.numpy_backend().normal_logpdf(np.array([0.5, 0.5]), np.array([0.0, 1.0]), np.array([1.0, 2.0])),
    )
    assert ours.shape(normal.sample((3,))) == (3, 2)


def test_distribution_draws_are_pyhfs_for_one_seed(ours):
    theirs = pyhf.tensor.numpy_backend()
    rate, loc, scale = [3.0, 10.0, 0.5], [0.0, 1.0], [1.0, 2.0]
    for shape in ((), (4,), (2, 3)):
        np.random.seed(5)
        mine = (
            ours.poisson_dist(ours.astensor(rate)).sample(shape),
            ours.normal_dist(*map(ours.astensor, (loc, scale))).sample(shape),
        )
        np.random.seed(5)
        pyhfs = (
            theirs.poisson_dist(np.array(rate)).sample(shape),
            theirs.normal_dist(np.array(loc), np.array(scale)).sample(shape),
        )
        for a, b in zip(mine, pyhfs):
            # the same scipy draws from the same global state: equal, converted to the backend's dtype
            assert ours.shape(a) == b.shape
            np.testing.assert_array_equal(np.asarray(a), b)


def test_numpy_backend_returns_numpy_and_jax_backend_jax():
    neos_swift.set_backend("numpy")
    assert type(neos_swift.tensorlib.astensor([1.0])) is np.ndarray
    neos_swift.set_backend("jax")
    assert isinstance(neos_swift.tensorlib.astensor([1.0]), jax.Array)
    assert isinstance(neos_swift.tensorlib.to_numpy(jnp.ones(2)), np.ndarray)


@pytest.mark.parametrize("jitted", [False, True])
def test_jax_backend_operations_differentiate(jitted):
    neos_swift.set_backend("jax", default=True)

    def squares(x):
        tensorlib = neos_swift.default_backend
        return neos_swift.tensorlib.sum(tensorlib.power(tensorlib.astensor(x), 2))

    function = jax.jit(squares) if jitted else squares
    assert jax.grad(function)(jnp.asarray([2.0, 3.0])).tolist() == [4.0, 6.0]


def test_numpy_backend_refuses_jax_tracers():
    neos_swift.set_backend("jax")  # default stays numpy
    with pytest.raises(jax.errors.TracerArrayConversionError):
        jax.grad(lambda x: neos_swift.tensorlib.sum(neos_swift.default_backend.power(x, 2)))(jnp.asarray([2.0]))


def test_fits_return_the_current_backends_arrays():
    model = neos_swift.simplemodels.uncorrelated_background([5.0], [10.0], [3.5])
    data = [12.0, *model.config.auxdata]
    numpy_pars = neos_swift.infer.mle.fit(data, model)
    neos_swift.set_backend("jax")
    jax_pars, twice_nll = neos_swift.infer.mle.fit(data, model, return_fitted_val=True)
    assert isinstance(jax_pars, jax.Array) and isinstance(twice_nll, jax.Array)
    np.testing.assert_allclose(np.asarray(jax_pars), numpy_pars, rtol=1e-12)
    neos_swift.set_backend("numpy", precision="32b")
    assert neos_swift.infer.mle.fit(data, model).dtype == np.float32


def test_importing_through_an_alias_gives_the_same_modules():
    """A pyhf user's ``sys.modules["pyhf"] = neos_swift`` followed by ``import pyhf.optimize.mixins`` (or
    ``pyhf.tensor``, ``pyhf.events``) must reach our modules, not load second copies with their own classes."""
    import sys

    alias = "aliased_pyhf_for_test"
    before = set(sys.modules)
    original = {name: getattr(neos_swift, name) for name in ("events", "optimize", "tensor")}
    sys.modules[alias] = neos_swift
    try:
        events_module = importlib.import_module(f"{alias}.events")
        mixins = importlib.import_module(f"{alias}.optimize.mixins")
        minuit = importlib.import_module(f"{alias}.optimize.opt_minuit")
        tensor = importlib.import_module(f"{alias}.tensor")
        assert events_module is events and tensor is original["tensor"]
        assert mixins.OptimizerMixin is neos_swift.optimize.OptimizerMixin
        assert minuit.minuit_optimizer is neos_swift.optimize.minuit_optimizer
        assert {name: getattr(neos_swift, name) for name in original} == original
        neos_swift.set_backend("numpy", "minuit")
        assert isinstance(neos_swift.optimizer, minuit.minuit_optimizer)
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
