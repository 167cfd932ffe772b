"""Currencies, rates and conversion over HTTP: the article's figure, the
weekend rule, the 14-day window, PUT with validation and If-Match, series
with paging and CSV, `pledged rates import`, and a reference model: random
conversions checked against exact rational arithmetic (Python's Fraction,
rounded half to even)."""
import csv
import io
import os
import random
import sys
from fractions import Fraction

from harness import Daemon, Tap, finish, run_cli

tap = Tap()
d = Daemon(sys.argv[1])


def problem(r, status, name):
    return tap.check(r.status == status and r.header("Content-Type") == "application/problem+json"
                     and r.json.get("status") == status, name, r)


def fields(r):
    return sorted(e["field"] for e in r.json.get("errors", []))


# --- currencies ---------------------------------------------------------------
r = d.get("/v1/currencies")
cur = {c["code"]: c for c in r.json["data"]}
tap.check(r.status == 200 and cur["JPY"]["minor_units"] == 0 and cur["USD"]["minor_units"] == 2
          and cur["KWD"]["minor_units"] == 3 and cur["EEK"]["active"] is False,
          "GET /v1/currencies lists codes with minor units", r)
r = d.get("/v1/currencies?format=csv")
rows = list(csv.DictReader(io.StringIO(r.body.decode())))
tap.check(r.header("Content-Type").startswith("text/csv") and len(rows) == len(cur)
          and {row["code"]: int(row["minor_units"]) for row in rows}["KWD"] == 3,
          "currencies as CSV have the same rows", r)

# --- the article's figure -------------------------------------------------------
r = d.get("/v1/convert?amount=300000000000&from=JPY&to=USD&date=2024-06-04")
tap.check(r.status == 200 and r.json["to"] == {"currency": "USD", "value": "1937108542.65"}
          and r.json["from"] == {"currency": "JPY", "value": "300000000000"}
          and r.json["rate_date"] == "2024-06-04"
          and r.json["rates"] == [{"currency": "JPY", "per_usd": "154.8700", "rate_date": "2024-06-04"}],
          "¥300,000,000,000 on 2024-06-04 is exactly US$1,937,108,542.65 (Fed H.10: 154.87)", r)
r = d.get("/v1/convert?amount=300000000000&from=jpy&to=usd&date=2024-06-08")
tap.check(r.status == 200 and r.json["rate_date"] == "2024-06-07"
          and r.json["to"]["value"] == "1915953506.19",
          "a Saturday uses Friday's rate and says so in rate_date", r)
r = d.get("/v1/convert?amount=300000000000&from=JPY&to=USD&date=2024-06-09")
tap.check(r.status == 200 and r.json["rate_date"] == "2024-06-07", "so does a Sunday", r)
r = d.get("/v1/convert?amount=2900000000&from=USD&to=JPY&date=2024-04-09")
tap.check(r.status == 200 and r.json["to"]["value"] == "440017000000",
          "US$2.9 billion on 2024-04-09 is ¥440,017,000,000 (at 151.73)", r)
r = d.get("/v1/convert?amount=2200000000.00&from=USD&to=MYR&date=2024-05-02")
tap.check(r.status == 200 and r.json["to"]["value"] == "10457480000.00",
          "US$2.2 billion on 2024-05-02 is MYR 10,457,480,000.00 (at 4.7534)", r)
r = d.get("/v1/convert?amount=1000000&from=JPY&to=EUR&date=2024-06-04")
tap.check(r.status == 200 and len(r.json["rates"]) == 2 and r.json["to"]["currency"] == "EUR",
          "a cross conversion reports both rates", r)
r = d.get("/v1/convert?amount=12.50&from=USD&to=USD")
tap.check(r.status == 200 and r.json["to"]["value"] == "12.50" and r.json["rate"] == "1"
          and r.json["rates"] == [], "USD to USD is the identity at rate 1", r)
r = d.get("/v1/convert?amount=100&from=JPY&to=USD")
tap.check(r.status == 200 and r.json["rate_date"] == "2026-01-16",
          "without a date the latest rate is used", r)

