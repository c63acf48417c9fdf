// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_bench's "ctx" section: success by context under contention.
 *
 * Every online CPU runs the page allocator hammer (batches of order-0 and
 * order-3 pages in and out of the buddy lists: zone->lock and each CPU's
 * pcp list, busy).  On one CPU, allocations are attempted from
 *   task     a kthread sharing that CPU with its hammer;
 *   softirq  a pinned soft hrtimer (HRTIMER_SOFTIRQ; on PREEMPT_RT that
 *            runs in ksoftirqd, a task that takes turns with the hammer,
 *            so the scheduler sets the pace there, not the timer);
 *   hardirq  a pinned hrtimer expiring in hardirq context (on PREEMPT_RT
 *            a _HARD one; on other kernels a plain one, which lockdep
 *            knows may take a spinlock_t);
 *   nmi      NMIs sent to that CPU from another one, one at a time;
 * in bursts of BENCH_CTX_BURST pages taken, held, and given back in the
 * same context.  Interrupts and NMIs land wherever the hammer is: the
 * bursts that interrupted it are counted, and for NMIs those that landed
 * with IRQs off (inside zone->lock, say, which hardirqs cannot reach).
 * A contender that is not legal in a context (GFP_ATOMIC in NMI; in
 * hardirq on PREEMPT_RT) is not called there and is reported as such.
 * The contenders take turns in a different order in each context.
 *
 * Output: "csv,ctx,<context>,<contender>,<legal>,<attempts>,<successes>,
 * <bursts>,<bursts that interrupted the hammer>,<of them with IRQs off>,
 * <NMIs lost>,<bursts asked for>": fewer bursts than asked for means the
 * run hit its 30 s deadline or lost an NMI.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "../compat.h"
#include "bench.h"

#define BENCH_CTX_BURST		4
#define BENCH_CTX_PERIOD_NS	(100 * NSEC_PER_USEC)
#define BENCH_CTX_WAIT_US	100000	/* for one NMI to be handled */
#define BENCH_CTX_GAP_US	20	/* between NMIs, plus up to as much */
#define BENCH_CTX_JITTER_NS	(50 * NSEC_PER_USEC)	/* added to the period */

enum bench_ctx_kind { CTX_TASK, CTX_SOFTIRQ, CTX_HARDIRQ, CTX_NMI, CTX_NR };

static const char * const bench_ctx_names[CTX_NR] = {
	"task", "softirq", "hardirq", "nmi",
};

/*
 * A negative control for whoever reads the rows (make check's smoke
 * asserts that llpool served every attempt in every context): in the
 * context ctx_fail names, llpool's pages are given back at once and
 * counted as not served.  CTX_NR: off.
 */
static unsigned int bench_ctx_fail = CTX_NR;

static int bench_ctx_fail_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(bench_ctx_names, val);

	if (i < 0) {
		pr_err("ctx_fail=%s: not one of task, softirq, hardirq, nmi\n", val);
		return -EINVAL;
	}
	bench_ctx_fail = i;
	return 0;
}

static int bench_ctx_fail_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", bench_ctx_fail < CTX_NR ?
			  bench_ctx_names[bench_ctx_fail] : "off");
}

static const struct kernel_param_ops bench_ctx_fail_ops = {
	.set = bench_ctx_fail_set,
	.get = bench_ctx_fail_get,
};
module_param_cb(ctx_fail, &bench_ctx_fail_ops, NULL, 0444);
MODULE_PARM_DESC(ctx_fail, "negative control: llpool counted as failing in this context (task, softirq, hardirq or nmi)");

struct bench_ctx_run {
	struct bench_contender *c;
	enum bench_ctx_kind kind;
	unsigned int cpu;		/* where the allocations run */
	unsigned int events;		/* bursts to run */
	atomic_t bursts, attempts, successes;
	atomic_t in_hammer, in_irqoff;	/* bursts that interrupted the hammer */
	unsigned int lost;		/* NMIs never handled */
	u32 seed;			/* the timer callback's jitter */
	struct hrtimer timer;
	struct completion done;
	atomic_t nmi_pending;		/* sent, not yet handled: 0 or 1 */
};

/*
 * Take a burst of pages, hold them all, give them back: any context.
 * @irqoff: the interrupted code had IRQs off (NMIs only).
 */
