/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_ENGINE_PRIVATE_H
#define AVQ_ENGINE_PRIVATE_H

/*
 * Internals of the admin-queue engine shared by avq_engine.c (set-up,
 * submission, publication, reset), avq_engine_cq.c (harvest, ordered
 * delivery, timeouts), avq_engine_req.c (handles, exec, batches) and
 * avq_engine_sync.c (the low-latency sync queue of rte_avq_exec()). Never
 * installed. The algorithms and every acquire/release pair are described
 * in doc/guides/prog_guide/avq_engine.rst.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>

#include "rte_avq_engine.h"
#include "avq_private.h"

/*
 * Request cell: one per avail position modulo the ring size. Its state word
 * packs the full 32-bit position with the request state, so that every CAS
 * names the lap it acts on (no ABA on reused cells).
 */
#define AE_ST_POSTED		1u	/* stamped: ready to publish, awaiting the device */
#define AE_ST_COMPLETED		2u	/* used entry harvested */
#define AE_ST_EXPIRED		3u	/* deadline passed: to deliver -ETIMEDOUT */
#define AE_ST_DELIVERING	4u	/* claimed by one deliverer */
#define AE_ST_DELIVERED		5u	/* callback returned; cell reusable */
#define AE_ST_MASK		7u
/* Kept from EXPIRED through DELIVERED: the slot is freed by the late
 * answer (or a reset), not by the delivery.
 */
#define AE_F_TIMEDOUT		8u
/* Stamped but held back: a synchronous command of a device with the same
 * hash is in flight on the sync queue, so this entry must not reach the
 * device (nor be published past) before that one was answered. A held
 * entry is neither published, expired nor delivered; its submitter leaves
 * it pinned (owner_out not stored) and whoever releases it publishes it
 * and stores owner_out in its place (avq_engine.c, ae_publish()).
 */
#define AE_F_HOLD		16u

#define AE_W(pos, st)		(((uint64_t)(uint32_t)(pos) << 32) | (st))
#define AE_W_POS(w)		((uint32_t)((w) >> 32))
#define AE_W_ST(w)		((uint32_t)(w) & AE_ST_MASK)

struct ae_cell {
	uint64_t state;		/* AE_W(position, AE_ST_* | AE_F_*) */
	/* Last position whose submitter has left the publication step: the
	 * cell pins the lap while its submitter may still CAS avail->idx.
	 */
	uint32_t owner_out;
	uint32_t slot;
	uint64_t device_id;
	uint64_t deadline;	/* timer cycles; submit time = deadline - timeout */
	rte_avq_cb_t cb;
	void *arg;
	void *in;
	uint32_t in_len;
} __rte_cache_aligned;

/* Descriptor slot s owns descriptors 2s (readable) and 2s + 1 (writable). */
struct ae_slot {
	uint32_t busy;		/* 1 from pop to free */
	uint32_t pos;		/* position of the request using it */
	uint32_t len;		/* used.len written by the device */
};

#define AE_STACK_EMPTY		UINT32_MAX

/*
 * Statistics and the reset quiescence counter live per lcore: each EAL
 * thread writes only its own cache line with plain (relaxed) stores, so
 * the hot paths take no locked instruction and bounce no shared line for
 * them. Threads without an lcore id share the last entry, with atomic
 * read-modify-writes.
 */
#define AE_NLCORE		(RTE_MAX_LCORE + 1)

struct ae_stats {
	uint32_t active;	/* times this thread is inside submit or poll */
	uint32_t pad;
	uint64_t batches;
	uint64_t batched;
	uint64_t packs;
	uint64_t packed;
	uint64_t submitted;
	uint64_t delivered;
	uint64_t completed;
	uint64_t failed;
	uint64_t timed_out;
	uint64_t canceled;
	uint64_t late;
	uint64_t eagain;
	uint64_t kicks;
	uint64_t proto_errors;
	uint64_t lat_ns_sum;
	uint64_t lat_ns_max;
} __rte_cache_aligned;

struct ae_queue {
	struct rte_avq_engine *e;
	uint16_t index;		/* admin queue index on the transport */
	uint16_t size;		/* N */
	uint32_t mask;
	uint32_t nslots;	/* N / 2 */
	uint32_t batch_cache;	/* slots a batch takes at once (<= 1: none) */
	uint32_t buf_stride;
	uint32_t in_off;	/* ack byte offset in a slot buffer */

