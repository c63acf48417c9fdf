# SPDX-License-Identifier: GPL-2.0
# kvfree_rcu under rcuscale's kfree_rcu test (built into the intree kernel
# and started by its own boot parameters), on its page cache or on an
# llpool (slab_common.kvfree_rcu_llpool=N): wait for the result, ship the
# pool's statistics (and the trace, for make intree-trace), then end as
# every plan does.
if wait_log 'kvfree_rcu fallbacks:' "${INTREE_WAIT:-600}"; then
	result intree:rcuscale pass "$(dmesg | sed -n 's/.*\(kvfree_rcu fallbacks: .*\)/\1/p' | tail -1)"
else
	result intree:rcuscale fail "no rcuscale result in ${INTREE_WAIT:-600} s"
fi
f=/sys/kernel/debug/llpool/kvfree_rcu/stats
if [ -r "$f" ]; then
	data stats:kvfree_rcu "$f"
	# `make intree-trace` (INTREE_TRACE=1, trace_event=... from boot):
	# the trace up to the result.
	if [ -n "${INTREE_TRACE:-}" ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
		echo 0 > /sys/kernel/tracing/tracing_on
		data trace /sys/kernel/tracing/trace
	fi
	# At rest: after the reaper's two looks (5 s apart) at idle CPUs.
	sleep "${INTREE_REST:-12}"
	data stats:kvfree_rcu-rest "$f"
fi
