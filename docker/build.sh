#!/bin/sh
# Builds a release pledged: the steps the Dockerfile's build stage runs,
# kept in this script so `make test` runs exactly them on the host too (no
# Docker engine is needed for that). Prints TAP.
#   usage: docker/build.sh BUILD_DIR
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$src/build-release"}
if [ ! -f "$out/build.ninja" ]; then
    meson setup "$out" "$src" --buildtype=release -Db_ndebug=true >"$out.setup.log" 2>&1 ||
        { echo "not ok 1 - meson setup (release)"; sed 's/^/# /' "$out.setup.log" | tail -20; echo "1..1"; exit 1; }
fi
if ninja -C "$out" server/pledged >"$out.build.log" 2>&1; then
    echo "ok 1 - release build of server/pledged"
else
    echo "not ok 1 - release build of server/pledged"; sed 's/^/# /' "$out.build.log" | tail -20; echo "1..1"; exit 1
fi
version=$("$out/server/pledged" --version)
case "$version" in
    "pledged "*) echo "ok 2 - the release binary runs: $version" ;;
    *) echo "not ok 2 - the release binary runs"; echo "1..2"; exit 1 ;;
esac
# The runtime image carries only these libraries; the binary must need no other.
missing=$(ldd "$out/server/pledged" | awk '/=>/ {print $1}' | grep -vE '^(libjansson|libsqlite3|libmicrohttpd|libsodium|libc|libm|libgnutls|libp11-kit|libidn2|libunistring|libtasn1|libnettle|libhogweed|libgmp|libffi)\.' || true)
if [ -z "$missing" ]; then
    echo "ok 3 - the binary links only the libraries the runtime image installs"
else
    echo "not ok 3 - unexpected libraries: $missing"; echo "1..3"; exit 1
fi
echo "1..3"
