#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The README's DKMS path against a harness kernel, on private trees:
#   scripts/dkms_check.sh VARIANT OUTDIR
#   gate:dkms-build      dkms add + dkms build of this tree
#   gate:dkms-install    dkms install: both modules in
#                        lib/modules/RELEASE/updates/dkms of a private root,
#                        modules.dep saying rcu_pool_user needs llpool
#   gate:make-install    make install (after make tests) installs llpool
#                        and rcu_pool_user and no test module
#   gate:dkms-kernels    BUILD_EXCLUSIVE_KERNEL matches each tested kernel
#                        release and no untested series
#   gate:host-untouched  nothing changed under /usr/src, /var/lib/dkms,
#                        /lib/modules or /etc/dkms: a user's own llpool
#                        install (DKMS or not) is left as it was
#   VARIANT/dkms:*       a guest boot whose /lib/modules/RELEASE is the
#                        installed tree (the kernel's modules_install, then
#                        dkms install): `modprobe rcu_pool_user` pulls in
#                        llpool, the stats files exist, `modprobe -r` unloads
#                        both; the installed kselftest passes under
#                        run_kselftest.sh (all, then rcu_stress.sh again)
#                        and skips without rcutorture;
#                        lockdep and the kernel log stay clean
#
# dkms gets its own source tree, DKMS tree and install tree under OUTDIR
# (--sourcetree, --dkmstree, --installtree) and runs no depmod of its own
# (--no-depmod): depmod -b runs on the private root instead.  Nothing is
# removed from the system's DKMS state, because nothing was put there.
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

priv=$outdir/dkms
rm -rf "$priv"
mkdir -p "$priv/source/$name-$ver" "$priv/tree" "$priv/root/lib/modules/$kver"
log=$priv/dkms.log
dkms_priv() {
	dkms "$@" -m "$name" -v "$ver" --sourcetree "$priv/source" \
		--dkmstree "$priv/tree" --installtree "$priv/root/lib/modules"
}

# What the host holds where DKMS and module installs live, before and
# after: paths, sizes and mtimes.
HOST_DIRS=(/usr/src /var/lib/dkms /lib/modules /etc/dkms)
host_state() { tree_state "${HOST_DIRS[@]}"; }
host_state > "$priv/host-before"

# The detector's positive control, on a scratch tree standing in for
# /var/lib/dkms: an install written there must show as a change.
mkdir -p "$priv/control/var/lib/dkms/other/1.0"
tree_state "$priv/control" > "$priv/control-before"
mkdir -p "$priv/control/var/lib/dkms/$name/$ver"
echo x > "$priv/control/var/lib/dkms/other/1.0/source"
if cmp -s "$priv/control-before" <(tree_state "$priv/control"); then
	echo "FAIL gate:host-untouched-control -- a write to the scratch tree went unseen"
else
	echo "PASS gate:host-untouched-control -- a write to the scratch tree is seen"
fi

host_check() {
	host_state > "$priv/host-after"
	if cmp -s "$priv/host-before" "$priv/host-after"; then
		echo "PASS gate:host-untouched -- /usr/src /var/lib/dkms /lib/modules /etc/dkms: $(wc -l < "$priv/host-after") entries unchanged"
	else
		echo "FAIL gate:host-untouched -- $(diff "$priv/host-before" "$priv/host-after" | grep -c '^[<>]') entries changed: $(diff "$priv/host-before" "$priv/host-after" | grep '^[<>]' | head -3 | tr '\n' ' ')"
	fi
}
trap host_check EXIT

copy_module_sources "$priv/source/$name-$ver" dkms.conf
built=""
if dkms_priv add >"$log" 2>&1 &&
   dkms_priv build -k "$kver" --kernelsourcedir "$kdir" >>"$log" 2>&1; then
	built=$(find "$priv/tree/$name/$ver/$kver" -path '*/module/*' \
		\( -name 'llpool.ko*' -o -name 'rcu_pool_user.ko*' \) | wc -l)
fi
if [ "$built" != 2 ]; then
	echo "FAIL gate:dkms-build -- $(tail -5 "$log" | tr '\n' ' ')"
	find "$priv/tree/$name" -name make.log -exec tail -5 {} \; >&2
	exit 0
fi
echo "PASS gate:dkms-build -- $name $ver for $kver: llpool, rcu_pool_user (private DKMS tree)"

# The kernel's own modules (rcutorture among them), installed the kernel's
# way; the kernel's depmod runs on the private root (-b).
moddir=$priv/root/lib/modules/$kver
if ! make -C "$kdir" modules_install INSTALL_MOD_PATH="$priv/root" INSTALL_MOD_STRIP=1 \
	>>"$log" 2>&1; then
	echo "FAIL gate:dkms-install -- the kernel's modules_install: $(tail -3 "$log" | tr '\n' ' ')"
	exit 0
