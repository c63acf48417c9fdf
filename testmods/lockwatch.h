/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lockwatch: count the locks a stretch of code takes, by lock class name.
 *
 * A probe on the lock_acquire tracepoint (PROVE_LOCKING + TRACEPOINTS)
 * sees every acquisition lockdep sees, trylocks included.  A window is
 * opened on one CPU for one interrupt-context level (task, softirq,
 * hardirq); in task context it also belongs to one task, so neither an
 * interrupt arriving in the window nor another task scheduled on the CPU is
 * counted.
 */
#ifndef _LLPOOL_LOCKWATCH_H
#define _LLPOOL_LOCKWATCH_H

#include <linux/types.h>

struct task_struct;

/**
 * struct lockwatch_window - what one window saw
 * @zone: acquisitions of "&zone->lock" (the buddy allocator's lock).
 * @pcp: acquisitions of "&pcp->lock" (the per-CPU page lists' lock).
 * @fast: acquisitions of "llpool_fast_path" (llpool's lockdep annotation).
 * @other: every other acquisition.
 * @sleeping: acquisitions, not trylocks, of locks that sleep on PREEMPT_RT
 *	(outer wait type CONFIG or SLEEP, as lockdep judges them): what
 *	PROVE_RAW_LOCK_NESTING reports when taken under a raw spinlock.
 * @sleeping_try: trylocks of such locks: lockdep lets them pass, but they
 *	are still sleeping locks on PREEMPT_RT.
 * @first_zone_ip: caller address of the first zone or pcp acquisition.
 * @first_other: name of the first other lock class, for diagnostics.
 * @first_sleeping: name of the first @sleeping lock class.
 * @first_sleeping_ip: where it was taken.
 * @level: the interrupt_context_level() being watched.
 * @task: the task being watched, task-level windows only.
 */
struct lockwatch_window {
	unsigned int zone;
	unsigned int pcp;
	unsigned int fast;
	unsigned int other;
	unsigned int sleeping;
	unsigned int sleeping_try;
	unsigned long first_zone_ip;
	const char *first_other;
	const char *first_sleeping;
	unsigned long first_sleeping_ip;
	unsigned char level;
	struct task_struct *task;
};

int lockwatch_start(void);
void lockwatch_stop(void);
void lockwatch_open(struct lockwatch_window *w);
void lockwatch_close(struct lockwatch_window *w);

#endif /* _LLPOOL_LOCKWATCH_H */
