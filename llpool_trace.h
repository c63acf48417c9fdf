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

/*
 * Every event records the pool and the CPU.  The pool's name is copied: a
 * pool may be gone when the event is read.  LLPOOL_TP_POOL_CPU_SET() fills
 * both in TP_fast_assign().
 */
#define LLPOOL_TP_NAME		__array(char, name, LLPOOL_NAME_MAX + 1)
#define LLPOOL_TP_POOL_CPU_SET(_pool, _cpu)				\
	do {								\
		strscpy(__entry->name, (_pool)->name, sizeof(__entry->name)); \
		__entry->cpu = (_cpu);					\
	} while (0)

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
	    TP_fast_assign(LLPOOL_TP_POOL_CPU_SET(pool, cpu);
			   __entry->taken = taken;
			   __entry->level = level;
			   __entry->failed = failed;),
	    TP_printk("pool=%s cpu=%u taken=%u level=%u failed=%d",
		      __entry->name, __entry->cpu, __entry->taken, __entry->level,
		      __entry->failed)
);

/*
 * llpool_give_back - pages taken off a CPU's stack or spill list
 * @pool: the pool
 * @cpu: the CPU whose pages they were
 * @freed: pages given back to the page allocator
 * @kept: pages that stay in the pool (on the stack or in a depot)
 *
 * The class of llpool_trim and llpool_spill_drain: both report where the
 * pages went in the same two fields.
 */
DECLARE_EVENT_CLASS(llpool_give_back,
		    TP_PROTO(const struct llpool *pool, unsigned int cpu,
			     unsigned int freed, unsigned int kept),
		    TP_ARGS(pool, cpu, freed, kept),
		    TP_STRUCT__entry(LLPOOL_TP_NAME
				     __field(unsigned int, cpu)
				     __field(unsigned int, freed)
				     __field(unsigned int, kept)),
		    TP_fast_assign(LLPOOL_TP_POOL_CPU_SET(pool, cpu);
				   __entry->freed = freed;
				   __entry->kept = kept;),
		    TP_printk("pool=%s cpu=%u freed=%u kept=%u",
			      __entry->name, __entry->cpu, __entry->freed,
			      __entry->kept)
);

/*
 * llpool_trim: a CPU's stack trimmed by its worker to @kept pages, the
 * pool's low: the reaper found the CPU idle, or the shrinker asked.
 */
DEFINE_EVENT(llpool_give_back, llpool_trim,
	     TP_PROTO(const struct llpool *pool, unsigned int cpu, unsigned int freed,
		      unsigned int kept),
	     TP_ARGS(pool, cpu, freed, kept));

/*
 * llpool_spill_drain: a CPU's spill list emptied by its worker or by
 * hotplug; @kept pages went back on its stack or into the node's depot.
 */
DEFINE_EVENT(llpool_give_back, llpool_spill_drain,
	     TP_PROTO(const struct llpool *pool, unsigned int cpu, unsigned int freed,
		      unsigned int kept),
	     TP_ARGS(pool, cpu, freed, kept));

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
	    TP_fast_assign(LLPOOL_TP_POOL_CPU_SET(pool, cpu);
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
	    TP_fast_assign(LLPOOL_TP_POOL_CPU_SET(pool, cpu);),
	    TP_printk("pool=%s cpu=%u", __entry->name, __entry->cpu)
);

#endif /* _LLPOOL_TRACE_H */

/* This part must be outside protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE llpool_trace
#include <trace/define_trace.h>
