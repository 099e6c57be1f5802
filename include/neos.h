/*
 * neos.h — the stable C interface of neos-swift (libneos).
 *
 * neos-swift is a native, differentiable statistical-inference engine for high-energy physics: binned-KDE
 * histograms, HistFactory models with pyhf's semantics, fits, test statistics and CLs, and the gradients of all
 * of them. This header is its only public C interface; Python (neos_swift), ROOT macros and any C FFI use it.
 *
 * Conventions (they hold for every function below):
 *   - Every function that can fail returns a neos_status. NEOS_OK (0) means success; on any other status the
 *     thread-local text from neos_last_error_message() says what was wrong.
 *   - Output buffers are owned by the caller and always come with their length. A length that does not match
 *     what the function needs is NEOS_ERR_INVALID_ARGUMENT. Outputs are written only on success: on failure no
 *     caller buffer is touched.
 *   - Optional inputs and outputs are marked "may be NULL"; every other pointer must be non-NULL (a NULL gives
 *     NEOS_ERR_INVALID_ARGUMENT, never a crash).
 *   - Objects are opaque handles made by a neos_*_create / neos_*_from_* function and released by the matching
 *     neos_*_free, which accepts NULL. A handle may be used from several threads at once unless stated otherwise.
 *   - Strings are NUL-terminated UTF-8. Returned `const char*` belong to the library.
 *   - Numbers are IEEE double. Lengths are size_t. Flags are bit sets of the NEOS_* constants.
 *   - The ABI only grows: functions are added, never changed or removed. NEOS_ABI_VERSION counts additions.
 */
#ifndef NEOS_H
#define NEOS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of this header's ABI; compare with neos_abi_version() to detect a mismatched library. */
#define NEOS_ABI_VERSION 8

/* ---------------------------------------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------------------------------------- */

/** Result of every fallible call. */
typedef int32_t neos_status;

#define NEOS_OK 0                       /**< Success. */
#define NEOS_ERR_INVALID_ARGUMENT 1     /**< NULL pointer, wrong length, NaN/inf, value outside its domain. */
#define NEOS_ERR_PARSE 2                /**< Malformed JSON or JSON of the wrong shape. */
#define NEOS_ERR_MODEL 3                /**< A well-formed input that does not describe a valid model. */
#define NEOS_ERR_FIT_FAILED 4           /**< A minimisation did not converge. */
#define NEOS_ERR_NUMERIC 5              /**< A result would be non-finite or undefined. */
#define NEOS_ERR_OUT_OF_MEMORY 6        /**< An allocation failed. */
#define NEOS_ERR_INTERNAL 7             /**< A bug in neos-swift; please report the message. */

/**
 * The message of the last failed call on this thread, or "" if none has failed yet.
 * The pointer stays valid until the next failing call on the same thread.
 */
const char *neos_last_error_message(void);

/** A constant name for a status code ("NEOS_OK", "NEOS_ERR_PARSE", ...; "NEOS_UNKNOWN_STATUS" otherwise). */
const char *neos_status_name(neos_status status);

/* ---------------------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------------------- */

/** The library version as "MAJOR.MINOR.PATCH". */
const char *neos_version(void);

/** The ABI version the library was built with (NEOS_ABI_VERSION of its header). */
int32_t neos_abi_version(void);

/* ---------------------------------------------------------------------------------------------------------
 * Differentiable histograms (binned KDE) and cuts
 * ------------------------------------------------------------------------------------------------------- */

/** neos_hist flag: divide counts by bin width and total mass (a density integrating to 1). */
#define NEOS_HIST_DENSITY 1u
/** neos_hist flag: add the kernel mass outside [edges[0], edges[n-1]] to the first and last bins. */
#define NEOS_HIST_REFLECT_INFINITIES 2u

/**
 * Binned kernel density estimate:
 *   counts[j] = sum_k w_k [Phi((edges[j+1]-data[k])/bandwidth) - Phi((edges[j]-data[k])/bandwidth)],
 * with Phi the standard normal CDF (computed through erfc, accurate in the tails). bandwidth == 0 gives the
 * hard histogram with numpy.histogram's binning (last bin closed on the right).
 *
 * data[n_data]          events, finite.
 * weights[n_data]       per-event weights, finite; may be NULL (all 1).
 * edges[n_edges]        bin edges, finite, strictly increasing, n_edges >= 2.
 * bandwidth             kernel width, finite, >= 0.
 * flags                 NEOS_HIST_DENSITY | NEOS_HIST_REFLECT_INFINITIES, or 0.
 * out_counts[n_counts]  receives the n_edges - 1 counts.
 */
