#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""examples/vdpa (avq-vdpa) end to end: vhost-user frontends on the vDPA
sockets of managed devices, the app driven at its interactive prompt.

  vdpa_app.py <build dir> [scenario ...]

The app: `avq-vdpa -l 0 --no-huge -m 512 --no-pci -d <build>/drivers -a
avq:sim0,cpu=0 -- --socket-dir DIR --devices N -i` (main lcore and sim
device thread on CPU 0). Frontends: Debian's dpdk-testpmd with
net_virtio_user ports (-l 0-1: its forwarding lcore on CPU 1), and the
Python frontend of vhost_user.py (pinned to CPU 1, it polls with sleeps).
Frames between two managed devices go through the device model's switch.

Scenarios (each with its own app and file prefixes, under ~60 s):

stats       testpmd io loop over two sockets; after `stop` the per-queue
            counters of `stats <dev>` match testpmd's: device tx packets
            == port TX-packets, port RX-packets <= device rx packets <=
            RX-packets + the ring size; one device's tx packets == the
            other's rx packets; no drops or errors.
kill        testpmd loops on sockets 0/1 throughout; a Python frontend on
            socket 2 disconnects after SET_FEATURES, after SET_MEM_TABLE,
            after vring 0, after vring 1 (before enabling), then mid-traffic
            with a Python peer on socket 3; each time the device goes back
            to idle and reset (status 0 in telemetry /avq/vdev/info), a new
            frontend on the same socket forwards 200 frames,
            and testpmd's counters keep growing.
client      --client: testpmd ports are the servers (server=1); the app
            connects, traffic flows; testpmd is SIGKILLed and restarted on
            the same paths; the app reconnects and traffic flows again.
memtable    a Python frontend with 4 memory regions (the last one holds no
            buffers) replaces that region with another memfd at another
            address, then adds a fifth, with 1 and with 8 queue pairs:
            frames pass after each change, and `conf-stats` shows it cost
            the MMU difference (<= 2 MMU commands) plus at most 4 others
            (dev_close's stop of every vring + dev_conf's resume of every
            vring: no vring re-programmed), the same for 1 and 8 pairs.
notifier    two Python frontends that accept host notifiers (backend
            channel, SLAVE_VRING_HOST_NOTIFIER_MSG with the doorbell page's
            fd) and never write a kickfd: every vring's page is mapped,
            frames pass both ways, after 50 ms idle (the device thread
            asleep) a frame still gets through in well under the 100 ms
            idle timeout (median < 20 ms: the sleep is bounded while
            notifiers may be written), again after a memory-table change
            (dev_close, dev_conf); eventfd kicks 0, page kicks > 0.
interactive `create` (with a MAC and queue pairs), `list` shows it and its
            socket exists, a frontend runs on it, `remove` closes it (socket
            gone, not listed), bad commands answer "error:"; SIGTERM exits 0
            and so does SIGINT.

Exit status: 0 pass, 1 fail, 77 skip (no dpdk-testpmd, app or driver).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Failure, TestPmd, check, fwd_stats,  # noqa: E402
                    port_macs, port_stats, run_scenarios, scenario_args,
                    telemetry)
import vhost_user as vu  # noqa: E402
from vdpa_common import App, engine_submitted, pin_cpu  # noqa: E402

SCENARIOS = ('stats', 'kill', 'client', 'memtable', 'notifier',
             'interactive')
RING = 256		# virtio-user's default ring size


