"""pyhf.interpolators as pyhf 0.7.6 has them (code0, code1, code2, code4, code4p, get), computed by libneos and
compared with pyhf's own classes on the same histogram sets and alphas."""

from __future__ import annotations

import re

import numpy as np
import pyhf
import pytest
from conftest import HEADER, central_differences
from neos_swift import errors, events, exceptions, interpolators

pyhf.set_backend("numpy", precision="64b")

CODES = [0, 1, 2, 4, "4p"]
# Every interpolation is a closed form of a few operations on lo, nom and hi (code 4: a 6 x 6 matrix-vector
# product first); libneos and numpy order them differently, so values agree to rounding: 1e-12 relative, with an
# absolute floor of 1e-12 times the histograms' scale for deltas that pass through zero.
RTOL = 1e-12


def histogram_sets(rng, n_systematics=3, n_samples=4, n_bins=5):
    """Positive nominals with lo below and hi above them by up to 40% (some reversed), so every code is defined."""
    nominal = rng.uniform(5, 50, size=(n_systematics, n_samples, n_bins))
    lo = nominal * rng.uniform(0.6, 1.1, size=nominal.shape)
    hi = nominal * rng.uniform(0.9, 1.4, size=nominal.shape)
    return np.stack([lo, nominal, hi], axis=2)


def alpha_sets(rng, n_systematics=3, extra=()):
    """Random alphas in [-3, 3] plus every kink: 0, +-1 and +-(extra) on each systematic."""
    kinks = [0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, *extra, *(-e for e in extra)]
    return np.array([[*kinks, *rng.uniform(-3, 3, size=6)] for _ in range(n_systematics)])


def assert_matches(ours, theirs, scale=50.0):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=RTOL * scale)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("tensorized", [True, False])
def test_values_match_pyhf(rng, code, tensorized):
    histograms = histogram_sets(rng)
    alphas = alpha_sets(rng)
    ours = interpolators.get(code, do_tensorized_calc=tensorized)(histograms.tolist(), subscribe=False)(alphas)
    theirs = pyhf.interpolators.get(code, do_tensorized_calc=tensorized)(histograms.tolist(), subscribe=False)(alphas)
    # [n_systematics, n_samples, n_alphas, n_bins]
    assert np.shape(ours) == (3, 4, alphas.shape[1], 5)
    assert isinstance(ours, np.ndarray) and ours.dtype == np.float64
    assert_matches(ours, theirs)


@pytest.mark.parametrize("alpha0", [0.3, 0.5, 1.0, 1.7, 2.5])
@pytest.mark.parametrize("tensorized", [True, False])
def test_code4_alpha0_matches_pyhf(rng, alpha0, tensorized):
    histograms = histogram_sets(rng, 2, 3, 2)
    alphas = alpha_sets(rng, 2, extra=(alpha0, alpha0 * 0.999999))
    cls = interpolators.get(4, do_tensorized_calc=tensorized)
    pyhf_cls = pyhf.interpolators.get(4, do_tensorized_calc=tensorized)
    ours = cls(histograms, subscribe=False, alpha0=alpha0)(alphas)
    theirs = pyhf_cls(histograms.tolist(), subscribe=False, alpha0=alpha0)(alphas)
    assert_matches(ours, theirs)
    # alpha0 is also the third positional argument, as pyhf's
    assert_matches(cls(histograms, False, alpha0)(alphas), theirs)


def test_reference_code2_extrapolates_below_minus_one_as_pyhfs():
    """pyhf's two code 2 implementations differ below alpha = -1; each of ours follows its counterpart."""
    histograms = [[[[0.5], [1.0], [2.0]]]]  # a = 0.25, b = 0.75
    alphas = np.array([[-3.0, -2.0, -1.0, 0.5, 2.0]])
    fast = interpolators.get(2)(histograms)(alphas)
    slow = interpolators.get(2, do_tensorized_calc=False)(histograms)(alphas)
    assert_matches(fast, pyhf.interpolators.get(2)(histograms)(alphas))
    assert_matches(slow, pyhf.interpolators.get(2, do_tensorized_calc=False)(histograms)(alphas))
    # (b - 2a) alpha against (b - 2a)(alpha + 1); the same from -1 up
    assert fast.ravel()[:2].tolist() == [-0.75, -0.5]
    assert slow.ravel()[:2].tolist() == [-0.5, -0.25]
    assert fast.ravel()[2:].tolist() == slow.ravel()[2:].tolist()