neos_status neos_hist(const double *data, size_t n_data, const double *weights, const double *edges,
                      size_t n_edges, double bandwidth, uint32_t flags, double *out_counts, size_t n_counts);

/**
 * Vector-Jacobian product of neos_hist: the gradient of sum_j cotangent[j] * counts[j] with respect to the
 * data, the weights, the edges and the bandwidth. Arguments as for neos_hist, plus:
 *
 * cotangent[n_cotangent]       one finite value per bin (n_cotangent = n_edges - 1).
 * grad_data[n_grad_data]       receives d/d data (n_data values); may be NULL.
 * grad_weights[n_grad_weights] receives d/d weights (n_data values; the weights are 1 when weights is NULL);
 *                              may be NULL.
 * grad_edges[n_grad_edges]     receives d/d edges (n_edges values); may be NULL.
 * grad_bandwidth               receives d/d bandwidth; may be NULL.
 * A NULL output's length is ignored. At bandwidth == 0 the counts are piecewise constant, so the data, edge and
 * bandwidth gradients are 0.
 */
neos_status neos_hist_vjp(const double *cotangent, size_t n_cotangent, const double *data, size_t n_data,
                          const double *weights, const double *edges, size_t n_edges, double bandwidth,
                          uint32_t flags, double *grad_data, size_t n_grad_data, double *grad_weights,
                          size_t n_grad_weights, double *grad_edges, size_t n_grad_edges, double *grad_bandwidth);

/** Which side of a cut is kept. */
typedef int32_t neos_cut_keep;
#define NEOS_KEEP_ABOVE 0 /**< weight = sigmoid(slope * (x - cut_value)) */
#define NEOS_KEEP_BELOW 1 /**< weight = sigmoid(-slope * (x - cut_value)) */

/**
 * Sigmoid cut weights: out_weights[k] = sigmoid(+-slope * (data[k] - cut_value)), + for NEOS_KEEP_ABOVE and -
 * for NEOS_KEEP_BELOW. data, cut_value and slope must be finite; any other keep is NEOS_ERR_INVALID_ARGUMENT.
 * out_weights has n_out = n_data entries.
 */
neos_status neos_cut(const double *data, size_t n_data, double cut_value, double slope, neos_cut_keep keep,
                     double *out_weights, size_t n_out);

/**
 * Vector-Jacobian product of neos_cut: the gradient of sum_k cotangent[k] * weight[k] with respect to data
 * (grad_data[n_grad_data], n_data values), cut_value (*grad_cut_value) and slope (*grad_slope). Each output may
 * be NULL.
 */
neos_status neos_cut_vjp(const double *cotangent, size_t n_cotangent, const double *data, size_t n_data,
                         double cut_value, double slope, neos_cut_keep keep, double *grad_data, size_t n_grad_data,
                         double *grad_cut_value, double *grad_slope);

/* ---------------------------------------------------------------------------------------------------------
 * HistFactory workspaces and models (pyhf 0.7.6 semantics)
 * ------------------------------------------------------------------------------------------------------- */

/** A parsed pyhf workspace (JSON schema 1.0.0). Immutable; safe to share between threads. */
typedef struct neos_workspace neos_workspace;
/** A built HistFactory model. Immutable; safe to share between threads. */
typedef struct neos_model neos_model;
/** A pyhf patchset (signal patches for one background-only workspace). */
typedef struct neos_patchset neos_patchset;

/**
 * Parses a workspace from JSON text (json_length bytes, no NUL needed). Errors name the JSON path
 * ("channels[2].samples[0].modifiers[1].data.hi_data: expected 4 numbers, got 3"): NEOS_ERR_PARSE for malformed
 * or mis-shaped JSON, NEOS_ERR_MODEL for a well-formed workspace that is not valid. *out_workspace receives a new
 * handle, released with neos_workspace_free.
 */
neos_status neos_workspace_from_json(const char *json, size_t json_length, neos_workspace **out_workspace);

/** Releases a workspace; NULL is ignored. */
void neos_workspace_free(neos_workspace *workspace);

/**
 * Builds the model of one measurement (pyhf's Workspace.model).
 * measurement_name        NUL-terminated name, or NULL for the first measurement.
 * modifier_settings_json  pyhf's modifier_settings as JSON ({"normsys": {"interpcode": "code1"}, ...}), or NULL
 *                         for pyhf's defaults (normsys code4, histosys code4p).
 * patches[n_patches]      NUL-terminated JSON texts, each a jsonpatch (RFC 6902) array applied to the model spec
 *                         in order; patches may be NULL when n_patches is 0.
 * *out_model receives a new handle, released with neos_model_free.
 */
