/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef TEST_BUS_H
#define TEST_BUS_H

/*
 * Helpers shared by the tests of the avq bus (test_bus*.c): a class driver
 * registered from the tests, and reads of a managed device through its
 * admin-queue view.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_avq_wire.h>
#include <bus_avq_driver.h>

/* Queue pairs a managed device may have (device model default). */
#define BUS_MAX_QUEUE_PAIRS	8

/*
 * The test class driver (cls NET, name BUS_TDRV_NAME). Counters are updated
 * atomically: devices are probed and removed from several lcores at once.
 */
#define BUS_TDRV_NAME	"avq_test_net"

struct bus_tdrv {
	struct rte_avq_driver drv;
	uint32_t probes;	/* successful probes */
	uint32_t removes;	/* removes that released the device */
	uint32_t refused;	/* removes that returned remove_ret */
	int probe_ret;		/* probe returns this (0: binds) */
	int remove_ret;		/* remove returns this (0: releases) */
	/* Checks made inside the callbacks (each counts violations). */
	uint32_t bad_lookup;	/* rte_avq_vdev_lookup(name) was not the device */
	uint32_t bad_vdev;	/* wrong class, no engine/aq/transport/mgmt */
	uint32_t bad_priv;	/* remove of a device probe did not bind */
	uint32_t gone_at_remove;	/* the model had no such device any more */
};

extern struct bus_tdrv bus_tdrv;

/* Zero the counters and behaviour, register the driver. */
void bus_tdrv_register(void);

/* Unregister it (every device it bound must have been removed). */
void bus_tdrv_unregister(void);

/* Whether @p v is bound to the test driver (drv_priv set by its probe). */
bool bus_tdrv_bound(const struct rte_avq_vdev *v);

/* Read a counter of bus_tdrv (acquire). */
uint32_t bus_tdrv_count(const uint32_t *counter);

/* STATUS_GET of @p v through its admin-queue view. */
int bus_vdev_status(struct rte_avq_vdev *v, uint8_t *status);

/* STATUS_SET of @p v through its admin-queue view. */
int bus_vdev_status_set(struct rte_avq_vdev *v, uint8_t status);

/* The virtio-net config space of @p v (CONFIG_GET through the view). */
int bus_vdev_config(struct rte_avq_vdev *v, struct avq_net_config *cfg);

/* FEAT_DEVICE_GET of @p v through the view. */
int bus_vdev_device_features(struct rte_avq_vdev *v, uint64_t *f);

/* The rte_device named @p name on the avq bus (find_device), or NULL. */
struct rte_device *bus_find_rte_device(const char *name);

/* Managed devices of @p mgmt (NULL: all) as the bus lists them, or <0. */
int bus_vdev_count(const char *mgmt);

/* Managed devices the device model of @p m has (vdev_list), or <0. */
int bus_model_vdev_count(struct rte_avq_mgmt *m);

/* "%02x:..:%02x" of @p a into @p buf (RTE_ETHER_ADDR_FMT_SIZE bytes). */
const char *bus_mac_str(const struct rte_ether_addr *a, char *buf);

/* Threads of the process (entries of /proc/self/task), or -1. */
int bus_thread_count(void);

/*
 * A client of the process's own telemetry socket
 * (<runtime dir>/dpdk_telemetry.v2, SOCK_SEQPACKET).
 */
#define BUS_TEL_BUF	(64 * 1024)

struct bus_tel {
	int fd;
	char *buf;	/* the last reply, NUL-terminated */
};

/* Connect and check the welcome message. TEST_SUCCESS or TEST_FAILED. */
int bus_tel_open(struct bus_tel *t);

/* Close (also after a failed open). */
void bus_tel_close(struct bus_tel *t);

/*
 * Send @p cmd; the reply must be JSON, one object whose only member is
 * named after the command (the part before a ','); *@p val points at its
 * value (inside t->buf). TEST_SUCCESS or TEST_FAILED.
 */
int bus_tel_cmd(struct bus_tel *t, const char *cmd, const char **val);

/* bus_tel_cmd() whose value must be null (bad or unknown parameter). */
int bus_tel_null(struct bus_tel *t, const char *cmd);

/*
 * A small strict JSON reader. bus_json_valid() checks a whole text;
 * the others take a pointer to a value inside a valid text.
 */
bool bus_json_valid(const char *doc);
/* Value of member @p key of the object at @p obj, or NULL. */
const char *bus_json_get(const char *obj, const char *key);
/* Members of the object at @p obj, or -1. */
int bus_json_members(const char *obj);
bool bus_json_is_null(const char *v);
/* A string (unescaped into @p out), 0 or -EINVAL. */
int bus_json_str(const char *v, char *out, size_t len);
/* A non-negative integer. */
int bus_json_u64(const char *v, uint64_t *out);
/* Any number. */
int bus_json_double(const char *v, double *out);
/* A string "0x<hex>". */
int bus_json_hex(const char *v, uint64_t *out);
/* An array of strings: its length (only @p n copied), or -EINVAL. */
int bus_json_str_array(const char *v, char (*out)[RTE_AVQ_NAME_LEN],
		       unsigned int n);

#endif /* TEST_BUS_H */
