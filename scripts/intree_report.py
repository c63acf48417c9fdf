#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make intree-bench`'s tables from its boots' logs:
    intree_report.py OUTDIR RESULTS KERNEL COMMIT OBJS LOOPS

OUTDIR holds one directory per boot, KERNEL-OBJS-FORM-MODE (kernel intree
or intreert, OBJS the rcutree.rcu_min_cached_objs of the boot, form double
or single, mode stock or llpool); OBJS lists the sizes run.  Writes
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
    m = re.search(r"@@ DATA-BEGIN stats:kvfree_rcu\n(.*?)@@ DATA-END", res, re.S)
    if m:
        st = dict(l.split(": ", 1) for l in m.group(1).splitlines() if ": " in l)
        r.update(reserved=st.get("reserved", "?").strip(), depot=st.get("depot", "?").strip(),
                 misses=st.get("misses", "?").strip(), refilled=st.get("refilled", "?").strip())
    r["clean"] = "FAIL" not in res and "@@ END rc=0" in res
    return r


def main():
    outdir, results, kernel, commit, objs, loops = sys.argv[1:7]
    header = ["kernel", "rcu_min_cached_objs", "call", "block pages from", "time (ms)", "batches",
              "footprint (MB)", "queued by rcu_head", "inline synchronize_rcu()",
              "pages held after the run", "log clean"]
    body = []
    for k, kdesc in KERNELS:
        for n in objs.split():
            for f, fdesc in FORMS:
                for m, mdesc in MODES:
                    r = parse(os.path.join(outdir, "%s-%s-%s-%s" % (k, n, f, m)))
                    if not r:
                        continue
                    if m == "llpool" and "reserved" in r:
                        held = "%d (%s on CPUs, %s in depots)" % (
                            int(r["reserved"]) + int(r["depot"]), r["reserved"], r["depot"])
                    else:
                        held = "up to %s per CPU" % n
                    body.append([k, n, fdesc, mdesc, r.get("time_ms", "-"),
                                 r.get("batches", "-"), r.get("mem", "-"), r.get("head", "-"),
                                 r.get("sync", "-"), held, "yes" if r["clean"] else "NO"])
    intro = ("rcuscale's kfree_rcu test (rcuscale.kfree_rcu_test=1, kfree_loops=%s, "
             "default 8000 objects a loop, one thread per CPU, 4 vCPUs, QEMU TCG) on "
             "Linux %s with patches/intree/ (llpool %s).  rcutree.rcu_min_cached_objs is "
             "the page cache's size per CPU, and the pool's high mark (low a quarter of "
             "it).  Each row is one boot; the two modes differ only in "
             "rcutree.kvfree_rcu_llpool." % (loops, kernel, commit))
    md = ["# kvfree_rcu on its page cache and on an llpool", "", intro, "",
          "Command: `INTREE_OBJS='%s' INTREE_LOOPS=%s make intree-bench`." % (objs, loops), "",
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
