/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Admin-queue engine, submission side: queue set-up, descriptor slots (a
 * lock-free stack per queue), position reservation, publication of
 * avail->idx with helping, doorbells and reset. The completion side
 * (harvest, ordered delivery, timeouts) is in avq_engine_cq.c, handles,
 * exec, batches and statistics in avq_engine_req.c.
 *
 * No lock is taken anywhere: every shared word is changed by CAS or
 * fetch-add, and no submitter waits for another (see avq_engine.rst).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_memory.h>
#include <rte_pause.h>
#if defined(RTE_ARCH_X86)
#include <cpuid.h>
#endif

#include "rte_avq_aq.h"
#include "avq_engine_private.h"

#define AE_PAGE_SIZE		4096
#define AE_DEF_MAX_BUF		4096u
#define AE_DEF_TIMEOUT_US	(2ull * 1000 * 1000)
/* The device model gathers at most 64 KiB of out-data and writes at most
 * 64 KiB of in-data, as the minimal path's RTE_AVQ_AQ_BUF_SIZE.
 */
#define AE_MAX_BUF		RTE_AVQ_AQ_BUF_SIZE
/* Ack value written before posting: a device that returns the chain without
 * writing the ack leaves it (used.len 0 tells the same).
 */
/* Handles per descriptor slot in the pool: room for handles the owner has
 * not freed yet while the slots are reused.
 */
#define AE_REQS_PER_SLOT	2

/* ------------------------------------------------------------------ */
/* Lock-free stacks (Treiber): head = ABA tag << 32 | top index         */
/* ------------------------------------------------------------------ */

uint32_t
avq_engine_stack_pop(uint64_t *head, uint32_t *next)
{
	uint64_t h, nh;
	uint32_t top, nxt;

	/* S1: pairs with the release CAS of S2 in avq_engine_stack_push():
	 * the pusher's link and everything it did with the element before
	 * (e.g. a deliverer's reads of a slot buffer) happen before our use.
	 */
	h = __atomic_load_n(head, __ATOMIC_ACQUIRE);
	for (;;) {
		top = (uint32_t)h;
		if (top == AE_STACK_EMPTY)
			return AE_STACK_EMPTY;
		/* May read a link a concurrent pop/push is rewriting: the tag
		 * then differs and the CAS below fails.
		 */
		nxt = __atomic_load_n(&next[top], __ATOMIC_RELAXED);
		nh = ((h >> 32) + 1) << 32 | nxt;
		/* S1 again on success and on failure (h is reloaded). */
		if (__atomic_compare_exchange_n(head, &h, nh, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_ACQUIRE))
			return top;
	}
}

