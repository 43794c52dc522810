/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Admin-queue engine, the sync queue: one more admin queue of 2 entries
 * (one chain) that rte_avq_exec() uses when it is free, laid out so that a
 * small synchronous command costs the cache-line transfers of a ping-pong
 * and no more:
 *
 *   line C  descriptors 0 and 1     written at set-up and when a length
 *                                   changes: stays valid at the device
 *   line A  avail ring | header + out-data   the driver writes, the device
 *                                   reads (one transfer)
 *   line B  used ring | ack + in-data        the device writes, the driver
 *                                   reads (one transfer)
 *
 * Data longer than a line spills into the following ones. The rings keep
 * the alignments of virtio 1.x 2.7 (16, 2, 4); buffers may sit anywhere.
 *
 * Ownership and per-device order go through the state word (see the
 * guide, "Sync queue"): an exec claims the word (Y1), checks that its
 * device has nothing undelivered on its ring queue, commits (Y3), runs the
 * command and frees the word (Y4). A submitter that reserved a position on
 * a ring queue reads the word after its reservation (Y2): a claim for the
 * same device hash is revoked, a posted command makes it hold its entry
 * until the device has answered that command.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "avq_engine_private.h"

#define SQ_SIZE		2	/* one chain of two descriptors */
#define SQ_LINE		RTE_CACHE_LINE_SIZE
#define SQ_PAGE		4096
/* Spins on used->idx before each one also pauses (and the clock is read
 * only every SQ_CLOCK_EVERY spins): a pause costs tens of ns on recent
 * cores, the answer usually comes within a microsecond. */
#define SQ_SPIN_FAST	4096u
#define SQ_CLOCK_EVERY	256u

static inline uint16_t *
sq_avail_idx_p(const struct ae_sq *sq)
{
	return RTE_PTR_ADD(sq->avail, 2);
}

static inline uint16_t *
sq_used_idx_p(const struct ae_sq *sq)
{
	return RTE_PTR_ADD(sq->used, 2);
}

static inline uint16_t *
sq_used_flags_p(const struct ae_sq *sq)
{
	return (uint16_t *)(uintptr_t)sq->used;
}

static void
sq_desc_write(struct avq_desc *d, uint64_t addr, uint32_t len, uint16_t flags,
	      uint16_t next)
{
	d->addr = avq_to_le64(addr);
	d->len = avq_to_le32(len);
	d->flags = avq_to_le16(flags);
	d->next = avq_to_le16(next);
}

/* Rings zeroed and descriptors written; the queue is disabled. */
static void
sq_init_state(struct ae_sq *sq)
{
	memset(sq->mem, 0, SQ_LINE);
	memset(sq->avail, 0, AVQ_AVAIL_AREA_SIZE(SQ_SIZE));
	memset(sq->used, 0, AVQ_USED_AREA_SIZE(SQ_SIZE));
	/* We poll the used ring: no interrupts (virtio 2.7.7). */
	sq->avail->flags = avq_to_le16(AVQ_AVAIL_F_NO_INTERRUPT);
	/* The only chain: head 0, so the avail ring entries stay 0 and are
	 * never rewritten. */
	sq_desc_write(&sq->desc[0], sq->cmd_dma, sizeof(struct avq_cmd_hdr),
		      AVQ_DESC_F_NEXT, 1);
	sq_desc_write(&sq->desc[1], sq->reply_dma, 1, AVQ_DESC_F_WRITE, 0);
	sq->out_len = 0;
	sq->in_len = 0;
	sq->avail_idx = 0;
	sq->posted_idx = 0;
}

static int
sq_program(struct rte_avq_engine *e, struct ae_sq *sq)
{
	const struct rte_avq_transport *t = e->t;
	int ret;

	ret = t->ops->aq_setup(t->ctx, sq->index, SQ_SIZE, sq->desc_dma,
			       sq->avail_dma, sq->used_dma);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine sync aq%u: setup failed: %s", e->name,
			sq->index, strerror(-ret));
		return ret;
	}
	ret = t->ops->aq_enable(t->ctx, sq->index, 1);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine sync aq%u: enable failed: %s", e->name,
			sq->index, strerror(-ret));
		return ret;
	}
	return 0;
}

