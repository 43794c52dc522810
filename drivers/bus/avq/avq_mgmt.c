/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Management devices: created (SCANNED) from devargs, probed into a running
 * device model with an admin-queue engine and its start-up managed devices,
 * removed in the reverse order. Also the application API about them.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "rte_avq_cmd.h"
#include "rte_avq_sim.h"
#include "avq_bus_private.h"

struct rte_driver avq_sim_driver = {
	.name = "avq_sim",
};

/* ---- Lookups ---- */

struct rte_avq_mgmt *
avq_mgmt_find_locked(const char *name)
{
	struct rte_avq_mgmt *m;

	TAILQ_FOREACH(m, &avq_bus.mgmts, next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

struct rte_avq_mgmt *
avq_mgmt_ready_locked(const char *name)
{
	struct rte_avq_mgmt *m = avq_mgmt_find_locked(name);

	return m != NULL && m->state == AVQ_MGMT_READY ? m : NULL;
}

struct rte_avq_mgmt *
avq_mgmt_of_dev_locked(const struct rte_device *dev)
{
	struct rte_avq_mgmt *m;

	TAILQ_FOREACH(m, &avq_bus.mgmts, next)
		if (&m->device == dev)
			return m;
	return NULL;
}

static bool
avq_mgmt_valid_locked(const struct rte_avq_mgmt *m)
{
	const struct rte_avq_mgmt *it;

	TAILQ_FOREACH(it, &avq_bus.mgmts, next)
		if (it == m)
			return it->state == AVQ_MGMT_READY;
	return false;
}

int
avq_mgmt_get_locked(struct rte_avq_mgmt *m)
{
	if (m->state != AVQ_MGMT_READY)
		return -ENODEV;
	m->users++;
	return 0;
}

void
avq_mgmt_put_locked(struct rte_avq_mgmt *m)
{
	RTE_ASSERT(m->users > 0);
	m->users--;
	if (m->users == 0)
		pthread_cond_broadcast(&avq_bus.cond);
}

void
avq_mgmt_put(struct rte_avq_mgmt *m)
{
	avq_lock();
	avq_mgmt_put_locked(m);
	avq_unlock();
}

/* ---- Scan ---- */

int
avq_mgmt_scan_one(struct rte_devargs *da, bool first_scan)
{
	struct avq_sim_args a;
	struct rte_avq_mgmt *m;
	unsigned int index;
	bool is_vdev;
	int ret;

	if (avq_name_parse(da->name, &index, NULL, &is_vdev) < 0) {
		/* parse() accepted it, so this cannot be; be safe anyway. */
		AVQ_BUS_LOG(ERR, da->name, "not a device name of this bus");
		return -EINVAL;
	}
	if (is_vdev) {
		/* rte_dev_probe() of an existing managed device: plug() binds
		 * it. A managed device is never created from devargs: its id
		 * comes from VDEV_CREATE.
		 */
		if (first_scan)
			AVQ_BUS_LOG(ERR, da->name,
				    "managed devices are created by their management device (net=, vdpa=) or rte_avq_vdev_create(), not from devargs");
		return first_scan ? -EINVAL : 0;
	}

	avq_lock();
	m = avq_mgmt_find_locked(da->name);
	avq_unlock();
	/* Scanning again (hot-plug) creates nothing twice. */
	if (m != NULL)
		return 0;

	ret = avq_sim_args_parse(da->name, da->args, &a);
	if (ret < 0)
		return ret;

	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		AVQ_BUS_LOG(ERR, da->name, "out of memory");
		return -ENOMEM;
	}
	rte_strscpy(m->name, da->name, sizeof(m->name));
	m->index = index;
	m->state = AVQ_MGMT_SCANNED;
	m->device.name = m->name;
	m->device.bus = &avq_bus.bus;
	m->device.devargs = da;
	m->device.numa_node = avq_numa_node();

	avq_lock();
	if (avq_mgmt_find_locked(da->name) != NULL) {
		/* Two scans raced; the other one made it. */
		avq_unlock();
		free(m);
		return 0;
	}
	TAILQ_INSERT_TAIL(&avq_bus.mgmts, m, next);
	avq_unlock();
	AVQ_BUS_LOG(DEBUG, m->name, "scanned");
	return 0;
}

void
avq_mgmt_free(struct rte_avq_mgmt *m, bool drop_devargs)
{
	avq_lock();
	TAILQ_REMOVE(&avq_bus.mgmts, m, next);
	avq_unlock();
	/* Gone with the device, so that the next scan does not make it
	 * again (as rte_vdev_uninit() does for virtual devices).
	 */
	if (drop_devargs && m->device.devargs != NULL)
		rte_devargs_remove(m->device.devargs);
	free(m);
}

/* ---- Probe ---- */

/* Start-up MAC of device @p i: the base + i in the last five octets. */
static void
startup_mac(const struct avq_sim_args *a, uint32_t i,
	    struct rte_ether_addr *mac)
{
	uint64_t v = 0;
	int k;

	memset(mac, 0, sizeof(*mac));
	if (!a->mac_set)
		return;		/* the bus picks one per device */
	for (k = 1; k < RTE_ETHER_ADDR_LEN; k++)
		v = v << 8 | a->mac.addr_bytes[k];
	v += i;		/* devargs checked that it does not carry over */
	mac->addr_bytes[0] = a->mac.addr_bytes[0];
	for (k = RTE_ETHER_ADDR_LEN - 1; k >= 1; k--) {
		mac->addr_bytes[k] = (uint8_t)v;
		v >>= 8;
	}
}

/* The managed devices of the `net=` and `vdpa=` keys, unlisted, in
 * @p list. On failure the ones made are destroyed again.
 */
static int
startup_vdevs(struct rte_avq_mgmt *m, struct avq_vdev_list *list)
{
	const struct avq_sim_args *a = &m->args;
	struct rte_avq_vdev_params p;
	struct avq_vdev *v;
	uint32_t i;
	int ret;

	for (i = 0; i < a->net + a->vdpa; i++) {
		memset(&p, 0, sizeof(p));
		p.cls = i < a->net ? RTE_AVQ_VDEV_CLASS_NET :
				     RTE_AVQ_VDEV_CLASS_VDPA;
		startup_mac(a, i, &p.mac);
		p.mtu = a->mtu;
		p.queue_pairs = a->queues;
		ret = avq_vdev_make(m, &p, &v);
		if (ret < 0)
			goto fail;
		TAILQ_INSERT_TAIL(list, v, next);
	}
	return 0;
fail:
	while ((v = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, v, next);
		avq_vdev_unmake(v);
		free(v);
	}
	return ret;
}

static int
model_create(struct rte_avq_mgmt *m)
{
	const struct avq_sim_args *a = &m->args;
	struct rte_avq_dev_params p;
	struct rte_avq_dev *d;
	int ret;

	rte_avq_dev_params_init(&p);
	rte_strscpy(p.name, m->name, sizeof(p.name));
	p.num_aqs = a->aqs;
	p.max_aq_size = a->aq_size;
	p.max_vdevs = a->max_vdevs;
	p.strict = a->strict;
	p.mmu_batch = a->mmu_batch;
	p.multi = a->multi;
	p.net_ctrl = a->net_ctrl;
	p.net_features = a->features;
	p.idle = a->idle;
	p.cpu = a->cpu;
	d = rte_avq_dev_create(&p);
	if (d == NULL) {
		ret = rte_errno != 0 ? -rte_errno : -ENOMEM;
		AVQ_BUS_LOG(ERR, m->name, "device model: %s", strerror(-ret));
		return ret;
	}
	m->net_features = rte_avq_dev_net_features(d);
	ret = rte_avq_dev_start(d);
	if (ret < 0) {
		AVQ_BUS_LOG(ERR, m->name, "device thread: %s", strerror(-ret));
		rte_avq_dev_destroy(d);
		return ret;
	}
	m->max_vq_pairs = p.max_vq_pairs;
	m->model = d;
	return 0;
}

int
avq_mgmt_probe(struct rte_avq_mgmt *m)
{
	struct rte_avq_engine_conf conf;
	struct avq_vdev_list startup;
	struct avq_aq_info info;
	const char *args;
	struct avq_vdev *v;
	uint32_t n = 0;
	int ret;

	avq_lock();
	if (m->state != AVQ_MGMT_SCANNED) {
		ret = m->state == AVQ_MGMT_READY ? -EEXIST : -EBUSY;
		avq_unlock();
		return ret;
	}
	m->state = AVQ_MGMT_PROBING;
	args = m->device.devargs != NULL ? m->device.devargs->args : NULL;
	avq_unlock();

	TAILQ_INIT(&startup);
	/* Parsed again: rte_dev_probe() of the same name may have replaced
	 * the arguments since the scan.
	 */
	ret = avq_sim_args_parse(m->name, args, &m->args);
	if (ret < 0)
		goto fail_args;
	m->num_aqs = m->args.aqs;
	m->aq_size = m->args.aq_size;
	m->max_vdevs = m->args.max_vdevs;

	ret = model_create(m);
	if (ret < 0)
		goto fail_model;
	rte_avq_sim_transport(m->model, &m->transport);

	/* The management driver accepts what the device offers (the bus
	 * needs nothing but VIRTIO_F_ADMIN_VQ itself).
	 */
	m->features = m->transport.ops->features_get(m->transport.ctx);
	if ((m->features & RTE_BIT64(AVQ_F_ADMIN_VQ)) == 0) {
		AVQ_BUS_LOG(ERR, m->name, "device does not offer VIRTIO_F_ADMIN_VQ (features 0x%" PRIx64 ")",
			    m->features);
		ret = -ENOTSUP;
		goto fail_features;
	}
	ret = m->transport.ops->features_set(m->transport.ctx, m->features);
	if (ret < 0) {
		AVQ_BUS_LOG(ERR, m->name, "features 0x%" PRIx64 " refused: %s",
			    m->features, strerror(-ret));
		goto fail_features;
	}

	memset(&conf, 0, sizeof(conf));
	conf.transport = &m->transport;
	conf.num_aqs = m->args.aqs;
	conf.ring_size = m->args.aq_size;
	conf.timeout_us = (uint64_t)m->args.timeout_ms * 1000;
	conf.socket = SOCKET_ID_ANY;
	m->engine = rte_avq_engine_create(&conf);
	if (m->engine == NULL) {
		ret = -rte_errno;
		AVQ_BUS_LOG(ERR, m->name, "admin-queue engine: %s",
			    rte_strerror(rte_errno));
		goto fail_engine;
	}
	m->aq = rte_avq_aq_engine(m->engine);
	if (m->aq == NULL) {
		ret = -rte_errno;
		AVQ_BUS_LOG(ERR, m->name, "engine view: %s",
			    rte_strerror(rte_errno));
		goto fail_view;
	}

	ret = rte_avq_cap_get(m->aq, &m->caps);
	if (ret < 0) {
		AVQ_BUS_LOG(ERR, m->name, "CAP_GET: %s", strerror(-ret));
		goto fail_cap;
	}
	/* RFC admin VQ, Capabilities: VDEV_CREATE/DESTROY only with the
	 * device-management capability.
	 */
	if ((m->caps & RTE_BIT64(AVQ_CAP_F_VDEV)) == 0) {
		AVQ_BUS_LOG(ERR, m->name, "no device-management capability (caps 0x%" PRIx64 ")",
			    m->caps);
		ret = -ENOTSUP;
		goto fail_cap;
	}
	/* The queue-pair limit as the device states it (AQ_INFO extension);
	 * otherwise what the model was created with.
	 */
	if (m->caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_AQ_INFO))) {
		ret = rte_avq_aq_info_get(m->aq, &info);
		if (ret < 0) {
			AVQ_BUS_LOG(ERR, m->name, "AQ_INFO_GET: %s",
				    strerror(-ret));
			goto fail_cap;
		}
		if (avq_le16(info.max_vq_pairs) != 0)
			m->max_vq_pairs = avq_le16(info.max_vq_pairs);
	}

	ret = startup_vdevs(m, &startup);
	if (ret < 0)
		goto fail_cap;

	/* Faults hit what comes after the bus's own bring-up: drivers. */
	if (m->args.fault) {
		ret = rte_avq_dev_fault_set(m->model, &m->args.faults);
		if (ret < 0) {
			AVQ_BUS_LOG(ERR, m->name, "fault injection: %s",
				    strerror(-ret));
			goto fail_vdevs;
		}
	}

	avq_lock();
	while ((v = TAILQ_FIRST(&startup)) != NULL) {
		TAILQ_REMOVE(&startup, v, next);
		TAILQ_INSERT_TAIL(&avq_bus.vdevs, v, next);
		n++;
	}
	m->num_vdevs = n;
	m->device.driver = &avq_sim_driver;
	m->device.numa_node = avq_numa_node();
	m->state = AVQ_MGMT_READY;
	avq_unlock();
	AVQ_BUS_LOG(INFO, m->name,
		    "probed: %u admin queue(s) of %u entries, caps 0x%" PRIx64 ", %u managed device(s)",
		    m->num_aqs, m->aq_size, m->caps, n);
	return 0;

