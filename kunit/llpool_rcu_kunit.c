// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for rcu_pool_user (llpool_rcu_kunit.ko): suite llpool_rcu.
 *
 * No object may be freed before a grace period: reader threads hold
 * objects under rcu_read_lock() and check them while a writer replaces and
 * defer-frees them.  An early free is a KASAN report (a failed test: the
 * harness scans the log; the positive control is the kasan_early_free boot
 * in `make check`) or a bad stamp here.
 *
 * CPU hotplug: a dead CPU's open block is adopted and freed without a
 * barrier; a barrier returns with CPUs offline (never online, under
 * maxcpus=, or taken down) and when called concurrently; no early free
 * while a CPU flaps.  Those tests skip without CONFIG_HOTPLUG_CPU and a CPU
 * that can go offline, and bring it back.  A barrier or teardown that could
 * hang runs in a kthread with a deadline, so that a hang fails the test
 * instead of the boot (and leaks the instance).
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "../compat.h"
#include "../rcu_pool_user.h"
#include "llpool_test.h"

#define RCU_TEST_MAGIC		0x72637570756c6c21ULL	/* "rcupull!" */
#define RCU_TEST_SLOTS		64
#define RCU_TEST_MS		2000
/* How long a run may go on to see both ways out of a block (see below). */
#define RCU_TEST_MAX_MS		10000

struct rcu_test_obj {
	u64 magic;
	u64 serial;
};

static s64 rcu_test_stat(struct llpool_rcu *r, enum llpool_rcu_counter i)
{
	s64 st[LLPOOL_RCU_COUNTER_COUNT];

	llpool_rcu_get_stats(r, st);
	return st[i];
}

static struct llpool_rcu *rcu_test_create(struct kunit *test, const char *name,
					  unsigned int low, unsigned int high)
{
	struct llpool_rcu *r = llpool_rcu_create(name, low, high);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(r), "llpool_rcu_create: %d",
			       PTR_ERR_OR_ZERO(r));
	return r;
}

/* How long a barrier may take before the test calls it hung. */
#define RCU_TEST_BARRIER_MS	30000

/*
 * llpool_rcu_barrier() in a kthread, with the instance's QUEUED counter
 * read just before it and FREED just after: everything queued before a
 * barrier is freed when it returns, so FREED after >= QUEUED before.
 * kzalloc()ed: a barrier that hangs keeps it.
 */
struct rcu_test_barrier {
	struct llpool_rcu *r;
	s64 queued_before, freed_after;
	unsigned long ms;
	struct completion done;
};

static int rcu_test_barrier_fn(void *arg)
{
	struct rcu_test_barrier *b = arg;
	unsigned long start;

	b->queued_before = rcu_test_stat(b->r, LLPOOL_RCU_QUEUED);
	start = jiffies;
	llpool_rcu_barrier(b->r);
	b->ms = jiffies_to_msecs(jiffies - start);
	b->freed_after = rcu_test_stat(b->r, LLPOOL_RCU_FREED);
	kthread_complete_and_exit(&b->done, 0);
}

static struct rcu_test_barrier *
rcu_test_barrier_start(struct kunit *test, struct llpool_rcu *r)
{
	struct rcu_test_barrier *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->r = r;
	init_completion(&b->done);
	task = kthread_run(rcu_test_barrier_fn, b, "rcu_test_bar");
	if (IS_ERR(task)) {
		kfree(b);
		KUNIT_FAIL(test, "barrier kthread: %ld", PTR_ERR(task));
		return NULL;
	}
	return b;
}

/*
 * Wait up to @ms for a barrier started by rcu_test_barrier_start().  True
 * if it returned, having freed everything queued before it (checked here);
 * the caller kfree()s @b.  False on a timeout, which fails the test: the
 * kthread keeps @b and the instance, which the caller must then leak.
 */
static bool rcu_test_barrier_wait(struct kunit *test, struct rcu_test_barrier *b,
				  unsigned int ms, const char *what)
{
	if (!b)
		return false;
	if (!wait_for_completion_timeout(&b->done, msecs_to_jiffies(ms))) {
		KUNIT_FAIL(test, "%s: llpool_rcu_barrier() still waiting after %u ms",
			   what, ms);
		return false;
	}
	KUNIT_EXPECT_GE_MSG(test, b->freed_after, b->queued_before,
			    "%s: %lld objects queued before the barrier, %lld freed when it returned",
			    what, b->queued_before, b->freed_after);
	return true;
}

/* A whole barrier with a deadline: true if it returned (see above). */
static bool rcu_test_barrier_timed(struct kunit *test, struct llpool_rcu *r,
				   const char *what)
{
	struct rcu_test_barrier *b = rcu_test_barrier_start(test, r);

	if (!rcu_test_barrier_wait(test, b, RCU_TEST_BARRIER_MS, what))
		return false;
	kfree(b);
	return true;
}

/* ==== no early free ====================================================== */

/*
 * @stop: written by the writer when its run ends, read by the readers (a
 * flag, not a deadline: the writer may run on past its first deadline).
 */
