#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one guest boot.

verdict.py OUTDIR NAME --kunit-py PATH [--cases FILE --tags T,...]
           [--expect REGEX [--allow RESULT,...] [--allow-splat REGEX]]

Reads OUTDIR/results.log (the guest's result channel) and OUTDIR/console.log
(the whole kernel log) and prints one line per test:
    PASS <name>
    FAIL <name> -- <why>
    SKIP <name> -- <why>
and one STEP line per setup step that went well (a module loaded or
unloaded, a kselftest script's exit, the boot's end): those are not tests
and are not counted; a setup step that fails is a FAIL.
KUnit suites are parsed with the kernel's own tools/testing/kunit/kunit.py.
With --cases, the boot must report every case the list names for its tags,
skip one only where the list allows it, and report none it does not name.
The kernel log is scanned for splats: in a normal boot any splat is a
failure.  A KCSAN report fails only when it names llpool's code (see
kcsan_ours); one about the core kernel alone is printed as an INFO line,
listed and not counted.
With --expect, the boot is a negative control and gets one verdict: the
report REGEX must be there (a counted splat, or a failed check of the
guest's), and nothing else may fail: no other splat, no failed result but
those --allow names (a detector that turns itself off after its first
report, as lockdep does), no other splat but those --allow-splat
matches, no case of the list missing.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# Every report the kernel's debug facilities print, by its first line.
SPLATS = [
    r"BUG: ",
    r"WARNING: ",
    r"Invalid wait context",
    r"possible recursive locking detected",
    r"possible circular locking dependency",
    r"inconsistent lock state",
    r"KASAN: ",
    r"UBSAN: ",
    r"kmemleak: \d+ new suspected memory leaks",
    r"unreferenced object 0x",
    r"sleeping function called from invalid context",
    r"Oops",
    r"Kernel panic",
    r"general protection fault",
    r"rcu: INFO: .*detected stall",
    r"soft lockup",
    r"blocked for more than \d+ seconds",
    r"------------\[ cut here \]------------",
]
SPLAT_RE = re.compile("|".join("(?:%s)" % s for s in SPLATS))
TS_RE = re.compile(r"^\[\s*\d+\.\d+\]\s?")
MARK_RE = re.compile(r"llpool-mark: (.*?)(?: \[t=[0-9.]+\])?$")

# KCSAN's report: "BUG: KCSAN: <kind> in <f> [/ <g>]" up to its closing
# line of "=" (kernel/kcsan/report.c).
KCSAN_RE = re.compile(r"BUG: KCSAN: ")
KCSAN_END_RE = re.compile(r"^={20,}\s*$")
# The head of each racing access's stack: "read to 0x... of 8 bytes by
# task 1 on cpu 0:", "write (marked) to ...", "assert no accesses to ...",
# "race at unknown origin, with read to ..." (kernel/kcsan/report.c,
# print_report()).
KCSAN_ACCESS_RE = re.compile(r" to 0x[0-9a-f]+ of \d+ bytes by ")
# Our code in a report: a symbol of one of our modules ("f+0x1/0x2
# [llpool_control]", or the title's "f [llpool]"; a build id may follow
# the module name), or a function of ours by its name.
OUR_MODULE_RE = re.compile(r"\[(?:llpool|llpool_\w+|rcu_pool_user)(?: [0-9a-f]+)?\]")
OUR_FUNC_RE = re.compile(r"(?<![\w.])(?:__)?(?:llpool|rcu_pool)_\w*")
FRAME_RE = re.compile(r"(\S+)\+0x[0-9a-f]+/0x[0-9a-f]+")


# Every result line, in order: (status, name, why).  main() prints them
# once the boot is judged.
RESULTS = []
# Indexes in RESULTS of the lines that say a KTAP plan was cut short.
PLAN_SHORT = []

# Setup steps, not tests: loading and unloading a module, a kselftest
# script's exit code (its cases are the tests), the boot reaching its end.
# They are printed as STEP lines and not counted; one that fails is a
# FAIL, since the tests behind it did not run.
SETUP_RE = re.compile(r"(?:^|:)(?:insmod|rmmod):|:exit$|^finished$")


def out(status, name, why=""):
    RESULTS.append((status, name, why))


def emit(status, name, why=""):
    line = "%s %s" % (status, name)
    if why:
        line += " -- " + why.replace("\n", " | ")
    print(line, flush=True)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().replace("\r", "")
    except FileNotFoundError:
        return ""


def kcsan_ours(title, block):
    """Where a KCSAN report names our code, in its title's functions or in
    a stack frame of one of its racing accesses, by module tag or by
    function name: the title, the frame, or None when it does not.

    An access's stack runs from the access down through every caller and,
    where an interrupt or exception came in, on through the code it
    interrupted: x86's entry stubs are named asm_* (asm_sysvec_*,
    asm_common_interrupt, asm_exc_*; arch/x86/include/asm/idtentry.h).
    Frames below such a stub did not make the access; they were only
    running when the interrupt hit (the tick's own hrtimer race, taken
    while a test of ours spins, is the core kernel's).  So the scan stops
    at the stub, for each access in turn."""
    funcs = re.sub(r"^BUG: KCSAN: .*? in ", "", title)
    if OUR_MODULE_RE.search(funcs) or any(
            OUR_FUNC_RE.match(f.strip()) for f in funcs.split(" / ")):
        return title
    interrupted = False
    for line in block:
        if KCSAN_ACCESS_RE.search(line):
            interrupted = False
            continue
        m = FRAME_RE.search(line)
        if not m or interrupted:
            continue
        if m.group(1).startswith("asm_"):
            interrupted = True
            continue
        if OUR_MODULE_RE.search(line) or OUR_FUNC_RE.match(m.group(1)):
            return line.strip()
    return None


# Where a report ends: a WARN's or an Oops' "---[ end trace ... ]---", a
# KASAN report's closing line of "=".  Lockdep's and most others' reports
# have no closing line.
END_RE = re.compile(r"---\[ end trace|^={20,}\s*$")


def find_splats(console):
    """Return (first line, context, counted, text) of each splat, with the
    step it was in.  counted is False for a KCSAN report that does not name
    our code: such a report is listed, not counted.  text is the report's
    own lines (to its closing line, END_RE, or 12 lines, never into the next
    report), joined with " / ", for a control's --expect to match.  A
    report counts once: its first three lines are one report (a WARN's "cut
    here", message and "WARNING:").  A KCSAN report is judged whole, up to its
    closing line, and one such race reported again (KCSAN repeats a race
    after KCSAN_REPORT_ONCE_IN_MS) is one splat."""
    splats = []
    kcsan = {}
    mark = "boot"
    lines = [TS_RE.sub("", l) for l in console.splitlines()]
    skip_until = -1
    for i, line in enumerate(lines):
        m = MARK_RE.search(line)
        if m:
            mark = m.group(1)
            continue
        # A KCSAN report is delimited: it starts a report of its own even
        # inside the lines skipped after another splat.
        is_kcsan = KCSAN_RE.search(line)
        if (i <= skip_until and not is_kcsan) or not SPLAT_RE.search(line):
            continue
        if is_kcsan:
            title = line[is_kcsan.start():].strip()
            end = i + 1
            while end < len(lines) and end < i + 200 and not KCSAN_END_RE.match(lines[end]):
                end += 1
            block = lines[i + 1:end]
            skip_until = end
            ours = kcsan_ours(title, block)
            if title in kcsan:
                idx = kcsan[title][0]
                kcsan[title][1] += 1
                splats[idx][2] = splats[idx][2] or ours is not None
                continue
            frames = [f.strip() for f in block if FRAME_RE.search(f)][:4]
            if ours is not None and ours != title and ours not in frames:
                frames += ["...", ours]
            kcsan[title] = [len(splats), 1]
            splats.append([title, "during '%s': %s | %s" % (mark, title, " / ".join(frames)),
                           ours is not None, " / ".join([title] + block)])
            continue
        end = next((j for j in range(i + 1, min(len(lines), i + 400))
                    if END_RE.search(lines[j])), None)
        # A report's first line and the two after it are one report (a
        # WARN's "cut here", its message, "WARNING:"); a report's body
        # matches no SPLAT pattern, so any match past them is a report of
        # its own, even one printed inside another's lines.
        skip_until = i + 2
        # The report's text: up to its end, or 12 lines, and never into the
        # next report.
        stop = end + 1 if end is not None else i + 12
        nxt = next((j for j in range(i + 3, min(stop, len(lines)))
                    if SPLAT_RE.search(lines[j])), stop)
        text = [l.strip() for l in lines[i:min(stop, nxt)] if l.strip()]
        ctx = [l for l in lines[i:i + 12] if l.strip()][:6]
        splats.append([line.strip(), "during '%s': %s" % (mark, " / ".join(ctx)), True,
                       " / ".join(text)])
    for idx, times in kcsan.values():
        if times > 1:
            splats[idx][1] += " (reported %d times)" % times
    return [tuple(s) for s in splats]


def kunit_cases(suite_text, kunit_py):
    """Parse one suite's KTAP with kunit.py; yield (name, status)."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "ktap")
        js = os.path.join(d, "out.json")
        with open(src, "w") as f:
            f.write(suite_text)
        r = subprocess.run([sys.executable, kunit_py, "parse", "--json=" + js, src],
                           cwd=os.path.dirname(kunit_py), capture_output=True, text=True)
        if r.returncode not in (0, 1) or not os.path.exists(js):
            yield ("parse", "FAIL:kunit.py parse failed: " + r.stderr[-300:])
            return
        with open(js) as f:
            data = json.load(f)

    def walk(group, prefix):
        for case in group.get("test_cases", []):
            yield (prefix + case["name"], case["status"])
        for sub in group.get("sub_groups", []):
            # A parameterised case is a group whose cases are its params.
            yield from walk(sub, prefix + sub["name"] + ".")

    got = list(walk(data, ""))
    if not got:
        yield ("parse", "FAIL:no test cases in KTAP")
    yield from got


def console_suite(console, suite):
    """A KUnit suite's KTAP as the kernel printed it, from the kernel log:
    the last "# Subtest: SUITE" up to the suite's own ok line, under a
    KTAP header.  None if it is not there."""
    lines = [TS_RE.sub("", l) for l in console.splitlines()]
    head = re.compile(r"^\s*# Subtest: %s\s*$" % re.escape(suite))
    tail = re.compile(r"^\s*(?:not )?ok \d+ %s\s*$" % re.escape(suite))
    starts = [i for i, l in enumerate(lines) if head.match(l)]
    if not starts:
        return None
    for j in range(starts[-1], len(lines)):
        if tail.match(lines[j]):
            body = lines[starts[-1]:j + 1]
            indent = re.match(r"^\s*", body[0]).group(0)
            return "\n".join(["KTAP version 1", "1..1", indent + "KTAP version 1"] + body) + "\n"
    return None


def lossy_params(ktap):
    """Whether a suite's debugfs KTAP lost its parameterised cases' lines.
    Before 6.2 each parameter's run starts the case's log afresh, so the
    debugfs file keeps only the last parameter's result line, without its
    "# Subtest:" header (the kernel log has them all): a case's parameter
    summary ("# case: pass:N ...") with no "# Subtest: case" before it."""
    for m in re.finditer(r"^\s+# (\w+): pass:\d+ fail:\d+ skip:\d+ total:\d+$", ktap, re.M):
        if not re.search(r"^\s+# Subtest: %s$" % re.escape(m.group(1)), ktap, re.M):
            return True
    return False


def kunit_failures(ktap, case):
    """What a failed KUnit case said: its first failed expectations or
    assertions ("file:line: Expected ..."), from the KTAP's diagnostics."""
    name = case.split(".")[1] if "." in case else case
    got = re.findall(r"# %s: (?:EXPECTATION|ASSERTION) FAILED at (\S+)\n\s*#?\s*(.*)"
                     % re.escape(name), ktap)
    if got:
        return "; ".join("%s: %s" % (where, what.strip()) for where, what in got[:3])
    # A kselftest's case says why on its "# case: ..." line (llpool_result).
    said = re.findall(r"^\s*# %s: (.*)$" % re.escape(case), ktap, re.M)
    return said[-1].strip()[:300] if said else ""


def read_cases(path, tags):
    """The cases a boot must report, from a case list (scripts/expect/,
    whose header gives the format): {name: skip_ok} for the lines whose
    if= holds under TAGS."""
    def holds(cond):
        return cond[1:] not in tags if cond.startswith("!") else cond in tags

    want = {}
    with open(path) as f:
        for no, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].split()
            if not line:
                continue
            name, opts = line[0], {}
            for o in line[1:]:
                key, eq, val = o.partition("=")
                if not eq or key not in ("if", "skip") or key in opts or not val:
                    raise ValueError("%s:%d: %r: want NAME [if=TAG,...] [skip=TAG,...]"
                                     % (path, no, raw.strip()))
                opts[key] = val
            if name in want:
                raise ValueError("%s:%d: %s is listed twice" % (path, no, name))
            if all(holds(c) for c in opts.get("if", "").split(",") if c):
                want[name] = any(holds(c) for c in opts.get("skip", "").split(",") if c)
    return want


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("name")
    ap.add_argument("--expect", action="append", default=[],
                    help="negative control: regex of a report that must appear (each one given)")
    ap.add_argument("--allow", default="",
                    help="with --expect: comma-separated results the control's mistake "
                    "may fail (its detector turning off after the report)")
    ap.add_argument("--allow-splat", default="",
                    help="with --expect: regex of other splats the control's mistake explains")
    ap.add_argument("--cases", help="the case list the boot must report in full")
    ap.add_argument("--tags", default="", help="comma-separated tags for the case list's if= and skip=")
    ap.add_argument("--kunit-py", required=True)
    return ap.parse_args()


