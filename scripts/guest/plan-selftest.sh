# SPDX-License-Identifier: GPL-2.0
# One kselftest script (SELFTEST, e.g. llpool/pool_stress.sh), for debugging.
selftest "$SELFTEST"
lockdep_verdict
