# SPDX-License-Identifier: GPL-2.0
# rcutorture on a kernel whose kvfree_rcu takes its block pages from an
# llpool (booted with rcutree.kvfree_rcu_llpool=1), with a kvfree_rcu load
# beside it: test_vmalloc's kvfree_rcu tests, one- and two-argument forms
# (run_test_mask 256 + 512), one thread per CPU, in a loop.  rcuscale
# cannot be that load: only one torture test runs at a time.
secs=${TORTURE_SECS:-60}
# kmemleak's own scanner thread holds RCU read-side sections across long
# scans: preempted while rcutorture takes CPUs offline (one left) and its
# boost threads run, it stalled a grace period for 26 s on a busy host.
# The explicit scans at the end still run.
[ -w /sys/kernel/debug/kmemleak ] && echo scan=off > /sys/kernel/debug/kmemleak
if dmesg | grep -q 'kvfree_rcu: block pages from llpool'; then
	result intree:kvfree_rcu-on-llpool pass "$(dmesg | sed -n 's/.*\(kvfree_rcu: block pages.*\)/\1/p')"
else
	result intree:kvfree_rcu-on-llpool fail "the pool did not come up"
fi
mark "rcutorture"
if ! modprobe rcutorture torture_type=rcu onoff_interval=1000 onoff_holdoff=5 \
	stat_interval=0 fwd_progress=0; then
	result intree:rcutorture fail "modprobe rcutorture failed"
	exit 1
fi
mark "kvfree_rcu load"
end=$(( $(cut -d. -f1 /proc/uptime) + secs ))
(
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		modprobe test_vmalloc run_test_mask=768 nr_threads="$(nproc)" \
			test_loop_count=20000 test_repeat_count=1 2>/dev/null
	done
) &
load=$!
sleep "$secs"
wait "$load"
rmmod rcutorture
if dmesg | grep -q 'End of test: SUCCESS'; then
	result intree:rcutorture pass "$(dmesg | grep 'End of test' | tail -1 | sed 's/^\[[^]]*\] //')"
else
	result intree:rcutorture fail "$(dmesg | grep 'End of test' | tail -1)"
fi
runs=$(dmesg | grep -c 'Summary: kvfree_rcu_2_arg_vmalloc_test')
bad=$(dmesg | grep 'Summary: kvfree_rcu_' | grep -vc 'failed: 0 ')
if [ "$runs" -gt 0 ] && [ "$bad" -eq 0 ]; then
	result intree:kvfree_rcu-load pass "$runs runs of test_vmalloc's kvfree_rcu tests, none failed"
else
	result intree:kvfree_rcu-load fail "$runs runs, $bad with failures"
fi
data stats:kvfree_rcu /sys/kernel/debug/llpool/kvfree_rcu/stats
lockdep_verdict
kmemleak_check
