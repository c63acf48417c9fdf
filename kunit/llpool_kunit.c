// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for llpool, built as their own module (llpool_kunit.ko).
 *
 *   llpool_functional   create/destroy, parameters, orders, refill, trim,
 *                       page accounting
 *   llpool_contexts     raw spinlock, hardirq, softirq, preemption off,
 *                       IRQs off: no splat, lockdep still on
 *   llpool_zone_lock    the proof: the fast path takes no zone or pcp lock;
 *                       a positive control shows the detector sees them
 *   llpool_concurrency  every CPU allocating, frees on other CPUs, every
 *                       page tracked
 */

#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/vmstat.h>

#include "../compat.h"
#include "../llpool_internal.h"
#include "../pool.h"
#include "../testmods/free_pages.h"
#include "../testmods/lockwatch.h"
#include "llpool_test.h"

/* ==== llpool_functional ================================================== */

static void llpool_create_destroy(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-cd", 0, 4, 16);
	struct llpool_stats st;
	unsigned int cpu;

	/* Online CPUs only are filled (a guest may have more possible). */
	cpus_read_lock();
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, llpool_cpu_reserved(pool, cpu),
				    cpu_online(cpu) ? 16U : 0U,
				    "cpu%u (online %d)", cpu, cpu_online(cpu));
	llpool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.reserved, 16UL * num_online_cpus());
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_REFILLED],
			16ULL * num_online_cpus());
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_ALLOCS], 0ULL);
	llpool_destroy(pool);
	/* NULL and error pointers are ignored. */
	llpool_destroy(NULL);
	llpool_destroy(ERR_PTR(-EINVAL));
}

struct llpool_bad_param {
	const char *desc;
	struct llpool_params p;
};

static const struct llpool_bad_param llpool_bad_params[] = {
	{ "no name", { .name = NULL, .low = 1, .high = 2 } },
	{ "empty name", { .name = "", .low = 1, .high = 2 } },
	{ "name too long", { .name = "abcdefghijklmnopqrstuvwxyz0123456", .low = 1, .high = 2 } },
	{ "name with slash", { .name = "a/b", .low = 1, .high = 2 } },
	{ "order 4", { .name = "bad", .order = 4, .low = 1, .high = 2 } },
	{ "low 0", { .name = "bad", .low = 0, .high = 2 } },
	{ "low above high", { .name = "bad", .low = 3, .high = 2 } },
	{ "high above max", { .name = "bad", .low = 1, .high = LLPOOL_HIGH_MAX + 1 } },
	{ "highmem gfp", { .name = "bad", .low = 1, .high = 2,
			   .gfp = GFP_KERNEL | __GFP_HIGHMEM } },
	{ "nofail gfp", { .name = "bad", .low = 1, .high = 2,
			  .gfp = GFP_KERNEL | __GFP_NOFAIL } },
};

static void llpool_bad_param_desc(const struct llpool_bad_param *b, char *desc)
{
	strscpy(desc, b->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(llpool_bad, llpool_bad_params, llpool_bad_param_desc);

static void llpool_rejects_bad_params(struct kunit *test)
{
	const struct llpool_bad_param *b = test->param_value;
	struct llpool *pool = llpool_create(&b->p);

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(pool), -EINVAL);
	if (!IS_ERR(pool))
		llpool_destroy(pool);
}

static void llpool_rejects_null_and_duplicate(struct kunit *test)
{
	struct llpool_params p = { .name = "kunit-dup", .low = 1, .high = 2 };
	struct llpool *pool, *dup;

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(llpool_create(NULL)), -EINVAL);
	pool = llpool_test_create(test, "kunit-dup", 0, 1, 2);
	dup = llpool_create(&p);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(dup), -EEXIST);
	if (!IS_ERR(dup))
		llpool_destroy(dup);
	/* The failed create left the first pool intact. */
	KUNIT_EXPECT_EQ(test, llpool_cpu_reserved(pool, raw_smp_processor_id()), 2U);
	llpool_destroy(pool);
}

static void llpool_round_trip(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-rt", 0, 2, 8);
	struct page *page;

	page = llpool_alloc(pool);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);
	memset(page_address(page), 0x5a, PAGE_SIZE);
	llpool_free(pool, page);
	llpool_free(pool, NULL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS), 1ULL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_FREES), 1ULL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_MISSES), 0ULL);
	llpool_destroy(pool);
}

static const unsigned int llpool_orders[] = { 1, 2, 3 };

static void llpool_order_desc(const unsigned int *order, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "order %u", *order);
}

KUNIT_ARRAY_PARAM(llpool_order, llpool_orders, llpool_order_desc);

/* Higher orders: compound pages of that order, writable end to end (KASAN
 * checks every byte of the memset).
 */
