// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite llpool_concurrency (llpool_concurrency_kunit.ko): every CPU
 * allocating, frees on other CPUs, every page tracked by a stamp that
 * catches a page handed out twice (with a positive control).  Also a CPU's
 * refill work run off that CPU while it is offline, and re-entry into the
 * fast path from a kprobe and from real NMIs.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "../compat.h"
#include "../llpool_internal.h"
#include "../pool.h"
#include "llpool_test.h"

/*
 * One kthread per online CPU allocates pages, stamps each as handed out,
 * and passes it to the next CPU's thread, which checks the stamp, clears it
 * and frees the page there.  A page handed out twice finds its stamp
 * already set; a page lost leaves the pool's counters unbalanced.
 */
#define LLPOOL_CC_MS		2000
#define LLPOOL_CC_BURST		16

struct llpool_cc_thread {
	struct task_struct *task;
	struct llpool *pool;
	struct llist_head inbox;
	struct llpool_cc_thread *next;
	unsigned long allocs, frees, misses, doubles, bad_stamps;
	unsigned long deadline;
	bool done;
};

static void llpool_cc_drain(struct llpool_cc_thread *t)
{
	struct llist_node *node, *next;
	struct llpool_cc_page *p;

	llist_for_each_safe(node, next, llist_del_all(&t->inbox)) {
		p = container_of(node, struct llpool_cc_page, node);
		if (!llpool_unstamp(virt_to_page(p)))
			t->bad_stamps++;
		llpool_free(t->pool, virt_to_page(p));
		t->frees++;
	}
}

static int llpool_cc_fn(void *arg)
{
	struct llpool_cc_thread *t = arg;
	struct llpool_cc_page *p;
	struct page *page;
	unsigned int i;

	while (time_before(jiffies, t->deadline)) {
		for (i = 0; i < LLPOOL_CC_BURST; i++) {
			page = llpool_alloc(t->pool);
			if (!page) {
				t->misses++;
				continue;
			}
			t->allocs++;
			if (!llpool_stamp(page))
				t->doubles++;
			p = page_address(page);
			llist_add(&p->node, &t->next->inbox);
		}
		llpool_cc_drain(t);
		cond_resched();
	}
	return llpool_test_thread_done(&t->done);
}

/*
 * Positive control for the detector: the same page handed out twice is
 * caught by the second stamp, and freed twice by the second unstamp.  The
 * stamp sits past the llist_node, so the pool's own use of a free page's
 * first bytes cannot hide it; a handout clears nothing.
 */
static void llpool_stamp_catches_double_handout(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-stamp", 0, 2, 4);
	struct page *page = llpool_alloc(pool), *again;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE(test, llpool_stamp(page));
	KUNIT_EXPECT_FALSE_MSG(test, llpool_stamp(page),
			       "a second handout of a held page went unseen");
	KUNIT_EXPECT_TRUE(test, llpool_unstamp(page));
	KUNIT_EXPECT_FALSE_MSG(test, llpool_unstamp(page),
			       "a second free of the page went unseen");
	/* A stamp survives a trip through the pool: freed stamped, the page
	 * comes back stamped, as a page still held elsewhere would.
	 */
	KUNIT_EXPECT_TRUE(test, llpool_stamp(page));
	preempt_disable();	/* the reserve is per CPU and LIFO */
	llpool_free(pool, page);
	again = llpool_alloc(pool);
	preempt_enable();
	KUNIT_EXPECT_PTR_EQ(test, again, page);
	if (again == page) {
		KUNIT_EXPECT_FALSE_MSG(test, llpool_stamp(again),
				       "the pool hid the stamp of a page it took back");
		KUNIT_EXPECT_TRUE(test, llpool_unstamp(again));
	}
	if (again)
		llpool_free(pool, again);
	llpool_expect_balanced(test, pool);
	llpool_destroy(pool);
}

