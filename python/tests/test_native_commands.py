"""The native ``neos`` command's pyhf commands (Sources/NeosCLI): the same JSON as pyhf's command line.

``neos cls`` runs on every reference workspace and is compared with the real ``pyhf cls`` (pyhf 0.7.6 beside this
Python) converged with a tight SLSQP tolerance, pyhf's default stopping short of the minimum; where pyhf refuses a
workspace, ``neos`` refuses it too. ``neos cls`` and ``neos fit`` also print byte for byte what neos_swift's own
command line (``neos_swift.cli``, the same core through libneos) prints. ``NEOS_COMMAND`` names another build of the
native command to test (default: the ``neos`` console script installed beside this Python).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import REFDATA
from neos_swift.cli import cli

# Against pyhf converged (its scipy fit at tolerance 1e-12): the tolerance of python/tests' pyhf comparisons.
CLS_RTOL = 1e-6

# Every workspace among the reference data (pyhf's JSON workspaces and the XML ones converted by pyhf 0.7.6).
WORKSPACES = sorted(
    path
    for folder in ("workspaces", "docs_examples", "xml_converted", "tests_data", "validation_misc")
    for path in (REFDATA / folder).glob("*.json")
    if "measurements" in json.loads(path.read_text(encoding="utf-8"))
)

TWO_BIN = REFDATA / "docs_examples" / "2-bin_1-channel.json"
COUPLED = REFDATA / "workspaces" / "validation_2bin_2channel_coupledhistosys.json"
MULTICHANNEL = REFDATA / "xml_converted" / "multichannel_histfactory.json"
BKGONLY = REFDATA / "tests_data" / "test_patchset__example_bkgonly.json"
PATCHSET = REFDATA / "tests_data" / "test_patchset__example_patchset.json"
XMLIMPORT = REFDATA / "xml_converted" / "xmlimport_input.json"  # three measurements

# For each [path, our Asimov fit or null] of argv[1], in one process: pyhf's own command line (click's runner) and,
# given our fit, pyhf's CLs with its calculator's Asimov data made from our fit (the data at the fit with the POI
# held at 0) and twice the NLL, by pyhf, at pyhf's fit and at ours. Prints {path: {"cli": pyhf's JSON or {"error":
# the exception's type}, "our_asimov": ..., "twice_nll": {"pyhf": ..., "ours": ...}}}.
PYHF_CLS_SCRIPT = """
import json, sys
import numpy as np
from click.testing import CliRunner
import pyhf
import pyhf.cli
from pyhf.infer import calculators
own_asimov = calculators.generate_asimov_data
results = {}
for path, our_fit in json.loads(sys.argv[1]):
    run = CliRunner().invoke(pyhf.cli.cli, ["cls", path, "--optconf", "tolerance=1.0e-12"])
    result = {"cli": json.loads(run.stdout) if run.exit_code == 0 else {"error": type(run.exception).__name__}}
    if run.exit_code == 0 and our_fit is not None:
        pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
        workspace = pyhf.Workspace(json.load(open(path)))
        codes = {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}}
        model = workspace.model(modifier_settings=codes)
        data = workspace.data(model)
        ours = np.asarray(our_fit)
        settings = (model.config.suggested_init(), model.config.suggested_bounds(), model.config.suggested_fixed())
        theirs = pyhf.infer.mle.fixed_poi_fit(0.0, data, model, *settings)
        result["twice_nll"] = {
            name: float(-2 * model.logpdf(pars, data)[0]) for name, pars in (("pyhf", theirs), ("ours", ours))
        }
        def from_our_fit(asimov_mu, data, pdf, init_pars, par_bounds, fixed_params, return_fitted_pars=False):
            asimov = pdf.expected_data(ours)
            return (asimov, ours) if return_fitted_pars else asimov
        calculators.generate_asimov_data = from_our_fit
        observed, expected = pyhf.infer.hypotest(1.0, data, model, return_expected_set=True)
        calculators.generate_asimov_data = own_asimov
        result["our_asimov"] = {"CLs_obs": float(observed), "CLs_exp": [float(v) for v in expected]}
    results[path] = result
