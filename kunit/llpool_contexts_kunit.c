// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite llpool_contexts (llpool_contexts_kunit.ko): llpool allocates
 * and frees under a raw spinlock, with IRQs off, with preemption off, in
 * hardirq and in softirq, with no splat: lockdep is still on after each
 * test (a report would have turned it off) and the books balance.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "../compat.h"
#include "../pool.h"
#include "llpool_test.h"

/* Held around a burst to call llpool under a raw spinlock, IRQs off. */
static DEFINE_RAW_SPINLOCK(llpool_test_raw_lock);

struct llpool_ctx {
	struct llpool *pool;
	unsigned int got;
};

/* Allocate a burst, then free it: crosses low and high, so kicks fire. */
static void llpool_ctx_burst(void *arg)
{
	struct llpool_ctx *x = arg;
	struct page *pages[LLPOOL_CTX_PAGES];
	unsigned int i, n = 0;

	for (i = 0; i < LLPOOL_CTX_PAGES; i++) {
		pages[n] = llpool_alloc(x->pool);
		if (pages[n])
			n++;
	}
	x->got += n;
	while (n)
		llpool_free(x->pool, pages[--n]);
}

static int llpool_ctx_init(struct kunit *test)
{
	struct llpool_params p = { .name = "kunit-ctx", .low = 8, .high = 32 };
	struct llpool_ctx *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	if (!x)
		return -ENOMEM;
	x->pool = llpool_create(&p);
	if (IS_ERR(x->pool))
		return PTR_ERR(x->pool);
	/* Before any assertion: ->exit runs even when ->init fails. */
	test->priv = x;
	KUNIT_ASSERT_EQ_MSG(test, debug_locks, 1,
			    "lockdep already off before the test (an earlier report?)");
	return 0;
}

static void llpool_ctx_exit(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;

	if (!x)		/* ->init failed before creating the pool */
		return;
	/* Whatever the context did, lockdep must still be on: a report
	 * turns it off.
	 */
	KUNIT_EXPECT_EQ_MSG(test, debug_locks, 1, "lockdep reported a problem");
	llpool_expect_balanced(test, x->pool);
	llpool_destroy(x->pool);
}

static void llpool_under_raw_spinlock(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;
	unsigned long flags;

	raw_spin_lock_irqsave(&llpool_test_raw_lock, flags);
	llpool_ctx_burst(x);
	raw_spin_unlock_irqrestore(&llpool_test_raw_lock, flags);
	KUNIT_EXPECT_EQ(test, x->got, LLPOOL_CTX_PAGES);
}

static void llpool_with_irqs_off(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;
	struct page *page;

	local_irq_disable();
	page = __llpool_alloc(x->pool);
	__llpool_free(x->pool, page);
	local_irq_enable();
	KUNIT_EXPECT_NOT_NULL(test, page);
}

static void llpool_with_preemption_off(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;

	preempt_disable();
	llpool_ctx_burst(x);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, x->got, LLPOOL_CTX_PAGES);
}

static void llpool_in_hardirq(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;

	llpool_test_in_hardirq(test, llpool_ctx_burst, x);
	KUNIT_EXPECT_EQ(test, x->got, LLPOOL_CTX_PAGES);
}

struct llpool_ctx_softirq {
	struct timer_list tl;
	struct llpool_ctx *x;
	bool in_softirq;
	struct completion done;
};

static void llpool_softirq_fn(struct timer_list *tl)
{
	struct llpool_ctx_softirq *t = timer_container_of(t, tl, tl);

	t->in_softirq = in_serving_softirq();
	llpool_ctx_burst(t->x);
	complete(&t->done);
}

static void llpool_in_softirq(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;
	struct llpool_ctx_softirq t = { .x = x };

	init_completion(&t.done);
	timer_setup_on_stack(&t.tl, llpool_softirq_fn, 0);
	mod_timer(&t.tl, jiffies + 1);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t.done, 10 * HZ));
	timer_delete_sync(&t.tl);
	timer_destroy_on_stack(&t.tl);
	KUNIT_EXPECT_TRUE(test, t.in_softirq);
	KUNIT_EXPECT_EQ(test, x->got, LLPOOL_CTX_PAGES);
}

static struct kunit_case llpool_contexts_cases[] = {
	KUNIT_CASE(llpool_under_raw_spinlock),
	KUNIT_CASE(llpool_with_irqs_off),
	KUNIT_CASE(llpool_with_preemption_off),
	KUNIT_CASE(llpool_in_hardirq),
	KUNIT_CASE(llpool_in_softirq),
	{}
};

LLPOOL_KUNIT_SUITE(llpool_contexts, llpool_ctx_init, llpool_ctx_exit,
		   "calling contexts");
