#!/usr/bin/env bash
# Compiles Tests/c/test_neos.c against include/neos.h and libneos (as C, and the header once more as C++),
# then runs it. Usage: bash Tests/c/run.sh [folder holding libneos.so]   (default: .build/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
libdir="$(cd "${1:-$root/.build/debug}" && pwd)"
out="$root/Tests/c/build"
mkdir -p "$out"
cc -std=c11 -Wall -Wextra -Werror -I"$root/include" "$root/Tests/c/test_neos.c" -L"$libdir" -lneos \
    -Wl,-rpath,"$libdir" -lm -o "$out/test_neos"
# The header must also compile as C++ (extern "C" guards).
printf '#include "neos.h"\nint main() { return neos_abi_version() == NEOS_ABI_VERSION ? 0 : 1; }\n' > "$out/header.cpp"
c++ -std=c++17 -Wall -Wextra -Werror -I"$root/include" "$out/header.cpp" -L"$libdir" -lneos \
    -Wl,-rpath,"$libdir" -o "$out/header_cpp"
"$out/header_cpp"
"$out/test_neos"
