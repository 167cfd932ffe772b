#!/usr/bin/env python3
"""make bench-pg: pledged on PostgreSQL with one and two replicas behind
nginx, next to SQLite, at 100,000 pledges, in one run (issue 15).

Generates the pledges (gen_pledges.py), imports the same file into a
SQLite file and into a throwaway PostgreSQL 15 (tests/integration/
pgserver.py; the import times are printed), then runs wrk (2 threads, 32
connections) against each request below on: the bare libmicrohttpd
ceiling, pledged on SQLite, pledged on PostgreSQL directly, one replica
behind nginx, and two replicas behind nginx (tests/integration/
nginxserver.py, the compose file's proxy settings). Everything shares the
machine's cores with wrk, PostgreSQL and nginx. Servers listen on
127.0.0.1 and are stopped by PID; every loop is bounded.

usage: bench_pg.py BUILD_DIR [SECONDS=5] [PLEDGES=100000]"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "integration"))

import pgserver  # noqa: E402
from loopback import free_port, stop, wait_port, wrk_run  # noqa: E402
from nginxserver import NginxServer  # noqa: E402

build = sys.argv[1]
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
pledges = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
pledged = os.path.join(build, "server", "pledged")
ceiling = os.path.join(build, "tests", "bench", "ceiling")
work = tempfile.mkdtemp(prefix="pledged-bench-pg-")
procs, fronts = [], []
pg = None


def serve(db, *extra):
    port = free_port()
    p = subprocess.Popen([pledged, "serve", "--port", str(port), "--bind", "127.0.0.1", "--db", db,
                          "--no-access-log"] + list(extra), stderr=subprocess.DEVNULL)
    procs.append(p)
    wait_port(port)
    return port


def timed_import(data, db):
    t = time.time()
    subprocess.run([pledged, "import", data, "--db", db], check=True, stdout=subprocess.DEVNULL)
    return time.time() - t


try:
    data = os.path.join(work, "data.jsonl")
    with open(data, "w") as fh:
        subprocess.run([sys.executable, os.path.join(here, "gen_pledges.py"), str(pledges)], stdout=fh, check=True)
    sqlite_db = os.path.join(work, "bench.db")
    pg = pgserver.PgServer()
    pg.start()
    pg_db = pg.createdb("bench")
    t_sqlite, t_pg = timed_import(data, sqlite_db), timed_import(data, pg_db)
    print("imported %d pledges: SQLite %.1f s, PostgreSQL %.1f s" % (pledges, t_sqlite, t_pg))
    subprocess.run(["psql", "-q", "-d", pg_db, "-c", "VACUUM ANALYZE"], check=True)
    tokens = {}
    for name, db in (("sqlite", sqlite_db), ("pg", pg_db)):
        tokens[name] = subprocess.run([pledged, "token", "add", "bench", "--db", db], capture_output=True,
                                      text=True, check=True).stdout.strip().splitlines()[-1]
    c_port = free_port()
    procs.append(subprocess.Popen([ceiling, str(c_port), str(os.cpu_count() or 2)], stderr=subprocess.DEVNULL))
    wait_port(c_port)
    sqlite_port = serve(sqlite_db)
    r1, r2 = serve(pg_db), serve(pg_db)
    one = NginxServer([r1]).start()
    fronts.append(one)
    two = NginxServer([r1, r2]).start()
    fronts.append(two)
    targets = [("SQLite", sqlite_port, "sqlite"), ("PostgreSQL, 1 replica", r1, "pg"),
               ("PostgreSQL, 1 replica + nginx", one.port, "pg"),
               ("PostgreSQL, 2 replicas + nginx", two.port, "pg")]
    scripts = {}
    for name, token in tokens.items():
        path = os.path.join(work, "post-%s.lua" % name)
        with open(path, "w") as fh:
            fh.write('wrk.method = "POST"\n')
            fh.write("wrk.body = %s\n" % json.dumps(json.dumps(
                {"announcement_id": 1, "company": None, "kind": "other", "description": "bench"})))
            fh.write('wrk.headers["Content-Type"] = "application/json"\n')
            fh.write('wrk.headers["Authorization"] = "Bearer %s"\n' % token)
        scripts[name] = path
    rand = os.path.join(work, "random.lua")
    with open(rand, "w") as fh:
        fh.write("request = function() return wrk.format('GET', '/v1/pledges/' .. math.random(1, %d)) end\n"
                 % pledges)
    requests = [("GET /v1/pledges/{id}, one id (answer cache)", "/v1/pledges/%d" % (pledges // 2), None),
                ("GET /v1/pledges/{id}, random ids", "/", rand),
                ("GET /v1/pledges?kind&country, -amount_usd, 50",
                 "/v1/pledges?kind=investment&country=JP&sort=-amount_usd&limit=50", None),
                ("GET /v1/stats/totals?group_by=company", "/v1/stats/totals?group_by=company", None),
                ("POST /v1/pledges", "/v1/pledges", "post")]
    ceiling_rps = wrk_run("http://127.0.0.1:%d/" % c_port, None, seconds)[0]
    print("\nceiling (bare libmicrohttpd, fixed JSON): {:,.0f} requests/s\n".format(ceiling_rps))
    print("| request | " + " | ".join(t[0] for t in targets) + " |")
    print("| --- |" + " ---: |" * len(targets))
    for title, path, script in requests:
        cells = []
        for _, port, engine in targets:
            s = scripts[engine] if script == "post" else script
            rps, p99, errors = wrk_run("http://127.0.0.1:%d%s" % (port, path), s, seconds)
            cells.append("{:,.0f} ({})".format(rps, p99) + (" %d non-2xx" % errors if errors else ""))
        print("| %s | %s |" % (title, " | ".join(cells)))
    print("\n(requests/s, p99 in parentheses; %d s each, wrk -t2 -c32)" % seconds)
finally:
    for f in fronts:
        f.stop()
    for p in procs:
        stop(p)
    if pg:
        pg.stop()
    shutil.rmtree(work, ignore_errors=True)