struct rcu_test_shared {
	struct rcu_test_obj __rcu *slot[RCU_TEST_SLOTS];
	bool stop;
	atomic_long_t reads, bad;
};

static int rcu_test_reader(void *arg)
{
	struct rcu_test_shared *sh = arg;
	struct rcu_test_obj *p;
	unsigned int i = 0, spin;

	while (!READ_ONCE(sh->stop)) {
		rcu_read_lock();
		p = rcu_dereference(sh->slot[i++ % RCU_TEST_SLOTS]);
		if (p) {
			/* Hold it a while: a writer may replace it meanwhile. */
			if (READ_ONCE(p->magic) != RCU_TEST_MAGIC)
				atomic_long_inc(&sh->bad);
			for (spin = 0; spin < 2000; spin++)
				cpu_relax();
			if (READ_ONCE(p->magic) != RCU_TEST_MAGIC)
				atomic_long_inc(&sh->bad);
			atomic_long_inc(&sh->reads);
		}
		rcu_read_unlock();
		cond_resched();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static DEFINE_RAW_SPINLOCK(rcu_test_raw_lock);

/* One write: replace a slot's object and defer-free the old one. */
struct rcu_test_write {
	struct rcu_test_shared *sh;
	struct llpool_rcu *r;
	struct rcu_test_obj *p, *old;
	unsigned int i;
	int ret;
};

/* Half the writes defer the free under the raw spinlock. */
static void rcu_test_write(void *arg)
{
	struct rcu_test_write *w = arg;
	unsigned long flags;

	raw_spin_lock_irqsave(&rcu_test_raw_lock, flags);
	w->old = rcu_replace_pointer(w->sh->slot[w->i % RCU_TEST_SLOTS], w->p, true);
	if (w->i & 1) {
		w->ret = llpool_rcu_free(w->r, w->old);
		raw_spin_unlock_irqrestore(&rcu_test_raw_lock, flags);
	} else {
		raw_spin_unlock_irqrestore(&rcu_test_raw_lock, flags);
		w->ret = llpool_rcu_free(w->r, w->old);
	}
}

/*
 * Both ways out of a block taken by some: freed by its batch's grace
 * period, and freed on its own grace-period cookie when a batch ended.
 */
static bool rcu_test_both_ways(struct llpool_rcu *r)
{
	s64 early = rcu_test_stat(r, LLPOOL_RCU_EARLY);

	return early > 0 && early < rcu_test_stat(r, LLPOOL_RCU_BLOCKS);
}

/*
 * Readers on every online CPU but @flip check objects under
 * rcu_read_lock() while this task replaces them and defer-frees the old
 * ones for RCU_TEST_MS.  With @flip a CPU (not nr_cpu_ids), a kthread takes
 * it offline and online meanwhile, and every other write is done there,
 * in an IPI, while it is online: its open blocks go down with it and must
 * be adopted, not freed early nor lost.
 */
static void rcu_test_no_early_free(struct kunit *test, const char *name,
				   unsigned int flip)
{
	struct llpool_rcu *r = rcu_test_create(test, name, 4, 16);
	struct rcu_test_write w = { .r = r };
	struct llpool_test_flip *f = NULL;
	struct task_struct *readers[8];
	unsigned int nr = 0, i, cpu, cycles = 0;
	unsigned long writes = 0, fallbacks = 0, remote = 0, start, deadline;
	struct rcu_test_shared *sh;
	int ret;

	sh = kunit_kzalloc(test, sizeof(*sh), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sh);
	w.sh = sh;
	start = jiffies;
	deadline = start + msecs_to_jiffies(RCU_TEST_MS);
	for_each_online_cpu(cpu) {
		if (nr == ARRAY_SIZE(readers))
			break;
		if (cpu == flip)
			continue;
		readers[nr] = kthread_run_on_cpu(rcu_test_reader, sh, cpu,
						 "rcu_test_rd/%u");
		if (IS_ERR(readers[nr]))
			break;
		nr++;
	}
	KUNIT_ASSERT_GT(test, nr, 0U);
	if (flip < nr_cpu_ids)
		f = llpool_test_flip_start(test, flip, RCU_TEST_MS, NULL, NULL);

	for (;;) {
		/*
		 * Without @flip the run must also cover both ways out (below):
		 * past RCU_TEST_MS it goes on until it has, not for a window
		 * that happens to fit one clock, up to RCU_TEST_MAX_MS in all.
		 * The readers read on until it ends.
		 */
		if (!time_before(jiffies, deadline) &&
		    (f || rcu_test_both_ways(r) ||
		     !time_before(jiffies, start + msecs_to_jiffies(RCU_TEST_MAX_MS))))
			break;
		w.p = kmalloc(sizeof(*w.p), GFP_KERNEL);
		if (!w.p)
			continue;
		w.p->magic = RCU_TEST_MAGIC;
		w.p->serial = writes++;
		/* An IPI to an offline CPU fails at once: then write here. */
		if (f && (w.i & 2) &&
		    !smp_call_function_single(flip, rcu_test_write, &w, 1))
			remote++;
		else
			rcu_test_write(&w);
		if (w.ret) {
			/* Fallback: we still own it; free it the slow way. */
			fallbacks++;
			synchronize_rcu();
			kfree(w.old);
		}
		if (!(++w.i % 64))
			cond_resched();
	}
	WRITE_ONCE(sh->stop, true);
	if (f)
		ret = llpool_test_flip_wait(test, f, &cycles);
	for (i = 0; i < nr; i++)
		kthread_stop(readers[i]);
	for (i = 0; i < RCU_TEST_SLOTS; i++) {
		w.old = rcu_replace_pointer(sh->slot[i], NULL, true);
		if (llpool_rcu_free(r, w.old)) {
			synchronize_rcu();
			kfree(w.old);
		}
	}
	if (!rcu_test_barrier_timed(test, r, name))
		return;		/* hung: the instance stays with the barrier */

	kunit_info(test, "%lu writes (%lu on cpu%d by IPI, %u offline/online cycles), %ld reads by %u readers, %lu fallbacks, %lld grace periods, %lld blocks, %lld freed on their own cookie",
		   writes, remote, flip < nr_cpu_ids ? (int)flip : -1, cycles,
		   atomic_long_read(&sh->reads), nr, fallbacks,
		   rcu_test_stat(r, LLPOOL_RCU_GPS), rcu_test_stat(r, LLPOOL_RCU_BLOCKS),
		   rcu_test_stat(r, LLPOOL_RCU_EARLY));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sh->bad), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&sh->reads), 0L);
	if (flip < nr_cpu_ids) {
		KUNIT_EXPECT_NOT_NULL(test, f);
		if (f)
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "hotplug of cpu%u failed", flip);
		KUNIT_EXPECT_GT(test, cycles, 0U);
		KUNIT_EXPECT_GT(test, remote, 0UL);
	} else {
		/*
		 * The readers must have covered both ways out: blocks freed
		 * by their batch's grace period and blocks freed on their own
		 * cookie when a batch ended.  Which way a block takes depends
		 * on how a grace period's length compares with the blocks'
		 * 20 ms timeout, which differs between clocks (TCG, KVM, real
		 * hardware): the writes went on until both were seen, within
		 * RCU_TEST_MAX_MS.
		 */
		KUNIT_EXPECT_TRUE_MSG(test, rcu_test_both_ways(r),
				      "%lld of %lld blocks freed on their own cookie in %u ms: want some, not all",
				      rcu_test_stat(r, LLPOOL_RCU_EARLY),
				      rcu_test_stat(r, LLPOOL_RCU_BLOCKS),
				      jiffies_to_msecs(jiffies - start));
	}
	KUNIT_EXPECT_GT(test, writes, 0UL);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FALLBACKS), (s64)fallbacks);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_QUEUED),
			rcu_test_stat(r, LLPOOL_RCU_FREED));
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
	llpool_rcu_destroy(r);
}