# --- conversion errors ------------------------------------------------------------
r = d.get("/v1/convert")
tap.check(r.status == 400 and fields(r) == ["amount", "from", "to"], "missing parameters are all named", r)
r = d.get("/v1/convert?amount=1.5&from=JPY&to=YEN&date=2024-02-30")
tap.check(r.status == 400 and fields(r) == ["amount", "date", "to"], "bad parameters are all named", r)
for amount, why in [("-5", "negative"), ("1e9", "exponent"), ("%2B5", "sign"), ("1.234", "decimals"),
                    ("1000000000000000", "integer digits"), ("", "empty")]:
    r = d.get("/v1/convert?from=USD&to=JPY&amount=" + amount)
    tap.check(r.status == 400 and fields(r) == ["amount"] and why in r.json["errors"][0]["message"],
              "amount=%s is refused (%s)" % (amount, why), r)
r = d.get("/v1/convert?amount=1&from=JPY&to=USD&date=2030-01-01")
problem(r, 404, "no rate in force is 404")
r = d.get("/v1/convert?amount=1&from=KWD&to=USD")
problem(r, 404, "a currency with no rates at all is 404")
r = d.get("/v1/convert?amount=1&from=USD&to=JPY&colour=red")
problem(r, 400, "an unknown parameter is 400")

# --- the rate in force ----------------------------------------------------------
r = d.get("/v1/rates/JPY/2024-04-13")
tap.eq((r.status, r.json), (200, {"currency": "JPY", "date": "2024-04-13", "per_usd": "153.1200",
                                  "rate_date": "2024-04-12", "source": "fed-h10"}),
       "GET /v1/rates/JPY/2024-04-13 is Friday's rate, from the Fed's H.10")
r = d.get("/v1/rates/jpy/2026-01-30")
tap.check(r.status == 200 and r.json["rate_date"] == "2026-01-16", "a rate 14 days old is in force", r)
problem(d.get("/v1/rates/JPY/2026-01-31"), 404, "a rate 15 days old is not (404)")
problem(d.get("/v1/rates/XYZ/2024-04-13"), 400, "an unknown currency in the path is 400")
problem(d.get("/v1/rates/JPY/2024-02-30"), 400, "an impossible date in the path is 400")
r = d.get("/v1/rates/USD/2024-04-13")
tap.check(r.status == 200 and r.json["per_usd"] == "1", "USD is 1", r)

# --- PUT -----------------------------------------------------------------------
r = d.request("PUT", "/v1/rates/KWD/2024-06-04", body={"per_usd": "0.3066"}, auth=None)
problem(r, 401, "PUT without a token is 401")
r = d.request("PUT", "/v1/rates/KWD/2024-06-04", body={"per_usd": 0.3066})
tap.check(r.status == 422 and fields(r) == ["per_usd"], "a JSON float rate is refused", r)
r = d.request("PUT", "/v1/rates/KWD/2024-06-04", body={"per_usd": "-1", "source": "x", "extra": 1})
tap.check(r.status == 422 and fields(r) == ["extra", "per_usd", "source"], "every field error at once", r)
for bad in ["0", "1e3", "12345678901", "", "abc", "1."]:
    r = d.request("PUT", "/v1/rates/KWD/2024-06-04", body={"per_usd": bad})
    tap.check(r.status == 422 and fields(r) == ["per_usd"], "per_usd %r is refused" % bad, r)
r = d.request("PUT", "/v1/rates/USD/2024-06-04", body={"per_usd": "1"})
tap.check(r.status == 422 and fields(r) == ["currency"], "USD cannot be set", r)
r = d.request("PUT", "/v1/rates/KWD/2024-06-04", raw=b"per_usd=1", content_type="application/x-www-form-urlencoded")
problem(r, 415, "a form body is 415")
problem(d.get("/v1/convert?amount=1.000&from=KWD&to=USD&date=2024-06-04"), 404,
        "the refused PUTs wrote nothing")
r = d.request("PUT", "/v1/rates/kwd/2024-06-04", body={"per_usd": "0.3066"})
tap.check(r.status == 201 and r.header("Location") == "/v1/rates/KWD/2024-06-04"
          and r.json["per_usd"] == "0.3066" and r.json["source"] == "manual", "PUT adds a rate (201), source manual", r)
etag = r.header("ETag")
r = d.get("/v1/convert?amount=1.000&from=KWD&to=USD&date=2024-06-05")
tap.check(r.status == 200 and r.json["to"]["value"] == "3.26" and r.json["rate_date"] == "2024-06-04",
          "the new rate is used at once (1 KWD = $3.26)", r)
