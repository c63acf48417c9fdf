#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""llpool_rcu_bench's rows to a Markdown report on stdout:
    rcubench_report.py CONSOLE_LOG HEADER_FILE

Every run's row, then per contender the median over the rounds and its
ratio to kvfree_rcu's median; then the by-context rows as they came, with
the share of calls each contender finished at once.  Exits 1 when a
contender has no row, or a by-context run timed out.
"""
import re
import statistics
import sys

BASE = "kvfree_rcu (rcu_head)"
COLS = ["queued ms", "freed ms", "grace periods", "peak KiB", "fallbacks"]


def main():
    log, header = sys.argv[1:3]
    head, runs, ctx, ctx_note, reserves = [], [], [], None, []
    with open(log, errors="replace") as f:
        for line in f:
            m = re.search(r"llpool_rcu_bench: reserve: (.*)$", line.strip())
            if m:
                reserves.append(m.group(1))
                continue
            m = re.search(r"rcubench-plan: pool (\S+): (.*)$", line.strip())
            if m:
                st = dict(re.findall(r"(\w+): (\d+)", m.group(2)))
                pages = sum(int(st.get(k, 0)) for k in ("reserved", "depot", "spill"))
                reserves.append("llpool_kfree_rcu's pool (%s) held %d pages (%d KiB: "
                                "stacks %s, depots %s, spill lists %s) before the runs, "
                                "outside the peaks" % (m.group(1), pages, pages * 4,
                                                       st.get("reserved", "?"),
                                                       st.get("depot", "?"),
                                                       st.get("spill", "?")))
                continue
            m = re.search(r"llpool_rcu_bench: ctx: (.*)$", line.strip())
            if m:
                ctx_note = m.group(1)
                if ctx_note.startswith("failed"):
                    sys.stderr.write("by context: %s\n" % ctx_note)
                    return 1
                continue
            m = re.search(r"llpool_rcu_bench: (\|.*\|)\s*$", line)
            if not m:
                continue
            cells = [c.strip() for c in m.group(1).strip("|").split("|")]
            if cells[0] in ("contender", "context") or cells[0].startswith("---"):
                if ctx_note is None:
                    head.append(m.group(1))
            elif ctx_note is None:
                runs.append(cells)
            else:
                ctx.append(cells)
    by = {}
    for c in runs:
        by.setdefault(c[0], []).append([float(x) for x in c[3:8]])
    if len(by) < 4:
        sys.stderr.write("only %d contenders reported\n" % len(by))
        return 1
    with open(header) as f:
        sys.stdout.write(f.read())
    for r in reserves:
        print("\nReserve: %s." % r)
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
    return ctx_section(ctx, ctx_note)


def ctx_section(ctx, note):
    """The by-context rows, and the share of calls queued without a deferral."""
    if note is None:
        return 0
    m = re.search(r"(\d+) runs", note)
    want = int(m.group(1)) if m else -1
    print("\nBy context (%s; one run each): each batch is allocated in task "
          "context and freed from the context named. ns per call is the time "
          "inside the calls only, for the median batch and the mean (a batch in "
          "task context may be preempted or interrupted); an llpool_rcu_free() "
          "that returned -ENOMEM is timed as the call alone, not the caller's "
          "synchronize_rcu() and free after it. Queued at once: into the cache's "
          "RCU sheaf (kfree_rcu_nolock(); 7.3's kfree_call_rcu_nolock() hands each "
          "call the sheaf refuses to defer_kfree_rcu(), an irq_work: read from the "
          "source, not counted) or into a block (llpool_rcu_free(), whose other calls "
          "returned -ENOMEM); kvfree_rcu() never defers: what does not go into a "
          "sheaf it queues at once in its page blocks or, lacking a block page, "
          "on the object's rcu_head, which this kernel does not count. The time "
          "to the last free: until the contender's own barrier returned "
          "(llpool_rcu_barrier(); for the others the cache's destruction, "
          "which runs kvfree_rcu's barrier for it). Peak KiB: the lowest free "
          "memory against the run's start, sampled every ~1 ms, without the "
          "llpool instance's reserve (above).\n" % note)
    print("| context | contender | calls | ns per call, median batch | ns per call, mean "
          "| how the calls ended | queued at once | ms from the last call to the last free "
          "| peak KiB | timed out |")
    print("|" + " --- |" * 10)
    bad = 0
    for c in ctx:
        share = "-"
        if c[1].startswith("kvfree_rcu") and c[2].isdigit():
            share = "all (never defers)"
        m = re.match(r"(\d+) (?:into the RCU sheaf|in a block)", c[5]) if len(c) > 5 else None
        if m and c[2].isdigit() and int(c[2]) and not c[1].startswith("kvfree_rcu"):
            share = "%.1f %%" % (100.0 * int(m.group(1)) / int(c[2]))
        if c[2].startswith("failed") or (len(c) > 8 and c[8] == "yes"):
            bad = 1
            sys.stderr.write("by context: %s in %s: %s\n" % (c[1], c[0],
                             c[2] if c[2].startswith("failed") else "timed out"))
        print("| " + " | ".join(c[:6] + [share] + c[6:]) + " |")
    if len(ctx) != want:
        bad = 1
        sys.stderr.write("by context: %d rows, %d runs expected\n" % (len(ctx), want))
    return bad


if __name__ == "__main__":
    sys.exit(main())
