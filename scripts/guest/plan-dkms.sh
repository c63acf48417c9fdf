# SPDX-License-Identifier: GPL-2.0
# llpool installed and tested the way a user does, in a guest:
# scripts/dkms_check.sh installs the kernel's modules (make modules_install)
# and llpool's (dkms install) into a private root and hands it over as this
# kernel's /lib/modules/$(uname -r); modprobe must find them there.  The
# kselftest is the tree the kernel's install target wrote
# (scripts/kselftest.sh), run with run_kselftest.sh.
kver=$(uname -r)
if out=$(modprobe rcu_pool_user 2>&1); then
	result modprobe:rcu_pool_user pass "/lib/modules/$kver/updates/dkms"
else
	result modprobe:rcu_pool_user fail "$out"
	exit 1
fi
# modules.dep, written by dkms install's depmod, names the dependency.
if grep -q '^llpool ' /proc/modules; then
	result modprobe:pulls-in-llpool pass
else
	result modprobe:pulls-in-llpool fail "llpool not loaded"
fi
for m in llpool rcu_pool_user; do
	f=/sys/kernel/debug/$m/rcu_pool_user/stats
	if [ -r "$f" ]; then
		result "stats-file:$m" pass "$f"
		data "stats:$m" "$f"
	else
		result "stats-file:$m" fail "no $f"
	fi
done
if out=$(modprobe -r rcu_pool_user llpool 2>&1) && ! grep -qE '^(llpool|rcu_pool_user) ' /proc/modules; then
	result modprobe-r:both-gone pass
else
	result modprobe-r:both-gone fail "$out; $(grep -E '^(llpool|rcu_pool_user) ' /proc/modules)"
fi

# run_kselftest.sh over the whole collection, then once more on
# rcu_stress.sh alone (a second run passes on its own log lines, not the
# first run's), then with rcutorture gone from /lib/modules: rcu_stress.sh
# must report a skip, not a failure.  Shorter loads than the main boot's: this boot is
# about the install, the main boot about the load; the memory hog (a minute
# here) runs in the first kernel's main boot and is left out (LLPOOL_HOG=0).
if [ ! -r /kselftest/llpool/llpool_lib.sh ]; then
	result run_kselftest:installed fail "no /kselftest/llpool (scripts/kselftest.sh did not run)"
	lockdep_verdict
	exit 0
fi
LLPOOL_DIR=/kselftest/llpool
. $LLPOOL_DIR/llpool_lib.sh
# ksft TAG SECONDS ARGS...: run run_kselftest.sh ARGS with a deadline; its
# output is shipped, and each "ok/not ok N selftests: llpool: SCRIPT" line
# becomes "SCRIPT pass|fail|skip" in /tmp/ksft.TAG.results.  Returns 124
# when the deadline passed (the run gets SIGTERM, as bounded() does).
ksft() {
	local tag=$1 secs=$2 rc
	shift 2
	mark "run_kselftest.sh $tag"
	bounded "$secs" env STRESS_SECONDS=5 STORM_SECONDS=10 LLPOOL_HOG=0 \
		/kselftest/run_kselftest.sh "$@"
	rc=$?
	echo "$bout" > /tmp/ksft.$tag
	data "run_kselftest:$tag" /tmp/ksft.$tag
	sed -n -E 's/^(not )?ok [0-9]+ selftests: llpool: ([^ ]*)( # (SKIP))?.*/\1 \2 \4/p' /tmp/ksft.$tag |
		while read -r a b c; do
			if [ "$a" = not ]; then echo "$b fail"
			elif [ "$b" = SKIP ]; then echo "$a skip"
			else echo "$a pass"; fi
		done > /tmp/ksft.$tag.results
	[ $rc = 124 ] && return 124
	return 0
}
# Deadlines: a run takes about 3 minutes here; the three add up to less
# than the boot's timeout (dkms_check.sh), so a hang fails its case.
for run in 1 2; do
	if [ $run = 1 ]; then
		want=$(sed -n 's/^llpool://p' /kselftest/kselftest-list.txt | wc -l)
		set -- -c llpool
	else
		want=1
		set -- -t llpool:rcu_stress.sh
	fi
	if ! ksft run$run 420 "$@"; then
		result "run_kselftest:run$run" fail "no end within 420 s: $(tail -3 /tmp/ksft.run$run | tr '\n' ' ')"
		lockdep_verdict
		exit 0
	fi
	# Everything this guest needs is installed: a skip is a failure here.
	while read -r t r; do
		[ "$r" = skip ] && r=fail
		result "run_kselftest:run$run:$t" "$r"
	done < /tmp/ksft.run$run.results
	n=$(wc -l < /tmp/ksft.run$run.results)
	if [ "$n" -eq "$want" ] && [ "$want" -gt 0 ]; then
		result "run_kselftest:run$run:all-reported" pass "$n of $want"
	else
		result "run_kselftest:run$run:all-reported" fail "$n of $want tests reported"
	fi
done
rm -f /lib/modules/$kver/kernel/kernel/rcu/rcutorture.ko*
if grep -q '^rcutorture ' /proc/modules; then
	result "run_kselftest:no-rcutorture:skips" fail "rcutorture is still loaded"
elif ! ksft no-rcutorture 120 -t llpool:rcu_stress.sh; then
	result "run_kselftest:no-rcutorture:skips" fail "no end within 120 s"
else
	# Skipped, and for the reason at hand.
	r=$(cat /tmp/ksft.no-rcutorture.results)
	if [ "$r" = "rcu_stress.sh skip" ] &&
	   grep -q 'SKIP module rcutorture is not installed' /tmp/ksft.no-rcutorture; then
		result "run_kselftest:no-rcutorture:skips" pass "rcu_stress.sh exit 4: $(grep -o 'SKIP module rcutorture.*' /tmp/ksft.no-rcutorture)"
	else
		result "run_kselftest:no-rcutorture:skips" fail "got '$r'"
	fi
fi
lockdep_verdict
kmemleak_check
