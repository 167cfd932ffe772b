"""Announcements and pledges over HTTP: all-or-nothing creation with every
error and its path, 409 on a filed source URL, amount_usd from the shipped
rates (and filled when a rate arrives), merge-patch and preconditions,
Idempotency-Key, lists with every filter, sorts, keyset pages under
concurrent inserts, CSV = JSON, full-text search (a French title), the
sample data's figures, seed twice, import/export round trip."""
import csv
import io
import json
import os
import re
import sys
import threading

from harness import Daemon, finish, new_database, run_cli, Tap

tap = Tap()
d = Daemon(sys.argv[1])


def problem(r, status, name):
    return tap.check(r.status == status and r.header("Content-Type") == "application/problem+json"
                     and r.json.get("status") == status, name, r)


def fields(r):
    return sorted(e["field"] for e in r.json.get("errors", []))


def count(path):
    return d.get(path + ("&" if "?" in path else "?") + "count=true&limit=1").json["total"]


for c in ({"name": "Hitachi", "country": "JP"}, {"name": "Microsoft", "country": "US"},
          {"name": "Nvidia", "country": "US"}):
    d.request("POST", "/v1/companies", body=c)

good = {
    "title": "Hitachi and Microsoft partnership", "announced_on": "2024-06-04",
    "companies": ["hitachi", "microsoft"], "countries": ["jp"],
    "summary": "A three-year generative AI partnership.",
    "sources": [{"url": "https://example.com/hitachi-microsoft", "publisher": "Example",
                 "title": "Hitachi et Microsoft : un partenariat milliardaire", "language": "fr",
                 "published_on": "2024-06-05"}],
    "pledges": [
        {"company": "hitachi", "kind": "investment", "amount": {"currency": "JPY", "value": "300000000000"},
         "starts_on": "2024-04-01", "ends_on": "2025-03-31",
         "evidence": [{"source": "https://example.com/hitachi-microsoft", "quote": "300 billion yen"}]},
        {"company": "hitachi", "kind": "training", "people": 50000},
        {"company": None, "kind": "partnership", "description": "Three-year partnership", "duration_months": 36},
    ]}

# --- bad input first: nothing is written ------------------------------------------
bad = json.loads(json.dumps(good))
bad["pledges"][2]["amount"] = {"currency": "YEN", "value": 1.5}
bad["pledges"][1]["people"] = 0
bad["pledges"][0]["ends_on"] = "2024-01-01"
bad["pledges"][0]["evidence"][0]["source"] = "https://example.com/other"
bad["companies"].append("nobody")
bad["sources"][0]["language"] = "xx-"
r = d.request("POST", "/v1/announcements", body=bad)
tap.check(r.status == 422, "an announcement with bad pledges is 422", r)
tap.eq(fields(r), sorted(["companies[2]", "sources[0].language", "pledges[0].ends_on",
                          "pledges[0].evidence[0].source", "pledges[1].people",
                          "pledges[2].amount.currency", "pledges[2].amount.value"]),
       "every error comes back at once with its path")
tap.check(count("/v1/announcements") == 0 and count("/v1/pledges") == 0,
          "nothing of it was written")
r = d.request("POST", "/v1/announcements", body={"title": "x", "announced_on": "2024-02-30", "companies": [],
                                                 "pledges": [{"kind": "other"}], "extra": 1, "id": 5})
tap.eq(fields(r), ["announced_on", "companies", "extra", "id", "pledges[0]"],
       "missing, empty, unknown and read-only fields are all named")
r = d.request("POST", "/v1/announcements", body={"title": "Two", "announced_on": "2024-06-04",
                                                 "companies": ["hitachi", "microsoft"],
                                                 "pledges": [{"kind": "training", "people": 5}]})
