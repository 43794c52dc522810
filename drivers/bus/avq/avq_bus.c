/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * The bus `avq`: its operations as EAL calls them (scan, probe, find,
 * plug, unplug, parse, iterate, clean-up) and its registration.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_kvargs.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>

#include "avq_bus_private.h"

static int avq_bus_scan(void);
static int avq_bus_probe(void);
static struct rte_device *avq_bus_find_device(const struct rte_device *start,
					      rte_dev_cmp_t cmp,
					      const void *data);
static int avq_bus_plug(struct rte_device *dev);
static int avq_bus_unplug(struct rte_device *dev);
static int avq_bus_parse(const char *name, void *addr);
static void *avq_bus_dev_iterate(const void *start, const char *str,
				 const struct rte_dev_iterator *it);
static int avq_bus_cleanup(void);

struct avq_bus avq_bus = {
	.bus = {
		.scan = avq_bus_scan,
		.probe = avq_bus_probe,
		.find_device = avq_bus_find_device,
		.plug = avq_bus_plug,
		.unplug = avq_bus_unplug,
		.parse = avq_bus_parse,
		.dev_iterate = avq_bus_dev_iterate,
		.cleanup = avq_bus_cleanup,
	},
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.mgmts = TAILQ_HEAD_INITIALIZER(avq_bus.mgmts),
	.vdevs = TAILQ_HEAD_INITIALIZER(avq_bus.vdevs),
	.drivers = TAILQ_HEAD_INITIALIZER(avq_bus.drivers),
};

int
avq_numa_node(void)
{
	unsigned int s = rte_lcore_to_socket_id(rte_get_main_lcore());

	/* OVS shows numa_id -1 for SOCKET_ID_ANY: say where we run. */
	return s < RTE_MAX_NUMA_NODES ? (int)s : 0;
}

void
avq_status_str(uint8_t status, char *buf, size_t len)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} bits[] = {
		{ AVQ_STATUS_ACKNOWLEDGE, "ACKNOWLEDGE" },
		{ AVQ_STATUS_DRIVER, "DRIVER" },
		{ AVQ_STATUS_DRIVER_OK, "DRIVER_OK" },
		{ AVQ_STATUS_FEATURES_OK, "FEATURES_OK" },
		{ AVQ_STATUS_DEVICE_MMU_FAIL, "DEVICE_MMU_FAIL" },
		{ AVQ_STATUS_DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET" },
		{ AVQ_STATUS_FAILED, "FAILED" },
	};
	uint8_t rest = status;
	size_t off = 0;
	unsigned int i;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (status == 0) {
		rte_strscpy(buf, "RESET", len);
		return;
	}
	for (i = 0; i < RTE_DIM(bits) && off < len; i++) {
		if (!(status & bits[i].bit))
			continue;
		off += snprintf(buf + off, len - off, "%s%s",
				off == 0 ? "" : "|", bits[i].name);
		rest &= ~bits[i].bit;
	}
	if (rest != 0 && off < len)
		snprintf(buf + off, len - off, "%s0x%x", off == 0 ? "" : "|",
			 rest);
}

/* ---- Scan ---- */

/*
 * Every devargs of this bus names a device. A management device is made
 * (not probed) for each new one, after its arguments were checked; a bad
 * one is one error line and no device.
 *
 * DPDK 22.11 ignores a bus's scan and probe errors at start-up
 * (rte_bus_scan() and rte_bus_probe() always return 0), so a bad `-a`
 * argument cannot stop rte_eal_init() from here. What the bus can do is
 * make no device of it and take the devargs off the EAL list, so that
 * later hot-plug scans are not failed by it. At run time local_dev_probe()
 * returns the scan error and removes its devargs itself.
 */
static int
avq_bus_scan(void)
{
	struct rte_devargs *da, *next;
	bool first;
	int ret = 0, r;

	/* The model and its engine live in the primary process only. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	avq_lock();
	first = !avq_bus.scanned;
	avq_bus.scanned = true;
	avq_unlock();

	for (da = rte_devargs_next(avq_bus.bus.name, NULL); da != NULL;
	     da = next) {
		next = rte_devargs_next(avq_bus.bus.name, da);
		if (da->policy == RTE_DEV_BLOCKED)
			continue;
		r = avq_mgmt_scan_one(da, first);
		if (r == 0)
			continue;
		if (ret == 0)
			ret = r;
		/* At start-up EAL holds no other reference to it. */
		if (first)
			rte_devargs_remove(da);
	}
	return ret;
}

