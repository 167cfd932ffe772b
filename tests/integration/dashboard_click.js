// Drives the dashboard in Debian's Chromium with playwright-core, as an
// analyst would: on a laptop (1280 px) clicks the USD column to sort
// ascending and types in the search box; then measures the layout at
// 1280 and at phone width (390 px, where headless Chromium's own
// --window-size cannot go: windows have a minimum width) and saves a
// screenshot of each. Prints what it saw as one JSON line; used by
// test_dashboard.py.
// Then, with the page open, another client (this script, with TOKEN)
// creates a company: the page must show it without a reload (the change
// feed, as Server-Sent Events).
// usage: node dashboard_click.js PLAYWRIGHT_CORE_DIR URL ARTIFACTS_DIR TOKEN
const { chromium } = require(process.argv[2]);
const path = require("path");
const [url, artifacts, token] = [process.argv[3], process.argv[4], process.argv[5]];

/* Layout facts a reader depends on, measured in the page. */
function measure() {
  const vw = document.documentElement.clientWidth;
  const rows = [...document.querySelectorAll("#pledges tbody tr")];
  const cells = rows.flatMap((r) => [...r.children]);
  const visible = (c) => c.textContent.trim() !== "" && getComputedStyle(c).display !== "none";
  const cut = cells.filter((c) => visible(c) && (c.getBoundingClientRect().right > vw + 0.5 || c.getBoundingClientRect().left < -0.5))
    .map((c) => c.dataset.label + ": " + c.textContent);
  const hidden = cells.filter((c) => c.textContent.trim() !== "" && getComputedStyle(c).display === "none")
    .map((c) => c.dataset.label);
  /* A text on one line has one line box: a Range over it has one distinct top. */
  const lines = (c) => { const r = document.createRange(); r.selectNodeContents(c);
                         return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size; };
  const wrappedDates = [...document.querySelectorAll("#pledges td.date")].filter((c) => lines(c) > 1)
    .map((c) => c.textContent);
  const chartText = [...document.querySelectorAll(".charts svg text")].map((t) => t.getBoundingClientRect().height);
  return {
    width: vw, scrollWidth: document.documentElement.scrollWidth, cut, hidden, wrappedDates,
    smallestChartText: chartText.length ? Math.min(...chartText) : 0,
    labels: [...new Set(cells.filter(visible).map((c) => c.dataset.label))],
  };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const outside = [];
  try {
    // The page forbids eval (its CSP); waitForFunction needs it, so the test context bypasses CSP.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("request", (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
    const laptop = await page.evaluate(measure);
    await page.screenshot({ path: path.join(artifacts, "dashboard.png"), fullPage: true });
    const usd = () => page.$$eval("#pledges tbody tr", (rows) => rows.map((r) => r.children[5].textContent));
    const first = await usd();
    await page.click('th[data-sort="amount_usd"]');
    await page.waitForFunction(() => document.querySelector('th[data-sort="amount_usd"]').dataset.arrow === " ↑");
    await page.waitForFunction(() => !document.getElementById("status").textContent.startsWith("Loading"));
    const ascending = await usd();
    await page.fill("#search", "GPUs");
    await page.waitForFunction(() => document.querySelectorAll("#pledges tbody tr").length === 1, null, { timeout: 10000 });
    const found = await page.$$eval("#pledges tbody tr", (rows) => rows.map((r) => r.textContent));
    const status = await page.textContent("#status");

    await page.waitForSelector("#live:not([hidden])", { timeout: 10000 });
    const before = await page.textContent("#company-count");
    const made = await fetch(new URL("/v1/companies", url), {
      method: "POST", body: JSON.stringify({ name: "Live Update Test Co" }),
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token } });
    await page.waitForFunction((b) => document.getElementById("company-count").textContent !== b, before,
                               { timeout: 10000 });
    // The cards are redrawn before the table: the update is counted when both are done.
    await page.waitForFunction(() => Number(document.body.dataset.updates || 0) >= 1, null, { timeout: 10000 });
    const live = { badge: true, created: made.status, before, after: await page.textContent("#company-count"),
                   updates: await page.evaluate(() => document.body.dataset.updates) };

    const phonePage = await (await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 },
                                                         isMobile: true, hasTouch: true })).newPage();
    phonePage.on("request", (r) => { if (!r.url().startsWith(url)) outside.push(r.url()); });
    await phonePage.goto(url);
    await phonePage.waitForSelector("body[data-ready=true]", { timeout: 20000 });
    await phonePage.waitForTimeout(300); // charts redraw once the layout has settled
    const phone = await phonePage.evaluate(measure);
    await phonePage.selectOption("#sort", "-announced_on");
    await phonePage.waitForFunction(() => !document.getElementById("status").textContent.startsWith("Loading"));
    const phoneSorted = await phonePage.$$eval("#pledges tbody tr td.date", (c) => c.map((x) => x.textContent));
    await phonePage.screenshot({ path: path.join(artifacts, "dashboard-phone.png"), fullPage: true });
    console.log(JSON.stringify({ first, ascending, found, status, outside, laptop, phone, phoneSorted, live }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
