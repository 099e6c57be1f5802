// The C example in C++: RAII wrappers own the handles (freed on every path), failures are exceptions carrying the
// library's message. Usage: hypotest_cpp WORKSPACE.json [PATCH.json]   Build: see Makefile.
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neos.h"

namespace neos {

/// A failed libneos call: its status and neos_last_error_message().
struct Error : std::runtime_error {
    neos_status status;
    Error(neos_status status, const std::string &what)
        : std::runtime_error(what + ": " + neos_last_error_message()), status(status) {}
};

inline void check(neos_status status, const char *what) {
    if (status != NEOS_OK) throw Error(status, what);
}

/// Owns a workspace handle.
class Workspace {
  public:
    explicit Workspace(const std::string &json) {
        neos_workspace *raw = nullptr;
        check(neos_workspace_from_json(json.c_str(), &raw), "neos_workspace_from_json");
        handle_.reset(raw);
    }
    const neos_workspace *get() const { return handle_.get(); }

  private:
    struct Free {
        void operator()(neos_workspace *w) const { neos_workspace_free(w); }
    };
    std::unique_ptr<neos_workspace, Free> handle_;
};

/// Owns a model handle built from a workspace (optionally patched), with its sizes and suggested settings.
class Model {
  public:
    Model(const Workspace &workspace, const std::vector<std::string> &patches = {}) {
        std::vector<const char *> texts;
        for (const auto &patch : patches) texts.push_back(patch.c_str());
        neos_model *raw = nullptr;
        check(neos_workspace_model(workspace.get(), nullptr, nullptr, texts.empty() ? nullptr : texts.data(),
                                   texts.size(), &raw),
              "neos_workspace_model");
        handle_.reset(raw);
        check(neos_model_sizes(raw, &n_pars, &n_main, &n_aux, nullptr, nullptr), "neos_model_sizes");
        init.resize(n_pars);
        bounds.resize(2 * n_pars);
        fixed.reset(new bool[n_pars]);
        check(neos_model_suggested(raw, init.data(), n_pars, bounds.data(), bounds.size(), fixed.get(), n_pars,
                                   nullptr, 0),
              "neos_model_suggested");
    }
    const neos_model *get() const { return handle_.get(); }

    /// The workspace's observations followed by the auxiliary data.
    std::vector<double> data(const Workspace &workspace) const {
        std::vector<double> values(n_main + n_aux);
        check(neos_workspace_data(workspace.get(), get(), true, values.data(), values.size()), "neos_workspace_data");
        return values;
    }

    /// Every row of the asymptotic hypothesis test at poi (NEOS_HYPOTEST_* indices).
    std::array<double, NEOS_HYPOTEST_ROWS> hypotest(double poi, const std::vector<double> &data,
                                                    const char *test_stat = "qtilde") const {
        std::array<double, NEOS_HYPOTEST_ROWS> rows{};
        check(neos_hypotest(get(), poi, test_stat, data.data(), data.size(), init.data(), bounds.data(), fixed.get(),
                            n_pars, rows.data(), rows.size(), nullptr, 0, nullptr, 0),
              "neos_hypotest");
        return rows;
    }

    size_t n_pars = 0, n_main = 0, n_aux = 0;
    std::vector<double> init, bounds;
    std::unique_ptr<bool[]> fixed;  // not std::vector<bool>: the ABI takes a bool array

  private:
    struct Free {
        void operator()(neos_model *m) const { neos_model_free(m); }
    };
    std::unique_ptr<neos_model, Free> handle_;
};

}  // namespace neos

static std::string read_file(const char *path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error(std::string("cannot read ") + path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s WORKSPACE.json [PATCH.json]\n", argv[0]);
        return 2;
    }
    try {
        neos::Workspace workspace(read_file(argv[1]));
        std::vector<std::string> patches;
        if (argc == 3) patches.push_back(read_file(argv[2]));
        neos::Model model(workspace, patches);
        auto rows = model.hypotest(1.0, model.data(workspace));
        std::printf("CLs %.10g\n", rows[NEOS_HYPOTEST_CLS]);
        std::printf("expected");
        for (int k = 0; k < NEOS_EXPECTED_SET_SIZE; ++k) std::printf(" %.10g", rows[NEOS_HYPOTEST_EXPECTED + k]);
        std::printf("\n");
    } catch (const std::exception &error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    return 0;
}
