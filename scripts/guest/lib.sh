# SPDX-License-Identifier: GPL-2.0
# Helpers for guest plans.  Results are written to the second serial port,
# which the host keeps apart from the kernel log, one line each:
#   @@ RESULT <name> <pass|fail|skip> [detail]
#   @@ KTAP-BEGIN <suite> ... @@ KTAP-END   (a KUnit suite's debugfs results)
#   @@ DATA-BEGIN <name>  ... @@ DATA-END   (a file for the host to print)

LLPOOL_OUT=/dev/ttyS1
MODDIR=/lib/llpool

result_raw() { echo "$*" > "$LLPOOL_OUT"; }
result() { result_raw "@@ RESULT $1 $2 ${3:-}"; }
# Mark a point in the kernel log, so that the host can tell which step a
# splat came from; with the guest's uptime, where a boot's time goes.
mark() { echo "llpool-mark: $* [t=$(cut -d" " -f1 /proc/uptime)]" > /dev/kmsg; }

# load NAME [params]: insmod a module from MODDIR, recording a result.
load() {
	local name=$1; shift
	mark "insmod $name $*"
	if out=$(insmod "$MODDIR/$name.ko" "$@" 2>&1); then
		result "insmod:$name" pass
	else
		result "insmod:$name" fail "$out"
		return 1
	fi
}

unload() {
	mark "rmmod $1"
	if out=$(rmmod "$1" 2>&1); then
		result "rmmod:$1" pass
	else
		result "rmmod:$1" fail "$out"
	fi
}

# ktap SUITE: ship a KUnit suite's results to the host for kunit.py parse.
ktap() {
	local f=/sys/kernel/debug/kunit/$1/results
	if [ ! -r "$f" ]; then
		result "kunit:$1" fail "suite did not run (no $f)"
		return
	fi
	result_raw "@@ KTAP-BEGIN $1"
	cat "$f" > "$LLPOOL_OUT"
	result_raw "@@ KTAP-END"
}

# kunit_suite MODULE: load a KUnit suite module (its one suite, named as
# the module without _kunit, runs at insmod), ship its results, unload it.
kunit_suite() {
	load "$1" && ktap "${1%_kunit}"
	unload "$1"
}

# kunit_suites: every *_kunit module in MODDIR, one suite each, but
# llpool_hotplug_kunit and llpool_rcu_kunit, which the plans run on their
# own (the rcu suite with rcu_pool_user loaded).  llpool_zone_lock_kunit
# needs llpool_lockwatch loaded.
kunit_suites() {
	local ko m n=0
	for ko in "$MODDIR"/*_kunit.ko; do
		m=${ko##*/}
		m=${m%.ko}
		case $m in
		'*_kunit' | llpool_hotplug_kunit | llpool_rcu_kunit) continue ;;
		esac
		n=$((n + 1))
		kunit_suite "$m"
	done
	[ "$n" -gt 0 ] || result kunit:modules fail "no *_kunit.ko in $MODDIR"
}

# stress_run SECONDS: llpool_stress from every CPU and context for SECONDS
# (a 60 s deadline for its "done" past them), its stats shipped, and one
# result: it finished, every online CPU allocated, and every page it took
# went back (allocs == frees).
stress_run() {
	local st=/sys/kernel/debug/llpool/stress/stats a f idle
	load llpool_stress seconds="$1" || return
	if wait_log 'llpool_stress: done' $(($1 + 60)); then
		data stats:stress $st
		a=$(sed -n 's/^allocs: //p' $st)
		f=$(sed -n 's/^frees: //p' $st)
		idle=$(grep -E '^cpu[0-9]+: .* allocs=0 ' $st | cut -d: -f1 | tr '\n' ' ')
		if [ "${a:-0}" -gt 0 ] && [ "$a" = "$f" ] && [ -z "$idle" ]; then
			result stress:load pass "allocs $a, frees $f, on every online CPU"
		else
			result stress:load fail "allocs ${a:-?}, frees ${f:-?}; CPUs that allocated nothing: ${idle:-none}"
		fi
	else
		result stress:load fail "no 'llpool_stress: done' within $(($1 + 60)) s"
	fi
	unload llpool_stress
}

# data NAME FILE: ship a file for the host to show.
data() {
	result_raw "@@ DATA-BEGIN $1"
	cat "$2" > "$LLPOOL_OUT" 2>&1
	result_raw "@@ DATA-END"
}

