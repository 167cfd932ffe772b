/* sq — helpers shared by the SQLite store files (see sq.h). */
#include "sq.h"

#include "db.h"

#include <stdio.h>

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

void sq_copy_text(char *out, size_t len, const unsigned char *s)
{
    snprintf(out, len, "%s", s ? (const char *)s : "");
}
