/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Admin-queue engine, the API around submission: request handles,
 * synchronous execution, batches and statistics.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_pause.h>

#include "avq_engine_private.h"

/* Delivery to a request handle. */
static void
ae_req_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct rte_avq_req *r = arg;
	uint32_t old;

	r->status = status;
	r->ack = ack;
	r->in_len = in_len;
	/* H1: release pairs with the acquire load H2 in rte_avq_req_done()
	 * (results visible) and with the exchange H3 in rte_avq_req_free()
	 * (exactly one side returns the handle to the pool).
	 */
	old = __atomic_exchange_n(&r->state, AE_REQ_DONE, __ATOMIC_ACQ_REL);
	if (old == AE_REQ_FORGOTTEN)
		avq_engine_req_put(r->e, r);
}

int
rte_avq_submit_req(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
		   unsigned int flags, struct rte_avq_req **req)
{
	struct rte_avq_req *r;
	uint32_t idx;
	int ret;

	if (e == NULL || req == NULL)
		return -EINVAL;
	ret = avq_engine_cmd_check(e, cmd);
	if (ret < 0)
		return ret;
	if (!avq_engine_enter(e))
		return -ECANCELED;
	for (;;) {
		idx = avq_engine_stack_pop(&e->req_head, e->req_next);
		if (idx != AE_STACK_EMPTY)
			break;
		if (!(flags & RTE_AVQ_F_WAIT)) {
			avq_engine_leave(e);
			return -EAGAIN;
		}
		ret = avq_engine_wait_room(e, avq_engine_queue_of(e, cmd->device_id));
		if (ret < 0) {
			avq_engine_leave(e);
			return ret;
		}
	}
	r = &e->reqs[idx];
	r->status = 0;
	r->ack = 0;
	r->in_len = 0;
	__atomic_store_n(&r->state, AE_REQ_PENDING, __ATOMIC_RELAXED);
	ret = avq_engine_submit(e, cmd, ae_req_cb, r, flags, NULL);
	avq_engine_leave(e);
	if (ret < 0) {
		avq_engine_req_put(e, r);
		return ret;
	}
	*req = r;
	return 0;
}

bool
rte_avq_req_done(const struct rte_avq_req *req)
{
	if (req == NULL)
		return false;
	/* H2: pairs with the release exchange H1 in ae_req_cb(). */
	return __atomic_load_n(&req->state, __ATOMIC_ACQUIRE) == AE_REQ_DONE;
}

int
rte_avq_req_result(const struct rte_avq_req *req, int *status, uint8_t *ack,
		   uint32_t *in_len)
{
	if (req == NULL)
		return -EINVAL;
	if (!rte_avq_req_done(req))
		return -EBUSY;
	if (status != NULL)
		*status = req->status;
	if (ack != NULL)
		*ack = req->ack;
	if (in_len != NULL)
		*in_len = req->in_len;
	return 0;
}

void
rte_avq_req_free(struct rte_avq_req *req)
{
	uint32_t old;

	if (req == NULL)
		return;
	/* H3: pairs with H1: if the delivery already happened we return the
	 * handle, else the deliverer will.
	 */
	old = __atomic_exchange_n(&req->state, AE_REQ_FORGOTTEN,
				  __ATOMIC_ACQ_REL);
	if (old == AE_REQ_DONE)
		avq_engine_req_put(req->e, req);
}

/* ------------------------------------------------------------------ */
/* Synchronous execution                                               */
/* ------------------------------------------------------------------ */

struct ae_sync {
	uint32_t done;
	int status;
	uint8_t ack;
	uint32_t in_len;
};

static void
ae_sync_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct ae_sync *w = arg;

	w->status = status;
	w->ack = ack;
	w->in_len = in_len;
	/* X1: pairs with the acquire load X2 in rte_avq_exec(); after it
	 * the deliverer no longer touches the waiter's stack.
	 */
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}

