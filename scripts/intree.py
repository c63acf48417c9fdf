#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate patches/intree/0001: llpool in-tree, from this repository's
pool.c, pool.h and llpool_trace.h, so that the module and the in-tree copy
have one source.

    intree.py KSRC OUT.patch           write the patch
    intree.py KSRC OUT.patch --check   exit 1 if OUT.patch is not what the
                                       sources give today

KSRC is a pristine 7.3 tree (only MAINTAINERS, mm/Kconfig and mm/Makefile
are read).
The patch is byte-for-byte reproducible: fixed author, dates and no git
signature.  What changes on the way in:
  - pool.h becomes include/linux/llpool.h, llpool_trace.h
    include/trace/events/llpool.h (the trace system's default path);
  - pool.c becomes mm/llpool.c: includes point at those, and the pools
    come up at postcore_initcall (after debugfs, before any subsys_initcall
    user such as kvfree_rcu);
  - the test hooks (llpool_internal.h, namespace LLPOOL_INTERNAL) stay out:
    their KUnit users are not part of the series;
  - the shrinker is set up with shrinker_alloc() directly, and the
    workqueue says WQ_PERCPU, in place of compat.h's wrappers (in-tree
    code tests no kernel version);
  - kzalloc(sizeof(*p), gfp) becomes kzalloc_obj(*p, gfp), as 7.3's
    checkpatch asks (the module keeps the spelling 6.1 knows);
  - file names of this repository become their in-tree names, and the
    output is refused if it still names anything that exists only here;
  - mm/Kconfig gets CONFIG_LLPOOL (bool), mm/Makefile builds it; being
    built in only, with built-in users, it exports nothing;
  - the subject is numbered as the first of the series in OUT's folder.
"""
import os
import glob
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTHOR = "llpool developers <llpool@localhost>"
DATE = "Mon, 30 Nov 2026 00:00:00 +0000"
SUBJECT = "mm: llpool, lock-less per-CPU page pools for any context"
BODY = """\
Some kernel code needs a page where the page allocator may not be
called: under a raw_spinlock_t (zone->lock and pcp->lock are sleeping
locks on PREEMPT_RT), in hardirq on RT, or in NMI.  kvfree_rcu() is the
classic case: it wants a page for its pointer blocks while holding its
raw per-CPU lock.  A __GFP_NO_LOCKS flag was proposed for it in 2020 and
the answer was a reserved, dedicated pool.  alloc_pages_nolock() (6.15)
serves opportunistic users, but fails every time in hardirq and NMI on
PREEMPT_RT and stops at the min watermark.

An llpool is a per-CPU reserve of preallocated pages of one order.
llpool_alloc() and llpool_free() are inline, take no lock, never enter
the page allocator and are safe in any context, NMI included: the CPU
that owns a stack pops and pushes with plain loads and stores under a
local_t guard; a nested IRQ, NMI or probe finds the guard raised and
uses the per-node magazine depots (versioned lock-free lists) or a
lock-less spill list.  A per-CPU work item on a WQ_MEM_RECLAIM
workqueue, kicked through irq_work, refills and trims; a deferrable
reaper gives idle CPUs' pages back, a shrinker gives back on demand,
and CPU hotplug callbacks fill and drain.

Tracepoints mark the slow paths only; statistics are in
/sys/kernel/debug/llpool/<pool>/stats.

This patch is generated from the out-of-tree llpool sources by their
scripts/intree.py; the design is in the DOC: comments of llpool.h.
"""
MAINTAINERS = """\
LLPOOL - LOCK-LESS PER-CPU PAGE POOLS
M:	llpool developers <llpool@localhost>
L:	linux-mm@kvack.org
S:	Maintained
F:	include/linux/llpool.h
F:	include/trace/events/llpool.h
F:	mm/llpool.c

"""
KCONFIG = """
config LLPOOL
	bool "Lock-less per-CPU page pools"
	depends on 64BIT && ARCH_HAVE_NMI_SAFE_CMPXCHG
	help
	  Per-CPU reserves of preallocated pages whose llpool_alloc() and
	  llpool_free() take no lock and never enter the page allocator, so
	  that code under a raw_spinlock_t, in hardirq or in NMI, also on
	  PREEMPT_RT, can get a page.  A workqueue refills and trims them.

	  If unsure, say N.
"""


def read(path):
    with open(os.path.join(REPO, path)) as f:
        return f.read()


def sub(text, old, new, what):
    if text.count(old) != 1:
        sys.exit("intree.py: %s: expected one %r, found %d" % (what, old, text.count(old)))
    return text.replace(old, new)


# Names that exist only in this repository: the in-tree files must not
# mention them.
OUT_OF_TREE = [r"rcu_pool_user", r"compat\.h", r"LLPOOL_INTERNAL", r"llpool_internal",
               r"testmods", r"kunit/", r"\bMODULE_", r"module_(init|exit)",
               r"LINUX_VERSION_CODE", r"\bpool\.[ch]\b", r"llpool_shrinker_",
               r"\bLLPOOL_NS\b", r"LLPOOL_WQ_PERCPU"]


def intree_names(text):
    """This repository's file names as the series names them."""
    text = re.sub(r"\bpool\.c\b", "mm/llpool.c", text)
    return re.sub(r"\bpool\.h\b", "llpool.h", text)


