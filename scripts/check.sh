#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every test, ending with "N passed, N failed, N skipped".
#
# For each kernel variant in LLPOOL_VARIANTS (default: debug73 rt73
# debug61 kcsan: the debug and PREEMPT_RT kernels on 7.3, the debug kernel
# on 6.1, and 6.12's debug kernel with KCSAN in place of KASAN; 6.12's
# KASAN debug kernel, "debug", with LLPOOL_VARIANTS):
#   build the kernel (cached) and the modules (W=1, no warning allowed);
#   install the kselftest with the kernel's own target;
#   boot the main test plan: KUnit suites, the stress load, the kselftest,
#   lockdep's and kmemleak's verdicts, and a scan of the whole kernel log
#   for splats;
#   on the first variant only: boot each negative control and require its
#   report, and boot the other CPU shapes in LLPOOL_TOPOS (default
#   "maxcpus 1cpu 16cpu", see topo_run below);
#   on kcsan (the debug kernel with KCSAN for KASAN), boot the KCSAN plan
#   and its control instead (kcsan_boots below);
# and, on the first variant, the hygiene gates (scripts/gates.sh) and the
# host's own headers (scripts/headers_check.sh), and the in-tree series'
# gates (scripts/intree.sh check), all beside the last variant's boots
# (start_host_gates); the DKMS guest (scripts/dkms_check.sh) beside the
# 6.1 kernel's (start_dkms).  6.12's PREEMPT_RT kernel ("rt") and its KASAN
# debug kernel ("debug") are not in the default set, for the cold budget
# (PREEMPT_RT is proven on 7.3, KASAN and kmemleak on 7.3 and 6.1; 6.12
# boots its KCSAN kernel): LLPOOL_VARIANTS="debug rt" runs them.
# LLPOOL_INJECT=raw_alloc adds a deliberate mistake to the main boot, to see
# `make check` fail on it.  Logs: $LLPOOL_OUT (default ./out/check).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

