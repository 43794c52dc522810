/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_TRANSPORT_H
#define RTE_AVQ_TRANSPORT_H

/**
 * @file
 * How the driver side reaches a management device: `sim` (the device model
 * in this process), `uds` (a device daemon), `pci` (hardware). The engine and
 * the drivers use only these operations, never a transport's internals.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Transport operations. All return 0 or a negative errno. */
struct rte_avq_transport_ops {
	/** Features the management device offers. */
	uint64_t (*features_get)(void *ctx);
	/** Features the management driver accepts. */
	int (*features_set)(void *ctx, uint64_t features);
	/** Number of admin queues the transport exposes. */
	uint16_t (*num_aqs)(void *ctx);
	/** Largest ring the device accepts for an admin queue. */
	uint16_t (*max_aq_size)(void *ctx);
	/** Make [dma, dma + len), backed by @p va, reachable by the device. */
	int (*dma_map)(void *ctx, void *va, uint64_t dma, uint64_t len);
	/** Remove a window made by dma_map. */
	int (*dma_unmap)(void *ctx, uint64_t dma, uint64_t len);
	/** Program admin queue @p aq (DMA addresses). */
	int (*aq_setup)(void *ctx, uint16_t aq, uint16_t size, uint64_t desc,
			uint64_t avail, uint64_t used);
	/** Enable or disable admin queue @p aq. */
	int (*aq_enable)(void *ctx, uint16_t aq, int on);
	/** Ring the doorbell of admin queue @p aq (lock-free, any thread). */
	void (*aq_kick)(void *ctx, uint16_t aq);
	/** Eventfd signalled on AQ completions (-1 unbinds). */
	int (*aq_call_fd)(void *ctx, uint16_t aq, int fd);
	/** Bind interrupt vector @p vector to eventfd @p fd (-1 unbinds). */
	int (*vector_bind)(void *ctx, uint32_t vector, int fd);
	/** DMA address of @p va as the device must see it (sim: the VA). */
	uint64_t (*dma_addr)(void *ctx, const void *va);
	/**
	 * A driver wrote a data-queue doorbell (a managed device's notify
	 * area): make the device look at it now if it sleeps. Lock-free, any
	 * thread; may be NULL (the device then sees the doorbell at its next
	 * poll). A software transport needs it because its notify area is
	 * plain memory.
	 */
	void (*wake)(void *ctx);
	/**
	 * The mmap-able file behind a data-queue doorbell: @p notify_addr is
	 * an address VQ_NOTIFY_GET returned; sets @p fd (the transport's: do
	 * not close it; valid while the managed device exists), @p offset of
	 * the page holding it in that file and the page's @p size, so that
	 * another process (a vhost-user frontend's host notifier) can map the
	 * doorbell and ring it by storing the queue index (le16) at the page's
	 * start. Doorbells rung that way come with no wake(): the device sees
	 * them within a bounded time (sim: 1 ms) while its queues run.
	 * Optional (NULL: the doorbell is not in a mappable file).
	 */
	int (*notify_fd)(void *ctx, uint64_t notify_addr, int *fd,
			 uint64_t *offset, uint64_t *size);
};

/**
 * The transport itself gives every managed device a DMA context of its own
 * (e.g. a PASID per managed device), so the device MMU may be turned off
 * without losing isolation between managed devices. Without it (sim, uds:
 * one set of DMA windows per management device) the device MMU is the only
 * isolation, and the driver side keeps it on.
 */
#define RTE_AVQ_TRANSPORT_F_DMA_ISOLATION	(1u << 0)

/** A management device as the driver side sees it. */
struct rte_avq_transport {
	const struct rte_avq_transport_ops *ops;
	void *ctx;
	const char *name;	/**< "sim", "uds", ... */
	uint32_t flags;		/**< RTE_AVQ_TRANSPORT_F_* */
};

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_TRANSPORT_H */
