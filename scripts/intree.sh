#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The in-tree series, patches/intree/, against Debian's pristine 6.12:
#   0001  llpool in mm/, generated from this repository's sources by
#         scripts/intree.py (one source of truth: never edit it by hand)
#   0002  counters of kvfree_rcu()'s fallbacks, printed by rcuscale (applies
#         to the stock kernel alone)
#   0003  kvfree_rcu()'s block pages from an llpool (rcutree.kvfree_rcu_llpool=1)
#
#   intree.sh gen     rewrite 0001 from the sources (`make intree`)
#   intree.sh check   make check's gates, one PASS/FAIL line each:
#                       intree:in-step  0001 is what the sources give today
#                       intree:applies  the series applies to a pristine tree
#                                       (git apply, no fuzz), and 0002 alone
#                       intree:checkpatch  each patch is --strict clean
#                       intree:cover-letter  0000-cover-letter.txt lists
#                                       every patch, numbered n/total
#                       intree:compiles every C file the series touches
#                                       compiles in the intree kernel's
#                                       configuration (bench options,
#                                       CONFIG_LLPOOL, rcuscale); the whole
#                                       kernel is make intree-bench's
#   intree.sh bench   `make intree-bench`: rcuscale's kfree_rcu test on the
#                     intree and intreert (PREEMPT_RT) kernels, kvfree_rcu on
#                     its page cache and on an llpool, both call forms,
#                     INTREE_OBJS page-cache sizes (default "5 64"),
#                     INTREE_FORMS call forms (default "double single"),
#                     INTREE_RUNS boots each (3), INTREE_LOOPS (20);
#                     writes results/intree.md and results/intree.rst
#   intree.sh torture `make intree-torture`: rcutorture on the debug and
#                     debug+PREEMPT_RT kernels with the series, kvfree_rcu on
#                     an llpool, test_vmalloc's kvfree_rcu tests beside it
#                     (TORTURE_SECS, default 60); every boot's verdict
#   intree.sh trace   `make intree-trace`: rcuscale's two-argument kfree_rcu
#                     test on the intreetrace kernel (intree + event
#                     tracing), llpool's, workqueue and sched events from
#                     boot, up to TRACE_BOOTS boots (8) until one falls
#                     back; its trace and the pool's statistics are in
#                     out/intree-trace/boot-N/results.log
set -uo pipefail
. "$(dirname "$0")/lib.sh"

src=$(kernel_source)
series=("$LLPOOL_REPO"/patches/intree/0*.patch)
cover=$LLPOOL_REPO/patches/intree/0000-cover-letter.txt
gen0001() {
	"$LLPOOL_REPO/scripts/intree.py" "$src" \
		"$LLPOOL_REPO/patches/intree/0001-mm-llpool-lock-less-per-CPU-page-pools-for-any-context.patch" "$@"
}

