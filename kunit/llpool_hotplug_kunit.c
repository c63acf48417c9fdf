// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite llpool_hotplug (llpool_hotplug_kunit.ko): llpool on a machine
 * whose CPUs come and go, and under re-entry into its refill.
 *
 *   CPU hotplug  only online CPUs hold a reserve; a CPU is filled when it
 *                comes online and gives everything back once it is dead,
 *                also while it is loaded from other CPUs and flaps, and
 *                the page allocator's free pages say so too
 *   re-entry     kprobes allocating and freeing from inside the worker's
 *                batches, every instruction of the inline alloc and free
 *                and every instruction of the depot's pop: the pool's
 *                memory stays bounded, no page is handed out twice, the
 *                refill ends, the books balance; pages spilled inside a
 *                trim are not stranded
 *
 * The hotplug tests need CONFIG_HOTPLUG_CPU and a second CPU that can go
 * offline (never CPU 0), and skip without them; they always bring the CPU
 * back.  Every wait has a deadline: a hang fails the test instead of the
 * boot.
 */

#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

#include "../compat.h"
#include "../llpool_internal.h"
#include "../pool.h"
#include "../testmods/free_pages.h"
#include "llpool_test.h"

/* ==== CPU hotplug ======================================================== */

/**
 * llpool_fills_online_cpus_only() - only online CPUs are prefilled
 * @test: the test
 *
 * Proves that llpool_create() fills exactly the online CPUs (a VM with many
 * more possible than online CPUs must not pay for the absent ones) and
 * that a CPU coming online later is filled to @high by its online callback
 * within the wait.  With a CPU offline at create (one that never came up,
 * under maxcpus=, or one taken down here): that CPU holds 0 pages, every
 * online CPU @high, and LLPOOL_REFILLED is exactly online CPUs * (@high
 * plus a magazine of depot stock).
 * Fails on a pool that prefills every possible CPU.
 */
static void llpool_fills_online_cpus_only(struct kunit *test)
{
	const unsigned int high = 16, mag = min(high, LLPOOL_MAG_MAX);
	unsigned int cpu, x = llpool_test_offline_cpu(), online;
	bool was_down = x < nr_cpu_ids;
	struct llpool *pool;
	int ret;

	if (!was_down) {
		x = llpool_test_pick_cpu();
		if (x >= nr_cpu_ids)
			kunit_skip(test, "needs a second CPU that can go offline");
		ret = llpool_test_cpu_down(x);
		if (ret)
			kunit_skip(test, "remove_cpu(%u): %d", x, ret);
	}
	pool = llpool_test_create(test, "kunit-hp-fill", 0, 4, high);
	online = num_online_cpus();
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, llpool_cpu_reserved(pool, cpu),
				    cpu_online(cpu) ? high : 0U,
				    "cpu%u (%s) after create", cpu,
				    cpu_online(cpu) ? "online" : "offline");
	/* Each online CPU's stack and its magazine of depot stock. */
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_REFILLED),
			(u64)online * (high + mag));

	ret = llpool_test_cpu_up(x);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "add_cpu(%u)", x);
	if (!ret) {
		KUNIT_EXPECT_TRUE_MSG(test,
				      llpool_wait_for(llpool_cpu_reserved(pool, x) == high),
				      "cpu%u holds %u pages %d ms after coming online",
				      x, llpool_cpu_reserved(pool, x),
				      LLPOOL_TEST_WAIT_MS);
		KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_REFILLED),
				(u64)(online + 1) * (high + mag));
	}
	kunit_info(test, "cpu%u (%s at create): %u pages once online; %u of %u possible CPUs online at create",
		   x, was_down ? "never up" : "taken down", llpool_cpu_reserved(pool, x),
		   online, num_possible_cpus());
	/* A CPU that was never up goes back to how the boot left it. */
	if (was_down && !ret) {
		ret = llpool_test_cpu_down(x);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "remove_cpu(%u)", x);
		KUNIT_EXPECT_EQ(test, llpool_cpu_reserved(pool, x), 0U);
	}
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

/* llpool_hotplug_costs_no_memory(): its cycles and its pool's marks. */
#define LLPOOL_HC_CYCLES	16U
#define LLPOOL_HC_LOW		256U
#define LLPOOL_HC_HIGH		512U

/*
 * The page allocator's own count of free pages (llpool_test_free_pages():
 * its buddy lists and its per-CPU lists, where the dead callback's frees
 * land first), which llpool neither keeps nor touches, plus the pages
 * @pool owns: constant while no page is lost.
 */
static long llpool_test_free_and_owned(struct llpool *pool)
{
	return (long)llpool_test_free_pages() +
	       (long)(llpool_test_counter(pool, LLPOOL_REFILLED) -
		      llpool_test_counter(pool, LLPOOL_TRIMMED));
}

/**
 * llpool_hotplug_costs_no_memory() - offline/online cycles lose no page
 * @test: the test
 *
 * Proves with a count that is not llpool's: a CPU of a pool whose high
 * mark is LLPOOL_HC_HIGH goes offline and online LLPOOL_HC_CYCLES times;
 * each online takes its reserve from the page allocator (LLPOOL_REFILLED
 * grows by at least the high mark a cycle) and each death gives it back.
 * The page allocator's free pages plus the pages the pool owns (REFILLED
 * - TRIMMED, which the reaper's trims of the other CPUs move from one to
 * the other) are afterwards where they were before the first cycle,
 * within a quarter of one reserve a cycle: the rest of the guest
 * allocates and frees meanwhile (hotplug's own work), which the books
 * cannot see, and a pool that lost each dying CPU's reserve would be
 * short of all of it.  The books balance as well.  Fails on a pool whose
 * pages, once handed back, never reach the page allocator (the
 * leak_pages control build).
 */
