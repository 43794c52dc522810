/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * virtio-net datapath of a managed device (virtio 1.2, 5.1.6): transmit
 * queues into the switch, frames from the switch into the receive queues
 * (with or without VIRTIO_NET_F_MRG_RXBUF), the control queue (its
 * commands are executed by avq_dev_net_ctrl.c) and the rx filter, per-queue
 * counters.
 *
 * Queues: receiveq i is 2i, transmitq i is 2i + 1, the control queue is 2N
 * where N is max_virtqueue_pairs with VIRTIO_NET_F_MQ and 1 without
 * (virtio 1.2, 5.1.2).
 *
 * The header is the 12-byte VERSION_1 struct virtio_net_hdr. No offload is
 * offered (no CSUM, no GSO): a transmitted header that asks for one is an
 * error, a received one is all zeros but num_buffers.
 *
 * Everything here runs on the device thread of the device's management
 * device (or with that thread stopped).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_vect.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

#define ETH_HLEN		AVQ_ETH_HLEN
#define VLAN_HLEN		4u
#define ETH_TYPE_VLAN		0x8100
#define ETH_TYPE_IPV4		0x0800
#define IP_PROTO_TCP		6
#define IP_PROTO_UDP		17
/* virtio 1.2, 5.1.6.2: without VIRTIO_NET_F_MTU a driver may send frames
 * of a standard Ethernet payload. */
#define NET_MTU_STD		1500u

static inline struct avq_net_dp *
net_dp(const struct avq_vdev *v)
{
	return v->type_priv;
}

static inline bool
net_runnable(const struct avq_vdev *v)
{
	return (v->status & (AVQ_STATUS_DRIVER_OK | AVQ_STATUS_DEVICE_NEEDS_RESET |
			     AVQ_STATUS_FAILED)) == AVQ_STATUS_DRIVER_OK;
}

static inline bool
net_link_up(const struct avq_vdev *v)
{
	const struct avq_net_config *nc = (const void *)v->config;

	return (avq_le16(nc->status) & AVQ_NET_S_LINK_UP) != 0;
}

static inline uint16_t
rd_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static const char *
fault_str(uint32_t reason)
{
	static const char * const s[] = {
		[RTE_AVQ_DEV_FAULT_NONE] = "none",
		[RTE_AVQ_DEV_FAULT_MMU] = "translation failed",
		[RTE_AVQ_DEV_FAULT_AVAIL_IDX] = "avail index more than a ring ahead",
		[RTE_AVQ_DEV_FAULT_HEAD] = "avail entry beyond the ring",
		[RTE_AVQ_DEV_FAULT_NEXT] = "next beyond the ring",
		[RTE_AVQ_DEV_FAULT_CHAIN_LOOP] = "chain longer than the ring",
		[RTE_AVQ_DEV_FAULT_ADDR_WRAP] = "buffer wraps around",
		[RTE_AVQ_DEV_FAULT_TOO_LONG] = "transmit chain over 64 KiB",
		[RTE_AVQ_DEV_FAULT_LAYOUT] = "descriptor kinds out of place",
		[RTE_AVQ_DEV_FAULT_RING] = "ring not contiguous",
	};

	return reason < RTE_DIM(s) ? s[reason] : "?";
}

/* ---- Faults ---- */

void
avq_net_fault(struct avq_net_dp *n, uint16_t q, uint32_t reason)
{
	struct avq_vdev *v = n->v;
	uint8_t old = v->status;

	/* virtio 1.2, 2.1.2: the device sets DEVICE_NEEDS_RESET and sends a
	 * configuration change notification. An MMU fault has set it (with
	 * DEVICE_MMU_FAIL) and notified already. Only this device stops. */
	v->status |= AVQ_STATUS_DEVICE_NEEDS_RESET;
	if (!(old & AVQ_STATUS_DEVICE_NEEDS_RESET))
		avq_msi_raise(v->dev, &v->config_msi);
	n->faults++;
	n->last_fault = reason;
	n->last_fault_q = q;
	n->faulted = true;
	AVQ_DEV_LOG(NOTICE, v->dev, "vdev %" PRIu64 ": queue %u: %s: device"
		    " needs reset", v->id, q, fault_str(reason));
}

/* ---- Life cycle ---- */

int
avq_net_dp_create(struct avq_vdev *v)
{
	struct avq_net_dp *n = calloc(1, sizeof(*n));
	struct avq_used_elem *stage;
	struct avq_xc *xct;
	uint16_t q;

	if (n == NULL)
		return -ENOMEM;
	n->q = calloc(v->num_queues, sizeof(*n->q));
	xct = calloc((size_t)v->num_queues * AVQ_XC_N * AVQ_XC_WAYS,
		     sizeof(*xct));
	stage = calloc((size_t)v->num_queues * AVQ_USED_STAGE, sizeof(*stage));
	if (n->q == NULL || xct == NULL || stage == NULL) {
		free(stage);
		free(xct);
		free(n->q);
		free(n);
		return -ENOMEM;
	}
	/* Out of the queue struct: the fields of every pass stay close. */
	for (q = 0; q < v->num_queues; q++) {
		n->q[q].xct = xct + (size_t)q * AVQ_XC_N * AVQ_XC_WAYS;
		n->q[q].stage = stage + (size_t)q * AVQ_USED_STAGE;
	}
	n->v = v;
	n->port = -1;
	avq_net_filter_reset(n);
	v->type_priv = n;
	return 0;
}