variants=${LLPOOL_VARIANTS:-debug73 rt73 debug61 kcsan}
outroot=${LLPOOL_OUT:-$LLPOOL_REPO/out/check}
rm -rf "$outroot"
mkdir -p "$outroot"
summary=$outroot/summary.txt
: > "$summary"
# The harness's progress lines (stderr: every step's log()) are kept in
# check.log too: CHECK_RECORD reads the time of each step from it.
exec 2> >(tee -a "$outroot/check.log" >&2)
t0=$(date +%s)
# For the record: what else ran on the host when this run began.
load0=$(cut -d" " -f1-3 /proc/loadavg)
# Whether the cache held any kernel build at the start: a cold run builds
# every kernel, a warm one none (CHECK_RECORD below names which).
built_at_start=$(ls "$LLPOOL_CACHE"/build/*/.llpool-stamp 2>/dev/null | wc -l)

record() { echo "$*" | tee -a "$summary"; }

# The host's apt configuration, before anything runs: kernel sources that
# bookworm does not carry (7.3) come through a private apt configuration
# under the cache (scripts/lib.sh, fetch_source_pkg), and /etc/apt must
# be as it was at the end (gate:host-untouched-apt; the detector,
# tree_state from lib.sh, has its positive control below).
tree_state /etc/apt > "$outroot/etc-apt-before"
# And the host's package list: the only packages that may change are the
# ones the harness installs itself (ensure_packages: those the README
# names, with their dependencies), which it logs in LLPOOL_PKGLOG.
export LLPOOL_PKGLOG=$outroot/packages-installed
: > "$LLPOOL_PKGLOG"
package_state > "$outroot/packages-before"

# The private apt configuration itself (scripts/lib.sh, private_apt), run
# here whatever the cache holds: an update of its own lists and a
# download's URI, with the host's /etc/apt, /var/lib/apt and
# /var/cache/apt compared before and after (gate:private-apt).  The
# detector's positive control: a write to a scratch tree must show.
tree_state /etc/apt /var/lib/apt /var/cache/apt > "$outroot/host-apt-before"
if (private_apt "$outroot/private-apt" trixie-backports update &&
    private_apt "$outroot/private-apt" trixie-backports download --print-uris linux-source-7.3 &&
    grep -q "linux-source-7.3_.*\.deb" "$outroot/private-apt/apt.log"); then
	tree_state /etc/apt /var/lib/apt /var/cache/apt > "$outroot/host-apt-after"
	if cmp -s "$outroot/host-apt-before" "$outroot/host-apt-after"; then
		record "PASS gate:private-apt -- trixie-backports lists and linux-source-7.3's URI through $outroot/private-apt; /etc/apt /var/lib/apt /var/cache/apt: $(wc -l < "$outroot/host-apt-after") entries unchanged"
	else
		record "FAIL gate:private-apt -- the host's apt state changed: $(diff "$outroot/host-apt-before" "$outroot/host-apt-after" | grep '^[<>]' | head -3 | tr '\n' ' ')"
	fi
else
	record "FAIL gate:private-apt -- $(tail -2 "$outroot/private-apt/apt.log" 2>/dev/null | tr '\n' ' ')"
fi
mkdir -p "$outroot/apt-control/lists"
tree_state "$outroot/apt-control" > "$outroot/apt-control.before"
echo x > "$outroot/apt-control/lists/changed"
if cmp -s "$outroot/apt-control.before" <(tree_state "$outroot/apt-control"); then
	record "FAIL gate:private-apt-control -- a write to the scratch tree went unseen"
else
	record "PASS gate:private-apt-control -- a write to the scratch tree is seen"
fi

# Negative controls: case -> the reports that must appear, one regex a line
# (each a splat in the kernel log, or a failed check of the guest's), and
# the only ones that may: verdict.py --expect gives each control one
# verdict, which fails on any other splat or failed result.  bad_free
# makes three bad frees (a double free, a foreign page, a page of the
# wrong order), and each must draw its own WARN; leak's
# report is kmemleak's, in the log and in its file (leak:ours checks that
# every reported object is the control's).
declare -A controls=(
	[raw_alloc]='Invalid wait context.*&zone->lock'
	[fast_spinlock]='Invalid wait context.*control_lock'
	[early_free]='KASAN: slab-use-after-free.*llpool_control'
	[leak]='kmemleak(: | -- )[0-9]+ (new suspected memory leaks|unreferenced objects)'
	[bad_free]=$'llpool: ctl-bad: double free of page\nllpool: ctl-bad: free of page .* not from this pool\nllpool: ctl-bad: free of an order-1 page'
	[destroy_held]='llpool: ctl-held destroyed with 3 pages still allocated'
	[bench_ctx_fail]=':bench:smoke -- rows missing or short: ctx-nmi:0/[1-9][0-9]*\s*$'
)
# case -> the results its mistake may fail besides the report itself, and
# only those: lockdep turns itself off at its first report (debug_locks=0),
# and so does a KASAN report (it taints the kernel LOCKDEP_NOW_UNRELIABLE),
# which fails what checks debug_locks afterwards (llpool_rcu_in_hardirq).
declare -A control_allow=(
	[raw_alloc]=lockdep:debug_locks
	[fast_spinlock]=lockdep:debug_locks
	[early_free]=lockdep:debug_locks
	[skip_gp]="kunit:llpool_rcu.llpool_rcu_no_early_free,kunit:llpool_rcu.llpool_rcu_no_early_free_under_hotplug,kunit:llpool_rcu.llpool_rcu_in_hardirq,lockdep:debug_locks"
)
# case -> other splats its mistake explains: objects freed early are
# KASAN's reports wherever they are touched next.
declare -A control_splats=(
	[skip_gp]='KASAN: (slab-)?use-after-free in rcu_test_(pin_)?reader'
)
# Four controls boot a control build, the mistake patched into llpool's
# own sources (patches/controls/CASE.patch, scripts/control_build.sh):
# empty_pool, a pool that never gets a page, and leak_pages, a pool whose
# pages given back are lost, against the kselftest that puts llpool under
# pressure (leak_pages also against the hotplug KUnit suite and the
# hotplug storm); busy_worker, a refill worker that never goes idle,
# against the hotplug KUnit suite; skip_gp, rcu_pool_user without grace
# periods, against its KUnit suite.
# empty_pool's reports: the kselftest's two checks that the pool serves,
# under fault injection and after it, must both fail; any of its other
# cases may (an empty pool explains them), nothing else.
controls[empty_pool]=$':selftest:pool_stress\\.fault_injection_counted_pool_serves -- \n:selftest:pool_stress\\.recovers_after_injection -- '
control_allow[empty_pool]=$(sed -n 's/^selftest:\(pool_stress\.[a-z_]*\) .*if=pool_stress.*/selftest:\1/p' \
	"$LLPOOL_REPO/scripts/expect/control.cases" | tr '\n' ,)selftest:pool_stress:exit
# leak_pages, a pool whose pages given back never reach the page
# allocator, against the same kselftest, the hotplug KUnit suite and the
# hotplug storm: the three checks that count memory outside llpool's books
# must fail, and the kselftests' exit status with them; every other case
# passes (the books still balance).
controls[leak_pages]=$':selftest:pool_stress\\.memory_returns -- \n:kunit:llpool_hotplug\\.llpool_hotplug_costs_no_memory -- .*Expected lost < moved / 4\n:selftest:hotplug_storm\\.memory_returns -- '
control_allow[leak_pages]=selftest:pool_stress:exit,selftest:hotplug_storm:exit
# The controls that run pool_stress, and the hotplug KUnit suite: tags for
# their cases in control.cases.
declare -A control_tags=([empty_pool]=pool_stress [leak_pages]="pool_stress hotplug_kunit"
			 [busy_worker]=hotplug_kunit)
# busy_worker, a refill worker that re-arms itself forever, against the
# hotplug KUnit suite: its check that a CPU's work goes quiet once the load
# is gone must fail, and nothing else.
controls[busy_worker]=':kunit:llpool_hotplug\.llpool_refill_bounded_under_reentry -- .*Expected idle to be true'
# skip_gp's report is its detector's: llpool_rcu_reader_pins_block finds
# objects freed while a reader that holds one is still in its read-side
# section.  The readers of the no-early-free cases may catch it too (a bad
# read, or KASAN's report of a reader touching a freed object), or not.
controls[skip_gp]=':kunit:llpool_rcu\.llpool_rcu_reader_pins_block -- .*Expected pin->freed == 0'
# The order the control boots start in, two at a time, longest first:
# the two kselftest runs start together, and the short ones follow in
# whichever slot frees first.
control_order="empty_pool leak_pages bad_free busy_worker leak skip_gp bench_ctx_fail destroy_held early_free fast_spinlock raw_alloc"

# boot_tags VARIANT [TAG...]: the tags a boot's case list is read with
# (scripts/expect/check.cases): the variant, its release (v6.1, v6.12,
# v7.3, from the kernel it built), rt for a PREEMPT_RT kernel, then TAGs.
boot_tags() {
	local b=$LLPOOL_CACHE/build/$1 rel tags=$1
	rel=$(cat "$b/include/config/kernel.release" 2>/dev/null)
	[ -n "$rel" ] && tags="$tags,v$(echo "$rel" | cut -d. -f1-2)"
	grep -q '^CONFIG_PREEMPT_RT=y' "$b/.config" 2>/dev/null && tags="$tags,rt"
	shift
	for t in "$@"; do tags="$tags,$t"; done
	echo "$tags"
}
expect_dir=$LLPOOL_REPO/scripts/expect

# The CPU shapes users run besides the main boot's 4 online vCPUs in 2 NUMA
# nodes, each booted with scripts/guest/plan-topo.sh: load llpool,
# llpool_stress and rcu_pool_user, drive them from every online CPU, read
# the per-CPU reserves, unload each module with a deadline.
#   maxcpus  -smp 4 with maxcpus=2: possible > online.  cpu2 is brought
#            online under load, cpu3 never is; CPUs not online must hold no
#            reserve, and a hot-added one must be filled.
#   1cpu     one vCPU, one node: nothing to steal from.
#   16cpu    two nodes of 8.  TCG runs 16 vCPUs on this machine's cores
#            slowly: a 2 s load, the essentials.
# A boot's timeout covers a healthy run at least twice over plus two hung
# unloads (60 s each), so a hang shows as the unload's failure, not the
# boot's.
# maxcpus boots alone, before the others, while the control builds
# compile: its CPU must be added while its 25 s load still runs, which a
# guest beside it could delay.  1cpu and 16cpu join the control boots'
# two slots (below): one vCPU leaves a host core idle, and neither is
# timed.
topos=${LLPOOL_TOPOS-maxcpus 1cpu 16cpu}
# topo_run VARIANT SHAPE: the boot; topo_verdict VARIANT SHAPE: its verdict.
topo_run() {
	local v=$1 t=$2 smp tmo args
	case $t in
	maxcpus) smp=4 tmo=420 args=(maxcpus=2 TOPO_POSSIBLE=4 TOPO_ONLINE=2 TOPO_HOTADD=2 TOPO_SECONDS=25) ;;
	1cpu) smp=1 tmo=300 args=(TOPO_POSSIBLE=1 TOPO_ONLINE=1 TOPO_SECONDS=3) ;;
	16cpu) smp=16 tmo=600 args=(TOPO_POSSIBLE=16 TOPO_ONLINE=16 TOPO_SECONDS=2) ;;
	*) return 1 ;;
	esac
	LLPOOL_SMP=$smp LLPOOL_BOOT_TIMEOUT=$tmo "$LLPOOL_REPO/scripts/boot.sh" \
		"$v" topo "$outroot/$v-topo-$t" "${args[@]}"
}
topo_verdict() {
	local v=$1 t=$2
	case $t in
	maxcpus|1cpu|16cpu) ;;
	*)
		record "FAIL $v/topo-$t:boot -- no such shape in LLPOOL_TOPOS (maxcpus 1cpu 16cpu)"
		return ;;
	esac
	"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$kunit_py" \
		--cases "$expect_dir/topo.cases" --tags "$(boot_tags "$v" "$t")" \
		"$outroot/$v-topo-$t" "$v/topo-$t" | tee -a "$summary"
}

