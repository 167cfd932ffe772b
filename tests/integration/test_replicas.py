"""Two pledged replicas on one PostgreSQL, behind nginx (issue 15), all on
127.0.0.1: a throwaway PostgreSQL 15 (pgserver.py), two daemons, and
Debian's nginx with docker/nginx/pledged-proxy.conf, the same proxy
settings docker/compose.postgres.yaml uses. Checks that a write through one
replica is read through the other at once (their answer caches included)
and heard by the other's event stream; that one Idempotency-Key sent to
both at once makes one write; that an If-Match race across them has one
winner; that kill -9 of a replica under write load through nginx loses no
acknowledged write while the other goes on serving; and that a PostgreSQL
restart gives 503s with Retry-After, never a wrong answer, and service
comes back by itself. Every process is stopped by PID.

usage: test_replicas.py PLEDGED"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pgserver
from harness import Daemon, Tap, free_port, run_cli
from nginxserver import PROGRAM, PROXY_CONF, NginxServer

binary = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
tap = Tap()
work = tempfile.mkdtemp(prefix="pledged-replicas-")
pg = pgserver.PgServer().start()
nginx = None


def call(port, method, path, body=None, headers=None, token=None):
    """One request on a new connection: (status, headers, parsed JSON or
    None). A refused or cut connection is status 0."""
    hdrs = dict(headers or {})
    if token and method not in ("GET", "HEAD"):
        hdrs["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        payload = r.read()
        try:
            doc = json.loads(payload) if payload else None
        except ValueError:
            doc = None
        return r.status, {k.lower(): v for k, v in r.getheaders()}, doc
    except (OSError, http.client.HTTPException):
        return 0, {}, None
    finally:
        conn.close()


def compose_conf_parses():
    """nginx -t on docker/nginx/nginx.conf as compose mounts it, the
    replicas' names read as 127.0.0.1 (there is no compose DNS here)."""
    folder = os.path.join(work, "nginx-t")
    os.makedirs(folder)
    text = open(os.path.join(here, "..", "..", "docker", "nginx", "nginx.conf")).read()
    text = text.replace("pledged-1:", "127.0.0.1:").replace("pledged-2:", "127.0.0.2:")
    text = text.replace("/etc/nginx/pledged-proxy.conf", PROXY_CONF).replace("listen 8080", "listen 127.0.0.1:%d" % free_port())
    text = text.replace("access_log /dev/stdout;", "access_log off;")
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as fh:
        fh.write("pid %s/nginx.pid;\n%s" % (folder, text))
    return subprocess.run([PROGRAM, "-t", "-c", conf, "-p", folder, "-e", os.path.join(folder, "error.log")],
                          capture_output=True, text=True, timeout=30)


