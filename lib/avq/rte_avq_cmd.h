/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_CMD_H
#define RTE_AVQ_CMD_H

/**
 * @file
 * Management-driver operations, one per RFC command, over an admin queue.
 *
 * Each returns 0, or the negative errno of the device's ack
 * (avq_ack_errno(): -ENOENT, -EINVAL, -ERANGE, -ENOTSUP, -EEXIST, -ENOSPC,
 * -EAGAIN, -EIO for a plain ERR), or an exec error (-ETIMEDOUT, -EPROTO).
 * They encode the driver-side rules of the RFC (device_id 0 for CAP and
 * VDEV_CREATE; queue fields before VQ_ENABLE; waiting for a reset).
 */

#include <stdbool.h>
#include <stdint.h>

#include "rte_avq_wire.h"
#include "rte_avq_aq.h"

#ifdef __cplusplus
extern "C" {
#endif

/** CAP_GET (always device_id 0). */
int rte_avq_cap_get(struct rte_avq_aq *aq, uint64_t *caps);

/** AQ_INFO_GET extension. */
int rte_avq_aq_info_get(struct rte_avq_aq *aq, struct avq_aq_info *info);

/** Parameters of a managed virtio-net device. */
struct rte_avq_net_params {
	uint8_t mac[6];
	bool link_up;
	uint16_t max_queue_pairs;	/**< 0: device default */
	uint16_t mtu;			/**< 0: device default */
};

/** VDEV_CREATE of a virtio-net device (device_id 0). */
int rte_avq_vdev_create_net(struct rte_avq_aq *aq,
			    const struct rte_avq_net_params *p, uint64_t *id);

/**
 * VDEV_DESTROY. RFC: the driver SHOULD make sure the device is not in use:
 * refuses with -EBUSY when the device status is not 0 unless @p force.
 */
int rte_avq_vdev_destroy(struct rte_avq_aq *aq, uint64_t id, bool force);

int rte_avq_feat_device_get(struct rte_avq_aq *aq, uint64_t id, uint64_t *f);
int rte_avq_feat_driver_set(struct rte_avq_aq *aq, uint64_t id, uint64_t f);
int rte_avq_feat_driver_get(struct rte_avq_aq *aq, uint64_t id, uint64_t *f);

int rte_avq_status_set(struct rte_avq_aq *aq, uint64_t id, uint8_t status);
int rte_avq_status_get(struct rte_avq_aq *aq, uint64_t id, uint8_t *status);

/**
 * Reset: STATUS_SET 0, which completes only when the reset is done (RFC),
 * then confirm STATUS_GET reads 0. Only then may the driver re-initialize.
 */
int rte_avq_reset(struct rte_avq_aq *aq, uint64_t id);

int rte_avq_generation_get(struct rte_avq_aq *aq, uint64_t id, uint32_t *gen);
int rte_avq_config_get(struct rte_avq_aq *aq, uint64_t id, uint32_t off,
		       void *buf, uint32_t len);
int rte_avq_config_set(struct rte_avq_aq *aq, uint64_t id, uint32_t off,
		       const void *buf, uint32_t len);

/**
 * Read the whole config consistently: generation, config, generation again,
 * retried until both generations match (virtio 2.5.1 / 4.1.3.1).
 */
int rte_avq_config_read(struct rte_avq_aq *aq, uint64_t id, uint32_t off,
			void *buf, uint32_t len, uint32_t *gen);

int rte_avq_msi_vq_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		       uint64_t vector, uint32_t data);
int rte_avq_msi_vq_enable(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			  bool enable);
int rte_avq_msi_vq_mask(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			bool mask);
int rte_avq_msi_config_set(struct rte_avq_aq *aq, uint64_t id,
			   uint64_t vector, uint32_t data);
int rte_avq_msi_config_enable(struct rte_avq_aq *aq, uint64_t id, bool enable);
int rte_avq_msi_config_mask(struct rte_avq_aq *aq, uint64_t id, bool mask);

int rte_avq_vq_addr_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			uint64_t desc, uint64_t driver, uint64_t device);
int rte_avq_vq_enable_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			  bool enable);
int rte_avq_vq_enable_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			  bool *enabled);
int rte_avq_vq_size_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			uint16_t size);
int rte_avq_vq_size_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			uint16_t *size);
int rte_avq_vq_notify_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			  uint64_t *addr, uint64_t *size);

/** A virtqueue as the driver sets it up. */
struct rte_avq_vq_params {
	uint16_t size;
	uint64_t desc, driver, device;	/**< IOVAs */
	bool msi;			/**< program an interrupt vector */
	uint64_t vector;
	uint32_t data;
	bool asid_set;
	uint64_t asid;
};

/**
 * Set up queue @p q in the order the RFC requires: size, address, (ASID),
 * (MSI vector and enable), and only then VQ_ENABLE.
 */
int rte_avq_vq_setup(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		     const struct rte_avq_vq_params *p);

/**
 * MMU_ENABLE. RFC: "The driver MAY choose to disable the device MMU but it
 * MUST make sure the transport specific method could be used to provide a
 * secure DMA context for each virtual device": disabling is refused with
 * -EPERM (nothing sent) unless the transport has
 * RTE_AVQ_TRANSPORT_F_DMA_ISOLATION.
 */
int rte_avq_mmu_enable(struct rte_avq_aq *aq, uint64_t id, bool enable);
int rte_avq_mmu_asid_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			 uint64_t asid);
/** MMU_MAP of the inclusive range [iova, iova + len - 1]. */
int rte_avq_mmu_map(struct rte_avq_aq *aq, uint64_t id, uint64_t asid,
		    uint64_t iova, uint64_t len, uint64_t dma, uint32_t flags);
/** MMU_UNMAP of every mapping that intersects [iova, iova + len - 1]. */
int rte_avq_mmu_unmap(struct rte_avq_aq *aq, uint64_t id, uint64_t asid,
		      uint64_t iova, uint64_t len);
int rte_avq_mmu_err_get(struct rte_avq_aq *aq, uint64_t id,
			struct avq_mmu_err *err);
/**
 * MMU_RESV_GET extension: up to @p n reserved regions into @p r.
 * @return number of regions the device reports (may exceed @p n), or <0.
 */
int rte_avq_mmu_resv_get(struct rte_avq_aq *aq, uint64_t id,
			 struct avq_mmu_resv *r, unsigned int n);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_CMD_H */
