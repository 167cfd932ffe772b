/* sq — helpers shared by the SQLite store files (see sq.h). */
#include "sq.h"

#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum store_status sq_status(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_BUSY;
    case SQLITE_CONSTRAINT:
        return STORE_CONFLICT;
    default:
        return STORE_ERROR;
    }
}

enum store_status sq_run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? STORE_OK : sq_status(rc);
}

void sq_copy_text(char *out, size_t len, const unsigned char *s)
{
    /* Not snprintf: a list page copies thousands of these per request. */
    size_t n = s ? strnlen((const char *)s, len - 1) : 0;
    memcpy(out, s ? (const char *)s : "", n);
    out[n] = '\0';
}

bool sq_dup_text(sqlite3_stmt *st, int col, char **out)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    *out = s ? strdup((const char *)s) : NULL;
    return !s || *out;
}

void sq_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, idx);
}

void sq_bind_named(sqlite3_stmt *st, const char *name, const char *s)
{
    sq_bind_text_or_null(st, sqlite3_bind_parameter_index(st, name), s);
}

void sq_read_stamp(sqlite3_stmt *st, int col, struct store_stamp *out)
{
    out->version = sqlite3_column_int64(st, col);
    sq_copy_text(out->created_by, sizeof out->created_by, sqlite3_column_text(st, col + 1));
    sq_copy_text(out->updated_by, sizeof out->updated_by, sqlite3_column_text(st, col + 2));
}

enum store_status sq_each_id(sqlite3_stmt *st, bool (*fn)(void *ctx, int64_t id), void *ctx)
{
    enum store_status status = STORE_OK;
    int rc;
    while (status == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (!fn(ctx, sqlite3_column_int64(st, 0)))
            status = STORE_ERROR;
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = sq_status(rc);
    db_done(st);
    return status;
}

enum store_status sq_one_int(sqlite3_stmt *st, int64_t *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    db_done(st);
    return rc == SQLITE_ROW ? STORE_OK : sq_status(rc);
}
