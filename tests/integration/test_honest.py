"""Honest numbers (API.md §6, §7) over HTTP: committed money apart from
targets in every total, figure qualifiers and date precision (validated
with every error at once, filtered, in CSV and in export/import), dates in
range, ids never reused after a delete (also under concurrent creates and
deletes), Idempotency-Keys that belong to their token, the sample data as
the articles state it, and a version-4 database moved forward keeping
every id."""
import csv
import datetime
import io
import json
import os
import sqlite3
import sys
import threading

from harness import Daemon, finish, new_database, run_cli, Tap

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary)


def fields(r):
    return sorted(e["field"] for e in r.json.get("errors", []))


def cents(v):
    whole, frac = v.split(".")
    return int(whole) * 100 + int(frac)


today = datetime.datetime.now(datetime.timezone.utc).date()
tomorrow = (today + datetime.timedelta(days=1)).isoformat()
day_after = (today + datetime.timedelta(days=2)).isoformat()

# --- an empty database: every total is an honest zero ----------------------------------------
for group in ("company", "country", "kind", "status", "currency", "year", "month"):
    r = d.get("/v1/stats/totals?group_by=" + group)
    tap.check(r.status == 200 and r.json["rows"] == [] and r.json["total"]["pledges"] == 0
              and r.json["total"]["amount_usd"]["value"] == "0.00" and r.json["total"]["targets_usd"]["value"] == "0.00",
              "totals by %s of an empty database are no rows and a zero total" % group, r)
r = d.get("/v1/stats/summary")
tap.check(r.status == 200 and r.json["total_usd"]["value"] == "0.00" and r.json["first_announced_on"] is None
          and r.json["first_announced_on_precision"] is None, "the summary of an empty database", r)

for c in ({"name": "Hitachi", "country": "JP"}, {"name": "Microsoft", "country": "US"}):
    d.request("POST", "/v1/companies", body=c)

base = {"title": "Hitachi plans", "announced_on": "2024-06-04", "companies": ["hitachi"],
        "sources": [{"url": "https://example.com/h1", "published_on": "2024-06-05"}],
        "pledges": [{"kind": "training", "people": 50000, "people_qualifier": "at_least"}]}

# --- bad input first: every error at once, nothing written ---------------------------------
bad = json.loads(json.dumps(base))
bad["announced_on"] = "2024-05-31"
bad["announced_on_precision"] = "week"
bad["sources"][0]["published_on"] = day_after
bad["pledges"] = [
    {"kind": "investment", "amount": {"currency": "JPY", "value": "300000000000"}, "amount_qualifier": "roughly"},
    {"kind": "training", "description": "no figure", "people_qualifier": "at_least", "amount_qualifier": "about"},
    {"kind": "investment", "amount": {"currency": "USD", "value": "1"}, "starts_on": "1969-12-31", "ends_on": "2101-01-01"},
    {"kind": "training", "people": 10, "people_qualifier": 3},
]
r = d.request("POST", "/v1/announcements", body=bad)
tap.check(r.status == 422 and fields(r) == sorted([
    "announced_on_precision", "sources[0].published_on", "pledges[0].amount_qualifier",
    "pledges[1].people_qualifier", "pledges[1].amount_qualifier", "pledges[2].starts_on",
    "pledges[2].ends_on", "pledges[3].people_qualifier"]),
    "an unknown qualifier, a qualifier without its figure, precision 'week' and dates out of range "
    "are reported together", r.json)
msgs = {e["field"]: e["message"] for e in r.json["errors"]}
tap.check("needs people" in msgs["pledges[1].people_qualifier"] and "about, at_least, up_to" in msgs["pledges[0].amount_qualifier"]
          and "1970-01-01 to 2100-12-31" in msgs["pledges[2].starts_on"] and "day, month, year" in msgs["announced_on_precision"],
          "the messages say what is allowed", msgs)