int
rte_avq_exec(struct rte_avq_engine *e, const struct rte_avq_cmd *cmd,
	     uint8_t *ack, uint32_t *in_len)
{
	struct ae_sync w = { .done = 0 };
	int ret;

	if (e != NULL && e->sq != NULL) {
		ret = avq_engine_cmd_check(e, cmd);
		if (ret < 0)
			return ret;
		/* The sync queue when it is free and the device has nothing
		 * in flight on its ring queue; else the ordinary way. */
		ret = avq_engine_sq_exec(e, cmd, ack, in_len);
		if (ret <= 0)
			return ret;
	}
	/* A callback on our stack rather than a pool handle: exec never
	 * fails for a pool emptied by handles the owners keep.
	 */
	ret = rte_avq_submit(e, cmd, ae_sync_cb, &w, RTE_AVQ_F_WAIT);
	if (ret < 0)
		return ret;
	/* X2: pairs with X1. */
	while (!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE)) {
		if (rte_avq_engine_poll(e, 32) == 0)
			rte_pause();
	}
	if (w.status < 0)
		return w.status;
	if (ack != NULL)
		*ack = w.ack;
	if (in_len != NULL)
		*in_len = w.in_len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

void
rte_avq_batch_begin(struct rte_avq_engine *e, struct rte_avq_batch *b)
{
	if (b == NULL)
		return;
	bool sh = false;

	b->e = e;
	b->count = 0;
	b->error = 0;
	b->pinned = 0;
	b->held = 0;
	b->entered = 0;
	b->st = NULL;
	b->st_shared = 0;
	memset(b->ncache, 0, sizeof(b->ncache));
	memset(b->unpub, 0, sizeof(b->unpub));
	memset(b->pack, 0, sizeof(b->pack));
	if (e == NULL)
		return;
	/* Looked up once: every add counts on this thread's line. */
	b->st = ae_st(e, &sh);
	b->st_shared = sh ? 1 : 0;
	b->now = rte_get_timer_cycles();
	/* One entry for the whole batch: its adds pay no fence each. */
	if (avq_engine_enter(e))
		b->entered = 1;
}

/* Post @p cmd in open batch @p b (entered, engine set): into its
 * device's pack, or alone. 0 or the error; the caller counts and records. */
static __rte_always_inline int
batch_post(struct rte_avq_batch *b, const struct rte_avq_cmd *cmd,
	   rte_avq_cb_t cb, void *arg, unsigned int flags)
{
	struct rte_avq_engine *e = b->e;
	struct ae_pack *pk;
	int ret;

	ret = avq_engine_cmd_check(e, cmd);
	if (ret != 0)
		return ret;
	if (e->packs != NULL) {
		/* Most adds join their device's open pack. */
		pk = avq_engine_pack_home(b, cmd->device_id, flags, cmd);
		if (likely(pk != NULL)) {
			avq_engine_pack_append(pk, cmd, cb, arg);
			return 0;
		}
		ret = avq_engine_pack_add(b, cmd, cb, arg, flags);
	} else {
		ret = avq_engine_submit(e, cmd, cb, arg, flags, b);
	}
	return ret < 0 ? ret : 0;
}

int
rte_avq_batch_add(struct rte_avq_batch *b, const struct rte_avq_cmd *cmd,
		  rte_avq_cb_t cb, void *arg, unsigned int flags)
{
	int ret;

	if (b == NULL || b->e == NULL)
		return -EINVAL;
	/* Inside since begin: no reset can run until the batch ends. Not
	 * entered (a reset was running at begin): a bad command still gets
	 * its own error first. */
	if (likely(b->entered))
		ret = batch_post(b, cmd, cb, arg, flags);
	else
		ret = avq_engine_cmd_check(b->e, cmd) ?: -ECANCELED;
	if (ret < 0) {
		if (b->error == 0)
			b->error = ret;
		return ret;
	}
	b->count++;
	return 0;
}

