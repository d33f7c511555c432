#!/bin/sh
# run.sh FUZZER SEEDS SECONDS - run one libFuzzer harness for a bounded time.
# New inputs go to a scratch corpus (the repo's seeds are only read); a crash
# leaves its input in $KAIRAN_ARTIFACTS/fuzz/ and fails the test.
set -eu
fuzzer=$1 seeds=$2 seconds=$3
name=$(basename "$fuzzer")
out="${KAIRAN_ARTIFACTS:-/tmp}/fuzz/$name"
rm -rf "$out"
mkdir -p "$out/corpus" "$out/crashes"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/crashes/" \
    "$out/corpus" "$seeds"
