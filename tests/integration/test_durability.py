"""Durability under kill -9: several clients write continuously, the daemon
(8 threads, so writes share group commits) is killed with SIGKILL
mid-stream and restarted on the same database; every write that got a 2xx
answer must be there, none that got a 4xx may be, and PRAGMA
integrity_check must pass (SQLite: on PostgreSQL the server, not pledged,
keeps its files, and it is the daemon that is killed). Three rounds on one
database."""
import os
import signal
import sys
import threading
import time

from harness import Daemon, Tap, finish, is_postgresql, sql_rows

tap = Tap()
d = Daemon(sys.argv[1], "--threads", "8")
acked = []          # (kind, key) of writes that got 2xx
refused = []        # title words of writes answered 409, which must leave nothing
lock = threading.Lock()

ann = d.request("POST", "/v1/companies", body={"name": "Durable"})
taken = d.request("POST", "/v1/announcements", body={
    "title": "Holds the taken URL zholder", "announced_on": "2024-06-04", "companies": ["durable"],
    "sources": [{"url": "https://example.com/taken"}]})
tap.eq(taken.status, 201, "an announcement holds the URL the refused writes ask for")
tap.eq(d.get("/v1/announcements?count=true&q=zholder").json["total"], 1,
       "a word of a title finds its announcement (how refused writes are looked for)")
for rnd in range(3):
    stop = threading.Event()

    def writer(n):
        i = 0
        while not stop.is_set() and i < 2000:
            i += 1
            try:
                if i % 7 == 0:
                    # A source URL another announcement has: 409, in a batch
                    # with the others' writes.
                    word = "zrefused%dw%dn%d" % (rnd, n, i)
                    r = d.request("POST", "/v1/announcements", body={
                        "title": "Refused " + word, "announced_on": "2024-06-04", "companies": ["durable"],
                        "sources": [{"url": "https://example.com/taken"}]})
                    if r.status == 409:
                        with lock:
                            refused.append(word)
                elif i % 2:
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
    if not is_postgresql(d.db):
        check = sql_rows(d.db, "PRAGMA integrity_check")[0][0]
        tap.eq(check, "ok", "round %d: after SIGKILL the database passes integrity_check" % rnd)
    # History (issue 14): every record has the revision of its version, and
    # each record's latest revision agrees with the table: no revision
    # without its change, no change without its revision.
    broken = {}
    for res, table in (("company", "companies"), ("announcement", "announcements"), ("pledge", "pledges")):
        missing = sql_rows(d.db,
            "SELECT count(*) FROM %s t WHERE NOT EXISTS (SELECT 1 FROM revisions r WHERE r.resource = '%s'"
            " AND r.record_id = t.id AND r.version = t.version)" % (table, res))[0][0]
        disagree = sql_rows(d.db,
            "SELECT count(*) FROM revisions r WHERE r.resource = '%s' AND r.version = (SELECT max(version)"
            " FROM revisions x WHERE x.resource = '%s' AND x.record_id = r.record_id) AND CASE r.action"
            " WHEN 'delete' THEN EXISTS (SELECT 1 FROM %s t WHERE t.id = r.record_id)"
            " ELSE coalesce((SELECT version FROM %s t WHERE t.id = r.record_id), -1) != r.version END"
            % (res, res, table, table))[0][0]
        if missing or disagree:
            broken[res] = (missing, disagree)
    revisions = sql_rows(d.db, "SELECT count(*) FROM revisions")[0][0]
    tap.check(not broken and revisions > 20,
              "round %d: every change has its revision and every revision its change (%d revisions)"
              % (rnd, revisions), broken)
    d.start()
    lost = []
    for kind, key in list(acked):
        path = "/v1/companies/%s" % key if kind == "company" else "/v1/announcements/%d" % key
        if d.get(path).status != 200:
            lost.append((kind, key))
    tap.check(not lost and len(acked) > 20,
              "round %d: all %d acknowledged writes survived the kill" % (rnd, len(acked)), lost[:5])
    present = [w for w in list(refused) if d.get("/v1/announcements?count=true&q=" + w).json["total"] != 0]
    tap.check(refused and not present,
              "round %d: none of the %d writes answered 409 left anything" % (rnd, len(refused)), present[:5])
    r = d.get("/v1/pledges?count=true&limit=1")
    n_ann = sum(1 for k, _ in acked if k == "announcement")
    tap.check(r.json["total"] >= n_ann, "round %d: every acknowledged announcement kept its pledge" % rnd, r.json)

finish(tap, d)
