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
"$LLPOOL_REPO/scripts/kernel.sh" "$variant"
"$LLPOOL_REPO/scripts/modules.sh" "$variant"
"$LLPOOL_REPO/scripts/boot.sh" "$variant" run "$out" "RUN_SECONDS=${RUN_SECONDS:-10}"

echo
echo "== llpool stats after ${RUN_SECONDS:-10} s of load (/sys/kernel/debug/llpool/stress/stats)"
sed -n '/^@@ DATA-BEGIN stats:stress/,/^@@ DATA-END/p' "$out/results.log" | sed '1d;$d'
echo
grep -h 'llpool_stress: ' "$out/console.log" | sed 's/^\[[^]]*\] //'
echo
echo "== verdicts"
src=$(kernel_source)
"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$src/tools/testing/kunit/kunit.py" "$out" "$variant/run" |
	tee "$out/verdict.txt"
! grep -q '^FAIL ' "$out/verdict.txt"
