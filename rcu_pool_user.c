// SPDX-License-Identifier: GPL-2.0
/*
 * rcu_pool_user: deferred free after an RCU grace period from any context,
 * on llpool pages.  The design is described in rcu_pool_user.h.  Layout:
 *
 *   Fast path        llpool_rcu_free(): a pointer into this CPU's block
 *   Kick             irq_work -> monitor
 *   Grace period     monitor -> rcu_work -> kvfree + llpool_free
 *   CPU hotplug      a dead CPU's open block is adopted
 *   Barrier, create and teardown
 *   Stats and the default instance (llpool_kfree_rcu())
 *
 * Its load generator is a test module of its own (testmods/rcu_stress.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/local.h>

#include "compat.h"
#include "llpool_internal.h"
#include "llpool_param.h"
#include "pool.h"
#include "rcu_pool_user.h"

#define CREATE_TRACE_POINTS
#include "rcu_pool_user_trace.h"

/* A partly filled block waits at most this long for more pointers. */
#define LLPOOL_RCU_TIMEOUT	(HZ / 50)

/* llpool_rcu_cpu.busy: a batch is in flight (owns ->inflight). */
#define LLPOOL_RCU_BUSY		0

/**
 * struct llpool_rcu_cpu - one CPU's state
 * @cur: the open block.
 * @active: reentrancy guard, as in llpool.
 * @closed: blocks waiting for a grace period.
 * @inflight: the batch whose grace period @rwork waits for.
 * @busy: LLPOOL_RCU_BUSY while a batch is in flight.
 * @kick: irq_work that schedules @monitor.
 * @monitor: closes an expired block, submits closed blocks.
 * @rwork: runs a grace period after a batch is submitted.
 * @stat: fast-path counters (QUEUED, FALLBACKS, PAGES taken).
 * @r: the instance.
 * @cpu: the owning CPU.
 *
 * Who touches what:
 *
 * - @cur: the owning CPU with IRQs off and @active claimed (the fast path
 *   and @monitor when it runs there), or the CPU-dead callback, once
 *   nothing runs on the owning CPU; see "CPU hotplug".
 * - @closed: llist_add() in any context on the owning CPU; llist_del_all()
 *   by whoever holds LLPOOL_RCU_BUSY.
 * - @inflight: whoever holds LLPOOL_RCU_BUSY (test_and_set_bit_lock).
 * - @stat: local_t on the owning CPU, any context.
 */
struct llpool_rcu_cpu {
	struct llpool_rcu_block *cur;
	local_t active;
	struct llist_head closed;
	struct llist_node *inflight;
	unsigned long busy;
	struct irq_work kick;
	struct delayed_work monitor;
	struct rcu_work rwork;
	local_t stat[LLPOOL_RCU_COUNTER_COUNT];
	struct llpool_rcu *r;
	unsigned int cpu;
};

/**
 * struct llpool_rcu - an instance
 * @pool: where the block pages come from.
 * @pcpu: per-CPU state.
 * @freed: objects freed.
 * @blocks: blocks submitted.
 * @gps: grace periods waited for.
 * @early: blocks freed on their own cookie, without a grace period of
 *	their own (also in @blocks).
 * @returned: block pages given back to @pool.
 * @flushing: llpool_rcu_barrier() callers in progress: while non-zero, the
 *	monitor closes open blocks before their timeout.
 * @dying: teardown: no more work is queued.
 * @dir: debugfs directory.
 * @cpuhp_dead: instance of the CPU-dead hotplug state.
 * @cpuhp_online: instance of the CPU-online hotplug state.
 */
struct llpool_rcu {
	struct llpool *pool;
	struct llpool_rcu_cpu __percpu *pcpu;
	atomic_long_t freed;
	atomic_long_t blocks;
	atomic_long_t gps;
	atomic_long_t early;
	atomic_long_t returned;
	atomic_t flushing;
	bool dying;
	struct dentry *dir;
	struct hlist_node cpuhp_dead;
	struct hlist_node cpuhp_online;
};

