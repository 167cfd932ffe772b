"""Stats, CORS and metrics over HTTP: totals agree exactly with summing the
pledge list, under every grouping and with filters, committed money
(every kind but target) apart from targets, never added in; year and month rows are
in time order with no holes; CSV and SVG; the summary; CORS only for
allowed origins, with preflight; /metrics parsed by a real Prometheus
text-format parser (npm) and by the format's rules."""
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict

from harness import POSTGRESQL, Daemon, Tap, finish, run_cli, npm_tools

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary, "--cors-origin", "https://dash.example", "--cors-origin", "http://localhost:3000")
res = run_cli(binary, "seed", "--db", d.db)
tap.check(res.returncode == 0, "the sample data loads", res)
# Pledges in other years and a joint one, to exercise gaps and groupings.
ann = d.get("/v1/announcements?company=tsmc").json["data"][0]["id"]
for date, usd in [("2021-03-15", "5.00"), ("2022-11-30", "7.25")]:
    d.request("POST", "/v1/announcements", body={
        "title": "Old %s" % date, "announced_on": date, "companies": ["tsmc"],
        "pledges": [{"kind": "investment", "amount": {"currency": "USD", "value": usd}}]})

pledges = d.get("/v1/pledges?limit=500").json["data"]


def cents(v):
    whole, frac = v.split(".")
    return int(whole) * 100 + int(frac)


def usd(p):
    return cents(p["amount_usd"]["value"]) if p["amount_usd"] else 0


def expected(key_of, rows):
    """[pledges, committed cents, target cents, people, approximate] per key,
    summed from the pledge list: the reference model of the totals."""
    out = defaultdict(lambda: [0, 0, 0, 0, 0])
    for p in rows:
        k = key_of(p)
        out[k][0] += 1
        out[k][1 if p["kind"] != "target" else 2] += usd(p)
        out[k][3] += p["people"] or 0
        out[k][4] += 1 if (p["amount_qualifier"] or p["people_qualifier"]) else 0
    return dict(out)


def row_figures(row):
    return [row["pledges"], cents(row["amount_usd"]["value"]), cents(row["targets_usd"]["value"]),
            row["people"], row["approximate"]]



keys = {
    "company": lambda p: p["company"] or "joint",
    "country": lambda p: p["country"] or "none",
    "kind": lambda p: p["kind"],
    "status": lambda p: p["status"],
    "currency": lambda p: p["amount"]["currency"] if p["amount"] else "none",
    "year": lambda p: p["announced_on"][:4],
    # a date known only to the year has no month: it is not January
    "month": lambda p: "none" if p["announced_on_precision"] == "year" else p["announced_on"][:7],
}
for group, key_of in keys.items():
    r = d.get("/v1/stats/totals?group_by=" + group)
    got = {row["key"]: row_figures(row) for row in r.json["rows"] if row["pledges"]}
    tap.eq(got, expected(key_of, pledges), "totals by %s equal the sum of the pledge list "
           "(committed and targets apart)" % group)
    total = r.json["total"]
    tap.eq(row_figures(total), [len(pledges), sum(usd(p) for p in pledges if p["kind"] != "target"),
                                sum(usd(p) for p in pledges if p["kind"] == "target"),
                                sum(p["people"] or 0 for p in pledges),
                                sum(1 for p in pledges if p["amount_qualifier"] or p["people_qualifier"])],
           "the total row of %s sums all pledges, targets apart" % group)
    # amount_usd + targets_usd of the rows = the pledge list filtered by kind
    listed_targets = sum(usd(p) for p in d.get("/v1/pledges?limit=500&kind=target").json["data"])
    tap.eq(sum(cents(row["targets_usd"]["value"]) for row in r.json["rows"]), listed_targets,
           "the %s rows' targets_usd add up to the pledges listed with kind=target" % group)
    tap.eq(sum(cents(row["amount_usd"]["value"]) for row in r.json["rows"]),
           sum(usd(p) for p in pledges) - listed_targets,
           "the %s rows' amount_usd add up to every pledge listed but kind=target" % group)
    if group in ("year", "month"):
        ks = [row["key"] for row in r.json["rows"] if row["key"] != "none"]
        tap.check(ks == sorted(ks), "%s rows are in time order" % group, ks)
    else:
        amounts = [(cents(row["amount_usd"]["value"]), cents(row["targets_usd"]["value"])) for row in r.json["rows"]]
        tap.check(amounts == sorted(amounts, reverse=True), "%s rows are largest first (committed, then targets)" % group, amounts)

r = d.get("/v1/stats/totals?group_by=year")
tap.eq([row["key"] for row in r.json["rows"]], ["2021", "2022", "2023", "2024"],
       "an empty year between the first and the last is a zero row")