neos_status neos_workspace_model(const neos_workspace *workspace, const char *measurement_name,
                                 const char *modifier_settings_json, const char *const *patches, size_t n_patches,
                                 neos_model **out_model);

/**
 * The observed data for a model built from this workspace: the observations in the model's channel order,
 * followed by the model's auxiliary data when include_auxdata is non-zero. out_data[n_out] must have exactly
 * that length (neos_model_sizes gives n_main and n_aux).
 */
neos_status neos_workspace_data(const neos_workspace *workspace, const neos_model *model, int32_t include_auxdata,
                                double *out_data, size_t n_out);

/**
 * The workspace's metadata as JSON: {"measurements": [...], "channels": [...]}. String outputs follow one rule:
 * with buffer == NULL only *required_length (bytes including the NUL) is written; otherwise buffer_length must be
 * at least that, and the NUL-terminated text is written.
 */
neos_status neos_workspace_metadata_json(const neos_workspace *workspace, char *buffer, size_t buffer_length,
                                         size_t *required_length);

/** Parses a pyhf patchset (JSON, json_length bytes). Release with neos_patchset_free. */
neos_status neos_patchset_from_json(const char *json, size_t json_length, neos_patchset **out_patchset);

/** Releases a patchset; NULL is ignored. */
void neos_patchset_free(neos_patchset *patchset);

/** The names of the patchset's patches as a JSON array of strings (string-output rule as above). */
neos_status neos_patchset_names_json(const neos_patchset *patchset, char *buffer, size_t buffer_length,
                                     size_t *required_length);

/** The jsonpatch of the patch called name, as JSON text (string-output rule as above). */
neos_status neos_patchset_patch_json(const neos_patchset *patchset, const char *name, char *buffer,
                                     size_t buffer_length, size_t *required_length);

/**
 * Builds a model from a pyhf model spec ({"channels": [...], "parameters": [...]}), as pyhf.Model(spec).
 * poi_name: NUL-terminated, or NULL for a model without POI. modifier_settings_json as for neos_workspace_model.
 */
neos_status neos_model_from_json(const char *spec_json, size_t spec_length, const char *poi_name,
                                 const char *modifier_settings_json, neos_model **out_model);

/** pyhf.simplemodels.uncorrelated_background: signal, bkg and bkg_uncertainty each have n_bins entries. */
neos_status neos_simplemodels_uncorrelated_background(const double *signal, const double *background,
                                                      const double *uncertainty, size_t n_bins,
                                                      neos_model **out_model);

/**
 * pyhf.simplemodels.correlated_background (histosys "correlated_bkg_uncertainty"); each array has n_bins entries.
 * modifier_settings_json may be NULL (pyhf's defaults: histosys code4p).
 */
neos_status neos_simplemodels_correlated_background(const double *signal, const double *background,
                                                    const double *background_up, const double *background_down,
                                                    size_t n_bins, const char *modifier_settings_json,
                                                    neos_model **out_model);

/** Releases a model; NULL is ignored. */
void neos_model_free(neos_model *model);

/**
 * The model's sizes. Each output may be NULL. *poi_index is -1 when the model has no POI.
 * n_pars: parameters; n_main: main-data bins; n_aux: auxiliary data; n_inputs: entries of the model's inputs.
 */
neos_status neos_model_sizes(const neos_model *model, size_t *n_pars, size_t *n_main, size_t *n_aux,
                             size_t *n_inputs, int64_t *poi_index);

/**
 * The model's metadata as JSON (string-output rule as for neos_workspace_metadata_json): {"par_order",
 * "par_names", "poi_name", "poi_index", "channels", "channel_nbins", "samples", "input_names",
 * "normsys_interpcode", "histosys_interpcode"}.
 */
neos_status neos_model_metadata_json(const neos_model *model, char *buffer, size_t buffer_length,
                                     size_t *required_length);

/**
 * Suggested initial values (out_init[n_pars]), bounds (out_bounds[2*n_pars]: lower0, upper0, lower1, ...),
 * fixed flags (out_fixed[n_pars], 1 = fixed) and auxiliary data (out_auxdata[n_aux]). Each output may be NULL
 * (its length is then ignored).
 */
