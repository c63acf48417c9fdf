#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse reStructuredText pages with docutils; any warning fails.

rstcheck.py KERNEL_SRC PAGE.rst...

The pages are written for the kernel's Sphinx build, so two directives
docutils lacks are provided: toctree (its entries must name existing pages)
and kernel-doc (run through the kernel's scripts/kernel-doc -rst, and the
generated text is parsed like the rest, so the API page is checked with
the comments it pulls in).
"""
import os
import subprocess
import sys

import docutils.core
import docutils.utils
from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList

KSRC = sys.argv[1]
PAGES = sys.argv[2:]


class TocTree(Directive):
    has_content = True
    option_spec = {"maxdepth": directives.nonnegative_int, "caption": directives.unchanged}

    def run(self):
        base = os.path.dirname(self.state.document.current_source)
        for entry in self.content:
            entry = entry.strip()
            if entry and not os.path.exists(os.path.join(base, entry + ".rst")):
                raise self.error("toctree entry %r: no such page" % entry)
        return []


class KernelDoc(Directive):
    required_arguments = 1
    option_spec = {"export": directives.unchanged, "internal": directives.unchanged,
                   "functions": directives.unchanged, "doc": directives.unchanged,
                   "identifiers": directives.unchanged}

    def run(self):
        base = os.path.dirname(self.state.document.current_source)
        path = os.path.normpath(os.path.join(base, self.arguments[0]))
        if not os.path.exists(path):
            raise self.error("kernel-doc: no file %s" % path)
        cmd = ["perl", os.path.join(KSRC, "scripts/kernel-doc"), "-rst", "-sphinx-version", "3.4.3"]
        if "functions" in self.options:
            for f in self.options["functions"].split():
                cmd += ["-function", f]
        r = subprocess.run(cmd + [path], capture_output=True, text=True)
        if r.returncode or r.stderr.strip():
            raise self.error("kernel-doc %s: %s" % (path, r.stderr.strip()))
        node = nodes.section()
        node.document = self.state.document
        self.state.nested_parse(StringList(r.stdout.splitlines(), path), 0, node)
        return node.children


# Sphinx roles the kernel-doc output uses.
def _literal_role(name, rawtext, text, lineno, inliner, options={}, content=[]):
    return [nodes.literal(rawtext, text)], []


directives.register_directive("toctree", TocTree)
directives.register_directive("kernel-doc", KernelDoc)
directives.register_directive("c:function", KernelDoc.__base__)  # replaced below
from docutils.parsers.rst import roles  # noqa: E402
for r in ("c:func", "c:type", "c:macro", "c:member", "ref", "doc", "c:expr", "c:data"):
    roles.register_local_role(r, _literal_role)


class CDomain(Directive):
    """Sphinx C-domain declarations in kernel-doc output: keep the body."""
    has_content = True
    optional_arguments = 100
    final_argument_whitespace = True
    option_spec = {"noindex": directives.flag, "noindexentry": directives.flag}

    def run(self):
        node = nodes.container()
        node += nodes.literal_block(text=" ".join(self.arguments))
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


for d in ("c:function", "c:struct", "c:enum", "c:union", "c:macro", "c:type", "c:var"):
    directives.register_directive(d, CDomain)

bad = 0
for page in PAGES:
    with open(page) as f:
        text = f.read()
    warnings = []

    class Stream:
        def write(self, s):
            if s.strip():
                warnings.append(s.strip())

    docutils.core.publish_doctree(text, source_path=page,
                                  settings_overrides={"report_level": 2, "halt_level": 5,
                                                      "warning_stream": Stream()})
    for w in warnings:
        print(w)
        bad += 1
sys.exit(1 if bad else 0)
