#!/bin/sh
# Runs the benchmark of BENCHMARKS.md with one command: installs what it
# needs when missing (the build's Debian packages, and mosquitto and
# nats-server for the benchmark only, not for the test suite), builds an
# optimised hub and the load tool in build-bench/ (Release, no sanitizers),
# raises the file descriptor limit for 10,000 connections, and runs every
# scenario against kairan (TLS as shipped), kairan with tls = off,
# mosquitto and nats-server, each started on loopback only by
# tests/bench/run.py. Prints one table with the ratios; the results are
# also written to build-bench/bench-results.json and .md.
#   scripts/bench.sh [run.py options: --servers kairan,nats --only burst --scale 0.1 ...]
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh build
missing=""
for p in python3 mosquitto nats-server; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "kairan: installing Debian packages for the benchmark:$missing" >&2
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		$missing >/dev/null
fi

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKAIRAN_SANITIZE=OFF \
	-DBUILD_TESTING=ON >/dev/null
cmake --build build-bench -j"$(nproc)" --target kairan-hub kairan-load kairan-redact-bench \
	>/dev/null

# 10,000 connections need more descriptors than the usual 1,024, in the
# servers and in the load tool (run.py raises it for each process it starts
# as well; as root the hard limit can be raised too).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 tests/bench/run.py --build build-bench --json build-bench/bench-results.json \
	--markdown build-bench/bench-results.md "$@"