class Ctx:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.tmp = None
        self.n = 0
        self.procs = []

    def prefix(self, what):
        self.n += 1
        return 'avq-vapp-%d-%s%d' % (os.getpid(), what, self.n)

    def app(self, **kw):
        a = App(self.build, self.prefix('app'), self.tmp, **kw)
        self.procs.append(a)
        return a

    def testpmd(self, paths, server=False, unicast=False, wait=True):
        """testpmd with a net_virtio_user port per path. @unicast: mac
        forwarding, each port to the other port's MAC, which the switch
        learns: known unicast, not flooded to other frontends (io mode
        keeps tx_first's 02:00:00:00:00:0x destinations, never learnt, so
        the switch floods every frame to every managed device)."""
        eal = []
        for i, p in enumerate(paths):
            eal += ['--vdev', 'net_virtio_user%d,path=%s,queues=1%s'
                    % (i, p, ',server=1' if server else '')]
        app = ['-i', '--total-num-mbufs=4096']
        if unicast:
            app += ['--forward-mode=mac']
        pmd = TestPmd(None, [], self.prefix('fe'), dict(os.environ),
                      mem=512, eal_args=eal, app_args=app, linebuf=True)
        self.procs.append(pmd)
        if wait:
            pmd.wait_for('testpmd> ', 60)
        if unicast:
            macs = port_macs(pmd.cmd('show port summary all'))
            check(sorted(macs) == [0, 1], 'port summary: %s' % macs)
            for p in (0, 1):
                pmd.cmd('set eth-peer %d %s' % (p, macs[1 - p][0]))
        return pmd

    def cleanup(self):
        for p in self.procs:
            p.kill()
        self.procs = []


def rx_counts(pmd):
    st = port_stats(pmd.cmd('show port stats all'))
    check(sorted(st) == [0, 1], 'ports %s, expected 0 and 1' % sorted(st))
    return [st[p]['RX-packets'] for p in (0, 1)], st


def grows(pmd, where, intervals=2, gap=0.5):
    prev, _ = rx_counts(pmd)
    for _ in range(intervals):
        time.sleep(gap)
        cur, st = rx_counts(pmd)
        check(all(c > p for c, p in zip(cur, prev)),
              '%s: testpmd rx did not grow: %s -> %s' % (where, prev, cur))
        prev = cur
    return st


def start_traffic(pmd, where):
    out = pmd.cmd('start tx_first')
    check('rror' not in out, '%s: start tx_first: %s' % (where, out))
    return grows(pmd, where)


def stat_sum(qstats, word):
    """The first counter whose name contains @word, of one queue."""
    for k, v in qstats.items():
        if word in k:
            return v
    raise Failure('no counter named *%s* in %s' % (word, sorted(qstats)))


def py_pair(app, sa, sb, **kw):
    """Python frontends on slots @sa and @sb, set up; their MACs."""
    lst = app.list()
    a = vu.Frontend.connect(app.sock(sa))
    a.setup(**kw)
    b = vu.Frontend.connect(app.sock(sb))
    b.setup()
    app.wait_state(sa, 'running')
    app.wait_state(sb, 'running')
    return a, b, lst[sa]['mac'], lst[sb]['mac']


def check_exchange(a, b, amac, bmac, where, count=200, app=None,
                   slots=None):
    for src, dst, smac, dmac, d in ((a, b, amac, bmac, 'a->b'),
                                    (b, a, bmac, amac, 'b->a')):
        vu.wait_path(src, dst, dmac, smac)
        t0 = time.monotonic()
        got = vu.exchange(src, dst, dmac, smac, count, timeout=20)
        if len(got) != count:
            diag = ''
            if app is not None:
                # Queue counters, set-up history and the device state
                # (a fault shows as NEEDS_RESET, a stop in conf-stats).
                lst = app.list()
                diag = '; ' + '; '.join(
                    'slot %d: %s; conf-stats: %s' % (s, app.stats(s),
                                                     app.conf_stats(s))
                    for s in slots) + '; list: %s' % lst
            if app is not None and shutil.which('dpdk-telemetry.py'):
                # Status (NEEDS_RESET?) and enabled queues, read through
                # the admin queue.
                cmds = ['/avq/vdev/info,' + lst[s]['device'] for s in slots]
                diag += ''.join('; %s' % v for v in
                                telemetry(app.prefix, cmds).values())
            # And the rings as the frontends see them: published or not,
            # used or not, kicked how.
            diag += ''.join('; %s %s' % (side, v.state())
                            for side, fe in (('src', src), ('dst', dst))
                            for v in fe.vrings)
            raise Failure('%s: %d of %d frames %s in %.1f s (missing %s)%s'
                          % (where, len(got), count, d,
                             time.monotonic() - t0,
                             sorted(set(range(count)) - got)[:10], diag))