tap.check(r.json["rows"][2]["pledges"] == 0 and r.json["rows"][2]["amount_usd"]["value"] == "0.00",
          "the empty year is all zeros", r.json["rows"][2])
r = d.get("/v1/stats/totals?group_by=month")
months = [row["key"] for row in r.json["rows"] if row["key"] != "none"]
tap.check(months[0] == "2021-03" and months[-1] == "2024-06" and len(months) == 40,
          "months run without holes from 2021-03 to 2024-06 (40 rows)", months[:3] + months[-3:])
unknown = [row for row in r.json["rows"] if row["key"] == "none"]
jan = [row for row in r.json["rows"] if row["key"] == "2024-01"]
tap.check(len(unknown) == 1 and unknown[0]["label"] == "Month not known" and unknown[0]["pledges"] == 3
          and jan[0]["pledges"] == 0,
          "pledges dated only to the year are under 'Month not known', not in January", unknown)
r = d.get("/v1/stats/totals?group_by=company")
labels = {row["key"]: row["label"] for row in r.json["rows"]}
tap.check(labels.get("joint") == "Joint pledges" and labels.get("softbank-group") is None and labels["hitachi"] == "Hitachi",
          "company rows carry names; joint pledges are under 'joint'", labels)

r = d.get("/v1/stats/totals?group_by=kind&company=hitachi&from=2024-01-01")
hit = [p for p in pledges if p["company"] == "hitachi" and p["announced_on"] >= "2024-01-01"]
got = {row["key"]: row_figures(row) for row in r.json["rows"]}
tap.eq(got, expected(keys["kind"], hit), "totals take the pledge filters")
r = d.get("/v1/stats/totals?group_by=company&kind=target")
tap.check(r.json["total"]["amount_usd"]["value"] == "0.00" and r.json["total"]["targets_usd"]["value"] == "18900000000.00"
          and r.json["rows"][0]["key"] == "hitachi",
          "kind=target sums targets on their own: amount_usd 0, targets_usd holds them", r.json)
for flag, want in [("true", [p for p in pledges if p["amount_qualifier"] or p["people_qualifier"]]),
                   ("false", [p for p in pledges if not (p["amount_qualifier"] or p["people_qualifier"])])]:
    r = d.get("/v1/stats/totals?group_by=kind&approximate=" + flag)
    tap.eq({row["key"]: row_figures(row) for row in r.json["rows"]}, expected(keys["kind"], want),
           "totals take approximate=%s" % flag)
tap.check(len(want) > 0 and len(pledges) - len(want) == 1, "the sample data has exactly one approximate pledge")
r = d.get("/v1/stats/totals?group_by=kind&approximate=maybe")
tap.check(r.status == 400 and [e["field"] for e in r.json["errors"]] == ["approximate"],
          "approximate=maybe is 400 naming approximate", r)
r = d.get("/v1/stats/totals?group_by=kind&format=csv")
rows = list(csv.DictReader(io.StringIO(r.body.decode())))
j = d.get("/v1/stats/totals?group_by=kind").json
tap.check(r.header("Content-Type").startswith("text/csv") and [x["key"] for x in rows] == [x["key"] for x in j["rows"]] + ["total"]
          and rows[-1]["amount_usd"] == j["total"]["amount_usd"]["value"]
          and rows[-1]["targets_usd"] == j["total"]["targets_usd"]["value"] == "18900000000.00"
          and rows[-1]["approximate"] == "1", "totals as CSV, with targets_usd, approximate and the total row last", rows)
for q, param in [("", "group_by"), ("group_by=colour", "group_by"), ("group_by=kind&kind=bribe", "kind"),
                 ("group_by=kind&foo=1", "foo")]:
    r = d.get("/v1/stats/totals?" + q)
    tap.check(r.status == 400 and param in [e["field"] for e in r.json.get("errors", [])],
              "totals ?%s is 400 naming %s" % (q, param), r)

r = d.get("/v1/stats/totals.svg?group_by=company")
tap.check(r.status == 200 and r.header("Content-Type").startswith("image/svg+xml")
          and r.body.startswith(b"<svg") and b"Hitachi" in r.body and b"<script" not in r.body
          and b"href" not in r.body, "the totals as an SVG chart, with no script or outside reference", r.body[:200])
import xml.dom.minidom
try:
    xml.dom.minidom.parseString(r.body)
    well_formed = True
except Exception as e:
    well_formed = str(e)
tap.eq(well_formed, True, "the SVG is well-formed XML")
tap.check(b"Committed, in US dollars" in r.body and b"Targets, not included above: $18.9 billion" in r.body
          and b"$20.8 billion" not in r.body,
          "the SVG draws committed money and names the targets apart", r.body[:400])
r = d.get("/v1/stats/totals.svg?group_by=company&kind=target")
tap.check(b"Targets, in US dollars" in r.body and b"$18.9 billion" in r.body, "an SVG of targets alone says so", r.body[:400])

