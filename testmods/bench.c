// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_bench: llpool against the other ways to get a page, in one boot.
 *
 * Contenders (order-0 pages):
 *   floor         a bare per-CPU array of preallocated pages, taken and
 *                 given back with IRQs off: no refill, no stats, no
 *                 sharing between CPUs, no NMI safety.  What any per-CPU
 *                 reserve costs at least.
 *   llpool        llpool_alloc() / llpool_free()
 *   gfp_nowait    alloc_page(GFP_NOWAIT) / __free_page()
 *   gfp_atomic    alloc_page(GFP_ATOMIC) / __free_page()
 *   gfp_no_locks  alloc_page(__GFP_NO_LOCKS) / __free_page(): the 2020 RFC's
 *                 flag, from patches/bench/ (bench kernels only)
 *   alloc_pages_nolock
 *                 alloc_pages_nolock(0, NUMA_NO_NODE, 0) / free_pages_nolock():
 *                 what ships since 6.15; on 7.3 the real one (the bench
 *                 kernels export free_pages_nolock(), patches/bench73/), on
 *                 6.12 a model (patches/bench/)
 *   llpool_zeroed llpool_alloc() + clear_page() / llpool_free(): llpool for
 *                 a caller that needs the zeroed page alloc_pages_nolock()
 *                 always gives
 *   kmalloc_nolock
 *                 kmalloc_nolock(PAGE_SIZE, 0, NUMA_NO_NODE) / kfree_nolock():
 *                 slab's any-context allocator (6.18), a page-sized object
 *                 from the kmalloc-4096 cache's sheaves or slabs
 *   objpool       a lock-free objpool ring of preallocated pages: the
 *                 fixed-size, no-refill floor
 *   mempool       mempool_alloc_preallocated() / mempool_free() on a page
 *                 mempool
 *
 * Sections (mode=full runs all but legality; mode=legality only legality,
 * in a debug kernel boot of its own, since lockdep reports the illegal
 * contenders; mode=ctx only ctx, for the PREEMPT_RT boot; mode=pair only
 * pair, for a quick look at the fast paths; mode=smoke all but legality,
 * size and exhaust, small):
 *   pair      ns per alloc+free pair on one CPU, median of `rounds` rounds
 *   tput      every online CPU doing pairs at once: total pairs per second
 *   lat       allocation latency while another CPU hammers the page
 *             allocator (zone->lock contention): a log-linear histogram,
 *             p50/p99/p99.9/max, misses; and the same measurement around
 *             nothing ("clock"), with the samples over 100 us attributed
 *             to interrupts, context switches or neither (the emulator)
 *   ctx       success by context (task, softirq, hardirq, NMI) while every
 *             CPU hammers the page allocator: bench_ctx.c
 *   exhaust   successes out of 320 attempts (more than the preallocating
 *             contenders' 256 a CPU) once a hog holds free memory at the
 *             min watermark (GFP_NOWAIT's floor), then below it (after
 *             GFP_ATOMIC's dip into the reserves)
 *   pcpdrain  successes out of 64 attempts once this CPU's pcplist is
 *             drained (by __GFP_NO_LOCKS on the 6.12 bench kernels, by
 *             drain_local_pages() on the 7.3 ones, which export it),
 *             memory plentiful
 *   churn     llpool only: one CPU allocates, another frees what it got
 *             (producer/consumer), then every CPU hands what it allocates
 *             to the next CPU in a ring (make run's pattern); pages llpool
 *             refilled from and trimmed to the page allocator per 1000
 *             allocations
 *   size      llpool only: pages one CPU gets in a burst before NULL, and
 *             the memory per CPU at rest and at most, for a few sizes
 *   legal     under raw_spin_lock_irqsave(): acquisitions of locks that
 *             sleep on PREEMPT_RT, plain (lockdep reports them) and trylock
 *             (lockdep lets them pass); needs lockwatch, so the debug kernel
 *
 * Output: "llpool_bench: csv,<section>,<contender>,..." lines in the kernel
 * log, then "llpool_bench: done".  scripts/bench.sh turns them into CSV, a
 * Markdown table and a plot.  Under QEMU TCG only ratios inside one boot
 * mean anything.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel_stat.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/llist.h>
#include <linux/log2.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "../compat.h"
#include "../llpool_param.h"
#include "../pool.h"
#include "bench.h"
#include "lockwatch.h"

static char *mode = "full";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "full, legality, ctx, pair or smoke (default full)");
#define BENCH_MAX_ROUNDS 101
LLPOOL_PARAM_UINT(rounds, 5, 5, BENCH_MAX_ROUNDS, "pair rounds");
LLPOOL_PARAM_UINT(pairs, 20000, 100, 10000000,
		  "alloc+free pairs per round and per CPU");

#define BENCH_RESERVE	256		/* per CPU, for the preallocating contenders */
#define BENCH_ATTEMPTS	(BENCH_RESERVE / 4)	/* what llpool keeps at rest */
#define BENCH_HIST	320
#define BENCH_CTX_EVENTS 1000		/* bursts per context and contender */

/* ==== Contenders ========================================================= */

static struct llpool *bench_llpool;

static int c_llpool_init(void)
{
	struct llpool_params p = {
		.name = "bench", .low = BENCH_RESERVE / 4, .high = BENCH_RESERVE,
	};

	bench_llpool = llpool_create(&p);
	return PTR_ERR_OR_ZERO(bench_llpool);
}

static void c_llpool_exit(void) { llpool_destroy(bench_llpool); }
static struct page *c_llpool_alloc(void) { return llpool_alloc(bench_llpool); }
static void c_llpool_free(struct page *page) { llpool_free(bench_llpool, page); }

static struct page *c_nowait_alloc(void)
{
	return alloc_page(GFP_NOWAIT | __GFP_NOWARN);
}

static struct page *c_atomic_alloc(void)
{
	return alloc_page(GFP_ATOMIC | __GFP_NOWARN);
}

static void c_buddy_free(struct page *page) { __free_page(page); }

/*
 * llpool for a caller that needs a zeroed page: the pair plus clear_page(),
 * on llpool's pool (its init runs first, its exit destroys the pool).
 */
static int c_llpool_zeroed_init(void)
{
	return IS_ERR_OR_NULL(bench_llpool) ? -ENODEV : 0;
}

static struct page *c_llpool_zeroed_alloc(void)
{
	struct page *page = llpool_alloc(bench_llpool);

	if (page)
		clear_page(page_address(page));
	return page;
}

#ifdef LLPOOL_HAVE_KMALLOC_NOLOCK
/*
 * kmalloc_nolock() of a page: a power-of-two kmalloc object is aligned to
 * its size, so the object is the whole of one page (of a slab), which the
 * bench touches only through page_address().
 */
static struct page *c_kmalloc_nolock_alloc(void)
{
	void *p = kmalloc_nolock(PAGE_SIZE, 0, NUMA_NO_NODE);

	return p ? virt_to_page(p) : NULL;
}

static void c_kmalloc_nolock_free(struct page *page)
{
	kfree_nolock(page_address(page));
}
#endif

/*
 * A contender this kernel lacks: its init fails, so it is left out and
 * nothing else of it is called.  Each contender below that depends on
 * the kernel is defined only where it exists.
 */
static int __maybe_unused c_absent_init(void) { return -EOPNOTSUPP; }

#ifdef __GFP_NO_LOCKS
static struct page *c_nolocks_alloc(void)
{
	return alloc_page(__GFP_NO_LOCKS | __GFP_NOWARN);
}

#define BENCH_HAVE_NO_LOCKS	true
#else
/* bench_drain_pcp() calls it only with __GFP_NO_LOCKS. */
static struct page *c_nolocks_alloc(void) { return NULL; }
#define BENCH_HAVE_NO_LOCKS	false
#endif

#ifdef LLPOOL_KERNEL_EXPORTS_DRAIN_LOCAL_PAGES
#define BENCH_HAVE_DRAIN	true
#else
#define BENCH_HAVE_DRAIN	BENCH_HAVE_NO_LOCKS
#endif

#ifdef LLPOOL_HAVE_ALLOC_PAGES_NOLOCK
static struct page *c_nolock_alloc(void)
{
	return alloc_pages_nolock(0, NUMA_NO_NODE, 0);
}

static void c_nolock_free(struct page *page) { free_pages_nolock(page, 0); }
#endif

#ifdef LLPOOL_HAVE_OBJPOOL
#include <linux/objpool.h>

/*
 * objpool: each object holds one page pointer; the page's ->private points
 * back at its object, so that a free can push the right object.
 */
static struct objpool_head bench_objpool;

static int c_objpool_objinit(void *obj, void *context)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return -ENOMEM;
	set_page_private(page, (unsigned long)obj);
	*(struct page **)obj = page;
	return 0;
}

static int c_objpool_init(void)
{
	return objpool_init(&bench_objpool, BENCH_RESERVE * num_possible_cpus(),
			    sizeof(struct page *), GFP_KERNEL, NULL,
			    c_objpool_objinit, NULL);
}

static void c_objpool_exit(void)
{
	void *obj;

	while ((obj = objpool_pop(&bench_objpool))) {
		__free_page(*(struct page **)obj);
		objpool_drop(obj, &bench_objpool);
	}
	objpool_fini(&bench_objpool);
}

static struct page *c_objpool_alloc(void)
{
	struct page **obj = objpool_pop(&bench_objpool);

	return obj ? *obj : NULL;
}

static void c_objpool_free(struct page *page)
{
	objpool_push((void *)page_private(page), &bench_objpool);
}
#endif

#ifdef LLPOOL_HAVE_MEMPOOL_PREALLOCATED
static mempool_t *bench_mempool;

static int c_mempool_init(void)
{
	bench_mempool = mempool_create_page_pool(BENCH_RESERVE * num_possible_cpus(), 0);
	return bench_mempool ? 0 : -ENOMEM;
}

static void c_mempool_exit(void) { mempool_destroy(bench_mempool); }

static struct page *c_mempool_alloc(void)
{
	return mempool_alloc_preallocated(bench_mempool);
}

static void c_mempool_free(struct page *page) { mempool_free(page, bench_mempool); }
#endif

/*
 * floor: one array per CPU, filled with BENCH_RESERVE pages at init.  Room
 * for twice that, so that frees landing on another CPU than their alloc
 * (a migrated thread) fit; beyond it a page goes back to the allocator.
 */
#define BENCH_FLOOR_CAP	(2 * BENCH_RESERVE)

struct bench_floor {
	unsigned int nr;
	struct page *pages[BENCH_FLOOR_CAP];
};

static struct bench_floor __percpu *bench_floor;

static void c_floor_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct bench_floor *f = per_cpu_ptr(bench_floor, cpu);

		while (f->nr)
			__free_page(f->pages[--f->nr]);
	}
	free_percpu(bench_floor);
}

