# SPDX-License-Identifier: GPL-2.0
# Shared by llpool's selftests (POSIX sh; busybox is enough).  Sourced after
# LLPOOL_DIR is set to the script's directory.  Output is KTAP through the
# kernel's kselftest/ktap_helpers.sh; exit codes are kselftest's: 0 pass,
# 1 fail, 4 skip.

if [ ! -r "$LLPOOL_DIR/../kselftest/ktap_helpers.sh" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no ../kselftest/ktap_helpers.sh: install with a 6.10 or newer kernel tree's tools/testing/selftests"
	exit 4
fi
. "$LLPOOL_DIR/../kselftest/ktap_helpers.sh"

DBG=/sys/kernel/debug

# llpool_skip_all REASON: the whole script is skipped (exit 4).
llpool_skip_all() {
	ktap_print_header
	ktap_skip_all "$*"
	exit "$KSFT_SKIP"
}

# llpool_result NAME STATUS [DETAIL]: a case passes when STATUS is 0.  The
# detail (what was measured) is printed either way, so a passing run shows
# its numbers too.
llpool_result() {
	# Quoted: a detail holds brackets and stars that must not be globbed.
	[ -n "$3" ] && echo "# $1: $3"
	if [ "$2" -eq 0 ]; then
		ktap_test_pass "$1"
	else
		ktap_test_fail "$1"
	fi
	return 0
}

# llpool_require_root: root, and debugfs mounted (mounted here if need be).
llpool_require_root() {
	[ "$(id -u)" -eq 0 ] || llpool_skip_all "must be root"
	grep -q " $DBG debugfs" /proc/mounts ||
		mount -t debugfs none $DBG 2>/dev/null
	grep -q " $DBG debugfs" /proc/mounts ||
		llpool_skip_all "no debugfs at $DBG (CONFIG_DEBUG_FS)"
}

# Modules are found the way users load them: installed ones with modprobe
# (llpool, rcu_pool_user, rcutorture), the test modules from test_modules/
# beside this script (kselftest's TEST_GEN_MODS_DIR) unless installed too.
llpool_mod_file() { echo "$LLPOOL_DIR/test_modules/$1.ko"; }
# Installed: modules.dep names it and the file is there (a module removed
# without a depmod is not installed).
llpool_mod_installed() {
	i_d=/lib/modules/$(uname -r)
	i_f=$(grep -oE "^([^:]*/)?$1\.ko(\.gz|\.xz|\.zst)?:" "$i_d/modules.dep" 2>/dev/null |
		head -n 1)
	[ -n "$i_f" ] && [ -f "$i_d/${i_f%:}" ]
}
llpool_mod_loaded() { grep -q "^$1 " /proc/modules; }

# llpool_need_modules NAME...: skip the script unless each is loaded,
# installed or beside it.
llpool_need_modules() {
	for m in "$@"; do
		llpool_mod_loaded "$m" || llpool_mod_installed "$m" ||
			[ -f "$(llpool_mod_file "$m")" ] ||
			llpool_skip_all "module $m is not installed (modprobe $m)"
	done
}

# llpool_load NAME [PARAM...]: load NAME; its error output is in $lout.
llpool_load() {
	l_m=$1
	shift
	if ! llpool_mod_installed "$l_m" && [ -f "$(llpool_mod_file "$l_m")" ]; then
		lout=$(insmod "$(llpool_mod_file "$l_m")" "$@" 2>&1)
	else
		lout=$(modprobe "$l_m" "$@" 2>&1)
	fi
}

# llpool_begin NAME PLAN: the KTAP header and plan, this run's log mark
# (llpool_log_mark), and which production modules were loaded before the
# run: they stay loaded at its end.
llpool_begin() {
	ktap_print_header
	ktap_set_plan "$2"
	llpool_log_mark "$1"
	llpool_had=""
	for b_m in rcu_pool_user llpool; do
		llpool_mod_loaded "$b_m" && llpool_had="$llpool_had $b_m"
	done
}

# llpool_unload_ours SECONDS: unload the production modules this run
# loaded, rcu_pool_user before the llpool it uses, each within SECONDS
# (bounded).  A failure is added to $err.
llpool_unload_ours() {
	for u_m in rcu_pool_user llpool; do
		case " $llpool_had " in *" $u_m "*) continue ;; esac
		llpool_mod_loaded "$u_m" || continue
		bounded "$1" rmmod "$u_m" || err="$err $u_m: $bout;"
	done
}

