/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Datapath of the device model: managed virtio-net devices set up through
 * the admin queue exchange frames through the embedded switch. Every test
 * drives the devices with the test-side driver (test_dp_driver.c) and
 * checks frames byte for byte and the counters of rte_avq_dev_vq_stats().
 */

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "avq_fixture.h"
#include "avq_test.h"
#include "test_dp_driver.h"

#define NDEV	4

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
/* An address no device has. */
static const uint8_t mac_x[6] = { 0x02, 0x99, 0x00, 0x00, 0x00, 0x01 };

#define UPLINK_NAME	"net_ring_avqdp"

struct env {
	struct avq_fx fx;
	struct avq_fx fx2;
	struct dpd d[NDEV];
	bool up;		/* the ring port below exists */
	uint16_t up_port;
	struct rte_mempool *up_mp;
	uint8_t f[2048];
	uint8_t g[2048];
};

typedef int (*env_fn)(struct env *e);

/* Run @p fn with a fresh fixture (@p p: its parameters, NULL: the
 * defaults); everything is torn down on every path. */
static int
env_run_p(env_fn fn, const struct rte_avq_dev_params *p)
{
	struct env *e = calloc(1, sizeof(*e));
	unsigned int i;
	int ret;

	TEST_ASSERT_NOT_NULL(e, "");
	ret = avq_fx_setup(&e->fx, p) == 0 ? fn(e) : TEST_FAILED;
	for (i = 0; i < NDEV; i++)
		dpd_close(&e->d[i]);
	if (e->up) {
		/* The uplink goes before its port stops. */
		if (e->fx.dev != NULL)
			rte_avq_dev_uplink_set(e->fx.dev, -1);
		rte_eth_dev_stop(e->up_port);
		rte_eth_dev_close(e->up_port);
		rte_eal_hotplug_remove("vdev", UPLINK_NAME);
	}
	if (e->fx2.dev != NULL)
		avq_fx_teardown(&e->fx2);
	avq_fx_teardown(&e->fx);
	rte_mempool_free(e->up_mp);
	free(e);
	return ret;
}

static int
env_run(env_fn fn)
{
	return env_run_p(fn, NULL);
}

/* Open device i on @p fx with MAC ...:i+1 and @p feat_off, post @p nrx
 * receive buffers on receive queue 0. */
static int
env_dev(struct env *e, struct avq_fx *fx, unsigned int i, uint64_t feat_off,
	unsigned int nrx)
{
	struct dpd_cfg c;

	dpd_cfg_init(&c, (uint8_t)(i + 1));
	c.feat_off = feat_off;
	TEST_ASSERT_SUCCESS(dpd_open(&e->d[i], fx, &c), "device %u", i);
	if (nrx != 0)
		TEST_ASSERT_SUCCESS(dpd_rx_post(&e->d[i], 0, nrx, 2048), "");
	return TEST_SUCCESS;
}

/* ---- Switching ---- */

/* @p from sends frame @p seed (@p len bytes, to @p dst); it must reach
 * @p to, byte for byte. */
static int
hop(struct env *e, struct dpd *from, const uint8_t *dst, struct dpd *to,
    uint32_t len, uint32_t seed)
{
	dpd_frame(e->f, len, dst, from->mac, seed);
	TEST_ASSERT_SUCCESS(dpd_send(from, 1, e->f, len), "");
	return dpd_expect(to, 0, e->f, len, 1, 2000);
}

static int
switch_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1], *c = &e->d[2];
	struct rte_avq_dev_vq_stats s;
	struct rte_avq_dev_switch_info si;
	unsigned int i;

	for (i = 0; i < 3; i++)
		TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, i, 0, 32), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT_EQUAL(si.ports, 3, "every device at DRIVER_OK is a port");

	/* Broadcast: flooded to every port but the source. */
	dpd_frame(e->f, 100, bcast, a->mac, 1);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 100, 1, 2000), "");
	/* Unknown unicast: flooded too. */
	dpd_frame(e->f, 80, mac_x, a->mac, 2);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 80), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 80, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 80, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(a, 0, 50), "never back to the source");
	/* A was learned from its frames: B -> A reaches A only. */
	TEST_ASSERT_SUCCESS(hop(e, b, a->mac, a, 60, 3), "");
	/* And B was learned from that one. */
	TEST_ASSERT_SUCCESS(hop(e, a, b->mac, b, 200, 4), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(c, 0, 100), "known unicast flooded");

	/* The counters match what moved. */
	s = dpd_stats(a, 1);
	TEST_ASSERT_EQUAL(s.packets, 3, "A tx");
	TEST_ASSERT_EQUAL(s.bytes, 100 + 80 + 200, "A tx bytes");
	s = dpd_stats(a, 0);
	TEST_ASSERT_EQUAL(s.packets, 1, "A rx");
	TEST_ASSERT_EQUAL(s.bytes, 60, "A rx bytes");
	s = dpd_stats(b, 0);
	TEST_ASSERT_EQUAL(s.packets, 3, "B rx");
	TEST_ASSERT_EQUAL(s.bytes, 100 + 80 + 200, "B rx bytes");
	TEST_ASSERT_EQUAL(s.drops, 0, "B rx drops");
	s = dpd_stats(b, 1);
	TEST_ASSERT_EQUAL(s.packets, 1, "B tx");
	s = dpd_stats(c, 0);
	TEST_ASSERT_EQUAL(s.packets, 2, "C rx");
	TEST_ASSERT_EQUAL(s.bytes, 180, "C rx bytes");
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT(si.macs >= 2, "learned %u", si.macs);

	/* Counters reset to zero and count again from there. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_stats_reset(e->fx.dev, a->id), "");
	s = dpd_stats(a, 1);
	TEST_ASSERT_EQUAL(s.packets + s.bytes + s.drops + s.errors, 0, "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 200), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 200, 1, 2000), "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 1, "");
	/* Bad arguments. */
	TEST_ASSERT_EQUAL(rte_avq_dev_vq_stats(e->fx.dev, a->id, 3, &s),
			  -ERANGE, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vq_stats(e->fx.dev, 999, 0, &s),
			  -ENOENT, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vq_stats(e->fx.dev, a->id, 0, NULL),
			  -EINVAL, "");
	return TEST_SUCCESS;
}

static int
test_dp_switch(void)
{
	return env_run(switch_body);
}


/* ---- Two management devices ---- */

