#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A CPU-hotplug storm under every user llpool has.
#
# For about STORM_SECONDS, every CPU but cpu0 goes offline and online
# again, in turn and all at once, while on every CPU:
#   - llpool_stress allocates and frees (task, raw spinlock, hardirq, frees
#     on another CPU than the alloc);
#   - llpool_rcu_stress defers kfree()s through rcu_pool_user's
#     llpool_kfree_rcu() from task, softirq, hardirq and raw-spinlock
#     context;
#   - rcutorture runs beside them, when it is there.
# Then: rcutorture ends with SUCCESS; llpool's books balance; after the
# barrier rcu_pool_user freed everything it queued and holds no block page;
# free memory is back once the modules are gone; the kernel log since the
# start has no splat (KASAN would report an early free of a block page).
# Every wait has a deadline: a hotplug operation or an unload that never
# returns fails its case and the script goes on, instead of hanging the run.
#
# Needs root, debugfs, CPU hotplug and a second CPU, the installed llpool
# and rcu_pool_user, the test modules llpool_stress and llpool_rcu_stress;
# skips (4) without any of them.  Without rcutorture its case is skipped.
# Environment: STORM_SECONDS (default 20).
LLPOOL_DIR=$(dirname "$0")
. "$LLPOOL_DIR/llpool_lib.sh"

SECS=${STORM_SECONDS:-20}
CPUS=/sys/devices/system/cpu
ST=$DBG/llpool/stress/stats
DEADLINE=60

llpool_require_root
llpool_need_modules llpool rcu_pool_user llpool_stress llpool_rcu_stress
for m in llpool_stress llpool_rcu_stress rcutorture; do
	llpool_mod_loaded $m && llpool_skip_all "$m is already loaded"
done
torture=1
llpool_mod_installed rcutorture || torture=0
# The CPUs the storm takes down: every online one but cpu0 (which x86 keeps).
cpus=""
for c in $CPUS/cpu[1-9]*; do
	[ -w "$c/online" ] && [ "$(cat "$c/online")" = 1 ] && cpus="$cpus ${c##*cpu}"
done
[ -n "$cpus" ] || llpool_skip_all "no second CPU to take offline"

stat() { sed -n "s/^$1: //p" $ST; }
# memsnap: "USED DETAIL".  USED is the memory in kB that is neither free
# (per-CPU page lists counted: freed pages land there first and MemFree
# leaves them out) nor in a kernel cache that accounts for itself: slab
# (which holds KASAN's quarantine of freed objects, up to 1/32 of memory),
# per-CPU areas, kernel stacks, page tables.  Pages taken with
# alloc_pages(), llpool's, count in USED and nowhere else.  One read of
# each file: they are slow to produce under KASAN.
memsnap() {
	awk 'FILENAME == "/proc/zoneinfo" && /^ +pages free/ {f += $3}
	     FILENAME == "/proc/zoneinfo" && /^ +count:/ {c += $2}
	     FILENAME == "/proc/meminfo" {m[$1] = $2}
	     END {free = (f + c) * 4
		  print m["MemTotal:"] - free - m["Slab:"] - m["Percpu:"] -
			m["KernelStack:"] - m["PageTables:"],
			"free=" free, "slab=" m["Slab:"], "percpu=" m["Percpu:"],
			"stacks=" m["KernelStack:"], "pagetables=" m["PageTables:"]}' \
		/proc/zoneinfo /proc/meminfo
}
balanced() { llpool_books_settled "$ST" >/dev/null; }
books() { llpool_books "$ST"; }

# The storm, until $storm_end: odd passes take the CPUs down one at a time,
# even passes all at once (the whole load lands on cpu0, then spreads out
# again).  An operation takes seconds under load, so the time is checked
# before each one; every CPU taken down is brought back.  The first pass
# always runs whole: on a slow or busy machine the loads can take most of
# the window to start.  Writes "passes cycles errors" when done.
storm() {
	pass=0; cycles=0; errs=0
	while [ $pass = 0 ] || [ "$(date +%s)" -lt $storm_end ]; do
		pass=$((pass + 1))
		down=""
		for c in $cpus; do
			[ $pass = 1 ] || [ "$(date +%s)" -lt $storm_end ] || break
			echo 0 > $CPUS/cpu$c/online || errs=$((errs + 1))
			down="$down $c"
			[ $((pass % 2)) = 1 ] || continue
			echo 1 > $CPUS/cpu$c/online || errs=$((errs + 1))
			cycles=$((cycles + 1))
		done
		[ $((pass % 2)) = 1 ] && continue
		for c in $down; do
			echo 1 > $CPUS/cpu$c/online || errs=$((errs + 1))
			cycles=$((cycles + 1))
		done
	done
	echo "$pass $cycles $errs"
}

# However the script ends, every CPU it took down comes back.
cpus_back() {
	for c in $cpus; do
		[ "$(cat $CPUS/cpu$c/online)" = 1 ] || echo 1 > $CPUS/cpu$c/online
	done
}
trap cpus_back EXIT
trap 'cpus_back; exit 1' INT TERM

llpool_begin hotplug_storm 9
llpool_load rcu_pool_user || ktap_exit_fail_msg "modprobe rcu_pool_user: $lout"
set -- $(memsnap); mem0=$1; shift; md0="$*"
n=$(grep -c '^processor' /proc/cpuinfo)

