"""Group commit through HTTP: many clients write at once to a daemon with
16 threads, so their writes share transactions. Valid and invalid writes
are mixed; each gets its own answer, every 2xx write is there afterwards
and no 4xx write left anything. The same Idempotency-Key sent by several
clients at once makes exactly one write, whichever batches they land in.
/metrics counts the batches and the writes they held (never more batches
than writes). A write waiting for the lock holds up no read on its worker
thread. No timing is asserted."""
import os
import sys
import threading

from harness import POSTGRESQL, Daemon, Tap, WriteLockHolder, finish

tap = Tap()
d = Daemon(sys.argv[1], "--threads", "16")

r = d.request("POST", "/v1/companies", body={"name": "Acme"})
tap.eq(r.status, 201, "a company to file against")
r = d.request("POST", "/v1/announcements", body={
    "title": "Acme invests", "announced_on": "2024-06-04", "companies": ["acme"],
    "sources": [{"url": "https://example.com/acme"}]})
tap.eq(r.status, 201, "an announcement to add pledges to")
ann = r.json["id"]

results = {}
lock = threading.Lock()


def client(n):
    for i in range(25):
        key = "c%d-%d" % (n, i)
        kind = i % 4
        if kind == 0:    # valid company
            r = d.request("POST", "/v1/companies", body={"name": "Firm %s" % key})
        elif kind == 1:  # invalid: a slug that is taken (409)
            r = d.request("POST", "/v1/companies", body={"name": "Dup %s" % key, "slug": "acme"})
        elif kind == 2:  # valid pledge
            r = d.request("POST", "/v1/pledges", body={
                "announcement_id": ann, "kind": "training", "description": "Course %s" % key,
                "people": 10 + i})
        else:            # invalid pledge: no such announcement (422)
            r = d.request("POST", "/v1/pledges", body={
                "announcement_id": ann + 1000, "kind": "training", "description": "Lost %s" % key})
        with lock:
            results[key] = (kind, r.status, r.json if r.body else None)


threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
[t.start() for t in threads]
[t.join() for t in threads]

want = {0: 201, 1: 409, 2: 201, 3: 422}
wrong = [(k, v[0], v[1]) for k, v in results.items() if v[1] != want[v[0]]]
tap.check(len(results) == 300 and not wrong, "each of 300 concurrent writes got its own answer", wrong[:5])
missing = []
for key, (kind, status, doc) in results.items():
    if kind == 0 and d.get("/v1/companies/%s" % doc["slug"]).status != 200:
        missing.append(key)
    if kind == 2 and d.get("/v1/pledges/%d" % doc["id"]).status != 200:
        missing.append(key)
tap.check(not missing, "every 2xx write is there", missing[:5])
n_firms = sum(1 for v in results.values() if v[0] == 0)
n_pledges = sum(1 for v in results.values() if v[0] == 2)
firms = d.get("/v1/companies?q=Firm&count=true&limit=1").json["total"]
dups = d.get("/v1/companies?q=Dup&count=true&limit=1").json["total"]
tap.check(firms == n_firms == 84 and dups == 0,
          "84 companies written, none of the refused ones (%d, %d)" % (firms, dups))
pledges = d.get("/v1/pledges?announcement=%d&count=true&limit=1" % ann).json["total"]
courses = d.get("/v1/pledges?q=Course&count=true&limit=1").json["total"]
lost = d.get("/v1/pledges?q=Lost&count=true&limit=1").json["total"]
tap.check(pledges == courses == n_pledges == 72 and lost == 0,
          "72 pledges written and found by a word, none of the refused ones (%d, %d, %d)"
          % (pledges, courses, lost))

# The same Idempotency-Key from 8 clients at once, five times over.
for rnd in range(5):
    answers = []

    def same_key(rnd=rnd):
        r = d.request("POST", "/v1/companies", body={"name": "Once %d" % rnd},
                      headers={"Idempotency-Key": "once-%d" % rnd})
        with lock:
            answers.append((r.status, r.header("Idempotent-Replayed"), r.body))

    ts = [threading.Thread(target=same_key) for _ in range(8)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    firsts = [a for a in answers if a[1] is None]
    replays = [a for a in answers if a[1] == "true"]
    tap.check(len(answers) == 8 and all(a[0] == 201 for a in answers) and len(firsts) == 1 and
              len(replays) == 7 and all(a[2] == firsts[0][2] for a in replays),
              "round %d: one key from 8 clients at once: one write, 7 replays of its answer" % rnd,
              [(a[0], a[1]) for a in answers])
    tap.eq(d.get("/v1/companies?q=Once+%d&count=true&limit=1" % rnd).json["total"], 1,
           "round %d: exactly one company was written" % rnd)

if not POSTGRESQL:
    # WAL checkpoints run on a thread of their own (sqlite/checkpointer.c),
    # not inside a batch's COMMIT; they must still run. A burst of writes
    # that would take the WAL past 18,000 pages without them leaves it
    # under 7,000 (4,000 and a batch).
    def burst(n):
        for i in range(100):
            d.request("POST", "/v1/pledges", body={
                "announcement_id": ann, "kind": "training", "description": "Burst %d-%d" % (n, i),
                "people": 1 + i})

    ts = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    wal = os.path.getsize(d.db + "-wal")
    tap.check(d.get("/v1/pledges?q=Burst&count=true&limit=1").json["total"] == 800 and
              wal < 7000 * 4096,
              "800 more writes (about 75 MB of WAL without checkpoints): the WAL stays under"
              " 7,000 pages (%d bytes)" % wal)

metrics = d.get("/metrics").body.decode()
values = {}
for line in metrics.splitlines():
    if line.startswith("pledged_write_batches_total ") or line.startswith("pledged_writes_total "):
        name, value = line.split()
        values[name] = int(value)
tap.check(values.get("pledged_writes_total", 0) >= 342 and
          0 < values.get("pledged_write_batches_total", 0) <= values["pledged_writes_total"],
          "/metrics counts the writes and the batches that held them", values)

# A write waits for the writer off the HTTP worker threads (server/http/
# offload.h), so it holds up no other connection of its worker. With one
# worker thread and the write lock held by another process, a POST waits
# (up to the 5 s lock timeout); a GET on another connection is answered
# meanwhile, and the POST commits once the lock is let go. Were the POST
# waiting on the worker, the GET would wait for it, and the POST would run
# out of time (503) before the lock is let go.
one = Daemon(sys.argv[1], "--threads", "1", db=d.db, token=False)
one.token = d.token
holder = WriteLockHolder(d.db)
posted = {}


def post_waiting():
    posted["r"] = one.request("POST", "/v1/companies", body={"name": "Patient Co"})


poster = threading.Thread(target=post_waiting)
poster.start()
poster.join(0.5)  # only lets the POST reach the writer first; nothing is timed
got = one.get("/v1/companies/acme")
waiting = poster.is_alive()
holder.release()
poster.join()
tap.check(got.status == 200 and waiting and posted["r"].status == 201,
          "one worker thread: a GET is answered while a POST on another connection waits for"
          " the write lock, and the POST commits once it is let go",
          (got.status, waiting, posted["r"].status))
rc = one.stop()
tap.check(rc == 0 and one.sanitizer_report() is None,
          "that daemon exits 0 on SIGTERM with no sanitizer report", (rc, one.log_text()[-3000:]))
one.cleanup()

finish(tap, d)