r = d.request("PUT", "/v1/rates/KWD/2024-06-04", body={"per_usd": "0.3070"}, headers={"If-Match": '"stale"'})
problem(r, 412, "PUT with a stale If-Match is 412")
r = d.request("PUT", "/v1/rates/KWD/2024-06-04", body={"per_usd": "0.3070"}, headers={"If-Match": etag})
tap.check(r.status == 200 and r.json["per_usd"] == "0.3070", "PUT with the current ETag corrects it (200)", r)
r = d.request("PUT", "/v1/rates/KWD/2024-06-10", body={"per_usd": "0.3070"}, headers={"If-Match": etag})
problem(r, 412, "If-Match on a rate that does not exist is 412")
r = d.request("PUT", "/v1/rates/JPY/2024-06-04", body={"per_usd": 155})
tap.check(r.status == 200 and r.json["per_usd"] == "155", "an integer rate is accepted and corrects a shipped one", r)
r = d.get("/v1/convert?amount=300000000000&from=JPY&to=USD&date=2024-06-04")
tap.eq(r.json["to"]["value"], "1935483870.97", "conversions follow the corrected rate")
d.request("PUT", "/v1/rates/JPY/2024-06-04", body={"per_usd": "154.8700"})

# --- series ------------------------------------------------------------------------
r = d.get("/v1/rates?currency=JPY&from=2024-04-01&to=2024-04-30&count=true&limit=500")
tap.check(r.status == 200 and r.json["total"] == len(r.json["data"]) == 22
          and r.json["data"][0] == {"date": "2024-04-01", "currency": "JPY", "per_usd": "151.7200",
                                    "source": "fed-h10"},
          "April 2024 has 22 JPY rates (business days)", r)
month = r.json["data"]
seen, url = [], "/v1/rates?currency=JPY&from=2024-04-01&to=2024-04-30&limit=4"
while url:
    rr = d.get(url)
    seen += rr.json["data"]
    link = rr.header("Link")
    url = link[1:link.index(">")] if link else None
tap.eq(seen, month, "pages of 4 through Link visit the same 22 rows")
r = d.get("/v1/rates?currency=JPY&from=2024-04-01&to=2024-04-30&limit=500", headers={"Accept": "text/csv"})
rows = list(csv.DictReader(io.StringIO(r.body.decode())))
tap.eq(rows, month, "Accept: text/csv answers the same rows as CSV")
r = d.get("/v1/rates?currency=JPY&from=2024-04-01&to=2024-04-30&sort=-date&limit=1")
tap.eq(r.json["data"][0]["date"], "2024-04-30", "sort=-date starts at the newest")
r = d.get("/v1/rates?from=2024-05-02&to=2024-05-02&limit=500")
tap.check(r.status == 200 and len(r.json["data"]) >= 30
          and {"date": "2024-05-02", "currency": "MYR", "per_usd": "4.7534", "source": "fed-h10"} in r.json["data"]
          and {"date": "2024-05-02", "currency": "PLN", "per_usd": "4.045429052", "source": "ecb-derived"}
          in r.json["data"],
          "one day across all currencies", len(r.json["data"]))
r = d.get("/v1/rates?from=2024-05-02&to=2024-05-01")
tap.check(r.status == 400 and fields(r) == ["to"], "to before from is 400", r)
r = d.get("/v1/rates?currency=ZZZ&from=yesterday")
tap.check(r.status == 400 and fields(r) == ["currency", "from"], "bad filters are all named", r)
r = d.get("/v1/rates?format=xml")
tap.check(r.status == 400 and fields(r) == ["format"], "format=xml is 400", r)

# --- reference model: random conversions against exact rationals --------------------
def reference(amount_minor, d_from, r_from, d_to, r_to):
    v = Fraction(amount_minor, 10 ** d_from) * Fraction(r_to) / Fraction(r_from) * 10 ** d_to
    q, rem = divmod(v.numerator, v.denominator)
    if 2 * rem > v.denominator or (2 * rem == v.denominator and q % 2):
        q += 1
    return q

def fmt(q, digits):
    s = str(q).rjust(digits + 1, "0")
    return s[:-digits] + "." + s[-digits:] if digits else s

