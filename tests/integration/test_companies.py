"""/v1/companies over HTTP: auth, validation (bad input first), create,
read, merge-patch, delete, ETags and preconditions, lists with filters and
keyset pagination."""
import json
import sys
import threading

from harness import Daemon, Tap, finish

tap = Tap()
d = Daemon(sys.argv[1])


def problem(r, status, name):
    ok = (r.status == status and r.header("Content-Type") == "application/problem+json"
          and r.json.get("status") == status and "title" in r.json)
    return tap.check(ok, name, r)


def fields(r):
    return sorted(e["field"] for e in r.json.get("errors", []))


# --- authentication -------------------------------------------------------
r = d.request("POST", "/v1/companies", body={"name": "Microsoft"}, auth=None)
problem(r, 401, "POST without a token is 401")
tap.check((r.header("WWW-Authenticate") or "").startswith("Bearer"),
          "401 carries WWW-Authenticate: Bearer", r.headers)
r = d.request("POST", "/v1/companies", body={"name": "Microsoft"},
              auth="Bearer pld_" + "A" * 43)
problem(r, 401, "a wrong token of the right shape is 401")
r = d.request("POST", "/v1/companies", body={"name": "Microsoft"}, auth="Bearer nonsense")
problem(r, 401, "a malformed token is 401")
r = d.request("POST", "/v1/companies", body={"name": "Microsoft"}, auth="Basic dXNlcjpwdw==")
problem(r, 401, "Basic auth is 401")
r = d.request("POST", "/v1/companies", body={"name": "Microsoft"},
              auth="Bearer " + d.token[:-1] + ("A" if d.token[-1] != "A" else "B"))
problem(r, 401, "a token differing in its last character is 401")
for method, path in (("PATCH", "/v1/companies/x"), ("DELETE", "/v1/companies/x")):
    r = d.request(method, path, body={} if method == "PATCH" else None, auth=None)
    problem(r, 401, "%s without a token is 401" % method)

# --- malformed bodies ----------------------------------------------------
r = d.request("POST", "/v1/companies", raw=b'{"name": "X"}', content_type="text/plain")
problem(r, 415, "a text/plain body is 415")
r = d.request("POST", "/v1/companies", raw=b'{"name": "X"}', content_type=None)
problem(r, 415, "a body without Content-Type is 415")
r = d.request("POST", "/v1/companies", raw=b'{"name": "X"}',
              content_type="application/json; charset=utf-8")
tap.eq(r.status, 201, "application/json with a charset parameter is accepted")
for raw, why in [(b'{"name": "Y",', "truncated JSON"), (b'{"name": "Y", "name": "Z"}', "duplicate keys"),
                 (b'["Y"]', "a top-level array"), (b"", "an empty body"),
                 (b'{"name": "Y\\u0000"}', "a NUL character"), (b'{"name": "\xff"}', "invalid UTF-8"),
                 (b"{" * 100 + b"}" * 100, "deep nesting")]:
    r = d.request("POST", "/v1/companies", raw=raw)
    problem(r, 400, "%s is 400" % why)

# --- validation: every error at once -------------------------------------
r = d.request("POST", "/v1/companies", body={
    "name": "", "slug": "Bad Slug", "country": "XX", "website": "ftp://example.com",
    "aliases": ["ok", 7, "OK"], "nmae": "typo", "created_at": "2024-01-01T00:00:00Z"})
problem(r, 422, "an invalid company is 422")
tap.eq(fields(r), sorted(["name", "slug", "country", "website", "aliases[1]", "aliases[2]",
                          "nmae", "created_at"]), "all eight field errors are reported together")
tap.check(r.json.get("detail") == "8 fields are invalid", "the detail counts them", r.json)
r = d.request("POST", "/v1/companies", body={"country": "JP"})
tap.check(r.status == 422 and fields(r) == ["name"], "name is required", r)
r = d.request("POST", "/v1/companies", body={"name": "3M"})
tap.check(r.status == 422 and fields(r) == ["slug"], "an underivable slug asks for one", r)
r = d.request("POST", "/v1/companies", body={"name": 12})
tap.check(r.status == 422 and fields(r) == ["name"], "a non-string name is 422", r)
r = d.get("/v1/companies?count=true")
tap.eq(r.json["total"], 1, "nothing was written by the refused requests")

# --- create -----------------------------------------------------------------
r = d.request("POST", "/v1/companies", body={
    "name": "Microsoft", "country": "us", "website": "https://www.microsoft.com",
    "aliases": ["MSFT"]})
tap.eq(r.status, 201, "POST creates a company")
tap.eq(r.header("Location"), "/v1/companies/microsoft", "Location names the new company")
ms = r.json
tap.check(ms["slug"] == "microsoft" and ms["country"] == "US" and ms["aliases"] == ["MSFT"]
          and ms["website"] == "https://www.microsoft.com"
          and ms["created_at"].endswith("Z") and ms["created_at"] == ms["updated_at"],
          "the slug is derived, the country upper-cased, timestamps set", ms)