	uint8_t *mem;		/* rings then slot buffers, one DMA window */
	size_t mem_len;
	size_t rings_len;
	uint64_t mem_dma;
	uint64_t desc_dma, avail_dma, used_dma, bufs_dma;
	struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint8_t *bufs;

	struct ae_cell *cells;	/* N */
	struct ae_slot *slots;	/* N / 2 */
	uint32_t *slot_next;	/* Treiber stack links */

	/* Submission side. */
	uint64_t free_head __rte_cache_aligned;	/* tag << 32 | slot */
	uint32_t prod __rte_cache_aligned;	/* next position to reserve */
	uint16_t kicked;	/* avail->idx at the last doorbell decision */

	/* Completion side. */
	uint32_t cons __rte_cache_aligned;	/* next used entry (32-bit: no ABA) */
	/* No undelivered position below it. A hint: a stale (smaller) value
	 * only makes scans longer, so plain stores of any value that was
	 * true when computed are fine. */
	uint32_t oldest;
	uint64_t tmo_check;	/* timer cycles of the next deadline scan */
	uint32_t holds;		/* entries held for the sync queue (hint) */
};

/*
 * The sync queue: one more admin queue of 2 entries (one chain) that only
 * rte_avq_exec() uses, laid out so that a small command costs the two
 * cache-line transfers of a ping-pong: line A holds the available ring and
 * the command buffer (the driver writes it, the device reads it), line B
 * the used ring and the reply buffer (the other way round), and the two
 * descriptors sit on a line of their own that is written only when a
 * length changes. Larger commands spill into the following lines.
 *
 * Ownership and per-device order go through one state word (see
 * avq_engine_sync.c and the guide, "Sync queue").
 */
#define AE_SQ_FREE		0u	/* nobody uses the queue */
#define AE_SQ_CLAIMED		1u	/* an exec checks its device's queue */
#define AE_SQ_POSTED		2u	/* its command is (being) posted */
#define AE_SQ_BLOCKED		3u	/* reset, or broken until a reset */
/* word = hash << 32 | tag << 2 | state; the tag changes on every exit
 * from POSTED or CLAIMED, so a stale CAS never succeeds. */
#define AE_SQ_W(hash, tag, st)	(((uint64_t)(hash) << 32) |		\
				 (((uint32_t)(tag) & 0x3fffffffu) << 2) | (st))
#define AE_SQ_ST(w)		((uint32_t)(w) & 3u)
#define AE_SQ_TAG(w)		(((uint32_t)(w) >> 2) & 0x3fffffffu)
#define AE_SQ_HASH(w)		((uint32_t)((w) >> 32))

struct ae_sq {
	uint16_t index;		/* admin queue index on the transport */
	uint8_t *mem;		/* descriptors, line A, line B: one DMA window */
	size_t mem_len;
	uint64_t mem_dma;
	struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint8_t *cmd;		/* header + out-data, after the avail ring */
	uint8_t *reply;		/* ack + in-data, after the used ring */
	uint64_t desc_dma, avail_dma, used_dma, cmd_dma, reply_dma;
	/* Owned by the exec holding the queue (CLAIMED..FREE). */
	uint16_t avail_idx;	/* next avail->idx */
	uint32_t out_len;	/* lengths now in the two descriptors */
	uint32_t in_len;
	/* avail->idx of the command in flight: held entries are released
	 * once used->idx reaches it (whoever looks). */
	uint16_t posted_idx;
	uint64_t word __rte_cache_aligned;	/* AE_SQ_W(...) */
};

#define AE_RUNNING		0u
#define AE_RESETTING		1u

/* Packed batches (conf.batch_pack, avq_engine_pack.c). */
#define AE_NPACKS		256	/* packs in flight or open, engine-wide */
#define AE_PACK_MAX		32	/* commands per pack */
#define AE_PACK_BYTES		2048u	/* out-data and in-data room per pack */

struct ae_pack_ent {
	rte_avq_cb_t cb;
	void *arg;
	void *in;
	uint32_t in_cap;
	uint32_t roff;		/* its avq_multi_reply in the pack's in-data */
};

struct ae_pack {
	uint32_t idx;		/* in the pool */
	uint32_t n;
	uint32_t flags;		/* RTE_AVQ_F_* its commands were added with */
	uint32_t out_len;	/* list bytes so far, avq_multi_hdr included */
	uint32_t in_len;	/* reply bytes so far */
	uint64_t device_id;
	uint64_t t0;		/* timer cycles of its batch's begin */
	struct rte_avq_engine *e;
	uint8_t *out;		/* e->pack_out bytes */
	uint8_t *in;		/* e->pack_in bytes */
	struct ae_pack_ent ent[AE_PACK_MAX];
};

