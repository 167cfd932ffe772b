// "Add from an article", the dashboard's second script (served at
// /dashboard-drafts.js; it uses the helpers of /dashboard.js). Paste an
// article, get its draft from POST /v1/drafts, review and edit every
// field with the evidence marked in the text, create the missing
// companies, then save the announcement, or file the article under the
// announcement it matched. The token is kept in sessionStorage only (this
// tab, until it closes), never in localStorage or a cookie.
"use strict";

const TOKEN_KEY = "pledged-token";
let draft = null;   // the last draft answered
let shown = 0;      // the pledge whose evidence is marked

function token() { return $("draft-token").value.trim(); }

/* A JSON request with the token; the answer's JSON (or problem) and status. */
async function send(method, path, body, merge) {
  const r = await fetch(path, {
    method,
    headers: { "Content-Type": merge ? "application/merge-patch+json" : "application/json",
               Accept: "application/json", Authorization: "Bearer " + token() },
    body: JSON.stringify(body),
  });
  let json = null;
  try { json = await r.json(); } catch (e) { json = null; }
  return { status: r.status, json };
}

/* A problem document's field errors as a list (or its detail). */
function showProblems(list, problem) {
  const items = problem && problem.errors ? problem.errors.map((e) => `${e.field}: ${e.message}`)
    : [problem && problem.detail ? problem.detail : "the server did not answer"];
  list.replaceChildren(...items.map((t) => text(el("li"), t)));
  list.hidden = false;
}

/* ---- the review --------------------------------------------------------------------------- */

const KINDS = ["investment", "training", "facility", "research", "partnership", "target", "other"];
const QUALIFIERS = [["", "exactly"], ["about", "about"], ["at_least", "at least"], ["up_to", "up to"]];

function input(name, value, attrs) {
  return el("input", Object.assign({ "data-field": name, value: value == null ? "" : String(value) }, attrs || {}));
}
function select(name, options, value) {
  const s = el("select", { "data-field": name });
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    const opt = text(el("option", { value: v }), label);
    if ((value || "") === v) opt.selected = true;
    s.append(opt);
  }
  return s;
}
function labelled(label, control) { return el("label", {}, [label, control]); }

