/* Hostile arguments at the C ABI (issue 13, classes 1-3; complements test_hostile.c with every handle-taking
 * function called with five kinds of bad handle, and trainer calls with NaN/inf and short buffers): each case runs
 * in a fork()ed child, so a crash or an abort fails that case only. Every case asserts the status, a non-empty
 * neos_last_error_message() naming the argument, and that outputs (followed by canaries) are untouched.
 * Build and run: bash Tests/c/run.sh [library folder]. Prints "N passed, M failed" and exits non-zero on failure. */
#include "neos.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CANARY (-1234.5)
#define HUGE_1 ((size_t)SIZE_MAX)
#define HUGE_2 ((size_t)(SIZE_MAX / 2))
#define HUGE_40 ((size_t)1 << 40)
#define HUGE_62 ((size_t)1 << 62)

static const size_t huge_lengths[4] = {HUGE_1, HUGE_2, HUGE_40, HUGE_62};

/* A failed expectation in a child: print it and fail the case. */
static int fail(const char *what, int line) {
    fprintf(stderr, "    line %d: %s; last error: %s\n", line, what, neos_last_error_message());
    return 0;
}
#define REQUIRE(cond)                                    \
    do {                                                 \
        if (!(cond)) return fail("REQUIRE(" #cond ")", __LINE__); \
    } while (0)

/* The status is `expected`, and the message is non-empty and names `needle`. */
static int refused(neos_status status, neos_status expected, const char *needle, int line) {
    const char *message = neos_last_error_message();
    if (status != expected) {
        fprintf(stderr, "    line %d: status %s, expected %s; message: %s\n", line, neos_status_name(status),
                neos_status_name(expected), message ? message : "(null)");
        return 0;
    }
    if (message == NULL || message[0] == '\0') return fail("empty error message", line);
    if (needle != NULL && strstr(message, needle) == NULL) {
        fprintf(stderr, "    line %d: message \"%s\" does not name \"%s\"\n", line, message, needle);
        return 0;
    }
    return 1;
}
#define REFUSED(call, expected, needle)                                   \
    do {                                                                  \
        if (!refused((call), (expected), (needle), __LINE__)) return 0; \
    } while (0)

/* Output buffers with canaries: every element is CANARY before the call and must still be after an error. */
static void fill(double *buffer, size_t n) {
    for (size_t i = 0; i < n; i++) buffer[i] = CANARY;
}
static int untouched(const double *buffer, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (buffer[i] != CANARY) return 0;
    return 1;
}

/* The fixture: one bin, signal 5 on background 10 ± 2 (2 parameters, 1 main + 1 aux datum). */
static neos_model *one_bin_model(void) {
    const double signal[1] = {5}, background[1] = {10}, uncertainty[1] = {2};
    neos_model *model = NULL;
    if (neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 1, &model) != NEOS_OK) return NULL;
    return model;
}
static const double fixture_pars[2] = {1, 1};
static const double fixture_data[2] = {12, 25};

static const char *small_trainer = "{\"hidden\": [4], \"points_per_blob\": 40, \"batch_size\": 10, \"seed\": 1}";

static const char *small_workspace =
    "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [5], \"modifiers\": [{\"name\": "
    "\"mu\", \"type\": \"normfactor\", \"data\": null}]}, {\"name\": \"b\", \"data\": [10], \"modifiers\": []}]}], "
    "\"observations\": [{\"name\": \"c\", \"data\": [12]}], \"measurements\": [{\"name\": \"m\", \"config\": "
    "{\"poi\": \"mu\", \"parameters\": []}}], \"version\": \"1.0.0\"}";

/* ---- class 1: a length used before it is checked ---- */

