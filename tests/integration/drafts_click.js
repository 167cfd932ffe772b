// Drives the dashboard's "Add from an article" in Debian's Chromium with
// playwright-core, as an analyst would: pastes an article that names a
// company pledged does not know, enters the token, asks for the draft,
// checks the review (fields filled, evidence marked in the text), edits
// the title, creates the new company, saves; then pastes an article that
// reports a recorded announcement and files it there. Prints what it saw
// as one JSON line; used by test_dashboard.py.
// usage: node drafts_click.js PLAYWRIGHT_CORE_DIR URL TOKEN ARTICLE_NEW ARTICLE_MATCH
const { chromium } = require(process.argv[2]);
const fs = require("fs");
const [url, token, newArticle, matchArticle] = process.argv.slice(3);

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const seen = {};
  try {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url + "?live=off");
    await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });

    // Without a token: the server's 401, said on the page.
    await page.fill("#draft-text", "Oracle will invest $8 billion in Japan.");
    await page.click("#draft-go");
    await page.waitForFunction(() => /token/.test(document.getElementById("draft-status").textContent));
    seen.noToken = await page.textContent("#draft-status");

    // A new company's article.
    await page.fill("#draft-token", token);
    await page.fill("#draft-text", fs.readFileSync(newArticle, "utf8"));
    await page.fill("#draft-url", "https://example.com/oracle-dashboard");
    await page.fill("#draft-date", "2024-04-18");
    await page.click("#draft-go");
    await page.waitForSelector("#draft-review:not([hidden])", { timeout: 20000 });
    seen.status = await page.textContent("#draft-status");
    seen.title = await page.inputValue("#d-title");
    seen.date = await page.inputValue("#d-date");
    seen.companies = await page.inputValue("#d-companies");
    seen.pledges = await page.$$eval("fieldset.pledge", (fs) => fs.map((f) => ({
      kind: f.querySelector("[data-field=kind]").value,
      amount: f.querySelector("[data-field=amount]").value,
      currency: f.querySelector("[data-field=currency]").value,
      qualifier: f.querySelector("[data-field=amount_qualifier]").value,
      people: f.querySelector("[data-field=people]").value,
      months: f.querySelector("[data-field=duration_months]").value })));
    seen.marked = await page.$$eval("#d-article mark", (ms) => ms.map((m) => m.textContent));
    await page.click("fieldset.pledge:nth-of-type(2) button");
    seen.markedSecond = await page.$$eval("#d-article mark", (ms) => ms.map((m) => m.textContent));
    seen.newCompanies = await page.$$eval("#d-new [data-field=name]", (is) => is.map((i) => i.value));
    seen.sessionToken = await page.evaluate(() => sessionStorage.getItem("pledged-token"));
    seen.localStorage = await page.evaluate(() => localStorage.length);

    // Saving before the company exists: the server's 422, listed.
    await page.click("#d-save");
    await page.waitForSelector("#d-problems:not([hidden])");
    seen.problems = await page.$$eval("#d-problems li", (ls) => ls.map((l) => l.textContent));

    // Create the company, edit the title, save.
    await page.fill("#d-new [data-field=country]", "US");
    await page.click("#d-new button");
    await page.waitForFunction(() => /Created/.test(document.querySelector("#d-new .status").textContent));
    seen.created = await page.textContent("#d-new .status");
    await page.fill("#d-title", "Oracle to invest more than US$8 billion in Japan (edited)");
    await page.click("#d-save");
    await page.waitForFunction(() => /Saved/.test(document.getElementById("d-status").textContent));
    seen.saved = await page.textContent("#d-status");

    // An article that reports a recorded announcement: filed there.
    await page.fill("#draft-text", fs.readFileSync(matchArticle, "utf8"));
    await page.fill("#draft-url", "https://example.com/002-dashboard");
    await page.fill("#draft-date", "");
    await page.click("#draft-go");
    await page.waitForSelector("#draft-match:not([hidden])", { timeout: 20000 });
    seen.match = await page.textContent("#draft-match");
    seen.addLabel = await page.textContent("#d-add");
    await page.click("#d-add");
    await page.waitForFunction(() => /Added/.test(document.getElementById("d-status").textContent));
    seen.added = await page.textContent("#d-status");
  } catch (e) {
    seen.error = String(e);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(seen));
})();
