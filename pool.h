/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool: a dedicated per-CPU page reserve for contexts where the page
 * allocator must not be called.  The design is told once, in the DOC:
 * sections below, which Documentation/design.rst pulls in.
 */

/**
 * DOC: Why a pool and not a GFP flag
 *
 * GFP_ATOMIC and GFP_NOWAIT take zone->lock and pcp->lock, which are
 * sleeping locks on PREEMPT_RT; they are therefore not allowed under a
 * raw_spinlock_t, in hardirq on RT, or in NMI (see the comment above
 * GFP_ATOMIC in gfp_types.h).  kvfree_rcu() needs pages in exactly those
 * places.  A "no locks" GFP flag was proposed in 2020 and rejected: GFP bits
 * are scarce, a lockless mode would have to be checked against every other
 * flag and every debug hook on the allocator's fast path, and the only user
 * is special enough that a reserved, sized pool serves it better.  llpool is
 * that pool.
 */

/**
 * DOC: Layout
 *
 * A pool has one struct llpool_cpu per possible CPU and one depot per
 * possible NUMA node.
 *
 * - A CPU's reserve is a stack of page pointers that only that CPU touches:
 *   the fast path is inline, a guard, a slot access and a counter, with no
 *   LOCK prefix, no call and IRQs left on.  A refill is kicked at @low and
 *   fills it to @high; bursts of frees fill it up to its capacity, @high
 *   plus one magazine.
 * - A node's depot is a lock-free list of magazines (Bonwick's magazine
 *   layer): fixed arrays of up to LLPOOL_MAG_MAX pages, moved whole.  It is
 *   how pages move between CPUs: a CPU whose stack is full hands the top
 *   magazine's worth of pages to the depot, a CPU whose stack is empty
 *   takes a magazine from its node's depot, then from the other nodes',
 *   before it returns NULL.  The refill worker keeps one magazine per
 *   online CPU of the node in stock and takes from the depot before it
 *   calls the page allocator.
 *
 * ::
 *
 *   llpool_alloc()/llpool_free()          inline, any context
 *        |  pop/push this CPU's stack
 *        |  empty: take a depot magazine; full: give one (out of line)
 *        |  at or below @low, or nowhere to put a page: irq_work_queue()
 *        v
 *   irq_work (hard)                       hardirq, even on PREEMPT_RT
 *        |  queue_delayed_work_on(cpu, llpool_wq)
 *        v
 *   refill work                           process context, bound to the CPU
 *           drains the spill list, fills the stack to @high from the
 *           node's depot and then the CPU's node, tops up the depot's
 *           stock; backs off when allocation fails
 *
 * A reaper trims a CPU idle for two of its periods to @low, and the
 * depots to their stock; the shrinker does the same at once, under
 * reclaim.
 */

/**
 * DOC: CPU topology
 *
 * Only online CPUs hold a reserve: llpool_create() fills the CPUs online
 * at the time, a CPU coming online is filled by its online callback, and a
 * CPU going down stops refilling (offline callback, on the CPU) and gives
 * its pages back once dead (dead callback, on another CPU).  Memory is
 * therefore proportional to the online CPUs, whatever the possible ones
 * (maxcpus=, hot-add slots); per possible CPU the pool keeps only its
 * struct llpool_cpu, a stack of @high plus a magazine of pointers, and as
 * much room in its node's depot (empty magazines, no pages).
 *
 * What holds for work items: a CPU's kicks, its worker's own re-arming and
 * its online callback queue work only while the CPU is online for the pool
 * (@live, which its offline callback clears on the CPU before it cancels
 * the work).  The reaper and the shrinker run on other CPUs and read @live
 * before they queue, so they can queue a CPU's work just after that
 * cancel.  Such an item runs on whatever CPU the workqueue gives an
 * unbound CPU's work, finds @live clear and only drains the spill list
 * (the llist is atomic, and off its CPU the worker never touches the
 * stack, so it may even race the dying CPU's last spills and the dead
 * callback); if the CPU comes back before it ran, its worker pool is
 * rebound first and it runs there, draining before @live is set or as an
 * ordinary run after; llpool_destroy() cancels it if it has not run.  No
 * llpool operation waits for a CPU that is not online.
 */

