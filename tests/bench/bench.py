#!/usr/bin/env python3
"""make bench: pledged at 100,000 pledges against the ceiling of its stack.

Generates 100,000 pledges (gen_pledges.py), imports them into a temporary
database, starts the release pledged and the bare libmicrohttpd `ceiling`
server on free loopback ports (pledged with its default thread count, once
more with the answer cache off), runs wrk (2 threads, 32 connections) against
each request below, and prints requests/s, p99 latency, the ratio to the
ceiling and pledged's peak memory (VmHWM); then times POST /v1/drafts of a
5,000-word article (issue 16: under 20 ms). Repeating one URL measures the
answer cache (see server/http/cache.h); random ids measure the uncached path. Servers listen on 127.0.0.1 and
are stopped by PID; every loop is bounded.

Every request is measured in ROUNDS rounds, after the import's writes have
reached the disk, each run right after a run of the ceiling: its share is
the median over the rounds of its requests/s against that ceiling run's,
and the table gives the median requests/s and p99 beside it. This
machine's pace drifts from minute to minute (the ceiling went from 82,101
to 54,583 requests/s within one make bench), so a share against a ceiling
measured minutes before moved by a fifth.

usage: bench.py BUILD_DIR [SECONDS=10] [PLEDGES=100000] [ROUNDS=3]"""
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from loopback import free_port, stop, wait_port, wrk_run

build = sys.argv[1]
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
pledges = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
pledged = os.path.join(build, "server", "pledged")
ceiling = os.path.join(build, "tests", "bench", "ceiling")
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="pledged-bench-")
db = os.path.join(work, "bench.db")
procs = []


def wrk(url, script=None):
    return wrk_run(url, script, seconds)