def test_nan_padding_comes_back_nan_where_pyhfs_does():
    """pyhf's tests pad ragged histogram sets with NaN: those bins give NaN, as in pyhf, and the rest values.
    (One exception, not tested here: at alpha = 0 pyhf's code 1 gives NaN ** 0 = 1 for a padded bin; ours NaN.)"""
    histograms = np.full((2, 3, 3, 2), np.nan)
    histograms[0, :2] = [[[9, 18], [10, 20], [11, 22]], [[4, 8], [5, 10], [6, 12]]]
    histograms[1, :1] = [[[1, 2], [1.5, 2.5], [2, 3]]]
    alphas = np.array([[0.5, -1.5, -0.4], [0.3, 2.0, -0.7]])
    for code in CODES:
        ours = interpolators.get(code)(histograms)(alphas)
        with np.errstate(invalid="ignore"):
            theirs = pyhf.interpolators.get(code)(histograms.tolist())(alphas)
        assert np.array_equal(np.isnan(ours), np.isnan(theirs)), code
        assert np.isnan(ours[0, 2]).all() and np.isnan(ours[1, 1:]).all()
        assert_matches(ours[~np.isnan(ours)], theirs[~np.isnan(theirs)])


def test_a_nan_alpha_gives_nan():
    """A NaN alpha is padding too: its outputs are NaN for every code (pyhf's numpy masks turn it into a finite
    value for some codes, e.g. lo/nom for code 4)."""
    histograms = histogram_sets(np.random.default_rng(3), 2, 2, 2)
    alphas = np.array([[0.5, np.nan], [np.nan, -1.5]])
    for code in CODES:
        out = interpolators.get(code)(histograms)(alphas)
        assert np.isnan(out[0, :, 1]).all() and np.isnan(out[1, :, 0]).all(), code
        assert np.isfinite(out[0, :, 0]).all() and np.isfinite(out[1, :, 1]).all(), code


@pytest.mark.parametrize("code", CODES)
def test_dalpha_is_the_derivative(rng, code):
    histograms = histogram_sets(rng, 2, 2, 3)
    interpolator = interpolators.get(code)(histograms)
    # away from every kink (0, +-1), so the function is smooth around each point
    alphas = np.array([[-2.2, -0.6, 0.35, 1.4], [-1.3, -0.2, 0.8, 2.6]])
    slopes = interpolator.dalpha(alphas)
    for s in range(2):
        for a in range(4):

            def shifted(alpha, s=s, a=a):
                moved = alphas.copy()
                moved[s, a] = alpha[0]
                return interpolator(moved)[s, :, a, :]

            for h in range(2):
                for b in range(3):
                    numeric = central_differences(lambda x, h=h, b=b: shifted(x)[h, b], [alphas[s, a]])
                    # central differences with step 1e-6: truncation ~1e-12 f''', rounding ~1e-16 |f| / 1e-6
                    np.testing.assert_allclose(slopes[s, h, a, b], numeric[0], rtol=1e-7, atol=1e-7)


def test_get_and_the_module_surface_are_pyhfs():
    assert interpolators.__all__ == pyhf.interpolators.__all__
    assert dir(interpolators) == dir(pyhf.interpolators)
    for key in [0, 1, 2, 4, "4p", 1.0, True]:
        for tensorized in (True, False):
            ours = interpolators.get(key, do_tensorized_calc=tensorized)
            theirs = pyhf.interpolators.get(key, do_tensorized_calc=tensorized)
            assert ours.__name__ == theirs.__name__
    for key in ["fake", 1.2, -1, 3, "4", None]:
        with pytest.raises(exceptions.InvalidInterpCode):
            interpolators.get(key)
        with pytest.raises(pyhf.exceptions.InvalidInterpCode):
            pyhf.interpolators.get(key)


def test_alphasets_shape_and_precompute_protocol():
    histograms = histogram_sets(np.random.default_rng(1), 2, 3, 1)
    interpolator = interpolators.code4p(histograms, subscribe=False)
    assert interpolator.alphasets_shape == (2, 1)
    interpolator(np.zeros((2, 5)))
    assert interpolator.alphasets_shape == (2, 5)
    interpolator._precompute_alphasets((2, 7))
    assert interpolator.alphasets_shape == (2, 7)


