# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""examples/vdpa (avq-vdpa) driven by the vDPA integration tests and the
vDPA benchmark: started interactive (-i) with stdin a pipe, commands at
its `avq-vdpa> ` prompt, stopped by SIGTERM to its PID.

CPU placement (ENVIRONMENT.md: two pollers on one CPU crawl): the app's
main lcore and the sim device thread are on CPU 0 (`-l 0`, `cpu=0`);
a polling frontend (testpmd's forwarding lcore, the Python frontend)
goes on CPU 1.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from common import (Failure, OutputReader, check, crash_lines,
                    sanitizer_env)

PROMPT = 'avq-vdpa> '


class App(OutputReader):
    """avq-vdpa -i; output collected from a pipe."""

    def __init__(self, build, prefix, tmp, devices=2, queue_pairs=1,
                 client=False, mgmt='avq:sim0,cpu=0', extra=(),
                 mem=512, sockdir=None):
        self.build = os.path.abspath(build)
        self.prefix = prefix
        self.sockdir = sockdir or tempfile.mkdtemp(prefix='s', dir=tmp)
        self.out = ''
        exe = os.path.join(self.build, 'examples', 'vdpa', 'avq-vdpa')
        cmd = [exe, '-l', '0', '--no-huge', '-m', str(mem), '--no-pci',
               '--file-prefix=' + prefix, '--log-level=*:warning',
               '-d', os.path.join(self.build, 'drivers'), '-a', mgmt, '--',
               '--socket-dir', self.sockdir, '--devices', str(devices),
               '--queue-pairs', str(queue_pairs), '-i'] + list(extra)
        if client:
            cmd.append('--client')
        self.argv = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     env=sanitizer_env(exe))
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.wait_for(PROMPT, 60)

    def cmdline(self):
        return ' '.join(self.argv)

    def sock(self, slot):
        return os.path.join(self.sockdir, 'vdpa%d.sock' % slot)

    def wait_for(self, text, timeout, start=0):
        deadline = time.monotonic() + timeout
        while text not in self.out[start:]:
            check(time.monotonic() < deadline,
                  'avq-vdpa: no "%s" within %ds:\n%s'
                  % (text.strip(), timeout, self.out[-5000:]))
            if not self._read(deadline) and text not in self.out[start:]:
                raise Failure('avq-vdpa exited (%s) before "%s":\n%s'
                              % (self.proc.wait(timeout=30), text.strip(),
                                 self.out[-5000:]))

    def cmd(self, line, timeout=30):
        mark = len(self.out)
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()
        self.wait_for(PROMPT, timeout, mark)
        end = self.out.find(PROMPT, mark)
        return self.out[mark:end]

    def list(self):
        """{slot: {device, mac, qp, mode, state, socket}}."""
        res = {}
        for ln in self.cmd('list').split('\n'):
            f = ln.split()
            if len(f) == 7 and f[0].isdigit():
                res[int(f[0])] = dict(zip(('device', 'mac', 'qp', 'mode',
                                           'state', 'socket'), f[1:]))
                res[int(f[0])]['mac'] = f[2].lower()
        return res

    def stats(self, dev):
        """{queue: {name: value}}; Failure if the app reports an error."""
        out = self.cmd('stats %s' % dev)
        check(not out.lstrip().startswith('error'),
              'stats %s: %s' % (dev, out.strip()))
        res = {}
        for m in re.finditer(r'^queue (\d+):(.*)$', out, re.M):
            res[int(m.group(1))] = {k: int(v) for k, v in
                                    re.findall(r'(\S+)=(\d+)', m.group(2))}
        return res

    def conf_stats(self, dev):
        """{name: number} of `conf-stats`, None when the driver has none."""
        out = self.cmd('conf-stats %s' % dev)
        if out.lstrip().startswith('error'):
            return None
        return {k: int(v) for k, v in
                re.findall(r'([A-Za-z_]+)=(-?[0-9]+)', out)}

    def wait_state(self, slot, state, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            st = self.list().get(slot, {}).get('state')
            if st == state:
                return
            check(time.monotonic() < deadline,
                  'slot %d: state %s, expected %s' % (slot, st, state))
            time.sleep(0.05)

    def alive(self):
        return self.proc.poll() is None

    def check_clean(self, where):
        bad = crash_lines(self.out)
        check(not bad, '%s: avq-vdpa: %s' % (where, bad))

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signal the app; its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            check(time.monotonic() < deadline,
                  'avq-vdpa still running %ds after signal %d:\n%s'
                  % (timeout, sig, self.out[-5000:]))
        return self.proc.wait(timeout=5)


def engine_submitted(prefix, mgmt='sim0'):
    """Admin commands the management device's engine has submitted so far
    (telemetry /avq/engine/stats), or None without dpdk-telemetry.py."""
    from common import telemetry
    if shutil.which('dpdk-telemetry.py') is None:
        return None
    cmd = '/avq/engine/stats,' + mgmt
    rep = telemetry(prefix, [cmd])[cmd]
    return int(rep['submitted'])


def pin_cpu(cpu):
    """Run this (Python frontend) process on @cpu if it exists."""
    try:
        if cpu in os.sched_getaffinity(0) or cpu < os.cpu_count():
            os.sched_setaffinity(0, {cpu})
            return True
    except OSError:
        pass
    return False
