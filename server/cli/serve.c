/* serve — `pledged serve` (the daemon: listen, migrate, start the pool,
 * the HTTP server and the rates refresh; stop gracefully on SIGTERM) and
 * `pledged healthcheck` (the Docker HEALTHCHECK's probe of /readyz). */
#include "cli.h"

#include "cache.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "rates_refresh.h"

#include <malloc.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Asks GET /readyz of the server on cfg's address and port; 0 on 200. The
 * Docker HEALTHCHECK runs this (the image has no curl). */
int cmd_healthcheck(const struct config *cfg)
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

int cmd_serve(struct config *cfg)
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
    /* One malloc arena a CPU, before any thread starts (glibc's default
     * is eight a CPU): each worker thread would otherwise keep what its
     * largest query freed in an arena of its own, and the peak memory
     * would grow with the thread count (98 MiB instead of 44 at a million
     * pledges after totals with a common word on every thread). */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, cpus < 2 ? 2 : (int)cpus);
    struct db *db = open_migrated(cfg->db_path);
    if (!db) {
        close(listen_fd);
        return 1;
    }
    store_close(db);
    /* Block the stop signals in every thread (the writer's and the HTTP
     * server's inherit the mask, so start them after); main waits below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    store_search_totals_set(cfg->search_totals_at);
    store_search_totals_step_set(cfg->search_totals_step);
    if (!store_pool_start(cfg->db_path, err, sizeof err)) {
        fprintf(stderr, "pledged: %s\n", err);
        store_pool_stop();
        close(listen_fd);
        return 1;
    }

    log_batch_start(); /* without it, access lines are written one by one */
    struct http_server *server = http_start(cfg, listen_fd, err, sizeof err);
    if (!server) {
        fprintf(stderr, "pledged: %s\n", err);
        log_batch_stop();
        store_pool_stop();
        close(listen_fd);
        return 1;
    }
    if (!rates_refresh_start(cfg)) {
        fprintf(stderr, "pledged: cannot start the rates refresh\n");
        http_stop(server);
        log_batch_stop();
        store_pool_stop();
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
    log_batch_stop(); /* the last access lines go out */
    if (rates_refresh_stop()) {
        cache_free_all();
        store_pool_stop();
    }
    log_info("stopped");
    return 0;
}
