/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Extension class 67 NET_CTRL (seed 001, virtio-net admin control): the
 * management driver programs a managed device's rx filter, queue pairs and
 * trust through the admin queue. Each command's effect is read back with
 * NET_CTRL_STATE_GET (and the config space), each malformed input gets its
 * ack and changes nothing, and the datapath (test_dp_driver.c) shows the
 * filter at work. The conf_net_* tests are the seed 001 rows of
 * doc/guides/prog_guide/conformance_b.rst.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_fixture.h"
#include "avq_test.h"
#include "test_dp_driver.h"

/* An address no device has, a multicast one. */
static const uint8_t mac_x[6] = { 0x02, 0x99, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_y[6] = { 0x02, 0x99, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_m[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x07 };

#define NC_PAIRS	4	/* max_virtqueue_pairs of nc_create() devices */

/* ---- Helpers ---- */

/* NET_CTRL_EXEC through the rings with raw out-data; returns the ack. */
static int
nc_exec(struct avq_fx *fx, uint64_t id, uint8_t cls, uint8_t cmd,
	const void *data, uint32_t len)
{
	uint8_t out[512];

	if (len > sizeof(out) - 2)
		return -1;
	out[0] = cls;
	out[1] = cmd;
	if (len != 0)
		memcpy(out + 2, data, len);
	return avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_EXEC, out,
			  len + 2, NULL, 0);
}

/* STATE_GET into @p st (wire form); the ack. */
static int
nc_state_ack(struct avq_fx *fx, uint64_t id, struct avq_net_ctrl_state *st)
{
	memset(st, 0xee, sizeof(*st));
	return avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_STATE_GET,
			  NULL, 0, st, sizeof(*st));
}

/* A managed net device with NC_PAIRS pairs and MAC 02:00:00:00:00:mac5. */
static int
nc_create(struct avq_fx *fx, uint8_t mac5, uint64_t *id)
{
	struct rte_avq_net_params np = {
		.mac = { 0x02, 0, 0, 0, 0, mac5 },
		.link_up = true,
		.max_queue_pairs = NC_PAIRS,
		.mtu = 1500,
	};

	return rte_avq_vdev_create_net(fx->aq, &np, id);
}

/* The state of a device nobody configured (trust aside). */
static int
nc_check_defaults(const struct avq_net_ctrl_state *st, bool trusted)
{
	TEST_ASSERT_EQUAL(st->promisc, 1, "the filter starts open");
	TEST_ASSERT_EQUAL(st->allmulti, 0, "");
	TEST_ASSERT_EQUAL(st->trusted, trusted ? 1 : 0, "");
	TEST_ASSERT_EQUAL(st->reserved, 0, "");
	TEST_ASSERT_EQUAL(avq_le16(st->vq_pairs), 1, "one pair after reset");
	TEST_ASSERT_EQUAL(avq_le32(st->mac_table_len), 0, "");
	TEST_ASSERT_EQUAL(avq_le32(st->vlans), 0, "");
	return TEST_SUCCESS;
}

/* The errno a driver helper returns where the guide names @p ack. */
static int
nc_errno(const struct avq_fx *fx, int ack)
{
	return avq_ack_errno((unsigned int)avq_fx_want_ack(fx, ack));
}

/* ---- CAP bit and params.net_ctrl ---- */

