# SPDX-License-Identifier: GPL-2.0
# rcu_pool_user against kvfree_rcu, one boot: see testmods/rcu_bench.c.
load llpool || exit 1
load rcu_pool_user pool_low="${POOL_LOW:-4}" pool_high="${POOL_HIGH:-16}" || exit 1
# llpool_kfree_rcu's pool reserve, held before any run starts and so in
# no peak: into the log, for the report's Reserve line.
echo "rcubench-plan: pool rcu_pool_user: $(tr '\n' ' ' < /sys/kernel/debug/llpool/rcu_pool_user/stats)" > /dev/kmsg
load llpool_rcu_bench threads="${BENCH_THREADS:-4}" objects="${BENCH_OBJECTS:-10000}" rounds="${BENCH_ROUNDS:-1}" ctx_objects="${BENCH_CTX_OBJECTS:-0}"
unload llpool_rcu_bench
data stats:rcu_pool_user /sys/kernel/debug/rcu_pool_user/rcu_pool_user/stats
unload rcu_pool_user
unload llpool
