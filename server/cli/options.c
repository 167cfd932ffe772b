/* options — the command line's options and their environment variables:
 * each value checked and applied to the configuration (see cli.h). */
#include "cli.h"

#include "date.h"
#include "net.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options that only `serve` takes. */
bool serve_only(int opt)
{
    return opt == OPT_PORT || opt == OPT_BIND || opt == OPT_THREADS || opt == OPT_MAX_BODY ||
           opt == OPT_NO_LOG || opt == OPT_CORS || opt == OPT_PRIVATE || opt == OPT_TIMEOUT ||
           opt == OPT_MAX_CONNS || opt == OPT_MAX_CONNS_IP || opt == OPT_IP_RATE ||
           opt == OPT_TOKEN_RATE || opt == OPT_NO_CACHE || opt == OPT_HEADER_TIMEOUT ||
           opt == OPT_BODY_MIN_RATE || opt == OPT_TRUSTED_PROXY || opt == OPT_RATES_REFRESH ||
           opt == OPT_MAX_STREAMS || opt == OPT_SEARCH_TOTALS || opt == OPT_SEARCH_STEP;
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

int apply_option(struct config *cfg, int opt, const char *val, const char *origin)
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
    case OPT_MAX_STREAMS:
        if (!set_number(val, 0, 100000, &n))
            return usage_error("--max-streams must be 0 (no streams) to 100000 (%s)", origin);
        cfg->max_streams = (unsigned)n;
        break;
    case OPT_SEARCH_TOTALS:
        if (!set_number(val, 0, 1000000000, &n))
            return usage_error("--search-totals-at must be 0 (never) to 1000000000 pledges (%s)",
                               origin);
        cfg->search_totals_at = n;
        break;
    case OPT_SEARCH_STEP:
        if (!set_number(val, 1, 1000000, &n))
            return usage_error("--search-totals-step must be 1 to 1000000 pledges (%s)", origin);
        cfg->search_totals_step = n;
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

int config_from_env(struct config *cfg)
{
    static const struct { const char *var; int opt; } vars[] = {
        {"PLEDGED_PORT", OPT_PORT},       {"PLEDGED_BIND", OPT_BIND},
        {"PLEDGED_DB", OPT_DB},           {"PLEDGED_THREADS", OPT_THREADS},
        {"PLEDGED_MAX_BODY", OPT_MAX_BODY},
        {"PLEDGED_TIMEOUT", OPT_TIMEOUT},          {"PLEDGED_MAX_CONNECTIONS", OPT_MAX_CONNS},
        {"PLEDGED_MAX_CONNECTIONS_PER_IP", OPT_MAX_CONNS_IP},
        {"PLEDGED_MAX_STREAMS", OPT_MAX_STREAMS},
        {"PLEDGED_SEARCH_TOTALS_AT", OPT_SEARCH_TOTALS},
        {"PLEDGED_SEARCH_TOTALS_STEP", OPT_SEARCH_STEP},
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
