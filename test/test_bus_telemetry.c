/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Telemetry of the avq bus, in process: the test connects to its own
 * telemetry socket (<runtime dir>/dpdk_telemetry.v2, SOCK_SEQPACKET; the
 * first message is the welcome JSON), sends each /avq/ command and checks
 * the JSON replies with a small strict reader: the reply must be valid
 * JSON, one object keyed by the command, and each field is compared with
 * what the API, the admin queue or the engine says.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>

#include <rte_avq_engine.h>
#include <rte_bus_avq.h>
#include <bus_avq_driver.h>

#include "avq_test.h"
#include "test_bus.h"

#define TEL_NAMES	16

typedef char name_t[RTE_AVQ_NAME_LEN];

/* Read one field of the reply; a failure shows the whole reply. */
#define FIELD_U64(t, v, key, out)					\
	TEST_ASSERT_SUCCESS(bus_json_u64(bus_json_get(v, key), out),	\
			    "%s: %s", key, (t)->buf)
#define FIELD_HEX(t, v, key, out)					\
	TEST_ASSERT_SUCCESS(bus_json_hex(bus_json_get(v, key), out),	\
			    "%s: %s", key, (t)->buf)
#define FIELD_STR(t, v, key, out)					\
	TEST_ASSERT_SUCCESS(bus_json_str(bus_json_get(v, key), out,	\
					 sizeof(out)), "%s: %s", key, (t)->buf)

static int
check_list(struct bus_tel *t, const char *cmd, const name_t *want, int n)
{
	name_t got[TEL_NAMES];
	const char *v;
	int i;

	if (bus_tel_cmd(t, cmd, &v) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(bus_json_str_array(v, got, TEL_NAMES), n, "%s: %s", cmd,
			  t->buf);
	for (i = 0; i < n; i++)
		TEST_ASSERT(strcmp(got[i], want[i]) == 0, "%s: [%d] %s, want %s",
			    cmd, i, got[i], want[i]);
	return TEST_SUCCESS;
}

static int
check_mgmt_info(struct bus_tel *t, const char *name)
{
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup(name);
	struct rte_avq_mgmt_info info;
	char cmd[96], s[64];
	const char *v;
	uint64_t x;

	TEST_ASSERT_NOT_NULL(m, "%s", name);
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &info), "");
	snprintf(cmd, sizeof(cmd), "/avq/mgmt/info,%s", name);
	if (bus_tel_cmd(t, cmd, &v) != TEST_SUCCESS)
		return TEST_FAILED;
	FIELD_STR(t, v, "name", s);
	TEST_ASSERT(strcmp(s, name) == 0, "%s", s);
	FIELD_STR(t, v, "transport", s);
	TEST_ASSERT(strcmp(s, "sim") == 0, "%s", s);
	FIELD_HEX(t, v, "caps", &x);
	TEST_ASSERT_EQUAL(x, info.caps, "%s caps", name);
	FIELD_HEX(t, v, "features", &x);
	TEST_ASSERT_EQUAL(x, info.features, "%s features", name);
	FIELD_HEX(t, v, "net_features", &x);
	TEST_ASSERT_EQUAL(x, info.net_features, "%s net_features", name);
	FIELD_U64(t, v, "num_aqs", &x);
	TEST_ASSERT_EQUAL(x, info.num_aqs, "%s", name);
	FIELD_U64(t, v, "aq_size", &x);
	TEST_ASSERT_EQUAL(x, info.aq_size, "%s", name);
	FIELD_U64(t, v, "max_vdevs", &x);
	TEST_ASSERT_EQUAL(x, info.max_vdevs, "%s", name);
	FIELD_U64(t, v, "num_vdevs", &x);
	TEST_ASSERT_EQUAL(x, info.num_vdevs, "%s", name);
	FIELD_U64(t, v, "strict", &x);
	TEST_ASSERT_EQUAL(x, info.strict, "%s", name);
	return TEST_SUCCESS;
}

struct vinfo_want {
	const char *cls;
	const char *driver;
	uint8_t status;
	const char *status_str;
};

