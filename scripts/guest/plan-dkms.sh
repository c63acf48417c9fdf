# SPDX-License-Identifier: GPL-2.0
# The README's DKMS path, in a guest: scripts/dkms_check.sh installs the
# modules with `dkms install` and hands the installed tree over as this
# kernel's /lib/modules/$(uname -r); modprobe must find them there.
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
lockdep_verdict
kmemleak_check
