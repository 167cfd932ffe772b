#!/usr/bin/env python3
"""Reads meson's test logs of the given build dirs and prints one line,
"N passed, M failed", counting every TAP check (a test program that died
without a TAP plan counts as one failure). Exits 1 when anything failed.

usage: summary.py BUILD_DIR...
"""
import json
import os
import re
import sys

passed = failed = 0
problems = []
for build in sys.argv[1:]:
    path = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        failed += 1
        problems.append("%s: no test log (did the build fail?)" % build)
        continue
    with open(path) as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                t = json.loads(line)
            except ValueError:
                failed += 1
                problems.append("%s: an unreadable line in the test log" % build)
                continue
            out = t.get("stdout") or ""
            ok = len(re.findall(r"^ok \d+", out, re.M))
            bad = len(re.findall(r"^not ok \d+", out, re.M))
            plan = re.search(r"^1\.\.(\d+)", out, re.M)
            passed += ok
            failed += bad
            if t.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and bad == 0:
                failed += 1  # crashed, timed out, or failed without saying which check
                problems.append("%s: %s %s" % (build, t.get("name"), t.get("result")))
            elif plan and int(plan.group(1)) != ok + bad:
                failed += 1
                problems.append("%s: %s planned %s checks, ran %d" % (build, t.get("name"), plan.group(1), ok + bad))
for p in problems:
    print("# " + p)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