/**
 * llpool_rcu_no_early_free() - no object is freed before a grace period
 * @test: the test
 *
 * Readers on every CPU check objects under rcu_read_lock() while a writer
 * replaces and defer-frees them for RCU_TEST_MS, half under a raw
 * spinlock: no bad read, no KASAN report, queued == freed, and blocks left
 * both ways (their batch's grace period, their own cookie).
 */
static void llpool_rcu_no_early_free(struct kunit *test)
{
	rcu_test_no_early_free(test, "kunit-rcu", nr_cpu_ids);
}

/**
 * llpool_rcu_no_early_free_under_hotplug() - no early free while a CPU flaps
 * @test: the test
 *
 * Proves that CPU hotplug frees nothing before its grace period and loses
 * nothing: the readers-vs-writer test of llpool_rcu_no_early_free(), with
 * a CPU taken offline and online in a loop and every other write deferred
 * on that CPU while it is up, so that it goes down with open and closed
 * blocks.  An early free is a KASAN report (the harness fails the boot on
 * it) or a bad magic seen by a reader; a lost block leaves queued != freed
 * or block pages out after the barrier.
 */
static void llpool_rcu_no_early_free_under_hotplug(struct kunit *test)
{
	unsigned int x = llpool_test_cycled_cpu(test);

	rcu_test_no_early_free(test, "kunit-rcu-hp", x);
}

/* ==== a reader pinned across a block's grace period ====================== */

/* The longest a pinned reader stays in its read-side section. */
#define RCU_TEST_PIN_MAX_MS	5000

/*
 * A reader that holds one object inside rcu_read_lock() while the writer
 * defer-frees it.  kzalloc()ed: a reader that outlives the test keeps it.
 * @release: written by the writer (release), read by the reader (acquire):
 *	leave the read-side section.
 * @blocks, @freed, @magic_ok: read by the reader inside the section, at
 *	its end; the writer reads them after @done.
 */
struct rcu_test_pin {
	struct llpool_rcu *r;
	struct rcu_test_obj __rcu *slot;
	struct completion pinned, done;
	bool release, magic_ok;
	s64 blocks, freed;
};