static void llpool_hotplug_costs_no_memory(struct kunit *test)
{
	const long moved = (long)LLPOOL_HC_CYCLES * LLPOOL_HC_HIGH;
	unsigned int x = llpool_test_cycled_cpu(test), i;
	long before, after, lost;
	struct llpool *pool;
	u64 refilled;
	int ret = 0;

	pool = llpool_test_create(test, "kunit-hp-cost", 0, LLPOOL_HC_LOW,
				  LLPOOL_HC_HIGH);
	if (!llpool_wait_for(llpool_cpu_reserved(pool, x) == LLPOOL_HC_HIGH)) {
		KUNIT_FAIL(test, "cpu%u holds %u pages after create", x,
			   llpool_cpu_reserved(pool, x));
		llpool_destroy(pool);
		return;
	}
	refilled = llpool_test_counter(pool, LLPOOL_REFILLED);
	before = llpool_test_free_and_owned(pool);
	for (i = 0; i < LLPOOL_HC_CYCLES; i++) {
		ret = llpool_test_cpu_down(x);
		if (ret) {
			KUNIT_FAIL(test, "remove_cpu(%u), cycle %u: %d", x, i, ret);
			break;
		}
		ret = llpool_test_cpu_up(x);
		if (ret) {
			KUNIT_FAIL(test, "add_cpu(%u), cycle %u: %d", x, i, ret);
			break;
		}
		if (!llpool_wait_for(llpool_cpu_reserved(pool, x) == LLPOOL_HC_HIGH)) {
			KUNIT_FAIL(test, "cycle %u: cpu%u holds %u pages once back",
				   i, x, llpool_cpu_reserved(pool, x));
			break;
		}
	}
	after = llpool_test_free_and_owned(pool);
	lost = before - after;
	refilled = llpool_test_counter(pool, LLPOOL_REFILLED) - refilled;
	kunit_info(test, "cpu%u: %u offline/online cycles, %llu pages refilled from the page allocator; free pages + pool's own %ld -> %ld (%ld lost, under %ld allowed)",
		   x, i, refilled, before, after, lost, moved / 4);
	KUNIT_EXPECT_EQ(test, i, LLPOOL_HC_CYCLES);
	KUNIT_EXPECT_GE_MSG(test, refilled, (u64)moved,
			    "the cycles moved fewer pages than the check needs");
	KUNIT_EXPECT_LT_MSG(test, lost, moved / 4,
			    "free pages short by %ld after %u cycles of %u pages",
			    lost, i, LLPOOL_HC_HIGH);
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

/*
 * The hammer: a kthread that allocates a page on its own CPU and frees it
 * on the target CPU in an IPI, as fast as it can, so that pages keep
 * landing on the target's reserve until the moment it stops (an IPI is
 * sent only to an online CPU, and the dying CPU runs the ones in flight).
 */
struct llpool_hammer {
	struct llpool *pool;
	unsigned int cpu;		/* the target */
	unsigned long ipis, local;	/* frees on the target, frees at home */
	bool stop, done;
};

struct llpool_hammer_ipi {
	struct llpool *pool;
	struct page *page;
};

static void llpool_hammer_ipi_fn(void *arg)
{
	struct llpool_hammer_ipi *h = arg;

	__llpool_free(h->pool, h->page);
}

static int llpool_hammer_fn(void *arg)
{
	struct llpool_hammer *h = arg;
	struct llpool_hammer_ipi ipi = { .pool = h->pool };

	while (!READ_ONCE(h->stop)) {
		ipi.page = llpool_alloc(h->pool);
		if (!ipi.page) {
			cond_resched();
			continue;
		}
		if (!smp_call_function_single(h->cpu, llpool_hammer_ipi_fn, &ipi, 1)) {
			h->ipis++;
		} else {
			llpool_free(h->pool, ipi.page);
			h->local++;
		}
		cond_resched();
	}
	return llpool_test_thread_done(&h->done);
}

/**
 * llpool_offline_gives_back() - a dead CPU holds nothing
 * @test: the test
 *
 * Proves that once remove_cpu() returns, the CPU's stack and spill list
 * are empty and every page is accounted for, even though pages kept being
 * freed on it (IPIs from a kthread on another CPU) until it stopped: the
 * pages freed there after its offline callback ran must be given back by
 * the CPU-dead callback.  Fails on a pool that empties the CPU only in its
 * offline callback, while the CPU still runs.  Back online, the CPU is
 * filled again.
 */
static void llpool_offline_gives_back(struct kunit *test)
{
	const unsigned int high = 16;
	struct llpool_hammer *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	unsigned int x = llpool_test_pick_cpu(), kept;
	struct task_struct *task;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, h);
	if (x >= nr_cpu_ids)
		kunit_skip(test, "needs a second CPU that can go offline");
	h->pool = llpool_test_create(test, "kunit-hp-give", 0, 4, high);
	h->cpu = x;
	/* The hammer lives on the first online CPU, which never goes down. */
	task = kthread_run_on_cpu(llpool_hammer_fn, h, cpumask_first(cpu_online_mask),
				  "llpool_hammer/%u");
	if (IS_ERR(task)) {
		llpool_destroy(h->pool);
		KUNIT_FAIL(test, "hammer kthread: %ld", PTR_ERR(task));
		return;
	}
	/* Let the hammer get going, then take the target down under it. */
	llpool_wait_for(READ_ONCE(h->ipis) >= 50);
	ret = llpool_test_cpu_down(x);
	kept = llpool_cpu_reserved(h->pool, x);
	WRITE_ONCE(h->stop, true);
	KUNIT_EXPECT_TRUE_MSG(test, llpool_wait_for(READ_ONCE(h->done)),
			      "hammer still running");
	if (READ_ONCE(h->done))
		kthread_stop(task);
	if (ret) {
		llpool_destroy(h->pool);
		kunit_skip(test, "remove_cpu(%u): %d", x, ret);
	}

	kunit_info(test, "cpu%u: %lu frees on it by IPI, then %lu at home; %u pages on it once dead",
		   x, h->ipis, h->local, kept);
	KUNIT_EXPECT_GT(test, h->ipis, 0UL);
	KUNIT_EXPECT_EQ_MSG(test, kept, 0U, "dead cpu%u kept %u pages", x, kept);
	KUNIT_EXPECT_EQ(test, llpool_cpu_reserved(h->pool, x), 0U);
	/* The home CPU only allocates: any spill left is the dead CPU's. */
	KUNIT_EXPECT_TRUE_MSG(test, llpool_wait_for(!llpool_test_spilled(h->pool)),
			      "%lu pages left on spill lists",
			      llpool_test_spilled(h->pool));
	llpool_expect_balanced(test, h->pool);

	ret = llpool_test_cpu_up(x);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "add_cpu(%u)", x);
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(llpool_cpu_reserved(h->pool, x) == high),
			      "cpu%u holds %u pages once back", x,
			      llpool_cpu_reserved(h->pool, x));
	llpool_expect_balanced_settled(test, h->pool);
	llpool_destroy(h->pool);
}

