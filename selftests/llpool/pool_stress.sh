#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# llpool under everything the contexts it serves can bring: bad input,
# memory pressure (shrinker, a memory hog), fault injection into refills,
# CPU hotplug under load.  Uses llpool_stress (pool "stress", high 64,
# low 16) as the load.
#
# Needs root, debugfs, the installed llpool and the test module
# llpool_stress; skips (4) without any of them.
LLPOOL_DIR=$(dirname "$0")
. "$LLPOOL_DIR/llpool_lib.sh"

ST=$DBG/llpool/stress/stats

llpool_require_root
llpool_need_modules llpool llpool_stress
llpool_mod_loaded llpool_stress && llpool_skip_all "llpool_stress is already loaded"

stat() { sed -n "s/^$1: //p" $ST; }
cpu_reserved() { sed -n "s/^cpu$1: reserved=\([0-9]*\).*/\1/p" $ST; }
# The CPUs the pool serves (online ones): only they hold a reserve.
live_cpus() { sed -n 's/^cpu\([0-9]*\):.* live=1.*/\1/p' $ST; }
# Seconds since boot, in hundredths (busybox date has whole seconds only).
uptime_cs() { cut -d' ' -f1 /proc/uptime | tr -d . | sed 's/^0*//'; }
# Free memory in kB counting the per-CPU page lists, where freed pages land
# first and which MemFree leaves out.
freekb() {
	awk '/^ +pages free/ {f += $3} /^ +count:/ {c += $2}
	     END {print (f + c) * 4}' /proc/zoneinfo
}
# Each load is marked in the log: wait for this load's end.
wait_done() { llpool_wait_log 'llpool_stress: done' "$1"; }
# balanced: the pool's books close (quiescent): refilled - trimmed ==
# reserved + spill, and allocs == frees.
balanced() { llpool_books_settled "$ST" >/dev/null; }
books() { llpool_books "$ST"; }

llpool_begin pool_stress 13
llpool_load llpool || ktap_exit_fail_msg "modprobe llpool: $lout"

# 1. Bad module parameters: refused, nothing loaded.
bad=""
for p in seconds=0 seconds=601 order=4 high=3 high=513; do
	if llpool_load llpool_stress $p; then
		bad="$bad $p"; bounded 60 rmmod llpool_stress
	fi
done
[ -z "$bad" ] && ! [ -d $DBG/llpool/stress ]
llpool_result "bad_params_refused" $? "accepted:$bad"

# 2. Shrinker: under reclaim the pool gives back what is above low.
llpool_load llpool_stress seconds=2
wait_done 60
sleep 1
before=$(stat reserved)
echo 2 > /proc/sys/vm/drop_caches
# The depots give back at once; each CPU's stack is trimmed by its own
# worker, which the shrinker queues: give them 10 s.
trimmed_to_low() {
	for c in $(live_cpus); do
		[ "$(cpu_reserved "$c")" -le 16 ] || return 1
	done
	[ "$(stat shrunk)" -gt 0 ]
}
i=0
until trimmed_to_low || [ $i -ge 20 ]; do
	sleep 0.5
	i=$((i + 1))
done
trimmed_to_low
llpool_result "shrinker_trims_to_low" $? "reserved $before -> $(stat reserved), shrunk=$(stat shrunk)"
balanced
llpool_result "books_balance_after_shrink" $? "$(books)"
bounded 60 rmmod llpool_stress

