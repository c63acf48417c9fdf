# SPDX-License-Identifier: GPL-2.0
# The in-tree series on its debug kernels (intreedebug, intreedebugrt:
# lockdep, KASAN, kmemleak, DEBUG_VM).  Three kinds of boot, INTREE_MODE:
#
# torture, booted with slab_common.kvfree_rcu_llpool=N (kvfree_rcu on an
# llpool):
#  1. the switch: the pool came up at subsys_initcall and the page cache
#     was drained: the test-only patch (patches/intreetest/) filled it
#     before the switch, and the switch's own line says how many pages it
#     freed;
#  2. rcutorture, CPU hotplug every second, beside a kvfree_rcu load
#     (test_vmalloc's kvfree_rcu tests, one- and two-argument forms, one
#     thread per CPU, in a loop) for TORTURE_SECS; rcuscale cannot be that
#     load, only one torture test runs at a time;
#  3. the books after a kvfree_rcu barrier: every block page the pool gave
#     came back (allocs == frees) and llpool refused none.
# empty, booted with a high mark of 1 (on the non-RT kernel with slab_debug=U, so
# that SLUB's sheaves, which a debug flag turns off, do not take
# rcuscale's kmalloc'd objects before kvfree_rcu's blocks; PREEMPT_RT
# never uses them there): the pool run empty in each call form.
# fail_page_alloc fails the pool's refills only (its stack-trace filter
# holds llpool's worker) while rcuscale's kfree_rcu test runs one form;
# its counts (patch 2/4) say which way kvfree_rcu went, the pool's
# statistics how often it found the pool empty; then the books again.
# The barrier is rcutorture's unload: its mem_dump_obj() test destroys a
# kmem_cache, and kmem_cache_destroy() runs kvfree_rcu_barrier_on_cache(),
# which waits for every CPU's queued kvfree_rcu() objects (7.3 exports no
# kvfree_rcu_barrier() to modules).
#
# nopool, booted with an N llpool_create() refuses (the failure path of
# the switch, with the marks on): the page cache serves, its pages marked
# as kvfree_rcu's own while they are blocks.
secs=${TORTURE_SECS:-60}
ST=/sys/kernel/debug/llpool/kvfree_rcu/stats
LEAKED=/sys/module/slab_common/parameters/kvfree_rcu_test_leaked
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
# and llpool refused none.  The statistics are system-wide, and what runs
# after the barrier's first pass (rcutorture's own unload, on PREEMPT_RT
# or with slab_debug every kfree_rcu()) may attach a pool page to a block;
# the barrier's cancel_delayed_work_sync() of the monitor can then leave
# that block attached until the CPU's next kvfree_rcu() call.  So the
# statistics are read once a second for up to 20 s, each read judged
# whole, and before each read but the first the shrinker's scan, which
# runs every CPU's monitor (drop_caches), submits what is attached; no
# new barrier (its module load and unload would queue again), and no new
# process.
books() {
	local a f r m res k v i=0
	if ! barrier; then
		result "intree:$1" fail "no kvfree_rcu barrier (rcutorture's unload)"
		return
	fi
	# No process is started until the verdict (a fork or an exit may
	# itself queue a kfree_rcu()): builtins only, and a FIFO nobody
	# writes for the one-second waits.
	rm -f /tmp/books.fifo
	mkfifo /tmp/books.fifo
	exec 8<>/tmp/books.fifo
	while :; do
		while read -r k v; do
			case $k in
			allocs:) a=$v ;;
			frees:) f=$v ;;
			refused:) r=$v ;;
			misses:) m=$v ;;
			reserved:) res=$v ;;
			esac
		done < $ST
		[ -n "$a" ] && [ "$a" = "$f" ] && break
		i=$((i + 1))
		[ $i -ge 20 ] && break
		echo 2 > /proc/sys/vm/drop_caches
		read -r -t 1 k <&8
	done
	exec 8<&-
	# The leak control's planted mistake (the test-only
	# slab_common.kvfree_rcu_test_leak): the pages it freed behind the
	# pool's back, which its verdict expects the books to miss exactly.
	local leaked=
	[ -r $LEAKED ] && read -r leaked < $LEAKED
	[ -n "$a" ] && [ "$a" = "$f" ] && [ "$r" = 0 ] && [ "$a" -gt 0 ]
	result "intree:$1" $(pf $?) \
		"$2: allocs=$a frees=$f refused=$r ($i s after the barrier) misses=$m reserved=$res${leaked:+ allocs-frees=$((a - f)) planted-leak=$leaked}"
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

