/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Telemetry of the avq bus (dpdk-telemetry.py): management devices,
 * managed devices, engine counters. Handlers run on the telemetry thread:
 * they take the bus mutex for the lists, and a user reference on the
 * management device for admin commands, which they send without the lock.
 * A bad or missing parameter is -EINVAL, an unknown device -ENODEV
 * (telemetry then replies null).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>
#include <rte_telemetry.h>

#include "rte_avq_cmd.h"
#include "avq_bus_private.h"

#define HEX_LEN		24

static void
dict_hex(struct rte_tel_data *d, const char *key, uint64_t v)
{
	char buf[HEX_LEN];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	rte_tel_data_add_dict_string(d, key, buf);
}

static bool
param_ok(const char *params)
{
	return params != NULL && params[0] != '\0' &&
	       strnlen(params, RTE_AVQ_NAME_LEN) < RTE_AVQ_NAME_LEN;
}

/* /avq/mgmt/list */
static int
tel_mgmt_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_avq_mgmt *m;

	RTE_SET_USED(cmd);
	if (params != NULL && params[0] != '\0')
		return -EINVAL;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	avq_lock();
	TAILQ_FOREACH(m, &avq_bus.mgmts, next)
		if (m->state == AVQ_MGMT_READY)
			rte_tel_data_add_array_string(d, m->name);
	avq_unlock();
	return 0;
}

/* /avq/mgmt/info,<name> */
static int
tel_mgmt_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_avq_mgmt_info info;
	struct rte_avq_mgmt *m;

	RTE_SET_USED(cmd);
	if (!param_ok(params))
		return -EINVAL;
	m = rte_avq_mgmt_lookup(params);
	/* Removed in between: info_get refuses it. */
	if (m == NULL || rte_avq_mgmt_info_get(m, &info) < 0)
		return -ENODEV;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", info.name);
	rte_tel_data_add_dict_string(d, "transport",
				     info.transport != NULL ? info.transport : "?");
	dict_hex(d, "caps", info.caps);
	dict_hex(d, "features", info.features);
	dict_hex(d, "net_features", info.net_features);
	rte_tel_data_add_dict_u64(d, "num_aqs", info.num_aqs);
	rte_tel_data_add_dict_u64(d, "aq_size", info.aq_size);
	rte_tel_data_add_dict_u64(d, "max_vdevs", info.max_vdevs);
	rte_tel_data_add_dict_u64(d, "num_vdevs", info.num_vdevs);
	rte_tel_data_add_dict_int(d, "strict", info.strict ? 1 : 0);
	return 0;
}

/* /avq/vdev/list[,<mgmt>]: at most RTE_TEL_MAX_ARRAY_ENTRIES names. */
static int
tel_vdev_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_avq_mgmt *m = NULL;
	struct avq_vdev *v;

	RTE_SET_USED(cmd);
	if (params != NULL && params[0] != '\0' && !param_ok(params))
		return -EINVAL;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	avq_lock();
	if (params != NULL && params[0] != '\0') {
		m = avq_mgmt_ready_locked(params);
		if (m == NULL) {
			avq_unlock();
			return -ENODEV;
		}
	}
	TAILQ_FOREACH(v, &avq_bus.vdevs, next) {
		if (m != NULL && v->pub.mgmt != m)
			continue;
		if (rte_tel_data_add_array_string(d, v->name) < 0)
			break;
	}
	avq_unlock();
	return 0;
}

/* What /avq/vdev/info reads from the device through the admin queue. */
struct vdev_live {
	uint8_t status;
	uint64_t device_features;
	uint64_t driver_features;
	struct avq_net_config cfg;
	uint16_t enabled;
};

static int
vdev_read(struct rte_avq_aq *aq, uint64_t id, struct vdev_live *l)
{
	uint16_t q, nq;
	bool on;
	int ret;

	ret = rte_avq_status_get(aq, id, &l->status);
	if (ret == 0)
		ret = rte_avq_feat_device_get(aq, id, &l->device_features);
	if (ret == 0)
		ret = rte_avq_feat_driver_get(aq, id, &l->driver_features);
	/* mac, status, max_virtqueue_pairs, mtu: the part every model fills. */
	if (ret == 0)
		ret = rte_avq_config_get(aq, id, 0, &l->cfg,
					 offsetof(struct avq_net_config, speed));
	if (ret < 0)
		return ret;
	/* virtio 1.2, 5.1.2: N receive/transmit pairs plus the control vq. */
	nq = (uint16_t)(2 * avq_le16(l->cfg.max_virtqueue_pairs) + 1);
	l->enabled = 0;
	for (q = 0; q < nq; q++) {
		ret = rte_avq_vq_enable_get(aq, id, q, &on);
		if (ret < 0)
			return ret;
		if (on)
			l->enabled++;
	}
	return 0;
}

