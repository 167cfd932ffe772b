/* h_charts — the dashboard page (GET /) and the totals as an SVG bar
 * chart (GET /v1/stats/totals.svg), for a wiki or README to embed.
 *
 * The SVG is drawn here from the same totals as the JSON answer: one
 * horizontal bar per group (time in order for year and month), labels
 * escaped for XML, no script, no external reference. Bar lengths are the
 * only place money becomes approximate, and only in pixels. Bars are
 * committed money; targets are named in a footnote, never added in. */
#include "api.h"
#include "app.h"
#include "buf.h"
#include "handlers.h"
#include "respond.h"
#include "stats.h"

#include <stdlib.h>
#include <string.h>

extern const char dashboard_html[];
extern const size_t dashboard_html_len;
extern const char dashboard_js[];
extern const size_t dashboard_js_len;
extern const char dashboard_drafts_js[];
extern const size_t dashboard_drafts_js_len;

/* The page runs no inline script and cannot be framed (clickjacking). */
#define DASHBOARD_CSP                                                                  \
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:;" \
    " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

void h_root(const struct request *rq, struct response *rs)
{
    /* API clients that ask for JSON get a small index instead of the page. */
    if (rq->accept && strstr(rq->accept, "application/json") && !strstr(rq->accept, "text/html")) {
        respond_json_get(rq, rs,
                         json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "service",
                                   "pledged", "version", PLEDGED_VERSION, "documentation",
                                   "/v1/openapi.json", "links", "companies", "/v1/companies",
                                   "announcements", "/v1/announcements", "pledges", "/v1/pledges",
                                   "stats", "/v1/stats/summary", "health", "/healthz"));
        respond_header(rs, "Vary", "Accept");
        return;
    }
    respond_bytes(rs, 200, "text/html; charset=utf-8", dashboard_html, dashboard_html_len);
    respond_with_etag(rq, rs);
    respond_header(rs, "Vary", "Accept");
    respond_header(rs, "Content-Security-Policy", DASHBOARD_CSP);
    respond_header(rs, "X-Frame-Options", "DENY");
}

void h_dashboard_js(const struct request *rq, struct response *rs)
{
    respond_bytes(rs, 200, "text/javascript; charset=utf-8", dashboard_js, dashboard_js_len);
    respond_with_etag(rq, rs);
}

/* "Add from an article": the page's second script (dashboard_drafts.js). */
void h_dashboard_drafts_js(const struct request *rq, struct response *rs)
{
    respond_bytes(rs, 200, "text/javascript; charset=utf-8", dashboard_drafts_js,
                  dashboard_drafts_js_len);
    respond_with_etag(rq, rs);
}

static void xml_escape(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_putc(b, *s);
        }
    }
}

/* "26047108542.65" -> "$26.0 billion" (display only), or "$1,234.50". */
static void short_usd(const char *value, char *out, size_t len)
{
    size_t int_len = strcspn(value, ".");
    static const struct { size_t digits; const char *word; } units[] = {
        {13, "trillion"}, {10, "billion"}, {7, "million"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (int_len >= units[i].digits) {
            size_t lead = int_len - units[i].digits + 1;
            snprintf(out, len, "$%.*s.%c %s", (int)lead, value, value[lead], units[i].word);
            return;
        }
    }
    struct buf b;
    buf_init(&b, 64);
    buf_putc(&b, '$');
    for (size_t i = 0; i < int_len; i++) {
        if (i && (int_len - i) % 3 == 0)
            buf_putc(&b, ',');
        buf_putc(&b, value[i]);
    }
    buf_puts(&b, value + int_len);
    snprintf(out, len, "%s", buf_str(&b));
    buf_free(&b);
}

/* The amount in cents as a double, for a bar's length only. */
static double magnitude(const char *value)
{
    double v = 0;
    for (const char *p = value; *p; p++)
        if (*p >= '0' && *p <= '9')
            v = v * 10 + (*p - '0');
    return v;
}

void h_stats_totals_svg(const struct request *rq, struct response *rs)
{
    const char *group;
    json_t *doc;
    if (stats_totals(rq, rs, &group, &doc) < 0)
        return;
    json_t *rows = json_object_get(doc, "rows"), *total = json_object_get(doc, "total");
    /* Bars are committed money; targets are never added in. A chart of
     * targets alone (kind=target) draws the targets, and says so. */
    const char *targets = json_string_value(
        json_object_get(json_object_get(total, "targets_usd"), "value"));
    bool only_targets = magnitude(json_string_value(json_object_get(
                            json_object_get(total, "amount_usd"), "value"))) == 0 &&
                        magnitude(targets) > 0;
    const char *measure = only_targets ? "targets_usd" : "amount_usd";
    size_t n = json_array_size(rows);
    if (n > 60)
        n = 60; /* a chart of more bars than this helps nobody */
    double max = 1;
    for (size_t i = 0; i < n; i++) {
        double v = magnitude(json_string_value(
            json_object_get(json_object_get(json_array_get(rows, i), measure), "value")));
        if (v > max)
            max = v;
    }
    const int width = 720, label_w = 180, row_h = 26, top = 34;
    bool footnote = !only_targets && magnitude(targets) > 0;
    int height = top + (int)n * row_h + 12 + (footnote ? 20 : 0);
    struct buf b;
    buf_init(&b, 1 << 20);
    buf_printf(&b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
               " font-family=\"system-ui, sans-serif\" font-size=\"12\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
               "<text x=\"12\" y=\"22\" font-size=\"14\" font-weight=\"600\" fill=\"#1d2433\">"
               "%s, in US dollars, by %s</text>\n",
               width, height, width, height, only_targets ? "Targets" : "Committed", group);
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        const char *value = json_string_value(json_object_get(json_object_get(row, measure), "value"));
        double len = (width - label_w - 120) * magnitude(value) / max;
        int y = top + (int)i * row_h;
        char shown[64];
        short_usd(value, shown, sizeof shown);
        buf_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#1d2433\">", label_w - 8, y + 16);
        xml_escape(&b, json_string_value(json_object_get(row, "label")));
        buf_printf(&b, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\">"
                       "<title>",
                   label_w, y + 4, len < 1 && magnitude(value) > 0 ? 1.0 : len, row_h - 9,
                   i % 2 ? "#17a398" : "#2f5bd3");
        xml_escape(&b, json_string_value(json_object_get(row, "label")));
        buf_printf(&b, ": US$%s</title></rect>\n<text x=\"%.1f\" y=\"%d\" fill=\"#5c6478\">%s</text>\n",
                   value, label_w + len + 6, y + 16, shown);
    }
    if (footnote) {
        char shown[64];
        short_usd(targets, shown, sizeof shown);
        buf_printf(&b, "<text x=\"12\" y=\"%d\" fill=\"#5c6478\">Targets, not included above: %s"
                       " (US$%s)</text>\n",
                   top + (int)n * row_h + 16, shown, targets);
    }
    buf_puts(&b, "</svg>\n");
    json_decref(doc);
    respond_bytes(rs, 200, "image/svg+xml; charset=utf-8", buf_str(&b), b.len);
    buf_free(&b);
    respond_with_etag(rq, rs);
}