static int
two_mgmt_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_params p;
	struct rte_avq_dev_switch_info si;
	unsigned int i;

	/* A second management device in the process, with its own thread. */
	avq_fx_params(&p);
	snprintf(p.name, sizeof(p.name), "avqtest2");
	TEST_ASSERT_SUCCESS(avq_fx_setup(&e->fx2, &p), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 64), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx2, 1, 0, 64), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT_EQUAL(si.ports, 2, "one switch for both");
	/* Both ways, several rounds, every length from short to long. */
	for (i = 0; i < 40; i++) {
		uint32_t len = 60 + i * 37;

		dpd_frame(e->f, len, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, len), "");
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, len, 1, 2000),
				    "round %u A -> B", i);
		dpd_frame(e->g, len, a->mac, b->mac, i + 1000);
		TEST_ASSERT_SUCCESS(dpd_send(b, 1, e->g, len), "");
		TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->g, len, 1, 2000),
				    "round %u B -> A", i);
		if (i % 8 == 7) {
			TEST_ASSERT_SUCCESS(dpd_rx_post(a, 0, 8, 2048), "");
			TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 8, 2048), "");
		}
	}
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 40, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).packets, 40, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 1).packets, 40, "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 0).packets, 40, "");
	/* A burst the other way round: B's thread hands A's thread 32 at
	 * once (one enqueue), all arrive in order. */
	for (i = 0; i < 32; i++) {
		dpd_frame(e->f, 64, a->mac, b->mac, 5000 + i);
		TEST_ASSERT_SUCCESS(dpd_tx(b, 1, e->f, 64, NULL), "");
	}
	for (i = 0; i < 32; i++) {
		dpd_frame(e->f, 64, a->mac, b->mac, 5000 + i);
		TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 64, 1, 2000),
				    "frame %u of the burst", i);
	}
	return TEST_SUCCESS;
}

static int
test_dp_two_mgmt(void)
{
	return env_run(two_mgmt_body);
}

/* ---- Mergeable receive buffers ---- */

static int
mrg_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1], *c = &e->d[2];

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 0), "");
	/* B negotiates VIRTIO_NET_F_MRG_RXBUF, C does not; both post
	 * 512-byte buffers. */
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 0), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 2,
				    RTE_BIT64(VIRTIO_NET_F_MRG_RXBUF), 0), "");
	TEST_ASSERT(b->features & RTE_BIT64(VIRTIO_NET_F_MRG_RXBUF), "");
	TEST_ASSERT(!(c->features & RTE_BIT64(VIRTIO_NET_F_MRG_RXBUF)), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 16, 512), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(c, 0, 16, 512), "");

	/* 1500 bytes + the 12-byte header in 512-byte buffers: 3 chains,
	 * num_buffers 3 (virtio 1.2, 5.1.6.4). */
	dpd_frame(e->f, 1500, bcast, a->mac, 7);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 1500), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 1500, 3, 2000), "");
	/* Without MRG_RXBUF the frame must fit one chain: dropped, counted
	 * (virtio 1.2, 5.1.6.3.2), and the chain is left for the next. */
	TEST_ASSERT_SUCCESS(dpd_expect_none(c, 0, 100), "");
	TEST_ASSERT_EQUAL(dpd_stats(c, 0).drops, 1, "C drops");
	TEST_ASSERT_EQUAL(dpd_stats(c, 0).packets, 0, "");
	dpd_frame(e->f, 400, bcast, a->mac, 8);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 400), "");
	TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 400, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 400, 1, 2000), "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).packets, 2, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).bytes, 1900, "");
	TEST_ASSERT_EQUAL(dpd_stats(c, 0).packets, 1, "");
	/* A merged frame takes nothing until enough buffers are there: D
	 * has two 512-byte buffers for a frame that needs three. */
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 3, 0, 0), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->d[3], 0, 2, 512), "");
	dpd_frame(e->f, 1300, e->d[3].mac, a->mac, 10);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 1300), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(&e->d[3], 0, 100), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->d[3], 0, 1, 512), "");
	TEST_ASSERT_SUCCESS(dpd_expect(&e->d[3], 0, e->f, 1300, 3, 2000), "");
	/* (B and C saw it flooded: D was not learned.) */
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 1300, 3, 2000), "");
	dpd_frame(e->f, 1514, bcast, a->mac, 9);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 1514), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 1514, 3, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(c, 0, 50), "");
	TEST_ASSERT_EQUAL(dpd_stats(c, 0).drops, 3, "C drops");
	return TEST_SUCCESS;
}

static int
test_dp_mrg_rxbuf(void)
{
	return env_run(mrg_body);
}

/* ---- Used elements beyond the device's stage ---- */

/*
 * The device stages a queue's used elements (32) and writes them into the
 * ring when it publishes used->idx or when the stage is full. A merged
 * frame in 32-byte buffers takes 48 elements before its one publish: the
 * stage fills and is written in the middle of the frame. Then frames of
 * exactly 32 and of 33 buffers. dpd_expect() reads every element in order
 * and compares every byte of the reassembled frame.
 */
static int
used_stage_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	static const uint32_t len[] = { 1500, 1012, 1044 };
	static const uint16_t nb[] = { 48, 32, 33 };
	struct dpd_cfg c;
	unsigned int i;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 0), "");
	dpd_cfg_init(&c, 2);
	c.qsize = 256;
	TEST_ASSERT_SUCCESS(dpd_open(b, &e->fx, &c), "");
	TEST_ASSERT(b->features & RTE_BIT64(VIRTIO_NET_F_MRG_RXBUF), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 200, 32), "");
	for (i = 0; i < RTE_DIM(len); i++) {
		/* header + frame in 32-byte buffers */
		TEST_ASSERT_EQUAL((DPD_HDR_LEN + len[i] + 31) / 32, nb[i], "");
		dpd_frame(e->f, len[i], b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, len[i]), "");
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, len[i], nb[i], 2000),
				    "frame %u", i);
	}
	TEST_ASSERT_EQUAL(b->q[0].used_seen, 48 + 32 + 33, "used elements");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).packets, 3, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).drops, 0, "");
	return TEST_SUCCESS;
}

static int
test_dp_used_stage(void)
{
	return env_run(used_stage_body);
}

/* ---- Multi-queue ---- */

/* An IPv4/UDP frame of flow @p flow. */
static void
udp_frame(uint8_t *f, uint32_t len, const uint8_t *dst, const uint8_t *src,
	  uint32_t flow)
{
	dpd_frame(f, len, dst, src, flow);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;			/* IPv4, 20-byte header */
	f[23] = 17;			/* UDP */
	f[26] = 10; f[27] = 0; f[28] = 0; f[29] = (uint8_t)flow;
	f[30] = 10; f[31] = 0; f[32] = 1; f[33] = 1;
	f[34] = (uint8_t)(flow >> 8);
	f[35] = (uint8_t)flow;
	f[36] = 0x12;
	f[37] = 0x34;
}

