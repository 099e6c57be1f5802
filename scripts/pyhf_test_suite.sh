#!/usr/bin/env bash
# Runs pyhf v0.7.6's own test suite against neos_swift, with only the import changed, and prints per-module counts.
#
#   scripts/pyhf_test_suite.sh PYHF_CHECKOUT [--python PY] [--out DIR] [--baseline FILE] [--noconftest] [-- PYTEST_ARGS]
#
# PYHF_CHECKOUT  a pyhf v0.7.6 source tree (git checkout or unpacked sdist) holding tests/conftest.py.
# --python PY    a Python whose site-packages has neos_swift and pyhf's test dependencies (pytest, pytest-mock,
#                scikit-hep-testdata, uproot, matplotlib, jax, iminuit, ...) but NOT pyhf itself. Default: $PYTHON or
#                python3. pytest-timeout and pytest-socket are used when present. PYTHONPATH is kept (after the
#                plugin), so PYTHONPATH=python NEOS_LIBRARY=.build/debug tests a source tree.
# --out DIR      where the plugin copy, junit XML, log and lists go. Default: a new folder from mktemp -d.
# --baseline F   a file of test node IDs (one a line) that pass with pyhf itself: prints how many of them pass here.
# --noconftest   diagnostic: skip pyhf's tests/conftest.py. Its import needs pyhf.events, pyhf.set_backend,
#                pyhf.tensor.*_backend and pyhf.optimize.minuit_optimizer; without them no test is collected at all.
#                With this flag the tests are collected, and those using its fixtures error with "fixture not found".
#
# The alias plugin is scripts/pyhf_suite_conftest.py (sys.modules["pyhf"] = neos_swift, nothing else). Nothing is
# copied into this repository and nothing is written into the checkout (no bytecode, no pytest cache).
#
# pyhf's command-line tests run an executable named `pyhf` (pytest-console-scripts' script_runner). neos_swift
# installs no such console script (it would shadow a real pyhf installed beside it), so this script writes a
# launcher OUT/bin/pyhf and puts OUT/bin first on PATH for the run: a Python file, executable, with PY in its #!
# line, that aliases the package (sys.modules["pyhf"] = neos_swift) and runs neos_swift.cli's main(), the same
# command line as `python -m neos_swift.cli`. script_runner finds it both ways: in its default inprocess mode it
# looks the name up among installed entry points, finds none, takes the file from PATH (shutil.which) and executes
# its source in the test process; in subprocess mode (pass --script-launch-mode=subprocess after --) it runs the
# file as a program.
# torch and tensorflow parametrisations are deselected (-k), as are tests/test_notebooks.py and tests/benchmarks/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
checkout="$(cd "$1" && pwd)"
shift
python="${PYTHON:-python3}"
out=""
baseline=""
noconftest=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --python) python="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --baseline) baseline="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
        --noconftest) noconftest=1; shift ;;
        --) shift; extra=("$@"); break ;;
        *) usage ;;
    esac
done

[ -f "$checkout/tests/conftest.py" ] || { echo "pyhf_test_suite: $checkout/tests/conftest.py not found" >&2; exit 2; }
if [ -z "$out" ]; then
    out="$(mktemp -d -t pyhf-suite.XXXXXX)"
fi
mkdir -p "$out/plugin"
out="$(cd "$out" && pwd)"

# The plugin module name is what -p takes; the copy lives only in the output folder.
cp "$here/pyhf_suite_conftest.py" "$out/plugin/neos_pyhf_alias.py"

# The `pyhf` launcher for the command-line tests (see the header); its #! names the Python that runs the tests.
mkdir -p "$out/bin"
python_path="$(command -v "$python")"
cat >"$out/bin/pyhf" <<LAUNCHER
#!$python_path
# Written by neos-swift's scripts/pyhf_test_suite.sh for one run of pyhf's tests: pyhf's command line, on neos_swift.
import sys

import neos_swift

sys.modules["pyhf"] = neos_swift

from neos_swift.cli.cli import main

