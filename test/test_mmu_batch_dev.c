/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * MMU_BATCH extension (class 66) of the device model: offered and announced
 * by params.mmu_batch, all-or-nothing batches of MMU_MAP / MMU_UNMAP with
 * the rules of the single commands.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_fixture.h"
#include "avq_test.h"

#define PAGE		4096ull
#define MAX_OUT		65536u
#define MAP_MAX		((MAX_OUT - sizeof(struct avq_mmu_batch_hdr)) / \
			 sizeof(struct avq_mmu_batch_map))
#define UNMAP_MAX	((MAX_OUT - sizeof(struct avq_mmu_batch_hdr)) / \
			 sizeof(struct avq_mmu_batch_unmap))
#define RW		(AVQ_MMU_F_READ | AVQ_MMU_F_WRITE)
/* IOVA of test mapping i: one page every two pages, from 1 MiB. */
#define IOVA(i)		(0x100000ull + (uint64_t)(i) * 2 * PAGE)
#define NMAP		1000
#define TARGET_PAGES	16

/* A batch command being built. */
struct batch {
	uint32_t n;
	uint32_t len;
	uint8_t buf[MAX_OUT];
};

struct mb {
	struct avq_fx fx;
	uint64_t id;
	uint8_t *target;	/* DMA memory mappings point into */
	uint64_t target_dma;
	struct batch b;
};

static void
batch_begin(struct batch *b)
{
	memset(b->buf, 0, sizeof(struct avq_mmu_batch_hdr));
	b->n = 0;
	b->len = sizeof(struct avq_mmu_batch_hdr);
}

/* Set the head: @p count (as written), ASID @p asid. */
static void
batch_hdr(struct batch *b, uint64_t asid, uint32_t count)
{
	struct avq_mmu_batch_hdr h = {
		.asid = avq_to_le64(asid),
		.count = avq_to_le32(count),
	};

	memcpy(b->buf, &h, sizeof(h));
}

static void
batch_map(struct batch *b, uint64_t start, uint64_t end, uint64_t dma,
	  uint32_t flags)
{
	struct avq_mmu_batch_map e = {
		.iova_start = avq_to_le64(start),
		.iova_end = avq_to_le64(end),
		.dma_start = avq_to_le64(dma),
		.flags = avq_to_le32(flags),
	};

	memcpy(b->buf + b->len, &e, sizeof(e));
	b->len += sizeof(e);
	b->n++;
}

static void
batch_unmap(struct batch *b, uint64_t start, uint64_t end)
{
	struct avq_mmu_batch_unmap e = {
		.iova_start = avq_to_le64(start),
		.iova_end = avq_to_le64(end),
	};

	memcpy(b->buf + b->len, &e, sizeof(e));
	b->len += sizeof(e);
	b->n++;
}

/* Execute @p b as @p cmd on device @p id (head count = entries); ack. */
static int
batch_exec(struct mb *m, uint64_t id, uint16_t cmd, uint64_t asid)
{
	batch_hdr(&m->b, asid, m->b.n);
	return avq_fx_ack(&m->fx, id, AVQ_CLASS_MMU_BATCH, cmd, m->b.buf,
			  m->b.len, NULL, 0);
}

/* Mapping i of the standard set: one page onto target page i % 16. */
static void
add_std_map(struct mb *m, uint32_t i)
{
	batch_map(&m->b, IOVA(i), IOVA(i) + PAGE - 1,
		  m->target_dma + (i % TARGET_PAGES) * PAGE, RW);
}

/* The standard set, in a shuffled order (the device sorts). */
static int
map_std(struct mb *m, uint64_t asid)
{
	uint32_t order[NMAP], i, j, t;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (i = 0; i < NMAP; i++)
		order[i] = i;
	for (i = NMAP - 1; i > 0; i--) {
		j = avq_fx_prng(&seed) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	batch_begin(&m->b);
	for (i = 0; i < NMAP; i++)
		add_std_map(m, order[i]);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, asid),
			  AVQ_ACK_OK, "");
	return TEST_SUCCESS;
}

/* Whether IOVA @p iova of queue 0 translates, through a device read. */
static bool
translates(struct mb *m, uint64_t iova)
{
	uint8_t b[8];

	return rte_avq_dev_vdev_dma(m->fx.dev, m->id, 0, iova, b, sizeof(b),
				    false) == 0;
}

