// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite llpool_functional (llpool_functional_kunit.ko): create and
 * destroy, every invalid parameter, orders, depot steals before a miss and
 * the refill after it (own NUMA node first), surplus through the depot and
 * the idle reaper, and page
 * accounting: a pool takes its pages from the system and destroy gives
 * them back, with a positive control that the check sees pages held back.
 */

#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/topology.h>

#include "../compat.h"
#include "../llpool_internal.h"
#include "../testmods/free_pages.h"
#include "llpool_test.h"

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
	/* And the depots hold a magazine of stock per online CPU. */
	llpool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.depot, 16UL * num_online_cpus());
	KUNIT_EXPECT_EQ(test, st.reserved, 32UL * num_online_cpus());
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_REFILLED],
			32ULL * num_online_cpus());
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
 * No NULL while this CPU's stack or a depot has pages: with the stack
 * empty, allocations are served a magazine at a time from the depots
 * (steals), with no miss, until every depot is empty too; then exactly one
 * NULL.  With preemption off this CPU's kicked worker cannot refill in
 * between, and no other CPU's worker is kicked.  After that the refill
 * must restore service within the wait.
 */
static void llpool_steal_then_miss_then_refill(struct kunit *test)
{
	const unsigned int high = 2;
	struct llpool *pool = llpool_test_create(test, "kunit-ex", 0, 1, high);
	unsigned int total, n = 0, cpu, i;
	struct llpool_stats st;
	struct page **held, *page;

	migrate_disable();
	preempt_disable();
	cpu = smp_processor_id();
	llpool_get_stats(pool, &st);
	total = llpool_cpu_reserved(pool, cpu) + st.depot;
	preempt_enable();
	held = kunit_kcalloc(test, total + 2, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_EXPECT_EQ(test, st.depot, (unsigned long)high * num_online_cpus());

	preempt_disable();
	for (i = 0; i < total; i++) {
		page = llpool_alloc(pool);
		if (page)
			held[n++] = page;
	}
	page = llpool_alloc(pool);
	preempt_enable();
	llpool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, n, total);
	/* A magazine holds min(high, LLPOOL_MAG_MAX) pages: high here. */
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_STEALS], (u64)(total - high) / high);
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
 * NUMA: an empty CPU takes from its own node's depot before any other.
 * The test empties a CPU's stack and then allocates, in an IPI so that
 * nothing refills meanwhile, until the first remote steal: every page
 * before it must be node-local, at least one of them from the node's
 * depot, and the page of the remote steal from another node.
 */
struct llpool_numa_state {
	struct llpool *pool;
	struct page **held;
	unsigned int n, max, foreign;
	u64 steals;
	int node, last_nid;
};

static u64 llpool_numa_counter(struct llpool *pool, enum llpool_counter i)
{
	struct llpool_stats st;

	llpool_get_stats(pool, &st);
	return st.counter[i];
}

static void llpool_numa_fn(void *arg)
{
	struct llpool_numa_state *s = arg;
	struct page *page;

	s->node = cpu_to_node(smp_processor_id());
	while (s->n < s->max) {
		page = __llpool_alloc(s->pool);
		if (!page)
			return;
		s->held[s->n++] = page;
		if (llpool_numa_counter(s->pool, LLPOOL_REMOTE_STEALS)) {
			s->last_nid = page_to_nid(page);
			return;
		}
		s->steals = llpool_numa_counter(s->pool, LLPOOL_STEALS);
		if (page_to_nid(page) != s->node)
			s->foreign++;
	}
}

static void llpool_steals_from_own_node_first(struct kunit *test)
{
	const unsigned int high = 8;
	struct llpool_numa_state s = { .last_nid = NUMA_NO_NODE };
	unsigned int cpu = raw_smp_processor_id();
	struct llpool_stats st;

	if (num_online_nodes() < 2)
		kunit_skip(test, "needs two NUMA nodes");
	s.pool = llpool_test_create(test, "kunit-numa", 0, 1, high);
	llpool_get_stats(s.pool, &st);
	s.max = high + st.depot + 1;
	s.held = kunit_kcalloc(test, s.max, sizeof(*s.held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s.held);
	smp_call_function_single(cpu, llpool_numa_fn, &s, 1);

	llpool_get_stats(s.pool, &st);
	kunit_info(test, "cpu%u (node %d): %u pages, %u foreign before the first remote steal, which came from node %d; steals %llu, remote %llu",
		   cpu, s.node, s.n, s.foreign, s.last_nid,
		   st.counter[LLPOOL_STEALS], st.counter[LLPOOL_REMOTE_STEALS]);
	KUNIT_EXPECT_GT(test, s.steals, 0ULL);
	KUNIT_EXPECT_EQ(test, s.foreign, 0U);
	KUNIT_EXPECT_NE(test, s.last_nid, NUMA_NO_NODE);
	KUNIT_EXPECT_NE(test, s.last_nid, s.node);
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_REMOTE_STEALS], 1ULL);

	while (s.n)
		llpool_free(s.pool, s.held[--s.n]);
	llpool_expect_balanced_settled(test, s.pool);
	llpool_destroy(s.pool);
}

