/* revise — revisions of records the API writes (see revise.h). */
#include "revise.h"

#include "buf.h"
#include "jsonx.h"
#include "render.h"
#include "respond.h"
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records (r, id) at `version` with json unless that version is recorded:
 * 'create' for version 1, 'update' after. */
static enum store_status record(struct db *db, enum store_resource r, int64_t id,
                                const char *slug, int64_t version, const char *json,
                                const char *now)
{
    int64_t last = 0;
    enum store_status st = store_revision_last(db, r, id, slug, &last);
    if (st != STORE_OK || last >= version)
        return st;
    return store_revision_add(db, r, id, slug, version, version == 1 ? "create" : "update", json,
                              now);
}

enum store_status revise_company(struct db *db, const struct store_company *c,
                                 const char *json, const char *now)
{
    return record(db, RES_COMPANY, c->id, c->slug, c->stamp.version, json, now);
}

enum store_status revise_new_company(struct db *db, const char *slug, const char *now)
{
    struct store_company c;
    enum store_status st = store_company_get(db, slug, &c);
    if (st != STORE_OK)
        return st == STORE_NOT_FOUND ? STORE_ERROR : st;
    struct buf b;
    buf_init(&b, RENDER_MAX);
    st = company_write_json(&b, &c) ? revise_company(db, &c, buf_str(&b), now) : STORE_ERROR;
    buf_free(&b);
    store_company_free(&c);
    return st;
}

enum store_status revise_pledge(struct db *db, const struct store_pledge *p, const char *json,
                                const char *now)
{
    /* A pledge written by itself always has a new version: no need to ask
     * which one is recorded (one query less on the hottest write). */
    return store_revision_add(db, RES_PLEDGE, p->id, NULL, p->stamp.version,
                              p->stamp.version == 1 ? "create" : "update", json, now);
}

/* Renders with fn into a fresh buffer and records it: as `action`, or
 * (NULL) create or update when its version is not recorded yet. */
static enum store_status render_and_record(struct db *db, enum store_resource r, int64_t id,
                                           const char *slug, const struct store_stamp *stamp,
                                           bool (*fn)(struct buf *, const void *),
                                           const void *rec, const char *action,
                                           const char *now)
{
    struct buf b;
    buf_init(&b, RENDER_MAX);
    enum store_status st = fn(&b, rec) ? STORE_OK : STORE_ERROR;
    if (st == STORE_OK && action)
        st = store_revision_add(db, r, id, slug, stamp->version, action, buf_str(&b), now);
    else if (st == STORE_OK)
        st = record(db, r, id, slug, stamp->version, buf_str(&b), now);
    buf_free(&b);
    return st;
}

static bool render_announcement_alone(struct buf *b, const void *a)
{
    return announcement_write_json(b, a, false);
}

/* The announcement's revision as `action` (a baseline: its pledges have
 * their own pass), or as created (it and every pledge new) or changed
 * (action NULL: each recorded when its version is not yet). */
static enum store_status announcement_and_pledges(struct db *db, int64_t id, const char *action,
                                                  bool created, const char *now_or_null)
{
    struct store_announcement a;
    enum store_status st = store_announcement_get(db, id, true, &a);
    if (st != STORE_OK)
        return st;
    const char *at = now_or_null ? now_or_null : a.updated_at;
    const char *each = created ? "create" : action;
    st = render_and_record(db, RES_ANNOUNCEMENT, a.id, NULL, &a.stamp, render_announcement_alone,
                           &a, each, at);
    for (size_t i = 0; st == STORE_OK && i < a.n_pledges && (!action || created); i++)
        st = render_and_record(db, RES_PLEDGE, a.pledges[i].id, NULL, &a.pledges[i].stamp,
                               render_pledge, &a.pledges[i], each, at);
    store_announcement_free(&a);
    return st;
}

enum store_status revise_announcement(struct db *db, int64_t id, bool created, const char *now)
{
    return announcement_and_pledges(db, id, NULL, created, now);
}

bool revise_respond_gone(struct db *db, struct response *rs, enum store_resource r, int64_t id,
                         const char *path)
{
    struct store_revision rev;
    if (!db || store_revision_get(db, r, id, 0, &rev) != STORE_OK)
        return false;
    bool gone = strcmp(rev.action, "delete") == 0;
    if (gone) {
        char history[200];
        snprintf(history, sizeof history, "%s/history", path);
        json_t *facts = json_pack("{s:s, s:o, s:I, s:s}", "deleted_at", rev.at, "deleted_by",
                                  rev.by[0] ? json_string(rev.by) : json_null(), "version",
                                  (json_int_t)rev.version, "history", history);
        respond_problem_with(rs, 410, "gone", "Gone", facts,
                             "%s was deleted at %s%s%s; its history is at %s", path, rev.at,
                             rev.by[0] ? " by " : "", rev.by, history);
    }
    store_revision_free(&rev);
    return gone;
}

bool revise_respond_gone_id(struct db *db, struct response *rs, enum store_resource r,
                            const char *collection, const char *id_text)
{
    int64_t id;
    char path[64];
    if (!db || !id_param(id_text, &id))
        return false;
    snprintf(path, sizeof path, "/v1/%s/%lld", collection, (long long)id);
    return revise_respond_gone(db, rs, r, id, path);
}

/* ---- the baseline of records written before history began ---- */

struct baseline {
    struct db *db;
    enum store_resource r;
    long long done;
};

static bool baseline_one(void *ctx, int64_t id)
{
    struct baseline *b = ctx;
    enum store_status st;
    if (b->r == RES_ANNOUNCEMENT) {
        st = announcement_and_pledges(b->db, id, "baseline", false, NULL);
    } else if (b->r == RES_PLEDGE) {
        struct store_pledge p;
        st = store_pledge_get(b->db, id, &p);
        if (st == STORE_OK) {
            st = render_and_record(b->db, RES_PLEDGE, id, NULL, &p.stamp, render_pledge, &p,
                                   "baseline", p.updated_at);
            store_pledge_free(&p);
        }
    } else {
        struct store_company c;
        st = store_company_get_id(b->db, id, &c);
        if (st == STORE_OK) {
            st = render_and_record(b->db, RES_COMPANY, id, c.slug, &c.stamp, render_company, &c,
                                   "baseline", c.updated_at);
            store_company_free(&c);
        }
    }
    b->done++;
    return st == STORE_OK;
}

bool revise_baseline(struct db *db, char *err, size_t errlen)
{
    for (int r = 0; r < RES_RECORDS; r++) {
        struct baseline b = {db, (enum store_resource)r, 0};
        if (store_unrecorded_ids(db, b.r, baseline_one, &b) != STORE_OK) {
            snprintf(err, errlen, "recording the %s records as they stand failed",
                     store_resource_name(b.r));
            return false;
        }
    }
    return true;
}