static int
check_vdev_info(struct bus_tel *t, const char *name, const struct vinfo_want *w)
{
	struct rte_avq_vdev *v = rte_avq_vdev_lookup(name);
	struct rte_avq_vdev_info info;
	struct rte_ether_addr mac;
	char cmd[96], s[128];
	const char *r;
	uint64_t x, devf = 0;

	TEST_ASSERT_NOT_NULL(v, "%s", name);
	TEST_ASSERT_SUCCESS(rte_avq_vdev_info_get(v, &info), "");
	TEST_ASSERT_SUCCESS(bus_vdev_device_features(v, &devf), "");
	snprintf(cmd, sizeof(cmd), "/avq/vdev/info,%s", name);
	if (bus_tel_cmd(t, cmd, &r) != TEST_SUCCESS)
		return TEST_FAILED;
	FIELD_STR(t, r, "name", s);
	TEST_ASSERT(strcmp(s, name) == 0, "%s", s);
	FIELD_STR(t, r, "mgmt", s);
	TEST_ASSERT(strcmp(s, info.mgmt) == 0, "%s", s);
	FIELD_U64(t, r, "id", &x);
	TEST_ASSERT_EQUAL(x, v->id, "%s", name);
	FIELD_STR(t, r, "class", s);
	TEST_ASSERT(strcmp(s, w->cls) == 0, "%s: class %s", name, s);
	FIELD_STR(t, r, "driver", s);
	TEST_ASSERT(strcmp(s, w->driver) == 0, "%s: driver %s", name, s);
	FIELD_U64(t, r, "status", &x);
	TEST_ASSERT_EQUAL(x, w->status, "%s", name);
	FIELD_STR(t, r, "status_str", s);
	TEST_ASSERT(strcmp(s, w->status_str) == 0, "%s: status_str %s", name,
		    s);
	FIELD_HEX(t, r, "device_features", &x);
	TEST_ASSERT_EQUAL(x, devf, "%s device_features", name);
	FIELD_HEX(t, r, "driver_features", &x);
	TEST_ASSERT_EQUAL(x, 0, "%s driver_features", name);
	FIELD_U64(t, r, "queue_pairs", &x);
	TEST_ASSERT_EQUAL(x, info.queue_pairs, "%s", name);
	FIELD_U64(t, r, "num_queues", &x);
	TEST_ASSERT_EQUAL(x, info.num_queues, "%s", name);
	FIELD_U64(t, r, "enabled_queues", &x);
	TEST_ASSERT_EQUAL(x, 0, "%s", name);
	FIELD_STR(t, r, "mac", s);
	TEST_ASSERT(strlen(s) == 17 && rte_ether_unformat_addr(s, &mac) == 0,
		    "%s: mac %s", name, s);
	TEST_ASSERT(rte_is_same_ether_addr(&mac, &info.mac), "%s: mac %s",
		    name, s);
	FIELD_U64(t, r, "mtu", &x);
	TEST_ASSERT_EQUAL(x, info.mtu, "%s", name);
	return TEST_SUCCESS;
}

static int
check_engine_stats(struct bus_tel *t, const char *name)
{
	static const char *const keys[] = {
		"submitted", "completed", "failed", "timed_out", "canceled",
		"late", "eagain", "kicks", "batches", "batched", "inflight",
		"lat_avg_ns", "lat_max_ns",
	};
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup(name);
	struct rte_avq_engine_stats before, after;
	uint64_t val[RTE_DIM(keys)];
	unsigned int i;
	char cmd[96];
	const char *r;
	double avg;

	TEST_ASSERT_NOT_NULL(m, "%s", name);
	snprintf(cmd, sizeof(cmd), "/avq/engine/stats,%s", name);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(rte_avq_mgmt_engine(m),
						     &before), "");
	if (bus_tel_cmd(t, cmd, &r) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(rte_avq_mgmt_engine(m),
						     &after), "");
	for (i = 0; i < RTE_DIM(keys); i++)
		FIELD_U64(t, r, keys[i], &val[i]);
	TEST_ASSERT_EQUAL(bus_json_members(r), RTE_DIM(keys) + 1, "%s", t->buf);
	/* The reply lies between the two snapshots. */
	TEST_ASSERT(val[0] >= before.submitted && val[0] <= after.submitted,
		    "submitted %" PRIu64, val[0]);
	TEST_ASSERT(val[1] >= before.completed && val[1] <= after.completed,
		    "completed %" PRIu64, val[1]);
	TEST_ASSERT(val[1] >= 1, "nothing completed on %s", name);
	TEST_ASSERT(val[2] >= before.failed && val[2] <= after.failed, "");
	TEST_ASSERT_EQUAL(val[3], 0, "timed_out");
	TEST_ASSERT_EQUAL(val[4], 0, "canceled");
	TEST_ASSERT(val[7] >= before.kicks && val[7] <= after.kicks, "kicks");
	TEST_ASSERT(val[8] >= before.batches && val[8] <= after.batches, "");
	TEST_ASSERT(val[9] >= before.batched && val[9] <= after.batched, "");
	TEST_ASSERT_EQUAL(val[10], 0, "inflight with nothing submitted");
	TEST_ASSERT(val[11] <= val[12], "lat_avg_ns %" PRIu64 " > max %" PRIu64,
		    val[11], val[12]);
	TEST_ASSERT(val[12] >= before.lat_ns_max && val[12] <= after.lat_ns_max,
		    "lat_max_ns");
	TEST_ASSERT_SUCCESS(bus_json_double(bus_json_get(r, "batch_avg"), &avg),
			    "batch_avg: %s", t->buf);
	if (val[8] == 0)
		TEST_ASSERT(avg == 0, "batch_avg %f without batches", avg);
	else
		TEST_ASSERT(avg >= (double)val[9] / val[8] - 1 &&
			    avg <= (double)val[9] / val[8] + 1,
			    "batch_avg %f, %" PRIu64 "/%" PRIu64, avg, val[9],
			    val[8]);
	return TEST_SUCCESS;
}

