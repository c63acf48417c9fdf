#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make rcu-bench`: rcu_pool_user against kvfree_rcu in one boot; writes
# results/rcu_bench.md (the table, the command, the date, the kernel).
# BENCH_THREADS (default 4) x BENCH_OBJECTS (default 20000) per contender;
# LLPOOL_VARIANT picks the kernel (default debug).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${LLPOOL_VARIANT:-debug}
threads=${BENCH_THREADS:-4}
objs=${BENCH_OBJECTS:-20000}
out=${LLPOOL_OUT:-$LLPOOL_REPO/out/rcubench}
rm -rf "$out"
"$LLPOOL_REPO/scripts/kernel.sh" "$variant"
"$LLPOOL_REPO/scripts/modules.sh" "$variant"
"$LLPOOL_REPO/scripts/boot.sh" "$variant" rcubench "$out" \
	"BENCH_THREADS=$threads" "BENCH_OBJECTS=$objs"
table=$(grep 'llpool_rcu_bench: |' "$out/console.log" | sed 's/.*llpool_rcu_bench: //')
[ "$(echo "$table" | grep -c '^| [kl]')" -eq 4 ] || die "bench did not finish: see $out/console.log"
mkdir -p "$LLPOOL_REPO/results"
{
	echo "# rcu_pool_user against kvfree_rcu"
	echo
	echo "Command: \`BENCH_THREADS=$threads BENCH_OBJECTS=$objs LLPOOL_VARIANT=$variant make rcu-bench\`"
	echo "Date: $(date -u +%Y-%m-%d). Kernel: $variant variant of $(sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p;s/^SUBLEVEL = //p' "$(kernel_source)/Makefile" | paste -sd.),"
	echo "4 vCPUs under QEMU TCG (no KVM): absolute times are emulated time, compare"
	echo "rows with each other only. Peak KiB is the lowest free memory (pcplists"
	echo "included) against the start, sampled every ~1 ms."
	echo
	echo "$table"
	echo
	echo "Ratios to kvfree_rcu (rcu_head), same boot:"
	echo
	echo "$table" | awk -F'|' '/^\| [kl]/ {
		gsub(/^ +| +$/, "", $2);
		if (!base_q) { base_q = $4; base_f = $5; base_m = $7 }
		printf "- %s: queued %.2fx, freed %.2fx, peak memory %s\n", $2,
			$4 / base_q, $5 / base_f, (base_m > 0 ? sprintf("%.2fx", $7 / base_m) : "n/a")
	}'
} > "$LLPOOL_REPO/results/rcu_bench.md"
cat "$LLPOOL_REPO/results/rcu_bench.md"
