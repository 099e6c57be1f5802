/* Calls every function of include/neos.h from C, success and error paths, as a ROOT macro or any C host would.
 * Build and run: bash Tests/c/run.sh [library folder]. Prints "N passed, M failed" and exits non-zero on failure. */
#include "neos.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "malformed_workspaces.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (cond) {                                                                \
            passed++;                                                              \
        } else {                                                                   \
            failed++;                                                              \
            fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, \
                    __LINE__, #cond, neos_last_error_message());                   \
        }                                                                          \
    } while (0)

static int close_to(double a, double b, double tol) { return fabs(a - b) <= tol; }

static void test_versions(void) {
    CHECK(neos_version_number() == NEOS_VERSION_NUMBER);
    CHECK(NEOS_VERSION_NUMBER == NEOS_VERSION_MAJOR * 1000000 + NEOS_VERSION_MINOR * 1000 + NEOS_VERSION_PATCH);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", NEOS_VERSION_MAJOR, NEOS_VERSION_MINOR, NEOS_VERSION_PATCH);
    CHECK(strcmp(neos_version(), expected) == 0 && strcmp(neos_version(), NEOS_VERSION_STRING) == 0);
    CHECK(strcmp(neos_status_name(NEOS_OK), "NEOS_OK") == 0);
    CHECK(strcmp(neos_status_name(NEOS_ERR_FIT_FAILED), "NEOS_ERR_FIT_FAILED") == 0);
    CHECK(strcmp(neos_status_name(NEOS_ERR_OUT_OF_MEMORY), "NEOS_ERR_OUT_OF_MEMORY") == 0);
    CHECK(neos_status_name(-3) == NULL && neos_status_name(NEOS_ERR_INTERNAL + 1) == NULL);
    for (int32_t row = 0; row < NEOS_HYPOTEST_ROWS; row++) CHECK(neos_hypotest_row_name(row) != NULL);
    CHECK(strcmp(neos_hypotest_row_name(NEOS_HYPOTEST_CLS), "cls") == 0);
    CHECK(neos_hypotest_row_name(NEOS_HYPOTEST_ROWS) == NULL && neos_hypotest_row_name(-1) == NULL);
}

