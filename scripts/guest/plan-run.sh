# SPDX-License-Identifier: GPL-2.0
# `make run`: load llpool, drive it from every CPU and context, show stats.
load llpool || exit 1
load llpool_stress seconds="${RUN_SECONDS:-10}" || exit 1
sleep $(( ${RUN_SECONDS:-10} + 1 ))
data stats:stress /sys/kernel/debug/llpool/stress/stats
unload llpool_stress
unload llpool
lockdep_verdict
