# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the llpool harness.  Sourced, not run.

LLPOOL_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LLPOOL_CACHE=${LLPOOL_CACHE:-$HOME/.cache/llpool}
# Kernel source packages the harness knows: variant -> Debian package.
LLPOOL_SRC_PKG=${LLPOOL_SRC_PKG:-linux-source-6.12}
LLPOOL_JOBS=${LLPOOL_JOBS:-$(( $(nproc) + 1 ))}

log() { printf '[llpool %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Install the Debian packages the harness needs, naming what is missing.
# Each entry is "package:file-that-proves-it-is-installed".
ensure_packages() {
	local want=(
		"qemu-system-x86:/usr/bin/qemu-system-x86_64"
		"linux-source-6.12:/usr/src/linux-source-6.12.tar.xz"
		"busybox-static:/bin/busybox"
		"flex:/usr/bin/flex" "bison:/usr/bin/bison" "bc:/usr/bin/bc"
		"libelf-dev:/usr/include/libelf.h"
		"libssl-dev:/usr/include/openssl/ssl.h"
		"cpio:/usr/bin/cpio" "kmod:/usr/bin/kmod" "dwarves:/usr/bin/pahole"
		"python3:/usr/bin/python3" "gcc:/usr/bin/gcc" "make:/usr/bin/make"
		"xz-utils:/usr/bin/xz" "gzip:/bin/gzip"
		"sparse:/usr/bin/sparse"
		"python3-docutils:/usr/bin/rst2html"
	)
	local missing=() entry
	for entry in "${want[@]}" "$@"; do
		[ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
}

# Unpack a linux-source package once; print the source directory.
# The tree stays pristine: every build uses O=.
kernel_source() {
	local pkg=${1:-$LLPOOL_SRC_PKG} tarball dir
	tarball=/usr/src/$pkg.tar.xz
	[ -f "$tarball" ] || die "$tarball missing (apt-get install $pkg)"
	dir=$LLPOOL_CACHE/src/$pkg
	local stamp=$dir/.llpool-unpacked
	local tarsum
	tarsum=$(stat -c '%s-%Y' "$tarball")
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$tarsum" ]; then
		log "unpacking $tarball into $LLPOOL_CACHE/src (about 15 s)"
		rm -rf "$dir"
		mkdir -p "$LLPOOL_CACHE/src"
		tar -C "$LLPOOL_CACHE/src" -xf "$tarball" || die "untar failed"
		echo "$tarsum" > "$stamp"
	fi
	echo "$dir"
}

# variant_fragments VARIANT: the fragments a variant is built from, one
# path a line: those configs/VARIANT.config includes ("# llpool-include:
# NAME" merges configs/NAME.config first), then itself.  Later ones win.
variant_fragments() {
	local frag=$LLPOOL_REPO/configs/$1.config inc
	[ -f "$frag" ] || die "no config fragment $frag"
	for inc in $(sed -n 's/^# llpool-include: *//p' "$frag"); do
		[ -f "$LLPOOL_REPO/configs/$inc.config" ] || die "$frag includes missing $inc.config"
		echo "$LLPOOL_REPO/configs/$inc.config"
	done
	echo "$frag"
}

# fragments_landed SRC CONFIG SCRATCH FRAGMENT...: whether every option of
# the FRAGMENTs (later ones win) is in the finished CONFIG, by
# merge_config.sh's own report ("Value requested for ... not in final
# .config").  It reports only when it runs make itself, so it runs on
# CONFIG with the FRAGMENTs again, output in the SCRATCH directory: a
# fixed point when every option landed; CONFIG is not written.  Its two
# temporary files go in SRC (the cache's copy of the source, never
# /usr/src) and are removed when it exits.  What did not land is printed;
# the whole output is in SCRATCH.log.  Read with two rules:
# - "# CONFIG_X is not set" is met by an X that is absent (not visible on
#   this architecture or version), as Kconfig itself treats it;
# - merge_config.sh finds a requested value with grep -w over the merged
#   fragments, so a fragment names an option only in its setting, never in
#   a comment.
# Strict mode (-s) is not used: it also refuses a fragment overriding one
# it includes, which "# llpool-include:" is for.
fragments_landed() {
	local src=$1 config=$2 scratch=$3
	shift 3
	rm -rf "$scratch"
	mkdir -p "$scratch"
	if ! (cd "$src" && scripts/kconfig/merge_config.sh -O "$scratch" "$config" "$@") \
		>"$scratch.log" 2>&1 || [ ! -s "$scratch/.config" ]; then
		log "merge_config.sh failed: see $scratch.log"
		return 2
	fi
	awk '/^Value requested for / { opt = $4; next }
	     opt && /^Requested value:/ { req = $0; sub(/^Requested value: */, "", req); next }
	     opt && /^Actual value:/ {
		act = $0; sub(/^Actual value: */, "", act)
		if (!(act == "" && req == "# " opt " is not set"))
			printf "%s: requested \"%s\", got \"%s\"\n", opt, req, act
		opt = ""
	     }' "$scratch.log" > "$scratch.missing"
	if [ -s "$scratch.missing" ]; then
		cat "$scratch.missing" >&2
		return 1
	fi
}

# copy_module_sources DEST [EXTRA-FILE...]: the module sources (every Kbuild,
# .c and .h of the repository, plus EXTRA-FILEs) copied to DEST, keeping
# their paths.  Tracked and untracked-but-not-ignored files when this is a
# git checkout, else everything found.
copy_module_sources() {
	local dest=$1
	shift
	(cd "$LLPOOL_REPO" && { git ls-files -co --exclude-standard -- '*Kbuild' '*.c' '*.h' "$@" 2>/dev/null ||
		{ find . -name '*.[ch]' -o -name Kbuild; for f in "$@"; do echo "$f"; done; }; }) |
		(cd "$LLPOOL_REPO" && cpio -pdm --quiet "$dest")
}