static void test_hist(void) {
    const double data[4] = {0.1, 0.4, 0.45, 0.8};
    const double edges[5] = {0, 0.25, 0.5, 0.75, 1};
    const double expected[4] = {0.8640598281, 1.5113752832, 0.7728295774, 0.6702948365};
    double counts[4];
    CHECK(neos_hist(data, 4, NULL, edges, 5, 0.1, 0, counts, 4) == NEOS_OK);
    for (int j = 0; j < 4; j++) CHECK(close_to(counts[j], expected[j], 1e-9));

    const double hard[4] = {1, 2, 0, 1};
    CHECK(neos_hist(data, 4, NULL, edges, 5, 0.0, 0, counts, 4) == NEOS_OK);
    for (int j = 0; j < 4; j++) CHECK(counts[j] == hard[j]);

    /* Error paths: a status, a message, and an untouched output. */
    double untouched[4] = {-7, -7, -7, -7};
    CHECK(neos_hist(NULL, 4, NULL, edges, 5, 0.1, 0, untouched, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "data is NULL") != NULL);
    const double bad_data[2] = {0.5, NAN};
    CHECK(neos_hist(bad_data, 2, NULL, edges, 5, 0.1, 0, untouched, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "data[1] is nan") != NULL);
    const double unordered[5] = {0, 0.5, 0.25, 0.75, 1};
    CHECK(neos_hist(data, 4, NULL, unordered, 5, 0.1, 0, untouched, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_hist(data, 4, NULL, edges, 5, -0.1, 0, untouched, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_hist(data, 4, NULL, edges, 5, 0.1, 0, untouched, 5) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_hist(data, 4, NULL, edges, 5, 0.1, 0, NULL, 4) == NEOS_ERR_INVALID_ARGUMENT);
    for (int j = 0; j < 4; j++) CHECK(untouched[j] == -7);
}

static void test_hist_vjp(void) {
    const double data[4] = {0.1, 0.4, 0.45, 0.8};
    const double weights[4] = {1, 2, 0.5, 1};
    const double edges[5] = {0, 0.25, 0.5, 0.75, 1};
    const double cotangent[4] = {1, -1, 0.5, 2};
    double grad_data[4], grad_weights[4], grad_edges[5], grad_bandwidth;
    CHECK(neos_hist_vjp(data, 4, weights, edges, 5, 0.1, NEOS_HIST_DENSITY, cotangent, 4, grad_data, 4,
                        grad_weights, 4, grad_edges, 5, &grad_bandwidth) == NEOS_OK);

    /* Central finite difference of <cotangent, hist> in data[1], against the VJP. */
    double plus[4], minus[4], shifted[4];
    const double step = 1e-6;
    memcpy(shifted, data, sizeof data);
    shifted[1] += step;
    CHECK(neos_hist(shifted, 4, weights, edges, 5, 0.1, NEOS_HIST_DENSITY, plus, 4) == NEOS_OK);
    shifted[1] -= 2 * step;
    CHECK(neos_hist(shifted, 4, weights, edges, 5, 0.1, NEOS_HIST_DENSITY, minus, 4) == NEOS_OK);
    double numeric = 0;
    for (int j = 0; j < 4; j++) numeric += cotangent[j] * (plus[j] - minus[j]) / (2 * step);
    CHECK(close_to(grad_data[1], numeric, 1e-6 * fabs(numeric)));

    double untouched = -7;
    CHECK(neos_hist_vjp(data, 4, NULL, edges, 5, 0.1, 0, cotangent, 3, NULL, 0, NULL, 0, NULL, 0, &untouched) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched == -7);
    CHECK(neos_hist_vjp(data, 4, NULL, edges, 5, 0.1, 0, cotangent, 4, grad_data, 3, NULL, 0, NULL, 0, NULL) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_grad_data has length 3, expected 4") != NULL);
    /* A length naming more memory than any machine has is refused before anything is read. */
    CHECK(neos_hist(data, SIZE_MAX / 4, NULL, edges, 5, 0.1, 0, grad_data, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_data") != NULL);
}

static void test_cut(void) {
    const double data[3] = {1, 2, 3};
    double weights[3];
    CHECK(neos_cut(data, 3, 2, 1, NEOS_KEEP_ABOVE, weights, 3) == NEOS_OK);
    CHECK(close_to(weights[0], 0.26894142, 1e-8) && close_to(weights[1], 0.5, 1e-15) &&
          close_to(weights[2], 0.73105858, 1e-8));
    CHECK(neos_cut(data, 3, 2, 1, NEOS_KEEP_BELOW, weights, 3) == NEOS_OK);
    CHECK(close_to(weights[0], 0.73105858, 1e-8));
    CHECK(neos_cut(data, 3, 2, 1, 2, weights, 3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_cut(data, 3, INFINITY, 1, NEOS_KEEP_ABOVE, weights, 3) == NEOS_ERR_INVALID_ARGUMENT);

    const double cotangent[3] = {1, 1, 1};
    double grad_data[3], grad_cut, grad_slope;
    CHECK(neos_cut_vjp(data, 3, 2, 1, NEOS_KEEP_ABOVE, cotangent, 3, grad_data, 3, &grad_cut, &grad_slope) == NEOS_OK);
    /* d sigmoid(x-2)/dx at x = 2 is 1/4. */
    CHECK(close_to(grad_data[1], 0.25, 1e-15));
    CHECK(close_to(grad_cut, -(grad_data[0] + grad_data[1] + grad_data[2]), 1e-15));
    CHECK(close_to(grad_slope, -grad_data[0] + grad_data[2], 1e-15));
    CHECK(neos_cut_vjp(data, 3, 2, 1, NEOS_KEEP_ABOVE, NULL, 3, NULL, 0, NULL, NULL) == NEOS_ERR_INVALID_ARGUMENT);
}

static const char *WORKSPACE =
    "{\"channels\": [{\"name\": \"singlechannel\", \"samples\": ["
    "  {\"name\": \"signal\", \"data\": [5.0, 10.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
    "  {\"name\": \"background\", \"data\": [50.0, 60.0], \"modifiers\": [{\"name\": \"uncorr_bkguncrt\", \"type\": \"shapesys\", \"data\": [5.0, 12.0]}]}]}],"
    " \"observations\": [{\"name\": \"singlechannel\", \"data\": [50.0, 60.0]}],"
    " \"measurements\": [{\"name\": \"Measurement\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}],"
    " \"version\": \"1.0.0\"}";

static const char *PATCHSET =
    "{\"metadata\": {\"references\": {\"hepdata\": \"ins1\"}, \"description\": \"d\", \"digests\": {\"sha256\": \"0\"},"
    " \"labels\": [\"x\"]}, \"patches\": [{\"metadata\": {\"name\": \"double_signal\", \"values\": [1]},"
    " \"patch\": [{\"op\": \"replace\", \"path\": \"/channels/0/samples/0/data\", \"value\": [10.0, 20.0]}]}],"
    " \"version\": \"1.0.0\"}";

static void test_workspace_and_model(void) {
    neos_workspace *workspace = NULL;
    CHECK(neos_workspace_from_json(WORKSPACE, &workspace) == NEOS_OK);
    size_t needed = 0;
    CHECK(neos_workspace_metadata_json(workspace, NULL, 0, &needed) == NEOS_OK && needed > 10);
    char text[512];
    CHECK(neos_workspace_metadata_json(workspace, text, sizeof text, &needed) == NEOS_OK);
    CHECK(strstr(text, "\"Measurement\"") != NULL);
    char small[4] = "abc";
    CHECK(neos_workspace_metadata_json(workspace, small, sizeof small, &needed) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(small, "abc") == 0);

    neos_model *model = NULL;
    CHECK(neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model) == NEOS_OK);
    size_t n_pars = 0, n_main = 0, n_aux = 0, n_inputs = 0;
    int64_t poi = -2;
    CHECK(neos_model_sizes(model, &n_pars, &n_main, &n_aux, &n_inputs, &poi) == NEOS_OK);
    CHECK(n_pars == 3 && n_main == 2 && n_aux == 2 && poi == 0);
    CHECK(n_inputs == 6); /* 2 signal + 2 background nominals + 2 shapesys uncertainties */
    char metadata[2048];
    CHECK(neos_model_metadata_json(model, metadata, sizeof metadata, NULL) == NEOS_OK);
    CHECK(strstr(metadata, "\"uncorr_bkguncrt[1]\"") != NULL);

    double init[3], bounds[6], aux[2];
    bool fixed[3];
    CHECK(neos_model_suggested(model, init, 3, bounds, 6, fixed, 3, aux, 2) == NEOS_OK);
    CHECK(init[0] == 1 && bounds[1] == 10 && !fixed[0] && close_to(aux[0], 100, 1e-12));

    double data[4];
    CHECK(neos_workspace_data(workspace, model, true, data, 4) == NEOS_OK);
    CHECK(data[0] == 50 && data[1] == 60 && close_to(data[3], 25, 1e-12));
    double logpdf = 0, expected[4], gradient[3], hessian[9];
    CHECK(neos_model_logpdf(model, init, 3, data, 4, &logpdf) == NEOS_OK && isfinite(logpdf));
    CHECK(neos_model_expected_data(model, init, 3, true, expected, 4) == NEOS_OK && expected[0] == 55);
    CHECK(neos_model_nll_derivatives(model, init, 3, data, 4, gradient, 3, hessian, 9) == NEOS_OK);
    CHECK(hessian[1] == hessian[3]);

    double inputs[6], grad_pars[3], grad_data[4], grad_inputs[6];
    CHECK(neos_model_inputs(model, inputs, 6) == NEOS_OK && inputs[0] == 50); /* background nominal: samples sort */
    CHECK(neos_model_logpdf_gradient(model, init, 3, data, 4, grad_pars, 3, grad_data, 4, grad_inputs, 6) == NEOS_OK);
    CHECK(close_to(grad_pars[0], -gradient[0], 1e-12));
    const double cotangent[4] = {1, 0, 0, 0};
    CHECK(neos_model_expected_data_vjp(model, init, 3, true, cotangent, 4, grad_pars, 3, grad_inputs, 6) == NEOS_OK);
    CHECK(grad_pars[0] == 5); /* d(mu*5 + gamma*50)/d mu */

    inputs[0] = 52;
    neos_model *changed = NULL;
    CHECK(neos_model_with_inputs(model, inputs, 6, &changed) == NEOS_OK);
    CHECK(neos_model_expected_data(changed, init, 3, false, expected, 2) == NEOS_OK && expected[0] == 57);
    neos_model_free(changed);

    /* Error paths: wrong lengths, a wrong handle kind, malformed JSON. */
    CHECK(neos_model_logpdf(model, init, 2, data, 4, &logpdf) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_logpdf((const neos_model *)workspace, init, 3, data, 4, &logpdf) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "is a neos_workspace handle, not a neos_model") != NULL);
    neos_workspace_free((neos_workspace *)model); /* a free of the wrong type is ignored */
    CHECK(neos_model_logpdf(model, init, 3, data, 4, &logpdf) == NEOS_OK);
    neos_workspace *broken = NULL;
    CHECK(neos_workspace_from_json("{\"channels\": [", &broken) == NEOS_ERR_PARSE && broken == NULL);
    CHECK(neos_workspace_model(workspace, "nope", NULL, NULL, 0, &changed) != NEOS_OK);

    /* A patch from a patchset, applied while building the model. */
    neos_patchset *patchset = NULL;
    CHECK(neos_patchset_from_json(PATCHSET, &patchset) == NEOS_OK);
    char names[128], patch[512];
    CHECK(neos_patchset_names_json(patchset, names, sizeof names, NULL) == NEOS_OK);
    CHECK(strcmp(names, "[\"double_signal\"]") == 0);
    CHECK(neos_patchset_patch_json(patchset, "double_signal", patch, sizeof patch, NULL) == NEOS_OK);
    const char *patches[1] = {patch};
    neos_model *patched = NULL;
    CHECK(neos_workspace_model(workspace, "Measurement", "{\"normsys\": {\"interpcode\": \"code1\"}}", patches, 1,
                               &patched) == NEOS_OK);
    CHECK(neos_model_expected_data(patched, init, 3, false, expected, 2) == NEOS_OK && expected[0] == 60);
    neos_model_free(patched);
    neos_patchset_free(patchset);

    neos_model *from_spec = NULL;
    const char *spec = "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [3.0],"
                       " \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}]}";
    CHECK(neos_model_from_json(spec, "mu", NULL, &from_spec) == NEOS_OK);
    neos_model_free(from_spec);

    neos_model_free(model);
    neos_workspace_free(workspace);
    neos_workspace_free(NULL);
    neos_model_free(NULL);
    neos_patchset_free(NULL);
    /* Freed handles are refused, and freeing twice is harmless. */
    CHECK(neos_model_logpdf(model, init, 3, data, 4, &logpdf) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "model is not a live handle") != NULL);
    CHECK(neos_workspace_metadata_json(workspace, NULL, 0, &needed) == NEOS_ERR_INVALID_ARGUMENT);
    neos_model_free(model);
    neos_workspace_free(workspace);
}

static void test_inference(void) {
    const double signal[2] = {12, 11}, background[2] = {50, 52}, uncertainty[2] = {3, 7};
    neos_model *model = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &model) == NEOS_OK);
    double data[4] = {51, 48, 0, 0};
    CHECK(neos_model_suggested(model, NULL, 0, NULL, 0, NULL, 0, data + 2, 2) == NEOS_OK);

    double pars[3], twice_nll, uncertainties[3], correlations[9];
    CHECK(neos_fit(model, data, 4, NULL, NULL, NULL, 3, pars, 3, &twice_nll, uncertainties, 3, correlations, 9, NULL,
                   0, NULL, 0) == NEOS_OK);
    CHECK(isfinite(twice_nll) && uncertainties[0] > 0 && correlations[0] == 1);
    CHECK(neos_fixed_poi_fit(model, 1.0, data, 4, NULL, NULL, NULL, 3, pars, 3, &twice_nll, NULL, 0, NULL, 0, NULL, 0,
                             NULL, 0) == NEOS_OK);
    CHECK(pars[0] == 1.0);
    const bool fixed[3] = {false, true, false};
    const double init[3] = {1, 1.1, 1};
    CHECK(neos_fit(model, data, 4, init, NULL, fixed, 3, pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0) ==
          NEOS_OK);
    CHECK(pars[1] == 1.1); /* held at its init */

    double q = -1;
    CHECK(neos_test_statistic(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, &q) == NEOS_OK && q > 0);
    CHECK(neos_test_statistic(model, 1.0, "nonsense", data, 4, NULL, NULL, NULL, 3, &q) == NEOS_ERR_INVALID_ARGUMENT);

    double values[NEOS_HYPOTEST_ROWS];
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, values, NEOS_HYPOTEST_ROWS, NULL, 0, NULL,
                        0) == NEOS_OK);
    const double cls = values[NEOS_HYPOTEST_CLS];
    const double *band = values + NEOS_HYPOTEST_EXPECTED;
    /* Exact fits (see Tests/NeosCoreTests/Inference): CLs = 0.0525155252 */
    CHECK(close_to(cls, 0.05251552519035006, 1e-7 * cls));
    CHECK(close_to(cls, values[NEOS_HYPOTEST_CLSB] / values[NEOS_HYPOTEST_CLB], 1e-15));
    CHECK(band[0] < band[2] && band[2] < band[NEOS_EXPECTED_SET_SIZE - 1]);
    CHECK(q == values[NEOS_HYPOTEST_Q_OBSERVED]);

    double fit_pars[3], jacobian_inputs[3 * 6], jacobian_data[3 * 4];
    CHECK(neos_fit(model, data, 4, NULL, NULL, NULL, 3, fit_pars, 3, NULL, NULL, 0, NULL, 0, jacobian_inputs, 18,
                   jacobian_data, 12) == NEOS_OK);
    CHECK(isfinite(jacobian_inputs[0]) && jacobian_data[4] != 0); /* d gamma_0 / d n_0 */
    CHECK(neos_fixed_poi_fit(model, 1.0, data, 4, NULL, NULL, NULL, 3, NULL, 0, NULL, NULL, 0, NULL, 0, NULL, 0,
                             jacobian_data, 12) == NEOS_OK);
    CHECK(jacobian_data[0] == 0); /* the fixed POI does not move */
    for (int k = 0; k < 12; k++) jacobian_data[k] = -7;
    CHECK(neos_fit(model, data, 4, NULL, NULL, NULL, 3, NULL, 0, NULL, NULL, 0, NULL, 0, jacobian_inputs, 17,
                   jacobian_data, 12) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(jacobian_data[0] == -7); /* no output is written on failure */

    const double init_outside[3] = {11, 1, 1};
    CHECK(neos_fit(model, data, 4, init_outside, NULL, NULL, 3, pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);

    double limits[NEOS_UPPER_LIMIT_ROWS], scan_pois[NEOS_UPPER_LIMIT_SCAN_CAPACITY];
    double scan_cls[NEOS_UPPER_LIMIT_ROWS * NEOS_UPPER_LIMIT_SCAN_CAPACITY];
    size_t n_scanned = 0;
    CHECK(neos_upper_limit(model, 0.05, NULL, 0, data, 4, NULL, NULL, NULL, 3, limits, NEOS_UPPER_LIMIT_ROWS,
                           scan_pois, NEOS_UPPER_LIMIT_SCAN_CAPACITY, scan_cls,
                           NEOS_UPPER_LIMIT_ROWS * NEOS_UPPER_LIMIT_SCAN_CAPACITY, &n_scanned) == NEOS_OK);
    CHECK(close_to(limits[NEOS_UPPER_LIMIT_OBSERVED], 1.0115718815879498, 1e-6) && n_scanned > 5);
    /* A scan output too short for the hypotests that ran: refused, nothing written. */
    double few_pois[3] = {-7, -7, -7};
    size_t unwritten = 99;
    CHECK(neos_upper_limit(model, 0.05, NULL, 0, data, 4, NULL, NULL, NULL, 3, limits, NEOS_UPPER_LIMIT_ROWS,
                           few_pois, 3, NULL, 0, &unwritten) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(few_pois[0] == -7 && unwritten == 99 && strstr(neos_last_error_message(), "hypotests ran") != NULL);
    const double scan[3] = {0.5, 1.0, 1.5};
    CHECK(neos_upper_limit(model, 0.05, scan, 3, data, 4, NULL, NULL, NULL, 3, limits, NEOS_UPPER_LIMIT_ROWS, NULL, 0,
                           NULL, 0, NULL) == NEOS_OK);
    CHECK(limits[0] > 1.0 && limits[0] < 1.5);
    /* A scan as long as this machine's memory could exist, but not be copied: out of memory, nothing read. */
    const size_t memory = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE);
    limits[0] = -7;
    CHECK(neos_upper_limit(model, 0.05, scan, memory / sizeof(double), data, 4, NULL, NULL, NULL, 3, limits,
                           NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0, NULL) == NEOS_ERR_OUT_OF_MEMORY);
    CHECK(strstr(neos_last_error_message(), "copying scan would need") != NULL && limits[0] == -7);

    /* Every hypotest output with its derivatives: the same values as without them. */
    double all_values[NEOS_HYPOTEST_ROWS];
    double all_inputs[NEOS_HYPOTEST_ROWS * 6], all_data[NEOS_HYPOTEST_ROWS * 4];
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, all_values, NEOS_HYPOTEST_ROWS,
                        all_inputs, sizeof all_inputs / sizeof(double), all_data,
                        sizeof all_data / sizeof(double)) == NEOS_OK);
    CHECK(memcmp(all_values, values, sizeof values) == 0);
    CHECK(close_to(all_values[NEOS_HYPOTEST_Z_OBSERVED], sqrt(values[NEOS_HYPOTEST_Q_OBSERVED]), 1e-15));
    CHECK(all_data[NEOS_HYPOTEST_CLS * 4] != 0);
    /* Either Jacobian alone gives the same rows. */
    double inputs_only[NEOS_HYPOTEST_ROWS * 6];
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, all_values, NEOS_HYPOTEST_ROWS,
                        inputs_only, NEOS_HYPOTEST_ROWS * 6, NULL, 0) == NEOS_OK);
    CHECK(memcmp(inputs_only, all_inputs, sizeof inputs_only) == 0);
    /* dq_obs/d(background[0]) against a central difference of re-run hypotests (1e-5 relative). */
    double inputs[6], shifted_q[2];
    CHECK(neos_model_inputs(model, inputs, 6) == NEOS_OK);
    for (int side = 0; side < 2; side++) {
        double moved[6];
        memcpy(moved, inputs, sizeof moved);
        moved[0] += side == 0 ? 1e-4 : -1e-4;
        neos_model *shifted = NULL;
        CHECK(neos_model_with_inputs(model, moved, 6, &shifted) == NEOS_OK);
        double shifted_values[NEOS_HYPOTEST_ROWS];
        CHECK(neos_hypotest(shifted, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, shifted_values, NEOS_HYPOTEST_ROWS,
                            NULL, 0, NULL, 0) == NEOS_OK);
        shifted_q[side] = shifted_values[NEOS_HYPOTEST_Q_OBSERVED];
        neos_model_free(shifted);
    }
    const double dq = (shifted_q[0] - shifted_q[1]) / 2e-4;
    CHECK(close_to(all_inputs[NEOS_HYPOTEST_Q_OBSERVED * 6], dq, 1e-5 * fabs(dq)));
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, all_values, 6, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, NULL, 0, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, all_values, NEOS_HYPOTEST_ROWS, all_inputs,
                        NEOS_HYPOTEST_ROWS * 6 - 1, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);

    /* Upper limits and their derivatives: the limits of neos_upper_limit, and a finite derivative. */
    double limit_inputs[NEOS_UPPER_LIMIT_ROWS * 6];
    CHECK(neos_upper_limit_jacobian(model, 0.05, data, 4, NULL, NULL, NULL, 3, limits, 6, limit_inputs, 36, NULL, 0) ==
          NEOS_OK);
    CHECK(close_to(limits[0], 1.0115718815879498, 1e-6) && limit_inputs[4] < 0); /* more signal, a lower limit */
    CHECK(neos_upper_limit_jacobian(model, 0.05, data, 4, NULL, NULL, NULL, 3, limits, 5, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_upper_limit_jacobian(model, 1.5, data, 4, NULL, NULL, NULL, 3, limits, 6, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    neos_model_free(model);

    const double up[2] = {55, 57}, down[2] = {45, 47};
    CHECK(neos_simplemodels_correlated_background(signal, background, up, down, 2, NULL, &model) == NEOS_OK);
    neos_model_free(model);
}

/* Malformed workspaces: each gets its own status and a message naming what is wrong. */
static void test_malformed_workspaces(void) {
    static const struct {
        const char *json;
        neos_status status;
        const char *fragment;
    } cases[] = {
        {"{\"channels\": [", NEOS_ERR_PARSE, "malformed JSON"},
        {"{\"observations\": [], \"measurements\": [{\"name\": \"x\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}],"
         " \"version\": \"1.0.0\"}", NEOS_ERR_PARSE, "channels"},
        {"{\"channels\": [{\"name\": \"c\"}], \"observations\": [],"
         " \"measurements\": [{\"name\": \"x\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}], \"version\": \"1.0.0\"}",
         NEOS_ERR_PARSE, "channels[0]"},
        {"{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [1.0],"
         " \"modifiers\": [{\"name\": \"m\", \"type\": \"nonsense\", \"data\": null}]}]}],"
         " \"observations\": [{\"name\": \"c\", \"data\": [1.0]}],"
         " \"measurements\": [{\"name\": \"x\", \"config\": {\"poi\": \"m\", \"parameters\": []}}], \"version\": \"1.0.0\"}",
         NEOS_ERR_PARSE, "channels[0].samples[0].modifiers[0].type: unknown modifier type \"nonsense\""},
        {"{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [1.0, 2.0],"
         " \"modifiers\": [{\"name\": \"h\", \"type\": \"histosys\", \"data\": {\"hi_data\": [1.0, 2.0, 3.0],"
         " \"lo_data\": [1.0, 2.0]}}]}]}], \"observations\": [{\"name\": \"c\", \"data\": [1.0, 2.0]}],"
         " \"measurements\": [{\"name\": \"x\", \"config\": {\"poi\": \"h\", \"parameters\": []}}], \"version\": \"1.0.0\"}",
         NEOS_ERR_MODEL, "channels[0].samples[0].modifiers[0].data.hi_data: expected 2 numbers, got 3"},
        {"{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [NaN],"
         " \"modifiers\": []}]}], \"observations\": [], \"measurements\": [], \"version\": \"1.0.0\"}",
         NEOS_ERR_PARSE, "non-finite numbers"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        neos_workspace *workspace = NULL;
        neos_status status = neos_workspace_from_json(cases[k].json, &workspace);
        neos_model *model = NULL;
        if (status == NEOS_OK) {
            status = neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model);
            neos_workspace_free(workspace);
        }
        CHECK(status == cases[k].status && model == NULL);
        CHECK(strstr(neos_last_error_message(), cases[k].fragment) != NULL);
        neos_model_free(model);
    }
    /* The malformed workspaces of python/tests/test_workspace_errors.py, through the C ABI. */
    for (size_t k = 0; k < sizeof MALFORMED_WORKSPACES / sizeof MALFORMED_WORKSPACES[0]; k++) {
        const char *json = MALFORMED_WORKSPACES[k].json;
        neos_workspace *workspace = NULL;
        neos_model *model = NULL;
        neos_status status = neos_workspace_from_json(json, &workspace);
        if (status == NEOS_OK) {
            status = neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model);
            neos_workspace_free(workspace);
        }
        int matches = status == MALFORMED_WORKSPACES[k].status && model == NULL &&
                      strstr(neos_last_error_message(), MALFORMED_WORKSPACES[k].fragment) != NULL;
        if (!matches) fprintf(stderr, "malformed workspace '%s': status %s\n", MALFORMED_WORKSPACES[k].name, neos_status_name(status));
        CHECK(matches);
        neos_model_free(model);
    }
    /* A model spec whose POI is not in the model. */
    const char *spec = "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [3.0],"
                       " \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}]}";
    neos_model *model = NULL;
    CHECK(neos_model_from_json(spec, "nope", NULL, &model) == NEOS_ERR_MODEL && model == NULL);
    CHECK(strstr(neos_last_error_message(), "nope") != NULL);
    CHECK(neos_model_from_json(spec, "mu", "{\"normsys\": {\"interpcode\": \"code9\"}}", &model) !=
          NEOS_OK);
}

static void test_losses(void) {
    const double signal[4] = {5, 10, 3, 1}, background[4] = {50, 30, 20, 10};
    double up[4], down[4];
    for (int j = 0; j < 4; j++) {
        up[j] = 1.1 * background[j];
        down[j] = 0.9 * background[j];
    }
    neos_model *model = NULL;
    CHECK(neos_simplemodels_correlated_background(signal, background, up, down, 4,
                                                  "{\"histosys\": {\"interpcode\": \"code0\"}}", &model) == NEOS_OK);
    size_t n_inputs = 0;
    CHECK(neos_model_sizes(model, NULL, NULL, NULL, &n_inputs, NULL) == NEOS_OK && n_inputs == 16);
    double cls = 0, gradient[16];
    CHECK(neos_loss_expected_cls(model, 1.0, &cls, gradient, 16) == NEOS_OK);
    CHECK(close_to(cls, 0.12076356951357, 1e-6 * 0.12076356951357)); /* relaxed 0.4.0, converged */
    CHECK(neos_loss_expected_cls(model, 1.0, &cls, NULL, 0) == NEOS_OK);
    double untouched[16];
    for (int k = 0; k < 16; k++) untouched[k] = -7;
    CHECK(neos_loss_expected_cls(model, 1.0, &cls, untouched, 15) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched[0] == -7);
    double p0 = 0;
    CHECK(neos_loss_discovery_p0(model, &p0, gradient, 16) == NEOS_OK);
    CHECK(close_to(p0, 0.060718799445061755, 1e-6 * p0));
    CHECK(neos_loss_discovery_p0(NULL, &p0, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    double limit = 0;
    CHECK(neos_loss_expected_upper_limit(model, 0.05, &limit, gradient, 16) == NEOS_OK && limit > 0);
    CHECK(neos_loss_expected_upper_limit(model, 1.5, &limit, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    neos_model_free(model);

    /* sigma_mu of neos.md 7.1's 2-bin model at the mu = 1 Asimov point: 0.616089; the variance is its square. */
    const double s2[2] = {3, 6}, b2[2] = {20, 10}, up2[2] = {24, 9}, down2[2] = {17, 12};
    CHECK(neos_simplemodels_correlated_background(s2, b2, up2, down2, 2, NULL, &model) == NEOS_OK);
    double sigma = 0, variance = 0, grad8[8];
    CHECK(neos_loss_poi_uncertainty(model, 1.0, &sigma, grad8, 8) == NEOS_OK);
    CHECK(close_to(sigma, 0.616089, 1e-6 * 0.616089));
    CHECK(neos_loss_poi_variance(model, 1.0, &variance, NULL, 0) == NEOS_OK);
    CHECK(close_to(variance, sigma * sigma, 1e-14));
    CHECK(neos_loss_poi_uncertainty(model, NAN, &sigma, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    neos_model_free(model);
}

/* The trainer: a small network on the blobs, every entry point, and its error paths. */
static void test_trainer(void) {
    const char *config = "{\"hidden\": [6, 6], \"points_per_blob\": 200, \"batch_size\": 50, \"seed\": 2}";
    neos_trainer *trainer = NULL;
    CHECK(neos_trainer_create(config, &trainer) == NEOS_OK && trainer != NULL);
    size_t n_parameters = 0, n_network = 0, n_bins = 0, n_steps = 9;
    CHECK(neos_trainer_sizes(trainer, &n_parameters, &n_network, &n_bins, &n_steps) == NEOS_OK);
    CHECK(n_network == (2 * 6 + 6) + (6 * 6 + 6) + (6 + 1) && n_parameters == n_network + 3 && n_bins == 4 &&
          n_steps == 0);
    double *parameters = (double *)malloc(n_parameters * sizeof(double));
    double *gradient = (double *)malloc(n_parameters * sizeof(double));
    CHECK(neos_trainer_parameters(trainer, parameters, n_parameters) == NEOS_OK);
    CHECK(parameters[n_parameters - 3] == 0.25 && parameters[n_parameters - 1] == 0.75);

    double loss = -1;
    CHECK(neos_trainer_step(trainer, &loss) == NEOS_OK && isfinite(loss) && loss > 0 && loss < 1);
    CHECK(neos_trainer_run(trainer, 2) == NEOS_OK);
    CHECK(neos_trainer_sizes(trainer, NULL, NULL, NULL, &n_steps) == NEOS_OK && n_steps == 3);
    double cls = -1, discovery = -1, sigma = -1;
    CHECK(neos_trainer_evaluate(trainer, &cls, &discovery, &sigma) == NEOS_OK);
    CHECK(cls > 0 && cls < 1 && discovery > 0 && discovery < 0.5 && sigma > 0);
    double yields[4], edges[5];
    CHECK(neos_trainer_histogram(trainer, "sig", NEOS_SPLIT_TEST, 0.0, yields, 4) == NEOS_OK);
    CHECK(close_to(yields[0] + yields[1] + yields[2] + yields[3], 20 + 4e-3, 1e-9));
    CHECK(neos_trainer_histogram(trainer, "nope", NEOS_SPLIT_TEST, 0.0, yields, 4) == NEOS_ERR_INVALID_ARGUMENT);
    double all_yields[16];
    CHECK(neos_trainer_histograms(trainer, NEOS_SPLIT_TEST, 0.0, all_yields, 16) == NEOS_OK && memcmp(all_yields, yields, 4 * sizeof(double)) == 0);
    CHECK(neos_trainer_histograms(trainer, NEOS_SPLIT_TEST, 0.0, all_yields, 15) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_trainer_histogram(trainer, "sig", 2, 0.0, yields, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_trainer_bin_edges(trainer, edges, 5) == NEOS_OK && edges[0] == 0 && edges[4] == 1);
    double points[4] = {-1, 1, 1, -1}, outputs[2] = {-1, -1};
    CHECK(neos_trainer_predict(trainer, points, 2, 2, outputs, 2) == NEOS_OK);
    CHECK(outputs[0] > 0 && outputs[0] < 1 && outputs[1] > 0 && outputs[1] < 1);
    CHECK(neos_trainer_predict(trainer, points, 2, 3, outputs, 2) == NEOS_ERR_INVALID_ARGUMENT);
    size_t n_events = 0, dimension = 0;
    CHECK(neos_trainer_event_count(trainer, "bkg_up", NEOS_SPLIT_TEST, &n_events, &dimension) == NEOS_OK && n_events == 50 &&
          dimension == 2);
    double test_events[100];
    CHECK(neos_trainer_events(trainer, "bkg_up", NEOS_SPLIT_TEST, test_events, 100) == NEOS_OK);
    CHECK(neos_trainer_events(trainer, "bkg_up", NEOS_SPLIT_TEST, test_events, 99) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_trainer_event_count(trainer, "other", NEOS_SPLIT_TRAIN, &n_events, NULL) == NEOS_ERR_INVALID_ARGUMENT);

    size_t required = 0;
    CHECK(neos_trainer_metrics_json(trainer, NULL, 0, &required) == NEOS_OK && required > 10);
    char *json = (char *)malloc(required);
    CHECK(neos_trainer_metrics_json(trainer, json, required, NULL) == NEOS_OK);
    CHECK(strstr(json, "\"steps\":[{\"step\":1") != NULL && strstr(json, "\"best\":{") != NULL);
    free(json);
    CHECK(neos_trainer_restore_best(trainer) == NEOS_OK);
    CHECK(neos_trainer_plot_data_json(trainer, NULL, 0, &required) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_trainer_record_plot_frame(trainer) == NEOS_OK && neos_trainer_record_plot_frame(trainer) == NEOS_OK);
    CHECK(neos_trainer_plot_data_json(trainer, NULL, 0, &required) == NEOS_OK && required > 1000);
    char *plot_json = (char *)malloc(required);
    CHECK(neos_trainer_plot_data_json(trainer, plot_json, required, NULL) == NEOS_OK);
    CHECK(strstr(plot_json, "\"frames\":[{\"step\":-1,\"zz\":[[") != NULL && strstr(plot_json, "{\"step\":2,") != NULL);
    free(plot_json);
    char sets_json[128];
    CHECK(neos_trainer_event_sets_json(trainer, sets_json, sizeof sets_json, NULL) == NEOS_OK);
    CHECK(strcmp(sets_json, "[\"sig\",\"bkg_nominal\",\"bkg_up\",\"bkg_down\"]") == 0);

    /* The functional call on caller events: 3 events per set, two of them weighted. */
    const char *names[4] = {"sig", "bkg_nominal", "bkg_up", "bkg_down"};
    double sig[6] = {-1, 1, -0.5, 1.2, -1.5, 0.8}, nom[6] = {1, -1, 1.2, -0.7, 0.9, -1.4};
    double up[6] = {2.5, 2, 2.1, 1.8, 2.9, 2.4}, down[6] = {-2.5, -1.5, -2, -1, -3, -2};
    const double *sets[4] = {sig, nom, up, down};
    size_t counts[4] = {3, 3, 3, 3};
    double w[3] = {1, 2, 0.5};
    const double *weights[4] = {w, NULL, NULL, w};
    CHECK(neos_trainer_parameters(trainer, parameters, n_parameters) == NEOS_OK);
    CHECK(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, 4, names, 2, sets, counts, weights, &loss,
                                         gradient, n_parameters) == NEOS_OK);
    CHECK(isfinite(loss) && isfinite(gradient[0]));
    /* Central difference in the last inner edge (1e-5 relative). */
    double h = 1e-5, plus, minus, saved = parameters[n_parameters - 2];
    parameters[n_parameters - 2] = saved + h;
    CHECK(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, 4, names, 2, sets, counts, weights, &plus,
                                         NULL, 0) == NEOS_OK);
    parameters[n_parameters - 2] = saved - h;
    CHECK(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, 4, names, 2, sets, counts, weights, &minus,
                                         NULL, 0) == NEOS_OK);
    parameters[n_parameters - 2] = saved;
    CHECK(close_to(gradient[n_parameters - 2], (plus - minus) / (2 * h), 1e-5 * fabs(gradient[n_parameters - 2]) + 1e-12));
    CHECK(neos_trainer_loss_and_gradient(trainer, parameters, n_parameters, 3, names, 2, sets, counts, weights, &loss,
                                         NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "no events for event set \"bkg_down\"") != NULL);

    /* Caller-supplied events make a trainer too; a NaN event is refused with its set named. */
    neos_trainer *own = NULL;
    CHECK(neos_trainer_create_with_events("{\"hidden\": [4], \"data\": \"events\", \"batch_size\": 2}", 4, names, 2,
                                          sets, counts, weights, sets, counts, NULL, &own) == NEOS_OK);
    CHECK(neos_trainer_step(own, &loss) == NEOS_OK && isfinite(loss));
    double bad[6] = {-1, 1, NAN, 1, 0, 0};
    const double *bad_sets[4] = {bad, nom, up, down};
    neos_trainer *none = NULL;
    CHECK(neos_trainer_create_with_events("{\"data\": \"events\"}", 4, names, 2, bad_sets, counts, NULL, sets, counts,
                                          NULL, &none) == NEOS_ERR_INVALID_ARGUMENT && none == NULL);
    CHECK(strstr(neos_last_error_message(), "train events \"sig\"") != NULL);
    neos_trainer_free(own);

    /* Save and load round trip. */
    CHECK(neos_trainer_save(trainer, "/tmp/neos_c_test_parameters.neos") == NEOS_OK);
    neos_trainer *loaded = NULL;
    CHECK(neos_trainer_create(config, &loaded) == NEOS_OK);
    CHECK(neos_trainer_load(loaded, "/tmp/neos_c_test_parameters.neos") == NEOS_OK);
    double *again = (double *)malloc(n_parameters * sizeof(double));
    CHECK(neos_trainer_parameters(loaded, again, n_parameters) == NEOS_OK);
    CHECK(memcmp(again, parameters, n_parameters * sizeof(double)) == 0);
    CHECK(neos_trainer_load(loaded, "/nonexistent/file") == NEOS_ERR_INVALID_ARGUMENT);
    free(again);
    neos_trainer_free(loaded);

    /* Errors leave the trainer as it was. */
    double nan_parameters[3] = {NAN, 0, 0};
    CHECK(neos_trainer_set_parameters(trainer, nan_parameters, 3) == NEOS_ERR_INVALID_ARGUMENT);
    parameters[1] = NAN;
    CHECK(neos_trainer_set_parameters(trainer, parameters, n_parameters) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "trainer parameters[1] is nan") != NULL);
    CHECK(neos_trainer_parameters(trainer, gradient, n_parameters) == NEOS_OK && isfinite(gradient[1]));
    CHECK(neos_trainer_create(NULL, &none) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_trainer_create("{\"loss\": \"nope\"}", &none) == NEOS_ERR_INVALID_ARGUMENT && none == NULL);
    CHECK(strstr(neos_last_error_message(), "unknown loss \"nope\"") != NULL);
    CHECK(neos_trainer_create("{\"hidden\": [4,", &none) == NEOS_ERR_PARSE);
    CHECK(neos_trainer_create("{\"colour\": 1}", &none) == NEOS_ERR_PARSE);
    CHECK(neos_trainer_step(NULL, &loss) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_trainer_parameters(trainer, parameters, n_parameters - 1) == NEOS_ERR_INVALID_ARGUMENT);
    neos_trainer_free(NULL);
    neos_trainer_free(trainer);
    CHECK(neos_trainer_step(trainer, &loss) == NEOS_ERR_INVALID_ARGUMENT); /* freed */
    CHECK(strstr(neos_last_error_message(), "trainer is not a live handle") != NULL);
    free(parameters);
    free(gradient);
}

/* ---- Interpolators (ABI 1.1) ---- */
static void test_interpolate(void) {
    /* One systematic, one sample, one bin (lo, nom, hi) = (0.5, 1, 2) at five alphas: code 0's deltas are
     * alpha (hi - nom) above 0 and alpha (nom - lo) below; code 1's factors 2^alpha and 0.5^-alpha. */
    const double histograms[3] = {0.5, 1.0, 2.0};
    const double alphas[5] = {-2, -1, 0, 1, 2};
    double out[5] = {0}, slopes[5] = {0};
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, NULL, 0) ==
          NEOS_OK);
    CHECK(out[0] == -1 && out[1] == -0.5 && out[2] == 0 && out[3] == 1 && out[4] == 2);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE1, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, slopes, 5) ==
          NEOS_OK);
    /* powers of 2 and 0.5 and their logarithms: exact or to rounding */
    CHECK(out[0] == 0.25 && out[1] == 0.5 && out[2] == 1 && out[3] == 2 && out[4] == 4);
    CHECK(close_to(slopes[4], 4 * log(2.0), 1e-15) && close_to(slopes[0], -0.25 * log(0.5), 1e-15));
    /* Codes 2, 4p, 2 (reference) and 4 with alpha0 = 0.5: values equal the per-entry closed forms at the edges. */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE2, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, NULL, 0) ==
          NEOS_OK);
    CHECK(out[1] == -0.5 && out[3] == 1 && out[0] == -2 * (0.75 - 2 * 0.25)); /* (b - 2a) alpha below -1 */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE2_REFERENCE, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, NULL,
                           0) == NEOS_OK);
    CHECK(out[0] == -1 * (0.75 - 2 * 0.25)); /* (b - 2a)(alpha + 1) */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE4P, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, NULL, 0) ==
          NEOS_OK);
    CHECK(out[0] == -1 && out[4] == 2 && out[2] == 0);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE4, 0.5, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, slopes, 5) ==
          NEOS_OK);
    CHECK(out[3] == 2 && out[1] == 0.5 && out[2] == 1 && close_to(slopes[3], 2 * log(2.0), 1e-15));

    /* Two systematics x two samples x two bins, three alphas each: the [s][h][a][b] layout. */
    const double sets[24] = {9, 18, 10, 20, 11, 22, 4, 8, 5, 10, 6, 12, 1, 2, 1, 2, 1, 2, 3, 3, 4, 4, 6, 6};
    const double alphasets[6] = {0.5, 1, -1, 2, 0, -2};
    double values[24];
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 2, 2, 2, 3, sets, 24, alphasets, 6, values, 24, NULL, 0) ==
          NEOS_OK);
    /* s0 h1 a2 b1: alpha -1, (lo, nom, hi) = (8, 10, 12): -2; s1 h1 a0 b0: alpha 2, (3, 4, 6): 4 */
    CHECK(values[(0 * 2 + 1) * 6 + 2 * 2 + 1] == -2 && values[(1 * 2 + 1) * 6 + 0 * 2 + 0] == 4);

    /* Empty axes are fine. */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE1, 1, 1, 0, 2, 3, sets, 0, alphasets, 3, values, 0, NULL, 0) ==
          NEOS_OK);

    /* Errors: nothing is written. */
    double untouched[5] = {7, 7, 7, 7, 7};
    /* each length against its product */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 2, alphas, 5, untouched, 5, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_histogramssets is 2, expected 3") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, alphas, 4, untouched, 5, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_alphasets is 4, expected 5") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, untouched, 4, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_values has length 4, expected 5") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, out, 5, untouched,
                           3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_dalpha has length 3, expected 5") != NULL);
    /* counts beyond any buffer, and products that overflow, before anything is read */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, (size_t)-1, 1, 1, 1, histograms, 3, alphas, 5, untouched, 5,
                           NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_systematics") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, (size_t)1 << 26, (size_t)1 << 26, 1, 1, histograms, 3, alphas,
                           5, untouched, 5, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_systematics \xc3\x97 n_samples") != NULL);
    /* NULL pointers */
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, NULL, 3, alphas, 5, untouched, 5, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "histogramssets is NULL") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, NULL, 5, untouched, 5, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, NULL, 5, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_values is NULL") != NULL);
    /* unknown codes, alpha0 where the code has none, and code 4's alpha0 outside its domain */
    CHECK(neos_interpolate(3, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, untouched, 5, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "code 3 is not a neos_interpolation_code") != NULL);
    CHECK(neos_interpolate(-1, 1, 1, 1, 1, 5, histograms, 3, alphas, 5, untouched, 5, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE1, 0.5, 1, 1, 1, 5, histograms, 3, alphas, 5, untouched, 5, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "only code 4 has an alpha0") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE4, 0, 1, 1, 1, 5, histograms, 3, alphas, 5, untouched, 5, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE4, NAN, 1, 1, 1, 5, histograms, 3, alphas, 5, untouched, 5, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "code 4 needs a finite alpha0 > 0") != NULL);
    /* non-finite inputs */
    const double nan_histograms[3] = {0.5, NAN, 2.0};
    const double inf_alphas[5] = {-2, -1, INFINITY, 1, 2};
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, nan_histograms, 3, alphas, 5, untouched, 5, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "histogramssets[1] is nan") != NULL);
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 5, histograms, 3, inf_alphas, 5, untouched, 5, NULL,
                           0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "alphasets[2] is inf") != NULL);
    /* a result that would be infinite: a multiplicative code with a zero nominal */
    const double zero_nominal[3] = {0.5, 0.0, 2.0};
    CHECK(neos_interpolate(NEOS_INTERPOLATION_CODE1, 1, 1, 1, 1, 5, zero_nominal, 3, alphas, 5, untouched, 5, NULL,
                           0) == NEOS_ERR_NUMERIC);
    CHECK(strstr(neos_last_error_message(), "code 1 at systematic 0, sample 0, alpha 0, bin 0") != NULL);
    int intact = 1;
    for (int i = 0; i < 5; i++) intact = intact && untouched[i] == 7;
    CHECK(intact);
}
/* ---- Pseudo-experiments (ABI 1.1) ---- */
static void test_toys(void) {
    const double signal[2] = {12, 11}, background[2] = {50, 52}, uncertainty[2] = {3, 7};
    neos_model *model = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &model) == NEOS_OK);
    const double pars[3] = {1, 1, 1};

    /* Toy data: 5 rows of 4 (2 main bins, 2 shapesys auxdata), integer counts; toy i does not depend on n_toys. */
    double toys[20], first[8];
    CHECK(neos_toy_data(model, pars, 3, 5, 42, toys, 20) == NEOS_OK);
    CHECK(neos_toy_data(model, pars, 3, 2, 42, first, 8) == NEOS_OK && memcmp(first, toys, sizeof first) == 0);
    int integers = 1;
    for (int i = 0; i < 20; i++) integers &= toys[i] >= 0 && toys[i] == floor(toys[i]);
    CHECK(integers);
    double later[12]; /* toys 2..4 of seed 42 are toys 0..2 of seed 42 + 2 * 0x9E3779B97F4A7C15 */
    CHECK(neos_toy_data(model, pars, 3, 3, (uint64_t)42 + 2 * UINT64_C(0x9E3779B97F4A7C15), later, 12) == NEOS_OK);
    CHECK(memcmp(later, toys + 8, sizeof later) == 0);
    CHECK(neos_toy_data(model, pars, 3, 0, 42, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT); /* out_data is required */
    CHECK(neos_toy_data(model, pars, 3, 0, 42, toys, 0) == NEOS_OK);

    /* Toy statistics: identical on 1 and 2 threads; the statistic of toy i is neos_test_statistic of its data. */
    double one[6], two[6], q = -1;
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, NULL, 3, 6, 42, 1, one, 6) == NEOS_OK);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, NULL, 3, 6, 42, 2, two, 6) == NEOS_OK);
    CHECK(memcmp(one, two, sizeof one) == 0);
    CHECK(neos_test_statistic(model, 1.0, "qtilde", toys + 8, 4, NULL, NULL, NULL, 3, &q) == NEOS_OK && q == one[2]);

    /* Errors write nothing. */
    double untouched[6] = {-7, -7, -7, -7, -7, -7};
    const bool fixed_poi[3] = {true, false, false};
    const double negative[3] = {-10, 1, 1};
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, NULL, 3, 6, 42, 0, untouched, 5) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, NULL, 2, 6, 42, 0, untouched, 6) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_test_statistics(model, 1.0, "nonsense", pars, NULL, NULL, NULL, 3, 6, 42, 0, untouched, 6) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", NULL, NULL, NULL, NULL, 3, 6, 42, 0, untouched, 6) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, fixed_poi, 3, 6, 42, 0, untouched, 6) ==
          NEOS_ERR_MODEL);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", negative, NULL, NULL, NULL, 3, 6, 42, 0, untouched, 6) ==
          NEOS_ERR_NUMERIC);
    CHECK(strstr(neos_last_error_message(), "toy 0 of 6") != NULL);
    CHECK(neos_toy_test_statistics(model, NAN, "qtilde", pars, NULL, NULL, NULL, 3, 6, 42, 0, untouched, 6) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, NULL, 3, (size_t)NEOS_MAX_TOYS + 1, 42, 0,
                                   untouched, 6) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "NEOS_MAX_TOYS") != NULL);
    CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", pars, NULL, NULL, NULL, 3, (size_t)-1, 42, 0, untouched,
                                   (size_t)-1) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_data(model, pars, 3, (size_t)-1, 42, untouched, 6) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_data(model, pars, 3, 2, 42, untouched, 6) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_data(model, negative, 3, 1, 42, untouched, 4) == NEOS_ERR_NUMERIC);
    int kept = 1;
    for (int i = 0; i < 6; i++) kept &= untouched[i] == -7;
    CHECK(kept);
    neos_model_free(model);
    CHECK(neos_toy_data(model, pars, 3, 1, 42, toys, 4) == NEOS_ERR_INVALID_ARGUMENT); /* freed */
}
/* ---- end of Pseudo-experiments (ABI 1.1) ---- */
/* Workspace operations (ABI 1.1): each makes a new handle or writes JSON text; errors leave *out untouched. */
static char *workspace_text(const neos_workspace *workspace) {
    size_t needed = 0;
    if (neos_workspace_json(workspace, NULL, 0, &needed) != NEOS_OK) return NULL;
    char *text = (char *)malloc(needed);
    if (text && neos_workspace_json(workspace, text, needed, &needed) != NEOS_OK) {
        free(text);
        return NULL;
    }
    return text;
}

