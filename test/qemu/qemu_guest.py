#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""A QEMU guest's kernel virtio-net driver on a vdpa_avq device.

  qemu_guest.py <build dir> [--guest DIR] [--count N] [--runs R] [--verbose]

Three processes, each started here and stopped by its PID:

host   <build>/examples/vdpa/avq-vdpa -l 0 --no-huge -m 512 --no-pci
       -d <build>/drivers -a avq:sim0,cpu=0,vdpa=2 -- --socket-dir DIR:
       two managed devices of class vdpa on DIR/vdpa0.sock and
       DIR/vdpa1.sock, joined by the device model's embedded switch; the
       device thread on CPU 0.
peer   dpdk-testpmd -l 0-1 --no-huge -m 512 --no-pci --vdev
       net_virtio_user0,path=DIR/vdpa1.sock,queues=1 -- -i
       --forward-mode=icmpecho: answers ARP requests and ICMP echo
       requests; its one forwarding lcore polls CPU 1.
guest  qemu-system-x86_64 -accel tcg -m 256 (memfd memory, shared) with
       virtio-net-pci,vectors=0,page-per-vq=on on a vhost-user netdev on
       DIR/vdpa0.sock (page-per-vq: QEMU maps vdpa_avq's host notifiers,
       the doorbell pages, as the queues' notify areas; the host runs
       with --log-level=pmd.vdpa.avq:info and the test reports whether it
       did);
       the kernel and initramfs of test/qemu/build-guest.sh (built into
       build-deps/guest on first use, then cached). Not pinned.

The guest (/init = test/qemu/guest-init.sh) loads the virtio-net modules,
sets eth0 to 10.0.0.2/24, pings 10.0.0.1 N times (default 5) and powers
off; it prints "AVQ-GUEST: ..." markers on its serial console. Passes when
every ping is answered, the peer's counters show the guest's ARP request
and echo requests received and as many replies sent with no errors or
drops, the guest powers off by itself, and the host exits 0 on SIGTERM.

Exit status: 0 pass, 1 fail, 77 skip (only when qemu-system-x86_64 is not
installed: devtools/setup.sh --qemu installs it).
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(TOP, 'test', 'integration'))
from common import (Failure, OutputReader, TestPmd, check,  # noqa: E402
                    crash_lines, fwd_stats, port_stats)

QEMU = 'qemu-system-x86_64'
GUEST_IP = '10.0.0.2/24'
PEER_IP = '10.0.0.1'
MARK = 'AVQ-GUEST: '

# Timeouts (s). TCG boots the guest to /init in 10-20 s on an idle 2-core
# machine; the peer's forwarding lcore keeps one CPU busy.
T_GUEST_BUILD = 300
T_SOCKETS = 30
T_PEER = 60
T_INIT = 120      # QEMU start to the first marker of /init
T_ETH0 = 60       # first marker to eth0 up (module loads, probe, vhost-user)
T_STOP = 30


def log(msg):
    print(msg, flush=True)