/**
 * DOC: Fast path rules
 *
 * A stack has one owner at a time: its CPU, with preemption off (not IRQs:
 * llpool_alloc() and llpool_free() only disable preemption) and the
 * stack's reentrancy guard ->active raised from its rest, -1, to 0
 * (llpool_guard_claim(), no LOCK prefix on x86).  The only contexts that
 * can interrupt the owner are IRQs, NMIs and probes on the same CPU; they
 * find the guard raised and keep off the stack: a nested allocation takes
 * a page from a depot magazine, and a nested free puts one into a depot
 * magazine, so that a nested context that frees what it allocates leaves
 * the depot as it was; only when the depot has no room does the page go
 * to the CPU's spill list (llist_add(), NMI-safe) for the worker.  So the
 * stack itself needs plain loads and stores only.  Depot lists are changed
 * by cmpxchg on a versioned head, so any CPU and any context may take or
 * give a magazine at any time.
 *
 * The fast path never calls the page allocator, never takes a lock and
 * never sleeps; it holds a lockdep map with a raw-spinlock wait type
 * (llpool_fast_map) so that lockdep reports any spinlock_t, mutex or sleep
 * that creeps into it, whatever context the caller is in.
 *
 * The pages stay ordinary page-allocator pages with a reference count of
 * one; order > 0 pages are compound.  A caller owns a page from
 * llpool_alloc() until it passes it to llpool_free() of the same pool, and
 * must leave page->private alone meanwhile: with CONFIG_DEBUG_VM it records
 * the owner, so that a double free, a foreign page or a page of the wrong
 * order is refused with a WARN (a page freed twice with an allocation of
 * it in between is not told from two frees of two allocations).
 */

/**
 * DOC: What the architecture must give
 *
 * Checked at build time, with a message naming what is missing: an
 * NMI-safe cmpxchg (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG), because an NMI may
 * take and give magazines, spill and count in the middle of the same
 * operations on the CPU it interrupted; local_t operations that an NMI
 * cannot split (the guards and counters); and a 64-bit long, for the
 * 48-bit versions packed in the depot list heads.  x86-64 (single
 * instructions), arm64 and s390 (atomics) qualify, and x86-64 is what the
 * tests run on.  powerpc64 is refused: its local_t soft-disables
 * interrupts around plain loads and stores, which a system-reset NMI
 * still splits, so a guard could be lost and the counters (and the
 * "pages still allocated" check of llpool_destroy()) go wrong.  riscv, for
 * one, does not select the cmpxchg option in 6.12.
 *
 * "Any context including NMI" means NMIs on a CPU that is online for the
 * pool, or going down before its dead callback.  Once a CPU has reported
 * dead, the dead callback gives its stack back from another CPU; an NMI
 * handler that used the pool on the dead CPU then (it may still run, in
 * its idle loop's play_dead()) would race it.  On x86 nothing delivers an
 * NMI there: the perf and watchdog NMIs are stopped with the CPU, and NMI
 * IPIs (backtraces, the tests' own) go to online CPUs only; a crash's
 * NMI shootdown does not return.  Other architectures qualify on the same
 * condition.
 */
#ifndef _LLPOOL_POOL_H
#define _LLPOOL_POOL_H

#include <linux/compiler.h>
#include <linux/gfp_types.h>
#include <linux/irq_work.h>
#include <linux/irqflags.h>
#include <linux/llist.h>
#include <linux/lockdep.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <asm/local.h>

struct dentry;
struct llpool_depot;
struct shrinker;

/* The release, as MODULE_VERSION() and dkms.conf's PACKAGE_VERSION give it. */
#define LLPOOL_VERSION		"0.1"

/* Largest @high: bounds the per-CPU stack at 512 + 16 pointers. */
#define LLPOOL_HIGH_MAX		512
/* Largest magazine: the pages a stack and a depot exchange in one move.  A
 * pool's magazines hold min(@high, LLPOOL_MAG_MAX) pages.
 */
#define LLPOOL_MAG_MAX		16
/* Largest order: order-3 is PAGE_ALLOC_COSTLY_ORDER; above it refill would
 * rely on compaction, which a reserve must not depend on.
 */
