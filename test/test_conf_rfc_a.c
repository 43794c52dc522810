/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Conformance, part A: the normative statements of the RFC "Introduce admin
 * virtqueue as a new transport" (seed 000) in the sections Basic Concepts,
 * Admin Virtqueue Capabilities, Device Management, Features Negotiation,
 * Device Status, Device Generation and Device Specific Configuration.
 *
 * One test per statement; the statement is quoted above its test and the
 * table in doc/guides/prog_guide/conformance_a.rst maps one to the other.
 * Device statements are checked through the rings (raw acks); a "MUST
 * fail" is checked with the default acks and again with the strict device
 * setting (ack 1 only), and the device must then still serve commands.
 * Driver statements are checked against lib/avq's helpers by reading the
 * device's trace of what it executed.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_cycles.h>

#include "avq_test.h"
#include "avq_fixture.h"

#define CONF_TRACE_MAX		64
/* virtio-net config space of the model (struct avq_net_config). */
#define CONF_NET_CFG_LEN	((uint32_t)sizeof(struct avq_net_config))
/* An id no device gets: ids are assigned upwards and never reused. */
#define CONF_BOGUS_ID		UINT64_C(0xfedcba9876543210)

typedef int (*conf_body_fn)(struct avq_fx *fx);

static int
conf_call(struct avq_fx *fx, void *arg)
{
	return (*(conf_body_fn *)arg)(fx);
}

/* Run @p body once on a default device and once on a strict one. */
static int
conf_run_both(conf_body_fn body)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, conf_call, &body);
}

/* Run @p body on a device with @p p (NULL: the default setting). */
static int
conf_run_params(conf_body_fn body, const struct rte_avq_dev_params *p)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, p, conf_call, &body);
}

static int
conf_run_default(conf_body_fn body)
{
	return conf_run_params(body, NULL);
}

/* The management device still answers CAP_GET with OK. */
static int
conf_mgmt_alive(struct avq_fx *fx)
{
	uint64_t caps = 0;

	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP,
				     AVQ_CAP_GET, NULL, 0, &caps,
				     sizeof(caps)),
			  AVQ_ACK_OK, "management device stopped serving");
	TEST_ASSERT(avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_VDEV),
		    "CAP_GET lost VIRTIO_ADMIN_F_CAP_VDEV");
	return TEST_SUCCESS;
}

/* Managed device @p id still answers STATUS_GET and shows @p status. */
static int
conf_vdev_status_is(struct avq_fx *fx, uint64_t id, uint8_t status)
{
	uint8_t s = 0xff;

	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
				     NULL, 0, &s, sizeof(s)),
			  AVQ_ACK_OK, "device %" PRIu64 " stopped serving", id);
	TEST_ASSERT_EQUAL(s, status, "device %" PRIu64 " status", id);
	return TEST_SUCCESS;
}

/*
 * Trace entries after @p after of class @p cls, command @p cmd: their
 * number; the last one in @p last (when not NULL and there is one).
 */
static int
conf_trace_count(struct avq_fx *fx, uint64_t after, uint16_t cls,
		 uint16_t cmd, struct rte_avq_dev_trace_entry *last)
{
	struct rte_avq_dev_trace_entry e[CONF_TRACE_MAX];
	int n, i, count = 0;

	do {
		n = avq_fx_trace(fx, after, e, RTE_DIM(e));
		for (i = 0; i < n; i++) {
			after = e[i].seq;
			if (e[i].class_id != cls || e[i].command != cmd)
				continue;
			count++;
			if (last != NULL)
				*last = e[i];
		}
	} while (n == (int)RTE_DIM(e));
	return count;
}

/* ------------------------------------------------------------------ */
/* Basic Concepts                                                      */
/* ------------------------------------------------------------------ */

/* "The virtual device MUST not offer VIRTIO_F_ADMIN_VQ feature." */
static int
basic_vdev_no_admin_vq_body(struct avq_fx *fx)
{
	struct rte_avq_dev_vdev_info info;
	uint64_t id, f = 0;

	/* The management device does offer it: the check below is not
	 * vacuous about the bit number.
	 */
	TEST_ASSERT(rte_avq_dev_features(fx->dev) & RTE_BIT64(AVQ_F_ADMIN_VQ),
		    "management device does not offer VIRTIO_F_ADMIN_VQ");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(fx->aq, id, &f), "");
	TEST_ASSERT(f != 0, "managed device offers no feature at all");
	TEST_ASSERT_EQUAL(f & RTE_BIT64(AVQ_F_ADMIN_VQ), 0,
			  "managed device offers VIRTIO_F_ADMIN_VQ");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(fx->dev, id, &info), "");
	TEST_ASSERT_EQUAL(info.device_features & RTE_BIT64(AVQ_F_ADMIN_VQ), 0,
			  "model records VIRTIO_F_ADMIN_VQ for a managed device");
	return TEST_SUCCESS;
}

