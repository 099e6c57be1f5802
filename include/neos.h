/*
 * neos.h — the stable C interface of neos-swift (libneos), ABI 1.0.
 *
 * neos-swift is a native, differentiable statistical-inference engine for high-energy physics: binned-KDE
 * histograms, HistFactory models with pyhf's semantics, fits, test statistics and CLs, and the derivatives of all
 * of them. This header is its only public C interface; Python (neos_swift), ROOT macros and any C FFI use it.
 * It compiles as C99 and later and as C++.
 *
 * Conventions (they hold for every function below):
 *   - Every function that can fail returns a neos_status. NEOS_OK (0) means success; on any other status the
 *     thread-local text from neos_last_error_message() says what was wrong.
 *   - Arguments come in one order: the handle, then what is asked (poi or level, the test statistic), then the
 *     data, then the fit settings, then the outputs. Every output's name starts with out_.
 *   - Every array comes with its length: an input x has n_x elements, an output out_x has n_out_x elements, unless
 *     the documentation gives its length as a named constant or as another argument (weights[n_data]). A length
 *     that does not match what the call needs is NEOS_ERR_INVALID_ARGUMENT; so is a length whose bytes exceed
 *     this machine's memory (no such buffer can exist). Lengths are checked before anything is read.
 *   - Outputs are owned by the caller and written only on success: on failure no caller buffer is touched. No
 *     output is ever a NaN or an infinity with NEOS_OK, with one documented exception: neos_model_logpdf gives
 *     -INFINITY for data that are impossible under the model (its exact value).
 *   - Optional inputs and outputs are marked "may be NULL" (a NULL output's length is then ignored); every other
 *     pointer must be non-NULL (a NULL gives NEOS_ERR_INVALID_ARGUMENT, never a crash).
 *   - Objects are opaque handles made by a neos_*_create / neos_*_from_* function and released by the matching
 *     neos_*_free, which ignores NULL, freed and foreign handles. A freed handle, or a handle of another type, passed
 *     to any other function is NEOS_ERR_INVALID_ARGUMENT. A handle may be used from several threads at once unless
 *     its section says otherwise.
 *   - Strings passed in are NUL-terminated UTF-8. Strings returned as `const char *` belong to the library.
 *     Text outputs (JSON) follow one rule: with out_json == NULL only *out_json_length (bytes including the NUL)
 *     is written; otherwise n_out_json must be at least that, the NUL-terminated text is written to out_json and
 *     *out_json_length (may then be NULL) receives its length.
 *   - Numbers are IEEE double, lengths size_t, booleans bool, choices int32_t typedefs with NEOS_* constants, and
 *     flags uint32_t bit sets of NEOS_* constants.
 *   - Versions: ABI 1.0 is the last change of signatures. Later versions only add functions and constants; each
 *     declaration says with "@since" the version that introduced it.
 */
#ifndef NEOS_H
#define NEOS_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Marks the library's exported functions. Define it before including this header to override it. */
#ifndef NEOS_API
#if defined(_WIN32)
#define NEOS_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#define NEOS_API __attribute__((visibility("default")))
#else
#define NEOS_API
#endif
#endif

/* ---------------------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------------------- */

#define NEOS_VERSION_MAJOR 1 /**< Changes only if signatures change: never after 1.0. */
#define NEOS_VERSION_MINOR 5 /**< Counts releases that add functions or constants. */
#define NEOS_VERSION_PATCH 0 /**< Counts releases that change no declaration. */
/** The version of this header as one number, MAJOR * 1000000 + MINOR * 1000 + PATCH. */
#define NEOS_VERSION_NUMBER 1005000
/** The version of this header as "MAJOR.MINOR.PATCH". */
#define NEOS_VERSION_STRING "1.5.0"

/**
 * The library's version as one number (NEOS_VERSION_NUMBER of the header it was built with). A program built
 * against this header works with any library whose number has the same major part and is at least
 * NEOS_VERSION_NUMBER.
 * @since 1.0
 */
NEOS_API int32_t neos_version_number(void);

/**
 * The library's version as "MAJOR.MINOR.PATCH" (NEOS_VERSION_STRING of the header it was built with).
 * @since 1.0
 */
NEOS_API const char *neos_version(void);

/* ---------------------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------------------- */

/** Result of every fallible call. */
typedef int32_t neos_status;

#define NEOS_OK 0                   /**< Success. */
#define NEOS_ERR_INVALID_ARGUMENT 1 /**< NULL pointer, wrong length, NaN/inf, value outside its domain, bad handle. */
#define NEOS_ERR_PARSE 2            /**< Malformed JSON or JSON of the wrong shape. */
#define NEOS_ERR_MODEL 3            /**< A well-formed input that does not describe a valid model. */
#define NEOS_ERR_FIT_FAILED 4       /**< A minimisation did not converge. */
#define NEOS_ERR_NUMERIC 5          /**< A result would be non-finite or undefined. */
#define NEOS_ERR_OUT_OF_MEMORY 6    /**< The call would allocate more than this machine's memory; nothing is done. */
#define NEOS_ERR_INTERNAL 7         /**< A bug in neos-swift; please report the message. */

/**
 * The message of the last failed call on this thread, or "" if none has failed yet. The pointer stays valid
 * until the next failing call on the same thread.
 * @since 1.0
 */
NEOS_API const char *neos_last_error_message(void);

/**
 * The constant's name of a status code ("NEOS_OK", "NEOS_ERR_PARSE", ...), or NULL for a code that is not one.
 * The codes are 0, 1, 2, ... up to the first that has no name.
 * @since 1.0
 */
NEOS_API const char *neos_status_name(neos_status status);

/* ---------------------------------------------------------------------------------------------------------
 * Differentiable histograms (binned KDE) and cuts
 *
 * The vector-Jacobian products (*_vjp) take the arguments of their function, then the cotangent (one value per
 * output of the function), then their outputs: the gradient of sum_k cotangent[k] * output[k] with respect to
 * each input, each output may be NULL.
 * ------------------------------------------------------------------------------------------------------- */

/** neos_hist flag: divide counts by bin width and total mass (a density integrating to 1). */
#define NEOS_HIST_DENSITY 1u
/** neos_hist flag: add the kernel mass outside [edges[0], edges[n_edges-1]] to the first and last bins. */
#define NEOS_HIST_REFLECT_INFINITIES 2u

/**
 * Binned kernel density estimate:
 *   counts[j] = sum_k w_k [Phi((edges[j+1]-data[k])/bandwidth) - Phi((edges[j]-data[k])/bandwidth)],
 * with Phi the standard normal CDF (computed through erfc, accurate in the tails). bandwidth == 0 gives the
 * hard histogram with numpy.histogram's binning (last bin closed on the right).
 *
 * data[n_data]                events, finite.
 * weights[n_data]             per-event weights, finite; may be NULL (all 1).
 * edges[n_edges]              bin edges, finite, strictly increasing, n_edges >= 2.
 * bandwidth                   kernel width, finite, >= 0.
 * flags                       NEOS_HIST_DENSITY | NEOS_HIST_REFLECT_INFINITIES, or 0.
 * out_counts[n_out_counts]    receives the n_edges - 1 counts.
 * @since 1.0
 */
NEOS_API neos_status neos_hist(const double *data, size_t n_data, const double *weights, const double *edges,
                               size_t n_edges, double bandwidth, uint32_t flags, double *out_counts,
                               size_t n_out_counts);

/**
 * Vector-Jacobian product of neos_hist. Arguments as for neos_hist, then:
 * cotangent[n_cotangent]                 one finite value per bin (n_edges - 1).
 * out_grad_data[n_out_grad_data]         d/d data (n_data values); may be NULL.
 * out_grad_weights[n_out_grad_weights]   d/d weights (n_data values; the weights are 1 when weights is NULL); may
 *                                        be NULL.
 * out_grad_edges[n_out_grad_edges]       d/d edges (n_edges values); may be NULL.
 * out_grad_bandwidth                     d/d bandwidth; may be NULL.
 * At bandwidth == 0 the counts are piecewise constant, so the data, edge and bandwidth gradients are 0.
 * @since 1.0
 */
NEOS_API neos_status neos_hist_vjp(const double *data, size_t n_data, const double *weights, const double *edges,
                                   size_t n_edges, double bandwidth, uint32_t flags, const double *cotangent,
                                   size_t n_cotangent, double *out_grad_data, size_t n_out_grad_data,
                                   double *out_grad_weights, size_t n_out_grad_weights, double *out_grad_edges,
                                   size_t n_out_grad_edges, double *out_grad_bandwidth);

/** Which side of a cut is kept (neos_cut). */
typedef int32_t neos_cut_keep;
#define NEOS_KEEP_ABOVE 0 /**< weight = sigmoid(slope * (x - cut_value)) */
#define NEOS_KEEP_BELOW 1 /**< weight = sigmoid(-slope * (x - cut_value)) */

/**
 * Sigmoid cut weights: out_weights[k] = sigmoid(+-slope * (data[k] - cut_value)), + for NEOS_KEEP_ABOVE and -
 * for NEOS_KEEP_BELOW. data[n_data], cut_value and slope must be finite; any other keep is
 * NEOS_ERR_INVALID_ARGUMENT. out_weights[n_out_weights] receives n_data values.
 * @since 1.0
 */
NEOS_API neos_status neos_cut(const double *data, size_t n_data, double cut_value, double slope, neos_cut_keep keep,
                              double *out_weights, size_t n_out_weights);

/**
 * Vector-Jacobian product of neos_cut. Arguments as for neos_cut, then cotangent[n_cotangent] (n_data values),
 * out_grad_data[n_out_grad_data] (n_data values), *out_grad_cut_value and *out_grad_slope; each output may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_cut_vjp(const double *data, size_t n_data, double cut_value, double slope,
                                  neos_cut_keep keep, const double *cotangent, size_t n_cotangent,
                                  double *out_grad_data, size_t n_out_grad_data, double *out_grad_cut_value,
                                  double *out_grad_slope);

/* ---------------------------------------------------------------------------------------------------------
 * HistFactory workspaces and models (pyhf 0.7.6 semantics)
 *
 * Workspaces, patchsets and models are immutable: their handles may be shared between threads.
 * ------------------------------------------------------------------------------------------------------- */

/** A parsed pyhf workspace (JSON schema 1.0.0). */
typedef struct neos_workspace neos_workspace;
/** A built HistFactory model. */
typedef struct neos_model neos_model;
/** A pyhf patchset (signal patches for one background-only workspace). */
typedef struct neos_patchset neos_patchset;

/**
 * Parses a workspace from JSON text. Errors name the JSON path
 * ("channels[2].samples[0].modifiers[1].data.hi_data: expected 4 numbers, got 3"): NEOS_ERR_PARSE for malformed
 * or mis-shaped JSON, NEOS_ERR_MODEL for a well-formed workspace that is not valid. *out_workspace receives a new
 * handle, released with neos_workspace_free.
 * @since 1.0
 */
NEOS_API neos_status neos_workspace_from_json(const char *json, neos_workspace **out_workspace);

/**
 * Releases a workspace; NULL, freed and foreign handles are ignored.
 * @since 1.0
 */
NEOS_API void neos_workspace_free(neos_workspace *workspace);

/**
 * Builds the model of one measurement (pyhf's Workspace.model).
 * measurement_name        the measurement, or NULL for the first one.
 * modifier_settings_json  pyhf's modifier_settings as JSON ({"normsys": {"interpcode": "code1"}, ...}), or NULL
 *                         for pyhf's defaults (normsys code4, histosys code4p).
 * patches[n_patches]      JSON texts, each a jsonpatch (RFC 6902) array applied to the model spec in order;
 *                         may be NULL when n_patches is 0.
 * *out_model receives a new handle, released with neos_model_free.
 * @since 1.0
 */
