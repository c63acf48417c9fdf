# SPDX-License-Identifier: GPL-2.0
# The CPU-topology boots of `make check` (scripts/boot.sh with LLPOOL_SMP,
# and maxcpus= on the kernel command line): llpool, llpool_stress,
# rcu_pool_user and its load llpool_rcu_stress in a guest whose shape is
# not the main boot's.
#
# A round loads the four modules, drives them from every online CPU for
# TOPO_SECONDS, ships every pool's stats and unloads them all, each unload
# with a deadline.  What it records:
#   - every insmod and every rmmod, an rmmod failing when it has not returned
#     within UNLOAD_DEADLINE seconds (the module is left as it is and the
#     plan goes on: the boot must end and report);
#   - reserve at load is proportional to online CPUs: right after each
#     module created its pool, every CPU that is not online holds
#     reserved=0 in the pool's stats, and (in rcu_pool_user's lightly used
#     pool) every online CPU holds pages;
#   - with TOPO_HOTADD=N, CPU N is brought online while the load runs and
#     must hold reserved>0 in every pool within 10 s; a second, short
#     round then loads everything again, so that the new CPU is used too;
#   - every CPU online when the load started allocated from each pool
#     (its allocs > 0).
#
# Environment (from scripts/check.sh, through the kernel command line):
#   TOPO_POSSIBLE, TOPO_ONLINE  the shape the boot must have (checked)
#   TOPO_HOTADD                 a CPU to bring online during the load
#   TOPO_SECONDS                load duration of the first round (default 5)
TOPO_SECONDS=${TOPO_SECONDS:-5}
UNLOAD_DEADLINE=60
DBG=/sys/kernel/debug
CPUS=/sys/devices/system/cpu

# "0-1,3" -> "0 1 3"
expand_cpus() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r lo hi; do
		[ -n "$lo" ] && seq "$lo" "${hi:-$lo}"
	done | tr '\n' ' '
}
online_cpus() { expand_cpus "$(cat $CPUS/online)"; }
# Possible CPUs that are not online now.
offline_cpus() {
	local on=" $(online_cpus)" c
	for c in $(expand_cpus "$(cat $CPUS/possible)"); do
		case "$on " in *" $c "*) ;; *) echo "$c" ;; esac
	done | tr '\n' ' '
}
count() { set -- $1; echo $#; }

# cpu_field STATS CPU FIELD: FIELD of CPU's line in a pool's STATS file,
# empty when it does not list the CPU.
cpu_field() {
	sed -n "s/^cpu$2:.* $3=\([-0-9]*\).*/\1/p" "$1" 2>/dev/null
}
stats() { echo "$DBG/llpool/$1/stats"; }

# bounded, llpool_log_since and llpool_wait_log: the selftests' helpers
# (see llpool_lib.sh there).
LLPOOL_DIR=/kselftest/llpool
if [ ! -r $LLPOOL_DIR/llpool_lib.sh ]; then
	result topo:kselftest-installed fail "no $LLPOOL_DIR (scripts/kselftest.sh did not run)"
	exit 0
fi
. $LLPOOL_DIR/llpool_lib.sh

loaded() { grep -q "^$1 " /proc/modules; }

# Modules whose unload failed: later rounds leave them alone (one failure,
# reported once).
stuck=""

# tload NAME [params]: insmod with a deadline.  Returns 1 on failure, 2 when
# NAME is still loaded from a round whose unload failed (recorded as skip).
tload() {
	local name=$1
	shift
	case " $stuck " in *" $name "*)
		result "${P}insmod:$name" skip "still loaded: left behind by the round above"
		return 2 ;;
	esac
	mark "insmod $name $*"
	if bounded 120 insmod "$MODDIR/$name.ko" "$@"; then
		result "${P}insmod:$name" pass "returned in ${btook} s"
		return 0
	fi
	result "${P}insmod:$name" fail "$bout"
	return 1
}