etag = r.header("ETag")
tap.check(etag and etag.startswith('"'), "201 carries a strong ETag", r.headers)
r = d.request("POST", "/v1/companies", body={"name": "MICROSOFT"})
problem(r, 409, "a second company with the same slug is 409")
tap.check("/v1/companies/microsoft" in r.json["detail"], "409 names the existing company", r.json)
r = d.request("POST", "/v1/companies", body={"name": "Société Générale", "country": "FR"})
tap.check(r.status == 201 and r.json["slug"] == "societe-generale", "accents are dropped from slugs", r)
r = d.request("POST", "/v1/companies", body={"name": "3M", "slug": "three-m"})
tap.check(r.status == 201 and r.json["country"] is None and r.json["aliases"] == [],
          "an explicit slug is used; absent fields are null or []", r)

# --- read, ETag, If-None-Match -------------------------------------------------
r = d.get("/v1/companies/microsoft")
tap.check(r.status == 200 and r.json == ms and r.header("ETag") == etag,
          "GET returns the stored company with the same ETag", r)
r = d.get("/v1/companies/microsoft", headers={"If-None-Match": etag})
tap.check(r.status == 304 and r.body == b"", "If-None-Match with the ETag is 304", r)
r = d.get("/v1/companies/microsoft", headers={"If-None-Match": '"other"'})
tap.eq(r.status, 200, "If-None-Match with another ETag is 200")
r = d.get("/v1/companies/nobody")
problem(r, 404, "an unknown slug is 404")
r = d.get("/v1/companies/Not_A_Slug")
problem(r, 404, "a malformed slug is 404")
r = d.get("/v1/companies/microsoft?verbose=1")
problem(r, 400, "an unknown query parameter on GET is 400")

# --- merge-patch ------------------------------------------------------------
r = d.request("PATCH", "/v1/companies/microsoft", body={"website": None},
              headers={"If-Match": '"stale"'})
problem(r, 412, "PATCH with a stale If-Match is 412")
tap.eq(d.get("/v1/companies/microsoft").json["website"], "https://www.microsoft.com",
       "the refused PATCH changed nothing")
r = d.request("PATCH", "/v1/companies/microsoft",
              body={"website": None, "aliases": ["MSFT", "Microsoft Corp"], "country": "us"},
              headers={"If-Match": etag}, content_type="application/merge-patch+json")
tap.check(r.status == 200 and r.json["website"] is None
          and r.json["aliases"] == ["MSFT", "Microsoft Corp"] and r.json["name"] == "Microsoft",
          "PATCH with the current If-Match merges: null clears, arrays replace, others stay", r)
tap.check(r.header("ETag") not in (None, etag), "the ETag changes with the content", r.headers)
etag2 = r.header("ETag")
r = d.request("PATCH", "/v1/companies/microsoft", body={}, headers={"If-Match": etag2})
tap.check(r.status == 200 and r.header("ETag") == etag2, "an empty patch changes nothing", r)
r = d.request("PATCH", "/v1/companies/microsoft", body={"name": None, "colour": "blue", "country": "ZZ"})
tap.check(r.status == 422 and fields(r) == ["colour", "country", "name"],
          "PATCH reports every invalid field", r)
r = d.request("PATCH", "/v1/companies/microsoft", raw=b'{"name": "X"}', content_type="text/plain")
problem(r, 415, "PATCH needs a JSON content type")
r = d.request("PATCH", "/v1/companies/microsoft", body={"slug": "three-m"})
problem(r, 409, "renaming to a taken slug is 409")
r = d.request("PATCH", "/v1/companies/nobody", body={"name": "X"})
problem(r, 404, "PATCH of an unknown company is 404")
r = d.request("PATCH", "/v1/companies/three-m", body={"slug": "3m-company"})
tap.check(r.status == 422 and fields(r) == ["slug"], "a malformed new slug is 422", r)
r = d.request("PATCH", "/v1/companies/three-m", body={"slug": "mmm", "name": "3M Company"})
tap.check(r.status == 200 and r.json["slug"] == "mmm"
          and r.header("Content-Location") == "/v1/companies/mmm", "PATCH can rename a slug", r)
tap.eq(d.get("/v1/companies/three-m").status, 404, "the old slug is gone")

# --- delete -----------------------------------------------------------------
r = d.request("DELETE", "/v1/companies/mmm", headers={"If-Match": '"stale"'})
problem(r, 412, "DELETE with a stale If-Match is 412")
cur = d.get("/v1/companies/mmm").header("ETag")
r = d.request("DELETE", "/v1/companies/mmm", headers={"If-Match": cur})
tap.check(r.status == 204 and r.body == b"", "DELETE with the current ETag is 204", r)
problem(d.get("/v1/companies/mmm"), 410, "a deleted company is 410 Gone")
problem(d.request("DELETE", "/v1/companies/mmm"), 410, "deleting it again is 410 Gone")
problem(d.get("/v1/companies/never-was"), 404, "a slug no company ever had is 404")

