"""Finding and loading libneos, and declaring every C signature once.

The library is looked up at ``$NEOS_LIBRARY`` (a file, or a folder holding ``libneos.so``) when that is set,
otherwise next to this package (where ``pip install`` puts it).
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

from .errors import InvalidArgument

_LIBRARY_NAME = "libneos.so"

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_t = ctypes.c_size_t
c_status = ctypes.c_int32
c_handle = ctypes.c_void_p
c_handle_out = ctypes.POINTER(ctypes.c_void_p)
c_size_t_p = ctypes.POINTER(ctypes.c_size_t)
c_uint8_p = ctypes.POINTER(ctypes.c_uint8)
c_char_pp = ctypes.POINTER(ctypes.c_char_p)
c_double_pp = ctypes.POINTER(c_double_p)
_D, _S, _H = c_double_p, c_size_t, c_handle
_FIT_SETTINGS = [_D, _D, c_uint8_p, _S]  # init, bounds, fixed, n_pars


def _library_path() -> Path:
    configured = os.environ.get("NEOS_LIBRARY")
    if configured:
        path = Path(configured)
        if path.is_dir():
            path = path / _LIBRARY_NAME
        if not path.is_file():
            raise OSError(f"NEOS_LIBRARY={configured!r} does not name {_LIBRARY_NAME} or a folder holding it")
        return path
    bundled = Path(__file__).resolve().parent / _LIBRARY_NAME
    if not bundled.is_file():
        raise OSError(
            f"{_LIBRARY_NAME} was not found next to neos_swift ({bundled.parent}); install the package with "
            "'pip install ./python' or set NEOS_LIBRARY to a folder holding a built libneos.so"
        )
    return bundled


# name -> (restype, argtypes). Every function of include/neos.h is declared here; a test checks that the two
# lists agree.
SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "neos_last_error_message": (ctypes.c_char_p, []),
    "neos_status_name": (ctypes.c_char_p, [c_status]),
    "neos_version": (ctypes.c_char_p, []),
    "neos_abi_version": (ctypes.c_int32, []),
    "neos_hist": (
        c_status,
        [
            c_double_p,
            c_size_t,
            c_double_p,
            c_double_p,
            c_size_t,
            ctypes.c_double,
            ctypes.c_uint32,
            c_double_p,
            c_size_t,
        ],
    ),
    "neos_hist_vjp": (
        c_status,
        [
            c_double_p,
            c_size_t,
            c_double_p,
            c_size_t,
            c_double_p,
            c_double_p,
            c_size_t,
            ctypes.c_double,
            ctypes.c_uint32,
            c_double_p,
            c_size_t,
            c_double_p,
            c_size_t,
            c_double_p,
            c_size_t,
            c_double_p,
        ],
    ),
    "neos_cut": (
        c_status,
        [c_double_p, c_size_t, ctypes.c_double, ctypes.c_double, ctypes.c_int32, c_double_p, c_size_t],
    ),
    "neos_cut_vjp": (
        c_status,
        [
            c_double_p,
            c_size_t,
            c_double_p,
            c_size_t,
            ctypes.c_double,
            ctypes.c_double,
            ctypes.c_int32,
            c_double_p,
            c_size_t,
            c_double_p,
            c_double_p,
        ],
    ),
    "neos_workspace_from_json": (c_status, [ctypes.c_char_p, _S, c_handle_out]),
    "neos_workspace_free": (None, [_H]),
    "neos_workspace_model": (c_status, [_H, ctypes.c_char_p, ctypes.c_char_p, c_char_pp, _S, c_handle_out]),
    "neos_workspace_data": (c_status, [_H, _H, ctypes.c_int32, _D, _S]),
    "neos_workspace_metadata_json": (c_status, [_H, ctypes.c_char_p, _S, c_size_t_p]),
    "neos_patchset_from_json": (c_status, [ctypes.c_char_p, _S, c_handle_out]),
    "neos_patchset_free": (None, [_H]),
    "neos_patchset_names_json": (c_status, [_H, ctypes.c_char_p, _S, c_size_t_p]),
    "neos_patchset_patch_json": (c_status, [_H, ctypes.c_char_p, ctypes.c_char_p, _S, c_size_t_p]),
    "neos_model_from_json": (c_status, [ctypes.c_char_p, _S, ctypes.c_char_p, ctypes.c_char_p, c_handle_out]),
    "neos_simplemodels_uncorrelated_background": (c_status, [_D, _D, _D, _S, c_handle_out]),
    "neos_simplemodels_correlated_background": (c_status, [_D, _D, _D, _D, _S, ctypes.c_char_p, c_handle_out]),
    "neos_model_free": (None, [_H]),
    "neos_model_sizes": (
        c_status,
        [_H, c_size_t_p, c_size_t_p, c_size_t_p, c_size_t_p, ctypes.POINTER(ctypes.c_int64)],
    ),
    "neos_model_metadata_json": (c_status, [_H, ctypes.c_char_p, _S, c_size_t_p]),
    "neos_model_suggested": (c_status, [_H, _D, _S, _D, _S, c_uint8_p, _S, _D, _S]),
    "neos_model_logpdf": (c_status, [_H, _D, _S, _D, _S, _D]),
    "neos_model_expected_data": (c_status, [_H, _D, _S, ctypes.c_int32, _D, _S]),
    "neos_model_nll_derivatives": (c_status, [_H, _D, _S, _D, _S, _D, _S, _D, _S]),
    "neos_model_inputs": (c_status, [_H, _D, _S]),
    "neos_model_with_inputs": (c_status, [_H, _D, _S, c_handle_out]),
    "neos_model_logpdf_vjp": (c_status, [_H, _D, _S, _D, _S, _D, _S, _D, _S, _D, _S]),
    "neos_model_expected_data_vjp": (c_status, [_H, _D, _S, _D, _S, ctypes.c_int32, _D, _S, _D, _S]),
    "neos_fit": (c_status, [_H, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _D, _S, _D, _S]),
    "neos_fixed_poi_fit": (c_status, [_H, ctypes.c_double, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _D, _S, _D, _S]),
    "neos_fit_jacobian": (
        c_status,
        [_H, ctypes.c_int32, ctypes.c_double, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _S, _D, _S],
    ),
    "neos_test_statistic": (c_status, [_H, ctypes.c_char_p, ctypes.c_double, _D, _S, *_FIT_SETTINGS, _D]),
    "neos_hypotest": (c_status, [_H, ctypes.c_double, _D, _S, *_FIT_SETTINGS, ctypes.c_char_p, _D, _D, _D, _D]),
    "neos_loss_expected_cls": (c_status, [_H, ctypes.c_double, _D, _D, _S]),
    "neos_loss_discovery_p0": (c_status, [_H, _D, _D, _S]),
    "neos_loss_expected_upper_limit": (c_status, [_H, ctypes.c_double, _D, _D, _S]),
    "neos_hypotest_jacobian": (
        c_status,
        [_H, ctypes.c_double, _D, _S, *_FIT_SETTINGS, ctypes.c_char_p, _D, _S, _D, _S, _D, _S],
    ),
    "neos_upper_limit": (
        c_status,
        [_H, _D, _S, _D, _S, ctypes.c_double, *_FIT_SETTINGS, _D, _D, _D, _D, _S, c_size_t_p],
    ),
    "neos_hypotest_with_jacobian": (
        c_status,
        [_H, ctypes.c_double, _D, _S, *_FIT_SETTINGS, ctypes.c_char_p, _D, _D, _D, _D, _D, _S, _D, _S],
    ),
    "neos_hypotest_derivatives": (
        c_status,
        [_H, ctypes.c_double, _D, _S, *_FIT_SETTINGS, ctypes.c_char_p, _D, _S, _D, _S, _D, _S],
    ),
    "neos_upper_limit_jacobian": (c_status, [_H, _D, _S, ctypes.c_double, *_FIT_SETTINGS, _D, _S, _D, _S, _D, _S]),
    "neos_loss_poi_uncertainty": (c_status, [_H, ctypes.c_double, _D, _D, _S]),
    "neos_loss_poi_variance": (c_status, [_H, ctypes.c_double, _D, _D, _S]),
    "neos_trainer_create": (c_status, [ctypes.c_char_p, c_handle_out]),
    "neos_trainer_create_with_events": (
        c_status,
        [
            ctypes.c_char_p,
            _S,
            c_char_pp,
            _S,
            c_double_pp,
            c_size_t_p,
            c_double_pp,
            c_double_pp,
            c_size_t_p,
            c_double_pp,
            c_handle_out,
        ],
    ),
    "neos_trainer_free": (None, [_H]),
    "neos_trainer_sizes": (c_status, [_H, c_size_t_p, c_size_t_p, c_size_t_p, c_size_t_p]),
    "neos_trainer_get_parameters": (c_status, [_H, _D, _S]),
    "neos_trainer_set_parameters": (c_status, [_H, _D, _S]),
    "neos_trainer_bin_edges": (c_status, [_H, _D, _S]),
    "neos_trainer_step": (c_status, [_H, _D]),
    "neos_trainer_run": (c_status, [_H, _S]),
    "neos_trainer_evaluate": (c_status, [_H, _D, _D, _D]),
    "neos_trainer_histogram": (c_status, [_H, ctypes.c_char_p, ctypes.c_int32, ctypes.c_double, _D, _S]),
    "neos_trainer_predict": (c_status, [_H, _D, _S, _S, _D, _S]),
    "neos_trainer_loss_and_gradient": (
        c_status,
        [_H, _D, _S, _S, c_char_pp, _S, c_double_pp, c_size_t_p, c_double_pp, _D, _D, _S],
    ),
    "neos_trainer_metrics_json": (c_status, [_H, ctypes.c_char_p, _S, c_size_t_p]),
    "neos_trainer_restore_best": (c_status, [_H]),
    "neos_trainer_save": (c_status, [_H, ctypes.c_char_p]),
    "neos_trainer_load": (c_status, [_H, ctypes.c_char_p]),
    "neos_trainer_event_count": (c_status, [_H, ctypes.c_char_p, ctypes.c_int32, c_size_t_p, c_size_t_p]),
    "neos_trainer_events": (c_status, [_H, ctypes.c_char_p, ctypes.c_int32, _D, _S]),
    "neos_trainer_event_sets_json": (c_status, [_H, ctypes.c_char_p, _S, c_size_t_p]),
    "neos_trainer_histograms": (c_status, [_H, ctypes.c_int32, ctypes.c_double, _D, _S]),
    "neos_trainer_record_plot_frame": (c_status, [_H]),
    "neos_trainer_plot_data_json": (c_status, [_H, ctypes.c_char_p, _S, c_size_t_p]),
}


def _load() -> ctypes.CDLL:
    library = ctypes.CDLL(str(_library_path()))
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


lib = _load()
path = _library_path()


def as_doubles(values, name: str) -> np.ndarray:
    """A C-contiguous float64 copy-or-view of ``values`` (a 1-D array)."""
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InvalidArgument(f"{name} must be 1-dimensional, got shape {array.shape}")
    return array


def pointer(array: np.ndarray | None):
    """The C pointer of a float64 array, or NULL for None."""
    if array is None:
        return None
    return array.ctypes.data_as(c_double_p)


def byte_pointer(array: np.ndarray | None):
    """The C pointer of a uint8 array, or NULL for None."""
    if array is None:
        return None
    return array.ctypes.data_as(c_uint8_p)
