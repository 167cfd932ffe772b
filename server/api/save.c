/* save — validating and writing a whole announcement (see save.h). */
#include "save.h"

#include "jsonx.h"

#include <stdio.h>

/* Every company slug of a must name a company: one error per unknown one. */
static enum store_status companies_exist(struct db *db, const struct announcement_input *a,
                                         json_t *errors)
{
    int64_t ids[ANN_COMPANIES_MAX];
    enum store_status st = store_company_ids(db, a->companies, a->n_companies, ids);
    for (size_t i = 0; st == STORE_OK && i < a->n_companies; i++) {
        if (ids[i])
            continue;
        char field[48];
        snprintf(field, sizeof field, "companies[%zu]", i);
        jsonx_error_add(errors, field, "no company has the slug '%s'; create it first",
                        a->companies[i]);
    }
    return st;
}

/* No source URL of a may belong to an announcement other than `self`. */
static enum store_status sources_free(struct db *db, const struct announcement_input *a,
                                      int64_t self, json_t **conflict)
{
    for (size_t i = 0; i < a->n_sources; i++) {
        int64_t owner = 0;
        enum store_status st = store_source_owner(db, a->sources[i].url, self, &owner);
        if (st == STORE_NOT_FOUND)
            continue;
        if (st != STORE_OK)
            return st;
        char field[48], msg[2300];
        snprintf(field, sizeof field, "sources[%zu].url", i);
        snprintf(msg, sizeof msg,
                 "%s is already a source of announcement %lld (/v1/announcements/%lld)",
                 a->sources[i].url, (long long)owner, (long long)owner);
        *conflict = json_pack("{s:s, s:s, s:I}", "field", field, "message", msg,
                              "announcement_id", (json_int_t)owner);
        return STORE_ABORTED;
    }
    return STORE_OK;
}

/* Checks and writes a parsed announcement (see announcement_save). */
static enum store_status write_checked(struct db *db, struct announcement_input *a,
                                       bool replace_pledges, const char *now, int64_t *id,
                                       json_t *errors, json_t **conflict)
{
    enum store_status st = companies_exist(db, a, errors);
    if (st == STORE_OK && json_array_size(errors))
        st = STORE_ABORTED;
    if (st == STORE_OK)
        st = sources_free(db, a, *id, conflict);
    if (st == STORE_OK)
        st = store_announcement_write(db, a, replace_pledges, now, id);
    return st;
}

enum store_status announcement_save(struct db *db, const json_t *doc, bool replace_pledges,
                                    const char *now, int64_t *id, json_t *errors,
                                    json_t **conflict)
{
    struct announcement_input a;
    *conflict = NULL;
    announcement_input_parse(doc, &a, errors);
    enum store_status st = write_checked(db, &a, replace_pledges, now, id, errors, conflict);
    announcement_input_free(&a);
    return st;
}

enum store_status announcement_restore(struct db *db, const json_t *doc, int64_t id,
                                       const int64_t *pledge_ids, size_t n, const char *now,
                                       json_t *errors, json_t **conflict)
{
    struct announcement_input a;
    *conflict = NULL;
    announcement_input_parse(doc, &a, errors);
    if (!json_array_size(errors) && n != a.n_pledges)
        jsonx_error_add(errors, "restore.pledges", "names %zu pledges for %zu", n, a.n_pledges);
    a.id = id;
    for (size_t i = 0; i < a.n_pledges && i < n; i++)
        a.pledges[i].id = pledge_ids[i];
    int64_t written = 0;
    enum store_status st = write_checked(db, &a, true, now, &written, errors, conflict);
    if (st == STORE_OK && written != id)
        st = STORE_ERROR;
    announcement_input_free(&a);
    return st;
}
