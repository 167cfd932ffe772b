/* restore — history through export and import (see restore.h). */
#include "restore.h"

#include "company_input.h"
#include "jsonx.h"
#include "save.h"

#include <stdlib.h>
#include <string.h>

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* id, version, created/updated at and by. */
static json_t *stamp_json(int64_t id, const struct store_stamp *s, const char *created_at,
                          const char *updated_at)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)id, "version",
                     (json_int_t)s->version, "created_at", created_at, "updated_at",
                     updated_at, "created_by", text_or_null(s->created_by), "updated_by",
                     text_or_null(s->updated_by));
}

json_t *restore_of_company(const struct store_company *c)
{
    return stamp_json(c->id, &c->stamp, c->created_at, c->updated_at);
}

json_t *restore_of_announcement(const struct store_announcement *a)
{
    json_t *r = stamp_json(a->id, &a->stamp, a->created_at, a->updated_at);
    json_t *pledges = json_array();
    for (size_t i = 0; i < a->n_pledges; i++) {
        const struct store_pledge *p = &a->pledges[i];
        json_array_append_new(pledges, stamp_json(p->id, &p->stamp, p->created_at, p->updated_at));
    }
    json_object_set_new(r, "pledges", pledges);
    return r;
}

/* ---- revisions out ---- */

struct export_page {
    FILE *out;
    int64_t last;
    size_t n;
};

static bool export_revision(void *ctx, const struct store_revision *r)
{
    struct export_page *e = ctx;
    json_t *record = r->record ? json_loads(r->record, 0, NULL) : json_null();
    json_t *line = json_pack("{s:{s:I, s:s, s:I, s:o, s:I, s:s, s:s, s:o, s:o, s:o}}", "revision",
                             "seq", (json_int_t)r->seq, "resource",
                             store_resource_name(r->resource), "id", (json_int_t)r->record_id,
                             "key", text_or_null(r->key), "version", (json_int_t)r->version,
                             "action", r->action, "at", r->at, "by", text_or_null(r->by),
                             "request_id", text_or_null(r->request_id), "record",
                             record ? record : json_null());
    char *text = line ? jsonx_dump(line, NULL) : NULL;
    json_decref(line);
    bool ok = text && fprintf(e->out, "%s\n", text) > 0;
    free(text);
    e->last = r->seq;
    e->n++;
    return ok;
}

bool restore_export_revisions(struct db *db, FILE *out)
{
    struct export_page e = {out, 0, 0};
    for (;;) {
        size_t before = e.n;
        struct store_feed_query q = {.mask = ~0u, .after = e.last, .limit = 1000};
        if (store_revisions_feed(db, &q, export_revision, &e) != STORE_OK)
            return false;
        if (e.n - before < 1000)
            return true;
    }
}

/* ---- lines in ---- */

bool restore_line_has_history(const json_t *obj)
{
    return json_object_get(obj, "restore") || json_object_get(obj, "revision");
}

/* A text member (NULL when null or absent), or false when it is there but
 * not text. */
static bool text_member(const json_t *obj, const char *key, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = json_is_string(v) ? json_string_value(v) : NULL;
    return !v || json_is_null(v) || json_is_string(v);
}

static bool copy_member(const json_t *obj, const char *key, char *out, size_t len, bool required)
{
    const char *s;
    if (!text_member(obj, key, &s) || (required && !s) || (s && strlen(s) >= len))
        return false;
    snprintf(out, len, "%s", s ? s : "");
    return true;
}

/* A record's restore member: its id and stamp. */
static bool read_stamp(const json_t *r, int64_t *id, struct store_restamp *s)
{
    json_t *i = json_object_get(r, "id"), *v = json_object_get(r, "version");
    memset(s, 0, sizeof *s);
    if (!json_is_integer(i) || json_integer_value(i) < 1 || !json_is_integer(v) ||
        json_integer_value(v) < 1)
        return false;
    *id = json_integer_value(i);
    s->stamp.version = json_integer_value(v);
    return copy_member(r, "created_at", s->created_at, sizeof s->created_at, true) &&
           copy_member(r, "updated_at", s->updated_at, sizeof s->updated_at, true) &&
           copy_member(r, "created_by", s->stamp.created_by, sizeof s->stamp.created_by, false) &&
           copy_member(r, "updated_by", s->stamp.updated_by, sizeof s->stamp.updated_by, false);
}

