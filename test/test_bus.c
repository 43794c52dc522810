/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Tests of the avq bus (drivers/bus/avq): management devices from EAL
 * devargs and hot-plug, managed devices from devargs and the API, class
 * drivers binding them, limits and bad parameters.
 *
 * Tests that need management devices at start-up register with
 * REGISTER_AVQ_TEST_ARGS; the others must leave the bus as they found it
 * (they run one after another in one process with `-- all`).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ether.h>
#include <bus_driver.h>
#include <dev_driver.h>

#include <rte_avq_wire.h>
#include <rte_avq_aq.h>
#include <rte_avq_dev.h>
#include <rte_avq_engine.h>
#include <rte_bus_avq.h>
#include <bus_avq_driver.h>

#include "avq_test.h"
#include "test_bus.h"

#define MAX_NAMES	16
/* The management device's internal driver (bus_avq design). */
#define MGMT_DRV_NAME	"avq_sim"
/* Device model defaults the bus keeps when the devargs do not say. */
#define DEF_AQ_SIZE	256
#define DEF_MAX_VDEVS	64
#define DEF_MTU		1500

typedef char name_t[RTE_AVQ_NAME_LEN];

/* Managed devices a test created, destroyed at teardown if still there. */
struct created {
	unsigned int n;
	name_t names[MAX_NAMES];
};

static int
create(struct created *c, const char *mgmt, const struct rte_avq_vdev_params *p)
{
	name_t name;
	int ret;

	ret = rte_avq_vdev_create(mgmt, p, name);
	if (ret == 0 && c->n < MAX_NAMES)
		strcpy(c->names[c->n++], name);
	return ret;
}

/* Destroy what is left of @p c; the test driver (if any) lets go. */
static void
destroy_all(struct created *c)
{
	unsigned int i;

	__atomic_store_n(&bus_tdrv.remove_ret, 0, __ATOMIC_RELAXED);
	for (i = 0; i < c->n; i++)
		if (rte_avq_vdev_lookup(c->names[i]) != NULL)
			rte_avq_vdev_delete(c->names[i]);
	c->n = 0;
}

static const char *
last(const struct created *c)
{
	return c->n == 0 ? "" : c->names[c->n - 1];
}

static struct rte_avq_vdev_params
net_params(enum rte_avq_vdev_class cls)
{
	struct rte_avq_vdev_params p;

	memset(&p, 0, sizeof(p));
	p.cls = cls;
	return p;
}

/* CAP_GET through the management device's engine. */
static int
engine_cap_get(struct rte_avq_mgmt *m, uint64_t *caps)
{
	struct rte_avq_cmd cmd = {
		.device_id = AVQ_MGMT_DEVICE_ID,
		.class_id = AVQ_CLASS_CAP,
		.command = AVQ_CAP_GET,
	};
	rte_le64_t in = 0;
	uint32_t in_len = 0;
	uint8_t ack = 0xff;
	int ret;

	cmd.in = &in;
	cmd.in_len = sizeof(in);
	ret = rte_avq_exec(rte_avq_mgmt_engine(m), &cmd, &ack, &in_len);
	if (ret != 0)
		return ret;
	if (ack != AVQ_ACK_OK || in_len != sizeof(in))
		return -EIO;
	*caps = rte_le_to_cpu_64(in);
	return 0;
}

/* The ack of STATUS_GET for a managed device that never existed. */
static int
engine_ack_of_unknown(struct rte_avq_mgmt *m)
{
	struct rte_avq_cmd cmd = {
		.device_id = 1ull << 40,
		.class_id = AVQ_CLASS_STATUS,
		.command = AVQ_STATUS_GET,
	};
	uint8_t st, ack = 0xff;
	uint32_t in_len = 0;
	int ret;

	cmd.in = &st;
	cmd.in_len = sizeof(st);
	ret = rte_avq_exec(rte_avq_mgmt_engine(m), &cmd, &ack, &in_len);
	return ret != 0 ? ret : ack;
}

/* The rte_device of management device @p name: present, bound, placed. */
static int
check_mgmt_rte_device(const char *name)
{
	struct rte_device *dev = bus_find_rte_device(name);

	TEST_ASSERT_NOT_NULL(dev, "%s: not found on the avq bus", name);
	TEST_ASSERT(strcmp(dev->name, name) == 0, "%s: rte_device name %s",
		    name, dev->name);
	TEST_ASSERT(dev->bus == rte_bus_find_by_name("avq"), "%s: bus", name);
	TEST_ASSERT_NOT_NULL(dev->driver, "%s: not bound", name);
	TEST_ASSERT(strcmp(dev->driver->name, MGMT_DRV_NAME) == 0,
		    "%s: driver %s", name, dev->driver->name);
	TEST_ASSERT(dev->numa_node >= 0, "%s: numa_node %d", name,
		    dev->numa_node);
	return TEST_SUCCESS;
}

/* Management device @p name as the devargs described it. */
struct mgmt_want {
	const char *name;
	uint16_t num_aqs;
	uint16_t aq_size;
	uint32_t max_vdevs;
	uint32_t num_vdevs;
	bool strict;
	bool no_mmu_batch;	/* mmu_batch=0 */
	bool no_net_ctrl;	/* net_ctrl=0 */
	uint64_t net_features;	/* features=; 0: the model's default */
};