static void bench_ctx_burst(struct bench_ctx_run *r, bool irqoff)
{
	struct page *pages[BENCH_CTX_BURST];
	unsigned int i, ok = 0;

	if (r->kind != CTX_TASK && current == bench_hammer_on(r->cpu)) {
		atomic_inc(&r->in_hammer);
		if (irqoff)
			atomic_inc(&r->in_irqoff);
	}

	for (i = 0; i < BENCH_CTX_BURST; i++) {
		pages[i] = r->c->alloc();
		if (pages[i] && r->kind == bench_ctx_fail && !strcmp(r->c->name, "llpool")) {
			r->c->free(pages[i]);
			pages[i] = NULL;
		}
		ok += !!pages[i];
	}
	for (i = 0; i < BENCH_CTX_BURST; i++)
		if (pages[i])
			r->c->free(pages[i]);
	atomic_add(BENCH_CTX_BURST, &r->attempts);
	atomic_add(ok, &r->successes);
	atomic_inc(&r->bursts);
}

static bool bench_ctx_legal(const struct bench_contender *c, enum bench_ctx_kind kind)
{
	if (c->any_context || kind == CTX_TASK || kind == CTX_SOFTIRQ)
		return true;
	/* spinlock_t may not be taken in NMI; on PREEMPT_RT not in hardirq. */
	return kind == CTX_HARDIRQ && !IS_ENABLED(CONFIG_PREEMPT_RT);
}

/* ---- task, softirq and hardirq: a kthread on the CPU ------------------- */

static enum hrtimer_restart bench_ctx_timer_fn(struct hrtimer *t)
{
	struct bench_ctx_run *r = container_of(t, struct bench_ctx_run, timer);

	bench_ctx_burst(r, false);
	if (atomic_read(&r->bursts) >= r->events) {
		complete(&r->done);
		return HRTIMER_NORESTART;
	}
	/*
	 * A varying period, so that the bursts do not fall in step with the
	 * hammer's loop.  No get_random_*(): on PREEMPT_RT it takes a
	 * local_lock, a sleeping lock, and this may be hardirq.
	 */
	r->seed = r->seed * 1664525 + 1013904223;
	hrtimer_forward_now(t, ns_to_ktime(BENCH_CTX_PERIOD_NS +
					   (r->seed >> 16) % BENCH_CTX_JITTER_NS));
	return HRTIMER_RESTART;
}

static enum hrtimer_mode bench_ctx_mode(const struct bench_ctx_run *r)
{
	if (r->kind == CTX_SOFTIRQ)
		return HRTIMER_MODE_REL_PINNED_SOFT;
	/*
	 * Both expire in hardirq context.  Lockdep takes a _HARD timer's
	 * callback for one that may not take a spinlock_t (as on RT), and
	 * would report GFP_ATOMIC there on kernels where it is legal.
	 */
	return IS_ENABLED(CONFIG_PREEMPT_RT) ? HRTIMER_MODE_REL_PINNED_HARD :
					       HRTIMER_MODE_REL_PINNED;
}

static int bench_ctx_local_fn(void *arg)
{
	struct bench_ctx_run *r = arg;
	unsigned int i;

	if (r->kind == CTX_TASK) {
		for (i = 0; i < r->events && !kthread_should_stop(); i++) {
			bench_ctx_burst(r, false);
			cond_resched();
		}
		complete(&r->done);
		return 0;
	}
	/* Armed here, pinned: the timer fires on this CPU. */
	hrtimer_start(&r->timer, ns_to_ktime(BENCH_CTX_PERIOD_NS), bench_ctx_mode(r));
	return 0;
}

/* ---- nmi ---------------------------------------------------------------- */

#ifdef LLPOOL_HAVE_TEST_NMI
static struct bench_ctx_run *bench_ctx_nmi_run;

static int bench_ctx_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct bench_ctx_run *r = READ_ONCE(bench_ctx_nmi_run);

	if (!r || smp_processor_id() != r->cpu)
		return NMI_DONE;
	/* A late one after a timeout is ours too: no "unknown NMI". */
	if (atomic_dec_if_positive(&r->nmi_pending) >= 0)
		bench_ctx_burst(r, !(regs->flags & X86_EFLAGS_IF));
	return NMI_HANDLED;
}

/* From another CPU than r->cpu: one NMI at a time, each waited for. */
static void bench_ctx_send_nmis(struct bench_ctx_run *r)
{
	unsigned int i, sent, before;

	WRITE_ONCE(bench_ctx_nmi_run, r);
	for (sent = 0; sent < r->events; sent++) {
		before = atomic_read(&r->bursts);
		atomic_set(&r->nmi_pending, 1);
		llpool_test_send_nmi(r->cpu);
		for (i = 0; i < BENCH_CTX_WAIT_US && atomic_read(&r->bursts) == before; i++)
			udelay(1);
		if (i == BENCH_CTX_WAIT_US) {
			r->lost = r->events - sent;	/* and stop sending */
			break;
		}
		/* Let the hammer run between NMIs, for a varying while. */
		udelay(BENCH_CTX_GAP_US + get_random_u32_below(BENCH_CTX_GAP_US));
		cond_resched();
	}
	atomic_set(&r->nmi_pending, 0);
	WRITE_ONCE(bench_ctx_nmi_run, NULL);
	/* nmi_handle() walks its handlers under RCU: none still holds @r. */
	synchronize_rcu();
}
#endif

