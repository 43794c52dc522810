/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Device side of the admin virtqueues: a split ring (virtio 1.x, 2.7) in
 * driver memory, reached only through the DMA windows.
 *
 * Nothing read from driver memory is trusted: each descriptor is copied
 * once before use, every buffer must lie inside one DMA window, chains are
 * walked with a counter, and a chain that cannot be parsed completes with
 * an INVAL ack when an ack byte is writable, or with used.len 0 when not.
 *
 * Runs on the device thread, except the setup functions (control calls).
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_common.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "avq_dev_private.h"

/* virtio 1.x 2.7: ring area alignment (descriptor 16, driver 2, device 4). */
#define AQ_ALIGN_DESC	16u
#define AQ_ALIGN_AVAIL	2u
#define AQ_ALIGN_USED	4u

/* le16 fields of the rings, as plain pointers for the __atomic builtins
 * (the wire structures are packed; these fields are naturally aligned). */
static inline uint16_t *
ring_flags_p(void *ring)	/* avail->flags or used->flags */
{
	return ring;
}

static inline uint16_t *
ring_idx_p(void *ring)		/* avail->idx or used->idx */
{
	return RTE_PTR_ADD(ring, 2);
}

/* ---- Control path: set-up, enable, call fd ---- */

struct ctl_aq {
	uint16_t aq;
	uint16_t size;
	bool on;
	int fd;
	uint64_t desc, avail, used;
};

static int
ctl_aq_setup(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_aq *a = arg;
	struct avq_dev_aq *q = &d->aq[a->aq];

	if (q->enabled) {
		AVQ_DEV_LOG(ERR, d, "AQ %u: set-up while enabled", a->aq);
		return -EBUSY;
	}
	q->size = a->size;
	q->desc_dma = a->desc;
	q->avail_dma = a->avail;
	q->used_dma = a->used;
	return 0;
}

int
rte_avq_dev_aq_setup(struct rte_avq_dev *d, uint16_t aq, uint16_t size,
		     uint64_t desc, uint64_t avail, uint64_t used)
{
	struct ctl_aq a = {
		.aq = aq, .size = size, .desc = desc, .avail = avail,
		.used = used,
	};

	if (d == NULL)
		return -EINVAL;
	if (aq >= d->params.num_aqs) {
		AVQ_DEV_LOG(ERR, d, "AQ %u does not exist (%u AQs)", aq,
			    d->params.num_aqs);
		return -ERANGE;
	}
	if (size == 0 || (size & (size - 1)) != 0 ||
	    size > d->params.max_aq_size) {
		AVQ_DEV_LOG(ERR, d, "AQ %u: bad size %u (power of two, max %u)",
			    aq, size, d->params.max_aq_size);
		return -ERANGE;
	}
	if (desc % AQ_ALIGN_DESC || avail % AQ_ALIGN_AVAIL ||
	    used % AQ_ALIGN_USED) {
		AVQ_DEV_LOG(ERR, d, "AQ %u: misaligned ring 0x%" PRIx64
			    "/0x%" PRIx64 "/0x%" PRIx64, aq, desc, avail, used);
		return -EINVAL;
	}
	return avq_dev_ctl_call(d, ctl_aq_setup, &a);
}