static int
check_mgmt(const struct mgmt_want *w)
{
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup(w->name);
	struct rte_avq_mgmt_info info;
	uint16_t model_aqs = 0;
	uint64_t caps = 0;
	int ret;

	TEST_ASSERT_NOT_NULL(m, "%s: not found", w->name);
	memset(&info, 0xa5, sizeof(info));
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &info), "%s", w->name);
	TEST_ASSERT(strcmp(info.name, w->name) == 0, "name %s", info.name);
	TEST_ASSERT(strcmp(rte_avq_mgmt_name(m), w->name) == 0, "%s",
		    rte_avq_mgmt_name(m));
	TEST_ASSERT(info.transport != NULL &&
		    strcmp(info.transport, "sim") == 0, "%s: transport",
		    w->name);
	TEST_ASSERT_EQUAL(info.num_aqs, w->num_aqs, "%s", w->name);
	TEST_ASSERT_EQUAL(info.aq_size, w->aq_size, "%s", w->name);
	TEST_ASSERT_EQUAL(info.max_vdevs, w->max_vdevs, "%s", w->name);
	TEST_ASSERT_EQUAL(info.num_vdevs, w->num_vdevs, "%s", w->name);
	TEST_ASSERT_EQUAL(info.strict, w->strict, "%s", w->name);

	/* The fields say what the device and the engine really are. */
	TEST_ASSERT_NOT_NULL(rte_avq_mgmt_engine(m), "%s", w->name);
	TEST_ASSERT_NOT_NULL(rte_avq_mgmt_transport(m), "%s", w->name);
	TEST_ASSERT_NOT_NULL(rte_avq_mgmt_model(m), "%s", w->name);
	TEST_ASSERT_EQUAL(rte_avq_engine_num_aqs(rte_avq_mgmt_engine(m)),
			  w->num_aqs, "%s: engine queues", w->name);
	TEST_ASSERT_SUCCESS(rte_avq_dev_aq_limits(rte_avq_mgmt_model(m),
						  &model_aqs, NULL), "%s",
			    w->name);
	TEST_ASSERT_EQUAL(model_aqs, w->num_aqs, "%s: model queues", w->name);
	TEST_ASSERT_EQUAL(info.features,
			  rte_avq_dev_features(rte_avq_mgmt_model(m)),
			  "%s: features", w->name);
	TEST_ASSERT(info.features & (1ull << AVQ_F_ADMIN_VQ), "%s", w->name);
	TEST_ASSERT(info.net_features & (1ull << AVQ_F_VERSION_1), "%s: net "
		    "features 0x%" PRIx64, w->name, info.net_features);
	TEST_ASSERT_SUCCESS(engine_cap_get(m, &caps), "%s: CAP_GET", w->name);
	TEST_ASSERT_EQUAL(info.caps, caps, "%s: caps", w->name);
	TEST_ASSERT(caps & (1ull << AVQ_CAP_F_VDEV), "%s", w->name);
	TEST_ASSERT_EQUAL(!(caps & (1ull << AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH))),
			  w->no_mmu_batch, "%s: MMU_BATCH in caps 0x%" PRIx64,
			  w->name, caps);
	TEST_ASSERT_EQUAL(!(caps & (1ull << AVQ_CAP_F_EXT(AVQ_CLASS_NET_CTRL))),
			  w->no_net_ctrl, "%s: NET_CTRL in caps 0x%" PRIx64,
			  w->name, caps);
	if (w->net_features != 0)
		TEST_ASSERT_EQUAL(info.net_features, w->net_features, "%s",
				  w->name);
	/* strict: every failure acks 1 (RFC drivers), else its own ack. */
	ret = engine_ack_of_unknown(m);
	TEST_ASSERT_EQUAL(ret, w->strict ? AVQ_ACK_ERR : AVQ_ACK_NOENT,
			  "%s: ack of an unknown device", w->name);
	TEST_ASSERT_EQUAL(bus_vdev_count(w->name), w->num_vdevs, "%s",
			  w->name);
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), w->num_vdevs, "%s",
			  w->name);
	return check_mgmt_rte_device(w->name);
}

/* No devargs: no management device, empty lists, nothing to find. */
static int
test_bus_probe_none(void)
{
	name_t names[MAX_NAMES];

	TEST_ASSERT_NOT_NULL(rte_bus_find_by_name("avq"), "bus not registered");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 0, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, MAX_NAMES), 0, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list(NULL, names, MAX_NAMES), 0, "");
	TEST_ASSERT(rte_avq_mgmt_lookup("sim0") == NULL, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", names, MAX_NAMES), -ENODEV,
			  "");
	TEST_ASSERT(rte_avq_vdev_lookup("sim0.vd1") == NULL, "");
	TEST_ASSERT(bus_find_rte_device("sim0") == NULL, "");
	return TEST_SUCCESS;
}

/* `-a avq:sim0`: one management device with the defaults. */
static int
test_bus_probe_one(void)
{
	static const struct mgmt_want w = {
		.name = "sim0", .num_aqs = 1, .aq_size = DEF_AQ_SIZE,
		.max_vdevs = DEF_MAX_VDEVS,
	};
	struct rte_avq_mgmt_info info;
	name_t names[MAX_NAMES];

	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 1, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, MAX_NAMES), 1, "");
	TEST_ASSERT(strcmp(names[0], "sim0") == 0, "%s", names[0]);
	TEST_ASSERT_EQUAL(rte_avq_vdev_list(NULL, names, MAX_NAMES), 0, "");
	TEST_ASSERT(rte_avq_mgmt_lookup("sim1") == NULL, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_info_get(NULL, &info), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_info_get(rte_avq_mgmt_lookup("sim0"),
						NULL), -EINVAL, "");
	return check_mgmt(&w);
}

/* Three management devices, each as its devargs say, in devargs order. */
static int
test_bus_probe_several(void)
{
	static const struct mgmt_want w[] = {
		{ .name = "sim0", .num_aqs = 2, .aq_size = DEF_AQ_SIZE,
		  .max_vdevs = DEF_MAX_VDEVS },
		{ .name = "sim1", .num_aqs = 1, .aq_size = DEF_AQ_SIZE,
		  .max_vdevs = DEF_MAX_VDEVS, .strict = true },
		{ .name = "sim2", .num_aqs = 1, .aq_size = DEF_AQ_SIZE,
		  .max_vdevs = DEF_MAX_VDEVS },
	};
	name_t names[MAX_NAMES];
	unsigned int i;
	int ret;

	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), RTE_DIM(w), "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, MAX_NAMES), RTE_DIM(w), "");
	for (i = 0; i < RTE_DIM(w); i++)
		TEST_ASSERT(strcmp(names[i], w[i].name) == 0, "[%u] %s", i,
			    names[i]);
	/* A short array: the count is the total, only n names written. */
	memset(names, 'x', sizeof(names));
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, 1), RTE_DIM(w), "");
	TEST_ASSERT(strcmp(names[0], "sim0") == 0, "%s", names[0]);
	TEST_ASSERT_EQUAL(names[1][0], 'x', "list wrote past n");
	for (i = 0; i < RTE_DIM(w); i++) {
		ret = check_mgmt(&w[i]);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	/* Separate devices, separate engines. */
	TEST_ASSERT(rte_avq_mgmt_engine(rte_avq_mgmt_lookup("sim0")) !=
		    rte_avq_mgmt_engine(rte_avq_mgmt_lookup("sim1")), "");
	TEST_ASSERT(rte_avq_mgmt_model(rte_avq_mgmt_lookup("sim1")) !=
		    rte_avq_mgmt_model(rte_avq_mgmt_lookup("sim2")), "");
	return TEST_SUCCESS;
}

