# SPDX-License-Identifier: GPL-2.0
# A negative-control boot: one deliberate mistake (CONTROL_CASE).  The host
# checks that the kernel log has the report it expects.
load llpool
load llpool_control case="$CONTROL_CASE"
lockdep_verdict
[ "$CONTROL_CASE" = leak ] && kmemleak_check
