/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * The data path: split virtqueues (virtio 1.2, 2.7) in DMA memory, driven
 * from the driver side. Receive queue i is virtqueue 2i, transmit queue i
 * is 2i + 1 (virtio 1.2, 5.1.2).
 *
 * Receive: one mbuf per descriptor, the virtio-net header written by the
 * device into the 12 bytes of headroom before the data; a frame that
 * spans several buffers (MRG_RXBUF, num_buffers) becomes a multi-segment
 * mbuf. Buffers are posted again in bulk (rte_pktmbuf_alloc_bulk).
 *
 * Transmit: descriptors in pairs. The first half of the table is data
 * descriptors, the second half constant header descriptors (written once
 * at start, each pointing at an all-zero header of a table and chained to
 * its data descriptor): a frame costs one descriptor per segment, nothing
 * is written into its headroom, and the lines the device reads for the
 * header never move between the cores. A ring of N entries holds N/2
 * frames. Transmitted mbufs are freed lazily, in bulk, when descriptors
 * run short.
 *
 * Doorbells: only when the device did not set VRING_USED_F_NO_NOTIFY
 * (virtio 1.2, 2.7.10), then the transport's wake. Interrupts: none; every
 * ring is posted with VRING_AVAIL_F_NO_INTERRUPT.
 *
 * Nothing the device writes is trusted: a used id that was not posted, or
 * a length beyond the buffer, is counted as an error and skipped.
 */

#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "avq_ethdev.h"

/* Descriptors one transmitted frame may use: header + segments; the
 * device model gathers 64 pieces per chain. */
#define AVQ_TX_MAX_DESC		64u
/* Receive entries between an mbuf prefetch and its use. */
#define AVQ_RX_PREFETCH		4u

/* ---- Rings ---- */

struct vring_layout {
	size_t avail;
	size_t used;
	size_t extra;	/* per-descriptor headers (tx) */
	size_t total;
};

static void
vring_layout(uint16_t size, size_t extra_len, struct vring_layout *l)
{
	/* virtio 1.2, 2.7: descriptor table 16-aligned, available ring
	 * 2-aligned, used ring 4-aligned. Each ring's 4-byte flags and idx
	 * end a cache line, so that its entries start the next one: 32
	 * avail entries or 8 used elements fill a line, which one refill or
	 * one flush then writes whole, and no line holds both an index and
	 * entries written at other times. The used ring, which the device
	 * writes, gets cache lines of its own. */
	l->avail = AVQ_DESC_AREA_SIZE(size) + RTE_CACHE_LINE_SIZE - 4;
	l->used = RTE_ALIGN_CEIL(l->avail + AVQ_AVAIL_AREA_SIZE(size),
				 RTE_CACHE_LINE_SIZE * 2) +
		  RTE_CACHE_LINE_SIZE - 4;
	l->extra = RTE_ALIGN_CEIL(l->used + AVQ_USED_AREA_SIZE(size),
				  RTE_CACHE_LINE_SIZE * 2);
	l->total = l->extra + extra_len;
}

static int
vring_alloc(struct avq_vring *vr, const char *what, uint16_t size,
	    size_t extra_len, int socket, void **extra)
{
	struct vring_layout l;
	uint8_t *mem;

	vring_layout(size, extra_len, &l);
	mem = rte_zmalloc_socket(what, l.total, 4096, socket);
	vr->free = rte_zmalloc_socket(what, sizeof(uint16_t) * size,
				      RTE_CACHE_LINE_SIZE, socket);
	if (mem == NULL || vr->free == NULL) {
		rte_free(mem);
		rte_free(vr->free);
		vr->free = NULL;
		return -ENOMEM;
	}
	vr->mem = mem;
	vr->mem_len = l.total;
	vr->size = size;
	vr->mask = size - 1;
	vr->desc = (struct avq_desc *)mem;
	vr->avail = (struct avq_avail *)(mem + l.avail);
	vr->used = (struct avq_used *)(mem + l.used);
	vr->desc_iova = avq_mem_iova(vr->desc);
	vr->avail_iova = vr->desc_iova + l.avail;
	vr->used_iova = vr->desc_iova + l.used;
	if (extra != NULL)
		*extra = mem + l.extra;
	return 0;
}

static void
vring_free(struct avq_vring *vr)
{
	rte_free(vr->mem);
	rte_free(vr->free);
	vr->mem = NULL;
	vr->free = NULL;
}

