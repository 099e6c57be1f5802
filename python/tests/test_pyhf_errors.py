"""Where pyhf 0.7.6 raises a specific exception class (or accepts what one might expect it to refuse), neos_swift
does the same: modifier errors, reused names, inits outside their bounds, optimizers whose library is missing,
deprecation warnings and patchset value types. Each case is run through pyhf itself as well, so the expectation is
pyhf's behaviour and not our reading of it."""

from __future__ import annotations

import copy
import sys
import warnings

import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift import exceptions
from neos_swift._library import lib
from scipy.special import gammaln


def two_bin_spec():
    """A signal (normfactor mu) and a background with staterror, shapesys and histosys, two bins."""
    return {
        "channels": [
            {
                "name": "SR",
                "samples": [
                    {
                        "name": "signal",
                        "data": [5.0, 8.0],
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "background",
                        "data": [40.0, 50.0],
                        "modifiers": [
                            {"name": "stat", "type": "staterror", "data": [2.0, 3.0]},
                            {"name": "shape", "type": "shapesys", "data": [4.0, 6.0]},
                            {
                                "name": "var",
                                "type": "histosys",
                                "data": {"hi_data": [42.0, 53.0], "lo_data": [38.0, 47.0]},
                            },
                        ],
                    },
                ],
            }
        ]
    }


def with_modifier_data(index, data):
    spec = two_bin_spec()
    spec["channels"][0]["samples"][1]["modifiers"][index]["data"] = data
    return spec


def raised_by(build):
    """The exception class ``build()`` raises (None if it raises nothing)."""
    try:
        build()
    except Exception as error:  # noqa: BLE001  (any class is the answer)
        return type(error)
    return None


# (case, spec, pyhf classes the error must be an instance of)
WRONG_LENGTH = [
    ("staterror with 3 numbers", with_modifier_data(0, [1.0, 2.0, 3.0])),
    ("shapesys with 1 number", with_modifier_data(1, [1.0])),
    ("histosys hi_data with 3 numbers", with_modifier_data(2, {"hi_data": [1.0, 2.0, 3.0], "lo_data": [1.0, 2.0]})),
]


@pytest.mark.parametrize(("case", "spec"), WRONG_LENGTH, ids=[case for case, _ in WRONG_LENGTH])
def test_bin_wise_data_of_the_wrong_length_is_an_invalid_modifier(case, spec):
    # pyhf's schema accepts these (non-empty arrays); its modifier builders raise InvalidModifier.
    assert issubclass(raised_by(lambda: pyhf.Model(copy.deepcopy(spec))), pyhf.exceptions.InvalidModifier)
    with pytest.raises(exceptions.InvalidModifier, match="expected 2 numbers") as raised:
        neos_swift.Model(spec)
    # As in pyhf, InvalidModifier is not an InvalidModel; it is still neos_swift's ModelError (NEOS_ERR_MODEL).
    assert not isinstance(raised.value, exceptions.InvalidModel)
    assert isinstance(raised.value, neos_swift.ModelError)
    assert not issubclass(pyhf.exceptions.InvalidModifier, pyhf.exceptions.InvalidModel)


EMPTY = [
    ("staterror", with_modifier_data(0, [])),
    ("shapesys", with_modifier_data(1, [])),
    ("histosys", with_modifier_data(2, {"hi_data": [], "lo_data": []})),
]


@pytest.mark.parametrize(("case", "spec"), EMPTY, ids=[case for case, _ in EMPTY])
def test_empty_bin_wise_data_is_outside_the_schema(case, spec):
    # pyhf: the schema wants at least one number (InvalidSpecification); unvalidated, the builder's InvalidModifier.
    assert issubclass(raised_by(lambda: pyhf.Model(copy.deepcopy(spec))), pyhf.exceptions.InvalidSpecification)
    assert issubclass(
        raised_by(lambda: pyhf.Model(copy.deepcopy(spec), validate=False)), pyhf.exceptions.InvalidModifier
    )
    for validate in (True, False):
        with pytest.raises(exceptions.InvalidSpecification) as raised:
            neos_swift.Model(spec, validate=validate)
        assert isinstance(raised.value, exceptions.InvalidModifier)
        assert "got 0" in str(raised.value)


