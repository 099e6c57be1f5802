/* Create, use and free every kind of libneos handle many times over: a host that makes a model per request must
 * not grow. scripts/sanitize.sh runs it under valgrind memcheck (0 bytes definitely or indirectly lost) and, with
 * more cycles, on its own with its resident set checked flat.
 * Usage: test_cycles CYCLES [MAX_RSS_GROWTH_KIB]
 *   One cycle makes and frees a workspace, a patchset, a model from the workspace (with a patch), a model from a
 *   spec, two simplemodels, a model with new inputs and a trainer, using each (and making one failing call, so
 *   error messages are exercised too). With MAX_RSS_GROWTH_KIB the resident set after the last cycle may exceed
 *   the one after the first tenth of the cycles (the allocator's and runtime's caches warmed up) by at most that
 *   many KiB. */
#include "neos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *WORKSPACE =
    "{\"channels\": [{\"name\": \"singlechannel\", \"samples\": ["
    "  {\"name\": \"signal\", \"data\": [5.0, 10.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\","
    "   \"data\": null}]},"
    "  {\"name\": \"background\", \"data\": [50.0, 60.0], \"modifiers\": [{\"name\": \"uncorr_bkguncrt\","
    "   \"type\": \"shapesys\", \"data\": [5.0, 12.0]}]}]}],"
    " \"observations\": [{\"name\": \"singlechannel\", \"data\": [50.0, 60.0]}],"
    " \"measurements\": [{\"name\": \"Measurement\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}],"
    " \"version\": \"1.0.0\"}";

static const char *PATCHSET =
    "{\"metadata\": {\"references\": {\"hepdata\": \"ins1\"}, \"description\": \"d\", \"digests\": {\"sha256\": \"0\"},"
    " \"labels\": [\"x\"]}, \"patches\": [{\"metadata\": {\"name\": \"double_signal\", \"values\": [1]},"
    " \"patch\": [{\"op\": \"replace\", \"path\": \"/channels/0/samples/0/data\", \"value\": [10.0, 20.0]}]}],"
    " \"version\": \"1.0.0\"}";

static const char *SPEC =
    "{\"channels\": [{\"name\": \"c\", \"samples\": [{\"name\": \"s\", \"data\": [3.0, 4.0], \"modifiers\": ["
    "{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}, {\"name\": \"lumi\", \"type\": \"lumi\", \"data\": null}]}]}],"
    " \"parameters\": [{\"name\": \"lumi\", \"inits\": [1.0], \"auxdata\": [1.0], \"sigmas\": [0.02], \"bounds\": [[0.9, 1.1]]}]}";

static const char *TRAINER_CONFIG = "{\"hidden\": [3], \"points_per_blob\": 20, \"batch_size\": 10, \"seed\": 3}";

static void require(int condition, const char *what, long cycle) {
    if (!condition) {
        fprintf(stderr, "test_cycles: cycle %ld: %s (last error: %s)\n", cycle, what, neos_last_error_message());
        exit(1);
    }
}

