#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one guest boot: verdict.py OUTDIR NAME [--expect REGEX] [--kunit-py PATH]

Reads OUTDIR/results.log (the guest's result channel) and OUTDIR/console.log
(the whole kernel log) and prints one line per test:
    PASS <name>
    FAIL <name> -- <why>
    SKIP <name> -- <why>
KUnit suites are parsed with the kernel's own tools/testing/kunit/kunit.py.
The kernel log is scanned for splats: in a normal boot any splat is a
failure; with --expect, the boot is a negative control and passes only if
a splat matching REGEX is there.  A KCSAN report fails only when it names
llpool's code (see kcsan_ours); one about the core kernel alone is printed
as an INFO line, listed and not counted.  With --expect and --counted, the
control's report must be one that fails a normal boot, and the rest of the
boot is judged as a normal boot is (any other splat fails it).
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
# Our code in a report: a symbol of one of our modules ("f+0x1/0x2
# [llpool_control]", or the title's "f [llpool]"; a build id may follow
# the module name), or a function of ours by its name.
OUR_MODULE_RE = re.compile(r"\[(?:llpool|llpool_\w+|rcu_pool_user)(?: [0-9a-f]+)?\]")
OUR_FUNC_RE = re.compile(r"(?<![\w.])(?:__)?(?:llpool|rcu_pool)_\w*")
FRAME_RE = re.compile(r"(\S+)\+0x[0-9a-f]+/0x[0-9a-f]+")


RESULT_FAILS = []


def out(status, name, why=""):
    if status == "FAIL":
        RESULT_FAILS.append("%s -- %s" % (name, why))
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
    a stack frame, by module tag or by function name: the title, the
    frame, or None when it does not."""
    funcs = re.sub(r"^BUG: KCSAN: .*? in ", "", title)
    if OUR_MODULE_RE.search(funcs) or any(
            OUR_FUNC_RE.match(f.strip()) for f in funcs.split(" / ")):
        return title
    for line in block:
        m = FRAME_RE.search(line)
        if m and (OUR_MODULE_RE.search(line) or OUR_FUNC_RE.match(m.group(1))):
            return line.strip()
    return None


def find_splats(console):
    """Return (first line, context, counted) of each splat, with the step
    it was in.  counted is False for a KCSAN report that does not name our
    code: such a report is listed, not counted.  A KCSAN report is judged
    whole, up to its closing line, and one such race reported again (KCSAN
    repeats a race after KCSAN_REPORT_ONCE_IN_MS) is one splat."""
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
                           ours is not None])
            continue
        ctx = [l for l in lines[i:i + 12] if l.strip()][:6]
        splats.append((line.strip(), "during '%s': %s" % (mark, " / ".join(ctx)), True))
        # One report spans many lines; count it once.
        skip_until = i + 40
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("name")
    ap.add_argument("--expect", help="negative control: regex of the report that must appear")
    ap.add_argument("--counted", action="store_true",
                    help="with --expect: the report must be one that fails a normal boot, "
                    "and every other splat fails as in a normal boot")
    ap.add_argument("--kunit-py", required=True)
    a = ap.parse_args()

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
            for case, status in kunit_cases("\n".join(body) + "\n", a.kunit_py):
                why = ""
                if status.startswith("FAIL:"):
                    status, why = "FAIL", status[5:]
                elif status not in ("PASS", "SKIP"):
                    why = "kunit status " + status
                    status = "FAIL"
                # kunit.py names KUnit cases "suite.case[.param]"; a
                # kselftest's KTAP has no suite line, so prefix its name.
                # Params may hold spaces.
                case = case.replace(" ", "_")
                if suite.startswith("selftest:"):
                    out(status, "%s:%s.%s" % (n, suite, case), why)
                else:
                    out(status, "%s:kunit:%s" % (n, case), why)
        elif line.startswith("@@ DATA-BEGIN "):
            i += 1
            while i < len(lines) and not lines[i].startswith("@@ DATA-END"):
                i += 1
        i += 1

    splats = find_splats(console)
    # KCSAN reports about the core kernel alone: listed, never counted.
    for first, ctx, counted in splats:
        if not counted:
            out("INFO", n + ":kcsan-core", ctx)
    counted = [s for s in splats if s[2]]
    if a.expect and a.counted:
        # The control's report must be there and must be counted; the rest
        # of the boot is judged as a normal boot.
        want = re.compile(a.expect)
        hit = [s for s in counted if want.search(s[1])]
        listed = [s for s in splats if not s[2] and want.search(s[1])]
        if hit:
            out("PASS", n + ":control-detected", hit[0][0] + " (fails a normal boot)")
        elif listed:
            out("FAIL", n + ":control-detected",
                "%r was reported but only listed, not counted: %s" % (a.expect, listed[0][0]))
        else:
            out("FAIL", n + ":control-detected",
                "expected a report matching %r; found %s" % (a.expect, [s[0] for s in splats] or "none"))
        rest = [s for s in counted if not want.search(s[1])]
        for first, ctx, _ in rest:
            out("FAIL", n + ":kernel-log-clean", ctx)
        if not rest:
            out("PASS", n + ":kernel-log-clean", "no other splat")
    elif a.expect:
        # The expected report: a splat in the kernel log, or a failed
        # check in the guest (kmemleak reports through a file).
        want = re.compile(a.expect)
        hit = [s for s in splats if want.search(s[1])]
        hit += [(f, f) for f in RESULT_FAILS if want.search(f)]
        if hit:
            out("PASS", n + ":control-detected", hit[0][0])
        else:
            out("FAIL", n + ":control-detected",
                "expected a report matching %r; found %s" % (a.expect, [s[0] for s in splats] or "none"))
    elif counted:
        for first, ctx, _ in counted:
            out("FAIL", n + ":kernel-log-clean", ctx)
    else:
        out("PASS", n + ":kernel-log-clean")


if __name__ == "__main__":
    main()
