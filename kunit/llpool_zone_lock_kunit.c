// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite llpool_zone_lock (llpool_zone_lock_kunit.ko): the proof that
 * llpool's fast path takes no zone or pcp lock.  A lock_acquire tracepoint
 * probe (llpool_lockwatch.ko, which needs PROVE_LOCKING) counts the locks
 * taken while llpool allocates and frees in task context, under a raw
 * spinlock and in hardirq; a positive control shows that the probe sees
 * the page allocator take both.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

#include "../pool.h"
#include "../testmods/lockwatch.h"
#include "llpool_test.h"

/* Held around a burst to call llpool under a raw spinlock, IRQs off. */
static DEFINE_RAW_SPINLOCK(llpool_test_raw_lock);

#define LLPOOL_ZL_CONTROL_MIN	512
#define LLPOOL_ZL_CONTROL_MAX	16384
#define LLPOOL_ZL_ROUNDS	256

static int llpool_zl_init(struct kunit *test)
{
	int ret = lockwatch_start();

	if (ret == -ENOENT)
		kunit_skip(test, "no lock_acquire tracepoint (needs PROVE_LOCKING)");
	if (!ret)
		test->priv = test;	/* non-NULL: started, ->exit must stop */
	return ret;
}

static void llpool_zl_exit(struct kunit *test)
{
	/* ->exit runs even when ->init failed or skipped. */
	if (test->priv)
		lockwatch_stop();
}

/*
 * Positive control: the detector must see the page allocator's locks.
 * Every GFP_NOWAIT allocation takes pcp->lock; once the CPU's pcplist runs
 * dry (it holds at most pcp->high pages, however many earlier tests freed
 * into it) the allocator refills it from the buddy lists under zone->lock.
 * So allocate at least LLPOOL_ZL_CONTROL_MIN pages and keep going until
 * zone->lock shows up.  Only migration is disabled: on PREEMPT_RT both
 * locks sleep.
 */
static void llpool_zl_control_sees_allocator_locks(struct kunit *test)
{
	struct lockwatch_window w;
	struct page **pages;
	unsigned int i, n = 0;

	pages = kunit_kcalloc(test, LLPOOL_ZL_CONTROL_MAX, sizeof(*pages),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	migrate_disable();
	lockwatch_open(&w);
	for (i = 0; i < LLPOOL_ZL_CONTROL_MAX; i++) {
		if (i >= LLPOOL_ZL_CONTROL_MIN && w.zone)
			break;
		pages[n] = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
		if (pages[n])
			n++;
	}
	lockwatch_close(&w);
	migrate_enable();
	while (n)
		__free_page(pages[--n]);

	kunit_info(test, "GFP_NOWAIT x %u: zone %u pcp %u other %u",
		   i, w.zone, w.pcp, w.other);
	KUNIT_EXPECT_GT(test, w.zone, 0U);
	KUNIT_EXPECT_GE(test, w.pcp, LLPOOL_ZL_CONTROL_MIN);
}

/* Allocate LLPOOL_CTX_PAGES, free them, many times: crossing low and high
 * so that the slow parts (kicks, spills) run inside the window too.
 */
static void llpool_zl_rounds(struct llpool *pool, unsigned int *got)
{
	struct page *pages[LLPOOL_CTX_PAGES];
	unsigned int r, i, n;

	for (r = 0; r < LLPOOL_ZL_ROUNDS; r++) {
		for (i = 0, n = 0; i < LLPOOL_CTX_PAGES; i++) {
			pages[n] = llpool_alloc(pool);
			if (pages[n])
				n++;
		}
		*got += n;
		while (n)
			llpool_free(pool, pages[--n]);
	}
}

static void llpool_zl_expect_clean(struct kunit *test, const char *where,
				   struct lockwatch_window *w, unsigned int got)
{
	kunit_info(test, "%s: %u pages: zone %u pcp %u llpool_fast_path %u other %u (first: %s)",
		   where, got, w->zone, w->pcp, w->fast, w->other,
		   w->first_other ?: "none");
	KUNIT_EXPECT_GT(test, got, 0U);
	KUNIT_EXPECT_EQ_MSG(test, w->zone, 0U, "first at %pS", (void *)w->first_zone_ip);
	KUNIT_EXPECT_EQ_MSG(test, w->pcp, 0U, "first at %pS", (void *)w->first_zone_ip);
	/* The window really watched the fast path: its annotation is seen. */
	if (IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC))
		KUNIT_EXPECT_GT(test, w->fast, 0U);
}

/* One pool's rounds inside one window, in whatever context runs it. */
struct llpool_zl_run {
	struct llpool *pool;
	struct lockwatch_window w;
	unsigned int got;
};

static void llpool_zl_watch(void *arg)
{
	struct llpool_zl_run *run = arg;

	lockwatch_open(&run->w);
	llpool_zl_rounds(run->pool, &run->got);
	lockwatch_close(&run->w);
}

static struct llpool_zl_run *llpool_zl_run_new(struct kunit *test)
{
	struct llpool_zl_run *run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, run);
	run->pool = llpool_test_create(test, "kunit-zl", 0, 8, 16);
	return run;
}

static void llpool_zl_run_end(struct kunit *test, const char *where,
			      struct llpool_zl_run *run)
{
	llpool_zl_expect_clean(test, where, &run->w, run->got);
	llpool_destroy(run->pool);
}

static void llpool_zl_task(struct kunit *test)
{
	struct llpool_zl_run *run = llpool_zl_run_new(test);

	migrate_disable();
	llpool_zl_watch(run);
	migrate_enable();
	llpool_zl_run_end(test, "task", run);
}

static void llpool_zl_raw_spinlock(struct kunit *test)
{
	struct llpool_zl_run *run = llpool_zl_run_new(test);
	unsigned long flags;

	raw_spin_lock_irqsave(&llpool_test_raw_lock, flags);
	llpool_zl_watch(run);
	raw_spin_unlock_irqrestore(&llpool_test_raw_lock, flags);
	/* The raw lock is not counted: it is taken before the window. */
	llpool_zl_run_end(test, "raw spinlock", run);
}

static void llpool_zl_hardirq(struct kunit *test)
{
	struct llpool_zl_run *run = llpool_zl_run_new(test);

	llpool_test_in_hardirq(test, llpool_zl_watch, run);
	llpool_zl_run_end(test, "hardirq", run);
}

static struct kunit_case llpool_zone_lock_cases[] = {
	KUNIT_CASE(llpool_zl_control_sees_allocator_locks),
	KUNIT_CASE(llpool_zl_task),
	KUNIT_CASE(llpool_zl_raw_spinlock),
	KUNIT_CASE(llpool_zl_hardirq),
	{}
};

LLPOOL_KUNIT_SUITE(llpool_zone_lock, llpool_zl_init, llpool_zl_exit,
		   "no zone or pcp lock on the fast path");
