# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
"""A small vhost-user frontend (the "master" side) in plain Python, for
tests and benchmarks of vhost-user backends such as examples/vdpa.

It speaks the protocol as DPDK 22.11's lib/vhost implements it
(vhost_user.[ch]): a 12-byte header (request, flags, size) and a payload,
file descriptors in SCM_RIGHTS; the frontend's memory is a set of memfd
regions (at most VHOST_MEMORY_MAX_NREGIONS = 8) that the backend maps.
On top of it a split-ring virtio-net driver (virtio 1.2, 2.7) posts
receive buffers, sends frames with a 12-byte virtio_net_hdr and polls the
used rings: enough for a few hundred frames, not for speed.

    fe = Frontend.connect(path)
    fe.setup(queue_pairs=1, regions=4)    # features .. SET_VRING_ENABLE
    fe.send(0, frame); fe.recv(0)         # queue pair 0
    fe.close()

Every message that has no reply of its own asks for a REPLY_ACK when the
backend offers it, so each call returns once the backend has handled it
(and the time a set-up takes is measurable). Every wait has a timeout.

Host notifiers (setup(notifiers=True)): the frontend accepts the backend
channel (PROTOCOL_F_SLAVE_REQ, SLAVE_SEND_FD, HOST_NOTIFIER), hands the
backend one end of a socketpair (SET_SLAVE_REQ_FD) and serves it on a
thread: SLAVE_VRING_HOST_NOTIFIER_MSG brings an fd (SCM_RIGHTS) whose
(offset, size) it maps as the vring's doorbell page; from then on a kick
is the vring index (le16) stored at the page's start, not an eventfd
write. Vring.kicks counts eventfd kicks, Vring.page_kicks page kicks.
"""
import ctypes
import mmap
import os
import select
import socket
import struct
import threading
import time

# Requests (vhost_user.h, VhostUserRequest).
GET_FEATURES = 1
SET_FEATURES = 2
SET_OWNER = 3
RESET_OWNER = 4
SET_MEM_TABLE = 5
SET_VRING_NUM = 8
SET_VRING_ADDR = 9
SET_VRING_BASE = 10
GET_VRING_BASE = 11
SET_VRING_KICK = 12
SET_VRING_CALL = 13
GET_PROTOCOL_FEATURES = 15
SET_PROTOCOL_FEATURES = 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18
SET_SLAVE_REQ_FD = 21
GET_CONFIG = 24
SET_STATUS = 39
GET_STATUS = 40

NAMES = {v: k for k, v in list(globals().items())
         if k.startswith(('GET_', 'SET_', 'RESET_'))}

# Backend-channel requests (vhost_user.h, VhostUserSlaveRequest).
SLAVE_IOTLB_MSG = 1
SLAVE_CONFIG_CHANGE_MSG = 2
SLAVE_VRING_HOST_NOTIFIER_MSG = 3

VERSION = 0x1
F_REPLY = 0x4
F_NEED_REPLY = 0x8
VRING_NOFD = 0x100
MAX_REGIONS = 8

# Feature bits (virtio 1.2 and vhost-user).
F_PROTOCOL_FEATURES = 30
F_VERSION_1 = 32
NET_F_MAC = 5
NET_F_MQ = 22

# Protocol feature bits.
PF_MQ = 0
PF_REPLY_ACK = 3
PF_SLAVE_REQ = 5		# BACKEND_REQ in later vhost-user specs
PF_SLAVE_SEND_FD = 10
PF_HOST_NOTIFIER = 11
PF_STATUS = 16
PF_NOTIFIERS = (1 << PF_SLAVE_REQ) | (1 << PF_SLAVE_SEND_FD) | \
    (1 << PF_HOST_NOTIFIER)

# Device status (virtio 1.2, 2.1).
S_ACKNOWLEDGE = 1
S_DRIVER = 2
S_DRIVER_OK = 4
S_FEATURES_OK = 8

# Split ring (virtio 1.2, 2.7).
DESC_F_WRITE = 2
AVAIL_F_NO_INTERRUPT = 1
USED_F_NO_NOTIFY = 1
NET_HDR_LEN = 12		# virtio_net_hdr with num_buffers (VERSION_1)
BUF_LEN = 2048

HDR = struct.Struct('<III')
TIMEOUT = 10.0
PAGE = 4096


