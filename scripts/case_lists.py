#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gate:case-lists: the KUnit cases the boots must report are the suites'.

case_lists.py REPO

Every case of every suite in REPO/kunit/*.c (LLPOOL_KUNIT_SUITE(suite, ...)
with its KUNIT_CASE*(case, ...) entries) must be in each case list that runs
the suites (scripts/expect/check.cases and kcsan.cases) as
kunit:suite.case, or kunit:suite.case.PARAM for a parameterised case; and
every kunit: line of those lists, and of control.cases, must be a case of
the sources.  So a case
compiled out, or a suite that never loads, fails its boot (scripts/verdict.py
--cases), and a case added to a suite must be added to the lists.
Its positive control: the same check on a copy of check.cases with one
case's line taken out must name that case.  Prints PASS/FAIL lines.
"""
import glob
import os
import re
import sys

LISTS = ("check.cases", "kcsan.cases")


def source_cases(repo):
    cases = {}
    for path in sorted(glob.glob(os.path.join(repo, "kunit", "*.c"))):
        text = open(path).read()
        m = re.search(r"^LLPOOL_KUNIT_SUITE\((\w+),", text, re.M)
        if not m:
            continue
        for c in re.findall(r"^\s*KUNIT_CASE(?:_SLOW|_PARAM)?\((\w+)", text, re.M):
            cases["%s.%s" % (m.group(1), c)] = os.path.relpath(path, repo)
    return cases


def list_cases(lines):
    return [l.split()[0][len("kunit:"):] for l in lines
            if l.strip() and not l.startswith("#") and l.startswith("kunit:")]


def problems(src, listed, name):
    bad = []
    for case, path in sorted(src.items()):
        if not any(l == case or l.startswith(case + ".") for l in listed):
            bad.append("%s (%s) is not in %s" % (case, path, name))
    for l in listed:
        if not any(l == case or l.startswith(case + ".") for case in src):
            bad.append("%s in %s is no case of kunit/*.c" % (l, name))
    return bad


def main():
    repo = sys.argv[1]
    src = source_cases(repo)
    bad = []
    for name in LISTS:
        with open(os.path.join(repo, "scripts", "expect", name)) as f:
            lines = f.read().splitlines()
        bad += problems(src, list_cases(lines), name)
    # control.cases names a few suites' cases (a control boot runs one
    # suite): each must be a case of the sources.
    with open(os.path.join(repo, "scripts", "expect", "control.cases")) as f:
        listed = list_cases(f.read().splitlines())
    bad += [p for p in problems(src, listed, "control.cases") if "is no case" in p]
    if not src:
        bad.append("no KUnit case found in kunit/*.c")
    if bad:
        print("FAIL gate:case-lists -- " + "; ".join(bad[:8]))
    else:
        print("PASS gate:case-lists -- %d KUnit cases in %d suites, in %s" %
              (len(src), len(set(c.split(".")[0] for c in src)), " and ".join(LISTS)))

    # The control: check.cases without one case (the last by name).
    with open(os.path.join(repo, "scripts", "expect", "check.cases")) as f:
        lines = f.read().splitlines()
    victim = sorted(src)[-1] if src else ""
    cut = [l for l in lines if not (l.split() and l.split()[0] == "kunit:" + victim)]
    got = problems(src, list_cases(cut), "check.cases")
    if len(cut) < len(lines) and len(got) == 1 and victim in got[0]:
        print("PASS gate:case-lists-control -- with %s's line taken out: %s" % (victim, got[0]))
    else:
        print("FAIL gate:case-lists-control -- with %s's line taken out: %s" % (victim, got or "nothing reported"))


if __name__ == "__main__":
    main()