static int
mq_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_net_stats ns;
	unsigned int i, got0 = 0, got2 = 0, k;
	struct dpd_cfg c;
	uint16_t pairs;
	int n;

	for (i = 0; i < 2; i++) {
		dpd_cfg_init(&c, (uint8_t)(i + 1));
		c.pairs = 2;
		TEST_ASSERT_SUCCESS(dpd_open(&e->d[i], &e->fx, &c), "");
		TEST_ASSERT(e->d[i].features & RTE_BIT64(VIRTIO_NET_F_MQ), "");
		/* virtio 1.2, 5.1.2: control queue 2N with MQ. */
		TEST_ASSERT_EQUAL(e->d[i].ctrlq, 4, "");
		TEST_ASSERT_SUCCESS(dpd_rx_post(&e->d[i], 0, 40, 2048), "");
		TEST_ASSERT_SUCCESS(dpd_rx_post(&e->d[i], 2, 40, 2048), "");
	}
	/* virtio 1.2, 5.1.6.5.5: 1 ..= max_virtqueue_pairs. */
	pairs = avq_to_le16(3);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MQ,
				   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_ERR, "");
	pairs = avq_to_le16(0);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MQ,
				   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_ERR, "");
	/* Multiqueue starts off: every flow lands on receiveq1. */
	for (i = 0; i < 8; i++) {
		udp_frame(e->f, 100, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	}
	pairs = avq_to_le16(2);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MQ,
				   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT_EQUAL(ns.active_pairs, 2, "");
	/* 32 flows sent on both transmit queues of A (queues 1 and 3): B
	 * receives each on one of its two receive queues, whole. */
	for (i = 0; i < 32; i++) {
		udp_frame(e->f, 100, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, (i & 1) ? 3 : 1, e->f, 100), "");
		n = -1;
		for (k = 0; k < 2000 && n < 0; k++) {
			if (dpd_rx_ready(b, 0, 0)) {
				TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100,
							       1, 0), "");
				got0++;
				n = 0;
			} else if (dpd_rx_ready(b, 2, 0)) {
				TEST_ASSERT_SUCCESS(dpd_expect(b, 2, e->f, 100,
							       1, 0), "");
				got2++;
				n = 2;
			} else {
				usleep(1000);
			}
		}
		TEST_ASSERT(n >= 0, "flow %u arrived nowhere", i);
	}
	TEST_ASSERT_EQUAL(got0 + got2, 32, "");
	TEST_ASSERT(got0 > 0 && got2 > 0, "steering used one queue: %u/%u",
		    got0, got2);
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 8 + 16, "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 3).packets, 16, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).packets, 8 + got0, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 2).packets, got2, "");
	/* One flow, one queue: the same flow again goes where it went. */
	udp_frame(e->f, 100, b->mac, a->mac, 5);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	n = dpd_rx_ready(b, 0, 1000) ? 0 : 2;
	TEST_ASSERT_SUCCESS(dpd_expect(b, (uint16_t)n, e->f, 100, 1, 1000), "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 3, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, (uint16_t)n, e->f, 100, 1, 1000), "");
	/* Back to one pair: receiveq1 only. */
	pairs = avq_to_le16(1);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MQ,
				   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
			  VIRTIO_NET_OK, "");
	for (i = 0; i < 8; i++) {
		udp_frame(e->f, 100, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 3, e->f, 100), "");
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	}
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 2, 50), "");
	return TEST_SUCCESS;
}

static int
test_dp_mq(void)
{
	return env_run(mq_body);
}

/* ---- Control queue: rx filter ---- */

static int
ctrl_rx(struct dpd *d, uint8_t cmd, uint8_t on)
{
	return dpd_ctrl(d, VIRTIO_NET_CTRL_RX, cmd, &on, 1);
}

/* MAC table: @p nu unicast then @p nm multicast addresses. */
static int
ctrl_mac_table(struct dpd *d, const uint8_t (*uc)[6], uint32_t nu,
	       const uint8_t (*mc)[6], uint32_t nm)
{
	uint8_t buf[8 + 12 * 6];
	uint32_t le, off = 0;

	le = rte_cpu_to_le_32(nu);
	memcpy(buf, &le, 4);
	off = 4;
	if (nu != 0)
		memcpy(buf + off, uc, 6 * nu);
	off += 6 * nu;
	le = rte_cpu_to_le_32(nm);
	memcpy(buf + off, &le, 4);
	off += 4;
	if (nm != 0)
		memcpy(buf + off, mc, 6 * nm);
	off += 6 * nm;
	return dpd_ctrl(d, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET,
			buf, off);
}

static int
filter_body(struct env *e)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x07 };
	static const uint8_t mcast2[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_net_stats ns;
	uint8_t bad[8];

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 32), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 32), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT(ns.promisc, "the filter starts open");

	/* Promiscuous off: a frame for another address is not delivered. */
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 0),
			  VIRTIO_NET_OK, "");
	dpd_frame(e->f, 90, mac_x, a->mac, 1);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT_EQUAL(ns.rx_filtered, 1, "");
	TEST_ASSERT(!ns.promisc, "");
	/* Its own address, and broadcast, are. */
	dpd_frame(e->f, 90, b->mac, a->mac, 2);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 90, 1, 2000), "");
	dpd_frame(e->f, 90, bcast, a->mac, 3);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 90, 1, 2000), "");
	/* Promiscuous on: delivered. */
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 1),
			  VIRTIO_NET_OK, "");
	dpd_frame(e->f, 90, mac_x, a->mac, 4);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 90, 1, 2000), "");

	/* The MAC table: unicast X and multicast M pass, M2 does not. */
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 0),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_EQUAL(ctrl_mac_table(b, &mac_x, 1, &mcast, 1),
			  VIRTIO_NET_OK, "");
	dpd_frame(e->f, 90, mac_x, a->mac, 5);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 90, 1, 2000), "");
	dpd_frame(e->f, 90, mcast, a->mac, 6);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 90, 1, 2000), "");
	dpd_frame(e->f, 90, mcast2, a->mac, 7);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");
	/* All-multicast: M2 passes. */
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_ALLMULTI, 1),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 90, 1, 2000), "");
	/* An empty table: X is gone. */
	TEST_ASSERT_EQUAL(ctrl_mac_table(b, NULL, 0, NULL, 0), VIRTIO_NET_OK,
			  "");
	dpd_frame(e->f, 90, mac_x, a->mac, 8);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 90), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");

	/* Malformed commands get VIRTIO_NET_ERR and change nothing. */
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 2),
			  VIRTIO_NET_ERR, "");
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_RX,
				   VIRTIO_NET_CTRL_RX_PROMISC, NULL, 0),
			  VIRTIO_NET_ERR, "");
	/* ALLUNI needs VIRTIO_NET_F_CTRL_RX_EXTRA, not offered. */
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_ALLUNI, 1),
			  VIRTIO_NET_ERR, "");
	memset(bad, 0, sizeof(bad));
	bad[0] = 5;		/* 5 unicast entries announced, none given */
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MAC,
				   VIRTIO_NET_CTRL_MAC_TABLE_SET, bad, 8),
			  VIRTIO_NET_ERR, "");
	TEST_ASSERT_EQUAL(dpd_ctrl(b, 77, 0, NULL, 0), VIRTIO_NET_ERR, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT(!ns.promisc && ns.allmulti, "state after the errors");
	TEST_ASSERT_EQUAL(dpd_stats(b, 2).errors, 5, "control errors");
	TEST_ASSERT_EQUAL(dpd_stats(b, 2).packets, 11, "control commands");
	return TEST_SUCCESS;
}

