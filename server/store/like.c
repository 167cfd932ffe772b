/* like — substring LIKE patterns (see like.h). */
#include "like.h"

#include "buf.h"

char *like_pattern(const char *q)
{
    struct buf b;
    buf_init(&b, 1024);
    buf_putc(&b, '%');
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return buf_detach(&b, NULL);
}
