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
	local before
	before=$(package_state)
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
	# What this install changed (the packages and their dependencies),
	# for make check's gate:host-untouched-packages: nothing else may.
	# diff exits 1 when it finds a change, as it does here: under a
	# caller's pipefail and errexit that status must not end the caller
	# (it ended kselftest.sh silently on a machine without rsync).
	if [ -n "${LLPOOL_PKGLOG:-}" ]; then
		{ diff <(echo "$before") <(package_state) || true; } |
			sed -n 's/^> //p' >> "$LLPOOL_PKGLOG"
	fi
	return 0
}

# tree_state DIR...: every path under the DIRs with its size and
# modification time, sorted: two calls compared show any write.
tree_state() {
	find "$@" -xdev -printf '%p %s %T@\n' 2>/dev/null | sort
}

# The host's installed packages, one "name version status" a line.
package_state() {
	dpkg-query -W -f '${Package}:${Architecture} ${Version} ${db:Status-Abbrev}\n' 2>/dev/null | sort
}

# Kernel source packages the host's own apt suites (bookworm) do not
# carry, and the suite of the same Debian archive that does.  They are
# fetched with apt's own tools through a private configuration under the
# cache (fetch_source_pkg), never installed on the host.
declare -A LLPOOL_PRIVATE_SUITE=(
	[linux-source-7.3]=trixie-backports
)
LLPOOL_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# apt_archive_uri: the Debian archive address the host's apt already uses
# for its main suite (not -security, not a third-party repository whose
# key is not Debian's), from /etc/apt/sources.list.d/*.sources (deb822)
# or /etc/apt/sources.list (one-line).  Read only.
apt_archive_uri() {
	local uri
	# One stanza at a time (a blank line ends it); the first that serves
	# binary packages ("Types: deb"), is signed by Debian's archive
	# keyring and names a suite that is not -security.
	uri=$(awk '
		function judge() {
			if (deb && key && ok && u != "") { print u; found = 1; exit }
			deb = key = ok = 0; u = ""
		}
		FNR == 1 { judge() }
		/^[ \t]*$/ { judge(); next }
		/^Types:/ { for (j = 2; j <= NF; j++) if ($j == "deb") deb = 1 }
		/^URIs:/ { u = $2 }
		/^Suites:/ { for (j = 2; j <= NF; j++) if ($j !~ /-security$/) ok = 1 }
		/^Signed-By:.*debian-archive-keyring/ { key = 1 }
		END { if (!found) judge() }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
	# One-line sources carry no keyring as a rule: there, the first "deb"
	# line for the host's own release (VERSION_CODENAME), a suite a
	# third-party repository does not use.
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		local codename
		codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
		uri=$(awk -v rel="$codename" '$1 == "deb" {
			i = 2; if ($2 ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++
			if ($2 ~ /^\[/) i++
			if (rel != "" && $(i + 1) == rel) { print $i; exit }
		}' /etc/apt/sources.list)
	fi
	[ -n "$uri" ] || return 1
	echo "$uri"
}

# private_apt DIR SUITE APT-GET-ARGS...: apt-get with a configuration of
# its own in DIR: a sources list naming only SUITE of the Debian archive
# the host uses (signed by Debian's archive keyring), its own package
# lists and cache, and none of the host's configuration files
# (APT_CONFIG: no /etc/apt/apt.conf, no apt.conf.d, so none of the host's
# hooks, such as an update's Post-Invoke, runs) but for the host's
# Acquire:: settings a download may need (proxy, Check-Valid-Until),
# taken from `apt-config dump`.  Runs in DIR/debs; output in
# DIR/apt.log.  The host's /etc/apt, /var/lib/apt and /var/cache/apt are
# left as they were (gate:private-apt proves it).
private_apt() {
	local d=$1 suite=$2 uri
	shift 2
	uri=$(apt_archive_uri) ||
		die "no Debian archive address in the host's apt sources (/etc/apt)"
	[ -f "$LLPOOL_KEYRING" ] || ensure_packages "debian-archive-keyring:$LLPOOL_KEYRING"
	command -v apt-get >/dev/null && command -v apt-config >/dev/null ||
		die "apt-get is needed to fetch from suite $suite"
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/debs" "$d/empty"
	echo "deb [signed-by=$LLPOOL_KEYRING] $uri $suite main" > "$d/sources.list"
	{
		apt-config dump 2>/dev/null |
			grep -E '^Acquire::(https?::Proxy|ftp::Proxy|Check-Valid-Until|Check-Date|Retries|ForceIPv4|ForceIPv6) '
		# The download runs as root, not apt's sandbox user: the
		# directory is root's (apt would warn and do the same).
		cat <<-CONF
		Dir::Etc::Main "/dev/null";
		Dir::Etc::Parts "$d/empty";
		Dir::Etc::sourcelist "$d/sources.list";
		Dir::Etc::sourceparts "$d/empty";
		Dir::Etc::preferences "/dev/null";
		Dir::Etc::preferencesparts "$d/empty";
		Dir::State::Lists "$d/lists";
		Dir::Cache "$d/cache";
		APT::Sandbox::User "root";
		CONF
	} > "$d/apt.conf"
	(cd "$d/debs" && APT_CONFIG=$d/apt.conf apt-get -q "$@") >"$d/apt.log" 2>&1
}

# fetch_source_pkg PKG: download PKG from its suite (LLPOOL_PRIVATE_SUITE)
# with private_apt under $LLPOOL_CACHE/apt and unpack the .deb with
# dpkg-deb into $LLPOOL_CACHE/pkg/PKG.  Nothing is installed.  Done once;
# print the source tarball's path.
fetch_source_pkg() {
	local pkg=$1 suite=${LLPOOL_PRIVATE_SUITE[$1]:-} d=$LLPOOL_CACHE/apt
	local dest=$LLPOOL_CACHE/pkg/$1 deb
	[ -n "$suite" ] || die "fetch_source_pkg: no suite known for $pkg"
	if [ -f "$dest/usr/src/$pkg.tar.xz" ]; then
		echo "$dest/usr/src/$pkg.tar.xz"
		return
	fi
	command -v dpkg-deb >/dev/null || die "dpkg-deb is needed to unpack $pkg"
	rm -rf "$d"
	log "fetching $pkg from suite $suite with a private apt configuration ($d)"
	private_apt "$d" "$suite" update ||
		die "apt-get update for suite $suite failed: $(tail -3 "$d/apt.log")"
	private_apt "$d" "$suite" download "$pkg" ||
		die "apt-get download $pkg failed: $(tail -3 "$d/apt.log")"
	deb=$(ls "$d/debs/${pkg}_"*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || die "apt-get download $pkg left no .deb in $d/debs"
	rm -rf "$dest" "$dest.tmp"
	mkdir -p "$LLPOOL_CACHE/pkg"
	dpkg-deb -x "$deb" "$dest.tmp" || die "dpkg-deb -x $deb failed"
	[ -f "$dest.tmp/usr/src/$pkg.tar.xz" ] || die "$deb holds no usr/src/$pkg.tar.xz"
	basename "$deb" > "$dest.tmp/.llpool-deb"
	mv "$dest.tmp" "$dest"
	rm -f "$deb"
	log "$pkg: $(cat "$dest/.llpool-deb")"
	echo "$dest/usr/src/$pkg.tar.xz"
}

# source_tarball PKG: the tarball of a linux-source package, installing
# it from the host's suites or fetching it privately as the table says.
source_tarball() {
	local pkg=$1
	if [ -n "${LLPOOL_PRIVATE_SUITE[$pkg]:-}" ]; then
		fetch_source_pkg "$pkg"
	else
		ensure_packages "$pkg:/usr/src/$pkg.tar.xz"
		echo "/usr/src/$pkg.tar.xz"
	fi
}

# Unpack a linux-source package once; print the source directory.
# The tree stays pristine: every build uses O=.
kernel_source() {
	local pkg=${1:-$LLPOOL_SRC_PKG} tarball dir
	tarball=$(source_tarball "$pkg") || exit 1
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

# require_clean_tree: a result names the commit it measured, so a command
# that writes one refuses a tree with uncommitted changes to tracked files.
require_clean_tree() {
	[ -z "$(git -C "$LLPOOL_REPO" status --porcelain --untracked-files=no)" ] ||
		die "the tree has uncommitted changes: commit first, a result names its commit"
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
	# The report's first line: "Value requested for CONFIG_X not in final
	# .config" (6.1, 6.12), with "WARNING: " before it (7.3), or
	# "WARNING: CONFIG_X differs:" (7.3: a value other than the one asked).
	awk '{ sub(/^WARNING: /, "") }
	     /^Value requested for / { opt = $4; next }
	     /^CONFIG_[A-Za-z0-9_]+ differs:$/ { opt = $1; next }
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