/* A managed device as the bus, its rte_device, the AQ and the model see it. */
struct vdev_want {
	const char *mgmt;
	enum rte_avq_vdev_class cls;
	struct rte_ether_addr mac;
	uint16_t mtu;
	uint16_t queue_pairs;
	const char *driver;	/* NULL: unbound */
};

static int
check_vdev(const char *name, const struct vdev_want *w)
{
	struct rte_avq_vdev *v = rte_avq_vdev_lookup(name);
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup(w->mgmt);
	struct rte_avq_dev_vdev_info minfo;
	struct rte_avq_vdev_info info;
	struct avq_net_config cfg;
	char want_name[RTE_AVQ_NAME_LEN];
	char b1[RTE_ETHER_ADDR_FMT_SIZE], b2[RTE_ETHER_ADDR_FMT_SIZE];
	uint8_t status = 0xff;

	TEST_ASSERT_NOT_NULL(v, "%s: not found", name);
	TEST_ASSERT_NOT_NULL(m, "%s: no management device %s", name, w->mgmt);
	TEST_ASSERT_NOT_EQUAL(v->id, 0, "%s", name);
	snprintf(want_name, sizeof(want_name), "%s.vd%" PRIu64, w->mgmt,
		 v->id);
	TEST_ASSERT(strcmp(name, want_name) == 0, "%s: id %" PRIu64, name,
		    v->id);
	TEST_ASSERT(v->mgmt == m, "%s", name);
	TEST_ASSERT(v->engine == rte_avq_mgmt_engine(m), "%s", name);
	TEST_ASSERT(v->transport == rte_avq_mgmt_transport(m), "%s", name);
	TEST_ASSERT_NOT_NULL(v->aq, "%s", name);

	memset(&info, 0xa5, sizeof(info));
	TEST_ASSERT_SUCCESS(rte_avq_vdev_info_get(v, &info), "%s", name);
	TEST_ASSERT(strcmp(info.name, name) == 0, "%s: %s", name, info.name);
	TEST_ASSERT(strcmp(info.mgmt, w->mgmt) == 0, "%s: %s", name,
		    info.mgmt);
	TEST_ASSERT_EQUAL(info.id, v->id, "%s", name);
	TEST_ASSERT_EQUAL(info.cls, w->cls, "%s", name);
	TEST_ASSERT(rte_is_same_ether_addr(&info.mac, &w->mac), "%s: mac %s, "
		    "want %s", name, bus_mac_str(&info.mac, b1),
		    bus_mac_str(&w->mac, b2));
	TEST_ASSERT_EQUAL(info.mtu, w->mtu, "%s", name);
	TEST_ASSERT_EQUAL(info.queue_pairs, w->queue_pairs, "%s", name);
	TEST_ASSERT_EQUAL(info.num_queues, 2 * w->queue_pairs + 1, "%s", name);
	if (w->driver == NULL)
		TEST_ASSERT(info.driver == NULL, "%s: bound to %s", name,
			    info.driver);
	else
		TEST_ASSERT(info.driver != NULL &&
			    strcmp(info.driver, w->driver) == 0,
			    "%s: driver %s", name,
			    info.driver == NULL ? "none" : info.driver);
	TEST_ASSERT_EQUAL(v->params.cls, w->cls, "%s", name);
	TEST_ASSERT(rte_is_same_ether_addr(&v->params.mac, &w->mac), "%s",
		    name);

	/* The rte_device on the bus. */
	TEST_ASSERT(bus_find_rte_device(name) == &v->device, "%s", name);
	TEST_ASSERT(strcmp(v->device.name, name) == 0, "%s", name);
	TEST_ASSERT(v->device.numa_node >= 0, "%s: numa_node %d", name,
		    v->device.numa_node);
	TEST_ASSERT((v->device.driver == NULL) == (w->driver == NULL),
		    "%s: rte_device bound %d", name, v->device.driver != NULL);

	/* What the device itself was created with (through its AQ view). */
	TEST_ASSERT_SUCCESS(bus_vdev_config(v, &cfg), "%s", name);
	TEST_ASSERT(memcmp(cfg.mac, w->mac.addr_bytes, RTE_ETHER_ADDR_LEN) ==
		    0, "%s: config mac", name);
	TEST_ASSERT_EQUAL(rte_le_to_cpu_16(cfg.mtu), w->mtu, "%s", name);
	TEST_ASSERT_EQUAL(rte_le_to_cpu_16(cfg.max_virtqueue_pairs),
			  w->queue_pairs, "%s", name);
	TEST_ASSERT_SUCCESS(bus_vdev_status(v, &status), "%s", name);
	TEST_ASSERT_EQUAL(status, 0, "%s: status", name);

	/* The device model has it, as a virtio-net device. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(rte_avq_mgmt_model(m), v->id,
						  &minfo), "%s", name);
	TEST_ASSERT_EQUAL(minfo.virtio_type, AVQ_VIRTIO_ID_NET, "%s", name);
	TEST_ASSERT_EQUAL(minfo.num_queues, 2 * w->queue_pairs + 1, "%s",
			  name);
	return TEST_SUCCESS;
}

/* The MAC a management device picks: 02:00:00:<mgmt index>:<id, be16>. */
static struct rte_ether_addr
default_mac(unsigned int mgmt_index, uint64_t id)
{
	struct rte_ether_addr a = {
		.addr_bytes = { 0x02, 0, 0, mgmt_index, id >> 8, id & 0xff },
	};

	return a;
}

static struct rte_ether_addr
mac_of(uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3, uint8_t a4, uint8_t a5)
{
	struct rte_ether_addr a = {
		.addr_bytes = { a0, a1, a2, a3, a4, a5 },
	};

	return a;
}

/* net=2,vdpa=1 with a base MAC, mtu and queues: three devices as asked. */
static int
test_bus_startup_vdevs(void)
{
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	struct rte_avq_mgmt_info info;
	struct vdev_want w = {
		.mgmt = "sim0", .mtu = 9000, .queue_pairs = 2,
	};
	name_t names[MAX_NAMES];
	uint64_t ids[MAX_NAMES];
	unsigned int i, j;
	int n, ret;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &info), "");
	TEST_ASSERT_EQUAL(info.num_vdevs, 3, "");
	n = rte_avq_vdev_list("sim0", names, MAX_NAMES);
	TEST_ASSERT_EQUAL(n, 3, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list(NULL, names, MAX_NAMES), 3, "");
	/* The model holds exactly these devices. */
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_list(rte_avq_mgmt_model(m), ids,
						MAX_NAMES), 3, "");
	for (i = 0; i < 3; i++) {
		/* net ones first, then vdpa; the base MAC +1 per device. */
		w.cls = i < 2 ? RTE_AVQ_VDEV_CLASS_NET :
			RTE_AVQ_VDEV_CLASS_VDPA;
		w.mac = mac_of(0x02, 0xaa, 0, 0, 0, 0x10 + i);
		ret = check_vdev(names[i], &w);
		if (ret != TEST_SUCCESS)
			return ret;
		for (j = 0; j < 3; j++)
			if (ids[j] == rte_avq_vdev_lookup(names[i])->id)
				break;
		TEST_ASSERT(j < 3, "%s: not in the device model", names[i]);
	}
	return TEST_SUCCESS;
}

