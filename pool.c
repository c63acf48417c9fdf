// SPDX-License-Identifier: GPL-2.0
/*
 * llpool: a dedicated per-CPU page reserve; the design is described in
 * pool.h.  This file is laid out as the life of a page:
 *
 *   Fast path        llpool_alloc(), llpool_free() and their IRQs-off forms
 *   Kick             fast path -> irq_work -> workqueue
 *   Refill and trim  the per-CPU worker, the only caller of the page allocator
 *   Create           validation and prefill
 *   Teardown         llpool_destroy()
 *   Stats            counters and debugfs
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/local.h>

#include "compat.h"
#include "llpool_internal.h"
#include "pool.h"

/* Pages the worker moves per IRQs-off section; bounds IRQ latency. */
#define LLPOOL_BATCH		32U
/* Refill backoff after a failure: doubles from MIN up to MAX. */
#define LLPOOL_BACKOFF_MIN	(HZ / 50)
#define LLPOOL_BACKOFF_MAX	(HZ)

/**
 * struct llpool_cpu - one CPU's reserve
 * @slots: the stack of pages, @cap entries.
 * @top: the stack's depth (low LLPOOL_DEPTH_BITS bits) and a version that
 *	every change increments; see "Reserve".
 * @active: reentrancy guard for pushes, see llpool_claim().
 * @spill: pages freed while @slots could not take them.
 * @nr_spill: pages on @spill.
 * @kick: irq_work that queues @work; see "Kick".
 * @work: refill and trim.
 * @backoff: current refill backoff in jiffies, 0 when refills succeed.
 * @live: the CPU is online for this pool: it may be refilled and kicked.
 * @batching: the worker is pushing a batch on this CPU (IRQs off): a
 *	context nested in it (NMI, probe) does not kick.
 * @stat: event counters, enum llpool_counter.
 * @pool: the pool this reserve belongs to.
 * @cpu: the owning CPU.
 *
 * Who touches what:
 *
 * - @slots and @top: pops by anyone, lock-free (the owner's fast path, a
 *   nested context, a stealing CPU, the shrinker, hotplug, teardown);
 *   pushes only by the owning CPU with IRQs off and @active claimed (the
 *   fast path's free and this CPU's refill), so there is one pusher.
 * - @active: local_t operations on the owning CPU, any context.
 * - @stat: local_t operations by the CPU whose struct it is, any context:
 *   counters are bumped on the CPU doing the work and summed for stats.
 * - @spill: llist_add() from the owning CPU in any context; emptied with
 *   llist_del_all() by the worker, hotplug and teardown.  @nr_spill follows
 *   it and may lag by the pages in flight.
 * - @backoff: the worker only (one work item never runs concurrently with
 *   itself).
 * - @live: written by the hotplug callbacks on the owning CPU; read by
 *   the kick (on the owning CPU, IRQs off) and the worker.  See "CPU
 *   hotplug".
 * - @batching: the owning CPU with IRQs off and the guard claimed; read
 *   by contexts nested in it on the same CPU.
 */
struct llpool_cpu {
	struct page **slots;
	atomic_long_t top;
	local_t active;
	struct llist_head spill;
	atomic_t nr_spill;
	struct irq_work kick;
	struct delayed_work work;
	unsigned long backoff;
	bool live;
	bool batching;
	local_t stat[LLPOOL_COUNTER_COUNT];
	struct llpool *pool;
	unsigned int cpu;
};

/**
 * struct llpool - a pool
 * @name: debugfs name.
 * @order: page order.
 * @low: per-CPU refill trigger level.
 * @high: per-CPU fill and trim level.
 * @cap: per-CPU stack size, 2 * @high.
 * @gfp: refill gfp.
 * @dying: set by llpool_destroy(); stops new work from being queued.
 * @pcpu: the per-CPU reserves.
 * @dir: debugfs directory.
 * @shrinker: gives pages above @low back under memory pressure.
 * @list: entry in llpool_list.
 * @cpuhp_online: instance of the online/offline hotplug state.
 * @cpuhp_dead: instance of the CPU-dead hotplug state.
 *
 * Everything but @dying and @pcpu's contents is written before the pool is
 * published by llpool_create() and is read-only afterwards.
 */
struct llpool {
	char name[LLPOOL_NAME_MAX + 1];
	unsigned int order;
	unsigned int low;
	unsigned int high;
	unsigned int cap;
	gfp_t gfp;
	bool dying;
	struct llpool_cpu __percpu *pcpu;
	struct dentry *dir;
	struct shrinker *shrinker;
	struct list_head list;
	struct hlist_node cpuhp_online;
	struct hlist_node cpuhp_dead;
};

/* Refill and trim run here: WQ_MEM_RECLAIM gives them a rescuer, so a refill
 * makes progress even when new kworkers cannot be created under pressure.
 */
static struct workqueue_struct *llpool_wq;
static struct dentry *llpool_debugfs_root;
/* All pools, for name uniqueness; process context only. */
static LIST_HEAD(llpool_list);
static DEFINE_MUTEX(llpool_list_lock);

#ifdef CONFIG_DEBUG_LOCK_ALLOC
static struct lock_class_key llpool_fast_key;
struct lockdep_map llpool_fast_map =
	LLPOOL_FAST_MAP_INIT("llpool_fast_path", &llpool_fast_key);
EXPORT_SYMBOL_NS_GPL(llpool_fast_map, LLPOOL_INTERNAL);
#endif

static void llpool_kick(struct llpool_cpu *c);

#define CREATE_TRACE_POINTS
#include "llpool_trace.h"

/* ==== Reserve ============================================================ */

/*
 * A reserve is a bounded stack of page pointers whose top word packs the
 * depth and a version.  Every successful change of the top bumps the
 * version, so a pop that read a stale top loses its cmpxchg instead of
 * handing out a page twice (ABA); 48 version bits do not wrap while one
 * pop is preempted.
 *
 * Pops are lock-free from any CPU and context: read the top (acquire),
 * read the slot below it, cmpxchg the top down.  Pushes need a single
 * pusher per stack, which the owning CPU provides with IRQs off and the
 * guard claimed: write the slot above the top, then cmpxchg the top up.
 * The successful cmpxchg is a full barrier, so a popper that sees the new
 * depth sees the slot.  A slot is only rewritten once the top is below it,
 * which took a pop and so a version change: a popper that read the old
 * slot value then fails its cmpxchg.
 */
