/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Packed batches (conf.batch_pack): a batch gathers its commands for one
 * managed device into a pack and posts the pack as one MULTI_EXEC chain
 * (class AVQ_CLASS_MULTI). The device runs the list in order and answers
 * each command in its own reply; the pack's callback hands every command
 * its ack and in-data and calls its callback, in list order.
 *
 * A pack is an ordinary submission of its device: per-device order,
 * the sync queue's holds, timeouts and resets apply to it unchanged (one
 * command of that device after another), and its callback fans the
 * result out. Commands of one device keep their order because a pack
 * takes only consecutive commands of its device within the batch: a
 * command that cannot join (too large, other flags) posts the open pack
 * first.
 *
 * Packs come from a pool (a Treiber stack, as the slots); an empty pool
 * or a lone command means a plain chain.
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "avq_private.h"
#include "avq_engine_private.h"

int
avq_engine_pack_init(struct rte_avq_engine *e)
{
	uint32_t i;

	/* A pack is one command's out-data and in-data for the engine. */
	e->pack_out = RTE_MIN(e->max_out, AE_PACK_BYTES);
	e->pack_in = RTE_MIN(e->max_in, AE_PACK_BYTES);
	e->packs = rte_zmalloc_socket("avq_engine_packs",
				      sizeof(*e->packs) * AE_NPACKS,
				      RTE_CACHE_LINE_SIZE, e->socket);
	e->pack_next = rte_zmalloc_socket("avq_engine_pack_next",
					  sizeof(*e->pack_next) * AE_NPACKS,
					  RTE_CACHE_LINE_SIZE, e->socket);
	e->pack_mem = rte_malloc_socket("avq_engine_pack_mem",
					(size_t)(e->pack_out + e->pack_in) *
					AE_NPACKS, RTE_CACHE_LINE_SIZE,
					e->socket);
	if (e->packs == NULL || e->pack_next == NULL || e->pack_mem == NULL) {
		avq_engine_pack_free(e);
		return -ENOMEM;
	}
	for (i = 0; i < AE_NPACKS; i++) {
		e->packs[i].idx = i;
		e->packs[i].e = e;
		e->packs[i].out = e->pack_mem +
			(size_t)i * (e->pack_out + e->pack_in);
		e->packs[i].in = e->packs[i].out + e->pack_out;
		e->pack_next[i] = i + 1 < AE_NPACKS ? i + 1 : AE_STACK_EMPTY;
	}
	e->pack_head = 0;
	return 0;
}

void
avq_engine_pack_free(struct rte_avq_engine *e)
{
	rte_free(e->pack_mem);
	rte_free(e->pack_next);
	rte_free(e->packs);
	e->pack_mem = NULL;
	e->pack_next = NULL;
	e->packs = NULL;
}

static void
pack_put(struct ae_pack *pk)
{
	avq_engine_stack_push(&pk->e->pack_head, pk->e->pack_next, pk->idx);
}

/*
 * The pack's chain came back (or timed out, or was canceled): hand each
 * command its part, in list order. Runs where the chain is delivered.
 */
