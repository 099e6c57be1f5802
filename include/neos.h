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
#define NEOS_ABI_VERSION 1

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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NEOS_H */
