"""The dashboard page in a real browser: Debian's Chromium, headless,
loads / from the daemon with the sample data; the DOM must show the right
headline figures (committed money, targets apart), charts and table rows
(company names, dates as precisely as known, qualified figures, a word on
placeholder source links), and the page must ask nothing of any other
host. "Add from an article" is driven end to end: draft, review with the
evidence marked, new company, save, and an article filed under the
announcement it matched. playwright-core measures the layout at 1280 and 390 px (nothing cut
off or hidden, dates on one line, chart labels readable) and saves the
screenshots as test artifacts in tests/artifacts/."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import POSTGRESQL, Daemon, Tap, finish, run_cli, npm_tools

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary)
res = run_cli(binary, "seed", "--db", d.db)
tap.check(res.returncode == 0, "the sample data loads", res)
artifacts = os.environ.get("PLEDGED_ARTIFACTS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "artifacts")
if POSTGRESQL:  # the PostgreSQL pass runs beside the SQLite one: its own folder
    artifacts = os.path.join(artifacts, "postgresql")
os.makedirs(artifacts, exist_ok=True)
chromium = shutil.which("chromium") or "/usr/bin/chromium"
tap.check(os.path.exists(chromium), "Debian's chromium is installed (%s)" % chromium)

profile = tempfile.mkdtemp(prefix="pledged-chromium-")
base_flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=10000"]
url = "http://127.0.0.1:%d/" % d.port


def browser(*extra):
    # ?live=off: an open change stream would keep --dump-dom waiting for
    # the page to finish loading; the live page is driven by playwright below.
    return subprocess.run(base_flags + list(extra) + [url + "?live=off"], capture_output=True, text=True,
                          timeout=120)


dom = browser("--window-size=1280,1400", "--dump-dom")
html = dom.stdout
summary = d.get("/v1/stats/summary").json


def grouped(v):
    whole, _, frac = v.partition(".")
    return "{:,}".format(int(whole)) + ("." + frac if frac else "")


def field(id_):
    m = re.search(r'id="%s"[^>]*>([^<]*)<' % id_, html)
    return m.group(1) if m else None


def short(v):
    n = int(v.split(".")[0])
    for size, word in [(10**12, "trillion"), (10**9, "billion"), (10**6, "million")]:
        if n >= size:
            return "$%.1f %s" % (n / size, word)
    return "$" + grouped(v)


tap.check(dom.returncode == 0 and 'data-ready="true"' in html, "the page loads and finishes its requests",
          dom.stderr[-1500:])
tap.check("Committed, in US dollars" in html and "Pledged, in US dollars" not in html,
          "the headline says what it counts: committed money")
tap.eq(field("total-usd-exact"), "US$" + grouped(summary["total_usd"]["value"]),
       "the exact committed total is shown (US$7,147,108,542.65)")
tap.eq(field("total-usd-exact"), "US$7,147,108,542.65", "the sample data's committed money is US$7,147,108,542.65")
tap.eq(field("total-usd"), "$7.1 billion", "the headline total is committed money")
tap.check(field("targets-usd") == short(summary["targets_usd"]["value"]) == "$18.9 billion"
          and re.search(r'id="targets"(?![^>]*hidden)', html) and 'class="aside"' in html,
          "targets are shown apart, smaller, and not added in", field("targets-usd"))
tap.eq(field("pledge-count"), str(summary["pledges"]), "the pledge count is shown")
tap.eq(field("pledge-note"), "1 approximate", "the card says how many pledges are approximate")
tap.eq(field("company-count"), str(summary["companies"]), "the company count is shown")
tap.eq(field("announcement-count"), str(summary["announcements"]), "the announcement count is shown")
tap.eq(field("date-range"), "2024 to 2024-06-04", "the date range is shown as precisely as it is known")
tap.eq(field("rates-as-of"), "Rates as of " + summary["rates_as_of"], "the page says how current the rates are")
for chart, label in [("chart-company", "Hitachi"), ("chart-country", "Japan"), ("chart-month", "2024-06")]:
    m = re.search(r'id="%s"[^>]*>(.*?)</div>' % chart, html, re.S)
    tap.check(m and "<svg" in m.group(1) and "<rect" in m.group(1) and label in m.group(1),
              "the %s chart is drawn (shows %s)" % (chart, label), m.group(1)[:300] if m else html[:300])
m = re.search(r'id="chart-company"[^>]*>(.*?)</div>', html, re.S)
tap.check(m and "$1.9 billion" in m.group(1) and "$20.8 billion" not in m.group(1) and "$5.1 billion" in m.group(1),
          "the company bars are committed money (Hitachi $1.9 billion, not $20.8 billion)", m.group(1)[:600] if m else None)
m = re.search(r'id="chart-month"[^>]*>(.*?)</div>', html, re.S)
tap.check(m and "2024-01" not in m.group(1) and "2024-02" in m.group(1),
          "dates known only to the year are not drawn as January", m.group(1)[:600] if m else None)
body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
rows = re.findall(r"<tr[ >]", body.group(1)) if body else []
tap.eq(len(rows), summary["pledges"], "the table lists every pledge")
tap.check(body and "1,937,108,542.65" in body.group(1) and "articles.pledged.invalid" in body.group(1)
          and re.search(r'<a href="https://articles\.pledged\.invalid/', body.group(1)),
          "table rows show USD amounts and link their sources", body.group(1)[:500] if body else None)
cells = re.findall(r'<td data-label="Company">([^<]*)</td>', body.group(1)) if body else []
tap.check(cells and "Hitachi" in cells and "TSMC" in cells and "Joint" in cells
          and not {"hitachi", "tsmc", "microsoft", "softbank-group"} & set(cells),
          "the table shows company names, not slugs", cells)
dates = re.findall(r'<td data-label="Date" class="date">([^<]*)</td>', body.group(1)) if body else []
tap.check("May 2024" in dates and "2024" in dates and "2024-06-04" in dates and "2024-05-01" not in dates,
          "month- and year-precise dates read 'May 2024' and '2024'", dates)
tap.check(body and "≥ 50,000" in body.group(1), "a qualified figure carries its sign (≥ 50,000 people)",
          body.group(1)[:300] if body else None)
tap.check(re.search(r'id="placeholder-note"(?![^>]*hidden)', html) and "articles.pledged.invalid" in html,
          "the page says the sample source links are placeholders")
first_usd = re.findall(r'<td data-label="USD" class="num">([0-9,\.]+)</td>', body.group(1)) if body else []
tap.check(first_usd[:2] == ["18,900,000,000.00", "2,900,000,000.00"], "the table is sorted by USD, largest first", first_usd[:4])
tap.check(re.search(r'<tr class="target"><td data-label="Date" class="date">2024-06-04</td><td data-label="Company">Hitachi</td>'
                    r'<td data-label="Kind">target</td>', body.group(1) if body else ""),
          "the target row is marked apart in the table", body.group(1)[:400] if body else None)

# Nothing from outside: the page references no other host for anything it loads.
page = d.get("/").body.decode()
outside = re.findall(r'(?:src|href)="(https?:)?//', page) + re.findall(r"@import|url\(\s*['\"]?https?:", page)
tap.eq(outside, [], "the page loads nothing from any other host")
paths = [json.loads(l)["path"] for l in d.log_after_flush().splitlines() if '"path"' in l]
tap.check({"/", "/v1/stats/summary", "/v1/stats/totals", "/v1/pledges"} <= set(paths),
          "the browser read the JSON API of this server", sorted(set(paths)))

# Clicks and typing, through playwright-core (npm) driving the same Chromium.
tools = npm_tools(binary)
pw = os.path.join(tools, "node_modules", "playwright-core")
for name in ("dashboard.png", "dashboard-phone.png"):
    if os.path.exists(os.path.join(artifacts, name)):
        os.remove(os.path.join(artifacts, name))
token = run_cli(binary, "token", "add", "dashboard-live", "--db", d.db).stdout.split()[-1]
run = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "dashboard_click.js"), pw, url, artifacts, token],
                     capture_output=True, text=True, timeout=180)
try:
    seen = json.loads(run.stdout.strip().splitlines()[-1])
except (ValueError, IndexError):
    seen = None
tap.check(seen is not None, "playwright-core drives the page", (run.stdout[-500:], run.stderr[-1500:]))
if seen:
    def num(v):
        return float(v.replace(",", "")) if v and v[0].isdigit() else None
    asc = [num(v) for v in seen["ascending"] if num(v) is not None]
    tap.check(asc == sorted(asc) and len(asc) >= 5 and seen["first"][0] == "18,900,000,000.00",
              "clicking USD sorts the table ascending", seen["ascending"])
    tap.check(len(seen["found"]) == 1 and "GPUs" in seen["found"][0] and "2,900,000,000.00" in seen["found"][0]
              and seen["status"].startswith("1 of 1"),
              "typing 'GPUs' in the search box finds the one pledge that mentions them", seen)
    tap.eq(seen["outside"], [], "the browser requested nothing from another host")
    live = seen.get("live") or {}
    tap.check(live.get("badge") and live.get("after") == str(int(live.get("before", "0")) + 1)
              and int(live.get("updates") or 0) >= 1,
              "the page follows the change feed: another client's new company shows up without a reload", live)
    for size in ("laptop", "phone"):
        m = seen[size]
        tap.check(m["scrollWidth"] <= m["width"] and m["cut"] == [], "at %d px nothing is cut off or needs sideways "
                  "scrolling" % m["width"], m)
        tap.check(m["hidden"] == [] and {"Date", "Company", "Kind", "Description", "Amount", "USD", "People", "Source"}
                  <= set(m["labels"]), "at %d px every column is shown" % m["width"], m)
        tap.eq(m["wrappedDates"], [], "at %d px every date stays on one line" % m["width"])
        tap.check(m["smallestChartText"] >= 11, "at %d px chart labels are readable (%.1f px)" % (m["width"], m["smallestChartText"]), m)
    tap.check(seen["phoneSorted"][0] == "2024-06-04" and seen["phoneSorted"][-1] == "2024",
              "on a phone the sort menu orders the pledges (newest first)", seen["phoneSorted"])
    for name in ("dashboard.png", "dashboard-phone.png"):
        path = os.path.join(artifacts, name)
        ok = os.path.exists(path) and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 20000
        tap.check(ok, "a screenshot is saved: %s" % os.path.normpath(path))

# "Add from an article" (issue 16), through playwright-core as well.
new_article = os.path.join(profile, "oracle.txt")
with open(new_article, "w", encoding="utf-8") as fh:
    fh.write("Oracle to invest $8 billion in Japan\n"
             "Oracle will invest more than $8 billion over the next 10 years to expand cloud computing and AI "
             "infrastructure in Japan, the company said on Wednesday. It will also train 5,000 engineers in Japan.")
seeds = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "seeds")
match_article = os.path.join(seeds, next(f for f in sorted(os.listdir(seeds)) if f.startswith("002")))
run = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "drafts_click.js"), pw, url, token,
                      new_article, match_article], capture_output=True, text=True, timeout=180)
try:
    seen = json.loads(run.stdout.strip().splitlines()[-1])
except (ValueError, IndexError):
    seen = {"error": run.stderr[-1500:]}
tap.check("error" not in seen, "playwright-core drives \"Add from an article\"", seen.get("error"))
tap.check("token" in seen.get("noToken", ""), "without a token the page says the token is missing", seen.get("noToken"))
tap.check(seen.get("title") == "Oracle to invest $8 billion in Japan" and seen.get("date") == "2024-04-17"
          and seen.get("companies") == "oracle",
          "the review shows the draft's title, date (\"on Wednesday\") and company, editable",
          (seen.get("title"), seen.get("date"), seen.get("companies")))
tap.check({"kind": "investment", "amount": "8000000000", "currency": "USD", "qualifier": "at_least", "people": "",
           "months": "120"} in seen.get("pledges", []) and any(p["people"] == "5000" for p in seen.get("pledges", [])),
          "every pledge's fields are filled in the form", seen.get("pledges"))
tap.check(seen.get("marked") and any("more than $8 billion over the next 10 years" in m for m in seen["marked"])
          and seen.get("markedSecond") == ["It will also train 5,000 engineers in Japan."],
          "the shown pledge's evidence sentences are marked in the article, and follow the pledge chosen",
          (seen.get("marked"), seen.get("markedSecond")))
tap.check(seen.get("newCompanies") == ["Oracle"], "the new company is offered for creation", seen.get("newCompanies"))
tap.check(seen.get("sessionToken") == token and seen.get("localStorage") == 0,
          "the token is kept in sessionStorage only", (seen.get("localStorage"),))
tap.check(any("companies" in p for p in seen.get("problems", [])),
          "saving before the company exists shows the server's field errors", seen.get("problems"))
tap.check("Created oracle" in seen.get("created", "") and "Saved as announcement" in seen.get("saved", ""),
          "after creating the company, the edited draft is saved", (seen.get("created"), seen.get("saved")))
saved = [a for a in d.get("/v1/announcements?limit=100").json["data"] if a["title"].endswith("(edited)")]
tap.check(len(saved) == 1 and saved[0]["companies"] == ["oracle"] and saved[0]["sources"][0]["url"] ==
          "https://example.com/oracle-dashboard" and saved[0]["announced_on"] == "2024-04-17",
          "the API has the announcement as edited, with its source", saved)
tap.check("announcement 1" in seen.get("match", "") and seen.get("addLabel") == "Add to announcement 1"
          and "Added to announcement 1" in seen.get("added", ""),
          "an article that reports announcement 1 is offered there and filed with one click",
          (seen.get("match"), seen.get("added")))
tap.check("https://example.com/002-dashboard" in [s["url"] for s in d.get("/v1/announcements/1").json["sources"]],
          "announcement 1 now lists the article as a source")

shutil.rmtree(profile, ignore_errors=True)
finish(tap, d)
