/* mention — the list the recognisers fill (see mention.h). */
#include "mention.h"

#include <stdlib.h>

bool mentions_add(struct mentions *list, const struct mention *m)
{
    if (list->n >= MENTIONS_MAX) {
        list->full = true;
        return false;
    }
    if (list->n == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        struct mention *v = realloc(list->v, cap * sizeof *v);
        if (!v)
            return false;
        list->v = v;
        list->cap = cap;
    }
    list->v[list->n++] = *m;
    return true;
}

void mentions_free(struct mentions *list)
{
    free(list->v);
    list->v = NULL;
    list->n = list->cap = 0;
    list->full = false;
}

const char *qualifier_name(enum qualifier q)
{
    switch (q) {
    case QUAL_ABOUT:
        return "about";
    case QUAL_AT_LEAST:
        return "at_least";
    case QUAL_UP_TO:
        return "up_to";
    case QUAL_NONE:
        break;
    }
    return NULL;
}

const char *mention_type_name(enum mention_type t)
{
    switch (t) {
    case MENTION_MONEY:
        return "money";
    case MENTION_PEOPLE:
        return "people";
    case MENTION_DURATION:
        return "duration";
    case MENTION_FISCAL_YEAR:
        return "fiscal_year";
    case MENTION_DATE:
        return "date";
    case MENTION_COUNTRY:
        return "country";
    case MENTION_COMPANY:
        return "company";
    }
    return "unknown";
}

const char *precision_name(enum date_precision p)
{
    return p == PRECISION_MONTH ? "month" : p == PRECISION_YEAR ? "year" : "day";
}
