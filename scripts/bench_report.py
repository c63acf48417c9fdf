#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn llpool_bench's log lines into results:
    bench_report.py OUTDIR NAME FULL_LOG --legal LOG --rt LOG \
        --title TEXT --provenance TEXT

FULL_LOG is a bench-kernel boot of mode=full; --legal a benchdebug boot of
mode=legality; --rt a benchrt (PREEMPT_RT) boot of mode=ctx.  Writes
OUTDIR/NAME.csv (every measurement), NAME_hist.csv (latency histograms),
NAME.md (the tables), NAME.rst (the same, for Documentation/results.rst)
and the gnuplot input NAME_latency.gp (a CCDF of allocation latency);
prints the ratios to llpool.
"""
import argparse
import os
import re

ORDER = ["floor", "llpool", "llpool_zeroed", "gfp_nowait", "gfp_atomic", "gfp_no_locks",
         "alloc_pages_nolock", "kmalloc_nolock", "objpool", "mempool"]
DESC = {
    "floor": "bare per-CPU array, IRQs off (the floor)",
    "llpool": "llpool_alloc / llpool_free",
    "llpool_zeroed": "llpool_alloc + clear_page() / llpool_free",
    "gfp_nowait": "alloc_page(GFP_NOWAIT)",
    "gfp_atomic": "alloc_page(GFP_ATOMIC)",
    "gfp_no_locks": "alloc_page(__GFP_NO_LOCKS) (2020 RFC, patch)",
    "alloc_pages_nolock": "alloc_pages_nolock() / free_pages_nolock()",
    "kmalloc_nolock": "kmalloc_nolock(PAGE_SIZE) / kfree_nolock()",
    "objpool": "objpool ring, no refill",
    "mempool": "mempool_alloc_preallocated",
    "clock": "reference: the two clock reads around nothing",
    "clock_irqoff": "reference: the same with IRQs off",
}
CTX_NAMES = ["alloc_pages_nolock", "kmalloc_nolock", "gfp_atomic", "llpool"]
CONTEXTS = ["task", "softirq", "hardirq", "nmi"]


def rows(path):
    out = []
    if not path or not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"llpool_bench: csv,(.*)$", line.strip())
            if m:
                out.append(m.group(1).split(","))
    return out


def index(rs):
    by = {}
    for r in rs:
        if r[0] not in ("hist", "ctx"):
            by.setdefault(r[0], {})[r[1]] = r[2:]
    return by


def ratio(x, base):
    try:
        return "%.2fx" % (float(x) / float(base))
    except (ValueError, ZeroDivisionError):
        return "n/a"


class Tables:
    """The same tables as Markdown and as rst list-tables."""

    def __init__(self):
        self.md, self.rst = [], []

    def text(self, line):
        self.md += ["", line]
        self.rst += ["", line.replace("`", "``")]

    def table(self, caption, header, body):
        self.md += ["", caption, "", "| " + " | ".join(header) + " |",
                    "|" + " --- |" * len(header)]
        self.md += ["| " + " | ".join(str(c) for c in r) + " |" for r in body]
        self.rst += ["", caption.replace("`", "``"), "", ".. list-table::",
                     "   :header-rows: 1", ""]
        for r in [header] + body:
            for i, c in enumerate(r):
                c = str(c).replace("`", "``").replace("*", "\\*")
                self.rst.append("   %s %s" % ("* -" if i == 0 else "  -", c or "-"))


def ctx_cell(ctx, context, name):
    row = ctx.get((context, name))
    if not row:
        return "not run"
    legal, att, ok = row[:3]
    if legal == "0":
        return "not legal here"
    att, ok = int(att), int(ok)
    if not att:
        return "0 attempts"
    cell = "%d/%d (%.1f %%)" % (ok, att, 100.0 * ok / att)
    if len(row) > 6 and row[6] != "0":
        cell += ", %s NMIs lost" % row[6]
    if len(row) > 7 and int(row[3]) < int(row[7]):
        cell += ", %s of %s bursts by the 30 s deadline" % (row[3], row[7])
    return cell


def ctx_landed(ctx, context):
    """How many bursts interrupted the hammer, over the contenders' runs."""
    rs = [r for (c, _), r in ctx.items() if c == context and len(r) > 5 and r[0] == "1"]
    if context == "task" or not rs:
        return "-"
    bursts = sum(int(r[3]) for r in rs)
    landed = sum(int(r[4]) for r in rs)
    cell = "%d of %d" % (landed, bursts)
    if context == "nmi":
        cell += " (%d with IRQs off)" % sum(int(r[5]) for r in rs)
    return cell