main()
LAUNCHER
chmod +x "$out/bin/pyhf"

# What this Python offers, before any aliasing.
probe="$("$python" - <<'EOF'
import importlib.util

import neos_swift

print("neos_swift", getattr(neos_swift, "__version__", "?"), neos_swift.__file__)
print("pyhf_importable", importlib.util.find_spec("pyhf") is not None)
print("timeout", importlib.util.find_spec("pytest_timeout") is not None)
print("socket", importlib.util.find_spec("pytest_socket") is not None)
EOF
)"
echo "$probe" | sed -n 1p
if echo "$probe" | grep -q "pyhf_importable True"; then
    echo "pyhf_test_suite: warning: real pyhf is importable from $python; submodule imports still go through" \
        "neos_swift's folder, but a Python without pyhf is the clean measurement" >&2
fi

# Test paths given after `--` (tests/test_x.py, tests/test_x.py::name) replace the default of the whole tests/.
paths=(tests)
for arg in "${extra[@]}"; do
    case "$arg" in tests/*) paths=() ;; esac
done
args=("${paths[@]}" -p neos_pyhf_alias -p no:cacheprovider -o addopts= -q -rN --tb=native
    --continue-on-collection-errors
    --ignore=tests/test_notebooks.py --ignore=tests/benchmarks
    -k "not pytorch and not tensorflow"
    --junitxml="$out/junit.xml")
echo "$probe" | grep -q "timeout True" && args+=(--timeout=120)
echo "$probe" | grep -q "socket True" && args+=(--disable-socket --allow-unix-socket)
[ "$noconftest" = 1 ] && args+=(--noconftest)
args+=("${extra[@]}")

echo "pyhf_test_suite: running pyhf's tests from $checkout; output in $out"
set +e
(cd "$checkout" && PATH="$out/bin:$PATH" PYTHONPATH="$out/plugin${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 "$python" -m pytest "${args[@]}") \
    >"$out/pytest.log" 2>&1
status=$?
set -e
echo "pyhf_test_suite: pytest exit status $status (log: $out/pytest.log)"

"$python" - "$checkout" "$out" "$baseline" <<'EOF'
import collections
import os
import re
import sys
import xml.etree.ElementTree as ET

checkout, out, baseline = sys.argv[1], sys.argv[2], sys.argv[3]
junit = os.path.join(out, "junit.xml")
if not os.path.exists(junit):
    log = open(os.path.join(out, "pytest.log"), encoding="utf-8", errors="replace").read().splitlines()
    print("no junit XML: pytest stopped before running any test. Last lines of the log:")
    print("\n".join(log[-15:]))
    if baseline:
        wanted = sum(1 for line in open(baseline, encoding="utf-8") if line.strip())
        print(f"baseline: 0 of {wanted} tests that pass with pyhf pass with neos_swift (none collected)")
    print("0 passed, 0 failed")
    sys.exit(0)


def node_id(classname, name):
    """Turn junit's dotted classname back into a pytest node ID, using the files that exist in the checkout."""
    parts = classname.split(".")
    for cut in range(1, len(parts) + 1):
        path = "/".join(parts[:cut]) + ".py"
        if os.path.isfile(os.path.join(checkout, path)):
            return "::".join([path, *parts[cut:], name] if name else [path, *parts[cut:]]), path
    return f"{classname}::{name}", classname


def surface(message):
    """Name the missing piece of pyhf's API that a failure message points at, when it points at one."""
    patterns = [
        (r"module 'neos_swift' has no attribute '(\w+)'", "pyhf.{}"),
        (r"No module named 'pyhf\.([\w.]+)'", "pyhf.{}"),
        (r"module '(?:neos_swift|pyhf)\.([\w.]+)' has no attribute '(\w+)'", "pyhf.{}.{}"),
        (r"cannot import name '(\w+)' from '(?:pyhf|neos_swift)' ", "pyhf.{}"),
        (r"Model\.__init__\(\) got an unexpected keyword argument '(\w+)'", "pyhf.Model(spec, {}=...) constructor"),
        (r"ModelConfig\(self\)[\s\S]*ctypes\.ArgumentError", "pyhf.Model(spec) constructor (neos_swift's takes a handle)"),
        (r"cannot import name '(\w+)' from 'pyhf\.([\w.]+)'", "pyhf.{1}.{0}"),
        (r"cannot import name '(\w+)' from 'neos_swift\.([\w.]+)'", "pyhf.{1}.{0}"),
        (r"'(\w+)' object has no attribute '(\w+)'", "{}.{}"),
        (r"fixture '(\w+)' not found", "conftest fixture {}"),
        (r"No such file or directory: '[^']*/pyhf'", "pyhf CLI (console script)"),
    ]
    for pattern, template in patterns:
        match = re.search(pattern, message)
        if match:
            return template.format(*match.groups())
    first = message.strip().splitlines()[0] if message.strip() else "(no message)"
    return "other: " + first[:100]


