# SPDX-License-Identifier: GPL-2.0
# kvfree_rcu under rcuscale's kfree_rcu test (built into the intree kernel
# and started by its own boot parameters) or, with INTREE_VMALLOC=MASK,
# under test_vmalloc's kvfree_rcu tests (MASK 256: kvfree_rcu_mightsleep(),
# 512: kvfree_rcu(p, rh); one worker per CPU, INTREE_VLOOPS objects each),
# on its page cache or on an llpool (slab_common.kvfree_rcu_llpool=N): wait
# for the result, ship the pool's statistics (and the trace, for make
# intree-trace), then end as every plan does.
# The last counts line either test printed (patch 2/4, 3/4).
counts_line() { dmesg | sed -n 's/.*\(kvfree_rcu fallbacks: .*\)/\1/p' | tail -1; }
if [ -n "${INTREE_VMALLOC:-}" ]; then
	# test_vmalloc runs its tests from its init and then fails the init
	# on purpose (-EAGAIN: nothing stays loaded), so the load must end in
	# exactly that error; finit_module, not busybox's modprobe, which would
	# retry the failed init and run the tests twice.  Every worker must
	# report its one test passed (a worker whose thread did not start
	# reports "passed: 0 failed: 0"), and the counts line must be there.
	# A test that hangs is stopped by the boot's deadline (boot.sh), whose
	# missing end fails the boot.
	args="run_test_mask=$INTREE_VMALLOC nr_threads=$(nproc) test_loop_count=${INTREE_VLOOPS:-20000} test_repeat_count=1"
	mark "finit_module test_vmalloc $args"
	err=$(finit_module "/lib/modules/$(uname -r)/kernel/lib/test_vmalloc.ko" "$args" 2>&1)
	rc=$?
	line=$(counts_line)
	runs=$(dmesg | grep -c 'Summary: kvfree_rcu_')
	good=$(dmesg | grep -c 'Summary: kvfree_rcu_.* passed: 1 failed: 0 ')
	if [ $rc -eq 1 ] && [ "${err##*: }" = "Resource temporarily unavailable" ] &&
	   [ -n "$line" ] && [ "$runs" -eq "$(nproc)" ] && [ "$good" -eq "$runs" ]; then
		result intree:test_vmalloc pass "$good of $(nproc) workers passed; $line"
	else
		result intree:test_vmalloc fail "load: exit $rc ${err:-}; ${line:-no counts line}; $good of $runs workers' summaries passed, $(nproc) wanted"
	fi
elif wait_log 'kvfree_rcu fallbacks:' "${INTREE_WAIT:-600}"; then
	result intree:rcuscale pass "$(counts_line)"
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
