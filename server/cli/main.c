/* main — the pledged command line: serve, migrate, token add/list/revoke.
 *
 * Options may stand before or after a subcommand's arguments (getopt_long
 * permutes them), and each also comes from an environment variable
 * (PLEDGED_PORT, PLEDGED_BIND, PLEDGED_DB, PLEDGED_THREADS,
 * PLEDGED_MAX_BODY, PLEDGED_ACCESS_LOG, ...); a flag beats the environment.
 * Bad usage prints one line saying what is wrong and which --help to read,
 * and exits 2; a failure at run time exits 1. `pledged COMMAND --help`
 * prints that command's options.
 */
#include "app.h"
#include "auth.h"
#include "buf.h"
#include "bulk.h"
#include "cache.h"
#include "db.h"
#include "fetch.h"
#include "http.h"
#include "log.h"
#include "migrate.h"
#include "net.h"
#include "rates.h"
#include "rates_refresh.h"
#include "rates_update.h"
#include "records.h"
#include "text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>



static const char usage_text[] =
    "usage: pledged COMMAND [OPTIONS]\n"
    "\n"
    "  serve                     serve the HTTP API (see pledged serve --help)\n"
    "  migrate                   create or update the database\n"
    "  token add NAME [--read-only] | token list | token revoke NAME\n"
    "  rates import FILE.csv     add or correct rates (date,currency,per_usd)\n"
    "  seed                      load the sample data (again: adds nothing)\n"
    "  import FILE.jsonl|-       load companies and announcements (JSON Lines)\n"
    "  export                    write them all as JSON Lines to stdout\n"
    "  backup FILE               consistent copy, safe while serving\n"
    "  healthcheck               exit 0 when the server answers /readyz\n"
    "  --version | --help\n"
    "\n"
    "Every command takes --db FILE (default pledged.db; PLEDGED_DB).\n"
    "'pledged COMMAND --help' shows a command's options.\n";

/* Each command's own help, printed by `pledged COMMAND --help`. */
static const struct {
    const char *command;
    const char *text;
} command_help[] = {
    {"serve",
     "usage: pledged serve [OPTIONS]\n"
     "Serves the HTTP API; applies pending migrations first.\n"
     "  --db FILE                  the database (pledged.db; PLEDGED_DB)\n"
     "  --port N                   0 asks the OS for a free port (8080; PLEDGED_PORT)\n"
     "  --bind ADDRESS             numeric IPv4 or IPv6 address (127.0.0.1; PLEDGED_BIND)\n"
     "  --threads N                worker threads, 1-256 (the CPUs; PLEDGED_THREADS)\n"
     "  --max-body BYTES           largest request body (1048576; PLEDGED_MAX_BODY)\n"
     "  --no-access-log            no JSON line per request (PLEDGED_ACCESS_LOG=0)\n"
     "  --cors-origin ORIGIN       browsers on ORIGIN may read; repeatable; * for any\n"
     "                             (PLEDGED_CORS_ORIGINS, comma-separated)\n"
     "  --private                  reads need a token too (PLEDGED_PRIVATE=1)\n"
     "  --no-answer-cache          compute every GET answer (benchmarks)\n"
     "  --timeout SECONDS          close a connection silent this long (15; PLEDGED_TIMEOUT)\n"
     "  --header-timeout SECONDS   a request's headers must arrive within this (10;\n"
     "                             PLEDGED_HEADER_TIMEOUT)\n"
     "  --body-min-rate BYTES      a body must average this many bytes a second after\n"
     "                             --header-timeout of grace (1024; PLEDGED_BODY_MIN_RATE)\n"
     "  --max-connections N        connections in all (4096; PLEDGED_MAX_CONNECTIONS)\n"
     "  --max-connections-per-ip N connections per client address (128;\n"
     "                             PLEDGED_MAX_CONNECTIONS_PER_IP; 0: no limit)\n"
     "  --rate-limit N             requests/s per client address, bursts of 2N (0: off;\n"
     "                             PLEDGED_RATE_LIMIT)\n"
     "  --token-rate-limit N       requests/s per verified token (0: off;\n"
     "                             PLEDGED_TOKEN_RATE_LIMIT)\n"
     "  --trusted-proxy CIDR       believe X-Forwarded-For from these peers; repeatable\n"
     "                             (PLEDGED_TRUSTED_PROXIES, comma-separated)\n"
     "  --rates-refresh INTERVAL   run 'rates update' at start and then every INTERVAL\n"
     "                             (12h, 30m, 90s; 0: off, the default; PLEDGED_RATES_REFRESH)\n"
     "  --fed-url URL, --ecb-url URL  where the refresh reads the publishers' files\n"},
    {"migrate", "usage: pledged migrate [--db FILE]\nCreates the database or applies pending "
                "migrations, then says its schema version.\n"},
    {"token", "usage: pledged token add NAME [--read-only] [--db FILE]\n"
              "       pledged token list [--db FILE]\n"
              "       pledged token revoke NAME [--db FILE]\n"
              "add prints the new token alone on its last line; it is shown only then.\n"
              "NAME is 1-64 of A-Z a-z 0-9 . _ -; --read-only makes a token that cannot write.\n"},
    {"rates", "usage: pledged rates import FILE.csv [--db FILE]\n"
              "       pledged rates update [--source fed|ecb|all] [--since YYYY-MM-DD]\n"
              "                            [--fed-url URL] [--ecb-url URL] [--db FILE]\n"
              "import adds or corrects rates from lines date,currency,per_usd (after the\n"
              "header line), every line or none; they are 'manual'. update downloads the\n"
              "Fed's H.10 and the ECB's reference rates and adds the days the database lacks\n"
              "(PLEDGED_FED_URL, PLEDGED_ECB_URL, PLEDGED_RATES_TIMEOUT seconds,\n"
              "PLEDGED_RATES_MAX_BYTES). Pledges' USD values follow.\n"},
    {"seed", "usage: pledged seed [--db FILE]\nLoads the sample data built from five news "
             "articles; again, it adds nothing.\n"},
    {"import", "usage: pledged import FILE.jsonl|- [--db FILE]\n"
               "Reads JSON Lines: {\"company\": {...}} creates a company, any other line is the\n"
               "body of POST /v1/announcements. Bad lines are reported and leave nothing behind.\n"},
    {"export", "usage: pledged export [--db FILE]\nWrites every company and announcement as "
               "JSON Lines to stdout, as import reads them.\n"},
    {"backup", "usage: pledged backup FILE [--db FILE]\nCopies the database online (safe "
               "while serving) to a new FILE and checks the copy.\n"},
    {"healthcheck", "usage: pledged healthcheck [--port N] [--bind ADDRESS]\n"
                    "Exits 0 when GET /readyz of the server there answers 200.\n"},
};