# tunload NAME: rmmod with UNLOAD_DEADLINE; a hung or failed unload leaves
# the module loaded and is recorded, and the plan goes on.
tunload() {
	local name=$1 rc h
	case " $stuck " in *" $name "*)
		result "${P}rmmod:$name" skip "still loaded: left behind by the round above"
		return ;;
	esac
	loaded "$name" || return
	# A module held by one whose unload failed cannot go either: one
	# failure, reported once.
	for h in /sys/module/$name/holders/*; do
		case " $stuck " in *" ${h##*/} "*)
			stuck="$stuck $name"
			result "${P}rmmod:$name" skip "held by ${h##*/}, whose unload failed above"
			return ;;
		esac
	done
	mark "rmmod $name (deadline $UNLOAD_DEADLINE s)"
	bounded $UNLOAD_DEADLINE rmmod "$name"
	rc=$?
	if [ $rc = 0 ]; then
		result "${P}rmmod:$name" pass "returned in ${btook} s (deadline $UNLOAD_DEADLINE s)"
		return
	fi
	stuck="$stuck $name"
	if [ $rc = 124 ]; then
		mark "rmmod $name hung: not returned after $UNLOAD_DEADLINE s"
		result "${P}rmmod:$name" fail "hung: not returned after $UNLOAD_DEADLINE s (module left behind)"
	else
		result "${P}rmmod:$name" fail "rc=$rc: $bout"
	fi
}

# reserve_check NAME STATS OFFLINE ONLINE [FILLED]: every CPU of OFFLINE
# holds reserved=0 in the pool's STATS file (a CPU it does not list holds
# nothing either); with FILLED=1, every CPU of ONLINE holds reserved>0 too.
# Nothing to check, nothing recorded: a shape whose CPUs are all online has
# no empty CPU to show.
reserve_check() {
	local name=$1 st=$2 off=$3 on=$4 filled=${5:-0} c r bad="" detail=""
	[ -z "$off" ] && [ "$filled" = 0 ] && return
	# (debugfs files have no size: read one line.)
	if [ -z "$(head -n 1 "$st" 2>/dev/null)" ]; then
		result "$name" fail "no stats ($st)"
		return
	fi
	for c in $on; do
		r=$(cpu_field "$st" "$c" reserved)
		detail="$detail cpu$c=${r:-unlisted}"
		[ "$filled" = 0 ] || { [ -n "$r" ] && [ "$r" -gt 0 ]; } ||
			bad="$bad online cpu$c empty;"
	done
	detail="online:$detail; offline:"
	for c in $off; do
		r=$(cpu_field "$st" "$c" reserved)
		detail="$detail cpu$c=${r:-unlisted}"
		[ -z "$r" ] || [ "$r" = 0 ] || bad="$bad offline cpu$c holds $r;"
	done
	[ -n "$off" ] || detail="$detail none"
	detail="$detail; reserved $(sed -n 's/^reserved: //p' "$st"), refilled $(sed -n 's/^refilled: //p' "$st")"
	if [ -z "$bad" ]; then
		result "$name" pass "$detail"
	else
		result "$name" fail "$bad ($detail)"
	fi
}

# used_check POOL CPUS: every CPU of CPUS allocated from POOL.
used_check() {
	local pool=$1 c a idle="" detail=""
	for c in $2; do
		a=$(cpu_field "$(stats "$pool")" "$c" allocs)
		detail="$detail cpu$c=${a:-unlisted}"
		[ -n "$a" ] && [ "$a" -gt 0 ] || idle="$idle cpu$c"
	done
	if [ -z "$idle" ]; then
		result "${P}used:every-cpu:$pool" pass "allocs:$detail"
	else
		result "${P}used:every-cpu:$pool" fail "no alloc on$idle (allocs:$detail)"
	fi
}

