#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: llpool against GFP_NOWAIT, GFP_ATOMIC, alloc_pages_nolock(),
# kmalloc_nolock(), objpool and mempool (and __GFP_NO_LOCKS on 6.12).
# BENCH_RELEASE picks the kernels (default 7.3):
#   7.3   bench73 (production-like, PREEMPT_LAZY, the export of
#         free_pages_nolock()), benchdebug73 (the debug options, the same
#         patch) and bench73rt (bench73 with PREEMPT_RT); results/bench73*;
#   6.12  bench, benchdebug, benchrt (PREEMPT_VOLUNTARY, the 2020 RFC's
#         __GFP_NO_LOCKS and a model of alloc_pages_nolock(), patches/bench/);
#         results/bench.md and its files.
# Builds what it needs, then:
#   - boots the bench kernel and runs every section of llpool_bench;
#   - boots the debug bench kernel and runs the legality section (lockdep);
#   - boots the PREEMPT_RT bench kernel and runs the by-context section;
#   - writes results/<name>.md, .rst, <name>_{tcg,icount}.csv, _hist.csv,
#     _ccdf.dat, _latency.png and prints each contender's ratio to llpool.
# The bench kernel runs twice: plain TCG, then -icount (BENCH_ICOUNT=0 skips it).
# BENCH_ROUNDS (default 5), BENCH_PAIRS (default 20000).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

set_name=${BENCH_RELEASE:-7.3}
case $set_name in
7.3)
	kfull=bench73 kdebug=benchdebug73 krt=bench73rt name=bench73
	label="bench73 (PREEMPT_LAZY)" rtlabel="bench73rt (PREEMPT_RT)" model=()
	# The pair section alone on the other models 7.3 users run: full
	# preemption (the bench73 kernel is PREEMPT_DYNAMIC, as distribution
	# kernels are) and PREEMPT_RT.
	models=("bench73 (preempt=full):$kfull:preempt=full" "$rtlabel:$krt:")
	patchnote="patches/bench73/ (free_pages_nolock() and drain_local_pages() exported)"
	;;
6.12)
	kfull=bench kdebug=benchdebug krt=benchrt name=bench
	label="bench (PREEMPT_VOLUNTARY)" rtlabel="benchrt (PREEMPT_RT)" model=(--model)
	models=()
	patchnote="patches/bench/ (__GFP_NO_LOCKS, a model of alloc_pages_nolock())"
	;;
*)
	die "BENCH_RELEASE=$set_name: must be 7.3 or 6.12"
	;;
esac
require_clean_tree
rounds=${BENCH_ROUNDS:-5}
pairs=${BENCH_PAIRS:-20000}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/bench}
res=$LLPOOL_REPO/results
ensure_packages "gnuplot-nox:/usr/bin/gnuplot"
rm -rf "$out"
mkdir -p "$out" "$res"
# The tables are TCG and icount measurements: no KVM even where it exists.
export LLPOOL_ACCEL=tcg
for v in $kfull $kdebug $krt; do
	"$LLPOOL_REPO/scripts/kernel.sh" "$v"
	"$LLPOOL_REPO/scripts/modules.sh" "$v"
done
"$LLPOOL_REPO/scripts/boot.sh" $kfull bench "$out/tcg" \
	BENCH_MODE=full "BENCH_ROUNDS=$rounds" "BENCH_PAIRS=$pairs"
# The icount run is deterministic.  It once crawled through the latency
# section (virtual-time jumps of seconds, 190 s instead of 11): refills
# that lost a race with frees were taken for failures and backed off.
runs=tcg
if [ "${BENCH_ICOUNT:-1}" != 0 ]; then
	runs="tcg icount"
	LLPOOL_QEMU_EXTRA="-icount shift=4,sleep=off" \
		"$LLPOOL_REPO/scripts/boot.sh" $kfull bench "$out/icount" \
		BENCH_MODE=full "BENCH_ROUNDS=$rounds" "BENCH_PAIRS=$pairs"
