/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool internals shared by its modules: inline helpers for any fast path
 * built like llpool's (rcu_pool_user's too), and the hooks its tests use
 * (namespace LLPOOL_INTERNAL, which no production module imports).  Not an
 * API: nothing outside this repository may include it.
 */
#ifndef _LLPOOL_INTERNAL_H
#define _LLPOOL_INTERNAL_H

#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <asm/local.h>

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
 * llpool's is llpool_fast_map (exported to the tests, namespace
 * LLPOOL_INTERNAL); a user with a fast path of its own (rcu_pool_user)
 * defines its own map with LLPOOL_FAST_MAP_INIT().
 *
 * It is skipped in NMI: lockdep's held-lock bookkeeping is not NMI-safe
 * (lock_acquire() only verifies an NMI trylock, it does not track it).
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
 * The per-CPU reentrancy guard of llpool's and rcu_pool_user's fast paths.
 * Called with IRQs off, so the only contexts that can interrupt a claimed
 * section on this CPU are NMIs and probes placed inside it: they see the
 * guard above 1 and must keep away from what it protects.  The guard is
 * always released, claimed or not.
 */
static __always_inline bool llpool_guard_claim(local_t *guard)
{
	return local_inc_return(guard) == 1;
}

static __always_inline void llpool_guard_release(local_t *guard)
{
	/*
	 * The guarded stores must be done before the guard drops: an NMI
	 * that sees it at zero may claim.  Same CPU, so a compiler barrier
	 * suffices (x86's local_dec() has no memory clobber).
	 */
	barrier();
	local_dec(guard);
}

struct llpool;
void llpool_run_cpu_work(struct llpool *pool, unsigned int cpu);

#endif /* _LLPOOL_INTERNAL_H */
