/* rates_cmd — `pledged rates import FILE.csv` and `pledged rates update`. */
#include "cli.h"
#include "jsonx.h"

#include "buf.h"
#include "rates.h"
#include "rates_update.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file ("-" for stdin) into memory, up to `max` bytes. */
static char *read_all(const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, max);
    char chunk[65536];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ok = buf_append(&b, chunk, n);
    ok = ok && !ferror(f);
    if (f != stdin)
        fclose(f);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, len);
}

/* pledged rates update: the publishers' files into the database. */
static int rates_update_cmd(const struct config *cfg)
{
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    const char *src = cfg->rates_source ? cfg->rates_source : "all";
    struct rates_update_options o = {
        .fed = strcmp(src, "ecb") != 0, .ecb = strcmp(src, "fed") != 0,
        .since = cfg->rates_since, .fed_url = cfg->fed_url, .ecb_url = cfg->ecb_url,
        .out = stdout, .writer = db,
        .timeout_s = cfg->rates_timeout_s, .max_bytes = cfg->rates_max_bytes};
    char err[1400];
    bool ok = rates_update(db, &o, err, sizeof err);
    store_close(db);
    if (!ok) {
        for (char *line = strtok(err, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "pledged: rates update: %s\n", line);
        return 1;
    }
    return 0;
}

/* rates import: every line or none, then the pledges' USD values follow. */
struct import_tx {
    const char *name;           /* the file's, as given */
    const char *text;
    size_t len;
    char err[256];
    struct rates_load_result res;
};

static enum store_status import_body(struct db *db, void *ctx)
{
    struct import_tx *t = ctx;
    if (!rates_load_csv(db, t->text, t->len, "manual", true, true, stderr, &t->res, t->err,
                        sizeof t->err))
        return STORE_ERROR;
    enum store_status st = store_pledges_refresh_usd(db, NULL, NULL, NULL, 0);
    if (st != STORE_OK || t->res.loaded == 0)
        return st;
    /* Recorded per run (issue 14), as `rates update` is. */
    json_t *doc = json_pack("{s:s, s:s, s:I, s:I}", "source", "import", "file", t->name,
                            "lines", (json_int_t)t->res.lines, "added_or_changed",
                            (json_int_t)t->res.loaded);
    char *text = doc ? jsonx_dump(doc, NULL) : NULL;
    char now[21];
    store_now(now);
    int64_t last = 0;
    st = text ? store_revision_last(db, RES_RATES_RUN, 0, "import", &last) : STORE_ERROR;
    if (st == STORE_OK)
        st = store_revision_add(db, RES_RATES_RUN, 0, "import", last + 1, "update", text, now);
    free(text);
    json_decref(doc);
    return st;
}

int cmd_rates(const struct config *cfg, int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "update") == 0)
        return rates_update_cmd(cfg);
    if (argc != 2 || strcmp(argv[0], "import") != 0)
        return usage_error("rates takes: import FILE.csv, or update");
    size_t len = 0;
    errno = 0;
    char *text = read_all(argv[1], (size_t)1 << 30, &len);
    if (!text) {
        fprintf(stderr, "pledged: cannot read %s: %s\n", argv[1],
                errno ? strerror(errno) : "larger than 1 GiB");
        return 1;
    }
    struct db *db = open_migrated(cfg->db_path);
    if (!db) {
        free(text);
        return 1;
    }
    struct import_tx t = {argv[1], text, len, "", {0}};
    bool ok = store_write_on(db, import_body, &t) == STORE_OK;
    if (ok)
        printf("%zu lines read, %zu rates added or changed\n", t.res.lines, t.res.loaded);
    else
        fprintf(stderr, "pledged: %s; nothing was imported\n", t.err[0] ? t.err : "database error");
    store_close(db);
    free(text);
    return ok ? 0 : 1;
}
