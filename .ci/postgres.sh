#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages if needed and starts a throw-away cluster on
# loopback, owned by the unprivileged `postgres` user. Prints the URL tests should use
# (GOVSEC_TEST_DATABASE_URL) on stdout; everything else goes to stderr. The cluster lives in
# ${TMPDIR:-/tmp}/govsec-pg-PORT; `bash .ci/postgres.sh stop` (same GOVSEC_CI_PG_PORT) removes it.
set -euo pipefail

port="${GOVSEC_CI_PG_PORT:-54329}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
fi
bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
run_as_postgres() { runuser -u postgres -- "$@"; }

if [ "${1:-}" = stop ]; then
    cluster="${TMPDIR:-/tmp}/govsec-pg-$port"
    run_as_postgres "$bin/pg_ctl" -D "$cluster/data" -m fast stop >&2 || true
    rm -rf "$cluster"
    exit 0
fi

cluster="${TMPDIR:-/tmp}/govsec-pg-$port"
rm -rf "$cluster"
mkdir -p "$cluster"
chown postgres:postgres "$cluster"
run_as_postgres "$bin/initdb" -D "$cluster/data" -U postgres -A trust --no-sync -E UTF8 >&2
run_as_postgres "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >&2
run_as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE ROLE govsec LOGIN CREATEDB PASSWORD 'govsec'" >&2
run_as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE govsec OWNER govsec" >&2
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $cluster" >&2
echo "postgres://govsec:govsec@127.0.0.1:$port/govsec"
