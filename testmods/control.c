// SPDX-License-Identifier: GPL-2.0
/*
 * llpool_control: deliberate mistakes, one per load, to prove the detectors
 * catch them.  `make check` boots a guest for each case and passes only if
 * the expected report appears in the kernel log; the same splat in a normal
 * test boot fails `make check`.
 *
 *   case=raw_alloc       alloc_page(GFP_NOWAIT) under raw_spin_lock_irqsave():
 *                        what llpool exists to replace.  PROVE_RAW_LOCK_NESTING
 *                        reports "Invalid wait context" once an allocation
 *                        takes zone->lock.  pcp->lock is a trylock, which
 *                        lockdep exempts, and a well-stocked pcplist can
 *                        serve hundreds of pages without zone->lock; so the
 *                        loop goes on until lockdep has reported or
 *                        CONTROL_PAGES pages, more than a pcplist holds.
 *   case=fast_spinlock   a spinlock_t taken inside llpool's fast-path lockdep
 *                        annotation, from plain task context where it would
 *                        otherwise be legal: the annotation must make lockdep
 *                        report it.
 *   case=plain_spinlock  the same spinlock_t without the annotation: must
 *                        stay silent (the annotation, not the lock, is what
 *                        lockdep reacts to).
 *   case=early_free      an RCU reader holds an object that a writer frees
 *                        with plain kfree(), no grace period: KASAN must
 *                        report the reader's access (slab-use-after-free).
 *   case=leak            256 kmalloc()s whose pointers are dropped: kmemleak
 *                        must report some, from control_make_leak().
 *   case=bad_free        llpool_free() of a page twice, of a page from the
 *                        page allocator, of a page of the wrong order: with
 *                        CONFIG_DEBUG_VM each is refused with a WARN and the
 *                        reserve stays intact ("bad_free: reserve intact").
 *   case=destroy_held    llpool_destroy() while pages are still allocated:
 *                        a WARN names the count; the pages are not freed.
 *   case=kcsan_race      two kthreads on two online CPUs increment one
 *                        variable with plain (unmarked) loads and stores:
 *                        KCSAN must report a data race in
 *                        control_race_inc().  KCSAN samples accesses, so
 *                        they go on for up to CONTROL_RACE_SECONDS, or until
 *                        the module is removed (the control boot removes it
 *                        once the report is in the log).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debug_locks.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "../compat.h"
#include "../llpool_internal.h"
#include "../pool.h"

#define CONTROL_PAGES	16384
#define CONTROL_RACE_SECONDS	10

static char *control_case = "";
module_param_named(case, control_case, charp, 0444);
MODULE_PARM_DESC(case, "raw_alloc, fast_spinlock, plain_spinlock, early_free, leak, bad_free, destroy_held or kcsan_race");

static DEFINE_RAW_SPINLOCK(control_raw_lock);
static DEFINE_SPINLOCK(control_lock);

static int control_raw_alloc(void)
{
	struct page **pages;
	unsigned long flags;
	unsigned int i, n = 0;

	pages = kvcalloc(CONTROL_PAGES, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	raw_spin_lock_irqsave(&control_raw_lock, flags);
	for (i = 0; i < CONTROL_PAGES && debug_locks; i++) {
		pages[n] = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
		if (pages[n])
			n++;
	}
	raw_spin_unlock_irqrestore(&control_raw_lock, flags);
	while (n)
		__free_page(pages[--n]);
	kvfree(pages);
	pr_info("raw_alloc: %u pages allocated under a raw spinlock\n", i);
	return 0;
}

static void control_spinlock(bool annotated)
{
	if (annotated)
		llpool_fast_enter();
	spin_lock(&control_lock);
	spin_unlock(&control_lock);
	if (annotated)
		llpool_fast_exit();
}

struct control_obj {
	u64 magic;
};

static struct control_obj __rcu *control_slot;
static void *control_leak;

/* The reader's access after the free is the bug KASAN must see. */
static int control_early_free(void)
{
	struct control_obj *p = kmalloc(sizeof(*p), GFP_KERNEL), *seen;

	if (!p)
		return -ENOMEM;
	p->magic = 0x5a5a5a5a;
	rcu_assign_pointer(control_slot, p);

	rcu_read_lock();
	seen = rcu_dereference(control_slot);
	/* The writer: unpublish and free at once, without a grace period. */
	rcu_assign_pointer(control_slot, NULL);
	kfree(p);
	pr_info("early_free: reader sees %llx\n", READ_ONCE(seen->magic));
	rcu_read_unlock();
	return 0;
}

/*
 * Stored, then forgotten: nothing of ours references the objects any
 * more.  Many of them: a stale copy of a pointer can stay where kmemleak
 * scans and keep its object referenced.  7.3 gave no report for 1 and
 * for 16: its SLUB serves kmalloc() from per-CPU sheaves, arrays of
 * object pointers whose slots keep an object's pointer after it is
 * handed out, until a refill writes over them.  256 objects of 128 bytes
 * go through several sheaves' worth, so the early ones' slots are reused.
 */
#define CONTROL_LEAKS	256

static int control_make_leak(void)
{
	unsigned int i;

	for (i = 0; i < CONTROL_LEAKS; i++) {
		control_leak = kmalloc(128, GFP_KERNEL);
		if (!control_leak)
			return -ENOMEM;
		WRITE_ONCE(control_leak, NULL);
	}
	return 0;
}

