/* Hostile arguments to every function of include/neos.h, as a careless or malicious C host would pass them: NULL
 * pointers, zero and huge lengths (SIZE_MAX, SIZE_MAX / 2, 1 << 40, 1 << 62), lengths longer than the caller's
 * buffer, non-finite numbers, handles of the wrong kind or already freed, and configurations too large for any
 * machine. Each case runs in its own fork()ed child, so a crash or an abort fails that case only and the run goes
 * on. Every refused call must return the expected status, leave a non-empty neos_last_error_message() that names
 * the argument, and leave its outputs (followed by canaries) untouched.
 *
 * Inputs whose claimed length the library must not read past live at the end of a page followed by an unmapped
 * guard page: reading one element too many is a SIGSEGV, i.e. a failed case, not a silent read of someone else's
 * memory.
 *
 * Build and run: bash Tests/c/run.sh [library folder]. Prints "N cases passed, M failed" and exits non-zero on
 * failure. */
#define _DEFAULT_SOURCE 1
#include "neos.h"

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Failed checks and all checks of the running case (in the child). */
static int case_failures = 0;
static int case_checks = 0;

#define CHECK(cond)                                                                                      \
    do {                                                                                                 \
        case_checks++;                                                                                   \
        if (!(cond)) {                                                                                   \
            case_failures++;                                                                             \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, \
                    neos_last_error_message());                                                          \
        }                                                                                                \
    } while (0)

/* The huge lengths every length argument is tried with. */
#define HUGE_COUNT 4
static const size_t huge_lengths[HUGE_COUNT] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62};

/* The status and message of a refused call: `expected` status, and a message that is not empty and contains
 * `needle` (the argument's name). */
static void refused(neos_status status, neos_status expected, const char *needle) {
    const char *message = neos_last_error_message();
    case_checks++;
    if (status != expected) {
        case_failures++;
        fprintf(stderr, "    status %s, expected %s (message: %s; wanted \"%s\")\n",
                neos_status_name(status) ? neos_status_name(status) : "?", neos_status_name(expected),
                message ? message : "(null)", needle);
        return;
    }
    if (message == NULL || message[0] == '\0' || strstr(message, needle) == NULL) {
        case_failures++;
        fprintf(stderr, "    message \"%s\" does not name \"%s\"\n", message ? message : "(null)", needle);
    }
}

/* A refused call whose status may be NEOS_ERR_INVALID_ARGUMENT (cannot fit in this machine) or
 * NEOS_ERR_OUT_OF_MEMORY (does not fit in the memory available now); the message must say what it would need. */
static void refused_as_too_large(neos_status status, const char *needle) {
    refused(status, status == NEOS_ERR_OUT_OF_MEMORY ? NEOS_ERR_OUT_OF_MEMORY : NEOS_ERR_INVALID_ARGUMENT, needle);
    CHECK(strstr(neos_last_error_message(), "need") != NULL);
}

/* Output buffers: `n` values followed by canaries, all preset to a value no call writes. */
#define CANARY (-7777.25)
#define CANARIES 4
typedef struct {
    double values[64 + CANARIES];
} out_buffer;

static void out_reset(out_buffer *out) {
    for (size_t k = 0; k < sizeof out->values / sizeof out->values[0]; k++) out->values[k] = CANARY;
}

static int out_untouched(const out_buffer *out) {
    for (size_t k = 0; k < sizeof out->values / sizeof out->values[0]; k++)
        if (out->values[k] != CANARY) return 0;
    return 1;
}

/* `n` doubles ending exactly at an unmapped guard page, filled with `value`. Never freed: the child exits. */
static double *guarded(size_t n, double value) {
    long page = sysconf(_SC_PAGESIZE);
    size_t bytes = n * sizeof(double);
    size_t pages = (bytes + (size_t)page - 1) / (size_t)page + 1;
    char *base = (char *)mmap(NULL, pages * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        perror("mmap");
        exit(3);
    }
    char *guard = base + (pages - 1) * (size_t)page;
    if (mprotect(guard, (size_t)page, PROT_NONE) != 0) {
        perror("mprotect");
        exit(3);
    }
    double *values = (double *)(guard - bytes);
    for (size_t k = 0; k < n; k++) values[k] = value;
    return values;
}

/* ---------------------------------------------------------------------------------------------------------
 * Fixtures (made in each child)
 * ------------------------------------------------------------------------------------------------------- */

/* pyhf.simplemodels.uncorrelated_background with 2 bins: 3 parameters (mu, 2 gammas), 2 main + 2 aux data. */
#define N_PARS 3
#define N_DATA 4
static neos_model *simple_model(void) {
    const double signal[2] = {5, 10}, background[2] = {50, 60}, uncertainty[2] = {5, 12};
    neos_model *model = NULL;
    if (neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &model) != NEOS_OK) {
        fprintf(stderr, "    fixture: %s\n", neos_last_error_message());
        exit(3);
    }
    return model;
}

static neos_workspace *simple_workspace(void) {
    const char *json =
        "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [5.0], \"modifiers\": "
        "[{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}, {\"name\": \"b\", \"data\": [50.0], "
        "\"modifiers\": []}]}], \"observations\": [{\"name\": \"c\", \"data\": [52.0]}], \"measurements\": "
        "[{\"name\": \"m\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}], \"version\": \"1.0.0\"}";
    neos_workspace *workspace = NULL;
    if (neos_workspace_from_json(json, &workspace) != NEOS_OK) {
        fprintf(stderr, "    fixture: %s\n", neos_last_error_message());
        exit(3);
    }
    return workspace;
}

/* A small trainer on the blobs: 2 inputs. */
static neos_trainer *small_trainer(void) {
    neos_trainer *trainer = NULL;
    if (neos_trainer_create("{\"hidden\": [3], \"points_per_blob\": 40, \"batch_size\": 10}", &trainer) != NEOS_OK) {
        fprintf(stderr, "    fixture: %s\n", neos_last_error_message());
        exit(3);
    }
    return trainer;
}

static const double good_pars[N_PARS] = {1, 1, 1};
static const double good_data[N_DATA] = {55, 70, 100, 25};

/* ---------------------------------------------------------------------------------------------------------
 * Class 1: a length the model fixes, claimed longer than the caller's buffer
 * ------------------------------------------------------------------------------------------------------- */

static void case_logpdf_lengths(void) {
    neos_model *model = simple_model();
    /* A caller's 4 data followed by a guard page: a length the model does not need must be refused unread. */
    const double *data = guarded(N_DATA, 50);
    const size_t lengths[] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 20, 5, 0};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        double out = CANARY;
        refused(neos_model_logpdf(model, good_pars, N_PARS, data, lengths[k], &out), NEOS_ERR_INVALID_ARGUMENT,
                "n_data");
        CHECK(out == CANARY);
    }
    double out = CANARY;
    CHECK(neos_model_logpdf(model, good_pars, N_PARS, data, N_DATA, &out) == NEOS_OK && isfinite(out));
    neos_model_free(model);
}

static void case_logpdf_gradient_lengths(void) {
    neos_model *model = simple_model();
    const double *data = guarded(N_DATA, 50);
    const size_t lengths[] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 20, 5};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        out_buffer grad;
        out_reset(&grad);
        refused(neos_model_logpdf_gradient(model, good_pars, N_PARS, data, lengths[k], grad.values, N_PARS, NULL, 0,
                                           NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        CHECK(out_untouched(&grad));
    }
    neos_model_free(model);
}

