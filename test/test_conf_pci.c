/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Conformance, part A: the normative statements of seed 003, "virtio-pci:
 * introduce the management device capability", section "Managed device
 * configuration" (VIRTIO_PCI_CAP_MANAGED_DEV_CFG), against the device
 * model's register interface (params.regcap).
 *
 * One test per statement, quoted above its test; the table in
 * doc/guides/prog_guide/conformance_a.rst maps one to the other.
 * lib/avq has no driver-side helper for the registers, so the driver
 * statement is checked by playing the driver's sequence and showing that
 * the device makes it work (and that a failed create leaves nothing to use).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "avq_test.h"
#include "avq_fixture.h"

/* Ids the tests choose through device_select: far above the AQ's. */
#define PCI_ID_BASE	1000u

typedef int (*pci_body_fn)(struct avq_fx *fx);

static int
pci_call(struct avq_fx *fx, void *arg)
{
	return (*(pci_body_fn *)arg)(fx);
}

/* Run @p body on a device presenting the capability (regcap and PASID). */
static int
pci_run(pci_body_fn body)
{
	struct rte_avq_dev_params p;
	struct avq_fx fx;

	avq_fx_params(&p);
	p.regcap = true;
	p.pasid = true;
	return avq_fx_run(&fx, &p, pci_call, &body);
}

static int
pci_reg_read(struct avq_fx *fx, uint32_t off, uint32_t len, uint32_t *val)
{
	*val = UINT32_MAX;
	return rte_avq_dev_mgmt_reg_read(fx->dev, off, len, val);
}

/* Write a VDEV_CREATE-style net config of @p type and MAC @p mac5 into the
 * config register, four bytes at a time.
 */
static int
pci_config_write(struct avq_fx *fx, uint32_t type, uint8_t mac5)
{
	/* What the config register holds for a create: VDEV_CREATE's
	 * out-data.
	 */
	struct avq_fx_net_create c;
	uint8_t *b = (uint8_t *)&c;
	uint32_t i, v;
	int ret;

	RTE_BUILD_BUG_ON(sizeof(c) % 4 != 0);
	avq_fx_net_create_init(&c, type, mac5);
	for (i = 0; i < sizeof(c); i += 4) {
		v = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 |
			(uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24;
		ret = rte_avq_dev_mgmt_reg_write(fx->dev,
				RTE_AVQ_MGMT_REG_CONFIG + i, 4, v);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Select @p id and write @p cmd (1 create, 0 destroy) to create.
 * @return create_ok (>= 0), or a negative errno when a register access
 *   itself was refused.
 */
static int
pci_create_write(struct avq_fx *fx, uint32_t id, uint32_t cmd)
{
	uint32_t ok;
	int ret;

	ret = rte_avq_dev_mgmt_reg_write(fx->dev,
			RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4, id);
	if (ret < 0)
		return ret;
	ret = rte_avq_dev_mgmt_reg_write(fx->dev, RTE_AVQ_MGMT_REG_CREATE, 1,
					 cmd);
	if (ret < 0)
		return ret;
	ret = pci_reg_read(fx, RTE_AVQ_MGMT_REG_CREATE_OK, 1, &ok);
	if (ret < 0)
		return ret;
	return (int)ok;
}

/* STATUS_GET over the AQ for @p id; its ack (status in @p s). */
static int
pci_status_ack(struct avq_fx *fx, uint64_t id, uint8_t *s)
{
	return avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET, NULL, 0,
			  s, 1);
}

static int
pci_mgmt_alive(struct avq_fx *fx)
{
	rte_le64_t caps;

	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP,
				     AVQ_CAP_GET, NULL, 0, &caps,
				     sizeof(caps)),
			  AVQ_ACK_OK, "management device stopped serving");
	return TEST_SUCCESS;
}