#define LLPOOL_DEPTH_BITS	16
#define LLPOOL_DEPTH_MASK	((1UL << LLPOOL_DEPTH_BITS) - 1)
static_assert(2 * LLPOOL_HIGH_MAX <= LLPOOL_DEPTH_MASK);
static_assert(BITS_PER_LONG == 64, "llpool: the versioned top needs a 64-bit long");
/*
 * An NMI may pop, push, spill (llist_add()) and count (local_t) on the CPU
 * it interrupted, in the middle of the same operations: all of them are
 * cmpxchg or single read-modify-write instructions, which is only enough
 * where the architecture's cmpxchg is NMI-safe.
 */
#ifndef CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG
#error "llpool needs an NMI-safe cmpxchg (ARCH_HAVE_NMI_SAFE_CMPXCHG): its fast path runs in NMI"
#endif

static __always_inline unsigned int llpool_depth(long top)
{
	return top & LLPOOL_DEPTH_MASK;
}

static __always_inline unsigned int llpool_reserved(struct llpool_cpu *c)
{
	return llpool_depth(atomic_long_read(&c->top));
}

/* @top with the next version and depth @nr. */
static __always_inline long llpool_next_top(long top, unsigned int nr)
{
	return (long)((((unsigned long)top & ~LLPOOL_DEPTH_MASK) +
		       (1UL << LLPOOL_DEPTH_BITS)) | nr);
}

/*
 * Under CONFIG_DEBUG_VM a page's ->private records where it is: the pool's
 * address while a caller holds it, with bit 0 set while it sits in the
 * reserve (stack or spill list).  llpool_free() checks it; see
 * llpool_free_ok().
 */
static __always_inline void llpool_tag(struct llpool *pool, struct page *page,
				       bool reserved)
{
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		set_page_private(page, (unsigned long)pool | reserved);
}

/* Noinline: a place where kprobes and tracing can see into the fast path. */
static noinline struct page *llpool_pop(struct llpool_cpu *c)
{
	struct page *page;
	unsigned int nr;
	long top;

	top = atomic_long_read_acquire(&c->top);
	for (;;) {
		nr = llpool_depth(top);
		if (!nr)
			return NULL;
		page = READ_ONCE(c->slots[nr - 1]);
		if (atomic_long_cmpxchg(&c->top, top, llpool_next_top(top, nr - 1)) == top)
			break;
		/* A failed cmpxchg orders nothing: acquire again. */
		top = atomic_long_read_acquire(&c->top);
	}
	llpool_tag(c->pool, page, false);
	return page;
}

/*
 * Push @page if the stack holds fewer than @limit.  The owning CPU only,
 * IRQs off, guard claimed (the single pusher).  Returns the new depth, or 0
 * if the page was not taken.
 */
static noinline unsigned int llpool_push(struct llpool_cpu *c, struct page *page,
					 unsigned int limit)
{
	long top = atomic_long_read(&c->top), old;
	unsigned int nr;

	llpool_tag(c->pool, page, true);
	for (;;) {
		nr = llpool_depth(top);
		if (nr >= limit)
			break;
		WRITE_ONCE(c->slots[nr], page);
		old = atomic_long_cmpxchg(&c->top, top, llpool_next_top(top, nr + 1));
		if (old == top)
			return nr + 1;
		top = old;	/* a pop got in first: one slot lower */
	}
	llpool_tag(c->pool, page, false);
	return 0;
}

/* Count on the CPU doing the work: local_t wants its own CPU. */
static __always_inline void llpool_count(struct llpool *pool,
					 enum llpool_counter counter,
					 unsigned int n)
{
	unsigned long flags;

	local_irq_save(flags);
	local_add(n, &this_cpu_ptr(pool->pcpu)->stat[counter]);
	local_irq_restore(flags);
}

/* ==== Fast path ========================================================== */

/*
 * This CPU's right to push (llpool_guard_claim()): a free that finds the
 * guard claimed has interrupted a push (NMI, probe) and spills instead.
 */
static __always_inline bool llpool_claim(struct llpool_cpu *c)
{
	return llpool_guard_claim(&c->active);
}

static __always_inline void llpool_release(struct llpool_cpu *c)
{
	llpool_guard_release(&c->active);
}

/* The page's first word links it on a spill list; the page is ours again,
 * and pool pages are never highmem, so page_address() is valid.
 */
static __always_inline struct llist_node *llpool_page_node(struct page *page)
{
	return page_address(page);
}

static __always_inline struct page *llpool_node_page(struct llist_node *node)
{
	return virt_to_page(node);
}

/*
 * This CPU's reserve is empty: take a page from another CPU's, lock-free,
 * before failing.  The CPUs of this CPU's node come first, so that a caller
 * keeps getting memory of its own node while the node has any; each pass
 * starts after this CPU so that CPUs spread their steals.  Both passes walk
 * the online CPUs: a CPU that is not online holds nothing once its dead
 * callback has run (a CPU going down is skipped a little early, which
 * costs nothing but a possible miss), and a machine with many more
 * possible than online CPUs should not scan the absent ones.  A CPU whose
 * node changes meanwhile (physical hot-add) is at worst tried in the wrong
 * pass.  Only the miss path pays for the second pass.
 */
static struct page *llpool_steal(struct llpool *pool, struct llpool_cpu *self)
{
	unsigned int cpu, pass, passes = nr_node_ids > 1 ? 2 : 1;
	int node = cpu_to_node(self->cpu);
	struct page *page;
	bool remote;

