#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# rcu_pool_user under stress beside rcutorture.
#
# Loads llpool and rcu_pool_user with its stress load (every context), runs
# rcutorture at the same time, then checks: rcutorture ends with SUCCESS,
# every deferred object is freed after the barrier, every block page is back
# in the pool, bad module parameters and knobs are refused, and the kernel
# log since the start has no splat and kmemleak finds nothing.
#
# Environment: LLPOOL_MODDIR (default /lib/llpool), KMODDIR for torture.ko and
# rcutorture.ko (default: modprobe), STRESS_SECONDS (default 10).
DIR=$(dirname "$0")
. "$DIR/ktap.sh"

MODDIR=${LLPOOL_MODDIR:-/lib/llpool}
SECS=${STRESS_SECONDS:-10}
DBG=/sys/kernel/debug

[ "$(id -u)" -eq 0 ] || ktap_skip_all "must be root"
[ -f "$MODDIR/llpool.ko" ] && [ -f "$MODDIR/rcu_pool_user.ko" ] ||
	ktap_skip_all "llpool modules not found in $MODDIR"
[ -d "$DBG/llpool" ] || mount -t debugfs none $DBG 2>/dev/null

load_torture() {
	if [ -n "$KMODDIR" ]; then
		insmod "$KMODDIR/torture.ko" 2>/dev/null
		insmod "$KMODDIR/rcutorture.ko" "$@"
	else
		modprobe rcutorture "$@"
	fi
}

ktap_header 10
# Everything below reads only the kernel log this run wrote: a second run
# in the same boot must not pass on the first one's lines.
mark="llpool-selftest: rcu_stress start $$ $(date +%s)"
echo "$mark" > /dev/kmsg
since_start() { dmesg | sed -n "\|$mark|,\$p"; }

# 1. Bad input: refused, and nothing stays loaded.
had_llpool=0
lsmod | grep -q '^llpool ' && had_llpool=1
[ $had_llpool = 1 ] || insmod "$MODDIR/llpool.ko"
if insmod "$MODDIR/rcu_pool_user.ko" stress_ctx=99 2>/dev/null; then
	rmmod rcu_pool_user
	ktap_fail "bad_module_param_refused" "stress_ctx=99 was accepted"
elif lsmod | grep -q '^rcu_pool_user '; then
	ktap_fail "bad_module_param_refused" "module loaded anyway"
else
	ktap_pass "bad_module_param_refused"
fi

# 2. Stress and rcutorture side by side.
insmod "$MODDIR/rcu_pool_user.ko" stress_threads=4 stress_seconds="$SECS"
ktap_result "stress_loaded" $? "insmod rcu_pool_user failed"
load_torture torture_type=rcu fwd_progress=0 stat_interval=0 nreaders=2
ktap_result "rcutorture_loaded" $? "insmod rcutorture failed"

i=0
while ! since_start | grep -q 'rcu_pool_user: stress done'; do
	i=$((i + 1)); [ $i -gt $((SECS + 120)) ] && break
	sleep 1
done
since_start | grep -q 'rcu_pool_user: stress done'
ktap_result "stress_finished" $? "no 'stress done' after $((SECS + 120)) s"

# rmmod waits for rcutorture's threads: bounded, so a hang fails the test.
bounded 120 rmmod rcutorture
since_start | grep -q 'End of test: SUCCESS'
ktap_result "rcutorture_success" $? "$(since_start | grep 'End of test' | tail -1)"

# 3. Barrier: everything queued is freed, every block page is back.
if echo 0 > $DBG/rcu_pool_user/barrier 2>/dev/null; then
	ktap_fail "bad_knob_refused" "barrier accepted 0"
else
	ktap_pass "bad_knob_refused"
fi
echo 1 > $DBG/rcu_pool_user/barrier
st=$DBG/rcu_pool_user/rcu_pool_user/stats
q=$(sed -n 's/^queued: //p' $st); f=$(sed -n 's/^freed: //p' $st)
p=$(sed -n 's/^pages_in_flight: //p' $st)
cat $st | sed 's/^/# /'
[ -n "$q" ] && [ "$q" -gt 0 ] && [ "$q" = "$f" ] && [ "$p" = 0 ]
ktap_result "barrier_frees_all" $? "queued=$q freed=$f pages_in_flight=$p"

ps=$DBG/llpool/rcu_pool_user/stats
a=$(sed -n 's/^allocs: //p' $ps); fr=$(sed -n 's/^frees: //p' $ps)
[ -n "$a" ] && [ "$a" = "$fr" ]
ktap_result "pool_pages_returned" $? "pool allocs=$a frees=$fr"

bounded 60 rmmod rcu_pool_user
[ $had_llpool = 1 ] || bounded 60 rmmod llpool

# 4. The kernel log since the start: no splat.  kmemleak: nothing new.
splat=$(since_start |
	grep -E 'BUG:|WARNING:|Invalid wait context|KASAN|UBSAN|circular locking|recursive locking|sleeping function called|Oops|detected stall' |
	head -3)
if [ -z "$splat" ]; then
	ktap_pass "kernel_log_clean"
else
	ktap_fail "kernel_log_clean" "$splat"
fi
# kmemleak reports an object once it has been unreferenced for 5 s, over
# two scans.
k=$DBG/kmemleak
if [ -w $k ]; then
	sleep 6
	echo scan > $k; echo scan > $k
	n=$(grep -c 'unreferenced object' $k)
	[ "$n" -eq 0 ]
	ktap_result "kmemleak_clean" $? "$n unreferenced objects: $(grep -A3 'unreferenced object' $k | head -4)"
else
	ktap_skip "kmemleak_clean" "no $k"
fi
ktap_finish