rng = random.Random(20240604)
codes = {"JPY": 0, "KWD": 3, "CLF": 4, "EUR": 2, "IDR": 2}
rates = {}
for code in codes:
    digits = rng.randint(1, 10)
    coef = rng.randint(10 ** (digits - 1), 10 ** digits - 1)
    scale = rng.randint(0, min(digits + 2, 10))
    text = str(coef).rjust(scale + 1, "0")
    text = text[:-scale] + "." + text[-scale:] if scale else text
    rates[code] = text
    d.request("PUT", "/v1/rates/%s/1999-01-01" % code, body={"per_usd": text})
rates["USD"] = "1"
all_codes = dict(codes, USD=2)
mismatches = []
for i in range(300):
    a, b = rng.choice(list(all_codes)), rng.choice(list(all_codes))
    int_digits = rng.randint(1, 15)
    minor = rng.randint(0, 10 ** (int_digits + all_codes[a]) - 1)
    amount = fmt(minor, all_codes[a])
    r = d.get("/v1/convert?amount=%s&from=%s&to=%s&date=1999-01-01" % (amount, a, b))
    want = fmt(reference(minor, all_codes[a], rates[a], all_codes[b], rates[b]), all_codes[b])
    if r.status != 200 or r.json["to"]["value"] != want:
        mismatches.append((amount, a, b, rates[a], rates[b], want, r))
tap.check(not mismatches, "300 random conversions equal the exact rational result, rounded half to even",
          mismatches[:5])
ties = [(1, "200"), (3, "200"), (5, "200"), (7, "200")]
d.request("PUT", "/v1/rates/JPY/1999-01-02", body={"per_usd": "200"})
got = [d.get("/v1/convert?amount=%d&from=JPY&to=USD&date=1999-01-02" % n).json["to"]["value"] for n, _ in ties]
tap.eq(got, ["0.00", "0.02", "0.02", "0.04"], "ties round half to even both ways (¥1,3,5,7 at 200)")

# --- dates in range (API.md §7): a rate is for a day that has come ----------------------
import datetime
tomorrow = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=1)).isoformat()
after = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=2)).isoformat()
for date in ["9999-12-31", after, "1969-12-31", "1000-01-01"]:
    r = d.request("PUT", "/v1/rates/CHF/" + date, body={"per_usd": "0.9"})
    tap.check(r.status == 422 and [e["field"] for e in r.json["errors"]] == ["date"],
              "PUT /v1/rates/CHF/%s is 422 naming the date" % date, r)
latest = d.get("/v1/rates?currency=CHF&sort=-date&limit=1").json["data"][0]["date"]
tap.check(latest <= tomorrow, "a refused far-future rate never becomes the latest CHF rate", latest)
r = d.request("PUT", "/v1/rates/CHF/" + tomorrow, body={"per_usd": "0.9"})
tap.check(r.status == 201, "a rate for tomorrow (UTC) is accepted: some markets are ahead of UTC", r)

# --- rates import ------------------------------------------------------------------------
path = os.path.join(d.dir, "rates.csv")
with open(path, "w") as fh:
    fh.write("date,currency,per_usd\n2026-06-02,JPY,150.5\n2026-06-03,jpy,150\n2026-02-30,JPY,1\n"
             "2999-01-02,JPY,150\n1969-12-31,JPY,360\n")
res = run_cli(d.binary, "rates", "import", path, "--db", d.db)
tap.check(res.returncode == 1 and "line 3:" in res.stderr and "line 4:" in res.stderr
          and "line 5: 2999-01-02 is not from 1970-01-01 to" in res.stderr
          and "line 6: 1969-12-31 is not from 1970-01-01 to" in res.stderr
          and "nothing was imported" in res.stderr, "a bad import names each bad line (dates out of range too) "
          "and writes nothing", res)
problem(d.get("/v1/rates/JPY/2026-06-02"), 404, "nothing of the bad file landed")
with open(path, "w") as fh:
    fh.write("date,currency,per_usd\n2026-06-02,JPY,150.5\n2026-06-03,JPY,150.25\n2024-06-04,JPY,154.8700\n")
res = run_cli(d.binary, "rates", "import", path, "--db", d.db)
tap.check(res.returncode == 0 and "3 lines read, 2 rates added or changed" in res.stdout,
          "a good import adds the new rows and leaves equal ones alone", res)
r = d.get("/v1/rates/JPY/2026-06-04")
tap.check(r.status == 200 and r.json["per_usd"] == "150.25", "the running daemon sees imported rates", r)

finish(tap, d)