void
avq_engine_stack_push(uint64_t *head, uint32_t *next, uint32_t idx)
{
	uint64_t h, nh;

	h = __atomic_load_n(head, __ATOMIC_RELAXED);
	do {
		__atomic_store_n(&next[idx], (uint32_t)h, __ATOMIC_RELAXED);
		nh = ((h >> 32) + 1) << 32 | idx;
		/* S2: pairs with the acquire load/CAS S1 of the next popper. */
	} while (!__atomic_compare_exchange_n(head, &h, nh, false,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

unsigned int
avq_engine_stack_pop_bulk(uint64_t *head, uint32_t *next, uint32_t lim,
			  uint32_t *out, unsigned int n)
{
	uint64_t h, nh;
	uint32_t x;
	unsigned int k;

	if (n == 0)
		return 0;
	/* S1 as in avq_engine_stack_pop(). */
	h = __atomic_load_n(head, __ATOMIC_ACQUIRE);
	for (;;) {
		/* Walk n links from the top. If the head is unchanged at the
		 * CAS, nobody popped or pushed meanwhile, so every link read
		 * belonged to an element that stayed in the stack: the chain
		 * is consistent. A link read while others moved elements may
		 * be garbage: bounded by @p lim, and the CAS then fails.
		 */
		x = (uint32_t)h;
		for (k = 0; k < n && x < lim; k++) {
			out[k] = x;
			x = __atomic_load_n(&next[x], __ATOMIC_RELAXED);
		}
		if (k == 0)
			return 0;
		if (x >= lim)
			x = AE_STACK_EMPTY;
		nh = ((h >> 32) + 1) << 32 | x;
		/* S1 again on success and on failure. */
		if (__atomic_compare_exchange_n(head, &h, nh, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_ACQUIRE))
			return k;
	}
}

void
avq_engine_stack_push_bulk(uint64_t *head, uint32_t *next, const uint32_t *idx,
			   unsigned int n)
{
	uint64_t h, nh;
	unsigned int k;

	if (n == 0)
		return;
	/* Link the elements among themselves once; only the last one's link
	 * depends on the head. */
	for (k = 0; k + 1 < n; k++)
		__atomic_store_n(&next[idx[k]], idx[k + 1], __ATOMIC_RELAXED);
	h = __atomic_load_n(head, __ATOMIC_RELAXED);
	do {
		__atomic_store_n(&next[idx[n - 1]], (uint32_t)h, __ATOMIC_RELAXED);
		nh = ((h >> 32) + 1) << 32 | idx[0];
		/* S2, as in avq_engine_stack_push(). */
	} while (!__atomic_compare_exchange_n(head, &h, nh, false,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

void
avq_engine_slot_free(struct ae_queue *q, uint32_t s)
{
	__atomic_store_n(&q->slots[s].busy, 0, __ATOMIC_RELAXED);
	avq_engine_stack_push(&q->free_head, q->slot_next, s);
}

void
avq_engine_slots_free(struct ae_queue *q, const uint32_t *s, unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		__atomic_store_n(&q->slots[s[k]].busy, 0, __ATOMIC_RELAXED);
	avq_engine_stack_push_bulk(&q->free_head, q->slot_next, s, n);
}

void
avq_engine_req_put(struct rte_avq_engine *e, struct rte_avq_req *r)
{
	__atomic_store_n(&r->state, AE_REQ_FREE, __ATOMIC_RELAXED);
	avq_engine_stack_push(&e->req_head, e->req_next, r->idx);
}

/* ------------------------------------------------------------------ */
/* Entering and leaving (reset waits for threads inside)               */
/* ------------------------------------------------------------------ */

bool
avq_engine_enter(struct rte_avq_engine *e)
{
	bool shared;
	struct ae_stats *st = ae_st(e, &shared);

	/* D1: Dekker with D2 in rte_avq_engine_reset(): we announce
	 * ourselves then read the state, reset writes the state then reads
	 * every count; with a full fence on both sides one of us sees the
	 * other. Our own line: a plain store and a fence, no locked RMW on a
	 * line other threads write.
	 */
	if (shared) {
		__atomic_fetch_add(&st->active, 1, __ATOMIC_SEQ_CST);
	} else {
		__atomic_store_n(&st->active, st->active + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != AE_RUNNING) {
		avq_engine_leave(e);
		return false;
	}
	return true;
}

void
avq_engine_leave(struct rte_avq_engine *e)
{
	bool shared;
	struct ae_stats *st = ae_st(e, &shared);

	/* D3: release: our ring, cell and slot writes happen before reset's
	 * acquire load of a zero count (D2) and its rebuild of them.
	 */
	if (shared)
		__atomic_fetch_sub(&st->active, 1, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&st->active, st->active - 1, __ATOMIC_RELEASE);
}

/* D2 (continued): wait until no thread is inside. SEQ_CST loads; they also
 * acquire the releases of D3 by the threads that left. */
static void
ae_wait_outside(struct rte_avq_engine *e)
{
	unsigned int i;

	for (i = 0; i < AE_NLCORE; i++)
		while (__atomic_load_n(&e->st[i].active, __ATOMIC_SEQ_CST) != 0)
			rte_pause();
}

/* ------------------------------------------------------------------ */
/* Queue set-up                                                        */
/* ------------------------------------------------------------------ */

static inline void
ae_desc_len(struct avq_desc *d, uint32_t len)
{
	rte_le32_t v = avq_to_le32(len);

	if (d->len != v)
		d->len = v;
}

static void
ae_desc_write(struct avq_desc *d, uint64_t addr, uint32_t len,
	      uint16_t flags, uint16_t next)
{
	d->addr = avq_to_le64(addr);
	d->len = avq_to_le32(len);
	d->flags = avq_to_le16(flags);
	d->next = avq_to_le16(next);
}

/* Rings zeroed, descriptors pre-written, every slot and cell free. Only
 * with the queue disabled and no other thread in the engine.
 */
static void
ae_queue_init_state(struct ae_queue *q)
{
	uint32_t s, c;
	uint64_t dma;

	memset(q->mem, 0, q->rings_len);
	/* We poll the used ring: no interrupts (virtio 2.7.7). */
	q->avail->flags = avq_to_le16(AVQ_AVAIL_F_NO_INTERRUPT);
	/* Every slot's pair of descriptors is fixed; a submission only
	 * rewrites the two lengths.
	 */
	for (s = 0; s < q->nslots; s++) {
		dma = q->bufs_dma + (uint64_t)s * q->buf_stride;
		ae_desc_write(&q->desc[2 * s], dma, 0, AVQ_DESC_F_NEXT,
			      (uint16_t)(2 * s + 1));
		ae_desc_write(&q->desc[2 * s + 1], dma + q->in_off, 0,
			      AVQ_DESC_F_WRITE, 0);
		q->slots[s].busy = 0;
		q->slots[s].pos = 0;
		q->slots[s].len = 0;
		q->slot_next[s] = s + 1 < q->nslots ? s + 1 : AE_STACK_EMPTY;
	}
	q->free_head = 0;	/* tag 0, top slot 0 */
	/* Cell c is free for position c: its previous lap (c - N) is
	 * delivered and its submitter is out.
	 */
	for (c = 0; c < q->size; c++) {
		memset(&q->cells[c], 0, sizeof(q->cells[c]));
		q->cells[c].state = AE_W(c - q->size, AE_ST_DELIVERED);
		q->cells[c].owner_out = c - q->size;
	}
	q->prod = 0;
	q->kicked = 0;
	q->cons = 0;
	q->oldest = 0;
	q->tmo_check = 0;
	q->holds = 0;
}

static int
ae_queue_program(struct ae_queue *q)
{
	const struct rte_avq_transport *t = q->e->t;
	int ret;

	ret = t->ops->aq_setup(t->ctx, q->index, q->size, q->desc_dma,
			       q->avail_dma, q->used_dma);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine aq%u: setup failed: %s", q->e->name,
			q->index, strerror(-ret));
		return ret;
	}
	ret = t->ops->aq_enable(t->ctx, q->index, 1);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine aq%u: enable failed: %s", q->e->name,
			q->index, strerror(-ret));
		return ret;
	}
	return 0;
}

static void
ae_queue_free(struct ae_queue *q)
{
	const struct rte_avq_transport *t = q->e->t;

	if (q->mem != NULL) {
		t->ops->dma_unmap(t->ctx, q->mem_dma, q->mem_len);
		rte_free(q->mem);
	}
	rte_free(q->cells);
	rte_free(q->slots);
	rte_free(q->slot_next);
	q->mem = NULL;
	q->cells = NULL;
	q->slots = NULL;
	q->slot_next = NULL;
}

static int
ae_queue_alloc(struct rte_avq_engine *e, struct ae_queue *q, uint16_t index)
{
	const struct rte_avq_transport *t = e->t;
	size_t avail_off, used_off, bufs_off;
	int ret;

	q->e = e;
	q->index = index;
	q->size = e->size;
	q->mask = e->size - 1;
	q->nslots = e->size / 2;
	/* A batch keeps at most a sixteenth of the slots from others
	 * (none on small rings): whoever waits for room while a batch is
	 * open still finds slots that come back. */
	q->batch_cache = RTE_MIN((uint32_t)RTE_AVQ_BATCH_CACHE, q->nslots / 16);
	/* Readable part (header + out-data) and writable part (ack +
	 * in-data) on separate cache lines: the device's writes never share
	 * a line with the next submitter's.
	 */
	q->in_off = RTE_ALIGN_CEIL(sizeof(struct avq_cmd_hdr) + e->max_out,
				   RTE_CACHE_LINE_SIZE);
	q->buf_stride = RTE_ALIGN_CEIL(q->in_off + 1 + e->max_in,
				       RTE_CACHE_LINE_SIZE);

	/* virtio 2.7: descriptor table 16-aligned, available ring
	 * 2-aligned, used ring 4-aligned; the used ring (device-written)
	 * on a page of its own.
	 */
	avail_off = AVQ_DESC_AREA_SIZE(q->size);
	used_off = RTE_ALIGN_CEIL(avail_off + AVQ_AVAIL_AREA_SIZE(q->size),
				  AE_PAGE_SIZE);
	q->rings_len = used_off + AVQ_USED_AREA_SIZE(q->size);
	bufs_off = RTE_ALIGN_CEIL(q->rings_len, AE_PAGE_SIZE);
	q->mem_len = RTE_ALIGN_CEIL(bufs_off +
				    (size_t)q->nslots * q->buf_stride,
				    AE_PAGE_SIZE);

	q->cells = rte_zmalloc_socket("avq_engine_cells",
				      sizeof(*q->cells) * q->size,
				      RTE_CACHE_LINE_SIZE, e->socket);
	q->slots = rte_zmalloc_socket("avq_engine_slots",
				      sizeof(*q->slots) * q->nslots,
				      RTE_CACHE_LINE_SIZE, e->socket);
	q->slot_next = rte_zmalloc_socket("avq_engine_slot_next",
					  sizeof(*q->slot_next) * q->nslots,
					  RTE_CACHE_LINE_SIZE, e->socket);
	q->mem = rte_zmalloc_socket("avq_engine_dma", q->mem_len,
				    AE_PAGE_SIZE, e->socket);
	if (q->cells == NULL || q->slots == NULL || q->slot_next == NULL ||
	    q->mem == NULL) {
		AVQ_LOG(ERR, "%s engine aq%u: no memory for %zu bytes of rings and buffers",
			e->name, index, q->mem_len);
		rte_free(q->mem);
		q->mem = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	q->mem_dma = t->ops->dma_addr(t->ctx, q->mem);
	q->desc = (struct avq_desc *)q->mem;
	q->avail = (struct avq_avail *)(q->mem + avail_off);
	q->used = (struct avq_used *)(q->mem + used_off);
	q->bufs = q->mem + bufs_off;
	q->desc_dma = q->mem_dma;
	q->avail_dma = q->mem_dma + avail_off;
	q->used_dma = q->mem_dma + used_off;
	q->bufs_dma = q->mem_dma + bufs_off;

	ret = t->ops->dma_map(t->ctx, q->mem, q->mem_dma, q->mem_len);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine aq%u: DMA map of %zu bytes failed: %s",
			e->name, index, q->mem_len, strerror(-ret));
		rte_free(q->mem);
		q->mem = NULL;
		goto fail;
	}
	ae_queue_init_state(q);
	ret = ae_queue_program(q);
	if (ret < 0) {
		t->ops->aq_enable(t->ctx, index, 0);
		goto fail;
	}
	return 0;
fail:
	ae_queue_free(q);
	return ret;
}

static bool
ae_transport_valid(const struct rte_avq_transport *t)
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

static uint64_t
ae_us_to_cycles(uint64_t us)
{
	uint64_t hz = rte_get_timer_hz();

	if (hz != 0 && us > UINT64_MAX / hz)
		return UINT64_MAX / 2;
	return us * hz / US_PER_S;
}

static int
ae_conf_check(const struct rte_avq_engine_conf *conf, uint16_t *nq,
	      uint16_t *size)
{
	const struct rte_avq_transport *t = conf->transport;
	uint16_t offered, max, sync;

	if (!ae_transport_valid(t)) {
		AVQ_LOG(ERR, "engine: transport missing or without the required ops");
		return -EINVAL;
	}
	offered = t->ops->num_aqs != NULL ? t->ops->num_aqs(t->ctx) : 1;
	/* The sync queue is the one after the submission queues. */
	sync = conf->sync_queue != 0 ? 1 : 0;
	*nq = conf->num_aqs != 0 ? conf->num_aqs :
		(uint16_t)(offered > sync ? offered - sync : 0);
	if (*nq == 0 || *nq + sync > offered ||
	    *nq > RTE_AVQ_ENGINE_MAX_AQS) {
		AVQ_LOG(ERR, "%s engine: %u admin queues requested%s, %u offered",
			t->name != NULL ? t->name : "?", *nq,
			sync ? " plus a sync queue" : "", offered);
		return -ERANGE;
	}
	max = t->ops->max_aq_size(t->ctx);
	*size = conf->ring_size != 0 ? conf->ring_size : max;
	/* A command is a chain of two descriptors: at least one slot. */
	if (*size < 2 || !rte_is_power_of_2(*size) || *size > max) {
		AVQ_LOG(ERR, "%s engine: ring size %u (power of two, 2..%u)",
			t->name != NULL ? t->name : "?", *size, max);
		return -EINVAL;
	}
	if (conf->max_out > AE_MAX_BUF || conf->max_in > AE_MAX_BUF) {
		AVQ_LOG(ERR, "%s engine: max_out %u / max_in %u above %u",
			t->name != NULL ? t->name : "?", conf->max_out,
			conf->max_in, AE_MAX_BUF);
		return -EINVAL;
	}
	return 0;
}

/* PREFETCHW (CPUID 0x80000001, ECX bit 8): older CPUs may not decode it. */
static bool
ae_cpu_prefetchw(void)
{
#if defined(RTE_ARCH_X86)
	unsigned int a, b, c, d;

	if (__get_cpuid(0x80000000, &a, &b, &c, &d) == 0 || a < 0x80000001)
		return false;
	if (__get_cpuid(0x80000001, &a, &b, &c, &d) == 0)
		return false;
	return (c & (1u << 8)) != 0;
#else
	return false;
#endif
}

/*
 * conf.batch_pack: ask the device (CAP_GET) whether it offers MULTI_EXEC
 * and set the packs up if it does. A device without it is no error: the
 * batches post one chain per command.
 */
static int
ae_pack_probe(struct rte_avq_engine *e)
{
	struct rte_avq_cmd c;
	rte_le64_t caps = 0;
	uint32_t inl = 0;
	uint8_t ack = 0;
	int ret;

	memset(&c, 0, sizeof(c));
	c.device_id = AVQ_MGMT_DEVICE_ID;
	c.class_id = AVQ_CLASS_CAP;
	c.command = AVQ_CAP_GET;
	c.in = &caps;
	c.in_len = sizeof(caps);
	ret = rte_avq_exec(e, &c, &ack, &inl);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine: CAP_GET for batch_pack failed: %s",
			e->name, strerror(-ret));
		return ret;
	}
	if (ack != AVQ_ACK_OK || inl < sizeof(caps) ||
	    !(avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_MULTI)))) {
		AVQ_LOG(INFO, "%s engine: the device does not offer MULTI_EXEC: batches are not packed",
			e->name);
		return 0;
	}
	return avq_engine_pack_init(e);
}

