/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool's differences between the kernels it builds for (6.1, 6.12 and
 * 7.3, tested; the releases between are likely to work), in one place.
 * Nothing else in the tree tests a kernel version.  Each difference is
 * keyed on the release that made it.
 */
#ifndef _LLPOOL_COMPAT_H
#define _LLPOOL_COMPAT_H

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "llpool needs Linux 6.1 or newer (tested: 6.1, 6.12, 7.3)"
#endif

/*
 * Symbol namespaces: a string since 6.13 (EXPORT_SYMBOL_NS_GPL(f, "NS"),
 * MODULE_IMPORT_NS("NS")), a bare word before, which the macros turned
 * into a string themselves (__stringify() expands LLPOOL_NS first).
 * LLPOOL is the API; LLPOOL_INTERNAL the hooks llpool's own tests use.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define LLPOOL_NS		"LLPOOL"
#define LLPOOL_INTERNAL_NS	"LLPOOL_INTERNAL"
#else
#define LLPOOL_NS		LLPOOL
#define LLPOOL_INTERNAL_NS	LLPOOL_INTERNAL
#endif

/*
 * Shrinkers: allocated by shrinker_alloc() with a private_data pointer
 * since 6.7; embedded and registered by register_shrinker() before.
 */
typedef unsigned long (*llpool_shrink_fn)(struct shrinker *, struct shrink_control *);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *llpool_shrinker_create(const char *name, void *priv,
						      llpool_shrink_fn count,
						      llpool_shrink_fn scan)
{
	struct shrinker *s = shrinker_alloc(0, "llpool-%s", name);

	if (s) {
		s->count_objects = count;
		s->scan_objects = scan;
		s->private_data = priv;
		shrinker_register(s);
	}
	return s;
}

static inline void *llpool_shrinker_private(struct shrinker *s)
{
	return s->private_data;
}

static inline void llpool_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#else
struct llpool_compat_shrinker {
	struct shrinker s;
	void *priv;
};

static inline struct shrinker *llpool_shrinker_create(const char *name, void *priv,
						      llpool_shrink_fn count,
						      llpool_shrink_fn scan)
{
	struct llpool_compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);

	if (!cs)
		return NULL;
	cs->s.count_objects = count;
	cs->s.scan_objects = scan;
	cs->s.seeks = DEFAULT_SEEKS;
	cs->priv = priv;
	if (register_shrinker(&cs->s, "llpool-%s", name)) {
		kfree(cs);
		return NULL;
	}
	return &cs->s;
}

static inline void *llpool_shrinker_private(struct shrinker *s)
{
	return container_of(s, struct llpool_compat_shrinker, s)->priv;
}

static inline void llpool_shrinker_destroy(struct shrinker *s)
{
	if (s) {
		unregister_shrinker(s);
		kfree(container_of(s, struct llpool_compat_shrinker, s));
	}
}
#endif

/*
 * Workqueues: WQ_PERCPU (6.17) says what having neither it nor WQ_UNBOUND
 * used to mean, a workqueue whose work runs on the CPU it is queued on;
 * 7.3 warns at alloc_workqueue() about one that says neither.  llpool's
 * and rcu_pool_user's work is per-CPU by design.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define LLPOOL_WQ_PERCPU	WQ_PERCPU
#else
#define LLPOOL_WQ_PERCPU	0
#endif

/* objpool, the bench's lock-free ring contender, arrived in 6.7. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define LLPOOL_HAVE_OBJPOOL	1
#endif

/* mempool_alloc_preallocated(), the bench's mempool contender, arrived in 6.9. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define LLPOOL_HAVE_MEMPOOL_PREALLOCATED	1
#endif

/*
 * Headless kvfree_rcu() was renamed kvfree_rcu_mightsleep() in 6.3; some
 * stable kernels (Debian's 6.1) have the new name backported.
 */
#ifndef kvfree_rcu_mightsleep
#define kvfree_rcu_mightsleep(ptr)	kvfree_rcu(ptr)
#endif

/*
 * Tests only: send an NMI to one CPU.  The APIC IPI callbacks became static
 * calls (with exported trampolines) in 6.6; before, through the exported
 * struct apic.
 */
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#include <asm/nmi.h>
#define LLPOOL_HAVE_TEST_NMI	1

static inline void llpool_test_send_nmi(unsigned int cpu)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	__apic_send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
#else
	apic->send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
#endif
}
#endif

/*
 * Bench only: a slab cache of its own, never merged with another, so that
 * destroying it gives its pages back.  SLAB_NO_MERGE arrived in 6.5;
 * before, a cache with a constructor was never merged.
 */
#ifdef SLAB_NO_MERGE
static inline struct kmem_cache *
llpool_cache_create_unmerged(const char *name, unsigned int size)
{
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
}
#else
static inline void llpool_cache_noop_ctor(void *obj)
{
}

static inline struct kmem_cache *
llpool_cache_create_unmerged(const char *name, unsigned int size)
{
	return kmem_cache_create(name, size, 0, 0, llpool_cache_noop_ctor);
}
#endif

/*
 * Tests only: hrtimer_setup() and hrtimer_setup_on_stack() (6.13) set the
 * callback with the rest; hrtimer_init*() were removed after.
 */
typedef enum hrtimer_restart (*llpool_hrtimer_fn)(struct hrtimer *);

