/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Extension classes 68 VQ_STATE and 70 VQ_STATS: a managed device's
 * position in each split virtqueue and its per-queue counters, through the
 * admin queue (DESIGN 4: "vq state get/set and suspend/resume", "per-vq
 * statistics"). The vDPA driver needs the first for vhost-user's
 * GET_VRING_BASE and to resume rings after a memory-table change, the
 * second for rte_vdpa_get_stats().
 *
 * The state lives in the datapath's per-queue struct avq_dvq (read, and
 * for SET/STOP written, here: commands run on the device thread between
 * datapath passes, so no pass sees a half-made change). A queue whose
 * generation moved since the datapath last synced it starts afresh
 * (virtio 1.2, 2.7: indices from 0), so that is what GET reports for it.
 *
 * Each handler validates everything before it changes anything.
 */

#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"
#include "avq_dev_vqx.h"

/* The net state of the command's device, NULL for another device type. */
static struct avq_net_dp *
vqx_net(const struct avq_cmd_ctx *c)
{
	if (c->vdev->type != &avq_vdev_type_net)
		return NULL;
	return c->vdev->type_priv;
}

/* Queue index of an avq_vq / avq_vq_state_set head; RANGE when the device
 * has no such queue. */
static uint8_t
vqx_index(const struct avq_cmd_ctx *c, uint16_t *q)
{
	struct avq_vq vq;

	memcpy(&vq, c->out, sizeof(vq));
	*q = avq_le16(vq.queue_index);
	return *q < c->vdev->num_queues ? AVQ_ACK_OK : AVQ_ACK_RANGE;
}

/* Indices of queue @p q as the device would continue them. */
static void
vqx_state(const struct avq_vdev *v, const struct avq_net_dp *n, uint16_t q,
	  struct avq_vq_state *st)
{
	const struct avq_dvq *dq = &n->q[q];
	bool fresh = dq->vq_gen != v->vq[q].gen;

	memset(st, 0, sizeof(*st));
	st->avail_idx = avq_to_le16(fresh ? 0 : dq->last_avail);
	st->used_idx = avq_to_le16(fresh ? 0 : dq->used_idx);
	st->enabled = v->vq[q].enabled ? 1 : 0;
}

/* ---- Class 68 VQ_STATE ---- */

uint8_t
avq_cmd_vq_state_get(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = vqx_net(c);
	struct avq_vq_state st;
	uint16_t q;
	uint8_t ack;

	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_state) != 8);
	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	ack = vqx_index(c, &q);
	if (ack != AVQ_ACK_OK)
		return ack;
	vqx_state(c->vdev, n, q, &st);
	memcpy(c->in, &st, sizeof(st));
	c->in_len = sizeof(st);
	return AVQ_ACK_OK;
}

/* Stop queue @p q and fill @p st with where it stopped. The snapshot and
 * the disable are one step: the datapath runs between commands, so no
 * chain is taken after these indices. */
static void
vqx_stop(struct avq_vdev *v, struct avq_net_dp *n, uint16_t q,
	 struct avq_vq_state *st)
{
	struct avq_vdev_vq *vq = &v->vq[q];
	bool fresh;

	vqx_state(v, n, q, st);
	st->enabled = 0;
	if (!vq->enabled)
		return;
	/* As VQ_ENABLE 0, but the indices stay: the datapath's next look
	 * (avq_dvq_sync()) finds its generation current, drops the ring
	 * pointers and keeps the indices, so GET still reports where the
	 * queue stopped. */
	fresh = n->q[q].vq_gen != vq->gen;
	vq->enabled = false;
	vq->gen++;
	if (!fresh) {
		n->q[q].vq_gen = vq->gen;
		n->q[q].ready = false;
	}
}

/* Queue AVQ_VQ_STATE_ALL: every queue in one step, one state each. The
 * device touches driver memory only through its queues (the config and
 * MMU paths read nothing of it), so after this it touches none until a
 * queue is enabled again: what a driver needs before it changes the
 * memory the mappings point to. */