#define LLPOOL_ORDER_MAX	3
/* Longest pool name, without the NUL. */
#define LLPOOL_NAME_MAX		31

/* Flags a refill may use; anything else is rejected by llpool_create(). */
#define LLPOOL_GFP_ALLOWED	(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | \
				 __GFP_RETRY_MAYFAIL | __GFP_NOMEMALLOC | \
				 __GFP_THISNODE | __GFP_ACCOUNT)
/* The refill gfp used when llpool_params.gfp is 0. */
#define LLPOOL_GFP_DEFAULT	(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)

/**
 * struct llpool_params - what llpool_create() builds
 * @name: debugfs name, unique among pools, 1..LLPOOL_NAME_MAX characters,
 *	no '/'.  Copied.
 * @order: page order, 0..LLPOOL_ORDER_MAX.
 * @low: per-CPU level below which an allocation kicks a refill; >= 1.
 * @high: per-CPU level a refill fills to and a trim trims to;
 *	@low <= @high <= LLPOOL_HIGH_MAX.
 * @gfp: gfp for refills, a subset of LLPOOL_GFP_ALLOWED; 0 means
 *	LLPOOL_GFP_DEFAULT.  __GFP_COMP is added for order > 0.
 */
struct llpool_params {
	const char *name;
	unsigned int order;
	unsigned int low;
	unsigned int high;
	gfp_t gfp;
};

/**
 * enum llpool_counter - event counters, summed over CPUs by llpool_get_stats()
 * @LLPOOL_ALLOCS: pages handed out.
 * @LLPOOL_MISSES: allocations that returned NULL.
 * @LLPOOL_FREES: pages given back by callers.
 * @LLPOOL_NESTED: allocations and frees that found this CPU's stack in use
 *	by the context they interrupted (NMI, probes): they went to the depot
 *	or the spill list.
 * @LLPOOL_SPILLED: frees that went to the spill list.
 * @LLPOOL_REFILL_RUNS: worker runs that took pages from the page allocator.
 * @LLPOOL_REFILLED: pages taken from the page allocator.
 * @LLPOOL_REFILL_FAILS: refills stopped by an allocation failure.
 * @LLPOOL_TRIMMED: pages returned to the page allocator (reaper, shrinker,
 *	a full depot, CPU offline, teardown).
 * @LLPOOL_STEALS: allocations that found this CPU's stack empty (or in
 *	use, see @LLPOOL_NESTED) and were served from a depot magazine, that is
 *	from pages other CPUs gave up or the worker stocked.
 * @LLPOOL_REMOTE_STEALS: steals from another NUMA node's depot (also in
 *	@LLPOOL_STEALS): this node's depot was empty.
 * @LLPOOL_DEPOT_PUTS: magazines given to a depot (full stacks, the worker).
 * @LLPOOL_DEPOT_GETS: magazines taken from a depot for good (empty stacks,
 *	the worker's refills and trims); a nested allocation only borrows one.
 * @LLPOOL_REFUSED: frees refused by the CONFIG_DEBUG_VM checks.
 * @LLPOOL_SHRUNK: pages the shrinker gave back (also in @LLPOOL_TRIMMED).
 * @LLPOOL_DEPOT_GROWN: empty magazines added to depots, because frees
 *	spilled for want of room.
 * @LLPOOL_COUNTER_COUNT: number of counters.
 */
enum llpool_counter {
	LLPOOL_ALLOCS,
	LLPOOL_MISSES,
	LLPOOL_FREES,
	LLPOOL_NESTED,
	LLPOOL_SPILLED,
	LLPOOL_REFILL_RUNS,
	LLPOOL_REFILLED,
	LLPOOL_REFILL_FAILS,
	LLPOOL_TRIMMED,
	LLPOOL_STEALS,
	LLPOOL_REMOTE_STEALS,
	LLPOOL_DEPOT_PUTS,
	LLPOOL_DEPOT_GETS,
	LLPOOL_REFUSED,
	LLPOOL_SHRUNK,
	LLPOOL_DEPOT_GROWN,
	LLPOOL_COUNTER_COUNT,
};