print(json.dumps(results))
"""


# Runs pyhf's command line on each [arguments, standard input] of argv[1] (a JSON list) in one process and prints
# [[exit code, standard output], ...].
PYHF_COMMANDS_SCRIPT = """
import json, sys
from click.testing import CliRunner
import pyhf.cli
runs = [CliRunner().invoke(pyhf.cli.cli, arguments, input=stdin) for arguments, stdin in json.loads(sys.argv[1])]
print(json.dumps([[run.exit_code, run.stdout] for run in runs]))
"""


def run_pyhf(script, *arguments):
    """The JSON that ``script`` prints last, run with ``arguments`` by the real pyhf (PYTHONPATH dropped, so that
    pyhf is pyhf 0.7.6 beside this Python and not neos_swift)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, arguments)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def native_command() -> str | None:
    given = os.environ.get("NEOS_COMMAND")
    if given:
        return given
    candidate = Path(sys.executable).parent / "neos"
    return str(candidate) if candidate.is_file() else shutil.which("neos")


pytestmark = pytest.mark.skipif(
    native_command() is None, reason="the `neos` console script is installed with the package"
)


def neos(*args, stdin=None):
    return subprocess.run(
        [native_command(), *map(str, args)], capture_output=True, text=True, input=stdin, timeout=120, check=False
    )


def neos_ok(*args, stdin=None) -> str:
    done = neos(*args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


def python_command_line(*args) -> str:
    """What neos_swift's command line (pyhf's, on libneos) prints for the same arguments, in this process."""
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def assert_one_line_error(done, code):
    assert done.returncode == code, (done.returncode, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("neos: "), done.stderr


def our_asimov_fit(path):
    """Our fit with the POI held at 0 on the workspace's data (the fit the Asimov data come from), in the model of
    pyhf's command line (codes 4 and 4p); None where neos_swift cannot build it (a document pyhf refuses too)."""
    from neos_swift import Workspace
    from neos_swift.infer import mle

    try:
        workspace = Workspace(json.loads(Path(path).read_text(encoding="utf-8")))
        model = workspace.model(
            modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}}
        )
        return np.asarray(mle.fixed_poi_fit(0.0, workspace.data(model), model), dtype=float).tolist()
    except Exception:  # noqa: BLE001  (refused documents are compared by their errors below)
        return None


def test_cls_equals_pyhf_converged_on_every_reference_workspace():
    """Within 1e-6 of pyhf converged, or ours shown the lower minimum: the expected CLs hang on the fit that makes
    the Asimov data, which lies in a flat valley in some workspaces, where pyhf's converged fit stops a little higher
    (by pyhf's own NLL) and moves its expected CLs by ~1e-6; there, pyhf's calculator given the Asimov data of our
    fit must give our CLs within 1e-6."""
    assert len(WORKSPACES) >= 24
    theirs = run_pyhf(PYHF_CLS_SCRIPT, json.dumps([[str(path), None] for path in WORKSPACES]))
    compared, lower_minimum = 0, []
    for path in WORKSPACES:
        reference = theirs[str(path)]
        done = neos("cls", path)
        if "error" in reference["cli"]:  # pyhf refuses it (initial values outside the bounds, no POI): so does neos
            assert_one_line_error(done, 1)
            continue
        assert done.returncode == 0, (path, done.stderr)
        ours = json.loads(done.stdout)
        assert set(ours) == {"CLs_obs", "CLs_exp"} and len(ours["CLs_exp"]) == 5
        values = [ours["CLs_obs"], *ours["CLs_exp"]]
        converged = [reference["cli"]["CLs_obs"], *reference["cli"]["CLs_exp"]]
        if not np.allclose(values, converged, rtol=CLS_RTOL, atol=0):
            # pyhf once more on this workspace, with our Asimov fit
            reference = run_pyhf(PYHF_CLS_SCRIPT, json.dumps([[str(path), our_asimov_fit(path)]]))[str(path)]
            assert reference["twice_nll"]["ours"] <= reference["twice_nll"]["pyhf"], path
            given_ours = [reference["our_asimov"]["CLs_obs"], *reference["our_asimov"]["CLs_exp"]]
            np.testing.assert_allclose(values, given_ours, rtol=CLS_RTOL, err_msg=str(path))
            lower_minimum.append(path.name)
        # the same numbers and the same text as neos_swift's Python command line
        assert done.stdout == python_command_line("cls", path), path
        compared += 1
    assert compared >= 22
    print(f"ours the lower minimum of the Asimov fit, where pyhf converged differs beyond 1e-6: {lower_minimum}")