static int
mmu_on(struct mb *m)
{
	uint8_t on = 1;

	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU,
				     AVQ_MMU_ENABLE, &on, 1, NULL, 0),
			  AVQ_ACK_OK, "");
	return TEST_SUCCESS;
}

typedef int (*mb_body_fn)(struct mb *m);

static int
mb_body(struct avq_fx *fx, void *arg)
{
	struct mb *m = container_of(fx, struct mb, fx);
	mb_body_fn fn = (mb_body_fn)(uintptr_t)arg;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &m->id), "");
	m->target = avq_fx_dma_alloc(fx, TARGET_PAGES * PAGE, &m->target_dma);
	TEST_ASSERT_NOT_NULL(m->target, "");
	return fn(m);
}

/* Run @p fn on a default and then a strict device. */
static int
mb_run_both(const struct rte_avq_dev_params *p, mb_body_fn fn)
{
	struct mb *m = calloc(1, sizeof(*m));
	int ret;

	TEST_ASSERT_NOT_NULL(m, "");
	ret = avq_fx_run_both(&m->fx, p, mb_body, (void *)(uintptr_t)fn);
	free(m);
	return ret;
}

static int
mb_run(const struct rte_avq_dev_params *p, mb_body_fn fn)
{
	struct mb *m = calloc(1, sizeof(*m));
	int ret;

	TEST_ASSERT_NOT_NULL(m, "");
	ret = avq_fx_run(&m->fx, p, mb_body, (void *)(uintptr_t)fn);
	free(m);
	return ret;
}

/* ---- offer ---- */

static int
cap_body(struct mb *m)
{
	uint64_t caps = 0;

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(m->fx.aq, &caps), "");
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH)),
		    "MMU_BATCH not announced: caps 0x%" PRIx64, caps);
	TEST_ASSERT_EQUAL(AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH), 34, "");
	/* Unknown commands of an offered class stay UNSUPP. */
	batch_begin(&m->b);
	add_std_map(m, 0);
	batch_hdr(&m->b, 0, 1);
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH, 2,
				     m->b.buf, m->b.len, NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_UNSUPP), "");
	/* A managed device is the target. */
	TEST_ASSERT_EQUAL(batch_exec(m, 0, AVQ_MMU_BATCH_MAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "device_id 0");
	TEST_ASSERT_EQUAL(batch_exec(m, m->id + 100, AVQ_MMU_BATCH_MAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_NOENT), "unknown id");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 0, "");
	return TEST_SUCCESS;
}

static int
not_offered_body(struct mb *m)
{
	uint64_t caps = ~0ull;

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(m->fx.aq, &caps), "");
	TEST_ASSERT(!(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH))),
		    "MMU_BATCH announced but not offered");
	batch_begin(&m->b);
	add_std_map(m, 0);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_UNSUPP), "");
	batch_begin(&m->b);
	batch_unmap(&m->b, 0, UINT64_MAX);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_UNMAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 0, "");
	return TEST_SUCCESS;
}

static int
test_cap(void)
{
	struct rte_avq_dev_params p;
	int ret;

	rte_avq_dev_params_init(&p);
	TEST_ASSERT(p.mmu_batch, "offered by default");
	ret = mb_run_both(NULL, cap_body);
	if (ret != TEST_SUCCESS)
		return ret;
	avq_fx_params(&p);
	p.mmu_batch = false;
	return mb_run_both(&p, not_offered_body);
}

/* ---- map ---- */

