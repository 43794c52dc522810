/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef TEST_DP_DRIVER_H
#define TEST_DP_DRIVER_H

/*
 * A small virtio-net driver for the datapath tests: it sets a managed
 * device up entirely through the admin queue of a fixture (features,
 * device MMU, virtqueues, MSI, DRIVER_OK), keeps its split rings and
 * buffers in one DMA-window allocation, posts receive buffers, sends
 * frames and reaps used entries. Its own code (not the device model's):
 * the virtio-net constants come from <linux/virtio_net.h>.
 *
 * Memory of one device, in IOVA space (device MMU on, one ASID):
 *   [rings of every queue] [guard page] [buffers of queue 0] ...
 *   [buffers of the last queue] [guard page]
 * The rings are one mapping, each queue's buffers another; the guard
 * pages are inside the DMA window but never mapped, and hold a pattern
 * that dpd_guards_ok() checks.
 */

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include "avq_fixture.h"

#define DPD_MAX_PAIRS	4
#define DPD_MAX_Q	(2 * DPD_MAX_PAIRS + 1)
#define DPD_IOVA_BASE	0x10000000ull
#define DPD_GUARD	0xa5
#define DPD_HDR_LEN	12u
#define DPD_PAGE	4096u

struct dpd_cfg {
	uint8_t mac5;		/* MAC 02:00:00:00:00:mac5 */
	uint16_t pairs;		/* max_virtqueue_pairs (default 1) */
	uint64_t feat_off;	/* offered features not to accept */
	uint16_t qsize;		/* ring entries (default 64) */
	uint32_t buf_len;	/* bytes of each buffer (default 2048) */
	bool tx_split;		/* transmit the header in its own descriptor */
	bool irq;		/* MSI vectors for the queues too */
	bool ring_pages;	/* map the rings one page per mapping */
	uint32_t vector_base;	/* config vector; queue q gets base + 1 + q */
};

struct dpd_q {
	uint16_t idx;
	uint16_t size;
	bool on;
	struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint64_t desc_iova, avail_iova, used_iova;
	uint8_t *buf;		/* size * buf_len bytes */
	uint64_t buf_iova;
	uint16_t avail_idx;	/* next avail->idx to publish */
	uint16_t used_seen;	/* used entries consumed */
	uint16_t nfree;
	uint16_t free[1024];	/* free descriptor indices */
	uint8_t chain_n[1024];	/* descriptors of the chain at a head */
	uint16_t chain[1024][3];
	uint16_t *notify;	/* doorbell slot */
};

struct dpd {
	struct avq_fx *fx;
	struct dpd_cfg cfg;
	uint64_t id;
	uint64_t features;	/* negotiated */
	uint16_t nq;		/* queues set up (ctrl included) */
	uint16_t ctrlq;		/* UINT16_MAX: none */
	uint8_t mac[6];
	uint8_t *mem;
	uint64_t dma;
	size_t len;
	size_t guard1, guard2;	/* offsets of the guard pages */
	int cfg_fd;		/* eventfd of the config vector */
	int q_fd[DPD_MAX_Q];	/* eventfds of queue vectors (irq) */
	struct dpd_q q[DPD_MAX_Q];
};

/* Fill @p c with the defaults. */
void dpd_cfg_init(struct dpd_cfg *c, uint8_t mac5);

/* Create a managed net device on @p fx and set it up (DRIVER_OK). */
int dpd_open(struct dpd *d, struct avq_fx *fx, const struct dpd_cfg *c);

/* Reset the device and set it up again from nothing (same memory). */
int dpd_restart(struct dpd *d);

/* Destroy the device, unbind its vectors. Safe after a failed open. */
void dpd_close(struct dpd *d);

/* IOVA of byte @p off of the device's memory. */
static inline uint64_t
dpd_iova(const struct dpd *d, size_t off)
{
	return DPD_IOVA_BASE + off;
}

/* Ring the doorbell of queue @p q (notify slot, then wake the device). */
void dpd_kick(struct dpd *d, uint16_t q);

/* Publish @p head on queue @p q's avail ring and kick. */
void dpd_avail_push(struct dpd *d, uint16_t q, uint16_t head);

