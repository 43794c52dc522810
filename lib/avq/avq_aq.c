/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Minimal driver side of one admin queue: a split ring (virtio 1.x, 2.7) in
 * DMA memory, one command in flight, completion by polling the used ring.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "rte_avq_aq.h"
#include "rte_avq_engine.h"
#include "avq_private.h"

RTE_LOG_REGISTER_DEFAULT(avq_logtype, NOTICE);

/* Ack value the driver writes before posting: a device that completes the
 * chain without writing an ack leaves it in place.
 */
#define AQ_ACK_UNWRITTEN	0xff

/* The command buffer holds the header and up to RTE_AVQ_AQ_BUF_SIZE bytes
 * of out-data, the reply buffer the ack and up to RTE_AVQ_AQ_BUF_SIZE bytes
 * of in-data.
 */
#define AQ_MSG_BUF_SIZE		(RTE_AVQ_AQ_BUF_SIZE + 16)

#define AQ_PAGE_SIZE		4096

struct rte_avq_aq {
	const struct rte_avq_transport *t;
	/* A view over an engine (rte_avq_aq_engine()): commands go through
	 * rte_avq_exec(), none of the fields below is used.
	 */
	struct rte_avq_engine *engine;
	const char *name;		/* transport name, for logs */
	uint16_t index;
	uint16_t size;

	/* One DMA block: rings, command, reply and scratch buffers. */
	uint8_t *mem;
	size_t mem_len;
	size_t rings_len;		/* desc + avail + used, for reset */
	uint64_t mem_dma;

	struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint64_t desc_dma, avail_dma, used_dma;

	uint8_t *cmd;
	uint8_t *reply;
	uint8_t *scratch;
	uint64_t cmd_dma, reply_dma, scratch_dma;

	uint16_t avail_idx;		/* next avail->idx to publish */
	uint16_t used_idx;		/* next used entry to consume */
	/* A chain timed out or the device answered out of turn: the device
	 * may still own our buffers, so nothing is posted until a reset.
	 */
	bool broken;
};

/* Byte offsets of the parts of the DMA block. */
struct aq_layout {
	size_t avail;
	size_t used;
	size_t rings_end;
	size_t cmd;
	size_t reply;
	size_t scratch;
	size_t total;
};

static void
aq_layout(uint16_t size, struct aq_layout *l)
{
	/* virtio 2.7: descriptor table 16-aligned (offset 0 of a page),
	 * available ring 2-aligned, used ring 4-aligned.
	 */
	l->avail = RTE_ALIGN_CEIL(AVQ_DESC_AREA_SIZE(size), 2);
	/* The used ring is the only part of the rings the device writes: give
	 * it its own page so the device's stores never share a cache line
	 * with the driver's descriptor and avail writes.
	 */
	l->used = RTE_ALIGN_CEIL(l->avail + AVQ_AVAIL_AREA_SIZE(size),
				 AQ_PAGE_SIZE);
	l->rings_end = l->used + AVQ_USED_AREA_SIZE(size);
	/* Driver-written command buffer on a new page, device-written reply
	 * buffer on its own cache lines.
	 */
	l->cmd = RTE_ALIGN_CEIL(l->rings_end, AQ_PAGE_SIZE);
	l->reply = RTE_ALIGN_CEIL(l->cmd + AQ_MSG_BUF_SIZE,
				  RTE_CACHE_LINE_SIZE);
	l->scratch = RTE_ALIGN_CEIL(l->reply + AQ_MSG_BUF_SIZE,
				    RTE_CACHE_LINE_SIZE);
	l->total = RTE_ALIGN_CEIL(l->scratch + RTE_AVQ_AQ_BUF_SIZE,
				  AQ_PAGE_SIZE);
}

static bool
aq_size_valid(uint16_t size)
{
	/* A command is a chain of two descriptors. */
	return size >= 2 && rte_is_power_of_2(size);
}

static void
aq_rings_clear(struct rte_avq_aq *aq)
{
	memset(aq->mem, 0, aq->rings_len);
	/* We poll the used ring: ask the device not to interrupt
	 * (virtio 2.7.7, VIRTQ_AVAIL_F_NO_INTERRUPT).
	 */
	aq->avail->flags = avq_to_le16(AVQ_AVAIL_F_NO_INTERRUPT);
	aq->avail_idx = 0;
	aq->used_idx = 0;
}