static void case_nll_derivatives_lengths(void) {
    neos_model *model = simple_model();
    const double *data = guarded(N_DATA, 50);
    const size_t lengths[] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 20, 5};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        out_buffer gradient, hessian;
        out_reset(&gradient);
        out_reset(&hessian);
        refused(neos_model_nll_derivatives(model, good_pars, N_PARS, data, lengths[k], gradient.values, N_PARS,
                                           hessian.values, N_PARS * N_PARS),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        CHECK(out_untouched(&gradient) && out_untouched(&hessian));
    }
    /* A Hessian buffer claimed longer than n_pars² is refused too. */
    out_buffer hessian;
    out_reset(&hessian);
    refused(neos_model_nll_derivatives(model, good_pars, N_PARS, good_data, N_DATA, NULL, 0, hessian.values,
                                       SIZE_MAX),
            NEOS_ERR_INVALID_ARGUMENT, "out_hessian");
    CHECK(out_untouched(&hessian));
    neos_model_free(model);
}

static void case_expected_data_vjp_lengths(void) {
    neos_model *model = simple_model();
    const double *cotangent = guarded(N_DATA, 1);
    const size_t lengths[] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 20, 5};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        out_buffer grad;
        out_reset(&grad);
        refused(neos_model_expected_data_vjp(model, good_pars, N_PARS, true, cotangent, lengths[k], grad.values,
                                             N_PARS, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_cotangent");
        CHECK(out_untouched(&grad));
    }
    /* Without auxdata the cotangent has the 2 main bins only: 4 is too many. */
    out_buffer grad;
    out_reset(&grad);
    refused(neos_model_expected_data_vjp(model, good_pars, N_PARS, false, cotangent, N_DATA, grad.values, N_PARS,
                                         NULL, 0),
            NEOS_ERR_INVALID_ARGUMENT, "n_cotangent");
    CHECK(out_untouched(&grad));
    neos_model_free(model);
}