def refuse_out_of_tree(path, text):
    for pat in OUT_OF_TREE:
        m = re.search(pat, text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            sys.exit("intree.py: %s:%d still names %r, which exists only out of tree"
                     % (path, line, m.group(0)))


def drop_test_hook(c, name):
    """A test hook: its kernel-doc, body and LLPOOL_INTERNAL export."""
    pat = (r"\n/\*\*\n \* %s\(\) - .*?\nEXPORT_SYMBOL_NS_GPL\(%s, LLPOOL_INTERNAL_NS\);\n"
           % (name, name))
    c, n = re.subn(pat, "", c, flags=re.S)
    if n != 1:
        sys.exit("intree.py: pool.c: test hook %s() not found" % name)
    return c


def llpool_c():
    c = read("pool.c")
    c = sub(c, '#include "compat.h"\n#include "llpool_internal.h"\n#include "pool.h"\n',
            "#include <linux/llpool.h>\n", "pool.c includes")
    c = sub(c, "#include <linux/module.h>\n", "", "pool.c module.h")
    c = sub(c, '#include "llpool_trace.h"', "#include <trace/events/llpool.h>",
            "pool.c trace include")
    c = sub(c, " * pool.h.  This file", " * include/linux/llpool.h.  This file", "pool.c header")
    for hook in ("llpool_run_cpu_work", "llpool_reap_now"):
        c = drop_test_hook(c, hook)
    # CONFIG_LLPOOL is a bool and its only users are built in: no exports
    # (an export without a modular user is not taken in-tree).  A modular
    # user would bring them back in its own patch.
    c, n = re.subn(r"\nEXPORT_SYMBOL_NS_GPL\(\w+, LLPOOL_NS\);", "", c)
    if n == 0 or "EXPORT_SYMBOL" in c:
        sys.exit("intree.py: pool.c: exports not as expected (%d dropped)" % n)
    # compat.h's shrinker wrappers, as the kernel spells them.
    c = sub(c, "WQ_MEM_RECLAIM | WQ_HIGHPRI | LLPOOL_WQ_PERCPU",
            "WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_PERCPU", "pool.c workqueue flags")
    c, n = re.subn(r"= kzalloc\(sizeof\((\*\w+)\), ", r"= kzalloc_obj(\1, ", c)
    if n == 0:
        sys.exit("intree.py: pool.c: no kzalloc(sizeof(*p), ...) left to convert")
    c = re.sub(r"llpool_shrinker_private\((\w+)\)", r"\1->private_data", c)
    c = sub(c, "\tllpool_shrinker_destroy(pool->shrinker);",
            "\tshrinker_free(pool->shrinker);", "pool.c shrinker free")
    c = sub(c, "\tpool->shrinker = llpool_shrinker_create(pool->name, pool, llpool_shrink_count,\n"
               "\t\t\t\t\t\tllpool_shrink_scan);\n",
            "\tpool->shrinker = shrinker_alloc(0, \"llpool-%s\", pool->name);\n"
            "\tif (pool->shrinker) {\n"
            "\t\tpool->shrinker->count_objects = llpool_shrink_count;\n"
            "\t\tpool->shrinker->scan_objects = llpool_shrink_scan;\n"
            "\t\tpool->shrinker->private_data = pool;\n"
            "\t\tshrinker_register(pool->shrinker);\n"
            "\t}\n", "pool.c shrinker create")
    c = sub(c, "module_init(llpool_init);\nmodule_exit(llpool_exit);\n",
            "/* After debugfs (core_initcall), before users such as kvfree_rcu (subsys). */\n"
            "postcore_initcall(llpool_init);\n", "pool.c initcalls")
    # Built in, never unloaded: no exit path, no module metadata.
    c = re.sub(r"\n\nstatic void __exit llpool_exit\(void\)\n\{.*?\n\}\n", "\n", c, flags=re.S)
    c = re.sub(r"\nMODULE_[A-Z]+\(.*\);", "", c)
    c = sub(c, "/* ==== Module ====", "/* ==== Init ======", "pool.c banner")
    return intree_names(c)


def llpool_h():
    h = read("pool.h")
    # The release number is the module's (MODULE_VERSION, dkms.conf).
    h = re.sub(r"\n/\* The release, as MODULE_VERSION\(\).*?\*/\n#define LLPOOL_VERSION\t+\"[^\"]*\"\n",
               "", h, flags=re.S)
    if "LLPOOL_VERSION" in h:
        sys.exit("intree.py: pool.h: LLPOOL_VERSION left over")
    h = sub(h, " * allocator must not be called.  The design is told once, in the DOC:\n"
                  " * sections below, which Documentation/design.rst pulls in.\n",
               " * allocator must not be called.  The design is told once, in the DOC:\n"
               " * sections below.\n", "pool.h header")
    return intree_names(h)


def trace_h():
    t = read("llpool_trace.h")
    t = re.sub(r"\n#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH \.\n"
               r"#undef TRACE_INCLUDE_FILE\n#define TRACE_INCLUDE_FILE llpool_trace\n",
               "\n", t)
    return intree_names(t)


def add_maintainers(path):
    """The entry, in alphabetical order among the section headers."""
    lines = open(path).read().split("\n")
    name = MAINTAINERS.split("\n", 1)[0]
    # A few entries sit out of order (under ARM/...): insert where the
    # entry before starts with our letter and sorts before us, the next
    # one after us.
    prev = ""
    for i in range(1, len(lines) - 1):
        header = (lines[i] and not lines[i - 1] and re.match(r"[A-Z0-9]", lines[i])
                  and re.match(r"[A-Z]:\t", lines[i + 1]))
        if not header:
            continue
        if prev[:1] == name[:1] and prev < name < lines[i]:
            lines[i:i] = MAINTAINERS.rstrip("\n").split("\n") + [""]
            break
        prev = lines[i]
    else:
        sys.exit("intree.py: MAINTAINERS: no place for the entry")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def git(tree, *args, **kw):
    env = dict(os.environ, GIT_AUTHOR_NAME="llpool developers",
               GIT_AUTHOR_EMAIL="llpool@localhost", GIT_AUTHOR_DATE=DATE,
               GIT_COMMITTER_NAME="llpool developers",
               GIT_COMMITTER_EMAIL="llpool@localhost", GIT_COMMITTER_DATE=DATE)
    return subprocess.run(["git", "-C", tree] + list(args), env=env, check=True,
                          stdout=subprocess.PIPE, **kw).stdout.decode()


def generate(ksrc, total):
    tree = tempfile.mkdtemp(prefix="llpool-intree.")
    try:
        os.makedirs(os.path.join(tree, "mm"))
        for f in ("MAINTAINERS", "mm/Kconfig", "mm/Makefile"):
            shutil.copy(os.path.join(ksrc, f), os.path.join(tree, f))
        git(tree, "init", "-q")
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "base")
        files = {
            "include/linux/llpool.h": llpool_h(),
            "include/trace/events/llpool.h": trace_h(),
            "mm/llpool.c": llpool_c(),
        }
        for path, text in files.items():
            refuse_out_of_tree(path, text)
            os.makedirs(os.path.dirname(os.path.join(tree, path)), exist_ok=True)
            with open(os.path.join(tree, path), "w") as f:
                f.write(text)
        kc = open(os.path.join(tree, "mm/Kconfig")).read()
        i = kc.rindex("\nendmenu")
        with open(os.path.join(tree, "mm/Kconfig"), "w") as f:
            f.write(kc[:i] + "\n" + KCONFIG.rstrip("\n") + kc[i:])
        with open(os.path.join(tree, "mm/Makefile"), "a") as f:
            f.write("obj-$(CONFIG_LLPOOL) += llpool.o\n")
        add_maintainers(os.path.join(tree, "MAINTAINERS"))
        git(tree, "add", "-A")
        msg = SUBJECT + "\n\n" + BODY + "\nSigned-off-by: " + AUTHOR + "\n"
        git(tree, "commit", "-q", "-F", "-", input=msg.encode())
        patch = git(tree, "format-patch", "-1", "--stdout", "--no-signature")
        return sub(patch, "\nSubject: [PATCH] ", "\nSubject: [PATCH 1/%d] " % total,
                   "format-patch subject")
    finally:
        shutil.rmtree(tree)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ksrc, out = sys.argv[1], sys.argv[2]
    # The series: NNNN-*.patch beside OUT, the cover letter (0000) aside.
    series = {os.path.basename(p) for p in glob.glob(os.path.join(os.path.dirname(out),
                                                                  "[0-9][0-9][0-9][0-9]-*.patch"))}
    series = {p for p in series | {os.path.basename(out)} if not p.startswith("0000-")}
    patch = generate(ksrc, len(series))
    if "--check" in sys.argv[3:]:
        old = open(out).read() if os.path.exists(out) else ""
        if old != patch:
            sys.exit("intree.py: %s is not what the sources give: run `make intree`" % out)
        print("%s is in step with the sources" % out)
        return
    with open(out, "w") as f:
        f.write(patch)
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