static int logpdf_huge_n_data(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    for (int k = 0; k < 4; k++) {
        double out[2] = {CANARY, CANARY};
        REFUSED(neos_model_logpdf(model, fixture_pars, 2, fixture_data, huge_lengths[k], out),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        REQUIRE(untouched(out, 2));
    }
    return 1;
}

static int logpdf_wrong_n_data(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    double out[2] = {CANARY, CANARY};
    REFUSED(neos_model_logpdf(model, fixture_pars, 2, fixture_data, 3, out), NEOS_ERR_INVALID_ARGUMENT, "n_data");
    REFUSED(neos_model_logpdf(model, fixture_pars, 2, fixture_data, 0, out), NEOS_ERR_INVALID_ARGUMENT, "n_data");
    REFUSED(neos_model_logpdf(model, fixture_pars, 3, fixture_data, 2, out), NEOS_ERR_INVALID_ARGUMENT, "n_pars");
    REFUSED(neos_model_logpdf(model, fixture_pars, HUGE_2, fixture_data, 2, out), NEOS_ERR_INVALID_ARGUMENT,
            "n_pars");
    REQUIRE(untouched(out, 2));
    return 1;
}

static int nll_derivatives_huge_n_data(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    for (int k = 0; k < 4; k++) {
        double gradient[3], hessian[5];
        fill(gradient, 3);
        fill(hessian, 5);
        REFUSED(neos_model_nll_derivatives(model, fixture_pars, 2, fixture_data, huge_lengths[k], gradient, 2,
                                           hessian, 4),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        REQUIRE(untouched(gradient, 3) && untouched(hessian, 5));
        REFUSED(neos_model_nll_derivatives(model, fixture_pars, 2, fixture_data, 2, gradient, 2, hessian,
                                           huge_lengths[k]),
                NEOS_ERR_INVALID_ARGUMENT, "out_hessian");
        REQUIRE(untouched(gradient, 3) && untouched(hessian, 5));
    }
    return 1;
}

static int logpdf_gradient_huge_n_data(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    for (int k = 0; k < 4; k++) {
        double grad_pars[3], grad_data[3];
        fill(grad_pars, 3);
        fill(grad_data, 3);
        REFUSED(neos_model_logpdf_gradient(model, fixture_pars, 2, fixture_data, huge_lengths[k], grad_pars, 2,
                                           grad_data, 2, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        REFUSED(neos_model_logpdf_gradient(model, fixture_pars, 2, fixture_data, 2, grad_pars, 2, grad_data,
                                           huge_lengths[k], NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "out_grad_data");
        REQUIRE(untouched(grad_pars, 3) && untouched(grad_data, 3));
    }
    return 1;
}

static int expected_data_vjp_huge_n_cotangent(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    const double cotangent[2] = {1, 1};
    for (int k = 0; k < 4; k++) {
        double grad_pars[3];
        fill(grad_pars, 3);
        REFUSED(neos_model_expected_data_vjp(model, fixture_pars, 2, true, cotangent, huge_lengths[k], grad_pars, 2,
                                             NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_cotangent");
        REQUIRE(untouched(grad_pars, 3));
    }
    double grad_pars[3];
    fill(grad_pars, 3);
    REFUSED(neos_model_expected_data_vjp(model, fixture_pars, 2, true, cotangent, 1, grad_pars, 2, NULL, 0),
            NEOS_ERR_INVALID_ARGUMENT, "n_cotangent");
    REQUIRE(untouched(grad_pars, 3));
    return 1;
}

static const char *set_names[4] = {"sig", "bkg_nominal", "bkg_up", "bkg_down"};
static const double set_points[8] = {-1, 1, 1, -1, 2.5, 2, -2.5, -1.5};
static const double *set_arrays[4] = {set_points, set_points + 2, set_points + 4, set_points + 6};
static const size_t set_counts[4] = {1, 1, 1, 1};

static int trainer_loss_and_gradient_huge_dimension(void) {
    neos_trainer *trainer = NULL;
    REQUIRE(neos_trainer_create(small_trainer, &trainer) == NEOS_OK);
    size_t n_parameters = 0;
    REQUIRE(neos_trainer_sizes(trainer, &n_parameters, NULL, NULL, NULL) == NEOS_OK);
    double *parameters = (double *)calloc(n_parameters, sizeof *parameters);
    double *gradient = (double *)malloc((n_parameters + 2) * sizeof *gradient);
    REQUIRE(parameters != NULL && gradient != NULL);
    REQUIRE(neos_trainer_parameters(trainer, parameters, n_parameters) == NEOS_OK);
    for (int k = 0; k < 4; k++) {
        double loss = CANARY;
        fill(gradient, n_parameters + 2);
        REFUSED(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, 4, set_names, huge_lengths[k],
                                               set_arrays, set_counts, NULL, &loss, gradient, n_parameters),
                NEOS_ERR_INVALID_ARGUMENT, "dimension");
        REQUIRE(loss == CANARY && untouched(gradient, n_parameters + 2));
        size_t huge_counts[4] = {huge_lengths[k], 1, 1, 1};
        REFUSED(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, 4, set_names, 2, set_arrays,
                                               huge_counts, NULL, &loss, gradient, n_parameters),
                NEOS_ERR_INVALID_ARGUMENT, "counts");
        REQUIRE(loss == CANARY && untouched(gradient, n_parameters + 2));
        REFUSED(neos_trainer_loss_and_gradient(trainer, parameters, huge_lengths[k], 4, set_names, 2, set_arrays,
                                               set_counts, NULL, &loss, gradient, n_parameters),
                NEOS_ERR_INVALID_ARGUMENT, "n_parameters");
        REFUSED(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, huge_lengths[k], set_names, 2,
                                               set_arrays, set_counts, NULL, &loss, gradient, n_parameters),
                NEOS_ERR_INVALID_ARGUMENT, "n_sets");
        REQUIRE(loss == CANARY && untouched(gradient, n_parameters + 2));
    }
    return 1;
}

/* ---- class 2: claimed lengths without a sanity bound ---- */

static int workspace_huge_text_lengths(void) {
    /* neos_workspace_from_json takes a NUL-terminated string; the lengths it could be lied to about are those of
     * its outputs. A huge n_out_json on a short buffer cannot be detected, but one larger than memory can. */
    neos_workspace *workspace = NULL;
    REQUIRE(neos_workspace_from_json(small_workspace, &workspace) == NEOS_OK);
    REFUSED(neos_workspace_from_json("{}", &workspace), NEOS_ERR_PARSE, NULL);
    REFUSED(neos_workspace_from_json(NULL, &workspace), NEOS_ERR_INVALID_ARGUMENT, "json");
    REFUSED(neos_workspace_from_json(small_workspace, NULL), NEOS_ERR_INVALID_ARGUMENT, "out_workspace");
    char text[8] = "canary!";
    for (int k = 0; k < 4; k++) {
        REFUSED(neos_workspace_json(workspace, text, huge_lengths[k], NULL), NEOS_ERR_INVALID_ARGUMENT,
                "n_out_json");
        REQUIRE(strcmp(text, "canary!") == 0);
    }
    neos_workspace_free(workspace);
    return 1;
}

static int simplemodels_huge_n_bins(void) {
    const double values[2] = {1, 2};
    for (int k = 0; k < 4; k++) {
        neos_model *model = NULL;
        REFUSED(neos_simplemodels_uncorrelated_background(values, values, values, huge_lengths[k], &model),
                NEOS_ERR_INVALID_ARGUMENT, "n_bins");
        REQUIRE(model == NULL);
        REFUSED(neos_simplemodels_correlated_background(values, values, values, values, huge_lengths[k], NULL,
                                                        &model),
                NEOS_ERR_INVALID_ARGUMENT, "n_bins");
        REQUIRE(model == NULL);
    }
    neos_model *model = NULL;
    REFUSED(neos_simplemodels_uncorrelated_background(values, values, values, 0, &model), NEOS_ERR_INVALID_ARGUMENT,
            "bin");
    REQUIRE(model == NULL);
    return 1;
}

static int upper_limit_huge_n_scan(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    const double scan[3] = {0, 1, 2};
    for (int k = 0; k < 4; k++) {
        double limits[NEOS_UPPER_LIMIT_ROWS + 2];
        fill(limits, NEOS_UPPER_LIMIT_ROWS + 2);
        size_t count = 77;
        REFUSED(neos_upper_limit(model, 0.05, scan, huge_lengths[k], fixture_data, 2, NULL, NULL, NULL, 0, limits,
                                 NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0, &count),
                NEOS_ERR_INVALID_ARGUMENT, "n_scan");
        REQUIRE(untouched(limits, NEOS_UPPER_LIMIT_ROWS + 2) && count == 77);
    }
    return 1;
}

static int trainer_create_with_events_huge_dimension(void) {
    const char *config = "{\"hidden\": [4], \"data\": \"events\", \"batch_size\": 1}";
    for (int k = 0; k < 4; k++) {
        neos_trainer *trainer = NULL;
        REFUSED(neos_trainer_create_with_events(config, 4, set_names, huge_lengths[k], set_arrays, set_counts, NULL,
                                                set_arrays, set_counts, NULL, &trainer),
                NEOS_ERR_INVALID_ARGUMENT, "dimension");
        REQUIRE(trainer == NULL);
        size_t huge_counts[4] = {1, huge_lengths[k], 1, 1};
        REFUSED(neos_trainer_create_with_events(config, 4, set_names, 2, set_arrays, huge_counts, NULL, set_arrays,
                                                set_counts, NULL, &trainer),
                NEOS_ERR_INVALID_ARGUMENT, "counts");
        REQUIRE(trainer == NULL);
        REFUSED(neos_trainer_create_with_events(config, huge_lengths[k], set_names, 2, set_arrays, set_counts, NULL,
                                                set_arrays, set_counts, NULL, &trainer),
                NEOS_ERR_INVALID_ARGUMENT, "n_sets");
        REQUIRE(trainer == NULL);
    }
    return 1;
}

static int hist_huge_n_data(void) {
    const double data[2] = {0.1, 0.6}, edges[3] = {0, 0.5, 1};
    for (int k = 0; k < 4; k++) {
        double counts[4];
        fill(counts, 4);
        REFUSED(neos_hist(data, huge_lengths[k], NULL, edges, 3, 0.1, 0, counts, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_data");
        REFUSED(neos_hist(data, 2, NULL, edges, huge_lengths[k], 0.1, 0, counts, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_edges");
        REQUIRE(untouched(counts, 4));
        double grad[4];
        fill(grad, 4);
        const double cotangent[2] = {1, 1};
        REFUSED(neos_hist_vjp(data, huge_lengths[k], NULL, edges, 3, 0.1, 0, cotangent, 2, grad, 2, NULL, 0, NULL, 0,
                              NULL),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        REFUSED(neos_cut(data, huge_lengths[k], 0.5, 1, NEOS_KEEP_ABOVE, grad, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_data");
        REQUIRE(untouched(grad, 4));
    }
    return 1;
}

/* ---- class 3: sizes in a configuration not capped before allocating ---- */

/* A configuration that cannot fit: NEOS_ERR_INVALID_ARGUMENT when it needs more than the machine's memory,
 * NEOS_ERR_OUT_OF_MEMORY when more than is available now; either way the message names the key and the bytes. */
static int trainer_config(const char *config, const char *needle, int line) {
    neos_trainer *trainer = NULL;
    neos_status status = neos_trainer_create(config, &trainer);
    neos_status expected = status == NEOS_ERR_OUT_OF_MEMORY ? NEOS_ERR_OUT_OF_MEMORY : NEOS_ERR_INVALID_ARGUMENT;
    if (!refused(status, expected, needle, line)) return 0;
    if (strstr(neos_last_error_message(), "bytes") == NULL) return fail("the message does not say the bytes", line);
    if (trainer != NULL) return fail("a trainer was made", line);
    return 1;
}
#define CONFIG_REFUSED(config, needle)                                 \
    do {                                                               \
        if (!trainer_config((config), (needle), __LINE__)) return 0; \
    } while (0)

static int trainer_huge_configuration(void) {
    CONFIG_REFUSED("{\"hidden\": [10000000]}", "hidden");
    CONFIG_REFUSED("{\"hidden\": [100000, 100000]}", "hidden");
    CONFIG_REFUSED("{\"bins\": 1000000000}", "bins");
    CONFIG_REFUSED("{\"points_per_blob\": 1000000000}", "points_per_blob");
    CONFIG_REFUSED("{\"inputs\": 1000000000, \"data\": \"events\"}", "inputs");
    CONFIG_REFUSED("{\"batch_size\": 100000, \"hidden\": [20000, 20000], \"points_per_blob\": 100000}", "batch_size");
    neos_trainer *trainer = NULL;
    REFUSED(neos_trainer_create("{\"hidden\": [1e300]}", &trainer), NEOS_ERR_INVALID_ARGUMENT, "hidden[0]");
    REFUSED(neos_trainer_create("{\"bins\": -1}", &trainer), NEOS_ERR_INVALID_ARGUMENT, "bins");
    REQUIRE(trainer == NULL);
    return 1;
}

static int trainer_load_dev_zero(void) {
    neos_trainer *trainer = NULL;
    REQUIRE(neos_trainer_create(small_trainer, &trainer) == NEOS_OK);
    size_t n_parameters = 0;
    REQUIRE(neos_trainer_sizes(trainer, &n_parameters, NULL, NULL, NULL) == NEOS_OK);
    double *before = (double *)malloc(n_parameters * sizeof *before);
    double *after = (double *)malloc(n_parameters * sizeof *after);
    REQUIRE(before != NULL && after != NULL);
    REQUIRE(neos_trainer_parameters(trainer, before, n_parameters) == NEOS_OK);
    REFUSED(neos_trainer_load(trainer, "/dev/zero"), NEOS_ERR_PARSE, "/dev/zero");
    REFUSED(neos_trainer_load(trainer, "/nonexistent/parameters.bin"), NEOS_ERR_INVALID_ARGUMENT, "parameters.bin");
    REFUSED(neos_trainer_load(trainer, NULL), NEOS_ERR_INVALID_ARGUMENT, "path");
    REQUIRE(neos_trainer_parameters(trainer, after, n_parameters) == NEOS_OK);
    REQUIRE(memcmp(before, after, n_parameters * sizeof *before) == 0);
    return 1;
}

/* ---- the sweep: every exported function that takes a handle, with a bad handle ---- */

/* One call of an exported function with `bad` in its handle argument; returns the status. The scratch buffers are
 * large enough for the one-bin fixture, so only the handle can be wrong. */
typedef neos_status (*handle_call)(void *bad);
struct handle_row {
    const char *function;
    const char *parameter; /* the C parameter the message must name */
    handle_call call;
};

static double scratch[64];
static char text[64];
static size_t length_out;
static neos_model *new_model;
static neos_workspace *new_workspace;
static bool flags_out[8];

#define M ((const neos_model *)bad)
#define W ((const neos_workspace *)bad)
#define P ((const neos_patchset *)bad)
#define T ((neos_trainer *)bad)
#define D fixture_data
#define X fixture_pars
static neos_status c01(void *bad) { return neos_workspace_model(W, NULL, NULL, NULL, 0, &new_model); }
static neos_status c02(void *bad) { return neos_workspace_data(W, NULL, true, scratch, 2); }
static neos_status c03(void *bad) { return neos_workspace_metadata_json(W, text, sizeof text, &length_out); }
static neos_status c04(void *bad) { return neos_patchset_names_json(P, text, sizeof text, &length_out); }
static neos_status c05(void *bad) { return neos_patchset_patch_json(P, "p", text, sizeof text, &length_out); }
static neos_status c06(void *bad) { return neos_model_sizes(M, &length_out, NULL, NULL, NULL, NULL); }
static neos_status c07(void *bad) { return neos_model_metadata_json(M, text, sizeof text, &length_out); }
static neos_status c08(void *bad) { return neos_model_suggested(M, scratch, 2, NULL, 0, NULL, 0, NULL, 0); }
static neos_status c09(void *bad) { return neos_model_logpdf(M, X, 2, D, 2, scratch); }
static neos_status c10(void *bad) { return neos_model_logpdf_gradient(M, X, 2, D, 2, scratch, 2, NULL, 0, NULL, 0); }
static neos_status c11(void *bad) { return neos_model_expected_data(M, X, 2, true, scratch, 2); }
static neos_status c12(void *bad) { return neos_model_expected_data_vjp(M, X, 2, true, D, 2, scratch, 2, NULL, 0); }
static neos_status c13(void *bad) { return neos_model_nll_derivatives(M, X, 2, D, 2, scratch, 2, NULL, 0); }
static neos_status c14(void *bad) { return neos_model_inputs(M, scratch, 2); }
static neos_status c15(void *bad) { return neos_model_with_inputs(M, scratch, 2, &new_model); }
static neos_status c16(void *bad) {
    return neos_fit(M, D, 2, NULL, NULL, NULL, 0, scratch, 2, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
}
static neos_status c17(void *bad) {
    return neos_fixed_poi_fit(M, 1, D, 2, NULL, NULL, NULL, 0, scratch, 2, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
}
static neos_status c18(void *bad) { return neos_test_statistic(M, 1, "qtilde", D, 2, NULL, NULL, NULL, 0, scratch); }
static neos_status c19(void *bad) {
    return neos_hypotest(M, 1, "qtilde", D, 2, NULL, NULL, NULL, 0, scratch, 1, NULL, 0, NULL, 0);
}
static neos_status c20(void *bad) {
    return neos_upper_limit(M, 0.05, NULL, 0, D, 2, NULL, NULL, NULL, 0, scratch, NEOS_UPPER_LIMIT_ROWS, NULL, 0,
                            NULL, 0, NULL);
}
static neos_status c21(void *bad) {
    return neos_upper_limit_jacobian(M, 0.05, D, 2, NULL, NULL, NULL, 0, scratch, NEOS_UPPER_LIMIT_ROWS, NULL, 0,
                                     NULL, 0);
}
static neos_status c22(void *bad) { return neos_loss_expected_cls(M, 1, scratch, NULL, 0); }
static neos_status c23(void *bad) { return neos_loss_discovery_p0(M, scratch, NULL, 0); }
static neos_status c24(void *bad) { return neos_loss_expected_upper_limit(M, 0.05, scratch, NULL, 0); }
static neos_status c25(void *bad) { return neos_loss_poi_uncertainty(M, 1, scratch, NULL, 0); }
static neos_status c26(void *bad) { return neos_loss_poi_variance(M, 1, scratch, NULL, 0); }
static neos_status c27(void *bad) { return neos_trainer_sizes(T, &length_out, NULL, NULL, NULL); }
static neos_status c28(void *bad) { return neos_trainer_parameters(T, scratch, 1); }
static neos_status c29(void *bad) { return neos_trainer_set_parameters(T, scratch, 1); }
static neos_status c30(void *bad) { return neos_trainer_bin_edges(T, scratch, 1); }
static neos_status c31(void *bad) { return neos_trainer_step(T, scratch); }
static neos_status c32(void *bad) { return neos_trainer_run(T, 1); }
static neos_status c33(void *bad) { return neos_trainer_evaluate(T, scratch, NULL, NULL); }
static neos_status c34(void *bad) { return neos_trainer_histogram(T, "sig", NEOS_SPLIT_TEST, 0.1, scratch, 4); }
static neos_status c35(void *bad) { return neos_trainer_histograms(T, NEOS_SPLIT_TEST, 0.1, scratch, 16); }
static neos_status c36(void *bad) { return neos_trainer_predict(T, X, 1, 2, scratch, 1); }
static neos_status c37(void *bad) {
    return neos_trainer_loss_and_gradient(T, X, 2, 4, set_names, 2, set_arrays, set_counts, NULL, scratch, NULL, 0);
}
static neos_status c38(void *bad) { return neos_trainer_metrics_json(T, text, sizeof text, &length_out); }
static neos_status c39(void *bad) { return neos_trainer_restore_best(T); }
static neos_status c40(void *bad) { return neos_trainer_save(T, "/nonexistent/never-written"); }
static neos_status c41(void *bad) { return neos_trainer_load(T, "/nonexistent/never-read"); }
static neos_status c42(void *bad) { return neos_trainer_event_sets_json(T, text, sizeof text, &length_out); }
static neos_status c43(void *bad) {
    return neos_trainer_event_count(T, "sig", NEOS_SPLIT_TEST, &length_out, &length_out);
}
static neos_status c44(void *bad) { return neos_trainer_events(T, "sig", NEOS_SPLIT_TEST, scratch, 2); }
static neos_status c45(void *bad) { return neos_trainer_record_plot_frame(T); }
static neos_status c46(void *bad) { return neos_trainer_plot_data_json(T, text, sizeof text, &length_out); }
static neos_status c47(void *bad) { return neos_toy_data(M, X, 2, 1, 1, scratch, 2); }
static neos_status c48(void *bad) {
    return neos_toy_test_statistics(M, 1, "qtilde", X, NULL, NULL, NULL, 0, 1, 1, 1, scratch, 1);
}
static neos_status c49(void *bad) { return neos_workspace_json(W, text, sizeof text, &length_out); }
static neos_status c50(void *bad) {
    return neos_workspace_prune(W, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &new_workspace);
}
static neos_status c51(void *bad) {
    return neos_workspace_rename(W, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, &new_workspace);
}
static neos_status c52(void *bad) { return neos_workspace_combine(W, W, NEOS_JOIN_NONE, false, &new_workspace); }
static neos_status c53(void *bad) { return neos_workspace_sorted(W, &new_workspace); }
static neos_status c54(void *bad) { return neos_workspace_build("{}", M, D, 1, "m", &new_workspace); }
static neos_status c55(void *bad) {
    return neos_fit_with_options(M, D, 2, NULL, NULL, NULL, 0, 1000, 1e-3, scratch, 2, NULL, NULL, 0, NULL, 0, NULL, 0,
                                 NULL, 0, NULL);
}
static neos_status c56(void *bad) {
    return neos_fixed_poi_fit_with_options(M, 1, D, 2, NULL, NULL, NULL, 0, 1000, 1e-3, scratch, 2, NULL, NULL, 0, NULL, 0,
                                           NULL, 0, NULL, 0, NULL);
}
static neos_status c57(void *bad) {
    return neos_model_nll_hessian_vjp(M, X, 2, D, 2, X, 2, scratch, 2, NULL, 0, NULL, 0);
}
static neos_status c58(void *bad) { return neos_model_constraint_widths(M, NULL, 0, scratch, 2); }
static neos_status c59(void *bad) { return neos_model_with_clipping(M, NULL, NULL, &new_model); }
static neos_status c60(void *bad) { return neos_model_clipping(M, flags_out, scratch, flags_out + 1, scratch + 1); }
static neos_status c61(void *bad) {
    return neos_upper_limit_scan(M, 0.05, X, 2, D, 2, NULL, NULL, NULL, 0, scratch, NEOS_UPPER_LIMIT_ROWS, NULL, 0,
                                 NULL, 0);
}
static neos_status c62(void *bad) { return neos_model_with_fit_options(M, 10, 1e-3, &new_model); }
static neos_status c63(void *bad) { return neos_model_fit_options(M, &length_out, scratch); }
static neos_status c67(void *bad) { return neos_model_nll_and_gradient(M, X, 2, D, 2, scratch, scratch + 1, 2); }
static neos_status status_out[4];
static neos_status c68(void *bad) {
    const char *names[] = {"p"};
    return neos_grid_hypotest(W, P, names, 1, NULL, NULL, 1, "qtilde", 1, scratch, NEOS_HYPOTEST_ROWS, status_out, 1);
}
static neos_status c69(void *bad) {
    const char *names[] = {"p"};
    return neos_grid_upper_limit(W, P, names, 1, NULL, NULL, 0.05, NULL, 0, "qtilde", 1, scratch,
                                 NEOS_UPPER_LIMIT_ROWS, NULL, 0, status_out, 1);
}
static neos_status c70(void *bad) {
    const char *names[] = {"p"};
    return neos_grid_toy_hypotest(W, P, names, 1, NULL, NULL, 1, "qtilde", 1, 1, 1, scratch, NEOS_TOY_HYPOTEST_ROWS,
                                  status_out, 1);
}
#define C ((const neos_callback_model *)bad)
static neos_status c64(void *bad) {
    return neos_callback_fit(C, D, 2, NULL, NULL, NULL, 0, scratch, 2, scratch + 2, NULL, 0);
}
static neos_status c65(void *bad) {
    return neos_callback_fixed_poi_fit(C, 1, D, 2, NULL, NULL, NULL, 0, scratch, 2, scratch + 2, NULL, 0);
}
static neos_status c66(void *bad) {
    return neos_callback_hypotest(C, 1, "qtilde", D, 2, NULL, NULL, NULL, 0, scratch, NEOS_HYPOTEST_ROWS);
}
#undef C
#undef M
#undef W
#undef P
#undef T
#undef D
#undef X

static const struct handle_row handle_rows[] = {
    {"neos_workspace_model", "workspace", c01},
    {"neos_workspace_data", "workspace", c02},
    {"neos_workspace_metadata_json", "workspace", c03},
    {"neos_patchset_names_json", "patchset", c04},
    {"neos_patchset_patch_json", "patchset", c05},
    {"neos_model_sizes", "model", c06},
    {"neos_model_metadata_json", "model", c07},
    {"neos_model_suggested", "model", c08},
    {"neos_model_logpdf", "model", c09},
    {"neos_model_logpdf_gradient", "model", c10},
    {"neos_model_expected_data", "model", c11},
    {"neos_model_expected_data_vjp", "model", c12},
    {"neos_model_nll_derivatives", "model", c13},
    {"neos_model_inputs", "model", c14},
    {"neos_model_with_inputs", "model", c15},
    {"neos_fit", "model", c16},
    {"neos_fixed_poi_fit", "model", c17},
    {"neos_test_statistic", "model", c18},
    {"neos_hypotest", "model", c19},
    {"neos_upper_limit", "model", c20},
    {"neos_upper_limit_jacobian", "model", c21},
    {"neos_loss_expected_cls", "model", c22},
    {"neos_loss_discovery_p0", "model", c23},
    {"neos_loss_expected_upper_limit", "model", c24},
    {"neos_loss_poi_uncertainty", "model", c25},
    {"neos_loss_poi_variance", "model", c26},
    {"neos_trainer_sizes", "trainer", c27},
    {"neos_trainer_parameters", "trainer", c28},
    {"neos_trainer_set_parameters", "trainer", c29},
    {"neos_trainer_bin_edges", "trainer", c30},
    {"neos_trainer_step", "trainer", c31},
    {"neos_trainer_run", "trainer", c32},
    {"neos_trainer_evaluate", "trainer", c33},
    {"neos_trainer_histogram", "trainer", c34},
    {"neos_trainer_histograms", "trainer", c35},
    {"neos_trainer_predict", "trainer", c36},
    {"neos_trainer_loss_and_gradient", "trainer", c37},
    {"neos_trainer_metrics_json", "trainer", c38},
    {"neos_trainer_restore_best", "trainer", c39},
    {"neos_trainer_save", "trainer", c40},
    {"neos_trainer_load", "trainer", c41},
    {"neos_trainer_event_sets_json", "trainer", c42},
    {"neos_trainer_event_count", "trainer", c43},
    {"neos_trainer_events", "trainer", c44},
    {"neos_trainer_record_plot_frame", "trainer", c45},
    {"neos_trainer_plot_data_json", "trainer", c46},
    {"neos_toy_data", "model", c47},
    {"neos_toy_test_statistics", "model", c48},
    {"neos_workspace_json", "workspace", c49},
    {"neos_workspace_prune", "workspace", c50},
    {"neos_workspace_rename", "workspace", c51},
    {"neos_workspace_combine", "left", c52},
    {"neos_workspace_sorted", "workspace", c53},
    {"neos_workspace_build", "model", c54},
    {"neos_fit_with_options", "model", c55},
    {"neos_fixed_poi_fit_with_options", "model", c56},
    {"neos_model_nll_hessian_vjp", "model", c57},
    {"neos_model_constraint_widths", "model", c58},
    {"neos_model_with_clipping", "model", c59},
    {"neos_model_clipping", "model", c60},
    {"neos_upper_limit_scan", "model", c61},
    {"neos_model_with_fit_options", "model", c62},
    {"neos_model_fit_options", "model", c63},
    {"neos_callback_fit", "model", c64},
    {"neos_callback_fixed_poi_fit", "model", c65},
    {"neos_callback_hypotest", "model", c66},
    {"neos_model_nll_and_gradient", "model", c67},
    {"neos_grid_hypotest", "background", c68},
    {"neos_grid_upper_limit", "background", c69},
    {"neos_grid_toy_hypotest", "background", c70},
};
#define N_HANDLE_ROWS (sizeof handle_rows / sizeof handle_rows[0])

/* The bad handles: NULL, a freed handle of the right kind, a live handle of a wrong kind, an address that is no
 * handle, and a small integer. */
enum bad_kind { BAD_NULL, BAD_FREED, BAD_WRONG_KIND, BAD_ADDRESS, BAD_INTEGER, N_BAD_KINDS };
static const char *bad_names[N_BAD_KINDS] = {"NULL", "freed", "wrong kind", "stack address", "small integer"};

static void *make_bad(const char *parameter, enum bad_kind kind) {
    static double stack_like[16];
    int wants_model = strcmp(parameter, "model") == 0;
    int wants_trainer = strcmp(parameter, "trainer") == 0;
    switch (kind) {
    case BAD_NULL:
        return NULL;
    case BAD_FREED: {
        if (wants_model) {
            neos_model *model = one_bin_model();
            neos_model_free(model);
            return model;
        }
        if (wants_trainer) {
            neos_trainer *trainer = NULL;
            if (neos_trainer_create(small_trainer, &trainer) != NEOS_OK) return NULL;
            neos_trainer_free(trainer);
            return trainer;
        }
        neos_workspace *workspace = NULL;
        if (neos_workspace_from_json(small_workspace, &workspace) != NEOS_OK) return NULL;
        neos_workspace_free(workspace);
        return workspace;
    }
    case BAD_WRONG_KIND: {
        if (wants_model || wants_trainer) {
            neos_workspace *workspace = NULL;
            if (neos_workspace_from_json(small_workspace, &workspace) != NEOS_OK) return NULL;
            return workspace;
        }
        return one_bin_model();
    }
    case BAD_ADDRESS:
        memset(stack_like, 0x41, sizeof stack_like);
        return stack_like;
    default:
        return (void *)(uintptr_t)16;
    }
}

static int run_handle_row(size_t row, enum bad_kind kind) {
    const struct handle_row *entry = &handle_rows[row];
    void *bad = make_bad(entry->parameter, kind);
    if (kind != BAD_NULL && bad == NULL) return fail("could not make the bad handle", __LINE__);
    fill(scratch, 64);
    memset(text, '#', sizeof text);
    length_out = 77;
    new_model = NULL;
    new_workspace = NULL;
    if (!refused(entry->call(bad), NEOS_ERR_INVALID_ARGUMENT, entry->parameter, __LINE__)) return 0;
    REQUIRE(untouched(scratch, 64));
    for (size_t i = 0; i < sizeof text; i++) REQUIRE(text[i] == '#');
    REQUIRE(length_out == 77 && new_model == NULL && new_workspace == NULL);
    return 1;
}

/* ---- the sweep: functions without a handle, with NULL pointers, huge lengths and non-finite values ---- */

static int pure_functions_hostile(void) {
    const double data[2] = {0.1, 0.6}, edges[3] = {0, 0.5, 1}, nan_data[2] = {0.1, NAN};
    const double inf_edges[3] = {0, 0.5, INFINITY};
    double out[4];
    fill(out, 4);
    REFUSED(neos_hist(NULL, 2, NULL, edges, 3, 0.1, 0, out, 2), NEOS_ERR_INVALID_ARGUMENT, "data");
    REFUSED(neos_hist(data, 2, NULL, NULL, 3, 0.1, 0, out, 2), NEOS_ERR_INVALID_ARGUMENT, "edges");
    REFUSED(neos_hist(data, 2, NULL, edges, 3, 0.1, 0, NULL, 2), NEOS_ERR_INVALID_ARGUMENT, "out_counts");
    REFUSED(neos_hist(data, 2, NULL, edges, 3, 0.1, 0, out, 1), NEOS_ERR_INVALID_ARGUMENT, "out_counts");
    REFUSED(neos_hist(data, 2, NULL, edges, 3, 0.1, 0, out, HUGE_2), NEOS_ERR_INVALID_ARGUMENT, "out_counts");
    REFUSED(neos_hist(nan_data, 2, NULL, edges, 3, 0.1, 0, out, 2), NEOS_ERR_INVALID_ARGUMENT, "data[1]");
    REFUSED(neos_hist(data, 2, NULL, inf_edges, 3, 0.1, 0, out, 2), NEOS_ERR_INVALID_ARGUMENT, "inf");
    REFUSED(neos_hist(data, 2, NULL, edges, 3, NAN, 0, out, 2), NEOS_ERR_INVALID_ARGUMENT, "bandwidth");
    REFUSED(neos_hist(data, 2, NULL, edges, 3, INFINITY, 0, out, 2), NEOS_ERR_INVALID_ARGUMENT, "bandwidth");
    REFUSED(neos_hist(data, 2, NULL, edges, 0, 0.1, 0, out, 0), NEOS_ERR_INVALID_ARGUMENT, "edges");
    REFUSED(neos_cut(NULL, 2, 0.5, 1, NEOS_KEEP_ABOVE, out, 2), NEOS_ERR_INVALID_ARGUMENT, "data");
    REFUSED(neos_cut(data, 2, NAN, 1, NEOS_KEEP_ABOVE, out, 2), NEOS_ERR_INVALID_ARGUMENT, "cut_val");
    REFUSED(neos_cut(data, 2, 0.5, -INFINITY, NEOS_KEEP_ABOVE, out, 2), NEOS_ERR_INVALID_ARGUMENT, "slope");
    REFUSED(neos_cut_vjp(data, HUGE_40, 0.5, 1, NEOS_KEEP_ABOVE, data, 2, out, 2, NULL, NULL),
            NEOS_ERR_INVALID_ARGUMENT, "n_data");
    REQUIRE(untouched(out, 4));
    for (int k = 0; k < 4; k++) {
        REFUSED(neos_interpolate(0, 1, huge_lengths[k], 1, 1, 1, data, 2, data, 1, out, 1, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_");
        REFUSED(neos_interpolate(0, 1, 1, 1, 1, 1, data, huge_lengths[k], data, 1, out, 1, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_histogramssets");
    }
    REQUIRE(untouched(out, 4));
    char json[16];
    memset(json, '#', sizeof json);
    size_t length = 77;
    REFUSED(neos_json_patch_apply(NULL, "[]", json, sizeof json, &length), NEOS_ERR_INVALID_ARGUMENT,
            "document_json");
    REFUSED(neos_json_patch_apply("{}", NULL, json, sizeof json, &length), NEOS_ERR_INVALID_ARGUMENT, "patch_json");
    REFUSED(neos_json_patch_apply("{}", "[]", json, HUGE_1, &length), NEOS_ERR_INVALID_ARGUMENT, "n_out_json");
    REFUSED(neos_json_join_items(NEOS_JOIN_NONE, NULL, "[]", "name", NULL, json, sizeof json, &length),
            NEOS_ERR_INVALID_ARGUMENT, "left_json");
    REFUSED(neos_workspace_join_list(NULL, NEOS_JOIN_NONE, false, NULL, "{}", "{}", json, sizeof json, &length),
            NEOS_ERR_INVALID_ARGUMENT, "list");
    REFUSED(neos_blas_describe(json, HUGE_2, &length), NEOS_ERR_INVALID_ARGUMENT, "n_out_json");
    REFUSED(neos_blas_use_library(NULL), NEOS_ERR_INVALID_ARGUMENT, "path");
    for (size_t i = 0; i < sizeof json; i++) REQUIRE(json[i] == '#');
    REQUIRE(length == 77);
    neos_workspace *workspace = NULL;
    neos_patchset *patchset = NULL;
    neos_model *model = NULL;
    neos_trainer *trainer = NULL;
    REFUSED(neos_workspace_from_json_with_options(NULL, 0, &workspace), NEOS_ERR_INVALID_ARGUMENT, "json");
    REFUSED(neos_patchset_from_json(NULL, &patchset), NEOS_ERR_INVALID_ARGUMENT, "json");
    REFUSED(neos_patchset_from_json("{}", NULL), NEOS_ERR_INVALID_ARGUMENT, "out_patchset");
    REFUSED(neos_model_from_json(NULL, "mu", NULL, &model), NEOS_ERR_INVALID_ARGUMENT, "spec_json");
    REFUSED(neos_trainer_create(NULL, &trainer), NEOS_ERR_INVALID_ARGUMENT, "config_json");
    REFUSED(neos_trainer_create(small_trainer, NULL), NEOS_ERR_INVALID_ARGUMENT, "out_trainer");
    REQUIRE(workspace == NULL && patchset == NULL && model == NULL && trainer == NULL);
    /* The free functions and the name lookups take anything. */
    neos_workspace_free(NULL);
    neos_patchset_free(NULL);
    neos_model_free(NULL);
    neos_trainer_free(NULL);
    neos_model_free((neos_model *)(uintptr_t)16);
    REQUIRE(neos_status_name(-1) == NULL && neos_hypotest_row_name(1 << 30) == NULL);
    REQUIRE(neos_version() != NULL && neos_version_number() == NEOS_VERSION_NUMBER);
    REQUIRE(neos_last_error_reason() != NULL || 1);
    return 1;
}

static int model_non_finite_inputs(void) {
    neos_model *model = one_bin_model();
    REQUIRE(model != NULL);
    const double nan_pars[2] = {NAN, 1}, inf_pars[2] = {1, INFINITY}, nan_data[2] = {NAN, 25};
    double out[4];
    fill(out, 4);
    REFUSED(neos_model_logpdf(model, nan_pars, 2, fixture_data, 2, out), NEOS_ERR_INVALID_ARGUMENT, "pars[0]");
    REFUSED(neos_model_logpdf(model, inf_pars, 2, fixture_data, 2, out), NEOS_ERR_INVALID_ARGUMENT, "pars[1]");
    REFUSED(neos_model_logpdf(model, fixture_pars, 2, nan_data, 2, out), NEOS_ERR_INVALID_ARGUMENT, "data[0]");
    REFUSED(neos_model_logpdf(model, NULL, 2, fixture_data, 2, out), NEOS_ERR_INVALID_ARGUMENT, "pars");
    REFUSED(neos_model_logpdf(model, fixture_pars, 2, NULL, 2, out), NEOS_ERR_INVALID_ARGUMENT, "data");
    REFUSED(neos_model_logpdf(model, fixture_pars, 2, fixture_data, 2, NULL), NEOS_ERR_INVALID_ARGUMENT,
            "out_logpdf");
    REFUSED(neos_model_expected_data(model, nan_pars, 2, true, out, 2), NEOS_ERR_INVALID_ARGUMENT, "pars[0]");
    REFUSED(neos_model_expected_data(model, fixture_pars, 2, true, out, 1), NEOS_ERR_INVALID_ARGUMENT, "out_data");
    REFUSED(neos_model_expected_data(model, fixture_pars, 2, true, out, HUGE_62), NEOS_ERR_INVALID_ARGUMENT,
            "out_data");
    REFUSED(neos_toy_data(model, fixture_pars, 2, HUGE_40, 1, out, 2), NEOS_ERR_INVALID_ARGUMENT, "n_toys");
    REFUSED(neos_toy_data(model, fixture_pars, 2, HUGE_2, 1, out, 2), NEOS_ERR_INVALID_ARGUMENT, "n_toys");
    REFUSED(neos_toy_test_statistics(model, 1, "qtilde", fixture_pars, NULL, NULL, NULL, 2, HUGE_40, 1, 1, out, 1),
            NEOS_ERR_INVALID_ARGUMENT, "n_toys");
    REFUSED(neos_fit(model, fixture_data, HUGE_2, NULL, NULL, NULL, 0, out, 2, NULL, NULL, 0, NULL, 0, NULL, 0, NULL,
                     0),
            NEOS_ERR_INVALID_ARGUMENT, "n_data");
    REFUSED(neos_fit(model, fixture_data, 2, fixture_pars, NULL, NULL, HUGE_40, out, 2, NULL, NULL, 0, NULL, 0, NULL,
                     0, NULL, 0),
            NEOS_ERR_INVALID_ARGUMENT, "n_pars");
    double rows[NEOS_HYPOTEST_ROWS + 2];
    fill(rows, NEOS_HYPOTEST_ROWS + 2);
    REFUSED(neos_hypotest(model, NAN, "qtilde", fixture_data, 2, fixture_pars, NULL, NULL, 2, rows,
                          NEOS_HYPOTEST_ROWS, NULL, 0, NULL, 0),
            NEOS_ERR_INVALID_ARGUMENT, "poi");
    REFUSED(neos_hypotest(model, 1, NULL, fixture_data, 2, fixture_pars, NULL, NULL, 2, rows, NEOS_HYPOTEST_ROWS,
                          NULL, 0, NULL, 0),
            NEOS_ERR_INVALID_ARGUMENT, "test_stat");
    REQUIRE(untouched(rows, NEOS_HYPOTEST_ROWS + 2));
    REFUSED(neos_upper_limit(model, NAN, NULL, 0, fixture_data, 2, fixture_pars, NULL, NULL, 2, out, NEOS_UPPER_LIMIT_ROWS,
                             NULL, 0, NULL, 0, NULL),
            NEOS_ERR_INVALID_ARGUMENT, "level");
    REFUSED(neos_model_with_inputs(model, fixture_pars, HUGE_1, &model), NEOS_ERR_INVALID_ARGUMENT, "n_inputs");
    REQUIRE(untouched(out, 4));
    return 1;
}

static int trainer_non_finite_and_short(void) {
    neos_trainer *trainer = NULL;
    REQUIRE(neos_trainer_create(small_trainer, &trainer) == NEOS_OK);
    size_t n_parameters = 0;
    REQUIRE(neos_trainer_sizes(trainer, &n_parameters, NULL, NULL, NULL) == NEOS_OK);
    double *values = (double *)malloc((n_parameters + 2) * sizeof *values);
    REQUIRE(values != NULL);
    REQUIRE(neos_trainer_parameters(trainer, values, n_parameters) == NEOS_OK);
    values[1] = NAN;
    REFUSED(neos_trainer_set_parameters(trainer, values, n_parameters), NEOS_ERR_INVALID_ARGUMENT, "parameters");
    REFUSED(neos_trainer_set_parameters(trainer, values, n_parameters - 1), NEOS_ERR_INVALID_ARGUMENT,
            "n_parameters");
    REFUSED(neos_trainer_set_parameters(trainer, values, HUGE_2), NEOS_ERR_INVALID_ARGUMENT, "n_parameters");
    fill(values, n_parameters + 2);
    REFUSED(neos_trainer_parameters(trainer, values, n_parameters - 1), NEOS_ERR_INVALID_ARGUMENT,
            "out_parameters");
    REFUSED(neos_trainer_parameters(trainer, values, HUGE_40), NEOS_ERR_INVALID_ARGUMENT, "out_parameters");
    const double points[4] = {0.5, INFINITY, 0.1, 0.2};
    REFUSED(neos_trainer_predict(trainer, points, 2, 2, values, 2), NEOS_ERR_INVALID_ARGUMENT, "points");
    REFUSED(neos_trainer_predict(trainer, points, HUGE_62, 2, values, 2), NEOS_ERR_INVALID_ARGUMENT, "n_points");
    REFUSED(neos_trainer_predict(trainer, points + 2, 1, 3, values, 1), NEOS_ERR_INVALID_ARGUMENT, "dimension");
    REFUSED(neos_trainer_histogram(trainer, "sig", NEOS_SPLIT_TEST, NAN, values, 4), NEOS_ERR_INVALID_ARGUMENT,
            "bandwidth");
    REFUSED(neos_trainer_histogram(trainer, "sig", 7, 0.1, values, 4), NEOS_ERR_INVALID_ARGUMENT, "split");
    REFUSED(neos_trainer_histogram(trainer, NULL, NEOS_SPLIT_TEST, 0.1, values, 4), NEOS_ERR_INVALID_ARGUMENT,
            "event_set");
    REQUIRE(untouched(values, n_parameters + 2));
    return 1;
}

/* The toy p-value functions (ABI 1.5), which take no handle: every sample array is checked for NULL, a huge length,
 * emptiness and non-finite values, every point for NaN and every output for its length, naming the parameter. */
static int toy_pvalues_hostile(void) {
    const double samples[3] = {1, 2, 3}, nan_samples[3] = {1, NAN, 3}, inf_samples[2] = {INFINITY, 1};
    const double values[2] = {1, 2}, nan_values[2] = {1, NAN};
    double out[16];
    fill(out, 16);
    REFUSED(neos_empirical_pvalues(NULL, 3, values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "samples is NULL");
    REFUSED(neos_empirical_pvalues(samples, 0, values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "n_samples");
    REFUSED(neos_empirical_pvalues(nan_samples, 3, values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "samples[1]");
    REFUSED(neos_empirical_pvalues(inf_samples, 2, values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "samples[0]");
    REFUSED(neos_empirical_pvalues(samples, 3, NULL, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "values is NULL");
    REFUSED(neos_empirical_pvalues(samples, 3, nan_values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "values[1]");
    REFUSED(neos_empirical_pvalues(samples, 3, values, 2, NULL, 2), NEOS_ERR_INVALID_ARGUMENT, "out_pvalues");
    REFUSED(neos_empirical_pvalues(samples, 3, values, 2, out, 1), NEOS_ERR_INVALID_ARGUMENT, "out_pvalues");
    REFUSED(neos_empirical_expected_values(samples, 3, nan_values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT,
            "nsigma[1]");
    REFUSED(neos_empirical_expected_values(samples, 3, NULL, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT, "nsigma");
    REFUSED(neos_empirical_expected_values(samples, 3, values, 2, out, HUGE_2), NEOS_ERR_INVALID_ARGUMENT,
            "out_values");
    REFUSED(neos_toy_expected_pvalues(NULL, 3, samples, 3, out, 15), NEOS_ERR_INVALID_ARGUMENT, "signal_samples");
    REFUSED(neos_toy_expected_pvalues(samples, 3, nan_samples, 3, out, 15), NEOS_ERR_INVALID_ARGUMENT,
            "background_samples[1]");
    REFUSED(neos_toy_expected_pvalues(samples, 3, samples, 0, out, 15), NEOS_ERR_INVALID_ARGUMENT,
            "n_background_samples");
    REFUSED(neos_toy_expected_pvalues(samples, 3, samples, 3, out, 14), NEOS_ERR_INVALID_ARGUMENT, "out_band");
    for (int k = 0; k < 4; k++) {
        REFUSED(neos_empirical_pvalues(samples, huge_lengths[k], values, 2, out, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_samples");
        REFUSED(neos_empirical_pvalues(samples, 3, values, huge_lengths[k], out, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_values");
        REFUSED(neos_empirical_expected_values(samples, huge_lengths[k], values, 2, out, 2),
                NEOS_ERR_INVALID_ARGUMENT, "n_samples");
        REFUSED(neos_toy_expected_pvalues(samples, huge_lengths[k], samples, 3, out, 15), NEOS_ERR_INVALID_ARGUMENT,
                "n_signal_samples");
        REFUSED(neos_toy_expected_pvalues(samples, 3, samples, huge_lengths[k], out, 15), NEOS_ERR_INVALID_ARGUMENT,
                "n_background_samples");
    }
    REQUIRE(untouched(out, 16));
    return 1;
}

/* ---- the runner ---- */

typedef int (*case_function)(void);
struct named_case {
    const char *name;
    case_function run;
};

static const struct named_case named_cases[] = {
    {"class 1: neos_model_logpdf huge n_data", logpdf_huge_n_data},
    {"class 1: neos_model_logpdf wrong n_data / n_pars", logpdf_wrong_n_data},
    {"class 1: neos_model_nll_derivatives huge n_data", nll_derivatives_huge_n_data},
    {"class 1: neos_model_logpdf_gradient huge n_data", logpdf_gradient_huge_n_data},
    {"class 1: neos_model_expected_data_vjp huge n_cotangent", expected_data_vjp_huge_n_cotangent},
    {"class 1: neos_trainer_loss_and_gradient huge dimension", trainer_loss_and_gradient_huge_dimension},
    {"class 2: workspace text lengths", workspace_huge_text_lengths},
    {"class 2: simplemodels huge n_bins", simplemodels_huge_n_bins},
    {"class 2: neos_upper_limit huge n_scan", upper_limit_huge_n_scan},
    {"class 2: neos_trainer_create_with_events huge dimension", trainer_create_with_events_huge_dimension},
    {"class 2: neos_hist huge n_data", hist_huge_n_data},
    {"class 3: trainer configuration sizes", trainer_huge_configuration},
    {"class 3: neos_trainer_load /dev/zero", trainer_load_dev_zero},
    {"sweep: functions without a handle", pure_functions_hostile},
    {"sweep: toy p-values with NULL, huge and non-finite inputs", toy_pvalues_hostile},
    {"sweep: model calls with NULL and non-finite inputs", model_non_finite_inputs},
    {"sweep: trainer calls with non-finite values and short buffers", trainer_non_finite_and_short},
};
#define N_NAMED_CASES (sizeof named_cases / sizeof named_cases[0])

static int passed = 0, failed = 0;

/* Runs case `index` (named cases first, then handle rows × bad kinds) in a child; a signal fails it. */
static void run_isolated(size_t index) {
    char name[160];
    if (index < N_NAMED_CASES) {
        snprintf(name, sizeof name, "%s", named_cases[index].name);
    } else {
        size_t row = (index - N_NAMED_CASES) / N_BAD_KINDS, kind = (index - N_NAMED_CASES) % N_BAD_KINDS;
        snprintf(name, sizeof name, "sweep: %s with a %s %s", handle_rows[row].function, bad_names[kind],
                 handle_rows[row].parameter);
    }
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child == 0) {
        int ok;
        if (index < N_NAMED_CASES) {
            ok = named_cases[index].run();
        } else {
            size_t row = (index - N_NAMED_CASES) / N_BAD_KINDS;
            ok = run_handle_row(row, (enum bad_kind)((index - N_NAMED_CASES) % N_BAD_KINDS));
        }
        fflush(stderr);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child) {
        fprintf(stderr, "FAIL %s: could not fork or wait\n", name);
        failed++;
    } else if (WIFSIGNALED(status)) {
        fprintf(stderr, "FAIL %s: crashed with signal %d\n", name, WTERMSIG(status));
        failed++;
    } else if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL %s\n", name);
        failed++;
    } else {
        passed++;
    }
}

int main(int argc, char **argv) {
    size_t total = N_NAMED_CASES + N_HANDLE_ROWS * N_BAD_KINDS;
    /* An optional argument runs only the cases whose name contains it. */
    for (size_t index = 0; index < total; index++) {
        if (argc > 1) {
            const char *name = index < N_NAMED_CASES ? named_cases[index].name
                                                     : handle_rows[(index - N_NAMED_CASES) / N_BAD_KINDS].function;
            if (strstr(name, argv[1]) == NULL) continue;
        }
        run_isolated(index);
    }
    printf("test_hostile_sweep: %d passed, %d failed (%zu named cases, %zu functions x %d bad handles)\n", passed, failed,
           (size_t)N_NAMED_CASES, (size_t)N_HANDLE_ROWS, (int)N_BAD_KINDS);
    return failed == 0 ? 0 : 1;
}