neos_status neos_model_suggested(const neos_model *model, double *out_init, size_t n_init, double *out_bounds,
                                 size_t n_bounds, uint8_t *out_fixed, size_t n_fixed, double *out_auxdata,
                                 size_t n_auxdata);

/** log L(pars | data) as pyhf's Model.logpdf; data = main bins then auxdata (n_main + n_aux). */
neos_status neos_model_logpdf(const neos_model *model, const double *pars, size_t n_pars, const double *data,
                              size_t n_data, double *out_logpdf);

/** Expected data at pars: n_main values, followed by n_aux more when include_auxdata is non-zero. */
neos_status neos_model_expected_data(const neos_model *model, const double *pars, size_t n_pars,
                                     int32_t include_auxdata, double *out_data, size_t n_out);

/** Exact gradient (out_gradient[n_pars]) and Hessian (out_hessian[n_pars*n_pars], row-major) of NLL = -logpdf
 * with respect to the parameters. Either output may be NULL. */
neos_status neos_model_nll_derivatives(const neos_model *model, const double *pars, size_t n_pars,
                                       const double *data, size_t n_data, double *out_gradient, size_t n_gradient,
                                       double *out_hessian, size_t n_hessian);

/** The numbers the model was built from, flattened (out_inputs[n_inputs]); names in the metadata JSON. */
neos_status neos_model_inputs(const neos_model *model, double *out_inputs, size_t n_inputs);

/** A new model with the same structure and new input numbers (inputs[n_inputs]); no JSON is re-parsed. */
neos_status neos_model_with_inputs(const neos_model *model, const double *inputs, size_t n_inputs,
                                   neos_model **out_model);

/** Gradient of logpdf with respect to parameters, data and inputs. Each output may be NULL. */
neos_status neos_model_logpdf_vjp(const neos_model *model, const double *pars, size_t n_pars, const double *data,
                                  size_t n_data, double *grad_pars, size_t n_grad_pars, double *grad_data,
                                  size_t n_grad_data, double *grad_inputs, size_t n_grad_inputs);

/** Vector-Jacobian product of expected data (cotangent[n_main (+ n_aux when include_auxdata)]) with respect to
 * parameters and inputs. Each output may be NULL. */
neos_status neos_model_expected_data_vjp(const neos_model *model, const double *cotangent, size_t n_cotangent,
                                         const double *pars, size_t n_pars, int32_t include_auxdata,
                                         double *grad_pars, size_t n_grad_pars, double *grad_inputs,
                                         size_t n_grad_inputs);

/* ---------------------------------------------------------------------------------------------------------
 * Inference: fits, test statistics, hypothesis tests, upper limits
 *
 * Every inference call takes the fit settings the same way, as pyhf does:
 *   init[n_pars]     initial values, or NULL for the model's suggestion;
 *   bounds[2*n_pars] (lower, upper) pairs, or NULL for the suggestion;
 *   fixed[n_pars]    1 = held at its init value, or NULL for the suggestion;
 *   n_pars           the model's parameter count (checked, also when all three are NULL).
 * An init outside its bounds is NEOS_ERR_INVALID_ARGUMENT; a fit that does not converge is
 * NEOS_ERR_FIT_FAILED, never a silent result.
 * ------------------------------------------------------------------------------------------------------- */

/**
 * Maximum-likelihood fit (pyhf.infer.mle.fit). out_pars[n_out_pars] receives the best fit; *out_twice_nll the
 * minimum of -2 log L; out_uncertainties[n_pars] the inverse-Hessian uncertainties (0 for fixed parameters; a
 * parameter held on a bound or at a kink counts as fixed for the others and is uncorrelated with them) and
 * out_correlations[n_pars*n_pars] the correlations. Every output may be NULL; requesting uncertainties or
 * correlations where the Hessian is not positive definite is NEOS_ERR_NUMERIC.
 */
neos_status neos_fit(const neos_model *model, const double *data, size_t n_data, const double *init,
                     const double *bounds, const uint8_t *fixed, size_t n_pars, double *out_pars,
                     size_t n_out_pars, double *out_twice_nll, double *out_uncertainties, size_t n_uncertainties,
                     double *out_correlations, size_t n_correlations);

/** As neos_fit with the POI fixed at poi (pyhf.infer.mle.fixed_poi_fit). */
neos_status neos_fixed_poi_fit(const neos_model *model, double poi, const double *data, size_t n_data,
                               const double *init, const double *bounds, const uint8_t *fixed, size_t n_pars,
                               double *out_pars, size_t n_out_pars, double *out_twice_nll,
                               double *out_uncertainties, size_t n_uncertainties, double *out_correlations,
                               size_t n_correlations);