mode=${INTREE_MODE:-torture}
if [ "$mode" = nopool ]; then
	line=$(dmesg | sed -n 's/.*kvfree_rcu: \(no llpool of high mark .*keeping the page cache\)/\1/p')
	[ -n "$line" ] && [ ! -e $ST ]
	result intree:no-pool $(pf $?) "${line:-no refusal line}"
	mark "kvfree_rcu load"
	modprobe test_vmalloc run_test_mask=768 nr_threads="$(nproc)" \
		test_loop_count=5000 test_repeat_count=1 2>/dev/null
	bad=$(dmesg | grep 'Summary: kvfree_rcu_' | grep -vc 'failed: 0 ')
	runs=$(dmesg | grep -c 'Summary: kvfree_rcu_')
	[ "$runs" -gt 0 ] && [ "$bad" -eq 0 ]
	result intree:no-pool-load $(pf $?) \
		"$runs test_vmalloc kvfree_rcu summaries, $bad with failures"
	# The cache in use: after the load, its pages (patch 2/4's count,
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

if [ "$mode" = torture ]; then
	# The switch drains the page cache: booted with the test-only
	# slab_common.kvfree_rcu_test_prefill (patches/intreetest/), which
	# filled every online CPU's cache at arch_initcall.  Every page the
	# switch freed was in the cache then; a kvfree_rcu() call in between
	# may have taken some as blocks (freed later, as marked pages), so
	# the switch freed at least one and no more than were filled.
	# "kvfree_rcu test: P pages in the page cache, X of Y CPUs full,
	# before the switch": every cache full, so that no fill still runs.
	read -r pre full cpus <<-EOF
	$(dmesg | sed -n 's/.*kvfree_rcu test: \([0-9]*\) pages in the page cache, \([0-9]*\) of \([0-9]*\) CPUs full.*/\1 \2 \3/p')
	EOF
	drained=$(echo "$line" | sed -n 's/.*, \([0-9]*\) cached pages freed$/\1/p')
	[ -n "$pre" ] && [ "$full" = "$cpus" ] && [ -n "$drained" ] &&
		[ "$drained" -gt 0 ] && [ "$drained" -le "$pre" ]
	result intree:switch-drains $(pf $?) \
		"${pre:-no} pages cached on ${full:-?} of ${cpus:-?} CPUs before the switch (kvfree_rcu_test_prefill), ${drained:-no count of} freed by it"
fi

if [ "$mode" = torture ]; then
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
				test_loop_count=5000 test_repeat_count=1 2>/dev/null
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
fi
if [ "$mode" = empty ]; then
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
			c=$(rcuscale_run $form)
			fi_disarm
			m=$(( $(stat misses) - m0 ))
			h=$(field "$c" 1); s=$(field "$c" 2); b=$(field "$c" 3); k=$(field "$c" 4)
			if [ -z "$c" ]; then
				result "intree:pool-empty-$form" fail "no rcuscale result"
			elif [ $form = double ]; then
				# Each call that found the pool empty queued its object by
				# its rcu_head: the page cache is empty and refused while
				# the pool is on.
				[ "$b" -gt 0 ] && [ "$m" -gt 0 ] && [ "$h" -gt 0 ] && [ "$h" -le "$m" ] &&
					[ "$s" = 0 ] && [ "$k" = 0 ]
				result intree:pool-empty-double $(pf $?) "$m pool misses; rcuscale: $c"
			else
				# A head-less call that found the pool empty allocated a
				# block page of its own (the injection spares it): none
				# waited in synchronize_rcu().  Other callers' two-argument
				# calls may fall back meanwhile: no claim on the rcu_head
				# count.
				[ "$b" -gt 0 ] && [ "$m" -gt 0 ] && [ "$s" = 0 ] && [ "$k" = 0 ]
				result intree:pool-empty-single $(pf $?) "$m pool misses; rcuscale: $c"
			fi
		done
		mark "barrier"
		books books-after-empty "after the pool ran empty in both forms"
	fi
fi
data stats:kvfree_rcu $ST
lockdep_verdict
kmemleak_check