static int
cap_on_body(struct avq_fx *fx, void *arg)
{
	struct avq_net_ctrl_state st;
	uint64_t caps = 0, id;

	RTE_SET_USED(arg);
	TEST_ASSERT_EQUAL(AVQ_CAP_F_EXT(AVQ_CLASS_NET_CTRL), 35, "");
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT(caps & RTE_BIT64(35), "NET_CTRL not announced: caps 0x%"
		    PRIx64, caps);
	TEST_ASSERT_SUCCESS(nc_create(fx, 1, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	return TEST_SUCCESS;
}

static int
cap_off_body(struct avq_fx *fx, void *arg)
{
	struct avq_net_ctrl_state st;
	uint64_t caps = 0, id;
	uint8_t on = 0;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT(!(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_NET_CTRL))),
		    "announced with net_ctrl off: caps 0x%" PRIx64, caps);
	/* The other extensions stay. */
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_AQ_INFO)), "");
	TEST_ASSERT_SUCCESS(nc_create(fx, 1, &id), "");
	/* A class whose bit is clear is UNSUPP, every command of it. */
	TEST_ASSERT_EQUAL(nc_exec(fx, id, AVQ_NET_CTRL_RX,
				  AVQ_NET_CTRL_RX_PROMISC, &on, 1),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, &on, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(nc_state_ack(fx, id, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(rte_avq_net_promisc_set(fx->aq, id, false),
			  nc_errno(fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(rte_avq_net_trust_set(fx->aq, id, false),
			  nc_errno(fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(rte_avq_net_ctrl_state_get(fx->aq, id, &st),
			  nc_errno(fx, AVQ_ACK_UNSUPP), "");
	/* The device is otherwise fine. */
	TEST_ASSERT_EQUAL(avq_fx_status(fx, id), 0, "");
	return TEST_SUCCESS;
}

static int
test_net_ctrl_cap(void)
{
	struct rte_avq_dev_params p;
	struct avq_fx fx;
	int ret;

	avq_fx_params(&p);
	TEST_ASSERT(p.net_ctrl, "offered by default");
	ret = avq_fx_run_both(&fx, &p, cap_on_body, NULL);
	if (ret != TEST_SUCCESS)
		return ret;
	p.net_ctrl = false;
	return avq_fx_run_both(&fx, &p, cap_off_body, NULL);
}

/* ---- Each command's effect ---- */

static int
exec_body(struct avq_fx *fx, void *arg)
{
	const uint8_t uc[2][6] = {
		{ 0x02, 0x99, 0, 0, 0, 1 }, { 0x02, 0x99, 0, 0, 0, 2 },
	};
	const uint8_t mc[1][6] = { { 0x01, 0x00, 0x5e, 0, 0, 7 } };
	const uint8_t mac_n[6] = { 0x02, 0x55, 0, 0, 0, 0x42 };
	struct avq_net_ctrl_state st;
	uint32_t gen0, gen1;
	uint8_t mac[6], on;
	uint64_t id;
	rte_le16_t le;

	RTE_SET_USED(arg);
	/* The virtio-net numbers, as Linux spells them. */
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_RX != VIRTIO_NET_CTRL_RX);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_RX_ALLMULTI != VIRTIO_NET_CTRL_RX_ALLMULTI);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_MAC != VIRTIO_NET_CTRL_MAC);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_MAC_ADDR_SET != VIRTIO_NET_CTRL_MAC_ADDR_SET);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_VLAN != VIRTIO_NET_CTRL_VLAN);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_VLAN_DEL != VIRTIO_NET_CTRL_VLAN_DEL);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_MQ != VIRTIO_NET_CTRL_MQ);
	RTE_BUILD_BUG_ON(AVQ_NET_CTRL_MQ_VQ_PAIRS_SET !=
			 VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET);
	TEST_ASSERT_EQUAL(sizeof(st), 24, "");

	TEST_ASSERT_SUCCESS(nc_create(fx, 7, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_SUCCESS(nc_check_defaults(&st, true), "");
	TEST_ASSERT_EQUAL(st.mac[5], 7, "the config space's address");
	TEST_ASSERT_EQUAL(avq_le32(st.own_refused), 0, "");

	/* RX: promiscuous off, all-multicast on, and back. */
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT(st.promisc == 0 && st.allmulti == 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_allmulti_set(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT(st.promisc == 0 && st.allmulti == 1, "");
	/* The raw form of the same command. */
	on = 1;
	TEST_ASSERT_EQUAL(nc_exec(fx, id, AVQ_NET_CTRL_RX,
				  AVQ_NET_CTRL_RX_PROMISC, &on, 1),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl(fx->aq, id, AVQ_NET_CTRL_RX,
					     AVQ_NET_CTRL_RX_ALLMULTI, &(uint8_t){0},
					     1), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT(st.promisc == 1 && st.allmulti == 0, "");

	/* MAC ADDR_SET: the config space's mac; a change the management
	 * device makes is a config change (generation moves). */
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &gen0), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_set(fx->aq, id, mac_n), "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, mac, 6), "");
	TEST_ASSERT(memcmp(mac, mac_n, 6) == 0, "config mac");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT(memcmp(st.mac, mac_n, 6) == 0, "state mac");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &gen1), "");
	TEST_ASSERT(gen1 != gen0, "generation kept %u", gen1);
	/* The same address again changes nothing. */
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_set(fx->aq, id, mac_n), "");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &gen0), "");
	TEST_ASSERT_EQUAL(gen0, gen1, "");

	/* MAC TABLE_SET: 2 unicast + 1 multicast, then empty. */
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_table_set(fx->aq, id, uc, 2, mc, 1),
			    "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le32(st.mac_table_len), 3, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_table_set(fx->aq, id, NULL, 0, mc,
						      1), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le32(st.mac_table_len), 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_table_set(fx->aq, id, NULL, 0,
						      NULL, 0), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le32(st.mac_table_len), 0, "");

	/* VLAN ADD / DEL: a set of ids (adding one twice counts once). */
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 5, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 4095, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 0, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 5, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le32(st.vlans), 3, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 5, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 6, false),
			    "deleting an absent id is fine");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le32(st.vlans), 2, "");

	/* MQ VQ_PAIRS_SET: 1 ..= the device's max pairs, with no driver. */
	TEST_ASSERT_SUCCESS(rte_avq_net_vq_pairs_set(fx->aq, id, NC_PAIRS), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le16(st.vq_pairs), NC_PAIRS, "");
	le = avq_to_le16(2);
	TEST_ASSERT_EQUAL(nc_exec(fx, id, AVQ_NET_CTRL_MQ,
				  AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, &le, 2),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(avq_le16(st.vq_pairs), 2, "");

	/* TRUST_SET. */
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(st.trusted, 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(st.trusted, 1, "");
	return TEST_SUCCESS;
}

static int
test_net_ctrl_exec(void)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, NULL, exec_body, NULL);
}

