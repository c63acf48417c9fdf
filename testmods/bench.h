/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What llpool_bench's files share: the contenders (bench.c) and the page
 * allocator hammer (bench.c), used by the by-context section (bench_ctx.c).
 */
#ifndef _LLPOOL_BENCH_H
#define _LLPOOL_BENCH_H

#include <linux/cpumask.h>
#include <linux/mm_types.h>

/**
 * struct bench_contender - one way to get a page and give it back
 * @name: the column and CSV name
 * @init: sets it up, or returns an error (then it is left out)
 * @exit: undoes @init
 * @alloc: one order-0 page or NULL
 * @free: gives back a page @alloc returned
 * @buddy: pages come from the page allocator and may be freed there
 * @any_context: legal in every context, NMI and hardirq on PREEMPT_RT too
 * @ok: @init succeeded
 */
struct bench_contender {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	struct page *(*alloc)(void);
	void (*free)(struct page *page);
	bool buddy;
	bool any_context;
	bool ok;
};

struct bench_contender *bench_find(const char *name);

int bench_hammer_start(const struct cpumask *cpus);
void bench_hammer_stop(void);
struct task_struct *bench_hammer_on(unsigned int cpu);

void bench_ctx(unsigned int events);

#endif /* _LLPOOL_BENCH_H */
