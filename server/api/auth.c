/* auth — tokens: creating, revoking and listing them, and checking a
 * bearer token on a request (see auth.h). Storage is the store's
 * (store/sqlite/tokens.c); this file holds the rules: the token's shape,
 * its secret from the CSPRNG, the hash kept, the constant-time check. */
#include "auth.h"

#include "store.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#define KEY_ID_LEN (AUTH_KEY_ID_TEXT - 1)
_Static_assert(KEY_ID_LEN == STORE_TOKEN_KEY_ID, "key_id lengths agree");
_Static_assert(crypto_hash_sha256_BYTES == STORE_TOKEN_HASH, "hash lengths agree");

/* The key_id of a token ("pld_" and its key_id at least). */
static void key_id_of(const char *token, char out[AUTH_KEY_ID_TEXT])
{
    memcpy(out, token + 4, KEY_ID_LEN);
    out[KEY_ID_LEN] = '\0';
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TOKEN_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool token_add(struct db *db, const char *name, bool read_only, char out[TOKEN_LEN + 1],
               char *err, size_t errlen)
{
    if (!name_ok(name)) {
        snprintf(err, errlen, "a token name is 1 to %d of A-Z a-z 0-9 . _ -", TOKEN_NAME_MAX);
        return false;
    }
    struct store_token t = {.read_only = read_only};
    snprintf(t.name, sizeof t.name, "%s", name);
    for (int attempt = 0; attempt < 5; attempt++) {
        unsigned char secret[32];
        randombytes_buf(secret, sizeof secret);
        memcpy(out, "pld_", 4);
        sodium_bin2base64(out + 4, TOKEN_LEN + 1 - 4, secret, sizeof secret,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(secret, sizeof secret);
        crypto_hash_sha256(t.hash, (const unsigned char *)out, TOKEN_LEN);
        key_id_of(out, t.key_id);
        store_now(t.created_at);
        bool name_taken = false;
        enum store_status s = store_token_insert(db, &t, &name_taken);
        if (s == STORE_OK)
            return true;
        if (s == STORE_CONFLICT && name_taken) {
            snprintf(err, errlen, "a token named '%s' exists already; revoke it first", name);
            return false;
        }
        if (s != STORE_CONFLICT) {
            snprintf(err, errlen, "cannot store the token%s",
                     s == STORE_BUSY ? ": the database is busy" : "");
            return false;
        }
        /* key_id collision (48 random bits): draw again. */
    }
    snprintf(err, errlen, "cannot store the token");
    return false;
}

bool token_revoke(struct db *db, const char *name, char *err, size_t errlen)
{
    enum store_status s = store_token_delete(db, name);
    if (s == STORE_NOT_FOUND) {
        snprintf(err, errlen, "no token is named '%s'", name);
        return false;
    }
    if (s != STORE_OK) {
        snprintf(err, errlen, "cannot revoke the token%s",
                 s == STORE_BUSY ? ": the database is busy" : "");
        return false;
    }
    return true;
}

static bool print_token(void *ctx, const struct store_token *t)
{
    fprintf(ctx, "%-24s pld_%s... %-6s %s\n", t->name, t->key_id, t->read_only ? "read" : "write",
            t->created_at);
    return true;
}

bool token_list(struct db *db, FILE *out)
{
    fprintf(out, "%-24s %-16s %-6s %s\n", "NAME", "TOKEN", "SCOPE", "CREATED");
    return store_token_each(db, print_token, out) == STORE_OK;
}

/* The token in an Authorization value ("Bearer pld_..."), or NULL when the
 * value does not have that shape. Points into `authorization`. */
static const char *bearer_token(const char *authorization)
{
    const char *p = authorization;
    while (*p == ' ')
        p++;
    if (strncasecmp(p, "Bearer ", 7) != 0)
        return NULL;
    p += 7;
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == ' ')
        n--;
    if (n != TOKEN_LEN || memcmp(p, "pld_", 4) != 0)
        return NULL;
    return p;
}

bool auth_key_id(const char *authorization, char out[AUTH_KEY_ID_TEXT])
{
    const char *p = authorization ? bearer_token(authorization) : NULL;
    if (p)
        key_id_of(p, out);
    return p != NULL;
}

enum auth_result auth_check(struct db *db, const char *authorization,
                            char name[STORE_TOKEN_NAME_MAX + 1])
{
    if (!authorization)
        return AUTH_MISSING;
    const char *p = bearer_token(authorization);
    if (!p)
        return AUTH_INVALID;
    char key_id[AUTH_KEY_ID_TEXT];
    key_id_of(p, key_id);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)p, TOKEN_LEN);
    struct store_token t;
    enum store_status s = store_token_by_key_id(db, key_id, &t);
    if (s == STORE_NOT_FOUND)
        return AUTH_INVALID;
    if (s != STORE_OK)
        return AUTH_ERROR;
    if (sodium_memcmp(t.hash, hash, sizeof hash) != 0)
        return AUTH_INVALID;
    if (name)
        memcpy(name, t.name, sizeof t.name);
    return t.read_only ? AUTH_READ_ONLY : AUTH_OK;
}
