"""Durability under kill -9: several clients write continuously, the daemon
is killed with SIGKILL mid-stream and restarted on the same database; every
write that got a 2xx answer must be there, and PRAGMA integrity_check must
pass. Three rounds on one database."""
import os
import signal
import sqlite3
import sys
import threading
import time

from harness import Daemon, Tap, finish

tap = Tap()
d = Daemon(sys.argv[1])
acked = []          # (kind, key) of writes that got 2xx
lock = threading.Lock()

ann = d.request("POST", "/v1/companies", body={"name": "Durable"})
for rnd in range(3):
    stop = threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set() and i < 2000:
            i += 1
            try:
                if i % 2:
                    r = d.request("POST", "/v1/companies", body={"name": "R%d W%d N%d" % (rnd, n, i)})
                    if 200 <= r.status < 300:
                        with lock:
                            acked.append(("company", r.json["slug"]))
                else:
                    r = d.request("POST", "/v1/announcements", body={
                        "title": "R%d W%d N%d" % (rnd, n, i), "announced_on": "2024-06-04", "companies": ["durable"],
                        "sources": [{"url": "https://example.com/r%d/w%d/%d" % (rnd, n, i)}],
                        "pledges": [{"kind": "investment", "amount": {"currency": "JPY", "value": str(1000 + i)}}]})
                    if 200 <= r.status < 300:
                        with lock:
                            acked.append(("announcement", r.json["id"]))
            except Exception:
                pass  # the connection died with the daemon: not acknowledged

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    [t.start() for t in threads]
    time.sleep(1.0 + 0.3 * rnd)
    os.kill(d.proc.pid, signal.SIGKILL)
    d.proc.wait(timeout=10)
    stop.set()
    [t.join() for t in threads]
    d.log.close()
    conn = sqlite3.connect(d.db)
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    tap.eq(check, "ok", "round %d: after SIGKILL the database passes integrity_check" % rnd)
    d.start()
    lost = []
    for kind, key in list(acked):
        path = "/v1/companies/%s" % key if kind == "company" else "/v1/announcements/%d" % key
        if d.get(path).status != 200:
            lost.append((kind, key))
    tap.check(not lost and len(acked) > 20,
              "round %d: all %d acknowledged writes survived the kill" % (rnd, len(acked)), lost[:5])
    r = d.get("/v1/pledges?count=true&limit=1")
    n_ann = sum(1 for k, _ in acked if k == "announcement")
    tap.check(r.json["total"] >= n_ann, "round %d: every acknowledged announcement kept its pledge" % rnd, r.json)

finish(tap, d)