static uint8_t
vqx_stop_all(struct avq_cmd_ctx *c, struct avq_net_dp *n)
{
	struct avq_vdev *v = c->vdev;
	struct avq_vq_state st;
	uint16_t q;

	if (c->in_cap < (uint32_t)v->num_queues * sizeof(st))
		return AVQ_ACK_INVAL;
	for (q = 0; q < v->num_queues; q++) {
		vqx_stop(v, n, q, &st);
		memcpy(c->in + (size_t)q * sizeof(st), &st, sizeof(st));
	}
	c->in_len = (uint32_t)v->num_queues * sizeof(st);
	return AVQ_ACK_OK;
}

uint8_t
avq_cmd_vq_state_stop(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = vqx_net(c);
	struct avq_vq_state st;
	struct avq_vq vq;
	uint16_t q;
	uint8_t ack;

	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	memcpy(&vq, c->out, sizeof(vq));
	if (avq_le16(vq.queue_index) == AVQ_VQ_STATE_ALL)
		return vqx_stop_all(c, n);
	ack = vqx_index(c, &q);
	if (ack != AVQ_ACK_OK)
		return ack;
	vqx_stop(c->vdev, n, q, &st);
	memcpy(c->in, &st, sizeof(st));
	c->in_len = sizeof(st);
	return AVQ_ACK_OK;
}

/* Whether VQ_STATE_SET entry @p s may run; *q receives its queue. */
static uint8_t
vqx_set_check(const struct avq_vdev *v, const struct avq_vq_state_set *s,
	      uint16_t *q)
{
	const struct avq_vdev_vq *vq;
	uint16_t avail, used;

	*q = avq_le16(s->queue_index);
	if (*q >= v->num_queues)
		return AVQ_ACK_RANGE;
	avail = avq_le16(s->avail_idx);
	used = avq_le16(s->used_idx);
	vq = &v->vq[*q];
	if (s->flags != AVQ_VQ_STATE_F_ENABLE || s->reserved != 0)
		return AVQ_ACK_INVAL;
	/* Like VQ_ENABLE: the other fields first (RFC admin VQ), and an
	 * enabled queue keeps its indices. */
	if (vq->enabled || !vq->addr_set)
		return AVQ_ACK_INVAL;
	/* A ring is resumed only by a running device: DRIVER_OK starts
	 * every queue afresh, so indices set before it would be lost. */
	if ((v->status & (AVQ_STATUS_DRIVER_OK | AVQ_STATUS_DEVICE_NEEDS_RESET |
			  AVQ_STATUS_FAILED)) != AVQ_STATUS_DRIVER_OK)
		return AVQ_ACK_INVAL;
	/* virtio 1.2, 2.7.13: the device never holds more than a ring of
	 * chains taken and not used. */
	if ((uint16_t)(avail - used) > vq->size)
		return AVQ_ACK_INVAL;
	return AVQ_ACK_OK;
}

/* Enable queue @p q at the indices of @p s (checked by vqx_set_check()). */
static void
vqx_set_apply(struct avq_vdev *v, struct avq_net_dp *n,
	      const struct avq_vq_state_set *s, uint16_t q)
{
	struct avq_vdev_vq *vq = &v->vq[q];
	uint16_t avail = avq_le16(s->avail_idx);
	struct avq_dvq *dq;
	bool nc;

	vq->enabled = true;
	vq->gen++;
	dq = &n->q[q];
	avq_dvq_forget(dq);
	/* The generation is the one just made, so avq_dvq_sync() keeps
	 * these indices and only resolves the rings. */
	dq->vq_gen = vq->gen;
	dq->last_avail = avail;
	dq->avail_idx = avail;
	dq->used_idx = avq_le16(s->used_idx);
	/* As VQ_ENABLE at DRIVER_OK: a ring outside the mappings faults
	 * now (DEVICE_MMU_FAIL | DEVICE_NEEDS_RESET); the command itself
	 * succeeded. */
	if (avq_vdev_map_range(v, q, vq->desc, AVQ_DESC_AREA_SIZE(vq->size),
			       AVQ_MMU_F_READ, &nc) != NULL &&
	    avq_vdev_map_range(v, q, vq->avail, AVQ_AVAIL_AREA_SIZE(vq->size),
			       AVQ_MMU_F_READ, &nc) != NULL)
		avq_vdev_map_range(v, q, vq->used, AVQ_USED_AREA_SIZE(vq->size),
				   AVQ_MMU_F_WRITE, &nc);
}

