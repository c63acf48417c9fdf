// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for rcu_pool_user (llpool_rcu_kunit.ko): suite llpool_rcu.
 *
 * No object may be freed before a grace period: reader threads hold
 * objects under rcu_read_lock() and check them while a writer replaces and
 * defer-frees them.  An early free is a KASAN report (a failed test: the
 * harness scans the log; the positive control is the kasan_early_free boot
 * in `make check`) or a bad stamp here.
 */

#include <kunit/test.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "../compat.h"
#include "../rcu_pool_user.h"

#define RCU_TEST_MAGIC		0x72637570756c6c21ULL	/* "rcupull!" */
#define RCU_TEST_SLOTS		64
#define RCU_TEST_MS		2000

struct rcu_test_obj {
	u64 magic;
	u64 serial;
};

static s64 rcu_test_stat(struct llpool_rcu *r, enum llpool_rcu_counter i)
{
	s64 st[LLPOOL_RCU_COUNTER_COUNT];

	llpool_rcu_get_stats(r, st);
	return st[i];
}

static struct llpool_rcu *rcu_test_create(struct kunit *test, const char *name,
					  unsigned int low, unsigned int high)
{
	struct llpool_rcu *r = llpool_rcu_create(name, low, high);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(r), "llpool_rcu_create: %d",
			       PTR_ERR_OR_ZERO(r));
	return r;
}

/* ==== no early free ====================================================== */

struct rcu_test_shared {
	struct rcu_test_obj __rcu *slot[RCU_TEST_SLOTS];
	unsigned long deadline;
	atomic_long_t reads, bad;
};

static int rcu_test_reader(void *arg)
{
	struct rcu_test_shared *sh = arg;
	struct rcu_test_obj *p;
	unsigned int i = 0, spin;

	while (time_before(jiffies, sh->deadline)) {
		rcu_read_lock();
		p = rcu_dereference(sh->slot[i++ % RCU_TEST_SLOTS]);
		if (p) {
			/* Hold it a while: a writer may replace it meanwhile. */
			if (READ_ONCE(p->magic) != RCU_TEST_MAGIC)
				atomic_long_inc(&sh->bad);
			for (spin = 0; spin < 2000; spin++)
				cpu_relax();
			if (READ_ONCE(p->magic) != RCU_TEST_MAGIC)
				atomic_long_inc(&sh->bad);
			atomic_long_inc(&sh->reads);
		}
		rcu_read_unlock();
		cond_resched();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static DEFINE_RAW_SPINLOCK(rcu_test_raw_lock);

static void llpool_rcu_no_early_free(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu", 4, 16);
	struct task_struct *readers[8];
	unsigned int nr = 0, i = 0, cpu;
	unsigned long writes = 0, fallbacks = 0, flags;
	struct rcu_test_shared *sh;
	struct rcu_test_obj *p, *old;
	int ret;

	sh = kunit_kzalloc(test, sizeof(*sh), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sh);
	sh->deadline = jiffies + msecs_to_jiffies(RCU_TEST_MS);
	for_each_online_cpu(cpu) {
		if (nr == ARRAY_SIZE(readers))
			break;
		readers[nr] = kthread_run_on_cpu(rcu_test_reader, sh, cpu,
						 "rcu_test_rd/%u");
		if (IS_ERR(readers[nr]))
			break;
		nr++;
	}
	KUNIT_ASSERT_GT(test, nr, 0U);

	while (time_before(jiffies, sh->deadline)) {
		p = kmalloc(sizeof(*p), GFP_KERNEL);
		if (!p)
			continue;
		p->magic = RCU_TEST_MAGIC;
		p->serial = writes++;
		/* Half the writes defer the free under a raw spinlock. */
		raw_spin_lock_irqsave(&rcu_test_raw_lock, flags);
		old = rcu_replace_pointer(sh->slot[i % RCU_TEST_SLOTS], p, true);
		if (i++ & 1) {
			ret = llpool_rcu_free(r, old);
			raw_spin_unlock_irqrestore(&rcu_test_raw_lock, flags);
		} else {
			raw_spin_unlock_irqrestore(&rcu_test_raw_lock, flags);
			ret = llpool_rcu_free(r, old);
		}
		if (ret) {
			/* Fallback: we still own it; free it the slow way. */
			fallbacks++;
			synchronize_rcu();
			kfree(old);
		}
		if (!(i % 64))
			cond_resched();
	}
	for (i = 0; i < nr; i++)
		kthread_stop(readers[i]);
	for (i = 0; i < RCU_TEST_SLOTS; i++) {
		old = rcu_replace_pointer(sh->slot[i], NULL, true);
		if (llpool_rcu_free(r, old)) {
			synchronize_rcu();
			kfree(old);
		}
	}
	llpool_rcu_barrier(r);

	kunit_info(test, "%lu writes, %ld reads by %u readers, %lu fallbacks, %lld grace periods, %lld blocks, %lld freed on their own cookie",
		   writes, atomic_long_read(&sh->reads), nr, fallbacks,
		   rcu_test_stat(r, LLPOOL_RCU_GPS), rcu_test_stat(r, LLPOOL_RCU_BLOCKS),
		   rcu_test_stat(r, LLPOOL_RCU_EARLY));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sh->bad), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&sh->reads), 0L);
	/*
	 * The readers must have covered both ways out: blocks freed by their
	 * batch's grace period and blocks freed on their own cookie when a
	 * batch ended (10 to 31 of about 55 in the runs here: blocks time out
	 * every 20 ms, faster than a grace period and its work under TCG).
	 */
	KUNIT_EXPECT_GT(test, rcu_test_stat(r, LLPOOL_RCU_EARLY), 0LL);
	KUNIT_EXPECT_LT(test, rcu_test_stat(r, LLPOOL_RCU_EARLY),
			rcu_test_stat(r, LLPOOL_RCU_BLOCKS));
	KUNIT_EXPECT_GT(test, writes, 0UL);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FALLBACKS), (s64)fallbacks);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_QUEUED),
			rcu_test_stat(r, LLPOOL_RCU_FREED));
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
	llpool_rcu_destroy(r);
}

