"""pyhf.simplemodels: the two one-channel models pyhf builds from arrays (pyhf 0.7.6's specs and keywords)."""

from __future__ import annotations

import ctypes
from collections.abc import Mapping, Sequence

from neos_swift import schema
from neos_swift._library import as_doubles, lib, pointer
from neos_swift.errors import check
from neos_swift.workspace import Model, _settings_text

__all__ = ["correlated_background", "uncorrelated_background"]


def __dir__():
    return __all__


def _arrays(**arrays):
    """The arrays as doubles, or None when their lengths differ (then libneos' model reader names the mismatch,
    with pyhf's exception InvalidModel)."""
    converted = {name: as_doubles(values, name) for name, values in arrays.items()}
    if len({array.size for array in converted.values()}) != 1:
        return None
    return converted


def _listed(values):
    # Arrays (numpy, jax) become lists, so the spec is JSON; lists stay as the caller gave them, as in pyhf.
    return values.tolist() if hasattr(values, "tolist") else values


def _spec(channel, signal, bkg, background_modifier):
    # pyhf's spec for these models.
    signal, bkg = _listed(signal), _listed(bkg)
    return {
        "channels": [
            {
                "name": channel,
                "samples": [
                    {
                        "name": "signal",
                        "data": signal,
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {"name": "background", "data": bkg, "modifiers": [background_modifier]},
                ],
            }
        ]
    }


def _model(handle, spec, batch_size, validate, modifier_settings=None) -> Model:
    # libneos built the model from the arrays; the spec is what pyhf builds it from (for .spec, pickling, set_poi).
    model = Model._from_handle(handle, spec=spec, modifier_settings=modifier_settings, batch_size=batch_size)
    model.validate = validate
    return model


def _validate(spec, validate) -> None:
    if validate:
        schema.validate(spec, "model.json")


def uncorrelated_background(
    signal: Sequence[float],
    bkg: Sequence[float],
    bkg_uncertainty: Sequence[float],
    batch_size: int | None = None,
    validate: bool = True,
) -> Model:
    """Signal × normfactor ``mu``; background with a shapesys ``uncorr_bkguncrt`` of absolute uncertainties."""
    spec = _spec(
        "singlechannel", signal, bkg, {"name": "uncorr_bkguncrt", "type": "shapesys", "data": _listed(bkg_uncertainty)}
    )
    _validate(spec, validate)
    a = _arrays(signal=signal, bkg=bkg, bkg_uncertainty=bkg_uncertainty)
    if a is None:
        return Model(spec, batch_size=batch_size, validate=validate)
    handle = ctypes.c_void_p()
    check(
        lib.neos_simplemodels_uncorrelated_background(
            pointer(a["signal"]),
            pointer(a["bkg"]),
            pointer(a["bkg_uncertainty"]),
            a["signal"].size,
            ctypes.byref(handle),
        )
    )
    return _model(handle, spec, batch_size, validate)


def correlated_background(
    signal: Sequence[float],
    bkg: Sequence[float],
    bkg_up: Sequence[float],
    bkg_down: Sequence[float],
    batch_size: int | None = None,
    validate: bool = True,
    modifier_settings: Mapping[str, str] | None = None,
) -> Model:
    """Signal × normfactor ``mu``; background with a histosys ``correlated_bkg_uncertainty`` (up/down).
    ``modifier_settings`` (not in pyhf's signature) picks the interpolation codes, as for ``Model``."""
    modifier = {
        "name": "correlated_bkg_uncertainty",
        "type": "histosys",
        "data": {"hi_data": _listed(bkg_up), "lo_data": _listed(bkg_down)},
    }
    spec = _spec("single_channel", signal, bkg, modifier)
    _validate(spec, validate)
    a = _arrays(signal=signal, bkg=bkg, bkg_up=bkg_up, bkg_down=bkg_down)
    if a is None:
        return Model(spec, batch_size=batch_size, validate=validate, modifier_settings=modifier_settings)
    handle = ctypes.c_void_p()
    check(
        lib.neos_simplemodels_correlated_background(
            pointer(a["signal"]),
            pointer(a["bkg"]),
            pointer(a["bkg_up"]),
            pointer(a["bkg_down"]),
            a["signal"].size,
            _settings_text(modifier_settings),
            ctypes.byref(handle),
        )
    )
    return _model(handle, spec, batch_size, validate, modifier_settings)
