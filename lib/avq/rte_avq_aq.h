/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_AQ_H
#define RTE_AVQ_AQ_H

/**
 * @file
 * Minimal driver-side admin path: one admin queue, one command at a time.
 *
 * rte_avq_aq_exec() posts a real descriptor chain (header + out-data
 * readable, ack + in-data writable) into the split ring in DMA memory,
 * kicks the device unless it suppressed notifications, and polls the used
 * ring. It is the reference the batching engine is measured against,
 * and what conformance tests use to talk to the device through the
 * rings. Not thread-safe: one caller per queue.
 */

#include <stdbool.h>
#include <stdint.h>

#include "rte_avq_wire.h"
#include "rte_avq_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque driver side of one admin queue. */
struct rte_avq_aq;

/** Largest command-out-data and command-in-data of one exec. */
#define RTE_AVQ_AQ_BUF_SIZE	(64 * 1024)

/** Default timeout of rte_avq_aq_exec(), microseconds. */
#define RTE_AVQ_AQ_TIMEOUT_US	(2 * 1000 * 1000)

/**
 * Allocate the ring and command buffers of admin queue @p index in DMA
 * memory (rte_malloc on @p socket), map them through the transport, program
 * and enable the queue.
 * @param size  ring entries (power of two); 0: the transport's maximum.
 * @return the queue, or NULL with rte_errno set.
 */
struct rte_avq_aq *rte_avq_aq_create(const struct rte_avq_transport *t,
				     uint16_t index, uint16_t size, int socket);

/** Disable the queue, unmap and free its memory. */
void rte_avq_aq_free(struct rte_avq_aq *aq);

/** Ring size. */
uint16_t rte_avq_aq_size(const struct rte_avq_aq *aq);

/** The transport this queue belongs to. */
const struct rte_avq_transport *rte_avq_aq_transport(const struct rte_avq_aq *aq);

/** Result of one command. */
struct rte_avq_result {
	uint8_t ack;		/**< ack byte written by the device */
	uint32_t in_len;	/**< command-in-data bytes written (used.len - 1) */
	uint32_t used_len;	/**< used.len as written (0: no ack written) */
};

/**
 * Execute one command synchronously.
 * @param timeout_us  0: RTE_AVQ_AQ_TIMEOUT_US.
 * @return 0 when the device completed it (ack in @p res, copied in-data in
 *   @p in); -E2BIG (buffers too large); -ETIMEDOUT (no completion: the
 *   queue is then unusable until rte_avq_aq_reset()); -EPROTO (used.len 0 or
 *   an id that was not posted); -EIO (the queue is broken by an earlier
 *   timeout or protocol error and needs rte_avq_aq_reset()).
 */
int rte_avq_aq_exec(struct rte_avq_aq *aq, uint64_t device_id,
		    uint16_t class_id, uint16_t command,
		    const void *out, uint32_t out_len,
		    void *in, uint32_t in_len,
		    struct rte_avq_result *res, uint64_t timeout_us);

/**
 * Like rte_avq_aq_exec() but returns the ack as an errno: 0 on OK,
 * avq_ack_errno(ack) otherwise, or the exec error.
 */
int rte_avq_aq_cmd(struct rte_avq_aq *aq, uint64_t device_id,
		   uint16_t class_id, uint16_t command,
		   const void *out, uint32_t out_len, void *in, uint32_t in_len);

/** One descriptor of a raw chain (for tests of malformed input). */
struct rte_avq_raw_desc {
	uint64_t addr;		/**< DMA address (need not be valid) */
	uint32_t len;
	uint16_t flags;		/**< AVQ_DESC_F_* as written */
	uint16_t next;		/**< as written; index into the table */
};

/**
 * Write @p n raw descriptors at table slots 0..n-1 verbatim, publish slot
 * @p head, kick, and wait for the used entry. The queue must be idle.
 * @return 0 with @p used_len set, or -ETIMEDOUT / -EPROTO.
 */
int rte_avq_aq_exec_raw(struct rte_avq_aq *aq,
			const struct rte_avq_raw_desc *d, uint16_t n,
			uint16_t head, uint32_t *used_len, uint64_t timeout_us);

/**
 * DMA scratch memory owned by the queue (RTE_AVQ_AQ_BUF_SIZE bytes, already
 * mapped), for raw chains. @p dma receives its DMA address.
 */
void *rte_avq_aq_scratch(struct rte_avq_aq *aq, uint64_t *dma);

struct rte_avq_engine;

/**
 * A view of an engine as an admin queue, so that the typed helpers of
 * rte_avq_cmd.h run through the engine (rte_avq_exec()). A view is
 * thread-safe and may be shared. rte_avq_aq_exec_raw(), rte_avq_aq_scratch()
 * and rte_avq_aq_reset() are not available on a view (-ENOTSUP, NULL);
 * rte_avq_aq_size() returns 0. Free it with rte_avq_aq_free() before the
 * engine is destroyed.
 * @return the view, or NULL with rte_errno set.
 */
struct rte_avq_aq *rte_avq_aq_engine(struct rte_avq_engine *e);

/** Re-program the queue after a timeout: disable, clear, enable. */
int rte_avq_aq_reset(struct rte_avq_aq *aq);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_AQ_H */