/* The command named on the command line (the first word that names one),
 * for error messages and --help; NULL when there is none. */
static const char *g_command;

/* The publishers' URLs, as pointers the default config holds, so that a
 * URL given on the command line can be told from the default. */
static const char FED_H10_URL_DEFAULT[] = FED_H10_URL;
static const char ECB_HIST_URL_DEFAULT[] = ECB_HIST_URL;

static const char *help_of(const char *command)
{
    for (size_t i = 0; command && i < sizeof command_help / sizeof command_help[0]; i++)
        if (strcmp(command_help[i].command, command) == 0)
            return command_help[i].text;
    return NULL;
}

/* Bad usage: one line saying what is wrong and where to look; exit 2. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pledged: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (help_of(g_command))
        fprintf(stderr, "; see 'pledged %s --help'\n", g_command);
    else
        fprintf(stderr, "; see 'pledged --help'\n");
    return 2;
}

enum opt_id { OPT_PORT = 'p', OPT_BIND = 'b', OPT_DB = 'd', OPT_THREADS = 't',
              OPT_HELP = 'h', OPT_VERSION = 'V', OPT_MAX_BODY = 1000, OPT_NO_LOG, OPT_CORS, OPT_PRIVATE,
              OPT_READ_ONLY, OPT_TIMEOUT, OPT_MAX_CONNS, OPT_MAX_CONNS_IP, OPT_IP_RATE,
              OPT_TOKEN_RATE, OPT_NO_CACHE, OPT_HEADER_TIMEOUT, OPT_BODY_MIN_RATE,
              OPT_TRUSTED_PROXY, OPT_FED_URL, OPT_ECB_URL, OPT_RATES_SOURCE, OPT_RATES_SINCE,
              OPT_RATES_REFRESH, OPT_RATES_TIMEOUT, OPT_RATES_MAX_BYTES };

/* Options that only `serve` takes. */
static bool serve_only(int opt)
{
    return opt == OPT_PORT || opt == OPT_BIND || opt == OPT_THREADS || opt == OPT_MAX_BODY ||
           opt == OPT_NO_LOG || opt == OPT_CORS || opt == OPT_PRIVATE || opt == OPT_TIMEOUT ||
           opt == OPT_MAX_CONNS || opt == OPT_MAX_CONNS_IP || opt == OPT_IP_RATE ||
           opt == OPT_TOKEN_RATE || opt == OPT_NO_CACHE || opt == OPT_HEADER_TIMEOUT ||
           opt == OPT_BODY_MIN_RATE || opt == OPT_TRUSTED_PROXY || opt == OPT_RATES_REFRESH;
}