/*
 * A CPU's refill work runs on another CPU while that CPU is offline (the
 * workqueue unbinds it).  Such a run only drains and trims: it takes no
 * page from the page allocator (LLPOOL_REFILL_RUNS and LLPOOL_REFILLED stay
 * put), as the CPU's online callback is what refills it.  It must also
 * leave the CPU's reserve and its reentrancy guard alone: a guard left
 * unbalanced would make every later push on that CPU look nested, so once
 * back online the CPU would never be refilled and every free there would
 * spill.  Frees in an IPI on the CPU afterwards must push, not nest.
 */
static void llpool_hotplug_free_fn(void *arg)
{
	struct llpool *pool = arg;
	struct page *page = __llpool_alloc(pool);

	__llpool_free(pool, page);
}

static void llpool_refill_off_cpu_while_offline(struct kunit *test)
{
	const unsigned int high = 16;
	unsigned int cpu, i;
	struct llpool *pool;
	u64 nested, runs, refilled;
	int ret;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two CPUs");
	cpu = llpool_test_pick_cpu();
	if (cpu >= nr_cpu_ids)
		kunit_skip(test, "no CPU to take offline");
	pool = llpool_test_create(test, "kunit-offline", 0, 4, high);

	ret = remove_cpu(cpu);
	if (ret) {
		llpool_destroy(pool);
		kunit_skip(test, "remove_cpu(%u): %d", cpu, ret);
	}
	KUNIT_EXPECT_EQ_MSG(test, llpool_cpu_reserved(pool, cpu), 0U,
			    "offline cpu%u kept its pages", cpu);
	/* Off its CPU a run only drains and trims: nothing is allocated. */
	runs = llpool_test_counter(pool, LLPOOL_REFILL_RUNS);
	refilled = llpool_test_counter(pool, LLPOOL_REFILLED);
	for (i = 0; i < 3; i++)
		llpool_run_cpu_work(pool, cpu);
	KUNIT_EXPECT_EQ_MSG(test, llpool_test_counter(pool, LLPOOL_REFILL_RUNS), runs,
			    "a run off cpu%u took pages from the page allocator", cpu);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_REFILLED), refilled);
	KUNIT_EXPECT_EQ(test, llpool_cpu_reserved(pool, cpu), 0U);
	llpool_expect_balanced(test, pool);

	ret = add_cpu(cpu);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "add_cpu(%u)", cpu);
	KUNIT_EXPECT_TRUE_MSG(test,
			      llpool_wait_for(llpool_cpu_reserved(pool, cpu) == high),
			      "cpu%u not refilled once online: %u pages", cpu,
			      llpool_cpu_reserved(pool, cpu));
	nested = llpool_test_counter(pool, LLPOOL_NESTED);
	for (i = 0; i < 8; i++)
		smp_call_function_single(cpu, llpool_hotplug_free_fn, pool, 1);
	KUNIT_EXPECT_EQ_MSG(test, llpool_test_counter(pool, LLPOOL_NESTED), nested,
			    "frees on cpu%u found its guard taken", cpu);
	kunit_info(test, "cpu%u: %u pages after coming back, %llu refill runs",
		   cpu, llpool_cpu_reserved(pool, cpu),
		   llpool_test_counter(pool, LLPOOL_REFILL_RUNS));
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