static void case_hessian_vjp_lengths(void) {
    neos_model *model = simple_model();
    const double *data = guarded(N_DATA, 50);
    double cotangent[N_PARS * N_PARS] = {0};
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        out_buffer grad;
        out_reset(&grad);
        refused(neos_model_nll_hessian_vjp(model, good_pars, N_PARS, data, huge_lengths[k], cotangent,
                                           N_PARS * N_PARS, grad.values, N_PARS, NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        refused(neos_model_nll_hessian_vjp(model, good_pars, N_PARS, good_data, N_DATA, cotangent, huge_lengths[k],
                                           grad.values, N_PARS, NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_cotangent");
        CHECK(out_untouched(&grad));
    }
    neos_model_free(model);
}

/* The trainer's network fixes the dimension of every event: a claimed dimension is checked before any point. */
static void case_trainer_loss_and_gradient_dimension(void) {
    neos_trainer *trainer = small_trainer();
    size_t n_parameters = 0;
    CHECK(neos_trainer_sizes(trainer, &n_parameters, NULL, NULL, NULL) == NEOS_OK && n_parameters <= 64);
    out_buffer parameters;
    out_reset(&parameters);
    CHECK(neos_trainer_parameters(trainer, parameters.values, n_parameters) == NEOS_OK);
    const char *names[4] = {"sig", "bkg_nominal", "bkg_up", "bkg_down"};
    const double *point = guarded(2, 0.5);
    const double *points[4] = {point, point, point, point};
    const size_t counts[4] = {1, 1, 1, 1};
    const size_t dimensions[] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 20, 3};
    for (size_t k = 0; k < sizeof dimensions / sizeof dimensions[0]; k++) {
        double loss = CANARY;
        out_buffer gradient;
        out_reset(&gradient);
        refused(neos_trainer_loss_and_gradient(trainer, parameters.values, n_parameters, 4, names, dimensions[k],
                                               points, counts, NULL, &loss, gradient.values, n_parameters),
                NEOS_ERR_INVALID_ARGUMENT, "dimension");
        CHECK(loss == CANARY && out_untouched(&gradient));
    }
    /* Counts claimed beyond any memory. */
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        const size_t huge_counts[4] = {huge_lengths[k], 1, 1, 1};
        double loss = CANARY;
        refused(neos_trainer_loss_and_gradient(trainer, parameters.values, n_parameters, 4, names, 2, points,
                                               huge_counts, NULL, &loss, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "counts[0]");
        CHECK(loss == CANARY);
    }
    neos_trainer_free(trainer);
}

/* ---------------------------------------------------------------------------------------------------------
 * Class 2: claimed lengths with no bound of their own
 * ------------------------------------------------------------------------------------------------------- */

static void case_simplemodels_n_bins(void) {
    const double *values = guarded(2, 5);
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        neos_model *model = NULL;
        refused(neos_simplemodels_uncorrelated_background(values, values, values, huge_lengths[k], &model),
                NEOS_ERR_INVALID_ARGUMENT, "n_bins");
        CHECK(model == NULL);
        refused(neos_simplemodels_correlated_background(values, values, values, values, huge_lengths[k], NULL, &model),
                NEOS_ERR_INVALID_ARGUMENT, "n_bins");
        CHECK(model == NULL);
    }
    neos_model *model = NULL;
    refused(neos_simplemodels_uncorrelated_background(values, values, values, 0, &model), NEOS_ERR_INVALID_ARGUMENT,
            "signal");
    CHECK(model == NULL);
}

static void case_upper_limit_n_scan(void) {
    neos_model *model = simple_model();
    const double *scan = guarded(3, 1);
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        out_buffer limits;
        out_reset(&limits);
        refused(neos_upper_limit_scan(model, 0.05, scan, huge_lengths[k], good_data, N_DATA, NULL, NULL, NULL, N_PARS,
                                      limits.values, NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_scan");
        refused(neos_upper_limit_scan(model, 0.05, scan, 3, good_data, N_DATA, NULL, NULL, NULL, N_PARS, limits.values,
                                      NEOS_UPPER_LIMIT_ROWS, NULL, 0, limits.values, huge_lengths[k]),
                NEOS_ERR_INVALID_ARGUMENT, "out_scan_cls has length");
        CHECK(out_untouched(&limits));
        size_t scan_count = 12345;
        refused(neos_upper_limit(model, 0.05, scan, huge_lengths[k], good_data, N_DATA, NULL, NULL, NULL, N_PARS,
                                 limits.values, NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0, &scan_count),
                NEOS_ERR_INVALID_ARGUMENT, "n_scan");
        CHECK(out_untouched(&limits) && scan_count == 12345);
    }
    neos_model_free(model);
}

static void case_trainer_create_with_events_dimension(void) {
    const char *config = "{\"data\": \"events\", \"hidden\": [3], \"batch_size\": 2}";
    const char *names[4] = {"sig", "bkg_nominal", "bkg_up", "bkg_down"};
    const double *point = guarded(4, 0.5);
    const double *points[4] = {point, point, point, point};
    const size_t counts[4] = {2, 2, 2, 2};
    const size_t dimensions[] = {SIZE_MAX, SIZE_MAX / 2, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 20, 3};
    for (size_t k = 0; k < sizeof dimensions / sizeof dimensions[0]; k++) {
        neos_trainer *trainer = NULL;
        refused(neos_trainer_create_with_events(config, 4, names, dimensions[k], points, counts, NULL, points, counts,
                                                NULL, &trainer),
                NEOS_ERR_INVALID_ARGUMENT, "dimension");
        CHECK(trainer == NULL);
    }
    neos_trainer *trainer = NULL;
    CHECK(neos_trainer_create_with_events(config, 4, names, 2, points, counts, NULL, points, counts, NULL, &trainer) ==
          NEOS_OK);
    neos_trainer_free(trainer);
}

static void case_hist_lengths(void) {
    const double *data = guarded(4, 0.5);
    const double edges[3] = {0, 0.5, 1};
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        out_buffer counts;
        out_reset(&counts);
        refused(neos_hist(data, huge_lengths[k], NULL, edges, 3, 0.1, 0, counts.values, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_data");
        refused(neos_hist(data, 4, NULL, edges, huge_lengths[k], 0.1, 0, counts.values, 2), NEOS_ERR_INVALID_ARGUMENT,
                "n_edges");
        refused(neos_hist_vjp(data, huge_lengths[k], NULL, edges, 3, 0.1, 0, data, 2, counts.values, 4, NULL, 0,
                              NULL, 0, NULL),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        refused(neos_cut(data, huge_lengths[k], 0.5, 1, NEOS_KEEP_ABOVE, counts.values, 4), NEOS_ERR_INVALID_ARGUMENT,
                "n_data");
        refused(neos_cut_vjp(data, 4, 0.5, 1, NEOS_KEEP_ABOVE, data, huge_lengths[k], counts.values, 4, NULL, NULL),
                NEOS_ERR_INVALID_ARGUMENT, "n_cotangent");
        CHECK(out_untouched(&counts));
    }
}

/* Every other claimed length of the model and inference calls. */
static void case_model_call_lengths(void) {
    neos_model *model = simple_model();
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        size_t n = huge_lengths[k];
        out_buffer out;
        out_reset(&out);
        double value = CANARY;
        refused(neos_model_logpdf(model, good_pars, n, good_data, N_DATA, &value), NEOS_ERR_INVALID_ARGUMENT,
                "n_pars");
        refused(neos_model_expected_data(model, good_pars, N_PARS, true, out.values, n), NEOS_ERR_INVALID_ARGUMENT,
                "out_data");
        refused(neos_model_with_inputs(model, good_pars, n, NULL), NEOS_ERR_INVALID_ARGUMENT, "out_model");
        neos_model *made = NULL;
        refused(neos_model_with_inputs(model, good_pars, n, &made), NEOS_ERR_INVALID_ARGUMENT, "n_inputs");
        CHECK(made == NULL);
        refused(neos_fit(model, good_data, n, NULL, NULL, NULL, N_PARS, out.values, N_PARS, &value, NULL, 0, NULL, 0,
                         NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_data");
        refused(neos_fit(model, good_data, N_DATA, NULL, NULL, NULL, n, out.values, N_PARS, &value, NULL, 0, NULL, 0,
                         NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "n_pars");
        refused(neos_hypotest(model, 1, "qtilde", good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values, n, NULL, 0,
                              NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "out_values");
        refused(neos_toy_data(model, good_pars, N_PARS, n, 1, out.values, 64), NEOS_ERR_INVALID_ARGUMENT, "n_toys");
        refused(neos_toy_test_statistics(model, 1, "qtilde", good_pars, NULL, NULL, NULL, N_PARS, n, 1, 1,
                                         out.values, 64),
                NEOS_ERR_INVALID_ARGUMENT, "n_toys");
        refused(neos_loss_expected_cls(model, 1, &value, out.values, n), NEOS_ERR_INVALID_ARGUMENT, "out_gradient");
        refused(neos_workspace_model(NULL, NULL, NULL, NULL, n, NULL), NEOS_ERR_INVALID_ARGUMENT, "workspace");
        CHECK(value == CANARY && out_untouched(&out));
    }
    neos_model_free(model);
}

static void case_interpolate_lengths(void) {
    double histograms[3] = {1, 2, 3}, alphas[1] = {0.5};
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        out_buffer out;
        out_reset(&out);
        size_t n = huge_lengths[k];
        neos_status status =
            neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, n, 1, 1, 1, histograms, 3, alphas, 1, out.values, 1, NULL, 0);
        CHECK(status == NEOS_ERR_INVALID_ARGUMENT && neos_last_error_message()[0] != '\0');
        status =
            neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, n, 1, histograms, 3, alphas, 1, out.values, 1, NULL, 0);
        CHECK(status == NEOS_ERR_INVALID_ARGUMENT && neos_last_error_message()[0] != '\0');
        refused(
            neos_interpolate(NEOS_INTERPOLATION_CODE0, 1, 1, 1, 1, 1, histograms, n, alphas, 1, out.values, 1, NULL, 0),
            NEOS_ERR_INVALID_ARGUMENT, "n_histogramssets");
        CHECK(out_untouched(&out));
    }
}

/* Output text buffers claimed longer than they are: the call writes what it has (and its NUL) or says how long it
 * is, never n_out_json bytes. */
static void case_text_output_lengths(void) {
    neos_model *model = simple_model();
    char text[8 + CANARIES];
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        size_t length = 12345;
        memset(text, 'X', sizeof text);
        refused(neos_model_metadata_json(model, text, huge_lengths[k], &length), NEOS_ERR_INVALID_ARGUMENT,
                "n_out_json");
        refused(neos_trainer_metrics_json(NULL, text, huge_lengths[k], &length), NEOS_ERR_INVALID_ARGUMENT,
                "trainer is NULL");
        CHECK(length == 12345);
        for (size_t j = 0; j < sizeof text; j++) CHECK(text[j] == 'X');
    }
    /* Too short: refused with the length it needs, nothing written. */
    size_t length = 12345;
    refused(neos_model_metadata_json(model, text, 8, &length), NEOS_ERR_INVALID_ARGUMENT, "n_out_json");
    for (size_t j = 0; j < sizeof text; j++) CHECK(text[j] == 'X');
    neos_model_free(model);
}

/* ---------------------------------------------------------------------------------------------------------
 * Class 3: configuration sizes no machine can hold
 * ------------------------------------------------------------------------------------------------------- */

static void trainer_refused(const char *config, const char *needle) {
    neos_trainer *trainer = NULL;
    refused_as_too_large(neos_trainer_create(config, &trainer), needle);
    CHECK(trainer == NULL);
    neos_trainer_free(trainer);
}

static void case_trainer_hidden_huge(void) { trainer_refused("{\"hidden\": [10000000]}", "hidden"); }
static void case_trainer_hidden_many(void) {
    trainer_refused("{\"hidden\": [100000000, 100000000, 100000000, 100000000, 100000000, 100000000, 100000000, "
                    "100000000, 100000000, 100000000, 100000000]}",
                    "hidden");
}
static void case_trainer_bins_huge(void) { trainer_refused("{\"bins\": 1000000000}", "bins"); }
static void case_trainer_points_huge(void) { trainer_refused("{\"points_per_blob\": 1000000000}", "points_per_blob"); }
static void case_trainer_inputs_huge(void) {
    trainer_refused("{\"data\": \"events\", \"inputs\": 1000000000, \"hidden\": [1000]}", "inputs");
}
static void case_trainer_batch_huge(void) {
    trainer_refused("{\"batch_size\": 1000000000, \"points_per_blob\": 100000000, \"hidden\": [1024, 1024]}",
                    "batch_size");
}

static void case_trainer_load_dev_zero(void) {
    neos_trainer *trainer = small_trainer();
    out_buffer before, after;
    out_reset(&before);
    out_reset(&after);
    size_t n_parameters = 0;
    CHECK(neos_trainer_sizes(trainer, &n_parameters, NULL, NULL, NULL) == NEOS_OK);
    CHECK(neos_trainer_parameters(trainer, before.values, n_parameters) == NEOS_OK);
    refused(neos_trainer_load(trainer, "/dev/zero"), NEOS_ERR_PARSE, "/dev/zero");
    CHECK(neos_trainer_parameters(trainer, after.values, n_parameters) == NEOS_OK);
    CHECK(memcmp(before.values, after.values, sizeof before.values) == 0);
    neos_trainer_free(trainer);
}

/* A parameter file whose header claims a network no machine can hold. */
static void case_trainer_load_huge_header(void) {
    neos_trainer *trainer = small_trainer();
    char path[] = "/tmp/neos_hostile_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char *header = "{\"format\": \"neos-swift-parameters\", \"version\": 1, \"sizes\": [900000000, 900000000, "
                         "900000000, 900000000, 900000000, 900000000, 900000000, 900000000, 900000000, 900000000, "
                         "900000000, 900000000], \"activations\": [\"relu\", \"relu\", \"relu\", \"relu\", \"relu\", "
                         "\"relu\", \"relu\", \"relu\", \"relu\", \"relu\", \"relu\"], \"parameter_count\": 1}\n";
    CHECK(write(fd, header, strlen(header)) == (ssize_t)strlen(header));
    close(fd);
    refused(neos_trainer_load(trainer, path), NEOS_ERR_PARSE, "sizes");
    unlink(path);
    neos_trainer_free(trainer);
}

/* ---------------------------------------------------------------------------------------------------------
 * Every function with a handle: NULL, a handle of another kind, a freed handle, a made-up value
 * ------------------------------------------------------------------------------------------------------- */

/* Calls every handle-taking function with `model`, `workspace`, `patchset` and `trainer` standing for the handles it
 * takes, and checks each is refused naming `role` of the handle under test. */
static void every_handle_function(neos_model *model, neos_workspace *workspace, neos_patchset *patchset,
                                  neos_trainer *trainer, const char *expect_model, const char *expect_workspace,
                                  const char *expect_patchset, const char *expect_trainer) {
    out_buffer out;
    out_reset(&out);
    char text[16] = "untouched";
    size_t length = 12345, n1 = 1, n2 = 2, n3 = 3, n4 = 4;
    int64_t poi = 77;
    double value = CANARY;
    bool fixed[N_PARS] = {false, false, false};
    neos_model *made_model = NULL;
    neos_workspace *made_workspace = NULL;
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    if (expect_model) {
        refused(neos_model_sizes(model, &n1, &n2, &n3, &n4, &poi), e, expect_model);
        CHECK(n1 == 1 && n2 == 2 && n3 == 3 && n4 == 4 && poi == 77);
        refused(neos_model_metadata_json(model, text, sizeof text, &length), e, expect_model);
        refused(neos_model_suggested(model, out.values, N_PARS, NULL, 0, fixed, N_PARS, NULL, 0), e, expect_model);
        refused(neos_model_logpdf(model, good_pars, N_PARS, good_data, N_DATA, &value), e, expect_model);
        refused(neos_model_logpdf_gradient(model, good_pars, N_PARS, good_data, N_DATA, out.values, N_PARS, NULL, 0,
                                           NULL, 0),
                e, expect_model);
        refused(neos_model_expected_data(model, good_pars, N_PARS, true, out.values, N_DATA), e, expect_model);
        refused(neos_model_expected_data_vjp(model, good_pars, N_PARS, true, good_data, N_DATA, out.values, N_PARS,
                                             NULL, 0),
                e, expect_model);
        refused(neos_model_nll_derivatives(model, good_pars, N_PARS, good_data, N_DATA, out.values, N_PARS, NULL, 0),
                e, expect_model);
        refused(neos_model_nll_hessian_vjp(model, good_pars, N_PARS, good_data, N_DATA, good_data, 9, out.values,
                                           N_PARS, NULL, 0, NULL, 0),
                e, expect_model);
        refused(neos_model_inputs(model, out.values, 8), e, expect_model);
        refused(neos_model_with_inputs(model, good_pars, 8, &made_model), e, expect_model);
        refused(neos_model_constraint_widths(model, NULL, 0, out.values, N_PARS), e, expect_model);
        refused(neos_fit(model, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values, N_PARS, &value, NULL, 0,
                         NULL, 0, NULL, 0, NULL, 0),
                e, expect_model);
        refused(neos_fixed_poi_fit(model, 1, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values, N_PARS, &value,
                                   NULL, 0, NULL, 0, NULL, 0, NULL, 0),
                e, expect_model);
        refused(neos_fit_with_options(model, good_data, N_DATA, NULL, NULL, NULL, N_PARS, 100, 1e-3, out.values,
                                      N_PARS, &value, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL),
                e, expect_model);
        refused(neos_fixed_poi_fit_with_options(model, 1, good_data, N_DATA, NULL, NULL, NULL, N_PARS, 100, 1e-3,
                                                out.values, N_PARS, &value, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL),
                e, expect_model);
        refused(neos_test_statistic(model, 1, "qtilde", good_data, N_DATA, NULL, NULL, NULL, N_PARS, &value), e,
                expect_model);
        refused(neos_hypotest(model, 1, "qtilde", good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                              NEOS_HYPOTEST_ROWS, NULL, 0, NULL, 0),
                e, expect_model);
        refused(neos_upper_limit(model, 0.05, NULL, 0, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                                 NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0, &length),
                e, expect_model);
        refused(neos_upper_limit_jacobian(model, 0.05, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                                          NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0),
                e, expect_model);
        refused(neos_loss_expected_cls(model, 1, &value, NULL, 0), e, expect_model);
        refused(neos_loss_discovery_p0(model, &value, NULL, 0), e, expect_model);
        refused(neos_loss_expected_upper_limit(model, 0.05, &value, NULL, 0), e, expect_model);
        refused(neos_loss_poi_uncertainty(model, 1, &value, NULL, 0), e, expect_model);
        refused(neos_loss_poi_variance(model, 1, &value, NULL, 0), e, expect_model);
        refused(neos_toy_data(model, good_pars, N_PARS, 1, 1, out.values, N_DATA), e, expect_model);
        refused(neos_toy_test_statistics(model, 1, "qtilde", good_pars, NULL, NULL, NULL, N_PARS, 1, 1, 1, out.values,
                                         1),
                e, expect_model);
        refused(neos_workspace_build("{}", model, good_data, 1, "w", &made_workspace), e, expect_model);
        const double clip = 0.5;
        refused(neos_model_with_clipping(model, &clip, NULL, &made_model), e, expect_model);
        bool has_sample = true, has_bin = true;
        double sample_clip = CANARY, bin_clip = CANARY;
        refused(neos_model_clipping(model, &has_sample, &sample_clip, &has_bin, &bin_clip), e, expect_model);
        CHECK(has_sample && has_bin && sample_clip == CANARY && bin_clip == CANARY);
        int32_t positions[NEOS_UPPER_LIMIT_ROWS];
        const double scan[3] = {0.5, 1, 2};
        refused(neos_upper_limit_scan(model, 0.05, scan, 3, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                                      NEOS_UPPER_LIMIT_ROWS, positions, NEOS_UPPER_LIMIT_ROWS, NULL, 0),
                e, expect_model);
    }
    if (expect_workspace) {
        refused(neos_workspace_model(workspace, NULL, NULL, NULL, 0, &made_model), e, expect_workspace);
        refused(neos_workspace_data(workspace, model, true, out.values, 2), e, expect_workspace);
        refused(neos_workspace_metadata_json(workspace, text, sizeof text, &length), e, expect_workspace);
        refused(neos_workspace_json(workspace, text, sizeof text, &length), e, expect_workspace);
        refused(neos_workspace_prune(workspace, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &made_workspace), e,
                expect_workspace);
        refused(neos_workspace_rename(workspace, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0,
                                      &made_workspace),
                e, expect_workspace);
        refused(neos_workspace_combine(workspace, workspace, NEOS_JOIN_NONE, false, &made_workspace), e, "left");
        refused(neos_workspace_sorted(workspace, &made_workspace), e, expect_workspace);
    }
    if (expect_patchset) {
        refused(neos_patchset_names_json(patchset, text, sizeof text, &length), e, expect_patchset);
        refused(neos_patchset_patch_json(patchset, "p", text, sizeof text, &length), e, expect_patchset);
    }
    if (expect_trainer) {
        size_t sizes[4] = {1, 2, 3, 4};
        refused(neos_trainer_sizes(trainer, &sizes[0], &sizes[1], &sizes[2], &sizes[3]), e, expect_trainer);
        CHECK(sizes[0] == 1 && sizes[1] == 2 && sizes[2] == 3 && sizes[3] == 4);
        refused(neos_trainer_parameters(trainer, out.values, 8), e, expect_trainer);
        refused(neos_trainer_set_parameters(trainer, good_pars, N_PARS), e, expect_trainer);
        refused(neos_trainer_bin_edges(trainer, out.values, 5), e, expect_trainer);
        refused(neos_trainer_step(trainer, &value), e, expect_trainer);
        refused(neos_trainer_run(trainer, 1), e, expect_trainer);
        refused(neos_trainer_evaluate(trainer, &value, &value, &value), e, expect_trainer);
        refused(neos_trainer_histogram(trainer, "sig", NEOS_SPLIT_TEST, -1, out.values, 4), e, expect_trainer);
        refused(neos_trainer_histograms(trainer, NEOS_SPLIT_TEST, -1, out.values, 16), e, expect_trainer);
        refused(neos_trainer_predict(trainer, good_data, 2, 2, out.values, 2), e, expect_trainer);
        refused(neos_trainer_metrics_json(trainer, text, sizeof text, &length), e, expect_trainer);
        refused(neos_trainer_restore_best(trainer), e, expect_trainer);
        refused(neos_trainer_save(trainer, "/nonexistent/dir/x"), e, expect_trainer);
        refused(neos_trainer_load(trainer, "/nonexistent/dir/x"), e, expect_trainer);
        refused(neos_trainer_event_sets_json(trainer, text, sizeof text, &length), e, expect_trainer);
        refused(neos_trainer_event_count(trainer, "sig", NEOS_SPLIT_TEST, &sizes[0], &sizes[1]), e, expect_trainer);
        refused(neos_trainer_events(trainer, "sig", NEOS_SPLIT_TEST, out.values, 8), e, expect_trainer);
        refused(neos_trainer_record_plot_frame(trainer), e, expect_trainer);
        refused(neos_trainer_plot_data_json(trainer, text, sizeof text, &length), e, expect_trainer);
    }
    CHECK(out_untouched(&out) && value == CANARY && length == 12345 && strcmp(text, "untouched") == 0);
    CHECK(made_model == NULL && made_workspace == NULL);
}

static neos_patchset *simple_patchset(void) {
    const char *json = "{\"metadata\": {\"references\": {}, \"description\": \"d\", \"digests\": {\"sha256\": \"0\"}, "
                       "\"labels\": [\"x\"]}, \"patches\": [{\"metadata\": {\"name\": \"p\", \"values\": [1]}, "
                       "\"patch\": []}], \"version\": \"1.0.0\"}";
    neos_patchset *patchset = NULL;
    if (neos_patchset_from_json(json, &patchset) != NEOS_OK) {
        fprintf(stderr, "    fixture: %s\n", neos_last_error_message());
        exit(3);
    }
    return patchset;
}

static void case_null_handles(void) {
    every_handle_function(NULL, NULL, NULL, NULL, "model is NULL", "workspace is NULL", "patchset is NULL",
                          "trainer is NULL");
}

static void case_wrong_kind_handles(void) {
    neos_model *model = simple_model();
    neos_workspace *workspace = simple_workspace();
    neos_patchset *patchset = simple_patchset();
    neos_trainer *trainer = small_trainer();
    /* Each handle where another kind is expected: a workspace as the model, a model as the workspace, ... */
    every_handle_function((neos_model *)workspace, NULL, NULL, NULL, "neos_workspace handle, not a neos_model", NULL,
                          NULL, NULL);
    every_handle_function(NULL, (neos_workspace *)model, NULL, NULL, NULL, "neos_model handle, not a neos_workspace",
                          NULL, NULL);
    every_handle_function(NULL, NULL, (neos_patchset *)trainer, NULL, NULL, NULL,
                          "neos_trainer handle, not a neos_patchset", NULL);
    every_handle_function(NULL, NULL, NULL, (neos_trainer *)patchset, NULL, NULL, NULL,
                          "neos_patchset handle, not a neos_trainer");
    /* Freeing through the wrong free function is ignored: the handle stays alive. */
    neos_model_free((neos_model *)workspace);
    neos_trainer_free((neos_trainer *)model);
    size_t n_pars = 0;
    CHECK(neos_model_sizes(model, &n_pars, NULL, NULL, NULL, NULL) == NEOS_OK && n_pars == N_PARS);
    char text[256];
    CHECK(neos_workspace_json(workspace, text, sizeof text, NULL) == NEOS_OK ||
          neos_workspace_json(workspace, text, sizeof text, NULL) == NEOS_ERR_INVALID_ARGUMENT);
    neos_model_free(model);
    neos_workspace_free(workspace);
    neos_patchset_free(patchset);
    neos_trainer_free(trainer);
}

static void case_freed_and_made_up_handles(void) {
    neos_model *model = simple_model();
    neos_workspace *workspace = simple_workspace();
    neos_patchset *patchset = simple_patchset();
    neos_trainer *trainer = small_trainer();
    neos_model_free(model);
    neos_workspace_free(workspace);
    neos_patchset_free(patchset);
    neos_trainer_free(trainer);
    every_handle_function(model, workspace, patchset, trainer, "not a live handle", "not a live handle",
                          "not a live handle", "not a live handle");
    /* A pointer to real memory and a small integer are no handles either. */
    static double memory[8];
    every_handle_function((neos_model *)(void *)memory, (neos_workspace *)(void *)memory,
                          (neos_patchset *)(void *)memory, (neos_trainer *)(void *)memory, "not a live handle",
                          "not a live handle", "not a live handle", "not a live handle");
    every_handle_function((neos_model *)(uintptr_t)16, (neos_workspace *)(uintptr_t)16, (neos_patchset *)(uintptr_t)16,
                          (neos_trainer *)(uintptr_t)16, "not a live handle", "not a live handle",
                          "not a live handle", "not a live handle");
    /* Double frees are ignored. */
    neos_model_free(model);
    neos_workspace_free(workspace);
    neos_patchset_free(patchset);
    neos_trainer_free(trainer);
}

/* ---------------------------------------------------------------------------------------------------------
 * NULL pointers, non-finite numbers and short output buffers
 * ------------------------------------------------------------------------------------------------------- */

static void case_null_pointers(void) {
    neos_model *model = simple_model();
    out_buffer out;
    out_reset(&out);
    double value = CANARY;
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    refused(neos_workspace_from_json(NULL, NULL), e, "NULL");
    neos_workspace *workspace = NULL;
    refused(neos_workspace_from_json(NULL, &workspace), e, "json is NULL");
    refused(neos_workspace_from_json_with_options(NULL, 0, &workspace), e, "json");
    refused(neos_patchset_from_json("{}", NULL), e, "out_patchset is NULL");
    refused(neos_model_from_json(NULL, NULL, NULL, NULL), e, "NULL");
    refused(neos_model_logpdf(model, NULL, N_PARS, good_data, N_DATA, &value), e, "pars is NULL");
    refused(neos_model_logpdf(model, good_pars, N_PARS, NULL, N_DATA, &value), e, "data is NULL");
    refused(neos_model_logpdf(model, good_pars, N_PARS, good_data, N_DATA, NULL), e, "out_logpdf is NULL");
    refused(neos_model_expected_data(model, good_pars, N_PARS, true, NULL, N_DATA), e, "out_data is NULL");
    refused(neos_model_expected_data_vjp(model, good_pars, N_PARS, true, NULL, N_DATA, out.values, N_PARS, NULL, 0),
            e, "cotangent is NULL");
    refused(neos_hist(good_data, 4, NULL, NULL, 3, 0.1, 0, out.values, 2), e, "edges is NULL");
    refused(neos_cut(NULL, 4, 0.5, 1, NEOS_KEEP_ABOVE, out.values, 4), e, "data is NULL");
    refused(neos_simplemodels_uncorrelated_background(NULL, good_data, good_data, 2, NULL), e, "NULL");
    neos_model *made = NULL;
    refused(neos_simplemodels_uncorrelated_background(good_data, NULL, good_data, 2, &made), e,
            "background is NULL");
    refused(neos_trainer_create(NULL, NULL), e, "NULL");
    refused(neos_trainer_create_with_events("{\"data\": \"events\"}", 4, NULL, 2, NULL, NULL, NULL, NULL, NULL, NULL,
                                            NULL),
            e, "NULL");
    refused(neos_upper_limit(model, 0.05, NULL, 0, good_data, N_DATA, NULL, NULL, NULL, N_PARS, NULL, 0, NULL, 0, NULL,
                             0, NULL),
            e, "out_limits is NULL");
    refused(neos_json_patch_apply(NULL, "[]", NULL, 0, NULL), e, "document_json");
    refused(neos_json_join_items(NEOS_JOIN_NONE, NULL, "[]", "name", NULL, NULL, 0, NULL), e, "left_json");
    refused(neos_blas_use_library(NULL), e, "path");
    CHECK(made == NULL && workspace == NULL && value == CANARY && out_untouched(&out));
    neos_model_free(model);
}

static void case_non_finite_inputs(void) {
    neos_model *model = simple_model();
    const double specials[3] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++) {
        double pars[N_PARS] = {1, 1, 1}, data[N_DATA] = {55, 70, 100, 25};
        out_buffer out;
        out_reset(&out);
        double value = CANARY;
        pars[1] = specials[k];
        CHECK(neos_model_logpdf(model, pars, N_PARS, good_data, N_DATA, &value) != NEOS_OK);
        CHECK(neos_model_expected_data(model, pars, N_PARS, true, out.values, N_DATA) != NEOS_OK);
        data[0] = specials[k];
        refused(neos_model_logpdf(model, good_pars, N_PARS, data, N_DATA, &value), NEOS_ERR_INVALID_ARGUMENT, "data");
        refused(neos_fit(model, data, N_DATA, NULL, NULL, NULL, N_PARS, out.values, N_PARS, &value, NULL, 0, NULL, 0,
                         NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "data");
        refused(neos_hypotest(model, specials[k], "qtilde", good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                              NEOS_HYPOTEST_ROWS, NULL, 0, NULL, 0),
                NEOS_ERR_INVALID_ARGUMENT, "poi");
        refused(neos_upper_limit(model, specials[k], NULL, 0, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                                 NEOS_UPPER_LIMIT_ROWS, NULL, 0, NULL, 0, NULL),
                NEOS_ERR_INVALID_ARGUMENT, "level");
        refused(neos_loss_expected_cls(model, specials[k], &value, NULL, 0), NEOS_ERR_INVALID_ARGUMENT, "poi");
        const double edges[3] = {0, 0.5, 1};
        refused(neos_hist(good_data, 4, NULL, edges, 3, specials[k], 0, out.values, 2), NEOS_ERR_INVALID_ARGUMENT,
                "bandwidth");
        refused(neos_cut(good_data, 4, specials[k], 1, NEOS_KEEP_ABOVE, out.values, 4), NEOS_ERR_INVALID_ARGUMENT,
                "cut_val");
        CHECK(value == CANARY && out_untouched(&out));
    }
    neos_model_free(model);
}

static void case_short_outputs(void) {
    neos_model *model = simple_model();
    out_buffer out;
    out_reset(&out);
    double value = CANARY;
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    refused(neos_model_expected_data(model, good_pars, N_PARS, true, out.values, N_DATA - 1), e, "out_data");
    refused(neos_model_suggested(model, out.values, N_PARS - 1, NULL, 0, NULL, 0, NULL, 0), e, "out_init");
    refused(neos_model_inputs(model, out.values, 1), e, "out_inputs");
    refused(neos_model_logpdf_gradient(model, good_pars, N_PARS, good_data, N_DATA, out.values, N_PARS - 1, NULL, 0,
                                       NULL, 0),
            e, "out_grad_pars");
    refused(neos_fit(model, good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values, N_PARS - 1, &value, NULL, 0, NULL,
                     0, NULL, 0, NULL, 0),
            e, "out_pars");
    refused(neos_hypotest(model, 1, "qtilde", good_data, N_DATA, NULL, NULL, NULL, N_PARS, out.values,
                          NEOS_HYPOTEST_ROWS - 1, NULL, 0, NULL, 0),
            e, "out_values");
    refused(neos_toy_data(model, good_pars, N_PARS, 2, 1, out.values, 2 * N_DATA - 1), e, "out_data");
    refused(neos_blas_describe(NULL, 5, NULL), e, "out_json");
    CHECK(value == CANARY && out_untouched(&out));
    neos_model_free(model);
}

/* ---------------------------------------------------------------------------------------------------------
 * Out of memory is a status
 * ------------------------------------------------------------------------------------------------------- */

/* Under an address-space limit (ulimit -v, as batch systems set it) a model that the machine could hold but this
 * process cannot is NEOS_ERR_OUT_OF_MEMORY with the size it would need, not an abort. */
static void case_out_of_memory_under_an_address_space_limit(void) {
    const size_t bins = (size_t)1 << 21; /* a simple model of 2 M bins needs about 2 GiB */
    double *values = (double *)malloc(bins * sizeof(double));
    CHECK(values != NULL);
    for (size_t k = 0; k < bins; k++) values[k] = 5;
    long pages = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    CHECK(statm != NULL && fscanf(statm, "%ld", &pages) == 1);
    fclose(statm);
    struct rlimit limit;
    limit.rlim_cur = limit.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)512 << 20);
    CHECK(setrlimit(RLIMIT_AS, &limit) == 0);
    neos_model *model = NULL;
    refused(neos_simplemodels_uncorrelated_background(values, values, values, bins, &model), NEOS_ERR_OUT_OF_MEMORY,
            "would need");
    CHECK(model == NULL);
    /* A small model still fits. */
    CHECK(neos_simplemodels_uncorrelated_background(values, values, values, 4, &model) == NEOS_OK);
    neos_model_free(model);
}

/* ---------------------------------------------------------------------------------------------------------
 * The remaining functions: text in, text out, names, trainer lengths
 * ------------------------------------------------------------------------------------------------------- */

static void case_text_functions(void) {
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    char text[8 + CANARIES];
    memset(text, 'X', sizeof text);
    size_t length = 12345;
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        size_t n = huge_lengths[k];
        refused(neos_json_patch_apply("{}", "[]", text, n, &length), e, "n_out_json");
        refused(neos_json_join_items(NEOS_JOIN_NONE, "[]", "[]", "name", NULL, text, n, &length), e, "n_out_json");
        refused(neos_blas_describe(text, n, &length), e, "n_out_json");
    }
    refused(neos_json_patch_apply("{}", NULL, text, sizeof text, &length), e, "patch_json");
    refused(neos_json_patch_apply("{}", "[]", NULL, 0, NULL), e, "NULL");
    refused(neos_json_patch_apply("{\"a\": ", "[]", text, 8, &length), NEOS_ERR_PARSE, "");
    refused(neos_workspace_join_list(NULL, NEOS_JOIN_NONE, false, NULL, "[]", "[]", text, 8, &length), e, "list");
    refused(neos_workspace_from_json("{}", NULL), e, "out_workspace");
    neos_workspace *workspace = NULL;
    refused(neos_workspace_from_json("[1, 2", &workspace), NEOS_ERR_PARSE, "");
    refused(neos_workspace_from_json_with_options("{}", 0xFFFFFFFFu, &workspace), e, "options");
    refused(neos_workspace_build(NULL, NULL, NULL, 0, NULL, &workspace), e, "NULL");
    CHECK(workspace == NULL && length == 12345);
    for (size_t j = 0; j < sizeof text; j++) CHECK(text[j] == 'X');
    CHECK(neos_status_name(-1) == NULL && neos_status_name(1000) == NULL);
    CHECK(neos_hypotest_row_name(-1) == NULL && neos_hypotest_row_name(NEOS_HYPOTEST_ROWS) == NULL);
    CHECK(neos_hypotest_row_name(INT32_MAX) == NULL && neos_hypotest_row_name(INT32_MIN) == NULL);
    CHECK(neos_last_error_reason() != NULL);
    CHECK(neos_version_number() == NEOS_VERSION_NUMBER && strcmp(neos_version(), NEOS_VERSION_STRING) == 0);
    /* Non-finite clip values are refused, and nothing is made. */
    neos_model *model = simple_model();
    neos_model *clipped = NULL;
    const double specials[3] = {NAN, INFINITY, -INFINITY};
    for (int k = 0; k < 3; k++) {
        refused(neos_model_with_clipping(model, &specials[k], NULL, &clipped), e, "clip_sample_data");
        refused(neos_model_with_clipping(model, NULL, &specials[k], &clipped), e, "clip_bin_data");
    }
    refused(neos_model_with_clipping(model, NULL, NULL, NULL), e, "out_model");
    CHECK(clipped == NULL);
    neos_model_free(model);
}

static void case_workspace_lengths(void) {
    neos_workspace *workspace = simple_workspace();
    neos_model *fixture = simple_model();
    neos_workspace *made = NULL;
    neos_model *model = NULL;
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    const char *one[1] = {"x"};
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        size_t n = huge_lengths[k];
        refused(neos_workspace_model(workspace, NULL, NULL, one, n, &model), e, "n_patches");
        refused(neos_workspace_prune(workspace, one, n, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &made), e, "n_modifiers");
        refused(neos_workspace_prune(workspace, NULL, 0, NULL, 0, NULL, 0, NULL, 0, one, n, &made), e,
                "n_measurements");
        refused(neos_workspace_rename(workspace, one, one, n, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0, &made), e,
                "n_modifiers");
        refused(neos_workspace_build("{}", fixture, good_data, n, "w", &made), e, "n_data");
        char text[8];
        refused(neos_workspace_json(workspace, text, n, NULL), e, "n_out_json");
    }
    refused(neos_workspace_model(workspace, NULL, NULL, NULL, 2, &model), e, "patches is NULL");
    refused(neos_workspace_prune(workspace, NULL, 3, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &made), e, "modifiers");
    CHECK(made == NULL && model == NULL);
    neos_model_free(fixture);
    neos_workspace_free(workspace);
}

