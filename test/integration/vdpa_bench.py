#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""vdpa_avq behind examples/vdpa (avq-vdpa): set-up cost, memory-table
change cost and datapath packets per second
(doc/guides/prog_guide/vdpa_bench.rst).

  vdpa_bench.py <build dir> [--runs N] [--setup-runs N] [--seconds S]
                [--warmup W] [--sizes 64] [--only setup,memchange,datapath]

The app: `avq-vdpa -l 0 --no-huge -m 512 --no-pci -d <build>/drivers -a
avq:sim0,cpu=0 -- --socket-dir DIR --devices 2 --queue-pairs Q -i` (main
lcore and sim device thread on CPU 0). This script, the Python frontend
of vhost_user.py, runs on CPU 1.

setup      For Q = 1, 8 queue pairs and R = 1, 4, 8 memory regions (8 is
           DPDK 22.11's VHOST_MEMORY_MAX_NREGIONS): a Python frontend
           connects to socket 0, negotiates, shares R memfd regions (rings
           in the first, buffers over all R), sets up and enables 2Q
           vrings, then sends one frame to a Python frontend already
           running on socket 1. Times: connect -> first frame received by
           the peer; first reply (GET_FEATURES) -> first frame (without
           the wait for vhost's fdset thread to serve a new connection);
           the driver's dev_conf time (rte_vdpa_avq_conf_stats via
           `conf-stats`). Admin commands: those of the last dev_conf
           (conf-stats; MMU commands apart) and the engine's submitted
           counter over the whole connection (telemetry /avq/engine/stats).
           The frontend then disconnects (the device is reset) and the
           next run connects again.
memchange  Q = 1, 8, R = 4 regions, the last holding no buffers: the
           frontend replaces that region by a new memfd at another
           guest-physical address (SET_MEM_TABLE; vhost calls dev_close
           and dev_conf), points its transmit buffers into it and sends a
           frame to the peer. Time SET_MEM_TABLE -> frame received, the
           driver's dev_conf time, its commands (dev_close's stop of every
           vring included), beside the full set-up's; the verdict says
           whether it was only the MMU difference plus at most 4 others.
datapath   testpmd io forwarding between two net_virtio_user ports (`-l
           0-1`, forwarding lcore on CPU 1), `start tx_first`:
  vdpa     the ports on the app's two vDPA sockets: frames go through the
           managed devices and the device model's switch (CPU 0).
  vhost    net_bench.py's pair: DPDK's vhost PMD and virtio-user in one
           testpmd, joined by a unix socket (the software vhost path).
           Runs interleaved (vdpa, vhost, vdpa, ...), each a fresh
           process; Rx-pps of both ports summed, testpmd's average over S
           seconds after W seconds of warm-up.

Prints the machine, every command line and one table per part.
Exit status: 0 when every part measured, 1 otherwise, 77 when
dpdk-testpmd, the app or the driver is missing.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (START_TIMEOUT, Failure, TestPmd, check,  # noqa: E402
                    crash_lines, loop_rates, port_macs)
import net_bench  # noqa: E402
import vhost_user as vu  # noqa: E402
from vdpa_common import App, engine_submitted, pin_cpu  # noqa: E402

MBUFS = 8192
MEM = 512


def med(v):
    return statistics.median(v) if v else float('nan')


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.tmp = tempfile.mkdtemp(prefix='avq-vbench-')
        self.n = 0
        self.cmdlines = []

    def prefix(self, what):
        self.n += 1
        return 'avq-vb-%d-%s%d' % (os.getpid(), what, self.n)

    def app(self, qp):
        a = App(self.build, self.prefix('app'), self.tmp, devices=2,
                queue_pairs=qp)
        line = a.cmdline().replace(a.sockdir, '<dir>').replace(
            a.prefix, '<prefix>')
        if line not in self.cmdlines:
            self.cmdlines.append(line)
        return a


def frame_through(a, b, amac, bmac, seq, timeout=10.0):
    """Send one frame a -> b; the time it arrived, or a Failure."""
    deadline = time.monotonic() + timeout
    sent = False
    while time.monotonic() < deadline:
        if not sent:
            sent = a.send(0, [vu.frame(bmac, amac, seq)]) == 1
        for f in b.recv(0):
            if vu.frame_seq(f, amac) == seq:
                return time.monotonic()
        time.sleep(0.0002)
    raise Failure('frame %d did not arrive within %.0f s' % (seq, timeout))


# ---- set-up ----