NEOS_API neos_status neos_workspace_model(const neos_workspace *workspace, const char *measurement_name,
                                          const char *modifier_settings_json, const char *const *patches,
                                          size_t n_patches, neos_model **out_model);

/**
 * The observed data for a model built from this workspace: the observations in the model's channel order,
 * followed by the model's auxiliary data when include_auxdata is true. out_data[n_out_data] must have exactly
 * that length (neos_model_sizes gives n_main and n_aux). An observation whose length is not its channel's bin
 * count is NEOS_ERR_MODEL here, naming it: reading the workspace and building its models accept it, as pyhf does.
 * @since 1.0
 */
NEOS_API neos_status neos_workspace_data(const neos_workspace *workspace, const neos_model *model,
                                         bool include_auxdata, double *out_data, size_t n_out_data);

/**
 * The workspace's metadata as JSON: {"measurements": [...], "channels": [...]} (text-output rule).
 * @since 1.0
 */
NEOS_API neos_status neos_workspace_metadata_json(const neos_workspace *workspace, char *out_json,
                                                  size_t n_out_json, size_t *out_json_length);

/**
 * Parses a pyhf patchset from JSON text. *out_patchset receives a new handle, released with neos_patchset_free.
 * @since 1.0
 */
NEOS_API neos_status neos_patchset_from_json(const char *json, neos_patchset **out_patchset);

/**
 * Releases a patchset; NULL, freed and foreign handles are ignored.
 * @since 1.0
 */
NEOS_API void neos_patchset_free(neos_patchset *patchset);

/**
 * The names of the patchset's patches as a JSON array of strings (text-output rule).
 * @since 1.0
 */
NEOS_API neos_status neos_patchset_names_json(const neos_patchset *patchset, char *out_json, size_t n_out_json,
                                              size_t *out_json_length);

/**
 * The jsonpatch of the patch called name, as JSON text (text-output rule).
 * @since 1.0
 */
NEOS_API neos_status neos_patchset_patch_json(const neos_patchset *patchset, const char *name, char *out_json,
                                              size_t n_out_json, size_t *out_json_length);

/**
 * Builds a model from a pyhf model spec ({"channels": [...], "parameters": [...]}), as pyhf.Model(spec).
 * poi_name may be NULL for a model without POI; modifier_settings_json as for neos_workspace_model.
 * *out_model receives a new handle, released with neos_model_free.
 * @since 1.0
 */
NEOS_API neos_status neos_model_from_json(const char *spec_json, const char *poi_name,
                                          const char *modifier_settings_json, neos_model **out_model);

/**
 * pyhf.simplemodels.uncorrelated_background: signal[n_bins], background[n_bins], uncertainty[n_bins].
 * @since 1.0
 */
NEOS_API neos_status neos_simplemodels_uncorrelated_background(const double *signal, const double *background,
                                                               const double *uncertainty, size_t n_bins,
                                                               neos_model **out_model);

/**
 * pyhf.simplemodels.correlated_background (histosys "correlated_bkg_uncertainty"): signal[n_bins],
 * background[n_bins], background_up[n_bins], background_down[n_bins]; modifier_settings_json may be NULL (pyhf's
 * defaults: histosys code4p).
 * @since 1.0
 */
NEOS_API neos_status neos_simplemodels_correlated_background(const double *signal, const double *background,
                                                             const double *background_up,
                                                             const double *background_down, size_t n_bins,
                                                             const char *modifier_settings_json,
                                                             neos_model **out_model);

/**
 * Releases a model; NULL, freed and foreign handles are ignored.
 * @since 1.0
 */
NEOS_API void neos_model_free(neos_model *model);

/**
 * The model's sizes; each output may be NULL. *out_n_pars: parameters; *out_n_main: main-data bins; *out_n_aux:
 * auxiliary data; *out_n_inputs: entries of the model's inputs; *out_poi_index: the POI's index, -1 without POI.
 * @since 1.0
 */
NEOS_API neos_status neos_model_sizes(const neos_model *model, size_t *out_n_pars, size_t *out_n_main,
                                      size_t *out_n_aux, size_t *out_n_inputs, int64_t *out_poi_index);

/**
 * The model's metadata as JSON (text-output rule): {"par_order", "par_names", "poi_name", "poi_index", "channels",
 * "channel_nbins", "samples", "input_names", "normsys_interpcode", "histosys_interpcode"}.
 * @since 1.0
 */
NEOS_API neos_status neos_model_metadata_json(const neos_model *model, char *out_json, size_t n_out_json,
                                              size_t *out_json_length);

/**
 * Suggested initial values (out_init[n_out_init], n_pars values), bounds (out_bounds[n_out_bounds], 2 * n_pars
 * values: lower0, upper0, lower1, ...), fixed flags (out_fixed[n_out_fixed], n_pars values) and auxiliary data
 * (out_auxdata[n_out_auxdata], n_aux values). Each output may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_model_suggested(const neos_model *model, double *out_init, size_t n_out_init,
                                          double *out_bounds, size_t n_out_bounds, bool *out_fixed,
                                          size_t n_out_fixed, double *out_auxdata, size_t n_out_auxdata);

/**
 * log L(pars | data) as pyhf's Model.logpdf: pars[n_pars], data[n_data] the main bins then the auxdata.
 * *out_logpdf is finite, or -INFINITY with NEOS_OK where the data are impossible under the model: a main bin
 * with data > 0 whose expected count is 0, or a shapesys gamma = 0 whose auxdatum is > 0 (pyhf returns -inf
 * too). Where log L is undefined the call is NEOS_ERR_NUMERIC and the message names the bin, sample or modifier:
 * an expected count < 0 (pyhf: NaN when that bin's data are > 0, a meaningless finite number when they are 0),
 * a normsys factor that is not a number (code4 needs hi > 0 and lo > 0), a shapesys gamma < 0. Observed counts
 * (main bins and shapesys auxdata) < 0 are NEOS_ERR_INVALID_ARGUMENT in every function that takes data.
 * See docs/numerical-conventions.md, "Non-finite values".
 * @since 1.0
 */
NEOS_API neos_status neos_model_logpdf(const neos_model *model, const double *pars, size_t n_pars,
                                       const double *data, size_t n_data, double *out_logpdf);

/**
 * The gradient of neos_model_logpdf with respect to the parameters (out_grad_pars[n_out_grad_pars], n_pars
 * values), the data (out_grad_data[n_out_grad_data], n_data values) and the model's inputs
 * (out_grad_inputs[n_out_grad_inputs], n_inputs values). Each output may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_model_logpdf_gradient(const neos_model *model, const double *pars, size_t n_pars,
                                                const double *data, size_t n_data, double *out_grad_pars,
                                                size_t n_out_grad_pars, double *out_grad_data,
                                                size_t n_out_grad_data, double *out_grad_inputs,
                                                size_t n_out_grad_inputs);

/**
 * Expected data at pars[n_pars] into out_data[n_out_data]: n_main values, followed by n_aux more when
 * include_auxdata is true.
 * @since 1.0
 */
NEOS_API neos_status neos_model_expected_data(const neos_model *model, const double *pars, size_t n_pars,
                                              bool include_auxdata, double *out_data, size_t n_out_data);

/**
 * Vector-Jacobian product of neos_model_expected_data. Arguments as for it, then cotangent[n_cotangent] (one value
 * per expected datum), out_grad_pars[n_out_grad_pars] (n_pars values) and out_grad_inputs[n_out_grad_inputs]
 * (n_inputs values); each output may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_model_expected_data_vjp(const neos_model *model, const double *pars, size_t n_pars,
                                                  bool include_auxdata, const double *cotangent,
                                                  size_t n_cotangent, double *out_grad_pars,
                                                  size_t n_out_grad_pars, double *out_grad_inputs,
                                                  size_t n_out_grad_inputs);

/**
 * Exact gradient (out_gradient[n_out_gradient], n_pars values) and Hessian (out_hessian[n_out_hessian],
 * n_pars * n_pars values, row-major) of NLL = -logpdf with respect to the parameters. Either output may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_model_nll_derivatives(const neos_model *model, const double *pars, size_t n_pars,
                                                const double *data, size_t n_data, double *out_gradient,
                                                size_t n_out_gradient, double *out_hessian, size_t n_out_hessian);

/**
 * The numbers the model was built from, flattened, into out_inputs[n_out_inputs] (n_inputs values); their names
 * are "input_names" of the metadata JSON.
 * @since 1.0
 */
NEOS_API neos_status neos_model_inputs(const neos_model *model, double *out_inputs, size_t n_out_inputs);

/**
 * A new model with the same structure and new input numbers (inputs[n_inputs]); no JSON is re-parsed.
 * *out_model receives a new handle, released with neos_model_free.
 * @since 1.0
 */
NEOS_API neos_status neos_model_with_inputs(const neos_model *model, const double *inputs, size_t n_inputs,
                                            neos_model **out_model);

/* ---------------------------------------------------------------------------------------------------------
 * Inference: fits, test statistics, hypothesis tests, upper limits
 *
 * Every inference call takes the data and the fit settings the same way, as pyhf does:
 *   data[n_data]     the main bins then the auxdata (n_main + n_aux values);
 *   init[n_pars]     initial values, or NULL for the model's suggestion;
 *   bounds[2*n_pars] (lower, upper) pairs, or NULL for the suggestion;
 *   fixed[n_pars]    true = held at its init value, or NULL for the suggestion;
 *   n_pars           the model's parameter count (checked, also when all three are NULL).
 * An init outside its bounds is NEOS_ERR_INVALID_ARGUMENT; a fit that does not converge is
 * NEOS_ERR_FIT_FAILED, never a silent result.
 *
 * Jacobians are derivatives with respect to the model's inputs (out_jacobian_inputs, row-major, one row per
 * output and n_inputs columns, in the order of neos_model_inputs) and the data (out_jacobian_data, one row per
 * output and n_data columns). Fits are differentiated implicitly at their optimum, never unrolled.
 * ------------------------------------------------------------------------------------------------------- */

/**
 * Maximum-likelihood fit (pyhf.infer.mle.fit). Every output may be NULL:
 * out_pars[n_out_pars]                      the best fit (n_pars values);
 * *out_twice_nll                            the minimum of -2 log L;
 * out_uncertainties[n_out_uncertainties]    the inverse-Hessian uncertainties (n_pars values; 0 for fixed
 *                                           parameters; a parameter held on a bound or at a kink counts as fixed
 *                                           for the others and is uncorrelated with them);
 * out_correlations[n_out_correlations]      the correlations (n_pars * n_pars values, row-major);
 * out_jacobian_inputs[n_out_jacobian_inputs], out_jacobian_data[n_out_jacobian_data]
 *                                           the Jacobians of the best fit (n_pars rows); rows of parameters that
 *                                           are fixed, on a bound or held at a kink of the likelihood are zero.
 * Requesting uncertainties or correlations where the Hessian is not positive definite is NEOS_ERR_NUMERIC.
 * @since 1.0
 */
NEOS_API neos_status neos_fit(const neos_model *model, const double *data, size_t n_data, const double *init,
                              const double *bounds, const bool *fixed, size_t n_pars, double *out_pars,
                              size_t n_out_pars, double *out_twice_nll, double *out_uncertainties,
                              size_t n_out_uncertainties, double *out_correlations, size_t n_out_correlations,
                              double *out_jacobian_inputs, size_t n_out_jacobian_inputs, double *out_jacobian_data,
                              size_t n_out_jacobian_data);