/**
 * A fit and the Jacobians of its best-fit parameters, by implicit differentiation at the optimum: with
 * fix_poi == 0 the global fit (poi ignored), otherwise the fit with the POI fixed at poi. Fit settings as for
 * neos_fit. out_pars[n_pars] receives the best fit; out_jacobian_inputs[n_pars * n_inputs] (row-major, inputs in
 * the order of neos_model_inputs) and out_jacobian_data[n_pars * n_data] the derivatives of each parameter. Rows of
 * parameters that are fixed, on a bound or held at a kink of the likelihood are zero. Each output may be NULL.
 */
neos_status neos_fit_jacobian(const neos_model *model, int32_t fix_poi, double poi, const double *data,
                              size_t n_data, const double *init, const double *bounds, const uint8_t *fixed,
                              size_t n_pars, double *out_pars, size_t n_out_pars, double *out_jacobian_inputs,
                              size_t n_jacobian_inputs, double *out_jacobian_data, size_t n_jacobian_data);

/**
 * A profile-likelihood test statistic at poi: test_stat is "q0", "q"/"qmu", "qtilde"/"qmu_tilde", "tmu" or
 * "tmu_tilde" (pyhf.infer.test_statistics).
 */
neos_status neos_test_statistic(const neos_model *model, const char *test_stat, double poi, const double *data,
                                size_t n_data, const double *init, const double *bounds, const uint8_t *fixed,
                                size_t n_pars, double *out_value);

/**
 * Asymptotic hypothesis test at poi (pyhf.infer.hypotest), test_stat "qtilde", "q" or "q0".
 * *out_cls            CLs (for q0: the discovery p-value p0 = CLsb).
 * out_tail_probs[2]   CLsb, CLb observed; may be NULL.
 * out_expected_set[5] the expected CLs band in pyhf's order (for q0: the CLsb band); may be NULL.
 * out_statistics[2]   q_obs and q_A (the test statistic on the data and on the Asimov data); may be NULL.
 */
neos_status neos_hypotest(const neos_model *model, double poi, const double *data, size_t n_data,
                          const double *init, const double *bounds, const uint8_t *fixed, size_t n_pars,
                          const char *test_stat, double *out_cls, double *out_tail_probs,
                          double *out_expected_set, double *out_statistics);

/**
 * neos_hypotest plus the derivatives of its outputs (CLs observed, then the expected set; for q0 p0 then the CLsb
 * band: 6 outputs) with respect to the model's inputs and the data: out_outputs[6], out_jacobian_inputs[6 *
 * n_inputs] and out_jacobian_data[6 * n_data], row-major. Fits are differentiated implicitly at their optimum,
 * p-values in log space; a statistic clipped at 0 contributes its one-sided derivative, 0. Each output may be NULL.
 */
neos_status neos_hypotest_jacobian(const neos_model *model, double poi, const double *data, size_t n_data,
                                   const double *init, const double *bounds, const uint8_t *fixed, size_t n_pars,
                                   const char *test_stat, double *out_outputs, size_t n_outputs,
                                   double *out_jacobian_inputs, size_t n_jacobian_inputs, double *out_jacobian_data,
                                   size_t n_jacobian_data);

/**
 * Upper limit on the POI at CLs = level (pyhf.infer.intervals.upper_limits.upper_limit, test statistic qtilde).
 * scan[n_scan]        POI values to interpolate over, or NULL to solve CLs(mu) = level by root finding.
 * *out_observed, out_expected[5] (pyhf's order) receive the limits.
 * out_scan_pois[scan_capacity], out_scan_cls[6*scan_capacity], *out_scan_count: every POI at which a hypotest
 * ran and its CLs (observed, then the expected set); may all be NULL. A capacity below the number of hypotests
 * run is NEOS_ERR_INVALID_ARGUMENT (nothing written); 256 always suffices for root finding.
 */
neos_status neos_upper_limit(const neos_model *model, const double *data, size_t n_data, const double *scan,
                             size_t n_scan, double level, const double *init, const double *bounds,
                             const uint8_t *fixed, size_t n_pars, double *out_observed, double *out_expected,
                             double *out_scan_pois, double *out_scan_cls, size_t scan_capacity,
                             size_t *out_scan_count);

