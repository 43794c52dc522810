/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_BUS_PRIVATE_H
#define AVQ_BUS_PRIVATE_H

/*
 * Internals of the avq bus shared by its .c files: the bus state (lists,
 * the control-path mutex), management and managed devices, devargs.
 *
 * Locking: avq_bus.lock protects the three lists and every field marked
 * [L]. Admin commands are never sent with it held. An operation that uses a
 * management device's engine without the lock holds a "user" reference on
 * it (avq_mgmt_get/put); removal of the management device waits for its
 * users to leave. An operation on one managed device marks it busy;
 * another operation on the same device waits (avq_bus.cond) until it is no
 * longer busy, then looks it up again by name. Drivers' probe and remove
 * run without the lock, with the device busy.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <bus_driver.h>
#include <dev_driver.h>
#include <rte_ether.h>
#include <rte_log.h>

#include "bus_avq_driver.h"
#include "rte_avq_dev.h"

extern int avq_bus_logtype;

/* Every message names the device it is about ("sim0", "sim0.vd3"). */
#define AVQ_BUS_LOG(level, name, fmt, ...)				\
	rte_log(RTE_LOG_ ## level, avq_bus_logtype, "avq: %s: " fmt "\n",	\
		(name), ##__VA_ARGS__)

/* Limits of the devargs of a `sim` management device. */
#define AVQ_SIM_MAX_INDEX	999u
#define AVQ_SIM_MAX_AQ_SIZE	4096u
#define AVQ_SIM_MAX_VDEVS	4096u
#define AVQ_SIM_MAX_TIMEOUT_MS	600000u
#define AVQ_MTU_MIN		68u
#define AVQ_MTU_MAX		9000u
#define AVQ_MTU_DEFAULT		1500u

/* Devargs of a `sim` management device, parsed and checked. */
struct avq_sim_args {
	uint16_t aqs;
	uint16_t aq_size;
	uint32_t max_vdevs;
	bool strict;
	bool mmu_batch;
	bool multi;
	bool net_ctrl;
	uint64_t features;		/* 0: the model's default set */
	enum rte_avq_dev_idle idle;
	int cpu;
	uint32_t timeout_ms;
	bool fault;			/* a fault_* key was given */
	struct rte_avq_dev_fault faults;
	uint32_t net;			/* start-up managed devices */
	uint32_t vdpa;
	bool mac_set;
	struct rte_ether_addr mac;	/* of the first start-up device */
	uint16_t mtu;
	uint16_t queues;
};

/* Parse @p args (may be NULL) of management device @p name into @p a.
 * On error one line is logged and -EINVAL returned; nothing is allocated.
 */
int avq_sim_args_parse(const char *name, const char *args,
		       struct avq_sim_args *a);

/* Parse a device name of this bus: "sim<N>" (is_vdev false) or
 * "sim<N>.vd<id>" (is_vdev true). @return 0, or -EINVAL.
 */
int avq_name_parse(const char *name, unsigned int *index, uint64_t *id,
		   bool *is_vdev);

enum avq_mgmt_state {
	AVQ_MGMT_SCANNED,	/* rte_device from devargs, not probed */
	AVQ_MGMT_PROBING,
	AVQ_MGMT_READY,
	AVQ_MGMT_REMOVING,
};

struct rte_avq_mgmt {
	struct rte_device device;	/* first: EAL sees this */
	TAILQ_ENTRY(rte_avq_mgmt) next;	/* [L] */
	char name[RTE_AVQ_NAME_LEN];
	unsigned int index;
	enum avq_mgmt_state state;	/* [L] */
	unsigned int users;		/* [L] engine users without the lock */
	uint32_t num_vdevs;		/* [L] managed devices on the bus */
	uint32_t reserved;		/* [L] VDEV_CREATE in flight */
	uint64_t vdevs_made;		/* [L] for the default MAC */
	/* Set while probing, constant while READY. */
	struct avq_sim_args args;
	struct rte_avq_dev *model;
	struct rte_avq_transport transport;
	struct rte_avq_engine *engine;
	struct rte_avq_aq *aq;		/* engine view for rte_avq_cmd.h */
	uint64_t caps;
	uint64_t features;
	uint64_t net_features;		/* [L] 0 until known */
	uint16_t num_aqs;
	uint16_t aq_size;
	uint16_t max_vq_pairs;
	uint32_t max_vdevs;
	/* Interrupt vectors handed out (rte_avq_mgmt_vector_alloc()). */
	uint64_t vec_used[RTE_AVQ_MGMT_VECTORS / 64];
};

struct avq_vdev {
	struct rte_avq_vdev pub;	/* first: drivers see this */
	TAILQ_ENTRY(avq_vdev) next;	/* [L] */
	char name[RTE_AVQ_NAME_LEN];
	struct rte_avq_driver *drv;	/* [L] bound driver */
	bool busy;			/* [L] an operation owns it */
	bool nodrv_logged;		/* [L] "no driver" said once */
	unsigned int probe_pass;	/* [L] last bus probe pass that tried it */
};

RTE_TAILQ_HEAD(avq_drv_list, rte_avq_driver);
TAILQ_HEAD(avq_mgmt_list, rte_avq_mgmt);
TAILQ_HEAD(avq_vdev_list, avq_vdev);

struct avq_bus {
	struct rte_bus bus;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* busy cleared, users left */
	struct avq_mgmt_list mgmts;	/* [L] creation order */
	struct avq_vdev_list vdevs;	/* [L] creation order */
	struct avq_drv_list drivers;	/* [L] */
	unsigned int probe_pass;	/* [L] */
	bool scanned;			/* [L] the EAL start-up scan ran */
};

extern struct avq_bus avq_bus;

/* The bus-internal driver of management devices. */
extern struct rte_driver avq_sim_driver;

static inline void
avq_lock(void)
{
	pthread_mutex_lock(&avq_bus.lock);
}

static inline void
avq_unlock(void)
{
	pthread_mutex_unlock(&avq_bus.lock);
}

/* NUMA node to show for a device: the main lcore's, never SOCKET_ID_ANY. */
int avq_numa_node(void);

/* ---- Management devices (avq_mgmt.c) ---- */

/* [L] held: a management device by name, in any state, or NULL. */
struct rte_avq_mgmt *avq_mgmt_find_locked(const char *name);
/* [L] held: a READY management device by name, or NULL. */
struct rte_avq_mgmt *avq_mgmt_ready_locked(const char *name);
/* [L] held: whether @p dev is a management device. */
struct rte_avq_mgmt *avq_mgmt_of_dev_locked(const struct rte_device *dev);
/* [L] held: take a user reference on a READY device. -ENODEV otherwise. */
int avq_mgmt_get_locked(struct rte_avq_mgmt *m);
/* [L] held: drop a user reference. */
void avq_mgmt_put_locked(struct rte_avq_mgmt *m);
void avq_mgmt_put(struct rte_avq_mgmt *m);

/* A SCANNED device from devargs @p da, after checking them. */
int avq_mgmt_scan_one(struct rte_devargs *da, bool first_scan);
/* Probe a SCANNED management device: model, engine, start-up managed
 * devices. Leaves it SCANNED (everything undone) on failure.
 */
int avq_mgmt_probe(struct rte_avq_mgmt *m);
/* Remove managed devices (drivers first), then the device itself, back to
 * SCANNED. @p force: go on when a driver refuses (bus clean-up).
 */
int avq_mgmt_remove(struct rte_avq_mgmt *m, bool force);
/* Unlink and free a SCANNED management device (and its devargs). */
void avq_mgmt_free(struct rte_avq_mgmt *m, bool drop_devargs);

/* ---- Managed devices (avq_vdev.c) ---- */

/* [L] held: a managed device by name, or NULL. */
struct avq_vdev *avq_vdev_find_locked(const char *name);
/* [L] held: whether @p dev is a managed device. */
struct avq_vdev *avq_vdev_of_dev_locked(const struct rte_device *dev);
/* [L] held: wait until managed device @p name is not busy, then mark it
 * busy and take a user reference on its management device.
 * @return it, or NULL with *err = -ENODEV.
 */
struct avq_vdev *avq_vdev_acquire_locked(const char *name, int *err);
/* Clear busy, drop the user reference, wake waiters. */
void avq_vdev_release(struct avq_vdev *v);

/* VDEV_CREATE and the bookkeeping of a new device (not listed, not busy).
 * The caller holds a user reference on @p m or is probing it.
 */
int avq_vdev_make(struct rte_avq_mgmt *m, const struct rte_avq_vdev_params *p,
		  struct avq_vdev **out);
/* Reset (if needed) and VDEV_DESTROY; the device must be unbound. */
int avq_vdev_unmake(struct avq_vdev *v);
/* Unlink (if listed) and free; its devargs are dropped. */
void avq_vdev_free(struct avq_vdev *v);
/* Probe the driver of the device's class; busy held.
 * @return 0 bound, 1 no driver for the class, <0 the driver's error.
 */
int avq_vdev_bind(struct avq_vdev *v);
/* Remove the bound driver (if any); busy held. -EBUSY etc. from the driver
 * unless @p force.
 */
int avq_vdev_unbind(struct avq_vdev *v, bool force);
/* Probe every unbound managed device (of @p m, or all) whose class has a
 * driver. @return the first driver error, or 0.
 */
int avq_vdev_probe_unbound(struct rte_avq_mgmt *m);
/* Check what rte_avq_vdev_create() is given (not the management-device
 * dependent limits). @return 0 or -EINVAL (logged under @p who).
 */
int avq_vdev_params_check(const char *who,
			  const struct rte_avq_vdev_params *p);

/* ---- Helpers ---- */

/* "ACKNOWLEDGE|DRIVER|..." or "RESET". */
void avq_status_str(uint8_t status, char *buf, size_t len);

#endif /* AVQ_BUS_PRIVATE_H */