static void llpool_concurrent_cross_cpu(struct kunit *test)
{
	struct llpool *pool = llpool_test_create(test, "kunit-cc", 0, 16, 64);
	unsigned int n = 0, i, cpu, ncpu = num_online_cpus();
	unsigned long allocs = 0, frees = 0, misses = 0;
	struct llpool_cc_thread *th;

	th = kunit_kcalloc(test, ncpu, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, th);
	KUNIT_ASSERT_GE_MSG(test, ncpu, 2U, "needs two CPUs");

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct llpool_cc_thread *t = &th[n++];

		t->pool = pool;
		init_llist_head(&t->inbox);
		t->next = &th[n % ncpu];
		t->deadline = jiffies + msecs_to_jiffies(LLPOOL_CC_MS);
		t->task = kthread_create_on_cpu(llpool_cc_fn, t, cpu, "llpool_cc/%u");
		if (IS_ERR(t->task)) {
			t->task = NULL;
			break;
		}
	}
	cpus_read_unlock();
	for (i = 0; i < n; i++)
		if (th[i].task)
			wake_up_process(th[i].task);
	for (i = 0; i < n; i++)
		while (th[i].task && !READ_ONCE(th[i].done))
			msleep(20);
	for (i = 0; i < n; i++)
		if (th[i].task)
			kthread_stop(th[i].task);
	/* Pages still in flight to a thread that had finished. */
	for (i = 0; i < n; i++)
		llpool_cc_drain(&th[i]);

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_NOT_NULL(test, th[i].task);
		KUNIT_EXPECT_EQ_MSG(test, th[i].doubles, 0UL, "thread %u", i);
		KUNIT_EXPECT_EQ_MSG(test, th[i].bad_stamps, 0UL, "thread %u", i);
		allocs += th[i].allocs;
		frees += th[i].frees;
		misses += th[i].misses;
	}
	kunit_info(test, "%u threads: %lu allocs, %lu frees, %lu misses",
		   n, allocs, frees, misses);
	KUNIT_EXPECT_GT(test, allocs, 0UL);
	KUNIT_EXPECT_EQ(test, allocs, frees);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_ALLOCS), (u64)allocs);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(pool, LLPOOL_FREES), (u64)frees);
	/* Let the workers settle, then every page must be accounted for. */
	llpool_expect_balanced_settled(test, pool);
	llpool_destroy(pool);
}

#ifdef CONFIG_KPROBES
/*
 * Re-entry: a kprobe on llpool_stack_xfer(), which runs inside the claimed
 * section of the worker's batches and of the fast path's magazine moves,
 * allocates and frees on the same pool from the probe's int3 context, as
 * an NMI would.  The test's bursts take its CPU below low, so refills
 * run.  The nested alloc must get a page (a depot magazine), the nested
 * free must spill (the stack is owned), and every page must stay
 * accounted for.
 */
static struct llpool *llpool_reentry_pool;
static atomic_t llpool_reentry_hits, llpool_reentry_pages;

static int llpool_reentry_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct llpool *pool = READ_ONCE(llpool_reentry_pool);
	struct page *page;

	if (!pool)
		return 0;
	atomic_inc(&llpool_reentry_hits);
	page = llpool_alloc(pool);
	if (page) {
		atomic_inc(&llpool_reentry_pages);
		memset(page_address(page), 0x3c, 64);
		llpool_free(pool, page);
	}
	return 0;
}

static void llpool_reentry_from_probe(struct kunit *test)
{
	struct kprobe kp = {
		.symbol_name = "llpool_stack_xfer",
		.pre_handler = llpool_reentry_pre,
	};
	struct llpool *pool = llpool_test_create(test, "kunit-reentry", 0, 8, 32);
	struct page *pages[28];
	struct llpool_stats st;
	unsigned int r, i;
	int ret;

	ret = register_kprobe(&kp);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "register_kprobe(llpool_stack_xfer)");
	atomic_set(&llpool_reentry_hits, 0);
	atomic_set(&llpool_reentry_pages, 0);
	WRITE_ONCE(llpool_reentry_pool, pool);
	for (r = 0; r < 200; r++) {
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			pages[i] = llpool_alloc(pool);
		for (i = 0; i < ARRAY_SIZE(pages); i++)
			llpool_free(pool, pages[i]);
		usleep_range(1000, 2000);	/* the worker's turn */
	}
	WRITE_ONCE(llpool_reentry_pool, NULL);
	unregister_kprobe(&kp);

	llpool_wait_for(!llpool_test_spilled(pool));
	llpool_get_stats(pool, &st);
	kunit_info(test, "probe hits %d, nested pages %d, nested frees %llu, spilled %llu",
		   atomic_read(&llpool_reentry_hits), atomic_read(&llpool_reentry_pages),
		   st.counter[LLPOOL_NESTED], st.counter[LLPOOL_SPILLED]);
	KUNIT_EXPECT_GT(test, atomic_read(&llpool_reentry_hits), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&llpool_reentry_pages), 0);
	KUNIT_EXPECT_GT(test, st.counter[LLPOOL_NESTED], 0ULL);
	KUNIT_EXPECT_EQ(test, st.counter[LLPOOL_ALLOCS], st.counter[LLPOOL_FREES]);
	llpool_expect_balanced(test, pool);
	llpool_destroy(pool);
}
#endif

