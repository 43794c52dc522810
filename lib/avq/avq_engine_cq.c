/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Admin-queue engine, completion side: multi-consumer harvest of the used
 * rings, per-device ordered delivery, deadlines, and the cancel pass of a
 * reset. Lock-free: any number of threads may poll at once; each request
 * is delivered exactly once (CAS on its cell's state word), and a request
 * is delivered only after every earlier request of the same device_id
 * (Dekker-style handshake, see avq_engine.rst, "Ordered delivery").
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>
#include <rte_cycles.h>
#include <rte_pause.h>

#include "avq_engine_private.h"

/* Used entries copied out per CAS of the consumer index. */
#define AE_BURST		32u
/* Default harvest budget of a poll. */
#define AE_DEF_BUDGET		64u
/* Ack byte value meaning "not written". */
#define AE_ACK_UNWRITTEN	0xff

static inline struct ae_cell *
ae_cell(struct ae_queue *q, uint32_t pos)
{
	return &q->cells[pos & q->mask];
}

static void
ae_proto_error(struct ae_queue *q, const char *what, uint32_t id,
	       uint32_t len)
{
	/* Rare: the statistics entry is looked up here. */
	AE_STAT_ADD(q, proto_errors, 1);
	AVQ_LOG(ERR, "%s engine aq%u: protocol error: %s (used id %u len %u)",
		q->e->name, q->index, what, id, len);
}

/* ------------------------------------------------------------------ */
/* Ordered delivery                                                    */
/* ------------------------------------------------------------------ */

/*
 * Device id of the request at @p x as seen with state word @p w, or false
 * when the cell moved on meanwhile (then @p x is delivered).
 */
static bool
ae_cell_device(struct ae_queue *q, uint32_t x, uint64_t w, uint64_t *dev)
{
	struct ae_cell *c = ae_cell(q, x);
	uint64_t w2;

	*dev = __atomic_load_n(&c->device_id, __ATOMIC_RELAXED);
	/* V3: acquire keeps the device_id load above before this re-check
	 * (seqlock-style); the id is valid if the cell still holds lap x.
	 */
	w2 = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	return AE_W_POS(w2) == x && (w2 == w ||
				     AE_W_ST(w2) != AE_ST_DELIVERED);
}

/*
 * Whether an earlier request of device @p dev is undelivered (or may be:
 * an entry not stamped yet could be of that device). Every position at or
 * below p - N is delivered: reserving p needed p - N delivered, and
 * positions are reserved in order.
 */
static bool
ae_blocked(struct ae_queue *q, uint32_t p, uint64_t dev)
{
	uint32_t lo, x, o;
	uint64_t w, id;
	int32_t d;

	o = __atomic_load_n(&q->oldest, __ATOMIC_RELAXED);
	lo = p - (q->size - 1);
	if (ae_pos_diff(o, lo) > 0)
		lo = o;
	for (x = p - 1; ae_pos_diff(x, lo) >= 0; x--) {
		/* V1: SEQ_CST: Dekker with the deliverer's store V2 then
		 * loads V4; the completer stored C1 (or E1) before this.
		 * Either we see the predecessor DELIVERED, or its deliverer
		 * sees us COMPLETED and delivers us.
		 */
		w = __atomic_load_n(&ae_cell(q, x)->state, __ATOMIC_SEQ_CST);
		d = ae_pos_diff(AE_W_POS(w), x);
		if (d > 0)
			continue;	/* delivered, cell reused */
		if (d < 0)
			return true;	/* not stamped yet: unknown device */
		if (AE_W_ST(w) == AE_ST_DELIVERED)
			continue;
		if (ae_cell_device(q, x, w, &id) && id == dev)
			return true;
	}
	return false;
}

/* The first request after @p p of device @p dev, if stamped. */
static bool
ae_next_same(struct ae_queue *q, uint32_t p, uint64_t dev, uint32_t *next)
{
	uint32_t y, k;
	uint64_t w, id;
	int32_t d;

	for (y = p + 1, k = 1; k < q->size; y++, k++) {
		/* V4: SEQ_CST, the load half of the deliverer's side of the
		 * Dekker pair with V1 (see there).
		 */
		w = __atomic_load_n(&ae_cell(q, y)->state, __ATOMIC_SEQ_CST);
		d = ae_pos_diff(AE_W_POS(w), y);
		if (d < 0)
			return false;	/* not stamped: later ones are not
					 * published, hence not completed */
		if (d > 0)
			continue;	/* delivered, cell reused */
		if (ae_cell_device(q, y, w, &id) && id == dev) {
			*next = y;
			return true;
		}
	}
	return false;
}

static void
ae_latency(struct ae_stats *st, bool shared, uint64_t sum, uint64_t max_ns)
{
	uint64_t max;

	ae_stat_add(&st->lat_ns_sum, sum, shared);
	max = __atomic_load_n(&st->lat_ns_max, __ATOMIC_RELAXED);
	if (!shared) {
		if (max_ns > max)
			__atomic_store_n(&st->lat_ns_max, max_ns, __ATOMIC_RELAXED);
		return;
	}
	while (max_ns > max &&
	       !__atomic_compare_exchange_n(&st->lat_ns_max, &max, max_ns,
					    false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}

void
avq_engine_count_more(struct rte_avq_engine *e, uint32_t extra, int status,
		      uint32_t nfail, uint64_t lat_ns)
{
	struct ae_stats *st;
	bool sh;

	if (extra == 0 && nfail == 0)
		return;
	st = ae_st(e, &sh);
	AE_STAT_ADD_ST(st, sh, delivered, extra);
	if (status == 0) {
		AE_STAT_ADD_ST(st, sh, completed, extra);
		AE_STAT_ADD_ST(st, sh, failed, nfail);
		ae_latency(st, sh, lat_ns * extra, lat_ns);
	} else if (status == -ETIMEDOUT) {
		AE_STAT_ADD_ST(st, sh, timed_out, extra);
	} else if (status == -ECANCELED) {
		AE_STAT_ADD_ST(st, sh, canceled, extra);
	}
}

/* What a completed request's reply says: status, ack, in-data copied. */
static int
ae_reply(struct ae_queue *q, const struct ae_cell *c, uint32_t s,
	 uint8_t *ack, uint32_t *inl)
{
	const uint8_t *buf;
	uint32_t len;

	/* Written by the harvester before its claim (ours, or a SEQ_CST
	 * C1 that our claim V5 read).
	 */
	len = __atomic_load_n(&q->slots[s].len, __ATOMIC_RELAXED);
	if (len == 0)
		/* The chain came back without an ack. */
		return -EPROTO;
	buf = q->bufs + (size_t)s * q->buf_stride + q->in_off;
	*ack = buf[0];
	*inl = len - 1;
	if (*inl > c->in_len) {
		/* The device cannot have written beyond the descriptor:
		 * trust only the buffer we gave.
		 */
		ae_proto_error(q, "used.len beyond the in-data buffer", 2 * s,
			       len);
		*inl = c->in_len;
	}
	if (*inl > 0)
		rte_memcpy(c->in, buf + 1, *inl);
	return 0;
}

/*
 * Deliver the request at @p p, claimed by the caller (state DELIVERING).
 * @p st is the state it was claimed from: COMPLETED (the device answered),
 * EXPIRED (-ETIMEDOUT) or POSTED (reset: -ECANCELED).
 */
static void
ae_deliver(struct ae_queue *q, uint32_t p, uint32_t from, uint32_t flags,
	   struct ae_stats *st, bool sh)
{
	struct rte_avq_engine *e = q->e;
	struct ae_cell *c = ae_cell(q, p);
	uint32_t s = c->slot, inl = 0;
	rte_avq_cb_t cb = c->cb;
	void *arg = c->arg;
	uint8_t ack = AE_ACK_UNWRITTEN;
	uint64_t now, ns;
	int status;

	if (from == AE_ST_COMPLETED) {
		status = ae_reply(q, c, s, &ack, &inl);
		avq_engine_slot_free(q, s);
	} else if (from == AE_ST_EXPIRED) {
		/* The device may still own the slot: the late answer (or a
		 * reset) frees it.
		 */
		status = -ETIMEDOUT;
	} else {
		status = -ECANCELED;
		avq_engine_slot_free(q, s);
	}

	AE_STAT_ADD_ST(st, sh, delivered, 1);
	if (status == 0) {
		AE_STAT_ADD_ST(st, sh, completed, 1);
		if (ack != AVQ_ACK_OK)
			AE_STAT_ADD_ST(st, sh, failed, 1);
		now = rte_get_timer_cycles();
		ns = ae_cycles_to_ns(e, now -
			(__atomic_load_n(&c->deadline, __ATOMIC_RELAXED) -
			 e->tmo_cycles));
		ae_latency(st, sh, ns, ns);
	} else if (status == -ETIMEDOUT) {
		AE_STAT_ADD_ST(st, sh, timed_out, 1);
	} else if (status == -ECANCELED) {
		AE_STAT_ADD_ST(st, sh, canceled, 1);
	}
	if (cb != NULL)
		cb(arg, status, ack, inl);
	/* V2: SEQ_CST: Dekker with V1 (see ae_blocked()); also pairs with
	 * R1 of the submitter that reuses the cell: our reads of it are done.
	 */
	__atomic_store_n(&c->state, AE_W(p, AE_ST_DELIVERED | flags),
			 __ATOMIC_SEQ_CST);
}

/*
 * Deliver @p p if it is completed or expired and nothing earlier of its
 * device is pending, then every later request of the device that became
 * deliverable. @return number delivered.
 */
static unsigned int
ae_try_deliver(struct ae_queue *q, uint32_t p, struct ae_stats *stp, bool sh)
{
	struct ae_cell *c;
	unsigned int n = 0;
	uint64_t w, dev;
	uint32_t st;

	for (;;) {
		c = ae_cell(q, p);
		/* V5: SEQ_CST (part of the Dekker pairs V1/V2): acquires the
		 * stamp P0 and the completion C1, so the cell fields and the
		 * slot's used.len are visible.
		 */
		w = __atomic_load_n(&c->state, __ATOMIC_SEQ_CST);
		if (AE_W_POS(w) != p)
			return n;
		st = AE_W_ST(w);
		if (st != AE_ST_COMPLETED && st != AE_ST_EXPIRED)
			return n;
		dev = __atomic_load_n(&c->device_id, __ATOMIC_RELAXED);
		if (ae_blocked(q, p, dev))
			return n;
		/* V5: exactly-once claim. */
		if (!__atomic_compare_exchange_n(&c->state, &w,
				AE_W(p, AE_ST_DELIVERING | (w & AE_F_TIMEDOUT)),
				false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return n;
		ae_deliver(q, p, st, (uint32_t)w & AE_F_TIMEDOUT, stp, sh);
		n++;
		if (!ae_next_same(q, p, dev, &p))
			return n;
	}
}

/* ------------------------------------------------------------------ */
/* Harvest                                                             */
/* ------------------------------------------------------------------ */

/* One used element: complete its request. @return deliveries. */
static unsigned int
ae_complete(struct ae_queue *q, uint32_t id, uint32_t len, struct ae_stats *st,
	    bool sh)
{
	struct ae_slot *sl;
	struct ae_cell *c;
	uint32_t s, p;
	uint64_t w;

	if ((id & 1) != 0 || id >= q->size) {
		ae_proto_error(q, "id is not a chain head the engine posts",
			       id, len);
		return 0;
	}
	s = id / 2;
	sl = &q->slots[s];
	if (!__atomic_load_n(&sl->busy, __ATOMIC_RELAXED)) {
		ae_proto_error(q, "chain not in flight", id, len);
		return 0;
	}
	p = sl->pos;
	c = ae_cell(q, p);
	__atomic_store_n(&sl->len, len, __ATOMIC_RELAXED);
	w = AE_W(p, AE_ST_POSTED);
	/* C1: SEQ_CST: publishes sl->len to the deliverer (V5) and is the
	 * completer's store of the Dekker pair with V2 (see ae_blocked()).
	 */
	if (__atomic_compare_exchange_n(&c->state, &w,
					AE_W(p, AE_ST_COMPLETED), false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return ae_try_deliver(q, p, st, sh);
	if (ae_pos_diff(AE_W_POS(w), p) > 0 ||
	    (AE_W_POS(w) == p && (w & AE_F_TIMEDOUT))) {
		/* Answer after the timeout: discard it, the slot is free
		 * now that the device returned it.
		 */
		AE_STAT_ADD_ST(st, sh, late, 1);
		AVQ_LOG(DEBUG, "%s engine aq%u: late answer for position %u",
			q->e->name, q->index, p);
		avq_engine_slot_free(q, s);
		return 0;
	}
	ae_proto_error(q, "chain returned twice", id, len);
	return 0;
}

static inline const uint16_t *
ae_used_idx_p(const struct ae_queue *q)
{
	return RTE_PTR_ADD(q->used, 2);
}

static inline const uint32_t *
ae_used_elem_p(const struct ae_queue *q, uint32_t i)
{
	return RTE_PTR_ADD(q->used, 4 + 8 * (size_t)(i & q->mask));
}

/*
 * In-order fast path: claim the request of used element @p id directly
 * (POSTED -> DELIVERING, no COMPLETED step) when it sits at position
 * @p want, the first one not yet delivered nor claimed by this burst:
 * every earlier request is then delivered or ours to deliver first, so
 * nothing can block it. @return false (nothing changed but used.len)
 * when that does not hold: the caller takes the ordinary path.
 */
static inline bool
ae_claim_in_order(struct ae_queue *q, uint32_t id, uint32_t len,
		  uint32_t want, uint32_t *slot)
{
	struct ae_slot *sl;
	uint64_t w;

	if ((id & 1) != 0 || id >= q->size)
		return false;
	sl = &q->slots[id / 2];
	if (!__atomic_load_n(&sl->busy, __ATOMIC_RELAXED) || sl->pos != want)
		return false;
	__atomic_store_n(&sl->len, len, __ATOMIC_RELAXED);
	w = AE_W(want, AE_ST_POSTED);
	/* C2: acquire: the stamp P0 (cell fields). Exactly one of this
	 * and a deadline's E1 wins, as with C1.
	 */
	if (!__atomic_compare_exchange_n(&ae_cell(q, want)->state, &w,
					 AE_W(want, AE_ST_DELIVERING), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	*slot = id / 2;
	return true;
}

/* Devices whose successors a run's closing scan looks at. */
#define AE_RUN_DEVS	8

/*
 * Deliver @p n requests claimed in order from position @p p0 (slots in
 * @p slot): replies first, the slots back with one CAS, then the
 * callbacks in order, each followed by a release store of DELIVERED;
 * then one fence and, per device, a look at its next request, which a
 * harvester on another thread may have completed while we held this run.
 */
static unsigned int
ae_deliver_run(struct ae_queue *q, uint32_t p0, const uint32_t *slot,
	       unsigned int n, struct ae_stats *st, bool sh)
{
	struct rte_avq_engine *e = q->e;
	uint64_t devs[AE_RUN_DEVS], dev_of[AE_BURST], lat, lat_sum = 0;
	uint64_t lat_max = 0, now, dev;
	uint32_t inl[AE_BURST], last[AE_RUN_DEVS], nx, p;
	uint8_t ack[AE_BURST];
	int status[AE_BURST];
	unsigned int j, d, nd = 0, ok = 0, failed = 0, more = 0;
	struct ae_cell *c;

	for (j = 0; j < n; j++) {
		c = ae_cell(q, p0 + j);
		ack[j] = AE_ACK_UNWRITTEN;
		inl[j] = 0;
		status[j] = ae_reply(q, c, slot[j], &ack[j], &inl[j]);
		/* Now, while the cell is ours: once DELIVERED it may be
		 * reserved again and rewritten. */
		dev_of[j] = c->device_id;
	}
	/* Before any callback, as a single delivery does: a callback may
	 * submit and want room. */
	avq_engine_slots_free(q, slot, n);
	now = rte_get_timer_cycles();
	for (j = 0; j < n; j++) {
		p = p0 + j;
		c = ae_cell(q, p);
		if (status[j] == 0) {
			ok++;
			if (ack[j] != AVQ_ACK_OK)
				failed++;
			/* In cycles; one conversion per run (divisions). */
			lat = now - (__atomic_load_n(&c->deadline,
						     __ATOMIC_RELAXED) -
				     e->tmo_cycles);
			lat_sum += lat;
			lat_max = RTE_MAX(lat_max, lat);
		}
		if (c->cb != NULL)
			c->cb(c->arg, status[j], ack[j], inl[j]);
		/* V6: release: pairs with R1 of the submitter that reuses
		 * the cell and with the acquire loads of later deliverers;
		 * the Dekker half of V2 is the fence below.
		 */
		__atomic_store_n(&c->state, AE_W(p, AE_ST_DELIVERED),
				 __ATOMIC_RELEASE);
		/* O1: release: everything before p + 1 is delivered; pairs
		 * with the acquire load O2 in avq_engine_harvest(). A hint:
		 * a racing store of a smaller value is harmless. */
		__atomic_store_n(&q->oldest, p + 1, __ATOMIC_RELEASE);
	}
	AE_STAT_ADD_ST(st, sh, delivered, n);
	if (ok != 0) {
		AE_STAT_ADD_ST(st, sh, completed, ok);
		ae_latency(st, sh, ae_cycles_to_ns(e, lat_sum),
			   ae_cycles_to_ns(e, lat_max));
	}
	if (failed != 0)
		AE_STAT_ADD_ST(st, sh, failed, failed);
	/* V7: the store half of the Dekker pair V2/V1 for the whole run:
	 * a completer that stored C1 and then saw one of ours undelivered
	 * (V1) left its request to us; after this fence our loads V4 see
	 * its C1.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (j = n; j-- > 0;) {
		dev = dev_of[j];
		for (d = 0; d < nd && devs[d] != dev; d++)
			;
		if (d < nd)
			continue;	/* a later one of the device is known */
		if (nd < AE_RUN_DEVS) {
			devs[nd] = dev;
			last[nd++] = p0 + j;
			continue;
		}
		/* Too many devices to remember: look now. */
		if (ae_next_same(q, p0 + j, dev, &nx))
			more += ae_try_deliver(q, nx, st, sh);
	}
	for (d = 0; d < nd; d++)
		if (ae_next_same(q, last[d], devs[d], &nx))
			more += ae_try_deliver(q, nx, st, sh);
	return n + more;
}

unsigned int
avq_engine_harvest(struct ae_queue *q, unsigned int budget, struct ae_stats *st,
		   bool sh)
{
	uint32_t ids[AE_BURST], lens[AE_BURST], slot[AE_BURST];
	unsigned int n = 0, done = 0, k, i, nf;
	uint32_t c, expect;
	uint16_t u, pending;
	bool fast;

	while (done < budget) {
		/* H4: acquire keeps this load before the used->idx load
		 * below (an index newer than the used one would look like
		 * 64k pending entries); pairs with nothing else.
		 */
		c = __atomic_load_n(&q->cons, __ATOMIC_ACQUIRE);
		/* A2: pairs with the device's release store U1 of used->idx
		 * (avq_dev_aq.c): the elements and the ack/in-data are
		 * visible.
		 */
		u = avq_le16(__atomic_load_n(ae_used_idx_p(q),
					     __ATOMIC_ACQUIRE));
		pending = (uint16_t)(u - (uint16_t)c);
		if (pending == 0)
			break;
		k = RTE_MIN((unsigned int)pending, AE_BURST);
		k = RTE_MIN(k, budget - done);
		/* Copy first, claim after: an element cannot be overwritten
		 * before it is consumed (the device holds at most N/2 chains,
		 * so used entries not consumed never exceed N/2). A reader
		 * with a stale @c c may copy garbage: its CAS fails.
		 */
		for (i = 0; i < k; i++) {
			ids[i] = avq_le32(__atomic_load_n(ae_used_elem_p(q, c + i),
							  __ATOMIC_RELAXED));
			lens[i] = avq_le32(__atomic_load_n(ae_used_elem_p(q, c + i) + 1,
							   __ATOMIC_RELAXED));
		}
		/* Relaxed: the elements were acquired through A2; the
		 * 32-bit index cannot come back to @c c (no ABA).
		 */
		if (!__atomic_compare_exchange_n(&q->cons, &c, c + k, false,
						 __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
			continue;
		/* The replies were written by the device's core: start all
		 * their misses now so that they overlap instead of costing a
		 * round trip each in ae_deliver(). */
		for (i = 0; i < k; i++)
			if ((ids[i] & 1) == 0 && ids[i] < q->size)
				rte_prefetch0(q->bufs + (size_t)(ids[i] / 2) *
					      q->buf_stride + q->in_off);
		/* O2: acquire: pairs with O1; positions below it are
		 * delivered and their callbacks returned. */
		expect = __atomic_load_n(&q->oldest, __ATOMIC_ACQUIRE);
		nf = 0;
		fast = true;
		for (i = 0; i < k; i++) {
			if (fast && ae_claim_in_order(q, ids[i], lens[i],
						      expect + nf, &slot[nf])) {
				nf++;
				continue;
			}
			/* Out of order (or odd): the ordinary path for this
			 * one and the rest of the burst; a same-device one
			 * waits for the run claimed above (blocked) and the
			 * run's closing scan delivers it. */
			fast = false;
			n += ae_complete(q, ids[i], lens[i], st, sh);
		}
		if (nf > 0)
			n += ae_deliver_run(q, expect, slot, nf, st, sh);
		done += k;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Deadlines                                                           */
/* ------------------------------------------------------------------ */

unsigned int
avq_engine_expire(struct ae_queue *q, uint64_t now, struct ae_stats *stp,
		  bool sh)
{
	struct rte_avq_engine *e = q->e;
	uint64_t t, next, dl, w;
	uint32_t x, hi, lo, st, pub;
	unsigned int n = 0;
	struct ae_cell *c;
	uint16_t idx;

	t = __atomic_load_n(&q->tmo_check, __ATOMIC_RELAXED);
	if (now < t)
		return 0;
	/* One scanner at a time; the others skip (relaxed: a hint). */
	next = now + e->tmo_cycles;
	if (!__atomic_compare_exchange_n(&q->tmo_check, &t, next, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return 0;
	/* Entries from avail->idx on have not reached the device: they wait
	 * for an earlier one (unstamped, or held for the sync queue). They
	 * do not expire, so an unpublished entry is never delivered and its
	 * cell never reused (its ring entry is still to be read). Read
	 * before prod, so that it is not ahead of it; a stale index only
	 * defers an expiry. */
	idx = __atomic_load_n(ae_avail_idx_p(q), __ATOMIC_ACQUIRE);
	hi = __atomic_load_n(&q->prod, __ATOMIC_ACQUIRE);
	lo = __atomic_load_n(&q->oldest, __ATOMIC_RELAXED);
	if (ae_pos_diff(hi, lo) > (int32_t)q->size)
		lo = hi - q->size;
	pub = hi - (uint16_t)((uint16_t)hi - idx);
	for (x = lo; ae_pos_diff(hi, x) > 0; x++) {
		c = ae_cell(q, x);
		/* E2: SEQ_CST like V5: acquires the stamp (deadline). */
		w = __atomic_load_n(&c->state, __ATOMIC_SEQ_CST);
		if (AE_W_POS(w) != x)
			continue;
		st = AE_W_ST(w);
		if (st == AE_ST_POSTED &&
		    (ae_pos_diff(x, pub) >= 0 || (w & AE_F_HOLD))) {
			next = RTE_MIN(next, now + e->hz / 1000);
			continue;
		}
		if (st == AE_ST_POSTED) {
			dl = __atomic_load_n(&c->deadline, __ATOMIC_RELAXED);
			if (dl > now) {
				next = RTE_MIN(next, dl);
				continue;
			}
			/* E1: SEQ_CST, the completer's side of the Dekker
			 * pair (like C1); exactly one of E1 and C1 wins.
			 */
			if (!__atomic_compare_exchange_n(&c->state, &w,
					AE_W(x, AE_ST_EXPIRED | AE_F_TIMEDOUT),
					false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
				continue;
			AVQ_LOG(DEBUG, "%s engine aq%u: device %" PRIu64 ": command timed out",
				e->name, q->index,
				__atomic_load_n(&c->device_id, __ATOMIC_RELAXED));
			n += ae_try_deliver(q, x, stp, sh);
		} else if (st == AE_ST_COMPLETED || st == AE_ST_EXPIRED) {
			/* Rescue: an expired request blocked by an entry
			 * not stamped at its expiry has nobody else to
			 * deliver it.
			 */
			n += ae_try_deliver(q, x, stp, sh);
			next = RTE_MIN(next, now + e->hz / 1000);
		}
	}
	__atomic_store_n(&q->tmo_check, next, __ATOMIC_RELAXED);
	return n;
}

void
avq_engine_oldest_advance(struct ae_queue *q)
{
	uint32_t o, x, k;
	uint64_t w;
	int32_t d;

	o = __atomic_load_n(&q->oldest, __ATOMIC_RELAXED);
	for (x = o, k = 0; k < q->size; x++, k++) {
		/* Relaxed: @c oldest is a hint bounding scans; positions
		 * below it are delivered (terminal), which every reader
		 * re-reads with its own ordering anyway.
		 */
		w = __atomic_load_n(&ae_cell(q, x)->state, __ATOMIC_RELAXED);
		d = ae_pos_diff(AE_W_POS(w), x);
		if (d < 0 || (d == 0 && AE_W_ST(w) != AE_ST_DELIVERED))
			break;
	}
	if (x != o)
		__atomic_compare_exchange_n(&q->oldest, &o, x, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Poll and reset                                                      */
/* ------------------------------------------------------------------ */

/* Used entries to harvest, or a deadline scan due, on @p q. */
static inline bool
ae_has_work(struct ae_queue *q, uint64_t now)
{
	uint16_t used = avq_le16(__atomic_load_n(&q->used->idx,
						 __ATOMIC_RELAXED));

	return used != (uint16_t)__atomic_load_n(&q->cons, __ATOMIC_RELAXED) ||
	       now >= __atomic_load_n(&q->tmo_check, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&q->holds, __ATOMIC_RELAXED) != 0;
}

int
rte_avq_engine_poll(struct rte_avq_engine *e, unsigned int budget)
{
	struct ae_stats *st;
	unsigned int n = 0;
	uint64_t now;
	uint16_t i;
	bool sh;

	if (e == NULL)
		return 0;
	if (budget == 0)
		budget = AE_DEF_BUDGET;
	/* A poll with nothing to do costs no fence: peek first. Plain loads
	 * of memory that lives as long as the engine; a stale value only
	 * delays the work to the next poll. */
	now = rte_get_timer_cycles();
	for (i = 0; i < e->nq; i++)
		if (ae_has_work(&e->q[i], now))
			break;
	if (i == e->nq)
		return 0;
	if (!avq_engine_enter(e))
		return 0;
	st = ae_st(e, &sh);
	for (i = 0; i < e->nq; i++)
		n += avq_engine_harvest(&e->q[i], budget, st, sh);
	now = rte_get_timer_cycles();
	for (i = 0; i < e->nq; i++) {
		/* Entries held for the sync queue whose submitters left:
		 * nobody else may be about to publish them. */
		while (__atomic_load_n(&e->q[i].holds, __ATOMIC_RELAXED) != 0 &&
		       avq_engine_release_held(&e->q[i]))
			;
		n += avq_engine_expire(&e->q[i], now, st, sh);
		avq_engine_oldest_advance(&e->q[i]);
	}
	avq_engine_leave(e);
	return (int)n;
}

unsigned int
avq_engine_cancel_all(struct ae_queue *q)
{
	uint32_t x, hi, lo, st;
	struct ae_stats *stp;
	unsigned int n;
	uint64_t w;
	bool sh;

	/* The device is stopped: what it answered is delivered as answered
	 * (in order), the rest fails.
	 */
	stp = ae_st(q->e, &sh);
	n = avq_engine_harvest(q, UINT32_MAX, stp, sh);
	hi = q->prod;
	lo = q->oldest;
	if (ae_pos_diff(hi, lo) > (int32_t)q->size)
		lo = hi - q->size;
	/* Position order per queue: per-device order holds. */
	for (x = lo; ae_pos_diff(hi, x) > 0; x++) {
		/* Single thread now: acquire only pairs with the stamps P0
		 * of submitters that left before the reset (and D3).
		 */
		w = __atomic_load_n(&ae_cell(q, x)->state, __ATOMIC_ACQUIRE);
		if (AE_W_POS(w) != x)
			continue;
		st = AE_W_ST(w);
		if (st != AE_ST_POSTED && st != AE_ST_COMPLETED &&
		    st != AE_ST_EXPIRED)
			continue;
		__atomic_store_n(&ae_cell(q, x)->state,
				 AE_W(x, AE_ST_DELIVERING | (w & AE_F_TIMEDOUT)),
				 __ATOMIC_RELAXED);
		ae_deliver(q, x, st, (uint32_t)w & AE_F_TIMEDOUT, stp, sh);
		n++;
	}
	return n;
}