check() {
	local tmp f p out
	tmp=$(mktemp -d)
	if out=$(gen0001 --check 2>&1); then
		echo "PASS intree:in-step -- $(basename "${series[0]}")"
	else
		echo "FAIL intree:in-step -- $out"
	fi
	# Applied in order to a copy of the files the series touches, with
	# git apply: exact context, no fuzz, as a maintainer's git am would.
	# 0002 (the fallback counters) must also apply alone to the stock tree,
	# which make intree-bench's stock rows assume.
	pristine() {
		local d=$1 p f
		for p in "${series[@]}"; do
			sed -n 's|^--- a/||p' "$p"
		done | sort -u | while read -r f; do
			mkdir -p "$d/$(dirname "$f")" && cp "$src/$f" "$d/$f"
		done
	}
	# Each copy is a git repository of its own: git apply run inside
	# another one's work tree (a TMPDIR there) would skip the paths
	# outside it and succeed having applied nothing.
	apply() {
		local d=$1 p e
		shift
		for p in "$@"; do
			e=$(cd "$d" && git apply --check "$p" 2>&1 && git apply "$p" 2>&1) ||
				{ out="$out $(basename "$p") ($(echo "$e" | head -1))"; return; }
		done
	}
	local p0002
	p0002=$(printf '%s\n' "${series[@]}" | grep '/0002-')
	pristine "$tmp"
	git -C "$tmp" init -q
	out=""
	apply "$tmp" "${series[@]}"
	mkdir "$tmp.alone"
	pristine "$tmp.alone"
	git -C "$tmp.alone" init -q
	apply "$tmp.alone" "$p0002"
	rm -rf "$tmp.alone"
	if [ -z "$out" ]; then
		echo "PASS intree:applies -- ${#series[@]} patches on $(basename "$src") with git apply, and $(basename "$p0002") alone"
	else
		echo "FAIL intree:applies -- does not apply exactly:$out"
	fi
	# checkpatch reads the git repository it runs in: run it from elsewhere.
	out=""
	for p in "${series[@]}"; do
		(cd "$tmp" && perl "$src/scripts/checkpatch.pl" --strict --no-tree --quiet "$p") \
			>/dev/null 2>&1 || out="$out $(basename "$p")"
	done
	if [ -z "$out" ]; then
		echo "PASS intree:checkpatch -- --strict, ${#series[@]} patches"
	else
		echo "FAIL intree:checkpatch -- not --strict clean:$out"
	fi
	# The cover letter names every patch, numbered out of the right total.
	out=""
	for p in "${series[@]}"; do
		f=$(sed -n 's/^Subject: \[PATCH \([0-9]*\/[0-9]*\)\] \(.*\)/\1 \2/p' "$p")
		[ "${f%%/*}" -ge 1 ] 2>/dev/null && [ "${f#*/}" = "${#series[@]} ${f#* }" ] &&
			grep -qxF "  ${f#* }" "$cover" || out="$out $(basename "$p")"
	done
	if [ -z "$out" ]; then
		echo "PASS intree:cover-letter -- $(basename "$cover") lists the ${#series[@]} patches"
	else
		echo "FAIL intree:cover-letter -- not numbered n/${#series[@]} or not in $(basename "$cover"):$out"
	fi
	rm -rf "$tmp"
	# Every C file the series touches, compiled in the intree kernel's
	# configuration: the whole kernel takes minutes more than make check's
	# budget has, and make intree-bench builds it.
	local objs
	mapfile -t objs < <(sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' "${series[@]}" | sort -u)
	if "$LLPOOL_REPO/scripts/kernel.sh" intree --objects "${objs[@]}" >&2; then
		echo "PASS intree:compiles -- ${objs[*]}, configured as kernel intree (configs/intree.config)"
	else
		echo "FAIL intree:compiles -- see $LLPOOL_CACHE/build/intree-objects/build.log"
	fi
}

# rcuscale's kfree_rcu test from boot: rcuscale_args FORM OBJS MODE, FORM
# double or single, OBJS rcu_min_cached_objs, MODE stock or llpool; words
# without spaces, which the callers split.
rcuscale_args() {
	echo rcuscale.kfree_rcu_test=1 "rcuscale.kfree_rcu_test_$1=1" \
		rcuscale.shutdown=0 "rcuscale.kfree_loops=${INTREE_LOOPS:-20}" \
		"rcutree.rcu_min_cached_objs=$2" \
		"rcutree.kvfree_rcu_llpool=$([ "$3" = llpool ] && echo 1 || echo 0)"
}

bench() {
	local out=$LLPOOL_OUT_INTREE k form mode objs run
	rm -rf "$out"
	mkdir -p "$out"
	export LLPOOL_ACCEL=tcg
	for k in intree intreert; do
		# llpool is built in: no modules of ours (they would export its
		# symbols twice).
		"$LLPOOL_REPO/scripts/kernel.sh" "$k" || die "kernel $k"
		for objs in ${INTREE_OBJS:-5 64}; do
		for form in ${INTREE_FORMS:-double single}; do
		for run in $(seq "${INTREE_RUNS:-3}"); do
			for mode in stock llpool; do
				"$LLPOOL_REPO/scripts/boot.sh" "$k" intree "$out/$k-$objs-$form-$mode-$run" \
					$(rcuscale_args "$form" "$objs" "$mode")
				"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$src/tools/testing/kunit/kunit.py" \
					"$out/$k-$objs-$form-$mode-$run" "$k/$objs-$form-$mode-$run" |
					tee -a "$out/summary.txt"
			done
		done
		done
		done
	done
	"$LLPOOL_REPO/scripts/intree_report.py" "$out" "$LLPOOL_REPO/results" \
		"$(cat "$LLPOOL_CACHE/build/intree/include/config/kernel.release")" \
		"$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null)" \
		"${INTREE_OBJS:-5 64}" "${INTREE_LOOPS:-20}" "${INTREE_RUNS:-3}"
}

torture() {
	local out=$LLPOOL_OUT_INTREE-torture k failed=0
	rm -rf "$out"
	mkdir -p "$out"
	for k in intreedebug intreedebugrt; do
		"$LLPOOL_REPO/scripts/kernel.sh" "$k" || die "kernel $k"
		"$LLPOOL_REPO/scripts/boot.sh" "$k" intreetorture "$out/$k" \
			rcutree.kvfree_rcu_llpool=1 "TORTURE_SECS=${TORTURE_SECS:-60}"
		"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$src/tools/testing/kunit/kunit.py" \
			"$out/$k" "$k/torture" | tee -a "$out/summary.txt"
	done
	grep -q '^FAIL' "$out/summary.txt" && failed=1
	echo "$(grep -c '^PASS' "$out/summary.txt") passed, $(grep -c '^FAIL' "$out/summary.txt") failed"
	return $failed
}

trace() {
	local out=$LLPOOL_OUT_INTREE-trace i n
	rm -rf "$out"
	mkdir -p "$out"
	"$LLPOOL_REPO/scripts/kernel.sh" intreetrace || die "kernel intreetrace"
	for i in $(seq "${TRACE_BOOTS:-8}"); do
		LLPOOL_ACCEL=tcg "$LLPOOL_REPO/scripts/boot.sh" intreetrace intree "$out/boot-$i" \
			$(rcuscale_args double "${TRACE_OBJS:-5}" llpool) INTREE_TRACE=1 \
			trace_event=llpool:*,workqueue:workqueue_activate_work,workqueue:workqueue_execute_start,sched:sched_switch,sched:sched_wakeup,sched:sched_waking \
			trace_buf_size=16M trace_clock=global
		n=$(sed -n 's/.*kvfree_rcu fallbacks: \([0-9]*\) objects.*/\1/p' "$out/boot-$i/results.log" | tail -1)
		log "boot $i: ${n:-no result} objects fell back"
		if [ "${n:-0}" != 0 ]; then
			log "the trace of a boot that fell back: $out/boot-$i/results.log"
			return 0
		fi
	done
	log "no fallback in ${TRACE_BOOTS:-8} boots; the traces are in $out"
}

LLPOOL_OUT_INTREE=${LLPOOL_OUT:-$LLPOOL_REPO/out/intree}
case ${1:-} in
gen) gen0001 ;;
check) check ;;
bench) bench ;;
torture) torture ;;
trace) trace ;;
*) die "usage: intree.sh gen|check|bench|torture|trace" ;;
esac
