#!/usr/bin/env bash
# The main job: install what is missing, build, validate every schema in
# schemas/, write the generated SQL and headers into generated/, apply the SQL
# to a throwaway PostgreSQL (with TimescaleDB when installed) with plain psql,
# and run the heat-pump monitor example end to end against it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHYPERSCHEMA_BUILD_TESTS=OFF >/dev/null
cmake --build build --target hyperschema heatpump-monitor point_migration
build/generator/hyperschema validate schemas
build/generator/hyperschema generate schemas --out generated
build/generator/hyperschema json-schema --out generated  # the DSL's JSON Schema, for editors
scripts/pg-throwaway.sh examples/psql-apply/run.sh
scripts/pg-throwaway.sh examples/heatpump-monitor/run.sh
scripts/pg-throwaway.sh examples/point-migration/run.sh