/**
 * struct llpool_stats - a snapshot of a pool, see llpool_get_stats()
 * @counter: event counters, indexed by enum llpool_counter.
 * @reserved: pages on the per-CPU stacks and in the depots.
 * @depot: of @reserved, the pages in the depots.
 * @spilled: pages on the spill lists, waiting for the worker.
 *
 * Counters are read without stopping the pool, so a snapshot taken while
 * the pool is in use is only approximately consistent.  When the pool is
 * quiescent, LLPOOL_REFILLED - LLPOOL_TRIMMED == @reserved + @spilled +
 * (LLPOOL_ALLOCS - LLPOOL_FREES).
 */
struct llpool_stats {
	u64 counter[LLPOOL_COUNTER_COUNT];
	unsigned long reserved;
	unsigned long depot;
	unsigned long spilled;
};

/* ==== Private: what the inline fast path reads ========================== */

/**
 * struct llpool_cpu - one CPU's reserve; private to llpool
 * @active: the stack's reentrancy guard, see llpool_guard_claim().
 * @nr: pages on @slots.
 * @low: the pool's @low, here so that the fast path reads one cache line.
 * @cap: @slots' size, the pool's @high plus one magazine.
 *
 * @nr, @low and @cap are longs so that the fast path indexes and compares
 * without widening them first.
 * @slots: the stack of pages.
 * @stat: event counters, enum llpool_counter.
 * @spill: pages freed while the stack could not take them.
 * @nr_spill: pages on @spill.
 * @kick: irq_work that queues @work.
 * @work: refill.
 * @backoff: the last refill backoff in jiffies, which the next failure
 *	doubles; 0 once the page allocator last gave pages.
 * @retry_at: while @backing_off, the jiffies of the next refill.
 * @backing_off: a failed refill is waiting for @retry_at: kicks do nothing.
 * @reap_mark: the CPU's allocations plus frees when the reaper last looked.
 * @idle: the reaper found the CPU idle once: next time it is trimmed.
 * @trim: what the worker's next run trims the stack to @low for: 0 for
 *	nothing, else the reaper's or the shrinker's reason (LLPOOL_TRIM_*).
 * @live: the CPU is online for this pool: it may be refilled and kicked.
 * @batching: the worker is moving a batch on this CPU: a context nested in
 *	it (IRQ, NMI, probe) does not kick.
 * @pool: the pool this reserve belongs to.
 * @cpu: the owning CPU.
 * @node: the node whose depot the CPU uses: cpu_to_node() when it came
 *	online (or when the pool was created), or, for a CPU without a valid
 *	node, the first possible one.
 *
 * Who touches what:
 *
 * - @slots and @nr: the owner only: the owning CPU with preemption off and
 *   @active claimed (fast path, refill worker, the online callback); or any
 *   CPU once the owning CPU is dead (dead callback) or the pool is stopped
 *   (teardown).  @nr is read racily by the stats, reaper and shrinker.
 * - @active: local_t operations on the owning CPU, any context.
 * - @stat: local_t operations by the CPU whose struct it is, any context;
 *   summed racily by the stats and the reaper.
 * - @spill: llist_add() from the owning CPU in any context; emptied with
 *   llist_del_all() by the worker, hotplug and teardown.  @nr_spill follows
 *   it and may lag by the pages in flight.
 * - @backoff, @retry_at: the worker, and the online callback before the
 *   CPU is live.  @backing_off: written by them too; read racily by the
 *   kick on the CPU (on the same CPU as the bound worker, so before or
 *   after a write, never in the middle of a run's decision).
 * - @reap_mark, @idle: the reaper (one work item, never concurrent with
 *   itself); @idle is also cleared by the online callback, a racy write
 *   that costs at most one reaper period.
 * - @trim: set by the reaper and the shrinker, cleared by the worker.
 * - @live: written by the hotplug callbacks on the owning CPU; read by the
 *   kick (on the owning CPU, preemption off), the worker and the reaper.
 * - @node: written by llpool_create() and the online callback before the
 *   CPU is live; read on the CPU by its fast path and worker.
 * - @batching: the owning CPU with preemption off; read by contexts nested
 *   in it on the same CPU.
 */