/* ---------------------------------------------------------------------------------------------------------
 * neos losses: values on Asimov data and their gradients with respect to the model's inputs
 *
 * The gradient is the total derivative with respect to every number the model was built from (the order of
 * neos_model_inputs), including how the Asimov data move with them; fits are differentiated implicitly at their
 * optimum, never unrolled. out_gradient[n_gradient] (n_inputs values) may be NULL when only the value is wanted.
 * ------------------------------------------------------------------------------------------------------- */

/**
 * Expected CLs of pyhf's "q" test at test_poi on the background-only Asimov data (every parameter at its suggested
 * init, the POI at 0): CLs = erfc(sqrt(q/2)) with q = 2[NLL(constrained fit at test_poi) - NLL(Asimov point)].
 */
neos_status neos_loss_expected_cls(const neos_model *model, double test_poi, double *out_value, double *out_gradient,
                                   size_t n_gradient);

/** The discovery p-value p0 = Phi(-sqrt(q0)) on the Asimov data at POI = 1 (parameters at their suggested init). */
neos_status neos_loss_discovery_p0(const neos_model *model, double *out_value, double *out_gradient,
                                   size_t n_gradient);

/**
 * The median expected upper limit on the POI at CLs = level (0 < level < 1; qtilde, root finding), with the
 * background-only Asimov data as the observation. Its gradient is the implicit derivative of CLs(mu*) = level.
 */
neos_status neos_loss_expected_upper_limit(const neos_model *model, double level, double *out_value,
                                           double *out_gradient, size_t n_gradient);

/**
 * neos's "poi_uncert": sigma_mu = sqrt([I^-1]_mu,mu), with I the Fisher information (the NLL Hessian on the Asimov
 * data of the nominal point: parameters at their suggested init, the POI at poi_value). Inverting the whole matrix
 * profiles every free nuisance parameter; fixed parameters are left out. Its gradient follows I through the inputs
 * and the Asimov data.
 */
neos_status neos_loss_poi_uncertainty(const neos_model *model, double poi_value, double *out_value,
                                      double *out_gradient, size_t n_gradient);

/** INFERNO's objective: the POI variance [I^-1]_mu,mu (the square of neos_loss_poi_uncertainty), and its gradient. */
neos_status neos_loss_poi_variance(const neos_model *model, double poi_value, double *out_value, double *out_gradient,
                                   size_t n_gradient);

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
 * A trainer is not thread-safe: use each handle from one thread at a time (different handles are independent).
 * ------------------------------------------------------------------------------------------------------- */

/** A neos training run: data, network, statistical model, optimiser and its log. */
typedef struct neos_trainer neos_trainer;

/** Makes a trainer from config_json (NUL-terminated) on its built-in data (data "blobs"). Free with neos_trainer_free. */
neos_status neos_trainer_create(const char *config_json, neos_trainer **out_trainer);

/**
 * Makes a trainer on the caller's events (config "data": "events"). For each of the n_sets event sets, names[i] is
 * its NUL-terminated name, train_points[i] holds train_counts[i] events of `dimension` features (row-major) and
 * train_weights[i] their weights (NULL: all 1); likewise for the test events. weight arrays may be NULL as a whole.
 * The events are copied.
 */
neos_status neos_trainer_create_with_events(const char *config_json, size_t n_sets, const char *const *names,
                                            size_t dimension, const double *const *train_points,
                                            const size_t *train_counts, const double *const *train_weights,
                                            const double *const *test_points, const size_t *test_counts,
                                            const double *const *test_weights, neos_trainer **out_trainer);

/** Releases a trainer; NULL is ignored. */
void neos_trainer_free(neos_trainer *trainer);

/**
 * Sizes: n_parameters (network + trained inner edges), n_network (network parameters only), n_bins, and the number
 * of steps taken. Each output may be NULL.
 */
neos_status neos_trainer_sizes(const neos_trainer *trainer, size_t *n_parameters, size_t *n_network, size_t *n_bins,
                               size_t *n_steps);

/** Copies the trained vector into out_parameters[n_parameters]. */
neos_status neos_trainer_get_parameters(const neos_trainer *trainer, double *out_parameters, size_t n_parameters);

/** Replaces the trained vector (finite values; n_parameters must match). Optimiser state is kept. */
neos_status neos_trainer_set_parameters(neos_trainer *trainer, const double *parameters, size_t n_parameters);

/** The full bin-edge vector (n_bins + 1 values, outer edges included) as the optimiser left it. */
neos_status neos_trainer_bin_edges(const neos_trainer *trainer, double *out_edges, size_t n_edges);