/* /avq/vdev/info,<name> */
static int
tel_vdev_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[RTE_AVQ_NAME_LEN], mgmt[RTE_AVQ_NAME_LEN];
	char drv[RTE_AVQ_NAME_LEN], buf[RTE_TEL_MAX_STRING_LEN];
	struct rte_ether_addr mac;
	enum rte_avq_vdev_class cls;
	struct rte_avq_mgmt *m;
	struct vdev_live l;
	struct rte_avq_aq *aq;
	struct avq_vdev *v;
	uint64_t id;
	uint16_t pairs;
	int ret;

	RTE_SET_USED(cmd);
	if (!param_ok(params))
		return -EINVAL;
	/* A snapshot under the lock; v itself is not touched afterwards (a
	 * concurrent destroy may free it; its commands then get NOENT).
	 */
	avq_lock();
	v = avq_vdev_find_locked(params);
	if (v == NULL || avq_mgmt_get_locked(v->pub.mgmt) < 0) {
		avq_unlock();
		return -ENODEV;
	}
	m = v->pub.mgmt;
	rte_strscpy(name, v->name, sizeof(name));
	rte_strscpy(mgmt, m->name, sizeof(mgmt));
	rte_strscpy(drv, v->drv != NULL ? v->drv->driver.name : "none",
		    sizeof(drv));
	id = v->pub.id;
	cls = v->pub.params.cls;
	aq = v->pub.aq;
	avq_unlock();

	memset(&l, 0, sizeof(l));
	ret = vdev_read(aq, id, &l);
	avq_mgmt_put(m);
	if (ret == -ENOENT)
		return -ENODEV;
	if (ret < 0) {
		AVQ_BUS_LOG(NOTICE, name, "telemetry: reading the device: %s",
			    strerror(-ret));
		return ret;
	}

	memcpy(mac.addr_bytes, l.cfg.mac, sizeof(mac.addr_bytes));
	pairs = avq_le16(l.cfg.max_virtqueue_pairs);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", name);
	rte_tel_data_add_dict_string(d, "mgmt", mgmt);
	rte_tel_data_add_dict_u64(d, "id", id);
	rte_tel_data_add_dict_string(d, "class", rte_avq_vdev_class_str(cls));
	rte_tel_data_add_dict_string(d, "driver", drv);
	rte_tel_data_add_dict_u64(d, "status", l.status);
	avq_status_str(l.status, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, "status_str", buf);
	dict_hex(d, "device_features", l.device_features);
	dict_hex(d, "driver_features", l.driver_features);
	rte_tel_data_add_dict_u64(d, "queue_pairs", pairs);
	rte_tel_data_add_dict_u64(d, "num_queues", 2 * (uint64_t)pairs + 1);
	rte_tel_data_add_dict_u64(d, "enabled_queues", l.enabled);
	rte_ether_format_addr(buf, sizeof(buf), &mac);
	rte_tel_data_add_dict_string(d, "mac", buf);
	rte_tel_data_add_dict_u64(d, "mtu", avq_le16(l.cfg.mtu));
	return 0;
}

/* The ready management device named @p params, with a user reference
 * (avq_mgmt_put() it); NULL (*ret: -EINVAL or -ENODEV) otherwise. */
static struct rte_avq_mgmt *
mgmt_hold(const char *params, int *ret)
{
	struct rte_avq_mgmt *m;

	if (!param_ok(params)) {
		*ret = -EINVAL;
		return NULL;
	}
	avq_lock();
	m = avq_mgmt_ready_locked(params);
	if (m == NULL || avq_mgmt_get_locked(m) < 0)
		m = NULL;
	avq_unlock();
	*ret = m == NULL ? -ENODEV : 0;
	return m;
}