fail_vdevs:
	while ((v = TAILQ_FIRST(&startup)) != NULL) {
		TAILQ_REMOVE(&startup, v, next);
		avq_vdev_unmake(v);
		free(v);
	}
fail_cap:
	rte_avq_aq_free(m->aq);
	m->aq = NULL;
fail_view:
	rte_avq_engine_destroy(m->engine);
	m->engine = NULL;
fail_engine:
fail_features:
	rte_avq_dev_destroy(m->model);
	m->model = NULL;
fail_model:
fail_args:
	memset(&m->transport, 0, sizeof(m->transport));
	avq_lock();
	m->state = AVQ_MGMT_SCANNED;
	avq_unlock();
	return ret;
}

/* ---- Removal ---- */

/* Next managed device of @p m, or NULL; it is made busy and owned by the
 * caller. Removal holds every user out, so no device of @p m is busy.
 */
static struct avq_vdev *
next_vdev_of(struct rte_avq_mgmt *m, bool bound_only)
{
	struct avq_vdev *v;

	avq_lock();
	TAILQ_FOREACH(v, &avq_bus.vdevs, next) {
		if (v->pub.mgmt != m || v->busy)
			continue;
		if (bound_only && v->drv == NULL)
			continue;
		v->busy = true;
		break;
	}
	avq_unlock();
	return v;
}

