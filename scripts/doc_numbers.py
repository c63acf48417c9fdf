#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every measured number the documents quote is in a file under results/.

doc_numbers.py REPO

Reads README.md and Documentation/*.rst (the prose; the rst files that
make bench and its kin write under results/ are data themselves) and finds
each number followed by a unit a measurement is given in (ms, us, ns, s,
min, KiB, MiB, kB, %, "x" or "times", pages, allocations, objects,
fallbacks, "of N"), the first number of a range whose second has one
("85 to 90 pages"), and each count of successes ("0/64").  Each must
appear, as a number of its own, in one of results/*.md, *.rst, *.csv or
*.dat, outside their time-stamped log lines and dates; "N times" may
appear there as "Nx".
A number that is not a measurement (a parameter, a limit, a constant of
the design) is listed in scripts/expect/doc-numbers.allow with its file
and the reason.

Prints PASS/FAIL gate:doc-numbers, then its positive control,
gate:doc-numbers-control: a measurement made up and planted in a copy of
README.md must fail the same check, naming it.
"""
import glob
import os
import re
import sys

UNIT = (r"(?:\s?(?:ms|us|ns|s|min|KiB|MiB|kB)\b|\s?%|x\b|\s(?:times|pages|allocations|"
        r"objects|fallbacks)\b|\sof\s\d)")
NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMBER = re.compile(r"(?<![\w.\-/=])(" + NUM + r")(?=" + UNIT + ")")
# The first number of a range whose second carries the unit ("85 to 90
# pages", "100-150 us"), and a count of successes ("0/64").
RANGE = re.compile(r"(?<![\w.\-/=])(" + NUM + r")(?=(?: to |-)" + NUM + UNIT + ")")
FRACTION = re.compile(r"(?<![\w./\-])(\d+/\d+)(?![\w/.])")
DATA_NUMBER = re.compile(r"(?<![\w.])" + NUM)
DATA_FRACTION = re.compile(r"(?<![\w./])\d+/\d+")
# What in a results file is not a measurement: the harness's log-line
# time stamps and the date; their digits would back any small number.
NOT_DATA = re.compile(r"^\[llpool \d\d:\d\d:\d\d\]|Date: \d{4}-\d\d-\d\d\.?")


def data_numbers(repo):
    nums = set()
    for f in glob.glob(os.path.join(repo, "results", "*")):
        if f.endswith((".md", ".rst", ".csv", ".dat")):
            with open(f, errors="replace") as fh:
                text = "\n".join(NOT_DATA.sub("", l) for l in fh.read().splitlines())
            for n in DATA_NUMBER.findall(text) + DATA_FRACTION.findall(text):
                nums.add(n)
                nums.add(n.replace(",", ""))
    return nums


def allowed(repo):
    allow = set()
    path = os.path.join(repo, "scripts", "expect", "doc-numbers.allow")
    with open(path) as fh:
        for line in fh:
            line = line.split("#", 1)[0].split()
            if len(line) >= 2:
                allow.add((line[0], line[1]))
    return allow


def documents(repo):
    return [os.path.join(repo, "README.md")] + sorted(
        glob.glob(os.path.join(repo, "Documentation", "*.rst")))


def unbacked(repo, files, nums, allow):
    out = []
    for f in files:
        rel = os.path.relpath(f, repo)
        with open(f, errors="replace") as fh:
            for i, line in enumerate(fh, 1):
                found = [m.group(1) for p in (NUMBER, RANGE, FRACTION)
                         for m in p.finditer(line)]
                for n in found:
                    if n in nums or n.replace(",", "") in nums or (rel, n) in allow:
                        continue
                    out.append("%s:%d: %s" % (rel, i, n))
    return out


def main():
    repo = sys.argv[1]
    nums, allow = data_numbers(repo), allowed(repo)
    bad = unbacked(repo, documents(repo), nums, allow)
    if bad:
        print("FAIL gate:doc-numbers -- %d numbers in no file under results/: %s"
              % (len(bad), "; ".join(bad[:12])))
    else:
        print("PASS gate:doc-numbers -- every measured number quoted is in results/")
    # The control: a copy of README.md with a made-up figure.  The number
    # is one no results/ file holds.
    planted = next(str(k) + ".37" for k in range(977, 10 ** 6) if str(k) + ".37" not in nums)
    tmp = os.path.join(repo, "out", "doc-numbers-control")
    os.makedirs(tmp, exist_ok=True)
    copy = os.path.join(tmp, "README.md")
    with open(os.path.join(repo, "README.md")) as src, open(copy, "w") as dst:
        dst.write(src.read() + "\nA pair costs %s ns.\n" % planted)
    allow_copy = {(os.path.basename(copy), n) for f, n in allow if f == "README.md"}
    got = unbacked(tmp, [copy], nums, allow_copy)
    ok = any(g.endswith(": " + planted) for g in got) and len(got) == 1 + len(
        [b for b in bad if b.startswith("README.md:")])
    print("%s gate:doc-numbers-control -- a made-up %s ns planted in README.md: %s"
          % ("PASS" if ok else "FAIL", planted, "found" if ok else "got %s" % got))
    return 0


if __name__ == "__main__":
    sys.exit(main())