def run_setup(bench, qps, regions, runs):
    rows = []
    for qp in qps:
        app = bench.app(qp)
        try:
            lst = app.list()
            amac, bmac = lst[0]['mac'], lst[1]['mac']
            peer = vu.Frontend.connect(app.sock(1))
            peer.setup()
            app.wait_state(1, 'running')
            seq = 1
            for r in regions:
                row = {'qp': qp, 'regions': r, 'total': [], 'reply': [],
                       'conf': [], 'cmds': [], 'mmu': [], 'engine': [],
                       'mmu_regions': None, 'msgs': None, 'fail': None}
                for _ in range(runs):
                    e0 = engine_submitted(app.prefix)
                    t0 = time.monotonic()
                    fe = vu.Frontend.connect(app.sock(0))
                    try:
                        fe.setup(queue_pairs=qp, regions=r)
                        seq += 1
                        t1 = frame_through(fe, peer, amac, bmac, seq)
                        e1 = engine_submitted(app.prefix)
                        cs = app.conf_stats(0)
                        row['total'].append(t1 - t0)
                        row['reply'].append(t1 - fe.first_reply_at)
                        row['msgs'] = fe.messages
                        if cs is not None:
                            row['conf'].append(cs['ns'] / 1e9)
                            row['cmds'].append(cs['commands'])
                            row['mmu'].append(cs['mmu_commands'])
                            row['mmu_regions'] = cs['mmu_regions']
                        if e0 is not None:
                            row['engine'].append(e1 - e0)
                    except (Failure, vu.VhostUserError, OSError) as e:
                        row['fail'] = str(e)[:300]
                        print('  setup qp %d regions %d: FAILED: %s'
                              % (qp, r, row['fail']), flush=True)
                    finally:
                        fe.close()
                    app.wait_state(0, 'idle')
                print('  setup qp %d regions %d: %.1f ms, %s commands'
                      % (qp, r, 1e3 * med(row['total']),
                         med(row['cmds'])), flush=True)
                rows.append(row)
            peer.close()
            app.stop()
        finally:
            app.kill()
    return rows


def print_setup(rows):
    print('set-up: connect -> first frame through (median of runs, ms); '
          'admin commands')
    print('%3s %7s %5s %9s %9s %9s %9s %9s %8s %8s' %
          ('qp', 'regions', 'runs', 'total ms', 'reply ms', 'conf ms',
           'commands', 'mmu cmds', 'engine', 'messages'))
    for r in rows:
        print('%3d %7d %5d %9.2f %9.2f %9.2f %9s %9s %8s %8s' %
              (r['qp'], r['regions'], len(r['total']),
               1e3 * med(r['total']), 1e3 * med(r['reply']),
               1e3 * med(r['conf']), fmt(med(r['cmds'])),
               fmt(med(r['mmu'])), fmt(med(r['engine'])),
               r['msgs'] if r['msgs'] is not None else '-'))
    # Growth with the number of regions, per queue-pair count.
    for qp in sorted({r['qp'] for r in rows}):
        rr = sorted((r for r in rows if r['qp'] == qp and r['cmds']),
                    key=lambda r: r['regions'])
        if len(rr) < 2:
            continue
        lo, hi = rr[0], rr[-1]
        extra = med(hi['cmds']) - med(lo['cmds'])
        more = hi['regions'] - lo['regions']
        print('qp %d: %d -> %d regions: %+g commands for %d more regions '
              '(%.2f per region; one per region would be %+d): %s'
              % (qp, lo['regions'], hi['regions'], extra, more,
                 extra / more, more,
                 'far slower than one per region' if extra * 4 <= more
                 else 'NOT far slower than one per region'))


def fmt(x):
    return '-' if x != x else ('%g' % x)


# ---- memory-table change ----

def run_memchange(bench, qps, runs):
    rows = []
    for qp in qps:
        app = bench.app(qp)
        try:
            lst = app.list()
            amac, bmac = lst[0]['mac'], lst[1]['mac']
            peer = vu.Frontend.connect(app.sock(1))
            peer.setup()
            fe = vu.Frontend.connect(app.sock(0))
            fe.setup(queue_pairs=qp, regions=4, spare=1)
            app.wait_state(0, 'running')
            app.wait_state(1, 'running')
            frame_through(fe, peer, amac, bmac, 1)
            full = app.conf_stats(0)
            row = {'qp': qp, 'time': [], 'conf': [], 'cmds': [], 'mmu': [],
                   'engine': [], 'incr': [], 'full': full, 'fail': None}
            for k in range(runs):
                old = fe.mem.regions[-1]
                # Alternate between two addresses, 4 GiB apart.
                gpa = old.gpa + (4 << 30) * (1 if k % 2 == 0 else -1)
                new = vu.Region(gpa, old.size)
                e0 = engine_submitted(app.prefix)
                try:
                    t0 = time.monotonic()
                    fe.replace_region(old, new)
                    fe.set_mem_table()
                    fe.move_tx_buffers(0, new)
                    t1 = frame_through(fe, peer, amac, bmac, 100 + k)
                    e1 = engine_submitted(app.prefix)
                    cs = app.conf_stats(0)
                    row['time'].append(t1 - t0)
                    if cs is not None:
                        row['conf'].append(cs['ns'] / 1e9)
                        # dev_close's stop belongs to the change too.
                        row['cmds'].append(cs['commands'] +
                                           cs.get('stop_commands', 0))
                        row['mmu'].append(cs['mmu_commands'])
                        row['incr'].append(cs['incremental'])
                    if e0 is not None:
                        row['engine'].append(e1 - e0)
                except (Failure, vu.VhostUserError, OSError) as e:
                    row['fail'] = str(e)[:300]
                    print('  memchange qp %d: FAILED: %s' % (qp, row['fail']))
                    break
            print('  memchange qp %d: %.2f ms, %s commands' %
                  (qp, 1e3 * med(row['time']), med(row['cmds'])), flush=True)
            rows.append(row)
            fe.close()
            peer.close()
            app.stop()
        finally:
            app.kill()
    return rows


