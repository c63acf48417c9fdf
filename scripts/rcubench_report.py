#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""llpool_rcu_bench's rows to a Markdown report on stdout:
    rcubench_report.py CONSOLE_LOG HEADER_FILE

Every run's row, then per contender the median over the rounds and its
ratio to kvfree_rcu's median.  Exits 1 when a contender has no row.
"""
import re
import statistics
import sys

BASE = "kvfree_rcu (rcu_head)"
COLS = ["queued ms", "freed ms", "grace periods", "peak KiB", "fallbacks"]


def main():
    log, header = sys.argv[1:3]
    head, runs = [], []
    with open(log, errors="replace") as f:
        for line in f:
            m = re.search(r"llpool_rcu_bench: (\|.*\|)\s*$", line)
            if not m:
                continue
            cells = [c.strip() for c in m.group(1).strip("|").split("|")]
            if cells[0] == "contender" or cells[0].startswith("---"):
                head.append(m.group(1))
            else:
                runs.append(cells)
    by = {}
    for c in runs:
        by.setdefault(c[0], []).append([float(x) for x in c[3:8]])
    if len(by) < 4:
        sys.stderr.write("only %d contenders reported\n" % len(by))
        return 1
    with open(header) as f:
        sys.stdout.write(f.read())
    print("\nEvery run (a round starts one contender later than the last):\n")
    print("\n".join(head[:2]))
    for c in runs:
        print("| " + " | ".join(c) + " |")
    print("\nMedian over %d rounds, and the ratio to kvfree_rcu's median:\n"
          % len(by[BASE]))
    print("| contender | " + " | ".join(COLS) + " | queued vs kvfree_rcu "
          "| freed vs kvfree_rcu | peak memory vs kvfree_rcu |")
    print("|" + " --- |" * (len(COLS) + 4))
    med = {k: [statistics.median(col) for col in zip(*v)] for k, v in by.items()}
    base = med[BASE]

    def ratio(a, b):
        return "%.2fx" % (a / b) if b else "n/a"

    for name in by:
        m = med[name]
        print("| %s | %s | %s | %s | %s |" % (
            name, " | ".join("%g" % x for x in m), ratio(m[0], base[0]),
            ratio(m[1], base[1]), ratio(m[3], base[3])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
