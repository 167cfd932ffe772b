// The dashboard's script (served at /dashboard.js; the page is
// dashboard.html). It reads the JSON API of the server it came from and
// nothing else. Money stays a decimal string end to end; only chart bar
// lengths use numbers. Committed money and targets are kept apart.
"use strict";
const $ = (id) => document.getElementById(id);

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

/* "26047108542.65" -> "26,047,108,542.65", exactly, from the string. */
function grouped(decimal) {
  const [int, frac] = decimal.split(".");
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac !== undefined ? "." + frac : "");
}

/* Short form for headlines and bar labels: "$26.0 billion". Display only. */
function short(decimal) {
  const v = Number(decimal);
  const units = [[1e12, " trillion"], [1e9, " billion"], [1e6, " million"], [1e3, " thousand"]];
  for (const [n, word] of units) if (v >= n) return "$" + (v / n).toFixed(1) + word;
  return "$" + grouped(decimal);
}

/* How a figure was stated: "nearly" (≈), "more than" (≥), "up to" (≤). */
const QUALIFIER = { about: "≈ ", at_least: "≥ ", up_to: "≤ " };
function qualified(q, s) { return (QUALIFIER[q] || "") + s; }

/* A date as precisely as it is known: "2024-06-04", "May 2024", "2024". */
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
function shownDate(date, precision) {
  if (!date) return "";
  if (precision === "year") return date.slice(0, 4);
  if (precision === "month") return MONTHS[Number(date.slice(5, 7)) - 1] + " " + date.slice(0, 4);
  return date;
}

