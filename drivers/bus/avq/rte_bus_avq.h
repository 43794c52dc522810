/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_BUS_AVQ_H
#define RTE_BUS_AVQ_H

/**
 * @file
 * The avq bus: management devices and their managed devices as DPDK
 * devices (doc/guides/bus/avq.rst).
 *
 * A management device is an rte_device named after its transport and an
 * index ("sim0"), created from `-a avq:sim0,key=value,...` at start-up or by
 * rte_dev_probe("avq:sim0,...") at run time. The bus owns its admin-queue
 * engine. A managed device is an rte_device named "<management>.vd<id>"
 * ("sim0.vd3"), where id is the one VDEV_CREATE returned; it is created
 * from the management device's devargs (net=, vdpa=) or with
 * rte_avq_vdev_create(), probed by the driver registered for its class
 * (net_avq, vdpa_avq), and on rte_avq_vdev_delete(), rte_dev_remove() or
 * exit removed from its driver first, then destroyed with VDEV_DESTROY.
 *
 * Every function here is thread-safe (a control-path mutex serialises
 * creation, destruction and lookups; admin commands go through the
 * lock-free engine). Pointers returned by the lookups stay valid until the
 * object is destroyed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest management or managed device name, with the NUL. */
#define RTE_AVQ_NAME_LEN	64

/** Which driver presents a managed device (all are virtio-net devices). */
enum rte_avq_vdev_class {
	RTE_AVQ_VDEV_CLASS_NET = 0,	/**< an ethdev port (net_avq) */
	RTE_AVQ_VDEV_CLASS_VDPA = 1,	/**< a vDPA device (vdpa_avq) */
};

/** Name of a class ("net", "vdpa"), "?" for anything else. */
const char *rte_avq_vdev_class_str(enum rte_avq_vdev_class cls);

/** A management device (opaque). */
struct rte_avq_mgmt;

/** A managed device; see bus_avq_driver.h for what drivers see. */
struct rte_avq_vdev;

/** What a management device is and holds. */
struct rte_avq_mgmt_info {
	char name[RTE_AVQ_NAME_LEN];
	const char *transport;		/**< "sim" */
	uint64_t caps;			/**< CAP_GET bits */
	uint64_t features;		/**< offered by the management device */
	uint64_t net_features;		/**< offered by its managed devices */
	uint16_t num_aqs;		/**< admin queues the engine uses */
	uint16_t aq_size;		/**< entries per admin queue */
	uint32_t max_vdevs;		/**< managed devices at once */
	uint32_t num_vdevs;		/**< managed devices now */
	bool strict;			/**< device acks only 0/1 */
};

/** Number of management devices on the bus. */
unsigned int rte_avq_mgmt_count(void);

/**
 * Names of the management devices, in creation order.
 * @return how many there are (may exceed @p n; only @p n are written).
 */
int rte_avq_mgmt_list(char (*names)[RTE_AVQ_NAME_LEN], unsigned int n);

/** The management device named @p name ("sim0"), or NULL. */
struct rte_avq_mgmt *rte_avq_mgmt_lookup(const char *name);

/** Fill @p info. @return 0, -EINVAL. */
int rte_avq_mgmt_info_get(const struct rte_avq_mgmt *m,
			  struct rte_avq_mgmt_info *info);

/** Parameters of a managed device to create. */
struct rte_avq_vdev_params {
	enum rte_avq_vdev_class cls;
	/** MAC address; all-zero: the bus picks one, locally administered:
	 * 02:00:<mgmt index, 16 bits>:<id, low 16 bits>, which reads
	 * 02:00:00:<index>:00:<id> for small numbers. */
	struct rte_ether_addr mac;
	uint16_t mtu;		/**< 0: 1500 */
	uint16_t queue_pairs;	/**< 0: 1 */
	uint32_t flags;		/**< RTE_AVQ_VDEV_F_* */
};

/**
 * Do not probe a class driver: the caller drives the device itself (a
 * `--vdev net_avq0,mgmt=sim0` port creates its managed device this way).
 */
#define RTE_AVQ_VDEV_F_NO_PROBE	(1u << 0)

/**
 * Create a managed device on management device @p mgmt with VDEV_CREATE,
 * add it to the bus and (unless RTE_AVQ_VDEV_F_NO_PROBE) probe the driver
 * of its class. A device whose class has no driver loaded stays on the bus
 * unprobed. If the driver's probe fails the device is destroyed again and
 * the error returned.
 * @param name  if not NULL, receives the new device's name
 * @return 0; -ENODEV (no such management device), -EINVAL (params), -ENOSPC
 *   (the management device's limit of managed devices is reached), the
 *   driver's probe error, or the command's error.
 */
int rte_avq_vdev_create(const char *mgmt, const struct rte_avq_vdev_params *p,
			char name[RTE_AVQ_NAME_LEN]);

/**
 * Destroy managed device @p name: remove its driver (if bound), reset it,
 * VDEV_DESTROY, remove it from the bus. If the driver's remove refuses
 * (-EBUSY: e.g. a started port), nothing changes and its error is returned.
 * Two calls for one device at once: one destroys it, the other gets
 * -ENODEV. rte_dev_remove() of a bound managed device does the same (EAL
 * refuses to remove a device no driver probed).
 *
 * (Not "rte_avq_vdev_destroy": that is the VDEV_DESTROY helper of
 * rte_avq_cmd.h, exported by librte_avq.)
 * @return 0; -ENODEV; the driver's error; the command's error (the device is
 *   then left on the bus, unbound, and may be destroyed again).
 */
int rte_avq_vdev_delete(const char *name);

/**
 * Names of the managed devices of @p mgmt (NULL: of every management
 * device), in creation order.
 * @return how many there are (may exceed @p n; only @p n are written), or
 *   -ENODEV for an unknown @p mgmt.
 */
int rte_avq_vdev_list(const char *mgmt, char (*names)[RTE_AVQ_NAME_LEN],
		      unsigned int n);

/** The managed device named @p name ("sim0.vd3"), or NULL. */
struct rte_avq_vdev *rte_avq_vdev_lookup(const char *name);

/** What a managed device is. */
struct rte_avq_vdev_info {
	char name[RTE_AVQ_NAME_LEN];
	char mgmt[RTE_AVQ_NAME_LEN];
	uint64_t id;			/**< VDEV_CREATE's id */
	enum rte_avq_vdev_class cls;
	const char *driver;		/**< bound driver's name, or NULL */
	struct rte_ether_addr mac;
	uint16_t mtu;
	uint16_t queue_pairs;
	uint16_t num_queues;		/**< 2 * queue_pairs + 1 (control) */
	uint32_t flags;			/**< as created */
};

/** Fill @p info. @return 0, -EINVAL. */
int rte_avq_vdev_info_get(const struct rte_avq_vdev *v,
			  struct rte_avq_vdev_info *info);

#ifdef __cplusplus
}
#endif

#endif /* RTE_BUS_AVQ_H */