def main(a):
    results = read(os.path.join(a.outdir, "results.log"))
    console = read(os.path.join(a.outdir, "console.log"))
    n = a.name

    booted = "@@ BOOT" in results
    finished = re.search(r"^@@ END", results, re.M) is not None
    crashed = re.search(r"^@@ QEMU died.*", results, re.M)
    if crashed:
        out("FAIL", n + ":qemu", crashed.group(0)[3:] +
            " (host emulator crash; see console.qemu-crash.log)")
    if not booted:
        out("FAIL", n + ":boot", "guest did not reach init; console tail: " +
            " / ".join(console.splitlines()[-5:]))
    elif not finished:
        why = "timed out" if "@@ TIMEOUT" in results else (
            "QEMU crashed" if crashed else "guest died")
        out("FAIL", n + ":finished", why + "; console tail: " +
            " / ".join(console.splitlines()[-5:]))
    else:
        out("PASS", n + ":finished")

    # Result lines and KTAP blocks.
    lines = results.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("@@ RESULT "):
            parts = line.split(None, 4)
            name, status = parts[2], parts[3].upper() if len(parts) > 3 else "FAIL"
            why = parts[4] if len(parts) > 4 else ""
            out(status if status in ("PASS", "FAIL", "SKIP") else "FAIL", n + ":" + name, why)
        elif line.startswith("@@ KTAP-BEGIN "):
            suite = line.split()[2]
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith("@@ KTAP-END"):
                body.append(lines[i])
                i += 1
            ktap = "\n".join(body) + "\n"
            if not suite.startswith("selftest:") and lossy_params(ktap):
                ktap = console_suite(console, suite) or ktap
            unreported = 0
            for case, status in kunit_cases(ktap, a.kunit_py):
                # kunit.py fills a plan's cases that never came (a run
                # cut off) with nameless errors: one line says how many,
                # and the case list names each missing case.
                if not case.rsplit(".", 1)[-1].strip() and status not in ("PASS", "SKIP"):
                    unreported += 1
                    continue
                why = ""
                if status.startswith("FAIL:"):
                    status, why = "FAIL", status[5:]
                elif status not in ("PASS", "SKIP"):
                    why = kunit_failures(ktap, case) or "kunit status " + status
                    status = "FAIL"
                # kunit.py names KUnit cases "suite.case[.param]"; a
                # kselftest's KTAP has no suite line, so prefix its name.
                # Params may hold spaces.
                case = case.replace(" ", "_")
                if suite.startswith("selftest:"):
                    out(status, "%s:%s.%s" % (n, suite, case), why)
                else:
                    out(status, "%s:kunit:%s" % (n, case), why)
            if unreported:
                PLAN_SHORT.append(len(RESULTS))
                out("FAIL", "%s:%s:plan" % (n, suite),
                    "%d of the cases its plan announced were never reported" % unreported)
        elif line.startswith("@@ DATA-BEGIN "):
            i += 1
            while i < len(lines) and not lines[i].startswith("@@ DATA-END"):
                i += 1
        i += 1

    # The case list: each case it names for these tags must be reported,
    # and a SKIP only where it allows one; a reported case it does not
    # name is a FAIL too, so that the list stays the whole plan.  These
    # failures are the plan's, never a control's report nor a failure its
    # mistake explains (STRUCTURAL).
    structural = set()
    if a.cases:
        want = read_cases(a.cases, set(t for t in a.tags.split(",") if t))
        seen = {}
        for k, (status, name, why) in enumerate(RESULTS):
            short = name[len(n) + 1:]
            if k in PLAN_SHORT:
                structural.add(k)
                continue
            if SETUP_RE.search(short) or short in ("qemu", "boot"):
                continue
            seen[short] = status
            if short not in want:
                RESULTS[k] = ("FAIL", name, "reported, but not in %s for tags %s (%s %s)"
                              % (a.cases, a.tags, status, why))
                structural.add(k)
            elif status == "SKIP" and not want[short]:
                RESULTS[k] = ("FAIL", name, "skipped, and %s allows no skip here: %s"
                              % (a.cases, why))
                structural.add(k)
        for case in want:
            if case not in seen:
                structural.add(len(RESULTS))
                out("FAIL", "%s:%s" % (n, case),
                    "missing: %s names it for tags %s and the boot did not report it"
                    % (a.cases, a.tags))

    splats = find_splats(console)
    # KCSAN reports about the core kernel alone: listed, never counted.
    for first, ctx, counted, _ in splats:
        if not counted:
            out("INFO", n + ":kcsan-core", ctx)
    counted = [s for s in splats if s[2]]

    if a.expect:
        control(a, n, splats, counted, structural)
        return

    for status, name, why in RESULTS:
        if status != "FAIL" and SETUP_RE.search(name[len(n) + 1:]):
            status = "STEP"
        emit(status, name, why)
    if counted:
        for first, ctx, _, _ in counted:
            emit("FAIL", n + ":kernel-log-clean", ctx)
    else:
        emit("PASS", n + ":kernel-log-clean")