/* ---- Malformed input ---- */

struct bad_exec {
	const char *what;
	uint8_t cls;
	uint8_t cmd;
	uint8_t len;
	uint8_t data[24];
	int ack;
};

static const struct bad_exec bad_execs[] = {
	{ "promisc, no byte", AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_PROMISC, 0,
	  { 0 }, AVQ_ACK_INVAL },
	{ "promisc, 2 bytes", AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_PROMISC, 2,
	  { 0, 0 }, AVQ_ACK_INVAL },
	{ "promisc 2", AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_PROMISC, 1,
	  { 2 }, AVQ_ACK_INVAL },
	{ "allmulti 0xff", AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_ALLMULTI, 1,
	  { 0xff }, AVQ_ACK_INVAL },
	{ "ALLUNI (needs CTRL_RX_EXTRA)", AVQ_NET_CTRL_RX, 2, 1, { 1 },
	  AVQ_ACK_UNSUPP },
	{ "RX command 0xff", AVQ_NET_CTRL_RX, 0xff, 1, { 1 },
	  AVQ_ACK_UNSUPP },
	{ "ADDR_SET, 5 bytes", AVQ_NET_CTRL_MAC, AVQ_NET_CTRL_MAC_ADDR_SET, 5,
	  { 0x02, 1, 2, 3, 4 }, AVQ_ACK_INVAL },
	{ "ADDR_SET, 7 bytes", AVQ_NET_CTRL_MAC, AVQ_NET_CTRL_MAC_ADDR_SET, 7,
	  { 0x02, 1, 2, 3, 4, 5, 6 }, AVQ_ACK_INVAL },
	{ "ADDR_SET multicast", AVQ_NET_CTRL_MAC, AVQ_NET_CTRL_MAC_ADDR_SET, 6,
	  { 0x01, 1, 2, 3, 4, 5 }, AVQ_ACK_INVAL },
	{ "TABLE_SET, 3 bytes", AVQ_NET_CTRL_MAC, AVQ_NET_CTRL_MAC_TABLE_SET, 3,
	  { 0, 0, 0 }, AVQ_ACK_INVAL },
	{ "TABLE_SET, 5 unicast announced, none given", AVQ_NET_CTRL_MAC,
	  AVQ_NET_CTRL_MAC_TABLE_SET, 8, { 5, 0, 0, 0, 0, 0, 0, 0 },
	  AVQ_ACK_INVAL },
	{ "TABLE_SET, no multicast count", AVQ_NET_CTRL_MAC,
	  AVQ_NET_CTRL_MAC_TABLE_SET, 4, { 0, 0, 0, 0 }, AVQ_ACK_INVAL },
	{ "TABLE_SET, a byte too many", AVQ_NET_CTRL_MAC,
	  AVQ_NET_CTRL_MAC_TABLE_SET, 9, { 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	  AVQ_ACK_INVAL },
	{ "TABLE_SET, 65 unicast", AVQ_NET_CTRL_MAC,
	  AVQ_NET_CTRL_MAC_TABLE_SET, 8, { 65, 0, 0, 0, 0, 0, 0, 0 },
	  AVQ_ACK_INVAL },
	{ "TABLE_SET, count 2^32-1", AVQ_NET_CTRL_MAC,
	  AVQ_NET_CTRL_MAC_TABLE_SET, 8, { 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
	  AVQ_ACK_INVAL },
	{ "MAC command 2", AVQ_NET_CTRL_MAC, 2, 6, { 0x02 }, AVQ_ACK_UNSUPP },
	{ "VLAN 4096", AVQ_NET_CTRL_VLAN, AVQ_NET_CTRL_VLAN_ADD, 2,
	  { 0x00, 0x10 }, AVQ_ACK_INVAL },
	{ "VLAN 0xffff del", AVQ_NET_CTRL_VLAN, AVQ_NET_CTRL_VLAN_DEL, 2,
	  { 0xff, 0xff }, AVQ_ACK_INVAL },
	{ "VLAN, 1 byte", AVQ_NET_CTRL_VLAN, AVQ_NET_CTRL_VLAN_ADD, 1, { 5 },
	  AVQ_ACK_INVAL },
	{ "VLAN, 3 bytes", AVQ_NET_CTRL_VLAN, AVQ_NET_CTRL_VLAN_ADD, 3,
	  { 5, 0, 0 }, AVQ_ACK_INVAL },
	{ "VLAN command 2", AVQ_NET_CTRL_VLAN, 2, 2, { 5, 0 }, AVQ_ACK_UNSUPP },
	{ "pairs 0", AVQ_NET_CTRL_MQ, AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, 2,
	  { 0, 0 }, AVQ_ACK_INVAL },
	{ "pairs max + 1", AVQ_NET_CTRL_MQ, AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, 2,
	  { NC_PAIRS + 1, 0 }, AVQ_ACK_INVAL },
	{ "pairs 0x8000", AVQ_NET_CTRL_MQ, AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, 2,
	  { 0, 0x80 }, AVQ_ACK_INVAL },
	{ "pairs, 1 byte", AVQ_NET_CTRL_MQ, AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, 1,
	  { 2 }, AVQ_ACK_INVAL },
	{ "pairs, 4 bytes", AVQ_NET_CTRL_MQ, AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, 4,
	  { 2, 0, 0, 0 }, AVQ_ACK_INVAL },
	{ "MQ RSS_CONFIG", AVQ_NET_CTRL_MQ, 1, 2, { 2, 0 }, AVQ_ACK_UNSUPP },
	{ "class 3 (ANNOUNCE)", 3, 0, 0, { 0 }, AVQ_ACK_UNSUPP },
	{ "class 5 (GUEST_OFFLOADS)", 5, 0, 8, { 0 }, AVQ_ACK_UNSUPP },
	{ "class 77", 77, 0, 1, { 1 }, AVQ_ACK_UNSUPP },
};

static int
malformed_body(struct avq_fx *fx, void *arg)
{
	struct avq_net_ctrl_state before, after;
	uint8_t out[4] = { AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_PROMISC, 0, 0 };
	uint8_t mac[6], mac2[6], big[64];
	uint32_t gen0, gen1;
	unsigned int i;
	uint64_t id;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(nc_create(fx, 3, &id), "");
	/* Move every field off its default, so a change shows. */
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_allmulti_set(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_table_set(fx->aq, id, &mac_x, 1,
						      &mac_m, 1), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 7, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vq_pairs_set(fx->aq, id, 3), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(fx->aq, id, false), "");
	TEST_ASSERT_EQUAL(nc_state_ack(fx, id, &before), AVQ_ACK_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, mac, 6), "");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &gen0), "");

	for (i = 0; i < RTE_DIM(bad_execs); i++) {
		const struct bad_exec *b = &bad_execs[i];

		TEST_ASSERT_EQUAL(nc_exec(fx, id, b->cls, b->cmd, b->data,
					  b->len),
				  avq_fx_want_ack(fx, b->ack), "%s", b->what);
	}
	/* Shorter than class and command. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_EXEC, NULL, 0, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "no out-data");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_EXEC, out, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "1 byte");
	/* TRUST_SET: one byte, 0 or 1. */
	out[0] = 2;
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, out, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "trust 2");
	out[0] = 0xff;
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, out, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "trust 0xff");
	out[0] = 1;
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, NULL, 0, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "trust, no byte");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, out, 2, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "trust, 2 bytes");
	/* STATE_GET: no out-data, room for the whole state. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_STATE_GET, out, 1, &after,
				     sizeof(after)),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "state, out-data");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_STATE_GET, NULL, 0, &after,
				     sizeof(after) - 1),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "state, short in");
	/* Commands 3 and up do not exist. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL, 3, out, 2,
				     NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "command 3");
	/* The driver helpers refuse what they cannot send. */
	TEST_ASSERT_EQUAL(rte_avq_net_mac_set(fx->aq, id, NULL), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_net_mac_table_set(fx->aq, id, NULL, 1, NULL,
						    0), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_net_mac_table_set(fx->aq, id, NULL, 0, NULL,
						    1), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_net_ctrl(fx->aq, id, 0, 0, NULL, 1), -EINVAL,
			  "");
	TEST_ASSERT_EQUAL(rte_avq_net_ctrl_state_get(fx->aq, id, NULL), -EINVAL,
			  "");
	TEST_ASSERT_EQUAL(rte_avq_net_ctrl(fx->aq, id, 0, 0, big,
					   RTE_AVQ_AQ_BUF_SIZE), -E2BIG, "");
	/* ... and pass on the device's errors. */
	TEST_ASSERT_EQUAL(rte_avq_net_vq_pairs_set(fx->aq, id, 0),
			  nc_errno(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(rte_avq_net_vq_pairs_set(fx->aq, id, NC_PAIRS + 1),
			  nc_errno(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(rte_avq_net_vlan_filter(fx->aq, id, 4096, true),
			  nc_errno(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(rte_avq_net_mac_set(fx->aq, id, mac_m),
			  nc_errno(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(rte_avq_net_ctrl(fx->aq, id, 3, 0, NULL, 0),
			  nc_errno(fx, AVQ_ACK_UNSUPP), "");

	/* Nothing changed. */
	TEST_ASSERT_EQUAL(nc_state_ack(fx, id, &after), AVQ_ACK_OK, "");
	TEST_ASSERT(memcmp(&before, &after, sizeof(after)) == 0,
		    "state changed by a failed command");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(fx->aq, id, 0, mac2, 6), "");
	TEST_ASSERT(memcmp(mac, mac2, 6) == 0, "mac changed");
	TEST_ASSERT_SUCCESS(rte_avq_generation_get(fx->aq, id, &gen1), "");
	TEST_ASSERT_EQUAL(gen0, gen1, "generation moved");
	/* The device still serves. */
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &after), "");
	TEST_ASSERT_EQUAL(after.promisc, 1, "");
	return TEST_SUCCESS;
}

static int
test_net_ctrl_malformed(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, malformed_body, NULL);
}

/* ---- Reset: the filter takes its defaults, trust stays ---- */

static int
reset_body(struct avq_fx *fx, void *arg)
{
	const uint8_t mac_n[6] = { 0x02, 0x55, 0, 0, 0, 0x43 };
	struct avq_net_ctrl_state st;
	uint64_t id;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(nc_create(fx, 4, &id), "");
	/* What the management driver set before DRIVER_OK holds after. */
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 9, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vq_pairs_set(fx->aq, id, 3), "");
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_status_set(fx->aq, id,
					       AVQ_STATUS_ACKNOWLEDGE |
					       AVQ_STATUS_DRIVER |
					       AVQ_STATUS_FEATURES_OK |
					       AVQ_STATUS_DRIVER_OK), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT(st.promisc == 0, "DRIVER_OK opened the filter");
	TEST_ASSERT_EQUAL(avq_le32(st.vlans), 1, "");
	TEST_ASSERT_EQUAL(avq_le16(st.vq_pairs), 3, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_allmulti_set(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_table_set(fx->aq, id, &mac_x, 1,
						      &mac_m, 1), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vlan_filter(fx->aq, id, 9, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_vq_pairs_set(fx->aq, id, 2), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_set(fx->aq, id, mac_n), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_reset(fx->aq, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_SUCCESS(nc_check_defaults(&st, false), "after reset");
	/* The address lives in the config space, which a reset keeps. */
	TEST_ASSERT(memcmp(st.mac, mac_n, 6) == 0, "");
	/* Trusted again: kept across the next reset too. */
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(fx->aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_reset(fx->aq, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id, &st), "");
	TEST_ASSERT_SUCCESS(nc_check_defaults(&st, true), "");
	return TEST_SUCCESS;
}

static int
test_net_ctrl_reset(void)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, NULL, reset_body, NULL);
}

/* ---- Datapath ---- */

#define NDEV	3

struct env {
	struct avq_fx fx;
	struct dpd d[NDEV];
	uint8_t f[2048];
};

typedef int (*env_fn)(struct env *e);

static int
env_run(env_fn fn)
{
	struct env *e = calloc(1, sizeof(*e));
	unsigned int i;
	int ret;

	TEST_ASSERT_NOT_NULL(e, "");
	ret = avq_fx_setup(&e->fx, NULL) == 0 ? fn(e) : TEST_FAILED;
	for (i = 0; i < NDEV; i++)
		dpd_close(&e->d[i]);
	avq_fx_teardown(&e->fx);
	free(e);
	return ret;
}

/* Open device i (MAC ...:i+1, @p pairs pairs, @p feat_off not accepted),
 * post receive buffers on receive queue 0. */
static int
env_dev(struct env *e, unsigned int i, uint16_t pairs, uint64_t feat_off)
{
	struct dpd_cfg c;

	dpd_cfg_init(&c, (uint8_t)(i + 1));
	c.pairs = pairs;
	c.feat_off = feat_off;
	c.vector_base = 16 * i;
	TEST_ASSERT_SUCCESS(dpd_open(&e->d[i], &e->fx, &c), "device %u", i);
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->d[i], 0, 32, 2048), "");
	return TEST_SUCCESS;
}

/* A sends a frame to @p dst; B must get it (or not). */
static int
env_pass(struct env *e, struct dpd *a, struct dpd *b, const uint8_t *dst,
	 uint32_t seed, bool delivered)
{
	dpd_frame(e->f, 90, dst, a->mac, seed);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	if (delivered)
		return dpd_expect(b, 0, e->f, 90, 1, 2000);
	return dpd_expect_none(b, 0, 100);
}

static int
dp_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1], *c = &e->d[2];
	struct rte_avq_dev_net_stats ns;
	struct rte_avq_aq *aq = e->fx.aq;
	uint32_t i;

	TEST_ASSERT_SUCCESS(env_dev(e, 0, 1, 0), "");
	TEST_ASSERT_SUCCESS(env_dev(e, 1, 1, 0), "");
	/* C's driver negotiated no control queue at all: the management
	 * driver still programs its filter (it acts with authority), and
	 * MQ pairs set through class 67 never reach a queue C lacks. */
	TEST_ASSERT_SUCCESS(env_dev(e, 2, 2,
				    RTE_BIT64(VIRTIO_NET_F_CTRL_VQ) |
				    RTE_BIT64(VIRTIO_NET_F_CTRL_RX) |
				    RTE_BIT64(VIRTIO_NET_F_CTRL_VLAN) |
				    RTE_BIT64(VIRTIO_NET_F_CTRL_MAC_ADDR) |
				    RTE_BIT64(VIRTIO_NET_F_MQ)), "");

	/* Promiscuous off through class 67: a frame for an unknown address
	 * is not delivered; on again: it is. */
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_x, 1, true), "open filter");
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(aq, b->id, false), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_x, 2, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT(!ns.promisc && ns.rx_filtered >= 1, "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, b->mac, 3, true), "own address");
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(aq, b->id, true), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_x, 4, true), "");

	/* The MAC table through class 67: X passes, Y does not. */
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(aq, b->id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_mac_table_set(aq, b->id, &mac_x, 1,
						      NULL, 0), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_x, 5, true), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_y, 6, false), "");

	/* C without CTRL_VQ: closed by the management driver. (C saw the
	 * frames flooded for unknown addresses: skip them.) */
	TEST_ASSERT_EQUAL(c->ctrlq, UINT16_MAX, "");
	while (dpd_rx_ready(c, 0, 50))
		dpd_rx(c, 0, e->f, sizeof(e->f), NULL, 0);
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(aq, c->id, false), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, c, mac_y, 7, false), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, c, c->mac, 8, true), "");
	/* Two pairs set while the driver has one: every flow still lands on
	 * receive queue 0, nothing faults. */
	TEST_ASSERT_SUCCESS(rte_avq_net_vq_pairs_set(aq, c->id, 2), "");
	for (i = 0; i < 8; i++) {
		dpd_frame(e->f, 90, c->mac, a->mac, 100 + i);
		e->f[20] = (uint8_t)i;		/* another flow each */
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
		TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 90, 1, 2000),
				    "flow %u", i);
	}
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, c->id, &ns), "");
	TEST_ASSERT_EQUAL(ns.active_pairs, 1, "");
	TEST_ASSERT_EQUAL(ns.faults, 0, "");
	TEST_ASSERT(dpd_status(c) == (AVQ_STATUS_ACKNOWLEDGE |
				      AVQ_STATUS_DRIVER |
				      AVQ_STATUS_FEATURES_OK |
				      AVQ_STATUS_DRIVER_OK), "");
	/* A reset opens the filter again. */
	TEST_ASSERT_SUCCESS(dpd_restart(c), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(c, 0, 32, 2048), "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, c, mac_y, 9, true), "");
	return TEST_SUCCESS;
}

