# SPDX-License-Identifier: GPL-2.0
# A negative-control boot: one deliberate mistake (CONTROL_CASE).  The host
# checks that the kernel log or the results have the report it expects, and
# nothing else failed.  empty_pool, leak_pages, busy_worker and skip_gp boot
# a control build (scripts/control_build.sh: the mistake is in llpool's own modules).
if [ "$CONTROL_CASE" = empty_pool ] || [ "$CONTROL_CASE" = leak_pages ]; then
	# A pool that never gets a page, or one whose pages given back are
	# lost: the kselftest that puts llpool under pressure must fail (it
	# loads the modules itself, with modprobe).  Without its memory hog,
	# which neither mistake makes fail more.
	# Under empty_pool each check waits out its deadline: about 150 s
	# alone on this machine, twice that beside another control boot, so
	# twice the settings file's 300 s (the boot's own deadline is 900 s).
	SELFTEST_SECS=600
	selftest llpool/pool_stress.sh LLPOOL_HOG=0
	# Lost pages: the hotplug suite's count of free pages and the hotplug
	# storm's must see them.
	if [ "$CONTROL_CASE" = leak_pages ]; then
		load llpool && kunit_suite llpool_hotplug_kunit
		unload llpool
		selftest llpool/hotplug_storm.sh STORM_SECONDS=15
	fi
	lockdep_verdict
	exit 0
fi
load llpool
if [ "$CONTROL_CASE" = busy_worker ]; then
	# A worker that never goes idle: the hotplug suite's quiet check
	# must fail.
	kunit_suite llpool_hotplug_kunit
elif [ "$CONTROL_CASE" = skip_gp ]; then
	# rcu_pool_user without grace periods: its KUnit suite's no-early-free
	# cases must fail.
	load rcu_pool_user && kunit_suite llpool_rcu_kunit
	unload rcu_pool_user
elif [ "$CONTROL_CASE" = bench_ctx_fail ]; then
	# The bench smoke's by-context check, with llpool's NMI attempts
	# counted as failed by the bench itself.
	load llpool_lockwatch
	bench_smoke ctx_fail=nmi
	unload llpool_lockwatch
elif [ "$CONTROL_CASE" = kcsan_race ]; then
	# The racers run for up to 10 s; they stop at rmmod once KCSAN has
	# reported them.
	load llpool_control case=kcsan_race &&
		wait_log 'BUG: KCSAN: data-race in control_race_inc' 15
	unload llpool_control
	kcsan_verdict
else
	load llpool_control case="$CONTROL_CASE"
fi
lockdep_verdict
if [ "$CONTROL_CASE" = leak ]; then
	kmemleak_check
	# What kmemleak reports is the planted objects and nothing else: every
	# unreferenced object's backtrace is in control_make_leak.  Counted per
	# object, in the one copy of the report kmemleak_check read.
	read -r objs ours <<-EOF
	$(awk '/^unreferenced object/ { n++; if (mine) ours++; mine = 0 }
		/control_make_leak/ && n { mine = 1 }
		END { if (mine) ours++; print n + 0, ours + 0 }' "$KMEMLEAK_SNAP")
	EOF
	if [ "$objs" -gt 0 ] && [ "$ours" = "$objs" ]; then
		result leak:ours pass "$objs reported objects, $ours allocated in control_make_leak"
	else
		result leak:ours fail "$objs reported objects, $ours allocated in control_make_leak"
	fi
fi
if [ "$CONTROL_CASE" = bad_free ]; then
	if dmesg | grep -q 'bad_free: refused 3, reserve intact'; then
		result bad_free:reserve-intact pass
	else
		result bad_free:reserve-intact fail "$(dmesg | grep 'bad_free:')"
	fi
fi
