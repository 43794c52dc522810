/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Malformed descriptor chains on the admin queue: the device must reject
 * each one with INVAL (when it can write an ack at all) or complete it with
 * used.len 0, count it in chains_malformed, touch nothing outside its DMA
 * windows, and serve the next command.
 *
 * Chains are written verbatim with rte_avq_aq_exec_raw(); their buffers live
 * in the queue's scratch memory:
 *   SC_HDR  a valid CAP_GET header (12 bytes)
 *   SC_ACK  the ack byte and 8 bytes of in-data
 *   SC_IND  an indirect table
 *   SC_BIG  the rest, for long out-data
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_test.h"
#include "avq_fixture.h"

#define SC_HDR		0u
#define SC_ACK		1024u
#define SC_IND		2048u
#define SC_BIG		4096u

/* Value of the ack byte before a chain runs: "not written". */
#define ACK_SENTINEL	0xa5
/* Filler of the in-data behind the ack. */
#define IN_SENTINEL	0xee

#define RAW_TIMEOUT_US	(1000 * 1000)

/* Bus addresses no DMA window covers: low memory, above any canonical
 * virtual address, and at the very top where addr + len wraps.
 */
#define ADDR_LOW	0x1000ull
#define ADDR_NONCANON	(1ull << 52)
#define ADDR_TOP	0xfffffffffffffff8ull

enum chain_expect {
	EXP_INVAL,		/* ack INVAL written, used.len 1 */
	EXP_DROP,		/* used.len 0, nothing written */
	EXP_INVAL_OR_DROP,	/* either of the above */
};

struct chain_env {
	struct avq_fx *fx;
	uint8_t *sc;		/* scratch va */
	uint64_t dma;		/* scratch DMA address */
	uint16_t size;		/* ring entries */
	uint64_t edge_dma;	/* a 4 KiB window of its own */
};

typedef uint16_t (*chain_build_fn)(struct chain_env *e,
				   struct rte_avq_raw_desc *d, uint16_t *head);

struct chain_case {
	const char *name;
	chain_build_fn build;	/* returns the descriptors written */
	enum chain_expect expect;
};

static void
raw_desc(struct rte_avq_raw_desc *d, uint64_t addr, uint32_t len,
	 uint16_t flags, uint16_t next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* Header of a valid CAP_GET at SC_HDR. */
static void
chain_hdr(struct chain_env *e)
{
	struct avq_cmd_hdr h;

	h.device_id = avq_to_le64(AVQ_MGMT_DEVICE_ID);
	h.class_id = avq_to_le16(AVQ_CLASS_CAP);
	h.command = avq_to_le16(AVQ_CAP_GET);
	memcpy(e->sc + SC_HDR, &h, sizeof(h));
}

/* ---- chain builders ---- */

/* Control: header split over two descriptors (boundaries mean nothing). */
static uint16_t
build_split_hdr(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 6, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_HDR + 6, 6, AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 3;
}

static uint16_t
build_hdr4(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 4, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

static uint16_t
build_hdr11(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 11, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

/* No readable byte at all: the ack descriptor alone. */
static uint16_t
build_hdr0(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 1;
}

static uint16_t
build_no_ack(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, 0, 0);
	*head = 0;
	return 1;
}

static uint16_t
build_no_ack2(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, 0, 0);
	*head = 0;
	return 2;
}

/* virtio 2.7.5: device-writable descriptors come after the readable ones. */
static uint16_t
build_order(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_HDR, 12, 0, 0);
	*head = 0;
	return 2;
}

static uint16_t
build_order_mid(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_BIG, 4, 0, 0);
	*head = 0;
	return 3;
}

/* An INDIRECT descriptor between the header and the ack. The table it
 * points to is a valid one-entry table, so only the flag is wrong.
 */
static uint16_t
build_indirect(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	struct avq_desc t = {
		.addr = avq_to_le64(e->dma + SC_BIG),
		.len = avq_to_le32(4),
		.flags = 0,
		.next = 0,
	};

	memcpy(e->sc + SC_IND, &t, sizeof(t));
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_IND, sizeof(t),
		 AVQ_DESC_F_INDIRECT | AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 3;
}

