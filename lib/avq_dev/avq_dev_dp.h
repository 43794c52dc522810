/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_DEV_DP_H
#define AVQ_DEV_DP_H

/*
 * Datapath internals of the device model. Never installed.
 *
 *   avq_dev_vq.c      device side of a split virtqueue (virtio 1.2, 2.7):
 *                     ring resolution, chain walks, used ring, interrupts
 *   avq_dev_net_dp.c  virtio-net on top of it: tx, rx, control queue,
 *                     rx filter, per-queue counters
 *   avq_dev_net_ctrl.c  the control commands that program the rx filter,
 *                     from the control queue or the management device
 *                     (class 67 NET_CTRL, seed 001), and trust
 *   avq_dev_switch.c  the embedded switch (one per process), its ports,
 *                     MAC table, packet buffers, uplinks, and the part of
 *                     the device thread that runs the datapath
 *
 * Threads. A managed device's queues and its net state belong to the
 * device thread of its management device, like the rest of the model. What
 * crosses threads is the switch: its port table, MAC table and per-port
 * input rings (multi-producer, single-consumer: any device thread may hand
 * a frame to any port; only the port's own thread takes them out). Ports
 * are never reused before every device thread went through a quiescent
 * state (rte_rcu_qsbr), so a frame handed to a port that just left can
 * never reach the device that takes its slot next.
 *
 * Memory. Driver memory is reached only through the device MMU and the DMA
 * windows (avq_vdev_xlate_fill()); pointers into it are cached per queue
 * and dropped whenever the queue, the MMU or the windows change (the
 * generation counters gen, mmu.gen and win_gen).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "avq_dev_private.h"

/* ---- virtio-net wire (virtio 1.2, 5.1.6) ---- */


/* virtio 1.2, 5.1.6.5: the control classes and commands are in
 * rte_avq_wire.h (class 67 carries them too). */

/* ---- Limits ---- */

#define AVQ_DP_BURST		32u	/* chains per queue per pass */
#define AVQ_DP_MAX_PIECES	64u	/* host pieces recorded per chain */
#define AVQ_DP_MAX_MRG		64u	/* chains one merged rx frame may use */
#define AVQ_DP_HEAD		64u	/* frame bytes every decision reads */
/* Receive buffer bytes fetched ahead of the copy into them. */
#define AVQ_DP_RX_PREFETCH	2048u
/* A transmitted chain holds at most a 64 KiB frame and its header. */
#define AVQ_DP_TX_MAX		(65536u + AVQ_NET_HDR_LEN)
#define AVQ_DP_BACKLOG		32u	/* frames a port holds for its driver */
/* Used elements a queue stages before writing them into its ring, at the
 * latest when it publishes (avq_dvq_used()): a transmit burst's worth, so
 * that a full burst writes them in one go. */
#define AVQ_USED_STAGE		AVQ_DP_BURST
#define AVQ_DP_MAC_TABLE	64u	/* entries of each CTRL_MAC table */
#define AVQ_DP_CTRL_MAX		(8u + 2u * 4u + 2u * AVQ_DP_MAC_TABLE * 6u)
#define AVQ_ETH_HLEN		14u	/* the shortest frame switched */

/* ---- Translation cache ---- */

/*
 * Each queue keeps the translations it used, like an IOTLB: the region
 * filled last, then AVQ_XC_N sets of AVQ_XC_WAYS entries, a set per 2 MiB
 * of IOVA space (modulo AVQ_XC_N). With IOVA as VA the driver's memory is
 * one region and the first entry holds it; with IOVA as PA on hugepages
 * (DPDK's default as root) each page is a mapping of its own, and one
 * entry for all of them missed on nearly every buffer (net_avq's loop ran
 * 25-30% slower). Physical pages fall on sets by their address bits, and
 * with one entry per set two hot pages on the same set evicted each other
 * on every alternation (dp_xc_ways_autotest: 16 MMU look-ups for 16
 * frames); hence two ways: a fill goes into way 0 and moves what was
 * there to way 1, and it takes three pages on one set to thrash. An MMU
 * or DMA-window change empties them (avq_dvq_resync()). The queue's
 * translations counter counts the fills.
 */
#define AVQ_XC_N	32u
#define AVQ_XC_WAYS	2u
#define AVQ_XC_SHIFT	21u

/* One region of IOVA space that a single mapping and a single DMA window
 * cover: [start, last] is host memory from va on. */