	for (pass = 0; pass < passes; pass++) {
		remote = pass;	/* the second pass visits the other nodes */
		for_each_cpu_wrap(cpu, cpu_online_mask, self->cpu + 1) {
			if (cpu == self->cpu || (cpu_to_node(cpu) != node) != remote)
				continue;
			page = llpool_pop(per_cpu_ptr(pool->pcpu, cpu));
			if (!page)
				continue;
			local_inc(&self->stat[LLPOOL_STEALS]);
			if (remote)
				local_inc(&self->stat[LLPOOL_REMOTE_STEALS]);
			trace_llpool_steal(pool, self->cpu, cpu, remote);
			return page;
		}
	}
	return NULL;
}

/**
 * __llpool_alloc() - take a page from the pool, IRQs already off
 * @pool: the pool
 *
 * Like llpool_alloc(), for callers that have disabled interrupts already.
 *
 * Context: any context with IRQs disabled, including NMI.
 * Return: a page of the pool's order, or NULL when every CPU's reserve is
 * empty.
 */
struct page *__llpool_alloc(struct llpool *pool)
{
	struct llpool_cpu *c = this_cpu_ptr(pool->pcpu);
	struct page *page;

	lockdep_assert_irqs_disabled();
	llpool_fast_enter();
	page = llpool_pop(c);
	if (likely(page)) {
		if (llpool_reserved(c) < pool->low)
			llpool_kick(c);
	} else {
		llpool_kick(c);
		page = llpool_steal(pool, c);
		if (!page)
			trace_llpool_miss(pool, c->cpu);
	}
	local_inc(&c->stat[page ? LLPOOL_ALLOCS : LLPOOL_MISSES]);
	llpool_fast_exit();
	return page;
}
EXPORT_SYMBOL_NS_GPL(__llpool_alloc, LLPOOL);

/**
 * llpool_alloc() - take a page from the pool
 * @pool: the pool
 *
 * Takes a page from this CPU's reserve, or from another CPU's when this one
 * is empty.  Never sleeps, never takes a lock and never calls the page
 * allocator.  When this CPU's reserve falls below the pool's low mark a
 * refill is queued.
 *
 * Context: any context: task, softirq, hardirq, NMI, IRQs off, under a
 * raw_spinlock_t (also on PREEMPT_RT).
 * Return: a page of the pool's order, or NULL when every CPU's reserve is
 * empty.
 */
struct page *llpool_alloc(struct llpool *pool)
{
	struct page *page;
	unsigned long flags;

	local_irq_save(flags);
	page = __llpool_alloc(pool);
	local_irq_restore(flags);
	return page;
}
EXPORT_SYMBOL_NS_GPL(llpool_alloc, LLPOOL);

/*
 * CONFIG_DEBUG_VM: refuse a page of the wrong order, from another pool or
 * already in the reserve (a double free), with one WARN, so that the
 * reserve stays intact.  Relies on callers leaving ->private alone while
 * they hold a page.
 */
static bool llpool_free_ok(struct llpool *pool, struct page *page)
{
	unsigned long tag;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return true;
	tag = page_private(page);
	if (unlikely(compound_order(page) != pool->order)) {
		WARN_ONCE(1, "llpool: %s: free of an order-%u page, pool order is %u\n",
			  pool->name, compound_order(page), pool->order);
		return false;
	}
	if (unlikely(tag == ((unsigned long)pool | 1))) {
		WARN_ONCE(1, "llpool: %s: double free of page %p\n", pool->name, page);
		return false;
	}
	if (unlikely(tag != (unsigned long)pool)) {
		WARN_ONCE(1, "llpool: %s: free of page %p that is not from this pool\n",
			  pool->name, page);
		return false;
	}
	return true;
}

/**
 * __llpool_free() - give a page back to this CPU's reserve, IRQs already off
 * @pool: the pool the page came from
 * @page: the page, or NULL
 *
 * Like llpool_free(), for callers that have disabled interrupts already.
 *
 * Context: any context with IRQs disabled, including NMI.
 */
void __llpool_free(struct llpool *pool, struct page *page)
{
	struct llpool_cpu *c;
	unsigned int nr = 0;

	if (!page)
		return;
	lockdep_assert_irqs_disabled();
	c = this_cpu_ptr(pool->pcpu);
	llpool_fast_enter();
	if (unlikely(!llpool_free_ok(pool, page))) {
		local_inc(&c->stat[LLPOOL_REFUSED]);
		goto out;
	}
	if (llpool_claim(c))
		nr = llpool_push(c, page, pool->cap);
	else
		local_inc(&c->stat[LLPOOL_NESTED]);
	llpool_release(c);

	local_inc(&c->stat[LLPOOL_FREES]);
	if (!nr) {
		/* Stack full, or a push in progress below us (NMI, probe). */
		llpool_tag(pool, page, true);
		llist_add(llpool_page_node(page), &c->spill);
		atomic_inc(&c->nr_spill);
		local_inc(&c->stat[LLPOOL_SPILLED]);
		llpool_kick(c);
	} else if (nr > pool->high) {
		llpool_kick(c);
	}
out:
	llpool_fast_exit();
}
EXPORT_SYMBOL_NS_GPL(__llpool_free, LLPOOL);

/**
 * llpool_free() - give a page back to this CPU's reserve
 * @pool: the pool the page came from
 * @page: the page, or NULL (ignored)
 *
 * The page may have been allocated on another CPU.  It goes onto this
 * CPU's reserve; above the pool's high mark the worker trims it back to the
 * page allocator later.  Never calls the page allocator's free path, never
 * takes a lock, never sleeps.  The page's contents are not preserved.
 * Under CONFIG_DEBUG_VM a page of the wrong order, from another pool or
 * freed twice is refused with a WARN (once) and the reserve is left intact;
 * callers must not change page->private while they hold a page.
 *
 * Context: any context: task, softirq, hardirq, NMI, IRQs off, under a
 * raw_spinlock_t (also on PREEMPT_RT).
 */
void llpool_free(struct llpool *pool, struct page *page)
{
	unsigned long flags;

	local_irq_save(flags);
	__llpool_free(pool, page);
	local_irq_restore(flags);
}
EXPORT_SYMBOL_NS_GPL(llpool_free, LLPOOL);

