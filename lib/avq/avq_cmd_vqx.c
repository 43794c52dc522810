/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Typed helpers of extension classes 68 VQ_STATE and 70 VQ_STATS (see
 * rte_avq_cmd.h and the protocol guide).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "rte_avq_cmd.h"
#include "avq_private.h"

static int
vq_state_cmd(struct rte_avq_aq *aq, uint64_t id, uint16_t q, uint16_t cmd,
	     uint16_t *avail, uint16_t *used, bool *enabled)
{
	struct avq_vq vq = { .queue_index = avq_to_le16(q) };
	struct avq_vq_state st;
	int ret;

	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_STATE, cmd, &vq, sizeof(vq),
		       &st, sizeof(st));
	if (ret != 0)
		return ret;
	if (avail != NULL)
		*avail = avq_le16(st.avail_idx);
	if (used != NULL)
		*used = avq_le16(st.used_idx);
	if (enabled != NULL)
		*enabled = st.enabled != 0;
	return 0;
}

int
rte_avq_vq_state_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		     uint16_t *avail_idx, uint16_t *used_idx, bool *enabled)
{
	return vq_state_cmd(aq, id, q, AVQ_VQ_STATE_GET, avail_idx, used_idx,
			    enabled);
}

int
rte_avq_vq_state_stop(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		      uint16_t *avail_idx, uint16_t *used_idx)
{
	return vq_state_cmd(aq, id, q, AVQ_VQ_STATE_STOP, avail_idx, used_idx,
			    NULL);
}

int
rte_avq_vq_state_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		     uint16_t avail_idx, uint16_t used_idx)
{
	struct avq_vq_state_set s;

	memset(&s, 0, sizeof(s));
	s.queue_index = avq_to_le16(q);
	s.avail_idx = avq_to_le16(avail_idx);
	s.used_idx = avq_to_le16(used_idx);
	s.flags = AVQ_VQ_STATE_F_ENABLE;
	return avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_SET, &s,
			sizeof(s), NULL, 0);
}

int
rte_avq_vq_state_stop_all(struct rte_avq_aq *aq, uint64_t id,
			  struct rte_avq_vq_base *st, uint16_t n)
{
	struct avq_vq vq = { .queue_index = avq_to_le16(AVQ_VQ_STATE_ALL) };
	struct rte_avq_result res;
	struct avq_vq_state *w;
	uint32_t cnt, i;
	int ret;

	if (st == NULL || n == 0)
		return -EINVAL;
	w = calloc(n, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	ret = rte_avq_aq_exec(aq, id, AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_STOP,
			      &vq, sizeof(vq), w, (uint32_t)n * sizeof(*w),
			      &res, 0);
	if (ret == 0)
		ret = avq_ack_errno(res.ack);
	/* Never trust the device: whole entries, at least one, no more
	 * than the room. */
	if (ret == 0 && (res.in_len == 0 || res.in_len % sizeof(*w) != 0 ||
			 res.in_len > (uint32_t)n * sizeof(*w))) {
		AVQ_LOG(ERR, "device %" PRIu64 " VQ_STATE_STOP of all queues: %u bytes of in-data",
			id, res.in_len);
		ret = -EPROTO;
	}
	if (ret == 0) {
		cnt = res.in_len / sizeof(*w);
		for (i = 0; i < cnt; i++) {
			st[i].queue = (uint16_t)i;
			st[i].avail_idx = avq_le16(w[i].avail_idx);
			st[i].used_idx = avq_le16(w[i].used_idx);
		}
		ret = (int)cnt;
	}
	free(w);
	return ret;
}

int
rte_avq_vq_state_set_batch(struct rte_avq_aq *aq, uint64_t id,
			   const struct rte_avq_vq_base *b, uint16_t n)
{
	struct avq_vq_state_set *w;
	uint16_t i;
	int ret;

	if (b == NULL || n == 0)
		return -EINVAL;
	w = calloc(n, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		w[i].queue_index = avq_to_le16(b[i].queue);
		w[i].avail_idx = avq_to_le16(b[i].avail_idx);
		w[i].used_idx = avq_to_le16(b[i].used_idx);
		w[i].flags = AVQ_VQ_STATE_F_ENABLE;
	}
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_SET_BATCH, w,
		       (uint32_t)n * sizeof(*w), NULL, 0);
	free(w);
	return ret;
}

int
rte_avq_vq_stats_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		     struct rte_avq_vq_stats *stats)
{
	struct avq_vq vq = { .queue_index = avq_to_le16(q) };
	struct avq_vq_stats w;
	int ret;

	if (stats == NULL)
		return -EINVAL;
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_STATS, AVQ_VQ_STATS_GET, &vq,
		       sizeof(vq), &w, sizeof(w));
	if (ret != 0)
		return ret;
	stats->packets = avq_le64(w.packets);
	stats->bytes = avq_le64(w.bytes);
	stats->drops = avq_le64(w.drops);
	stats->errors = avq_le64(w.errors);
	stats->interrupts = avq_le64(w.interrupts);
	return 0;
}

int
rte_avq_vq_stats_reset(struct rte_avq_aq *aq, uint64_t id, uint16_t q)
{
	struct avq_vq vq = { .queue_index = avq_to_le16(q) };

	return avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_STATS, AVQ_VQ_STATS_RESET, &vq,
			sizeof(vq), NULL, 0);
}
