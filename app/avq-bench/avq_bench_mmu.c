/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * (d) Programming a memory table: N regions of 2 MiB mapped on one managed
 * device, NAIVE (one synchronous MMU_MAP per region, as given) vs ASYNC
 * (coalesced, MMU_MAPs posted together) vs BATCHED (coalesced, MMU_BATCH
 * commands). Two tables per N: "scattered" (gaps between all regions:
 * nothing coalesces) and "runs of 16" (16 regions contiguous in IOVA and
 * DMA space, then a gap: coalescing merges each run).
 *
 * After each call one MMU_UNMAP of the whole IOVA space clears the table,
 * and the device's mapping count is checked against what the call claims
 * it mapped, so a fast but wrong programmer cannot report a number.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <rte_avq_wire.h>
#include <rte_avq_mmu.h>

#include "avq_bench.h"

#define REGION_LEN	(2ull << 20)
/* Above the 32-bit MSI doorbell range the device reserves. */
#define IOVA_BASE	(4ull << 30)
#define DMA_BASE	(1ull << 40)
#define RUN_LEN		16
#define MAX_REPS	16

static const unsigned int table_sizes[] = { 8, 256, 4096 };
static const enum rte_avq_mmu_mode modes[] = {
	RTE_AVQ_MMU_NAIVE, RTE_AVQ_MMU_ASYNC, RTE_AVQ_MMU_BATCHED,
};
static const char * const mode_names[] = { "NAIVE", "ASYNC", "BATCHED" };

static void
table_build(struct rte_avq_mmu_region *r, unsigned int n, bool runs)
{
	uint64_t off;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (runs)
			/* One region's gap after every run of RUN_LEN. */
			off = ((uint64_t)(i / RUN_LEN) * (RUN_LEN + 1) +
			       i % RUN_LEN) * REGION_LEN;
		else
			off = (uint64_t)i * 2 * REGION_LEN;
		r[i].iova = IOVA_BASE + off;
		r[i].dma = DMA_BASE + off;
		r[i].len = REGION_LEN;
		r[i].perm = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	}
}

/* MMU_UNMAP of everything in ASID 0: removes every intersecting mapping. */
static int
table_clear(struct bench_env *env)
{
	struct avq_mmu_unmap u = {
		.iova_start = avq_to_le64(0),
		.iova_end = avq_to_le64(UINT64_MAX),
	};
	struct rte_avq_cmd c;
	uint32_t in_len = 0;
	uint8_t ack = AVQ_ACK_ERR;
	int ret;

	memset(&c, 0, sizeof(c));
	c.device_id = env->mmu_id;
	c.class_id = AVQ_CLASS_MMU;
	c.command = AVQ_MMU_UNMAP;
	c.out = &u;
	c.out_len = sizeof(u);
	ret = rte_avq_exec(env->e, &c, &ack, &in_len);
	if (ret == 0 && ack != AVQ_ACK_OK)
		ret = avq_ack_errno(ack);
	return ret;
}

static int
mappings(struct bench_env *env, uint32_t *n)
{
	struct rte_avq_dev_vdev_info info;
	int ret;

	ret = rte_avq_dev_vdev_info(env->dev, env->mmu_id, &info);
	if (ret == 0)
		*n = info.mmu_mappings;
	return ret;
}

struct mmu_result {
	uint32_t regions;	/**< after coalescing */
	uint32_t commands;	/**< sent by the programmer */
	uint64_t dev_commands;	/**< counted by the device (incl. probes) */
	double ms;		/**< median wall time of the call */
	double lib_ms;		/**< median of the library's own st.ns */
};