tap.eq(fields(r), ["pledges[0].company"], "a pledge of a two-company announcement must name its company")
r = d.request("POST", "/v1/announcements", body={"title": "Amounts", "announced_on": "2024-06-04",
                                                 "companies": ["hitachi"],
                                                 "pledges": [{"kind": "investment", "amount": {"currency": "JPY", "value": "1.5"}},
                                                             {"kind": "investment", "amount": {"currency": "USD", "value": -5}},
                                                             {"kind": "investment", "amount": {"currency": "USD", "value": "1e9"}},
                                                             {"kind": "investment", "amount": {"currency": "USD"}},
                                                             {"kind": "investment", "amount": "5 dollars"},
                                                             {"kind": "investment", "amount": {"currency": "USD", "value": "1", "note": 1}}]})
tap.eq(fields(r), ["pledges[0].amount.value", "pledges[1].amount.value", "pledges[2].amount.value",
                   "pledges[3].amount.value", "pledges[4].amount", "pledges[5].amount.note"],
       "money rules: decimals, sign, exponent, shape, unknown keys")

# --- create ---------------------------------------------------------------------
r = d.request("POST", "/v1/announcements", body=good, headers={"Idempotency-Key": "create-1"})
tap.check(r.status == 201 and r.header("Location") == "/v1/announcements/%d" % r.json["id"],
          "POST creates the announcement with Location", r)
ann = r.json
p_inv = ann["pledges"][0]
tap.eq(p_inv["amount_usd"], {"currency": "USD", "value": "1937108542.65", "rate": "0.006457028475",
                             "rate_date": "2024-06-04", "rate_source": "fed-h10"},
       "¥300 billion on 2024-06-04 is US$1,937,108,542.65 at the shipped rate")
tap.check(ann["total_usd"] == {"currency": "USD", "value": "1937108542.65"} and ann["pledge_count"] == 3
          and ann["countries"] == ["JP"] and ann["pledges"][2]["company"] is None,
          "totals, counts, upper-cased countries and a joint pledge", ann)
r2 = d.request("POST", "/v1/announcements", body=good, headers={"Idempotency-Key": "create-1"})
tap.check(r2.status == 201 and r2.json == ann and r2.header("Idempotent-Replayed") == "true",
          "the same Idempotency-Key and body replay the first answer", r2)
tap.eq(count("/v1/announcements"), 1, "and write nothing")
other = dict(good, title="Another title")
r = d.request("POST", "/v1/announcements", body=other, headers={"Idempotency-Key": "create-1"})
problem(r, 422, "the same key with another body is 422")
r = d.request("POST", "/v1/announcements", body=good)
problem(r, 409, "filing the same source URL again is 409")
tap.check("announcement %d" % ann["id"] in r.json["detail"], "409 names the announcement that has it", r.json)

# --- reading ----------------------------------------------------------------------
r = d.get("/v1/announcements/%d" % ann["id"])
tap.check(r.status == 200 and r.json == ann, "GET returns the announcement with its pledges", r)
r = d.get("/v1/pledges/%d" % p_inv["id"])
tap.check(r.status == 200 and r.json == p_inv, "GET /v1/pledges/{id}", r)
problem(d.get("/v1/pledges/999999"), 404, "an unknown pledge is 404")
problem(d.get("/v1/announcements/abc"), 404, "a non-numeric id is 404")
r = d.get("/v1/companies/hitachi")
tap.check(r.json["pledge_count"] == 2 and r.json["total_usd"]["value"] == "1937108542.65"
          and r.json["announcement_count"] == 1, "companies carry their pledge count and total", r.json)
problem(d.request("DELETE", "/v1/companies/hitachi"), 409, "a company still referred to cannot be deleted")

# --- amount_usd without a rate, then filled when one arrives -------------------------
r = d.request("POST", "/v1/pledges", body={"announcement_id": ann["id"], "company": "microsoft",
                                           "kind": "investment", "amount": {"currency": "KWD", "value": "1.000"}})
tap.check(r.status == 201 and r.json["amount_usd"] is None and "KWD" in r.json.get("amount_usd_error", ""),
          "a pledge in a currency without rates has amount_usd null and says why", r)
