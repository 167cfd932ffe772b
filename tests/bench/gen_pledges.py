#!/usr/bin/env python3
"""Writes a synthetic dataset for benchmarks as JSON Lines that `pledged
import` reads: COMPANIES companies, then announcements of 1-9 pledges each
until PLEDGES pledges, with realistic spreads of dates (2000-2026), kinds,
countries and currencies (so amount_usd comes from the shipped rates).
Deterministic for a given seed.

usage: gen_pledges.py [PLEDGES=100000] [SEED=1] > data.jsonl"""
import json
import random
import sys

pledges_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
countries = ["JP", "US", "GB", "IN", "MY", "TH", "ID", "DE", "FR", "KR", "TW", "SG", "AU", "CA", "BR"]
currencies = [("USD", 2), ("JPY", 0), ("EUR", 2), ("GBP", 2), ("INR", 2), ("MYR", 2), ("KRW", 0), ("SGD", 2)]
kinds = ["investment", "training", "facility", "research", "partnership", "target", "other"]
statuses = ["announced", "in_progress", "fulfilled", "cancelled"]
words = ("cloud data centre AI infrastructure skills research lab chips GPUs hyperscale semiconductor "
         "training programme partnership fund startups robotics cybersecurity models energy").split()

out = sys.stdout
companies = ["co-%04d" % i for i in range(500)]
for slug in companies:
    out.write(json.dumps({"company": {"slug": slug, "name": "Company %s" % slug[3:],
                                      "country": rng.choice(countries)}}) + "\n")
n = 0
a = 0
while n < pledges_wanted:
    a += 1
    k = min(rng.randint(1, 9), pledges_wanted - n)
    cos = rng.sample(companies, rng.choice([1, 1, 1, 2, 3]))
    y = rng.randint(2000, 2025)
    date = "%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
    pl = []
    for _ in range(k):
        p = {"company": rng.choice(cos + [None]) if len(cos) > 1 else cos[0], "kind": rng.choice(kinds),
             "status": rng.choice(statuses), "country": rng.choice(countries),
             "description": " ".join(rng.sample(words, 5))}
        r = rng.random()
        if r < 0.7:
            code, minor = rng.choice(currencies)
            units = rng.randint(1, 10 ** rng.randint(4, 11))
            value = str(units) if minor == 0 else "%d.%0*d" % (units, minor, rng.randint(0, 10 ** minor - 1))
            p["amount"] = {"currency": code, "value": value}
        if r > 0.5:
            p["people"] = rng.randint(10, 5000000)
        pl.append(p)
    out.write(json.dumps({"title": "Announcement %d: %s" % (a, " ".join(rng.sample(words, 4))),
                          "announced_on": date, "companies": cos, "countries": [rng.choice(countries)],
                          "sources": [{"url": "https://news.example/%d" % a, "title": "Story %d" % a}],
                          "pledges": pl}) + "\n")
    n += k
