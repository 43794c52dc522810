#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""The net_avq PMD in Debian's dpdk-testpmd: forwarding scenarios.

  net_testpmd.py <build dir> [--pair net_avq|vhost] [scenario ...]

Every testpmd runs `--no-huge -m 512 --no-pci -l 0-1 -d <build>/drivers
-a avq:sim0,cpu=0 ...` (the sim device thread on CPU 0, the forwarding
lcore on CPU 1) with a file prefix of its own, driven at its interactive
prompt. Two net_avq ports on one management device: `--vdev
net_avq0,mgmt=sim0 --vdev net_avq1,mgmt=sim0` (txrx uses the bus's own
ports instead: `-a avq:sim0,cpu=0,net=2`). The device's embedded switch
connects them: a frame sent on one is received on the other.

Scenarios (each a function, run in this order unless named):

txrx        one port sends, the other receives, with exact counts. testpmd
            has one forwarding mode for all ports, so the two ends run one
            after the other and the receiver's rx ring holds the frames in
            between: `set portlist 0` + `start tx_first 4` (128 frames on
            port 0 only), stop; `set fwd rxonly` + `set portlist 1` and
            start/stop: port 1 RX-packets == port 0 TX-packets == 128, both
            ports 0 errors, 0 missed, port 0 received nothing. Then a
            sustained `txonly` on port 0 for 2 s (port 1 not polled, its
            ring fills) and `rxonly` on port 1: port 1 received exactly a
            ring's worth or fewer, and every frame port 0 sent is received
            or counted as dropped by the device for port 1 (xstats).
io          `--forward-mode=io`, `start tx_first`: both ports' rx/tx
            counters grow in each of three 1 s intervals; after `stop`,
            RX/TX-errors, RX-missed, RX-nombuf are 0, TX-dropped is 0 (at
            most 64 frames circulate: rings never fill) and what one port
            sent the other received, give or take the 64 frames in flight.
macswap     Payload end to end: a third port, net_pcap (rx_pcap=in.pcap,
5tswap      tx_pcap=out.pcap), `--port-topology=chained` with portlist
            pcap,avq0,avq1: in.pcap (64 IPv4/UDP frames of 60..1514 bytes,
            each with its own addresses, ports and a payload pattern) goes
            pcap -> net_avq0 -> switch -> net_avq1 -> pcap, swapped on each
            of the two forwarding hops. Checked: out.pcap holds the same 64
            frames byte for byte in order (two swaps cancel: any change the
            PMD or the device makes to a payload byte shows), and `set
            verbose 1` dumps of what net_avq1 received show the MACs swapped
            once, the frame length and an L4_UDP packet type for every frame.
            The IP/port swap of 5tswap is not visible in testpmd's dumps: it
            is covered by the double-swap identity only.