uint8_t
avq_cmd_vq_state_set(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = vqx_net(c);
	struct avq_vq_state_set s;
	uint16_t q;
	uint8_t ack;

	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_state_set) != 8);
	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	memcpy(&s, c->out, sizeof(s));
	ack = vqx_set_check(c->vdev, &s, &q);
	if (ack != AVQ_ACK_OK)
		return ack;
	vqx_set_apply(c->vdev, n, &s, q);
	return AVQ_ACK_OK;
}

/*
 * VQ_STATE_SET_BATCH: every entry is checked (as VQ_STATE_SET, plus
 * distinct queues) before any is applied, so a refused batch changes
 * nothing. A queue may appear once: a second entry would find it enabled
 * by the first only after the checks.
 */
uint8_t
avq_cmd_vq_state_set_batch(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	struct avq_net_dp *n = vqx_net(c);
	uint64_t seen[(AVQ_VQ_STATE_ALL + 1) / 64];
	struct avq_vq_state_set s;
	uint32_t i, cnt;
	uint16_t q;
	uint8_t ack;

	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	if (c->out_len % sizeof(s) != 0)
		return AVQ_ACK_INVAL;
	cnt = c->out_len / sizeof(s);
	if (cnt == 0 || cnt > v->num_queues)
		return AVQ_ACK_INVAL;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < cnt; i++) {
		memcpy(&s, c->out + (size_t)i * sizeof(s), sizeof(s));
		ack = vqx_set_check(v, &s, &q);
		if (ack != AVQ_ACK_OK)
			return ack;
		if (seen[q / 64] & RTE_BIT64(q % 64))
			return AVQ_ACK_INVAL;
		seen[q / 64] |= RTE_BIT64(q % 64);
	}
	for (i = 0; i < cnt; i++) {
		memcpy(&s, c->out + (size_t)i * sizeof(s), sizeof(s));
		vqx_set_apply(v, n, &s, avq_le16(s.queue_index));
	}
	return AVQ_ACK_OK;
}

/* ---- Class 70 VQ_STATS ---- */

uint8_t
avq_cmd_vq_stats_get(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = vqx_net(c);
	const struct rte_avq_dev_vq_stats *st;
	struct avq_vq_stats w;
	uint16_t q;
	uint8_t ack;

	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_stats) != 40);
	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	ack = vqx_index(c, &q);
	if (ack != AVQ_ACK_OK)
		return ack;
	st = &n->q[q].st;
	w.packets = avq_to_le64(st->packets);
	w.bytes = avq_to_le64(st->bytes);
	w.drops = avq_to_le64(st->drops);
	w.errors = avq_to_le64(st->errors);
	w.interrupts = avq_to_le64(st->interrupts);
	memcpy(c->in, &w, sizeof(w));
	c->in_len = sizeof(w);
	return AVQ_ACK_OK;
}

uint8_t
avq_cmd_vq_stats_reset(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = vqx_net(c);
	struct avq_vq vq;
	uint16_t q;

	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	memcpy(&vq, c->out, sizeof(vq));
	q = avq_le16(vq.queue_index);
	if (q == AVQ_VQ_STATS_ALL) {
		for (q = 0; q < c->vdev->num_queues; q++)
			memset(&n->q[q].st, 0, sizeof(n->q[q].st));
		return AVQ_ACK_OK;
	}
	if (q >= c->vdev->num_queues)
		return AVQ_ACK_RANGE;
	memset(&n->q[q].st, 0, sizeof(n->q[q].st));
	return AVQ_ACK_OK;
}