static bool set_number(const char *text, int64_t min, int64_t max, int64_t *out)
{
    return text && int_parse(text, min, max, out);
}

/* An interval in seconds: a number alone or with a unit (90s, 30m, 12h,
 * 1d), 0 to max seconds. */
static bool interval_parse(const char *text, int64_t max, int64_t *out)
{
    size_t len = text ? strlen(text) : 0;
    if (!len || len > 20)
        return false;
    char unit = text[len - 1];
    int64_t mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    char digits[24];
    snprintf(digits, sizeof digits, "%.*s", (int)(mult ? len - 1 : len), text);
    int64_t n;
    if (!int_parse(digits, 0, max, &n) || n * (mult ? mult : 1) > max)
        return false;
    *out = n * (mult ? mult : 1);
    return true;
}

/* "*" or an origin: http(s)://host[:port] with nothing after it. */
static bool origin_ok(const char *v)
{
    if (!v)
        return false;
    if (strcmp(v, "*") == 0)
        return true;
    const char *host = strstr(v, "://");
    return !url_check_http(v) && host && !strchr(host + 3, '/') && !strchr(host + 3, '?') &&
           !strchr(host + 3, '#');
}

static int apply_option(struct config *cfg, int opt, const char *val, const char *origin)
{
    int64_t n;
    switch (opt) {
    case OPT_PORT:
        if (!set_number(val, 0, 65535, &n))
            return usage_error("the port must be 0 to 65535 (%s)", origin);
        cfg->port = (unsigned)n;
        break;
    case OPT_BIND: {
        struct net_address a;
        if (!net_parse(val, 0, &a))
            return usage_error("--bind takes a numeric IPv4 or IPv6 address such as 127.0.0.1 "
                               "or ::1, not '%s' (%s)", val ? val : "", origin);
        cfg->bind = val;
        break;
    }
    case OPT_DB:
        if (!val || !*val)
            return usage_error("the database path must not be empty (%s)", origin);
        cfg->db_path = val;
        break;
    case OPT_THREADS:
        if (!set_number(val, 1, 256, &n))
            return usage_error("the thread count must be 1 to 256 (%s)", origin);
        cfg->threads = (unsigned)n;
        break;
    case OPT_MAX_BODY:
        if (!set_number(val, 1024, 64 << 20, &n))
            return usage_error("the body limit must be 1024 to 67108864 bytes (%s)", origin);
        cfg->max_body = (size_t)n;
        break;
    case OPT_NO_LOG:
        cfg->access_log = false;
        break;
    case OPT_PRIVATE:
        cfg->private_mode = true;
        break;
    case OPT_NO_CACHE:
        cfg->answer_cache = false;
        break;
    case OPT_TIMEOUT:
        if (!set_number(val, 1, 3600, &n))
            return usage_error("the timeout must be 1 to 3600 seconds (%s)", origin);
        cfg->conn_timeout = (unsigned)n;
        break;
    case OPT_HEADER_TIMEOUT:
        if (!set_number(val, 1, 3600, &n))
            return usage_error("the header timeout must be 1 to 3600 seconds (%s)", origin);
        cfg->header_timeout = (unsigned)n;
        break;
    case OPT_BODY_MIN_RATE:
        if (!set_number(val, 0, 1 << 30, &n))
            return usage_error("the body rate must be 0 (off) to 1073741824 bytes a second (%s)",
                               origin);
        cfg->body_min_rate = (unsigned)n;
        break;
    case OPT_TRUSTED_PROXY:
        if (cfg->n_trusted == sizeof cfg->trusted_proxies / sizeof cfg->trusted_proxies[0])
            return usage_error("at most 16 trusted proxies (%s)", origin);
        if (!val || !net_cidr_parse(val, &cfg->trusted_proxies[cfg->n_trusted]))
            return usage_error("a trusted proxy is an address or CIDR block such as 10.0.0.0/8, "
                               "not '%s' (%s)", val ? val : "", origin);
        cfg->n_trusted++;
        break;
    case OPT_FED_URL:
    case OPT_ECB_URL:
        if (!val || url_check_http(val))
            return usage_error("a rates URL is an http or https URL, not '%s' (%s)", val ? val : "",
                               origin);
        *(opt == OPT_FED_URL ? &cfg->fed_url : &cfg->ecb_url) = val;
        break;
    case OPT_RATES_SOURCE:
        if (!val || (strcmp(val, "fed") && strcmp(val, "ecb") && strcmp(val, "all")))
            return usage_error("--source is fed, ecb or all, not '%s'", val ? val : "");
        cfg->rates_source = val;
        break;
    case OPT_RATES_SINCE: {
        int y, m, d;
        if (!val || !date_parse(val, &y, &m, &d))
            return usage_error("--since takes a date YYYY-MM-DD, not '%s'", val ? val : "");
        cfg->rates_since = val;
        break;
    }
    case OPT_RATES_REFRESH:
        if (!interval_parse(val, 30 * 86400, &n))
            return usage_error("--rates-refresh is an interval such as 12h, 30m or 90s (0: off), "
                               "not '%s' (%s)", val ? val : "", origin);
        cfg->rates_refresh_s = (unsigned)n;
        break;
    case OPT_RATES_TIMEOUT:
        if (!set_number(val, 1, 3600, &n))
            return usage_error("PLEDGED_RATES_TIMEOUT is 1 to 3600 seconds (%s)", origin);
        cfg->rates_timeout_s = (long)n;
        break;
    case OPT_RATES_MAX_BYTES:
        if (!set_number(val, 1024, 1 << 30, &n))
            return usage_error("PLEDGED_RATES_MAX_BYTES is 1024 to 1073741824 (%s)", origin);
        cfg->rates_max_bytes = (size_t)n;
        break;
    case OPT_MAX_CONNS:
        if (!set_number(val, 1, 100000, &n))
            return usage_error("--max-connections must be 1 to 100000 (%s)", origin);
        cfg->max_conns = (unsigned)n;
        break;
    case OPT_MAX_CONNS_IP:
        if (!set_number(val, 0, 100000, &n))
            return usage_error("--max-connections-per-ip must be 0 (no limit) to 100000 (%s)",
                               origin);
        cfg->max_conns_ip = (unsigned)n;
        break;
    case OPT_IP_RATE:
    case OPT_TOKEN_RATE:
        if (!set_number(val, 0, 1000000, &n))
            return usage_error("a rate limit is 0 (off) to 1000000 requests per second (%s)",
                               origin);
        *(opt == OPT_IP_RATE ? &cfg->ip_rate : &cfg->token_rate) = (unsigned)n;
        break;
    case OPT_CORS:
        if (!origin_ok(val))
            return usage_error("a CORS origin is scheme://host[:port] or *, not '%s' (%s)",
                               val ? val : "", origin);
        if (cfg->n_cors == sizeof cfg->cors_origins / sizeof cfg->cors_origins[0])
            return usage_error("at most 16 CORS origins (%s)", origin);
        cfg->cors_origins[cfg->n_cors++] = val;
        break;
    }
    return 0;
}