struct llpool_cpu {
	local_t active;
	unsigned long nr;
	unsigned long low;
	unsigned long cap;
	struct page **slots;
	local_t stat[LLPOOL_COUNTER_COUNT];
	struct llist_head spill;
	atomic_t nr_spill;
	struct irq_work kick;
	struct delayed_work work;
	unsigned long backoff;
	unsigned long retry_at;
	unsigned long reap_mark;
	int trim;
	bool idle;
	bool live;
	bool batching;
	bool backing_off;
	struct llpool *pool;
	unsigned int cpu;
	int node;
};

/**
 * struct llpool - a pool; private to llpool
 * @pcpu: the per-CPU reserves.
 * @depot: one depot per possible node, indexed by node id.
 * @name: debugfs name.
 * @order: page order.
 * @low: per-CPU refill trigger level.
 * @high: per-CPU fill level.
 * @mag: pages per magazine, min(@high, LLPOOL_MAG_MAX).
 * @gfp: refill gfp.
 * @dying: set by llpool_destroy(); stops new work from being queued.
 * @reap: the idle reaper.
 * @dir: debugfs directory.
 * @shrinker: gives pages above @low back under memory pressure.
 * @list: entry in llpool's list of pools.
 * @cpuhp_online: instance of the online/offline hotplug state.
 * @cpuhp_dead: instance of the CPU-dead hotplug state.
 *
 * Everything but @dying and what @pcpu and @depot point to is written
 * before llpool_create() returns and is read-only afterwards.
 */
struct llpool {
	struct llpool_cpu __percpu *pcpu;
	struct llpool_depot **depot;
	char name[LLPOOL_NAME_MAX + 1];
	unsigned int order;
	unsigned int low;
	unsigned int high;
	unsigned int mag;
	gfp_t gfp;
	bool dying;
	struct delayed_work reap;
	struct dentry *dir;
	struct shrinker *shrinker;
	struct list_head list;
	struct hlist_node cpuhp_online;
	struct hlist_node cpuhp_dead;
};

/*
 * The reentrancy guard of a per-CPU structure (llpool's stacks, or a
 * user's own per-CPU state beside them).  Called with preemption off, so
 * the only contexts that can interrupt a claimed section on this CPU are
 * IRQs, NMIs and probes, and each of them releases what it raised before the
 * interrupted context resumes.  A guard at rest holds -1
 * (llpool_guard_init()): a context whose increment makes it 0 is the
 * owner, one whose increment leaves it above 0 is nested and must keep
 * away from what it protects.  No LOCK prefix on x86.  The guard is always
 * released, claimed or not.
 */
static __always_inline void llpool_guard_init(local_t *guard)
{
	local_set(guard, -1);
}

static __always_inline bool llpool_guard_claim(local_t *guard)
{
	/*
	 * Nothing the guard protects may be read before the increment: a
	 * load of the stack hoisted above it could predate a nested owner's
	 * changes.  A context that nests between the increment and the test
	 * has put the guard back by the time we resume.
	 */
#ifdef CONFIG_X86
	/*
	 * One incq whose zero flag is the verdict.  Its asm clobbers
	 * memory, which orders the stack's loads after it; a barrier()
	 * here would clobber the flags and bring back a volatile read that
	 * the compiler cannot fold into a compare (two instructions more
	 * on each side of a pair).
	 */
	return local_inc_and_test(guard);
#else
	/*
	 * Elsewhere local_inc_and_test() may be a fully ordered atomic
	 * (asm-generic's, arm64's LSE ldaddal) where local_inc() is a
	 * relaxed one: the increment, then a compiler barrier and a read.
	 */
	local_inc(guard);
	barrier();
	return local_read(guard) == 0;
#endif
}

/*
 * Whether the context holding @guard raised (claimed or not) owns it: true
 * unless it nested inside an owner.  A context that nested on top of it has
 * released what it raised by now.
 */
static __always_inline bool llpool_guard_owned(local_t *guard)
{
	return local_read(guard) == 0;
}