/* Back to an empty ring (the device is reset). */
static void
vring_clear(struct avq_vring *vr)
{
	uint16_t i;

	memset(vr->desc, 0, AVQ_DESC_AREA_SIZE(vr->size));
	memset(vr->avail, 0, AVQ_AVAIL_AREA_SIZE(vr->size));
	memset(vr->used, 0, AVQ_USED_AREA_SIZE(vr->size));
	/* virtio 1.2, 2.7.7: a polling driver (no queue interrupts are
	 * offered) asks for none. */
	vr->avail->flags = avq_to_le16(AVQ_AVAIL_F_NO_INTERRUPT);
	vr->avail_idx = 0;
	vr->last_used = 0;
	vr->nfree = 0;
	for (i = vr->size; i-- > 0;)
		vr->free[vr->nfree++] = i;
}

static int
vring_program(struct avq_port *p, struct avq_vring *vr, uint16_t qidx)
{
	struct rte_avq_vq_params vp;
	uint64_t addr = 0, len = 0;
	int ret;

	memset(&vp, 0, sizeof(vp));
	vp.size = vr->size;
	vp.desc = vr->desc_iova;
	vp.driver = vr->avail_iova;
	vp.device = vr->used_iova;
	/* RFC admin VQ: size, address, then VQ_ENABLE (the helper's order). */
	ret = rte_avq_vq_setup(p->aq, p->id, qidx, &vp);
	if (ret == 0)
		ret = rte_avq_vq_notify_get(p->aq, p->id, qidx, &addr, &len);
	if (ret != 0) {
		AVQ_NET_LOG(ERR, p->name, "virtqueue %u set-up: %s", qidx,
			    strerror(-ret));
		return ret;
	}
	if (addr == 0 || len < sizeof(uint16_t)) {
		AVQ_NET_LOG(ERR, p->name, "virtqueue %u: no usable notify area", qidx);
		return -EPROTO;
	}
	/* Software transports: the notify area is memory of this process. */
	vr->notify = (uint16_t *)(uintptr_t)addr;
	vr->qidx = qidx;
	vr->wake = p->t->ops->wake;
	vr->wake_ctx = p->t->ctx;
	return 0;
}

/* Publish the new avail->idx and ring the doorbell if the device wants. */
static __rte_always_inline bool
vring_publish(struct avq_vring *vr)
{
	uint16_t flags;

	/* A1: pairs with the device's acquire load of avail->idx. */
	__atomic_store_n(&vr->avail->idx, avq_to_le16(vr->avail_idx),
			 __ATOMIC_RELEASE);
	/* virtio 1.2, 2.7.10: a full fence between publishing avail->idx and
	 * reading used->flags, so that a device going to sleep (it clears
	 * NO_NOTIFY, then re-reads avail->idx) either sees our entries or
	 * gets the doorbell. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = avq_le16(__atomic_load_n(&vr->used->flags, __ATOMIC_RELAXED));
	if (likely(flags & AVQ_USED_F_NO_NOTIFY))
		return false;
	/* N1: pairs with the device's exchange of the doorbell slot. */
	__atomic_store_n(vr->notify, avq_to_le16(vr->qidx), __ATOMIC_RELEASE);
	if (vr->wake != NULL)
		vr->wake(vr->wake_ctx);
	return true;
}

static __rte_always_inline uint16_t
vring_used_idx(const struct avq_vring *vr)
{
	/* U1: pairs with the device's release store of used->idx. */
	return avq_le16(__atomic_load_n(&vr->used->idx, __ATOMIC_ACQUIRE));
}

/* ---- Receive ---- */

static uint16_t
ring_size(const struct avq_port *p, uint16_t nb_desc)
{
	uint32_t n = p->ring_size != 0 ? p->ring_size : nb_desc;

	if (n == 0)
		n = AVQ_RING_DEFAULT;
	n = rte_align32pow2(n);
	n = RTE_MAX(n, AVQ_RING_MIN);
	return (uint16_t)RTE_MIN(n, (uint32_t)p->max_vq_size);
}

int
avq_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		   unsigned int socket, const struct rte_eth_rxconf *conf,
		   struct rte_mempool *mp)
{
	struct avq_port *p = dev->data->dev_private;
	uint16_t size = ring_size(p, nb_desc);
	struct avq_rxq *q;
	uint16_t room;
	int ret;

