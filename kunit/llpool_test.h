/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures shared by llpool's KUnit suites: each module's one suite, pool
 * creation, waiting for the worker, the pool's books, the page stamp that
 * catches a page handed out twice, running a test's work in hardirq, and
 * CPU hotplug (picking a CPU, bringing it back, a kthread that takes a CPU
 * offline and online in a loop).
 */
#ifndef _LLPOOL_KUNIT_TEST_H
#define _LLPOOL_KUNIT_TEST_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "../compat.h"
#include "../pool.h"

/* ==== The suite ========================================================= */

/*
 * Each kunit/ file is a module with one suite, named for what it proves
 * (the layout of mm/kfence/kfence_test.c).  LLPOOL_KUNIT_SUITE() ends the
 * file: it declares @_name's suite from the cases in @_name##_cases,
 * registers it and describes the module, so that no file can register a
 * second suite unnoticed and every suite module imports the API the same
 * way.  A suite that also calls the LLPOOL_INTERNAL hooks imports that
 * namespace itself.
 */
#define LLPOOL_KUNIT_SUITE(_name, _init, _exit, _what)			\
	static struct kunit_suite _name##_suite = {			\
		.name = #_name,						\
		.init = _init,						\
		.exit = _exit,						\
		.test_cases = _name##_cases,				\
	};								\
	kunit_test_suite(_name##_suite);				\
	MODULE_DESCRIPTION("KUnit suite for llpool: " _what);		\
	MODULE_IMPORT_NS(LLPOOL_NS);					\
	MODULE_LICENSE("GPL")

/* How long the worker gets to refill or trim before a test gives up. */
#define LLPOOL_TEST_WAIT_MS	5000

static inline struct llpool *llpool_test_create(struct kunit *test,
						const char *name,
						unsigned int order,
						unsigned int low,
						unsigned int high)
{
	struct llpool_params p = {
		.name = name, .order = order, .low = low, .high = high,
	};
	struct llpool *pool = llpool_create(&p);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(pool), "llpool_create(%s): %d",
			       name, PTR_ERR_OR_ZERO(pool));
	return pool;
}

/* Poll @cond every 20 ms for up to @ms milliseconds; true if it held. */
#define llpool_wait_for_ms(cond, ms)					\
({									\
	unsigned long __end = jiffies + msecs_to_jiffies(ms);		\
	bool __ok;							\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		msleep(20);						\
	__ok;								\
})

/* Poll @cond every 20 ms for up to LLPOOL_TEST_WAIT_MS; true if it held. */
#define llpool_wait_for(cond)	llpool_wait_for_ms(cond, LLPOOL_TEST_WAIT_MS)

static inline u64 llpool_test_counter(struct llpool *pool,
				      enum llpool_counter i)
{
	struct llpool_stats st;

	llpool_get_stats(pool, &st);
	return st.counter[i];
}

static inline unsigned long llpool_test_spilled(struct llpool *pool)
{
	struct llpool_stats st;

	llpool_get_stats(pool, &st);
	return st.spilled;
}

/*
 * Pages the pool owns: taken from the page allocator and not given back
 * (REFILLED - TRIMMED).  Any context.
 */
static inline s64 llpool_test_owned(struct llpool *pool)
{
	struct llpool_stats st;

	llpool_get_stats(pool, &st);
	return (s64)(st.counter[LLPOOL_REFILLED] - st.counter[LLPOOL_TRIMMED]);
}

/*
 * REFILLED - TRIMMED == reserved + spilled + (ALLOCS - FREES), quiescent.
 * A pool is never quite still: its reaper may have a worker trimming an
 * idle CPU, whose popped pages are counted as trimmed a moment later.  So
 * the books get a second to close, twice in a row 20 ms apart: a lag that
 * goes the other way (a refill's pages pushed before they are counted)
 * must not cancel a real loss in one lucky read.
 */
static inline void llpool_expect_balanced(struct kunit *test,
					  struct llpool *pool)
{
	unsigned int tries = 0, closed = 0;
	struct llpool_stats st;
	s64 owned, where;

	do {
		if (tries++)
			msleep(20);
		llpool_get_stats(pool, &st);
		owned = st.counter[LLPOOL_REFILLED] - st.counter[LLPOOL_TRIMMED];
		where = st.reserved + st.spilled +
			(s64)(st.counter[LLPOOL_ALLOCS] - st.counter[LLPOOL_FREES]);
		closed = owned == where ? closed + 1 : 0;
	} while (closed < 2 && tries < 50);
	KUNIT_EXPECT_EQ_MSG(test, owned, where,
			    "pages owned vs accounted: reserved %lu spilled %lu allocs %llu frees %llu",
			    st.reserved, st.spilled, st.counter[LLPOOL_ALLOCS],
			    st.counter[LLPOOL_FREES]);
}

/* The same, once the workers have drained the spill lists. */
static inline void llpool_expect_balanced_settled(struct kunit *test,
						  struct llpool *pool)
{
	llpool_wait_for(!llpool_test_spilled(pool));
	llpool_expect_balanced(test, pool);
}

