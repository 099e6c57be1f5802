"""Where pyhf 0.7.6's log-likelihood is NaN or -inf (issue 13, class 5): neos_swift returns -inf where it is the
exact value (data that are impossible under the model, as pyhf), and raises NumericError naming the bin, sample or
modifier where log L is undefined (pyhf returns NaN, or for a negative rate with no data a meaningless number);
negative counts are refused. Each case is checked against what pyhf itself returns."""

from __future__ import annotations

import warnings

import neos_swift
import numpy as np
import pyhf
import pytest

pyhf.set_backend("numpy", precision="64b")


def spec(signal, background, background_modifiers=()):
    return {
        "channels": [
            {
                "name": "SR",
                "samples": [
                    {"name": "sig", "data": signal, "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
                    {"name": "bkg", "data": background, "modifiers": list(background_modifiers)},
                ],
            }
        ]
    }


def both(model_spec, **options):
    return neos_swift.Model(model_spec, **options), pyhf.Model(model_spec, **options)


def pyhfs_logpdf(model, pars, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "invalid value" for the NaN cases
        return float(model.logpdf(pars, data)[0])


def pars_of(model, **values):
    pars = np.array(model.config.suggested_init(), dtype=float)
    for name, value in values.items():
        pars[model.config.par_names.index(name)] = value
    return pars


def test_negative_rate_is_named_whatever_the_data():
    ours, theirs = both(spec([5.0, 5.0], [-10.0, 3.0]))
    assert np.isnan(pyhfs_logpdf(theirs, [1.0], [3.0, 3.0]))
    assert pyhfs_logpdf(theirs, [1.0], [0.0, 3.0]) == pytest.approx(1.44656516, rel=1e-8)  # pyhf's −λ term
    for data in ([3.0, 3.0], [0.0, 3.0]):
        with pytest.raises(neos_swift.NumericError, match=r"channel 'SR' bin 0 \(data\[0\]\) expects -5.0 < 0"):
            ours.logpdf([1.0], data)
        with pytest.raises(neos_swift.NumericError, match="bin 0"):
            ours.nll_gradient([1.0], data)
    # The expected data are negative in pyhf too, and returned.
    np.testing.assert_array_equal(ours.expected_actualdata([1.0]), theirs.expected_actualdata([1.0]))


def test_impossible_data_give_minus_infinity_as_pyhf():
    ours, theirs = both(spec([0.0, 5.0], [0.0, 3.0]))
    assert pyhfs_logpdf(theirs, [1.0], [2.0, 3.0]) == -np.inf
    assert ours.logpdf([1.0], [2.0, 3.0])[0] == -np.inf
    with pytest.raises(neos_swift.NumericError, match="observes 2.0 where the model expects 0 events"):
        ours.nll_gradient([1.0], [2.0, 3.0])
    # Nothing observed where nothing is expected: a finite value, pyhf's to 1e-12.
    assert ours.logpdf([1.0], [0.0, 3.0])[0] == pytest.approx(pyhfs_logpdf(theirs, [1.0], [0.0, 3.0]), rel=1e-12)


@pytest.mark.parametrize("code", ["code1", "code4"])
def test_normsys_outside_its_domain_names_the_modifier(code):
    settings = {"normsys": {"interpcode": code}, "histosys": {"interpcode": "code4p"}}
    modifier = {"name": "bkg_norm", "type": "normsys", "data": {"hi": -0.5, "lo": 0.9}}
    ours, theirs = both(spec([5.0, 5.0], [10.0, 3.0], [modifier]), modifier_settings=settings)
    pars = pars_of(theirs, bkg_norm=0.5)
    data = [3.0, 3.0, 0.0]
    assert np.isnan(pyhfs_logpdf(theirs, pars, data))
    with pytest.raises(neos_swift.NumericError, match=f"normsys 'bkg_norm' of sample 'bkg'.*{code}"):
        ours.logpdf(pars, data)
    with pytest.raises(neos_swift.NumericError, match="normsys 'bkg_norm'"):
        ours.expected_data(pars)


def test_shapesys_gamma_at_and_below_zero():
    modifier = {"name": "ss", "type": "shapesys", "data": [1.0, 1.0]}
    ours, theirs = both(spec([5.0, 5.0], [10.0, 3.0], [modifier]))
    data = [3.0, 3.0, *theirs.config.auxdata]
    at_zero = pars_of(theirs, **{"ss[0]": 0.0})
    assert pyhfs_logpdf(theirs, at_zero, data) == -np.inf
    assert ours.logpdf(at_zero, data)[0] == -np.inf
    below = pars_of(theirs, mu=2.0, **{"ss[0]": -0.5})
    assert np.isnan(pyhfs_logpdf(theirs, below, data))
    with pytest.raises(neos_swift.NumericError, match=r"ss\[0\] = -0.5 gives its Poisson constraint"):
        ours.logpdf(below, data)


@pytest.mark.parametrize("count", [-1.0, -0.5])
def test_negative_counts_are_refused(count):
    ours, theirs = both(spec([5.0, 5.0], [10.0, 3.0]))
    # pyhf: lgamma(n + 1) is inf at n = -1 (log L = -inf), finite and meaningless at -0.5
    theirs_value = pyhfs_logpdf(theirs, [1.0], [count, 3.0])
    assert theirs_value == -np.inf if count == -1.0 else np.isfinite(theirs_value)
    with pytest.raises(neos_swift.InvalidArgument, match=f"data\\[0\\] is {count}.*must be ≥ 0"):
        ours.logpdf([1.0], [count, 3.0])
    with pytest.raises(neos_swift.InvalidArgument, match="must be ≥ 0"):
        neos_swift.infer.mle.fit([count, 3.0], ours)
