#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hygiene gates, one test each: scripts/gates.sh VARIANT
#   gate:checkpatch   checkpatch.pl --strict --no-tree on every .c/.h
#   gate:kernel-doc   scripts/kernel-doc -none -Wall on every .c/.h
#   gate:sparse       make C=2 (sparse) against the VARIANT kernel, or the
#                     first of LLPOOL_SPARSE_VARIANTS whose build accepts
#                     Debian's sparse (7.3's does not): each of our C files
#                     checked, no warning in them (with its control,
#                     gate:sparse-control)
#   gate:version      MODULE_VERSION (pool.h) and dkms.conf agree
#   gate:docs         Sphinx with the kernel's kernel-doc extension builds
#                     Documentation/ with no warning (scripts/docs.sh)
#   gate:config-report merge_config.sh's report, as kernel.sh reads it
#                     (fragments_landed): VARIANT's fragment is in its
#                     .config, and an option x86 cannot have is reported
#   gate:case-lists   the KUnit cases of kunit/*.c are the ones the boots'
#                     case lists (scripts/expect/) name (scripts/case_lists.py;
#                     with its control, gate:case-lists-control)
#   gate:doc-numbers  every measured number README.md and Documentation/
#                     quote is in a file under results/ (scripts/doc_numbers.py;
#                     with its control, gate:doc-numbers-control)
# (W=1 is modules.sh's test "VARIANT:modules-W=1".)  Prints PASS/FAIL lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-debug}
src=$(cat "$LLPOOL_CACHE/build/$variant/.llpool-src" 2>/dev/null) || src=$(kernel_source)
cd "$LLPOOL_REPO"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' 2>/dev/null ||
	find . -name '*.[ch]' -not -path './out/*')

