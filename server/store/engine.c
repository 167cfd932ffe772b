/* engine — choosing the storage engine (see engine.h), and the store's
 * entry points that every engine has: open, close, migrate. */
#include "engine.h"

#include "store.h"

#include <ctype.h>
#include <string.h>

enum store_engine store_engine_for(const char *target)
{
    if (!target)
        return ENGINE_SQLITE;
    if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
        return ENGINE_POSTGRESQL;
    const char *p = target;
    while (*p == ' ')
        p++;
    const char *word = p;
    while (islower((unsigned char)*p) || *p == '_')
        p++;
    while (*p == ' ')
        p++;
    return p > word && *p == '=' ? ENGINE_POSTGRESQL : ENGINE_SQLITE;
}

const char *store_engine_name(enum store_engine e)
{
    return e == ENGINE_POSTGRESQL ? "PostgreSQL" : "SQLite";
}

struct db *store_open(const char *target, char *err, size_t errlen)
{
    return store_engine_for(target) == ENGINE_POSTGRESQL ? pg_store_open(target, err, errlen)
                                                         : sq_store_open(target, err, errlen);
}

void store_close(struct db *db)
{
    if (db && store_engine_of(db) == ENGINE_POSTGRESQL)
        pg_store_close(db);
    else
        sq_store_close(db);
}

bool store_migrate(struct db *db, int *from, int *applied, char *err, size_t errlen)
{
    return store_engine_of(db) == ENGINE_POSTGRESQL
               ? pg_store_migrate(db, from, applied, err, errlen)
               : sq_store_migrate(db, from, applied, err, errlen);
}

int store_schema_current(struct db *db)
{
    if (!db)
        return -1;
    return store_engine_of(db) == ENGINE_POSTGRESQL ? pg_schema_current(db) : sq_schema_current(db);
}
