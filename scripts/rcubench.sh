#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make rcu-bench`: rcu_pool_user against kvfree_rcu and, where the kernel
# has it, kfree_rcu_nolock(), in one boot; writes
# results/rcu_bench_VARIANT.md (the table, the command, the date, the
# kernel, the commit: a clean tree only).
# BENCH_THREADS (default 4) x BENCH_OBJECTS (default 200000) per contender,
# BENCH_ROUNDS (default 5) rounds in rotated order, medians reported;
# then the by-context section, BENCH_CTX_OBJECTS (default 20000) objects
# per context and contender on one CPU (0 skips it).
# LLPOOL_VARIANT picks the kernel (default rcubench73: 7.3, production-like,
# PREEMPT_LAZY, so that KASAN's quarantine and lockdep do not weigh on time
# and footprint, with SLUB's counters for the sheaf column; rcubench73rt is
# the same with PREEMPT_RT; the debug kernels give the same picture, slower
# and noisier, without that column).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${LLPOOL_VARIANT:-rcubench73}
require_clean_tree
threads=${BENCH_THREADS:-4}
objs=${BENCH_OBJECTS:-200000}
rounds=${BENCH_ROUNDS:-5}
ctx_objs=${BENCH_CTX_OBJECTS:-20000}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/rcubench}
rm -rf "$out"
"$LLPOOL_REPO/scripts/kernel.sh" "$variant"
"$LLPOOL_REPO/scripts/modules.sh" "$variant"
# Its table is a TCG measurement: no KVM even where it exists.
LLPOOL_ACCEL=tcg "$LLPOOL_REPO/scripts/boot.sh" "$variant" rcubench "$out" \
	"BENCH_THREADS=$threads" "BENCH_OBJECTS=$objs" "BENCH_ROUNDS=$rounds" \
	"BENCH_CTX_OBJECTS=$ctx_objs"
mkdir -p "$LLPOOL_REPO/results"
# Named before anything is written under results/ (which would dirty it).
commit=$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null || echo unknown)
hdr=$(mktemp)
trap 'rm -f "$hdr"' EXIT
{
	echo "# rcu_pool_user against kvfree_rcu"
	echo
	echo "Command: \`BENCH_ROUNDS=$rounds BENCH_THREADS=$threads BENCH_OBJECTS=$objs BENCH_CTX_OBJECTS=$ctx_objs LLPOOL_VARIANT=$variant make rcu-bench\`"
	echo "Date: $(date -u +%Y-%m-%d). Kernel: Linux $(cat "$LLPOOL_CACHE/build/$variant/include/config/kernel.release"), the $variant variant,"
	echo "tinyconfig + $(variant_fragments "$variant" | sed "s|$LLPOOL_REPO/||" | paste -sd' ')$(ls "$LLPOOL_REPO/patches/$variant/"*.patch >/dev/null 2>&1 && echo " + patches/$variant/").  llpool $commit."
	grep -q '^CONFIG_PROVE_LOCKING=y' "$LLPOOL_CACHE/build/$variant/.config" ||
		echo "No lockdep, KASAN or other debug options; $(sed -n 's/^CONFIG_\(PREEMPT_[A-Z]*\)=y$/\1/p' "$LLPOOL_CACHE/build/$variant/.config" | grep -v 'PREEMPT_BUILD\|PREEMPT_COUNT\|PREEMPT_NOTIFIERS\|PREEMPT_RCU' | paste -sd' ')."
	echo "4 vCPUs under QEMU TCG (no KVM): absolute times are emulated time, compare"
	echo "rows with each other only. Peak KiB is the lowest free memory (pcplists"
	echo "included) against the start, sampled every ~1 ms; each run allocates its"
	echo "objects from a slab cache of its own, destroyed after it, so no run"
	echo "reuses the slabs another emptied. The llpool contenders' pool reserve is"
	echo "taken before the runs start, so no peak counts it: its size is on the"
	echo "Reserve lines. The time to the last free is until the contender's own"
	echo "barrier returned: llpool's (the cache's destruction after it, untimed), or"
	echo "for the others the cache's destruction, which runs kvfree_rcu's barrier."
} > "$hdr"
"$LLPOOL_REPO/scripts/rcubench_report.py" "$out/console.log" "$hdr" \
	> "$LLPOOL_REPO/results/rcu_bench_$variant.md.new" || die "no report (the reason is above): see $out/console.log"
mv "$LLPOOL_REPO/results/rcu_bench_$variant.md.new" "$LLPOOL_REPO/results/rcu_bench_$variant.md"
cat "$LLPOOL_REPO/results/rcu_bench_$variant.md"