static int
ctl_aq_enable(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_aq *a = arg;
	struct avq_dev_aq *q = &d->aq[a->aq];
	void *desc, *avail, *used;

	if (!a->on) {
		/* Held completions (fault injection) name chains of the ring
		 * the driver is taking back: never write them. */
		avq_fault_forget_aq(d, a->aq);
		q->enabled = false;
		q->desc = NULL;
		q->avail = NULL;
		q->used = NULL;
		q->last_avail = 0;
		q->used_idx = 0;
		return 0;
	}
	if (q->enabled)
		return -EBUSY;
	if (q->size == 0) {
		AVQ_DEV_LOG(ERR, d, "AQ %u: enable before set-up", a->aq);
		return -EINVAL;
	}
	/* Resolved once: dma_unmap refuses to remove these windows while
	 * the queue is enabled. */
	desc = avq_dma_to_va(d, q->desc_dma, AVQ_DESC_AREA_SIZE(q->size));
	avail = avq_dma_to_va(d, q->avail_dma, AVQ_AVAIL_AREA_SIZE(q->size));
	used = avq_dma_to_va(d, q->used_dma, AVQ_USED_AREA_SIZE(q->size));
	if (desc == NULL || avail == NULL || used == NULL) {
		AVQ_DEV_LOG(ERR, d, "AQ %u: ring outside the DMA windows", a->aq);
		return -EFAULT;
	}
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->last_avail = 0;
	q->used_idx = 0;
	q->enabled = true;
	/* A running thread is polling right now (it executes this call);
	 * a stopped one needs kicks. */
	__atomic_store_n(ring_flags_p(q->used),
			 avq_to_le16(__atomic_load_n(&d->running, __ATOMIC_RELAXED) ?
				     AVQ_USED_F_NO_NOTIFY : 0),
			 __ATOMIC_RELAXED);
	return 0;
}

int
rte_avq_dev_aq_enable(struct rte_avq_dev *d, uint16_t aq, bool on)
{
	struct ctl_aq a = { .aq = aq, .on = on };

	if (d == NULL)
		return -EINVAL;
	if (aq >= d->params.num_aqs)
		return -ERANGE;
	return avq_dev_ctl_call(d, ctl_aq_enable, &a);
}

void
rte_avq_dev_aq_kick(struct rte_avq_dev *d, uint16_t aq)
{
	/* Lock-free: kick_fd is created with the device and never changes.
	 * A needless kick only costs the thread one extra loop. */
	if (d == NULL || aq >= d->params.num_aqs)
		return;
	eventfd_write(d->aq[aq].kick_fd, 1);
}

static int
ctl_aq_call_fd(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_aq *a = arg;

	d->aq[a->aq].call_fd = a->fd;
	return 0;
}

int
rte_avq_dev_aq_call_fd(struct rte_avq_dev *d, uint16_t aq, int fd)
{
	struct ctl_aq a = { .aq = aq, .fd = fd };

	if (d == NULL || fd < -1)
		return -EINVAL;
	if (aq >= d->params.num_aqs)
		return -ERANGE;
	return avq_dev_ctl_call(d, ctl_aq_call_fd, &a);
}

/* ---- Device thread: notification state ---- */

void
avq_aq_no_notify(struct rte_avq_dev *d, bool no_notify)
{
	uint16_t i;

	for (i = 0; i < d->params.num_aqs; i++)
		if (d->aq[i].enabled)
			__atomic_store_n(ring_flags_p(d->aq[i].used),
				avq_to_le16(no_notify ? AVQ_USED_F_NO_NOTIFY : 0),
				__ATOMIC_RELAXED);
}

bool
avq_aq_has_work(struct rte_avq_dev *d)
{
	const struct avq_dev_aq *q;
	uint16_t i, idx;

	for (i = 0; i < d->params.num_aqs; i++) {
		q = &d->aq[i];
		if (!q->enabled)
			continue;
		/* A2: pairs with the driver's release store of avail->idx. */
		idx = avq_le16(__atomic_load_n(ring_idx_p(q->avail),
					       __ATOMIC_ACQUIRE));
		if (idx != q->last_avail)
			return true;
	}
	return false;
}

/* ---- Trace of executed commands ---- */

struct ctl_trace {
	uint64_t after;
	struct rte_avq_dev_trace_entry *e;
	unsigned int n;
};

static int
ctl_trace_read(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_trace *a = arg;
	uint64_t last = d->trace.seq, first;
	unsigned int k = 0;

	/* Entry seq s lives in e[(s - 1) % LEN]; the last LEN are kept. */
	first = last > RTE_AVQ_DEV_TRACE_LEN ? last - RTE_AVQ_DEV_TRACE_LEN + 1 : 1;
	if (a->after >= first)
		first = a->after + 1;
	for (; first <= last && k < a->n; first++, k++)
		a->e[k] = d->trace.e[(first - 1) % RTE_AVQ_DEV_TRACE_LEN];
	return (int)k;
}

