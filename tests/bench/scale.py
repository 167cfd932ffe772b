#!/usr/bin/env python3
"""make bench-scale: pledged at 10,000 and at 1,000,000 pledges, side by side.

For each size: generates the pledges (gen_pledges.py), loads them with
`pledged import` (timed), serves the database with the answer cache off on
a free loopback port, and times each request below as the median of 15
`curl` calls (curl's own time_total, so process start-up is not counted).
Page 2,000 of a keyset walk is reached by walking 1,999 pages of 5 first.
The first totals request for q=robotics is timed on its own: where the word
is in 20,000 pledges or more it reads them and has the daemon keep the
word's sums (--search-totals-at), which the table's q rows then read; the
time the writer took to keep them is read from the daemon's log.
Ends with the serving daemon's peak memory (VmHWM). Not a pass/fail test:
it prints a table for README and the issue notes. The server listens on
127.0.0.1 and is stopped by PID; every loop is bounded.

usage: scale.py BUILD_DIR [SIZES=10000,1000000]"""
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from loopback import free_port, stop, wait_port

build = sys.argv[1]
sizes = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "10000,1000000").split(",")]
pledged = os.path.join(build, "server", "pledged")
here = os.path.dirname(os.path.abspath(__file__))
CALLS = 15
WARM_UP = 8


def curl_ms(url):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", url],
                         capture_output=True, text=True, timeout=120).stdout.split()
    if out[0] != "200":
        raise RuntimeError("%s answered %s" % (url, out[0]))
    return float(out[1]) * 1000


def median_ms(urls):
    # Steady state: each worker thread opens its read connection on first
    # use, and pages are read into its cache; a few calls first go untimed.
    for u in urls[:WARM_UP]:
        curl_ms(u)
    return statistics.median(curl_ms(u) for u in urls[WARM_UP:])


def get_json(url):
    out = subprocess.run(["curl", "-s", url], capture_output=True, text=True, timeout=120).stdout
    return json.loads(out)


GROUPS = ["company", "country", "kind", "status", "currency", "year", "month"]
FILTERS = [("company=co-0001", "a company"), ("kind=investment", "a kind"), ("country=JP", "a country"),
           ("status=announced", "a status"), ("from=2025-01-01", "one year"), ("q=robotics", "a common word"),
           ("kind=investment&country=JP", "two filters")]


def measure(n):
    work = tempfile.mkdtemp(prefix="pledged-scale-")
    db = os.path.join(work, "scale.db")
    data = os.path.join(work, "data.jsonl")
    server = None
    try:
        with open(data, "w") as fh:
            subprocess.run([sys.executable, os.path.join(here, "gen_pledges.py"), str(n)], stdout=fh, check=True)
        t = time.time()
        subprocess.run([pledged, "import", data, "--db", db], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=3600)
        rows = {"pledged import": (time.time() - t) * 1000}
        port = free_port()
        log_path = os.path.join(work, "serve.log")
        log = open(log_path, "wb")
        server = subprocess.Popen([pledged, "serve", "--port", str(port), "--bind", "127.0.0.1", "--db", db,
                                   "--no-access-log", "--no-answer-cache"], stderr=log)
        log.close()
        wait_port(port)
        base = "http://127.0.0.1:%d" % port
        rng = random.Random(1)
        rows["GET /v1/pledges/{id}"] = median_ms([base + "/v1/pledges/%d" % rng.randint(1, n)
                                                  for _ in range(WARM_UP + CALLS)])
        rows["filtered list of 50"] = median_ms(
            [base + "/v1/pledges?kind=investment&country=JP&sort=-amount_usd&limit=50"] * (WARM_UP + CALLS))
        cursor = None
        for _ in range(1999):
            page = get_json(base + "/v1/pledges?limit=5" + ("&cursor=" + cursor if cursor else ""))
            cursor = page["next_cursor"]
        rows["page 2,000 of a keyset walk (5 a page)"] = median_ms(
            [base + "/v1/pledges?limit=5&cursor=" + cursor] * (WARM_UP + CALLS))
        rows["/v1/stats/summary"] = median_ms([base + "/v1/stats/summary"] * (WARM_UP + CALLS))
        rows["/v1/pledges?q=robotics"] = median_ms([base + "/v1/pledges?q=robotics"] * (WARM_UP + CALLS))
        for g in GROUPS:
            rows["totals?group_by=%s" % g] = median_ms([base + "/v1/stats/totals?group_by=" + g] * (WARM_UP + CALLS))
        first = base + "/v1/stats/totals?group_by=company&q=robotics"
        rows["first totals?group_by=company&q=robotics (before the word is kept)"] = curl_ms(first)
        if get_json(first)["total"]["pledges"] >= 20000:
            m = None
            deadline = time.time() + 600
            while m is None and time.time() < deadline:
                m = re.search(r"search 'robotics': (\d+) steps of up to \d+ pledges found it in \d+,"
                              r" (\d+) ms in all, the longest (\d+) ms", open(log_path).read())
                time.sleep(0.2)
            nan = float("nan")
            rows["keeping robotics' totals: the writer's time in all, ms"] = int(m.group(2)) if m else nan
            rows["keeping robotics' totals: its longest step (writes wait), ms"] = int(m.group(3)) if m else nan
        for f, what in FILTERS:
            for g in ("company", "month"):
                rows["totals?group_by=%s&%s (%s)" % (g, f, what)] = median_ms(
                    [base + "/v1/stats/totals?group_by=%s&%s" % (g, f)] * (WARM_UP + CALLS))
        status = open("/proc/%d/status" % server.pid).read()
        rows["peak RSS (VmHWM), MiB"] = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        return rows
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


results = [measure(n) for n in sizes]
print("| request (answer cache off; ms, median of %d) | %s |" % (CALLS, " | ".join("{:,}".format(n) for n in sizes)))
print("| --- |" + " ---: |" * len(sizes))
names = []
for r in results:
    names += [name for name in r if name not in names]
for name in names:
    cells = []
    for r in results:
        v = r.get(name)
        cells.append("(not kept)" if v is None else "%.1f s" % (v / 1000) if name == "pledged import"
                     else "%.1f" % v)
    print("| %s | %s |" % (name, " | ".join(cells)))
