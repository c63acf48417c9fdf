#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot the debug kernel, load llpool, drive it from every CPU in
# task, raw-spinlock and hardirq context for RUN_SECONDS (default 10), then
# print the pool's stats and the lockdep and kernel-log verdicts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${LLPOOL_VARIANT:-debug}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/run}
rm -rf "$out"
t0=$(date +%s)
# Cold (the kernel still to build) or warm, for RUN_RECORD below.
kind=warm
[ -f "$LLPOOL_CACHE/build/$variant/.llpool-stamp" ] || kind=cold
"$LLPOOL_REPO/scripts/kernel.sh" "$variant"
"$LLPOOL_REPO/scripts/modules.sh" "$variant"
mkdir -p "$out"
"$LLPOOL_REPO/scripts/boot.sh" "$variant" run "$out" "RUN_SECONDS=${RUN_SECONDS:-10}" \
	2> >(tee "$out/boot.txt" >&2)

stats=$(sed -n '/^@@ DATA-BEGIN stats:stress/,/^@@ DATA-END/p' "$out/results.log" | sed '1d;$d')
# Churn: pages the pool took from and gave back to the page allocator per
# 1000 allocations, prefill included; a depot that moves pages between
# CPUs keeps it low under cross-CPU load.
churn=$(echo "$stats" | awk -F': ' '$1 == "allocs" {a = $2} $1 == "refilled" {r = $2}
	$1 == "trimmed" {t = $2}
	END {if (a) printf "%.1f per 1000 allocations (refilled %d + trimmed %d, %d allocations)", (r + t) * 1000 / a, r, t, a}')
{
	echo
	echo "== llpool stats after ${RUN_SECONDS:-10} s of load (/sys/kernel/debug/llpool/stress/stats)"
	echo "$stats"
	echo
	echo "page allocator traffic: ${churn:-no stats}"
	echo
	grep -h 'llpool_stress: ' "$out/console.log" | sed 's/^\[[^]]*\] //'
} | tee "$out/report.txt"
echo
echo "== verdicts"
src=$(kernel_source)
"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$src/tools/testing/kunit/kunit.py" \
	--cases "$LLPOOL_REPO/scripts/expect/run.cases" "$out" "$variant/run" |
	tee "$out/verdict.txt"
took=$(( $(date +%s) - t0 ))
log "make run took $took s ($kind: the $variant kernel $([ $kind = cold ] && echo built || echo cached))"
! grep -q '^FAIL ' "$out/verdict.txt" || exit 1

# RUN_RECORD=1 keeps this run under results/ with what it was measured on.
if [ "${RUN_RECORD:-0}" = 1 ]; then
	rec=$LLPOOL_REPO/results/run.md
	[ "$kind" = cold ] && rec=$LLPOOL_REPO/results/run_cold.md
	# Before the record is written: writing it dirties the tree.
	commit=$(git -C "$LLPOOL_REPO" describe --always --dirty)
	{
		echo "# make run"
		echo
		echo "Command: \`RUN_SECONDS=${RUN_SECONDS:-10} RUN_RECORD=1 make run\`." \
			"Date: $(date -u +%Y-%m-%d)."
		echo
		echo "llpool $commit," \
			"kernel $(sed -n 's/^Linux version \([^ ]*\).*/\1/p' "$out/console.log" | head -1) ($variant)," \
			"${LLPOOL_SMP:-4} vCPUs in 2 NUMA nodes, QEMU $(sed -n 's/.*booting .* vCPUs, \([a-z]*\).*/\1/p' "$out/boot.txt" | tail -1) (wall clock)," \
			"llpool_stress's load (every CPU allocating bursts and handing them to the next CPU, which frees them; an hrtimer a CPU allocating and freeing in hardirq)."
		echo
		echo
		echo "Wall time: $took s ($kind cache: the $variant kernel $([ $kind = cold ] && echo "built in this run" || echo "already built"))."
		echo
		echo '```'
		cat "$out/report.txt"
		echo '```'
	} > "$rec"
	log "recorded in $rec"
fi
