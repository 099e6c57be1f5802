"""pyhf.simplemodels: the two one-channel models pyhf builds from arrays."""

from __future__ import annotations

import ctypes

from ._library import as_doubles, lib, pointer
from .errors import InvalidArgument, check
from .workspace import Model, _settings_text


def _arrays(**arrays):
    converted = {name: as_doubles(values, name) for name, values in arrays.items()}
    lengths = {name: array.size for name, array in converted.items()}
    if len(set(lengths.values())) != 1:
        raise InvalidArgument(f"every array needs one entry per bin; lengths are {lengths}")
    return converted


def uncorrelated_background(signal, bkg, bkg_uncertainty) -> Model:
    """Signal × normfactor ``mu``; background with a shapesys ``uncorr_bkguncrt`` of absolute uncertainties."""
    a = _arrays(signal=signal, bkg=bkg, bkg_uncertainty=bkg_uncertainty)
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
    return Model(handle)


def correlated_background(signal, bkg, bkg_up, bkg_down, modifier_settings=None) -> Model:
    """Signal × normfactor ``mu``; background with a histosys ``correlated_bkg_uncertainty`` (up/down)."""
    a = _arrays(signal=signal, bkg=bkg, bkg_up=bkg_up, bkg_down=bkg_down)
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
    return Model(handle)