struct rte_avq_engine {
	const struct rte_avq_transport *t;
	const char *name;
	uint16_t nq;
	uint16_t size;
	uint32_t max_out;
	uint32_t max_in;
	uint64_t tmo_cycles;
	uint64_t hz;		/* timer cycles per second */
	uint64_t ns_mult;	/* ns per cycle << 32 (see ae_cycles_to_ns()) */
	int socket;
	struct ae_queue *q;

	struct rte_avq_req *reqs;	/* handle pool */
	uint32_t *req_next;
	uint32_t nreqs;
	uint64_t req_head __rte_cache_aligned;

	uint32_t state __rte_cache_aligned;	/* AE_RUNNING / AE_RESETTING */

	struct ae_stats *st;	/* AE_NLCORE, each cache aligned */
	struct ae_sq *sq;	/* NULL without conf.sync_queue */
	bool prefetchw;		/* the CPU has PREFETCHW */

	/* Packs (NULL unless conf.batch_pack and the device offers MULTI). */
	struct ae_pack *packs;
	uint32_t *pack_next;
	uint8_t *pack_mem;
	uint32_t pack_out;	/* out-data room per pack */
	uint32_t pack_in;	/* in-data room per pack */
	uint64_t pack_head __rte_cache_aligned;	/* tag << 32 | index */
};

/* Request handle states. */
#define AE_REQ_FREE		0u
#define AE_REQ_PENDING		1u
#define AE_REQ_DONE		2u
#define AE_REQ_FORGOTTEN	3u

struct rte_avq_req {
	struct rte_avq_engine *e;
	uint32_t idx;
	uint32_t state;		/* AE_REQ_* */
	int status;
	uint8_t ack;
	uint32_t in_len;
};

/* This thread's statistics entry, and whether others share it. */
static inline struct ae_stats *
ae_st(const struct rte_avq_engine *e, bool *shared)
{
	unsigned int id = rte_lcore_id();

	*shared = id >= RTE_MAX_LCORE;
	return &e->st[*shared ? RTE_MAX_LCORE : id];
}

static inline void
ae_stat_add(uint64_t *v, uint64_t n, bool shared)
{
	/* Relaxed: counters order nothing. A single writer needs no RMW. */
	if (shared)
		__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
	else
		__atomic_store_n(v, __atomic_load_n(v, __ATOMIC_RELAXED) + n,
				 __ATOMIC_RELAXED);
}

/* Count an event: each is counted by whoever sees it, on its own line. */
#define AE_STAT_ADD(q, field, n) do {					\
	bool sh_;							\
	struct ae_stats *st_ = ae_st((q)->e, &sh_);			\
	ae_stat_add(&st_->field, (n), sh_);				\
} while (0)

/* The same with the entry already looked up (hot paths look it up once:
 * rte_lcore_id() from a shared library is a TLS call). */
#define AE_STAT_ADD_ST(st, sh, field, n)	ae_stat_add(&(st)->field, (n), (sh))

/* Prepare a line we are about to write but another core holds: a read
 * for ownership started now overlaps with other work instead of stalling
 * the store buffer (and every locked instruction behind it) later. */
static inline void
ae_prefetch_w(const struct rte_avq_engine *e, const void *p)
{
#if defined(RTE_ARCH_X86)
	if (e->prefetchw) {
		asm volatile("prefetchw %[p]" : : [p] "m" (*(const volatile char *)p));
		return;
	}
#endif
	RTE_SET_USED(e);
	rte_prefetch0(p);
}

/* 32 bits of a device id, for the sync queue's state word. */
static inline uint32_t
ae_dev_hash(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdull;
	id ^= id >> 33;
	return (uint32_t)id;
}

static inline uint16_t *
ae_avail_idx_p(const struct ae_queue *q)
{
	/* The wire structures are packed; the field is naturally aligned. */
	return RTE_PTR_ADD(q->avail, 2);
}

/* Timer cycles to ns with one multiplication (a latency counter is
 * updated per delivery: three divisions there cost tens of ns). */
static inline uint64_t
ae_cycles_to_ns(const struct rte_avq_engine *e, uint64_t cyc)
{
	return (uint64_t)(((unsigned __int128)cyc * e->ns_mult) >> 32);
}

