#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: llpool against GFP_NOWAIT, GFP_ATOMIC, __GFP_NO_LOCKS,
# objpool and mempool.  Builds what it needs, then:
#   - boots the bench kernel (production-like config + the __GFP_NO_LOCKS
#     comparison patch) and runs every section of llpool_bench;
#   - boots the debug kernel and runs the legality section (lockdep);
#   - writes results/bench.csv, bench_hist.csv, bench.md, bench_latency.png
#     and prints each contender's ratio to llpool.
# BENCH_ROUNDS (default 5), BENCH_PAIRS (default 20000); QEMU_ICOUNT=1 runs
# the bench guest with -icount (deterministic instruction-counted time).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-5}
pairs=${BENCH_PAIRS:-20000}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/bench}
res=$LLPOOL_REPO/results
ensure_packages "gnuplot-nox:/usr/bin/gnuplot"
rm -rf "$out"
mkdir -p "$out" "$res"
for v in bench debug; do
	"$LLPOOL_REPO/scripts/kernel.sh" "$v"
	"$LLPOOL_REPO/scripts/modules.sh" "$v"
done
LLPOOL_QEMU_EXTRA=${QEMU_ICOUNT:+-icount shift=auto} \
	"$LLPOOL_REPO/scripts/boot.sh" bench bench "$out/full" \
	BENCH_MODE=full "BENCH_ROUNDS=$rounds" "BENCH_PAIRS=$pairs"
"$LLPOOL_REPO/scripts/boot.sh" debug bench "$out/legality" BENCH_MODE=legality
grep -q 'llpool_bench: done' "$out/full/console.log" || die "bench run did not finish: $out/full/console.log"
grep -q 'llpool_bench: done' "$out/legality/console.log" || die "legality run did not finish: $out/legality/console.log"

echo "== ratios to llpool (same boot; TCG: ratios only)"
"$LLPOOL_REPO/scripts/bench_report.py" "$res" "$out/full/console.log" "$out/legality/console.log"
gnuplot "$res/bench_latency.gp"
rm -f "$res/bench_latency.gp"
{
	echo "# llpool against the gfp-flag approach and the other pools"
	echo
	echo "Command: \`BENCH_ROUNDS=$rounds BENCH_PAIRS=$pairs make bench\`${QEMU_ICOUNT:+ with QEMU_ICOUNT=1}"
	echo "Date: $(date -u +%Y-%m-%d)."
	echo
	echo "Kernels: 'bench' (tinyconfig + configs/bench.config: no lockdep, KASAN or"
	echo "other debug options, PREEMPT_VOLUNTARY) with patches/bench/ for"
	echo "__GFP_NO_LOCKS; legality columns from the 'debug' kernel (lockdep,"
	echo "PROVE_RAW_LOCK_NESTING), which has no __GFP_NO_LOCKS."
	echo "4 vCPUs in QEMU TCG (no KVM): emulated time, so compare rows of one run"
	echo "with each other (the 'vs llpool' ratios), never with real hardware."
	echo "pair: ns per alloc+free, median of $rounds rounds of $pairs pairs on one CPU."
	echo "all-CPU: every CPU doing $pairs pairs at once. Latency: $pairs single"
	echo "allocations timed on one CPU while another allocates and frees batches of"
	echo "order-0 and order-3 pages (zone->lock contention). Exhausted: a hog holds"
	echo "memory below the min watermark (GFP_NOWAIT, then GFP_ATOMIC until they"
	echo "fail). pcplist drained: this CPU's pcplist emptied with __GFP_NO_LOCKS,"
	echo "memory plentiful (bench kernel only). Under raw spinlock: up to 4096"
	echo "allocations and their frees inside raw_spin_lock_irqsave(), counting"
	echo "acquisitions of locks that sleep on PREEMPT_RT: plain ones are what lockdep"
	echo "reports; trylocks pass lockdep but are still sleeping locks on RT."
	echo
	cat "$res/bench.md"
	echo
	echo "![latency](bench_latency.png)"
} > "$res/bench_report.md"
mv "$res/bench_report.md" "$res/bench.md"
log "results in $res: bench.md bench.csv bench_hist.csv bench_latency.png"