static inline void llpool_hrtimer_setup(struct hrtimer *t, llpool_hrtimer_fn fn,
					clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

static inline void llpool_hrtimer_setup_on_stack(struct hrtimer *t, llpool_hrtimer_fn fn,
						 clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup_on_stack(t, fn, clock, mode);
#else
	hrtimer_init_on_stack(t, clock, mode);
	t->function = fn;
#endif
}

/*
 * Tests only: 6.16 renamed from_timer() timer_container_of() (a macro, so
 * tested for itself) and destroy_timer_on_stack() timer_destroy_on_stack().
 */
#ifndef timer_container_of
#define timer_container_of(var, t, field)	from_timer(var, t, field)
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define timer_destroy_on_stack(t)	destroy_timer_on_stack(t)
#endif

/*
 * Bench only: the x86 system vectors a guest takes (local timer, irq_work,
 * perf, spurious, rescheduling and call-function IPIs) and NMIs, on this
 * CPU so far; the same ones on every release (not the ICR read retries
 * or TLB shootdowns 7.2's array also counts).  irq_cpustat_t had a field
 * per vector; by 7.2 it is an array
 * indexed by enum irq_stat_counts (7.2 is the oldest release with it in
 * Debian's archive; the change may be older, and the releases between
 * 6.12 and 7.2 are not built here).
 */
#ifdef CONFIG_X86
#include <asm/hardirq.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
static inline unsigned long llpool_test_x86_irqs(void)
{
	unsigned long n = this_cpu_read(irq_stat.counts[IRQ_COUNT_NMI]);

#ifdef CONFIG_X86_LOCAL_APIC
	n += this_cpu_read(irq_stat.counts[IRQ_COUNT_APIC_TIMER]) +
	     this_cpu_read(irq_stat.counts[IRQ_COUNT_IRQ_WORK]) +
	     this_cpu_read(irq_stat.counts[IRQ_COUNT_APIC_PERF]) +
	     this_cpu_read(irq_stat.counts[IRQ_COUNT_SPURIOUS]);
#endif
#ifdef CONFIG_SMP
	n += this_cpu_read(irq_stat.counts[IRQ_COUNT_RESCHEDULE]) +
	     this_cpu_read(irq_stat.counts[IRQ_COUNT_CALL_FUNCTION]);
#endif
	return n;
}
#else
static inline unsigned long llpool_test_x86_irqs(void)
{
	unsigned long n = this_cpu_read(irq_stat.__nmi_count);

#ifdef CONFIG_X86_LOCAL_APIC
	n += this_cpu_read(irq_stat.apic_timer_irqs) +
	     this_cpu_read(irq_stat.apic_irq_work_irqs) +
	     this_cpu_read(irq_stat.apic_perf_irqs) +
	     this_cpu_read(irq_stat.irq_spurious_count);
#endif
#ifdef CONFIG_SMP
	n += this_cpu_read(irq_stat.irq_resched_count) +
	     this_cpu_read(irq_stat.irq_call_count);
#endif
	return n;
}
#endif
#endif

/*
 * Bench only: wait for the kvfree_rcu() calls queued so far.  6.12 has
 * kvfree_rcu_barrier(), exported from kernel/rcu/tree.c, and from 6.12
 * on kmem_cache_destroy() runs kvfree_rcu's barrier for the cache first
 * (LLPOOL_DESTROY_IS_KVFREE_BARRIER).  Since 6.14 kvfree_rcu lives in
 * mm/slab_common.c, where 7.3 does not export the barrier: destroying an
 * empty cache of our own waits for every batch queued so far, though not
 * for objects still in another cache's RCU sheaves (7.3 frees those when
 * that cache is flushed or destroyed).  Before 6.12, rcu_barrier() plus
 * a wait longer than kvfree_rcu's 5 s batch timeout is the best a module
 * can do, and it is the fallback when no cache can be made.  Process
 * context.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define LLPOOL_DESTROY_IS_KVFREE_BARRIER	1
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
static inline void llpool_kvfree_rcu_barrier(void)
{
	struct kmem_cache *s = llpool_cache_create_unmerged("llpool_kvfree_barrier", 8);

	if (!s) {
		rcu_barrier();
		ssleep(6);
		rcu_barrier();
		return;
	}
	kmem_cache_destroy(s);
}
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define llpool_kvfree_rcu_barrier()	kvfree_rcu_barrier()
#else
#define llpool_kvfree_rcu_barrier()	({ rcu_barrier(); ssleep(6); rcu_barrier(); })
#endif

/*
 * Bench only: alloc_pages_nolock() (6.15; modelled on 6.12 by the bench
 * kernels' patch) is a contender where its pages can go back from any
 * context, through free_pages_nolock().  7.3 does not export that one:
 * testmods/Kbuild reads the kernel's Module.symvers and says whether it
 * is exported (LLPOOL_KERNEL_EXPORTS_FREE_PAGES_NOLOCK).
 */
#if defined(alloc_pages_nolock) && defined(LLPOOL_KERNEL_EXPORTS_FREE_PAGES_NOLOCK)
#define LLPOOL_HAVE_ALLOC_PAGES_NOLOCK	1
#endif

/*
 * Bench only: kmalloc_nolock()/kfree_nolock() (6.18, mm/slub.c) is a
 * contender where the kernel has it (a macro over its _noprof form).
 */
#ifdef kmalloc_nolock
#define LLPOOL_HAVE_KMALLOC_NOLOCK	1
#endif

/* Bench only: kfree_rcu_nolock() (7.3 has it: include/linux/rcupdate.h). */
#ifdef kfree_rcu_nolock
#define LLPOOL_HAVE_KFREE_RCU_NOLOCK	1
#endif

/* KUnit's speed attribute (KUNIT_CASE_SLOW) arrived in 6.6. */
#if defined(KUNIT_CASE) && !defined(KUNIT_CASE_SLOW)
#define KUNIT_CASE_SLOW(test_name)	KUNIT_CASE(test_name)
#endif

#endif /* _LLPOOL_COMPAT_H */