int
rte_avq_batch_add_burst(struct rte_avq_batch *b,
			const struct rte_avq_cmd *cmds, unsigned int n,
			rte_avq_cb_t cb, void *const *args, unsigned int flags)
{
	unsigned int i;
	int ret = 0;

	if (b == NULL || b->e == NULL || (cmds == NULL && n > 0)) {
		rte_errno = EINVAL;
		return 0;
	}
	/* Inside since begin: no reset can run until the batch ends. */
	if (!b->entered)
		ret = -ECANCELED;
	for (i = 0; i < n && ret == 0; i++) {
		ret = batch_post(b, &cmds[i], cb, args != NULL ? args[i] : NULL,
				 flags);
		if (ret < 0)
			break;
	}
	b->count += i;
	if (ret < 0) {
		if (b->error == 0)
			b->error = ret;
		rte_errno = -ret;
	}
	return (int)i;
}

int
rte_avq_batch_end(struct rte_avq_batch *b)
{
	uint16_t qi;
	int ret;

	if (b == NULL || b->e == NULL)
		return -EINVAL;
	if (b->entered) {
		/* Packs first: their chains go out with the rest. */
		ret = avq_engine_pack_flush_all(b);
		if (ret < 0 && b->error == 0)
			b->error = ret;
		for (qi = 0; qi < b->e->nq; qi++)
			if (b->pinned & (1u << qi))
				avq_engine_batch_flush(b, qi);
		/* Slots taken but not used go back (before leaving: a reset
		 * rebuilds the stacks). */
		avq_engine_batch_uncache(b);
		avq_engine_leave(b->e);
		b->entered = 0;
	}
	b->pinned = 0;
	if (b->st != NULL) {
		/* Counted here rather than per add: one line, once. */
		AE_STAT_ADD_ST((struct ae_stats *)b->st, b->st_shared != 0,
			       batches, 1);
		AE_STAT_ADD_ST((struct ae_stats *)b->st, b->st_shared != 0,
			       batched, b->count);
		AE_STAT_ADD_ST((struct ae_stats *)b->st, b->st_shared != 0,
			       submitted, b->count);
	} else {
		AE_STAT_ADD(&b->e->q[0], batches, 1);
	}
	return b->count > 0 ? (int)b->count : b->error;
}

/* ------------------------------------------------------------------ */
/* Statistics                                                          */
/* ------------------------------------------------------------------ */

int
rte_avq_engine_stats_get(const struct rte_avq_engine *e,
			 struct rte_avq_engine_stats *s)
{
	const struct ae_stats *st;
	uint64_t sub = 0, del = 0, max;
	unsigned int i;

	if (e == NULL || s == NULL)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	/* One entry per lcore (and one shared by the others). */
	for (i = 0; i < AE_NLCORE; i++) {
		st = &e->st[i];
#define AE_SUM(f) __atomic_load_n(&st->f, __ATOMIC_RELAXED)
		sub += AE_SUM(submitted);
		del += AE_SUM(delivered);
		s->submitted += AE_SUM(submitted);
		s->completed += AE_SUM(completed);
		s->failed += AE_SUM(failed);
		s->timed_out += AE_SUM(timed_out);
		s->canceled += AE_SUM(canceled);
		s->late += AE_SUM(late);
		s->eagain += AE_SUM(eagain);
		s->kicks += AE_SUM(kicks);
		s->lat_ns_sum += AE_SUM(lat_ns_sum);
		max = AE_SUM(lat_ns_max);
		if (max > s->lat_ns_max)
			s->lat_ns_max = max;
		s->batches += AE_SUM(batches);
		s->batched += AE_SUM(batched);
		s->packs += AE_SUM(packs);
		s->packed += AE_SUM(packed);
#undef AE_SUM
	}
	s->inflight = sub > del ? (uint32_t)(sub - del) : 0;
	return 0;
}