/*
 * The storm: one kthread per online CPU but the flapping one allocates
 * bursts of pages and stamps them; half go to the next thread's inbox to
 * be freed on its CPU, half to the flapping CPU, where an IPI frees them
 * and allocates as many there, for the next thread.  Meanwhile another
 * kthread takes the flapping CPU offline and online in a loop, and after
 * each offline checks that the dead CPU holds no page.
 */
#define LLPOOL_STORM_MS		2000
#define LLPOOL_STORM_BURST	8

struct llpool_storm {
	struct llpool *pool;
	unsigned int cpu;		/* the flapping CPU */
	unsigned long deadline;
	atomic_t offlines, kept;	/* offlines; those after which pages stayed */
	unsigned int kept_max;
};

struct llpool_storm_thread {
	struct task_struct *task;
	struct llpool_storm *s;
	struct llist_head inbox;	/* pages to free here */
	struct llist_head to_cpu;	/* pages for the IPI to free there */
	struct llpool_storm_thread *next;
	/* Written by the thread, and by its IPI while the thread waits. */
	unsigned long allocs, frees, misses, doubles, bad_stamps, ipis;
	bool done;
};

/* Free @list's pages here, checking and clearing their stamps. */
static void llpool_storm_free_list(struct llpool_storm_thread *t,
				   struct llist_node *list)
{
	struct llist_node *next;
	struct page *page;

	for (; list; list = next) {
		next = list->next;
		page = virt_to_page(list);
		if (!llpool_unstamp(page))
			t->bad_stamps++;
		llpool_free(t->s->pool, page);
		t->frees++;
	}
}

/* Allocate a page, stamp it, count it; NULL on a miss. */
static struct llpool_cc_page *llpool_storm_get(struct llpool_storm_thread *t)
{
	struct page *page = llpool_alloc(t->s->pool);

	if (!page) {
		t->misses++;
		return NULL;
	}
	t->allocs++;
	if (!llpool_stamp(page))
		t->doubles++;
	return page_address(page);
}

/* On the flapping CPU, in hardirq: free what we were given, allocate there. */
static void llpool_storm_ipi(void *arg)
{
	struct llpool_storm_thread *t = arg;
	struct llpool_cc_page *p;
	unsigned int i;

	llpool_storm_free_list(t, llist_del_all(&t->to_cpu));
	for (i = 0; i < LLPOOL_STORM_BURST / 2; i++) {
		p = llpool_storm_get(t);
		if (p)
			llist_add(&p->node, &t->next->inbox);
	}
	t->ipis++;
}

static int llpool_storm_fn(void *arg)
{
	struct llpool_storm_thread *t = arg;
	struct llpool_cc_page *p;
	unsigned int i;

	while (time_before(jiffies, t->s->deadline)) {
		for (i = 0; i < LLPOOL_STORM_BURST; i++) {
			p = llpool_storm_get(t);
			if (p)
				llist_add(&p->node, i & 1 ? &t->next->inbox : &t->to_cpu);
		}
		/* An offline CPU gets no IPI: then its pages are freed here. */
		if (smp_call_function_single(t->s->cpu, llpool_storm_ipi, t, 1))
			llpool_storm_free_list(t, llist_del_all(&t->to_cpu));
		llpool_storm_free_list(t, llist_del_all(&t->inbox));
		cond_resched();
	}
	return llpool_test_thread_done(&t->done);
}

/* From the flipper, right after each offline: the dead CPU must be empty. */
static void llpool_storm_down(struct llpool_test_flip *f)
{
	struct llpool_storm *s = f->arg;
	unsigned int kept = llpool_cpu_reserved(s->pool, f->cpu);

	atomic_inc(&s->offlines);
	if (kept) {
		atomic_inc(&s->kept);
		s->kept_max = max(s->kept_max, kept);
	}
}

/**
 * llpool_hotplug_storm() - a CPU flaps while every CPU allocates and frees
 * @test: the test
 *
 * Proves that CPU hotplug under load loses no page and hands none out
 * twice: kthreads on the other online CPUs allocate and free stamped
 * pages, on their CPUs and (by IPI) on a CPU that goes offline and online
 * in a loop for LLPOOL_STORM_MS.  No page is handed out twice (stamps),
 * allocs == frees, the books balance once settled, after every offline
 * the dead CPU holds no page, every CPU still offline at the end holds
 * none, and the flapping CPU is refilled once it is back.
 */
static void llpool_hotplug_storm(struct kunit *test)
{
	const unsigned int low = 8, high = 32;
	unsigned int x = llpool_test_cycled_cpu(test), n = 0, i, cpu, cycles = 0;
	unsigned long allocs = 0, frees = 0, misses = 0, ipis = 0;
	struct llpool_storm_thread *th;
	struct llpool_test_flip *f;
	struct llpool_storm *s;
	int ret;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	th = kunit_kcalloc(test, nr_cpu_ids, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	s->pool = llpool_test_create(test, "kunit-hp-storm", 0, low, high);
	s->cpu = x;
	s->deadline = jiffies + msecs_to_jiffies(LLPOOL_STORM_MS);

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct llpool_storm_thread *t = &th[n];

		if (cpu == x)
			continue;
		t->s = s;
		init_llist_head(&t->inbox);
		init_llist_head(&t->to_cpu);
		t->task = kthread_create_on_cpu(llpool_storm_fn, t, cpu, "llpool_storm/%u");
		if (IS_ERR(t->task)) {
			t->task = NULL;
			break;
		}
		n++;
	}
	cpus_read_unlock();
	for (i = 0; i < n; i++)
		th[i].next = &th[(i + 1) % n];
	for (i = 0; i < n; i++)
		wake_up_process(th[i].task);
	f = llpool_test_flip_start(test, x, LLPOOL_STORM_MS, llpool_storm_down, s);
	if (f)
		ret = llpool_test_flip_wait(test, f, &cycles);

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test,
				      llpool_wait_for_ms(READ_ONCE(th[i].done), 30000),
				      "storm thread %u still running", i);
		if (READ_ONCE(th[i].done))
			kthread_stop(th[i].task);
	}
	/* Pages still in flight to a thread that had finished. */
	for (i = 0; i < n; i++) {
		llpool_storm_free_list(&th[i], llist_del_all(&th[i].to_cpu));
		llpool_storm_free_list(&th[i], llist_del_all(&th[i].inbox));
	}

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, th[i].doubles, 0UL, "thread %u", i);
		KUNIT_EXPECT_EQ_MSG(test, th[i].bad_stamps, 0UL, "thread %u", i);
		allocs += th[i].allocs;
		frees += th[i].frees;
		misses += th[i].misses;
		ipis += th[i].ipis;
	}
	kunit_info(test, "cpu%u: %u offline/online cycles; %u threads: %lu allocs, %lu frees, %lu misses, %lu IPIs; %d of %d offlines left pages (max %u)",
		   x, cycles, n, allocs, frees, misses, ipis, atomic_read(&s->kept),
		   atomic_read(&s->offlines), s->kept_max);
	KUNIT_EXPECT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "hotplug of cpu%u failed", x);
	KUNIT_EXPECT_GT(test, cycles, 0U);
	KUNIT_EXPECT_GT(test, n, 0U);
	KUNIT_EXPECT_GT(test, ipis, 0UL);
	KUNIT_EXPECT_GT(test, allocs, 0UL);
	KUNIT_EXPECT_EQ(test, allocs, frees);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(s->pool, LLPOOL_ALLOCS), (u64)allocs);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(s->pool, LLPOOL_FREES), (u64)frees);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->kept), 0,
			    "a dead cpu%u held up to %u pages", x, s->kept_max);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			KUNIT_EXPECT_EQ_MSG(test, llpool_cpu_reserved(s->pool, cpu), 0U,
					    "offline cpu%u", cpu);
	if (cpu_online(x))
		KUNIT_EXPECT_TRUE_MSG(test,
				      llpool_wait_for(llpool_cpu_reserved(s->pool, x) >= low),
				      "cpu%u holds %u pages once back", x,
				      llpool_cpu_reserved(s->pool, x));
	llpool_expect_balanced_settled(test, s->pool);
	llpool_destroy(s->pool);
}

