"""Production behaviour: read-only tokens, --private, per-IP and per-token
rate limits (429 with Retry-After) under a flood of writes, slow clients
cut off while others are served, the per-IP connection limit, huge
headers, long query strings, deep JSON, an online backup while writes go
on, and the container entry point."""
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time

from harness import Daemon, Tap, finish, is_postgresql, run_cli

tap = Tap()
binary = sys.argv[1]

# --- read-only tokens and --private --------------------------------------------------
d = Daemon(binary, "--private", "--no-answer-cache")
ro = run_cli(binary, "token", "add", "reader", "--read-only", "--db", d.db).stdout.strip().splitlines()[-1]
tap.check(ro.startswith("pld_"), "token add --read-only prints a token")
listing = run_cli(binary, "token", "list", "--db", d.db).stdout
tap.check("reader" in listing and " read " in listing and " write " in listing, "token list shows scopes", listing)
r = d.get("/v1/companies", auth=None)
tap.check(r.status == 401 and (r.header("WWW-Authenticate") or "").startswith("Bearer"),
          "--private: reads without a token are 401", r)
raw = d.raw_exchange(b"GET /v1/companies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
tap.eq(raw.lower().count(b"www-authenticate:"), 1, "--private: the 401 has exactly one WWW-Authenticate")
r = d.get("/v1/companies", headers={"Authorization": "Bearer " + ro})
tap.eq(r.status, 200, "--private: a read-only token reads")
r = d.request("POST", "/v1/companies", body={"name": "Nope"}, auth="Bearer " + ro)
tap.check(r.status == 403 and r.json["type"] == "/problems/forbidden", "a read-only token cannot write (403)", r)
tap.eq(d.get("/healthz", auth=None).status, 200, "--private: /healthz stays public")
tap.eq(d.get("/readyz", auth=None).status, 200, "--private: /readyz stays public")
r = d.request("POST", "/v1/companies", body={"name": "Writer Co"})
tap.eq(r.status, 201, "a read-write token writes")
res = run_cli(binary, "token", "list", "--read-only", "--db", d.db)
tap.eq(res.returncode, 2, "--read-only goes with token add only")
rc = d.stop()
tap.eq(rc, 0, "the private daemon stops cleanly")
d.cleanup()

# --- rate limits and a flood of writes ---------------------------------------------------
d = Daemon(binary, "--rate-limit", "20", "--token-rate-limit", "5")
codes, retry = [], []
for i in range(70):
    r = d.get("/v1/currencies")
    codes.append(r.status)
    if r.status == 429:
        retry.append(r.header("Retry-After"))
tap.check(codes.count(200) >= 40 and codes.count(429) >= 1 and all(x and int(x) >= 1 for x in retry),
          "per-IP limit: a burst beyond 2x the rate gets 429 with Retry-After (%d of 70)" % codes.count(429), codes)
r = d.get("/v1/currencies")
tap.check(r.status in (200, 429) and (r.status == 200 or r.json["type"] == "/problems/rate-limited"),
          "429 is a problem document", r)
time.sleep(2.2)
tap.eq(d.get("/v1/currencies").status, 200, "after Retry-After the client is served again")
time.sleep(2.2)
statuses, created = [], []
lock = threading.Lock()
def flood(i):
    for k in range(10):
        r = d.request("POST", "/v1/companies", body={"name": "Flood %d %d" % (i, k)})
        with lock:
            statuses.append(r.status)
            if r.status == 201:
                created.append(r.json["slug"])
ts = [threading.Thread(target=flood, args=(i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
tap.check(statuses.count(429) > 0 and set(statuses) <= {201, 429},
          "per-token limit: a flood of writes gets 429s (%d of 40 limited)" % statuses.count(429), statuses)
time.sleep(2.5)
missing = [s for s in created if d.get("/v1/companies/" + s).status != 200]
tap.check(not missing and len(created) >= 5, "every write that got 201 was stored (%d)" % len(created), missing)
rc = d.stop()
tap.eq(rc, 0, "the rate-limited daemon stops cleanly")
d.cleanup()

# --- slow clients, many connections, huge headers ------------------------------------------
d = Daemon(binary, "--timeout", "2", "--max-connections-per-ip", "8")
slow = socket.create_connection(("127.0.0.1", d.port), timeout=10)
slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
t0 = time.time()
served = [d.get("/healthz").status for _ in range(3)]
tap.eq(served, [200, 200, 200], "others are served while a slow client trickles its headers")
try:
    for _ in range(10):
        slow.sendall(b"a")  # a byte now and then, slower than the timeout allows
        time.sleep(0.1)
    slow.settimeout(6)
    data = slow.recv(100)
    cut = data == b""
except OSError:
    cut = True
tap.check(cut and time.time() - t0 < 8, "a slow client is cut off by the timeout (%.1f s)" % (time.time() - t0))
slow.close()

socks = []
for i in range(14):
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    socks.append(s)
time.sleep(0.3)
refused = 0
for s in socks:
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(3)
        data = s.recv(200)
        if not data:
            refused += 1
    except OSError:
        refused += 1
tap.check(refused >= 6 and refused <= 14 - 8 + 1, "past 8 connections from one IP the rest are refused (%d of 14)" % refused)
for s in socks:
    s.close()
time.sleep(0.3)
tap.eq(d.get("/healthz").status, 200, "after they close, the server serves again")

big = socket.create_connection(("127.0.0.1", d.port), timeout=5)
try:
    big.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
except OSError:
    pass
try:
    answer = big.recv(200)
except OSError:
    answer = b""
big.close()
tap.check(answer == b"" or answer.startswith(b"HTTP/1.1 431") or answer.startswith(b"HTTP/1.1 413"),
          "a 200 KB header is refused", answer[:80])
tap.eq(d.get("/healthz").status, 200, "the server still serves after a huge header")
sizes = {}
for size in (30000, 40000):
    sizes[size] = d.request("GET", "/healthz", headers={"X-Pad": "a" * size}).status
tap.eq(sizes, {30000: 200, 40000: 431}, "headers up to 32 KiB are read; past that, 431")
r = d.get("/v1/pledges?q=" + "a" * 5000)
tap.check(r.status in (414, 431) , "a 5 KB query string is refused (%d)" % r.status, r)
r = d.request("POST", "/v1/companies", raw=b'{"name":' + b"[" * 64 + b"]" * 64 + b"}")
tap.check(r.status == 400 and "deeper" in r.json["detail"], "JSON nested 64 deep is 400", r)

# --- an online backup while writes go on --------------------------------------------------
stop = threading.Event()
acked = []
def writer():
    i = 0
    while not stop.is_set() and i < 400:
        r = d.request("POST", "/v1/companies", body={"name": "Backup %d" % i})
        if r.status == 201:
            acked.append(r.json["slug"])
        i += 1
t = threading.Thread(target=writer)
t.start()
time.sleep(0.5)
before = len(acked)
dest = os.path.join(d.dir, "backup.db")
res = run_cli(binary, "backup", dest, "--db", d.db)
stop.set()
t.join()
if is_postgresql(d.db):
    # The one answer that differs by engine: PostgreSQL has its own backups.
    tap.check(res.returncode == 1 and "pg_dump" in res.stderr and not os.path.exists(dest),
              "pledged backup on PostgreSQL points to pg_dump and writes nothing", res)
else:
    tap.check(res.returncode == 0 and "integrity ok" in res.stdout, "pledged backup copies while the daemon writes", res)
    conn = sqlite3.connect(dest)
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    rows = conn.execute("SELECT count(*) FROM companies WHERE name LIKE 'Backup %'").fetchone()[0]
    conn.close()
    tap.check(check == "ok" and rows >= before, "the copy is consistent and has every write acknowledged before it (%d >= %d)" % (rows, before))
    res = run_cli(binary, "backup", dest, "--db", d.db)
    tap.check(res.returncode == 1 and "exists" in res.stderr, "backup refuses to overwrite a file", res)

# --- the answer cache never serves stale data -----------------------------------------------
url = "/v1/companies?count=true&limit=1"
first = d.get(url)
again = d.get(url)
tap.check(first.body == again.body and first.header("ETag") == again.header("ETag"),
          "a repeated GET answers the same bytes and ETag", (first, again))
res = run_cli(binary, "seed", "--db", d.db)  # another process writes
after = d.get(url)
tap.check(res.returncode == 0 and after.json["total"] == first.json["total"] + 8,
          "a write by another process is seen at once (%d -> %d)" % (first.json["total"], after.json["total"]), after)
r304 = d.get(url, headers={"If-None-Match": after.header("ETag")})
tap.eq(r304.status, 304, "If-None-Match still gives 304 through the cache")
r = d.request("PATCH", "/v1/companies/microsoft", body={"website": None})
tap.eq(d.get("/v1/companies/microsoft").json["website"], None, "a write by the daemon is seen at once")

# --- the container entry point (on the host; the image itself: test_container.py) -----------
entry = os.path.join(os.path.dirname(__file__), "..", "..", "docker", "entrypoint.sh")
data = os.path.join(d.dir, "data")
os.makedirs(data)
env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(binary)) + ":" + os.environ["PATH"],
           PLEDGED_DB=os.path.join(data, "pledged.db"), PLEDGED_SEED="1", PLEDGED_PORT="0",
           PLEDGED_BIND="127.0.0.1")
res = subprocess.run(["sh", entry, "--version"], env=env, capture_output=True, text=True, timeout=120)
tap.check(res.returncode == 0 and res.stdout.startswith("pledged ") and os.listdir(data) == [],
          "a command other than serve runs as it is and creates nothing", (res, os.listdir(data)))


def entry_serve():
    """Runs the entry point with serve until the daemon listens, then stops it
    by PID (the entry point has exec'd into it); returns (exit code, stderr)."""
    log = open(os.path.join(d.dir, "entry.log"), "wb")
    p = subprocess.Popen(["sh", entry, "serve", "--threads", "1"], env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 30
    text = ""
    while time.time() < deadline and '"msg":"listening"' not in text:
        time.sleep(0.05)
        text = open(os.path.join(d.dir, "entry.log"), "rb").read().decode("utf-8", "replace")
        if p.poll() is not None:
            break
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=20)
    log.close()
    return rc, open(os.path.join(d.dir, "entry.log"), "rb").read().decode("utf-8", "replace")


rc, err = entry_serve()
token_file = os.path.join(data, "admin.token")
mode = stat.S_IMODE(os.stat(token_file).st_mode) if os.path.exists(token_file) else None
token = open(token_file).read().strip() if mode is not None else ""
tap.check(rc == 0 and mode == 0o600 and token.startswith("pld_") and "19 imported" in err,
          "serve through the entry point creates a private admin token, seeds, serves and stops cleanly", (rc, mode, err[-800:]))
rc, err = entry_serve()
tap.check(rc == 0 and open(token_file).read().strip() == token and "already present" in err,
          "a second start keeps the token and adds no data", err[-800:])
os.remove(token_file)
rc, err = entry_serve()
new_token = open(token_file).read().strip() if os.path.exists(token_file) else ""
tap.check(rc == 0 and new_token.startswith("pld_") and new_token != token,
          "a token file lost from an existing volume is made again (the old admin token is replaced)", err[-800:])
res = run_cli(binary, "healthcheck", "--port", str(d.port))
tap.eq(res.returncode, 0, "pledged healthcheck passes against a ready server")
res = run_cli(binary, "healthcheck", "--port", "1")
tap.eq(res.returncode, 1, "and fails when nothing listens")

finish(tap, d)