static int c_floor_init(void)
{
	unsigned int cpu;

	bench_floor = alloc_percpu(struct bench_floor);
	if (!bench_floor)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct bench_floor *f = per_cpu_ptr(bench_floor, cpu);

		while (f->nr < BENCH_RESERVE) {
			f->pages[f->nr] = alloc_page(GFP_KERNEL);
			if (!f->pages[f->nr]) {
				c_floor_exit();
				return -ENOMEM;
			}
			f->nr++;
		}
	}
	return 0;
}

static struct page *c_floor_alloc(void)
{
	struct bench_floor *f;
	struct page *page = NULL;
	unsigned long flags;

	local_irq_save(flags);
	f = this_cpu_ptr(bench_floor);
	if (f->nr)
		page = f->pages[--f->nr];
	local_irq_restore(flags);
	return page;
}

static void c_floor_free(struct page *page)
{
	struct bench_floor *f;
	unsigned long flags;

	local_irq_save(flags);
	f = this_cpu_ptr(bench_floor);
	if (f->nr < BENCH_FLOOR_CAP) {
		f->pages[f->nr++] = page;
		page = NULL;
	}
	local_irq_restore(flags);
	if (page)
		__free_page(page);
}

static struct bench_contender bench_contenders[] = {
	{ "floor", c_floor_init, c_floor_exit, c_floor_alloc, c_floor_free },
	{ "llpool", c_llpool_init, c_llpool_exit, c_llpool_alloc, c_llpool_free,
	  .any_context = true },
	{ "llpool_zeroed", c_llpool_zeroed_init, NULL, c_llpool_zeroed_alloc,
	  c_llpool_free, .any_context = true },
	{ "gfp_nowait", NULL, NULL, c_nowait_alloc, c_buddy_free, .buddy = true },
	{ "gfp_atomic", NULL, NULL, c_atomic_alloc, c_buddy_free, .buddy = true },
#ifdef __GFP_NO_LOCKS
	{ "gfp_no_locks", NULL, NULL, c_nolocks_alloc, c_buddy_free, .buddy = true },
#else
	{ "gfp_no_locks", c_absent_init },
#endif
#ifdef LLPOOL_HAVE_ALLOC_PAGES_NOLOCK
	{ "alloc_pages_nolock", NULL, NULL, c_nolock_alloc, c_nolock_free,
	  .buddy = true, .any_context = true },
#else
	{ "alloc_pages_nolock", c_absent_init },
#endif
#ifdef LLPOOL_HAVE_KMALLOC_NOLOCK
	{ "kmalloc_nolock", NULL, NULL, c_kmalloc_nolock_alloc, c_kmalloc_nolock_free,
	  .any_context = true },
#else
	{ "kmalloc_nolock", c_absent_init },
#endif
#ifdef LLPOOL_HAVE_OBJPOOL
	{ "objpool", c_objpool_init, c_objpool_exit, c_objpool_alloc, c_objpool_free },
#else
	{ "objpool", c_absent_init },
#endif
#ifdef LLPOOL_HAVE_MEMPOOL_PREALLOCATED
	{ "mempool", c_mempool_init, c_mempool_exit, c_mempool_alloc, c_mempool_free },
#else
	{ "mempool", c_absent_init },
#endif
};