static void
pack_done(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct ae_pack *pk = arg;
	struct rte_avq_engine *e = pk->e;
	const struct avq_multi_reply *rp;
	const struct ae_pack_ent *en;
	uint32_t i, nfail = 0, len;
	uint64_t lat;
	int st;
	uint8_t a;

	lat = ae_cycles_to_ns(e, rte_get_timer_cycles() - pk->t0);
	for (i = 0; i < pk->n; i++) {
		en = &pk->ent[i];
		st = status;
		a = ack;
		len = 0;
		if (status == 0 && ack == AVQ_ACK_OK) {
			/* The device wrote in_len bytes of replies: a reply
			 * it did not write is no answer. */
			if ((uint64_t)en->roff + sizeof(*rp) > in_len) {
				st = -EPROTO;
				a = 0;
			} else {
				rp = (const void *)(pk->in + en->roff);
				a = rp->ack;
				len = avq_le32(rp->in_len);
				if (len > en->in_cap ||
				    (uint64_t)en->roff + sizeof(*rp) + len >
				    in_len) {
					st = -EPROTO;
					a = 0;
					len = 0;
				} else if (len == sizeof(uint64_t)) {
					/* The usual reply, one 64-bit value:
					 * one load and one store. */
					memcpy(en->in, rp + 1, sizeof(uint64_t));
				} else if (len > 0) {
					/* Mostly a few bytes: inline. */
					rte_memcpy(en->in, rp + 1, len);
				}
			}
		}
		if (st == 0 && a != AVQ_ACK_OK)
			nfail++;
		if (en->cb != NULL)
			en->cb(en->arg, st, a, len);
	}
	/* The chain counted once as one command: the rest count now. A
	 * failed chain counted one failure already. */
	if (status == 0 && ack != AVQ_ACK_OK && nfail > 0)
		nfail--;
	avq_engine_count_more(e, pk->n - 1, status, nfail, lat);
	pack_put(pk);
}

/* Post pack @p k of batch @p b (and close it). */
static int
pack_post(struct rte_avq_batch *b, unsigned int k)
{
	struct ae_pack *pk = b->pack[k];
	struct rte_avq_engine *e = b->e;
	struct avq_multi_hdr *h = (void *)pk->out;
	const struct avq_multi_cmd *mc;
	struct rte_avq_cmd c;
	const struct ae_pack_ent *en;
	uint32_t i;
	int ret;

	b->pack[k] = NULL;
	if (pk->n == 1) {
		/* Alone: a plain chain, the command as it came. */
		mc = (const void *)(pk->out + sizeof(*h));
		en = &pk->ent[0];
		memset(&c, 0, sizeof(c));
		c.device_id = pk->device_id;
		c.class_id = avq_le16(mc->class_id);
		c.command = avq_le16(mc->command);
		c.out_len = avq_le32(mc->out_len);
		c.out = mc + 1;
		c.in_len = en->in_cap;
		c.in = en->in;
		ret = avq_engine_submit(e, &c, en->cb, en->arg, pk->flags, b);
		if (ret < 0) {
			b->count--;
			if (en->cb != NULL)
				en->cb(en->arg, ret, 0, 0);
		}
		pack_put(pk);
		return ret;
	}
	memset(h, 0, sizeof(*h));
	h->count = avq_to_le16((uint16_t)pk->n);
	memset(&c, 0, sizeof(c));
	c.device_id = pk->device_id;
	c.class_id = AVQ_CLASS_MULTI;
	c.command = AVQ_MULTI_EXEC;
	c.out = pk->out;
	c.out_len = pk->out_len;
	c.in = pk->in;
	c.in_len = pk->in_len;
	pk->t0 = b->now;
	ret = avq_engine_submit(e, &c, pack_done, pk, pk->flags, b);
	if (ret < 0) {
		/* Not posted: its commands fail now, and were not posted. */
		b->count -= pk->n;
		for (i = 0; i < pk->n; i++)
			if (pk->ent[i].cb != NULL)
				pk->ent[i].cb(pk->ent[i].arg, ret, 0, 0);
		pack_put(pk);
		return ret;
	}
	AE_STAT_ADD_ST((struct ae_stats *)b->st, b->st_shared != 0, packs, 1);
	AE_STAT_ADD_ST((struct ae_stats *)b->st, b->st_shared != 0, packed,
		       pk->n);
	return 0;
}

int
avq_engine_pack_flush_all(struct rte_avq_batch *b)
{
	unsigned int k;
	int ret, first = 0;

	for (k = 0; k < RTE_AVQ_BATCH_PACKS; k++) {
		if (b->pack[k] == NULL)
			continue;
		ret = pack_post(b, k);
		if (ret < 0 && first == 0)
			first = ret;
	}
	return first;
}