# 3. Fault injection into refills only: the stack-trace filter limits it
# to calls from llpool's code, so the rest of the guest keeps working.
FI=$DBG/fail_page_alloc
if [ -d $FI ] && [ -f $FI/require-start ]; then
	# Every knob touched goes back to what it was, however the script ends.
	fi_knobs="probability interval times min-order verbose stacktrace-depth
		  ignore-gfp-wait ignore-gfp-highmem require-start require-end"
	fi_saved=$(for k in $fi_knobs; do echo "$k $(cat $FI/$k)"; done)
	fi_restore() {
		echo 0 > $FI/probability
		echo "$fi_saved" | while read -r k v; do echo "$v" > "$FI/$k"; done
	}
	trap fi_restore EXIT
	trap 'fi_restore; exit 1' INT TERM
	# llpool's text: from its lowest to its highest function (slow to read
	# under KASAN, so before the load starts).  Functions only: a per-CPU
	# variable's symbol is an offset near 0, and would widen the range to
	# every caller in the kernel.
	range=$(grep -E '\[llpool\]$' /proc/kallsyms | awk '$2 ~ /^[tT]$/ {print $1}' | sort | sed -n '1p;$p')
	echo "0x$(echo "$range" | sed -n 1p)" > $FI/require-start
	echo "0x$(echo "$range" | sed -n 2p)" > $FI/require-end
	echo 1 > $FI/verbose; echo 32 > $FI/stacktrace-depth
	echo N > $FI/ignore-gfp-wait; echo N > $FI/ignore-gfp-highmem
	# A budget of failures: what is left of it tells how many were injected.
	echo 0 > $FI/min-order; echo 100000 > $FI/times; echo 1 > $FI/interval
	echo "# injecting into $(cat $FI/require-start)..$(cat $FI/require-end)"
	llpool_log_mark pool_stress-1
	llpool_load llpool_stress seconds=12 high=32
	sleep 1
	f0=$(stat refill_fails); a0=$(stat allocs); m0=$(stat misses)
	t0=$(uptime_cs)
	echo 100 > $FI/probability
	# At least 3 s, and on until the window holds what the verdicts
	# need, a failed refill and 10000 allocations, for up to 5 s more
	# (the load runs 12 s): a guest slowed by its host (make check boots
	# two controls at once) ran too little in a fixed 3 s to judge.
	sleep 3
	i=0
	until { [ "$(stat refill_fails)" -gt "$f0" ] &&
		[ $(( $(stat allocs) - a0 )) -ge 10000 ]; } || [ $i -ge 25 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	f1=$(stat refill_fails); a1=$(stat allocs); m1=$(stat misses)
	echo 0 > $FI/probability
	secs=$(( ($(uptime_cs) - t0 + 99) / 100 ))
	# While every refill fails, the reserves and the depots still serve
	# the load: thousands of allocations (hundreds of thousands in the
	# runs here), fewer misses than allocations, not a trickle of them.
	# The misses vary: pages spilled while a refill backs off go back to
	# the page allocator by design (memory looks short), and how many
	# spill depends on how the load's frees fall across CPUs.  Up to 2 in
	# 100 were usual, and one rt73 run of make check (at 0b967e9) saw 20
	# in 100: the bound is one in two, which the empty_pool control (no
	# allocation served) still fails.
	# No refill wanted in the whole window (no stack fell to low: a
	# slow guest's balanced load) leaves nothing to judge: a skip, not a
	# pass.  The empty_pool control's pool wants refills all the time.
	if [ "$f1" -eq "$f0" ]; then
		ktap_print_msg "fault_injection_counted_pool_serves: no refill wanted in $secs s (allocs $a0->$a1)"
		ktap_test_skip fault_injection_counted_pool_serves
	else
		[ $(( a1 - a0 )) -ge 10000 ] && [ $(( (m1 - m0) * 2 )) -lt $(( a1 - a0 )) ]
		llpool_result "fault_injection_counted_pool_serves" $? "refill_fails $f0->$f1, allocs $a0->$a1 (at least 10000 more), misses $m0->$m1 (under half of them)"
	fi
	# Each failed refill run counts one failure, and a failing CPU retries
	# on its backoff's schedule: 20 ms doubling to 1 s is 8 runs in 3 s
	# and one a second after; secs + 7 a CPU (10 in 3 s) allows for a run
	# at each end of the window.
	ncpu=$(live_cpus | wc -l)
	if [ "$f1" -eq "$f0" ]; then
		ktap_print_msg "backoff_holds_under_load: no refill wanted in $secs s"
		ktap_test_skip backoff_holds_under_load
	else
		[ $(( f1 - f0 )) -le $(( (secs + 7) * ncpu )) ]
		llpool_result "backoff_holds_under_load" $? "$(( f1 - f0 )) failed refill runs in $secs s on $ncpu CPUs (at most $(( (secs + 7) * ncpu )))"
	fi
	# Every failure injected into llpool's code must be a refill: a refill
	# stops at its first failed allocation and counts one refill failure.
	# An allocation anywhere else in llpool (a fast path, say) would be
	# injected too, without a refill failure: injected would exceed them.
	# And with memory plentiful nothing fails before the injection, so a
	# refill failure counted without an injected one is a miscount (there
	# was one: a refill that lost a race with frees counted a failure).
	sleep 1
	injected=$(( 100000 - $(cat $FI/times) ))
	f2=$(stat refill_fails)
	if [ "$injected" -eq 0 ] && [ "$f2" -eq "$f0" ]; then
		ktap_print_msg "faults_only_in_refill: nothing injected, no refill wanted"
		ktap_test_skip faults_only_in_refill
	else
		[ "$f0" -eq 0 ] && [ "$injected" -gt 0 ] && [ "$injected" -eq $(( f2 - f0 )) ]
		llpool_result "faults_only_in_refill" $? "injected $injected, refill failures counted $(( f2 - f0 )) ($f0 before injecting)"
	fi
	wait_done 60
	sleep 2
	ok=0
	for c in $(live_cpus); do
		[ "$(cpu_reserved "$c")" -ge 8 ] || ok=1
	done
	[ $ok = 0 ]
	llpool_result "recovers_after_injection" $? "$(grep '^cpu' $ST | tr '\n' ' ')"
	balanced
	llpool_result "books_balance_after_injection" $? "$(books)"
	bounded 60 rmmod llpool_stress

	# The backoff holds against a CPU that misses every millisecond from
	# hardirq while every refill fails: llpool_stress hoard=1 keeps a page
	# a millisecond on one CPU, which soon spends its reserve and the
	# depots.  Each miss kicks; the refill must still run on the backoff's
	# schedule (8 runs in 3 s, 10 allowed), not at every kick.  (Under TCG
	# a failing run here is too short for a kick to land in it, so before
	# the fix this shape gave 5 runs too; backoff_holds_under_load above,
	# with every CPU busy, gave 84 and 129 of its 40.)
	llpool_log_mark pool_stress-hoard
	llpool_load llpool_stress seconds=6 high=32 hoard=1
	echo 100 > $FI/probability
	i=0
	until [ "$(stat misses)" -gt 100 ] || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	f0=$(stat refill_fails); m0=$(stat misses)
	sleep 3
	f1=$(stat refill_fails); m1=$(stat misses)
	echo 0 > $FI/probability
	[ $(( m1 - m0 )) -ge 500 ] && [ $(( f1 - f0 )) -ge 1 ] && [ $(( f1 - f0 )) -le 10 ]
	llpool_result "backoff_holds_under_misses" $? "$(( f1 - f0 )) failed refill runs (1 to 10 allowed) in 3 s of $(( m1 - m0 )) misses from hardirq on one CPU"
	llpool_wait_log 'llpool_stress: done' 60
	bounded 60 rmmod llpool_stress
	fi_restore
	trap - EXIT INT TERM
else
	for t in fault_injection_counted_pool_serves backoff_holds_under_load \
		 faults_only_in_refill recovers_after_injection \
		 books_balance_after_injection backoff_holds_under_misses; do
		ktap_print_msg "$t: no fail_page_alloc stack-trace filter"
		ktap_test_skip $t
	done
fi

# 4. CPU hotplug under load: offline/online the other CPUs in a loop.
llpool_log_mark pool_stress-2
llpool_load llpool_stress seconds=8
cycles=0; errs=0
end=$(( $(date +%s) + 6 ))
while [ "$(date +%s)" -lt $end ]; do
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -w "$c" ] || continue
		bounded 60 sh -c "echo 0 > $c" || errs=$((errs + 1))
		bounded 60 sh -c "echo 1 > $c" || errs=$((errs + 1))
		cycles=$((cycles + 1))
	done
