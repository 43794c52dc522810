/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Datapath throughput, informational (perf-tests suite): device A sends
 * 64-byte frames to device B as fast as the test thread can post them and
 * take them back, for one management device (frames written straight from
 * A's buffers into B's) and for two (through the switch's input rings).
 * It prints frames per second; it fails only when traffic does not flow.
 *
 * The driver loop keeps rings full with little work of its own: every
 * transmit descriptor is written once, chains are single descriptors used
 * in order, and each side publishes avail->idx once per burst.
 */

#include <stdlib.h>
#include <unistd.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_fixture.h"
#include "avq_test.h"
#include "test_dp_driver.h"

#define PERF_QSIZE	1024
#define PERF_BURST	64
#define PERF_MS		1000

struct perf {
	struct avq_fx fx, fx2;
	struct dpd a, b;
	uint8_t f[256];
};

/* Fill every transmit descriptor of A with the same frame. */
static void
perf_tx_prepare(struct dpd *a, const uint8_t *f, uint32_t len)
{
	struct dpd_q *qq = &a->q[1];
	uint16_t i;

	for (i = 0; i < qq->size; i++) {
		uint8_t *buf = qq->buf + (size_t)i * a->cfg.buf_len;

		memset(buf, 0, DPD_HDR_LEN);
		memcpy(buf + DPD_HDR_LEN, f, len);
		qq->desc[i].addr = avq_to_le64(qq->buf_iova +
					       (uint64_t)i * a->cfg.buf_len);
		qq->desc[i].len = avq_to_le32(DPD_HDR_LEN + len);
		qq->desc[i].flags = 0;
	}
	/* The loop owns the ring from now on (dpd_tx() is not used). */
	qq->nfree = 0;
}

static uint16_t
used_idx(const struct dpd_q *qq)
{
	return avq_le16(__atomic_load_n((uint16_t *)(void *)&qq->used->idx,
					__ATOMIC_ACQUIRE));
}

/* Frames B received in @p ms of A sending. */
static uint64_t
perf_loop(struct dpd *a, struct dpd *b, unsigned int ms)
{
	struct dpd_q *tq = &a->q[1], *rq = &b->q[0];
	uint16_t mask_t = tq->size - 1, mask_r = rq->size - 1, u, n, k;
	uint64_t rx = 0, end = avq_test_ms() + ms;
	unsigned int iter = 0;

	while ((++iter & 255) != 0 || avq_test_ms() < end) {
		/* Transmit: top the ring up, one publication per burst. */
		tq->used_seen = used_idx(tq);
		n = (uint16_t)(tq->size - (uint16_t)(tq->avail_idx -
						     tq->used_seen));
		if (n >= PERF_BURST) {
			for (k = 0; k < PERF_BURST; k++) {
				tq->avail->ring[tq->avail_idx & mask_t] =
					avq_to_le16(tq->avail_idx & mask_t);
				tq->avail_idx++;
			}
			dpd_avail_publish(a, 1);
		}
		/* Receive: count, and give the same buffers back. */
		u = used_idx(rq);
		n = (uint16_t)(u - rq->used_seen);
		if (n == 0)
			continue;
		for (k = 0; k < n; k++) {
			rq->avail->ring[rq->avail_idx & mask_r] =
				rq->used->ring[rq->used_seen & mask_r].id;
			rq->avail_idx++;
			rq->used_seen++;
		}
		dpd_avail_publish(b, 0);
		rx += n;
	}
	return rx;
}

static int
perf_run(struct perf *p, bool two)
{
	struct dpd_cfg c;
	uint64_t rx, t0, dt;
	struct rte_avq_dev_vq_stats s;

	TEST_ASSERT_SUCCESS(avq_fx_setup(&p->fx, NULL), "");
	if (two) {
		struct rte_avq_dev_params pp;

		avq_fx_params(&pp);
		snprintf(pp.name, sizeof(pp.name), "avqperf2");
		TEST_ASSERT_SUCCESS(avq_fx_setup(&p->fx2, &pp), "");
	}
	dpd_cfg_init(&c, 1);
	c.qsize = PERF_QSIZE;
	TEST_ASSERT_SUCCESS(dpd_open(&p->a, &p->fx, &c), "");
	dpd_cfg_init(&c, 2);
	c.qsize = PERF_QSIZE;
	c.feat_off = RTE_BIT64(VIRTIO_NET_F_MRG_RXBUF);
	TEST_ASSERT_SUCCESS(dpd_open(&p->b, two ? &p->fx2 : &p->fx, &c), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(&p->b, 0, PERF_QSIZE, 2048), "");
	/* B is learned first: the rest is known unicast. */
	TEST_ASSERT_SUCCESS(dpd_rx_post(&p->a, 0, 8, 2048), "");
	dpd_frame(p->f, 64, p->a.mac, p->b.mac, 0);
	TEST_ASSERT_SUCCESS(dpd_send(&p->b, 1, p->f, 64), "");
	TEST_ASSERT_SUCCESS(dpd_expect(&p->a, 0, p->f, 64, 1, 2000), "");

	dpd_frame(p->f, 64, p->b.mac, p->a.mac, 1);
	perf_tx_prepare(&p->a, p->f, 64);
	t0 = avq_test_ms();
	rx = perf_loop(&p->a, &p->b, PERF_MS);
	dt = avq_test_ms() - t0;
	TEST_ASSERT(rx > 0, "no traffic");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_stats(two ? p->fx2.dev : p->fx.dev,
						 p->b.id, 0, &s), "");
	printf("datapath, 64-byte frames, A -> B, %s: %.2f Mpps"
	       " (%" PRIu64 " frames in %" PRIu64 " ms; B drops %" PRIu64 ")\n",
	       two ? "two management devices (input rings)" :
	       "one management device (direct)", rx / (dt * 1e3), rx, dt,
	       s.drops);
	return TEST_SUCCESS;
}

static int
test_dp_perf(void)
{
	struct perf *p;
	int ret, two;

	for (two = 0; two < 2; two++) {
		p = calloc(1, sizeof(*p));
		TEST_ASSERT_NOT_NULL(p, "");
		ret = perf_run(p, two != 0);
		dpd_close(&p->a);
		dpd_close(&p->b);
		if (p->fx2.dev != NULL)
			avq_fx_teardown(&p->fx2);
		avq_fx_teardown(&p->fx);
		free(p);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	return TEST_SUCCESS;
}

REGISTER_AVQ_PERF_TEST(dp_perf_autotest, test_dp_perf);