def control(a, n, splats, counted, structural):
    """A negative control's one verdict.  Each --expect must be met by a
    report: a counted splat's own lines, or a failed check of the guest's
    (kmemleak reports through a file).  Any other counted splat but those
    --allow-splat names, any other failed result but those --allow names,
    and any failure of the plan itself (a case missing, unlisted, skipped)
    fails it."""
    wants = [re.compile(x) for x in a.expect]
    allow = set(x for x in a.allow.split(",") if x)
    also = re.compile(a.allow_splat) if a.allow_splat else None
    hits = {w.pattern: [] for w in wants}
    allowed, wrong = [], []
    for k, (status, name, why) in enumerate(RESULTS):
        short = name[len(n) + 1:]
        if status != "FAIL":
            continue
        if k in structural:
            wrong.append("%s: %s" % (short, why))
            continue
        met = [w for w in wants if w.search("%s -- %s" % (name, why))]
        for w in met:
            hits[w.pattern].append("%s -- %s" % (short, why))
        if met:
            continue
        if short in allow:
            allowed.append(short)
        else:
            wrong.append("%s: %s" % (short, why))
    for first, ctx, _, text in counted:
        met = [w for w in wants if w.search(text)]
        for w in met:
            hits[w.pattern].append(w.search(text).group(0)[:160])
        if met:
            continue
        if also and also.search(text):
            allowed.append("a splat: " + first[:120])
        else:
            wrong.append("splat not explained by the mistake: " + ctx)
    for status, name, why in RESULTS:
        if status == "INFO" or (status != "FAIL" and SETUP_RE.search(name[len(n) + 1:])):
            emit("STEP" if status != "INFO" else status, name, why)
    unmet = [p for p, h in hits.items() if not h]
    if unmet:
        listed = [s[0] for s in splats if not s[2] and any(re.search(p, s[3]) for p in unmet)]
        # What else failed tells why a report is missing (a run cut off
        # at its deadline, a case never reported).
        emit("FAIL", n + ":control",
             "expected a report matching %s; found %s%s%s" %
             (" and ".join(repr(p) for p in unmet), [s[0] for s in counted] or "no splat",
              " (matching, but only listed, not counted: %s)" % listed[0] if listed else "",
              "; other failures: " + " || ".join(wrong) if wrong else ""))
    elif wrong:
        emit("FAIL", n + ":control", "detected (%s), but also: %s" %
             ("; ".join(h[0] for h in hits.values()), " || ".join(wrong)))
    else:
        emit("PASS", n + ":control", "detected: %s; failed as the mistake explains: %s; "
             "no other splat or failure" % ("; ".join(h[0] for h in hits.values()),
                                            ", ".join(allowed) or "nothing else"))


def guarded():
    """main(), and a FAIL line instead of nothing if the verdict itself
    breaks: a boot whose verdict crashed must not drop out of the count."""
    a = parse_args()
    try:
        main(a)
    except Exception:
        import traceback
        print("FAIL %s:verdict -- verdict.py failed: %s" % (
            a.name, traceback.format_exc().strip().splitlines()[-1]), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    guarded()
