# SPDX-License-Identifier: GPL-2.0
# llpool: the user-facing commands.  Kbuild (next to this file) lists the
# modules; this Makefile only drives the harness and plain module builds.
#
#   make run     boot the debug kernel, load llpool, exercise it, show stats
#   make check   every test; ends with "N passed, N failed, N skipped"
#   make         build the production modules (llpool, rcu_pool_user)
#   make install install them, and only them (modules_install;
#                INSTALL_MOD_PATH respected)
#   make tests   build the test, bench and KUnit modules too (never installed)
#   make clean   remove build products from this directory
#   make bench, make rcu-bench, make intree-bench   measurements (results/)
#   make intree-torture   rcutorture on the in-tree series' debug kernels
#   make intree-trace     a kvfree_rcu fallback, traced (llpool, workqueue, sched)
#   make intree  regenerate patches/intree/0001 from the sources
#
# KDIR defaults to the running kernel's build tree when its headers are
# installed (/lib/modules/$(uname -r)/build), else to the harness's debug
# kernel; make KDIR=/path/to/build works for any tree.

CACHE ?= $(HOME)/.cache/llpool
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(CACHE)/build/debug)

.PHONY: all modules tests install run check kernel clean docs

all: modules

# Without LLPOOL_TESTS, Kbuild lists the production modules alone, and so
# does the modules.order that modules_install follows.
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tests:
	$(MAKE) -C $(KDIR) M=$(CURDIR) LLPOOL_TESTS=1 modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

run:
	./scripts/run.sh

check:
	./scripts/check.sh

docs:
	./scripts/docs.sh

kernel:
	./scripts/kernel.sh $(or $(VARIANT),debug)

clean:
	rm -rf out
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.order' -o -name 'Module.symvers' \) \
		-not -path './.git/*' -delete

.PHONY: rcu-bench
rcu-bench:
	./scripts/rcubench.sh

.PHONY: bench
bench:
	./scripts/bench.sh

# The in-tree series (patches/intree/): `make intree` rewrites its first
# patch from the sources; `make intree-bench` measures kvfree_rcu on it
# (rcuscale's kfree_rcu test and test_vmalloc's kvfree_rcu tests).
.PHONY: intree intree-bench intree-torture intree-trace
intree:
	./scripts/intree.sh gen

intree-bench:
	./scripts/intree.sh bench

intree-torture:
	./scripts/intree.sh torture

intree-trace:
	./scripts/intree.sh trace