for date, precision, want in [("2024-05-31", "month", ["announced_on"]), ("2024-05-01", "month", []),
                              ("2024-02-01", "year", ["announced_on"]), ("2024-01-01", "year", []),
                              ("1969-12-31", "day", ["announced_on"]), (day_after, "day", ["announced_on"]),
                              ("9999-12-31", "day", ["announced_on"]), ("1000-01-01", "day", ["announced_on"])]:
    body = json.loads(json.dumps(base))
    body.update(announced_on=date, announced_on_precision=precision, sources=[], title="t " + date)
    body["pledges"][0].pop("people_qualifier")
    r = d.request("POST", "/v1/announcements", body=body)
    if want:
        tap.check(r.status == 422 and fields(r) == want, "announced_on %s with precision %s is 422" % (date, precision), r)
    else:
        tap.check(r.status == 201 and r.json["announced_on_precision"] == precision,
                  "announced_on %s with precision %s is accepted" % (date, precision), r)
        d.request("DELETE", "/v1/announcements/%d" % r.json["id"])
tap.eq(d.get("/v1/announcements?count=true").json["total"], 0, "nothing of the refused requests was written")

# --- qualifiers and precision: stored, shown, filtered, in CSV -----------------------------
r = d.request("POST", "/v1/announcements", body=base)
tap.check(r.status == 201 and r.json["announced_on_precision"] == "day"
          and r.json["pledges"][0]["people_qualifier"] == "at_least"
          and r.json["pledges"][0]["amount_qualifier"] is None, "precision defaults to day; qualifiers are kept", r.json)
ann = r.json["id"]
p = d.request("POST", "/v1/pledges", body={"announcement_id": ann, "kind": "investment",
                                           "amount": {"currency": "USD", "value": "2900000000.00"},
                                           "amount_qualifier": "about"}).json
tap.check(p["amount_qualifier"] == "about" and p["people_qualifier"] is None and "people_qualifier" in p,
          "a pledge always carries both qualifiers", p)
r = d.request("PATCH", "/v1/pledges/%d" % p["id"], body={"amount": None})
tap.check(r.status == 422 and "amount_qualifier" in fields(r), "removing a figure its qualifier describes is 422", r)
r = d.request("PATCH", "/v1/pledges/%d" % p["id"], body={"amount_qualifier": "up_to"})
tap.check(r.status == 200 and r.json["amount_qualifier"] == "up_to", "PATCH changes a qualifier", r)
r = d.request("PATCH", "/v1/pledges/%d" % p["id"], body={"amount_qualifier": None})
tap.check(r.status == 200 and r.json["amount_qualifier"] is None, "PATCH with null makes the figure exact again", r)
d.request("PATCH", "/v1/pledges/%d" % p["id"], body={"amount_qualifier": "about"})
exact = d.request("POST", "/v1/pledges", body={"announcement_id": ann, "kind": "target",
                                               "amount": {"currency": "USD", "value": "18900000000.00"}}).json
r = d.request("PATCH", "/v1/announcements/%d" % ann, body={"announced_on": "2024-06-01", "announced_on_precision": "month"})
tap.check(r.status == 200 and r.json["announced_on_precision"] == "month" and len(r.json["pledges"]) == 3,
          "PATCH moves an announcement to month precision", r.json)
own = [d.get("/v1/pledges/%d" % x["id"]).json for x in r.json["pledges"]]
tap.check([(x["announced_on"], x["announced_on_precision"]) for x in own] == [("2024-06-01", "month")] * 3
          and [x["announced_on_precision"] for x in r.json["pledges"]] == ["month"] * 3,
          "and each of its pledges, read by itself or in it, shows the new date and precision (0014)", own)
r = d.request("PATCH", "/v1/announcements/%d" % ann, body={"announced_on_precision": "year"})
tap.check(r.status == 422 and fields(r) == ["announced_on"], "year precision on a date that is not 1 January is 422", r)

r = d.get("/v1/pledges?approximate=true")
tap.eq(sorted(x["id"] for x in r.json["data"]), sorted([p["id"], d.get("/v1/announcements/%d" % ann).json["pledges"][0]["id"]]),
       "approximate=true lists the pledges with a qualified figure")
