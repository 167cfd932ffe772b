"""History (issue 14) against the real daemon: revisions of every change to
a company, an announcement and a pledge (who, when, the request, the merge
patch, the record as it was), 410 Gone for deleted records with their
tombstones in /v1/deleted, the change feed in commit order under
concurrent writers, the feed as Server-Sent Events (resume from
Last-Event-ID, two clients alike, the stream cap, keep-alive comments,
SIGTERM), rates in the feed, the command line's writes, and history prune.
"""
import json
import os
import socket
import sys
import threading
import time

from harness import Daemon, Tap, finish, new_database, run_cli, sql_rows

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary, "--threads", "8", "--max-streams", "3")
alice = d.token
bob = run_cli(binary, "token", "add", "bob", "--db", d.db).stdout.strip().splitlines()[-1]
A = {"Authorization": "Bearer " + alice}
B = {"Authorization": "Bearer " + bob}
MERGE = {"Content-Type": "application/merge-patch+json"}


def merge_diff(before, after):
    """The RFC 7396 merge patch from before to after: the reference."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return after
    patch = {k: None for k in before if k not in after}
    for k, v in after.items():
        if k not in before or before[k] != v:
            patch[k] = merge_diff(before[k], v) if isinstance(before.get(k), dict) and isinstance(v, dict) else v
    return patch


class Stream:
    """A Server-Sent Events client on a raw socket: reads the chunked
    answer in a thread of its own and keeps every event and comment."""

    def __init__(self, path, last_event_id=None):
        self.events, self.comments, self.status, self.ended = [], [], None, False
        self.headers = {}
        self.sock = socket.create_connection(("127.0.0.1", d.port), timeout=60)
        extra = "Last-Event-ID: %s\r\n" % last_event_id if last_event_id is not None else ""
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n%s\r\n"
                           % (path, extra)).encode())
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self):
        f = self.sock.makefile("rb")
        try:
            self.status = int(f.readline().split()[1])
            while True:
                line = f.readline().decode().rstrip("\r\n")
                if not line:
                    break
                k, _, v = line.partition(":")
                self.headers[k.lower()] = v.strip()
            self.ready.set()
            if self.headers.get("transfer-encoding") != "chunked":
                f.read()
                self.ended = True
                return
            text = ""
            while True:
                size = int(f.readline().strip() or b"0", 16)
                if size == 0:
                    self.ended = True  # the last chunk: a clean end
                    return
                text += f.read(size).decode()
                f.readline()
                while "\n\n" in text:
                    block, text = text.split("\n\n", 1)
                    fields = {}
                    for line in block.split("\n"):
                        if line.startswith(":"):
                            self.comments.append(line)
                        else:
                            k, _, v = line.partition(": ")
                            fields[k] = v
                    if "data" in fields:
                        self.events.append((fields.get("id"), fields.get("event"), json.loads(fields["data"])))
        except (OSError, ValueError):
            pass
        finally:
            self.ready.set()

    def wait_for(self, n, timeout=10):
        deadline = time.time() + timeout
        while len(self.events) < n and time.time() < deadline:
            time.sleep(0.05)
        return len(self.events) >= n

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# A stream open from the start: it must see keep-alive comments while idle.
idle = Stream("/v1/changes?resource=rates")
tap.check(idle.status == 200 and idle.headers.get("content-type") == "text/event-stream"
          and idle.headers.get("cache-control") == "no-cache",
          "Accept: text/event-stream turns the feed into a stream", (idle.status, idle.headers))
t_idle = time.time()

# --- one record of each resource: create, patch twice, delete ----------------------------------
snapshots = {}  # path -> [GET body after each write]
request_ids = {}


def remember(path, r):
    request_ids.setdefault(path, []).append(r.header("X-Request-Id"))
    got = d.get(path)
    if got.status == 200:
        snapshots.setdefault(path, []).append(got.json)


r = d.request("POST", "/v1/companies", body={"name": "Contoso AI", "country": "US"}, headers=A)
tap.check(r.status == 201 and r.json["version"] == 1 and r.json["created_by"] == "tests"
          and r.json["updated_by"] == "tests", "a new company is version 1, created and updated by its token", r.json)
remember("/v1/companies/contoso-ai", r)
r = d.request("POST", "/v1/announcements", headers=A, body={
    "title": "Contoso will invest in Japan", "announced_on": "2024-04-10", "companies": ["contoso-ai"],
    "sources": [{"url": "https://example.com/contoso", "title": "Contoso in Japan"}],
    "pledges": [{"kind": "investment", "amount": {"currency": "USD", "value": "1000000"}}]})
ann = r.json["id"]
pid = r.json["pledges"][0]["id"]
tap.check(r.json["version"] == 1 and r.json["pledges"][0]["version"] == 1 and r.json["pledges"][0]["created_by"] == "tests",
          "a new announcement and its embedded pledge are version 1", r.json)
remember("/v1/announcements/%d" % ann, r)
request_ids["/v1/pledges/%d" % pid] = [r.header("X-Request-Id")]
snapshots["/v1/pledges/%d" % pid] = [d.get("/v1/pledges/%d" % pid).json]

patches = {
    "/v1/companies/contoso-ai": [{"website": "https://contoso.example"}, {"aliases": ["Contoso"], "country": None}],
    "/v1/announcements/%d" % ann: [{"summary": "US$1 million"}, {"title": "Contoso will invest US$1m in Japan"}],
    "/v1/pledges/%d" % pid: [{"status": "in_progress"}, {"amount": {"currency": "USD", "value": "2000000"}}],
}
for path, steps in patches.items():
    for body in steps:
        etag = d.get(path).header("ETag")
        r = d.request("PATCH", path, body=body, headers=dict(B, **MERGE, **{"If-Match": etag}))
        tap.check(r.status == 200 and r.json["updated_by"] == "bob" and r.json["created_by"] == "tests",
                  "PATCH %s by bob: updated_by bob, created_by kept" % path, r.json)
        remember(path, r)
    stale = d.request("PATCH", path, body=steps[0], headers=dict(B, **MERGE, **{"If-Match": '"stale"'}))
    tap.eq(stale.status, 412, "a stale If-Match on %s is 412" % path)
r = d.request("PATCH", "/v1/pledges/%d" % pid, body={"version": 9}, headers=dict(B, **MERGE))
tap.check(r.status == 422 and "read-only" in r.body.decode(), "version is read-only", r.body[:300])
r = d.request("PATCH", "/v1/companies/contoso-ai", body={"website": "https://contoso.example"}, headers=dict(B, **MERGE))
tap.check(r.status == 200 and r.json["version"] == 3, "a PATCH that changes nothing makes no new version", r.json)

# Deletes: the pledge, then the company's announcement (whole), then the company.
order = ["/v1/pledges/%d" % pid, "/v1/announcements/%d" % ann, "/v1/companies/contoso-ai"]
for path in order:
    r = d.request("DELETE", path, headers=B)
    tap.eq(r.status, 204, "DELETE %s" % path)
    request_ids[path].append(r.header("X-Request-Id"))

for path in order:
    name = path.split("/")[2]
    g = d.get(path)
    tap.check(g.status == 410 and g.json["deleted_by"] == "bob" and g.json["deleted_at"].endswith("Z")
              and g.json["history"] == path + "/history" and g.json["version"] == 4
              and g.header("Content-Type") == "application/problem+json",
              "GET %s is 410 Gone with deleted_at, deleted_by and its history" % path, g.body[:400])
    tap.eq(d.request("PATCH", path, body=patches[path][0], headers=dict(B, **MERGE)).status, 410,
           "PATCH of the deleted %s is 410" % name)
    tap.eq(d.request("DELETE", path, headers=B).status, 410, "DELETE of the deleted %s is 410" % name)
    h = d.get(path + "/history").json
    revs = h["data"]
    tap.eq([x["version"] for x in revs], [4, 3, 2, 1], "%s has 4 versions, newest first" % path)
    tap.eq([x["action"] for x in revs], ["delete", "update", "update", "create"], "%s: delete, update, update, create" % path)
    tap.eq([x["by"] for x in revs], ["bob", "bob", "bob", "tests"], "%s: by names each token" % path)
    tap.eq([x["request_id"] for x in revs], list(reversed(request_ids[path])),
           "%s: each revision names the request that made it" % path)
    # An announcement's revisions hold it without its pledges: each pledge
    # has a history of its own.
    snaps = [{k: v for k, v in x.items() if k != "pledges"} for x in snapshots[path]]
    tap.check(all(revs[3 - i]["record"] == snaps[i] for i in range(3)) and revs[0]["record"] is None,
              "%s: each revision's record is the record as GET showed it then (null after the delete)" % path)
    tap.check(revs[0]["changes"] is None and revs[3]["changes"] == snaps[0],
              "%s: a create's changes are the whole record, a delete's are null" % path, revs[0]["changes"])
    for i in (1, 2):
        got, want = revs[3 - i]["changes"], merge_diff(snaps[i - 1], snaps[i])
        tap.check(got == want and got.get("version") == i + 1 and got.get("updated_by") in (None, "bob"),
                  "%s: version %d's changes are the merge patch from version %d" % (path, i + 1, i), (got, want))
    for n in (1, 2, 3):
        v = d.get("%s?version=%d" % (path, n))
        tap.check(v.status == 200 and v.json == snaps[n - 1], "%s?version=%d reproduces the record as it was" % (path, n))
        one = d.get("%s/history/%d" % (path, n)).json
        tap.check(one["version"] == n and one["record"] == snaps[n - 1], "%s/history/%d is that revision" % (path, n))
    tap.eq(d.get(path + "?version=4").status, 404, "%s?version=4 (the delete) has no record to show" % path)
    tap.eq(d.get(path + "?version=9").status, 404, "%s has no version 9" % path)
    tap.eq(d.get(path + "?version=0").status, 400, "%s?version=0 is a bad parameter" % path)

# Keyset pages of a history.
seen, cursor = [], None
while True:
    page = d.get("/v1/pledges/%d/history?limit=1%s" % (pid, "&cursor=" + cursor if cursor else "")).json
    seen += [x["version"] for x in page["data"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
tap.eq(seen, [4, 3, 2, 1], "a history walks in pages of one, newest first, with its cursor")
tap.eq(d.get("/v1/pledges/%d/history?limit=1&cursor=zzz" % pid).status, 400, "a bad history cursor is 400")
tap.eq(d.get("/v1/pledges/999999/history").status, 404, "a pledge that never was has no history")

# Lists and stats never show deleted records.
tap.check(d.get("/v1/companies?q=contoso").json["data"] == []
          and all(p["id"] != pid for p in d.get("/v1/pledges?limit=500").json["data"])
          and all(a["id"] != ann for a in d.get("/v1/announcements?limit=500").json["data"])
          and d.get("/v1/stats/summary").json["pledges"] == 0,
          "lists and stats do not show deleted records")

# Tombstones.
t = d.get("/v1/deleted").json["data"]
kinds = [(x["resource"], x.get("id", x.get("slug"))) for x in t]
tap.check(("pledge", pid) in kinds and ("announcement", ann) in kinds and ("company", "contoso-ai") in kinds,
          "/v1/deleted lists the tombstones", kinds)
tap.eq([x.get("id") for x in d.get("/v1/deleted?resource=pledges").json["data"]], [pid],
       "/v1/deleted?resource=pledges lists pledges only")
tap.eq(d.get("/v1/deleted?since=2999-01-01").json["data"], [], "since= filters by the time of deletion")
tap.eq(len(d.get("/v1/deleted?since=2000-01-01T00:00:00Z").json["data"]), len(t), "since= takes a UTC time too")
p1 = d.get("/v1/deleted?limit=1").json
p2 = d.get("/v1/deleted?limit=1&cursor=" + p1["next_cursor"]).json
tap.check(p1["data"][0] != p2["data"][0] and p1["data"] + p2["data"] == t[:2], "tombstones page with a cursor", (p1, p2))
for bad in ("resource=widgets", "since=yesterday", "since=2024-13-01"):
    tap.eq(d.get("/v1/deleted?" + bad).status, 400, "/v1/deleted?%s is 400" % bad)

# --- cascades and follow-ups -----------------------------------------------------------------
d.request("POST", "/v1/companies", body={"name": "Fabrikam"}, headers=A)
r = d.request("POST", "/v1/announcements", headers=A, body={
    "title": "Fabrikam trains people", "announced_on": "2024-05-01", "companies": ["fabrikam"],
    "pledges": [{"kind": "training", "people": 1000}, {"kind": "training", "people": 2000}]})
fa, fp = r.json["id"], [p["id"] for p in r.json["pledges"]]
r = d.request("PATCH", "/v1/announcements/%d" % fa, body={"announced_on": "2024-05-02"}, headers=dict(A, **MERGE))
h = d.get("/v1/pledges/%d/history" % fp[0]).json["data"]
tap.check(len(h) == 2 and h[0]["action"] == "update" and h[0]["changes"].get("announced_on") == "2024-05-02",
          "pledges that follow their announcement's new date get a revision each", h[:1])
r = d.request("PATCH", "/v1/announcements/%d" % fa, headers=dict(A, **MERGE),
              body={"pledges": [{"kind": "training", "people": 3000}]})
new_pledge = r.json["pledges"][0]["id"]
tap.check(all(d.get("/v1/pledges/%d" % i).status == 410 for i in fp)
          and d.get("/v1/pledges/%d/history" % new_pledge).json["data"][0]["action"] == "create",
          "replacing the pledges leaves tombstones of the old ones and creates the new")
d.request("PATCH", "/v1/companies/fabrikam", body={"slug": "fabrikam-ai"}, headers=dict(A, **MERGE))
h = d.get("/v1/companies/fabrikam-ai/history").json["data"]
tap.check([x["version"] for x in h] == [2, 1] and h[0]["slug"] == "fabrikam-ai" and h[1]["slug"] == "fabrikam"
          and h[0]["changes"].get("slug") == "fabrikam-ai",
          "a renamed company keeps its history under the new slug", h)
tap.eq(d.get("/v1/companies/fabrikam").status, 404, "the old slug of a renamed company is 404, not 410")
d.request("DELETE", "/v1/announcements/%d" % fa, headers=A)
tap.check(d.get("/v1/pledges/%d" % new_pledge).status == 410
          and d.get("/v1/pledges/%d/history" % new_pledge).json["data"][0]["action"] == "delete",
          "deleting an announcement leaves a tombstone for each of its pledges")
d.request("DELETE", "/v1/companies/fabrikam-ai", headers=A)
again = d.request("POST", "/v1/companies", body={"name": "Fabrikam AI"}, headers=A)
tap.check(again.status == 201 and again.json["version"] == 1
          and [x["action"] for x in d.get("/v1/companies/fabrikam-ai/history").json["data"]] == ["create"],
          "a new company under a deleted company's slug starts a history of its own", again.json)

# --- the command line ------------------------------------------------------------------------
imp = os.path.join(d.dir, "one.jsonl")
with open(imp, "w") as fh:
    fh.write(json.dumps({"company": {"name": "Northwind"}}) + "\n")
    fh.write(json.dumps({"title": "Northwind builds", "announced_on": "2024-03-01", "companies": ["northwind"],
                         "pledges": [{"kind": "investment", "amount": {"currency": "EUR", "value": "5"}}]}) + "\n")
res = run_cli(binary, "import", imp, "--db", d.db)
nw = d.get("/v1/announcements?q=northwind").json["data"][0]
h = d.get("/v1/announcements/%d/history" % nw["id"]).json["data"]
hp = d.get("/v1/pledges?company=northwind").json["data"][0]
tap.check(res.returncode == 0 and len(h) == 1 and h[0]["by"] == "cli" and h[0]["action"] == "create"
          and hp["created_by"] == "cli" and d.get("/v1/companies/northwind/history").json["data"][0]["by"] == "cli",
          "an import records one create revision per record, by cli", (res.stderr, h))

# --- rates in the feed -----------------------------------------------------------------------
r = d.request("PUT", "/v1/rates/JPY/2024-04-10", body={"per_usd": "151.5"}, headers=A)
r2 = d.request("PUT", "/v1/rates/JPY/2024-04-10", body={"per_usd": "151.6"}, headers=A)
rf = d.get("/v1/changes?resource=rates&since=0").json["data"]
tap.check(r.status in (200, 201) and [(x["resource"], x["key"], x["version"], x["by"]) for x in rf]
          == [("rate", "JPY/2024-04-10", 1, "tests"), ("rate", "JPY/2024-04-10", 2, "tests")]
          and rf[1]["record"]["per_usd"] == "151.6",
          "a rate PUT is a revision in the feed, keyed by currency and date", rf)
csv = os.path.join(d.dir, "rates.csv")
with open(csv, "w") as fh:
    fh.write("date,currency,per_usd\n2024-04-11,JPY,151.9\n2024-04-12,JPY,152.0\n")
run_cli(binary, "rates", "import", csv, "--db", d.db)
rf = d.get("/v1/changes?resource=rates&since=0").json["data"]
tap.check(len(rf) == 3 and rf[2]["resource"] == "rates" and rf[2]["source"] == "import" and rf[2]["by"] == "cli"
          and rf[2]["record"]["added_or_changed"] == 2,
          "rates import is one revision per run, not per row", rf[2:])
tap.check(idle.wait_for(2, 5) and [e[2]["resource"] for e in idle.events][:2] == ["rate", "rate"],
          "a stream of rates only hears of the rate changes", [e[2].get("key") for e in idle.events])
t_idle = time.time()  # its last event: the keep-alive period starts again

# --- the feed in commit order under concurrent writers ---------------------------------------
acked, lock, stop = [], threading.Lock(), threading.Event()


def writer(n):
    for i in range(60):
        r = d.request("POST", "/v1/companies", body={"name": "Feed W%d N%d" % (n, i)}, headers=A)
        if r.status == 201:
            with lock:
                acked.append(r.header("X-Request-Id"))


walked, cursor, polls = [], "0", 0


def walker():
    global cursor, polls
    while True:
        done = stop.is_set()
        page = d.get("/v1/changes?limit=7&since=" + cursor).json
        walked.extend(page["data"])
        cursor = page["next_cursor"]
        polls += 1
        if done and not page["data"]:
            return


threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
w = threading.Thread(target=walker)
w.start()
[t.start() for t in threads]
[t.join() for t in threads]
stop.set()
w.join()
seqs = [int(x["cursor"]) for x in walked]
all_seqs = [row[0] for row in sql_rows(d.db, "SELECT seq FROM revisions ORDER BY seq")]
tap.check(seqs == sorted(set(seqs)) and seqs == all_seqs,
          "a client paging the feed while 6 clients write sees every revision once, in commit order "
          "(%d revisions, %d polls)" % (len(seqs), polls), (len(seqs), len(all_seqs)))
feed_ids = {x["request_id"] for x in walked}
tap.check(len(acked) == 360 and set(acked) <= feed_ids, "every acknowledged write is in the feed", len(acked))
last = d.get("/v1/changes?since=%s" % cursor).json
tap.check(last["data"] == [] and last["next_cursor"] == cursor, "next_cursor is given even when nothing is new", last)
tap.eq(d.get("/v1/changes?since=abc").status, 400, "a bad cursor is 400")

# --- Server-Sent Events ----------------------------------------------------------------------
s1 = Stream("/v1/changes?resource=pledges")
s2 = Stream("/v1/changes?resource=pledges")
r = d.request("POST", "/v1/announcements", headers=A, body={
    "title": "Streamed", "announced_on": "2024-06-01", "companies": ["northwind"],
    "pledges": [{"kind": "investment", "amount": {"currency": "USD", "value": str(i + 1)}} for i in range(3)]})
sp = [p["id"] for p in r.json["pledges"]]
tap.check(s1.wait_for(3) and s2.wait_for(3), "two streams hear of a commit as it happens")
tap.check([e[2]["id"] for e in s1.events] == sp and [e[0] for e in s1.events] == [e[0] for e in s2.events]
          and all(e[1] == "change" for e in s1.events) and s1.events[0][2]["action"] == "create"
          and s1.events[0][2]["record"]["id"] == sp[0],
          "both see the same events, in commit order, each with the record after", (s1.events[:1], s2.events[:1]))
cap = Stream("/v1/changes")
answer = d.raw_exchange(b"GET /v1/changes HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\n"
                        b"Connection: close\r\n\r\n")
tap.check(answer.startswith(b"HTTP/1.1 503") and b"Retry-After: 5" in answer,
          "beyond --max-streams (3) a stream is refused: 503 with Retry-After", answer[:300])
cap.close()
metrics = d.get("/metrics").body.decode()
tap.check('pledged_event_streams{state="max"} 3' in metrics, "/metrics shows the streams and their cap",
          [l for l in metrics.splitlines() if "streams" in l])
# Resume: a client that was away gets exactly what it missed.
last_id = s1.events[-1][0]
s1.close()
for i in range(4):
    d.request("PATCH", "/v1/pledges/%d" % sp[0], body={"people": i + 1}, headers=dict(A, **MERGE))
back = Stream("/v1/changes?resource=pledges", last_event_id=last_id)
tap.check(back.wait_for(4), "a stream resumed with Last-Event-ID gets what it missed")
tap.check([e[2]["version"] for e in back.events] == [2, 3, 4, 5] and int(back.events[0][0]) > int(last_id),
          "nothing missed and nothing twice", [(e[0], e[2]["version"]) for e in back.events])
tap.check(s2.wait_for(7) and [e[0] for e in s2.events[3:]] == [e[0] for e in back.events],
          "the stream that stayed saw the same events")
bad = Stream("/v1/changes", last_event_id="abc")
tap.eq(bad.status, 400, "a bad Last-Event-ID is 400")
# Keep-alive: the idle stream has heard nothing since the rates' events.
time.sleep(max(0, 16 - (time.time() - t_idle)))
tap.check(any("keep-alive" in c for c in idle.comments), "an idle stream gets a comment every 15 s",
          (idle.comments, time.time() - t_idle))

# --- export --with-history and import: a restore ---------------------------------------------
exp = run_cli(binary, "export", "--with-history", "--db", d.db, timeout=60)
lines = exp.stdout.splitlines()
revision_lines = [l for l in lines if l.startswith('{"revision"')]
n_revisions = sql_rows(d.db, "SELECT count(*) FROM revisions")[0][0]
tap.check(exp.returncode == 0 and len(revision_lines) == n_revisions and '"restore"' in lines[0],
          "export --with-history writes each record with its id and version, then every revision (%d)"
          % n_revisions, exp.stderr)
tap.check(run_cli(binary, "export", "--db", d.db).stdout.count('"restore"') == 0,
          "a plain export has no history in it")
dump = os.path.join(d.dir, "with-history.jsonl")
with open(dump, "w") as fh:
    fh.write(exp.stdout)
restored = new_database(d.dir, "restored")
res = run_cli(binary, "import", dump, "--db", restored, timeout=120)
again = run_cli(binary, "export", "--with-history", "--db", restored, timeout=60)
tap.check(res.returncode == 0 and "0 refused" in res.stdout and again.stdout == exp.stdout,
          "export --with-history -> import into an empty database -> export gives the same bytes",
          (res.stdout, res.stderr[-800:], [a for a, b in zip(again.stdout.splitlines(), lines) if a != b][:2]))
os.makedirs(os.path.join(d.dir, "r2"), exist_ok=True)
r2 = Daemon(binary, db=restored, workdir=os.path.join(d.dir, "r2"))
tap.check(r2.get("/v1/pledges/%d" % pid).status == 410
          and r2.get("/v1/pledges/%d/history" % sp[0]).json == d.get("/v1/pledges/%d/history" % sp[0]).json
          and r2.get("/v1/changes?since=0&limit=500").json == d.get("/v1/changes?since=0&limit=500").json,
          "the restored database has the same histories, tombstones and feed")
fresh = r2.request("POST", "/v1/companies", body={"name": "After The Restore"})
top = sql_rows(d.db, "SELECT max(record_id) FROM revisions WHERE resource = 'company'")[0][0]
tap.check(fresh.status == 201 and fresh.json["version"] == 1
          and r2.get("/v1/companies/after-the-restore/history").json["data"][0]["action"] == "create",
          "writes go on after a restore, with histories of their own", fresh.json)
new_id = sql_rows(restored, "SELECT id FROM companies WHERE slug = 'after-the-restore'")[0][0]
tap.check(new_id > top, "a new record's id lies above every id the history names, deleted ones' too (%d > %d)"
          % (new_id, top))
r2.stop()
res = run_cli(binary, "import", dump, "--db", restored, timeout=120)
tap.check("goes into an empty database only" in res.stderr and " 0 imported" in res.stdout,
          "a file with history is refused line by line by a database that is not empty", (res.stdout, res.stderr[:300]))

# --- history prune ---------------------------------------------------------------------------
total = sql_rows(d.db, "SELECT count(*) FROM revisions")[0][0]
res = run_cli(binary, "history", "prune", "--before", "2999-01-01", "--db", d.db)
tap.check(res.returncode == 1 and "would be dropped" in res.stdout and "--yes" in res.stdout
          and sql_rows(d.db, "SELECT count(*) FROM revisions")[0][0] == total,
          "history prune without --yes only says how many it would drop", res.stdout + res.stderr)
res = run_cli(binary, "history", "prune", "--before", "2999-01-01", "--yes", "--db", d.db)
h = d.get("/v1/pledges/%d/history" % sp[0]).json["data"]
tap.check(res.returncode == 0 and [x["version"] for x in h] == [5] and h[0]["changes"] == h[0]["record"]
          and d.get("/v1/pledges/%d/history" % pid).json["data"][0]["action"] == "delete"
          and d.get("/v1/pledges/%d" % pid).status == 410,
          "with --yes it keeps each record's latest revision only, tombstones included", (res.stdout, h[:1]))
tap.eq(run_cli(binary, "history", "prune", "--db", d.db).returncode, 2, "history prune needs --before")

# SIGTERM ends the streams cleanly.
t0 = time.time()
rc = d.stop()
s2.thread.join(5)
back.thread.join(5)
tap.check(rc == 0 and s2.ended and back.ended and idle.ended and time.time() - t0 < 5,
          "SIGTERM ends every stream cleanly (the last chunk sent) and the daemon exits 0 (%.1f s)" % (time.time() - t0),
          (rc, s2.ended, back.ended, idle.ended))
tap.check(d.sanitizer_report() is None, "no sanitizer report", d.log_text()[-3000:])
d.cleanup()
tap.done()
