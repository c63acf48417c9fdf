# SPDX-License-Identifier: GPL-2.0
# rcuscale's kfree_rcu test (started by the boot parameters) on the
# intreetrace kernel, with trace_event=... recording from boot: ship the
# result, the pool's statistics and the trace.
if wait_log 'kvfree_rcu fallbacks:' "${INTREE_WAIT:-600}"; then
	result intree:rcuscale pass "$(dmesg | sed -n 's/.*\(kvfree_rcu fallbacks: .*\)/\1/p' | tail -1)"
else
	result intree:rcuscale fail "no rcuscale result in ${INTREE_WAIT:-600} s"
fi
data stats:kvfree_rcu /sys/kernel/debug/llpool/kvfree_rcu/stats
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
echo 0 > /sys/kernel/tracing/tracing_on
data trace /sys/kernel/tracing/trace