void
avq_net_stop(struct avq_net_dp *n)
{
	uint16_t q;

	if (n->port >= 0) {
		n->rx_overrun_acc += avq_dp_port_overrun(n->port);
		avq_dp_leave(n->v->dev, n);
	}
	while (n->bl_n != 0) {
		rte_pktmbuf_free(n->bl[n->bl_head]);
		n->bl_head = (n->bl_head + 1) % AVQ_DP_BACKLOG;
		n->bl_n--;
	}
	n->bl_head = 0;
	for (q = 0; q < n->v->num_queues; q++)
		avq_dvq_forget(&n->q[q]);
	n->faulted = false;
}

void
avq_net_dp_destroy(struct avq_vdev *v)
{
	struct avq_net_dp *n = net_dp(v);

	if (n == NULL)
		return;
	avq_net_stop(n);
	if (n->v->num_queues > 0) {
		free(n->q[0].xct);
		free(n->q[0].stage);
	}
	free(n->q);
	free(n);
	v->type_priv = NULL;
}

void
avq_net_dp_reset(struct avq_vdev *v)
{
	struct avq_net_dp *n = net_dp(v);

	/* STATUS 0: leave the switch, forget every ring (counters stay);
	 * the rx filter takes its defaults, trust stays (seed 001: the
	 * management device decides it, not the managed device's driver). */
	if (n != NULL) {
		avq_net_stop(n);
		avq_net_filter_reset(n);
	}
}

void
avq_net_dp_driver_ok(struct avq_vdev *v)
{
	const struct avq_net_config *nc = (const void *)v->config;
	struct avq_net_dp *n = net_dp(v);
	uint64_t f = v->driver_features;
	bool ctrl = (f & RTE_BIT64(AVQ_NET_F_CTRL_VQ)) != 0;
	int ret;

	if (n == NULL)
		return;
	avq_net_stop(n);
	n->mrg = (f & RTE_BIT64(AVQ_NET_F_MRG_RXBUF)) != 0;
	n->ctrl = ctrl;
	n->ctrl_rx = ctrl && (f & RTE_BIT64(AVQ_NET_F_CTRL_RX));
	n->ctrl_vlan = ctrl && (f & RTE_BIT64(AVQ_NET_F_CTRL_VLAN));
	n->ctrl_mac_addr = ctrl && (f & RTE_BIT64(AVQ_NET_F_CTRL_MAC_ADDR));
	n->mq = ctrl && (f & RTE_BIT64(AVQ_NET_F_MQ));
	n->max_pairs = n->mq ? avq_le16(nc->max_virtqueue_pairs) : 1;
	/* Without MQ only pair 0 exists, whatever class 67 set. */
	avq_net_pairs_update(n);
	n->ctrlq = 2 * n->max_pairs;
	n->mtu = avq_le16(nc->mtu);
	if (!(f & RTE_BIT64(AVQ_NET_F_MTU)))
		n->mtu = RTE_MAX(n->mtu, (uint16_t)NET_MTU_STD);
	/* The rx filter was set by the reset (avq_net_filter_reset()) and
	 * possibly by the management device since (class 67): kept. With
	 * VIRTIO_NET_F_CTRL_VLAN, tagged frames pass only for VLANs added. */
	if (n->ctrl_vlan)
		n->f.vlan_on = true;
	ret = avq_dp_join(v->dev, n);
	if (ret < 0)
		AVQ_DEV_LOG(ERR, v->dev, "vdev %" PRIu64 ": not in the switch"
			    " (%s): it passes no traffic", v->id,
			    strerror(-ret));
}

/* ---- Chains and frames ---- */

/* Copy @p len readable bytes of @p ch from byte @p off. */
static inline void
chain_read(const struct avq_chain *ch, uint64_t off, void *dst, uint32_t len)
{
	uint8_t *d = dst;
	uint32_t i, k;

	/* Usually all in the first piece, or (a header of its own) all in
	 * the second. A frame head is copied with a fixed size: vector
	 * moves the next reads of it can forward from, not rep movs. */
	if (likely(ch->nrd != 0 && off + len <= ch->p[0].len)) {
		if (len == AVQ_DP_HEAD)
			memcpy(dst, ch->p[0].va + off, AVQ_DP_HEAD);
		else
			memcpy(dst, ch->p[0].va + off, len);
		return;
	}
	if (likely(ch->nrd > 1 && off >= ch->p[0].len &&
		   off - ch->p[0].len + len <= ch->p[1].len)) {
		if (len == AVQ_DP_HEAD)
			memcpy(dst, ch->p[1].va + (off - ch->p[0].len),
			       AVQ_DP_HEAD);
		else
			memcpy(dst, ch->p[1].va + (off - ch->p[0].len), len);
		return;
	}
	for (i = 0; i < ch->nrd && len > 0; i++) {
		if (off >= ch->p[i].len) {
			off -= ch->p[i].len;
			continue;
		}
		k = RTE_MIN((uint64_t)len, ch->p[i].len - off);
		memcpy(d, ch->p[i].va + off, k);
		d += k;
		len -= k;
		off = 0;
	}
}

