/* embedded — the migration files compiled into the binary by
 * tools/embed.py (one list per engine: migration_files for SQLite,
 * pg_migration_files for PostgreSQL), and the version a file's name
 * carries. Static data: nothing to free. */
#ifndef PLEDGED_EMBEDDED_H
#define PLEDGED_EMBEDDED_H

#include <stddef.h>
#include <stdlib.h>

struct embedded_file {
    const char *name; /* NNNN_name.sql */
    const char *text;
    size_t len;
};

extern const struct embedded_file migration_files[];
extern const size_t migration_files_count;
extern const struct embedded_file pg_migration_files[];
extern const size_t pg_migration_files_count;

static inline int embedded_version(const char *name)
{
    return atoi(name);
}

#endif
