/* log — one JSON object per line on stderr; lines from different threads
 * never interleave.
 *
 * Access lines (log_access) are gathered and written in batches, one
 * write(2) per 64 KiB or per 100 ms, by a thread of their own while
 * log_batch runs: a crash (kill -9) can lose the access lines of the last
 * tenth of a second, never an error line, which is written at once after
 * the access lines before it.
 *
 * Ownership: messages are borrowed for the call and copied into the line.
 */
#ifndef PLEDGED_LOG_H
#define PLEDGED_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* {"level":"error","request_id":...,"msg":...}; request_id may be NULL. */
void log_error(const char *request_id, const char *msg);
/* {"level":"info","msg":...} */
void log_info(const char *msg);
/* Writes an already formatted line (a newline is added). */
void log_line(const char *line, size_t len);

/* An access line (a newline is added): batched while log_batch runs,
 * written at once otherwise. */
void log_access(const char *line, size_t len);
/* Starts and stops (flushing) the batching thread. */
bool log_batch_start(void);
void log_batch_stop(void);

#endif