/*
 * Snapshot the AVQ_DP_HEAD bytes at @p src (driver memory) into @p dst
 * and take @p f's address keys from the same loads. Every decision about
 * a frame reads the snapshot, never the driver's memory again (which the
 * driver may change meanwhile); the keys come from registers because a
 * load of bytes 6..11 spans two of the snapshot's stores, cannot be
 * forwarded from them, and would wait until they reach the cache, behind
 * the stores into the other core's lines before them (the used ring).
 */
static inline void
head_snap(uint8_t *dst, const uint8_t *src, struct avq_frame *f)
{
#if defined(RTE_ARCH_X86)
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)src);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(src + 16));
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(src + 32));
	__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(src + 48));
	uint64_t w0 = (uint64_t)_mm_cvtsi128_si64(a);
	uint64_t w1 = (uint64_t)_mm_extract_epi64(a, 1);

	RTE_BUILD_BUG_ON(AVQ_DP_HEAD != 64);
	_mm_storeu_si128((__m128i *)(void *)dst, a);
	_mm_storeu_si128((__m128i *)(void *)(dst + 16), b);
	_mm_storeu_si128((__m128i *)(void *)(dst + 32), c);
	_mm_storeu_si128((__m128i *)(void *)(dst + 48), d);
	f->dkey = w0 & AVQ_MAC_KEY_MASK;
	f->skey = (w0 >> 48 | w1 << 16) & AVQ_MAC_KEY_MASK;
#else
	memcpy(dst, src, AVQ_DP_HEAD);
	f->dkey = avq_mac_key(dst);
	f->skey = avq_mac_key(dst + 6);
#endif
}

/* Lines of the next receive buffer still to fetch: [a, end). */
struct wfetch {
	uintptr_t a;
	uintptr_t end;
};

/* Where the next byte goes in a set of writable chains. */
struct wcur {
	struct avq_chain *ch;
	uint32_t c;		/* chain */
	uint32_t i;		/* piece */
	uint32_t o;		/* offset in the piece */
	struct wfetch *pf;	/* lines to fetch on the way, or NULL */
};

/* Bytes copied between two groups of fetches of the next buffer. */
#define WCHUNK	256u

/*
 * Copy @p k bytes, fetching lines of the next receive buffer (@p w's
 * stream) as it goes: WCHUNK / 64 lines after each WCHUNK bytes. A
 * buffer's two dozen lines asked for at once take every line-fill
 * buffer of the core, and the load after them waits for the first to
 * come back; a few lines at a time overlap with the copy instead.
 */
static inline void
wcopy(struct wcur *w, uint8_t *dst, const uint8_t *src, uint32_t k)
{
	struct wfetch *pf = w->pf;
	uintptr_t to;

	while (k > WCHUNK && pf != NULL && pf->a < pf->end) {
		memcpy(dst, src, WCHUNK);
		dst += WCHUNK;
		src += WCHUNK;
		k -= WCHUNK;
		to = RTE_MIN(pf->a + WCHUNK, pf->end);
		avq_dp_fetch_lines(pf->a, to);
		pf->a = to;
	}
	memcpy(dst, src, k);
}

static inline void
wput(struct wcur *w, const void *src, uint32_t len)
{
	const uint8_t *s = src;
	struct avq_piece *p;
	uint32_t k;

	/* The walk recorded exactly as many bytes as are written. */
	while (len > 0) {
		p = &w->ch[w->c].p[w->i];
		k = RTE_MIN(len, p->len - w->o);
		wcopy(w, p->va + w->o, s, k);
		s += k;
		len -= k;
		w->o += k;
		if (w->o == p->len) {
			w->o = 0;
			if (++w->i == w->ch[w->c].npieces) {
				w->i = 0;
				w->c++;
			}
		}
	}
}

/* The frame bytes after its head, from wherever they are. */
static void
wput_rest(struct wcur *w, const struct avq_frame *f)
{
	uint32_t left = f->len - f->head_len, k, i;
	const struct rte_mbuf *s;
	uint64_t off;

	if (left == 0)
		return;
	if (f->ch != NULL) {
		off = f->off;
		for (i = 0; i < f->ch->nrd && left > 0; i++) {
			if (off >= f->ch->p[i].len) {
				off -= f->ch->p[i].len;
				continue;
			}
			k = RTE_MIN((uint64_t)left, f->ch->p[i].len - off);
			wput(w, f->ch->p[i].va + off, k);
			left -= k;
			off = 0;
		}
		return;
	}
	off = f->head_len;
	for (s = f->m; s != NULL && left > 0; s = s->next) {
		if (off >= s->data_len) {
			off -= s->data_len;
			continue;
		}
		k = RTE_MIN(left, (uint32_t)(s->data_len - off));
		wput(w, rte_pktmbuf_mtod_offset(s, const uint8_t *, off), k);
		left -= k;
		off = 0;
	}
}

/* Write frame @p f into the chains @p ch from byte @p off of their first
 * piece on (the bytes before it, a header, are the caller's); the chains
 * recorded room for exactly that. */
