#!/bin/sh
# Installs the Debian packages kairan needs, only when some are missing.
#   scripts/deps.sh build   what building and running the hub needs
#   scripts/deps.sh test    that, plus what the test suite needs
set -eu

want="cmake make gcc pkg-config libc6-dev openssl
libwebsockets-dev libjansson-dev libsqlite3-dev libssl-dev libmaxminddb-dev"
if [ "${1:-build}" = test ]; then
	# python3 + jsonschema + websockets: schema validation and the
	# independent websocket client of the wire tests; sqlite3 for
	# integrity checks.
	want="$want python3 python3-jsonschema python3-websockets sqlite3"
	# clang and its runtime (libFuzzer): the fuzz harnesses of tests/fuzz.
	want="$want clang libclang-rt-dev"
	# tests/tools/make_mmdb.pl writes the GeoIP test databases.
	want="$want perl libmaxmind-db-writer-perl"
fi

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "kairan: installing Debian packages:$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
