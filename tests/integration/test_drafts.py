"""Drafts from articles (issue 16) against the real daemon with the sample
data: POST /v1/drafts for each of the five seed articles (the pledges,
figures and matches a reader expects), the offsets of every mention, a
draft POSTed as it is after creating its new company, a match's proposal
applied through PATCH, the article then found as already a source, every
kind of bad input (all field errors at once, 400, 401, 413, 415, 422),
read-only tokens, and `pledged draft` printing the same draft as the API.
"""
import json
import os
import sys

from harness import Daemon, Tap, finish, run_cli

tap = Tap()
binary = sys.argv[1]
repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
seeds = os.path.join(repo, "..", "shared", "seeds")
d = Daemon(binary, "--max-body", "65536")
tap.check(run_cli(binary, "seed", "--db", d.db).returncode == 0, "the sample data loads")
reader = run_cli(binary, "token", "add", "reader", "--read-only", "--db", d.db).stdout.strip().splitlines()[-1]


def article(name):
    path = next(os.path.join(seeds, f) for f in sorted(os.listdir(seeds)) if f.startswith(name))
    return open(path, encoding="utf-8").read()


def draft(body, **kw):
    return d.request("POST", "/v1/drafts", body, **kw)


def pledges_of(r):
    return r.json["announcement"]["pledges"]


# --- the seed articles -------------------------------------------------------------------------
a1 = draft({"text": article("001"), "url": "https://example.com/001", "published_on": "2024-04-10"})
tap.eq(a1.status, 200, "POST /v1/drafts answers 200 for article 001")
ann = a1.json["announcement"] if a1.status == 200 else {}
got = sorted((p["kind"], p.get("company"), p.get("country"), json.dumps(p.get("amount")), p.get("people"),
              p.get("duration_months")) for p in ann.get("pledges", []))
tap.eq(got, sorted([("investment", "microsoft", "JP", json.dumps({"currency": "USD", "value": "2900000000"}), None, 24),
                    ("training", "microsoft", "JP", "null", 3000000, 36),
                    ("research", "microsoft", "JP", "null", None, None)]),
       "article 001: the US$2.9 billion over two years, the 3 million people over three years and the "
       "research lab (no figure), Microsoft's, in Japan")
tap.check(a1.status == 200 and a1.json["language"] == "en" and ann["companies"] == ["microsoft"]
          and ann["countries"] == ["JP"] and ann["sources"][0]["url"] == "https://example.com/001",
          "its language, company, country and source", a1.body[:600])
quotes = [e["quote"] for p in ann.get("pledges", []) for e in p["evidence"]]
text1 = article("001")
tap.check(quotes and all(q in text1 for q in quotes) and all(e["source"] == "https://example.com/001"
                                                             for p in ann["pledges"] for e in p["evidence"]),
          "every evidence quote is a sentence of the text, verbatim, citing the URL", quotes)
tap.check(any("US$2.9 billion over the next two years" in q for q in quotes),
          "the investment's evidence is the sentence that states it")
ok_offsets = a1.status == 200 and all(text1[m["start"]:m["end"]] == m["text"] for m in a1.json["mentions"])
tap.check(ok_offsets, "every mention's start and end are code points of the text (text[start:end] is its text)",
          [m for m in a1.json.get("mentions", []) if text1[m["start"]:m["end"]] != m["text"]][:3])
types = {m["type"] for m in a1.json.get("mentions", [])}
tap.check({"money", "people", "duration", "country", "company"} <= types, "mentions of every type found", types)
m1 = a1.json.get("matches", [])
tap.check(m1 and m1[0]["announcement_id"] == 1 and m1[0]["score"] >= 0.6
          and "same company" in m1[0]["reasons"] and "same amount" in m1[0]["reasons"],
          "article 001 matches the sample's announcement 1 first, for the same company and amount", m1)

# 002, 003 and 004 report the announcement 001 made: each is matched to it.
for name, lang in [("002", "en"), ("003", "fr"), ("004", "en")]:
    r = draft({"text": article(name), "url": "https://example.com/" + name})
    m = r.json.get("matches", []) if r.status == 200 else []
    tap.check(r.status == 200 and r.json["language"] == lang and m and m[0]["announcement_id"] == 1
              and r.json["proposal"]["action"] == "add_source" and r.json["proposal"]["announcement_id"] == 1,
              "article %s (%s, detected) matches announcement 1 and proposes adding it as a source" % (name, lang),
              (r.status, m, r.json.get("proposal", {}).get("action") if r.status == 200 else r.body[:300]))