static void llpool_higher_orders(struct kunit *test)
{
	unsigned int order = *(const unsigned int *)test->param_value;
	struct llpool *pool = llpool_test_create(test, "kunit-order", order, 1, 4);
	struct page *pages[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = llpool_alloc(pool);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		KUNIT_EXPECT_EQ(test, compound_order(pages[i]), order);
		memset(page_address(pages[i]), 0xa5, PAGE_SIZE << order);
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		llpool_free(pool, pages[i]);
	llpool_destroy(pool);
}

/*
 * No NULL while the pool has pages: with this CPU's reserve empty, its
 * allocations are served from the other CPUs' reserves (steals), with no
 * miss, until the whole pool is empty; then exactly one NULL.  With
 * preemption off this CPU's kicked worker cannot refill in between, and
 * the other CPUs' workers are not kicked by a steal.  After that the
 * refill must restore service within the wait.
 */
static void llpool_steal_then_miss_then_refill(struct kunit *test)
{
	const unsigned int high = 2;
	unsigned int total = high * num_online_cpus(), n = 0, cpu, i;
	struct llpool *pool = llpool_test_create(test, "kunit-ex", 0, 1, high);
	struct page **held, *page;
	struct llpool_stats st;

	held = kunit_kcalloc(test, total + 2, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);

	migrate_disable();
	preempt_disable();
	cpu = smp_processor_id();
	for (i = 0; i < total; i++) {
		page = llpool_alloc(pool);
		if (page)
			held[n++] = page;
	}
	page = llpool_alloc(pool);
	preempt_enable();
	llpool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, n, total);
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_STEALS], (u64)(total - high));
	KUNIT_EXPECT_NULL(test, page);
	if (page)
		held[n++] = page;
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_MISSES], 1ULL);

	/* Service comes back: the kicked worker refills this CPU to high. */
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(llpool_cpu_reserved(pool, cpu) == high),
			      "cpu%u reserve %u after %d ms", cpu,
			      llpool_cpu_reserved(pool, cpu), LLPOOL_TEST_WAIT_MS);
	page = llpool_alloc(pool);
	KUNIT_EXPECT_NOT_NULL(test, page);
	if (page)
		held[n++] = page;
	migrate_enable();

	while (n)
		llpool_free(pool, held[--n]);
	llpool_destroy(pool);
}

/*
 * NUMA: an empty CPU steals from the CPUs of its own node before any
 * other.  The test runs on a CPU whose round-robin order reaches another
 * node first (the last CPU of a node), in an IPI so that nothing refills
 * its reserve meanwhile: its own pages, then every page of its node's
 * other CPUs must be node-local; the next steal is the first remote one.
 */
struct llpool_numa_state {
	struct llpool *pool;
	struct page **held;
	unsigned int n, own, local, foreign;
	int node, last_nid;
};

static void llpool_numa_fn(void *arg)
{
	struct llpool_numa_state *s = arg;
	unsigned int cpu = smp_processor_id(), other, i;
	struct page *page;

	s->node = cpu_to_node(cpu);
	s->own = llpool_cpu_reserved(s->pool, cpu);
	for_each_online_cpu(other)
		if (other != cpu && cpu_to_node(other) == s->node)
			s->local += llpool_cpu_reserved(s->pool, other);
	for (i = 0; i < s->own + s->local; i++) {
		page = __llpool_alloc(s->pool);
		if (!page)
			return;
		s->held[s->n++] = page;
		if (page_to_nid(page) != s->node)
			s->foreign++;
	}
	page = __llpool_alloc(s->pool);
	if (page) {
		s->held[s->n++] = page;
		s->last_nid = page_to_nid(page);
	}
}

static void llpool_steals_from_own_node_first(struct kunit *test)
{
	const unsigned int high = 8;
	struct llpool_numa_state s = { .last_nid = NUMA_NO_NODE };
	unsigned int cpu, target = nr_cpu_ids;
	struct llpool_stats st;

	if (num_online_nodes() < 2)
		kunit_skip(test, "needs two NUMA nodes");
	s.held = kunit_kcalloc(test, high * num_possible_cpus() + 1,
			       sizeof(*s.held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s.held);
	s.pool = llpool_test_create(test, "kunit-numa", 0, 1, high);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		/* The first CPU llpool_steal() tries after this one. */
		unsigned int next = cpumask_next(cpu, cpu_online_mask);

		if (next >= nr_cpu_ids)
			next = cpumask_first(cpu_online_mask);
		if (cpu_to_node(next) != cpu_to_node(cpu) &&
		    cpumask_weight(cpumask_of_node(cpu_to_node(cpu))) >= 2) {
			target = cpu;
			break;
		}
	}
	if (target < nr_cpu_ids)
		smp_call_function_single(target, llpool_numa_fn, &s, 1);
	cpus_read_unlock();
	if (target >= nr_cpu_ids) {
		llpool_destroy(s.pool);
		kunit_skip(test, "no node with two CPUs before another node");
	}

	llpool_get_stats(s.pool, &st);
	kunit_info(test, "cpu%u (node %d): own %u, node-local %u, %u foreign among them; next page from node %d; steals %llu, remote %llu",
		   target, s.node, s.own, s.local, s.foreign, s.last_nid,
		   st.counter[LLPOOL_STEALS], st.counter[LLPOOL_REMOTE_STEALS]);
	KUNIT_EXPECT_GT(test, s.local, 0U);
	KUNIT_EXPECT_EQ(test, s.n, s.own + s.local + 1);
	KUNIT_EXPECT_EQ(test, s.foreign, 0U);
	KUNIT_EXPECT_NE(test, s.last_nid, s.node);
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_STEALS], (u64)s.local + 1);
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_REMOTE_STEALS], 1ULL);

	while (s.n)
		llpool_free(s.pool, s.held[--s.n]);
	llpool_expect_balanced_settled(test, s.pool);
	llpool_destroy(s.pool);
}