r = d.get("/v1/stats/summary")
s = r.json
tap.check(s["pledges"] == len(pledges) and s["companies"] == 8 and s["announcements"] == 13
          and s["first_announced_on"] == "2021-03-15" and s["last_announced_on"] == "2024-06-04"
          and cents(s["total_usd"]["value"]) == sum(usd(p) for p in pledges if p["kind"] != "target")
          and cents(s["targets_usd"]["value"]) == 1890000000000 and s["approximate"] == 1,
          "the summary counts everything and totals committed money, targets apart", s)

# --- kept totals of a one-word search (migration 0015) ---------------------------
# With --search-totals-at 1 the first totals request for a word asks the
# writer to keep its sums; later ones read them. --search-totals-step 2
# has the writer count the word's pledges two at a time, each step a write
# of its own that queues the next (migration 0017). Each must equal the sum of
# the pledges `q` lists, through writes that add, move and remove pledges
# and change an announcement's text.
# SQLite only: PostgreSQL sums the pledges at each read (pg_stats.c).


def search_totals():
    k = Daemon(binary, "--search-totals-at", "1", "--search-totals-step", "2", "--no-answer-cache")
    res = run_cli(binary, "seed", "--db", k.db)
    tap.check(res.returncode == 0, "a second daemon keeps searches' totals from one pledge", res)

    def kept_words():
        con = sqlite3.connect("file:%s?mode=ro" % k.db, uri=True, timeout=10)
        try:
            return {row[1]: row[0] for row in con.execute("SELECT bit, token FROM pledge_searches"
                                                          " WHERE counted_to IS NULL")}, \
                con.execute("SELECT count(*) FROM pledge_search_dirty").fetchone()[0]
        finally:
            con.close()

    def marked(bit):
        con = sqlite3.connect("file:%s?mode=ro" % k.db, uri=True, timeout=10)
        try:
            return con.execute("SELECT count(*) FROM pledge_search_marks WHERE mask >> ? & 1", (bit,)).fetchone()[0]
        finally:
            con.close()

    def check_word(word, what):
        listed = k.get("/v1/pledges?limit=500&q=" + word).json["data"]
        for group in ("company", "kind", "month"):
            r = k.get("/v1/stats/totals?group_by=%s&q=%s" % (group, word))
            got = {row["key"]: row_figures(row) for row in r.json["rows"] if row["pledges"]}
            tap.eq(got, expected(keys[group], listed), "q=%s by %s equals the pledges it lists %s" % (word, group, what))
        return listed

    before = check_word("AI", "before it is kept")
    deadline = time.time() + 20
    while time.time() < deadline and "ai" not in kept_words()[0]:
        time.sleep(0.05)
    words, dirty = kept_words()
    tap.check("ai" in words and dirty == 0 and marked(words["ai"]) == len(before) > 3,
              "that request had the word kept, folded as FTS5's tokenizer writes it ('ai'), in every pledge listed",
              (words, dirty, len(before)))
    steps = re.search(r"kept the totals of the search 'ai': (\d+) steps of up to 2 pledges", k.log_text())
    tap.check(steps and int(steps.group(1)) > len(before) // 2,
              "counted in steps of two pledges, one after another", steps and steps.group(0))
    check_word("ai", "read from the kept sums")
    ann = k.get("/v1/announcements?company=tsmc").json["data"][0]
    r = k.request("POST", "/v1/pledges", body={"announcement_id": ann["id"], "company": "tsmc", "kind": "investment",
                                               "description": "An AI fab",
                                               "amount": {"currency": "USD", "value": "12.50"}})
    tap.check(r.status == 201, "a pledge about AI is added", r)
    new_id = r.json["id"]
    check_word("ai", "after a pledge is added")
    r = k.request("PATCH", "/v1/announcements/%d" % ann["id"], body={"title": "An AI announcement, now"},
                  content_type="application/merge-patch+json")
    tap.check(r.status == 200, "the announcement's title gains the word", r)
    grown = check_word("ai", "after its announcement's title gains the word")
    r = k.request("PATCH", "/v1/pledges/%d" % new_id, body={"description": "A fab", "kind": "target"},
                  content_type="application/merge-patch+json")
    tap.check(r.status == 200, "the pledge loses the word and changes kind", r)
    check_word("ai", "after a pledge's text and kind change")
    r = k.request("DELETE", "/v1/pledges/%d" % new_id)
    tap.check(r.status == 204, "the pledge is deleted", r)
    after = check_word("ai", "after a delete")
    words, dirty = kept_words()
    tap.check(dirty == 0 and marked(words["ai"]) == len(after) and len(after) == len(grown) - 1,
              "every write was counted in or out before its COMMIT", (dirty, len(after), len(grown)))
    r = k.get("/v1/stats/totals?group_by=kind&q=ai*")
    tap.check(r.status == 200 and "ai*" not in kept_words()[0],
              "a prefix search is answered, never kept")
    rc = k.stop()
    report = k.sanitizer_report()
    tap.check(rc == 0 and report is None, "that daemon exits 0 with no sanitizer report",
              k.log_text()[-6000:] if rc or report else None)
    k.cleanup()


