"""Readers keep their snapshot between requests (server/store/sqlite/
readers.h): none of it may show. A daemon with 8 threads is read on 32
kept-alive connections, so that every thread holds a snapshot, then:
- after each PATCH, every connection reads the new value at once (the
  daemon's own writes), with the answer cache on and off;
- a token added by the command line (another process) works at once on
  every connection, and stops working at once when it is revoked;
- (SQLite) once the threads are idle, no snapshot is left behind: a
  checkpoint by another connection copies the whole WAL;
- (SQLite) the daemon holds SQLite's in-use lock on the shared memory, and
  serves on after another process has opened the database.
The last check waits a second for the reaper (it ends an idle snapshot
within 0.2 s); no other timing is asserted."""
import fcntl
import http.client
import json
import os
import sqlite3
import struct
import sys
import time

from harness import POSTGRESQL, Daemon, Tap, finish, run_cli

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary, "--threads", "8")

r = d.request("POST", "/v1/companies", body={"name": "Acme"})
tap.eq(r.status, 201, "a company")
r = d.request("POST", "/v1/announcements", body={
    "title": "Acme invests", "announced_on": "2024-06-04", "companies": ["acme"],
    "sources": [{"url": "https://example.com/acme"}]})
tap.eq(r.status, 201, "an announcement")
ann = r.json["id"]
r = d.request("POST", "/v1/pledges", body={
    "announcement_id": ann, "kind": "training", "description": "Course 0", "people": 10})
tap.eq(r.status, 201, "a pledge")
pid = r.json["id"]


def connections(daemon, n=32):
    return [http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30) for _ in range(n)]


def fetch(conn, method, path, headers=None, body=None):
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data


def read_your_writes(daemon, label):
    conns = connections(daemon)
    for c in conns:  # every thread takes a snapshot, twice
        for _ in range(2):
            fetch(c, "GET", "/v1/pledges/%d" % pid)
    stale = []
    for round_ in range(1, 21):
        text = "%s %d" % (label, round_)
        r = daemon.request("PATCH", "/v1/pledges/%d" % pid, body={"description": text})
        if r.status != 200:
            stale.append(("patch", r.status))
            break
        for i, c in enumerate(conns):
            status, data = fetch(c, "GET", "/v1/pledges/%d" % pid)
            seen = json.loads(data).get("description") if status == 200 else status
            if seen != text:
                stale.append((round_, i, seen))
    [c.close() for c in conns]
    tap.check(not stale, "%s: after each of 20 PATCHes all 32 kept-alive connections read the new "
              "description" % label, stale[:5])


read_your_writes(d, "answer cache on")

conns = connections(d)
for c in conns:
    fetch(c, "GET", "/v1/pledges/%d" % pid)
refused = []
for n in range(5):
    out = run_cli(binary, "token", "add", "later-%d" % n, "--db", d.db)
    token = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else ""
    for i, c in enumerate(conns):
        status, _ = fetch(c, "POST", "/v1/companies", headers={
            "Authorization": "Bearer " + token, "Content-Type": "application/json"},
            body=json.dumps({"name": "Firm %d-%d" % (n, i)}))
        if status != 201:
            refused.append((n, i, status))
    out = run_cli(binary, "token", "revoke", "later-%d" % n, "--db", d.db)
    for i, c in enumerate(conns):
        status, _ = fetch(c, "POST", "/v1/companies", headers={
            "Authorization": "Bearer " + token, "Content-Type": "application/json"},
            body=json.dumps({"name": "Late %d-%d" % (n, i)}))
        if status != 401:
            refused.append(("revoked", n, i, status))
[c.close() for c in conns]
tap.check(not refused, "a token the command line adds works at once on every connection, and is "
          "refused at once once revoked (5 tokens, 32 connections)", refused[:5])

if not POSTGRESQL:
    conns = connections(d)
    for c in conns:
        fetch(c, "GET", "/v1/pledges/%d" % pid)
    for n in range(40):  # frames the idle threads' snapshots are older than
        r = d.request("POST", "/v1/pledges", body={
            "announcement_id": ann, "kind": "training", "description": "More %d" % n, "people": 1})
    time.sleep(1.0)
    conn = sqlite3.connect(d.db, timeout=5)
    busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    conn.close()
    tap.check(log == copied, "idle threads keep no snapshot: a checkpoint copies the whole WAL",
              (busy, log, copied))
    [c.close() for c in conns]

    # The daemon holds SQLite's "in use" lock on the WAL index's shared
    # memory: a read lock on byte 128 of the -shm file (os_unix.c's
    # UNIX_SHM_DMS). Without it, a process that opens the database takes
    # the shared memory for abandoned and truncates it, and the daemon's
    # mapping of it faults: readers.c once opened and closed a descriptor
    # of its own on that file, which drops every lock the process holds
    # on it, and the daemon died of SIGBUS under `pledged backup`.
    fd = os.open(d.db + "-shm", os.O_RDWR)
    try:
        lock = fcntl.fcntl(fd, fcntl.F_GETLK,
                           struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 128, 1, 0))
    finally:
        os.close(fd)
    kind, _, _, _, holder = struct.unpack("hhqqi4x", lock)
    tap.check(kind == fcntl.F_RDLCK and holder == d.proc.pid,
              "the daemon holds SQLite's in-use lock on the WAL index's shared memory",
              (kind, holder, d.proc.pid))
    other = sqlite3.connect(d.db, timeout=5)
    other.execute("SELECT count(*) FROM pledges").fetchone()
    other.close()
    after = [d.request("POST", "/v1/pledges", body={
        "announcement_id": ann, "kind": "training", "description": "After %d" % n,
        "people": 1}).status for n in range(20)]
    tap.check(after == [201] * 20 and d.get("/v1/pledges/%d" % pid).status == 200 and
              d.proc.poll() is None,
              "after another process opened and read the database, 20 writes and a read are served",
              (after, d.proc.poll()))

d.stop()
d.extra.append("--no-answer-cache")
d.start()
read_your_writes(d, "answer cache off")

finish(tap, d)