static void
vdev_unbusy(struct avq_vdev *v)
{
	avq_lock();
	v->busy = false;
	pthread_cond_broadcast(&avq_bus.cond);
	avq_unlock();
}

int
avq_mgmt_remove(struct rte_avq_mgmt *m, bool force)
{
	struct avq_vdev *v;
	int ret;

	avq_lock();
	if (m->state != AVQ_MGMT_READY) {
		ret = m->state == AVQ_MGMT_SCANNED ? -ENODEV : -EBUSY;
		avq_unlock();
		return ret;
	}
	/* New users are refused from here on; wait for the ones inside. */
	m->state = AVQ_MGMT_REMOVING;
	while (m->users > 0)
		pthread_cond_wait(&avq_bus.cond, &avq_bus.lock);
	avq_unlock();

	/* Drivers first, all of them, before any device goes away. */
	while ((v = next_vdev_of(m, true)) != NULL) {
		ret = avq_vdev_unbind(v, force);
		if (ret < 0) {
			vdev_unbusy(v);
			avq_lock();
			m->state = AVQ_MGMT_READY;
			pthread_cond_broadcast(&avq_bus.cond);
			avq_unlock();
			AVQ_BUS_LOG(ERR, m->name, "not removed: %s refused: %s",
				    v->name, strerror(-ret));
			return ret;
		}
		vdev_unbusy(v);
	}

	/* Injected faults would stall or fail the teardown commands. */
	if (m->args.fault)
		rte_avq_dev_fault_set(m->model, NULL);

	while ((v = next_vdev_of(m, false)) != NULL) {
		/* A failed VDEV_DESTROY is logged; destroying the model
		 * below takes the device with it.
		 */
		avq_vdev_unmake(v);
		avq_vdev_free(v);
	}

	rte_avq_aq_free(m->aq);
	m->aq = NULL;
	rte_avq_engine_destroy(m->engine);
	m->engine = NULL;
	rte_avq_dev_stop(m->model);
	rte_avq_dev_destroy(m->model);
	m->model = NULL;
	memset(&m->transport, 0, sizeof(m->transport));

	avq_lock();
	m->num_vdevs = 0;
	m->vdevs_made = 0;
	m->device.driver = NULL;
	m->state = AVQ_MGMT_SCANNED;
	pthread_cond_broadcast(&avq_bus.cond);
	avq_unlock();
	AVQ_BUS_LOG(INFO, m->name, "removed");
	return 0;
}