# The kernel log this run wrote.  Marked at the start: a second run in the
# same boot must not pass on the first one's lines.  The log is a ring: if
# the mark has been overwritten, every line left is newer than it.
llpool_log_mark() {
	llpool_mark="llpool-selftest: $1 start $$-$(date +%s)"
	echo "$llpool_mark" > /dev/kmsg
	# What kmemleak had reported already, by address (not cleared: that
	# would hide it from whoever else reads kmemleak in this boot).
	# (A first line that is no address: busybox's grep -f matches nothing
	# at all with an empty pattern file.)
	llpool_leaks0=$(mktemp /tmp/llpool-leaks.XXXXXX)
	{ echo none; llpool_leaks; } > "$llpool_leaks0"
}
llpool_leaks() {
	sed -n 's/^unreferenced object \(0x[0-9a-f]*\).*/\1/p' $DBG/kmemleak 2>/dev/null | sort
}
# llpool_log_since [MARK]: the log from MARK (default: this run's mark).
llpool_log_since() {
	s_m=${1:-$llpool_mark}
	if dmesg | grep -qF "$s_m"; then
		dmesg | sed -n "\|$s_m|,\$p"
	else
		dmesg
	fi
}
# llpool_wait_log REGEX SECONDS [MARK]: wait for the log since MARK (this
# run's) to show REGEX.
llpool_wait_log() {
	w_i=0
	while ! llpool_log_since "$3" | grep -qE "$1"; do
		w_i=$((w_i + 1))
		[ $w_i -gt "$2" ] && return 1
		sleep 1
	done
}
# llpool_splats: the first reports of trouble in this run's log.
llpool_splats() {
	llpool_log_since |
		grep -E 'BUG:|WARNING:|Invalid wait context|KASAN|UBSAN|circular locking|recursive locking|sleeping function called|Oops|detected stall|soft lockup|blocked for more than' |
		head -3
}

# bounded SECONDS CMD...: run CMD, waiting for it at most SECONDS.  A module
# unload or a hotplug that waits on work no CPU will run sits in D state,
# where no signal reaches it, and busybox's timeout runs its command in the
# caller's process, so the script would hang with it: CMD runs in the
# background and only its exit status is waited for.  Returns CMD's status,
# or 124 at the deadline, where CMD gets SIGTERM (one stuck in the kernel
# may not act on it); $bout is its output (at the deadline, after a line
# saying so), $bpart its output alone, $btook the seconds it took.
bounded() {
	b_secs=$1
	shift
	b_f=$(mktemp /tmp/llpool-bounded.XXXXXX)
	b_t0=$(date +%s)
	# Appending: CMD may reopen /dev/stdout (kselftest's runner does), and
	# a second descriptor not in append mode would write over the first.
	( "$@" >> "$b_f" 2>&1; echo $? > "$b_f.rc" ) &
	b_pid=$!
	while [ ! -s "$b_f.rc" ]; do
		if [ $(( $(date +%s) - b_t0 )) -ge "$b_secs" ]; then
			# CMD first (a script's own trap tidies up), then the
			# subshell that waits for it.  CMD is the subshell's
			# child (no pkill in busybox: its parent from
			# /proc/PID/stat, the field after the name's ")").
			for b_p in /proc/[0-9]*; do
				b_pp=$(sed 's/.*) [^ ]* \([0-9]*\).*/\1/' "$b_p/stat" 2>/dev/null)
				[ "$b_pp" = "$b_pid" ] && kill -TERM "${b_p#/proc/}" 2>/dev/null
			done
			kill -TERM "$b_pid" 2>/dev/null
			bpart=$(cat "$b_f")
			bout="no return within $b_secs s; $bpart"
			btook=$b_secs
			return 124
		fi
		sleep 0.2
	done
	bout=$(cat "$b_f")
	bpart=$bout
	btook=$(( $(date +%s) - b_t0 ))
	b_rc=$(cat "$b_f.rc")
	rm -f "$b_f" "$b_f.rc"
	return "$b_rc"
}