class VhostUserError(Exception):
    pass


def _align(x, a):
    return (x + a - 1) // a * a


class Region:
    """A memfd of @size bytes at guest-physical @gpa. The frontend's
    "user address" of it is a made-up number (the backend only uses it to
    translate the ring addresses of SET_VRING_ADDR)."""

    UADDR_BASE = 0x7f0000000000

    def __init__(self, gpa, size, name='vu'):
        self.gpa = gpa
        self.size = _align(size, PAGE)
        self.uaddr = self.UADDR_BASE + gpa
        self.fd = os.memfd_create(name, 0)
        os.ftruncate(self.fd, self.size)
        self.mm = mmap.mmap(self.fd, self.size, mmap.MAP_SHARED,
                            mmap.PROT_READ | mmap.PROT_WRITE)

    def close(self):
        try:
            self.mm.close()
        except (BufferError, ValueError):
            pass
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __repr__(self):
        return 'Region(gpa=0x%x, size=0x%x)' % (self.gpa, self.size)


class Memory:
    """The frontend's memory: regions by guest-physical address."""

    def __init__(self):
        self.regions = []

    def add(self, region):
        self.regions.append(region)
        return region

    def remove(self, region):
        self.regions.remove(region)
        region.close()

    def find(self, gpa, length=1):
        for r in self.regions:
            if r.gpa <= gpa and gpa + length <= r.gpa + r.size:
                return r, gpa - r.gpa
        raise VhostUserError('gpa 0x%x+%d in no region' % (gpa, length))

    def write(self, gpa, data):
        r, off = self.find(gpa, len(data))
        r.mm[off:off + len(data)] = data

    def read(self, gpa, length):
        r, off = self.find(gpa, length)
        return bytes(r.mm[off:off + length])

    def close(self):
        for r in self.regions:
            r.close()
        self.regions = []


def store16(buf, off, val):
    """Store the le16 @val at @off of the shared mapping @buf in ONE
    16-bit store. struct.pack_into() is no good for a field the device
    reads while we write it: it zero-fills the field first and then writes
    it a byte at a time, so the device can see 0 (an avail->idx of 0 is
    "more than a ring ahead": the device rightly faults the ring)."""
    ctypes.c_uint16.__ctype_le__.from_buffer(buf, off).value = val