class Host(OutputReader):
    """avq-vdpa with output to a file; stopped by SIGTERM to its PID."""

    def __init__(self, build, tmp, prefix):
        self.prefix = prefix
        self.sockdir = tempfile.mkdtemp(prefix='s', dir=tmp)
        self.log = os.path.join(tmp, 'host.log')
        exe = os.path.join(build, 'examples', 'vdpa', 'avq-vdpa')
        # vdpa=2 in the devargs: the app serves the devices the devargs
        # made (with or without its --devices option).
        self.argv = [exe, '-l', '0', '--no-huge', '-m', '512', '--no-pci',
                     '--file-prefix=' + prefix,
                     '--log-level=pmd.vdpa.avq:info',
                     '-d', os.path.join(build, 'drivers'),
                     '-a', 'avq:sim0,cpu=0,vdpa=2', '--',
                     '--socket-dir', self.sockdir]
        with open(self.log, 'w') as out:
            self.proc = subprocess.Popen(self.argv, stdout=out,
                                         stdin=subprocess.DEVNULL,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + T_SOCKETS
        while not all(os.path.exists(self.sock(i)) for i in range(2)):
            check(self.proc.poll() is None,
                  'host exited (%s) before its sockets were up:\n%s'
                  % (self.proc.returncode, self.output()))
            check(time.monotonic() < deadline,
                  'host: no %s and %s after %d s:\n%s'
                  % (self.sock(0), self.sock(1), T_SOCKETS, self.output()))
            time.sleep(0.1)

    def sock(self, i):
        return os.path.join(self.sockdir, 'vdpa%d.sock' % i)

    def output(self):
        with open(self.log, errors='replace') as f:
            return f.read()

    def stop(self):
        """SIGTERM; its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=T_STOP)
        except subprocess.TimeoutExpired:
            raise Failure('host did not exit %d s after SIGTERM:\n%s'
                          % (T_STOP, self.output())) from None


class Guest(OutputReader):
    """qemu-system-x86_64 with its serial console on a pipe."""

    def __init__(self, guest_dir, sock, count, verbose, cpus=None):
        # no_timer_check: at boot the kernel checks that the IO-APIC timer
        # ticks during a calibrated busy wait. Under TCG on a loaded host the
        # wait can outrun the emulated ticks, and the kernel then panics with
        # "IO-APIC + timer doesn't work!" (seen once in CI). The check proves
        # nothing about the device under test, so it is skipped.
        append = ('console=ttyS0 quiet panic=-1 no_timer_check '
                  'avq_ip=%s avq_peer=%s avq_count=%d avq_action=ping'
                  % (GUEST_IP, PEER_IP, count))
        # vectors=0: QEMU 7.2 under TCG crashes setting up MSI-X at
        # DRIVER_OK; the guest driver falls back to INTx, which QEMU raises
        # when the device writes the vring's call fd. page-per-vq=on: QEMU
        # accepts a host notifier (SLAVE_VRING_HOST_NOTIFIER_MSG) only for
        # a queue whose notify area is a page of its own.
        self.argv = [
            QEMU, '-accel', 'tcg', '-m', '256', '-smp', '1',
            '-nodefaults', '-display', 'none', '-serial', 'stdio',
            '-monitor', 'none', '-no-reboot',
            '-object', 'memory-backend-memfd,id=mem,size=256M,share=on',
            '-numa', 'node,memdev=mem',
            '-kernel', os.path.join(guest_dir, 'vmlinuz'),
            '-initrd', os.path.join(guest_dir, 'initramfs.cpio.gz'),
            '-append', append,
            '-chardev', 'socket,id=c0,path=' + sock,
            '-netdev', 'type=vhost-user,id=n0,chardev=c0',
            '-device', 'virtio-net-pci,netdev=n0,vectors=0,page-per-vq=on,'
            'romfile=']
        self.verbose = verbose
        self.out = ''
        self.t0 = time.monotonic()
        pin = None
        if cpus:
            def pin():
                os.sched_setaffinity(0, cpus)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     preexec_fn=pin)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def cmdline(self):
        return ' '.join(a if ' ' not in a else "'%s'" % a for a in self.argv)

    def _collect(self, text):
        text = text.replace('\r', '')
        if self.verbose:
            sys.stdout.write(text)
            sys.stdout.flush()
        self.out += text

    def wait_for(self, pattern, timeout, what):
        """Wait for a console line matching @pattern; its match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.out)
            if m:
                return m
            bad = re.search(MARK + r'FAIL (.*)', self.out)
            check(bad is None, 'guest: %s\nconsole:\n%s'
                  % (bad.group(1) if bad else '', self.tail()))
            check(time.monotonic() < deadline,
                  'guest: %s: not within %d s\nconsole:\n%s'
                  % (what, timeout, self.tail()))
            if not self._read(deadline):
                m = rx.search(self.out)
                check(m is not None, 'guest: QEMU exited (%s) before %s\n'
                      'console:\n%s' % (self.proc.wait(timeout=T_STOP),
                                        what, self.tail()))
                return m

    def tail(self):
        return self.out[-6000:]

    def elapsed(self):
        return time.monotonic() - self.t0

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            if time.monotonic() >= deadline:
                break
        try:
            return self.proc.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Failure('guest did not power off within %d s\nconsole:\n%s'
                          % (timeout, self.tail())) from None


def build_guest(guest_dir):
    """test/qemu/build-guest.sh (cached: quick when already built)."""
    script = os.path.join(HERE, 'build-guest.sh')
    try:
        r = subprocess.run(['bash', script, guest_dir], capture_output=True,
                           text=True, timeout=T_GUEST_BUILD, check=False)
    except subprocess.TimeoutExpired:
        raise Failure('%s did not finish in %d s' % (script, T_GUEST_BUILD))
    check(r.returncode == 0, '%s failed (%d); devtools/setup.sh --qemu '
          'installs what it needs:\n%s%s' % (script, r.returncode, r.stdout,
                                             r.stderr))
    for f in ('vmlinuz', 'initramfs.cpio.gz'):
        check(os.path.isfile(os.path.join(guest_dir, f)),
              '%s: no %s after %s' % (guest_dir, f, script))
    return r.stdout.strip()


