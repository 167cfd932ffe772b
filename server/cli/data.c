/* data — the commands that work on the database as a whole: migrate, seed
 * and import (JSON Lines in), export (JSON Lines out) and backup (a
 * consistent copy, safe while serving). */
#include "cli.h"

#include "bulk.h"
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct db *open_migrated(const char *path)
{
    char err[512];
    struct db *db = store_open(path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "pledged: %s\n", err);
        return NULL;
    }
    int from, applied;
    if (!store_migrate(db, &from, &applied, err, sizeof err)) {
        fprintf(stderr, "pledged: %s\n", err);
        store_close(db);
        return NULL;
    }
    return db;
}

int cmd_migrate(const struct config *cfg)
{
    char err[512];
    struct db *db = store_open(cfg->db_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "pledged: %s\n", err);
        return 1;
    }
    int before = 0, applied = 0;
    bool ok = store_migrate(db, &before, &applied, err, sizeof err);
    if (ok)
        printf("%s: schema version %d (was %d; %d migration%s applied)\n", cfg->db_path,
               store_schema_latest(), before, applied, applied == 1 ? "" : "s");
    else
        fprintf(stderr, "pledged: %s\n", err);
    store_close(db);
    return ok ? 0 : 1;
}

int cmd_import(const struct config *cfg, int argc, char **argv, bool seed)
{
    if (seed ? argc != 0 : argc != 1)
        return usage_error(seed ? "seed takes no arguments" : "import takes one FILE (or -)");
    FILE *in;
    long long size = 0;
    if (seed) {
        in = fmemopen((void *)seed_jsonl, seed_jsonl_len, "r");
    } else if (strcmp(argv[0], "-") == 0) {
        in = stdin;
    } else {
        in = fopen(argv[0], "r");
        if (in && fseek(in, 0, SEEK_END) == 0) {
            size = ftell(in);
            rewind(in);
        }
    }
    if (!in) {
        fprintf(stderr, "pledged: cannot read %s: %s\n", seed ? "the sample data" : argv[0],
                strerror(errno));
        return 1;
    }
    struct db *db = open_migrated(cfg->db_path);
    if (!db) {
        if (in != stdin)
            fclose(in);
        return 1;
    }
    struct store_summary sum;
    enum import_mode mode = store_summary(db, &sum) == STORE_OK
                                ? bulk_import_mode(size, sum.pledges) : IMPORT_BATCHES;
    if (mode == IMPORT_BULK)
        fprintf(stderr, "pledged: a bulk load: one transaction%s\n",
                store_engine_of(db) == ENGINE_POSTGRESQL
                    ? "" : ", the pledges' indexes and totals built again at the end");
    struct import_result res;
    bool ok = bulk_import(db, in, size, seed, mode, stderr, stderr, &res);
    if (in != stdin)
        fclose(in);
    store_close(db);
    printf("%zu lines: %zu imported, %zu already present, %zu refused\n", res.lines, res.imported,
           res.skipped, res.refused);
    if (!ok)
        fprintf(stderr, "pledged: the import stopped on a database error%s\n",
                mode == IMPORT_BULK ? "; nothing of it was kept" : "");
    return ok && res.refused == 0 ? 0 : 1;
}

static enum store_status export_body(struct db *db, void *ctx)
{
    const bool *with_history = ctx;
    return bulk_export(db, stdout, *with_history) ? STORE_OK : STORE_ERROR;
}

int cmd_export(const struct config *cfg, int argc, bool with_history)
{
    if (argc != 0)
        return usage_error("export takes no arguments");
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    /* One read transaction: a consistent snapshot while a daemon writes. */
    bool ok = store_read_on(db, export_body, &with_history) == STORE_OK;
    store_close(db);
    if (!ok)
        fprintf(stderr, "pledged: export failed\n");
    return ok ? 0 : 1;
}

/* Copies the database (store_backup); the destination must be new. */
int cmd_backup(const struct config *cfg, int argc, char **argv)
{
    if (argc != 1)
        return usage_error("backup takes one destination FILE");
    if (access(argv[0], F_OK) == 0) {
        fprintf(stderr, "pledged: %s exists; choose a new file\n", argv[0]);
        return 1;
    }
    if (store_engine_for(cfg->db_path) == ENGINE_POSTGRESQL) {
        fprintf(stderr, "pledged: backup copies a SQLite file; for PostgreSQL use pg_dump"
                        " (README, \"More than one machine\")\n");
        return 1;
    }
    char err[600];
    int pages = 0;
    if (!store_backup(cfg->db_path, argv[0], &pages, err, sizeof err)) {
        fprintf(stderr, "pledged: %s\n", err);
        return 1;
    }
    printf("%s: %d pages copied from %s, integrity ok\n", argv[0], pages, cfg->db_path);
    return 0;
}

/* history prune's transaction. */
struct prune_tx {
    const char *before;
    bool dry_run;
    int64_t dropped;
};

static enum store_status prune_body(struct db *db, void *ctx)
{
    struct prune_tx *t = ctx;
    return store_revisions_prune(db, t->before, t->dry_run, &t->dropped);
}

int cmd_history(const struct config *cfg, int argc, char **argv,
                const struct history_options *o)
{
    if (argc != 1 || strcmp(argv[0], "prune") != 0)
        return usage_error("history takes: prune --before YYYY-MM-DD [--yes]");
    int y, m, d;
    if (!o->before || strlen(o->before) != 10 || !date_parse(o->before, &y, &m, &d))
        return usage_error("history prune needs --before YYYY-MM-DD");
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    struct prune_tx t = {o->before, !o->yes, 0};
    bool ok = store_write_on(db, prune_body, &t) == STORE_OK;
    store_close(db);
    if (!ok) {
        fprintf(stderr, "pledged: pruning the history failed; nothing was dropped\n");
        return 1;
    }
    if (!o->yes) {
        printf("%lld revision%s recorded before %s would be dropped (each record keeps its "
               "latest); run again with --yes to drop them\n",
               (long long)t.dropped, t.dropped == 1 ? "" : "s", o->before);
        return t.dropped ? 1 : 0;
    }
    printf("%lld revision%s recorded before %s dropped; each record keeps its latest\n",
           (long long)t.dropped, t.dropped == 1 ? "" : "s", o->before);
    return 0;
}
