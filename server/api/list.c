/* list — one way to answer every list endpoint (see list.h). */
#include "list.h"

#include "csv.h"
#include "page.h"

#include <string.h>

void list_answer(const struct list_spec *spec, const struct request *rq, struct response *rs)
{
    union list_filter f;
    memset(&f, 0, sizeof f);
    if (!spec->parse(rq, rs, &f))
        return;
    int csv = csv_wanted(rq, rs);
    if (csv < 0)
        return;
    struct page pg;
    if (page_parse(rq, rs, spec->sorts, spec->default_sort, &pg)) {
        json_t *data = json_array();
        struct page_end end = {NULL, -1};
        enum store_status st = spec->read(store_reader(), &f, &pg, data, &end);
        page_answer(rq, rs, st, &pg, csv, data, spec->columns, &end, spec->what);
    }
    page_free(&pg);
}