# llpool_rcu_barrier_check BARRIER_CASE PAGES_CASE SECONDS: write 1 to
# rcu_pool_user's barrier (with a deadline), then two cases: everything
# its default instance queued was freed with no block page in flight, and
# every page its pool handed out came back.
llpool_rcu_barrier_check() {
	r_st=$DBG/rcu_pool_user/rcu_pool_user/stats
	r_ps=$DBG/llpool/rcu_pool_user/stats
	bounded "$3" sh -c "echo 1 > $DBG/rcu_pool_user/barrier"
	r_rc=$?
	r_q=$(sed -n 's/^queued: //p' $r_st); r_f=$(sed -n 's/^freed: //p' $r_st)
	r_p=$(sed -n 's/^pages_in_flight: //p' $r_st)
	[ $r_rc = 0 ] && [ -n "$r_q" ] && [ "$r_q" -gt 0 ] && [ "$r_q" = "$r_f" ] && [ "$r_p" = 0 ]
	llpool_result "$1" $? "barrier rc=$r_rc; queued=$r_q freed=$r_f pages_in_flight=$r_p fallbacks=$(sed -n 's/^fallbacks: //p' $r_st)"
	r_a=$(sed -n 's/^allocs: //p' $r_ps); r_fr=$(sed -n 's/^frees: //p' $r_ps)
	[ -n "$r_a" ] && [ "$r_a" = "$r_fr" ]
	llpool_result "$2" $? "pool allocs=$r_a frees=$r_fr"
}

# llpool_books STATS: one read of a pool's debugfs stats file; prints its
# books and is true if they close: allocs == frees and refilled - trimmed
# == reserved + spill, with pages through the pool (allocs and refilled
# above 0: books of a pool that served nothing close trivially, and the
# empty_pool control showed such a pool passing).  One read, because a pool is never quite still (its
# reaper trims idle CPUs, its workers refill): several reads could each
# catch another moment.
llpool_books() {
	awk '/^allocs: /{a = $2} /^frees: /{f = $2} /^refilled: /{r = $2}
	     /^trimmed: /{t = $2} /^reserved: /{res = $2} /^spill: /{s = $2}
	     END {printf "allocs=%s frees=%s refilled=%s trimmed=%s reserved=%s spill=%s\n",
			 a, f, r, t, res, s
		  exit !(a != "" && f != "" && r != "" && t != "" && res != "" &&
			 s != "" && a + 0 > 0 && r + 0 > 0 && a == f && r - t == res + s)}' "$1"
}

# llpool_books_settled STATS: llpool_books until they close twice in a row
# 0.5 s apart, for up to 10 s (a trim or refill in flight holds pages
# counted on one side only, and a lag one way must not cancel a real loss
# in one lucky read); prints the last books read.
llpool_books_settled() {
	local i=0 closed=0 out
	while :; do
		if out=$(llpool_books "$1"); then
			closed=$((closed + 1))
			[ $closed -ge 2 ] && { echo "$out"; return 0; }
		else
			closed=0
		fi
		i=$((i + 1))
		[ $i -ge 20 ] && { echo "$out"; return 1; }
		sleep 0.5
	done
}

# llpool_kmemleak_clean NAME: a case for kmemleak's verdict on the objects
# it reports that it had not reported at llpool_log_mark, skipped without
# kmemleak.  It reports an object once it has been unreferenced for 5 s,
# over two scans.
llpool_kmemleak_clean() {
	k_f=$DBG/kmemleak
	if [ ! -w $k_f ]; then
		ktap_test_skip "$1"
		return
	fi
	sleep 6
	echo scan > $k_f
	echo scan > $k_f
	k_new=$(llpool_leaks | grep -vxF -f "$llpool_leaks0" | tr '\n' ' ')
	rm -f "$llpool_leaks0"
	[ -z "$k_new" ]
	llpool_result "$1" $? "new unreferenced objects: ${k_new:-none}"
}
