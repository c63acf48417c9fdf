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

# run_kselftest.sh, twice: each run passes on its own log lines.  Then once
# more with rcutorture gone from /lib/modules: rcu_stress.sh must report a
# skip, not a failure.  Shorter loads than the main boot's: this boot is
# about the install, the main boot about the load.
LLPOOL_DIR=/kselftest/llpool
. $LLPOOL_DIR/llpool_lib.sh
# ksft TAG ARGS...: run run_kselftest.sh ARGS; its output is shipped, and
# each "ok/not ok N selftests: llpool: SCRIPT" line becomes a result in
# /tmp/ksft.TAG.results as "SCRIPT pass|fail|skip".
ksft() {
	local tag=$1
	shift
	mark "run_kselftest.sh $tag"
	bounded 600 env STRESS_SECONDS=5 STORM_SECONDS=10 /kselftest/run_kselftest.sh "$@"
	echo "$bout" > /tmp/ksft.$tag
	data "run_kselftest:$tag" /tmp/ksft.$tag
	sed -n -E 's/^(not )?ok [0-9]+ selftests: llpool: ([^ ]*)( # (SKIP))?.*/\1 \2 \4/p' /tmp/ksft.$tag |
		while read -r a b c; do
			if [ "$a" = not ]; then echo "$b fail"
			elif [ "$b" = SKIP ]; then echo "$a skip"
			else echo "$a pass"; fi
		done > /tmp/ksft.$tag.results
}
want=$(sed -n 's/^llpool://p' /kselftest/kselftest-list.txt | wc -l)
for run in 1 2; do
	ksft run$run -c llpool
	while read -r t r; do
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
ksft no-rcutorture -t llpool:rcu_stress.sh
r=$(cat /tmp/ksft.no-rcutorture.results)
if [ "$r" = "rcu_stress.sh skip" ]; then
	result "run_kselftest:no-rcutorture:skips" pass "rcu_stress.sh exit 4"
else
	result "run_kselftest:no-rcutorture:skips" fail "got '$r'"
fi
lockdep_verdict
kmemleak_check
