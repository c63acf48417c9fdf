/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters that carry their range, for rcu_pool_user and the test
 * and bench modules.  A value outside the range is refused when it is set,
 * by the kernel's own parser ("`0' invalid for parameter `threads'"), so
 * the module never starts with it and nothing is created; the range is
 * written once, and modinfo shows it with the default.  Checks that
 * relate two parameters (low <= high) stay with the code that uses them.
 * Not part of the llpool API: nothing here is exported.
 */
#ifndef _LLPOOL_PARAM_H
#define _LLPOOL_PARAM_H

#include <linux/moduleparam.h>
#include <linux/stringify.h>

/* modinfo's text: what the parameter sets, its range and its default. */
#define __LLPOOL_PARAM_DESC(_name, _def, _min, _max, _desc)		\
	MODULE_PARM_DESC(_name, _desc " (" __stringify(_min) ".."	\
			 __stringify(_max) ", default " __stringify(_def) ")")

/**
 * LLPOOL_PARAM_UINT() - a read-only unsigned int module parameter with a range
 * @_name: the variable and the parameter's name
 * @_def: its default, within [@_min, @_max]
 * @_min: the lowest value accepted
 * @_max: the highest value accepted
 * @_desc: what it sets; the range and default are appended for modinfo
 *
 * Defines ``static unsigned int _name``.  Setting it (insmod, the kernel
 * command line) goes through param_set_uint_minmax(), which returns
 * -EINVAL outside the range and so fails the load.
 */
#define LLPOOL_PARAM_UINT(_name, _def, _min, _max, _desc)		\
	static unsigned int _name = _def;				\
	static int llpool_param_set_##_name(const char *val,		\
					    const struct kernel_param *kp) \
	{								\
		return param_set_uint_minmax(val, kp, _min, _max);	\
	}								\
	static const struct kernel_param_ops llpool_param_ops_##_name = { \
		.set = llpool_param_set_##_name,			\
		.get = param_get_uint,					\
	};								\
	module_param_cb(_name, &llpool_param_ops_##_name, &_name, 0444); \
	__LLPOOL_PARAM_DESC(_name, _def, _min, _max, _desc)

#endif /* _LLPOOL_PARAM_H */
