/* Calls every function of include/neos.h from C, success and error paths, as a ROOT macro or any C host would.
 * Build and run: bash Tests/c/run.sh [library folder]. Prints "N passed, M failed" and exits non-zero on failure. */
#include "neos.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
    CHECK(neos_abi_version() == NEOS_ABI_VERSION);
    CHECK(strlen(neos_version()) >= 5);
    CHECK(strcmp(neos_status_name(NEOS_OK), "NEOS_OK") == 0);
    CHECK(strcmp(neos_status_name(NEOS_ERR_FIT_FAILED), "NEOS_ERR_FIT_FAILED") == 0);
    CHECK(strcmp(neos_status_name(-3), "NEOS_UNKNOWN_STATUS") == 0);
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
    CHECK(neos_hist_vjp(cotangent, 4, data, 4, weights, edges, 5, 0.1, NEOS_HIST_DENSITY, grad_data, 4,
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
    CHECK(neos_hist_vjp(cotangent, 3, data, 4, NULL, edges, 5, 0.1, 0, NULL, 0, NULL, 0, NULL, 0, &untouched) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(untouched == -7);
    CHECK(neos_hist_vjp(cotangent, 4, data, 4, NULL, edges, 5, 0.1, 0, grad_data, 3, NULL, 0, NULL, 0, NULL) ==
          NEOS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(neos_last_error_message(), "grad_data has length 3, expected 4") != NULL);
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
    CHECK(neos_cut_vjp(cotangent, 3, data, 3, 2, 1, NEOS_KEEP_ABOVE, grad_data, 3, &grad_cut, &grad_slope) == NEOS_OK);
    /* d sigmoid(x-2)/dx at x = 2 is 1/4. */
    CHECK(close_to(grad_data[1], 0.25, 1e-15));
    CHECK(close_to(grad_cut, -(grad_data[0] + grad_data[1] + grad_data[2]), 1e-15));
    CHECK(close_to(grad_slope, -grad_data[0] + grad_data[2], 1e-15));
    CHECK(neos_cut_vjp(NULL, 3, data, 3, 2, 1, NEOS_KEEP_ABOVE, NULL, 0, NULL, NULL) == NEOS_ERR_INVALID_ARGUMENT);
}

int main(void) {
    test_versions();
    test_hist();
    test_hist_vjp();
    test_cut();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
