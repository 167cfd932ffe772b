"""`pledged rates update` and the daemon's refresh, against a loopback HTTP
server that serves files in the two publishers' exact formats: the Fed's
H.10 Data Download Program CSV (its header rows taken from the real sample
in ../shared/data/formats) and the ECB's eurofxref-hist.zip. The rows after
the shipped data (2026) are test values in those formats. Checks the rows
and sources stored, the pledges that follow, an ECB-derived yen rate
replaced by the Fed's when it arrives, a second run that adds nothing
(304), malformed, truncated, missing and oversized files, HTTP errors and a
stalled server (nothing changes), and the refresh thread filling a pledge
dated after the shipped rates. No test reaches outside the machine."""
import datetime
import hashlib
import http.server
import io
import json
import os
import sys
import threading
import time
import zipfile

from harness import Daemon, Tap, finish, is_postgresql, new_database, run_cli, sql_rows

tap = Tap()
binary = sys.argv[1]
formats = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "formats")
if not os.path.isdir(formats):
    formats = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")

# --- the fixture files ---------------------------------------------------------------------------
fed_sample = open(os.path.join(formats, "fed-h10-ddp-sample.csv"), encoding="utf-8").read().splitlines()
header_rows = [l for l in fed_sample if not l[:4].isdigit()]
series = header_rows[-1].split(",")[1:]
codes = [c.strip('"') for c in header_rows[3].split(",")[1:]]


def business_days(start, end):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += datetime.timedelta(days=1)


# Test values: the yen at 150 + day/100, the euro at 1.10 US dollars, the rest 1.5.
def fed_value(code, sid, d):
    if code == "JPY":
        return "%.4f" % (150 + d.day / 100)
    if code == "EUR":
        return "1.1000"
    return "1.5000"


def fed_file(first, last, bad=None):
    rows = []
    for d in business_days(first, last):
        cells = [d.isoformat()] + [fed_value(c, s.strip('"'), d) for c, s in zip(codes, series)]
        if d == datetime.date(2026, 1, 19):
            cells = [d.isoformat()] + ["ND"] * len(series)  # a US holiday: nothing published
        rows.append(",".join(cells))
    if bad == "abc":
        rows[1] = rows[1].replace("150.", "abc", 1)
    text = "\n".join(header_rows + rows) + "\n"
    if bad == "no-time-period":
        text = "\n".join(header_rows[:-1] + rows) + "\n"
    return text.encode()


ecb_header = "Date,USD,JPY,BGN,CZK,DKK,GBP,HUF,PLN,RON,SEK,CHF,ISK,NOK,TRY,AUD,BRL,CAD,CNY,HKD,IDR,ILS,INR,KRW," \
             "MXN,MYR,NZD,PHP,SGD,THB,ZAR,"


def ecb_csv(first, last):
    lines = [ecb_header]
    d = last
    while d >= first:  # newest first, as the ECB writes it
        if d.weekday() < 5:
            vals = ["1.2000", "180.00"] + ["4.2500"] * (len(ecb_header.split(",")) - 4)
            lines.append(d.isoformat() + "," + ",".join(vals) + ",")
        d -= datetime.timedelta(days=1)
    return ("\n".join(lines) + "\n").encode()


def zipped(name, data):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return b.getvalue()


files = {
    "/fed.csv": fed_file(datetime.date(2026, 1, 12), datetime.date(2026, 2, 13)),
    "/fed-abc.csv": fed_file(datetime.date(2026, 1, 12), datetime.date(2026, 2, 13), bad="abc"),
    "/fed-no-time-period.csv": fed_file(datetime.date(2026, 1, 12), datetime.date(2026, 2, 13), bad="no-time-period"),
    "/ecb.zip": zipped("eurofxref-hist.csv", ecb_csv(datetime.date(2026, 1, 12), datetime.date(2026, 4, 24))),
    "/ecb-wrong-member.zip": zipped("other.csv", ecb_csv(datetime.date(2026, 1, 12), datetime.date(2026, 4, 24))),
}
files["/ecb-truncated.zip"] = files["/ecb.zip"][: len(files["/ecb.zip"]) // 2]
files["/big.csv"] = b"x" * (3 * 1024 * 1024)
hits = []


class Fixtures(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        hits.append((self.path, self.headers.get("If-None-Match"), self.headers.get("User-Agent")))
        if self.path == "/stall":
            time.sleep(6)
            self.send_response(200)
            self.end_headers()
            return
        if self.path in ("/missing", "/error"):
            self.send_response(404 if self.path == "/missing" else 500)
            self.end_headers()
            return
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/fed.csv")
            self.end_headers()
            return
        body = files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the body-cap test): expected


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fixtures)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_address[1]