def print_memchange(rows):
    print('memory-table change: one of 4 regions replaced (median of runs)')
    print('%3s %5s %9s %9s %9s %9s %8s %11s %13s' %
          ('qp', 'runs', 'total ms', 'conf ms', 'commands', 'mmu cmds',
           'engine', 'incremental', 'full set-up'))
    for r in rows:
        full = r['full']
        print('%3d %5d %9.2f %9.2f %9s %9s %8s %11s %13s' %
              (r['qp'], len(r['time']), 1e3 * med(r['time']),
               1e3 * med(r['conf']), fmt(med(r['cmds'])),
               fmt(med(r['mmu'])), fmt(med(r['engine'])),
               '%d/%d' % (sum(r['incr']), len(r['incr'])),
               '-' if full is None else '%d cmds %.1f ms'
               % (full['commands'], full['ns'] / 1e6)))
    for r in rows:
        full = r['full']
        if full is None or not r['cmds']:
            continue
        c = med(r['cmds'])
        m = med(r['mmu'])
        print('qp %d: a change costs %g of the full set-up\'s %d commands '
              '(%.0f%%), %g of them device-MMU commands: %s'
              % (r['qp'], c, full['commands'], 100.0 * c / full['commands'],
                 m, 'only the difference (MMU + %g: stop and resume of '
                 'every vring)' % (c - m) if c - m <= 4 else
                 'NOT only the difference (%g besides the MMU: vrings '
                 're-programmed)' % (c - m)))


# ---- datapath ----

class VdpaConfig:
    """Two net_virtio_user ports of one testpmd on the app's sockets."""

    kind = 'vdpa'

    def __init__(self, bench, size):
        self.bench = bench
        self.size = size
        self.samples = []
        self.failures = []
        self.cmdline = None
        self.commands = None

    def name(self):
        return 'vdpa %dB' % self.size

    def run(self, prefix, env, warmup, seconds):
        app = self.bench.app(1)
        pmd = None
        try:
            eal = []
            for i in range(2):
                eal += ['--vdev', 'net_virtio_user%d,path=%s,queues=1'
                        % (i, app.sock(i))]
            pmd = TestPmd(None, [], prefix, env, mem=MEM, eal_args=eal,
                          app_args=['-i', '--total-num-mbufs=%d' % MBUFS,
                                    '--forward-mode=io',
                                    '--txpkts=%d' % self.size],
                          linebuf=True)
            self.cmdline = pmd.cmdline().replace(self.bench.tmp, '<tmp>')
            self.commands = ['start tx_first', '(%gs) show port stats all'
                             % warmup, '(%gs) show port stats all' % seconds,
                             'stop', 'quit']
            pmd.wait_for('testpmd> ', START_TIMEOUT)
            check(sorted(port_macs(pmd.cmd('show port summary all'))) ==
                  [0, 1], 'want ports 0 and 1')
            app.wait_state(0, 'running')
            app.wait_state(1, 'running')
            pmd.cmd('start tx_first')
            rx, tx, errs, secs = loop_rates(pmd, warmup, seconds)
            pmd.cmd('stop')
            rc = pmd.quit()
            bad = crash_lines(pmd.out) + crash_lines(app.out)
            check(rc == 0 and not bad, 'exit %s %s' % (rc, bad))
            rc = app.stop()
            check(rc == 0, 'app exit %s' % rc)
            self.samples.append((rx, tx, errs, secs))
        except Failure as e:
            self.failures.append(str(e)[:2000])
            print('  %s: FAILED: %s' % (self.name(), str(e)[:2000]))
        finally:
            if pmd is not None:
                pmd.kill()
            app.kill()