struct rte_avq_engine *
rte_avq_engine_create(const struct rte_avq_engine_conf *conf)
{
	struct rte_avq_engine *e;
	uint16_t nq, size, i;
	uint32_t r;
	int ret;

	if (conf == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	ret = ae_conf_check(conf, &nq, &size);
	if (ret < 0) {
		rte_errno = -ret;
		return NULL;
	}
	e = rte_zmalloc_socket("avq_engine", sizeof(*e), RTE_CACHE_LINE_SIZE,
			       conf->socket);
	if (e == NULL) {
		ret = -ENOMEM;
		goto fail_engine;
	}
	e->t = conf->transport;
	e->name = e->t->name != NULL ? e->t->name : "?";
	e->nq = nq;
	e->size = size;
	e->max_out = conf->max_out != 0 ? conf->max_out : AE_DEF_MAX_BUF;
	e->max_in = conf->max_in != 0 ? conf->max_in : AE_DEF_MAX_BUF;
	e->hz = rte_get_timer_hz();
	e->ns_mult = e->hz != 0 ?
		(uint64_t)(((unsigned __int128)NS_PER_S << 32) / e->hz) : 0;
	e->tmo_cycles = ae_us_to_cycles(conf->timeout_us != 0 ?
					conf->timeout_us : AE_DEF_TIMEOUT_US);
	e->socket = conf->socket;
	e->state = AE_RUNNING;

	e->nreqs = (uint32_t)nq * (size / 2) * AE_REQS_PER_SLOT;
	e->reqs = rte_zmalloc_socket("avq_engine_reqs",
				     sizeof(*e->reqs) * e->nreqs,
				     RTE_CACHE_LINE_SIZE, conf->socket);
	e->req_next = rte_zmalloc_socket("avq_engine_req_next",
					 sizeof(*e->req_next) * e->nreqs,
					 RTE_CACHE_LINE_SIZE, conf->socket);
	e->q = rte_zmalloc_socket("avq_engine_queues", sizeof(*e->q) * nq,
				  RTE_CACHE_LINE_SIZE, conf->socket);
	e->st = rte_zmalloc_socket("avq_engine_stats",
				   RTE_ALIGN_CEIL(sizeof(*e->st), RTE_CACHE_LINE_SIZE) *
				   AE_NLCORE, RTE_CACHE_LINE_SIZE, conf->socket);
	if (e->reqs == NULL || e->req_next == NULL || e->q == NULL ||
	    e->st == NULL) {
		ret = -ENOMEM;
		goto fail_arrays;
	}
	for (r = 0; r < e->nreqs; r++) {
		e->reqs[r].e = e;
		e->reqs[r].idx = r;
		e->req_next[r] = r + 1 < e->nreqs ? r + 1 : AE_STACK_EMPTY;
	}
	e->req_head = 0;

	e->prefetchw = ae_cpu_prefetchw();
	for (i = 0; i < nq; i++) {
		ret = ae_queue_alloc(e, &e->q[i], i);
		if (ret < 0)
			goto fail_queues;
	}
	if (conf->sync_queue != 0) {
		ret = avq_engine_sq_create(e, nq);
		if (ret < 0)
			goto fail_queues;
	}
	if (conf->batch_pack != 0) {
		ret = ae_pack_probe(e);
		if (ret < 0) {
			rte_avq_engine_destroy(e);
			rte_errno = -ret;
			return NULL;
		}
	}
	AVQ_LOG(DEBUG, "%s engine: %u admin queues of %u entries, buffers %u/%u%s%s",
		e->name, nq, size, e->max_out, e->max_in,
		e->sq != NULL ? ", a sync queue" : "",
		e->packs != NULL ? ", packed batches" : "");
	return e;

fail_queues:
	while (i-- > 0) {
		e->t->ops->aq_enable(e->t->ctx, e->q[i].index, 0);
		ae_queue_free(&e->q[i]);
	}
fail_arrays:
	rte_free(e->st);
	rte_free(e->q);
	rte_free(e->req_next);
	rte_free(e->reqs);
	rte_free(e);
fail_engine:
	if (ret == -ENOMEM)
		AVQ_LOG(ERR, "%s engine: out of memory",
			conf->transport->name != NULL ?
			conf->transport->name : "?");
	rte_errno = -ret;
	return NULL;
}

/* Stop every queue and fail what is in flight. The state is RESETTING and
 * no other thread is inside.
 */
static unsigned int
ae_quiesce(struct rte_avq_engine *e)
{
	const struct rte_avq_transport *t = e->t;
	unsigned int n = 0;
	uint16_t i;
	int ret;

	for (i = 0; i < e->nq; i++) {
		/* After aq_enable(0) returns the device no longer reads the
		 * rings nor writes the used ring or our buffers.
		 */
		ret = t->ops->aq_enable(t->ctx, e->q[i].index, 0);
		if (ret < 0)
			AVQ_LOG(ERR, "%s engine aq%u: disable failed: %s",
				e->name, e->q[i].index, strerror(-ret));
	}
	for (i = 0; i < e->nq; i++)
		n += avq_engine_cancel_all(&e->q[i]);
	return n;
}

void
rte_avq_engine_destroy(struct rte_avq_engine *e)
{
	uint16_t i;

	if (e == NULL)
		return;
	/* D2 as in reset; no other thread may be inside (API contract),
	 * this only makes a stray caller leave with -ECANCELED.
	 */
	__atomic_store_n(&e->state, AE_RESETTING, __ATOMIC_SEQ_CST);
	ae_quiesce(e);
	avq_engine_sq_free(e);
	for (i = 0; i < e->nq; i++)
		ae_queue_free(&e->q[i]);
	avq_engine_pack_free(e);
	rte_free(e->st);
	rte_free(e->q);
	rte_free(e->req_next);
	rte_free(e->reqs);
	rte_free(e);
}

int
rte_avq_engine_reset(struct rte_avq_engine *e)
{
	uint32_t expect = AE_RUNNING;
	unsigned int n;
	uint16_t i;
	int ret = 0, r;

	if (e == NULL)
		return -EINVAL;
	/* D2: Dekker with D1 in avq_engine_enter(), see there. */
	if (!__atomic_compare_exchange_n(&e->state, &expect, AE_RESETTING,
					 false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		AVQ_LOG(ERR, "%s engine: reset while a reset is running",
			e->name);
		return -EBUSY;
	}
	/* The control path may wait here: submitters leave at once,
	 * pollers after their current burst. */
	ae_wait_outside(e);
	/* An exec on the sync queue is not counted as inside: take the
	 * queue from it (waits for the one in flight, if any, while the
	 * device still runs). */
	avq_engine_sq_block(e);
	n = ae_quiesce(e);
	for (i = 0; i < e->nq; i++) {
		ae_queue_init_state(&e->q[i]);
		r = ae_queue_program(&e->q[i]);
		if (r < 0 && ret == 0)
			ret = r;
	}

	AVQ_LOG(DEBUG, "%s engine: reset, %u commands failed", e->name, n);
	/* D4: release: the rebuilt rings and cells are visible to every
	 * thread that enters afterwards (its SEQ_CST load in D1).
	 */
	__atomic_store_n(&e->state, AE_RUNNING, __ATOMIC_SEQ_CST);
	/* Last: rte_avq_exec() takes the ordinary path until then. */
	r = avq_engine_sq_reopen(e);
	if (r < 0 && ret == 0)
		ret = r;
	return ret;
}

uint16_t
rte_avq_engine_num_aqs(const struct rte_avq_engine *e)
{
	return e != NULL ? e->nq : 0;
}

const struct rte_avq_transport *
rte_avq_engine_transport(const struct rte_avq_engine *e)
{
	return e != NULL ? e->t : NULL;
}

/* ------------------------------------------------------------------ */
/* Doorbells                                                           */
/* ------------------------------------------------------------------ */

void
avq_engine_queue_kick(struct ae_queue *q, bool force)
{
	const struct rte_avq_transport *t = q->e->t;
	uint16_t idx, flags;

	idx = __atomic_load_n(ae_avail_idx_p(q), __ATOMIC_RELAXED);
	if (!force && idx == __atomic_load_n(&q->kicked, __ATOMIC_RELAXED))
		return;
	/* Whoever records idx as announced makes the decision below. */
	__atomic_store_n(&q->kicked, idx, __ATOMIC_RELAXED);
	/* F1: pairs with the device's fence F1 in dev_sleep()
	 * (avq_dev_core.c) between clearing VRING_USED_F_NO_NOTIFY and
	 * re-reading avail->idx: either it sees our avail->idx or we see
	 * the flag clear and ring. virtio 2.7.10.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = avq_le16(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED));
	if (flags & AVQ_USED_F_NO_NOTIFY)
		return;
	t->ops->aq_kick(t->ctx, q->index);
	AE_STAT_ADD(q, kicks, 1);
}

void
rte_avq_engine_kick(struct rte_avq_engine *e)
{
	uint16_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nq; i++)
		avq_engine_queue_kick(&e->q[i], false);
}

/* ------------------------------------------------------------------ */
/* Submission                                                          */
/* ------------------------------------------------------------------ */

struct ae_queue *
avq_engine_queue_of(struct rte_avq_engine *e, uint64_t device_id)
{
	uint64_t h = device_id;

	if (e->nq == 1)
		return &e->q[0];
	/* splitmix64 finaliser: consecutive ids spread over the queues,
	 * one id always lands on the same queue (per-device order).
	 */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	/* The top 32 bits scaled to [0, nq): no division per command. */
	return &e->q[((h >> 32) * e->nq) >> 32];
}

/*
 * Reserve the next position of @p q. The position's cell must be free: its
 * previous lap delivered (the request table entry is reusable) and that
 * lap's submitter out of its publication step (the pin that bounds how far
 * avail->idx can move while a publisher holds an old value of it, see the
 * guide, "Publication").
 */
static int
ae_reserve(struct ae_queue *q, uint32_t *pos)
{
	struct ae_cell *c;
	uint32_t p, np;
	uint64_t w;

	p = __atomic_load_n(&q->prod, __ATOMIC_RELAXED);
	for (;;) {
		c = &q->cells[p & q->mask];
		/* R1: pairs with the SEQ_CST store of DELIVERED (V2 in
		 * avq_engine_cq.c) and the release store of owner_out (P3):
		 * the previous lap's reads of the cell are done before we
		 * overwrite it.
		 */
		w = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
		if (AE_W_POS(w) != p - q->size ||
		    AE_W_ST(w) != AE_ST_DELIVERED ||
		    __atomic_load_n(&c->owner_out, __ATOMIC_ACQUIRE) !=
		    p - q->size) {
			np = __atomic_load_n(&q->prod, __ATOMIC_RELAXED);
			if (np == p)
				return -EAGAIN;
			p = np;
			continue;
		}
		/* R2: SEQ_CST: the reservation is the submitter's half of
		 * the handshake with the sync queue (Dekker with Y1 in
		 * avq_engine_sync.c): we reserve, then read the queue's
		 * word (Y2); an exec claims the word, then reads prod and
		 * the cells. One of us sees the other. Otherwise the
		 * position is ours by this CAS alone; the acquire loads
		 * above already order our cell writes.
		 */
		if (__atomic_compare_exchange_n(&q->prod, &p, p + 1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED)) {
			*pos = p;
			return 0;
		}
	}
}

/*
 * Publish every stamped entry from avail->idx on, as long as our own entry
 * @p own is not published yet. Returns true when a doorbell decision is
 * needed (we published entries of other submitters, or ours without
 * F_NO_KICK).
 *
 * An entry held for the sync queue (AE_F_HOLD) stops the publication,
 * unless the sync queue has let it go: then this call releases it (one
 * per call), publishes it and stores its owner_out in place of its
 * submitter, who left it pinned. Its pin then bounds avail->idx like
 * ours (the guide, "Sync queue").
 */
static bool
ae_publish(struct ae_queue *q, uint32_t own, bool no_kick)
{
	uint16_t *idxp = ae_avail_idx_p(q);
	uint32_t base, end, target = own, proxy = 0;
	bool have_proxy = false, kick = false, helping = false, fenced = false;
	struct ae_cell *c;
	uint16_t idx;
	uint64_t w;

	/* Relaxed: a stale value only makes the CAS below fail; nothing is
	 * read on the strength of it (the stamps are acquired one by one).
	 */
	idx = __atomic_load_n(idxp, __ATOMIC_RELAXED);
	for (;;) {
		/* The cell of @c target is pinned (ours, or the released
		 * entry's), so avail->idx lies within (target - N,
		 * target + N) and the 16-bit index extends uniquely to a
		 * 32-bit position.
		 */
		base = target + (uint32_t)(int32_t)(int16_t)(uint16_t)(idx - (uint16_t)target);
		if (!helping && ae_pos_diff(base, target) > 0)
			break;	/* a helper published ours */
		end = base;
		while (ae_pos_diff(end, base) < (int32_t)q->size) {
			c = &q->cells[end & q->mask];
			/* P1: pairs with the stamp's release store (P0): the
			 * ring entry, descriptors and buffer of that entry
			 * happen before this load, hence before our release
			 * CAS (P2) and the device's acquire of avail->idx.
			 */
			w = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
			if (AE_W_POS(w) != end)
				break;
			if (w & AE_F_HOLD) {
				if (have_proxy ||
				    !avq_engine_sq_released(q->e,
					__atomic_load_n(&c->device_id,
							__ATOMIC_RELAXED)))
					break;
				/* H5: acq_rel: one releaser; pairs with the
				 * stamp (acquire) and with the publisher that
				 * reads the cleared flag (P1).
				 */
				if (!__atomic_compare_exchange_n(&c->state, &w,
						w & ~(uint64_t)AE_F_HOLD, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
					break;
				__atomic_fetch_sub(&q->holds, 1, __ATOMIC_RELAXED);
				proxy = end;
				have_proxy = true;
				if (ae_pos_diff(proxy, target) > 0)
					target = proxy;
			}
			end++;
		}
		if (end == base) {
			if (helping || fenced)
				break;
			/* The head is not stamped: its submitter publishes
			 * ours with its own, provided it sees our stamp.
			 * P5: full fence, then look again: Dekker with its
			 * stamp and its SEQ_CST CAS P2 then load P4, so
			 * either we see its stamp now or it sees ours.
			 */
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			fenced = true;
			idx = __atomic_load_n(idxp, __ATOMIC_RELAXED);
			continue;
		}
		/* P2: pairs with the device's acquire load of avail->idx
		 * (A2 in avq_dev_aq.c); with P0 -> P1 it makes every
		 * published entry's writes visible to the device. Only ever
		 * from the value just read: avail->idx never moves back.
		 * SEQ_CST: the first half of the Dekker pair with P5.
		 */
		if (__atomic_compare_exchange_n(idxp, &idx, (uint16_t)end,
						false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED)) {
			kick = kick || helping || have_proxy ||
				!(no_kick && base == own && end == own + 1);
			/* P4: SEQ_CST: a submitter that stamped the new head
			 * while we scanned may have seen our entries not
			 * stamped yet and left it to us (P5): publish it
			 * too. Our own pin still bounds avail->idx.
			 */
			w = __atomic_load_n(&q->cells[end & q->mask].state,
					    __ATOMIC_SEQ_CST);
			if (AE_W_POS(w) != end)
				break;
			idx = (uint16_t)end;
			helping = true;
		}
	}
	if (have_proxy)
		/* P3 for the released entry, which is published now (by
		 * us, or by a helper: base passed it). */
		__atomic_store_n(&q->cells[proxy & q->mask].owner_out, proxy,
				 __ATOMIC_RELEASE);
	return kick;
}

bool
avq_engine_release_held(struct ae_queue *q)
{
	uint16_t idx = __atomic_load_n(ae_avail_idx_p(q), __ATOMIC_RELAXED);
	uint32_t hi, base;
	struct ae_cell *c;
	uint64_t w;

	/* The head of the queue: unpublished entries lie in
	 * [avail->idx, prod), and prod is at most N ahead of it. */
	hi = __atomic_load_n(&q->prod, __ATOMIC_ACQUIRE);
	base = hi - (uint16_t)((uint16_t)hi - idx);
	if (base == hi)
		return false;
	c = &q->cells[base & q->mask];
	/* P1 (see ae_publish()). */
	w = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	if (AE_W_POS(w) != base || !(w & AE_F_HOLD))
		return false;
	if (!avq_engine_sq_released(q->e, __atomic_load_n(&c->device_id,
							  __ATOMIC_RELAXED)))
		return false;
	/* H5 (see ae_publish()). Its submitter left it pinned: the winner
	 * publishes it as if it were its own. */
	if (!__atomic_compare_exchange_n(&c->state, &w,
					 w & ~(uint64_t)AE_F_HOLD, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_sub(&q->holds, 1, __ATOMIC_RELAXED);
	ae_publish(q, base, false);
	avq_engine_queue_kick(q, false);
	/* P3 on behalf of the submitter. */
	__atomic_store_n(&c->owner_out, base, __ATOMIC_RELEASE);
	return true;
}

/* Wait for room on @p q: announce what is posted, harvest, retry. */
int
avq_engine_wait_room(struct rte_avq_engine *e, struct ae_queue *q)
{
	avq_engine_queue_kick(q, false);
	rte_avq_engine_poll(e, 64);
	if (__atomic_load_n(&e->state, __ATOMIC_RELAXED) != AE_RUNNING)
		return -ECANCELED;
	rte_pause();
	return 0;
}

void
avq_engine_batch_flush(struct rte_avq_batch *b, uint16_t qi)
{
	struct ae_queue *q = &b->e->q[qi];
	uint32_t p = b->pin[qi];

	/* Our last entry of the batch is pinned (its owner_out not yet
	 * stored), which bounds avail->idx for this publication exactly as
	 * for a single submission (see ae_publish()).
	 */
	ae_publish(q, p, false);
	avq_engine_queue_kick(q, false);
	/* P3 for the batch's last entry; a held one stays pinned for the
	 * thread that releases it. */
	if (!(b->held & (1u << qi)))
		__atomic_store_n(&q->cells[p & q->mask].owner_out, p,
				 __ATOMIC_RELEASE);
	b->pinned &= ~(1u << qi);
	b->held &= ~(1u << qi);
	b->unpub[qi] = 0;
}

/* Entries of one queue a batch publishes at once: the device starts on
 * them while the batch goes on (no doorbell: the end rings it). */
#define AE_BATCH_PUBLISH	32

/* A free slot of @p q: from the batch's cache (refilled by one CAS), or
 * popped alone. Its buffer's line is prepared for our writes. */
static inline uint32_t
ae_slot_get(struct ae_queue *q, struct rte_avq_batch *b, uint16_t qi)
{
	uint32_t s;
	unsigned int n, k;

	if (b == NULL || q->batch_cache <= 1) {
		s = avq_engine_stack_pop(&q->free_head, q->slot_next);
		if (s != AE_STACK_EMPTY)
			ae_prefetch_w(q->e, q->bufs + (size_t)s * q->buf_stride);
		return s;
	}
	if (b->ncache[qi] == 0) {
		n = avq_engine_stack_pop_bulk(&q->free_head, q->slot_next,
					      q->nslots, b->cache[qi],
					      q->batch_cache);
		if (n == 0)
			return AE_STACK_EMPTY;
		/* Taken from the end: the first to use is the last one. */
		for (k = 0; k < n; k++)
			ae_prefetch_w(q->e, q->bufs + (size_t)b->cache[qi][k] *
				      q->buf_stride);
		b->ncache[qi] = (uint8_t)n;
	}
	return b->cache[qi][--b->ncache[qi]];
}

static inline void
ae_slot_unget(struct ae_queue *q, struct rte_avq_batch *b, uint16_t qi,
	      uint32_t s)
{
	if (b == NULL || q->batch_cache <= 1)
		avq_engine_stack_push(&q->free_head, q->slot_next, s);
	else
		b->cache[qi][b->ncache[qi]++] = s;
}

void
avq_engine_batch_uncache(struct rte_avq_batch *b)
{
	struct ae_queue *q;
	uint16_t qi;

	for (qi = 0; qi < b->e->nq; qi++) {
		if (b->ncache[qi] == 0)
			continue;
		q = &b->e->q[qi];
		avq_engine_stack_push_bulk(&q->free_head, q->slot_next,
					   b->cache[qi], b->ncache[qi]);
		b->ncache[qi] = 0;
	}
}

int
avq_engine_submit(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		  rte_avq_cb_t cb, void *arg, unsigned int flags,
		  struct rte_avq_batch *b)
{
	struct avq_cmd_hdr hdr;
	struct ae_stats *st;
	struct ae_queue *q;
	struct ae_cell *c;
	bool hold, sh;
	uint8_t *buf;
	uint32_t s, p;
	uint64_t now;
	uint16_t qi;
	int ret;

	q = avq_engine_queue_of(e, cmd->device_id);
	qi = (uint16_t)(q - e->q);
	if (b != NULL) {
		st = b->st;
		sh = b->st_shared != 0;
	} else {
		st = ae_st(e, &sh);
	}
	for (;;) {
		s = ae_slot_get(q, b, qi);
		if (s != AE_STACK_EMPTY) {
			if (ae_reserve(q, &p) == 0)
				break;
			ae_slot_unget(q, b, qi, s);
		}
		if (!(flags & RTE_AVQ_F_WAIT)) {
			AE_STAT_ADD_ST(st, sh, eagain, 1);
			return -EAGAIN;
		}
		/* What our own batch holds must reach the device, or the
		 * room we wait for may be taken by our own entries (its
		 * cached slots go back too). */
		if (b != NULL && (b->pinned & (1u << qi)))
			avq_engine_batch_flush(b, qi);
		if (b != NULL)
			avq_engine_batch_uncache(b);
		ret = avq_engine_wait_room(e, q);
		if (ret < 0)
			return ret;
	}
	/* Y2: after R2, see ae_reserve() and avq_engine_sq_must_hold(). */
	hold = e->sq != NULL && ae_sq_must_hold(e, cmd->device_id);

	/* The slot and the position are ours alone until the stamp. */
	buf = q->bufs + (size_t)s * q->buf_stride;
	hdr.device_id = avq_to_le64(cmd->device_id);
	hdr.class_id = avq_to_le16(cmd->class_id);
	hdr.command = avq_to_le16(cmd->command);
	memcpy(buf, &hdr, sizeof(hdr));
	if (cmd->out_len > 0)
		rte_memcpy(buf + sizeof(hdr), cmd->out, cmd->out_len);
	/* Descriptors are pre-written per slot; only the lengths vary, and
	 * only a changed one is stored: an unchanged line stays valid in
	 * the device's cache (a store would steal it, costing the device a
	 * miss on every command). The ack byte needs no marker: used.len >= 1
	 * is what says the device wrote it.
	 */
	ae_desc_len(&q->desc[2 * s], sizeof(hdr) + cmd->out_len);
	ae_desc_len(&q->desc[2 * s + 1], 1 + cmd->in_len);
	q->slots[s].pos = p;
	q->slots[s].len = 0;
	__atomic_store_n(&q->slots[s].busy, 1, __ATOMIC_RELAXED);

	c = &q->cells[p & q->mask];
	/* One clock read per batch: deadlines need no better. */
	now = b != NULL ? b->now : rte_get_timer_cycles();
	c->slot = s;
	/* Relaxed atomics: read by scans that may race with a later lap
	 * (they re-check the state word before trusting the value).
	 */
	__atomic_store_n(&c->device_id, cmd->device_id, __ATOMIC_RELAXED);
	__atomic_store_n(&c->deadline, now + e->tmo_cycles, __ATOMIC_RELAXED);
	c->cb = cb;
	c->arg = arg;
	c->in = cmd->in;
	c->in_len = cmd->in_len;
	q->avail->ring[p & q->mask] = avq_to_le16((uint16_t)(2 * s));
	/* The ring line a few entries on: its read for ownership overlaps
	 * with the commands before it. */
	ae_prefetch_w(e, &q->avail->ring[(p + 16) & q->mask]);
	if (hold)
		/* Before the stamp: a poller that sees the stamp sees the
		 * count (its peek is only a hint anyway). */
		__atomic_fetch_add(&q->holds, 1, __ATOMIC_RELAXED);
	/* P0: the stamp; pairs with the acquire loads P1 of publishers and
	 * with every acquire/SEQ_CST load of the state on the completion
	 * side (they read the cell's fields after it).
	 */
	__atomic_store_n(&c->state, AE_W(p, AE_ST_POSTED |
					 (hold ? AE_F_HOLD : 0)),
			 __ATOMIC_RELEASE);
	if (b != NULL) {
		/* Deferred: the batch publishes at its end (and every
		 * AE_BATCH_PUBLISH entries). Only its last entry per queue
		 * stays pinned for that publication; a held entry stays
		 * pinned for whoever releases it. */
		if ((b->pinned & (1u << qi)) && !(b->held & (1u << qi)))
			/* P3 for the entry this one follows. */
			__atomic_store_n(&q->cells[b->pin[qi] & q->mask].owner_out,
					 b->pin[qi], __ATOMIC_RELEASE);
		b->pin[qi] = p;
		b->pinned |= 1u << qi;
		if (hold)
			b->held |= 1u << qi;
		else
			b->held &= ~(1u << qi);
		if (++b->unpub[qi] >= AE_BATCH_PUBLISH) {
			/* No doorbell decision: a polling device starts now,
			 * a sleeping one is woken by the batch's end. */
			ae_publish(q, p, true);
			b->unpub[qi] = 0;
		}
		return 0;
	}
	/* A batch counts its submissions at its end. */
	AE_STAT_ADD_ST(st, sh, submitted, 1);
	if (ae_publish(q, p, (flags & RTE_AVQ_F_NO_KICK) != 0))
		avq_engine_queue_kick(q, true);
	/* P3: unpin the lap; pairs with R1 of the submitter that reuses the
	 * cell N positions later. A held entry stays pinned: whoever
	 * releases it publishes it and stores this (see ae_publish()).
	 */
	if (!hold)
		__atomic_store_n(&c->owner_out, p, __ATOMIC_RELEASE);
	return 0;
}

int
rte_avq_submit(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
	       rte_avq_cb_t cb, void *arg, unsigned int flags)
{
	int ret;

	if (e == NULL)
		return -EINVAL;
	ret = avq_engine_cmd_check(e, cmd);
	if (ret < 0)
		return ret;
	if (!avq_engine_enter(e))
		return -ECANCELED;
	ret = avq_engine_submit(e, cmd, cb, arg, flags, NULL);
	avq_engine_leave(e);
	return ret;
}
