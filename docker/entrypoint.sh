#!/bin/sh
# Container entry point: on the first start (an empty /data volume) it
# creates a read-write API token and keeps it in /data/admin.token, readable
# only by the service user, and loads the sample data when PLEDGED_SEED=1.
# Then it becomes pledged itself (exec), so SIGTERM reaches the daemon.
set -eu
db=${PLEDGED_DB:-/data/pledged.db}
token_file=$(dirname "$db")/admin.token
if [ ! -e "$token_file" ]; then
    umask 077
    pledged token add admin --db "$db" | tail -n 1 > "$token_file.tmp"
    mv "$token_file.tmp" "$token_file"
    echo "pledged: created an API token in $token_file (read it with: docker compose exec pledged cat $token_file)" >&2
fi
if [ "${PLEDGED_SEED:-0}" = 1 ]; then
    pledged seed --db "$db" >&2
fi
exec pledged "$@"
