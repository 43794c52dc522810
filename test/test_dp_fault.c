/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Hostile drivers: a managed device whose driver writes garbage into its
 * rings is faulted -- DEVICE_NEEDS_RESET, plus DEVICE_MMU_FAIL and the
 * MMU_ERR_GET record for a translation or permission failure, and a config
 * interrupt -- while nothing outside its mappings is touched (guard pages
 * keep their pattern) and a second pair of devices on the same management
 * device keeps exchanging frames before, during and after. After a reset
 * and a new set-up the faulty device works again.
 *
 * One test per case; each uses the same run (fault_run()).
 */

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_common.h>

#include "avq_fixture.h"
#include "avq_test.h"
#include "test_dp_driver.h"

struct fenv {
	struct avq_fx fx;
	struct dpd a, b;	/* the pair that keeps talking */
	struct dpd v;		/* the victim of its own driver */
	uint32_t seq;
	uint8_t f[2048];
};

struct fcase {
	int (*inject)(struct fenv *e);
	uint32_t reason;		/* RTE_AVQ_DEV_FAULT_* */
	uint16_t queue;
	bool mmu;			/* DEVICE_MMU_FAIL and a record */
	uint32_t mmu_reason;		/* AVQ_MMU_ERR_* */
	uint64_t (*iova)(struct fenv *e);
	int (*check)(struct fenv *e);
	uint16_t v_qsize;		/* V's rings (0: the default) */
};

/* A -> B, @p n frames; every one arrives, whole. */
static int
pair_traffic(struct fenv *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		dpd_frame(e->f, 60 + (e->seq % 200), e->b.mac, e->a.mac, e->seq);
		TEST_ASSERT_SUCCESS(dpd_tx(&e->a, 1, e->f, 60 + (e->seq % 200),
					   NULL), "");
		e->seq++;
	}
	e->seq -= n;
	for (i = 0; i < n; i++) {
		dpd_frame(e->f, 60 + (e->seq % 200), e->b.mac, e->a.mac, e->seq);
		TEST_ASSERT_SUCCESS(dpd_expect(&e->b, 0, e->f,
					       60 + (e->seq % 200), 1, 2000),
				    "pair frame %u", e->seq);
		e->seq++;
	}
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->b, 0, n, 2048), "");
	return TEST_SUCCESS;
}

/* A frame for V (flooded: V never sent); B sees its copy. */
static int
poke_victim(struct fenv *e)
{
	dpd_frame(e->f, 300, e->v.mac, e->a.mac, 4242);
	TEST_ASSERT_SUCCESS(dpd_tx(&e->a, 1, e->f, 300, NULL), "");
	TEST_ASSERT_SUCCESS(dpd_expect(&e->b, 0, e->f, 300, 1, 2000), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->b, 0, 1, 2048), "");
	return TEST_SUCCESS;
}

static void
raw_desc(struct dpd *d, uint16_t q, uint16_t i, uint64_t addr, uint32_t len,
	 uint16_t flags, uint16_t next)
{
	d->q[q].desc[i].addr = avq_to_le64(addr);
	d->q[q].desc[i].len = avq_to_le32(len);
	d->q[q].desc[i].flags = avq_to_le16(flags);
	d->q[q].desc[i].next = avq_to_le16(next);
}

/* IOVA of transmit buffer @p i of V. */
static uint64_t
v_txbuf(struct fenv *e, uint16_t i)
{
	return e->v.q[1].buf_iova + (uint64_t)i * e->v.cfg.buf_len;
}

