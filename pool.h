/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool: a dedicated per-CPU page reserve for contexts where the page
 * allocator must not be called.
 *
 * Why a pool and not a GFP flag
 * =============================
 * GFP_ATOMIC and GFP_NOWAIT take zone->lock and pcp->lock, which are
 * sleeping locks on PREEMPT_RT; they are therefore not allowed under a
 * raw_spinlock_t, in hardirq on RT, or in NMI (see the comment above
 * GFP_ATOMIC in gfp_types.h).  kvfree_rcu() needs pages in exactly those
 * places.  A "no locks" GFP flag was proposed in 2020 and rejected: GFP bits
 * are scarce, a lockless mode would have to be checked against every other
 * flag and every debug hook on the allocator's fast path, and the only user
 * is special enough that a reserved, sized pool serves it better.  llpool is
 * that pool.
 *
 * Layout
 * ======
 * A pool has one struct llpool_cpu per possible CPU.  Each holds a stack of
 * page pointers (the reserve) of 2 * @high slots under a versioned top
 * word, a push guard, a "spill" llist for pages that could not be pushed,
 * an irq_work and a delayed work item.
 *
 *   llpool_alloc()/llpool_free()          any context
 *        |  pop this CPU's stack (else steal: pop another CPU's);
 *        |  push on this CPU's stack (else spill)
 *        |  below @low / above @high / spill: irq_work_queue()
 *        v
 *   irq_work (hard)                       hardirq, even on PREEMPT_RT
 *        |  queue_delayed_work_on(cpu, llpool_wq)
 *        v
 *   refill/trim work                      process context, bound to the CPU
 *           drains the spill list, fills to @high from the CPU's node
 *           (at most @high new pages a run), trims the stack back to
 *           @high; backs off when allocation fails
 *
 *   shrinker: trims every CPU to @low under reclaim.
 *
 * CPU topology
 * ============
 * Only online CPUs hold a reserve: llpool_create() fills the CPUs online
 * at the time, a CPU coming online is filled by its online callback, and a
 * CPU going down stops refilling (offline callback, on the CPU) and gives
 * its pages back once dead (dead callback, on another CPU).  Memory is
 * therefore proportional to the online CPUs, whatever the possible ones
 * (maxcpus=, hot-add slots); per possible CPU the pool keeps only its
 * struct llpool_cpu and a stack of 2 * @high pointers.  No work is ever
 * queued on a CPU that is not online, so creating, using and destroying a
 * pool never waits on one.  Steals and the shrinker walk the online CPUs.
 *
 * Fast path rules
 * ===============
 * Pops are lock-free from anywhere: read the top, read the slot below it,
 * cmpxchg the top down; the top's version makes a stale pop fail (ABA).
 * So an NMI or a probe inside the fast path still gets a page, an empty CPU
 * steals from the others before returning NULL, and the shrinker, hotplug
 * and teardown can empty any CPU's reserve from any CPU.
 *
 * Pushes have a single producer per stack: the owning CPU with IRQs off
 * and ->active raised from 0 to 1 (local_inc_return()).  A free that finds
 * ->active already raised interrupted a push (NMI, probe) and puts the page
 * on the spill list with llist_add(), which is NMI-safe.
 *
 * The fast path never calls the page allocator, never takes a lock and
 * never sleeps; it holds a lockdep map with a raw-spinlock wait type
 * (llpool_fast_map) so that lockdep reports any spinlock_t, mutex or sleep
 * that creeps into it, whatever context the caller is in.
 *
 * What llpool requires of the architecture, checked at build time: an
 * NMI-safe cmpxchg (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG), because an NMI may
 * pop, push, spill and count in the middle of the same operations on the
 * CPU it interrupted; and a 64-bit long, for the depth and 48-bit version
 * packed in the top word.  x86-64, arm64, powerpc64 and s390 qualify;
 * riscv, for one, does not select the option in 6.12.
 *
 * The pages stay ordinary page-allocator pages with a reference count of
 * one; order > 0 pages are compound.  A caller owns a page from
 * llpool_alloc() until it passes it to llpool_free() of the same pool, and
 * must leave page->private alone meanwhile: with CONFIG_DEBUG_VM it records
 * the owner, so that a double free, a foreign page or a page of the wrong
 * order is refused with a WARN.
 */
#ifndef _LLPOOL_POOL_H
#define _LLPOOL_POOL_H

#include <linux/gfp_types.h>
#include <linux/types.h>

struct llpool;
struct page;

/* The release, as MODULE_VERSION() and dkms.conf's PACKAGE_VERSION give it. */
#define LLPOOL_VERSION		"0.1"

/* Largest @high: bounds the per-CPU stack at 2 * 512 pointers (8 KiB). */
#define LLPOOL_HIGH_MAX		512
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
 * @LLPOOL_NESTED: frees that found a push in progress in the context they
 *	interrupted (NMI, probes) and spilled.
 * @LLPOOL_SPILLED: frees that went to the spill list.
 * @LLPOOL_REFILL_RUNS: worker runs that took pages from the page allocator.
 * @LLPOOL_REFILLED: pages taken from the page allocator.
 * @LLPOOL_REFILL_FAILS: refills stopped by an allocation failure.
 * @LLPOOL_TRIMMED: pages returned to the page allocator (trim, shrinker,
 *	CPU offline, teardown).
 * @LLPOOL_STEALS: allocations served from another CPU's reserve.
 * @LLPOOL_REMOTE_STEALS: steals from a CPU of another NUMA node (also in
 *	@LLPOOL_STEALS): this node's reserves were all empty.
 * @LLPOOL_REFUSED: frees refused by the CONFIG_DEBUG_VM checks.
 * @LLPOOL_SHRUNK: pages the shrinker gave back (also in @LLPOOL_TRIMMED).
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
	LLPOOL_REFUSED,
	LLPOOL_SHRUNK,
	LLPOOL_COUNTER_COUNT,
};

/**
 * struct llpool_stats - a snapshot of a pool, see llpool_get_stats()
 * @counter: event counters, indexed by enum llpool_counter.
 * @reserved: pages on the per-CPU stacks.
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
	unsigned long spilled;
};

struct llpool *llpool_create(const struct llpool_params *params);
void llpool_destroy(struct llpool *pool);

struct page *llpool_alloc(struct llpool *pool);
void llpool_free(struct llpool *pool, struct page *page);
struct page *__llpool_alloc(struct llpool *pool);
void __llpool_free(struct llpool *pool, struct page *page);

void llpool_get_stats(struct llpool *pool, struct llpool_stats *stats);
unsigned int llpool_cpu_reserved(struct llpool *pool, unsigned int cpu);
const char *llpool_counter_name(enum llpool_counter counter);

#endif /* _LLPOOL_POOL_H */