	RTE_SET_USED(conf);
	room = rte_pktmbuf_data_room_size(mp);
	if (room < RTE_PKTMBUF_HEADROOM + RTE_ETHER_MIN_LEN ||
	    RTE_PKTMBUF_HEADROOM < AVQ_NET_HDR_LEN) {
		AVQ_NET_LOG(ERR, p->name, "rx queue %u: mbufs of %u bytes (headroom %u) are too small",
			    qid, room, RTE_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	avq_rx_queue_release(dev, qid);
	q = rte_zmalloc_socket("avq_rxq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			       (int)socket);
	if (q == NULL)
		return -ENOMEM;
	q->sw = rte_zmalloc_socket("avq_rxq_sw", sizeof(*q->sw) * size,
				   RTE_CACHE_LINE_SIZE, (int)socket);
	ret = q->sw == NULL ? -ENOMEM :
	      vring_alloc(&q->vr, "avq_rxq_ring", size, 0, (int)socket, NULL);
	if (ret < 0) {
		AVQ_NET_LOG(ERR, p->name, "rx queue %u: no memory for %u entries",
			    qid, size);
		rte_free(q->sw);
		rte_free(q);
		return ret;
	}
	q->mp = mp;
	q->port = p;
	q->queue_id = qid;
	q->port_id = dev->data->port_id;
	q->nb_desc = nb_desc;
	/* The driver makes buffers available as it chooses (virtio 1.2,
	 * 2.7.13): rx_post of them, or an adapted window (rxq_window()). */
	q->win_max = size;
	if (p->rx_post == AVQ_RX_POST_AUTO)
		q->win_min = (uint16_t)RTE_MIN((uint32_t)AVQ_RX_WIN_MIN,
					       (uint32_t)size);
	else
		q->win_min = q->win_max = (uint16_t)RTE_ALIGN_FLOOR(
			RTE_MIN(p->rx_post, size), AVQ_RX_REFILL);
	dev->data->rx_queues[qid] = q;
	return 0;
}

void
avq_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avq_rxq *q = dev->data->rx_queues[qid];

	if (q == NULL)
		return;
	avq_rxq_stop(q);
	vring_free(&q->vr);
	rte_free(q->sw);
	rte_free(q);
	dev->data->rx_queues[qid] = NULL;
}

int
avq_rxq_start(struct avq_port *p, struct avq_rxq *q)
{
	const struct rte_eth_rxmode *rx = &p->eth->data->dev_conf.rxmode;
	struct rte_mbuf mb;
	uint16_t i;

	vring_clear(&q->vr);
	/* Receive descriptors are free in a FIFO, in the order the device
	 * used them: a device that uses buffers in order then finds the
	 * descriptors in ring order as well, each line of the table written
	 * by one refill, as the avail ring's. */
	for (i = 0; i < q->vr.size; i++)
		q->vr.free[i] = i;
	q->vr.free_head = 0;
	/* data_off, refcnt, nb_segs and port of a fresh receive mbuf (the
	 * receive path writes only lengths). */
	memset(&mb, 0, sizeof(mb));
	mb.data_off = RTE_PKTMBUF_HEADROOM;
	mb.nb_segs = 1;
	mb.port = q->port_id;
	rte_mbuf_refcnt_set(&mb, 1);
	memcpy(&q->mbuf_init, RTE_PTR_ADD(&mb, offsetof(struct rte_mbuf,
						       rearm_data)),
	       sizeof(q->mbuf_init));
	/* Every start posts the largest window. */
	q->win = q->win_max;
	q->win_peak = 0;
	q->win_frames = 0;
	q->scatter = (rx->offloads & RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
	q->mrg = (p->features & RTE_BIT64(AVQ_NET_F_MRG_RXBUF)) != 0;
	/* Every mbuf of a pktmbuf pool has the pool's data room: the
	 * receive path need not read each one's buf_len (a line it would
	 * otherwise load before storing the lengths into it). */
	q->buf_max = avq_rxq_buf_len(q);
	return vring_program(p, &q->vr, (uint16_t)(2 * q->queue_id));
}

uint32_t
avq_rxq_buf_len(const struct avq_rxq *q)
{
	/* As posted by rxq_post(): from the header in the headroom's last
	 * 12 bytes to the end of the buffer. */
	return (uint32_t)rte_pktmbuf_data_room_size(q->mp) -
	       RTE_PKTMBUF_HEADROOM + AVQ_NET_HDR_LEN;
}

void
avq_rxq_stop(struct avq_rxq *q)
{
	uint16_t i;

	for (i = 0; i < q->vr.size; i++) {
		if (q->sw[i] != NULL)
			rte_pktmbuf_free(q->sw[i]);
		q->sw[i] = NULL;
	}
}

/* Buffers the window leaves room to post (0 while more than the window
 * are posted, after it shrank). */
static __rte_always_inline int
rxq_room(const struct avq_rxq *q)
{
	return (int)q->win - (int)(q->vr.size - q->vr.nfree);
}

/* Post up to @p n fresh buffers; false if the pool ran dry. */
static __rte_always_inline bool
rxq_post(struct avq_rxq *q, uint16_t n)
{
	struct avq_vring *vr = &q->vr;
	struct rte_mbuf *m[AVQ_RX_REFILL];
	struct avq_desc *d;
	uint16_t i, id;

	/* Raw mbufs: one in the pool has refcnt 1, nb_segs 1 and next NULL
	 * (rte_mbuf_raw_alloc()), so only the first line's fields are set,
	 * here or at receive, and the second line is not touched (what
	 * rte_pktmbuf_reset() would write there). */
	if (unlikely(rte_mempool_get_bulk(q->mp, (void **)m, n) != 0)) {
		q->nombuf += n;
		return false;
	}
	for (i = 0; i < n; i++) {
		*(uint64_t *)RTE_PTR_ADD(m[i], offsetof(struct rte_mbuf,
						       rearm_data)) = q->mbuf_init;
		m[i]->ol_flags = 0;
		m[i]->packet_type = 0;
		m[i]->vlan_tci = 0;
		id = vr->free[vr->free_head++ & vr->mask];
		vr->nfree--;
		q->sw[id] = m[i];
		d = &vr->desc[id];
		/* The device writes the header into the headroom's last 12
		 * bytes, the frame from the data offset on. */
		d->addr = avq_to_le64(m[i]->buf_iova + RTE_PKTMBUF_HEADROOM -
				      AVQ_NET_HDR_LEN);
		d->len = avq_to_le32(q->buf_max);
		d->flags = avq_to_le16(AVQ_DESC_F_WRITE);
		vr->avail->ring[vr->avail_idx & vr->mask] = avq_to_le16(id);
		vr->avail_idx++;
	}
	return true;
}

/*
 * Post buffers up to the window, AVQ_RX_REFILL at a time (windows are
 * multiples of it): the avail entries of one refill fill one cache line
 * (vring_layout()) and, with a device that uses buffers in order, its
 * descriptor ids, taken from the FIFO, are AVQ_RX_REFILL consecutive ones
 * whose lines it writes whole too.
 */
void
avq_rxq_refill(struct avq_rxq *q)
{
	uint16_t posted = 0;

	while (rxq_room(q) >= (int)AVQ_RX_REFILL) {
		if (!rxq_post(q, AVQ_RX_REFILL))
			break;
		posted += AVQ_RX_REFILL;
	}
	if (posted > 0 && vring_publish(&q->vr))
		q->kicks++;
}

/* Take used entry @p k (after last_used) off the ring: its mbuf, or NULL
 * for an id that was not posted (counted). */
static __rte_always_inline struct rte_mbuf *
rxq_take(struct avq_rxq *q, uint32_t *len)
{
	struct avq_vring *vr = &q->vr;
	const struct avq_used_elem *e = &vr->used->ring[vr->last_used & vr->mask];
	uint32_t id = avq_le32(e->id);
	struct rte_mbuf *m;

	*len = avq_le32(e->len);
	vr->last_used++;
	if (unlikely(id >= vr->size || q->sw[id] == NULL)) {
		q->errors++;
		return NULL;
	}
	m = q->sw[id];
	q->sw[id] = NULL;
	vr->free[(uint16_t)(vr->free_head + vr->nfree++) & vr->mask] =
		(uint16_t)id;
	return m;
}

/* num_buffers of the frame at the next used entry, 0 if unreadable. */
static __rte_always_inline uint16_t
rxq_peek_nb(const struct avq_rxq *q)
{
	const struct avq_vring *vr = &q->vr;
	const struct avq_used_elem *e = &vr->used->ring[vr->last_used & vr->mask];
	uint32_t id = avq_le32(e->id);
	const struct avq_net_hdr *h;
	const struct rte_mbuf *m;

	if (unlikely(id >= vr->size || q->sw[id] == NULL))
		return 1;	/* rxq_take() counts it */
	m = q->sw[id];
	h = (const struct avq_net_hdr *)((const uint8_t *)m->buf_addr +
					 RTE_PKTMBUF_HEADROOM - AVQ_NET_HDR_LEN);
	return avq_le16(h->num_buffers);
}

/*
 * Posting window of a queue without rx_post. Every buffer posted is one
 * more the device writes before it writes the same one again: a window of
 * the whole ring makes the device's destinations circulate through a
 * ring's worth of buffers per queue, which at 1500 bytes leaves its core's
 * L2 (doc/guides/prog_guide/net_bench.rst), while a loop that finds at
 * most a burst waiting needs far fewer. So:
 *  - grow: a poll that finds every posted buffer used (the device has
 *    none: frames now wait in its backlog of 32, or are dropped) posts the
 *    whole ring again at the end of this poll;
 *  - shrink: after AVQ_RX_WIN_EPOCH frames, the window becomes twice the
 *    most frames found waiting by one poll of the epoch, rounded up to a
 *    power of two, at least win_min; never larger than it was.
 * A burst larger than the window plus the device's backlog that arrives
 * between two polls of a queue whose window has shrunk loses its excess
 * (counted as the queue's dev_drops); the next poll finds the device dry
 * and the whole ring is posted again.
 */
static __rte_always_inline void
rxq_window(struct avq_rxq *q, uint16_t waiting)
{
	uint16_t held = (uint16_t)(q->vr.size - q->vr.nfree);
	uint32_t w;

	if (waiting > q->win_peak)
		q->win_peak = waiting;
	if (unlikely(waiting == held && waiting != 0) &&
	    q->win != q->win_max) {
		q->win = q->win_max;
		q->win_grows++;
		goto epoch;
	}
	if (likely(q->win_frames < AVQ_RX_WIN_EPOCH))
		return;
	w = rte_align32pow2(2u * q->win_peak);
	w = RTE_MAX(w, (uint32_t)q->win_min);
	if (w < q->win)
		q->win = (uint16_t)w;
epoch:
	q->win_peak = 0;
	q->win_frames = 0;
}

uint16_t
avq_recv_pkts(void *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	struct avq_rxq *q = rxq;
	struct avq_vring *vr = &q->vr;
	struct rte_mbuf *m, *seg, *prev;
	uint16_t used, nb, k, got = 0;
	uint32_t len, max;
	uint64_t bytes = 0;
	bool bad;

	used = vring_used_idx(vr);
	if (q->win_min != q->win_max)
		rxq_window(q, (uint16_t)(used - vr->last_used));
	while (got < n && vr->last_used != used) {
		/* The mbuf of an entry a few ahead: its first line is written
		 * below (lengths, port) and has often left L1 since it was
		 * posted a ring ago. */
		if ((uint16_t)(used - vr->last_used) > AVQ_RX_PREFETCH)
			rte_prefetch0(q->sw[avq_le32(vr->used->ring[(uint16_t)
				(vr->last_used + AVQ_RX_PREFETCH) & vr->mask].id) &
				vr->mask]);
		/* Without MRG_RXBUF a frame is one buffer: the header, which
		 * the device wrote, is not read (one line less to fetch). */
		nb = q->mrg ? rxq_peek_nb(q) : 1;
		if (unlikely(nb != 1)) {
			/* A merged frame: all its entries, or wait for them. */
			if (nb == 0 || nb > vr->size) {
				m = rxq_take(q, &len);
				if (m != NULL)
					rte_pktmbuf_free(m);
				q->errors++;
				continue;
			}
			if ((uint16_t)(used - vr->last_used) < nb)
				break;
		}
		m = rxq_take(q, &len);
		if (unlikely(m == NULL))
			continue;
		max = q->buf_max;
		bad = len < AVQ_NET_HDR_LEN || len > max;
		m->data_len = (uint16_t)(len - AVQ_NET_HDR_LEN);
		m->pkt_len = m->data_len;
		prev = m;
		for (k = 1; k < nb; k++) {
			seg = rxq_take(q, &len);
			if (unlikely(seg == NULL)) {
				bad = true;
				continue;
			}
			/* Later buffers hold frame bytes from their start. */
			seg->data_off = RTE_PKTMBUF_HEADROOM - AVQ_NET_HDR_LEN;
			if (len > max || len == 0)
				bad = true;
			seg->data_len = (uint16_t)len;
			m->pkt_len += len;
			m->nb_segs++;
			prev->next = seg;
			prev = seg;
		}
		if (unlikely(bad || (nb > 1 && !q->scatter))) {
			rte_pktmbuf_free(m);
			q->errors++;
			continue;
		}
		bytes += m->pkt_len;
		pkts[got++] = m;
	}
	q->packets += got;
	q->bytes += bytes;
	q->win_frames += got;
	if (rxq_room(q) >= (int)AVQ_RX_REFILL)
		avq_rxq_refill(q);
	return got;
}

/* ---- Transmit ---- */

int
avq_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		   unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct avq_port *p = dev->data->dev_private;
	uint16_t size = ring_size(p, nb_desc);
	struct avq_txq *q;
	void *hdrs = NULL;
	int ret;

	RTE_SET_USED(conf);
	avq_tx_queue_release(dev, qid);
	q = rte_zmalloc_socket("avq_txq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			       (int)socket);
	if (q == NULL)
		return -ENOMEM;
	q->sw = rte_zmalloc_socket("avq_txq_sw", sizeof(*q->sw) * size,
				   RTE_CACHE_LINE_SIZE, (int)socket);
	q->next = rte_zmalloc_socket("avq_txq_next", sizeof(*q->next) * size,
				     RTE_CACHE_LINE_SIZE, (int)socket);
	q->ndesc = rte_zmalloc_socket("avq_txq_ndesc", size,
				      RTE_CACHE_LINE_SIZE, (int)socket);
	ret = q->sw == NULL || q->next == NULL || q->ndesc == NULL ? -ENOMEM :
	      vring_alloc(&q->vr, "avq_txq_ring", size,
			  (size_t)size * sizeof(struct avq_net_hdr),
			  (int)socket, &hdrs);
	if (ret < 0) {
		AVQ_NET_LOG(ERR, p->name, "tx queue %u: no memory for %u entries",
			    qid, size);
		rte_free(q->sw);
		rte_free(q->next);
		rte_free(q->ndesc);
		rte_free(q);
		return ret;
	}
	/* Zeroed once: no offload is negotiated, every header stays 0. */
	q->hdrs = hdrs;
	q->hdrs_iova = q->vr.desc_iova +
		       (uint64_t)((uint8_t *)hdrs - (uint8_t *)q->vr.mem);
	q->port = p;
	q->queue_id = qid;
	q->nb_desc = nb_desc;
	dev->data->tx_queues[qid] = q;
	return 0;
}

void
avq_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct avq_txq *q = dev->data->tx_queues[qid];

	if (q == NULL)
		return;
	avq_txq_stop(q);
	vring_free(&q->vr);
	rte_free(q->sw);
	rte_free(q->next);
	rte_free(q->ndesc);
	rte_free(q);
	dev->data->tx_queues[qid] = NULL;
}

static __rte_always_inline void
tx_desc(struct avq_desc *d, uint64_t addr, uint32_t len, uint16_t flags,
	uint16_t next)
{
	d->addr = avq_to_le64(addr);
	d->len = avq_to_le32(len);
	d->flags = avq_to_le16(flags);
	d->next = avq_to_le16(next);
}

int
avq_txq_start(struct avq_port *p, struct avq_txq *q)
{
	struct avq_vring *vr = &q->vr;
	uint16_t half = vr->size / 2, k;

	vring_clear(vr);
	memset(q->ndesc, 0, vr->size);
	/* Descriptors in pairs: header descriptor half + k (constant: the
	 * k-th all-zero header, then descriptor k) and data descriptor k.
	 * The header half is written once here and never again, so its
	 * lines stay clean in both the device's cache and ours; a frame
	 * costs one 16-byte descriptor per segment and nothing is written
	 * into the packet's headroom. */
	vr->nfree = 0;
	for (k = half; k-- > 0;) {
		vr->free[vr->nfree++] = k;
		tx_desc(&vr->desc[half + k],
			q->hdrs_iova + (uint64_t)k * AVQ_NET_HDR_LEN,
			AVQ_NET_HDR_LEN, AVQ_DESC_F_NEXT, k);
	}
	q->half = half;
	return vring_program(p, vr, (uint16_t)(2 * q->queue_id + 1));
}

void
avq_txq_stop(struct avq_txq *q)
{
	uint16_t i;

	for (i = 0; i < q->vr.size; i++) {
		if (q->sw[i] != NULL)
			rte_pktmbuf_free(q->sw[i]);
		q->sw[i] = NULL;
	}
}

/* Take back every chain the device used; free their mbufs in bulk. */
static void
txq_reclaim(struct avq_txq *q)
{
	struct avq_vring *vr = &q->vr;
	struct rte_mbuf *done[AVQ_BURST_MAX];
	uint16_t used = vring_used_idx(vr), id, k, nd = 0;
	uint32_t head;

	while (vr->last_used != used) {
		head = avq_le32(vr->used->ring[vr->last_used & vr->mask].id);
		vr->last_used++;
		/* Chains start at a header descriptor (half + k). */
		id = (uint16_t)(head - q->half);
		if (unlikely(head < q->half || head >= vr->size ||
			     q->sw[id] == NULL)) {
			q->errors++;
			continue;
		}
		done[nd++] = q->sw[id];
		q->sw[id] = NULL;
		/* Our own record of the chain, not the table the device
		 * could read: descriptors go back exactly as posted. */
		for (k = 0; k < q->ndesc[id]; k++) {
			vr->free[vr->nfree++] = id;
			id = q->next[id];
		}
		q->ndesc[(uint16_t)(head - q->half)] = 0;
		if (nd == RTE_DIM(done)) {
			rte_pktmbuf_free_bulk(done, nd);
			nd = 0;
		}
	}
	if (nd > 0)
		rte_pktmbuf_free_bulk(done, nd);
}

/* Post @p m, whose @p nseg segments take as many free pairs: the chain
 * is header descriptor half + k, then data descriptors k, ... */
static __rte_always_inline void
tx_post(struct avq_txq *q, struct rte_mbuf *m, uint16_t nseg)
{
	struct avq_vring *vr = &q->vr;
	uint16_t first, id, prev;
	struct rte_mbuf *seg;

	first = vr->free[--vr->nfree];
	tx_desc(&vr->desc[first], rte_mbuf_data_iova(m), m->data_len, 0, 0);
	prev = first;
	for (seg = m->next; seg != NULL; seg = seg->next) {
		id = vr->free[--vr->nfree];
		vr->desc[prev].flags = avq_to_le16(AVQ_DESC_F_NEXT);
		vr->desc[prev].next = avq_to_le16(id);
		q->next[prev] = id;
		tx_desc(&vr->desc[id], rte_mbuf_data_iova(seg), seg->data_len,
			0, 0);
		prev = id;
	}
	q->sw[first] = m;
	q->ndesc[first] = (uint8_t)nseg;
	vr->avail->ring[vr->avail_idx & vr->mask] =
		avq_to_le16((uint16_t)(q->half + first));
	vr->avail_idx++;
}

uint16_t
avq_xmit_pkts(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	struct avq_txq *q = txq;
	struct avq_vring *vr = &q->vr;
	uint16_t i, nseg, sent = 0;
	struct rte_mbuf *m;
	uint64_t bytes = 0;

	/* Every burst takes back what the device used: the mbufs go back to
	 * the pool's cache while their data is still in the device core's
	 * L2, and the receive queues post them again from there (LIFO).
	 * Reclaimed only when the ring ran short, chains waited there for a
	 * whole ring, and as many more buffers circulated. One load of
	 * used->idx per burst. */
	txq_reclaim(q);
	for (i = 0; i < n; i++) {
		m = pkts[i];
		nseg = m->nb_segs;
		if (unlikely(nseg >= AVQ_TX_MAX_DESC || nseg > q->half ||
			     m->pkt_len == 0)) {
			/* The device could not gather it: dropped here. */
			q->errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(vr->nfree < nseg)) {
			txq_reclaim(q);
			if (vr->nfree < nseg)
				break;
		}
		bytes += m->pkt_len;
		tx_post(q, m, nseg);
		sent++;
	}
	if (likely(sent > 0)) {
		q->packets += sent;
		q->bytes += bytes;
		if (vring_publish(vr))
			q->kicks++;
	}
	return i;
}

uint16_t
avq_dummy_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(q);
	RTE_SET_USED(pkts);
	RTE_SET_USED(n);
	return 0;
}
