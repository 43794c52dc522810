# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""Helpers shared by the integration scripts: dpdk-testpmd driven through
a pipe, dpdk-telemetry.py, and the parsing of testpmd's statistics.

Every wait has a timeout; TestPmd.kill() kills the process it started (by
its PID, never by name) and removes its EAL runtime directory.
"""
import json
import os
import re
import select
import shutil
import subprocess
import time

PROMPT = 'testpmd> '
START_TIMEOUT = 60
CMD_TIMEOUT = 30
EXIT_TIMEOUT = 30


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


class OutputReader:
    """Collects a child's stdout (self.proc, a pipe) into self.out; kill()
    ends the child and removes its EAL runtime directory (self.prefix, if
    not None)."""

    prefix = None

    def kill(self):
        """Kill the process we started (by PID) if it still runs."""
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        for f in (self.proc.stdin, self.proc.stdout):
            if f is None:
                continue
            try:
                f.close()
            except OSError:
                pass
        if self.prefix is not None:
            shutil.rmtree(runtime_dir(self.prefix), ignore_errors=True)

    def _collect(self, text):
        """Add a piece of output (a subclass may filter or echo it)."""
        self.out += text

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
        self._collect(data.decode(errors='replace'))
        return True


class TestPmd(OutputReader):
    """dpdk-testpmd with stdin a pipe and its output collected.

    The defaults are the bus test's: -m 256 and 2048 mbufs, interactive.
    @eal_args are added after the -a devargs (e.g. --vdev ...), @app_args
    replace the application arguments after '--'. @huge: hugepage memory
    (--in-memory) instead of --no-huge. With @linebuf testpmd's
    stdout is line buffered (stdbuf), so that a command's output arrives
    before the next prompt (testpmd writes the prompt unbuffered, its
    printf output is block buffered into a pipe).
    """

    def __init__(self, drivers, devargs, prefix, env, mem=256, eal_args=(),
                 app_args=('-i', '--total-num-mbufs=2048'), linebuf=False,
                 huge=False):
        self.prefix = prefix
        self.out = ''
        cmd = ['stdbuf', '-oL'] if linebuf else []
        # huge: hugepages reserved beforehand, taken through memfd
        # (--in-memory: no hugetlbfs mount, no files left behind), in one
        # file per memseg list: a vhost-user peer maps at most 8 regions.
        cmd += ['dpdk-testpmd']
        cmd += (['--in-memory', '--single-file-segments'] if huge
                else ['--no-huge'])
        cmd += ['-m', str(mem), '--no-pci', '-l', '0-1',
                '--file-prefix=' + prefix]
        if drivers:
            cmd += ['-d', drivers]
        for da in devargs:
            cmd += ['-a', da]
        cmd += list(eal_args)
        # -m 256 holds no default mbuf pool (155456 mbufs for two lcores).
        cmd += ['--'] + list(app_args)
        self.argv = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def cmdline(self):
        """The command line, without the stdbuf wrapper."""
        cmd = self.argv[2:] if self.argv[0] == "stdbuf" else self.argv
        return ' '.join(cmd)

    def wait_for(self, text, timeout, start=0):
        """Wait until @text is in the output from offset @start."""
        deadline = time.monotonic() + timeout
        while text not in self.out[start:]:
            check(time.monotonic() < deadline,
                  'no "%s" within %ds:\n%s' % (text.strip(), timeout,
                                               self.out[-20000:]))
            if not self._read(deadline):
                check(text in self.out[start:],
                      'testpmd exited (%s) before "%s":\n%s'
                      % (self.proc.wait(timeout=EXIT_TIMEOUT), text.strip(),
                         self.out[-20000:]))

    def send(self, line):
        self.proc.stdin.write((line + '\n').encode())
        self.proc.stdin.flush()

    def cmd(self, line, timeout=CMD_TIMEOUT):
        """Run one interactive command; its output (up to the next prompt)."""
        mark = len(self.out)
        self.send(line)
        try:
            self.wait_for(PROMPT, timeout, mark)
        except Failure as e:
            # testpmd's command line writes its prompt one character at a
            # time: output of another thread (the verbose dumps of the
            # forwarding lcore, an event callback) can split it. An empty
            # line makes it print a fresh one.
            if self.proc.poll() is not None:
                raise Failure('`%s`: %s' % (line, e)) from None
            self.send('')
            try:
                self.wait_for(PROMPT, 5, len(self.out))
            except Failure:
                raise Failure('`%s`: %s' % (line, e)) from None
        end = self.out.find(PROMPT, mark)
        return self.out[mark:end if end >= 0 else len(self.out)]

    def drain(self, seconds):
        """Keep reading the output for @seconds (the pipe must not fill)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self._read(deadline):
                break

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

    def quit(self, timeout=EXIT_TIMEOUT):
        """`quit`; its exit status."""
        self.send('quit')
        return self.wait_exit(timeout)



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


# ---- testpmd output parsing ------------------------------------------------

_FIELD = re.compile(r'([A-Za-z][A-Za-z0-9_-]*):\s+(-?\d+)')