/* Applies each comma-separated item of environment variable `var` as
 * option `opt`, splitting a copy of it in `copy` (which must outlive cfg). */
static int option_list_from_env(struct config *cfg, const char *var, int opt, char *copy,
                                size_t len)
{
    const char *value = getenv(var);
    if (!value || !*value)
        return 0;
    snprintf(copy, len, "%s", value);
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        int rc = apply_option(cfg, opt, tok, var);
        if (rc)
            return rc;
    }
    return 0;
}

static int config_from_env(struct config *cfg)
{
    static const struct { const char *var; int opt; } vars[] = {
        {"PLEDGED_PORT", OPT_PORT},       {"PLEDGED_BIND", OPT_BIND},
        {"PLEDGED_DB", OPT_DB},           {"PLEDGED_THREADS", OPT_THREADS},
        {"PLEDGED_MAX_BODY", OPT_MAX_BODY},
        {"PLEDGED_TIMEOUT", OPT_TIMEOUT},          {"PLEDGED_MAX_CONNECTIONS", OPT_MAX_CONNS},
        {"PLEDGED_MAX_CONNECTIONS_PER_IP", OPT_MAX_CONNS_IP},
        {"PLEDGED_RATE_LIMIT", OPT_IP_RATE},       {"PLEDGED_TOKEN_RATE_LIMIT", OPT_TOKEN_RATE},
        {"PLEDGED_HEADER_TIMEOUT", OPT_HEADER_TIMEOUT},
        {"PLEDGED_BODY_MIN_RATE", OPT_BODY_MIN_RATE},
        {"PLEDGED_FED_URL", OPT_FED_URL},           {"PLEDGED_ECB_URL", OPT_ECB_URL},
        {"PLEDGED_RATES_REFRESH", OPT_RATES_REFRESH},
        {"PLEDGED_RATES_TIMEOUT", OPT_RATES_TIMEOUT},
        {"PLEDGED_RATES_MAX_BYTES", OPT_RATES_MAX_BYTES},
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i].var);
        int rc = v ? apply_option(cfg, vars[i].opt, v, vars[i].var) : 0;
        if (rc)
            return rc;
    }
    /* Repeatable options come comma-separated; each list is split in a copy
     * of its own, which lives as long as the process (cfg points into it). */
    static char cors_copy[4096], proxies_copy[2048];
    int rc = option_list_from_env(cfg, "PLEDGED_CORS_ORIGINS", OPT_CORS, cors_copy,
                                  sizeof cors_copy);
    if (!rc)
        rc = option_list_from_env(cfg, "PLEDGED_TRUSTED_PROXIES", OPT_TRUSTED_PROXY, proxies_copy,
                                  sizeof proxies_copy);
    if (rc)
        return rc;
    const char *priv = getenv("PLEDGED_PRIVATE");
    if (priv) {
        if (strcmp(priv, "0") && strcmp(priv, "1"))
            return usage_error("PLEDGED_PRIVATE must be 0 or 1, not '%s'", priv);
        cfg->private_mode = strcmp(priv, "1") == 0;
    }
    const char *log = getenv("PLEDGED_ACCESS_LOG");
    if (log) {
        if (strcmp(log, "0") && strcmp(log, "1"))
            return usage_error("PLEDGED_ACCESS_LOG must be 0 or 1, not '%s'", log);
        cfg->access_log = strcmp(log, "1") == 0;
    }
    return 0;
}

