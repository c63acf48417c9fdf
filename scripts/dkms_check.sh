#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The README's DKMS path against a harness kernel:
#   scripts/dkms_check.sh VARIANT OUTDIR
#   gate:dkms-build     dkms add + dkms build of this tree
#   gate:dkms-install   dkms install: both modules in
#                       /lib/modules/RELEASE/updates/dkms, modules.dep
#                       saying rcu_pool_user needs llpool
#   VARIANT/dkms:*      a guest boot whose /lib/modules/RELEASE is the
#                       installed tree: `modprobe rcu_pool_user` pulls in
#                       llpool, the stats files exist, `modprobe -r` unloads
#                       both, lockdep and the kernel log stay clean
# Then dkms remove.  Uses the system's DKMS tree (/usr/src, /var/lib/dkms)
# and /lib/modules/RELEASE, which it creates for the harness kernel's
# release if missing and removes again: run as root.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-debug}
outdir=${2:-$LLPOOL_REPO/out/check/$variant-dkms}
kdir=$LLPOOL_CACHE/build/$variant
ensure_packages "dkms:/usr/sbin/dkms" >&2
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$LLPOOL_REPO/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$LLPOOL_REPO/dkms.conf")
kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) ||
	{ echo "FAIL gate:dkms-build -- kernel $variant not built"; exit 0; }
src=/usr/src/$name-$ver
moddir=/lib/modules/$kver
made_moddir=""
log=$(mktemp)
tree=$(mktemp -d)

cleanup() {
	dkms remove -m "$name" -v "$ver" --all >/dev/null 2>&1
	rm -rf "$src" "$log"
}
cleanup
trap 'cleanup; rm -rf "$tree"; [ -z "$made_moddir" ] || rm -rf "$moddir"' EXIT
mkdir -p "$src"
copy_module_sources "$src" dkms.conf
built=""
if dkms add -m "$name" -v "$ver" >"$log" 2>&1 &&
   dkms build -m "$name" -v "$ver" -k "$kver" --kernelsourcedir "$kdir" >>"$log" 2>&1; then
	built=$(find "/var/lib/dkms/$name/$ver/$kver" -path '*/module/*' \
		\( -name 'llpool.ko*' -o -name 'rcu_pool_user.ko*' \) | wc -l)
fi
if [ "$built" != 2 ]; then
	echo "FAIL gate:dkms-build -- $(tail -5 "$log" | tr '\n' ' ')"
	find /var/lib/dkms/"$name" -name make.log -exec tail -5 {} \; >&2
	exit 0
fi
echo "PASS gate:dkms-build -- $name $ver for $kver: llpool, rcu_pool_user"

# dkms install refuses a kernel without /lib/modules/RELEASE; the harness
# kernel is not installed on this host, so give it an empty one.
if [ ! -d "$moddir" ]; then
	mkdir -p "$moddir"
	made_moddir=1
fi
if dkms install -m "$name" -v "$ver" -k "$kver" >>"$log" 2>&1 &&
   [ -f "$moddir/updates/dkms/llpool.ko" ] &&
   [ -f "$moddir/updates/dkms/rcu_pool_user.ko" ] &&
   grep -q '^updates/dkms/rcu_pool_user.ko: updates/dkms/llpool.ko' "$moddir/modules.dep"; then
	echo "PASS gate:dkms-install -- $moddir/updates/dkms, modules.dep: rcu_pool_user needs llpool"
else
	echo "FAIL gate:dkms-install -- $(tail -5 "$log" | tr '\n' ' ')"
	exit 0
fi
# The guest gets the installed tree alone: only what dkms put there.
cp -a "$moddir" "$tree/"
LLPOOL_GUEST_MODULES=$tree/$kver "$LLPOOL_REPO/scripts/boot.sh" "$variant" dkms "$outdir" >&2
"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$(kernel_source)/tools/testing/kunit/kunit.py" \
	"$outdir" "$variant/dkms"
