// SPDX-License-Identifier: GPL-2.0
/*
 * llpool: a dedicated per-CPU page reserve; the design is described in
 * pool.h.  This file is laid out as the life of a page:
 *
 *   Depot            the per-node lock-free magazine lists
 *   Fast path        the out-of-line halves of the inline fast path (pool.h)
 *   Kick             fast path -> irq_work -> workqueue
 *   Refill and trim  the per-CPU worker, the only caller of the page allocator
 *   Reaper, shrinker giving back what an idle pool or reclaim does not need
 *   CPU hotplug      online CPUs hold a reserve, dead ones give it back
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

/* Pages the worker moves per batch; bounds its preemption-off sections. */
#define LLPOOL_BATCH		32U
/* Refill backoff after a failure: doubles from MIN up to MAX. */
#define LLPOOL_BACKOFF_MIN	(HZ / 50)
#define LLPOOL_BACKOFF_MAX	(HZ)
/* The reaper's period: a CPU idle for two periods is trimmed to @low. */
#define LLPOOL_REAP_DELAY	(5 * HZ)

/* What the worker's next run trims (llpool_cpu.trim). */
enum {
	LLPOOL_TRIM_NONE,
	LLPOOL_TRIM_IDLE,	/* the reaper: counted as TRIMMED */
	LLPOOL_TRIM_SHRINK,	/* the shrinker: also counted as SHRUNK */
};

/* Refill and trim run here: WQ_MEM_RECLAIM gives them a rescuer, so a refill
 * makes progress even when new kworkers cannot be created under pressure.
 */
static struct workqueue_struct *llpool_wq;
/*
 * A work item that does nothing, one per CPU, queued on llpool_wq when a
 * pool's CPU comes online (see llpool_cpu_online()).  Shared by all pools,
 * as the CPU's worker pool is.
 */
static DEFINE_PER_CPU(struct work_struct, llpool_warm_work);
static struct dentry *llpool_debugfs_root;
/* All pools, for name uniqueness; process context only. */
static LIST_HEAD(llpool_list);
static DEFINE_MUTEX(llpool_list_lock);

#ifdef CONFIG_DEBUG_LOCK_ALLOC
static struct lock_class_key llpool_fast_key;
struct lockdep_map llpool_fast_map =
	LLPOOL_FAST_MAP_INIT("llpool_fast_path", &llpool_fast_key);
/* In LLPOOL: the inline fast path in every user refers to it. */
EXPORT_SYMBOL_NS_GPL(llpool_fast_map, LLPOOL_NS);
#endif

static void llpool_kick(struct llpool_cpu *c);

#define CREATE_TRACE_POINTS
#include "llpool_trace.h"

/*
 * An NMI may take and give magazines, spill (llist_add()) and count
 * (local_t) on the CPU it interrupted, in the middle of the same
 * operations: all of them are cmpxchg or single read-modify-write
 * instructions, which is only enough where the architecture's cmpxchg is
 * NMI-safe.
 */
#ifndef CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG
#error "llpool needs an NMI-safe cmpxchg (ARCH_HAVE_NMI_SAFE_CMPXCHG): its slow path runs in NMI"
#endif
static_assert(BITS_PER_LONG == 64, "llpool: a depot list head needs a 64-bit long");
/* See "What the architecture must give" in pool.h. */
#ifdef CONFIG_PPC
#error "llpool needs local_t that an NMI cannot split; powerpc's is not"
#endif

/*
 * Under CONFIG_DEBUG_VM a page's ->private records where it is: the pool's
 * address while a caller holds it, with bit 0 set while it sits in the
 * reserve (stack, depot or spill list).  llpool_free() checks it; see
 * llpool_free_ok().
 */