static int rcu_test_pin_reader(void *arg)
{
	struct rcu_test_pin *pin = arg;
	unsigned long deadline = jiffies + msecs_to_jiffies(RCU_TEST_PIN_MAX_MS);
	struct rcu_test_obj *p;

	rcu_read_lock();
	p = rcu_dereference(pin->slot);
	complete(&pin->pinned);
	/*
	 * No grace period can end while this CPU spins in here.  The acquire
	 * pairs with the writer's release: its waits are done before the
	 * stats are read below.
	 */
	while (!smp_load_acquire(&pin->release) && time_before(jiffies, deadline))
		cpu_relax();
	pin->blocks = rcu_test_stat(pin->r, LLPOOL_RCU_BLOCKS);
	pin->freed = rcu_test_stat(pin->r, LLPOOL_RCU_FREED);
	pin->magic_ok = p && READ_ONCE(p->magic) == RCU_TEST_MAGIC;
	rcu_read_unlock();
	kthread_complete_and_exit(&pin->done, 0);
}

/**
 * llpool_rcu_reader_pins_block() - nothing is freed under a pinned reader
 * @test: the test
 *
 * The early-free detector that does not depend on timing: a reader on
 * another CPU enters rcu_read_lock() holding an object; the writer replaces
 * it, defer-frees it and waits until its block has timed out and gone to a
 * grace period, and three block timeouts more.  No grace period can end
 * while the reader is inside, so the instance must have freed nothing when
 * the reader looks, still inside, and the object must be intact.  A
 * rcu_pool_user that frees without a grace period fails here every time
 * (the skip_gp control); the readers of llpool_rcu_no_early_free catch it
 * only when one happens to hold an object when its block is freed.
 */
static void llpool_rcu_reader_pins_block(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-pin", 4, 16);
	struct rcu_test_obj *obj, *old;
	struct task_struct *reader;
	struct rcu_test_pin *pin;
	unsigned int me, other, i;

	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	pin = kzalloc(sizeof(*pin), GFP_KERNEL);
	if (!obj || !pin) {
		kfree(obj);
		kfree(pin);
		llpool_rcu_destroy(r);
		KUNIT_FAIL(test, "out of memory");
		return;
	}
	obj->magic = RCU_TEST_MAGIC;
	pin->r = r;
	RCU_INIT_POINTER(pin->slot, obj);
	init_completion(&pin->pinned);
	init_completion(&pin->done);

	/* The block is this CPU's; the reader spins on another one. */
	migrate_disable();
	me = smp_processor_id();
	other = cpumask_any_but(cpu_online_mask, me);
	if (other >= nr_cpu_ids) {
		migrate_enable();
		kfree(obj);
		kfree(pin);
		llpool_rcu_destroy(r);
		kunit_skip(test, "needs two online CPUs");
	}
	reader = kthread_run_on_cpu(rcu_test_pin_reader, pin, other, "rcu_test_pin/%u");
	if (IS_ERR(reader)) {
		migrate_enable();
		kfree(obj);
		kfree(pin);
		llpool_rcu_destroy(r);
		KUNIT_FAIL(test, "reader kthread: %ld", PTR_ERR(reader));
		return;
	}
	if (!wait_for_completion_timeout(&pin->pinned, 10 * HZ)) {
		migrate_enable();
		KUNIT_FAIL(test, "the reader on cpu%u did not start in 10 s", other);
		return;		/* it keeps @pin and the instance */
	}
	old = rcu_replace_pointer(pin->slot, NULL, true);
	KUNIT_EXPECT_EQ(test, llpool_rcu_free(r, old), 0);
	/* Its block times out (LLPOOL_RCU_TIMEOUT, 20 ms) and is handed on. */
	for (i = 0; i < 100 && rcu_test_stat(r, LLPOOL_RCU_BLOCKS) < 1; i++)
		msleep(20);
	msleep(3 * 20);
	/* Pairs with the reader's acquire: it reads the stats after this. */
	smp_store_release(&pin->release, true);
	migrate_enable();
	if (!wait_for_completion_timeout(&pin->done, 10 * HZ)) {
		KUNIT_FAIL(test, "the reader on cpu%u did not finish in 10 s", other);
		return;
	}
	kunit_info(test, "cpu%u pinned, cpu%u wrote: %lld blocks handed on, %lld objects freed while pinned",
		   other, me, pin->blocks, pin->freed);
	KUNIT_EXPECT_GE_MSG(test, pin->blocks, 1LL,
			    "the block did not go to a grace period while the reader held it");
	KUNIT_EXPECT_EQ_MSG(test, pin->freed, 0LL,
			    "objects freed while a reader that held one was still inside rcu_read_lock()");
	KUNIT_EXPECT_TRUE(test, pin->magic_ok);
	if (rcu_test_barrier_timed(test, r, "pin"))
		KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), 1LL);
	kfree(pin);
	llpool_rcu_destroy(r);
}

/* ==== fallback, barrier, contexts, bad input ============================= */

/*
 * A pool of one page per online CPU, plus a one-page magazine of depot
 * stock per online CPU: each block takes one page, this CPU's and then
 * the depots'.  With preemption off no refill runs here and no block can
 * complete its grace period, so once every page it can reach holds a full
 * block the next pointer finds no page and must come back with -ENOMEM,
 * ownership unchanged.
 */