int
avq_engine_sq_create(struct rte_avq_engine *e, uint16_t index)
{
	const struct rte_avq_transport *t = e->t;
	size_t avail_off, cmd_off, used_off, reply_off;
	struct ae_sq *sq;
	int ret;

	sq = rte_zmalloc_socket("avq_engine_sq", sizeof(*sq), RTE_CACHE_LINE_SIZE,
				e->socket);
	if (sq == NULL)
		return -ENOMEM;
	sq->index = index;
	/* Line C at 0, line A at 64: the avail ring (10 bytes), then the
	 * command buffer 16-aligned; line B after the command buffer: the
	 * used ring (22 bytes), then the reply buffer. */
	avail_off = SQ_LINE;
	cmd_off = avail_off + 16;
	used_off = RTE_ALIGN_CEIL(cmd_off + sizeof(struct avq_cmd_hdr) +
				  e->max_out, SQ_LINE);
	reply_off = used_off + RTE_ALIGN_CEIL(AVQ_USED_AREA_SIZE(SQ_SIZE), 8);
	sq->mem_len = RTE_ALIGN_CEIL(reply_off + 1 + e->max_in, SQ_PAGE);
	RTE_BUILD_BUG_ON(AVQ_AVAIL_AREA_SIZE(SQ_SIZE) > 16);
	RTE_BUILD_BUG_ON(AVQ_DESC_AREA_SIZE(SQ_SIZE) > SQ_LINE);

	sq->mem = rte_zmalloc_socket("avq_engine_sq_dma", sq->mem_len, SQ_PAGE,
				     e->socket);
	if (sq->mem == NULL) {
		AVQ_LOG(ERR, "%s engine sync aq%u: no memory for %zu bytes",
			e->name, index, sq->mem_len);
		ret = -ENOMEM;
		goto fail_mem;
	}
	sq->mem_dma = t->ops->dma_addr(t->ctx, sq->mem);
	sq->desc = (struct avq_desc *)sq->mem;
	sq->avail = (struct avq_avail *)(sq->mem + avail_off);
	sq->cmd = sq->mem + cmd_off;
	sq->used = (struct avq_used *)(sq->mem + used_off);
	sq->reply = sq->mem + reply_off;
	sq->desc_dma = sq->mem_dma;
	sq->avail_dma = sq->mem_dma + avail_off;
	sq->cmd_dma = sq->mem_dma + cmd_off;
	sq->used_dma = sq->mem_dma + used_off;
	sq->reply_dma = sq->mem_dma + reply_off;

	ret = t->ops->dma_map(t->ctx, sq->mem, sq->mem_dma, sq->mem_len);
	if (ret < 0) {
		AVQ_LOG(ERR, "%s engine sync aq%u: DMA map of %zu bytes failed: %s",
			e->name, index, sq->mem_len, strerror(-ret));
		goto fail_map;
	}
	sq_init_state(sq);
	ret = sq_program(e, sq);
	if (ret < 0)
		goto fail_program;
	sq->word = AE_SQ_W(0, 0, AE_SQ_FREE);
	e->sq = sq;
	return 0;

fail_program:
	t->ops->aq_enable(t->ctx, index, 0);
	t->ops->dma_unmap(t->ctx, sq->mem_dma, sq->mem_len);
fail_map:
	rte_free(sq->mem);
fail_mem:
	rte_free(sq);
	return ret;
}

void
avq_engine_sq_free(struct rte_avq_engine *e)
{
	const struct rte_avq_transport *t = e->t;
	struct ae_sq *sq = e->sq;

	if (sq == NULL)
		return;
	/* Disabled first: the device must stop touching the block before
	 * it leaves its DMA windows. */
	t->ops->aq_enable(t->ctx, sq->index, 0);
	t->ops->dma_unmap(t->ctx, sq->mem_dma, sq->mem_len);
	rte_free(sq->mem);
	rte_free(sq);
	e->sq = NULL;
}

