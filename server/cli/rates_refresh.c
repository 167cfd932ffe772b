/* rates_refresh — the daemon's periodic rates update (see rates_refresh.h). */
#include "rates_refresh.h"

#include "log.h"
#include "rates_update.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool running;
    atomic_bool stop;
    const struct config *cfg;
} R = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void run_once(void)
{
    struct rates_update_options o = {
        .fed = true, .ecb = true, .fed_url = R.cfg->fed_url, .ecb_url = R.cfg->ecb_url,
        .timeout_s = R.cfg->rates_timeout_s, .max_bytes = R.cfg->rates_max_bytes,
        .cancel = &R.stop}; /* .writer NULL: the daemon's writer, through store_write */
    char err[1400];
    if (rates_update(NULL, &o, err, sizeof err)) { /* NULL: the daemon's reader */
        log_info("rates refreshed"); /* both sources, after the last commit */
        return;
    }
    for (char *save = NULL, *line = strtok_r(err, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char msg[700];
        snprintf(msg, sizeof msg, "rates refresh failed: %s (retried in the next interval)", line);
        log_error(NULL, msg);
    }
}

static void *loop(void *arg)
{
    (void)arg;
    while (!atomic_load(&R.stop)) {
        run_once();
        /* The next run in interval ± 10%. */
        unsigned span = R.cfg->rates_refresh_s / 5;
        unsigned wait = R.cfg->rates_refresh_s - span / 2 + (span ? randombytes_uniform(span + 1) : 0);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += wait ? wait : 1;
        pthread_mutex_lock(&R.mu);
        while (!atomic_load(&R.stop) &&
               pthread_cond_timedwait(&R.wake, &R.mu, &until) == 0) {
        }
        pthread_mutex_unlock(&R.mu);
    }
    return NULL;
}

bool rates_refresh_start(const struct config *cfg)
{
    if (!cfg->rates_refresh_s)
        return true;
    R.cfg = cfg;
    atomic_store(&R.stop, false);
    R.running = pthread_create(&R.thread, NULL, loop, NULL) == 0;
    return R.running;
}

bool rates_refresh_stop(void)
{
    if (!R.running)
        return true;
    pthread_mutex_lock(&R.mu);
    atomic_store(&R.stop, true);
    pthread_cond_broadcast(&R.wake);
    pthread_mutex_unlock(&R.mu);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)RATES_STOP_WAIT_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    if (pthread_timedjoin_np(R.thread, NULL, &until) != 0) {
        log_info("the rates refresh is still downloading; stopping without it");
        return false;
    }
    R.running = false;
    return true;
}