d = Daemon(binary)
run_cli(binary, "seed", "--db", d.db)
for c in ({"name": "Yen Corp", "slug": "yen-corp", "country": "JP"},):
    d.request("POST", "/v1/companies", body=c)
r = d.request("POST", "/v1/announcements", body={
    "title": "Yen pledge after the shipped rates", "announced_on": "2026-02-10", "companies": ["yen-corp"],
    "pledges": [{"kind": "investment", "amount": {"currency": "JPY", "value": "300000000000"}},
                {"kind": "investment", "amount": {"currency": "PLN", "value": "1000000"}}]})
ann = r.json["id"]
yen, pln = r.json["pledges"][0]["id"], r.json["pledges"][1]["id"]
p = d.get("/v1/pledges/%d" % yen).json
tap.check(p["amount_usd"] is None and p["amount_usd_error"] == "no JPY rate published yet for 2026-02-10 (latest: 2026-01-16)",
          "a yen pledge after the shipped rates says no rate is published yet, with the latest date", p)
cur = {c["code"]: c for c in d.get("/v1/currencies").json["data"]}
tap.check(cur["JPY"].get("latest_rate_date") == "2026-01-16" and cur["JPY"].get("latest_rate_source") == "fed-h10"
          and cur["PLN"].get("latest_rate_date") == "2026-04-13" and cur["PLN"].get("latest_rate_source") == "ecb-derived"
          and cur["USD"].get("latest_rate_date") is None,
          "GET /v1/currencies gives each currency's latest rate date and its source", (cur["JPY"], cur["PLN"]))


def fingerprint():
    joined = "string_agg(source, ',')" if is_postgresql(d.db) else "group_concat(source)"
    rows = sql_rows(d.db, "SELECT count(*), max(date), %s FROM (SELECT * FROM rates"
                          " ORDER BY date DESC, currency LIMIT 300) t" % joined)[0]
    pl = sql_rows(d.db, "SELECT amount_usd_minor, usd_rate_source, usd_error FROM pledges ORDER BY id")
    total = sql_rows(d.db, "SELECT count(*) FROM rates")[0][0]
    return (rows, pl, total)


def update(*args, env=None):
    return run_cli(binary, "rates", "update", "--db", d.db, *args, env=env, timeout=60)


# --- failures first: nothing changes ------------------------------------------------------------
before = fingerprint()
for args, says, what in [
    (["--source", "fed", "--fed-url", base + "/fed-no-time-period.csv"], "Time Period", "a Fed file without its Time Period row"),
    (["--source", "fed", "--fed-url", base + "/fed-abc.csv"], "abc", "a Fed value 'abc'"),
    (["--source", "ecb", "--ecb-url", base + "/ecb-wrong-member.zip"], "no eurofxref-hist.csv", "a zip without the CSV"),
    (["--source", "ecb", "--ecb-url", base + "/ecb-truncated.zip"], "truncated", "a truncated zip"),
    (["--source", "fed", "--fed-url", base + "/missing"], "HTTP 404", "a 404"),
    (["--source", "fed", "--fed-url", base + "/error"], "HTTP 500", "a 500"),
]:
    r = update(*args)
    lines = r.stderr.strip().splitlines()
    tap.check(r.returncode == 1 and len(lines) == 1 and says in r.stderr and base in r.stderr and "nothing changed" in r.stderr,
              "%s: exit 1, one line naming the source and URL" % what, r.stderr)
t0 = time.time()
r = update("--source", "fed", "--fed-url", base + "/stall", env={"PLEDGED_RATES_TIMEOUT": "2"})
tap.check(r.returncode == 1 and "timed out" in r.stderr and time.time() - t0 < 5,
          "a server that stalls past the timeout is given up (%.1f s)" % (time.time() - t0), r.stderr)