/**
 * As neos_fit with the POI held at poi (pyhf.infer.mle.fixed_poi_fit).
 * @since 1.0
 */
NEOS_API neos_status neos_fixed_poi_fit(const neos_model *model, double poi, const double *data, size_t n_data,
                                        const double *init, const double *bounds, const bool *fixed, size_t n_pars,
                                        double *out_pars, size_t n_out_pars, double *out_twice_nll,
                                        double *out_uncertainties, size_t n_out_uncertainties,
                                        double *out_correlations, size_t n_out_correlations,
                                        double *out_jacobian_inputs, size_t n_out_jacobian_inputs,
                                        double *out_jacobian_data, size_t n_out_jacobian_data);

/**
 * A profile-likelihood test statistic at poi (pyhf.infer.test_statistics): test_stat is "q0", "q" or "qmu",
 * "qtilde" or "qmu_tilde", "tmu" or "tmu_tilde".
 * @since 1.0
 */
NEOS_API neos_status neos_test_statistic(const neos_model *model, double poi, const char *test_stat,
                                         const double *data, size_t n_data, const double *init,
                                         const double *bounds, const bool *fixed, size_t n_pars,
                                         double *out_value);

/** The five points of an expected band, in pyhf's order (-2, -1, 0, +1, +2 sigma). */
#define NEOS_EXPECTED_SET_SIZE 5

/** Rows of neos_hypotest's outputs, in order (neos_hypotest_row_name gives their names). */
#define NEOS_HYPOTEST_Q_OBSERVED 0 /**< q_obs: the test statistic on the data (q0, q or qtilde) */
#define NEOS_HYPOTEST_Q_ASIMOV 1   /**< q_A: the test statistic on the Asimov data */
#define NEOS_HYPOTEST_Z_OBSERVED 2 /**< sqrt(q_obs): for q0 the observed discovery significance Z0 */
#define NEOS_HYPOTEST_Z_ASIMOV 3   /**< sqrt(q_A): for q0 the median expected significance */
#define NEOS_HYPOTEST_CLSB 4       /**< CLsb observed (for q0 the discovery p-value p0) */
#define NEOS_HYPOTEST_CLB 5        /**< CLb observed */
#define NEOS_HYPOTEST_CLS 6        /**< CLs observed */
#define NEOS_HYPOTEST_EXPECTED 7   /**< first of the NEOS_EXPECTED_SET_SIZE band rows, pyhf's order (q0: p0 band) */
#define NEOS_HYPOTEST_ROWS 12      /**< the number of rows */

/**
 * Asymptotic hypothesis test at poi (pyhf.infer.hypotest), test_stat "qtilde", "q" or "q0", with every output
 * and, when asked for, their derivatives, from one set of fits.
 * out_values[n_out_values]                     NEOS_HYPOTEST_ROWS values, rows as the NEOS_HYPOTEST_* indices.
 * out_jacobian_inputs[n_out_jacobian_inputs]   NEOS_HYPOTEST_ROWS * n_inputs values; may be NULL.
 * out_jacobian_data[n_out_jacobian_data]       NEOS_HYPOTEST_ROWS * n_data values; may be NULL.
 * When both Jacobians are NULL no derivative is computed. p-values are differentiated in log space; a statistic
 * clipped at 0 has the one-sided derivative 0 (so has its square root there).
 * @since 1.0
 */
NEOS_API neos_status neos_hypotest(const neos_model *model, double poi, const char *test_stat, const double *data,
                                   size_t n_data, const double *init, const double *bounds, const bool *fixed,
                                   size_t n_pars, double *out_values, size_t n_out_values,
                                   double *out_jacobian_inputs, size_t n_out_jacobian_inputs,
                                   double *out_jacobian_data, size_t n_out_jacobian_data);

/**
 * The name of a row of neos_hypotest ("q_observed", "q_asimov", "z_observed", "z_asimov", "clsb", "clb", "cls",
 * "expected_m2", "expected_m1", "expected_0", "expected_p1", "expected_p2"), or NULL for row < 0 or
 * row >= NEOS_HYPOTEST_ROWS.
 * @since 1.0
 */
NEOS_API const char *neos_hypotest_row_name(int32_t row);

/** Rows of an upper-limit result: the observed limit, then the NEOS_EXPECTED_SET_SIZE expected ones. */
#define NEOS_UPPER_LIMIT_OBSERVED 0
#define NEOS_UPPER_LIMIT_EXPECTED 1
#define NEOS_UPPER_LIMIT_ROWS 6
/**
 * A scan capacity that holds the hypotests of a typical root finding (10 to 40). A root finding that ran more
 * than the caller's capacity is NEOS_ERR_INVALID_ARGUMENT, its message saying how many ran.
 */
#define NEOS_UPPER_LIMIT_SCAN_CAPACITY 256

/**
 * Upper limit on the POI at CLs = level, 0 < level < 1 (pyhf.infer.intervals.upper_limits.upper_limit, test
 * statistic qtilde).
 * scan[n_scan]                      POI values to interpolate over, or NULL to solve CLs(mu) = level by root
 *                                   finding (n_scan is then ignored). Sorted and deduplicated first; fewer than
 *                                   two distinct values are NEOS_ERR_INVALID_ARGUMENT. neos_upper_limit_scan
 *                                   also says which limits lie beyond the scan.
 * out_limits[n_out_limits]          NEOS_UPPER_LIMIT_ROWS values: observed, then the expected limits.
 * out_scan_pois[n_out_scan_pois]    every POI at which a hypotest ran, in order; may be NULL.
 * out_scan_cls[n_out_scan_cls]      their CLs, NEOS_UPPER_LIMIT_ROWS per POI (observed, then the expected set);
 *                                   may be NULL.
 * *out_scan_count                   the number of hypotests that ran; may be NULL.
 * A scan output too short for the hypotests that ran is NEOS_ERR_INVALID_ARGUMENT (nothing written).
 * @since 1.0
 */
NEOS_API neos_status neos_upper_limit(const neos_model *model, double level, const double *scan, size_t n_scan,
                                      const double *data, size_t n_data, const double *init, const double *bounds,
                                      const bool *fixed, size_t n_pars, double *out_limits, size_t n_out_limits,
                                      double *out_scan_pois, size_t n_out_scan_pois, double *out_scan_cls,
                                      size_t n_out_scan_cls, size_t *out_scan_count);

/**
 * Upper limits by root finding (as neos_upper_limit with scan = NULL) and their derivatives, by implicit
 * differentiation of CLs(mu*) = level: out_limits[n_out_limits] (NEOS_UPPER_LIMIT_ROWS values),
 * out_jacobian_inputs[n_out_jacobian_inputs] (NEOS_UPPER_LIMIT_ROWS * n_inputs values) and
 * out_jacobian_data[n_out_jacobian_data] (NEOS_UPPER_LIMIT_ROWS * n_data values); either Jacobian may be NULL.
 * A limit where CLs does not change with the POI has no derivative: NEOS_ERR_NUMERIC.
 * @since 1.0
 */
NEOS_API neos_status neos_upper_limit_jacobian(const neos_model *model, double level, const double *data,
                                               size_t n_data, const double *init, const double *bounds,
                                               const bool *fixed, size_t n_pars, double *out_limits,
                                               size_t n_out_limits, double *out_jacobian_inputs,
                                               size_t n_out_jacobian_inputs, double *out_jacobian_data,
                                               size_t n_out_jacobian_data);

/* ---------------------------------------------------------------------------------------------------------
 * neos losses: values on Asimov data and their gradients with respect to the model's inputs
 *
 * The gradient is the total derivative with respect to every number the model was built from (the order of
 * neos_model_inputs), including how the Asimov data move with them; fits are differentiated implicitly at their
 * optimum. out_gradient[n_out_gradient] (n_inputs values) may be NULL when only *out_value is wanted.
 * ------------------------------------------------------------------------------------------------------- */

/**
 * Expected CLs of pyhf's "q" test at poi on the background-only Asimov data (every parameter at its suggested
 * init, the POI at 0): CLs = erfc(sqrt(q/2)) with q = 2[NLL(constrained fit at poi) - NLL(Asimov point)].
 * @since 1.0
 */
NEOS_API neos_status neos_loss_expected_cls(const neos_model *model, double poi, double *out_value,
                                            double *out_gradient, size_t n_out_gradient);

/**
 * The discovery p-value p0 = Phi(-sqrt(q0)) on the Asimov data at POI = 1 (parameters at their suggested init).
 * @since 1.0
 */
NEOS_API neos_status neos_loss_discovery_p0(const neos_model *model, double *out_value, double *out_gradient,
                                            size_t n_out_gradient);

/**
 * The median expected upper limit on the POI at CLs = level (0 < level < 1; qtilde, root finding), with the
 * background-only Asimov data as the observation. Its gradient is the implicit derivative of CLs(mu*) = level.
 * @since 1.0
 */
NEOS_API neos_status neos_loss_expected_upper_limit(const neos_model *model, double level, double *out_value,
                                                    double *out_gradient, size_t n_out_gradient);

/**
 * neos's "poi_uncert": sigma_mu = sqrt([I^-1]_mu,mu), with I the Fisher information (the NLL Hessian on the Asimov
 * data of the nominal point: parameters at their suggested init, the POI at poi). Inverting the whole matrix
 * profiles every free nuisance parameter; fixed parameters are left out.
 * @since 1.0
 */
NEOS_API neos_status neos_loss_poi_uncertainty(const neos_model *model, double poi, double *out_value,
                                               double *out_gradient, size_t n_out_gradient);

/**
 * INFERNO's objective: the POI variance [I^-1]_mu,mu (the square of neos_loss_poi_uncertainty).
 * @since 1.0
 */
NEOS_API neos_status neos_loss_poi_variance(const neos_model *model, double poi, double *out_value,
                                            double *out_gradient, size_t n_out_gradient);

/* ---------------------------------------------------------------------------------------------------------
 * neos training: network -> binned-KDE histograms -> HistFactory model -> loss, trained with Adam
 *
 * A trainer is made from a JSON configuration whose keys are all optional; {} is neos's demo (2-1024-1024-1 ReLU
 * network with a sigmoid output, Gaussian blobs of 10,000 points, batch 2000, bandwidth 0.09, 4 bins with
 * trainable inner edges, expected-CLs loss, Adam lr 1e-3). The keys (seed, hidden, activation, loss, bins, edges,
 * workspace + replace, ...) are listed in README.md and docs/training.md.
 *
 * The trained vector ("parameters") is the network's flat parameters (per layer W row-major fan_in x fan_out,
 * then b) followed, when train_edges is on, by the inner bin edges.
 *
 * Event sets are given as n_sets parallel arrays: names[i] the set's name, points[i] its counts[i] x dimension
 * features (row-major, counts[i] * dimension values) and weights[i] its counts[i] weights (NULL: all 1; the
 * weights array may be NULL as a whole).
 *
 * A trainer is not thread-safe: use each handle from one thread at a time (different handles are independent).
 * ------------------------------------------------------------------------------------------------------- */

/** A neos training run: data, network, statistical model, optimiser and its log. */
typedef struct neos_trainer neos_trainer;

/** Which events of a trainer: its test or its training split. */
typedef int32_t neos_split;
#define NEOS_SPLIT_TEST 0  /**< the test events (metrics, plots) */
#define NEOS_SPLIT_TRAIN 1 /**< the training events (mini-batches) */