done
wait_done 60
sleep 2
[ $cycles -gt 0 ] && [ $errs = 0 ] && balanced
llpool_result "hotplug_under_load_balanced" $? "$cycles cycles, $errs errors, $(books)"
bounded 60 rmmod llpool_stress

# 5. A memory hog while the load runs: one NUMA node's free memory held at
# its min watermark for 2 s (llpool_stress hog_ms, from insmod's own
# context: kernel memory, which reclaim cannot take and no OOM kill frees),
# by a hog that also keeps every page the pool gives it, the pool taking
# its pages from its CPUs' own nodes only.  In that window the pool's
# refills must fail (counted by the pool in the window: a hog that does
# not bite fails here; the hog's own NULLs come anyway), with no OOM kill
# (should one come, the detail names who asked); every NULL the load and
# the hog met is one the pool counted; and service is back once the hog
# is gone.  Everybody else allocates from the other node meanwhile: a hog
# of the whole machine's memory got this script's own execs OOM-killed.
# The hog takes a node's free memory: on a machine with more than 4 GiB,
# where the host's other work would feel it, it runs only when asked
# (LLPOOL_HOG=1); test guests are smaller.  LLPOOL_HOG=0 leaves it out
# anywhere, and it needs two nodes with memory.
memtotal=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
hog_why=""
[ "$memtotal" -gt 4194304 ] && [ "${LLPOOL_HOG:-}" != 1 ] &&
	hog_why="$((memtotal / 1024)) MiB of RAM; LLPOOL_HOG=1 runs it"