/* ==== Kick =============================================================== */

/*
 * The fast path may run in NMI, in hardirq, or in a caller that holds a
 * runqueue or other scheduler lock, where queue_work() could deadlock on a
 * wakeup.  So it only raises an irq_work (NMI-safe, lockless), and the
 * irq_work, in hardirq context with no caller locks held, queues the work.
 * The irq_work is HARD so that it stays in hardirq on PREEMPT_RT too, where
 * queue_work() is still allowed: the workqueue pool lock is a raw spinlock.
 */
static void llpool_kick(struct llpool_cpu *c)
{
	/*
	 * Not on a CPU going down: its offline callback, on this CPU, cleared
	 * @live before its last refill could be queued, so an irq_work raised
	 * here is one raised before that, which runs on this CPU before it
	 * dies (at the latest when the dying CPU flushes its irq_work list).
	 * No kick is ever left pending on a dead CPU for llpool_destroy()'s
	 * irq_work_sync() to wait on.  A refill that is queued, or waiting out
	 * a backoff, will see the new level when it runs; a racy read of
	 * either only costs one redundant kick.  A context nested in the
	 * worker's own pushes does not kick: the worker looks at the level
	 * when it ends (see llpool_work_fn()).
	 */
	if (!READ_ONCE(c->live) || READ_ONCE(c->batching) ||
	    delayed_work_pending(&c->work))
		return;
	irq_work_queue(&c->kick);
}

/*
 * Queue @c's work on its CPU after @delay, unless the pool is going away
 * or the CPU is: @dying pairs with WRITE_ONCE() in llpool_destroy() before
 * irq_work_sync(), @live with the offline callback, which clears it on the
 * CPU before it cancels the work.  The kick and the worker's re-arming
 * both come through here.
 */
static void llpool_queue_work(struct llpool_cpu *c, unsigned long delay)
{
	if (!READ_ONCE(c->pool->dying) && READ_ONCE(c->live))
		queue_delayed_work_on(c->cpu, llpool_wq, &c->work, delay);
}

static void llpool_kick_fn(struct irq_work *kick)
{
	llpool_queue_work(container_of(kick, struct llpool_cpu, kick), 0);
}

/* ==== Refill and trim ==================================================== */

/*
 * Push up to @n pages from @batch onto @c's stack while it holds fewer than
 * @limit, counting them as @counter.  Pushing is the owning CPU's job: a
 * bound work item runs elsewhere only while its CPU goes offline, and then
 * nothing is taken.  Returns how many were taken; the caller owns the rest.
 */
static unsigned int llpool_put_batch(struct llpool_cpu *c, struct page **batch,
				     unsigned int n, unsigned int limit,
				     enum llpool_counter counter)
{
	unsigned int taken = 0;
	unsigned long flags;

	local_irq_save(flags);
	/* The guard is c->cpu's own local_t: never touch it from elsewhere. */
	if (smp_processor_id() == c->cpu) {
		if (llpool_claim(c)) {
			WRITE_ONCE(c->batching, true);
			while (taken < n && llpool_push(c, batch[taken], limit))
				taken++;
			WRITE_ONCE(c->batching, false);
		}
		llpool_release(c);
		local_add(taken, &c->stat[counter]);
	}
	local_irq_restore(flags);
	return taken;
}

/* Back to the page allocator, without llpool's CONFIG_DEBUG_VM tag. */
static void llpool_page_release(struct llpool *pool, struct page *page)
{
	set_page_private(page, 0);
	__free_pages(page, pool->order);
}

static void llpool_free_pages(struct llpool *pool, struct page **batch,
			      unsigned int n)
{
	llpool_count(pool, LLPOOL_TRIMMED, n);
	while (n)
		llpool_page_release(pool, batch[--n]);
}

/*
 * Give @c's pages above @limit back to the page allocator, at most @max.
 * Pops are lock-free, so this runs on any CPU: the worker, the shrinker,
 * CPU offline.  Returns the pages freed.
 */
static unsigned long llpool_trim_to(struct llpool_cpu *c, unsigned int limit,
				    unsigned long max)
{
	struct page *batch[LLPOOL_BATCH];
	unsigned long freed = 0;
	unsigned int n;

	do {
		n = 0;
		while (n < LLPOOL_BATCH && freed + n < max &&
		       llpool_reserved(c) > limit) {
			batch[n] = llpool_pop(c);
			if (!batch[n])
				break;
			n++;
		}
		llpool_free_pages(c->pool, batch, n);
		freed += n;
		cond_resched();
	} while (n == LLPOOL_BATCH);
	if (freed)
		trace_llpool_trim(c->pool, c->cpu, freed, limit);
	return freed;
}

/* Spilled pages go back on the stack up to @high; the rest are trimmed. */
static void llpool_drain_spill(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct page *batch[LLPOOL_BATCH];
	struct llist_node *node, *next;
	unsigned int n = 0, taken, drained = 0, kept = 0;

	node = llist_del_all(&c->spill);
	while (node) {
		next = node->next;
		batch[n++] = llpool_node_page(node);
		atomic_dec(&c->nr_spill);
		node = next;
		if (n < LLPOOL_BATCH && node)
			continue;
		/* Pages that go back on the stack were never trimmed: count
		 * them as trimmed and refilled, so that REFILLED - TRIMMED
		 * stays the number of pages the pool owns.
		 */
		llpool_count(pool, LLPOOL_TRIMMED, n);
		taken = llpool_put_batch(c, batch, n, pool->high, LLPOOL_REFILLED);
		drained += n;
		kept += taken;
		while (n > taken)
			llpool_page_release(pool, batch[--n]);
		n = 0;
	}
	if (drained)
		trace_llpool_spill_drain(pool, c->cpu, drained, kept);
}

/* Pages @c holds for the pool: on its stack and on its spill list. */
static unsigned int llpool_level(struct llpool_cpu *c)
{
	return llpool_reserved(c) + max(atomic_read(&c->nr_spill), 0);
}