int
rte_avq_dev_trace_read(struct rte_avq_dev *d, uint64_t after,
		       struct rte_avq_dev_trace_entry *e, unsigned int n)
{
	struct ctl_trace a = { .after = after, .e = e, .n = n };

	if (d == NULL || (e == NULL && n > 0))
		return -EINVAL;
	if (n > INT_MAX)
		a.n = INT_MAX;
	return avq_dev_ctl_call(d, ctl_trace_read, &a);
}

/* ---- Device thread: one chain ---- */

void
avq_aq_trace(struct rte_avq_dev *d, struct rte_avq_dev_trace_entry *te)
{
	te->seq = ++d->trace.seq;
	d->trace.e[(te->seq - 1) % RTE_AVQ_DEV_TRACE_LEN] = *te;
}

/* What a walk of one chain found. */
struct aq_chain {
	uint32_t rd_len;	/* readable bytes gathered into s->out */
	uint32_t nseg;		/* usable writable buffers in s->wseg */
	uint64_t wr_total;	/* their bytes (64-bit: up to size * 4 GiB) */
	bool bad;		/* chain ill-formed: the ack can only be INVAL */
};

/*
 * Walk the chain at @p head: gather the readable bytes, record the
 * writable buffers. Stops at the first defect that leaves the position of
 * the ack byte unknown; keeps walking past readable-side defects so that
 * an INVAL ack can still be written.
 */
static void
aq_walk(struct rte_avq_dev *d, const struct avq_dev_aq *q, uint16_t head,
	struct avq_aq_scratch *s, struct aq_chain *ch)
{
	uint16_t idx = head, flags;
	uint32_t count = 0, len;
	bool seen_write = false;
	struct avq_desc dsc;
	uint64_t addr;
	void *va;

	memset(ch, 0, sizeof(*ch));
	if (head >= q->size) {
		ch->bad = true;
		return;
	}
	for (;;) {
		/* virtio 2.7.5.3.1: a chain longer than the ring is a loop. */
		if (++count > q->size) {
			ch->bad = true;
			return;
		}
		/* One snapshot: the driver may rewrite the entry under us. */
		memcpy(&dsc, &q->desc[idx], sizeof(dsc));
		flags = avq_le16(dsc.flags);
		addr = avq_le64(dsc.addr);
		len = avq_le32(dsc.len);
		if (flags & AVQ_DESC_F_WRITE) {
			seen_write = true;
			if (flags & AVQ_DESC_F_INDIRECT) {
				ch->bad = true;
				return;
			}
			if (len != 0) {
				va = avq_dma_to_va(d, addr, len);
				if (va == NULL) {
					ch->bad = true;
					return;
				}
				s->wseg[ch->nseg].va = va;
				s->wseg[ch->nseg].len = len;
				ch->nseg++;
				ch->wr_total += len;
			}
		} else if (seen_write) {
			/* virtio 2.7.4.2: readable before writable. */
			ch->bad = true;
			return;
		} else if (flags & AVQ_DESC_F_INDIRECT) {
			/* Not negotiated on the AQ (no VIRTIO_F_INDIRECT_DESC). */
			ch->bad = true;
		} else if (len != 0 && !ch->bad) {
			if ((uint64_t)ch->rd_len + len > AVQ_AQ_OUT_MAX) {
				ch->bad = true;
			} else {
				va = avq_dma_to_va(d, addr, len);
				if (va == NULL) {
					ch->bad = true;
				} else {
					memcpy(s->out + ch->rd_len, va, len);
					ch->rd_len += len;
				}
			}
		}
		if (!(flags & AVQ_DESC_F_NEXT))
			return;
		idx = avq_le16(dsc.next);
		if (idx >= q->size) {
			ch->bad = true;
			return;
		}
	}
}