[ "${LLPOOL_HOG:-}" = 0 ] && hog_why="LLPOOL_HOG=0"
[ -z "$hog_why" ] && ! grep -q '[-,]' /sys/devices/system/node/has_memory 2>/dev/null &&
	hog_why="one node with memory ($(cat /sys/devices/system/node/has_memory 2>/dev/null)); the hog needs two"
if [ -n "$hog_why" ]; then
	for t in memory_hog_no_oom service_back_after_hog; do
		echo "# $t: $hog_why"
		ktap_test_skip $t
	done
else
	llpool_log_mark pool_stress-3
	# The hog's first fill takes seconds under TCG: a load of 15 s outlasts
	# it and the window after it.
	llpool_load llpool_stress seconds=15 hog_ms=2000
	wait_done 60
	sleep 2
	ok=0
	for c in $(live_cpus); do
		[ "$(cpu_reserved "$c")" -ge 8 ] || ok=1
	done
	[ $ok = 0 ] && balanced
	back=$?
	back_why="$(grep '^cpu' $ST | tr '\n' ' ') $(books)"
	bounded 60 rmmod llpool_stress
	# The run's log, read once: every figure below comes from it.
	hog_log=$(llpool_log_since)
	# "hog: N pages of node D held for M ms, K of the pool's kept:
	# refill_fails +F, misses +X"
	read -r hog_pages hog_node hog_ms hog_kept hog_fails hog_misses <<-EOF
	$(echo "$hog_log" | sed -n 's/.*llpool_stress: hog: \([0-9]*\) pages of node \([0-9]*\) held for \([0-9]*\) ms, \([0-9]*\) of the pool.s kept: refill_fails +\([0-9]*\), misses +\([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' | tail -1)
	EOF
	oom=$(echo "$hog_log" | grep -c 'Out of memory\|oom-kill')
	# "N CPUs: task allocs A misses M, hardirq allocs B misses H, hog
	# misses G; the pool counted P misses", at unload, once everything has
	# stopped.
	read -r nulls pool_misses <<-EOF
	$(echo "$hog_log" | sed -n 's/.*llpool_stress: [0-9]* CPUs: task allocs [0-9]* misses \([0-9]*\), hardirq allocs [0-9]* misses \([0-9]*\), hog misses \([0-9]*\); the pool counted \([0-9]*\) misses$/\1 \2 \3 \4/p' | tail -1 |
	  awk '{print $1 + $2 + $3, $4}')
	EOF
	oom_who=$(echo "$hog_log" | grep -m1 'invoked oom-killer' | sed 's/^\[[^]]*\] //')
	[ "${hog_fails:-0}" -ge 1 ] && [ "$oom" = 0 ] &&
		[ -n "$nulls" ] && [ "$nulls" = "$pool_misses" ]
	llpool_result "memory_hog_no_oom" $? "hog of ${hog_pages:-?} pages of node ${hog_node:-?} for ${hog_ms:-?} ms, ${hog_kept:-?} of the pool's kept: refill_fails +${hog_fails:-?} (at least 1), misses +${hog_misses:-?}; $oom OOM messages${oom_who:+ (first: $oom_who)}; NULLs met by the load and the hog ${nulls:-?}, misses counted by the pool ${pool_misses:-?}"
	llpool_result "service_back_after_hog" $back "$back_why"
fi

# 6. Memory comes back: 5 create/load/destroy cycles of a 512-page-per-CPU
# pool (8 MiB on 4 CPUs each) must not lose more than 16 MiB of free memory
# (pcplists counted); leaking the pools would lose 40 MiB.  And the pool
# did hold memory while loaded, in the first cycle: its reserve at least
# its low mark (128 pages) on every CPU it serves, and free memory down by
# at least half of what its reserve counts (a pool that took nothing
# would pass the first half trivially; the empty_pool control did).
mem0=$(freekb)
held=0 res=0 want=0
for i in 1 2 3 4 5; do
	llpool_log_mark pool_stress-4
	llpool_load llpool_stress seconds=1 high=512 && wait_done 60
	if [ $i = 1 ]; then
		res=$(stat reserved)
		want=$(( $(live_cpus | wc -l) * 128 ))
		held=$(( mem0 - $(freekb) ))
	fi
	bounded 60 rmmod llpool_stress
done
mem1=$(freekb)
[ $(( mem0 - mem1 )) -lt 16384 ] && [ "$want" -gt 0 ] && [ "${res:-0}" -ge "$want" ] &&
	[ "$held" -ge $(( ${res:-0} * 4 / 2 )) ]
llpool_result "memory_returns" $? "free $mem0 kB -> $mem1 kB over 5 pools of 8 MiB; the first held ${res:-?} pages (at least $want) while free memory was $held kB lower"
llpool_unload_ours 60
ktap_finished
