#!/usr/bin/env python3
"""Benchmark of the record endpoints at 100,000 pledges (not a pass/fail
test): generates the dataset, imports it into a temporary database, starts
pledged on a free loopback port, finds the cursor of the 2,000th page, then
runs wrk (with the answer cache off, so every request does the work)
against a single pledge, a filtered list of 50 sorted by
-amount_usd, the first page and the 2,000th page. Prints requests/s and
latencies; stops the daemon by its PID.

usage: bench_records.py PLEDGED [PLEDGES=100000] [SECONDS=10]"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

binary = sys.argv[1]
pledges = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 10
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="pledged-bench-")
db = os.path.join(work, "bench.db")
data = os.path.join(work, "data.jsonl")
with open(data, "w") as fh:
    subprocess.run([sys.executable, os.path.join(here, "gen_pledges.py"), str(pledges)], stdout=fh, check=True)
t = time.time()
subprocess.run([binary, "import", data, "--db", db], check=True, stdout=subprocess.DEVNULL)
print("import of %d pledges: %.1f s" % (pledges, time.time() - t))
log = open(os.path.join(work, "daemon.log"), "w")
proc = subprocess.Popen([binary, "serve", "--port", "0", "--bind", "127.0.0.1", "--db", db, "--no-access-log",
                         "--no-answer-cache"],
                        stderr=log, stdout=subprocess.DEVNULL)
port = None
for _ in range(200):
    for line in open(log.name):
        if '"listening"' in line:
            port = json.loads(line)["port"]
    if port:
        break
    time.sleep(0.05)
base = "http://127.0.0.1:%d" % port
try:
    url, pages = "/v1/pledges?limit=50", 1
    while pages < 2000:
        with urllib.request.urlopen(base + url) as r:
            link = r.headers.get("Link")
        if not link:
            break
        url = link[1:link.index(">")]
        pages += 1
    targets = [("GET /v1/pledges/{id}", "/v1/pledges/%d" % (pledges // 2)),
               ("filtered list of 50, sort=-amount_usd", "/v1/pledges?kind=investment&country=JP&sort=-amount_usd&limit=50"),
               ("first page of 50", "/v1/pledges?limit=50"),
               ("page %d of 50" % pages, url),
               ("GET /v1/stats/totals?group_by=month", "/v1/stats/totals?group_by=month"),
               ("GET /v1/stats/totals?group_by=company", "/v1/stats/totals?group_by=company")]
    print("%-40s %12s %10s %10s" % ("request", "requests/s", "avg", "p99"))
    for name, path in targets:
        out = subprocess.run(["wrk", "-t2", "-c32", "-d%ds" % seconds, "--latency", base + path],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
        avg = re.search(r"Latency\s+(\S+)", out).group(1)
        p99 = re.search(r"99%\s+(\S+)", out).group(1)
        print("%-40s %12s %10s %10s" % (name, rps, avg, p99))
finally:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