static void case_trainer_lengths(void) {
    neos_trainer *trainer = small_trainer();
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    const double *points = guarded(4, 0.5);
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        size_t n = huge_lengths[k];
        out_buffer out;
        out_reset(&out);
        refused(neos_trainer_predict(trainer, points, n, 2, out.values, n), e, "n_points");
        refused(neos_trainer_predict(trainer, points, 2, n, out.values, 2), e, "dimension");
        refused(neos_trainer_parameters(trainer, out.values, n), e, "out_parameters");
        refused(neos_trainer_set_parameters(trainer, points, n), e, "n_parameters");
        refused(neos_trainer_bin_edges(trainer, out.values, n), e, "out_edges");
        refused(neos_trainer_histogram(trainer, "sig", NEOS_SPLIT_TEST, -1, out.values, n), e, "out_yields");
        refused(neos_trainer_histograms(trainer, NEOS_SPLIT_TEST, -1, out.values, n), e, "out_yields");
        refused(neos_trainer_events(trainer, "sig", NEOS_SPLIT_TEST, out.values, n), e, "out_points");
        refused(neos_trainer_run(trainer, n), e, "n_steps");
        refused(neos_trainer_create_with_events("{\"data\": \"events\"}", n, NULL, 2, NULL, NULL, NULL, NULL, NULL,
                                                NULL, NULL),
                e, "");
        CHECK(out_untouched(&out));
    }
    /* A claimed dimension the network does not take, though small, is refused before the points are read. */
    out_buffer out;
    out_reset(&out);
    refused(neos_trainer_predict(trainer, points, 1, 4, out.values, 1), e, "dimension");
    refused(neos_trainer_histogram(trainer, "sig", 7, -1, out.values, 4), e, "split");
    refused(neos_trainer_histogram(trainer, "sig", NEOS_SPLIT_TEST, NAN, out.values, 4), e, "bandwidth");
    refused(neos_trainer_histogram(trainer, NULL, NEOS_SPLIT_TEST, -1, out.values, 4), e, "event_set");
    refused(neos_trainer_event_count(trainer, "nope", NEOS_SPLIT_TEST, NULL, NULL), e, "nope");
    refused(neos_trainer_save(trainer, NULL), e, "path");
    refused(neos_trainer_load(trainer, NULL), e, "path");
    refused(neos_trainer_load(trainer, "/nonexistent/neos/file"), e, "/nonexistent/neos/file");
    CHECK(out_untouched(&out));
    /* A count of steps that is a real length, but whose log of steps could never fit in memory, is refused before
     * the first step (it would otherwise run for years and then abort on allocation). */
    size_t many_steps = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE) / 64;
    refused(neos_trainer_run(trainer, many_steps), NEOS_ERR_INVALID_ARGUMENT, "steps");
    size_t n_steps = 99;
    CHECK(neos_trainer_sizes(trainer, NULL, NULL, NULL, &n_steps) == NEOS_OK && n_steps == 0);
    neos_trainer_free(trainer);
}