/* Even when asked to, the model must not let managed devices offer it. */
static int
basic_vdev_no_admin_vq_forced(void)
{
	struct rte_avq_dev_params p;
	struct avq_fx fx;
	uint64_t base, id, f = 0;
	int ret;

	base = RTE_BIT64(AVQ_F_VERSION_1) | RTE_BIT64(AVQ_NET_F_MAC) |
		RTE_BIT64(AVQ_NET_F_STATUS);
	/* Control: the same set without the bit is accepted. */
	avq_fx_params(&p);
	p.net_features = base;
	TEST_ASSERT_SUCCESS(avq_fx_setup(&fx, &p), "net_features 0x%" PRIx64
			    " refused", base);
	avq_fx_teardown(&fx);

	avq_fx_params(&p);
	p.net_features = base | RTE_BIT64(AVQ_F_ADMIN_VQ);
	if (avq_fx_setup(&fx, &p) < 0)
		return TEST_SUCCESS;	/* refused at creation: conforms */
	ret = avq_fx_create_net(&fx, &id);
	if (ret == 0)
		ret = rte_avq_feat_device_get(fx.aq, id, &f);
	avq_fx_teardown(&fx);
	if (ret != 0)
		return TEST_SUCCESS;	/* no such managed device: conforms */
	TEST_ASSERT_EQUAL(f & RTE_BIT64(AVQ_F_ADMIN_VQ), 0,
			  "net_features with VIRTIO_F_ADMIN_VQ made a managed"
			  " device offer it");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_basic_vdev_no_admin_vq(void)
{
	if (conf_run_default(basic_vdev_no_admin_vq_body) != TEST_SUCCESS)
		return TEST_FAILED;
	return basic_vdev_no_admin_vq_forced();
}

/* "The driver SHOULD negotiate VIRTIO_F_ADMIN_VQ if the device offers it." */
static int
basic_driver_negotiates_body(struct avq_fx *fx)
{
	uint64_t offered = fx->t.ops->features_get(fx->t.ctx);
	uint64_t accepted = rte_avq_dev_driver_features(fx->dev);

	TEST_ASSERT(offered & RTE_BIT64(AVQ_F_ADMIN_VQ),
		    "transport does not report VIRTIO_F_ADMIN_VQ as offered");
	TEST_ASSERT(accepted & RTE_BIT64(AVQ_F_ADMIN_VQ),
		    "driver bring-up did not negotiate VIRTIO_F_ADMIN_VQ");
	TEST_ASSERT_EQUAL(accepted & ~offered, 0,
			  "driver accepted features that were not offered");
	/* And with it negotiated the admin queue works. */
	return conf_mgmt_alive(fx);
}

static int
test_conf_rfc_basic_driver_negotiates_admin_vq(void)
{
	return conf_run_default(basic_driver_negotiates_body);
}

/* ------------------------------------------------------------------ */
/* Admin Virtqueue Capabilities                                        */
/* ------------------------------------------------------------------ */

/* "The management device MUST support VIRTIO_ADMIN_CTRL_CAP class when
 * VIRTIO_F_ADMIN_VQ is offered."
 */
static int
cap_supported_body(struct avq_fx *fx)
{
	struct rte_avq_result res;
	rte_le64_t caps = 0;

	TEST_ASSERT(rte_avq_dev_features(fx->dev) & RTE_BIT64(AVQ_F_ADMIN_VQ),
		    "VIRTIO_F_ADMIN_VQ not offered");
	TEST_ASSERT_SUCCESS(rte_avq_aq_exec(fx->aq, AVQ_MGMT_DEVICE_ID,
					    AVQ_CLASS_CAP, AVQ_CAP_GET, NULL, 0,
					    &caps, sizeof(caps), &res, 0), "");
	TEST_ASSERT_EQUAL(res.ack, AVQ_ACK_OK, "CAP_GET not supported");
	TEST_ASSERT_EQUAL(res.in_len, sizeof(caps),
			  "CAP_GET must return a u64 in command-in-data");
	TEST_ASSERT(avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_VDEV),
		    "VIRTIO_ADMIN_F_CAP_VDEV missing");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_cap_supported(void)
{
	return conf_run_both(cap_supported_body);
}

/* "The management device MUST fail VIRTIO_ADMIN_CTRL_CAP class when the
 * device_id is not zero."
 */
static int
cap_fail_nonzero_id_body(struct avq_fx *fx)
{
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	uint64_t ids[3], id, last;
	rte_le64_t caps;
	unsigned int i;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "create");
	ids[0] = 1;
	ids[1] = id;		/* a live managed device */
	ids[2] = CONF_BOGUS_ID;
	for (i = 0; i < RTE_DIM(ids); i++) {
		last = avq_fx_trace_last(fx);
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, ids[i], AVQ_CLASS_CAP,
					     AVQ_CAP_GET, NULL, 0, &caps,
					     sizeof(caps)),
				  want, "CAP_GET with device_id %" PRIu64,
				  ids[i]);
		TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_CAP,
						   AVQ_CAP_GET, NULL), 1,
				  "CAP_GET not traced once");
		TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	}
	return conf_vdev_status_is(fx, id, 0);
}

static int
test_conf_rfc_cap_fail_nonzero_id(void)
{
	return conf_run_both(cap_fail_nonzero_id_body);
}

/* "The driver MUST use 0 as device_id for VIRTIO_ADMIN_CTRL_CAP class." */
static int
cap_driver_id_zero_body(struct avq_fx *fx)
{
	struct rte_avq_dev_trace_entry e;
	uint64_t caps = 0, id, last;
	int round;

	/* Once before any managed device exists, once after one does (a
	 * driver must not reuse a "current" device id).
	 */
	for (round = 0; round < 2; round++) {
		if (round == 1)
			TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
		last = avq_fx_trace_last(fx);
		TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
		TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_CAP,
						   AVQ_CAP_GET, &e), 1,
				  "rte_avq_cap_get sent no CAP_GET");
		TEST_ASSERT_EQUAL(e.device_id, 0,
				  "CAP_GET sent with device_id %" PRIu64,
				  e.device_id);
		TEST_ASSERT_EQUAL(e.ack, AVQ_ACK_OK, "");
		TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_VDEV), "");
	}
	return TEST_SUCCESS;
}

static int
test_conf_rfc_cap_driver_id_zero(void)
{
	return conf_run_default(cap_driver_id_zero_body);
}

/* ------------------------------------------------------------------ */
/* Device Management                                                   */
/* ------------------------------------------------------------------ */

/* "When the admin virtqueue offers VIRTIO_ADMIN_F_CAP_VDEV capibility,
 * virtual devices must be created and discovered through the admin
 * virtqueue."
 */
