#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel variant: scripts/kernel.sh VARIANT [--objects OBJ...]
#
# A variant is configs/VARIANT.config merged onto tinyconfig, plus the
# patches in patches/VARIANT/ (if any), built in its own O= directory under
# $LLPOOL_CACHE/build/VARIANT.  The source tree stays pristine; a patched
# variant builds from a patched copy.  The build is redone only when the
# source package, the fragment, the patches or this script change.
# With --objects, only those objects (and what they need: the configured
# tree's prepare step) are built, in $LLPOOL_CACHE/build/VARIANT-objects: a
# compile check of the files a patch series touches, minutes shorter than
# the whole kernel (make check's intree:compiles; make intree-bench builds
# the whole kernel).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: kernel.sh VARIANT [--objects OBJ...]}
shift
objects=()
if [ "${1:-}" = --objects ]; then
	shift
	objects=("$@")
	[ ${#objects[@]} -gt 0 ] || die "--objects wants at least one object"
fi
frag=$LLPOOL_REPO/configs/$variant.config
# A fragment may start from another: "# llpool-include: NAME" merges
# configs/NAME.config first; later fragments override earlier ones.
frag_list=$(variant_fragments "$variant")
mapfile -t frags <<< "$frag_list"
patchdir=$LLPOOL_REPO/patches/$variant
src_pkg=$(cat "$frag" | sed -n 's/^# llpool-source: *//p' | head -1)
src_pkg=${src_pkg:-$LLPOOL_SRC_PKG}

src=$(kernel_source "$src_pkg")

patches=()
if [ -d "$patchdir" ]; then
	mapfile -t patches < <(find "$patchdir" -name '*.patch' | sort)
fi

# What the build depends on, hashed.
hash=$( {
	cat "$src/.llpool-unpacked"
	echo "$src_pkg"
	cat "${frags[@]}"
	for p in "${patches[@]}"; do cat "$p"; done
	cat "$0"
	echo "${objects[@]}"
} | sha256sum | cut -c1-16)

out=$LLPOOL_CACHE/build/$variant
built=$out/arch/x86/boot/bzImage
targets=(bzImage modules)
if [ ${#objects[@]} -gt 0 ]; then
	out=$LLPOOL_CACHE/build/$variant-objects
	built=$out/${objects[0]}
	targets=("${objects[@]}")
fi
stamp=$out/.llpool-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -f "$built" ]; then
	log "kernel $variant${objects:+ (objects ${objects[*]})} is up to date ($hash)"
	exit 0
fi

if [ ${#patches[@]} -gt 0 ]; then
	psrc=$LLPOOL_CACHE/src/$src_pkg-$variant
	pstamp=$psrc/.llpool-patched
	phash=$(cat "${patches[@]}" "$src/.llpool-unpacked" | sha256sum | cut -c1-16)
	if [ ! -f "$pstamp" ] || [ "$(cat "$pstamp")" != "$phash" ]; then
		log "making a patched copy of the source for $variant"
		rm -rf "$psrc"
		cp -a "$src" "$psrc"
		for p in "${patches[@]}"; do
			log "applying $(basename "$p")"
			patch -d "$psrc" -p1 --quiet < "$p" || die "patch $p failed"
		done
		echo "$phash" > "$pstamp"
	fi
	src=$psrc
fi

mkdir -p "$out"
log "configuring kernel $variant in $out"
make -s -C "$src" O="$out" tinyconfig >/dev/null
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m .config "${frags[@]}" >merge.log 2>&1) ||
	die "merge_config failed: see $out/merge.log"
make -s -C "$src" O="$out" olddefconfig >/dev/null

fragments_landed "$src" "$out/.config" "$out/.merge-check" "${frags[@]}" ||
	die "kernel $variant: options of ${frags[*]} did not land after olddefconfig (above)"
# The source tree this .config was made from (gate:config-report checks
# the report against it).
echo "$src" > "$out/.llpool-src"

if [ ${#objects[@]} -gt 0 ]; then
	log "building ${objects[*]} of kernel $variant with $LLPOOL_JOBS jobs (log: $out/build.log)"
else
	log "building kernel $variant with $LLPOOL_JOBS jobs (about 5 minutes on 2 cores; log: $out/build.log)"
fi
start=$(date +%s)
make -C "$src" O="$out" -j"$LLPOOL_JOBS" "${targets[@]}" >"$out/build.log" 2>&1 &
mk=$!
while kill -0 "$mk" 2>/dev/null; do
	sleep 30
	kill -0 "$mk" 2>/dev/null &&
		log "  $variant: $(( $(date +%s) - start )) s, $(grep -c '^  CC' "$out/build.log" || true) files compiled"
done
if ! wait "$mk"; then
	tail -30 "$out/build.log" >&2
	die "kernel $variant build failed (log: $out/build.log)"
fi
echo "$hash" > "$stamp"
log "kernel $variant${objects:+ (objects ${objects[*]})} built in $(( $(date +%s) - start )) s"
