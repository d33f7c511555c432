#!/bin/sh
# Runs the whole test suite: installs what it needs, builds with
# AddressSanitizer and UndefinedBehaviorSanitizer, builds the libFuzzer
# harnesses with clang, and runs CTest: unit, schema and structure tests,
# wire tests against real kairan-hub processes on loopback, the web client
# in headless Chromium, a smoke-sized benchmark run, and each fuzzer for a
# bounded time.
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh test
# The optimised build scripts/demo.sh makes: gcc warns about some things
# (-Wmaybe-uninitialized) only when optimising, and -Werror makes that fatal.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# The libFuzzer harnesses need their own clang build; CTest runs each for a
# bounded time (KAIRAN_FUZZ_SECONDS, 30 by default).
fuzz=build-fuzz
CC=clang cmake -S . -B "$fuzz" -DCMAKE_BUILD_TYPE=Debug -DKAIRAN_FUZZ=ON >/dev/null
cmake --build "$fuzz" -j"$(nproc)" --target fuzzers
build=build-test
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DKAIRAN_SANITIZE=ON \
	-DKAIRAN_FUZZ_DIR="$PWD/$fuzz/tests/fuzz" \
	-DKAIRAN_FUZZ_SECONDS="${KAIRAN_FUZZ_SECONDS:-30}" >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
