/* zipread — see zipread.h. The format is APPNOTE.TXT's: an end-of-central-
 * directory record (signature PK\5\6) in the last 64 KiB + 22 bytes, the
 * central directory it points to (PK\1\2 entries with sizes, CRC and the
 * local header's offset), and the local header (PK\3\4) before the data.
 * Every offset and length read from the archive is checked against its
 * size before use. */
#include "zipread.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t u16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool zip_extract(const unsigned char *zip, size_t len, const char *name, size_t max, char **out,
                 size_t *out_len, char *err, size_t errlen)
{
    *out = NULL;
    /* The end record: 22 bytes plus a comment of up to 65535. */
    size_t eocd = SIZE_MAX;
    for (size_t back = 22; back <= len && back <= 22 + 65535; back++)
        if (memcmp(zip + len - back, "PK\x05\x06", 4) == 0) {
            eocd = len - back;
            break;
        }
    if (eocd == SIZE_MAX) {
        snprintf(err, errlen, "not a ZIP archive, or a truncated one (no end record)");
        return false;
    }
    uint32_t entries = u16(zip + eocd + 10), cd_size = u32(zip + eocd + 12),
             cd_off = u32(zip + eocd + 16);
    if (cd_off == 0xFFFFFFFFu || entries == 0xFFFFu) {
        snprintf(err, errlen, "ZIP64 archives are not read");
        return false;
    }
    if ((size_t)cd_off + cd_size > eocd) {
        snprintf(err, errlen, "the ZIP central directory lies outside the archive (truncated?)");
        return false;
    }
    size_t p = cd_off, name_len = strlen(name);
    for (uint32_t i = 0; i < entries; i++) {
        if (p + 46 > eocd || memcmp(zip + p, "PK\x01\x02", 4) != 0) {
            snprintf(err, errlen, "a malformed ZIP central directory");
            return false;
        }
        uint32_t flags = u16(zip + p + 8), method = u16(zip + p + 10), crc = u32(zip + p + 16),
                 csize = u32(zip + p + 20), usize = u32(zip + p + 24), nlen = u16(zip + p + 28),
                 xlen = u16(zip + p + 30), clen = u16(zip + p + 32), local = u32(zip + p + 42);
        if (p + 46 + nlen > eocd) {
            snprintf(err, errlen, "a malformed ZIP central directory");
            return false;
        }
        bool match = nlen == name_len && memcmp(zip + p + 46, name, name_len) == 0;
        p += 46 + (size_t)nlen + xlen + clen;
        if (!match)
            continue;
        if (flags & 1u) {
            snprintf(err, errlen, "%s is encrypted", name);
            return false;
        }
        if (method != 0 && method != 8) {
            snprintf(err, errlen, "%s uses compression method %u (only stored and deflate are read)",
                     name, method);
            return false;
        }
        if (usize > max) {
            snprintf(err, errlen, "%s would be %u bytes, more than the limit of %zu", name, usize, max);
            return false;
        }
        if ((size_t)local + 30 > len || memcmp(zip + local, "PK\x03\x04", 4) != 0) {
            snprintf(err, errlen, "the ZIP member %s has no local header (truncated?)", name);
            return false;
        }
        size_t data = (size_t)local + 30 + u16(zip + local + 26) + u16(zip + local + 28);
        if (data + csize > len) {
            snprintf(err, errlen, "the ZIP member %s is cut short (truncated archive?)", name);
            return false;
        }
        char *buf = malloc((size_t)usize + 1);
        if (!buf) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        size_t got = 0;
        if (method == 0) {
            if (csize != usize) {
                free(buf);
                snprintf(err, errlen, "the stored member %s has two sizes", name);
                return false;
            }
            memcpy(buf, zip + data, usize);
            got = usize;
        } else {
            z_stream z;
            memset(&z, 0, sizeof z);
            if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
                free(buf);
                snprintf(err, errlen, "zlib failed to start");
                return false;
            }
            z.next_in = (Bytef *)(zip + data);
            z.avail_in = csize;
            z.next_out = (Bytef *)buf;
            z.avail_out = usize + 1; /* one more: a member larger than it says is caught */
            int rc = inflate(&z, Z_FINISH);
            got = z.total_out;
            inflateEnd(&z);
            if (rc != Z_STREAM_END) {
                free(buf);
                snprintf(err, errlen, "%s does not inflate (%s)", name,
                         rc == Z_BUF_ERROR ? "larger than its directory entry, or cut short"
                                           : "corrupt data");
                return false;
            }
        }
        if (got != usize || crc32(0L, (const Bytef *)buf, (uInt)got) != crc) {
            free(buf);
            snprintf(err, errlen, "%s does not match its size or CRC-32 (corrupt archive)", name);
            return false;
        }
        buf[got] = '\0';
        *out = buf;
        *out_len = got;
        return true;
    }
    snprintf(err, errlen, "the archive has no %s", name);
    return false;
}