/* The whole command behind one INDIRECT head: the device does not support
 * indirect tables, so it either finds no ack buffer or rejects the chain.
 */
static uint16_t
build_indirect_head(struct chain_env *e, struct rte_avq_raw_desc *d,
		    uint16_t *head)
{
	struct avq_desc t[2] = {
		{ .addr = avq_to_le64(e->dma + SC_HDR), .len = avq_to_le32(12),
		  .flags = avq_to_le16(AVQ_DESC_F_NEXT), .next = avq_to_le16(1) },
		{ .addr = avq_to_le64(e->dma + SC_ACK), .len = avq_to_le32(9),
		  .flags = avq_to_le16(AVQ_DESC_F_WRITE), .next = 0 },
	};

	memcpy(e->sc + SC_IND, t, sizeof(t));
	raw_desc(&d[0], e->dma + SC_IND, sizeof(t), AVQ_DESC_F_INDIRECT, 0);
	*head = 0;
	return 1;
}

/* 0 -> 1 -> 0 -> ... */
static uint16_t
build_loop(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT, 0);
	*head = 0;
	return 2;
}

/* 1 -> 1 -> ... on a writable descriptor. */
static uint16_t
build_self_loop(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT, 1);
	*head = 0;
	return 2;
}

static uint16_t
build_next_range(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT,
		 e->size);
	*head = 0;
	return 2;
}

static uint16_t
build_next_range_max(struct chain_env *e, struct rte_avq_raw_desc *d,
		     uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT,
		 UINT16_MAX);
	*head = 0;
	return 2;
}

/* A valid chain in slots 0-1, but the published head is past the table. */
static uint16_t
build_head_range(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = e->size;
	return 2;
}

static uint16_t
build_head_max(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = UINT16_MAX;
	return 2;
}

static uint16_t
build_rd_low(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], ADDR_LOW, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

static uint16_t
build_rd_noncanon(struct chain_env *e, struct rte_avq_raw_desc *d,
		  uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], ADDR_NONCANON, 8, AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 3;
}

/* addr + len wraps around 2^64. */
static uint16_t
build_rd_wrap(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], ADDR_TOP, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

/* Starts inside a window and runs 6 bytes past its end. */
static uint16_t
build_rd_straddle(struct chain_env *e, struct rte_avq_raw_desc *d,
		  uint16_t *head)
{
	struct avq_cmd_hdr h = {
		.device_id = 0,
		.class_id = avq_to_le16(AVQ_CLASS_CAP),
		.command = avq_to_le16(AVQ_CAP_GET),
	};
	uint8_t *edge = (uint8_t *)e->fx->dma[e->fx->num_dma - 1].va;

	memcpy(edge + 4096 - 6, &h, 6);
	raw_desc(&d[0], e->edge_dma + 4096 - 6, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

static uint16_t
build_wr_low(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], ADDR_LOW, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

static uint16_t
build_wr_wrap(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], ADDR_TOP, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 2;
}

/* Readable lengths whose 32-bit sum wraps: 2 * 0xffffffff. */
static uint16_t
build_len_ffff(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, UINT32_MAX, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_HDR, UINT32_MAX, AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 3;
}

/* 12 + 2 * 0x80000000 wraps to 12 in 32 bits: exactly a header. */
static uint16_t
build_len_wrap12(struct chain_env *e, struct rte_avq_raw_desc *d,
		 uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_BIG, 0x80000000u, AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_BIG, 0x80000000u, AVQ_DESC_F_NEXT, 3);
	raw_desc(&d[3], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 4;
}

/* Writable lengths that overflow 32 bits. */
static uint16_t
build_wlen_ffff(struct chain_env *e, struct rte_avq_raw_desc *d,
		uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_ACK, UINT32_MAX,
		 AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_ACK, UINT32_MAX, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 3;
}

/* Header + 65537 bytes of out-data: one byte over what the device takes.
 * The same 32 KiB of scratch is read three times; descriptor boundaries
 * mean nothing.
 */
static uint16_t
build_too_big(struct chain_env *e, struct rte_avq_raw_desc *d, uint16_t *head)
{
	raw_desc(&d[0], e->dma + SC_HDR, 12, AVQ_DESC_F_NEXT, 1);
	raw_desc(&d[1], e->dma + SC_BIG, 32768, AVQ_DESC_F_NEXT, 2);
	raw_desc(&d[2], e->dma + SC_BIG, 32768, AVQ_DESC_F_NEXT, 3);
	raw_desc(&d[3], e->dma + SC_BIG, 1, AVQ_DESC_F_NEXT, 4);
	raw_desc(&d[4], e->dma + SC_ACK, 9, AVQ_DESC_F_WRITE, 0);
	*head = 0;
	return 5;
}

/* ---- runner ---- */

static int
chain_env_init(struct avq_fx *fx, struct chain_env *e)
{
	void *edge;

	memset(e, 0, sizeof(*e));
	e->fx = fx;
	e->sc = rte_avq_aq_scratch(fx->aq, &e->dma);
	TEST_ASSERT_NOT_NULL(e->sc, "no scratch memory");
	e->size = rte_avq_aq_size(fx->aq);
	TEST_ASSERT(e->size >= 4, "ring of %u entries", e->size);
	/* Last allocation of the fixture: build_rd_straddle() finds it. */
	edge = avq_fx_dma_alloc(fx, 4096, &e->edge_dma);
	TEST_ASSERT_NOT_NULL(edge, "no DMA memory");
	return TEST_SUCCESS;
}

static uint64_t
malformed_count(struct avq_fx *fx)
{
	struct rte_avq_dev_stats s;

	if (rte_avq_dev_stats_get(fx->dev, &s) < 0)
		return UINT64_MAX;
	return s.chains_malformed;
}

/* The device still serves a well-formed command. */
static int
next_command_ok(struct avq_fx *fx, const char *after)
{
	uint64_t caps = 0;

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps),
			    "CAP_GET after %s", after);
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_VDEV),
		    "CAP_GET after %s: caps 0x%" PRIx64, after, caps);
	return TEST_SUCCESS;
}