r = update("--source", "fed", "--fed-url", base + "/big.csv", env={"PLEDGED_RATES_MAX_BYTES": "1048576"})
tap.check(r.returncode == 1 and "larger than the limit" in r.stderr, "a body over the cap is refused", r.stderr)
tap.eq(fingerprint(), before, "none of these changed a rate or a pledge")
r = update("--source", "fed", "--fed-url", "ftp://127.0.0.1/x")
tap.check(r.returncode == 2, "a URL that is not http(s) is bad usage", r.stderr)

# --- the ECB first: the yen gets ECB-derived rates after the Fed's last ------------------------
r = update("--source", "ecb", "--ecb-url", base + "/ecb.zip")
tap.check(r.returncode == 0 and "ecb:" in r.stdout and "JPY" in r.stdout and "latest 2026-04-24 (ecb-derived)" in r.stdout,
          "rates update --source ecb adds the days the database lacks, per currency", r.stdout + r.stderr)
rate = d.get("/v1/rates/JPY/2026-02-10").json
tap.check(rate.get("source") == "ecb-derived" and rate.get("per_usd") == "150", "the yen on 2026-02-10 is the ECB cross "
          "rate (180 / 1.2 = 150), ecb-derived", rate)
tap.eq(d.get("/v1/rates/JPY/2026-01-16").json.get("source"), "fed-h10", "the Fed's own days keep the Fed's rate")
pl = d.get("/v1/pledges/%d" % pln).json["amount_usd"]
tap.check(pl and pl["rate_source"] == "ecb-derived", "a zloty pledge gets its USD value from the cross rate", pl)
p = d.get("/v1/pledges/%d" % yen).json
tap.check(p["amount_usd"] and p["amount_usd"]["value"] == "2000000000.00" and p["amount_usd"]["rate_source"] == "ecb-derived",
          "the yen pledge is filled: ¥300,000,000,000 at 150 = US$2,000,000,000.00 (ecb-derived)", p.get("amount_usd"))

# --- then the Fed: its value replaces the derived one ---------------------------------------------
r = update("--source", "fed", "--fed-url", base + "/fed.csv")
tap.check(r.returncode == 0 and "fed-h10:" in r.stdout and "JPY" in r.stdout, "rates update --source fed", r.stdout + r.stderr)
rate = d.get("/v1/rates/JPY/2026-02-10").json
tap.check(rate.get("source") == "fed-h10" and rate.get("per_usd") == "150.1000",
          "the Fed's value for that day replaces the ECB-derived one", rate)
p = d.get("/v1/pledges/%d" % yen).json
tap.check(p["amount_usd"]["rate_source"] == "fed-h10" and p["amount_usd"]["value"] == "1998667554.96",
          "and the pledge follows: ¥300,000,000,000 at 150.1 = US$1,998,667,554.96 (fed-h10)", p["amount_usd"])
eur = d.get("/v1/rates/EUR/2026-02-10").json
tap.check(eur.get("per_usd") == "0.9090909091" and eur.get("source") == "fed-h10",
          "the Fed's US dollars per euro are inverted to 10 significant digits (1 / 1.1)", eur)
tap.check(d.get("/v1/rates/JPY/2026-01-19").json.get("source") == "ecb-derived",
          "a day the Fed marks ND keeps the ECB-derived rate", d.get("/v1/rates/JPY/2026-01-19").json)
r = d.get("/v1/rates?currency=JPY&from=2026-02-09&to=2026-02-13&format=csv")
tap.check(r.body.decode().splitlines()[0] == "date,currency,per_usd,source" and "fed-h10" in r.body.decode(),
          "the rates list says each rate's source, in CSV too", r.body[:200])

# --- idempotent ---------------------------------------------------------------------------------
before = fingerprint()
hits.clear()
r = update("--fed-url", base + "/fed.csv", "--ecb-url", base + "/ecb.zip")
tap.check(r.returncode == 0 and r.stdout.count("nothing new") == 2, "a second run adds nothing and says so", r.stdout)
tap.check(len(hits) == 2 and all(h[1] for h in hits) and all(h[2].startswith("pledged/") for h in hits),
          "it asks with If-None-Match (answered 304) and a User-Agent naming pledged", hits)