static int
vdev_created_via_aq_body(struct avq_fx *fx)
{
	struct avq_fx_net_create c;
	struct rte_avq_result res;
	struct avq_vdev_id v;
	uint64_t caps = 0, ids[4];

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_VDEV), "CAP_VDEV not offered");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 0, "devices before any create");

	avq_fx_net_create_init(&c, AVQ_VIRTIO_ID_NET, 0x42);
	memset(&v, 0, sizeof(v));
	TEST_ASSERT_SUCCESS(rte_avq_aq_exec(fx->aq, AVQ_MGMT_DEVICE_ID,
					    AVQ_CLASS_VDEV, AVQ_VDEV_CREATE,
					    &c, sizeof(c), &v, sizeof(v),
					    &res, 0), "");
	TEST_ASSERT_EQUAL(res.ack, AVQ_ACK_OK, "VDEV_CREATE");
	/* Discovered through the AQ: the id comes back as command-in-data. */
	TEST_ASSERT_EQUAL(res.in_len, sizeof(v), "VDEV_CREATE in-data length");
	TEST_ASSERT_NOT_EQUAL(avq_le64(v.id), 0, "id 0 is the management device");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_list(fx->dev, ids, RTE_DIM(ids)), 1,
			  "");
	TEST_ASSERT_EQUAL(ids[0], avq_le64(v.id), "listed id differs");
	/* The returned id reaches the new device over the AQ. */
	return conf_vdev_status_is(fx, avq_le64(v.id), 0);
}

static int
test_conf_rfc_vdev_created_via_aq(void)
{
	return conf_run_both(vdev_created_via_aq_body);
}

/* "The management device MUST fail the VIRTIO_ADMIN_CTRL_VDEV_CREATE if
 * device_id is not 0."
 */
static int
vdev_create_fail_nonzero_id_body(struct avq_fx *fx)
{
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	struct rte_avq_dev_stats s0, s1;
	struct avq_fx_net_create c;
	struct avq_vdev_id v;
	uint64_t ids[3], id;
	unsigned int i;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s0), "");
	avq_fx_net_create_init(&c, AVQ_VIRTIO_ID_NET, 0x42);
	ids[0] = 1;
	ids[1] = id;
	ids[2] = CONF_BOGUS_ID;
	for (i = 0; i < RTE_DIM(ids); i++) {
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, ids[i], AVQ_CLASS_VDEV,
					     AVQ_VDEV_CREATE, &c, sizeof(c),
					     &v, sizeof(v)),
				  want, "VDEV_CREATE with device_id %" PRIu64,
				  ids[i]);
		TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 1,
				  "a failed VDEV_CREATE created a device");
	}
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.vdevs_created, s0.vdevs_created, "");
	TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	TEST_ASSERT_SUCCESS(conf_vdev_status_is(fx, id, 0), "");
	/* The same command with device_id 0 works. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VDEV,
				     AVQ_VDEV_CREATE, &c, sizeof(c), &v,
				     sizeof(v)), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 2, "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_vdev_create_fail_nonzero_id(void)
{
	return conf_run_both(vdev_create_fail_nonzero_id_body);
}

/* "The management device MUST fail the VIRTIO_ADMIN_CTRL_VDEV_DESTROY if
 * device_id is 0."
 */
static int
vdev_destroy_fail_zero_id_body(struct avq_fx *fx)
{
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	struct rte_avq_dev_stats s0, s1;
	uint64_t id, last;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s0), "");
	last = avq_fx_trace_last(fx);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VDEV,
				     AVQ_VDEV_DESTROY, NULL, 0, NULL, 0),
			  want, "VDEV_DESTROY with device_id 0");
	TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_VDEV,
					   AVQ_VDEV_DESTROY, NULL), 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.vdevs_destroyed, s0.vdevs_destroyed,
			  "a failed VDEV_DESTROY destroyed a device");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 1, "");
	TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	TEST_ASSERT_SUCCESS(conf_vdev_status_is(fx, id, 0), "");
	/* The managed device itself can still be destroyed. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY,
				     NULL, 0, NULL, 0), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 0, "");
	return conf_mgmt_alive(fx);
}

static int
test_conf_rfc_vdev_destroy_fail_zero_id(void)
{
	return conf_run_both(vdev_destroy_fail_zero_id_body);
}

/* "All virtual devices MUST be created via admin virtqueue if the admin
 * virtqueue offers VIRTIO_F_CTRL_VDEV."
 */
static int
vdev_all_created_via_aq_body(struct avq_fx *fx)
{
	struct rte_avq_dev_stats s;
	uint64_t caps = 0, ids[4], id[2], last;
	uint32_t val = 0;
	int n, i;

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_VDEV), "CAP_VDEV not offered");
	/* The only other way the model has (seed 003's registers) is not
	 * presented by a default device, and creates nothing.
	 */
	TEST_ASSERT_EQUAL(rte_avq_dev_pci_cap_present(fx->dev,
				RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG), 0,
			  "register interface presented by default");
	TEST_ASSERT(rte_avq_dev_mgmt_reg_write(fx->dev,
			RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4, 100) < 0,
		    "absent register interface accepted a write");
	TEST_ASSERT(rte_avq_dev_mgmt_reg_write(fx->dev,
			RTE_AVQ_MGMT_REG_CREATE, 1, 1) < 0,
		    "absent register interface accepted create");
	TEST_ASSERT(rte_avq_dev_mgmt_reg_read(fx->dev,
			RTE_AVQ_MGMT_REG_CREATE_OK, 1, &val) < 0, "");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 0, "");

	last = avq_fx_trace_last(fx);
	for (i = 0; i < 2; i++)
		TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id[i]), "");
	/* Every live device is one that a VDEV_CREATE returned. */
	n = rte_avq_dev_vdev_list(fx->dev, ids, RTE_DIM(ids));
	TEST_ASSERT_EQUAL(n, 2, "");
	for (i = 0; i < n; i++)
		TEST_ASSERT(ids[i] == id[0] || ids[i] == id[1],
			    "device %" PRIu64 " not created by VDEV_CREATE",
			    ids[i]);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s), "");
	TEST_ASSERT_EQUAL(s.vdevs_created, 2, "");
	TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_VDEV,
					   AVQ_VDEV_CREATE, NULL), 2, "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_vdev_all_created_via_aq(void)
{
	return conf_run_default(vdev_all_created_via_aq_body);
}

