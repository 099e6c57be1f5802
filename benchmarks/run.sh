#!/usr/bin/env bash
# Run the neos-swift benchmarks against their references (relaxed / jax / pyhf / numpy).
#
#   bash benchmarks/run.sh [--quick] [--skip-build] [WORKLOAD ...]
#
# WORKLOAD is the name of a benchmarks/bench_<WORKLOAD>.py script (e.g. `hist`); without one, every workload
# runs. Steps:
#   1. create benchmarks/.venv (python3 -m venv) with benchmarks/requirements.txt if it is missing or the
#      requirements changed;
#   2. build libneos and neos-cli in release mode: `swift build -c release --scratch-path .build-bench` at the
#      repo root;
#   3. run each script with NEOS_LIBRARY=<that build's release folder> and PYTHONPATH=<repo>/python, with
#      OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for the benchmark command so numpy runs with its own defaults.
# Results: benchmarks/results/<WORKLOAD>.json (<WORKLOAD>-quick.json with --quick).
# The `evermore` workload runs in its own venv, benchmarks/.venv-evermore (evermore 0.4.2 needs Python >= 3.12),
# made on demand from benchmarks/requirements-evermore.txt with the first Python >= 3.12 found (PYTHON_EVERMORE,
# python3.13, python3.12, then pyenv's 3.12/3.13 versions).
# The `inferno` workload's pytorch_inferno column runs in benchmarks/.venv-torch (torch apart from jax), made on
# demand with $PYTHON from benchmarks/requirements-torch.txt and passed as INFERNO_TORCH_PYTHON; if it cannot be
# made, the workload runs without that column.
#
# Environment: PYTHON (default python3) makes the venv; BENCH_VENV overrides the venv folder.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
VENV_DIR="${BENCH_VENV:-$BENCH_DIR/.venv}"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS="$BENCH_DIR/requirements.txt"
SCRATCH="$REPO_DIR/.build-bench"

usage() {
    sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    echo "Workloads:" $(available_workloads)
}

available_workloads() {
    local script
    for script in "$BENCH_DIR"/bench_*.py; do
        [[ -e "$script" ]] || continue
        script="$(basename "$script" .py)"
        echo -n "${script#bench_} "
    done
}

script_args=()
workloads=()
skip_build=0
while (($#)); do
    case "$1" in
        --quick) script_args+=(--quick) ;;
        --skip-build) skip_build=1 ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) workloads+=("$1") ;;
    esac
    shift