void
avq_engine_sq_block(struct rte_avq_engine *e)
{
	struct ae_sq *sq = e->sq;
	uint64_t w;

	if (sq == NULL)
		return;
	w = __atomic_load_n(&sq->word, __ATOMIC_ACQUIRE);
	for (;;) {
		/* An exec holding the queue is waited for, as threads
		 * inside the engine are: a claim ends with its scan of a
		 * ring queue (which reset is about to rebuild), a command
		 * in flight with the device's answer or the exec's
		 * timeout. */
		if (AE_SQ_ST(w) == AE_SQ_CLAIMED || AE_SQ_ST(w) == AE_SQ_POSTED) {
			rte_pause();
			w = __atomic_load_n(&sq->word, __ATOMIC_ACQUIRE);
			continue;
		}
		/* Y5: acquire pairs with the exec's release Y4 (or its
		 * back-off): its use of the queues is over. */
		if (__atomic_compare_exchange_n(&sq->word, &w,
				AE_SQ_W(0, AE_SQ_TAG(w) + 1, AE_SQ_BLOCKED),
				false, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
			return;
	}
}

int
avq_engine_sq_reopen(struct rte_avq_engine *e)
{
	const struct rte_avq_transport *t = e->t;
	struct ae_sq *sq = e->sq;
	uint64_t w;
	int ret;

	if (sq == NULL)
		return 0;
	/* After aq_enable(0) the device drops the queue, a late answer of a
	 * timed-out command included. */
	ret = t->ops->aq_enable(t->ctx, sq->index, 0);
	if (ret < 0)
		AVQ_LOG(ERR, "%s engine sync aq%u: disable failed: %s", e->name,
			sq->index, strerror(-ret));
	sq_init_state(sq);
	ret = sq_program(e, sq);
	if (ret < 0)
		return ret;	/* stays BLOCKED: execs take the ring queues */
	w = __atomic_load_n(&sq->word, __ATOMIC_RELAXED);
	/* Y4 (as an exec's): release: the rebuilt queue is visible to the
	 * next claimer's acquire. */
	__atomic_store_n(&sq->word, AE_SQ_W(0, AE_SQ_TAG(w) + 1, AE_SQ_FREE),
			 __ATOMIC_RELEASE);
	return 0;
}

bool
avq_engine_sq_released(const struct rte_avq_engine *e, uint64_t dev)
{
	const struct ae_sq *sq = e->sq;
	uint16_t pi, u;
	uint64_t w;

	if (sq == NULL)
		return true;
	/* Y6: acquire: pairs with the release of the commit Y3, so the
	 * posted index of that command (or of a later one) is visible. */
	w = __atomic_load_n(&sq->word, __ATOMIC_ACQUIRE);
	if (AE_SQ_ST(w) != AE_SQ_POSTED || AE_SQ_HASH(w) != ae_dev_hash(dev))
		return true;	/* that command was answered, or given up */
	pi = __atomic_load_n(&sq->posted_idx, __ATOMIC_ACQUIRE);
	/* A2 of the sync queue: pairs with the device's U1. One chain at
	 * a time: used->idx is the posted index or the one before. A
	 * posted index of a later command only says more. */
	u = avq_le16(__atomic_load_n(sq_used_idx_p(sq), __ATOMIC_ACQUIRE));
	return u == pi;
}

bool
avq_engine_sq_must_hold(struct rte_avq_engine *e, uint64_t dev)
{
	struct ae_sq *sq = e->sq;
	uint32_t h = ae_dev_hash(dev);
	uint64_t w;

	/* Y2: SEQ_CST, after our reservation R2 (Dekker with Y1): either
	 * the exec's scan sees our position, or we see its claim here. */
	w = __atomic_load_n(&sq->word, __ATOMIC_SEQ_CST);
	for (;;) {
		if (AE_SQ_HASH(w) != h || AE_SQ_ST(w) == AE_SQ_FREE ||
		    AE_SQ_ST(w) == AE_SQ_BLOCKED)
			return false;
		if (AE_SQ_ST(w) == AE_SQ_POSTED)
			/* Ordered after it: held until the device answered
			 * it (unless it already has). */
			return !avq_engine_sq_released(e, dev);
		/* A claim of the same device hash, not committed: revoke
		 * it; the exec takes the ring queue, after us. */
		if (__atomic_compare_exchange_n(&sq->word, &w,
				AE_SQ_W(0, AE_SQ_TAG(w) + 1, AE_SQ_FREE),
				false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return false;
	}
}

/*
 * Whether device @p dev has a request on ring queue @p q that is not
 * delivered (or may have: a reserved position not stamped yet). Runs
 * after the claim Y1.
 */
static bool
sq_conflict(struct ae_queue *q, uint64_t dev)
{
	uint32_t hi, lo, x;
	uint64_t w, w2, id;
	int32_t d;

	/* Y1 (continued): SEQ_CST load after the claim, Dekker with the
	 * reservation R2 and Y2 of submitters. */
	hi = __atomic_load_n(&q->prod, __ATOMIC_SEQ_CST);
	lo = __atomic_load_n(&q->oldest, __ATOMIC_ACQUIRE);
	/* Every position at or below hi - N - 1 is delivered (reserving
	 * hi - 1 needed hi - 1 - N delivered). */
	if (ae_pos_diff(hi, lo) > (int32_t)q->size)
		lo = hi - q->size;
	for (x = lo; ae_pos_diff(hi, x) > 0; x++) {
		w = __atomic_load_n(&q->cells[x & q->mask].state,
				    __ATOMIC_ACQUIRE);
		d = ae_pos_diff(AE_W_POS(w), x);
		if (d > 0)
			continue;	/* delivered, cell reused */
		if (d < 0)
			return true;	/* reserved, not stamped: any device */
		if (AE_W_ST(w) == AE_ST_DELIVERED)
			continue;
		id = __atomic_load_n(&q->cells[x & q->mask].device_id,
				     __ATOMIC_RELAXED);
		/* V3-style re-check: the id belongs to lap x. */
		w2 = __atomic_load_n(&q->cells[x & q->mask].state,
				     __ATOMIC_ACQUIRE);
		if (AE_W_POS(w2) == x && AE_W_ST(w2) != AE_ST_DELIVERED &&
		    id == dev)
			return true;
	}
	return false;
}

int
avq_engine_sq_exec(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		   uint8_t *ack_out, uint32_t *in_len_out)
{
	const struct rte_avq_transport *t = e->t;
	struct ae_sq *sq = e->sq;
	struct avq_cmd_hdr hdr;
	struct ae_queue *q;
	struct ae_stats *st;
	uint64_t w, cw, pw, t0, deadline, ns;
	uint32_t h, tag, id, len, inl = 0;
	uint16_t u, flags;
	uint8_t ack = 0;
	unsigned int spin;
	int status = 0;
	bool sh;

	w = __atomic_load_n(&sq->word, __ATOMIC_RELAXED);
	if (AE_SQ_ST(w) != AE_SQ_FREE)
		return 1;
	h = ae_dev_hash(cmd->device_id);
	tag = AE_SQ_TAG(w);
	cw = AE_SQ_W(h, tag, AE_SQ_CLAIMED);
	/* Y1: SEQ_CST claim; Dekker with R2 then Y2 of submitters (see
	 * sq_conflict()). Acquire: the previous owner's Y4. */
	if (!__atomic_compare_exchange_n(&sq->word, &w, cw, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return 1;
	q = avq_engine_queue_of(e, cmd->device_id);
	if (sq_conflict(q, cmd->device_id)) {
		/* Its earlier commands go first: the ring queue, after
		 * them. (A revoker may have freed the word already.)
		 * Release: pairs with Y5 of a reset waiting for us. */
		__atomic_compare_exchange_n(&sq->word, &cw,
					    AE_SQ_W(0, tag + 1, AE_SQ_FREE),
					    false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED);
		return 1;
	}
	sq->posted_idx = (uint16_t)(sq->avail_idx + 1);
	pw = AE_SQ_W(h, tag, AE_SQ_POSTED);
	/* Y3: commit; release publishes posted_idx to Y6. Fails when a
	 * submitter of the same device hash (Y2) revoked the claim:
	 * nothing was posted, the ordinary path follows. */
	if (!__atomic_compare_exchange_n(&sq->word, &cw, pw, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return 1;

	/* The queue is ours until Y4. */
	st = ae_st(e, &sh);
	hdr.device_id = avq_to_le64(cmd->device_id);
	hdr.class_id = avq_to_le16(cmd->class_id);
	hdr.command = avq_to_le16(cmd->command);
	memcpy(sq->cmd, &hdr, sizeof(hdr));
	if (cmd->out_len > 0)
		memcpy(sq->cmd + sizeof(hdr), cmd->out, cmd->out_len);
	/* Only a changed length is written: line C stays valid in the
	 * device's cache. */
	if (cmd->out_len != sq->out_len) {
		sq->desc[0].len = avq_to_le32(sizeof(hdr) + cmd->out_len);
		sq->out_len = cmd->out_len;
	}
	if (cmd->in_len != sq->in_len) {
		sq->desc[1].len = avq_to_le32(1 + cmd->in_len);
		sq->in_len = cmd->in_len;
	}
	sq->avail_idx++;
	/* A1: release: pairs with the device's acquire load of avail->idx
	 * (A2 in avq_dev_aq.c): descriptors and command visible. */
	__atomic_store_n(sq_avail_idx_p(sq), avq_to_le16(sq->avail_idx),
			 __ATOMIC_RELEASE);
	/* The clock starts once the command is out: read before, it
	 * delayed every round trip (avq-bench row e: p50 ~60 ns lower
	 * after). The timeout and the latency count from here. */
	t0 = rte_get_timer_cycles();
	/* F1: as for the ring queues (virtio 2.7.10): either the device
	 * sees our index before it sleeps, or we see its flag clear. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = avq_le16(__atomic_load_n(sq_used_flags_p(sq), __ATOMIC_RELAXED));
	if (!(flags & AVQ_USED_F_NO_NOTIFY)) {
		t->ops->aq_kick(t->ctx, sq->index);
		AE_STAT_ADD_ST(st, sh, kicks, 1);
	}
	AE_STAT_ADD_ST(st, sh, submitted, 1);

	deadline = t0 + e->tmo_cycles;
	for (spin = 0;; spin++) {
		/* A2: pairs with the device's release store U1 of used->idx:
		 * the used element and the reply are visible. */
		u = avq_le16(__atomic_load_n(sq_used_idx_p(sq),
					     __ATOMIC_ACQUIRE));
		if (u != (uint16_t)(sq->avail_idx - 1))
			break;
		if (spin >= SQ_SPIN_FAST)
			rte_pause();
		if ((spin % SQ_CLOCK_EVERY) == SQ_CLOCK_EVERY - 1 &&
		    rte_get_timer_cycles() > deadline) {
			/* One more look after the deadline. */
			u = avq_le16(__atomic_load_n(sq_used_idx_p(sq),
						     __ATOMIC_ACQUIRE));
			if (u != (uint16_t)(sq->avail_idx - 1))
				break;
			AVQ_LOG(ERR, "%s engine sync aq%u: no completion within the timeout, the queue is out of use until a reset",
				e->name, sq->index);
			AE_STAT_ADD_ST(st, sh, delivered, 1);
			AE_STAT_ADD_ST(st, sh, timed_out, 1);
			/* The device may still write our buffers: keep
			 * them (BLOCKED) until a reset. Entries held for
			 * this command go (the pollers release them). */
			__atomic_store_n(&sq->word,
					 AE_SQ_W(0, tag + 1, AE_SQ_BLOCKED),
					 __ATOMIC_RELEASE);
			return -ETIMEDOUT;
		}
	}
	id = avq_le32(sq->used->ring[(uint16_t)(sq->avail_idx - 1) & 1].id);
	len = avq_le32(sq->used->ring[(uint16_t)(sq->avail_idx - 1) & 1].len);
	if (u != sq->avail_idx || id != 0) {
		AVQ_LOG(ERR, "%s engine sync aq%u: protocol error: used idx %u (posted %u), id %u; the queue is out of use until a reset",
			e->name, sq->index, u, sq->avail_idx, id);
		AE_STAT_ADD_ST(st, sh, proto_errors, 1);
		AE_STAT_ADD_ST(st, sh, delivered, 1);
		__atomic_store_n(&sq->word, AE_SQ_W(0, tag + 1, AE_SQ_BLOCKED),
				 __ATOMIC_RELEASE);
		return -EPROTO;
	}
	if (len == 0) {
		/* The chain came back without an ack. */
		status = -EPROTO;
	} else {
		ack = sq->reply[0];
		inl = len - 1;
		if (inl > cmd->in_len) {
			AE_STAT_ADD_ST(st, sh, proto_errors, 1);
			AVQ_LOG(ERR, "%s engine sync aq%u: protocol error: used.len %u beyond the in-data buffer",
				e->name, sq->index, len);
			inl = cmd->in_len;
		}
		if (inl > 0)
			memcpy(cmd->in, sq->reply + 1, inl);
	}
	/* Entries held for this command may go now that it was answered:
	 * publish them before giving the queue up (a reset waits for the
	 * word, so the ring queue is still intact). */
	while (__atomic_load_n(&q->holds, __ATOMIC_RELAXED) != 0 &&
	       avq_engine_release_held(q))
		;
	/* Y4: release: our use of the queue happens before the next
	 * claimer's (Y1) and a reset's (Y5) acquire. */
	__atomic_store_n(&sq->word, AE_SQ_W(0, tag + 1, AE_SQ_FREE),
			 __ATOMIC_RELEASE);

	AE_STAT_ADD_ST(st, sh, delivered, 1);
	if (status == 0) {
		AE_STAT_ADD_ST(st, sh, completed, 1);
		if (ack != AVQ_ACK_OK)
			AE_STAT_ADD_ST(st, sh, failed, 1);
		ns = ae_cycles_to_ns(e, rte_get_timer_cycles() - t0);
		ae_stat_add(&st->lat_ns_sum, ns, sh);
		w = __atomic_load_n(&st->lat_ns_max, __ATOMIC_RELAXED);
		while (ns > w && !__atomic_compare_exchange_n(&st->lat_ns_max,
				&w, ns, false, __ATOMIC_RELAXED,
				__ATOMIC_RELAXED))
			;
		if (ack_out != NULL)
			*ack_out = ack;
		if (in_len_out != NULL)
			*in_len_out = inl;
	}
	return status;
}
