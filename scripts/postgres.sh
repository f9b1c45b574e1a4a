#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server on 127.0.0.1 for the tests.
# Usage: scripts/postgres.sh start|stop|url      (data in .cache/postgres, port $PGPORT or 55432)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PGPORT:-55432}"
DIR="$(pwd)/.cache/postgres"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/moneytrail_test"

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    if [ -z "$PGBIN" ]; then
      echo "postgres.sh: no PostgreSQL server found; installing it with apt" >&2
      apt-get install -y -q postgresql >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
      PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$PGBIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
        -o "-h 127.0.0.1 -p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "select 1 from pg_database where datname='moneytrail_test'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "create database moneytrail_test"
    echo "$URL"
    ;;
  stop)
    [ -n "$PGBIN" ] && [ -f "$DIR/data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