static int
map_body(struct mb *m)
{
	uint64_t v = 0x1122334455667788ull, got;
	uint32_t i;

	TEST_ASSERT_SUCCESS(map_std(m, 0), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), NMAP, "");
	TEST_ASSERT_SUCCESS(mmu_on(m), "");
	/* Each mapping translates to its own target, the gaps do not. */
	for (i = 0; i < NMAP; i += 37) {
		v++;
		TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(m->fx.dev, m->id, 0,
							 IOVA(i) + 8, &v, 8,
							 true), "iova %u", i);
		memcpy(&got, m->target + (i % TARGET_PAGES) * PAGE + 8, 8);
		TEST_ASSERT_EQUAL(got, v, "mapping %u", i);
	}
	TEST_ASSERT(translates(m, IOVA(NMAP - 1)), "");
	TEST_ASSERT(!translates(m, IOVA(5) + PAGE), "gap mapped");
	/* The table is consistent for the single commands. */
	TEST_ASSERT_EQUAL(rte_avq_mmu_map(m->fx.aq, m->id, 0, IOVA(500) + 16,
					  16, m->target_dma, RW),
			  m->fx.strict ? -EIO : -EEXIST, "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(m->fx.aq, m->id, 0,
					    IOVA(500) + PAGE, PAGE,
					    m->target_dma, RW), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), NMAP + 1, "");
	/* A second batch, in another ASID, merges into nothing there. */
	batch_begin(&m->b);
	for (i = 0; i < 10; i++)
		add_std_map(m, i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 7),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), NMAP + 11, "");
	/* And a batch interleaved with existing mappings of ASID 0. */
	batch_begin(&m->b);
	for (i = 0; i < 100; i++)
		batch_map(&m->b, IOVA(i * 3) + PAGE, IOVA(i * 3) + 2 * PAGE - 1,
			  m->target_dma, AVQ_MMU_F_READ);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), NMAP + 111, "");
	for (i = 0; i < 300; i += 3)
		TEST_ASSERT(translates(m, IOVA(i) + PAGE), "interleaved %u", i);
	TEST_ASSERT(translates(m, IOVA(1)), "");
	return TEST_SUCCESS;
}

static int
test_map(void)
{
	return mb_run_both(NULL, map_body);
}

/* ---- one bad entry changes nothing ---- */

struct bad_case {
	const char *what;
	int ack;
	/* Entry put at index 50 of 100 good ones (unless NULL). */
	void (*bad)(struct mb *m);
};

static void
bad_overlap_existing(struct mb *m)
{
	batch_map(&m->b, IOVA(3) + 100, IOVA(3) + 200, m->target_dma, RW);
}

static void
bad_overlap_batch(struct mb *m)
{
	/* Intersects good entry 10 of the same batch. */
	batch_map(&m->b, IOVA(NMAP + 10) + PAGE - 1, IOVA(NMAP + 10) + PAGE,
		  m->target_dma, RW);
}

static void
bad_resv(struct mb *m)
{
	batch_map(&m->b, 0xfee00000ull - PAGE, 0xfee00000ull, m->target_dma, RW);
}

static void
bad_end_le_start(struct mb *m)
{
	batch_map(&m->b, IOVA(NMAP + 500), IOVA(NMAP + 500), m->target_dma, RW);
}

static void
bad_end_lt_start(struct mb *m)
{
	batch_map(&m->b, IOVA(NMAP + 500) + 10, IOVA(NMAP + 500),
		  m->target_dma, RW);
}

static void
bad_flags(struct mb *m)
{
	batch_map(&m->b, IOVA(NMAP + 500), IOVA(NMAP + 500) + PAGE - 1,
		  m->target_dma, RW | 0x100);
}

static void
bad_mmio(struct mb *m)
{
	batch_map(&m->b, IOVA(NMAP + 500), IOVA(NMAP + 500) + PAGE - 1,
		  m->target_dma, RW | AVQ_MMU_F_MMIO);
}

static void
bad_no_access(struct mb *m)
{
	batch_map(&m->b, IOVA(NMAP + 500), IOVA(NMAP + 500) + PAGE - 1,
		  m->target_dma, AVQ_MMU_F_EXEC);
}

static void
bad_dma_wrap(struct mb *m)
{
	batch_map(&m->b, IOVA(NMAP + 500), IOVA(NMAP + 500) + PAGE - 1,
		  UINT64_MAX - 10, RW);
}

static void
bad_reserved_field(struct mb *m)
{
	struct avq_mmu_batch_map e = {
		.iova_start = avq_to_le64(IOVA(NMAP + 500)),
		.iova_end = avq_to_le64(IOVA(NMAP + 500) + PAGE - 1),
		.dma_start = avq_to_le64(m->target_dma),
		.flags = avq_to_le32(RW),
		.reserved = avq_to_le32(1),
	};

	memcpy(m->b.buf + m->b.len, &e, sizeof(e));
	m->b.len += sizeof(e);
	m->b.n++;
}

static const struct bad_case bad_cases[] = {
	{ "overlaps an existing mapping", AVQ_ACK_EXIST, bad_overlap_existing },
	{ "overlaps an entry of the batch", AVQ_ACK_EXIST, bad_overlap_batch },
	{ "reserved MSI region", AVQ_ACK_RANGE, bad_resv },
	{ "end == start", AVQ_ACK_INVAL, bad_end_le_start },
	{ "end < start", AVQ_ACK_INVAL, bad_end_lt_start },
	{ "unknown flag", AVQ_ACK_UNSUPP, bad_flags },
	{ "MMIO", AVQ_ACK_UNSUPP, bad_mmio },
	{ "no READ/WRITE", AVQ_ACK_INVAL, bad_no_access },
	{ "DMA range wraps", AVQ_ACK_RANGE, bad_dma_wrap },
	{ "reserved field set", AVQ_ACK_INVAL, bad_reserved_field },
};