def check_reset(app, dev, where, timeout=10):
    """The managed device's status byte is 0 (reset), as telemetry reads
    it through the admin queue."""
    if shutil.which('dpdk-telemetry.py') is None:
        return
    cmd = '/avq/vdev/info,' + dev
    deadline = time.monotonic() + timeout
    while True:
        st = telemetry(app.prefix, [cmd])[cmd].get('status')
        if st == 0:
            return
        check(time.monotonic() < deadline,
              '%s: %s status %s, not reset' % (where, dev, st))
        time.sleep(0.1)


# ---- scenarios ----

def scenario_stats(ctx):
    app = ctx.app(devices=2)
    pmd = ctx.testpmd([app.sock(0), app.sock(1)])
    app.wait_state(0, 'running')
    app.wait_state(1, 'running')
    start_traffic(pmd, 'stats')
    time.sleep(1)
    fwd, _ = fwd_stats(pmd.cmd('stop'))
    time.sleep(0.5)		# the device empties the tx rings
    st = port_stats(pmd.cmd('show port stats all'))
    for p in (0, 1):
        for k in ('RX-errors', 'TX-errors', 'RX-nombuf'):
            check(st[p].get(k, 0) == 0, 'port %d %s %d' % (p, k, st[p][k]))
        for k in ('RX-dropped', 'TX-dropped'):
            check(fwd[p].get(k, 0) == 0, 'port %d %s %d' % (p, k, fwd[p][k]))
    dev = {}
    for p in (0, 1):
        q = app.stats(p)
        dev[p] = q
        check(sorted(q) == [0, 1], 'stats %d: queues %s' % (p, sorted(q)))
        rx = stat_sum(q[0], 'packets')
        tx = stat_sum(q[1], 'packets')
        print('  port %d: testpmd RX %d TX %d; device rxq %s txq %s'
              % (p, st[p]['RX-packets'], st[p]['TX-packets'], q[0], q[1]))
        check(tx == st[p]['TX-packets'],
              'port %d: device tx packets %d != testpmd TX-packets %d'
              % (p, tx, st[p]['TX-packets']))
        check(st[p]['RX-packets'] <= rx <= st[p]['RX-packets'] + RING,
              'port %d: device rx packets %d vs testpmd RX-packets %d'
              % (p, rx, st[p]['RX-packets']))
        check(st[p]['RX-packets'] > 1000, 'port %d: only %d packets'
              % (p, st[p]['RX-packets']))
        for qq in (0, 1):
            for word in ('error', 'drop'):
                for k, v in q[qq].items():
                    check(word not in k or v == 0,
                          'port %d queue %d: %s %d' % (p, qq, k, v))
    # The switch delivered every frame one device sent to the other.
    for p in (0, 1):
        sent = stat_sum(dev[p][1], 'packets')
        got = stat_sum(dev[1 - p][0], 'packets')
        check(sent == got, 'device %d sent %d, device %d received %d'
              % (p, sent, 1 - p, got))
    rc = pmd.quit()
    check(rc == 0, 'testpmd exited %s' % rc)
    app.check_clean('stats')
    rc = app.stop()
    check(rc == 0, 'app exited %s:\n%s' % (rc, app.out[-3000:]))


def scenario_kill(ctx):
    app = ctx.app(devices=4)
    lst = app.list()
    pmd = ctx.testpmd([app.sock(0), app.sock(1)], unicast=True)
    start_traffic(pmd, 'kill: testpmd')
    peer = vu.Frontend.connect(app.sock(3))
    peer.setup()
    lst = app.list()
    amac, pmac = lst[2]['mac'], lst[3]['mac']
    for stop in ('features', 'mem', 'vring0', 'vring1'):
        fe = vu.Frontend.connect(app.sock(2))
        fe.setup(regions=2, stop_after=stop)
        fe.close()		# the frontend dies during set-up
        app.wait_state(2, 'idle')
        check_reset(app, lst[2]['device'], 'kill after %s' % stop)
        grows(pmd, 'kill after %s' % stop, intervals=1)
    # A whole frontend after those, then one killed mid-traffic.
    for rnd in range(2):
        fe = vu.Frontend.connect(app.sock(2))
        fe.setup(regions=2)
        app.wait_state(2, 'running')
        check_exchange(fe, peer, amac, pmac, 'kill round %d' % rnd,
                       app=app, slots=(2, 3))
        fe.send(0, [vu.frame(pmac, amac, 9999)] * 32)
        fe.close()		# mid-traffic
        app.wait_state(2, 'idle')
        check_reset(app, lst[2]['device'], 'kill round %d' % rnd)
        grows(pmd, 'kill round %d' % rnd, intervals=1)
    fe = vu.Frontend.connect(app.sock(2))
    fe.setup(regions=3)
    peer.recv(0)		# whatever the dead frontend still sent
    check_exchange(fe, peer, amac, pmac, 'kill: last frontend')
    fe.close()
    peer.close()
    grows(pmd, 'kill: end')
    pmd.cmd('stop')
    rc = pmd.quit()
    check(rc == 0, 'testpmd exited %s' % rc)
    check(app.alive(), 'app died:\n' + app.out[-3000:])
    app.check_clean('kill')
    rc = app.stop()
    check(rc == 0, 'app exited %s:\n%s' % (rc, app.out[-3000:]))