/**
 * Makes a trainer from config_json on its built-in data (data "blobs"). *out_trainer receives a new handle,
 * released with neos_trainer_free.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_create(const char *config_json, neos_trainer **out_trainer);

/**
 * Makes a trainer on the caller's events (config "data": "events"): n_sets event sets, each with training and test
 * events as described above; the events are copied. *out_trainer receives a new handle.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_create_with_events(const char *config_json, size_t n_sets,
                                                     const char *const *names, size_t dimension,
                                                     const double *const *train_points, const size_t *train_counts,
                                                     const double *const *train_weights,
                                                     const double *const *test_points, const size_t *test_counts,
                                                     const double *const *test_weights,
                                                     neos_trainer **out_trainer);

/**
 * Releases a trainer; NULL, freed and foreign handles are ignored.
 * @since 1.0
 */
NEOS_API void neos_trainer_free(neos_trainer *trainer);

/**
 * Sizes; each output may be NULL. *out_n_parameters: the trained vector (network + trained inner edges);
 * *out_n_network: network parameters only; *out_n_bins: bins; *out_n_steps: optimiser steps taken.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_sizes(const neos_trainer *trainer, size_t *out_n_parameters,
                                        size_t *out_n_network, size_t *out_n_bins, size_t *out_n_steps);

/**
 * Copies the trained vector into out_parameters[n_out_parameters] (n_parameters values).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_parameters(const neos_trainer *trainer, double *out_parameters,
                                             size_t n_out_parameters);

/**
 * Replaces the trained vector (parameters[n_parameters], finite). Optimiser state is kept.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_set_parameters(neos_trainer *trainer, const double *parameters,
                                                 size_t n_parameters);

/**
 * The full bin-edge vector as the optimiser left it, outer edges included, into out_edges[n_out_edges]
 * (n_bins + 1 values).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_bin_edges(const neos_trainer *trainer, double *out_edges, size_t n_out_edges);

/**
 * One optimiser step on the next mini-batch. *out_loss (may be NULL) receives the batch objective before the
 * update. On an error the parameters are unchanged.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_step(neos_trainer *trainer, double *out_loss);

/**
 * n_steps steps, each followed by the test metrics, which are logged (neos_trainer_metrics_json) and used to keep
 * the best step (lowest select_by metric). If a step fails, the steps before it stay applied and logged, and the
 * failing one changes nothing.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_run(neos_trainer *trainer, size_t n_steps);

/**
 * Test-set metrics with the eval bandwidth (0: hard histograms): *out_cls the expected CLs, *out_discovery the
 * discovery p0, *out_poi_uncertainty sigma_mu. Each output may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_evaluate(const neos_trainer *trainer, double *out_cls, double *out_discovery,
                                           double *out_poi_uncertainty);

/**
 * The yields of one event set as the model sees them, into out_yields[n_out_yields] (n_bins values): on split,
 * with KDE bandwidth `bandwidth` (0: ordinary histogram; a negative value: the configured eval bandwidth).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_histogram(const neos_trainer *trainer, const char *event_set, neos_split split,
                                            double bandwidth, double *out_yields, size_t n_out_yields);

/**
 * The yields of every event set of the model at once (one forward pass) into out_yields[n_out_yields]
 * (n_sets x n_bins values, the sets in the order of neos_trainer_event_sets_json). split and bandwidth as for
 * neos_trainer_histogram.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_histograms(const neos_trainer *trainer, neos_split split, double bandwidth,
                                             double *out_yields, size_t n_out_yields);

/**
 * The network's output for n_points points of `dimension` features (points[n_points * dimension], row-major)
 * into out_values[n_out_values] (n_points values).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_predict(const neos_trainer *trainer, const double *points, size_t n_points,
                                          size_t dimension, double *out_values, size_t n_out_values);

/**
 * The objective and its gradient at parameters[n_parameters] on the given event sets (as described above),
 * without changing the trainer (the functional form of the pipeline): *out_loss, and
 * out_gradient[n_out_gradient] (n_parameters values; may be NULL).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_loss_and_gradient(const neos_trainer *trainer, const double *parameters,
                                                    size_t n_parameters, size_t n_sets, const char *const *names,
                                                    size_t dimension, const double *const *points,
                                                    const size_t *counts, const double *const *weights,
                                                    double *out_loss, double *out_gradient, size_t n_out_gradient);

/**
 * The log as metrics.json text (text-output rule): {"config", "objective", "select_by", "steps": [{"step",
 * "loss", "test": {"cls", "discovery", "poi_uncert"}, "seconds"}, ...], "best": {"step", "test", "edges"} or null}.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_metrics_json(const neos_trainer *trainer, char *out_json, size_t n_out_json,
                                               size_t *out_json_length);

/**
 * Restores the parameters of the best step logged by neos_trainer_run (NEOS_ERR_INVALID_ARGUMENT if none).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_restore_best(neos_trainer *trainer);

/**
 * Saves the network and bin edges to the file at path: a JSON header line, then the parameters as little-endian
 * float64 (format in README.md).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_save(const neos_trainer *trainer, const char *path);

/**
 * Loads a file written by neos_trainer_save; the network shape must match.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_load(neos_trainer *trainer, const char *path);

/**
 * The names of the event sets the model reads, as a JSON array of strings (text-output rule).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_event_sets_json(const neos_trainer *trainer, char *out_json, size_t n_out_json,
                                                  size_t *out_json_length);

/**
 * The number of events (*out_count) and their features (*out_dimension) of one event set on split; each output
 * may be NULL.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_event_count(const neos_trainer *trainer, const char *event_set, neos_split split,
                                              size_t *out_count, size_t *out_dimension);

/**
 * Copies one event set's events on split (count x dimension values, row-major) into out_points[n_out_points].
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_events(const neos_trainer *trainer, const char *event_set, neos_split split,
                                         double *out_points, size_t n_out_points);

/**
 * Plot recording (what `python -m neos_swift.plots DIR` draws from): the first call records the current state as
 * "before" and frame -1; each later call adds a frame (network output on a 61 x 61 grid over [-5, 5]^2 for
 * two-feature events, histograms, edges) labelled with the last step taken.
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_record_plot_frame(neos_trainer *trainer);

/**
 * plot_data.json of the recording, "after" being the current state (text-output rule).
 * @since 1.0
 */
NEOS_API neos_status neos_trainer_plot_data_json(const neos_trainer *trainer, char *out_json, size_t n_out_json,
                                                 size_t *out_json_length);

/* ---- Interpolators (ABI 1.1) ---- */
/* ---------------------------------------------------------------------------------------------------------
 * Interpolators (pyhf.interpolators)
 *
 * pyhf's histogram interpolations evaluated over its histogram-set shapes: for each systematic s, sample h, alpha
 * a and bin b, Delta(alpha) (additive codes 0, 2, 4p) or the factor f(alpha) (multiplicative codes 1, 4) from that
 * bin's lo, nom and hi, exactly as the model's histosys and normsys modifiers use them.
 * ------------------------------------------------------------------------------------------------------- */

/** An interpolation code (neos_interpolate). */
typedef int32_t neos_interpolation_code;
#define NEOS_INTERPOLATION_CODE0 0  /**< additive, piecewise linear */
#define NEOS_INTERPOLATION_CODE1 1  /**< multiplicative, piecewise exponential */
#define NEOS_INTERPOLATION_CODE2 2  /**< additive, quadratic inside [-1, 1], linear outside (pyhf's tensorised) */
#define NEOS_INTERPOLATION_CODE4 4  /**< multiplicative, polynomial inside (-alpha0, alpha0), exponential outside */
#define NEOS_INTERPOLATION_CODE4P 5 /**< additive, polynomial inside [-1, 1], linear outside */
/** Code 2 as pyhf's per-entry reference implementation: (b - 2a)(alpha + 1) below alpha = -1. */
#define NEOS_INTERPOLATION_CODE2_REFERENCE 6

/**
 * Interpolates histogram sets in pyhf's layout (row-major):
 *   histogramssets[n_histogramssets]  [s][h][k][b], k = 0 lo, 1 nom, 2 hi: n_systematics x n_samples x 3 x n_bins
 *                                     values, finite.
 *   alphasets[n_alphasets]            [s][a]: n_systematics x n_alphas values, finite.
 *   out_values[n_out_values]          receives [s][h][a][b]: n_systematics x n_samples x n_alphas x n_bins values.
 *   out_dalpha[n_out_dalpha]          receives d value / d alpha in the same layout (on a kink, the one-sided
 *                                     derivative of the piece the value comes from); may be NULL.
 * alpha0 is code 4's transition point, finite and > 0 (pyhf's default 1); the other codes have none and need 1.
 * Each count may be 0; every product of counts is checked for overflow. An unknown code, a length that differs
 * from its product, or a non-finite input is NEOS_ERR_INVALID_ARGUMENT; a result that would be non-finite (a
 * multiplicative code with nom == 0, or a power or logarithm of a negative ratio) is NEOS_ERR_NUMERIC, naming
 * the entry.
 * @since 1.1
 */
NEOS_API neos_status neos_interpolate(neos_interpolation_code code, double alpha0, size_t n_systematics,
                                      size_t n_samples, size_t n_bins, size_t n_alphas, const double *histogramssets,
                                      size_t n_histogramssets, const double *alphasets, size_t n_alphasets,
                                      double *out_values, size_t n_out_values, double *out_dalpha,
                                      size_t n_out_dalpha);
/* ---- end of Interpolators (ABI 1.1) ---- */
/* ---- Pseudo-experiments (ABI 1.1) ---- */

/** The most pseudo-experiments one call of neos_toy_data or neos_toy_test_statistics generates. @since 1.1 */
#define NEOS_MAX_TOYS 100000000

/**
 * Pseudo-experiments drawn at the parameters pars[n_pars] (pyhf's Model.make_pdf(pars).sample((n_toys,))): each
 * toy is the main bins, each a Poisson count around the expected rate, then the auxdata, each Gaussian around its
 * constrained parameter (normsys, histosys, lumi, staterror widths) or Poisson around parameter x tau (shapesys);
 * auxdata without a constraint keep their values. out_data[n_out_data] receives n_toys rows of n_data values
 * (main bins + auxdata), row-major; n_toys may be 0 up to NEOS_MAX_TOYS.
 *
 * Toy i draws from its own SplitMix64 stream, seeded with output i (from 0) of SplitMix64(seed), so toy i is the
 * same in every call with this seed, whatever n_toys is, and toys a..a+n-1 of seed s are toys 0..n-1 of seed
 * s + a * 0x9E3779B97F4A7C15 (mod 2^64): a run can be split into blocks without changing a toy. Poisson counts are exact for every mean up to 2^52
 * (inversion below 10, Hoermann's PTRS above), normal draws are Box-Muller. A negative expected rate at pars is
 * NEOS_ERR_NUMERIC.
 * @since 1.1
 */
NEOS_API neos_status neos_toy_data(const neos_model *model, const double *pars, size_t n_pars, size_t n_toys,
                                   uint64_t seed, double *out_data, size_t n_out_data);

/**
 * The test statistic at poi (test_stat as for neos_test_statistic) of each of n_toys pseudo-experiments drawn at
 * pars (exactly the toys of neos_toy_data with this seed), fitted with init, bounds and fixed as
 * neos_test_statistic fits the data (each may be NULL: the model's suggestion; all n_pars long): one hypothesis of
 * pyhf's ToyCalculator.distributions. out_values[n_out_values] (n_out_values == n_toys) receives them in toy order.
 * The toys run on n_threads threads (0: every core); the values do not depend on n_threads. If toys fail (a fit
 * that does not converge is NEOS_ERR_FIT_FAILED), the status and message are those of the lowest-numbered failing
 * toy, whose number the message gives, and nothing is written.
 * @since 1.1
 */
