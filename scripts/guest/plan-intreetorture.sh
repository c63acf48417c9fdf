# SPDX-License-Identifier: GPL-2.0
# The in-tree series on its debug kernels (intreedebug, intreedebugrt:
# lockdep, KASAN, kmemleak, DEBUG_VM).  Two kinds of boot:
#
# Booted with slab_common.kvfree_rcu_llpool=N (kvfree_rcu on an llpool):
#  1. the switch: the pool came up at subsys_initcall and the page cache
#     was drained (how many pages, from the kernel's own line);
#  2. rcutorture, CPU hotplug every second, beside a kvfree_rcu load
#     (test_vmalloc's kvfree_rcu tests, one- and two-argument forms, one
#     thread per CPU, in a loop) for TORTURE_SECS; rcuscale cannot be that
#     load, only one torture test runs at a time;
#  3. the books after a kvfree_rcu barrier: every block page the pool gave
#     came back (allocs == frees) and llpool refused none;
#  4. the pool empty, in each call form: fail_page_alloc fails the pool's
#     refills only (its stack-trace filter holds llpool's worker), and
#     test_vmalloc's kvfree_rcu test of that form runs (vmalloc'd objects,
#     which SLUB's sheaves never take): it must pass with the pool found
#     empty; on PREEMPT_RT, where no sheaves take rcuscale's kmalloc'd
#     objects either, rcuscale's kfree_rcu test runs that form too, and its
#     counts (patch 2/3) say which way kvfree_rcu went; then the books
#     again.
# The barrier is rcutorture's unload: its mem_dump_obj() test destroys a
# kmem_cache, and kmem_cache_destroy() runs kvfree_rcu_barrier_on_cache(),
# which waits for every CPU's queued kvfree_rcu() objects (7.3 exports no
# kvfree_rcu_barrier() to modules).
#
# INTREE_NOPOOL=1, booted with an N llpool_create() refuses (the failure
# path of the switch, with the marks on): the page cache serves,
# its pages marked as kvfree_rcu's own while they are blocks.
secs=${TORTURE_SECS:-60}
ST=/sys/kernel/debug/llpool/kvfree_rcu/stats
# 1 on PREEMPT_RT, where kvfree_call_rcu() skips SLUB's sheaves.
rt=$(uname -v | grep -c PREEMPT_RT)
stat() { sed -n "s/^$1: //p" $ST; }
# pf RC: a result's status from an exit code.
pf() { [ "$1" = 0 ] && echo pass || echo fail; }
# kmemleak's own scanner thread holds RCU read-side sections across long
# scans: preempted while rcutorture takes CPUs offline (one left) and its
# boost threads run, it stalled a grace period for 26 s on a busy host.
# The explicit scans at the end still run.
[ -w /sys/kernel/debug/kmemleak ] && echo scan=off > /sys/kernel/debug/kmemleak