struct avq_xc {
	uint64_t start;
	uint64_t last;		/* inclusive */
	uint8_t *va;
	uint32_t access;	/* AVQ_MMU_F_READ (| AVQ_MMU_F_WRITE); 0: empty */
};

static inline void
avq_xc_clear(struct avq_xc *xc)
{
	xc->access = 0;
}

/* The first entry of the set of a queue's cache that iova's translation
 * goes in (AVQ_XC_WAYS entries from there). */
static __rte_always_inline unsigned int
avq_xc_index(uint64_t iova)
{
	return ((unsigned int)(iova >> AVQ_XC_SHIFT) & (AVQ_XC_N - 1)) *
	       AVQ_XC_WAYS;
}

/* Host address of iova if @p xc covers it for @p access; *n receives how
 * many of the @p len (>= 1) bytes from there it covers. */
static __rte_always_inline uint8_t *
avq_xc_hit(const struct avq_xc *xc, uint64_t iova, uint64_t len,
	   uint32_t access, uint64_t *n)
{
	uint64_t room;

	/* An empty entry has access 0, so the range test never matters. */
	if (likely((xc->access & access) == access &&
		   iova - xc->start <= xc->last - xc->start)) {
		room = xc->last - iova;		/* bytes after iova */
		*n = room >= len - 1 ? len : room + 1;
		return xc->va + (iova - xc->start);
	}
	return NULL;
}

/* avq_dev_mmu.c: fill @p xc for the first byte of [iova, iova + len) of
 * queue @p q. false: the MMU fault is recorded (MMU_FAIL | NEEDS_RESET,
 * config interrupt) with [iova, iova + len - 1] as the failed range. */
bool avq_vdev_xlate_fill(struct avq_vdev *v, uint16_t q, uint64_t iova,
			 uint64_t len, uint32_t access, struct avq_xc *xc);

/* avq_dev_mmu.c: host pointer of [iova, iova + len) when it is contiguous
 * in host memory, through one or several mappings. NULL: faulted (MMU
 * fault, or *not_contig when the pieces are not contiguous and nothing
 * was recorded). */
void *avq_vdev_map_range(struct avq_vdev *v, uint16_t q, uint64_t iova,
			 uint64_t len, uint32_t access, bool *not_contig);

/* ---- Device side of one split virtqueue (avq_dev_vq.c) ---- */

struct avq_net_dp;

struct avq_dvq {
	/* What the cached state below was built for. */
	uint32_t vq_gen;
	uint32_t mmu_gen;
	uint32_t win_gen;
	bool ready;		/* rings resolved, queue enabled */
	bool dirty;		/* used entries not published yet */
	uint16_t size;
	uint16_t mask;
	const struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint16_t last_avail;	/* next avail entry to take */
	uint16_t avail_idx;	/* avail->idx as last read */
	uint16_t used_idx;	/* next used entry to write */
	uint16_t nstage;	/* used elements staged, not in the ring yet:
				 * those before used_idx */
	struct avq_used_elem *stage;	/* AVQ_USED_STAGE, out of the struct */
	struct avq_xc xc;	/* buffers: the region filled last */
	struct avq_xc *xct;	/* AVQ_XC_N sets of AVQ_XC_WAYS, from
				 * avq_xc_index() */
	struct rte_avq_dev_vq_stats st;
};

/* One piece of a chain in host memory. */
struct avq_piece {
	uint8_t *va;
	uint32_t len;
};

/* What a walk found. */
struct avq_chain {
	uint16_t head;
	uint16_t npieces;	/* recorded in p[] */
	uint16_t nrd;		/* of which readable (first) */
	bool partial;		/* more bytes than p[] could record */
	uint64_t rd_len;	/* readable bytes (recorded or not) */
	uint64_t wr_len;	/* writable bytes (recorded or not) */
	uint64_t wr_rec;	/* writable bytes recorded in p[] */
	struct avq_piece p[AVQ_DP_MAX_PIECES];
};

/* Which descriptors a chain may hold (virtio 2.7.4.2: readable first). */
enum avq_walk {
	AVQ_WALK_RD,		/* transmit: readable only */
	AVQ_WALK_WR,		/* receive: writable only */
	AVQ_WALK_RDWR,		/* control: readable, then writable */
};

/* avq_dvq_sync() out of line: rebuild the cached state. */
bool avq_dvq_resync(struct avq_vdev *v, uint16_t q, struct avq_dvq *dq,
		    uint32_t *fault);

/* Make @p dq match the queue's current generations; false when the
 * queue cannot run (disabled, or a fault was just raised: *fault set). */
