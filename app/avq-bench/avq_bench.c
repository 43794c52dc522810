/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * avq-bench: what the admin-queue paths cost on this machine, as one
 * table (and optionally JSON).
 *
 *   avq-bench -l 0-1 --no-huge --no-pci -- [--quick] [--json FILE]
 *             [--aqs N] [--iters N] [--cmds N] [--duration MS]
 *             [--idle MS] [--reps N] [--rounds N] [--no-sync-queue]
 *             [--only SECTIONS] [--profile]
 *
 * The software management device (transport sim) runs its thread pinned
 * to the core of the second lcore; the main lcore submits. The program
 * reports and does not judge: it exits non-zero only when it cannot run
 * (setup failed, a command failed).
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>

#include <rte_avq_wire.h>
#include <rte_avq_cmd.h>
#include <rte_avq_sim.h>

#include "avq_bench.h"

static struct bench_opts opts;
const struct bench_opts *bench_opt = &opts;
unsigned int bench_worker_lcore;
unsigned int bench_errors;

const char *
bench_idle_str(enum rte_avq_dev_idle idle)
{
	switch (idle) {
	case RTE_AVQ_DEV_IDLE_POLL: return "POLL";
	case RTE_AVQ_DEV_IDLE_BLOCK: return "BLOCK";
	case RTE_AVQ_DEV_IDLE_ADAPTIVE: return "ADAPTIVE";
	default: return "?";
	}
}

bool
bench_want(char sec)
{
	return opts.only == NULL || strchr(opts.only, sec) != NULL;
}

/* ---- Options ---- */

static void
opts_defaults(bool quick)
{
	opts.quick = quick;
	opts.aqs = 2;
	opts.sync_queue = true;
	opts.iters = quick ? 20000 : 200000;
	opts.cmds = quick ? 32768 : 262144;
	opts.duration_ms = quick ? 200 : 1000;
	opts.idle_ms = quick ? 250 : 1000;
	opts.reps = quick ? 3 : 7;
	opts.rounds = quick ? 100000 : 1000000;
}

static int
opt_u32(const char *name, const char *s, uint32_t min, uint32_t max,
	uint32_t *v)
{
	unsigned long x;
	char *end;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || s[0] == '\0' || x < min || x > max) {
		fprintf(stderr, "avq-bench: --%s: %" PRIu32 "..%" PRIu32 "\n",
			name, min, max);
		return -EINVAL;
	}
	*v = (uint32_t)x;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: avq-bench <EAL args, 2 lcores> -- [--quick] [--json FILE]\n"
		"         [--aqs N] [--iters N] [--cmds N] [--duration MS]\n"
		"         [--idle MS] [--reps N] [--rounds N] [--only SECS] [--profile]\n"
		"         [--no-sync-queue]\n"
		"  --quick      short run (the perf-tests entry)\n"
		"  --json FILE  write the rows as JSON too\n"
		"  --aqs        admin queues the engine uses (default 2)\n"
		"  --iters      sync round trips per row (BLOCK: a tenth)\n"
		"  --cmds       async commands per batch size\n"
		"  --duration   ms per one-vs-two-lcore row\n"
		"  --idle       ms of the idle-CPU window\n"
		"  --reps       repetitions of each memory-table measurement\n"
		"  --rounds     cache-line round trips\n"
		"  --only       sections to run, e.g. 'rab' (r = the ref rows;\n"
		"               default all; for profiling)\n"
		"  --profile    for valgrind: the device (ADAPTIVE instead of POLL)\n"
		"               and waiting submitters give the core away; not timings\n"
		"  --no-sync-queue  engine without its sync queue (rte_avq_exec()\n"
		"               through the ring queues, as before it existed)\n");
}