static struct workqueue_struct *llpool_rcu_wq;
/* llpool_rcu_free()'s own fast-path annotation (see llpool_internal.h). */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
static struct lock_class_key llpool_rcu_fast_key;
static struct lockdep_map llpool_rcu_fast_map =
	LLPOOL_FAST_MAP_INIT("llpool_rcu_fast_path", &llpool_rcu_fast_key);
#define LLPOOL_RCU_FAST_MAP	(&llpool_rcu_fast_map)
#else
#define LLPOOL_RCU_FAST_MAP	NULL
#endif
static struct dentry *llpool_rcu_debugfs;
static enum cpuhp_state llpool_rcu_cpuhp_dead;
static enum cpuhp_state llpool_rcu_cpuhp_online;

/* ==== Fast path ========================================================== */

/* The open block is guarded as llpool guards its pushes. */
static __always_inline bool llpool_rcu_claim(struct llpool_rcu_cpu *c)
{
	return llpool_guard_claim(&c->active);
}

static __always_inline void llpool_rcu_release(struct llpool_rcu_cpu *c)
{
	llpool_guard_release(&c->active);
}

/*
 * Close @c's open block: it takes no more pointers and waits for a grace
 * period.  The cookie is taken after the block's last pointer went in
 * (get_state_synchronize_rcu() orders with a full barrier), so a grace
 * period that ends after the cookie covers every pointer in it.  Owning
 * CPU, IRQs off, guard claimed.
 */
static __always_inline void llpool_rcu_close_block(struct llpool_rcu_cpu *c,
						   struct llpool_rcu_block *b)
{
	b->gp = get_state_synchronize_rcu();
	WRITE_ONCE(c->cur, NULL);
	llist_add(&b->node, &c->closed);
}

/**
 * llpool_rcu_free() - free @ptr with kvfree() after an RCU grace period
 * @r: the instance
 * @ptr: memory from kmalloc() or vmalloc(), or NULL (ignored)
 *
 * Headless: @ptr needs no rcu_head.  Never sleeps, never takes a lock,
 * never calls the page allocator and never waits for a grace period.
 *
 * Context: any context: task, softirq, hardirq, NMI, IRQs off, under a
 * raw_spinlock_t (also on PREEMPT_RT).
 * Return: 0 when @ptr will be freed after a grace period; -ENOMEM when no
 * block page was reachable (or this CPU's state was in use by the context
 * this call interrupted): then nothing happened and the caller still owns
 * @ptr.
 */