static __rte_always_inline bool
avq_dvq_sync(struct avq_vdev *v, uint16_t q, struct avq_dvq *dq,
	     uint32_t *fault)
{
	const struct avq_vdev_vq *vq = &v->vq[q];

	/* A disabled queue it was synced with already (every enable
	 * change moves the generation): nothing to rebuild. A control
	 * queue the driver never set up comes here every pass. */
	if (!vq->enabled && dq->vq_gen == vq->gen && !dq->ready) {
		*fault = RTE_AVQ_DEV_FAULT_NONE;
		return false;
	}
	return avq_dvq_resync(v, q, dq, fault);
}

static __rte_always_inline bool
avq_dvq_current(const struct avq_vdev *v, uint16_t q,
		const struct avq_dvq *dq)
{
	return dq->ready && dq->vq_gen == v->vq[q].gen &&
	       dq->mmu_gen == v->mmu.gen && dq->win_gen == v->dev->win_gen;
}

/* Empty the queue's translation cache. */
static inline void
avq_dvq_xc_clear(struct avq_dvq *dq)
{
	unsigned int i;

	avq_xc_clear(&dq->xc);
	for (i = 0; i < AVQ_XC_N * AVQ_XC_WAYS; i++)
		avq_xc_clear(&dq->xct[i]);
}

/* avq_xc_hit() through the queue's cache: the last region filled, else
 * the ways of the set for iova's 2 MiB. */
static __rte_always_inline uint8_t *
avq_dvq_xc_hit(const struct avq_dvq *dq, uint64_t iova, uint64_t len,
	       uint32_t access, uint64_t *n)
{
	const struct avq_xc *set;
	uint8_t *p = avq_xc_hit(&dq->xc, iova, len, access, n);

	if (likely(p != NULL))
		return p;
	set = &dq->xct[avq_xc_index(iova)];
	RTE_BUILD_BUG_ON(AVQ_XC_WAYS != 2);
	p = avq_xc_hit(&set[0], iova, len, access, n);
	if (p != NULL)
		return p;
	return avq_xc_hit(&set[1], iova, len, access, n);
}

/* Forget ring state (reset, disable); counters stay. */
void avq_dvq_forget(struct avq_dvq *dq);

/* Chains the driver made available and the device has not taken: reads
 * avail->idx. Sets *fault when it runs more than a ring ahead. */
uint16_t avq_dvq_avail(struct avq_dvq *dq, uint32_t *fault);

/* Walk the chain of avail entry last_avail + @p k (not taken). Records up
 * to @p need writable bytes (readable ones: all). Returns 0 or a fault
 * reason (RTE_AVQ_DEV_FAULT_*); an MMU fault is already recorded. */
uint32_t avq_dvq_walk(struct avq_vdev *v, uint16_t q, struct avq_dvq *dq,
		      uint16_t k, enum avq_walk mode, uint64_t need,
		      struct avq_chain *ch);

/*
 * The common case of avq_dvq_walk(), inline: a chain of one descriptor of
 * the expected kind whose buffer lies in the cached region. true: @p ch is
 * filled; false: nothing was changed, take avq_dvq_walk() (which also
 * finds every fault). @p access is AVQ_MMU_F_READ (transmit) or
 * AVQ_MMU_F_WRITE (receive, up to @p need bytes).
 */
static __rte_always_inline bool
avq_dvq_walk1(struct avq_dvq *dq, uint16_t k, uint32_t access, uint64_t need,
	      struct avq_chain *ch)
{
	const struct avq_desc *d;
	uint16_t head, flags;
	uint64_t addr, rec, n;
	uint32_t len;
	uint8_t *p;

	head = avq_le16(dq->avail->ring[(uint16_t)(dq->last_avail + k) &
					dq->mask]);
	if (unlikely(head >= dq->size))
		return false;
	/* Each field is read once and checked as read. */
	d = &dq->desc[head];
	flags = avq_le16(d->flags);
	addr = avq_le64(d->addr);
	len = avq_le32(d->len);
	if (unlikely(flags != (access == AVQ_MMU_F_WRITE ? AVQ_DESC_F_WRITE : 0) ||
		     len == 0 || addr > UINT64_MAX - (len - 1)))
		return false;
	rec = access == AVQ_MMU_F_WRITE ? RTE_MIN((uint64_t)len, need) : len;
	p = avq_dvq_xc_hit(dq, addr, rec, access, &n);
	if (unlikely(p == NULL || n != rec || len > AVQ_DP_TX_MAX))
		return false;
	ch->head = head;
	ch->npieces = 1;
	ch->partial = false;
	ch->p[0].va = p;
	ch->p[0].len = (uint32_t)rec;
	if (access == AVQ_MMU_F_WRITE) {
		ch->nrd = 0;
		ch->rd_len = 0;
		ch->wr_len = len;
		ch->wr_rec = rec;
	} else {
		ch->nrd = 1;
		ch->rd_len = len;
		ch->wr_len = 0;
		ch->wr_rec = 0;
	}
	return true;
}

