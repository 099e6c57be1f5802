#!/usr/bin/env bash
# Runs relaxed 0.4.0's own tests against neos_swift.relaxed and prints per-file counts.
#
#   scripts/relaxed_test_suite.sh RELAXED_SDIST [--python PY] [--out DIR] [--reference] [-- PYTEST_ARGS]
#
# RELAXED_SDIST  relaxed 0.4.0's unpacked sdist (the folder holding tests/ and pyproject.toml), e.g. from
#                `pip download --no-binary :all: --no-deps relaxed==0.4.0` then `tar xzf relaxed-0.4.0.tar.gz`.
# --python PY    a Python with relaxed's test dependencies, at the releases relaxed 0.4.0 passes its own tests with
#                (pyproject's warnings-as-errors rule out later ones): jax==0.4.19 jaxlib==0.4.19 equinox==0.11.0
#                jaxopt==0.8 "numpy<2" "scipy<1.12" "pyhf[jax]==0.7.6" iminuit pytest pytest-cov. Default: $PYTHON
#                or python3. PYTHONPATH is kept (after the plugin), so PYTHONPATH=python NEOS_LIBRARY=.build/debug
#                tests a source tree.
# --out DIR      where the plugin copy, junit XML and log go. Default: a new folder from mktemp -d.
# --reference    run the tests with relaxed itself (installed in PY, e.g. `pip install --no-deps RELAXED_SDIST`),
#                without the plugin: the baseline.
#
# The plugin is scripts/relaxed_suite_conftest.py: `relaxed` is neos_swift.relaxed, and the tests' dummy model
# (tests/dummy_pyhf.py) is the same model built in neos_swift; nothing else is changed. Nothing is copied into
# this repository and nothing is written into the sdist (no bytecode, no pytest cache).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
checkout="$(cd "$1" && pwd)"
shift
python="${PYTHON:-python3}"
out=""
reference=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --python) python="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --reference) reference=1; shift ;;
        --) shift; extra=("$@"); break ;;
        *) usage ;;
    esac
done

[ -d "$checkout/tests" ] || { echo "relaxed_test_suite: $checkout/tests not found" >&2; exit 2; }
if [ -z "$out" ]; then
    out="$(mktemp -d -t relaxed-suite.XXXXXX)"
fi
mkdir -p "$out/plugin"
out="$(cd "$out" && pwd)"

args=(tests -p no:cacheprovider -q -rN --tb=short --junitxml="$out/junit.xml")
if [ "$reference" = 1 ]; then
    echo "relaxed_test_suite: running relaxed's tests with relaxed itself from $checkout; output in $out"
    plugin_path=""
else
    cp "$here/relaxed_suite_conftest.py" "$out/plugin/neos_relaxed_alias.py"
    args+=(-p neos_relaxed_alias)
    plugin_path="$out/plugin"
    echo "relaxed_test_suite: running relaxed's tests against neos_swift.relaxed from $checkout; output in $out"
fi
args+=("${extra[@]}")

set +e
(cd "$checkout" && PYTHONPATH="${plugin_path}${PYTHONPATH:+${plugin_path:+:}$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    "$python" -m pytest "${args[@]}") >"$out/pytest.log" 2>&1
status=$?
set -e
echo "relaxed_test_suite: pytest exit status $status (log: $out/pytest.log)"

"$python" - "$out/junit.xml" <<'PY'
import collections
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("no junit XML: pytest stopped before running any test (see the log)")
    print("0 passed, 0 failed")
    sys.exit(0)
counts = collections.defaultdict(collections.Counter)
for case in root.iter("testcase"):
    module = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
    tags = {child.tag for child in case}
    outcome = next((tag for tag in ("failure", "error", "skipped") if tag in tags), "passed")
    counts[module][outcome] += 1
print(f"{'file':24} {'passed':>7} {'failed':>7} {'error':>7} {'skipped':>7}")
total = collections.Counter()
for module in sorted(counts):
    row = counts[module]
    total.update(row)
    print(f"{module:24} {row['passed']:7} {row['failure']:7} {row['error']:7} {row['skipped']:7}")
print(f"{'total':24} {total['passed']:7} {total['failure']:7} {total['error']:7} {total['skipped']:7}")
PY
