/* Opens a pyhf workspace (a JSON file), builds its model and prints CLs at mu = 1 (qtilde) and the expected band.
 * Usage: hypotest WORKSPACE.json   Build: see Makefile. */
#include <stdio.h>
#include <stdlib.h>

#include "neos.h"

/* The whole file as a NUL-terminated string, or NULL. */
static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, file) == (size_t)size) {
        text[size] = '\0';
    } else {
        free(text);
        text = NULL;
    }
    fclose(file);
    return text;
}

/* Prints the library's message for a failed call and says whether it failed. */
static int failed(neos_status status, const char *what) {
    if (status == NEOS_OK) return 0;
    fprintf(stderr, "%s: %s\n", what, neos_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORKSPACE.json\n", argv[0]);
        return 2;
    }
    if (neos_version_number() / 1000000 != NEOS_VERSION_MAJOR) {
        fprintf(stderr, "libneos %s does not match neos.h's major version\n", neos_version());
        return 1;
    }
    char *json = read_file(argv[1]);
    if (!json) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    int code = 1;
    neos_workspace *workspace = NULL;
    neos_model *model = NULL;
    double *data = NULL, *init = NULL, *bounds = NULL;
    bool *fixed = NULL;
    size_t n_pars = 0, n_main = 0, n_aux = 0;
    if (failed(neos_workspace_from_json(json, &workspace), "neos_workspace_from_json")) goto done;
    if (failed(neos_workspace_model(workspace, NULL, NULL, NULL, 0, &model), "neos_workspace_model")) goto done;
    if (failed(neos_model_sizes(model, &n_pars, &n_main, &n_aux, NULL, NULL), "neos_model_sizes")) goto done;
    data = malloc((n_main + n_aux) * sizeof *data);
    init = malloc(n_pars * sizeof *init);
    bounds = malloc(2 * n_pars * sizeof *bounds);
    fixed = malloc(n_pars * sizeof *fixed);
    if (!data || !init || !bounds || !fixed) goto done;
    if (failed(neos_workspace_data(workspace, model, true, data, n_main + n_aux), "neos_workspace_data")) goto done;
    if (failed(neos_model_suggested(model, init, n_pars, bounds, 2 * n_pars, fixed, n_pars, NULL, 0),
               "neos_model_suggested"))
        goto done;
    double values[NEOS_HYPOTEST_ROWS];
    if (failed(neos_hypotest(model, 1.0, "qtilde", data, n_main + n_aux, init, bounds, fixed, n_pars, values,
                             NEOS_HYPOTEST_ROWS, NULL, 0, NULL, 0),
               "neos_hypotest"))
        goto done;
    printf("CLs %.10g\n", values[NEOS_HYPOTEST_CLS]);
    printf("expected");
    for (int k = 0; k < NEOS_EXPECTED_SET_SIZE; ++k) printf(" %.10g", values[NEOS_HYPOTEST_EXPECTED + k]);
    printf("\n");
    code = 0;
done:
    free(data);
    free(init);
    free(bounds);
    free(fixed);
    neos_model_free(model);
    neos_workspace_free(workspace);
    free(json);
    return code;
}