/*
 * Fast path of avq_dvq_walk() for a transmit chain of exactly two
 * readable descriptors, each within the cached translation: a header
 * descriptor and the frame's (the layout net_avq posts). true: @p ch is
 * filled; false: nothing was changed, take avq_dvq_walk().
 */
static __rte_always_inline bool
avq_dvq_walk_tx2(struct avq_dvq *dq, uint16_t k, struct avq_chain *ch)
{
	const struct avq_desc *d0, *d1;
	uint64_t a0, a1, n0 = 0, n1 = 0;
	uint16_t head, nx;
	uint32_t l0, l1;
	uint8_t *p0, *p1;

	head = avq_le16(dq->avail->ring[(uint16_t)(dq->last_avail + k) &
					dq->mask]);
	if (unlikely(head >= dq->size))
		return false;
	/* Each field is read once and checked as read. */
	d0 = &dq->desc[head];
	if (avq_le16(d0->flags) != AVQ_DESC_F_NEXT)
		return false;
	nx = avq_le16(d0->next);
	a0 = avq_le64(d0->addr);
	l0 = avq_le32(d0->len);
	if (unlikely(nx >= dq->size))
		return false;
	d1 = &dq->desc[nx];
	a1 = avq_le64(d1->addr);
	l1 = avq_le32(d1->len);
	if (unlikely(avq_le16(d1->flags) != 0 || l0 == 0 || l1 == 0 ||
		     a0 > UINT64_MAX - (l0 - 1) || a1 > UINT64_MAX - (l1 - 1) ||
		     (uint64_t)l0 + l1 > AVQ_DP_TX_MAX))
		return false;
	p0 = avq_dvq_xc_hit(dq, a0, l0, AVQ_MMU_F_READ, &n0);
	p1 = avq_dvq_xc_hit(dq, a1, l1, AVQ_MMU_F_READ, &n1);
	if (unlikely(p0 == NULL || p1 == NULL || n0 != l0 || n1 != l1))
		return false;
	ch->head = head;
	ch->npieces = 2;
	ch->nrd = 2;
	ch->partial = false;
	ch->p[0].va = p0;
	ch->p[0].len = l0;
	ch->p[1].va = p1;
	ch->p[1].len = l1;
	ch->rd_len = (uint64_t)l0 + l1;
	ch->wr_len = 0;
	ch->wr_rec = 0;
	return true;
}

/*
 * Start fetching the descriptor(s) of the chain @p k entries after
 * last_avail, whose avail entry is already read (the avail ring was
 * loaded for an earlier entry): the driver wrote them on its own core.
 * Only addresses are formed; nothing read here is used.
 */
/* The head descriptor of avail entry last_avail + @p k, for a prefetch
 * only: the index is masked, not checked (the walk checks it). */
static __rte_always_inline const struct avq_desc *
avq_dvq_hint_desc(const struct avq_dvq *dq, uint16_t k)
{
	uint16_t head = avq_le16(dq->avail->ring[(uint16_t)(dq->last_avail +
							    k) & dq->mask]);

	return &dq->desc[head & dq->mask];
}

static __rte_always_inline void
avq_dvq_prefetch(const struct avq_dvq *dq, uint16_t k, bool chained)
{
	const struct avq_desc *d = avq_dvq_hint_desc(dq, k);

	rte_prefetch0(d);
	/* @p chained (transmit): the head is usually a header descriptor
	 * the driver wrote once (a cached line), chained to the frame's:
	 * that one is the line to fetch. */
	if (chained && (avq_le16(d->flags) & AVQ_DESC_F_NEXT))
		rte_prefetch0(&dq->desc[avq_le16(d->next) & dq->mask]);
}