static int
test_net_ctrl_dp(void)
{
	return env_run(dp_body);
}

/* ---- Trust (seed 001) ---- */

static int
ctrl_rx(struct dpd *d, uint8_t cmd, uint8_t on)
{
	return dpd_ctrl(d, VIRTIO_NET_CTRL_RX, cmd, &on, 1);
}

static int
trust_body(struct env *e)
{
	const uint8_t mac_n[6] = { 0x02, 0x55, 0, 0, 0, 0x44 };
	struct avq_net_ctrl_state before, st;
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_aq *aq = e->fx.aq;
	uint8_t table[8 + 6];
	uint16_t vid, pairs;

	TEST_ASSERT_SUCCESS(env_dev(e, 0, 1, 0), "");
	TEST_ASSERT_SUCCESS(env_dev(e, 1, 2, 0), "");
	/* Trusted by default: the own control queue works. */
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(aq, b->id, &st), "");
	TEST_ASSERT_EQUAL(st.trusted, 1, "");
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_ALLMULTI, 1),
			  VIRTIO_NET_OK, "");

	/* Not trusted: RX, MAC and VLAN commands of B's own control queue
	 * get VIRTIO_NET_ERR, are counted, and change nothing. */
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(aq, b->id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(aq, b->id, &before), "");
	TEST_ASSERT_EQUAL(before.trusted, 0, "");
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 0),
			  VIRTIO_NET_ERR, "");
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_ALLMULTI, 0),
			  VIRTIO_NET_ERR, "");
	memset(table, 0, sizeof(table));
	table[0] = 1;
	memcpy(table + 4, mac_x, 6);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MAC,
				   VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
				   sizeof(table)), VIRTIO_NET_ERR, "");
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MAC,
				   VIRTIO_NET_CTRL_MAC_ADDR_SET, mac_n, 6),
			  VIRTIO_NET_ERR, "");
	vid = avq_to_le16(5);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_VLAN,
				   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_ERR, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(aq, b->id, &st), "");
	TEST_ASSERT_EQUAL(avq_le32(st.own_refused), 5, "");
	st.own_refused = before.own_refused;
	TEST_ASSERT(memcmp(&st, &before, sizeof(st)) == 0,
		    "a refused command changed the filter");
	/* Still promiscuous: a frame for an unknown address arrives. */
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_x, 1, true), "");
	/* MQ is the driver's own resource: allowed. */
	pairs = avq_to_le16(2);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MQ,
				   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(aq, b->id, &st), "");
	TEST_ASSERT_EQUAL(avq_le16(st.vq_pairs), 2, "");
	TEST_ASSERT_EQUAL(avq_le32(st.own_refused), 5, "MQ is not refused");
	/* The management driver is not bound by trust. */
	TEST_ASSERT_SUCCESS(rte_avq_net_allmulti_set(aq, b->id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(aq, b->id, &st), "");
	TEST_ASSERT_EQUAL(st.allmulti, 0, "");

	/* Trusted again: accepted, and it takes effect. */
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(aq, b->id, true), "");
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 0),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_VLAN,
				   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(aq, b->id, &st), "");
	TEST_ASSERT(st.trusted == 1 && st.promisc == 0, "");
	TEST_ASSERT_EQUAL(avq_le32(st.vlans), 1, "");
	TEST_ASSERT_EQUAL(avq_le32(st.own_refused), 5, "");
	TEST_ASSERT_SUCCESS(env_pass(e, a, b, mac_x, 2, false), "");
	return TEST_SUCCESS;
}

