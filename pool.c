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
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/local.h>

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
 * @nr: pages on @slots.
 * @active: reentrancy guard, see llpool_claim().
 * @spill: pages freed while @slots could not take them.
 * @nr_spill: pages on @spill.
 * @kick: irq_work that queues @work; see "Kick".
 * @work: refill and trim.
 * @backoff: current refill backoff in jiffies, 0 when refills succeed.
 * @stat: event counters, enum llpool_counter.
 * @pool: the pool this reserve belongs to.
 * @cpu: the owning CPU.
 *
 * Who touches what:
 * - @slots and @nr: the owning CPU only, with IRQs off and @active claimed:
 *   the fast path and this CPU's worker.  Stats read @nr locklessly.
 * - @active, @stat: local_t operations on the owning CPU, any context.
 *   Worker counters are updated only inside a claimed section, on the CPU.
 * - @spill: llist_add() from the owning CPU in any context; emptied with
 *   llist_del_all() by the worker and by teardown.  @nr_spill follows it
 *   and may lag by the pages in flight.
 * - @backoff: the worker only (one work item never runs concurrently with
 *   itself).
 */
struct llpool_cpu {
	struct page **slots;
	unsigned int nr;
	local_t active;
	struct llist_head spill;
	atomic_t nr_spill;
	struct irq_work kick;
	struct delayed_work work;
	unsigned long backoff;
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
 * @list: entry in llpool_list.
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
	struct list_head list;
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
struct lockdep_map llpool_fast_map = {
	.name = "llpool_fast_path",
	.key = &llpool_fast_key,
	.wait_type_outer = LD_WAIT_FREE,
	.wait_type_inner = LD_WAIT_SPIN,
};
EXPORT_SYMBOL_NS_GPL(llpool_fast_map, LLPOOL_INTERNAL);
#endif

static void llpool_kick(struct llpool_cpu *c);

/* ==== Fast path ========================================================== */

/*
 * Claim this CPU's reserve.  Called with IRQs off, so the only contexts that
 * can interrupt a claimed section are NMIs and probes placed inside it; they
 * see ->active > 1 and must keep away from @slots.  The guard is always
 * released with llpool_release(), whether the claim succeeded or not.
 */
static __always_inline bool llpool_claim(struct llpool_cpu *c)
{
	return local_inc_return(&c->active) == 1;
}

static __always_inline void llpool_release(struct llpool_cpu *c)
{
	/*
	 * The @slots and @nr stores above must be done before the guard drops:
	 * an NMI that sees it at zero may claim the reserve.  Same CPU, so a
	 * compiler barrier suffices (x86's local_dec() has no memory clobber).
	 */
	barrier();
	local_dec(&c->active);
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

/**
 * __llpool_alloc() - take a page from this CPU's reserve, IRQs already off
 * @pool: the pool
 *
 * Like llpool_alloc(), for callers that have disabled interrupts already.
 *
 * Context: any context with IRQs disabled, including NMI.
 * Return: a page of the pool's order, or NULL when this CPU's reserve is
 * empty or already in use by the context this call interrupted.
 */
struct page *__llpool_alloc(struct llpool *pool)
{
	struct llpool_cpu *c = this_cpu_ptr(pool->pcpu);
	struct page *page = NULL;
	unsigned int nr = 0;
	bool nested;

	lockdep_assert_irqs_disabled();
	llpool_fast_enter();
	nested = !llpool_claim(c);
	if (!nested) {
		nr = c->nr;
		if (nr) {
			page = c->slots[--nr];
			WRITE_ONCE(c->nr, nr);
		}
	}
	llpool_release(c);

	if (nested)
		local_inc(&c->stat[LLPOOL_NESTED]);
	if (page) {
		local_inc(&c->stat[LLPOOL_ALLOCS]);
		if (nr < pool->low)
			llpool_kick(c);
	} else {
		local_inc(&c->stat[LLPOOL_MISSES]);
		llpool_kick(c);
	}
	llpool_fast_exit();
	return page;
}
EXPORT_SYMBOL_GPL(__llpool_alloc);

/**
 * llpool_alloc() - take a page from this CPU's reserve
 * @pool: the pool
 *
 * Never sleeps, never takes a lock and never calls the page allocator.  When
 * the reserve falls below the pool's low mark a refill is queued.
 *
 * Context: any context: task, softirq, hardirq, NMI, IRQs off, under a
 * raw_spinlock_t (also on PREEMPT_RT).
 * Return: a page of the pool's order, or NULL when this CPU's reserve is
 * empty or already in use by the context this call interrupted.
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
EXPORT_SYMBOL_GPL(llpool_alloc);

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
	bool pushed = false;

	if (!page)
		return;
	lockdep_assert_irqs_disabled();
	c = this_cpu_ptr(pool->pcpu);
	llpool_fast_enter();
	if (llpool_claim(c)) {
		nr = c->nr;
		if (nr < pool->cap) {
			c->slots[nr++] = page;
			WRITE_ONCE(c->nr, nr);
			pushed = true;
		}
	} else {
		local_inc(&c->stat[LLPOOL_NESTED]);
	}
	llpool_release(c);

	local_inc(&c->stat[LLPOOL_FREES]);
	if (!pushed) {
		/* Stack full, or claimed by the context we interrupted. */
		llist_add(llpool_page_node(page), &c->spill);
		atomic_inc(&c->nr_spill);
		local_inc(&c->stat[LLPOOL_SPILLED]);
		llpool_kick(c);
	} else if (nr > pool->high) {
		llpool_kick(c);
	}
	llpool_fast_exit();
}
EXPORT_SYMBOL_GPL(__llpool_free);

