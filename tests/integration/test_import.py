"""`pledged import` of a file big enough for a bulk load (one transaction,
the pledges' indexes and kept totals set aside and built again), into the
file a running daemon serves (which answers from before the load until it
commits, never part of it), against the
same lines imported through a pipe in batches of 1,000: the same report,
the same export byte for byte, the same schema afterwards (every index and
trigger back), the same full-text matches, and kept totals equal to the
sums of the pledges. Then the daemon's totals with no filter (the kept
groups) equal its totals with a filter every pledge passes (one pass over
the rows), for every group_by; and a later small import goes in batches
and keeps the totals right. No timing is asserted. On PostgreSQL (whose
bulk load is its ordinary transaction, with nothing set aside and no
totals kept) the schema, plan and kept-totals checks are SQLite's own and
are left out; the rest holds on both."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from harness import POSTGRESQL, Daemon, Tap, finish, new_database, run_cli, sql_rows

binary = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
tap = Tap()
work = tempfile.mkdtemp(prefix="pledged-import-")
data = os.path.join(work, "data.jsonl")
with open(data, "w") as fh:
    subprocess.run([sys.executable, os.path.join(here, "..", "bench", "gen_pledges.py"), "25000", "3"],
                   stdout=fh, check=True)
    fh.flush()
    generated = sum(1 for _ in open(data))
    # Bad lines are refused one by one in either mode; a known company is skipped.
    fh.write("{not json\n")
    fh.write(json.dumps({"title": "", "announced_on": "2024-13-01"}) + "\n")
    fh.write(json.dumps({"company": {"slug": "co-0001", "name": "Again"}}) + "\n")
text = open(data).read()
bulk_db, batch_db = new_database(work, "bulk"), new_database(work, "batch")

# The bulk load goes into the file a daemon serves: its readers go on
# answering from the last commit and never see part of the load.
d = Daemon(binary, db=bulk_db)
tap.eq(d.get("/v1/stats/summary").json["pledges"], 0, "the daemon serves an empty database")
loader = subprocess.Popen([binary, "import", data, "--db", bulk_db], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
seen = set()
for _ in range(3000):  # bounded: at most 3000 reads, 0.05 s apart
    if loader.poll() is not None:
        break
    r = d.get("/v1/stats/summary")
    seen.add((r.status, r.json.get("pledges") if r.status == 200 else None))
    time.sleep(0.05)
out, err = loader.communicate(timeout=600)
bulk = subprocess.CompletedProcess(loader.args, loader.returncode, out, err)
# (25,000 may show between COMMIT and the loader's exit.)
tap.check((200, 0) in seen and seen <= {(200, 0), (200, 25000)},
          "while it loads, the daemon answers every read from before it, never part of it", seen)
tap.eq(d.get("/v1/stats/summary").json["pledges"], 25000, "and sees all of it once it commits")
batch = run_cli(binary, "import", "-", "--db", batch_db, input_text=text, timeout=600)
tap.check("a bulk load" in bulk.stderr and "a bulk load" not in batch.stderr,
          "a large file is a bulk load; a pipe, whose size is unknown, goes in batches",
          bulk.stderr[-500:] + batch.stderr[-500:])
tap.check(bulk.returncode == 1 and bulk.stdout == batch.stdout and bulk.returncode == batch.returncode,
          "the same report: good lines imported, bad ones refused (exit 1)", (bulk.stdout, batch.stdout))
tap.eq(bulk.stdout, "%d lines: %d imported, 1 already present, 2 refused\n" % (generated + 3, generated),
       "the report counts every line")
tap.check("line %d: malformed JSON" % (generated + 1) in bulk.stderr
          and "line %d: invalid announcement" % (generated + 2) in bulk.stderr,
          "each bad line is named with its number", bulk.stderr[-1500:])
exp_bulk = run_cli(binary, "export", "--db", bulk_db, timeout=300).stdout
exp_batch = run_cli(binary, "export", "--db", batch_db, timeout=300).stdout
tap.check(len(exp_bulk) > 1000000 and exp_bulk == exp_batch, "the same export byte for byte")


def facts(path):
    con = sqlite3.connect(path)
    q = lambda sql: con.execute(sql).fetchall()
    out = {
        "schema": q("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"),
        # In the order they were made: with no statistics, SQLite breaks a
        # tie between two indexes by it.
        "order": q("SELECT name FROM sqlite_schema WHERE tbl_name = 'pledges' ORDER BY rowid"),
        "plan": q("EXPLAIN QUERY PLAN SELECT id FROM pledges WHERE kind = 'investment' AND country = 'JP'"
                  " ORDER BY coalesce(amount_usd_minor, -1) DESC, id DESC LIMIT 50"),
        "groups": q("SELECT * FROM pledge_groups WHERE pledges > 0 ORDER BY dim, key"),
        "computed": q("SELECT * FROM pledge_groups_computed ORDER BY dim, key"),
        "totals": q("SELECT * FROM pledge_totals"),
        "totals_computed": q("SELECT * FROM pledge_totals_computed"),
        "fts": [q("SELECT rowid FROM pledges_fts WHERE pledges_fts MATCH '%s' ORDER BY rowid" % w)
                for w in ("robotics", "chips", "hyperscale")],
        "fts_ann": q("SELECT rowid FROM announcements_fts WHERE announcements_fts MATCH 'story' ORDER BY rowid"),
        "check": q("PRAGMA integrity_check"),
        "pledges": q("SELECT count(*) FROM pledges")[0][0],
    }
    con.close()
    return out


if not POSTGRESQL:  # SQLite's own schema, plans, kept totals and FTS5 tables
    fb, fa = facts(bulk_db), facts(batch_db)
    tap.check(fb["pledges"] == 25000, "every pledge is there", fb["pledges"])
    tap.check(fb["schema"] == fa["schema"] and sum(1 for r in fb["schema"] if r[2] == "pledges") >= 18,
              "the same schema afterwards: every index and trigger of the pledges is back")
    tap.check(fb["order"] == fa["order"] and fb["plan"] == fa["plan"],
              "in the order they were made, so a filtered list takes the same plan", (fb["plan"], fa["plan"]))
    tap.check(fb["groups"] == fb["computed"] and fb["groups"] == fa["groups"] and fa["groups"] == fa["computed"],
              "the kept groups equal the pledges' sums, filled again in one pass or kept row by row")
    tap.check(fb["totals"] == fb["totals_computed"] == fa["totals"], "and so does the summary's kept row")
    tap.check(fb["fts"] == fa["fts"] and all(len(m) > 1000 for m in fb["fts"]) and fb["fts_ann"] == fa["fts_ann"]
              and len(fb["fts_ann"]) > 1000, "the same full-text matches, written once a transaction")
    tap.check(fb["check"] == [("ok",)], "integrity_check passes")
else:
    counts = [sql_rows(db, "SELECT count(*) FROM pledges")[0][0] for db in (bulk_db, batch_db)]
    tap.check(counts == [25000, 25000], "every pledge is there, loaded either way", counts)
    words = [d.get("/v1/pledges?count=true&limit=1&q=" + w).json["total"] for w in ("robotics", "chips")]
    tap.check(all(n > 1000 for n in words), "and free text finds them (%s)" % words, words)

for group in ("company", "country", "kind", "status", "currency", "year", "month"):
    kept = d.get("/v1/stats/totals?group_by=" + group)
    rows = d.get("/v1/stats/totals?group_by=%s&from=1900-01-01" % group)
    tap.check(kept.status == 200 and kept.json == rows.json and kept.json["total"]["pledges"] == 25000,
              "group_by=%s: the kept groups answer what a pass over every pledge answers" % group,
              (kept.json.get("total"), rows.json.get("total")))
for flt in ("kind=investment", "status=announced", "country=JP", "currency=JPY"):
    same = []
    for group in ("company", "country", "kind", "status", "currency", "year", "month"):
        kept = d.get("/v1/stats/totals?group_by=%s&%s" % (group, flt))
        rows = d.get("/v1/stats/totals?group_by=%s&%s&from=1900-01-01" % (group, flt))
        same.append(kept.status == 200 and kept.json == rows.json and kept.json["total"]["pledges"] > 100)
    tap.check(all(same), "%s: the kept totals of every group_by answer what a pass over the matches answers" % flt,
              same)
if not POSTGRESQL:
    # With no other connection to the file, a bulk load writes its pages
    # once, through a rollback journal, instead of into the WAL and again at
    # the checkpoint. Killed in the middle, it leaves the database as it was.
    alone = new_database(work, "alone")
    # Migrated first: making a new file WAL writes its header through a
    # rollback journal too, which the look below must not take for the load's.
    tap.eq(run_cli(binary, "migrate", "--db", alone).returncode, 0, "a new file, migrated")
    loader = subprocess.Popen([binary, "import", data, "--db", alone], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    journal = False
    for _ in range(3000):  # bounded: at most 3000 looks, 0.01 s apart
        journal = os.path.exists(alone + "-journal")
        if journal or loader.poll() is not None:
            break
        time.sleep(0.01)
    loader.kill()
    loader.wait(timeout=30)
    tap.check(journal, "a bulk load into a file no one else has open goes through a rollback journal")
    con = sqlite3.connect(alone)
    left = con.execute("SELECT (SELECT count(*) FROM companies) + (SELECT count(*) FROM pledges)"
                       " + (SELECT count(*) FROM revisions)").fetchall()
    con.close()
    tap.eq(left, [(0,)], "killed with -9 in the middle, it leaves no company, pledge or revision")
    r = run_cli(binary, "import", data, "--db", alone, timeout=600)
    con = sqlite3.connect(alone)
    after = [con.execute(q).fetchall() for q in ("PRAGMA integrity_check", "PRAGMA journal_mode")]
    con.close()
    tap.check(r.returncode == 1 and r.stdout == bulk.stdout and after == [[("ok",)], [("wal",)]],
              "the same load again reports the same, the file is whole and back in WAL mode",
              (r.stdout, after))
    tap.check(run_cli(binary, "export", "--db", alone, timeout=300).stdout == exp_batch,
              "and exports the same bytes as the load in batches")
    # 0013: the CHECKs that list three or more words are written with OR,
    # which SQLite tests in place; an IN list costs a temporary table each
    # time the INSERT runs. They still refuse what they refused.
    con = sqlite3.connect(alone)
    ephemeral = {t: sum(1 for row in con.execute("EXPLAIN INSERT INTO %s DEFAULT VALUES" % t)
                        if row[1] == "OpenEphemeral") for t in ("pledges", "announcements", "revisions")}
    refused = []
    for sql in ("INSERT INTO revisions (resource, record_id, version, action, at, record)"
                " VALUES ('planet', 1, 1, 'create', 'x', '{}')",
                "INSERT INTO revisions (resource, record_id, version, action, at, record)"
                " VALUES ('pledge', 1, 1, 'explode', 'x', '{}')",
                "UPDATE pledges SET amount_qualifier = 'roughly' WHERE id = (SELECT min(id) FROM pledges"
                " WHERE amount_minor IS NOT NULL)",
                "UPDATE pledges SET people_qualifier = 'many' WHERE id = (SELECT min(id) FROM pledges"
                " WHERE people IS NOT NULL)",
                "UPDATE announcements SET announced_on_precision = 'week' WHERE id = 1"):
        try:
            con.execute(sql)
            refused.append(False)
        except sqlite3.IntegrityError as e:
            refused.append("CHECK constraint failed" in str(e))
    con.rollback()
    con.close()
    tap.check(ephemeral == {"pledges": 0, "announcements": 0, "revisions": 0},
              "no INSERT builds a temporary table for a CHECK", ephemeral)
    tap.check(refused == [True] * 5, "and every CHECK still refuses a word it does not list", refused)

small = os.path.join(work, "small.jsonl")
with open(small, "w") as fh:
    fh.write(json.dumps({"title": "One more", "announced_on": "2024-01-01", "announced_on_precision": "year",
                         "companies": ["co-0002"], "sources": [{"url": "https://example.com/one-more"}],
                         "pledges": [{"company": "co-0002", "kind": "training", "people": 7,
                                      "description": "robotics"}]}) + "\n")
r = run_cli(binary, "import", small, "--db", bulk_db)
tap.check(r.returncode == 0 and "a bulk load" not in r.stderr and "1 imported" in r.stdout,
          "a small file into a big database goes in batches", r)
month = d.get("/v1/stats/totals?group_by=month").json
none = [x for x in month["rows"] if x["key"] == "none"]
tap.check(month["total"]["pledges"] == 25001 and none and none[0]["pledges"] >= 1,
          "the daemon sees it, in no month (its date is known to the year)", month["total"])
tap.eq(d.get("/v1/stats/totals?group_by=month&from=1900-01-01").json, month,
       "a pass over every pledge puts it in no month too")
if not POSTGRESQL:
    fb = facts(bulk_db)
    tap.check(fb["groups"] == fb["computed"] and fb["totals"] == fb["totals_computed"],
              "and the kept totals still equal the pledges' sums")
shutil.rmtree(work, ignore_errors=True)
finish(tap, d)
