/* log — one JSON object per line on stderr, written with a single write(2)
 * so that lines from different threads never interleave.
 *
 * Ownership: messages are borrowed for the call and copied into the line.
 */
#ifndef PLEDGED_LOG_H
#define PLEDGED_LOG_H

#include <stddef.h>

/* {"level":"error","request_id":...,"msg":...}; request_id may be NULL. */
void log_error(const char *request_id, const char *msg);
/* {"level":"info","msg":...} */
void log_info(const char *msg);
/* Writes an already formatted line (a newline is added). */
void log_line(const char *line, size_t len);

#endif
