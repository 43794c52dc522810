/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_PRIVATE_H
#define AVQ_PRIVATE_H

/*
 * Internals of lib/avq shared between its .c files. Never installed.
 */

#include <stdint.h>

#include <rte_log.h>

#include "rte_avq_aq.h"

extern int avq_logtype;
#define AVQ_LOG(level, fmt, ...)					\
	rte_log(RTE_LOG_ ## level, avq_logtype, "avq: " fmt "\n", ##__VA_ARGS__)

/** One piece of a command's out-data or in-data. */
struct avq_seg {
	void *buf;		/* out segments are only read */
	uint32_t len;
};

/* avq_cmd.c: a command whose in-data has a fixed size, all of which an OK
 * ack must have written (-EPROTO otherwise). */
int avq_cmd_fixed(struct rte_avq_aq *aq, uint64_t id, uint16_t cls,
		  uint16_t cmd, const void *out, uint32_t out_len, void *in,
		  uint32_t in_len);

/**
 * rte_avq_aq_exec() with the out-data gathered from @p out[0..nout-1] and
 * the in-data scattered over @p in[0..nin-1] (in order), so that wrappers
 * with a head and a variable body need no bounce buffer of their own.
 * The totals are bounded by RTE_AVQ_AQ_BUF_SIZE each. @p res is required.
 */
int avq_aq_exec_v(struct rte_avq_aq *aq, uint64_t device_id,
		  uint16_t class_id, uint16_t command,
		  const struct avq_seg *out, unsigned int nout,
		  const struct avq_seg *in, unsigned int nin,
		  struct rte_avq_result *res, uint64_t timeout_us);

#endif /* AVQ_PRIVATE_H */