/* /avq/engine/stats,<mgmt> */
static int
tel_engine_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_avq_engine_stats s;
	struct rte_avq_mgmt *m;
	int ret;

	RTE_SET_USED(cmd);
	m = mgmt_hold(params, &ret);
	if (m == NULL)
		return ret;
	ret = rte_avq_engine_stats_get(m->engine, &s);
	avq_mgmt_put(m);
	if (ret < 0)
		return ret;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "submitted", s.submitted);
	rte_tel_data_add_dict_u64(d, "completed", s.completed);
	rte_tel_data_add_dict_u64(d, "failed", s.failed);
	rte_tel_data_add_dict_u64(d, "timed_out", s.timed_out);
	rte_tel_data_add_dict_u64(d, "canceled", s.canceled);
	rte_tel_data_add_dict_u64(d, "late", s.late);
	rte_tel_data_add_dict_u64(d, "eagain", s.eagain);
	rte_tel_data_add_dict_u64(d, "kicks", s.kicks);
	rte_tel_data_add_dict_u64(d, "batches", s.batches);
	rte_tel_data_add_dict_u64(d, "batched", s.batched);
	/* Rounded to the nearest: telemetry dicts hold no fractions. */
	rte_tel_data_add_dict_u64(d, "batch_avg", s.batches == 0 ? 0 :
				  (s.batched + s.batches / 2) / s.batches);
	rte_tel_data_add_dict_u64(d, "inflight", s.inflight);
	rte_tel_data_add_dict_u64(d, "lat_avg_ns", s.completed == 0 ? 0 :
				  s.lat_ns_sum / s.completed);
	rte_tel_data_add_dict_u64(d, "lat_max_ns", s.lat_ns_max);
	return 0;
}

/* /avq/model/stats,<mgmt>: the device model's own counters, read on its
 * thread (rte_avq_dev_stats_get()). busy_ns against wall time says how
 * loaded the device thread is: it polls, so its CPU time does not. */
static int
tel_model_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_avq_dev_stats s;
	struct rte_avq_mgmt *m;
	int ret;

	RTE_SET_USED(cmd);
	m = mgmt_hold(params, &ret);
	if (m == NULL)
		return ret;
	ret = rte_avq_dev_stats_get(m->model, &s);
	avq_mgmt_put(m);
	if (ret < 0)
		return ret;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "commands", s.commands);
	rte_tel_data_add_dict_u64(d, "commands_failed", s.commands_failed);
	rte_tel_data_add_dict_u64(d, "chains_malformed", s.chains_malformed);
	rte_tel_data_add_dict_u64(d, "vdevs_created", s.vdevs_created);
	rte_tel_data_add_dict_u64(d, "vdevs_destroyed", s.vdevs_destroyed);
	rte_tel_data_add_dict_u64(d, "vdevs_live", s.vdevs_live);
	rte_tel_data_add_dict_u64(d, "wakeups", s.wakeups);
	rte_tel_data_add_dict_u64(d, "interrupts", s.interrupts);
	rte_tel_data_add_dict_u64(d, "interrupts_lost", s.interrupts_lost);
	rte_tel_data_add_dict_u64(d, "faults_dropped", s.faults_dropped);
	rte_tel_data_add_dict_u64(d, "faults_failed", s.faults_failed);
	rte_tel_data_add_dict_u64(d, "busy_ns", s.busy_ns);
	rte_tel_data_add_dict_u64(d, "cpu_ns", s.cpu_ns);
	return 0;
}

RTE_INIT(avq_telemetry_init)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/avq/mgmt/list", tel_mgmt_list,
		  "Names of the avq management devices. No parameters" },
		{ "/avq/mgmt/info", tel_mgmt_info,
		  "An avq management device. Parameter: its name (sim0)" },
		{ "/avq/vdev/list", tel_vdev_list,
		  "Names of the avq managed devices. Optional parameter: a management device" },
		{ "/avq/vdev/info", tel_vdev_info,
		  "An avq managed device, read through the admin queue. Parameter: its name (sim0.vd1)" },
		{ "/avq/engine/stats", tel_engine_stats,
		  "Admin-queue engine counters. Parameter: a management device" },
		{ "/avq/model/stats", tel_model_stats,
		  "Device model counters (busy_ns: thread time with work). Parameter: a management device" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cmds); i++)
		if (rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn,
					       cmds[i].help) != 0)
			AVQ_BUS_LOG(WARNING, "bus", "telemetry command %s not registered",
				    cmds[i].cmd);
}