# The kcsan kernel's boots: scripts/guest/plan-kcsan.sh (the main plan's
# KUnit suites and stress load under KCSAN; a report naming our code
# fails, one about the core kernel alone is an INFO line), then its
# control: llpool_control case=kcsan_race must draw a KCSAN report in
# its own function, one that fails a normal boot (counted, not an INFO
# line).  KCSAN titles a race between two known accesses "in f [mod] /
# g [mod]" and one whose other side it did not catch ("race at unknown
# origin") "in f+0x2e/0x3c [mod]": the planted race gives either, often
# both.
# Nothing else may fail in the control.
kcsan_boots() {
	local v=$1
	LLPOOL_BOOT_TIMEOUT=600 "$LLPOOL_REPO/scripts/boot.sh" "$v" kcsan "$outroot/$v-check"
	"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$kunit_py" \
		--cases "$expect_dir/kcsan.cases" --tags "$(boot_tags "$v")" \
		"$outroot/$v-check" "$v/check" | tee -a "$summary"
	LLPOOL_BOOT_TIMEOUT=300 "$LLPOOL_REPO/scripts/boot.sh" "$v" control \
		"$outroot/$v-control-kcsan_race" CONTROL_CASE=kcsan_race
	"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$kunit_py" \
		--cases "$expect_dir/control.cases" --tags "$(boot_tags "$v" kcsan_race)" \
		--expect 'BUG: KCSAN: data-race in control_race_inc(\+0x[0-9a-f]+/0x[0-9a-f]+)? \[llpool_control\]' \
		"$outroot/$v-control-kcsan_race" "$v/control-kcsan_race" | tee -a "$summary"
}