static int
parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "json", required_argument, NULL, 'j' },
		{ "aqs", required_argument, NULL, 'a' },
		{ "iters", required_argument, NULL, 'i' },
		{ "cmds", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "idle", required_argument, NULL, 'l' },
		{ "reps", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'p' },
		{ "only", required_argument, NULL, 'o' },
		{ "profile", no_argument, NULL, 'P' },
		{ "no-sync-queue", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t v;
	int c, i, ret = 0;

	/* --quick first: it sets the defaults the other options override. */
	opts_defaults(false);
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--quick") == 0)
			opts_defaults(true);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1 && ret == 0) {
		switch (c) {
		case 'q':
			break;
		case 'j':
			opts.json = optarg;
			break;
		case 'a':
			ret = opt_u32("aqs", optarg, 1, RTE_AVQ_DEV_MAX_AQS, &v);
			opts.aqs = (uint16_t)v;
			break;
		case 'i':
			ret = opt_u32("iters", optarg, 100, 100000000, &opts.iters);
			break;
		case 'c':
			ret = opt_u32("cmds", optarg, BENCH_MAX_BATCH, 100000000,
				      &opts.cmds);
			break;
		case 'd':
			ret = opt_u32("duration", optarg, 10, 600000,
				      &opts.duration_ms);
			break;
		case 'l':
			ret = opt_u32("idle", optarg, 10, 600000, &opts.idle_ms);
			break;
		case 'r':
			ret = opt_u32("reps", optarg, 1, 16, &opts.reps);
			break;
		case 'p':
			ret = opt_u32("rounds", optarg, 1000, 100000000,
				      &opts.rounds);
			break;
		case 'P':
			opts.profile = true;
			break;
		case 'S':
			opts.sync_queue = false;
			break;
		case 'o':
			if (optarg[strspn(optarg, "rabcde")] != '\0') {
				fprintf(stderr, "avq-bench: --only: letters of 'rabcde'\n");
				ret = -EINVAL;
			}
			opts.only = optarg;
			break;
		default:
			usage();
			return -EINVAL;
		}
	}
	if (ret == 0 && opts.sync_queue && opts.aqs >= RTE_AVQ_DEV_MAX_AQS) {
		fprintf(stderr, "avq-bench: --aqs: at most %u with the sync queue\n",
			RTE_AVQ_DEV_MAX_AQS - 1);
		ret = -EINVAL;
	}
	if (ret == 0 && optind < argc) {
		fprintf(stderr, "avq-bench: unexpected argument '%s'\n",
			argv[optind]);
		ret = -EINVAL;
	}
	return ret;
}

/* The command line exactly as given, before EAL reorders argv. */
static char *
cmdline_copy(int argc, char **argv)
{
	size_t len = 1;
	char *s, *p;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	p = s;
	*p = '\0';
	for (i = 0; i < argc; i++) {
		bool q = argv[i][0] == '\0' || strpbrk(argv[i], " \t\"'") != NULL;

		p += sprintf(p, "%s%s%s%s", i > 0 ? " " : "", q ? "'" : "",
			     argv[i], q ? "'" : "");
	}
	return s;
}

/* ---- Environments ---- */

static void
env_close(struct bench_env *env)
{
	if (env->e != NULL)
		rte_avq_engine_destroy(env->e);
	if (env->aq != NULL)
		rte_avq_aq_free(env->aq);
	if (env->dev != NULL)
		rte_avq_dev_destroy(env->dev);
	memset(env, 0, sizeof(*env));
}

/*
 * A started management device with the given idle strategy, its thread
 * pinned to the second lcore's core, AQ 0 driven by the minimal path, and
 * BENCH_NUM_VDEVS + 1 managed virtio-net devices created through it.
 */