NEOS_API neos_status neos_toy_test_statistics(const neos_model *model, double poi, const char *test_stat,
                                              const double *pars, const double *init, const double *bounds,
                                              const bool *fixed, size_t n_pars, size_t n_toys, uint64_t seed,
                                              size_t n_threads, double *out_values, size_t n_out_values);

/* ---- end of Pseudo-experiments (ABI 1.1) ---- */
/* ---- Workspace operations (ABI 1.1) ---- */
/* pyhf 0.7.6's Workspace.prune, rename, combine, sorted and build, on workspace handles: each makes a new
 * workspace (the arguments are not changed), checked as neos_workspace_from_json checks one, and stores its new
 * handle in *out_workspace, released with neos_workspace_free. A name, type or join the operation cannot apply
 * (a name not in the workspace, names in common) is NEOS_ERR_INVALID_ARGUMENT with pyhf's message; a result
 * that is not a workspace (nothing left to prune to) is the NEOS_ERR_PARSE or NEOS_ERR_MODEL of the check, which
 * is that of neos_workspace_from_json_with_options with NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL (pyhf checks its
 * results against the schema only, so a join may leave a channel without observation).
 * Arrays of names are NUL-terminated strings; an array may be NULL when its length is 0. */

/** neos_workspace_from_json_with_options option: a channel may have no observation (pyhf's schema allows it;
 * neos_workspace_data then fails for a model with that channel). */
#define NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL 1u

/**
 * Parses a workspace from JSON text as neos_workspace_from_json, with options (0, or
 * NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL). *out_workspace receives a new handle, released with neos_workspace_free.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_from_json_with_options(const char *json, uint32_t options,
                                                           neos_workspace **out_workspace);

/**
 * The workspace as JSON text (text-output rule): the document as given, or as the operation below made it,
 * members in order. Integral numbers are written as integers (20.0 as 20); every number reads back exactly.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_json(const neos_workspace *workspace, char *out_json, size_t n_out_json,
                                         size_t *out_json_length);

/**
 * pyhf's Workspace.prune: removes the modifiers named in modifiers[n_modifiers] (with their parameter configs),
 * the modifiers of the types in modifier_types[n_modifier_types], the samples, the channels (with their
 * observations) and the measurements named. Every name and type must be in the workspace.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_prune(const neos_workspace *workspace, const char *const *modifiers,
                                          size_t n_modifiers, const char *const *modifier_types,
                                          size_t n_modifier_types, const char *const *samples, size_t n_samples,
                                          const char *const *channels, size_t n_channels,
                                          const char *const *measurements, size_t n_measurements,
                                          neos_workspace **out_workspace);

/**
 * pyhf's Workspace.rename: old_X[i] becomes new_X[i] (n_X pairs each) for modifiers (with their parameter
 * configs and the POI), samples, channels (with their observations) and measurements. Every old name must be in
 * the workspace; of a repeated old name the last pair counts.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_rename(const neos_workspace *workspace, const char *const *old_modifiers,
                                           const char *const *new_modifiers, size_t n_modifiers,
                                           const char *const *old_samples, const char *const *new_samples,
                                           size_t n_samples, const char *const *old_channels,
                                           const char *const *new_channels, size_t n_channels,
                                           const char *const *old_measurements,
                                           const char *const *new_measurements, size_t n_measurements,
                                           neos_workspace **out_workspace);

/** How neos_workspace_combine joins two workspaces (pyhf's Workspace.valid_joins). */
typedef int32_t neos_join;
#define NEOS_JOIN_NONE 0        /**< "none": both sides' items; a name on both sides is an error. */
#define NEOS_JOIN_OUTER 1       /**< "outer": equal items once; differing items of one name are an error. */
#define NEOS_JOIN_LEFT_OUTER 2  /**< "left outer": the left items, then the right ones of new names. */
#define NEOS_JOIN_RIGHT_OUTER 3 /**< "right outer": the right items, then the left ones of new names. */

/**
 * pyhf's Workspace.combine(left, right, join, merge_channels): channels, observations and measurements joined;
 * under NEOS_JOIN_OUTER measurements of one name (and POI) merge their parameter configs. merge_channels (not
 * with NEOS_JOIN_NONE) merges the samples of channels of one name.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_combine(const neos_workspace *left, const neos_workspace *right, neos_join join,
                                            bool merge_channels, neos_workspace **out_workspace);

/**
 * pyhf's Workspace.sorted: channels, samples, modifiers (by name, then type), measurements, parameter configs
 * and observations sorted by name (Unicode code points, stable).
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_sorted(const neos_workspace *workspace, neos_workspace **out_workspace);

/**
 * pyhf's Workspace.build(model, data, name): the channels of model_spec_json (the spec the model was built from;
 * its channels must be the model's), one measurement called name (NULL: "measurement") with the model's POI and
 * its suggested bounds, inits and fixed flags as parameter configs, and data[n_data] (the main bins in the
 * model's channel order, n_data = n_main, or n_main + n_aux with the auxdata, which is not stored) as the
 * observations. A model without POI is NEOS_ERR_MODEL.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_build(const char *model_spec_json, const neos_model *model, const double *data,
                                          size_t n_data, const char *name, neos_workspace **out_workspace);

/**
 * pyhf's private _join_items, for lists of JSON objects: left_json and right_json are JSON arrays of objects that
 * all have the member key; the joined array is written (text-output rule). deep_merge_key (may be NULL) names a
 * list member merged (left outer) into the primary side's item of the same key instead of adding the item.
 * @since 1.1
 */
NEOS_API neos_status neos_json_join_items(neos_join join, const char *left_json, const char *right_json,
                                          const char *key, const char *deep_merge_key, char *out_json,
                                          size_t n_out_json, size_t *out_json_length);

/**
 * One of the joins neos_workspace_combine makes, on JSON arrays of named objects (text-output rule): list is
 * "channels" (samples merged when merge_channels), "observations", "measurements" or "parameters" (the parameter
 * configs of the measurement measurement_name, always an outer join; measurement_name may be NULL otherwise).
 * The refusals are neos_workspace_combine's.
 * @since 1.1
 */
NEOS_API neos_status neos_workspace_join_list(const char *list, neos_join join, bool merge_channels,
                                              const char *measurement_name, const char *left_json,
                                              const char *right_json, char *out_json, size_t n_out_json,
                                              size_t *out_json_length);

/**
 * Applies a JSON Patch (RFC 6902, patch_json: an array of operations) to the JSON text document_json and writes
 * the patched document (text-output rule). A malformed document or patch is NEOS_ERR_PARSE; an operation that
 * cannot be applied (a path that does not exist, a failed test) is NEOS_ERR_MODEL.
 * @since 1.1
 */
NEOS_API neos_status neos_json_patch_apply(const char *document_json, const char *patch_json, char *out_json,
                                           size_t n_out_json, size_t *out_json_length);

/* ---- end of Workspace operations (ABI 1.1) ---- */
/* ---- Error reasons (ABI 1.1) ---- */

/**
 * The reason of the last failed call on this thread: a stable identifier naming the specific situation within
 * its status, so that a caller can tell cases apart without reading the message; "" if that failure has no
 * reason (or none has failed yet). Like neos_last_error_message() it belongs to the failing thread, is replaced
 * by every failing call (a failure without a reason sets ""), and is never NULL. The identifiers (new ones may
 * be added; none changes meaning):
 *   "invalid_modifier"  a modifier that cannot be built: an unknown type (NEOS_ERR_PARSE, being outside the
 *                       HistFactory schema), or bin-wise data (staterror, shapesys, histosys hi_data / lo_data)
 *                       whose length is not the sample's bin count (NEOS_ERR_MODEL; NEOS_ERR_PARSE when empty,
 *                       which the schema forbids too).
 *   "name_reuse"        one parameter name used by modifiers whose parameter sets cannot be merged (different
 *                       types, sizes, constraints or defaults): NEOS_ERR_MODEL.
 * @since 1.1
 */
NEOS_API const char *neos_last_error_reason(void);

/* ---- end of Error reasons (ABI 1.1) ---- */

/* ---- Fit options (ABI 1.1) ---- */
/* How far a fit's descent goes: pyhf's optimizer options maxiter and tolerance. neos_fit and neos_fixed_poi_fit
 * use the defaults below.
 *   max_iterations  the most iterations each descent may take, 1 to NEOS_FIT_MAX_ITERATIONS. One iteration is
 *                   the gradient and Hessian of -2 log L, the convergence test and, if not converged, one damped
 *                   Newton step (a few evaluations of -2 log L). The fit's restarts from other starting points
 *                   (the search for a lower minimum) each have the cap to themselves; a restart that reaches it
 *                   is dropped. When the first descent reaches it before converging the call is
 *                   NEOS_ERR_FIT_FAILED and neos_last_error_message() contains "iteration limit reached".
 *   edm_tolerance   the fit has converged when the estimated distance to the minimum, EDM = g^T H^-1 g / 2 of
 *                   -2 log L over the moving parameters, is below it (MINUIT's criterion with errordef 1; pyhf's
 *                   minuit tolerance t is edm_tolerance = 0.002 * t * errordef, its scipy tolerance, SLSQP's
 *                   ftol, is edm_tolerance = t). Finite and > 0.
 * Options outside these ranges are NEOS_ERR_INVALID_ARGUMENT, checked before anything else is read. */

/** The iteration cap of neos_fit and neos_fixed_poi_fit. @since 1.1 */
#define NEOS_FIT_DEFAULT_MAX_ITERATIONS 1000
/** The largest max_iterations a fit accepts. @since 1.1 */
#define NEOS_FIT_MAX_ITERATIONS 100000000
/** The EDM tolerance of neos_fit and neos_fixed_poi_fit (a few ulps of twice a typical NLL). @since 1.1 */
#define NEOS_FIT_DEFAULT_EDM_TOLERANCE 1e-14

/**
 * neos_fit with the options max_iterations and edm_tolerance (above), every other argument and output as there,
 * and *out_iterations (may be NULL): the iterations of the descent that ended at out_pars (pyhf's scipy nit).
 * With NEOS_FIT_DEFAULT_MAX_ITERATIONS and NEOS_FIT_DEFAULT_EDM_TOLERANCE it gives exactly neos_fit's result.
 * @since 1.1
 */
NEOS_API neos_status neos_fit_with_options(const neos_model *model, const double *data, size_t n_data,
                                           const double *init, const double *bounds, const bool *fixed,
                                           size_t n_pars, size_t max_iterations, double edm_tolerance,
                                           double *out_pars, size_t n_out_pars, double *out_twice_nll,
                                           double *out_uncertainties, size_t n_out_uncertainties,
                                           double *out_correlations, size_t n_out_correlations,
                                           double *out_jacobian_inputs, size_t n_out_jacobian_inputs,
                                           double *out_jacobian_data, size_t n_out_jacobian_data,
                                           size_t *out_iterations);

/**
 * neos_fixed_poi_fit with the options max_iterations and edm_tolerance (above), every other argument and output
 * as there, and *out_iterations (may be NULL) as for neos_fit_with_options.
 * @since 1.1
 */
