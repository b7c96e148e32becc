#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster (the server
# scripts/pg-bindir.sh chooses: 15, 16 or 17): initdb in a
# temporary directory, loopback only, a free port, TimescaleDB preloaded when
# it is installed. The cluster is stopped and deleted when the command ends.
#
#   scripts/pg-throwaway.sh COMMAND [ARGS...]
#
# The command sees PGHOST, PGPORT, PGUSER (libpq's own variables, so psql and
# libpq/libpqxx programs connect without flags) and HYPERSCHEMA_TIMESCALEDB=1
# when the extension is available.
set -euo pipefail

bin=$("$(dirname "$0")/pg-bindir.sh")

# initdb and postgres refuse to run as root: use Debian's postgres user then.
as_server=()
if [ "$(id -u)" -eq 0 ]; then as_server=(runuser -u postgres --); fi

dir=$(mktemp -d /tmp/hyperschema-pg-XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
stop() {
  "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
       || echo $((20000 + RANDOM % 20000)))
"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
timescaledb=0
if [ -f "$($bin/pg_config --sharedir)/extension/timescaledb.control" ]; then timescaledb=1; fi
{
  echo "listen_addresses = '127.0.0.1'"
  echo "port = $port"
  echo "unix_socket_directories = '$dir'"
  echo "fsync = off"
  echo "timezone = 'UTC'"
  if [ $timescaledb -eq 1 ]; then
    echo "shared_preload_libraries = 'timescaledb'"
    echo "timescaledb.telemetry_level = off"
    # No job scheduler: the example refreshes by hand, and its output must not
    # depend on when policies run. (A compression job running while the
    # example refreshed made the refresh materialize nothing; see the README.)
    echo "timescaledb.max_background_workers = 0"
  fi
} >> "$dir/data/postgresql.conf"
"${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 2; }

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres HYPERSCHEMA_TIMESCALEDB=$timescaledb
"$@"