def _blocks(text, header):
    """{port: block text} for every '<header> <port>' block of @text."""
    rx = re.compile(header + r'\s+(\d+)')
    found = {}
    matches = list(rx.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        found[int(m.group(1))] = text[m.end():end]
    return found


def port_stats(text):
    """Parse `show port stats` output: {port: {field: int}} (RX-packets,
    RX-missed, RX-bytes, RX-errors, RX-nombuf, TX-packets, TX-errors,
    TX-bytes, Rx-pps, Rx-bps, Tx-pps, Tx-bps)."""
    res = {}
    for port, blk in _blocks(text, r'NIC statistics for port').items():
        blk = blk.split('########################\n', 1)[-1]
        blk = blk.split('####################', 1)[0]
        res[port] = {k: int(v) for k, v in _FIELD.findall(blk)}
    return res


def loop_rates(pmd, warmup, seconds, probe=None):
    """A forwarding loop's rates on ports 0 and 1, traffic already
    started: after @warmup seconds, `show port stats all` twice, @seconds
    apart (testpmd's Rx-pps/Tx-pps of the second are averages over that
    interval). Returns (rx Mpps, tx Mpps, rx + tx errors, seconds
    measured), rates summed over the two ports. @probe, if given, is
    called right after each of the two (to read something over the same
    interval)."""
    pmd.drain(warmup)
    pmd.cmd('show port stats all')
    if probe is not None:
        probe()
    t0 = time.monotonic()
    pmd.drain(seconds)
    out = pmd.cmd('show port stats all')
    t1 = time.monotonic()
    if probe is not None:
        probe()
    st = port_stats(out)
    check(sorted(st) == [0, 1], 'stats of ports %s:\n%s' % (sorted(st), out))
    rx = sum(s.get('Rx-pps', 0) for s in st.values()) / 1e6
    tx = sum(s.get('Tx-pps', 0) for s in st.values()) / 1e6
    errs = sum(s.get('RX-errors', 0) + s.get('TX-errors', 0)
               for s in st.values())
    return rx, tx, errs, t1 - t0


def fwd_stats(text):
    """Parse the per-port 'Forward statistics' testpmd prints at `stop`:
    {port: {RX-packets, RX-dropped, RX-total, TX-packets, TX-dropped,
    TX-total}}; and the per-stream blocks: [(rx port, rx queue, tx port,
    tx queue, {field: int})]."""
    ports = {}
    for port, blk in _blocks(text, r'Forward statistics for port').items():
        blk = blk.split('\n  ---', 1)[0]
        ports[port] = {k: int(v) for k, v in _FIELD.findall(blk)}
    streams = []
    rx = re.compile(r'Forward Stats for RX Port=\s*(\d+)/Queue=\s*(\d+)\s*'
                    r'-> TX Port=\s*(\d+)/Queue=\s*(\d+)\s*-+\n(.*?)\n\s*\n',
                    re.S)
    for m in rx.finditer(text):
        streams.append((int(m.group(1)), int(m.group(2)), int(m.group(3)),
                        int(m.group(4)),
                        {k: int(v) for k, v in _FIELD.findall(m.group(5))}))
    return ports, streams


def xstats(text):
    """Parse `show port xstats <p>` output: {name: int}."""
    res = {}
    for ln in text.split('\n'):
        m = re.match(r'^\s*([A-Za-z0-9_.\[\]-]+):\s+(\d+)\s*$', ln)
        if m:
            res[m.group(1)] = int(m.group(2))
    return res


def port_macs(text):
    """Parse `show port summary all`: {port: (mac lower-case, name)}."""
    res = {}
    for m in re.finditer(r'^(\d+)\s+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})'
                         r'\s+(\S+)', text, re.M):
        res[int(m.group(1))] = (m.group(2).lower(), m.group(3))
    return res


def crash_lines(text):
    """Lines showing a crash, a sanitizer report or an EAL panic."""
    bad = ('Segmentation', 'Sanitizer', 'runtime error', 'PANIC',
           'Aborted', 'core dumped')
    return [ln for ln in text.split('\n') if any(b in ln for b in bad)]


def scenario_args(doc, scenarios, progs=('dpdk-testpmd', 'stdbuf')):
    """Parse `<build> [scenario ...]` for a script whose docstring is
    @doc; None (the caller exits 77, skipped) when one of @progs is not on
    the PATH."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('build')
    ap.add_argument('scenario', nargs='*', help=' '.join(scenarios))
    args = ap.parse_args()
    for prog in progs:
        if shutil.which(prog) is None:
            print('%s not found: skipped' % prog)
            return None
    for name in args.scenario:
        if name not in scenarios:
            ap.error('unknown scenario %s (known: %s)'
                     % (name, ' '.join(scenarios)))
    return args


def run_scenarios(names, run, errors, on_failure=None, after=None):
    """run(name) for each of @names; a Failure or one of @errors fails
    that scenario only (then on_failure()); after() follows each. The
    number that failed."""
    failed = 0
    for name in names:
        t0 = time.monotonic()
        try:
            run(name)
            print('%s: ok (%.1f s)' % (name, time.monotonic() - t0),
                  flush=True)
        except (Failure,) + tuple(errors) as e:
            print('FAILED: %s: %s' % (name, e), flush=True)
            if on_failure is not None:
                on_failure()
            failed += 1
        finally:
            if after is not None:
                after()
    return failed
