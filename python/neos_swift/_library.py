"""Finding and loading libneos, and declaring every C signature once.

The library is looked up at ``$NEOS_LIBRARY`` (a file, or a folder holding ``libneos.so``) when that is set,
otherwise next to this package (where ``pip install`` puts it).
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

from . import errors
from ._openblas import bundled_openblas
from .errors import InvalidArgument

_LIBRARY_NAME = "libneos.so"

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_t = ctypes.c_size_t
c_status = ctypes.c_int32
c_handle = ctypes.c_void_p
c_handle_out = ctypes.POINTER(ctypes.c_void_p)
c_size_t_p = ctypes.POINTER(ctypes.c_size_t)
c_bool = ctypes.c_bool
c_bool_p = ctypes.POINTER(ctypes.c_bool)
c_char_p = ctypes.c_char_p
c_char_pp = ctypes.POINTER(ctypes.c_char_p)
c_double_pp = ctypes.POINTER(c_double_p)
c_int32 = ctypes.c_int32
c_double = ctypes.c_double
_D, _S, _H = c_double_p, c_size_t, c_handle
_FIT_SETTINGS = [_D, _D, c_bool_p, _S]  # init, bounds, fixed, n_pars
_TEXT_OUT = [c_char_p, _S, c_size_t_p]  # out_json, n_out_json, out_json_length
_JACOBIANS = [_D, _S, _D, _S]  # out_jacobian_inputs, n, out_jacobian_data, n

# The ABI these bindings are written for (NEOS_VERSION_NUMBER of include/neos.h, checked by a test): the library
# must have the same major version and at least this number, since later minor versions only add.
VERSION_NUMBER = 1_005_000

# The header's named constants the bindings use (a test checks each against include/neos.h).
CONSTANTS = {
    "NEOS_HIST_DENSITY": 1,
    "NEOS_HIST_REFLECT_INFINITIES": 2,
    "NEOS_KEEP_ABOVE": 0,
    "NEOS_KEEP_BELOW": 1,
    "NEOS_EXPECTED_SET_SIZE": 5,
    "NEOS_HYPOTEST_CLSB": 4,
    "NEOS_HYPOTEST_CLB": 5,
    "NEOS_HYPOTEST_CLS": 6,
    "NEOS_HYPOTEST_EXPECTED": 7,
    "NEOS_HYPOTEST_ROWS": 12,
    "NEOS_UPPER_LIMIT_OBSERVED": 0,
    "NEOS_UPPER_LIMIT_EXPECTED": 1,
    "NEOS_UPPER_LIMIT_ROWS": 6,
    "NEOS_UPPER_LIMIT_SCAN_CAPACITY": 256,
    "NEOS_SPLIT_TEST": 0,
    "NEOS_SPLIT_TRAIN": 1,
}
HIST_DENSITY = CONSTANTS["NEOS_HIST_DENSITY"]
HIST_REFLECT_INFINITIES = CONSTANTS["NEOS_HIST_REFLECT_INFINITIES"]
KEEP_ABOVE = CONSTANTS["NEOS_KEEP_ABOVE"]
KEEP_BELOW = CONSTANTS["NEOS_KEEP_BELOW"]
EXPECTED_SET_SIZE = CONSTANTS["NEOS_EXPECTED_SET_SIZE"]
HYPOTEST_CLSB = CONSTANTS["NEOS_HYPOTEST_CLSB"]
HYPOTEST_CLB = CONSTANTS["NEOS_HYPOTEST_CLB"]
HYPOTEST_CLS = CONSTANTS["NEOS_HYPOTEST_CLS"]
HYPOTEST_EXPECTED = CONSTANTS["NEOS_HYPOTEST_EXPECTED"]
HYPOTEST_ROWS = CONSTANTS["NEOS_HYPOTEST_ROWS"]
UPPER_LIMIT_ROWS = CONSTANTS["NEOS_UPPER_LIMIT_ROWS"]
UPPER_LIMIT_SCAN_CAPACITY = CONSTANTS["NEOS_UPPER_LIMIT_SCAN_CAPACITY"]
SPLITS = {"test": CONSTANTS["NEOS_SPLIT_TEST"], "train": CONSTANTS["NEOS_SPLIT_TRAIN"]}


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


# The header's callback types (function-pointer typedefs), by name, in the header's order; a test checks each
# against its typedef. Each returns 0 for success; the first argument is the caller's context pointer.
CALLBACK_TYPES: dict[str, type] = {
    # (context, pars, n_pars, data, n_data, out_logpdf)
    "neos_logpdf_callback": ctypes.CFUNCTYPE(c_int32, ctypes.c_void_p, _D, _S, _D, _S, _D),
    # (context, pars, n_pars, data, n_data, out_gradient, n_out_gradient)
    "neos_logpdf_gradient_callback": ctypes.CFUNCTYPE(c_int32, ctypes.c_void_p, _D, _S, _D, _S, _D, _S),
    # (context, pars, n_pars, out_data, n_out_data)
    "neos_expected_data_callback": ctypes.CFUNCTYPE(c_int32, ctypes.c_void_p, _D, _S, _D, _S),
}

# name -> (restype, argtypes), in the header's order. Every function of include/neos.h is declared here; a test
# parses the header and checks that the two agree in names and in every argument and return type.
SIGNATURES: dict[str, tuple[object, list[object]]] = {
    # Versions
    "neos_version_number": (c_int32, []),
    "neos_version": (c_char_p, []),
    # Status codes and errors
    "neos_last_error_message": (c_char_p, []),
    "neos_status_name": (c_char_p, [c_status]),
    # Histograms and cuts
    "neos_hist": (c_status, [_D, _S, _D, _D, _S, c_double, ctypes.c_uint32, _D, _S]),
    "neos_hist_vjp": (
        c_status,
        [_D, _S, _D, _D, _S, c_double, ctypes.c_uint32, _D, _S, _D, _S, _D, _S, _D, _S, _D],
    ),
    "neos_cut": (c_status, [_D, _S, c_double, c_double, c_int32, _D, _S]),
    "neos_cut_vjp": (c_status, [_D, _S, c_double, c_double, c_int32, _D, _S, _D, _S, _D, _D]),
    # Workspaces and models
    "neos_workspace_from_json": (c_status, [c_char_p, c_handle_out]),
    "neos_workspace_free": (None, [_H]),
    "neos_workspace_model": (c_status, [_H, c_char_p, c_char_p, c_char_pp, _S, c_handle_out]),
    "neos_workspace_data": (c_status, [_H, _H, c_bool, _D, _S]),
    "neos_workspace_metadata_json": (c_status, [_H, *_TEXT_OUT]),
    "neos_patchset_from_json": (c_status, [c_char_p, c_handle_out]),
    "neos_patchset_free": (None, [_H]),
    "neos_patchset_names_json": (c_status, [_H, *_TEXT_OUT]),
    "neos_patchset_patch_json": (c_status, [_H, c_char_p, *_TEXT_OUT]),
    "neos_model_from_json": (c_status, [c_char_p, c_char_p, c_char_p, c_handle_out]),
    "neos_simplemodels_uncorrelated_background": (c_status, [_D, _D, _D, _S, c_handle_out]),
    "neos_simplemodels_correlated_background": (c_status, [_D, _D, _D, _D, _S, c_char_p, c_handle_out]),
    "neos_model_free": (None, [_H]),
    "neos_model_sizes": (
        c_status,
        [_H, c_size_t_p, c_size_t_p, c_size_t_p, c_size_t_p, ctypes.POINTER(ctypes.c_int64)],
    ),
    "neos_model_metadata_json": (c_status, [_H, *_TEXT_OUT]),
    "neos_model_suggested": (c_status, [_H, _D, _S, _D, _S, c_bool_p, _S, _D, _S]),
    "neos_model_logpdf": (c_status, [_H, _D, _S, _D, _S, _D]),
    "neos_model_logpdf_gradient": (c_status, [_H, _D, _S, _D, _S, _D, _S, _D, _S, _D, _S]),
    "neos_model_expected_data": (c_status, [_H, _D, _S, c_bool, _D, _S]),
    "neos_model_expected_data_vjp": (c_status, [_H, _D, _S, c_bool, _D, _S, _D, _S, _D, _S]),
    "neos_model_nll_derivatives": (c_status, [_H, _D, _S, _D, _S, _D, _S, _D, _S]),
    "neos_model_inputs": (c_status, [_H, _D, _S]),
    "neos_model_with_inputs": (c_status, [_H, _D, _S, c_handle_out]),
    # Inference
    "neos_fit": (c_status, [_H, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _D, _S, _D, _S, *_JACOBIANS]),
    "neos_fixed_poi_fit": (c_status, [_H, c_double, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _D, _S, _D, _S, *_JACOBIANS]),
    "neos_test_statistic": (c_status, [_H, c_double, c_char_p, _D, _S, *_FIT_SETTINGS, _D]),
    "neos_hypotest": (c_status, [_H, c_double, c_char_p, _D, _S, *_FIT_SETTINGS, _D, _S, *_JACOBIANS]),
    "neos_hypotest_row_name": (c_char_p, [c_int32]),
    "neos_upper_limit": (
        c_status,
        [_H, c_double, _D, _S, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _S, _D, _S, c_size_t_p],
    ),
    "neos_upper_limit_jacobian": (c_status, [_H, c_double, _D, _S, *_FIT_SETTINGS, _D, _S, *_JACOBIANS]),
    # Losses
    "neos_loss_expected_cls": (c_status, [_H, c_double, _D, _D, _S]),
    "neos_loss_discovery_p0": (c_status, [_H, _D, _D, _S]),
    "neos_loss_expected_upper_limit": (c_status, [_H, c_double, _D, _D, _S]),
    "neos_loss_poi_uncertainty": (c_status, [_H, c_double, _D, _D, _S]),
    "neos_loss_poi_variance": (c_status, [_H, c_double, _D, _D, _S]),
    # Training
    "neos_trainer_create": (c_status, [c_char_p, c_handle_out]),
    "neos_trainer_create_with_events": (
        c_status,
        [
            c_char_p,
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
    "neos_trainer_parameters": (c_status, [_H, _D, _S]),
    "neos_trainer_set_parameters": (c_status, [_H, _D, _S]),
    "neos_trainer_bin_edges": (c_status, [_H, _D, _S]),
    "neos_trainer_step": (c_status, [_H, _D]),
    "neos_trainer_run": (c_status, [_H, _S]),
    "neos_trainer_evaluate": (c_status, [_H, _D, _D, _D]),
    "neos_trainer_histogram": (c_status, [_H, c_char_p, c_int32, c_double, _D, _S]),
    "neos_trainer_histograms": (c_status, [_H, c_int32, c_double, _D, _S]),
    "neos_trainer_predict": (c_status, [_H, _D, _S, _S, _D, _S]),
    "neos_trainer_loss_and_gradient": (
        c_status,
        [_H, _D, _S, _S, c_char_pp, _S, c_double_pp, c_size_t_p, c_double_pp, _D, _D, _S],
    ),
    "neos_trainer_metrics_json": (c_status, [_H, *_TEXT_OUT]),
    "neos_trainer_restore_best": (c_status, [_H]),
    "neos_trainer_save": (c_status, [_H, c_char_p]),
    "neos_trainer_load": (c_status, [_H, c_char_p]),
    "neos_trainer_event_sets_json": (c_status, [_H, *_TEXT_OUT]),
    "neos_trainer_event_count": (c_status, [_H, c_char_p, c_int32, c_size_t_p, c_size_t_p]),
    "neos_trainer_events": (c_status, [_H, c_char_p, c_int32, _D, _S]),
    "neos_trainer_record_plot_frame": (c_status, [_H]),
    "neos_trainer_plot_data_json": (c_status, [_H, *_TEXT_OUT]),
    # Interpolators (ABI 1.1): code, alpha0, n_systematics, n_samples, n_bins, n_alphas, histogramssets, alphasets,
    # out, out_dalpha
    "neos_interpolate": (c_status, [c_int32, c_double, _S, _S, _S, _S, _D, _S, _D, _S, _D, _S, _D, _S]),
    # ---- Pseudo-experiments (ABI 1.1) ----
    # neos_toy_data(model, pars, n_pars, n_toys, seed, out_data, n_out_data)
    "neos_toy_data": (c_status, [_H, _D, _S, _S, ctypes.c_uint64, _D, _S]),
    # neos_toy_test_statistics(model, poi, test_stat, pars, init, bounds, fixed, n_pars, n_toys, seed, n_threads,
    #                          out_values, n_out_values)
    "neos_toy_test_statistics": (
        c_status,
        [_H, c_double, c_char_p, _D, *_FIT_SETTINGS, _S, ctypes.c_uint64, _S, _D, _S],
    ),
    # ---- end of Pseudo-experiments (ABI 1.1) ----
    # ---- Workspace operations (ABI 1.1) ----
    # prune, rename, combine, sorted and build make new workspace handles;
    # neos_workspace_json and neos_json_patch_apply follow the text-output rule.
    "neos_workspace_from_json_with_options": (c_status, [c_char_p, ctypes.c_uint32, c_handle_out]),
    "neos_workspace_json": (c_status, [_H, *_TEXT_OUT]),
    "neos_workspace_prune": (
        c_status,
        [_H, c_char_pp, _S, c_char_pp, _S, c_char_pp, _S, c_char_pp, _S, c_char_pp, _S, c_handle_out],
    ),
    "neos_workspace_rename": (
        c_status,
        [_H, *[c_char_pp, c_char_pp, _S] * 4, c_handle_out],
    ),
    "neos_workspace_combine": (c_status, [_H, _H, c_int32, c_bool, c_handle_out]),
    "neos_workspace_sorted": (c_status, [_H, c_handle_out]),
    "neos_workspace_build": (c_status, [c_char_p, _H, _D, _S, c_char_p, c_handle_out]),
    "neos_json_join_items": (c_status, [c_int32, c_char_p, c_char_p, c_char_p, c_char_p, *_TEXT_OUT]),
    "neos_workspace_join_list": (c_status, [c_char_p, c_int32, c_bool, c_char_p, c_char_p, c_char_p, *_TEXT_OUT]),
    "neos_json_patch_apply": (c_status, [c_char_p, c_char_p, *_TEXT_OUT]),
    # ---- end of Workspace operations (ABI 1.1) ----
    # ---- Error reasons (ABI 1.1) ----
    "neos_last_error_reason": (c_char_p, []),
    # ---- end of Error reasons (ABI 1.1) ----
    # ---- Fit options (ABI 1.1) ----
    # neos_fit / neos_fixed_poi_fit with max_iterations and edm_tolerance after the fit settings, out_iterations last
    "neos_fit_with_options": (
        c_status,
        [_H, _D, _S, *_FIT_SETTINGS, _S, c_double, _D, _S, _D, _D, _S, _D, _S, *_JACOBIANS, c_size_t_p],
    ),
    "neos_fixed_poi_fit_with_options": (
        c_status,
        [_H, c_double, _D, _S, *_FIT_SETTINGS, _S, c_double, _D, _S, _D, _D, _S, _D, _S, *_JACOBIANS, c_size_t_p],
    ),
    # ---- end of Fit options (ABI 1.1) ----
    # ---- Hessian VJP (ABI 1.1) ----
    "neos_model_nll_hessian_vjp": (c_status, [_H, _D, _S, _D, _S, _D, _S, _D, _S, _D, _S, _D, _S]),
    # ---- end of Hessian VJP (ABI 1.1) ----
    # ---- Constraint widths (ABI 1.1) ----
    # neos_model_constraint_widths(model, out_kinds, n_out_kinds, out_widths, n_out_widths)
    "neos_model_constraint_widths": (c_status, [_H, ctypes.POINTER(c_int32), _S, _D, _S]),
    # ---- end of Constraint widths (ABI 1.1) ----
    # ---- BLAS (ABI 1.2) ----
    # neos_blas_use_library(path)
    "neos_blas_use_library": (c_status, [c_char_p]),
    # neos_blas_describe(out_json, n_out_json, out_json_length)
    "neos_blas_describe": (c_status, _TEXT_OUT),
    # ---- end of BLAS (ABI 1.2) ----
    # ---- Model clipping (ABI 1.2) ----
    # neos_model_with_clipping(model, clip_sample_data or NULL, clip_bin_data or NULL, out_model)
    "neos_model_with_clipping": (c_status, [_H, _D, _D, c_handle_out]),
    # neos_model_clipping(model, out_has_clip_sample_data, out_clip_sample_data, out_has_clip_bin_data, out_clip_bin_data)
    "neos_model_clipping": (c_status, [_H, c_bool_p, _D, c_bool_p, _D]),
    # ---- end of Model clipping (ABI 1.2) ----
    # ---- Upper limits over a scan (ABI 1.2) ----
    # neos_upper_limit_scan(model, level, scan, n_scan, data, n_data, init, bounds, fixed, n_pars, out_limits, n,
    #                       out_positions, n, out_scan_cls, n)
    "neos_upper_limit_scan": (
        c_status,
        [_H, c_double, _D, _S, _D, _S, *_FIT_SETTINGS, _D, _S, ctypes.POINTER(c_int32), _S, _D, _S],
    ),
    # ---- end of Upper limits over a scan (ABI 1.2) ----
    # ---- Fit options on a model (ABI 1.3) ----
    # neos_model_with_fit_options(model, max_iterations, edm_tolerance, out_model)
    "neos_model_with_fit_options": (c_status, [_H, _S, c_double, c_handle_out]),
    # neos_model_fit_options(model, out_max_iterations, out_edm_tolerance)
    "neos_model_fit_options": (c_status, [_H, c_size_t_p, _D]),
    # ---- end of Fit options on a model (ABI 1.3) ----
    # ---- Callback likelihoods (ABI 1.3) ----
    # neos_callback_model_create(n_pars, poi_index, init, bounds, fixed, n_data, logpdf, logpdf_gradient or NULL,
    #                            expected_data, context, out_model)
    "neos_callback_model_create": (
        c_status,
        [_S, ctypes.c_int64, _D, _D, c_bool_p, _S, *CALLBACK_TYPES.values(), ctypes.c_void_p, c_handle_out],
    ),
    "neos_callback_model_free": (None, [_H]),
    # neos_callback_fit(model, data, n_data, init, bounds, fixed, n_pars, out_pars, n, out_twice_nll,
    #                   out_uncertainties, n)
    "neos_callback_fit": (c_status, [_H, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _D, _S]),
    "neos_callback_fixed_poi_fit": (c_status, [_H, c_double, _D, _S, *_FIT_SETTINGS, _D, _S, _D, _D, _S]),
    # neos_callback_hypotest(model, poi, test_stat, data, n_data, init, bounds, fixed, n_pars, out_values, n)
    "neos_callback_hypotest": (c_status, [_H, c_double, c_char_p, _D, _S, *_FIT_SETTINGS, _D, _S]),
    # ---- end of Callback likelihoods (ABI 1.3) ----
    # ---- Densities (ABI 1.3) ----
    # neos_poisson_logpdf(counts, n_counts, rates, n_rates, out_logpdf, n_out_logpdf)
    "neos_poisson_logpdf": (c_status, [_D, _S, _D, _S, _D, _S]),
    # neos_normal_logpdf(values, n_values, means, n_means, sigmas, n_sigmas, out_logpdf, n_out_logpdf)
    "neos_normal_logpdf": (c_status, [_D, _S, _D, _S, _D, _S, _D, _S]),
    # ---- end of Densities (ABI 1.3) ----
    # ---- Value and gradient (ABI 1.3) ----
    # neos_model_nll_and_gradient(model, pars, n_pars, data, n_data, out_value, out_gradient, n_out_gradient)
    "neos_model_nll_and_gradient": (c_status, [_H, _D, _S, _D, _S, _D, _D, _S]),
    # ---- end of Value and gradient (ABI 1.3) ----
    # ---- Signal grids (ABI 1.4) ----
    # neos_grid_hypotest(background, patchset, names, n_names, measurement_name, modifier_settings_json, poi,
    #                    test_stat, threads, out_values, n_out_values, out_status, n_out_status)
    "neos_grid_hypotest": (
        c_status,
        [_H, _H, c_char_pp, _S, c_char_p, c_char_p, c_double, c_char_p, ctypes.c_int32, _D, _S]
        + [ctypes.POINTER(c_status), _S],
    ),
    # ---- end of Signal grids (ABI 1.4) ----
    # ---- Toy p-values and more signal grids (ABI 1.5) ----
    # neos_empirical_pvalues(samples, n_samples, values, n_values, out_pvalues, n_out_pvalues)
    "neos_empirical_pvalues": (c_status, [_D, _S, _D, _S, _D, _S]),
    # neos_empirical_expected_values(samples, n_samples, nsigma, n_nsigma, out_values, n_out_values)
    "neos_empirical_expected_values": (c_status, [_D, _S, _D, _S, _D, _S]),
    # neos_toy_expected_pvalues(signal_samples, n, background_samples, n, out_band, n_out_band)
    "neos_toy_expected_pvalues": (c_status, [_D, _S, _D, _S, _D, _S]),
    # neos_grid_upper_limit(background, patchset, names, n_names, measurement_name, modifier_settings_json, level,
    #                       scan, n_scan, test_stat, threads, out_limits, n, out_positions, n, out_status, n)
    "neos_grid_upper_limit": (
        c_status,
        [_H, _H, c_char_pp, _S, c_char_p, c_char_p, c_double, _D, _S, c_char_p, ctypes.c_int32, _D, _S]
        + [ctypes.POINTER(ctypes.c_int32), _S, ctypes.POINTER(c_status), _S],
    ),
    # neos_grid_toy_hypotest(background, patchset, names, n_names, measurement_name, modifier_settings_json, poi,
    #                        test_stat, n_toys, seed, threads, out_values, n_out_values, out_status, n_out_status)
    "neos_grid_toy_hypotest": (
        c_status,
        [_H, _H, c_char_pp, _S, c_char_p, c_char_p, c_double, c_char_p, _S, ctypes.c_uint64, ctypes.c_int32, _D, _S]
        + [ctypes.POINTER(c_status), _S],
    ),
    # ---- end of Toy p-values and more signal grids (ABI 1.5) ----
}

# The joins of neos_workspace_combine by pyhf's names (Workspace.valid_joins), from the header's NEOS_JOIN_*.
CONSTANTS.update(
    {
        "NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL": 1,
        "NEOS_JOIN_NONE": 0,
        "NEOS_JOIN_OUTER": 1,
        "NEOS_JOIN_LEFT_OUTER": 2,
        "NEOS_JOIN_RIGHT_OUTER": 3,
    }
)
JOINS = {
    "none": CONSTANTS["NEOS_JOIN_NONE"],
    "outer": CONSTANTS["NEOS_JOIN_OUTER"],
    "left outer": CONSTANTS["NEOS_JOIN_LEFT_OUTER"],
    "right outer": CONSTANTS["NEOS_JOIN_RIGHT_OUTER"],
}

# The constraint kinds of neos_model_constraint_widths (NEOS_CONSTRAINT_*), by pyhf's pdf_type (None: unconstrained).
CONSTANTS.update({"NEOS_CONSTRAINT_NONE": 0, "NEOS_CONSTRAINT_NORMAL": 1, "NEOS_CONSTRAINT_POISSON": 2})
CONSTRAINT_PDF_TYPES = {
    CONSTANTS["NEOS_CONSTRAINT_NONE"]: None,
    CONSTANTS["NEOS_CONSTRAINT_NORMAL"]: "normal",
    CONSTANTS["NEOS_CONSTRAINT_POISSON"]: "poisson",
}


# Where neos_upper_limit_scan's limits lie relative to the scan (NEOS_UPPER_LIMIT_*_SCAN).
CONSTANTS.update(
    {"NEOS_UPPER_LIMIT_BELOW_SCAN": -1, "NEOS_UPPER_LIMIT_INSIDE_SCAN": 0, "NEOS_UPPER_LIMIT_ABOVE_SCAN": 1}
)


def check_version(number: int, where: str) -> None:
    """Refuses a library whose ABI these bindings cannot use: another major version, or an older minor one."""
    if number // 1_000_000 != VERSION_NUMBER // 1_000_000 or number < VERSION_NUMBER:

        def text(n):
            return f"{n // 1_000_000}.{n // 1000 % 1000}.{n % 1000}"

        raise ImportError(
            f"{where} has ABI version {text(number)} (neos_version_number() = {number}); these bindings need "
            f"{text(VERSION_NUMBER)} or a later {VERSION_NUMBER // 1_000_000}.x"
        )


def _load() -> ctypes.CDLL:
    library = ctypes.CDLL(str(_library_path()))
    version = library.neos_version_number
    version.restype, version.argtypes = c_int32, []
    check_version(version(), str(_library_path()))
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


lib = _load()
path = _library_path()
errors._bind_statuses(lib)
BLAS_LIBRARY = bundled_openblas()
if BLAS_LIBRARY is not None and lib.neos_blas_use_library(str(BLAS_LIBRARY).encode()) != 0:
    # Another library is already in use in this process (named by a C caller before Python loaded neos_swift), or
    # the wheel's library does not load: libneos keeps what it has, and show_config() tells which.
    BLAS_LIBRARY = None


_FLOAT64 = np.dtype(np.float64)


def as_doubles(values, name: str) -> np.ndarray:
    """A C-contiguous float64 copy-or-view of ``values`` (a 1-D array); see ``_arguments.as_float_array``."""
    # The common case, an exact 1-D C-contiguous native float64 ndarray, is already what as_float_array returns
    # (np.asarray hands it back unchanged): skipping the general conversion saves microseconds on every small call.
    # Lengths and finiteness are libneos's checks, so nothing is refused differently. Anything else (a subclass, a
    # byte-swapped or strided array, a list) takes the general path.
    if type(values) is np.ndarray and values.ndim == 1 and values.dtype is _FLOAT64 and values.flags.c_contiguous:
        return values
    from ._arguments import as_float_array

    return as_float_array(name, values, ndim=1)


# ctypes array types c_double * n by n for the small sizes small calls pass (building one costs as much as using it).
_DOUBLE_ARRAYS: dict[int, type] = {}


def pointer(array: np.ndarray | None):
    """The C pointer of a float64 array, or NULL for None."""
    if array is None:
        return None
    size = array.size
    kind = _DOUBLE_ARRAYS.get(size)
    if kind is None:
        kind = _DOUBLE_ARRAYS.setdefault(size, c_double * size) if size <= 64 else c_double * size
    try:
        # A ctypes array over the numpy buffer: ctypes passes it where the header takes double *, and it costs a
        # fraction of ndarray.ctypes (which builds a helper object per call); it keeps the array alive as data_as does.
        return kind.from_buffer(array)
    except (TypeError, ValueError, BufferError):  # a read-only or non-contiguous buffer
        return array.ctypes.data_as(c_double_p)


def c_string(text: str, name: str) -> bytes:
    """``text`` as the NUL-terminated UTF-8 the header takes; a NUL inside would silently cut it, so it is refused."""
    if not isinstance(text, str):
        raise errors.ArgumentTypeError(f"{name} must be a str, got {type(text).__name__} {text!r:.60}")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate cannot be UTF-8
        raise InvalidArgument(f"{name} is not valid Unicode text ({error.reason} at {error.start})") from None
    if b"\0" in data:
        raise InvalidArgument(f"{name} contains a NUL character; C strings end at the first one")
    return data


def bool_pointer(array: np.ndarray | None):
    """The C pointer of a numpy bool array (one byte per entry, as C's bool), or NULL for None."""
    if array is None:
        return None
    if array.dtype != np.bool_ or not array.flags.c_contiguous:
        raise TypeError("bool_pointer needs a C-contiguous numpy bool array")
    return array.ctypes.data_as(c_bool_p)


def _row_names() -> tuple[str, ...]:
    names = []
    while (name := lib.neos_hypotest_row_name(len(names))) is not None:
        names.append(name.decode())
    return tuple(names)


# The rows of neos_hypotest, from the library.
HYPOTEST_ROW_NAMES = _row_names()
