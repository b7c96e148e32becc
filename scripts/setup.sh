#!/usr/bin/env bash
# Installs hyperschema's build and test dependencies from Debian 12's packages
# when they are missing. Safe to run repeatedly; needs root (or sudo) only when
# something is missing.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config clang-format libyaml-cpp-dev libpqxx-dev libpq-dev catch2
          postgresql-15 postgresql-client-15 postgresql-server-dev-15)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Installing postgresql-15 must not start a system cluster we do not use:
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
