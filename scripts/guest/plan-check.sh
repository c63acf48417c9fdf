# SPDX-License-Identifier: GPL-2.0
# The main test boot of `make check`.
load llpool || exit 1
# Every slow-path tracepoint must fire during the suites below.
LLPOOL_TPS="llpool/llpool_refill llpool/llpool_trim llpool/llpool_spill_drain
llpool/llpool_steal llpool/llpool_miss"
tp_arm $LLPOOL_TPS
load llpool_lockwatch
# KUnit suites run at insmod: every llpool_*_kunit module, one suite each,
# named as its module without _kunit.  llpool_hotplug_kunit runs next and
# llpool_rcu_kunit with rcu_pool_user below.
kunit_suites
# CPU hotplug and re-entry into the refill (its own module: one suite).
kunit_suite llpool_hotplug_kunit
tp_check $LLPOOL_TPS
# The silent half of the annotation control: a spinlock_t in task context
# without llpool's fast-path annotation is legal, and must stay silent.
load llpool_control case=plain_spinlock && unload llpool_control
# A short load from every CPU and context.
stress_run 3
# CHECK_SCOPE=short (scripts/check.sh: the kernels besides the first and
# the PREEMPT_RT one, for make check's time budget) leaves out the bench
# smokes and the hotplug storm; the first kernel runs them, and every
# kernel runs the KUnit suites (the hotplug suite among them), the stress
# load, rcu_stress and pool_stress.
# Smoke of llpool_bench: every available contender reports every section,
# and llpool served every attempt in every context (no speed is asserted).
[ "${CHECK_SCOPE:-full}" = short ] || bench_smoke
if [ -n "$LLPOOL_INJECT" ]; then
	load llpool_control case="$LLPOOL_INJECT" && unload llpool_control
fi
unload llpool_lockwatch
# rcu_pool_user and its KUnit suite.
load rcu_pool_user && tp_arm rcu_pool_user/llpool_rcu_fallback &&
	kunit_suite llpool_rcu_kunit
tp_check rcu_pool_user/llpool_rcu_fallback
# Smoke of the kvfree_rcu comparison: it runs and prints every row (no
# speed is asserted).
if [ "${CHECK_SCOPE:-full}" != short ] && load llpool_rcu_bench threads=2 objects=200; then
	# Seven contenders where the kernel has kfree_rcu_nolock() (7.3), four
	# before: the module says how many it has.
	rows=$(dmesg | grep -c 'llpool_rcu_bench: | [kl]')
	want=$(dmesg | sed -n 's/.*llpool_rcu_bench: contenders //p' | tail -1)
	if [ -n "$want" ] && [ "$want" -ge 4 ] && [ "$rows" -eq "$want" ]; then
		result rcu_bench:rows pass "$rows contenders"
	else
		result rcu_bench:rows fail "$rows of ${want:-?} contenders reported"
	fi
	unload llpool_rcu_bench
fi
unload rcu_pool_user
unload llpool
# The kselftest, which loads what it needs with modprobe: rcu_pool_user
# under load beside rcutorture; llpool under pressure; CPUs going offline
# and online for 15 s under both loads and rcutorture.  (Shorter than the
# scripts' defaults, 10 s and 20 s, for make check's time budget with the
# kcsan kernel in it; the DKMS guest runs them shorter still.)
selftest llpool/rcu_stress.sh STRESS_SECONDS=7
selftest llpool/pool_stress.sh
[ "${CHECK_SCOPE:-full}" = short ] || selftest llpool/hotplug_storm.sh STORM_SECONDS=15
lockdep_verdict
kmemleak_check