/*
 * The lines to fetch, for writing, of the first @p len bytes of the buffer
 * of the receive chain @p k entries after last_avail: a chain the driver
 * already made available, whose descriptor was asked for one chain earlier
 * (avq_dvq_prefetch()). A receive buffer was posted a whole ring ago and
 * has usually left this core's L2 since: written without a fetch ahead, a
 * large frame's copy waits for its destination line by line. The
 * descriptor is read only to form addresses, and only a buffer of one
 * descriptor inside the cached region is named: nothing outside the
 * mappings is touched, and the walk that takes the chain reads and checks
 * it again. @return the first line (0: none) and *end the buffer's end.
 */
static __rte_always_inline uintptr_t
avq_dvq_wbuf_lines(const struct avq_dvq *dq, uint16_t k, uint32_t len,
		   uintptr_t *end)
{
	const struct avq_desc *d = avq_dvq_hint_desc(dq, k);
	uint32_t l = RTE_MIN(avq_le32(d->len), len);
	uint64_t n, a;
	uint8_t *p;

	*end = 0;
	if (l == 0)
		return 0;
	a = avq_le64(d->addr);
	p = avq_dvq_xc_hit(dq, a, l, AVQ_MMU_F_WRITE, &n);
	if (p == NULL)
		return 0;
	*end = (uintptr_t)p + n;
	return RTE_ALIGN_FLOOR((uintptr_t)p, RTE_CACHE_LINE_SIZE);
}

/* Fetch, for writing, the lines from @p a (line aligned) to @p end. */
static __rte_always_inline void
avq_dp_fetch_lines(uintptr_t a, uintptr_t end)
{
	for (; a < end; a += RTE_CACHE_LINE_SIZE)
		rte_prefetch0_write((const void *)a);
}

/* Fetch those lines now. */
static __rte_always_inline void
avq_dvq_prefetch_wbuf(const struct avq_dvq *dq, uint16_t k, uint32_t len)
{
	uintptr_t end, a = avq_dvq_wbuf_lines(dq, k, len, &end);

	avq_dp_fetch_lines(a, end);
}

/* Write the staged used elements into the ring (not published). */
void avq_dvq_flush_used(struct avq_dvq *dq);

/*
 * A used element, staged in the device's own memory; written into the
 * ring when AVQ_USED_STAGE are staged or when avq_dvq_publish() publishes
 * them, whichever comes first. The used ring's lines are the driver's
 * (it reads them, and polls used->idx next to them): a store into one
 * waits for the line to come over, and x86 commits stores in order, so
 * every later store of the thread waits with it: the next frame's copy
 * filled the store buffer and stalled the device (perf put 41% of
 * net_rx_write() on the first store after a used element). Staged, the
 * ring's stores come together at the end of a burst, after the copies.
 */
static __rte_always_inline void
avq_dvq_used(struct avq_dvq *dq, uint16_t id, uint32_t len)
{
	struct avq_used_elem *e = &dq->stage[dq->nstage++];

	e->id = avq_to_le32(id);
	e->len = avq_to_le32(len);
	dq->used_idx++;
	if (unlikely(dq->nstage == AVQ_USED_STAGE))
		avq_dvq_flush_used(dq);
}

/* Whether avail->idx moved past what the device took (a peek). */
bool avq_dvq_has_avail(const struct avq_dvq *dq);

/* Write the staged used elements, then publish used->idx (one release
 * store). */
void avq_dvq_publish(struct avq_dvq *dq);

/* After avq_dvq_publish() and a full fence: whether the driver wants an
 * interrupt (no VRING_AVAIL_F_NO_INTERRUPT). */
bool avq_dvq_wants_irq(const struct avq_dvq *dq);

/* Set or clear VRING_USED_F_NO_NOTIFY. */
void avq_dvq_no_notify(struct avq_dvq *dq, bool on);

/* ---- Frames ---- */

/*
 * A frame being switched. head points to its first head_len bytes (a
 * snapshot the sender took, or the mbuf's own data): every decision reads
 * them, and receivers copy them from there, so what was decided on is what
 * is delivered. The rest comes from the sender's chain (ch != NULL: from
 * byte @c off of its readable bytes) or else from the mbuf m (from byte
 * head_len).
 *
 * m is the mbuf that holds the frame, if any: the one it arrived in, or a
 * copy made when a destination needs one. m_ref: the frame holds one
 * reference to m that it may give away; whoever built the frame frees m
 * at the end if m_ref is still set.
 */