function text(node, s) { node.textContent = s; return node; }
function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children || []) e.append(c);
  return e;
}
function svgEl(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

/* Charts are drawn at the width they are shown at, so their 12 px labels
   stay 12 px on a phone instead of shrinking with the picture. */
function widthOf(target, fallback) { return Math.max(280, Math.round(target.clientWidth || fallback)); }

/* Horizontal bars of committed money: one per row, longest first (the API's order). */
function barChart(target, rows, limit) {
  rows = rows.filter((r) => r.amount_usd.value !== "0.00").slice(0, limit);
  const max = Math.max(1, ...rows.map((r) => Number(r.amount_usd.value)));
  const width = widthOf(target, 560), rowH = 28, labelW = Math.min(150, Math.round(width * 0.32)), valueW = 92;
  const chars = Math.max(8, Math.floor((labelW - 8) / 7));
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${Math.max(rowH, rows.length * rowH) + 4}`, width });
  rows.forEach((r, i) => {
    const y = i * rowH + 4, w = Math.max(2, (width - labelW - valueW) * Number(r.amount_usd.value) / max);
    const label = r.label.length > chars ? r.label.slice(0, chars - 1) + "…" : r.label;
    svg.append(text(svgEl("text", { x: labelW - 8, y: y + 17, "text-anchor": "end" }), label));
    const bar = svgEl("rect", { x: labelW, y: y + 4, width: w, height: rowH - 10, rx: 3, fill: i % 2 ? "#17a398" : "#2f5bd3" });
    bar.append(text(svgEl("title"), `${r.label}: US$${grouped(r.amount_usd.value)} committed in ${r.pledges} pledges`));
    svg.append(bar);
    svg.append(text(svgEl("text", { x: labelW + w + 6, y: y + 17, class: "muted" }), short(r.amount_usd.value)));
  });
  if (!rows.length) svg.append(text(svgEl("text", { x: 10, y: 20, class: "muted" }), "No committed amounts yet"));
  target.replaceChildren(svg);
}

/* Vertical bars of committed money over time; empty months are zero rows. */
function timeChart(target, rows) {
  const max = Math.max(1, ...rows.map((r) => Number(r.amount_usd.value)));
  const width = widthOf(target, 1000), height = 220, base = 190, n = Math.max(1, rows.length), slot = (width - 40) / n;
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor((width - 40) / 64))));
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width });
  svg.append(svgEl("line", { x1: 30, y1: base, x2: width - 10, y2: base, stroke: "#c9cede" }));
  rows.forEach((r, i) => {
    const h = (base - 20) * Number(r.amount_usd.value) / max, x = 30 + i * slot;
    const bar = svgEl("rect", { x: x + slot * 0.15, y: base - h, width: Math.max(1, slot * 0.7), height: h, rx: 2, fill: "#2f5bd3" });
    bar.append(text(svgEl("title"), `${r.key}: US$${grouped(r.amount_usd.value)} committed, ${r.pledges} pledges`));
    svg.append(bar);
    if (i % every === 0)
      svg.append(text(svgEl("text", { x: x + slot / 2, y: base + 16, "text-anchor": "middle", class: "muted" }), r.key));
    if (h > 0 && every === 1 && slot >= 60)
      svg.append(text(svgEl("text", { x: x + slot / 2, y: base - h - 5, "text-anchor": "middle" }), short(r.amount_usd.value)));
  });
  target.replaceChildren(svg);
}

const table = { sort: "-amount_usd", q: "", kind: "", cursor: null };
const names = {};   /* company slug -> name */
let charts = null;  /* the totals, kept to redraw the charts at a new width */

function placeholderHost(url) {
  try { return new URL(url).hostname.endsWith(".invalid"); } catch (e) { return false; }
}

function sourceLink(p) {
  const src = p.evidence.length ? p.evidence[0].source : null;
  if (!src) return "";
  let host = src;
  try { host = new URL(src).hostname; } catch (e) { /* keep the text */ }
  if (placeholderHost(src)) $("placeholder-note").hidden = false;
  const a = el("a", { href: src, rel: "noopener noreferrer", title: p.evidence[0].quote });
  return text(a, host.replace(/^www\./, ""));
}

function row(p) {
  const td = (label, s, cls) => {
    const c = el("td", Object.assign({ "data-label": label }, cls ? { class: cls } : {}));
    if (s instanceof Node) c.append(s); else c.textContent = s ?? "";
    return c;
  };
  const company = p.company === null ? "Joint" : names[p.company] || p.company;
  const usd = p.amount_usd ? qualified(p.amount_qualifier, grouped(p.amount_usd.value)) : (p.amount ? "no rate" : "");
  return el("tr", p.kind === "target" ? { class: "target" } : {}, [
    td("Date", shownDate(p.announced_on, p.announced_on_precision), "date"), td("Company", company),
    td("Kind", p.kind), td("Description", p.description || ""),
    td("Amount", p.amount ? qualified(p.amount_qualifier, `${p.amount.currency} ${grouped(p.amount.value)}`) : "", "num"),
    td("USD", usd, "num"),
    td("People", p.people ? qualified(p.people_qualifier, grouped(String(p.people))) : "", "num"),
    td("Source", sourceLink(p)),
  ]);
}

async function loadPledges(append) {
  const params = new URLSearchParams({ limit: "50", sort: table.sort });
  if (table.q) params.set("q", table.q);
  if (table.kind) params.set("kind", table.kind);
  if (append && table.cursor) params.set("cursor", table.cursor);
  $("status").textContent = "Loading…";
  try {
    const page = await api("/v1/pledges?" + params + (append ? "" : "&count=true"));
    const body = document.querySelector("#pledges tbody");
    if (!append) body.replaceChildren();
    page.data.forEach((p) => body.append(row(p)));
    table.cursor = page.next_cursor;
    $("more").hidden = !page.next_cursor;
    if (page.total !== undefined) table.total = page.total;
    $("status").textContent = `${body.children.length} of ${table.total} pledges`;
  } catch (e) {
    $("status").textContent = "Could not load pledges: " + e.message;
  }
}

function setSort(sort) {
  table.sort = sort;
  const field = sort.replace(/^-/, "");
  document.querySelectorAll("th[data-sort]").forEach((th) => {
    th.classList.toggle("active", th.dataset.sort === field);
    th.dataset.arrow = sort.startsWith("-") ? " ↓" : " ↑";
  });
  $("sort").value = sort;
  loadPledges(false);
}

function drawCharts() {
  if (!charts) return;
  barChart($("chart-company"), charts.company.rows, 12);
  barChart($("chart-country"), charts.country.rows, 12);
  timeChart($("chart-month"), charts.month.rows.filter((r) => r.key !== "none"));
}

async function main() {
  document.querySelectorAll("th[data-sort]").forEach((th) =>
    th.addEventListener("click", () => setSort(table.sort === "-" + th.dataset.sort ? th.dataset.sort : "-" + th.dataset.sort)));
  $("sort").addEventListener("change", (e) => setSort(e.target.value));
  let timer;
  $("search").addEventListener("input", (e) => { clearTimeout(timer); timer = setTimeout(() => { table.q = e.target.value.trim(); loadPledges(false); }, 250); });
  $("kind").addEventListener("change", (e) => { table.kind = e.target.value; loadPledges(false); });
  $("more").addEventListener("click", () => loadPledges(true));
  /* Redraw the charts whenever their panel changes width (a rotated phone,
     a resized window, the layout settling after load). */
  let resized, drawnAt = 0;
  new ResizeObserver(() => {
    const w = $("chart-month").clientWidth;
    if (w === drawnAt) return;
    clearTimeout(resized);
    resized = setTimeout(() => { drawnAt = w; drawCharts(); }, 100);
  }).observe($("chart-month"));
  await loadFigures();
  document.querySelector('th[data-sort="amount_usd"]').classList.add("active");
  document.querySelector('th[data-sort="amount_usd"]').dataset.arrow = " ↓";
  await loadPledges(false);
  document.body.dataset.ready = "true";
  live();
}

/* The headline cards and the charts, read again after every change. */
async function loadFigures() {
  try {
    const [summary, byCompany, byCountry, byMonth, companies] = await Promise.all([
      api("/v1/stats/summary"), api("/v1/stats/totals?group_by=company"),
      api("/v1/stats/totals?group_by=country"), api("/v1/stats/totals?group_by=month"),
      api("/v1/companies?limit=500")]);
    companies.data.forEach((c) => { names[c.slug] = c.name; });
    $("total-usd").textContent = short(summary.total_usd.value);
    $("total-usd-exact").textContent = "US$" + grouped(summary.total_usd.value);
    if (summary.targets_usd.value !== "0.00") {
      $("targets").hidden = false;
      $("targets-usd").textContent = short(summary.targets_usd.value);
      $("targets-usd-exact").textContent = "(US$" + grouped(summary.targets_usd.value) + ")";
    }
    $("pledge-count").textContent = grouped(String(summary.pledges));
    const notes = [];
    if (summary.approximate) notes.push(`${summary.approximate} approximate`);
    if (summary.pledges_without_usd) notes.push(`${summary.pledges_without_usd} without a USD rate`);
    $("pledge-note").textContent = notes.join(", ");
    $("company-count").textContent = grouped(String(summary.companies));
    $("announcement-count").textContent = grouped(String(summary.announcements));
    if (summary.first_announced_on)
      $("date-range").textContent = `${shownDate(summary.first_announced_on, summary.first_announced_on_precision)} to ` +
        shownDate(summary.last_announced_on, summary.last_announced_on_precision);
    if (summary.rates_as_of) $("rates-as-of").textContent = "Rates as of " + summary.rates_as_of;
    charts = { company: byCompany, country: byCountry, month: byMonth };
    drawCharts();
  } catch (e) {
    $("status").textContent = "Could not load the figures: " + e.message;
  }
}

/* Live figures: the change feed as Server-Sent Events. Each change another
   client commits redraws the cards, the charts and the table (changes that
   come together are read once). ?live=off keeps the page still, for a
   printout or a screenshot. The browser reconnects by itself, resuming
   after the last event it saw. */
function live() {
  if (!window.EventSource || new URLSearchParams(location.search).get("live") === "off") return;
  const feed = new EventSource("/v1/changes?resource=companies,announcements,pledges,rates");
  let pending = null;
  feed.addEventListener("change", () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      await Promise.all([loadFigures(), loadPledges(false)]);
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    }, 200);
  });
  feed.addEventListener("open", () => { $("live").hidden = false; });
  feed.addEventListener("error", () => { $("live").hidden = true; });
}
main();