int llpool_rcu_free(struct llpool_rcu *r, void *ptr)
{
	struct llpool_rcu_cpu *c;
	struct llpool_rcu_block *b;
	unsigned long flags;
	struct page *page;
	bool kick = false, nested = false;
	int ret = -ENOMEM;

	if (!ptr)
		return 0;
	local_irq_save(flags);
	llpool_fast_map_enter(LLPOOL_RCU_FAST_MAP);
	c = this_cpu_ptr(r->pcpu);
	if (!llpool_rcu_claim(c)) {
		nested = true;
		goto out;
	}
	b = c->cur;
	if (!b) {
		page = __llpool_alloc(r->pool);
		if (!page)
			goto out;
		local_inc(&c->stat[LLPOOL_RCU_PAGES]);
		b = page_address(page);
		b->nr = 0;
		b->start = jiffies;
		WRITE_ONCE(c->cur, b);
		kick = true;		/* arm the timeout */
	}
	b->ptrs[b->nr++] = ptr;
	if (b->nr == LLPOOL_RCU_PTRS) {
		llpool_rcu_close_block(c, b);
		kick = true;		/* submit now */
	}
	ret = 0;
out:
	llpool_rcu_release(c);
	local_inc(&c->stat[ret ? LLPOOL_RCU_FALLBACKS : LLPOOL_RCU_QUEUED]);
	if (ret)
		trace_llpool_rcu_fallback(ptr, c->cpu, nested);
	/*
	 * A CPU in its last steps down (an NMI after its dying CPU flushed its
	 * irq_works) is no longer online: a kick raised there would stay
	 * pending on the dead CPU.  Its blocks need none: the CPU-dead
	 * callback adopts them.
	 */
	if (kick && cpu_online(smp_processor_id()))
		irq_work_queue(&c->kick);
	llpool_fast_map_exit(LLPOOL_RCU_FAST_MAP);
	local_irq_restore(flags);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(llpool_rcu_free, LLPOOL_NS);

/* ==== Kick =============================================================== */

/*
 * Hardirq, no caller locks held (see llpool's kick for why the fast path
 * cannot queue work itself).  Closed blocks want the monitor now; an open
 * block wants it when its timeout expires, unless it is already pending.
 */
static void llpool_rcu_kick_fn(struct irq_work *kick)
{
	struct llpool_rcu_cpu *c = container_of(kick, struct llpool_rcu_cpu, kick);

	if (READ_ONCE(c->r->dying))
		return;
	if (!llist_empty(&c->closed))
		mod_delayed_work_on(c->cpu, llpool_rcu_wq, &c->monitor, 0);
	else
		queue_delayed_work_on(c->cpu, llpool_rcu_wq, &c->monitor,
				      LLPOOL_RCU_TIMEOUT);
}

/* ==== Grace period ======================================================= */

/*
 * Hand every closed block to the rcu_work, unless a batch is in flight:
 * then the rcu_work calls this again when it is done.
 */
static void llpool_rcu_submit(struct llpool_rcu_cpu *c)
{
	struct llist_node *batch, *node;
	long n = 0;

	if (llist_empty(&c->closed))
		return;
	if (test_and_set_bit_lock(LLPOOL_RCU_BUSY, &c->busy))
		return;
	batch = llist_del_all(&c->closed);
	if (!batch) {
		clear_bit_unlock(LLPOOL_RCU_BUSY, &c->busy);
		return;
	}
	for (node = batch; node; node = node->next)
		n++;
	c->inflight = batch;
	atomic_long_add(n, &c->r->blocks);
	/*
	 * Every pointer in the batch was added before its block was closed,
	 * and so before this call_rcu() inside queue_rcu_work(): the grace
	 * period covers all of them.
	 */
	queue_rcu_work(llpool_rcu_wq, &c->rwork);
}

static void llpool_rcu_free_batch(struct llpool_rcu *r, struct llist_node *batch)
{
	struct llpool_rcu_block *b;
	struct llist_node *next;
	unsigned int i, n;

	for (; batch; batch = next) {
		next = batch->next;
		b = container_of(batch, struct llpool_rcu_block, node);
		/* Slab objects in one kfree_bulk(), vmalloc ones one by one. */
		for (i = 0, n = 0; i < b->nr; i++) {
			if (is_vmalloc_addr(b->ptrs[i]))
				vfree(b->ptrs[i]);
			else
				b->ptrs[n++] = b->ptrs[i];
		}
		kfree_bulk(n, b->ptrs);
		atomic_long_add(b->nr, &r->freed);
		llpool_free(r->pool, virt_to_page(b));
		atomic_long_inc(&r->returned);
		cond_resched();
	}
}

/*
 * Blocks closed while a batch was in flight whose grace period has already
 * passed (by their cookie) need no other: free them now instead of making
 * them wait for the next batch's.  Called with LLPOOL_RCU_BUSY held.
 */
static void llpool_rcu_free_expired(struct llpool_rcu_cpu *c)
{
	struct llist_node *node, *next, *ready = NULL, *keep = NULL, *last = NULL;
	struct llpool_rcu_block *b;
	long n = 0;

	for (node = llist_del_all(&c->closed); node; node = next) {
		next = node->next;
		b = container_of(node, struct llpool_rcu_block, node);
		if (poll_state_synchronize_rcu(b->gp)) {
			node->next = ready;
			ready = node;
			n++;
		} else {
			node->next = keep;
			keep = node;
			if (!last)
				last = node;
		}
	}
	if (keep)
		llist_add_batch(keep, last, &c->closed);
	if (!n)
		return;
	atomic_long_add(n, &c->r->blocks);
	atomic_long_add(n, &c->r->early);
	llpool_rcu_free_batch(c->r, ready);
}

static void llpool_rcu_rwork_fn(struct work_struct *work)
{
	struct llpool_rcu_cpu *c = container_of(to_rcu_work(work),
						struct llpool_rcu_cpu, rwork);
	struct llist_node *batch = c->inflight;

	c->inflight = NULL;
	atomic_long_inc(&c->r->gps);
	llpool_rcu_free_batch(c->r, batch);
	llpool_rcu_free_expired(c);
	clear_bit_unlock(LLPOOL_RCU_BUSY, &c->busy);
	/* Blocks closed while this batch was in flight. */
	smp_mb__after_atomic();
	llpool_rcu_submit(c);
}

/*
 * Take @c's open block if it has waited long enough (or always, when
 * @force).  Returns the jiffies the open block still has to wait, 0 if none
 * is left open or it is not ours to close.
 */
static unsigned long llpool_rcu_close(struct llpool_rcu_cpu *c, bool force)
{
	struct llpool_rcu_block *b;
	unsigned long flags, left = 0;

	local_irq_save(flags);
	/*
	 * The monitor is queued on its CPU and runs elsewhere only when that
	 * CPU is going down (the workqueue unbinds it).  It must then leave
	 * the open block alone, and not re-arm (a timer added on a CPU that
	 * dies meanwhile would wait for its return): the CPU may still be
	 * adding to the block, and once it is dead the CPU-dead callback
	 * adopts it.  If the CPU stays up after all (a failed offline), its
	 * online callback runs again and restarts the monitor.
	 */
	if (smp_processor_id() == c->cpu) {
		if (llpool_rcu_claim(c)) {
			b = c->cur;
			if (b && (force ||
				  time_after_eq(jiffies, b->start + LLPOOL_RCU_TIMEOUT)))
				llpool_rcu_close_block(c, b);
			else if (b)
				left = b->start + LLPOOL_RCU_TIMEOUT - jiffies;
		}
		llpool_rcu_release(c);
	}
	local_irq_restore(flags);
	return left;
}

static void llpool_rcu_monitor_fn(struct work_struct *work)
{
	struct llpool_rcu_cpu *c = container_of(to_delayed_work(work),
						struct llpool_rcu_cpu, monitor);
	unsigned long left;

	left = llpool_rcu_close(c, atomic_read(&c->r->flushing) > 0);
	llpool_rcu_submit(c);
	if (left && !READ_ONCE(c->r->dying))
		queue_delayed_work_on(c->cpu, llpool_rcu_wq, &c->monitor, left);
}

/* ==== CPU hotplug ======================================================== */

/*
 * On the CPU, once its workers are bound: a block opened before the CPU
 * counted as online raised no kick, and a monitor that ran off the CPU
 * (an offline that failed) did not re-arm, so look at the blocks now.
 */
static int llpool_rcu_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct llpool_rcu *r = hlist_entry(node, struct llpool_rcu, cpuhp_online);
	struct llpool_rcu_cpu *c = per_cpu_ptr(r->pcpu, cpu);

	if (!READ_ONCE(r->dying) &&
	    (READ_ONCE(c->cur) || !llist_empty(&c->closed)))
		mod_delayed_work_on(cpu, llpool_rcu_wq, &c->monitor, 0);
	return 0;
}