/* Every key with a good value (not the defaults) reaches the device. */
#define GOOD_FEATURES	((1ull << AVQ_F_VERSION_1) | (1ull << AVQ_NET_F_STATUS))

static int
test_bus_devargs_good(void)
{
	static const struct mgmt_want w = {
		.name = "sim0", .num_aqs = 4, .aq_size = 64, .max_vdevs = 8,
		.num_vdevs = 2, .no_mmu_batch = true, .no_net_ctrl = true,
		.net_features = GOOD_FEATURES,
	};
	struct vdev_want vw = {
		.mgmt = "sim0", .mtu = 1280, .queue_pairs = 4,
	};
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	struct rte_avq_vdev *v;
	name_t names[MAX_NAMES];
	uint32_t gen;
	uint64_t f;
	uint8_t st;
	unsigned int i;
	int ret;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	ret = check_mgmt(&w);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", names, MAX_NAMES), 2, "");
	for (i = 0; i < 2; i++) {
		vw.cls = i == 0 ? RTE_AVQ_VDEV_CLASS_NET :
			RTE_AVQ_VDEV_CLASS_VDPA;
		/* The base MAC + 1 carries into the next octet. */
		vw.mac = i == 0 ? mac_of(0x02, 0, 0, 0, 0, 0xff) :
			mac_of(0x02, 0, 0, 0, 1, 0x00);
		ret = check_vdev(names[i], &vw);
		if (ret != TEST_SUCCESS)
			return ret;
		v = rte_avq_vdev_lookup(names[i]);
		TEST_ASSERT_SUCCESS(bus_vdev_device_features(v, &f), "");
		TEST_ASSERT_EQUAL(f, GOOD_FEATURES, "%s: device features",
				  names[i]);
	}
	/* fault_fail_*: GENERATION_GET acks AGAIN, everything else works. */
	v = rte_avq_vdev_lookup(names[0]);
	TEST_ASSERT_EQUAL(rte_avq_aq_cmd(v->aq, v->id, AVQ_CLASS_GENERATION,
					 AVQ_GENERATION_GET, NULL, 0, &gen,
					 sizeof(gen)), -EAGAIN, "");
	TEST_ASSERT_SUCCESS(bus_vdev_status(v, &st), "");
	return TEST_SUCCESS;
}

/*
 * fault_stall + timeout_ms: once the bus brought the device up, it stops
 * answering; a command times out after timeout_ms (not the default 2 s),
 * a destroy that cannot complete leaves the device on the bus, unbound,
 * and it can be destroyed again once the device answers.
 */
static int
stall_body(struct rte_avq_mgmt *m)
{
	struct rte_avq_vdev *v;
	name_t names[MAX_NAMES];
	uint64_t t0, ms;
	uint8_t st;
	int ret;

	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", names, MAX_NAMES), 1, "");
	v = rte_avq_vdev_lookup(names[0]);
	TEST_ASSERT_NOT_NULL(v, "%s", names[0]);
	t0 = rte_get_timer_cycles();
	ret = bus_vdev_status(v, &st);
	ms = (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz();
	TEST_ASSERT_EQUAL(ret, -ETIMEDOUT, "STATUS_GET of a stalled device");
	TEST_ASSERT(ms >= 100 && ms < 1000, "timed out after %" PRIu64 " ms, "
		    "want timeout_ms=100", ms);

	ret = rte_avq_vdev_delete(names[0]);
	TEST_ASSERT(ret < 0, "destroy of a stalled device returned %d", ret);
	TEST_ASSERT(rte_avq_vdev_lookup(names[0]) == v, "%s gone", names[0]);
	TEST_ASSERT(v->device.driver == NULL, "%s bound", names[0]);
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 1, "");

	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(rte_avq_mgmt_model(m), NULL),
			    "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete(names[0]), "again");
	TEST_ASSERT(rte_avq_vdev_lookup(names[0]) == NULL, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 0, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 0, "");
	return TEST_SUCCESS;
}

static int
test_bus_stall(void)
{
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	int ret;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	ret = stall_body(m);
	rte_avq_dev_fault_set(rte_avq_mgmt_model(m), NULL);
	return ret;
}

