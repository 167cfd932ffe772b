/* libFuzzer target for the money parsers: any bytes, read as an amount for
 * a currency chosen by the first byte and as a rate, must either be refused
 * or round-trip exactly through the formatter; converting a parsed amount
 * into its own currency at any parsed rate must be the identity. A
 * violation aborts, which libFuzzer reports with the input. */
#include "money.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 256)
        return 0;
    static const char *const codes[] = {"JPY", "USD", "KWD", "CLF"};
    const struct currency *c = currency_find(codes[data[0] % 4]);
    char text[257];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char why[128], out[MONEY_TEXT];

    uint64_t minor;
    if (money_parse(text, c, &minor, why, sizeof why)) {
        money_format(minor, c->minor_units, out);
        uint64_t again;
        if (!money_parse(out, c, &again, why, sizeof why) || again != minor)
            abort();
        /* What was accepted is digits and at most one '.', nothing else. */
        for (const char *p = text; *p; p++)
            if (!((*p >= '0' && *p <= '9') || *p == '.'))
                abort();
        struct rate r;
        if (rate_parse(text, &r, why, sizeof why)) {
            money_u128 same;
            if (money_convert(minor, c, &r, c, &r, &same) != CONVERT_OK || same != minor)
                abort();
        }
    }
    struct rate r;
    if (rate_parse(text, &r, why, sizeof why)) {
        if (r.coef == 0 || r.coef > 9999999999ULL || r.scale > RATE_MAX_SCALE)
            abort();
        rate_format(&r, out);
        struct rate back;
        if (!rate_parse(out, &back, why, sizeof why) || back.coef != r.coef || back.scale != r.scale)
            abort();
        rate_cross_format(&r, &RATE_ONE, out);
        rate_cross_format(&RATE_ONE, &r, out);
    }
    return 0;
}