struct avq_frame {
	const uint8_t *head;
	uint32_t head_len;
	uint32_t len;
	const struct avq_chain *ch;
	uint64_t off;
	struct rte_mbuf *m;
	bool m_ref;
	uint32_t hash;		/* rx queue steering; 0: not computed yet */
	int src_port;		/* switch port it came from */
	/* The switch's keys of the destination and source addresses
	 * (avq_mac_key() of head and head + 6), taken when the head was:
	 * the forwarding decision reads no memory the head was just
	 * stored to. */
	uint64_t dkey;
	uint64_t skey;
};

#define AVQ_MAC_KEY_MASK	0xffffffffffffull

/* A MAC address as a switch key: its 6 bytes little-endian, so that
 * bit 0 is the group (multicast) bit. */
static inline uint64_t
avq_mac_key(const uint8_t *a)
{
	uint32_t lo;
	uint16_t hi;

	/* Two loads of the sizes a head's bytes were stored with, not one
	 * 6-byte copy into an 8-byte variable (that goes through the
	 * stack, and its reload waits for both stores). */
	memcpy(&lo, a, sizeof(lo));
	memcpy(&hi, a + 4, sizeof(hi));
	return (uint64_t)lo | (uint64_t)hi << 32;
}

/* ---- virtio-net device state (avq_dev_net_dp.c) ---- */

struct avq_net_filter {
	bool promisc;
	bool allmulti;
	bool vlan_on;		/* CTRL_VLAN negotiated: filter tagged frames */
	uint32_t n_uc;
	uint32_t n_mc;
	uint8_t uc[AVQ_DP_MAC_TABLE][6];
	uint8_t mc[AVQ_DP_MAC_TABLE][6];
	uint64_t vlan[4096 / 64];
};

struct avq_net_dp {
	struct avq_vdev *v;
	int port;			/* switch port; -1: not in the switch */
	bool faulted;			/* leave the switch after this pass */
	bool mrg;			/* MRG_RXBUF negotiated */
	bool ctrl;			/* CTRL_VQ negotiated */
	bool ctrl_rx;
	bool ctrl_vlan;
	bool ctrl_mac_addr;
	bool mq;
	uint16_t max_pairs;
	uint16_t pairs;			/* active pairs: pairs_set, at most max_pairs */
	uint16_t pairs_set;		/* VQ_PAIRS_SET (1 after reset) */
	/* Seed 001 trust: the management device decides whether the
	 * device's own control queue may change its rx filter. Kept across
	 * resets; calloc'ed false, so a new device is trusted. */
	bool untrusted;
	uint64_t own_refused;		/* own commands refused while untrusted */
	uint16_t mtu;			/* transmit limit (payload) */
	uint16_t ctrlq;			/* control queue index */
	uint32_t list_idx;		/* in the thread's port list */
	struct avq_net_filter f;
	/* Frames for the driver that found no buffers yet (FIFO). */
	struct rte_mbuf *bl[AVQ_DP_BACKLOG];
	uint32_t bl_head;
	uint32_t bl_n;
	uint64_t faults;
	uint32_t last_fault;
	uint16_t last_fault_q;
	uint64_t rx_filtered;
	uint64_t rx_overrun_acc;	/* port counters of ports it left */
	uint64_t rx_overrun_base;	/* the total at the last reset */
	struct avq_dvq *q;		/* v->num_queues */
};

#define AVQ_SW_MAX_PORTS	4096u
#define AVQ_SW_STAGE		16u	/* other threads' ports per flush */
#define AVQ_SW_DIRTY		256u	/* queues to publish per pass */
#define AVQ_SW_UPLINK_TX	(2 * AVQ_DP_BURST)

/* Per management device datapath context (avq_dev_switch.c); its device
 * thread's own. */