static struct db *open_migrated(const char *path)
{
    char err[512];
    struct db *db = db_open(path, false, err, sizeof err);
    if (!db) {
        fprintf(stderr, "pledged: %s\n", err);
        return NULL;
    }
    int applied;
    if (!migrate_apply(db, &applied, err, sizeof err)) {
        fprintf(stderr, "pledged: %s\n", err);
        db_close(db);
        return NULL;
    }
    return db;
}

static int cmd_migrate(const struct config *cfg)
{
    char err[512];
    struct db *db = db_open(cfg->db_path, false, err, sizeof err);
    if (!db) {
        fprintf(stderr, "pledged: %s\n", err);
        return 1;
    }
    int before = migrate_current(db), applied = 0;
    bool ok = migrate_apply(db, &applied, err, sizeof err);
    if (ok)
        printf("%s: schema version %d (was %d; %d migration%s applied)\n", cfg->db_path,
               migrate_latest(), before < 0 ? 0 : before, applied, applied == 1 ? "" : "s");
    else
        fprintf(stderr, "pledged: %s\n", err);
    db_close(db);
    return ok ? 0 : 1;
}

static int cmd_token(const struct config *cfg, int argc, char **argv, bool read_only)
{
    const char *verb = argc > 0 ? argv[0] : NULL;
    if (!verb)
        return usage_error("token needs add, list or revoke");
    bool needs_name = strcmp(verb, "add") == 0 || strcmp(verb, "revoke") == 0;
    if (!needs_name && strcmp(verb, "list") != 0)
        return usage_error("unknown token command '%s'", verb);
    if (needs_name ? argc != 2 : argc != 1)
        return usage_error("token %s takes exactly one NAME", verb);
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    char err[256], token[TOKEN_LEN + 1];
    int rc = 0;
    if (strcmp(verb, "add") == 0) {
        if (token_add(db, argv[1], read_only, token, err, sizeof err)) {
            printf("Created %s token '%s'. It is shown only now; keep it secret.\n%s\n",
                   read_only ? "read-only" : "read-write", argv[1], token);
            sodium_memzero(token, sizeof token);
        } else {
            fprintf(stderr, "pledged: %s\n", err);
            rc = 1;
        }
    } else if (strcmp(verb, "revoke") == 0) {
        if (token_revoke(db, argv[1], err, sizeof err)) {
            printf("Revoked token '%s'.\n", argv[1]);
        } else {
            fprintf(stderr, "pledged: %s\n", err);
            rc = 1;
        }
    } else if (!token_list(db, stdout)) {
        fprintf(stderr, "pledged: cannot list tokens\n");
        rc = 1;
    }
    db_close(db);
    return rc;
}

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

static struct db *cli_lock(void *ctx)
{
    return ctx;
}

static void cli_unlock(void *ctx)
{
    (void)ctx;
}

