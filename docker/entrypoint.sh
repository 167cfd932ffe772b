#!/bin/sh
# Container entry point. For `serve` (the default command) it first makes
# sure the data folder is usable, creates a read-write API token in
# admin.token beside the database when there is none (readable only by the
# service user), and loads the sample data when PLEDGED_SEED=1. Then it
# becomes pledged itself (exec), so SIGTERM reaches the daemon.
# Any other command (--version, export, token list, ...) runs as it is and
# creates nothing. With PLEDGED_DB naming PostgreSQL (compose.postgres.yaml)
# there is no data folder and no token file: several replicas share the
# database, so tokens are made once, by hand (README, "More than one
# machine").
set -eu
if [ "${1:-serve}" != serve ]; then
    exec pledged "$@"
fi
db=${PLEDGED_DB:-/data/pledged.db}
case "$db" in
    postgres://* | postgresql://* | [a-z]*=*)
        if [ "${PLEDGED_SEED:-0}" = 1 ]; then
            pledged seed --db "$db" >&2
        fi
        exec pledged "$@" ;;
esac
dir=$(dirname "$db")
if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
    echo "pledged: $dir is not writable by user $(id -u). A named volume works as it is; a host" \
         "folder mounted there must belong to uid 10001: run 'chown 10001:10001 HOSTDIR' on the" \
         "host (see README, Docker)." >&2
    exit 1
fi
token_file=$dir/admin.token
if [ ! -s "$token_file" ]; then
    umask 077
    # A token named admin may be left from a start whose token file was
    # lost: its secret is gone with the file, so it is replaced.
    pledged token revoke admin --db "$db" >/dev/null 2>&1 || true
    if ! out=$(pledged token add admin --db "$db"); then
        echo "pledged: could not create the API token in $token_file; nothing was started" >&2
        exit 1
    fi
    token=$(printf '%s\n' "$out" | tail -n 1)
    case "$token" in
        pld_*) ;;
        *) echo "pledged: 'pledged token add' printed no token; nothing was started" >&2; exit 1 ;;
    esac
    printf '%s\n' "$token" >"$token_file.tmp"
    mv "$token_file.tmp" "$token_file"
    echo "pledged: created an API token in $token_file (read it with: docker compose exec pledged cat $token_file)" >&2
fi
if [ "${PLEDGED_SEED:-0}" = 1 ]; then
    pledged seed --db "$db" >&2
fi
exec pledged "$@"