#ifdef LLPOOL_HAVE_TEST_NMI
/*
 * Re-entry from real NMIs.  A kthread on one CPU allocates and frees in a
 * loop, stamping each page it holds; this test sends NMIs to that CPU, one
 * at a time, and the NMI handler allocates, stamps and frees on the same
 * pool.  An NMI lands wherever the thread is, sometimes inside the inline
 * fast path's claimed section (then it goes to the depot or the spill
 * list: NESTED, reported; llpool_reentry_inside_fast_path() reaches that
 * section at every instruction).  A page handed out twice finds its stamp
 * set; a lost or duplicated page unbalances the pool.
 */
#define LLPOOL_NMI_SENDS	2000
#define LLPOOL_NMI_WAIT_US	100000
#define LLPOOL_NMI_GAP_US	50

struct llpool_nmi_state {
	struct llpool *pool;
	unsigned int cpu;		/* the only CPU whose NMIs are ours */
	atomic_t pending;		/* sent, not yet handled (0 or 1) */
	atomic_t handled;
	/* Written by the NMI handler only, read after it is unregistered. */
	unsigned int pages, doubles;
	/* The kthread's. */
	unsigned long loops, held_doubles;
	bool stop, done;
};

static struct llpool_nmi_state *llpool_nmi;

static int llpool_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct llpool_nmi_state *n = READ_ONCE(llpool_nmi);
	struct page *page;

	if (!n || smp_processor_id() != n->cpu ||
	    atomic_dec_if_positive(&n->pending) < 0)
		return NMI_DONE;
	page = llpool_alloc(n->pool);
	if (page) {
		n->pages++;
		if (!llpool_stamp(page))
			n->doubles++;
		llpool_unstamp(page);
		llpool_free(n->pool, page);
	}
	atomic_inc_return_release(&n->handled);
	return NMI_HANDLED;
}

static int llpool_nmi_target_fn(void *arg)
{
	struct llpool_nmi_state *n = arg;
	struct page *pages[LLPOOL_CC_BURST];
	unsigned int i;

	while (!READ_ONCE(n->stop)) {
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			pages[i] = llpool_alloc(n->pool);
			if (pages[i] && !llpool_stamp(pages[i]))
				n->held_doubles++;
		}
		for (i = 0; i < ARRAY_SIZE(pages); i++) {
			if (!pages[i])
				continue;
			if (!llpool_unstamp(pages[i]))
				n->held_doubles++;
			llpool_free(n->pool, pages[i]);
		}
		n->loops++;
		cond_resched();
	}
	return llpool_test_thread_done(&n->done);
}