first=${variants%% *}
# The control slots wait with `wait -n -p` (bash 5.1; Debian 12 has 5.2).
[ "${BASH_VERSINFO[0]}" -gt 5 ] || { [ "${BASH_VERSINFO[0]}" -eq 5 ] && [ "${BASH_VERSINFO[1]}" -ge 1 ]; } ||
	die "make check needs bash 5.1 or later (this is $BASH_VERSION)"
# The DKMS guest (scripts/dkms_check.sh, on the first kernel) runs in the
# background beside the boots of LLPOOL_DKMS_WITH (default debug61, a short
# plan without the hotplug storm, then the kcsan kernel's short boots),
# started once that kernel and its modules are built, so that no package
# is installed while it compares the host's trees before and after DKMS
# (dkms itself is installed first).  Without that variant it runs at the
# end, alone.
dkms_with=${LLPOOL_DKMS_WITH:-debug61}
dkms_pid=
start_dkms() {
	# In a subshell: ensure_packages dies on failure, which must fail the
	# DKMS gates, not end make check.
	# The host gates' packages too (start_host_gates), so that nothing is
	# installed while the DKMS guest runs; should they fail, the gates
	# that need them fail, not the DKMS guest.
	(ensure_packages "python3-sphinx:/usr/bin/sphinx-build" \
		"linux-headers-amd64:/usr/share/doc/linux-headers-amd64") >&2
	if ! (ensure_packages "dkms:/usr/sbin/dkms") >&2; then
		echo "FAIL gate:dkms-build -- dkms could not be installed (see the log above)" \
			> "$outroot/dkms-summary"
		dkms_pid=none
		return
	fi
	"$LLPOOL_REPO/scripts/dkms_check.sh" "$first" "$outroot/$first-dkms" \
		> "$outroot/dkms-summary" &
	dkms_pid=$!
}
# The host's gates, which boot nothing: the hygiene gates (checkpatch,
# kernel-doc, sparse, docs, scripts/gates.sh) and the host's own headers
# (scripts/headers_check.sh) on the first variant, and the in-tree
# series' gates (scripts/intree.sh check: in step with the sources,
# applies to a pristine 7.3 tree, the files it touches compile).  They
# run in the background beside the last variant's boots, which leave a
# host core idle much of the time (every kernel and module is built by
# then: sparse checks against one of them), and their lines join the
# summary after them.  The packages they install are installed before
# the DKMS guest starts (start_dkms).
host_pid=
start_host_gates() {
	[ -z "$host_pid" ] || return 0
	(
	if [ -d "$LLPOOL_CACHE/mod/$first/src" ]; then
		"$LLPOOL_REPO/scripts/gates.sh" "$first"
		"$LLPOOL_REPO/scripts/headers_check.sh"
	else
		echo "FAIL gate:all -- modules for $first were not built"
	fi
	"$LLPOOL_REPO/scripts/intree.sh" check
	) > "$outroot/host-gates.summary" &
	host_pid=$!
}
last=${variants##* }
ensure_packages
src=$(kernel_source)
kunit_py=$src/tools/testing/kunit/kunit.py

for v in $variants; do
	if ! "$LLPOOL_REPO/scripts/kernel.sh" "$v"; then
		record "FAIL $v:kernel-build -- see the log above"
		continue
	fi
	record "STEP $v:kernel-build"
	if ! "$LLPOOL_REPO/scripts/modules.sh" "$v"; then
		record "FAIL $v:modules-W=1 -- warnings or errors above"
		continue
	fi
	record "PASS $v:modules-W=1"
	if [ "$v" = "$dkms_with" ] && [ "$v" != "$first" ] && [ -z "$dkms_pid" ] &&
	   [ -d "$LLPOOL_CACHE/mod/$first/src" ]; then
		start_dkms
	fi
	# Not when the last variant is also the first: its boots include
	# maxcpus, which must boot alone; the call after the loop starts them.
	[ "$v" = "$last" ] && [ "$v" != "$first" ] && start_host_gates
	if [ "$v" = kcsan ]; then
		kcsan_boots "$v"
		continue
	fi
	# Without it the boots still run; their selftest cases fail.
	if "$LLPOOL_REPO/scripts/kselftest.sh" "$v"; then
		record "STEP $v:kselftest-install -- make -C tools/testing/selftests TARGETS=llpool install"
	else
		record "FAIL $v:kselftest-install -- see the log above"
	fi

	inject=()
	[ -n "${LLPOOL_INJECT:-}" ] && inject=("LLPOOL_INJECT=$LLPOOL_INJECT")
	# What runs where, for the time budget (testing.rst, "Which release
	# proves what"): the first kernel runs the whole plan; the others
	# leave out the memory hog, and those in LLPOOL_SHORT (default: the
	# 6.1 debug kernel, and 6.12's when asked for) the bench smokes and the
	# hotplug storm too (plan-check.sh, CHECK_SCOPE).
	scope=()
	if [ "$v" != "$first" ]; then
		scope=(LLPOOL_HOG=0)
		case " ${LLPOOL_SHORT-debug debug61} " in
		*" $v "*) scope+=(CHECK_SCOPE=short) ;;
		esac
	fi
	"$LLPOOL_REPO/scripts/boot.sh" "$v" check "$outroot/$v-check" "${scope[@]}" "${inject[@]}"
	tags=()
	for x in "${scope[@]}"; do
		case $x in
		LLPOOL_HOG=0) tags+=(nohog) ;;
		CHECK_SCOPE=short) tags+=(short) ;;
		esac
	done
	"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$kunit_py" \
		--cases "$expect_dir/check.cases" --tags "$(boot_tags "$v" "${tags[@]}")" \
		"$outroot/$v-check" "$v/check" | tee -a "$summary"

	# The controls prove the detectors, and the CPU shapes vary the guest,
	# not the kernel: they need run on one kernel only, the first.
	[ "$v" = "$first" ] || continue
	# The control builds (llpool's modules with a mistake in them,
	# patches/controls/) compile while the CPU shapes boot: each is a
	# module build of a few tens of seconds, ready before its boot.
	declare -A buildpid=()
	for c in "${!controls[@]}"; do
		[ -f "$LLPOOL_REPO/patches/controls/$c.patch" ] || continue
		mkdir -p "$outroot/$v-control-$c"
		"$LLPOOL_REPO/scripts/control_build.sh" "$v" "$c" > "$outroot/$v-control-$c/ko-dir" &
		buildpid[$c]=$!
	done
	pooled_topos=()
	for t in $topos; do
		if [ "$t" = maxcpus ]; then
			topo_run "$v" "$t"
			topo_verdict "$v" "$t"
		else
			pooled_topos+=("topo:$t")
		fi
	done
	# The control boots and the pooled CPU shapes, two at a time: each
	# control is a short boot with one mistake and nothing timed, and two
	# boots keep both host cores busy where one leaves one idle through
	# most of its kernel's boot.  A slot takes the next boot as soon as
	# its boot ends (wait -n), longest first (the shapes, then
	# control_order, 1cpu among the short ones); a control not in that
	# list runs after them.  Their verdicts are printed in order once all
	# are done.
	mapfile -t cases < <(printf '%s\n' $control_order
		printf '%s\n' "${!controls[@]}" | sort | grep -vxF -f <(printf '%s\n' $control_order))
	# The pooled CPU shapes: 16cpu first (the longest boot), 1cpu among
	# the short controls.
	boots=()
	short=()
	for t in "${pooled_topos[@]}"; do
		if [ "$t" = topo:1cpu ]; then short=("$t"); else boots+=("$t"); fi
	done
	for c in "${cases[@]}"; do
		boots+=("$c")
		[ "$c" = early_free ] && boots+=("${short[@]}") && short=()
	done
	boots+=("${short[@]}")
	declare -A nobuild=()
	running=()
	for c in "${boots[@]}"; do
		ko=()
		if [ -n "${buildpid[$c]:-}" ]; then
			if wait "${buildpid[$c]}" && [ -s "$outroot/$v-control-$c/ko-dir" ]; then
				ko=("LLPOOL_KO=$(cat "$outroot/$v-control-$c/ko-dir")")
			else
				# No build, no boot: the control fails.
				nobuild[$c]=1
				continue
			fi
		fi
		if [ ${#running[@]} -ge 2 ]; then
			# These boots only: a bare wait would also wait for
			# check.log's tee.
			done_pid=
			wait -n -p done_pid "${running[@]}" || true
			keep=()
			for p in "${running[@]}"; do
				[ "$p" = "$done_pid" ] || keep+=("$p")
			done
			running=("${keep[@]}")
		fi
		case $c in
		topo:*) topo_run "$v" "${c#topo:}" & ;;
		*) env "${ko[@]}" "$LLPOOL_REPO/scripts/boot.sh" "$v" control \
			"$outroot/$v-control-$c" "CONTROL_CASE=$c" & ;;
		esac
		running+=($!)
	done
	[ ${#running[@]} -eq 0 ] || wait "${running[@]}"
	for t in "${pooled_topos[@]}"; do
		topo_verdict "$v" "${t#topo:}"
	done
	for c in "${cases[@]}"; do
		if [ -n "${nobuild[$c]:-}" ]; then
			record "FAIL $v/control-$c:control -- its control build failed (scripts/control_build.sh $v $c; see the log above)"
			continue
		fi
		expect=()
		while IFS= read -r x; do
			expect+=(--expect "$x")
		done <<< "${controls[$c]}"
		"$LLPOOL_REPO/scripts/verdict.py" --kunit-py "$kunit_py" \
			--cases "$expect_dir/control.cases" --tags "$(boot_tags "$v" "$c" ${control_tags[$c]:-})" \
			"${expect[@]}" --allow "${control_allow[$c]:-}" \
			--allow-splat "${control_splats[$c]:-}" \
			"$outroot/$v-control-$c" "$v/control-$c" | tee -a "$summary"
	done
	# The verdicts' own positive controls, on copies of this kernel's
	# boots (scripts/verdict_controls.py): a lockdep report planted in a
	# control boot fails it, a KUnit case removed from the check boot fails
	# as missing, a case its list does not name fails, a KCSAN report is
	# ours only above an interrupt's entry.
	"$LLPOOL_REPO/scripts/verdict_controls.py" --kunit-py "$kunit_py" \
		--cases "$expect_dir" --workdir "$outroot/verdict-controls" \
		--check "$outroot/$v-check" "$v/check" "$(boot_tags "$v")" \
		--control "$outroot/$v-control-destroy_held" "$v/control-destroy_held" \
		"$(boot_tags "$v" destroy_held)" "${controls[destroy_held]}" "" |
		tee -a "$summary"
done

# The host's gates wait for the last variant's boots to end, and then
# for nothing else.
start_host_gates
wait "$host_pid"
tee -a "$summary" < "$outroot/host-gates.summary"
if [ -d "$LLPOOL_CACHE/mod/$first/src" ]; then
	[ -n "$dkms_pid" ] || start_dkms
	# That guest only: a bare wait would also wait for check.log's tee.
	dkms_rc=0
	[ "$dkms_pid" = none ] || wait "$dkms_pid" || dkms_rc=$?
	tee -a "$summary" < "$outroot/dkms-summary"
	# A DKMS check that died part way leaves its last gate unwritten.
	if [ "$dkms_pid" != none ] &&
	   { [ "$dkms_rc" -ne 0 ] || ! grep -q '^[A-Z]* gate:host-untouched ' "$outroot/dkms-summary"; }; then
		record "FAIL gate:dkms-check -- scripts/dkms_check.sh exit $dkms_rc, its gates incomplete (see the log above)"
	fi
fi

tree_state /etc/apt > "$outroot/etc-apt-after"
if cmp -s "$outroot/etc-apt-before" "$outroot/etc-apt-after"; then
	record "PASS gate:host-untouched-apt -- /etc/apt: $(wc -l < "$outroot/etc-apt-after") entries unchanged"
else
	record "FAIL gate:host-untouched-apt -- $(diff "$outroot/etc-apt-before" "$outroot/etc-apt-after" | grep '^[<>]' | head -3 | tr '\n' ' ')"
fi

package_state > "$outroot/packages-after"
# unexpected_packages BEFORE AFTER: the names of the packages whose line
# changed, less those ensure_packages installed.
unexpected_packages() {
	diff "$1" "$2" | sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u |
		grep -vxF -f <(cut -d' ' -f1 "$LLPOOL_PKGLOG" | sort -u; echo '#none') || true
}
unexpected=$(unexpected_packages "$outroot/packages-before" "$outroot/packages-after")
if [ -z "$unexpected" ]; then
	record "PASS gate:host-untouched-packages -- $(wc -l < "$outroot/packages-after") packages unchanged but those the harness installed: $(cut -d' ' -f1 "$LLPOOL_PKGLOG" | sort -u | tr '\n' ' ' | grep . || echo none)"
else
	record "FAIL gate:host-untouched-packages -- changed, not by the harness: $(echo "$unexpected" | head -5 | tr '\n' ' ')"
fi
# Its positive control: the same list with the version of one package the
# harness did not install changed must show that package, and only it.
ctl=$(cut -d' ' -f1 "$outroot/packages-after" |
	grep -vxF -f <(cut -d' ' -f1 "$LLPOOL_PKGLOG"; echo '#none') | head -1)
awk -v p="$ctl" '$1 == p { $2 = "0:changed" } { print }' "$outroot/packages-after" > "$outroot/packages-control"
if [ -n "$ctl" ] && [ "$(unexpected_packages "$outroot/packages-after" "$outroot/packages-control")" = "$ctl" ]; then
	record "PASS gate:host-untouched-packages-control -- a changed version of $ctl is seen"
else
	record "FAIL gate:host-untouched-packages-control -- a changed version of '$ctl' went unseen"
fi

passed=$(grep -c '^PASS ' "$summary")
failed=$(grep -c '^FAIL ' "$summary")
skipped=$(grep -c '^SKIP ' "$summary")
# Setup steps (kernel builds, module loads and unloads, a boot's end, a
# kselftest script's exit): not tests, and not in the count; one that
# failed is among the failures.
steps=$(grep -c '^STEP ' "$summary")
echo
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep '^FAIL ' "$summary" | sed 's/^/  /'
	echo
fi
# KCSAN reports about the core kernel alone: listed, not counted.
if grep -q '^INFO ' "$summary"; then
	echo "Listed, not counted:"
	grep '^INFO ' "$summary" | sed 's/^/  /'
	echo
fi
took=$(( $(date +%s) - t0 ))
log "check took $took s; logs in $outroot"
# CHECK_RECORD=1 keeps this run's time under results/: make_check_cold.md
# when the cache held no kernel build at the start, make_check_warm.md
# otherwise, with what it was measured on and where the time went.
if [ "${CHECK_RECORD:-0}" = 1 ]; then
	kind=warm
	[ "$built_at_start" -eq 0 ] && kind=cold
	rec=$LLPOOL_REPO/results/make_check_$kind.md
	# Named before the record is written: writing it dirties the tree.
	commit=$(git -C "$LLPOOL_REPO" describe --always --dirty 2>/dev/null || echo unknown)
	mkdir -p "$LLPOOL_REPO/results"
	{
		echo "# make check, $kind cache: measured time"
		echo
		echo "Command: \`CHECK_RECORD=1 make check\`.  Date: $(date -u +%Y-%m-%d)."
		echo "llpool $commit;" \
			"variants: $variants; cache $LLPOOL_CACHE with $built_at_start kernel builds at the start."
		echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d GiB", $2 / 1048576}' /proc/meminfo);" \
			"guests 4 vCPUs in 2 NUMA nodes (the CPU shapes 1, 4 with 2 online, 16)," \
			"QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')," \
			"accelerator $(grep -o 'vCPUs, [a-z]*' "$outroot/check.log" 2>/dev/null | sort -u | sed 's/vCPUs, //' | tr '\n' ' ')(wall clock)."
		echo "Host load average (1, 5, 15 min) when the run began: $load0."
		echo
		echo "| wall time | result |"
		echo "| --- | --- |"
		echo "| $took s ($((took / 60)) min $((took % 60)) s) | $passed passed, $failed failed, $skipped skipped ($steps setup steps, not counted) |"
		echo
		echo "Where the time went: each boot, from its start to the next step's."
		echo
		echo '```'
		grep -hE '^\[llpool [0-9:]+\] (booting|configuring kernel|kernel .* built in|check took|making a patched)' "$outroot/check.log" 2>/dev/null |
			sed 's/ (\/.*//' | cut -c1-120
		echo '```'
	} > "$rec"
	log "recorded in $rec"
fi
echo "Setup steps done, not counted as tests: $steps"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