/* ==== Re-entry =========================================================== */

#ifdef CONFIG_KPROBES
/*
 * The valve: a re-entry test's probe stops nesting once the pool owns more
 * than LLPOOL_VALVE_PAGES (64 MiB of order-0 pages), so that a pool whose
 * refill does not end gives the guest its memory back and the test fails
 * instead of the boot; or after LLPOOL_VALVE_HITS hits, so that a worker
 * that its own nested spills keep running back to back gives the CPU back.
 * A refill with a budget, re-armed at a pace, stays far below both: about
 * 2000 hits in the test's second here.
 */
#define LLPOOL_VALVE_PAGES	16384
#define LLPOOL_VALVE_HITS	20000
/* How long the probes keep nesting while the test watches the pool. */
#define LLPOOL_REENTRY_MS	1000
/* The re-entry tests' pools. */
#define LLPOOL_RE_LOW		8
#define LLPOOL_RE_HIGH		32

/*
 * The most pages a re-entry test's pool may own: every online CPU's stack
 * full (@high plus a magazine), every depot full (@high plus a magazine
 * per possible CPU, rounded up to magazines, as much for a node without
 * CPUs, and one more per node), plus what the test holds.
 */
static s64 llpool_reentry_bound(unsigned int high, unsigned int held)
{
	unsigned int mag = min_t(unsigned int, high, LLPOOL_MAG_MAX);
	unsigned int mags = DIV_ROUND_UP(high, mag) + 1;

	return (s64)num_online_cpus() * (high + mag) +
	       ((s64)(num_possible_cpus() + nr_node_ids) * mags + nr_node_ids) * mag +
	       held;
}

/**
 * struct llpool_push_probe - a kprobe on llpool_stack_xfer() that nests
 * @kp: the probe.
 * @pool: the test's pool; NULL disarms the probe.
 * @cpu: the only CPU it nests on.
 * @hits: armed hits.
 * @nested: hits that got a page and gave it back.
 * @max_owned: the most pages the pool owned at a hit.
 * @valve: set when the pool owned more than LLPOOL_VALVE_PAGES or the
 *	probe was hit more than LLPOOL_VALVE_HITS times; it stops nesting.
 *
 * llpool_stack_xfer() runs with the stack's guard claimed, in the worker's
 * batches (refill, spill drain, trim).  The handler does an llpool_alloc()
 * and an llpool_free() on the same pool from there, in workqueue workers
 * only, as an NMI landing in the batch would: the alloc takes a page from
 * a depot magazine, the free finds the guard taken and spills it.  The
 * test's pool is the only pool in use while it is armed, on its CPU.
 */
struct llpool_push_probe {
	struct kprobe kp;
	struct llpool *pool;
	unsigned int cpu;
	atomic_t hits, nested;
	s64 max_owned;
	bool valve;
};

static int llpool_push_probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct llpool_push_probe *p = container_of(kp, struct llpool_push_probe, kp);
	struct llpool *pool = READ_ONCE(p->pool);
	struct page *page;
	s64 owned;

	if (!pool || READ_ONCE(p->valve) || smp_processor_id() != p->cpu ||
	    !(current->flags & PF_WQ_WORKER))
		return 0;
	owned = llpool_test_owned(pool);
	if (owned > READ_ONCE(p->max_owned))
		WRITE_ONCE(p->max_owned, owned);
	if (atomic_inc_return(&p->hits) > LLPOOL_VALVE_HITS ||
	    owned > LLPOOL_VALVE_PAGES) {
		WRITE_ONCE(p->valve, true);
		return 0;
	}
	page = llpool_alloc(pool);
	if (page) {
		atomic_inc(&p->nested);
		llpool_free(pool, page);
	}
	return 0;
}

/*
 * Sample the pool's owned pages every 10 ms for LLPOOL_REENTRY_MS, calling
 * @work (if any) between samples; returns the largest seen here or by the
 * probe (@max_owned, if any).
 */
static s64 llpool_watch_owned(struct llpool *pool, s64 *max_owned,
			      void (*work)(void *arg), void *arg)
{
	unsigned long end = jiffies + msecs_to_jiffies(LLPOOL_REENTRY_MS);
	s64 max = 0;

	while (time_before(jiffies, end)) {
		max = max(max, llpool_test_owned(pool));
		if (work)
			work(arg);
		usleep_range(10000, 11000);
	}
	return max_owned ? max(max, READ_ONCE(*max_owned)) : max;
}

/*
 * Nothing of @cpu's is left to run in @pool: its work item neither pending
 * (a kick or a re-arm, delayed or not) nor running, and no kick in flight.
 */
