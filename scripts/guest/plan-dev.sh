# SPDX-License-Identifier: GPL-2.0
load llpool || exit 1
ST=/sys/kernel/debug/llpool/stress/stats
insmod /lib/llpool/llpool_stress.ko seconds=3 high=32
sleep 1; result_raw "after1s: $(grep -E 'refill|misses|allocs' $ST | tr '\n' ' ')"
sleep 3; result_raw "after4s: $(grep -E '^[a-z_]+: ' $ST | tr '\n' ' ')"
grep -E "pgalloc|allocstall|compact_stall|pgscan|nr_free_pages" /proc/vmstat | tr '\n' ' ' > $LLPOOL_OUT
rmmod llpool_stress
