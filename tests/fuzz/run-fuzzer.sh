#!/bin/sh
# Runs a libFuzzer binary for a bounded time on a copy of its committed seed
# corpus (the repository is never written to) and prints TAP.
# usage: run-fuzzer.sh FUZZER SEED_CORPUS_DIR SECONDS NAME
set -u
fuzzer=$1 seeds=$2 seconds=$3 name=$4
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp -r "$seeds"/. "$work/" 2>/dev/null
if "$fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$')
    echo "ok 1 - fuzz $name for ${seconds}s: ${runs:-?} inputs, no crash"
    rc=0
else
    echo "not ok 1 - fuzz $name for ${seconds}s"
    grep -E 'ERROR|SUMMARY|Test unit written|#[0-9]+ 0x' "$work.log" | head -20 | cut -c1-200 | sed 's/^/# /'
    echo "# reproduce: $fuzzer <the crash file above> (kept in $seeds/../crashes/)"
    mkdir -p "$seeds/../crashes" && cp "$work"/crash-* "$seeds/../crashes/" 2>/dev/null
    rc=1
fi
rm -f "$work.log"
echo "1..1"
exit $rc