static bool llpool_cpu_quiet(struct llpool *pool, unsigned int cpu)
{
	struct llpool_cpu *c = per_cpu_ptr(pool->pcpu, cpu);

	return !irq_work_is_busy(&c->kick) && !work_busy(&c->work.work);
}

/*
 * Quiet on this look and the last (a poll apart), with no refill run in
 * between: work_busy() reads the pending bit before it looks for a
 * running item, so one look can fall between a run that re-armed itself
 * and that run's end.  @runs and @was carry the last look.
 */
static bool llpool_cpu_stays_quiet(struct llpool *pool, unsigned int cpu,
				   u64 *runs, bool *was)
{
	bool quiet = llpool_cpu_quiet(pool, cpu);
	u64 now = llpool_test_counter(pool, LLPOOL_REFILL_RUNS);
	bool ok = quiet && *was && now == *runs;

	*was = quiet;
	*runs = now;
	return ok;
}

/*
 * After the probe is gone and the test has given its pages back: the
 * spill lists drain, @cpu's reserve settles at or above @high, and then
 * @cpu's work goes quiet (llpool_cpu_stays_quiet()).  Quiet is a state,
 * not a window: a refill that kept re-arming itself, at once or on a
 * backoff, would stay pending or running and never be seen quiet twice
 * with no run between, and with the reserve at @high nothing kicks it
 * again (a trim the reaper asks for later takes the reserve to @low and
 * refills nothing).
 * True if the pool went idle.
 */
static bool llpool_goes_idle(struct kunit *test, struct llpool *pool,
			     unsigned int cpu, unsigned int high)
{
	bool was = false;
	u64 runs;

	if (!llpool_wait_for(!llpool_test_spilled(pool) &&
			     llpool_cpu_reserved(pool, cpu) >= high)) {
		KUNIT_FAIL(test, "not settled: %lu spilled, cpu%u holds %u",
			   llpool_test_spilled(pool), cpu,
			   llpool_cpu_reserved(pool, cpu));
		return false;
	}
	runs = llpool_test_counter(pool, LLPOOL_REFILL_RUNS);
	return llpool_wait_for(llpool_cpu_stays_quiet(pool, cpu, &runs, &was));
}

/* Pages the refill test takes from its CPU: leaves it at low - 1. */
#define LLPOOL_RB_TAKE		(LLPOOL_RE_HIGH - LLPOOL_RE_LOW + 1)

/**
 * llpool_refill_bounded_under_reentry() - a refill ends within its budget
 * @test: the test
 *
 * Proves that a refill whose every batch is interrupted by a context that
 * allocates and frees on the same pool (a kprobe in llpool_stack_xfer()
 * acting only in the worker, as an NMI could) takes a bounded number of
 * pages from the page allocator and ends.  Each nested free spills a page
 * while the stack stays where it was, so a refill that counted only its
 * stack and had no budget would allocate without end.  This CPU is taken
 * below @low so that its refill runs; for LLPOOL_REENTRY_MS the pool's
 * owned pages (REFILLED - TRIMMED) must stay within llpool_reentry_bound(),
 * the valve must never trip, and once the probe is gone the pool must go
 * idle with its books balanced and nothing leaked.
 */
static void llpool_refill_bounded_under_reentry(struct kunit *test)
{
	const unsigned int low = LLPOOL_RE_LOW, high = LLPOOL_RE_HIGH;
	struct llpool_push_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct page *held[LLPOOL_RB_TAKE];
	unsigned int n = 0, cpu;
	struct llpool *pool;
	s64 bound, max;
	bool idle;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, p);
	pool = llpool_test_create(test, "kunit-hp-refill", 0, low, high);
	bound = llpool_reentry_bound(high, LLPOOL_RB_TAKE);

	migrate_disable();
	cpu = smp_processor_id();
	p->kp.symbol_name = "llpool_stack_xfer";
	p->kp.pre_handler = llpool_push_probe_pre;
	p->cpu = cpu;
	ret = register_kprobe(&p->kp);
	if (ret) {
		migrate_enable();
		llpool_destroy(pool);
		KUNIT_FAIL(test, "register_kprobe(llpool_stack_xfer): %d", ret);
		return;
	}
	WRITE_ONCE(p->pool, pool);
	/* The alloc that goes to low kicks the refill. */
	while (n < LLPOOL_RB_TAKE) {
		held[n] = llpool_alloc(pool);
		if (!held[n])
			break;
		n++;
	}
	max = llpool_watch_owned(pool, &p->max_owned, NULL, NULL);
	/*
	 * Disarmed, not removed: the probe goes once the pool is destroyed,
	 * when no worker can be inside llpool_stack_xfer() (see
	 * llpool_trim_nested_free_not_stranded()).
	 */
	WRITE_ONCE(p->pool, NULL);
	while (n)
		llpool_free(pool, held[--n]);
	migrate_enable();
	idle = llpool_goes_idle(test, pool, cpu, high);

	kunit_info(test, "cpu%u: %d probe hits in the worker, %d nested pairs; pool owned at most %lld pages (bound %lld); valve %s; %llu refill runs, %llu pages refilled",
		   cpu, atomic_read(&p->hits), atomic_read(&p->nested), max, bound,
		   p->valve ? "TRIPPED" : "not tripped",
		   llpool_test_counter(pool, LLPOOL_REFILL_RUNS),
		   llpool_test_counter(pool, LLPOOL_REFILLED));
	KUNIT_EXPECT_GT_MSG(test, atomic_read(&p->nested), 0,
			    "the probe never nested inside the refill");
	KUNIT_EXPECT_LE_MSG(test, max, bound,
			    "the refill took pages without bound");
	KUNIT_EXPECT_FALSE_MSG(test, p->valve,
			       "valve: the pool passed %d pages or the probe %d hits",
			       LLPOOL_VALVE_PAGES, LLPOOL_VALVE_HITS);
	KUNIT_EXPECT_TRUE_MSG(test, idle, "refills went on after the probe was gone");
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS),
			llpool_test_counter(pool, LLPOOL_FREES));
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
	unregister_kprobe(&p->kp);
}

