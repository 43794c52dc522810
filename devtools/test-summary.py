#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""Summarise meson test logs (meson-logs/testlog.json) of one or more builds.

Prints each failed test with its build, its duration and the last lines of
its output (CI keeps nothing else of a run: a flake must be diagnosable from
this), then the closing line `N passed, N failed, N skipped` that CI reads.
Exit status 1 if any failed or if no test ran at all.
"""
import json
import sys

TAIL_LINES = 40


def print_tail(r):
    """The end of a failed test's output, indented."""
    out = (r.get('stdout') or '') + (r.get('stderr') or '')
    lines = out.rstrip('\n').split('\n') if out.strip() else []
    if len(lines) > TAIL_LINES:
        print('    | ... (%d lines before)' % (len(lines) - TAIL_LINES))
        lines = lines[-TAIL_LINES:]
    for ln in lines:
        print('    | ' + ln)


def main():
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        label = path.split('/meson-logs/')[0]
        try:
            fh = open(path, encoding='utf-8')
        except OSError as e:
            print('%s: no test log (%s)' % (label, e))
            failed += 1
            continue
        with fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                res = r.get('result')
                if res in ('OK', 'EXPECTEDFAIL'):
                    passed += 1
                elif res == 'SKIP':
                    skipped += 1
                else:
                    failed += 1
                    print('FAILED [%s] %s: %s after %.2f s' %
                          (label, r.get('name'), res,
                           r.get('duration') or 0.0))
                    print_tail(r)
    if passed + failed == 0:
        print('no test ran')
        failed = 1
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
