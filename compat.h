/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool's differences between the kernels it builds for (6.1 to 6.12), in
 * one place.  Nothing else in the tree tests a kernel version.
 */
#ifndef _LLPOOL_COMPAT_H
#define _LLPOOL_COMPAT_H

#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/version.h>

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
 * kvfree_rcu_barrier() (6.12) waits for every kvfree_rcu() queued so far.
 * Before it, rcu_barrier() plus a wait longer than kvfree_rcu's 5 s batch
 * timeout is the best a module can do.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define llpool_kvfree_rcu_barrier()	kvfree_rcu_barrier()
#else
#define llpool_kvfree_rcu_barrier()	({ rcu_barrier(); ssleep(6); rcu_barrier(); })
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

/* KUnit's speed attribute (KUNIT_CASE_SLOW) arrived in 6.6. */
#if defined(KUNIT_CASE) && !defined(KUNIT_CASE_SLOW)
#define KUNIT_CASE_SLOW(test_name)	KUNIT_CASE(test_name)
#endif

#endif /* _LLPOOL_COMPAT_H */
