#!/bin/sh
# Installs the Debian packages kairan needs, only when some are missing.
#   scripts/deps.sh build   what building and running the hub needs
#   scripts/deps.sh test    that, plus what the test suite needs
set -eu

want="cmake make gcc pkg-config libc6-dev openssl
libwebsockets-dev libjansson-dev libsqlite3-dev libssl-dev libmaxminddb-dev
tzdata"
if [ "${1:-build}" = test ]; then
	# python3 + jsonschema + websockets: schema validation and the
	# independent websocket client of the wire tests; sqlite3 for
	# integrity checks.
	want="$want python3 python3-jsonschema python3-websockets sqlite3"
	# clang and its runtime (libFuzzer): the fuzz harnesses of tests/fuzz.
	want="$want clang libclang-rt-dev"
	# tests/tools/make_mmdb.pl writes the GeoIP test databases.
	want="$want perl libmaxmind-db-writer-perl"
	# Two independent iCalendar parsers check every calendar feed (test 27).
	want="$want python3-icalendar python3-vobject"
	# The web client's browser test: Debian's Chromium (driven by
	# playwright-core from npm, below) and a Japanese font for its
	# screenshots; Node.js and npm from Debian unless some are installed.
	want="$want chromium fonts-ipafont-gothic"
	command -v node >/dev/null 2>&1 || want="$want nodejs"
	command -v npm >/dev/null 2>&1 || want="$want npm"
fi

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "kairan: installing Debian packages:$missing" >&2
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# tests/web: playwright-core as pinned in package-lock.json, installed again
# only when node_modules is missing or was installed from another lock file.
if [ "${1:-build}" = test ]; then
	web="$(dirname "$0")/../tests/web"
	if ! cmp -s "$web/package-lock.json" "$web/node_modules/.kairan-package-lock.json"; then
		echo "kairan: npm ci in tests/web" >&2
		(cd "$web" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null &&
			cp package-lock.json node_modules/.kairan-package-lock.json)
	fi
fi
