#!/usr/bin/env bash
# The wheel in dist/ (built by scripts/setup.sh with `pip wheel ./python`), tested as a user without Swift gets it:
# its tag, contents and native dependencies are checked, then it is installed into a fresh venv (its dependencies
# from PyPI) and run with no swift/swiftc on PATH, from a folder outside the repository: show_config, the demo for
# one step (python -m neos_swift.demo and the native `neos train`), and `cls` on a workspace through pyhf's command
# line (python -m neos_swift.cli) and the native `neos cls`, whose JSONs must agree.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"

# The native `neos cls` (Sources/NeosCLI/InferenceCommands.swift) is checked against the Python command line's.
check_native_cls=1

fail() {
    echo "wheel_test: $*" >&2
    exit 1
}

shopt -s nullglob
wheels=("$root"/dist/neos_swift-*.whl)
shopt -u nullglob
[ ${#wheels[@]} -eq 1 ] || fail "expected exactly one dist/neos_swift-*.whl (run scripts/setup.sh), found ${#wheels[@]}"
wheel="${wheels[0]}"
echo "wheel_test: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

work="$(mktemp -d "${TMPDIR:-/tmp}/neos-wheel-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$work" in "$root"/*) fail "the temporary folder $work is inside the repository" ;; esac

# The wheel itself: a platform wheel (not py3-none-any) whose package holds the tracked sources, the bundled
# library and command and py.typed, and nothing else from the build tree.
mkdir "$work/unpacked"
"$python" - "$wheel" "$work/unpacked" "$root" <<'EOF'
import subprocess
import sys
import zipfile
from pathlib import Path

wheel, unpacked, root = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
name, version, python_tag, abi_tag, platform_tag = wheel.stem.split("-")
assert platform_tag != "any" and platform_tag.startswith("linux_"), f"not a Linux platform wheel: {wheel.name}"
assert (python_tag, abi_tag) == ("py3", "none"), f"expected py3-none (ctypes, no extension module): {wheel.name}"
with zipfile.ZipFile(wheel) as archive:
    names = set(archive.namelist())
    archive.extractall(unpacked)
package = {n for n in names if n.startswith("neos_swift/")}
tracked = set(
    subprocess.run(
        ["git", "ls-files", "python/neos_swift"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.split()
)
tracked = {n.removeprefix("python/") for n in tracked}
bundled = {"neos_swift/libneos.so", "neos_swift/neos-cli"}
assert bundled <= package, f"missing from the wheel: {sorted(bundled - package)}"
assert "neos_swift/py.typed" in package, "py.typed is missing from the wheel"
foreign = package - tracked - bundled
assert not foreign, f"files in the wheel that are not the repository's: {sorted(foreign)}"
sources = {n for n in tracked if n.endswith(".py")}
assert sources <= package, f"tracked modules missing from the wheel: {sorted(sources - package)}"
assert f"{name}-{version}.dist-info/licenses/LICENSE" in names, "the wheel carries no LICENSE"
print(f"wheel_test: {len(package)} package files, tag {python_tag}-{abi_tag}-{platform_tag}")
EOF
# The static Swift runtime: the bundled binaries need the C/C++ system libraries only, nothing of a toolchain.
for binary in libneos.so neos-cli; do
    dynamic="$(readelf -d "$work/unpacked/neos_swift/$binary")"
    needed="$(grep NEEDED <<<"$dynamic" | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ')"
    echo "wheel_test: $binary needs $needed"
    if grep -E "NEEDED" <<<"$dynamic" | grep -qiE "swift|foundation|dispatch|BlocksRuntime"; then
        fail "$binary depends on a Swift runtime library: $needed"
    fi
    if grep -E "RPATH|RUNPATH" <<<"$dynamic" | grep -q "/"; then
        fail "$binary has a run path into the build machine: $(grep -E 'RPATH|RUNPATH' <<<"$dynamic")"
    fi
done

# A PATH without Swift: every entry naming swift (/opt/swift/usr/bin among them) goes.
clean_path=""
IFS=: read -r -a entries <<<"$PATH"
for entry in "${entries[@]}"; do
    case "$entry" in *[Ss]wift* | "") continue ;; esac
    clean_path="${clean_path:+$clean_path:}$entry"
done
"$python" -m venv "$work/venv"
venv="$work/venv"
without_swift() {
    # Nothing that points at the repository or the build: no PYTHONPATH, NEOS_LIBRARY, library path or BLAS choice.
    env -u PYTHONPATH -u NEOS_LIBRARY -u NEOS_BLAS_LIBRARY -u NEOS_PYTHON -u LD_LIBRARY_PATH -u VIRTUAL_ENV \
        PATH="$venv/bin:$clean_path" "$@"
}
without_swift sh -c '! command -v swift && ! command -v swiftc' >/dev/null || fail "swift is still on PATH"

started=$SECONDS
without_swift "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
without_swift "$venv/bin/python" -m pip install -q "$wheel"
echo "wheel_test: installed with its dependencies in $((SECONDS - started)) s"

mkdir "$work/run"
cd "$work/run"
cp "$root/Tests/Data/pyhf/workspaces/validation_2bin_2channel.json" workspace.json

echo "wheel_test: show_config"
without_swift "$venv/bin/python" - "$venv" <<'EOF'
import importlib.metadata
import sys
from pathlib import Path

import neos_swift

venv = Path(sys.argv[1]).resolve()
neos_swift.show_config()
package = Path(neos_swift.__file__).resolve().parent
assert venv in package.parents, f"imported {package}, not the venv's package"
assert importlib.metadata.version("neos-swift") == neos_swift.__version__, "the wheel's version is not the library's"
assert Path(neos_swift.show_config("dicts")["neos_swift"]["library"]).resolve().parent == package
assert (package / "py.typed").is_file()
# The process has no library of a Swift toolchain mapped (the package's own folder is named neos_swift).
maps = Path("/proc/self/maps").read_text()
loaded = {line.split()[-1] for line in maps.splitlines() if line.split()[-1].startswith("/")}
toolchain = [p for p in loaded if any(k in Path(p).name for k in ("libswift", "libFoundation", "libdispatch"))]
assert not toolchain, f"Swift runtime libraries loaded: {toolchain}"
assert not [p for p in loaded if p.startswith("/opt/swift")], "a library from /opt/swift is loaded"
EOF

echo "wheel_test: python -m neos_swift.demo --steps 1"
without_swift "$venv/bin/python" -m neos_swift.demo --steps 1 --no-plots --quiet --out demo
echo "wheel_test: neos train --steps 1"
without_swift "$venv/bin/neos" train --steps 1 --no-plots --quiet --out native-demo
without_swift "$venv/bin/neos" version
without_swift "$venv/bin/python" - demo native-demo <<'EOF'
import json
import math
import sys
from pathlib import Path

for out in map(Path, sys.argv[1:]):
    metrics = json.loads((out / "metrics.json").read_text())
    assert [record["step"] for record in metrics["steps"]] == [0], f"{out}: not one step"
    record = metrics["steps"][0]
    assert math.isfinite(record["loss"]), f"{out}: loss {record['loss']}"
    assert all(math.isfinite(value) for value in record["test"].values()), f"{out}: test metrics {record['test']}"
    for name in ("parameters.neos", "plot_data.json"):
        assert (out / name).stat().st_size > 0, f"{out}/{name} is empty"
    json.loads((out / "plot_data.json").read_text())
    print(f"wheel_test: {out}: step 0 loss {record['loss']:.6g}, test {record['test']}")
EOF

echo "wheel_test: cls through pyhf's command line"
without_swift "$venv/bin/python" -m neos_swift.cli cls workspace.json >cls-python.json
results=(cls-python.json)
if [ "$check_native_cls" = 1 ]; then
    echo "wheel_test: native neos cls"
    without_swift "$venv/bin/neos" cls workspace.json >cls-native.json
    results+=(cls-native.json)
else
    echo "wheel_test: NOT CHECKED: the native 'neos cls' (check_native_cls=0 in scripts/wheel_test.sh)"
fi
without_swift "$venv/bin/python" - "${results[@]}" <<'EOF'
import json
import math
import sys

results = [json.load(open(name)) for name in sys.argv[1:]]
for name, result in zip(sys.argv[1:], results):
    assert isinstance(result["CLs_obs"], float) and 0 < result["CLs_obs"] <= 1, f"{name}: CLs_obs {result}"
    assert len(result["CLs_exp"]) == 5 and all(0 < v <= 1 for v in result["CLs_exp"]), f"{name}: CLs_exp {result}"
    print(f"wheel_test: {name}: {result}")


def agree(a, b):
    # Both commands run the same libneos hypotest; only their callers differ, so 1e-12 relative bounds what
    # formatting and orchestration may change.
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(agree(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(agree(a[k], b[k]) for k in a)
    return a == b


for name, result in zip(sys.argv[2:], results[1:]):
    assert agree(results[0], result), f"{name} differs from {sys.argv[1]}: {result} != {results[0]}"
EOF
echo "wheel_test: passed in $((SECONDS - started)) s"
