#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build a control build of llpool's modules: scripts/control_build.sh VARIANT NAME
#
# A control build is the modules with one deliberate mistake,
# patches/controls/NAME.patch, applied to a copy of the sources with no
# fuzz (a patch that no longer applies exactly fails here, and so fails its
# control).  Its .ko files land in $LLPOOL_CACHE/ctl/VARIANT/NAME/ko, which
# scripts/boot.sh takes with LLPOOL_KO=DIR in place of the real ones.  The
# repository and the real build ($LLPOOL_CACHE/mod/VARIANT) are not touched.
# Prints the ko directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: control_build.sh VARIANT NAME}
name=${2:?usage: control_build.sh VARIANT NAME}
patch=$LLPOOL_REPO/patches/controls/$name.patch
kdir=$LLPOOL_CACHE/build/$variant
[ -f "$patch" ] || die "no control patch $patch"
[ -f "$kdir/Module.symvers" ] || die "kernel $variant is not built (scripts/kernel.sh $variant)"
out=$LLPOOL_CACHE/ctl/$variant/$name
rm -rf "$out"
mkdir -p "$out/src" "$out/ko"
copy_module_sources "$out/src"
patch -d "$out/src" -p1 -F0 --no-backup-if-mismatch < "$patch" > "$out/patch.log" 2>&1 ||
	die "patches/controls/$name.patch does not apply to the sources: $(tr '\n' ' ' < "$out/patch.log")"
log "building control build $name for $variant"
make -C "$kdir" M="$out/src" LLPOOL_TESTS=1 ${LLPOOL_MAKE_FLAGS:-} -j"$LLPOOL_JOBS" modules \
	> "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; die "control build $name failed"; }
find "$out/src" -name '*.ko' -exec cp {} "$out/ko/" \;
echo "$out/ko"
