# SPDX-License-Identifier: GPL-2.0
# `make run`: load llpool, drive it from every CPU and context, show stats.
load llpool || exit 1
load llpool_stress seconds="${RUN_SECONDS:-10}" || exit 1
if wait_log 'llpool_stress: done' $(( ${RUN_SECONDS:-10} + 60 )); then
	result stress:finished pass
else
	result stress:finished fail "no 'done' from llpool_stress"
fi
data stats:stress /sys/kernel/debug/llpool/stress/stats
unload llpool_stress
unload llpool
lockdep_verdict