fi
"$LLPOOL_REPO/scripts/boot.sh" $kdebug bench "$out/legality" BENCH_MODE=legality
"$LLPOOL_REPO/scripts/boot.sh" $krt bench "$out/rt" BENCH_MODE=ctx
boots="$runs legality rt"
for run in $runs; do
	i=0
	for m in "${models[@]}"; do
		IFS=: read -r _ v arg <<<"$m"
		i=$((i + 1))
		extra=
		[ "$run" = icount ] && extra="-icount shift=4,sleep=off"
		LLPOOL_QEMU_EXTRA="$extra" "$LLPOOL_REPO/scripts/boot.sh" "$v" bench \
			"$out/$run-model$i" BENCH_MODE=pair "BENCH_ROUNDS=$rounds" \
			"BENCH_PAIRS=$pairs" $arg
		boots="$boots $run-model$i"
	done
done
for run in $boots; do
	grep -q 'llpool_bench: done' "$out/$run/console.log" ||
		die "bench run $run did not finish: $out/$run/console.log"
done
# A model's label must be the model that booted (7.3 prints it when the
# kernel is PREEMPT_DYNAMIC).
if [ ${#models[@]} -gt 0 ]; then
	grep -q 'Dynamic Preempt: lazy' "$out/tcg/console.log" ||
		die "the $kfull kernel did not boot PREEMPT_LAZY: $out/tcg/console.log"
	grep -q 'Dynamic Preempt: full' "$out/tcg-model1/console.log" ||
		die "preempt=full did not take: $out/tcg-model1/console.log"
fi

release=$(cat "$LLPOOL_CACHE/build/$kfull/include/config/kernel.release" 2>/dev/null)
commit=$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null)
for run in $runs; do
	echo "== ratios to llpool, $run run (same boot)"
	mode="QEMU TCG"
	[ "$run" = icount ] && mode="QEMU TCG -icount shift=4 (one instruction = 16 ns)"
	# The PREEMPT_RT boot is a TCG one: its table goes with the TCG run.
	extra=(--rt "$out/rt/console.log")
	[ "$run" = icount ] && extra=(--icount)
	i=0
	margs=()
	for m in "${models[@]}"; do
		i=$((i + 1))
		margs+=("${m%%:*}=$out/$run-model$i/console.log")
	done
	[ ${#margs[@]} -gt 0 ] && extra+=(--models "${margs[@]}")
	"$LLPOOL_REPO/scripts/bench_report.py" "$res" "${name}_$run" "$out/$run/console.log" \
		--legal "$out/legality/console.log" "${extra[@]}" "${model[@]}" --title "$mode" \
		--kernel-label "$label" --rt-label "$rtlabel" \
		--provenance "Linux $release ($kfull kernel, -O2), llpool $commit, 4 vCPUs, $mode, no KVM; BENCH_RELEASE=$set_name BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench, $(date -u +%Y-%m-%d)"
	gnuplot "$res/${name}_${run}_latency.gp"
	rm -f "$res/${name}_${run}_latency.gp"
done
{
	echo "# llpool against the page allocator's and slab's any-context answers and the other pools, Linux $release"
	echo
	echo "Command: \`BENCH_RELEASE=$set_name BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench\`. Date: $(date -u +%Y-%m-%d)."
	echo
	echo "Kernel $release ($kfull, $kdebug and $krt variants, with $patchnote),"
	echo "llpool $commit, 4 vCPUs, no KVM."
	echo "How it is measured (kernels, the two runs, every column):"
	echo "Documentation/results.rst, section Method."
	for run in $runs; do
		echo
		echo "## $run run"
		echo
		if [ "$run" = icount ]; then
			echo "Clock: QEMU TCG -icount shift=4,sleep=off: one instruction is 16 virtual ns."
		else
			echo "Clock: QEMU TCG, multi-threaded, guest time following the host's."
		fi
		echo
		cat "$res/${name}_$run.md"
		echo
		echo "![How often one allocation takes longer than x, $run run](${name}_${run}_latency.png)"
		echo
		echo "Plot data: ${name}_${run}_ccdf.dat; histograms: ${name}_${run}_hist.csv."
	done
} > "$res/$name.md.new"
# The same ratios in rst, included by Documentation/results.rst.
{
	echo ".. SPDX-License-Identifier: GPL-2.0"
	echo ".. Written by \`make bench\` (scripts/bench.sh); edits are lost."
	echo
	echo "Latest run: \`\`BENCH_RELEASE=$set_name BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench\`\`"
	echo "on $(date -u +%Y-%m-%d), Linux $release, llpool $commit, 4 vCPUs, no KVM."
	echo "Ratios are to llpool in the same boot (lower is better for cost and"
	echo "latency, higher for throughput); legality from the $kdebug kernel,"
	echo "the PREEMPT_RT by-context table from the $krt kernel."
	echo "Plots and raw numbers: \`\`results/$name.md\`\`."
	for run in $runs; do
		echo
		echo "$run run"
		echo "$run run" | tr -c '\n' '-'
		echo
		cat "$res/${name}_$run.rst"
	done
} > "$res/$name.rst.new"
rm -f "$res/${name}"_{tcg,icount}.{md,rst}
# The fast paths the pair rows measured, as each bench kernel's compiler
# laid them out (the PREEMPT_RT kernel's too): each function from its
# entry to its first ret, which is the common case wherever the cold
# branches are placed after it.
{
	echo "# The pair's fast paths in llpool_bench.o"
	echo
	echo "Written by \`BENCH_RELEASE=$set_name make bench\` (scripts/bench.sh), $(date -u +%Y-%m-%d),"
	echo "llpool $commit, Linux $release, $(gcc --version | sed -n 1p), objdump -d."
	echo "Each listing runs from the function's entry to its first ret: the common"
	echo "case, since the compiler places the calls to the slow halves after it."
	for v in $kfull $krt; do
		obj=$LLPOOL_CACHE/mod/$v/src/testmods/llpool_bench.o
		echo
		echo "# The $v kernel"
		for fn in c_llpool_alloc c_llpool_free c_floor_alloc c_floor_free; do
			echo
			# awk reads to the end (no exit): objdump must not die of SIGPIPE.
			objdump -d --no-show-raw-insn "$obj" | awk -v fn="$fn" -v v="$v" '
				done { next }
				$0 ~ "^[0-9a-f]+ <" fn ">:$" { on = 1; n = 0; print "## " fn ", " v; print ""; print "```"; next }
				on && /^$/ { done = 1; next }
				on { sub(/^ +[0-9a-f]+:\t/, ""); print "  " $0; n++ }
				on && /^ *ret/ { print "```"; print ""; print fn ", " v ": " n " instructions to the first ret"; done = 1 }'
		done
	done
} > "$res/${name}_fastpath.md"
# The pair rows of the model boots, raw, as the main boots' are in the csv.
if [ ${#models[@]} -gt 0 ]; then
	{
		echo "run,kernel,contender,pair_ns,rounds,misses"
		for run in $runs; do
			i=0
			for m in "${models[@]}"; do
				i=$((i + 1))
				sed -n 's/.*llpool_bench: csv,pair,//p' "$out/$run-model$i/console.log" |
					sed "s|^|$run,${m%%:*},|"
			done
		done
	} > "$res/${name}_models.csv"
fi
mv "$res/$name.md.new" "$res/$name.md"
mv "$res/$name.rst.new" "$res/$name.rst"
log "results in $res: $name.md, $name.rst, ${name}_{tcg,icount}.csv, _hist.csv, _ccdf.dat, _latency.png, _fastpath.md${models:+, _models.csv}"
