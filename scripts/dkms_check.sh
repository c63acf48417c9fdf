#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# gate:dkms-build: dkms add + dkms build of this tree against a harness
# kernel (scripts/dkms_check.sh VARIANT), then dkms remove.  Uses the
# system's DKMS tree (/usr/src, /var/lib/dkms): run as root.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-debug}
kdir=$LLPOOL_CACHE/build/$variant
ensure_packages "dkms:/usr/sbin/dkms" >&2
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$LLPOOL_REPO/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$LLPOOL_REPO/dkms.conf")
kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) ||
	{ echo "FAIL gate:dkms-build -- kernel $variant not built"; exit 0; }
src=/usr/src/$name-$ver
log=$(mktemp)

cleanup() {
	dkms remove -m "$name" -v "$ver" --all >/dev/null 2>&1
	rm -rf "$src" "$log"
}
cleanup
mkdir -p "$src"
copy_module_sources "$src" dkms.conf
built=""
if dkms add -m "$name" -v "$ver" >"$log" 2>&1 &&
   dkms build -m "$name" -v "$ver" -k "$kver" --kernelsourcedir "$kdir" >>"$log" 2>&1; then
	built=$(find "/var/lib/dkms/$name/$ver/$kver" -path '*/module/*' \
		\( -name 'llpool.ko*' -o -name 'rcu_pool_user.ko*' \) | wc -l)
fi
if [ "$built" = 2 ]; then
	echo "PASS gate:dkms-build -- $name $ver for $kver: llpool, rcu_pool_user"
else
	echo "FAIL gate:dkms-build -- $(tail -5 "$log" | tr '\n' ' ')"
	find /var/lib/dkms/"$name" -name make.log -exec tail -5 {} \; >&2
fi
cleanup
