# SPDX-License-Identifier: GPL-2.0
# kvfree_rcu under rcuscale's kfree_rcu test (built into the intree kernel
# and started by its own boot parameters) or, with INTREE_VMALLOC=MASK,
# under test_vmalloc's kvfree_rcu tests (MASK 256: kvfree_rcu_mightsleep(),
# 512: kvfree_rcu(p, rh); one worker per CPU, INTREE_VLOOPS objects each),
# on its page cache or on an llpool (slab_common.kvfree_rcu_llpool=N): wait
# for the result, ship the pool's statistics (and the trace, for make
# intree-trace), then end as every plan does.
if [ -n "${INTREE_VMALLOC:-}" ]; then
	# test_vmalloc runs its tests from its init and fails it on purpose
	# (-EAGAIN), so the load's status says nothing: its summaries do.
	# finit_module, not busybox's modprobe, which would retry the failed
	# init and run the tests twice.
	finit_module "/lib/modules/$(uname -r)/kernel/lib/test_vmalloc.ko" \
		"run_test_mask=$INTREE_VMALLOC nr_threads=$(nproc) test_loop_count=${INTREE_VLOOPS:-20000} test_repeat_count=1" \
		2>/dev/null
	line=$(dmesg | sed -n 's/.*\(kvfree_rcu fallbacks: .*\)/\1/p' | tail -1)
	runs=$(dmesg | grep -c 'Summary: kvfree_rcu_')
	bad=$(dmesg | grep 'Summary: kvfree_rcu_' | grep -vc 'failed: 0 ')
	if [ -n "$line" ] && [ "$runs" -eq "$(nproc)" ] && [ "$bad" -eq 0 ]; then
		result intree:test_vmalloc pass "$runs workers' summaries, none failed; $line"
	else
		result intree:test_vmalloc fail "${line:-no counts line}; $runs workers' summaries of $(nproc), $bad with failures"
	fi
elif wait_log 'kvfree_rcu fallbacks:' "${INTREE_WAIT:-600}"; then
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