gate() {	# gate NAME OUTPUT-FILE
	if [ -s "$2" ]; then
		echo "FAIL gate:$1 -- $(head -c 600 "$2" | tr '\n' ' ')"
	else
		echo "PASS gate:$1"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# checkpatch exceptions, each with its reason:
# - compat.h: LINUX_VERSION_CODE and CONSTANT_COMPARISON.  An out-of-tree
#   module that builds for 6.1 to 7.3 has to test the kernel version, and
#   it does so in this one header, in the form every compat header uses
#   (LINUX_VERSION_CODE >= KERNEL_VERSION(...)).  No other file may.
# - every file: ALLOC_WITH_SIZEOF (7.3's checkpatch: "Prefer kzalloc_obj
#   over kzalloc with sizeof").  kzalloc_obj() and its kin arrived after
#   6.12; the code builds for 6.1 and 6.12 too, with kzalloc(sizeof(*p)).
# - llpool_param.h: MACRO_ARG_REUSE.  LLPOOL_PARAM_UINT() declares a
#   parameter: its arguments are that parameter's name and constants, which
#   a declaration names more than once (variable, ops, modinfo); none can
#   have a side effect.
for f in "${files[@]}"; do
	ignore=(--ignore ALLOC_WITH_SIZEOF)
	[ "$f" = compat.h ] && ignore=(--ignore ALLOC_WITH_SIZEOF,LINUX_VERSION_CODE,CONSTANT_COMPARISON)
	[ "$f" = llpool_param.h ] && ignore=(--ignore ALLOC_WITH_SIZEOF,MACRO_ARG_REUSE)
	perl "$src/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		--no-summary "${ignore[@]}" -f "$f" >> "$tmp/checkpatch" 2>&1
done
gate checkpatch "$tmp/checkpatch"

for f in "${files[@]}"; do
	perl "$src/scripts/kernel-doc" -none -Wall "$f" >> "$tmp/kerneldoc" 2>&1
done
gate kernel-doc "$tmp/kerneldoc"

# sparse.  Debian's sparse (0.6.4, its newest) cannot parse
# __typeof_unqual__, which 7.3's headers use: 7.3's Makefile finds that
# (scripts/checker-valid.sh), warns, and turns C= off, checking nothing.
# So sparse runs against the first kernel of VARIANT and
# LLPOOL_SPARSE_VARIANTS (default: kcsan, on 6.12, then debug61, on 6.1)
# that is built and whose checker-valid.sh, if it has one, accepts the
# system's sparse.  Our sources are copied afresh (never a module tree
# another step builds in) and built with C=2; the gate requires make to
# succeed, a CHECK line for each of our C files, and no warning or error
# from sparse in them, and no error anywhere (sparse stops checking a
# file at an error in a header).  Its positive control: a module that
# dereferences a __user pointer, checked the same way, must draw sparse's
# warning.
sparse_run() {	# sparse_run VARIANT MODULE-DIR LOG: C=2 over MODULE-DIR
	make -C "$LLPOOL_CACHE/build/$1" M="$2" LLPOOL_TESTS=1 C=2 CHECK=sparse \
		-j"$LLPOOL_JOBS" modules > "$3" 2>&1
}
sparse_kernel=
if command -v sparse >/dev/null; then
	for v in $variant ${LLPOOL_SPARSE_VARIANTS:-kcsan debug61}; do
		b=$LLPOOL_CACHE/build/$v
		if [ ! -f "$b/Module.symvers" ] || [ ! -f "$b/.llpool-src" ]; then
			echo "$v: not built" >> "$tmp/sparse.why"
			continue
		fi
		ksrc=$(cat "$b/.llpool-src")
		if [ -f "$ksrc/scripts/checker-valid.sh" ] &&
		   [ "$(sh "$ksrc/scripts/checker-valid.sh" sparse --arch=x86 -m64 -mlittle-endian 2>/dev/null)" != 1 ]; then
			echo "$v: its Makefile refuses $(sparse --version 2>&1)" >> "$tmp/sparse.why"
			continue
		fi
		sparse_kernel=$v
		break
	done
fi
if [ -z "$sparse_kernel" ]; then
	echo "FAIL gate:sparse -- no kernel to run sparse against: $(tr '\n' ';' < "$tmp/sparse.why" 2>/dev/null)"
else
	mod=$tmp/sparse-src
	mkdir -p "$mod"
	copy_module_sources "$mod"
	sparse_run "$sparse_kernel" "$mod" "$tmp/sparse.all"
	rc=$?
	[ $rc -eq 0 ] || echo "make exit $rc: $(grep -m3 -E 'error|Error' "$tmp/sparse.all" | tr '\n' ' ')" >> "$tmp/sparse"
	grep 'C=2 specified, but' "$tmp/sparse.all" >> "$tmp/sparse"
	{ grep -F "$mod/" "$tmp/sparse.all" | grep -E 'warning|error'
	  grep -E '(^|[^a-z_])error:' "$tmp/sparse.all" | grep -vF "$mod/"; } >> "$tmp/sparse"
	# Each C file of ours that kbuild compiled must have been checked
	# (kbuild names it with its path, absolute or, since 6.13, relative).
	checked=0
	while read -r f; do
		[ -f "${f%.c}.o" ] || continue
		rel=${f#"$mod"/}
		if grep -qE "^ *CHECK +(.*/)?$rel\$" "$tmp/sparse.all"; then
			checked=$((checked + 1))
		else
			echo "$rel not checked" >> "$tmp/sparse"
		fi
	done < <(find "$mod" -name '*.c' ! -name '*.mod.c')
	[ "$checked" -gt 0 ] || echo "no file of ours checked" >> "$tmp/sparse"
	if [ -s "$tmp/sparse" ]; then
		gate sparse "$tmp/sparse"
	else
		echo "PASS gate:sparse -- C=2 against $sparse_kernel ($(cat "$LLPOOL_CACHE/build/$sparse_kernel/include/config/kernel.release")), $checked files of ours checked, no warning$( [ -s "$tmp/sparse.why" ] && echo "; not against $(tr '\n' ';' < "$tmp/sparse.why")")"
	fi
	mkdir -p "$tmp/sparse-control"
	printf 'obj-m := sparse_control.o\n' > "$tmp/sparse-control/Kbuild"
	cat > "$tmp/sparse-control/sparse_control.c" <<-'EOF'
	// SPDX-License-Identifier: GPL-2.0
	#include <linux/module.h>
	int sparse_control_read(int __user *p);
	int sparse_control_read(int __user *p) { return *p; }
	MODULE_LICENSE("GPL");
	EOF
	sparse_run "$sparse_kernel" "$tmp/sparse-control" "$tmp/sparse-control.log"
	if grep -q 'sparse_control.c:.*warning: dereference of noderef expression' "$tmp/sparse-control.log"; then
		echo "PASS gate:sparse-control -- a __user pointer dereferenced draws: $(grep -m1 -o 'warning: dereference of noderef expression' "$tmp/sparse-control.log")"
	else
		echo "FAIL gate:sparse-control -- no warning for a __user pointer dereferenced: $(grep -E 'warning|error' "$tmp/sparse-control.log" | head -3 | tr '\n' ' ')"
	fi
fi

# One version: pool.h's LLPOOL_VERSION (MODULE_VERSION of both modules)
# is dkms.conf's PACKAGE_VERSION.
modver=$(sed -n 's/^#define LLPOOL_VERSION[[:space:]]*"\(.*\)"/\1/p' pool.h)
dkmsver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
if [ -n "$modver" ] && [ "$modver" = "$dkmsver" ]; then
	echo "PASS gate:version -- $modver"
else
	echo "FAIL gate:version -- pool.h says '$modver', dkms.conf says '$dkmsver'"
fi

# kernel.sh refuses a kernel whose fragments did not land, on
# merge_config.sh's report (fragments_landed).  The same call on VARIANT's
# .config and fragments, from the source kernel.sh configured it from
# (.llpool-src), must pass; with a fragment asking for KASAN_SW_TAGS
# (arm64 only) added, it must fail and name it.
config=$LLPOOL_CACHE/build/$variant/.config
cfg_src=$(cat "$LLPOOL_CACHE/build/$variant/.llpool-src" 2>/dev/null)
printf 'CONFIG_KASAN_SW_TAGS=y\n' > "$tmp/control.config"
if [ ! -f "$config" ] || [ ! -d "$cfg_src" ] || ! cfg_frags=$(variant_fragments "$variant"); then
	echo "FAIL gate:config-report -- no $config, source or fragments (scripts/kernel.sh $variant)"
else
	mapfile -t cfg_frags <<< "$cfg_frags"
	if ! fragments_landed "$cfg_src" "$config" "$tmp/mc" "${cfg_frags[@]}" 2> "$tmp/mc.err"; then
		echo "FAIL gate:config-report -- $variant's own fragments reported: $(head -c 400 "$tmp/mc.err" | tr '\n' ' ')"
	elif fragments_landed "$cfg_src" "$config" "$tmp/mcc" "${cfg_frags[@]}" "$tmp/control.config" 2> "$tmp/mcc.err" ||
		! grep -q '^CONFIG_KASAN_SW_TAGS: ' "$tmp/mcc.err"; then
		echo "FAIL gate:config-report -- the control (CONFIG_KASAN_SW_TAGS=y) was not reported: $(head -c 400 "$tmp/mcc.err" | tr '\n' ' ')"
	else
		echo "PASS gate:config-report -- ${#cfg_frags[@]} fragment(s) of $variant in its .config; the control: $(head -n 1 "$tmp/mcc.err")"
	fi
fi

if "$LLPOOL_REPO/scripts/docs.sh" > "$tmp/docs" 2>&1; then
	echo "PASS gate:docs -- sphinx-build -W, $(ls "$LLPOOL_REPO"/out/docs/html/*.html | wc -l) pages in out/docs/html"
else
	echo "FAIL gate:docs -- $(grep -v '^\[llpool' "$tmp/docs" | head -c 600 | tr '\n' ' ')"
fi

# The boots' case lists name every KUnit case of the sources, and only
# those (scripts/case_lists.py, with its positive control).
python3 "$LLPOOL_REPO/scripts/case_lists.py" "$LLPOOL_REPO"

# Every measured number README.md and Documentation/ quote is in a file
# under results/ (scripts/doc_numbers.py, with its positive control).
python3 "$LLPOOL_REPO/scripts/doc_numbers.py" "$LLPOOL_REPO"
