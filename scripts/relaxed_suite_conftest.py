"""pytest plugin: runs relaxed 0.4.0's own tests against neos_swift.relaxed (loaded with ``-p`` by
scripts/relaxed_test_suite.sh; nothing of relaxed's is copied here).

Two substitutions, and nothing else:

1. ``relaxed`` (and its submodules) is ``neos_swift.relaxed``.
2. relaxed's tests build their models with ``tests/dummy_pyhf.py``, a jax re-implementation of a one-channel
   HistFactory model (signal scaled by ``mu``, background with a per-bin Poisson-constrained ``shapesys``). That
   module is replaced by the same model built in neos_swift: a pyhf spec with the same samples and modifiers (the
   shapesys modifier named "shapesys", as the tests name the parameter), wrapped in ``neos_swift.relaxed.Model``
   whose yields are the jax numbers the tests compute, so that the tests' gradients flow into libneos. The names
   the tests import (``example_model``, ``HEPDataLike``) keep their signatures and, as the dummy's, data is the
   pair (main data, auxdata).
"""

from __future__ import annotations

import sys
import types

import jax
import jax.numpy as jnp
import neos_swift
import neos_swift.relaxed as relaxed_alias

jax.config.update("jax_enable_x64", True)

for name in ("", ".ops", ".mle", ".infer", ".metrics", "._compat", "._compat.typing"):
    __import__("neos_swift.relaxed" + name)
    sys.modules["relaxed" + name] = sys.modules["neos_swift.relaxed" + name]


def _structure(n_bins):
    """The dummy's model as a pyhf spec; its numbers are placeholders that HEPDataLike replaces."""
    ones = [1.0] * n_bins
    spec = {
        "channels": [
            {
                "name": "singlechannel",
                "samples": [
                    {
                        "name": "signal",
                        "data": ones,
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "background",
                        "data": [10.0] * n_bins,
                        "modifiers": [{"name": "shapesys", "type": "shapesys", "data": ones}],
                    },
                ],
            }
        ]
    }
    return neos_swift.Model(spec, poi_name="mu")


_STRUCTURES = {}


class HEPDataLike(relaxed_alias.Model):
    """dummy_pyhf.HEPDataLike(sig, bkg, db) as a neos_swift model (the yields may be traced jax arrays)."""

    def __init__(self, sig, bkg, db):
        sig, bkg, db = (jnp.ravel(jnp.asarray(x, jnp.float64)) for x in (sig, bkg, db))
        n_bins = sig.shape[0]
        if n_bins not in _STRUCTURES:
            _STRUCTURES[n_bins] = _structure(n_bins)
        super().__init__(_STRUCTURES[n_bins])
        replaced = self.replace(
            {
                "singlechannel/signal/nominal": sig,
                "singlechannel/background/nominal": bkg,
                "singlechannel/background/shapesys/shapesys": db,
            }
        )
        self.inputs = replaced.inputs

    def expected_data(self, pars, include_auxdata=True):
        """As the dummy's: the pair (expected main data, expected auxdata)."""
        flat = super().expected_data(pars)
        return flat[: self.config.nmaindata], flat[self.config.nmaindata :]


def _calc_yields(x, n_bins):
    s = 15 + x
    b = 45 - 2 * x
    db = 1 + 0.2 * x**2
    return [s] * n_bins, [b] * n_bins, [db] * n_bins


def example_model(phi, n_bins, return_yields=False):
    """dummy_pyhf.example_model: signal 15 + φ, background 45 − 2φ, its uncertainty 1 + 0.2φ², in each bin."""
    s, b, db = yields = _calc_yields(phi, n_bins)
    model = HEPDataLike(jnp.asarray(s), jnp.asarray(b), jnp.asarray(db))
    return (model, yields) if return_yields else model


dummy = types.ModuleType("dummy_pyhf", "relaxed's dummy_pyhf, replaced by neos_swift models (see the plugin)")
dummy.HEPDataLike = HEPDataLike
dummy.example_model = example_model
dummy.Model = relaxed_alias.Model
sys.modules["dummy_pyhf"] = dummy