/* Write @p len bytes of @p src at byte @p off of the writable buffers. */
static void
aq_scatter(const struct avq_aq_scratch *s, uint32_t nseg, uint64_t off,
	   const uint8_t *src, uint32_t len)
{
	uint32_t i, n;

	for (i = 0; i < nseg && len > 0; i++) {
		if (off >= s->wseg[i].len) {
			off -= s->wseg[i].len;
			continue;
		}
		n = RTE_MIN((uint64_t)len, s->wseg[i].len - off);
		memcpy(s->wseg[i].va + off, src, n);
		src += n;
		len -= n;
		off = 0;
	}
}

/* Execute the chain at @p head; returns used.len. */
static uint32_t
aq_exec_chain(struct rte_avq_dev *d, uint16_t aqn, uint16_t head,
	      struct avq_aq_scratch *s)
{
	struct rte_avq_dev_trace_entry te = { .aq = aqn };
	struct avq_cmd_ctx c = { .dev = d, .aq = aqn };
	struct avq_cmd_hdr hdr;
	struct aq_chain ch;
	uint8_t ack;

	aq_walk(d, &d->aq[aqn], head, s, &ch);
	if (ch.rd_len >= sizeof(hdr)) {
		memcpy(&hdr, s->out, sizeof(hdr));
		te.device_id = avq_le64(hdr.device_id);
		te.class_id = avq_le16(hdr.class_id);
		te.command = avq_le16(hdr.command);
		te.out_len = ch.rd_len - sizeof(hdr);
	}
	d->stats.commands++;
	if (ch.nseg == 0) {
		/* No ack byte can be written: complete with nothing. */
		d->stats.commands_failed++;
		d->stats.chains_malformed++;
		te.malformed = 1;
		te.ack = d->params.strict ? AVQ_ACK_ERR : AVQ_ACK_INVAL;
		avq_aq_trace(d, &te);
		AVQ_DEV_LOG(DEBUG, d, "AQ %u: chain %u malformed, no ack written",
			    aqn, head);
		return 0;
	}
	if (ch.bad || ch.rd_len < sizeof(hdr)) {
		d->stats.chains_malformed++;
		te.malformed = 1;
		ack = AVQ_ACK_INVAL;
		AVQ_DEV_LOG(DEBUG, d, "AQ %u: chain %u malformed", aqn, head);
	} else if (d->fault.active &&
		   avq_fault_fail(d, te.class_id, te.command, &ack)) {
		/* Fault injection: not executed, the configured ack. */
	} else {
		c.device_id = te.device_id;
		c.class_id = te.class_id;
		c.command = te.command;
		c.out = s->out + sizeof(hdr);
		c.out_len = te.out_len;
		c.in = s->in;
		c.in_cap = (uint32_t)RTE_MIN(ch.wr_total - 1,
					     (uint64_t)AVQ_AQ_IN_MAX);
		ack = avq_cmd_dispatch(&c);
		/* A failed command returns no in-data. */
		if (ack == AVQ_ACK_OK)
			te.in_len = RTE_MIN(c.in_len, c.in_cap);
	}
	/* Strict: RFC drivers know only VIRTIO_ADMIN_OK / VIRTIO_ADMIN_ERR. */
	if (ack != AVQ_ACK_OK && d->params.strict)
		ack = AVQ_ACK_ERR;
	if (ack != AVQ_ACK_OK)
		d->stats.commands_failed++;
	te.ack = ack;
	aq_scatter(s, ch.nseg, 0, &ack, 1);
	aq_scatter(s, ch.nseg, 1, s->in, te.in_len);
	avq_aq_trace(d, &te);
	return 1 + te.in_len;
}

/* ---- Device thread: the common chain, without the general walk ---- */

static inline bool
aq_win_has(const struct avq_dma_window *w, uint64_t dma, uint64_t len)
{
	/* Without computing dma + len (it may wrap). */
	return dma >= w->dma && dma - w->dma < w->len &&
		len <= w->len - (dma - w->dma);
}