counts = collections.defaultdict(collections.Counter)
passed, blocked = [], collections.Counter()
outcome_of, reason_of, module_reason = {}, {}, {}
for case in ET.parse(junit).getroot().iter("testcase"):
    classname, name = case.get("classname", ""), case.get("name", "")
    if not classname:  # a module that failed to collect: junit puts its dotted path in name
        classname, name = name, ""
    nid, module = node_id(classname, name)
    children = {child.tag: child for child in case}
    if "failure" in children:
        outcome, detail = "failed", children["failure"]
    elif "error" in children:
        outcome, detail = "error", children["error"]
    elif "skipped" in children:
        outcome, detail = "skipped", None
    else:
        outcome, detail = "passed", None
    counts[module][outcome] += 1
    outcome_of[nid] = outcome
    if outcome == "passed":
        passed.append(nid)
    if detail is not None:
        text = (detail.get("message") or "") + "\n" + (detail.text or "")
        reason = surface(detail.text or "") if not name else surface(text)
        reason_of[nid] = reason
        blocked[reason] += 1
        if not name:  # the whole module failed to import
            module_reason[module] = reason

with open(os.path.join(out, "passed.txt"), "w", encoding="utf-8") as handle:
    handle.write("".join(f"{nid}\n" for nid in sorted(passed)))

print(f"{'module':48} {'passed':>7} {'failed':>7} {'error':>7} {'skipped':>7}")
total = collections.Counter()
for module in sorted(counts):
    row = counts[module]
    total.update(row)
    print(f"{module:48} {row['passed']:7} {row['failed']:7} {row['error']:7} {row['skipped']:7}")
print(f"{'total':48} {total['passed']:7} {total['failed']:7} {total['error']:7} {total['skipped']:7}")

print("\nfailures and errors by what they point at (first failing line only):")
for name, count in blocked.most_common():
    print(f"{count:6}  {name}")

if baseline:
    wanted = [line.strip() for line in open(baseline, encoding="utf-8") if line.strip()]
    hits = sum(outcome_of.get(nid) == "passed" for nid in wanted)
    absent = sum(nid not in outcome_of for nid in wanted)
    print(f"\nbaseline: {hits} of {len(wanted)} tests that pass with pyhf pass with neos_swift ({absent} not collected)")
    why = collections.Counter()
    for nid in wanted:
        if outcome_of.get(nid) == "passed":
            continue
        if nid in reason_of:
            why[reason_of[nid]] += 1
        elif nid in outcome_of:
            why["skipped here"] += 1
        else:
            module = nid.split("::")[0]
            why[module_reason.get(module, "not collected: pyhf's tests/conftest.py failed to load")] += 1
    print("baseline tests not passing, by what blocks them (a module that fails to import blocks all its tests):")
    for name, count in why.most_common():
        print(f"{count:6}  {name}")
print(f"\nlists: {out}/passed.txt, junit: {junit}")
print(f"{total['passed']} passed, {total['failed'] + total['error']} failed, {total['skipped']} skipped")
EOF