/* ==== fallback, barrier, contexts, bad input ============================= */

/*
 * A pool of one page per CPU: each block takes one, stealing from the other
 * CPUs once this CPU's is used.  With preemption off no refill runs here
 * and no block can complete its grace period, so once every page holds a
 * full block the next pointer finds no page and must come back with
 * -ENOMEM, ownership unchanged.
 */
static void llpool_rcu_fallback_when_pool_empty(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-fb", 1, 1);
	unsigned int n = LLPOOL_RCU_PTRS * num_possible_cpus() + 1, i, ok = 0;
	void **objs;
	int last;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = kmalloc(32, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	preempt_disable();
	for (i = 0; i < n - 1; i++)
		ok += !llpool_rcu_free(r, objs[i]);
	last = llpool_rcu_free(r, objs[n - 1]);
	preempt_enable();

	KUNIT_EXPECT_EQ(test, ok, n - 1);
	KUNIT_EXPECT_EQ(test, last, -ENOMEM);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FALLBACKS), 1LL);
	/* Still ours: freeing it must not be a double free (KASAN watches). */
	kfree(objs[n - 1]);
	llpool_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)(n - 1));
	llpool_rcu_destroy(r);
}

static void llpool_rcu_barrier_frees_all(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-bar", 4, 16);
	unsigned int i, queued = 0;
	void *p;

	for (i = 0; i < 2000; i++) {
		p = kmalloc(64, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (llpool_rcu_free(r, p))
			kfree(p);
		else
			queued++;
	}
	KUNIT_EXPECT_EQ(test, llpool_rcu_free(r, NULL), 0);
	llpool_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_QUEUED), (s64)queued);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)queued);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
	KUNIT_EXPECT_GE(test, rcu_test_stat(r, LLPOOL_RCU_GPS), 1LL);
	KUNIT_EXPECT_GE(test, rcu_test_stat(r, LLPOOL_RCU_BLOCKS),
			(s64)(queued / LLPOOL_RCU_PTRS));
	llpool_rcu_destroy(r);
}

/*
 * Every kind of memory kvfree() takes: slab objects (freed in bulk),
 * kmalloc() too large for a slab (page allocator) and vmalloc() (freed one
 * by one), mixed in the same blocks.  A wrong free is a KASAN report, a
 * missed one a kmemleak report at the end of the boot (both fail the run;
 * their controls are the early_free and leak boots).  Free pages are no
 * measure here: KASAN's quarantine gives back slabs at random times.
 */