class Vring:
    """A split virtqueue: rings at @ring_gpa (in one region), one buffer
    of BUF_LEN bytes per descriptor at the gpas of @bufs."""

    def __init__(self, mem, index, size, ring_gpa, bufs):
        self.mem = mem
        self.index = index
        self.size = size
        self.desc = ring_gpa
        self.avail = self.desc + 16 * size
        self.used = _align(self.avail + 4 + 2 * size + 2, PAGE)
        self.end = _align(self.used + 4 + 8 * size + 2, PAGE)
        self.bufs = list(bufs)
        assert len(self.bufs) == size
        self.region, self.off = mem.find(self.desc, self.end - self.desc)
        mm = self.region.mm
        mm[self.off:self.off + (self.end - self.desc)] = \
            bytes(self.end - self.desc)
        # The frontend polls: no interrupts, please.
        store16(mm, self.off + 16 * size, AVAIL_F_NO_INTERRUPT)
        self.avail_idx = 0
        self.used_idx = 0
        self.free = list(range(size))
        self.kickfd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self.callfd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        self.kicks = 0			# eventfd kicks
        self.page_kicks = 0		# doorbell-page kicks (host notifier)
        self.notifier = None		# the mapped doorbell page, if any
        self.eventfd_kicks = True	# False: never kick the eventfd

    def uaddr(self, gpa):
        return self.region.uaddr + (gpa - self.region.gpa)

    def state(self):
        """Both sides' indices as this frontend sees them, for a failure
        message: what it posted and published, what the device used, and
        how it kicked."""
        mm = self.region.mm
        return ('vring %d: avail %d (ring %d, flags 0x%x) used %d (ring '
                '%d, flags 0x%x) free %d kicks %d page_kicks %d%s' % (
                    self.index, self.avail_idx,
                    struct.unpack_from('<H', mm, self._o(self.avail) + 2)[0],
                    struct.unpack_from('<H', mm, self._o(self.avail))[0],
                    self.used_idx, self.used_ring_idx(),
                    struct.unpack_from('<H', mm, self._o(self.used))[0],
                    len(self.free), self.kicks, self.page_kicks,
                    ' notifier' if self.notifier is not None else ''))

    def _o(self, gpa):
        return self.off + (gpa - self.desc)

    def post(self, desc_id, length, write):
        mm = self.region.mm
        struct.pack_into('<QIHH', mm, self._o(self.desc) + 16 * desc_id,
                         self.bufs[desc_id], length,
                         DESC_F_WRITE if write else 0, 0)
        struct.pack_into('<H', mm, self._o(self.avail) + 4 +
                         2 * (self.avail_idx % self.size), desc_id)
        self.avail_idx = (self.avail_idx + 1) & 0xffff

    def publish(self):
        """Make the posted descriptors visible; kick unless the device
        polls (VRING_USED_F_NO_NOTIFY)."""
        mm = self.region.mm
        store16(mm, self._o(self.avail) + 2, self.avail_idx)
        flags = struct.unpack_from('<H', mm, self._o(self.used))[0]
        if not flags & USED_F_NO_NOTIFY:
            self.kick()

    def kick(self):
        """Through the host notifier when one is mapped (the vring index
        stored in the doorbell page), else the kickfd."""
        page = self.notifier
        if page is not None:
            store16(page, 0, self.index)
            self.page_kicks += 1
        elif self.eventfd_kicks:
            os.eventfd_write(self.kickfd, 1)
            self.kicks += 1

    def used_ring_idx(self):
        return struct.unpack_from('<H', self.region.mm,
                                  self._o(self.used) + 2)[0]

    def get_used(self):
        """[(descriptor id, length)] completed since the last call."""
        mm = self.region.mm
        new = self.used_ring_idx()
        out = []
        while self.used_idx != new:
            i, ln = struct.unpack_from(
                '<II', mm, self._o(self.used) + 4 + 8 *
                (self.used_idx % self.size))
            out.append((i, ln))
            self.used_idx = (self.used_idx + 1) & 0xffff
        return out

    def close(self):
        for fd in (self.kickfd, self.callfd):
            try:
                os.close(fd)
            except OSError:
                pass