static void llpool_reentry_from_nmi(struct kunit *test)
{
	struct llpool_nmi_state *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	unsigned int sent, lost = 0, i;
	struct task_struct *task;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, n);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	n->pool = llpool_test_create(test, "kunit-nmi", 0, 8, 32);
	/* The sender stays off the target CPU, so the NMIs hit the thread. */
	migrate_disable();
	n->cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());
	task = kthread_create_on_cpu(llpool_nmi_target_fn, n, n->cpu, "llpool_nmi/%u");
	ret = IS_ERR(task) ? PTR_ERR(task) :
	      register_nmi_handler(NMI_LOCAL, llpool_nmi_handler, 0, "llpool_kunit");
	if (ret) {
		/* No assertion here: it would leave migration disabled. */
		migrate_enable();
		if (!IS_ERR(task))
			kthread_stop(task);
		llpool_destroy(n->pool);
		KUNIT_FAIL(test, "target thread or NMI handler: %d", ret);
		return;
	}
	WRITE_ONCE(llpool_nmi, n);
	wake_up_process(task);
	for (i = 0; i < LLPOOL_NMI_WAIT_US && !READ_ONCE(n->loops); i++)
		udelay(1);	/* until the thread is looping */

	for (sent = 0; sent < LLPOOL_NMI_SENDS; sent++) {
		unsigned int before = atomic_read(&n->handled);

		atomic_set(&n->pending, 1);
		llpool_test_send_nmi(n->cpu);
		for (i = 0; i < LLPOOL_NMI_WAIT_US; i++) {
			if (atomic_read_acquire(&n->handled) != before)
				break;
			udelay(1);
		}
		if (i == LLPOOL_NMI_WAIT_US)
			lost++;
		/*
		 * Let the thread run before the next NMI, for a varying
		 * while: an NMI sent at once is latched during the last one's
		 * exit and taken right after its iret, and the thread starves
		 * (seen on 6.1: one loop in 2000 NMIs).
		 */
		udelay(LLPOOL_NMI_GAP_US + get_random_u32_below(LLPOOL_NMI_GAP_US));
		cond_resched();
	}
	migrate_enable();
	atomic_set(&n->pending, 0);
	WRITE_ONCE(n->stop, true);
	while (!READ_ONCE(n->done))
		msleep(20);
	kthread_stop(task);
	WRITE_ONCE(llpool_nmi, NULL);
	unregister_nmi_handler(NMI_LOCAL, "llpool_kunit");	/* waits for handlers */

	llpool_wait_for(!llpool_test_spilled(n->pool));
	kunit_info(test, "CPU %u: %u NMIs sent, %d handled, %u lost, %llu nested in a claimed stack, %u pages in NMI, %lu thread loops",
		   n->cpu, sent, atomic_read(&n->handled), lost,
		   llpool_test_counter(n->pool, LLPOOL_NESTED),
		   n->pages, n->loops);
	KUNIT_EXPECT_EQ(test, lost, 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&n->handled), (int)sent);
	KUNIT_EXPECT_GT(test, n->pages, 0U);
	KUNIT_EXPECT_GT(test, n->loops, 0UL);
	KUNIT_EXPECT_EQ_MSG(test, n->doubles, 0U, "NMI got a page the thread held");
	KUNIT_EXPECT_EQ(test, n->held_doubles, 0UL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(n->pool, LLPOOL_ALLOCS),
			llpool_test_counter(n->pool, LLPOOL_FREES));
	llpool_expect_balanced(test, n->pool);
	llpool_destroy(n->pool);
}

/*
 * The NMI storm: a thread on every other online CPU owns that CPU's stack
 * as users do (bursts of up to LLPOOL_STORM_HOLD pages with IRQs off,
 * stamped, freed on the same CPU), while this CPU sends NMIs to all of
 * them back to back for LLPOOL_STORM_MS, as fast as it can with a short
 * random gap.  Each NMI allocates, stamps and frees a page on the same
 * pool; landing inside an owner's claimed section (more often than not in
 * the worker's batches or the slow path, which are longer than the inline
 * section), it must be served from a depot magazine.  The reserve holds
 * @high = 64 pages a CPU against at most 5 held, so an NMI may get NULL
 * only if this CPU's reserve is empty; nested frees go back into the
 * depot, so NMIs that allocate and free do not drain it.
 */
#define LLPOOL_STORM_MS		2000
#define LLPOOL_STORM_HOLD	5
#define LLPOOL_STORM_LOW	16
#define LLPOOL_STORM_HIGH	64
#define LLPOOL_STORM_GAP_US	20

/* One target CPU; its NMI counts are written by its NMI handler only. */
struct llpool_storm_cpu {
	struct task_struct *task;
	unsigned long nmis, allocs, nulls_held, nulls_empty, doubles;
	/* The owner thread's. */
	unsigned long loops, bad;
	bool done;
};

struct llpool_storm {
	struct llpool *pool;
	struct cpumask targets;
	bool stop;
	struct llpool_storm_cpu *cpu;	/* indexed by CPU id */
};

static struct llpool_storm *llpool_storm;

