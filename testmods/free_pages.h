/* SPDX-License-Identifier: GPL-2.0 */
/* Test support: the system's free pages, as llpool's tests count them. */
#ifndef _LLPOOL_FREE_PAGES_H
#define _LLPOOL_FREE_PAGES_H

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/vmstat.h>

/*
 * The buddy lists (NR_FREE_PAGES) plus the page allocator's per-CPU lists,
 * where order <= 3 frees land first and which NR_FREE_PAGES does not count.
 * Racy reads: callers allow a tolerance.
 */
static inline unsigned long llpool_test_free_pages(void)
{
	unsigned long free = global_zone_page_state(NR_FREE_PAGES);
	struct zone *zone;
	unsigned int cpu;
	int nid, z;

	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			for_each_online_cpu(cpu)
				free += READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset,
							      cpu)->count);
		}
	}
	return free;
}

#endif /* _LLPOOL_FREE_PAGES_H */