static void llpool_rcu_fallback_when_pool_empty(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-fb", 1, 1);
	unsigned int n = LLPOOL_RCU_PTRS * (1 + num_online_cpus()) + 1, i, ok = 0;
	void **objs;
	int last;

	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = kmalloc(32, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	preempt_disable();
	for (i = 0; i < n - 1; i++)
		ok += !llpool_rcu_free(r, objs[i]);
	last = llpool_rcu_free(r, objs[n - 1]);
	preempt_enable();

	KUNIT_EXPECT_EQ(test, ok, n - 1);
	KUNIT_EXPECT_EQ(test, last, -ENOMEM);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FALLBACKS), 1LL);
	/* Still ours: freeing it must not be a double free (KASAN watches). */
	kfree(objs[n - 1]);
	llpool_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)(n - 1));
	llpool_rcu_destroy(r);
}

static void llpool_rcu_barrier_frees_all(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-bar", 4, 16);
	unsigned int i, queued = 0;
	void *p;

	for (i = 0; i < 2000; i++) {
		p = kmalloc(64, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		if (llpool_rcu_free(r, p))
			kfree(p);
		else
			queued++;
	}
	KUNIT_EXPECT_EQ(test, llpool_rcu_free(r, NULL), 0);
	llpool_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_QUEUED), (s64)queued);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)queued);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
	KUNIT_EXPECT_GE(test, rcu_test_stat(r, LLPOOL_RCU_GPS), 1LL);
	KUNIT_EXPECT_GE(test, rcu_test_stat(r, LLPOOL_RCU_BLOCKS),
			(s64)(queued / LLPOOL_RCU_PTRS));
	llpool_rcu_destroy(r);
}

/*
 * Every kind of memory kvfree() takes: slab objects (freed in bulk),
 * kmalloc() too large for a slab (page allocator) and vmalloc() (freed one
 * by one), mixed in the same blocks.  A wrong free is a KASAN report, a
 * missed one a kmemleak report at the end of the boot (both fail the run;
 * their controls are the early_free and leak boots).  Free pages are no
 * measure here: KASAN's quarantine gives back slabs at random times.
 */
static void llpool_rcu_frees_every_kind(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-kind", 4, 16);
	const unsigned int n = 600;
	unsigned int i, queued = 0;
	void *p;

	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:
			p = kmalloc(64, GFP_KERNEL);
			break;
		case 1:
			p = kmalloc(4 * PAGE_SIZE, GFP_KERNEL);
			break;
		default:
			p = vmalloc(2 * PAGE_SIZE);
			break;
		}
		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, 0x5a, 64);
		if (llpool_rcu_free(r, p))
			kvfree(p);
		else
			queued++;
	}
	llpool_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, queued, n);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)queued);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
	llpool_rcu_destroy(r);
}

/* An open block is submitted by the timeout, without a barrier. */
static void llpool_rcu_timeout_submits(struct kunit *test)
{
	struct llpool_rcu *r = rcu_test_create(test, "kunit-rcu-to", 4, 16);
	void *p = kmalloc(64, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, llpool_rcu_free(r, p), 0);
	for (i = 0; i < 250 && rcu_test_stat(r, LLPOOL_RCU_FREED) < 1; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), 1LL);
	llpool_rcu_destroy(r);
}

struct rcu_test_irq {
	struct llpool_rcu *r;
	void *objs[16];
	int ok;
};

static void rcu_test_irq_fn(void *arg)
{
	struct rcu_test_irq *t = arg;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t->objs); i++) {
		if (!llpool_rcu_free(t->r, t->objs[i])) {
			t->objs[i] = NULL;
			t->ok++;
		}
	}
}

static void llpool_rcu_in_hardirq(struct kunit *test)
{
	struct rcu_test_irq *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, debug_locks, 1);
	t->r = rcu_test_create(test, "kunit-rcu-irq", 4, 16);
	for (i = 0; i < ARRAY_SIZE(t->objs); i++) {
		t->objs[i] = kmalloc(48, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->objs[i]);
	}
	llpool_test_in_hardirq(test, rcu_test_irq_fn, t);
	for (i = 0; i < ARRAY_SIZE(t->objs); i++)
		kfree(t->objs[i]);	/* the ones the irq could not defer */
	KUNIT_EXPECT_EQ(test, t->ok, (int)ARRAY_SIZE(t->objs));
	llpool_rcu_destroy(t->r);
	KUNIT_EXPECT_EQ(test, debug_locks, 1);
}

static void llpool_rcu_rejects_bad_params(struct kunit *test)
{
	struct llpool_rcu *r;

	r = llpool_rcu_create("kunit-rcu-bad", 0, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), -EINVAL);
	llpool_rcu_destroy(r);
	r = llpool_rcu_create("", 1, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), -EINVAL);
	llpool_rcu_destroy(r);
	r = llpool_rcu_create("kunit-rcu-bad", 8, 4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), -EINVAL);
	llpool_rcu_destroy(r);
}

/* ==== CPU hotplug and concurrent barriers ================================ */