/* Frees past high are trimmed back to high by the worker. */
static void llpool_trims_above_high(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-trim", 0, 2, 8);
	struct page **held;
	unsigned int n = 0, cpu, i;

	held = kunit_kcalloc(test, 40, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);

	/* Collect 40 pages from this CPU, letting refills catch up. */
	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < 200 && n < 40; i++) {
		struct page *page = llpool_alloc(pool);

		if (page)
			held[n++] = page;
		else
			msleep(20);
	}
	KUNIT_ASSERT_EQ(test, n, 40U);
	/* A refill is kicked only below low, so the reserve rests in [low, high]. */
	KUNIT_EXPECT_TRUE(test, llpool_wait_for(llpool_cpu_reserved(pool, cpu) >= 2));

	/*
	 * 40 frees on one CPU: the stack takes 2 * high, the rest spill.  With
	 * preemption off the kicked worker cannot trim in between.
	 */
	preempt_disable();
	while (n)
		llpool_free(pool, held[--n]);
	preempt_enable();
	KUNIT_EXPECT_GE(test, llpool_test_counter(pool, LLPOOL_SPILLED), 1ULL);
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(llpool_cpu_reserved(pool, cpu) == 8 &&
					      !llpool_test_spilled(pool)),
			      "cpu%u reserve %u", cpu, llpool_cpu_reserved(pool, cpu));
	migrate_enable();
	KUNIT_EXPECT_GE(test, llpool_test_counter(pool, LLPOOL_TRIMMED), 40ULL - 8);
	llpool_expect_balanced(test, pool);
	llpool_destroy(pool);
}

/* Per-CPU high mark of the pools whose pages the free-page checks count. */
#define LLPOOL_GIVE_HIGH	256

/*
 * Free pages may drift by this much between two reads on an idle guest
 * (pcplist refills, other CPUs' work); a pool that kept @pages of its own
 * would show all of them missing.
 */
static bool llpool_pages_missing(unsigned long before, unsigned long after,
				 unsigned long pages)
{
	return (long)(before - after) > (long)pages / 4;
}

/* A pool takes its pages from the system and destroy gives them back. */
static void llpool_destroy_returns_pages(struct kunit *test)
{
	unsigned long pages = (unsigned long)LLPOOL_GIVE_HIGH * num_online_cpus();
	unsigned long before, during, after;
	struct llpool *pool;

	before = llpool_test_free_pages();
	pool = llpool_test_create(test, "kunit-give", 0, 1, LLPOOL_GIVE_HIGH);
	llpool_expect_balanced(test, pool);
	during = llpool_test_free_pages();
	llpool_destroy(pool);
	after = llpool_test_free_pages();

	kunit_info(test, "free pages: before %lu, pool up %lu, after %lu (pool %lu)",
		   before, during, after, pages);
	KUNIT_EXPECT_GE(test, (long)(before - during), (long)pages / 2);
	KUNIT_EXPECT_FALSE(test, llpool_pages_missing(before, after, pages));
}

/*
 * Positive control for the check above: the same measurement around a
 * "destroy" that keeps half the pages (here: pages taken straight from the
 * page allocator and held across the second read) must report them missing.
 */