static int
bad_entry_body(struct mb *m)
{
	uint32_t before, i, k;

	/* Existing mappings: the first 10 of the standard set. */
	batch_begin(&m->b);
	for (i = 0; i < 10; i++)
		add_std_map(m, i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  AVQ_ACK_OK, "");
	before = avq_fx_mmu_mappings(&m->fx, m->id);
	TEST_ASSERT_EQUAL(before, 10, "");
	TEST_ASSERT_SUCCESS(mmu_on(m), "");

	for (k = 0; k < RTE_DIM(bad_cases); k++) {
		batch_begin(&m->b);
		for (i = 0; i < 100; i++) {
			if (i == 50)
				bad_cases[k].bad(m);
			add_std_map(m, NMAP + i);
		}
		TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
				  avq_fx_want_ack(&m->fx, bad_cases[k].ack),
				  "%s", bad_cases[k].what);
		TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), before,
				  "%s: table changed", bad_cases[k].what);
		/* Not even the good entries before the bad one. */
		TEST_ASSERT(!translates(m, IOVA(NMAP)), "%s", bad_cases[k].what);
		TEST_ASSERT(translates(m, IOVA(3)), "%s", bad_cases[k].what);
	}

	/* Shape errors. */
	batch_begin(&m->b);
	add_std_map(m, NMAP);
	add_std_map(m, NMAP + 1);
	batch_hdr(&m->b, 0, 0);
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_MAP, m->b.buf,
				     sizeof(struct avq_mmu_batch_hdr), NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "count 0");
	batch_hdr(&m->b, 0, 3);
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_MAP, m->b.buf, m->b.len,
				     NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "count 3 of 2");
	batch_hdr(&m->b, 0, 1);
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_MAP, m->b.buf, m->b.len,
				     NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "count 1 of 2");
	batch_hdr(&m->b, 0, 2);
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_MAP, m->b.buf, m->b.len - 1,
				     NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "short entry");
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_MAP, m->b.buf, 15, NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "short head");
	m->b.buf[12] = 1;	/* head reserved */
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_MAP, m->b.buf, m->b.len,
				     NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "head reserved");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), before, "");
	/* The same batch, well formed, goes through. */
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), before + 2, "");
	return TEST_SUCCESS;
}

static int
test_bad_entry(void)
{
	return mb_run_both(NULL, bad_entry_body);
}

/* ---- capacity ---- */

static int
nospc_body(struct mb *m)
{
	uint32_t i;

	/* max_mappings 64: 65 in one batch, then 60 on top of 10. */
	batch_begin(&m->b);
	for (i = 0; i < 65; i++)
		add_std_map(m, i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_NOSPC), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 0, "");
	batch_begin(&m->b);
	for (i = 0; i < 10; i++)
		add_std_map(m, i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  AVQ_ACK_OK, "");
	batch_begin(&m->b);
	for (i = 10; i < 65; i++)
		add_std_map(m, i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_NOSPC), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 10, "");
	/* Exactly up to the limit is fine. */
	batch_begin(&m->b);
	for (i = 10; i < 64; i++)
		add_std_map(m, i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 64, "");
	/* max_asids 2: a third ASID with mappings has no room. */
	batch_begin(&m->b);
	add_std_map(m, 0);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 1),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 2),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_NOSPC), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 65, "");
	return TEST_SUCCESS;
}

static int
test_nospc(void)
{
	struct rte_avq_dev_params p;

	avq_fx_params(&p);
	p.max_mappings = 64;
	p.max_asids = 2;
	return mb_run_both(&p, nospc_body);
}

/* ---- unmap ---- */

