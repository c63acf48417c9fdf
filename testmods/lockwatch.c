// SPDX-License-Identifier: GPL-2.0
/*
 * lockwatch: the zone-lock detector used by llpool's tests; see lockwatch.h.
 *
 * The lock_acquire tracepoint is not exported as a symbol, so it is found by
 * name with for_each_kernel_tracepoint().  A window is one per-CPU pointer:
 * set and cleared by the watched code on its own CPU with migration
 * disabled, read by the probe on that CPU, so no ordering beyond program
 * order on one CPU is needed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "lockwatch.h"

static DEFINE_PER_CPU(struct lockwatch_window *, lockwatch_cur);
static DEFINE_MUTEX(lockwatch_lock);
static unsigned int lockwatch_users;

#ifdef CONFIG_LOCKDEP
static struct tracepoint *lockwatch_tp;

static void lockwatch_probe(void *data, struct lockdep_map *lock,
			    unsigned int subclass, int trylock, int read,
			    int check, struct lockdep_map *next_lock,
			    unsigned long ip)
{
	struct lockwatch_window *w = this_cpu_read(lockwatch_cur);
	const char *name;
	u8 outer;

	if (!w || interrupt_context_level() != w->level)
		return;
	if (w->task && w->task != current)
		return;
	/*
	 * As lockdep's check_wait_context() judges the lock being taken: by
	 * its outer wait type, which defaults to the inner one.  (RCU's read
	 * lock has outer FREE: legal anywhere, though its inner type is CONFIG.)
	 */
	outer = lock->wait_type_outer ?: lock->wait_type_inner;
	if (outer >= LD_WAIT_CONFIG) {
		if (trylock) {
			w->sleeping_try++;
		} else if (!w->sleeping++) {
			w->first_sleeping = lock->name;
			w->first_sleeping_ip = ip;
		}
	}
	name = lock->name;
	if (!name) {
		w->other++;
		return;
	}
	if (!strcmp(name, "&zone->lock") || !strcmp(name, "&pcp->lock")) {
		if (name[1] == 'z')
			w->zone++;
		else
			w->pcp++;
		if (!w->first_zone_ip)
			w->first_zone_ip = ip;
	} else if (!strcmp(name, "llpool_fast_path")) {
		w->fast++;
	} else {
		if (!w->other++)
			w->first_other = name;
	}
}

static void lockwatch_find(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "lock_acquire"))
		*(struct tracepoint **)priv = tp;
}
#endif /* CONFIG_LOCKDEP */

/**
 * lockwatch_start() - attach the probe (counted; pair with lockwatch_stop())
 *
 * Context: process context.
 * Return: 0, or -ENOENT when the kernel has no lock_acquire tracepoint
 * (PROVE_LOCKING or TRACEPOINTS off), or the registration error.
 */
int lockwatch_start(void)
{
	int ret = -ENOENT;

	mutex_lock(&lockwatch_lock);
	if (lockwatch_users) {
		lockwatch_users++;
		ret = 0;
		goto out;
	}
#ifdef CONFIG_LOCKDEP
	if (!lockwatch_tp)
		for_each_kernel_tracepoint(lockwatch_find, &lockwatch_tp);
	if (lockwatch_tp)
		ret = tracepoint_probe_register(lockwatch_tp, lockwatch_probe, NULL);
#endif
	if (!ret)
		lockwatch_users++;
out:
	mutex_unlock(&lockwatch_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lockwatch_start);

/**
 * lockwatch_stop() - detach the probe when its last user stops
 *
 * Context: process context; waits for running probes to finish.
 */
void lockwatch_stop(void)
{
	mutex_lock(&lockwatch_lock);
	if (!WARN_ON(!lockwatch_users) && !--lockwatch_users) {
#ifdef CONFIG_LOCKDEP
		tracepoint_probe_unregister(lockwatch_tp, lockwatch_probe, NULL);
		tracepoint_synchronize_unregister();
#endif
	}
	mutex_unlock(&lockwatch_lock);
}
EXPORT_SYMBOL_GPL(lockwatch_stop);

/**
 * lockwatch_open() - start counting on this CPU at this context level
 * @w: the window; zeroed here
 *
 * Context: migration (or preemption, or IRQs) disabled until
 * lockwatch_close(), on the CPU that opened the window.
 */
void lockwatch_open(struct lockwatch_window *w)
{
	memset(w, 0, sizeof(*w));
	w->level = interrupt_context_level();
	w->task = in_task() ? current : NULL;
	this_cpu_write(lockwatch_cur, w);
}
EXPORT_SYMBOL_GPL(lockwatch_open);

/**
 * lockwatch_close() - stop counting
 * @w: the window lockwatch_open() opened on this CPU
 *
 * Context: the context that opened @w.
 */
void lockwatch_close(struct lockwatch_window *w)
{
	WARN_ON_ONCE(this_cpu_read(lockwatch_cur) != w);
	this_cpu_write(lockwatch_cur, NULL);
}
EXPORT_SYMBOL_GPL(lockwatch_close);

MODULE_DESCRIPTION("lockwatch: count lock acquisitions by class name, for llpool tests");
MODULE_LICENSE("GPL");