# bench_smoke [params]: llpool_bench mode=smoke, one result: every
# available contender reports every section, and llpool served every
# attempt in every context while every CPU hammered the page allocator.
# The control boot's bench_ctx_fail case (params ctx_fail=nmi) shows that
# the result turns red.  Needs llpool_lockwatch loaded.
bench_smoke() {
	local total s n want x row att ok smoke_avail smoke_bad
	load llpool_bench mode=smoke "$@" || return
	total=$(dmesg | sed -n 's/.*llpool_bench: csv,contenders,//p' | tail -1)
	smoke_avail=$(( ${total:-0} - $(dmesg | grep -c 'llpool_bench: csv,unavailable') ))
	smoke_bad=""
	for s in pair tput lat; do
		n=$(dmesg | grep -cE "llpool_bench: csv,$s,[a-z_]+,[0-9]")
		want=$smoke_avail
		# and the references: "zeroing" for pair, "clock" and "clock_irqoff" for lat
		case $s in pair) want=$((smoke_avail + 1)) ;; lat) want=$((smoke_avail + 2)) ;; esac
		[ "$n" -eq "$want" ] || smoke_bad="$smoke_bad $s:$n/$want"
	done
	for x in task softirq hardirq nmi; do
		row=$(dmesg | sed -n "s/.*llpool_bench: csv,ctx,$x,llpool,1,//p" | tail -1)
		att=$(echo "$row" | cut -d, -f1) ok=$(echo "$row" | cut -d, -f2)
		[ -n "$row" ] && [ "$att" -gt 0 ] && [ "$att" = "$ok" ] ||
			smoke_bad="$smoke_bad ctx-$x:${ok:-?}/${att:-?}"
	done
	# The producer/consumer churn and the ring need two CPUs; the check
	# boot has four.
	dmesg | grep -qE 'llpool_bench: csv,churn,llpool,[0-9]' || smoke_bad="$smoke_bad churn:0/1"
	dmesg | grep -qE 'llpool_bench: csv,churn,ring,[0-9]' || smoke_bad="$smoke_bad churn-ring:0/1"
	if [ -z "$smoke_bad" ] && [ "$smoke_avail" -gt 0 ] && dmesg | grep -q 'llpool_bench: done'; then
		result bench:smoke pass "$smoke_avail contenders"
	else
		result bench:smoke fail "rows missing or short:$smoke_bad"
	fi
	unload llpool_bench
}

# Lockdep's own verdict: debug_locks drops to 0 on its first report.
lockdep_verdict() {
	local v
	v=$(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null)
	if [ -z "$v" ]; then
		result lockdep:debug_locks skip "no /proc/lockdep_stats"
	elif [ "$v" = 1 ]; then
		result lockdep:debug_locks pass "debug_locks=1"
	else
		result lockdep:debug_locks fail "debug_locks=$v: lockdep reported a problem"
	fi
}

# KCSAN was on for the whole boot (a boot with it off proves nothing) and
# set watchpoints; its counters are shipped.  Its reports are judged on the
# host, from the kernel log (scripts/verdict.py): those naming llpool's
# code fail, the others are listed.
kcsan_verdict() {
	local k=/sys/kernel/debug/kcsan set
	if [ ! -r "$k" ]; then
		result kcsan:enabled fail "no $k: not a KCSAN kernel"
		return
	fi
	data kcsan "$k"
	set=$(sed -n 's/^setup_watchpoints: //p' "$k")
	if grep -q '^enabled: 1' "$k" && [ "${set:-0}" -gt 0 ]; then
		result kcsan:enabled pass "$(grep -E '^(setup_watchpoints|data_races|races_unknown_origin):' "$k" | tr '\n' ' ')"
	else
		result kcsan:enabled fail "$(head -1 "$k"), setup_watchpoints: ${set:-?}"
	fi
}

# kmemleak: scan twice (objects must be seen unreferenced in two scans and
# be older than 5 s); anything reported is a leak.
KMEMLEAK_SNAP=/tmp/kmemleak.report
kmemleak_check() {
	local k=/sys/kernel/debug/kmemleak
	if [ ! -w "$k" ]; then
		result kmemleak skip "no $k"
		return
	fi
	mark "kmemleak scan"
	sleep 6
	echo scan > "$k"; echo scan > "$k"
	# One read, kept: each read of $k walks the live object list again, and
	# objects freed meanwhile shift the walk, so two reads can disagree
	# (seen in CI: 203 objects in one read, 180 in the next).  Every count
	# made from the report, here and in plan-control.sh, uses this copy.
	cat "$k" > "$KMEMLEAK_SNAP"
	if grep -q "unreferenced object" "$KMEMLEAK_SNAP"; then
		data kmemleak "$KMEMLEAK_SNAP"
		result kmemleak fail "$(grep -c 'unreferenced object' "$KMEMLEAK_SNAP") unreferenced objects"
	else
		result kmemleak pass
	fi
}

