// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_rcu_stress: load for rcu_pool_user, for the selftests and soaks.
 * `threads` kthreads, spread over the online CPUs, each kmalloc() objects
 * of 16..512 bytes for `seconds` and defer-free them through
 * llpool_kfree_rcu() from the contexts in `ctx`, in turn: task (1),
 * softirq (2, a timer), hardirq (4, a HARD hrtimer), task under a raw
 * spinlock with IRQs off (8).  An object whose deferred free falls back
 * (-ENOMEM) is freed with kfree() in task context: the load has no
 * readers.  "done: N objects from T threads" is logged at the end; the
 * threads stay until the module is removed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "../compat.h"
#include "../llpool_param.h"
#include "../rcu_pool_user.h"

#define STRESS_TASK	BIT(0)
#define STRESS_SOFTIRQ	BIT(1)
#define STRESS_HARDIRQ	BIT(2)
#define STRESS_RAW	BIT(3)
#define STRESS_ALL	(STRESS_TASK | STRESS_SOFTIRQ | STRESS_HARDIRQ | STRESS_RAW)
/* Objects a thread may have waiting for its timers. */
#define STRESS_IRQ_MAX	512

LLPOOL_PARAM_UINT(threads, 0, 0, 64, "kthreads, 0 for one per online CPU");
LLPOOL_PARAM_UINT(seconds, 10, 1, 3600, "duration in seconds");
/* Any non-zero OR of the four bits: the range is exactly that. */
static_assert(STRESS_ALL == 15);
LLPOOL_PARAM_UINT(ctx, 15, 1, 15,
		  "contexts: 1 task, 2 softirq, 4 hardirq, 8 raw spinlock; OR them");
LLPOOL_PARAM_UINT(rate, 0, 0, 100000,
		  "objects per thread per millisecond, 0 for unthrottled");

struct stress_thread {
	struct task_struct *task;
	struct llist_head to_softirq, to_hardirq, back;
	atomic_t irq_pending;
	struct timer_list timer;
	struct hrtimer hrt;
	bool stop;
	unsigned long objects;
};

static struct stress_thread *stress;
static unsigned int stress_n;
static atomic_t stress_done;
static DEFINE_RAW_SPINLOCK(stress_raw_lock);

/* Timer side: hand each object to llpool_kfree_rcu() or back to the thread. */
static void stress_irq_consume(struct stress_thread *t, struct llist_head *list)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(list)) {
		if (llpool_kfree_rcu(node))
			llist_add(node, &t->back);
		atomic_dec(&t->irq_pending);
	}
}

static void stress_timer_fn(struct timer_list *tl)
{
	struct stress_thread *t = timer_container_of(t, tl, timer);

	stress_irq_consume(t, &t->to_softirq);
	if (!READ_ONCE(t->stop))
		mod_timer(&t->timer, jiffies + 1);
}

static enum hrtimer_restart stress_hrt_fn(struct hrtimer *hrt)
{
	struct stress_thread *t = container_of(hrt, struct stress_thread, hrt);

	stress_irq_consume(t, &t->to_hardirq);
	if (READ_ONCE(t->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hrt, ns_to_ktime(500 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void stress_free_list(struct llist_head *list)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(list))
		kfree(node);
}

static void stress_defer_list(struct llist_head *list)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(list))
		if (llpool_kfree_rcu(node))
			kfree(node);
}

static void stress_one(struct stress_thread *t, unsigned int c, void *obj)
{
	unsigned long flags;
	int ret;

	if ((c & (STRESS_SOFTIRQ | STRESS_HARDIRQ)) &&
	    atomic_inc_return(&t->irq_pending) <= STRESS_IRQ_MAX) {
		llist_add(obj, c == STRESS_SOFTIRQ ? &t->to_softirq : &t->to_hardirq);
		return;
	}
	if (c & (STRESS_SOFTIRQ | STRESS_HARDIRQ))
		atomic_dec(&t->irq_pending);
	if (c == STRESS_RAW) {
		raw_spin_lock_irqsave(&stress_raw_lock, flags);
		ret = llpool_kfree_rcu(obj);
		raw_spin_unlock_irqrestore(&stress_raw_lock, flags);
	} else {
		ret = llpool_kfree_rcu(obj);
	}
	if (ret)
		kfree(obj);
}