static int
aq_program(struct rte_avq_aq *aq)
{
	const struct rte_avq_transport *t = aq->t;
	int ret;

	ret = t->ops->aq_setup(t->ctx, aq->index, aq->size, aq->desc_dma,
			       aq->avail_dma, aq->used_dma);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s aq%u: setup failed: %s", aq->name, aq->index,
			strerror(-ret));
		return ret;
	}
	ret = t->ops->aq_enable(t->ctx, aq->index, 1);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s aq%u: enable failed: %s", aq->name, aq->index,
			strerror(-ret));
		return ret;
	}
	return 0;
}

static bool
aq_transport_valid(const struct rte_avq_transport *t)
{
	const struct rte_avq_transport_ops *o;

	if (t == NULL || t->ops == NULL)
		return false;
	o = t->ops;
	return o->max_aq_size != NULL && o->dma_map != NULL &&
		o->dma_unmap != NULL && o->aq_setup != NULL &&
		o->aq_enable != NULL && o->aq_kick != NULL &&
		o->dma_addr != NULL;
}

struct rte_avq_aq *
rte_avq_aq_create(const struct rte_avq_transport *t, uint16_t index,
		  uint16_t size, int socket)
{
	struct rte_avq_aq *aq;
	struct aq_layout l;
	const char *name;
	int ret;

	if (!aq_transport_valid(t)) {
		AVQ_LOG(ERR, "aq create: transport without the required ops");
		rte_errno = EINVAL;
		return NULL;
	}
	name = t->name != NULL ? t->name : "?";
	if (t->ops->num_aqs != NULL && index >= t->ops->num_aqs(t->ctx)) {
		AVQ_LOG(ERR, "%s aq%u: index out of range (%u admin queues)",
			name, index, t->ops->num_aqs(t->ctx));
		rte_errno = ERANGE;
		return NULL;
	}
	if (size == 0)
		size = t->ops->max_aq_size(t->ctx);
	if (!aq_size_valid(size)) {
		AVQ_LOG(ERR, "%s aq%u: size %u is not a power of two >= 2",
			name, index, size);
		rte_errno = EINVAL;
		return NULL;
	}
	if (size > t->ops->max_aq_size(t->ctx)) {
		AVQ_LOG(ERR, "%s aq%u: size %u above the device maximum %u",
			name, index, size, t->ops->max_aq_size(t->ctx));
		rte_errno = ERANGE;
		return NULL;
	}

	aq = rte_zmalloc_socket("avq_aq", sizeof(*aq), RTE_CACHE_LINE_SIZE,
				socket);
	if (aq == NULL) {
		AVQ_LOG(ERR, "%s aq%u: no memory for the queue", name, index);
		ret = -ENOMEM;
		goto fail_alloc;
	}
	aq->t = t;
	aq->name = name;
	aq->index = index;
	aq->size = size;

	aq_layout(size, &l);
	aq->mem = rte_zmalloc_socket("avq_aq_dma", l.total, AQ_PAGE_SIZE,
				     socket);
	if (aq->mem == NULL) {
		AVQ_LOG(ERR, "%s aq%u: no memory for %zu bytes of rings",
			name, index, l.total);
		ret = -ENOMEM;
		goto fail_mem;
	}
	aq->mem_len = l.total;
	aq->rings_len = l.rings_end;
	aq->mem_dma = t->ops->dma_addr(t->ctx, aq->mem);

	aq->desc = (struct avq_desc *)aq->mem;
	aq->avail = (struct avq_avail *)(aq->mem + l.avail);
	aq->used = (struct avq_used *)(aq->mem + l.used);
	aq->cmd = aq->mem + l.cmd;
	aq->reply = aq->mem + l.reply;
	aq->scratch = aq->mem + l.scratch;
	aq->desc_dma = aq->mem_dma;
	aq->avail_dma = aq->mem_dma + l.avail;
	aq->used_dma = aq->mem_dma + l.used;
	aq->cmd_dma = aq->mem_dma + l.cmd;
	aq->reply_dma = aq->mem_dma + l.reply;
	aq->scratch_dma = aq->mem_dma + l.scratch;
	aq_rings_clear(aq);

	ret = t->ops->dma_map(t->ctx, aq->mem, aq->mem_dma, aq->mem_len);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s aq%u: DMA map of %zu bytes failed: %s",
			name, index, aq->mem_len, strerror(-ret));
		goto fail_map;
	}

	ret = aq_program(aq);
	if (ret < 0)
		goto fail_program;

	AVQ_LOG(DEBUG, "%s aq%u: %u entries, rings at 0x%" PRIx64, name,
		index, size, aq->mem_dma);
	return aq;