/**
 * One optimiser step on the next mini-batch. *out_loss (may be NULL) receives the batch objective before the
 * update. On an error the parameters are unchanged.
 */
neos_status neos_trainer_step(neos_trainer *trainer, double *out_loss);

/**
 * n_steps steps, each followed by the test metrics, which are logged (neos_trainer_metrics_json) and used to keep
 * the best step (lowest select_by metric). If a step fails, the steps before it stay applied and logged, and the
 * failing one changes nothing.
 */
neos_status neos_trainer_run(neos_trainer *trainer, size_t n_steps);

/** Test-set metrics with the eval bandwidth (0: hard histograms): expected CLs, discovery p0, sigma_mu. Each may be NULL. */
neos_status neos_trainer_evaluate(const neos_trainer *trainer, double *out_cls, double *out_discovery,
                                  double *out_poi_uncert);

/**
 * The yields of one event set (out_yields[n_bins]) as the model sees them: on split 0 (test) or 1 (train), with
 * KDE bandwidth `bandwidth` (0: ordinary histogram; a negative value: the configured eval bandwidth).
 */
neos_status neos_trainer_histogram(const neos_trainer *trainer, const char *event_set, int32_t split,
                                   double bandwidth, double *out_yields, size_t n_bins);

/** The network's output for n_points points of `dimension` features (row-major) into out_values[n_points]. */
neos_status neos_trainer_predict(const neos_trainer *trainer, const double *points, size_t n_points, size_t dimension,
                                 double *out_values, size_t n_values);

/**
 * The objective and its gradient at `parameters` (n_parameters) on the given events, without changing the trainer
 * (the functional form of the pipeline). Events as for neos_trainer_create_with_events; out_gradient[n_parameters]
 * may be NULL.
 */
neos_status neos_trainer_loss_and_gradient(const neos_trainer *trainer, const double *parameters, size_t n_parameters,
                                           size_t n_sets, const char *const *names, size_t dimension,
                                           const double *const *points, const size_t *counts,
                                           const double *const *weights, double *out_loss, double *out_gradient,
                                           size_t n_gradient);

/**
 * The log as metrics.json text: {"config", "objective", "select_by", "steps": [{"step", "loss", "test": {"cls",
 * "discovery", "poi_uncert"}, "seconds"}, ...], "best": {"step", "test", "edges"} or null} (string-output rule).
 */
neos_status neos_trainer_metrics_json(const neos_trainer *trainer, char *buffer, size_t buffer_length,
                                      size_t *required_length);

/** Restores the parameters of the best step logged by neos_trainer_run (NEOS_ERR_INVALID_ARGUMENT if none). */
neos_status neos_trainer_restore_best(neos_trainer *trainer);

/**
 * Saves the network and bin edges to path (NUL-terminated): a JSON header line, then the parameters as
 * little-endian float64 (format in README.md).
 */
neos_status neos_trainer_save(const neos_trainer *trainer, const char *path);

/** Loads a file written by neos_trainer_save; the network shape must match. */
neos_status neos_trainer_load(neos_trainer *trainer, const char *path);

/** The number of events (*out_count) and their features (*out_dimension) of one event set on split 0 (test) or 1 (train). */
neos_status neos_trainer_event_count(const neos_trainer *trainer, const char *event_set, int32_t split,
                                     size_t *out_count, size_t *out_dimension);

/** Copies one event set's events (count x dimension values, row-major) into out_points[n_values]. */
neos_status neos_trainer_events(const neos_trainer *trainer, const char *event_set, int32_t split,
                                double *out_points, size_t n_values);

/**
 * neos_hypotest and the Jacobians of neos_hypotest_jacobian from one set of fits: the outputs of neos_hypotest
 * (out_cls required; out_tail_probs[2], out_expected_set[5], out_statistics[2] may be NULL), then
 * out_jacobian_inputs[6 * n_inputs] and out_jacobian_data[6 * n_data] (either may be NULL), rows ordered as the
 * CLs observed and then the expected set (q0: p0, then the CLsb band).
 */
neos_status neos_hypotest_with_jacobian(const neos_model *model, double poi, const double *data, size_t n_data,
                                        const double *init, const double *bounds, const uint8_t *fixed,
                                        size_t n_pars, const char *test_stat, double *out_cls, double *out_tail_probs,
                                        double *out_expected_set, double *out_statistics, double *out_jacobian_inputs,
                                        size_t n_jacobian_inputs, double *out_jacobian_data, size_t n_jacobian_data);