/*
 * The feeder: a kthread on another CPU that kmalloc()s objects and has the
 * target CPU defer them, one IPI each, as fast as it can and until the
 * target is offline (an IPI is sent only to an online CPU; the dying CPU
 * runs the ones in flight).  So the target goes down with an open block
 * that holds the objects of its last moments: once the workqueue has
 * unbound its monitor, a monitor off its CPU must leave that block alone,
 * and only the CPU-dead callback can free it.
 */
struct rcu_test_feeder {
	struct llpool_rcu *r;
	unsigned int cpu;
	void *obj;			/* for the IPI */
	int ret;
	/* Deferred on the target; of those, while it was going down. */
	unsigned long queued, late;
	bool stop, done;
};

static void rcu_test_feed_fn(void *arg)
{
	struct rcu_test_feeder *f = arg;

	f->ret = llpool_rcu_free(f->r, f->obj);
	if (!f->ret && !cpu_active(smp_processor_id()))
		f->late++;
}

static int rcu_test_feeder_fn(void *arg)
{
	struct rcu_test_feeder *f = arg;

	while (!READ_ONCE(f->stop)) {
		f->obj = kmalloc(64, GFP_KERNEL);
		if (!f->obj)
			break;
		f->ret = -ENOMEM;
		if (smp_call_function_single(f->cpu, rcu_test_feed_fn, f, 1)) {
			kfree(f->obj);		/* the target is offline */
			break;
		}
		if (f->ret)
			kfree(f->obj);
		else
			WRITE_ONCE(f->queued, f->queued + 1);
		cond_resched();
	}
	return llpool_test_thread_done(&f->done);
}

/**
 * llpool_rcu_offline_adopts_block() - a dead CPU's open block is freed
 * @test: the test
 *
 * Proves that objects left in the open block of a CPU that goes offline
 * are freed after their grace period without anyone calling the barrier:
 * the CPU-dead callback adopts the block (closes and submits it).  The
 * CPU defers objects (struct rcu_test_feeder) until it is offline, some
 * of them after its teardown began (@late); then, with no barrier, FREED
 * must reach what was queued within the wait and no block page may stay
 * out (LLPOOL_RCU_PAGES == 0: no open block is left for the dead CPU).
 * Back online, the CPU defers and frees again: its state was left clean.
 */
static void llpool_rcu_offline_adopts_block(struct kunit *test)
{
	struct rcu_test_feeder *f = kzalloc(sizeof(*f), GFP_KERNEL);
	unsigned int x = llpool_test_pick_cpu();
	struct task_struct *task;
	unsigned long queued;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, f);
	if (x >= nr_cpu_ids) {
		kfree(f);
		kunit_skip(test, "needs a second CPU that can go offline");
	}
	f->r = llpool_rcu_create("kunit-rcu-adopt", 4, 16);
	if (IS_ERR(f->r)) {
		KUNIT_FAIL(test, "llpool_rcu_create: %ld", PTR_ERR(f->r));
		kfree(f);
		return;
	}
	f->cpu = x;
	task = kthread_run_on_cpu(rcu_test_feeder_fn, f, cpumask_first(cpu_online_mask),
				  "rcu_test_feed/%u");
	if (IS_ERR(task)) {
		llpool_rcu_destroy(f->r);
		kfree(f);
		KUNIT_FAIL(test, "feeder kthread: %ld", PTR_ERR(task));
		return;
	}
	llpool_wait_for(READ_ONCE(f->queued) >= 20);
	ret = llpool_test_cpu_down(x);
	WRITE_ONCE(f->stop, true);
	if (!llpool_wait_for(READ_ONCE(f->done))) {
		KUNIT_FAIL(test, "feeder still running");
		return;		/* leave it @f and the instance */
	}
	kthread_stop(task);
	if (ret) {
		if (rcu_test_barrier_timed(test, f->r, "skip"))
			llpool_rcu_destroy(f->r);
		kfree(f);
		kunit_skip(test, "remove_cpu(%u): %d", x, ret);
	}

	queued = f->queued;
	KUNIT_EXPECT_GT(test, queued, 0UL);
	KUNIT_EXPECT_GT_MSG(test, f->late, 0UL,
			    "no object was deferred on cpu%u while it went down", x);
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(rcu_test_stat(f->r, LLPOOL_RCU_FREED) ==
					      (s64)queued &&
					      !rcu_test_stat(f->r, LLPOOL_RCU_PAGES)),
			      "cpu%u dead for %d ms: %lld of %lu objects freed, %lld block pages out",
			      x, LLPOOL_TEST_WAIT_MS, rcu_test_stat(f->r, LLPOOL_RCU_FREED),
			      queued, rcu_test_stat(f->r, LLPOOL_RCU_PAGES));
	kunit_info(test, "cpu%u: %lu objects deferred on it, %lu while it went down; %lld freed, %lld block pages out, %lld blocks, without a barrier",
		   x, queued, f->late, rcu_test_stat(f->r, LLPOOL_RCU_FREED),
		   rcu_test_stat(f->r, LLPOOL_RCU_PAGES), rcu_test_stat(f->r, LLPOOL_RCU_BLOCKS));

	ret = llpool_test_cpu_up(x);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "add_cpu(%u)", x);
	if (!ret) {
		/* Back online: one more object, on the CPU, freed by its timeout. */
		f->obj = kmalloc(64, GFP_KERNEL);
		f->ret = -ENOMEM;
		if (f->obj)
			smp_call_function_single(x, rcu_test_feed_fn, f, 1);
		if (f->ret)
			kfree(f->obj);
		KUNIT_EXPECT_EQ(test, f->ret, 0);
		KUNIT_EXPECT_TRUE_MSG(test,
				      llpool_wait_for(rcu_test_stat(f->r, LLPOOL_RCU_FREED) ==
						      (s64)queued + !f->ret),
				      "cpu%u back: %lld of %lu freed", x,
				      rcu_test_stat(f->r, LLPOOL_RCU_FREED), queued + !f->ret);
	}
	if (rcu_test_barrier_timed(test, f->r, "adopt")) {
		llpool_rcu_destroy(f->r);
		kfree(f);
	}
}