def ctx_table(t, rs, kernel):
    ctx = {(r[1], r[2]): r[3:] for r in rs if r[0] == "ctx"}
    if not ctx:
        return
    t.table("Success by context, %s kernel: one CPU allocates in bursts of 4 pages "
            "(held, then freed in the same context) while every online CPU hammers "
            "zone->lock and its pcp lists; successes/attempts, and how many bursts "
            "interrupted that CPU's hammer." % kernel,
            ["context"] + CTX_NAMES + ["bursts inside the hammer"],
            [[c] + [ctx_cell(ctx, c, n) for n in CTX_NAMES] + [ctx_landed(ctx, c)]
             for c in CONTEXTS])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("name")
    ap.add_argument("full_log")
    ap.add_argument("--legal")
    ap.add_argument("--rt")
    ap.add_argument("--title", default="")
    ap.add_argument("--provenance", default="")
    ap.add_argument("--model", action="store_true",
                    help="alloc_pages_nolock() is patches/bench/'s model (6.12)")
    ap.add_argument("--kernel-label", default="bench",
                    help="the full run's kernel, as the by-context table names it")
    ap.add_argument("--rt-label", default="benchrt (PREEMPT_RT)")
    ap.add_argument("--icount", action="store_true",
                    help="a deterministic run: a difference of two pair costs is exact")
    ap.add_argument("--models", nargs="*", default=[], metavar="LABEL=LOG",
                    help="pair-only boots (mode=pair) on other preemption models, "
                         "on the same clock as FULL_LOG")
    a = ap.parse_args()
    if a.model:
        DESC["alloc_pages_nolock"] += " (a model of 6.15+ on 6.12, patch)"
    full, legal, rt = rows(a.full_log), rows(a.legal), rows(a.rt)
    by = index(full + legal)
    out = lambda ext: os.path.join(a.outdir, a.name + ext)

    with open(out(".csv"), "w") as f:
        f.write("section,contender,values...\n")
        for r in full + legal:
            if r[0] != "hist":
                f.write(",".join(r) + "\n")
        for r in rt:
            if r[0] == "ctx":
                f.write(",".join(["ctx-rt"] + r[1:]) + "\n")
    hist = {}
    with open(out("_hist.csv"), "w") as f:
        f.write("contender,bucket_lo_ns,count\n")
        for r in full:
            if r[0] == "hist":
                f.write(",".join(r[1:]) + "\n")
                hist.setdefault(r[1], []).append((int(r[2]), int(r[3])))

    avail = [c for c in ORDER if c in by.get("pair", {})]
    t = Tables()
    ratios = []

    # ---- cost ---------------------------------------------------------------
    pair, tput = by.get("pair", {}), by.get("tput", {})
    base_pair = pair.get("llpool", ["0"])[0]
    base_tput = tput.get("llpool", ["0"] * 4)[3]
    body = []
    for c in avail:
        p, tp = pair[c][0], tput.get(c, ["-"] * 4)[3]
        body.append([DESC[c], p, ratio(p, base_pair), tp, ratio(tp, base_tput)])
        ratios.append("%-19s pair %s, throughput %s" % (c, ratio(p, base_pair),
                                                         ratio(tp, base_tput)))
    zero = pair.get("zeroing", [None])[0]
    if zero and "alloc_pages_nolock" in pair:
        body.append(["reference: clear_page() of one page", zero, ratio(zero, base_pair),
                     "-", "-"])
        # Under TCG, two runs of the same clear_page() differ by more than
        # the allocator's whole cost: only icount gives this difference.
        if a.icount:
            less = float(pair["alloc_pages_nolock"][0]) - float(zero)
            body.append(["alloc_pages_nolock() less its zeroing (pair minus clear_page())",
                         "%.3f" % less, ratio(less, base_pair), "-", "-"])
            ratios.append("%-19s pair %s" % ("nolock less zeroing", ratio(less, base_pair)))
    empty = pair.get("empty", [None])[0]
    if empty:
        body.append(["reference: an empty pair (the loop and two calls to functions "
                     "that do nothing)", empty, ratio(empty, base_pair), "-", "-"])
    t.table("Cost: one CPU's alloc+free pair (median of rounds) and every online CPU "
            "doing pairs at once.",
            ["contender", "pair ns", "vs llpool", "all-CPU pairs/s", "vs llpool"], body)

    # ---- the pair by preemption model -----------------------------------------
    # preempt_disable() is free on a PREEMPT_NONE or _VOLUNTARY kernel and an
    # increment, a decrement and a test elsewhere: the bar (the floor, whose
    # IRQ save and restore cost the same on every model) is checked on each
    # model users run.  Ratios are within one boot.
    if a.models:
        body = []
        for label, log in [(a.kernel_label, None)] + [m.rsplit("=", 1) for m in a.models]:
            mp = pair if log is None else index(rows(log)).get("pair", {})
            get = lambda c: mp.get(c, ["-"])[0]

            def less(c):
                # A contender's pair less the empty pair: its own code.
                try:
                    return float(get(c)) - float(get("empty"))
                except ValueError:
                    return "-"
            body.append([label, get("floor"), get("llpool"),
                         ratio(get("llpool"), get("floor")), get("objpool"),
                         ratio(get("llpool"), get("objpool")), get("empty"),
                         ratio(less("llpool"), less("floor")),
                         ratio(less("llpool"), less("objpool"))])
            ratios.append("%s: llpool pair %s the floor's, %s objpool's; less the empty "
                          "pair %s and %s" % (label, ratio(get("llpool"), get("floor")),
                                              ratio(get("llpool"), get("objpool")),
                                              ratio(less("llpool"), less("floor")),
                                              ratio(less("llpool"), less("objpool"))))
        t.table("The pair on each preemption model (ns, median of rounds; the first row "
                "is this run's boot, the others boots of the pair section alone on "
                "the same clock); llpool's cost as a multiple of each other's, from "
                "the same boot, whole and less the empty pair (the loop and two calls, "
                "which every contender pays).",
                ["kernel (preemption)", "floor", "llpool", "llpool / floor", "objpool",
                 "llpool / objpool", "empty pair", "llpool / floor, less the empty pair",
                 "llpool / objpool, less the empty pair"], body)

    # ---- latency ------------------------------------------------------------
    lat, over = by.get("lat", {}), by.get("latover", {})
    base_p99 = lat.get("llpool", ["0"] * 2)[1]
    # A p99 is compared only between operations of like length: one whose
    # median is ten times llpool's or more (a clear_page() in it) straddles
    # timer ticks and other vCPUs' turns far more often.
    base_p50 = lat.get("llpool", ["0"])[0]
    body = []
    for c in avail + ["clock", "clock_irqoff"]:
        if c not in lat:
            continue
        la, ov = lat[c], over.get(c, ["-"] * 5)
        like = float(base_p50) > 0 and float(la[0]) < 10 * float(base_p50)
        p99 = ratio(la[1], base_p99) if like else "not comparable (median %s llpool's)" \
            % ratio(la[0], base_p50)
        body.append([DESC[c], la[0], la[1], la[2], la[3], p99,
                     la[5], ov[1], ov[2], ov[3], ov[4]])
    t.table("Latency of one allocation (ns) while another CPU hammers zone->lock; "
            "samples over 100 us split by what else happened during them.",
            ["contender", "p50", "p99", "p99.9", "max", "p99 vs llpool", "NULLs",
             "over 100 us", "with an interrupt", "with a task switch", "neither"], body)

    # ---- success --------------------------------------------------------------
    body = []
    for c in avail:
        ex = by.get("exhaust", {}).get(c, ["-", "-"])
        el = by.get("exhaustlow", {}).get(c, ["-", "-"])
        pd = by.get("pcpdrain", {}).get(c, ["-", "-"])
        ph = by.get("pcpdrainhot", {}).get(c, ["-", "-"])
        lg = by.get("legal", {}).get(c)
        body.append([DESC[c], "%s/%s" % (ex[1], ex[0]), "%s/%s" % (el[1], el[0]),
                     "%s/%s" % (pd[1], pd[0]),
                     "%s/%s" % (ph[1], ph[0]), lg[0] if lg else "-", lg[1] if lg else "-"])
    t.table("Success and legality: allocations in a row on one CPU that succeed "
            "(more than the preallocating contenders' 256 pages a CPU) once a hog "
            "holds free memory at the min watermark (until GFP_NOWAIT fails), then "
            "below it (until GFP_ATOMIC fails too); once this CPU's pcp list is "
            "drained (64 in a row, quiet; drained with __GFP_NO_LOCKS on the 6.12 "
            "bench kernels, with drain_local_pages(), exported by their patch, on "
            "the 7.3 ones); the first allocation after a drain, 64 times, "
            "while the other CPUs hammer zone->lock; locks taken under a raw "
            "spinlock (the debug bench kernel, lockdep).",
            ["contender", "memory at min", "memory below min", "pcp list drained",
             "drained, zone->lock hammered", "locks lockdep reports",
             "sleeping-on-RT trylocks"], body)

    # ---- by context -----------------------------------------------------------
    if a.icount:
        # One host thread runs the vCPUs in turn: no hammer runs while the
        # allocating CPU does, so there is no contention to measure.
        t.text("Success by context: see the TCG run. Under icount the vCPUs take "
               "turns, so the hammers never run beside the allocating CPU; the rows "
               "are in %s.csv." % a.name)
    else:
        ctx_table(t, full, a.kernel_label)
        ctx_table(t, rt, a.rt_label)

    # ---- reserve sizes and churn (llpool only) --------------------------------
    sizes = sorted(by.get("size", {}).items(), key=lambda kv: int(kv[0]))
    if sizes:
        t.table("Reserve sizes (llpool, low = high / 4): pages one CPU gets in a burst "
                "before NULL, preemption off (no refill), against the pages the pool "
                "holds (its stats: stacks, depots, spill lists), counted right after "
                "creation and right after the burst came back on that CPU.",
                ["high", "low", "magazine", "burst before NULL", "pool's pages after create",
                 "pool's pages after the burst came back", "online CPUs"],
                [[h] + v[:6] for h, v in sizes])
    for label, what in (("llpool-warmup", "first run, the pool growing to the working set"),
                        ("llpool", "second run on the same pool, steady state")):
        ch = by.get("churn", {}).get(label)
        if ch:
            line = ("Churn (producer/consumer on two CPUs, llpool, %s): %s allocations, "
                    "%s pages refilled and %s trimmed: %s per 1000 allocations."
                    % ((what,) + tuple(ch[:4])))
            t.text(line)
            ratios.append(line)
    for label, what in (("ring-warmup", "first run"),
                        ("ring", "second run on the same pool, steady state")):
        ch = by.get("churn", {}).get(label)
        if ch:
            line = ("Churn (a ring: each of %s CPUs frees what the previous one allocated, "
                    "across the NUMA nodes; llpool, %s): %s allocations, %s pages refilled "
                    "and %s trimmed: %s per 1000 allocations, %s NULLs."
                    % ((ch[5], what) + tuple(ch[:5])))
            t.text(line)
            ratios.append(line)

    with open(out(".md"), "w") as f:
        f.write("\n".join(t.md).lstrip("\n") + "\n")
    with open(out(".rst"), "w") as f:
        f.write("\n".join(t.rst).lstrip("\n") + "\n")
    write_ccdf(out, hist, avail, a.title, a.provenance)
    print("\n".join(ratios))


