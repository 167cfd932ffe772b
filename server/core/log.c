/* log — structured lines on stderr (see log.h). */
#include "log.h"

#include "buf.h"
#include "text.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

void log_line(const char *line, size_t len)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    if (buf_append(&b, line, len) && buf_putc(&b, '\n')) {
        ssize_t unused = write(STDERR_FILENO, b.data, b.len);
        (void)unused;
    }
    buf_free(&b);
}

static void log_msg(const char *level, const char *request_id, const char *msg)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\"", ts, level);
    if (request_id) {
        buf_puts(&b, ",\"request_id\":\"");
        json_escape_append(&b, request_id);
        buf_putc(&b, '"');
    }
    buf_puts(&b, ",\"msg\":\"");
    json_escape_append(&b, msg);
    buf_puts(&b, "\"}");
    log_line(b.data, b.len);
    buf_free(&b);
}

void log_error(const char *request_id, const char *msg)
{
    log_msg("error", request_id, msg);
}

void log_info(const char *msg)
{
    log_msg("info", NULL, msg);
}
