#!/usr/bin/env python3
"""make draft-eval: how well drafts read the five seed articles (issue 16).

Starts pledged on a temporary database holding only the sample data's
companies, then drafts ../shared/seeds' articles one by one in the order
of their file names, as an analyst would file them: when the draft
proposes adding the article to an announcement it matched, the proposal's
PATCH bodies are sent; otherwise its new companies are created and its
announcement POSTed as it is. Against the sample data (data/seed.jsonl:
the pledges of the announcements that cite each article), it counts for
money amounts, people counts, durations, countries and companies: how many
the sample has, how many the drafts found, how many are right, and the
precision and recall; and says whether articles 002, 003 and 004 were
matched to the announcement 001 created. The sample's facts of an article
are those of the pledges of the announcements that list it as a source,
less the ones it does not state (NOT_STATED, read by hand), and the
companies of those announcements. The server listens on 127.0.0.1 and is
stopped by PID.

usage: draft_eval.py BUILD_DIR"""
import collections
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "integration"))
from harness import Daemon  # noqa: E402

build = sys.argv[1]
repo = os.path.abspath(os.path.join(here, "..", ".."))
seeds = os.path.join(repo, "..", "shared", "seeds")
lines = [json.loads(l) for l in open(os.path.join(repo, "data", "seed.jsonl"), encoding="utf-8")]
companies = [l["company"] for l in lines if "company" in l]
announcements = [l for l in lines if "company" not in l]
TYPES = ["money", "people", "duration", "country", "company"]


# The sample's pledges an article reports but does not state, read by hand:
# the French article 003 says nothing of the three million people trained.
NOT_STATED = {("003", "Microsoft to invest US$2.9 billion", "training")}


def facts(ann_pledges, ann_companies):
    """The facts of one article: a multiset of (type, value) for amounts,
    people, durations and countries of its pledges; its companies as a set."""
    out = collections.Counter()
    for p in ann_pledges:
        if p.get("amount"):
            a = p["amount"]
            out[("money", a["currency"], a["value"][:-3] if a["value"].endswith(".00") else a["value"])] += 1
        if p.get("people"):
            out[("people", p["people"])] += 1
        if p.get("duration_months"):
            out[("duration", p["duration_months"])] += 1
        if p.get("country"):
            out[("country", p["country"])] += 1
    for c in set(ann_companies):
        out[("company", c)] = 1
    return out


def expected_for(name):
    """The sample's facts for article `name`: the pledges of the
    announcements that list it as a source (an article that reports several
    announcements is listed with a #fragment for each), less those it does
    not state (NOT_STATED), and their companies."""
    url = "https://articles.pledged.invalid/" + name
    pledges, companies = [], set()
    for a in announcements:
        if not any(s["url"].split("#")[0] == url for s in a.get("sources", [])):
            continue
        companies |= set(a.get("companies", []))
        pledges += [p for p in a.get("pledges", [])
                    if (name[:3], a["title"][:34], p["kind"]) not in NOT_STATED]
    return facts(pledges, companies)


d = Daemon(os.path.join(build, "server", "pledged"))
try:
    for c in companies:
        assert d.request("POST", "/v1/companies", c).status == 201
    scores = {t: [0, 0, 0] for t in TYPES}  # expected, found, right
    created = {}
    matched = {}
    print("| article | language | proposal | pledges drafted |")
    print("| --- | --- | --- | ---: |")
    for f in sorted(os.listdir(seeds)):
        name = f[:-4]
        text = open(os.path.join(seeds, f), encoding="utf-8").read()
        url = "https://articles.pledged.invalid/" + name
        r = d.request("POST", "/v1/drafts", {"text": text, "url": url})
        assert r.status == 200, r
        draft = r.json
        ann = draft["announcement"]
        found = facts(ann["pledges"], ann["companies"])
        exp = expected_for(name)
        for t in TYPES:
            e = sum(v for k, v in exp.items() if k[0] == t)
            g = sum(v for k, v in found.items() if k[0] == t)
            right = sum(min(v, found[k]) for k, v in exp.items() if k[0] == t)
            scores[t][0] += e
            scores[t][1] += g
            scores[t][2] += right
        prop = draft["proposal"]
        if prop["action"] == "add_source":
            matched[name[:3]] = prop["announcement_id"]
            d.request("PATCH", "/v1/announcements/%d" % prop["announcement_id"], prop["announcement"],
                      content_type="application/merge-patch+json")
            for p in prop["pledges"]:
                d.request("PATCH", "/v1/pledges/%d" % p["pledge_id"], p["patch"],
                          content_type="application/merge-patch+json")
            action = "add to announcement %d (score %.2f)" % (prop["announcement_id"], draft["matches"][0]["score"])
        else:
            for n in draft["new_companies"]:
                if n["slug"]:
                    d.request("POST", "/v1/companies", {"name": n["name"], "slug": n["slug"]})
            if not ann.get("announced_on"):
                ann["announced_on"] = "2024-04-10"  # the analyst fills what the draft could not
            c = d.request("POST", "/v1/announcements", ann)
            assert c.status == 201, c
            created[name[:3]] = c.json["id"]
            action = "create (announcement %d)" % c.json["id"]
        print("| %s | %s | %s | %d |" % (name[:3], draft["language"], action, len(ann["pledges"])))
    print("\n| type | in the sample | found | right | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for t in TYPES:
        e, g, right = scores[t]
        print("| %s | %d | %d | %d | %.2f | %.2f |" % (t, e, g, right, right / g if g else 1.0, right / e if e else 1.0))
    first = created.get("001")
    for n in ("002", "003", "004"):
        print("article %s matched to 001's announcement (%s): %s" % (n, first, "yes" if matched.get(n) == first and first else "no"))
finally:
    d.cleanup()