if not POSTGRESQL:
    search_totals()

# --- CORS -------------------------------------------------------------------------
r = d.get("/v1/companies", headers={"Origin": "https://dash.example"})
tap.check(r.header("Access-Control-Allow-Origin") == "https://dash.example" and "Origin" in (r.header("Vary") or "")
          and "ETag" in (r.header("Access-Control-Expose-Headers") or ""), "an allowed origin may read", r.headers)
r = d.get("/v1/companies", headers={"Origin": "https://evil.example"})
tap.check(not any(k.startswith("access-control") for k in r.headers), "another origin gets no CORS headers", r.headers)
r = d.request("OPTIONS", "/v1/pledges/1", headers={"Origin": "http://localhost:3000",
                                                    "Access-Control-Request-Method": "PATCH",
                                                    "Access-Control-Request-Headers": "authorization, if-match"})
allow_h = (r.header("Access-Control-Allow-Headers") or "").lower()
tap.check(r.status == 204 and "PATCH" in (r.header("Access-Control-Allow-Methods") or "")
          and all(h in allow_h for h in ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key"])
          and r.header("Access-Control-Allow-Origin") == "http://localhost:3000", "preflight is answered", r.headers)
r = d.request("OPTIONS", "/v1/pledges/1", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PATCH"})
tap.check(r.status == 204 and not any(k.startswith("access-control") for k in r.headers),
          "a preflight from another origin gets no CORS headers", r.headers)
res = run_cli(binary, "serve", "--cors-origin", "https://x.example/path", "--db", d.db)
tap.check(res.returncode == 2, "an origin with a path is refused at start", res)

# --- metrics ------------------------------------------------------------------------
d.get("/v1/nothing")
r = d.get("/metrics")
text = r.body.decode()
tap.check(r.status == 200 and r.header("Content-Type").startswith("text/plain; version=0.0.4"), "GET /metrics", r.headers)
samples = {}
families = {}
ok_lines = True
for line in text.splitlines():
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split(" ", 3)
        families[name] = kind
    elif line.startswith("#") or not line:
        continue
    else:
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$', line)
        if not m:
            ok_lines = False
            continue
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
tap.check(ok_lines, "every sample line follows the text format")
tap.check(all(any(n == f or n.startswith(f + "_") for f in families) for n in (k.split("{")[0] for k in samples)),
          "every sample belongs to a declared family")
tap.check(samples.get('pledged_http_requests_total{method="GET",route="/v1/stats/totals",status="200"}', 0) >= 8
          and samples.get('pledged_http_requests_total{method="GET",route="/v1/stats/totals",status="400"}', 0) >= 4
          and samples.get('pledged_http_requests_total{method="",route="unmatched",status="404"}', 0) >= 1,
          "requests are counted by route template and status")
buckets = [(k, v) for k, v in samples.items() if k.startswith("pledged_http_request_duration_seconds_bucket")]
values = [v for _, v in buckets]
tap.check(values == sorted(values) and buckets[-1][0].endswith('le="+Inf"}')
          and values[-1] == samples["pledged_http_request_duration_seconds_count"],
          "the latency histogram is cumulative and ends at +Inf = count", buckets)
tap.check(samples['pledged_table_rows{table="pledges"}'] == len(pledges) and samples["pledged_database_size_bytes"] > 1e6
          and samples["pledged_http_requests_in_flight"] >= 1, "row counts, database size and in-flight gauges")

tools = npm_tools(binary)
parser = os.path.join(tools, "node_modules", "parse-prometheus-text-format")
node = subprocess.run(["node", "-e", "const p=require(process.argv[1]);let s='';process.stdin.on('data',d=>s+=d)"
                       ".on('end',()=>console.log(JSON.stringify(p(s))))", parser],
                      input=text, capture_output=True, text=True, timeout=60)
try:
    parsed = {f["name"]: f for f in json.loads(node.stdout)}
except Exception:
    parsed = {}
tap.check(node.returncode == 0 and parsed.get("pledged_http_request_duration_seconds", {}).get("type") == "HISTOGRAM"
          and parsed.get("pledged_http_requests_total", {}).get("type") == "COUNTER"
          and len(parsed.get("pledged_table_rows", {}).get("metrics", [])) == 4,
          "a real Prometheus text parser (npm parse-prometheus-text-format) reads every family",
          node.stderr[-2000:] or list(parsed))

finish(tap, d)