static void case_toys_and_interpolation_threads(void) {
    neos_model *model = simple_model();
    out_buffer out;
    out_reset(&out);
    const neos_status e = NEOS_ERR_INVALID_ARGUMENT;
    for (size_t k = 0; k < HUGE_COUNT; k++) {
        size_t n = huge_lengths[k];
        refused(neos_toy_data(model, good_pars, N_PARS, 2, 1, out.values, n), e, "out_data");
        refused(neos_toy_test_statistics(model, 1, "qtilde", good_pars, NULL, NULL, NULL, N_PARS, 2, 1, n, out.values,
                                         2),
                e, "n_threads");
        refused(neos_model_suggested(model, out.values, n, NULL, 0, NULL, 0, NULL, 0), e, "out_init");
        refused(neos_model_constraint_widths(model, NULL, 0, out.values, n), e, "out_widths");
    }
    refused(neos_toy_test_statistics(model, 1, "nope", good_pars, NULL, NULL, NULL, N_PARS, 2, 1, 1, out.values, 2), e,
            "nope");
    CHECK(out_untouched(&out));
    neos_model_free(model);
}

/* ---------------------------------------------------------------------------------------------------------
 * The runner: each case in a fork()ed child
 * ------------------------------------------------------------------------------------------------------- */

/* Finite inputs whose gradient overflows: refused as NEOS_ERR_NUMERIC with nothing written. At data == cut the
 * sigmoid's slope is 1/4, so the data gradient is cotangent * slope / 4 = 2.5e599. */