kwd = r.json
r = d.request("PUT", "/v1/rates/KWD/2024-06-03", body={"per_usd": "0.3066"})
r = d.get("/v1/pledges/%d" % kwd["id"])
tap.check(r.json["amount_usd"] == {"currency": "USD", "value": "3.26", "rate": "3.261578604",
                                   "rate_date": "2024-06-03", "rate_source": "manual"}
          and "amount_usd_error" not in r.json,
          "it is filled as soon as a rate arrives", r.json)

# --- pledge create / patch / delete -------------------------------------------------
r = d.request("POST", "/v1/pledges", body={"announcement_id": 999999, "kind": "other", "description": "x"})
tap.eq(fields(r), ["announcement_id"], "a pledge of an unknown announcement is 422")
r = d.request("POST", "/v1/pledges", body={"announcement_id": ann["id"], "company": "nvidia", "kind": "other",
                                           "description": "x"})
tap.eq(fields(r), ["company"], "a company outside the announcement is refused")
etag = d.get("/v1/pledges/%d" % kwd["id"]).header("ETag")
problem(d.request("PATCH", "/v1/pledges/%d" % kwd["id"], body={"people": 5}, headers={"If-Match": '"old"'}),
        412, "PATCH with a stale If-Match is 412")
r = d.request("PATCH", "/v1/pledges/%d" % kwd["id"], body={"amount": {"currency": "USD", "value": "10"},
                                                          "status": "in_progress"},
              headers={"If-Match": etag}, content_type="application/merge-patch+json")
tap.check(r.status == 200 and r.json["amount_usd"]["value"] == "10.00" and r.json["status"] == "in_progress",
          "PATCH merges and recomputes amount_usd", r)
r = d.request("PATCH", "/v1/pledges/%d" % kwd["id"], body={"amount": None, "description": None, "people": None})
tap.eq(fields(r), ["pledge"], "a pledge needs at least one of amount, people, description")
r = d.request("PATCH", "/v1/pledges/%d" % kwd["id"], body={"ends_on": "2020-01-01", "starts_on": "2021-01-01", "kind": "bribe"})
tap.eq(fields(r), ["ends_on", "kind"], "PATCH reports every invalid field")
r = d.request("DELETE", "/v1/pledges/%d" % kwd["id"])
tap.check(r.status == 204 and d.get("/v1/pledges/%d" % kwd["id"]).status == 410, "DELETE removes a pledge (410 Gone after)", r)

# --- announcement patch ----------------------------------------------------------------
cur = d.get("/v1/announcements/%d" % ann["id"])
r = d.request("PATCH", "/v1/announcements/%d" % ann["id"], body={"announced_on": "2024-06-08"},
              headers={"If-Match": cur.header("ETag")})
tap.check(r.status == 200 and r.json["pledges"][0]["amount_usd"]["value"] == "1915953506.19"
          and r.json["pledges"][0]["amount_usd"]["rate_date"] == "2024-06-07"
          and [p["id"] for p in r.json["pledges"]] == [p["id"] for p in ann["pledges"]],
          "changing the date re-converts at that date's rate and keeps pledge ids", r)
r = d.request("PATCH", "/v1/announcements/%d" % ann["id"], body={"companies": ["microsoft"]})
tap.check(r.status == 422 and "pledges[0].company" in fields(r),
          "dropping a company that pledges name is refused", r)
r = d.request("PATCH", "/v1/announcements/%d" % ann["id"],
              body={"companies": ["microsoft", "nvidia"],
                    "pledges": [{"company": "nvidia", "kind": "investment", "amount": {"currency": "USD", "value": 7}}],
                    "sources": []})
tap.check(r.status == 200 and r.json["companies"] == ["microsoft", "nvidia"] and len(r.json["pledges"]) == 1
          and r.json["sources"] == [] and r.json["total_usd"]["value"] == "7.00",
          "arrays given replace the old ones whole", r)