/**
 * llpool_free() - give a page back to this CPU's reserve
 * @pool: the pool the page came from
 * @page: the page, or NULL (ignored)
 *
 * The page may have been allocated on another CPU.  It goes onto this
 * CPU's reserve; above the pool's high mark the worker trims it back to the
 * page allocator later.  Never calls the page allocator's free path, never
 * takes a lock, never sleeps.  The page's contents are not preserved.
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
EXPORT_SYMBOL_GPL(llpool_free);

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
	/* A refill that is queued, or waiting out a backoff, will see the new
	 * level when it runs; a racy read only costs one redundant kick.
	 */
	if (delayed_work_pending(&c->work))
		return;
	irq_work_queue(&c->kick);
}

static void llpool_kick_fn(struct irq_work *kick)
{
	struct llpool_cpu *c = container_of(kick, struct llpool_cpu, kick);

	/* Pairs with WRITE_ONCE() in llpool_destroy() before irq_work_sync(). */
	if (!READ_ONCE(c->pool->dying))
		queue_delayed_work_on(c->cpu, llpool_wq, &c->work, 0);
}

/* ==== Refill and trim ==================================================== */

/*
 * The worker's view of a reserve.  A bound work item runs on its CPU except
 * once that CPU is going offline; then these helpers do nothing, and the
 * caller keeps (and frees) its pages.
 *
 * Move up to @n pages from @batch onto @c's stack while it holds fewer than
 * @limit, adding the number taken to @counter.  Returns how many were
 * taken; the caller owns the rest.
 */
static unsigned int llpool_put_batch(struct llpool_cpu *c, struct page **batch,
				     unsigned int n, unsigned int limit,
				     enum llpool_counter counter)
{
	unsigned int taken = 0, nr;
	unsigned long flags;

	local_irq_save(flags);
	if (smp_processor_id() == c->cpu && llpool_claim(c)) {
		nr = c->nr;
		while (taken < n && nr < limit)
			c->slots[nr++] = batch[taken++];
		WRITE_ONCE(c->nr, nr);
		local_add(taken, &c->stat[counter]);
	}
	llpool_release(c);
	local_irq_restore(flags);
	return taken;
}

/* Take up to @max pages off @c's stack while it holds more than @limit. */
static unsigned int llpool_take_batch(struct llpool_cpu *c, struct page **batch,
				      unsigned int max, unsigned int limit)
{
	unsigned int taken = 0, nr;
	unsigned long flags;

	local_irq_save(flags);
	if (smp_processor_id() == c->cpu && llpool_claim(c)) {
		nr = c->nr;
		while (taken < max && nr > limit)
			batch[taken++] = c->slots[--nr];
		WRITE_ONCE(c->nr, nr);
		local_add(taken, &c->stat[LLPOOL_TRIMMED]);
	}
	llpool_release(c);
	local_irq_restore(flags);
	return taken;
}