/* Seed 001: "A new command class is introduced decide whether or not to
 * accept commands from normal cvq for a virtual [device]". */
static int
test_conf_net_trust(void)
{
	return env_run(trust_body);
}

/* ---- Seed 001: ids ---- */

/* Seed 001: "Management device MUST reserve 0 for virtual_device_id to
 * identify itself." */
static int
mgmt_id_zero_body(struct avq_fx *fx, void *arg)
{
	struct avq_net_ctrl_state st, before;
	uint64_t id, first = 0;
	unsigned int i;
	uint8_t on = 0;

	RTE_SET_USED(arg);
	/* No managed device is ever 0. */
	for (i = 0; i < 20; i++) {
		TEST_ASSERT_SUCCESS(nc_create(fx, (uint8_t)i, &id), "");
		TEST_ASSERT_NOT_EQUAL(id, AVQ_MGMT_DEVICE_ID, "round %u", i);
		if (first == 0) {
			first = id;
			continue;
		}
		TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(fx->aq, id, false), "");
	}
	TEST_ASSERT_EQUAL(nc_state_ack(fx, first, &before), AVQ_ACK_OK, "");
	/* 0 names the management device, which has no virtio-net function
	 * of its own here: every class 67 command for it fails ... */
	TEST_ASSERT_EQUAL(nc_exec(fx, AVQ_MGMT_DEVICE_ID, AVQ_NET_CTRL_RX,
				  AVQ_NET_CTRL_RX_PROMISC, &on, 1),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, &on, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(nc_state_ack(fx, AVQ_MGMT_DEVICE_ID, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(rte_avq_net_promisc_set(fx->aq, AVQ_MGMT_DEVICE_ID,
						  false),
			  nc_errno(fx, AVQ_ACK_INVAL), "");
	/* ... and reaches no managed device. */
	TEST_ASSERT_EQUAL(nc_state_ack(fx, first, &st), AVQ_ACK_OK, "");
	TEST_ASSERT(memcmp(&st, &before, sizeof(st)) == 0, "");
	TEST_ASSERT_EQUAL(st.promisc, 1, "");
	TEST_ASSERT_EQUAL(st.trusted, 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, first, false), "");
	return TEST_SUCCESS;
}

static int
test_conf_net_mgmt_id_zero(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, mgmt_id_zero_body, NULL);
}