static int llpool_storm_nmi(unsigned int type, struct pt_regs *regs)
{
	struct llpool_storm *st = READ_ONCE(llpool_storm);
	unsigned int cpu = smp_processor_id();
	struct llpool_storm_cpu *s;
	struct page *page;

	/* No other NMI source runs in the test guest while the storm is on. */
	if (!st || !cpumask_test_cpu(cpu, &st->targets))
		return NMI_DONE;
	s = &st->cpu[cpu];
	s->nmis++;
	page = llpool_alloc(st->pool);
	if (!page) {
		/* Read after the miss: a stack that held pages then had them. */
		if (llpool_cpu_reserved(st->pool, cpu))
			s->nulls_held++;
		else
			s->nulls_empty++;
		return NMI_HANDLED;
	}
	s->allocs++;
	if (!llpool_stamp(page))
		s->doubles++;
	llpool_unstamp(page);
	llpool_free(st->pool, page);
	return NMI_HANDLED;
}

static int llpool_storm_owner_fn(void *arg)
{
	struct llpool_storm *st = READ_ONCE(llpool_storm);
	struct llpool_storm_cpu *s = arg;
	struct page *pages[LLPOOL_STORM_HOLD];
	unsigned long flags;
	unsigned int i, n;

	while (!READ_ONCE(st->stop)) {
		n = 1 + get_random_u32_below(LLPOOL_STORM_HOLD);
		local_irq_save(flags);
		for (i = 0; i < n; i++) {
			pages[i] = llpool_alloc(st->pool);
			if (pages[i] && !llpool_stamp(pages[i]))
				s->bad++;
		}
		for (i = 0; i < n; i++) {
			if (!pages[i])
				continue;
			if (!llpool_unstamp(pages[i]))
				s->bad++;
			llpool_free(st->pool, pages[i]);
		}
		local_irq_restore(flags);
		s->loops++;
		cond_resched();
	}
	return llpool_test_thread_done(&s->done);
}

/**
 * llpool_nmi_storm_no_null_while_reserved() - NMIs on busy owners get pages
 * @test: the test
 *
 * Proves that an NMI landing on a CPU whose stack is in use gets a page
 * whenever that CPU's reserve holds pages, with owners busy on every CPU
 * and NMIs as fast as TCG delivers them: no NMI allocation returns NULL
 * while its CPU's reserve is not empty, no page is handed out twice, the
 * books balance.  Also requires that NMIs did land in claimed sections
 * (LLPOOL_NESTED), or the test would prove nothing.  Failed before nested
 * frees went back into the depot: nested pairs drained it (their frees
 * spilled), and NMIs got NULL with 60 pages on their CPU's stack.
 */