/* "The management device MAY map implement the virtual device in a
 * transport specific way."
 * The option: with params.regcap the virtual devices of the AQ are also
 * reachable through seed 003's virtio-pci capability (device_select).
 */
static int
vdev_transport_specific_body(struct avq_fx *fx)
{
	uint64_t id;
	uint32_t v = 0xff;
	uint8_t s;

	TEST_ASSERT_EQUAL(rte_avq_dev_pci_cap_present(fx->dev,
				RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG), 1, "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT(id <= UINT32_MAX, "id does not fit device_select");
	/* Select the AQ-created device and destroy it through the
	 * transport-specific register.
	 */
	TEST_ASSERT_SUCCESS(rte_avq_dev_mgmt_reg_write(fx->dev,
				RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4,
				(uint32_t)id), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_mgmt_reg_read(fx->dev,
				RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4, &v), "");
	TEST_ASSERT_EQUAL(v, id, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_mgmt_reg_write(fx->dev,
				RTE_AVQ_MGMT_REG_CREATE, 1, 0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_mgmt_reg_read(fx->dev,
				RTE_AVQ_MGMT_REG_CREATE_OK, 1, &v), "");
	TEST_ASSERT_EQUAL(v, RTE_AVQ_MGMT_OK, "destroy through registers");
	/* It is the same device: the AQ no longer finds it. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
				     NULL, 0, &s, sizeof(s)), AVQ_ACK_NOENT, "");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 0, "");
	return conf_mgmt_alive(fx);
}

static int
test_conf_rfc_vdev_transport_specific(void)
{
	struct rte_avq_dev_params p;

	avq_fx_params(&p);
	p.regcap = true;
	p.pasid = true;
	return conf_run_params(vdev_transport_specific_body, &p);
}

/* "The management driver MUST use 0 as device_id for
 * VIRTIO_ADMIN_CTRL_VDEV_CREATE command."
 */
static int
vdev_driver_create_id_zero_body(struct avq_fx *fx)
{
	struct rte_avq_net_params np = {
		.mac = { 0x02, 0, 0, 0, 0, 0x07 },
		.link_up = true,
		.max_queue_pairs = 1,
	};
	struct rte_avq_dev_trace_entry e;
	uint64_t id = 0, prev = 0, last;
	int round;

	/* Twice: the second time a managed device exists whose id a careless
	 * driver might put in the header.
	 */
	for (round = 0; round < 2; round++) {
		last = avq_fx_trace_last(fx);
		TEST_ASSERT_SUCCESS(rte_avq_vdev_create_net(fx->aq, &np, &id),
				    "");
		TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_VDEV,
						   AVQ_VDEV_CREATE, &e), 1, "");
		TEST_ASSERT_EQUAL(e.device_id, 0,
				  "VDEV_CREATE sent with device_id %" PRIu64,
				  e.device_id);
		TEST_ASSERT_EQUAL(e.ack, AVQ_ACK_OK, "");
		TEST_ASSERT_NOT_EQUAL(id, prev, "");
		prev = id;
	}
	return TEST_SUCCESS;
}

static int
test_conf_rfc_vdev_driver_create_id_zero(void)
{
	return conf_run_default(vdev_driver_create_id_zero_body);
}

/* "The management driver SHOULD make sure the virtual device is not used
 * by any driver before trying to destroy it."
 */
static int
vdev_driver_destroy_unused_body(struct avq_fx *fx)
{
	struct rte_avq_dev_trace_entry e;
	uint64_t id, last;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
					       AVQ_STATUS_ACKNOWLEDGE), "");
	/* In use (status != 0): refused without a VDEV_DESTROY. */
	last = avq_fx_trace_last(fx);
	TEST_ASSERT_EQUAL(rte_avq_vdev_destroy(fx->aq, id, false), -EBUSY, "");
	TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_VDEV,
					   AVQ_VDEV_DESTROY, NULL), 0,
			  "VDEV_DESTROY sent for a device in use");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 1, "");
	TEST_ASSERT_SUCCESS(conf_vdev_status_is(fx, id, AVQ_STATUS_ACKNOWLEDGE),
			    "");
	/* Once reset (no driver), it is destroyed. */
	TEST_ASSERT_SUCCESS(rte_avq_reset(fx->aq, id), "");
	last = avq_fx_trace_last(fx);
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(fx->aq, id, false), "");
	TEST_ASSERT_EQUAL(conf_trace_count(fx, last, AVQ_CLASS_VDEV,
					   AVQ_VDEV_DESTROY, &e), 1, "");
	TEST_ASSERT_EQUAL(e.device_id, id, "");
	TEST_ASSERT_EQUAL(e.ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 0, "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_vdev_driver_destroy_unused(void)
{
	return conf_run_default(vdev_driver_destroy_unused_body);
}

/* ------------------------------------------------------------------ */
/* Features Negotiation                                                */
/* ------------------------------------------------------------------ */

/* "The management device MUST fail VIRTIO_ADMIN_F_CTRL_FEAT class for the
 * command that use 0 as its virtual_device_id."
 */
static int
feat_fail_zero_id_body(struct avq_fx *fx)
{
	static const uint16_t get_cmds[] = {
		AVQ_FEAT_DEVICE_GET, AVQ_FEAT_DRIVER_GET,
	};
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	uint64_t mgmt_drv = rte_avq_dev_driver_features(fx->dev);
	struct avq_features f;
	unsigned int i;
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER), "");
	for (i = 0; i < RTE_DIM(get_cmds); i++)
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID,
					     AVQ_CLASS_FEAT, get_cmds[i], NULL,
					     0, &f, sizeof(f)),
				  want, "FEAT command %u with device_id 0",
				  get_cmds[i]);
	f.features = avq_to_le64(RTE_BIT64(AVQ_F_VERSION_1));
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_FEAT,
				     AVQ_FEAT_DRIVER_SET, &f, sizeof(f),
				     NULL, 0),
			  want, "FEAT_DRIVER_SET with device_id 0");
	TEST_ASSERT_EQUAL(rte_avq_dev_driver_features(fx->dev), mgmt_drv,
			  "FEAT_DRIVER_SET(0) changed the management device");
	TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	/* The managed device still negotiates normally. */
	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(fx->aq, id,
						    &mgmt_drv), "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_feat_fail_zero_id(void)
{
	return conf_run_both(feat_fail_zero_id_body);
}

