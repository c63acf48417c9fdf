// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_stress: load for `make run`.  Creates the pool "stress" and, for
 * `seconds`, drives it from every online CPU at once:
 *   - a kthread per CPU allocating bursts, half of them under a
 *     raw_spinlock_t with IRQs off, and handing the pages to the next CPU's
 *     thread, which frees them there (cross-CPU frees);
 *   - an hrtimer per CPU in hardirq mode allocating and freeing a few pages
 *     every millisecond.
 * With hoard=1 it does none of that: one hrtimer, on the first online CPU,
 * allocates a page every tick (tick_us) and keeps it, so that once that
 * CPU's reserve and the depots are spent it misses (and kicks) every tick
 * from hardirq; the pages go back when the run ends.  That is the load
 * under which a refill backoff must hold.
 * With hog_ms=N, insmod holds its node's free memory at the min watermark
 * for N ms early in the load and keeps every page it gets from the pool
 * (stress_hog()), so that refills fail and NULLs come; the run then goes on
 * with memory back.
 * The pool stays until the module is removed, so its debugfs stats can be
 * read after the run; the totals are also printed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>

#include "../compat.h"
#include "../llpool_param.h"
#include "../pool.h"

LLPOOL_PARAM_UINT(seconds, 5, 1, 600, "how long to run, in seconds");
LLPOOL_PARAM_UINT(order, 0, 0, LLPOOL_ORDER_MAX, "page order");
LLPOOL_PARAM_UINT(high, 64, 4, LLPOOL_HIGH_MAX,
		  "per-CPU high mark; low is high/4");
LLPOOL_PARAM_UINT(hoard, 0, 0, 1,
		  "1: only a hardirq timer on one CPU that allocates and keeps a page each tick");
LLPOOL_PARAM_UINT(tick_us, 1000, 50, 1000000, "the hardirq timers' period, in microseconds");
LLPOOL_PARAM_UINT(hog_ms, 0, 0, 10000,
		  "hold one node's free memory at its min watermark for N ms early in the load (0: no hog)");

#define STRESS_BURST	8
/* Pages a thread may have in its consumer's inbox: without a bound, a fast
 * producer outruns a slow consumer and the pool refills without limit.
 */
#define STRESS_INFLIGHT	256
/* Pages the hoarding timer, or the hog, keeps at most: far more than a
 * pool holds.
 */
#define STRESS_HOARD_MAX	8192

struct stress_cpu {
	struct task_struct *task;
	struct llist_head inbox;
	atomic_t inbox_nr;		/* pages on @inbox */
	struct stress_cpu *next;
	struct hrtimer hrt;
	unsigned int cpu;
	unsigned long allocs, misses, irq_allocs, irq_misses;
};

static struct llpool *stress_pool;
static struct stress_cpu *stress_cpus;
static unsigned int stress_n;
static unsigned int stress_threads;	/* kthreads that were created */
static unsigned long stress_deadline;
static atomic_t stress_finished;
static atomic_t stress_drained;
static DEFINE_RAW_SPINLOCK(stress_raw_lock);
/* hoard=1: the pages kept; written by the timer only, read once it is off. */
static struct page **stress_hoard;
static unsigned int stress_hoarded;
/* hog_ms: the NULLs the hog met; written by init only, read at exit. */
static unsigned long stress_hog_misses;

static void stress_drain(struct stress_cpu *s)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(&s->inbox)) {
		llpool_free(stress_pool, virt_to_page(node));
		atomic_dec(&s->inbox_nr);
	}
}

static void stress_burst(struct stress_cpu *s)
{
	struct page *page;
	unsigned int i;

	if (atomic_read(&s->next->inbox_nr) >= STRESS_INFLIGHT)
		return;
	for (i = 0; i < STRESS_BURST; i++) {
		page = llpool_alloc(stress_pool);
		if (!page) {
			s->misses++;
			continue;
		}
		s->allocs++;
		atomic_inc(&s->next->inbox_nr);
		llist_add(page_address(page), &s->next->inbox);
	}
}