/*
 * A dead CPU's open block is adopted here, on another CPU, once nothing
 * runs on the dead one: it is closed (its cookie taken after its last
 * pointer, as always) and submitted.  The monitor never touches it off its
 * CPU, so this is the only hand on it.  Blocks it had closed are on
 * ->closed and go with them; a batch in flight finishes wherever its
 * rcu_work runs (it is not bound to a CPU).
 */
static int llpool_rcu_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	struct llpool_rcu *r = hlist_entry(node, struct llpool_rcu, cpuhp_dead);
	struct llpool_rcu_cpu *c = per_cpu_ptr(r->pcpu, cpu);

	if (c->cur)
		llpool_rcu_close_block(c, c->cur);
	llpool_rcu_submit(c);
	return 0;
}

/* ==== Barrier, create and teardown ======================================= */

/*
 * No block closed and waiting, and no batch in flight; and, with @open, no
 * block open either.
 */
static bool llpool_rcu_settled(struct llpool_rcu *r, bool open)
{
	struct llpool_rcu_cpu *c;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(r->pcpu, cpu);
		if ((open && READ_ONCE(c->cur)) || !llist_empty(&c->closed) ||
		    test_bit(LLPOOL_RCU_BUSY, &c->busy))
			return false;
	}
	return true;
}