problem(d.request("PATCH", "/v1/announcements/%d" % ann["id"], body={"title": "x"}, headers={"If-Match": cur.header("ETag")}),
        412, "the old ETag no longer matches")
r = d.request("PATCH", "/v1/announcements/%d" % ann["id"], body={"colour": "red", "title": ""})
tap.eq(fields(r), ["colour", "title"], "PATCH rejects unknown fields and bad values together")
r = d.request("DELETE", "/v1/announcements/%d" % ann["id"])
tap.check(r.status == 204 and count("/v1/pledges") == 0, "DELETE takes the pledges with it", r)
r = d.request("DELETE", "/v1/companies/nvidia")
tap.eq(r.status, 204, "a company no longer referred to can be deleted")

# --- the sample data ------------------------------------------------------------------
res = run_cli(d.binary, "seed", "--db", d.db)
tap.check(res.returncode == 0 and "refused" in res.stdout, "pledged seed loads the sample data", res)
before = (count("/v1/announcements"), count("/v1/pledges"), count("/v1/companies"))
res = run_cli(d.binary, "seed", "--db", d.db)
after = (count("/v1/announcements"), count("/v1/pledges"), count("/v1/companies"))
tap.check(res.returncode == 0 and before == after and before[0] == 11 and before[1] == 18,
          "seeding twice adds nothing (%r)" % (after,), res)
r = d.get("/v1/pledges?currency=JPY")
tap.check(len(r.json["data"]) == 1 and r.json["data"][0]["amount_usd"]["value"] == "1937108542.65",
          "the seed's ¥300 billion is US$1,937,108,542.65", r.json)
r = d.get("/v1/announcements?q=g%C3%A9ant")
r2 = d.get("/v1/announcements?q=geant")
tap.check(len(r.json["data"]) == 1 and r.json == r2.json and "Japan" in r.json["data"][0]["title"],
          "full-text search finds a word of the French source title, with or without its accent", r.json)
r = d.get("/v1/pledges?q=Lumada&kind=target")
tap.check(len(r.json["data"]) == 1 and r.json["data"][0]["amount"]["value"] == "18900000000.00",
          "q combines with other filters", r.json)
r = d.get("/v1/pledges?company=joint")
tap.eq(sorted(p["kind"] for p in r.json["data"]), ["partnership", "research"], "company=joint lists joint pledges")
r = d.get("/v1/companies/microsoft")
ms = r.json
r = d.get("/v1/pledges?company=microsoft&limit=500")
total = sum(int(p["amount_usd"]["value"].replace(".", "")) for p in r.json["data"] if p["amount_usd"])
tap.check(ms["total_usd"]["value"] == "%d.%02d" % divmod(total, 100) and ms["pledge_count"] == len(r.json["data"]),
          "a company's total equals the sum of its pledges", (ms, total))
for url in ["/v1/announcements/%d" % a["id"] for a in d.get("/v1/announcements?limit=500").json["data"]]:
    a = d.get(url).json
    srcs = {s["url"] for s in a["sources"]}
    if not all(e["source"] in srcs for p in a["pledges"] for e in p["evidence"]) or not all(p["evidence"] for p in a["pledges"]):
        tap.check(False, "every seeded pledge cites its announcement's sources", a)
        break
else:
    tap.check(True, "every seeded pledge has evidence citing its announcement's sources")
seeds_dir = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "seeds")
if os.path.isdir(seeds_dir):
    texts = {f[:-4]: open(os.path.join(seeds_dir, f), encoding="utf-8").read() for f in os.listdir(seeds_dir)}
    missing = []
    for p in d.get("/v1/pledges?limit=500").json["data"]:
        for e in p["evidence"]:
            art = e["source"].rsplit("/", 1)[1].split("#")[0]
            if e["quote"] not in texts.get(art, ""):
                missing.append(e)
    tap.check(not missing, "every evidence quote is verbatim in its article (../shared/seeds)", missing[:3])