static int
fault_run(const struct fcase *c)
{
	struct fenv *e = calloc(1, sizeof(*e));
	struct rte_avq_dev_net_stats ns;
	struct dpd_cfg cfg;
	struct avq_mmu_err err;
	uint64_t irq0;
	uint8_t st;
	int ret = TEST_FAILED, i;

	TEST_ASSERT_NOT_NULL(e, "");
	if (avq_fx_setup(&e->fx, NULL) != 0)
		goto out;
	dpd_cfg_init(&cfg, 1);
	if (dpd_open(&e->a, &e->fx, &cfg) != 0)
		goto out;
	dpd_cfg_init(&cfg, 2);
	if (dpd_open(&e->b, &e->fx, &cfg) != 0 ||
	    dpd_rx_post(&e->a, 0, 48, 2048) != 0 ||
	    dpd_rx_post(&e->b, 0, 48, 2048) != 0)
		goto out;
	/* B is learned, so A -> B is unicast and V never sees it. */
	dpd_frame(e->f, 64, e->a.mac, e->b.mac, 1);
	if (dpd_send(&e->b, 1, e->f, 64) != TEST_SUCCESS ||
	    dpd_expect(&e->a, 0, e->f, 64, 1, 2000) != TEST_SUCCESS)
		goto out;
	dpd_cfg_init(&cfg, 3);
	if (c->v_qsize != 0)
		cfg.qsize = c->v_qsize;
	if (dpd_open(&e->v, &e->fx, &cfg) != 0)
		goto out;

	/* Before. */
	if (pair_traffic(e, 4) != TEST_SUCCESS)
		goto out;
	irq0 = avq_fx_vector_delivered(&e->fx, e->v.cfg.vector_base, NULL);
	if (c->inject(e) != TEST_SUCCESS)
		goto out;
	/* During: the pair does not wait for the fault. */
	if (pair_traffic(e, 8) != TEST_SUCCESS)
		goto out;
	if (!dpd_wait_status(&e->v, AVQ_STATUS_DEVICE_NEEDS_RESET, 2000)) {
		fprintf(stderr, "no DEVICE_NEEDS_RESET (status 0x%x)\n",
			dpd_status(&e->v));
		goto out;
	}
	/* Only V faulted, and said so. */
	st = dpd_status(&e->v);
	if (!!(st & AVQ_STATUS_DEVICE_MMU_FAIL) != c->mmu) {
		fprintf(stderr, "status 0x%x: MMU_FAIL %s expected\n", st,
			c->mmu ? "" : "not");
		goto out;
	}
	for (i = 0; i < 200; i++) {
		if (rte_avq_dev_net_stats(e->fx.dev, e->v.id, &ns) != 0)
			goto out;
		if (!ns.in_switch)
			break;
		usleep(1000);
	}
	if (ns.in_switch || ns.faults != 1 || ns.last_fault != c->reason ||
	    ns.last_fault_queue != c->queue) {
		fprintf(stderr, "net stats: in_switch %d faults %" PRIu64
			" reason %u (want %u) queue %u (want %u)\n",
			ns.in_switch, ns.faults, ns.last_fault, c->reason,
			ns.last_fault_queue, c->queue);
		goto out;
	}
	memset(&err, 0, sizeof(err));
	if (rte_avq_mmu_err_get(e->fx.aq, e->v.id, &err) != 0)
		goto out;
	if (c->mmu && (avq_le32(err.reason) != c->mmu_reason ||
		       avq_le16(err.queue_index) != c->queue ||
		       avq_le64(err.iova_start) != c->iova(e))) {
		fprintf(stderr, "MMU_ERR_GET: reason %u queue %u iova 0x%"
			PRIx64 " (want %u, %u, 0x%" PRIx64 ")\n",
			avq_le32(err.reason), avq_le16(err.queue_index),
			avq_le64(err.iova_start), c->mmu_reason, c->queue,
			c->iova(e));
		goto out;
	}
	if (!c->mmu && err.reason != 0) {
		fprintf(stderr, "an MMU error recorded for a ring fault\n");
		goto out;
	}
	/* virtio 1.2, 2.1.2: NEEDS_RESET comes with a config interrupt. */
	if (avq_fx_vector_delivered(&e->fx, e->v.cfg.vector_base, NULL) <=
	    irq0) {
		fprintf(stderr, "no config interrupt\n");
		goto out;
	}
	if (!dpd_guards_ok(&e->v) || !dpd_guards_ok(&e->a) ||
	    !dpd_guards_ok(&e->b)) {
		fprintf(stderr, "a guard page was written\n");
		goto out;
	}
	if (c->check != NULL && c->check(e) != TEST_SUCCESS)
		goto out;
	/* After: the pair still talks, and neither of them faulted. */
	if (pair_traffic(e, 8) != TEST_SUCCESS)
		goto out;
	if (dpd_status(&e->a) != 0xf || dpd_status(&e->b) != 0xf) {
		fprintf(stderr, "the pair's status changed\n");
		goto out;
	}
	/* V, reset and set up again, works. */
	if (dpd_restart(&e->v) != 0 || dpd_rx_post(&e->v, 0, 8, 2048) != 0)
		goto out;
	if (avq_fx_status(&e->fx, e->v.id) != 0xf)
		goto out;
	dpd_frame(e->f, 100, e->a.mac, e->v.mac, 77);
	if (dpd_send(&e->v, 1, e->f, 100) != TEST_SUCCESS ||
	    dpd_expect(&e->a, 0, e->f, 100, 1, 2000) != TEST_SUCCESS)
		goto out;
	dpd_frame(e->f, 100, e->v.mac, e->a.mac, 78);
	if (dpd_send(&e->a, 1, e->f, 100) != TEST_SUCCESS ||
	    dpd_expect(&e->v, 0, e->f, 100, 1, 2000) != TEST_SUCCESS)
		goto out;
	if (rte_avq_dev_net_stats(e->fx.dev, e->v.id, &ns) != 0 ||
	    !ns.in_switch)
		goto out;
	ret = TEST_SUCCESS;
out:
	dpd_close(&e->v);
	dpd_close(&e->b);
	dpd_close(&e->a);
	avq_fx_teardown(&e->fx);
	free(e);
	return ret;
}