r = d.get("/v1/pledges?approximate=false")
tap.eq([x["id"] for x in r.json["data"]], [exact["id"]], "approximate=false lists the exact ones")
r = d.get("/v1/pledges?approximate=yes")
tap.check(r.status == 400 and fields(r) == ["approximate"], "approximate=yes is 400 naming it", r)
rows = list(csv.DictReader(io.StringIO(d.get("/v1/pledges?format=csv&sort=-amount_usd").body.decode())))
tap.check(rows[0]["amount_qualifier"] == "" and rows[1]["amount_qualifier"] == "about"
          and rows[2]["people_qualifier"] == "at_least", "pledge CSV has both qualifier columns", rows)
rows = list(csv.DictReader(io.StringIO(d.get("/v1/announcements?format=csv").body.decode())))
tap.check(rows[0]["announced_on_precision"] == "month" and rows[0]["total_usd"] == "2900000000.00"
          and rows[0]["targets_usd"] == "18900000000.00", "announcement CSV has precision, committed total and targets", rows)

a = d.get("/v1/announcements/%d" % ann).json
tap.check(a["total_usd"]["value"] == "2900000000.00" and a["targets_usd"]["value"] == "18900000000.00",
          "an announcement's total_usd is committed money; targets_usd beside it", a)
c = d.get("/v1/companies/hitachi").json
tap.check(c["total_usd"]["value"] == "2900000000.00" and c["targets_usd"]["value"] == "18900000000.00"
          and c["pledge_count"] == 3, "a company's total_usd is committed money; targets_usd beside it", c)
r = d.request("PATCH", "/v1/companies/hitachi", body={"targets_usd": {"currency": "USD", "value": "1.00"}})
tap.check(r.status == 422 and fields(r) == ["targets_usd"], "targets_usd is read-only", r)

# --- ids are never reused ------------------------------------------------------------------
for kind, path, body in [("pledge", "/v1/pledges", {"announcement_id": ann, "kind": "other", "description": "x"}),
                         ("announcement", "/v1/announcements", {"title": "x", "announced_on": "2024-01-02",
                                                                "companies": ["hitachi"]})]:
    first = d.request("POST", path, body=body).json["id"]
    d.request("DELETE", "%s/%d" % (path, first))
    second = d.request("POST", path, body=body).json["id"]
    tap.check(second > first, "a new %s after a delete gets a new id (%d, then %d)" % (kind, first, second))
    r = d.get("%s/%d" % (path, first))
    tap.eq(r.status, 410, "the deleted %s's id stays empty (410 Gone)" % kind)
    d.request("DELETE", "%s/%d" % (path, second))

key = "reuse-after-delete"
r1 = d.request("POST", "/v1/pledges", body={"announcement_id": ann, "kind": "other", "description": "keyed"},
               headers={"Idempotency-Key": key})
d.request("DELETE", r1.header("Location"))
d.request("POST", "/v1/pledges", body={"announcement_id": ann, "kind": "other", "description": "unrelated"})
r2 = d.request("POST", "/v1/pledges", body={"announcement_id": ann, "kind": "other", "description": "keyed"},
               headers={"Idempotency-Key": key})
tap.check(r2.header("Idempotent-Replayed") == "true" and r2.header("Location") == r1.header("Location")
          and d.get(r1.header("Location")).status == 410,
          "a replay's Location never names an unrelated pledge: the id stays unused", (r1.headers, r2.headers))

seen, lock = [], threading.Lock()


def churn(n):
    for i in range(n):
        r = d.request("POST", "/v1/pledges", body={"announcement_id": ann, "kind": "other", "description": "c%d" % i})
        with lock:
            seen.append(r.json["id"])
        d.request("DELETE", "/v1/pledges/%d" % r.json["id"])


