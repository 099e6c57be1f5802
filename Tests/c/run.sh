#!/usr/bin/env bash
# Compiles include/neos.h on its own as C99, C11 and C++ (11 and 17) with every warning an error and -pedantic,
# then Tests/c/test_neos.c against it and libneos (C99 and C++, so the whole ABI is exercised from both), then
# Tests/c/test_hostile.c (hostile arguments, each case in a fork()ed child) the same two ways, and runs the programs. Usage: bash Tests/c/run.sh [folder holding libneos.so]   (default: .build/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
libdir="$(cd "${1:-$root/.build/debug}" && pwd)"
out="$root/Tests/c/build"
mkdir -p "$out"
warnings=(-Wall -Wextra -Werror -pedantic)

# The header alone: a translation unit that includes it and checks the version macros agree with each other.
cat > "$out/header_only.c" <<'C'
#include "neos.h"
typedef char version_number_matches_parts[NEOS_VERSION_NUMBER ==
                                                  NEOS_VERSION_MAJOR * 1000000 + NEOS_VERSION_MINOR * 1000 +
                                                      NEOS_VERSION_PATCH
                                              ? 1
                                              : -1];
int neos_header_only(void);
int neos_header_only(void) { return (int)sizeof(version_number_matches_parts); }
C
for std in c99 c11; do
    cc -std=$std "${warnings[@]}" -I"$root/include" -c "$out/header_only.c" -o "$out/header_only_$std.o"
done
cp "$out/header_only.c" "$out/header_only.cpp"
for std in c++11 c++17; do
    c++ -std=$std "${warnings[@]}" -I"$root/include" -c "$out/header_only.cpp" -o "$out/header_only_$std.o"
done

# The test program, as C99 and as C++ (the header's extern "C" and types must work from both).
cc -std=c99 -D_POSIX_C_SOURCE=200809L "${warnings[@]}" -I"$root/include" "$root/Tests/c/test_neos.c" -L"$libdir" \
    -lneos -Wl,-rpath,"$libdir" -lm -o "$out/test_neos"
c++ -std=c++17 -x c++ "${warnings[@]}" -Wno-missing-field-initializers -I"$root/include" \
    "$root/Tests/c/test_neos.c" -L"$libdir" -lneos -Wl,-rpath,"$libdir" -lm -o "$out/test_neos_cpp"
"$out/test_neos"
"$out/test_neos_cpp"

# The hostile-argument cases, as C99 and as C++ (each case forks, so a crash fails that case and the rest still run).
cc -std=c99 -D_POSIX_C_SOURCE=200809L "${warnings[@]}" -I"$root/include" "$root/Tests/c/test_hostile.c" \
    -L"$libdir" -lneos -Wl,-rpath,"$libdir" -lm -o "$out/test_hostile"
c++ -std=c++17 -x c++ "${warnings[@]}" -Wno-missing-field-initializers -I"$root/include" \
    "$root/Tests/c/test_hostile.c" -L"$libdir" -lneos -Wl,-rpath,"$libdir" -lm -o "$out/test_hostile_cpp"
"$out/test_hostile"
"$out/test_hostile_cpp"

# The bad-handle sweep (61 handle-taking functions × 5 bad handles) and the class 1-3 reproducers, C99 and C++.
cc -std=c99 -D_POSIX_C_SOURCE=200809L "${warnings[@]}" -I"$root/include" "$root/Tests/c/test_hostile_sweep.c" \
    -L"$libdir" -lneos -Wl,-rpath,"$libdir" -lm -o "$out/test_hostile_sweep"
c++ -std=c++17 -x c++ "${warnings[@]}" -Wno-missing-field-initializers -I"$root/include" \
    "$root/Tests/c/test_hostile_sweep.c" -L"$libdir" -lneos -Wl,-rpath,"$libdir" -lm -o "$out/test_hostile_sweep_cpp"
"$out/test_hostile_sweep"
"$out/test_hostile_sweep_cpp"
