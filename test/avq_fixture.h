/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_FIXTURE_H
#define AVQ_FIXTURE_H

/*
 * Test fixture: a started software management device, reached through the
 * sim transport, with admin queue 0 set up by the driver side. Tests talk
 * to the device only through the rings (rte_avq_aq_exec and friends).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_avq_wire.h>
#include <rte_avq_aq.h>
#include <rte_avq_cmd.h>
#include <rte_avq_dev.h>
#include <rte_avq_sim.h>

#define AVQ_FX_MAX_DMA 32

struct avq_fx {
	struct rte_avq_dev *dev;
	struct rte_avq_transport t;
	struct rte_avq_aq *aq;
	unsigned int num_dma;
	struct {
		void *va;
		uint64_t dma;
		size_t len;
	} dma[AVQ_FX_MAX_DMA];
};

/* Defaults for tests: name "avqtest", adaptive idle with a short spin. */
void avq_fx_params(struct rte_avq_dev_params *p);

/*
 * Create and start a management device with @p p (NULL: avq_fx_params()),
 * negotiate VIRTIO_F_ADMIN_VQ, set up admin queue 0.
 * @return 0 or a negative errno (the reason is printed).
 */
int avq_fx_setup(struct avq_fx *fx, const struct rte_avq_dev_params *p);

/* Free the queue, DMA buffers and the device. Safe on a failed setup. */
void avq_fx_teardown(struct avq_fx *fx);

/*
 * Execute one command through the rings and return its ack, or -1 when the
 * exec itself failed (timeout, no ack written): tests compare with AVQ_ACK_*.
 * @p in_len bytes of @p in receive the command-in-data.
 */
int avq_fx_ack(struct avq_fx *fx, uint64_t device_id, uint16_t class_id,
	       uint16_t command, const void *out, uint32_t out_len,
	       void *in, uint32_t in_len);

/* Create a managed virtio-net device with defaults (link up, 1 pair). */
int avq_fx_create_net(struct avq_fx *fx, uint64_t *id);

/* Bring @p id to FEATURES_OK with the device's features (ACK, DRIVER,
 * FEAT_DRIVER_SET, FEATURES_OK). */
int avq_fx_features_ok(struct avq_fx *fx, uint64_t id);

/*
 * Zeroed memory the device may reach (a DMA window registered through the
 * transport). Freed at teardown. @p dma receives its DMA address.
 */
void *avq_fx_dma_alloc(struct avq_fx *fx, size_t len, uint64_t *dma);

/* Create an eventfd (non-blocking) and bind it to @p vector. -1 on error. */
int avq_fx_vector_fd(struct avq_fx *fx, uint32_t vector);

/* Count of an eventfd (reads and resets it); 0 when nothing was signalled. */
uint64_t avq_fx_eventfd_count(int fd);

/* Trace entries of the device after @p after_seq; returns the count. */
int avq_fx_trace(struct avq_fx *fx, uint64_t after_seq,
		 struct rte_avq_dev_trace_entry *e, unsigned int n);

/* Highest trace seq so far (0 when nothing ran). */
uint64_t avq_fx_trace_last(struct avq_fx *fx);

#endif /* AVQ_FIXTURE_H */