static int
test_dp_ctrl_filter(void)
{
	return env_run(filter_body);
}

/* ---- Control queue: VLAN filter, MAC address ---- */

static void
vlan_frame(uint8_t *f, uint32_t len, const uint8_t *dst, const uint8_t *src,
	   uint16_t vid)
{
	dpd_frame(f, len, dst, src, vid);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(vid >> 8);
	f[15] = (uint8_t)vid;
}

static int
vlan_body(struct env *e)
{
	static const uint8_t mac_n[6] = { 0x02, 0x55, 0x00, 0x00, 0x00, 0x42 };
	struct dpd *a = &e->d[0], *b = &e->d[1], *c = &e->d[2];
	uint16_t vid;
	uint8_t mac[6];

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 32), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 32), "");
	/* C without CTRL_VLAN and CTRL_RX: those commands fail. */
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 2,
				    RTE_BIT64(VIRTIO_NET_F_CTRL_VLAN) |
				    RTE_BIT64(VIRTIO_NET_F_CTRL_RX) |
				    RTE_BIT64(VIRTIO_NET_F_CTRL_MAC_ADDR), 32), "");
	TEST_ASSERT_EQUAL(ctrl_rx(b, VIRTIO_NET_CTRL_RX_PROMISC, 0),
			  VIRTIO_NET_OK, "");
	/* virtio 1.2, 5.1.6.5.3: with CTRL_VLAN, tagged frames pass only
	 * for VLANs the driver added. */
	vlan_frame(e->f, 100, b->mac, a->mac, 5);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");
	vid = avq_to_le16(5);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_VLAN,
				   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	vlan_frame(e->f, 100, b->mac, a->mac, 6);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "VLAN 6 not added");
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_VLAN,
				   VIRTIO_NET_CTRL_VLAN_DEL, &vid, 2),
			  VIRTIO_NET_OK, "");
	vlan_frame(e->f, 100, b->mac, a->mac, 5);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "VLAN 5 deleted");
	/* Untagged frames are not filtered by VLAN. */
	dpd_frame(e->f, 100, b->mac, a->mac, 9);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	vid = avq_to_le16(4096);
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_VLAN,
				   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_ERR, "");

	/* virtio 1.2, 5.1.6.5.2: ADDR_SET changes the address the filter
	 * takes and the config space's mac. */
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MAC,
				   VIRTIO_NET_CTRL_MAC_ADDR_SET, mac_n, 6),
			  VIRTIO_NET_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_config_get(e->fx.aq, b->id, 0, mac, 6), "");
	TEST_ASSERT(memcmp(mac, mac_n, 6) == 0, "config mac");
	dpd_frame(e->f, 100, mac_n, a->mac, 10);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	dpd_frame(e->f, 100, b->mac, a->mac, 11);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "old address");
	TEST_ASSERT_EQUAL(dpd_ctrl(b, VIRTIO_NET_CTRL_MAC,
				   VIRTIO_NET_CTRL_MAC_ADDR_SET, bcast, 6),
			  VIRTIO_NET_ERR, "a multicast address");
	/* Not negotiated: refused. C is promiscuous and stays so. */
	vid = avq_to_le16(5);
	TEST_ASSERT_EQUAL(dpd_ctrl(c, VIRTIO_NET_CTRL_VLAN,
				   VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
			  VIRTIO_NET_ERR, "");
	TEST_ASSERT_EQUAL(ctrl_rx(c, VIRTIO_NET_CTRL_RX_PROMISC, 0),
			  VIRTIO_NET_ERR, "");
	TEST_ASSERT_EQUAL(dpd_ctrl(c, VIRTIO_NET_CTRL_MAC,
				   VIRTIO_NET_CTRL_MAC_ADDR_SET, mac_n, 6),
			  VIRTIO_NET_ERR, "");
	/* (C saw the flooded frames for unknown addresses: skip them.) */
	while (dpd_rx_ready(c, 0, 50))
		dpd_rx(c, 0, e->g, sizeof(e->g), NULL, 0);
	vlan_frame(e->f, 100, c->mac, a->mac, 5);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 100, 1, 2000), "");
	return TEST_SUCCESS;
}

static int
test_dp_ctrl_vlan_mac(void)
{
	return env_run(vlan_body);
}

/* ---- Link status ---- */

static int
link_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 32), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 32), "");
	dpd_frame(e->f, 100, b->mac, a->mac, 1);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	/* A link that is down neither receives ... */
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(e->fx.dev, b->id, false),
			    "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).drops, 1, "");
	/* ... nor sends (the chain is used, the frame dropped). */
	dpd_frame(e->g, 100, a->mac, b->mac, 2);
	TEST_ASSERT_SUCCESS(dpd_send(b, 1, e->g, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(a, 0, 100), "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 1).drops, 1, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 1).packets, 0, "");
	/* Up again: both ways. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(e->fx.dev, b->id, true),
			    "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_send(b, 1, e->g, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->g, 100, 1, 2000), "");
	return TEST_SUCCESS;
}

static int
test_dp_link(void)
{
	return env_run(link_body);
}

/* ---- Reset and queue disable ---- */

static int
reset_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1], *c = &e->d[2];
	struct rte_avq_dev_switch_info si;
	struct rte_avq_dev_net_stats ns;
	unsigned int i;

	for (i = 0; i < 3; i++)
		TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, i, 0, 64), "");
	/* Everyone is learned. */
	for (i = 0; i < 3; i++) {
		dpd_frame(e->f, 64, bcast, e->d[i].mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(&e->d[i], 1, e->f, 64), "");
	}
	for (i = 0; i < 3; i++)
		while (dpd_rx_ready(&e->d[i], 0, 100))
			dpd_rx(&e->d[i], 0, e->g, sizeof(e->g), NULL, 0);
	/* B sends a stream of frames to A and resets in the middle, with
	 * chains still in its ring. */
	for (i = 0; i < 20; i++) {
		dpd_frame(e->f, 128, a->mac, b->mac, 100 + i);
		TEST_ASSERT_SUCCESS(dpd_tx(b, 1, e->f, 128, NULL), "");
	}
	TEST_ASSERT_SUCCESS(rte_avq_reset(e->fx.aq, b->id), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT(!ns.in_switch, "a reset device leaves the switch");
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT_EQUAL(si.ports, 2, "");
	/* A got a prefix of the stream, in order, and nothing else. */
	for (i = 0; dpd_rx_ready(a, 0, 50); i++) {
		dpd_frame(e->f, 128, a->mac, b->mac, 100 + i);
		TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 128, 1, 0), "");
	}
	TEST_ASSERT(i <= 20, "");
	/* B's address was flushed: a frame to it is unknown unicast now,
	 * flooded to C; A and C keep working. */
	dpd_frame(e->f, 64, b->mac, a->mac, 7);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 64, 1, 2000), "");
	dpd_frame(e->f, 64, a->mac, c->mac, 8);
	TEST_ASSERT_SUCCESS(dpd_send(c, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 64, 1, 2000), "");
	/* B set up again from nothing works. */
	TEST_ASSERT_SUCCESS(dpd_restart(b), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 16, 2048), "");
	dpd_frame(e->f, 64, a->mac, b->mac, 9);
	TEST_ASSERT_SUCCESS(dpd_send(b, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 64, 1, 2000), "");
	dpd_frame(e->f, 64, b->mac, a->mac, 10);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 64, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(c, 0, 50), "B learned again");
	/* Destroying a device takes its port away. */
	dpd_close(c);
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT_EQUAL(si.ports, 2, "");
	return TEST_SUCCESS;
}