/* Publish avail->idx of @p q (chains added since) and kick. */
void dpd_avail_publish(struct dpd *d, uint16_t q);

/* dpd_tx() without publishing: dpd_avail_publish() sends the batch. */
int dpd_tx_add(struct dpd *d, uint16_t q, const void *frame, uint32_t len,
	       const struct virtio_net_hdr_v1 *hdr);

/*
 * Send one frame on transmit queue @p q: header (all zeros unless @p hdr)
 * plus @p len bytes. 0, or -ENOSPC when the ring is full.
 */
int dpd_tx(struct dpd *d, uint16_t q, const void *frame, uint32_t len,
	   const struct virtio_net_hdr_v1 *hdr);

/* Take back the used transmit chains of @p q; returns how many. */
unsigned int dpd_tx_reap(struct dpd *d, uint16_t q);

/* Wait up to @p ms until every transmitted chain of @p q is used. */
int dpd_tx_wait(struct dpd *d, uint16_t q, unsigned int ms);

/* Post @p n receive chains of one @p len-byte buffer each on @p q. */
int dpd_rx_post(struct dpd *d, uint16_t q, unsigned int n, uint32_t len);

/* Post one writable buffer of @p len bytes at @p iova (any IOVA the test
 * mapped) on receive queue @p q; its descriptor id, or a negative errno. */
int dpd_rx_post_iova(struct dpd *d, uint16_t q, uint64_t iova, uint32_t len);

/* Take the next used entry of @p q, waiting up to @p ms: its id (and
 * *len); -ETIMEDOUT, or -EIO for an id that was not posted. */
int dpd_used_take(struct dpd *d, uint16_t q, uint32_t *len, unsigned int ms);

/*
 * Receive one frame from receive queue @p q within @p ms: its bytes (the
 * header stripped) into @p buf, the header into @p hdr (may be NULL).
 * Returns the frame length, -ETIMEDOUT, or -EIO on a malformed answer.
 * The buffers are not reposted.
 */
int dpd_rx(struct dpd *d, uint16_t q, void *buf, uint32_t cap,
	   struct virtio_net_hdr_v1 *hdr, unsigned int ms);

/* Whether a frame is waiting in receive queue @p q after @p ms. */
bool dpd_rx_ready(struct dpd *d, uint16_t q, unsigned int ms);

/* Execute a control command; returns the ack, or -1 on timeout. */
int dpd_ctrl(struct dpd *d, uint8_t cls, uint8_t cmd, const void *data,
	     uint32_t len);

/* Map @p len bytes of device memory at @p off with @p flags (after an
 * unmap of the range). */
int dpd_map(struct dpd *d, size_t off, size_t len, uint32_t flags);
int dpd_unmap(struct dpd *d, size_t off, size_t len);

/* Whether both guard pages still hold their pattern. */
bool dpd_guards_ok(const struct dpd *d);

/* Device status through STATUS_GET (0xff on failure). */
uint8_t dpd_status(struct dpd *d);

/* Wait up to @p ms until the status has all of @p bits. */
bool dpd_wait_status(struct dpd *d, uint8_t bits, unsigned int ms);

/* A test frame: dst, src, ethertype 0x88b5, then @p len - 14 bytes of a
 * pattern seeded by @p seed. */
void dpd_frame(uint8_t *f, uint32_t len, const uint8_t *dst,
	       const uint8_t *src, uint32_t seed);

/* ---- Test helpers (return TEST_SUCCESS / TEST_FAILED, say why) ---- */

/* Send @p len bytes of @p f on transmit queue @p q and wait until used. */
int dpd_send(struct dpd *d, uint16_t q, const void *f, uint32_t len);

/* Receive one frame on @p q within @p ms; it must be @p f byte for byte,
 * with an all-zero header but num_buffers == @p nb (0: any). */
int dpd_expect(struct dpd *d, uint16_t q, const void *f, uint32_t len,
	       uint16_t nb, unsigned int ms);

/* Nothing arrives on @p q within @p ms. */
int dpd_expect_none(struct dpd *d, uint16_t q, unsigned int ms);

/* Counters of queue @p q (zeros on failure). */
struct rte_avq_dev_vq_stats dpd_stats(struct dpd *d, uint16_t q);

#endif /* TEST_DP_DRIVER_H */