# --- lists: filters, sorts, CSV ----------------------------------------------------------
r = d.get("/v1/pledges?sort=-amount_usd&limit=3")
vals = [p["amount_usd"]["value"] for p in r.json["data"]]
tap.eq(vals, ["18900000000.00", "2900000000.00", "2200000000.00"], "sort=-amount_usd puts the largest first")
r = d.get("/v1/pledges?min_usd=1000000000&max_usd=3000000000&sort=amount_usd")
tap.eq([p["amount_usd"]["value"] for p in r.json["data"]], ["1937108542.65", "2200000000.00", "2900000000.00"],
       "min_usd and max_usd bound amount_usd")
r = d.get("/v1/pledges?sort=-people&limit=2")
tap.eq([p["people"] for p in r.json["data"]], [3000000, 50000], "sort=-people")
r = d.get("/v1/pledges?country=jp&kind=facility&status=fulfilled")
tap.eq(len(r.json["data"]), 2, "country, kind and status filter together")
r = d.get("/v1/announcements?from=2024-04-01&to=2024-04-30&sort=announced_on")
tap.eq([a["announced_on"] for a in r.json["data"]], ["2024-04-01", "2024-04-09", "2024-04-09"],
       "from/to bound announced_on")
r = d.get("/v1/announcements?company=softbank-group")
tap.eq(len(r.json["data"]), 1, "company filters announcements")
r = d.get("/v1/announcements?country=MY")
tap.eq([a["countries"] for a in r.json["data"]], [["MY"]], "country filters announcements")
for q, param in [("kind=bribe", "kind"), ("status=done", "status"), ("min_usd=-1", "min_usd"),
                 ("max_usd=1e9", "max_usd"), ("announcement=x", "announcement"), ("currency=YEN", "currency"),
                 ("company=Not%20a%20slug", "company"), ("from=2024-13-01", "from"), ("q=%21%21", "q"),
                 ("sort=amount", "sort"), ("colour=red", "colour")]:
    r = d.get("/v1/pledges?" + q)
    tap.check(r.status == 400 and param in fields(r), "pledges ?%s is 400 naming %s" % (q, param), r)
r = d.get("/v1/pledges?min_usd=5&max_usd=1")
tap.eq(fields(r), ["max_usd"], "max_usd below min_usd is 400")
j = d.get("/v1/pledges?limit=500&sort=amount_usd").json["data"]
c = list(csv.DictReader(io.StringIO(d.get("/v1/pledges?limit=500&sort=amount_usd&format=csv").body.decode())))
tap.check(len(j) == len(c) == 18 and all(str(a["id"]) == b["id"] and (a["amount_usd"] or {}).get("value", "") == b["amount_usd"]
                                          and (a["description"] or "") == b["description"] for a, b in zip(j, c)),
          "CSV has the same rows and values as JSON", (len(j), len(c)))
c = d.get("/v1/announcements?limit=500", headers={"Accept": "text/csv"})
tap.check(c.header("Content-Type").startswith("text/csv") and len(list(csv.DictReader(io.StringIO(c.body.decode())))) == 11,
          "announcements answer CSV too", c)

# --- keyset pages visit every row once, with ties and with inserts meanwhile ---------------
def walk(query, on_first_page=None):
    seen, url, first = [], "/v1/pledges?" + query, True
    while url:
        r = d.get(url)
        if r.status != 200:
            return None
        seen += [p["id"] for p in r.json["data"]]
        if first and on_first_page:
            on_first_page()
        first = False
        link = r.header("Link")
        url = link[1:link.index(">")] if link else None
    return seen

all_ids = sorted(p["id"] for p in j)
for sort in ["announced_on", "-announced_on", "amount_usd", "-amount_usd", "people", "-people,announced_on",
             "created_at", "-updated_at"]:
    got = walk("limit=4&sort=" + sort)
    tap.check(got is not None and sorted(got) == all_ids and len(got) == len(set(got)),
              "sort=%s pages through every pledge once (ties included)" % sort, got)

