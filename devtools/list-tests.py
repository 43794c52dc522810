#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""List the autotest sources and the tests they register, for test/meson.build.

  list-tests.py sources <dir>          test sources (test_*.c), one per line
  list-tests.py tests <suite> <files>  names registered for a suite:
        fast-tests  REGISTER_AVQ_TEST(name, fn)
                    REGISTER_AVQ_TEST_ARGS(name, fn, "extra EAL args")
        perf-tests  REGISTER_AVQ_PERF_TEST(name, fn)
  list-tests.py args <suite> <files>   "<name>\\t<extra EAL args>" for every
        test of the suite registered with extra EAL arguments

Deriving the list from the code means a registered test cannot be left out
of `meson test`, and a name in meson cannot point at a test that is gone.
The extra arguments are one string literal (or adjacent literals), words
separated by single spaces, without quotes, backslashes or tabs: meson
splits them on spaces, so a word cannot hold a space.
"""
import glob
import os
import re
import sys

MACROS = {
    'fast-tests': ['REGISTER_AVQ_TEST', 'REGISTER_AVQ_TEST_ARGS'],
    'perf-tests': ['REGISTER_AVQ_PERF_TEST'],
}
ARGS_MACRO = 'REGISTER_AVQ_TEST_ARGS'
# REGISTER_AVQ_TEST_ARGS(name, fn, "literal" ["literal"...]), over lines.
ARGS_RX = re.compile(r'^\s*' + ARGS_MACRO +
                     r'\(\s*(\w+)\s*,\s*\w+\s*,((?:\s*"[^"\\\n]*")+)\s*\)',
                     re.M)
LITERAL_RX = re.compile(r'"([^"\\\n]*)"')


def fail(msg):
    sys.stderr.write('list-tests.py: %s\n' % msg)
    sys.exit(1)


def registered(suite, files):
    """[(name, extra args or None)] in file order; checks the rules."""
    tests = []
    for f in files:
        with open(f, encoding='utf-8') as fh:
            text = fh.read()
        for macro in MACROS[suite]:
            rx = re.compile(r'^\s*' + macro + r'\(\s*(\w+)\s*,', re.M)
            names = rx.findall(text)
            if macro != ARGS_MACRO:
                tests += [(n, None) for n in names]
                continue
            with_args = ARGS_RX.findall(text)
            if len(with_args) != len(names):
                fail('%s: %s needs (name, fn, "args" as string literals)'
                     % (f, macro))
            for n, lits in with_args:
                args = ''.join(LITERAL_RX.findall(lits))
                words = args.split(' ')
                if args == '' or '' in words or '\t' in args:
                    fail('%s: %s: EAL args "%s" must be words separated by '
                         'single spaces' % (f, n, args))
                tests.append((n, args))
    seen = set()
    for n, _ in tests:
        if n in seen:
            fail('duplicate test name %s' % n)
        if not n.endswith('_autotest'):
            fail('test name %s must end in _autotest' % n)
        seen.add(n)
    return tests


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'sources':
        for f in sorted(glob.glob(os.path.join(sys.argv[2], 'test_*.c'))):
            print(os.path.basename(f))
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] in ('tests', 'args') and \
            sys.argv[2] in MACROS:
        for n, args in registered(sys.argv[2], sys.argv[3:]):
            if sys.argv[1] == 'tests':
                print(n)
            elif args is not None:
                print('%s\t%s' % (n, args))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