/* "The management device MUST reserved device index 0 as itself." */
static int
pci_reserve_index_zero_body(struct avq_fx *fx)
{
	struct rte_avq_dev_vdev_info info;
	uint64_t ids[8], aq_id;
	int n, i, ok;

	/* Index 0 addresses the management device itself. */
	TEST_ASSERT_SUCCESS(pci_mgmt_alive(fx), "");
	/* No managed device ever gets index 0, through either interface. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &aq_id), "");
	TEST_ASSERT_NOT_EQUAL(aq_id, 0, "AQ handed out id 0");
	TEST_ASSERT_SUCCESS(pci_config_write(fx, AVQ_VIRTIO_ID_NET, 1), "");
	TEST_ASSERT_EQUAL(pci_create_write(fx, PCI_ID_BASE, 1), RTE_AVQ_MGMT_OK,
			  "");
	n = rte_avq_dev_vdev_list(fx->dev, ids, RTE_DIM(ids));
	TEST_ASSERT_EQUAL(n, 2, "");
	for (i = 0; i < n; i++)
		TEST_ASSERT_NOT_EQUAL(ids[i], 0, "a managed device has id 0");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_info(fx->dev, 0, &info), -ENOENT,
			  "index 0 is a managed device");
	/* The management device cannot be destroyed through index 0. */
	ok = pci_create_write(fx, 0, 0);
	TEST_ASSERT(ok != RTE_AVQ_MGMT_OK, "destroy of index 0 succeeded");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 2, "");
	return pci_mgmt_alive(fx);
}

static int
test_conf_pci_reserve_index_zero(void)
{
	return pci_run(pci_reserve_index_zero_body);
}

/* "The management device MUST present 0 to device_select upon reset." */
static int
pci_select_zero_on_reset_body(struct avq_fx *fx)
{
	static const uint32_t values[] = { 7, PCI_ID_BASE, UINT32_MAX };
	unsigned int i;
	uint32_t v;

	TEST_ASSERT_SUCCESS(pci_reg_read(fx, RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4,
					 &v), "");
	TEST_ASSERT_EQUAL(v, 0, "device_select after creation");
	for (i = 0; i < RTE_DIM(values); i++) {
		TEST_ASSERT_SUCCESS(rte_avq_dev_mgmt_reg_write(fx->dev,
				RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4, values[i]),
				"");
		TEST_ASSERT_SUCCESS(pci_reg_read(fx,
				RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4, &v), "");
		TEST_ASSERT_EQUAL(v, values[i], "device_select not written");
		TEST_ASSERT_SUCCESS(rte_avq_dev_mgmt_reg_reset(fx->dev), "");
		TEST_ASSERT_SUCCESS(pci_reg_read(fx,
				RTE_AVQ_MGMT_REG_DEVICE_SELECT, 4, &v), "");
		TEST_ASSERT_EQUAL(v, 0, "device_select after reset (was 0x%x)",
				  values[i]);
		/* Narrow reads see 0 too. */
		TEST_ASSERT_SUCCESS(pci_reg_read(fx,
				RTE_AVQ_MGMT_REG_DEVICE_SELECT + 2, 2, &v), "");
		TEST_ASSERT_EQUAL(v, 0, "");
	}
	return TEST_SUCCESS;
}

static int
test_conf_pci_select_zero_on_reset(void)
{
	return pci_run(pci_select_zero_on_reset_body);
}

/* "The management device MUST fail the write to create if the
 * device_select is zero."
 */
static int
pci_create_fail_select_zero_body(struct avq_fx *fx)
{
	struct rte_avq_dev_stats s0, s1;
	int ok;

	TEST_ASSERT_SUCCESS(pci_config_write(fx, AVQ_VIRTIO_ID_NET, 2), "");
	/* First a good create, so that create_ok reads OK before the
	 * failing one: a stale OK cannot pass the check below.
	 */
	TEST_ASSERT_EQUAL(pci_create_write(fx, PCI_ID_BASE, 1), RTE_AVQ_MGMT_OK,
			  "control create");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s0), "");
	ok = pci_create_write(fx, 0, 1);
	/* Either the write is refused or create_ok reports the failure. */
	TEST_ASSERT(ok != RTE_AVQ_MGMT_OK, "create with device_select 0 succeeded");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.vdevs_created, s0.vdevs_created,
			  "a device was created");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 1, "");
	return pci_mgmt_alive(fx);
}

