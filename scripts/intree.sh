#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The in-tree series, patches/intree/, against Debian's pristine 7.3:
#   0001  llpool in mm/, generated from this repository's sources by
#         scripts/intree.py (one source of truth: never edit it by hand)
#   0002  kvfree_rcu_counts(): where kvfree_rcu() put its objects (blocks,
#         rcu_head, inline synchronize_rcu()) and the page cache's pages,
#         printed by rcuscale
#   0003  test_vmalloc prints them after its kvfree_rcu tests (0002 and
#         0003 apply to the stock kernel without the pool)
#   0004  kvfree_rcu()'s block pages from an llpool
#         (slab_common.kvfree_rcu_llpool=N, the pool's high mark)
#
#   intree.sh gen     rewrite 0001 from the sources (`make intree`)
#   intree.sh check   make check's gates, one PASS/FAIL line each:
#                       intree:in-step  0001 is what the sources give today
#                       intree:applies  the series applies to a pristine tree
#                                       (git apply, no fuzz), and 0002-0003
#                                       without the pool
#                       intree:checkpatch  each patch is --strict clean
#                                       (7.3's checkpatch)
#                       intree:cover-letter  0000-cover-letter.txt lists
#                                       every patch, numbered n/total
#                       intree:compiles every C file the series touches
#                                       compiles in the intree kernel's
#                                       configuration (bench73 options,
#                                       CONFIG_LLPOOL, rcuscale); the whole
#                                       kernel is make intree-bench's
#                       intree:W=1      the same files with W=1: no warning
#                       intree:compilesrt, intree:W=1rt  the same in the
#                                       intreert (PREEMPT_RT) configuration
#   intree.sh bench   `make intree-bench`: rcuscale's kfree_rcu test and
#                     test_vmalloc's kvfree_rcu tests on the intree
#                     (bench73) and intreert (bench73rt, PREEMPT_RT)
#                     kernels, both call forms of each (INTREE_FORMS,
#                     default "double single vdouble vsingle", bench_args
#                     below), for each N of INTREE_OBJS (default
#                     "5"): kvfree_rcu on an llpool of high mark N, on its
#                     page cache of N pages per CPU with and without the
#                     cache's fill throttle, and on a page cache sized to
#                     what the pool held; INTREE_RUNS boots each (3),
#                     INTREE_LOOPS (20); writes results/intree.md and
#                     results/intree.rst
#   intree.sh torture `make intree-torture`: on the debug and
#                     debug+PREEMPT_RT kernels with the series, a boot with
#                     the pool (rcutorture beside test_vmalloc's kvfree_rcu
#                     tests for TORTURE_SECS, default 60; the books after a
#                     barrier; the pool run empty in each call form) and a
#                     boot with a pool size the kernel refuses; every boot's
#                     verdict (scripts/guest/plan-intreetorture.sh)
#   intree.sh trace   `make intree-trace`: rcuscale's two-argument kfree_rcu
#                     test on the intreetrace kernel (intree + event
#                     tracing), llpool's, workqueue and sched events from
#                     boot, up to TRACE_BOOTS boots (8) until one falls
#                     back; its trace and the pool's statistics are in
#                     out/intree-trace/boot-N/results.log
set -uo pipefail
. "$(dirname "$0")/lib.sh"

