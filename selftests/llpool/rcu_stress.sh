#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# rcu_pool_user under stress beside rcutorture.
#
# Loads rcu_pool_user (and llpool under it) and llpool_rcu_stress, which
# defers kfree()s through llpool_kfree_rcu() from task, softirq, hardirq
# and raw-spinlock context, with rcutorture running at the same time; then
# checks: rcutorture ends with SUCCESS, every deferred object is freed
# after the barrier, every block page is back in the pool, bad module
# parameters and knobs are refused, and this run's kernel log has no splat
# and kmemleak finds nothing.
#
# Needs root, debugfs, the installed llpool and rcu_pool_user, rcutorture
# (CONFIG_RCU_TORTURE_TEST=m) and the test module llpool_rcu_stress; skips
# (4) without any of them.  Environment: STRESS_SECONDS (default 10).
LLPOOL_DIR=$(dirname "$0")
. "$LLPOOL_DIR/llpool_lib.sh"

SECS=${STRESS_SECONDS:-10}

llpool_require_root
llpool_need_modules llpool rcu_pool_user llpool_rcu_stress rcutorture
llpool_mod_loaded rcutorture && llpool_skip_all "rcutorture is already running"

llpool_begin rcu_stress 9

# 1. Bad input: refused, and nothing stays loaded.
bad=""
if ! llpool_mod_loaded rcu_pool_user; then
	llpool_load rcu_pool_user pool_low=8 pool_high=4 && bad="$bad pool_low=8 pool_high=4" &&
		rmmod rcu_pool_user
fi
llpool_load rcu_pool_user || bad="$bad (plain load failed: $lout)"
llpool_load llpool_rcu_stress ctx=99 && bad="$bad ctx=99" && rmmod llpool_rcu_stress
llpool_load llpool_rcu_stress threads=65 && bad="$bad threads=65" && rmmod llpool_rcu_stress
[ -z "$bad" ] && ! llpool_mod_loaded llpool_rcu_stress
llpool_result "bad_module_params_refused" $? "accepted:${bad:- none}"

# 2. The load and rcutorture side by side.  Loading them is setup, not a
# test: one that does not load fails the tests that need it below
# (stress_finished, rcutorture_success).
llpool_load llpool_rcu_stress threads=4 seconds="$SECS" ||
	ktap_print_msg "setup: llpool_rcu_stress did not load: $lout"
bounded 60 modprobe rcutorture torture_type=rcu fwd_progress=0 stat_interval=0 nreaders=2 ||
	ktap_print_msg "setup: rcutorture did not load: $bout"

llpool_wait_log 'llpool_rcu_stress: done' $((SECS + 120))
llpool_result "stress_finished" $? "$(llpool_log_since | grep -o 'llpool_rcu_stress: done.*')"
bounded 60 rmmod llpool_rcu_stress

# rmmod waits for rcutorture's threads: bounded, so a hang fails the test.
bounded 120 rmmod rcutorture
llpool_log_since | grep -q 'End of test: SUCCESS'
llpool_result "rcutorture_success" $? "$(llpool_log_since | grep 'End of test' | tail -1)"

# 3. Barrier: everything queued is freed, every block page is back.
[ -w $DBG/rcu_pool_user/barrier ] && ! echo 0 > $DBG/rcu_pool_user/barrier 2>/dev/null
llpool_result "bad_knob_refused" $? "barrier accepts only 1"
llpool_rcu_barrier_check barrier_frees_all pool_pages_returned 60

err=""
llpool_unload_ours 60
! llpool_mod_loaded llpool_rcu_stress && ! llpool_mod_loaded rcutorture && [ -z "$err" ]
llpool_result "unloads" $? "${err:-every module this run loaded is gone}"

# 4. This run's kernel log: no splat.  kmemleak: nothing new.
splat=$(llpool_splats)
[ -z "$splat" ]
llpool_result "kernel_log_clean" $? "$splat"
llpool_kmemleak_clean "kmemleak_clean"
ktap_finished
