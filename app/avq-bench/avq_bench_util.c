/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Clocks, percentiles and the physical reference: a cache line bounced
 * between the two cores, the floor under any polled round trip.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <rte_avq_wire.h>

#include "avq_bench.h"

uint64_t
bench_tsc(void)
{
	return rte_rdtsc();
}

double
bench_tsc_ns(uint64_t cycles)
{
	return (double)cycles * 1e9 / (double)rte_get_tsc_hz();
}

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_median(double *v, uint32_t n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), dbl_cmp);
	return v[n / 2];
}

/* Nearest-rank percentile of sorted samples: the smallest sample with at
 * least p of all samples at or below it. */
static double
pick(const uint64_t *s, uint32_t n, double p)
{
	uint64_t rank = (uint64_t)(p * n + 0.999999);

	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return bench_tsc_ns(s[rank - 1]);
}

void
bench_percentiles(uint64_t *s, uint32_t n, struct bench_row *r)
{
	if (n == 0)
		return;
	qsort(s, n, sizeof(*s), u64_cmp);
	r->p50 = pick(s, n, 0.50);
	r->p99 = pick(s, n, 0.99);
	r->p999 = pick(s, n, 0.999);
}

/* ---- Cache-line round trip ---- */

/* Rounds timed together: one sample is the mean of a block, so that the
 * two TSC reads (tens of cycles in a VM) weigh 1/16 on each round. */
#define PP_BLOCK	BENCH_CL_BLOCK
#define PP_WARMUP	10000

struct pingpong {
	/* The only shared line: odd values are written by the main lcore,
	 * even ones by the worker. */
	uint64_t seq __rte_cache_aligned;
	uint64_t rounds __rte_cache_aligned;
};

static struct pingpong pp;

/* Worker (core of the second lcore): answer every odd value with the next
 * even one. Pure spinning, no pause instruction: the reference is the
 * line's transfer time, not a polling loop's. */
static int
pp_worker(void *arg)
{
	uint64_t i, n = pp.rounds;

	RTE_SET_USED(arg);
	for (i = 1; i <= n; i++) {
		/* P1: pairs with the release store P2 in bench_cacheline(). */
		while (__atomic_load_n(&pp.seq, __ATOMIC_ACQUIRE) != 2 * i - 1)
			;
		/* P3: pairs with the acquire load P4 in bench_cacheline(). */
		__atomic_store_n(&pp.seq, 2 * i, __ATOMIC_RELEASE);
	}
	return 0;
}

int
bench_cl_blocks(uint32_t blocks, uint64_t *s, uint64_t *t_all)
{
	uint64_t i = 0, t0, t1;
	uint32_t b, k;
	int ret;

	pp.seq = 0;
	pp.rounds = PP_WARMUP + (uint64_t)blocks * PP_BLOCK;
	ret = rte_eal_remote_launch(pp_worker, NULL, bench_worker_lcore);
	if (ret < 0)
		return ret;
	for (k = 0; k < PP_WARMUP; k++) {
		i++;
		/* P2: pairs with the acquire load P1 in pp_worker(). */
		__atomic_store_n(&pp.seq, 2 * i - 1, __ATOMIC_RELEASE);
		/* P4: pairs with the release store P3 in pp_worker(). */
		while (__atomic_load_n(&pp.seq, __ATOMIC_ACQUIRE) != 2 * i)
			;
	}
	*t_all = bench_tsc();
	for (b = 0; b < blocks; b++) {
		t0 = bench_tsc();
		for (k = 0; k < PP_BLOCK; k++) {
			i++;
			/* P2, P4 as above. */
			__atomic_store_n(&pp.seq, 2 * i - 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&pp.seq, __ATOMIC_ACQUIRE) !=
			       2 * i)
				;
		}
		t1 = bench_tsc();
		s[b] = (t1 - t0) / PP_BLOCK;
	}
	*t_all = bench_tsc() - *t_all;
	rte_eal_wait_lcore(bench_worker_lcore);
	return 0;
}

int
bench_cacheline(void)
{
	uint32_t blocks = bench_opt->rounds / PP_BLOCK;
	struct bench_row *r;
	uint64_t *s, t_all;
	int ret;

	s = malloc(sizeof(*s) * blocks);
	if (s == NULL)
		return -ENOMEM;
	ret = bench_cl_blocks(blocks, s, &t_all);
	if (ret < 0) {
		free(s);
		return ret;
	}
	r = bench_row_add("ref", "cacheline_rtt", "cache-line round trip, 2 cores");
	r->count = (double)blocks * PP_BLOCK;
	r->time_ms = bench_tsc_ns(t_all) / 1e6;
	bench_percentiles(s, blocks, r);
	snprintf(r->note, sizeof(r->note),
		 "cores %d<->%d; mean %.1f ns; p50 over blocks of %u rounds",
		 rte_lcore_to_cpu_id(rte_get_main_lcore()),
		 rte_lcore_to_cpu_id(bench_worker_lcore),
		 bench_tsc_ns(t_all) / r->count, PP_BLOCK);
	free(s);
	return 0;
}

/* ---- Reference: a bare split-ring command exchange ---- */

/*
 * A command round trip over a split ring with no avq code at all, for
 * scale (not a lower bound: both sides spin on the lines the other writes,
 * as avq's do; a different layout could do better): the main lcore writes a 12-byte header into a buffer,
 * the avail entry and (release) avail->idx; the worker spins on avail->idx,
 * reads the two descriptors and the header, writes an ack and 8 bytes of
 * reply, a used element and (release) used->idx; the main lcore spins on
 * used->idx and reads the reply. Descriptors are pre-written, as a real
 * driver keeps them.
 */
