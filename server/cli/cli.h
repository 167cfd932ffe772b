/* cli — what the command line's files share: the options (options.c), bad
 * usage, opening the database, and one function per subcommand (each in
 * its own file: serve.c, token.c, rates_cmd.c, data.c, draft_cmd.c).
 *
 * Every cmd_* returns the process's exit status: 0 done, 1 failed at run
 * time (said on stderr), 2 bad usage (usage_error).
 */
#ifndef PLEDGED_CLI_H
#define PLEDGED_CLI_H

#include "app.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>

/* The command named on the command line, for messages; NULL when none. */
extern const char *g_command;

/* The help text of `command` (NULL: not a command). */
const char *help_of(const char *command);

/* Bad usage: one line saying what is wrong and where to look; returns 2. */
__attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...);

enum opt_id {
    OPT_PORT = 'p', OPT_BIND = 'b', OPT_DB = 'd', OPT_THREADS = 't', OPT_HELP = 'h',
    OPT_VERSION = 'V', OPT_MAX_BODY = 1000, OPT_NO_LOG, OPT_CORS, OPT_PRIVATE, OPT_READ_ONLY,
    OPT_TIMEOUT, OPT_MAX_CONNS, OPT_MAX_CONNS_IP, OPT_IP_RATE, OPT_TOKEN_RATE, OPT_NO_CACHE,
    OPT_HEADER_TIMEOUT, OPT_BODY_MIN_RATE, OPT_TRUSTED_PROXY, OPT_FED_URL, OPT_ECB_URL,
    OPT_RATES_SOURCE, OPT_RATES_SINCE, OPT_RATES_REFRESH, OPT_RATES_TIMEOUT, OPT_RATES_MAX_BYTES,
    OPT_MAX_STREAMS, OPT_YES, OPT_BEFORE, OPT_WITH_HISTORY, OPT_URL, OPT_TITLE, OPT_PUBLISHER,
    OPT_PUBLISHED_ON, OPT_LANGUAGE, OPT_SEARCH_TOTALS, OPT_SEARCH_STEP,
};

/* Options that only `serve` takes. */
bool serve_only(int opt);
/* Checks and applies option opt's value `val` (from `origin`: the flag as
 * written, or the environment variable); 0, or usage_error's 2. */
int apply_option(struct config *cfg, int opt, const char *val, const char *origin);
/* Applies the PLEDGED_* environment variables; 0 or 2. */
int config_from_env(struct config *cfg);

/* The database `path` names (a SQLite file or a PostgreSQL connection
 * string), migrated; NULL after saying why on stderr. */
struct db *open_migrated(const char *path);

int cmd_serve(struct config *cfg);
int cmd_healthcheck(const struct config *cfg);
int cmd_migrate(const struct config *cfg);
int cmd_token(const struct config *cfg, int argc, char **argv, bool read_only);
int cmd_rates(const struct config *cfg, int argc, char **argv);
int cmd_import(const struct config *cfg, int argc, char **argv, bool seed);
int cmd_export(const struct config *cfg, int argc, bool with_history);
int cmd_backup(const struct config *cfg, int argc, char **argv);

/* `history prune --before DATE [--yes]`. */
struct history_options {
    const char *before;
    bool yes;
    bool with_history;        /* export --with-history */
};
int cmd_history(const struct config *cfg, int argc, char **argv,
                const struct history_options *o);

/* `draft FILE|- [--url URL] [--title T] [--publisher P] [--published-on DATE]
 * [--language L]`: the request's fields (NULL when not given). */
struct draft_options {
    const char *url, *title, *publisher, *published_on, *language;
};
int cmd_draft(const struct config *cfg, int argc, char **argv, const struct draft_options *o);

#endif