/*
 * Fill @c to @high from its CPU's node.  Returns false when an allocation
 * failed (the caller backs off), true otherwise, including when the stack
 * filled up under us (frees raced the refill), we are not on @c's CPU, or
 * the run's budget is spent.
 *
 * A run takes at most @high pages from the page allocator.  Pages spilled
 * meanwhile count towards the level and go back on the stack before any
 * new page is taken: a context that nests inside our pushes (an NMI or a
 * probe doing an alloc and a free) pops a page and spills one for every
 * push, so without both rules the stack would never reach @high and the
 * refill would allocate without end.  With them the CPU holds at most
 * @high pages plus what nested contexts spill, and the run ends.
 */
static bool llpool_refill(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct page *batch[LLPOOL_BATCH];
	int node = cpu_to_node(c->cpu);
	unsigned int budget = pool->high, want, got, taken, i;
	bool failed = false;

	for (;;) {
		if (atomic_read(&c->nr_spill) > 0)
			llpool_drain_spill(c);
		want = pool->high - min(llpool_level(c), pool->high);
		want = min3(want, LLPOOL_BATCH, budget);
		if (!want)
			break;
		for (got = 0; got < want; got++) {
			batch[got] = alloc_pages_node(node, pool->gfp, pool->order);
			if (!batch[got])
				break;
		}
		if (got && budget == pool->high)
			llpool_count(pool, LLPOOL_REFILL_RUNS, 1);
		budget -= got;
		taken = llpool_put_batch(c, batch, got, pool->high, LLPOOL_REFILLED);
		for (i = taken; i < got; i++)
			__free_pages(batch[i], pool->order);	/* never tagged */
		if (got < want) {
			/* One count per failed allocation: a refill stops at
			 * its first (the fault-injection selftest relies on it).
			 */
			llpool_count(pool, LLPOOL_REFILL_FAILS, 1);
			failed = true;
			break;
		}
		if (taken < got)
			break;
		cond_resched();
	}
	if (budget < pool->high || failed)
		trace_llpool_refill(pool, c->cpu, pool->high - budget,
				    llpool_level(c), failed);
	return !failed;
}

/*
 * Everything @c holds goes back to the page allocator.  Off @c's CPU (the
 * dead callback, a worker run off a CPU that went down) the spill drain
 * pushes nothing and frees all.
 */
static void llpool_give_back(struct llpool_cpu *c)
{
	llpool_drain_spill(c);
	llpool_trim_to(c, 0, ULONG_MAX);
}

static void llpool_work_fn(struct work_struct *work)
{
	struct llpool_cpu *c = container_of(to_delayed_work(work),
					    struct llpool_cpu, work);

	/*
	 * A CPU that is down or going down gets nothing new: the run only
	 * gives back, and does not re-arm.  Its online callback refills it.
	 * @live is cleared on the CPU before its work is cancelled and before
	 * the workqueue unbinds it, so a run that sees @live set runs bound to
	 * its CPU (llpool_put_batch() checks again with IRQs off).
	 */
	if (!READ_ONCE(c->live)) {
		llpool_give_back(c);
		return;
	}
	llpool_drain_spill(c);
	llpool_trim_to(c, c->pool->high, ULONG_MAX);
	if (llpool_refill(c)) {
		c->backoff = 0;
		/*
		 * Contexts nested in our pushes did not kick: if they left
		 * pages spilled or the reserve low, look again shortly, not
		 * at once, so that a probe nesting in every push cannot keep
		 * the worker running back to back.
		 */
		if (atomic_read(&c->nr_spill) > 0 ||
		    llpool_reserved(c) < c->pool->low)
			llpool_queue_work(c, LLPOOL_BACKOFF_MIN);
		return;
	}
	/* Memory is short: retry later, less often each time, and do not let
	 * kicks from the fast path shorten the wait (llpool_kick() sees the
	 * pending work).
	 */
	c->backoff = clamp_t(unsigned long, c->backoff * 2,
			     LLPOOL_BACKOFF_MIN, LLPOOL_BACKOFF_MAX);
	llpool_queue_work(c, c->backoff);
}

/**
 * llpool_run_cpu_work() - run one CPU's refill work now and wait for it
 * @pool: the pool
 * @cpu: the CPU whose work item to run, online or not
 *
 * For llpool's tests (namespace LLPOOL_INTERNAL): the work item of an
 * offline CPU runs on whichever CPU the workqueue picks, which is how a
 * test reaches the worker off its CPU.  @cpu must have been online once
 * (a CPU that never was has no worker to run it).
 *
 * Context: process context; may sleep.
 */
void llpool_run_cpu_work(struct llpool *pool, unsigned int cpu)
{
	struct llpool_cpu *c = per_cpu_ptr(pool->pcpu, cpu);

	queue_delayed_work_on(cpu, llpool_wq, &c->work, 0);
	flush_delayed_work(&c->work);
}
EXPORT_SYMBOL_NS_GPL(llpool_run_cpu_work, LLPOOL_INTERNAL);

/* ==== Shrinker and CPU hotplug =========================================== */

/*
 * Under memory pressure the pages above each CPU's low mark go back.  The
 * reserve below low is what the pool is for, and it stays.  Pops are
 * lock-free, so the shrinker works on every CPU's stack from wherever
 * reclaim runs.  Only online CPUs hold pages (see "CPU hotplug").
 */
static unsigned long llpool_shrink_count(struct shrinker *shrinker,
					 struct shrink_control *sc)
{
	struct llpool *pool = llpool_shrinker_private(shrinker);
	unsigned long n = 0;
	unsigned int cpu, nr;

	for_each_online_cpu(cpu) {
		nr = llpool_reserved(per_cpu_ptr(pool->pcpu, cpu));
		if (nr > pool->low)
			n += nr - pool->low;
	}
	return n ?: SHRINK_EMPTY;
}

static unsigned long llpool_shrink_scan(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct llpool *pool = llpool_shrinker_private(shrinker);
	unsigned long freed = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if (freed >= sc->nr_to_scan)
			break;
		freed += llpool_trim_to(per_cpu_ptr(pool->pcpu, cpu), pool->low,
					sc->nr_to_scan - freed);
	}
	llpool_count(pool, LLPOOL_SHRUNK, freed);
	return freed ?: SHRINK_STOP;
}