/* ---- Address outside the mappings ---- */

static uint64_t
iova_guard1(struct fenv *e)
{
	return dpd_iova(&e->v, e->v.guard1);
}

static uint64_t
iova_guard2(struct fenv *e)
{
	return dpd_iova(&e->v, e->v.guard2) + 16;
}

/* A receive buffer on the unmapped guard page (inside the DMA window):
 * the device must not write it. */
static int
inject_rx_unmapped(struct fenv *e)
{
	raw_desc(&e->v, 0, 0, iova_guard1(e), 512, AVQ_DESC_F_WRITE, 0);
	dpd_avail_push(&e->v, 0, 0);
	return poke_victim(e);
}

static int
test_dp_fault_rx_unmapped(void)
{
	static const struct fcase c = {
		.inject = inject_rx_unmapped, .reason = RTE_AVQ_DEV_FAULT_MMU,
		.queue = 0, .mmu = true, .mmu_reason = AVQ_MMU_ERR_NON_EXIST,
		.iova = iova_guard1,
	};

	return fault_run(&c);
}

/* A transmit buffer that starts on the other guard page. */
static int
inject_tx_unmapped(struct fenv *e)
{
	raw_desc(&e->v, 1, 0, iova_guard2(e), 100, 0, 0);
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_tx_unmapped(void)
{
	static const struct fcase c = {
		.inject = inject_tx_unmapped, .reason = RTE_AVQ_DEV_FAULT_MMU,
		.queue = 1, .mmu = true, .mmu_reason = AVQ_MMU_ERR_NON_EXIST,
		.iova = iova_guard2,
	};

	return fault_run(&c);
}

/* ---- A translation cached before an unmap ---- */

/* V's receive buffers mapped a second time, 1 GiB + 10 MiB up: another
 * entry of the queue's translation cache (one per 2 MiB of IOVA). */
#define ALIAS_OFF	(0x40000000ull + 5ull * 0x200000ull)

static size_t v_rxbuf_off(struct fenv *e);
static size_t v_rxbuf_len(struct fenv *e);

static uint64_t
iova_alias(struct fenv *e)
{
	return e->v.q[0].buf_iova + ALIAS_OFF + 4096;
}

/* The victim takes the frame into receive chain @p head. */
static int
victim_takes(struct fenv *e, uint16_t head, uint64_t iova, uint16_t used)
{
	unsigned int i;
	uint16_t idx = 0;

	raw_desc(&e->v, 0, head, iova, 2048, AVQ_DESC_F_WRITE, 0);
	dpd_avail_push(&e->v, 0, head);
	TEST_ASSERT_SUCCESS(poke_victim(e), "");
	for (i = 0; i < 2000; i++) {
		idx = avq_le16(__atomic_load_n(&e->v.q[0].used->idx,
					       __ATOMIC_ACQUIRE));
		if (idx == used)
			break;
		usleep(1000);
	}
	TEST_ASSERT_EQUAL(idx, used, "chain %u (iova 0x%" PRIx64 ") not used",
			  head, iova);
	return TEST_SUCCESS;
}

/*
 * A buffer through the alias, then one through the first mapping (so the
 * alias's translation stays in the cache, but not as the last filled),
 * then the alias unmapped: a buffer there must fault, not be written
 * through the translation cached before the unmap.
 */
static int
inject_rx_stale(struct fenv *e)
{
	uint64_t base = e->v.q[0].buf_iova;

	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(e->fx.aq, e->v.id, 0,
					    base + ALIAS_OFF, v_rxbuf_len(e),
					    e->v.dma + v_rxbuf_off(e),
					    AVQ_MMU_F_READ | AVQ_MMU_F_WRITE),
			    "");
	TEST_ASSERT_SUCCESS(victim_takes(e, 0, base + ALIAS_OFF, 1), "");
	TEST_ASSERT_SUCCESS(victim_takes(e, 1, base + 2048, 2), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_unmap(e->fx.aq, e->v.id, 0,
					      base + ALIAS_OFF,
					      v_rxbuf_len(e)), "");
	memset(e->v.mem + v_rxbuf_off(e) + 4096, 0x5a, 2048);
	raw_desc(&e->v, 0, 2, iova_alias(e), 2048, AVQ_DESC_F_WRITE, 0);
	dpd_avail_push(&e->v, 0, 2);
	return poke_victim(e);
}

