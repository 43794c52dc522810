/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Managed devices: VDEV_CREATE and the rte_device around it, binding to
 * the driver of its class, and the way back (driver remove, reset,
 * VDEV_DESTROY). Also the application API about them.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_string_fns.h>

#include "rte_avq_cmd.h"
#include "avq_bus_private.h"

/* ---- Lookups and ownership ---- */

struct avq_vdev *
avq_vdev_find_locked(const char *name)
{
	struct avq_vdev *v;

	TAILQ_FOREACH(v, &avq_bus.vdevs, next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

struct avq_vdev *
avq_vdev_of_dev_locked(const struct rte_device *dev)
{
	struct avq_vdev *v;

	TAILQ_FOREACH(v, &avq_bus.vdevs, next)
		if (&v->pub.device == dev)
			return v;
	return NULL;
}

struct avq_vdev *
avq_vdev_acquire_locked(const char *name, int *err)
{
	struct avq_vdev *v;

	for (;;) {
		/* Looked up again after every wait: the operation we waited
		 * for may have destroyed it (then the loser gets -ENODEV).
		 */
		v = avq_vdev_find_locked(name);
		if (v == NULL)
			break;
		if (!v->busy) {
			if (avq_mgmt_get_locked(v->pub.mgmt) < 0)
				break;	/* its management device is going */
			v->busy = true;
			return v;
		}
		pthread_cond_wait(&avq_bus.cond, &avq_bus.lock);
	}
	*err = -ENODEV;
	return NULL;
}

void
avq_vdev_release(struct avq_vdev *v)
{
	avq_lock();
	v->busy = false;
	avq_mgmt_put_locked(v->pub.mgmt);
	pthread_cond_broadcast(&avq_bus.cond);
	avq_unlock();
}

/* ---- Parameters ---- */

const char *
rte_avq_vdev_class_str(enum rte_avq_vdev_class cls)
{
	switch (cls) {
	case RTE_AVQ_VDEV_CLASS_NET:
		return "net";
	case RTE_AVQ_VDEV_CLASS_VDPA:
		return "vdpa";
	default:
		return "?";
	}
}

int
avq_vdev_params_check(const char *who, const struct rte_avq_vdev_params *p)
{
	if (p == NULL) {
		AVQ_BUS_LOG(ERR, who, "no parameters");
		return -EINVAL;
	}
	if (p->cls != RTE_AVQ_VDEV_CLASS_NET &&
	    p->cls != RTE_AVQ_VDEV_CLASS_VDPA) {
		AVQ_BUS_LOG(ERR, who, "bad class %d (net %d, vdpa %d)",
			    (int)p->cls, RTE_AVQ_VDEV_CLASS_NET,
			    RTE_AVQ_VDEV_CLASS_VDPA);
		return -EINVAL;
	}
	/* virtio 1.2, 5.1.4.1: the mtu is at least 68; 9000 is the model's. */
	if (p->mtu != 0 && (p->mtu < AVQ_MTU_MIN || p->mtu > AVQ_MTU_MAX)) {
		AVQ_BUS_LOG(ERR, who, "bad mtu %u (%u..%u, 0: %u)", p->mtu,
			    AVQ_MTU_MIN, AVQ_MTU_MAX, AVQ_MTU_DEFAULT);
		return -EINVAL;
	}
	/* virtio-net: the device MAC is a unicast address. */
	if (!rte_is_zero_ether_addr(&p->mac) &&
	    !rte_is_unicast_ether_addr(&p->mac)) {
		AVQ_BUS_LOG(ERR, who, "bad mac " RTE_ETHER_ADDR_PRT_FMT " (unicast)",
			    RTE_ETHER_ADDR_BYTES(&p->mac));
		return -EINVAL;
	}
	if (p->flags & ~RTE_AVQ_VDEV_F_NO_PROBE) {
		AVQ_BUS_LOG(ERR, who, "unknown flags 0x%x", p->flags);
		return -EINVAL;
	}
	return 0;
}

/* ---- Creation and destruction ---- */

/* 02:00:<management index, 16 bits>:<id, low 16 bits>: locally
 * administered, unicast, distinct across management devices.
 */
static void
default_mac(const struct rte_avq_mgmt *m, uint64_t id,
	    struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x02;
	mac->addr_bytes[1] = 0x00;
	mac->addr_bytes[2] = (uint8_t)(m->index >> 8);
	mac->addr_bytes[3] = (uint8_t)m->index;
	mac->addr_bytes[4] = (uint8_t)(id >> 8);
	mac->addr_bytes[5] = (uint8_t)id;
}

int
avq_vdev_make(struct rte_avq_mgmt *m, const struct rte_avq_vdev_params *p,
	      struct avq_vdev **out)
{
	struct rte_avq_net_params np;
	struct avq_vdev *v;
	uint64_t id = 0, f;
	int ret;

	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		AVQ_BUS_LOG(ERR, m->name, "out of memory");
		return -ENOMEM;
	}
	memset(&np, 0, sizeof(np));
	memcpy(np.mac, p->mac.addr_bytes, sizeof(np.mac));
	np.link_up = true;
	np.max_queue_pairs = p->queue_pairs != 0 ? p->queue_pairs : 1;
	np.mtu = p->mtu != 0 ? p->mtu : AVQ_MTU_DEFAULT;
	/* Both classes are virtio-net devices; the class only says which
	 * driver presents it.
	 */
	ret = rte_avq_vdev_create_net(m->aq, &np, &id);
	if (ret == -ENOSPC) {
		AVQ_BUS_LOG(ERR, m->name, "limit of %u managed devices reached",
			    m->max_vdevs);
		goto fail;
	}
	if (ret < 0) {
		AVQ_BUS_LOG(ERR, m->name, "VDEV_CREATE: %s", strerror(-ret));
		goto fail;
	}
	if (id == 0) {
		/* RFC admin VQ: 0 names the management device itself. */
		AVQ_BUS_LOG(ERR, m->name, "VDEV_CREATE returned id 0");
		ret = -EPROTO;
		goto fail;
	}

	v->pub.params = *p;
	v->pub.params.mtu = np.mtu;
	v->pub.params.queue_pairs = np.max_queue_pairs;
	if (rte_is_zero_ether_addr(&p->mac)) {
		default_mac(m, id, &v->pub.params.mac);
		ret = rte_avq_config_set(m->aq, id, 0,
					 v->pub.params.mac.addr_bytes,
					 RTE_ETHER_ADDR_LEN);
		if (ret < 0) {
			AVQ_BUS_LOG(ERR, m->name, "device %" PRIu64 ": CONFIG_SET of the mac: %s",
				    id, strerror(-ret));
			goto fail_destroy;
		}
	}

	/* What managed devices offer, learned from the first one when the
	 * devargs left it to the model.
	 */
	avq_lock();
	f = m->net_features;
	avq_unlock();
	if (f == 0 && rte_avq_feat_device_get(m->aq, id, &f) == 0) {
		avq_lock();
		m->net_features = f;
		avq_unlock();
	}

	/* "sim999.vd<u64>" always fits; the check is for the compiler. */
	if (snprintf(v->name, sizeof(v->name), "%s.vd%" PRIu64, m->name,
		     id) >= (int)sizeof(v->name)) {
		ret = -ENAMETOOLONG;
		goto fail_destroy;
	}
	v->pub.device.name = v->name;
	v->pub.device.bus = &avq_bus.bus;
	v->pub.device.numa_node = avq_numa_node();
	v->pub.device.devargs = NULL;
	v->pub.mgmt = m;
	v->pub.id = id;
	v->pub.engine = m->engine;
	v->pub.aq = m->aq;
	v->pub.transport = &m->transport;
	*out = v;
	AVQ_BUS_LOG(DEBUG, v->name, "created (%s, mac " RTE_ETHER_ADDR_PRT_FMT ", mtu %u, %u queue pair(s))",
		    rte_avq_vdev_class_str(p->cls),
		    RTE_ETHER_ADDR_BYTES(&v->pub.params.mac), np.mtu,
		    np.max_queue_pairs);
	return 0;

fail_destroy:
	rte_avq_vdev_destroy(m->aq, id, true);
fail:
	free(v);
	return ret;
}

int
avq_vdev_unmake(struct avq_vdev *v)
{
	struct rte_avq_aq *aq = v->pub.aq;
	uint64_t id = v->pub.id;
	uint8_t status = 0;
	int ret;

	ret = rte_avq_status_get(aq, id, &status);
	if (ret == -ENOENT) {
		/* Destroyed behind the bus's back: nothing left to do. */
		AVQ_BUS_LOG(NOTICE, v->name, "already gone from the device");
		return 0;
	}
	if (ret < 0) {
		AVQ_BUS_LOG(ERR, v->name, "STATUS_GET: %s", strerror(-ret));
		return ret;
	}
	/* RFC admin VQ, Device Management: the driver SHOULD make sure the
	 * device is not in use before VDEV_DESTROY: reset it first.
	 */
	if (status != 0) {
		ret = rte_avq_reset(aq, id);
		if (ret < 0) {
			AVQ_BUS_LOG(ERR, v->name, "reset: %s", strerror(-ret));
			return ret;
		}
	}
	ret = rte_avq_vdev_destroy(aq, id, false);
	if (ret < 0) {
		AVQ_BUS_LOG(ERR, v->name, "VDEV_DESTROY: %s", strerror(-ret));
		return ret;
	}
	AVQ_BUS_LOG(DEBUG, v->name, "destroyed");
	return 0;
}

void
avq_vdev_free(struct avq_vdev *v)
{
	struct rte_avq_mgmt *m = v->pub.mgmt;
	struct avq_vdev *it;

	avq_lock();
	TAILQ_FOREACH(it, &avq_bus.vdevs, next)
		if (it == v)
			break;
	if (it != NULL) {
		TAILQ_REMOVE(&avq_bus.vdevs, v, next);
		m->num_vdevs--;
	}
	/* Waiters look it up again by name and find it gone. */
	pthread_cond_broadcast(&avq_bus.cond);
	avq_unlock();
	/* Devargs a rte_dev_probe() of it left on the EAL list. */
	if (v->pub.device.devargs != NULL)
		rte_devargs_remove(v->pub.device.devargs);
	free(v);
}

/* ---- Drivers ---- */

static struct rte_avq_driver *
driver_of_locked(enum rte_avq_vdev_class cls)
{
	struct rte_avq_driver *drv;

	TAILQ_FOREACH(drv, &avq_bus.drivers, next)
		if (drv->cls == cls)
			return drv;
	return NULL;
}

int
avq_vdev_bind(struct avq_vdev *v)
{
	struct rte_avq_driver *drv;
	bool say;
	int ret;

	avq_lock();
	if (v->drv != NULL) {
		avq_unlock();
		return -EEXIST;
	}
	drv = driver_of_locked(v->pub.params.cls);
	if (drv == NULL) {
		say = !v->nodrv_logged;
		v->nodrv_logged = true;
		avq_unlock();
		if (say)
			AVQ_BUS_LOG(INFO, v->name, "no %s driver loaded: left unbound",
				    rte_avq_vdev_class_str(v->pub.params.cls));
		return 1;
	}
	/* As PCI does: the device names its driver while the driver's probe
	 * runs, and not if it fails.
	 */
	v->pub.device.driver = &drv->driver;
	avq_unlock();

	ret = drv->probe(drv, &v->pub);

	avq_lock();
	if (ret == 0) {
		v->drv = drv;
	} else {
		v->pub.device.driver = NULL;
		v->pub.drv_priv = NULL;
	}
	avq_unlock();
	if (ret != 0) {
		if (ret > 0)
			ret = -ENODEV;
		AVQ_BUS_LOG(ERR, v->name, "probe by %s failed: %s",
			    drv->driver.name, strerror(-ret));
		return ret;
	}
	AVQ_BUS_LOG(INFO, v->name, "bound to %s", drv->driver.name);
	return 0;
}

int
avq_vdev_unbind(struct avq_vdev *v, bool force)
{
	struct rte_avq_driver *drv;
	int ret = 0;

	avq_lock();
	drv = v->drv;
	avq_unlock();
	if (drv == NULL)
		return 0;
	if (drv->remove != NULL)
		ret = drv->remove(&v->pub);
	if (ret != 0) {
		if (!force) {
			AVQ_BUS_LOG(NOTICE, v->name, "%s refused to let go: %s",
				    drv->driver.name, strerror(ret < 0 ? -ret : ret));
			return ret < 0 ? ret : -EBUSY;
		}
		/* Bus clean-up: the device goes anyway. */
		AVQ_BUS_LOG(WARNING, v->name, "%s refused to let go (%s): removed anyway",
			    drv->driver.name, strerror(ret < 0 ? -ret : ret));
	}
	avq_lock();
	v->drv = NULL;
	v->pub.device.driver = NULL;
	v->pub.drv_priv = NULL;
	avq_unlock();
	AVQ_BUS_LOG(DEBUG, v->name, "released by %s", drv->driver.name);
	return 0;
}

/* Next unbound, idle managed device (of @p m or any) with a driver for its
 * class, not yet tried in @p pass: made busy, its management device held.
 */
static struct avq_vdev *
next_unbound(struct rte_avq_mgmt *m, unsigned int pass)
{
	struct avq_vdev *v;

	avq_lock();
	TAILQ_FOREACH(v, &avq_bus.vdevs, next) {
		/* F_NO_PROBE: its creator drives it, no class driver. */
		if ((m != NULL && v->pub.mgmt != m) || v->busy ||
		    v->drv != NULL || v->probe_pass == pass ||
		    (v->pub.params.flags & RTE_AVQ_VDEV_F_NO_PROBE))
			continue;
		v->probe_pass = pass;
		if (driver_of_locked(v->pub.params.cls) == NULL) {
			if (!v->nodrv_logged) {
				v->nodrv_logged = true;
				AVQ_BUS_LOG(INFO, v->name, "no %s driver loaded: left unbound",
					    rte_avq_vdev_class_str(v->pub.params.cls));
			}
			continue;
		}
		if (avq_mgmt_get_locked(v->pub.mgmt) < 0)
			continue;
		v->busy = true;
		break;
	}
	avq_unlock();
	return v;
}

int
avq_vdev_probe_unbound(struct rte_avq_mgmt *m)
{
	struct avq_vdev *v;
	unsigned int pass;
	int ret, first = 0;

	avq_lock();
	pass = ++avq_bus.probe_pass;
	if (pass == 0)	/* 0 is "never tried" */
		pass = ++avq_bus.probe_pass;
	avq_unlock();
	while ((v = next_unbound(m, pass)) != NULL) {
		ret = avq_vdev_bind(v);
		if (ret < 0 && first == 0)
			first = ret;
		avq_vdev_release(v);
	}
	return first;
}

/* ---- Application API ---- */

int
rte_avq_vdev_create(const char *mgmt, const struct rte_avq_vdev_params *p,
		    char name[RTE_AVQ_NAME_LEN])
{
	struct rte_avq_mgmt *m;
	struct avq_vdev *v;
	int ret;

	if (mgmt == NULL)
		return -EINVAL;
	ret = avq_vdev_params_check(mgmt, p);
	if (ret < 0)
		return ret;

	avq_lock();
	m = avq_mgmt_ready_locked(mgmt);
	if (m == NULL) {
		avq_unlock();
		AVQ_BUS_LOG(ERR, mgmt, "no such management device");
		return -ENODEV;
	}
	if (p->queue_pairs > m->max_vq_pairs) {
		avq_unlock();
		AVQ_BUS_LOG(ERR, mgmt, "bad queue_pairs %u (1..%u, 0: 1)",
			    p->queue_pairs, m->max_vq_pairs);
		return -EINVAL;
	}
	/* The bus counts too, so that the limit holds on a strict device
	 * (whose NOSPC reads as plain ERR) and under concurrent creations.
	 */
	if (m->num_vdevs + m->reserved >= m->max_vdevs) {
		avq_unlock();
		AVQ_BUS_LOG(ERR, mgmt, "limit of %u managed devices reached",
			    m->max_vdevs);
		return -ENOSPC;
	}
	m->reserved++;
	avq_mgmt_get_locked(m);
	avq_unlock();

	ret = avq_vdev_make(m, p, &v);

	avq_lock();
	m->reserved--;
	if (ret == 0) {
		v->busy = true;
		TAILQ_INSERT_TAIL(&avq_bus.vdevs, v, next);
		m->num_vdevs++;
	} else {
		avq_mgmt_put_locked(m);
	}
	avq_unlock();
	if (ret < 0)
		return ret;

	if (!(p->flags & RTE_AVQ_VDEV_F_NO_PROBE)) {
		ret = avq_vdev_bind(v);
		if (ret < 0) {
			/* The header's promise: a failed probe leaves no
			 * device behind.
			 */
			avq_vdev_unmake(v);
			avq_vdev_free(v);
			avq_mgmt_put(m);
			return ret;
		}
	}
	if (name != NULL)
		rte_strscpy(name, v->name, RTE_AVQ_NAME_LEN);
	avq_vdev_release(v);
	return 0;
}

int
rte_avq_vdev_delete(const char *name)
{
	struct rte_avq_mgmt *m;
	struct avq_vdev *v;
	int ret = 0;

	if (name == NULL)
		return -EINVAL;
	avq_lock();
	v = avq_vdev_acquire_locked(name, &ret);
	avq_unlock();
	if (v == NULL)
		return ret;

	ret = avq_vdev_unbind(v, false);
	if (ret == 0)
		ret = avq_vdev_unmake(v);
	if (ret < 0) {
		/* Left on the bus (unbound if the driver let go) to be
		 * destroyed again.
		 */
		avq_vdev_release(v);
		return ret;
	}
	m = v->pub.mgmt;
	/* Unlisted before the reference goes: the management device may be
	 * removed (and freed) as soon as it has no user.
	 */
	avq_vdev_free(v);
	avq_mgmt_put(m);
	return 0;
}

int
rte_avq_vdev_list(const char *mgmt, char (*names)[RTE_AVQ_NAME_LEN],
		  unsigned int n)
{
	struct rte_avq_mgmt *m = NULL;
	struct avq_vdev *v;
	unsigned int i = 0;

	if (names == NULL && n > 0)
		return -EINVAL;
	avq_lock();
	if (mgmt != NULL) {
		m = avq_mgmt_ready_locked(mgmt);
		if (m == NULL) {
			avq_unlock();
			return -ENODEV;
		}
	}
	TAILQ_FOREACH(v, &avq_bus.vdevs, next) {
		if (m != NULL && v->pub.mgmt != m)
			continue;
		if (i < n)
			rte_strscpy(names[i], v->name, RTE_AVQ_NAME_LEN);
		i++;
	}
	avq_unlock();
	return (int)i;
}

struct rte_avq_vdev *
rte_avq_vdev_lookup(const char *name)
{
	struct avq_vdev *v;

	if (name == NULL)
		return NULL;
	avq_lock();
	v = avq_vdev_find_locked(name);
	avq_unlock();
	return v != NULL ? &v->pub : NULL;
}

int
rte_avq_vdev_info_get(const struct rte_avq_vdev *pub,
		      struct rte_avq_vdev_info *info)
{
	const struct avq_vdev *v;

	if (pub == NULL || info == NULL)
		return -EINVAL;
	avq_lock();
	v = avq_vdev_of_dev_locked(&pub->device);
	if (v == NULL) {
		avq_unlock();
		return -EINVAL;
	}
	memset(info, 0, sizeof(*info));
	rte_strscpy(info->name, v->name, sizeof(info->name));
	rte_strscpy(info->mgmt, v->pub.mgmt->name, sizeof(info->mgmt));
	info->id = v->pub.id;
	info->cls = v->pub.params.cls;
	info->driver = v->drv != NULL ? v->drv->driver.name : NULL;
	info->mac = v->pub.params.mac;
	info->mtu = v->pub.params.mtu;
	info->queue_pairs = v->pub.params.queue_pairs;
	/* virtio 1.2, 5.1.2: N receive/transmit pairs plus the control vq. */
	info->num_queues = (uint16_t)(2 * v->pub.params.queue_pairs + 1);
	info->flags = v->pub.params.flags;
	avq_unlock();
	return 0;
}

/* ---- Driver registration ---- */

void
rte_avq_register(struct rte_avq_driver *drv)
{
	if (drv == NULL || drv->probe == NULL || drv->driver.name == NULL) {
		AVQ_BUS_LOG(ERR, "bus", "driver without a name or probe not registered");
		return;
	}
	avq_lock();
	TAILQ_INSERT_TAIL(&avq_bus.drivers, drv, next);
	avq_unlock();
	AVQ_BUS_LOG(DEBUG, "bus", "driver %s registered for class %s",
		    drv->driver.name, rte_avq_vdev_class_str(drv->cls));
}

void
rte_avq_unregister(struct rte_avq_driver *drv)
{
	struct rte_avq_driver *it;
	struct avq_vdev *v;

	if (drv == NULL)
		return;
	avq_lock();
	TAILQ_FOREACH(it, &avq_bus.drivers, next)
		if (it == drv)
			break;
	if (it == NULL) {
		avq_unlock();
		return;
	}
	TAILQ_REMOVE(&avq_bus.drivers, drv, next);
	/* The contract says its devices were removed first; if not, do not
	 * leave the bus pointing into a driver that may be unloaded.
	 */
	TAILQ_FOREACH(v, &avq_bus.vdevs, next) {
		if (v->drv != drv)
			continue;
		AVQ_BUS_LOG(ERR, v->name, "driver %s unregistered while bound",
			    drv->driver.name);
		v->drv = NULL;
		v->pub.device.driver = NULL;
	}
	avq_unlock();
}
