#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn llpool_bench's log lines into results:
    bench_report.py OUTDIR NAME FULL_LOG LEGAL_LOG TITLE

Writes OUTDIR/NAME.csv (every measurement), OUTDIR/NAME_hist.csv (latency
histograms), OUTDIR/NAME.md (a table with ratios to llpool), OUTDIR/NAME.rst
(the ratios as an rst list-table, for Documentation/results.rst) and the
gnuplot input OUTDIR/NAME_latency.gp; prints the ratios.
"""
import os
import re
import sys
import time

ORDER = ["floor", "llpool", "gfp_nowait", "gfp_atomic", "gfp_no_locks", "objpool", "mempool"]
DESC = {
    "floor": "bare per-CPU array, IRQs off (the floor)",
    "llpool": "llpool_alloc / llpool_free",
    "gfp_nowait": "alloc_page(GFP_NOWAIT)",
    "gfp_atomic": "alloc_page(GFP_ATOMIC)",
    "gfp_no_locks": "alloc_page(__GFP_NO_LOCKS) (patch)",
    "objpool": "objpool ring, no refill",
    "mempool": "mempool_alloc_preallocated",
}


def rows(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"llpool_bench: csv,(.*)$", line.strip())
            if m:
                out.append(m.group(1).split(","))
    return out


def ratio(x, base):
    try:
        return "%.2fx" % (float(x) / float(base))
    except (ValueError, ZeroDivisionError):
        return "n/a"


def main():
    outdir, name, full_log, legal_log, title = sys.argv[1:6]
    full, legal = rows(full_log), rows(legal_log) if os.path.exists(legal_log) else []
    by = {}
    for r in full + legal:
        if r[0] == "hist":
            continue
        by.setdefault(r[0], {})[r[1]] = r[2:]

    with open(os.path.join(outdir, name + ".csv"), "w") as f:
        f.write("section,contender,values...\n")
        for r in full + legal:
            if r[0] != "hist":
                f.write(",".join(r) + "\n")
    with open(os.path.join(outdir, name + "_hist.csv"), "w") as f:
        f.write("contender,bucket_lo_ns,count\n")
        for r in full:
            if r[0] == "hist":
                f.write(",".join(r[1:]) + "\n")

    md = []
    md.append("| contender | pair ns (median) | vs llpool | all-CPU pairs/s | vs llpool "
              "| alloc p50 ns | p99 | p99.9 | max | p99 vs llpool "
              "| exhausted: ok/256 | pcplist drained: ok/256 "
              "| under raw spinlock: locks lockdep flags | sleeping trylocks |")
    md.append("|" + " --- |" * 14)
    base_pair = by.get("pair", {}).get("llpool", ["0"])[0]
    base_tput = by.get("tput", {}).get("llpool", ["0"] * 4)[3]
    base_p99 = by.get("lat", {}).get("llpool", ["0"] * 2)[1]
    ratios = []
    rst = [".. list-table::", "   :header-rows: 1", ""]
    for cell in ("contender", "pair cost", "all-CPU throughput",
                 "p99 latency under zone->lock contention",
                 "success, memory exhausted", "success, pcplist drained",
                 "under a raw spinlock: locks lockdep reports / sleeping-on-RT trylocks"):
        rst.append("   %s %s" % ("* -" if cell == "contender" else "  -", cell))
    for c in ORDER:
        if c in by.get("unavailable", {}) and c not in by.get("pair", {}):
            md.append("| %s | unavailable in this kernel |%s" % (DESC[c], " |" * 13))
            continue
        pair = by.get("pair", {}).get(c, ["-"])
        tput = by.get("tput", {}).get(c, ["-"] * 5)
        lat = by.get("lat", {}).get(c, ["-"] * 4)
        ex = by.get("exhaust", {}).get(c, ["-", "-"])
        pd = by.get("pcpdrain", {}).get(c, ["-", "-"])
        lg = by.get("legal", {}).get(c)
        if lg:
            legal_cols = "%s | %s" % (lg[0], lg[1])
        else:
            legal_cols = "- | -"
        md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            DESC[c], pair[0], ratio(pair[0], base_pair), tput[3], ratio(tput[3], base_tput),
            lat[0], lat[1], lat[2], lat[3], ratio(lat[1], base_p99),
            ex[1], pd[1], legal_cols))
        lgr = "%s / %s" % (lg[0], lg[1]) if lg else "not measured"
        for i, cell in enumerate(("``%s``" % DESC[c], ratio(pair[0], base_pair),
                                  ratio(tput[3], base_tput), ratio(lat[1], base_p99),
                                  "%s/%s" % (ex[1], ex[0]), "%s/%s" % (pd[1], pd[0]), lgr)):
            rst.append("   %s %s" % ("* -" if i == 0 else "  -", cell))
        ratios.append("%-14s pair %s, throughput %s, p99 latency %s" % (
            c, ratio(pair[0], base_pair), ratio(tput[3], base_tput), ratio(lat[1], base_p99)))

    # Churn: llpool's round trips through the page allocator while pages
    # move from a producer CPU to a consumer CPU.
    sizes = sorted(by.get("size", {}).items(), key=lambda kv: int(kv[0]))
    if sizes:
        hdr = ("Reserve sizes (llpool, low = high / 4): pages one CPU gets in a burst "
               "before NULL, preemption off (no refill), against pages held per online CPU.")
        table = ["| high | low | magazine | burst before NULL | per CPU at rest | per CPU at most |",
                 "|---|---|---|---|---|---|"]
        table += ["| %s | %s |" % (h, " | ".join(v[:5])) for h, v in sizes]
        md += ["", hdr, ""] + table
        rst += ["", hdr, "", ".. list-table::", "   :header-rows: 1", "",
                "   * - high", "     - low", "     - magazine", "     - burst before NULL",
                "     - per CPU at rest", "     - per CPU at most"]
        for h, v in sizes:
            rst.append("   * - %s" % h)
            rst += ["     - %s" % x for x in v[:5]]
    for label, what in (("llpool-warmup", "first run, the pool growing to the working set"),
                        ("llpool", "second run on the same pool, steady state")):
        ch = by.get("churn", {}).get(label)
        if not ch:
            continue
        line = ("Churn (producer/consumer on two CPUs, llpool, %s): %s allocations, %s pages "
                "refilled and %s trimmed: %s per 1000 allocations." % ((what,) + tuple(ch[:4])))
        md += ["", line]
        rst += ["", line]
        ratios.append(line)
    with open(os.path.join(outdir, name + ".md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(outdir, name + ".rst"), "w") as f:
        f.write("\n".join(rst) + "\n")

    gp = os.path.join(outdir, name + "_latency.gp")
    with open(gp, "w") as f:
        f.write('set terminal pngcairo size 1000,600\n' if os.system("gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1") == 0
                else 'set terminal png size 1000,600\n')
        f.write('set output "%s"\n' % os.path.join(outdir, name + "_latency.png"))
        f.write('set title "llpool_bench: order-0 allocation latency under zone->lock contention (%s)"\n' % title)
        f.write('set termoption noenhanced\nset format x "%g"\n')
        f.write('set logscale x 2\nset xlabel "latency (ns, bucket lower bound)"\n'
                'set ylabel "share of allocations (%)"\nset key top right\nset grid\n'
                'set datafile separator ","\n')
        plots = []
        for c in ORDER:
            if c in by.get("lat", {}):
                total = sum(int(r[3]) for r in full if r[0] == "hist" and r[1] == c) or 1
                plots.append("'%s' every ::1 using (strcol(1) eq \"%s\" ? $2 : 1/0):(100.0*$3/%d) with linespoints title '%s'"
                             % (os.path.join(outdir, name + "_hist.csv"), c, total, c))
        f.write("plot " + ", \\\n     ".join(plots) + "\n")
    print("\n".join(ratios))


if __name__ == "__main__":
    main()
