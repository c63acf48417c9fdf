#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make intree-bench`'s tables from its boots' logs:
    intree_report.py OUTDIR RESULTS KERNEL COMMIT OBJS LOOPS RUNS

OUTDIR holds one directory per boot, KERNEL-OBJS-FORM-MODE-RUN (kernel
intree or intreert, OBJS the rcutree.rcu_min_cached_objs of the boot, form
double or single, mode stock or llpool, RUN 1..RUNS); OBJS lists the sizes
run.  A cell lists the runs' values, or their median.  Writes
RESULTS/intree.md and RESULTS/intree.rst (included by
Documentation/results.rst) and prints the table.
"""
import os
import re
import sys

KERNELS = [("intree", "bench options"), ("intreert", "bench options, PREEMPT_RT")]
FORMS = [("double", "kfree_rcu(p, rh)"), ("single", "kfree_rcu_mightsleep(p)")]
MODES = [("stock", "page cache"), ("llpool", "llpool")]


def parse(d):
    r = {}
    try:
        log = open(os.path.join(d, "console.log"), errors="replace").read()
    except OSError:
        return r
    m = re.search(r"Total time taken by all kfree'ers: (\d+) ns, loops: (\d+), "
                  r"batches: (-?\d+), memory footprint: (-?\d+)MB", log)
    if m:
        r.update(time_ms="%.0f" % (int(m.group(1)) / 1e6), batches=m.group(3),
                 mem=m.group(4))
    m = re.search(r"kvfree_rcu fallbacks: (\d+) objects queued by rcu_head, "
                  r"(\d+) inline synchronize_rcu\(\)", log)
    if m:
        r.update(head=m.group(1), sync=m.group(2))
    try:
        res = open(os.path.join(d, "results.log"), errors="replace").read()
    except OSError:
        res = ""
    for key, name in (("held", "stats:kvfree_rcu"), ("rest", "stats:kvfree_rcu-rest")):
        m = re.search(r"@@ DATA-BEGIN %s\n(.*?)@@ DATA-END" % name, res, re.S)
        if m:
            st = dict(l.split(": ", 1) for l in m.group(1).splitlines() if ": " in l)
            # "reserved" counts the depots already.
            r[key] = int(st["reserved"]) + int(st["spill"])
    r["clean"] = "FAIL" not in res and "@@ END rc=0" in res
    return r


def median(vals):
    vals = sorted(float(v) for v in vals)
    return "%g" % vals[len(vals) // 2] if vals else "-"


def main():
    outdir, results, kernel, commit, objs, loops, runs = sys.argv[1:8]
    header = ["kernel", "rcu_min_cached_objs", "call", "block pages from",
              "queued by rcu_head, each run", "inline synchronize_rcu(), each run",
              "time (ms), median", "footprint (MB), median",
              "pages held: right after / 12 s later, median", "logs clean"]
    body = []
    for k, kdesc in KERNELS:
        for n in objs.split():
            for f, fdesc in FORMS:
                for m, mdesc in MODES:
                    rs = [parse(os.path.join(outdir, "%s-%s-%s-%s-%d" % (k, n, f, m, i)))
                          for i in range(1, int(runs) + 1)]
                    rs = [r for r in rs if r]
                    if not rs:
                        continue
                    col = lambda key: [r[key] for r in rs if key in r]
                    if m == "llpool":
                        held = "%s / %s" % (median(col("held")), median(col("rest")))
                    else:
                        held = "up to %d (%s per CPU)" % (4 * int(n), n)
                    body.append([k, n, fdesc, mdesc, " / ".join(col("head")) or "-",
                                 " / ".join(col("sync")) or "-", median(col("time_ms")),
                                 median(col("mem")), held,
                                 "%d of %d" % (sum(r["clean"] for r in rs), len(rs))])
    intro = ("rcuscale's kfree_rcu test (rcuscale.kfree_rcu_test=1, kfree_loops=%s, "
             "default 8000 objects a loop, one thread per CPU, 4 vCPUs, QEMU TCG) on "
             "Linux %s with patches/intree/ (llpool %s).  rcutree.rcu_min_cached_objs is "
             "the page cache's size per CPU, and the pool's high mark (low half of "
             "it).  Each row is %s boots; the two modes differ only in "
             "rcutree.kvfree_rcu_llpool.  Pages held by the pool: on the CPUs' stacks and "
             "in the depots, right after the test and 12 s later (the reaper looks every "
             "5 s); the page cache holds at most its size on each of the 4 CPUs."
             % (loops, kernel, commit, runs))
    md = ["# kvfree_rcu on its page cache and on an llpool", "", intro, "",
          "Command: `INTREE_OBJS='%s' INTREE_LOOPS=%s INTREE_RUNS=%s make intree-bench`."
          % (objs, loops, runs), "",
          "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    md += ["| " + " | ".join(str(c) for c in row) + " |" for row in body]
    rst = [".. SPDX-License-Identifier: GPL-2.0",
           ".. Written by `make intree-bench` (scripts/intree.sh); edits are lost.", "",
           intro.replace("`", "``"), "", ".. list-table::", "   :header-rows: 1", ""]
    for row in [header] + body:
        for i, c in enumerate(row):
            rst.append("   %s %s" % ("* -" if i == 0 else "  -", c))
    with open(os.path.join(results, "intree.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(results, "intree.rst"), "w") as f:
        f.write("\n".join(rst) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