static int stress_fn(void *arg)
{
	struct stress_cpu *s = arg;
	unsigned long flags;
	bool raw = false;

	while (!kthread_should_stop() && time_before(jiffies, stress_deadline)) {
		if (raw) {
			raw_spin_lock_irqsave(&stress_raw_lock, flags);
			stress_burst(s);
			raw_spin_unlock_irqrestore(&stress_raw_lock, flags);
		} else {
			stress_burst(s);
		}
		raw = !raw;
		stress_drain(s);
		cond_resched();
	}
	/* Once every thread has stopped sending, empty the inbox for good, so
	 * that the stats read after the run show no page in flight.
	 */
	atomic_inc(&stress_finished);
	while (!kthread_should_stop() &&
	       atomic_read(&stress_finished) < stress_threads)
		schedule_timeout_interruptible(HZ / 100);
	stress_drain(s);
	if (atomic_inc_return(&stress_drained) == stress_threads)
		pr_info("done: every page handed back\n");
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static enum hrtimer_restart stress_hrt_fn(struct hrtimer *hrt)
{
	struct stress_cpu *s = container_of(hrt, struct stress_cpu, hrt);
	struct page *pages[4];
	unsigned int i, n = 0;

	if (hoard) {
		pages[0] = stress_hoarded < STRESS_HOARD_MAX ?
			   llpool_alloc(stress_pool) : NULL;
		if (pages[0]) {
			stress_hoard[stress_hoarded++] = pages[0];
			s->irq_allocs++;
		} else {
			s->irq_misses++;
		}
		goto again;
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[n] = llpool_alloc(stress_pool);
		if (pages[n])
			n++;
	}
	s->irq_allocs += n;
	s->irq_misses += ARRAY_SIZE(pages) - n;
	while (n)
		llpool_free(stress_pool, pages[--n]);
again:
	if (time_after(jiffies, stress_deadline)) {
		if (hoard)
			pr_info("done: hoarded %u pages, %lu misses; they go back at unload\n",
				stress_hoarded, s->irq_misses);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(hrt, ns_to_ktime((u64)tick_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* Runs on the timer's CPU: a pinned hrtimer fires where it was started. */
static int stress_start_timer(void *arg)
{
	struct stress_cpu *s = arg;

	hrtimer_start(&s->hrt, ns_to_ktime((u64)tick_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	return 0;
}

static void stress_stop(void)
{
	unsigned long allocs = 0, misses = 0, irq_allocs = 0, irq_misses = 0;
	struct llpool_stats st;
	unsigned int i;

	for (i = 0; i < stress_n; i++) {
		struct stress_cpu *s = &stress_cpus[i];

		hrtimer_cancel(&s->hrt);
		if (s->task)
			kthread_stop(s->task);
	}
	while (stress_hoarded)
		llpool_free(stress_pool, stress_hoard[--stress_hoarded]);
	for (i = 0; i < stress_n; i++) {
		struct stress_cpu *s = &stress_cpus[i];

		stress_drain(s);
		allocs += s->allocs;
		misses += s->misses;
		irq_allocs += s->irq_allocs;
		irq_misses += s->irq_misses;
	}
	/* Every allocation from the pool is ours and over: its misses are
	 * exactly our NULLs.
	 */
	llpool_get_stats(stress_pool, &st);
	pr_info("%u CPUs: task allocs %lu misses %lu, hardirq allocs %lu misses %lu, hog misses %lu; the pool counted %llu misses\n",
		stress_n, allocs, misses, irq_allocs, irq_misses,
		stress_hog_misses, st.counter[LLPOOL_MISSES]);
}

/*
 * hog_ms: one NUMA node's free memory held at its min watermark while the
 * load runs, the node of the CPU insmod runs on (kept there meanwhile).
 * GFP_NOWAIT neither reclaims nor, with __GFP_NOWARN, warns, and without
 * __GFP_HIGH it stops at the min watermark; __GFP_THISNODE keeps it on the
 * node.  The pool's refills (LLPOOL_GFP_DEFAULT | __GFP_THISNODE here:
 * __GFP_NORETRY, never the OOM killer) stop there too once their one light
 * reclaim finds nothing, while everybody else's allocations fall back to
 * the other node: holding the whole machine at its watermark got a busy
 * user space's execs OOM-killed, insmod among them.  Topping up every
 * millisecond takes back whatever reclaim or a free gives back.
 * Meanwhile the hog is also a user of the pool that keeps every page it
 * gets, so that the pages the load passes around cannot hide the
 * pressure: this CPU's reserve and the node's depot run dry, and the
 * refills that follow must fail (what shows the hog bit: the NULLs the
 * hog meets come anyway).  It stops early on a fatal signal.
 * The window opens when the first fill has reached the watermark (that
 * fill alone takes seconds under TCG).  Prints what the pool counted in
 * the window and how long it really was; the NULLs the hog met join the
 * totals.
 */
/* Takes node @nid's pages onto @hog until GFP_NOWAIT fails; returns how many. */
static unsigned long stress_hog_fill(int nid, struct list_head *hog)
{
	unsigned long n = 0;
	struct page *page;

	while ((page = alloc_pages_node(nid, GFP_NOWAIT | __GFP_NOWARN |
					__GFP_THISNODE, 0))) {
		list_add(&page->lru, hog);
		if (!(++n % 1024))
			cond_resched();
	}
	return n;
}

static void stress_hog(void)
{
	unsigned long held, kept = 0, freed = 0, start;
	struct llpool_stats before, after;
	struct llist_node *node, *next;
	struct page *page, *tmp;
	LLIST_HEAD(ours);
	LIST_HEAD(hog);
	int nid;

	migrate_disable();
	nid = numa_node_id();
	/* The window opens once the first fill is at the watermark. */
	held = stress_hog_fill(nid, &hog);
	llpool_get_stats(stress_pool, &before);
	start = jiffies;
	do {
		while (kept < STRESS_HOARD_MAX &&
		       (page = llpool_alloc(stress_pool))) {
			llist_add(page_address(page), &ours);
			kept++;
		}
		if (kept < STRESS_HOARD_MAX)
			stress_hog_misses++;
		usleep_range(1000, 2000);
		held += stress_hog_fill(nid, &hog);
	} while (time_before(jiffies, start + msecs_to_jiffies(hog_ms)) &&
		 !fatal_signal_pending(current));
	llpool_get_stats(stress_pool, &after);
	pr_info("hog: %lu pages of node %d held for %u ms, %lu of the pool's kept: refill_fails +%llu, misses +%llu\n",
		held, nid, jiffies_to_msecs(jiffies - start), kept,
		after.counter[LLPOOL_REFILL_FAILS] - before.counter[LLPOOL_REFILL_FAILS],
		after.counter[LLPOOL_MISSES] - before.counter[LLPOOL_MISSES]);
	llist_for_each_safe(node, next, llist_del_all(&ours))
		llpool_free(stress_pool, virt_to_page(node));
	migrate_enable();
	list_for_each_entry_safe(page, tmp, &hog, lru) {
		__free_page(page);
		if (!(++freed % 1024))
			cond_resched();
	}
}

static int __init stress_init(void)
{
	struct llpool_params p = { .name = "stress" };
	unsigned int cpu, i = 0;

	/* hog_ms: the pool takes its pages from its CPUs' own nodes only. */
	if (hog_ms)
		p.gfp = LLPOOL_GFP_DEFAULT | __GFP_THISNODE;
	p.order = order;
	p.high = high;
	p.low = high / 4;
	if (hog_ms >= seconds * MSEC_PER_SEC) {
		pr_err("hog_ms=%u: the hog must end within the load's %u s\n",
		       hog_ms, seconds);
		return -EINVAL;
	}
	if (hog_ms && num_node_state(N_MEMORY) < 2) {
		pr_err("hog_ms=%u: needs two nodes with memory, one to hog and one for everybody else\n",
		       hog_ms);
		return -EINVAL;
	}
	stress_pool = llpool_create(&p);
	if (IS_ERR(stress_pool))
		return PTR_ERR(stress_pool);

	if (hoard) {
		stress_hoard = kvcalloc(STRESS_HOARD_MAX, sizeof(*stress_hoard),
					GFP_KERNEL);
		if (!stress_hoard) {
			llpool_destroy(stress_pool);
			return -ENOMEM;
		}
	}
	cpus_read_lock();
	/* hoard=1: the first online CPU's timer alone. */
	stress_n = hoard ? 1 : num_online_cpus();
	stress_cpus = kcalloc(stress_n, sizeof(*stress_cpus), GFP_KERNEL);
	if (!stress_cpus) {
		cpus_read_unlock();
		kvfree(stress_hoard);
		llpool_destroy(stress_pool);
		return -ENOMEM;
	}
	stress_deadline = jiffies + seconds * HZ;
	for_each_online_cpu(cpu) {
		struct stress_cpu *s = &stress_cpus[i++];

		s->cpu = cpu;
		init_llist_head(&s->inbox);
		s->next = &stress_cpus[i % stress_n];
		llpool_hrtimer_setup(&s->hrt, stress_hrt_fn, CLOCK_MONOTONIC,
				     HRTIMER_MODE_REL_PINNED_HARD);
		if (hoard)
			break;
		s->task = kthread_create_on_cpu(stress_fn, s, cpu, "llpool_stress/%u");
		if (IS_ERR(s->task))
			s->task = NULL;
		else
			stress_threads++;
	}
	cpus_read_unlock();

	for (i = 0; i < stress_n; i++) {
		struct stress_cpu *s = &stress_cpus[i];

		if (s->task)
			wake_up_process(s->task);
		smp_call_on_cpu(s->cpu, stress_start_timer, s, false);
	}
	pr_info("running %u s on %u CPUs, order %u, high %u%s\n",
		seconds, stress_n, order, high, hoard ? ", hoarding" : "");
	if (hog_ms)
		stress_hog();
	return 0;
}

static void __exit stress_exit(void)
{
	stress_stop();
	kfree(stress_cpus);
	kvfree(stress_hoard);
	llpool_destroy(stress_pool);
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_DESCRIPTION("llpool load generator for make run");
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
