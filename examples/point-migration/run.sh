#!/usr/bin/env bash
# The seed 002 point migration end to end, against the throwaway cluster of
# scripts/pg-throwaway.sh (PGHOST, PGPORT, PGUSER): load the legacy history,
# start the raw-readings backfill and kill it (SIGKILL) part-way, see where it
# stands from another command, resume it, run the aggregates' backfill, check
# both, and apply the migration that holds them (which finds them done).
# POINTS_SCALE shortens the history (default 1: the seed's volumes).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
hs="$root/build/generator/hyperschema"
loader="$root/build/examples/point-migration/point_migration"
scale=${POINTS_SCALE:-1}

if [ "${HYPERSCHEMA_TIMESCALEDB:-0}" != 1 ]; then
  echo "point-migration: TimescaleDB is not installed for this PostgreSQL; the point schema needs it (skipped)"
  exit 0
fi
createdb points_demo
db=dbname=points_demo

echo "== load the legacy history (migrations 0001-0002; scale $scale)"
"$loader" load --db "$db" --scale "$scale"

echo
echo "== readings_to_points, killed with SIGKILL after 3 seconds"
status=0
timeout -s KILL 3 "$hs" backfill run readings_to_points "$root/schemas/points" --db "$db" || status=$?
echo "(exit status $status)"
"$hs" backfill status readings_to_points "$root/schemas/points" --db "$db"

echo
echo "== resumed"
"$hs" backfill run readings_to_points "$root/schemas/points" --db "$db"
echo
echo "== agg5m_to_points"
"$hs" backfill run agg5m_to_points "$root/schemas/points" --db "$db"

echo
echo "== checks"
"$hs" backfill verify readings_to_points "$root/schemas/points" --db "$db"
"$hs" backfill verify agg5m_to_points "$root/schemas/points" --db "$db"

echo
echo "== migrate up: 0003 holds both backfills, already done"
"$hs" migrate up "$root/schemas/points" --out "$root/generated" --db "$db"
"$hs" verify "$root/schemas/points" --out "$root/generated" --db "$db"
psql -X -d points_demo -P footer=off -c "
  SELECT system_id, count(*) AS point_rows, min(measurement_time) AS first_ms, max(measurement_time) AS last_ms
  FROM point_readings GROUP BY system_id ORDER BY system_id"
