/* Unit tests for lib/keytab against a reference model: random keys summed
 * into a keytab and into a plain array searched linearly must agree, through
 * every growth; plus the edge cases (the empty key, keys cut at 31 bytes,
 * keys that differ only past the cut). */
#include "keytab.h"
#include "tap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char key[KEYTAB_KEY];
    int64_t sum;
};

#define MODEL_MAX 5000

static struct entry model[MODEL_MAX];
static size_t model_n;

static struct entry *model_find(const char *key)
{
    for (size_t i = 0; i < model_n; i++)
        if (strncmp(model[i].key, key, KEYTAB_KEY - 1) == 0)
            return &model[i];
    snprintf(model[model_n].key, KEYTAB_KEY, "%.*s", KEYTAB_KEY - 1, key);
    model[model_n].sum = 0;
    return &model[model_n++];
}

int main(void)
{
    struct keytab t;
    keytab_init(&t, sizeof(struct entry));
    CHECK(keytab_slot(&t, 0) == NULL && t.n == 0, "a new table is empty");

    struct entry *e = keytab_find(&t, "");
    CHECK(e && e->key[0] == '\0' && e->sum == 0, "the empty key is a key like any other");
    e->sum = 5;
    CHECK(((struct entry *)keytab_find(&t, ""))->sum == 5 && t.n == 1, "and is found again");

    const char *long_a = "abcdefghijklmnopqrstuvwxyz-0123456789-1";
    const char *long_b = "abcdefghijklmnopqrstuvwxyz-0123456789-2";
    e = keytab_find(&t, long_a);
    CHECK(e && strlen(e->key) == KEYTAB_KEY - 1 && strncmp(e->key, long_a, KEYTAB_KEY - 1) == 0,
          "a long key is cut to %d bytes", KEYTAB_KEY - 1);
    CHECK(keytab_find(&t, long_b) == e && t.n == 2, "keys equal up to the cut are one key");
    keytab_free(&t);

    /* The model: 200,000 additions over up to 5,000 keys, in 3 rounds of
     * growing key sets, compared after each. */
    srand(7);
    keytab_init(&t, sizeof(struct entry));
    bool same = true;
    for (int round = 1; round <= 3 && same; round++) {
        int keys = round == 1 ? 10 : round == 2 ? 700 : MODEL_MAX;
        for (int i = 0; i < 200000 / 3; i++) {
            char key[40];
            int k = rand() % keys;
            /* Some keys are long and share their first 23 bytes. */
            if (k % 97 == 0)
                snprintf(key, sizeof key, "a-very-long-company-key-for-tests-%d", k);
            else
                snprintf(key, sizeof key, "%d", k);
            struct entry *got = keytab_find(&t, key);
            if (!got) {
                same = false;
                break;
            }
            int64_t v = rand() % 1000 - 500;
            got->sum += v;
            model_find(key)->sum += v;
        }
        size_t seen = 0;
        for (size_t i = 0; i < t.cap && same; i++) {
            struct entry *s = keytab_slot(&t, i);
            if (!s)
                continue;
            seen++;
            struct entry *m = NULL;
            for (size_t j = 0; j < model_n && !m; j++)
                if (strcmp(model[j].key, s->key) == 0)
                    m = &model[j];
            same = m && m->sum == s->sum;
        }
        same = same && seen == model_n && t.n == model_n && t.n * 2 <= t.cap;
        CHECK(same, "round %d: %zu keys, every sum as the model's", round, model_n);
    }
    keytab_free(&t);
    CHECK(t.cap == 0 && keytab_slot(&t, 0) == NULL, "a freed table is empty");
    return tap_done();
}
