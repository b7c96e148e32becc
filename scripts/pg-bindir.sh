#!/usr/bin/env bash
# Prints the bin directory of the PostgreSQL server the scripts and tests use:
# $HYPERSCHEMA_PG_BINDIR, else the newest of Debian's /usr/lib/postgresql/
# {17,16,15}/bin that has TimescaleDB installed, else the newest installed.
# (tests/support/pg_cluster.cpp applies the same rule.) Exits 2 when none is.
set -euo pipefail
if [ -n "${HYPERSCHEMA_PG_BINDIR:-}" ]; then echo "$HYPERSCHEMA_PG_BINDIR"; exit 0; fi
newest=""
for major in 17 16 15; do
  bin=/usr/lib/postgresql/$major/bin
  [ -x "$bin/initdb" ] || continue
  if [ -f "/usr/share/postgresql/$major/extension/timescaledb.control" ] && \
     [ -f "/usr/lib/postgresql/$major/lib/timescaledb.so" ]; then
    echo "$bin"; exit 0
  fi
  [ -n "$newest" ] || newest=$bin
done
[ -n "$newest" ] || { echo "pg-bindir: no PostgreSQL 15, 16 or 17 server installed (run scripts/setup.sh)" >&2; exit 2; }
echo "$newest"
