#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install llpool's kselftest the kernel's way, for a harness kernel:
#   scripts/kselftest.sh VARIANT
# selftests/llpool is copied into the variant's own source tree's
# tools/testing/selftests (our own unpacked copy in the cache, never
# /usr/src) and installed with that kernel's own target.  6.1's
# selftests have no kselftest/ktap_helpers.sh (it arrived in 6.9), which
# llpool's scripts use: 6.1's variants take 6.12's tree instead.
#   make -C tools/testing/selftests TARGETS=llpool KDIR=... LLPOOL_SRC=... \
#        INSTALL_PATH=... install
# into $LLPOOL_CACHE/mod/VARIANT/kselftest: run_kselftest.sh, kselftest/
# (ktap_helpers.sh, runner.sh), llpool/ with its scripts, llpool_lib.sh and
# test_modules/*.ko built against VARIANT's kernel.  Run scripts/modules.sh
# VARIANT first: test_modules builds in that module tree's copy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: kselftest.sh VARIANT}
kdir=$LLPOOL_CACHE/build/$variant
mod=$LLPOOL_CACHE/mod/$variant
[ -d "$mod/src" ] || die "no module tree for $variant (scripts/modules.sh $variant)"
ensure_packages "rsync:/usr/bin/rsync" >&2
src=$(cat "$kdir/.llpool-src" 2>/dev/null) ||
	die "kernel $variant has no recorded source tree (scripts/kernel.sh $variant)"
if [ ! -f "$src/tools/testing/selftests/kselftest/ktap_helpers.sh" ]; then
	src=$(kernel_source)
fi
log "kselftest for $variant from $(basename "$src")'s tools/testing/selftests"
dest=$mod/kselftest

rm -rf "$dest"
# One llpool in the shared source tree at a time: variants may install at
# once.  Its test modules build in $mod/src (LLPOOL_SRC), W=1 as there.
exec 9>"$LLPOOL_CACHE/src/.kselftest.lock"
flock 9
st=$src/tools/testing/selftests
rm -rf "$st/llpool"
cp -r "$LLPOOL_REPO/selftests/llpool" "$st/llpool"
log "installing the llpool kselftest for $variant into $dest"
if ! make -C "$st" TARGETS=llpool KDIR="$kdir" LLPOOL_SRC="$mod/src" W=1 \
	INSTALL_PATH="$dest" install > "$mod/kselftest.log" 2>&1; then
	cat "$mod/kselftest.log" >&2
	rm -rf "$st/llpool"
	die "kselftest install failed for $variant"
fi
rm -rf "$st/llpool"
flock -u 9
for f in run_kselftest.sh kselftest/ktap_helpers.sh llpool/llpool_lib.sh \
	 llpool/test_modules/llpool_stress.ko llpool/test_modules/llpool_rcu_stress.ko; do
	[ -f "$dest/$f" ] || die "kselftest install for $variant has no $f"
done
grep -q '^llpool:rcu_stress.sh$' "$dest/kselftest-list.txt" ||
	die "kselftest-list.txt for $variant does not list llpool:rcu_stress.sh"
log "kselftest for $variant: $(grep -c '^llpool:' "$dest/kselftest-list.txt") tests, $(ls "$dest/llpool/test_modules" | tr '\n' ' ')"
