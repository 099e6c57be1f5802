/* libneos from 8 threads at once, as a C++ or Python host with a thread pool would call it (built and run under
 * ThreadSanitizer by scripts/sanitize.sh):
 *   1. separate handles: each thread parses its own workspace, builds its own model and trainer, and runs fits,
 *      hypotests, logpdf and trainer steps on them;
 *   2. shared read-only handles: all threads run hypotests, fits and logpdf on one model (and read one workspace)
 *      concurrently.
 * Every result must be bit-identical (memcmp) to the same call made serially before the threads start: nothing a
 * call computes may depend on what another thread does. Errors are thread-local: each thread also makes a failing
 * call and must read its own message. Usage: test_threads [rounds per thread] (default 4). */
#include "neos.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8

static const char *WORKSPACE =
    "{\"channels\": [{\"name\": \"singlechannel\", \"samples\": ["
    "  {\"name\": \"signal\", \"data\": [5.0, 10.0], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\","
    "   \"data\": null}]},"
    "  {\"name\": \"background\", \"data\": [50.0, 60.0], \"modifiers\": [{\"name\": \"uncorr_bkguncrt\","
    "   \"type\": \"shapesys\", \"data\": [5.0, 12.0]}, {\"name\": \"bkg_norm\", \"type\": \"normsys\","
    "   \"data\": {\"hi\": 1.1, \"lo\": 0.92}}]}]}],"
    " \"observations\": [{\"name\": \"singlechannel\", \"data\": [53.0, 67.0]}],"
    " \"measurements\": [{\"name\": \"Measurement\", \"config\": {\"poi\": \"mu\", \"parameters\": []}}],"
    " \"version\": \"1.0.0\"}";

static const char *TRAINER_CONFIG = "{\"hidden\": [4], \"points_per_blob\": 60, \"batch_size\": 20, \"seed\": 7}";

enum { MAX_PARS = 8, MAX_DATA = 8 };

/* Everything one round computes; compared byte for byte. */
typedef struct {
    double hypotest[NEOS_HYPOTEST_ROWS];
    double fit_pars[MAX_PARS];
    double fit_twice_nll;
    double fixed_fit_pars[MAX_PARS];
    double logpdf;
    double gradient[MAX_PARS];
    double data[MAX_DATA];
    double trainer_losses[2];
    char error_message[128];
} results;

static size_t n_pars, n_data;
static int rounds = 4;
static neos_workspace *shared_workspace;
static neos_model *shared_model;

static void fail(const char *what) {
    fprintf(stderr, "test_threads: %s failed: %s\n", what, neos_last_error_message());
    exit(1);
}

/* One round of work on the given handles (a model and its workspace); the trainer is the caller's own. */
static void compute(const neos_workspace *workspace, const neos_model *model, neos_trainer *trainer,
                    results *out) {
    memset(out, 0, sizeof *out);
    if (neos_workspace_data(workspace, model, true, out->data, n_data) != NEOS_OK) fail("neos_workspace_data");
    if (neos_hypotest(model, 1.0, "qtilde", out->data, n_data, NULL, NULL, NULL, n_pars, out->hypotest,
                      NEOS_HYPOTEST_ROWS, NULL, 0, NULL, 0) != NEOS_OK)
        fail("neos_hypotest");
    if (neos_fit(model, out->data, n_data, NULL, NULL, NULL, n_pars, out->fit_pars, n_pars, &out->fit_twice_nll,
                 NULL, 0, NULL, 0, NULL, 0, NULL, 0) != NEOS_OK)
        fail("neos_fit");
    if (neos_fixed_poi_fit(model, 0.5, out->data, n_data, NULL, NULL, NULL, n_pars, out->fixed_fit_pars, n_pars,
                           NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0) != NEOS_OK)
        fail("neos_fixed_poi_fit");
    if (neos_model_logpdf(model, out->fit_pars, n_pars, out->data, n_data, &out->logpdf) != NEOS_OK)
        fail("neos_model_logpdf");
    if (neos_model_logpdf_gradient(model, out->fit_pars, n_pars, out->data, n_data, out->gradient, n_pars, NULL, 0,
                                   NULL, 0) != NEOS_OK)
        fail("neos_model_logpdf_gradient");
    if (trainer != NULL) {
        for (int step = 0; step < 2; step++)
            if (neos_trainer_step(trainer, &out->trainer_losses[step]) != NEOS_OK) fail("neos_trainer_step");
    }
    /* A failing call: its message must be this thread's, whatever the others are doing. */
    double untouched = 0;
    if (neos_model_logpdf(model, out->fit_pars, n_pars + 1, out->data, n_data, &untouched) == NEOS_OK)
        fail("neos_model_logpdf with a wrong n_pars (it succeeded)");
    snprintf(out->error_message, sizeof out->error_message, "%s", neos_last_error_message());
}