def write_ccdf(out, hist, avail, title, provenance):
    """P(latency >= x) per contender, log-log, from the bucket counts."""
    names = [c for c in avail + ["clock"] if c in hist]  # clock_irqoff: table only
    dat = out("_ccdf.dat")
    ymin = 1.0
    with open(dat, "w") as f:
        f.write("# %s\n# per block: bucket lower bound (ns), share of samples >= it\n"
                % provenance)
        for c in names:
            pts = sorted(hist[c])
            total = sum(n for _, n in pts)
            left = total
            ymin = min(ymin, 1.0 / total)
            f.write("# %s\n" % c)
            # 100 % up to the fastest bucket; a drop to the floor at the max.
            f.write("%g 1\n" % (max(pts[0][0], 1) * 0.7))
            for lo, n in pts:
                f.write("%d %.9g\n" % (max(lo, 1), left / total))
                left -= n
            f.write("%d %.9g\n\n\n" % (max(pts[-1][0], 1), 0.25 / total))
    tics = ", ".join('"%s" %g' % kv for kv in (
        ("10 ns", 1e1), ("100 ns", 1e2), ("1 us", 1e3), ("10 us", 1e4), ("100 us", 1e5),
        ("1 ms", 1e6), ("10 ms", 1e7), ("100 ms", 1e8), ("1 s", 1e9)))
    ytics = ", ".join('"%s" %g' % kv for kv in (
        ("100%%", 1), ("10%%", 1e-1), ("1%%", 1e-2), ("0.1%%", 1e-3),
        ("0.01%%", 1e-4), ("0.001%%", 1e-5)))
    with open(out("_latency.gp"), "w") as f:
        f.write("set terminal pngcairo size 1100,700 font ',11'\n"
                if os.system("gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1") == 0
                else "set terminal png size 1100,700\n")
        f.write('set output "%s"\n' % out("_latency.png"))
        f.write("set termoption noenhanced\n")
        f.write('set title "How often does one order-0 allocation take longer than x?\\n'
                '(another CPU hammers zone->lock; %s)"\n' % title)
        f.write('set label 1 "%s" at screen 0.01,0.015 font ",8"\n' % provenance.replace('"', "'"))
        f.write("set bmargin 6\nset logscale xy\nset grid\n")
        f.write("set xtics (%s)\nset ytics (%s)\n" % (tics, ytics))
        f.write('set xlabel "x: latency of one allocation (log scale)"\n')
        f.write('set ylabel "share of allocations taking at least x (log scale)"\n')
        f.write("set yrange [%g:1.5]\nset key outside right top\n" % (ymin / 3))
        plots = []
        for i, c in enumerate(names):
            # Between two populated buckets the share is that of the later
            # ones: drop at each bucket, then run flat (fsteps).
            style = "fsteps dt 2 lw 2 lc rgb 'gray50'" if c == "clock" else "fsteps lw 2"
            plots.append("'%s' index %d using 1:2 with %s title '%s'" % (dat, i, style, c))
        f.write("plot " + ", \\\n     ".join(plots) + "\n")


if __name__ == "__main__":
    main()