def p99_ms(text):
    """wrk's latency text (850.00us, 5.74ms, 1.02s) in milliseconds."""
    value, unit = re.match(r"([\d.]+)(us|ms|s)$", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def draft_latency(port, token, rounds=40):
    """POST /v1/drafts of an article of at least 5,000 words, one request at
    a time on one connection: (words, rounds, median ms, p95 ms)."""
    seeds = os.path.join(here, "..", "..", "..", "shared", "seeds")
    texts = [open(os.path.join(seeds, f), encoding="utf-8").read() for f in sorted(os.listdir(seeds))]
    article = ""
    while len(article.split()) < 5000:
        article += "\n".join(texts) + "\n"
    body = json.dumps({"text": article, "url": "https://example.com/long", "published_on": "2024-04-10"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    times = []
    for i in range(rounds + 5):
        t = time.perf_counter()
        conn.request("POST", "/v1/drafts", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError("POST /v1/drafts answered %d" % r.status)
        if i >= 5:  # the first few warm the caches
            times.append((time.perf_counter() - t) * 1000)
    conn.close()
    times.sort()
    return len(article.split()), rounds, statistics.median(times), times[int(len(times) * 0.95) - 1]


try:
    data = os.path.join(work, "data.jsonl")
    with open(data, "w") as fh:
        subprocess.run([sys.executable, os.path.join(here, "gen_pledges.py"), str(pledges)], stdout=fh, check=True)
    t = time.time()
    subprocess.run([pledged, "import", data, "--db", db], check=True, stdout=subprocess.DEVNULL)
    print("imported %d pledges in %.1f s" % (pledges, time.time() - t))
    token = subprocess.run([pledged, "token", "add", "bench", "--db", db], capture_output=True, text=True,
                           check=True).stdout.strip().splitlines()[-1]
    # pledged runs with its own default thread count (what a deployment
    # gets); the ceiling with one thread per CPU, the most it can use.
    threads = str(os.cpu_count() or 2)
    p_port, c_port, u_port = free_port(), free_port(), free_port()
    server = subprocess.Popen([pledged, "serve", "--port", str(p_port), "--bind", "127.0.0.1", "--db", db,
                               "--no-access-log"], stderr=subprocess.DEVNULL)
    procs.append(server)
    # The same database served with the answer cache off: the uncached path.
    uncached = subprocess.Popen([pledged, "serve", "--port", str(u_port), "--bind", "127.0.0.1", "--db", db,
                                 "--no-access-log", "--no-answer-cache"], stderr=subprocess.DEVNULL)
    procs.append(uncached)
    ceil = subprocess.Popen([ceiling, str(c_port), threads], stderr=subprocess.DEVNULL)
    procs.append(ceil)
    wait_port(p_port)
    wait_port(u_port)
    wait_port(c_port)
    post = os.path.join(work, "post.lua")
    with open(post, "w") as fh:
        fh.write('wrk.method = "POST"\n')
        fh.write("wrk.body = %s\n" % json.dumps(json.dumps(
            {"announcement_id": 1, "company": None, "kind": "other", "description": "bench"})))
        fh.write('wrk.headers["Content-Type"] = "application/json"\n')
        fh.write('wrk.headers["Authorization"] = "Bearer %s"\n' % token)
    rand = os.path.join(work, "random.lua")
    with open(rand, "w") as fh:
        fh.write("request = function() return wrk.format('GET', '/v1/pledges/' .. math.random(1, %d)) end\n" % pledges)
    base = "http://127.0.0.1:%d" % p_port
    rows = [("ceiling: bare libmicrohttpd, fixed JSON", "http://127.0.0.1:%d/" % c_port, None)]
    rows += [("GET /v1/pledges/{id}, one id (answer cache hit)", base + "/v1/pledges/%d" % (pledges // 2), None),
             ("GET /v1/pledges/{id}, random ids (cache miss)", base + "/", rand),
             ("GET /v1/pledges/{id}, random ids, answer cache off", "http://127.0.0.1:%d/" % u_port, rand),
             ("GET /v1/companies/{slug}", base + "/v1/companies/co-0001", None),
             ("GET /v1/pledges?kind&country, -amount_usd, 50", base + "/v1/pledges?kind=investment&country=JP&sort=-amount_usd&limit=50", None),
             ("GET /v1/stats/totals?group_by=company", base + "/v1/stats/totals?group_by=company", None),
             ("POST /v1/pledges", base + "/v1/pledges", post)]
    os.sync()  # the import's pages written back now, not during the first rows
    # Each row's runs: (requests/s, p99 in ms, non-2xx, the ceiling's
    # requests/s in the run just before); the ceiling's own runs are its row's.
    runs = [[] for _ in rows]
    for _ in range(rounds):
        for i, (name, url, script) in enumerate(rows[1:], 1):
            c_rps, c_p99, c_errors = wrk(rows[0][1])
            runs[0].append((c_rps, p99_ms(c_p99), c_errors, c_rps))
            rps, p99, errors = wrk(url, script)
            runs[i].append((rps, p99_ms(p99), errors, c_rps))
    results = []
    for (name, _, _), run in zip(rows, runs):
        results.append((name, statistics.median(rps for rps, _, _, _ in run),
                        statistics.median(p99 for _, p99, _, _ in run),
                        sum(errors for _, _, errors, _ in run),
                        statistics.median(rps / c_rps for rps, _, _, c_rps in run)))
    drafts = draft_latency(p_port, token)
    status = open("/proc/%d/status" % server.pid).read()
    hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    ceilings = [c_rps for _, _, _, c_rps in runs[0]]
    print("\n%d rounds of %d s a run; the ceiling's %d runs: %s to %s requests/s" % (
        rounds, seconds, len(ceilings), "{:,.0f}".format(min(ceilings)), "{:,.0f}".format(max(ceilings))))
    print("\n| request | requests/s (median) | p99 (median) | share of the ceiling (median) |")
    print("| --- | ---: | ---: | ---: |")
    for name, rps, p99, errors, share in results:
        note = " (%d non-2xx)" % errors if errors else ""
        print("| %s | %s%s | %.2f ms | %.3f× |" % (name, "{:,.0f}".format(rps), note, p99, share))
    print("\npledged peak memory (VmHWM) at %d pledges: %.1f MiB" % (pledges, hwm / 1024))
    print("\nPOST /v1/drafts of a %d-word article (the five seed articles, repeated), one at a time, %d times:"
          " median %.1f ms, p95 %.1f ms" % drafts)
finally:
    for p in procs:
        stop(p)
    shutil.rmtree(work, ignore_errors=True)
