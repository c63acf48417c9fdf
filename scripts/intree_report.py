#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make intree-bench`'s tables from its boots' logs:
    intree_report.py OUTDIR RESULTS KERNEL COMMIT OBJS LOOPS VLOOPS RUNS VCPUS
    intree_report.py --sized OUTDIR PREFIX RUNS VCPUS

OUTDIR holds one directory per boot, KERNEL-N-FORM-MODE-RUN (kernel intree
or intreert, N the size asked for, FORM double or single (rcuscale's
kfree_rcu test) or vdouble or vsingle (test_vmalloc's), MODE stock-M,
nodelay-M or llpool-M, RUN 1..RUNS) and summary.txt, verdict.py's lines
for every boot.  A cell lists the runs' values, or their median (the
upper of the two middle values when the runs are even: of two runs, the
higher).  Writes
RESULTS/intree.md and RESULTS/intree.rst (included by
Documentation/results.rst), a table for each load, and prints them.

--sized prints the page-cache size that holds what the pool held right
after its runs PREFIX-1..RUNS: the median of its reserve, divided among
VCPUS, rounded up.
"""
import datetime
import os
import re
import sys

KERNELS = [("intree", "bench73: PREEMPT_LAZY, sheaves"),
           ("intreert", "bench73rt: PREEMPT_RT, no sheaves")]
FORMS = [("double", "kfree_rcu(p, rh)"), ("single", "kfree_rcu_mightsleep(p)")]
VFORMS = [("vdouble", "kvfree_rcu(p, rh)"), ("vsingle", "kvfree_rcu_mightsleep(p)")]
COUNTS_RE = re.compile(r"kvfree_rcu fallbacks: (\d+) objects queued by rcu_head, "
                       r"(\d+) inline synchronize_rcu\(\); (\d+) objects in block pages; "
                       r"page cache: (\d+) pages")


def pool_pages(res, name):
    """The pool's reserve in a stats snapshot: its CPUs' stacks and depots
    ("reserved" counts the depots already) and its spill lists."""
    m = re.search(r"@@ DATA-BEGIN %s\n(.*?)@@ DATA-END" % re.escape(name), res, re.S)
    if not m:
        return None
    st = dict(l.split(": ", 1) for l in m.group(1).splitlines() if ": " in l)
    return int(st["reserved"]) + int(st["spill"])


def parse(outdir, name, verdicts):
    d = os.path.join(outdir, name)
    r = {}
    try:
        log = open(os.path.join(d, "console.log"), errors="replace").read()
    except OSError:
        return r
    m = re.search(r"Total time taken by all kfree'ers: (\d+) ns, loops: (\d+), "
                  r"batches: (-?\d+), memory footprint: (-?\d+)MB", log)
    if m:
        r.update(time_ms=int(m.group(1)) / 1e6, mem=int(m.group(4)))
    # test_vmalloc: each worker's time for its one test (test_repeat_count
    # 1); the slowest worker's is the run's, and a run with a worker that
    # did not pass has none (its boot is not clean either).
    w = re.findall(r"Summary: kvfree_rcu_\d_arg_vmalloc_test passed: (\d+) failed: (\d+) "
                   r".* avg: (\d+) usec", log)
    if w and all(p == "1" and f == "0" for p, f, _ in w):
        r.update(time_ms=max(int(t) for _, _, t in w) / 1e3)
    m = COUNTS_RE.search(log)
    if m:
        r.update(head=m.group(1), sync=m.group(2), bulk=int(m.group(3)),
                 cached=int(m.group(4)))
    try:
        res = open(os.path.join(d, "results.log"), errors="replace").read()
    except OSError:
        res = ""
    held, rest = pool_pages(res, "stats:kvfree_rcu"), pool_pages(res, "stats:kvfree_rcu-rest")
    if held is not None:
        r["held"] = held
    if rest is not None:
        r["rest"] = rest
    # Clean: verdict.py judged the boot (the kernel log scanned for any
    # splat, the plan's own results) and failed nothing.
    mine = [l for l in verdicts if re.match(r"(PASS|FAIL|STEP) %s[:\s]" % re.escape(name), l)]
    r["clean"] = bool(mine) and not any(l.startswith("FAIL") for l in mine)
    return r


def median(vals):
    vals = sorted(float(v) for v in vals)
    return "%g" % vals[len(vals) // 2] if vals else "-"


def read_verdicts(outdir):
    try:
        return open(os.path.join(outdir, "summary.txt")).read().splitlines()
    except OSError:
        return []


def sized(outdir, prefix, runs, vcpus):
    verdicts = read_verdicts(outdir)
    held = [parse(outdir, "%s-%d" % (prefix, i), verdicts).get("held")
            for i in range(1, runs + 1)]
    held = sorted(h for h in held if h is not None)
    if not held:
        sys.exit("intree_report.py: no pool statistics in %s/%s-*" % (outdir, prefix))
    med = held[len(held) // 2]
    print(max(1, -(-med // vcpus)))


def mode_desc(mode, n):
    kind, size = mode.split("-")
    if kind == "llpool":
        return "llpool, high %s" % size
    if kind == "nodelay":
        return "page cache, %s per CPU, no fill delay" % size
    if size != n:
        return "page cache, %s per CPU (the pool's pages)" % size
    return "page cache, %s per CPU" % size


def modes_run(outdir, k, n, form):
    """The modes booted for one cell, in the order the bench runs them."""
    names = os.listdir(outdir)
    pre = "%s-%s-%s-" % (k, n, form)
    found = sorted({re.sub(r"-\d+$", "", x[len(pre):]) for x in names if x.startswith(pre)})
    order = {"llpool": 0, "stock": 1, "nodelay": 2}
    return sorted(found, key=lambda m: (order[m.split("-")[0]], int(m.split("-")[1])))


HEADER = ["kernel", "N", "call", "block pages from", "objects in block pages, median",
          "queued by rcu_head, each run", "inline synchronize_rcu(), each run",
          "time (ms), median", "footprint (MB), median",
          "pages held right after, median", "pool's pages 12 s later, median",
          "boots clean"]


def rows(outdir, verdicts, objs, runs, forms):
    """One row per kernel, N, call form and mode booted, in that order."""
    body = []
    for k, kdesc in KERNELS:
        for n in objs.split():
            for f, fdesc in forms:
                for m in modes_run(outdir, k, n, f):
                    rs = [parse(outdir, "%s-%s-%s-%s-%d" % (k, n, f, m, i), verdicts)
                          for i in range(1, runs + 1)]
                    rs = [r for r in rs if r]
                    if not rs:
                        continue
                    col = lambda key: [r[key] for r in rs if key in r]
                    if m.startswith("llpool"):
                        held, rest = median(col("held")), median(col("rest"))
                    else:
                        held, rest = median(col("cached")), "-"
                    time = col("time_ms")
                    body.append(["%s (%s)" % (k, kdesc), n, fdesc, mode_desc(m, n),
                                 median(col("bulk")),
                                 " / ".join(col("head")) or "-",
                                 " / ".join(col("sync")) or "-",
                                 "%.0f" % float(median(time)) if time else "-",
                                 median(col("mem")), held, rest,
                                 "%d of %d" % (sum(r["clean"] for r in rs), len(rs))])
    return body


def md_table(body):
    return (["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)] +
            ["| " + " | ".join(str(c) for c in row) + " |" for row in body])


def rst_table(body):
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in [HEADER] + body:
        for i, c in enumerate(row):
            out.append("   %s %s" % ("* -" if i == 0 else "  -", c))
    return out


def main():
    if sys.argv[1:2] == ["--sized"]:
        outdir, prefix, runs, vcpus = sys.argv[2:6]
        sized(outdir, prefix, int(runs), int(vcpus))
        return
    outdir, results, kernel, commit, objs, loops, vloops, runs, vcpus = sys.argv[1:10]
    verdicts = read_verdicts(outdir)
    body = rows(outdir, verdicts, objs, int(runs), FORMS)
    vbody = rows(outdir, verdicts, objs, int(runs), VFORMS)
    calls = 8000 * int(loops) * int(vcpus)
    intro = ("rcuscale's kfree_rcu test (rcuscale.kfree_rcu_test=1, kfree_loops=%s, "
             "8000 objects a loop, one thread per CPU: %d calls a boot), %s vCPUs, "
             "QEMU TCG, on Linux %s with patches/intree/ (llpool %s), %s boots a row.  "
             "N is the page cache's size per CPU (slab_common.rcu_min_cached_objs) or "
             "the pool's high mark (slab_common.kvfree_rcu_llpool, low mark N/2); the "
             "pool-sized cache holds what the pool held right after its own boots.  "
             "Objects in block pages, queued by rcu_head, inline synchronize_rcu() and "
             "the page cache's pages are kvfree_rcu_counts() (patch 2/4) as rcuscale "
             "prints them at the end of its test; the objects that reached no block "
             "went to SLUB's sheaves (not on PREEMPT_RT).  The pool's pages are its "
             "reserve (stacks, depots, spill lists) from its statistics, right after "
             "the test and 12 s later (its reaper looks every 5 s); the page cache "
             "gives pages back only to the shrinker.  A boot is clean when verdict.py "
             "found no splat in its kernel log and no failed step."
             % (loops, calls, vcpus, kernel, commit, runs))
    vintro = ("test_vmalloc's kvfree_rcu tests (run_test_mask=512: kvfree_rcu(p, rh); "
              "256: kvfree_rcu_mightsleep(p)), one worker per vCPU, test_loop_count=%s: "
              "%d calls a boot, each object a vmalloc() of one page; the module is "
              "loaded after boot, on the same kernels, modes and number of boots as "
              "above.  Its objects are vmalloc()ed, so SLUB's sheaves never take them: "
              "every object reaches a block page or a fallback, on both kernels.  The "
              "counts are kvfree_rcu_counts() as test_vmalloc prints them (patch 3/4), "
              "system-wide: objects other code queued meanwhile are in them too.  "
              "Time is the slowest worker's, from test_vmalloc's own summary (ktime, the "
              "wall clock of a TCG guest): it includes each object's vmalloc(), the "
              "block pages kvfree_rcu() allocated inline and, in the head-less form, "
              "any inline synchronize_rcu().  test_vmalloc reports no memory "
              "footprint: that column is empty."
              % (vloops, int(vloops) * int(vcpus)))
    md = ["# kvfree_rcu on its page cache and on an llpool", "",
          "Command: `INTREE_OBJS='%s' INTREE_LOOPS=%s INTREE_VLOOPS=%s INTREE_RUNS=%s "
          "make intree-bench`." % (objs, loops, vloops, runs), "",
          "Commit: %s.  Kernel: %s (intree, intreert).  vCPUs: %s.  Clock: QEMU TCG, "
          "the tests' own ktime (wall clock of a TCG guest).  Date: %s." % (
              commit, kernel, vcpus, datetime.date.today().isoformat()), "",
          "## rcuscale's kfree_rcu test", "", intro, ""] + md_table(body)
    md += ["", "## test_vmalloc's kvfree_rcu tests", "", vintro, ""] + md_table(vbody)
    rst = [".. SPDX-License-Identifier: GPL-2.0",
           ".. Written by `make intree-bench` (scripts/intree.sh); edits are lost.", "",
           "rcuscale's kfree_rcu test", "-" * 25, "",
          intro.replace("`", "``"), ""] + rst_table(body)
    rst += ["", "test_vmalloc's kvfree_rcu tests", "-" * 31, "",
            vintro.replace("`", "``"), ""] + rst_table(vbody)
    with open(os.path.join(results, "intree.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(results, "intree.rst"), "w") as f:
        f.write("\n".join(rst) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