static bool llpool_rcu_idle(struct llpool_rcu *r)
{
	return llpool_rcu_settled(r, true);
}

/**
 * llpool_rcu_barrier() - free everything queued so far
 * @r: the instance
 *
 * Closes every open block, waits for their grace periods and frees every
 * object queued before the call.  Callers that keep queueing meanwhile may
 * keep it waiting.  Concurrent callers each get a whole barrier.
 *
 * Context: process context, not under cpus_read_lock() nor in a CPU
 * hotplug callback (it holds off hotplug); sleeps for at least one grace
 * period.
 */
void llpool_rcu_barrier(struct llpool_rcu *r)
{
	struct llpool_rcu_cpu *c;
	unsigned int cpu;

	might_sleep();
	atomic_inc(&r->flushing);
	do {
		/*
		 * Open blocks are closed on their own CPUs, so only online
		 * CPUs are kicked (work queued on a CPU that was never online
		 * would never run), with hotplug held off meanwhile.  A CPU
		 * that is not online has had its blocks adopted by the
		 * CPU-dead callback.
		 */
		cpus_read_lock();
		for_each_online_cpu(cpu) {
			c = per_cpu_ptr(r->pcpu, cpu);
			mod_delayed_work_on(cpu, llpool_rcu_wq, &c->monitor, 0);
			flush_delayed_work(&c->monitor);
		}
		cpus_read_unlock();
		/* rcu_works are not bound to a CPU. */
		for_each_possible_cpu(cpu)
			flush_rcu_work(&per_cpu_ptr(r->pcpu, cpu)->rwork);
	} while (!llpool_rcu_idle(r));
	atomic_dec(&r->flushing);
}
EXPORT_SYMBOL_NS_GPL(llpool_rcu_barrier, LLPOOL_NS);

static int llpool_rcu_stats_show(struct seq_file *m, void *v);
DEFINE_SHOW_ATTRIBUTE(llpool_rcu_stats);

/**
 * llpool_rcu_create() - create an instance with its own llpool
 * @name: name of the instance and of its pool (debugfs), see llpool_params
 * @low: the pool's per-CPU low mark
 * @high: the pool's per-CPU high mark
 *
 * Context: process context, not under cpus_read_lock() nor in a CPU
 * hotplug callback (it registers with CPU hotplug); may sleep.
 * Return: the instance, or an ERR_PTR() from llpool_create() (-EINVAL for
 * bad parameters, -EEXIST, -ENOMEM).
 */