/*
 * Objects deferred on a given CPU: allocated here, in task context (no
 * kmalloc() in an IPI: slab locks are not raw), deferred there in an IPI.
 */
#define RCU_TEST_FILL		100

struct rcu_test_fill {
	struct llpool_rcu *r;
	void *objs[RCU_TEST_FILL];
	unsigned int queued;
};

static void rcu_test_fill_fn(void *arg)
{
	struct rcu_test_fill *fl = arg;
	unsigned int i;

	for (i = 0; i < RCU_TEST_FILL; i++) {
		if (fl->objs[i] && !llpool_rcu_free(fl->r, fl->objs[i])) {
			fl->objs[i] = NULL;
			fl->queued++;
		}
	}
}

/* Defer RCU_TEST_FILL objects on @cpu; returns how many were taken. */
static unsigned int rcu_test_fill_on(struct llpool_rcu *r, unsigned int cpu)
{
	struct rcu_test_fill *fl = kzalloc(sizeof(*fl), GFP_KERNEL);
	unsigned int i, queued;

	if (!fl)
		return 0;
	fl->r = r;
	for (i = 0; i < RCU_TEST_FILL; i++)
		fl->objs[i] = kmalloc(64, GFP_KERNEL);
	smp_call_function_single(cpu, rcu_test_fill_fn, fl, 1);
	for (i = 0; i < RCU_TEST_FILL; i++)
		kfree(fl->objs[i]);	/* those it did not take */
	queued = fl->queued;
	kfree(fl);
	return queued;
}

/**
 * llpool_rcu_barrier_with_cpu_offline() - a barrier returns with a CPU down
 * @test: the test
 *
 * Proves that llpool_rcu_barrier() returns, within RCU_TEST_BARRIER_MS,
 * while a possible CPU is offline, and frees everything queued before it,
 * including what the offline CPU had queued.  The offline CPU is one that
 * never came up (maxcpus=, where a barrier that queues work on every
 * possible CPU waits forever: no worker ever runs there) or, when all are
 * up, one taken down here after it deferred objects.
 */
static void llpool_rcu_barrier_with_cpu_offline(struct kunit *test)
{
	unsigned int x = llpool_test_offline_cpu(), cpu, queued = 0;
	bool taken = x >= nr_cpu_ids;
	struct llpool_rcu *r;
	int ret;

	if (taken) {
		x = llpool_test_pick_cpu();
		if (x >= nr_cpu_ids)
			kunit_skip(test, "needs a second CPU that can go offline");
	}
	r = rcu_test_create(test, "kunit-rcu-off", 4, 16);
	if (taken) {
		queued += rcu_test_fill_on(r, x);
		ret = llpool_test_cpu_down(x);
		if (ret) {
			if (rcu_test_barrier_timed(test, r, "skip"))
				llpool_rcu_destroy(r);
			kunit_skip(test, "remove_cpu(%u): %d", x, ret);
		}
	}
	for_each_online_cpu(cpu)
		queued += rcu_test_fill_on(r, cpu);

	if (rcu_test_barrier_timed(test, r, "cpu offline")) {
		kunit_info(test, "cpu%u (%s): %u objects queued, %lld freed after the barrier",
			   x, taken ? "taken down" : "never up", queued,
			   rcu_test_stat(r, LLPOOL_RCU_FREED));
		KUNIT_EXPECT_GT(test, queued, 0U);
		KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_QUEUED), (s64)queued);
		KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_FREED), (s64)queued);
		KUNIT_EXPECT_EQ(test, rcu_test_stat(r, LLPOOL_RCU_PAGES), 0LL);
		llpool_rcu_destroy(r);
	}
	if (taken)
		KUNIT_EXPECT_EQ_MSG(test, llpool_test_cpu_up(x), 0, "add_cpu(%u)", x);
}

/* The queuer of llpool_rcu_concurrent_barriers(). */
#define RCU_TEST_QUEUE_MS	1000

struct rcu_test_queuer {
	struct llpool_rcu *r;
	atomic_long_t queued;
	struct completion done;
};