/* ---- Probe ---- */

/* The management device after the first @p *tried ones, if SCANNED;
 * each one is looked at once, in creation order.
 */
static struct rte_avq_mgmt *
next_scanned(unsigned int *tried)
{
	struct rte_avq_mgmt *m;
	unsigned int i = 0;

	avq_lock();
	TAILQ_FOREACH(m, &avq_bus.mgmts, next) {
		if (i++ < *tried)
			continue;
		(*tried)++;
		if (m->state == AVQ_MGMT_SCANNED)
			break;
	}
	avq_unlock();
	return m;
}

/* Management devices first (with their start-up managed devices), then
 * every unbound managed device whose class has a driver.
 */
static int
avq_bus_probe(void)
{
	struct rte_avq_mgmt *m;
	unsigned int tried = 0;
	int ret = 0, r;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	while ((m = next_scanned(&tried)) != NULL) {
		r = avq_mgmt_probe(m);
		if (r < 0 && ret == 0)
			ret = r;
	}
	r = avq_vdev_probe_unbound(NULL);
	if (r < 0 && ret == 0)
		ret = r;
	return ret;
}

/* ---- Find, plug, unplug ---- */

/* Management devices, then managed devices, each in creation order. */
static struct rte_device *
avq_bus_find_device(const struct rte_device *start, rte_dev_cmp_t cmp,
		    const void *data)
{
	struct rte_avq_mgmt *m;
	struct avq_vdev *v;
	bool after = start == NULL;

	avq_lock();
	TAILQ_FOREACH(m, &avq_bus.mgmts, next) {
		if (!after) {
			after = &m->device == start;
			continue;
		}
		if (cmp(&m->device, data) == 0)
			goto found_mgmt;
	}
	TAILQ_FOREACH(v, &avq_bus.vdevs, next) {
		if (!after) {
			after = &v->pub.device == start;
			continue;
		}
		if (cmp(&v->pub.device, data) == 0)
			goto found_vdev;
	}
	avq_unlock();
	return NULL;
found_mgmt:
	avq_unlock();
	return &m->device;
found_vdev:
	avq_unlock();
	return &v->pub.device;
}

/* The devargs a rte_dev_probe() of managed device @p name inserted. */
static struct rte_devargs *
devargs_of(const char *name)
{
	struct rte_devargs *da;

	RTE_EAL_DEVARGS_FOREACH(avq_bus.bus.name, da)
		if (strcmp(da->name, name) == 0)
			return da;
	return NULL;
}

static int
plug_vdev(struct avq_vdev *found)
{
	char name[RTE_AVQ_NAME_LEN];
	struct avq_vdev *v;
	int ret = 0;

	rte_strscpy(name, found->name, sizeof(name));
	v = avq_vdev_acquire_locked(name, &ret);
	avq_unlock();
	if (v == NULL)
		return ret;
	if (v->pub.device.devargs == NULL)
		v->pub.device.devargs = devargs_of(name);
	if (v->drv != NULL) {
		/* Probed already: success, as -EEXIST would end too, but
		 * without EAL's "Failed to attach" line.
		 */
		ret = 0;
	} else if (v->pub.params.flags & RTE_AVQ_VDEV_F_NO_PROBE) {
		AVQ_BUS_LOG(ERR, name, "created with RTE_AVQ_VDEV_F_NO_PROBE: driven by its creator, not probed");
		ret = -EBUSY;
	} else {
		ret = avq_vdev_bind(v);
		if (ret == 1) {
			AVQ_BUS_LOG(ERR, name, "no %s driver loaded",
				    rte_avq_vdev_class_str(v->pub.params.cls));
			ret = -ENOTSUP;
		}
	}
	avq_vdev_release(v);
	return ret;
}

/* rte_dev_probe(): a management device found by the scan, or an existing
 * managed device.
 */