/*
 * The virtual address of [dma, dma + len) if one DMA window holds it, as
 * avq_dma_to_va(), trying window @p *hint first and leaving there the one
 * that matched. Windows are disjoint, so the window that holds the range
 * is the one avq_dma_to_va() finds.
 */
static inline uint8_t *
aq_va(const struct rte_avq_dev *d, uint64_t dma, uint64_t len, uint32_t *hint)
{
	uint32_t i;

	if (*hint < d->num_win && aq_win_has(&d->win[*hint], dma, len))
		return d->win[*hint].va + (dma - d->win[*hint].dma);
	for (i = 0; i < d->num_win; i++)
		if (aq_win_has(&d->win[i], dma, len)) {
			*hint = i;
			return d->win[i].va + (dma - d->win[i].dma);
		}
	return NULL;
}

/*
 * Execute the chain at @p head if it has the shape drivers post: one
 * readable descriptor (header and out-data) then one writable (ack and
 * in-data), each inside a DMA window, with no fault injection active.
 * The result is what aq_exec_chain() gives for such a chain, with its
 * general walk, segment tables and scatter loops left out. @return false
 * (having touched nothing) for any other chain: the caller runs
 * aq_exec_chain().
 */
static inline bool
aq_exec_simple(struct rte_avq_dev *d, uint16_t aqn, uint16_t head,
	       struct avq_aq_scratch *s, uint32_t *used_len)
{
	struct avq_dev_aq *q = &d->aq[aqn];
	struct avq_cmd_ctx c = { .dev = d, .aq = aqn };
	struct avq_desc d0, d1;
	uint32_t rl, wl, nl, in_len = 0;
	uint8_t *rva, *wva, ack;
	struct avq_cmd_hdr hdr;
	uint16_t nx;

	if (head >= q->size)
		return false;
	/* One snapshot of each: the driver may rewrite them under us. */
	memcpy(&d0, &q->desc[head], sizeof(d0));
	if ((avq_le16(d0.flags) & (AVQ_DESC_F_NEXT | AVQ_DESC_F_WRITE |
				   AVQ_DESC_F_INDIRECT)) != AVQ_DESC_F_NEXT)
		return false;
	nx = avq_le16(d0.next);
	if (nx >= q->size)
		return false;
	memcpy(&d1, &q->desc[nx], sizeof(d1));
	if ((avq_le16(d1.flags) & (AVQ_DESC_F_NEXT | AVQ_DESC_F_WRITE |
				   AVQ_DESC_F_INDIRECT)) != AVQ_DESC_F_WRITE)
		return false;
	rl = avq_le32(d0.len);
	wl = avq_le32(d1.len);
	if (rl < sizeof(hdr) || rl > AVQ_AQ_OUT_MAX || wl == 0)
		return false;
	rva = aq_va(d, avq_le64(d0.addr), rl, &q->win_rd);
	wva = aq_va(d, avq_le64(d1.addr), wl, &q->win_wr);
	if (rva == NULL || wva == NULL)
		return false;
	/* The driver wrote both areas from its core (a pack of commands
	 * spans many lines): start every miss now, the reads of the rest of
	 * the command and the ownership of the lines the reply goes to,
	 * rather than one at a time in the copies. Hints only. Not for a
	 * reply of one line: a driver waiting for it may be reading that
	 * line, and taking it early would only bounce it once more. */
	for (nl = RTE_CACHE_LINE_SIZE; nl < rl; nl += RTE_CACHE_LINE_SIZE)
		rte_prefetch0(rva + nl);
	if (wl > RTE_CACHE_LINE_SIZE)
		for (nl = 0; nl < RTE_MIN(wl, (uint32_t)AVQ_AQ_IN_MAX + 1);
		     nl += RTE_CACHE_LINE_SIZE)
			rte_prefetch0_write(wva + nl);

