#!/usr/bin/env bash
# libneos under the sanitizers and valgrind. Usage: bash scripts/sanitize.sh [asan|tsan|valgrind|all] (default all)
#   asan      AddressSanitizer (with LeakSanitizer) over the Swift code, UndefinedBehaviorSanitizer over the C
#             code: `swift build --sanitize=address -Xcc -fsanitize=undefined` into .build-asan (Swift 6.3.1 has no
#             -sanitize=undefined on Linux; Swift traps on overflow and out-of-bounds indices by itself), then
#             XCTest, and the C programs Tests/c/test_neos.c, test_cycles.c and test_threads.c compiled with
#             clang -fsanitize=address,undefined (any UB report fatal) against that library.
#   tsan      ThreadSanitizer: `swift build --sanitize=thread --product neos` into .build-tsan and
#             Tests/c/test_threads.c (8 threads, separate and shared handles, results bit-identical to serial).
#   valgrind  memcheck of Tests/c/test_cycles.c against the plain debug library (.build): VALGRIND_CYCLES cycles
#             (default 1000) with 0 bytes definitely or indirectly lost, and CYCLES (default 10000) without
#             valgrind with the resident set flat (at most RSS_GROWTH_KIB, default 2048 KiB, above its size after
#             the first tenth of the cycles).
# The toolchain's compiler-rt runtimes (clang 21 in /opt/swift) do the sanitizing; nothing else is needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../" && pwd)"
cd "$root"
what="${1:-all}"
out="$root/Tests/c/build"
mkdir -p "$out"
swift_lib="$(dirname "$(dirname "$(command -v swift)")")/lib/swift/linux"
cflags=(-std=c99 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror -pedantic
    -I"$root/include")
# The Swift runtime's crash backtracer would race the sanitizers' reports; they print the stacks.
export SWIFT_BACKTRACE=enable=no
# gold warns once per sanitizer symbol on every link; nothing else is filtered.
quiet_link() { grep -v "Cannot export local symbol" || true; }

run_asan() {
    echo "-- AddressSanitizer + UndefinedBehaviorSanitizer: build (.build-asan)"
    local asan=(--scratch-path .build-asan --sanitize=address -Xcc -fsanitize=undefined)
    swift build "${asan[@]}" --build-tests 2>&1 | quiet_link | grep -E "error|Build complete" || true
    local libdir="$root/.build-asan/debug"
    [ -f "$libdir/libneos.so" ] || { echo "sanitize.sh: the ASan build failed" >&2; exit 1; }

    echo "-- XCTest under AddressSanitizer"
    # LeakSanitizer is off for XCTest: XCTest itself leaks its test-case objects (reported from
    # XCTest.awaitUsingExpectation and XCTMainMisc, not from neos code); leaks are checked on the C programs below
    # and by valgrind. ASan's fake stack is off so that the stack-depth tests measure the real stack; the one
    # test that bounds stack use per nesting level to uninstrumented frame sizes is skipped here (it runs in the
    # plain XCTest step): ASan's redzones and allocator add a few KiB that do not grow with the depth.
    local log=.build-asan/xctest.log
    set +e
    ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=0:halt_on_error=1 \
        swift test "${asan[@]}" --skip-build --disable-swift-testing \
        --skip 'JSONDeepNestingTests.testParsingSerialisingAndComparingUseNoStackPerLevel' > "$log" 2>&1
    local status=$?
    set -e
    grep -E "error:|ERROR: AddressSanitizer|runtime error|Executed [0-9]+ tests" "$log" | tail -8
    if [ $status -ne 0 ] || ! grep -q "Executed .* tests, with 0 failures" "$log" ||
        grep -qE "with [1-9][0-9]* failures?|ERROR: AddressSanitizer|runtime error" "$log"; then
        echo "sanitize.sh: XCTest under ASan failed (status $status); see $log" >&2
        exit 1
    fi

    echo "-- C programs under AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer"
    for program in test_neos test_cycles test_threads; do
        clang "${cflags[@]}" -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            "$root/Tests/c/$program.c" -L"$libdir" -lneos -Wl,-rpath,"$libdir" -lpthread -lm \
            -o "$out/${program}_asan" 2>&1 | quiet_link
    done
    export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    (cd "$root" && "$out/test_neos_asan" | tail -1)
    "$out/test_cycles_asan" 100
    "$out/test_threads_asan" 2
    unset ASAN_OPTIONS UBSAN_OPTIONS
}

run_tsan() {
    echo "-- ThreadSanitizer: build (.build-tsan)"
    swift build --scratch-path .build-tsan --sanitize=thread --product neos 2>&1 | quiet_link |
        grep -E "error|Build of product" || true
    local libdir="$root/.build-tsan/debug"
    [ -f "$libdir/libneos.so" ] || { echo "sanitize.sh: the TSan build failed" >&2; exit 1; }
    # The toolchain's static TSan runtime carries libdispatch interceptors: link libdispatch and the blocks
    # runtime of the same toolchain.
    clang "${cflags[@]}" -fsanitize=thread "$root/Tests/c/test_threads.c" -L"$libdir" -lneos \
        -Wl,-rpath,"$libdir" -L"$swift_lib" -ldispatch -lBlocksRuntime -Wl,-rpath,"$swift_lib" -lpthread \
        -o "$out/test_threads_tsan" 2>&1 | quiet_link
    echo "-- test_threads under ThreadSanitizer"
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$out/test_threads_tsan" "${THREAD_ROUNDS:-4}"
}

run_valgrind() {
    echo "-- valgrind memcheck (plain debug library, .build)"
    # valgrind 3.19 does not emulate AVX-512: OpenBLAS's SkylakeX kernels (which libneos picks on AVX-512 CPUs)
    # stop it with SIGILL. Under valgrind the AVX2 kernels run instead; the code paths of libneos are the same.
    if grep -q " avx2" /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"; fi
    swift build --product neos 2>&1 | grep -E "error|Build of product" || true
    local libdir="$root/.build/debug"
    cc "${cflags[@]}" "$root/Tests/c/test_cycles.c" -L"$libdir" -lneos -Wl,-rpath,"$libdir" \
        -o "$out/test_cycles"
    "$out/test_cycles" "${CYCLES:-10000}" "${RSS_GROWTH_KIB:-2048}"
    local log="$out/valgrind.log"
    if ! valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
        "$out/test_cycles" "${VALGRIND_CYCLES:-1000}" > "$log" 2>&1; then
        tail -40 "$log"
        echo "sanitize.sh: valgrind found errors or leaks; see $log" >&2
        exit 1
    fi
    grep -E "test_cycles:|definitely lost:|indirectly lost:|possibly lost:|ERROR SUMMARY" "$log" | sed 's/^==[0-9]*== //'
}

case "$what" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    valgrind) run_valgrind ;;
    all) run_asan; run_tsan; run_valgrind ;;
    *) echo "usage: sanitize.sh [asan|tsan|valgrind|all]" >&2; exit 2 ;;
esac