/* Serial comparison of 32-bit positions. */
static inline int32_t
ae_pos_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* Lock-free stacks (avq_engine.c). */
uint32_t avq_engine_stack_pop(uint64_t *head, uint32_t *next);
void avq_engine_stack_push(uint64_t *head, uint32_t *next, uint32_t idx);

/* Pop up to @p n elements at once (one CAS); @return how many. */
unsigned int avq_engine_stack_pop_bulk(uint64_t *head, uint32_t *next,
				       uint32_t lim, uint32_t *out,
				       unsigned int n);
/* Push @p n elements at once (one CAS). */
void avq_engine_stack_push_bulk(uint64_t *head, uint32_t *next,
				const uint32_t *idx, unsigned int n);

/* Give slot @p s back to its queue's free stack. */
void avq_engine_slot_free(struct ae_queue *q, uint32_t s);
/* Give @p n slots back with one CAS. */
void avq_engine_slots_free(struct ae_queue *q, const uint32_t *s,
			   unsigned int n);

/* Handle pool (avq_engine.c). */
void avq_engine_req_put(struct rte_avq_engine *e, struct rte_avq_req *r);

/* Ring @p q's doorbell if avail->idx moved since the last decision. */
void avq_engine_queue_kick(struct ae_queue *q, bool force);

/* Submission (avq_engine.c); avq_engine_submit() runs entered. */

/* 0, or why @p cmd cannot be submitted to @p e at all. */
static inline int
avq_engine_cmd_check(const struct rte_avq_engine *e,
		     const struct rte_avq_cmd *cmd)
{
	if (cmd == NULL || (cmd->out_len > 0 && cmd->out == NULL) ||
	    (cmd->in_len > 0 && cmd->in == NULL))
		return -EINVAL;
	if (cmd->out_len > e->max_out || cmd->in_len > e->max_in)
		return -E2BIG;
	return 0;
}
struct ae_queue *avq_engine_queue_of(struct rte_avq_engine *e,
				     uint64_t device_id);
int avq_engine_submit(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		      rte_avq_cb_t cb, void *arg, unsigned int flags,
		      struct rte_avq_batch *b);
/* Publish what batch @p b holds on queue @p qi and ring its doorbell. */
void avq_engine_batch_flush(struct rte_avq_batch *b, uint16_t qi);
/* Give the slots cached by batch @p b back to their queues. */
void avq_engine_batch_uncache(struct rte_avq_batch *b);
int avq_engine_wait_room(struct rte_avq_engine *e, struct ae_queue *q);
/* Release the held entry at the head of @p q if the sync queue let it go,
 * publish it and ring the doorbell. @return true if one was released. */
bool avq_engine_release_held(struct ae_queue *q);

/* Packed batches (avq_engine_pack.c). */
int avq_engine_pack_init(struct rte_avq_engine *e);
void avq_engine_pack_free(struct rte_avq_engine *e);
/* Whether @p cmd, its list entry and its reply, still fit in @p pk. */
static inline bool
avq_engine_pack_fits(const struct ae_pack *pk, const struct rte_avq_cmd *cmd)
{
	const struct rte_avq_engine *e = pk->e;

	return pk->n < AE_PACK_MAX &&
	       (uint64_t)pk->out_len + sizeof(struct avq_multi_cmd) +
	       AVQ_MULTI_ALIGN(cmd->out_len) <= e->pack_out &&
	       (uint64_t)pk->in_len + sizeof(struct avq_multi_reply) +
	       AVQ_MULTI_ALIGN(cmd->in_len) <= e->pack_in;
}

/* Append @p cmd to @p pk, which it fits (avq_engine_pack_fits()). */
static inline void
avq_engine_pack_append(struct ae_pack *pk, const struct rte_avq_cmd *cmd,
		       rte_avq_cb_t cb, void *arg)
{
	struct avq_multi_cmd *mc = (void *)(pk->out + pk->out_len);
	struct ae_pack_ent *en;

	mc->class_id = avq_to_le16(cmd->class_id);
	mc->command = avq_to_le16(cmd->command);
	mc->out_len = avq_to_le32(cmd->out_len);
	mc->in_cap = avq_to_le32(cmd->in_len);
	mc->reserved = 0;
	if (cmd->out_len > 0)
		memcpy(mc + 1, cmd->out, cmd->out_len);
	pk->out_len += sizeof(*mc) + AVQ_MULTI_ALIGN(cmd->out_len);
	/* Two lines ahead of the next entry, inside the list area: the
	 * device read this area last, own it before the stores wait. */
	if (pk->out_len + 2 * RTE_CACHE_LINE_SIZE < pk->e->pack_out)
		rte_prefetch0_write(pk->out + pk->out_len +
				    2 * RTE_CACHE_LINE_SIZE);
	en = &pk->ent[pk->n++];
	en->cb = cb;
	en->arg = arg;
	en->in = cmd->in;
	en->in_cap = cmd->in_len;
	en->roff = pk->in_len;
	pk->in_len += sizeof(struct avq_multi_reply) +
		      AVQ_MULTI_ALIGN(cmd->in_len);
}