/* The contender after @c (the first for NULL) whose init succeeded. */
static struct bench_contender *bench_next(struct bench_contender *c)
{
	for (c = c ? c + 1 : bench_contenders;
	     c < bench_contenders + ARRAY_SIZE(bench_contenders); c++)
		if (c->ok)
			return c;
	return NULL;
}

/*
 * Three references, not contenders.  "clock": the latency measurement
 * around nothing, its own floor.  "zeroing": clear_page() of one page, the
 * work alloc_pages_nolock() always does (__GFP_ZERO) and the others do
 * not.  "empty": the pair section's loop and its two indirect calls, to
 * functions that do nothing, which every contender's pair also pays.
 */
static struct page *bench_ref_page;
static struct page *c_clock_alloc(void) { return bench_ref_page; }
static void c_ref_free(struct page *page) { }

static struct page *c_zero_alloc(void)
{
	clear_page(page_address(bench_ref_page));
	return bench_ref_page;
}

static struct bench_contender bench_ref_zero = {
	"zeroing", .alloc = c_zero_alloc, .free = c_ref_free,
};

static struct bench_contender bench_ref_empty = {
	"empty", .alloc = c_clock_alloc, .free = c_ref_free,
};

/* The contender called @name, if its init succeeded. */
struct bench_contender *bench_find(const char *name)
{
	struct bench_contender *c;

	for (c = bench_next(NULL); c; c = bench_next(c))
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* ==== pair: one CPU ====================================================== */

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_pair(struct bench_contender *c)
{
	u64 ns[BENCH_MAX_ROUNDS];
	struct page *page;
	unsigned int r, i, misses = 0;
	u64 t0;

	migrate_disable();
	for (r = 0; r < rounds; r++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pairs; i++) {
			page = c->alloc();
			if (page)
				c->free(page);
			else
				misses++;
		}
		ns[r] = div_u64((ktime_get_ns() - t0) * 1000, pairs);	/* ps */
		cond_resched();
	}
	migrate_enable();
	sort(ns, rounds, sizeof(ns[0]), bench_cmp_u64, NULL);
	pr_info("csv,pair,%s,%llu.%03llu,%u,%u\n", c->name,
		ns[rounds / 2] / 1000, ns[rounds / 2] % 1000, rounds, misses);
}

/* ==== tput: every CPU ==================================================== */

struct bench_tput {
	struct bench_contender *c;
	atomic_t ready, left;
	struct completion go, done;
	atomic_long_t misses;
};

static int bench_tput_fn(void *arg)
{
	struct bench_tput *t = arg;
	struct page *page;
	unsigned int i;

	atomic_inc(&t->ready);
	wait_for_completion(&t->go);
	for (i = 0; i < pairs; i++) {
		page = t->c->alloc();
		if (page)
			t->c->free(page);
		else
			atomic_long_inc(&t->misses);
		if (!(i % 1024))
			cond_resched();
	}
	if (atomic_dec_and_test(&t->left))
		complete(&t->done);
	return 0;
}

static void bench_tput(struct bench_contender *c)
{
	struct bench_tput t = { .c = c };
	unsigned int n = 0, cpu;
	u64 t0, ns;

	init_completion(&t.go);
	init_completion(&t.done);
	atomic_set(&t.left, num_online_cpus());
	for_each_online_cpu(cpu) {
		if (IS_ERR(kthread_run_on_cpu(bench_tput_fn, &t, cpu, "llpool_bench/%u"))) {
			if (atomic_dec_and_test(&t.left))
				complete(&t.done);
			continue;
		}
		n++;
	}
	while (atomic_read(&t.ready) < n)
		msleep(20);
	t0 = ktime_get_ns();
	complete_all(&t.go);
	wait_for_completion(&t.done);
	ns = ktime_get_ns() - t0;
	pr_info("csv,tput,%s,%u,%llu,%llu,%llu,%ld\n", c->name, n, (u64)n * pairs,
		div_u64(ns, NSEC_PER_MSEC), div64_u64((u64)n * pairs * NSEC_PER_SEC, ns ?: 1),
		atomic_long_read(&t.misses));
}

/* ==== lat: under zone->lock contention =================================== */

/* Log-linear buckets: exact below 8 ns, then 8 per power of two. */
static unsigned int bench_bucket(u64 v)
{
	unsigned int e;

	if (v < 8)
		return v;
	e = ilog2(v);
	return min(8 + (e - 3) * 8 + (unsigned int)((v >> (e - 3)) & 7),
		   BENCH_HIST - 1U);
}

static u64 bench_bucket_lo(unsigned int idx)
{
	unsigned int k;

	if (idx < 8)
		return idx;
	k = idx - 8;
	return (u64)(8 + k % 8) << (k / 8);
}