fi
if dkms_priv install -k "$kver" --no-depmod >>"$log" 2>&1 &&
   depmod -b "$priv/root" "$kver" >>"$log" 2>&1 &&
   [ -f "$moddir/updates/dkms/llpool.ko" ] &&
   [ -f "$moddir/updates/dkms/rcu_pool_user.ko" ] &&
   grep -q '^updates/dkms/rcu_pool_user.ko: updates/dkms/llpool.ko' "$moddir/modules.dep"; then
	echo "PASS gate:dkms-install -- $(find "$moddir/updates" -name '*.ko' | wc -l) modules in the private root, modules.dep: rcu_pool_user needs llpool"
else
	echo "FAIL gate:dkms-install -- $(tail -5 "$log" | tr '\n' ' ')"
	exit 0
fi
# `make install` installs the production modules only, even after
# `make tests` built every test module in the same tree.
mi=$priv/make-install
copy_module_sources "$mi/src" Makefile
if make -C "$mi/src" KDIR="$kdir" tests >>"$log" 2>&1 &&
   make -C "$mi/src" KDIR="$kdir" INSTALL_MOD_PATH="$mi/root" DEPMOD=true install >>"$log" 2>&1; then
	got=$(cd "$mi/root" && find . -name '*.ko*' -printf '%f\n' | sort | tr '\n' ' ')
	if [ "$got" = "llpool.ko rcu_pool_user.ko " ]; then
		echo "PASS gate:make-install -- after make tests ($(find "$mi/src" -name '*.ko' | wc -l) modules built), installed: $got"
	else
		echo "FAIL gate:make-install -- installed: $got"
	fi
else
	echo "FAIL gate:make-install -- $(tail -3 "$log" | tr '\n' ' ')"
fi

# dkms.conf builds for the kernels make check tests, and no other series.
excl=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"/\1/p' "$LLPOOL_REPO/dkms.conf")
bad=""
# The tested releases: those built in the cache, and the series of every
# source package a variant is built from (configs/*.config, "#
# llpool-source:"), so that one not built yet (a cold cache, this guest
# running beside the boots) is checked too.
tested=$(cat "$LLPOOL_CACHE"/build/*/include/config/kernel.release 2>/dev/null
	for f in "$LLPOOL_REPO"/configs/*.config; do
		pkg=$(sed -n 's/^# llpool-source: *//p' "$f" | head -1)
		echo "${pkg:-$LLPOOL_SRC_PKG}" | sed -n 's/^linux-source-\([0-9]*\.[0-9]*\)$/\1.0/p'
	done | sort -u)
for r in $tested; do
	echo "$r" | grep -qE "$excl" || bad="$bad $r"
done
for r in 5.15.0-1-amd64 6.6.30 6.13.0 7.2.13 7.4.0 7.30.1; do
	echo "$r" | grep -qE "$excl" && bad="$bad $r(untested)"
done
if [ -n "$excl" ] && [ -z "$bad" ]; then
	echo "PASS gate:dkms-kernels -- BUILD_EXCLUSIVE_KERNEL $excl: every tested release matches, 5.15, 6.6, 6.13, 7.2, 7.4, 7.30 do not"
else
	echo "FAIL gate:dkms-kernels -- BUILD_EXCLUSIVE_KERNEL '$excl' wrong for:$bad"
fi

# A kernel outside 6.1 to 7.3: Kbuild stops before any compiler runs, with
# a message naming the supported releases.  The kernel tree stands in for
# an older and a newer one through its Makefile's VERSION and PATCHLEVEL,
# given on the command line; nothing may be built.
for vp in "5 15" "7 4"; do
	set -- $vp
	u=$priv/unsupported-$1.$2
	rm -rf "$u"
	mkdir -p "$u"
	copy_module_sources "$u"
	if make -C "$kdir" M="$u" VERSION="$1" PATCHLEVEL="$2" modules >"$u.log" 2>&1; then
		echo "FAIL gate:unsupported-kernel-$1.$2 -- the build went through"
	elif ! grep -q 'llpool supports Linux 6.1, 6.12 and 7.3' "$u.log"; then
		echo "FAIL gate:unsupported-kernel-$1.$2 -- no message naming the releases: $(grep -m1 -i error "$u.log")"
	elif [ -n "$(find "$u" -name '*.o' -print -quit)" ]; then
		echo "FAIL gate:unsupported-kernel-$1.$2 -- objects were built: $(find "$u" -name '*.o' | head -3 | tr '\n' ' ')"
	else
		echo "PASS gate:unsupported-kernel-$1.$2 -- $(grep -o 'llpool supports.*' "$u.log" | head -1)"
	fi
done

# The guest gets the installed tree alone: only what dkms put there.
LLPOOL_GUEST_MODULES=$moddir LLPOOL_BOOT_TIMEOUT=1500 "$LLPOOL_REPO/scripts/boot.sh" "$variant" dkms "$outdir" >&2
"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$(kernel_source)/tools/testing/kunit/kunit.py" \
	--cases "$LLPOOL_REPO/scripts/expect/dkms.cases" --tags "$variant" \
	"$outdir" "$variant/dkms"
