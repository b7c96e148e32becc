#!/usr/bin/env bash
# Installs hyperschema's build and test dependencies from Debian's packages
# when they are missing: Debian 12 (GCC 12, libpqxx 6.4, PostgreSQL 15,
# Catch2 2) and Debian 13 (GCC 14, libpqxx 7.10, PostgreSQL 17, Catch2 3).
# A PostgreSQL server from 15 to 17 that is installed already is used as it
# is (scripts/pg-bindir.sh picks it); otherwise the distribution's own
# (`postgresql`) is installed. Safe to run repeatedly; needs root (or sudo)
# only when something is missing.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config clang-format libyaml-cpp-dev libpqxx-dev libpq-dev catch2 nlohmann-json3-dev libcli11-dev libpg-query-dev python3-jsonschema python3-yaml)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
server=""
for major in 17 16 15; do
  if [ -x "/usr/lib/postgresql/$major/bin/initdb" ] && [ -x "/usr/lib/postgresql/$major/bin/psql" ]; then
    server=$major
    break
  fi
done
[ -n "$server" ] || missing+=(postgresql postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Installing the server must not start a system cluster we do not use:
# policy-rc.d refuses service starts for the duration of the install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  created_policy=1
fi
trap '[ $created_policy -eq 1 ] && $sudo rm -f "$policy"' EXIT
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