def scenario_client(ctx):
    sockdir = tempfile.mkdtemp(prefix='c', dir=ctx.tmp)
    paths = [os.path.join(sockdir, 'vdpa%d.sock' % i) for i in range(2)]
    # virtio-user's server mode waits in its probe for the app.
    pmd = ctx.testpmd(paths, server=True, wait=False)
    app = ctx.app(devices=2, client=True, sockdir=sockdir)
    pmd.wait_for('testpmd> ', 60)
    for rnd in range(2):
        app.wait_state(0, 'running', timeout=20)
        app.wait_state(1, 'running', timeout=20)
        lst = app.list()
        check(all(lst[i]['mode'] == 'client' for i in (0, 1)),
              'list: %s' % lst)
        start_traffic(pmd, 'client round %d' % rnd)
        if rnd == 0:
            pmd.kill()		# the frontend (server) dies mid-traffic
            app.wait_state(0, 'idle', timeout=20)
            for p in paths:
                if os.path.exists(p):
                    os.unlink(p)
            check(app.alive(), 'app died:\n' + app.out[-3000:])
            pmd = ctx.testpmd(paths, server=True)
            app.wait_state(0, 'running', timeout=20)
    pmd.cmd('stop')
    rc = pmd.quit()
    check(rc == 0, 'testpmd exited %s' % rc)
    app.check_clean('client')
    rc = app.stop()
    check(rc == 0, 'app exited %s:\n%s' % (rc, app.out[-3000:]))


def memtable_round(ctx, qp):
    """Two changes (a region replaced, one added) on a qp-pair frontend;
    the non-MMU commands each cost (dev_close's stop + dev_conf)."""
    app = ctx.app(devices=2, queue_pairs=qp)
    prefix = app.prefix
    a, b, amac, bmac = py_pair(app, 0, 1, regions=4, spare=1,
                               queue_pairs=qp)
    check_exchange(a, b, amac, bmac, 'memtable qp %d: before' % qp, app=app,
                   slots=(0, 1))
    full = app.conf_stats(0)
    print('  qp %d full set-up: %s' % (qp, full))
    changes = []
    for what in ('replace', 'add'):
        n0 = engine_submitted(prefix)
        if what == 'replace':
            old = a.mem.regions[-1]
            new = vu.Region(old.gpa + (4 << 30), old.size)
            a.replace_region(old, new)
        else:
            last = a.mem.regions[-1]
            new = a.mem.add(vu.Region(last.gpa + (1 << 30), 1 << 20))
        a.set_mem_table()
        # Frames sent from now on are read from the new region.
        a.move_tx_buffers(0, new)
        app.wait_state(0, 'running')
        n1 = engine_submitted(prefix)
        cs = app.conf_stats(0)
        print('  qp %d %s: conf-stats %s, engine commands %s' %
              (qp, what, cs, None if n0 is None else n1 - n0))
        check_exchange(a, b, amac, bmac, 'memtable qp %d: after %s'
                       % (qp, what))
        changes.append((what, cs, None if n0 is None else n1 - n0))
    if full is None:
        raise Failure('conf-stats unavailable (vdpa_avq without '
                      'rte_vdpa_avq_conf_stats): cannot compare commands')
    other = []
    for what, cs, eng in changes:
        what = 'qp %d %s' % (qp, what)
        check(cs['confs'] > full['confs'], '%s: no new dev_conf' % what)
        check(cs['result'] == 0, '%s: dev_conf failed %d' % (what,
                                                           cs['result']))
        check(cs['incremental'] == 1, '%s: not incremental: %s' % (what, cs))
        # The memory part is the difference (one region out, one in).
        check(cs['mmu_commands'] <= 2 and cs['windows_mapped'] <= 1,
              '%s: more than the difference: %s' % (what, cs))
        # The vrings did not change: dev_close stops them all in one
        # command, dev_conf resumes them all in one, none re-programmed.
        check(cs['vrings_kept'] == cs['vrings'] == 2 * qp,
              '%s: %d of %d vrings kept' % (what, cs['vrings_kept'],
                                            cs['vrings']))
        n = cs['stop_commands'] + cs['commands'] - cs['mmu_commands']
        check(n <= 4, '%s: %d commands besides the %d MMU ones (at most 4)'
              % (what, n, cs['mmu_commands']))
        other.append(n)
    a.close()
    b.close()
    app.check_clean('memtable')
    rc = app.stop()
    check(rc == 0, 'app exited %s:\n%s' % (rc, app.out[-3000:]))
    return other


