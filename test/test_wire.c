/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/* Wire format: layouts and byte order as DESIGN.md section 4 decides. */

#include <stddef.h>

#include <rte_avq_wire.h>

#include "avq_test.h"

static int
test_wire_layout(void)
{
	avq_wire_size_checks();	/* compile-time; kept referenced */

	/* Field offsets a peer in another language would rely on. */
	TEST_ASSERT_EQUAL(offsetof(struct avq_cmd_hdr, class_id), 8, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_cmd_hdr, command), 10, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_vq_addr, device_area), 2, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_vq_addr, descriptor_area), 10, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_vq_addr, driver_area), 18, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_msi_vq_set, data), 10, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_mmu_map, flags), 24, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_mmu_map_asid, asid), 28, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_mmu_err, queue_index), 4, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_mmu_err, asid), 6, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_mmu_err, flags), 30, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_net_config, mtu), 10, "");
	TEST_ASSERT_EQUAL(offsetof(struct avq_net_config, speed), 12, "");
	return TEST_SUCCESS;
}

static int
test_wire_le(void)
{
	struct avq_cmd_hdr h;
	const uint8_t *b = (const uint8_t *)&h;

	h.device_id = avq_to_le64(0x0102030405060708ull);
	h.class_id = avq_to_le16(0x0d0c);
	h.command = avq_to_le16(0x0403);
	/* Little-endian on the wire whatever the host. */
	TEST_ASSERT_EQUAL(b[0], 0x08, "");
	TEST_ASSERT_EQUAL(b[7], 0x01, "");
	TEST_ASSERT_EQUAL(b[8], 0x0c, "");
	TEST_ASSERT_EQUAL(b[9], 0x0d, "");
	TEST_ASSERT_EQUAL(b[10], 0x03, "");
	TEST_ASSERT_EQUAL(avq_le64(h.device_id), 0x0102030405060708ull, "");
	TEST_ASSERT_EQUAL(avq_le16(h.class_id), 0x0d0c, "");
	return TEST_SUCCESS;
}

static int
test_wire_numbers(void)
{
	/* RFC numbers are kept (seed 000). */
	TEST_ASSERT_EQUAL(AVQ_CLASS_CAP, 0, "");
	TEST_ASSERT_EQUAL(AVQ_CLASS_VDEV, 2, "");
	TEST_ASSERT_EQUAL(AVQ_CLASS_MSI, 7, "");
	TEST_ASSERT_EQUAL(AVQ_CLASS_VQ_ADDR, 9, "");
	TEST_ASSERT_EQUAL(AVQ_CLASS_MMU, 13, "");
	TEST_ASSERT_EQUAL(AVQ_VQ_NOTIFY_GET, 1, "");
	TEST_ASSERT_EQUAL(AVQ_MMU_ENABLE, 1, "");
	TEST_ASSERT_EQUAL(AVQ_MMU_ERR_GET, 5, "");
	TEST_ASSERT_EQUAL(AVQ_STATUS_DEVICE_MMU_FAIL, 32, "");
	TEST_ASSERT_EQUAL(AVQ_STATUS_DEVICE_NEEDS_RESET, 64, "");
	TEST_ASSERT_EQUAL(AVQ_F_ADMIN_VQ, 41, "");
	/* Extensions: class >= 64, each announced by its own CAP bit, none
	 * colliding with the RFC's CAP_VDEV bit. */
	TEST_ASSERT_EQUAL(AVQ_CAP_F_EXT(AVQ_CLASS_AQ_INFO), 32, "");
	TEST_ASSERT(AVQ_CAP_F_EXT(AVQ_CLASS_EXT_LAST) <= 63, "");
	TEST_ASSERT_NOT_EQUAL(AVQ_CAP_F_EXT(AVQ_CLASS_AQ_INFO), AVQ_CAP_F_VDEV, "");
	return TEST_SUCCESS;
}

static int
test_wire_acks(void)
{
	/* Every extension ack is non-zero, so an RFC driver reads it as a
	 * failure; each maps to a distinct errno. */
	TEST_ASSERT_EQUAL(AVQ_ACK_OK, 0, "");
	TEST_ASSERT_EQUAL(AVQ_ACK_ERR, 1, "");
	TEST_ASSERT_EQUAL(avq_ack_errno(AVQ_ACK_OK), 0, "");
	TEST_ASSERT_EQUAL(avq_ack_errno(AVQ_ACK_ERR), -EIO, "");
	TEST_ASSERT_EQUAL(avq_ack_errno(AVQ_ACK_NOENT), -ENOENT, "");
	TEST_ASSERT_EQUAL(avq_ack_errno(AVQ_ACK_EXIST), -EEXIST, "");
	TEST_ASSERT_EQUAL(avq_ack_errno(200), -EIO, "");
	TEST_ASSERT(strcmp(avq_ack_str(AVQ_ACK_RANGE), "RANGE") == 0, "");
	TEST_ASSERT(strcmp(avq_ack_str(200), "?") == 0, "");
	return TEST_SUCCESS;
}

REGISTER_AVQ_TEST(wire_layout_autotest, test_wire_layout);
REGISTER_AVQ_TEST(wire_le_autotest, test_wire_le);
REGISTER_AVQ_TEST(wire_numbers_autotest, test_wire_numbers);
REGISTER_AVQ_TEST(wire_acks_autotest, test_wire_acks);
