/* zipread — one named file out of a ZIP archive in memory (the ECB ships
 * its full history as eurofxref-hist.zip). Reads the central directory at
 * the end of the archive, finds the member, and inflates it with zlib
 * (stored and deflated members). Refuses a truncated or malformed archive,
 * a missing member, encryption, ZIP64, and a member that inflates to more
 * than `max` bytes or to a size or CRC-32 other than the directory says.
 * Pure: no I/O. */
#ifndef PLEDGED_ZIPREAD_H
#define PLEDGED_ZIPREAD_H

#include <stdbool.h>
#include <stddef.h>

/* On success *out is a new malloc'd buffer (NUL-terminated, the caller
 * frees it) of *out_len bytes; on failure false with a reason in err. */
bool zip_extract(const unsigned char *zip, size_t len, const char *name, size_t max, char **out,
                 size_t *out_len, char *err, size_t errlen);

#endif
