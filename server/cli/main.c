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
#include "cli.h"
#include "revise.h"

#include "fetch.h"
#include "rates_update.h"

#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    "  export [--with-history]   write them all as JSON Lines to stdout\n"
    "  backup FILE               consistent copy, safe while serving\n"
    "  history prune --before DATE --yes   drop old revisions (each record's latest stays)\n"
    "  draft FILE|- [--url URL] [--published-on DATE] [--language L]\n"
    "                            propose the record of a news article (writes nothing)\n"
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
     "  --threads N                worker threads, 1-256 (2 per CPU, at least 4;\n"
     "                             PLEDGED_THREADS)\n"
     "  --max-body BYTES           largest request body (1048576; PLEDGED_MAX_BODY)\n"
     "  --no-access-log            no JSON line per request (PLEDGED_ACCESS_LOG=0)\n"
     "  --cors-origin ORIGIN       browsers on ORIGIN may read; repeatable; * for any\n"
     "                             (PLEDGED_CORS_ORIGINS, comma-separated)\n"
     "  --private                  reads need a token too (PLEDGED_PRIVATE=1)\n"
     "  --no-answer-cache          compute every GET answer (benchmarks)\n"
     "  --search-totals-at N       keep the totals of a one-word search found in N\n"
     "                             pledges or more (20000; 0: never; SQLite only;\n"
     "                             PLEDGED_SEARCH_TOTALS_AT)\n"
     "  --search-totals-step N     count a kept search's pledges N at a time, between\n"
     "                             other writes (4096; PLEDGED_SEARCH_TOTALS_STEP)\n"
     "  --timeout SECONDS          close a connection silent this long (15; PLEDGED_TIMEOUT)\n"
     "  --header-timeout SECONDS   a request's headers must arrive within this (10;\n"
     "                             PLEDGED_HEADER_TIMEOUT)\n"
     "  --body-min-rate BYTES      a body must average this many bytes a second after\n"
     "                             --header-timeout of grace (1024; PLEDGED_BODY_MIN_RATE)\n"
     "  --max-connections N        connections in all (4096; PLEDGED_MAX_CONNECTIONS)\n"
     "  --max-connections-per-ip N connections per client address (128;\n"
     "                             PLEDGED_MAX_CONNECTIONS_PER_IP; 0: no limit)\n"
     "  --max-streams N            open change streams (GET /v1/changes as Server-Sent\n"
     "                             Events; 64; PLEDGED_MAX_STREAMS); more get 503\n"
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
    {"export", "usage: pledged export [--with-history] [--db FILE]\nWrites every company and "
               "announcement as JSON Lines to stdout, as import reads them. --with-history\n"
               "adds each record's id and version and then every revision; import restores\n"
               "them into an empty database.\n"},
    {"backup", "usage: pledged backup FILE [--db FILE]\nCopies the database online (safe "
               "while serving) to a new FILE and checks the copy.\n"},
    {"history", "usage: pledged history prune --before YYYY-MM-DD [--yes] [--db FILE]\n"
                "Drops the revisions recorded before DATE, except the latest of each record\n"
                "(a deleted record's tombstone is its latest). Without --yes it only says how\n"
                "many it would drop.\n"},
    {"draft", "usage: pledged draft FILE|- [--url URL] [--title TITLE] [--publisher NAME]\n"
              "                     [--published-on YYYY-MM-DD] [--language en|fr|ja] [--db FILE]\n"
              "Prints, as JSON, the draft POST /v1/drafts answers for the article in FILE (- for\n"
              "standard input): the announcement and pledges it proposes, the companies it names\n"
              "that the database lacks, every figure found and the recorded announcements it\n"
              "probably reports. The language is detected when not given; relative dates\n"
              "(\"announced Tuesday\") need --published-on. Writes nothing.\n"},
    {"healthcheck", "usage: pledged healthcheck [--port N] [--bind ADDRESS]\n"
                    "Exits 0 when GET /readyz of the server there answers 200.\n"},
};

const char *g_command;

/* The publishers' URLs, as pointers the default config holds, so that a
 * URL given on the command line can be told from the default. */
static const char FED_H10_URL_DEFAULT[] = FED_H10_URL;
static const char ECB_HIST_URL_DEFAULT[] = ECB_HIST_URL;

const char *help_of(const char *command)
{
    for (size_t i = 0; command && i < sizeof command_help / sizeof command_help[0]; i++)
        if (strcmp(command_help[i].command, command) == 0)
            return command_help[i].text;
    return NULL;
}

