#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""List the autotest sources and the tests they register, for test/meson.build.

  list-tests.py sources <dir>        test sources (test_*.c), one per line
  list-tests.py tests <suite> <files> names registered for a suite:
        fast-tests  REGISTER_AVQ_TEST(name, fn)
        perf-tests  REGISTER_AVQ_PERF_TEST(name, fn)

Deriving the list from the code means a registered test cannot be left out
of `meson test`, and a name in meson cannot point at a test that is gone.
"""
import glob
import os
import re
import sys

MACROS = {
    'fast-tests': 'REGISTER_AVQ_TEST',
    'perf-tests': 'REGISTER_AVQ_PERF_TEST',
}


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'sources':
        for f in sorted(glob.glob(os.path.join(sys.argv[2], 'test_*.c'))):
            print(os.path.basename(f))
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == 'tests':
        rx = re.compile(r'^\s*' + MACROS[sys.argv[2]] + r'\(\s*(\w+)\s*,',
                        re.M)
        names = []
        for f in sys.argv[3:]:
            with open(f, encoding='utf-8') as fh:
                names += rx.findall(fh.read())
        seen = set()
        for n in names:
            if n in seen:
                sys.stderr.write('duplicate test name %s\n' % n)
                return 1
            if not n.endswith('_autotest'):
                sys.stderr.write('test name %s must end in _autotest\n' % n)
                return 1
            seen.add(n)
            print(n)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