static u64 bench_percentile(const u32 *hist, u64 total, unsigned int permille)
{
	u64 want = div_u64(total * permille + 999, 1000), seen = 0;
	unsigned int i;

	for (i = 0; i < BENCH_HIST; i++) {
		seen += hist[i];
		if (seen >= want)
			return bench_bucket_lo(i);
	}
	return bench_bucket_lo(BENCH_HIST - 1);
}

/*
 * The page allocator's other users: one kthread per CPU of a mask, moving
 * batches of pages in and out of the buddy lists.  Orders 0 and 3 go
 * through the pcp lists (refilled and trimmed in batches under
 * zone->lock); order 5 is above what pcp lists keep, so each of its
 * allocations and frees takes zone->lock.  Started and stopped by module
 * init only.
 */
static const unsigned int bench_hammer_orders[] = { 0, 3, 0, 5 };

static struct task_struct **bench_hammers;
static bool bench_hammer_stopping;

static int bench_hammer_fn(void *arg)
{
	struct page *pages[64];
	unsigned int i, n;

	while (!READ_ONCE(bench_hammer_stopping)) {
		for (n = 0; n < ARRAY_SIZE(pages); n++) {
			pages[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					       bench_hammer_orders[n % 4]);
			if (!pages[n])
				break;
		}
		for (i = 0; i < n; i++)
			__free_pages(pages[i], bench_hammer_orders[i % 4]);
		cond_resched();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

int bench_hammer_start(const struct cpumask *cpus)
{
	struct task_struct *t;
	unsigned int cpu;

	bench_hammers = kcalloc(nr_cpu_ids, sizeof(*bench_hammers), GFP_KERNEL);
	if (!bench_hammers)
		return -ENOMEM;
	WRITE_ONCE(bench_hammer_stopping, false);
	for_each_cpu(cpu, cpus) {
		t = kthread_run_on_cpu(bench_hammer_fn, NULL, cpu, "llpool_hammer/%u");
		if (IS_ERR(t)) {
			bench_hammer_stop();
			return PTR_ERR(t);
		}
		bench_hammers[cpu] = t;
	}
	return 0;
}

/* The hammer kthread of @cpu, or NULL: any context, while they run. */
struct task_struct *bench_hammer_on(unsigned int cpu)
{
	struct task_struct **h = READ_ONCE(bench_hammers);

	return h ? READ_ONCE(h[cpu]) : NULL;
}

void bench_hammer_stop(void)
{
	unsigned int cpu;

	if (!bench_hammers)
		return;
	WRITE_ONCE(bench_hammer_stopping, true);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (bench_hammers[cpu])
			kthread_stop(bench_hammers[cpu]);
	kfree(bench_hammers);
	bench_hammers = NULL;
}

/*
 * Interrupts taken on this CPU so far: device interrupts and, on x86, the
 * system vectors arch_irq_stat_cpu() counts that a guest takes (local
 * timer, irq_work, perf, spurious, rescheduling and call-function IPIs)
 * and NMIs.  Only its changes across one sample matter; the caller keeps
 * to one CPU.
 */
#ifdef CONFIG_X86
#define BENCH_HAVE_IRQ_COUNT	1

static unsigned long bench_irqs(void)
{
	return this_cpu_read(kstat.irqs_sum) + llpool_test_x86_irqs();
}
#else
static unsigned long bench_irqs(void) { return 0; }
#endif

#define BENCH_OUTLIER_NS	(100 * NSEC_PER_USEC)

/*
 * Each sample's time is one ktime_get_ns() pair around one alloc.  Under
 * QEMU that includes whatever else the vCPU was made to wait for: the
 * interrupts this CPU took (counted), a switch to another task (counted),
 * and neither: the emulator running other vCPUs or its own threads.  With
 * @irqs_off (the "clock, IRQs off" control) no interrupt can land inside
 * a sample: what is left over 100 us is the emulator's.
 */
static void bench_lat(const char *name, struct page *(*alloc)(void),
		      void (*free)(struct page *), unsigned int samples,
		      bool irqs_off)
{
	unsigned int i, cpu, misses = 0, over = 0, over_irq = 0, over_switch = 0;
	unsigned long irqs, switches, flags = 0;
	struct page *page;
	u64 t0, d, max = 0;
	u32 *hist;
	int ret;

	hist = kcalloc(BENCH_HIST, sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return;
	/* Hammer on the first online CPU, measure on another. */
	ret = bench_hammer_start(cpumask_of(cpumask_first(cpu_online_mask)));
	if (ret) {
		pr_info("csv,unavailable,lat-%s,%d\n", name, ret);
		kfree(hist);
		return;
	}
	cpu = cpumask_next(cpumask_first(cpu_online_mask), cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	set_cpus_allowed_ptr(current, cpumask_of(cpu));
	msleep(20);
	migrate_disable();	/* each sample's counts are one CPU's */
	for (i = 0; i < samples; i++) {
		switches = current->nvcsw + current->nivcsw;
		if (irqs_off)
			local_irq_save(flags);
		/* Read next to the clock: an interrupt taken after it is not counted. */
		irqs = bench_irqs();
		t0 = ktime_get_ns();
		page = alloc();
		d = ktime_get_ns() - t0;
		irqs = bench_irqs() - irqs;
		if (irqs_off)
			local_irq_restore(flags);
		if (d > BENCH_OUTLIER_NS) {
			over++;
			if (irqs)
				over_irq++;
			else if (current->nvcsw + current->nivcsw != switches)
				over_switch++;
		}
		if (!page) {
			misses++;
			continue;
		}
		hist[bench_bucket(d)]++;
		max = max(max, d);
		free(page);
		if (!(i % 256))
			cond_resched();
	}
	migrate_enable();
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	bench_hammer_stop();

	samples -= misses;
	pr_info("csv,lat,%s,%llu,%llu,%llu,%llu,%u,%u\n", name,
		bench_percentile(hist, samples, 500), bench_percentile(hist, samples, 990),
		bench_percentile(hist, samples, 999), max, samples, misses);
#ifdef BENCH_HAVE_IRQ_COUNT
	pr_info("csv,latover,%s,%lu,%u,%u,%u,%u\n", name, BENCH_OUTLIER_NS, over,
		over_irq, over_switch, over - over_irq - over_switch);
#endif
	for (i = 0; i < BENCH_HIST; i++)
		if (hist[i])
			pr_info("csv,hist,%s,%llu,%u\n", name, bench_bucket_lo(i), hist[i]);
	kfree(hist);
}

/* ==== exhaust and pcpdrain ============================================== */

/*
 * The exhaust rows try more than a preallocating contender holds on one
 * CPU (BENCH_RESERVE), so that its reserve running dry shows as well as
 * the page allocator's watermark.
 */
#define BENCH_EXHAUST_ATTEMPTS	(BENCH_RESERVE + BENCH_ATTEMPTS)

/* Pages held by one attempt; module init is single-threaded. */
static struct page *bench_held[BENCH_EXHAUST_ATTEMPTS];

/*
 * Try @attempts allocations in a row on this CPU, keep them, then give them
 * back: a buddy contender's pages join @keep (the hog or the drained
 * pages), so the next contender finds no more memory than this one did;
 * pool pages go back to their pool.  objpool and mempool hold 256 pages
 * per possible CPU, shared by every CPU, so a row of 320 does not empty
 * them; the floor holds 256 on this CPU, llpool 256 on its stack plus
 * what its depots hold.
 */
static unsigned int bench_attempts(struct bench_contender *c, unsigned int attempts,
				   struct page ***keep, unsigned long *nkeep)
{
	struct page **held = bench_held;
	unsigned int i, ok = 0;

	/*
	 * Preemption off, so that no refill worker tops a pool up in the
	 * middle of the row: what one CPU's reserve holds, no more.  Every
	 * contender may be called so (none sleeps).
	 */
	preempt_disable();
	for (i = 0; i < attempts; i++) {
		held[ok] = c->alloc();
		if (held[ok])
			ok++;
	}
	preempt_enable();
	for (i = 0; i < ok; i++) {
		if (keep && c->buddy)
			(*keep)[(*nkeep)++] = held[i];
		else
			c->free(held[i]);
	}
	return ok;
}

/*
 * Two rows, the hog growing between them:
 *   exhaust    the hog takes GFP_NOWAIT pages until GFP_NOWAIT fails: free
 *		memory sits at the min watermark, where alloc_pages_nolock()
 *		stops too and only __GFP_HIGH callers (GFP_ATOMIC) go on;
 *   exhaustlow then GFP_ATOMIC pages until it fails too: below min, in the
 *		reserves only atomic callers may touch.
 * kswapd, woken by the failures, gives pages back meanwhile (the page
 * cache it reclaims): the hog takes them again right before each
 * contender's row, so that each starts at the same watermark.  A buddy
 * contender's pages join the hog.  What the hog took back is logged.
 */
/* The hog takes @gfp pages until that fails; returns how many it took. */
static unsigned long bench_hog_take(struct page **hog, unsigned long *n,
				    unsigned long max, gfp_t gfp)
{
	unsigned long n0 = *n;

	while (*n < max && (hog[*n] = alloc_page(gfp)))
		(*n)++;
	return *n - n0;
}

static void bench_exhaust(void)
{
	unsigned long n = 0, max = totalram_pages();
	static const struct {
		const char *row;
		gfp_t gfp;
	} phase[] = {
		{ "exhaust", GFP_NOWAIT | __GFP_NOWARN },
		{ "exhaustlow", GFP_ATOMIC | __GFP_NOWARN },
	};
	struct bench_contender *c;
	struct page **hog;
	unsigned int ok, i;

	hog = vmalloc_array(max + 2 * ARRAY_SIZE(bench_contenders) * BENCH_EXHAUST_ATTEMPTS,
			    sizeof(*hog));
	if (!hog)
		return;
	for (i = 0; i < ARRAY_SIZE(phase); i++) {
		bench_hog_take(hog, &n, max, phase[i].gfp);
		pr_info("%s: hog holds %lu pages\n", phase[i].row, n);
		for (c = bench_next(NULL); c; c = bench_next(c)) {
			unsigned long topped = bench_hog_take(hog, &n, max, phase[i].gfp);

			ok = bench_attempts(c, BENCH_EXHAUST_ATTEMPTS, &hog, &n);
			/* The last field: pages the hog took back first. */
			pr_info("csv,%s,%s,%u,%u,%lu\n", phase[i].row, c->name,
				BENCH_EXHAUST_ATTEMPTS, ok, topped);
		}
	}
	while (n)
		__free_page(hog[--n]);
	vfree(hog);
}

/*
 * Each contender in turn finds this CPU's pcplist empty: it is drained
 * (with __GFP_NO_LOCKS, whose pages are kept until the end, as a
 * GFP_NOWAIT refill would restock the list and a buddy free feed it; or,
 * on 7.3's bench kernels, with drain_local_pages(), which gives the list's
 * pages back to the buddy lists), and the buddy contenders' pages are kept
 * until the end.
 *   quiet (csv,pcpdrain): one drain, then BENCH_ATTEMPTS allocations in a
 *	row, memory plentiful, nobody else at the page allocator;
 *   hot (csv,pcpdrainhot): BENCH_ATTEMPTS times a drain and one
 *	allocation, which must refill from the buddy lists, while every
 *	other CPU hammers zone->lock.
 */
static struct cpumask bench_others;	/* module init only */

static unsigned long bench_drain_pcp(struct page **drained, unsigned long n,
				     unsigned long max)
{
	if (!BENCH_HAVE_NO_LOCKS) {
#ifdef LLPOOL_KERNEL_EXPORTS_DRAIN_LOCAL_PAGES
		/* This CPU's lists, all zones: migration is off here. */
		drain_local_pages(NULL);
#endif
		return n;
	}
	while (n < max && (drained[n] = c_nolocks_alloc()))
		n++;
	return n;
}

static void bench_pcpdrain(void)
{
	struct bench_contender *c;
	unsigned long n = 0;
	unsigned int ok, i;
	const unsigned long max = 1 << 17;
	struct page **drained, *page;

	if (!BENCH_HAVE_DRAIN)
		return;
	/* Room for the drains and the pages of both rows. */
	drained = vmalloc_array(max + 2 * ARRAY_SIZE(bench_contenders) * BENCH_ATTEMPTS,
				sizeof(*drained));
	if (!drained)
		return;
	migrate_disable();
	for (c = bench_next(NULL); c; c = bench_next(c)) {
		n = bench_drain_pcp(drained, n, max);
		ok = bench_attempts(c, BENCH_ATTEMPTS, &drained, &n);
		pr_info("csv,pcpdrain,%s,%u,%u\n", c->name, BENCH_ATTEMPTS, ok);
	}
	cpumask_andnot(&bench_others, cpu_online_mask, cpumask_of(smp_processor_id()));
	if (cpumask_empty(&bench_others) || bench_hammer_start(&bench_others)) {
		pr_info("csv,unavailable,pcpdrainhot,%d\n", -ENODEV);
		goto out;
	}
	msleep(20);
	for (c = bench_next(NULL); c; c = bench_next(c)) {
		for (i = ok = 0; i < BENCH_ATTEMPTS; i++) {
			n = bench_drain_pcp(drained, n, max);
			page = c->alloc();
			if (!page)
				continue;
			ok++;
			if (c->buddy)
				drained[n++] = page;
			else
				c->free(page);
		}
		pr_info("csv,pcpdrainhot,%s,%u,%u\n", c->name, BENCH_ATTEMPTS, ok);
	}
	bench_hammer_stop();
out:
	migrate_enable();
	pr_info("pcpdrain: %lu pages taken from this CPU's pcplist\n", n);
	while (n)
		__free_page(drained[--n]);
	vfree(drained);
}

/* ==== churn: producer/consumer =========================================== */

/*
 * Surplus freed on one CPU should reach the CPU that allocates without a
 * round trip through the page allocator: count the pages refilled and
 * trimmed while @pairs pages go from a producer CPU to a consumer CPU.
 * At most BENCH_RESERVE / 2 pages are in flight, so the producer never
 * empties the whole pool.  Run twice on the same pool: the first run
 * ("llpool-warmup") includes the pool growing to the working set of the
 * two CPUs, the second ("llpool") is the steady state.  Counted on the two
 * CPUs only (each CPU's counters count the work done on it, and a CPU's
 * refills and trims run on it): the other CPUs sit idle meanwhile, and
 * the reaper trimming them to low is not churn.
 */
static u64 bench_churn_count(unsigned int cpu0, unsigned int cpu1,
			     enum llpool_counter i)
{
	return local_read(&per_cpu_ptr(bench_llpool->pcpu, cpu0)->stat[i]) +
	       local_read(&per_cpu_ptr(bench_llpool->pcpu, cpu1)->stat[i]);
}

struct bench_churn {
	struct llist_head to_free;
	atomic_t inflight;
	bool produced;		/* release: every page is on @to_free */
	unsigned long misses;
	struct completion produced_done, consumed_done;
};

static int bench_churn_producer(void *arg)
{
	struct bench_churn *b = arg;
	struct page *page;
	unsigned int i;

	for (i = 0; i < pairs; i++) {
		while (atomic_read(&b->inflight) >= BENCH_RESERVE / 2)
			cond_resched();
		page = llpool_alloc(bench_llpool);
		if (!page) {
			b->misses++;
			cond_resched();
			continue;
		}
		atomic_inc(&b->inflight);
		llist_add(page_address(page), &b->to_free);
		if (!(i % 1024))
			cond_resched();
	}
	/* Pairs with the consumer's acquire: every llist_add() above is seen. */
	smp_store_release(&b->produced, true);
	kthread_complete_and_exit(&b->produced_done, 0);
}

static int bench_churn_consumer(void *arg)
{
	struct bench_churn *b = arg;
	struct llist_node *node, *next;
	bool last;

	do {
		/* Read before the drain: a true here means the drain sees all. */
		last = smp_load_acquire(&b->produced);
		llist_for_each_safe(node, next, llist_del_all(&b->to_free)) {
			llpool_free(bench_llpool, virt_to_page(node));
			atomic_dec(&b->inflight);
		}
		cond_resched();
	} while (!last);
	kthread_complete_and_exit(&b->consumed_done, 0);
}

static void bench_churn(const char *label)
{
	struct bench_churn b = { .to_free = LLIST_HEAD_INIT(b.to_free) };
	u64 allocs, refilled, trimmed, a0, r0, t0;
	struct task_struct *prod, *cons;
	unsigned int cpu0, cpu1;

	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);
	if (cpu1 >= nr_cpu_ids || IS_ERR_OR_NULL(bench_llpool)) {
		pr_info("csv,unavailable,churn,%d\n", -ENODEV);
		return;
	}
	init_completion(&b.produced_done);
	init_completion(&b.consumed_done);
	prod = kthread_create_on_cpu(bench_churn_producer, &b, cpu0, "llpool_bench/%u");
	if (IS_ERR(prod)) {
		pr_info("csv,unavailable,churn,%ld\n", PTR_ERR(prod));
		return;
	}
	cons = kthread_create_on_cpu(bench_churn_consumer, &b, cpu1, "llpool_bench/%u");
	if (IS_ERR(cons)) {
		kthread_stop(prod);
		pr_info("csv,unavailable,churn,%ld\n", PTR_ERR(cons));
		return;
	}
	a0 = bench_churn_count(cpu0, cpu1, LLPOOL_ALLOCS);
	r0 = bench_churn_count(cpu0, cpu1, LLPOOL_REFILLED);
	t0 = bench_churn_count(cpu0, cpu1, LLPOOL_TRIMMED);
	wake_up_process(cons);
	wake_up_process(prod);
	wait_for_completion(&b.produced_done);
	wait_for_completion(&b.consumed_done);
	allocs = bench_churn_count(cpu0, cpu1, LLPOOL_ALLOCS) - a0;
	refilled = bench_churn_count(cpu0, cpu1, LLPOOL_REFILLED) - r0;
	trimmed = bench_churn_count(cpu0, cpu1, LLPOOL_TRIMMED) - t0;
	pr_info("csv,churn,%s,%llu,%llu,%llu,%llu,%lu\n", label, allocs, refilled, trimmed,
		div64_u64((refilled + trimmed) * 1000, allocs ?: 1), b.misses);
}

/* ==== churn: a ring across every CPU ===================================== */

/*
 * make run's pattern: every online CPU allocates and hands each page to
 * the next online CPU (the last to the first, so across the NUMA nodes),
 * which frees it.  The CPUs run at different speeds, so some free more
 * than they allocate and others the reverse: what one CPU's frees leave
 * over has to reach another CPU's allocations through the depots, not
 * the page allocator.  Counted on every online CPU, @per_cpu allocations
 * a CPU, each CPU holding at most BENCH_RESERVE / 2 pages in flight.  Run
 * twice on the same pool, as the producer/consumer churn is.
 */
struct bench_ring_cpu {
	unsigned int allocs;		/* to make */
	struct llist_head inbox;	/* pages the previous CPU allocated */
	atomic_t inflight;		/* ours, not yet freed by the next CPU */
	struct bench_ring_cpu *next;
	unsigned long misses;
	struct completion done;
};

static atomic_t bench_ring_inflight;	/* every CPU's pages in flight */
static atomic_t bench_ring_producing;	/* CPUs still allocating */

static void bench_ring_drain(struct bench_ring_cpu *me, struct bench_ring_cpu *prev)
{
	struct llist_node *node, *next;

	llist_for_each_safe(node, next, llist_del_all(&me->inbox)) {
		llpool_free(bench_llpool, virt_to_page(node));
		atomic_dec(&prev->inflight);
		atomic_dec(&bench_ring_inflight);
	}
}

static int bench_ring_thread(void *arg)
{
	struct bench_ring_cpu **pair = arg;	/* this CPU's and the previous one's */
	struct bench_ring_cpu *me = pair[0], *prev = pair[1];
	struct page *page;
	unsigned int i = 0;

	while (i < me->allocs) {
		bench_ring_drain(me, prev);
		if (atomic_read(&me->inflight) >= BENCH_RESERVE / 2) {
			cond_resched();
			continue;
		}
		page = llpool_alloc(bench_llpool);
		i++;
		if (!page) {
			me->misses++;
			cond_resched();
			continue;
		}
		atomic_inc(&me->inflight);
		atomic_inc(&bench_ring_inflight);
		llist_add(page_address(page), &me->next->inbox);
		if (!(i % 256))
			cond_resched();
	}
	/*
	 * Every page counted in bench_ring_inflight is on some CPU's inbox,
	 * and every CPU drains its own until no CPU allocates any more and
	 * none is in flight anywhere.  A CPU that stopped draining while
	 * another still allocated would strand the pages handed to it.  The
	 * decrement is fully ordered after this CPU's increments of
	 * bench_ring_inflight; the acquire below orders the reads of
	 * bench_ring_inflight after every CPU's decrement.
	 */
	atomic_dec_return(&bench_ring_producing);
	while (atomic_read_acquire(&bench_ring_producing) ||
	       atomic_read(&bench_ring_inflight)) {
		bench_ring_drain(me, prev);
		cond_resched();
	}
	kthread_complete_and_exit(&me->done, 0);
}

static u64 bench_ring_count(enum llpool_counter i)
{
	unsigned int cpu;
	u64 sum = 0;

	for_each_online_cpu(cpu)
		sum += local_read(&per_cpu_ptr(bench_llpool->pcpu, cpu)->stat[i]);
	return sum;
}

static void bench_churn_ring(const char *label, unsigned int per_cpu)
{
	struct bench_ring_cpu *ring, *r;
	struct bench_ring_cpu *(*args)[2];
	u64 allocs, refilled, trimmed, a0, r0, t0;
	unsigned long misses = 0;
	struct task_struct **t;
	unsigned int n = 0, i, cpu;
	int err = -ENOMEM;

	if (IS_ERR_OR_NULL(bench_llpool)) {
		pr_info("csv,unavailable,churn,%d\n", -ENODEV);
		return;
	}
	/* The CPUs stay online: the bench runs while nothing hotplugs. */
	ring = kcalloc(nr_cpu_ids, sizeof(*ring), GFP_KERNEL);
	args = kcalloc(nr_cpu_ids, sizeof(*args), GFP_KERNEL);
	t = kcalloc(nr_cpu_ids, sizeof(*t), GFP_KERNEL);
	if (!ring || !args || !t)
		goto out;
	for_each_online_cpu(cpu) {
		r = &ring[n];
		r->allocs = per_cpu;
		init_llist_head(&r->inbox);
		atomic_set(&r->inflight, 0);
		init_completion(&r->done);
		t[n] = kthread_create_on_cpu(bench_ring_thread, args[n], cpu, "llpool_bench/%u");
		if (IS_ERR(t[n])) {
			err = PTR_ERR(t[n]);
			goto stop;
		}
		n++;
	}
	if (n < 2) {
		err = -ENODEV;
		goto stop;
	}
	for (i = 0; i < n; i++) {
		ring[i].next = &ring[(i + 1) % n];
		args[i][0] = &ring[i];
		args[i][1] = &ring[(i + n - 1) % n];
	}
	atomic_set(&bench_ring_inflight, 0);
	atomic_set(&bench_ring_producing, n);
	a0 = bench_ring_count(LLPOOL_ALLOCS);
	r0 = bench_ring_count(LLPOOL_REFILLED);
	t0 = bench_ring_count(LLPOOL_TRIMMED);
	for (i = 0; i < n; i++)
		wake_up_process(t[i]);
	for (i = 0; i < n; i++) {
		wait_for_completion(&ring[i].done);
		misses += ring[i].misses;
	}
	allocs = bench_ring_count(LLPOOL_ALLOCS) - a0;
	refilled = bench_ring_count(LLPOOL_REFILLED) - r0;
	trimmed = bench_ring_count(LLPOOL_TRIMMED) - t0;
	pr_info("csv,churn,%s,%llu,%llu,%llu,%llu,%lu,%u\n", label, allocs, refilled, trimmed,
		div64_u64((refilled + trimmed) * 1000, allocs ?: 1), misses, n);
	goto out;
stop:
	/* Not woken yet: kthread_stop() ends them before their function runs. */
	while (n)
		kthread_stop(t[--n]);
	pr_info("csv,unavailable,churn,%d\n", err);
out:
	kfree(t);
	kfree(args);
	kfree(ring);
}

/* ==== size: what a reserve size buys ===================================== */

/*
 * For a few sizes (@high, @low = @high / 4): how many pages one CPU gets
 * in a burst before NULL, with preemption off so that no refill runs (its
 * stack, then its node's depot, then the others'), against the pages the
 * pool holds, counted by llpool_get_stats() (stacks, depots and spill
 * lists): right after llpool_create() (its prefill), and right after the
 * burst's pages came back on this CPU.  A kvfree_rcu()-style user needs
 * one page per ~500 pointers: the burst it survives without a fallback is
 * about 500 times the pages served.
 */
static unsigned long bench_pool_pages(struct llpool *pool)
{
	struct llpool_stats st;

	llpool_get_stats(pool, &st);
	return st.reserved + st.spilled;	/* @reserved includes the depots */
}

#define BENCH_SIZE_BURST	4096

static void bench_size(void)
{
	static const unsigned int highs[] = { 4, 8, 16, 32, 64 };
	struct llpool_params p = { .name = "bench-size" };
	struct page **held;
	struct llpool *pool;
	unsigned int i, k, n, mag;
	unsigned long rest, back;

	held = vmalloc_array(BENCH_SIZE_BURST, sizeof(*held));
	if (!held)
		return;		/* the report then has no size table */
	for (i = 0; i < ARRAY_SIZE(highs); i++) {
		p.high = highs[i];
		p.low = max(1U, highs[i] / 4);
		pool = llpool_create(&p);
		if (IS_ERR(pool)) {
			pr_info("csv,unavailable,size,%ld\n", PTR_ERR(pool));
			continue;
		}
		rest = bench_pool_pages(pool);
		n = 0;
		preempt_disable();
		while (n < BENCH_SIZE_BURST && (held[n] = llpool_alloc(pool)))
			n++;
		for (k = n; k; )
			llpool_free(pool, held[--k]);
		/* Before a refill or trim the burst kicked can run. */
		back = bench_pool_pages(pool);
		preempt_enable();
		mag = min(p.high, LLPOOL_MAG_MAX);
		/* Pages held: totals over the pool's online CPUs, and how many. */
		pr_info("csv,size,%u,%u,%u,%u,%lu,%lu,%u\n", p.high, p.low, mag, n,
			rest, back, num_online_cpus());
		llpool_destroy(pool);
	}
	vfree(held);
}

/* ==== legal: under a raw spinlock ======================================== */

static DEFINE_RAW_SPINLOCK(bench_raw_lock);

static void bench_legal(struct bench_contender *c)
{
	struct lockwatch_window w;
	struct page **held;
	unsigned int i, n = 0;
	const unsigned int tries = 4096;	/* past what a pcplist holds */
	unsigned long flags;

	held = vmalloc_array(tries, sizeof(*held));
	if (!held)
		return;
	raw_spin_lock_irqsave(&bench_raw_lock, flags);
	lockwatch_open(&w);
	for (i = 0; i < tries; i++) {
		held[n] = c->alloc();
		if (held[n])
			n++;
	}
	for (i = 0; i < n; i++)
		c->free(held[i]);
	lockwatch_close(&w);
	raw_spin_unlock_irqrestore(&bench_raw_lock, flags);
	vfree(held);
	pr_info("csv,legal,%s,%u,%u,%u\n", c->name, w.sleeping, w.sleeping_try, n);
	if (w.sleeping)
		pr_info("legal: %s: first sleeping lock %s at %pS\n", c->name,
			w.first_sleeping ?: "?", (void *)w.first_sleeping_ip);
}

/* ==== Module ============================================================= */

static int __init bench_init(void)
{
	bool smoke = !strcmp(mode, "smoke"), legal = !strcmp(mode, "legality");
	bool ctx = !strcmp(mode, "ctx"), pair = !strcmp(mode, "pair");
	struct bench_contender *c;
	int ret;

	if (!smoke && !legal && !ctx && !pair && strcmp(mode, "full")) {
		pr_err("mode=%s: must be full, legality, ctx, pair or smoke\n", mode);
		return -EINVAL;
	}
	if (smoke)
		pairs = 100;

	bench_ref_page = alloc_page(GFP_KERNEL);
	if (!bench_ref_page)
		return -ENOMEM;
	pr_info("csv,contenders,%zu\n", ARRAY_SIZE(bench_contenders));
	for (c = bench_contenders; c < bench_contenders + ARRAY_SIZE(bench_contenders); c++) {
		ret = c->init ? c->init() : 0;
		c->ok = !ret;
		if (ret)
			pr_info("csv,unavailable,%s,%d\n", c->name, ret);
	}

	/*
	 * Illegal contenders make lockdep report, and lockdep then turns
	 * itself off: legality runs in a boot of its own.  The counts stay
	 * right after that, the tracepoint fires before lockdep's checks.
	 */
	if (legal) {
		ret = lockwatch_start();
		if (!ret) {
			for (c = bench_next(NULL); c; c = bench_next(c))
				bench_legal(c);
			lockwatch_stop();
		} else {
			pr_info("legality: no lock_acquire tracepoint (%d)\n", ret);
		}
	}
	if (ctx)
		bench_ctx(BENCH_CTX_EVENTS);
	if (pair) {
		for (c = bench_next(NULL); c; c = bench_next(c))
			bench_pair(c);
		bench_pair(&bench_ref_empty);
	}
	if (!legal && !ctx && !pair) {
		for (c = bench_next(NULL); c; c = bench_next(c))
			bench_pair(c);
		bench_pair(&bench_ref_zero);
		/* Not in the smoke, which counts the pair rows. */
		if (!smoke)
			bench_pair(&bench_ref_empty);
		for (c = bench_next(NULL); c; c = bench_next(c))
			bench_tput(c);
		for (c = bench_next(NULL); c; c = bench_next(c))
			bench_lat(c->name, c->alloc, c->free, smoke ? 100 : pairs, false);
		bench_lat("clock", c_clock_alloc, c_ref_free, smoke ? 100 : pairs, false);
		bench_lat("clock_irqoff", c_clock_alloc, c_ref_free, smoke ? 100 : pairs, true);
		bench_ctx(smoke ? 20 : BENCH_CTX_EVENTS);
		bench_pcpdrain();
		bench_churn("llpool-warmup");
		bench_churn("llpool");
		bench_churn_ring("ring-warmup", smoke ? pairs / 8 : pairs);
		bench_churn_ring("ring", smoke ? pairs / 8 : pairs);
		if (!smoke) {
			bench_size();
			bench_exhaust();
		}
	}

	for (c = bench_contenders; c < bench_contenders + ARRAY_SIZE(bench_contenders); c++)
		if (c->ok && c->exit)
			c->exit();
	__free_page(bench_ref_page);
	pr_info("done\n");
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("llpool against a bare per-CPU array, GFP_NOWAIT, GFP_ATOMIC, __GFP_NO_LOCKS, alloc_pages_nolock(), objpool and mempool");
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