struct avq_dp_dev {
	struct rte_avq_dev *d;
	uint32_t tid;			/* thread slot, QSBR thread id */
	bool lcore;			/* registered as an EAL thread */
	uint32_t now;			/* coarse seconds of this pass */
	/* The last address learned: it is not looked up again this second. */
	uint64_t learn_key;
	int learn_port;
	uint32_t learn_now;
	/* The last destination looked up, valid for the pass it was looked
	 * up in (pass, bumped by avq_dp_poll()); key ~0: none. */
	uint64_t look_key;
	int look_port;
	uint32_t look_pass;
	uint32_t pass;
	/* The route of the last frame switched when it had exactly one
	 * destination, a net port of this thread: the frames of a transmit
	 * burst mostly share their source and addresses, and then skip the
	 * lookup and the port checks. Valid for the pass it was found in,
	 * for the same source port and addresses; rt_port -1: none. */
	uint64_t rt_skey;
	uint64_t rt_dkey;
	int rt_src;
	int rt_port;
	uint32_t rt_pass;
	struct avq_net_dp *rt_net;
	struct avq_net_dp **ports;	/* net ports it owns */
	uint32_t nports;
	uint32_t cap;
	int up_eth;			/* uplink ethdev port, -1 */
	int up_port;			/* its switch port, -1 */
	uint32_t up_n;
	struct rte_mbuf *up_tx[AVQ_SW_UPLINK_TX];
	uint32_t nstage;
	struct {
		uint32_t port;
		uint32_t n;
		struct rte_mbuf *m[AVQ_DP_BURST];
	} stage[AVQ_SW_STAGE];
	uint32_t ndirty;
	struct {
		struct avq_net_dp *n;
		uint16_t q;
	} dirty[AVQ_SW_DIRTY];
	uint16_t fl[AVQ_SW_MAX_PORTS];	/* destinations of one frame */
	uint8_t head[AVQ_DP_HEAD];	/* snapshot of a frame's head */
	uint8_t ctrl[AVQ_DP_CTRL_MAX];	/* a control command */
	struct avq_chain txch;		/* the transmit (or control) chain */
	struct avq_chain mch;		/* an mbuf chain as pieces */
	struct avq_chain rxch[AVQ_DP_MAX_MRG];	/* receive chains */
};

/* Result of handing a frame to a net device. */
enum avq_rx_res {
	AVQ_RX_DONE,		/* written (or consumed by the filter) */
	AVQ_RX_NOROOM,		/* no buffers now: keep it */
	AVQ_RX_DROP,		/* dropped and counted */
};

/* avq_dev_net_dp.c: life cycle, called by avq_dev_net.c. */
int avq_net_dp_create(struct avq_vdev *v);
void avq_net_dp_destroy(struct avq_vdev *v);
void avq_net_dp_reset(struct avq_vdev *v);
void avq_net_dp_driver_ok(struct avq_vdev *v);

/* avq_dev_net_dp.c: hand @p f to @p n directly (its own thread): filter,
 * then write it, drop it, or (AVQ_RX_NOROOM) leave it to the caller to
 * keep with avq_net_backlog() -- only returned when the backlog has room. */
enum avq_rx_res avq_net_rx(struct avq_dp_dev *dp, struct avq_net_dp *n,
			   struct avq_frame *f);
/* Keep mbuf @p m (one reference, given) in @p n's backlog. */
void avq_net_backlog(struct avq_net_dp *n, struct rte_mbuf *m);
/* Write frame @p f into the pieces of the chains @p ch, which recorded
 * room for exactly that. */
void avq_dp_frame_write(struct avq_chain *ch, const struct avq_frame *f);
/* Describe the frame held by @p m (the frame takes m's reference); the
 * head may be copied into @p buf (AVQ_DP_HEAD bytes). */
void avq_dp_frame_of_mbuf(struct avq_frame *f, struct rte_mbuf *m,
			  uint8_t *buf);
unsigned int avq_net_poll(struct avq_dp_dev *dp, struct avq_net_dp *n);
bool avq_net_has_work(struct avq_net_dp *n);
void avq_net_no_notify(struct avq_net_dp *n, bool on);
/* Frames for the driver: the backlog, then the input ring. */
unsigned int avq_net_rx_pending(struct avq_dp_dev *dp, struct avq_net_dp *n);
void avq_net_fault(struct avq_net_dp *n, uint16_t q, uint32_t reason);
/* Leave the switch and forget the datapath state (reset, fault, destroy). */
void avq_net_stop(struct avq_net_dp *n);

/* ---- Control commands (avq_dev_net_ctrl.c) ---- */

/* Who sends a virtio-net control command. */
enum avq_net_ctrl_src {
	AVQ_NET_SRC_OWN,	/* the device's own control queue */
	AVQ_NET_SRC_MGMT,	/* the management driver (class 67 EXEC) */
};

/*
 * Execute one control command (u8 class, u8 command, data), the one
 * implementation of each rx filter operation. Validates everything before
 * changing anything. Returns an ack: OK; INVAL (malformed, out of range);
 * UNSUPP (a class or command the device does not implement, or, from its
 * own queue, one the driver did not negotiate); ERR (own queue of an
 * untrusted device, counted). The own queue answers VIRTIO_NET_ERR for
 * any failure.
 */
uint8_t avq_net_ctrl_exec(struct avq_net_dp *n, const uint8_t *b, uint32_t len,
			  enum avq_net_ctrl_src src);