/* pledged rates update: the publishers' files into the database. */
static int cmd_rates_update(const struct config *cfg)
{
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    const char *src = cfg->rates_source ? cfg->rates_source : "all";
    struct rates_update_options o = {
        .fed = strcmp(src, "ecb") != 0, .ecb = strcmp(src, "fed") != 0,
        .since = cfg->rates_since, .fed_url = cfg->fed_url, .ecb_url = cfg->ecb_url,
        .out = stdout, .lock = cli_lock, .unlock = cli_unlock, .lock_ctx = db,
        .timeout_s = cfg->rates_timeout_s, .max_bytes = cfg->rates_max_bytes};
    char err[1400];
    bool ok = rates_update(db, &o, err, sizeof err);
    db_close(db);
    if (!ok) {
        for (char *line = strtok(err, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "pledged: rates update: %s\n", line);
        return 1;
    }
    return 0;
}

static int cmd_rates(const struct config *cfg, int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "update") == 0)
        return cmd_rates_update(cfg);
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
    char err[256] = "";
    struct rates_load_result res = {0};
    bool ok = db_begin(db) &&
              rates_load_csv(db, text, len, "manual", true, true, stderr, &res, err, sizeof err) &&
              pledges_refresh_usd(db, NULL, NULL, NULL, 0);
    ok = ok && db_commit(db);
    if (!ok)
        db_rollback(db);
    if (ok)
        printf("%zu lines read, %zu rates added or changed\n", res.lines, res.loaded);
    else
        fprintf(stderr, "pledged: %s; nothing was imported\n", err[0] ? err : "database error");
    db_close(db);
    free(text);
    return ok ? 0 : 1;
}

static int cmd_import(const struct config *cfg, int argc, char **argv, bool seed)
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
    struct import_result res;
    bool ok = bulk_import(db, in, size, seed, stderr, stderr, &res);
    if (in != stdin)
        fclose(in);
    db_close(db);
    printf("%zu lines: %zu imported, %zu already present, %zu refused\n", res.lines, res.imported,
           res.skipped, res.refused);
    if (!ok)
        fprintf(stderr, "pledged: the import stopped on a database error\n");
    return ok && res.refused == 0 ? 0 : 1;
}

static int cmd_export(const struct config *cfg, int argc)
{
    if (argc != 0)
        return usage_error("export takes no arguments");
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    /* One read transaction: a consistent snapshot while a daemon writes. */
    bool ok = db_exec(db, "BEGIN") == SQLITE_OK && bulk_export(db, stdout);
    db_rollback(db);
    db_close(db);
    if (!ok)
        fprintf(stderr, "pledged: export failed\n");
    return ok ? 0 : 1;
}

/* Copies the database with SQLite's online backup API, a few hundred pages
 * at a time so a serving daemon's writers are never held up for long; a
 * write during the copy restarts it, so the copy is one consistent
 * snapshot. The copy is then checked with PRAGMA integrity_check. */
static int cmd_backup(const struct config *cfg, int argc, char **argv)
{
    if (argc != 1)
        return usage_error("backup takes one destination FILE");
    if (access(argv[0], F_OK) == 0) {
        fprintf(stderr, "pledged: %s exists; choose a new file\n", argv[0]);
        return 1;
    }
    sqlite3 *src = NULL, *dst = NULL;
    int rc = sqlite3_open_v2(cfg->db_path, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(argv[0], &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
    if (!b) {
        fprintf(stderr, "pledged: cannot back up %s to %s: %s\n", cfg->db_path, argv[0],
                sqlite3_errmsg(dst ? dst : src));
        sqlite3_close(src);
        sqlite3_close(dst);
        return 1;
    }
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK)
            nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    int pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    bool ok = rc == SQLITE_DONE;
    sqlite3_stmt *st = NULL;
    if (ok && sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    else
        ok = false;
    sqlite3_finalize(st);
    sqlite3_close(src);
    sqlite3_close(dst);
    if (!ok) {
        fprintf(stderr, "pledged: the backup failed (%s)\n", sqlite3_errstr(rc));
        unlink(argv[0]);
        return 1;
    }
    printf("%s: %d pages copied from %s, integrity ok\n", argv[0], pages, cfg->db_path);
    return 0;
}

/* Asks GET /readyz of the server on cfg's address and port; 0 on 200. The
 * Docker HEALTHCHECK runs this (the image has no curl). */
static int cmd_healthcheck(const struct config *cfg)
{
    const char *host = cfg->bind;
    if (strcmp(host, "0.0.0.0") == 0)
        host = "127.0.0.1";
    else if (strcmp(host, "::") == 0)
        host = "::1";
    struct net_address addr;
    if (!net_parse(host, cfg->port, &addr)) { /* --bind was checked: cannot happen */
        fprintf(stderr, "pledged: --bind must be a numeric address\n");
        return 1;
    }
    int fd = socket(addr.ss.ss_family, SOCK_STREAM, 0);
    struct timeval tv = {3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char reply[64] = "";
    static const char req[] = "GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n";
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&addr.ss, addr.len) == 0 &&
              write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1) &&
              read(fd, reply, sizeof reply - 1) > 12 && strncmp(reply + 9, "200", 3) == 0;
    if (fd >= 0)
        close(fd);
    if (!ok)
        fprintf(stderr, "pledged: not ready at %s port %u\n", host, cfg->port);
    return ok ? 0 : 1;
}

/* Each connection holds a descriptor: raise the soft limit towards the hard
 * one so --max-connections can be reached, or lower the connection limit
 * to what the hard limit allows (and say so). */
static void fit_descriptor_limit(struct config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)cfg->max_conns + 256; /* database files, epoll, log, ... */
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        unsigned fit = rl.rlim_cur > 512 ? (unsigned)(rl.rlim_cur - 256) : 256;
        char line[200];
        snprintf(line, sizeof line,
                 "only %llu file descriptors are allowed: --max-connections lowered to %u",
                 (unsigned long long)rl.rlim_cur, fit);
        log_info(line);
        cfg->max_conns = fit;
    }
}

