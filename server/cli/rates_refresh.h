/* rates_refresh — `pledged serve --rates-refresh 12h`: a background thread
 * that runs the same update as `pledged rates update` at start and then
 * every interval, give or take a tenth (jitter, so replicas started
 * together do not fetch together). A failure is logged and counted
 * (rates_feeds, /metrics) and the next interval tries again; serving never
 * waits for it (the writer is held only while a file already read is
 * stored), and /readyz does not depend on it. Writes reach every reader
 * at once: the answer cache follows SQLite's data_version.
 *
 * Ownership: the thread borrows the configuration, which outlives it
 * (g_app); rates_refresh_stop joins it.
 */
#ifndef PLEDGED_RATES_REFRESH_H
#define PLEDGED_RATES_REFRESH_H

#include "app.h"

#include <stdbool.h>

/* Starts the thread when cfg->rates_refresh_s > 0. False when it cannot. */
bool rates_refresh_start(const struct config *cfg);
/* Stops it, cutting a download short. True once the thread has ended;
 * false when it is still inside a download after RATES_STOP_WAIT_MS (a
 * name look-up libcurl cannot interrupt): the caller must then leave the
 * database open, and the process ends without it (nothing of the update
 * was written: the database is touched only after a download completes). */
#define RATES_STOP_WAIT_MS 1500
bool rates_refresh_stop(void);

#endif