/* Offered features of @p id, and a subset that keeps VERSION_1 and drops
 * every other offered bit but the lowest one.
 */
static int
feat_subset(struct avq_fx *fx, uint64_t id, uint64_t *offered,
	    uint64_t *subset)
{
	uint64_t rest;

	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(fx->aq, id, offered), "");
	TEST_ASSERT(*offered & RTE_BIT64(AVQ_F_VERSION_1), "");
	rest = *offered & ~RTE_BIT64(AVQ_F_VERSION_1);
	TEST_ASSERT(__builtin_popcountll(rest) >= 2,
		    "too few offered features to leave some out");
	/* rest & (~rest + 1): the lowest offered bit besides VERSION_1. */
	*subset = RTE_BIT64(AVQ_F_VERSION_1) | (rest & (~rest + 1));
	return TEST_SUCCESS;
}

/* "The management driver MAY mediate between the feature negotiation
 * request of the virtual devices and the admin virtqueue."
 * The option: the driver reads what each device offers and decides what
 * the device records as accepted, per managed device.
 */
static int
feat_driver_mediate_body(struct avq_fx *fx)
{
	struct rte_avq_dev_vdev_info info;
	uint64_t id[2], want[2], offered, got;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id[i]), "");
		TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id[i],
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER), "");
	}
	TEST_ASSERT_SUCCESS(feat_subset(fx, id[0], &offered, &want[0]), "");
	/* Device 1 gets everything: mediation is per device. */
	want[1] = offered;
	for (i = 0; i < 2; i++)
		TEST_ASSERT_SUCCESS(rte_avq_feat_driver_set(fx->aq, id[i],
							    want[i]), "");
	for (i = 0; i < 2; i++) {
		TEST_ASSERT_SUCCESS(rte_avq_feat_driver_get(fx->aq, id[i],
							    &got), "");
		TEST_ASSERT_EQUAL(got, want[i], "device %u accepted set", i);
		TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(fx->dev, id[i],
							  &info), "");
		TEST_ASSERT_EQUAL(info.driver_features, want[i], "");
	}
	return TEST_SUCCESS;
}

static int
test_conf_rfc_feat_driver_mediate(void)
{
	return conf_run_both(feat_driver_mediate_body);
}

/* "E.g when offering features to the virtual device, the management driver
 * MAY exclude some features in order to limit the behaviour of the virtual
 * device."
 */
static int
feat_driver_exclude_body(struct avq_fx *fx)
{
	uint64_t id, offered, subset, got;
	uint8_t s = 0;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER), "");
	TEST_ASSERT_SUCCESS(feat_subset(fx, id, &offered, &subset), "");
	TEST_ASSERT_SUCCESS(rte_avq_feat_driver_set(fx->aq, id, subset), "");
	/* The limited set is a valid negotiation result. */
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
			AVQ_STATUS_FEATURES_OK), "FEATURES_OK refused");
	TEST_ASSERT_SUCCESS(rte_avq_status_get(fx->aq, id, &s), "");
	TEST_ASSERT(s & AVQ_STATUS_FEATURES_OK, "FEATURES_OK not kept");
	TEST_ASSERT_SUCCESS(rte_avq_feat_driver_get(fx->aq, id, &got), "");
	TEST_ASSERT_EQUAL(got, subset, "");
	TEST_ASSERT_EQUAL(got & (offered & ~subset), 0,
			  "excluded features were accepted");
	/* The device keeps offering all of them. */
	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(fx->aq, id, &got), "");
	TEST_ASSERT_EQUAL(got, offered, "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_feat_driver_exclude(void)
{
	return conf_run_both(feat_driver_exclude_body);
}

/* ------------------------------------------------------------------ */
/* Device Status                                                       */
/* ------------------------------------------------------------------ */

/* Wait up to 100 ms for @p fd to count something; the count. */
static uint64_t
conf_fd_wait(int fd)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < 100 && n == 0; i++) {
		n = avq_fx_eventfd_count(fd);
		if (n == 0)
			rte_delay_us_sleep(1000);
	}
	return n;
}

#define CONF_VQ_SIZE	256
#define CONF_VECTOR	3

/* "The management device MUST start the reset of a virtual device when 0
 * is written via VIRTIO_ADMIN_CTRL_STATUS_SET, the success of this command
 * demonstrate the success of the reset."
 */
static int
status_reset_body(struct avq_fx *fx, int fd)
{
	struct rte_avq_vq_params vp;
	uint64_t id, dma, f = 1;
	uint16_t max = 0, size = 0;
	bool on = false;
	uint8_t s = 0xff, *mem;

	mem = avq_fx_dma_alloc(fx, 16384, &dma);
	TEST_ASSERT_NOT_NULL(mem, "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(fx->aq, id, 0, &max), "");
	TEST_ASSERT(max > CONF_VQ_SIZE, "max queue size %u too small", max);

	/* A fully live device: DRIVER_OK, queue 0 enabled with an MSI. */
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");
	memset(&vp, 0, sizeof(vp));
	vp.size = CONF_VQ_SIZE;
	vp.desc = dma;
	vp.driver = dma + 4096;
	vp.device = dma + 8192;
	vp.msi = true;
	vp.vector = CONF_VECTOR;
	vp.data = 0x55;
	TEST_ASSERT_SUCCESS(rte_avq_vq_setup(fx->aq, id, 0, &vp), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
			AVQ_STATUS_FEATURES_OK | AVQ_STATUS_DRIVER_OK), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(fx->dev, id, 0), "");
	TEST_ASSERT_EQUAL(conf_fd_wait(fd), 1, "no interrupt before reset");

	/* The command completes once the reset is done: nothing to wait for
	 * afterwards.
	 */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
				     &(uint8_t){ 0 }, 1, NULL, 0),
			  AVQ_ACK_OK, "STATUS_SET 0");
	TEST_ASSERT_SUCCESS(rte_avq_status_get(fx->aq, id, &s), "");
	TEST_ASSERT_EQUAL(s, 0, "status after reset");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(fx->aq, id, 0, &on), "");
	TEST_ASSERT(!on, "queue 0 still enabled after reset");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(fx->aq, id, 0, &size), "");
	TEST_ASSERT_EQUAL(size, max, "queue size not back to the maximum");
	TEST_ASSERT_SUCCESS(rte_avq_feat_driver_get(fx->aq, id, &f), "");
	TEST_ASSERT_EQUAL(f, 0, "accepted features survive the reset");
	/* Reset disables the MSI: a device event raises nothing. */
	rte_avq_dev_vq_interrupt(fx->dev, id, 0);
	rte_delay_us_sleep(5000);
	TEST_ASSERT_EQUAL(avq_fx_eventfd_count(fd), 0,
			  "interrupt delivered after reset");
	/* And the device can be initialized again. */
	return avq_fx_features_ok(fx, id);
}