static int
test_conf_pci_create_fail_select_zero(void)
{
	return pci_run(pci_create_fail_select_zero_body);
}

/* "The management device MUST fail the creation of a managed device if the
 * filed\{device_select} is duplicated with the id of an existing managed
 * device."
 */
static int
pci_create_fail_dup_id_body(struct avq_fx *fx)
{
	uint64_t aq_id;
	uint8_t s = 0xff;

	/* An existing device created through the registers, in use. */
	TEST_ASSERT_SUCCESS(pci_config_write(fx, AVQ_VIRTIO_ID_NET, 3), "");
	TEST_ASSERT_EQUAL(pci_create_write(fx, PCI_ID_BASE, 1), RTE_AVQ_MGMT_OK,
			  "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, PCI_ID_BASE,
					       AVQ_STATUS_ACKNOWLEDGE), "");
	TEST_ASSERT_EQUAL(pci_create_write(fx, PCI_ID_BASE, 1),
			  RTE_AVQ_MGMT_ID_DUP, "duplicate of a register-made id");
	/* The existing device was neither replaced nor reset. */
	TEST_ASSERT_EQUAL(pci_status_ack(fx, PCI_ID_BASE, &s), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(s, AVQ_STATUS_ACKNOWLEDGE, "existing device reset");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 1, "");

	/* The same for an id the AQ handed out. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &aq_id), "");
	TEST_ASSERT(aq_id <= UINT32_MAX, "");
	TEST_ASSERT_EQUAL(pci_create_write(fx, (uint32_t)aq_id, 1),
			  RTE_AVQ_MGMT_ID_DUP, "duplicate of an AQ-made id");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 2, "");
	TEST_ASSERT_EQUAL(pci_status_ack(fx, aq_id, &s), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(s, 0, "");
	return pci_mgmt_alive(fx);
}

static int
test_conf_pci_create_fail_dup_id(void)
{
	return pci_run(pci_create_fail_dup_id_body);
}

/* "The device MUST NOT present VIRTIO_PCI_CAP_MANAGED_DEV_CFG if
 * VIRTIO_PCI_CAP_PASID is not presented."
 */
static int
pci_no_cap_without_pasid(bool pasid)
{
	struct rte_avq_dev_params p;
	struct avq_fx fx;
	uint32_t v = 0;
	int ret = TEST_FAILED;

	avq_fx_params(&p);
	p.regcap = true;
	p.pasid = pasid;
	if (avq_fx_setup(&fx, &p) < 0)
		return TEST_FAILED;
	if (pasid) {
		/* Control: with PASID the capability is there and works. */
		if (rte_avq_dev_pci_cap_present(fx.dev,
				RTE_AVQ_PCI_CAP_PASID) != 1 ||
		    rte_avq_dev_pci_cap_present(fx.dev,
				RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG) != 1 ||
		    rte_avq_dev_mgmt_reg_read(fx.dev,
				RTE_AVQ_MGMT_REG_NUM_DEVICES, 4, &v) != 0 ||
		    v != p.max_vdevs) {
			printf("capability missing or wrong with PASID\n");
			goto out;
		}
	} else {
		if (rte_avq_dev_pci_cap_present(fx.dev,
				RTE_AVQ_PCI_CAP_PASID) != 0) {
			printf("PASID presented with params.pasid = false\n");
			goto out;
		}
		if (rte_avq_dev_pci_cap_present(fx.dev,
				RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG) != 0) {
			printf("MANAGED_DEV_CFG presented without PASID\n");
			goto out;
		}
		/* Not presented means not reachable either. */
		if (rte_avq_dev_mgmt_reg_read(fx.dev,
				RTE_AVQ_MGMT_REG_NUM_DEVICES, 4, &v) >= 0 ||
		    pci_config_write(&fx, AVQ_VIRTIO_ID_NET, 4) >= 0 ||
		    pci_create_write(&fx, PCI_ID_BASE, 1) >= 0 ||
		    avq_fx_vdev_count(&fx) != 0) {
			printf("absent capability still reachable\n");
			goto out;
		}
	}
	ret = TEST_SUCCESS;
out:
	avq_fx_teardown(&fx);
	return ret;
}

