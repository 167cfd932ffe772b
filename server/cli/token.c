/* token — `pledged token add NAME [--read-only] | list | revoke NAME`. */
#include "cli.h"

#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int cmd_token(const struct config *cfg, int argc, char **argv, bool read_only)
{
    const char *verb = argc > 0 ? argv[0] : NULL;
    if (!verb)
        return usage_error("token needs add, list or revoke");
    bool needs_name = strcmp(verb, "add") == 0 || strcmp(verb, "revoke") == 0;
    if (!needs_name && strcmp(verb, "list") != 0)
        return usage_error("unknown token command '%s'", verb);
    if (needs_name ? argc != 2 : argc != 1)
        return usage_error("token %s takes exactly one NAME", verb);
    struct db *db = open_migrated(cfg->db_path);
    if (!db)
        return 1;
    char err[256], token[TOKEN_LEN + 1];
    int rc = 0;
    if (strcmp(verb, "add") == 0) {
        if (token_add(db, argv[1], read_only, token, err, sizeof err)) {
            printf("Created %s token '%s'. It is shown only now; keep it secret.\n%s\n",
                   read_only ? "read-only" : "read-write", argv[1], token);
            sodium_memzero(token, sizeof token);
        } else {
            fprintf(stderr, "pledged: %s\n", err);
            rc = 1;
        }
    } else if (strcmp(verb, "revoke") == 0) {
        if (token_revoke(db, argv[1], err, sizeof err)) {
            printf("Revoked token '%s'.\n", argv[1]);
        } else {
            fprintf(stderr, "pledged: %s\n", err);
            rc = 1;
        }
    } else if (!token_list(db, stdout)) {
        fprintf(stderr, "pledged: cannot list tokens\n");
        rc = 1;
    }
    store_close(db);
    return rc;
}