NEOS_API neos_status neos_fixed_poi_fit_with_options(const neos_model *model, double poi, const double *data,
                                                     size_t n_data, const double *init, const double *bounds,
                                                     const bool *fixed, size_t n_pars, size_t max_iterations,
                                                     double edm_tolerance, double *out_pars, size_t n_out_pars,
                                                     double *out_twice_nll, double *out_uncertainties,
                                                     size_t n_out_uncertainties, double *out_correlations,
                                                     size_t n_out_correlations, double *out_jacobian_inputs,
                                                     size_t n_out_jacobian_inputs, double *out_jacobian_data,
                                                     size_t n_out_jacobian_data, size_t *out_iterations);
/* ---- end of Fit options (ABI 1.1) ---- */

/* ---- Hessian VJP (ABI 1.1) ---- */
/**
 * Vector-Jacobian product of the Hessian of neos_model_nll_derivatives: for the row-major cotangent
 * C = cotangent[n_cotangent] (n_pars * n_pars values), the exact gradient of sum_pq C_pq d2NLL/dpar_p dpar_q at
 * pars[n_pars] and data[n_data] (n_main + n_aux values) with respect to the parameters
 * (out_grad_pars[n_out_grad_pars], n_pars values), the data (out_grad_data[n_out_grad_data], n_data values, main
 * bins then auxdata) and the model's inputs (out_grad_inputs[n_out_grad_inputs], n_inputs values, the order of
 * neos_model_inputs). Each output may be NULL. Only C's symmetric part matters. At an interpolation kink the
 * derivatives are those of the branch the rate takes there (one-sided).
 * @since 1.1
 */
NEOS_API neos_status neos_model_nll_hessian_vjp(const neos_model *model, const double *pars, size_t n_pars,
                                                const double *data, size_t n_data, const double *cotangent,
                                                size_t n_cotangent, double *out_grad_pars, size_t n_out_grad_pars,
                                                double *out_grad_data, size_t n_out_grad_data,
                                                double *out_grad_inputs, size_t n_out_grad_inputs);
/* ---- end of Hessian VJP (ABI 1.1) ---- */

/* ---- Constraint widths (ABI 1.1) ---- */

/** The kind of constraint term a parameter has (pyhf's pdf_type of its parameter set). @since 1.1 */
typedef int32_t neos_constraint_kind;
#define NEOS_CONSTRAINT_NONE 0    /**< unconstrained (normfactor, shapefactor): its width is 0 */
#define NEOS_CONSTRAINT_NORMAL 1  /**< Normal(auxdatum | parameter, sigma): its width is sigma > 0 */
#define NEOS_CONSTRAINT_POISSON 2 /**< Poisson(auxdatum | parameter * tau) (shapesys): its width is tau */

/**
 * Each parameter's constraint, in the model's parameter order, as the model's constraint terms use it and as
 * pyhf 0.7.6's parameter sets report it: out_kinds[n_out_kinds] receives its neos_constraint_kind and
 * out_widths[n_out_widths] its width: for NEOS_CONSTRAINT_NORMAL the standard deviation sigma (pyhf's sigmas: 1
 * for normsys and histosys, lumi's configured sigma or 1, staterror's combined relative uncertainty of the bin,
 * 1 where that is 0), for NEOS_CONSTRAINT_POISSON the factor tau (pyhf's factors: shapesys' (nominal /
 * uncertainty)^2, 1 in a bin where either is 0, or the configured factors; the relative width is 1/sqrt(tau)),
 * and 0 for NEOS_CONSTRAINT_NONE. Both lengths are n_pars; either output may be NULL (not wanted). Every
 * written width is finite; on an error nothing is written.
 * @since 1.1
 */
NEOS_API neos_status neos_model_constraint_widths(const neos_model *model, neos_constraint_kind *out_kinds,
                                                  size_t n_out_kinds, double *out_widths, size_t n_out_widths);

/* ---- end of Constraint widths (ABI 1.1) ---- */

/* ---- BLAS (ABI 1.2) ---- */

/**
 * Names the shared library libneos takes its BLAS and LAPACK routines from (cblas_dgemm, cblas_dgemv, dpotrf_,
 * dpotrs_, dpotri_, with 32-bit integers, plain or with scipy-openblas's "scipy_" prefix), for instance a current
 * OpenBLAS such as the scipy-openblas32 wheel's libscipy_openblas.so. libneos links no BLAS: at the first call
 * that needs one it takes, in this order, the library named here, else the one in the environment variable
 * NEOS_BLAS_LIBRARY, else the system's libopenblas.so.0 (loaded, when the process has not loaded it already and
 * OPENBLAS_CORETYPE is unset, with that variable set for the load only to SkylakeX on CPUs with AVX-512 or
 * Haswell on CPUs with AVX2 and FMA, so that an OpenBLAS older than the CPU runs a fitting kernel instead of its
 * generic one), else portable loops built into libneos (correct, slow). Call it before the first call that needs
 * BLAS: NEOS_ERR_INVALID_ARGUMENT if another library is already in use or this one does not load, lacks a routine
 * or uses 64-bit integers (nothing changes then). Naming the library already in use again is NEOS_OK.
 * Threads (since 1.3): when libneos loads an OpenBLAS the process had not loaded before and OPENBLAS_NUM_THREADS
 * is unset, it sets that library to one thread (openblas_set_num_threads) and splits each large product over the
 * cores itself (OpenBLAS's own threads spin while they wait, which on a busy machine makes the network's small
 * products several times slower); a library the host loaded first keeps the host's settings.
 * @since 1.2
 */
NEOS_API neos_status neos_blas_use_library(const char *path);

/**
 * Which BLAS libneos runs on, as JSON text (text-output rule): {"library": the path as loaded or "built-in",
 * "core": OpenBLAS's kernel family for this CPU (openblas_get_corename, e.g. "SkylakeX"; "" if the library does
 * not say), "configuration": openblas_get_config or "", "fallback_reason": why the library in use is not the
 * first one asked for (NEOS_BLAS_LIBRARY), or why none is used, or "", "splits_products" (since 1.3): true when
 * libneos runs the library on one thread and splits products over the cores (see neos_blas_use_library)}. Loads
 * the library first if no call has needed it yet.
 * @since 1.2
 */
NEOS_API neos_status neos_blas_describe(char *out_json, size_t n_out_json, size_t *out_json_length);

/* ---- end of BLAS (ABI 1.2) ---- */
/* ---- Model clipping (ABI 1.2) ---- */
/* pyhf's model options clip_sample_data and clip_bin_data (pyhf.Model(spec, clip_sample_data=c, ...)): lower
 * bounds on the expected main counts, max(nu, c) for every sample in every bin after its modifiers, and max(lambda,
 * c) for every bin's total. As in pyhf, a sample a channel does not contain counts as a sample of 0 in that
 * channel's bins, so a sample clip c > 0 adds c for each of them. Auxiliary data are never clipped. Every value,
 * gradient, Hessian, vector-Jacobian product and fit of the model uses the clipped rates; the derivative of
 * max(x, c) is 0 where x < c and x's own where x >= c (at x == c exactly, the side where the bound is not active).
 * The models neos_model_with_inputs derives from a clipped model keep its bounds. */

/**
 * A new model equal to model but clipped: clip_sample_data and clip_bin_data each point to a finite bound, or are
 * NULL for no clip of that kind (replacing any clipping the model had). A bound that is not finite is
 * NEOS_ERR_INVALID_ARGUMENT. *out_model receives a new handle, released with neos_model_free.
 * @since 1.2
 */
NEOS_API neos_status neos_model_with_clipping(const neos_model *model, const double *clip_sample_data,
                                              const double *clip_bin_data, neos_model **out_model);

/**
 * The model's clipping: *out_has_clip_sample_data / *out_has_clip_bin_data whether that clip is on, and
 * *out_clip_sample_data / *out_clip_bin_data its bound (0 when off). Every output may be NULL.
 * @since 1.2
 */
NEOS_API neos_status neos_model_clipping(const neos_model *model, bool *out_has_clip_sample_data,
                                         double *out_clip_sample_data, bool *out_has_clip_bin_data,
                                         double *out_clip_bin_data);
/* ---- end of Model clipping (ABI 1.2) ---- */

/* ---- Upper limits over a scan (ABI 1.2) ---- */
/* pyhf.infer.intervals.upper_limits.linear_grid_scan: CLs at each POI value of a scan, then the POI where each
 * curve (observed, then the expected set) crosses level, by linear interpolation of mu against CLs (numpy.interp).
 * The scan's values are sorted and duplicates dropped before anything runs, so their order does not change the
 * limits (pyhf interpolates them as given); fewer than two distinct values are NEOS_ERR_INVALID_ARGUMENT. A limit
 * whose crossing lies beyond the scan is returned as the scan's end, as pyhf returns it, and flagged. */

/** Positions of a limit relative to its scan (out_positions of neos_upper_limit_scan). @since 1.2 */
#define NEOS_UPPER_LIMIT_BELOW_SCAN -1 /**< CLs < level already at the smallest mu: the smallest mu returned */
#define NEOS_UPPER_LIMIT_INSIDE_SCAN 0 /**< the scan brackets the crossing (or an end meets the level exactly) */
#define NEOS_UPPER_LIMIT_ABOVE_SCAN 1  /**< CLs > level still at the largest mu: the largest mu returned */

/**
 * Upper limits at CLs = level, 0 < level < 1, over scan[n_scan] (test statistic qtilde, as neos_upper_limit),
 * with data, init, bounds, fixed and n_pars as there.
 * out_limits[n_out_limits]        NEOS_UPPER_LIMIT_ROWS values: observed, then the expected limits.
 * out_positions[n_out_positions]  NEOS_UPPER_LIMIT_ROWS values, one NEOS_UPPER_LIMIT_*_SCAN per limit; may
 *                                 be NULL.
 * out_scan_cls[n_out_scan_cls]    n_scan * NEOS_UPPER_LIMIT_ROWS values: the CLs of each value of scan as the
 *                                 caller passed it (in its order, a duplicate's row repeated), observed then the
 *                                 expected set; may be NULL.
 * @since 1.2
 */
NEOS_API neos_status neos_upper_limit_scan(const neos_model *model, double level, const double *scan, size_t n_scan,
                                           const double *data, size_t n_data, const double *init,
                                           const double *bounds, const bool *fixed, size_t n_pars,
                                           double *out_limits, size_t n_out_limits, int32_t *out_positions,
                                           size_t n_out_positions, double *out_scan_cls, size_t n_out_scan_cls);
/* ---- end of Upper limits over a scan (ABI 1.2) ---- */