tap.eq(fingerprint(), before, "and changes nothing")
r = update("--source", "fed", "--fed-url", base + "/redirect")
tap.check(r.returncode == 0, "a redirect is followed", r.stderr)
r = update("--source", "fed", "--fed-url", base + "/fed.csv", "--since", "2026-02-01")
tap.check(r.returncode == 0, "--since takes only later days", r.stderr)
metrics = d.get("/metrics").body.decode()
tap.check('pledged_rates_last_success_timestamp_seconds{source="fed-h10"}' in metrics
          and 'pledged_rates_update_failures{source="ecb"} 0' in metrics,
          "/metrics gives the last successful update and the failures since, per source",
          [l for l in metrics.splitlines() if "rates" in l])
tap.check(d.get("/v1/stats/summary").json.get("rates_as_of") == "2026-04-24", "the summary says how current the rates are",
          d.get("/v1/stats/summary").json)

# --- the daemon keeps them current ----------------------------------------------------------------
fresh = new_database(d.dir, "fresh")
run_cli(binary, "migrate", "--db", fresh)
e = Daemon(binary, "--rates-refresh", "3s", "--fed-url", base + "/fed.csv", "--ecb-url", base + "/ecb.zip", db=fresh)
e.request("POST", "/v1/companies", body={"name": "Yen Corp", "slug": "yen-corp"})
r = e.request("POST", "/v1/announcements", body={
    "title": "Later", "announced_on": "2026-02-12", "companies": ["yen-corp"],
    "pledges": [{"kind": "investment", "amount": {"currency": "JPY", "value": "1000000"}}]})
pid = r.json["pledges"][0]["id"]
first = e.get("/v1/pledges/%d" % pid).json  # cached now; the refresh must invalidate it
deadline = time.time() + 30
filled = None
while time.time() < deadline:
    got = e.get("/v1/pledges/%d" % pid).json
    if got.get("amount_usd") and got["amount_usd"]["rate_source"] == "fed-h10":
        filled = got
        break
    time.sleep(0.5)
tap.check(filled and filled["amount_usd"]["rate_date"] == "2026-02-12",
          "the refresh thread fills a pledge dated after the shipped rates (answer cache included)",
          filled or e.log_text()[-1500:])
# The pledge can follow the first source's commit before the second source is
# done; the line is logged when the whole run has ended.
deadline = time.time() + 30
while time.time() < deadline and '"msg":"rates refreshed"' not in e.log_text():
    time.sleep(0.2)
tap.check('"msg":"rates refreshed"' in e.log_text(), "each refresh is logged", e.log_text()[-1500:])
tap.eq(e.get("/readyz").status, 200, "/readyz does not depend on the refresh")
rc = e.stop()
tap.eq(rc, 0, "the daemon with a refresh thread stops cleanly")
e.cleanup()
g = Daemon(binary, "--rates-refresh", "2s", "--fed-url", base + "/missing", "--ecb-url", base + "/error")
time.sleep(5)
tap.check(g.get("/healthz").status == 200 and '"level":"error"' in g.log_text() and "HTTP 404" in g.log_text(),
          "a failing refresh is logged and retried, and serving goes on", g.log_text()[-800:])
m = g.get("/metrics").body.decode()
tap.check([l for l in m.splitlines() if l.startswith('pledged_rates_update_failures{source="fed-h10"}')][0].split()[-1] >= "1",
          "/metrics counts the failures", [l for l in m.splitlines() if "rates" in l])
g.stop()
g.cleanup()

# SIGTERM while a refresh is downloading from a server that stalls: the
# download is abandoned, nothing is written, and the daemon stops at once.
h = Daemon(binary, "--rates-refresh", "60s", "--fed-url", base + "/stall", "--ecb-url", base + "/stall")
time.sleep(1.0)
t0 = time.time()
rc = h.stop()
tap.check(rc == 0 and time.time() - t0 < 4, "SIGTERM during a refresh download stops the daemon in %.1f s, exit %s"
          % (time.time() - t0, rc), h.log_text()[-800:])
tap.check(h.sanitizer_report() is None, "and leaves no sanitizer report", h.log_text()[-2000:])
h.cleanup()

compose = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docker", "compose.yaml")).read()
dockerfile = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docker", "Dockerfile")).read()
tap.check("PLEDGED_RATES_REFRESH" in compose and "PLEDGED_RATES_REFRESH=12h" in dockerfile,
          "the image and the compose file turn the refresh on (12h)")
server.shutdown()
finish(tap, d)
