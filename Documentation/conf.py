# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration for llpool's documentation, built the kernel's way:
# the kernel-doc directive is the kernel's own extension
# (Documentation/sphinx/kerneldoc.py) running the kernel's scripts/kernel-doc
# over this repository's sources.  scripts/docs.sh sets LLPOOL_KSRC to an
# unpacked 6.12 tree; `make docs` and make check's gate:docs call it.
import os
import sys

ksrc = os.environ.get('LLPOOL_KSRC')
if not ksrc or not os.path.isfile(os.path.join(ksrc, 'scripts', 'kernel-doc')):
    sys.exit('LLPOOL_KSRC must name a kernel tree with scripts/kernel-doc '
             '(run scripts/docs.sh or make docs)')
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'llpool'
master_doc = 'index'
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
kerneldoc_verbosity = 0