/* A class driver: binds its class only, remove first, -EBUSY refuses. */
static int
driver_body(struct created *c)
{
	struct rte_avq_vdev_params net = net_params(RTE_AVQ_VDEV_CLASS_NET);
	struct rte_avq_vdev_params vdpa = net_params(RTE_AVQ_VDEV_CLASS_VDPA);
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	struct rte_avq_dev_vdev_info minfo;
	struct rte_avq_vdev_info info;
	struct rte_avq_vdev *v1, *v2, *v3;
	name_t n1, n2;
	uint64_t id1;
	uint8_t status = 0xff;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	TEST_ASSERT_SUCCESS(create(c, "sim0", &net), "net");
	strcpy(n1, last(c));
	v1 = rte_avq_vdev_lookup(n1);
	TEST_ASSERT_NOT_NULL(v1, "%s", n1);
	id1 = v1->id;
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), 1, "");
	TEST_ASSERT(bus_tdrv_bound(v1), "%s: not bound", n1);
	TEST_ASSERT_SUCCESS(rte_avq_vdev_info_get(v1, &info), "");
	TEST_ASSERT(info.driver != NULL &&
		    strcmp(info.driver, BUS_TDRV_NAME) == 0, "driver %s",
		    info.driver == NULL ? "none" : info.driver);

	/* No driver for vdpa: on the bus, unbound, not an error. */
	TEST_ASSERT_SUCCESS(create(c, "sim0", &vdpa), "vdpa");
	strcpy(n2, last(c));
	v2 = rte_avq_vdev_lookup(n2);
	TEST_ASSERT_NOT_NULL(v2, "%s", n2);
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), 1, "");
	TEST_ASSERT(v2->drv_priv == NULL && v2->device.driver == NULL,
		    "%s: bound", n2);
	TEST_ASSERT_SUCCESS(rte_avq_vdev_info_get(v2, &info), "");
	TEST_ASSERT(info.driver == NULL, "%s: driver %s", n2, info.driver);

	/* The driver refuses: nothing changes. */
	bus_tdrv.remove_ret = -EBUSY;
	TEST_ASSERT_EQUAL(rte_avq_vdev_delete(n1), -EBUSY, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.refused), 1, "");
	TEST_ASSERT(rte_avq_vdev_lookup(n1) == v1, "%s gone", n1);
	TEST_ASSERT(bus_tdrv_bound(v1), "%s: unbound by a refused remove", n1);
	TEST_ASSERT_SUCCESS(rte_avq_vdev_info_get(v1, &info), "");
	TEST_ASSERT(info.driver != NULL &&
		    strcmp(info.driver, BUS_TDRV_NAME) == 0, "");
	TEST_ASSERT_SUCCESS(bus_vdev_status(v1, &status), "%s: STATUS_GET", n1);
	TEST_ASSERT_EQUAL(status, 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(rte_avq_mgmt_model(m), id1,
						  &minfo), "model lost %s", n1);
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 2, "");

	/* Allowed: remove runs first (the device still exists), then it goes. */
	bus_tdrv.remove_ret = 0;
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete(n1), "%s", n1);
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), 1, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.gone_at_remove), 0,
			  "remove ran after the device was destroyed");
	TEST_ASSERT(rte_avq_vdev_lookup(n1) == NULL, "%s still there", n1);
	TEST_ASSERT(bus_find_rte_device(n1) == NULL, "%s still there", n1);
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_info(rte_avq_mgmt_model(m), id1,
						&minfo), -ENOENT, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 1, "");

	/* Created again: a new id and a new name, bound again. */
	TEST_ASSERT_SUCCESS(create(c, "sim0", &net), "net again");
	v3 = rte_avq_vdev_lookup(last(c));
	TEST_ASSERT_NOT_NULL(v3, "%s", last(c));
	TEST_ASSERT(v3->id != id1, "id %" PRIu64 " reused", id1);
	TEST_ASSERT(strcmp(last(c), n1) != 0, "name %s reused", n1);
	TEST_ASSERT(bus_tdrv_bound(v3), "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), 2, "");

	/* A failing probe: the device is destroyed again, the error returned. */
	bus_tdrv.probe_ret = -EIO;
	TEST_ASSERT_EQUAL(create(c, "sim0", &net), -EIO, "");
	bus_tdrv.probe_ret = 0;
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 2, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 2, "");

	/* Unbound devices go without a remove call; bound ones with one. */
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete(n2), "%s", n2);
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete(last(c)), "%s", last(c));
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), 2, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 0, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 0, "");

	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_lookup), 0,
			  "lookup from probe/remove");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_vdev), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_priv), 0, "");
	return TEST_SUCCESS;
}

static int
test_bus_driver(void)
{
	struct created c = { .n = 0 };
	int ret;

	bus_tdrv_register();
	ret = driver_body(&c);
	destroy_all(&c);
	bus_tdrv_unregister();
	return ret;
}