static int cmd_serve(struct config *cfg)
{
    char err[512];
    /* The port first: a second daemon on a port in use stops here, before
     * it opens (let alone migrates) any database. */
    int listen_fd = http_listen(cfg, err, sizeof err);
    if (listen_fd < 0) {
        fprintf(stderr, "pledged: %s\n", err);
        return 1;
    }
    fit_descriptor_limit(cfg);
    struct db *db = open_migrated(cfg->db_path);
    if (!db) {
        close(listen_fd);
        return 1;
    }
    db_close(db);
    if (!db_pool_start(cfg->db_path, err, sizeof err)) {
        fprintf(stderr, "pledged: %s\n", err);
        db_pool_stop();
        close(listen_fd);
        return 1;
    }
    /* Block the stop signals in every thread; main waits for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct http_server *server = http_start(cfg, listen_fd, err, sizeof err);
    if (!server) {
        fprintf(stderr, "pledged: %s\n", err);
        db_pool_stop();
        close(listen_fd);
        return 1;
    }
    if (!rates_refresh_start(cfg)) {
        fprintf(stderr, "pledged: cannot start the rates refresh\n");
        http_stop(server);
        db_pool_stop();
        return 1;
    }
    char line[256];
    snprintf(line, sizeof line,
             "{\"level\":\"info\",\"msg\":\"listening\",\"address\":\"%s\",\"port\":%u,"
             "\"threads\":%u,\"db\":\"%.100s\",\"version\":\"%s\"}",
             cfg->bind, http_port(server), cfg->threads, cfg->db_path, PLEDGED_VERSION);
    log_line(line, strlen(line));

    int sig = 0;
    sigwait(&stop, &sig);
    log_info(sig == SIGTERM ? "SIGTERM: finishing requests in flight"
                            : "SIGINT: finishing requests in flight");
    atomic_store(&g_app.shutting_down, true);
    http_quiesce(server);
    /* Give requests in flight up to 10 s, then stop regardless. */
    for (int i = 0; i < 1000 && atomic_load(&g_app.in_flight) > 0; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    http_stop(server);
    if (rates_refresh_stop()) {
        cache_free_all();
        db_pool_stop();
    }
    log_info("stopped");
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "pledged: libsodium failed to initialise\n");
        return 1;
    }
    db_global_init();
    fetch_global_init();
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct config *cfg = &g_app.cfg;
    *cfg = (struct config){
        .db_path = "pledged.db",
        .bind = "127.0.0.1",
        .port = 8080,
        .threads = cpus > 0 && cpus <= 256 ? (unsigned)cpus : 4,
        .max_body = 1 << 20,
        .conn_timeout = 15,
        .header_timeout = 10,
        .body_min_rate = 1024,
        .max_conns = 4096,
        .max_conns_ip = 128,
        .access_log = true,
        .answer_cache = true,
        .fed_url = FED_H10_URL_DEFAULT,
        .ecb_url = ECB_HIST_URL_DEFAULT,
    };
    unsigned char inst[4];
    randombytes_buf(inst, sizeof inst);
    sodium_bin2hex(g_app.instance, sizeof g_app.instance, inst, sizeof inst);

    /* The command word, known before the options are parsed so that errors
     * and --help can name it. */
    for (int i = 1; i < argc && !g_command; i++)
        if (help_of(argv[i]))
            g_command = argv[i];
    int rc = config_from_env(cfg);
    if (rc)
        return rc;
    static const struct option longopts[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"bind", required_argument, NULL, OPT_BIND},
        {"db", required_argument, NULL, OPT_DB},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"no-access-log", no_argument, NULL, OPT_NO_LOG},
        {"cors-origin", required_argument, NULL, OPT_CORS},
        {"private", no_argument, NULL, OPT_PRIVATE},
        {"no-answer-cache", no_argument, NULL, OPT_NO_CACHE},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNS},
        {"max-connections-per-ip", required_argument, NULL, OPT_MAX_CONNS_IP},
        {"rate-limit", required_argument, NULL, OPT_IP_RATE},
        {"token-rate-limit", required_argument, NULL, OPT_TOKEN_RATE},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"body-min-rate", required_argument, NULL, OPT_BODY_MIN_RATE},
        {"trusted-proxy", required_argument, NULL, OPT_TRUSTED_PROXY},
        {"fed-url", required_argument, NULL, OPT_FED_URL},
        {"ecb-url", required_argument, NULL, OPT_ECB_URL},
        {"source", required_argument, NULL, OPT_RATES_SOURCE},
        {"since", required_argument, NULL, OPT_RATES_SINCE},
        {"rates-refresh", required_argument, NULL, OPT_RATES_REFRESH},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    bool used_serve_only = false, read_only = false;
    const char *serve_opt = NULL, *not_for_healthcheck = NULL;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":p:b:d:t:hV", longopts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            fputs(help_of(g_command) ? help_of(g_command) : usage_text, stdout);
            return 0;
        }
        if (opt == OPT_VERSION) {
            printf("pledged %s\n", PLEDGED_VERSION);
            return 0;
        }
        if (opt == '?')
            return usage_error("unknown option '%s'", argv[optind - 1]);
        if (opt == ':')
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        if (opt == OPT_READ_ONLY) {
            read_only = true;
            continue;
        }
        /* The flag as written: "--port" of "--port 1", or "--port=1". */
        const char *flag = optarg && optind >= 2 && optarg == argv[optind - 1] ? argv[optind - 2]
                                                                               : argv[optind - 1];
        if (serve_only(opt)) {
            used_serve_only = true;
            serve_opt = flag;
            if (opt != OPT_PORT && opt != OPT_BIND)
                not_for_healthcheck = flag; /* healthcheck takes --port and --bind only */
        }
        if ((rc = apply_option(cfg, opt, optarg, flag)))
            return rc;
    }
    if (optind >= argc)
        return usage_error("a command is needed");
    const char *cmd = argv[optind];
    g_command = help_of(cmd) ? cmd : NULL;
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    if (strcmp(cmd, "serve") == 0) {
        if (nargs)
            return usage_error("serve takes no arguments ('%s')", args[0]);
        return cmd_serve(cfg);
    }
    if (strcmp(cmd, "healthcheck") == 0) {
        if (nargs)
            return usage_error("healthcheck takes no arguments ('%s')", args[0]);
        if (not_for_healthcheck)
            return usage_error("'%s' is an option of serve only", not_for_healthcheck);
        return cmd_healthcheck(cfg);
    }
    if (used_serve_only)
        return usage_error("'%s' is an option of serve only", serve_opt);
    if (strcmp(cmd, "migrate") == 0) {
        if (nargs)
            return usage_error("migrate takes no arguments ('%s')", args[0]);
        return cmd_migrate(cfg);
    }
    if ((cfg->rates_source || cfg->rates_since) &&
        !(strcmp(cmd, "rates") == 0 && nargs > 0 && strcmp(args[0], "update") == 0))
        return usage_error("--source and --since go with rates update only");
    if ((getenv("PLEDGED_FED_URL") == NULL && cfg->fed_url != FED_H10_URL_DEFAULT) ||
        (getenv("PLEDGED_ECB_URL") == NULL && cfg->ecb_url != ECB_HIST_URL_DEFAULT)) {
        if (strcmp(cmd, "rates") != 0)
            return usage_error("--fed-url and --ecb-url go with serve and rates update only");
    }
    if (read_only && !(strcmp(cmd, "token") == 0 && nargs > 0 && strcmp(args[0], "add") == 0))
        return usage_error("--read-only goes with token add only");
    if (strcmp(cmd, "token") == 0)
        return cmd_token(cfg, nargs, args, read_only);
    if (strcmp(cmd, "rates") == 0)
        return cmd_rates(cfg, nargs, args);
    if (strcmp(cmd, "seed") == 0)
        return cmd_import(cfg, nargs, args, true);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(cfg, nargs, args, false);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(cfg, nargs);
    if (strcmp(cmd, "backup") == 0)
        return cmd_backup(cfg, nargs, args);
    return usage_error("unknown command '%s'", cmd);
}
