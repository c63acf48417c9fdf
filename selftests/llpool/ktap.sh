# SPDX-License-Identifier: GPL-2.0
# Minimal KTAP output for llpool's selftests (POSIX sh, busybox is enough).
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

ktap_n=0
ktap_failed=0

ktap_header() { echo "KTAP version 1"; echo "1..$1"; }
ktap_pass() { ktap_n=$((ktap_n + 1)); echo "ok $ktap_n $1"; }
ktap_fail() {
	ktap_n=$((ktap_n + 1)); ktap_failed=$((ktap_failed + 1))
	echo "not ok $ktap_n $1"
	[ -n "$2" ] && echo "# $2"
}
ktap_skip() { ktap_n=$((ktap_n + 1)); echo "ok $ktap_n $1 # SKIP $2"; }
# ktap_result NAME STATUS [DETAIL]: the detail (what was measured) is printed
# as a diagnostic line either way, so a passing run shows its numbers too.
ktap_result() {
	if [ "$2" -eq 0 ]; then
		ktap_pass "$1"
		[ -n "$3" ] && echo "# $3"
	else
		ktap_fail "$1" "$3"
	fi
	return 0
}
ktap_skip_all() { echo "KTAP version 1"; echo "1..0 # SKIP $1"; exit $KSFT_SKIP; }
ktap_finish() {
	echo "# Totals: pass:$((ktap_n - ktap_failed)) fail:$ktap_failed"
	[ "$ktap_failed" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# bounded SECONDS CMD...: run CMD, waiting for it at most SECONDS.  A module
# unload or a hotplug that waits on work no CPU will run sits in D state,
# where no signal reaches it, and busybox's timeout runs its command in the
# caller's process, so the script would hang with it: CMD runs in the
# background and only its exit status is waited for.  Returns CMD's status,
# or 124 at the deadline (CMD is left running); $bout is its output, $btook
# the seconds it took.
bounded_n=0
bounded() {
	b_secs=$1
	shift
	bounded_n=$((bounded_n + 1))
	b_f=/tmp/llpool-bounded.$$.$bounded_n
	b_t0=$(date +%s)
	( "$@" > "$b_f.out" 2>&1; echo $? > "$b_f.rc" ) &
	while [ ! -s "$b_f.rc" ]; do
		if [ $(( $(date +%s) - b_t0 )) -ge "$b_secs" ]; then
			bout="no return within $b_secs s; $(cat "$b_f.out")"
			btook=$b_secs
			return 124
		fi
		sleep 0.2
	done
	bout=$(cat "$b_f.out")
	btook=$(( $(date +%s) - b_t0 ))
	b_rc=$(cat "$b_f.rc")
	rm -f "$b_f.out" "$b_f.rc"
	return "$b_rc"
}