/* The resident set in KiB, from /proc/self/statm (pages). */
static long resident_kib(void) {
    FILE *file = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (file == NULL) return -1;
    if (fscanf(file, "%ld %ld", &size, &resident) != 2) resident = -1;
    fclose(file);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void cycle(long index) {
    char json[4096];
    size_t length = 0;
    double logpdf = 0;

    neos_workspace *workspace = NULL;
    require(neos_workspace_from_json(WORKSPACE, &workspace) == NEOS_OK, "neos_workspace_from_json", index);
    require(neos_workspace_metadata_json(workspace, json, sizeof json, &length) == NEOS_OK, "metadata", index);

    neos_patchset *patchset = NULL;
    require(neos_patchset_from_json(PATCHSET, &patchset) == NEOS_OK, "neos_patchset_from_json", index);
    require(neos_patchset_patch_json(patchset, "double_signal", json, sizeof json, &length) == NEOS_OK, "patch",
            index);

    const char *patches[1] = {json};
    neos_model *model = NULL;
    require(neos_workspace_model(workspace, NULL, NULL, patches, 1, &model) == NEOS_OK, "neos_workspace_model",
            index);
    size_t n_pars = 0, n_main = 0, n_aux = 0, n_inputs = 0;
    require(neos_model_sizes(model, &n_pars, &n_main, &n_aux, &n_inputs, NULL) == NEOS_OK && n_pars == 3 &&
                n_main + n_aux == 4 && n_inputs <= 16,
            "neos_model_sizes", index);
    double init[3], data[4], inputs[16], values[NEOS_HYPOTEST_ROWS];
    require(neos_model_suggested(model, init, 3, NULL, 0, NULL, 0, NULL, 0) == NEOS_OK, "suggested", index);
    require(neos_workspace_data(workspace, model, true, data, 4) == NEOS_OK, "neos_workspace_data", index);
    require(neos_model_logpdf(model, init, 3, data, 4, &logpdf) == NEOS_OK, "neos_model_logpdf", index);
    require(neos_hypotest(model, 1.0, "qtilde", data, 4, NULL, NULL, NULL, 3, values, NEOS_HYPOTEST_ROWS, NULL, 0,
                          NULL, 0) == NEOS_OK,
            "neos_hypotest", index);
    /* A failing call (wrong n_data): sets this thread's error message, which must not leak either. */
    require(neos_model_logpdf(model, init, 3, data, 3, &logpdf) == NEOS_ERR_INVALID_ARGUMENT, "failing logpdf",
            index);

    require(neos_model_inputs(model, inputs, n_inputs) == NEOS_OK, "neos_model_inputs", index);
    neos_model *changed = NULL;
    require(neos_model_with_inputs(model, inputs, n_inputs, &changed) == NEOS_OK, "neos_model_with_inputs", index);
    require(neos_model_expected_data(changed, init, 3, false, data, 2) == NEOS_OK, "expected_data", index);

    neos_model *from_spec = NULL;
    require(neos_model_from_json(SPEC, "mu", NULL, &from_spec) == NEOS_OK, "neos_model_from_json", index);
    require(neos_model_metadata_json(from_spec, json, sizeof json, &length) == NEOS_OK, "model metadata", index);

    const double signal[2] = {5, 10}, background[2] = {50, 60}, uncertainty[2] = {5, 12};
    const double up[2] = {55, 66}, down[2] = {45, 54};
    neos_model *uncorrelated = NULL, *correlated = NULL;
    require(neos_simplemodels_uncorrelated_background(signal, background, uncertainty, 2, &uncorrelated) == NEOS_OK,
            "uncorrelated_background", index);
    require(neos_simplemodels_correlated_background(signal, background, up, down, 2, NULL, &correlated) == NEOS_OK,
            "correlated_background", index);
    double pars[2] = {1, 0}, asimov[3];
    require(neos_model_expected_data(correlated, pars, 2, true, asimov, 3) == NEOS_OK, "correlated expected", index);

    neos_trainer *trainer = NULL;
    require(neos_trainer_create(TRAINER_CONFIG, &trainer) == NEOS_OK, "neos_trainer_create", index);
    double loss = 0;
    require(neos_trainer_step(trainer, &loss) == NEOS_OK, "neos_trainer_step", index);
    require(neos_trainer_metrics_json(trainer, NULL, 0, &length) == NEOS_OK, "metrics length", index);

    neos_trainer_free(trainer);
    neos_model_free(correlated);
    neos_model_free(uncorrelated);
    neos_model_free(from_spec);
    neos_model_free(changed);
    neos_model_free(model);
    neos_patchset_free(patchset);
    neos_workspace_free(workspace);
    /* Freed handles are refused, never reused. */
    require(neos_model_sizes(model, &n_pars, NULL, NULL, NULL, NULL) == NEOS_ERR_INVALID_ARGUMENT, "freed model",
            index);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_cycles CYCLES [MAX_RSS_GROWTH_KIB]\n");
        return 2;
    }
    long cycles = atol(argv[1]);
    long max_growth = argc > 2 ? atol(argv[2]) : -1;
    long warm = cycles / 10 > 0 ? cycles / 10 : 1;
    long rss_warm = -1;
    for (long index = 0; index < cycles; index++) {
        cycle(index);
        if (index + 1 == warm) rss_warm = resident_kib();
    }
    long rss_end = resident_kib();
    printf("test_cycles: %ld cycles of every handle type; resident set %ld KiB after %ld cycles, %ld KiB after %ld\n",
           cycles, rss_warm, warm, rss_end, cycles);
    if (max_growth >= 0) {
        if (rss_warm < 0 || rss_end < 0) {
            fprintf(stderr, "test_cycles: /proc/self/statm unreadable\n");
            return 1;
        }
        if (rss_end - rss_warm > max_growth) {
            fprintf(stderr, "test_cycles: resident set grew by %ld KiB (more than %ld KiB)\n", rss_end - rss_warm,
                    max_growth);
            return 1;
        }
    }
    return 0;
}
