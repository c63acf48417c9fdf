/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcu_pool_user: headless deferred free after an RCU grace period, callable
 * in any context, with its pointer blocks taken from an llpool.
 *
 * kvfree_rcu() batches pointers into page-sized blocks, but it needs those
 * pages while holding a raw per-CPU lock; it keeps a 5-page cache, falls back
 * to the object's rcu_head, and the headless kvfree_rcu_mightsleep() calls
 * synchronize_rcu() when no page can be had.  This user takes its blocks
 * from an llpool instead, so a page is reachable under a raw spinlock, in
 * hardirq and in NMI, and it never sleeps: when no page is reachable it
 * says so (-ENOMEM) and the caller keeps the object.
 *
 * Life of a pointer
 * =================
 *   llpool_rcu_free(r, ptr)        any context; this CPU's open block
 *        |  block full -> "closed" llist; first pointer -> arm the timeout;
 *        |  both through a hard irq_work
 *        v
 *   monitor (delayed work, per CPU) closes a block older than the timeout,
 *        |  hands closed blocks to the rcu_work: one batch in flight per CPU
 *        v
 *   rcu_work (queue_rcu_work)       process context, after a grace period:
 *           free every pointer (kfree_bulk(), vfree() for vmalloc ones),
 *           llpool_free() the block; then free the blocks closed
 *           meanwhile whose own grace period has passed (their cookie),
 *           and hand the rest over as the next batch
 *
 * queue_rcu_work() waits for a batch's grace period: a batch needs exactly
 * one and then process context for the frees, which is what rcu_work gives,
 * without a worker polling for the grace period's end.  With one batch in
 * flight per CPU, though, a block closed just after a batch left would wait
 * for that batch's grace period and then its own; so each block also takes
 * a grace-period cookie (get_state_synchronize_rcu(), any context) when it
 * closes, and the end of a batch frees every closed block whose cookie has
 * expired (poll_state_synchronize_rcu()) without another grace period.
 * kvfree_rcu() does the same with its per-block gp_snap.
 */
#ifndef _LLPOOL_RCU_POOL_USER_H
#define _LLPOOL_RCU_POOL_USER_H

#include <linux/llist.h>
#include <linux/mm_types.h>
#include <linux/stddef.h>
#include <linux/types.h>

struct llpool_rcu;

/**
 * struct llpool_rcu_block - one llpool page of pointers waiting for a
 * grace period
 * @node: link on the closed list and on the batch in flight.
 * @start: jiffies when the first pointer went in.
 * @gp: RCU grace-period cookie taken when the block was closed, after its
 *	last pointer went in: once poll_state_synchronize_rcu() says it has
 *	passed, every pointer in the block may be freed.
 * @nr: pointers in @ptrs.
 * @ptrs: the pointers, as many as fill the page (LLPOOL_RCU_PTRS).
 */
struct llpool_rcu_block {
	struct llist_node node;
	unsigned long start;
	unsigned long gp;
	unsigned int nr;
	void *ptrs[];
};

#define LLPOOL_RCU_PTRS \
	((PAGE_SIZE - offsetof(struct llpool_rcu_block, ptrs)) / sizeof(void *))

/**
 * enum llpool_rcu_counter - rcu_pool_user counters
 * @LLPOOL_RCU_QUEUED: objects accepted.
 * @LLPOOL_RCU_FREED: objects freed after their grace period.
 * @LLPOOL_RCU_FALLBACKS: calls that returned -ENOMEM (no block page
 *	reachable, or the CPU's state in use by the interrupted context).
 * @LLPOOL_RCU_BLOCKS: blocks handed to a grace period.
 * @LLPOOL_RCU_GPS: grace periods waited for (one per batch of blocks).
 * @LLPOOL_RCU_EARLY: blocks freed on their own cookie when a batch ended,
 *	without waiting for another grace period (also in @LLPOOL_RCU_BLOCKS).
 * @LLPOOL_RCU_PAGES: block pages taken from the pool and not yet returned.
 * @LLPOOL_RCU_COUNTER_COUNT: number of counters.
 */
enum llpool_rcu_counter {
	LLPOOL_RCU_QUEUED,
	LLPOOL_RCU_FREED,
	LLPOOL_RCU_FALLBACKS,
	LLPOOL_RCU_BLOCKS,
	LLPOOL_RCU_GPS,
	LLPOOL_RCU_EARLY,
	LLPOOL_RCU_PAGES,
	LLPOOL_RCU_COUNTER_COUNT,
};

struct llpool_rcu *llpool_rcu_create(const char *name, unsigned int low,
				     unsigned int high);
void llpool_rcu_destroy(struct llpool_rcu *r);
int llpool_rcu_free(struct llpool_rcu *r, void *ptr);
void llpool_rcu_barrier(struct llpool_rcu *r);
void llpool_rcu_get_stats(struct llpool_rcu *r,
			  s64 stats[LLPOOL_RCU_COUNTER_COUNT]);

int llpool_kfree_rcu(void *ptr);
void llpool_kfree_rcu_barrier(void);

#endif /* _LLPOOL_RCU_POOL_USER_H */