threads = [threading.Thread(target=churn, args=(25,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
tap.check(len(seen) == 100 and len(set(seen)) == 100, "100 pledges created and deleted by 4 writers at once got 100 ids",
          len(set(seen)))

# --- an Idempotency-Key belongs to its token ------------------------------------------------
out = run_cli(binary, "token", "add", "second", "--db", d.db)
other = out.stdout.strip().splitlines()[-1]
body = {"announcement_id": ann, "kind": "other", "description": "same key, two tokens"}
a1 = d.request("POST", "/v1/pledges", body=body, headers={"Idempotency-Key": "shared-key"})
a2 = d.request("POST", "/v1/pledges", body=body, headers={"Idempotency-Key": "shared-key"},
               auth="Bearer " + other)
tap.check(a1.status == 201 and a2.status == 201 and a2.header("Idempotent-Replayed") is None
          and a1.json["id"] != a2.json["id"],
          "another token's same key and body is a new request, not a replay of the first token's answer",
          (a1, a2, a2.headers))
a3 = d.request("POST", "/v1/pledges", body=body, headers={"Idempotency-Key": "shared-key"},
               auth="Bearer " + other)
tap.check(a3.header("Idempotent-Replayed") == "true" and a3.json["id"] == a2.json["id"],
          "each token still replays its own answer", a3)

# --- export and import keep qualifiers and precision ---------------------------------------
exp = run_cli(binary, "export", "--db", d.db)
lines = [json.loads(l) for l in exp.stdout.splitlines()]
tap.check(any(l.get("announced_on_precision") == "month" for l in lines)
          and any(p.get("amount_qualifier") == "about" for l in lines for p in l.get("pledges", []))
          and not any("targets_usd" in l for l in lines),
          "export carries precision and qualifiers, and no computed totals", exp.stdout[:600])
fresh = new_database(d.dir, "fresh")
path = os.path.join(d.dir, "export.jsonl")
with open(path, "w") as fh:
    fh.write(exp.stdout)
imp = run_cli(binary, "import", path, "--db", fresh)
again = run_cli(binary, "export", "--db", fresh)
tap.check(imp.returncode == 0 and again.stdout == exp.stdout, "export, import, export gives the same bytes", imp.stderr)

# --- the sample data, as the articles state it ---------------------------------------------
seeded = new_database(d.dir, "seeded")
tap.eq(run_cli(binary, "seed", "--db", seeded).returncode, 0, "the sample data loads")
s2 = Daemon(binary, db=seeded, token=False)
summary = s2.get("/v1/stats/summary").json
tap.check(summary["total_usd"]["value"] == "7147108542.65" and summary["targets_usd"]["value"] == "18900000000.00"
          and summary["approximate"] == 1,
          "the sample data commits US$7,147,108,542.65, with US$18.9 billion of targets apart", summary)
pl = s2.get("/v1/pledges?limit=500").json["data"]
hit = [x for x in pl if x["people"] == 50000][0]
tap.eq(hit["people_qualifier"], "at_least", "'more than 50,000 generative AI professionals' is at_least")
lumada = [x for x in pl if x["kind"] == "target"]
tap.check(len(lumada) == 1 and lumada[0]["amount_usd"]["value"] == "18900000000.00", "the Lumada figure stays a target", lumada)
anns = s2.get("/v1/announcements?limit=100").json["data"]
prec = {a["title"]: (a["announced_on"], a["announced_on_precision"]) for a in anns}
tap.check(prec["Hitachi and Google partner on generative AI"] == ("2024-05-01", "month")
          and prec["Microsoft to invest US$2.2 billion in cloud and AI infrastructure in Malaysia"] == ("2024-05-01", "month")
          and prec["Microsoft to invest US$2.9 billion in AI and cloud infrastructure in Japan"] == ("2024-04-09", "day"),
          "'at the end of last month' and 'last month' are month-precise, not an invented day", prec)
tap.check(all(not a["summary"] or "without giving the day" not in a["summary"] for a in anns),
          "no summary notes an invented day any more", [a["summary"] for a in anns])
s2.cleanup()

# --- a version-4 database moves forward keeping every id -----------------------------------
old = os.path.join(d.dir, "v4.db")
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "migrations", "sqlite")
con = sqlite3.connect(old)
for name in ("0001_init.sql", "0002_rates.sql", "0004_announcements.sql"):
    con.executescript(open(os.path.join(root, name), encoding="utf-8").read())
con.executescript("""
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;
INSERT INTO schema_migrations VALUES (1,'0001_init.sql','x'),(2,'0002_rates.sql','x'),(3,'0003_load_shipped_rates','x'),
                                     (4,'0004_announcements.sql','x');
INSERT INTO companies (id, slug, name, created_at, updated_at) VALUES (1, 'acme', 'Acme', 't', 't');
INSERT INTO announcements (id, title, announced_on, created_at, updated_at) VALUES (7, 'Acme plans', '2024-03-05', 't', 't'),
                                                                                  (12, 'Acme more', '2024-03-06', 't', 't');
INSERT INTO announcement_companies VALUES (7, 1, 0), (12, 1, 0);
INSERT INTO sources (id, announcement_id, position, url) VALUES (30, 12, 0, 'https://example.com/acme');
INSERT INTO pledges (id, announcement_id, position, company_id, kind, status, description, announced_on, people,
                     created_at, updated_at) VALUES (40, 7, 0, 1, 'training', 'announced', 'a', '2024-03-05', 10, 't', 't'),
                                                    (55, 12, 0, 1, 'other', 'announced', 'b', '2024-03-06', NULL, 't', 't');
INSERT INTO pledges_fts (rowid, description) VALUES (40, 'a'), (55, 'b');
""")
con.commit()
con.close()
mig = run_cli(binary, "migrate", "--db", old)
tap.check(mig.returncode == 0 and "schema version 17" in mig.stdout, "pledged migrate moves a version-4 database to the latest (17)", mig)
s3 = Daemon(binary, db=old)
summary = s3.get("/v1/stats/summary").json
tap.check(summary["pledges"] == 2 and summary["people"] == 10 and summary["approximate"] == 0,
          "the summary's kept totals start from the rows already there (0008)", summary)
def kinds(server):
    rows = server.get("/v1/stats/totals?group_by=kind").json["rows"]
    return sorted((r["key"], r["pledges"], r["people"]) for r in rows)


tap.eq(kinds(s3), [("other", 1, 0), ("training", 1, 10)],
       "the totals' kept groups start from the rows already there (0009)")
a7 = s3.get("/v1/announcements/7").json
tap.check(a7["announced_on_precision"] == "day" and a7["pledges"][0]["id"] == 40
          and a7["pledges"][0]["people_qualifier"] is None and a7["pledges"][0]["amount_qualifier"] is None,
          "existing rows keep their ids, with day precision and null qualifiers", a7)
tap.eq(s3.get("/v1/announcements/12").json["sources"][0]["url"], "https://example.com/acme", "sources keep their announcement")
# 0010-0011: records from before history are version 1, by nobody known,
# with one 'baseline' revision of them as they stood, dated updated_at.
h40 = s3.get("/v1/pledges/40/history").json["data"]
p40 = s3.get("/v1/pledges/40").json
tap.check(len(h40) == 1 and h40[0]["action"] == "baseline" and h40[0]["version"] == 1 and h40[0]["by"] is None
          and h40[0]["at"] == p40["updated_at"] and h40[0]["record"] == p40
          and p40["version"] == 1 and p40["created_by"] is None and p40["updated_by"] is None,
          "a migrated pledge is version 1 with a baseline revision of it as it stood (0011)", (h40, p40))
hc = s3.get("/v1/companies/acme/history").json.get("data")
tap.check(hc and len(hc) == 1 and hc[0]["action"] == "baseline" and hc[0]["slug"] == "acme",
          "so is a migrated company", hc)
tap.eq([r["action"] for r in s3.get("/v1/announcements/12/history").json["data"]], ["baseline"],
       "and a migrated announcement")
newp = s3.request("POST", "/v1/pledges", body={"announcement_id": 7, "kind": "other", "description": "new"}).json
tap.check(newp.get("id", 0) > 55, "the next pledge id follows the largest there was", newp)
s3.request("DELETE", "/v1/pledges/%d" % newp["id"])
again = s3.request("POST", "/v1/pledges", body={"announcement_id": 7, "kind": "other", "description": "new"}).json
tap.check(again["id"] > newp["id"], "and is not reused after a delete on the migrated database", again)
r = s3.request("DELETE", "/v1/announcements/12")
tap.check(r.status == 204 and s3.get("/v1/pledges/55").status == 410,
          "deleting a migrated announcement still takes its pledges with it (foreign keys back on)", r)
tap.eq(kinds(s3), [("other", 1, 0), ("training", 1, 10)],
       "and follow a pledge added, one deleted and an announcement deleted with its pledge")
fk = sqlite3.connect(old).execute("PRAGMA foreign_key_check").fetchall()
tap.eq(fk, [], "no row lacks its parent after the migration")
s3.stop()
s3.cleanup()

# --- 0014: a database from before it, with a month-precise announcement --------------------
v13 = os.path.join(d.dir, "v13.db")
run_cli(binary, "migrate", "--db", v13)
con = sqlite3.connect(v13)
con.executescript("""
DROP TRIGGER pledges_follow_precision;
ALTER TABLE pledges DROP COLUMN announced_on_precision;
DROP TRIGGER pledge_search_insert;
DROP TRIGGER pledge_search_update;
DROP TRIGGER pledge_search_delete;
DROP TRIGGER pledge_search_announcement;
DROP TRIGGER pledge_search_source_insert;
DROP TRIGGER pledge_search_source_update;
DROP TRIGGER pledge_search_source_delete;
DROP VIEW pledge_search_groups_computed;
DROP VIEW pledge_search_keys;
DROP TABLE pledge_searches;
DROP TABLE pledge_search_groups;
DROP TABLE pledge_search_marks;
DROP TABLE pledge_search_dirty;
DELETE FROM schema_migrations WHERE version >= 14;
INSERT INTO companies (id, slug, name, created_at, updated_at) VALUES (1, 'acme', 'Acme', 't', 't');
INSERT INTO announcements (id, title, announced_on, announced_on_precision, created_at, updated_at)
    VALUES (3, 'Acme in May', '2024-05-01', 'month', 't', 't'), (4, 'Acme in 2024', '2024-01-01', 'year', 't', 't'),
           (5, 'Acme on a day', '2024-05-07', 'day', 't', 't');
INSERT INTO announcement_companies VALUES (3, 1, 0), (4, 1, 0), (5, 1, 0);
INSERT INTO pledges (id, announcement_id, position, company_id, kind, status, description, announced_on,
                     created_at, updated_at)
    VALUES (9, 3, 0, 1, 'other', 'announced', 'm', '2024-05-01', 't', 't'),
           (10, 4, 0, 1, 'other', 'announced', 'y', '2024-01-01', 't', 't'),
           (11, 5, 0, 1, 'other', 'announced', 'd', '2024-05-07', 't', 't');
""")
con.commit()
con.close()
mig = run_cli(binary, "migrate", "--db", v13)
tap.check(mig.returncode == 0 and "schema version 17 (was 13; 4 migrations applied)" in mig.stdout,
          "a version-13 database takes 0014, 0015, 0016 and 0017", mig)
s4 = Daemon(binary, db=v13)
tap.eq([s4.get("/v1/pledges/%d" % i).json["announced_on_precision"] for i in (9, 10, 11)], ["month", "year", "day"],
       "each pledge there takes its announcement's precision (0014)")
r = s4.request("PATCH", "/v1/announcements/3", body={"announced_on_precision": "day"})
tap.check(r.status == 200 and s4.get("/v1/pledges/9").json["announced_on_precision"] == "day"
          and s4.get("/v1/pledges/10").json["announced_on_precision"] == "year",
          "and follows it when it changes, alone of the pledges", r.json)
s4.stop()
s4.cleanup()

finish(tap, d)