def test_cls_and_fit_print_what_the_python_command_line_prints(tmp_path):
    for path in (TWO_BIN, COUPLED):
        for arguments in (
            ["cls", path, "--test-poi", "1.5", "--test-stat", "q"],
            ["cls", path, "--test-poi", "0.5", "--backend", "jax"],
            ["fit", path],
            ["fit", path, "--value"],
        ):
            assert neos_ok(*arguments) == python_command_line(*arguments), arguments
    # standard input, a patch, --output-file (json.dump's file: no new line at the end)
    assert neos_ok("fit", "--value", stdin=COUPLED.read_text()) == python_command_line("fit", COUPLED, "--value")
    patch = tmp_path / "patch.json"
    patch.write_text(json.dumps([{"op": "replace", "path": "/channels/0/samples/0/data", "value": [6.0, 7.0]}]))
    patched = neos_ok("cls", TWO_BIN, "-p", patch)
    assert patched == python_command_line("cls", TWO_BIN, "--patch", patch) != neos_ok("cls", TWO_BIN)
    output = tmp_path / "fit.json"
    assert neos_ok("fit", COUPLED, "--output-file", output) == ""
    assert output.read_text() + "\n" == python_command_line("fit", COUPLED)


def test_the_python_package_runs_what_it_owns():
    """The optimizers' option mappings and the toy calculator live in the Python package: neos hands them over."""
    minuit = neos_ok("cls", COUPLED, "--optimizer", "minuit")
    assert minuit == python_command_line("cls", COUPLED, "--optimizer", "minuit")
    limited = neos("fit", COUPLED, "--optconf", "maxiter=1")
    assert limited.returncode == 1 and "FailedMinimization" in limited.stderr