/* The page stamp: a page handed out carries it past its first bytes. */
#define LLPOOL_CC_MAGIC		0x6c6c706f6f6c2121ULL	/* "llpool!!" */

struct llpool_cc_page {
	struct llist_node node;	/* on a consumer's inbox while in flight */
	u64 pad[7];
	u64 stamp;		/* LLPOOL_CC_MAGIC while handed out */
};

/*
 * The double-handout detector.  Whoever gets a page from the pool stamps
 * it; whoever frees it unstamps it first.  A page the pool hands out while
 * someone holds it is already stamped, and a page freed unstamped was not
 * handed out (or was freed twice).  xchg() because the two holders of a
 * doubly handed-out page may stamp it at the same time on two CPUs.
 */
static inline bool llpool_stamp(struct page *page)
{
	struct llpool_cc_page *p = page_address(page);

	return xchg(&p->stamp, LLPOOL_CC_MAGIC) != LLPOOL_CC_MAGIC;
}

static inline bool llpool_unstamp(struct page *page)
{
	struct llpool_cc_page *p = page_address(page);

	return xchg(&p->stamp, 0) == LLPOOL_CC_MAGIC;
}

/*
 * The end of a test kthread: say it is done, then wait for kthread_stop(),
 * which the test calls once it has seen @done (a thread that returned
 * first would leave kthread_stop() a task that may be gone).  Returns 0,
 * for the thread function to return.
 */
static inline int llpool_test_thread_done(bool *done)
{
	WRITE_ONCE(*done, true);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* ==== Calling contexts ================================================== */

/* Pages a context test allocates, then frees, in one burst. */
#define LLPOOL_CTX_PAGES	24

/* How long a test waits for its work to run in hardirq: a bound, not a
 * timing; under TCG with lockdep a burst of bursts takes seconds.
 */
#define LLPOOL_TEST_HARDIRQ_WAIT	(30 * HZ)

struct llpool_test_hardirq {
	struct hrtimer hrt;
	void (*fn)(void *arg);
	void *arg;
	bool in_hardirq;
	struct completion done;
};

static inline enum hrtimer_restart llpool_test_hardirq_fn(struct hrtimer *hrt)
{
	struct llpool_test_hardirq *h =
		container_of(hrt, struct llpool_test_hardirq, hrt);

	h->in_hardirq = in_hardirq();
	h->fn(h->arg);
	complete(&h->done);
	return HRTIMER_NORESTART;
}

/*
 * Run @fn(@arg) once in hardirq context and wait until it has returned.
 * An hrtimer in HARD mode expires in hardirq, also on PREEMPT_RT, where a
 * plain timer or an irq_work would run in a thread.  The test fails if
 * @fn did not run, or ran anywhere but in hardirq.
 */
static inline void llpool_test_in_hardirq(struct kunit *test,
					  void (*fn)(void *arg), void *arg)
{
	struct llpool_test_hardirq h = { .fn = fn, .arg = arg };

	init_completion(&h.done);
	llpool_hrtimer_setup_on_stack(&h.hrt, llpool_test_hardirq_fn, CLOCK_MONOTONIC,
				      HRTIMER_MODE_REL_HARD);
	hrtimer_start(&h.hrt, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE_MSG(test,
			      wait_for_completion_timeout(&h.done,
							  LLPOOL_TEST_HARDIRQ_WAIT),
			      "the hrtimer did not run its work");
	/* Also waits for a callback still running after a timeout. */
	hrtimer_cancel(&h.hrt);
	destroy_hrtimer_on_stack(&h.hrt);
	KUNIT_EXPECT_TRUE(test, h.in_hardirq);
}

/* ==== CPU hotplug ======================================================= */

/*
 * A CPU a hotplug test may take offline: online, not CPU 0 (x86 cannot
 * offline it) nor the first online CPU, and preferably not the caller's.
 * Returns nr_cpu_ids when there is none: the test skips.
 */
static inline unsigned int llpool_test_pick_cpu(void)
{
	unsigned int cpu, self = raw_smp_processor_id();
	unsigned int pick = nr_cpu_ids, fallback = nr_cpu_ids;

	for_each_online_cpu(cpu) {
		if (!cpu || cpu == cpumask_first(cpu_online_mask))
			continue;
		if (cpu == self)
			fallback = cpu;
		else
			pick = cpu;
	}
	return pick < nr_cpu_ids ? pick : fallback;
}

/*
 * A possible CPU that is not online (maxcpus=, hot-add slots) and can be
 * brought up, or nr_cpu_ids.
 */
static inline unsigned int llpool_test_offline_cpu(void)
{
	unsigned int cpu;

	for_each_present_cpu(cpu)
		if (!cpu_online(cpu))
			return cpu;
	return nr_cpu_ids;
}

/*
 * Bring @cpu (back) online.  add_cpu() can fail transiently (-EBUSY while
 * another hotplug operation is in flight), so it is retried for a while.
 * Returns 0 or add_cpu()'s last error.
 */
static inline int llpool_test_cpu_up(unsigned int cpu)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 50 && !cpu_online(cpu); i++) {
		ret = add_cpu(cpu);
		if (!ret || cpu_online(cpu))
			return 0;
		msleep(20);
	}
	return cpu_online(cpu) ? 0 : ret;
}