/* ---------------------------------------------------------------------------------------------------------
 * How every call checks its arguments (issue 13; documentation only, no new functions)
 *
 * Before any argument is read, copied or allocated for, a call checks:
 *  - every handle: NULL, freed, made up (not from libneos) or of another kind (a neos_workspace passed as a
 *    neos_model) is NEOS_ERR_INVALID_ARGUMENT, naming the parameter; no memory a handle names is ever read;
 *  - every length the call itself fixes against what it needs: n_pars, n_data (n_main + n_aux), n_cotangent,
 *    the events' dimension (the trainer's network inputs), n_out_* of every output buffer. A length the call
 *    does not need is refused unread, so a length longer than the caller's buffer is never read past;
 *  - every other claimed length (n_bins, n_scan, n_edges, n_toys, n_out_json, ...) against this machine's
 *    physical memory: a length whose bytes exceed it (SIZE_MAX, SIZE_MAX / 2, 1 << 40) names no real buffer and
 *    is NEOS_ERR_INVALID_ARGUMENT. A length below that bound that exceeds the caller's buffer cannot be detected
 *    by any library: it remains the caller's contract;
 *  - every size an argument or configuration implies (a simple model of n_bins bins, a trainer's weights,
 *    a batch's activations, the test events' activations, the events and the histograms; a parameter file's
 *    network) against physical memory (NEOS_ERR_INVALID_ARGUMENT, "... would need N bytes, more than this
 *    machine's memory") and then against the memory available now, which is also bounded by the process's
 *    address-space limit, ulimit -v (NEOS_ERR_OUT_OF_MEMORY, "... would need N bytes; only M are available").
 *    Out of memory is a status: nothing is allocated, nothing is written;
 *  - files are read with bounds: neos_trainer_load reads a header line of at most 64 MiB and then exactly the
 *    parameters that header's network has, so /dev/zero or a pipe that never ends is NEOS_ERR_PARSE.
 * A refused call writes no output (no out-pointer, no buffer, no length) and leaves a message naming the argument
 * in neos_last_error_message(). Tests/c/test_hostile.c runs every such case in its own process.
 *
 * Results are checked too: a call whose result would be NaN or infinite (finite but extreme inputs can overflow a
 * gradient) returns NEOS_ERR_NUMERIC, naming the output, with nothing written. The documented exceptions:
 * neos_model_logpdf's -inf where log L is -inf (data observed where nothing is expected; see there), and the
 * elementwise densities neos_poisson_logpdf and neos_normal_logpdf (ABI 1.3), which give IEEE values as C's log()
 * does, pyhf.probability's -inf and NaN included.
 * ------------------------------------------------------------------------------------------------------- */

/* ---- Fit options on a model (ABI 1.3) ---- */
/* pyhf's optimizer options maxiter and tolerance for every fit a call makes, not only neos_fit_with_options':
 * a model can carry fit options (max_iterations and edm_tolerance, meaning and ranges as in "Fit options (ABI 1.1)"),
 * and then every fit any call makes through it runs with them: neos_fit and neos_fixed_poi_fit, hypotest's free,
 * fixed-POI and Asimov fits (neos_hypotest and its derivatives), neos_test_statistic, neos_toy_test_statistics,
 * neos_upper_limit, neos_upper_limit_scan, neos_upper_limit_jacobian and the losses. A fit that does not converge
 * within them fails as neos_fit_with_options does: NEOS_ERR_FIT_FAILED, neos_last_error_message() containing
 * "iteration limit reached" when the cap was reached first. neos_fit_with_options and
 * neos_fixed_poi_fit_with_options still use the options they are given (those of the call win over the model's).
 * A model that was not given options has NEOS_FIT_DEFAULT_MAX_ITERATIONS and NEOS_FIT_DEFAULT_EDM_TOLERANCE, and
 * a model given exactly those computes bit for bit what the model without them computes. The models
 * neos_model_with_inputs and neos_model_with_clipping derive from a model keep its fit options; values, gradients,
 * Hessians and expected data do not depend on them. */

/**
 * A new model equal to model whose fits run with max_iterations (1 to NEOS_FIT_MAX_ITERATIONS) and edm_tolerance
 * (finite and > 0), replacing any fit options the model had. Options outside their ranges are
 * NEOS_ERR_INVALID_ARGUMENT. *out_model receives a new handle, released with neos_model_free.
 * @since 1.3
 */
NEOS_API neos_status neos_model_with_fit_options(const neos_model *model, size_t max_iterations, double edm_tolerance,
                                                 neos_model **out_model);

/**
 * The model's fit options: *out_max_iterations and *out_edm_tolerance (the defaults above for a model that was not
 * given any). Either output may be NULL.
 * @since 1.3
 */
NEOS_API neos_status neos_model_fit_options(const neos_model *model, size_t *out_max_iterations,
                                            double *out_edm_tolerance);
/* ---- end of Fit options on a model (ABI 1.3) ---- */
/* ---- Callback likelihoods (ABI 1.3) ---- */
/* A model given to the core as C functions, so that the core's own fits and asymptotic hypotest run on a model it
 * did not build (pyhf's infer works on any object with pyhf's model interface; the Python package passes such an
 * object here). The model is log L(pars | data) with n_pars parameters and data of n_data values (the main data
 * then the auxiliary data, as for a neos_model), its expected data, its suggested init, bounds and fixed values
 * and the index of its parameter of interest; optionally the gradient of log L.
 *
 * Each callback receives the context pointer given at creation first, writes its outputs and returns 0 on
 * success; any other return value reports a failure, and the call that invoked it ends with NEOS_ERR_MODEL, the
 * message naming the callback and the value it returned (nothing is written). A value that is not finite (NaN,
 * +-INFINITY: log L, a gradient component or an expected datum) ends the call with NEOS_ERR_NUMERIC, naming the
 * callback and the parameters. The callbacks run only during the neos_callback_* calls, on the calling thread,
 * synchronously; a handle used from several threads at once calls them concurrently.
 *
 * Without a gradient callback the core differentiates log L numerically, always inside the model's bounds:
 *   gradient  the five-point central difference [8(f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))] / 12h with
 *             h = eps^(1/5) * max(|x|, 1) (about 7.4e-4 * max(|x|, 1), eps = DBL_EPSILON), accurate to about
 *             eps^(4/5) = 3e-13 of log L's scale; within 2h of a bound the one-sided fourth-order stencil
 *             (-25 f0 + 48 f1 - 36 f2 + 16 f3 - 3 f4) / 12h into the bounds (about ten times the rounding error);
 *             4 evaluations per parameter.
 *   Hessian   second differences of log L with h = eps^(1/4) * max(|x|, 1) (accurate to about 1.5e-8
 *             relative; 2 n_pars^2 evaluations); with a gradient callback, central differences of the gradient with
 *             h = eps^(1/3) * max(|x|, 1) (about 4e-11 relative). Near a bound the stencil moves inside the bounds
 *             (first-order accurate there). The Hessian steers the Newton steps and gives the uncertainties; the
 *             fit's convergence (the EDM of neos_fit_with_options, default NEOS_FIT_DEFAULT_EDM_TOLERANCE) is
 *             judged with the gradient, so the optimum is found to the gradient's accuracy.
 * The model's bounds must therefore be finite; log L must be finite everywhere inside them. */

/** A model given as callbacks (neos_callback_model_create). @since 1.3 */
typedef struct neos_callback_model neos_callback_model;

/**
 * log L(pars | data) into *out_logpdf; pars[n_pars], data[n_data] (main then auxiliary data). Returns 0 on
 * success, anything else on failure. @since 1.3
 */
typedef int32_t (*neos_logpdf_callback)(void *context, const double *pars, size_t n_pars, const double *data,
                                        size_t n_data, double *out_logpdf);

/**
 * The gradient of log L(pars | data) with respect to pars into out_gradient[n_out_gradient] (n_pars values).
 * Returns 0 on success, anything else on failure. @since 1.3
 */
typedef int32_t (*neos_logpdf_gradient_callback)(void *context, const double *pars, size_t n_pars,
                                                 const double *data, size_t n_data, double *out_gradient,
                                                 size_t n_out_gradient);

/**
 * The expected data at pars, main then auxiliary data, into out_data[n_out_data] (n_data values). Returns 0 on
 * success, anything else on failure. @since 1.3
 */
typedef int32_t (*neos_expected_data_callback)(void *context, const double *pars, size_t n_pars, double *out_data,
                                               size_t n_out_data);

/**
 * Makes a callback model of n_pars >= 1 parameters and data of n_data values. poi_index is the index of the
 * parameter of interest, or -1 for none (fits work without one; the hypotest needs one).
 * init[n_pars], bounds[2 * n_pars] ((lower, upper) pairs, finite, lower <= upper) and fixed[n_pars] are the
 * model's suggestions (pyhf's suggested_init, suggested_bounds, suggested_fixed), copied; init must lie within
 * bounds. logpdf and expected_data are required; logpdf_gradient may be NULL (then the gradient is numerical, as
 * described above). context is passed to every callback unchanged (may be NULL). The callbacks and context must
 * stay valid until neos_callback_model_free. *out_model receives a new handle.
 * @since 1.3
 */
NEOS_API neos_status neos_callback_model_create(size_t n_pars, int64_t poi_index, const double *init,
                                                const double *bounds, const bool *fixed, size_t n_data,
                                                neos_logpdf_callback logpdf,
                                                neos_logpdf_gradient_callback logpdf_gradient,
                                                neos_expected_data_callback expected_data, void *context,
                                                neos_callback_model **out_model);

/**
 * Releases a callback model; NULL, freed and foreign handles are ignored. No callback runs after it returns.
 * @since 1.3
 */
NEOS_API void neos_callback_model_free(neos_callback_model *model);

/**
 * Maximum-likelihood fit of a callback model (as neos_fit): data[n_data], then init, bounds, fixed (each may be
 * NULL for the model's suggestion) and n_pars as for neos_fit. Outputs, each may be NULL: out_pars[n_out_pars]
 * (n_pars values), *out_twice_nll, out_uncertainties[n_out_uncertainties] (n_pars values, from the Hessian
 * described above; NEOS_ERR_NUMERIC where it is not positive definite).
 * @since 1.3
 */
NEOS_API neos_status neos_callback_fit(const neos_callback_model *model, const double *data, size_t n_data,
                                       const double *init, const double *bounds, const bool *fixed, size_t n_pars,
                                       double *out_pars, size_t n_out_pars, double *out_twice_nll,
                                       double *out_uncertainties, size_t n_out_uncertainties);

/**
 * As neos_callback_fit with the parameter of interest held at poi (as neos_fixed_poi_fit); a model without one
 * is NEOS_ERR_MODEL.
 * @since 1.3
 */
NEOS_API neos_status neos_callback_fixed_poi_fit(const neos_callback_model *model, double poi, const double *data,
                                                 size_t n_data, const double *init, const double *bounds,
                                                 const bool *fixed, size_t n_pars, double *out_pars,
                                                 size_t n_out_pars, double *out_twice_nll, double *out_uncertainties,
                                                 size_t n_out_uncertainties);

/**
 * The asymptotic hypothesis test of a callback model at poi (as neos_hypotest without Jacobians): test_stat
 * "qtilde", "q" or "q0"; out_values[n_out_values] receives NEOS_HYPOTEST_ROWS values, rows as the NEOS_HYPOTEST_*
 * indices. The Asimov data are the model's expected data (expected_data callback) at the fit with the POI held at
 * 0 (1 for q0).
 * @since 1.3
 */
NEOS_API neos_status neos_callback_hypotest(const neos_callback_model *model, double poi, const char *test_stat,
                                            const double *data, size_t n_data, const double *init,
                                            const double *bounds, const bool *fixed, size_t n_pars,
                                            double *out_values, size_t n_out_values);
/* ---- end of Callback likelihoods (ABI 1.3) ---- */

/* ---- Densities (ABI 1.3) ---- */
/* pyhf.probability's log-densities, elementwise over arrays of equal length (the caller broadcasts), in pyhf's
 * formulas: the Poisson's continuous log-density and the Normal's, the terms a neos_model's logpdf is made of.
 * Every input value is accepted, and each output is the formula's value in IEEE arithmetic, as pyhf's tensor
 * helpers give it: -INFINITY where the value is impossible (a count n > 0 at rate 0) and NaN where an input is
 * NaN or outside the density's domain (a negative rate with n != 0, sigma <= 0). This is the second exception to
 * the rule that no output is NaN or infinite with NEOS_OK. Lengths that differ are NEOS_ERR_INVALID_ARGUMENT. */

