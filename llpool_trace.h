/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llpool's tracepoints: the slow paths only (refill, trim, spill drain,
 * steal, miss), so that perf, ftrace and bpftrace users see where a pool's
 * time and pages go without a cost on the fast path's common case.  Events
 * appear under events/llpool/ in tracefs.  Included by pool.c only,
 * after the definition of struct llpool.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM llpool

#if !defined(_LLPOOL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LLPOOL_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>

/* The pool's name, copied: a pool may be gone when the event is read. */
#define LLPOOL_TP_NAME		__array(char, name, LLPOOL_NAME_MAX + 1)
#define LLPOOL_TP_NAME_SET(pool) strscpy(__entry->name, (pool)->name, \
					 sizeof(__entry->name))

/**
 * llpool_refill - a worker run took pages from the page allocator
 * @pool: the pool
 * @cpu: the CPU whose reserve was filled
 * @taken: pages taken from the page allocator in this run
 * @level: pages the CPU holds afterwards (stack and spill list)
 * @failed: an allocation failed; the worker backs off
 */
TRACE_EVENT(llpool_refill,
	    TP_PROTO(const struct llpool *pool, unsigned int cpu, unsigned int taken,
		     unsigned int level, bool failed),
	    TP_ARGS(pool, cpu, taken, level, failed),
	    TP_STRUCT__entry(LLPOOL_TP_NAME
			     __field(unsigned int, cpu)
			     __field(unsigned int, taken)
			     __field(unsigned int, level)
			     __field(bool, failed)),
	    TP_fast_assign(LLPOOL_TP_NAME_SET(pool);
			   __entry->cpu = cpu;
			   __entry->taken = taken;
			   __entry->level = level;
			   __entry->failed = failed;),
	    TP_printk("pool=%s cpu=%u taken=%u level=%u failed=%d",
		      __entry->name, __entry->cpu, __entry->taken, __entry->level,
		      __entry->failed)
);

/**
 * llpool_trim - pages given back to the page allocator
 * @pool: the pool
 * @cpu: the CPU whose reserve they came from
 * @pages: pages given back
 * @limit: the level trimmed to: the pool's high (worker), low (shrinker),
 *	0 (a CPU gone offline, teardown)
 */
TRACE_EVENT(llpool_trim,
	    TP_PROTO(const struct llpool *pool, unsigned int cpu, unsigned long pages,
		     unsigned int limit),
	    TP_ARGS(pool, cpu, pages, limit),
	    TP_STRUCT__entry(LLPOOL_TP_NAME
			     __field(unsigned int, cpu)
			     __field(unsigned long, pages)
			     __field(unsigned int, limit)),
	    TP_fast_assign(LLPOOL_TP_NAME_SET(pool);
			   __entry->cpu = cpu;
			   __entry->pages = pages;
			   __entry->limit = limit;),
	    TP_printk("pool=%s cpu=%u pages=%lu limit=%u",
		      __entry->name, __entry->cpu, __entry->pages, __entry->limit)
);

/**
 * llpool_spill_drain - a spill list emptied by the worker or hotplug
 * @pool: the pool
 * @cpu: the CPU whose spill list it was
 * @drained: pages taken off the list
 * @kept: of those, pages put back on the CPU's stack (the rest were given
 *	back to the page allocator)
 */
TRACE_EVENT(llpool_spill_drain,
	    TP_PROTO(const struct llpool *pool, unsigned int cpu, unsigned int drained,
		     unsigned int kept),
	    TP_ARGS(pool, cpu, drained, kept),
	    TP_STRUCT__entry(LLPOOL_TP_NAME
			     __field(unsigned int, cpu)
			     __field(unsigned int, drained)
			     __field(unsigned int, kept)),
	    TP_fast_assign(LLPOOL_TP_NAME_SET(pool);
			   __entry->cpu = cpu;
			   __entry->drained = drained;
			   __entry->kept = kept;),
	    TP_printk("pool=%s cpu=%u drained=%u kept=%u",
		      __entry->name, __entry->cpu, __entry->drained, __entry->kept)
);

/**
 * llpool_steal - an allocation found this CPU's stack empty (or in use by
 *	the context it interrupted) and took from a depot magazine
 * @pool: the pool
 * @cpu: the allocating CPU
 * @node: the node whose depot gave the page
 * @remote: @node is not @cpu's node
 *
 * Fires in the allocating context, which may be NMI.
 */
TRACE_EVENT(llpool_steal,
	    TP_PROTO(const struct llpool *pool, unsigned int cpu, int node,
		     bool remote),
	    TP_ARGS(pool, cpu, node, remote),
	    TP_STRUCT__entry(LLPOOL_TP_NAME
			     __field(unsigned int, cpu)
			     __field(int, node)
			     __field(bool, remote)),
	    TP_fast_assign(LLPOOL_TP_NAME_SET(pool);
			   __entry->cpu = cpu;
			   __entry->node = node;
			   __entry->remote = remote;),
	    TP_printk("pool=%s cpu=%u node=%d remote=%d",
		      __entry->name, __entry->cpu, __entry->node, __entry->remote)
);

/**
 * llpool_miss - an allocation found this CPU's stack and every depot empty
 * @pool: the pool
 * @cpu: the allocating CPU
 *
 * Fires in the allocating context, which may be NMI.
 */
TRACE_EVENT(llpool_miss,
	    TP_PROTO(const struct llpool *pool, unsigned int cpu),
	    TP_ARGS(pool, cpu),
	    TP_STRUCT__entry(LLPOOL_TP_NAME
			     __field(unsigned int, cpu)),
	    TP_fast_assign(LLPOOL_TP_NAME_SET(pool);
			   __entry->cpu = cpu;),
	    TP_printk("pool=%s cpu=%u", __entry->name, __entry->cpu)
);

#endif /* _LLPOOL_TRACE_H */

/* This part must be outside protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE llpool_trace
#include <trace/define_trace.h>