/* Run-time creation and destruction, lookups, lists, info, errors. */
static int
vdev_api_body(struct created *c)
{
	struct rte_avq_vdev_params p = net_params(RTE_AVQ_VDEV_CLASS_NET);
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	struct rte_avq_mgmt_info minfo;
	struct rte_avq_vdev_info info;
	struct vdev_want w = { .mgmt = "sim0" };
	struct rte_avq_vdev *v;
	name_t names[MAX_NAMES];
	unsigned int i;
	int ret;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	TEST_ASSERT(strcmp(rte_avq_vdev_class_str(RTE_AVQ_VDEV_CLASS_NET),
			   "net") == 0, "");
	TEST_ASSERT(strcmp(rte_avq_vdev_class_str(RTE_AVQ_VDEV_CLASS_VDPA),
			   "vdpa") == 0, "");
	TEST_ASSERT(strcmp(rte_avq_vdev_class_str(7), "?") == 0, "");

	/* Everything given. */
	p.mac = mac_of(0x02, 0x11, 0x22, 0x33, 0x44, 0x55);
	p.mtu = 4000;
	p.queue_pairs = 3;
	TEST_ASSERT_SUCCESS(create(c, "sim0", &p), "");
	w.cls = RTE_AVQ_VDEV_CLASS_NET;
	w.mac = p.mac;
	w.mtu = 4000;
	w.queue_pairs = 3;
	ret = check_vdev(last(c), &w);
	if (ret != TEST_SUCCESS)
		return ret;

	/* Nothing given: the management device's MAC, mtu 1500, one pair. */
	p = net_params(RTE_AVQ_VDEV_CLASS_VDPA);
	TEST_ASSERT_SUCCESS(create(c, "sim0", &p), "");
	v = rte_avq_vdev_lookup(last(c));
	TEST_ASSERT_NOT_NULL(v, "%s", last(c));
	w.cls = RTE_AVQ_VDEV_CLASS_VDPA;
	w.mac = default_mac(0, v->id);
	w.mtu = DEF_MTU;
	w.queue_pairs = 1;
	ret = check_vdev(last(c), &w);
	if (ret != TEST_SUCCESS)
		return ret;

	/* No name wanted. */
	p = net_params(RTE_AVQ_VDEV_CLASS_NET);
	TEST_ASSERT_SUCCESS(rte_avq_vdev_create("sim0", &p, NULL), "");

	/* Lists in creation order; a short array gets n, the count is all. */
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", names, MAX_NAMES), 3, "");
	TEST_ASSERT(strcmp(names[0], c->names[0]) == 0, "%s", names[0]);
	TEST_ASSERT(strcmp(names[1], c->names[1]) == 0, "%s", names[1]);
	if (c->n < MAX_NAMES)
		strcpy(c->names[c->n++], names[2]);
	TEST_ASSERT_EQUAL(rte_avq_vdev_list(NULL, names, MAX_NAMES), 3, "");
	memset(names, 'x', sizeof(names));
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", names, 1), 3, "");
	TEST_ASSERT(strcmp(names[0], c->names[0]) == 0, "%s", names[0]);
	TEST_ASSERT_EQUAL(names[1][0], 'x', "list wrote past n");
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &minfo), "");
	TEST_ASSERT_EQUAL(minfo.num_vdevs, 3, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 3, "");

	/* Unknown management device. */
	TEST_ASSERT_EQUAL(rte_avq_vdev_create("sim7", &p, NULL), -ENODEV, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim7", names, MAX_NAMES), -ENODEV,
			  "");
	/* Bad parameters: -EINVAL and nothing created. */
	p.cls = 7;
	TEST_ASSERT_EQUAL(rte_avq_vdev_create("sim0", &p, NULL), -EINVAL,
			  "class 7");
	p.cls = RTE_AVQ_VDEV_CLASS_NET;
	p.mtu = 10;
	TEST_ASSERT_EQUAL(rte_avq_vdev_create("sim0", &p, NULL), -EINVAL,
			  "mtu 10");
	p.mtu = 0;
	p.queue_pairs = BUS_MAX_QUEUE_PAIRS + 1;
	TEST_ASSERT_EQUAL(rte_avq_vdev_create("sim0", &p, NULL), -EINVAL,
			  "%u queue pairs", p.queue_pairs);
	p.queue_pairs = 0;
	TEST_ASSERT_EQUAL(rte_avq_vdev_create("sim0", NULL, NULL), -EINVAL,
			  "no params");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 3, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 3, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_info_get(NULL, &info), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_info_get(v, NULL), -EINVAL, "");
	TEST_ASSERT(rte_avq_vdev_lookup("sim0.vd999999") == NULL, "");
	TEST_ASSERT(rte_avq_vdev_lookup("sim7.vd1") == NULL, "");

	/* A device in use (status not 0) is reset first, then destroyed. */
	v = rte_avq_vdev_lookup(c->names[0]);
	TEST_ASSERT_NOT_NULL(v, "%s", c->names[0]);
	TEST_ASSERT_SUCCESS(bus_vdev_status_set(v, AVQ_STATUS_ACKNOWLEDGE), "");
	TEST_ASSERT_SUCCESS(bus_vdev_status_set(v, AVQ_STATUS_ACKNOWLEDGE |
						AVQ_STATUS_DRIVER), "");

	/* Destroy: each once, then -ENODEV. */
	for (i = 0; i < c->n; i++) {
		TEST_ASSERT_SUCCESS(rte_avq_vdev_delete(c->names[i]), "%s",
				    c->names[i]);
		TEST_ASSERT(rte_avq_vdev_lookup(c->names[i]) == NULL, "%s",
			    c->names[i]);
		TEST_ASSERT_EQUAL(rte_avq_vdev_delete(c->names[i]), -ENODEV,
				  "%s twice", c->names[i]);
	}
	TEST_ASSERT_EQUAL(rte_avq_vdev_delete("sim0.vd999999"), -ENODEV, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_delete("sim7.vd1"), -ENODEV, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 0, "");
	TEST_ASSERT_EQUAL(bus_vdev_count(NULL), 0, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &minfo), "");
	TEST_ASSERT_EQUAL(minfo.num_vdevs, 0, "");
	return TEST_SUCCESS;
}

static int
test_bus_vdev_api(void)
{
	struct created c = { .n = 0 };
	int ret;

	ret = vdev_api_body(&c);
	destroy_all(&c);
	return ret;
}

/* max_vdevs=4: the fifth is -ENOSPC until one goes. */
static int
limits_body(struct created *c)
{
	struct rte_avq_vdev_params p = net_params(RTE_AVQ_VDEV_CLASS_NET);
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	struct rte_avq_mgmt_info info;
	unsigned int i;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &info), "");
	TEST_ASSERT_EQUAL(info.max_vdevs, 4, "");
	for (i = 0; i < 4; i++)
		TEST_ASSERT_SUCCESS(create(c, "sim0", &p), "create %u", i);
	TEST_ASSERT_EQUAL(create(c, "sim0", &p), -ENOSPC, "fifth");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 4, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 4, "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete(c->names[1]), "");
	TEST_ASSERT_SUCCESS(create(c, "sim0", &p), "after a destroy");
	TEST_ASSERT_EQUAL(create(c, "sim0", &p), -ENOSPC, "full again");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 4, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 4, "");
	return TEST_SUCCESS;
}

static int
test_bus_limits(void)
{
	struct created c = { .n = 0 };
	int ret;

	ret = limits_body(&c);
	destroy_all(&c);
	if (ret == TEST_SUCCESS)
		TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 0, "");
	return ret;
}

