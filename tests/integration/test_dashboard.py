"""The dashboard page in a real browser: Debian's Chromium, headless,
loads / from the daemon with the sample data; the DOM must show the right
headline figures, charts and table rows, and the page must ask nothing of
any other host. Screenshots (laptop and phone sizes) are saved as test
artifacts in tests/artifacts/."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import Daemon, Tap, finish, run_cli

tap = Tap()
binary = sys.argv[1]
d = Daemon(binary)
res = run_cli(binary, "seed", "--db", d.db)
tap.check(res.returncode == 0, "the sample data loads", res)
artifacts = os.environ.get("PLEDGED_ARTIFACTS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "artifacts")
os.makedirs(artifacts, exist_ok=True)
chromium = shutil.which("chromium") or "/usr/bin/chromium"
tap.check(os.path.exists(chromium), "Debian's chromium is installed (%s)" % chromium)

profile = tempfile.mkdtemp(prefix="pledged-chromium-")
base_flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=10000"]
url = "http://127.0.0.1:%d/" % d.port


def browser(*extra):
    return subprocess.run(base_flags + list(extra) + [url], capture_output=True, text=True, timeout=120)


dom = browser("--window-size=1280,1400", "--dump-dom")
html = dom.stdout
summary = d.get("/v1/stats/summary").json


def grouped(v):
    whole, _, frac = v.partition(".")
    return "{:,}".format(int(whole)) + ("." + frac if frac else "")


def field(id_):
    m = re.search(r'id="%s"[^>]*>([^<]*)<' % id_, html)
    return m.group(1) if m else None


tap.check(dom.returncode == 0 and 'data-ready="true"' in html, "the page loads and finishes its requests",
          dom.stderr[-1500:])
tap.eq(field("total-usd-exact"), "US$" + grouped(summary["total_usd"]["value"]),
       "the exact total in USD is shown (US$26,047,108,542.65)")
tap.eq(field("total-usd"), "$26.0 billion", "the headline total is shown")
tap.eq(field("pledge-count"), str(summary["pledges"]), "the pledge count is shown")
tap.eq(field("company-count"), str(summary["companies"]), "the company count is shown")
tap.eq(field("announcement-count"), str(summary["announcements"]), "the announcement count is shown")
for chart, label in [("chart-company", "Hitachi"), ("chart-country", "Japan"), ("chart-month", "2024-06")]:
    m = re.search(r'id="%s"[^>]*>(.*?)</div>' % chart, html, re.S)
    tap.check(m and "<svg" in m.group(1) and "<rect" in m.group(1) and label in m.group(1),
              "the %s chart is drawn (shows %s)" % (chart, label), m.group(1)[:300] if m else html[:300])
body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
rows = re.findall(r"<tr>", body.group(1)) if body else []
tap.eq(len(rows), summary["pledges"], "the table lists every pledge")
tap.check(body and "1,937,108,542.65" in body.group(1) and "articles.pledged.invalid" in body.group(1)
          and re.search(r'<a href="https://articles\.pledged\.invalid/', body.group(1)),
          "table rows show USD amounts and link their sources", body.group(1)[:500] if body else None)
first_usd = re.findall(r'<td class="num">([0-9,\.]+)</td>', body.group(1)) if body else []
tap.check(first_usd[:2] == ["18,900,000,000.00", "2,900,000,000.00"], "the table is sorted by USD, largest first", first_usd[:4])

# Nothing from outside: the page references no other host for anything it loads.
page = d.get("/").body.decode()
outside = re.findall(r'(?:src|href)="(https?:)?//', page) + re.findall(r"@import|url\(\s*['\"]?https?:", page)
tap.eq(outside, [], "the page loads nothing from any other host")
paths = [json.loads(l)["path"] for l in d.log_text().splitlines() if '"path"' in l]
tap.check({"/", "/v1/stats/summary", "/v1/stats/totals", "/v1/pledges"} <= set(paths),
          "the browser read the JSON API of this server", sorted(set(paths)))

for name, size in [("dashboard.png", "1280,1400"), ("dashboard-phone.png", "390,1600")]:
    path = os.path.join(artifacts, name)
    if os.path.exists(path):
        os.remove(path)
    shot = browser("--window-size=" + size, "--hide-scrollbars", "--screenshot=" + path)
    ok = os.path.exists(path) and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 20000
    tap.check(ok, "a screenshot is saved: %s" % os.path.normpath(path), shot.stderr[-800:])

# Clicks and typing, through playwright-core (npm) driving the same Chromium.
tools = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(binary))), "tools")
pw = os.path.join(tools, "node_modules", "playwright-core")
if not os.path.isdir(pw):
    subprocess.run(["npm", "install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error",
                    "playwright-core@1.49.1"], capture_output=True, timeout=600)
run = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "dashboard_click.js"), pw, url],
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

shutil.rmtree(profile, ignore_errors=True)
finish(tap, d)