/* /avq/model/stats: the model's counters, live (an admin command in
 * between moves them) and consistent with the bus's view. */
static int
check_model_stats(struct bus_tel *t, const char *name, const char *vdev,
		  uint64_t live)
{
	static const char *const keys[] = {
		"commands", "commands_failed", "chains_malformed",
		"vdevs_created", "vdevs_destroyed", "vdevs_live", "wakeups",
		"interrupts", "interrupts_lost", "faults_dropped",
		"faults_failed", "busy_ns", "cpu_ns",
	};
	uint64_t val[RTE_DIM(keys)], cmds, busy;
	unsigned int i;
	char cmd[96];
	const char *r;

	snprintf(cmd, sizeof(cmd), "/avq/model/stats,%s", name);
	if (bus_tel_cmd(t, cmd, &r) != TEST_SUCCESS)
		return TEST_FAILED;
	for (i = 0; i < RTE_DIM(keys); i++)
		FIELD_U64(t, r, keys[i], &val[i]);
	TEST_ASSERT_EQUAL(bus_json_members(r), RTE_DIM(keys), "%s", t->buf);
	TEST_ASSERT(val[0] >= 1, "%s: no command executed", name);
	TEST_ASSERT(val[1] <= val[0], "%s: more failed than executed", name);
	TEST_ASSERT_EQUAL(val[5], live, "%s: vdevs_live", name);
	TEST_ASSERT_EQUAL(val[3] - val[4], live,
			  "%s: created %" PRIu64 " - destroyed %" PRIu64, name,
			  val[3], val[4]);
	TEST_ASSERT(val[11] > 0, "%s: busy_ns 0 after commands", name);
	TEST_ASSERT(val[12] > 0, "%s: cpu_ns 0", name);
	cmds = val[0];
	busy = val[11];

	/* /avq/vdev/info reads the device through the admin queue. */
	snprintf(cmd, sizeof(cmd), "/avq/vdev/info,%s", vdev);
	if (bus_tel_cmd(t, cmd, &r) != TEST_SUCCESS)
		return TEST_FAILED;
	snprintf(cmd, sizeof(cmd), "/avq/model/stats,%s", name);
	if (bus_tel_cmd(t, cmd, &r) != TEST_SUCCESS)
		return TEST_FAILED;
	FIELD_U64(t, r, "commands", &val[0]);
	FIELD_U64(t, r, "busy_ns", &val[11]);
	TEST_ASSERT(val[0] > cmds, "%s: commands %" PRIu64 " then %" PRIu64
		    " across an admin read", name, cmds, val[0]);
	TEST_ASSERT(val[11] > busy, "%s: busy_ns %" PRIu64 " then %" PRIu64,
		    name, busy, val[11]);
	return TEST_SUCCESS;
}