/*
 * Run one case: post it, check the ack byte and used.len, the malformed
 * counter, and that nothing beyond the ack was written; then a CAP_GET.
 */
static int
chain_run(struct chain_env *e, const struct chain_case *c)
{
	struct rte_avq_raw_desc d[8];
	uint8_t in_before[8];
	uint64_t before, after;
	uint32_t used_len = UINT32_MAX;
	uint16_t n, head = 0;
	uint8_t ack;
	int ret;

	memset(e->sc, 0, SC_BIG);
	chain_hdr(e);
	e->sc[SC_ACK] = ACK_SENTINEL;
	memset(e->sc + SC_ACK + 1, IN_SENTINEL, 8);
	memcpy(in_before, e->sc + SC_ACK + 1, 8);
	n = c->build(e, d, &head);

	before = malformed_count(e->fx);
	ret = rte_avq_aq_exec_raw(e->fx->aq, d, n, head, &used_len,
				  RAW_TIMEOUT_US);
	TEST_ASSERT_SUCCESS(ret, "%s: the device did not complete the chain",
			    c->name);
	after = malformed_count(e->fx);
	ack = e->sc[SC_ACK];

	switch (c->expect) {
	case EXP_INVAL:
		TEST_ASSERT_EQUAL(used_len, 1, "%s: used.len", c->name);
		TEST_ASSERT_EQUAL(ack, avq_fx_want_ack(e->fx, AVQ_ACK_INVAL),
				  "%s: ack %s", c->name, avq_ack_str(ack));
		break;
	case EXP_DROP:
		TEST_ASSERT_EQUAL(used_len, 0, "%s: used.len", c->name);
		TEST_ASSERT_EQUAL(ack, ACK_SENTINEL,
				  "%s: ack written with used.len 0", c->name);
		break;
	case EXP_INVAL_OR_DROP:
		if (used_len == 0) {
			TEST_ASSERT_EQUAL(ack, ACK_SENTINEL,
					  "%s: ack written with used.len 0",
					  c->name);
		} else {
			TEST_ASSERT_EQUAL(used_len, 1, "%s: used.len", c->name);
			TEST_ASSERT_EQUAL(ack, avq_fx_want_ack(e->fx,
					  AVQ_ACK_INVAL), "%s: ack %s",
					  c->name, avq_ack_str(ack));
		}
		break;
	}
	/* A rejected chain produces no in-data. */
	TEST_ASSERT(memcmp(e->sc + SC_ACK + 1, in_before, 8) == 0,
		    "%s: in-data written for a rejected chain", c->name);
	TEST_ASSERT_EQUAL(after, before + 1, "%s: chains_malformed", c->name);
	return next_command_ok(e->fx, c->name);
}