static int stress_fn(void *arg)
{
	struct stress_thread *t = arg;
	unsigned long deadline = jiffies + seconds * HZ;
	unsigned int c = 0, burst = 0;
	void *obj;

	timer_setup(&t->timer, stress_timer_fn, 0);
	llpool_hrtimer_setup(&t->hrt, stress_hrt_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	if (ctx & STRESS_SOFTIRQ)
		mod_timer(&t->timer, jiffies + 1);
	if (ctx & STRESS_HARDIRQ)
		hrtimer_start(&t->hrt, ns_to_ktime(500 * NSEC_PER_USEC), HRTIMER_MODE_REL_HARD);

	while (!kthread_should_stop() && time_before(jiffies, deadline)) {
		obj = kmalloc(16 + get_random_u32_below(497), GFP_KERNEL);
		if (!obj) {
			msleep(20);
			continue;
		}
		do {
			c = c << 1 ?: STRESS_TASK;
			if (c > STRESS_RAW)
				c = STRESS_TASK;
		} while (!(c & ctx));
		stress_one(t, c, obj);
		t->objects++;
		stress_free_list(&t->back);
		if (rate && ++burst >= rate) {
			burst = 0;
			usleep_range(1000, 2000);
		}
		cond_resched();
	}
	WRITE_ONCE(t->stop, true);
	timer_delete_sync(&t->timer);
	hrtimer_cancel(&t->hrt);
	/* Whatever the timers did not take is deferred from here. */
	stress_defer_list(&t->to_softirq);
	stress_defer_list(&t->to_hardirq);
	stress_free_list(&t->back);
	if (atomic_inc_return(&stress_done) == stress_n) {
		unsigned long total = 0;
		unsigned int i;

		for (i = 0; i < stress_n; i++)
			total += READ_ONCE(stress[i].objects);
		pr_info("done: %lu objects from %u threads\n", total, stress_n);
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int stress_start(unsigned int n)
{
	unsigned int i, cpu;

	stress = kcalloc(n, sizeof(*stress), GFP_KERNEL);
	if (!stress)
		return -ENOMEM;
	/* No CPU leaves between picking it and binding a thread to it. */
	cpus_read_lock();
	for (i = 0; i < n; i++) {
		struct stress_thread *t = &stress[i];

		init_llist_head(&t->to_softirq);
		init_llist_head(&t->to_hardirq);
		init_llist_head(&t->back);
		cpu = cpumask_nth(i % num_online_cpus(), cpu_online_mask);
		t->task = kthread_create_on_cpu(stress_fn, t, cpu, "rcu_stress/%u");
		if (IS_ERR(t->task)) {
			int err = PTR_ERR(t->task);

			t->task = NULL;
			stress_n = i;
			cpus_read_unlock();
			return err;
		}
	}
	cpus_read_unlock();
	stress_n = n;
	for (i = 0; i < stress_n; i++)
		wake_up_process(stress[i].task);
	pr_info("%u threads, %u s, contexts %#x, rate %u/ms\n",
		stress_n, seconds, ctx, rate);
	return 0;
}

static void stress_stop(void)
{
	unsigned int i;

	for (i = 0; i < stress_n; i++)
		if (stress[i].task)
			kthread_stop(stress[i].task);
	kfree(stress);
	stress = NULL;
	stress_n = 0;
}

static int __init rcu_stress_init(void)
{
	unsigned int n = threads ?: min(num_online_cpus(), 64U);
	int ret;

	ret = stress_start(n);
	if (ret)
		stress_stop();
	return ret;
}

static void __exit rcu_stress_exit(void)
{
	stress_stop();
}

module_init(rcu_stress_init);
module_exit(rcu_stress_exit);
MODULE_DESCRIPTION("llpool test: rcu_pool_user load from every context");
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
