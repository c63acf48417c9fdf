#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build Documentation/ with Sphinx and the kernel's kernel-doc extension
# from the unpacked 6.12 tree, warnings as errors: scripts/docs.sh [OUTDIR]
# (default out/docs).  The API page is generated from the sources'
# kernel-doc comments, the design page pulls in pool.h's DOC: sections.
# Prints Sphinx's warnings and exits non-zero when there is any.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$LLPOOL_REPO/out/docs}
ensure_packages "python3-sphinx:/usr/bin/sphinx-build"
LLPOOL_KSRC=$(kernel_source)
export LLPOOL_KSRC
rm -rf "$out"
mkdir -p "$out"
sphinx-build -b html -W --keep-going -q -d "$out/.doctrees" \
	"$LLPOOL_REPO/Documentation" "$out/html"