static void llpool_rcu_frees_every_kind(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-kind", 4, 16);
	const unsigned int n = 600;
	unsigned int i, queued = 0;
	void *p;

	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:
			p = kmalloc(64, GFP_KERNEL);
			break;
		case 1:
			p = kmalloc(4 * PAGE_SIZE, GFP_KERNEL);
			break;
		default:
			p = vmalloc(2 * PAGE_SIZE);
			break;
		}
		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, 0x5a, 64);
		if (llpool_rcu_free(r, p))
			kvfree(p);
		else
			queued++;
	}
	llpool_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, queued, n);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)queued);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
	llpool_rcu_destroy(r);
}

/* An open block is submitted by the timeout, without a barrier. */
static void llpool_rcu_timeout_submits(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-to", 4, 16);
	void *p = kmalloc(64, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, llpool_rcu_free(r, p), 0);
	for (i = 0; i < 250 && rcu_test_stat(r, LLPOOL_RCU_FREED) < 1; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), 1LL);
	llpool_rcu_destroy(r);
}

struct rcu_test_irq {
	struct hrtimer hrt;
	struct llpool_rcu *r;
	void *objs[16];
	int ok;
	bool in_irq;
	struct completion done;
};

static enum hrtimer_restart rcu_test_irq_fn(struct hrtimer *hrt)
{
	struct rcu_test_irq *t = container_of(hrt, struct rcu_test_irq, hrt);
	unsigned int i;

	t->in_irq = in_hardirq();
	for (i = 0; i < ARRAY_SIZE(t->objs); i++) {
		if (!llpool_rcu_free(t->r, t->objs[i])) {
			t->objs[i] = NULL;
			t->ok++;
		}
	}
	complete(&t->done);
	return HRTIMER_NORESTART;
}

static void llpool_rcu_in_hardirq(struct kunit *test)
{
	struct rcu_test_irq *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, debug_locks, 1);
	t->r = rcu_test_create(test, "kunit-rcu-irq", 4, 16);
	for (i = 0; i < ARRAY_SIZE(t->objs); i++) {
		t->objs[i] = kmalloc(48, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->objs[i]);
	}
	init_completion(&t->done);
	hrtimer_init(&t->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	t->hrt.function = rcu_test_irq_fn;
	hrtimer_start(&t->hrt, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t->done, 10 * HZ));
	hrtimer_cancel(&t->hrt);
	for (i = 0; i < ARRAY_SIZE(t->objs); i++)
		kfree(t->objs[i]);	/* the ones the irq could not defer */
	KUNIT_EXPECT_TRUE(test, t->in_irq);
	KUNIT_EXPECT_EQ(test, t->ok, (int)ARRAY_SIZE(t->objs));
	llpool_rcu_destroy(t->r);
	KUNIT_EXPECT_EQ(test, debug_locks, 1);
}

static void llpool_rcu_rejects_bad_params(struct kunit *test)
{
	struct llpool_rcu *r;

	r = llpool_rcu_create("kunit-rcu-bad", 0, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), -EINVAL);
	llpool_rcu_destroy(r);
	r = llpool_rcu_create("", 1, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), -EINVAL);
	llpool_rcu_destroy(r);
	r = llpool_rcu_create("kunit-rcu-bad", 8, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), -EINVAL);
	llpool_rcu_destroy(r);
}

static struct kunit_case llpool_rcu_cases[] = {
	KUNIT_CASE_SLOW(llpool_rcu_no_early_free),
	KUNIT_CASE(llpool_rcu_fallback_when_pool_empty),
	KUNIT_CASE(llpool_rcu_barrier_frees_all),
	KUNIT_CASE(llpool_rcu_frees_every_kind),
	KUNIT_CASE(llpool_rcu_timeout_submits),
	KUNIT_CASE(llpool_rcu_in_hardirq),
	KUNIT_CASE(llpool_rcu_rejects_bad_params),
	{}
};

static struct kunit_suite llpool_rcu_suite = {
	.name = "llpool_rcu",
	.test_cases = llpool_rcu_cases,
};

kunit_test_suites(&llpool_rcu_suite);

MODULE_DESCRIPTION("KUnit suite for rcu_pool_user");
MODULE_LICENSE("GPL");