/* status_reset_body() with an eventfd on CONF_VECTOR (closed at teardown). */
static int
status_reset_with_fd(struct avq_fx *fx)
{
	int fd = avq_fx_vector_fd(fx, CONF_VECTOR);

	if (fd < 0)
		return TEST_FAILED;
	return status_reset_body(fx, fd);
}

static int
test_conf_rfc_status_reset(void)
{
	return conf_run_default(status_reset_with_fd);
}

/* STATUS_SET 0 on @p id, then STATUS_GET must read 0. */
static int
status_reset_reads_zero(struct avq_fx *fx, uint64_t id, const char *what)
{
	uint8_t s = 0xff;

	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
				     &(uint8_t){ 0 }, 1, NULL, 0),
			  AVQ_ACK_OK, "reset from %s", what);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
				     NULL, 0, &s, sizeof(s)), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(s, 0, "status after reset from %s", what);
	return TEST_SUCCESS;
}

/* "The management device MUST present 0 through
 * VIRTIO_ADMIN_CTRL_STATUS_GET once the reset is done."
 */
static int
status_zero_after_reset_body(struct avq_fx *fx)
{
	uint8_t buf[64], s = 0;
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(status_reset_reads_zero(fx, id, "0"), "");

	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
					       AVQ_STATUS_ACKNOWLEDGE), "");
	TEST_ASSERT_SUCCESS(status_reset_reads_zero(fx, id, "ACK"), "");

	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_FAILED), "");
	TEST_ASSERT_SUCCESS(status_reset_reads_zero(fx, id, "FAILED"), "");

	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
			AVQ_STATUS_FEATURES_OK | AVQ_STATUS_DRIVER_OK), "");
	TEST_ASSERT_SUCCESS(status_reset_reads_zero(fx, id, "DRIVER_OK"), "");

	/* A device-set error state: an MMU translation failure. */
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
			AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
			AVQ_STATUS_FEATURES_OK | AVQ_STATUS_DRIVER_OK), "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(fx->dev, id, 0, 0x100000, buf,
					       sizeof(buf), false), -EFAULT,
			  "DMA of an unmapped IOVA did not fault");
	TEST_ASSERT_SUCCESS(rte_avq_status_get(fx->aq, id, &s), "");
	TEST_ASSERT(s & AVQ_STATUS_DEVICE_NEEDS_RESET, "status 0x%x", s);
	TEST_ASSERT(s & AVQ_STATUS_DEVICE_MMU_FAIL, "status 0x%x", s);
	return status_reset_reads_zero(fx, id, "DEVICE_MMU_FAIL");
}

static int
test_conf_rfc_status_zero_after_reset(void)
{
	return conf_run_both(status_zero_after_reset_body);
}

/* "The management device MUST fail the device status access if device_id
 * is zero."
 */
static int
status_fail_zero_id_body(struct avq_fx *fx)
{
	static const uint8_t values[] = { 0, AVQ_STATUS_ACKNOWLEDGE };
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	unsigned int i;
	uint64_t id;
	uint8_t s;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
					       AVQ_STATUS_ACKNOWLEDGE), "");
	for (i = 0; i < RTE_DIM(values); i++)
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID,
					     AVQ_CLASS_STATUS, AVQ_STATUS_SET,
					     &values[i], 1, NULL, 0),
				  want, "STATUS_SET 0x%x with device_id 0",
				  values[i]);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_STATUS,
				     AVQ_STATUS_GET, NULL, 0, &s, sizeof(s)),
			  want, "STATUS_GET with device_id 0");
	TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	/* The managed device was not reset by STATUS_SET(0, 0). */
	return conf_vdev_status_is(fx, id, AVQ_STATUS_ACKNOWLEDGE);
}

static int
test_conf_rfc_status_fail_zero_id(void)
{
	return conf_run_both(status_fail_zero_id_body);
}

/* "After writing 0 via VIRTIO_ADMIN_CTRL_STATUS_SET, the driver MUST wait
 * for the success of the command before re-initializing the device."
 */