/* The rx filter and queue pairs after a reset (trust is kept). */
void avq_net_filter_reset(struct avq_net_dp *n);
/* The datapath's active pairs from pairs_set and max_pairs. */
void avq_net_pairs_update(struct avq_net_dp *n);
/* Class 67 handlers (the dispatch table is avq_dev_cmd.c's). */
uint8_t avq_cmd_net_ctrl_exec(struct avq_cmd_ctx *c);
uint8_t avq_cmd_net_ctrl_trust_set(struct avq_cmd_ctx *c);
uint8_t avq_cmd_net_ctrl_state_get(struct avq_cmd_ctx *c);

/* ---- Switch and device thread (avq_dev_switch.c) ---- */

/* Attach a management device to the process's switch (at creation);
 * 0, or a negative errno: the device then passes no traffic. */
int avq_dp_attach(struct rte_avq_dev *d);
void avq_dp_detach(struct rte_avq_dev *d);
/* Device thread start / stop. */
void avq_dp_thread_start(struct rte_avq_dev *d);
void avq_dp_thread_stop(struct rte_avq_dev *d);
/* One pass over every port of @p d, which started at TSC @p tsc; returns
 * the work done. */
unsigned int avq_dp_poll(struct rte_avq_dev *d, uint64_t tsc);
/* Idle: arm notifications (before the fence); after the fence, whether
 * there is work after all; after the sleep. */
void avq_dp_sleep_begin(struct rte_avq_dev *d);
bool avq_dp_has_work(struct rte_avq_dev *d);
void avq_dp_sleep_end(struct rte_avq_dev *d);
/* Longest the idle thread may sleep, in ms (an uplink is polled). */
int avq_dp_sleep_cap_ms(struct rte_avq_dev *d, int timeout);
/* The eventfd that wakes the device thread, for its epoll set; -1. */
int avq_dp_wake_fd(struct rte_avq_dev *d);
/* Quiescent state: the thread holds no reference into the switch. */
void avq_dp_quiescent(struct rte_avq_dev *d);

/* Join / leave the switch as a net port (device thread, or the caller
 * with the thread stopped). */
int avq_dp_join(struct rte_avq_dev *d, struct avq_net_dp *n);
void avq_dp_leave(struct rte_avq_dev *d, struct avq_net_dp *n);
/* avq_dp_forward() the long way: learn, look up or flood, hand over;
 * keeps the route when the frame had one destination of this thread. */
unsigned int avq_dp_forward_full(struct avq_dp_dev *dp, struct avq_frame *f);
/* A frame the kept route leads to found no room there: keep it for that
 * port (its backlog). Returns as avq_dp_forward(). */
unsigned int avq_dp_forward_kept(struct avq_dp_dev *dp, struct avq_frame *f);

/*
 * Switch a frame that came in on port f->src_port. Returns how many
 * destinations lost it for want of a packet buffer.
 *
 * The route of the frame before, when it had the same source port and
 * addresses in the same pass, is what the long way would find again, but
 * for a port another thread added to the switch since, which this pass
 * may leave out (as it may send frames the old way after another thread
 * changed a lookup's answer). The ports of this thread, the only
 * destinations kept, join and leave between passes.
 */
static inline unsigned int
avq_dp_forward(struct avq_dp_dev *dp, struct avq_frame *f)
{
	if (dp->rt_port >= 0 && f->dkey == dp->rt_dkey &&
	    f->skey == dp->rt_skey && f->src_port == dp->rt_src &&
	    dp->rt_pass == dp->pass) {
		if (likely(avq_net_rx(dp, dp->rt_net, f) != AVQ_RX_NOROOM))
			return 0;
		return avq_dp_forward_kept(dp, f);
	}
	return avq_dp_forward_full(dp, f);
}
/* Frames handed to other threads' ports: enqueue them now. */
void avq_dp_flush(struct avq_dp_dev *dp);
/* Publish the used entries written so far (every dirty queue), now. */
void avq_dp_publish(struct avq_dp_dev *dp);
/* Queue (dp, n, q) has used entries to publish at the end of the pass. */
void avq_dp_dirty(struct avq_dp_dev *dp, struct avq_net_dp *n, uint16_t q);
/* Frames other threads could not hand to switch port @p port. */
uint64_t avq_dp_port_overrun(int port);
/* Input ring of switch port @p port (its owner dequeues). */
struct rte_ring *avq_dp_port_ring(int port);

#endif /* AVQ_DEV_DP_H */
