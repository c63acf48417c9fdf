#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Positive controls of scripts/verdict.py itself, on copies of real boots.

verdict_controls.py --kunit-py PATH --cases DIR --workdir DIR
    --check OUTDIR NAME TAGS
    --control OUTDIR NAME TAGS EXPECT ALLOW

Each plants one mistake in a copy of a boot's logs that verdict.py passed,
judges the copy with the same arguments, and passes only if the verdict
changed in exactly the way the mistake explains:
  verdict:planted-splat    a lockdep report added to a control boot's
                           kernel log fails the control, naming it;
  verdict:planted-inside   so does a report printed inside the lines of
                           the control's own expected report (a WARN);
  verdict:missing-case     a KUnit case removed from the check boot's
                           results (as a case compiled out is absent:
                           gone from the suite's plan and numbering) fails
                           that case, and nothing else;
  verdict:unlisted-case    a case the list does not name, reported, fails;
  verdict:kcsan-interrupted  a KCSAN report of a core kernel race whose
                           two stacks each run, below the interrupt's
                           entry, into a function of ours that it
                           interrupted is listed (INFO), and fails nothing;
  verdict:kcsan-ours       the same report with a function of ours above
                           the second access's entry (its title naming
                           core functions only) fails kernel-log-clean.
Prints PASS/FAIL verdict:<name> lines, as the other gates do.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# A report of the kind lockdep prints (kernel/locking/lockdep.c,
# print_lock_invalid_wait_context), with a lock of nobody's.
PLANTED_SPLAT = """
=============================
[ BUG: Invalid wait context ]
7.3.4 #1 Not tainted
-----------------------------
planted/1 is trying to lock:
ffffffff00000000 (planted_lock){....}-{3:3}, at: planted_function+0x0/0x10
other info that might help us debug this:
context-{2:2}
no locks held by planted/1.
stack backtrace:
"""


# A KCSAN report as kernel/kcsan/report.c prints one: the tick's hrtimer
# race, each access taken in an interrupt, and below each interrupt's entry
# stub a function of ours that it interrupted ({victim}).  {ours} is a
# frame line above the second access's stub (a function of ours in the
# interrupt's own call chain), or nothing.  Both titles name core
# functions only, so only the stack scan can find {ours}.
PLANTED_KCSAN = """
==================================================================
BUG: KCSAN: data-race in __hrtimer_run_queues / hrtimer_active

write to 0xffff88807dc1e4d8 of 8 bytes by interrupt on cpu 1:
 __hrtimer_run_queues+0x1c0/0x3f0
 hrtimer_interrupt+0x11c/0x2f0
 __sysvec_apic_timer_interrupt+0x5b/0x150
 sysvec_apic_timer_interrupt+0x6d/0x80
 asm_sysvec_apic_timer_interrupt+0x1a/0x20
 {victim}+0x120/0x357 [llpool_zone_lock_kunit]
 kunit_try_run_case+0x8d/0x170

read to 0xffff88807dc1e4d8 of 8 bytes by interrupt on cpu 0:
 hrtimer_active+0x69/0xc1
{ours} task_tick_fair+0x66/0x83
 sched_tick+0xa5/0x1a1
 update_process_times+0xa1/0xac
 sysvec_apic_timer_interrupt+0x6d/0x80
 asm_sysvec_apic_timer_interrupt+0x1a/0x20
 {victim}+0x246/0x357 [llpool_zone_lock_kunit]
 kunit_try_run_case+0x8d/0x170

value changed: 0x0000000000000000 -> 0xffff88807dc1e4a0

Reported by Kernel Concurrency Sanitizer on:
CPU: 0 UID: 0 PID: 512 Comm: kunit_try_catch Not tainted 6.12.57 #1
==================================================================
"""


def verdict(a, outdir, name, extra, kinds=("PASS ", "FAIL ", "SKIP ")):
    r = subprocess.run([sys.executable, os.path.join(HERE, "verdict.py"),
                        "--kunit-py", a.kunit_py, outdir, name] + extra,
                       capture_output=True, text=True)
    return [l for l in r.stdout.splitlines() if l.startswith(kinds)]


def control_args(a):
    """The control boot's directory, name and verdict.py arguments."""
    outdir, name, tags, expect, allow = a.control
    return outdir, name, ["--cases", os.path.join(a.cases, "control.cases"), "--tags", tags,
                          "--expect", expect, "--allow", allow]


def check_args(a):
    """The check boot's directory, name and verdict.py arguments."""
    outdir, name, tags = a.check
    return outdir, name, ["--cases", os.path.join(a.cases, "check.cases"), "--tags", tags]