struct llpool_rcu *llpool_rcu_create(const char *name, unsigned int low,
				     unsigned int high)
{
	struct llpool_params p = { .name = name, .low = low, .high = high };
	struct llpool_rcu_cpu *c;
	struct llpool_rcu *r;
	unsigned int cpu;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->pcpu = alloc_percpu(struct llpool_rcu_cpu);
	if (!r->pcpu) {
		ret = -ENOMEM;
		goto err_free;
	}
	r->pool = llpool_create(&p);
	if (IS_ERR(r->pool)) {
		ret = PTR_ERR(r->pool);
		goto err_free;
	}
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(r->pcpu, cpu);
		c->r = r;
		c->cpu = cpu;
		llpool_guard_init(&c->active);
		init_llist_head(&c->closed);
		c->kick = IRQ_WORK_INIT_HARD(llpool_rcu_kick_fn);
		INIT_DELAYED_WORK(&c->monitor, llpool_rcu_monitor_fn);
		INIT_RCU_WORK(&c->rwork, llpool_rcu_rwork_fn);
	}
	/* Nothing is queued yet: no callback needs to run now. */
	ret = cpuhp_state_add_instance_nocalls(llpool_rcu_cpuhp_dead, &r->cpuhp_dead);
	if (ret)
		goto err_pool;
	ret = cpuhp_state_add_instance_nocalls(llpool_rcu_cpuhp_online,
					       &r->cpuhp_online);
	if (ret) {
		cpuhp_state_remove_instance_nocalls(llpool_rcu_cpuhp_dead,
						    &r->cpuhp_dead);
		goto err_pool;
	}
	r->dir = debugfs_create_dir(name, llpool_rcu_debugfs);
	debugfs_create_file("stats", 0444, r->dir, r, &llpool_rcu_stats_fops);
	return r;

err_pool:
	llpool_destroy(r->pool);
err_free:
	free_percpu(r->pcpu);
	kfree(r);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(llpool_rcu_create, LLPOOL_NS);

/**
 * llpool_rcu_destroy() - free everything queued and destroy the instance
 * @r: the instance; NULL and error pointers are ignored
 *
 * The caller must have stopped calling llpool_rcu_free() on @r.
 *
 * Context: process context, not under cpus_read_lock() nor in a CPU
 * hotplug callback (it holds off hotplug); sleeps for at least one grace
 * period.
 */
void llpool_rcu_destroy(struct llpool_rcu *r)
{
	unsigned int cpu;

	if (IS_ERR_OR_NULL(r))
		return;
	debugfs_remove_recursive(r->dir);
	llpool_rcu_barrier(r);
	/*
	 * No CPU-dead callback for @r from here on; one that ran before
	 * adopted and submitted its CPU's block, which the flushes below
	 * finish.  Then, as in llpool_destroy(): no new work, no kick in
	 * flight (kicks are raised only on online CPUs, which run them), no
	 * work.
	 */
	cpuhp_state_remove_instance_nocalls(llpool_rcu_cpuhp_online,
					    &r->cpuhp_online);
	cpuhp_state_remove_instance_nocalls(llpool_rcu_cpuhp_dead, &r->cpuhp_dead);
	WRITE_ONCE(r->dying, true);
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(r->pcpu, cpu)->kick);
	for_each_possible_cpu(cpu)
		cancel_delayed_work_sync(&per_cpu_ptr(r->pcpu, cpu)->monitor);
	/*
	 * Anything a racing kick closed after the barrier.  A caller that
	 * broke the rule above and freed meanwhile may have closed a block
	 * that a batch's own llpool_rcu_rwork_fn() submits again: one flush
	 * would return with that rcu_work queued, to run on freed per-CPU
	 * memory.  So flush until no block is closed and no batch is in
	 * flight, and say so once.  A block such a caller left open is
	 * nobody's to close now (only its CPU may): it is leaked, with a
	 * WARN, and its page with llpool_destroy()'s.
	 */
	for (;;) {
		for_each_possible_cpu(cpu)
			llpool_rcu_submit(per_cpu_ptr(r->pcpu, cpu));
		for_each_possible_cpu(cpu)
			flush_rcu_work(&per_cpu_ptr(r->pcpu, cpu)->rwork);
		if (llpool_rcu_settled(r, false))
			break;
		WARN_ONCE(1, "llpool_rcu: %s: objects queued after destroy began\n",
			  r->pool->name);
	}
	WARN(!llpool_rcu_idle(r), "llpool_rcu: %s: a block left open after destroy began; leaking it\n",
	     r->pool->name);
	llpool_destroy(r->pool);
	free_percpu(r->pcpu);
	kfree(r);
}
EXPORT_SYMBOL_NS_GPL(llpool_rcu_destroy, LLPOOL_NS);

