/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_BENCH_H
#define AVQ_BENCH_H

/*
 * avq-bench: what the admin-queue paths cost on this machine. Shared
 * declarations of the program's files:
 *   avq_bench.c       options, the environments (device + engine), main
 *   avq_bench_out.c   the result table, its header and the JSON file
 *   avq_bench_util.c  clocks, percentiles, the cache-line reference
 *   avq_bench_cmd.c   command rows: sync, async batches, lcores, idle
 *   avq_bench_mmu.c   programming memory tables (NAIVE / ASYNC / BATCHED)
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_avq_engine.h>
#include <rte_avq_aq.h>
#include <rte_avq_dev.h>

/* Managed devices the command rows spread over. */
#define BENCH_NUM_VDEVS		4
/* Largest async batch. */
#define BENCH_MAX_BATCH		128
/* Ring entries the bench device offers: a batch of 128 multi-descriptor
 * chains fits without -EAGAIN. */
#define BENCH_AQ_SIZE		1024
/* Engine out-data limit: the MMU programmer sends 16 KiB MMU_BATCH
 * commands (rte_avq_mmu.h, avq_mmu_prog.c). */
#define BENCH_MAX_OUT		(16 * 1024)

/** Run lengths; --quick takes the small set. */
struct bench_opts {
	bool quick;
	const char *json;	/**< --json FILE, or NULL */
	uint16_t aqs;		/**< admin queues the engine uses */
	uint32_t iters;		/**< sync round trips per row */
	uint32_t cmds;		/**< async commands per batch size */
	uint32_t duration_ms;	/**< per (c) row */
	uint32_t idle_ms;	/**< idle CPU window */
	uint32_t reps;		/**< repetitions of each (d) measurement */
	uint32_t rounds;	/**< cache-line round trips */
	const char *only;	/**< --only: sections to run, NULL: all */
	bool profile;		/**< --profile: waits give the core away */
	bool sync_queue;	/**< engine with a sync queue (default) */
};

/** One row of the table. Negative numbers mean "not applicable". */
struct bench_row {
	char sec[8];		/**< "a" .. "e", "ref", "ratio" */
	char key[48];		/**< machine-readable name (JSON) */
	char name[56];		/**< what the row measures */
	double count;		/**< commands or rounds measured */
	double time_ms;		/**< wall time of the measurement */
	double rate;		/**< commands per second */
	double p50, p99, p999;	/**< ns */
	double value;		/**< ratio rows: the ratio */
	char note[112];
};

/** A management device, the sim transport and the driver side on it. */
struct bench_env {
	struct rte_avq_dev *dev;
	struct rte_avq_transport t;
	struct rte_avq_aq *aq;		/**< minimal path, before the engine */
	struct rte_avq_engine *e;
	uint64_t ids[BENCH_NUM_VDEVS];	/**< command targets */
	uint64_t mmu_id;		/**< target of the memory tables */
	enum rte_avq_dev_idle idle;
};

/* avq_bench.c */
extern const struct bench_opts *bench_opt;
extern unsigned int bench_worker_lcore;	/**< the second lcore */
extern unsigned int bench_errors;	/**< failed commands, lost rows */
/** The (b) rows run on an engine with conf.batch_pack (MULTI_EXEC). */
extern bool bench_packed;
const char *bench_idle_str(enum rte_avq_dev_idle idle);
/** Whether section @p sec ('r' = the ref rows, 'a'..'e') is to run. */
bool bench_want(char sec);

/* avq_bench_out.c */
struct bench_row *bench_row_add(const char *sec, const char *key,
				const char *name);
void bench_rows_print(const char *cmdline);
/** Note the machine's CPU-time counters: the run's steal share is read
 * against them (printed in the header, -1 in JSON if unknown). */
void bench_steal_mark(void);
int bench_rows_json(const char *path, const char *cmdline);
struct bench_row *bench_row_find(const char *key);

/* avq_bench_util.c */
uint64_t bench_tsc(void);
double bench_tsc_ns(uint64_t cycles);
uint64_t bench_now_ns(void);
/** Sort @p n samples (TSC cycles) and fill the row's percentiles. */
void bench_percentiles(uint64_t *s, uint32_t n, struct bench_row *r);
/** The median of @p n values (the upper one of an even count; sorts
 * @p v), or -1 for none. */
double bench_median(double *v, uint32_t n);
int bench_cacheline(void);
/** Cache-line round trips with the second lcore (its core must be free):
 * @p blocks samples in @p s, each the mean cycles of one block of 16,
 * and their total cycles in @p t_all. */
int bench_cl_blocks(uint32_t blocks, uint64_t *s, uint64_t *t_all);
/** Block size of bench_cl_blocks(). */
#define BENCH_CL_BLOCK		16
/* Reference row: a bare split-ring command round trip (no avq code). */
int bench_bare_ring(void);

/* avq_bench_cmd.c */
int bench_ref_sync(struct bench_env *env);
int bench_sync(struct bench_env *env, const char *sec, const char *key,
	       const char *name, uint32_t iters);
int bench_async(struct bench_env *env);
int bench_paired(struct bench_env *env);
/* Row e's round trip and the cache-line reference, in rounds. */
int bench_rtt_paired(struct bench_env *env);
int bench_lcores(struct bench_env *env);
int bench_idle_cpu(struct bench_env *env);

/* avq_bench_mmu.c */
int bench_mmu(struct bench_env *env);

#endif /* AVQ_BENCH_H */
