#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make rcu-bench`: rcu_pool_user against kvfree_rcu in one boot; writes
# results/rcu_bench.md (the table, the command, the date, the kernel).
# BENCH_THREADS (default 4) x BENCH_OBJECTS (default 200000) per contender,
# BENCH_ROUNDS (default 5) rounds in rotated order, medians reported;
# LLPOOL_VARIANT picks the kernel (default bench: production-like, so that
# KASAN's quarantine and lockdep do not weigh on time and footprint; the
# debug kernel gives the same picture, slower and noisier).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${LLPOOL_VARIANT:-bench}
threads=${BENCH_THREADS:-4}
objs=${BENCH_OBJECTS:-200000}
rounds=${BENCH_ROUNDS:-5}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/rcubench}
rm -rf "$out"
"$LLPOOL_REPO/scripts/kernel.sh" "$variant"
"$LLPOOL_REPO/scripts/modules.sh" "$variant"
# Its table is a TCG measurement: no KVM even where it exists.
LLPOOL_ACCEL=tcg "$LLPOOL_REPO/scripts/boot.sh" "$variant" rcubench "$out" \
	"BENCH_THREADS=$threads" "BENCH_OBJECTS=$objs" "BENCH_ROUNDS=$rounds"
mkdir -p "$LLPOOL_REPO/results"
# Named before anything is written under results/ (which would dirty it).
commit=$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null || echo unknown)
hdr=$(mktemp)
trap 'rm -f "$hdr"' EXIT
{
	echo "# rcu_pool_user against kvfree_rcu"
	echo
	echo "Command: \`BENCH_ROUNDS=$rounds BENCH_THREADS=$threads BENCH_OBJECTS=$objs LLPOOL_VARIANT=$variant make rcu-bench\`"
	echo "Date: $(date -u +%Y-%m-%d). Kernel: $variant variant of $(sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p;s/^SUBLEVEL = //p' "$(kernel_source)/Makefile" | paste -sd.),"
	echo "tinyconfig + configs/$variant.config.  llpool $commit (\"-dirty\": not a clean tree)."
	[ "$variant" != bench ] || echo "No lockdep, KASAN or other debug options; its __GFP_NO_LOCKS patch is not used here."
	echo "4 vCPUs under QEMU TCG (no KVM): absolute times are emulated time, compare"
	echo "rows with each other only. Peak KiB is the lowest free memory (pcplists"
	echo "included) against the start, sampled every ~1 ms; each run allocates its"
	echo "objects from a slab cache of its own, destroyed after it, so no run"
	echo "reuses the slabs another emptied."
} > "$hdr"
"$LLPOOL_REPO/scripts/rcubench_report.py" "$out/console.log" "$hdr" \
	> "$LLPOOL_REPO/results/rcu_bench.md.new" || die "bench did not finish: see $out/console.log"
mv "$LLPOOL_REPO/results/rcu_bench.md.new" "$LLPOOL_REPO/results/rcu_bench.md"
cat "$LLPOOL_REPO/results/rcu_bench.md"