struct chain_cases {
	const struct chain_case *c;
	unsigned int n;
};

static int
chain_cases_run(struct avq_fx *fx, void *arg)
{
	const struct chain_cases *cs = arg;
	struct chain_env e;
	unsigned int i;
	int ret;

	ret = chain_env_init(fx, &e);
	for (i = 0; i < cs->n && ret == TEST_SUCCESS; i++)
		ret = chain_run(&e, &cs->c[i]);
	return ret;
}

/* Normal device, then a strict one (every non-zero ack is 1). */
static int
chain_cases_both(const struct chain_case *c, unsigned int n)
{
	struct chain_cases cs = { c, n };
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, chain_cases_run, &cs);
}

/* ---- tests ---- */

static int
split_hdr_body(struct avq_fx *fx)
{
	struct rte_avq_raw_desc d[4];
	struct chain_env e;
	uint32_t used_len = 0;
	uint64_t caps, before;
	uint16_t n, head;

	TEST_ASSERT_SUCCESS(chain_env_init(fx, &e), "");
	memset(e.sc, 0, SC_BIG);
	chain_hdr(&e);
	e.sc[SC_ACK] = ACK_SENTINEL;
	n = build_split_hdr(&e, d, &head);
	before = malformed_count(fx);
	TEST_ASSERT_SUCCESS(rte_avq_aq_exec_raw(fx->aq, d, n, head, &used_len,
						RAW_TIMEOUT_US), "");
	/* Boundaries mean nothing (protocol guide): a header in two pieces
	 * is a header.
	 */
	TEST_ASSERT_EQUAL(used_len, 9, "split header: used.len");
	TEST_ASSERT_EQUAL(e.sc[SC_ACK], AVQ_ACK_OK, "split header: ack");
	memcpy(&caps, e.sc + SC_ACK + 1, 8);
	TEST_ASSERT(avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_VDEV),
		    "split header: caps 0x%" PRIx64, avq_le64(caps));
	TEST_ASSERT_EQUAL(malformed_count(fx), before, "split header counted");
	return TEST_SUCCESS;
}

static int
test_bad_chain_short_header(void)
{
	static const struct chain_case c[] = {
		{ "4-byte header", build_hdr4, EXP_INVAL },
		{ "11-byte header", build_hdr11, EXP_INVAL },
		{ "no readable descriptor", build_hdr0, EXP_INVAL },
	};
	struct rte_avq_dev_trace_entry t[4];
	struct rte_avq_dev_params p;
	struct chain_env e;
	struct avq_fx fx;
	uint64_t seq;
	int ret, n;

	ret = chain_cases_both(c, RTE_DIM(c));
	if (ret != TEST_SUCCESS)
		return ret;

	/* The control (split header works), and the trace marks a short
	 * header as malformed.
	 */
	avq_fx_params(&p);
	if (avq_fx_setup(&fx, &p) < 0)
		return TEST_FAILED;
	ret = split_hdr_body(&fx);
	if (ret == TEST_SUCCESS)
		ret = chain_env_init(&fx, &e);
	if (ret == TEST_SUCCESS) {
		seq = avq_fx_trace_last(&fx);
		ret = chain_run(&e, &c[0]);
		n = avq_fx_trace(&fx, seq, t, RTE_DIM(t));
		/* The chain, then the CAP_GET of chain_run(). */
		if (ret == TEST_SUCCESS && (n != 2 || t[0].malformed != 1 ||
					    t[0].ack != AVQ_ACK_INVAL ||
					    t[1].malformed != 0)) {
			fprintf(stderr, "trace: %d entries, malformed %u ack %u\n",
				n, n > 0 ? t[0].malformed : 0,
				n > 0 ? t[0].ack : 0);
			ret = TEST_FAILED;
		}
	}
	avq_fx_teardown(&fx);
	return ret;
}