/**
 * log Pois(n | rate) = n log(rate) - rate - lgamma(n + 1) for each i, with 0 log(rate) = 0 (also for a negative
 * rate, as scipy's xlogy) and lgamma the log of |Gamma| (n need not be an integer):
 * counts[n_counts] and rates[n_rates] (n_rates == n_counts) into out_logpdf[n_out_logpdf] (n_counts values).
 * @since 1.3
 */
NEOS_API neos_status neos_poisson_logpdf(const double *counts, size_t n_counts, const double *rates, size_t n_rates,
                                         double *out_logpdf, size_t n_out_logpdf);

/**
 * log N(x | mean, sigma) = -log(sigma sqrt(2 pi)) - ((x - mean) / (sqrt(2) sigma))^2 for each i:
 * values[n_values], means[n_means] and sigmas[n_sigmas] (all of length n_values) into
 * out_logpdf[n_out_logpdf] (n_values values).
 * @since 1.3
 */
NEOS_API neos_status neos_normal_logpdf(const double *values, size_t n_values, const double *means, size_t n_means,
                                        const double *sigmas, size_t n_sigmas, double *out_logpdf,
                                        size_t n_out_logpdf);
/* ---- end of Densities (ABI 1.3) ---- */

/* ---- Value and gradient (ABI 1.3) ---- */
/**
 * NLL = -log L(pars | data) into *out_value and its exact gradient with respect to the parameters into
 * out_gradient[n_out_gradient] (n_pars values; may be NULL), in one call: what a minimiser asks for at every step,
 * for the price of about one of neos_model_logpdf and neos_model_nll_derivatives. pars[n_pars] and data[n_data]
 * (the main bins then the auxdata) as for neos_model_logpdf; the results equal -neos_model_logpdf and
 * neos_model_nll_derivatives' gradient bit for bit. Lengths and out_value (required) are checked first; the value
 * and every element of the gradient are finite, or the call is NEOS_ERR_NUMERIC naming why (also where the data
 * are impossible under the model, where neos_model_logpdf gives -INFINITY: the gradient is not finite there), and
 * nothing is written on any error.
 * @since 1.3
 */
NEOS_API neos_status neos_model_nll_and_gradient(const neos_model *model, const double *pars, size_t n_pars,
                                                 const double *data, size_t n_data, double *out_value,
                                                 double *out_gradient, size_t n_out_gradient);
/* ---- end of Value and gradient (ABI 1.3) ---- */

/* ---- Signal grids (ABI 1.4) ---- */
/* One inference per patch of a patchset applied to its background-only workspace (the model neos_workspace_model
 * builds with that one patch), the points spread over threads. Each point is computed exactly as it is alone, so the
 * results do not depend on the number of threads or on the order the points run in. A point that fails does not
 * stop the others: its status says why and its row is zeros. */

/**
 * The asymptotic hypotest of poi with test_stat (as neos_hypotest without derivatives, at the model's suggested
 * initial values, bounds and fixed parameters) for each patch named in names[n_names] (C strings; names NULL: every
 * patch of the patchset in its order, and n_names must be their number), on the model
 * neos_workspace_model(background, measurement_name, modifier_settings_json, {patch}, 1) builds, on threads threads
 * (0: every core). Row i of out_values[n_out_values] (n_names * NEOS_HYPOTEST_ROWS values, row-major, in names'
 * order) receives point i's NEOS_HYPOTEST_ROWS values, and out_status[n_out_status] (n_names values) its status:
 * NEOS_OK, or the status of the error the point met (a patch that does not apply, a fit that failed, a non-finite
 * result), whose row is then zeros. Returns NEOS_OK once every point has run, whatever their statuses. A bad
 * argument (a handle, a length, a name the patchset does not have, threads < 0, a test_stat other than qtilde, q
 * and q0 (since 1.5; before, each point failed with it)) is refused before any point runs, and nothing is written.
 * @since 1.4
 */
NEOS_API neos_status neos_grid_hypotest(const neos_workspace *background, const neos_patchset *patchset,
                                        const char *const *names, size_t n_names, const char *measurement_name,
                                        const char *modifier_settings_json, double poi, const char *test_stat,
                                        int32_t threads, double *out_values, size_t n_out_values,
                                        neos_status *out_status, size_t n_out_status);
/* ---- end of Signal grids (ABI 1.4) ---- */

/* ---- Toy p-values and more signal grids (ABI 1.5) ---- */
/* pyhf 0.7.6's EmpiricalDistribution and ToyCalculator arithmetic over samples of a test statistic (the values
 * neos_toy_test_statistics returns): a p-value is the fraction of samples at or above a value, and expected values
 * and the expected band are percentiles, linearly interpolated exactly as numpy.percentile's default method does.
 * Samples must be at least one value, every one finite; a NaN value or nsigma is NEOS_ERR_INVALID_ARGUMENT (an
 * infinite one is beyond every sample). Then the grids of ABI 1.4's section above for upper limits and for
 * toy-based hypotests, with its conventions (names, out_status, threads, a failed point's zeros). */

/**
 * The fraction of samples[n_samples] at or above each of values[n_values] (pyhf's EmpiricalDistribution.pvalue:
 * the count divided by n_samples) into out_pvalues[n_out_pvalues] (n_values values).
 * @since 1.5
 */
NEOS_API neos_status neos_empirical_pvalues(const double *samples, size_t n_samples, const double *values,
                                            size_t n_values, double *out_pvalues, size_t n_out_pvalues);

/**
 * The statistic nsigma standard deviations into the distribution of samples[n_samples] for each of
 * nsigma[n_nsigma] (pyhf's EmpiricalDistribution.expected_value): the samples' percentile at 100 Phi(nsigma),
 * linearly interpolated as numpy.percentile, into out_values[n_out_values] (n_nsigma values). Phi is the core's
 * normal distribution function (through erfc), which can differ from scipy's in the last bit.
 * @since 1.5
 */
NEOS_API neos_status neos_empirical_expected_values(const double *samples, size_t n_samples, const double *nsigma,
                                                    size_t n_nsigma, double *out_values, size_t n_out_values);

/**
 * pyhf's ToyCalculator.expected_pvalues of the test statistic's samples under signal plus background
 * (signal_samples[n_signal_samples]) and background only (background_samples[n_background_samples]): CLsb, CLb
 * and CLs = CLsb / CLb of every background-only sample as the statistic, then each of the three read at the
 * percentiles pyhf writes, 2.27501319, 15.86552539, 50, 84.13447461 and 97.72498681 (linear, as numpy.percentile).
 * out_band[n_out_band] receives 3 * NEOS_EXPECTED_SET_SIZE values: the CLsb band, the CLb band, then the CLs band,
 * each in pyhf's order (ascending percentiles). Every value is finite: each background sample counts itself, so
 * CLb >= 1 / n_background_samples.
 * @since 1.5
 */
NEOS_API neos_status neos_toy_expected_pvalues(const double *signal_samples, size_t n_signal_samples,
                                               const double *background_samples, size_t n_background_samples,
                                               double *out_band, size_t n_out_band);

/**
 * Upper limits at CLs = level (0 < level < 1) with test_stat ("qtilde", "q" or "q0") for each patch named in
 * names[n_names] (as neos_grid_hypotest: the model with that patch alone, at its suggested initial values, bounds
 * and fixed parameters), on threads threads (0: every core): over scan[n_scan] as neos_upper_limit_scan (sorted and
 * deduplicated; fewer than two distinct values or a value that is not finite is NEOS_ERR_INVALID_ARGUMENT), or,
 * with scan NULL (n_scan is then ignored), by root finding as neos_upper_limit. Row i of
 * out_limits[n_out_limits] (n_names * NEOS_UPPER_LIMIT_ROWS values, row-major) receives point i's observed limit
 * then its expected ones; out_positions[n_out_positions] (n_names * NEOS_UPPER_LIMIT_ROWS values; may be NULL)
 * where each lies relative to the scan (NEOS_UPPER_LIMIT_BELOW_SCAN, _INSIDE_SCAN or _ABOVE_SCAN; always inside
 * for root finding, and 0 for a failed point); out_status[n_out_status] (n_names values) each point's status. A
 * point whose limit root finding cannot bracket within the POI's bounds fails with NEOS_ERR_NUMERIC. Returns
 * NEOS_OK once every point has run; a bad argument (also a level, scan or test_stat no point could use) is refused
 * before any point runs, and nothing is written.
 * @since 1.5
 */
NEOS_API neos_status neos_grid_upper_limit(const neos_workspace *background, const neos_patchset *patchset,
                                           const char *const *names, size_t n_names, const char *measurement_name,
                                           const char *modifier_settings_json, double level, const double *scan,
                                           size_t n_scan, const char *test_stat, int32_t threads, double *out_limits,
                                           size_t n_out_limits, int32_t *out_positions, size_t n_out_positions,
                                           neos_status *out_status, size_t n_out_status);

/** Rows of a toy-based hypotest (neos_grid_toy_hypotest), per point. */
#define NEOS_TOY_HYPOTEST_Q_OBSERVED 0 /**< the test statistic q (not sqrt(q)) of the observed data */
#define NEOS_TOY_HYPOTEST_CLSB 1       /**< the fraction of signal-plus-background toys at or above it */
#define NEOS_TOY_HYPOTEST_CLB 2        /**< the fraction of background-only toys at or above it */
#define NEOS_TOY_HYPOTEST_CLS 3        /**< CLsb / CLb */
#define NEOS_TOY_HYPOTEST_EXPECTED 4   /**< first of NEOS_EXPECTED_SET_SIZE: the CLs band (for q0 the CLsb band) */
#define NEOS_TOY_HYPOTEST_ROWS 9       /**< the number of rows */

/**
 * The toy-based hypotest of poi with test_stat ("qtilde", "q" or "q0") for each patch named in names[n_names] (as
 * neos_grid_hypotest), with pyhf's ToyCalculator: the statistic of the data; n_toys (1 to NEOS_MAX_TOYS)
 * signal-plus-background toys drawn at the fit of the data with the POI fixed at poi, from seed, and n_toys
 * background-only ones at the fit with it fixed at 0 (for q0 at 1), from seed + 1 (mod 2^64), each as
 * neos_toy_test_statistics draws and fits them; CLsb, CLb and CLs as neos_empirical_pvalues counts them and the band
 * of neos_toy_expected_pvalues. Every point uses the same seed, so a point's values are those of that model alone
 * with this seed, whatever the other points, the order they run in and threads (0: every core) are. Row i of
 * out_values[n_out_values] (n_names * NEOS_TOY_HYPOTEST_ROWS values, row-major) receives point i's rows
 * (NEOS_TOY_HYPOTEST_*), out_status[n_out_status] (n_names values) its status: a point where no background-only
 * toy reaches the observed statistic (CLb = 0, so CLs is not finite) is NEOS_ERR_NUMERIC, its row zeros. Returns
 * NEOS_OK once every point has run; a bad argument (also n_toys = 0 or a test_stat no point could use) is refused
 * before any point runs, and nothing is written.
 * @since 1.5
 */
NEOS_API neos_status neos_grid_toy_hypotest(const neos_workspace *background, const neos_patchset *patchset,
                                            const char *const *names, size_t n_names, const char *measurement_name,
                                            const char *modifier_settings_json, double poi, const char *test_stat,
                                            size_t n_toys, uint64_t seed, int32_t threads, double *out_values,
                                            size_t n_out_values, neos_status *out_status, size_t n_out_status);
/* ---- end of Toy p-values and more signal grids (ABI 1.5) ---- */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NEOS_H */
