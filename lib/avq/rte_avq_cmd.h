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

/*
 * NET_CTRL extension (class 67, CAP bit AVQ_CAP_F_EXT(67)): virtio-net
 * control of managed device @p id by the management driver (seed 001).
 * The device applies each command to the managed device's rx filter as its
 * own control queue would, whatever features the managed device's driver
 * negotiated. Errors: -EINVAL (malformed or out of range), -ENOTSUP (a
 * command the device does not implement, or class 67 not offered),
 * -ENOENT (no such managed device), -EIO (any failure on a strict device).
 */

/**
 * NET_CTRL_EXEC of one virtio-net control command (virtio 1.2, 5.1.6.5):
 * @p ctrl_class, @p ctrl_cmd, then @p len bytes of @p data as the control
 * queue would carry them.
 */
int rte_avq_net_ctrl(struct rte_avq_aq *aq, uint64_t id, uint8_t ctrl_class,
		     uint8_t ctrl_cmd, const void *data, uint32_t len);

/** VIRTIO_NET_CTRL_RX_PROMISC through NET_CTRL_EXEC. */
int rte_avq_net_promisc_set(struct rte_avq_aq *aq, uint64_t id, bool on);

/** VIRTIO_NET_CTRL_RX_ALLMULTI through NET_CTRL_EXEC. */
int rte_avq_net_allmulti_set(struct rte_avq_aq *aq, uint64_t id, bool on);

/**
 * VIRTIO_NET_CTRL_MAC_ADDR_SET through NET_CTRL_EXEC: the managed device's
 * address (its config space mac; a change raises its config interrupt).
 */
int rte_avq_net_mac_set(struct rte_avq_aq *aq, uint64_t id,
			const uint8_t mac[6]);

/**
 * VIRTIO_NET_CTRL_MAC_TABLE_SET through NET_CTRL_EXEC: replace both tables
 * (@p n_uc unicast, @p n_mc multicast addresses; the device model takes up
 * to 64 of each). An array may be NULL when its count is 0.
 */
int rte_avq_net_mac_table_set(struct rte_avq_aq *aq, uint64_t id,
			      const uint8_t (*uc)[6], uint32_t n_uc,
			      const uint8_t (*mc)[6], uint32_t n_mc);

/**
 * VIRTIO_NET_CTRL_VLAN_ADD (@p add) or VLAN_DEL of @p vlan (0..4095)
 * through NET_CTRL_EXEC. From then on, until a reset, tagged frames pass
 * only for the VLANs added.
 */
int rte_avq_net_vlan_filter(struct rte_avq_aq *aq, uint64_t id, uint16_t vlan,
			    bool add);

/**
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET through NET_CTRL_EXEC: 1 to the managed
 * device's max_virtqueue_pairs.
 */
int rte_avq_net_vq_pairs_set(struct rte_avq_aq *aq, uint64_t id,
			     uint16_t pairs);

/**
 * NET_CTRL_TRUST_SET: whether the managed device's own control queue may
 * change its rx mode, MAC and VLAN filter (seed 001). Kept across resets;
 * a new device is trusted.
 */
int rte_avq_net_trust_set(struct rte_avq_aq *aq, uint64_t id, bool trusted);

/**
 * NET_CTRL_STATE_GET. @p st is returned in wire (little-endian) form: read
 * it with avq_le*().
 */
int rte_avq_net_ctrl_state_get(struct rte_avq_aq *aq, uint64_t id,
			       struct avq_net_ctrl_state *st);

/*
 * VQ_STATE extension (class 68, CAP bit AVQ_CAP_F_EXT(68)): a managed
 * device's indices in a split virtqueue. Errors: -ENOENT (no such device),
 * -ERANGE (no such queue), -EINVAL (a rule below), -ENOTSUP (class not
 * offered, or not a device type with rings), -EIO (strict device).
 */

/**
 * VQ_STATE_GET: the next available-ring entry the device takes
 * (@p avail_idx), the next used-ring entry it writes (@p used_idx) and
 * whether queue @p q is enabled. A queue not started since its last
 * (re-)enable or reset reads 0, 0. Any output may be NULL.
 */
int rte_avq_vq_state_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			 uint16_t *avail_idx, uint16_t *used_idx,
			 bool *enabled);

/**
 * VQ_STATE_STOP: disable queue @p q and return the indices at which it
 * stopped, in one step (no chain is taken after them); VQ_STATE_GET reads
 * the same afterwards, until the queue is enabled or the device reset.
 * Stopping a disabled queue only reports. What vhost-user's
 * GET_VRING_BASE needs.
 */
int rte_avq_vq_state_stop(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			  uint16_t *avail_idx, uint16_t *used_idx);

/**
 * VQ_STATE_SET: enable queue @p q, which the device resumes at
 * @p avail_idx / @p used_idx rather than at 0. The device must be at
 * DRIVER_OK, the queue disabled with its size and address set, and
 * avail_idx - used_idx (mod 2^16) at most the ring size: -EINVAL otherwise.
 */
int rte_avq_vq_state_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			 uint16_t avail_idx, uint16_t used_idx);

/** Where one queue stands (host byte order): VQ_STATE batches. */
struct rte_avq_vq_base {
	uint16_t queue;
	uint16_t avail_idx;
	uint16_t used_idx;
};

/**
 * VQ_STATE_STOP of queue AVQ_VQ_STATE_ALL: stop every queue of the device
 * in one command (as VQ_STATE_STOP of each) and return where each stopped
 * in @p st[0..count) (st[i].queue = i). @p n is the room: at least the
 * device's number of queues (-EINVAL otherwise, nothing stopped).
 * @return the number of queues reported, or a negative errno (-EPROTO: a
 *   malformed reply).
 */
int rte_avq_vq_state_stop_all(struct rte_avq_aq *aq, uint64_t id,
			      struct rte_avq_vq_base *st, uint16_t n);

/**
 * VQ_STATE_SET_BATCH: VQ_STATE_SET of @p n (>= 1) distinct queues in one
 * command, all or none (each entry's rules as rte_avq_vq_state_set();
 * -EINVAL also for a repeated queue or more entries than queues).
 */
int rte_avq_vq_state_set_batch(struct rte_avq_aq *aq, uint64_t id,
			       const struct rte_avq_vq_base *b, uint16_t n);

/** Counters of one virtqueue (VQ_STATS_GET, host byte order). */
struct rte_avq_vq_stats {
	uint64_t packets;	/**< rx: frames written; tx: frames switched;
				 * control: commands executed */
	uint64_t bytes;		/**< frame bytes of those packets */
	uint64_t drops;		/**< frames not delivered */
	uint64_t errors;	/**< malformed frames; control: NET_ERR acks */
	uint64_t interrupts;	/**< interrupts raised after used updates */
};

/**
 * VQ_STATS_GET extension (class 70, CAP bit AVQ_CAP_F_EXT(70)): the
 * counters of queue @p q. Errors as VQ_STATE.
 */
int rte_avq_vq_stats_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
			 struct rte_avq_vq_stats *stats);

/** VQ_STATS_RESET of queue @p q, or of every queue for AVQ_VQ_STATS_ALL. */
int rte_avq_vq_stats_reset(struct rte_avq_aq *aq, uint64_t id, uint16_t q);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_CMD_H */