static void test_workspace_operations(void) {
    neos_workspace *workspace = NULL, *out = NULL;
    CHECK(neos_workspace_from_json(WORKSPACE, &workspace) == NEOS_OK);
    char *text = workspace_text(workspace);
    CHECK(text != NULL && strstr(text, "\"name\":\"uncorr_bkguncrt\",\"type\":\"shapesys\"") != NULL);
    char small[8] = "unset";
    size_t needed = 0;
    CHECK(neos_workspace_json(workspace, small, sizeof small, &needed) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(small, "unset") == 0 && strstr(neos_last_error_message(), "the text needs") != NULL);
    CHECK(neos_workspace_json(NULL, NULL, 0, &needed) == NEOS_ERR_INVALID_ARGUMENT);
    free(text);

    /* A channel without observation: refused by default, accepted with the option. */
    const char *no_observation =
        "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [1], \"modifiers\": []}]}],"
        " \"observations\": [{\"name\": \"other\", \"data\": [1]}],"
        " \"measurements\": [{\"name\": \"m\", \"config\": {\"poi\": \"\", \"parameters\": []}}], \"version\": \"1.0.0\"}";
    CHECK(neos_workspace_from_json_with_options(no_observation, 0, &out) == NEOS_ERR_MODEL && out == NULL);
    CHECK(neos_workspace_from_json_with_options(no_observation, 2, &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);
    CHECK(neos_workspace_from_json_with_options(no_observation, NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL, &out) == NEOS_OK);
    neos_workspace_free(out);
    out = NULL;

    /* prune */
    const char *modifier[1] = {"uncorr_bkguncrt"};
    CHECK(neos_workspace_prune(workspace, modifier, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &out) == NEOS_OK);
    text = workspace_text(out);
    CHECK(text != NULL && strstr(text, "shapesys") == NULL && strstr(text, "normfactor") != NULL);
    free(text);
    neos_workspace_free(out);
    out = NULL;
    const char *nope[1] = {"nope"};
    CHECK(neos_workspace_prune(workspace, nope, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &out) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL && strstr(neos_last_error_message(), "nope is not one of the modifiers in this workspace.") != NULL);
    CHECK(neos_workspace_prune(workspace, NULL, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &out) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "modifiers is NULL but n_modifiers is 1") != NULL);
    CHECK(neos_workspace_prune(workspace, modifier, (size_t)-1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &out) ==
          NEOS_ERR_INVALID_ARGUMENT);
    const char *measurement[1] = {"Measurement"};
    CHECK(neos_workspace_prune(workspace, NULL, 0, NULL, 0, NULL, 0, NULL, 0, measurement, 1, &out) == NEOS_ERR_PARSE);
    CHECK(out == NULL && strstr(neos_last_error_message(), "measurements: expected a non-empty array") != NULL);
    CHECK(neos_workspace_prune(workspace, modifier, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) ==
          NEOS_ERR_INVALID_ARGUMENT);

    /* rename */
    const char *old_channel[1] = {"singlechannel"}, *new_channel[1] = {"sr"};
    neos_workspace *renamed = NULL;
    CHECK(neos_workspace_rename(workspace, NULL, NULL, 0, NULL, NULL, 0, old_channel, new_channel, 1, measurement,
                                new_channel, 1, &renamed) == NEOS_OK);
    text = workspace_text(renamed);
    CHECK(text != NULL && strstr(text, "singlechannel") == NULL && strstr(text, "\"measurements\":[{\"name\":\"sr\"") != NULL);
    free(text);
    CHECK(neos_workspace_rename(workspace, NULL, NULL, 0, NULL, NULL, 0, nope, new_channel, 1, NULL, NULL, 0, &out) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL && strstr(neos_last_error_message(), "nope is not one of the channels") != NULL);
    CHECK(neos_workspace_rename(workspace, NULL, NULL, 0, NULL, NULL, 0, old_channel, NULL, 1, NULL, NULL, 0, &out) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "new_channels is NULL") != NULL);

    /* combine: the renamed copy has another channel and measurement, so every join keeps both */
    CHECK(neos_workspace_combine(workspace, renamed, NEOS_JOIN_OUTER, false, &out) == NEOS_OK);
    char metadata[256];
    CHECK(neos_workspace_metadata_json(out, metadata, sizeof metadata, &needed) == NEOS_OK);
    CHECK(strcmp(metadata, "{\"measurements\":[\"Measurement\",\"sr\"],\"channels\":[\"singlechannel\",\"sr\"]}") == 0);
    neos_workspace_free(out);
    out = NULL;
    CHECK(neos_workspace_combine(workspace, workspace, NEOS_JOIN_NONE, false, &out) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL &&
          strstr(neos_last_error_message(), "cannot have any channels in common with the same name: {'singlechannel'}"));
    CHECK(neos_workspace_combine(workspace, workspace, NEOS_JOIN_LEFT_OUTER, true, &out) == NEOS_OK);
    neos_workspace_free(out);
    out = NULL;
    CHECK(neos_workspace_combine(workspace, workspace, NEOS_JOIN_NONE, true, &out) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "You can only merge channels") != NULL);
    CHECK(neos_workspace_combine(workspace, workspace, 9, false, &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);
    CHECK(neos_workspace_combine(workspace, NULL, NEOS_JOIN_OUTER, false, &out) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "right is NULL") != NULL);

    /* sorted: the background sample comes before the signal */
    CHECK(neos_workspace_sorted(workspace, &out) == NEOS_OK);
    text = workspace_text(out);
    CHECK(text != NULL && strstr(text, "background") < strstr(text, "signal"));
    free(text);
    neos_workspace_free(out);
    out = NULL;
    CHECK(neos_workspace_sorted(NULL, &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);

    /* build: the model of the workspace and its two main bins */
    neos_model *model = NULL;
    CHECK(neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model) == NEOS_OK);
    const char *spec =
        "{\"channels\": [{\"name\": \"singlechannel\", \"samples\": ["
        "  {\"name\": \"signal\", \"data\": [5.0, 10.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "  {\"name\": \"background\", \"data\": [50.0, 60.0], \"modifiers\": [{\"name\": \"uncorr_bkguncrt\", \"type\": \"shapesys\", \"data\": [5.0, 12.0]}]}]}]}";
    const double observed[2] = {52.0, 61.5};
    CHECK(neos_workspace_build(spec, model, observed, 2, NULL, &out) == NEOS_OK);
    text = workspace_text(out);
    CHECK(text != NULL && strstr(text, "\"observations\":[{\"name\":\"singlechannel\",\"data\":[52,61.5]}]") != NULL);
    CHECK(text != NULL && strstr(text, "{\"name\":\"measurement\",\"config\":{\"poi\":\"mu\"") != NULL);
    free(text);
    neos_workspace_free(out);
    out = NULL;
    CHECK(neos_workspace_build(spec, model, observed, 3, "m", &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);
    CHECK(strstr(neos_last_error_message(), "n_data is 3; expected 2 (the main bins) or 4") != NULL);
    CHECK(neos_workspace_build(spec, model, NULL, 2, "m", &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);
    CHECK(neos_workspace_build(NULL, model, observed, 2, "m", &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);
    const double not_finite[2] = {52.0, NAN};
    CHECK(neos_workspace_build(spec, model, not_finite, 2, "m", &out) == NEOS_ERR_INVALID_ARGUMENT && out == NULL);
    neos_model_free(model);

    /* JSON patch */
    char patched[64];
    CHECK(neos_json_patch_apply("{\"a\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/a/-\", \"value\": 3.5}]", patched,
                                sizeof patched, &needed) == NEOS_OK);
    CHECK(strcmp(patched, "{\"a\":[1,2,3.5]}") == 0 && needed == strlen(patched) + 1);
    CHECK(neos_json_patch_apply("{\"a\": 1}", "[{\"op\": \"test\", \"path\": \"/a\", \"value\": 2}]", patched,
                                sizeof patched, &needed) == NEOS_ERR_MODEL);
    CHECK(strstr(neos_last_error_message(), "test failed") != NULL && strcmp(patched, "{\"a\":[1,2,3.5]}") == 0);
    CHECK(neos_json_patch_apply("{\"a\": 1}", "[{\"op\": ", NULL, 0, &needed) == NEOS_ERR_PARSE);
    CHECK(strstr(neos_last_error_message(), "patch_json: malformed JSON") != NULL);
    CHECK(neos_json_patch_apply(NULL, "[]", NULL, 0, &needed) == NEOS_ERR_INVALID_ARGUMENT);

    /* pyhf's private joins */
    char joined[128];
    CHECK(neos_json_join_items(NEOS_JOIN_LEFT_OUTER, "[{\"name\": \"a\"}]", "[{\"name\": \"a\", \"x\": 1}, {\"name\": \"b\"}]",
                               "name", NULL, joined, sizeof joined, &needed) == NEOS_OK);
    CHECK(strcmp(joined, "[{\"name\":\"a\"},{\"name\":\"b\"}]") == 0);
    CHECK(neos_json_join_items(NEOS_JOIN_OUTER, "[{\"key\": 1, \"deep\": [{\"name\": 1}]}]",
                               "[{\"key\": 1, \"deep\": [{\"name\": 2}]}]", "key", "deep", joined, sizeof joined,
                               &needed) == NEOS_OK);
    CHECK(strcmp(joined, "[{\"key\":1,\"deep\":[{\"name\":1},{\"name\":2}]}]") == 0);
    CHECK(neos_json_join_items(NEOS_JOIN_NONE, "[{\"name\": \"a\"}]", "{}", "name", NULL, joined, sizeof joined,
                               &needed) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "right_json is not a JSON array") != NULL);
    CHECK(neos_json_join_items(NEOS_JOIN_NONE, "[{\"id\": 1}]", "[]", "name", NULL, joined, sizeof joined, &needed) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_workspace_join_list("parameters", NEOS_JOIN_OUTER, false, "m", "[{\"name\": \"p\", \"inits\": [1]}]",
                                   "[{\"name\": \"p\", \"inits\": [2]}]", joined, sizeof joined,
                                   &needed) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "a measurement (m) with incompatible parameter configs: ['p']") != NULL);
    CHECK(neos_workspace_join_list("observations", NEOS_JOIN_OUTER, false, NULL, "[{\"name\": \"c\", \"data\": [1]}]",
                                   "[{\"name\": \"c\", \"data\": [1.0]}]", joined, sizeof joined, &needed) == NEOS_OK);
    CHECK(strcmp(joined, "[{\"name\":\"c\",\"data\":[1]}]") == 0);
    CHECK(neos_workspace_join_list("samples", NEOS_JOIN_OUTER, false, NULL, "[]", "[]", joined, sizeof joined,
                                   &needed) == NEOS_ERR_INVALID_ARGUMENT);

    neos_workspace_free(renamed);
    neos_workspace_free(workspace);
}

/* ---- Error reasons (ABI 1.1) ---- */
static void test_error_reasons(void) {
    neos_model *model = NULL;
    /* staterror data of 1 number on a 2-bin sample: a modifier that cannot be built */
    const char *short_staterror = "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [5, 6], "
                                  "\"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}, "
                                  "{\"name\": \"st\", \"type\": \"staterror\", \"data\": [1]}]}]}]}";
    CHECK(neos_model_from_json(short_staterror, "mu", NULL, &model) == NEOS_ERR_MODEL && model == NULL);
    CHECK(strcmp(neos_last_error_reason(), "invalid_modifier") == 0);
    /* an unknown type is outside the schema (parse) and also a modifier that cannot be built */
    const char *unknown = "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [5], "
                          "\"modifiers\": [{\"name\": \"x\", \"type\": \"no_such_type\", \"data\": [1]}]}]}]}";
    CHECK(neos_model_from_json(unknown, "mu", NULL, &model) == NEOS_ERR_PARSE && model == NULL);
    CHECK(strcmp(neos_last_error_reason(), "invalid_modifier") == 0);
    /* one name for a normfactor and a normsys */
    const char *reused = "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [5], "
                         "\"modifiers\": [{\"name\": \"p\", \"type\": \"normfactor\", \"data\": null}]}, "
                         "{\"name\": \"b\", \"data\": [50], \"modifiers\": [{\"name\": \"p\", \"type\": \"normsys\", "
                         "\"data\": {\"hi\": 1.1, \"lo\": 0.9}}]}]}]}";
    CHECK(neos_model_from_json(reused, "p", NULL, &model) == NEOS_ERR_MODEL && model == NULL);
    CHECK(strcmp(neos_last_error_reason(), "name_reuse") == 0);
    CHECK(strstr(neos_last_error_message(), "\"p\"") != NULL);
    /* a failure without a reason clears it; a success leaves the last failure's reason alone */
    CHECK(neos_model_from_json(NULL, "mu", NULL, &model) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_last_error_reason() != NULL && strcmp(neos_last_error_reason(), "") == 0);
    CHECK(neos_model_from_json(reused, "p", NULL, &model) == NEOS_ERR_MODEL);
    const char *good = "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [5], "
                       "\"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}]}";
    CHECK(neos_model_from_json(good, "mu", NULL, &model) == NEOS_OK && model != NULL);
    CHECK(strcmp(neos_last_error_reason(), "name_reuse") == 0);
    neos_model_free(model);
}
/* ---- end of Error reasons (ABI 1.1) ---- */
/* Fit options (ABI 1.1): with the defaults, exactly neos_fit; a cap of one step fails a fit that needs more; a
 * looser tolerance stays within its promise; options out of range, NULLs and short outputs are refused untouched. */
static void test_fit_options(void) {
    const double signal[2] = {12, 11}, background[2] = {50, 52}, uncertainty[2] = {3, 7};
    neos_model *model = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &model) == NEOS_OK);
    double data[4] = {140, 30, 0, 0}; /* far from the initial point: several Newton steps */
    CHECK(neos_model_suggested(model, NULL, 0, NULL, 0, NULL, 0, data + 2, 2) == NEOS_OK);

    double reference[3], reference_nll, pars[3], twice_nll, uncertainties[3];
    CHECK(neos_fit(model, data, 4, NULL, NULL, NULL, 3, reference, 3, &reference_nll, NULL, 0, NULL, 0, NULL, 0, NULL,
                   0) == NEOS_OK);
    size_t iterations = 0;
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, NEOS_FIT_DEFAULT_MAX_ITERATIONS,
                                NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars, 3, &twice_nll, uncertainties, 3, NULL, 0, NULL, 0,
                                NULL, 0, &iterations) == NEOS_OK);
    CHECK(memcmp(pars, reference, sizeof pars) == 0 && twice_nll == reference_nll && uncertainties[0] > 0);
    /* A cap of exactly the iterations the fit took is enough (the last point is still tested); one fewer is not. */
    CHECK(iterations > 1 && iterations < 100);
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, iterations, NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars,
                                3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_OK);
    CHECK(memcmp(pars, reference, sizeof pars) == 0);
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, iterations - 1, NEOS_FIT_DEFAULT_EDM_TOLERANCE,
                                pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_FIT_FAILED);
    /* pyhf's default maxiter (100000) changes nothing either. */
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, 100000, NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars, 3,
                                &twice_nll, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_OK);
    CHECK(memcmp(pars, reference, sizeof pars) == 0 && twice_nll == reference_nll);

    /* Twice the NLL within the tolerance of the minimum (the EDM bounds what is left to gain). */
    size_t loose_iterations = 0;
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, NEOS_FIT_DEFAULT_MAX_ITERATIONS, 0.1, pars, 3,
                                &twice_nll, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &loose_iterations) == NEOS_OK);
    CHECK(twice_nll >= reference_nll - 1e-12 && twice_nll - reference_nll <= 0.1);
    CHECK(loose_iterations < iterations);

    /* One step is not enough: NEOS_ERR_FIT_FAILED with the iteration limit in the message, outputs untouched. */
    pars[0] = -7;
    twice_nll = -7;
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, 1, NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars, 3,
                                &twice_nll, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_FIT_FAILED);
    CHECK(strstr(neos_last_error_message(), "iteration limit reached") != NULL);
    CHECK(pars[0] == -7 && twice_nll == -7);
    iterations = 12345;
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, 1, NEOS_FIT_DEFAULT_EDM_TOLERANCE, NULL, 0, NULL,
                                NULL, 0, NULL, 0, NULL, 0, NULL, 0, &iterations) == NEOS_ERR_FIT_FAILED);
    CHECK(iterations == 12345);
    CHECK(neos_fixed_poi_fit_with_options(model, 3.0, data, 4, NULL, NULL, NULL, 3, 1, NEOS_FIT_DEFAULT_EDM_TOLERANCE,
                                          pars, 3, &twice_nll, NULL, 0, NULL, 0, NULL, 0, NULL,
                                          0, NULL) == NEOS_ERR_FIT_FAILED);
    CHECK(pars[0] == -7);

    /* The fixed-POI fit with the defaults is neos_fixed_poi_fit's. */
    double fixed_reference[3];
    CHECK(neos_fixed_poi_fit(model, 3.0, data, 4, NULL, NULL, NULL, 3, fixed_reference, 3, NULL, NULL, 0, NULL, 0,
                             NULL, 0, NULL, 0) == NEOS_OK);
    CHECK(neos_fixed_poi_fit_with_options(model, 3.0, data, 4, NULL, NULL, NULL, 3, NEOS_FIT_DEFAULT_MAX_ITERATIONS,
                                          NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0,
                                          NULL, 0, NULL) == NEOS_OK);
    CHECK(memcmp(pars, fixed_reference, sizeof pars) == 0 && pars[0] == 3.0);

    /* Options out of range: zero or huge caps (a wrapped -1 too), zero, negative, NaN or infinite tolerances. */
    const size_t bad_caps[3] = {0, (size_t)NEOS_FIT_MAX_ITERATIONS + 1, (size_t)-1};
    for (int k = 0; k < 3; k++) {
        CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, bad_caps[k], NEOS_FIT_DEFAULT_EDM_TOLERANCE,
                                    pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
        CHECK(neos_fixed_poi_fit_with_options(model, 1.0, data, 4, NULL, NULL, NULL, 3, bad_caps[k],
                                              NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0,
                                              NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    }
    CHECK(strstr(neos_last_error_message(), "max_iterations") != NULL);
    const double bad_tolerances[4] = {0.0, -1e-3, NAN, INFINITY};
    for (int k = 0; k < 4; k++) {
        CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, NEOS_FIT_DEFAULT_MAX_ITERATIONS,
                                    bad_tolerances[k], pars, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL,
                                    0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
        CHECK(neos_fixed_poi_fit_with_options(model, 1.0, data, 4, NULL, NULL, NULL, 3,
                                              NEOS_FIT_DEFAULT_MAX_ITERATIONS, bad_tolerances[k], pars, 3, NULL, NULL,
                                              0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    }
    CHECK(strstr(neos_last_error_message(), "edm_tolerance") != NULL);
    CHECK(pars[0] == 3.0); /* every refusal above left out_pars alone */

    /* NULL model or data, a short output, a wrong n_pars: refused as by neos_fit. */
    CHECK(neos_fit_with_options(NULL, data, 4, NULL, NULL, NULL, 3, 10, 1e-10, pars, 3, NULL, NULL, 0, NULL, 0, NULL,
                                0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_fit_with_options(model, NULL, 4, NULL, NULL, NULL, 3, 10, 1e-10, pars, 3, NULL, NULL, 0, NULL, 0, NULL,
                                0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, 10, 1e-10, pars, 2, NULL, NULL, 0, NULL, 0, NULL,
                                0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_fixed_poi_fit_with_options(model, 1.0, data, 4, NULL, NULL, NULL, 2, 10, 1e-10, pars, 3, NULL, NULL, 0,
                                          NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_fixed_poi_fit_with_options(model, NAN, data, 4, NULL, NULL, NULL, 3, 10, 1e-10, pars, 3, NULL, NULL, 0,
                                          NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(pars[0] == 3.0);
    neos_model_free(model);
}

/* sum_pq C_pq H_pq of a model at pars and data (a helper of test_nll_hessian_vjp). */
static double hessian_contraction(const neos_model *model, const double *pars, const double *data,
                                  const double *cotangent) {
    double hessian[9];
    double sum = 0;
    CHECK(neos_model_nll_derivatives(model, pars, 3, data, 4, NULL, 0, hessian, 9) == NEOS_OK);
    for (int k = 0; k < 9; k++) sum += cotangent[k] * hessian[k];
    return sum;
}

static void test_nll_hessian_vjp(void) {
    const double signal[2] = {12, 11}, background[2] = {50, 52}, uncertainty[2] = {3, 7};
    neos_model *model = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &model) == NEOS_OK);
    const double pars[3] = {1.3, 0.9, 1.1};
    double data[4] = {70, 55, 0, 0};
    CHECK(neos_model_suggested(model, NULL, 0, NULL, 0, NULL, 0, data + 2, 2) == NEOS_OK);
    const double cotangent[9] = {0.7, -0.2, 0.4, 0.1, 1.1, -0.3, 0.5, 0.2, 0.9};
    double grad_pars[3], grad_data[4], grad_inputs[6];
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, 9, grad_pars, 3, grad_data, 4, grad_inputs,
                                     6) == NEOS_OK);

    /* Against central differences of the exact Hessian (step 1e-5: truncation ~1e-10, rounding ~1e-16 |G| / 1e-5
     * ~1e-9 relative), each within 1e-6 relative. */
    const double h = 1e-5;
    for (int k = 0; k < 3; k++) {
        double up[3] = {pars[0], pars[1], pars[2]}, down[3] = {pars[0], pars[1], pars[2]};
        up[k] += h;
        down[k] -= h;
        double numeric =
            (hessian_contraction(model, up, data, cotangent) - hessian_contraction(model, down, data, cotangent)) /
            (2 * h);
        CHECK(close_to(grad_pars[k], numeric, 1e-6 * fmax(1, fabs(numeric))));
    }
    for (int k = 0; k < 4; k++) {
        double up[4] = {data[0], data[1], data[2], data[3]}, down[4] = {data[0], data[1], data[2], data[3]};
        up[k] += h;
        down[k] -= h;
        double numeric =
            (hessian_contraction(model, pars, up, cotangent) - hessian_contraction(model, pars, down, cotangent)) /
            (2 * h);
        CHECK(close_to(grad_data[k], numeric, 1e-6 * fmax(1, fabs(numeric))));
    }
    double inputs[6];
    CHECK(neos_model_inputs(model, inputs, 6) == NEOS_OK);
    for (int k = 0; k < 6; k++) {
        double shifted[6];
        double values[2];
        for (int side = 0; side < 2; side++) {
            neos_model *moved = NULL;
            memcpy(shifted, inputs, sizeof shifted);
            shifted[k] += side == 0 ? h * fmax(1, fabs(inputs[k])) : -h * fmax(1, fabs(inputs[k]));
            CHECK(neos_model_with_inputs(model, shifted, 6, &moved) == NEOS_OK);
            values[side] = hessian_contraction(moved, pars, data, cotangent);
            neos_model_free(moved);
        }
        double numeric = (values[0] - values[1]) / (2 * h * fmax(1, fabs(inputs[k])));
        CHECK(close_to(grad_inputs[k], numeric, 1e-6 * fmax(1, fabs(numeric))));
    }

    /* Every output may be NULL; one output alone gives the same numbers. */
    double only_pars[3];
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, 9, NULL, 0, NULL, 0, NULL, 0) == NEOS_OK);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, 9, only_pars, 3, NULL, 0, NULL, 0) ==
          NEOS_OK);
    CHECK(memcmp(only_pars, grad_pars, sizeof only_pars) == 0);

    /* Refusals leave every output alone: a wrong or wrapped n_cotangent, NULL or non-finite cotangent, a short
     * output, wrong n_pars or n_data, NULL model. */
    double untouched[6] = {-7, -7, -7, -7, -7, -7};
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, 8, untouched, 3, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_cotangent") != NULL);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, (size_t)-1, untouched, 3, NULL, 0, NULL,
                                     0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, NULL, 9, untouched, 3, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    double bad[9] = {0, 0, 0, 0, NAN, 0, 0, 0, 0};
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, bad, 9, untouched, 3, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "cotangent") != NULL);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, 9, untouched, 3, untouched + 3, 3, NULL,
                                     0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_grad_data") != NULL);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 4, cotangent, 9, untouched, 3, NULL, 0, untouched, 5) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 2, data, 4, cotangent, 9, untouched, 3, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_nll_hessian_vjp(model, pars, 3, data, 3, cotangent, 9, untouched, 3, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_nll_hessian_vjp(NULL, pars, 3, data, 4, cotangent, 9, untouched, 3, NULL, 0, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    for (int k = 0; k < 6; k++) CHECK(untouched[k] == -7);
    neos_model_free(model);
}

