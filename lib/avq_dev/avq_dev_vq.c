/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Device side of a managed device's split virtqueue (virtio 1.2, 2.7),
 * independent of the device type.
 *
 * Driver memory is reached only through the device MMU (the queue's ASID)
 * and the DMA windows. The three ring areas are resolved once to host
 * pointers (each must be contiguous in host memory, through one mapping or
 * several adjacent ones); buffers are translated piece by piece through the
 * queue's cache of the last region hit, so a buffer may span mappings. The
 * cached state is rebuilt whenever the queue, its MMU or the DMA windows
 * change (avq_dvq_sync()).
 *
 * Nothing read from driver memory is trusted: each descriptor is copied
 * once before use, indices are checked against the ring, chains are walked
 * with a counter, lengths are checked for wrap-around. A violation is
 * reported to the caller, which faults the device.
 *
 * Runs on the device thread.
 */

#include <string.h>

#include <rte_common.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

/* le16 fields of the rings, as plain pointers for the __atomic builtins
 * (the wire structures are packed; these fields are naturally aligned:
 * the avail area is 2-aligned, the used area 4-aligned). */
static inline uint16_t *
ring_flags(void *ring)
{
	return ring;
}

static inline uint16_t *
ring_idx(void *ring)
{
	return RTE_PTR_ADD(ring, 2);
}

void
avq_dvq_forget(struct avq_dvq *dq)
{
	dq->ready = false;
	dq->dirty = false;
	dq->desc = NULL;
	dq->avail = NULL;
	dq->used = NULL;
	dq->last_avail = 0;
	dq->avail_idx = 0;
	dq->used_idx = 0;
	dq->nstage = 0;
	avq_dvq_xc_clear(dq);
}

bool
avq_dvq_resync(struct avq_vdev *v, uint16_t q, struct avq_dvq *dq,
	       uint32_t *fault)
{
	const struct avq_vdev_vq *vq = &v->vq[q];
	void *desc, *avail, *used;
	bool nc = false;

	*fault = RTE_AVQ_DEV_FAULT_NONE;
	if (dq->vq_gen != vq->gen) {
		/* Reset, (re-)enable, new address or size: the driver starts
		 * a fresh ring (virtio 2.7: indices from 0). */
		avq_dvq_forget(dq);
		dq->vq_gen = vq->gen;
	}
	/* An MMU or window change keeps the indices: only the pointers
	 * and the cached translation are rebuilt. */
	dq->ready = false;
	avq_dvq_xc_clear(dq);
	dq->mmu_gen = v->mmu.gen;
	dq->win_gen = v->dev->win_gen;
	if (!vq->enabled || !vq->addr_set)
		return false;
	desc = avq_vdev_map_range(v, q, vq->desc, AVQ_DESC_AREA_SIZE(vq->size),
				  AVQ_MMU_F_READ, &nc);
	if (desc == NULL)
		goto fail;
	avail = avq_vdev_map_range(v, q, vq->avail,
				   AVQ_AVAIL_AREA_SIZE(vq->size),
				   AVQ_MMU_F_READ, &nc);
	if (avail == NULL)
		goto fail;
	used = avq_vdev_map_range(v, q, vq->used, AVQ_USED_AREA_SIZE(vq->size),
				  AVQ_MMU_F_WRITE, &nc);
	if (used == NULL)
		goto fail;
	dq->size = vq->size;
	dq->mask = vq->size - 1;
	dq->desc = desc;
	dq->avail = avail;
	dq->used = used;
	dq->ready = true;
	return true;
fail:
	*fault = nc ? RTE_AVQ_DEV_FAULT_RING : RTE_AVQ_DEV_FAULT_MMU;
	return false;
}

uint16_t
avq_dvq_avail(struct avq_dvq *dq, uint32_t *fault)
{
	uint16_t idx, n;

	/* A1: pairs with the driver's release store of avail->idx: the
	 * ring entries and descriptors it wrote before are visible. */
	idx = avq_le16(__atomic_load_n(ring_idx(dq->avail), __ATOMIC_ACQUIRE));
	n = (uint16_t)(idx - dq->last_avail);
	/* virtio 1.2, 2.7.13: the driver never makes more than the ring
	 * size available; more is garbage, and consuming it would hand the
	 * driver buffers it never offered. */
	if (unlikely(n > dq->size)) {
		*fault = RTE_AVQ_DEV_FAULT_AVAIL_IDX;
		return 0;
	}
	dq->avail_idx = idx;
	return n;
}

/* Record [addr, addr + len) as host pieces; false after an MMU fault. */
static bool
walk_record(struct avq_vdev *v, uint16_t q, struct avq_dvq *dq,
	    struct avq_chain *ch, uint64_t addr, uint64_t len, uint32_t access)
{
	struct avq_xc *xc;
	uint64_t n;
	uint8_t *p;

	while (len > 0) {
		p = avq_dvq_xc_hit(dq, addr, len, access, &n);
		if (unlikely(p == NULL)) {
			/* Way 0 holds the newest of its set, way 1 the one
			 * before. */
			xc = &dq->xct[avq_xc_index(addr)];
			xc[1] = xc[0];
			dq->st.translations++;
			if (!avq_vdev_xlate_fill(v, q, addr, len, access, xc))
				return false;
			dq->xc = *xc;
			continue;
		}
		if (unlikely(ch->npieces == AVQ_DP_MAX_PIECES)) {
			/* The rest is not touched: the caller sees it. */
			ch->partial = true;
			return true;
		}
		/* A piece never exceeds the descriptor's le32 length. */
		ch->p[ch->npieces].va = p;
		ch->p[ch->npieces].len = (uint32_t)n;
		ch->npieces++;
		if (access == AVQ_MMU_F_READ)
			ch->nrd++;
		else
			ch->wr_rec += n;
		addr += n;
		len -= n;
	}
	return true;
}

uint32_t
avq_dvq_walk(struct avq_vdev *v, uint16_t q, struct avq_dvq *dq, uint16_t k,
	     enum avq_walk mode, uint64_t need, struct avq_chain *ch)
{
	uint16_t idx, flags, count = 0;
	bool wr_seen = false;
	struct avq_desc dsc;
	uint64_t addr, rec;
	uint32_t len, access;

	idx = avq_le16(dq->avail->ring[(uint16_t)(dq->last_avail + k) &
				       dq->mask]);
	ch->head = idx;
	ch->npieces = 0;
	ch->nrd = 0;
	ch->partial = false;
	ch->rd_len = 0;
	ch->wr_len = 0;
	ch->wr_rec = 0;
	if (unlikely(idx >= dq->size))
		return RTE_AVQ_DEV_FAULT_HEAD;
	for (;;) {
		/* virtio 1.2, 2.7.5.3.1: a chain is at most the ring size
		 * long; a longer one is a loop (or garbage). */
		if (unlikely(++count > dq->size))
			return RTE_AVQ_DEV_FAULT_CHAIN_LOOP;
		/* One snapshot: the driver may rewrite the entry under us. */
		memcpy(&dsc, &dq->desc[idx], sizeof(dsc));
		flags = avq_le16(dsc.flags);
		addr = avq_le64(dsc.addr);
		len = avq_le32(dsc.len);
		/* VIRTIO_F_INDIRECT_DESC is not offered. */
		if (unlikely(flags & AVQ_DESC_F_INDIRECT))
			return RTE_AVQ_DEV_FAULT_LAYOUT;
		if (flags & AVQ_DESC_F_WRITE) {
			if (unlikely(mode == AVQ_WALK_RD))
				return RTE_AVQ_DEV_FAULT_LAYOUT;
			wr_seen = true;
			access = AVQ_MMU_F_WRITE;
		} else {
			/* virtio 1.2, 2.7.4.2: readable before writable. */
			if (unlikely(mode == AVQ_WALK_WR || wr_seen))
				return RTE_AVQ_DEV_FAULT_LAYOUT;
			access = AVQ_MMU_F_READ;
		}
		if (len != 0) {
			if (unlikely(addr > UINT64_MAX - (len - 1)))
				return RTE_AVQ_DEV_FAULT_ADDR_WRAP;
			if (access == AVQ_MMU_F_READ) {
				/* Read in full: bounded by the largest frame. */
				ch->rd_len += len;
				if (unlikely(ch->rd_len > AVQ_DP_TX_MAX))
					return RTE_AVQ_DEV_FAULT_TOO_LONG;
				rec = ch->partial ? 0 : len;
			} else {
				/* Written only as far as needed: the rest of a
				 * receive buffer is never touched. */
				ch->wr_len += len;
				rec = ch->partial || ch->wr_rec >= need ? 0 :
				      RTE_MIN((uint64_t)len, need - ch->wr_rec);
			}
			if (rec != 0 &&
			    !walk_record(v, q, dq, ch, addr, rec, access))
				return RTE_AVQ_DEV_FAULT_MMU;
		}
		if (!(flags & AVQ_DESC_F_NEXT))
			return RTE_AVQ_DEV_FAULT_NONE;
		idx = avq_le16(dsc.next);
		if (unlikely(idx >= dq->size))
			return RTE_AVQ_DEV_FAULT_NEXT;
	}
}

bool
avq_dvq_has_avail(const struct avq_dvq *dq)
{
	/* A peek before sleeping (after the fence F1 of dev_sleep()): the
	 * pass that follows reads it again with acquire. */
	return avq_le16(__atomic_load_n(ring_idx(dq->avail), __ATOMIC_RELAXED)) !=
	       dq->last_avail;
}

void
avq_dvq_flush_used(struct avq_dvq *dq)
{
	uint16_t i, at = (uint16_t)(dq->used_idx - dq->nstage);

	/* Plain stores: the driver reads none of them before U1
	 * (avq_dvq_publish()) moves used->idx past them. */
	for (i = 0; i < dq->nstage; i++)
		dq->used->ring[(uint16_t)(at + i) & dq->mask] = dq->stage[i];
	dq->nstage = 0;
}

void
avq_dvq_publish(struct avq_dvq *dq)
{
	avq_dvq_flush_used(dq);
	/* U1: publishes the used elements and the buffer bytes written
	 * before them; pairs with the driver's acquire load of used->idx. */
	__atomic_store_n(ring_idx(dq->used), avq_to_le16(dq->used_idx),
			 __ATOMIC_RELEASE);
}

bool
avq_dvq_wants_irq(const struct avq_dvq *dq)
{
	uint16_t flags;

	/* Read after the caller's full fence (F3 in avq_dev_switch.c). */
	flags = avq_le16(__atomic_load_n(ring_flags(dq->avail),
					 __ATOMIC_RELAXED));
	return !(flags & AVQ_AVAIL_F_NO_INTERRUPT);
}

void
avq_dvq_no_notify(struct avq_dvq *dq, bool on)
{
	/* virtio 1.2, 2.7.10: a polling device needs no notifications.
	 * N1: release: a driver that sees the flag clear (and fences, W2 in
	 * rte_avq_dev_wake()) also sees the thread's sleeping flag, stored
	 * before; the look at the rings comes after the fence F1 of
	 * dev_sleep(). */
	__atomic_store_n(ring_flags(dq->used),
			 avq_to_le16(on ? AVQ_USED_F_NO_NOTIFY : 0),
			 __ATOMIC_RELEASE);
}
