#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
#
# Checks of the tree that need no build: the rules of STYLE.md that a
# compiler does not enforce, and that the conformance table and the tests
# name each other. Run from anywhere; exit 1 with a message per finding.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
fail=0
finding() { printf 'check-tree: %s\n' "$*"; fail=1; }

# Files of the tree (git's list when in a checkout, else a find).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files() { git ls-files -co --exclude-standard -- "$@"; }
else
	files() { find "$@" -type f 2>/dev/null; }
fi

src_in() { files "$@" | grep -E '\.[ch]$'; }

# No rte_panic/rte_exit in libraries and drivers: return an error instead.
for f in $(src_in lib drivers); do
	grep -nHE '\b(rte_panic|rte_exit)\(' "$f" && finding "$f: rte_panic/rte_exit"
done
# No %ll (use PRIu64 & co), no legacy atomics or barriers.
for f in $(src_in lib drivers app examples test); do
	grep -nHE '%[0-9]*ll[dux]' "$f" && finding "$f: %ll format"
	grep -nHE '\brte_atomic(16|32|64)_|\brte_smp_[rw]?mb\(' "$f" &&
		finding "$f: rte_atomicNN/rte_smp_*mb (use __atomic_* with a pairing comment)"
done
# Applications and examples use public APIs only.
for f in $(src_in app examples); do
	grep -nHE '#include [<"][a-z_]*_driver\.h[>"]' "$f" &&
		finding "$f: includes a *_driver.h header"
done
# The engine (lib/avq) takes no lock on any path.
for f in $(src_in lib/avq); do
	grep -nHE 'pthread_mutex_lock|pthread_spin_lock|rte_spinlock_lock|rte_rwlock' "$f" &&
		finding "$f: a lock in lib/avq"
done
# Driver-SDK headers come from Debian's source package, never the tree.
sdk=$(files . | grep -E '(^|/)(ethdev_driver|ethdev_vdev|ethdev_pci|bus_driver|dev_driver|bus_vdev_driver|bus_pci_driver|vdpa_driver)\.h$')
[ -z "$sdk" ] || finding "driver-SDK headers in the tree: $sdk"

# Conformance table <-> tests: every test the table names is registered,
# and every conf_* test has a row.
tests=$(python3 devtools/list-tests.py tests fast-tests $(files test | grep -E '^test/test_.*\.c$|/test_.*\.c$') | sort -u)
rows=$(grep -ohE '``conf_[a-z0-9_]+_autotest``' doc/guides/prog_guide/conformance_*.rst |
	tr -d '`' | sort -u)
for t in $rows; do
	grep -qx "$t" <<<"$tests" || finding "conformance table names $t, which no test registers"
done
for t in $(grep -E '^conf_' <<<"$tests"); do
	grep -qx "$t" <<<"$rows" || finding "test $t has no row in the conformance table"
done
n_rows=$(wc -w <<<"$rows")
n_tests=$(wc -w <<<"$tests")
[ "$n_tests" -ge "$n_rows" ] || finding "$n_tests tests for $n_rows conformance statements"

[ $fail = 0 ] && echo "check-tree: ok ($n_rows conformance rows, $n_tests fast tests)"
exit $fail
