/* bulk — import, export and seed (see bulk.h). */
#include "bulk.h"

#include "company_input.h"
#include "jsonx.h"
#include "records.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH_LINES 1000
#define LINE_MAX_BYTES (1 << 20)

static void report_errors(FILE *report, size_t lineno, const char *what, json_t *errors)
{
    fprintf(report, "line %zu: %s\n", lineno, what);
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
        fprintf(report, "  %s: %s\n", json_string_value(json_object_get(e, "field")),
                json_string_value(json_object_get(e, "message")));
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Imports one parsed line inside the open transaction. Returns 1 written,
 * 2 skipped, 0 refused (reported), -1 database error. */
static int import_line(struct db *db, json_t *obj, bool seed, size_t lineno, FILE *report)
{
    char now[21];
    db_now(now);
    json_t *errors = json_array();
    int result;
    json_t *company = json_object_get(obj, "company");
    if (company && json_object_size(obj) == 1) {
        struct company_input in;
        if (!json_is_object(company)) {
            jsonx_error_add(errors, "company", "must be an object");
            memset(&in, 0, sizeof in);
        } else {
            company_input_parse(company, INPUT_CREATE, &in, errors);
        }
        if (json_array_size(errors)) {
            report_errors(report, lineno, "invalid company", errors);
            result = 0;
        } else {
            enum store_status st = store_company_insert(db, &in, now);
            result = st == STORE_OK ? 1 : st == STORE_CONFLICT ? 2 : -1;
        }
        company_input_free(&in);
    } else {
        int64_t id = 0;
        json_t *conflict = NULL;
        int r = announcement_create(db, obj, now, &id, errors, &conflict);
        if (r == 0) {
            report_errors(report, lineno, "invalid announcement", errors);
            result = 0;
        } else if (r == 2) {
            if (seed) {
                result = 2;
            } else {
                fprintf(report, "line %zu: %s %s\n", lineno,
                        json_string_value(json_object_get(conflict, "field")),
                        json_string_value(json_object_get(conflict, "message")));
                result = 0;
            }
            json_decref(conflict);
        } else {
            result = r;
        }
    }
    json_decref(errors);
    return result;
}

bool bulk_import(struct db *db, FILE *in, long long size, bool seed, FILE *report,
                 FILE *progress, struct import_result *res)
{
    memset(res, 0, sizeof *res);
    bool tty = progress && isatty(fileno(progress));
    char *line = NULL;
    size_t cap = 0, lineno = 0, in_batch = 0;
    long long consumed = 0;
    double start = now_seconds(), last_shown = 0;
    bool ok = true, open_tx = false;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
        lineno++;
        consumed += n;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        res->lines++;
        if (n > LINE_MAX_BYTES) {
            fprintf(report, "line %zu: longer than %d bytes\n", lineno, LINE_MAX_BYTES);
            res->refused++;
            continue;
        }
        char err[256];
        json_t *obj = jsonx_parse_object(line, (size_t)n, err, sizeof err);
        if (!obj) {
            fprintf(report, "line %zu: %s\n", lineno, err);
            res->refused++;
            continue;
        }
        if (!open_tx) {
            if (!(open_tx = db_begin(db))) {
                json_decref(obj);
                ok = false;
                break;
            }
        }
        if (db_exec(db, "SAVEPOINT line") != SQLITE_OK) {
            json_decref(obj);
            ok = false;
            break;
        }
        int r = import_line(db, obj, seed, lineno, report);
        json_decref(obj);
        if (r < 0) {
            ok = false;
            break;
        }
        if (r == 1) {
            res->imported++;
            db_exec(db, "RELEASE line");
        } else {
            if (r == 0)
                res->refused++;
            else
                res->skipped++;
            db_exec(db, "ROLLBACK TO line");
            db_exec(db, "RELEASE line");
        }
        if (++in_batch >= BATCH_LINES) {
            if (!db_commit(db)) {
                ok = false;
                open_tx = false;
                break;
            }
            open_tx = false;
            in_batch = 0;
        }
        double t = now_seconds();
        if (tty && t - last_shown >= 0.25) {
            double rate = (double)res->lines / (t - start > 0 ? t - start : 1e-9);
            if (size > 0 && consumed > 0) {
                double eta = (t - start) * (double)(size - consumed) / (double)consumed;
                fprintf(progress, "\r%zu lines, %.0f lines/s, ETA %.0f s   ", res->lines, rate, eta);
            } else {
                fprintf(progress, "\r%zu lines, %.0f lines/s   ", res->lines, rate);
            }
            fflush(progress);
            last_shown = t;
        }
    }
    if (ferror(in))
        ok = false;
    if (open_tx) {
        if (ok)
            ok = db_commit(db);
        else
            db_rollback(db);
    }
    if (tty)
        fprintf(progress, "\r%*s\r", 60, "");
    free(line);
    return ok;
}

bool bulk_export(struct db *db, FILE *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT slug, name, country, website, aliases FROM companies"
                                      " ORDER BY slug");
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *c = json_object();
        static const char *const names[] = {"slug", "name", "country", "website"};
        for (int i = 0; i < 4; i++)
            if (sqlite3_column_type(st, i) != SQLITE_NULL)
                json_object_set_new(c, names[i], json_string((const char *)sqlite3_column_text(st, i)));
        json_t *aliases = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
        if (json_array_size(aliases))
            json_object_set_new(c, "aliases", aliases);
        else
            json_decref(aliases);
        json_t *line = json_pack("{s:o}", "company", c);
        char *text = jsonx_dump(line, NULL);
        json_decref(line);
        if (!text)
            break;
        fprintf(out, "%s\n", text);
        free(text);
    }
    db_done(st);
    if (rc != SQLITE_DONE)
        return false;
    st = db_prepare(db, "SELECT id FROM announcements ORDER BY id");
    if (!st)
        return false;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            int64_t *grown = realloc(ids, cap * sizeof *ids);
            if (!grown)
                break;
            ids = grown;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    db_done(st);
    bool ok = rc == SQLITE_DONE;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *a = NULL;
        if (announcement_load(db, ids[i], &a) != 1) {
            ok = false;
            break;
        }
        json_t *input = announcement_as_input(a);
        json_decref(a);
        char *text = jsonx_dump(input, NULL);
        json_decref(input);
        ok = text && fprintf(out, "%s\n", text) > 0;
        free(text);
    }
    free(ids);
    return ok && fflush(out) == 0;
}