static int
telemetry_body(struct bus_tel *t, name_t *created)
{
	struct rte_avq_vdev_params p;
	struct vinfo_want vw = {
		.driver = "none", .status_str = "RESET",
	};
	name_t mgmts[2] = { "sim0", "sim1" };
	name_t vdevs[TEL_NAMES], all[TEL_NAMES], one[1];
	struct rte_avq_vdev *v;
	char help[256];
	const char *r;
	int n, ret;

	ret = bus_tel_open(t);
	if (ret != TEST_SUCCESS)
		return ret;

	/* Our commands are registered, each with a help text. */
	if (bus_tel_cmd(t, "/", &r) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(r, "\"/avq/mgmt/list\"") &&
		    strstr(r, "\"/avq/mgmt/info\"") &&
		    strstr(r, "\"/avq/vdev/list\"") &&
		    strstr(r, "\"/avq/vdev/info\"") &&
		    strstr(r, "\"/avq/engine/stats\"") &&
		    strstr(r, "\"/avq/model/stats\""), "%s", t->buf);
	if (bus_tel_cmd(t, "/help,/avq/vdev/info", &r) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(bus_json_str(bus_json_get(r, "/avq/vdev/info"), help,
				  sizeof(help)), "help: %s", t->buf);
	TEST_ASSERT(strlen(help) > 0, "empty help");

	ret = check_list(t, "/avq/mgmt/list", mgmts, 2);
	if (ret == TEST_SUCCESS)
		ret = check_mgmt_info(t, "sim0");
	if (ret == TEST_SUCCESS)
		ret = check_mgmt_info(t, "sim1");
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/mgmt/info,sim7"), "");
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/mgmt/info"), "");

	n = rte_avq_vdev_list("sim0", vdevs, TEL_NAMES);
	TEST_ASSERT_EQUAL(n, 2, "");
	ret = check_list(t, "/avq/vdev/list", vdevs, 2);
	if (ret == TEST_SUCCESS)
		ret = check_list(t, "/avq/vdev/list,sim0", vdevs, 2);
	if (ret == TEST_SUCCESS)
		ret = check_list(t, "/avq/vdev/list,sim1", vdevs, 0);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/vdev/list,sim7"), "");

	vw.cls = "net";
	ret = check_vdev_info(t, vdevs[0], &vw);
	if (ret != TEST_SUCCESS)
		return ret;
	vw.cls = "vdpa";
	ret = check_vdev_info(t, vdevs[1], &vw);
	if (ret != TEST_SUCCESS)
		return ret;

	/* The status is read from the device, and spelled out. */
	v = rte_avq_vdev_lookup(vdevs[0]);
	TEST_ASSERT_SUCCESS(bus_vdev_status_set(v, AVQ_STATUS_ACKNOWLEDGE), "");
	TEST_ASSERT_SUCCESS(bus_vdev_status_set(v, AVQ_STATUS_ACKNOWLEDGE |
						AVQ_STATUS_DRIVER), "");
	vw.cls = "net";
	vw.status = AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER;
	vw.status_str = "ACKNOWLEDGE|DRIVER";
	ret = check_vdev_info(t, vdevs[0], &vw);
	TEST_ASSERT_SUCCESS(bus_vdev_status_set(v, 0), "reset");
	if (ret != TEST_SUCCESS)
		return ret;

	/* A device bound to a driver names it. */
	bus_tdrv_register();
	memset(&p, 0, sizeof(p));
	p.cls = RTE_AVQ_VDEV_CLASS_NET;
	TEST_ASSERT_SUCCESS(rte_avq_vdev_create("sim1", &p, created[0]), "");
	vw.driver = BUS_TDRV_NAME;
	vw.status = 0;
	vw.status_str = "RESET";
	ret = check_vdev_info(t, created[0], &vw);
	if (ret != TEST_SUCCESS)
		return ret;
	strcpy(one[0], created[0]);
	ret = check_list(t, "/avq/vdev/list,sim1", one, 1);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_EQUAL(rte_avq_vdev_list(NULL, all, TEL_NAMES), 3, "");
	ret = check_list(t, "/avq/vdev/list", all, 3);
	if (ret == TEST_SUCCESS)
		ret = check_mgmt_info(t, "sim1");
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/vdev/info,sim1.vd999999"), "");
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/vdev/info"), "");

	ret = check_engine_stats(t, "sim0");
	if (ret == TEST_SUCCESS)
		ret = check_engine_stats(t, "sim1");
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/engine/stats,sim7"), "");
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/engine/stats"), "");

	ret = check_model_stats(t, "sim0", vdevs[0], 2);
	if (ret == TEST_SUCCESS)
		ret = check_model_stats(t, "sim1", created[0], 1);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/model/stats,sim7"), "");
	TEST_ASSERT_SUCCESS(bus_tel_null(t, "/avq/model/stats"), "");
	return TEST_SUCCESS;
}

static int
test_bus_telemetry(void)
{
	struct bus_tel t = { .fd = -1 };
	name_t created[1] = { "" };
	int ret;

	memset(&bus_tdrv, 0, sizeof(bus_tdrv));
	ret = telemetry_body(&t, created);
	bus_tel_close(&t);
	if (created[0][0] != '\0' && rte_avq_vdev_lookup(created[0]) != NULL)
		rte_avq_vdev_delete(created[0]);
	if (bus_tdrv.drv.probe != NULL)
		bus_tdrv_unregister();
	return ret;
}

REGISTER_AVQ_TEST_ARGS(bus_telemetry_autotest, test_bus_telemetry,
		       "-a avq:sim0,net=1,vdpa=1,mac=02:aa:00:00:00:10 "
		       "-a avq:sim1,aqs=2,strict=1");
