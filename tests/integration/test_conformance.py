"""The OpenAPI document is exact: real traffic to the real daemon goes
through Stoplight Prism's validating proxy (@stoplight/prism-cli from npm,
installed once into the build dir's tools/), which checks every request
and every response against server/api/openapi.json and reports what does not
match in an `sl-violations` header. Every operation is exercised with good
requests (the document must accept them and their answers) and bad ones
(the document may reject the request, but the error answer must match it).
Fails on any response that violates the document and on any good request
the document rejects. Prism and the daemon listen on 127.0.0.1 only and
are stopped by PID."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import http.client

from harness import Daemon, Tap, finish, run_cli, npm_tools

tap = Tap()
binary = sys.argv[1]
repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
tools = npm_tools(binary)
prism_bin = os.path.join(tools, "node_modules", ".bin", "prism")
tap.check(os.path.exists(prism_bin), "Prism's CLI is installed from npm (@stoplight/prism-cli 5.14.2)")

d = Daemon(binary)
tap.check(run_cli(binary, "seed", "--db", d.db).returncode == 0, "the sample data loads")
ro = run_cli(binary, "token", "add", "reader", "--read-only", "--db", d.db).stdout.strip().splitlines()[-1]

s = socket.socket()
s.bind(("127.0.0.1", 0))
pport = s.getsockname()[1]
s.close()
log = open(os.path.join(d.dir, "prism.log"), "wb")
prism = subprocess.Popen([prism_bin, "proxy", os.environ.get("PLEDGED_OPENAPI", os.path.join(repo, "server", "api", "openapi.json")),
                          "http://127.0.0.1:%d" % d.port, "-h", "127.0.0.1", "-p", str(pport)],
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
deadline = time.time() + 60
ready = False
while time.time() < deadline and not ready:
    try:
        socket.create_connection(("127.0.0.1", pport), timeout=1).close()
        ready = True
    except OSError:
        time.sleep(0.3)
tap.check(ready, "Prism's validating proxy runs in front of the daemon",
          open(os.path.join(d.dir, "prism.log"), "rb").read()[-1500:])

sent = []          # (name, good, status, violations)


def call(name, method, path, body=None, headers=None, good=True, token=True, raw=None):
    h = {"Accept": "application/json"}
    h.update(headers or {})
    if token is True and method not in ("GET", "HEAD"):
        h["Authorization"] = "Bearer " + d.token
    elif isinstance(token, str):
        h["Authorization"] = "Bearer " + token
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    c = http.client.HTTPConnection("127.0.0.1", pport, timeout=30)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    payload = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    v = json.loads(hdrs.get("sl-violations", "[]"))
    sent.append((name, good, r.status, v))
    return r.status, hdrs, payload


def jbody(p):
    try:
        return json.loads(p)
    except ValueError:
        return {}


# --- service ---------------------------------------------------------------------------------
call("dashboard", "GET", "/", headers={"Accept": "text/html"})
call("index as JSON", "GET", "/")
call("dashboard script", "GET", "/dashboard.js", headers={"Accept": "text/javascript"})
call("dashboard drafts script", "GET", "/dashboard-drafts.js", headers={"Accept": "text/javascript"})
call("healthz", "GET", "/healthz")
call("readyz", "GET", "/readyz")
call("metrics", "GET", "/metrics", headers={"Accept": "text/plain"})
call("openapi", "GET", "/v1/openapi.json")
# --- companies -------------------------------------------------------------------------------
st, h, p = call("companies", "GET", "/v1/companies?limit=3&count=true")
cur = jbody(p).get("next_cursor")
call("companies page 2", "GET", "/v1/companies?limit=3&cursor=%s" % cur)
call("companies filtered and sorted", "GET", "/v1/companies?country=JP&q=hit&sort=-name,slug")
call("companies CSV", "GET", "/v1/companies?format=csv", headers={"Accept": "text/csv"})
call("companies bad sort", "GET", "/v1/companies?sort=colour", good=False)
call("companies bad country", "GET", "/v1/companies?country=Japan", good=False)
call("companies unknown parameter", "GET", "/v1/companies?foo=1", good=False)
call("company create", "POST", "/v1/companies", {"name": "Fujitsu", "country": "JP", "aliases": ["富士通"]})
call("company create again (409)", "POST", "/v1/companies", {"name": "Fujitsu"}, good=False)
call("company create invalid (422)", "POST", "/v1/companies", {"name": "", "country": "XX", "colour": 1}, good=False)
call("company create without token", "POST", "/v1/companies", {"name": "Nope"}, token=False, good=False)
call("company create read-only", "POST", "/v1/companies", {"name": "Nope"}, token=ro, good=False)
call("company create wrong type", "POST", "/v1/companies", raw=b"name=x", headers={"Content-Type": "text/plain"},
     good=False)
call("company create malformed", "POST", "/v1/companies", raw=b"{\"name\": ", good=False)
st, h, p = call("company", "GET", "/v1/companies/fujitsu")
etag = h.get("etag")
call("company 304", "GET", "/v1/companies/fujitsu", headers={"If-None-Match": etag})
call("company 404", "GET", "/v1/companies/nobody", good=False)
for path in ["/v1/companies/microsoft", "/v1/companies/hitachi", "/v1/companies/softbank-group",
             "/v1/companies?sort=created_at&limit=2", "/v1/companies?sort=-updated_at,name&limit=2"]:
    call("read " + path, "GET", path)
call("company patch", "PATCH", "/v1/companies/fujitsu", {"website": "https://www.fujitsu.com"},
     headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"})
call("company patch stale (412)", "PATCH", "/v1/companies/fujitsu", {"website": None},
     headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"}, good=False)
call("company patch invalid", "PATCH", "/v1/companies/fujitsu", {"country": "Atlantis"}, good=False)
call("company delete referenced (409)", "DELETE", "/v1/companies/microsoft", good=False)
call("company delete", "DELETE", "/v1/companies/fujitsu")
# --- announcements ---------------------------------------------------------------------------
call("announcements", "GET", "/v1/announcements?limit=5&count=true")
call("announcements filtered", "GET", "/v1/announcements?company=microsoft&country=JP&from=2024-01-01&to=2024-12-31"
     "&sort=announced_on")
call("announcements search", "GET", "/v1/announcements?q=geant")
call("announcements CSV", "GET", "/v1/announcements?format=csv", headers={"Accept": "text/csv"})
call("announcements bad date", "GET", "/v1/announcements?from=2024-02-30", good=False)
ann = {"title": "Conformance test", "announced_on": "2024-05-01", "announced_on_precision": "month",
       "companies": ["microsoft"], "countries": ["JP"],
       "sources": [{"url": "https://example.com/conformance", "language": "en", "published_on": "2024-05-02"}],
       "pledges": [{"kind": "investment", "amount": {"currency": "JPY", "value": "1000000"}, "amount_qualifier": "about",
                    "evidence": [{"source": "https://example.com/conformance", "quote": "about a million yen"}]}]}
st, h, p = call("announcement create", "POST", "/v1/announcements", ann, headers={"Idempotency-Key": "conf-1"})
aid = jbody(p).get("id", 0)
call("announcement create replayed", "POST", "/v1/announcements", ann, headers={"Idempotency-Key": "conf-1"})
call("announcement key reused", "POST", "/v1/announcements", dict(ann, title="Other"),
     headers={"Idempotency-Key": "conf-1"}, good=False)
call("announcement source taken (409)", "POST", "/v1/announcements", dict(ann, title="Dup"), good=False)
call("announcement invalid", "POST", "/v1/announcements", {"title": "x", "announced_on": "2024-05-31",
                                                           "announced_on_precision": "week", "companies": []}, good=False)
st, h, p = call("announcement", "GET", "/v1/announcements/%d" % aid)
aetag = h.get("etag")
call("announcement patch", "PATCH", "/v1/announcements/%d" % aid, {"summary": "Updated"},
     headers={"If-Match": aetag})
call("announcement 404", "GET", "/v1/announcements/999999", good=False)
# --- pledges ---------------------------------------------------------------------------------
call("pledges", "GET", "/v1/pledges?limit=5&count=true&sort=-amount_usd")
call("pledges filtered", "GET", "/v1/pledges?company=microsoft&kind=investment&status=announced&currency=USD"
     "&min_usd=1000000&max_usd=5000000000&from=2024-01-01&to=2024-12-31&approximate=false")
call("pledges joint", "GET", "/v1/pledges?company=joint&country=JP")
for q in ["sort=people&limit=2", "sort=-created_at,amount_usd&limit=2", "sort=updated_at&limit=2", "approximate=true",
          "min_usd=1000000000000"]:
    call("pledges " + q, "GET", "/v1/pledges?" + q)
call("pledges of an announcement", "GET", "/v1/pledges?announcement=%d&q=million" % aid)
call("pledges CSV", "GET", "/v1/pledges?format=csv", headers={"Accept": "text/csv"})
call("pledges bad kind", "GET", "/v1/pledges?kind=bribe", good=False)
call("pledges bad min_usd", "GET", "/v1/pledges?min_usd=-5", good=False)
st, h, p = call("pledge create", "POST", "/v1/pledges", {"announcement_id": aid, "kind": "training", "people": 1000,
                                                       "people_qualifier": "at_least"})
pid = jbody(p).get("id", 0)
call("pledge create invalid", "POST", "/v1/pledges", {"announcement_id": aid, "kind": "training",
                                                     "people_qualifier": "lots"}, good=False)
st, h, p = call("pledge", "GET", "/v1/pledges/%d" % pid)
call("pledge patch status only", "PATCH", "/v1/pledges/%d" % pid, {"status": "fulfilled"},
     headers={"Content-Type": "application/merge-patch+json"})
call("pledge patch null", "PATCH", "/v1/pledges/%d" % pid, {"people_qualifier": None})
call("pledge delete", "DELETE", "/v1/pledges/%d" % pid)
call("pledge deleted 410", "GET", "/v1/pledges/%d" % pid, good=False)
call("pledge deleted patch 410", "PATCH", "/v1/pledges/%d" % pid, {"status": "fulfilled"}, good=False)
call("pledge history", "GET", "/v1/pledges/%d/history" % pid)
call("pledge history page 2", "GET", "/v1/pledges/%d/history?limit=1" % pid)
call("pledge revision", "GET", "/v1/pledges/%d/history/2" % pid)
call("pledge revision missing", "GET", "/v1/pledges/%d/history/99" % pid, good=False)
call("pledge as it was", "GET", "/v1/pledges/%d?version=1" % pid)
call("pledge bad version", "GET", "/v1/pledges/%d?version=x" % pid, good=False)
call("announcement delete", "DELETE", "/v1/announcements/%d" % aid)
call("announcement deleted 410", "GET", "/v1/announcements/%d" % aid, good=False)
call("announcement history", "GET", "/v1/announcements/%d/history" % aid)
call("announcement as it was", "GET", "/v1/announcements/%d?version=1" % aid)
call("company history", "GET", "/v1/companies/microsoft/history")
call("company revision", "GET", "/v1/companies/microsoft/history/1")
call("deleted", "GET", "/v1/deleted")
call("deleted pledges since", "GET", "/v1/deleted?resource=pledges&since=2020-01-01&limit=1")
call("deleted bad resource", "GET", "/v1/deleted?resource=widgets", good=False)
call("changes", "GET", "/v1/changes?since=0&limit=5")
call("changes of pledges", "GET", "/v1/changes?resource=pledges,announcements&limit=2")
call("changes bad since", "GET", "/v1/changes?since=abc", good=False)
# --- stats -----------------------------------------------------------------------------------
for g in ["company", "country", "kind", "status", "currency", "year", "month"]:
    call("totals by " + g, "GET", "/v1/stats/totals?group_by=" + g)
call("totals filtered", "GET", "/v1/stats/totals?group_by=kind&company=hitachi&approximate=true")
call("totals CSV", "GET", "/v1/stats/totals?group_by=kind&format=csv", headers={"Accept": "text/csv"})
call("totals SVG", "GET", "/v1/stats/totals.svg?group_by=company", headers={"Accept": "image/svg+xml"})
call("totals without group_by", "GET", "/v1/stats/totals", good=False)
call("summary", "GET", "/v1/stats/summary")
call("summary CSV (400)", "GET", "/v1/stats/summary?format=csv", good=False)
# --- drafts -----------------------------------------------------------------------------------
article = ("Microsoft to invest US$2.9 billion in Japan\nMicrosoft will invest US$2.9 billion over the next two "
           "years in Japan, the company said on Tuesday. It will train 3 million people by 2027.")
call("draft", "POST", "/v1/drafts", {"text": article, "url": "https://example.com/conformance",
                                      "published_on": "2024-04-10", "language": "en"})
call("draft, read-only token", "POST", "/v1/drafts", {"text": "日立は2024年度に約3000億円を投じる。"}, token=ro)
call("draft without token", "POST", "/v1/drafts", {"text": "x"}, token=False, good=False)
call("draft invalid (422)", "POST", "/v1/drafts", {"text": " ", "language": "de", "colour": 1}, good=False)
call("draft malformed", "POST", "/v1/drafts", raw=b'{"text": ', good=False)
# --- currencies, rates, conversion -----------------------------------------------------------
call("currencies", "GET", "/v1/currencies")
call("rates", "GET", "/v1/rates?currency=JPY&from=2024-04-01&to=2024-04-30&limit=5")
call("rates CSV", "GET", "/v1/rates?currency=JPY&from=2024-04-01&to=2024-04-05&format=csv",
     headers={"Accept": "text/csv"})
call("rate", "GET", "/v1/rates/JPY/2024-04-13")
call("rate not in force", "GET", "/v1/rates/JPY/1990-01-01", good=False)
call("rate bad path", "GET", "/v1/rates/XYZ/2024-02-30", good=False)
call("rate put", "PUT", "/v1/rates/CHF/2024-04-15", {"per_usd": "0.9123"})
call("rate put far future", "PUT", "/v1/rates/CHF/2999-01-01", {"per_usd": "0.9"}, good=False)
call("convert", "GET", "/v1/convert?amount=300000000000&from=JPY&to=USD&date=2024-06-04")
call("convert latest", "GET", "/v1/convert?amount=100&from=EUR&to=JPY")
call("convert bad", "GET", "/v1/convert?amount=abc&from=JPY&to=USD", good=False)

prism_out = open(os.path.join(d.dir, "prism.log"), "rb").read().decode("utf-8", "replace")
os.killpg(prism.pid, signal.SIGTERM)
try:
    prism.wait(timeout=10)
except subprocess.TimeoutExpired:
    os.killpg(prism.pid, signal.SIGKILL)
log.close()

ops = {(n.split(" ")[0]) for n, *_ in sent}
response_violations = [(n, st, [x for x in v if x.get("location", [""])[0] == "response"]) for n, g, st, v in sent]
response_violations = [x for x in response_violations if x[2]]
good_rejected = [(n, st, [x for x in v if x.get("location", [""])[0] == "request"]) for n, g, st, v in sent if g]
good_rejected = [x for x in good_rejected if x[2]]
server_errors = [(n, st) for n, g, st, v in sent if st >= 500]
tap.check(len(sent) >= 90, "%d requests went through the validating proxy" % len(sent))
tap.eq(server_errors, [], "no request got a 5xx")
tap.eq(response_violations, [], "every response matches the OpenAPI document (%d checked)" % len(sent))
tap.eq(good_rejected, [], "the document accepts every good request (%d)" % sum(1 for s in sent if s[1]))
bad_flagged = sum(1 for n, g, st, v in sent if not g and any(x.get("location", [""])[0] == "request" for x in v))
tap.check(True, "the document itself rejects %d of the %d bad requests; the daemon answers all of them with 4xx"
          % (bad_flagged, sum(1 for s in sent if not s[1])))
tap.check(all(400 <= st < 500 for n, g, st, v in sent if not g), "every bad request got a 4xx",
          [(n, st) for n, g, st, v in sent if not g and not 400 <= st < 500])
finish(tap, d)