static results serial_separate, serial_shared;

typedef struct {
    int index;
    int mismatches;
} job;

static void *separate_handles(void *argument) {
    job *self = (job *)argument;
    for (int round = 0; round < rounds; round++) {
        neos_workspace *workspace = NULL;
        neos_model *model = NULL;
        neos_trainer *trainer = NULL;
        if (neos_workspace_from_json(WORKSPACE, &workspace) != NEOS_OK) fail("neos_workspace_from_json");
        if (neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model) != NEOS_OK) fail("neos_workspace_model");
        if (neos_trainer_create(TRAINER_CONFIG, &trainer) != NEOS_OK) fail("neos_trainer_create");
        results mine;
        compute(workspace, model, trainer, &mine);
        if (memcmp(&mine, &serial_separate, sizeof mine) != 0) {
            fprintf(stderr, "thread %d round %d: separate handles differ from the serial result\n", self->index,
                    round);
            self->mismatches++;
        }
        neos_trainer_free(trainer);
        neos_model_free(model);
        neos_workspace_free(workspace);
    }
    return NULL;
}

static void *shared_handles(void *argument) {
    job *self = (job *)argument;
    for (int round = 0; round < rounds; round++) {
        results mine;
        compute(shared_workspace, shared_model, NULL, &mine);
        if (memcmp(&mine, &serial_shared, sizeof mine) != 0) {
            fprintf(stderr, "thread %d round %d: shared handles differ from the serial result\n", self->index,
                    round);
            self->mismatches++;
        }
    }
    return NULL;
}

static int run_threads(void *(*body)(void *), const char *name) {
    pthread_t threads[THREADS];
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].index = i;
        jobs[i].mismatches = 0;
        if (pthread_create(&threads[i], NULL, body, &jobs[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(1);
        }
    }
    int mismatches = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        mismatches += jobs[i].mismatches;
    }
    printf("%s: %d threads x %d rounds, %d results differing from serial\n", name, THREADS, rounds, mismatches);
    return mismatches;
}

int main(int argc, char **argv) {
    if (argc > 1) rounds = atoi(argv[1]);
    if (rounds < 1) rounds = 1;
    if (neos_workspace_from_json(WORKSPACE, &shared_workspace) != NEOS_OK) fail("neos_workspace_from_json");
    if (neos_workspace_model(shared_workspace, NULL, NULL, NULL, 0, &shared_model) != NEOS_OK)
        fail("neos_workspace_model");
    size_t n_main = 0, n_aux = 0;
    if (neos_model_sizes(shared_model, &n_pars, &n_main, &n_aux, NULL, NULL) != NEOS_OK) fail("neos_model_sizes");
    n_data = n_main + n_aux;
    if (n_pars > MAX_PARS || n_data > MAX_DATA) {
        fprintf(stderr, "test_threads: model larger than the result buffers\n");
        return 1;
    }

    /* The serial references: the same calls, one at a time, on handles made the same way. */
    {
        neos_workspace *workspace = NULL;
        neos_model *model = NULL;
        neos_trainer *trainer = NULL;
        if (neos_workspace_from_json(WORKSPACE, &workspace) != NEOS_OK) fail("neos_workspace_from_json");
        if (neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model) != NEOS_OK) fail("neos_workspace_model");
        if (neos_trainer_create(TRAINER_CONFIG, &trainer) != NEOS_OK) fail("neos_trainer_create");
        compute(workspace, model, trainer, &serial_separate);
        neos_trainer_free(trainer);
        neos_model_free(model);
        neos_workspace_free(workspace);
    }
    compute(shared_workspace, shared_model, NULL, &serial_shared);
    if (serial_separate.error_message[0] == '\0') {
        fprintf(stderr, "test_threads: a failing call left no message\n");
        return 1;
    }

    int mismatches = run_threads(separate_handles, "separate handles");
    mismatches += run_threads(shared_handles, "shared read-only handles");
    neos_model_free(shared_model);
    neos_workspace_free(shared_workspace);
    if (mismatches != 0) return 1;
    printf("test_threads: every concurrent result bit-identical to serial\n");
    return 0;
}