class Frontend:
    """One vhost-user connection and the virtio-net device behind it."""

    def __init__(self, sock):
        self.sock = sock
        self.mem = Memory()
        self.vrings = []
        self.features = 0
        self.protocol_features = 0
        self.reply_ack = False
        self.messages = 0
        self.log = []			# (request name, seconds) per message
        self.first_reply_at = None	# time.monotonic() of the first reply
        self.slave = None		# our end of the backend channel
        self.slave_thread = None
        self.slave_log = []		# (request, vring, fd given) received
        self.slave_error = None
        self.old_pages = []		# unmapped notifiers (closed at close())

    # ---- connection ----

    @classmethod
    def connect(cls, path, timeout=TIMEOUT):
        """Connect to a backend listening on @path (server mode)."""
        deadline = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        s.settimeout(timeout)
        return cls(s)

    @classmethod
    def accept(cls, path, timeout=TIMEOUT):
        """Listen on @path and accept one backend (its client mode)."""
        if os.path.exists(path):
            os.unlink(path)
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)
        srv.settimeout(timeout)
        try:
            s, _ = srv.accept()
        finally:
            srv.close()
        s.settimeout(timeout)
        return cls(s)

    def close(self):
        """Disconnect (the backend resets the device) and free the memory."""
        try:
            self.sock.close()
        except OSError:
            pass
        if self.slave is not None:
            try:
                self.slave.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            if self.slave_thread is not None:
                self.slave_thread.join(TIMEOUT)
            self.slave.close()
            self.slave = None
        for v in self.vrings:
            if v.notifier is not None:
                self.old_pages.append(v.notifier)
                v.notifier = None
            v.close()
        for page in self.old_pages:
            try:
                page.close()
            except (BufferError, ValueError):
                pass
        self.old_pages = []
        self.vrings = []
        self.mem.close()

    # ---- backend channel (host notifiers) ----

    def set_slave_req_fd(self):
        """Give the backend its channel to us and serve it on a thread."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._send(SET_SLAVE_REQ_FD, struct.pack('<Q', 0),
                       [theirs.fileno()])
        finally:
            theirs.close()
        self.slave = ours
        self.slave_thread = threading.Thread(target=self._slave_main,
                                             daemon=True)
        self.slave_thread.start()

    def _slave_recv(self):
        """One backend request: (request, flags, payload, fds), or None
        when the backend closed the channel."""
        data, fds, _, _ = socket.recv_fds(self.slave, HDR.size, 4)
        if not data:
            return None
        while len(data) < HDR.size:
            more = self.slave.recv(HDR.size - len(data))
            if not more:
                return None
            data += more
        req, flags, size = HDR.unpack(data)
        payload = b''
        while len(payload) < size:
            more = self.slave.recv(size - len(payload))
            if not more:
                return None
            payload += more
        return req, flags, payload, fds

    def _slave_main(self):
        while True:
            try:
                m = self._slave_recv()
            except OSError:
                return
            if m is None:
                return
            req, flags, payload, fds = m
            code = 0
            try:
                if req == SLAVE_VRING_HOST_NOTIFIER_MSG:
                    code = self._host_notifier(payload, fds)
                else:
                    code = 1	# nothing else is accepted
            except (OSError, ValueError, struct.error) as e:
                self.slave_error = '%s: %s' % (req, e)
                code = 1
            finally:
                for fd in fds:
                    os.close(fd)
            if flags & F_NEED_REPLY:
                try:
                    self.slave.sendall(HDR.pack(req, VERSION | F_REPLY, 8) +
                                       struct.pack('<Q', code))
                except OSError:
                    return

    def _host_notifier(self, payload, fds):
        u64, size, offset = struct.unpack('<QQQ', payload[:24])
        index = u64 & 0xff
        self.slave_log.append((SLAVE_VRING_HOST_NOTIFIER_MSG, index,
                               bool(fds)))
        if index >= len(self.vrings):
            return 1
        v = self.vrings[index]
        if v.notifier is not None:
            # Never unmapped under a kick in progress: closed at close().
            self.old_pages.append(v.notifier)
            v.notifier = None
        if u64 & VRING_NOFD:
            return 0
        if not fds or size < 2 or size > (1 << 20):
            return 1
        v.notifier = mmap.mmap(fds[0], size, mmap.MAP_SHARED,
                               mmap.PROT_READ | mmap.PROT_WRITE,
                               offset=offset)
        return 0

    def notifiers_mapped(self):
        return sum(1 for v in self.vrings if v.notifier is not None)

    def wait_notifiers(self, timeout=TIMEOUT):
        """Until every vring has its doorbell page mapped."""
        deadline = time.monotonic() + timeout
        while self.notifiers_mapped() < len(self.vrings):
            if time.monotonic() > deadline:
                raise VhostUserError('%d of %d host notifiers mapped '
                                     '(backend messages %s, error %s)'
                                     % (self.notifiers_mapped(),
                                        len(self.vrings), self.slave_log,
                                        self.slave_error))
            time.sleep(0.01)

    # ---- messages ----

    def _send(self, req, payload=b'', fds=(), want_reply=False):
        flags = VERSION
        ack = False
        if not want_reply and self.reply_ack:
            flags |= F_NEED_REPLY
            ack = True
        data = HDR.pack(req, flags, len(payload)) + payload
        t0 = time.monotonic()
        if fds:
            socket.send_fds(self.sock, [data], list(fds))
        else:
            self.sock.sendall(data)
        self.messages += 1
        reply = None
        if want_reply or ack:
            reply = self._recv(req)
            if ack:
                code = struct.unpack('<Q', reply[:8])[0]
                if code != 0:
                    raise VhostUserError('%s: backend replied %d'
                                         % (NAMES.get(req, req), code))
        t1 = time.monotonic()
        if reply is not None and self.first_reply_at is None:
            self.first_reply_at = t1
        self.log.append((NAMES.get(req, str(req)), t1 - t0))
        return reply

    def _recvn(self, n):
        buf = b''
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except socket.timeout:
                raise VhostUserError('no reply within %.0f s'
                                     % TIMEOUT) from None
            if not chunk:
                raise VhostUserError('backend closed the connection')
            buf += chunk
        return buf

    def _recv(self, req):
        req2, flags, size = HDR.unpack(self._recvn(HDR.size))
        if req2 != req or not flags & F_REPLY:
            raise VhostUserError('reply to %s: request %d flags 0x%x'
                                 % (NAMES.get(req, req), req2, flags))
        return self._recvn(size)

    def _u64(self, req, value=None):
        if value is None:
            return struct.unpack('<Q', self._send(req, want_reply=True)[:8])[0]
        self._send(req, struct.pack('<Q', value))
        return None

    def get_features(self):
        return self._u64(GET_FEATURES)

    def set_features(self, f):
        self._u64(SET_FEATURES, f)
        self.features = f

    def get_protocol_features(self):
        return self._u64(GET_PROTOCOL_FEATURES)

    def set_protocol_features(self, pf):
        self._u64(SET_PROTOCOL_FEATURES, pf)
        self.protocol_features = pf
        # REPLY_ACK applies from the next message on.
        self.reply_ack = bool(pf & (1 << PF_REPLY_ACK))

    def get_queue_num(self):
        return self._u64(GET_QUEUE_NUM)

    def set_owner(self):
        self._send(SET_OWNER)

    def set_mem_table(self, regions=None):
        regions = self.mem.regions if regions is None else regions
        if not 1 <= len(regions) <= MAX_REGIONS:
            raise VhostUserError('%d regions (1..%d)' % (len(regions),
                                                         MAX_REGIONS))
        payload = struct.pack('<II', len(regions), 0)
        for r in regions:
            payload += struct.pack('<QQQQ', r.gpa, r.size, r.uaddr, 0)
        self._send(SET_MEM_TABLE, payload, [r.fd for r in regions])

    def _state(self, req, index, num):
        return self._send(req, struct.pack('<II', index, num),
                          want_reply=req == GET_VRING_BASE)

    def set_vring_num(self, index, num):
        self._state(SET_VRING_NUM, index, num)

    def set_vring_base(self, index, base):
        self._state(SET_VRING_BASE, index, base)

    def get_vring_base(self, index):
        rep = self._state(GET_VRING_BASE, index, 0)
        return struct.unpack('<II', rep[:8])[1]

    def set_vring_enable(self, index, on):
        self._state(SET_VRING_ENABLE, index, 1 if on else 0)

    def set_vring_addr(self, v):
        self._send(SET_VRING_ADDR, struct.pack(
            '<IIQQQQ', v.index, 0, v.uaddr(v.desc), v.uaddr(v.used),
            v.uaddr(v.avail), 0))

    def set_vring_kick(self, index, fd):
        self._send(SET_VRING_KICK, struct.pack('<Q', index), [fd])

    def set_vring_call(self, index, fd):
        self._send(SET_VRING_CALL, struct.pack('<Q', index), [fd])

    def set_status(self, status):
        self._u64(SET_STATUS, status)

    # ---- device set-up ----

    def make_memory(self, queue_pairs, size, regions, base=0x100000000,
                    region_size=None, spare=0):
        """@regions memfd regions, 1 GiB apart in guest-physical space
        (never adjacent, so the backend cannot merge them): rings in the
        first, the buffers of every vring spread over all of them but the
        last @spare (which hold nothing: they may be changed later)."""
        nvr = 2 * queue_pairs
        rings = nvr * _align(16 * size + 4 + 2 * size + 2, PAGE) + \
            nvr * _align(4 + 8 * size + 2, PAGE)
        nbuf = nvr * size
        busy = max(1, regions - spare)
        per = (nbuf + busy - 1) // busy
        if region_size is None:
            region_size = _align(rings + per * BUF_LEN, 1 << 20)
        gpas = [base + i * (1 << 30) for i in range(regions)]
        for g in gpas:
            self.mem.add(Region(g, region_size))
        slots = []		# buffer gpas, round-robin over the regions
        used = [rings if i == 0 else 0 for i in range(regions)]
        for k in range(nbuf):
            i = k % busy
            if used[i] + BUF_LEN > region_size:
                raise VhostUserError('region size 0x%x too small'
                                     % region_size)
            slots.append(gpas[i] + used[i])
            used[i] += BUF_LEN
        ring_gpa = gpas[0]
        for q in range(nvr):
            v = Vring(self.mem, q, size, ring_gpa,
                      slots[q * size:(q + 1) * size])
            ring_gpa = v.end
            self.vrings.append(v)

    def setup(self, queue_pairs=1, size=256, regions=1, stop_after=None,
              features=None, spare=0, notifiers=False):
        """Negotiate, share the memory, set every vring up and enable it.

        @stop_after: None, 'features', 'mem' or 'vring<N>' (after vring N
        is fully set up): return early there, to test a frontend that
        dies during set-up. @notifiers: accept host notifiers (the
        backend must offer them) and never kick an eventfd: without a
        mapped doorbell page a kick is skipped. Returns the negotiated
        features."""
        dev = self.get_features()
        if not dev & (1 << F_PROTOCOL_FEATURES):
            raise VhostUserError('backend without protocol features: '
                                 '0x%x' % dev)
        pf = self.get_protocol_features()
        want = (1 << PF_REPLY_ACK) | (1 << PF_MQ) | (1 << PF_STATUS)
        if notifiers:
            if pf & PF_NOTIFIERS != PF_NOTIFIERS:
                raise VhostUserError('backend without host notifiers: '
                                     'protocol features 0x%x' % pf)
            want |= PF_NOTIFIERS
        self.set_protocol_features(pf & want)
        if notifiers:
            self.set_slave_req_fd()
        if queue_pairs > 1:
            if not pf & (1 << PF_MQ):
                raise VhostUserError('backend without MQ')
            nq = self.get_queue_num()
            if nq < queue_pairs:
                raise VhostUserError('backend has %d queue pairs' % nq)
        self.set_owner()
        if features is None:
            features = (1 << F_VERSION_1) | (1 << NET_F_MAC)
            if queue_pairs > 1:
                features |= 1 << NET_F_MQ
        features |= 1 << F_PROTOCOL_FEATURES
        features &= dev
        if not features & (1 << F_VERSION_1):
            raise VhostUserError('backend without VERSION_1: 0x%x' % dev)
        self.set_features(features)
        if stop_after == 'features':
            return features
        if not self.vrings:
            self.make_memory(queue_pairs, size, regions, spare=spare)
        if notifiers:
            for v in self.vrings:
                v.eventfd_kicks = False
        self.set_mem_table()
        if stop_after == 'mem':
            return features
        for v in self.vrings:
            self.set_vring_num(v.index, v.size)
            self.set_vring_base(v.index, 0)
            self.set_vring_addr(v)
            self.set_vring_kick(v.index, v.kickfd)
            self.set_vring_call(v.index, v.callfd)
            if stop_after == 'vring%d' % v.index:
                return features
        for v in self.vrings:
            self.set_vring_enable(v.index, True)
        if self.protocol_features & (1 << PF_STATUS):
            self.set_status(S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK |
                            S_DRIVER_OK)
        # Every receive queue full of buffers.
        for q in range(0, len(self.vrings), 2):
            self.post_rx(q // 2)
        return features

    def post_rx(self, qp):
        v = self.vrings[2 * qp]
        n = 0
        while v.free:
            v.post(v.free.pop(), BUF_LEN, True)
            n += 1
        if n:
            v.publish()
        return n

    # ---- datapath ----

    def send(self, qp, frames):
        """Queue @frames (bytes, Ethernet) on queue pair @qp; how many
        fit. Completed transmissions are reclaimed first."""
        v = self.vrings[2 * qp + 1]
        self.reclaim(qp)
        n = 0
        for f in frames:
            if not v.free:
                break
            d = v.free.pop()
            self.mem.write(v.bufs[d], bytes(NET_HDR_LEN) + f)
            v.post(d, NET_HDR_LEN + len(f), False)
            n += 1
        if n:
            v.publish()
        return n

    def move_tx_buffers(self, qp, region, timeout=5.0):
        """Point every transmit buffer of @qp into @region (once the
        device has completed them all): later frames are read from there."""
        v = self.vrings[2 * qp + 1]
        deadline = time.monotonic() + timeout
        while len(v.free) < v.size:
            self.reclaim(qp)
            if time.monotonic() > deadline:
                raise VhostUserError('%d transmissions not completed'
                                     % (v.size - len(v.free)))
            time.sleep(0.001)
        if region.size < v.size * BUF_LEN:
            raise VhostUserError('region too small for %d buffers' % v.size)
        v.bufs = [region.gpa + k * BUF_LEN for k in range(v.size)]

    def reclaim(self, qp):
        v = self.vrings[2 * qp + 1]
        done = v.get_used()
        for d, _ in done:
            v.free.append(d)
        return len(done)

    def recv(self, qp):
        """Frames received on @qp since the last call (headers removed);
        their buffers are posted again."""
        v = self.vrings[2 * qp]
        out = []
        for d, ln in v.get_used():
            if NET_HDR_LEN <= ln <= BUF_LEN:
                out.append(self.mem.read(v.bufs[d] + NET_HDR_LEN,
                                         ln - NET_HDR_LEN))
            v.free.append(d)
        if out or v.free:
            self.post_rx(qp)
        return out

    def recv_wait(self, qp, count, timeout=5.0, poll=0.0005):
        """Receive until @count frames arrived or @timeout passed."""
        deadline = time.monotonic() + timeout
        got = []
        while len(got) < count and time.monotonic() < deadline:
            f = self.recv(qp)
            if f:
                got += f
            else:
                time.sleep(poll)
        return got

    # ---- memory-table change ----

    def replace_region(self, old, new):
        """Swap region @old (no live buffers may be in it) for @new, and
        move the buffers that lived in @old to the same offsets of @new."""
        idx = self.mem.regions.index(old)
        self.mem.regions[idx] = new
        for v in self.vrings:
            if v.region is old:
                raise VhostUserError('the rings are in that region')
            for k, g in enumerate(v.bufs):
                if old.gpa <= g < old.gpa + old.size:
                    v.bufs[k] = new.gpa + (g - old.gpa)
        old.close()


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


def frame(dst, src, seq, length=64, ethertype=0x88b5):
    """An Ethernet frame of @length bytes (no FCS) carrying @seq."""
    body = struct.pack('>I', seq) + b'avq-vhost-user'
    f = mac_bytes(dst) + mac_bytes(src) + struct.pack('>H', ethertype) + body
    return f + bytes(max(0, length - len(f)))


def frame_seq(f, src=None, ethertype=0x88b5):
    """The sequence number of one of our frames (from @src if given),
    None for any other frame."""
    if len(f) < 18 or struct.unpack('>H', f[12:14])[0] != ethertype or \
            f[18:32] != b'avq-vhost-user':
        return None
    if src is not None and f[6:12] != mac_bytes(src):
        return None
    return struct.unpack('>I', f[14:18])[0]


def exchange(a, b, b_mac, a_mac, count, burst=32, window=128,
             timeout=10.0):
    """Send @count frames from frontend @a (queue pair 0) to @b_mac and
    receive them on frontend @b; the sequence numbers that arrived. At
    most @window frames are in flight: the device drops what finds no
    receive buffer, and a frontend sharing its CPU with a poller reposts
    buffers late."""
    seqs = set()
    sent = 0
    deadline = time.monotonic() + timeout
    while len(seqs) < count and time.monotonic() < deadline:
        if sent < count and sent - len(seqs) + burst <= window:
            n = min(burst, count - sent)
            sent += a.send(0, [frame(b_mac, a_mac, sent + i)
                               for i in range(n)])
        for f in b.recv(0):
            s = frame_seq(f, a_mac)
            if s is not None and s < count:
                seqs.add(s)
        if sent >= count:
            time.sleep(0.0005)
    return seqs


PROBE_SEQ = 0xfffffff0


def wait_path(a, b, b_mac, a_mac, timeout=10.0):
    """Send probe frames a -> b every 10 ms until one arrives. A frame
    sent towards a device that is not at DRIVER_OK yet is lost in the
    switch (there is no port to deliver it to), and vhost tells its
    application about a new device before the vDPA driver's dev_conf.
    @return the seconds it took; VhostUserError on timeout."""
    t0 = time.monotonic()
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        a.send(0, [frame(b_mac, a_mac, PROBE_SEQ)])
        end = time.monotonic() + 0.01
        while time.monotonic() < end:
            if any(frame_seq(f, a_mac) == PROBE_SEQ for f in b.recv(0)):
                return time.monotonic() - t0
            time.sleep(0.0005)
    raise VhostUserError('no frame %s -> %s within %.0f s'
                         % (a_mac, b_mac, timeout))


def wait_readable(fd, timeout):
    r, _, _ = select.select([fd], [], [], timeout)
    return bool(r)