/*
 * Frees past a full stack go to the node's depot a magazine at a time;
 * once the depot is full too they spill, and the worker grows the depot
 * and keeps them there rather than give them to the page allocator (which
 * other CPUs would refill from).  Then an idle pool gives back down to its
 * resting level: @low per CPU and the depots' stock.
 */
#define LLPOOL_TRIM_PAGES	200

static void llpool_surplus_to_depot_then_reaped(struct kunit *test)
{
	const unsigned int low = 2, high = 8;
	struct llpool *pool = llpool_test_create(test, "kunit-trim", 0, low, high);
	u64 puts, spilled, trimmed, grown;
	struct llpool_stats st;
	unsigned int n = 0, cpu, i;
	struct page **held;

	held = kunit_kcalloc(test, LLPOOL_TRIM_PAGES, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);

	/* Collect the pages on this CPU, letting refills catch up. */
	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < 100 * LLPOOL_TRIM_PAGES && n < LLPOOL_TRIM_PAGES; i++) {
		struct page *page = llpool_alloc(pool);

		if (page)
			held[n++] = page;
		else
			msleep(20);
	}
	KUNIT_ASSERT_EQ(test, n, LLPOOL_TRIM_PAGES);
	puts = llpool_test_counter(pool, LLPOOL_DEPOT_PUTS);
	spilled = llpool_test_counter(pool, LLPOOL_SPILLED);
	trimmed = llpool_test_counter(pool, LLPOOL_TRIMMED);
	grown = llpool_test_counter(pool, LLPOOL_DEPOT_GROWN);

	/* With preemption off the kicked worker cannot drain in between. */
	preempt_disable();
	while (n)
		llpool_free(pool, held[--n]);
	preempt_enable();
	llpool_get_stats(pool, &st);
	kunit_info(test, "cpu%u after %u frees: stack %u, depot %lu, spilled %llu, magazines given %llu",
		   cpu, LLPOOL_TRIM_PAGES, llpool_cpu_reserved(pool, cpu), st.depot,
		   st.counter[LLPOOL_SPILLED] - spilled,
		   st.counter[LLPOOL_DEPOT_PUTS] - puts);
	KUNIT_EXPECT_EQ(test, llpool_cpu_reserved(pool, cpu), high + high);
	KUNIT_EXPECT_GT(test, st.counter[LLPOOL_DEPOT_PUTS], puts);
	KUNIT_EXPECT_GT(test, st.counter[LLPOOL_SPILLED], spilled);
	KUNIT_EXPECT_TRUE_MSG(test, llpool_wait_for(!llpool_test_spilled(pool)),
			      "%lu pages still spilled", llpool_test_spilled(pool));
	KUNIT_EXPECT_GT_MSG(test, llpool_test_counter(pool, LLPOOL_DEPOT_GROWN), grown,
			    "the spilled pages found a depot with room: nothing to grow");
	llpool_expect_balanced(test, pool);

	/*
	 * The reaper's first look sees this CPU's frees; the next two see
	 * nothing new: idle twice in a row, trimmed.
	 */
	for (i = 0; i < 3; i++)
		llpool_reap_now(pool);
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(llpool_cpu_reserved(pool, cpu) == low),
			      "idle cpu%u kept %u pages", cpu,
			      llpool_cpu_reserved(pool, cpu));
	llpool_get_stats(pool, &st);
	KUNIT_EXPECT_LE(test, st.depot, (unsigned long)high * num_online_cpus());
	KUNIT_EXPECT_GT(test, st.counter[LLPOOL_TRIMMED], trimmed);
	llpool_expect_balanced(test, pool);
	migrate_enable();
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
	KUNIT_CASE_SLOW(llpool_surplus_to_depot_then_reaped),
	KUNIT_CASE(llpool_destroy_returns_pages),
	KUNIT_CASE(llpool_leak_check_sees_held_pages),
	{}
};

LLPOOL_KUNIT_SUITE(llpool_functional, NULL, NULL,
		   "create, parameters, orders, refill, trim, page accounting");
MODULE_IMPORT_NS(LLPOOL_INTERNAL_NS);