def test_unknown_modifier_type():
    spec = two_bin_spec()
    spec["channels"][0]["samples"][0]["modifiers"].append({"name": "x", "type": "no_such_type", "data": [1.0, 1.0]})
    assert issubclass(raised_by(lambda: pyhf.Model(copy.deepcopy(spec))), pyhf.exceptions.InvalidSpecification)
    assert issubclass(
        raised_by(lambda: pyhf.Model(copy.deepcopy(spec), validate=False)), pyhf.exceptions.InvalidModifier
    )
    with pytest.raises(exceptions.InvalidSpecification, match='unknown modifier type "no_such_type"') as raised:
        neos_swift.Model(spec)
    assert isinstance(raised.value, exceptions.InvalidModifier)
    assert isinstance(raised.value, neos_swift.ParseError)  # NEOS_ERR_PARSE: the document has the wrong shape
    assert raised.value.path == "channels[0].samples[0].modifiers[1].type"


def reused_name_spec():
    spec = two_bin_spec()
    spec["channels"][0]["samples"][1]["modifiers"].append(
        {"name": "mu", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}
    )
    return spec


def test_a_name_reused_across_incompatible_modifiers():
    assert raised_by(lambda: pyhf.Model(reused_name_spec())) is pyhf.exceptions.InvalidNameReuse
    with pytest.raises(exceptions.InvalidNameReuse, match='parameter "mu" is shared by a normfactor') as raised:
        neos_swift.Model(reused_name_spec())
    assert not isinstance(raised.value, exceptions.InvalidModel)
    assert isinstance(raised.value, neos_swift.ModelError)


def test_other_model_errors_stay_invalid_model():
    # The same spec with a POI that is not in it: pyhf's InvalidModel, and no reason from the core.
    spec = two_bin_spec()
    assert raised_by(lambda: pyhf.Model(copy.deepcopy(spec), poi_name="nope")) is pyhf.exceptions.InvalidModel
    with pytest.raises(exceptions.InvalidModel):
        neos_swift.Model(spec, poi_name="nope")
    assert lib.neos_last_error_reason() == b""


def test_the_reason_comes_from_the_library_not_the_message():
    # Each failure replaces the previous reason; the Python class follows it.
    with pytest.raises(exceptions.InvalidNameReuse):
        neos_swift.Model(reused_name_spec())
    assert lib.neos_last_error_reason() == b"name_reuse"
    with pytest.raises(exceptions.InvalidModifier):
        neos_swift.Model(WRONG_LENGTH[0][1])
    assert lib.neos_last_error_reason() == b"invalid_modifier"
    # The class is picked from (status, reason): a message that reads like another case does not change it.
    chosen = exceptions._library_error_class(neos_swift.ModelError, "neos_model_from_json: x: unknown modifier", "")
    assert chosen is exceptions.InvalidModel
    chosen = exceptions._library_error_class(neos_swift.ModelError, "neos_model_from_json: x", "name_reuse")
    assert chosen is exceptions.InvalidNameReuse


def out_of_bounds_spec():
    spec = two_bin_spec()
    spec["parameters"] = [{"name": "shape", "inits": [99.0, 99.0], "bounds": [[95.0, 95.0], [95.0, 95.0]]}]
    return spec


def test_an_init_outside_its_bounds_is_kept_as_pyhf_does():
    reference = pyhf.Model(out_of_bounds_spec())
    model = neos_swift.Model(out_of_bounds_spec())
    for name in ("shape", "mu", "stat"):
        assert model.config.param_set(name).suggested_init == reference.config.param_set(name).suggested_init
        assert [list(b) for b in model.config.param_set(name).suggested_bounds] == [
            list(b) for b in reference.config.param_set(name).suggested_bounds
        ]
    assert model.config.suggested_init() == reference.config.suggested_init()


