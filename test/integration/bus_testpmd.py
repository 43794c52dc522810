#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""The avq bus in a real DPDK application: Debian's dpdk-testpmd.

  bus_testpmd.py <build dir>

1. testpmd loads the bus from <build dir>/drivers (-d) with
   `-a avq:sim0,net=2,vdpa=1`; at its prompt, dpdk-telemetry.py (fed
   commands on stdin) must show the management device, its three managed
   devices and the engine counters; `quit` must exit 0 without an error or
   a crash in the output.
2. Bad devargs must stop testpmd at start-up with the bus's message naming
   the device and the key.

Every wait has a timeout; whatever the script started is killed (by PID)
on any failure. In a sanitizer build (the bus links libasan) testpmd runs
with the sanitizer runtimes preloaded.
Exit status: 0 pass, 1 fail, 77 skip (no dpdk-testpmd/dpdk-telemetry.py).
"""
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time

PROMPT = 'testpmd> '
START_TIMEOUT = 60
CMD_TIMEOUT = 30
EXIT_TIMEOUT = 30
MAC_RX = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def runtime_dir(prefix):
    """The DPDK runtime directory of a file prefix, as EAL computes it."""
    run = os.environ.get('RUNTIME_DIRECTORY')
    if not run:
        run = '/var/run' if os.getuid() == 0 else \
            os.environ.get('XDG_RUNTIME_DIR', '/tmp')
    return os.path.join(run, 'dpdk', prefix)


def sanitizer_env(lib):
    """Environment for running an uninstrumented program that loads @lib."""
    env = dict(os.environ)
    try:
        out = subprocess.run(['ldd', lib], capture_output=True, text=True,
                             timeout=CMD_TIMEOUT, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return env
    preload = []
    for name in ('libasan', 'libubsan'):
        m = re.search(r'\s(' + name + r'\.so[^\s]*) => (\S+)', out)
        if m:
            preload.append(m.group(2))
    if preload:
        env['LD_PRELOAD'] = ' '.join(preload)
        # A leak fails the run (exit status 23); what EAL keeps is listed
        # in the project's suppressions.
        supp = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            '..', '..', 'devtools', 'lsan.supp')
        env['ASAN_OPTIONS'] = 'detect_leaks=1:halt_on_error=1'
        env['LSAN_OPTIONS'] = 'suppressions=' + os.path.abspath(supp)
        env['UBSAN_OPTIONS'] = 'halt_on_error=1:print_stacktrace=1'
    return env


class TestPmd:
    """dpdk-testpmd with stdin a pipe and its output collected."""

    def __init__(self, drivers, devargs, prefix, env):
        self.prefix = prefix
        self.out = ''
        cmd = ['dpdk-testpmd', '--no-huge', '-m', '256', '--no-pci',
               '-l', '0-1', '--file-prefix=' + prefix, '-d', drivers]
        for da in devargs:
            cmd += ['-a', da]
        # -m 256 holds no default mbuf pool (155456 mbufs for two lcores).
        cmd += ['--', '-i', '--total-num-mbufs=2048']
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def _read(self, deadline):
        """Collect output until @deadline or EOF; False at EOF."""
        fd = self.proc.stdout.fileno()
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            return True
        data = os.read(fd, 65536)
        if not data:
            return False
        self.out += data.decode(errors='replace')
        return True

    def wait_for(self, text, timeout):
        deadline = time.monotonic() + timeout
        while text not in self.out:
            check(time.monotonic() < deadline,
                  'no "%s" within %ds:\n%s' % (text.strip(), timeout,
                                               self.out))
            if not self._read(deadline):
                check(text in self.out,
                      'testpmd exited (%s) before "%s":\n%s'
                      % (self.proc.wait(timeout=EXIT_TIMEOUT), text.strip(),
                         self.out))

    def send(self, line):
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()

    def wait_exit_or(self, text, timeout):
        """Wait for exit (returns its status) or for @text (returns None)."""
        deadline = time.monotonic() + timeout
        while text not in self.out:
            if not self._read(deadline):
                return self.wait_exit(max(1, deadline - time.monotonic()))
            check(time.monotonic() < deadline,
                  'testpmd neither exited nor printed "%s" in %ds:\n%s'
                  % (text.strip(), timeout, self.out))
        return None

    def wait_exit(self, timeout):
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            check(time.monotonic() < deadline,
                  'testpmd still running after %ds:\n%s' % (timeout,
                                                            self.out))
        try:
            return self.proc.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Failure('testpmd did not exit:\n' + self.out) from None

    def kill(self):
        """Kill the process we started (by PID) if it still runs."""
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        shutil.rmtree(runtime_dir(self.prefix), ignore_errors=True)


def telemetry(prefix, cmds):
    """Run dpdk-telemetry.py with @cmds on stdin; {cmd: parsed reply value}.

    Not on a tty, it prints nothing but one JSON line per '/' command.
    """
    proc = subprocess.run(['dpdk-telemetry.py', '-f', prefix],
                          input='\n'.join(cmds) + '\nquit\n',
                          capture_output=True, text=True,
                          timeout=CMD_TIMEOUT, check=False)
    check(proc.returncode == 0, 'dpdk-telemetry.py exited %d: %s%s'
          % (proc.returncode, proc.stdout, proc.stderr))
    lines = [ln for ln in proc.stdout.split('\n') if ln.strip()]
    check(len(lines) == len(cmds), 'dpdk-telemetry.py: %d replies to %d '
          'commands:\n%s%s' % (len(lines), len(cmds), proc.stdout,
                               proc.stderr))
    replies = {}
    for cmd, line in zip(cmds, lines):
        try:
            reply = json.loads(line)
        except json.JSONDecodeError:
            raise Failure('%s: not JSON: %s' % (cmd, line)) from None
        key = cmd.split(',')[0]
        check(isinstance(reply, dict) and list(reply) == [key],
              '%s: reply %s' % (cmd, line))
        replies[cmd] = reply[key]
    return replies


def hex_field(d, key, where):
    v = d.get(key)
    check(isinstance(v, str) and re.match(r'^0x[0-9a-fA-F]+$', v),
          '%s: %s = %r, want a hex string' % (where, key, v))
    return int(v, 16)


def int_field(d, key, where):
    v = d.get(key)
    check(isinstance(v, int) and not isinstance(v, bool) and v >= 0,
          '%s: %s = %r, want an integer' % (where, key, v))
    return v


def check_good_run(pmd):
    prefix = pmd.prefix
    r = telemetry(prefix, ['/avq/mgmt/list', '/avq/mgmt/info,sim0',
                           '/avq/vdev/list', '/avq/vdev/list,sim0'])
    check(r['/avq/mgmt/list'] == ['sim0'], 'mgmt list %r'
          % r['/avq/mgmt/list'])
    info = r['/avq/mgmt/info,sim0']
    check(isinstance(info, dict), 'mgmt info %r' % info)
    check(info.get('name') == 'sim0' and info.get('transport') == 'sim',
          'mgmt info %r' % info)
    check(int_field(info, 'num_vdevs', 'sim0') == 3, 'mgmt info %r' % info)
    check(int_field(info, 'num_aqs', 'sim0') == 1, 'mgmt info %r' % info)
    check(hex_field(info, 'caps', 'sim0') & (1 << 1), 'no VDEV cap: %r'
          % info)
    names = r['/avq/vdev/list,sim0']
    check(names == r['/avq/vdev/list'], 'lists differ: %r / %r'
          % (names, r['/avq/vdev/list']))
    check(isinstance(names, list) and len(names) == 3, 'vdev list %r'
          % names)

    cmds = ['/avq/vdev/info,' + n for n in names] + ['/avq/engine/stats,sim0']
    r = telemetry(prefix, cmds)
    classes, macs, ids = [], [], []
    for n in names:
        where = n
        v = r['/avq/vdev/info,' + n]
        check(isinstance(v, dict), '%s: info %r' % (n, v))
        m = re.match(r'^sim0\.vd(\d+)$', n)
        check(m is not None, 'name %s' % n)
        check(v.get('name') == n and v.get('mgmt') == 'sim0',
              '%s: %r' % (n, v))
        ids.append(int_field(v, 'id', where))
        check(ids[-1] == int(m.group(1)), '%s: id %d' % (n, ids[-1]))
        classes.append(v.get('class'))
        check(isinstance(v.get('driver'), str) and v['driver'] != '',
              '%s: driver %r' % (n, v.get('driver')))
        status = int_field(v, 'status', where)
        check(isinstance(v.get('status_str'), str), '%s: %r' % (n, v))
        if v['driver'] == 'none':
            # Unbound: nobody touched it since VDEV_CREATE.
            check(status == 0 and v['status_str'] == 'RESET',
                  '%s: status %r %r' % (n, status, v['status_str']))
        check(hex_field(v, 'device_features', where) & (1 << 32),
              '%s: device features without VERSION_1' % n)
        hex_field(v, 'driver_features', where)
        check(int_field(v, 'queue_pairs', where) == 1, '%s: %r' % (n, v))
        check(int_field(v, 'num_queues', where) == 3, '%s: %r' % (n, v))
        int_field(v, 'enabled_queues', where)
        check(int_field(v, 'mtu', where) == 1500, '%s: %r' % (n, v))
        mac = v.get('mac')
        check(isinstance(mac, str) and MAC_RX.match(mac.lower()),
              '%s: mac %r' % (n, mac))
        macs.append(mac.lower())
    check(classes == ['net', 'net', 'vdpa'], 'classes %r' % classes)
    check(len(set(macs)) == 3 and len(set(ids)) == 3,
          'macs %r ids %r' % (macs, ids))

    st = r['/avq/engine/stats,sim0']
    check(isinstance(st, dict), 'engine stats %r' % st)
    keys = ['submitted', 'completed', 'failed', 'timed_out', 'canceled',
            'late', 'eagain', 'kicks', 'batches', 'batched', 'batch_avg',
            'inflight', 'lat_avg_ns', 'lat_max_ns']
    check(sorted(st) == sorted(keys), 'engine stats keys %r' % sorted(st))
    for k in keys:
        if k != 'batch_avg':
            int_field(st, k, 'engine stats')
    check(isinstance(st['batch_avg'], (int, float)), 'batch_avg %r'
          % st['batch_avg'])
    # CAP_GET and three VDEV_CREATEs at least, and the info commands above.
    check(st['completed'] >= 4 and st['submitted'] >= st['completed'],
          'engine stats %r' % st)
    check(st['timed_out'] == 0 and st['canceled'] == 0 and
          st['inflight'] == 0, 'engine stats %r' % st)
    check(st['lat_avg_ns'] <= st['lat_max_ns'], 'engine stats %r' % st)


def case_good(drivers, env):
    prefix = 'avq-it-%d' % os.getpid()
    pmd = TestPmd(drivers, ['avq:sim0,net=2,vdpa=1'], prefix, env)
    try:
        pmd.wait_for(PROMPT, START_TIMEOUT)
        check_good_run(pmd)
        pmd.send('quit')
        rc = pmd.wait_exit(EXIT_TIMEOUT)
        check(rc == 0, 'testpmd exited %d:\n%s' % (rc, pmd.out))
        for bad in ('ERROR', 'Segmentation', 'Sanitizer', 'runtime error'):
            check(bad not in pmd.out, '"%s" in the output:\n%s'
                  % (bad, pmd.out))
    finally:
        pmd.kill()
    print('good devargs: ok')


def case_bad(drivers, env, devargs, key):
    """Bad devargs next to a good management device: one error line naming
    the device and the key, the bad device not created, the good one (sim1)
    there. DPDK 22.11's EAL ignores a bus's scan result, so the application
    starts without the bad device (doc/guides/bus/avq.rst)."""
    prefix = 'avq-it-%d-bad' % os.getpid()
    pmd = TestPmd(drivers, [devargs, 'avq:sim1,net=1'], prefix, env)
    try:
        rc = pmd.wait_exit_or(PROMPT, START_TIMEOUT)
        check(rc is None, '%s: testpmd did not start (exit %r):\n%s'
              % (devargs, rc, pmd.out))
        lines = [ln for ln in pmd.out.split('\n')
                 if 'sim0' in ln and key in ln]
        check(len(lines) == 1, '%s: want one line naming sim0 and %s:\n%s'
              % (devargs, key, pmd.out))
        r = telemetry(prefix, ['/avq/mgmt/list', '/avq/vdev/list,sim1'])
        check(r['/avq/mgmt/list'] == ['sim1'],
              '%s: want only sim1: %r' % (devargs, r))
        check(len(r['/avq/vdev/list,sim1']) == 1,
              '%s: sim1 lost its managed device: %r' % (devargs, r))
        pmd.send('quit')
        rc = pmd.wait_exit(EXIT_TIMEOUT)
        check(rc == 0, '%s: testpmd exited %d:\n%s' % (devargs, rc, pmd.out))
        for bad in ('Segmentation', 'Sanitizer', 'runtime error'):
            check(bad not in pmd.out, '"%s" in the output:\n%s'
                  % (bad, pmd.out))
    finally:
        pmd.kill()
    print('%s: refused, sim1 unaffected: ok' % devargs)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    drivers = os.path.abspath(os.path.join(sys.argv[1], 'drivers'))
    for prog in ('dpdk-testpmd', 'dpdk-telemetry.py'):
        if shutil.which(prog) is None:
            print('%s not found: skipped' % prog)
            return 77
    lib = os.path.join(drivers, 'librte_bus_avq.so')
    if not os.path.isfile(lib):
        print('FAILED: %s: not built' % lib)
        return 1
    env = sanitizer_env(lib)
    cases = [
        lambda: case_good(drivers, env),
        lambda: case_bad(drivers, env, 'avq:sim0,aqs=99', 'aqs'),
        lambda: case_bad(drivers, env, 'avq:sim0,net=1,foo=1', 'foo'),
    ]
    failed = 0
    for case in cases:
        try:
            case()
        except (Failure, subprocess.TimeoutExpired, OSError) as e:
            print('FAILED: %s' % e)
            failed += 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