static inline void
frame_write_at(struct avq_chain *ch, const struct avq_frame *f,
	       uint32_t off, struct wfetch *pf)
{
	struct wcur w = { .ch = ch, .o = off, .pf = pf };
	uint8_t *p = ch->p[0].va + off;

	/* Usually one piece holds it all. */
	if (likely(ch->npieces == 1 && ch->p[0].len == off + f->len &&
		   f->head_len == f->len)) {
		if (f->len == AVQ_DP_HEAD)
			memcpy(p, f->head, AVQ_DP_HEAD);
		else
			memcpy(p, f->head, f->len);
		return;
	}
	if (w.o == ch->p[0].len) {
		w.o = 0;
		if (++w.i == ch->npieces) {
			w.i = 0;
			w.c++;
		}
	}
	wput(&w, f->head, f->head_len);
	wput_rest(&w, f);
}

void
avq_dp_frame_write(struct avq_chain *ch, const struct avq_frame *f)
{
	frame_write_at(ch, f, 0, NULL);
}

void
avq_dp_frame_of_mbuf(struct avq_frame *f, struct rte_mbuf *m, uint8_t *buf)
{
	f->len = rte_pktmbuf_pkt_len(m);
	f->head_len = RTE_MIN(f->len, AVQ_DP_HEAD);
	/* Points into the mbuf unless the head spans segments. */
	f->head = rte_pktmbuf_read(m, 0, f->head_len, buf);
	f->ch = NULL;
	f->off = 0;
	f->m = m;
	f->m_ref = true;
	f->hash = 0;
	f->src_port = -1;
	f->dkey = avq_mac_key(f->head);
	f->skey = avq_mac_key(f->head + 6);
}

/* ---- Receive ---- */

static const uint8_t eth_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* virtio 1.2, 5.1.6.5.1 and 5.1.6.5.2: the filter the control queue
 * programs. Order as in QEMU: promiscuous takes everything, then VLANs,
 * then addresses. */
static bool
net_accept(const struct avq_net_dp *n, const struct avq_frame *f)
{
	const struct avq_net_filter *flt = &n->f;
	const uint8_t *h = f->head;
	uint32_t i;
	uint16_t vid;

	if (flt->promisc)
		return true;
	if (flt->vlan_on && f->head_len >= ETH_HLEN + VLAN_HLEN &&
	    rd_be16(h + 12) == ETH_TYPE_VLAN) {
		vid = rd_be16(h + 14) & 0xfff;
		if (!(flt->vlan[vid / 64] & RTE_BIT64(vid % 64)))
			return false;
	}
	if (h[0] & 1) {
		if (memcmp(h, eth_bcast, 6) == 0 || flt->allmulti)
			return true;
		for (i = 0; i < flt->n_mc; i++)
			if (memcmp(h, flt->mc[i], 6) == 0)
				return true;
		return false;
	}
	if (memcmp(h, n->v->config, 6) == 0)
		return true;
	for (i = 0; i < flt->n_uc; i++)
		if (memcmp(h, flt->uc[i], 6) == 0)
			return true;
	return false;
}

/* CRC of the 4 bytes at @p p (any alignment: frame heads have none). */
static inline uint32_t
crc4(const uint8_t *p, uint32_t init)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return rte_hash_crc_4byte(w, init);
}

/* Flow hash over the addresses (and IPv4 ports): one flow, one queue. */
static uint32_t
frame_hash(const struct avq_frame *f)
{
	const uint8_t *h = f->head;
	uint32_t hash, l3 = ETH_HLEN, ihl;
	uint16_t type = rd_be16(h + 12);

	hash = crc4(h + 8, crc4(h + 4, crc4(h, 0x5bd1e995)));
	if (type == ETH_TYPE_VLAN && f->head_len >= ETH_HLEN + VLAN_HLEN) {
		type = rd_be16(h + 16);
		l3 += VLAN_HLEN;
	}
	if (type == ETH_TYPE_IPV4 && f->head_len >= l3 + 20) {
		hash = crc4(h + l3 + 16, crc4(h + l3 + 12, hash));
		ihl = (h[l3] & 0xfu) * 4;
		if ((h[l3 + 9] == IP_PROTO_TCP || h[l3 + 9] == IP_PROTO_UDP) &&
		    ihl >= 20 && f->head_len >= l3 + ihl + 4)
			hash = crc4(h + l3 + ihl, hash);
	}
	return hash != 0 ? hash : 1;
}

/* virtio 1.2, 5.1.6.5.5: frames go to the active receive queues only. */
static inline uint16_t
net_rxq(const struct avq_net_dp *n, struct avq_frame *f)
{
	if (n->pairs <= 1)
		return 0;
	if (f->hash == 0)
		f->hash = frame_hash(f);
	return (uint16_t)(2 * (f->hash % n->pairs));
}

/* Write the header and frame @p f into the first @p nch chains of @p ch,
 * fetching some of @p pf's lines on the way (pf->a: where it stopped). */
