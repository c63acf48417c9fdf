# SPDX-License-Identifier: GPL-2.0
# A negative-control boot: one deliberate mistake (CONTROL_CASE).  The host
# checks that the kernel log has the report it expects.
load llpool
if [ "$CONTROL_CASE" = bench_ctx_fail ]; then
	# The bench smoke's by-context check, with llpool's NMI attempts
	# counted as failed by the bench itself.
	load llpool_lockwatch
	bench_smoke ctx_fail=nmi
	unload llpool_lockwatch
elif [ "$CONTROL_CASE" = kcsan_race ]; then
	# The racers run for up to 10 s; they stop at rmmod once KCSAN has
	# reported them.
	load llpool_control case=kcsan_race &&
		wait_log 'BUG: KCSAN: data-race in control_race_inc' 15
	unload llpool_control
	kcsan_verdict
else
	load llpool_control case="$CONTROL_CASE"
fi
lockdep_verdict
if [ "$CONTROL_CASE" = leak ]; then
	kmemleak_check
	# The report is of the planted objects, not of something else.
	if grep -q 'control_make_leak' /sys/kernel/debug/kmemleak; then
		result leak:ours pass "$(grep -c 'control_make_leak' /sys/kernel/debug/kmemleak) backtraces in control_make_leak"
	else
		result leak:ours fail "no reported object was allocated in control_make_leak"
	fi
fi
if [ "$CONTROL_CASE" = bad_free ]; then
	if dmesg | grep -q 'bad_free: refused 3, reserve intact'; then
		result bad_free:reserve-intact pass
	else
		result bad_free:reserve-intact fail "$(dmesg | grep 'bad_free:')"
	fi
fi