/* ---- the section -------------------------------------------------------- */

static void bench_ctx_one(struct bench_contender *c, enum bench_ctx_kind kind,
			  unsigned int cpu, unsigned int events)
{
	struct bench_ctx_run *r;
	struct task_struct *t;
	bool legal = bench_ctx_legal(c, kind);

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return;
	r->c = c;
	r->kind = kind;
	r->cpu = cpu;
	r->events = events;
	r->seed = cpu + kind;
	init_completion(&r->done);
	if (!legal)
		goto report;
	if (kind == CTX_NMI) {
#ifdef LLPOOL_HAVE_TEST_NMI
		/* The caller runs off @cpu (see bench_ctx()). */
		bench_ctx_send_nmis(r);
		goto report;
#else
		pr_info("csv,unavailable,ctx-nmi-%s,%d\n", c->name, -EOPNOTSUPP);
		kfree(r);
		return;
#endif
	}
	llpool_hrtimer_setup(&r->timer, bench_ctx_timer_fn, CLOCK_MONOTONIC, bench_ctx_mode(r));
	t = kthread_create_on_cpu(bench_ctx_local_fn, r, cpu, "llpool_ctx/%u");
	if (IS_ERR(t)) {
		pr_info("ctx: %s: no thread on CPU %u: %ld\n", c->name, cpu, PTR_ERR(t));
		goto report;
	}
	get_task_struct(t);
	wake_up_process(t);
	/* A deadline: a run that stalls is reported short, never waited on. */
	if (!wait_for_completion_timeout(&r->done, 30 * HZ))
		pr_info("ctx: %s in %s: stalled after %d bursts\n", c->name,
			bench_ctx_names[kind], atomic_read(&r->bursts));
	/* The thread has run (and armed the timer) or never will. */
	kthread_stop(t);
	put_task_struct(t);
	hrtimer_cancel(&r->timer);
report:
	pr_info("csv,ctx,%s,%s,%d,%d,%d,%d,%d,%d,%u,%u\n", bench_ctx_names[kind], c->name,
		legal, atomic_read(&r->attempts), atomic_read(&r->successes),
		atomic_read(&r->bursts), atomic_read(&r->in_hammer),
		atomic_read(&r->in_irqoff), r->lost, events);
	kfree(r);
}

/**
 * bench_ctx - success by context while every CPU hammers the page allocator
 * @events: bursts per context and contender
 *
 * Context: Process context, module init; leaves no thread or timer behind.
 */
void bench_ctx(unsigned int events)
{
	static const char * const names[] = {
		"alloc_pages_nolock", "kmalloc_nolock", "gfp_atomic", "llpool",
	};
	struct bench_contender *c;
	unsigned int cpu, i, kind;
	int ret;

	if (num_online_cpus() < 2) {
		pr_info("csv,unavailable,ctx,%d\n", -ENODEV);
		return;
	}
	/* Allocate on the last online CPU; send NMIs from here, off it. */
	migrate_disable();
	cpu = cpumask_last(cpu_online_mask);
	if (cpu == smp_processor_id())
		cpu = cpumask_first(cpu_online_mask);
	ret = bench_hammer_start(cpu_online_mask);
#ifdef LLPOOL_HAVE_TEST_NMI
	if (!ret)
		ret = register_nmi_handler(NMI_LOCAL, bench_ctx_nmi_handler, 0, "llpool_bench");
#else
	pr_info("ctx: no way to send an NMI on this architecture\n");
#endif
	if (ret) {
		bench_hammer_stop();
		migrate_enable();
		pr_info("csv,unavailable,ctx,%d\n", ret);
		return;
	}
	msleep(20);	/* the hammers are at work */
	for (kind = 0; kind < CTX_NR; kind++) {
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			c = bench_find(names[(i + kind) % ARRAY_SIZE(names)]);
			if (c)
				bench_ctx_one(c, kind, cpu, events);
		}
	}
#ifdef LLPOOL_HAVE_TEST_NMI
	unregister_nmi_handler(NMI_LOCAL, "llpool_bench");	/* waits for handlers */
#endif
	bench_hammer_stop();
	migrate_enable();
	pr_info("ctx: on CPU %u, %u bursts of %u pages per context, every online CPU hammering\n",
		cpu, events, BENCH_CTX_BURST);
}