static void llpool_leak_check_sees_held_pages(struct kunit *test)
{
	unsigned long pages = (unsigned long)LLPOOL_GIVE_HIGH * num_online_cpus();
	unsigned long before, after, i, n = pages / 2;
	struct page **held;

	held = kunit_kcalloc(test, n, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	before = llpool_test_free_pages();
	for (i = 0; i < n; i++) {
		held[i] = alloc_page(GFP_KERNEL);
		if (!held[i])
			break;
	}
	after = llpool_test_free_pages();
	kunit_info(test, "free pages: before %lu, after holding %lu: %lu",
		   before, i, after);
	KUNIT_EXPECT_EQ(test, i, n);
	KUNIT_EXPECT_TRUE(test, llpool_pages_missing(before, after, pages));
	while (i)
		__free_page(held[--i]);
}

static struct kunit_case llpool_functional_cases[] = {
	KUNIT_CASE(llpool_create_destroy),
	KUNIT_CASE_PARAM(llpool_rejects_bad_params, llpool_bad_gen_params),
	KUNIT_CASE(llpool_rejects_null_and_duplicate),
	KUNIT_CASE(llpool_round_trip),
	KUNIT_CASE_PARAM(llpool_higher_orders, llpool_order_gen_params),
	KUNIT_CASE(llpool_steal_then_miss_then_refill),
	KUNIT_CASE(llpool_steals_from_own_node_first),
	KUNIT_CASE_SLOW(llpool_trims_above_high),
	KUNIT_CASE(llpool_destroy_returns_pages),
	KUNIT_CASE(llpool_leak_check_sees_held_pages),
	{}
};

static struct kunit_suite llpool_functional_suite = {
	.name = "llpool_functional",
	.test_cases = llpool_functional_cases,
};

/* ==== llpool_contexts ==================================================== */

#define LLPOOL_CTX_PAGES	24

struct llpool_ctx {
	struct llpool *pool;
	unsigned int got;
	bool ctx_ok;
};

/* Allocate a burst, then free it: crosses low and high, so kicks fire. */
static void llpool_ctx_burst(struct llpool_ctx *x)
{
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

static DEFINE_RAW_SPINLOCK(llpool_test_raw_lock);

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

struct llpool_ctx_timer {
	struct hrtimer hrt;
	struct timer_list tl;
	struct llpool_ctx *x;
	struct completion done;
};

static enum hrtimer_restart llpool_hardirq_fn(struct hrtimer *hrt)
{
	struct llpool_ctx_timer *t = container_of(hrt, struct llpool_ctx_timer, hrt);

	t->x->ctx_ok = in_hardirq();
	llpool_ctx_burst(t->x);
	complete(&t->done);
	return HRTIMER_NORESTART;
}

/* An hrtimer in HARD mode expires in hardirq context, also on PREEMPT_RT. */
static void llpool_in_hardirq(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;
	struct llpool_ctx_timer t = { .x = x };

	init_completion(&t.done);
	hrtimer_init_on_stack(&t.hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	t.hrt.function = llpool_hardirq_fn;
	hrtimer_start(&t.hrt, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t.done, 10 * HZ));
	hrtimer_cancel(&t.hrt);
	destroy_hrtimer_on_stack(&t.hrt);
	KUNIT_EXPECT_TRUE(test, x->ctx_ok);
	KUNIT_EXPECT_EQ(test, x->got, LLPOOL_CTX_PAGES);
}

static void llpool_softirq_fn(struct timer_list *tl)
{
	struct llpool_ctx_timer *t = from_timer(t, tl, tl);

	t->x->ctx_ok = in_serving_softirq();
	llpool_ctx_burst(t->x);
	complete(&t->done);
}

static void llpool_in_softirq(struct kunit *test)
{
	struct llpool_ctx *x = test->priv;
	struct llpool_ctx_timer t = { .x = x };

	init_completion(&t.done);
	timer_setup_on_stack(&t.tl, llpool_softirq_fn, 0);
	mod_timer(&t.tl, jiffies + 1);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&t.done, 10 * HZ));
	del_timer_sync(&t.tl);
	destroy_timer_on_stack(&t.tl);
	KUNIT_EXPECT_TRUE(test, x->ctx_ok);
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

static struct kunit_suite llpool_contexts_suite = {
	.name = "llpool_contexts",
	.init = llpool_ctx_init,
	.exit = llpool_ctx_exit,
	.test_cases = llpool_contexts_cases,
};

/* ==== llpool_zone_lock =================================================== */

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

static void llpool_zl_task(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-zl", 0, 8, 16);
	struct lockwatch_window w;
	unsigned int got = 0;

	migrate_disable();
	lockwatch_open(&w);
	llpool_zl_rounds(pool, &got);
	lockwatch_close(&w);
	migrate_enable();
	llpool_zl_expect_clean(test, "task", &w, got);
	llpool_destroy(pool);
}

static void llpool_zl_raw_spinlock(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-zl", 0, 8, 16);
	struct lockwatch_window w;
	unsigned long flags;
	unsigned int got = 0;

	raw_spin_lock_irqsave(&llpool_test_raw_lock, flags);
	lockwatch_open(&w);
	llpool_zl_rounds(pool, &got);
	lockwatch_close(&w);
	raw_spin_unlock_irqrestore(&llpool_test_raw_lock, flags);
	/* The raw lock is not counted: it is taken before the window. */
	llpool_zl_expect_clean(test, "raw spinlock", &w, got);
	llpool_destroy(pool);
}

struct llpool_zl_hardirq {
	struct hrtimer hrt;
	struct llpool *pool;
	struct lockwatch_window w;
	unsigned int got;
	struct completion done;
};

static enum hrtimer_restart llpool_zl_hardirq_fn(struct hrtimer *hrt)
{
	struct llpool_zl_hardirq *h = container_of(hrt, struct llpool_zl_hardirq, hrt);

	lockwatch_open(&h->w);
	llpool_zl_rounds(h->pool, &h->got);
	lockwatch_close(&h->w);
	complete(&h->done);
	return HRTIMER_NORESTART;
}

static void llpool_zl_hardirq(struct kunit *test)
{
	struct llpool_zl_hardirq *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->pool = llpool_test_create(test, "kunit-zl", 0, 8, 16);
	init_completion(&h->done);
	hrtimer_init(&h->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	h->hrt.function = llpool_zl_hardirq_fn;
	hrtimer_start(&h->hrt, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&h->done, 30 * HZ));
	hrtimer_cancel(&h->hrt);
	llpool_zl_expect_clean(test, "hardirq", &h->w, h->got);
	llpool_destroy(h->pool);
}

static struct kunit_case llpool_zone_lock_cases[] = {
	KUNIT_CASE(llpool_zl_control_sees_allocator_locks),
	KUNIT_CASE(llpool_zl_task),
	KUNIT_CASE(llpool_zl_raw_spinlock),
	KUNIT_CASE(llpool_zl_hardirq),
	{}
};

static struct kunit_suite llpool_zone_lock_suite = {
	.name = "llpool_zone_lock",
	.init = llpool_zl_init,
	.exit = llpool_zl_exit,
	.test_cases = llpool_zone_lock_cases,
};

/* ==== llpool_concurrency ================================================= */

/*
 * One kthread per online CPU allocates pages, stamps each as handed out,
 * and passes it to the next CPU's thread, which checks the stamp, clears it
 * and frees the page there.  A page handed out twice finds its stamp
 * already set; a page lost leaves the pool's counters unbalanced.
 */
#define LLPOOL_CC_MS		2000
#define LLPOOL_CC_BURST		16

struct llpool_cc_thread {
	struct task_struct *task;
	struct llpool *pool;
	struct llist_head inbox;
	struct llpool_cc_thread *next;
	unsigned long allocs, frees, misses, doubles, bad_stamps;
	unsigned long deadline;
	bool done;
};

static void llpool_cc_drain(struct llpool_cc_thread *t)
{
	struct llist_node *node, *next;
	struct llpool_cc_page *p;

	llist_for_each_safe(node, next, llist_del_all(&t->inbox)) {
		p = container_of(node, struct llpool_cc_page, node);
		if (!llpool_unstamp(virt_to_page(p)))
			t->bad_stamps++;
		llpool_free(t->pool, virt_to_page(p));
		t->frees++;
	}
}

static int llpool_cc_fn(void *arg)
{
	struct llpool_cc_thread *t = arg;
	struct llpool_cc_page *p;
	struct page *page;
	unsigned int i;

	while (time_before(jiffies, t->deadline)) {
		for (i = 0; i < LLPOOL_CC_BURST; i++) {
			page = llpool_alloc(t->pool);
			if (!page) {
				t->misses++;
				continue;
			}
			t->allocs++;
			if (!llpool_stamp(page))
				t->doubles++;
			p = page_address(page);
			llist_add(&p->node, &t->next->inbox);
		}
		llpool_cc_drain(t);
		cond_resched();
	}
	WRITE_ONCE(t->done, true);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Positive control for the detector: the same page handed out twice is
 * caught by the second stamp, and freed twice by the second unstamp.  The
 * stamp sits past the llist_node, so the pool's own use of a free page's
 * first bytes cannot hide it; a handout clears nothing.
 */
static void llpool_stamp_catches_double_handout(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-stamp", 0, 2, 4);
	struct page *page = llpool_alloc(pool), *again;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, llpool_stamp(page));
	KUNIT_EXPECT_FALSE_MSG(test, llpool_stamp(page),
			       "a second handout of a held page went unseen");
	KUNIT_EXPECT_TRUE(test, llpool_unstamp(page));
	KUNIT_EXPECT_FALSE_MSG(test, llpool_unstamp(page),
			       "a second free of the page went unseen");
	/* A stamp survives a trip through the pool: freed stamped, the page
	 * comes back stamped, as a page still held elsewhere would.
	 */
	KUNIT_EXPECT_TRUE(test, llpool_stamp(page));
	preempt_disable();	/* the reserve is per CPU and LIFO */
	llpool_free(pool, page);
	again = llpool_alloc(pool);
	preempt_enable();
	KUNIT_EXPECT_PTR_EQ(test, again, page);
	if (again == page) {
		KUNIT_EXPECT_FALSE_MSG(test, llpool_stamp(again),
				       "the pool hid the stamp of a page it took back");
		KUNIT_EXPECT_TRUE(test, llpool_unstamp(again));
	}
	if (again)
		llpool_free(pool, again);
	llpool_expect_balanced(test, pool);
	llpool_destroy(pool);
}

/*
 * A CPU's refill work runs on another CPU while that CPU is offline (the
 * workqueue unbinds it).  Such a run only drains and trims: it takes no
 * page from the page allocator (LLPOOL_REFILL_RUNS and LLPOOL_REFILLED stay
 * put), as the CPU's online callback is what refills it.  It must also
 * leave the CPU's reserve and its reentrancy guard alone: a guard left
 * unbalanced would make every later push on that CPU look nested, so once
 * back online the CPU would never be refilled and every free there would
 * spill.  Frees in an IPI on the CPU afterwards must push, not nest.
 */
static void llpool_hotplug_free_fn(void *arg)
{
	struct llpool *pool = arg;
	struct page *page = __llpool_alloc(pool);

	__llpool_free(pool, page);
}

static void llpool_refill_off_cpu_while_offline(struct kunit *test)
{
	const unsigned int high = 16;
	unsigned int cpu, i;
	struct llpool *pool;
	u64 nested, runs, refilled;
	int ret;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two CPUs");
	cpu = llpool_test_pick_cpu();
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "no CPU to take offline");
	pool = llpool_test_create(test, "kunit-offline", 0, 4, high);

	ret = remove_cpu(cpu);
	if (ret) {
		llpool_destroy(pool);
		kunit_skip(test, "remove_cpu(%u): %d", cpu, ret);
	}
	KUNIT_EXPECT_EQ_MSG(test, llpool_cpu_reserved(pool, cpu), 0U,
			    "offline cpu%u kept its pages", cpu);
	/* Off its CPU a run only drains and trims: nothing is allocated. */
	runs = llpool_test_counter(pool, LLPOOL_REFILL_RUNS);
	refilled = llpool_test_counter(pool, LLPOOL_REFILLED);
	for (i = 0; i < 3; i++)
		llpool_run_cpu_work(pool, cpu);
	KUNIT_EXPECT_EQ_MSG(test, llpool_test_counter(pool, LLPOOL_REFILL_RUNS), runs,
			    "a run off cpu%u took pages from the page allocator", cpu);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_REFILLED), refilled);
	KUNIT_EXPECT_EQ(test, llpool_cpu_reserved(pool, cpu), 0U);
	llpool_expect_balanced(test, pool);

	ret = add_cpu(cpu);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "add_cpu(%u)", cpu);
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(llpool_cpu_reserved(pool, cpu) == high),
			      "cpu%u not refilled once online: %u pages", cpu,
			      llpool_cpu_reserved(pool, cpu));
	nested = llpool_test_counter(pool, LLPOOL_NESTED);
	for (i = 0; i < 8; i++)
		smp_call_function_single(cpu, llpool_hotplug_free_fn, pool, 1);
	KUNIT_EXPECT_EQ_MSG(test, llpool_test_counter(pool, LLPOOL_NESTED), nested,
			    "frees on cpu%u found its guard taken", cpu);
	kunit_info(test, "cpu%u: %u pages after coming back, %llu refill runs",
		   cpu, llpool_cpu_reserved(pool, cpu),
		   llpool_test_counter(pool, LLPOOL_REFILL_RUNS));
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

