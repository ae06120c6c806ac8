#!/usr/bin/env bash
# Debian tools the tests drive for real: Redis (multi-process subscriptions), Chromium (e2e). Installed when
# missing and we are root (as on these machines); otherwise says what to install.
set -euo pipefail
declare -A debian=([redis-server]=redis-server [chromium]=chromium)
missing=()
for bin in "${!debian[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${debian[$bin]}")
done
# A CJK font, so screenshots of the zh-CN pages show characters rather than boxes.
command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || missing+=(fonts-wqy-microhei)
((${#missing[@]})) || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} for the tests …"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
