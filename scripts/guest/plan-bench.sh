# SPDX-License-Identifier: GPL-2.0
# llpool_bench: BENCH_MODE full (bench kernel) or legality (debug kernel).
load llpool || exit 1
load llpool_lockwatch
load llpool_bench mode="${BENCH_MODE:-full}" rounds="${BENCH_ROUNDS:-5}" pairs="${BENCH_PAIRS:-20000}"
unload llpool_bench