static void llpool_concurrent_cross_cpu(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-cc", 0, 16, 64);
	unsigned int n = 0, i, cpu, ncpu = num_online_cpus();
	unsigned long allocs = 0, frees = 0, misses = 0;
	struct llpool_cc_thread *th;

	th = kunit_kcalloc(test, ncpu, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	KUNIT_ASSERT_GE_MSG(test, ncpu, 2U, "needs two CPUs");

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct llpool_cc_thread *t = &th[n++];

		t->pool = pool;
		init_llist_head(&t->inbox);
		t->next = &th[n % ncpu];
		t->deadline = jiffies + msecs_to_jiffies(LLPOOL_CC_MS);
		t->task = kthread_create_on_cpu(llpool_cc_fn, t, cpu, "llpool_cc/%u");
		if (IS_ERR(t->task)) {
			t->task = NULL;
			break;
		}
	}
	cpus_read_unlock();
	for (i = 0; i < n; i++)
		if (th[i].task)
			wake_up_process(th[i].task);
	for (i = 0; i < n; i++)
		while (th[i].task && !READ_ONCE(th[i].done))
			msleep(20);
	for (i = 0; i < n; i++)
		if (th[i].task)
			kthread_stop(th[i].task);
	/* Pages still in flight to a thread that had finished. */
	for (i = 0; i < n; i++)
		llpool_cc_drain(&th[i]);

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_NOT_NULL(test, th[i].task);
		KUNIT_EXPECT_EQ_MSG(test, th[i].doubles, 0UL, "thread %u", i);
		KUNIT_EXPECT_EQ_MSG(test, th[i].bad_stamps, 0UL, "thread %u", i);
		allocs += th[i].allocs;
		frees += th[i].frees;
		misses += th[i].misses;
	}
	kunit_info(test, "%u threads: %lu allocs, %lu frees, %lu misses",
		   n, allocs, frees, misses);
	KUNIT_EXPECT_GT(test, allocs, 0UL);
	KUNIT_EXPECT_EQ(test, allocs, frees);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS), (u64)allocs);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_FREES), (u64)frees);
	/* Let the workers settle, then every page must be accounted for. */
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