# wait_log REGEX SECONDS: wait for the kernel log to show REGEX.
wait_log() {
	local i=0
	while ! dmesg | grep -q "$1"; do
		i=$((i + 1))
		[ "$i" -gt "$2" ] && return 1
		sleep 1
	done
}

# selftest DIR/SCRIPT [VAR=VALUE...]: run one script of the installed
# kselftest (/kselftest, laid out by the kernel's install target) and ship
# its KTAP output like a KUnit suite's.  It finds the modules as a user's
# machine has them: modprobe, and its own test_modules/.
selftest() {
	local script=/kselftest/$1 name
	name=selftest:$(basename "$1" .sh)
	shift
	mark "selftest $name"
	if [ ! -x "$script" ]; then
		result "$name" fail "no $script"
		return
	fi
	# With the script's own deadline (its settings file's timeout), so a
	# hang fails it and the plan goes on; a plan that knows its run is
	# slower (a control build that waits out every check) sets
	# SELFTEST_SECS.
	local secs rc
	secs=${SELFTEST_SECS:-$(sed -n 's/^timeout=//p' "$(dirname "$script")/settings" 2>/dev/null)}
	(LLPOOL_DIR=$(dirname "$script"); . "$LLPOOL_DIR/llpool_lib.sh"
	 bounded "${secs:-300}" env "$@" "$script"
	 rc=$?
	 # Cut at its deadline, its KTAP as far as it got, then the
	 # deadline on a line of its own: the cases it reported still count.
	 echo "$bpart" > /tmp/ktap.out
	 [ $rc = 124 ] && echo "# no return within ${secs:-300} s" >> /tmp/ktap.out
	 exit $rc)
	rc=$?
	result_raw "@@ KTAP-BEGIN $name"
	cat /tmp/ktap.out > "$LLPOOL_OUT"
	result_raw "@@ KTAP-END"
	case $rc in
	0) result "$name:exit" pass ;;
	4) result "$name:exit" skip "kselftest skip (exit 4)" ;;
	124) result "$name:exit" fail "no end within ${secs:-300} s" ;;
	*) result "$name:exit" fail "exit $rc" ;;
	esac
}

# Tracepoints: one tracefs instance per event, holding only that event, in
# a buffer that keeps its first entries (overwrite off), so that an event
# that fired once shows however busy the others were.  Check an event
# before the module that defines it is unloaded.
TRACEFS=/sys/kernel/tracing

# tp_arm SYSTEM/EVENT...: create the instances (the module that defines
# the events must be loaded).  An event tracefs does not know fails.
tp_arm() {
	local ev inst
	[ -d $TRACEFS/instances ] || mount -t tracefs nodev $TRACEFS 2>/dev/null
	for ev in "$@"; do
		inst=$TRACEFS/instances/llpool-${ev##*/}
		mkdir -p "$inst" 2>/dev/null
		echo 0 > "$inst/options/overwrite"
		echo 64 > "$inst/buffer_size_kb"
		if [ -w "$inst/events/$ev/enable" ]; then
			echo 1 > "$inst/events/$ev/enable"
		else
			result "tracepoint:${ev##*/}" fail "no event $ev in tracefs"
			rmdir "$inst"
		fi
	done
}

# tp_check SYSTEM/EVENT...: each fired at least once (its first line is
# shown); the instances go.
tp_check() {
	local ev inst first
	for ev in "$@"; do
		inst=$TRACEFS/instances/llpool-${ev##*/}
		[ -d "$inst" ] || continue
		first=$(grep -v '^#' "$inst/trace" | head -1 | sed 's/^ *//')
		if [ -n "$first" ]; then
			result "tracepoint:${ev##*/}" pass "$first"
		else
			result "tracepoint:${ev##*/}" fail "never fired"
		fi
		echo 0 > "$inst/events/$ev/enable"
		rmdir "$inst"
	done
}
