/* keytab — string-keyed entries (see keytab.h). */
#include "keytab.h"

#include <stdlib.h>
#include <string.h>

void keytab_init(struct keytab *t, size_t entry_size)
{
    *t = (struct keytab){.size = entry_size};
}

static size_t key_hash(const char *key)
{
    size_t h = 5381; /* over the bytes kept, so a cut key hashes as it is stored */
    for (const char *p = key; *p && p < key + KEYTAB_KEY - 1; p++)
        h = h * 33 + (unsigned char)*p;
    return h;
}

static char *key_of(const struct keytab *t, size_t i)
{
    return (char *)(t->entries + i * t->size);
}

/* The slot holding key, or the empty one where it belongs. */
static size_t slot_for(const struct keytab *t, const char *key)
{
    size_t j = key_hash(key) & (t->cap - 1);
    while (t->used[j] && strncmp(key_of(t, j), key, KEYTAB_KEY - 1) != 0)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static bool grow(struct keytab *t)
{
    struct keytab g = {.size = t->size, .cap = t->cap ? t->cap * 2 : 8, .n = t->n};
    g.entries = calloc(g.cap, g.size);
    g.used = calloc(g.cap, sizeof *g.used);
    if (!g.entries || !g.used) {
        free(g.entries);
        free(g.used);
        return false;
    }
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->used[i])
            continue;
        size_t j = slot_for(&g, key_of(t, i));
        memcpy(key_of(&g, j), key_of(t, i), t->size);
        g.used[j] = true;
    }
    keytab_free(t);
    *t = g;
    return true;
}

void *keytab_find(struct keytab *t, const char *key)
{
    if ((t->n + 1) * 2 > t->cap && !grow(t))
        return NULL;
    size_t j = slot_for(t, key);
    if (!t->used[j]) {
        t->used[j] = true;
        t->n++;
        char *k = key_of(t, j);
        memset(k, 0, t->size);
        size_t len = strnlen(key, KEYTAB_KEY - 1);
        memcpy(k, key, len);
    }
    return key_of(t, j);
}

void *keytab_slot(const struct keytab *t, size_t i)
{
    return i < t->cap && t->used[i] ? key_of(t, i) : NULL;
}

void keytab_free(struct keytab *t)
{
    free(t->entries);
    free(t->used);
    t->entries = NULL;
    t->used = NULL;
    t->cap = t->n = 0;
}