static void llpool_count(struct llpool_cpu *c, enum llpool_counter counter,
			 unsigned int n)
{
	unsigned long flags;

	local_irq_save(flags);
	if (smp_processor_id() == c->cpu)
		local_add(n, &c->stat[counter]);
	local_irq_restore(flags);
}

static void llpool_free_pages(struct llpool *pool, struct page **batch,
			      unsigned int n)
{
	while (n)
		__free_pages(batch[--n], pool->order);
}

/* Spilled pages go back on the stack up to @high; the rest are trimmed. */
static void llpool_drain_spill(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct page *batch[LLPOOL_BATCH];
	struct llist_node *node, *next;
	unsigned int n = 0, taken;

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
		taken = llpool_put_batch(c, batch, n, pool->high, LLPOOL_REFILLED);
		llpool_count(c, LLPOOL_TRIMMED, n);
		llpool_free_pages(pool, batch + taken, n - taken);
		n = 0;
	}
}

static void llpool_trim(struct llpool_cpu *c)
{
	struct page *batch[LLPOOL_BATCH];
	unsigned int n;

	do {
		n = llpool_take_batch(c, batch, LLPOOL_BATCH, c->pool->high);
		llpool_free_pages(c->pool, batch, n);
		cond_resched();
	} while (n == LLPOOL_BATCH);
}

/* Fill @c to @high from its CPU's node.  Returns false on allocation failure. */
static bool llpool_refill(struct llpool_cpu *c)
{
	struct llpool *pool = c->pool;
	struct page *batch[LLPOOL_BATCH];
	int node = cpu_to_node(c->cpu);
	unsigned int want, n, taken;
	bool counted = false;

	for (;;) {
		want = pool->high - min(READ_ONCE(c->nr), pool->high);
		if (!want)
			return true;
		want = min(want, LLPOOL_BATCH);
		for (n = 0; n < want; n++) {
			batch[n] = alloc_pages_node(node, pool->gfp, pool->order);
			if (!batch[n])
				break;
		}
		if (n && !counted) {
			llpool_count(c, LLPOOL_REFILL_RUNS, 1);
			counted = true;
		}
		taken = llpool_put_batch(c, batch, n, pool->high, LLPOOL_REFILLED);
		llpool_free_pages(pool, batch + taken, n - taken);
		if (n < want) {
			llpool_count(c, LLPOOL_REFILL_FAILS, 1);
			return false;
		}
		if (!taken)
			return true;
		cond_resched();
	}
}