fail_program:
	t->ops->aq_enable(t->ctx, index, 0);
	t->ops->dma_unmap(t->ctx, aq->mem_dma, aq->mem_len);
fail_map:
	rte_free(aq->mem);
fail_mem:
	rte_free(aq);
fail_alloc:
	rte_errno = -ret;
	return NULL;
}

void
rte_avq_aq_free(struct rte_avq_aq *aq)
{
	const struct rte_avq_transport *t;

	if (aq == NULL)
		return;
	if (aq->engine != NULL) {
		rte_free(aq);
		return;
	}
	t = aq->t;
	/* Disable first: the device must stop touching the block before it
	 * leaves its DMA windows.
	 */
	t->ops->aq_enable(t->ctx, aq->index, 0);
	t->ops->dma_unmap(t->ctx, aq->mem_dma, aq->mem_len);
	rte_free(aq->mem);
	rte_free(aq);
}

uint16_t
rte_avq_aq_size(const struct rte_avq_aq *aq)
{
	if (aq != NULL && aq->engine != NULL)
		return 0;
	return aq != NULL ? aq->size : 0;
}

const struct rte_avq_transport *
rte_avq_aq_transport(const struct rte_avq_aq *aq)
{
	return aq != NULL ? aq->t : NULL;
}

void *
rte_avq_aq_scratch(struct rte_avq_aq *aq, uint64_t *dma)
{
	if (aq == NULL || aq->engine != NULL)
		return NULL;
	if (dma != NULL)
		*dma = aq->scratch_dma;
	return aq->scratch;
}

static uint64_t
aq_deadline(uint64_t timeout_us)
{
	uint64_t hz = rte_get_timer_hz();

	if (timeout_us == 0)
		timeout_us = RTE_AVQ_AQ_TIMEOUT_US;
	/* Saturate rather than wrap for absurdly long timeouts. */
	if (hz != 0 && timeout_us > UINT64_MAX / hz)
		return UINT64_MAX;
	return rte_get_timer_cycles() + timeout_us * hz / US_PER_S;
}

/* Make head @p head available and notify the device if it wants it. */
static void
aq_publish(struct rte_avq_aq *aq, uint16_t head)
{
	const struct rte_avq_transport *t = aq->t;
	uint16_t flags;

	aq->avail->ring[aq->avail_idx & (aq->size - 1)] = avq_to_le16(head);
	aq->avail_idx++;
	/* A1: pairs with the device's ACQUIRE load of avail->idx in
	 * avq_dev_aq.c: the descriptors, the command buffer and the ring
	 * entry are visible before the new index.
	 */
	__atomic_store_n(&aq->avail->idx, avq_to_le16(aq->avail_idx),
			 __ATOMIC_RELEASE);
	/* F1: pairs with the device's fence between clearing
	 * AVQ_USED_F_NO_NOTIFY and re-reading avail->idx before it sleeps
	 * (avq_dev_aq.c): either it sees our index or we see the flag clear
	 * and kick. virtio 2.7.10: notify unless VIRTQ_USED_F_NO_NOTIFY.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = avq_le16(__atomic_load_n(&aq->used->flags, __ATOMIC_RELAXED));
	if (!(flags & AVQ_USED_F_NO_NOTIFY))
		t->ops->aq_kick(t->ctx, aq->index);
}

/*
 * Wait for the one used entry of the chain just published.
 * Returns 0 with @p e filled, -ETIMEDOUT, or -EPROTO when the device
 * produced more than one entry. Both errors leave the queue broken.
 */
static int
aq_wait(struct rte_avq_aq *aq, uint64_t timeout_us, struct avq_used_elem *e)
{
	uint64_t deadline = aq_deadline(timeout_us);
	const struct avq_used_elem *ue;
	uint16_t idx;
	bool late = false;

	for (;;) {
		/* A2: pairs with the device's RELEASE store of used->idx in
		 * avq_dev_aq.c: the used element and the reply are visible
		 * once the new index is.
		 */
		idx = avq_le16(__atomic_load_n(&aq->used->idx,
					       __ATOMIC_ACQUIRE));
		if (idx != aq->used_idx)
			break;
		if (late) {
			aq->broken = true;
			AVQ_LOG(ERR, "%s aq%u: no completion within the timeout, queue needs a reset",
				aq->name, aq->index);
			return -ETIMEDOUT;
		}
		/* One more look after the deadline: we may have been
		 * descheduled while the device completed.
		 */
		if (rte_get_timer_cycles() >= deadline)
			late = true;
		else
			rte_pause();
	}
	if ((uint16_t)(idx - aq->used_idx) != 1) {
		aq->broken = true;
		AVQ_LOG(ERR, "%s aq%u: device advanced used->idx by %u for one chain",
			aq->name, aq->index, (uint16_t)(idx - aq->used_idx));
		return -EPROTO;
	}
	ue = &aq->used->ring[aq->used_idx & (aq->size - 1)];
	e->id = avq_le32(ue->id);
	e->len = avq_le32(ue->len);
	aq->used_idx++;
	return 0;
}

static void
aq_desc_write(struct avq_desc *d, uint64_t addr, uint32_t len,
	      uint16_t flags, uint16_t next)
{
	d->addr = avq_to_le64(addr);
	d->len = avq_to_le32(len);
	d->flags = avq_to_le16(flags);
	d->next = avq_to_le16(next);
}

/* Sum of segment lengths, or -EINVAL/-E2BIG. */
static int64_t
aq_segs_len(const struct avq_seg *s, unsigned int n)
{
	uint64_t total = 0;
	unsigned int i;

	if (n > 0 && s == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i].len > 0 && s[i].buf == NULL)
			return -EINVAL;
		total += s[i].len;
		if (total > RTE_AVQ_AQ_BUF_SIZE)
			return -E2BIG;
	}
	return (int64_t)total;
}

