#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a harness kernel with a test plan: scripts/boot.sh VARIANT PLAN OUTDIR [VAR=VALUE...]
#
# PLAN is scripts/guest/plan-PLAN.sh.  VAR=VALUE pairs go on the kernel
# command line, which hands them to the guest's init as environment (the
# kernel keeps its own parameters, maxcpus=2 say, to itself).
# LLPOOL_ACCEL=kvm|tcg|auto (default auto: KVM when a probe shows it works).
# LLPOOL_SMP=N sets the guest's CPU shape: N vCPUs (default 4) in 2 sockets
# of N/2 cores, one NUMA node each (half of LLPOOL_MEM); LLPOOL_SMP=1 is
# one vCPU in one node.  N must be 1 or even, and at most the kernel's
# NR_CPUS.
# OUTDIR gets console.log (the whole kernel log), results.log (the guest's
# result channel) and qemu.log.  The guest has LLPOOL_BOOT_TIMEOUT seconds
# (default 900) before it is killed; a killed guest has no "@@ END" line,
# which the verdict reports as a failure.  LLPOOL_GUEST_MODULES=DIR puts
# DIR (a /lib/modules/RELEASE tree) into the guest's /lib/modules.
# LLPOOL_KO=DIR takes llpool's modules from DIR instead of the variant's
# build (a control build, scripts/control_build.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: boot.sh VARIANT PLAN OUTDIR [VAR=VALUE...]}
plan=$LLPOOL_REPO/scripts/guest/plan-${2:?plan}.sh
outdir=${3:?outdir}
shift 3
[ -f "$plan" ] || die "no plan $plan"
kdir=$LLPOOL_CACHE/build/$variant
ko=${LLPOOL_KO:-$LLPOOL_CACHE/mod/$variant/ko}
[ -f "$kdir/arch/x86/boot/bzImage" ] || die "kernel $variant is not built"

# The CPU and NUMA shape.  Two nodes whenever there are two CPUs to split,
# so that every shape keeps a remote node to steal from; the default (4 vCPUs,
# nodes 0-1 and 2-3) is the shape every other test was written for.
smp=${LLPOOL_SMP:-4}
case $smp in
''|*[!0-9]*) die "LLPOOL_SMP=$smp: want a number of vCPUs" ;;
esac
nr_cpus=$(sed -n 's/^CONFIG_NR_CPUS=//p' "$kdir/.config" 2>/dev/null || true)
# A guest with more vCPUs than NR_CPUS would boot fewer, silently.
[ -z "$nr_cpus" ] || [ "$smp" -le "$nr_cpus" ] ||
	die "LLPOOL_SMP=$smp: kernel $variant has NR_CPUS=$nr_cpus"
# Guest memory, MiB (LLPOOL_MEM, default 1024), split evenly between the
# two nodes.  1 GiB holds every test (KASAN's shadow, rcutorture, the
# memory hog, which fills what is free); twice that made each main boot
# slower (more memory to initialise, hog and scan for leaks) and tested
# nothing more.
mem=${LLPOOL_MEM:-1024}
case $mem in
''|*[!0-9]*) die "LLPOOL_MEM=$mem: want MiB, a number" ;;
esac
[ "$mem" -ge 512 ] && [ $((mem % 2)) -eq 0 ] || die "LLPOOL_MEM=$mem: want an even number of MiB, 512 or more"
if [ "$smp" -eq 1 ]; then
	smp_arg=1
	numa=(-object "memory-backend-ram,id=m0,size=${mem}M" -numa node,nodeid=0,cpus=0,memdev=m0)
elif [ "$smp" -ge 2 ] && [ $((smp % 2)) -eq 0 ]; then
	half=$((smp / 2))
	cpus0=0 cpus1=$half
	[ "$half" -gt 1 ] && cpus0=0-$((half - 1)) cpus1=$half-$((smp - 1))
	smp_arg=$smp,sockets=2,cores=$half,threads=1
	numa=(-object "memory-backend-ram,id=m0,size=$((mem / 2))M" -numa "node,nodeid=0,cpus=$cpus0,memdev=m0"
		-object "memory-backend-ram,id=m1,size=$((mem / 2))M" -numa "node,nodeid=1,cpus=$cpus1,memdev=m1")