def test_a_fit_from_an_init_outside_its_bounds_is_refused():
    # pyhf's fits refuse it with a ValueError naming the index, the value and the bounds; ours with InvalidArgument
    # (a ValueError) naming the same, before any fitting.
    reference = pyhf.Model(out_of_bounds_spec())
    data = reference.expected_data([1.0 if b[0] <= 1.0 <= b[1] else b[0] for b in reference.config.suggested_bounds()])
    with pytest.raises(ValueError, match="outside of its bounds"):
        pyhf.infer.mle.fit(data, reference)
    model = neos_swift.Model(out_of_bounds_spec())
    shape = model.config.par_slice("shape").start
    with pytest.raises(neos_swift.InvalidArgument, match=rf"init_pars\[{shape}\] \(shape\[0\]\) = 99.0 is outside"):
        neos_swift.infer.mle.fit(data, model)
    with pytest.raises(neos_swift.InvalidArgument, match="is outside its bounds"):
        neos_swift.infer.hypotest(1.0, data, model)
    # With an init inside the box the same model fits, and the held (zero-width) parameters stay on their bounds.
    init = [min(max(x, lo), hi) for x, (lo, hi) in zip(model.config.suggested_init(), model.config.suggested_bounds())]
    best = neos_swift.infer.mle.fit(data, model, init_pars=init)
    assert list(best[model.config.par_slice("shape")]) == [95.0, 95.0]


def test_deprecated_api_warning_wording():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exceptions._deprecated_api_warning("old_thing", "new_thing", "0.8.0", "0.9.0")
        pyhf.exceptions._deprecated_api_warning("old_thing", "new_thing", "0.8.0", "0.9.0")
    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]
    assert str(caught[0].message) == str(caught[1].message)
    assert "old_thing is deprecated in favor of new_thing as of pyhf v0.8.0" in str(caught[0].message)


def test_scipy_optimizer_needs_scipy(monkeypatch):
    monkeypatch.delattr(neos_swift.optimize, "scipy_optimizer", raising=False)  # looked up again below
    monkeypatch.setitem(sys.modules, "scipy", None)  # hidden: importing it raises ImportError
    with pytest.raises(ImportError):
        neos_swift.optimize.scipy_optimizer  # noqa: B018  (the lookup is what is tested)


def test_minuit_optimizer_needs_iminuit(monkeypatch):
    monkeypatch.delattr(neos_swift.optimize, "minuit_optimizer", raising=False)
    monkeypatch.setitem(sys.modules, "iminuit", None)
    with pytest.raises(exceptions.ImportBackendError, match="problem importing Minuit"):
        neos_swift.optimize.minuit_optimizer  # noqa: B018
    # The record of a fit's MINUIT-like fields does not need iminuit (scipy fits build result objects with it).
    assert neos_swift.optimize.MinuitRecord is not None


def test_optimizers_come_back_when_their_library_is_there(monkeypatch):
    monkeypatch.delattr(neos_swift.optimize, "minuit_optimizer", raising=False)
    monkeypatch.delattr(neos_swift.optimize, "scipy_optimizer", raising=False)
    assert neos_swift.optimize.minuit_optimizer().name == "minuit"
    assert neos_swift.optimize.scipy_optimizer().name == "scipy"


def test_patch_values_must_be_numbers_or_strings():
    patchset = {
        "metadata": {
            "references": {"hepdata": "ins1234567"},
            "description": "values of the wrong type",
            "digests": {"md5": "098f6bcd4621d373cade4e832627b4f6"},
            "labels": ["mass_a", "mass_b"],
        },
        "patches": [
            {
                "metadata": {"name": "first", "values": [100, {"not": "a value"}]},
                "patch": [{"op": "add", "path": "/foo/0/bar", "value": {"foo": [1.0]}}],
            }
        ],
        "version": "1.0.0",
    }
    assert raised_by(lambda: pyhf.PatchSet(copy.deepcopy(patchset))) is pyhf.exceptions.InvalidSpecification
    with pytest.raises(exceptions.InvalidSpecification, match=r"patches\[0\]\.metadata\.values\[1\]"):
        neos_swift.PatchSet(patchset)
    for good in ([100, 200], ["a", 2.5]):
        patchset["patches"][0]["metadata"]["values"] = good
        assert neos_swift.PatchSet(copy.deepcopy(patchset))["first"].values == tuple(good)


