"""HTTP-level behaviour of the daemon: routing errors, request ids, body
limits, keep-alive, HEAD and OPTIONS, health and readiness, the access log
and a graceful stop."""
import json
import sys
import threading
import time

from harness import Daemon, Tap, finish

tap = Tap()
d = Daemon(sys.argv[1], "--max-body", "4096")

# Health and readiness.
r = d.get("/healthz")
tap.eq((r.status, r.json), (200, {"status": "ok"}), "GET /healthz is 200 ok")
r = d.get("/readyz")
tap.check(r.status == 200 and r.json["status"] == "ready" and r.json["schema_version"] >= 1,
          "GET /readyz is ready with the schema version", r)
r = d.get("/", headers={"Accept": "application/json"})
tap.check(r.status == 200 and r.json["service"] == "pledged", "GET / with Accept: application/json is an index", r)
r = d.get("/")
tap.check(r.status == 200 and r.header("Content-Type").startswith("text/html") and b"<title>pledged" in r.body,
          "GET / is the dashboard page", r)

# Request ids: on every response, and a sane incoming one is echoed.
ids = set()
for path in ("/healthz", "/nope", "/v1/companies"):
    r = d.get(path)
    ids.add(r.header("X-Request-Id"))
tap.check(len(ids) == 3 and None not in ids, "every response has its own X-Request-Id", ids)
r = d.get("/healthz", headers={"X-Request-Id": "trace-abc.123"})
tap.eq(r.header("X-Request-Id"), "trace-abc.123", "an incoming X-Request-Id is kept")
r = d.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
tap.check(r.header("X-Request-Id") not in (None, "bad id with spaces"),
          "an unsafe incoming X-Request-Id is replaced", r.headers)

# 404 and 405 as problem documents.
r = d.get("/v1/nothing-here")
tap.check(r.status == 404 and r.header("Content-Type") == "application/problem+json"
          and r.json["status"] == 404 and r.json["type"] == "/problems/not-found",
          "an unknown path is 404 problem+json", r)
r = d.request("PUT", "/v1/companies", body={})
tap.check(r.status == 405 and r.header("Allow") == "GET, HEAD, POST"
          and r.json["status"] == 405, "PUT /v1/companies is 405 with Allow", (r, r.headers))
r = d.request("BREW", "/v1/companies")
tap.check(r.status == 405, "an unknown method is 405", r)

# HEAD and OPTIONS.
r = d.request("HEAD", "/v1/companies")
tap.check(r.status == 200 and r.body == b"" and r.header("ETag"), "HEAD answers headers only", r)
r = d.request("OPTIONS", "/v1/companies/x")
tap.check(r.status == 204 and r.header("Allow") == "GET, HEAD, PATCH, DELETE, OPTIONS",
          "OPTIONS lists the allowed methods", r.headers)

# Body limits: 413 from a declared length without reading the body, and
# from a chunked body that grows past the limit.
raw = (b"POST /v1/companies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       b"Authorization: Bearer " + d.token.encode() + b"\r\n"
       b"Content-Length: 10000000\r\n\r\n")
out = d.raw_exchange(raw)
tap.check(out.startswith(b"HTTP/1.1 413") and b"application/problem+json" in out,
          "a declared body over the limit is 413 at once, unread", out[:300])
body = json.dumps({"name": "x" * 8000}).encode()
r = d.request("POST", "/v1/companies", raw=body)
tap.check(r.status == 413 and r.json["status"] == 413, "an oversized body is 413", r)
chunk = b"a" * 3000
raw = (b"POST /v1/companies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       b"Authorization: Bearer " + d.token.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
       + b"%x\r\n" % len(chunk) + chunk + b"\r\n" + b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n")
out = d.raw_exchange(raw, read_timeout=1.0)
tap.check(out.startswith(b"HTTP/1.1 413"), "a chunked body past the limit is 413", out[:300])
r = d.request("POST", "/v1/companies", body={"name": "Still Works"})
tap.check(r.status == 201, "the server still serves after refusing bodies", r)

# Keep-alive: two requests on one socket get two answers, the connection open.
req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
out = d.raw_exchange(req + req, read_timeout=1.0)
tap.check(out.count(b"HTTP/1.1 200") == 2 and b"Connection: close" not in out,
          "two pipelined requests on one connection both answer, no close", out[:600])

# Many connections at once do not lose requests.
results = []
def worker():
    for _ in range(25):
        results.append(d.get("/v1/companies").status)
threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
tap.check(results.count(200) == 200, "200 concurrent reads all succeed", set(results))

# The access log: one JSON line per request with the fields promised.
lines = [json.loads(l) for l in d.log_after_flush().splitlines() if l.startswith("{") and '"path"' in l]
last = [l for l in lines if l.get("request_id") == "trace-abc.123"]
tap.check(len(last) == 1 and last[0]["method"] == "GET" and last[0]["path"] == "/healthz"
          and last[0]["status"] == 200 and last[0]["bytes"] > 0 and last[0]["us"] >= 0,
          "the access log has a JSON line with method, path, status, bytes, us, request id",
          last)
tap.check(len(lines) >= 200, "every request is logged (%d lines)" % len(lines))

# Graceful stop: a request whose body is still arriving when SIGTERM comes
# is finished and answered; the daemon then exits 0 (checked by finish).
import os
import signal
import socket
body = json.dumps({"name": "Late Arrival"}).encode()
s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
s.sendall(b"POST /v1/companies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-Id: late-arrival\r\n"
          b"Authorization: Bearer " + d.token.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body)
          + body[:5])
time.sleep(0.3)
os.kill(d.proc.pid, signal.SIGTERM)
time.sleep(0.3)
s.sendall(body[5:])
answer = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    answer += chunk
s.close()
tap.check(answer.startswith(b"HTTP/1.1 201") and b"Connection: close" in answer,
          "a request in flight at SIGTERM is finished (201) and the connection closed", answer[:300])
try:
    late = socket.create_connection(("127.0.0.1", d.port), timeout=2)
    late.close()
    refused = False
except OSError:
    refused = True
tap.check(refused or d.proc.poll() is not None, "no new connections are accepted after SIGTERM")
try:
    d.proc.wait(timeout=20)
except Exception:
    pass
late_lines = [l for l in d.log_text().splitlines() if '"request_id":"late-arrival"' in l]
tap.check(len(late_lines) == 1 and '"status":201' in late_lines[0],
          "the access lines batched at the stop are written before the daemon exits", late_lines)

finish(tap, d)
