/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool internals shared with its test modules (namespace LLPOOL_INTERNAL).
 * Not an API: nothing outside this repository may include it.
 */
#ifndef _LLPOOL_INTERNAL_H
#define _LLPOOL_INTERNAL_H

#include <linux/lockdep.h>
#include <linux/preempt.h>

/*
 * The fast-path lockdep annotation.
 *
 * llpool_fast_map has the wait types of a raw spinlock (outer FREE, inner
 * SPIN), like rcu_sched_lock_map.  While the fast path holds it, lockdep's
 * wait-context check (PROVE_RAW_LOCK_NESTING) reports any spinlock_t (a
 * sleeping lock on PREEMPT_RT), mutex or other sleeping lock taken inside,
 * even when the caller itself is in plain task context where that lock
 * would be legal.  It is acquired like rcu_read_lock(): recursive-read and
 * unchecked, so holding it can neither deadlock nor be illegal anywhere.
 *
 * It is skipped in NMI: lockdep's held-lock bookkeeping is not NMI-safe
 * (lock_acquire() only verifies an NMI trylock, it does not track it).
 */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
extern struct lockdep_map llpool_fast_map;

static __always_inline void llpool_fast_enter(void)
{
	if (!in_nmi())
		lock_acquire(&llpool_fast_map, 0, 0, 2, 0, NULL, _THIS_IP_);
}

static __always_inline void llpool_fast_exit(void)
{
	if (!in_nmi())
		lock_release(&llpool_fast_map, _THIS_IP_);
}
#else
static __always_inline void llpool_fast_enter(void) { }
static __always_inline void llpool_fast_exit(void) { }
#endif

#endif /* _LLPOOL_INTERNAL_H */
