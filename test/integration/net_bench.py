#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""net_avq against DPDK's vhost <-> virtio-user pair: an io-forward loop
in one dpdk-testpmd, packets per second.

  net_bench.py <build dir> [--runs N] [--seconds S] [--warmup W]
               [--sizes 64,1500] [--only net_avq|vhost]
               [--mgmt avq:sim0,cpu=0[,idle=poll...]] [--bursts N]
               [--ring-sizes 0,128] [--rx-posts 0,64] [--huge]

Both loops run in ONE testpmd with -l 0-1 (lcore 0 main, lcore 1 the only
forwarding lcore) and --no-huge, `--forward-mode=io`, `start tx_first`
(one burst of 32 packets per port is what circulates; --bursts N: N):

net_avq  two net_avq ports on one sim management device whose device
         thread is pinned to CPU 0 (`-a avq:sim0,cpu=0 --vdev
         net_avq0,mgmt=sim0 --vdev net_avq1,mgmt=sim0`); the device's
         embedded switch connects them.
vhost    DPDK's vhost PMD and virtio-user connected by a unix socket
         (`--vdev net_vhost0,iface=<sock>,queues=1`, then at the prompt
         `port attach net_virtio_user0,path=<sock>,queues=1` and `port
         start 1`: virtio-user connects when probed and the vhost port
         only listens once started, so it cannot be a second --vdev).

--huge: both loops in hugepage memory (`--in-memory` instead of
`--no-huge`; reserve /proc/sys/vm/nr_hugepages first: 300 pages of 2 MiB
hold one run). DPDK deployments run on hugepages; with --no-huge (the
default, so that nothing depends on them) every mbuf and ring lies on 4 KiB
pages.

--ring-sizes R1,R2,..: one net_avq configuration per ring size (the
ports' ring_size devarg; 0, the default, passes none: the driver's 256,
the size of virtio-user's rings). The vhost loop posts receive buffers on
one side only (virtio-user's 256; the vhost port takes mbufs from the
pool as it copies), the net_avq loop on both ports: by default each
receive queue's adaptive posting window (the whole ring at start, 64
once a few thousand frames showed no more than a burst waiting per poll),
or rx_post.

--rx-posts P1,P2,..: one net_avq configuration per rx_post devarg (with
each ring size; 0, the default, passes none: the adaptive window; e.g.
4096: the whole ring posted, as before session 20). With fewer buffers
posted fewer of them circulate, and the device's copies find their
destination in its core's L2 (doc/guides/nics/avq.rst, "rx_post"); a
burst larger than the window plus the device's backlog finds no room.
The table shows each configuration's windows at the end of its runs
(xstats rx_q0_post_window of both ports) and how often they grew.

After W seconds of warm-up, `show port stats all` twice, S seconds
apart: the second one's Rx-pps/Tx-pps are testpmd's averages over those S
seconds. The figure is the sum over the two ports of Rx-pps (packets the
forwarding lcore received and forwarded per second). Configurations run
interleaved (run 1 of every configuration, then run 2, ...), each run a
fresh testpmd, because the vhost loop is bistable on these machines
(ENVIRONMENT.md). Prints the machine, every command line, and a table of
medians, min and max per configuration and the ratio net_avq / vhost of
the medians per packet size, with the ratios run by run (each net_avq run
over the vhost run of its round: median, range, pairs).

steal: the share of the machine's CPU time the hypervisor gave to others
over each measured interval (/proc/stat, all CPUs). These machines are
virtual and shared: a run with a high steal share measured the neighbours
as much as the loop.

