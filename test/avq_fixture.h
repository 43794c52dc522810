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

#include <rte_avq_engine.h>
#include <rte_avq_wire.h>
#include <rte_avq_aq.h>
#include <rte_avq_cmd.h>
#include <rte_avq_dev.h>
#include <rte_avq_sim.h>

#define AVQ_FX_MAX_DMA 32
#define AVQ_FX_MAX_VFD 8

struct avq_fx {
	struct rte_avq_dev *dev;
	struct rte_avq_transport t;
	struct rte_avq_aq *aq;
	bool strict;		/* params.strict: every failure acks 1 */
	unsigned int num_vfd;
	struct {
		int fd;
		uint32_t vector;
	} vfd[AVQ_FX_MAX_VFD];	/* eventfds bound by avq_fx_vector_fd() */
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

/*
 * Unbind and close the eventfds of avq_fx_vector_fd(), free the queue, DMA
 * buffers and the device. Safe on a failed setup.
 */
void avq_fx_teardown(struct avq_fx *fx);

/*
 * Hand the device's admin queues to an engine: free the fixture's queue
 * and create an engine over fx->t with @p conf (NULL: defaults; transport
 * and socket are set here). @return the engine, or NULL (printed).
 */
struct rte_avq_engine *avq_fx_engine(struct avq_fx *fx,
				     const struct rte_avq_engine_conf *conf);

/* A test body; @p arg is the caller's. Returns TEST_SUCCESS or TEST_FAILED. */
typedef int (*avq_fx_body_fn)(struct avq_fx *fx, void *arg);

/*
 * Set up @p fx (caller's storage, so a body may reach its container) with
 * @p p (NULL: avq_fx_params()), run @p body, tear down on every path.
 * @return TEST_FAILED when the setup failed, else what @p body returned.
 */
int avq_fx_run(struct avq_fx *fx, const struct rte_avq_dev_params *p,
	       avq_fx_body_fn body, void *arg);

/*
 * avq_fx_run() on a default device (@p p with strict off), where a failure
 * must carry its specific ack, then, if that passed, on a strict one.
 */
int avq_fx_run_both(struct avq_fx *fx, const struct rte_avq_dev_params *p,
		    avq_fx_body_fn body, void *arg);

/*
 * The ack the device must give where the protocol guide names @p ack:
 * @p ack itself, or AVQ_ACK_ERR for any failure on a strict device.
 */
int avq_fx_want_ack(const struct avq_fx *fx, int ack);

/*
 * rte_avq_aq_exec() on admin queue 0 with @p res zeroed first (so a failed
 * exec leaves no stale ack in it).
 */
int avq_fx_exec(struct avq_fx *fx, uint64_t device_id, uint16_t class_id,
		uint16_t command, const void *out, uint32_t out_len,
		void *in, uint32_t in_len, struct rte_avq_result *res);

/*
 * Execute one command through the rings and return its ack, or -1 when the
 * exec itself failed (timeout, no ack written): tests compare with AVQ_ACK_*.
 * @p in_len bytes of @p in receive the command-in-data.
 */
int avq_fx_ack(struct avq_fx *fx, uint64_t device_id, uint16_t class_id,
	       uint16_t command, const void *out, uint32_t out_len,
	       void *in, uint32_t in_len);

/* VDEV_CREATE out-data of a virtio-net device. */
struct avq_fx_net_create {
	struct avq_vdev_create hdr;
	struct avq_net_create_cfg cfg;
} __rte_packed;

/*
 * Fill @p c for a device of virtio type @p type with defaults (MAC
 * 02:00:00:00:00:@p mac5, link up, 1 queue pair).
 */
void avq_fx_net_create_init(struct avq_fx_net_create *c, uint32_t type,
			    uint8_t mac5);

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

/*
 * Create an eventfd (non-blocking) and bind it to @p vector; teardown
 * unbinds and closes it. -1 on error (or AVQ_FX_MAX_VFD already bound).
 */
int avq_fx_vector_fd(struct avq_fx *fx, uint32_t vector);

/* Interrupts the device delivered on @p v (UINT64_MAX when it cannot
 * tell); @p data (if not NULL) receives the last message data.
 */
uint64_t avq_fx_vector_delivered(struct avq_fx *fx, uint32_t v,
				 uint32_t *data);

/* Device status of @p id through STATUS_GET, 0xff when that failed. */
uint8_t avq_fx_status(struct avq_fx *fx, uint64_t id);

/* MMU mappings of managed device @p id (UINT32_MAX when it is unknown). */
uint32_t avq_fx_mmu_mappings(struct avq_fx *fx, uint64_t id);

/* Live managed devices (up to 8), or a negative errno. */
int avq_fx_vdev_count(struct avq_fx *fx);

/* xorshift64*: deterministic, so a failure names its iteration. */
uint64_t avq_fx_prng(uint64_t *s);

/* Count of an eventfd (reads and resets it); 0 when nothing was signalled. */
uint64_t avq_fx_eventfd_count(int fd);

/* Trace entries of the device after @p after_seq; returns the count. */
int avq_fx_trace(struct avq_fx *fx, uint64_t after_seq,
		 struct rte_avq_dev_trace_entry *e, unsigned int n);

/* Highest trace seq so far (0 when nothing ran). */
uint64_t avq_fx_trace_last(struct avq_fx *fx);

#endif /* AVQ_FIXTURE_H */