static void llpool_nmi_storm_no_null_while_reserved(struct kunit *test)
{
	struct llpool_storm *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	unsigned long nmis = 0, allocs = 0, held = 0, empty = 0, doubles = 0;
	unsigned long loops = 0, bad = 0, sends = 0, end;
	unsigned int cpu, self, i;
	bool registered;
	u64 nested;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, st);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	st->cpu = kunit_kcalloc(test, nr_cpu_ids, sizeof(*st->cpu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->cpu);
	st->pool = llpool_test_create(test, "kunit-nmi-storm", 0,
				      LLPOOL_STORM_LOW, LLPOOL_STORM_HIGH);
	nested = llpool_test_counter(st->pool, LLPOOL_NESTED);

	cpus_read_lock();
	migrate_disable();
	self = smp_processor_id();
	cpumask_andnot(&st->targets, cpu_online_mask, cpumask_of(self));
	WRITE_ONCE(llpool_storm, st);
	ret = register_nmi_handler(NMI_LOCAL, llpool_storm_nmi, 0, "llpool_storm");
	registered = !ret;
	for_each_cpu(cpu, &st->targets) {
		struct task_struct *t;

		if (ret)
			break;
		t = kthread_create_on_cpu(llpool_storm_owner_fn, &st->cpu[cpu],
					  cpu, "llpool_storm/%u");
		if (IS_ERR(t))
			ret = PTR_ERR(t);
		else
			st->cpu[cpu].task = t;
	}
	for_each_cpu(cpu, &st->targets)
		if (!ret)
			wake_up_process(st->cpu[cpu].task);

	end = jiffies + msecs_to_jiffies(LLPOOL_STORM_MS);
	while (!ret && time_before(jiffies, end)) {
		for_each_cpu(cpu, &st->targets)
			llpool_test_send_nmi(cpu);
		sends++;
		udelay(get_random_u32_below(LLPOOL_STORM_GAP_US));
		cond_resched();
	}
	WRITE_ONCE(st->stop, true);
	for_each_cpu(cpu, &st->targets) {
		struct llpool_storm_cpu *s = &st->cpu[cpu];

		if (!s->task)
			continue;
		for (i = 0; i < 500 && !READ_ONCE(s->done); i++)
			msleep(20);
		kthread_stop(s->task);
	}
	migrate_enable();
	WRITE_ONCE(llpool_storm, NULL);
	if (registered)
		unregister_nmi_handler(NMI_LOCAL, "llpool_storm"); /* waits for handlers */
	cpus_read_unlock();
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "NMI handler or owner threads: %d", ret);

	/*
	 * One line of report: 6.1 keeps 512 bytes of a case's log, and a
	 * longer one loses the case's own "ok" line.  Per CPU, only failures.
	 */
	for_each_cpu(cpu, &st->targets) {
		struct llpool_storm_cpu *s = &st->cpu[cpu];

		KUNIT_EXPECT_GT_MSG(test, s->nmis, 0UL, "cpu%u had no NMI", cpu);
		KUNIT_EXPECT_GT_MSG(test, s->loops, 0UL, "cpu%u's owner starved", cpu);
		KUNIT_EXPECT_EQ_MSG(test, s->nulls_held, 0UL,
				    "cpu%u: %lu of %lu NMIs got NULL with pages reserved",
				    cpu, s->nulls_held, s->nmis);
		nmis += s->nmis;
		allocs += s->allocs;
		held += s->nulls_held;
		empty += s->nulls_empty;
		doubles += s->doubles;
		loops += s->loops;
		bad += s->bad;
	}
	nested = llpool_test_counter(st->pool, LLPOOL_NESTED) - nested;
	kunit_info(test, "%lu rounds from cpu%u: %lu NMIs, %lu pages, %llu nested, NULL %lu reserved / %lu empty, %lu owner loops",
		   sends, self, nmis, allocs, nested, held, empty, loops);
	KUNIT_EXPECT_GT_MSG(test, nested, 0ULL,
			    "no NMI landed in a claimed section: nothing proved");
	KUNIT_EXPECT_EQ_MSG(test, held, 0UL,
			    "NMIs got NULL while their CPU's reserve held pages");
	KUNIT_EXPECT_EQ(test, doubles, 0UL);
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, llpool_test_counter(st->pool, LLPOOL_ALLOCS),
			llpool_test_counter(st->pool, LLPOOL_FREES));
	llpool_expect_balanced_settled(test, st->pool);
	llpool_destroy(st->pool);
}
#endif

static struct kunit_case llpool_concurrency_cases[] = {
	KUNIT_CASE(llpool_stamp_catches_double_handout),
	KUNIT_CASE(llpool_refill_off_cpu_while_offline),
	KUNIT_CASE_SLOW(llpool_concurrent_cross_cpu),
#ifdef CONFIG_KPROBES
	KUNIT_CASE_SLOW(llpool_reentry_from_probe),
#endif
#ifdef LLPOOL_HAVE_TEST_NMI
	KUNIT_CASE_SLOW(llpool_reentry_from_nmi),
	KUNIT_CASE_SLOW(llpool_nmi_storm_no_null_while_reserved),
#endif
	{}
};

LLPOOL_KUNIT_SUITE(llpool_concurrency, NULL, NULL,
		   "concurrency and re-entry");
MODULE_IMPORT_NS(LLPOOL_INTERNAL_NS);