multiqueue  `--rxq=2 --txq=2 --txonly-multi-flow`, io forwarding, once with
            `--disable-rss` and once with RSS on (`--rss-udp`): every rx queue
            of both ports forwards frames (testpmd's per-stream statistics)
            and the per-queue rx packet xstats of both queues are non-zero.
            The device steers by its own flow hash whatever the driver asks
            (doc/guides/nics/avq.rst), so both runs expect both queues busy.
stopstart   io traffic; `stop`, then at once (rings full of frames in flight)
            `port stop 1` / `port start 1` and `port stop all` / `port start
            all`; `start tx_first`: counters grow again. Then `port stop 1`,
            `port detach 1`: the managed device it created
            is gone (telemetry /avq/vdev/list,sim0); `port attach
            net_avq1,mgmt=sim0` creates another, `port start`, `start
            tx_first`: traffic resumes on the new port; `quit` exits 0.

Every run must end with `quit` exiting 0 and no crash or sanitizer report
in the output. With --pair vhost the same scenarios run over DPDK's vhost
PMD and virtio-user (to check the script itself; the avq-specific checks
are skipped).

Every wait has a timeout; whatever the script started is killed by PID.
Exit status: 0 pass, 1 fail, 77 skip (no dpdk-testpmd or net_avq driver).
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

from common import (PROMPT, START_TIMEOUT, Failure, TestPmd, check,
                    crash_lines, fwd_stats, port_macs, port_stats,
                    sanitizer_env, telemetry, xstats)

MEM = 512
MBUFS = 8192
BURST = 32


class Ctx:
    def __init__(self, build, pair, tmp):
        self.drivers = os.path.abspath(os.path.join(build, 'drivers'))
        self.pair = pair
        self.tmp = tmp
        self.env = None
        self.n = 0

    def prefix(self):
        self.n += 1
        return 'avq-nt-%d-%d' % (os.getpid(), self.n)


class Pmd:
    """A testpmd with two ports under test (a, b) and maybe a pcap port."""

    def __init__(self, ctx, app_args, queues=1, pcap=None, bus_ports=False):
        self.ctx = ctx
        # --no-flush-rx: `start` would otherwise drain the rx queues (the
        # frames a scenario parked there, the pcap file) before forwarding.
        app = ['-i', '--total-num-mbufs=%d' % MBUFS,
               '--no-flush-rx'] + list(app_args)
        if queues > 1:
            app += ['--rxq=%d' % queues, '--txq=%d' % queues]
        pcap_vdev = []
        if pcap:
            pcap_vdev = ['--vdev', 'net_pcap0,rx_pcap=%s,tx_pcap=%s' % pcap]
        self.prefix = ctx.prefix()
        self.sock = None
        if ctx.pair == 'net_avq':
            q = ',queues=%d' % queues if queues > 1 else ''
            if bus_ports:
                devargs = ['avq:sim0,cpu=0,net=2' + q]
                vdevs = []
            else:
                devargs = ['avq:sim0,cpu=0']
                vdevs = ['--vdev', 'net_avq0,mgmt=sim0' + q,
                         '--vdev', 'net_avq1,mgmt=sim0' + q]
            self.t = TestPmd(ctx.drivers, devargs, self.prefix, ctx.env,
                             mem=MEM, eal_args=vdevs + pcap_vdev,
                             app_args=app, linebuf=True)
        else:
            self.sock = os.path.join(ctx.tmp, '%s.sock' % self.prefix)
            vdevs = ['--vdev', 'net_vhost0,iface=%s,queues=%d'
                     % (self.sock, queues)]
            self.t = TestPmd(None, [], self.prefix, ctx.env, mem=MEM,
                             eal_args=vdevs + pcap_vdev, app_args=app,
                             linebuf=True)
        self.queues = queues
        self.a = self.b = self.p = None
        self.macs = {}

    def setup(self):
        self.t.wait_for(PROMPT, START_TIMEOUT)
        if self.ctx.pair == 'vhost':
            # virtio-user connects at probe, the vhost port listens once
            # started: attach it at the prompt.
            self.cmd('port attach net_virtio_user0,path=%s,queues=%d'
                     % (self.sock, self.queues))
            self.cmd('port start all')
        self.refresh()
        check(self.a is not None and self.b is not None,
              'ports under test not found:\n%s' % self.t.out[-5000:])
        return self

    def refresh(self):
        ports = port_macs(self.cmd('show port summary all'))
        self.macs = {p: m for p, (m, _) in ports.items()}
        self.a = self.b = self.p = None
        for p, (_, name) in sorted(ports.items()):
            if name.startswith('net_pcap'):
                self.p = p
            elif self.a is None:
                self.a = p
            else:
                self.b = p
        return ports

    def cmd(self, line, timeout=30):
        out = self.t.cmd(line, timeout)
        for bad in ('Bad arguments', 'Invalid', 'Please ',
                    'Not all ports were started', 'Fail to'):
            check(bad not in out, '`%s`: %s' % (line, out))
        return out

    def run(self, seconds):
        self.t.drain(seconds)

    def stats(self):
        return port_stats(self.cmd('show port stats all'))

    def xstats(self, port):
        return xstats(self.cmd('show port xstats %d' % port))

    def finish(self):
        """`quit`: exit 0, no crash in the output."""
        if self.ctx.pair == 'vhost':
            # virtio-user first: closed after the vhost port it would
            # write to a closed socket (SIGPIPE).
            self.cmd('port stop all')
            self.cmd('port close %d' % self.b)
        rc = self.t.quit()
        check(rc == 0, 'testpmd exited %s:\n%s' % (rc, self.t.out[-8000:]))
        bad = crash_lines(self.t.out)
        check(not bad, 'crash in the output: %s' % bad)

    def kill(self):
        self.t.kill()
        if self.sock and os.path.exists(self.sock):
            os.unlink(self.sock)


def zero_errors(st, ports, where):
    for p in ports:
        for k in ('RX-errors', 'TX-errors', 'RX-missed', 'RX-nombuf'):
            check(st[p].get(k, 0) == 0, '%s: port %d %s = %d: %r'
                  % (where, p, k, st[p].get(k, 0), st[p]))


def device_rx_drops(xs):
    """Frames the device dropped for the port's rx queues, from xstats whose
    names say rx, drop and a queue (the PMD's per-queue device counters);
    None when there are none."""
    keys = [k for k in xs if re.search(r'rx', k) and re.search(r'drop', k)
            and re.search(r'q_?\d', k)]
    if not keys:
        return None
    return sum(xs[k] for k in keys)


# ---- scenarios -----------------------------------------------------------

def scenario_txrx(ctx):
    pmd = Pmd(ctx, ['--forward-mode=rxonly'],
              bus_ports=ctx.pair == 'net_avq')
    try:
        pmd.setup()
        a, b = pmd.a, pmd.b
        n = 4 * BURST
        pmd.cmd('set portlist %d' % a)
        pmd.cmd('clear port stats all')
        # tx_first sends on the stream's tx port: with one port in the
        # list it is paired with itself, so only port a sends.
        pmd.cmd('start tx_first 4')
        pmd.run(1)
        pmd.cmd('stop')
        pmd.cmd('set portlist %d' % b)
        pmd.cmd('start')
        pmd.run(1)
        pmd.cmd('stop')
        st = pmd.stats()
        zero_errors(st, (a, b), 'txrx')
        check(st[a]['TX-packets'] == n, 'port %d sent %d, want %d'
              % (a, st[a]['TX-packets'], n))
        check(st[b]['RX-packets'] == n, 'port %d received %d of %d'
              % (b, st[b]['RX-packets'], n))
        check(st[a]['RX-packets'] == 0 and st[b]['TX-packets'] == 0,
              'unexpected traffic: %r' % st)
        check(st[b]['RX-bytes'] == st[a]['TX-bytes'],
              'bytes: sent %d received %d' % (st[a]['TX-bytes'],
                                               st[b]['RX-bytes']))
        print('txrx: %d frames port %d -> port %d, counts equal' % (n, a, b))

        # Sustained txonly into a receiver nobody polls.
        pmd.cmd('clear port stats all')
        if ctx.pair == 'net_avq':
            pmd.cmd('clear port xstats all')
        pmd.cmd('set fwd txonly')
        pmd.cmd('set portlist %d' % a)
        pmd.cmd('start')
        pmd.run(2)
        pmd.cmd('stop')
        pmd.run(0.5)
        pmd.cmd('set fwd rxonly')
        pmd.cmd('set portlist %d' % b)
        pmd.cmd('start')
        pmd.run(1)
        pmd.cmd('stop')
        st = pmd.stats()
        sent, got = st[a]['TX-packets'], st[b]['RX-packets']
        # vhost counts what it cannot enqueue as TX-dropped, not sent.
        check(sent >= got > 0, 'txonly: sent %d, received %d' % (sent, got))
        check(st[a]['TX-errors'] == 0 and st[b]['RX-errors'] == 0,
              'txonly: errors %r' % st)
        if ctx.pair == 'net_avq':
            xs = pmd.xstats(b)
            drops = device_rx_drops(xs)
            check(drops is not None, 'no per-queue rx drop xstat on port '
                  '%d: %r' % (b, xs))
            missed = st[b].get('RX-missed', 0)
            check(got + drops == sent or got + missed == sent,
                  'txonly: sent %d, received %d + dropped %d (missed %d) '
                  ': frames unaccounted' % (sent, got, drops, missed))
            print('txonly: sent %d, received %d, device dropped %d'
                  % (sent, got, drops))
        else:
            print('txonly: sent %d, received %d' % (sent, got))
        pmd.finish()
    finally:
        pmd.kill()


def scenario_io(ctx):
    pmd = Pmd(ctx, ['--forward-mode=io'])
    try:
        pmd.setup()
        a, b = pmd.a, pmd.b
        pmd.cmd('set portlist %d,%d' % (a, b))
        pmd.cmd('start tx_first')
        prev = pmd.stats()
        for i in range(3):
            pmd.run(1)
            cur = pmd.stats()
            for p in (a, b):
                for k in ('RX-packets', 'TX-packets'):
                    check(cur[p][k] > prev[p][k], 'io: port %d %s did not '
                          'grow in interval %d: %d -> %d'
                          % (p, k, i + 1, prev[p][k], cur[p][k]))
            prev = cur
        out = pmd.cmd('stop')
        fs, _ = fwd_stats(out)
        st = pmd.stats()
        zero_errors(st, (a, b), 'io')
        for p in (a, b):
            check(fs[p].get('TX-dropped', 0) == 0 and
                  fs[p].get('RX-dropped', 0) == 0,
                  'io: port %d forward stats %r' % (p, fs[p]))
        inflight = 2 * BURST
        for s, r in ((a, b), (b, a)):
            d = st[s]['TX-packets'] - st[r]['RX-packets']
            check(0 <= d <= inflight, 'io: port %d sent %d, port %d '
                  'received %d' % (s, st[s]['TX-packets'], r,
                                   st[r]['RX-packets']))
        print('io: %d + %d frames forwarded in 3 s, no errors or drops'
              % (st[a]['RX-packets'], st[b]['RX-packets']))
        pmd.finish()
    finally:
        pmd.kill()


# pcap files: frames with distinct headers and payloads.
MAC_S = bytes.fromhex('02aa00000001')
MAC_D = bytes.fromhex('02bb00000002')


def ip_csum(hdr):
    s = sum(struct.unpack('!%dH' % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def make_frames(n):
    sizes = [60, 64, 128, 256, 512, 1000, 1400, 1514]
    frames = []
    for i in range(n):
        size = sizes[i % len(sizes)]
        plen = size - 14 - 20 - 8
        payload = bytes((i * 7 + j * 13 + (j >> 8)) & 0xff
                        for j in range(plen))
        udp = struct.pack('!HHHH', 1000 + i, 2000 + 3 * i, 8 + plen, 0)
        src = bytes([10, 1, i >> 8, i & 0xff])
        dst = bytes([10, 2, (i * 5) >> 8, (i * 5) & 0xff])
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + 8 + plen, i, 0, 64,
                         17, 0, src, dst)
        ip = ip[:10] + struct.pack('!H', ip_csum(ip)) + ip[12:]
        frames.append(MAC_D + MAC_S + b'\x08\x00' + ip + udp + payload)
    return frames


def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1, i, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    check(len(data) >= 24, '%s: %d bytes, no pcap header' % (path, len(data)))
    magic = struct.unpack('<I', data[:4])[0]
    check(magic in (0xa1b2c3d4, 0xa1b23c4d), '%s: magic %#x' % (path, magic))
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack('<IIII', data[off:off + 16])
        off += 16
        frames.append(data[off:off + incl])
        off += incl
    return frames


def mac_str(b):
    return ':'.join('%02x' % x for x in b)


def scenario_swap(ctx, mode):
    n = 64
    frames = make_frames(n)
    inp = os.path.join(ctx.tmp, '%s-in.pcap' % mode)
    outp = os.path.join(ctx.tmp, '%s-out.pcap' % mode)
    write_pcap(inp, frames)
    if os.path.exists(outp):
        os.unlink(outp)
    pmd = Pmd(ctx, ['--forward-mode=%s' % mode, '--port-topology=chained'],
              pcap=(inp, outp))
    try:
        pmd.setup()
        a, b, p = pmd.a, pmd.b, pmd.p
        check(p is not None, 'no pcap port')
        # Chained: p -> a, a -> b, b -> p.
        pmd.cmd('set portlist %d,%d,%d' % (p, a, b))
        cfg = pmd.cmd('show config fwd')
        for rx, tx in ((p, a), (a, b), (b, p)):
            check(re.search(r'RX P=%d/Q=0 .*-> TX P=%d/Q=0' % (rx, tx), cfg),
                  '%s: stream %d -> %d missing:\n%s' % (mode, rx, tx, cfg))
        pmd.cmd('set verbose 1')
        mark = len(pmd.t.out)
        # The dumps of the forwarding lcore come while `start` returns and
        # can split its prompt (written a character at a time): do not wait
        # for that one, let the 3 x 64 dumps pass.
        pmd.t.send('start')
        pmd.run(2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pmd.run(0.5)
            st = pmd.stats()
            if st[p]['TX-packets'] >= n:
                break
        out = pmd.cmd('stop')
        pmd.cmd('set verbose 0')
        dump = pmd.t.out[mark:]
        st = pmd.stats()
        zero_errors(st, (a, b), mode)
        check(st[p]['RX-packets'] == n and st[a]['TX-packets'] == n and
              st[b]['RX-packets'] == n and st[p]['TX-packets'] == n,
              '%s: counts %r\n%s' % (mode, st, out))
        # Frames net_avq1 (port b) received: MACs swapped once.
        rx = re.compile(r'port %d/queue \d+: received \d+ packets\n(.*?)'
                        r'(?=port \d+/queue|\Z)' % b, re.S)
        lines = []
        for m in rx.finditer(dump):
            lines += re.findall(r'src=(\S+) - dst=(\S+) - .*?length=(\d+)'
                                r'.*?sw ptype: (.*?)(?: - |\n)', m.group(1))
        check(len(lines) == n, '%s: %d dumps of port %d, want %d:\n%s'
              % (mode, len(lines), b, n, dump[-4000:]))
        for i, (src, dst, length, ptype) in enumerate(lines):
            check(src.lower() == mac_str(MAC_D) and
                  dst.lower() == mac_str(MAC_S),
                  '%s: frame %d at port %d: src %s dst %s, want swapped'
                  % (mode, i, b, src, dst))
            check(int(length) == len(frames[i]), '%s: frame %d length %s, '
                  'want %d' % (mode, i, length, len(frames[i])))
            check('L4_UDP' in ptype, '%s: frame %d ptype %s'
                  % (mode, i, ptype))
        pmd.cmd('port stop all')	# flushes the pcap dumper
        got = read_pcap(outp)
        check(len(got) == n, '%s: out.pcap has %d frames, want %d'
              % (mode, len(got), n))
        for i, (f, g) in enumerate(zip(frames, got)):
            if f != g:
                diff = [j for j in range(min(len(f), len(g))) if f[j] != g[j]]
                raise Failure('%s: frame %d differs: length %d/%d, first '
                              'bytes differing %s' % (mode, i, len(f),
                                                      len(g), diff[:8]))
        print('%s: %d frames of 60..1514 bytes pcap -> port %d -> port %d '
              '-> pcap, byte for byte, MACs swapped at port %d'
              % (mode, n, a, b, b))
        if ctx.pair == 'vhost':
            pmd.cmd('port start all')
        pmd.finish()
    finally:
        pmd.kill()


def scenario_macswap(ctx):
    scenario_swap(ctx, 'macswap')


def scenario_5tswap(ctx):
    scenario_swap(ctx, '5tswap')


def queue_rx_xstats(xs, q):
    keys = [k for k in xs if re.search(r'rx', k) and
            re.search(r'(^|_)q_?%d(_|$)' % q, k) and k.endswith('packets')]
    return sum(xs[k] for k in keys), keys


def scenario_multiqueue(ctx):
    for rss in ('--disable-rss', '--rss-udp'):
        pmd = Pmd(ctx, ['--forward-mode=io', '--txonly-multi-flow', rss],
                  queues=2)
        try:
            pmd.setup()
            a, b = pmd.a, pmd.b
            pmd.cmd('set portlist %d,%d' % (a, b))
            pmd.cmd('start tx_first')
            pmd.run(2)
            out = pmd.cmd('stop')
            _, streams = fwd_stats(out)
            st = pmd.stats()
            zero_errors(st, (a, b), 'multiqueue')
            busy = {(s[0], s[1]): s[4].get('RX-packets', 0)
                    for s in streams}
            for p in (a, b):
                for q in (0, 1):
                    check(busy.get((p, q), 0) > 0, 'multiqueue %s: port %d '
                          'queue %d forwarded nothing: %r\n%s'
                          % (rss, p, q, busy, out))
                xs = pmd.xstats(p)
                for q in (0, 1):
                    v, keys = queue_rx_xstats(xs, q)
                    check(keys and v > 0, 'multiqueue %s: port %d rx queue '
                          '%d xstats %s = %d' % (rss, p, q, keys, v))
            print('multiqueue %s: rx queues 0 and 1 of ports %d and %d all '
                  'busy: %s' % (rss, a, b, busy))
            pmd.finish()
        finally:
            pmd.kill()


def managed(ctx, pmd):
    if ctx.pair != 'net_avq':
        return None
    r = telemetry(pmd.prefix, ['/avq/vdev/list,sim0'])
    return r['/avq/vdev/list,sim0']


def grows(pmd, ports, where):
    s0 = pmd.stats()
    pmd.run(1)
    s1 = pmd.stats()
    for p in ports:
        for k in ('RX-packets', 'TX-packets'):
            check(s1[p][k] > s0[p][k], '%s: port %d %s stuck at %d'
                  % (where, p, k, s1[p][k]))


def scenario_stopstart(ctx):
    pmd = Pmd(ctx, ['--forward-mode=io'])
    try:
        pmd.setup()
        a, b = pmd.a, pmd.b
        pmd.cmd('start tx_first')
        grows(pmd, (a, b), 'traffic')
        pmd.cmd('stop')
        pmd.cmd('port stop %d' % b)
        pmd.cmd('port start %d' % b)
        pmd.cmd('start tx_first')
        grows(pmd, (a, b), 'after port stop/start %d' % b)
        pmd.cmd('stop')
        pmd.cmd('port stop all')
        pmd.cmd('port start all')
        pmd.cmd('start tx_first')
        grows(pmd, (a, b), 'after port stop/start all')
        print('stopstart: traffic resumes after port stop/start')
        pmd.cmd('stop')
        before = managed(ctx, pmd)
        name = 'net_avq1' if ctx.pair == 'net_avq' else 'net_virtio_user0'
        pmd.cmd('port stop %d' % b)
        # No `port close` first: closing releases the port id and `port
        # detach` then refuses it (testpmd 22.11); detach closes it.
        out = pmd.cmd('port detach %d' % b)
        check('Device is detached' in out or 'detached' in out,
              'port detach: %s' % out)
        after = managed(ctx, pmd)
        if before is not None:
            check(len(before) == 2 and len(after) == 1 and
                  set(after) < set(before), 'managed devices %r before the '
                  'detach, %r after' % (before, after))
        args = ('net_avq1,mgmt=sim0' if ctx.pair == 'net_avq' else
                'net_virtio_user0,path=%s' % pmd.sock)
        out = pmd.cmd('port attach %s' % args)
        check('is attached' in out, 'port attach: %s' % out)
        ports = pmd.refresh()
        check(len(ports) == 2 and any(nm == name for _, nm in ports.values()),
              'ports after attach: %r' % ports)
        again = managed(ctx, pmd)
        if before is not None:
            check(len(again) == 2 and set(after) < set(again) and
                  again != before, 'managed devices %r after the attach '
                  '(before detach %r)' % (again, before))
        pmd.cmd('port start all')
        pmd.cmd('set portlist %d,%d' % (pmd.a, pmd.b))
        pmd.cmd('start tx_first')
        grows(pmd, (pmd.a, pmd.b), 'after detach/attach')
        pmd.cmd('stop')
        print('stopstart: detach destroyed the managed device (%s -> %s), '
              'attach made %s, traffic resumes' % (before, after, again))
        pmd.finish()
    finally:
        pmd.kill()


SCENARIOS = ['txrx', 'io', 'macswap', '5tswap', 'multiqueue', 'stopstart']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--pair', choices=['net_avq', 'vhost'], default='net_avq')
    ap.add_argument('scenario', nargs='*', help=' '.join(SCENARIOS))
    args = ap.parse_intermixed_args()
    for prog in ('dpdk-testpmd', 'dpdk-telemetry.py', 'stdbuf'):
        if shutil.which(prog) is None:
            print('%s not found: skipped' % prog)
            return 77
    for name in args.scenario:
        if name not in SCENARIOS:
            ap.error('unknown scenario %s (known: %s)'
                     % (name, ' '.join(SCENARIOS)))
    ctx = Ctx(args.build, args.pair, None)
    lib = os.path.join(ctx.drivers, 'librte_net_avq.so')
    if args.pair == 'net_avq':
        if not os.path.isfile(lib):
            print('%s: not built: skipped' % lib)
            return 77
        ctx.env = sanitizer_env(lib)
    else:
        ctx.env = dict(os.environ)
    ctx.tmp = tmp = tempfile.mkdtemp(prefix='avq-nettest-')
    failed = 0
    try:
        for name in args.scenario or SCENARIOS:
            fn = globals()['scenario_' + name]
            t0 = time.monotonic()
            try:
                fn(ctx)
                print('%s: ok (%.1f s)' % (name, time.monotonic() - t0),
                      flush=True)
            except (Failure, subprocess.TimeoutExpired, OSError,
                    KeyError) as e:
                print('FAILED: %s: %s' % (name, e), flush=True)
                failed += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