static int
unmap_body(struct mb *m)
{
	bool gone[NMAP] = { false };
	uint32_t i, left;

	TEST_ASSERT_SUCCESS(map_std(m, 0), "");
	TEST_ASSERT_SUCCESS(mmu_on(m), "");
	batch_begin(&m->b);
	/* Unsorted; exact, partial, spanning and overlapping ranges, and
	 * ranges that hit nothing. */
	batch_unmap(&m->b, IOVA(900), IOVA(900) + PAGE - 1);	/* exact */
	gone[900] = true;
	batch_unmap(&m->b, IOVA(10) + 5, IOVA(10) + 6);		/* inside */
	gone[10] = true;
	batch_unmap(&m->b, IOVA(20) + PAGE - 1, IOVA(23));	/* 20..23 */
	for (i = 20; i <= 23; i++)
		gone[i] = true;
	batch_unmap(&m->b, IOVA(22), IOVA(30) - 1);		/* overlaps */
	for (i = 22; i < 30; i++)
		gone[i] = true;
	batch_unmap(&m->b, IOVA(40) + PAGE, IOVA(41) - 1);	/* a gap */
	batch_unmap(&m->b, 0, IOVA(0) - 1);			/* below */
	batch_unmap(&m->b, IOVA(NMAP), UINT64_MAX);		/* above */
	batch_unmap(&m->b, IOVA(5), IOVA(5) + 1);
	gone[5] = true;
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_UNMAP, 0),
			  AVQ_ACK_OK, "");
	left = 0;
	for (i = 0; i < NMAP; i++) {
		TEST_ASSERT_EQUAL(translates(m, IOVA(i)), !gone[i], "mapping %u",
				  i);
		left += !gone[i];
	}
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), left, "");

	/* A bad entry (end <= start) removes nothing. */
	batch_begin(&m->b);
	batch_unmap(&m->b, IOVA(100), IOVA(200));
	batch_unmap(&m->b, IOVA(300), IOVA(300));
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_UNMAP, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), left, "");
	batch_begin(&m->b);
	batch_unmap(&m->b, IOVA(100), IOVA(200));
	batch_hdr(&m->b, 0, 0);
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_UNMAP, m->b.buf,
				     sizeof(struct avq_mmu_batch_hdr), NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "count 0");
	TEST_ASSERT_EQUAL(avq_fx_ack(&m->fx, m->id, AVQ_CLASS_MMU_BATCH,
				     AVQ_MMU_BATCH_UNMAP, m->b.buf, m->b.len,
				     NULL, 0),
			  avq_fx_want_ack(&m->fx, AVQ_ACK_INVAL), "count 0 of 1");
	/* An ASID without mappings: nothing to do, success. */
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_UNMAP, 9),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), left, "");
	/* Everything, in one range. */
	batch_begin(&m->b);
	batch_unmap(&m->b, 0, UINT64_MAX);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_UNMAP, 0),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 0, "");
	/* The ASID slot is free again: a new map works. */
	TEST_ASSERT_SUCCESS(map_std(m, 0), "");
	return TEST_SUCCESS;
}

static int
test_unmap(void)
{
	return mb_run_both(NULL, unmap_body);
}

/* ---- the largest batches ---- */

static int
max_body(struct mb *m)
{
	uint32_t i;

	/* As many entries as the 64 KiB out-data limit holds, in
	 * descending order (the device sorts). */
	batch_begin(&m->b);
	for (i = 0; i < MAP_MAX; i++)
		add_std_map(m, MAP_MAX - 1 - i);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_MAP, 0),
			  AVQ_ACK_OK, "%u entries", (unsigned int)MAP_MAX);
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), MAP_MAX, "");
	batch_begin(&m->b);
	for (i = 0; i < UNMAP_MAX; i++)
		batch_unmap(&m->b, IOVA(i), IOVA(i) + 1);
	TEST_ASSERT_EQUAL(batch_exec(m, m->id, AVQ_MMU_BATCH_UNMAP, 0),
			  AVQ_ACK_OK, "%u entries", (unsigned int)UNMAP_MAX);
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&m->fx, m->id), 0, "");
	return TEST_SUCCESS;
}

static int
test_max(void)
{
	return mb_run(NULL, max_body);
}

REGISTER_AVQ_TEST(dev_mmu_batch_cap_autotest, test_cap);
REGISTER_AVQ_TEST(dev_mmu_batch_map_autotest, test_map);
REGISTER_AVQ_TEST(dev_mmu_batch_bad_entry_autotest, test_bad_entry);
REGISTER_AVQ_TEST(dev_mmu_batch_nospc_autotest, test_nospc);
REGISTER_AVQ_TEST(dev_mmu_batch_unmap_autotest, test_unmap);
REGISTER_AVQ_TEST(dev_mmu_batch_max_autotest, test_max);