/*
 * CPU hotplug.  Only online CPUs hold a reserve, so that a machine with
 * many more possible than online CPUs (hot-add slots, maxcpus=, VMs sized
 * for resize) pays for the CPUs it runs.  Each pool is an instance of two
 * multi-instance hotplug states, so the hotplug core, not a walk of
 * cpu_online_mask, decides which CPUs a pool serves:
 *
 *   online  (CPUHP_AP_ONLINE_DYN, on the CPU, after the workqueue has
 *           bound its workers; also for every CPU already up when
 *           llpool_create() adds the instance): fill the CPU to @high,
 *           then set @live.  If memory is short, the worker retries.
 *   offline (the same state going down, on the CPU, before the workqueue
 *           unbinds its workers; also for every CPU when llpool_destroy()
 *           removes the instance): clear @live, so that no kick queues
 *           work and no run re-arms, then cancel the work.  The reserve
 *           stays usable until the CPU stops.
 *   dead    (CPUHP_BP_PREPARE_DYN, on another CPU, once nothing runs on
 *           the CPU any more): give its stack and spill list back.  Only
 *           the dead CPU pushes or spills on them, so they stay empty
 *           until it comes back.
 */
static enum cpuhp_state llpool_cpuhp_online_state;
static enum cpuhp_state llpool_cpuhp_dead_state;

static int llpool_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct llpool *pool = hlist_entry(node, struct llpool, cpuhp_online);
	struct llpool_cpu *c = per_cpu_ptr(pool->pcpu, cpu);
	bool filled;

	/* The hotplug thread of @cpu: llpool_put_batch() pushes from here. */
	filled = llpool_refill(c);
	WRITE_ONCE(c->live, true);
	if (!filled)
		llpool_queue_work(c, LLPOOL_BACKOFF_MIN);
	return 0;
}

static int llpool_cpu_offline(unsigned int cpu, struct hlist_node *node)
{
	struct llpool *pool = hlist_entry(node, struct llpool, cpuhp_online);
	struct llpool_cpu *c = per_cpu_ptr(pool->pcpu, cpu);

	WRITE_ONCE(c->live, false);
	cancel_delayed_work_sync(&c->work);
	return 0;
}

static int llpool_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	struct llpool *pool = hlist_entry(node, struct llpool, cpuhp_dead);

	llpool_give_back(per_cpu_ptr(pool->pcpu, cpu));
	return 0;
}

/* The pool leaves both states; the offline callback runs on each CPU. */
static void llpool_stop_cpus(struct llpool *pool)
{
	cpuhp_state_remove_instance(llpool_cpuhp_online_state,
				    &pool->cpuhp_online);
	cpuhp_state_remove_instance_nocalls(llpool_cpuhp_dead_state,
					    &pool->cpuhp_dead);
}

/* ==== Create ============================================================= */

static int llpool_check_params(const struct llpool_params *p)
{
	size_t len;

	if (!p) {
		pr_err("create: params is NULL\n");
		return -EINVAL;
	}
	len = p->name ? strnlen(p->name, LLPOOL_NAME_MAX + 1) : 0;
	if (!len || len > LLPOOL_NAME_MAX || strchr(p->name, '/')) {
		pr_err("create: name must be 1..%d characters without '/'\n",
		       LLPOOL_NAME_MAX);
		return -EINVAL;
	}
	if (p->order > LLPOOL_ORDER_MAX) {
		pr_err("create %s: order %u is above %d\n",
		       p->name, p->order, LLPOOL_ORDER_MAX);
		return -EINVAL;
	}
	if (!p->low) {
		pr_err("create %s: low must be at least 1\n", p->name);
		return -EINVAL;
	}
	if (p->low > p->high) {
		pr_err("create %s: low %u is above high %u\n",
		       p->name, p->low, p->high);
		return -EINVAL;
	}
	if (p->high > LLPOOL_HIGH_MAX) {
		pr_err("create %s: high %u is above %d\n",
		       p->name, p->high, LLPOOL_HIGH_MAX);
		return -EINVAL;
	}
	if (p->gfp & ~LLPOOL_GFP_ALLOWED) {
		pr_err("create %s: gfp %#x has flags outside %#x\n",
		       p->name, (__force unsigned int)p->gfp,
		       (__force unsigned int)LLPOOL_GFP_ALLOWED);
		return -EINVAL;
	}
	return 0;
}

static void llpool_free_cpus(struct llpool *pool)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		kfree(per_cpu_ptr(pool->pcpu, cpu)->slots);
	free_percpu(pool->pcpu);
}

/*
 * Serve every CPU that is up: the hotplug core runs the online callback,
 * which fills the CPU, on each CPU up now and later on each CPU that comes
 * up; the dead callback gives a CPU's pages back.  The dead instance goes first,
 * so that a CPU dying in between has its (empty) reserve looked after.
 * Returns -ENOMEM unless every live CPU was filled to @high.
 */
static int llpool_start_cpus(struct llpool *pool)
{
	struct llpool_cpu *c;
	unsigned int cpu;
	int ret;

	ret = cpuhp_state_add_instance_nocalls(llpool_cpuhp_dead_state,
					       &pool->cpuhp_dead);
	if (ret)
		return ret;
	ret = cpuhp_state_add_instance(llpool_cpuhp_online_state,
				       &pool->cpuhp_online);
	if (ret)
		goto err_dead;
	/* No online callback is half done while we look. */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		if (READ_ONCE(c->live) && llpool_reserved(c) < pool->high)
			ret = -ENOMEM;
	}
	cpus_read_unlock();
	if (!ret)
		return 0;
	llpool_stop_cpus(pool);
	return ret;

err_dead:
	cpuhp_state_remove_instance_nocalls(llpool_cpuhp_dead_state,
					    &pool->cpuhp_dead);
	return ret;
}

static struct llpool *llpool_find(const char *name)
{
	struct llpool *pool;

