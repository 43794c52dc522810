/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef BUS_AVQ_DRIVER_H
#define BUS_AVQ_DRIVER_H

/**
 * @file
 * What the drivers of managed devices (net_avq, vdpa_avq) see of the avq
 * bus. Not for applications: use rte_bus_avq.h.
 */

#include <stdint.h>

#include <dev_driver.h>
#include <rte_common.h>

#include "rte_bus_avq.h"
#include "rte_avq_aq.h"
#include "rte_avq_engine.h"
#include "rte_avq_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rte_avq_dev;

/** A managed device on the bus. Drivers read it; only drv_priv is theirs. */
struct rte_avq_vdev {
	struct rte_device device;	/**< name "<mgmt>.vd<id>" */
	struct rte_avq_mgmt *mgmt;	/**< its management device */
	uint64_t id;			/**< VDEV_CREATE's id, never 0 */
	struct rte_avq_vdev_params params;	/**< as created (MAC filled) */
	/** The management device's engine, shared by all its managed
	 * devices (thread-safe, lock-free). */
	struct rte_avq_engine *engine;
	/** A view of @c engine for the typed helpers of rte_avq_cmd.h. */
	struct rte_avq_aq *aq;
	/** How to reach the management device: DMA windows, vectors. */
	const struct rte_avq_transport *transport;
	void *drv_priv;			/**< for the bound driver */
};

#define RTE_DEV_TO_AVQ_VDEV(ptr) \
	container_of(ptr, struct rte_avq_vdev, device)

struct rte_avq_driver;

/**
 * Probe @p v; 0 binds the driver. Called without the bus's lock (the device
 * is marked busy): it may use the rte_bus_avq.h API, but must not destroy
 * @p v itself.
 */
typedef int (rte_avq_probe_t)(struct rte_avq_driver *drv,
			      struct rte_avq_vdev *v);

/**
 * Release @p v. -EBUSY refuses (the device stays bound, unchanged), except
 * at rte_eal_cleanup(), where the device goes anyway. Called as probe is;
 * the bus clears drv_priv after it.
 */
typedef int (rte_avq_remove_t)(struct rte_avq_vdev *v);

/** A driver of one class of managed devices. */
struct rte_avq_driver {
	RTE_TAILQ_ENTRY(rte_avq_driver) next;
	struct rte_driver driver;
	enum rte_avq_vdev_class cls;	/**< the class it presents */
	rte_avq_probe_t *probe;
	rte_avq_remove_t *remove;
};

/** Register a driver; unprobed devices of its class are probed at the next
 * bus probe (EAL start-up, rte_dev_probe(), rte_avq_vdev_create()). */
__rte_internal
void rte_avq_register(struct rte_avq_driver *drv);

/** Unregister a driver (devices it holds must have been removed). */
__rte_internal
void rte_avq_unregister(struct rte_avq_driver *drv);

#define RTE_PMD_REGISTER_AVQ(nm, drv)			\
RTE_INIT(avqinitfn_ ## nm)				\
{							\
	(drv).driver.name = RTE_STR(nm);		\
	rte_avq_register(&(drv));			\
}							\
RTE_PMD_EXPORT_NAME(nm, __COUNTER__)

/** The management device's name ("sim0"). */
const char *rte_avq_mgmt_name(const struct rte_avq_mgmt *m);

/** The engine of a management device. */
struct rte_avq_engine *rte_avq_mgmt_engine(struct rte_avq_mgmt *m);

/** The transport of a management device. */
const struct rte_avq_transport *rte_avq_mgmt_transport(struct rte_avq_mgmt *m);

/**
 * The device model behind a `sim` management device (for the net data
 * path's uplink, tests and telemetry); NULL for other transports.
 */
struct rte_avq_dev *rte_avq_mgmt_model(struct rte_avq_mgmt *m);

/** Interrupt vectors the bus hands out per management device. */
#define RTE_AVQ_MGMT_VECTORS	2048u

/**
 * Take a free interrupt vector of management device @p m (MSI_*_SET, the
 * transport's vector_bind): the one allocator of every driver on @p m, so
 * two drivers never bind the same vector. Lock-free.
 *
 * @return the vector (< RTE_AVQ_MGMT_VECTORS), or -ENOSPC, -EINVAL.
 */
int rte_avq_mgmt_vector_alloc(struct rte_avq_mgmt *m);

/** Give back a vector of rte_avq_mgmt_vector_alloc() (others: ignored). */
void rte_avq_mgmt_vector_free(struct rte_avq_mgmt *m, uint32_t vector);

#ifdef __cplusplus
}
#endif

#endif /* BUS_AVQ_DRIVER_H */