static int rx_area_unwritten(struct fenv *e, size_t off, size_t len);

static int
check_rx_stale(struct fenv *e)
{
	return rx_area_unwritten(e, v_rxbuf_off(e) + 4096, 2048);
}

static int
test_dp_fault_rx_stale(void)
{
	static const struct fcase c = {
		.inject = inject_rx_stale, .reason = RTE_AVQ_DEV_FAULT_MMU,
		.queue = 0, .mmu = true, .mmu_reason = AVQ_MMU_ERR_NON_EXIST,
		.iova = iova_alias, .check = check_rx_stale,
	};

	return fault_run(&c);
}

/* ---- Write into a read-only mapping ---- */

static size_t
v_rxbuf_off(struct fenv *e)
{
	return e->v.q[0].buf_iova - DPD_IOVA_BASE;
}

static size_t
v_rxbuf_len(struct fenv *e)
{
	return (size_t)e->v.q[0].size * e->v.cfg.buf_len;
}

static uint64_t
iova_rxbuf0(struct fenv *e)
{
	return e->v.q[0].buf_iova;
}

static int
inject_rx_readonly(struct fenv *e)
{
	/* Receive buffers mapped READ only, holding a pattern. */
	TEST_ASSERT_SUCCESS(dpd_unmap(&e->v, v_rxbuf_off(e), v_rxbuf_len(e)),
			    "");
	TEST_ASSERT_SUCCESS(dpd_map(&e->v, v_rxbuf_off(e), v_rxbuf_len(e),
				    AVQ_MMU_F_READ), "");
	memset(e->v.mem + v_rxbuf_off(e), 0x5a, v_rxbuf_len(e));
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->v, 0, 4, 2048), "");
	return poke_victim(e);
}

/* V's memory [off, off + len) still holds the 0x5a the test wrote. */
static int
rx_area_unwritten(struct fenv *e, size_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		TEST_ASSERT_EQUAL(e->v.mem[off + i], 0x5a,
				  "buffer byte %zu (offset 0x%zx) written", i,
				  off + i);
	return TEST_SUCCESS;
}

static int
check_rx_readonly(struct fenv *e)
{
	return rx_area_unwritten(e, v_rxbuf_off(e), v_rxbuf_len(e));
}

static int
test_dp_fault_rx_readonly(void)
{
	static const struct fcase c = {
		.inject = inject_rx_readonly, .reason = RTE_AVQ_DEV_FAULT_MMU,
		.queue = 0, .mmu = true,
		.mmu_reason = AVQ_MMU_ERR_ACC_VIOLATION, .iova = iova_rxbuf0,
		.check = check_rx_readonly,
	};

	return fault_run(&c);
}

/* ---- Descriptor loop, chain longer than the ring ---- */