static void case_overflowing_results(void) {
    const double data[1] = {0.5};
    const double cotangent[1] = {1e300};
    out_buffer out;
    out_reset(&out);
    double cut_gradient = CANARY, slope_gradient = CANARY;
    refused(neos_cut_vjp(data, 1, 0.5, 1e300, NEOS_KEEP_ABOVE, cotangent, 1, out.values, 1, &cut_gradient,
                         &slope_gradient),
            NEOS_ERR_NUMERIC, "out_grad");
    CHECK(cut_gradient == CANARY && slope_gradient == CANARY && out_untouched(&out));
    /* Without the data gradient the cut value's gradient (the same sum) is refused as well. */
    refused(neos_cut_vjp(data, 1, 0.5, 1e300, NEOS_KEEP_ABOVE, cotangent, 1, NULL, 0, &cut_gradient, &slope_gradient),
            NEOS_ERR_NUMERIC, "out_grad_cut_value");
    CHECK(cut_gradient == CANARY && slope_gradient == CANARY);
}

typedef struct {
    const char *name;
    void (*run)(void);
} hostile_case;

static const hostile_case cases[] = {
    {"class 1: logpdf n_data", case_logpdf_lengths},
    {"class 1: logpdf_gradient n_data", case_logpdf_gradient_lengths},
    {"class 1: nll_derivatives n_data", case_nll_derivatives_lengths},
    {"class 1: expected_data_vjp n_cotangent", case_expected_data_vjp_lengths},
    {"class 1: nll_hessian_vjp lengths", case_hessian_vjp_lengths},
    {"class 1: trainer_loss_and_gradient dimension", case_trainer_loss_and_gradient_dimension},
    {"class 2: simplemodels n_bins", case_simplemodels_n_bins},
    {"class 2: upper_limit n_scan", case_upper_limit_n_scan},
    {"class 2: trainer_create_with_events dimension", case_trainer_create_with_events_dimension},
    {"class 2: hist and cut lengths", case_hist_lengths},
    {"class 2: model and inference lengths", case_model_call_lengths},
    {"class 2: interpolate lengths", case_interpolate_lengths},
    {"class 2: text output lengths", case_text_output_lengths},
    {"class 3: hidden [10^7]", case_trainer_hidden_huge},
    {"class 3: hidden 11 x 10^8", case_trainer_hidden_many},
    {"class 3: bins 10^9", case_trainer_bins_huge},
    {"class 3: points_per_blob 10^9", case_trainer_points_huge},
    {"class 3: inputs 10^9", case_trainer_inputs_huge},
    {"class 3: batch_size 10^9", case_trainer_batch_huge},
    {"class 3: load /dev/zero", case_trainer_load_dev_zero},
    {"class 3: load a header too large", case_trainer_load_huge_header},
    {"handles: NULL", case_null_handles},
    {"handles: wrong kind", case_wrong_kind_handles},
    {"handles: freed and made up", case_freed_and_made_up_handles},
    {"pointers: NULL", case_null_pointers},
    {"numbers: NaN and infinities", case_non_finite_inputs},
    {"outputs: short buffers", case_short_outputs},
    {"memory: out of memory under ulimit -v", case_out_of_memory_under_an_address_space_limit},
    {"text in and out, names", case_text_functions},
    {"workspace lengths", case_workspace_lengths},
    {"trainer lengths", case_trainer_lengths},
    {"toys and constraint widths", case_toys_and_interpolation_threads},
    {"results: overflowing gradients", case_overflowing_results},
};