	lockdep_assert_held(&llpool_list_lock);
	list_for_each_entry(pool, &llpool_list, list)
		if (!strcmp(pool->name, name))
			return pool;
	return NULL;
}

static void llpool_debugfs_add(struct llpool *pool);
static void llpool_release_pages(struct llpool *pool);

/**
 * llpool_create() - create a pool and fill every online CPU's reserve
 * @params: what to build; see struct llpool_params
 *
 * Every online CPU's reserve is filled to @params->high from that CPU's
 * node before the pool is returned; a CPU that comes online later is
 * filled when it does, and a CPU that goes offline gives its reserve back.
 *
 * Context: process context, not under cpus_read_lock() nor in a CPU
 * hotplug callback (it registers with CPU hotplug); may sleep.
 * Return: the pool; ERR_PTR(-EINVAL) for invalid @params (the bad field is
 * named in the kernel log), ERR_PTR(-EEXIST) when the name is taken,
 * ERR_PTR(-ENOMEM) when memory for the pool or its prefill is short.
 */
struct llpool *llpool_create(const struct llpool_params *params)
{
	struct llpool *pool;
	struct llpool_cpu *c;
	unsigned int cpu;
	int ret;

	might_sleep();
	ret = llpool_check_params(params);
	if (ret)
		return ERR_PTR(ret);
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	strscpy(pool->name, params->name, sizeof(pool->name));
	pool->order = params->order;
	pool->low = params->low;
	pool->high = params->high;
	pool->cap = 2 * params->high;
	pool->gfp = params->gfp ?: LLPOOL_GFP_DEFAULT;
	if (pool->order)
		pool->gfp |= __GFP_COMP;
	INIT_LIST_HEAD(&pool->list);

	pool->pcpu = alloc_percpu(struct llpool_cpu);
	if (!pool->pcpu) {
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		c->pool = pool;
		c->cpu = cpu;
		init_llist_head(&c->spill);
		c->kick = IRQ_WORK_INIT_HARD(llpool_kick_fn);
		INIT_DELAYED_WORK(&c->work, llpool_work_fn);
		c->slots = kcalloc_node(pool->cap, sizeof(*c->slots), GFP_KERNEL,
					cpu_to_node(cpu));
		if (!c->slots) {
			ret = -ENOMEM;
			goto err_free;
		}
	}

	/* The name is taken before any page is: a duplicate costs nothing. */
	mutex_lock(&llpool_list_lock);
	if (llpool_find(pool->name)) {
		mutex_unlock(&llpool_list_lock);
		pr_err("create %s: a pool with this name exists\n", pool->name);
		ret = -EEXIST;
		goto err_free;
	}
	list_add_tail(&pool->list, &llpool_list);
	mutex_unlock(&llpool_list_lock);

	ret = llpool_start_cpus(pool);
	if (ret) {
		pr_err("create %s: cannot fill the online CPUs' reserves: %d\n",
		       pool->name, ret);
		mutex_lock(&llpool_list_lock);
		list_del(&pool->list);
		mutex_unlock(&llpool_list_lock);
		goto err_free;
	}
	llpool_debugfs_add(pool);

	/* Without a shrinker the pool still works; it just keeps its pages. */
	pool->shrinker = llpool_shrinker_create(pool->name, pool, llpool_shrink_count,
						llpool_shrink_scan);
	return pool;

err_free:
	llpool_release_pages(pool);
	llpool_free_cpus(pool);
	kfree(pool);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(llpool_create, LLPOOL);

/* ==== Teardown =========================================================== */

/*
 * Return every page on the stacks and spill lists.  Only once no fast path,
 * irq_work or worker can run on the pool.
 */
static void llpool_release_pages(struct llpool *pool)
{
	struct llist_node *node, *next;
	struct llpool_cpu *c;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		if (!c->slots)
			continue;
		llpool_trim_to(c, 0, ULONG_MAX);
		llist_for_each_safe(node, next, llist_del_all(&c->spill)) {
			llpool_page_release(pool, llpool_node_page(node));
			atomic_dec(&c->nr_spill);
			llpool_count(pool, LLPOOL_TRIMMED, 1);
		}
	}
}

/**
 * llpool_destroy() - stop a pool and return its pages
 * @pool: the pool; NULL and error pointers are ignored
 *
 * Stops refills, waits for queued work and returns every reserved page to
 * the page allocator.  The caller must have stopped all use of the pool.
 * Pages still held by callers are reported with a WARN and left alone, so a
 * late llpool_free() cannot turn into a double free of a page the page
 * allocator has handed to someone else; those pages are leaked.
 *
 * Context: process context, not under cpus_read_lock() nor in a CPU
 * hotplug callback (it registers with CPU hotplug); may sleep.
 */
void llpool_destroy(struct llpool *pool)
{
	struct llpool_stats st;
	struct llpool_cpu *c;
	unsigned int cpu;
	s64 held;

	if (IS_ERR_OR_NULL(pool))
		return;
	might_sleep();

	/* No shrinker in flight or to come. */
	llpool_shrinker_destroy(pool->shrinker);
	mutex_lock(&llpool_list_lock);
	list_del(&pool->list);
	debugfs_remove_recursive(pool->dir);
	mutex_unlock(&llpool_list_lock);

	/*
	 * Order matters:
	 *  - the hotplug instances go: the offline callback runs on every CPU
	 *    the pool serves (clears @live, cancels the work there), and no
	 *    hotplug callback sees the pool afterwards;
	 *  - after @dying no irq_work queues new work, whatever it read;
	 *  - irq_work_sync(): no kick in flight.  A kick is raised only while
	 *    @live is set, and so runs on its CPU before that CPU can die;
	 *  - then the work can be cancelled for good.  Cancelling never runs
	 *    a work item, so a CPU that was never online is no obstacle.
	 */
	llpool_stop_cpus(pool);
	WRITE_ONCE(pool->dying, true);
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(pool->pcpu, cpu)->kick);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		cancel_delayed_work_sync(&c->work);
	}

	llpool_release_pages(pool);
	llpool_get_stats(pool, &st);
	held = st.counter[LLPOOL_ALLOCS] - st.counter[LLPOOL_FREES];
	WARN(held, "llpool: %s destroyed with %lld pages still allocated; leaking them\n",
	     pool->name, held);

	llpool_free_cpus(pool);
	kfree(pool);
}
EXPORT_SYMBOL_NS_GPL(llpool_destroy, LLPOOL);