static int
test_conf_pci_no_cap_without_pasid(void)
{
	if (pci_no_cap_without_pasid(true) != TEST_SUCCESS)
		return TEST_FAILED;
	return pci_no_cap_without_pasid(false);
}

/* "The management driver MUST create a managed device by allocating a
 * non-zero device id for device_select and use that for the following
 * steps for this managed device if the creating is succeed (read
 * create_ok as zero)."
 */
static int
pci_driver_nonzero_id_body(struct avq_fx *fx)
{
	const uint32_t id = PCI_ID_BASE + 5, bad = PCI_ID_BASE + 6;
	uint8_t mac[6], s = 0xff;

	/* The driver's sequence: config, a non-zero id, create, create_ok. */
	TEST_ASSERT_SUCCESS(pci_config_write(fx, AVQ_VIRTIO_ID_NET, 0x5a), "");
	TEST_ASSERT_EQUAL(pci_create_write(fx, id, 1), RTE_AVQ_MGMT_OK, "");
	/* The following steps use that id: the device answers under it and
	 * it is the device the config described.
	 */
	TEST_ASSERT_EQUAL(pci_status_ack(fx, id, &s), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(s, 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, mac,
					       sizeof(mac)), "");
	TEST_ASSERT_EQUAL(mac[0], 0x02, "");
	TEST_ASSERT_EQUAL(mac[5], 0x5a, "device under the id has another MAC");
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_reset(fx->aq, id), "");

	/* create_ok != 0: nothing exists under that id to be used. */
	TEST_ASSERT_SUCCESS(pci_config_write(fx, 0x7f, 0x5b), "");
	TEST_ASSERT_EQUAL(pci_create_write(fx, bad, 1),
			  RTE_AVQ_MGMT_INVALID_CFG, "bad config accepted");
	TEST_ASSERT_EQUAL(pci_status_ack(fx, bad, &s), AVQ_ACK_NOENT,
			  "a failed create left a device");

	/* Destroy with the same id ends it. */
	TEST_ASSERT_EQUAL(pci_create_write(fx, id, 0), RTE_AVQ_MGMT_OK, "");
	TEST_ASSERT_EQUAL(pci_status_ack(fx, id, &s), AVQ_ACK_NOENT, "");
	TEST_ASSERT_EQUAL(avq_fx_vdev_count(fx), 0, "");
	return pci_mgmt_alive(fx);
}

static int
test_conf_pci_driver_nonzero_id(void)
{
	return pci_run(pci_driver_nonzero_id_body);
}

REGISTER_AVQ_TEST(conf_pci_reserve_index_zero_autotest,
		  test_conf_pci_reserve_index_zero);
REGISTER_AVQ_TEST(conf_pci_select_zero_on_reset_autotest,
		  test_conf_pci_select_zero_on_reset);
REGISTER_AVQ_TEST(conf_pci_create_fail_select_zero_autotest,
		  test_conf_pci_create_fail_select_zero);
REGISTER_AVQ_TEST(conf_pci_create_fail_dup_id_autotest,
		  test_conf_pci_create_fail_dup_id);
REGISTER_AVQ_TEST(conf_pci_no_cap_without_pasid_autotest,
		  test_conf_pci_no_cap_without_pasid);
REGISTER_AVQ_TEST(conf_pci_driver_nonzero_id_autotest,
		  test_conf_pci_driver_nonzero_id);