/* ---- Application API ---- */

unsigned int
rte_avq_mgmt_count(void)
{
	struct rte_avq_mgmt *m;
	unsigned int n = 0;

	avq_lock();
	TAILQ_FOREACH(m, &avq_bus.mgmts, next)
		if (m->state == AVQ_MGMT_READY)
			n++;
	avq_unlock();
	return n;
}

int
rte_avq_mgmt_list(char (*names)[RTE_AVQ_NAME_LEN], unsigned int n)
{
	struct rte_avq_mgmt *m;
	unsigned int i = 0;

	if (names == NULL && n > 0)
		return -EINVAL;
	avq_lock();
	TAILQ_FOREACH(m, &avq_bus.mgmts, next) {
		if (m->state != AVQ_MGMT_READY)
			continue;
		if (i < n)
			rte_strscpy(names[i], m->name, RTE_AVQ_NAME_LEN);
		i++;
	}
	avq_unlock();
	return (int)i;
}

struct rte_avq_mgmt *
rte_avq_mgmt_lookup(const char *name)
{
	struct rte_avq_mgmt *m;

	if (name == NULL)
		return NULL;
	avq_lock();
	m = avq_mgmt_ready_locked(name);
	avq_unlock();
	return m;
}

int
rte_avq_mgmt_info_get(const struct rte_avq_mgmt *m,
		      struct rte_avq_mgmt_info *info)
{
	if (m == NULL || info == NULL)
		return -EINVAL;
	avq_lock();
	if (!avq_mgmt_valid_locked(m)) {
		avq_unlock();
		return -EINVAL;
	}
	memset(info, 0, sizeof(*info));
	rte_strscpy(info->name, m->name, sizeof(info->name));
	info->transport = m->transport.name;
	info->caps = m->caps;
	info->features = m->features;
	info->net_features = m->net_features;
	info->num_aqs = m->num_aqs;
	info->aq_size = m->aq_size;
	info->max_vdevs = m->max_vdevs;
	info->num_vdevs = m->num_vdevs;
	info->strict = m->args.strict;
	avq_unlock();
	return 0;
}