r = draft({"text": article("002")})
done = [p for p in pledges_of(r) if p["status"] == "fulfilled"]
tap.check(sorted((p["kind"], p["company"], p.get("country")) for p in done)
          == [("facility", "google", "JP"), ("facility", "tsmc", "JP")],
          "article 002: Google's centre opened last month and TSMC's plant inaugurated: facilities, fulfilled", done)
r = draft({"text": article("003"), "url": "https://example.com/003"})
inv = [p for p in pledges_of(r) if p.get("amount") == {"currency": "USD", "value": "2900000000"}]
tap.check(inv and inv[0].get("duration_months") == 24 and len(inv[0]["evidence"]) == 2
          and "deux prochaines années" in inv[0]["evidence"][1]["quote"],
          "the French article's 2,9 milliards de dollars, over two years said in the next sentence, with both as evidence",
          inv)

a0 = draft({"text": article("000"), "url": "https://example.com/000", "published_on": "2024-06-04"})
ps = pledges_of(a0)
kinds = {(p["kind"], p.get("company"), json.dumps(p.get("amount"))) for p in ps}
tap.check(("target", "hitachi", json.dumps({"currency": "USD", "value": "18900000000"})) in kinds,
          "article 000: the $18.9 billion Lumada revenue goal is a target, not committed money", kinds)
tap.check(not any(p.get("amount", {}).get("value") == "15000000000" for p in ps),
          "and last year's $15 billion of sales is no pledge at all")
yen = [p for p in ps if p.get("amount", {}).get("currency") == "JPY"]
tap.check(yen and yen[0]["amount"]["value"] == "300000000000" and yen[0].get("starts_on") == "2024-04-01"
          and yen[0].get("ends_on") == "2025-03-31" and yen[0].get("country") == "JP",
          "300 billion yen in fiscal 2024: Hitachi's Japanese fiscal year, April 2024 to March 2025", yen)
yen_mention = [m for m in a0.json["mentions"] if m["type"] == "money" and m["currency"] == "JPY"]
tap.check(yen_mention and yen_mention[0].get("stated_usd") == "1920000000" and yen_mention[0]["text"].endswith("($1.92 billion)"),
          "the article's own ($1.92 billion) is kept in the yen mention", yen_mention)
people = [p for p in ps if p.get("people")]
tap.check(people and people[0]["people"] == 50000 and people[0].get("people_qualifier") == "at_least"
          and people[0]["kind"] == "training", "more than 50,000 professionals: 50000 at_least, training", people)
tap.check(not any(p.get("people") == 670000000 for p in ps), "Southeast Asia's 670 million people is no pledge")
lastmonth = [m for m in a0.json["mentions"] if m["type"] == "date" and m["text"] == "last month"]
tap.check(lastmonth and lastmonth[0]["value"] == "2024-05-01" and lastmonth[0]["precision"] == "month",
          "\"last month\" in an article of 4 June 2024 is May 2024, to the month", lastmonth)

# --- a new company, and the draft POSTed as it is --------------------------------------------
text = ("Oracle to invest $8 billion in Japan\n"
        "Oracle will invest more than $8 billion over the next 10 years to meet demand for cloud "
        "computing and AI infrastructure in Japan, the company said on Wednesday. "
        "It will also train 5,000 engineers in Japan by 2026.")
r = draft({"text": text, "url": "https://example.com/oracle", "published_on": "2024-04-18", "publisher": "Example"})
new = r.json.get("new_companies", []) if r.status == 200 else []
tap.check(r.status == 200 and [n["name"] for n in new] == ["Oracle"] and new[0]["slug"] == "oracle",
          "an unknown company that commits is proposed, with a slug", new)
ann = r.json["announcement"] if r.status == 200 else {}
tap.check(ann.get("announced_on") == "2024-04-17" and ann.get("companies") == ["oracle"],
          "announced \"on Wednesday\" in an article of Thursday 18 April 2024 is the 17th", (ann.get("announced_on"), ann.get("companies")))
