// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_rcu_bench: rcu_pool_user measured against kvfree_rcu(), in one boot,
 * modelled on rcuscale's kfree_rcu_test.  At load, for each contender in
 * turn, `threads` kthreads (spread over the online CPUs) each allocate and
 * defer-free `objects` objects of `size` bytes:
 *
 *   kvfree_rcu            kvfree_rcu(ptr, rh): the object carries an rcu_head
 *   kvfree_rcu_mightsleep headless kvfree_rcu, task context only (may sleep)
 *   llpool_kfree_rcu      rcu_pool_user, task context
 *   llpool_kfree_rcu/raw  rcu_pool_user under a raw spinlock, IRQs off
 *   kvfree_rcu/raw        kvfree_rcu(ptr, rh) under a raw spinlock (7.3,
 *                         where kvfree_call_rcu() says it may be called
 *                         under one, PREEMPT_RT included, and skips the
 *                         sheaves there on PREEMPT_RT); the head-less
 *                         form may sleep
 *   kfree_rcu_nolock      kfree_rcu_nolock(ptr, kh) (7.3): kfree_rcu for any
 *                         context, through the cache's RCU sheaf, deferring
 *                         when it cannot; task context
 *   kfree_rcu_nolock/raw  the same under a raw spinlock, IRQs off
 *
 * For each: time until every object is queued, time until every object is
 * freed (the contender's barrier), grace periods elapsed (cookies),
 * peak memory footprint (free pages, pcplists included, sampled every
 * ~1 ms: lowest against the start), and fallbacks (rcu_pool_user's -ENOMEM,
 * after which the object is freed by synchronize_rcu() + kfree()).
 *
 * Objects come from a slab cache created for each run and destroyed after
 * it: from a shared kmalloc cache, a run would reuse the slabs the last run
 * emptied, and its footprint would not show in the free pages.
 *
 * Then, with ctx_objects > 0, the by-context section: on one CPU, a kthread
 * allocates objects in batches of RB_BATCH (task context) and has each
 * batch deferred-freed from one context:
 *
 *   task      the kthread itself, preemptible
 *   raw       the kthread under a raw spinlock, IRQs off
 *   softirq   a pinned soft hrtimer (on PREEMPT_RT: ksoftirqd)
 *   hardirq   a pinned hrtimer expiring in hardirq (_HARD on PREEMPT_RT)
 *   nmi       an NMI the kthread sends to its own CPU
 *
 * by each contender legal there: llpool_rcu_free() (on an instance of
 * its own, sized as rcu_pool_user's default one) and kfree_rcu_nolock()
 * everywhere; kvfree_rcu() with an rcu_head everywhere but in NMI (7.3's
 * kvfree_call_rcu() may be called under a raw spinlock, PREEMPT_RT
 * included; call_rcu() and krcp->lock are not NMI-safe).  For each: the time per call (inside the
 * calls only, ktime_get_mono_fast_ns(), NMI-safe; the median batch's and
 * the mean; an llpool_rcu_free() that returned -ENOMEM is timed as the
 * call only, not the caller's synchronize_rcu() and free after it), how
 * each call ended,
 * and the time from the last call to the last free (the contender's
 * barrier).  How a call ended: for llpool_rcu_free(),
 * in a block or as -ENOMEM (the object stays the caller's, which frees it
 * after synchronize_rcu()), from rcu_pool_user's counters; for the other
 * two, into the cache's RCU sheaf, refused by it (full or busy), or not
 * tried (a slab of another node), from SLUB's own counters, which a kernel
 * has with CONFIG_SLUB_STATS only (else "not counted").  What is not in
 * the sheaf kfree_rcu_nolock() defers through an irq_work, and kvfree_rcu()
 * queues at once in its page blocks or, lacking a block page, on the
 * rcu_head: it never defers.  The time to the last free includes
 * kmem_cache_destroy(), which waits for kvfree_rcu's barrier in every row,
 * llpool's too.
 *
 * Results go to the kernel log as Markdown tables.  TCG and debug kernels
 * distort absolute times; compare within one boot.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "../compat.h"
#include "../llpool_param.h"
#include "../rcu_pool_user.h"
#include "free_pages.h"

LLPOOL_PARAM_UINT(threads, 4, 1, 64, "threads per contender");
LLPOOL_PARAM_UINT(objects, 10000, 1, 1000000, "objects per thread");
LLPOOL_PARAM_UINT(size, 64, 32, 4096, "object size in bytes");
LLPOOL_PARAM_UINT(rounds, 1, 1, 15, "rounds, each starting one contender later");
LLPOOL_PARAM_UINT(ctx_objects, 0, 0, 1000000,
		  "objects per context and contender in the by-context section (0: skip it)");

enum bench_kind {
	B_KVFREE_RCU, B_MIGHTSLEEP, B_LLPOOL, B_LLPOOL_RAW,
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
	B_NOLOCK, B_NOLOCK_RAW, B_KVFREE_RCU_RAW,
#endif
	B_COUNT
};

static const char *const bench_names[B_COUNT] = {
	[B_KVFREE_RCU]	= "kvfree_rcu (rcu_head)",
	[B_MIGHTSLEEP]	= "kvfree_rcu_mightsleep",
	[B_LLPOOL]	= "llpool_kfree_rcu",
	[B_LLPOOL_RAW]	= "llpool_kfree_rcu under raw spinlock",
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
	[B_NOLOCK]	= "kfree_rcu_nolock",
	[B_NOLOCK_RAW]	= "kfree_rcu_nolock under raw spinlock",
	[B_KVFREE_RCU_RAW] = "kvfree_rcu (rcu_head) under raw spinlock",
#endif
};

struct bench_obj {
	union {
		struct rcu_head rh;
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
		struct kvfree_rcu_head kh;	/* kfree_rcu_nolock()'s own */
#endif
	};
	char data[];
};

/* size's lowest value holds one. */
static_assert(sizeof(struct bench_obj) <= 32);

/* The footprint sampler's state: free pages at their lowest while on. */
struct bench_mem {
	bool sampling;
	unsigned long free0;
	unsigned long min_free;
	struct task_struct *sampler;
};

struct bench_run {
	enum bench_kind kind;
	struct kmem_cache *cache;
	atomic_t left;
	struct completion done;
	atomic_long_t fallbacks;
	struct bench_mem mem;
};

static DEFINE_RAW_SPINLOCK(bench_raw_lock);

static void bench_free_one(struct bench_run *run, struct bench_obj *p)
{
	unsigned long flags;
	int ret;

	switch (run->kind) {
	case B_KVFREE_RCU:
		kvfree_rcu(p, rh);
		return;
	case B_MIGHTSLEEP:
		kvfree_rcu_mightsleep(p);
		return;
	case B_LLPOOL:
		ret = llpool_kfree_rcu(p);
		break;
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
	case B_NOLOCK:
		kfree_rcu_nolock(p, kh);
		return;
	case B_NOLOCK_RAW:
		raw_spin_lock_irqsave(&bench_raw_lock, flags);
		kfree_rcu_nolock(p, kh);
		raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
		return;
	case B_KVFREE_RCU_RAW:
		raw_spin_lock_irqsave(&bench_raw_lock, flags);
		kvfree_rcu(p, rh);
		raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
		return;
#endif
	default:
		raw_spin_lock_irqsave(&bench_raw_lock, flags);
		ret = llpool_kfree_rcu(p);
		raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
		break;
	}
	if (ret) {
		atomic_long_inc(&run->fallbacks);
		synchronize_rcu();
		kmem_cache_free(run->cache, p);
	}
}

static int bench_thread(void *arg)
{
	struct bench_run *run = arg;
	struct bench_obj *p;
	unsigned int i;

	for (i = 0; i < objects; i++) {
		p = kmem_cache_alloc(run->cache, GFP_KERNEL);
		if (!p) {
			msleep(20);
			continue;
		}
		bench_free_one(run, p);
		if (!(i % 256))
			cond_resched();
	}
	if (atomic_dec_and_test(&run->left))
		complete(&run->done);
	return 0;
}

static int bench_sampler(void *arg)
{
	struct bench_mem *mem = arg;
	unsigned long f;

	while (READ_ONCE(mem->sampling)) {
		f = llpool_test_free_pages();
		if (f < mem->min_free)
			mem->min_free = f;
		usleep_range(1000, 2000);
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void bench_mem_start(struct bench_mem *mem)
{
	mem->free0 = llpool_test_free_pages();
	mem->min_free = mem->free0;
	mem->sampling = true;
	mem->sampler = kthread_run(bench_sampler, mem, "rcu_bench_mem");
}

/* Stops the sampler; returns the peak footprint in KiB. */
static unsigned long bench_mem_stop(struct bench_mem *mem)
{
	WRITE_ONCE(mem->sampling, false);
	if (!IS_ERR(mem->sampler))
		kthread_stop(mem->sampler);
	return (mem->free0 - min(mem->min_free, mem->free0)) * (PAGE_SIZE / 1024);
}

/*
 * Wait until every object queued so far is freed, by the contender's own
 * barrier, and note when (@t_freed); then destroy @cache.  llpool's
 * (@llpool) is llpool_rcu_barrier() on @r, or on rcu_pool_user's default
 * instance when @r is NULL, and the destruction,
 * which waits for kvfree_rcu's barrier too, comes after the time is taken.
 * kvfree_rcu's own barrier is the destruction where kmem_cache_destroy()
 * runs it (LLPOOL_DESTROY_IS_KVFREE_BARRIER): there it also frees what
 * sits in the cache's RCU sheaves (7.3), which the barrier a module can
 * reach misses.
 */
static void bench_barrier(bool llpool, struct llpool_rcu *r, struct kmem_cache *cache,
			  ktime_t *t_freed)
{
	if (!llpool) {
#ifndef LLPOOL_DESTROY_IS_KVFREE_BARRIER
		llpool_kvfree_rcu_barrier();
#endif
		kmem_cache_destroy(cache);
		*t_freed = ktime_get();
		return;
	}
	if (r)
		llpool_rcu_barrier(r);
	else
		llpool_kfree_rcu_barrier();
	*t_freed = ktime_get();
	kmem_cache_destroy(cache);
}

static void bench_one(enum bench_kind kind, unsigned int round)
{
	struct bench_run run = { .kind = kind };
	unsigned long gp0, gp1, peak;
	ktime_t t0, t_queued, t_freed;
	unsigned int i, cpu;

	/* Start from a quiet state: nothing pending from the last contender. */
	llpool_kvfree_rcu_barrier();
	llpool_kfree_rcu_barrier();
	run.cache = llpool_cache_create_unmerged("rcu_bench_obj", size);
	if (!run.cache) {
		pr_err("%s: no slab cache\n", bench_names[kind]);
		return;
	}
	atomic_set(&run.left, threads);
	init_completion(&run.done);
	bench_mem_start(&run.mem);

	gp0 = get_state_synchronize_rcu();
	t0 = ktime_get();
	for (i = 0; i < threads; i++) {
		cpu = cpumask_nth(i % num_online_cpus(), cpu_online_mask);
		if (IS_ERR(kthread_run_on_cpu(bench_thread, &run, cpu, "rcu_bench/%u")) &&
		    atomic_dec_and_test(&run.left))
			complete(&run.done);
	}
	wait_for_completion(&run.done);
	t_queued = ktime_get();
	bench_barrier(kind == B_LLPOOL || kind == B_LLPOOL_RAW, NULL, run.cache, &t_freed);
	gp1 = get_state_synchronize_rcu();
	peak = bench_mem_stop(&run.mem);

	/*
	 * Grace periods: the difference of two get_state_synchronize_rcu()
	 * cookies.  A cookie is a snapshot of RCU's grace-period sequence,
	 * which advances by 4 per grace period (two low bits are state).
	 */
	pr_info("| %s | %u | %u x %u | %lld | %lld | %lu | %lu | %ld |\n",
		bench_names[kind], round, threads, objects,
		ktime_ms_delta(t_queued, t0), ktime_ms_delta(t_freed, t0),
		(gp1 - gp0) / 4, peak, atomic_long_read(&run.fallbacks));
}

/* ==== By context ========================================================= */

#define RB_BATCH	32
#define RB_WAIT_US	(1000 * USEC_PER_MSEC)	/* for one batch's context */

enum rb_ctx { RB_TASK, RB_RAW, RB_SOFTIRQ, RB_HARDIRQ, RB_NMI, RB_CTX_NR };
enum rb_who { RB_KVFREE, RB_LLPOOL, RB_NOLOCK, RB_WHO_NR };

#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
static const bool rb_have_nolock = true;
#else
static const bool rb_have_nolock;
#endif

/* The llpool contender's instance, rcu_pool_user's default sizing. */
static struct llpool_rcu *rb_rcu;

static const char *const rb_ctx_names[RB_CTX_NR] = {
	"task", "raw spinlock", "softirq", "hardirq", "nmi",
};

static const char *const rb_who_names[RB_WHO_NR] = {
	"kvfree_rcu (rcu_head)", "llpool_rcu_free", "kfree_rcu_nolock",
};

/**
 * struct rb_ctx_run - one contender in one context
 * @ctx: the context the frees run in.
 * @who: the contender.
 * @name: the run's slab cache's name.
 * @cache: the run's slab cache.
 * @objs: the batch the kthread allocated.
 * @n: objects in @objs.
 * @kept: objects a call handed back (llpool_rcu_free()'s -ENOMEM), for
 *	the kthread to free after a grace period.
 * @nkept: objects in @kept.
 * @ns: time inside the calls.
 * @calls: calls made.
 * @per_call: each batch's time per call, ns.
 * @batches: entries in @per_call.
 * @cpu: the CPU the kthread and the contexts run on.
 * @timer: the softirq and hardirq contexts.
 * @fired: the batch's context has run (written there, polled by the
 *	kthread: an NMI cannot complete() a completion).
 *
 * One batch at a time: the kthread writes @objs, raises the context and
 * waits for @fired; the context frees the batch and sets @fired.
 */
struct rb_ctx_run {
	enum rb_ctx ctx;
	enum rb_who who;
	char name[32];
	struct kmem_cache *cache;
	struct bench_obj *objs[RB_BATCH];
	unsigned int n;
	struct bench_obj *kept[RB_BATCH];
	unsigned int nkept;
	u64 ns;
	unsigned long calls;
	u32 *per_call;
	unsigned int batches;
	unsigned int cpu;
	struct hrtimer timer;
	atomic_t fired;
};

static bool rb_legal(enum rb_who who, enum rb_ctx ctx)
{
	/*
	 * kvfree_call_rcu() may be called under a raw spinlock, PREEMPT_RT
	 * included (it says so: set_cpus_allowed_force() calls it under
	 * pi_lock), but not in NMI: krcp->lock and call_rcu() are not
	 * NMI-safe.  Before 7.3 (no kfree_rcu_nolock() either) only where a
	 * spinlock_t may be taken, as on the main table.
	 */
	if (who != RB_KVFREE)
		return true;
	if (rb_have_nolock)
		return ctx != RB_NMI;
	return ctx == RB_TASK || ctx == RB_SOFTIRQ ||
	       (!IS_ENABLED(CONFIG_PREEMPT_RT) && ctx != RB_NMI);
}

/* The batch, freed in whatever context calls this. */
static void rb_free_batch(struct rb_ctx_run *r)
{
	unsigned int i;
	u64 t0;

	if (!r->n)
		return;
	t0 = ktime_get_mono_fast_ns();
	for (i = 0; i < r->n; i++) {
		struct bench_obj *p = r->objs[i];

		switch (r->who) {
		case RB_KVFREE:
			kvfree_rcu(p, rh);
			break;
#ifdef LLPOOL_HAVE_KFREE_RCU_NOLOCK
		case RB_NOLOCK:
			kfree_rcu_nolock(p, kh);
			break;
#endif
		default:
			if (llpool_rcu_free(rb_rcu, p))
				r->kept[r->nkept++] = p;
			break;
		}
	}
	t0 = ktime_get_mono_fast_ns() - t0;
	r->ns += t0;
	r->calls += r->n;
	if (r->batches < ctx_objects)
		r->per_call[r->batches++] = min_t(u64, div_u64(t0, r->n), U32_MAX);
	atomic_set_release(&r->fired, 1);
}

static enum hrtimer_restart rb_timer_fn(struct hrtimer *t)
{
	rb_free_batch(container_of(t, struct rb_ctx_run, timer));
	return HRTIMER_NORESTART;
}

#ifdef LLPOOL_HAVE_TEST_NMI
static struct rb_ctx_run *rb_nmi_run;

static int rb_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct rb_ctx_run *r = READ_ONCE(rb_nmi_run);

	if (!r || r->cpu != smp_processor_id() || atomic_read(&r->fired))
		return NMI_DONE;
	rb_free_batch(r);
	return NMI_HANDLED;
}
#endif

/* Raise @r's context on this CPU for the batch in @r->objs; false on a timeout. */
static bool rb_raise(struct rb_ctx_run *r)
{
	unsigned long flags;
	unsigned int i;

	atomic_set(&r->fired, 0);
	switch (r->ctx) {
	case RB_TASK:
		rb_free_batch(r);
		return true;
	case RB_RAW:
		raw_spin_lock_irqsave(&bench_raw_lock, flags);
		rb_free_batch(r);
		raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
		return true;
	case RB_SOFTIRQ:
		hrtimer_start(&r->timer, ns_to_ktime(NSEC_PER_USEC), HRTIMER_MODE_REL_PINNED_SOFT);
		break;
	case RB_HARDIRQ:
		hrtimer_start(&r->timer, ns_to_ktime(NSEC_PER_USEC),
			      IS_ENABLED(CONFIG_PREEMPT_RT) ? HRTIMER_MODE_REL_PINNED_HARD :
							      HRTIMER_MODE_REL_PINNED);
		break;
	default:
#ifdef LLPOOL_HAVE_TEST_NMI
		WRITE_ONCE(rb_nmi_run, r);
		llpool_test_send_nmi(smp_processor_id());
#endif
		break;
	}
	for (i = 0; i < RB_WAIT_US && !atomic_read_acquire(&r->fired); i += 10)
		usleep_range(10, 20);
	/*
	 * Past the deadline the context may still run: make sure it no
	 * longer can before the caller takes the batch back.  nmi_handle()
	 * walks its handlers under RCU.
	 */
	if (r->ctx == RB_NMI) {
		WRITE_ONCE(rb_nmi_run, NULL);
		if (!atomic_read_acquire(&r->fired))
			synchronize_rcu();
	} else {
		hrtimer_cancel(&r->timer);
	}
	return atomic_read_acquire(&r->fired);
}

struct rb_ctx_thread {
	struct rb_ctx_run *r;
	bool timed_out;
	struct completion done;
};

/* On the measuring CPU: allocate in batches, free each from the context. */
static int rb_ctx_thread_fn(void *arg)
{
	struct rb_ctx_thread *t = arg;
	struct rb_ctx_run *r = t->r;
	unsigned int left = ctx_objects, i;

	while (left && !t->timed_out) {
		r->n = 0;
		while (r->n < RB_BATCH && r->n < left) {
			r->objs[r->n] = kmem_cache_alloc(r->cache, GFP_KERNEL);
			if (!r->objs[r->n])
				break;
			r->n++;
		}
		if (!r->n) {
			msleep(20);
			continue;
		}
		left -= r->n;
		r->nkept = 0;
		if (!rb_raise(r)) {
			/* The context never ran: the batch is still ours. */
			t->timed_out = true;
			for (i = 0; i < r->n; i++)
				kmem_cache_free(r->cache, r->objs[i]);
			break;
		}
		if (r->nkept) {
			synchronize_rcu();
			for (i = 0; i < r->nkept; i++)
				kmem_cache_free(r->cache, r->kept[i]);
		}
		cond_resched();
	}
	complete(&t->done);
	return 0;
}

/*
 * The first number in a sysfs file, up to the first blank; -1 when the
 * file or the number is not there.
 */
static long rb_read_number(const char *path)
{
	char buf[64];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	long v;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return -1;
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n ")] = '\0';
	return kstrtol(buf, 10, &v) ? -1 : v;
}

/*
 * One of SLUB's per-cache counters (CONFIG_SLUB_STATS) for @cache: the
 * file's first number is the sum over CPUs ("<sum> C0=<n> ...").  -1 when
 * the kernel has none.
 */
static long rb_slub_stat(const char *cache, const char *stat)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, stat);
	return rb_read_number(path);
}

static int rb_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Whether rb_nmi_handler() is registered: no self-NMI without it. */
static bool rb_nmi_ok;

/* A row that says why a run did not happen; the report fails on "failed". */
static void rb_ctx_skip(enum rb_ctx ctx, enum rb_who who, const char *why)
{
	pr_info("| %s | %s | %s | | | | | | |\n", rb_ctx_names[ctx], rb_who_names[who], why);
}

static void rb_ctx_one(enum rb_ctx ctx, enum rb_who who, unsigned int cpu)
{
	struct rb_ctx_thread t = { };
	struct rb_ctx_run *r;
	struct task_struct *k;
	s64 st0[LLPOOL_RCU_COUNTER_COUNT], st1[LLPOOL_RCU_COUNTER_COUNT];
	long sh0, sh1, fail0, fail1;
	struct bench_mem mem = { };
	ktime_t t_last, t_freed;
	unsigned long peak;
	char ended[128];

	if (who == RB_NOLOCK && !rb_have_nolock)
		return rb_ctx_skip(ctx, who, "not in this kernel");
	if (!rb_legal(who, ctx))
		return rb_ctx_skip(ctx, who, "not legal here");
	if (ctx == RB_NMI && !rb_nmi_ok)
		return rb_ctx_skip(ctx, who, "failed: no NMI handler");
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return rb_ctx_skip(ctx, who, "failed: no memory");
	/* A batch cut short by a failed allocation is a batch too. */
	r->per_call = kvcalloc(ctx_objects, sizeof(u32), GFP_KERNEL);
	if (!r->per_call) {
		kfree(r);
		return rb_ctx_skip(ctx, who, "failed: no memory");
	}
	r->ctx = ctx;
	r->who = who;
	r->cpu = cpu;
	llpool_hrtimer_setup(&r->timer, rb_timer_fn, CLOCK_MONOTONIC,
			     ctx == RB_SOFTIRQ ? HRTIMER_MODE_REL_PINNED_SOFT :
			     IS_ENABLED(CONFIG_PREEMPT_RT) ? HRTIMER_MODE_REL_PINNED_HARD :
			     HRTIMER_MODE_REL_PINNED);
	llpool_kvfree_rcu_barrier();
	llpool_rcu_barrier(rb_rcu);
	/*
	 * A name of its own per run (the cache keeps the pointer): its
	 * sysfs directory, and so its counters, cannot be another run's.
	 */
	snprintf(r->name, sizeof(r->name), "rcu_bench_ctx%u_%u", ctx, who);
	r->cache = llpool_cache_create_unmerged(r->name, size);
	if (!r->cache) {
		kvfree(r->per_call);
		kfree(r);
		return rb_ctx_skip(ctx, who, "failed: no slab cache");
	}
	llpool_rcu_get_stats(rb_rcu, st0);
	sh0 = rb_slub_stat(r->name, "free_rcu_sheaf");
	fail0 = rb_slub_stat(r->name, "free_rcu_sheaf_fail");
	t.r = r;
	init_completion(&t.done);
	bench_mem_start(&mem);
	k = kthread_run_on_cpu(rb_ctx_thread_fn, &t, cpu, "rcu_bench_ctx/%u");
	if (IS_ERR(k)) {
		bench_mem_stop(&mem);
		kmem_cache_destroy(r->cache);
		kvfree(r->per_call);
		kfree(r);
		return rb_ctx_skip(ctx, who, "failed: no kthread");
	}
	wait_for_completion(&t.done);
	t_last = ktime_get();
	sh1 = rb_slub_stat(r->name, "free_rcu_sheaf");
	fail1 = rb_slub_stat(r->name, "free_rcu_sheaf_fail");
	llpool_rcu_get_stats(rb_rcu, st1);
	bench_barrier(who == RB_LLPOOL, rb_rcu, r->cache, &t_freed);
	peak = bench_mem_stop(&mem);

	if (who == RB_LLPOOL)
		snprintf(ended, sizeof(ended), "%lld in a block, %lld -ENOMEM",
			 st1[LLPOOL_RCU_QUEUED] - st0[LLPOOL_RCU_QUEUED],
			 st1[LLPOOL_RCU_FALLBACKS] - st0[LLPOOL_RCU_FALLBACKS]);
	else if (sh0 >= 0 && sh1 >= 0 && fail0 >= 0 && fail1 >= 0)
		snprintf(ended, sizeof(ended),
			 "%ld into the RCU sheaf, %ld refused by it, %ld not tried",
			 sh1 - sh0, fail1 - fail0,
			 (long)r->calls - (sh1 - sh0) - (fail1 - fail0));
	else
		snprintf(ended, sizeof(ended), "not counted (no CONFIG_SLUB_STATS)");
	/*
	 * The median batch, beside the mean: in task context a batch may
	 * be preempted or interrupted, and the mean carries that.
	 */
	sort(r->per_call, r->batches, sizeof(u32), rb_cmp_u32, NULL);
	pr_info("| %s | %s | %lu | %u | %llu | %s | %lld | %lu | %s |\n", rb_ctx_names[ctx],
		rb_who_names[who], r->calls, r->batches ? r->per_call[r->batches / 2] : 0,
		r->calls ? div64_u64(r->ns, r->calls) : 0,
		ended, ktime_ms_delta(t_freed, t_last), peak,
		t.timed_out ? "yes" : "no");
	/*
	 * An NMI on another CPU may have loaded rb_nmi_run before it was
	 * cleared, and reads @r before it sees the run is not its own:
	 * nmi_handle() walks its handlers under RCU.
	 */
	if (ctx == RB_NMI)
		synchronize_rcu();
	kvfree(r->per_call);
	kfree(r);
}

static void rb_ctx(void)
{
	unsigned int cpu = cpumask_last(cpu_online_mask);
	enum rb_ctx ctx;
	enum rb_who who;
	unsigned long free0;
	int ret = -ENODEV;

#ifdef LLPOOL_HAVE_TEST_NMI
	ret = register_nmi_handler(NMI_LOCAL, rb_nmi_handler, 0, "llpool_rcu_bench");
#endif
	rb_nmi_ok = !ret;
	free0 = llpool_test_free_pages();
	rb_rcu = llpool_rcu_create("rcu_bench", 4, 16);
	if (IS_ERR(rb_rcu)) {
		pr_err("ctx: failed: no llpool_rcu instance: %ld\n", PTR_ERR(rb_rcu));
		goto out;
	}
	/*
	 * The pool's reserve, taken at creation, is outside every peak
	 * below (each is measured from its run's start): say how much, as
	 * free memory before and after.
	 */
	pr_info("reserve: llpool_rcu_free's pool (the by-context instance) took %lu KiB at creation, outside the peaks\n",
		(free0 - min(llpool_test_free_pages(), free0)) * (PAGE_SIZE / 1024));
	pr_info("ctx: cpu%u, %u objects a run, batches of %u, %u runs\n", cpu, ctx_objects,
		RB_BATCH, RB_CTX_NR * RB_WHO_NR);
	pr_info("| context | contender | calls | ns per call, median batch | ns per call, mean | how the calls ended | ms from the last call to the last free | peak KiB | timed out |\n");
	pr_info("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (ctx = 0; ctx < RB_CTX_NR; ctx++)
		for (who = 0; who < RB_WHO_NR; who++)
			rb_ctx_one(ctx, who, cpu);
	llpool_rcu_destroy(rb_rcu);
	rb_rcu = NULL;
out:
#ifdef LLPOOL_HAVE_TEST_NMI
	if (rb_nmi_ok)
		unregister_nmi_handler(NMI_LOCAL, "llpool_rcu_bench");	/* waits for handlers */
#endif
}

static int __init bench_init(void)
{
	unsigned int r, k;

	pr_info("contenders %u\n", B_COUNT);
	pr_info("| contender | round | threads x objects | queued ms | freed ms | grace periods | peak KiB | fallbacks |\n");
	pr_info("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	/* Rotate the order, so that no contender always runs first (cold). */
	for (r = 0; r < rounds; r++)
		for (k = 0; k < B_COUNT; k++)
			bench_one((r + k) % B_COUNT, r);
	if (ctx_objects)
		rb_ctx();
	pr_info("done\n");
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("rcu_pool_user measured against kvfree_rcu and kfree_rcu_nolock");
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