/* Gather @p s into one buffer: the only piece itself, or @p bounce. */
static void *
aq_gather(const struct avq_seg *s, unsigned int n, uint32_t total,
	  void **bounce)
{
	unsigned int i, used = 0;
	uint8_t *p;

	*bounce = NULL;
	for (i = 0; i < n; i++)
		if (s[i].len > 0)
			used++;
	if (total == 0)
		return NULL;
	if (used == 1)
		for (i = 0; i < n; i++)
			if (s[i].len > 0)
				return s[i].buf;
	*bounce = malloc(total);
	if (*bounce == NULL)
		return NULL;
	p = *bounce;
	for (i = 0; i < n; i++) {
		if (s[i].len == 0)
			continue;
		memcpy(p, s[i].buf, s[i].len);
		p += s[i].len;
	}
	return *bounce;
}

/* avq_aq_exec_v() of an engine view: one rte_avq_exec(), which is
 * thread-safe, so a view may be shared by every thread.
 */
static int
aq_engine_exec_v(struct rte_avq_aq *aq, uint64_t device_id,
		 uint16_t class_id, uint16_t command,
		 const struct avq_seg *out, unsigned int nout, uint32_t out_len,
		 const struct avq_seg *in, unsigned int nin, uint32_t in_len,
		 struct rte_avq_result *res)
{
	void *obounce = NULL, *ibounce = NULL, *ibuf = NULL;
	struct rte_avq_cmd c;
	unsigned int i, used = 0;
	uint32_t got = 0, off, n;
	uint8_t ack = 0;
	int ret;

	memset(&c, 0, sizeof(c));
	c.device_id = device_id;
	c.class_id = class_id;
	c.command = command;
	c.out_len = out_len;
	c.out = aq_gather(out, nout, out_len, &obounce);
	if (out_len > 0 && c.out == NULL)
		return -ENOMEM;
	/* Scatter needs a bounce buffer only when the in-data has several
	 * pieces.
	 */
	for (i = 0; i < nin; i++)
		if (in[i].len > 0) {
			used++;
			ibuf = in[i].buf;
		}
	if (used > 1) {
		ibounce = malloc(in_len);
		if (ibounce == NULL) {
			free(obounce);
			return -ENOMEM;
		}
		ibuf = ibounce;
	}
	c.in_len = in_len;
	c.in = ibuf;

