#!/bin/sh
# Runs the whole test suite: installs what it needs, builds with
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs CTest (unit,
# schema and wire tests against real kairan-hub processes on loopback).
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh test
build=build-test
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DKAIRAN_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