/* ==== Stats and the default instance ===================================== */

/* The stats file's names, in enum llpool_rcu_counter's order. */
static const char *const llpool_rcu_counter_names[] = {
	"queued", "freed", "fallbacks", "blocks_submitted", "grace_periods",
	"blocks_early", "pages_in_flight",
};

static_assert(ARRAY_SIZE(llpool_rcu_counter_names) == LLPOOL_RCU_COUNTER_COUNT);

/**
 * llpool_rcu_get_stats() - snapshot an instance's counters
 * @r: the instance
 * @stats: filled in, indexed by enum llpool_rcu_counter
 *
 * Context: any context; the snapshot is not atomic.
 */
void llpool_rcu_get_stats(struct llpool_rcu *r,
			  s64 stats[LLPOOL_RCU_COUNTER_COUNT])
{
	struct llpool_rcu_cpu *c;
	unsigned int cpu;

	memset(stats, 0, sizeof(s64) * LLPOOL_RCU_COUNTER_COUNT);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(r->pcpu, cpu);
		stats[LLPOOL_RCU_QUEUED] += local_read(&c->stat[LLPOOL_RCU_QUEUED]);
		stats[LLPOOL_RCU_FALLBACKS] += local_read(&c->stat[LLPOOL_RCU_FALLBACKS]);
		stats[LLPOOL_RCU_PAGES] += local_read(&c->stat[LLPOOL_RCU_PAGES]);
	}
	stats[LLPOOL_RCU_PAGES] -= atomic_long_read(&r->returned);
	stats[LLPOOL_RCU_FREED] = atomic_long_read(&r->freed);
	stats[LLPOOL_RCU_BLOCKS] = atomic_long_read(&r->blocks);
	stats[LLPOOL_RCU_GPS] = atomic_long_read(&r->gps);
	stats[LLPOOL_RCU_EARLY] = atomic_long_read(&r->early);
}
EXPORT_SYMBOL_NS_GPL(llpool_rcu_get_stats, LLPOOL_NS);

static int llpool_rcu_stats_show(struct seq_file *m, void *v)
{
	s64 st[LLPOOL_RCU_COUNTER_COUNT];
	unsigned int i;

	llpool_rcu_get_stats(m->private, st);
	for (i = 0; i < LLPOOL_RCU_COUNTER_COUNT; i++)
		seq_printf(m, "%s: %lld\n", llpool_rcu_counter_names[i], st[i]);
	seq_printf(m, "pointers_per_block: %lu\n", LLPOOL_RCU_PTRS);
	return 0;
}

/* pool_low <= pool_high is checked by llpool_create(). */
LLPOOL_PARAM_UINT(pool_low, 4, 1, LLPOOL_HIGH_MAX,
		  "default instance: per-CPU low mark of its pool, at most pool_high");
LLPOOL_PARAM_UINT(pool_high, 16, 1, LLPOOL_HIGH_MAX,
		  "default instance: per-CPU high mark of its pool");

static struct llpool_rcu *llpool_rcu_default;