	ret = rte_avq_exec(aq->engine, &c, &ack, &got);
	free(obounce);
	if (ret == -EPROTO) {
		res->ack = AQ_ACK_UNWRITTEN;
		res->in_len = 0;
		res->used_len = 0;
	}
	if (ret < 0) {
		free(ibounce);
		return ret;
	}
	if (got > in_len)
		got = in_len;
	res->ack = ack;
	res->in_len = got;
	res->used_len = got + 1;
	if (ibounce != NULL) {
		for (i = 0, off = 0; i < nin && off < got; i++) {
			n = RTE_MIN(in[i].len, got - off);
			if (n == 0)
				continue;
			memcpy(in[i].buf, (uint8_t *)ibounce + off, n);
			off += n;
		}
		free(ibounce);
	}
	return 0;
}

struct rte_avq_aq *
rte_avq_aq_engine(struct rte_avq_engine *e)
{
	struct rte_avq_aq *aq;

	if (e == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	aq = rte_zmalloc("avq_aq_view", sizeof(*aq), RTE_CACHE_LINE_SIZE);
	if (aq == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	aq->engine = e;
	aq->t = rte_avq_engine_transport(e);
	aq->name = aq->t != NULL && aq->t->name != NULL ? aq->t->name : "?";
	return aq;
}

int
avq_aq_exec_v(struct rte_avq_aq *aq, uint64_t device_id,
	      uint16_t class_id, uint16_t command,
	      const struct avq_seg *out, unsigned int nout,
	      const struct avq_seg *in, unsigned int nin,
	      struct rte_avq_result *res, uint64_t timeout_us)
{
	struct avq_cmd_hdr hdr;
	struct avq_used_elem e;
	int64_t out_len, in_len;
	uint32_t copy, off, n;
	uint16_t head;
	unsigned int i;
	uint8_t *p;
	int ret;

	if (aq == NULL || res == NULL)
		return -EINVAL;
	out_len = aq_segs_len(out, nout);
	if (out_len < 0)
		return (int)out_len;
	in_len = aq_segs_len(in, nin);
	if (in_len < 0)
		return (int)in_len;
	if (aq->engine != NULL)
		return aq_engine_exec_v(aq, device_id, class_id, command, out,
					nout, (uint32_t)out_len, in, nin,
					(uint32_t)in_len, res);
	if (aq->broken)
		return -EIO;

	hdr.device_id = avq_to_le64(device_id);
	hdr.class_id = avq_to_le16(class_id);
	hdr.command = avq_to_le16(command);
	memcpy(aq->cmd, &hdr, sizeof(hdr));
	p = aq->cmd + sizeof(hdr);
	for (i = 0; i < nout; i++) {
		if (out[i].len == 0)
			continue;
		memcpy(p, out[i].buf, out[i].len);
		p += out[i].len;
	}
	aq->reply[0] = AQ_ACK_UNWRITTEN;

	/* Heads rotate over the table so that a stale or forged used id is
	 * told apart from the chain in flight. size is a power of two >= 2,
	 * so head + 1 stays in the table.
	 */
	head = (uint16_t)(aq->avail_idx * 2) & (aq->size - 1);
	aq_desc_write(&aq->desc[head], aq->cmd_dma,
		      (uint32_t)(sizeof(hdr) + out_len), AVQ_DESC_F_NEXT,
		      head + 1);
	aq_desc_write(&aq->desc[head + 1], aq->reply_dma,
		      (uint32_t)(1 + in_len), AVQ_DESC_F_WRITE, 0);

	aq_publish(aq, head);
	ret = aq_wait(aq, timeout_us, &e);
	if (ret < 0)
		return ret;
	if (e.id != head) {
		aq->broken = true;
		AVQ_LOG(ERR, "%s aq%u: used id %u, posted %u", aq->name,
			aq->index, e.id, head);
		return -EPROTO;
	}
	res->used_len = e.len;
	if (e.len == 0) {
		/* The chain was consumed but no ack was written. */
		AVQ_LOG(DEBUG, "%s aq%u: %s %s: used.len 0, no ack",
			aq->name, aq->index, avq_class_str(class_id),
			avq_cmd_str(class_id, command));
		res->ack = AQ_ACK_UNWRITTEN;
		res->in_len = 0;
		return -EPROTO;
	}
	copy = e.len - 1;
	if (copy > (uint32_t)in_len) {
		/* The device cannot have written past the descriptor: it
		 * over-reports. Trust only the buffer we gave it.
		 */
		AVQ_LOG(WARNING, "%s aq%u: used.len %u exceeds the %u-byte reply buffer",
			aq->name, aq->index, e.len, (uint32_t)(1 + in_len));
		copy = (uint32_t)in_len;
	}
	res->ack = aq->reply[0];
	res->in_len = copy;
	for (i = 0, off = 0; i < nin && off < copy; i++) {
		n = RTE_MIN(in[i].len, copy - off);
		if (n == 0)
			continue;
		memcpy(in[i].buf, aq->reply + 1 + off, n);
		off += n;
	}
	return 0;
}

int
rte_avq_aq_exec(struct rte_avq_aq *aq, uint64_t device_id,
		uint16_t class_id, uint16_t command,
		const void *out, uint32_t out_len,
		void *in, uint32_t in_len,
		struct rte_avq_result *res, uint64_t timeout_us)
{
	const struct avq_seg o = { .buf = (void *)(uintptr_t)out, .len = out_len };
	const struct avq_seg i = { .buf = in, .len = in_len };
	struct rte_avq_result tmp;

	if (out_len > RTE_AVQ_AQ_BUF_SIZE || in_len > RTE_AVQ_AQ_BUF_SIZE)
		return -E2BIG;
	return avq_aq_exec_v(aq, device_id, class_id, command, &o, 1, &i, 1,
			     res != NULL ? res : &tmp, timeout_us);
}

int
rte_avq_aq_cmd(struct rte_avq_aq *aq, uint64_t device_id,
	       uint16_t class_id, uint16_t command,
	       const void *out, uint32_t out_len, void *in, uint32_t in_len)
{
	struct rte_avq_result res;
	int ret;

	ret = rte_avq_aq_exec(aq, device_id, class_id, command, out, out_len,
			      in, in_len, &res, 0);
	if (ret < 0)
		return ret;
	/* RFC admin VQ: any non-zero ack is a failure; the extension acks
	 * only refine the errno.
	 */
	if (res.ack != AVQ_ACK_OK)
		AVQ_LOG(DEBUG, "%s aq%u: device %" PRIu64 " %s %s: ack %s (%u)",
			aq->name, aq->index, device_id, avq_class_str(class_id),
			avq_cmd_str(class_id, command), avq_ack_str(res.ack),
			res.ack);
	return avq_ack_errno(res.ack);
}

int
rte_avq_aq_exec_raw(struct rte_avq_aq *aq,
		    const struct rte_avq_raw_desc *d, uint16_t n,
		    uint16_t head, uint32_t *used_len, uint64_t timeout_us)
{
	struct avq_used_elem e;
	uint16_t i;
	int ret;

	if (aq == NULL || (n > 0 && d == NULL))
		return -EINVAL;
	if (aq->engine != NULL)
		return -ENOTSUP;
	if (n > aq->size)
		return -E2BIG;
	if (aq->broken)
		return -EIO;

	/* Verbatim: the point is to hand the device chains it must reject.
	 * @p head is published as given, even outside the table.
	 */
	for (i = 0; i < n; i++)
		aq_desc_write(&aq->desc[i], d[i].addr, d[i].len, d[i].flags,
			      d[i].next);

	aq_publish(aq, head);
	ret = aq_wait(aq, timeout_us, &e);
	if (ret < 0)
		return ret;
	if (used_len != NULL)
		*used_len = e.len;
	if (e.id != head) {
		aq->broken = true;
		AVQ_LOG(ERR, "%s aq%u: raw chain: used id %u, posted %u",
			aq->name, aq->index, e.id, head);
		return -EPROTO;
	}
	return 0;
}

int
rte_avq_aq_reset(struct rte_avq_aq *aq)
{
	const struct rte_avq_transport *t;
	int ret;

	if (aq == NULL)
		return -EINVAL;
	if (aq->engine != NULL)
		return -ENOTSUP;
	t = aq->t;
	/* Disabling makes the device drop its ring indices and stop reading
	 * the rings, so they can be cleared under it.
	 */
	ret = t->ops->aq_enable(t->ctx, aq->index, 0);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s aq%u: disable failed: %s", aq->name,
			aq->index, strerror(-ret));
		return ret;
	}
	aq->broken = true;
	aq_rings_clear(aq);
	ret = aq_program(aq);
	if (ret < 0)
		return ret;
	aq->broken = false;
	return 0;
}