def insert_more():
    a = d.get("/v1/announcements?company=tsmc").json["data"][0]
    for k in range(3):
        d.request("POST", "/v1/pledges", body={"announcement_id": a["id"], "kind": "other", "description": "late %d" % k})
got = walk("limit=5&sort=-announced_on", insert_more)
tap.check(got is not None and len(got) == len(set(got)) and set(all_ids) <= set(got),
          "rows inserted during a walk never repeat or hide others", got)

# concurrent creates are all written exactly once
codes = []
ann_ids = [a["id"] for a in d.get("/v1/announcements?limit=3").json["data"]]
def writer(i):
    for k in range(5):
        codes.append(d.request("POST", "/v1/pledges", body={"announcement_id": ann_ids[i % 3], "kind": "other", "company": None,
                                                            "description": "w%d-%d" % (i, k)}).status)
ts = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
tap.check(codes.count(201) == 20, "20 concurrent pledge creates all succeed", codes)

# --- export -> import round trip -------------------------------------------------------------
res = run_cli(d.binary, "export", "--db", d.db)
exported = res.stdout
path = os.path.join(d.dir, "export.jsonl")
with open(path, "w") as fh:
    fh.write(exported)
empty = new_database(d.dir, "empty")
res2 = run_cli(d.binary, "import", path, "--db", empty)
res3 = run_cli(d.binary, "export", "--db", empty)
tap.check(res.returncode == 0 and res2.returncode == 0 and res3.stdout == exported and exported.count("\n") >= 19,
          "export -> import into an empty database -> export round-trips exactly", (res2, len(exported)))
bad_lines = path + ".bad"
with open(bad_lines, "w") as fh:
    fh.write('{"company": {"name": "Fine Co"}}\n')
    fh.write('{"title": "x"}\n')
    fh.write('not json\n')
    fh.write('{"title": "ok", "announced_on": "2024-01-02", "companies": ["fine-co"], '
             '"pledges": [{"kind": "other", "description": "fine"}, {"kind": "other"}]}\n')
    fh.write('{"title": "ok", "announced_on": "2024-01-02", "companies": ["fine-co"], '
             '"pledges": [{"kind": "other", "description": "fine"}]}\n')
res = run_cli(d.binary, "import", bad_lines, "--db", empty)
tap.check(res.returncode == 1 and "line 2:" in res.stderr and "line 3:" in res.stderr and "line 4:" in res.stderr
          and "pledges[1]" in res.stderr and "2 imported" in res.stdout and "3 refused" in res.stdout,
          "import reports each bad line with its number and errors, and writes the good ones", res)
res = run_cli(d.binary, "export", "--db", empty)
tap.check(res.stdout.count('"title":"ok"') == 1 and "fine-co" in res.stdout,
          "nothing of a bad line remains", res.stdout[-500:])

# --- the import's progress line on a terminal ---------------------------------------------------
import pty
import subprocess
gen = os.path.join(os.path.dirname(__file__), "..", "bench", "gen_pledges.py")
big = os.path.join(d.dir, "big.jsonl")
with open(big, "w") as fh:
    subprocess.run([sys.executable, gen, "6000"], stdout=fh, check=True)
master, slave = pty.openpty()
proc = subprocess.Popen([d.binary, "import", big, "--db", new_database(d.dir, "progress")],
                        stdout=subprocess.PIPE, stderr=slave, text=True)
os.close(slave)
seen = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
out, _ = proc.communicate(timeout=120)
os.close(master)
tap.check(proc.returncode == 0 and re.search(rb"\r\d+ lines, \d+ lines/s, ETA \d+ s", seen)
          and "refused" in out, "on a terminal the import shows lines, rate and ETA, then a summary",
          (seen[-300:], out))

finish(tap, d)