src=$(kernel_source linux-source-7.3)
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
	# 0002 and 0003 (the fallback counters, and test_vmalloc's print of
	# them) must also apply without the pool to the stock tree, which make
	# intree-bench's stock rows assume.
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
	local counters
	mapfile -t counters < <(printf '%s\n' "${series[@]}" | grep '/000[23]-')
	pristine "$tmp"
	git -C "$tmp" init -q
	out=""
	apply "$tmp" "${series[@]}"
	mkdir "$tmp.alone"
	pristine "$tmp.alone"
	git -C "$tmp.alone" init -q
	apply "$tmp.alone" "${counters[@]}"
	rm -rf "$tmp.alone"
	if [ -z "$out" ]; then
		echo "PASS intree:applies -- ${#series[@]} patches on $(basename "$src") with git apply, and ${#counters[@]} without the pool (0002, 0003)"
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
	# A long Subject is folded (RFC 5322): its continuation lines start
	# with white space.
	out=""
	for p in "${series[@]}"; do
		f=$(awk '/^Subject: /{ s = $0
				while ((getline n) > 0 && n ~ /^[ \t]/) { sub(/^[ \t]+/, " ", n); s = s n }
				print s; exit }' "$p" |
			sed -n 's/^Subject: \[PATCH \([0-9]*\/[0-9]*\)\] \(.*\)/\1 \2/p')
		[ "${f%%/*}" -ge 1 ] 2>/dev/null && [ "${f#*/}" = "${#series[@]} ${f#* }" ] &&
			grep -qxF "  ${f#* }" "$cover" || out="$out $(basename "$p")"
	done
	if [ -z "$out" ]; then
		echo "PASS intree:cover-letter -- $(basename "$cover") lists the ${#series[@]} patches"
	else
		echo "FAIL intree:cover-letter -- not numbered n/${#series[@]} or not in $(basename "$cover"):$out"
	fi
	rm -rf "$tmp"
	# Every C file the series touches, compiled in the configurations of
	# the intree kernel and of intreert (PREEMPT_RT, where kvfree_rcu()
	# and llpool take other paths): the whole kernels take minutes more
	# than make check's budget has, and make intree-bench builds them.
	local objs k objdir psrc rc
	mapfile -t objs < <(sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' "${series[@]}" | sort -u)
	for k in intree intreert; do
		if build_kernel "$k" --objects "${objs[@]}" >&2; then
			echo "PASS intree:compiles${k#intree} -- ${objs[*]}, configured as kernel $k (configs/$k.config)"
		else
			echo "FAIL intree:compiles${k#intree} -- see $LLPOOL_CACHE/build/$k-objects/build.log"
			continue
		fi
		# The same files again with W=1, recompiled every time (an
		# object kbuild thinks up to date prints nothing): no warning.
		# sparse cannot check them: Debian's sparse cannot parse 7.3's
		# headers (gates.sh).
		objdir=$LLPOOL_CACHE/build/$k-objects
		psrc=$(cat "$objdir/.llpool-src")
		(cd "$objdir" && rm -f "${objs[@]}")
		make -C "$psrc" O="$objdir" W=1 -j"$LLPOOL_JOBS" "${objs[@]}" > "$objdir/w1.log" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && ! grep -qE 'warning:|error:' "$objdir/w1.log"; then
			echo "PASS intree:W=1${k#intree} -- ${objs[*]} compiled with W=1 as kernel $k, no warning"
		else
			echo "FAIL intree:W=1${k#intree} -- make exit $rc: $(grep -E 'warning:|error:' "$objdir/w1.log" | head -3 | tr '\n' ' ')"
		fi
	done
}

# A bench boot's load and kvfree_rcu's block pages: bench_args FORM MODE.
# FORM is double or single, rcuscale's kfree_rcu test from boot in that
# call form, or vdouble or vsingle, test_vmalloc's kvfree_rcu test of that
# form loaded by the plan (INTREE_VMALLOC; INTREE_VLOOPS objects a CPU,
# default 20000), with the built-in rcuscale told to start no thread.  MODE is one of
#   stock-N    the page cache, rcu_min_cached_objs=N
#   nodelay-N  the same without the cache's fill throttle
#              (rcu_delay_page_cache_fill_msec=0)
#   llpool-N   an llpool of high mark N (slab_common.kvfree_rcu_llpool=N)
# words without spaces, which the callers split.
bench_args() {
	case $1 in
	double | single)
		echo rcuscale.kfree_rcu_test=1 "rcuscale.kfree_rcu_test_$1=1" \
			rcuscale.shutdown_secs=0 "rcuscale.kfree_loops=${INTREE_LOOPS:-20}" ;;
	vdouble | vsingle)
		echo rcuscale.nreaders=0 rcuscale.nwriters=0 rcuscale.shutdown_secs=0 \
			"INTREE_VMALLOC=$([ "$1" = vdouble ] && echo 512 || echo 256)" \
			"INTREE_VLOOPS=${INTREE_VLOOPS:-20000}" ;;
	*) die "bench_args: no form $1" ;;
	esac
	case $2 in
	stock-*) echo "slab_common.rcu_min_cached_objs=${2#stock-}" ;;
	nodelay-*) echo "slab_common.rcu_min_cached_objs=${2#nodelay-}" \
		slab_common.rcu_delay_page_cache_fill_msec=0 ;;
	llpool-*) echo "slab_common.kvfree_rcu_llpool=${2#llpool-}" ;;
	*) die "bench_args: no mode $2" ;;
	esac
}

# One boot of make intree-bench: OUT/KERNEL-N-FORM-MODE-RUN, judged by
# verdict.py (any splat fails it) into OUT/summary.txt.
bench_boot() {
	local out=$1 k=$2 n=$3 form=$4 mode=$5 run=$6
	local name=$k-$n-$form-$mode-$run
	"$LLPOOL_REPO/scripts/boot.sh" "$k" intree "$out/$name" $(bench_args "$form" "$mode")
	"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$src/tools/testing/kunit/kunit.py" \
		--cases "$LLPOOL_REPO/scripts/expect/intree.cases" \
		--tags "$k,bench$([[ $form = v* ]] && echo ,vmalloc)" \
		"$out/$name" "$name" | tee -a "$out/summary.txt"
}

