#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""vdpa_avq behind vhost-user, with Debian's dpdk-testpmd as the frontend.

  vdpa_virtio_user.py <build dir> [scenario ...]

The host is the project's examples/vdpa (avq-vdpa) with `-l 0 --no-huge
-m 512 --no-pci -d <build>/drivers -a avq:sim0,cpu=0,vdpa=2 -- --socket-dir
DIR`: two managed devices of class vdpa, served on DIR/vdpa0.sock and
DIR/vdpa1.sock; the sim device thread runs on CPU 0. The frontend is
`dpdk-testpmd -l 0-1 --no-huge -m 512 --no-pci --vdev
net_virtio_user0,path=DIR/vdpa0.sock,queues=1 --vdev
net_virtio_user1,path=DIR/vdpa1.sock,queues=1 -- -i
--total-num-mbufs=4096` (forwarding lcore on CPU 1). The device model's
embedded switch connects the two managed devices, so io forwarding in
testpmd loops frames port 0 -> device -> port 1 -> device -> port 0.

Scenarios:

io          `start tx_first`: both ports' RX-packets grow over two 1 s
            intervals; after `stop` RX-errors, TX-errors, RX-nombuf,
            RX-dropped, TX-dropped are 0; `quit` exits 0; SIGTERM to the
            host: it exits 0.
reconnect   traffic, then the frontend is killed (SIGKILL) mid-traffic:
            the host keeps running; a new testpmd connects to the same
            sockets and its traffic grows again; `quit` 0; host SIGTERM 0.

Exit status: 0 pass, 1 fail, 77 skip (no dpdk-testpmd, host or driver).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Failure, TestPmd, check, crash_lines,  # noqa: E402
                    fwd_stats, port_stats, run_scenarios, runtime_dir,
                    sanitizer_env, scenario_args)

SCENARIOS = ('io', 'reconnect')


class Ctx:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.drivers = os.path.join(self.build, 'drivers')
        self.host = os.path.join(self.build, 'examples', 'vdpa', 'avq-vdpa')
        self.tmp = None
        self.n = 0

    def prefix(self, what):
        self.n += 1
        return 'avq-vdpa-%d-%s%d' % (os.getpid(), what, self.n)


class Host:
    """avq-vdpa, output to a file, stopped by SIGTERM to its PID."""

    def __init__(self, ctx):
        self.prefix = ctx.prefix('host')
        self.sockdir = tempfile.mkdtemp(prefix='s', dir=ctx.tmp)
        self.log = os.path.join(ctx.tmp, self.prefix + '.log')
        cmd = [ctx.host, '-l', '0', '--no-huge', '-m', '512', '--no-pci',
               '--file-prefix=' + self.prefix, '-d', ctx.drivers,
               '-a', 'avq:sim0,cpu=0,vdpa=2', '--',
               '--socket-dir', self.sockdir]
        with open(self.log, 'w') as out:
            # A sanitizer build's host: leak checks with the project's
            # suppressions (testpmd loads nothing of ours).
            self.proc = subprocess.Popen(cmd, stdout=out,
                                         stderr=subprocess.STDOUT,
                                         env=sanitizer_env(ctx.host))
        deadline = time.monotonic() + 30
        socks = [self.sock(i) for i in range(2)]
        while not all(os.path.exists(s) for s in socks):
            check(self.proc.poll() is None,
                  'host exited (%s):\n%s' % (self.proc.returncode,
                                             self.output()))
            check(time.monotonic() < deadline,
                  'no sockets after 30 s:\n' + self.output())
            time.sleep(0.1)

    def sock(self, i):
        return os.path.join(self.sockdir, 'vdpa%d.sock' % i)

    def output(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Failure('host did not exit on SIGTERM:\n'
                          + self.output()) from None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        shutil.rmtree(runtime_dir(self.prefix), ignore_errors=True)


def frontend(ctx, host):
    eal = []
    for i in range(2):
        eal += ['--vdev', 'net_virtio_user%d,path=%s,queues=1'
                % (i, host.sock(i))]
    pmd = TestPmd(None, [], ctx.prefix('fe'), dict(os.environ), mem=512,
                  eal_args=eal, app_args=('-i', '--total-num-mbufs=4096'),
                  linebuf=True)
    pmd.wait_for('testpmd> ', 60)
    return pmd


def rx_counts(pmd):
    st = port_stats(pmd.cmd('show port stats all'))
    check(sorted(st) == [0, 1], 'ports %s, expected 0 and 1' % sorted(st))
    return [st[p]['RX-packets'] for p in (0, 1)], st


def traffic_grows(pmd, where):
    out = pmd.cmd('start tx_first')
    check('Error' not in out and 'error' not in out,
          '%s: start tx_first: %s' % (where, out))
    prev, _ = rx_counts(pmd)
    for _ in range(2):
        time.sleep(1)
        cur, st = rx_counts(pmd)
        check(all(c > p for c, p in zip(cur, prev)),
              '%s: rx did not grow: %s -> %s' % (where, prev, cur))
        prev = cur
    return st


def check_host(host, where):
    bad = crash_lines(host.output())
    check(not bad, '%s: host: %s' % (where, bad))


def scenario_io(ctx):
    host = Host(ctx)
    pmd = None
    try:
        pmd = frontend(ctx, host)
        st = traffic_grows(pmd, 'io')
        out = pmd.cmd('stop')
        fwd, _ = fwd_stats(out)
        for p in (0, 1):
            for k in ('RX-errors', 'TX-errors', 'RX-nombuf'):
                check(st[p].get(k, 0) == 0, 'port %d %s %d' % (p, k, st[p][k]))
            for k in ('RX-dropped', 'TX-dropped'):
                check(fwd[p].get(k, 0) == 0,
                      'port %d %s %d' % (p, k, fwd[p][k]))
        rc = pmd.quit()
        check(rc == 0, 'testpmd exited %s:\n%s' % (rc, pmd.out[-5000:]))
        check(not crash_lines(pmd.out), 'testpmd: %s' % crash_lines(pmd.out))
        check_host(host, 'io')
        check(host.alive(), 'host died:\n' + host.output())
        rc = host.stop()
        check(rc == 0, 'host exited %s:\n%s' % (rc, host.output()))
    finally:
        if pmd is not None:
            pmd.kill()
        host.kill()


def scenario_reconnect(ctx):
    host = Host(ctx)
    pmd = None
    try:
        pmd = frontend(ctx, host)
        traffic_grows(pmd, 'first frontend')
        pmd.kill()		# SIGKILL mid-traffic
        time.sleep(1)
        check(host.alive(), 'host died with the frontend:\n' + host.output())
        pmd = frontend(ctx, host)
        traffic_grows(pmd, 'second frontend')
        pmd.cmd('stop')
        rc = pmd.quit()
        check(rc == 0, 'testpmd exited %s:\n%s' % (rc, pmd.out[-5000:]))
        check_host(host, 'reconnect')
        rc = host.stop()
        check(rc == 0, 'host exited %s:\n%s' % (rc, host.output()))
    finally:
        if pmd is not None:
            pmd.kill()
        host.kill()


def main():
    args = scenario_args(__doc__, SCENARIOS)
    if args is None:
        return 77
    ctx = Ctx(args.build)
    for f in (ctx.host, os.path.join(ctx.drivers, 'librte_vdpa_avq.so')):
        if not os.path.isfile(f):
            print('%s: not built: skipped' % f)
            return 77
    ctx.tmp = tempfile.mkdtemp(prefix='avq-vdpatest-')
    try:
        failed = run_scenarios(
            args.scenario or SCENARIOS,
            lambda name: globals()['scenario_' + name](ctx),
            (subprocess.TimeoutExpired, OSError, KeyError))
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