int main(int argc, char **argv) {
    const size_t n_cases = sizeof cases / sizeof cases[0];
    int passed = 0, failed = 0, checks = 0;
    for (size_t k = 0; k < n_cases; k++) {
        if (argc > 1 && strstr(cases[k].name, argv[1]) == NULL) continue;
        fflush(stdout);
        fflush(stderr);
        int counts[2];
        if (pipe(counts) != 0) {
            perror("pipe");
            return 2;
        }
        pid_t child = fork();
        if (child < 0) {
            perror("fork");
            return 2;
        }
        if (child == 0) {
            alarm(60);  /* a hang fails the case (SIGALRM) */
            cases[k].run();
            fflush(stderr);
            /* The parent adds up the checks each case made (a crashed case reports none). */
            if (write(counts[1], &case_checks, sizeof case_checks) != (ssize_t)sizeof case_checks) _exit(1);
            _exit(case_failures == 0 ? 0 : 1);
        }
        close(counts[1]);
        int status = 0, child_checks = 0;
        if (read(counts[0], &child_checks, sizeof child_checks) == (ssize_t)sizeof child_checks)
            checks += child_checks;
        close(counts[0]);
        waitpid(child, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            passed++;
        } else {
            failed++;
            if (WIFSIGNALED(status))
                fprintf(stderr, "FAILED %s: killed by signal %d (%s)\n", cases[k].name, WTERMSIG(status),
                        strsignal(WTERMSIG(status)));
            else
                fprintf(stderr, "FAILED %s: exit %d\n", cases[k].name, WEXITSTATUS(status));
        }
    }
    printf("test_hostile: %d cases passed, %d failed (%d checks)\n", passed, failed, checks);
    return failed == 0 ? 0 : 1;
}