static int
test_dp_reset(void)
{
	return env_run(reset_body);
}

static int
qdisable_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_net_stats ns;
	struct rte_avq_vq_params vp;
	unsigned int i;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 32), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 32), "");
	dpd_frame(e->f, 100, b->mac, a->mac, 0);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	/* B disables its receive queue: frames wait in the backlog. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_set(e->fx.aq, b->id, 0, false),
			    "");
	for (i = 1; i <= 5; i++) {
		dpd_frame(e->f, 100, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	}
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT_EQUAL(ns.backlog, 5, "");
	/* The driver takes a fresh ring and enables it again: the device
	 * starts from index 0 and delivers the waiting frames in order. */
	memset(b->q[0].used, 0, AVQ_USED_AREA_SIZE(b->q[0].size));
	memset(b->q[0].avail, 0, AVQ_AVAIL_AREA_SIZE(b->q[0].size));
	b->q[0].avail_idx = 0;
	b->q[0].used_seen = 0;
	memset(b->q[0].chain_n, 0, sizeof(b->q[0].chain_n));
	b->q[0].nfree = 0;
	for (i = b->q[0].size; i-- > 0;)
		b->q[0].free[b->q[0].nfree++] = (uint16_t)i;
	memset(&vp, 0, sizeof(vp));
	vp.size = b->q[0].size;
	vp.desc = b->q[0].desc_iova;
	vp.driver = b->q[0].avail_iova;
	vp.device = b->q[0].used_iova;
	TEST_ASSERT_SUCCESS(rte_avq_vq_setup(e->fx.aq, b->id, 0, &vp), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 16, 2048), "");
	for (i = 1; i <= 5; i++) {
		dpd_frame(e->f, 100, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000),
				    "frame %u", i);
	}
	dpd_frame(e->f, 100, b->mac, a->mac, 6);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 100), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 100, 1, 2000), "");
	/* A disabled transmit queue is not served; enabled again (fresh
	 * ring), it is. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_set(e->fx.aq, a->id, 1, false),
			    "");
	dpd_frame(e->f, 100, b->mac, a->mac, 7);
	TEST_ASSERT_SUCCESS(dpd_tx(a, 1, e->f, 100, NULL), "");
	TEST_ASSERT_EQUAL(dpd_tx_wait(a, 1, 100), -ETIMEDOUT, "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 7, "");
	return TEST_SUCCESS;
}

static int
test_dp_queue_disable(void)
{
	return env_run(qdisable_body);
}

/* ---- Backlog ---- */

static int
backlog_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_net_stats ns;
	unsigned int i;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 8), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 0), "");
	dpd_frame(e->f, 64, bcast, b->mac, 0);
	TEST_ASSERT_SUCCESS(dpd_send(b, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 64, 1, 2000), "");
	/* B has no buffers: 32 frames wait, the other 8 are dropped and
	 * counted; A keeps being served meanwhile. */
	for (i = 0; i < 40; i++) {
		dpd_frame(e->f, 64 + i, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 64 + i), "");
	}
	dpd_frame(e->f, 64, a->mac, b->mac, 99);
	TEST_ASSERT_SUCCESS(dpd_send(b, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 64, 1, 2000), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT_EQUAL(ns.backlog, 32, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).drops, 8, "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 40, "A sent them all");
	/* Buffers come: the first 32, in order. */
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 48, 2048), "");
	for (i = 0; i < 32; i++) {
		dpd_frame(e->f, 64 + i, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 64 + i, 1, 2000),
				    "frame %u", i);
	}
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).packets, 32, "");
	return TEST_SUCCESS;
}

static int
test_dp_backlog(void)
{
	return env_run(backlog_body);
}

/* ---- One burst, many frames: the kept route ---- */

/* Queue frame @p seed (length 64 + seed, to @p dst) on A's transmit
 * queue without publishing it. */
static int
burst_add(struct env *e, struct dpd *a, const uint8_t *dst, uint32_t seed)
{
	dpd_frame(e->f, 64 + seed, dst, a->mac, seed);
	return dpd_tx_add(a, 1, e->f, 64 + seed, NULL);
}

/* Frame @p seed of A, to @p dst, arrives next on @p d. */
static int
burst_expect(struct env *e, struct dpd *d, const struct dpd *a,
	     const uint8_t *dst, uint32_t seed)
{
	dpd_frame(e->f, 64 + seed, dst, a->mac, seed);
	return dpd_expect(d, 0, e->f, 64 + seed, 1, 2000);
}

