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
import os
import re
import shutil
import subprocess
import sys

from common import (EXIT_TIMEOUT, PROMPT, START_TIMEOUT, Failure, TestPmd,
                    check, sanitizer_env, telemetry)

MAC_RX = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')


# Whether the net_avq PMD was built next to the bus (set in main()).
NET_AVQ = False

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
        if v.get('class') == 'net' and NET_AVQ:
            # net_avq is in the -d directory: it probed the device and
            # testpmd started it as a port.
            check(v['driver'] == 'net_avq_bus' and
                  'DRIVER_OK' in v['status_str'],
                  '%s: not a started net_avq port: %r' % (n, v))
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
    global NET_AVQ
    NET_AVQ = os.path.isfile(os.path.join(drivers, 'librte_net_avq.so'))
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