static int
test_bad_chain_no_ack(void)
{
	static const struct chain_case c[] = {
		{ "header only", build_no_ack, EXP_DROP },
		{ "two readable descriptors", build_no_ack2, EXP_DROP },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

static int
test_bad_chain_order(void)
{
	static const struct chain_case c[] = {
		{ "writable before readable", build_order, EXP_INVAL },
		{ "readable after writable", build_order_mid, EXP_INVAL },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

static int
test_bad_chain_indirect(void)
{
	static const struct chain_case c[] = {
		{ "INDIRECT in the chain", build_indirect, EXP_INVAL },
		{ "INDIRECT head", build_indirect_head, EXP_INVAL_OR_DROP },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

static int
test_bad_chain_next_loop(void)
{
	static const struct chain_case c[] = {
		{ "loop 0->1->0", build_loop, EXP_INVAL_OR_DROP },
		{ "loop 1->1", build_self_loop, EXP_INVAL_OR_DROP },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

static int
test_bad_chain_next_range(void)
{
	static const struct chain_case c[] = {
		{ "next == ring size", build_next_range, EXP_INVAL },
		{ "next 0xffff", build_next_range_max, EXP_INVAL },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

/*
 * A head outside the table names no descriptor: the device cannot find an
 * ack buffer without reading past the table, so it completes the entry
 * with used.len 0 and reads nothing (the valid chain in slots 0-1 is not
 * executed: no ack appears).
 */
static int
test_bad_chain_head_range(void)
{
	static const struct chain_case c[] = {
		{ "head == ring size", build_head_range, EXP_DROP },
		{ "head 0xffff", build_head_max, EXP_DROP },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

static int
test_bad_chain_addr(void)
{
	static const struct chain_case c[] = {
		{ "header in low memory", build_rd_low, EXP_INVAL },
		{ "out-data at 2^52", build_rd_noncanon, EXP_INVAL },
		{ "header wraps 2^64", build_rd_wrap, EXP_INVAL },
		{ "header crosses a window end", build_rd_straddle, EXP_INVAL },
		{ "ack in low memory", build_wr_low, EXP_DROP },
		{ "ack wraps 2^64", build_wr_wrap, EXP_DROP },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

static int
test_bad_chain_len_overflow(void)
{
	static const struct chain_case c[] = {
		{ "readable 2 x 0xffffffff", build_len_ffff, EXP_INVAL },
		{ "readable 12 + 2 x 2^31", build_len_wrap12, EXP_INVAL },
		{ "writable 2 x 0xffffffff", build_wlen_ffff, EXP_INVAL_OR_DROP },
	};
	return chain_cases_both(c, RTE_DIM(c));
}

/*
 * Header + 64 KiB of out-data is the most the device takes: that chain is
 * parsed, and CAP_GET rejects the out-data (INVAL, not malformed). One
 * byte more and the chain itself is rejected.
 */
static int
too_big_body(struct avq_fx *fx, void *arg __rte_unused)
{
	static const struct chain_case big = {
		"out-data 64 KiB + 1", build_too_big, EXP_INVAL,
	};
	struct rte_avq_dev_trace_entry t[2];
	struct rte_avq_raw_desc d[8];
	struct chain_env e;
	uint32_t used_len = 0;
	uint64_t before, seq;
	uint16_t n, head;

	TEST_ASSERT_SUCCESS(chain_env_init(fx, &e), "");
	TEST_ASSERT_SUCCESS(chain_run(&e, &big), "");

	memset(e.sc, 0, SC_BIG);
	chain_hdr(&e);
	e.sc[SC_ACK] = ACK_SENTINEL;
	n = build_too_big(&e, d, &head);
	d[2].len = 32767;	/* 32768 + 32767 + 1: exactly 64 KiB */
	before = malformed_count(fx);
	seq = avq_fx_trace_last(fx);
	TEST_ASSERT_SUCCESS(rte_avq_aq_exec_raw(fx->aq, d, n, head, &used_len,
						RAW_TIMEOUT_US), "");
	TEST_ASSERT_EQUAL(used_len, 1, "64 KiB out-data: used.len");
	TEST_ASSERT_EQUAL(e.sc[SC_ACK], avq_fx_want_ack(fx, AVQ_ACK_INVAL),
			  "64 KiB out-data: ack");
	TEST_ASSERT_EQUAL(malformed_count(fx), before,
			  "64 KiB out-data counted as malformed");
	TEST_ASSERT_EQUAL(avq_fx_trace(fx, seq, t, RTE_DIM(t)), 1, "trace");
	TEST_ASSERT_EQUAL(t[0].out_len, 65536, "trace out_len");
	TEST_ASSERT_EQUAL(t[0].malformed, 0, "trace malformed");
	TEST_ASSERT_EQUAL(t[0].class_id, AVQ_CLASS_CAP, "trace class");
	return next_command_ok(fx, "64 KiB out-data");
}

static int
test_bad_chain_too_big(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, too_big_body, NULL);
}

/* ---- random garbage ---- */

static uint64_t
garbage_addr(struct chain_env *e, uint64_t *s)
{
	static const uint64_t outside[] = {
		0, ADDR_LOW, 0xdead0000ull, ADDR_NONCANON,
		0xfffffffffffff000ull, ADDR_TOP,
	};
	uint64_t r = avq_fx_prng(s);

	switch (r % 8) {
	case 0:
	case 1:
		return outside[(r >> 8) % RTE_DIM(outside)];
	case 2:
		/* Near the end of the scratch memory. */
		return e->dma + RTE_AVQ_AQ_BUF_SIZE - 1 - ((r >> 8) % 64);
	default:
		return e->dma + ((r >> 8) % RTE_AVQ_AQ_BUF_SIZE);
	}
}

static uint32_t
garbage_len(uint64_t *s)
{
	uint64_t r = avq_fx_prng(s);

	switch (r % 8) {
	case 0:
		return 0;
	case 1:
		return UINT32_MAX;
	case 2:
		return 0x80000000u;
	case 3:
		return (uint32_t)((r >> 8) % 70000);
	default:
		return (uint32_t)((r >> 8) % 64);
	}
}

static uint16_t
garbage_chain(struct chain_env *e, uint64_t *s, struct rte_avq_raw_desc *d,
	      uint16_t max, uint16_t *head)
{
	uint16_t n = 1 + avq_fx_prng(s) % max, i;
	uint64_t r;

	for (i = 0; i < n; i++) {
		r = avq_fx_prng(s);
		d[i].addr = garbage_addr(e, s);
		d[i].len = garbage_len(s);
		/* Mostly the defined flags, sometimes any bits. */
		d[i].flags = (r & 0xf) == 0 ? (uint16_t)(r >> 16) :
			(uint16_t)((r >> 4) & 7);
		d[i].next = (r & 0xf00) == 0 ? (uint16_t)(r >> 32) :
			(uint16_t)((r >> 32) % (n + 1));
	}
	r = avq_fx_prng(s);
	if (r % 16 == 0)
		*head = (uint16_t)(e->size + (r >> 8) % 64);
	else if (r % 16 == 1)
		*head = UINT16_MAX;
	else
		*head = (uint16_t)((r >> 8) % n);
	return n;
}

/*
 * 256 random chains in the first 8 slots; the rest of the table is written
 * as zero descriptors each time, so that whatever slot a random next
 * reaches holds nothing writable the test did not count.
 */
static int
garbage_loop(struct avq_fx *fx, struct chain_env *e,
	     struct rte_avq_raw_desc *d, uint8_t *canary)
{
	uint64_t seed = 0x5eed0fa11c0ffeeull, wr_total, r;
	struct rte_avq_dev_stats st;
	uint32_t used_len;
	uint16_t n, head, i;
	unsigned int it;
	int ret;

	for (it = 0; it < 256; it++) {
		/* Random bytes where headers are read, sometimes a valid one. */
		for (i = 0; i < 4096 / 8; i++) {
			r = avq_fx_prng(&seed);
			memcpy(e->sc + i * 8, &r, 8);
		}
		memset(d, 0, sizeof(*d) * e->size);
		n = garbage_chain(e, &seed, d, 8, &head);
		if (avq_fx_prng(&seed) % 4 == 0 && d[0].addr - e->dma < 4096 - 12) {
			struct avq_cmd_hdr h = {
				.device_id = 0,
				.class_id = avq_to_le16(AVQ_CLASS_CAP),
				.command = avq_to_le16(AVQ_CAP_GET),
			};
			memcpy(e->sc + (d[0].addr - e->dma), &h, sizeof(h));
		}
		wr_total = 0;
		for (i = 0; i < n; i++)
			if (d[i].flags & AVQ_DESC_F_WRITE)
				wr_total += d[i].len;
		used_len = UINT32_MAX;
		ret = rte_avq_aq_exec_raw(fx->aq, d, e->size, head, &used_len,
					  RAW_TIMEOUT_US);
		if (ret != 0) {
			fprintf(stderr, "garbage %u: exec_raw %d, head %u, %u descriptors:\n",
				it, ret, head, n);
			for (i = 0; i < n; i++)
				fprintf(stderr, "  [%u] 0x%" PRIx64 " len 0x%x flags 0x%x next %u\n",
					i, d[i].addr, d[i].len, d[i].flags,
					d[i].next);
			return TEST_FAILED;
		}
		/* The device cannot have written more than it was given. */
		TEST_ASSERT(used_len <= wr_total,
			    "garbage %u: used.len %u, writable %" PRIu64, it,
			    used_len, wr_total);
		TEST_ASSERT_SUCCESS(next_command_ok(fx, "garbage"),
				    "garbage %u", it);
	}
	for (i = 0; i < 4096; i++)
		TEST_ASSERT_EQUAL(canary[i], 0x5a,
				  "byte %u of an unnamed window changed", i);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &st), "");
	TEST_ASSERT(st.chains_malformed > 0 && st.chains_malformed <= 256,
		    "chains_malformed %" PRIu64, st.chains_malformed);
	return TEST_SUCCESS;
}

static int
garbage_body(struct avq_fx *fx, void *arg __rte_unused)
{
	struct rte_avq_raw_desc *d;
	struct chain_env e;
	uint64_t canary_dma;
	uint8_t *canary;
	int ret;

	TEST_ASSERT_SUCCESS(chain_env_init(fx, &e), "");
	/* A window no garbage descriptor names: it must stay as it is. */
	canary = avq_fx_dma_alloc(fx, 4096, &canary_dma);
	TEST_ASSERT_NOT_NULL(canary, "no DMA memory");
	memset(canary, 0x5a, 4096);
	d = calloc(e.size, sizeof(*d));
	TEST_ASSERT_NOT_NULL(d, "no memory");
	ret = garbage_loop(fx, &e, d, canary);
	free(d);
	return ret;
}

static int
test_bad_chain_garbage(void)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, NULL, garbage_body, NULL);
}

REGISTER_AVQ_TEST(bad_chain_short_header_autotest, test_bad_chain_short_header);
REGISTER_AVQ_TEST(bad_chain_no_ack_autotest, test_bad_chain_no_ack);
REGISTER_AVQ_TEST(bad_chain_order_autotest, test_bad_chain_order);
REGISTER_AVQ_TEST(bad_chain_indirect_autotest, test_bad_chain_indirect);
REGISTER_AVQ_TEST(bad_chain_next_loop_autotest, test_bad_chain_next_loop);
REGISTER_AVQ_TEST(bad_chain_next_range_autotest, test_bad_chain_next_range);
REGISTER_AVQ_TEST(bad_chain_head_range_autotest, test_bad_chain_head_range);
REGISTER_AVQ_TEST(bad_chain_addr_autotest, test_bad_chain_addr);
REGISTER_AVQ_TEST(bad_chain_len_overflow_autotest, test_bad_chain_len_overflow);
REGISTER_AVQ_TEST(bad_chain_too_big_autotest, test_bad_chain_too_big);
REGISTER_AVQ_TEST(bad_chain_garbage_autotest, test_bad_chain_garbage);