#ifdef CONFIG_KPROBES
/*
 * Re-entry: a kprobe on llpool_push(), which runs inside the claimed
 * section of a free (and of a refill), allocates and frees on the same
 * pool from the probe's int3 context, as an NMI would.  The nested alloc
 * must get a page (pops are lock-free), the nested free must spill (a push
 * is in progress), and every page must stay accounted for.
 */
static struct llpool *llpool_reentry_pool;
static atomic_t llpool_reentry_hits, llpool_reentry_pages;

static int llpool_reentry_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct llpool *pool = READ_ONCE(llpool_reentry_pool);
	struct page *page;

	if (!pool)
		return 0;
	atomic_inc(&llpool_reentry_hits);
	page = llpool_alloc(pool);
	if (page) {
		atomic_inc(&llpool_reentry_pages);
		memset(page_address(page), 0x3c, 64);
		llpool_free(pool, page);
	}
	return 0;
}

static void llpool_reentry_from_probe(struct kunit *test)
{
	struct kprobe kp = {
		.symbol_name = "llpool_push",
		.pre_handler = llpool_reentry_pre,
	};
	struct llpool *pool = llpool_test_create(test, "kunit-reentry", 0, 8, 32);
	struct page *pages[16];
	struct llpool_stats st;
	unsigned int r, i;
	int ret;

	ret = register_kprobe(&kp);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "register_kprobe(llpool_push)");
	atomic_set(&llpool_reentry_hits, 0);
	atomic_set(&llpool_reentry_pages, 0);
	WRITE_ONCE(llpool_reentry_pool, pool);
	for (r = 0; r < 200; r++) {
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			pages[i] = llpool_alloc(pool);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			llpool_free(pool, pages[i]);
		cond_resched();
	}
	WRITE_ONCE(llpool_reentry_pool, NULL);
	unregister_kprobe(&kp);

	llpool_wait_for(!llpool_test_spilled(pool));
	llpool_get_stats(pool, &st);
	kunit_info(test, "probe hits %d, nested pages %d, nested frees %llu, spilled %llu",
		   atomic_read(&llpool_reentry_hits), atomic_read(&llpool_reentry_pages),
		   st.counter[LLPOOL_NESTED], st.counter[LLPOOL_SPILLED]);
	KUNIT_EXPECT_GT(test, atomic_read(&llpool_reentry_hits), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&llpool_reentry_pages), 0);
	KUNIT_EXPECT_GT(test, st.counter[LLPOOL_NESTED], 0ULL);
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_ALLOCS], st.counter[LLPOOL_FREES]);
	llpool_expect_balanced(test, pool);
	llpool_destroy(pool);
}
#endif