static int
env_open(struct bench_env *env, enum rte_avq_dev_idle idle)
{
	struct rte_avq_dev_params p;
	struct rte_avq_net_params np = {
		.mac = { 0x02, 0xbe, 0x00, 0x00, 0x00, 0x00 },
		.link_up = true,
		.max_queue_pairs = 1,
	};
	unsigned int i;
	int ret;

	memset(env, 0, sizeof(*env));
	env->idle = idle;
	rte_avq_dev_params_init(&p);
	snprintf(p.name, sizeof(p.name), "bench-%s", bench_idle_str(idle));
	p.idle = idle;
	p.cpu = (int)rte_lcore_to_cpu_id(bench_worker_lcore);
	/* One more for the engine's sync queue. */
	p.num_aqs = opts.aqs + (opts.sync_queue ? 1 : 0);
	p.max_aq_size = BENCH_AQ_SIZE;
	env->dev = rte_avq_dev_create(&p);
	if (env->dev == NULL) {
		fprintf(stderr, "avq-bench: device: %s\n", rte_strerror(rte_errno));
		return -rte_errno;
	}
	ret = rte_avq_dev_start(env->dev);
	if (ret < 0) {
		fprintf(stderr, "avq-bench: device start: %s\n", strerror(-ret));
		goto fail;
	}
	rte_avq_sim_transport(env->dev, &env->t);
	ret = env->t.ops->features_set(env->t.ctx,
				       env->t.ops->features_get(env->t.ctx));
	if (ret < 0) {
		fprintf(stderr, "avq-bench: features: %s\n", strerror(-ret));
		goto fail;
	}
	env->aq = rte_avq_aq_create(&env->t, 0, 0, SOCKET_ID_ANY);
	if (env->aq == NULL) {
		ret = -rte_errno;
		fprintf(stderr, "avq-bench: admin queue: %s\n",
			rte_strerror(rte_errno));
		goto fail;
	}
	for (i = 0; i <= BENCH_NUM_VDEVS; i++) {
		uint64_t id = 0;

		np.mac[5] = (uint8_t)(i + 1);
		ret = rte_avq_vdev_create_net(env->aq, &np, &id);
		if (ret < 0) {
			fprintf(stderr, "avq-bench: VDEV_CREATE: %s\n",
				strerror(-ret));
			goto fail;
		}
		if (i < BENCH_NUM_VDEVS)
			env->ids[i] = id;
		else
			env->mmu_id = id;
	}
	return 0;
fail:
	env_close(env);
	return ret;
}