static int
status_driver_wait_reset_body(struct avq_fx *fx)
{
	struct rte_avq_dev_trace_entry e[CONF_TRACE_MAX];
	uint64_t id, last;
	int n, ret;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");

	/* Success: STATUS_SET(0) completes OK before anything else. */
	last = avq_fx_trace_last(fx);
	TEST_ASSERT_SUCCESS(rte_avq_reset(fx->aq, id), "");
	n = avq_fx_trace(fx, last, e, RTE_DIM(e));
	TEST_ASSERT(n >= 1, "");
	TEST_ASSERT_EQUAL(e[0].class_id, AVQ_CLASS_STATUS, "");
	TEST_ASSERT_EQUAL(e[0].command, AVQ_STATUS_SET, "");
	TEST_ASSERT_EQUAL(e[0].device_id, id, "");
	TEST_ASSERT_EQUAL(e[0].out_len, 1, "");
	TEST_ASSERT_EQUAL(e[0].ack, AVQ_ACK_OK, "");
	/* Re-initialization after the reset works. */
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");

	/* Failure: the reset of a destroyed device fails, and the helper
	 * reports it and sends nothing more for that device.
	 */
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(fx->aq, id, true), "");
	last = avq_fx_trace_last(fx);
	ret = rte_avq_reset(fx->aq, id);
	TEST_ASSERT(ret < 0, "reset of a destroyed device returned %d", ret);
	n = avq_fx_trace(fx, last, e, RTE_DIM(e));
	TEST_ASSERT_EQUAL(n, 1, "commands after a failed STATUS_SET 0");
	TEST_ASSERT_EQUAL(e[0].command, AVQ_STATUS_SET, "");
	TEST_ASSERT_NOT_EQUAL(e[0].ack, AVQ_ACK_OK, "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_status_driver_wait_reset(void)
{
	return conf_run_both(status_driver_wait_reset_body);
}

/* ------------------------------------------------------------------ */
/* Device Generation                                                   */
/* ------------------------------------------------------------------ */

/* "The device MUST present a changed config_generation after the driver
 * has read a device-specific configuration value which has changed since
 * any part of the device-specific configuration was last read."
 */
static int
gen_changed_body(struct avq_fx *fx)
{
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct avq_net_config a, b;
	uint32_t g0, g1, g2;
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &g0), "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, &a, sizeof(a)),
			    "");

	/* A device-side change: the link goes down. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(fx->dev, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, &b, sizeof(b)),
			    "");
	TEST_ASSERT_NOT_EQUAL(avq_le16(a.status) & AVQ_NET_S_LINK_UP,
			      avq_le16(b.status) & AVQ_NET_S_LINK_UP,
			      "link change not visible in the config");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &g1), "");
	TEST_ASSERT_NOT_EQUAL(g1, g0, "generation unchanged after link change");

	/* A driver-side change: CONFIG_SET of the MAC. */
	TEST_ASSERT_SUCCESS(rte_avq_config_set(fx->aq, id, 0, mac,
					       sizeof(mac)), "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, &a, sizeof(a)),
			    "");
	TEST_ASSERT(memcmp(a.mac, mac, sizeof(mac)) == 0, "MAC not written");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &g2), "");
	TEST_ASSERT_NOT_EQUAL(g2, g1, "generation unchanged after MAC change");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_gen_changed(void)
{
	return conf_run_both(gen_changed_body);
}

/* "The device MUST fail the device generation access if device_id is
 * zero."
 */
static int
gen_fail_zero_id_body(struct avq_fx *fx)
{
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	struct avq_generation g;
	uint32_t gen;
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID,
				     AVQ_CLASS_GENERATION, AVQ_GENERATION_GET,
				     NULL, 0, &g, sizeof(g)),
			  want, "GENERATION_GET with device_id 0");
	TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &gen), "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_gen_fail_zero_id(void)
{
	return conf_run_both(gen_fail_zero_id_body);
}

/* ------------------------------------------------------------------ */
/* Device Specific Configuration                                       */
/* ------------------------------------------------------------------ */

/* CONFIG_GET of [off, off + size) into a buffer big enough for it. */
static int
config_get_ack(struct avq_fx *fx, uint64_t id, uint32_t off, uint32_t size)
{
	struct avq_config_get g = {
		.offset = avq_to_le32(off),
		.size = avq_to_le32(size),
	};
	uint8_t buf[64];

	return avq_fx_ack(fx, id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET, &g,
			  sizeof(g), buf, RTE_MIN(size, (uint32_t)sizeof(buf)));
}

/* CONFIG_SET of @p size bytes (zeros, at most 32 sent) at @p off. */
static int
config_set_ack(struct avq_fx *fx, uint64_t id, uint32_t off, uint32_t size)
{
	struct {
		struct avq_config_set s;
		uint8_t data[32];
	} __rte_packed c;
	uint32_t sent = RTE_MIN(size, (uint32_t)sizeof(c.data));

	memset(&c, 0, sizeof(c));
	c.s.offset = avq_to_le32(off);
	c.s.size = avq_to_le32(size);
	return avq_fx_ack(fx, id, AVQ_CLASS_CONFIG, AVQ_CONFIG_SET, &c,
			  sizeof(c.s) + sent, NULL, 0);
}

/* "The management device MUST fail the device configuration space access
 * if the driver want to access the range which is out of the config
 * space."
 */
static int
config_fail_out_of_range_body(struct avq_fx *fx)
{
	/* Well-formed commands whose range leaves the 24-byte config. */
	static const uint32_t out[][2] = {
		{ 20, 8 }, { CONF_NET_CFG_LEN, 1 }, { CONF_NET_CFG_LEN - 1, 2 },
		{ 1000, 4 },
	};
	/* Ranges that wrap a u32 or are absurdly long. */
	static const uint32_t wild[][2] = {
		{ UINT32_MAX, 2 }, { UINT32_MAX - 3, 8 }, { 0, UINT32_MAX },
	};
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_RANGE);
	struct avq_net_config before, after;
	unsigned int i;
	uint32_t gen0, gen1;
	uint64_t id;
	int ack;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	/* Control: the whole config and its last byte are readable. */
	TEST_ASSERT_EQUAL(config_get_ack(fx, id, 0, CONF_NET_CFG_LEN),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(config_get_ack(fx, id, CONF_NET_CFG_LEN - 1, 1),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_config_read(fx->aq, id, 0, &before,
						sizeof(before), &gen0), "");
	for (i = 0; i < RTE_DIM(out); i++) {
		TEST_ASSERT_EQUAL(config_get_ack(fx, id, out[i][0], out[i][1]),
				  want, "CONFIG_GET off %u size %u", out[i][0],
				  out[i][1]);
		TEST_ASSERT_EQUAL(config_set_ack(fx, id, out[i][0], out[i][1]),
				  want, "CONFIG_SET off %u size %u", out[i][0],
				  out[i][1]);
	}
	for (i = 0; i < RTE_DIM(wild); i++) {
		ack = config_get_ack(fx, id, wild[i][0], wild[i][1]);
		TEST_ASSERT(ack > 0, "CONFIG_GET off %u size %u: ack %d",
			    wild[i][0], wild[i][1], ack);
		TEST_ASSERT(!fx->strict || ack == AVQ_ACK_ERR, "");
		ack = config_set_ack(fx, id, wild[i][0], wild[i][1]);
		TEST_ASSERT(ack > 0, "CONFIG_SET off %u size %u: ack %d",
			    wild[i][0], wild[i][1], ack);
		TEST_ASSERT(!fx->strict || ack == AVQ_ACK_ERR, "");
	}
	/* Nothing was written. */
	TEST_ASSERT_SUCCESS(rte_avq_config_read(fx->aq, id, 0, &after,
						sizeof(after), &gen1), "");
	TEST_ASSERT(memcmp(&before, &after, sizeof(before)) == 0,
		    "a failed CONFIG_SET changed the config");
	TEST_ASSERT_EQUAL(gen0, gen1, "");
	return conf_mgmt_alive(fx);
}