	/* Copied once: the handlers read our copy, never driver memory. */
	rte_memcpy(s->out, rva, rl);
	memcpy(&hdr, s->out, sizeof(hdr));
	c.device_id = avq_le64(hdr.device_id);
	c.class_id = avq_le16(hdr.class_id);
	c.command = avq_le16(hdr.command);
	c.out = s->out + sizeof(hdr);
	c.out_len = rl - sizeof(hdr);
	c.in = s->in;
	c.in_cap = RTE_MIN(wl - 1, (uint32_t)AVQ_AQ_IN_MAX);
	d->stats.commands++;
	ack = avq_cmd_dispatch(&c);
	/* A failed command returns no in-data. */
	if (ack == AVQ_ACK_OK)
		in_len = RTE_MIN(c.in_len, c.in_cap);
	/* Strict: RFC drivers know only VIRTIO_ADMIN_OK / VIRTIO_ADMIN_ERR. */
	if (ack != AVQ_ACK_OK && d->params.strict)
		ack = AVQ_ACK_ERR;
	if (ack != AVQ_ACK_OK)
		d->stats.commands_failed++;
	wva[0] = ack;
	if (in_len > 0)
		rte_memcpy(wva + 1, s->in, in_len);

	avq_aq_trace_cmd(d, c.device_id, c.out_len, in_len, aqn, c.class_id,
			 c.command, ack);
	*used_len = 1 + in_len;
	return true;
}

/* ---- Device thread: one queue ---- */

void
avq_aq_used_put(struct rte_avq_dev *d, uint16_t aq, uint16_t id, uint32_t len)
{
	struct avq_dev_aq *q = &d->aq[aq];
	struct avq_used_elem *ue;

	/* Entries go in completion order, which need not be avail order
	 * (virtio 1.x 2.7: no VIRTIO_F_IN_ORDER on the AQ). */
	ue = &q->used->ring[q->used_idx & (q->size - 1)];
	ue->id = avq_to_le32(id);
	ue->len = avq_to_le32(len);
	q->used_idx++;
	/* U1: publishes the used element, ack and in-data; pairs with the
	 * driver's acquire load of used->idx. */
	__atomic_store_n(ring_idx_p(q->used), avq_to_le16(q->used_idx),
			 __ATOMIC_RELEASE);
}