else
	die "LLPOOL_SMP=$smp: want 1 or an even number of vCPUs (two NUMA nodes)"
fi

mkdir -p "$outdir"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,lib/llpool,lib/kernel,proc,sys,dev,tmp}
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$LLPOOL_REPO/scripts/guest/init" "$stage/init"
cp "$plan" "$stage/plan.sh"
cp "$LLPOOL_REPO/scripts/guest/lib.sh" "$stage/lib/llpool/guest-lib.sh"
# scripts/guest/finit_module.c, built static once per version of its source.
fm=$LLPOOL_CACHE/guest/finit_module-$(sha256sum "$LLPOOL_REPO/scripts/guest/finit_module.c" | cut -c1-12)
if [ ! -x "$fm" ]; then
	mkdir -p "$LLPOOL_CACHE/guest"
	gcc -static -O2 -Wall -Wextra -Werror -o "$fm.tmp" "$LLPOOL_REPO/scripts/guest/finit_module.c" ||
		die "building scripts/guest/finit_module.c failed"
	mv "$fm.tmp" "$fm"
fi
cp "$fm" "$stage/bin/finit_module"
# A kernel with llpool built in (the intree variants) has no modules of ours.
[ -d "$ko" ] && cp "$ko"/*.ko "$stage/lib/llpool/"
# In-tree test modules the plans may load (rcutorture and friends).
for m in kernel/torture.ko kernel/rcu/rcutorture.ko kernel/rcu/rcuscale.ko; do
	[ -f "$kdir/$m" ] && cp "$kdir/$m" "$stage/lib/kernel/"
done
# The kselftest as the kernel's install target laid it out
# (scripts/kselftest.sh): /kselftest/run_kselftest.sh, /kselftest/llpool.
[ -d "$LLPOOL_CACHE/mod/$variant/kselftest" ] &&
	cp -r "$LLPOOL_CACHE/mod/$variant/kselftest" "$stage/kselftest"
# /lib/modules/RELEASE as on a user's machine, so that modprobe finds
# llpool, rcu_pool_user and rcutorture: a tree installed on the host (dkms
# install) when given, else the kernel's modules and llpool's two
# production modules in extra/, with depmod's modules.dep.
kver=$(cat "$kdir/include/config/kernel.release")
if [ -n "${LLPOOL_GUEST_MODULES:-}" ]; then
	mkdir -p "$stage/lib/modules"
	cp -a "$LLPOOL_GUEST_MODULES" "$stage/lib/modules/"
else
	mt=$stage/lib/modules/$kver
	mkdir -p "$mt/extra"
	(cd "$kdir" && find . -name '*.ko' -not -path './source/*') |
		while read -r m; do install -D -m 0644 "$kdir/$m" "$mt/kernel/$m"; done
	[ -d "$ko" ] && cp "$ko/llpool.ko" "$ko/rcu_pool_user.ko" "$mt/extra/"
	depmod -b "$stage" "$kver" 2>"$outdir/depmod.log" ||
		die "depmod for the guest failed: $(cat "$outdir/depmod.log")"
fi
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$outdir/initramfs.cpio.gz"

# la57=off: the guest runs with 4-level paging.  With LA57 on, 6.1 and 6.12
# both have a boot-time window (identify_cpu() zeroes x86_capability with
# IRQs on) in which pgtable_l5_enabled() reads false; a timer tick landing
# there makes KASAN call a direct-map address wild (seen in CI on 6.1:
# "wild-memory-access in sched_clock_local" during boot).  Not our code, and
# it would turn lockdep off for every later test.
cmdline="console=ttyS0 loglevel=7 panic=-1 oops=panic nokaslr $*"

# The accelerator: KVM when it is usable, TCG otherwise, or when asked
# (LLPOOL_ACCEL=tcg; `make bench` does, its tables say TCG) or when -icount
# is (only TCG counts instructions).  The same tests run either way.
# Usable is proved, not assumed: a /dev/kvm can be there, open and accept a
# VM that then never runs (seen on this project's machine: a guest under
# -accel kvm printed nothing in 3 minutes).  The probe boots this kernel
# without an initramfs under KVM for at most 20 s and wants its banner on
# the console (it panics on the missing root at once and QEMU exits).  Its
# verdict is kept in the cache per host kernel, /dev/kvm and QEMU version.
kvm_usable() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	local cache=$LLPOOL_CACHE/kvm-probe key p
	key="$(uname -r) $(stat -c %Z /dev/kvm) $(qemu-system-x86_64 --version | head -1)"
	if [ -f "$cache" ] && [ "$(sed -n 1p "$cache")" = "$key" ]; then
		[ "$(sed -n 2p "$cache")" = yes ]
		return
	fi
	p=$(mktemp -d)
	timeout -k 5 20 qemu-system-x86_64 -machine q35 -accel kvm -cpu host -m 256 \
		-display none -vga none -monitor none -no-reboot \
		-kernel "$kdir/arch/x86/boot/bzImage" -append "console=ttyS0 panic=-1" \
		-serial "file:$p/console" > "$p/qemu" 2>&1
	if grep -q 'Linux version' "$p/console" 2>/dev/null; then
		printf '%s\nyes\n' "$key" > "$cache"
	else
		printf '%s\nno\n' "$key" > "$cache"
		log "KVM is not usable here (a probe guest printed nothing in 20 s): TCG"
	fi
	rm -rf "$p"
	[ "$(sed -n 2p "$cache")" = yes ]
}
accel=${LLPOOL_ACCEL:-auto}
case ${LLPOOL_QEMU_EXTRA:-} in *-icount*) accel=tcg ;; esac
if [ "$accel" = auto ]; then
	accel=tcg
	kvm_usable && accel=kvm
fi
set_accel() {
	case $1 in
	kvm) accel_args=(-accel kvm -cpu host,la57=off) ;;
	tcg) accel_args=(-accel tcg -cpu max,la57=off) ;;
	*) die "LLPOOL_ACCEL=$1: want kvm, tcg or auto" ;;
	esac
	accel=$1
}
set_accel "$accel"

# One guest run.  -vga none: the serial ports are the only I/O we use.
run_qemu() {
	timeout --foreground -k 10 "${LLPOOL_BOOT_TIMEOUT:-900}" \
		qemu-system-x86_64 -machine q35 "${accel_args[@]}" -smp "$smp_arg" -m "${mem}M" "${numa[@]}" \
		-display none -vga none -monitor none -no-reboot ${LLPOOL_QEMU_EXTRA:-} \
		-kernel "$kdir/arch/x86/boot/bzImage" -initrd "$outdir/initramfs.cpio.gz" \
		-append "$cmdline" \
		-serial "file:$outdir/console.log" -serial "file:$outdir/results.log" \
		>"$outdir/qemu.log" 2>&1
}

# timeout's own exits (124, and 137 after -k) mean the guest hung; any other
# death by signal is QEMU's own.
qemu_crashed() { [ "$rc" -gt 128 ] && [ "$rc" -ne 137 ]; }

log "booting $variant with plan $(basename "$plan"), $smp vCPUs, $accel${*:+, $*} ($outdir)"
start=$(date +%s)
rc=0
run_qemu || rc=$?
if [ "$accel" = kvm ] && [ "$rc" = 1 ] && grep -qi 'kvm' "$outdir/qemu.log" &&
   [ ! -s "$outdir/console.log" ]; then
	log "QEMU could not use KVM ($(head -1 "$outdir/qemu.log")); booting in TCG"
	set_accel tcg
	rc=0
	run_qemu || rc=$?
fi
# QEMU 7.2's TCG has crashed here once (SIGSEGV in the emulator while the
# guest probed PCI, before any of our code was loaded).  A host emulator
# crash says nothing about the guest, so it gets one more boot; the first
# console is kept beside the second and the crash is logged.
if qemu_crashed; then
	log "QEMU itself died (signal $((rc - 128))), not the guest; booting once more"
	mv "$outdir/console.log" "$outdir/console.qemu-crash.log"
	: > "$outdir/results.log"
	rc=0
	run_qemu || rc=$?
fi
log "guest exited after $(( $(date +%s) - start )) s (qemu rc=$rc)"
[ $rc -eq 124 ] && echo "@@ TIMEOUT after ${LLPOOL_BOOT_TIMEOUT:-900} s" >> "$outdir/results.log"
qemu_crashed && echo "@@ QEMU died of signal $((rc - 128)) twice" >> "$outdir/results.log"
exit 0