/* rte_dev_probe()/rte_dev_remove() of management and managed devices. */
static int
hotplug_body(void)
{
	struct rte_avq_vdev_params p = net_params(RTE_AVQ_VDEV_CLASS_NET);
	unsigned int count0 = rte_avq_mgmt_count();
	struct rte_avq_vdev *v, *v2;
	struct vdev_want w = {
		.mgmt = "sim5", .cls = RTE_AVQ_VDEV_CLASS_NET, .mtu = DEF_MTU,
		.queue_pairs = 1,
	};
	struct rte_device *dev;
	name_t names[MAX_NAMES], n1, n2;
	char devargs[96];
	int ret;

	TEST_ASSERT(rte_avq_mgmt_lookup("sim5") == NULL, "sim5 exists");
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim5,net=1"), "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), count0 + 1, "");
	TEST_ASSERT_NOT_NULL(rte_avq_mgmt_lookup("sim5"), "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, MAX_NAMES), count0 + 1, "");
	TEST_ASSERT(strcmp(names[count0], "sim5") == 0, "%s", names[count0]);
	ret = check_mgmt_rte_device("sim5");
	if (ret != TEST_SUCCESS)
		return ret;

	/* Its start-up device, unbound (no driver yet). */
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim5", names, MAX_NAMES), 1, "");
	strcpy(n1, names[0]);
	v = rte_avq_vdev_lookup(n1);
	TEST_ASSERT_NOT_NULL(v, "%s", n1);
	w.mac = default_mac(5, v->id);
	ret = check_vdev(n1, &w);
	if (ret != TEST_SUCCESS)
		return ret;

	/* Once a driver is there, probing its name binds it. */
	bus_tdrv_register();
	snprintf(devargs, sizeof(devargs), "avq:%s", n1);
	TEST_ASSERT_SUCCESS(rte_dev_probe(devargs), "%s", devargs);
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), 1, "");
	TEST_ASSERT(rte_avq_vdev_lookup(n1) == v, "");
	TEST_ASSERT(bus_tdrv_bound(v), "%s", n1);
	w.driver = BUS_TDRV_NAME;
	ret = check_vdev(n1, &w);
	if (ret != TEST_SUCCESS)
		return ret;

	/* A managed device is never created by rte_dev_probe(). */
	snprintf(devargs, sizeof(devargs), "avq:sim5.vd%" PRIu64, v->id + 100);
	TEST_ASSERT(rte_dev_probe(devargs) < 0, "%s", devargs);
	TEST_ASSERT(rte_avq_vdev_lookup(devargs + 4) == NULL, "%s", devargs);
	TEST_ASSERT_EQUAL(bus_vdev_count("sim5"), 1, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(rte_avq_mgmt_lookup("sim5")), 1,
			  "");

	/* A second one at run time; rte_dev_remove() of it is a destroy. */
	TEST_ASSERT_SUCCESS(rte_avq_vdev_create("sim5", &p, n2), "");
	v2 = rte_avq_vdev_lookup(n2);
	TEST_ASSERT_NOT_NULL(v2, "%s", n2);
	TEST_ASSERT(bus_tdrv_bound(v2), "%s", n2);
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), 2, "");
	bus_tdrv.remove_ret = -EBUSY;
	TEST_ASSERT_EQUAL(rte_dev_remove(&v2->device), -EBUSY, "%s", n2);
	bus_tdrv.remove_ret = 0;
	TEST_ASSERT(rte_avq_vdev_lookup(n2) == v2 && bus_tdrv_bound(v2),
		    "%s: changed by a refused remove", n2);
	TEST_ASSERT_SUCCESS(rte_dev_remove(&v2->device), "%s", n2);
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), 1, "");
	TEST_ASSERT(rte_avq_vdev_lookup(n2) == NULL, "%s", n2);
	TEST_ASSERT(bus_find_rte_device(n2) == NULL, "%s", n2);
	TEST_ASSERT_EQUAL(bus_vdev_count("sim5"), 1, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(rte_avq_mgmt_lookup("sim5")), 1,
			  "");

	/* Removing the management device removes its devices, drivers first. */
	dev = bus_find_rte_device("sim5");
	TEST_ASSERT_NOT_NULL(dev, "");
	TEST_ASSERT_SUCCESS(rte_dev_remove(dev), "sim5");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), 2, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.gone_at_remove), 0, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), count0, "");
	TEST_ASSERT(rte_avq_mgmt_lookup("sim5") == NULL, "");
	TEST_ASSERT(bus_find_rte_device("sim5") == NULL, "");
	TEST_ASSERT(rte_avq_vdev_lookup(n1) == NULL, "%s", n1);
	TEST_ASSERT(bus_find_rte_device(n1) == NULL, "%s", n1);
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim5", names, MAX_NAMES), -ENODEV,
			  "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, MAX_NAMES), count0, "");

	/* Again, with the driver registered: bound at the management probe. */
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim5,net=1,vdpa=1"), "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim5", names, MAX_NAMES), 2, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), 3, "");
	v = rte_avq_vdev_lookup(names[0]);
	TEST_ASSERT(v != NULL && bus_tdrv_bound(v), "%s", names[0]);
	v = rte_avq_vdev_lookup(names[1]);
	TEST_ASSERT(v != NULL && v->device.driver == NULL, "%s", names[1]);
	dev = bus_find_rte_device("sim5");
	TEST_ASSERT_NOT_NULL(dev, "");
	/* A driver refusing: the management device and all its devices stay. */
	bus_tdrv.remove_ret = -EBUSY;
	TEST_ASSERT_EQUAL(rte_dev_remove(dev), -EBUSY, "sim5");
	bus_tdrv.remove_ret = 0;
	TEST_ASSERT(bus_find_rte_device("sim5") == dev, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim5", names, MAX_NAMES), 2, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(rte_avq_mgmt_lookup("sim5")), 2,
			  "");
	TEST_ASSERT(bus_tdrv_bound(rte_avq_vdev_lookup(names[0])), "");
	TEST_ASSERT_SUCCESS(rte_dev_remove(dev), "sim5");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), 3, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), count0, "");
	TEST_ASSERT_EQUAL(bus_vdev_count(NULL), 0, "");

	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_lookup), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_vdev), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_priv), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.gone_at_remove), 0, "");
	return TEST_SUCCESS;
}

static int
test_bus_hotplug(void)
{
	struct rte_device *dev;
	int ret;

	/* The body registers the test driver half-way (probe set then). */
	memset(&bus_tdrv, 0, sizeof(bus_tdrv));
	ret = hotplug_body();
	dev = bus_find_rte_device("sim5");
	if (dev != NULL) {
		__atomic_store_n(&bus_tdrv.remove_ret, 0, __ATOMIC_RELAXED);
		rte_dev_remove(dev);
	}
	if (bus_tdrv.drv.probe != NULL)
		bus_tdrv_unregister();
	return ret;
}

/*
 * Hot-plug next to start-up devices: the scan EAL runs again for
 * rte_dev_probe() creates nothing twice; an existing name is refused; a
 * start-up management device can be removed and probed again.
 */
