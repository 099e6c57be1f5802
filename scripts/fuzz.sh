#!/usr/bin/env bash
# Builds and runs a libFuzzer target of libneos for a given time.
# Usage: bash scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#   TARGET   workspace  the workspace / patchset / JSON Patch loaders and the model built from them
#            abi        the C entry points with fuzzed lengths and values on the reference models
#   SECONDS  how long to fuzz (libFuzzer's -max_total_time)
# libneos is built once into .build-fuzz (release, under AddressSanitizer, with libFuzzer's coverage instrumentation
# of its own code); the harness (Tests/fuzz/*.swift) is compiled against it with swiftc. The
# corpus lives in a temporary folder seeded from the repository (Tests/Data and Tests/fuzz/seeds) and is removed
# afterwards; crash, timeout and out-of-memory inputs are kept in .build-fuzz/artifacts/TARGET/ (reproduce one with
# .build-fuzz/fuzz-TARGET FILE; minimal reproducers of bugs found go to Tests/fuzz/crashes/). Exit status: 0 when
# the run ended without a finding, libFuzzer's non-zero status otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${1:?usage: fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: fuzz.sh TARGET SECONDS}"
shift 2
case "$target" in
    workspace) harness=Tests/fuzz/WorkspaceFuzzTarget.swift ;;
    abi) harness=Tests/fuzz/ABIFuzzTarget.swift ;;
    *) echo "fuzz.sh: unknown target $target (workspace or abi)" >&2; exit 2 ;;
esac

# gold warns once per ASan symbol of every link; nothing else is filtered.
quiet_link() { grep -v "Cannot export local symbol" || true; }

scratch="$root/.build-fuzz"
# SwiftPM's --sanitize=fuzzer instruments executables only: libneos itself gets libFuzzer's coverage (edge
# counters, their PC table and comparison tracing) explicitly, or the fuzzer would be guided by the harness alone.
build_library() {
    swift build --scratch-path "$scratch" -c release --product neos --sanitize=address \
        -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp 2>&1 \
        | quiet_link | grep -E "error|warning: unre|Compiling|Build" | tail -3
}
libdir="$scratch/release"
# (nm's output is read whole: grep -q would close the pipe early, and pipefail would count nm's SIGPIPE as "no".)
instrumented() {
    local symbols
    symbols="$(nm -D "$libdir/libneos.so" 2>/dev/null)" || return 1
    grep -q __sanitizer_cov_8bit_counters_init <<< "$symbols"
}
build_library
if ! instrumented; then
    # A scratch folder from a build with other flags can keep uninstrumented objects: start it afresh once.
    echo "fuzz.sh: $libdir/libneos.so has no coverage instrumentation; rebuilding $scratch from scratch" >&2
    rm -rf "$scratch"
    build_library
    instrumented || { echo "fuzz.sh: libneos is still not coverage-instrumented" >&2; exit 1; }
fi
binary="$scratch/fuzz-$target"
swiftc -sanitize=fuzzer,address -parse-as-library -O -I "$root/Tests/fuzz" "$root/Tests/fuzz/FuzzSupport.swift" "$root/$harness" \
    -L"$libdir" -lneos -Xlinker -rpath -Xlinker "$libdir" -o "$binary" 2>&1 | quiet_link

corpus="$(mktemp -d "${TMPDIR:-/tmp}/neos-fuzz-$target.XXXXXX")"
trap 'rm -rf "$corpus"' EXIT
case "$target" in
    workspace)
        # The reference workspaces, patchsets and JSON cases up to 64 KiB (the sbottom likelihoods, up to 1.4 MB,
        # would make every mutation of them take a second), and each small workspace followed by a NUL and each
        # seed patch (a JSON Patch for the model and neos_json_patch_apply).
        find Tests/Data -name '*.json' -size -64k -print0 | while IFS= read -r -d '' file; do
            cp "$file" "$corpus/$(echo "$file" | tr '/' '_')"
        done
        for workspace in Tests/Data/pyhf/workspaces/*.json Tests/Data/pyhf/docs_examples/*.json; do
            for patch in Tests/fuzz/seeds/patch_*.json; do
                { cat "$workspace"; printf '\0'; cat "$patch"; } > "$corpus/$(basename "$workspace" .json)+$(basename "$patch")"
            done
        done
        max_len=65536
        ;;
    abi)
        # One seed per entry point and reference model (the first two bytes pick them), the rest of the bytes
        # choosing right lengths and unperturbed values; libFuzzer mutates from there.
        for function in $(seq 0 21); do
            for model in 0 1 2 3 4 5; do
                printf "\\x$(printf %02x "$function")\\x$(printf %02x "$model")\\x05\\x05\\x05\\x05\\x05\\x05\\x05\\x05" \
                    > "$corpus/seed_${function}_$model"
            done
        done
        max_len=512
        ;;
esac

artifacts="$scratch/artifacts/$target"
mkdir -p "$artifacts"
echo "fuzz.sh: $target for ${seconds}s, corpus $(ls "$corpus" | wc -l) seeds, findings in $artifacts/"
set +e
# The Swift runtime's own crash backtracer would race ASan's report; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
"$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" "$corpus" 2>&1 | grep -vE "^#[0-9]+.*(NEW|REDUCE) |# Uses: |dictionary. ######" | tail -40
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: $target found a problem (status $status); input kept in $artifacts/" >&2
fi
exit "$status"
