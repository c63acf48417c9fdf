#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# gate:debian-headers-W=1: the modules build with W=1 and no warning
# against Debian's own kernel headers (linux-headers-amd64: Debian 12's 6.1),
# the way a user builds them on a real machine.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ensure_packages "linux-headers-amd64:/usr/share/doc/linux-headers-amd64" >&2
hdr=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
[ -n "$hdr" ] || { echo "FAIL gate:debian-headers-W=1 -- no /usr/src/linux-headers-*-amd64"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy_module_sources "$tmp"
if ! make -C "$hdr" M="$tmp" LLPOOL_TESTS=1 W=1 -j"$LLPOOL_JOBS" modules > "$tmp/build.log" 2>&1; then
	echo "FAIL gate:debian-headers-W=1 -- build failed: $(grep -m3 error "$tmp/build.log" | tr '\n' ' ')"
elif grep -qE 'warning:|WARNING:' "$tmp/build.log"; then
	echo "FAIL gate:debian-headers-W=1 -- $(grep -m3 -E 'warning:|WARNING:' "$tmp/build.log" | tr '\n' ' ')"
else
	echo "PASS gate:debian-headers-W=1 -- $(basename "$hdr"): $(find "$tmp" -name '*.ko' | wc -l) modules"
fi