/* ==== Stats ============================================================== */

static const char *const llpool_counter_names[LLPOOL_COUNTER_COUNT] = {
	[LLPOOL_ALLOCS]		= "allocs",
	[LLPOOL_MISSES]		= "misses",
	[LLPOOL_FREES]		= "frees",
	[LLPOOL_NESTED]		= "nested",
	[LLPOOL_SPILLED]	= "spilled",
	[LLPOOL_REFILL_RUNS]	= "refill_runs",
	[LLPOOL_REFILLED]	= "refilled",
	[LLPOOL_REFILL_FAILS]	= "refill_fails",
	[LLPOOL_TRIMMED]	= "trimmed",
	[LLPOOL_STEALS]		= "steals",
	[LLPOOL_REMOTE_STEALS]	= "remote_steals",
	[LLPOOL_REFUSED]	= "refused",
	[LLPOOL_SHRUNK]		= "shrunk",
};

/**
 * llpool_counter_name() - the debugfs name of a counter
 * @counter: the counter
 *
 * Context: any context.
 * Return: a static string, or "?" for a value outside enum llpool_counter.
 */
const char *llpool_counter_name(enum llpool_counter counter)
{
	if ((unsigned int)counter >= LLPOOL_COUNTER_COUNT)
		return "?";
	return llpool_counter_names[counter];
}
EXPORT_SYMBOL_NS_GPL(llpool_counter_name, LLPOOL);

/**
 * llpool_cpu_reserved() - pages on one CPU's reserve
 * @pool: the pool
 * @cpu: a possible CPU
 *
 * Context: any context.
 * Return: the pages on @cpu's stack at the time of the read, 0 for a CPU
 * that is not possible.
 */
unsigned int llpool_cpu_reserved(struct llpool *pool, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return 0;
	return llpool_reserved(per_cpu_ptr(pool->pcpu, cpu));
}
EXPORT_SYMBOL_NS_GPL(llpool_cpu_reserved, LLPOOL);

/**
 * llpool_get_stats() - snapshot a pool's counters and levels
 * @pool: the pool
 * @stats: filled in
 *
 * Context: any context.  The snapshot is not atomic; see struct llpool_stats.
 */
void llpool_get_stats(struct llpool *pool, struct llpool_stats *stats)
{
	struct llpool_cpu *c;
	unsigned int cpu, i;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		for (i = 0; i < LLPOOL_COUNTER_COUNT; i++)
			stats->counter[i] += local_read(&c->stat[i]);
		stats->reserved += llpool_reserved(c);
		stats->spilled += max(atomic_read(&c->nr_spill), 0);
	}
}
EXPORT_SYMBOL_NS_GPL(llpool_get_stats, LLPOOL);

static int llpool_stats_show(struct seq_file *m, void *v)
{
	struct llpool *pool = m->private;
	struct llpool_stats st;
	struct llpool_cpu *c;
	unsigned int cpu, i;

	llpool_get_stats(pool, &st);
	seq_printf(m, "order: %u\nlow: %u\nhigh: %u\n",
		   pool->order, pool->low, pool->high);
	for (i = 0; i < LLPOOL_COUNTER_COUNT; i++)
		seq_printf(m, "%s: %llu\n", llpool_counter_names[i], st.counter[i]);
	seq_printf(m, "reserved: %lu\nspill: %lu\n", st.reserved, st.spilled);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		seq_printf(m, "cpu%u: reserved=%u spill=%d allocs=%ld misses=%ld frees=%ld live=%d\n",
			   cpu, llpool_reserved(c), atomic_read(&c->nr_spill),
			   local_read(&c->stat[LLPOOL_ALLOCS]),
			   local_read(&c->stat[LLPOOL_MISSES]),
			   local_read(&c->stat[LLPOOL_FREES]), READ_ONCE(c->live));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(llpool_stats);

static void llpool_debugfs_add(struct llpool *pool)
{
	/* debugfs failures are not errors: the pool works without its stats. */
	pool->dir = debugfs_create_dir(pool->name, llpool_debugfs_root);
	debugfs_create_file("stats", 0444, pool->dir, pool, &llpool_stats_fops);
}

/* ==== Module ============================================================= */

static int __init llpool_init(void)
{
	int ret;

	llpool_wq = alloc_workqueue("llpool", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	if (!llpool_wq)
		return -ENOMEM;
	llpool_debugfs_root = debugfs_create_dir("llpool", NULL);
	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "llpool:dead",
				      NULL, llpool_cpu_dead);
	if (ret < 0)
		goto err_dead;
	llpool_cpuhp_dead_state = ret;
	ret = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN, "llpool:online",
				      llpool_cpu_online, llpool_cpu_offline);
	if (ret < 0)
		goto err_online;
	llpool_cpuhp_online_state = ret;
	return 0;

err_online:
	cpuhp_remove_multi_state(llpool_cpuhp_dead_state);
err_dead:
	debugfs_remove_recursive(llpool_debugfs_root);
	destroy_workqueue(llpool_wq);
	return ret;
}

static void __exit llpool_exit(void)
{
	/* Every pool is gone: users hold a reference on this module. */
	cpuhp_remove_multi_state(llpool_cpuhp_online_state);
	cpuhp_remove_multi_state(llpool_cpuhp_dead_state);
	debugfs_remove_recursive(llpool_debugfs_root);
	destroy_workqueue(llpool_wq);
}

module_init(llpool_init);
module_exit(llpool_exit);
MODULE_DESCRIPTION("llpool: a per-CPU page reserve usable in any context");
MODULE_VERSION(LLPOOL_VERSION);
MODULE_LICENSE("GPL");