/*
 * Probes on every instruction of a function.  Each outer call by the test
 * sets a countdown of probe hits; where it runs out, the handler nests an
 * ABA: it allocates two pages A and B and frees A then B, as an NMI
 * landing there could.  On a stack that leaves the same depth with A one
 * slot lower and B where A was; on a depot list, a magazine taken and put
 * back under a new version.  An outer operation that read the old state
 * before the nesting and went on with it anyway would hand out a page
 * twice (the stamps catch it) or lose one (the books catch it).
 */
#define LLPOOL_EVERY_PROBES	512
#define LLPOOL_EVERY_BYTES	2048

struct llpool_every_probes {
	struct kprobe *kp[LLPOOL_EVERY_PROBES];
	unsigned int n;
	unsigned long size;
	struct llpool *pool;		/* NULL: disarmed */
	struct task_struct *task;
	int countdown;			/* hits before nesting; < 0: done */
	unsigned int nested, aba;
	DECLARE_BITMAP(where, LLPOOL_EVERY_BYTES);	/* offsets nested at */
};

static struct llpool_every_probes *llpool_every_probes;

static int llpool_every_probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct llpool_every_probes *pp = READ_ONCE(llpool_every_probes);
	struct page *a, *b;

	if (!pp || !READ_ONCE(pp->pool) || current != pp->task ||
	    pp->countdown < 0 || pp->countdown-- > 0)
		return 0;
	/* Our own calls below do not come back here: kprobes do not nest. */
	a = llpool_alloc(pp->pool);
	b = llpool_alloc(pp->pool);
	llpool_free(pp->pool, a);
	llpool_free(pp->pool, b);
	pp->nested++;
	if (a && b)
		pp->aba++;
	if (kp->offset < LLPOOL_EVERY_BYTES)
		__set_bit(kp->offset, pp->where);
	return 0;
}

static int llpool_every_probe_add(struct llpool_every_probes *pp,
				  const char *symbol, kprobe_opcode_t *addr,
				  unsigned int off)
{
	struct kprobe *kp;
	int ret;

	if (pp->n >= LLPOOL_EVERY_PROBES)
		return -ENOSPC;
	kp = kzalloc(sizeof(*kp), GFP_KERNEL);
	if (!kp)
		return -ENOMEM;
	kp->symbol_name = symbol;
	kp->addr = addr;
	kp->offset = off;
	kp->pre_handler = llpool_every_probe_pre;
	ret = register_kprobe(kp);
	if (ret) {
		kfree(kp);
		return ret;
	}
	pp->kp[pp->n++] = kp;
	return 0;
}

static void llpool_every_probes_remove(struct llpool_every_probes *pp)
{
	unsigned int i;

	WRITE_ONCE(pp->pool, NULL);
	unregister_kprobes(pp->kp, pp->n);
	for (i = 0; i < pp->n; i++)
		kfree(pp->kp[i]);
	pp->n = 0;
	WRITE_ONCE(llpool_every_probes, NULL);
}

/*
 * A probe on every instruction of the function @symbol (in llpool.ko) or
 * at @addr (this module's): its size comes from kallsyms
 * ("llpool_mag_pop+0x0/0x164 [llpool]"), its instruction boundaries from
 * register_kprobe(), which refuses any other offset (-EILSEQ).
 */
static int llpool_every_probes_add(struct llpool_every_probes *pp,
				   const char *symbol, void *addr)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned int off, first = pp->n;
	unsigned long size;
	const char *s;
	int ret;

	ret = llpool_every_probe_add(pp, symbol, addr, 0);
	if (ret)
		return ret;
	sprint_symbol(sym, (unsigned long)pp->kp[first]->addr);
	s = strchr(sym, '/');
	if (!s || sscanf(s, "/%lx", &size) != 1 || size > LLPOOL_EVERY_BYTES)
		return -ERANGE;
	pp->size += size;
	for (off = 1; off < size && pp->n < LLPOOL_EVERY_PROBES; off++)
		llpool_every_probe_add(pp, symbol, addr, off);
	return 0;
}

/* Arm @pp for @pool in this task, with its probes added. */
static void llpool_every_probes_arm(struct llpool_every_probes *pp,
				    struct llpool *pool)
{
	pp->task = current;
	pp->countdown = -1;
	WRITE_ONCE(llpool_every_probes, pp);
	WRITE_ONCE(pp->pool, pool);
}

/* The inline fast path, out of line here so that it can be probed. */
static noinline struct page *llpool_probed_alloc(struct llpool *pool)
{
	return llpool_alloc(pool);
}

static noinline void llpool_probed_free(struct llpool *pool, struct page *page)
{
	llpool_free(pool, page);
}

/* Check and report what every_probes saw; frees nothing. */
static void llpool_every_probes_expect(struct kunit *test,
				       struct llpool_every_probes *pp,
				       const char *where, unsigned int calls,
				       unsigned int probes, unsigned int doubles,
				       unsigned int bad)
{
	kunit_info(test, "%u probes over %lu bytes of %s; %u calls; %u nested (%u with two pages) at %u distinct offsets",
		   probes, pp->size, where, calls, pp->nested, pp->aba,
		   bitmap_weight(pp->where, LLPOOL_EVERY_BYTES));
	KUNIT_EXPECT_EQ_MSG(test, doubles, 0U, "a page was handed out twice");
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "a page was freed twice");
	KUNIT_EXPECT_GT(test, pp->aba, 0U);
}

#define LLPOOL_FP_BURST		4

/**
 * llpool_reentry_inside_fast_path() - an ABA nested at every instruction of
 * the inline alloc and free
 * @test: the test
 *
 * Proves that the per-CPU stack is safe against a context that interrupts
 * the fast path anywhere, including between the guard's claim and release
 * (an NMI doing two allocs and two frees): with a kprobe on every
 * instruction of llpool_alloc() and llpool_free() (inlined into two
 * noinline functions of this test) and the nesting moved one instruction
 * further on each call, no page is handed out twice (stamps), the nested
 * allocations get pages, some of them nest inside the claimed section
 * (NESTED: they go to a depot magazine and the spill list), and the books
 * balance.  TCG delivers real NMIs only between translated blocks, so this
 * is how a window of a few instructions is reached (see platform notes).
 */
