/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool internals shared by its modules: the hooks its tests use
 * (namespace LLPOOL_INTERNAL, which no production module imports).  The
 * reentrancy guard and the fast-path lockdep map, which rcu_pool_user's own
 * fast path shares, live in pool.h beside the inline fast path they serve.
 * Not an API: nothing outside this repository may include it.
 */
#ifndef _LLPOOL_INTERNAL_H
#define _LLPOOL_INTERNAL_H

#include "pool.h"

void llpool_run_cpu_work(struct llpool *pool, unsigned int cpu);
void llpool_reap_now(struct llpool *pool);

#endif /* _LLPOOL_INTERNAL_H */