/* The article with the evidence of pledge i marked. */
function markEvidence(i) {
  shown = i;
  const article = $("d-article"), source = $("draft-text").value;
  const quotes = ((draft.announcement.pledges[i] || {}).evidence || []).map((e) => e.quote);
  const spans = [];
  for (const q of quotes) {
    const at = source.indexOf(q);
    if (at >= 0) spans.push([at, at + q.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let pos = 0;
  for (const [a, b] of spans) {
    if (a < pos) continue;
    parts.push(source.slice(pos, a), text(el("mark"), source.slice(a, b)));
    pos = b;
  }
  parts.push(source.slice(pos));
  article.replaceChildren(...parts);
  const mark = article.querySelector("mark");
  if (mark) article.scrollTop = mark.offsetTop - article.offsetTop - 20;
  document.querySelectorAll("fieldset.pledge").forEach((f, k) => f.classList.toggle("shown", k === i));
}

function pledgeEditor(p, i) {
  const a = p.amount || {};
  const f = el("fieldset", { class: "pledge", "data-index": String(i) }, [
    text(el("legend"), `Pledge ${i + 1}`),
    el("div", { class: "fields row" }, [
      labelled("Keep", el("input", { type: "checkbox", "data-field": "keep", checked: "" })),
      labelled("Kind", select("kind", KINDS, p.kind)),
      labelled("Company (slug; empty: joint)", input("company", p.company)),
      labelled("Country", input("country", p.country, { maxlength: "2" })),
    ]),
    labelled("Description", el("textarea", { "data-field": "description", rows: "2" }, [p.description || ""])),
    el("div", { class: "fields row" }, [
      labelled("Currency", input("currency", a.currency, { maxlength: "3" })),
      labelled("Amount", input("amount", a.value, { inputmode: "decimal" })),
      labelled("Amount stated", select("amount_qualifier", QUALIFIERS, p.amount_qualifier)),
      labelled("People", input("people", p.people, { inputmode: "numeric" })),
      labelled("People stated", select("people_qualifier", QUALIFIERS, p.people_qualifier)),
    ]),
    el("div", { class: "fields row" }, [
      labelled("Months", input("duration_months", p.duration_months, { inputmode: "numeric" })),
      labelled("Starts on", input("starts_on", p.starts_on, { type: "date" })),
      labelled("Ends on", input("ends_on", p.ends_on, { type: "date" })),
    ]),
  ]);
  const show = text(el("button", { class: "secondary", type: "button" }), "Show its evidence");
  show.addEventListener("click", () => markEvidence(i));
  f.append(el("div", {}, [show]));
  f.addEventListener("focusin", () => markEvidence(i));
  return f;
}

function newCompanyEditor(n) {
  const row = el("div", { class: "newco" }, [
    labelled("Name", input("name", n.name)),
    labelled("Slug", input("slug", n.slug || "")),
    labelled("Country", input("country", "", { maxlength: "2" })),
  ]);
  const create = text(el("button", { type: "button" }), "Create");
  const status = el("span", { class: "status" });
  create.addEventListener("click", async () => {
    const get = (k) => row.querySelector(`[data-field=${k}]`).value.trim();
    const body = { name: get("name") };
    if (get("slug")) body.slug = get("slug");
    if (get("country")) body.country = get("country").toUpperCase();
    const r = await send("POST", "/v1/companies", body);
    if (r.status === 201) {
      status.textContent = "Created " + r.json.slug;
      create.disabled = true;
    } else {
      status.textContent = (r.json && (r.json.errors || [])[0] ? r.json.errors.map((e) => e.field + ": " + e.message).join("; ")
        : (r.json && r.json.detail) || "HTTP " + r.status);
    }
  });
  row.append(create, status);
  return row;
}

function review(d) {
  draft = d;
  const a = d.announcement;
  $("d-title").value = a.title || "";
  $("d-date").value = a.announced_on || "";
  $("d-precision").value = a.announced_on_precision || "day";
  $("d-companies").value = (a.companies || []).join(", ");
  $("d-countries").value = (a.countries || []).join(", ");
  $("d-summary").value = a.summary || "";
  $("draft-warnings").replaceChildren(...d.warnings.map((w) => text(el("li"), w)));
  $("d-new").replaceChildren(...(d.new_companies.length ? d.new_companies.map(newCompanyEditor)
    : [text(el("p", { class: "status" }), "None: every company it names is known.")]));
  $("d-pledges").replaceChildren(...(a.pledges.length ? a.pledges.map(pledgeEditor)
    : [text(el("p", { class: "status" }), "No pledge found: add it by hand after saving.")]));
  const match = d.proposal && d.proposal.action === "add_source" ? d.matches[0] : null;
  $("draft-match").hidden = !match;
  $("d-add").hidden = !match;
  if (match) {
    $("draft-match").textContent = `This article probably reports announcement ${match.announcement_id} ` +
      `(score ${match.score}: ${match.reasons.join(", ")}). Add it there as a source, with its sentences as evidence, ` +
      "rather than saving a second announcement.";
    $("d-add").textContent = `Add to announcement ${match.announcement_id}`;
  }
  $("d-status").textContent = "";
  $("d-problems").hidden = true;
  $("d-save").disabled = false;
  $("d-add").disabled = false;
  $("draft-review").hidden = false;
  markEvidence(0);
}

/* ---- reading the edited fields back ------------------------------------------------------- */

function list(value) { return value.split(",").map((s) => s.trim()).filter(Boolean); }

function editedPledge(f, original) {
  const get = (k) => f.querySelector(`[data-field=${k}]`).value.trim();
  const p = { kind: get("kind"), company: get("company") || null, status: original.status || "announced",
              evidence: original.evidence || [] };
  if (get("description")) p.description = get("description");
  if (get("country")) p.country = get("country").toUpperCase();
  if (get("amount")) p.amount = { currency: get("currency").toUpperCase(), value: get("amount") };
  if (get("amount") && get("amount_qualifier")) p.amount_qualifier = get("amount_qualifier");
  if (get("people")) p.people = Number(get("people"));
  if (get("people") && get("people_qualifier")) p.people_qualifier = get("people_qualifier");
  if (get("duration_months")) p.duration_months = Number(get("duration_months"));
  if (get("starts_on")) p.starts_on = get("starts_on");
  if (get("ends_on")) p.ends_on = get("ends_on");
  return p;
}

function editedAnnouncement() {
  const a = draft.announcement;
  const out = { title: $("d-title").value.trim(), announced_on: $("d-date").value,
                announced_on_precision: $("d-precision").value, companies: list($("d-companies").value),
                countries: list($("d-countries").value).map((c) => c.toUpperCase()), sources: a.sources, pledges: [] };
  if ($("d-summary").value.trim()) out.summary = $("d-summary").value.trim();
  document.querySelectorAll("fieldset.pledge").forEach((f) => {
    if (f.querySelector("[data-field=keep]").checked)
      out.pledges.push(editedPledge(f, a.pledges[Number(f.dataset.index)]));
  });
  return out;
}

/* ---- the three actions ------------------------------------------------------------------------ */

async function askDraft() {
  $("draft-problems").hidden = true;
  $("draft-status").textContent = "Reading the article…";
  const body = { text: $("draft-text").value };
  if ($("draft-url").value.trim()) body.url = $("draft-url").value.trim();
  if ($("draft-date").value) body.published_on = $("draft-date").value;
  try {
    const r = await send("POST", "/v1/drafts", body);
    if (r.status !== 200) {
      $("draft-status").textContent = r.status === 401 ? "The token is missing or not valid." : `The draft was refused (HTTP ${r.status}).`;
      showProblems($("draft-problems"), r.json);
      return;
    }
    $("draft-status").textContent = `Draft: ${r.json.announcement.pledges.length} pledges, ` +
      `${r.json.mentions.length} figures, dates, places and companies found (${r.json.language}).`;
    review(r.json);
  } catch (e) {
    $("draft-status").textContent = "Could not reach the server: " + e.message;
  }
}

async function saveNew() {
  $("d-problems").hidden = true;
  const r = await send("POST", "/v1/announcements", editedAnnouncement());
  if (r.status === 201) {
    $("d-status").textContent = `Saved as announcement ${r.json.id}.`;
    $("d-save").disabled = true;
  } else {
    $("d-status").textContent = `Not saved (HTTP ${r.status}).`;
    showProblems($("d-problems"), r.json);
  }
}

async function addToMatch() {
  $("d-problems").hidden = true;
  const p = draft.proposal;
  const r = await send("PATCH", `/v1/announcements/${p.announcement_id}`, p.announcement, true);
  if (r.status !== 200) {
    $("d-status").textContent = `Not added (HTTP ${r.status}).`;
    showProblems($("d-problems"), r.json);
    return;
  }
  let pledges = 0;
  for (const q of p.pledges) {
    const s = await send("PATCH", `/v1/pledges/${q.pledge_id}`, q.patch, true);
    if (s.status === 200) pledges++;
  }
  $("d-status").textContent = `Added to announcement ${p.announcement_id} as a source; ` +
    `evidence added to ${pledges} of its pledges.`;
  $("d-add").disabled = true;
}

function startDrafts() {
  $("draft-token").value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("draft-token").addEventListener("input", () => sessionStorage.setItem(TOKEN_KEY, token()));
  $("draft-go").addEventListener("click", askDraft);
  $("d-save").addEventListener("click", saveNew);
  $("d-add").addEventListener("click", addToMatch);
}
startDrafts();
