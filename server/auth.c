/* auth — token storage and checks (see auth.h). */
#include "auth.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#define KEY_ID_LEN (AUTH_KEY_ID_TEXT - 1)

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
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO tokens (name, key_id, hash, created_at, scope)"
                                      " VALUES (?, ?, ?, ?, ?)");
    if (!st) {
        snprintf(err, errlen, "cannot store the token");
        return false;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
        unsigned char secret[32], hash[crypto_hash_sha256_BYTES];
        randombytes_buf(secret, sizeof secret);
        memcpy(out, "pld_", 4);
        sodium_bin2base64(out + 4, TOKEN_LEN + 1 - 4, secret, sizeof secret,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(secret, sizeof secret);
        crypto_hash_sha256(hash, (const unsigned char *)out, TOKEN_LEN);
        char now[21];
        db_now(now);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, out + 4, KEY_ID_LEN, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, read_only ? "read" : "write", -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        const char *msg = sqlite3_errmsg(db_handle(db));
        bool name_taken = rc == SQLITE_CONSTRAINT_UNIQUE && strstr(msg, "tokens.name");
        db_done(st);
        if (rc == SQLITE_DONE)
            return true;
        if (name_taken) {
            snprintf(err, errlen, "a token named '%s' exists already; revoke it first", name);
            return false;
        }
        if (rc != SQLITE_CONSTRAINT_UNIQUE) {
            snprintf(err, errlen, "cannot store the token: %s", sqlite3_errstr(rc));
            return false;
        }
        /* key_id collision (48 random bits): draw again. */
    }
    snprintf(err, errlen, "cannot store the token");
    return false;
}

bool token_revoke(struct db *db, const char *name, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM tokens WHERE name = ?");
    if (!st) {
        snprintf(err, errlen, "cannot revoke the token");
        return false;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    db_done(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "cannot revoke the token: %s", sqlite3_errstr(rc));
        return false;
    }
    if (sqlite3_changes(db_handle(db)) == 0) {
        snprintf(err, errlen, "no token is named '%s'", name);
        return false;
    }
    return true;
}

bool token_list(struct db *db, FILE *out)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT name, key_id, scope, created_at FROM tokens"
                                      " ORDER BY name");
    if (!st)
        return false;
    fprintf(out, "%-24s %-16s %-6s %s\n", "NAME", "TOKEN", "SCOPE", "CREATED");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fprintf(out, "%-24s pld_%s... %-6s %s\n", (const char *)sqlite3_column_text(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                (const char *)sqlite3_column_text(st, 2),
                (const char *)sqlite3_column_text(st, 3));
    db_done(st);
    return rc == SQLITE_DONE;
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
    if (!p)
        return false;
    memcpy(out, p + 4, KEY_ID_LEN);
    out[KEY_ID_LEN] = '\0';
    return true;
}

enum auth_result auth_check(struct db *db, const char *authorization)
{
    if (!authorization)
        return AUTH_MISSING;
    const char *p = bearer_token(authorization);
    if (!p)
        return AUTH_INVALID;
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)p, TOKEN_LEN);
    sqlite3_stmt *st = db_prepare(db, "SELECT hash, scope FROM tokens WHERE key_id = ?");
    if (!st)
        return AUTH_ERROR;
    sqlite3_bind_text(st, 1, p + 4, KEY_ID_LEN, SQLITE_TRANSIENT);
    enum auth_result r = AUTH_INVALID;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *stored = sqlite3_column_blob(st, 0);
        if (sqlite3_column_bytes(st, 0) == (int)sizeof hash &&
            sodium_memcmp(stored, hash, sizeof hash) == 0)
            r = strcmp((const char *)sqlite3_column_text(st, 1), "read") == 0 ? AUTH_READ_ONLY
                                                                               : AUTH_OK;
    } else if (rc != SQLITE_DONE) {
        r = AUTH_ERROR;
    }
    db_done(st);
    return r;
}