# For each kernel, N and call form: the pool of high mark N first, then,
# run by run, the page cache of N pages per CPU with and without its fill
# throttle, and a page cache sized to what the pool held right after its
# runs (the median, divided among the vCPUs, rounded up).
bench() {
	local out=$LLPOOL_OUT_INTREE k form n run m
	local runs=${INTREE_RUNS:-3}
	require_clean_tree
	rm -rf "$out"
	mkdir -p "$out"
	export LLPOOL_ACCEL=tcg
	for k in intree intreert; do
		# llpool is built in: no modules of ours (they would export its
		# symbols twice).
		build_kernel "$k" || die "kernel $k"
		for n in ${INTREE_OBJS:-5}; do
		for form in ${INTREE_FORMS:-double single vdouble vsingle}; do
			for run in $(seq "$runs"); do
				bench_boot "$out" "$k" "$n" "$form" "llpool-$n" "$run"
			done
			m=$("$LLPOOL_REPO/scripts/intree_report.py" --sized "$out" "$k-$n-$form-llpool-$n" \
				"$runs" "${LLPOOL_SMP:-4}") || die "no pool runs to size the cache from"
			echo "$k-$n-$form: the pool-sized page cache holds $m pages per CPU" |
				tee -a "$out/sized.txt"
			for run in $(seq "$runs"); do
				bench_boot "$out" "$k" "$n" "$form" "stock-$n" "$run"
				bench_boot "$out" "$k" "$n" "$form" "nodelay-$n" "$run"
				[ "$m" = "$n" ] ||
					bench_boot "$out" "$k" "$n" "$form" "stock-$m" "$run"
			done
		done
		done
	done
	"$LLPOOL_REPO/scripts/intree_report.py" "$out" "$LLPOOL_REPO/results" \
		"$(cat "$LLPOOL_CACHE/build/intree/include/config/kernel.release")" \
		"$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null)" \
		"${INTREE_OBJS:-5}" "${INTREE_LOOPS:-20}" "${INTREE_VLOOPS:-20000}" "$runs" "${LLPOOL_SMP:-4}"
}