#ifdef LLPOOL_HAVE_TEST_NMI
/*
 * Re-entry from real NMIs.  A kthread on one CPU allocates and frees in a
 * loop, stamping each page it holds; this test sends NMIs to that CPU, one
 * at a time, and the NMI handler allocates, stamps and frees on the same
 * pool.  An NMI lands wherever the thread is, including inside the fast
 * path: the handler records the interrupted instruction pointer, and the
 * test counts how many of those were inside llpool.ko.  A page handed out
 * twice finds its stamp set; a lost or duplicated page unbalances the pool.
 */
#define LLPOOL_NMI_SENDS	2000
#define LLPOOL_NMI_IPS		512
#define LLPOOL_NMI_WAIT_US	100000
#define LLPOOL_NMI_GAP_US	50

struct llpool_nmi_state {
	struct llpool *pool;
	unsigned int cpu;		/* the only CPU whose NMIs are ours */
	atomic_t pending;		/* sent, not yet handled (0 or 1) */
	atomic_t handled;
	/* Written by the NMI handler only, read after it is unregistered. */
	unsigned int pages, doubles;
	unsigned long ip[LLPOOL_NMI_IPS];
	char sym[KSYM_SYMBOL_LEN];	/* the test's, off its stack */
	/* The kthread's. */
	unsigned long loops, held_doubles;
	bool stop, done;
};

static struct llpool_nmi_state *llpool_nmi;

static int llpool_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct llpool_nmi_state *n = READ_ONCE(llpool_nmi);
	unsigned int idx;
	struct page *page;

	if (!n || smp_processor_id() != n->cpu ||
	    atomic_dec_if_positive(&n->pending) < 0)
		return NMI_DONE;
	idx = atomic_read(&n->handled);
	if (idx < LLPOOL_NMI_IPS)
		n->ip[idx] = instruction_pointer(regs);
	page = llpool_alloc(n->pool);
	if (page) {
		n->pages++;
		if (!llpool_stamp(page))
			n->doubles++;
		llpool_unstamp(page);
		llpool_free(n->pool, page);
	}
	atomic_inc_return_release(&n->handled);
	return NMI_HANDLED;
}