a = b = None
try:
    res = compose_conf_parses()
    tap.check(res.returncode == 0, "docker/nginx/nginx.conf (compose.postgres.yaml's) passes nginx -t", res.stderr)
    compose = shutil.which("docker-compose")
    if compose:  # a test package; without it the check is skipped, not passed
        res = subprocess.run([compose, "-f", os.path.join(here, "..", "..", "docker", "compose.postgres.yaml"),
                              "config", "-q"], capture_output=True, text=True, timeout=60)
        tap.check(res.returncode == 0, "docker/compose.postgres.yaml is a valid compose file (docker-compose config)",
                  res.stderr)
    url = pg.createdb("replicas")
    tap.check(run_cli(binary, "migrate", "--db", url).returncode == 0, "the database is migrated once")
    for name in ("a", "b"):
        os.makedirs(os.path.join(work, name))
    a = Daemon(binary, "--threads", "4", db=url, workdir=os.path.join(work, "a"))
    b = Daemon(binary, "--threads", "4", token=False, db=url, workdir=os.path.join(work, "b"))
    token = a.token
    nginx = NginxServer([a.port, b.port]).start()
    front = nginx.port

    # --- a write through one replica is read through the other at once --------------------
    stale = []
    for i in range(20):
        before = call(b.port, "GET", "/v1/companies?count=true&limit=1")[2]["total"]  # cached on b now
        w = call(a.port, "POST", "/v1/companies", {"name": "Seen Co %d" % i}, token=token)
        one = call(b.port, "GET", "/v1/companies/seen-co-%d" % i)
        after = call(b.port, "GET", "/v1/companies?count=true&limit=1")[2]["total"]
        if w[0] != 201 or one[0] != 200 or after != before + 1:
            stale.append((i, w[0], one[0], before, after))
    tap.check(not stale, "20 times: a write on replica A is read on replica B at once, its cached list"
              " included", stale[:3])

    # --- ... and heard by the other's event stream ------------------------------------------
    s = socket.create_connection(("127.0.0.1", b.port), timeout=10)
    s.sendall(b"GET /v1/changes?resource=companies HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n\r\n")
    time.sleep(0.3)
    t0 = time.time()
    call(a.port, "POST", "/v1/companies", {"name": "Streamed Across"}, token=token)
    got = b""
    while b"streamed-across" not in got and time.time() - t0 < 5:
        try:
            got += s.recv(65536)
        except socket.timeout:
            break
    s.close()
    tap.check(b"streamed-across" in got, "an event stream on replica B hears a write on replica A"
              " (LISTEN/NOTIFY) within %.2f s" % (time.time() - t0), got[-300:])

    # --- one Idempotency-Key sent to both at once: one write -----------------------------
    bad = []
    for i in range(10):
        key = "same-key-%d" % i
        answers = [None, None]
        gate = threading.Barrier(2)

        def send(n, port):
            gate.wait()
            answers[n] = call(port, "POST", "/v1/companies", {"name": "Once Co %d" % i},
                              headers={"Idempotency-Key": key}, token=token)
        ts = [threading.Thread(target=send, args=(0, a.port)), threading.Thread(target=send, args=(1, b.port))]
        [t.start() for t in ts]
        [t.join() for t in ts]
        made = call(b.port, "GET", "/v1/companies?q=Once%%20Co%%20%d&count=true" % i)[2]["total"]
        statuses = sorted(x[0] for x in answers)
        replayed = [x[1].get("idempotent-replayed") for x in answers]
        if statuses != [201, 201] or answers[0][2] != answers[1][2] or made != 1 \
                or replayed.count("true") != 1:
            bad.append((i, statuses, replayed, made))
    tap.check(not bad, "10 times: the same Idempotency-Key sent to both replicas at once makes one"
              " write; the other answer is its replay", bad[:3])

    # --- an If-Match race across replicas: one 200, one 412 -------------------------------
    races = []
    for i in range(10):
        slug = "race-co-%d" % i
        call(a.port, "POST", "/v1/companies", {"name": "Race Co %d" % i}, token=token)
        etag = call(b.port, "GET", "/v1/companies/" + slug)[1]["etag"]
        answers = [None, None]
        gate = threading.Barrier(2)

        def patch(n, port):
            gate.wait()
            answers[n] = call(port, "PATCH", "/v1/companies/" + slug, {"website": "https://%d.example" % n},
                              headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
                              token=token)[0]
        ts = [threading.Thread(target=patch, args=(0, a.port)), threading.Thread(target=patch, args=(1, b.port))]
        [t.start() for t in ts]
        [t.join() for t in ts]
        if sorted(answers) != [200, 412]:
            races.append((i, answers))
    tap.check(not races, "10 times: an If-Match race across the replicas gives one 200 and one 412", races[:3])

    # --- kill -9 of a replica under write load through nginx -----------------------------
    acked, codes, lock, stop = [], [], threading.Lock(), threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set() and i < 2000:
            name = "Load %d %d" % (n, i)
            st, _, doc = call(front, "POST", "/v1/companies", {"name": name}, token=token)
            with lock:
                codes.append((time.time(), st))
                if st == 201:
                    acked.append(doc["slug"])
            i += 1
    ts = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    [t.start() for t in ts]
    time.sleep(1.0)
    os.kill(a.proc.pid, signal.SIGKILL)
    a.proc.wait(timeout=10)
    killed_at = time.time()
    time.sleep(2.0)
    stop.set()
    [t.join() for t in ts]
    missing = [s for s in acked if call(b.port, "GET", "/v1/companies/" + s)[0] != 200]
    after_kill = [st for t, st in codes if t > killed_at + 0.5]
    tap.check(len(acked) > 50 and not missing, "kill -9 of replica A under 4 writers through nginx: all %d"
              " acknowledged writes are there" % len(acked), missing[:5])
    tap.check(after_kill and after_kill.count(201) == len(after_kill),
              "and nginx goes on writing through replica B: %d writes after the kill, all 201"
              % len(after_kill), sorted(set(after_kill)))
    tap.eq(call(front, "GET", "/v1/companies?limit=1")[0], 200, "reads through nginx go on too")

    # --- PostgreSQL restarts: 503s, then service again -------------------------------------
    pg.halt()
    down = [call(b.port, "GET", "/v1/companies/seen-co-1"), call(b.port, "GET", "/v1/pledges?limit=5"),
            call(b.port, "POST", "/v1/companies", {"name": "While Down"}, token=token),
            call(front, "GET", "/v1/stats/summary")]
    tap.check(all(x[0] == 503 and x[1].get("retry-after") for x in down),
              "while PostgreSQL is down, reads and writes answer 503 with Retry-After (no stale or"
              " wrong answer, no 500)", [(x[0], x[2]) for x in down])
    pg.run()
    deadline = time.time() + 20
    back = (0, 0)
    attempt = 0
    while time.time() < deadline:
        # A new name each round: the reader and the writer connections come
        # back one at a time, so a round may write and still fail to read;
        # the next round's write must not meet its own earlier company (409).
        attempt += 1
        back = (call(b.port, "GET", "/v1/companies/seen-co-1")[0],
                call(b.port, "POST", "/v1/companies", {"name": "After Restart %d" % attempt}, token=token)[0])
        if back == (200, 201):
            break
        time.sleep(0.5)
    tap.eq(back, (200, 201), "after PostgreSQL is back, the replica reads and writes again by itself")
    tap.eq(call(b.port, "GET", "/v1/companies/while-down")[0], 404, "the write refused while it was down left nothing")

    rc = b.stop()
    tap.check(rc == 0 and b.sanitizer_report() is None, "replica B exits 0 on SIGTERM with no sanitizer report",
              b.log_text()[-3000:])
    tap.check(a.sanitizer_report() is None, "no sanitizer report from replica A before its kill")
finally:
    if nginx:
        nginx.stop()
    for d in (a, b):
        if d:
            d.cleanup()
    pg.stop()
    shutil.rmtree(work, ignore_errors=True)
tap.done()