done
if ((${#workloads[@]} == 0)); then
    read -r -a workloads <<<"$(available_workloads)"
fi
for workload in "${workloads[@]}"; do
    if [[ ! -f "$BENCH_DIR/bench_$workload.py" ]]; then
        echo "run.sh: no workload '$workload' (benchmarks/bench_$workload.py). Available: $(available_workloads)" >&2
        exit 2
    fi
done

# ---- 1. the reference venv ----------------------------------------------------------------------------------
stamp="$VENV_DIR/.requirements.sha256"
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [[ ! -x "$VENV_DIR/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "==> Creating benchmark venv $VENV_DIR"
    [[ -x "$VENV_DIR/bin/python" ]] || "$PYTHON" -m venv "$VENV_DIR"
    "$VENV_DIR/bin/python" -m pip install --quiet --upgrade pip
    "$VENV_DIR/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
    echo "$want" >"$stamp"
fi

# The evermore venv (only when that workload runs): prints its python, or fails when no Python >= 3.12 exists.
EVERMORE_VENV="$BENCH_DIR/.venv-evermore"
EVERMORE_REQUIREMENTS="$BENCH_DIR/requirements-evermore.txt"
find_python_312() {
    local candidate
    for candidate in "${PYTHON_EVERMORE:-}" python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[23]*/bin/python; do
        [[ -n "$candidate" ]] || continue
        candidate="$(command -v "$candidate" 2>/dev/null)" || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
evermore_python() {
    local stamp want python312
    stamp="$EVERMORE_VENV/.requirements.sha256"
    want="$(sha256sum "$EVERMORE_REQUIREMENTS" | cut -d' ' -f1)"
    if [[ ! -x "$EVERMORE_VENV/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        if [[ ! -x "$EVERMORE_VENV/bin/python" ]]; then
            if ! python312="$(find_python_312)"; then
                echo "run.sh: the evermore workload needs Python >= 3.12 (set PYTHON_EVERMORE)" >&2
                return 1
            fi
            echo "==> Creating evermore venv $EVERMORE_VENV with $python312" >&2
            "$python312" -m venv "$EVERMORE_VENV" >&2
        fi
        "$EVERMORE_VENV/bin/python" -m pip install --quiet --upgrade pip >&2
        "$EVERMORE_VENV/bin/python" -m pip install --quiet -r "$EVERMORE_REQUIREMENTS" >&2
        echo "$want" >"$stamp"
    fi
    echo "$EVERMORE_VENV/bin/python"
}

# The pytorch_inferno venv (only when the inferno workload runs): prints its python, or fails.
TORCH_VENV="$BENCH_DIR/.venv-torch"
TORCH_REQUIREMENTS="$BENCH_DIR/requirements-torch.txt"
torch_python() {
    local stamp want
    stamp="$TORCH_VENV/.requirements.sha256"
    want="$(sha256sum "$TORCH_REQUIREMENTS" | cut -d' ' -f1)"
    if [[ ! -x "$TORCH_VENV/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        echo "==> Creating pytorch_inferno venv $TORCH_VENV" >&2
        if [[ ! -x "$TORCH_VENV/bin/python" ]]; then "$PYTHON" -m venv "$TORCH_VENV" >&2 || return 1; fi
        "$TORCH_VENV/bin/python" -m pip install --quiet --upgrade pip >&2 || return 1
        "$TORCH_VENV/bin/python" -m pip install --quiet -r "$TORCH_REQUIREMENTS" >&2 || return 1
        echo "$want" >"$stamp"
    fi
    echo "$TORCH_VENV/bin/python"
}

# ---- 2. release build of libneos ----------------------------------------------------------------------------
if ((skip_build == 0)); then
    echo "==> Building libneos and the neos command (release, scratch path .build-bench)"
    (cd "$REPO_DIR" && swift build -c release --scratch-path "$SCRATCH" --product neos)
    (cd "$REPO_DIR" && swift build -c release --scratch-path "$SCRATCH" --product neos-cli)
fi
BIN_DIR="$(cd "$REPO_DIR" && swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
if [[ ! -f "$BIN_DIR/libneos.so" ]]; then
    echo "run.sh: $BIN_DIR/libneos.so is missing (build failed or was skipped)" >&2
    exit 1
fi

# ---- 3. the workloads ---------------------------------------------------------------------------------------
status=0
for workload in "${workloads[@]}"; do
    echo "==> Workload: $workload"
    python="$VENV_DIR/bin/python"
    if [[ "$workload" == evermore ]] && ! python="$(evermore_python)"; then
        echo "run.sh: workload '$workload' failed" >&2
        status=1
        continue
    fi
    extra_env=()
    if [[ "$workload" == inferno ]]; then
        if torch="$(torch_python)"; then
            extra_env=(INFERNO_TORCH_PYTHON="$torch")
        else
            echo "run.sh: could not make $TORCH_VENV; the inferno workload runs without pytorch_inferno" >&2
        fi
    fi
    if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${extra_env[@]}" \
        NEOS_LIBRARY="$BIN_DIR" PYTHONPATH="$REPO_DIR/python${PYTHONPATH:+:$PYTHONPATH}" JAX_ENABLE_X64=1 \
        "$python" "$BENCH_DIR/bench_$workload.py" "${script_args[@]}"; then
        echo "run.sh: workload '$workload' failed" >&2
        status=1
    fi
done
exit "$status"