# --- lists ------------------------------------------------------------------
names = ["Hitachi", "SoftBank Group", "Nvidia", "Amazon", "Arm Holdings", "TSMC", "Google"]
countries = {"Hitachi": "JP", "SoftBank Group": "JP", "Nvidia": "US", "Amazon": "US",
             "Arm Holdings": "GB", "TSMC": "TW", "Google": "US"}
for n in names:
    r = d.request("POST", "/v1/companies", body={"name": n, "country": countries[n],
                                                  "aliases": ["Alphabet"] if n == "Google" else []})
    tap.check(r.status == 201, "created %s" % n, r)
all_rows = d.get("/v1/companies?limit=500&count=true").json
slugs = [c["slug"] for c in all_rows["data"]]
tap.check(slugs == sorted(slugs) and all_rows["total"] == len(slugs) == 10,
          "the default order is by slug; count=true gives the total", all_rows)

def walk(query):
    seen, url, pages = [], "/v1/companies?" + query, 0
    while url and pages < 50:
        r = d.get(url)
        if r.status != 200:
            return None, r
        seen += [c["slug"] for c in r.json["data"]]
        link = r.header("Link")
        nxt = r.json["next_cursor"]
        if (link is None) != (nxt is None):
            return None, r
        url = link[1:link.index(">")] if link else None
        pages += 1
    return seen, None

seen, err = walk("limit=3")
tap.check(seen == slugs, "pages of 3 through Link headers visit every company once, in order",
          (seen, err))
seen, err = walk("limit=2&sort=-name")
by_name = [c["slug"] for c in sorted(all_rows["data"], key=lambda c: c["name"].lower(), reverse=True)]
tap.check(seen == by_name, "sort=-name pages in descending name order", (seen, by_name, err))
seen, err = walk("limit=4&sort=created_at,-slug")
tap.check(seen is not None and sorted(seen) == sorted(slugs) and len(seen) == len(set(seen)),
          "a mixed-direction sort visits every row once", (seen, err))

r = d.get("/v1/companies?country=jp")
tap.eq(sorted(c["slug"] for c in r.json["data"]), ["hitachi", "softbank-group"],
       "country=jp filters, case-insensitively")
r = d.get("/v1/companies?q=alphabet")
tap.eq([c["slug"] for c in r.json["data"]], ["google"], "q matches an alias")
r = d.get("/v1/companies?q=SOFT")
tap.eq([c["slug"] for c in r.json["data"]], ["microsoft", "softbank-group"],
       "q matches names case-insensitively")
r = d.get("/v1/companies?q=100%25")
tap.eq(r.json["data"], [], "q treats % literally")
r = d.get("/v1/companies?country=US&q=n&count=true&limit=1")
tap.check(r.json["total"] == 2 and len(r.json["data"]) == 1 and r.json["next_cursor"],
          "filters combine with count and limit", r.json)

for query, param in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"),
                     ("country=XX", "country"), ("sort=colour", "sort"), ("sort=name,name", "sort"),
                     ("cursor=garbage", "cursor"), ("count=yes", "count"), ("colour=red", "colour"),
                     ("limit=1&limit=2", "limit")]:
    r = d.get("/v1/companies?" + query)
    ok = r.status == 400 and r.json.get("errors", [{}])[0].get("field") == param
    tap.check(ok, "?%s is 400 naming %s" % (query, param), r)
first = d.get("/v1/companies?limit=2&sort=name").json["next_cursor"]
r = d.get("/v1/companies?sort=slug&cursor=" + first)
tap.check(r.status == 400, "a cursor from another sort is refused", r)

# Keyset pagination does not repeat or skip rows when rows arrive meanwhile.
page1 = d.get("/v1/companies?limit=5")
for n in ("Aardvark AI", "Zeta Systems"):
    d.request("POST", "/v1/companies", body={"name": n})
rest, _ = walk("limit=5&cursor=" + page1.json["next_cursor"])
got = [c["slug"] for c in page1.json["data"]] + rest
tap.check(len(got) == len(set(got)) and set(slugs) <= set(got) and "zeta-systems" in got
          and "aardvark-ai" not in got,
          "rows inserted during a walk neither repeat nor hide others", got)

# ETag on lists and 304.
r = d.get("/v1/companies?limit=3")
r2 = d.get("/v1/companies?limit=3", headers={"If-None-Match": r.header("ETag")})
tap.eq(r2.status, 304, "lists answer 304 to a matching If-None-Match")

# Concurrent writers: each create gets exactly one answer, all rows land.
statuses = []
def writer(i):
    for j in range(10):
        statuses.append(d.request("POST", "/v1/companies",
                                  body={"name": "Load %d %d" % (i, j)}).status)
ts = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
total = d.get("/v1/companies?count=true&limit=1").json["total"]
tap.check(statuses.count(201) == 40 and total == 52, "40 concurrent creates all land (%d rows)" % total,
          set(statuses))

finish(tap, d)