# hotadd CPU TAG: bring CPU online under load (the round's, started at
# TAG); each pool must fill it.  A load that ended before fails the
# operation: it was not the case under test.
#
# A load thread that lands on the new CPU can empty its reserve within
# milliseconds of its fill.  So the fill is seen in the reserve, or failing
# that, on llpool's tracepoints (llpool_refill of this CPU; llpool_steal
# by it, from the depot), in a tracefs instance of their own; then
# hotadd_after looks at the reserve again once the load is over.
hotadd_pending=""
hotadd_tr=/sys/kernel/tracing/instances/llpool-topo-hotadd
# hotadd_prepare CPU: the tracefs instance, before the loads start (under
# them every command the shell runs waits for a CPU).  llpool must be
# loaded: it defines the events.
hotadd_prepare() {
	local ev
	[ -d /sys/kernel/tracing/instances ] ||
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	if mkdir "$hotadd_tr" 2>/dev/null; then
		echo 0 > "$hotadd_tr/options/overwrite"
		echo 1024 > "$hotadd_tr/buffer_size_kb"
		echo "cpu == $1" > "$hotadd_tr/events/llpool/llpool_refill/filter"
		echo "cpu == $1" > "$hotadd_tr/events/llpool/llpool_steal/filter"
		for ev in llpool_refill llpool_steal; do
			echo 1 > "$hotadd_tr/events/llpool/$ev/enable"
		done
	fi 2>/dev/null
}
hotadd() {
	local cpu=$1 pool i r ended
	ended=$(llpool_log_since "$2" | grep -oE 'llpool_stress: done|llpool_rcu_stress: done' | tr '\n' ' ')
	mark "cpu$cpu online"
	if ! bounded 60 sh -c "echo 1 > $CPUS/cpu$cpu/online"; then
		result "hotplug:cpu$cpu-online" fail "$bout"
		return
	fi
	if [ -n "$ended" ]; then
		result "hotplug:cpu$cpu-online" fail "not under load ($ended before it): TOPO_SECONDS is too short"
	else
		result "hotplug:cpu$cpu-online" pass "in ${btook} s, under both loads; online now $(cat $CPUS/online)"
	fi
	for pool in stress rcu_pool_user; do
		[ -r "$(stats "$pool")" ] || continue
		if wait_reserved "$pool" "$cpu" 20; then
			result "reserve:hotadded-cpu$cpu-filled:$pool" pass "reserved=$r after $((i / 2)) s, under load"
		else
			hotadd_fill_traced "$cpu" "$pool"
		fi
		hotadd_pending="$hotadd_pending $cpu:$pool"
	done
}

# wait_reserved POOL CPU TRIES: poll CPU's reserve in POOL every 0.5 s, up
# to TRIES more times, until it holds pages.  $r is the last reserve read,
# $i the tries it took; true if it holds pages.
wait_reserved() {
	i=0
	while :; do
		r=$(cpu_field "$(stats "$1")" "$2" reserved)
		[ -n "$r" ] && [ "$r" -gt 0 ] && return 0
		i=$((i + 1))
		[ $i -gt "$3" ] && return 1
		sleep 0.5
	done
}

# The fill that the reserve did not show, from the tracepoints.
hotadd_fill_traced() {
	local cpu=$1 pool=$2 fill steals
	if [ ! -d "$hotadd_tr/events/llpool/llpool_refill" ]; then
		result "reserve:hotadded-cpu$cpu-filled:$pool" fail "reserved=0 for 10 s under load (no llpool tracepoints to tell a fill from none)"
		return
	fi
	fill=$(grep -m 1 "llpool_refill: pool=$pool cpu=$cpu taken=[1-9]" "$hotadd_tr/trace" |
		sed 's/.*llpool_refill: //')
	steals=$(grep -c "llpool_steal: pool=$pool cpu=$cpu " "$hotadd_tr/trace")
	if [ -n "$fill" ]; then
		result "reserve:hotadded-cpu$cpu-filled:$pool" pass "filled ($fill, traced), then emptied by the load on it ($steals depot magazines taken): reserved=0 through 10 s under load"
	else
		result "reserve:hotadded-cpu$cpu-filled:$pool" fail "no refill of cpu$cpu traced, reserved=0 for 10 s under load ($steals depot magazines taken by it)"
	fi
}