static __always_inline void llpool_tag(struct llpool *pool, struct page *page,
				       bool reserved)
{
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		set_page_private(page, (unsigned long)pool | reserved);
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

/* ==== Depot ============================================================== */

/**
 * DOC: Depot lists
 *
 * A depot is one node's table of magazines on two lock-free lists, full
 * (one page or more) and empty.  A list is a Treiber stack whose head word
 * packs the 1-based index of its first magazine (low LLPOOL_HEAD_BITS bits,
 * 0 for none) and a version that every change increments: a pop that read
 * a stale head, and with it a stale ->next, loses its cmpxchg instead of
 * corrupting the list (ABA); 48 version bits do not wrap while one pop is
 * interrupted.  Magazines are never freed while the pool lives, so reading
 * ->next of a magazine another CPU has just taken is harmless.
 *
 * A magazine off both lists belongs to whoever popped it, which may be any
 * CPU in any context: it fills or empties the magazine and pushes it back.
 * The successful cmpxchg of the push is a full barrier, so whoever pops it
 * next (acquire on the head) sees its pages.
 *
 * The depot grows with the traffic.  It starts with room for each of the
 * node's possible CPUs to pass a stack's worth to the others; when the
 * worker drains frees that spilled for want of room, it adds magazines
 * (up to LLPOOL_DEPOT_GROWTH times the initial count) instead of giving
 * the pages back to the page allocator, which other CPUs would only
 * refill from again.  A grown magazine's table slot is written before its
 * first push, whose cmpxchg publishes both.  Growth adds room, not pages:
 * the reaper still trims the depots (see "Idle pools and memory
 * pressure"), and the empty magazines stay (144-byte objects, in
 * kmalloc-192) until the pool is destroyed.  No growth while the CPU's
 * refill backs off, and none that would need reclaim.
 */
#define LLPOOL_HEAD_BITS	16
#define LLPOOL_HEAD_MASK	((1UL << LLPOOL_HEAD_BITS) - 1)

/* A depot grows to at most this many times its initial magazines. */
#define LLPOOL_DEPOT_GROWTH	8

/*
 * @next: the next magazine's index on the list; @nr: pages held; @idx:
 * this magazine's own 1-based index in its depot's table.
 */
struct llpool_mag {
	unsigned int next;
	unsigned int nr;
	unsigned int idx;
	struct page *pages[LLPOOL_MAG_MAX];
};

/**
 * struct llpool_depot - one node's magazines
 * @full: head of the list of magazines holding pages.
 * @empty: head of the list of empty magazines.
 * @pages: pages in the magazines on @full; a magazine's pages are added
 *	before it goes on the list and taken off after it leaves, so a racy
 *	read may count a magazine in flight.
 * @node: the node.
 * @nr_mags: magazines in @mags; grows (workers, process context) up to
 *	@max_mags, never shrinks.
 * @base_mags: magazines made at create, in @base.
 * @max_mags: @mags' size.
 * @base: the magazines made at create, one allocation.
 * @mags: the table of magazines, by index - 1: @base's, then grown ones.
 *	A slot is written once, before its magazine is first pushed.
 */
struct llpool_depot {
	atomic_long_t full;
	atomic_long_t empty;
	atomic_t pages;
	int node;
	atomic_t nr_mags;
	unsigned int base_mags;
	unsigned int max_mags;
	struct llpool_mag *base;
	struct llpool_mag *mags[];
};

static_assert(LLPOOL_MAG_MAX <= LLPOOL_HIGH_MAX);

/* Noinline: a place where kprobes can see into the lock-free pop. */
static noinline struct llpool_mag *llpool_mag_pop(struct llpool_depot *d,
						  atomic_long_t *head)
{
	struct llpool_mag *m;
	unsigned long old, new;
	unsigned int i;

	old = atomic_long_read_acquire(head);
	for (;;) {
		i = old & LLPOOL_HEAD_MASK;
		if (!i)
			return NULL;
		m = READ_ONCE(d->mags[i - 1]);
		new = ((old & ~LLPOOL_HEAD_MASK) + (1UL << LLPOOL_HEAD_BITS)) |
		      READ_ONCE(m->next);
		if (atomic_long_cmpxchg(head, old, new) == old)
			return m;
		/* A failed cmpxchg orders nothing: acquire again. */
		old = atomic_long_read_acquire(head);
	}
}

static noinline void llpool_mag_push(struct llpool_depot *d,
				     atomic_long_t *head, struct llpool_mag *m)
{
	unsigned long old = atomic_long_read(head), prev;
	unsigned long idx = m->idx;

	for (;;) {
		WRITE_ONCE(m->next, old & LLPOOL_HEAD_MASK);
		prev = atomic_long_cmpxchg(head, old,
					   ((old & ~LLPOOL_HEAD_MASK) +
					    (1UL << LLPOOL_HEAD_BITS)) | idx);
		if (prev == old)
			return;
		old = prev;
	}
}

/* Take a magazine with pages off @d's full list; the caller owns it. */
static struct llpool_mag *llpool_depot_take(struct llpool_depot *d)
{
	struct llpool_mag *m = llpool_mag_pop(d, &d->full);

	if (m)
		atomic_sub(m->nr, &d->pages);
	return m;
}

/* Give back a magazine taken from @d, to the list its contents call for. */
static void llpool_depot_return(struct llpool_depot *d, struct llpool_mag *m)
{
	if (m->nr) {
		atomic_add(m->nr, &d->pages);
		llpool_mag_push(d, &d->full, m);
	} else {
		llpool_mag_push(d, &d->empty, m);
	}
}

/* The depot of @node, a possible node (llpool_cpu.node is one). */
static __always_inline struct llpool_depot *llpool_depot(struct llpool *pool,
							 int node)
{
	return pool->depot[node];
}

/* Where @d's metadata goes: on its node when the node has memory. */
static int llpool_depot_mem_node(struct llpool_depot *d)
{
	return node_state(d->node, N_MEMORY) ? d->node : NUMA_NO_NODE;
}

/*
 * The node whose depot @cpu uses: its own, unless it has none that is
 * possible (NUMA_NO_NODE for a hot-add slot not described yet).
 */
static int llpool_cpu_node(unsigned int cpu)
{
	int node = cpu_to_node(cpu);

	if (node < 0 || node >= nr_node_ids || !node_possible(node))
		node = first_node(node_possible_map);
	return node;
}

/*
 * A magazine with pages, from @node's depot or else from the others, each
 * tried once: the miss path is bounded by the number of nodes, not CPUs.
 * Sets *@from to the depot it came from.
 */
static struct llpool_mag *llpool_depot_find(struct llpool *pool, int node,
					    struct llpool_depot **from)
{
	struct llpool_mag *m;
	int n;

	*from = llpool_depot(pool, node);
	m = llpool_depot_take(*from);
	if (m || nr_node_ids == 1)
		return m;
	for_each_node(n) {
		*from = llpool_depot(pool, n);
		if (n == node)
			continue;
		m = llpool_depot_take(*from);
		if (m)
			return m;
	}
	return NULL;
}

/*
 * Put up to @n pages of @pages into @d's magazines.  Less than a magazine's
 * worth first tops up the magazine at the head of the full list, if it has
 * room (nested allocations leave magazines partly used), rather than take
 * a whole empty magazine for a few pages; the rest goes into empty
 * magazines, one at a time.  Any CPU, any context; @n is at most a batch.
 * Returns how many went in; the caller keeps the rest (the last ones of
 * @pages).
 */
static unsigned int llpool_depot_fill(struct llpool *pool,
				      struct llpool_depot *d,
				      struct page **pages, unsigned int n)
{
	unsigned int done = 0, k;
	struct llpool_mag *m;

	/*
	 * A magazine off the lists is lost to everyone else, full or empty
	 * (an empty one is room a free could use): be quick.
	 */
	preempt_disable();
	if (n && n < pool->mag) {
		m = llpool_depot_take(d);
		if (m) {
			done = min(n, pool->mag - m->nr);
			memcpy(m->pages + m->nr, pages, done * sizeof(*pages));
			m->nr += done;
			llpool_depot_return(d, m);
		}
	}
	while (done < n) {
		m = llpool_mag_pop(d, &d->empty);
		if (!m)
			break;
		k = min(n - done, pool->mag);
		memcpy(m->pages, pages + done, k * sizeof(*pages));
		m->nr = k;
		done += k;
		llpool_depot_return(d, m);
		llpool_count(pool, LLPOOL_DEPOT_PUTS, 1);
	}
	preempt_enable();
	return done;
}

/*
 * Up to @n more empty magazines for @d, see "Depot lists".  Process context
 * (the worker); concurrent growers each get their own slots.  Returns how
 * many were added: fewer when the table is full or memory is short.
 */
static unsigned int llpool_depot_grow(struct llpool *pool,
				      struct llpool_depot *d, unsigned int n)
{
	struct llpool_mag *m;
	unsigned int added;
	int slot;

	for (added = 0; added < n; added++) {
		if (atomic_read(&d->nr_mags) >= d->max_mags)
			break;
		/* Room is worth no reclaim: without it pages are trimmed. */
		m = kzalloc_node(sizeof(*m), GFP_NOWAIT | __GFP_NOWARN,
				 llpool_depot_mem_node(d));
		if (!m)
			break;
		slot = atomic_fetch_add_unless(&d->nr_mags, 1, d->max_mags);
		if (slot >= d->max_mags) {
			kfree(m);
			break;
		}
		m->idx = slot + 1;
		/* Published with the magazine by the push's cmpxchg. */
		WRITE_ONCE(d->mags[slot], m);
		llpool_mag_push(d, &d->empty, m);
	}
	if (added)
		llpool_count(pool, LLPOOL_DEPOT_GROWN, added);
	return added;
}

/* The depot stock of @d's node: one magazine per online CPU. */
static unsigned int llpool_depot_stock(struct llpool *pool,
				       struct llpool_depot *d)
{
	return pool->mag * cpumask_weight_and(cpumask_of_node(d->node),
					      cpu_online_mask);
}

/* ==== Stack ============================================================== */

/*
 * Move up to @n pages between @batch and @c's stack as its owner (on @c's
 * CPU, preemption off, guard claimed): push while the stack holds fewer
 * than @level, or pop (top first) while it holds more.  Noinline: a kprobe
 * placed here runs nested inside a claimed section, as an IRQ or NMI
 * landing there would.  Returns the pages moved.
 */
static noinline unsigned int llpool_stack_xfer(struct llpool_cpu *c,
					       struct page **batch,
					       unsigned int n,
					       unsigned int level, bool push)
{
	unsigned int nr = c->nr, moved = 0;

	if (push) {
		while (moved < n && nr < level)
			c->slots[nr++] = batch[moved++];
	} else {
		while (moved < n && nr > level)
			batch[moved++] = c->slots[--nr];
	}
	WRITE_ONCE(c->nr, nr);
	return moved;
}

/* Pages on @c's stack, read racily from anywhere. */
static __always_inline unsigned int llpool_reserved(struct llpool_cpu *c)
{
	return READ_ONCE(c->nr);
}

/* ==== Fast path: the out-of-line halves ================================== */

/* @c, whose home is @node, was served from @d; any context, on @c's CPU. */
static void llpool_count_steal(struct llpool *pool, struct llpool_cpu *c,
			       struct llpool_depot *d, int node)
{
	local_inc(&c->stat[LLPOOL_STEALS]);
	if (d->node != node)
		local_inc(&c->stat[LLPOOL_REMOTE_STEALS]);
	trace_llpool_steal(pool, c->cpu, d->node, d->node != node);
}

/*
 * The owner's stack is empty: load it with a depot magazine, from this
 * node or else another.  Returns the pages loaded, which is the new depth
 * (0: every depot is empty).
 */
static unsigned int llpool_stack_load(struct llpool *pool, struct llpool_cpu *c)
{
	int node = READ_ONCE(c->node);
	struct llpool_depot *d;
	struct llpool_mag *m;
	unsigned int nr;

	m = llpool_depot_find(pool, node, &d);
	if (!m)
		return 0;
	/* A magazine holds at most @mag pages, and @cap is @high + @mag. */
	nr = llpool_stack_xfer(c, m->pages, m->nr, c->cap, true);
	m->nr = 0;
	llpool_depot_return(d, m);
	local_inc(&c->stat[LLPOOL_DEPOT_GETS]);
	llpool_count_steal(pool, c, d, node);
	return nr;
}

/*
 * An allocation nested in the stack's owner (IRQ, NMI, probe) takes one
 * page from a depot magazine and puts the magazine back at once.
 */
static struct page *llpool_depot_take_page(struct llpool *pool,
					   struct llpool_cpu *c)
{
	int node = READ_ONCE(c->node);
	struct llpool_depot *d;
	struct llpool_mag *m;
	struct page *page;

	m = llpool_depot_find(pool, node, &d);
	if (!m)
		return NULL;
	page = m->pages[--m->nr];
	llpool_depot_return(d, m);
	llpool_count_steal(pool, c, d, node);
	return page;
}

/**
 * __llpool_alloc_slow() - the rest of an allocation; not for callers
 * @pool: the pool
 * @c: this CPU's reserve, whose guard the fast path raised
 *
 * The stack is at or below @low, empty, or owned by the context this one
 * interrupted.  Releases the guard.
 *
 * Context: as __llpool_alloc(), on @c's CPU with preemption off.
 * Return: as __llpool_alloc().
 */
struct page *__llpool_alloc_slow(struct llpool *pool, struct llpool_cpu *c)
{
	bool owner = llpool_guard_owned(&c->active);
	struct page *page = NULL;
	unsigned int nr;

	if (owner) {
		nr = c->nr ?: llpool_stack_load(pool, c);
		if (nr) {
			page = c->slots[nr - 1];
			WRITE_ONCE(c->nr, nr - 1);
		}
	}
	llpool_guard_release(&c->active);
	if (!owner) {
		local_inc(&c->stat[LLPOOL_NESTED]);
		page = llpool_depot_take_page(pool, c);
	}
	llpool_kick(c);
	if (likely(page)) {
		llpool_tag(pool, page, false);
		local_inc(&c->stat[LLPOOL_ALLOCS]);
	} else {
		local_inc(&c->stat[LLPOOL_MISSES]);
		trace_llpool_miss(pool, c->cpu);
	}
	return page;
}
EXPORT_SYMBOL_NS_GPL(__llpool_alloc_slow, LLPOOL_NS);

/*
 * The owner's stack is full: a magazine's worth of pages from its top goes
 * to the node's depot, for the CPUs that allocate more than they free.
 * Returns the new depth (unchanged when the depot has no empty magazine).
 */
static unsigned int llpool_stack_unload(struct llpool *pool,
					struct llpool_cpu *c)
{
	struct llpool_depot *d = llpool_depot(pool, READ_ONCE(c->node));
	struct llpool_mag *m = llpool_mag_pop(d, &d->empty);

	if (!m)
		return c->nr;
	m->nr = llpool_stack_xfer(c, m->pages, pool->mag, c->nr - pool->mag,
				  false);
	llpool_depot_return(d, m);
	local_inc(&c->stat[LLPOOL_DEPOT_PUTS]);
	return c->nr;
}

/**
 * __llpool_free_slow() - the rest of a free; not for callers
 * @pool: the pool
 * @c: this CPU's reserve, whose guard the fast path raised
 * @page: the page
 *
 * The stack is full, or owned by the context this one interrupted.
 * Releases the guard.
 *
 * Context: as __llpool_free(), on @c's CPU with preemption off.
 */
void __llpool_free_slow(struct llpool *pool, struct llpool_cpu *c,
			struct page *page)
{
	bool owner = llpool_guard_owned(&c->active);
	bool pushed = false;
	unsigned int nr;

	if (owner) {
		nr = c->nr;
		if (nr >= c->cap)
			nr = llpool_stack_unload(pool, c);
		if (nr < c->cap) {
			c->slots[nr] = page;
			WRITE_ONCE(c->nr, nr + 1);
			pushed = true;
		}
	}
	llpool_guard_release(&c->active);
	local_inc(&c->stat[LLPOOL_FREES]);
	if (pushed)
		return;
	/*
	 * The depot had no empty magazine for the stack's top, or this
	 * context interrupted the owner.  The page goes where nested
	 * allocations look, into a depot magazine, so that a nested context
	 * that allocates and frees (an NMI handler, a probe) gives back what
	 * it took instead of draining the depot towards NULL while the
	 * worker catches up; else to the spill list, for the worker.
	 */
	if (!owner)
		local_inc(&c->stat[LLPOOL_NESTED]);
	if (llpool_depot_fill(pool, llpool_depot(pool, READ_ONCE(c->node)),
			      &page, 1))
		return;
	llist_add(page_address(page), &c->spill);
	atomic_inc(&c->nr_spill);
	local_inc(&c->stat[LLPOOL_SPILLED]);
	llpool_kick(c);
}
EXPORT_SYMBOL_NS_GPL(__llpool_free_slow, LLPOOL_NS);

/*
 * CONFIG_DEBUG_VM: refuse a page of the wrong order, from another pool or
 * already in the reserve (a double free), with one WARN, so that the
 * reserve stays intact.  Relies on callers leaving ->private alone while
 * they hold a page.
 */
static bool llpool_free_ok(struct llpool *pool, struct page *page)
{
	unsigned long tag = page_private(page);

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
 * __llpool_free_check() - CONFIG_DEBUG_VM's check of a free; not for callers
 * @pool: the pool
 * @page: the page being freed
 *
 * Marks an acceptable page as back in the reserve; counts a refused one.
 *
 * Context: as __llpool_free().
 * Return: true if the page may go back to the reserve.
 */
bool __llpool_free_check(struct llpool *pool, struct page *page)
{
	if (unlikely(!llpool_free_ok(pool, page))) {
		local_inc(&this_cpu_ptr(pool->pcpu)->stat[LLPOOL_REFUSED]);
		return false;
	}
	llpool_tag(pool, page, true);
	return true;
}
EXPORT_SYMBOL_NS_GPL(__llpool_free_check, LLPOOL_NS);

/* ==== Kick =============================================================== */

/*
 * A kick brings a pending run forward when the stack is at or below @low:
 * the run then only meant to look again later (see llpool_run_end()).
 * Never during a backoff, which the callers have ruled out.
 */
static bool llpool_bring_forward(struct llpool_cpu *c)
{
	return llpool_reserved(c) <= c->pool->low;
}

/*
 * No kick is needed: a failed refill is backing off (its run has re-armed,
 * or is running and will: see llpool_run_end()), or the worker is queued
 * to run now, or it waits on its timer and llpool_bring_forward() says no
 * (a stack above @low: a spill's kick waits for the look-again).  Racy: a
 * wrong answer costs one redundant kick, or one look-again delay; a kick
 * that misses a backoff just written is undone by the run's re-arm.
 */
static bool llpool_work_due(struct llpool_cpu *c)
{
	if (READ_ONCE(c->backing_off))
		return true;
	return delayed_work_pending(&c->work) &&
	       (!timer_pending(&c->work.timer) || !llpool_bring_forward(c));
}

/**
 * DOC: The kick
 *
 * At or below @low after an allocation, or on a spill, the slow path kicks
 * the CPU's refill.  It may run in NMI, in hardirq, or in a caller that
 * holds a runqueue or other scheduler lock, where queue_work() could
 * deadlock on a wakeup.  So it only raises an irq_work (NMI-safe,
 * lockless), and the irq_work, in hardirq context with no caller locks
 * held, queues the work on llpool's WQ_MEM_RECLAIM workqueue (its rescuer
 * keeps refills moving when new kworkers cannot be created).  The irq_work
 * is HARD so that it stays in hardirq on PREEMPT_RT too, where queue_work()
 * is still allowed: the workqueue pool lock is a raw spinlock.  kvfree_rcu
 * needed an hrtimer stage for the same reason.
 *
 * While a failed refill backs off, no kick does anything: the failing run
 * re-arms itself with its backoff when it ends, with mod_delayed_work_on(),
 * which also pushes back a kick that queued the work while the run was
 * executing (its pending bit is clear then).  So a CPU that misses every
 * millisecond while memory is short retries on the backoff's schedule
 * (20 ms doubling to 1 s), not back to back.  Otherwise a kick may find
 * the work queued to run now; or waiting only to look again at a stack its
 * last run left below @low.  An allocation at or below @low brings that
 * look forward with mod_delayed_work_on(), also allowed in hardirq on
 * PREEMPT_RT (the timer base lock is raw too): a caller that drains the
 * stack faster than a run refills it must not wait 20 ms.
 */
static void llpool_kick(struct llpool_cpu *c)
{
	/*
	 * Not on a CPU going down: its offline callback, on this CPU, cleared
	 * @live before its last refill could be queued, so an irq_work raised
	 * here is one raised before that, which runs on this CPU before it
	 * dies (at the latest when the dying CPU flushes its irq_work list).
	 * No kick is ever left pending on a dead CPU for llpool_destroy()'s
	 * irq_work_sync() to wait on.  A context nested in the worker's own
	 * batches does not kick: the worker looks at the level when it ends
	 * (see llpool_work_fn()).
	 */
	if (!READ_ONCE(c->live) || READ_ONCE(c->batching) || llpool_work_due(c))
		return;
	irq_work_queue(&c->kick);
}

/*
 * @c's work may be queued unless the pool is going away or the CPU is:
 * @dying pairs with WRITE_ONCE() in llpool_destroy() before
 * irq_work_sync(), @live with the offline callback, which clears it on the
 * CPU before it cancels the work.
 */
static bool llpool_may_queue(struct llpool_cpu *c)
{
	return !READ_ONCE(c->pool->dying) && READ_ONCE(c->live);
}

/*
 * Queue @c's work on its CPU after @delay, if it may be and is not queued
 * already.  The worker's look-again, the reaper, the shrinker and every
 * kick but one that brings a look forward (see llpool_kick_fn()) come
 * through here.
 */
static void llpool_queue_work(struct llpool_cpu *c, unsigned long delay)
{
	if (llpool_may_queue(c))
		queue_delayed_work_on(c->cpu, llpool_wq, &c->work, delay);
}

/*
 * Queue @c's work on its CPU to run after @delay exactly, if it may be,
 * whatever is queued already: a look brought forward, a backoff.
 */
static void llpool_rearm_work(struct llpool_cpu *c, unsigned long delay)
{
	if (llpool_may_queue(c))
		mod_delayed_work_on(c->cpu, llpool_wq, &c->work, delay);
}

static void llpool_kick_fn(struct irq_work *kick)
{
	struct llpool_cpu *c = container_of(kick, struct llpool_cpu, kick);

	/*
	 * On this CPU, so @live cannot change under us, and the worker (bound
	 * here) is either before or after its write of @backing_off: a
	 * backoff seen here stands, and a kick that queues just before it is
	 * written is pushed back by the run's re-arm.
	 */
	if (READ_ONCE(c->backing_off))
		return;
	if (llpool_bring_forward(c))
		llpool_rearm_work(c, 0);
	else
		llpool_queue_work(c, 0);
}

/* ==== Refill and trim ==================================================== */

/*
 * llpool_stack_xfer() as @c's owner, from the worker (or the online
 * callback): on @c's CPU, preemption off, guard claimed, with @batching
 * set so that contexts nested in it do not kick.  The worker is bound to
 * its CPU except while the CPU goes offline, and then this moves nothing:
 * the dead callback takes the stack.  Returns the pages moved.
 */
static unsigned int llpool_stack_move(struct llpool_cpu *c, struct page **batch,
				      unsigned int n, unsigned int level,
				      bool push)
{
	unsigned int moved = 0;

	preempt_disable();
	/* The guard is c->cpu's own local_t: never touch it from elsewhere. */
	if (smp_processor_id() == c->cpu) {
		if (llpool_guard_claim(&c->active)) {
			WRITE_ONCE(c->batching, true);
			moved = llpool_stack_xfer(c, batch, n, level, push);
			WRITE_ONCE(c->batching, false);
		}
		llpool_guard_release(&c->active);
	}
	preempt_enable();
	return moved;
}

/*
 * Back to the page allocator, without llpool's CONFIG_DEBUG_VM tag.  Not
 * counted: for fresh pages that never made it into the pool.
 */
static void llpool_drop_pages(struct llpool *pool, struct page **batch,
			      unsigned int n)
{
	while (n) {
		set_page_private(batch[--n], 0);
		__free_pages(batch[n], pool->order);
	}
}

/* Pages leaving the pool, counted as trimmed. */
static void llpool_free_pages(struct llpool *pool, struct page **batch,
			      unsigned int n)
{
	llpool_count(pool, LLPOOL_TRIMMED, n);
	llpool_drop_pages(pool, batch, n);
}

/*
 * Give the owner's pages above @limit back to the page allocator.  Runs on
 * @c's CPU (the worker).  Returns the pages freed.
 */
static unsigned long llpool_trim_to(struct llpool_cpu *c, unsigned int limit)
{
	struct page *batch[LLPOOL_BATCH];
	unsigned long freed = 0;
	unsigned int n;

	do {
		n = llpool_stack_move(c, batch, LLPOOL_BATCH, limit, false);
		llpool_free_pages(c->pool, batch, n);
		freed += n;
		cond_resched();
	} while (n == LLPOOL_BATCH);
	if (freed)
		trace_llpool_trim(c->pool, c->cpu, freed, limit);
	return freed;
}

/*
 * Give a depot's pages above @keep back to the page allocator, a magazine
 * at a time, until @max are freed (the last magazine may pass it).  Any
 * CPU.  Returns the pages freed.
 */
static unsigned long llpool_depot_trim(struct llpool *pool,
				       struct llpool_depot *d, unsigned int keep,
				       unsigned long max)
{
	struct page *batch[LLPOOL_MAG_MAX];
	unsigned long freed = 0;
	struct llpool_mag *m;
	unsigned int n;

	while (freed < max && atomic_read(&d->pages) > keep) {
		/*
		 * A magazine off the lists is lost to everyone else: empty it
		 * with preemption off, and free its pages after (zone->lock
		 * sleeps on PREEMPT_RT).
		 */
		preempt_disable();
		m = llpool_depot_take(d);
		n = m ? m->nr : 0;
		if (m) {
			memcpy(batch, m->pages, n * sizeof(*batch));
			m->nr = 0;
			llpool_depot_return(d, m);
		}
		preempt_enable();
		if (!m)
			break;
		freed += n;
		llpool_count(pool, LLPOOL_DEPOT_GETS, 1);
		llpool_free_pages(pool, batch, n);
		cond_resched();
	}
	return freed;
}

/*
 * Pages @c holds for the pool: on its stack and on its spill list.  The
 * stack depth is the owner's; a racy read only delays a decision.
 */
static unsigned int llpool_level(struct llpool_cpu *c)
{
	return llpool_reserved(c) + max(atomic_read(&c->nr_spill), 0);
}

/*
 * Spilled pages go back on the stack up to @high, then into the node's
 * depot, grown if it must be; what is left goes back to the page
 * allocator.  Off @c's CPU nothing is pushed on the stack.
 */
static void llpool_drain_spill(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct llpool_depot *d = llpool_depot(pool, READ_ONCE(c->node));
	struct page *batch[LLPOOL_BATCH];
	struct llist_node *node, *next;
	unsigned int n = 0, taken, drained = 0, kept = 0;

	node = llist_del_all(&c->spill);
	while (node) {
		next = node->next;
		batch[n++] = virt_to_page(node);
		atomic_dec(&c->nr_spill);
		node = next;
		if (n < LLPOOL_BATCH && node)
			continue;
		taken = llpool_stack_move(c, batch, n, pool->high, true);
		taken += llpool_depot_fill(pool, d, batch + taken, n - taken);
		/*
		 * Frees outran the depot's room: make room and keep the pages,
		 * with a stack's worth of magazines to spare, so that the next
		 * full stacks unload whole magazines instead of spilling page
		 * by page into magazines of their own.  Not while a refill
		 * backs off: memory is short, and the pages are wanted back.
		 */
		if (taken < n && !READ_ONCE(c->backing_off) &&
		    llpool_depot_grow(pool, d, DIV_ROUND_UP(n - taken, pool->mag) +
					       DIV_ROUND_UP(pool->high, pool->mag)))
			taken += llpool_depot_fill(pool, d, batch + taken, n - taken);
		drained += n;
		kept += taken;
		/* Only pages that leave the pool are counted, as trimmed. */
		llpool_free_pages(pool, batch + taken, n - taken);
		n = 0;
	}
	if (drained)
		trace_llpool_spill_drain(pool, c->cpu, drained - kept, kept);
}

/* Fresh pages from @c's node, tagged as in the reserve.  Returns how many. */
static unsigned int llpool_alloc_batch(struct llpool_cpu *c,
				       struct page **batch, unsigned int want)
{
	struct llpool *pool = c->pool;
	int node = READ_ONCE(c->node);
	unsigned int got;

	for (got = 0; got < want; got++) {
		batch[got] = alloc_pages_node(node, pool->gfp, pool->order);
		if (!batch[got])
			break;
		llpool_tag(pool, batch[got], true);
	}
	return got;
}

/*
 * The worker's part of the depot: pages other CPUs gave up come back from
 * depot @d before the page allocator is asked.  Only the surplus above
 * the stock, not even part of the stock with the last magazine: taking the
 * stock would only have it restocked from the page allocator (by this very
 * run, see llpool_stock_depot()) while frees elsewhere overflow the depot.
 * Pushes one magazine's pages onto @c's stack, whose room (@cap = @high +
 * a magazine) takes a whole one whenever the level is below @high.
 * Returns the pages moved.
 */
static unsigned int llpool_refill_from(struct llpool_cpu *c,
				       struct llpool_depot *d)
{
	struct llpool *pool = c->pool;
	int stock = llpool_depot_stock(pool, d), surplus;
	struct llpool_mag *m;
	unsigned int taken;

	if (atomic_read(&d->pages) <= stock)
		return 0;
	/* A magazine off the lists is lost to everyone else: be quick. */
	preempt_disable();
	m = llpool_mag_pop(d, &d->full);
	if (!m) {
		preempt_enable();
		return 0;
	}
	/*
	 * The surplus as this take leaves it: workers of the node racing us
	 * each see the others' takes, and together leave the stock.
	 */
	surplus = atomic_sub_return(m->nr, &d->pages) + (int)m->nr - stock;
	taken = llpool_stack_move(c, m->pages, clamp_t(int, surplus, 0, m->nr),
				  c->cap, true);
	/* What did not fit (frees raced us) stays in the magazine. */
	memmove(m->pages, m->pages + taken, (m->nr - taken) * sizeof(*m->pages));
	m->nr -= taken;
	llpool_depot_return(d, m);
	preempt_enable();
	if (taken)
		llpool_count(pool, LLPOOL_DEPOT_GETS, 1);
	return taken;
}

/*
 * A magazine's worth from the surplus of @c's node's depot, else from
 * another node's, as an empty stack does (llpool_depot_find()): when the
 * traffic between two nodes is lopsided (one node's CPUs allocate what the
 * other's free), the surplus piles up in the freeing node's depot, and
 * the page allocator is the only other place the allocating node could
 * refill from, while the freeing node's depot overflows back into it.
 * Returns the pages moved.
 */
static unsigned int llpool_refill_from_depot(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	int node = READ_ONCE(c->node), n;
	unsigned int taken;

	taken = llpool_refill_from(c, llpool_depot(pool, node));
	/* __GFP_THISNODE: the pool's pages come from the CPU's node only. */
	if (taken || nr_node_ids == 1 || (pool->gfp & __GFP_THISNODE))
		return taken;
	for_each_node(n) {
		if (n == node)
			continue;
		taken = llpool_refill_from(c, llpool_depot(pool, n));
		if (taken)
			return taken;
	}
	return 0;
}

/*
 * Keep one magazine per online CPU of the node in the depot: what a CPU
 * whose stack runs empty, or a context nested in a stack's owner, takes
 * before it gets NULL.  One magazine a run.  Returns as llpool_refill().
 */
static int llpool_stock_depot(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct llpool_depot *d = llpool_depot(pool, READ_ONCE(c->node));
	struct page *batch[LLPOOL_MAG_MAX];
	unsigned int got, in;

	/* Short of stock, and room for it (partly used magazines take room). */
	if (atomic_read(&d->pages) >= llpool_depot_stock(pool, d) ||
	    !(atomic_long_read(&d->empty) & LLPOOL_HEAD_MASK))
		return 0;
	got = llpool_alloc_batch(c, batch, pool->mag);
	in = llpool_depot_fill(pool, d, batch, got);
	llpool_count(pool, LLPOOL_REFILLED, in);
	llpool_drop_pages(pool, batch + in, got - in);
	return got == pool->mag ? 1 : -ENOMEM;
}

/**
 * DOC: Refill
 *
 * The worker drains the spill list (onto the stack up to @high, then into
 * the depot, the rest back to the page allocator), fills the stack to
 * @high (from the depots' surplus above their stock first, its own node's
 * and then the others' unless the pool's gfp has __GFP_THISNODE, about a
 * stack's worth of pages a run; then from the page allocator on the CPU's
 * node), and tops the
 * depot's stock up by one magazine.  When an allocation fails it retries
 * after a backoff that doubles from 20 ms up to 1 s, and no kick shortens
 * it (see "The end of a run"): a CPU that misses every millisecond while
 * memory is short runs its refill about 8 times in its first 3 s, not
 * back to back.  A run that ends with the stack still below @low (its
 * caller drains faster) looks again 20 ms later, or at the next kick,
 * whichever comes first.
 *
 * A run takes at most @high pages from the page allocator for the stack.
 * Pages spilled meanwhile count towards the level and go back on the stack
 * before any new page is taken: a context that nests inside the worker's
 * batches (an NMI or a probe doing an alloc and a free) takes a page from
 * the depot and spills one for every batch, so without both rules the
 * stack would never reach @high and the refill would allocate without end
 * (before the budget: about 50,000 pages a second at 16 vCPUs).  With them
 * the CPU holds at most @high pages plus what nested contexts spill, and
 * the run ends.
 */

/*
 * Fill @c to @high, see "Refill".  Returns -ENOMEM when an allocation
 * failed (the caller backs off); 1 when the page allocator gave every page
 * asked of it (a backoff ends); 0 when it was not asked (the depots or the
 * spill list sufficed, the stack filled up under us, we are not on @c's
 * CPU): that tells nothing of memory, and a backoff stands.
 */
static int llpool_refill(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct page *batch[LLPOOL_BATCH];
	unsigned int budget = pool->high, want, got, taken;
	unsigned int from_depot = pool->high;
	bool failed = false, asked = false;
	int stocked;

	for (;;) {
		if (atomic_read(&c->nr_spill) > 0)
			llpool_drain_spill(c);
		if (llpool_level(c) >= pool->high)
			break;
		/*
		 * A stack's worth of the depot's pages a run, like the budget:
		 * counted in pages, because a magazine may hold only a few.
		 */
		taken = from_depot ? llpool_refill_from_depot(c) : 0;
		if (taken) {
			from_depot -= min(taken, from_depot);
			cond_resched();
			continue;
		}
		want = pool->high - min(llpool_level(c), pool->high);
		want = min3(want, LLPOOL_BATCH, budget);
		if (!want)
			break;
		got = llpool_alloc_batch(c, batch, want);
		asked = true;
		if (got && budget == pool->high)
			llpool_count(pool, LLPOOL_REFILL_RUNS, 1);
		budget -= got;
		taken = llpool_stack_move(c, batch, got, pool->high, true);
		llpool_count(pool, LLPOOL_REFILLED, taken);
		llpool_drop_pages(pool, batch + taken, got - taken);
		if (got < want) {
			/* One count per failed allocation: a refill stops at
			 * its first, so injected failures and this count agree.
			 */
			llpool_count(pool, LLPOOL_REFILL_FAILS, 1);
			failed = true;
			break;
		}
		if (taken < got)
			break;
		cond_resched();
	}
	if (!failed) {
		stocked = llpool_stock_depot(c);
		asked |= stocked != 0;
		if (stocked < 0) {
			llpool_count(pool, LLPOOL_REFILL_FAILS, 1);
			failed = true;
		}
	}
	if (budget < pool->high || failed)
		trace_llpool_refill(pool, c->cpu, pool->high - budget,
				    llpool_level(c), failed);
	return failed ? -ENOMEM : asked;
}

/*
 * Everything @c holds goes back to the page allocator: once @c's CPU is
 * dead (dead callback) or the pool is stopped (teardown), when nothing
 * else touches the stack.
 */
static void llpool_give_back(struct llpool_cpu *c)
{
	struct llist_node *node, *next;
	unsigned int nr = c->nr;

	WRITE_ONCE(c->nr, 0);
	llpool_free_pages(c->pool, c->slots, nr);
	llist_for_each_safe(node, next, llist_del_all(&c->spill)) {
		struct page *page = virt_to_page(node);

		llpool_free_pages(c->pool, &page, 1);
		atomic_dec(&c->nr_spill);
	}
}

/**
 * DOC: The end of a run
 *
 * Every run of the worker that may refill, and the online callback, end in
 * llpool_run_end(), which decides the next run:
 *
 * - During a backoff (@backing_off set), the next run is at @retry_at:
 *   mod_delayed_work_on() replaces whatever a kick queued while this run
 *   executed, and kicks do nothing.  A failed refill sets @retry_at
 *   @backoff from now, @backoff doubling from 20 ms to 1 s; a run that
 *   only trimmed (a shrinker's or the reaper's request, which brings the
 *   run forward) leaves @retry_at where it was.  The backoff ends with a
 *   run that gets pages from the page allocator (@backoff back to 0) or
 *   that needs none (the stack at @high and the depot stocked without
 *   asking: @backoff kept, so that a new failure backs off longer).  So a
 *   backoff always holds, and, while the CPU is live and the pool not
 *   dying, @backing_off set means "the work is queued or running, and will
 *   re-arm": no kick is lost by ignoring it.
 * - Otherwise, contexts nested in the run's batches did not kick (they
 *   see @batching): if they left pages spilled, or the stack is below
 *   @low, the run looks again 20 ms later, not at once, so that a probe
 *   nesting in every batch cannot keep the worker running back to back.
 *   An allocation that finds the stack at @low meanwhile kicks, and that
 *   brings the look forward (llpool_kick_fn()).
 *
 * Trim runs end here too, so that a page a nested context spilled during
 * a trim is not stranded on an idle CPU.
 */
static void llpool_run_end(struct llpool_cpu *c)
{
	unsigned long retry_at = READ_ONCE(c->retry_at), now = jiffies;

	if (READ_ONCE(c->backing_off))
		llpool_rearm_work(c, time_after(retry_at, now) ? retry_at - now : 0);
	else if (atomic_read(&c->nr_spill) > 0 ||
		 llpool_reserved(c) < c->pool->low)
		llpool_queue_work(c, LLPOOL_BACKOFF_MIN);
}

/* A refill failed: retry later, less often each time; kicks do nothing. */
static void llpool_back_off(struct llpool_cpu *c)
{
	unsigned long backoff = clamp_t(unsigned long, READ_ONCE(c->backoff) * 2,
					LLPOOL_BACKOFF_MIN, LLPOOL_BACKOFF_MAX);

	WRITE_ONCE(c->backoff, backoff);
	WRITE_ONCE(c->retry_at, jiffies + backoff);
	WRITE_ONCE(c->backing_off, true);
}

static void llpool_work_fn(struct work_struct *work)
{
	struct llpool_cpu *c = container_of(to_delayed_work(work),
					    struct llpool_cpu, work);
	struct llpool *pool = c->pool;
	unsigned long freed;
	int trim, got;

	/*
	 * A CPU that is down or going down gets nothing new: the run only
	 * drains its spill list (into the depot, off the CPU), and does not
	 * re-arm; the dead callback takes the stack.  @live is cleared on the
	 * CPU before its work is cancelled and before the workqueue unbinds
	 * it, so a run that sees @live set runs bound to its CPU
	 * (llpool_stack_move() checks again with preemption off).
	 */
	if (!READ_ONCE(c->live)) {
		llpool_drain_spill(c);
		return;
	}
	llpool_drain_spill(c);
	trim = xchg(&c->trim, LLPOOL_TRIM_NONE);
	if (trim) {
		/* A trim leaves a backoff as it is: memory is no less short. */
		freed = llpool_trim_to(c, pool->low);
		if (trim == LLPOOL_TRIM_SHRINK)
			llpool_count(pool, LLPOOL_SHRUNK, freed);
	} else {
		got = llpool_refill(c);
		if (got < 0)
			llpool_back_off(c);
		else
			/* See "The end of a run": gave, or none was needed. */
			WRITE_ONCE(c->backing_off, false);
		if (got > 0)
			WRITE_ONCE(c->backoff, 0);
	}
	llpool_run_end(c);
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
EXPORT_SYMBOL_NS_GPL(llpool_run_cpu_work, LLPOOL_INTERNAL_NS);

/* ==== Reaper and shrinker =============================================== */

/*
 * Ask @c's worker to trim its stack to @low: only the owner may.  A
 * shrinker request is not downgraded by the reaper's (SHRUNK counts it).
 * The CPU may be going down meanwhile: then the work runs off it, finds
 * @live clear and leaves the stack to the dead callback.
 */
static void llpool_request_trim(struct llpool_cpu *c, int why)
{
	if (why == LLPOOL_TRIM_SHRINK)
		WRITE_ONCE(c->trim, why);
	else
		cmpxchg(&c->trim, LLPOOL_TRIM_NONE, why);
	/*
	 * Now, also during a backoff: a trim does not call the page
	 * allocator, and the run re-arms for the backoff's @retry_at.
	 */
	llpool_rearm_work(c, 0);
}

/*
 * Every depot down to its stock (with @half, by half its surplus above
 * the stock), until @max pages are freed; any CPU.  Returns the pages
 * freed.
 */
static unsigned long llpool_trim_depots(struct llpool *pool, unsigned long max,
					bool half)
{
	unsigned int keep, pages;
	unsigned long freed = 0;
	struct llpool_depot *d;
	int node;

	for_each_node(node) {
		d = pool->depot[node];
		keep = llpool_depot_stock(pool, d);
		pages = max(atomic_read(&d->pages), 0);
		if (half && pages > keep)
			keep += (pages - keep) / 2;
		freed += llpool_depot_trim(pool, d, keep, max - min(freed, max));
	}
	return freed;
}

/**
 * DOC: Idle pools and memory pressure
 *
 * An idle pool gives back what it holds above its resting level: @low per
 * online CPU and the depots' stock.  Every 5 s a reaper (one deferrable
 * delayed work per pool: an idle machine is not woken for it) compares
 * each online CPU's allocations and frees with its last look; a CPU above
 * @low that did neither for two looks in a row is trimmed by its worker,
 * and when no CPU did anything the depots are trimmed to their stock
 * (when some CPU did, by half their surplus above it: a depot grown by a
 * burst gives it back over a few periods even under a steady load).
 *
 * Under memory pressure the pool's shrinker gives back the depots' pages
 * above their stock at once (the depot lists are lock-free, so from
 * whatever CPU reclaim runs on) and asks every online CPU's worker to trim
 * its stack to @low: only the owner touches a stack.  The reserve below
 * @low, and the stock, is what the pool is for, and it stays.
 */
static void llpool_reap_fn(struct work_struct *work)
{
	struct llpool *pool = container_of(to_delayed_work(work), struct llpool,
					   reap);
	bool busy = false, idle;
	struct llpool_cpu *c;
	unsigned long mark;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		mark = local_read(&c->stat[LLPOOL_ALLOCS]) +
		       local_read(&c->stat[LLPOOL_FREES]);
		/*
		 * @idle races with the online callback's reset on @c's CPU:
		 * either order costs at most one reaper period.
		 */
		if (mark != c->reap_mark) {
			c->reap_mark = mark;
			WRITE_ONCE(c->idle, false);
			busy = true;
		} else if (llpool_reserved(c) > pool->low) {
			idle = READ_ONCE(c->idle);
			if (idle)
				llpool_request_trim(c, LLPOOL_TRIM_IDLE);
			WRITE_ONCE(c->idle, !idle);
		}
	}
	/*
	 * Idle, the depots go down to their stock; busy, by half their
	 * surplus, so that what a burst left there does not stay for as long
	 * as some CPU keeps the pool busy.
	 */
	llpool_trim_depots(pool, ULONG_MAX, busy);
	if (!READ_ONCE(pool->dying))
		queue_delayed_work(llpool_wq, &pool->reap, LLPOOL_REAP_DELAY);
}

/**
 * llpool_reap_now() - run the pool's reaper now and wait for it
 * @pool: the pool
 *
 * For llpool's tests (namespace LLPOOL_INTERNAL): two calls with no
 * allocation or free in between trim every idle CPU, as two reaper
 * periods would.
 *
 * Context: process context; may sleep.
 */
void llpool_reap_now(struct llpool *pool)
{
	mod_delayed_work(llpool_wq, &pool->reap, 0);
	flush_delayed_work(&pool->reap);
}
EXPORT_SYMBOL_NS_GPL(llpool_reap_now, LLPOOL_INTERNAL_NS);

/* The shrinker, see "Idle pools and memory pressure". */
static unsigned long llpool_shrink_count(struct shrinker *shrinker,
					 struct shrink_control *sc)
{
	struct llpool *pool = llpool_shrinker_private(shrinker);
	struct llpool_depot *d;
	unsigned long n = 0;
	unsigned int cpu, nr, stock;
	int node;

	for_each_online_cpu(cpu) {
		nr = llpool_reserved(per_cpu_ptr(pool->pcpu, cpu));
		if (nr > pool->low)
			n += nr - pool->low;
	}
	for_each_node(node) {
		d = pool->depot[node];
		stock = llpool_depot_stock(pool, d);
		if (atomic_read(&d->pages) > stock)
			n += atomic_read(&d->pages) - stock;
	}
	return n ?: SHRINK_EMPTY;
}

/*
 * Up to @sc->nr_to_scan pages: the depots' surplus first (freed here), then
 * the stacks' surplus above @low, asked of their workers (freed soon after,
 * counted as SHRUNK then).  A CPU already asked is not asked, nor counted,
 * again: reclaim calls in batches before the workers have run.
 */
static unsigned long llpool_shrink_scan(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct llpool *pool = llpool_shrinker_private(shrinker);
	unsigned long freed, asked = 0;
	struct llpool_cpu *c;
	unsigned int cpu, nr;

	freed = llpool_trim_depots(pool, sc->nr_to_scan, false);
	llpool_count(pool, LLPOOL_SHRUNK, freed);
	for_each_online_cpu(cpu) {
		if (freed + asked >= sc->nr_to_scan)
			break;
		c = per_cpu_ptr(pool->pcpu, cpu);
		nr = llpool_reserved(c);
		if (nr <= pool->low || READ_ONCE(c->trim) == LLPOOL_TRIM_SHRINK)
			continue;
		llpool_request_trim(c, LLPOOL_TRIM_SHRINK);
		asked += nr - pool->low;
	}
	sc->nr_scanned = freed + asked;
	return freed ?: SHRINK_STOP;
}

/**
 * DOC: CPU hotplug
 *
 * Only online CPUs hold a reserve, so that a machine with
 * many more possible than online CPUs (hot-add slots, maxcpus=, VMs sized
 * for resize) pays for the CPUs it runs.  Each pool is an instance of two
 * multi-instance hotplug states, so the hotplug core, not a walk of
 * cpu_online_mask, decides which CPUs a pool serves:
 *
 * online
 *   CPUHP_AP_ONLINE_DYN, on the CPU, after the workqueue has bound its
 *   workers; also for every CPU already up when llpool_create() adds the
 *   instance: fill the CPU to @high, then set @live, and have the CPU's
 *   worker pool make its spare kworker before a kick needs one.  If
 *   memory is short, the worker retries.
 * offline
 *   the same state going down, on the CPU, before the workqueue unbinds
 *   its workers; also for every CPU when llpool_destroy() removes the
 *   instance: clear @live, so that no kick queues work and no run re-arms,
 *   then cancel the work.  The reserve stays usable until the CPU stops.
 * dead
 *   CPUHP_BP_PREPARE_DYN, on another CPU, once nothing runs on the CPU any
 *   more: give its stack and spill list back.  Only that CPU touches its
 *   stack or spills, so both stay empty until it comes back.
 *
 * A kick is raised only while @live is set, and the offline step clears it
 * on the CPU itself, so every irq_work raised on a CPU runs there before it
 * dies (the dying CPU flushes its irq_works): none is ever left pending on
 * a dead CPU.  A worker that finds @live clear (queued before its CPU went
 * down, or run off it) only drains the spill list and does not re-arm.
 */
static enum cpuhp_state llpool_cpuhp_online_state;
static enum cpuhp_state llpool_cpuhp_dead_state;

static int llpool_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct llpool *pool = hlist_entry(node, struct llpool, cpuhp_online);
	struct llpool_cpu *c = per_cpu_ptr(pool->pcpu, cpu);
	bool filled;

	/*
	 * The fast path may already run here and read @node: both values are
	 * valid nodes.  A trim the reaper or shrinker asked for while the CPU
	 * went down (they walk the online CPUs without holding hotplug off),
	 * or a backoff from its last life, is not for this one.
	 */
	WRITE_ONCE(c->node, llpool_cpu_node(cpu));
	WRITE_ONCE(c->trim, LLPOOL_TRIM_NONE);
	WRITE_ONCE(c->idle, false);
	WRITE_ONCE(c->backoff, 0);
	WRITE_ONCE(c->backing_off, false);
	/* The hotplug thread of @cpu: llpool_stack_move() pushes from here. */
	filled = llpool_refill(c) >= 0;
	/* If memory is short, a backoff, set before kicks can see @live. */
	if (!filled)
		llpool_back_off(c);
	WRITE_ONCE(c->live, true);
	/*
	 * Kicks were off until now: a page a context nested in the refill
	 * spilled, or a stack below @low, gets its look here.
	 */
	llpool_run_end(c);
	if (filled) {
		/*
		 * Make the CPU's worker pool (per CPU, shared by every pool)
		 * create its spare kworker now, with a work item that does
		 * nothing: the pool's last idle kworker must create a spare
		 * before it takes a work item, so the first kick on a fresh
		 * CPU waited for kthreadd, or for the rescuer's mayday, 17 to
		 * 36 ms in a trace of rcuscale's kfree_rcu test.  The pool
		 * keeps two idle kworkers from then on.  Not the refill work:
		 * a run now would stock the depot for CPUs not yet online in
		 * this pool.  Already pending for another pool: no matter.
		 */
		queue_work_on(cpu, llpool_wq, per_cpu_ptr(&llpool_warm_work, cpu));
	}
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
	struct llpool_cpu *c = per_cpu_ptr(pool->pcpu, cpu);

	llpool_give_back(c);
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

static void llpool_free_depot(struct llpool_depot *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = d->base_mags; i < atomic_read(&d->nr_mags); i++)
		kfree(d->mags[i]);
	kvfree(d->base);
	kvfree(d);
}

static void llpool_free_cpus(struct llpool *pool)
{
	unsigned int cpu;
	int node;

	for_each_possible_cpu(cpu)
		kfree(per_cpu_ptr(pool->pcpu, cpu)->slots);
	free_percpu(pool->pcpu);
	if (pool->depot)
		for_each_node(node)
			llpool_free_depot(pool->depot[node]);
	kfree(pool->depot);
}

/*
 * One depot per possible node, on the node when it has memory, so that a
 * CPU whose node changes (physical hot-add) finds one.  Room per possible
 * CPU of the node (at least one): its magazine of stock and @high pages of
 * surplus, so that a CPU that only frees can pass a whole stack's worth to
 * the CPUs that only allocate without a trim; and one magazine more.  The
 * table has room for LLPOOL_DEPOT_GROWTH times as many.  Returns -ENOMEM.
 */
static int llpool_alloc_depots(struct llpool *pool)
{
	unsigned int cpu, n, max, i;
	struct llpool_depot *d;
	int node;

	pool->depot = kcalloc(nr_node_ids, sizeof(*pool->depot), GFP_KERNEL);
	if (!pool->depot)
		return -ENOMEM;
	for_each_node(node) {
		n = 0;
		for_each_possible_cpu(cpu)
			n += llpool_cpu_node(cpu) == node;
		n = max(n, 1U) * (DIV_ROUND_UP(pool->high, pool->mag) + 1) + 1;
		n = min_t(unsigned int, n, LLPOOL_HEAD_MASK);
		max = min_t(unsigned int, n * LLPOOL_DEPOT_GROWTH, LLPOOL_HEAD_MASK);
		/* Up to megabytes on a big machine with a high @high. */
		d = kvzalloc_node(struct_size(d, mags, max), GFP_KERNEL,
				  node_state(node, N_MEMORY) ? node : NUMA_NO_NODE);
		if (!d)
			return -ENOMEM;
		pool->depot[node] = d;
		d->node = node;
		d->base = kvzalloc_node(array_size(n, sizeof(*d->base)), GFP_KERNEL,
					llpool_depot_mem_node(d));
		if (!d->base)
			return -ENOMEM;
		d->base_mags = n;
		d->max_mags = max;
		atomic_set(&d->nr_mags, n);
		for (i = 0; i < n; i++) {
			d->mags[i] = &d->base[i];
			d->base[i].idx = i + 1;
			llpool_mag_push(d, &d->empty, &d->base[i]);
		}
	}
	return 0;
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
 * ERR_PTR(-ENOMEM) when memory for the pool or its prefill is short,
 * ERR_PTR(-ENODEV) when llpool itself failed to start (built in).
 */
struct llpool *llpool_create(const struct llpool_params *params)
{
	struct llpool *pool;
	struct llpool_cpu *c;
	unsigned int cpu;
	int ret;

	might_sleep();
	/* A module whose init failed is not loaded; built in, it stays. */
	if (!llpool_wq)
		return ERR_PTR(-ENODEV);
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
	pool->mag = min_t(unsigned int, params->high, LLPOOL_MAG_MAX);
	pool->gfp = params->gfp ?: LLPOOL_GFP_DEFAULT;
	if (pool->order)
		pool->gfp |= __GFP_COMP;
	INIT_LIST_HEAD(&pool->list);
	INIT_DEFERRABLE_WORK(&pool->reap, llpool_reap_fn);

	pool->pcpu = alloc_percpu(struct llpool_cpu);
	if (!pool->pcpu) {
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}
	ret = llpool_alloc_depots(pool);
	if (ret)
		goto err_free;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		c->pool = pool;
		c->cpu = cpu;
		llpool_guard_init(&c->active);
		c->node = llpool_cpu_node(cpu);
		c->low = pool->low;
		c->cap = pool->high + pool->mag;
		init_llist_head(&c->spill);
		c->kick = IRQ_WORK_INIT_HARD(llpool_kick_fn);
		INIT_DELAYED_WORK(&c->work, llpool_work_fn);
		c->slots = kcalloc_node(c->cap, sizeof(*c->slots), GFP_KERNEL,
					c->node);
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
	queue_delayed_work(llpool_wq, &pool->reap, LLPOOL_REAP_DELAY);

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
EXPORT_SYMBOL_NS_GPL(llpool_create, LLPOOL_NS);

/* ==== Teardown =========================================================== */

/*
 * Return every page on the stacks, spill lists and depots.  Only once no
 * fast path, irq_work, worker or reaper can run on the pool.
 */
static void llpool_release_pages(struct llpool *pool)
{
	struct llpool_depot *d;
	struct llpool_cpu *c;
	unsigned int cpu;
	int node;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		if (c->slots)
			llpool_give_back(c);
	}
	if (!pool->depot)
		return;
	for_each_node(node) {
		d = pool->depot[node];
		if (d)
			llpool_depot_trim(pool, d, 0, ULONG_MAX);
	}
}

/**
 * DOC: Teardown
 *
 * llpool_destroy() frees the shrinker (waiting for scans in flight) and
 * takes the pool off the list and debugfs.  Then, in this order: the
 * hotplug instances go (the offline callback runs on every CPU the pool
 * serves, clearing @live and cancelling the work there, and no hotplug
 * callback sees the pool afterwards); @dying is set, so that no irq_work
 * or reaper queues new work, whatever it read; the reaper is cancelled;
 * irq_work_sync() leaves no kick in flight (a kick is raised only while
 * @live is set, and so runs on its CPU before that CPU can die); and the
 * work can be cancelled for good (cancelling never runs a work item, so a
 * CPU that was never online is no obstacle).  Only then does it return
 * every page.  Pages still held by callers are counted and reported with
 * a WARN, and they are not freed: a late llpool_free() must not become a
 * double free of a page the page allocator has handed to someone else.
 */

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

	/* In the order "Teardown" explains. */
	llpool_stop_cpus(pool);
	WRITE_ONCE(pool->dying, true);
	cancel_delayed_work_sync(&pool->reap);
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
EXPORT_SYMBOL_NS_GPL(llpool_destroy, LLPOOL_NS);

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
	[LLPOOL_DEPOT_PUTS]	= "depot_puts",
	[LLPOOL_DEPOT_GETS]	= "depot_gets",
	[LLPOOL_REFUSED]	= "refused",
	[LLPOOL_SHRUNK]		= "shrunk",
	[LLPOOL_DEPOT_GROWN]	= "depot_grown",
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
EXPORT_SYMBOL_NS_GPL(llpool_counter_name, LLPOOL_NS);

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
EXPORT_SYMBOL_NS_GPL(llpool_cpu_reserved, LLPOOL_NS);

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
	int node;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		for (i = 0; i < LLPOOL_COUNTER_COUNT; i++)
			stats->counter[i] += local_read(&c->stat[i]);
		stats->reserved += llpool_reserved(c);
		stats->spilled += max(atomic_read(&c->nr_spill), 0);
	}
	for_each_node(node)
		stats->depot += max(atomic_read(&pool->depot[node]->pages), 0);
	stats->reserved += stats->depot;
}
EXPORT_SYMBOL_NS_GPL(llpool_get_stats, LLPOOL_NS);

static int llpool_stats_show(struct seq_file *m, void *v)
{
	struct llpool *pool = m->private;
	struct llpool_stats st;
	struct llpool_cpu *c;
	unsigned int cpu, i;

	llpool_get_stats(pool, &st);
	seq_printf(m, "order: %u\nlow: %u\nhigh: %u\nmagazine: %u\n",
		   pool->order, pool->low, pool->high, pool->mag);
	for (i = 0; i < LLPOOL_COUNTER_COUNT; i++)
		seq_printf(m, "%s: %llu\n", llpool_counter_names[i], st.counter[i]);
	seq_printf(m, "reserved: %lu\ndepot: %lu\nspill: %lu\n",
		   st.reserved, st.depot, st.spilled);
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

static void llpool_warm_fn(struct work_struct *work)
{
}

static int __init llpool_init(void)
{
	unsigned int cpu;
	int ret;

	llpool_wq = alloc_workqueue("llpool", WQ_MEM_RECLAIM | WQ_HIGHPRI | LLPOOL_WQ_PERCPU, 0);
	if (!llpool_wq)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		INIT_WORK(per_cpu_ptr(&llpool_warm_work, cpu), llpool_warm_fn);
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
	llpool_wq = NULL;
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