static __always_inline void llpool_guard_release(local_t *guard)
{
	/*
	 * The guarded stores must be done before the guard drops: a context
	 * that then nests and sees it at rest may claim.  Same CPU, so a
	 * compiler barrier suffices (x86's local_dec() has no memory
	 * clobber).
	 */
	barrier();
	local_dec(guard);
}

/*
 * The fast-path lockdep annotation.
 *
 * A fast-path map has the wait types of a raw spinlock (outer FREE, inner
 * SPIN), like rcu_sched_lock_map.  While a fast path holds it, lockdep's
 * wait-context check (PROVE_RAW_LOCK_NESTING) reports any spinlock_t (a
 * sleeping lock on PREEMPT_RT), mutex or other sleeping lock taken inside,
 * even when the caller itself is in plain task context where that lock
 * would be legal.  It is acquired like rcu_read_lock(): recursive-read and
 * unchecked, so holding it can neither deadlock nor be illegal anywhere.
 * A user with a fast path of its own defines its own map with
 * LLPOOL_FAST_MAP_INIT().  Skipped in NMI: lockdep's held-lock
 * bookkeeping is not NMI-safe.  Compiled out without lockdep.
 */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
#define LLPOOL_FAST_MAP_INIT(map_name, map_key) {		\
	.name = map_name,					\
	.key = map_key,						\
	.wait_type_outer = LD_WAIT_FREE,			\
	.wait_type_inner = LD_WAIT_SPIN,			\
}

static __always_inline void llpool_fast_map_enter(struct lockdep_map *map)
{
	if (!in_nmi())
		lock_acquire(map, 0, 0, 2, 0, NULL, _THIS_IP_);
}

static __always_inline void llpool_fast_map_exit(struct lockdep_map *map)
{
	if (!in_nmi())
		lock_release(map, _THIS_IP_);
}

extern struct lockdep_map llpool_fast_map;
#define llpool_fast_enter()	llpool_fast_map_enter(&llpool_fast_map)
#define llpool_fast_exit()	llpool_fast_map_exit(&llpool_fast_map)
#else
static __always_inline void llpool_fast_map_enter(struct lockdep_map *map) { }
static __always_inline void llpool_fast_map_exit(struct lockdep_map *map) { }
#define llpool_fast_enter()	do { } while (0)
#define llpool_fast_exit()	do { } while (0)
#endif

/*
 * The out-of-line halves of the fast path (pool.c), not for callers.
 * __cold moves their calls out of the inline fast path's straight line.
 */
struct page *__llpool_alloc_slow(struct llpool *pool, struct llpool_cpu *c) __cold;
void __llpool_free_slow(struct llpool *pool, struct llpool_cpu *c,
			struct page *page) __cold;
bool __llpool_free_check(struct llpool *pool, struct page *page);

/* ==== API =============================================================== */

struct llpool *llpool_create(const struct llpool_params *params);
void llpool_destroy(struct llpool *pool);

void llpool_get_stats(struct llpool *pool, struct llpool_stats *stats);
unsigned int llpool_cpu_reserved(struct llpool *pool, unsigned int cpu);
const char *llpool_counter_name(enum llpool_counter counter);

/*
 * The fast path, shared by the two forms of each call.  The caller keeps
 * this task on its CPU (preemption or IRQs off); an IRQ, NMI or probe
 * that nests inside the claimed section finds the guard raised and goes
 * the slow way, which leaves the stack alone.  The slow half releases the
 * guard.
 */
static __always_inline struct page *llpool_alloc_inline(struct llpool *pool)
{
	struct llpool_cpu *c = this_cpu_ptr(pool->pcpu);
	struct page *page;
	unsigned long nr;

	llpool_fast_enter();
	if (likely(llpool_guard_claim(&c->active))) {
		nr = c->nr;
		/* Above @low: not empty, and no refill to kick. */
		if (likely(nr > c->low)) {
			page = c->slots[nr - 1];
			WRITE_ONCE(c->nr, nr - 1);
			llpool_guard_release(&c->active);
			local_inc(&c->stat[LLPOOL_ALLOCS]);
			if (IS_ENABLED(CONFIG_DEBUG_VM))
				set_page_private(page, (unsigned long)pool);
			llpool_fast_exit();
			return page;
		}
	}
	page = __llpool_alloc_slow(pool, c);
	llpool_fast_exit();
	return page;
}

