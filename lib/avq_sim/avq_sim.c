/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Transport `sim`: the device model runs in this process, so every
 * transport operation is a direct call into lib/avq_dev and a DMA address
 * is the process's virtual address.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "rte_avq_sim.h"

static uint64_t
sim_features_get(void *ctx)
{
	return rte_avq_dev_features(ctx);
}

static int
sim_features_set(void *ctx, uint64_t features)
{
	return rte_avq_dev_driver_features_set(ctx, features);
}

static uint16_t
sim_num_aqs(void *ctx)
{
	uint16_t n = 0;

	if (rte_avq_dev_aq_limits(ctx, &n, NULL) < 0)
		return 0;
	return n;
}

static uint16_t
sim_max_aq_size(void *ctx)
{
	uint16_t n = 0;

	if (rte_avq_dev_aq_limits(ctx, NULL, &n) < 0)
		return 0;
	return n;
}

static int
sim_dma_map(void *ctx, void *va, uint64_t dma, uint64_t len)
{
	/* Same address space: a window whose DMA address is not its VA
	 * would make the device read other memory than the driver meant.
	 */
	if (dma != (uint64_t)(uintptr_t)va)
		return -EINVAL;
	return rte_avq_dev_dma_map(ctx, dma, len, va);
}

static int
sim_dma_unmap(void *ctx, uint64_t dma, uint64_t len)
{
	return rte_avq_dev_dma_unmap(ctx, dma, len);
}

static int
sim_aq_setup(void *ctx, uint16_t aq, uint16_t size, uint64_t desc,
	     uint64_t avail, uint64_t used)
{
	return rte_avq_dev_aq_setup(ctx, aq, size, desc, avail, used);
}

static int
sim_aq_enable(void *ctx, uint16_t aq, int on)
{
	return rte_avq_dev_aq_enable(ctx, aq, on != 0);
}

static void
sim_aq_kick(void *ctx, uint16_t aq)
{
	rte_avq_dev_aq_kick(ctx, aq);
}

static int
sim_aq_call_fd(void *ctx, uint16_t aq, int fd)
{
	return rte_avq_dev_aq_call_fd(ctx, aq, fd);
}

static int
sim_vector_bind(void *ctx, uint32_t vector, int fd)
{
	return rte_avq_dev_vector_bind(ctx, vector, fd);
}

static uint64_t
sim_dma_addr(void *ctx, const void *va)
{
	RTE_SET_USED(ctx);
	return (uint64_t)(uintptr_t)va;
}

/* The notify area is plain memory: a sleeping device thread would see a
 * doorbell only at its idle timeout. */
static void
sim_wake(void *ctx)
{
	rte_avq_dev_wake(ctx);
}

/* Each managed device's notify area is a memfd of the model's. */
static int
sim_notify_fd(void *ctx, uint64_t notify_addr, int *fd, uint64_t *offset,
	      uint64_t *size)
{
	return rte_avq_dev_notify_fd(ctx, notify_addr, fd, offset, size);
}

static const struct rte_avq_transport_ops sim_ops = {
	.features_get = sim_features_get,
	.features_set = sim_features_set,
	.num_aqs = sim_num_aqs,
	.max_aq_size = sim_max_aq_size,
	.dma_map = sim_dma_map,
	.dma_unmap = sim_dma_unmap,
	.aq_setup = sim_aq_setup,
	.aq_enable = sim_aq_enable,
	.aq_kick = sim_aq_kick,
	.aq_call_fd = sim_aq_call_fd,
	.vector_bind = sim_vector_bind,
	.dma_addr = sim_dma_addr,
	.wake = sim_wake,
	.notify_fd = sim_notify_fd,
};

void
rte_avq_sim_transport(struct rte_avq_dev *d, struct rte_avq_transport *t)
{
	if (t == NULL)
		return;
	t->ops = &sim_ops;
	t->ctx = d;
	t->name = "sim";
	/* One set of DMA windows for the whole management device: managed
	 * devices are isolated from each other only by the device MMU. */
	t->flags = 0;
}
