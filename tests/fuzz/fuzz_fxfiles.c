/* libFuzzer target for the publishers' rate files: the first byte picks
 * the Fed H.10 reader, the ECB reader, or the zip reader followed by the
 * ECB reader (as `rates update` reads eurofxref-hist.zip). Any input must
 * be read or refused without a crash, a leak or undefined behaviour, and
 * every rate a reader accepts must format and parse back to itself (what
 * is stored can be read again). */
#include "fxfiles.h"
#include "zipread.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool check_row(void *ctx, const struct fx_row *row)
{
    (void)ctx;
    char text[MONEY_TEXT], why[128];
    struct rate back;
    rate_format(&row->per_usd, text);
    if (!rate_parse(text, &back, why, sizeof why) || back.coef != row->per_usd.coef ||
        back.scale != row->per_usd.scale)
        abort(); /* a stored rate that would not read back */
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    char err[300];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] % 3) {
    case 0:
        fed_h10_read(text, len, NULL, check_row, NULL, err, sizeof err);
        fed_h10_read(text, len, "2024-01-01", check_row, NULL, err, sizeof err);
        break;
    case 1:
        ecb_hist_read(text, len, NULL, check_row, NULL, err, sizeof err);
        break;
    default: {
        char *csv = NULL;
        size_t csv_len = 0;
        if (zip_extract(data + 1, len, "eurofxref-hist.csv", 1 << 22, &csv, &csv_len, err, sizeof err))
            ecb_hist_read(csv, csv_len, NULL, check_row, NULL, err, sizeof err);
        free(csv);
        break;
    }
    }
    return 0;
}