static int control_bad_free(void)
{
	struct llpool_params p = { .name = "ctl-bad", .low = 1, .high = 4 };
	struct llpool *pool = llpool_create(&p);
	struct page *page, *foreign, *big;
	struct llpool_stats before, after;
	unsigned long refused;

	if (IS_ERR(pool))
		return PTR_ERR(pool);
	foreign = alloc_page(GFP_KERNEL);
	big = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
	page = llpool_alloc(pool);
	llpool_free(pool, page);
	llpool_get_stats(pool, &before);

	llpool_free(pool, page);	/* double free */
	if (foreign)
		llpool_free(pool, foreign);	/* not from this pool */
	if (big)
		llpool_free(pool, big);	/* wrong order */

	llpool_get_stats(pool, &after);
	refused = after.counter[LLPOOL_REFUSED] - before.counter[LLPOOL_REFUSED];
	if (refused == 3 && after.reserved == before.reserved &&
	    after.spilled == before.spilled &&
	    after.counter[LLPOOL_FREES] == before.counter[LLPOOL_FREES])
		pr_info("bad_free: refused %lu, reserve intact\n", refused);
	else
		pr_err("bad_free: refused %lu, reserved %lu -> %lu: reserve changed\n",
		       refused, before.reserved, after.reserved);
	llpool_destroy(pool);
	if (foreign)
		__free_page(foreign);
	if (big)
		__free_pages(big, 1);
	return 0;
}

static int control_destroy_held(void)
{
	struct llpool_params p = { .name = "ctl-held", .low = 1, .high = 4 };
	struct llpool *pool = llpool_create(&p);
	struct page *pages[3];
	unsigned int i;

	if (IS_ERR(pool))
		return PTR_ERR(pool);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = llpool_alloc(pool);
	llpool_destroy(pool);
	/* Ours now; the pool left them alone.  Give them back untagged. */
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		if (pages[i]) {
			set_page_private(pages[i], 0);
			__free_page(pages[i]);
		}
	}
	return 0;
}

static unsigned long control_racy;
static unsigned long control_race_deadline;
static struct task_struct *control_racers[2];

/*
 * The race: a plain read-modify-write, from both racers at once.  KCSAN
 * leaves out of its reports the frames of functions whose names hold
 * "kcsan_" or "tsan_" (its runtime's), so none of these does.
 */
static noinline void control_race_inc(void)
{
	control_racy++;
}

static int control_racer(void *unused)
{
	unsigned long n = 0;

	while (!kthread_should_stop() &&
	       time_before(jiffies, control_race_deadline)) {
		control_race_inc();
		if (!(++n % 1024))
			cond_resched();
	}
	/* Past the deadline: wait for kthread_stop() at module removal. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void control_race_stop(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(control_racers); i++) {
		if (control_racers[i])
			kthread_stop(control_racers[i]);
		control_racers[i] = NULL;
	}
}

static int control_race(void)
{
	unsigned int i, cpu = cpumask_first(cpu_online_mask);

	if (num_online_cpus() < 2)
		return -ENODEV;
	control_race_deadline = jiffies + CONTROL_RACE_SECONDS * HZ;
	for (i = 0; i < ARRAY_SIZE(control_racers); i++) {
		struct task_struct *t;

		t = kthread_create_on_cpu(control_racer, NULL, cpu,
					  "llpool_race/%u");
		if (IS_ERR(t)) {
			control_race_stop();
			return PTR_ERR(t);
		}
		control_racers[i] = t;
		cpu = cpumask_next(cpu, cpu_online_mask);
	}
	for (i = 0; i < ARRAY_SIZE(control_racers); i++)
		wake_up_process(control_racers[i]);
	pr_info("kcsan_race: racing for up to %u s\n", CONTROL_RACE_SECONDS);
	return 0;
}

static int control_fast_spinlock(void)
{
	control_spinlock(true);
	return 0;
}

static int control_plain_spinlock(void)
{
	control_spinlock(false);
	return 0;
}

/* What case= names; each returns 0 once its mistake is made. */
static const struct {
	const char *name;
	int (*make)(void);
} control_cases[] = {
	{ "raw_alloc", control_raw_alloc },
	{ "fast_spinlock", control_fast_spinlock },
	{ "plain_spinlock", control_plain_spinlock },
	{ "early_free", control_early_free },
	{ "leak", control_make_leak },
	{ "bad_free", control_bad_free },
	{ "destroy_held", control_destroy_held },
	{ "kcsan_race", control_race },
};

static int __init control_init(void)
{
	unsigned int i;

	pr_info("case %s\n", control_case);
	for (i = 0; i < ARRAY_SIZE(control_cases); i++)
		if (!strcmp(control_case, control_cases[i].name))
			return control_cases[i].make();
	pr_err("case=%s: unknown, see the module description\n", control_case);
	return -EINVAL;
}

static void __exit control_exit(void)
{
	control_race_stop();
}

module_init(control_init);
module_exit(control_exit);
MODULE_IMPORT_NS(LLPOOL_INTERNAL_NS);
MODULE_DESCRIPTION("llpool negative controls: deliberate lock mistakes");
MODULE_IMPORT_NS(LLPOOL_NS);
MODULE_LICENSE("GPL");
