/* auth — API tokens: creation, listing, revocation, and checking a bearer
 * token on a request.
 *
 * A token is "pld_" followed by 43 base64url characters (32 bytes from the
 * OS CSPRNG through libsodium). It is shown once, when created; the database
 * keeps only its SHA-256 hash and its first 8 characters after the prefix
 * (key_id) to find the row. Checking compares hashes with sodium_memcmp, in
 * constant time.
 */
#ifndef PLEDGED_AUTH_H
#define PLEDGED_AUTH_H

#include "store.h"

#include <stdbool.h>
#include <stdio.h>

#define TOKEN_LEN 47
#define TOKEN_NAME_MAX 64

/* Creates a token called `name` ([A-Za-z0-9._-], 1-64 characters) and
 * writes it to out. False with a message when the name is bad or taken. */
bool token_add(struct db *db, const char *name, bool read_only, char out[TOKEN_LEN + 1],
               char *err, size_t errlen);
bool token_revoke(struct db *db, const char *name, char *err, size_t errlen);
bool token_list(struct db *db, FILE *out);

enum auth_result { AUTH_OK, AUTH_READ_ONLY, AUTH_MISSING, AUTH_INVALID, AUTH_ERROR };

/* Checks an Authorization header value ("Bearer pld_..."; NULL when the
 * header is absent) against the tokens in db: AUTH_OK for a read-write
 * token, AUTH_READ_ONLY for a read-only one; then name (when not NULL)
 * gets the token's name, which writes are recorded by. */
enum auth_result auth_check(struct db *db, const char *authorization,
                            char name[STORE_TOKEN_NAME_MAX + 1]);

/* The key_id (the 8 characters after "pld_") of the bearer token in an
 * Authorization value, which names the token's row. Only meaningful once
 * auth_check accepted the value. False when there is no such token shape. */
#define AUTH_KEY_ID_TEXT 9
bool auth_key_id(const char *authorization, char out[AUTH_KEY_ID_TEXT]);

#endif