static int
avq_bus_plug(struct rte_device *dev)
{
	struct rte_avq_mgmt *m;
	struct avq_vdev *v;
	int ret;

	avq_lock();
	m = avq_mgmt_of_dev_locked(dev);
	if (m == NULL) {
		v = avq_vdev_of_dev_locked(dev);
		if (v == NULL) {
			avq_unlock();
			return -ENODEV;
		}
		return plug_vdev(v);	/* unlocks */
	}
	avq_unlock();

	ret = avq_mgmt_probe(m);
	if (ret < 0 && ret != -EEXIST)
		return ret;
	/* Also when it was probed before: devices of a driver loaded since
	 * get bound, and it is a success (as -EEXIST would end in
	 * rte_dev_probe(), without EAL's "Failed to attach" line). A driver
	 * that fails a device leaves it unbound; the management device stays.
	 */
	avq_vdev_probe_unbound(m);
	return 0;
}

/* rte_dev_remove(): a managed device is destroyed (driver first); a
 * management device goes with all its managed devices.
 */
static int
avq_bus_unplug(struct rte_device *dev)
{
	char name[RTE_AVQ_NAME_LEN];
	struct rte_avq_mgmt *m;
	struct avq_vdev *v;
	int ret;

	avq_lock();
	m = avq_mgmt_of_dev_locked(dev);
	if (m == NULL) {
		v = avq_vdev_of_dev_locked(dev);
		if (v == NULL) {
			avq_unlock();
			return -ENODEV;
		}
		rte_strscpy(name, v->name, sizeof(name));
		avq_unlock();
		return rte_avq_vdev_delete(name);
	}
	avq_unlock();

	ret = avq_mgmt_remove(m, false);
	if (ret < 0)
		return ret;
	avq_mgmt_free(m, true);
	return 0;
}

/* ---- Names ---- */

static int
avq_bus_parse(const char *name, void *addr)
{
	RTE_SET_USED(addr);
	/* 0: the name is of this bus. */
	return avq_name_parse(name, NULL, NULL, NULL) == 0 ? 0 : 1;
}

/* "name=<device>" (the only key), as the vdev bus iterates. */
static int
iter_match(const struct rte_device *dev, const void *arg)
{
	const struct rte_kvargs *kv = arg;
	const char *want;

	if (kv == NULL)
		return 0;
	want = rte_kvargs_get(kv, "name");
	if (want == NULL)
		return 0;
	return strcmp(dev->name, want);
}

static void *
avq_bus_dev_iterate(const void *start, const char *str,
		    const struct rte_dev_iterator *it)
{
	static const char * const keys[] = { "name", NULL };
	struct rte_kvargs *kv = NULL;
	struct rte_device *dev;

	RTE_SET_USED(it);
	if (str != NULL) {
		kv = rte_kvargs_parse(str, keys);
		if (kv == NULL) {
			AVQ_BUS_LOG(ERR, "bus", "cannot parse iterator '%s'", str);
			rte_errno = EINVAL;
			return NULL;
		}
	}
	dev = avq_bus_find_device(start, iter_match, kv);
	rte_kvargs_free(kv);
	return dev;
}

/* ---- Clean-up ---- */

/* rte_eal_cleanup(): drivers first (all of them), then VDEV_DESTROY, then
 * the management devices. A driver that refuses is overruled: the process
 * is ending.
 */
static int
avq_bus_cleanup(void)
{
	struct rte_avq_mgmt *m;
	struct avq_vdev *v;
	bool busy;
	int ret = 0;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	for (;;) {
		avq_lock();
		TAILQ_FOREACH(v, &avq_bus.vdevs, next)
			if (v->drv != NULL && !v->busy &&
			    avq_mgmt_get_locked(v->pub.mgmt) == 0)
				break;
		if (v != NULL)
			v->busy = true;
		avq_unlock();
		if (v == NULL)
			break;
		avq_vdev_unbind(v, true);
		avq_vdev_release(v);
	}
	for (;;) {
		avq_lock();
		m = TAILQ_FIRST(&avq_bus.mgmts);
		avq_unlock();
		if (m == NULL)
			break;
		avq_mgmt_remove(m, true);
		avq_lock();
		busy = m->state != AVQ_MGMT_SCANNED;
		avq_unlock();
		if (busy) {
			/* Being probed or removed by another thread. */
			ret = -EBUSY;
			AVQ_BUS_LOG(ERR, m->name, "still busy at clean-up: left");
			break;
		}
		/* Its devargs stay on EAL's list, as other buses' do. */
		m->device.devargs = NULL;
		avq_mgmt_free(m, false);
	}
	return ret;
}

RTE_REGISTER_BUS(avq, avq_bus.bus);
RTE_LOG_REGISTER_DEFAULT(avq_bus_logtype, NOTICE);