/* neos_model_constraint_widths: par_order lumi, mu, ns, sh[0], sh[1], st[0], st[1] (pyhf 0.7.6's for this spec).
 * Widths: lumi's configured sigma; mu none (0); normsys 1; shapesys tau = (50/5)^2, (60/12)^2; staterror
 * sigma = 4/50, 3/60 (one carrying sample). */
static void test_constraint_widths(void) {
    const char *spec =
        "{\"channels\": [{\"name\": \"c\", \"samples\": ["
        "  {\"name\": \"sig\", \"data\": [5.0, 10.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null},"
        "    {\"name\": \"lumi\", \"type\": \"lumi\", \"data\": null}]},"
        "  {\"name\": \"bkg\", \"data\": [50.0, 60.0], \"modifiers\": [{\"name\": \"sh\", \"type\": \"shapesys\", \"data\": [5.0, 12.0]},"
        "    {\"name\": \"st\", \"type\": \"staterror\", \"data\": [4.0, 3.0]},"
        "    {\"name\": \"ns\", \"type\": \"normsys\", \"data\": {\"hi\": 1.1, \"lo\": 0.9}}]}]}],"
        " \"parameters\": [{\"name\": \"lumi\", \"auxdata\": [1.0], \"sigmas\": [0.02], \"bounds\": [[0.5, 1.5]], \"inits\": [1.0]}]}";
    neos_model *model = NULL;
    CHECK(neos_model_from_json(spec, "mu", NULL, &model) == NEOS_OK);
    size_t n_pars = 0;
    CHECK(neos_model_sizes(model, &n_pars, NULL, NULL, NULL, NULL) == NEOS_OK && n_pars == 7);
    const neos_constraint_kind expected_kinds[7] = {NEOS_CONSTRAINT_NORMAL,  NEOS_CONSTRAINT_NONE,
                                                    NEOS_CONSTRAINT_NORMAL,  NEOS_CONSTRAINT_POISSON,
                                                    NEOS_CONSTRAINT_POISSON, NEOS_CONSTRAINT_NORMAL,
                                                    NEOS_CONSTRAINT_NORMAL};
    const double expected_widths[7] = {0.02, 0.0, 1.0, 100.0, 25.0, 0.08, 0.05};
    neos_constraint_kind kinds[7];
    double widths[7];
    CHECK(neos_model_constraint_widths(model, kinds, 7, widths, 7) == NEOS_OK);
    for (int i = 0; i < 7; i++) {
        CHECK(kinds[i] == expected_kinds[i]);
        /* tau and sigma are one division (and a square) of exact inputs: a few ulps */
        CHECK(close_to(widths[i], expected_widths[i], 1e-14 * (1.0 + expected_widths[i])));
    }
    /* either output may be NULL (with any length): the other is still written */
    double only_widths[7] = {-7, -7, -7, -7, -7, -7, -7};
    CHECK(neos_model_constraint_widths(model, NULL, 0, only_widths, 7) == NEOS_OK && only_widths[3] == widths[3]);
    neos_constraint_kind only_kinds[7] = {-7, -7, -7, -7, -7, -7, -7};
    CHECK(neos_model_constraint_widths(model, only_kinds, 7, NULL, 99) == NEOS_OK && only_kinds[1] == NEOS_CONSTRAINT_NONE);

    /* errors: nothing is written to either buffer */
    neos_constraint_kind untouched_kinds[8] = {-7, -7, -7, -7, -7, -7, -7, -7};
    double untouched_widths[8] = {-7, -7, -7, -7, -7, -7, -7, -7};
    CHECK(neos_model_constraint_widths(NULL, untouched_kinds, 7, untouched_widths, 7) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "model") != NULL);
    CHECK(neos_model_constraint_widths(model, untouched_kinds, 7, untouched_widths, 6) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_widths has length 6, expected 7") != NULL);
    CHECK(neos_model_constraint_widths(model, untouched_kinds, 6, untouched_widths, 7) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_out_kinds") != NULL);
    CHECK(neos_model_constraint_widths(model, untouched_kinds, 8, untouched_widths, 8) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_constraint_widths(model, untouched_kinds, 7, untouched_widths, SIZE_MAX) ==
          NEOS_ERR_INVALID_ARGUMENT);
    for (int i = 0; i < 8; i++) CHECK(untouched_kinds[i] == -7 && untouched_widths[i] == -7);

    /* with_inputs: staterror widths and shapesys factors follow the new uncertainties (all doubled) */
    size_t n_inputs = 0;
    CHECK(neos_model_sizes(model, NULL, NULL, NULL, &n_inputs, NULL) == NEOS_OK && n_inputs == 10);
    double inputs[10];
    CHECK(neos_model_inputs(model, inputs, 10) == NEOS_OK);
    /* input order: bkg's nominal[0..1], its modifiers by name (ns hi, lo; sh[0..1]; st[0..1]), sig's nominal[0..1] */
    neos_model *moved = NULL;
    double doubled[10];
    for (int i = 0; i < 10; i++) doubled[i] = (i >= 4 && i < 8) ? 2 * inputs[i] : inputs[i];
    CHECK(neos_model_with_inputs(model, doubled, 10, &moved) == NEOS_OK);
    CHECK(neos_model_constraint_widths(moved, kinds, 7, widths, 7) == NEOS_OK);
    CHECK(close_to(widths[3], 25.0, 1e-12) && close_to(widths[4], 6.25, 1e-12));
    CHECK(close_to(widths[5], 0.16, 1e-14) && close_to(widths[6], 0.1, 1e-14) && widths[0] == 0.02);
    neos_model_free(moved);
    neos_model_free(model);
}

/* BLAS: which library libneos runs on, and naming one. */
static void test_blas(void) {
    size_t needed = 0;
    CHECK(neos_blas_describe(NULL, 0, &needed) == NEOS_OK && needed > 2);
    char text[4096];
    memset(text, 'x', sizeof text);
    CHECK(needed <= sizeof text);
    CHECK(neos_blas_describe(text, needed, NULL) == NEOS_OK && strlen(text) + 1 == needed);
    CHECK(strstr(text, "\"library\":") != NULL && strstr(text, "\"core\":") != NULL);
    /* a buffer one byte short is refused and left as it was */
    char shorter[4096];
    memset(shorter, 'x', sizeof shorter);
    CHECK(neos_blas_describe(shorter, needed - 1, NULL) == NEOS_ERR_INVALID_ARGUMENT && shorter[0] == 'x');
    CHECK(neos_blas_describe(NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);

    /* the library is in use now (describe loads it): another one is refused, the same one is not */
    CHECK(neos_blas_use_library(NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "path") != NULL);
    CHECK(neos_blas_use_library("") == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_blas_use_library("/nonexistent/libblas-of-nobody.so") == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "already in use") != NULL);
    const char *start = strstr(text, "\"library\":\"");
    if (start != NULL) {
        start += strlen("\"library\":\"");
        const char *end = strchr(start, '"');
        char library[1024];
        size_t length = end != NULL ? (size_t)(end - start) : 0;
        if (length > 0 && length < sizeof library) {
            memcpy(library, start, length);
            library[length] = 0;
            if (strcmp(library, "built-in") != 0) CHECK(neos_blas_use_library(library) == NEOS_OK);
        }
    }
}

/* pyhf's clip_sample_data / clip_bin_data through neos_model_with_clipping: pyhf 0.7.6's rates, NULL for no
 * clip, a non-finite bound refused without touching the output handle, the bounds read back. */
static void test_model_clipping(void) {
    const char *spec =
        "{\"channels\": [{\"name\": \"a\", \"samples\": ["
        "{\"name\": \"s\", \"data\": [5.0, 0.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "{\"name\": \"b\", \"data\": [1.0, 2.0], \"modifiers\": [{\"name\": \"h\", \"type\": \"histosys\","
        " \"data\": {\"hi_data\": [3.0, 4.0], \"lo_data\": [-2.0, 1.0]}}]}]},"
        "{\"name\": \"d\", \"samples\": [{\"name\": \"b\", \"data\": [3.0], \"modifiers\": []}]}]}";
    neos_model *model = NULL;
    CHECK(neos_model_from_json(spec, "mu", NULL, &model) == NEOS_OK);
    /* parameters in pyhf's order: h, mu */
    const double pars[2] = {-2.0, 1.0};
    double rates[3];
    CHECK(neos_model_expected_data(model, pars, 2, false, rates, 3) == NEOS_OK);
    CHECK(rates[0] == 0.0 && rates[1] == 0.0 && rates[2] == 3.0);

    /* pyhf 0.7.6: clip_sample_data=0.5 -> [5.5, 1, 3.5] (d lacks s: 0 clipped to 0.5); clip_bin_data=0.5 -> [0.5,
     * 0.5, 3] */
    const double half = 0.5;
    neos_model *by_sample = NULL, *by_bin = NULL;
    CHECK(neos_model_with_clipping(model, &half, NULL, &by_sample) == NEOS_OK);
    CHECK(neos_model_expected_data(by_sample, pars, 2, false, rates, 3) == NEOS_OK);
    CHECK(close_to(rates[0], 5.5, 1e-12) && close_to(rates[1], 1.0, 1e-12) && close_to(rates[2], 3.5, 1e-12));
    CHECK(neos_model_with_clipping(model, NULL, &half, &by_bin) == NEOS_OK);
    CHECK(neos_model_expected_data(by_bin, pars, 2, false, rates, 3) == NEOS_OK);
    CHECK(close_to(rates[0], 0.5, 1e-12) && close_to(rates[1], 0.5, 1e-12) && close_to(rates[2], 3.0, 1e-12));

    bool has_sample = false, has_bin = true;
    double sample_bound = -7, bin_bound = -7;
    CHECK(neos_model_clipping(by_sample, &has_sample, &sample_bound, &has_bin, &bin_bound) == NEOS_OK);
    CHECK(has_sample && sample_bound == 0.5 && !has_bin && bin_bound == 0.0);
    CHECK(neos_model_clipping(model, NULL, NULL, NULL, NULL) == NEOS_OK);
    /* a model derived with new inputs keeps the clipping */
    double inputs[9]; /* nominals a/b (2), h hi (2), h lo (2), a/s (2), d/b (1) */
    size_t n_inputs = 0;
    CHECK(neos_model_sizes(model, NULL, NULL, NULL, &n_inputs, NULL) == NEOS_OK && n_inputs == 9);
    CHECK(neos_model_inputs(by_bin, inputs, 9) == NEOS_OK);
    neos_model *derived = NULL;
    CHECK(neos_model_with_inputs(by_bin, inputs, 9, &derived) == NEOS_OK);
    CHECK(neos_model_clipping(derived, &has_sample, &sample_bound, &has_bin, &bin_bound) == NEOS_OK);
    CHECK(!has_sample && has_bin && bin_bound == 0.5);
    /* with both NULL: the model unclipped again */
    neos_model *unclipped = NULL;
    CHECK(neos_model_with_clipping(by_sample, NULL, NULL, &unclipped) == NEOS_OK);
    CHECK(neos_model_expected_data(unclipped, pars, 2, false, rates, 3) == NEOS_OK && rates[0] == 0.0);

    /* errors: a bound that is not finite, a NULL model or output; the output handle is not written */
    const double bad = NAN;
    neos_model *untouched = (neos_model *)&untouched;
    CHECK(neos_model_with_clipping(model, &bad, NULL, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "clip_sample_data is nan") != NULL);
    CHECK(untouched == (neos_model *)&untouched);
    const double infinite = INFINITY;
    CHECK(neos_model_with_clipping(model, NULL, &infinite, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "clip_bin_data is inf") != NULL);
    CHECK(neos_model_with_clipping(NULL, &half, NULL, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_with_clipping(model, &half, NULL, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched == (neos_model *)&untouched);
    CHECK(neos_model_clipping(NULL, &has_sample, NULL, NULL, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    neos_model_free(unclipped);
    neos_model_free(derived);
    neos_model_free(by_bin);
    neos_model_free(by_sample);
    neos_model_free(model);
}

/* Class 5 of issue 13: neos_model_logpdf is finite, or -INFINITY with NEOS_OK for impossible data; an undefined
 * log L is NEOS_ERR_NUMERIC naming the bin or the modifier; negative counts are refused; nothing is written. */
static void test_nonfinite_logpdf(void) {
    const char *negative =
        "{\"channels\": [{\"name\": \"SR\", \"samples\": ["
        "{\"name\": \"sig\", \"data\": [5.0, 5.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "{\"name\": \"bkg\", \"data\": [-10.0, 3.0], \"modifiers\": []}]}]}";
    neos_model *model = NULL;
    CHECK(neos_model_from_json(negative, "mu", NULL, &model) == NEOS_OK);
    const double mu[1] = {1.0};
    double out = -7;
    /* expected -5 in bin 0: undefined whatever the count there (pyhf: NaN for 3, a finite 1.45 for 0) */
    const double three[2] = {3.0, 3.0}, zero[2] = {0.0, 3.0};
    CHECK(neos_model_logpdf(model, mu, 1, three, 2, &out) == NEOS_ERR_NUMERIC && out == -7);
    CHECK(strstr(neos_last_error_message(), "channel 'SR' bin 0 (data[0]) expects -5.0 < 0") != NULL);
    CHECK(strstr(neos_last_error_message(), "'bkg' -10.0") != NULL);
    CHECK(neos_model_logpdf(model, mu, 1, zero, 2, &out) == NEOS_ERR_NUMERIC && out == -7);
    double gradient[1] = {-7};
    CHECK(neos_model_nll_derivatives(model, mu, 1, zero, 2, gradient, 1, NULL, 0) == NEOS_ERR_NUMERIC);
    CHECK(gradient[0] == -7 && strstr(neos_last_error_message(), "bin 0") != NULL);
    /* negative counts: pyhf's lgamma gives -inf at -1 and meaningless numbers between */
    const double minus_half[2] = {-0.5, 3.0};
    CHECK(neos_model_logpdf(model, mu, 1, minus_half, 2, &out) == NEOS_ERR_INVALID_ARGUMENT && out == -7);
    CHECK(strstr(neos_last_error_message(), "data[0] is -0.5") != NULL);
    neos_model_free(model);

    /* nothing expected where 2 are observed: -INFINITY with NEOS_OK (pyhf: -inf); its gradient is NEOS_ERR_NUMERIC */
    const char *empty =
        "{\"channels\": [{\"name\": \"SR\", \"samples\": ["
        "{\"name\": \"sig\", \"data\": [0.0, 5.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "{\"name\": \"bkg\", \"data\": [0.0, 3.0], \"modifiers\": []}]}]}";
    CHECK(neos_model_from_json(empty, "mu", NULL, &model) == NEOS_OK);
    const double impossible[2] = {2.0, 3.0};
    CHECK(neos_model_logpdf(model, mu, 1, impossible, 2, &out) == NEOS_OK && isinf(out) && out < 0);
    gradient[0] = -7;
    CHECK(neos_model_nll_derivatives(model, mu, 1, impossible, 2, gradient, 1, NULL, 0) == NEOS_ERR_NUMERIC);
    CHECK(gradient[0] == -7 && strstr(neos_last_error_message(), "observes 2.0 where the model expects 0") != NULL);
    neos_model_free(model);

    /* a code4 normsys with hi = 0 (pyhf: NaN, even at alpha = 0): the modifier is named */
    const char *normsys =
        "{\"channels\": [{\"name\": \"SR\", \"samples\": ["
        "{\"name\": \"sig\", \"data\": [5.0, 5.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "{\"name\": \"bkg\", \"data\": [10.0, 3.0], \"modifiers\": [{\"name\": \"bkg_norm\", \"type\": \"normsys\","
        " \"data\": {\"hi\": 0.0, \"lo\": 0.9}}]}]}]}";
    CHECK(neos_model_from_json(normsys, "mu", NULL, &model) == NEOS_OK);
    const double pars[2] = {1.0, 0.0}, data[3] = {3.0, 3.0, 0.0}; /* mu = 1, bkg_norm = 0 */
    out = -7;
    CHECK(neos_model_logpdf(model, pars, 2, data, 3, &out) == NEOS_ERR_NUMERIC && out == -7);
    CHECK(strstr(neos_last_error_message(), "normsys 'bkg_norm' of sample 'bkg'") != NULL);
    double expected[2] = {-7, -7};
    CHECK(neos_model_expected_data(model, pars, 2, false, expected, 2) == NEOS_ERR_NUMERIC);
    CHECK(expected[0] == -7 && expected[1] == -7);
    neos_model_free(model);
}

/* Class 6 of issue 13: neos_upper_limit_scan sorts and deduplicates the scan, refuses fewer than two distinct
 * values, flags the limits beyond the scan, and returns one CLs row per value as passed. */
static void test_upper_limit_scan(void) {
    const double signal[1] = {5.0}, background[1] = {50.0}, uncertainty[1] = {7.0};
    neos_model *model = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 1, &model) == NEOS_OK);
    double data[2] = {55.0, 0.0};
    CHECK(neos_model_suggested(model, NULL, 0, NULL, 0, NULL, 0, data + 1, 1) == NEOS_OK);
    const double sorted[6] = {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}, shuffled[7] = {3.0, 0.0, 5.0, 1.0, 4.0, 2.0, 3.0};
    double limits[NEOS_UPPER_LIMIT_ROWS], again[NEOS_UPPER_LIMIT_ROWS], cls[7 * NEOS_UPPER_LIMIT_ROWS];
    int32_t positions[NEOS_UPPER_LIMIT_ROWS];
    CHECK(neos_upper_limit_scan(model, 0.05, sorted, 6, data, 2, NULL, NULL, NULL, 2, limits, NEOS_UPPER_LIMIT_ROWS,
                                positions, NEOS_UPPER_LIMIT_ROWS, NULL, 0) == NEOS_OK);
    CHECK(neos_upper_limit_scan(model, 0.05, shuffled, 7, data, 2, NULL, NULL, NULL, 2, again, NEOS_UPPER_LIMIT_ROWS,
                                NULL, 0, cls, 7 * NEOS_UPPER_LIMIT_ROWS) == NEOS_OK);
    /* the order and the repeated 3.0 do not change the limits (the same hypotests, interpolated the same way) */
    for (int k = 0; k < NEOS_UPPER_LIMIT_ROWS; k++) CHECK(limits[k] == again[k]);
    /* rows follow the scan as passed: the repeated 3.0 (rows 0 and 6) has the same CLs; CLs falls with mu */
    for (int k = 0; k < NEOS_UPPER_LIMIT_ROWS; k++) CHECK(cls[k] == cls[6 * NEOS_UPPER_LIMIT_ROWS + k]);
    CHECK(cls[1 * NEOS_UPPER_LIMIT_ROWS] > cls[0] && cls[0] > cls[2 * NEOS_UPPER_LIMIT_ROWS]);
    /* over [0, 5] this model's observed and -2 sigma .. median limits are inside, +1 and +2 sigma above (5 is
     * returned for them, as pyhf's numpy.interp returns it) */
    CHECK(positions[0] == NEOS_UPPER_LIMIT_INSIDE_SCAN && positions[3] == NEOS_UPPER_LIMIT_INSIDE_SCAN);
    CHECK(positions[4] == NEOS_UPPER_LIMIT_ABOVE_SCAN && positions[5] == NEOS_UPPER_LIMIT_ABOVE_SCAN);
    CHECK(limits[4] == 5.0 && limits[5] == 5.0 && limits[0] > 0.0 && limits[0] < 5.0);
    /* from mu = 4.2 CLs is already below the level for the -2 sigma .. median limits: flagged below, 4.2
     * returned; the observed limit (5.09) is inside, the +2 sigma one above (6 returned) */
    const double high[2] = {4.2, 6.0};
    CHECK(neos_upper_limit_scan(model, 0.05, high, 2, data, 2, NULL, NULL, NULL, 2, limits, NEOS_UPPER_LIMIT_ROWS,
                                positions, NEOS_UPPER_LIMIT_ROWS, NULL, 0) == NEOS_OK);
    CHECK(positions[1] == NEOS_UPPER_LIMIT_BELOW_SCAN && limits[1] == 4.2 && positions[3] == NEOS_UPPER_LIMIT_BELOW_SCAN);
    CHECK(positions[0] == NEOS_UPPER_LIMIT_INSIDE_SCAN && positions[5] == NEOS_UPPER_LIMIT_ABOVE_SCAN && limits[5] == 6.0);

    /* errors: one distinct value, NaN, short outputs; nothing is written */
    double untouched[NEOS_UPPER_LIMIT_ROWS] = {-7, -7, -7, -7, -7, -7};
    int32_t untouched_positions[NEOS_UPPER_LIMIT_ROWS] = {-7, -7, -7, -7, -7, -7};
    const double one[3] = {1.0, 1.0, 1.0}, not_a_number[2] = {1.0, NAN};
    CHECK(neos_upper_limit_scan(model, 0.05, one, 3, data, 2, NULL, NULL, NULL, 2, untouched, NEOS_UPPER_LIMIT_ROWS,
                                untouched_positions, NEOS_UPPER_LIMIT_ROWS, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "3 value(s), 1 distinct") != NULL);
    CHECK(neos_upper_limit_scan(model, 0.05, not_a_number, 2, data, 2, NULL, NULL, NULL, 2, untouched,
                                NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "scan[1] is nan") != NULL);
    CHECK(neos_upper_limit_scan(model, 0.05, sorted, 6, data, 2, NULL, NULL, NULL, 2, untouched, NEOS_UPPER_LIMIT_ROWS,
                                untouched_positions, 5, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "n_out_positions") != NULL);
    CHECK(neos_upper_limit_scan(model, 0.05, sorted, 6, data, 2, NULL, NULL, NULL, 2, untouched, NEOS_UPPER_LIMIT_ROWS,
                                NULL, 0, cls, 6 * NEOS_UPPER_LIMIT_ROWS - 1) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_upper_limit_scan(model, 0.05, NULL, 6, data, 2, NULL, NULL, NULL, 2, untouched, NEOS_UPPER_LIMIT_ROWS,
                                NULL, 0, NULL, 0) == NEOS_ERR_INVALID_ARGUMENT);
    for (int k = 0; k < NEOS_UPPER_LIMIT_ROWS; k++) CHECK(untouched[k] == -7 && untouched_positions[k] == -7);
    /* the scan form of neos_upper_limit refuses one value too */
    CHECK(neos_upper_limit(model, 0.05, one, 1, data, 2, NULL, NULL, NULL, 2, untouched, NEOS_UPPER_LIMIT_ROWS, NULL,
                           0, NULL, 0, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched[0] == -7);
    neos_model_free(model);
}

/* An observation shorter than its channel: the workspace and its model are built (as pyhf builds them); asking
 * for the data is NEOS_ERR_MODEL naming the observation. */
static void test_short_observation(void) {
    const char *json =
        "{\"channels\": [{\"name\": \"SR\", \"samples\": [{\"name\": \"sig\", \"data\": [5.0, 10.0], \"modifiers\":"
        " [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}],"
        " \"observations\": [{\"name\": \"SR\", \"data\": [1.0]}],"
        " \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}], \"version\": \"1.0.0\"}";
    neos_workspace *workspace = NULL;
    neos_model *model = NULL;
    CHECK(neos_workspace_from_json(json, &workspace) == NEOS_OK);
    CHECK(neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model) == NEOS_OK);
    double data[2] = {-7, -7};
    CHECK(neos_workspace_data(workspace, model, false, data, 2) == NEOS_ERR_MODEL);
    CHECK(strstr(neos_last_error_message(), "observations[0].data: expected 2 numbers") != NULL);
    CHECK(data[0] == -7 && data[1] == -7);
    neos_model_free(model);
    neos_workspace_free(workspace);
}

/* Fit options on a model (ABI 1.3): every fit a call makes through the model runs with them, failing as
 * neos_fit_with_options fails; the defaults change nothing; the call's own options win; bad arguments are refused
 * with nothing written. */
static int ran_out_of_iterations(neos_status status, const char *expected_reason) {
    return status == NEOS_ERR_FIT_FAILED && strstr(neos_last_error_message(), "iteration limit reached") != NULL &&
           strcmp(neos_last_error_reason(), expected_reason) == 0;
}

static void test_model_fit_options(void) {
    const double signal[2] = {12, 11}, background[2] = {50, 52}, uncertainty[2] = {3, 7};
    neos_model *model = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &model) == NEOS_OK);
    double data[4] = {140, 30, 0, 0}; /* far from the initial point: every fit needs several Newton steps */
    CHECK(neos_model_suggested(model, NULL, 0, NULL, 0, NULL, 0, data + 2, 2) == NEOS_OK);

    size_t max_iterations = 0;
    double edm_tolerance = 0;
    CHECK(neos_model_fit_options(model, &max_iterations, &edm_tolerance) == NEOS_OK);
    CHECK(max_iterations == NEOS_FIT_DEFAULT_MAX_ITERATIONS && edm_tolerance == NEOS_FIT_DEFAULT_EDM_TOLERANCE);

    neos_model *capped = NULL, *defaults = NULL;
    CHECK(neos_model_with_fit_options(model, 1, NEOS_FIT_DEFAULT_EDM_TOLERANCE, &capped) == NEOS_OK);
    CHECK(neos_model_fit_options(capped, &max_iterations, NULL) == NEOS_OK && max_iterations == 1);
    CHECK(neos_model_fit_options(capped, NULL, NULL) == NEOS_OK);
    CHECK(neos_model_with_fit_options(model, NEOS_FIT_DEFAULT_MAX_ITERATIONS, NEOS_FIT_DEFAULT_EDM_TOLERANCE,
                                      &defaults) == NEOS_OK);

    /* The reason a capped fit leaves, from neos_fit_with_options itself: every call through the capped model must
     * fail with the same status and reason. */
    double pars[3], values[NEOS_HYPOTEST_ROWS], value = -7;
    CHECK(neos_fit_with_options(model, data, 4, NULL, NULL, NULL, 3, 1, NEOS_FIT_DEFAULT_EDM_TOLERANCE, pars, 3, NULL,
                                NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL) == NEOS_ERR_FIT_FAILED);
    char reason[64];
    snprintf(reason, sizeof reason, "%s", neos_last_error_reason());
    CHECK(ran_out_of_iterations(neos_fit(capped, data, 4, NULL, NULL, NULL, 3, pars, 3, NULL, NULL, 0, NULL, 0, NULL,
                                         0, NULL, 0),
                                reason));
    CHECK(ran_out_of_iterations(neos_hypotest(capped, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, values,
                                              NEOS_HYPOTEST_ROWS, NULL, 0, NULL, 0),
                                reason));
    CHECK(ran_out_of_iterations(neos_test_statistic(capped, 1.0, "q0", data, 4, NULL, NULL, NULL, 3, &value), reason));
    CHECK(value == -7);
    double limits[NEOS_UPPER_LIMIT_ROWS], scan[3] = {0, 1, 2}, toys[2];
    CHECK(ran_out_of_iterations(neos_upper_limit(capped, 0.05, NULL, 0, data, 4, NULL, NULL, NULL, 3, limits,
                                                 NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0, NULL),
                                reason));
    CHECK(ran_out_of_iterations(neos_upper_limit_scan(capped, 0.05, scan, 3, data, 4, NULL, NULL, NULL, 3, limits,
                                                      NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0),
                                reason));
    CHECK(ran_out_of_iterations(neos_upper_limit_jacobian(capped, 0.05, data, 4, NULL, NULL, NULL, 3, limits,
                                                          NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0),
                                reason));
    double init[3];
    CHECK(neos_model_suggested(model, init, 3, NULL, 0, NULL, 0, NULL, 0) == NEOS_OK);
    CHECK(neos_toy_test_statistics(capped, 1.0, "qtilde", init, NULL, NULL, NULL, 3, 2, 7, 1, toys, 2) ==
          NEOS_ERR_FIT_FAILED);
    CHECK(strstr(neos_last_error_message(), "iteration limit reached") != NULL);
    /* neos_fit_with_options' own options win over the model's */
    double reference[3], refit[3];
    CHECK(neos_fit(model, data, 4, NULL, NULL, NULL, 3, reference, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0) ==
          NEOS_OK);
    CHECK(neos_fit_with_options(capped, data, 4, NULL, NULL, NULL, 3, NEOS_FIT_DEFAULT_MAX_ITERATIONS,
                                NEOS_FIT_DEFAULT_EDM_TOLERANCE, refit, 3, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
                                NULL) == NEOS_OK);
    CHECK(memcmp(refit, reference, sizeof refit) == 0);

    /* A model given the defaults computes exactly what the plain model computes. */
    double plain_values[NEOS_HYPOTEST_ROWS];
    CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, plain_values, NEOS_HYPOTEST_ROWS, NULL, 0,
                        NULL, 0) == NEOS_OK);
    CHECK(neos_hypotest(defaults, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, values, NEOS_HYPOTEST_ROWS, NULL, 0,
                        NULL, 0) == NEOS_OK);
    CHECK(memcmp(values, plain_values, sizeof values) == 0);

    /* Derived models keep the options. */
    size_t n_inputs = 0;
    CHECK(neos_model_sizes(capped, NULL, NULL, NULL, &n_inputs, NULL) == NEOS_OK && n_inputs > 0 && n_inputs <= 16);
    double inputs[16];
    CHECK(neos_model_inputs(capped, inputs, n_inputs) == NEOS_OK);
    neos_model *derived = NULL, *clipped = NULL;
    CHECK(neos_model_with_inputs(capped, inputs, n_inputs, &derived) == NEOS_OK);
    CHECK(neos_model_fit_options(derived, &max_iterations, NULL) == NEOS_OK && max_iterations == 1);
    const double zero = 0.0;
    CHECK(neos_model_with_clipping(capped, NULL, &zero, &clipped) == NEOS_OK);
    CHECK(neos_model_fit_options(clipped, &max_iterations, NULL) == NEOS_OK && max_iterations == 1);

    /* Refused: options outside their ranges (a wrapped negative size too), NULL or freed handles, a NULL output;
     * nothing is written. */
    neos_model *untouched = (neos_model *)&untouched;
    CHECK(neos_model_with_fit_options(model, 0, 1e-3, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "max_iterations") != NULL);
    CHECK(neos_model_with_fit_options(model, (size_t)-1, 1e-3, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_with_fit_options(model, NEOS_FIT_MAX_ITERATIONS + (size_t)1, 1e-3, &untouched) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_with_fit_options(model, 10, 0.0, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "edm_tolerance") != NULL);
    CHECK(neos_model_with_fit_options(model, 10, NAN, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_with_fit_options(model, 10, INFINITY, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_with_fit_options(model, 10, -1e-3, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_model_with_fit_options(NULL, 10, 1e-3, &untouched) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "model") != NULL);
    CHECK(neos_model_with_fit_options(model, 10, 1e-3, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched == (neos_model *)&untouched);
    max_iterations = 77;
    edm_tolerance = 77;
    CHECK(neos_model_fit_options(NULL, &max_iterations, &edm_tolerance) == NEOS_ERR_INVALID_ARGUMENT);
    neos_model *freed = NULL;
    CHECK(neos_model_with_fit_options(model, 10, 1e-3, &freed) == NEOS_OK);
    neos_model_free(freed);
    CHECK(neos_model_fit_options(freed, &max_iterations, &edm_tolerance) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(max_iterations == 77 && edm_tolerance == 77);

    neos_model_free(clipped);
    neos_model_free(derived);
    neos_model_free(defaults);
    neos_model_free(capped);
    neos_model_free(model);
}

/* A one-bin counting experiment with a Poisson-constrained background scale (the likelihood of
 * neos_simplemodels_uncorrelated_background), written as callbacks: pars = (mu, gamma), data = (n, aux). `mode`
 * makes logpdf misbehave on purpose: 1 gives NaN once mu leaves 1, 2 reports a failure (returns 7). */
struct counting_model {
    double signal, background, tau;
    int mode;
    int calls;
};

static double counting_log_poisson(double n, double rate) { return n * log(rate) - rate - lgamma(n + 1); }

static int32_t counting_logpdf(void *context, const double *pars, size_t n_pars, const double *data, size_t n_data,
                               double *out_logpdf) {
    struct counting_model *model = (struct counting_model *)context;
    model->calls++;
    if (n_pars != 2 || n_data != 2) return 3;
    if (model->mode == 2) return 7;
    if (model->mode == 1 && pars[0] != 1) {
        *out_logpdf = NAN;
        return 0;
    }
    *out_logpdf = counting_log_poisson(data[0], pars[0] * model->signal + pars[1] * model->background) +
                  counting_log_poisson(data[1], pars[1] * model->tau);
    return 0;
}

static int32_t counting_gradient(void *context, const double *pars, size_t n_pars, const double *data,
                                 size_t n_data, double *out_gradient, size_t n_out_gradient) {
    const struct counting_model *model = (const struct counting_model *)context;
    if (n_pars != 2 || n_data != 2 || n_out_gradient != 2) return 3;
    double weight = data[0] / (pars[0] * model->signal + pars[1] * model->background) - 1;
    out_gradient[0] = weight * model->signal;
    out_gradient[1] = weight * model->background + (data[1] / (pars[1] * model->tau) - 1) * model->tau;
    return 0;
}

static int32_t counting_expected(void *context, const double *pars, size_t n_pars, double *out_data,
                                 size_t n_out_data) {
    const struct counting_model *model = (const struct counting_model *)context;
    if (n_pars != 2 || n_out_data != 2) return 3;
    out_data[0] = pars[0] * model->signal + pars[1] * model->background;
    out_data[1] = pars[1] * model->tau;
    return 0;
}

static void test_callback_model(void) {
    const double signal = 5, background = 50, uncertainty = 7;
    struct counting_model counting = {signal, background, (background / uncertainty) * (background / uncertainty), 0,
                                      0};
    const double init[2] = {1, 1}, bounds[4] = {0, 10, 1e-10, 10};
    const bool fixed[2] = {false, false};
    const double data[2] = {58, counting.tau};
    neos_model *native = NULL;
    CHECK(neos_simplemodels_uncorrelated_background(&signal, &background, &uncertainty, 1, &native) == NEOS_OK);
    double native_pars[2], native_nll, native_values[NEOS_HYPOTEST_ROWS];
    CHECK(neos_fit(native, data, 2, init, bounds, fixed, 2, native_pars, 2, &native_nll, NULL, 0, NULL, 0, NULL, 0,
                   NULL, 0) == NEOS_OK);
    CHECK(neos_hypotest(native, 1.5, "qtilde", data, 2, init, bounds, fixed, 2, native_values, NEOS_HYPOTEST_ROWS,
                        NULL, 0, NULL, 0) == NEOS_OK);

    /* Without and with a gradient callback: the native best fit within 1e-7, its twice NLL within 1e-10, its CLs
     * within 1e-7 relative (the numerical derivatives' accuracy is in the header). */
    for (int with_gradient = 0; with_gradient < 2; with_gradient++) {
        neos_callback_model *model = NULL;
        CHECK(neos_callback_model_create(2, 0, init, bounds, fixed, 2, counting_logpdf,
                                         with_gradient ? counting_gradient : NULL, counting_expected, &counting,
                                         &model) == NEOS_OK);
        double pars[2] = {-7, -7}, twice_nll = -7, uncertainties[2];
        CHECK(neos_callback_fit(model, data, 2, NULL, NULL, NULL, 2, pars, 2, &twice_nll, uncertainties, 2) ==
              NEOS_OK);
        CHECK(close_to(pars[0], native_pars[0], 1e-7) && close_to(pars[1], native_pars[1], 1e-7));
        CHECK(close_to(twice_nll, native_nll, 1e-10));
        CHECK(uncertainties[0] > 0 && uncertainties[1] > 0);
        CHECK(neos_callback_fixed_poi_fit(model, 2.5, data, 2, NULL, NULL, NULL, 2, pars, 2, &twice_nll, NULL, 0) ==
              NEOS_OK);
        CHECK(pars[0] == 2.5 && twice_nll > native_nll);
        double values[NEOS_HYPOTEST_ROWS];
        CHECK(neos_callback_hypotest(model, 1.5, "qtilde", data, 2, NULL, NULL, NULL, 2, values, NEOS_HYPOTEST_ROWS) ==
              NEOS_OK);
        for (int row = NEOS_HYPOTEST_CLSB; row < NEOS_HYPOTEST_ROWS; row++)
            CHECK(close_to(values[row], native_values[row], 1e-7 * native_values[row]));
        neos_callback_model_free(model);
    }

    /* A NaN from logpdf is NEOS_ERR_NUMERIC, a failure it reports is NEOS_ERR_MODEL; nothing is written. */
    neos_callback_model *model = NULL;
    CHECK(neos_callback_model_create(2, 0, init, bounds, fixed, 2, counting_logpdf, NULL, counting_expected,
                                     &counting, &model) == NEOS_OK);
    double pars[2] = {-7, -7}, twice_nll = -7, values[NEOS_HYPOTEST_ROWS] = {-7};
    counting.mode = 1;
    CHECK(neos_callback_fit(model, data, 2, NULL, NULL, NULL, 2, pars, 2, &twice_nll, NULL, 0) == NEOS_ERR_NUMERIC);
    CHECK(strstr(neos_last_error_message(), "logpdf callback returned nan") != NULL);
    CHECK(pars[0] == -7 && pars[1] == -7 && twice_nll == -7);
    counting.mode = 2;
    counting.calls = 0;
    CHECK(neos_callback_hypotest(model, 1, "qtilde", data, 2, NULL, NULL, NULL, 2, values, NEOS_HYPOTEST_ROWS) ==
          NEOS_ERR_MODEL);
    CHECK(strstr(neos_last_error_message(), "returned 7") != NULL);
    CHECK(counting.calls == 1 && values[0] == -7);
    counting.mode = 0;

    /* NULL pointers and wrong lengths are refused before any callback runs. */
    counting.calls = 0;
    neos_callback_model *none = NULL;
    CHECK(neos_callback_model_create(2, 0, init, bounds, fixed, 2, NULL, NULL, counting_expected, &counting, &none) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "logpdf is NULL") != NULL && none == NULL);
    CHECK(neos_callback_model_create(2, 0, init, bounds, fixed, 2, counting_logpdf, NULL, NULL, &counting, &none) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_model_create(2, 0, NULL, bounds, fixed, 2, counting_logpdf, NULL, counting_expected,
                                     &counting, &none) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_model_create(2, 0, init, bounds, fixed, 2, counting_logpdf, NULL, counting_expected,
                                     &counting, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_model_create(2, 2, init, bounds, fixed, 2, counting_logpdf, NULL, counting_expected,
                                     &counting, &none) == NEOS_ERR_INVALID_ARGUMENT);
    const double unbounded[4] = {0, INFINITY, 0, 10};
    CHECK(neos_callback_model_create(2, 0, init, unbounded, fixed, 2, counting_logpdf, NULL, counting_expected,
                                     &counting, &none) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_fit(NULL, data, 2, NULL, NULL, NULL, 2, pars, 2, NULL, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_fit(model, NULL, 2, NULL, NULL, NULL, 2, pars, 2, NULL, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_fit(model, data, 3, NULL, NULL, NULL, 2, pars, 2, NULL, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_hypotest(model, 1, NULL, data, 2, NULL, NULL, NULL, 2, values, NEOS_HYPOTEST_ROWS) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_callback_hypotest(model, 1, "qtilde", data, 2, NULL, NULL, NULL, 2, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    /* A neos_model is not a callback model, and a freed handle is refused. */
    CHECK(neos_callback_fit((const neos_callback_model *)native, data, 2, NULL, NULL, NULL, 2, pars, 2, NULL, NULL,
                            0) == NEOS_ERR_INVALID_ARGUMENT);
    neos_callback_model_free(model);
    CHECK(neos_callback_fit(model, data, 2, NULL, NULL, NULL, 2, pars, 2, NULL, NULL, 0) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(counting.calls == 0);
    neos_callback_model_free(NULL);
    neos_model_free(native);
}

/* pyhf's densities elementwise: values against lgamma-based formulas written here (1e-12 relative), pyhf's
 * edge values (-inf at rate 0, -rate for n = 0 at a negative rate, NaN for sigma 0), lengths checked. */
static void test_densities(void) {
    const double counts[4] = {3, 2.5, 0, 1}, rates[4] = {4.2, 0.7, -2, 0};
    double out[4] = {0};
    CHECK(neos_poisson_logpdf(counts, 4, rates, 4, out, 4) == NEOS_OK);
    for (int i = 0; i < 2; i++) {
        double expected = counts[i] * log(rates[i]) - rates[i] - lgamma(counts[i] + 1);
        CHECK(close_to(out[i], expected, 1e-12 * fabs(expected)));
    }
    CHECK(out[2] == 2 && isinf(out[3]) && out[3] < 0);
    const double x[3] = {1.5, -2, 0}, mean[3] = {0.5, 1, 0}, sigma[3] = {2, 0.3, 0};
    double normal[3] = {0};
    CHECK(neos_normal_logpdf(x, 3, mean, 3, sigma, 3, normal, 3) == NEOS_OK);
    for (int i = 0; i < 2; i++) {
        double z = (x[i] - mean[i]) / sigma[i];
        double expected = -0.5 * z * z - log(sigma[i] * sqrt(2 * acos(-1.0)));
        CHECK(close_to(normal[i], expected, 1e-12 * fabs(expected)));
    }
    CHECK(isnan(normal[2]));
    double untouched[4] = {-7, -7, -7, -7};
    CHECK(neos_poisson_logpdf(counts, 4, rates, 3, untouched, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_poisson_logpdf(counts, 4, rates, 4, untouched, 3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_poisson_logpdf(NULL, 4, rates, 4, untouched, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_normal_logpdf(x, 3, mean, 3, NULL, 3, untouched, 3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched[0] == -7 && untouched[3] == -7);
}

/* Issue 14: neos_model_nll_and_gradient gives -neos_model_logpdf and neos_model_nll_derivatives' gradient bit for
 * bit (the same kernels, in the same order), checks every length and its outputs before writing, and is
 * NEOS_ERR_NUMERIC with nothing written where the gradient is not finite. */
static void test_nll_and_gradient(void) {
    const char *spec =
        "{\"channels\": [{\"name\": \"SR\", \"samples\": ["
        "{\"name\": \"sig\", \"data\": [5.0, 4.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "{\"name\": \"bkg\", \"data\": [10.0, 8.0], \"modifiers\": ["
        "{\"name\": \"bkg_norm\", \"type\": \"normsys\", \"data\": {\"hi\": 1.1, \"lo\": 0.9}},"
        "{\"name\": \"uncorr\", \"type\": \"shapesys\", \"data\": [1.0, 2.0]}]}]}]}";
    neos_model *model = NULL;
    CHECK(neos_model_from_json(spec, "mu", NULL, &model) == NEOS_OK);
    size_t n_pars = 0, n_main = 0, n_aux = 0, n_inputs = 0;
    int64_t poi = -1;
    CHECK(neos_model_sizes(model, &n_pars, &n_main, &n_aux, &n_inputs, &poi) == NEOS_OK);
    CHECK(n_pars == 4 && n_main == 2 && n_aux == 3);
    double data[5] = {12.0, 9.0, 0, 0, 0};
    CHECK(neos_model_suggested(model, NULL, 0, NULL, 0, NULL, 0, data + 2, 3) == NEOS_OK);
    /* away from the suggested init, so that every gradient element is non-zero */
    const double pars[4] = {1.3, 0.4, 1.05, 0.9};
    double logpdf = 0, value = 0, two_calls[4] = {0}, fused[4] = {0};
    CHECK(neos_model_logpdf(model, pars, 4, data, 5, &logpdf) == NEOS_OK);
    CHECK(neos_model_nll_derivatives(model, pars, 4, data, 5, two_calls, 4, NULL, 0) == NEOS_OK);
    CHECK(neos_model_nll_and_gradient(model, pars, 4, data, 5, &value, fused, 4) == NEOS_OK);
    CHECK(value == -logpdf && isfinite(value)); /* exact: the same sum, negated */
    for (int i = 0; i < 4; i++) CHECK(fused[i] == two_calls[i] && fused[i] != 0);
    /* the gradient may be left out */
    double alone = 0;
    CHECK(neos_model_nll_and_gradient(model, pars, 4, data, 5, &alone, NULL, 0) == NEOS_OK && alone == value);

    /* refusals, each with nothing written */
    double out = -7, gradient[4] = {-7, -7, -7, -7};
    CHECK(neos_model_nll_and_gradient(model, pars, 3, data, 5, &out, gradient, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "pars") != NULL);
    CHECK(neos_model_nll_and_gradient(model, pars, 4, data, 4, &out, gradient, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "data") != NULL);
    CHECK(neos_model_nll_and_gradient(model, pars, 4, data, 5, &out, gradient, 3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_gradient") != NULL);
    CHECK(neos_model_nll_and_gradient(model, pars, 4, data, 5, NULL, gradient, 4) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "out_value") != NULL);
    CHECK(neos_model_nll_and_gradient(NULL, pars, 4, data, 5, &out, gradient, 4) != NEOS_OK);
    const double nan_pars[4] = {NAN, 0.4, 1.05, 0.9};
    CHECK(neos_model_nll_and_gradient(model, nan_pars, 4, data, 5, &out, gradient, 4) == NEOS_ERR_INVALID_ARGUMENT);
    double negative_data[5] = {-1.0, 9.0, data[2], data[3], data[4]};
    CHECK(neos_model_nll_and_gradient(model, pars, 4, negative_data, 5, &out, gradient, 4) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(out == -7 && gradient[0] == -7 && gradient[1] == -7 && gradient[2] == -7 && gradient[3] == -7);
    neos_model_free(model);

    /* nothing expected where 2 are observed: log L is -INFINITY, the NLL and its gradient are not finite */
    const char *empty =
        "{\"channels\": [{\"name\": \"SR\", \"samples\": ["
        "{\"name\": \"sig\", \"data\": [0.0, 5.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]},"
        "{\"name\": \"bkg\", \"data\": [0.0, 3.0], \"modifiers\": []}]}]}";
    CHECK(neos_model_from_json(empty, "mu", NULL, &model) == NEOS_OK);
    const double mu[1] = {1.0}, impossible[2] = {2.0, 3.0};
    CHECK(neos_model_nll_and_gradient(model, mu, 1, impossible, 2, &out, gradient, 1) == NEOS_ERR_NUMERIC);
    CHECK(out == -7 && gradient[0] == -7);
    CHECK(strstr(neos_last_error_message(), "observes 2.0 where the model expects 0") != NULL);
    neos_model_free(model);
}

/* Issue 16: neos_grid_hypotest gives each point's neos_hypotest values bit for bit on 1 and 2 threads, a broken
 * patch its own status (and a zero row) while the others complete, and refuses bad arguments writing nothing. */
static const char *GRID_PATCHSET =
    "{\"metadata\": {\"references\": {}, \"description\": \"d\", \"digests\": {}, \"labels\": [\"x\"]},"
    " \"patches\": ["
    "  {\"metadata\": {\"name\": \"weak\", \"values\": [1]}, \"patch\": [{\"op\": \"replace\","
    "   \"path\": \"/channels/0/samples/0/data\", \"value\": [2.0, 4.0]}]},"
    "  {\"metadata\": {\"name\": \"broken\", \"values\": [2]}, \"patch\": [{\"op\": \"replace\","
    "   \"path\": \"/channels/5/samples/0/data\", \"value\": [1.0]}]},"
    "  {\"metadata\": {\"name\": \"strong\", \"values\": [3]}, \"patch\": [{\"op\": \"replace\","
    "   \"path\": \"/channels/0/samples/0/data\", \"value\": [20.0, 40.0]}]}],"
    " \"version\": \"1.0.0\"}";

static void test_grid_hypotest(void) {
    enum { POINTS = 3, ROWS = NEOS_HYPOTEST_ROWS };
    neos_workspace *workspace = NULL;
    neos_patchset *patchset = NULL;
    CHECK(neos_workspace_from_json(WORKSPACE, &workspace) == NEOS_OK);
    CHECK(neos_patchset_from_json(GRID_PATCHSET, &patchset) == NEOS_OK);
    double one[POINTS * ROWS], two[POINTS * ROWS];
    neos_status status_one[POINTS], status_two[POINTS];
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", 1, one, POINTS * ROWS,
                             status_one, POINTS) == NEOS_OK);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", 2, two, POINTS * ROWS,
                             status_two, POINTS) == NEOS_OK);
    CHECK(memcmp(one, two, sizeof one) == 0 && memcmp(status_one, status_two, sizeof status_one) == 0);
    CHECK(status_one[0] == NEOS_OK && status_one[1] != NEOS_OK && status_one[2] == NEOS_OK);
    for (int r = 0; r < ROWS; r++) CHECK(one[ROWS + r] == 0);
    /* each computed point equals neos_hypotest on the model built with its patch alone */
    const char *names[2] = {"weak", "strong"};
    for (int point = 0; point < 2; point++) {
        char patch[512];
        CHECK(neos_patchset_patch_json(patchset, names[point], patch, sizeof patch, NULL) == NEOS_OK);
        const char *patches[1] = {patch};
        neos_model *model = NULL;
        CHECK(neos_workspace_model(workspace, NULL, NULL, patches, 1, &model) == NEOS_OK);
        double data[4], alone[ROWS];
        CHECK(neos_workspace_data(workspace, model, true, data, 4) == NEOS_OK);
        CHECK(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, alone, ROWS, NULL, 0, NULL, 0) ==
              NEOS_OK);
        CHECK(memcmp(alone, one + (point == 0 ? 0 : 2) * ROWS, sizeof alone) == 0);
        neos_model_free(model);
    }
    CHECK(one[2 * ROWS + NEOS_HYPOTEST_CLS] < one[NEOS_HYPOTEST_CLS]); /* a stronger signal, a smaller CLs */
    /* chosen points, in the caller's order */
    double chosen[2 * ROWS];
    neos_status chosen_status[2];
    const char *reversed[2] = {"strong", "weak"};
    CHECK(neos_grid_hypotest(workspace, patchset, reversed, 2, NULL, NULL, 1.0, "qtilde", 0, chosen, 2 * ROWS,
                             chosen_status, 2) == NEOS_OK);
    CHECK(memcmp(chosen, one + 2 * ROWS, ROWS * sizeof(double)) == 0 && memcmp(chosen + ROWS, one, ROWS * sizeof(double)) == 0);
    /* bad arguments: refused before any point runs, nothing written */
    double untouched[POINTS * ROWS];
    neos_status untouched_status[POINTS];
    for (int i = 0; i < POINTS * ROWS; i++) untouched[i] = -7;
    for (int i = 0; i < POINTS; i++) untouched_status[i] = -7;
    const char *unknown[1] = {"nope"};
    CHECK(neos_grid_hypotest(workspace, patchset, unknown, 1, NULL, NULL, 1.0, "qtilde", 1, untouched, ROWS,
                             untouched_status, 1) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, 2, NULL, NULL, 1.0, "qtilde", 1, untouched, 2 * ROWS,
                             untouched_status, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", 1, untouched,
                             POINTS * ROWS - 1, untouched_status, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", 1, untouched,
                             POINTS * ROWS, untouched_status, POINTS - 1) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", -1, untouched,
                             POINTS * ROWS, untouched_status, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, NAN, "qtilde", 1, untouched,
                             POINTS * ROWS, untouched_status, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "q1", 1, untouched, POINTS * ROWS,
                             untouched_status, POINTS) != NEOS_OK);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, (size_t)-1, NULL, NULL, 1.0, "qtilde", 1, untouched,
                             POINTS * ROWS, untouched_status, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_grid_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", 1, NULL, 0,
                             untouched_status, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    for (int i = 0; i < POINTS * ROWS; i++) CHECK(untouched[i] == -7);
    for (int i = 0; i < POINTS; i++) CHECK(untouched_status[i] == -7);
    neos_patchset_free(patchset);
    neos_workspace_free(workspace);
}

/* Issue 16 (ABI 1.5): each grid point's upper limits equal neos_upper_limit / neos_upper_limit_scan on the model built
 * with its patch alone, bit for bit, on 1 and 2 threads; the broken patch fails alone; bad arguments write nothing. */
static void grid_model(neos_workspace *workspace, neos_patchset *patchset, const char *name, neos_model **model,
                       double data[4]) {
    char patch[512];
    CHECK(neos_patchset_patch_json(patchset, name, patch, sizeof patch, NULL) == NEOS_OK);
    const char *patches[1] = {patch};
    CHECK(neos_workspace_model(workspace, NULL, NULL, patches, 1, model) == NEOS_OK);
    CHECK(neos_workspace_data(workspace, *model, true, data, 4) == NEOS_OK);
}

static void test_grid_upper_limit(void) {
    enum { POINTS = 3, ROWS = NEOS_UPPER_LIMIT_ROWS };
    neos_workspace *workspace = NULL;
    neos_patchset *patchset = NULL;
    CHECK(neos_workspace_from_json(WORKSPACE, &workspace) == NEOS_OK);
    CHECK(neos_patchset_from_json(GRID_PATCHSET, &patchset) == NEOS_OK);
    const double scan[6] = {0, 0.5, 1, 2, 3, 5};
    const char *names[POINTS] = {"weak", "broken", "strong"};
    for (int scanned = 0; scanned < 2; scanned++) {
        const double *grid_scan = scanned ? scan : NULL;
        double one[POINTS * ROWS], two[POINTS * ROWS];
        int32_t positions_one[POINTS * ROWS], positions_two[POINTS * ROWS];
        neos_status status_one[POINTS], status_two[POINTS];
        CHECK(neos_grid_upper_limit(workspace, patchset, NULL, POINTS, NULL, NULL, 0.05, grid_scan, 6, "qtilde", 1, one,
                                    POINTS * ROWS, positions_one, POINTS * ROWS, status_one, POINTS) == NEOS_OK);
        CHECK(neos_grid_upper_limit(workspace, patchset, NULL, POINTS, NULL, NULL, 0.05, grid_scan, 6, "qtilde", 2, two,
                                    POINTS * ROWS, positions_two, POINTS * ROWS, status_two, POINTS) == NEOS_OK);
        CHECK(memcmp(one, two, sizeof one) == 0 && memcmp(status_one, status_two, sizeof status_one) == 0);
        CHECK(memcmp(positions_one, positions_two, sizeof positions_one) == 0);
        CHECK(status_one[1] != NEOS_OK && status_one[2] == NEOS_OK);
        for (int r = 0; r < ROWS; r++) CHECK(one[ROWS + r] == 0 && positions_one[ROWS + r] == 0);
        for (int point = 0; point < POINTS; point += 2) {
            neos_model *model = NULL;
            double data[4], alone[ROWS];
            int32_t positions[ROWS];
            grid_model(workspace, patchset, names[point], &model, data);
            neos_status status =
                scanned ? neos_upper_limit_scan(model, 0.05, scan, 6, data, 4, NULL, NULL, NULL, 3, alone, ROWS,
                                                positions, ROWS, NULL, 0)
                        : neos_upper_limit(model, 0.05, NULL, 0, data, 4, NULL, NULL, NULL, 3, alone, ROWS, NULL, 0,
                                           NULL, 0, NULL);
            CHECK(status == status_one[point]);
            if (status == NEOS_OK) {
                CHECK(memcmp(alone, one + point * ROWS, sizeof alone) == 0);
                if (scanned) CHECK(memcmp(positions, positions_one + point * ROWS, sizeof positions) == 0);
                for (int r = 0; r < ROWS && !scanned; r++) CHECK(positions_one[point * ROWS + r] == 0);
            }
            neos_model_free(model);
        }
        /* a stronger signal, a smaller limit */
        if (status_one[0] == NEOS_OK) CHECK(one[2 * ROWS] < one[0]);
    }
    /* positions are optional; chosen points in the caller's order */
    double chosen[ROWS];
    neos_status chosen_status[1];
    const char *strong[1] = {"strong"};
    CHECK(neos_grid_upper_limit(workspace, patchset, strong, 1, NULL, NULL, 0.05, scan, 6, "qtilde", 0, chosen, ROWS,
                                NULL, 0, chosen_status, 1) == NEOS_OK && chosen_status[0] == NEOS_OK);
    /* bad arguments: refused before any point runs, nothing written */
    double untouched[POINTS * ROWS];
    int32_t untouched_positions[POINTS * ROWS];
    neos_status untouched_status[POINTS];
    for (int i = 0; i < POINTS * ROWS; i++) untouched[i] = -7, untouched_positions[i] = -7;
    for (int i = 0; i < POINTS; i++) untouched_status[i] = -7;
    const double one_value[2] = {1, 1}, nan_scan[2] = {1, NAN};
#define GRID_UL(level, scan_, n_scan, stat, threads, n_out, n_positions, n_status)                                     \
    neos_grid_upper_limit(workspace, patchset, NULL, POINTS, NULL, NULL, level, scan_, n_scan, stat, threads,          \
                          untouched, n_out, untouched_positions, n_positions, untouched_status, n_status)
    CHECK(GRID_UL(0.0, scan, 6, "qtilde", 1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(1.0, scan, 6, "qtilde", 1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, one_value, 2, "qtilde", 1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, nan_scan, 2, "qtilde", 1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, (size_t)-1, "qtilde", 1, POINTS * ROWS, POINTS * ROWS, POINTS) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, 6, "tmu", 1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, 6, NULL, 1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, 6, "qtilde", -1, POINTS * ROWS, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, 6, "qtilde", 1, POINTS * ROWS - 1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, 6, "qtilde", 1, POINTS * ROWS, ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_UL(0.05, scan, 6, "qtilde", 1, POINTS * ROWS, POINTS * ROWS, POINTS + 1) == NEOS_ERR_INVALID_ARGUMENT);
#undef GRID_UL
    CHECK(neos_grid_upper_limit(workspace, patchset, NULL, POINTS, NULL, NULL, 0.05, scan, 6, "qtilde", 1, NULL, 0,
                                NULL, 0, untouched_status, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    for (int i = 0; i < POINTS * ROWS; i++) CHECK(untouched[i] == -7 && untouched_positions[i] == -7);
    for (int i = 0; i < POINTS; i++) CHECK(untouched_status[i] == -7);
    neos_patchset_free(patchset);
    neos_workspace_free(workspace);
}

/* Issue 16 (ABI 1.5): pyhf's toy p-values over samples, counted by hand, and the toy grid: each point equals its
 * parts computed alone (fits, toys, p-values) bit for bit, with the same seed on 1 and 2 threads. */
static void test_empirical_pvalues(void) {
    const double samples[5] = {3, 1, 2, 2, 5}, values[5] = {2, 2.5, 5, 0, INFINITY};
    double pvalues[5], expected[3];
    CHECK(neos_empirical_pvalues(samples, 5, values, 5, pvalues, 5) == NEOS_OK);
    CHECK(pvalues[0] == 0.8 && pvalues[1] == 0.4 && pvalues[2] == 0.2 && pvalues[3] == 1 && pvalues[4] == 0);
    const double nsigma[3] = {0, -INFINITY, INFINITY};
    CHECK(neos_empirical_expected_values(samples, 5, nsigma, 3, expected, 3) == NEOS_OK);
    CHECK(expected[0] == 2 && expected[1] == 1 && expected[2] == 5);
    /* by hand: the background toys 1..4 give CLsb (3/4, 1/2, 1/4, 0) and CLb (1, 3/4, 1/2, 1/4); the median of
     * four values is the mean of the middle two */
    const double signal[4] = {3, 0, 2, 1}, background[4] = {4, 1, 3, 2};
    double band[3 * NEOS_EXPECTED_SET_SIZE];
    CHECK(neos_toy_expected_pvalues(signal, 4, background, 4, band, 3 * NEOS_EXPECTED_SET_SIZE) == NEOS_OK);
    CHECK(band[2] == 0.375 && band[NEOS_EXPECTED_SET_SIZE + 2] == 0.625);
    CHECK(band[0] == 0.25 * (3 * (2.27501319 / 100))); /* pyhf's -2 sigma percentile, virtual index 3 q / 100 */
    for (int i = 0; i < 3 * NEOS_EXPECTED_SET_SIZE; i++) CHECK(band[i] >= 0 && band[i] <= 1);
    /* bad arguments write nothing */
    double untouched[5] = {-7, -7, -7, -7, -7};
    const double nan_values[2] = {1, NAN}, nan_samples[2] = {NAN, 1};
    CHECK(neos_empirical_pvalues(samples, 0, values, 2, untouched, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_pvalues(nan_samples, 2, values, 2, untouched, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_pvalues(samples, 5, nan_values, 2, untouched, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_pvalues(samples, 5, values, 2, untouched, 3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_pvalues(NULL, 5, values, 2, untouched, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_pvalues(samples, (size_t)-1, values, 2, untouched, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_expected_values(samples, 5, nan_values, 2, untouched, 2) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_empirical_expected_values(samples, 5, nsigma, 3, NULL, 3) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_expected_pvalues(signal, 4, background, 4, untouched, 5) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_expected_pvalues(signal, 0, background, 4, untouched, 5) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(neos_toy_expected_pvalues(signal, 4, nan_samples, 2, untouched, 5) == NEOS_ERR_INVALID_ARGUMENT);
    for (int i = 0; i < 5; i++) CHECK(untouched[i] == -7);
}

static void test_grid_toy_hypotest(void) {
    enum { POINTS = 3, ROWS = NEOS_TOY_HYPOTEST_ROWS, TOYS = 30 };
    const uint64_t seed = 2026;
    neos_workspace *workspace = NULL;
    neos_patchset *patchset = NULL;
    CHECK(neos_workspace_from_json(WORKSPACE, &workspace) == NEOS_OK);
    CHECK(neos_patchset_from_json(GRID_PATCHSET, &patchset) == NEOS_OK);
    double one[POINTS * ROWS], two[POINTS * ROWS];
    neos_status status_one[POINTS], status_two[POINTS];
    CHECK(neos_grid_toy_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", TOYS, seed, 1, one,
                                 POINTS * ROWS, status_one, POINTS) == NEOS_OK);
    CHECK(neos_grid_toy_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, 1.0, "qtilde", TOYS, seed, 2, two,
                                 POINTS * ROWS, status_two, POINTS) == NEOS_OK);
    CHECK(memcmp(one, two, sizeof one) == 0 && memcmp(status_one, status_two, sizeof status_one) == 0);
    CHECK(status_one[0] == NEOS_OK && status_one[1] != NEOS_OK && status_one[2] == NEOS_OK);
    for (int r = 0; r < ROWS; r++) CHECK(one[ROWS + r] == 0);
    const char *names[POINTS] = {"weak", "broken", "strong"};
    for (int point = 0; point < POINTS; point += 2) {
        neos_model *model = NULL;
        double data[4], q = -1, signal_pars[3], background_pars[3], signal[TOYS], background[TOYS];
        grid_model(workspace, patchset, names[point], &model, data);
        CHECK(neos_test_statistic(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, &q) == NEOS_OK);
        CHECK(neos_fixed_poi_fit(model, 1.0, data, 4, NULL, NULL, NULL, 3, signal_pars, 3, NULL, NULL, 0, NULL, 0,
                                 NULL, 0, NULL, 0) == NEOS_OK);
        CHECK(neos_fixed_poi_fit(model, 0.0, data, 4, NULL, NULL, NULL, 3, background_pars, 3, NULL, NULL, 0, NULL, 0,
                                 NULL, 0, NULL, 0) == NEOS_OK);
        CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", signal_pars, NULL, NULL, NULL, 3, TOYS, seed, 1, signal,
                                       TOYS) == NEOS_OK);
        CHECK(neos_toy_test_statistics(model, 1.0, "qtilde", background_pars, NULL, NULL, NULL, 3, TOYS, seed + 1, 1,
                                       background, TOYS) == NEOS_OK);
        double clsb = -1, clb = -1, band[3 * NEOS_EXPECTED_SET_SIZE];
        CHECK(neos_empirical_pvalues(signal, TOYS, &q, 1, &clsb, 1) == NEOS_OK);
        CHECK(neos_empirical_pvalues(background, TOYS, &q, 1, &clb, 1) == NEOS_OK);
        CHECK(neos_toy_expected_pvalues(signal, TOYS, background, TOYS, band, 3 * NEOS_EXPECTED_SET_SIZE) == NEOS_OK);
        const double *row = one + point * ROWS;
        CHECK(row[NEOS_TOY_HYPOTEST_Q_OBSERVED] == q && row[NEOS_TOY_HYPOTEST_CLSB] == clsb);
        CHECK(row[NEOS_TOY_HYPOTEST_CLB] == clb && row[NEOS_TOY_HYPOTEST_CLS] == clsb / clb);
        CHECK(memcmp(row + NEOS_TOY_HYPOTEST_EXPECTED, band + 2 * NEOS_EXPECTED_SET_SIZE,
                     NEOS_EXPECTED_SET_SIZE * sizeof(double)) == 0);
        neos_model_free(model);
    }
    /* chosen points, in the caller's order; one point alone may spread its toys over the threads */
    double chosen[2 * ROWS];
    neos_status chosen_status[2];
    const char *reversed[2] = {"strong", "weak"};
    CHECK(neos_grid_toy_hypotest(workspace, patchset, reversed, 2, NULL, NULL, 1.0, "qtilde", TOYS, seed, 0, chosen,
                                 2 * ROWS, chosen_status, 2) == NEOS_OK);
    CHECK(memcmp(chosen, one + 2 * ROWS, ROWS * sizeof(double)) == 0 &&
          memcmp(chosen + ROWS, one, ROWS * sizeof(double)) == 0);
    /* bad arguments: refused before any point runs, nothing written */
    double untouched[POINTS * ROWS];
    neos_status untouched_status[POINTS];
    for (int i = 0; i < POINTS * ROWS; i++) untouched[i] = -7;
    for (int i = 0; i < POINTS; i++) untouched_status[i] = -7;
#define GRID_TOYS(poi, stat, toys, threads, n_out, n_status)                                                          \
    neos_grid_toy_hypotest(workspace, patchset, NULL, POINTS, NULL, NULL, poi, stat, toys, seed, threads, untouched,   \
                           n_out, untouched_status, n_status)
    CHECK(GRID_TOYS(1.0, "qtilde", 0, 1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(1.0, "qtilde", (size_t)NEOS_MAX_TOYS + 1, 1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(1.0, "qtilde", (size_t)-1, 1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(NAN, "qtilde", TOYS, 1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(1.0, "tmu", TOYS, 1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(1.0, "qtilde", TOYS, -1, POINTS * ROWS, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(1.0, "qtilde", TOYS, 1, POINTS * ROWS + 1, POINTS) == NEOS_ERR_INVALID_ARGUMENT);
    CHECK(GRID_TOYS(1.0, "qtilde", TOYS, 1, POINTS * ROWS, POINTS - 1) == NEOS_ERR_INVALID_ARGUMENT);
#undef GRID_TOYS
    for (int i = 0; i < POINTS * ROWS; i++) CHECK(untouched[i] == -7);
    for (int i = 0; i < POINTS; i++) CHECK(untouched_status[i] == -7);
    neos_patchset_free(patchset);
    neos_workspace_free(workspace);
}

int main(void) {
    test_versions();
    test_hist();
    test_hist_vjp();
    test_cut();
    test_workspace_and_model();
    test_inference();
    test_malformed_workspaces();
    test_losses();
    test_trainer();
    test_interpolate();
    test_toys();
    test_workspace_operations();
    test_error_reasons();
    test_fit_options();
    test_nll_hessian_vjp();
    test_constraint_widths();
    test_blas();
    test_model_clipping();
    test_nonfinite_logpdf();
    test_upper_limit_scan();
    test_short_observation();
    test_model_fit_options();
    test_callback_model();
    test_densities();
    test_nll_and_gradient();
    test_grid_hypotest();
    test_grid_upper_limit();
    test_empirical_pvalues();
    test_grid_toy_hypotest();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
