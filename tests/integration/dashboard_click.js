// Drives the dashboard in Debian's Chromium with playwright-core: clicks the
// USD column to sort ascending, types in the search box, and prints what
// the table shows after each step as one JSON line. Used by test_dashboard.py.
// usage: node dashboard_click.js PLAYWRIGHT_CORE_DIR URL
const { chromium } = require(process.argv[2]);

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const outside = [];
  try {
    // The page forbids eval (its CSP); waitForFunction needs it, so the test context bypasses CSP.
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    page.on("request", (r) => { if (!r.url().startsWith(process.argv[3])) outside.push(r.url()); });
    await page.goto(process.argv[3]);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
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
    console.log(JSON.stringify({ first, ascending, found, status, outside }));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
