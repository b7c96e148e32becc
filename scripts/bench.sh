#!/usr/bin/env bash
# Benchmarks (Release build): migrate and verify, load and read, the compile
# cost of generated code. Each prints its figures and the ratios against
# a baseline measured in the same run, on a throwaway PostgreSQL cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench --target hyperschema_runtime_bench
build-bench/bench/hyperschema_runtime_bench
echo
cmake --build build-bench --target hyperschema_copy_bench
build-bench/bench/hyperschema_copy_bench
echo
cmake --build build-bench --target hyperschema_compile_bench
build-bench/bench/hyperschema_compile_bench
echo
cmake --build build-bench --target hyperschema_backfill_bench
build-bench/bench/hyperschema_backfill_bench
echo
cmake --build build-bench --target hyperschema_fleet_bench
build-bench/bench/hyperschema_fleet_bench