static int rcu_test_queuer_fn(void *arg)
{
	struct rcu_test_queuer *q = arg;
	unsigned long end = jiffies + msecs_to_jiffies(RCU_TEST_QUEUE_MS);
	unsigned int i;
	void *p;

	while (time_before(jiffies, end)) {
		for (i = 0; i < 64; i++) {
			p = kmalloc(64, GFP_KERNEL);
			if (!p)
				break;
			if (llpool_rcu_free(q->r, p))
				kfree(p);
			else
				atomic_long_inc(&q->queued);
		}
		usleep_range(500, 1000);
	}
	kthread_complete_and_exit(&q->done, 0);
}

/**
 * llpool_rcu_concurrent_barriers() - each concurrent caller gets a barrier
 * @test: the test
 *
 * Proves that two llpool_rcu_barrier() calls running at the same time,
 * while a third kthread keeps deferring objects for RCU_TEST_QUEUE_MS,
 * each return within their deadline (once the queuing stops) and each
 * frees everything queued before it started (FREED when it returns >=
 * QUEUED when it started); with a flag shared by the callers instead of a
 * count, the first to finish would switch the other's barrier off.  Then
 * everything queued is freed.
 */
static void llpool_rcu_concurrent_barriers(struct kunit *test)
{
	struct rcu_test_queuer *q = kzalloc(sizeof(*q), GFP_KERNEL);
	struct rcu_test_barrier *a, *b;
	struct task_struct *task;
	bool ok_a, ok_b;
	s64 queued;

	KUNIT_ASSERT_NOT_NULL(test, q);
	q->r = rcu_test_create(test, "kunit-rcu-cbar", 4, 16);
	init_completion(&q->done);
	task = kthread_run(rcu_test_queuer_fn, q, "rcu_test_queue");
	if (IS_ERR(task)) {
		llpool_rcu_destroy(q->r);
		kfree(q);
		KUNIT_FAIL(test, "queuer kthread: %ld", PTR_ERR(task));
		return;
	}
	/* Both barriers start while the queuer is at work. */
	llpool_wait_for(atomic_long_read(&q->queued) >= 256);
	a = rcu_test_barrier_start(test, q->r);
	b = rcu_test_barrier_start(test, q->r);
	ok_a = rcu_test_barrier_wait(test, a, RCU_TEST_QUEUE_MS + RCU_TEST_BARRIER_MS,
				     "barrier A");
	ok_b = rcu_test_barrier_wait(test, b, RCU_TEST_QUEUE_MS + RCU_TEST_BARRIER_MS,
				     "barrier B");
	if (!wait_for_completion_timeout(&q->done, msecs_to_jiffies(RCU_TEST_BARRIER_MS))) {
		KUNIT_FAIL(test, "the queuer did not stop");
		return;		/* leave it everything */
	}
	queued = atomic_long_read(&q->queued);
	kunit_info(test, "%lld objects queued; barrier A: %lld queued before, %lld freed after, %lu ms; barrier B: %lld, %lld, %lu ms",
		   queued, ok_a ? a->queued_before : -1LL, ok_a ? a->freed_after : -1LL,
		   ok_a ? a->ms : 0UL, ok_b ? b->queued_before : -1LL,
		   ok_b ? b->freed_after : -1LL, ok_b ? b->ms : 0UL);
	if (!ok_a || !ok_b)
		return;		/* a barrier hung: leave it the instance */
	kfree(a);
	kfree(b);
	KUNIT_EXPECT_GT(test, queued, 0LL);
	if (rcu_test_barrier_timed(test, q->r, "final barrier")) {
		KUNIT_EXPECT_EQ(test, rcu_test_stat(q->r, LLPOOL_RCU_QUEUED), queued);
		KUNIT_EXPECT_EQ(test, rcu_test_stat(q->r, LLPOOL_RCU_FREED), queued);
		KUNIT_EXPECT_EQ(test, rcu_test_stat(q->r, LLPOOL_RCU_PAGES), 0LL);
		llpool_rcu_destroy(q->r);
	}
	kfree(q);
}

static struct kunit_case llpool_rcu_cases[] = {
	KUNIT_CASE_SLOW(llpool_rcu_no_early_free),
	KUNIT_CASE(llpool_rcu_reader_pins_block),
	KUNIT_CASE(llpool_rcu_fallback_when_pool_empty),
	KUNIT_CASE(llpool_rcu_barrier_frees_all),
	KUNIT_CASE(llpool_rcu_frees_every_kind),
	KUNIT_CASE(llpool_rcu_timeout_submits),
	KUNIT_CASE(llpool_rcu_in_hardirq),
	KUNIT_CASE(llpool_rcu_rejects_bad_params),
	KUNIT_CASE(llpool_rcu_offline_adopts_block),
	KUNIT_CASE(llpool_rcu_barrier_with_cpu_offline),
	KUNIT_CASE_SLOW(llpool_rcu_concurrent_barriers),
	KUNIT_CASE_SLOW(llpool_rcu_no_early_free_under_hotplug),
	{}
};

LLPOOL_KUNIT_SUITE(llpool_rcu, NULL, NULL,
		   "rcu_pool_user, its RCU-style user");