def peer_start(host, prefix):
    vdev = 'net_virtio_user0,path=%s,queues=1' % host.sock(1)
    pmd = TestPmd(None, [], prefix, dict(os.environ), mem=512,
                  eal_args=('--vdev', vdev),
                  app_args=('-i', '--forward-mode=icmpecho',
                            '--total-num-mbufs=4096'),
                  linebuf=True)
    pmd.wait_for('testpmd> ', T_PEER)
    return pmd


def peer_forward(pmd):
    out = pmd.cmd('start')
    check('icmpecho' in out, 'peer: `start`: not in icmpecho mode:\n' + out)


def one_run(args, tmp, n):
    """One guest boot; a dict of timings."""
    times = {}
    t0 = time.monotonic()
    host = Host(args.build, tmp, 'avq-qemu-%d-host%d' % (os.getpid(), n))
    pmd = None
    guest = None
    try:
        pmd = peer_start(host, 'avq-qemu-%d-peer%d' % (os.getpid(), n))
        if args.early_start:
            peer_forward(pmd)
        if n == 0:
            log('host:  ' + ' '.join(host.argv))
            log('peer:  ' + pmd.cmdline())
        times['setup'] = time.monotonic() - t0
        guest = Guest(args.guest, host.sock(0), args.count, args.verbose,
                      args.qemu_cpus)
        if n == 0:
            log('guest: ' + guest.cmdline())
        guest.wait_for(MARK + 'init ', T_INIT, '/init started')
        times['boot'] = guest.elapsed()
        # The forwarding lcore polls: only from now on, so that it does
        # not take CPU time from QEMU's emulation of the kernel's boot.
        if not args.early_start:
            peer_forward(pmd)
        guest.wait_for(MARK + 'eth0 up ', T_ETH0,
                       'virtio-net modules loaded and eth0 up')
        times['eth0'] = guest.elapsed()
        m = guest.wait_for(MARK + r'ping peer=\S+ tx=(\d+) rx=(\d+) rc=(\d+)',
                           args.count * 2 + 40, 'the pings finished')
        times['ping'] = guest.elapsed() - times['eth0']
        tx, rx = int(m.group(1)), int(m.group(2))
        guest.wait_for(MARK + r'done rc=\d+', 30, 'the action finished')
        rc = guest.wait_exit(T_STOP)
        times['guest'] = guest.elapsed()

        st = port_stats(pmd.cmd('show port stats all'))
        fwd, _ = fwd_stats(pmd.cmd('stop'))
        check(0 in st and 0 in fwd, 'peer: no port 0 statistics:\n'
              + pmd.out[-3000:])
        p, f = st[0], fwd[0]
        counters = ('peer RX-packets %d TX-packets %d RX-errors %d '
                    'TX-errors %d RX-nombuf %d RX-dropped %d TX-dropped %d'
                    % (p.get('RX-packets', -1), p.get('TX-packets', -1),
                       p.get('RX-errors', -1), p.get('TX-errors', -1),
                       p.get('RX-nombuf', -1), f.get('RX-dropped', -1),
                       f.get('TX-dropped', -1)))
        rtt = re.search(r'round-trip min/avg/max = (\S+)', guest.out)
        log('run %d: guest sent %d echo requests, got %d replies (rtt '
            'min/avg/max %s ms); %s' % (n + 1, tx, rx,
                                        rtt.group(1) if rtt else '-',
                                        counters))
        # Guest -> device -> switch -> device -> peer.
        check(p.get('RX-packets', 0) > 0,
              'the peer received nothing: the guest\'s frames do not reach '
              'the other vDPA device\nconsole:\n%s' % guest.tail())
        # Peer -> device -> switch -> device -> guest (used ring and call
        # fd: the guest's interrupt).
        check(tx == args.count and rx == args.count,
              'guest: %d of %d echo requests answered; the peer received %d '
              'frames and sent %d: replies do not reach the guest (its '
              'receive ring or its interrupt: the vring call fd)\n'
              'console:\n%s' % (rx, tx, p.get('RX-packets', 0),
                                 p.get('TX-packets', 0), guest.tail()))
        # An ARP request and the echo requests, and as many replies.
        for k in ('RX-packets', 'TX-packets'):
            check(p.get(k, 0) >= args.count + 1,
                  'peer: %s %d, expected at least %d'
                  % (k, p.get(k, 0), args.count + 1))
        for k in ('RX-errors', 'TX-errors', 'RX-nombuf'):
            check(p.get(k, 0) == 0, 'peer: %s %d' % (k, p.get(k, 0)))
        for k in ('RX-dropped', 'TX-dropped'):
            check(f.get(k, 0) == 0, 'peer: %s %d' % (k, f.get(k, 0)))
        check(rc == 0, 'QEMU exited %s\nconsole:\n%s' % (rc, guest.tail()))
        check(MARK + 'done rc=0' in guest.out,
              'guest action failed\nconsole:\n' + guest.tail())
        bad = crash_lines(host.output())
        check(not bad, 'host: %s' % bad)
        # vdpa_avq's INFO line after rte_vhost_host_notifier_ctrl(): the
        # guest's kicks went to the doorbell pages (or to the kickfds).
        ntf = re.findall(r'(vhost device \d+: (?:host notifiers on \d+ '
                         r'vring\(s\)|no host notifiers[^\n:]*))',
                         host.output())
        log('run %d: %s' % (n + 1, '; '.join(ntf) or
                            'no host notifier line in the host log'))

        rc = pmd.quit()
        check(rc == 0, 'peer testpmd exited %s:\n%s' % (rc, pmd.out[-3000:]))
        rc = host.stop()
        check(rc == 0, 'host exited %s on SIGTERM:\n%s' % (rc, host.output()))
        # vdpa_avq's dev_close line: kicks that came through a kickfd
        # (the guest's, when its doorbell pages are host notifiers: none).
        stops = re.findall(r'(vhost device \d+): stopped[^\n]*?, (\d+ kickfd '
                           r'kick\(s\) relayed)', host.output())
        if stops:
            log('run %d: %s' % (n + 1, '; '.join('%s: %s' % x
                                                  for x in stops)))
        times['total'] = time.monotonic() - t0
        return times
    finally:
        if guest is not None:
            guest.kill()
        if pmd is not None:
            pmd.kill()
        host.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('--guest', default=os.path.join(TOP, 'build-deps',
                                                      'guest'),
                    help='guest kernel and initramfs directory (built '
                    'there by test/qemu/build-guest.sh when missing)')
    ap.add_argument('--count', type=int, default=5,
                    help='echo requests the guest sends (default 5)')
    ap.add_argument('--runs', type=int, default=1,
                    help='boot the guest this many times (default 1)')
    ap.add_argument('--early-start', action='store_true',
                    help='start the peer\'s forwarding before the guest '
                    'boots (default: when its /init runs)')
    ap.add_argument('--qemu-cpus', default=None,
                    type=lambda v: {int(c) for c in v.split(',')},
                    help='pin QEMU to these CPUs (e.g. 0; default: not '
                    'pinned)')
    ap.add_argument('--verbose', action='store_true',
                    help='copy the guest console to stdout')
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.guest = os.path.abspath(args.guest)

    if shutil.which(QEMU) is None:
        log('%s is not installed (devtools/setup.sh --qemu installs '
            'qemu-system-x86): skipped' % QEMU)
        return 77
    need = [os.path.join(args.build, 'examples', 'vdpa', 'avq-vdpa'),
            os.path.join(args.build, 'drivers', 'librte_vdpa_avq.so')]
    for f in need:
        if not os.path.isfile(f):
            log('FAILED: %s is not built' % f)
            return 1
    for prog in ('dpdk-testpmd', 'stdbuf'):
        if shutil.which(prog) is None:
            log('FAILED: %s not found (devtools/setup.sh)' % prog)
            return 1
    try:
        log(build_guest(args.guest))
    except Failure as e:
        log('FAILED: guest build: %s' % e)
        return 1

    tmp = tempfile.mkdtemp(prefix='avq-qemu-')
    failed = 0
    try:
        for n in range(args.runs):
            try:
                t = one_run(args, tmp, n)
                log('run %d: ok: host+peer up %.1f s, guest /init at %.1f s, '
                    'eth0 up at %.1f s, %d pings %.1f s, powered off at '
                    '%.1f s; total %.1f s'
                    % (n + 1, t['setup'], t['boot'], t['eth0'], args.count,
                       t['ping'], t['guest'], t['total']))
            except (Failure, subprocess.TimeoutExpired, OSError) as e:
                log('FAILED: run %d: %s' % (n + 1, e))
                failed += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