def run_datapath(bench, sizes, runs, warmup, seconds):
    env = dict(os.environ)
    sockdir = tempfile.mkdtemp(prefix='vh', dir=bench.tmp)
    configs = []
    for s in sizes:
        configs.append(VdpaConfig(bench, s))
        configs.append(net_bench.Config('vhost', s, None, sockdir, None, 1))
    for r in range(runs):
        for c in configs:
            c.run(bench.prefix('dp'), env, warmup, seconds)
            if len(c.samples) == r + 1:
                print('  run %d %-10s %7.2f Mpps rx' % (r + 1, c.name(),
                                                         c.samples[-1][0]),
                      flush=True)
    return configs


def print_datapath(configs, bench):
    for c in configs:
        print('command   %s:' % c.name())
        print('            %s' % (c.cmdline or '(not run)').replace(
            bench.tmp, '<tmp>'))
        for cmd in c.commands or []:
            print('            testpmd> %s' % cmd.replace(bench.tmp,
                                                          '<tmp>'))
    print()
    print('datapath: io loop between two virtio-user ports, Mpps (sum of '
          'both ports\' Rx-pps)')
    print('%-12s %5s %9s %9s %9s %9s %7s' % ('config', 'runs', 'median',
                                             'min', 'max', 'tx Mpps',
                                             'errors'))
    for c in configs:
        rx = [s[0] for s in c.samples]
        print('%-12s %5d %9.3f %9.3f %9.3f %9.3f %7d' %
              (c.name(), len(rx), med(rx), min(rx, default=float('nan')),
               max(rx, default=float('nan')),
               med([s[1] for s in c.samples]),
               sum(s[2] for s in c.samples)))
    sizes = sorted({c.size for c in configs})
    for s in sizes:
        v = [c for c in configs if c.kind == 'vdpa' and c.size == s][0]
        h = [c for c in configs if c.kind == 'vhost' and c.size == s][0]
        a, b = med([x[0] for x in v.samples]), med([x[0] for x in h.samples])
        print('ratio vdpa / vhost, %4d B: %s' % (
            s, '%.3f' % (a / b) if b and a == a and b == b else '-'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--runs', type=int, default=5,
                    help='datapath runs per configuration (interleaved)')
    ap.add_argument('--setup-runs', type=int, default=5,
                    help='set-ups and memory-table changes per configuration')
    ap.add_argument('--seconds', type=float, default=5.0)
    ap.add_argument('--warmup', type=float, default=2.0)
    ap.add_argument('--sizes', default='64')
    ap.add_argument('--qps', default='1,8')
    ap.add_argument('--regions', default='1,4,8')
    ap.add_argument('--only', default='setup,memchange,datapath')
    args = ap.parse_args()
    parts = args.only.split(',')
    for p in parts:
        if p not in ('setup', 'memchange', 'datapath'):
            ap.error('--only: unknown part %s' % p)
    for prog in ('dpdk-testpmd', 'stdbuf'):
        if shutil.which(prog) is None:
            print('%s not found: skipped' % prog)
            return 77
    build = os.path.abspath(args.build)
    for f in (os.path.join(build, 'examples', 'vdpa', 'avq-vdpa'),
              os.path.join(build, 'drivers', 'librte_vdpa_avq.so')):
        if not os.path.isfile(f):
            print('%s: not built: skipped' % f)
            return 77
    qps = [int(x) for x in args.qps.split(',')]
    regions = [int(x) for x in args.regions.split(',')]
    sizes = [int(x) for x in args.sizes.split(',')]
    pinned = pin_cpu(1)
    bench = Bench(args)
    m0 = net_bench.machine()
    setup = mem = dp = None
    try:
        if 'setup' in parts:
            setup = run_setup(bench, qps, regions, args.setup_runs)
        if 'memchange' in parts:
            mem = run_memchange(bench, qps, args.setup_runs)
        if 'datapath' in parts:
            dp = run_datapath(bench, sizes, args.runs, args.warmup,
                              args.seconds)
        m1 = net_bench.machine()
        print()
        print('machine   %s' % m0['uname'])
        print('cpu       %s, nproc %s' % (m0['cpu'], m0['nproc']))
        print('load      %.2f %.2f %.2f before, %.2f %.2f %.2f after'
              % (m0['load'] + m1['load']))
        print('frontend  Python %s (vhost_user.py), %s'
              % (sys.version.split()[0],
                 'on CPU 1' if pinned else 'not pinned'))
        for line in bench.cmdlines:
            print('command   %s' % line)
        print()
        ok = True
        if setup is not None:
            print_setup(setup)
            ok = ok and all(r['total'] for r in setup)
            print()
        if mem is not None:
            print_memchange(mem)
            ok = ok and all(r['time'] for r in mem)
            print()
        if dp is not None:
            print_datapath(dp, bench)
            ok = ok and all(c.samples for c in dp)
            for c in dp:
                for f in c.failures:
                    print('%s: a run failed: %s' % (c.name(),
                                                     f.split('\n')[0]))
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