static int
route_body(struct env *e)
{
	static const uint32_t to[] = { 1, 1, 2, 2, 1, 0, 1, 2 };
	struct dpd *a = &e->d[0], *b = &e->d[1], *c = &e->d[2];
	const struct dpd *dst[] = { NULL, b, c };
	struct rte_avq_dev_net_stats ns;
	unsigned int i;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 8), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 5), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 2, 0, 32), "");
	/* A, B and C are learned; B has 4 buffers left. */
	TEST_ASSERT_SUCCESS(hop(e, a, bcast, b, 64, 99), "");
	TEST_ASSERT_SUCCESS(dpd_expect(c, 0, e->f, 64, 1, 2000), "");
	TEST_ASSERT_SUCCESS(hop(e, b, a->mac, a, 64, 100), "");
	TEST_ASSERT_SUCCESS(hop(e, c, a->mac, a, 64, 101), "");

	/* 12 frames to B in one burst (one pass): the first is switched
	 * the long way, the others take its route. B has 4 buffers: the
	 * other 8 find no room on that route and wait in B's backlog. */
	for (i = 0; i < 12; i++)
		TEST_ASSERT_SUCCESS(burst_add(e, a, b->mac, i), "frame %u", i);
	dpd_avail_publish(a, 1);
	TEST_ASSERT_SUCCESS(dpd_tx_wait(a, 1, 2000), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(e->fx.dev, b->id, &ns), "");
	TEST_ASSERT_EQUAL(ns.backlog, 8, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).packets, 5, "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 16, 2048), "");
	for (i = 0; i < 12; i++)
		TEST_ASSERT_SUCCESS(burst_expect(e, b, a, b->mac, i),
				    "frame %u", i);
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(c, 0, 0), "known unicast flooded");

	/* Destinations change within a burst (B, C, a broadcast): each
	 * frame goes where its own addresses say, in order. */
	for (i = 0; i < RTE_DIM(to); i++)
		TEST_ASSERT_SUCCESS(burst_add(e, a, to[i] == 0 ? bcast :
					      dst[to[i]]->mac, 20 + i), "");
	dpd_avail_publish(a, 1);
	TEST_ASSERT_SUCCESS(dpd_tx_wait(a, 1, 2000), "");
	for (i = 0; i < RTE_DIM(to); i++) {
		if (to[i] != 2)
			TEST_ASSERT_SUCCESS(burst_expect(e, b, a, to[i] == 0 ?
					bcast : b->mac, 20 + i), "B %u", i);
		if (to[i] != 1)
			TEST_ASSERT_SUCCESS(burst_expect(e, c, a, to[i] == 0 ?
					bcast : c->mac, 20 + i), "C %u", i);
	}
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(c, 0, 0), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(a, 0, 0), "never back to the source");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).drops + dpd_stats(c, 0).drops, 0, "");
	return TEST_SUCCESS;
}

static int
test_dp_route(void)
{
	return env_run(route_body);
}

/* ---- Transmit errors ---- */

static int
tx_err_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct virtio_net_hdr_v1 h;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 8), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 8), "");
	/* Shorter than an Ethernet header. */
	dpd_frame(e->f, 14, b->mac, a->mac, 1);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 13), "");
	/* Longer than the MTU (1500) allows, tag included. */
	dpd_frame(e->f, 1519, b->mac, a->mac, 2);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 1519), "");
	/* An offload that was not negotiated. */
	memset(&h, 0, sizeof(h));
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	dpd_frame(e->f, 100, b->mac, a->mac, 3);
	TEST_ASSERT_SUCCESS(dpd_tx(a, 1, e->f, 100, &h), "");
	TEST_ASSERT_SUCCESS(dpd_tx_wait(a, 1, 2000), "");
	memset(&h, 0, sizeof(h));
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	TEST_ASSERT_SUCCESS(dpd_tx(a, 1, e->f, 100, &h), "");
	TEST_ASSERT_SUCCESS(dpd_tx_wait(a, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 100), "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).errors, 4, "");
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 0, "");
	/* The largest frame the MTU allows goes (1518 with the tag room). */
	dpd_frame(e->f, 1518, b->mac, a->mac, 4);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 1518), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 1518, 1, 2000), "");
	TEST_ASSERT((a->features & RTE_BIT64(VIRTIO_NET_F_CSUM)) == 0, "");
	return TEST_SUCCESS;
}

static int
test_dp_tx_errors(void)
{
	return env_run(tx_err_body);
}

/* ---- Interrupts ---- */

/* Wait until queue @p q of @p d counted @p n interrupts; the eventfd
 * write comes before the count, in the same pass. */
static int
irq_wait(struct dpd *d, uint16_t q, uint64_t n)
{
	uint64_t end = avq_test_ms() + 2000;

	while (dpd_stats(d, q).interrupts < n)
		TEST_ASSERT(avq_test_ms() < end, "%" PRIu64 " interrupts counted",
			    dpd_stats(d, q).interrupts);
	return TEST_SUCCESS;
}

static int
irq_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct dpd_cfg c;
	uint64_t n;
	unsigned int i;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 0), "");
	dpd_cfg_init(&c, 2);
	c.irq = true;
	TEST_ASSERT_SUCCESS(dpd_open(b, &e->fx, &c), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(b, 0, 64, 2048), "");
	/* A used-ring update raises the queue's vector. */
	avq_fx_eventfd_count(b->q_fd[0]);
	dpd_frame(e->f, 64, b->mac, a->mac, 1);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 64, 1, 2000), "");
	TEST_ASSERT_SUCCESS(irq_wait(b, 0, 1), "");
	TEST_ASSERT_EQUAL(avq_fx_eventfd_count(b->q_fd[0]), 1, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).interrupts, 1, "");
	/* 32 frames in one burst (one avail->idx publication): delivered in
	 * one pass, at most one interrupt per queue per pass. */
	for (i = 0; i < 32; i++) {
		dpd_frame(e->f, 64, b->mac, a->mac, 100 + i);
		TEST_ASSERT_SUCCESS(dpd_tx_add(a, 1, e->f, 64, NULL), "");
	}
	dpd_avail_publish(a, 1);
	for (i = 0; i < 32; i++) {
		dpd_frame(e->f, 64, b->mac, a->mac, 100 + i);
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 64, 1, 2000),
				    "frame %u", i);
	}
	TEST_ASSERT_SUCCESS(irq_wait(b, 0, 2), "");
	usleep(10000);
	n = avq_fx_eventfd_count(b->q_fd[0]);
	TEST_ASSERT(n >= 1 && n < 32, "%" PRIu64 " interrupts for a burst", n);
	/* VRING_AVAIL_F_NO_INTERRUPT: used entries without interrupts. */
	__atomic_store_n((uint16_t *)(void *)&b->q[0].avail->flags,
			 avq_to_le16(AVQ_AVAIL_F_NO_INTERRUPT),
			 __ATOMIC_RELEASE);
	while (dpd_rx_ready(b, 0, 100))
		dpd_rx(b, 0, e->g, sizeof(e->g), NULL, 0);
	avq_fx_eventfd_count(b->q_fd[0]);
	dpd_frame(e->f, 64, b->mac, a->mac, 2);
	TEST_ASSERT_SUCCESS(dpd_tx_wait(a, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 64, 1, 2000), "");
	usleep(10000);
	TEST_ASSERT_EQUAL(avq_fx_eventfd_count(b->q_fd[0]), 0, "");
	return TEST_SUCCESS;
}

static int
test_dp_interrupts(void)
{
	return env_run(irq_body);
}

/* ---- Idle ---- */

