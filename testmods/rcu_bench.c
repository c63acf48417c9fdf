// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_rcu_bench: rcu_pool_user measured against kvfree_rcu(), in one boot,
 * modelled on rcuscale's kfree_rcu_test.  At load, for each contender in
 * turn, `threads` kthreads (spread over the online CPUs) each allocate and
 * defer-free `objects` objects of `size` bytes:
 *
 *   kvfree_rcu            kvfree_rcu(ptr, rh): the object carries an rcu_head
 *   kvfree_rcu_mightsleep headless kvfree_rcu, task context only (may sleep)
 *   llpool_kfree_rcu      rcu_pool_user, task context
 *   llpool_kfree_rcu/raw  rcu_pool_user under a raw spinlock, IRQs off; the
 *                         kvfree_rcu forms are not allowed there on PREEMPT_RT
 *   kfree_rcu_nolock      kfree_rcu_nolock(ptr, kh) (7.3): kfree_rcu for any
 *                         context, through the cache's RCU sheaf, deferring
 *                         when it cannot; task context
 *   kfree_rcu_nolock/raw  the same under a raw spinlock, IRQs off
 *
 * For each: time until every object is queued, time until every object is
 * freed (the contender's barrier), grace periods elapsed (cookies),
 * peak memory footprint (free pages, pcplists included, sampled every
 * ~1 ms: lowest against the start), and fallbacks (rcu_pool_user's -ENOMEM,
 * after which the object is freed by synchronize_rcu() + kfree()).
 *
 * Objects come from a slab cache created for each run and destroyed after
 * it: from a shared kmalloc cache, a run would reuse the slabs the last run
 * emptied, and its footprint would not show in the free pages.
 *
 * Results go to the kernel log as a Markdown table.  TCG and debug kernels
 * distort absolute times; compare within one boot.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "../compat.h"
#include "../llpool_param.h"
#include "../rcu_pool_user.h"
#include "free_pages.h"

LLPOOL_PARAM_UINT(threads, 4, 1, 64, "threads per contender");
LLPOOL_PARAM_UINT(objects, 10000, 1, 1000000, "objects per thread");
LLPOOL_PARAM_UINT(size, 64, 32, 4096, "object size in bytes");
LLPOOL_PARAM_UINT(rounds, 1, 1, 15, "rounds, each starting one contender later");

enum bench_kind {
	B_KVFREE_RCU, B_MIGHTSLEEP, B_LLPOOL, B_LLPOOL_RAW,
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
	B_NOLOCK, B_NOLOCK_RAW,
#endif
	B_COUNT
};

static const char *const bench_names[B_COUNT] = {
	[B_KVFREE_RCU]	= "kvfree_rcu (rcu_head)",
	[B_MIGHTSLEEP]	= "kvfree_rcu_mightsleep",
	[B_LLPOOL]	= "llpool_kfree_rcu",
	[B_LLPOOL_RAW]	= "llpool_kfree_rcu under raw spinlock",
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
	[B_NOLOCK]	= "kfree_rcu_nolock",
	[B_NOLOCK_RAW]	= "kfree_rcu_nolock under raw spinlock",
#endif
};

struct bench_obj {
	union {
		struct rcu_head rh;
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
		struct kvfree_rcu_head kh;	/* kfree_rcu_nolock()'s own */
#endif
	};
	char data[];
};

/* size's lowest value holds one. */
static_assert(sizeof(struct bench_obj) <= 32);

struct bench_run {
	enum bench_kind kind;
	struct kmem_cache *cache;
	atomic_t left;
	struct completion done;
	atomic_long_t fallbacks;
	bool sampling;
	unsigned long min_free;
};

static DEFINE_RAW_SPINLOCK(bench_raw_lock);

static void bench_free_one(struct bench_run *run, struct bench_obj *p)
{
	unsigned long flags;
	int ret;

	switch (run->kind) {
	case B_KVFREE_RCU:
		kvfree_rcu(p, rh);
		return;
	case B_MIGHTSLEEP:
		kvfree_rcu_mightsleep(p);
		return;
	case B_LLPOOL:
		ret = llpool_kfree_rcu(p);
		break;
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
	case B_NOLOCK:
		kfree_rcu_nolock(p, kh);
		return;
	case B_NOLOCK_RAW:
		raw_spin_lock_irqsave(&bench_raw_lock, flags);
		kfree_rcu_nolock(p, kh);
		raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
		return;
#endif
	default:
		raw_spin_lock_irqsave(&bench_raw_lock, flags);
		ret = llpool_kfree_rcu(p);
		raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
		break;
	}
	if (ret) {
		atomic_long_inc(&run->fallbacks);
		synchronize_rcu();
		kmem_cache_free(run->cache, p);
	}
}

static int bench_thread(void *arg)
{
	struct bench_run *run = arg;
	struct bench_obj *p;
	unsigned int i;

	for (i = 0; i < objects; i++) {
		p = kmem_cache_alloc(run->cache, GFP_KERNEL);
		if (!p) {
			msleep(20);
			continue;
		}
		bench_free_one(run, p);
		if (!(i % 256))
			cond_resched();
	}
	if (atomic_dec_and_test(&run->left))
		complete(&run->done);
	return 0;
}

static int bench_sampler(void *arg)
{
	struct bench_run *run = arg;
	unsigned long f;

	while (READ_ONCE(run->sampling)) {
		f = llpool_test_free_pages();
		if (f < run->min_free)
			run->min_free = f;
		usleep_range(1000, 2000);
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void bench_one(enum bench_kind kind, unsigned int round)
{
	struct bench_run run = { .kind = kind };
	unsigned long free0, gp0, gp1;
	struct task_struct *sampler;
	ktime_t t0, t_queued, t_freed;
	unsigned int i, cpu;

	/* Start from a quiet state: nothing pending from the last contender. */
	llpool_kvfree_rcu_barrier();
	llpool_kfree_rcu_barrier();
	run.cache = llpool_cache_create_unmerged("rcu_bench_obj", size);
	if (!run.cache) {
		pr_err("%s: no slab cache\n", bench_names[kind]);
		return;
	}
	atomic_set(&run.left, threads);
	init_completion(&run.done);
	free0 = llpool_test_free_pages();
	run.min_free = free0;
	run.sampling = true;
	sampler = kthread_run(bench_sampler, &run, "rcu_bench_mem");

	gp0 = get_state_synchronize_rcu();
	t0 = ktime_get();
	for (i = 0; i < threads; i++) {
		cpu = cpumask_nth(i % num_online_cpus(), cpu_online_mask);
		if (IS_ERR(kthread_run_on_cpu(bench_thread, &run, cpu, "rcu_bench/%u")) &&
		    atomic_dec_and_test(&run.left))
			complete(&run.done);
	}
	wait_for_completion(&run.done);
	t_queued = ktime_get();
	/*
	 * The time to the last free: llpool's barrier, then the cache's
	 * destruction.  kvfree_rcu's own barrier is the destruction where
	 * kmem_cache_destroy() runs it (LLPOOL_DESTROY_IS_KVFREE_BARRIER):
	 * there it also frees what sits in the cache's RCU sheaves (7.3),
	 * which the barrier a module can reach misses.
	 */
	if (kind == B_LLPOOL || kind == B_LLPOOL_RAW)
		llpool_kfree_rcu_barrier();
#ifndef LLPOOL_DESTROY_IS_KVFREE_BARRIER
	else
		llpool_kvfree_rcu_barrier();
#endif
	kmem_cache_destroy(run.cache);
	t_freed = ktime_get();
	gp1 = get_state_synchronize_rcu();
	WRITE_ONCE(run.sampling, false);
	if (!IS_ERR(sampler))
		kthread_stop(sampler);

	/*
	 * Grace periods: the difference of two get_state_synchronize_rcu()
	 * cookies.  A cookie is a snapshot of RCU's grace-period sequence,
	 * which advances by 4 per grace period (two low bits are state).
	 */
	pr_info("| %s | %u | %u x %u | %lld | %lld | %lu | %lu | %ld |\n",
		bench_names[kind], round, threads, objects,
		ktime_ms_delta(t_queued, t0), ktime_ms_delta(t_freed, t0),
		(gp1 - gp0) / 4, (free0 - min(run.min_free, free0)) * (PAGE_SIZE / 1024),
		atomic_long_read(&run.fallbacks));
}

static int __init bench_init(void)
{
	unsigned int r, k;

	pr_info("contenders %u\n", B_COUNT);
	pr_info("| contender | round | threads x objects | queued ms | freed ms | grace periods | peak KiB | fallbacks |\n");
	pr_info("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	/* Rotate the order, so that no contender always runs first (cold). */
	for (r = 0; r < rounds; r++)
		for (k = 0; k < B_COUNT; k++)
			bench_one((r + k) % B_COUNT, r);
	pr_info("done\n");
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("rcu_pool_user measured against kvfree_rcu and kfree_rcu_nolock");
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