# make intree-torture: on each debug kernel, four boots (see
# scripts/guest/plan-intreetorture.sh): rcutorture beside a kvfree_rcu
# load on the pool (N = INTREE_TORTURE_N, default 5), the page cache
# filled before the switch; the pool run empty in each call form; an N
# the kernel refuses (the page cache serves, its pages marked); and the
# books' positive control, a pool page in 16 lost; each judged by
# verdict.py against scripts/expect/intree.cases.  The debug kernels carry
# a test-only patch on top of the series (patches/intreetest/) for the
# first and the last.
torture() {
	local out=$LLPOOL_OUT_INTREE-torture k failed=0 tag args ctl
	local n=${INTREE_TORTURE_N:-5} commit
	require_clean_tree
	# Named now: writing the record below truncates a tracked file first,
	# which would make the tree look dirty to a describe run then.
	commit=$(git -C "$LLPOOL_REPO" describe --always --dirty)
	rm -rf "$out"
	mkdir -p "$out"
	for k in intreedebug intreedebugrt; do
		build_kernel "$k" || die "kernel $k"
	done
	# The two kernels' boots side by side (verdicts, not timings: one
	# guest a core), each kernel's four in order.
	for k in intreedebug intreedebugrt; do
		(
		for tag in torture empty nopool leakctl; do
			args=("INTREE_MODE=$tag" "slab_common.kvfree_rcu_llpool=$n")
			ctl=()
			case $tag in
			# The cache filled before the switch, for it to drain
			# (the test-only patch, patches/intreetest/).
			torture) args+=("TORTURE_SECS=${TORTURE_SECS:-60}" slab_common.kvfree_rcu_test_prefill=1) ;;
			# The books' positive control: the torture with one pool
			# page in 16 freed to the page allocator (the test-only
			# patch's planted mistake).  Its books must fail, with
			# allocs counted, nothing refused, and allocs - frees
			# exactly the pages it leaked; nothing else may fail.
			leakctl) args=(INTREE_MODE=torture "slab_common.kvfree_rcu_llpool=$n"
				       TORTURE_SECS=20 slab_common.kvfree_rcu_test_prefill=1
				       slab_common.kvfree_rcu_test_leak=16)
				ctl=(--expect ':intree:books-after-torture -- .*: allocs=[1-9][0-9]* frees=[0-9]+ refused=0 .* allocs-frees=([1-9][0-9]*) planted-leak=\1$') ;;
			# High mark 1: a reserve smaller than the blocks rcuscale
			# keeps in flight, once the refills fail.  Off PREEMPT_RT,
			# SLUB's sheaves take rcuscale's kmalloc'd objects before
			# kvfree_rcu's blocks; a debug flag turns them off.
			empty) args=("INTREE_MODE=$tag" slab_common.kvfree_rcu_llpool=1)
				[ "$k" = intreedebug ] && args+=(slab_debug=U) ;;
			nopool) args=("INTREE_MODE=$tag" slab_common.kvfree_rcu_llpool=1000) ;;
			esac
			"$LLPOOL_REPO/scripts/boot.sh" "$k" intreetorture "$out/$k-$tag" "${args[@]}" >&2
			"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$src/tools/testing/kunit/kunit.py" \
				--cases "$LLPOOL_REPO/scripts/expect/intree.cases" \
				--tags "$k,${tag/leakctl/torture,leakctl}" "${ctl[@]}" \
				"$out/$k-$tag" "$k/$tag"
		done
		) > "$out/$k.summary" &
	done
	wait
	cat "$out"/intreedebug.summary "$out"/intreedebugrt.summary | tee "$out/summary.txt"
	grep -q '^FAIL' "$out/summary.txt" && failed=1
	local tally
	tally="$(grep -c '^PASS' "$out/summary.txt") passed, $(grep -c '^FAIL' "$out/summary.txt") failed"
	{
		echo "# make intree-torture: the series' debug kernels"
		echo
		echo "Command: \`TORTURE_SECS=${TORTURE_SECS:-60} INTREE_TORTURE_N=$n make intree-torture\`."
		echo "Commit: $commit.  Kernels:" \
			"$(cat "$LLPOOL_CACHE/build/intreedebug/include/config/kernel.release") (intreedebug," \
			"intreedebugrt: the debug73 and rt73 options, lockdep, KASAN, kmemleak, DEBUG_VM)." \
			"vCPUs: ${LLPOOL_SMP:-4}.  Clock: QEMU TCG.  Date: $(date -u +%F)."
		echo
		echo "Boots (scripts/guest/plan-intreetorture.sh): KERNEL/torture booted with"
		echo "slab_common.kvfree_rcu_llpool=$n and the test-only"
		echo "slab_common.kvfree_rcu_test_prefill=1 (patches/intreetest/: the page cache"
		echo "filled before the switch), KERNEL/empty with slab_common.kvfree_rcu_llpool=1"
		echo "(intreedebug/empty also with slab_debug=U, which turns SLUB's sheaves off),"
		echo "KERNEL/nopool with"
		echo "slab_common.kvfree_rcu_llpool=1000 (refused: the page cache serves), and"
		echo "KERNEL/leakctl, the books' positive control: the torture for 20 s with the"
		echo "test-only slab_common.kvfree_rcu_test_leak=16 (one pool page in 16 freed to"
		echo "the page allocator), whose books must fail and nothing else; the"
		echo "cases each must report are scripts/expect/intree.cases.  verdict.py's lines,"
		echo "each result's own message after \`--\`:"
		echo
		echo '```'
		cat "$out/summary.txt"
		echo '```'
		echo
		echo "$tally"
	} > "$LLPOOL_REPO/results/intree_torture.md"
	echo "$tally"
	return $failed
}

trace() {
	local out=$LLPOOL_OUT_INTREE-trace i n
	rm -rf "$out"
	mkdir -p "$out"
	build_kernel intreetrace || die "kernel intreetrace"
	for i in $(seq "${TRACE_BOOTS:-8}"); do
		LLPOOL_ACCEL=tcg "$LLPOOL_REPO/scripts/boot.sh" intreetrace intree "$out/boot-$i" \
			$(bench_args double "llpool-${TRACE_OBJS:-5}") INTREE_TRACE=1 \
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

# build_kernel VARIANT [--objects ...]: kernel.sh, after emptying a build
# directory made from another source tree.  The series moved from 6.12 to
# 7.3, and kernel.sh reconfigures a directory in place: 6.12's objtool
# objects left in it broke the 7.3 build.
build_kernel() {
	local d=$LLPOOL_CACHE/build/$1
	[ "${2:-}" = --objects ] && d=$d-objects
	if [ -f "$d/.llpool-src" ] && [[ $(cat "$d/.llpool-src") != "$src"* ]]; then
		log "$d was built from $(cat "$d/.llpool-src"): emptying it for $(basename "$src")"
		rm -rf "$d"
	fi
	"$LLPOOL_REPO/scripts/kernel.sh" "$@"
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