#define FL_N		64u

struct bare_ring {
	struct avq_desc desc[FL_N] __rte_cache_aligned;
	struct { uint16_t flags, idx, ring[FL_N]; } avail __rte_cache_aligned;
	struct { uint16_t flags, idx; struct avq_used_elem ring[FL_N]; }
		used __rte_cache_aligned;
	uint8_t cmd[FL_N / 2][64] __rte_cache_aligned;
	uint8_t reply[FL_N / 2][64] __rte_cache_aligned;
	uint64_t rounds;
};

static struct bare_ring *fl;

static int
fl_worker(void *arg)
{
	uint16_t last = 0, ai, head;
	uint64_t done = 0, id;
	const struct avq_desc *d;

	RTE_SET_USED(arg);
	while (done < fl->rounds) {
		/* F1: pairs with the release store F2 in bench_bare_ring(). */
		ai = __atomic_load_n(&fl->avail.idx, __ATOMIC_ACQUIRE);
		for (; last != ai; last++, done++) {
			head = fl->avail.ring[last % FL_N];
			d = &fl->desc[head];
			memcpy(&id, (const void *)(uintptr_t)d->addr, sizeof(id));
			d = &fl->desc[d->next];
			memcpy((uint8_t *)(uintptr_t)d->addr + 1, &id, sizeof(id));
			*(uint8_t *)(uintptr_t)d->addr = 0;
			fl->used.ring[last % FL_N].id = head;
			fl->used.ring[last % FL_N].len = 9;
			/* F3: pairs with the acquire load F4 in bench_bare_ring(). */
			__atomic_store_n(&fl->used.idx, (uint16_t)(last + 1),
					 __ATOMIC_RELEASE);
		}
	}
	return 0;
}

/* One command through the bare ring; false if the reply is wrong. */
static inline bool
fl_round(uint16_t *aidx, uint64_t id)
{
	uint16_t head = (uint16_t)((*aidx * 2) % FL_N), h;
	uint64_t got;

	memcpy(fl->cmd[head / 2], &id, sizeof(id));
	fl->avail.ring[*aidx % FL_N] = head;
	(*aidx)++;
	/* F2: pairs with the acquire load F1 in fl_worker(). */
	__atomic_store_n(&fl->avail.idx, *aidx, __ATOMIC_RELEASE);
	/* F4: pairs with the release store F3 in fl_worker(). */
	while (__atomic_load_n(&fl->used.idx, __ATOMIC_ACQUIRE) != *aidx)
		;
	h = (uint16_t)fl->used.ring[(uint16_t)(*aidx - 1) % FL_N].id;
	memcpy(&got, fl->reply[h / 2] + 1, sizeof(got));
	return got == id && fl->reply[h / 2][0] == 0;
}

int
bench_bare_ring(void)
{
	uint32_t blocks = bench_opt->rounds / PP_BLOCK, b, k, i;
	uint64_t *s, id = 0, t0, t_all;
	struct bench_row *r;
	uint16_t aidx = 0;
	bool ok = true;
	int ret;

	s = malloc(sizeof(*s) * blocks);
	fl = rte_zmalloc("avq_bench_bare_ring", sizeof(*fl), RTE_CACHE_LINE_SIZE);
	if (s == NULL || fl == NULL) {
		free(s);
		rte_free(fl);
		return -ENOMEM;
	}
	for (i = 0; i < FL_N; i += 2) {
		fl->desc[i].addr = (uintptr_t)fl->cmd[i / 2];
		fl->desc[i].len = sizeof(struct avq_cmd_hdr);
		fl->desc[i].flags = AVQ_DESC_F_NEXT;
		fl->desc[i].next = (uint16_t)(i + 1);
		fl->desc[i + 1].addr = (uintptr_t)fl->reply[i / 2];
		fl->desc[i + 1].len = 9;
		fl->desc[i + 1].flags = AVQ_DESC_F_WRITE;
	}
	fl->rounds = PP_WARMUP + (uint64_t)blocks * PP_BLOCK;
	ret = rte_eal_remote_launch(fl_worker, NULL, bench_worker_lcore);
	if (ret < 0) {
		free(s);
		rte_free(fl);
		return ret;
	}
	for (k = 0; k < PP_WARMUP; k++)
		ok &= fl_round(&aidx, ++id);
	t_all = bench_tsc();
	for (b = 0; b < blocks; b++) {
		t0 = bench_tsc();
		for (k = 0; k < PP_BLOCK; k++)
			ok &= fl_round(&aidx, ++id);
		s[b] = (bench_tsc() - t0) / PP_BLOCK;
	}
	t_all = bench_tsc() - t_all;
	rte_eal_wait_lcore(bench_worker_lcore);

	r = bench_row_add("ref", "bare_ring_rtt", "bare split-ring exchange");
	r->count = (double)blocks * PP_BLOCK;
	r->time_ms = bench_tsc_ns(t_all) / 1e6;
	bench_percentiles(s, blocks, r);
	snprintf(r->note, sizeof(r->note),
		 "no avq code: 2 descriptors, header in, ack + 8 bytes out; "
		 "p50 over blocks of %u", PP_BLOCK);
	free(s);
	rte_free(fl);
	fl = NULL;
	if (!ok) {
		fprintf(stderr, "avq-bench: bare ring returned a wrong reply\n");
		return -EIO;
	}
	return 0;
}