static __always_inline void llpool_free_inline(struct llpool *pool,
					       struct page *page)
{
	struct llpool_cpu *c = this_cpu_ptr(pool->pcpu);
	unsigned long nr;

	llpool_fast_enter();
	if (IS_ENABLED(CONFIG_DEBUG_VM) && !__llpool_free_check(pool, page)) {
		llpool_fast_exit();
		return;
	}
	if (likely(llpool_guard_claim(&c->active))) {
		nr = c->nr;
		if (likely(nr < c->cap)) {
			c->slots[nr] = page;
			WRITE_ONCE(c->nr, nr + 1);
			llpool_guard_release(&c->active);
			local_inc(&c->stat[LLPOOL_FREES]);
			llpool_fast_exit();
			return;
		}
	}
	__llpool_free_slow(pool, c, page);
	llpool_fast_exit();
}

/**
 * __llpool_alloc() - take a page from the pool, IRQs already off
 * @pool: the pool
 *
 * Like llpool_alloc(), for callers that have disabled interrupts already.
 *
 * Context: any context with IRQs disabled, including NMI.
 * Return: a page of the pool's order, or NULL when this CPU's reserve and
 * every depot are empty; in a context that interrupted this CPU's own use
 * of the pool (an NMI, a probe), which must keep off this CPU's stack, NULL
 * when every depot is empty.
 */
static __always_inline struct page *__llpool_alloc(struct llpool *pool)
{
	lockdep_assert_irqs_disabled();
	return llpool_alloc_inline(pool);
}

/**
 * llpool_alloc() - take a page from the pool
 * @pool: the pool
 *
 * Takes a page from this CPU's reserve, or from a depot magazine when the
 * reserve is empty.  Never sleeps, never takes a lock and never calls the
 * page allocator.  When this CPU's reserve falls to the pool's low mark a
 * refill is queued.
 *
 * Context: any context: task, softirq, hardirq, NMI, IRQs off, under a
 * raw_spinlock_t (also on PREEMPT_RT).
 * Return: a page of the pool's order, or NULL when this CPU's reserve and
 * every depot are empty; in a context that interrupted this CPU's own use
 * of the pool (an NMI, a probe), which must keep off this CPU's stack, NULL
 * when every depot is empty.
 */
static __always_inline struct page *llpool_alloc(struct llpool *pool)
{
	struct page *page;

	preempt_disable();
	page = llpool_alloc_inline(pool);
	preempt_enable();
	return page;
}

/**
 * __llpool_free() - give a page back to this CPU's reserve, IRQs already off
 * @pool: the pool the page came from
 * @page: the page, or NULL (ignored)
 *
 * Like llpool_free(), for callers that have disabled interrupts already.
 *
 * Context: any context with IRQs disabled, including NMI.
 */
static __always_inline void __llpool_free(struct llpool *pool,
					  struct page *page)
{
	lockdep_assert_irqs_disabled();
	if (page)
		llpool_free_inline(pool, page);
}

/**
 * llpool_free() - give a page back to this CPU's reserve
 * @pool: the pool the page came from
 * @page: the page, or NULL (ignored)
 *
 * The page may have been allocated on another CPU.  It goes onto this
 * CPU's reserve; when that is full, a magazine's worth of pages moves to
 * the node's depot, where CPUs that allocate more than they free find
 * them.  Never calls the page allocator, never takes a lock, never
 * sleeps.  The page's contents are not preserved.  Under CONFIG_DEBUG_VM a
 * page of the wrong order, from another pool or freed twice is refused
 * with a WARN (once) and the reserve is left intact; callers must not
 * change page->private while they hold a page.
 *
 * Context: any context: task, softirq, hardirq, NMI, IRQs off, under a
 * raw_spinlock_t (also on PREEMPT_RT).
 */
static __always_inline void llpool_free(struct llpool *pool, struct page *page)
{
	if (!page)
		return;
	preempt_disable();
	llpool_free_inline(pool, page);
	preempt_enable();
}

#endif /* _LLPOOL_POOL_H */