/* The open pack of @p b that a command of @p device_id added with
 * @p flags joins as it is, if it sits in its home entry (where
 * avq_engine_pack_add() puts a device's pack when it can); NULL: ask
 * avq_engine_pack_add(). */
static inline struct ae_pack *
avq_engine_pack_home(const struct rte_avq_batch *b, uint64_t device_id,
		     unsigned int flags, const struct rte_avq_cmd *cmd)
{
	struct ae_pack *pk = b->pack[device_id % RTE_AVQ_BATCH_PACKS];

	if (pk != NULL && pk->device_id == device_id && pk->flags == flags &&
	    avq_engine_pack_fits(pk, cmd))
		return pk;
	return NULL;
}

/* Add @p cmd to batch @p b: into its device's pack, or posted alone. */
int avq_engine_pack_add(struct rte_avq_batch *b, const struct rte_avq_cmd *cmd,
			rte_avq_cb_t cb, void *arg, unsigned int flags);
/* Post every pack batch @p b holds open. @return 0 or the first error. */
int avq_engine_pack_flush_all(struct rte_avq_batch *b);
/* Count @p extra more deliveries with @p status (@p nfail of them with a
 * non-zero ack), @p lat_ns each: a pack's commands after its chain. */
void avq_engine_count_more(struct rte_avq_engine *e, uint32_t extra,
			   int status, uint32_t nfail, uint64_t lat_ns);

/* Threads inside the engine (reset waits for them). */
bool avq_engine_enter(struct rte_avq_engine *e);
void avq_engine_leave(struct rte_avq_engine *e);

/* Completion side (avq_engine_cq.c). */
unsigned int avq_engine_harvest(struct ae_queue *q, unsigned int budget,
				struct ae_stats *st, bool sh);
unsigned int avq_engine_expire(struct ae_queue *q, uint64_t now,
			       struct ae_stats *st, bool sh);
void avq_engine_oldest_advance(struct ae_queue *q);
/* Reset/destroy with the queue disabled and no other thread inside. */
unsigned int avq_engine_cancel_all(struct ae_queue *q);

/* Sync queue (avq_engine_sync.c). */
int avq_engine_sq_create(struct rte_avq_engine *e, uint16_t index);
void avq_engine_sq_free(struct rte_avq_engine *e);
/* Reset: take the queue from execs (waits for one in flight). */
void avq_engine_sq_block(struct rte_avq_engine *e);
/* Reset: rebuild, re-program and open the queue. */
int avq_engine_sq_reopen(struct rte_avq_engine *e);
/* rte_avq_exec() on the sync queue: -EBUSY when it cannot be used now
 * (the caller takes the ordinary path), else the exec's result. */
int avq_engine_sq_exec(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		       uint8_t *ack, uint32_t *in_len);
/* Submitter side of the handshake: after reserving position @p p of
 * @p q for @p dev, whether the entry must be held (the sync queue has a
 * command of the same device hash posted). A claim not yet posted is
 * revoked instead. */
bool avq_engine_sq_must_hold(struct rte_avq_engine *e, uint64_t dev);
/* Whether an entry of device @p dev held on the sync queue may go now. */
bool avq_engine_sq_released(const struct rte_avq_engine *e, uint64_t dev);

/* avq_engine_sq_must_hold(), with the common case (queue free) inline. */
static inline bool
ae_sq_must_hold(struct rte_avq_engine *e, uint64_t dev)
{
	/* Y2 (see avq_engine_sq_must_hold()): SEQ_CST after R2. */
	if (AE_SQ_ST(__atomic_load_n(&e->sq->word, __ATOMIC_SEQ_CST)) ==
	    AE_SQ_FREE)
		return false;
	return avq_engine_sq_must_hold(e, dev);
}

#endif /* AVQ_ENGINE_PRIVATE_H */
