#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build llpool's modules against a harness kernel: scripts/modules.sh VARIANT
#
# The sources are copied to $LLPOOL_CACHE/mod/VARIANT/src so that variants
# do not share object files and the repository stays clean.  W=1; any
# compiler or modpost warning fails the build (its lines are printed).
# Production and test modules (LLPOOL_TESTS=1).  The .ko files land flat
# in $LLPOOL_CACHE/mod/VARIANT/ko.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: modules.sh VARIANT}
kdir=$LLPOOL_CACHE/build/$variant
[ -f "$kdir/Module.symvers" ] || die "kernel $variant is not built (scripts/kernel.sh $variant)"
out=$LLPOOL_CACHE/mod/$variant
mkdir -p "$out/src" "$out/ko"
# A fresh copy each time: our modules build in seconds, and nothing stale
# (a removed file, an old object) can leak into a build.
rm -rf "$out/src"
mkdir -p "$out/src"
copy_module_sources "$out/src"
log "building modules for $variant (W=1)"
if ! make -C "$kdir" M="$out/src" LLPOOL_TESTS=1 W=1 ${LLPOOL_MAKE_FLAGS:-} -j"$LLPOOL_JOBS" modules \
	>"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	die "module build failed for $variant"
fi
if grep -E 'warning:|WARNING:|error:' "$out/build.log" >&2; then
	die "module build for $variant has warnings (W=1)"
fi
rm -f "$out/ko/"*.ko
find "$out/src" -name '*.ko' -exec cp {} "$out/ko/" \;
log "modules for $variant: $(cd "$out/ko" && ls | tr '\n' ' ')"