/**
 * llpool_kfree_rcu() - llpool_rcu_free() on the module's default instance
 * @ptr: memory from kmalloc() or vmalloc(), or NULL (ignored)
 *
 * Context: any context, as llpool_rcu_free().
 * Return: 0 when @ptr will be freed after a grace period, -ENOMEM when the
 * caller still owns it (see llpool_rcu_free()).
 */
int llpool_kfree_rcu(void *ptr)
{
	return llpool_rcu_free(llpool_rcu_default, ptr);
}
EXPORT_SYMBOL_NS_GPL(llpool_kfree_rcu, LLPOOL_NS);

/**
 * llpool_kfree_rcu_barrier() - llpool_rcu_barrier() on the default instance
 *
 * Context: process context, not under cpus_read_lock() nor in a CPU
 * hotplug callback (it holds off hotplug); sleeps for at least one grace
 * period.
 */
void llpool_kfree_rcu_barrier(void)
{
	llpool_rcu_barrier(llpool_rcu_default);
}
EXPORT_SYMBOL_NS_GPL(llpool_kfree_rcu_barrier, LLPOOL_NS);

/* Write 1: llpool_kfree_rcu_barrier().  Anything else is refused. */
static ssize_t llpool_rcu_barrier_write(struct file *file, const char __user *ubuf,
					size_t count, loff_t *ppos)
{
	bool val;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &val);
	if (ret)
		return ret;
	if (!val)
		return -EINVAL;
	llpool_kfree_rcu_barrier();
	return count;
}

static const struct file_operations llpool_rcu_barrier_fops = {
	.owner = THIS_MODULE,
	.write = llpool_rcu_barrier_write,
};

/* ==== Module ============================================================= */

static int __init llpool_rcu_init(void)
{
	int ret;

	llpool_rcu_wq = alloc_workqueue("llpool_rcu", WQ_MEM_RECLAIM | LLPOOL_WQ_PERCPU, 0);
	if (!llpool_rcu_wq)
		return -ENOMEM;
	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "llpool_rcu:dead",
				      NULL, llpool_rcu_cpu_dead);
	if (ret < 0) {
		destroy_workqueue(llpool_rcu_wq);
		return ret;
	}
	llpool_rcu_cpuhp_dead = ret;
	ret = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN, "llpool_rcu:online",
				      llpool_rcu_cpu_online, NULL);
	if (ret < 0) {
		cpuhp_remove_multi_state(llpool_rcu_cpuhp_dead);
		destroy_workqueue(llpool_rcu_wq);
		return ret;
	}
	llpool_rcu_cpuhp_online = ret;
	llpool_rcu_debugfs = debugfs_create_dir("rcu_pool_user", NULL);
	llpool_rcu_default = llpool_rcu_create("rcu_pool_user", pool_low, pool_high);
	if (IS_ERR(llpool_rcu_default)) {
		ret = PTR_ERR(llpool_rcu_default);
		goto err;
	}
	debugfs_create_file("barrier", 0200, llpool_rcu_debugfs, NULL,
			    &llpool_rcu_barrier_fops);
	return 0;
err:
	debugfs_remove_recursive(llpool_rcu_debugfs);
	cpuhp_remove_multi_state(llpool_rcu_cpuhp_online);
	cpuhp_remove_multi_state(llpool_rcu_cpuhp_dead);
	destroy_workqueue(llpool_rcu_wq);
	return ret;
}

static void __exit llpool_rcu_exit(void)
{
	llpool_rcu_destroy(llpool_rcu_default);
	debugfs_remove_recursive(llpool_rcu_debugfs);
	cpuhp_remove_multi_state(llpool_rcu_cpuhp_online);
	cpuhp_remove_multi_state(llpool_rcu_cpuhp_dead);
	destroy_workqueue(llpool_rcu_wq);
}

module_init(llpool_rcu_init);
module_exit(llpool_rcu_exit);
MODULE_DESCRIPTION("rcu_pool_user: deferred free after a grace period, from any context, on llpool");
MODULE_VERSION(LLPOOL_VERSION);
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