static int
idle_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_stats s0, s1;
	uint64_t t0, wall, cpu;
	unsigned int i;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 64), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 64), "");
	for (i = 0; i < 16; i++) {
		dpd_frame(e->f, 200, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 200), "");
		TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 200, 1, 2000), "");
	}
	/* Traffic stopped, rings live, buffers posted: the adaptive thread
	 * spins its poll_us and then sleeps. */
	usleep(20 * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(e->fx.dev, &s0), "");
	t0 = avq_test_ms();
	usleep(300 * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(e->fx.dev, &s1), "");
	wall = (avq_test_ms() - t0) * 1000000;
	cpu = s1.cpu_ns - s0.cpu_ns;
	TEST_ASSERT(cpu < wall / 20, "idle datapath used %" PRIu64 " of %"
		    PRIu64 " ns", cpu, wall);
	/* A sleeping device still serves a transmit at once: the doorbell
	 * and rte_avq_dev_wake() wake it. */
	t0 = avq_test_ms();
	dpd_frame(e->f, 200, b->mac, a->mac, 77);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 200), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 200, 1, 2000), "");
	TEST_ASSERT(avq_test_ms() - t0 < 1000, "a sleeping device took %" PRIu64
		    " ms", avq_test_ms() - t0);
	printf("idle datapath: %.2f ms CPU over %.0f ms\n", cpu / 1e6,
	       wall / 1e6);
	return TEST_SUCCESS;
}

static int
test_dp_idle(void)
{
	struct rte_avq_dev_params p;

	/* A long idle timeout: only a wake-up can make the device answer
	 * a sleeping driver quickly. */
	avq_fx_params(&p);
	p.idle_timeout_ms = 5000;
	return env_run_p(idle_body, &p);
}

/* ---- Uplink ---- */

/*
 * The uplink is a net_ring port that loops back: what the switch sends on
 * it comes back on its receive queue, and only the device thread touches
 * the port (a ring port has one producer).
 */
static int
uplink_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_switch_info si;
	struct rte_avq_dev_params p;
	struct rte_eth_conf conf;

	TEST_ASSERT_SUCCESS(rte_dev_probe(UPLINK_NAME), "net_ring driver");
	e->up = true;
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(UPLINK_NAME,
							 &e->up_port), "");
	e->up_mp = rte_pktmbuf_pool_create("dp_uplink", 511, 0, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE,
					   SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(e->up_mp, "");
	memset(&conf, 0, sizeof(conf));
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(e->up_port, 1, 1, &conf), "");
	TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(e->up_port, 0, 256,
						   SOCKET_ID_ANY, NULL,
						   e->up_mp), "");
	TEST_ASSERT_SUCCESS(rte_eth_tx_queue_setup(e->up_port, 0, 256,
						   SOCKET_ID_ANY, NULL), "");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(e->up_port), "");

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 32), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 32), "");
	TEST_ASSERT_EQUAL(rte_avq_dev_uplink_set(e->fx.dev, 4000), -ENODEV, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_uplink_set(e->fx.dev, -2), -EINVAL, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_uplink_set(e->fx.dev, e->up_port), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT_EQUAL(si.ports, 3, "the uplink is a port");
	/* One uplink, one management device. */
	avq_fx_params(&p);
	snprintf(p.name, sizeof(p.name), "avqtest2");
	TEST_ASSERT_SUCCESS(avq_fx_setup(&e->fx2, &p), "");
	TEST_ASSERT_EQUAL(rte_avq_dev_uplink_set(e->fx2.dev, e->up_port),
			  -EBUSY, "");

	/* Unknown unicast from A floods to B and out of the uplink; the loop
	 * brings it back in, from where it floods to A and B (A's address
	 * has moved to the uplink, the destination is still unknown). */
	dpd_frame(e->f, 300, mac_x, a->mac, 1);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 300), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 300, 1, 2000), "direct");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 300, 1, 2000),
			    "through the uplink");
	TEST_ASSERT_SUCCESS(dpd_expect(a, 0, e->f, 300, 1, 2000),
			    "through the uplink");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "looped twice");
	TEST_ASSERT_SUCCESS(dpd_expect_none(a, 0, 50), "looped twice");

	/* Removed: no more echo, its port is gone. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_uplink_set(e->fx.dev, -1), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_switch_info(&si), "");
	TEST_ASSERT_EQUAL(si.ports, 2, "");
	dpd_frame(e->f, 200, mac_x, a->mac, 2);
	TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 200), "");
	TEST_ASSERT_SUCCESS(dpd_expect(b, 0, e->f, 200, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(b, 0, 50), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(a, 0, 50), "");
	return TEST_SUCCESS;
}

static int
test_dp_uplink(void)
{
	return env_run(uplink_body);
}

/* ---- Translation cache ---- */

/*
 * Two pages of B's buffer memory mapped again at IOVAs 64 MiB apart: the
 * same set of the queue's translation cache (a set per 2 MiB, 32 sets),
 * as two hugepages whose physical addresses differ by a multiple of
 * 64 MiB. Frames alternate between buffers on the two pages: each page is
 * looked up in the MMU once, however often they alternate (with one entry
 * per set, as before, 16 times).
 */
static int
xc_ways_body(struct env *e)
{
	const uint64_t io[2] = { 0x40000000ull, 0x40000000ull + (64ull << 20) };
	struct dpd *a = &e->d[0], *b = &e->d[1];
	struct rte_avq_dev_vq_stats s0, s1;
	const uint8_t *host;
	unsigned int i, k;
	uint32_t len;
	size_t off;
	int id;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 0), "");
	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 1, 0, 0), "");
	off = b->q[0].buf_iova - DPD_IOVA_BASE;
	for (k = 0; k < 2; k++)
		TEST_ASSERT_SUCCESS(rte_avq_mmu_map(e->fx.aq, b->id, 0, io[k],
				DPD_PAGE, b->dma + off + k * DPD_PAGE,
				AVQ_MMU_F_READ | AVQ_MMU_F_WRITE), "page %u", k);
	s0 = dpd_stats(b, 0);
	for (i = 0; i < 16; i++) {
		k = i % 2;
		id = dpd_rx_post_iova(b, 0, io[k], DPD_PAGE);
		TEST_ASSERT(id >= 0, "post %u", i);
		dpd_frame(e->f, 200 + i, b->mac, a->mac, i);
		TEST_ASSERT_SUCCESS(dpd_send(a, 1, e->f, 200 + i), "");
		TEST_ASSERT_EQUAL(dpd_used_take(b, 0, &len, 2000), id,
				  "frame %u", i);
		TEST_ASSERT_EQUAL(len, DPD_HDR_LEN + 200 + i, "");
		host = b->mem + off + k * DPD_PAGE;
		TEST_ASSERT(memcmp(host + DPD_HDR_LEN, e->f, 200 + i) == 0,
			    "frame %u: bytes in page %u", i, k);
	}
	s1 = dpd_stats(b, 0);
	TEST_ASSERT_EQUAL(s1.packets - s0.packets, 16, "");
	TEST_ASSERT_EQUAL(s1.translations - s0.translations, 2,
			  "MMU look-ups for two pages in one set");
	return TEST_SUCCESS;
}