/* Map the table @p reps times (cleared in between); median times. */
static int
mmu_measure(struct bench_env *env, const struct rte_avq_mmu_region *r,
	    unsigned int n, enum rte_avq_mmu_mode mode, struct mmu_result *res)
{
	double ms[MAX_REPS], lib[MAX_REPS];
	struct rte_avq_mmu_prog_stats st;
	struct rte_avq_dev_stats d0, d1;
	uint32_t reps = RTE_MIN(bench_opt->reps, (uint32_t)MAX_REPS), k, got = 0;
	uint64_t t0, t1;
	int ret;

	for (k = 0; k < reps; k++) {
		ret = rte_avq_dev_stats_get(env->dev, &d0);
		if (ret < 0)
			return ret;
		t0 = bench_tsc();
		ret = rte_avq_mmu_map_regions(env->e, env->mmu_id, 0, r, n, mode,
					      &st);
		t1 = bench_tsc();
		if (ret < 0) {
			fprintf(stderr, "avq-bench: map %u regions (%s): %s\n",
				n, mode_names[mode], strerror(-ret));
			bench_errors++;
			table_clear(env);
			return ret;
		}
		ret = rte_avq_dev_stats_get(env->dev, &d1);
		if (ret == 0)
			ret = mappings(env, &got);
		if (ret < 0)
			return ret;
		if (got != st.regions) {
			fprintf(stderr, "avq-bench: map %u regions (%s): device "
				"holds %u mappings, programmer reports %u\n", n,
				mode_names[mode], got, st.regions);
			bench_errors++;
			table_clear(env);
			return -EIO;
		}
		ms[k] = bench_tsc_ns(t1 - t0) / 1e6;
		lib[k] = (double)st.ns / 1e6;
		res->regions = st.regions;
		res->commands = st.commands;
		res->dev_commands = d1.commands - d0.commands;
		ret = table_clear(env);
		if (ret == 0)
			ret = mappings(env, &got);
		if (ret == 0 && got != 0)
			ret = -EIO;
		if (ret < 0) {
			fprintf(stderr, "avq-bench: clearing the table: %d\n", ret);
			bench_errors++;
			return ret;
		}
	}
	res->ms = bench_median(ms, reps);
	res->lib_ms = bench_median(lib, reps);
	return 0;
}

static int
mmu_table(struct bench_env *env, unsigned int n, bool runs)
{
	struct mmu_result res[RTE_DIM(modes)];
	struct rte_avq_mmu_region *r;
	const char *var = runs ? "runs16" : "scattered";
	char key[48], name[64];
	struct bench_row *row;
	unsigned int m;
	int ret = 0;

	r = malloc(sizeof(*r) * n);
	if (r == NULL)
		return -ENOMEM;
	table_build(r, n, runs);
	for (m = 0; m < RTE_DIM(modes) && ret == 0; m++)
		ret = mmu_measure(env, r, n, modes[m], &res[m]);
	free(r);
	if (ret < 0)
		return ret;
	for (m = 0; m < RTE_DIM(modes); m++) {
		snprintf(key, sizeof(key), "d.%s.%u.%s", var, n, mode_names[m]);
		snprintf(name, sizeof(name), "%u regions %s, %s", n,
			 runs ? "in runs of 16" : "scattered", mode_names[m]);
		row = bench_row_add("d", key, name);
		row->count = res[m].commands;
		row->time_ms = res[m].ms;
		if (modes[m] == RTE_AVQ_MMU_NAIVE) {
			snprintf(row->note, sizeof(row->note),
				 "%u mappings; device saw %" PRIu64 " cmds",
				 res[m].regions, res[m].dev_commands);
			continue;
		}
		row->value = res[0].ms / res[m].ms;
		snprintf(row->note, sizeof(row->note),
			 "%u mappings; device saw %" PRIu64 " cmds; naive/this:"
			 " cmds %.1fx, time %.1fx", res[m].regions,
			 res[m].dev_commands,
			 (double)res[0].commands / RTE_MAX(res[m].commands, 1u),
			 row->value);
	}
	return 0;
}

int
bench_mmu(struct bench_env *env)
{
	unsigned int i, v;
	int ret;

	for (v = 0; v < 2; v++)
		for (i = 0; i < RTE_DIM(table_sizes); i++) {
			ret = mmu_table(env, table_sizes[i], v == 1);
			if (ret < 0)
				return ret;
		}
	return 0;
}