/* Hand the admin queues to the engine (the minimal path lets go of AQ 0). */
static int
env_engine(struct bench_env *env, bool pack)
{
	struct rte_avq_engine_conf conf = {
		.transport = &env->t,
		.batch_pack = pack ? 1 : 0,
		.num_aqs = opts.aqs,
		.max_out = BENCH_MAX_OUT,
		.sync_queue = opts.sync_queue ? 1 : 0,
		/* Under valgrind (--profile) a round trip may take seconds. */
		.timeout_us = opts.profile ? 60000000 : 0,
		.socket = SOCKET_ID_ANY,
	};

	rte_avq_aq_free(env->aq);
	env->aq = NULL;
	env->e = rte_avq_engine_create(&conf);
	if (env->e == NULL) {
		fprintf(stderr, "avq-bench: engine: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

/* ---- Runs ---- */

/* Device polls on the other core: (a), (b), (c), (d), (e) POLL. */
static int
run_poll(void)
{
	struct bench_env env;
	int ret;

	/* Under valgrind threads run one at a time: a spin without a
	 * pause instruction holds the only virtual CPU for a whole slice. */
	ret = env_open(&env, opts.profile ? RTE_AVQ_DEV_IDLE_ADAPTIVE :
		       RTE_AVQ_DEV_IDLE_POLL);
	if (ret < 0)
		return ret;
	if (bench_want('a'))
		ret = bench_ref_sync(&env);
	if (ret == 0)
		ret = env_engine(&env, false);
	if (ret == 0 && bench_want('a'))
		ret = bench_sync(&env, "a", "a.sync.engine",
				 "sync, engine rte_avq_exec", opts.iters);
	if (ret == 0 && bench_want('b'))
		ret = bench_async(&env);
	if (ret == 0 && bench_want('b')) {
		/* The same rows with packed batches, then the plain engine
		 * again for the rest. */
		rte_avq_engine_destroy(env.e);
		ret = env_engine(&env, true);
		if (ret == 0) {
			bench_packed = true;
			ret = bench_async(&env);
			bench_packed = false;
			if (ret == 0)
				ret = bench_paired(&env);
			rte_avq_engine_destroy(env.e);
			env.e = NULL;
			ret = ret == 0 ? env_engine(&env, false) : ret;
		}
	}
	if (ret == 0 && bench_want('c'))
		ret = bench_lcores(&env);
	if (ret == 0 && bench_want('d'))
		ret = bench_mmu(&env);
	if (ret == 0 && bench_want('e'))
		ret = bench_sync(&env, "e", "e.sync.POLL",
				 "sync rte_avq_exec, idle=POLL", opts.iters);
	if (ret == 0 && bench_want('e') && !opts.profile)
		ret = bench_rtt_paired(&env);
	if (ret == 0 && bench_want('e'))
		ret = bench_idle_cpu(&env);
	env_close(&env);
	return ret;
}

/* The default strategy: (c) again, (e) ADAPTIVE. */
static int
run_adaptive(void)
{
	struct bench_env env;
	int ret;

	ret = env_open(&env, RTE_AVQ_DEV_IDLE_ADAPTIVE);
	if (ret < 0)
		return ret;
	ret = env_engine(&env, false);
	if (ret == 0 && bench_want('c'))
		ret = bench_lcores(&env);
	if (ret == 0 && bench_want('e'))
		ret = bench_sync(&env, "e", "e.sync.ADAPTIVE",
				 "sync rte_avq_exec, idle=ADAPTIVE", opts.iters);
	if (ret == 0 && bench_want('e'))
		ret = bench_idle_cpu(&env);
	env_close(&env);
	return ret;
}

/* A device that must be woken for every command: (e) BLOCK. */
static int
run_block(void)
{
	struct bench_env env;
	int ret;

	if (!bench_want('e'))
		return 0;
	ret = env_open(&env, RTE_AVQ_DEV_IDLE_BLOCK);
	if (ret < 0)
		return ret;
	ret = env_engine(&env, false);
	/* Each round trip is a wake-up (tens of us): a tenth of the rounds. */
	if (ret == 0)
		ret = bench_sync(&env, "e", "e.sync.BLOCK",
				 "sync rte_avq_exec, idle=BLOCK",
				 RTE_MAX(opts.iters / 10, 100u));
	if (ret == 0)
		ret = bench_idle_cpu(&env);
	env_close(&env);
	return ret;
}

/* The ratios the project tracks, each from this run's rows. */
static void
ratio(const char *key, const char *name, double num, double den,
      const char *target, bool plain)
{
	struct bench_row *r = bench_row_add("ratio", key, name);

	if (num < 0 || den <= 0) {
		snprintf(r->note, sizeof(r->note), "n/a (%s)", target);
		return;
	}
	r->value = num / den;
	/* plain: a value (idle CPU), not a ratio. */
	snprintf(r->note, sizeof(r->note), plain ? "%.2f (%s)" : "%.2fx (%s)",
		 r->value, target);
}

static double
field(const char *key, int which)
{
	const struct bench_row *r = bench_row_find(key);

	if (r == NULL)
		return -1;
	switch (which) {
	case 0: return r->rate;
	case 1: return r->count;
	case 2: return r->time_ms;
	case 3: return r->p50;
	default: return r->value;
	}
}

static void
ratios(void)
{
	static const char * const var[] = { "scattered", "runs16" };
	char key[48], name[64], kn[48], kb[48];
	unsigned int v;

	/* The target: batches as an asynchronous submitter posts them,
	 * while earlier ones execute (the closed loop waits for each batch
	 * before the next, so submitter and device take turns), against
	 * rte_avq_exec(), both measured back to back in rounds
	 * (bench_paired()): the machine's drift between rows a and b, tens
	 * of percent within seconds, cancels out. */
	ratio("r.paired", "paired packed pipelined 128 / sync, median",
	      field("b.paired", 4), 1, "target >= 10x", false);
	ratio("r.ppipe_vs_sync",
	      "async packed pipelined 128 / sync engine, cmds/s",
	      field("b.ppipe.batch128", 0), field("a.sync.engine", 0),
	      "rows a and b, for scale", false);
	ratio("r.packed_vs_sync", "async packed batch 128 / sync engine, cmds/s",
	      field("b.packed.batch128", 0), field("a.sync.engine", 0),
	      "closed loop, for scale", false);
	ratio("r.pipe_vs_sync", "async pipelined batch 128 / sync engine, cmds/s",
	      field("b.pipe.batch128", 0), field("a.sync.engine", 0),
	      "a chain per command, for scale", false);
	ratio("r.async_vs_sync", "async batch 128 / sync engine, cmds/s",
	      field("b.async.batch128", 0), field("a.sync.engine", 0),
	      "closed loop, a chain per command, for scale", false);
	/* The same from medians (sync p50 over a batch of 128's median time
	 * per command): what a busy machine's preemptions do not move. */
	ratio("r.async_vs_sync_p50", "async batch 128 / sync engine, medians",
	      field("a.sync.engine", 3), field("b.async.batch128", 4),
	      "reading on a busy machine", false);
	for (v = 0; v < RTE_DIM(var); v++) {
		snprintf(kn, sizeof(kn), "d.%s.4096.NAIVE", var[v]);
		snprintf(kb, sizeof(kb), "d.%s.4096.BATCHED", var[v]);
		snprintf(key, sizeof(key), "r.mmu4096.%s.cmds", var[v]);
		snprintf(name, sizeof(name), "4096 regions %s: cmds NAIVE/BATCHED",
			 var[v]);
		ratio(key, name, field(kn, 1), field(kb, 1), "target >= 10x", false);
		snprintf(key, sizeof(key), "r.mmu4096.%s.time", var[v]);
		snprintf(name, sizeof(name), "4096 regions %s: time NAIVE/BATCHED",
			 var[v]);
		ratio(key, name, field(kn, 2), field(kb, 2), "target >= 5x", false);
	}
	/* The target: row e's round trip over the physical reference,
	 * both measured back to back in rounds (bench_rtt_paired()), for the
	 * same reason as r.paired. */
	ratio("r.rtt_paired", "paired sync polled p50 / cache-line p50, median",
	      field("e.rtt_paired", 4), 1, "target <= 3x", false);
	ratio("r.rtt_paired_1", "paired sync timed one by one / CL p50",
	      field("e.rtt_paired_1", 4), 1,
	      "clock read per call, for scale", false);
	ratio("r.rtt_vs_cacheline", "sync polled RTT p50 / cache-line RTT p50",
	      field("e.sync.POLL", 3), field("cacheline_rtt", 3),
	      "rows ref and e, for scale", false);
	ratio("r.bare_vs_cacheline", "bare ring exchange p50 / cache-line RTT p50",
	      field("bare_ring_rtt", 3), field("cacheline_rtt", 3),
	      "for scale, no target", false);
	ratio("r.minimal_vs_bare", "sync minimal path p50 / bare ring p50",
	      field("a.sync.minimal", 3), field("bare_ring_rtt", 3),
	      "for scale, no target", false);
	ratio("r.rtt_vs_bare", "sync polled RTT p50 / bare ring p50",
	      field("e.sync.POLL", 3), field("bare_ring_rtt", 3),
	      "for scale, no target", false);
	ratio("r.engine_vs_minimal", "sync engine p50 / minimal path p50",
	      field("a.sync.engine", 3), field("a.sync.minimal", 3),
	      "engine overhead, no target", false);
	ratio("r.idle_cpu.ADAPTIVE", "idle CPU ms/s, idle=ADAPTIVE (default)",
	      field("e.idle_cpu.ADAPTIVE", 4), 1, "ms per s; target ~0", true);
	ratio("r.idle_cpu.BLOCK", "idle CPU ms/s, idle=BLOCK",
	      field("e.idle_cpu.BLOCK", 4), 1, "ms per s; target ~0", true);
}

int
main(int argc, char **argv)
{
	char *cmdline;
	int ret;

	cmdline = cmdline_copy(argc, argv);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "avq-bench: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		free(cmdline);
		return 1;
	}
	ret = parse_args(argc - ret, argv + ret);
	if (ret < 0)
		goto out;
	bench_worker_lcore = rte_get_next_lcore(-1, 1, 0);
	if (bench_worker_lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "avq-bench: needs two lcores (-l 0-1): the "
			"second one's core runs the device thread\n");
		ret = -EINVAL;
		goto out;
	}

	bench_steal_mark();
	ret = 0;
	if (bench_want('r'))
		ret = bench_cacheline();
	if (ret == 0 && bench_want('r'))
		ret = bench_bare_ring();
	if (ret == 0)
		ret = run_poll();
	if (ret == 0 && (bench_want('c') || bench_want('e')))
		ret = run_adaptive();
	if (ret == 0)
		ret = run_block();
	ratios();
	bench_rows_print(cmdline != NULL ? cmdline : "?");
	if (opts.json != NULL) {
		int r = bench_rows_json(opts.json, cmdline != NULL ? cmdline : "?");

		if (r < 0) {
			fprintf(stderr, "avq-bench: --json %s: %s\n", opts.json,
				strerror(-r));
			ret = r;
		}
	}
	if (ret < 0)
		fprintf(stderr, "avq-bench: stopped early: %s\n", strerror(-ret));
	else if (bench_errors != 0)
		fprintf(stderr, "avq-bench: %u errors (failed commands, rows not reported)\n",
			bench_errors);
out:
	rte_eal_cleanup();
	free(cmdline);
	return ret < 0 || bench_errors != 0 ? 1 : 0;
}
