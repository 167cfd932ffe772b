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
# The runtime image installs only these libraries (their own dependencies
# come with them); the binary must need, directly, no other.
missing=$(readelf -d "$out/server/pledged" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
    grep -vE '^(libjansson|libsqlite3|libpq|libmicrohttpd|libsodium|libcurl|libz|libc|libm|ld-linux[-_a-z0-9]*)\.' || true)
if [ -z "$missing" ]; then
    echo "ok 3 - the binary needs only the libraries the runtime image installs"
else
    echo "not ok 3 - unexpected libraries: $missing"; echo "1..3"; exit 1
fi
echo "1..3"