ps = ann.get("pledges", [])
tap.check(any(p.get("amount") == {"currency": "USD", "value": "8000000000"} and p.get("amount_qualifier") == "at_least"
              and p.get("duration_months") == 120 for p in ps)
          and any(p.get("people") == 5000 and p.get("ends_on") == "2026-12-31" for p in ps),
          "more than $8 billion over 10 years; 5,000 engineers by 2026", ps)
c = d.request("POST", "/v1/companies", {"name": new[0]["name"] if new else "Oracle", "slug": "oracle", "country": "US"})
created = d.request("POST", "/v1/announcements", ann)
tap.check(c.status == 201 and created.status == 201, "after creating the new company, POST /v1/announcements takes the draft as it is",
          (c.status, created.body[:800]))
again = draft({"text": text, "url": "https://example.com/oracle"})
m = again.json.get("matches", []) if again.status == 200 else []
tap.check(m and m[0]["announcement_id"] == created.json.get("id") and m[0]["score"] == 1.0
          and m[0]["reasons"] == ["already a source"] and again.json["new_companies"] == [],
          "the same article drafted again: its announcement, already a source (score 1), and the company known now", m)

# --- a proposal applied -----------------------------------------------------------------------
r = draft({"text": article("004"), "url": "https://example.com/004"})
prop = r.json["proposal"] if r.status == 200 else {}
before = d.get("/v1/announcements/1").json
patched = d.request("PATCH", "/v1/announcements/1", prop.get("announcement"), content_type="application/merge-patch+json")
pl = [d.request("PATCH", "/v1/pledges/%d" % p["pledge_id"], p["patch"], content_type="application/merge-patch+json")
      for p in prop.get("pledges", [])]
after = d.get("/v1/announcements/1").json
urls = [s["url"] for s in after.get("sources", [])]
tap.check(patched.status == 200 and all(x.status == 200 for x in pl) and len(pl) >= 1
          and urls == [s["url"] for s in before["sources"]] + ["https://example.com/004"],
          "the proposal's PATCH bodies file article 004 under announcement 1: its sources grow by one",
          (patched.status, [x.status for x in pl], urls))
quotes = [e["quote"] for p in after.get("pledges", []) for e in p["evidence"] if e["source"] == "https://example.com/004"]
tap.check(quotes and all(q in article("004") for q in quotes), "and its pledges gain the article's sentences as evidence", quotes)
again = draft({"text": article("004"), "url": "https://example.com/004"})
tap.check(again.status == 200 and again.json["matches"][0]["reasons"] == ["already a source"],
          "drafted again, article 004 is already a source of announcement 1")

# --- Japanese -----------------------------------------------------------------------------------
# Hitachi's Japanese name becomes an alias: the draft reads against the database's names.
d.request("PATCH", "/v1/companies/hitachi", {"aliases": ["日立"]}, content_type="application/merge-patch+json")
ja = "日立、生成AIに3000億円\n日立は2024年度に生成AI関連で約3000億円を投じ、3年間で5万人以上の人材を育成すると発表した。"
r = draft({"text": ja, "url": "https://example.com/ja"})
ps = pledges_of(r) if r.status == 200 else []
tap.check(r.status == 200 and r.json["language"] == "ja"
          and any(p.get("amount") == {"currency": "JPY", "value": "300000000000"} and p.get("amount_qualifier") == "about"
                  and p.get("company") == "hitachi" and p.get("starts_on") == "2024-04-01" for p in ps)
          and any(p.get("people") == 50000 and p.get("people_qualifier") == "at_least" and p["kind"] == "training" for p in ps),
          "Japanese: about 300 billion yen (約3000億円) in Hitachi's fiscal 2024 (2024年度), its alias 日立; more than 50,000 people (5万人以上) trained",
          r.body[:1500])

r = draft({"text": "Microsoft will invest $1-2 billion in data centres in Japan over three years.",
           "url": "https://example.com/range"})
ps = pledges_of(r) if r.status == 200 else []
tap.check(ps and ps[0].get("amount") == {"currency": "USD", "value": "1000000000"} and ps[0].get("amount_qualifier") == "at_least"
          and any("is a range" in w and "2000000000" in w for w in r.json["warnings"]),
          "\"$1-2 billion\": at least the lower bound, and a warning says so", (ps, r.json.get("warnings")))

