/* render — the API's JSON representations of stored records (store.h
 * structs in, jansson trees out), and the reverse step a merge-patch needs:
 * a representation turned back into the input shape POST takes.
 *
 * Every function returns a new reference, or NULL when out of memory.
 * Field order is the API's (API.md), and ETags are computed over it.
 */
#ifndef PLEDGED_RENDER_H
#define PLEDGED_RENDER_H

#include "buf.h"
#include "store.h"

#include <jansson.h>

/* USD minor units as a money object {"currency": "USD", "value": "..."}. */
json_t *usd_json(__int128 cents);

json_t *pledge_json(const struct store_pledge *p);
json_t *company_json(const struct store_company *c);
/* With its pledges when a->pledges is set (a read with_pledges). */
json_t *announcement_json(const struct store_announcement *a, bool with_pledges);

/* The same representations written straight into b, byte for byte as
 * jsonx_dump would write the trees above (jsonw.h): no tree is built, for
 * the hot single-record answers. False when b is full or a text is not
 * UTF-8 (the tree would not hold it either). */
#define RENDER_MAX (64 << 20) /* the largest answer written so */

/* Writes one record's JSON into b (the functions below, wrapped). */
typedef bool render_fn(struct buf *b, const void *record);
bool render_pledge(struct buf *b, const void *record);
bool render_company(struct buf *b, const void *record);
bool render_announcement(struct buf *b, const void *record); /* with its pledges */

bool pledge_write_json(struct buf *b, const struct store_pledge *p);
bool company_write_json(struct buf *b, const struct store_company *c);
bool announcement_write_json(struct buf *b, const struct store_announcement *a,
                             bool with_pledges);

/* A representation turned back into the input shape: computed and
 * read-only fields dropped, absent values left out. `rendered` is
 * borrowed. */
json_t *announcement_as_input(const json_t *rendered);
json_t *pledge_as_input(const json_t *rendered);

#endif