void
avq_aq_used_signal(struct rte_avq_dev *d, uint16_t aq)
{
	struct avq_dev_aq *q = &d->aq[aq];
	uint16_t flags;

	/* Nothing to signal (the driver polls): no fence either. */
	if (q->call_fd < 0)
		return;
	/* F2: orders the used->idx store before the avail->flags load;
	 * pairs with the driver's full fence between clearing
	 * VRING_AVAIL_F_NO_INTERRUPT and re-reading used->idx. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = avq_le16(__atomic_load_n(ring_flags_p(q->avail),
					 __ATOMIC_RELAXED));
	if (!(flags & AVQ_AVAIL_F_NO_INTERRUPT) && q->call_fd >= 0)
		eventfd_write(q->call_fd, 1);
}

/* How far ahead of execution descriptors are prefetched. */
#define AVQ_AQ_PREFETCH 8
/* Chains whose used elements one store of used->idx publishes. */
#define AVQ_AQ_USED_BATCH 8

static inline void
aq_prefetch(const struct avq_dev_aq *q, uint16_t head)
{
	if (head < q->size)
		rte_prefetch0(&q->desc[head]);
}

/* How far ahead of execution command buffers are prefetched: each costs
 * a miss on a line the driver just wrote. */
#define AVQ_AQ_PREFETCH_BUF 3

/* The command buffer of the chain at @p head (its first descriptor), a
 * few chains ahead of execution: by then its descriptor is in the cache.
 * A hint only: the chain is checked when it runs. */
static inline void
aq_prefetch_buf(const struct rte_avq_dev *d, struct avq_dev_aq *q,
		uint16_t head)
{
	struct avq_desc dsc;
	uint8_t *va;

	if (head >= q->size)
		return;
	memcpy(&dsc, &q->desc[head], sizeof(dsc));
	if (avq_le32(dsc.len) == 0)
		return;
	va = aq_va(d, avq_le64(dsc.addr), 1, &q->win_rd);
	if (va != NULL)
		rte_prefetch0(va);
}

unsigned int
avq_aq_poll(struct rte_avq_dev *d, uint16_t aq, struct avq_aq_scratch *s)
{
	struct avq_dev_aq *q = &d->aq[aq];
	uint16_t avail_idx, pending, n, k, head, mask = q->size - 1;
	unsigned int written = 0, unpub = 0;
	uint32_t len;
	struct avq_used_elem *ue;

	/* A2: pairs with the driver's release store of avail->idx: the
	 * ring entries and descriptors it wrote before are visible. */
	avail_idx = avq_le16(__atomic_load_n(ring_idx_p(q->avail),
					     __ATOMIC_ACQUIRE));
	pending = (uint16_t)(avail_idx - q->last_avail);
	if (pending == 0)
		return 0;
	if (pending > q->size)
		/* virtio 2.7.13: the driver never exposes more than the
		 * ring holds. Consume anyway, a ring at a time: every chain
		 * is checked, and leaving them would keep the thread busy. */
		AVQ_DEV_LOG(ERR, d, "AQ %u: avail idx %u is %u ahead of %u",
			    aq, avail_idx, pending, q->last_avail);
	n = RTE_MIN(pending, q->size);
	/* The driver wrote these descriptors from its core: start their
	 * misses together (a hint only; aq_walk() checks every index). */
	for (k = 0; k < RTE_MIN(n, (uint16_t)AVQ_AQ_PREFETCH); k++) {
		head = avq_le16(q->avail->ring[(uint16_t)(q->last_avail + k) & mask]);
		if (head < q->size)
			rte_prefetch0(&q->desc[head]);
	}
	for (k = 1; k < RTE_MIN(n, (uint16_t)AVQ_AQ_PREFETCH_BUF); k++)
		aq_prefetch_buf(d, q, avq_le16(q->avail->ring[
			(uint16_t)(q->last_avail + k) & mask]));
	for (k = 0; k < n; k++) {
		head = avq_le16(q->avail->ring[q->last_avail & mask]);
		q->last_avail++;
		if (k + AVQ_AQ_PREFETCH < n)
			aq_prefetch(q, avq_le16(q->avail->ring[
				(uint16_t)(q->last_avail + AVQ_AQ_PREFETCH - 1) & mask]));
		if (k + AVQ_AQ_PREFETCH_BUF < n)
			aq_prefetch_buf(d, q, avq_le16(q->avail->ring[
				(uint16_t)(q->last_avail + AVQ_AQ_PREFETCH_BUF - 1) & mask]));
		/* Fault injection needs the general path (it may fail the
		 * command before execution). */
		if (d->fault.active ||
		    !aq_exec_simple(d, aq, head, s, &len))
			len = aq_exec_chain(d, aq, head, s);
		/* Fault injection may hold or drop the completion (and then
		 * writes and signals it itself). */
		if (d->fault.active) {
			if (avq_fault_stage(d, aq, head, len) == AVQ_STAGE_NOW) {
				avq_aq_used_put(d, aq, head, len);
				written++;
			}
			continue;
		}
		/* The element now, used->idx every AVQ_AQ_USED_BATCH chains
		 * and after the last: the driver polls that line, and each
		 * store to it is a transfer between the cores. */
		ue = &q->used->ring[q->used_idx & mask];
		ue->id = avq_to_le32(head);
		ue->len = avq_to_le32(len);
		q->used_idx++;
		written++;
		if (++unpub == AVQ_AQ_USED_BATCH || k + 1 == n) {
			/* U1, as in avq_aq_used_put(). */
			__atomic_store_n(ring_idx_p(q->used),
					 avq_to_le16(q->used_idx), __ATOMIC_RELEASE);
			unpub = 0;
		}
	}
	if (written != 0)
		avq_aq_used_signal(d, aq);
	return n;
}