static int
test_conf_rfc_config_fail_out_of_range(void)
{
	return conf_run_both(config_fail_out_of_range_body);
}

/* "The management device MUST fail the device configuration space access
 * if device_id is zero."
 */
static int
config_fail_zero_id_body(struct avq_fx *fx)
{
	const unsigned int want = avq_fx_want_ack(fx, AVQ_ACK_INVAL);
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_EQUAL(config_get_ack(fx, AVQ_MGMT_DEVICE_ID, 0, 6), want,
			  "CONFIG_GET with device_id 0");
	TEST_ASSERT_EQUAL(config_set_ack(fx, AVQ_MGMT_DEVICE_ID, 0, 6), want,
			  "CONFIG_SET with device_id 0");
	TEST_ASSERT_SUCCESS(conf_mgmt_alive(fx), "");
	/* Same commands on the managed device succeed. */
	TEST_ASSERT_EQUAL(config_get_ack(fx, id, 0, 6), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(config_set_ack(fx, id, 0, 6), AVQ_ACK_OK, "");
	return TEST_SUCCESS;
}

static int
test_conf_rfc_config_fail_zero_id(void)
{
	return conf_run_both(config_fail_zero_id_body);
}

REGISTER_AVQ_TEST(conf_rfc_basic_vdev_no_admin_vq_autotest,
		  test_conf_rfc_basic_vdev_no_admin_vq);
REGISTER_AVQ_TEST(conf_rfc_basic_driver_negotiates_admin_vq_autotest,
		  test_conf_rfc_basic_driver_negotiates_admin_vq);
REGISTER_AVQ_TEST(conf_rfc_cap_supported_autotest,
		  test_conf_rfc_cap_supported);
REGISTER_AVQ_TEST(conf_rfc_cap_fail_nonzero_id_autotest,
		  test_conf_rfc_cap_fail_nonzero_id);
REGISTER_AVQ_TEST(conf_rfc_cap_driver_id_zero_autotest,
		  test_conf_rfc_cap_driver_id_zero);
REGISTER_AVQ_TEST(conf_rfc_vdev_created_via_aq_autotest,
		  test_conf_rfc_vdev_created_via_aq);
REGISTER_AVQ_TEST(conf_rfc_vdev_create_fail_nonzero_id_autotest,
		  test_conf_rfc_vdev_create_fail_nonzero_id);
REGISTER_AVQ_TEST(conf_rfc_vdev_destroy_fail_zero_id_autotest,
		  test_conf_rfc_vdev_destroy_fail_zero_id);
REGISTER_AVQ_TEST(conf_rfc_vdev_all_created_via_aq_autotest,
		  test_conf_rfc_vdev_all_created_via_aq);
REGISTER_AVQ_TEST(conf_rfc_vdev_transport_specific_autotest,
		  test_conf_rfc_vdev_transport_specific);
REGISTER_AVQ_TEST(conf_rfc_vdev_driver_create_id_zero_autotest,
		  test_conf_rfc_vdev_driver_create_id_zero);
REGISTER_AVQ_TEST(conf_rfc_vdev_driver_destroy_unused_autotest,
		  test_conf_rfc_vdev_driver_destroy_unused);
REGISTER_AVQ_TEST(conf_rfc_feat_fail_zero_id_autotest,
		  test_conf_rfc_feat_fail_zero_id);
REGISTER_AVQ_TEST(conf_rfc_feat_driver_mediate_autotest,
		  test_conf_rfc_feat_driver_mediate);
REGISTER_AVQ_TEST(conf_rfc_feat_driver_exclude_autotest,
		  test_conf_rfc_feat_driver_exclude);
REGISTER_AVQ_TEST(conf_rfc_status_reset_autotest,
		  test_conf_rfc_status_reset);
REGISTER_AVQ_TEST(conf_rfc_status_zero_after_reset_autotest,
		  test_conf_rfc_status_zero_after_reset);
REGISTER_AVQ_TEST(conf_rfc_status_fail_zero_id_autotest,
		  test_conf_rfc_status_fail_zero_id);
REGISTER_AVQ_TEST(conf_rfc_status_driver_wait_reset_autotest,
		  test_conf_rfc_status_driver_wait_reset);
REGISTER_AVQ_TEST(conf_rfc_gen_changed_autotest,
		  test_conf_rfc_gen_changed);
REGISTER_AVQ_TEST(conf_rfc_gen_fail_zero_id_autotest,
		  test_conf_rfc_gen_fail_zero_id);
REGISTER_AVQ_TEST(conf_rfc_config_fail_out_of_range_autotest,
		  test_conf_rfc_config_fail_out_of_range);
REGISTER_AVQ_TEST(conf_rfc_config_fail_zero_id_autotest,
		  test_conf_rfc_config_fail_zero_id);
