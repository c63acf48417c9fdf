/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixtures shared by llpool's KUnit suites: pool creation, waiting for the
 * worker, the pool's books, and the page stamp that catches a page handed
 * out twice.
 */
#ifndef _LLPOOL_KUNIT_TEST_H
#define _LLPOOL_KUNIT_TEST_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/llist.h>
#include <linux/mm.h>

#include "../pool.h"

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

/* Poll @cond every 20 ms for up to LLPOOL_TEST_WAIT_MS; true if it held. */
#define llpool_wait_for(cond)						\
({									\
	unsigned long __end = jiffies + msecs_to_jiffies(LLPOOL_TEST_WAIT_MS); \
	bool __ok;							\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		msleep(20);						\
	__ok;								\
})

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

/* REFILLED - TRIMMED == reserved + spilled + (ALLOCS - FREES), quiescent. */
static inline void llpool_expect_balanced(struct kunit *test,
					  struct llpool *pool)
{
	struct llpool_stats st;
	s64 owned, where;

	llpool_get_stats(pool, &st);
	owned = st.counter[LLPOOL_REFILLED] - st.counter[LLPOOL_TRIMMED];
	where = st.reserved + st.spilled +
		(s64)(st.counter[LLPOOL_ALLOCS] - st.counter[LLPOOL_FREES]);
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

#endif /* _LLPOOL_KUNIT_TEST_H */