Exit status: 0 when every configuration measured at least once (a failed
run is reported, not fatal), 1 otherwise, 77 when dpdk-testpmd or the
net_avq driver is missing.
"""
import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time

from common import (START_TIMEOUT, Failure, TestPmd, check, crash_lines,
                    loop_rates, port_macs, sanitizer_env, telemetry,
                    xstats)

MBUFS = 8192		# 2176-byte mbufs: ~18 MB of the 512 MB
MEM = 512


def steal_ticks():
    """(steal ticks, all ticks) of all CPUs so far, from /proc/stat."""
    try:
        with open('/proc/stat') as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal guest guest_nice:
    # guest time is already counted in user.
    return (v[7] if len(v) > 7 else 0), sum(v[:8])


def machine():
    cpu = '?'
    try:
        with open('/proc/cpuinfo', encoding='ascii', errors='replace') as f:
            for ln in f:
                if ln.startswith('model name'):
                    cpu = ln.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {'uname': ' '.join(platform.uname()), 'cpu': cpu,
            'nproc': os.cpu_count(), 'load': os.getloadavg()}


class Config:
    def __init__(self, kind, size, drivers, sockdir, mgmt, bursts, ring=0,
                 huge=False, rx_post=0):
        self.kind = kind
        self.huge = huge
        self.ring = ring
        self.rx_post = rx_post
        self.bursts = bursts
        self.mgmt = mgmt
        self.size = size
        self.drivers = drivers
        self.sock = os.path.join(sockdir, 'vhost-%d.sock' % size)
        self.samples = []	# (rx Mpps, tx Mpps)
        self.by_run = {}	# run number: rx Mpps
        self.failures = []
        self.busy = []		# (device busy share, busy ns per frame)
        self.steal = []		# steal share of each measured interval
        self.windows = []	# net_avq: (port 0, port 1 window, grows)
        self.cmdline = None
        self.commands = None

    def name(self):
        return '%s%s%s %dB' % (self.kind,
                               ' r%d' % self.ring if self.ring else '',
                               ' p%d' % self.rx_post if self.rx_post else '',
                               self.size)

    def start(self, prefix, env):
        app = ['-i', '--total-num-mbufs=%d' % MBUFS, '--forward-mode=io',
               '--txpkts=%d' % self.size]
        if self.kind == 'net_avq':
            ring = ',ring_size=%d' % self.ring if self.ring else ''
            if self.rx_post:
                ring += ',rx_post=%d' % self.rx_post
            pmd = TestPmd(self.drivers, [self.mgmt], prefix, env,
                          mem=MEM, eal_args=['--vdev', 'net_avq0,mgmt=sim0'
                                             + ring, '--vdev',
                                             'net_avq1,mgmt=sim0' + ring],
                          app_args=app, linebuf=True, huge=self.huge)
            cmds = []
        else:
            if os.path.exists(self.sock):
                os.unlink(self.sock)
            pmd = TestPmd(None, [], prefix, env, mem=MEM,
                          eal_args=['--vdev', 'net_vhost0,iface=%s,queues=1'
                                    % self.sock],
                          app_args=app, linebuf=True, huge=self.huge)
            cmds = ['port attach net_virtio_user0,path=%s,queues=1'
                    % self.sock, 'port start 1']
        return pmd, cmds

    def run(self, prefix, env, warmup, seconds):
        pmd, setup = self.start(prefix, env)
        # virtio-user first: closed after the vhost port, it writes to a
        # socket the other end closed and dies of SIGPIPE.
        teardown = ['port stop all', 'port close 1'] if setup else []
        # net_avq: each port's receive posting window at the end, and how
        # often it grew (doc/guides/nics/avq.rst, rx_post).
        shows = (['show port xstats 0', 'show port xstats 1']
                 if self.kind == 'net_avq' else [])
        first = 'start tx_first' + (' %d' % self.bursts
                                    if self.bursts > 1 else '')
        cmds = setup + [first, '(%gs) show port stats all'
                        % warmup, '(%gs) show port stats all' % seconds,
                        'stop'] + shows + teardown + ['quit']
        self.cmdline = pmd.cmdline()
        self.commands = cmds
        try:
            pmd.wait_for('testpmd> ', START_TIMEOUT)
            for c in setup:
                pmd.cmd(c)
            out = pmd.cmd('show port summary all')
            check(sorted(port_macs(out)) == [0, 1], 'want ports 0 and 1:\n'
                  + pmd.out[-6000:])
            out = pmd.cmd(first)
            check('Not all ports were started' not in out,
                  'start tx_first:\n' + pmd.out[-6000:])
            marks = []
            steal = []

            def probe():
                steal.append(steal_ticks())
                if self.kind == 'net_avq':
                    busy()

            def busy():
                # The device thread's busy time (net_avq only): what
                # share of it the loop needs, over the measured interval.
                try:
                    r = telemetry(prefix, ['/avq/model/stats,sim0'])
                    marks.append((time.monotonic(),
                                  r['/avq/model/stats,sim0']['busy_ns']))
                except (Failure, KeyError, TypeError) as e:
                    print('  %s: no device busy time: %s'
                          % (self.name(), str(e)[:300]))
            rx, tx, errs, secs = loop_rates(pmd, warmup, seconds, probe)
            if len(steal) == 2 and None not in steal and \
                    steal[1][1] > steal[0][1]:
                self.steal.append((steal[1][0] - steal[0][0]) /
                                  (steal[1][1] - steal[0][1]))
            if len(marks) == 2 and marks[1][0] > marks[0][0] and rx > 0:
                share = ((marks[1][1] - marks[0][1]) / 1e9 /
                         (marks[1][0] - marks[0][0]))
                self.busy.append((share, share * 1e3 / rx))
            pmd.cmd('stop')
            if shows:
                xs = [xstats(pmd.cmd(c)) for c in shows]
                self.windows.append((xs[0].get('rx_q0_post_window', -1),
                                     xs[1].get('rx_q0_post_window', -1),
                                     xs[0].get('rx_q0_post_grows', 0) +
                                     xs[1].get('rx_q0_post_grows', 0)))
            for c in teardown:
                pmd.cmd(c)
            rc = pmd.quit()
            bad = crash_lines(pmd.out)
            check(rc == 0 and not bad, 'exit %s %s' % (rc, bad))
            self.samples.append((rx, tx, errs, secs))
        except Failure as e:
            msg = str(e)
            self.failures.append(msg[:2000])
            print('  %s: FAILED: %s' % (self.name(), msg[:2000]))
        finally:
            pmd.kill()
            if self.kind == 'vhost' and os.path.exists(self.sock):
                os.unlink(self.sock)


def med(v):
    return statistics.median(v) if v else float('nan')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--seconds', type=float, default=5.0)
    ap.add_argument('--warmup', type=float, default=2.0)
    ap.add_argument('--sizes', default='64,1500')
    ap.add_argument('--only', choices=['net_avq', 'vhost'])
    ap.add_argument('--bursts', type=int, default=1,
                    help='start tx_first N: N bursts of 32 frames per port '
                    'circulate (default 1)')
    ap.add_argument('--mgmt', default='avq:sim0,cpu=0',
                    help='the management device devargs (-a) of the '
                    'net_avq runs, e.g. avq:sim0,cpu=0,idle=poll')
    ap.add_argument('--ring-sizes', default='0',
                    help='net_avq configurations by ring_size devarg, '
                    'e.g. 0,128 (0: none given, the driver default)')
    ap.add_argument('--rx-posts', default='0',
                    help='net_avq configurations by rx_post devarg, '
                    'e.g. 0,64 (0: none given, the whole ring)')
    ap.add_argument('--huge', action='store_true',
                    help='hugepage memory (--in-memory) for both loops '
                    'instead of --no-huge; reserve nr_hugepages first')
    args = ap.parse_args()
    rings = [int(r) for r in args.ring_sizes.split(',')]
    posts = [int(p) for p in args.rx_posts.split(',')]
    if shutil.which('dpdk-testpmd') is None or shutil.which('stdbuf') is None:
        print('dpdk-testpmd or stdbuf not found: skipped')
        return 77
    drivers = os.path.abspath(os.path.join(args.build, 'drivers'))
    kinds = ['net_avq', 'vhost'] if args.only is None else [args.only]
    lib = os.path.join(drivers, 'librte_net_avq.so')
    if 'net_avq' in kinds and not os.path.isfile(lib):
        print('%s: not built: skipped' % lib)
        return 77
    env = sanitizer_env(lib) if 'net_avq' in kinds else dict(os.environ)
    if 'LD_PRELOAD' in env:
        print('note: a sanitizer build: the figures mean little')
    sizes = [int(s) for s in args.sizes.split(',')]
    sockdir = tempfile.mkdtemp(prefix='avq-netbench-')
    configs = []
    for s in sizes:
        for k in kinds:
            for r in (rings if k == 'net_avq' else [0]):
                for p in (posts if k == 'net_avq' else [0]):
                    configs.append(Config(k, s, drivers, sockdir, args.mgmt,
                                          args.bursts, r, args.huge, p))
    m0 = machine()
    n = 0
    try:
        for r in range(args.runs):
            for c in configs:
                n += 1
                prefix = 'avq-nb-%d-%d' % (os.getpid(), n)
                c.run(prefix, env, args.warmup, args.seconds)
                if c.samples and len(c.samples) == r + 1:
                    c.by_run[r] = c.samples[-1][0]
                    busy = ''
                    if c.busy and len(c.busy) == len(c.samples):
                        busy = ('  device busy %3.0f%%, %5.1f ns/frame'
                                % (100 * c.busy[-1][0], c.busy[-1][1]))
                    if c.steal and len(c.steal) == len(c.samples):
                        busy += '  steal %2.0f%%' % (100 * c.steal[-1])
                    if c.windows and len(c.windows) == len(c.samples):
                        busy += '  rx window %d,%d grown %d' % c.windows[-1]
                    print('  run %d %-22s %7.2f Mpps rx %7.2f Mpps tx%s'
                          % (r + 1, c.name(), c.samples[-1][0],
                             c.samples[-1][1], busy), flush=True)
    finally:
        shutil.rmtree(sockdir, ignore_errors=True)
    m1 = machine()

    print()
    print('machine   %s' % m0['uname'])
    print('cpu       %s, nproc %s' % (m0['cpu'], m0['nproc']))
    print('load      %.2f %.2f %.2f before, %.2f %.2f %.2f after'
          % (m0['load'] + m1['load']))
    print('runs      %d interleaved, %gs warm-up, %gs measured each'
          % (args.runs, args.warmup, args.seconds))
    for c in configs:
        print('command   %s:' % c.name())
        print('            %s' % (c.cmdline or '(not run)').replace(
            os.path.basename(sockdir), '<tmp>'))
        for cmd in c.commands or []:
            print('            testpmd> %s' % cmd.replace(
                os.path.basename(sockdir), '<tmp>'))
    print()
    print('%-22s %5s %10s %10s %10s %10s %6s %9s %9s %6s %10s'
          % ('config', 'runs', 'rx Mpps', 'min', 'max', 'tx Mpps', 'errors',
             'dev busy', 'dev ns/f', 'steal', 'rx window'))
    for c in configs:
        rx = [s[0] for s in c.samples]
        tx = [s[1] for s in c.samples]
        if c.busy:
            busy = '%8.0f%% %9.1f' % (100 * med([b[0] for b in c.busy]),
                                      med([b[1] for b in c.busy]))
        else:
            busy = '%9s %9s' % ('-', '-')
        steal = ('%5.0f%%' % (100 * max(c.steal)) if c.steal
                 else '%6s' % '-')
        if c.windows:
            ws = sorted(set(w for x in c.windows for w in x[:2]))
            win = '%s g%d' % ('/'.join(str(w) for w in ws),
                              sum(x[2] for x in c.windows))
        else:
            win = '-'
        print('%-22s %5d %10.2f %10.2f %10.2f %10.2f %6d %s %s %10s'
              % (c.name(), len(rx), med(rx), min(rx, default=float('nan')),
                 max(rx, default=float('nan')), med(tx),
                 sum(s[2] for s in c.samples), busy, steal, win))
    print('dev busy: the share of the device thread (net_avq) in passes '
          'that found work, over the measured interval '
          '(/avq/model/stats busy_ns); dev ns/f: that time per forwarded '
          'frame. Near 100%, the device thread limits the loop. steal: '
          'the largest share of CPU time the hypervisor took over one of '
          'the runs\' measured intervals (/proc/stat). rx window '
          '(net_avq): the receive posting windows of the ports at the end '
          'of the runs (xstats rx_q0_post_window), g: how often a window '
          'grew back to the whole ring in all runs (rx_q0_post_grows).')
    if len(kinds) == 2:
        for s in sizes:
            v = [c for c in configs if c.kind == 'vhost' and c.size == s][0]
            rv = med([x[0] for x in v.samples])
            for a in [c for c in configs
                      if c.kind == 'net_avq' and c.size == s]:
                ra = med([x[0] for x in a.samples])
                ratio = (ra / rv if rv and rv == rv and ra == ra
                         else float('nan'))
                # Also run by run: each net_avq run against the vhost
                # run next to it, so a drift of the machine between
                # rounds weighs on both sides of every ratio.
                pr = [a.by_run[r] / v.by_run[r] for r in sorted(a.by_run)
                      if r in v.by_run and v.by_run[r] > 0]
                print('ratio %s / vhost, %4d B: %.2f (paired runs: median '
                      '%.2f, %.2f-%.2f, %d pairs)'
                      % (a.name().rsplit(' ', 1)[0], s, ratio, med(pr), min(pr, default=float('nan')),
                         max(pr, default=float('nan')), len(pr)))
    failed = [c for c in configs if not c.samples]
    for c in configs:
        for f in c.failures:
            print('%s: a run failed: %s' % (c.name(), f.split('\n')[0]))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
