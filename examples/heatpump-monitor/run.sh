#!/usr/bin/env bash
# Runs the heat-pump monitor against the throwaway cluster of
# scripts/pg-throwaway.sh (PGHOST, PGPORT, PGUSER), in a new database, twice:
# the second start finds its migrations applied and replaces the day's data.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
monitor="$root/build/examples/heatpump-monitor/heatpump-monitor"

createdb energy
if [ "${HYPERSCHEMA_TIMESCALEDB:-0}" != 1 ]; then
  # The program says itself what is missing (exit code 3) and changes nothing.
  status=0
  "$monitor" "dbname=energy" || status=$?
  [ $status -eq 3 ] && exit 0
  exit $status
fi
echo "== heatpump-monitor, first start"
"$monitor" "dbname=energy"
echo
echo "== heatpump-monitor, second start (nothing to migrate)"
"$monitor" "dbname=energy" | head -4