/** The names of the event sets the model reads, as a JSON array of strings (string-output rule). */
neos_status neos_trainer_event_sets_json(const neos_trainer *trainer, char *buffer, size_t buffer_length,
                                         size_t *required_length);

/**
 * Plot recording (what `python -m neos_swift.plots DIR` draws from): the first call records the current state as
 * "before" and frame -1; each later call adds a frame (network output on a 61 x 61 grid over [-5, 5]^2 for
 * two-feature events, histograms, edges) labelled with the last step taken.
 */
neos_status neos_trainer_record_plot_frame(neos_trainer *trainer);

/** plot_data.json of the recording, "after" being the current state (string-output rule). */
neos_status neos_trainer_plot_data_json(const neos_trainer *trainer, char *buffer, size_t buffer_length,
                                        size_t *required_length);

/**
 * The yields of every event set of the model at once (one forward pass): out_yields[n_values] holds n_sets x
 * n_bins values, the sets in the order of neos_trainer_event_sets_json. split and bandwidth as for
 * neos_trainer_histogram.
 */
neos_status neos_trainer_histograms(const neos_trainer *trainer, int32_t split, double bandwidth, double *out_yields,
                                    size_t n_values);

/* ---------------------------------------------------------------------------------------------------------
 * Derivatives of every hypothesis-test output and of upper limits (ABI 8)
 * ------------------------------------------------------------------------------------------------------- */

/** Rows of neos_hypotest_derivatives, in order. */
#define NEOS_HYPOTEST_Q_OBSERVED 0 /**< q_obs: the test statistic on the data (q0, q or qtilde) */
#define NEOS_HYPOTEST_Q_ASIMOV 1   /**< q_A: the test statistic on the Asimov data */
#define NEOS_HYPOTEST_Z_OBSERVED 2 /**< sqrt(q_obs): for q0 the observed discovery significance Z0 */
#define NEOS_HYPOTEST_Z_ASIMOV 3   /**< sqrt(q_A): for q0 the median expected significance */
#define NEOS_HYPOTEST_CLSB 4       /**< CLsb observed (for q0 the discovery p-value p0) */
#define NEOS_HYPOTEST_CLB 5        /**< CLb observed */
#define NEOS_HYPOTEST_CLS 6        /**< CLs observed */
#define NEOS_HYPOTEST_EXPECTED 7   /**< first of the five expected-band rows, pyhf's order (q0: the p0 band) */
#define NEOS_HYPOTEST_DERIVATIVE_ROWS 12

/**
 * Every output of an asymptotic hypothesis test (test_stat "qtilde", "q" or "q0") with its derivatives with respect
 * to the model's inputs and the data, from one set of fits: out_values[n_values] (NEOS_HYPOTEST_DERIVATIVE_ROWS
 * values, rows as the NEOS_HYPOTEST_* indices), out_jacobian_inputs[rows * n_inputs] and out_jacobian_data[rows *
 * n_data], row-major; either Jacobian may be NULL. Fits are differentiated implicitly at their optimum and p-values
 * in log space; a statistic clipped at 0 has the one-sided derivative 0 (so has its square root there).
 */
neos_status neos_hypotest_derivatives(const neos_model *model, double poi, const double *data, size_t n_data,
                                      const double *init, const double *bounds, const uint8_t *fixed, size_t n_pars,
                                      const char *test_stat, double *out_values, size_t n_values,
                                      double *out_jacobian_inputs, size_t n_jacobian_inputs,
                                      double *out_jacobian_data, size_t n_jacobian_data);

/**
 * Upper limits by root finding (as neos_upper_limit with scan = NULL, test statistic qtilde) and their derivatives,
 * by implicit differentiation of CLs(mu*) = level: out_limits[n_limits] (6 values: observed, then the expected
 * limits in pyhf's order), out_jacobian_inputs[6 * n_inputs] and out_jacobian_data[6 * n_data], row-major; either
 * Jacobian may be NULL. A limit where CLs does not change with the POI has no derivative: NEOS_ERR_NUMERIC.
 */
neos_status neos_upper_limit_jacobian(const neos_model *model, const double *data, size_t n_data, double level,
                                      const double *init, const double *bounds, const uint8_t *fixed, size_t n_pars,
                                      double *out_limits, size_t n_limits, double *out_jacobian_inputs,
                                      size_t n_jacobian_inputs, double *out_jacobian_data, size_t n_jacobian_data);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NEOS_H */
