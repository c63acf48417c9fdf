# SPDX-License-Identifier: GPL-2.0
# A negative-control boot: one deliberate mistake (CONTROL_CASE).  The host
# checks that the kernel log has the report it expects.
load llpool
load llpool_control case="$CONTROL_CASE"
lockdep_verdict
[ "$CONTROL_CASE" = leak ] && kmemleak_check
if [ "$CONTROL_CASE" = bad_free ]; then
	if dmesg | grep -q 'bad_free: refused 3, reserve intact'; then
		result bad_free:reserve-intact pass
	else
		result bad_free:reserve-intact fail "$(dmesg | grep 'bad_free:')"
	fi
fi