static int
test_dp_xc_ways(void)
{
	return env_run(xc_ways_body);
}

/* ---- Buffers and rings across mappings ---- */

/*
 * The buffer area of queue @p q, remapped page by page in reverse: IOVA
 * page i is DMA page n - 1 - i. Nothing contiguous in IOVA space is
 * contiguous in memory any more, except within a page.
 */
static int
reverse_pages(struct dpd *d, uint16_t q)
{
	size_t off = d->q[q].buf_iova - DPD_IOVA_BASE, i;
	size_t n = (size_t)d->q[q].size * d->cfg.buf_len / DPD_PAGE;

	TEST_ASSERT_SUCCESS(dpd_unmap(d, off, n * DPD_PAGE), "");
	for (i = 0; i < n; i++)
		TEST_ASSERT_SUCCESS(rte_avq_mmu_map(d->fx->aq, d->id, 0,
				dpd_iova(d, off + i * DPD_PAGE), DPD_PAGE,
				d->dma + off + (n - 1 - i) * DPD_PAGE,
				AVQ_MMU_F_READ | AVQ_MMU_F_WRITE), "page %zu", i);
	return TEST_SUCCESS;
}

/* Host address of byte @p x of queue @p q's buffer area, reversed. */
static uint8_t *
rev_addr(struct dpd *d, uint16_t q, size_t x)
{
	size_t off = d->q[q].buf_iova - DPD_IOVA_BASE;
	size_t n = (size_t)d->q[q].size * d->cfg.buf_len / DPD_PAGE;

	return d->mem + off + (n - 1 - x / DPD_PAGE) * DPD_PAGE + x % DPD_PAGE;
}

static int
span_body(struct env *e)
{
	struct dpd *a = &e->d[0], *b = &e->d[1];
	size_t x0 = DPD_PAGE - 100, i;
	uint8_t hdr[DPD_HDR_LEN];
	uint32_t len;
	int n;

	struct dpd_cfg c;

	TEST_ASSERT_SUCCESS(env_dev(e, &e->fx, 0, 0, 0), "");
	/* The rings of B: one mapping per page, contiguous in memory, and
	 * more than a page each (512 entries). */
	dpd_cfg_init(&c, 2);
	c.ring_pages = true;
	c.qsize = 512;
	TEST_ASSERT_SUCCESS(dpd_open(b, &e->fx, &c), "");
	TEST_ASSERT_SUCCESS(reverse_pages(a, 1), "");
	TEST_ASSERT_SUCCESS(reverse_pages(b, 0), "");

	/* A transmits header + 1000 bytes from one descriptor that starts
	 * 100 bytes before the end of a page: three mappings, three pieces
	 * of memory in reverse order. */
	dpd_frame(e->f, 1000, b->mac, a->mac, 1);
	memset(hdr, 0, sizeof(hdr));
	for (i = 0; i < DPD_HDR_LEN + 1000; i++)
		*rev_addr(a, 1, x0 + i) = i < DPD_HDR_LEN ? 0 :
					  e->f[i - DPD_HDR_LEN];
	a->q[1].desc[0].addr = avq_to_le64(a->q[1].buf_iova + x0);
	a->q[1].desc[0].len = avq_to_le32(DPD_HDR_LEN + 1000);
	a->q[1].desc[0].flags = 0;
	/* B receives into one descriptor that also crosses pages. */
	b->q[0].desc[0].addr = avq_to_le64(b->q[0].buf_iova + x0);
	b->q[0].desc[0].len = avq_to_le32(2000);
	b->q[0].desc[0].flags = avq_to_le16(AVQ_DESC_F_WRITE);
	dpd_avail_push(b, 0, 0);
	dpd_avail_push(a, 1, 0);
	TEST_ASSERT(dpd_rx_ready(b, 0, 2000), "nothing received");
	TEST_ASSERT_EQUAL(avq_le32(b->q[0].used->ring[0].id), 0, "");
	len = avq_le32(b->q[0].used->ring[0].len);
	TEST_ASSERT_EQUAL(len, DPD_HDR_LEN + 1000, "");
	for (i = 0; i < DPD_HDR_LEN; i++)
		hdr[i] = *rev_addr(b, 0, x0 + i);
	TEST_ASSERT_EQUAL(hdr[10], 1, "num_buffers");
	for (i = 0; i < 1000; i++) {
		n = *rev_addr(b, 0, x0 + DPD_HDR_LEN + i);
		TEST_ASSERT_EQUAL(n, e->f[i], "byte %zu", i);
	}
	TEST_ASSERT_EQUAL(dpd_stats(a, 1).packets, 1, "");
	TEST_ASSERT_EQUAL(dpd_stats(b, 0).bytes, 1000, "");
	TEST_ASSERT(dpd_guards_ok(a) && dpd_guards_ok(b), "");
	return TEST_SUCCESS;
}

static int
test_dp_span_mappings(void)
{
	return env_run(span_body);
}

REGISTER_AVQ_TEST(dp_switch_autotest, test_dp_switch);
REGISTER_AVQ_TEST(dp_span_mappings_autotest, test_dp_span_mappings);
REGISTER_AVQ_TEST(dp_uplink_autotest, test_dp_uplink);
REGISTER_AVQ_TEST(dp_two_mgmt_autotest, test_dp_two_mgmt);
REGISTER_AVQ_TEST(dp_mrg_rxbuf_autotest, test_dp_mrg_rxbuf);
REGISTER_AVQ_TEST(dp_used_stage_autotest, test_dp_used_stage);
REGISTER_AVQ_TEST(dp_xc_ways_autotest, test_dp_xc_ways);
REGISTER_AVQ_TEST(dp_mq_autotest, test_dp_mq);
REGISTER_AVQ_TEST(dp_ctrl_filter_autotest, test_dp_ctrl_filter);
REGISTER_AVQ_TEST(dp_ctrl_vlan_mac_autotest, test_dp_ctrl_vlan_mac);
REGISTER_AVQ_TEST(dp_link_autotest, test_dp_link);
REGISTER_AVQ_TEST(dp_reset_autotest, test_dp_reset);
REGISTER_AVQ_TEST(dp_queue_disable_autotest, test_dp_queue_disable);
REGISTER_AVQ_TEST(dp_backlog_autotest, test_dp_backlog);
REGISTER_AVQ_TEST(dp_route_autotest, test_dp_route);
REGISTER_AVQ_TEST(dp_tx_errors_autotest, test_dp_tx_errors);
REGISTER_AVQ_TEST(dp_interrupts_autotest, test_dp_interrupts);
REGISTER_AVQ_TEST(dp_idle_autotest, test_dp_idle);