static void llpool_reentry_inside_fast_path(struct kunit *test)
{
	struct llpool_every_probes *pp = kunit_kzalloc(test, sizeof(*pp), GFP_KERNEL);
	struct page *pages[LLPOOL_FP_BURST];
	unsigned int i, r, rounds, probes, doubles = 0, bad = 0;
	struct llpool *pool;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, pp);
	pool = llpool_test_create(test, "kunit-hp-fast", 0, LLPOOL_RE_LOW, LLPOOL_RE_HIGH);
	ret = llpool_every_probes_add(pp, NULL, llpool_probed_alloc);
	if (!ret)
		ret = llpool_every_probes_add(pp, NULL, llpool_probed_free);
	if (ret) {
		llpool_every_probes_remove(pp);
		llpool_destroy(pool);
		KUNIT_FAIL(test, "kprobes on the fast path: %d", ret);
		return;
	}
	llpool_every_probes_arm(pp, pool);

	/*
	 * Countdowns from 0 to twice the probes (an alloc and a free each
	 * pass every probe once), each for an alloc and for a free.
	 */
	rounds = pp->n + 1;
	migrate_disable();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < LLPOOL_FP_BURST; i++) {
			pp->countdown = (r * LLPOOL_FP_BURST + i) % (2 * pp->n);
			pages[i] = llpool_probed_alloc(pool);
			pp->countdown = -1;
			if (pages[i] && !llpool_stamp(pages[i]))
				doubles++;
		}
		for (i = 0; i < LLPOOL_FP_BURST; i++) {
			if (!pages[i])
				continue;
			if (!llpool_unstamp(pages[i]))
				bad++;
			pp->countdown = (r * LLPOOL_FP_BURST + i) % (2 * pp->n);
			llpool_probed_free(pool, pages[i]);
			pp->countdown = -1;
		}
		cond_resched();
	}
	migrate_enable();
	probes = pp->n;
	llpool_every_probes_remove(pp);

	llpool_every_probes_expect(test, pp, "the inline alloc and free",
				   2 * rounds * LLPOOL_FP_BURST, probes, doubles, bad);
	KUNIT_EXPECT_GT(test, llpool_test_counter(pool, LLPOOL_NESTED), 0ULL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS),
			llpool_test_counter(pool, LLPOOL_FREES));
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

#define LLPOOL_DP_HIGH		4

/**
 * llpool_reentry_inside_depot() - an ABA nested at every instruction of
 * the depot's lock-free pop
 * @test: the test
 *
 * Proves that the depot's versioned list survives a context that
 * interrupts a pop anywhere, including between its read of the head and
 * its cmpxchg, and takes and puts back a magazine under it: with a kprobe
 * on every instruction of llpool_mag_pop() and this CPU's stack emptied
 * before each outer allocation (so that the allocation loads a magazine),
 * no page is handed out twice, the nested allocations get pages and the
 * books balance.
 */
static void llpool_reentry_inside_depot(struct kunit *test)
{
	struct llpool_every_probes *pp = kunit_kzalloc(test, sizeof(*pp), GFP_KERNEL);
	unsigned int i, n, r, rounds, probes, cpu, doubles = 0, bad = 0;
	struct page *pages[2 * LLPOOL_DP_HIGH + 1], *page;
	struct llpool *pool;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, pp);
	pool = llpool_test_create(test, "kunit-hp-depot", 0, 1, LLPOOL_DP_HIGH);
	ret = llpool_every_probes_add(pp, "llpool_mag_pop", NULL);
	if (ret) {
		llpool_every_probes_remove(pp);
		llpool_destroy(pool);
		KUNIT_FAIL(test, "kprobes on llpool_mag_pop: %d", ret);
		return;
	}
	llpool_every_probes_arm(pp, pool);

	rounds = 2 * pp->n + 1;
	migrate_disable();
	cpu = smp_processor_id();
	for (r = 0; r < rounds; r++) {
		/*
		 * Empty the stack (unprobed), then one probed allocation, with
		 * preemption off so that no refill runs in between.
		 */
		n = 0;
		preempt_disable();
		while (n < ARRAY_SIZE(pages) - 1 && llpool_cpu_reserved(pool, cpu))
			pages[n++] = llpool_alloc(pool);
		pp->countdown = r % pp->n;
		page = llpool_alloc(pool);
		pp->countdown = -1;
		preempt_enable();
		if (page)
			pages[n++] = page;
		for (i = 0; i < n; i++)
			if (pages[i] && !llpool_stamp(pages[i]))
				doubles++;
		for (i = 0; i < n; i++) {
			if (!pages[i])
				continue;
			if (!llpool_unstamp(pages[i]))
				bad++;
			llpool_free(pool, pages[i]);
		}
		/* The worker restocks the depot. */
		usleep_range(2000, 3000);
	}
	migrate_enable();
	probes = pp->n;
	llpool_every_probes_remove(pp);

	llpool_every_probes_expect(test, pp, "llpool_mag_pop", rounds, probes,
				   doubles, bad);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS),
			llpool_test_counter(pool, LLPOOL_FREES));
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

/*
 * Pages the trim probe frees nested in one trim batch: more than a 4-CPU
 * guest's node depot has room for at low 2, high 8 (5 magazines of 8), so
 * that some of them must spill.
 */
#define LLPOOL_TS_PAGES		128
#define LLPOOL_TS_LOW		2
#define LLPOOL_TS_HIGH		8
/* The reaper's period (pool.c's LLPOOL_REAP_DELAY). */
#define LLPOOL_TS_REAP_MS	5000

/**
 * struct llpool_trim_probe - a kprobe that frees pages nested in a trim
 * @kp: the probe, on llpool_stack_xfer().
 * @pool: the test's pool.
 * @cpu: the CPU whose trim it nests in.
 * @pages: the pages to free; the first armed hit frees them all.
 * @n: how many; 0 once claimed (xchg()), by that hit or by the test.
 * @hits: armed hits.
 */
struct llpool_trim_probe {
	struct kprobe kp;
	struct llpool *pool;
	unsigned int cpu;
	struct page **pages;
	unsigned int n;
	atomic_t hits;
};

/*
 * Only in a worker on @cpu, popping @pool's stack (a trim: the fifth
 * argument, push, is false), while the test's pages are still held.  The
 * frees find the guard raised and the worker's @batching set: they go to
 * a depot magazine or spill, and none kicks.
 */
static int llpool_trim_probe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct llpool_trim_probe *p = container_of(kp, struct llpool_trim_probe, kp);
	struct llpool_cpu *c = (void *)regs_get_kernel_argument(regs, 0);
	unsigned int n;

	if (!READ_ONCE(p->n) || smp_processor_id() != p->cpu ||
	    !(current->flags & PF_WQ_WORKER) || c->pool != p->pool ||
	    regs_get_kernel_argument(regs, 4))
		return 0;
	/* Claimed once: whatever the probe does not free, the test does. */
	n = xchg(&p->n, 0);
	if (n)
		atomic_inc(&p->hits);
	while (n)
		llpool_free(p->pool, p->pages[--n]);
	return 0;
}

