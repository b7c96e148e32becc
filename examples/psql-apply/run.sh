#!/usr/bin/env bash
# Example: apply the generated SQL of every schema with plain psql, the way a
# Kubernetes migration job or any SQL runner would, then show what
# TimescaleDB made of it. Run inside scripts/pg-throwaway.sh (it needs PGHOST,
# PGPORT, PGUSER).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${HYPERSCHEMA_TIMESCALEDB:-0}" != 1 ]; then
  echo "TimescaleDB is not installed for this PostgreSQL: the schemas need it (hypertables, continuous"
  echo "aggregates), so they were validated and generated but not applied. Install TimescaleDB for"
  echo "PostgreSQL $(psql -X -tAc 'SHOW server_version' | cut -d. -f1) from your packages to run this example."
  exit 0
fi

for sql in "$root"/generated/*/schema.sql; do
  schema=$(basename "$(dirname "$sql")")
  createdb "$schema"
  psql -X -q -v ON_ERROR_STOP=1 -d "$schema" -f "$sql" >/dev/null 2>&1 \
    || { echo "$schema: failed to apply"; psql -X -q -v ON_ERROR_STOP=1 -d "$schema" -f "$sql" 2>&1 | grep -i error; exit 1; }
  echo "== $schema: applied $(realpath --relative-to="$root" "$sql")"
  psql -X -d "$schema" -P footer=off -c "
    SELECT h.hypertable_name AS hypertable, d.column_name AS time_column, d.time_interval AS chunk_interval,
           h.compression_enabled AS compressed
    FROM timescaledb_information.hypertables h
    JOIN timescaledb_information.dimensions d USING (hypertable_schema, hypertable_name)
    WHERE d.dimension_type = 'Time' ORDER BY 1" \
    -c "SELECT coalesce(c.view_name, j.hypertable_name) AS relation, j.proc_name AS policy, j.schedule_interval AS every,
               j.config - 'hypertable_id' - 'mat_hypertable_id' AS settings
        FROM timescaledb_information.jobs j
        LEFT JOIN timescaledb_information.continuous_aggregates c ON c.view_name = j.hypertable_name
        WHERE j.job_id >= 1000 ORDER BY 1, 2"
done