static int llpool_nmi_target_fn(void *arg)
{
	struct llpool_nmi_state *n = arg;
	struct page *pages[LLPOOL_CC_BURST];
	unsigned int i;

	while (!READ_ONCE(n->stop)) {
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			pages[i] = llpool_alloc(n->pool);
			if (pages[i] && !llpool_stamp(pages[i]))
				n->held_doubles++;
		}
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			if (!llpool_unstamp(pages[i]))
				n->held_doubles++;
			llpool_free(n->pool, pages[i]);
		}
		n->loops++;
		cond_resched();
	}
	WRITE_ONCE(n->done, true);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void llpool_reentry_from_nmi(struct kunit *test)
{
	struct llpool_nmi_state *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	unsigned int sent, lost = 0, inside = 0, i, seen;
	struct task_struct *task;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, n);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	n->pool = llpool_test_create(test, "kunit-nmi", 0, 8, 32);
	/* The sender stays off the target CPU, so the NMIs hit the thread. */
	migrate_disable();
	n->cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());
	task = kthread_create_on_cpu(llpool_nmi_target_fn, n, n->cpu, "llpool_nmi/%u");
	ret = IS_ERR(task) ? PTR_ERR(task) :
	      register_nmi_handler(NMI_LOCAL, llpool_nmi_handler, 0, "llpool_kunit");
	if (ret) {
		/* No assertion here: it would leave migration disabled. */
		migrate_enable();
		if (!IS_ERR(task))
			kthread_stop(task);
		llpool_destroy(n->pool);
		KUNIT_FAIL(test, "target thread or NMI handler: %d", ret);
		return;
	}
	WRITE_ONCE(llpool_nmi, n);
	wake_up_process(task);
	for (i = 0; i < LLPOOL_NMI_WAIT_US && !READ_ONCE(n->loops); i++)
		udelay(1);	/* until the thread is looping */

	for (sent = 0; sent < LLPOOL_NMI_SENDS; sent++) {
		unsigned int before = atomic_read(&n->handled);

		atomic_set(&n->pending, 1);
		llpool_test_send_nmi(n->cpu);
		for (i = 0; i < LLPOOL_NMI_WAIT_US; i++) {
			if (atomic_read_acquire(&n->handled) != before)
				break;
			udelay(1);
		}
		if (i == LLPOOL_NMI_WAIT_US)
			lost++;
		/*
		 * Let the thread run before the next NMI, for a varying
		 * while: an NMI sent at once is latched during the last one's
		 * exit and taken right after its iret, and the thread starves
		 * (seen on 6.1: one loop in 2000 NMIs).
		 */
		udelay(LLPOOL_NMI_GAP_US + get_random_u32_below(LLPOOL_NMI_GAP_US));
		cond_resched();
	}
	migrate_enable();
	atomic_set(&n->pending, 0);
	WRITE_ONCE(n->stop, true);
	while (!READ_ONCE(n->done))
		msleep(20);
	kthread_stop(task);
	WRITE_ONCE(llpool_nmi, NULL);
	unregister_nmi_handler(NMI_LOCAL, "llpool_kunit");	/* waits for handlers */

	seen = min_t(unsigned int, atomic_read(&n->handled), LLPOOL_NMI_IPS);
	for (i = 0; i < seen; i++) {
		sprint_symbol(n->sym, n->ip[i]);
		if (strstr(n->sym, " [llpool]"))
			inside++;
	}
	llpool_wait_for(!llpool_test_spilled(n->pool));
	kunit_info(test, "CPU %u: %u NMIs sent, %d handled, %u lost, %u of the first %u inside llpool.ko, %u pages in NMI, %lu thread loops",
		   n->cpu, sent, atomic_read(&n->handled), lost, inside, seen,
		   n->pages, n->loops);
	KUNIT_EXPECT_EQ(test, lost, 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&n->handled), (int)sent);
	KUNIT_EXPECT_GT_MSG(test, inside, 0U, "no NMI landed inside llpool.ko");
	KUNIT_EXPECT_GT(test, n->pages, 0U);
	KUNIT_EXPECT_GT(test, n->loops, 0UL);
	KUNIT_EXPECT_EQ_MSG(test, n->doubles, 0U, "NMI got a page the thread held");
	KUNIT_EXPECT_EQ(test, n->held_doubles, 0UL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(n->pool, LLPOOL_ALLOCS),
			llpool_test_counter(n->pool, LLPOOL_FREES));
	llpool_expect_balanced(test, n->pool);
	llpool_destroy(n->pool);
}
#endif

static struct kunit_case llpool_concurrency_cases[] = {
	KUNIT_CASE(llpool_stamp_catches_double_handout),
	KUNIT_CASE(llpool_refill_off_cpu_while_offline),
	KUNIT_CASE_SLOW(llpool_concurrent_cross_cpu),
#ifdef CONFIG_KPROBES
	KUNIT_CASE_SLOW(llpool_reentry_from_probe),
#endif
#ifdef LLPOOL_HAVE_TEST_NMI
	KUNIT_CASE_SLOW(llpool_reentry_from_nmi),
#endif
	{}
};

static struct kunit_suite llpool_concurrency_suite = {
	.name = "llpool_concurrency",
	.test_cases = llpool_concurrency_cases,
};

kunit_test_suites(&llpool_functional_suite, &llpool_contexts_suite,
		  &llpool_zone_lock_suite, &llpool_concurrency_suite);

MODULE_DESCRIPTION("KUnit suites for llpool");
MODULE_IMPORT_NS(LLPOOL_INTERNAL);
MODULE_IMPORT_NS(LLPOOL);
MODULE_LICENSE("GPL");