static inline void
net_frame_write(struct avq_chain *ch, const struct avq_frame *f,
		uint16_t nch, struct wfetch *pf)
{
	struct avq_net_hdr hdr;
	struct wcur w = { .ch = ch, .pf = pf };
	uint8_t *p = ch->p[0].va;
	uint64_t lo = 0;
	uint32_t hi;

	/* virtio 1.2, 5.1.6.4: num_buffers (bytes 10-11) is the number of
	 * chains used (1 without MRG_RXBUF); no offload: the other fields
	 * are 0. Usually the first piece holds the header: it is stored
	 * from registers. (Built in memory, its 12-byte copy would load
	 * across the stores that built it, which cannot forward: the load
	 * would wait for them to reach the cache behind every older store,
	 * some into lines the driver's core holds.) */
	if (likely(ch->p[0].len >= AVQ_NET_HDR_LEN)) {
		RTE_BUILD_BUG_ON(AVQ_NET_HDR_LEN != 12);
		hi = rte_cpu_to_le_32((uint32_t)nch << 16);
		memcpy(p, &lo, sizeof(lo));
		memcpy(p + sizeof(lo), &hi, sizeof(hi));
		frame_write_at(ch, f, AVQ_NET_HDR_LEN, pf);
		return;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.num_buffers = avq_to_le16(nch);
	wput(&w, &hdr, sizeof(hdr));
	wput(&w, f->head, f->head_len);
	wput_rest(&w, f);
}

/* Write @p f into receive queue chains, or say why not. */
static enum avq_rx_res
net_rx_write(struct avq_dp_dev *dp, struct avq_net_dp *n, struct avq_frame *f)
{
	struct avq_chain *ch = dp->rxch;
	struct avq_vdev *v = n->v;
	uint16_t q = net_rxq(n, f), avail, nch = 0, i;
	struct avq_dvq *dq = &n->q[q];
	uint64_t need = AVQ_NET_HDR_LEN + (uint64_t)f->len, got = 0;
	struct wfetch pf = { 0, 0 };
	uint32_t fault;

	if (unlikely(!net_link_up(v))) {
		dq->st.drops++;
		return AVQ_RX_DROP;
	}
	if (unlikely(!avq_dvq_current(v, q, dq)) &&
	    !avq_dvq_sync(v, q, dq, &fault)) {
		if (fault == RTE_AVQ_DEV_FAULT_NONE)
			return AVQ_RX_NOROOM;	/* disabled: until it is back */
		avq_net_fault(n, q, fault);
		return AVQ_RX_DROP;
	}
	avail = (uint16_t)(dq->avail_idx - dq->last_avail);
	for (;;) {
		if (nch == avail) {
			fault = RTE_AVQ_DEV_FAULT_NONE;
			avail = avq_dvq_avail(dq, &fault);
			if (unlikely(fault != RTE_AVQ_DEV_FAULT_NONE)) {
				avq_net_fault(n, q, fault);
				return AVQ_RX_DROP;
			}
			/* Nothing is taken until the frame fits. */
			if (nch >= avail)
				return AVQ_RX_NOROOM;
		}
		if (unlikely(nch == AVQ_DP_MAX_MRG)) {
			dq->st.drops++;
			return AVQ_RX_DROP;
		}
		if (likely(avq_dvq_walk1(dq, nch, AVQ_MMU_F_WRITE, need - got,
					 &ch[nch])))
			fault = RTE_AVQ_DEV_FAULT_NONE;
		else
			fault = avq_dvq_walk(v, q, dq, nch, AVQ_WALK_WR,
					     need - got, &ch[nch]);
		if (unlikely(fault != RTE_AVQ_DEV_FAULT_NONE)) {
			avq_net_fault(n, q, fault);
			return AVQ_RX_DROP;
		}
		got += ch[nch].wr_rec;
		nch++;
		/* A pipeline for the next chains: the descriptor of the one
		 * after next now; the buffer of the next when this frame
		 * goes on into it, else once this frame is written. */
		if (nch + 1 < avail)
			avq_dvq_prefetch(dq, nch + 1, false);
		if (got >= need)
			break;
		if (!n->mrg) {
			/* virtio 1.2, 5.1.6.3.2: without MRG_RXBUF one chain
			 * holds the frame. It does not fit: drop the frame,
			 * leave the chain for the next one. */
			dq->st.drops++;
			return AVQ_RX_DROP;
		}
		/* The frame goes on in the next chain: its buffer now. */
		if (nch < avail)
			avq_dvq_prefetch_wbuf(dq, nch,
					      (uint32_t)RTE_MIN(need - got,
						(uint64_t)AVQ_DP_RX_PREFETCH));
	}
	/* The next chain's buffer (its descriptor was asked for one chain
	 * ago), for as many bytes as this frame took (frames of a burst tend
	 * to be alike): a few lines at a time during a large copy, the rest
	 * after it (see wcopy()). */
	if (nch < avail)
		pf.a = avq_dvq_wbuf_lines(dq, nch,
					  (uint32_t)RTE_MIN(need,
					    (uint64_t)AVQ_DP_RX_PREFETCH),
					  &pf.end);
	net_frame_write(ch, f, nch, &pf);
	avq_dp_fetch_lines(pf.a, pf.end);
	for (i = 0; i < nch; i++)
		avq_dvq_used(dq, ch[i].head, (uint32_t)ch[i].wr_rec);
	dq->last_avail += nch;
	dq->st.packets++;
	dq->st.bytes += f->len;
	if (!dq->dirty)
		avq_dp_dirty(dp, n, q);
	return AVQ_RX_DONE;
}

enum avq_rx_res
avq_net_rx(struct avq_dp_dev *dp, struct avq_net_dp *n, struct avq_frame *f)
{
	enum avq_rx_res r;

	/* A device that stopped (fault, reset pending) or is not running
	 * yet (a frontend still setting it up) takes nothing: counted as
	 * drops of its first receive queue. */
	if (unlikely(n->faulted || !net_runnable(n->v))) {
		n->q[0].st.drops++;
		return AVQ_RX_DROP;
	}
	if (!net_accept(n, f)) {
		n->rx_filtered++;
		return AVQ_RX_DONE;
	}
	/* Frames kept earlier go first. */
	if (n->bl_n == 0) {
		r = net_rx_write(dp, n, f);
		if (r != AVQ_RX_NOROOM)
			return r;
	}
	if (n->bl_n == AVQ_DP_BACKLOG) {
		n->q[net_rxq(n, f)].st.drops++;
		return AVQ_RX_DROP;
	}
	return AVQ_RX_NOROOM;
}

void
avq_net_backlog(struct avq_net_dp *n, struct rte_mbuf *m)
{
	n->bl[(n->bl_head + n->bl_n) % AVQ_DP_BACKLOG] = m;
	n->bl_n++;
}

unsigned int
avq_net_rx_pending(struct avq_dp_dev *dp, struct avq_net_dp *n)
{
	struct rte_mbuf *ms[2 * AVQ_DP_BURST], *done[3 * AVQ_DP_BURST];
	unsigned int work = 0, nb, i, nd = 0;
	struct avq_frame f;
	struct rte_mbuf *m;
	struct rte_ring *r;

	/* The backlog holds the oldest frames. */
	while (n->bl_n != 0 && nd < AVQ_DP_BURST && !n->faulted) {
		m = n->bl[n->bl_head];
		avq_dp_frame_of_mbuf(&f, m, dp->head);
		if (net_rx_write(dp, n, &f) == AVQ_RX_NOROOM)
			break;
		n->bl_head = (n->bl_head + 1) % AVQ_DP_BACKLOG;
		n->bl_n--;
		done[nd++] = m;
		work++;
	}
	if (n->port >= 0 && !n->faulted) {
		r = avq_dp_port_ring(n->port);
		/* Usually empty: a look at its indices, not a dequeue. */
		nb = rte_ring_empty(r) ? 0 :
		     rte_ring_sc_dequeue_burst(r, (void **)ms, RTE_DIM(ms),
					       NULL);
		for (i = 0; i < nb; i++) {
			avq_dp_frame_of_mbuf(&f, ms[i], dp->head);
			if (avq_net_rx(dp, n, &f) == AVQ_RX_NOROOM)
				avq_net_backlog(n, ms[i]);	/* its reference */
			else
				done[nd++] = ms[i];
		}
		work += nb;
	}
	if (nd != 0)
		rte_pktmbuf_free_bulk(done, nd);
	return work;
}

/* ---- Transmit ---- */

static void
net_tx_frame(struct avq_dp_dev *dp, struct avq_net_dp *n, struct avq_dvq *dq,
	     const struct avq_chain *ch, bool link)
{
	struct avq_net_hdr hdr;
	struct avq_frame f;
	uint64_t len;

	if (unlikely(ch->partial ||
		     ch->rd_len < AVQ_NET_HDR_LEN + ETH_HLEN)) {
		dq->st.errors++;
		return;
	}
	len = ch->rd_len - AVQ_NET_HDR_LEN;
	chain_read(ch, 0, &hdr, sizeof(hdr));
	/* Neither VIRTIO_NET_F_CSUM nor a GSO feature is offered. */
	if (unlikely((hdr.flags & AVQ_NET_HDR_F_NEEDS_CSUM) ||
		     hdr.gso_type != AVQ_NET_HDR_GSO_NONE ||
		     len > (uint64_t)n->mtu + ETH_HLEN + VLAN_HLEN)) {
		dq->st.errors++;
		return;
	}
	/* A link that is down sends nothing. */
	if (unlikely(!link)) {
		dq->st.drops++;
		return;
	}
	f.head = dp->head;
	f.len = (uint32_t)len;
	f.head_len = RTE_MIN(f.len, AVQ_DP_HEAD);
	if (likely(f.head_len == AVQ_DP_HEAD && ch->nrd > 1 &&
		   ch->p[0].len == AVQ_NET_HDR_LEN &&
		   ch->p[1].len >= AVQ_DP_HEAD)) {
		head_snap(dp->head, ch->p[1].va, &f);
	} else {
		chain_read(ch, AVQ_NET_HDR_LEN, dp->head, f.head_len);
		f.dkey = avq_mac_key(dp->head);
		f.skey = avq_mac_key(dp->head + 6);
	}
	f.ch = ch;
	f.off = AVQ_NET_HDR_LEN + f.head_len;
	f.m = NULL;
	f.m_ref = false;
	f.hash = 0;
	f.src_port = n->port;
	if (avq_dp_forward(dp, &f) != 0) {
		dq->st.drops++;
	} else {
		dq->st.packets++;
		dq->st.bytes += len;
	}
	if (f.m != NULL && f.m_ref)
		rte_pktmbuf_free(f.m);
}

/* Make queue @p q usable and read its avail index; how many chains. */
static uint16_t
net_queue_avail(struct avq_net_dp *n, uint16_t q)
{
	struct avq_dvq *dq = &n->q[q];
	uint32_t fault = RTE_AVQ_DEV_FAULT_NONE;
	uint16_t avail;

	if (unlikely(!avq_dvq_current(n->v, q, dq)) &&
	    !avq_dvq_sync(n->v, q, dq, &fault)) {
		if (fault != RTE_AVQ_DEV_FAULT_NONE)
			avq_net_fault(n, q, fault);
		return 0;
	}
	avail = avq_dvq_avail(dq, &fault);
	if (unlikely(fault != RTE_AVQ_DEV_FAULT_NONE)) {
		avq_net_fault(n, q, fault);
		return 0;
	}
	return avail;
}

static unsigned int
net_tx(struct avq_dp_dev *dp, struct avq_net_dp *n, uint16_t q, bool link)
{
	struct avq_chain *ch = &dp->txch;
	struct avq_dvq *dq = &n->q[q];
	uint16_t k, cnt;
	uint32_t fault;

	cnt = RTE_MIN(net_queue_avail(n, q), (uint16_t)AVQ_DP_BURST);
	/* The burst's descriptors were written on the driver's core: ask
	 * for all their lines at once rather than one miss per frame. */
	for (k = 0; k < cnt; k++)
		avq_dvq_prefetch(dq, k, true);
	for (k = 0; k < cnt; k++) {
		if (likely(avq_dvq_walk_tx2(dq, k, ch) ||
			   avq_dvq_walk1(dq, k, AVQ_MMU_F_READ, 0, ch)))
			fault = RTE_AVQ_DEV_FAULT_NONE;
		else
			fault = avq_dvq_walk(n->v, q, dq, k, AVQ_WALK_RD, 0, ch);
		if (unlikely(fault != RTE_AVQ_DEV_FAULT_NONE)) {
			avq_net_fault(n, q, fault);
			break;
		}
		net_tx_frame(dp, n, dq, ch, link);
		/* virtio 1.2, 5.1.6.2: used length 0 for transmit buffers. */
		avq_dvq_used(dq, ch->head, 0);
	}
	if (k == 0)
		return 0;
	dq->last_avail += k;
	if (!dq->dirty)
		avq_dp_dirty(dp, n, q);
	/* Copies for ports of other threads leave with the burst. */
	avq_dp_flush(dp);
	/* And the frames written into receive queues of this thread, with
	 * this queue's used entries: the drivers see them now, not after
	 * the rest of the pass (a forwarding loop waits on this hand-off). */
	avq_dp_publish(dp);
	return k;
}

/* ---- Control queue (virtio 1.2, 5.1.6.5) ---- */

static unsigned int
net_ctrl(struct avq_dp_dev *dp, struct avq_net_dp *n)
{
	struct avq_chain *ch = &dp->txch;
	uint8_t *buf = dp->ctrl;
	uint16_t q = n->ctrlq, k, cnt;
	struct avq_dvq *dq = &n->q[q];
	uint32_t fault;
	uint8_t ack;

	cnt = RTE_MIN(net_queue_avail(n, q), (uint16_t)AVQ_DP_BURST);
	for (k = 0; k < cnt; k++) {
		fault = avq_dvq_walk(n->v, q, dq, k, AVQ_WALK_RDWR, 1, ch);
		/* virtio 1.2, 5.1.6.5: the ack is a device-writable byte. */
		if (fault == RTE_AVQ_DEV_FAULT_NONE && ch->wr_len == 0)
			fault = RTE_AVQ_DEV_FAULT_LAYOUT;
		if (unlikely(fault != RTE_AVQ_DEV_FAULT_NONE)) {
			avq_net_fault(n, q, fault);
			break;
		}
		dq->st.packets++;
		if (ch->wr_rec == 0) {
			/* More pieces than the device records before the
			 * ack: not executed, nothing written. */
			dq->st.errors++;
			avq_dvq_used(dq, ch->head, 0);
			continue;
		}
		if (ch->partial || ch->rd_len > AVQ_DP_CTRL_MAX) {
			ack = AVQ_NET_ERR;
		} else {
			chain_read(ch, 0, buf, (uint32_t)ch->rd_len);
			/* virtio 1.2, 5.1.6.5: the control queue knows only
			 * VIRTIO_NET_OK and VIRTIO_NET_ERR. */
			ack = avq_net_ctrl_exec(n, buf, (uint32_t)ch->rd_len,
						AVQ_NET_SRC_OWN) == AVQ_ACK_OK ?
			      AVQ_NET_OK : AVQ_NET_ERR;
		}
		ch->p[ch->nrd].va[0] = ack;
		avq_dvq_used(dq, ch->head, 1);
		if (ack != AVQ_NET_OK)
			dq->st.errors++;
	}
	if (k == 0)
		return 0;
	dq->last_avail += k;
	if (!dq->dirty)
		avq_dp_dirty(dp, n, q);
	return k;
}

/* ---- One pass ---- */

unsigned int
avq_net_poll(struct avq_dp_dev *dp, struct avq_net_dp *n)
{
	struct avq_vdev *v = n->v;
	unsigned int work;
	uint16_t i;
	bool link;

	if (unlikely(n->faulted))
		return 0;
	/* NEEDS_RESET from another path (a device DMA, the DRIVER_OK ring
	 * check), or FAILED: stop until the reset. */
	if (unlikely(!net_runnable(v))) {
		n->faulted = true;
		return 1;
	}
	work = avq_net_rx_pending(dp, n);
	link = net_link_up(v);
	for (i = 0; i < n->max_pairs && !n->faulted; i++)
		work += net_tx(dp, n, 2 * i + 1, link);
	if (n->ctrl && !n->faulted)
		work += net_ctrl(dp, n);
	return work;
}

bool
avq_net_has_work(struct avq_net_dp *n)
{
	const struct avq_vdev *v = n->v;
	const struct avq_dvq *dq;
	uint16_t q;

	if (n->faulted || !net_runnable(v))
		return true;
	if (n->port >= 0 && rte_ring_count(avq_dp_port_ring(n->port)) != 0)
		return true;
	for (q = 0; q < v->num_queues; q++) {
		dq = &n->q[q];
		if (q >= 2 * n->max_pairs && !(n->ctrl && q == n->ctrlq))
			continue;	/* not a queue the device serves */
		/* Receive buffers matter only to frames that wait (a receive
		 * queue is started by the first frame for it). */
		if (q < 2 * n->max_pairs && (q & 1) == 0 && n->bl_n == 0)
			continue;
		/* A queue to (re)start is work; a disabled one is not. */
		if (!avq_dvq_current(v, q, dq)) {
			if (v->vq[q].enabled)
				return true;
			continue;
		}
		if (avq_dvq_has_avail(dq))
			return true;
	}
	return false;
}

void
avq_net_no_notify(struct avq_net_dp *n, bool on)
{
	uint16_t q;

	for (q = 0; q < n->v->num_queues; q++)
		if (avq_dvq_current(n->v, q, &n->q[q]))
			avq_dvq_no_notify(&n->q[q], on);
}

/* ---- Public: counters ---- */

struct ctl_net {
	uint64_t id;
	uint16_t q;
	struct rte_avq_dev_vq_stats *vs;
	struct rte_avq_dev_net_stats *ns;
};

static int
net_find(struct rte_avq_dev *d, uint64_t id, struct avq_net_dp **n)
{
	struct avq_vdev *v = avq_dev_vdev_find(d, id);

	if (v == NULL)
		return -ENOENT;
	if (v->type != &avq_vdev_type_net || net_dp(v) == NULL)
		return -ENOTSUP;
	*n = net_dp(v);
	return 0;
}

static uint64_t
net_overrun_total(const struct avq_net_dp *n)
{
	return n->rx_overrun_acc +
	       (n->port >= 0 ? avq_dp_port_overrun(n->port) : 0);
}

static int
ctl_vq_stats(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_net *a = arg;
	struct avq_net_dp *n;
	int ret = net_find(d, a->id, &n);

	if (ret < 0)
		return ret;
	if (a->q >= n->v->num_queues)
		return -ERANGE;
	*a->vs = n->q[a->q].st;
	return 0;
}

int
rte_avq_dev_vq_stats(struct rte_avq_dev *d, uint64_t id, uint16_t q,
		     struct rte_avq_dev_vq_stats *stats)
{
	struct ctl_net a = { .id = id, .q = q, .vs = stats };

	if (d == NULL || stats == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_vq_stats, &a);
}

static int
ctl_vq_stats_reset(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_net *a = arg;
	struct avq_net_dp *n;
	int ret = net_find(d, a->id, &n);
	uint16_t q;

	if (ret < 0)
		return ret;
	for (q = 0; q < n->v->num_queues; q++)
		memset(&n->q[q].st, 0, sizeof(n->q[q].st));
	n->faults = 0;
	n->last_fault = RTE_AVQ_DEV_FAULT_NONE;
	n->last_fault_q = 0;
	n->rx_filtered = 0;
	n->rx_overrun_base = net_overrun_total(n);
	return 0;
}

int
rte_avq_dev_vq_stats_reset(struct rte_avq_dev *d, uint64_t id)
{
	struct ctl_net a = { .id = id };

	if (d == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_vq_stats_reset, &a);
}

static int
ctl_net_stats(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_net *a = arg;
	struct rte_avq_dev_net_stats *s = a->ns;
	struct avq_net_dp *n;
	int ret = net_find(d, a->id, &n);

	if (ret < 0)
		return ret;
	memset(s, 0, sizeof(*s));
	s->faults = n->faults;
	s->last_fault = n->last_fault;
	s->last_fault_queue = n->last_fault_q;
	s->active_pairs = n->pairs;
	s->in_switch = n->port >= 0;
	s->promisc = n->f.promisc;
	s->allmulti = n->f.allmulti;
	s->rx_filtered = n->rx_filtered;
	s->rx_overrun = net_overrun_total(n) - n->rx_overrun_base;
	s->backlog = n->bl_n;
	return 0;
}

int
rte_avq_dev_net_stats(struct rte_avq_dev *d, uint64_t id,
		      struct rte_avq_dev_net_stats *stats)
{
	struct ctl_net a = { .id = id, .ns = stats };

	if (d == NULL || stats == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_net_stats, &a);
}