static int
inject_desc_loop(struct fenv *e)
{
	raw_desc(&e->v, 1, 0, v_txbuf(e, 0), 40, AVQ_DESC_F_NEXT, 1);
	raw_desc(&e->v, 1, 1, v_txbuf(e, 1), 40, AVQ_DESC_F_NEXT, 0);
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_desc_loop(void)
{
	static const struct fcase c = {
		.inject = inject_desc_loop,
		.reason = RTE_AVQ_DEV_FAULT_CHAIN_LOOP, .queue = 1,
	};

	return fault_run(&c);
}

/* Every descriptor of the ring in one chain, and the last points back to
 * the first: longer than the ring. */
static int
inject_chain_long(struct fenv *e)
{
	uint16_t i, n = e->v.q[1].size;

	for (i = 0; i < n; i++)
		raw_desc(&e->v, 1, i, v_txbuf(e, i), 16, AVQ_DESC_F_NEXT,
			 (uint16_t)((i + 1) % n));
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_chain_long(void)
{
	static const struct fcase c = {
		.inject = inject_chain_long,
		.reason = RTE_AVQ_DEV_FAULT_CHAIN_LOOP, .queue = 1,
	};

	return fault_run(&c);
}

/* ---- Lengths that overflow ---- */

static int
inject_addr_wrap(struct fenv *e)
{
	raw_desc(&e->v, 1, 0, UINT64_MAX - 15, 100, 0, 0);
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_addr_wrap(void)
{
	static const struct fcase c = {
		.inject = inject_addr_wrap,
		.reason = RTE_AVQ_DEV_FAULT_ADDR_WRAP, .queue = 1,
	};

	return fault_run(&c);
}

/* Two mapped 40000-byte buffers: a chain over 64 KiB plus the header. */
static int
inject_too_long(struct fenv *e)
{
	raw_desc(&e->v, 1, 0, v_txbuf(e, 0), 40000, AVQ_DESC_F_NEXT, 1);
	raw_desc(&e->v, 1, 1, v_txbuf(e, 0) + 40000, 40000, 0, 0);
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_too_long(void)
{
	static const struct fcase c = {
		.inject = inject_too_long,
		.reason = RTE_AVQ_DEV_FAULT_TOO_LONG, .queue = 1,
	};

	return fault_run(&c);
}

/* ---- Indices out of range ---- */

static int
inject_avail_ahead(struct fenv *e)
{
	struct dpd_q *qq = &e->v.q[1];

	/* virtio 1.2, 2.7.13: never more than the ring size ahead. */
	raw_desc(&e->v, 1, 0, v_txbuf(e, 0), 100, 0, 0);
	qq->avail_idx = (uint16_t)(qq->size + 1);
	dpd_avail_publish(&e->v, 1);
	return TEST_SUCCESS;
}

static int
test_dp_fault_avail_ahead(void)
{
	static const struct fcase c = {
		.inject = inject_avail_ahead,
		.reason = RTE_AVQ_DEV_FAULT_AVAIL_IDX, .queue = 1,
	};

	return fault_run(&c);
}

static int
inject_next_range(struct fenv *e)
{
	raw_desc(&e->v, 1, 0, v_txbuf(e, 0), 40, AVQ_DESC_F_NEXT, 200);
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_next_range(void)
{
	static const struct fcase c = {
		.inject = inject_next_range,
		.reason = RTE_AVQ_DEV_FAULT_NEXT, .queue = 1,
	};

	return fault_run(&c);
}

static int
inject_head_range(struct fenv *e)
{
	dpd_avail_push(&e->v, 1, 500);
	return TEST_SUCCESS;
}

static int
test_dp_fault_head_range(void)
{
	static const struct fcase c = {
		.inject = inject_head_range,
		.reason = RTE_AVQ_DEV_FAULT_HEAD, .queue = 1,
	};

	return fault_run(&c);
}

/* ---- Descriptor kinds out of place ---- */

/* A device-writable descriptor in a transmit chain. */
static int
inject_tx_writable(struct fenv *e)
{
	raw_desc(&e->v, 1, 0, v_txbuf(e, 0), 100, AVQ_DESC_F_WRITE, 0);
	dpd_avail_push(&e->v, 1, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_tx_writable(void)
{
	static const struct fcase c = {
		.inject = inject_tx_writable,
		.reason = RTE_AVQ_DEV_FAULT_LAYOUT, .queue = 1,
	};

	return fault_run(&c);
}

/* A control command without its device-writable ack byte. */
static int
inject_ctrl_no_ack(struct fenv *e)
{
	uint16_t q = e->v.ctrlq;
	uint8_t *b = e->v.q[q].buf;

	b[0] = VIRTIO_NET_CTRL_RX;
	b[1] = VIRTIO_NET_CTRL_RX_PROMISC;
	b[2] = 0;
	raw_desc(&e->v, q, 0, e->v.q[q].buf_iova, 3, 0, 0);
	dpd_avail_push(&e->v, q, 0);
	return TEST_SUCCESS;
}

static int
test_dp_fault_ctrl_no_ack(void)
{
	static const struct fcase c = {
		.inject = inject_ctrl_no_ack,
		.reason = RTE_AVQ_DEV_FAULT_LAYOUT, .queue = 2,
	};

	return fault_run(&c);
}

/* ---- A ring the device cannot reach in one piece ---- */

/* Map @p pages pages of V at @p off into ASID @p asid, onto @p dma_off. */
static int
v_map_asid(struct fenv *e, uint64_t asid, size_t off, size_t dma_off,
	   size_t pages)
{
	return rte_avq_mmu_map(e->fx.aq, e->v.id, asid, dpd_iova(&e->v, off),
			       pages * DPD_PAGE, e->v.dma + dma_off,
			       AVQ_MMU_F_READ | AVQ_MMU_F_WRITE);
}

/*
 * V's transmit queue moves (one MMU_ASID_SET, so the device never sees a
 * half-made table) to ASID 7, where its descriptor table -- two pages with
 * 512 entries -- has its second page somewhere else in memory.
 */
static int
inject_ring_split(struct fenv *e)
{
	const struct dpd_q *qq = &e->v.q[1];
	size_t d = qq->desc_iova - DPD_IOVA_BASE;
	size_t a = qq->avail_iova - DPD_IOVA_BASE;
	size_t u = qq->used_iova - DPD_IOVA_BASE;

	TEST_ASSERT_EQUAL(AVQ_DESC_AREA_SIZE(qq->size), 2 * DPD_PAGE, "");
	TEST_ASSERT_SUCCESS(v_map_asid(e, 7, d, d, 1), "");
	TEST_ASSERT_SUCCESS(v_map_asid(e, 7, d + DPD_PAGE,
				       qq->buf_iova - DPD_IOVA_BASE, 1), "");
	TEST_ASSERT_SUCCESS(v_map_asid(e, 7, a, a, 1), "");
	TEST_ASSERT_SUCCESS(v_map_asid(e, 7, u, u, 2), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_asid_set(e->fx.aq, e->v.id, 1, 7), "");
	return TEST_SUCCESS;
}

static int
test_dp_fault_ring_split(void)
{
	static const struct fcase c = {
		.inject = inject_ring_split,
		.reason = RTE_AVQ_DEV_FAULT_RING, .queue = 1, .v_qsize = 512,
	};

	return fault_run(&c);
}

REGISTER_AVQ_TEST(dp_fault_rx_unmapped_autotest, test_dp_fault_rx_unmapped);
REGISTER_AVQ_TEST(dp_fault_ring_split_autotest, test_dp_fault_ring_split);
REGISTER_AVQ_TEST(dp_fault_tx_unmapped_autotest, test_dp_fault_tx_unmapped);
REGISTER_AVQ_TEST(dp_fault_rx_stale_autotest, test_dp_fault_rx_stale);
REGISTER_AVQ_TEST(dp_fault_rx_readonly_autotest, test_dp_fault_rx_readonly);
REGISTER_AVQ_TEST(dp_fault_desc_loop_autotest, test_dp_fault_desc_loop);
REGISTER_AVQ_TEST(dp_fault_chain_long_autotest, test_dp_fault_chain_long);
REGISTER_AVQ_TEST(dp_fault_addr_wrap_autotest, test_dp_fault_addr_wrap);
REGISTER_AVQ_TEST(dp_fault_too_long_autotest, test_dp_fault_too_long);
REGISTER_AVQ_TEST(dp_fault_avail_ahead_autotest, test_dp_fault_avail_ahead);
REGISTER_AVQ_TEST(dp_fault_next_range_autotest, test_dp_fault_next_range);
REGISTER_AVQ_TEST(dp_fault_head_range_autotest, test_dp_fault_head_range);
REGISTER_AVQ_TEST(dp_fault_tx_writable_autotest, test_dp_fault_tx_writable);
REGISTER_AVQ_TEST(dp_fault_ctrl_no_ack_autotest, test_dp_fault_ctrl_no_ack);