def test_subscribe_registers_precompute_for_backend_changes(monkeypatch):
    registry = events.__dict__["__events"]
    registry.clear()
    calls = []
    original = interpolators.code1._precompute

    def counting(self):
        calls.append(self)
        original(self)

    monkeypatch.setattr(interpolators.code1, "_precompute", counting)
    histograms = histogram_sets(np.random.default_rng(2), 1, 1, 1)
    kept = interpolators.code1(histograms, subscribe=False)
    events.trigger("tensorlib_changed")()
    assert calls == [kept]
    subscribed = interpolators.code1(histograms)
    assert len(registry["tensorlib_changed"].callbacks) == 1
    events.trigger("tensorlib_changed")()
    assert calls == [kept, subscribed, subscribed]
    # the reference classes never subscribe, as pyhf's
    interpolators.get(1, do_tensorized_calc=False)(histograms, subscribe=True)
    assert len(registry["tensorlib_changed"].callbacks) == 1
    registry.clear()


def test_refusals():
    good = [[[[9.0], [10.0], [11.0]]]]
    with pytest.raises(errors.InvalidArgument, match=r"shape \[n_systematics, n_samples, 3"):
        interpolators.code0([[[9.0], [10.0], [11.0]]])
    with pytest.raises(errors.InvalidArgument, match=r"shape \[n_systematics, n_samples, 3"):
        interpolators.code0([[[[9.0], [10.0]]]])
    with pytest.raises(errors.InvalidArgument, match=r"alphasets must have shape \[n_systematics = 1"):
        interpolators.code0(good)(np.zeros((2, 1)))
    with pytest.raises(errors.InvalidArgument, match=r"alphasets\[0\] is inf"):
        interpolators.code0(good)(np.array([[np.inf]]))
    with pytest.raises(errors.InvalidArgument, match=r"histogramssets\[1\] is inf"):
        interpolators.code0([[[[9.0], [np.inf], [11.0]]]])(np.zeros((1, 1)))
    # where numpy would return inf (with a warning), libneos refuses the result and names the entry
    with pytest.raises(errors.NumericError, match=r"code 1 at systematic 0, sample 0, alpha 0, bin 0"):
        interpolators.code1([[[[9.0], [0.0], [11.0]]]])(np.array([[0.5]]))
    with np.errstate(divide="ignore"):
        assert np.isinf(pyhf.interpolators.code1([[[[9.0], [0.0], [11.0]]]])(np.array([[0.5]]))).all()
    # pyhf asserts alpha0 > 0
    with pytest.raises(AssertionError):
        interpolators.code4(good, alpha0=0)
    with pytest.raises(AssertionError):
        pyhf.interpolators.code4(good, alpha0=0)
    with pytest.raises(errors.InvalidArgument, match="finite alpha0 > 0"):
        interpolators.code4(good, alpha0=np.inf)(np.zeros((1, 1)))


def test_constants_are_the_headers():
    defines = dict(re.findall(r"#define (NEOS_INTERPOLATION_\w+) (\d+)", HEADER.read_text()))
    assert {name: int(value) for name, value in defines.items()} == interpolators.INTERPOLATION_CODES


def test_get_reads_do_tensorized_calc_by_truth_value_as_pyhf():
    for flag in (0, 1, "", "no", None, [], [0]):
        for key in (0, 2, "4p"):
            ours = interpolators.get(key, do_tensorized_calc=flag)
            assert ours.__name__ == pyhf.interpolators.get(key, do_tensorized_calc=flag).__name__
            assert ours.__name__.startswith("_slow_") == (not flag)
    # a code that cannot be a dict key is a TypeError in both (pyhf indexes a dict with it)
    with pytest.raises(TypeError):
        interpolators.get([1])
    with pytest.raises(TypeError):
        pyhf.interpolators.get([1])


def test_the_reference_classes_ignore_subscribe_and_give_the_same_numbers(monkeypatch):
    registry = {}
    monkeypatch.setitem(vars(events), "__events", registry)
    histograms = [[[[9.0, 4.0], [10.0, 5.0], [12.0, 5.5]]]]
    alphas = np.array([[-1.5, 0.3, 2.0]])
    for code in (0, 1, 2, 4, "4p"):
        reference = interpolators.get(code, do_tensorized_calc=False)
        quiet, asked = reference(histograms, subscribe=False), reference(histograms, subscribe=True)
        assert "tensorlib_changed" not in registry
        np.testing.assert_array_equal(quiet(alphas), asked(alphas))
    # the tensorised class of the same code does subscribe (so the registry above is the one in use)
    kept = interpolators.get(1)(histograms, subscribe=True)
    assert len(registry["tensorlib_changed"]) == 1
    del kept
