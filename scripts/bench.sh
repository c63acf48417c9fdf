#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: llpool against GFP_NOWAIT, GFP_ATOMIC, __GFP_NO_LOCKS,
# alloc_pages_nolock(), objpool and mempool.  Builds what it needs, then:
#   - boots the bench kernel (production-like config + the comparison
#     patches: __GFP_NO_LOCKS, alloc_pages_nolock()) and runs every section
#     of llpool_bench;
#   - boots the benchdebug kernel (debug options + the same patches) and
#     runs the legality section (lockdep);
#   - boots the benchrt kernel (the bench kernel with PREEMPT_RT) and runs
#     the by-context section;
#   - writes results/bench.md, bench.rst, bench_{tcg,icount}.csv, _hist.csv,
#     _ccdf.dat, _latency.png and prints each contender's ratio to llpool.
# The bench kernel runs twice: plain TCG, then -icount (BENCH_ICOUNT=0 skips it).
# BENCH_ROUNDS (default 5), BENCH_PAIRS (default 20000).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-5}
pairs=${BENCH_PAIRS:-20000}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/bench}
res=$LLPOOL_REPO/results
ensure_packages "gnuplot-nox:/usr/bin/gnuplot"
rm -rf "$out"
mkdir -p "$out" "$res"
# The tables are TCG and icount measurements: no KVM even where it exists.
export LLPOOL_ACCEL=tcg
for v in bench benchdebug benchrt; do
	"$LLPOOL_REPO/scripts/kernel.sh" "$v"
	"$LLPOOL_REPO/scripts/modules.sh" "$v"
done
"$LLPOOL_REPO/scripts/boot.sh" bench bench "$out/tcg" \
	BENCH_MODE=full "BENCH_ROUNDS=$rounds" "BENCH_PAIRS=$pairs"
# The icount run is deterministic.  It once crawled through the latency
# section (virtual-time jumps of seconds, 190 s instead of 11): refills
# that lost a race with frees were taken for failures and backed off.
runs=tcg
if [ "${BENCH_ICOUNT:-1}" != 0 ]; then
	runs="tcg icount"
	LLPOOL_QEMU_EXTRA="-icount shift=4,sleep=off" \
		"$LLPOOL_REPO/scripts/boot.sh" bench bench "$out/icount" \
		BENCH_MODE=full "BENCH_ROUNDS=$rounds" "BENCH_PAIRS=$pairs"
fi
"$LLPOOL_REPO/scripts/boot.sh" benchdebug bench "$out/legality" BENCH_MODE=legality
"$LLPOOL_REPO/scripts/boot.sh" benchrt bench "$out/rt" BENCH_MODE=ctx
for run in $runs legality rt; do
	grep -q 'llpool_bench: done' "$out/$run/console.log" ||
		die "bench run $run did not finish: $out/$run/console.log"
done

release=$(cat "$LLPOOL_CACHE/build/bench/include/config/kernel.release" 2>/dev/null)
commit=$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null)
for run in $runs; do
	echo "== ratios to llpool, $run run (same boot)"
	mode="QEMU TCG"
	[ "$run" = icount ] && mode="QEMU TCG -icount shift=4 (one instruction = 16 ns)"
	# The PREEMPT_RT boot is a TCG one: its table goes with the TCG run.
	extra=(--rt "$out/rt/console.log")
	[ "$run" = icount ] && extra=(--icount)
	"$LLPOOL_REPO/scripts/bench_report.py" "$res" "bench_$run" "$out/$run/console.log" \
		--legal "$out/legality/console.log" "${extra[@]}" --title "$mode" \
		--provenance "Linux $release (bench kernel, -O2), llpool $commit, 4 vCPUs, $mode, no KVM; BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench, $(date -u +%Y-%m-%d)"
	gnuplot "$res/bench_${run}_latency.gp"
	rm -f "$res/bench_${run}_latency.gp"
done
{
	echo "# llpool against the gfp-flag approach and the other pools"
	echo
	echo "Command: \`BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench\`. Date: $(date -u +%Y-%m-%d)."
	echo
	echo "Kernel $release (bench, benchdebug and benchrt variants),"
	echo "llpool $commit, 4 vCPUs, no KVM."
	echo "How it is measured (kernels, the two runs, every column):"
	echo "Documentation/results.rst, section Method."
	for run in $runs; do
		echo
		echo "## $run run"
		echo
		cat "$res/bench_$run.md"
		echo
		echo "![How often one allocation takes longer than x, $run run](bench_${run}_latency.png)"
		echo
		echo "Plot data: bench_${run}_ccdf.dat; histograms: bench_${run}_hist.csv."
	done
} > "$res/bench.md.new"
# The same ratios in rst, included by Documentation/results.rst.
{
	echo ".. SPDX-License-Identifier: GPL-2.0"
	echo ".. Written by \`make bench\` (scripts/bench.sh); edits are lost."
	echo
	echo "Latest run: \`\`BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench\`\` on"
	echo "$(date -u +%Y-%m-%d), Linux $release, llpool $commit, 4 vCPUs, no KVM."
	echo "Ratios are to llpool in the same boot (lower is better for cost and"
	echo "latency, higher for throughput); legality from the benchdebug kernel,"
	echo "the PREEMPT_RT by-context table from the benchrt kernel."
	echo "Plots and raw numbers: \`\`results/bench.md\`\`."
	for run in $runs; do
		echo
		echo "$run run"
		echo "$run run" | tr -c '\n' '-'
		echo
		cat "$res/bench_$run.rst"
	done
} > "$res/bench.rst.new"
rm -f "$res"/bench_{tcg,icount}.{md,rst}
mv "$res/bench.md.new" "$res/bench.md"
mv "$res/bench.rst.new" "$res/bench.rst"
log "results in $res: bench.md, bench.rst, bench_{tcg,icount}.csv, _hist.csv, _ccdf.dat, _latency.png"