static void llpool_work_fn(struct work_struct *work)
{
	struct llpool_cpu *c = container_of(to_delayed_work(work),
					    struct llpool_cpu, work);

	llpool_drain_spill(c);
	llpool_trim(c);
	if (llpool_refill(c)) {
		c->backoff = 0;
		return;
	}
	/* Memory is short: retry later, less often each time, and do not let
	 * kicks from the fast path shorten the wait (llpool_kick() sees the
	 * pending work).
	 */
	c->backoff = clamp_t(unsigned long, c->backoff * 2,
			     LLPOOL_BACKOFF_MIN, LLPOOL_BACKOFF_MAX);
	if (!READ_ONCE(c->pool->dying))
		queue_delayed_work_on(c->cpu, llpool_wq, &c->work, c->backoff);
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
 * The pool is not published yet, so nothing else can touch a reserve: fill
 * every possible CPU's stack from here, with plain stores.
 */
static int llpool_prefill(struct llpool *pool)
{
	struct llpool_cpu *c;
	struct page *page;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		while (c->nr < pool->high) {
			page = alloc_pages_node(cpu_to_node(cpu), pool->gfp,
						pool->order);
			if (!page)
				return -ENOMEM;
			c->slots[c->nr++] = page;
			local_inc(&c->stat[LLPOOL_REFILLED]);
		}
		local_inc(&c->stat[LLPOOL_REFILL_RUNS]);
	}
	return 0;
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
 * llpool_create() - create a pool and fill every CPU's reserve
 * @params: what to build; see struct llpool_params
 *
 * Every possible CPU's reserve is filled to @params->high from that CPU's
 * node before the pool is returned.
 *
 * Context: process context; may sleep.
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
	/*
	 * Refuse a taken name before paying for a prefill; the check is done
	 * again at insertion.  The list lock is not held across the prefill:
	 * its allocations may enter reclaim.
	 */
	mutex_lock(&llpool_list_lock);
	ret = llpool_find(params->name) ? -EEXIST : 0;
	mutex_unlock(&llpool_list_lock);
	if (ret) {
		pr_err("create %s: a pool with this name exists\n", params->name);
		return ERR_PTR(ret);
	}

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	strscpy(pool->name, params->name);
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

	ret = llpool_prefill(pool);
	if (ret) {
		pr_err("create %s: no memory to prefill the reserves\n",
		       pool->name);
		goto err_free;
	}

	mutex_lock(&llpool_list_lock);
	if (llpool_find(pool->name)) {
		mutex_unlock(&llpool_list_lock);
		pr_err("create %s: a pool with this name exists\n",
		       pool->name);
		ret = -EEXIST;
		goto err_free;
	}
	list_add_tail(&pool->list, &llpool_list);
	llpool_debugfs_add(pool);
	mutex_unlock(&llpool_list_lock);
	return pool;

err_free:
	llpool_release_pages(pool);
	llpool_free_cpus(pool);
	kfree(pool);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(llpool_create);

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
		local_add(c->nr, &c->stat[LLPOOL_TRIMMED]);
		llpool_free_pages(pool, c->slots, c->nr);
		c->nr = 0;
		llist_for_each_safe(node, next, llist_del_all(&c->spill)) {
			__free_pages(llpool_node_page(node), pool->order);
			atomic_dec(&c->nr_spill);
			local_inc(&c->stat[LLPOOL_TRIMMED]);
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
 * Context: process context; may sleep.
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

	mutex_lock(&llpool_list_lock);
	list_del(&pool->list);
	debugfs_remove_recursive(pool->dir);
	mutex_unlock(&llpool_list_lock);

	/*
	 * Order matters: after @dying no irq_work queues new work; after
	 * irq_work_sync() none is in flight; then the work can be cancelled
	 * for good (a running worker checks @dying before requeueing).
	 */
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
EXPORT_SYMBOL_GPL(llpool_destroy);

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
EXPORT_SYMBOL_GPL(llpool_counter_name);

/**
 * llpool_cpu_reserved() - pages on one CPU's reserve
 * @pool: the pool
 * @cpu: a possible CPU
 *
 * Context: any context.
 * Return: the pages on @cpu's stack at the time of the read, 0 for a CPU
 * that is not possible.
 */
unsigned int llpool_cpu_reserved(const struct llpool *pool, unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return 0;
	return READ_ONCE(per_cpu_ptr(pool->pcpu, cpu)->nr);
}
EXPORT_SYMBOL_GPL(llpool_cpu_reserved);

/**
 * llpool_get_stats() - snapshot a pool's counters and levels
 * @pool: the pool
 * @stats: filled in
 *
 * Context: any context.  The snapshot is not atomic; see struct llpool_stats.
 */
void llpool_get_stats(const struct llpool *pool, struct llpool_stats *stats)
{
	const struct llpool_cpu *c;
	unsigned int cpu, i;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(pool->pcpu, cpu);
		for (i = 0; i < LLPOOL_COUNTER_COUNT; i++)
			stats->counter[i] += local_read(&c->stat[i]);
		stats->reserved += READ_ONCE(c->nr);
		stats->spilled += max(atomic_read(&c->nr_spill), 0);
	}
}
EXPORT_SYMBOL_GPL(llpool_get_stats);

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
		seq_printf(m, "cpu%u: reserved=%u spill=%d allocs=%ld misses=%ld frees=%ld\n",
			   cpu, READ_ONCE(c->nr), atomic_read(&c->nr_spill),
			   local_read(&c->stat[LLPOOL_ALLOCS]),
			   local_read(&c->stat[LLPOOL_MISSES]),
			   local_read(&c->stat[LLPOOL_FREES]));
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
	llpool_wq = alloc_workqueue("llpool", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	if (!llpool_wq)
		return -ENOMEM;
	llpool_debugfs_root = debugfs_create_dir("llpool", NULL);
	return 0;
}

static void __exit llpool_exit(void)
{
	/* Every pool is gone: users hold a reference on this module. */
	debugfs_remove_recursive(llpool_debugfs_root);
	destroy_workqueue(llpool_wq);
}

module_init(llpool_init);
module_exit(llpool_exit);
MODULE_DESCRIPTION("llpool: a per-CPU page reserve usable in any context");
MODULE_LICENSE("GPL");