/*
 * Take @cpu offline; returns remove_cpu()'s result (-EPERM without
 * CONFIG_HOTPLUG_CPU).  The caller skips the test on an error, after its
 * own cleanup: kunit_skip() does not return.
 */
static inline int llpool_test_cpu_down(unsigned int cpu)
{
	return remove_cpu(cpu);
}

/*
 * A CPU that has just been taken offline and brought back once, for a test
 * that takes it down again: skips the test when there is none or it will
 * not go down, fails it when it does not come back.
 */
static inline unsigned int llpool_test_cycled_cpu(struct kunit *test)
{
	unsigned int x = llpool_test_pick_cpu();
	int ret;

	if (x >= nr_cpu_ids)
		kunit_skip(test, "needs a second CPU that can go offline");
	ret = llpool_test_cpu_down(x);
	if (ret)
		kunit_skip(test, "remove_cpu(%u): %d", x, ret);
	ret = llpool_test_cpu_up(x);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "add_cpu(%u)", x);
	return x;
}

/**
 * struct llpool_test_flip - a kthread that takes a CPU offline and online
 * @cpu: the CPU.
 * @ms: for how long to keep flipping it.
 * @down: called by the kthread right after each successful remove_cpu(),
 *	with the CPU dead and hotplug not held; may be NULL.
 * @arg: for @down.
 * @cycles: offline/online cycles completed.
 * @err: the first remove_cpu() or add_cpu() failure, 0 if none.
 * @finished: completed by the kthread when it is done, with @cpu online
 *	again (unless @err says add_cpu() failed).
 *
 * Allocated with kzalloc() by llpool_test_flip_start(): if the kthread hangs
 * in hotplug, llpool_test_flip_wait() fails the test and leaves it (and
 * this struct) behind instead of hanging the test too.
 */
struct llpool_test_flip {
	unsigned int cpu;
	unsigned int ms;
	void (*down)(struct llpool_test_flip *f);
	void *arg;
	unsigned int cycles;
	int err;
	struct completion finished;
};

static inline int llpool_test_flip_fn(void *arg)
{
	struct llpool_test_flip *f = arg;
	unsigned long end = jiffies + msecs_to_jiffies(f->ms);
	int ret;

	while (time_before(jiffies, end)) {
		ret = remove_cpu(f->cpu);
		if (ret) {
			f->err = ret;
			break;
		}
		if (f->down)
			f->down(f);
		/* Vary how long it stays down and up: 1..10 ms each. */
		msleep(1 + get_random_u32_below(10));
		ret = llpool_test_cpu_up(f->cpu);
		if (ret) {
			f->err = ret;
			break;
		}
		f->cycles++;
		msleep(1 + get_random_u32_below(10));
	}
	if (!f->err && llpool_test_cpu_up(f->cpu))
		f->err = -EIO;
	/* The completion is the last thing the kthread touches in @f. */
	kthread_complete_and_exit(&f->finished, 0);
}

/*
 * Start flipping @cpu for @ms milliseconds, calling @down(@f) after each
 * offline.  Returns NULL (and fails the test) if the kthread cannot start.
 */
static inline struct llpool_test_flip *
llpool_test_flip_start(struct kunit *test, unsigned int cpu, unsigned int ms,
		       void (*down)(struct llpool_test_flip *f), void *arg)
{
	struct llpool_test_flip *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct task_struct *task;

	if (!f) {
		KUNIT_FAIL(test, "no memory for the hotplug kthread");
		return NULL;
	}
	f->cpu = cpu;
	f->ms = ms;
	f->down = down;
	f->arg = arg;
	init_completion(&f->finished);
	task = kthread_run(llpool_test_flip_fn, f, "llpool_flip/%u", cpu);
	if (IS_ERR(task)) {
		KUNIT_FAIL(test, "hotplug kthread: %ld", PTR_ERR(task));
		kfree(f);
		return NULL;
	}
	return f;
}

/*
 * Wait for the flipper, at most @f->ms + 60 s (one hotplug operation takes
 * well under a second even under TCG).  On success fills in @cycles and
 * returns the flipper's error (0: @cpu is online again); on a timeout
 * fails the test, leaves @f to the stuck kthread and returns -ETIMEDOUT.
 */
static inline int llpool_test_flip_wait(struct kunit *test,
					struct llpool_test_flip *f,
					unsigned int *cycles)
{
	unsigned long timeout = msecs_to_jiffies(f->ms + 60000);
	int err;

	if (!wait_for_completion_timeout(&f->finished, timeout)) {
		KUNIT_FAIL(test, "cpu%u: hotplug kthread still running %u ms after its end",
			   f->cpu, 60000);
		return -ETIMEDOUT;
	}
	*cycles = f->cycles;
	err = f->err;
	kfree(f);
	return err;
}

#endif /* _LLPOOL_KUNIT_TEST_H */