/* The entry a pack of @p device_id takes when it is free: consecutive
 * device ids (as a management device hands them out) get entries of
 * their own, and pack_find() mostly looks at one entry only. */
static inline unsigned int
pack_home(uint64_t device_id)
{
	return (unsigned int)(device_id % RTE_AVQ_BATCH_PACKS);
}

/* The batch's open pack for @p device_id, or -1. */
static inline int
pack_find(const struct rte_avq_batch *b, uint64_t device_id)
{
	const struct ae_pack *pk = b->pack[pack_home(device_id)];
	unsigned int k;

	if (pk != NULL && pk->device_id == device_id)
		return (int)pack_home(device_id);
	for (k = 0; k < RTE_AVQ_BATCH_PACKS; k++) {
		pk = b->pack[k];
		if (pk != NULL && pk->device_id == device_id)
			return (int)k;
	}
	return -1;
}

/* Room for a new pack of @p device_id in the batch: its home entry if
 * free, else a free entry, else the fullest pack posted. @return the
 * entry, or a negative errno from posting. */
static int
pack_room(struct rte_avq_batch *b, uint64_t device_id)
{
	const struct ae_pack *pk;
	unsigned int k, best = 0;
	int ret;

	if (b->pack[pack_home(device_id)] == NULL)
		return (int)pack_home(device_id);
	for (k = 0; k < RTE_AVQ_BATCH_PACKS; k++) {
		pk = b->pack[k];
		if (pk == NULL)
			return (int)k;
		if (pk->n > ((const struct ae_pack *)b->pack[best])->n)
			best = k;
	}
	ret = pack_post(b, best);
	return ret < 0 ? ret : (int)best;
}

int
avq_engine_pack_add(struct rte_avq_batch *b, const struct rte_avq_cmd *cmd,
		    rte_avq_cb_t cb, void *arg, unsigned int flags)
{
	struct rte_avq_engine *e = b->e;
	struct ae_pack *pk;
	uint32_t idx;
	int k, ret;

	k = pack_find(b, cmd->device_id);
	if (k >= 0) {
		pk = b->pack[k];
		if (pk->flags != flags || !avq_engine_pack_fits(pk, cmd)) {
			/* It goes first: this command comes after it. */
			ret = pack_post(b, (unsigned int)k);
			if (ret < 0)
				return ret;
			k = -1;
		}
	}
	if (k < 0) {
		/* Packs are for managed devices, and for commands that fit
		 * one; the rest go alone (no open pack of theirs is left).
		 */
		if (cmd->device_id == AVQ_MGMT_DEVICE_ID ||
		    (uint64_t)sizeof(struct avq_multi_hdr) +
		    sizeof(struct avq_multi_cmd) +
		    AVQ_MULTI_ALIGN(cmd->out_len) > e->pack_out ||
		    (uint64_t)sizeof(struct avq_multi_reply) +
		    AVQ_MULTI_ALIGN(cmd->in_len) > e->pack_in)
			return avq_engine_submit(e, cmd, cb, arg, flags, b);
		idx = avq_engine_stack_pop(&e->pack_head, e->pack_next);
		if (idx == AE_STACK_EMPTY)
			return avq_engine_submit(e, cmd, cb, arg, flags, b);
		k = pack_room(b, cmd->device_id);
		if (k < 0) {
			pack_put(&e->packs[idx]);
			return k;
		}
		pk = &e->packs[idx];
		pk->n = 0;
		pk->flags = flags;
		pk->device_id = cmd->device_id;
		pk->out_len = sizeof(struct avq_multi_hdr);
		pk->in_len = 0;
		b->pack[k] = pk;
		/* The device read this list area last: own its first lines
		 * before the stores below wait for them. */
		rte_prefetch0_write(pk->out);
		rte_prefetch0_write(pk->out + RTE_CACHE_LINE_SIZE);
	}
	avq_engine_pack_append(b->pack[k], cmd, cb, arg);
	return 0;
}
