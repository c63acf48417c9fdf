# SPDX-License-Identifier: GPL-2.0
# llpool: the user-facing commands.  Kbuild (next to this file) lists the
# modules; this Makefile only drives the harness and plain module builds.
#
#   make run     boot the debug kernel, load llpool, exercise it, show stats
#   make check   every test; ends with "N passed, N failed, N skipped"
#   make         build the modules against KDIR
#   make install install them (modules_install; INSTALL_MOD_PATH respected)
#   make clean   remove build products from this directory
#
# KDIR defaults to the running kernel's build tree when its headers are
# installed (/lib/modules/$(uname -r)/build), else to the harness's debug
# kernel; make KDIR=/path/to/build works for any tree.

CACHE ?= $(HOME)/.cache/llpool
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(CACHE)/build/debug)

.PHONY: all modules install run check kernel clean

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

run:
	./scripts/run.sh

check:
	./scripts/check.sh

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
