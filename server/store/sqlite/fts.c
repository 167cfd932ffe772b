/* fts — free text as an FTS5 query (see fts.h). */
#include "fts.h"

#include "buf.h"
#include "text.h"

#include <stdbool.h>
#include <string.h>

char *sq_fts_query(const char *q)
{
    struct buf b;
    /* Each byte becomes at most two (a doubled quote), each word gains at
     * most five ("" and " *" and a space): this cap is never reached, and
     * if it were, the query is refused rather than cut into bad syntax. */
    buf_init(&b, strlen(q) * 2 + 64);
    bool ok = true;
    const char *word;
    size_t len;
    bool prefix;
    while (ok && text_next_word(&q, &word, &len, &prefix)) {
        if (b.len)
            ok = buf_putc(&b, ' ');
        ok = ok && buf_putc(&b, '"');
        for (size_t i = 0; i < len && ok; i++) {
            if (word[i] == '"')
                ok = buf_putc(&b, '"');
            ok = ok && buf_putc(&b, word[i]);
        }
        ok = ok && buf_puts(&b, prefix ? "\" *" : "\"");
    }
    if (!ok || !b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}