/* Seed 001: "if virtual device (VF) is destroyed ..., the command won't be
 * effective any more even if it is re-created later"; "when the device is
 * receiving admin cvq command when the virtual device is not existed, the
 * device must fail this command." */
static int
destroyed_body(struct avq_fx *fx, void *arg)
{
	struct avq_net_ctrl_state st;
	uint64_t id, id2, other;
	uint8_t on = 0;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(nc_create(fx, 1, &id), "");
	TEST_ASSERT_SUCCESS(nc_create(fx, 2, &other), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_net_trust_set(fx->aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(fx->aq, id, false), "");
	/* Every command of the class fails for the destroyed id ... */
	TEST_ASSERT_EQUAL(nc_exec(fx, id, AVQ_NET_CTRL_RX,
				  AVQ_NET_CTRL_RX_PROMISC, &on, 1),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_NET_CTRL,
				     AVQ_NET_CTRL_TRUST_SET, &on, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(nc_state_ack(fx, id, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(rte_avq_net_vlan_filter(fx->aq, id, 1, true),
			  nc_errno(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(rte_avq_net_ctrl_state_get(fx->aq, id, &st),
			  nc_errno(fx, AVQ_ACK_NOENT), "");
	/* ... and for an id never created. */
	TEST_ASSERT_EQUAL(nc_exec(fx, other + 1000, AVQ_NET_CTRL_RX,
				  AVQ_NET_CTRL_RX_PROMISC, &on, 1),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(nc_state_ack(fx, other + 1000, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	/* A re-created device is a new id with nothing of the old one. */
	TEST_ASSERT_SUCCESS(nc_create(fx, 1, &id2), "");
	TEST_ASSERT(id2 != id && id2 > other, "id %" PRIu64 " reused", id2);
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, id2, &st), "");
	TEST_ASSERT_SUCCESS(nc_check_defaults(&st, true), "re-created");
	TEST_ASSERT_EQUAL(nc_state_ack(fx, id, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "still gone");
	/* The other device was never touched and still works. */
	TEST_ASSERT_SUCCESS(rte_avq_net_ctrl_state_get(fx->aq, other, &st), "");
	TEST_ASSERT_SUCCESS(nc_check_defaults(&st, true), "other");
	TEST_ASSERT_SUCCESS(rte_avq_net_promisc_set(fx->aq, other, false), "");
	return TEST_SUCCESS;
}

static int
test_conf_net_destroyed_fails(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, destroyed_body, NULL);
}

REGISTER_AVQ_TEST(net_ctrl_cap_autotest, test_net_ctrl_cap);
REGISTER_AVQ_TEST(net_ctrl_exec_autotest, test_net_ctrl_exec);
REGISTER_AVQ_TEST(net_ctrl_malformed_autotest, test_net_ctrl_malformed);
REGISTER_AVQ_TEST(net_ctrl_reset_autotest, test_net_ctrl_reset);
REGISTER_AVQ_TEST(net_ctrl_dp_autotest, test_net_ctrl_dp);
REGISTER_AVQ_TEST(conf_net_trust_autotest, test_conf_net_trust);
REGISTER_AVQ_TEST(conf_net_mgmt_id_zero_autotest, test_conf_net_mgmt_id_zero);
REGISTER_AVQ_TEST(conf_net_destroyed_fails_autotest,
		  test_conf_net_destroyed_fails);