def scenario_memtable(ctx):
    per_qp = {qp: memtable_round(ctx, qp) for qp in (1, 8)}
    # O(1) in the vrings: 8 pairs cost what 1 pair costs.
    check(per_qp[1] == per_qp[8], 'non-MMU commands of a change: %s'
          % per_qp)


def idle_round_trips(a, b, amac, bmac, n=15, idle=0.05):
    """Seconds a frame a -> b takes after @idle s of silence, @n times."""
    lat = []
    for i in range(n):
        time.sleep(idle)
        seq = 0x10000 + i
        t0 = time.monotonic()
        check(a.send(0, [vu.frame(bmac, amac, seq)]) == 1, 'tx ring full')
        deadline = t0 + 2
        got = False
        while not got and time.monotonic() < deadline:
            got = any(vu.frame_seq(f, amac) == seq for f in b.recv(0))
            if not got:
                time.sleep(0.0002)
        check(got, 'frame %d: not received within 2 s' % i)
        lat.append(time.monotonic() - t0)
    return sorted(lat)


def scenario_notifier(ctx):
    app = ctx.app(devices=2)
    lst = app.list()
    fes = []
    for s in (0, 1):
        fe = vu.Frontend.connect(app.sock(s))
        fe.setup(notifiers=True)
        fes.append(fe)
    a, b = fes
    amac, bmac = lst[0]['mac'], lst[1]['mac']
    for s, fe in enumerate(fes):
        app.wait_state(s, 'running')
        fe.wait_notifiers()
        # What was posted before the pages were mapped (no kick then).
        for v in fe.vrings:
            v.kick()
    check_exchange(a, b, amac, bmac, 'notifier', app=app, slots=(0, 1))
    lat = idle_round_trips(a, b, amac, bmac)
    print('  after 50 ms idle, a frame a -> b: median %.2f ms, max %.2f ms'
          % (lat[len(lat) // 2] * 1e3, lat[-1] * 1e3))
    check(lat[len(lat) // 2] < 0.02, 'idle round trips %s s: the device '
          'did not see the doorbell pages' % ['%.4f' % x for x in lat])
    # A memory-table change: dev_close (notifiers withdrawn, asynchronous)
    # and dev_conf (offered again).
    n0 = len(a.slave_log)
    last = a.mem.regions[-1]
    a.mem.add(vu.Region(last.gpa + (1 << 30), 1 << 20))
    a.set_mem_table()
    app.wait_state(0, 'running')
    deadline = time.monotonic() + 10
    while len(a.slave_log) == n0 or a.notifiers_mapped() < len(a.vrings):
        check(time.monotonic() < deadline, 'after the memory-table change: '
              'host notifier messages %s' % a.slave_log[n0:])
        time.sleep(0.01)
    for v in a.vrings:
        v.kick()
    print('  memory-table change: backend messages %s' % a.slave_log[n0:])
    check_exchange(a, b, amac, bmac, 'notifier: after the change', app=app,
                   slots=(0, 1))
    for name, fe in (('a', a), ('b', b)):
        kicks = sum(v.kicks for v in fe.vrings)
        pages = sum(v.page_kicks for v in fe.vrings)
        print('  frontend %s: %d eventfd kicks, %d page kicks'
              % (name, kicks, pages))
        check(kicks == 0 and pages > 0, 'frontend %s: %d eventfd kicks, '
              '%d page kicks' % (name, kicks, pages))
        check(fe.slave_error is None, 'frontend %s: backend channel: %s'
              % (name, fe.slave_error))
    a.close()
    b.close()
    check_reset(app, lst[0]['device'], 'notifier: a closed')
    app.check_clean('notifier')
    rc = app.stop()
    check(rc == 0, 'app exited %s:\n%s' % (rc, app.out[-3000:]))


def scenario_interactive(ctx):
    app = ctx.app(devices=1)
    lst = app.list()
    check(sorted(lst) == [0], 'list: %s' % lst)
    check(os.path.exists(app.sock(0)), 'no socket %s' % app.sock(0))
    out = app.cmd('create 02:aa:bb:cc:dd:01 2')
    check('created' in out and 'slot 1' in out, 'create: %s' % out)
    lst = app.list()
    check(sorted(lst) == [0, 1] and lst[1]['mac'] == '02:aa:bb:cc:dd:01' and
          lst[1]['qp'] == '2', 'list after create: %s' % lst)
    check(os.path.exists(app.sock(1)), 'no socket %s' % app.sock(1))
    out = app.cmd('create')
    check('slot 2' in out, 'create: %s' % out)
    # A frontend on the new device; remove it while connected.
    a, b, amac, bmac = py_pair(app, 1, 2, queue_pairs=2)
    app.wait_state(1, 'running')
    check_exchange(a, b, amac, bmac, 'interactive', count=50, app=app,
                   slots=(1, 2))
    out = app.cmd('remove %s' % lst[1]['device'])
    check('removed slot 1' in out, 'remove: %s' % out)
    check(not os.path.exists(app.sock(1)), 'socket %s still there'
          % app.sock(1))
    lst = app.list()
    check(sorted(lst) == [0, 2], 'list after remove: %s' % lst)
    a.close()
    out = app.cmd('remove 2')
    check('removed slot 2' in out, 'remove: %s' % out)
    b.close()
    for bad in ('remove 7', 'stats nothing', 'create zz:1', 'create 0',
                'create 17', 'frobnicate', 'conf-stats'):
        out = app.cmd(bad)
        check(out.strip().startswith('error'), '`%s`: %s' % (bad, out))
    check(sorted(app.list()) == [0], 'list after errors: %s' % app.list())
    out = app.cmd('create')
    check('slot 1' in out, 'create reuses slot 1: %s' % out)
    rc = app.stop(signal.SIGTERM)
    check(rc == 0, 'SIGTERM: app exited %s:\n%s' % (rc, app.out[-3000:]))
    check(not os.path.exists(app.sock(0)), 'socket left after exit')
    app.check_clean('interactive')
    app2 = ctx.app(devices=2)
    rc = app2.stop(signal.SIGINT)
    check(rc == 0, 'SIGINT: app exited %s:\n%s' % (rc, app2.out[-3000:]))


def main():
    args = scenario_args(__doc__, SCENARIOS)
    if args is None:
        return 77
    ctx = Ctx(args.build)
    for f in (os.path.join(ctx.build, 'examples', 'vdpa', 'avq-vdpa'),
              os.path.join(ctx.build, 'drivers', 'librte_vdpa_avq.so')):
        if not os.path.isfile(f):
            print('%s: not built: skipped' % f)
            return 77
    # The Python frontend polls with sleeps: CPU 1, away from the device
    # thread (CPU 0).
    pin_cpu(1)
    ctx.tmp = tempfile.mkdtemp(prefix='avq-vapp-')

    def app_output():
        for p in ctx.procs:
            if isinstance(p, App):
                print('--- app %s output:\n%s' % (p.prefix, p.out[-4000:]))

    try:
        failed = run_scenarios(
            args.scenario or SCENARIOS,
            lambda name: globals()['scenario_' + name](ctx),
            (vu.VhostUserError, subprocess.TimeoutExpired, OSError,
             KeyError), on_failure=app_output, after=ctx.cleanup)
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
