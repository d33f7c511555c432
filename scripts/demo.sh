#!/bin/sh
# Runs kairan-hub on its embedded default: demo circles, organisations and
# users (Japanese sample data), SQLite in ./demo-data, a self-signed TLS
# certificate made on first run. Installs what it needs, builds, starts.
#   scripts/demo.sh [--port P]
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec build/hub/kairan-hub --demo --data "${KAIRAN_DEMO_DATA:-demo-data}" "$@"