def fails(lines):
    return {l.split(" -- ")[0][5:]: l for l in lines if l.startswith("FAIL ")}


def copy(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for f in ("results.log", "console.log"):
        shutil.copy(os.path.join(src, f), dst)


def report(name, ok, why):
    print("%s verdict:%s -- %s" % ("PASS" if ok else "FAIL", name, why), flush=True)


def planted_splat(a):
    outdir, name, extra = control_args(a)
    base = verdict(a, outdir, name, extra)
    if fails(base) or not base:
        return report("planted-splat", False, "the control boot it starts from did not pass: %s"
                      % (base or "no verdict"))
    d = os.path.join(a.workdir, "planted-splat")
    copy(outdir, d)
    with open(os.path.join(d, "console.log"), "a") as f:
        f.write(PLANTED_SPLAT)
    got = fails(verdict(a, d, name, extra))
    line = got.get(name + ":control", "")
    ok = (list(got) == [name + ":control"] and "splat not explained" in line
          and "planted_lock" in line and line.count(" || ") == 0)
    report("planted-splat", ok, "a lockdep report planted in %s: %s" %
           (name, line[:300] if line else "no FAIL: %s" % sorted(got)))


def planted_inside(a):
    """A second report printed inside the expected one's lines (between a
    WARN's "cut here" and its end) is a report of its own."""
    outdir, name, extra = control_args(a)
    d = os.path.join(a.workdir, "planted-inside")
    copy(outdir, d)
    path = os.path.join(d, "console.log")
    with open(path, errors="replace") as f:
        lines = f.read().split("\n")
    at = next((i for i, l in enumerate(lines) if "cut here" in l), None)
    if at is None:
        return report("planted-inside", False, "no WARN in %s to plant into" % name)
    lines[at + 25:at + 25] = ["BUG: sleeping function called from invalid context at planted.c:1",
                              "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: planted"]
    with open(path, "w") as f:
        f.write("\n".join(lines))
    got = fails(verdict(a, d, name, extra))
    line = got.get(name + ":control", "")
    ok = (list(got) == [name + ":control"] and "planted.c" in line
          and line.count(" || ") == 0)
    report("planted-inside", ok, "a report planted 25 lines into %s's WARN: %s" %
           (name, line[:300] if line else "no FAIL: %s" % sorted(got)))


def remove_case(ktap, case):
    """KTAP with CASE gone from its suite as a case compiled out is: its
    lines and diagnostics removed, the suite's plan one smaller, the cases
    after it renumbered."""
    out, plan_at, removed = [], None, False
    lines = ktap.split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        m = re.match(r"^(\s+)1\.\.(\d+)$", l)
        if m and plan_at is None and len(m.group(1)) == 4:
            plan_at = len(out)
        if re.match(r"^\s+# %s: " % re.escape(case), l):
            i += 1
            continue
        m = re.match(r"^(    )(ok|not ok) (\d+) (\S+)$", l)
        if m and m.group(4) == case:
            removed = True
            i += 1
            continue
        if m and removed:
            l = "%s%s %d %s" % (m.group(1), m.group(2), int(m.group(3)) - 1, m.group(4))
        out.append(l)
        i += 1
    if not removed or plan_at is None:
        return None
    m = re.match(r"^(\s+)1\.\.(\d+)$", out[plan_at])
    out[plan_at] = "%s1..%d" % (m.group(1), int(m.group(2)) - 1)
    return "\n".join(out)


def missing_case(a):
    outdir, name, extra = check_args(a)
    base = fails(verdict(a, outdir, name, extra))
    suite, case = "llpool_functional", "llpool_round_trip"
    with open(os.path.join(outdir, "results.log"), errors="replace") as f:
        results = f.read()
    m = re.search(r"(@@ KTAP-BEGIN %s\n)(.*?)(\n@@ KTAP-END)" % suite, results, re.S)
    cut = remove_case(m.group(2), case) if m else None
    if cut is None:
        return report("missing-case", False, "no %s.%s in %s to remove" % (suite, case, outdir))
    d = os.path.join(a.workdir, "missing-case")
    copy(outdir, d)
    with open(os.path.join(d, "results.log"), "w") as f:
        f.write(results[:m.start(2)] + cut + results[m.end(2):])
    got = fails(verdict(a, d, name, extra))
    new = sorted(set(got) - set(base))
    want = "%s:kunit:%s.%s" % (name, suite, case)
    ok = new == [want] and "missing" in got[want] and set(base) <= set(got)
    report("missing-case", ok, "%s removed from the check boot's KTAP: new failures %s"
           % (case, [got[k][:200] for k in new] or "none"))


def cut_plan(a):
    """The check boot's first kselftest cut off after its first case, as
    its deadline cuts a run that hangs: one FAIL says how many cases the
    plan announced never came, the case list names each, and the exit
    fails; the case reported before the cut still counts."""
    outdir, name, extra = check_args(a)
    base = fails(verdict(a, outdir, name, extra))
    with open(os.path.join(outdir, "results.log"), errors="replace") as f:
        results = f.read()
    m = re.search(r"@@ KTAP-BEGIN (selftest:\S+)\n(.*?)\n@@ KTAP-END\n", results, re.S)
    first = re.search(r"^ok 1 .*$", m.group(2), re.M) if m else None
    if first is None:
        return report("cut-plan", False, "no kselftest that passed its first case in %s" % outdir)
    suite = m.group(1)
    cut = m.group(2)[:first.end()] + "\n# no return within 300 s"
    results = results[:m.start(2)] + cut + results[m.end(2):]
    results, n = re.subn(r"^@@ RESULT %s:exit .*$" % re.escape(suite),
                         "@@ RESULT %s:exit fail no end within 300 s" % suite, results, flags=re.M)
    d = os.path.join(a.workdir, "cut-plan")
    copy(outdir, d)
    with open(os.path.join(d, "results.log"), "w") as f:
        f.write(results)
    got = fails(verdict(a, d, name, extra))
    new = sorted(set(got) - set(base))
    plan = "%s:%s:plan" % (name, suite)
    missing = [k for k in new if "missing" in got[k]]
    rest = [k for k in new if k != plan and k not in missing]
    ok = (n == 1 and plan in new and "never reported" in got[plan] and missing
          and rest == ["%s:%s:exit" % (name, suite)] and set(base) <= set(got))
    report("cut-plan", ok, "%s cut after its first case: %s; %d cases missing; other new failures %s"
           % (suite, got.get(plan, "no :plan FAIL")[:120], len(missing), rest))


def unlisted_case(a):
    outdir, name, extra = check_args(a)
    base = fails(verdict(a, outdir, name, extra))
    d = os.path.join(a.workdir, "unlisted-case")
    copy(outdir, d)
    with open(os.path.join(d, "results.log"), "r+") as f:
        text = f.read()
        f.seek(0)
        f.write(text.replace("@@ END", "@@ RESULT planted:unlisted pass\n@@ END", 1))
    got = fails(verdict(a, d, name, extra))
    new = sorted(set(got) - set(base))
    ok = new == [name + ":planted:unlisted"] and "not in" in got.get(new[0] if new else "", "")
    report("unlisted-case", ok, "a passing case the list does not name: new failures %s"
           % ([got[k][:200] for k in new] or "none"))


def planted_kcsan(a, label, ours):
    """The check boot with a KCSAN report planted at its log's end: the
    new FAIL lines and the INFO lines it gives."""
    outdir, name, extra = check_args(a)
    d = os.path.join(a.workdir, label)
    copy(outdir, d)
    with open(os.path.join(d, "console.log"), "a") as f:
        f.write(PLANTED_KCSAN.format(victim="llpool_zl_rounds", ours=ours))
    lines = verdict(a, d, name, extra, kinds=("FAIL ", "INFO "))
    base = fails(verdict(a, outdir, name, extra))
    new = {k: v for k, v in fails(lines).items() if k not in base}
    info = [l for l in lines if l.startswith("INFO ") and "__hrtimer_run_queues" in l]
    return name, new, info


def kcsan_interrupted(a):
    name, new, info = planted_kcsan(a, "kcsan-interrupted", "")
    ok = not new and len(info) == 1
    report("kcsan-interrupted", ok, "a core race whose two accesses each interrupted "
           "llpool_zl_rounds: new failures %s, listed %s"
           % (sorted(new) or "none", [l[:200] for l in info]))


def kcsan_ours(a):
    frame = " llpool_planted_tick+0x10/0x40 [llpool_zone_lock_kunit]\n"
    name, new, info = planted_kcsan(a, "kcsan-ours", frame)
    want = name + ":kernel-log-clean"
    ok = list(new) == [want] and "llpool_planted_tick" in new[want] and not info
    report("kcsan-ours", ok, "the same race, its read made in a function of ours "
           "in the interrupt's call chain: new failures %s"
           % ([v[:200] for v in new.values()] or "none"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kunit-py", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--check", nargs=3, required=True)
    ap.add_argument("--control", nargs=5, required=True)
    a = ap.parse_args()
    planted_splat(a)
    planted_inside(a)
    missing_case(a)
    cut_plan(a)
    unlisted_case(a)
    kcsan_interrupted(a)
    kcsan_ours(a)


if __name__ == "__main__":
    main()
