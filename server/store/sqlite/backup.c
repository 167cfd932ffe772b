/* backup — `pledged backup` (see store_backup in store.h) with SQLite's
 * online backup API: a few hundred pages at a time, so a serving daemon's
 * writers are never held up for long; a write during the copy restarts it,
 * so the copy is one consistent snapshot. The copy is then checked with
 * PRAGMA integrity_check. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Whether the database `dst` passes PRAGMA integrity_check. */
static bool intact(sqlite3 *dst)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    return ok;
}

bool store_backup(const char *from, const char *to, int *pages, char *err, size_t errlen)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
    if (!b) {
        snprintf(err, errlen, "cannot back up %s to %s: %s", from, to,
                 sqlite3_errmsg(dst ? dst : src));
        sqlite3_close(src);
        sqlite3_close(dst);
        return false;
    }
    bool again;
    do {
        rc = sqlite3_backup_step(b, 256);
        /* A lock the daemon holds a moment: wait and go on. The step may
         * give an extended code (SQLITE_BUSY_RECOVERY, say, while another
         * connection rebuilds the WAL index), so the primary code decides. */
        again = rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (again)
            nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    } while (again);
    *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    bool ok = rc == SQLITE_DONE && intact(dst);
    sqlite3_close(src);
    sqlite3_close(dst);
    if (!ok) {
        snprintf(err, errlen, "the backup failed (%s)",
                 rc == SQLITE_DONE ? "the copy is not intact" : sqlite3_errstr(rc));
        unlink(to);
    }
    return ok;
}
