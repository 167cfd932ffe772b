#!/bin/sh
# Lints the OpenAPI document with Redocly's CLI (from npm, installed once
# into the build dir's tools/). Prints TAP.
set -u
doc=$1
prefix=$2
cli="$prefix/node_modules/.bin/redocly"
if [ ! -x "$cli" ]; then
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error @redocly/cli@1.34.20 >"$prefix/npm.log" 2>&1 || {
        echo "not ok 1 - install @redocly/cli from npm"; sed 's/^/# /' "$prefix/npm.log" | tail -20; echo "1..1"; exit 1; }
fi
out=$("$cli" lint --config "$(dirname "$0")/redocly.yaml" --format=stylish "$doc" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
    echo "ok 1 - redocly lint accepts server/api/openapi.json"
else
    echo "not ok 1 - redocly lint accepts server/api/openapi.json"
    echo "$out" | sed 's/^/# /' | tail -40
fi
echo "1..1"
exit $rc
