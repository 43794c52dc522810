/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_DEV_VQX_H
#define AVQ_DEV_VQX_H

/*
 * Extension classes 68 VQ_STATE and 70 VQ_STATS (avq_dev_vqx.c): handlers
 * for the dispatch table of avq_dev_cmd.c. Never installed.
 */

#include "avq_dev_private.h"

uint8_t avq_cmd_vq_state_get(struct avq_cmd_ctx *c);
uint8_t avq_cmd_vq_state_set(struct avq_cmd_ctx *c);
uint8_t avq_cmd_vq_state_stop(struct avq_cmd_ctx *c);
uint8_t avq_cmd_vq_state_set_batch(struct avq_cmd_ctx *c);
uint8_t avq_cmd_vq_stats_get(struct avq_cmd_ctx *c);
uint8_t avq_cmd_vq_stats_reset(struct avq_cmd_ctx *c);

#endif /* AVQ_DEV_VQX_H */