# Once the load is over: what each hot-added CPU holds (logged only).
hotadd_after() {
	local p cpu pool r i steals=""
	for p in $hotadd_pending; do
		cpu=${p%%:*} pool=${p#*:}
		wait_reserved "$pool" "$cpu" 10
		[ -d "$hotadd_tr/events/llpool/llpool_steal" ] &&
			steals="; $(grep -c "llpool_steal: pool=$pool cpu=$cpu " "$hotadd_tr/trace") depot magazines taken by it during the load"
		# Not a test: logged for the reader.
		mark "cpu$cpu in $pool after the load: reserved=${r:-unlisted}$steals"
	done
	hotadd_pending=""
	if [ -d "$hotadd_tr" ]; then
		for ev in llpool_refill llpool_steal; do
			echo 0 > "$hotadd_tr/events/llpool/$ev/enable"
		done
		rmdir "$hotadd_tr"
	fi 2>/dev/null
}

# round SECONDS [HOTADD]: one load of everything, then unload everything.
# Both loads run on the CPUs online when they start (their threads and
# timers are per CPU); a CPU added later is used by the next round.
round() {
	local secs=$1 add=$2 tag on off rcu=0 stress=0
	tag="llpool-topo-round-$P$(date +%s)"
	mark "$tag"
	on=$(online_cpus)
	off=$(offline_cpus)
	tload llpool
	[ $? = 1 ] && return
	[ -n "$add" ] && hotadd_prepare "$add"
	# Each pool's stats are copied right after its insmod and judged once
	# the CPU is added: under the loads every command the shell forks waits
	# seconds for a CPU, and the loads must still run when the CPU comes.
	# The stress pool is copied after its load started, though.
	# rcu_pool_user's pool serves one block page per ~500 objects,
	# so its reserves are as they were filled: every online CPU filled,
	# every other one empty.
	# rcu_pool_user comes first: it has no load of its own, and every
	# insmod after llpool_stress's start delays the hot-add under load.
	rm -f /tmp/at-load.*
	tload rcu_pool_user && cp "$(stats rcu_pool_user)" /tmp/at-load.rcu_pool_user &&
		rcu=2
	tload llpool_stress seconds="$secs" && stress=1 &&
		cp "$(stats stress)" /tmp/at-load.stress
	# One load thread per online CPU (llpool_rcu_stress spreads them).
	[ $rcu = 2 ] && tload llpool_rcu_stress threads="$(count "$on")" seconds="$secs" && rcu=1
	[ -n "$add" ] && hotadd "$add" "$tag"
	[ $stress = 1 ] && reserve_check "${P}reserve:at-load:stress" /tmp/at-load.stress "$off" "$on"
	[ $rcu = 1 ] && reserve_check "${P}reserve:at-load:rcu_pool_user" /tmp/at-load.rcu_pool_user "$off" "$on" 1
	if [ $stress = 1 ]; then
		if llpool_wait_log 'llpool_stress: done' $((secs + 60)) "$tag"; then
			result "${P}stress:finished" pass
		else
			result "${P}stress:finished" fail "no 'llpool_stress: done' within $((secs + 60)) s"
		fi
	fi
	if [ $rcu = 1 ]; then
		if llpool_wait_log 'llpool_rcu_stress: done' $((secs + 60)) "$tag"; then
			result "${P}rcu_stress:finished" pass
		else
			result "${P}rcu_stress:finished" fail "no 'llpool_rcu_stress: done' within $((secs + 60)) s"
		fi
	fi
	hotadd_after
	# No barrier here: the unload frees what is still queued, and that is
	# the path under test (the hotplug storm selftest checks the barrier).
	for f in "$DBG"/llpool/*/stats; do
		[ -r "$f" ] || continue
		f=${f%/stats}
		data "${P}stats:${f##*/}" "$f/stats"
	done
	[ $stress = 1 ] && used_check stress "$on"
	[ $rcu = 1 ] && used_check rcu_pool_user "$on"
	# CPUs still offline (never online in a maxcpus= boot) stayed empty
	# through the load: no free or refill put pages there.
	off=$(offline_cpus)
	on=$(online_cpus)
	[ $stress = 1 ] && reserve_check "${P}reserve:after-load:stress" "$(stats stress)" "$off" "$on"
	[ $rcu = 1 ] && reserve_check "${P}reserve:after-load:rcu_pool_user" "$(stats rcu_pool_user)" "$off" "$on"
	tunload llpool_stress
	tunload llpool_rcu_stress
	tunload rcu_pool_user
	tunload llpool
}

possible=$(count "$(expand_cpus "$(cat $CPUS/possible)")")
online=$(count "$(online_cpus)")
shape="possible $(cat $CPUS/possible) ($possible), online $(cat $CPUS/online) ($online), nodes $(ls -d $CPUS/../node/node* 2>/dev/null | wc -l); plan started at uptime $(cut -d' ' -f1 /proc/uptime) s"
if [ "${TOPO_POSSIBLE:-$possible}" = "$possible" ] && [ "${TOPO_ONLINE:-$online}" = "$online" ]; then
	result topo:shape pass "$shape"
else
	result topo:shape fail "want possible=$TOPO_POSSIBLE online=$TOPO_ONLINE; have $shape"
fi

P=""
round "$TOPO_SECONDS" "$TOPO_HOTADD"
if [ -n "$TOPO_HOTADD" ]; then
	# Again with the hot-added CPU online from the start, so that it is used.
	P="after-hotadd:"
	round 2
fi
P=""
lockdep_verdict
kmemleak_check
