#!/usr/bin/env bash
# Fuzzes the YAML front end (parse -> validate -> SQL) with libFuzzer, ASan and
# UBSan for ${1:-60} seconds: builds tests/fuzz into build-fuzz/ with clang,
# replays every input in tests/fuzz/regressions/, then fuzzes a throwaway copy
# of tests/fuzz/corpus/ plus the regressions (the repository's corpus stays
# as it is). Exits non-zero on a crash, timeout or leak; the input that caused
# it is written to build-fuzz/artifacts/.
#
#   scripts/fuzz.sh        # one minute
#   scripts/fuzz.sh 600    # ten minutes
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 2
fi
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; libFuzzer needs clang (Debian: apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi

cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHYPERSCHEMA_FUZZ=ON -DHYPERSCHEMA_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target hyperschema_schema_fuzzer
fuzzer=build-fuzz/tests/fuzz/hyperschema_schema_fuzzer

artifacts=build-fuzz/artifacts
mkdir -p "$artifacts"
options=(-timeout=5 -rss_limit_mb=4096 -artifact_prefix="$artifacts/")

# Inputs that once crashed or hung, each replayed whole (no length limit).
shopt -s nullglob
regressions=(tests/fuzz/regressions/*)
if ((${#regressions[@]})); then
  echo "fuzz.sh: replaying ${#regressions[@]} regression input(s)"
  "$fuzzer" "${options[@]}" "${regressions[@]}"
fi

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp tests/fuzz/corpus/* "$corpus"/
if ((${#regressions[@]})); then cp "${regressions[@]}" "$corpus"/; fi

echo "fuzz.sh: fuzzing for ${seconds}s; crashing inputs go to $artifacts/"
"$fuzzer" "${options[@]}" -dict=tests/fuzz/yaml.dict -max_len=4096 -max_total_time="$seconds" \
  -print_final_stats=1 "$corpus"