# --- bad input --------------------------------------------------------------------------------
r = draft({"text": "x"}, auth=False)
tap.check(r.status == 401 and r.header("www-authenticate"), "no token: 401 with WWW-Authenticate", r)
r = draft({"text": article("001")}, auth="Bearer " + reader)
tap.eq(r.status, 200, "a read-only token may ask for a draft: it writes nothing")
r = draft({"text": "x"}, auth="Bearer pld_nope_nope")
tap.eq(r.status, 401, "a bad token: 401")
r = draft({"url": "ftp://x", "title": "t" * 301, "published_on": "2024-02-30", "language": "de", "extra": 1})
fields = sorted(e["field"] for e in r.json.get("errors", [])) if r.status == 422 else []
tap.check(r.status == 422 and r.header("content-type").startswith("application/problem+json")
          and fields == ["extra", "language", "published_on", "text", "title", "url"],
          "every bad field at once: 422 problem+json naming text, url, title, published_on, language and the unknown field", (r.status, fields, r.body[:400]))
for body, what in [({"text": ""}, "empty text"), ({"text": " \n\t "}, "text of spaces"), ({"text": 12}, "text not a string"),
                   ({"text": None}, "text null"), ({"text": "x", "published_on": "2999-01-01"}, "a date in the future")]:
    r = draft(body)
    tap.check(r.status == 422 and r.json["errors"][0]["field"] in ("text", "published_on"), "%s: 422" % what, r)
r = draft(None, raw=b'{"text": "caf\xc3"}')
tap.eq(r.status, 400, "invalid UTF-8 in the body: 400")
r = draft(None, raw=b'{"text": "x"', )
tap.eq(r.status, 400, "malformed JSON: 400")
r = draft(None, raw=json.dumps({"text": "word " * 20000}).encode())
tap.eq(r.status, 413, "a body over --max-body: 413")
r = draft(None, raw=b'{"text": "x"}', content_type="text/plain")
tap.eq(r.status, 415, "not JSON: 415")
r = d.request("GET", "/v1/drafts")
tap.check(r.status == 405 and "POST" in (r.header("allow") or ""), "GET /v1/drafts: 405 with Allow", r)
r = draft({"text": "Nothing to see here. The weather was fine."})
tap.check(r.status == 200 and r.json["announcement"]["pledges"] == [] and r.json["warnings"],
          "a text with no pledge: 200, no pledges, and a warning saying so", r.body[:400])
r = draft({"text": "\u0000"})
tap.check(r.status in (400, 422), "a NUL in the text is refused", r)

# --- the command line -------------------------------------------------------------------------
path = os.path.join(d.dir, "article.txt")
with open(path, "w", encoding="utf-8") as fh:
    fh.write(article("002"))
cli = run_cli(binary, "draft", path, "--url", "https://example.com/002", "--db", d.db)
api = draft({"text": article("002"), "url": "https://example.com/002"})
tap.check(cli.returncode == 0 and json.loads(cli.stdout) == api.json,
          "pledged draft FILE prints the draft the API answers", (cli.returncode, cli.stderr[-400:]))
cli = run_cli(binary, "draft", "-", "--language", "fr", "--db", d.db, input_text=article("003"))
tap.check(cli.returncode == 0 and json.loads(cli.stdout)["language"] == "fr", "pledged draft - reads standard input", cli.stderr)
cli = run_cli(binary, "draft", path, "--language", "de", "--published-on", "2024-13-01", "--db", d.db)
tap.check(cli.returncode == 2 and "language" in cli.stderr and "published_on" in cli.stderr,
          "bad options: exit 2, every problem said", cli.stderr)
cli = run_cli(binary, "draft", os.path.join(d.dir, "missing.txt"), "--db", d.db)
tap.check(cli.returncode == 1 and "cannot read" in cli.stderr, "a missing file: exit 1", cli.stderr)
bad = os.path.join(d.dir, "latin1.txt")
with open(bad, "wb") as fh:
    fh.write(b"caf\xe9 \xa0 2,9 milliards")
cli = run_cli(binary, "draft", bad, "--db", d.db)
tap.check(cli.returncode == 1 and "UTF-8" in cli.stderr, "a file that is not UTF-8: exit 1, said", cli.stderr)
cli = run_cli(binary, "export", "--url", "https://x", "--db", d.db)
tap.check(cli.returncode == 2 and "draft only" in cli.stderr, "--url with another command: exit 2", cli.stderr)
finish(tap, d)