int usage_error(const char *fmt, ...)
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

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "pledged: libsodium failed to initialise\n");
        return 1;
    }
    store_global_init();
    store_set_baseline(revise_baseline); /* migration 0011 renders through the API */
    fetch_global_init();
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct config *cfg = &g_app.cfg;
    *cfg = (struct config){
        .db_path = "pledged.db",
        .bind = "127.0.0.1",
        .port = 8080,
        /* Writes wait for the writer on threads of their own (offload.h),
         * so the workers only wait for the CPU and the disk: two a CPU
         * served 8% more uncached GETs than four (make bench's machine,
         * 2 CPUs, alternating runs), and one a CPU no more than two. */
        .threads = cpus > 0 && cpus <= 128 ? (unsigned)(cpus * 2 < 4 ? 4 : cpus * 2) : 4,
        .max_body = 1 << 20,
        .conn_timeout = 15,
        .header_timeout = 10,
        .body_min_rate = 1024,
        .max_conns = 4096,
        .max_conns_ip = 128,
        .max_streams = 64,
        .access_log = true,
        .answer_cache = true,
        .search_totals_at = 20000,
        .search_totals_step = 4096,
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
        {"max-streams", required_argument, NULL, OPT_MAX_STREAMS},
        {"search-totals-at", required_argument, NULL, OPT_SEARCH_TOTALS},
        {"search-totals-step", required_argument, NULL, OPT_SEARCH_STEP},
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
        {"yes", no_argument, NULL, OPT_YES},
        {"before", required_argument, NULL, OPT_BEFORE},
        {"with-history", no_argument, NULL, OPT_WITH_HISTORY},
        {"url", required_argument, NULL, OPT_URL},
        {"title", required_argument, NULL, OPT_TITLE},
        {"publisher", required_argument, NULL, OPT_PUBLISHER},
        {"published-on", required_argument, NULL, OPT_PUBLISHED_ON},
        {"language", required_argument, NULL, OPT_LANGUAGE},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    bool used_serve_only = false, read_only = false;
    struct history_options history = {NULL, false, false};
    struct draft_options draft = {NULL, NULL, NULL, NULL, NULL};
    bool draft_option = false;
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
        if (opt == OPT_URL || opt == OPT_TITLE || opt == OPT_PUBLISHER || opt == OPT_PUBLISHED_ON ||
            opt == OPT_LANGUAGE) {
            *(opt == OPT_URL         ? &draft.url
              : opt == OPT_TITLE     ? &draft.title
              : opt == OPT_PUBLISHER ? &draft.publisher
              : opt == OPT_LANGUAGE  ? &draft.language
                                     : &draft.published_on) = optarg;
            draft_option = true;
            continue;
        }
        if (opt == OPT_YES || opt == OPT_BEFORE || opt == OPT_WITH_HISTORY) {
            history.yes |= opt == OPT_YES;
            history.with_history |= opt == OPT_WITH_HISTORY;
            if (opt == OPT_BEFORE)
                history.before = optarg;
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
    if ((history.yes || history.before) &&
        !(strcmp(cmd, "history") == 0 && nargs > 0 && strcmp(args[0], "prune") == 0))
        return usage_error("--before and --yes go with history prune only");
    if (history.with_history && strcmp(cmd, "export") != 0)
        return usage_error("--with-history goes with export only");
    if (draft_option && strcmp(cmd, "draft") != 0)
        return usage_error("--url, --title, --publisher, --published-on and --language go with "
                           "draft only");
    if (strcmp(cmd, "draft") == 0)
        return cmd_draft(cfg, nargs, args, &draft);
    if (strcmp(cmd, "history") == 0)
        return cmd_history(cfg, nargs, args, &history);
    if (strcmp(cmd, "token") == 0)
        return cmd_token(cfg, nargs, args, read_only);
    if (strcmp(cmd, "rates") == 0)
        return cmd_rates(cfg, nargs, args);
    if (strcmp(cmd, "seed") == 0)
        return cmd_import(cfg, nargs, args, true);
    if (strcmp(cmd, "import") == 0)
        return cmd_import(cfg, nargs, args, false);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(cfg, nargs, history.with_history);
    if (strcmp(cmd, "backup") == 0)
        return cmd_backup(cfg, nargs, args);
    return usage_error("unknown command '%s'", cmd);
}