/**
 * llpool_trim_nested_free_not_stranded() - a spill during a trim is drained
 * @test: the test
 *
 * Proves that a page a nested context (NMI, probe) frees inside the
 * worker's trim batch, while the depot has no room for it, does not stay
 * on the spill list of an idle CPU.  Such a free spills without a kick
 * (the worker is batching and looks when it ends), so the trim run itself
 * must look.  The reaper trims this CPU (idle twice in a row) with a kprobe
 * in the trim's batch freeing LLPOOL_TS_PAGES held pages; then, with no
 * load at all, the spill lists must be empty within one reaper period.
 * Fails on a trim run that ends without looking at the spill list.
 */
static void llpool_trim_nested_free_not_stranded(struct kunit *test)
{
	struct llpool_trim_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct llpool *pool;
	unsigned int n = 0, i, cpu;
	u64 spilled;
	bool trimmed, drained;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->pages = kunit_kcalloc(test, LLPOOL_TS_PAGES, sizeof(*p->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->pages);
	pool = llpool_test_create(test, "kunit-trim-spill", 0, LLPOOL_TS_LOW,
				  LLPOOL_TS_HIGH);

	migrate_disable();
	cpu = smp_processor_id();
	/* The pages the probe will free, letting refills catch up. */
	for (i = 0; i < 100 * LLPOOL_TS_PAGES && n < LLPOOL_TS_PAGES; i++) {
		p->pages[n] = llpool_alloc(pool);
		if (p->pages[n])
			n++;
		else
			msleep(20);
	}
	if (n < LLPOOL_TS_PAGES || !llpool_wait_for(llpool_cpu_reserved(pool, cpu) >
						    LLPOOL_TS_LOW)) {
		KUNIT_FAIL(test, "setup: %u of %u pages, cpu%u refilled to %u",
			   n, LLPOOL_TS_PAGES, cpu, llpool_cpu_reserved(pool, cpu));
		while (n)
			llpool_free(pool, p->pages[--n]);
		migrate_enable();
		llpool_destroy(pool);
		return;
	}
	p->kp.symbol_name = "llpool_stack_xfer";
	p->kp.pre_handler = llpool_trim_probe_pre;
	p->pool = pool;
	p->cpu = cpu;
	ret = register_kprobe(&p->kp);
	if (ret) {
		while (n)
			llpool_free(pool, p->pages[--n]);
		migrate_enable();
		llpool_destroy(pool);
		KUNIT_FAIL(test, "register_kprobe(llpool_stack_xfer): %d", ret);
		return;
	}
	spilled = llpool_test_counter(pool, LLPOOL_SPILLED);
	/* Armed: the first trim batch on this CPU frees the pages. */
	WRITE_ONCE(p->n, n);
	/* Busy, idle once, idle twice: the reaper asks for the trim. */
	for (i = 0; i < 3; i++)
		llpool_reap_now(pool);
	trimmed = llpool_wait_for(!READ_ONCE(p->n) &&
				  llpool_cpu_reserved(pool, cpu) == LLPOOL_TS_LOW);
	/*
	 * The probe stays registered, disarmed, until the pool is gone: it
	 * is removed only once no worker can be inside llpool_stack_xfer().
	 * (An Oops on an int3 at its first byte, with the probe already
	 * gone, was seen once under TCG when it was removed here, while the
	 * worker drained the spill.)
	 */
	n = xchg(&p->n, 0);
	migrate_enable();
	if (n) {
		/* The probe never fired: give the pages back ourselves. */
		KUNIT_FAIL(test, "no trim batch on cpu%u in three reaper looks (%u pages held)",
			   cpu, llpool_cpu_reserved(pool, cpu));
		while (n)
			llpool_free(pool, p->pages[--n]);
		llpool_destroy(pool);
		unregister_kprobe(&p->kp);
		return;
	}
	spilled = llpool_test_counter(pool, LLPOOL_SPILLED) - spilled;
	/* Nothing touches the pool from here on. */
	drained = llpool_wait_for_ms(!llpool_test_spilled(pool), LLPOOL_TS_REAP_MS);

	kunit_info(test, "cpu%u: %d probe hits, %u pages freed in the trim batch, %llu spilled, trim %s, spill lists %s",
		   cpu, atomic_read(&p->hits), LLPOOL_TS_PAGES, spilled,
		   trimmed ? "done" : "NOT done",
		   drained ? "drained" : "NOT drained");
	KUNIT_EXPECT_EQ(test, atomic_read(&p->hits), 1);
	KUNIT_EXPECT_TRUE(test, trimmed);
	/* Without a spill this test proves nothing. */
	KUNIT_EXPECT_GT_MSG(test, spilled, 0ULL,
			    "the depot took all %u pages: nothing spilled", LLPOOL_TS_PAGES);
	KUNIT_EXPECT_TRUE_MSG(test, drained,
			      "%lu pages stranded on a spill list for a reaper period",
			      llpool_test_spilled(pool));
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS),
			llpool_test_counter(pool, LLPOOL_FREES));
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
	unregister_kprobe(&p->kp);
}
#endif /* CONFIG_KPROBES */

static struct kunit_case llpool_hotplug_cases[] = {
	KUNIT_CASE(llpool_fills_online_cpus_only),
	KUNIT_CASE(llpool_offline_gives_back),
	KUNIT_CASE_SLOW(llpool_hotplug_costs_no_memory),
	KUNIT_CASE_SLOW(llpool_hotplug_storm),
#ifdef CONFIG_KPROBES
	KUNIT_CASE_SLOW(llpool_refill_bounded_under_reentry),
	KUNIT_CASE_SLOW(llpool_reentry_inside_fast_path),
	KUNIT_CASE_SLOW(llpool_reentry_inside_depot),
	KUNIT_CASE_SLOW(llpool_trim_nested_free_not_stranded),
#endif
	{}
};

LLPOOL_KUNIT_SUITE(llpool_hotplug, NULL, NULL,
		   "CPU hotplug and re-entry");
MODULE_IMPORT_NS(LLPOOL_INTERNAL_NS);