const char *
rte_avq_mgmt_name(const struct rte_avq_mgmt *m)
{
	return m != NULL ? m->name : NULL;
}

struct rte_avq_engine *
rte_avq_mgmt_engine(struct rte_avq_mgmt *m)
{
	return m != NULL ? m->engine : NULL;
}

const struct rte_avq_transport *
rte_avq_mgmt_transport(struct rte_avq_mgmt *m)
{
	return m != NULL && m->transport.ops != NULL ? &m->transport : NULL;
}

struct rte_avq_dev *
rte_avq_mgmt_model(struct rte_avq_mgmt *m)
{
	return m != NULL ? m->model : NULL;
}

int
rte_avq_mgmt_vector_alloc(struct rte_avq_mgmt *m)
{
	uint64_t cur, bit;
	uint32_t w;

	if (m == NULL)
		return -EINVAL;
	for (w = 0; w < RTE_DIM(m->vec_used); w++) {
		cur = __atomic_load_n(&m->vec_used[w], __ATOMIC_RELAXED);
		while (~cur != 0) {
			bit = RTE_BIT64(__builtin_ctzll(~cur));
			/* Relaxed: the bit is the whole state; what a driver
			 * does with the vector is ordered by its own admin
			 * commands. A lost race re-reads cur and goes on. */
			if (__atomic_compare_exchange_n(&m->vec_used[w], &cur,
							cur | bit, false,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				return (int)(w * 64 + __builtin_ctzll(bit));
		}
	}
	return -ENOSPC;
}

void
rte_avq_mgmt_vector_free(struct rte_avq_mgmt *m, uint32_t vector)
{
	if (m == NULL || vector >= RTE_AVQ_MGMT_VECTORS)
		return;
	__atomic_fetch_and(&m->vec_used[vector / 64], ~RTE_BIT64(vector % 64),
			   __ATOMIC_RELAXED);
}