def test_bad_files_and_arguments_give_one_line_and_an_exit_code(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"channels": [')
    assert_one_line_error(neos("cls", tmp_path / "missing.json"), 1)
    assert_one_line_error(neos("cls", broken), 1)
    assert_one_line_error(neos("fit", COUPLED, "--measurement", "no_such_measurement"), 1)
    assert_one_line_error(neos("cls", COUPLED, "-p", tmp_path / "missing_patch.json"), 1)
    for arguments in (
        ["cls", COUPLED, "--test-stat", "q1"],
        ["cls", COUPLED, "--calctype", "bayesian"],
        ["cls", COUPLED, "--test-poi", "one"],
        ["fit", COUPLED, "--backend", "cupy"],
        ["fit", COUPLED, "--optconf", "maxiter"],
        ["fit", "--plot", tmp_path / "pulls.png"],
        ["fit", COUPLED, "--optimizer", "minuit", "--plot", tmp_path / "pulls.png"],
        ["cls", COUPLED, "--no-such-option"],
    ):
        assert_one_line_error(neos(*arguments), 2)


def test_every_command_answers_help():
    for arguments in ([], ["cls"], ["fit"], ["upper-limit"], ["xml2json"], ["json2xml"], ["train"], ["version"]):
        shown = neos(*arguments, "--help")
        assert shown.returncode == 0, shown.stderr
        assert "USAGE: neos" in shown.stdout
    assert "--test-stat" in neos_ok("cls", "--help") and "--value" in neos_ok("fit", "--help")
    for arguments in (["completions"], ["contrib"], ["contrib", "download"]):
        assert "USAGE: neos" in neos_ok(*arguments, "--help")
    assert "USAGE: neos" in neos_ok()  # no command: the overview


def test_version_citation_and_completions_as_pyhfs_root_command():
    import neos_swift

    assert neos_ok("--version") == f"neos, version {neos_swift.__version__}\n"
    for flag in ("--cite", "--citation"):
        assert neos_ok(flag) == python_command_line("--cite")
    assert neos_ok("completions", "bash") == neos_ok("--generate-completion-script", "bash")
    assert "#compdef neos" in neos_ok("completions", "zsh")
    assert_one_line_error(neos("completions", "tcsh"), 2)


def test_fit_draws_the_pulls_plot(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "pulls.png"
    printed = neos_ok("fit", COUPLED, "--plot", png)
    assert printed == python_command_line("fit", COUPLED)  # the plot's own messages go to standard error
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_workspace_and_patchset_commands_print_what_pyhf_prints(tmp_path):
    """Byte for byte pyhf 0.7.6's output, standard output and --output-file (integral numbers written as the
    inputs had them: 20.0 stays 20.0), and failing where pyhf fails. md5 digests come from the Python package."""
    runs = [
        (["sort", COUPLED], None),
        (["sort", MULTICHANNEL], None),
        (["sort"], MULTICHANNEL.read_text()),
        (["digest", COUPLED], None),
        (["digest", "-j", BKGONLY], None),
        (["digest", MULTICHANNEL, "-a", "sha256", "-a", "md5"], None),
        (["prune", COUPLED, "-s", "bkg1"], None),
        (["prune", MULTICHANNEL, "-t", "shapesys", "--modifier", "lumi"], None),
        (["prune", MULTICHANNEL, "-c", "channel2"], None),
        (["prune", COUPLED, "-s", "no_such_sample"], None),
        (["rename", COUPLED, "-c", "signal", "signal_region", "-s", "bkg1", "background", "-m", "mu", "poi"], None),
        (["rename", MULTICHANNEL, "--measurement", "GaussExample", "other"], None),
        (["combine", COUPLED, MULTICHANNEL], None),
        (["combine", COUPLED, COUPLED, "-j", "outer"], None),
        (["combine", COUPLED, COUPLED, "--join", "left outer", "--merge-channels"], None),
        (["combine", COUPLED, COUPLED], None),
        (["inspect", MULTICHANNEL], None),
        (["inspect", XMLIMPORT, "--output-file", "OUTPUT"], None),
        (["inspect"], BKGONLY.read_text()),
        (["prune", XMLIMPORT, "--measurement", "GammaExample", "--output-file", "OUTPUT"], None),
        (["patchset", "inspect", PATCHSET], None),
        (["patchset", "extract", PATCHSET, "--name", "patch_channel1_signal_syst1"], None),
        (["patchset", "extract", PATCHSET, "--name", "patch_channel1_signal_syst1", "--with-metadata"], None),
        (["patchset", "extract", PATCHSET, "--name", "no_such_patch"], None),
        (["patchset", "verify", BKGONLY, PATCHSET], None),
        (["patchset", "verify", COUPLED, PATCHSET], None),
        (["patchset", "apply", BKGONLY, PATCHSET, "--name", "patch_channel1_signal_syst1"], None),
        (["patchset", "apply", COUPLED, PATCHSET, "--name", "patch_channel1_signal_syst1"], None),
    ]

    def arguments_of(side, i, arguments):  # OUTPUT: a file of the run's own, one per side
        return [str(tmp_path / f"{side}-{i}.json") if a == "OUTPUT" else str(a) for a in arguments]

    requests = [[arguments_of("pyhf", i, arguments), stdin] for i, (arguments, stdin) in enumerate(runs)]
    theirs = run_pyhf(PYHF_COMMANDS_SCRIPT, json.dumps(requests))
    refused = []
    for i, ((arguments, stdin), (code, stdout)) in enumerate(zip(runs, theirs)):
        done = neos(*arguments_of("neos", i, arguments), stdin=stdin)
        if code != 0:
            assert_one_line_error(done, 1)
            refused.append(arguments[0] if arguments[0] != "patchset" else arguments[1])
            continue
        assert done.returncode == 0, (arguments, done.stderr)
        assert done.stdout == stdout, arguments
        if "OUTPUT" in arguments:
            written = (tmp_path / f"neos-{i}.json").read_text()
            assert written == (tmp_path / f"pyhf-{i}.json").read_text(), arguments
    assert refused == ["prune", "combine", "extract", "verify", "apply"]


def test_workspace_commands_write_files_and_refuse_bad_arguments(tmp_path):
    output = tmp_path / "sorted.json"
    assert neos_ok("sort", COUPLED, "--output-file", output) == ""
    assert output.read_text() + "\n" == neos_ok("sort", COUPLED)
    for arguments in (
        ["prune", COUPLED, "-t", "no_such_type"],
        ["rename", COUPLED, "-c", "signal"],
        ["combine", COUPLED, COUPLED, "--join", "sideways"],
        ["digest", COUPLED, "-j", "-p"],
        ["patchset", "nope"],
    ):
        assert_one_line_error(neos(*arguments), 2)
    assert_one_line_error(neos("sort", tmp_path / "missing.json"), 1)
    for arguments in (["prune"], ["rename"], ["combine"], ["digest"], ["sort"], ["inspect"], ["patchset"]):
        assert "USAGE: neos" in neos_ok(*arguments, "--help")
    for name in ("extract", "apply", "verify", "inspect"):
        assert "USAGE: neos patchset" in neos_ok("patchset", name, "--help")


# pyhf converged: a scan's limits; twice the NLL (pyhf's) on the data at pyhf's fit with the POI held at 0, the fit the
# Asimov data come from, and at ours (argv[6]); and CLs at the POI values argv[5] from pyhf's calculator with its Asimov
# data made from ours.
PYHF_LIMITS_SCRIPT = """
import json, sys
import numpy as np
import pyhf
pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
path, low, high, points = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
tests, our_asimov_pars = json.loads(sys.argv[5]), np.asarray(json.loads(sys.argv[6]))
workspace = pyhf.Workspace(json.load(open(path)))
model = workspace.model()
data = workspace.data(model)
observed, expected = pyhf.infer.intervals.upper_limits.upper_limit(data, model, scan=np.linspace(low, high, points))
settings = (model.config.suggested_init(), model.config.suggested_bounds(), model.config.suggested_fixed())
pyhf_asimov_pars = pyhf.infer.mle.fixed_poi_fit(0.0, data, model, *settings)
twice_nll = {
    name: float(-2 * model.logpdf(pars, data)[0])
    for name, pars in (("pyhf", pyhf_asimov_pars), ("ours", our_asimov_pars))
}
def asimov_from_ours(asimov_mu, data, pdf, init_pars, par_bounds, fixed_params, return_fitted_pars=False):
    asimov = pdf.expected_data(our_asimov_pars)
    return (asimov, our_asimov_pars) if return_fitted_pars else asimov
pyhf.infer.calculators.generate_asimov_data = asimov_from_ours
cls = []
for mu in tests:
    obs, exp = pyhf.infer.hypotest(mu, data, model, return_expected_set=True)
    cls.append([float(obs)] + [float(value) for value in exp])
print(json.dumps({"scan": [float(observed)] + [float(v) for v in expected], "twice_nll": twice_nll, "cls": cls}))
"""


def test_upper_limit_matches_the_api_and_pyhf_converged():
    """A scan's limits equal pyhf's converged scan within 1e-6. Root finding's limits are where pyhf's CLs curves
    cross the level; pyhf's own toms748_scan stops at rtol 1e-4, so CLs at our limits is the reference, computed by
    pyhf. Its expected curves hang on the fit that makes the Asimov data (POI held at 0), which lies in a flat valley
    here: pyhf's converged fit stops 2e-7 away in a parameter, 1.8e-12 higher in twice the NLL (pyhf's own), and that
    moves its expected CLs at mu = 0.34 by 2e-6. So pyhf's calculator is given the Asimov data of our fit, the lower
    minimum by pyhf's own NLL, and CLs at each limit is then the level within 1e-6. Both equal neos_swift's API."""
    from neos_swift import Workspace
    from neos_swift.infer import mle
    from neos_swift.infer.intervals import upper_limits

    workspace = Workspace(json.loads(COUPLED.read_text()))
    model = workspace.model()
    data = workspace.data(model)

    def limits(*arguments):
        result = json.loads(neos_ok("upper-limit", COUPLED, *arguments))
        assert set(result) == {"obs_limit", "exp_limits"}
        return [result["obs_limit"], *result["exp_limits"]]

    scanned = limits("--poi-range", "0", "5", "--points", "6")
    api = upper_limits.upper_limit(data, model, scan=np.linspace(0, 5, 6))
    np.testing.assert_allclose(scanned, [float(api[0]), *map(float, api[1])], rtol=1e-12)
    found = limits()
    api = upper_limits.upper_limit(data, model)
    np.testing.assert_allclose(found, [float(api[0]), *map(float, api[1])], rtol=1e-12)

    our_asimov_pars = np.asarray(mle.fixed_poi_fit(0.0, data, model), dtype=float).tolist()
    theirs = run_pyhf(PYHF_LIMITS_SCRIPT, COUPLED, 0, 5, 6, json.dumps(found), json.dumps(our_asimov_pars))
    np.testing.assert_allclose(scanned, theirs["scan"], rtol=CLS_RTOL)
    assert theirs["twice_nll"]["ours"] <= theirs["twice_nll"]["pyhf"]
    # curve k of pyhf's hypotest at our limit k is the level (observed, then the expected set)
    at_our_limits = [theirs["cls"][k][k] for k in range(6)]
    np.testing.assert_allclose(at_our_limits, 0.05, rtol=CLS_RTOL)

    assert_one_line_error(neos("upper-limit", COUPLED, "--poi-range", "5", "0"), 2)
    assert_one_line_error(neos("upper-limit", COUPLED, "--level", "1.5"), 2)
    assert_one_line_error(neos("upper-limit", REFDATA / "tests_data" / "test_workspace__poiless.json"), 1)


def test_upper_limit_draws_the_brazil_band(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "brazil.png"
    printed = neos_ok("upper-limit", COUPLED, "--poi-range", "0", "3", "--points", "7", "--plot", png)
    assert set(json.loads(printed)) == {"obs_limit", "exp_limits"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_json2xml_and_xml2json_run_in_the_python_package(tmp_path):
    out = tmp_path / "xml"
    out.mkdir()
    assert neos("json2xml", COUPLED, "--output-dir", out).returncode == 0
    converted = tmp_path / "converted.json"
    done = neos("xml2json", out / "FitConfig.xml", "--basedir", out, "--hide-progress", "--output-file", converted)
    assert done.returncode == 0, done.stderr
    from_xml, from_json = json.loads(neos_ok("cls", converted)), json.loads(neos_ok("cls", COUPLED))
    np.testing.assert_allclose(from_xml["CLs_obs"], from_json["CLs_obs"], rtol=CLS_RTOL)
    np.testing.assert_allclose(from_xml["CLs_exp"], from_json["CLs_exp"], rtol=CLS_RTOL)
    assert_one_line_error(neos("xml2json", out / "FitConfig.xml", "-v", "no-colon"), 2)
    assert_one_line_error(neos("xml2json"), 2)


SBOTTOM_A = REFDATA / "sbottom_ins1748602" / "RegionA"


def sbottom_patchset(tmp_path, broken=False):
    """A patchset of RegionA's three signal points (names and masses from the file names), optionally with a fourth
    patch that does not apply (a channel the workspace does not have)."""
    patches = []
    for path in sorted(SBOTTOM_A.glob("patch.sbottom_*.json")):
        name = path.stem.removeprefix("patch.")
        values = [float(mass) for mass in name.split("_")[1:]]
        patches.append({"metadata": {"name": name, "values": values}, "patch": json.loads(path.read_text())})
    if broken:
        operation = {"op": "replace", "path": "/channels/99/samples/0/data", "value": [1.0]}
        patches.insert(1, {"metadata": {"name": "broken", "values": [1.0, 2.0, 3.0]}, "patch": [operation]})
    document = {
        "metadata": {
            "references": {"hepdata": "ins1748602"},
            "description": "three sbottom points of RegionA",
            "digests": {"sha256": neos_ok("digest", SBOTTOM_A / "BkgOnly.json").strip().split(":")[1]},
            "labels": ["m_sbottom", "m_chi2", "m_chi1"],
        },
        "patches": patches,
        "version": "1.0.0",
    }
    path = tmp_path / ("broken.json" if broken else "patchset.json")
    path.write_text(json.dumps(document))
    return path, patches


def test_a_grid_over_a_patchset_equals_each_point_alone_on_any_number_of_threads(tmp_path):
    """``neos cls BKG --patchset PS``: each point's CLs bit for bit those of ``neos cls BKG -p PATCH`` (the same
    computation), in the patchset's order, whatever --jobs; CSV names the values by the patchset's labels."""
    patchset, patches = sbottom_patchset(tmp_path)
    background = SBOTTOM_A / "BkgOnly.json"
    serial = json.loads(neos_ok("cls", background, "--patchset", patchset, "--jobs", "1"))
    threaded = json.loads(neos_ok("cls", background, "--patchset", patchset, "--jobs", "2"))
    assert serial == threaded
    assert [point["name"] for point in serial] == [patch["metadata"]["name"] for patch in patches]
    for point, patch in zip(serial, patches):
        single = tmp_path / f"{point['name']}.json"
        single.write_text(json.dumps(patch["patch"]))
        alone = json.loads(neos_ok("cls", background, "-p", single))
        assert point == {"name": patch["metadata"]["name"], "values": patch["metadata"]["values"], **alone}
    table = neos_ok("cls", background, "--patchset", patchset, "--format", "csv", "--patch-name", serial[2]["name"])
    header, row = table.splitlines()
    assert header.split(",") == ["name", "m_sbottom", "m_chi2", "m_chi1", "CLs_obs"] + [
        f"CLs_exp_{k}" for k in ("-2", "-1", "0", "1", "2")
    ] + ["error"]
    cells = row.split(",")
    assert cells[0] == serial[2]["name"] and cells[-1] == ""
    assert [float(cell) for cell in cells[1:-1]] == serial[2]["values"] + [serial[2]["CLs_obs"], *serial[2]["CLs_exp"]]


def test_a_broken_point_fails_alone_and_limits_run_as_a_grid(tmp_path):
    patchset, patches = sbottom_patchset(tmp_path, broken=True)
    background = SBOTTOM_A / "BkgOnly.json"
    done = neos("cls", background, "--patchset", patchset)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["neos: 1 of 4 points failed (broken); the table gives each one's error"]
    table = json.loads(done.stdout)
    assert [point["name"] for point in table] == [patch["metadata"]["name"] for patch in patches]
    assert set(table[1]) == {"name", "values", "error"} and "/channels/99" in table[1]["error"]
    assert all(set(point) == {"name", "values", "CLs_obs", "CLs_exp"} for point in table[:1] + table[2:])

    name = table[0]["name"]
    scan = ("--poi-range", "0", "3", "--points", "4")
    grid = json.loads(neos_ok("upper-limit", background, "--patchset", patchset, "--patch-name", name, *scan))
    single = tmp_path / "single.json"
    single.write_text(json.dumps(patches[0]["patch"]))
    alone = json.loads(neos_ok("upper-limit", background, "-p", single, *scan))
    assert grid == [{"name": name, "values": patches[0]["metadata"]["values"], **alone}]

    for arguments in (
        ["cls", background, "--patchset", patchset, "--calctype", "toybased"],
        ["cls", background, "--patchset", patchset, "-p", single],
        ["cls", background, "--jobs", "2"],
        ["cls", background, "--patchset", patchset, "--jobs", "0"],
        ["cls", background, "--patchset", patchset, "--format", "xml"],
        ["upper-limit", background, "--patchset", patchset, "--plot", tmp_path / "x.png"],
    ):
        assert_one_line_error(neos(*arguments), 2)


def test_the_console_script_starts_the_native_command_without_importing_the_package():
    """The `neos` script hands its process to neos-cli before numpy, scipy or neos_swift are imported (they cost
    about a second of start-up per command): Python's import-time log, written before the hand-over, names none."""
    if os.environ.get("NEOS_COMMAND"):
        pytest.skip("NEOS_COMMAND names the native command itself, not the console script")
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    done = subprocess.run([native_command(), "--version"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("neos, version")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert imported, "no import-time log: the console script is not a Python script"
    assert not {"numpy", "scipy", "neos_swift"} & imported, sorted(imported)
