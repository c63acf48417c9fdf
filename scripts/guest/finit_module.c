// SPDX-License-Identifier: GPL-2.0
/*
 * finit_module FILE [PARAMS]: load a kernel module with one finit_module(2)
 * call and report the module init's result.
 *
 * Busybox's insmod and modprobe retry with init_module(2) whenever
 * finit_module(2) fails, so a module whose init fails on purpose runs its
 * init twice: test_vmalloc runs its tests from its init and returns
 * -EAGAIN to unload itself, and a bench must run them once.
 *
 * Exit status: 0 when the module is loaded, 1 when finit_module(2) failed
 * (its errno named on stderr: the init's own error, or the loader's, such
 * as EEXIST or ENOEXEC), 2 on bad usage or an unreadable FILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: finit_module FILE [PARAMS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "finit_module: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (syscall(SYS_finit_module, fd, argc == 3 ? argv[2] : "", 0)) {
		fprintf(stderr, "finit_module: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