# 1. The load: rcutorture, then llpool's and rcu_pool_user's stress on every
# CPU.  The two stress modules are loaded together: an insmod waits long
# for CPUs that a running load keeps busy (4 to 11 s for both under TCG,
# 18 s on a busy host with PREEMPT_RT).  They run LOAD_SECS from their
# start, 20 s more than the storm, which starts once both are in and runs
# STORM_SECONDS, but starts its last operation 4 s before the loads can end
# (an operation takes 1 to 5 s under load): it runs with both loads.
LOAD_SECS=$((SECS + 20))
err=""
if [ $torture = 1 ]; then
	bounded $DEADLINE modprobe rcutorture torture_type=rcu fwd_progress=0 \
		stat_interval=0 nreaders=2 || err="$err rcutorture: $bout;"
fi
load_end=$(( $(date +%s) + LOAD_SECS - 4 ))
bounded $DEADLINE sh -c "LLPOOL_DIR=$LLPOOL_DIR; . $LLPOOL_DIR/llpool_lib.sh
	llpool_load llpool_stress seconds=$LOAD_SECS & p=\$!
	llpool_load llpool_rcu_stress seconds=$LOAD_SECS; r=\$?
	echo \$lout
	wait \$p && exit \$r" || err="$err $bout"
# Setup, not a test: a load that did not start fails loads_finished (and
# rcutorture_success) below.
if [ -n "$err" ]; then
	ktap_print_msg "setup: the loads did not all start:$err"
else
	ktap_print_msg "loads on $n CPUs, started in $btook s; storm on cpus$cpus"
fi
storm_end=$(( $(date +%s) + SECS ))
[ $storm_end -le $load_end ] || storm_end=$load_end

# 2. The storm, with a deadline of its own: a CPU that never comes back or
# goes away fails here.
bounded $((SECS + DEADLINE)) storm
rc=$?
if [ $rc = 0 ]; then
	# Its last line is the count; a failed write said why above it.
	set -- $(echo "$bout" | tail -n 1)
	[ "$2" -gt 0 ] && [ "$3" = 0 ]
	llpool_result "storm" $? "$1 passes, $2 offline/online cycles, $3 errors in $btook s: $(echo "$bout" | sed '$d' | head -3 | tr '\n' ' ')"
else
	llpool_result "storm" 1 "rc=$rc: $bout; online $(cat $CPUS/online)"
fi

# 3. Both loads finish and hand everything back.
ok=0
llpool_wait_log 'llpool_stress: done' $DEADLINE || ok=1
llpool_wait_log 'llpool_rcu_stress: done' $DEADLINE || ok=1
[ $ok = 0 ]
llpool_result "loads_finished" $? "$(llpool_log_since | grep -oE '(llpool_stress|llpool_rcu_stress): done.*' | tr '\n' ' ')"

# 4. rcutorture.
if [ $torture = 1 ]; then
	bounded $DEADLINE rmmod rcutorture
	rc=$?
	llpool_log_since | grep -q 'End of test: SUCCESS'
	ok=$?
	[ $rc = 0 ] && [ $ok = 0 ]
	llpool_result "rcutorture_success" $? "rmmod rc=$rc $bout; $(llpool_log_since | grep 'End of test' | tail -1 | sed 's/^\[[^]]*\] //')"
else
	ktap_print_msg "rcutorture_success: rcutorture is not installed"
	ktap_test_skip "rcutorture_success"
fi

# 5. llpool's books, once the load is over (its pages handed back) and
# the refills and trims it kicked have run.
balanced
llpool_result "llpool_books_balance" $? "$(books)"

# 6. rcu_pool_user: after the barrier everything queued is freed, and every
# block page is back in its pool.
llpool_rcu_barrier_check barrier_frees_all rcu_pool_pages_returned $DEADLINE

# 7. Every unload returns within its deadline.
err=""
for m in llpool_stress llpool_rcu_stress; do
	bounded $DEADLINE rmmod $m || err="$err $m: $bout;"
done
llpool_unload_ours $DEADLINE
[ -z "$err" ]
llpool_result "unloads_within_deadline" $? "$err"

# 8. Memory back once the modules are gone: pages lost outside llpool's
# books (which step 5 checks).  Without a leak the figure moved by -0.1 to
# +1.4 MiB in 12 runs here (torture.ko stays loaded; page-list batches),
# hence 3 MiB.  That is coarse: the pools' reserves are 80 pages a CPU,
# and under load TCG takes CPUs down only 3 to 12 times in 20 s, so losing
# the stress reserve (256 kB) on each offline shows only in the longer
# storms.  A leak on every page llpool gives back (trims, offlines and
# destroys alike) shows at once: the leak_pages control (scripts/check.sh)
# requires this case to fail.
set -- $(memsnap); mem1=$1; shift
[ $(( mem1 - mem0 )) -lt 3072 ]
llpool_result "memory_returns" $? "used outside slab/percpu/stacks/pagetables $mem0 kB -> $mem1 kB; before: $md0; after: $*"

# 9. The kernel log since the start: no splat.
splat=$(llpool_splats)
[ -z "$splat" ]
llpool_result "kernel_log_clean" $? "$splat"
ktap_finished