# rcuscale_run FORM: rcuscale's kfree_rcu test in one call form, as a
# module; prints its counts line ("H objects queued by rcu_head, S inline
# synchronize_rcu(); B objects in block pages; page cache: C pages").
# Nothing when no new line came within 300 s.
rcuscale_run() {
	local n0 i=0
	n0=$(dmesg | grep -c 'kvfree_rcu fallbacks:')
	modprobe rcuscale kfree_rcu_test=1 "kfree_rcu_test_$1=1" kfree_loops=4 shutdown_secs=0 ||
		return 1
	while [ "$(dmesg | grep -c 'kvfree_rcu fallbacks:')" -le "$n0" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && break
		sleep 1
	done
	rmmod rcuscale
	[ $i -gt 300 ] && return 1
	dmesg | sed -n 's/.*kvfree_rcu fallbacks: \(.*\)/\1/p' | tail -1
}
# vmalloc_run FORM: test_vmalloc's kvfree_rcu test of one call form (1 or
# 2 arguments), one thread per CPU; fails unless its summary came and
# says none failed.
vmalloc_run() {
	local mask=256 n0
	[ "$1" = double ] && mask=512
	n0=$(dmesg | grep -c 'Summary: kvfree_rcu_')
	modprobe test_vmalloc run_test_mask=$mask nr_threads="$(nproc)" \
		test_loop_count=20000 test_repeat_count=1 2>/dev/null
	[ "$(dmesg | grep -c 'Summary: kvfree_rcu_')" -gt "$n0" ] &&
		! dmesg | grep 'Summary: kvfree_rcu_' | tail -n +$((n0 + 1)) | grep -qv 'failed: 0 '
}
# field LINE N: the Nth number of a counts line.
field() { echo "$1" | tr -c '0-9\n' ' ' | awk -v n="$2" '{print $n}'; }

# barrier: a kvfree_rcu barrier (see above), checked by the line
# rcutorture prints once the kmem_cache is gone.
barrier() {
	local n0
	n0=$(dmesg | grep -c 'mem_dump_obj() kmalloc test')
	lsmod | grep -q '^rcutorture' || modprobe rcutorture torture_type=rcu stat_interval=0 \
		fwd_progress=0 || return 1
	rmmod rcutorture || return 1
	[ "$(dmesg | grep -c 'mem_dump_obj() kmalloc test')" -gt "$n0" ]
}

# books NAME WHAT: after a barrier, every block page is back in the pool
# and llpool refused none.  The statistics are system-wide and anything
# may queue a kvfree_rcu() after the barrier passed its CPU (on RT every
# kfree_rcu() reaches the blocks), attaching a pool page for a few
# seconds: so up to 10 tries, a barrier and a second apart, each judged on
# one read of the statistics.
books() {
	local snap a f r i=0
	while :; do
		if ! barrier; then
			result "intree:$1" fail "no kvfree_rcu barrier (rcutorture's unload)"
			return
		fi
		snap=$(cat $ST)
		a=$(echo "$snap" | sed -n 's/^allocs: //p')
		f=$(echo "$snap" | sed -n 's/^frees: //p')
		r=$(echo "$snap" | sed -n 's/^refused: //p')
		i=$((i + 1))
		[ -n "$a" ] && [ "$a" = "$f" ] && break
		[ $i -ge 10 ] && break
		sleep 1
	done
	[ -n "$a" ] && [ "$a" = "$f" ] && [ "$r" = 0 ] && [ "$a" -gt 0 ]
	result "intree:$1" $(pf $?) \
		"$2: allocs=$a frees=$f refused=$r (try $i) misses=$(echo "$snap" | sed -n 's/^misses: //p') reserved=$(echo "$snap" | sed -n 's/^reserved: //p')"
}

# fail_page_alloc limited to llpool's text: the run of llpool_* functions
# (and their __pfx_ padding symbols) around its worker, llpool_work_fn,
# up to the next function, in address order (addresses are 16 hex
# digits, so strings sort as numbers).  Every refill the worker makes has
# llpool_work_fn in its stack; __cold code lies elsewhere, and no other
# caller of the page allocator runs llpool's code.
fi_range() {
	grep -E ' [tT] ' /proc/kallsyms | sort | awk '
		{ a[NR] = $1; n[NR] = $3; if ($3 == "llpool_work_fn") k = NR }
		END {
			if (!k) exit 1
			lo = k; while (lo > 1 && n[lo - 1] ~ /^(__pfx_)?_*llpool_/) lo--
			hi = k; while (hi < NR && n[hi + 1] ~ /^(__pfx_)?_*llpool_/) hi++
			if (hi == NR) exit 1
			print "0x" a[lo], "0x" a[hi + 1]
		}'
}
FI=/sys/kernel/debug/fail_page_alloc
fi_arm() {
	echo "$1" > $FI/require-start; echo "$2" > $FI/require-end
	echo 32 > $FI/stacktrace-depth; echo 0 > $FI/verbose
	echo N > $FI/ignore-gfp-wait; echo N > $FI/ignore-gfp-highmem
	echo 0 > $FI/min-order; echo -1 > $FI/times; echo 1 > $FI/interval
	echo 100 > $FI/probability
}
fi_disarm() { echo 0 > $FI/probability; }

if [ -n "${INTREE_NOPOOL:-}" ]; then
	line=$(dmesg | sed -n 's/.*kvfree_rcu: \(no llpool of high mark .*keeping the page cache\)/\1/p')
	[ -n "$line" ] && [ ! -e $ST ]
	result intree:no-pool $(pf $?) "${line:-no refusal line}"
	mark "kvfree_rcu load"
	modprobe test_vmalloc run_test_mask=768 nr_threads="$(nproc)" \
		test_loop_count=20000 test_repeat_count=1 2>/dev/null
	bad=$(dmesg | grep 'Summary: kvfree_rcu_' | grep -vc 'failed: 0 ')
	runs=$(dmesg | grep -c 'Summary: kvfree_rcu_')
	[ "$runs" -gt 0 ] && [ "$bad" -eq 0 ]
	result intree:no-pool-load $(pf $?) \
		"$runs test_vmalloc kvfree_rcu summaries, $bad with failures"
	# The cache in use: after the load, its pages (patch 2/3's count,
	# which rcuscale prints) are the blocks that came back to it.  Where
	# the rcuscale objects reach the blocks (PREEMPT_RT: no sheaves),
	# they come from the cache too.
	for form in double single; do
		mark "rcuscale $form"
		c=$(rcuscale_run $form)
		[ -n "$c" ] && [ "$(field "$c" 4)" -gt 0 ] &&
			{ [ "$rt" = 0 ] || [ "$(field "$c" 3)" -gt 0 ]; }
		result "intree:no-pool-cache-$form" $(pf $?) \
			"${c:-no rcuscale result}"
	done
	lockdep_verdict
	kmemleak_check
	exit 0
fi

line=$(dmesg | sed -n 's/.*kvfree_rcu: \(block pages from llpool.*\)/\1/p')
[ -n "$line" ] && [ -r $ST ]
result intree:switch $(pf $?) "${line:-the pool did not come up}"

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
mark "barrier"
books books-after-torture "after $secs s of rcutorture and the load"
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
data stats:kvfree_rcu-torture $ST

range=$(fi_range)
if [ -z "$range" ] || [ ! -f $FI/require-start ]; then
	for form in double single; do
		result "intree:pool-empty-$form" fail "no fail_page_alloc stack-trace filter or no llpool_work_fn"
	done
else
	echo "# refills fail in $range"
	for form in double single; do
		mark "pool empty: $form"
		m0=$(stat misses)
		fi_arm $range
		vmalloc_run $form
		ok=$?
		fi_disarm
		m=$(( $(stat misses) - m0 ))
		[ $ok = 0 ] && [ "$m" -gt 0 ]
		result "intree:pool-empty-$form" $(pf $?) \
			"test_vmalloc's $form-form kvfree_rcu test $([ $ok = 0 ] && echo passed || echo failed) with $m pool misses"
		[ "$rt" = 1 ] || continue
		mark "pool empty: rcuscale $form"
		m0=$(stat misses)
		fi_arm $range
		c=$(rcuscale_run $form)
		fi_disarm
		m=$(( $(stat misses) - m0 ))
		h=$(field "$c" 1); s=$(field "$c" 2); k=$(field "$c" 4)
		if [ -z "$c" ]; then
			result "intree:pool-empty-$form-counts" fail "no rcuscale result"
		elif [ $form = double ]; then
			# Each call that found the pool empty queued its object by
			# its rcu_head: the page cache is empty and refused while
			# the pool is on.
			[ "$m" -gt 0 ] && [ "$h" -gt 0 ] && [ "$h" -le "$m" ] && [ "$s" = 0 ] && [ "$k" = 0 ]
			result intree:pool-empty-double-counts $(pf $?) "$m misses; rcuscale: $c"
		else
			# A head-less call that found the pool empty allocated a
			# block page of its own (the injection spares it): none
			# waited in synchronize_rcu().  Other callers' two-argument
			# calls may fall back meanwhile: no claim on the rcu_head
			# count.
			[ "$m" -gt 0 ] && [ "$s" = 0 ] && [ "$k" = 0 ]
			result intree:pool-empty-single-counts $(pf $?) "$m misses; rcuscale: $c"
		fi
	done
	mark "barrier"
	books books-after-empty "after the pool ran empty in both forms"
fi
data stats:kvfree_rcu $ST
lockdep_verdict
kmemleak_check
