#!/usr/bin/env bash
# The whole test suite: install what is missing, build with warnings as errors
# under AddressSanitizer and UBSan, and run every test. The database tests
# start their own throwaway PostgreSQL (15, 16 or 17: scripts/pg-bindir.sh);
# TimescaleDB tests run when the extension is installed and are listed as
# skipped otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/setup.sh
# Formatting is part of the build's contract (.clang-format); fix with clang-format -i.
# The code is formatted with Debian 12's clang-format 14; other versions
# format some constructs differently, so only 14 checks it.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if clang-format --version | grep -q 'version 14\.'; then
    git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
  else
    echo "test: format check skipped: $(clang-format --version | head -1) is not clang-format 14"
  fi
fi
# -g1: line tables are all the sanitizers' reports need, and compiling with
# them is about a third faster than with full debug information.
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DHYPERSCHEMA_SANITIZE=ON >/dev/null
cmake --build build-test
# The CI gate users run too: migrations, checksums and generated/ in sync with schemas/.
build-test/generator/hyperschema check schemas
cd build-test
# Two at a time: the TimescaleDB tests are a process (and a cluster) each.
ctest --output-on-failure -j2