static int
rescan_body(void)
{
	struct rte_avq_mgmt *m0 = rte_avq_mgmt_lookup("sim0");
	name_t names[MAX_NAMES];
	struct rte_device *dev;

	TEST_ASSERT_NOT_NULL(m0, "sim0 not probed");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 1, "");
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim5"), "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 2, "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_list(names, MAX_NAMES), 2, "");
	TEST_ASSERT(strcmp(names[0], "sim0") == 0 &&
		    strcmp(names[1], "sim5") == 0, "%s %s", names[0], names[1]);
	TEST_ASSERT(rte_avq_mgmt_lookup("sim0") == m0, "sim0 made again");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 1, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m0), 1, "");
	TEST_ASSERT_EQUAL(bus_vdev_count(NULL), 1, "");

	/*
	 * Probing an existing management device again makes nothing (EAL
	 * returns 0 for a device probed before, even on -EEXIST).
	 */
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim0,net=1"), "");
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim5"), "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 2, "");
	TEST_ASSERT(rte_avq_mgmt_lookup("sim0") == m0, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 1, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m0), 1, "");

	dev = bus_find_rte_device("sim5");
	TEST_ASSERT_NOT_NULL(dev, "");
	TEST_ASSERT_SUCCESS(rte_dev_remove(dev), "sim5");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 1, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 1, "");

	/* The start-up device goes, and comes back with other devargs. */
	dev = bus_find_rte_device("sim0");
	TEST_ASSERT_NOT_NULL(dev, "");
	TEST_ASSERT_SUCCESS(rte_dev_remove(dev), "sim0");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 0, "");
	TEST_ASSERT_EQUAL(bus_vdev_count(NULL), 0, "");
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim0,net=2"), "");
	TEST_ASSERT_EQUAL(rte_avq_mgmt_count(), 1, "");
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), 2, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(rte_avq_mgmt_lookup("sim0")), 2,
			  "");
	return TEST_SUCCESS;
}

static int
test_bus_hotplug_rescan(void)
{
	struct rte_device *dev;
	int ret;

	ret = rescan_body();
	dev = bus_find_rte_device("sim5");
	if (dev != NULL)
		rte_dev_remove(dev);
	return ret;
}

/*
 * rte_eal_cleanup() removes what is left, drivers first: a bound device is
 * left for it, and an exit handler (after the runner's rte_eal_cleanup())
 * checks that the driver's remove ran, once, while the device existed.
 * Only alone (DPDK_TEST=): in one process with other tests, the device and
 * the driver would stay in their way.
 */
static bool cleanup_armed;

static void
cleanup_check(void)
{
	uint32_t removes = bus_tdrv_count(&bus_tdrv.removes);
	uint32_t gone = bus_tdrv_count(&bus_tdrv.gone_at_remove);
	uint32_t lookups = bus_tdrv_count(&bus_tdrv.bad_lookup);

	if (!cleanup_armed)
		return;
	if (removes != 1 || gone != 0 || lookups != 0) {
		fprintf(stderr, "bus_cleanup_autotest: at rte_eal_cleanup(): "
			"%u driver removes (want 1), %u after the device was "
			"destroyed, %u bad lookups\n", removes, gone, lookups);
		fflush(stderr);
		_exit(1);
	}
	printf("bus_cleanup_autotest: rte_eal_cleanup() removed the driver "
	       "first: OK\n");
	fflush(stdout);
}

static int
cleanup_body(struct created *c)
{
	struct rte_avq_vdev_params net = net_params(RTE_AVQ_VDEV_CLASS_NET);
	struct rte_avq_vdev_params vdpa = net_params(RTE_AVQ_VDEV_CLASS_VDPA);

	TEST_ASSERT_SUCCESS(create(c, "sim0", &net), "");
	TEST_ASSERT(bus_tdrv_bound(rte_avq_vdev_lookup(last(c))), "");
	TEST_ASSERT_SUCCESS(create(c, "sim0", &vdpa), "");
	/* A device in use: cleanup must reset it before VDEV_DESTROY. */
	TEST_ASSERT_SUCCESS(bus_vdev_status_set(rte_avq_vdev_lookup(last(c)),
						AVQ_STATUS_ACKNOWLEDGE), "");
	TEST_ASSERT_SUCCESS(atexit(cleanup_check), "");
	return TEST_SUCCESS;
}

static int
test_bus_cleanup(void)
{
	const char *env = getenv("DPDK_TEST");
	struct created c = { .n = 0 };
	int ret;

	if (env == NULL || strcmp(env, "bus_cleanup_autotest") != 0) {
		printf("bus_cleanup_autotest: runs only alone (DPDK_TEST=)\n");
		return TEST_SKIPPED;
	}
	bus_tdrv_register();
	ret = cleanup_body(&c);
	if (ret != TEST_SUCCESS) {
		destroy_all(&c);
		bus_tdrv_unregister();
		return ret;
	}
	cleanup_armed = true;
	return TEST_SUCCESS;
}

REGISTER_AVQ_TEST(bus_probe_none_autotest, test_bus_probe_none);
REGISTER_AVQ_TEST_ARGS(bus_probe_one_autotest, test_bus_probe_one,
		       "-a avq:sim0");
REGISTER_AVQ_TEST_ARGS(bus_probe_several_autotest, test_bus_probe_several,
		       "-a avq:sim0,aqs=2 -a avq:sim1,strict=1 -a avq:sim2");
REGISTER_AVQ_TEST_ARGS(bus_startup_vdevs_autotest, test_bus_startup_vdevs,
		       "-a avq:sim0,net=2,vdpa=1,mac=02:aa:00:00:00:10,mtu=9000,queues=2");
REGISTER_AVQ_TEST_ARGS(bus_devargs_good_autotest, test_bus_devargs_good,
		       "-a avq:sim0,aqs=4,aq_size=64,max_vdevs=8,strict=0,"
		       "mmu_batch=0,net_ctrl=0,features=0x100010000,idle=poll,cpu=-1,"
		       "timeout_ms=500,fault_fail_class=5,fault_fail_cmd=0,"
		       "fault_fail_ack=8,net=1,vdpa=1,mac=02:00:00:00:00:ff,"
		       "mtu=1280,queues=4");
REGISTER_AVQ_TEST_ARGS(bus_stall_autotest, test_bus_stall,
		       "-a avq:sim0,fault_stall=1,timeout_ms=100,net=1");
REGISTER_AVQ_TEST_ARGS(bus_driver_autotest, test_bus_driver, "-a avq:sim0");
REGISTER_AVQ_TEST_ARGS(bus_vdev_api_autotest, test_bus_vdev_api,
		       "-a avq:sim0");
REGISTER_AVQ_TEST_ARGS(bus_limits_autotest, test_bus_limits,
		       "-a avq:sim0,max_vdevs=4");
REGISTER_AVQ_TEST(bus_hotplug_autotest, test_bus_hotplug);
REGISTER_AVQ_TEST_ARGS(bus_hotplug_rescan_autotest, test_bus_hotplug_rescan,
		       "-a avq:sim0,net=1");
REGISTER_AVQ_TEST_ARGS(bus_cleanup_autotest, test_bus_cleanup, "-a avq:sim0");
