# SPDX-License-Identifier: GPL-2.0
# The KCSAN boot of `make check` (the kcsan kernel: debug with KCSAN in
# place of KASAN, without kmemleak): the check plan's KUnit suites and its
# stress load under the data-race detector, then KCSAN's and lockdep's
# verdicts.  Which KCSAN reports fail is decided on the host, from the
# kernel log (scripts/verdict.py): one that names llpool's or
# rcu_pool_user's code, or a test module's, fails; one about the core
# kernel alone is listed.
load llpool || exit 1
# llpool_zone_lock_kunit's lock_acquire probe.
load llpool_lockwatch
kunit_suites
kunit_suite llpool_hotplug_kunit
stress_run "${KCSAN_STRESS_SECONDS:-3}"
unload llpool_lockwatch
load rcu_pool_user && kunit_suite llpool_rcu_kunit
unload rcu_pool_user
unload llpool
kcsan_verdict
lockdep_verdict