class HandWrittenCounting:
    """One bin, signal ``s`` scaled by mu over background ``b`` scaled by gamma, gamma measured by a Poisson
    auxiliary count tau * gamma with tau = (b / delta)**2: a model with only pyhf's interface (no libneos
    handle), the same likelihood as ``simplemodels.uncorrelated_background([s], [b], [delta])``."""

    class config:  # noqa: N801  (pyhf's attribute name)
        poi_index = 0
        npars = 2

        @staticmethod
        def suggested_init():
            return [1.0, 1.0]

        @staticmethod
        def suggested_bounds():
            return [[0.0, 10.0], [1e-10, 10.0]]

        @staticmethod
        def suggested_fixed():
            return [False, False]

    def __init__(self, s, b, delta):
        self.s, self.b, self.tau = s, b, (b / delta) ** 2

    def expected_data(self, pars, include_auxdata=True):
        mu, gamma = pars
        main = [mu * self.s + gamma * self.b]
        return np.array(main + [gamma * self.tau] if include_auxdata else main)

    def logpdf(self, pars, data):
        # Poisson log-probabilities continued to non-integer counts (the auxiliary count tau is not an integer).
        counts, rates = np.asarray(data, dtype=np.float64), self.expected_data(pars)
        return np.array([np.sum(counts * np.log(rates) - rates - gammaln(counts + 1.0))])


@pytest.mark.parametrize("observed", [55.0, 48.0, 70.0])
def test_hypotest_of_a_model_libneos_did_not_build(observed):
    # pyhf's infer needs only the model interface; our native result on the identical simplemodel is the
    # reference. Both fits converge to 1e-12 in twice the NLL (SLSQP's ftol here, Newton's EDM in the core), so
    # the parameters agree to ~1e-6 relative and CLs (a smooth function of them) to better than 1e-6.
    generic = HandWrittenCounting(5.0, 50.0, 7.0)
    native = neos_swift.simplemodels.uncorrelated_background([5.0], [50.0], [7.0])
    data = [observed, generic.tau]
    assert np.allclose(data, [observed, *native.config.auxdata], rtol=1e-12)
    ours = neos_swift.infer.hypotest(1.0, data, generic, return_tail_probs=True, return_expected_set=True)
    reference = neos_swift.infer.hypotest(1.0, data, native, return_tail_probs=True, return_expected_set=True)
    assert float(ours[0]) == pytest.approx(float(reference[0]), abs=1e-6)
    assert np.allclose(np.asarray(ours[1], dtype=float), np.asarray(reference[1], dtype=float), atol=1e-6)
    assert np.allclose(np.asarray(ours[2], dtype=float), np.asarray(reference[2], dtype=float), atol=1e-6)
    # And a setting the Python path does not implement is refused, not approximated.
    with pytest.raises(exceptions.Unsupported):
        neos_swift.infer.hypotest(1.0, data, generic, calctype="toybased")


def test_a_multi_component_poi_is_refused_with_pyhfs_words():
    # A shapefactor over two bins has two components: not a scalar, so not a POI (pyhf's InvalidModel and wording).
    spec = {
        "channels": [
            {
                "name": "SR",
                "samples": [
                    {
                        "name": "signal",
                        "data": [5.0, 10.0],
                        "modifiers": [{"name": "mu", "type": "shapefactor", "data": None}],
                    }
                ],
            }
        ],
        "observations": [{"name": "SR", "data": [5.0, 10.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }
    message = "The parameter 'mu' contains multiple components and is not currently supported as parameter of interest"
    with pytest.raises(neos_swift.exceptions.InvalidModel, match=message):
        neos_swift.Workspace(spec).model()
    with pytest.raises(pyhf.exceptions.InvalidModel, match=message):
        pyhf.Workspace(spec).model()