static enum store_status restore_revision(struct db *db, const json_t *v, json_t *errors)
{
    struct store_revision r;
    memset(&r, 0, sizeof r);
    const char *res = json_string_value(json_object_get(v, "resource"));
    bool known = false;
    for (int i = 0; res && i < RES_COUNT; i++)
        if (strcmp(res, store_resource_name((enum store_resource)i)) == 0) {
            r.resource = (enum store_resource)i;
            known = true;
        }
    json_t *seq = json_object_get(v, "seq"), *id = json_object_get(v, "id"),
           *version = json_object_get(v, "version"), *record = json_object_get(v, "record");
    bool ok = known && json_is_integer(seq) && json_is_integer(id) && json_is_integer(version) &&
              copy_member(v, "key", r.key, sizeof r.key, false) &&
              copy_member(v, "action", r.action, sizeof r.action, true) &&
              copy_member(v, "at", r.at, sizeof r.at, true) &&
              copy_member(v, "by", r.by, sizeof r.by, false) &&
              copy_member(v, "request_id", r.request_id, sizeof r.request_id, false) &&
              (json_is_object(record) || json_is_null(record));
    if (!ok) {
        jsonx_error_add(errors, "revision", "is not a revision as export --with-history writes it");
        return STORE_ABORTED;
    }
    r.seq = json_integer_value(seq);
    r.record_id = json_integer_value(id);
    r.version = json_integer_value(version);
    r.record = json_is_object(record) ? jsonx_dump(record, NULL) : NULL;
    enum store_status st = json_is_object(record) && !r.record ? STORE_ERROR
                                                              : store_revision_restore(db, &r);
    if (st == STORE_CONFLICT || st == STORE_ERROR) {
        jsonx_error_add(errors, "revision", "cannot be stored (its seq or version is taken, or "
                                            "it breaks a rule of the history)");
        st = STORE_ABORTED;
    }
    free(r.record);
    return st;
}

static enum store_status restore_company(struct db *db, const json_t *obj, const json_t *r,
                                         const char *now, json_t *errors)
{
    struct company_input in;
    struct store_restamp s;
    int64_t id = 0;
    company_input_parse(json_object_get(obj, "company"), INPUT_CREATE, &in, errors);
    if (!read_stamp(r, &id, &s))
        jsonx_error_add(errors, "restore", "needs id, version, created_at and updated_at");
    in.id = id;
    enum store_status st = json_array_size(errors) ? STORE_ABORTED
                                                   : store_company_insert(db, &in, now);
    if (st == STORE_CONFLICT) {
        jsonx_error_add(errors, "company.slug", "is taken");
        st = STORE_ABORTED;
    }
    if (st == STORE_OK)
        st = store_restamp(db, RES_COMPANY, id, &s);
    company_input_free(&in);
    return st;
}

static enum store_status restore_announcement(struct db *db, const json_t *obj, const json_t *r,
                                              const char *now, json_t *errors, json_t **conflict)
{
    struct store_restamp s;
    int64_t id = 0;
    json_t *pledges = json_object_get(r, "pledges");
    size_t n = json_array_size(pledges);
    int64_t *ids = calloc(n ? n : 1, sizeof *ids);
    struct store_restamp *stamps = calloc(n ? n : 1, sizeof *stamps);
    bool ok = ids && stamps && read_stamp(r, &id, &s) && json_is_array(pledges);
    for (size_t i = 0; ok && i < n; i++)
        ok = read_stamp(json_array_get(pledges, i), &ids[i], &stamps[i]);
    json_t *doc = json_deep_copy(obj);
    json_object_del(doc, "restore");
    enum store_status st = STORE_ABORTED;
    if (!ok)
        jsonx_error_add(errors, "restore", "needs id, version, created_at, updated_at and "
                                           "pledges, each with the same");
    else
        st = announcement_restore(db, doc, id, ids, n, now, errors, conflict);
    if (st == STORE_OK)
        st = store_restamp(db, RES_ANNOUNCEMENT, id, &s);
    for (size_t i = 0; st == STORE_OK && i < n; i++)
        st = store_restamp(db, RES_PLEDGE, ids[i], &stamps[i]);
    json_decref(doc);
    free(ids);
    free(stamps);
    return st;
}

enum store_status restore_line(struct db *db, const json_t *obj, const char *now,
                               json_t *errors, json_t **conflict)
{
    *conflict = NULL;
    json_t *rev = json_object_get(obj, "revision"), *r = json_object_get(obj, "restore");
    if (rev) {
        if (json_object_size(obj) != 1 || !json_is_object(rev)) {
            jsonx_error_add(errors, "revision", "must be an object, alone on its line");
            return STORE_ABORTED;
        }
        return restore_revision(db, rev, errors);
    }
    if (!json_is_object(r)) {
        jsonx_error_add(errors, "restore", "must be an object");
        return STORE_ABORTED;
    }
    if (json_object_get(obj, "company") && json_object_size(obj) == 2)
        return restore_company(db, obj, r, now, errors);
    return restore_announcement(db, obj, r, now, errors, conflict);
}
