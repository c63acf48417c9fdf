/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcu_pool_user's tracepoint: a deferred free refused (-ENOMEM), the one
 * slow path its callers see.  events/rcu_pool_user/ in tracefs.  Included
 * by rcu_pool_user.c only.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM rcu_pool_user

#if !defined(_RCU_POOL_USER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RCU_POOL_USER_TRACE_H

#include <linux/tracepoint.h>

/**
 * llpool_rcu_fallback - llpool_rcu_free() returned -ENOMEM
 * @ptr: the object the caller keeps
 * @cpu: the CPU it was called on
 * @nested: the call interrupted another on the same CPU (NMI, probe),
 *	rather than finding the pool empty
 *
 * Fires in the caller's context, which may be NMI.
 */
TRACE_EVENT(llpool_rcu_fallback,
	    TP_PROTO(const void *ptr, unsigned int cpu, bool nested),
	    TP_ARGS(ptr, cpu, nested),
	    TP_STRUCT__entry(__field(const void *, ptr)
			     __field(unsigned int, cpu)
			     __field(bool, nested)),
	    TP_fast_assign(__entry->ptr = ptr;
			   __entry->cpu = cpu;
			   __entry->nested = nested;),
	    TP_printk("ptr=%p cpu=%u nested=%d", __entry->ptr, __entry->cpu,
		      __entry->nested)
);

#endif /* _RCU_POOL_USER_TRACE_H */

/* This part must be outside protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE rcu_pool_user_trace
#include <trace/define_trace.h>
