/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Command rows: one FEAT_DEVICE_GET at a time (engine and minimal path),
 * closed-loop async batches, one vs two submitting lcores, and what the
 * device thread costs while idle.
 *
 * FEAT_DEVICE_GET is a real command that changes nothing: the device looks
 * the managed device up and writes 8 bytes, so the rows measure the admin
 * path, not the command.
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <rte_avq_wire.h>

#include "avq_bench.h"

bool bench_packed;

/* Round trips before any row is timed: first-touch of rings and caches. */
#define WARMUP		1000
#define POLL_BUDGET	256

static void
feat_cmd(struct rte_avq_cmd *c, uint64_t id, rte_le64_t *in)
{
	memset(c, 0, sizeof(*c));
	c->device_id = id;
	c->class_id = AVQ_CLASS_FEAT;
	c->command = AVQ_FEAT_DEVICE_GET;
	c->in = in;
	c->in_len = sizeof(*in);
}

static void
cmd_failed(const char *what, int ret, uint8_t ack, uint32_t in_len)
{
	/* Report the first few only: one broken path fails every command. */
	if (bench_errors++ < 5)
		fprintf(stderr, "avq-bench: %s: ret %d ack %s in_len %u\n", what,
			ret, avq_ack_str(ack), in_len);
}

static void
rate_row(struct bench_row *r, uint32_t n, uint64_t cycles)
{
	double ns = bench_tsc_ns(cycles);

	r->count = n;
	r->time_ms = ns / 1e6;
	r->rate = ns > 0 ? n * 1e9 / ns : -1;
}

/* Device thread time with work per command over a measurement: what the
 * device side costs, for the async rows' notes. -1 if unknown. */
static double
dev_busy_per_cmd(const struct rte_avq_dev_stats *s0,
		 const struct rte_avq_dev_stats *s1)
{
	uint64_t n = s1->commands - s0->commands;

	return n != 0 ? (double)(s1->busy_ns - s0->busy_ns) / n : -1;
}

/* ---- (a) and (e): one command at a time ---- */

int
bench_ref_sync(struct bench_env *env)
{
	uint32_t n = bench_opt->iters, i;
	struct rte_avq_result res;
	uint64_t *lat, t0, t1, t_all = 0;
	struct bench_row *r;
	rte_le64_t f;
	int ret;

	lat = malloc(sizeof(*lat) * n);
	if (lat == NULL)
		return -ENOMEM;
	for (i = 0; i < WARMUP + n; i++) {
		if (i == WARMUP)
			t_all = bench_tsc();
		t0 = bench_tsc();
		/* Under valgrind (--profile) a round trip may take seconds. */
		ret = rte_avq_aq_exec(env->aq, env->ids[0], AVQ_CLASS_FEAT,
				      AVQ_FEAT_DEVICE_GET, NULL, 0, &f,
				      sizeof(f), &res,
				      bench_opt->profile ? 60000000 : 0);
		t1 = bench_tsc();
		if (ret != 0 || res.ack != AVQ_ACK_OK || res.in_len != sizeof(f)) {
			cmd_failed("rte_avq_aq_exec", ret, res.ack, res.in_len);
			if (ret != 0)
				break;
		}
		if (i >= WARMUP)
			lat[i - WARMUP] = t1 - t0;
	}
	if (i < WARMUP + n) {
		free(lat);
		return -EIO;
	}
	r = bench_row_add("a", "a.sync.minimal",
			  "sync, minimal path rte_avq_aq_exec (ref)");
	rate_row(r, n, bench_tsc() - t_all);
	bench_percentiles(lat, n, r);
	snprintf(r->note, sizeof(r->note), "device idle=%s, 1 AQ",
		 bench_idle_str(env->idle));
	free(lat);
	return 0;
}

/*
 * @p n rte_avq_exec() calls of @p cmd (a FEAT_DEVICE_GET) with no clock
 * read between them, for rates: a wrong answer is reported and counted, a
 * failed call stops the pass. @return 0 with the pass's cycles in
 * @p cycles, or -EIO.
 */
static int
sync_pass(struct bench_env *env, const struct rte_avq_cmd *cmd, uint32_t n,
	  uint64_t *cycles)
{
	uint64_t t0 = bench_tsc();
	uint32_t in_len, i;
	uint8_t ack;
	int ret;

	for (i = 0; i < n; i++) {
		ret = rte_avq_exec(env->e, cmd, &ack, &in_len);
		if (ret != 0 || ack != AVQ_ACK_OK ||
		    in_len != sizeof(rte_le64_t)) {
			cmd_failed("rte_avq_exec", ret, ack, in_len);
			if (ret != 0)
				return -EIO;
		}
	}
	*cycles = bench_tsc() - t0;
	return 0;
}

/*
 * @p warm and then @p n rte_avq_exec() calls of @p cmd (a
 * FEAT_DEVICE_GET), each of the @p n timed into @p lat (cycles). A wrong
 * answer is reported and counted, a failed call stops. @return 0 with the
 * @p n calls' cycles in @p cycles, or -EIO.
 */
static int
sync_stamped(struct bench_env *env, const struct rte_avq_cmd *cmd,
	     uint32_t warm, uint32_t n, uint64_t *lat, uint64_t *cycles)
{
	uint64_t t0, t1, t_all = 0;
	uint32_t in_len, i;
	uint8_t ack;
	int ret;

	for (i = 0; i < warm + n; i++) {
		if (i == warm)
			t_all = bench_tsc();
		ack = AVQ_ACK_ERR;
		in_len = 0;
		t0 = bench_tsc();
		ret = rte_avq_exec(env->e, cmd, &ack, &in_len);
		t1 = bench_tsc();
		if (ret != 0 || ack != AVQ_ACK_OK ||
		    in_len != sizeof(rte_le64_t)) {
			cmd_failed("rte_avq_exec", ret, ack, in_len);
			if (ret != 0)
				return -EIO;
		}
		if (i >= warm)
			lat[i - warm] = t1 - t0;
	}
	*cycles = bench_tsc() - t_all;
	return 0;
}

/*
 * @p warm and then @p blocks blocks of BENCH_CL_BLOCK rte_avq_exec()
 * calls of @p cmd, each block timed as a whole into @p s (cycles per
 * call): the cache-line reference's method (bench_cl_blocks()), so that
 * neither side of their ratio carries a clock read per round trip.
 */
static int
sync_blocks(struct bench_env *env, const struct rte_avq_cmd *cmd,
	    uint32_t warm, uint32_t blocks, uint64_t *s)
{
	uint64_t c;
	uint32_t b;

	if (sync_pass(env, cmd, warm, &c) < 0)
		return -EIO;
	for (b = 0; b < blocks; b++) {
		/* sync_pass() reads the clock only around the block. */
		if (sync_pass(env, cmd, BENCH_CL_BLOCK, &c) < 0)
			return -EIO;
		s[b] = c / BENCH_CL_BLOCK;
	}
	return 0;
}

int
bench_sync(struct bench_env *env, const char *sec, const char *key,
	   const char *name, uint32_t n)
{
	uint32_t warm = RTE_MIN((uint32_t)WARMUP, n);
	struct rte_avq_dev_stats d0, d1;
	uint64_t *lat, t_all = 0;
	struct rte_avq_cmd cmd;
	struct bench_row *r;
	double t_stamped;
	rte_le64_t f;

	lat = malloc(sizeof(*lat) * n);
	if (lat == NULL)
		return -ENOMEM;
	feat_cmd(&cmd, env->ids[0], &f);
	if (sync_stamped(env, &cmd, warm, n, lat, &t_all) < 0) {
		free(lat);
		return -EIO;
	}
	t_stamped = n * 1e9 / bench_tsc_ns(t_all);
	/* Rate pass without the clock reads around each command, as the
	 * async rows' (the ratio compares the two). */
	rte_avq_dev_stats_get(env->dev, &d0);
	if (sync_pass(env, &cmd, n, &t_all) < 0) {
		free(lat);
		return -EIO;
	}
	rte_avq_dev_stats_get(env->dev, &d1);
	r = bench_row_add(sec, key, name);
	rate_row(r, n, t_all);
	bench_percentiles(lat, n, r);
	snprintf(r->note, sizeof(r->note),
		 "device idle=%s; stamped %.2f M/s; device busy %.0f ns/cmd",
		 bench_idle_str(env->idle), t_stamped / 1e6,
		 dev_busy_per_cmd(&d0, &d1));
	free(lat);
	return 0;
}

/* ---- (b) and (c): async batches ---- */

/* One submitter's completions. Counters are atomics: in (c) the other
 * lcore's poll may deliver this submitter's callbacks. */
struct async_ctx {
	struct rte_avq_engine *e;
	uint64_t *lat;		/**< per command, or NULL */
	uint64_t posted;	/**< submitter-local */
	/** Delivered, counted by the lcore that ran the callback ([0]: the
	 * main lcore, [1]: the worker): each entry has one writer, so no
	 * locked instruction per callback. */
	uint64_t done[2];
	uint64_t failed;	/**< delivered with an error (atomic) */
	uint64_t seq;		/**< spreads commands over the devices */
	bool yield;		/**< give the core away while waiting */
	bool burst;		/**< pipelined: rte_avq_batch_add_burst() */
	uint64_t t_post;	/**< cycles from batch begin to end */
	uint64_t t_wait;	/**< cycles from batch end to the last callback */
	uint64_t *bt;		/**< per batch wall cycles, or NULL */
	uint64_t *bp;		/**< per batch cycles begin..end, or NULL */
	uint32_t nbt;		/**< entries in bt */
};

struct async_slot {
	struct async_ctx *ctx;
	uint64_t t_sub;
	uint32_t idx;
	uint32_t busy;		/**< posted, callback not run yet (atomic) */
	rte_le64_t in;
};

/* Which done[] entry the callbacks this lcore runs count in. */
static RTE_DEFINE_PER_LCORE(unsigned int, cb_slot);

static void
async_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct async_slot *s = arg;
	struct async_ctx *c = s->ctx;
	uint64_t *d;

	if (status != 0 || ack != AVQ_ACK_OK || in_len != sizeof(s->in))
		__atomic_fetch_add(&c->failed, 1, __ATOMIC_RELAXED);
	/* A clock read costs ~25 ns on this VM: only the latency passes
	 * pay it (see bench_async()). */
	if (c->lat != NULL)
		c->lat[s->idx] = bench_tsc() - s->t_sub;
	/* C3: pairs with the acquire load C4 in pipe_slot(): everything
	 * about this slot is done before it can be reused. */
	__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
	/* C1: pairs with the acquire loads C2 in async_done(): the slot's
	 * latency is written before its reuse is allowed. */
	d = &c->done[RTE_PER_LCORE(cb_slot)];
	__atomic_store_n(d, *d + 1, __ATOMIC_RELEASE);
}

/* Callbacks delivered so far, by either lcore. */
static inline uint64_t
async_done(const struct async_ctx *c)
{
	/* C2: pairs with the release stores C1 in async_cb(). */
	return __atomic_load_n(&c->done[0], __ATOMIC_ACQUIRE) +
		__atomic_load_n(&c->done[1], __ATOMIC_ACQUIRE);
}

/* Poll until everything this submitter posted has been delivered. */
static void
async_wait(struct async_ctx *c)
{
	while (async_done(c) < c->posted) {
		if (rte_avq_engine_poll(c->e, POLL_BUDGET) == 0 &&
		    (c->yield || bench_opt->profile))
			sched_yield();
	}
}

/*
 * One closed-loop batch of @p n commands: begin, add n (slots[i] records
 * each command's submit time), end (one doorbell), wait for all of them.
 * A full ring (-EAGAIN) ends the batch early; the rest follows in a new
 * batch once the first part completed.
 */
static int
async_batch(struct async_ctx *c, const uint64_t *ids,
	    struct async_slot *slots, uint32_t n, uint32_t lat_base,
	    uint64_t *eagain)
{
	struct rte_avq_batch b;
	struct rte_avq_cmd cmd;
	uint64_t t0 = bench_tsc(), t1, t2;
	uint32_t i = 0;
	int ret;

	rte_avq_batch_begin(c->e, &b);
	while (i < n) {
		struct async_slot *s = &slots[i];

		s->ctx = c;
		s->idx = lat_base + i;
		feat_cmd(&cmd, ids[c->seq % BENCH_NUM_VDEVS], &s->in);
		if (c->lat != NULL)
			s->t_sub = bench_tsc();
		ret = rte_avq_batch_add(&b, &cmd, async_cb, s, 0);
		if (ret == -EAGAIN) {
			(*eagain)++;
			rte_avq_batch_end(&b);
			async_wait(c);
			rte_avq_batch_begin(c->e, &b);
			continue;
		}
		if (ret < 0) {
			cmd_failed("rte_avq_batch_add", ret, 0, 0);
			rte_avq_batch_end(&b);
			async_wait(c);
			return ret;
		}
		c->posted++;
		c->seq++;
		i++;
	}
	ret = rte_avq_batch_end(&b);
	if (ret < 0 && b.count > 0) {
		cmd_failed("rte_avq_batch_end", ret, 0, 0);
		return ret;
	}
	t1 = bench_tsc();
	async_wait(c);
	t2 = bench_tsc();
	c->t_post += t1 - t0;
	c->t_wait += t2 - t1;
	/* Per batch: a median that preemptions on a shared machine do not
	 * move, beside the mean rate. */
	if (c->bt != NULL) {
		c->bp[c->nbt] = t1 - t0;
		c->bt[c->nbt++] = t2 - t0;
	}
	return 0;
}

static const uint32_t batch_sizes[] = { 1, 8, 32, 128 };

/* Pipelined: commands in flight at most, and latency slots (8 windows, so
 * a slot comes round long after its command; pipe_slot() still checks). */
#define PIPE_WINDOW	512
#define PIPE_SLOTS	(8 * PIPE_WINDOW)

/* The next latency slot, polled free if its command is still in flight. */
static struct async_slot *
pipe_slot(struct async_ctx *c, struct async_slot *slots, uint32_t ahead)
{
	struct async_slot *s = &slots[(c->posted + ahead) % PIPE_SLOTS];

	/* C4: pairs with the release store C3 in async_cb(). */
	while (__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE))
		if (rte_avq_engine_poll(c->e, POLL_BUDGET) == 0 &&
		    bench_opt->profile)
			sched_yield();
	return s;
}

/*
 * The next @p cnt commands of a pipelined batch in one
 * rte_avq_batch_add_burst(), the same commands and slots as one
 * rte_avq_batch_add() each. @return how many were posted (the rest's
 * slots are free again; rte_errno says why).
 */
static uint32_t
pipe_burst(struct async_ctx *c, const uint64_t *ids,
	   struct async_slot *slots, struct rte_avq_batch *b, uint32_t cnt,
	   uint32_t idx)
{
	struct rte_avq_cmd cmds[BENCH_MAX_BATCH];
	void *args[BENCH_MAX_BATCH];
	struct async_slot *s;
	uint32_t i;
	int m;

	for (i = 0; i < cnt; i++) {
		s = pipe_slot(c, slots, i);
		s->ctx = c;
		s->idx = idx + i;
		__atomic_store_n(&s->busy, 1, __ATOMIC_RELAXED);
		feat_cmd(&cmds[i], ids[(c->seq + i) % BENCH_NUM_VDEVS],
			 &s->in);
		if (c->lat != NULL)
			s->t_sub = bench_tsc();
		args[i] = s;
	}
	m = rte_avq_batch_add_burst(b, cmds, cnt, async_cb, args, 0);
	for (i = (uint32_t)m; i < cnt; i++)
		__atomic_store_n(&((struct async_slot *)args[i])->busy, 0,
				 __ATOMIC_RELAXED);
	c->posted += (uint32_t)m;
	c->seq += (uint32_t)m;
	return (uint32_t)m;
}

/*
 * Pipelined: keep up to PIPE_WINDOW commands in flight, posting batches of
 * @p k (one doorbell each) whenever a batch fits and polling in between,
 * so that the device executes while the submitter posts and delivers.
 */
static int
async_pipeline(struct async_ctx *c, const uint64_t *ids,
	       struct async_slot *slots, uint32_t k, uint32_t n,
	       uint32_t lat_base, uint64_t *eagain)
{
	struct rte_avq_batch b;
	struct rte_avq_cmd cmd;
	struct async_slot *s;
	uint32_t sent = 0, i;
	int ret = 0;

	while (sent < n && ret == 0) {
		while (sent < n && c->posted + k - async_done(c) <= PIPE_WINDOW) {
			rte_avq_batch_begin(c->e, &b);
			if (c->burst) {
				uint32_t cnt = RTE_MIN(k, n - sent), m;

				m = pipe_burst(c, ids, slots, &b, cnt,
					       lat_base + sent);
				sent += m;
				if (m < cnt)
					ret = -rte_errno;
			}
			for (i = 0; i < k && sent < n && !c->burst; i++) {
				s = pipe_slot(c, slots, 0);
				s->ctx = c;
				s->idx = lat_base + sent;
				__atomic_store_n(&s->busy, 1, __ATOMIC_RELAXED);
				feat_cmd(&cmd, ids[c->seq % BENCH_NUM_VDEVS], &s->in);
				if (c->lat != NULL)
					s->t_sub = bench_tsc();
				ret = rte_avq_batch_add(&b, &cmd, async_cb, s, 0);
				if (ret < 0) {
					__atomic_store_n(&s->busy, 0,
							 __ATOMIC_RELAXED);
					break;
				}
				c->posted++;
				c->seq++;
				sent++;
			}
			rte_avq_batch_end(&b);
			if (ret == -EAGAIN) {
				(*eagain)++;
				ret = 0;
				break;
			}
			if (ret < 0) {
				cmd_failed("rte_avq_batch_add", ret, 0, 0);
				break;
			}
		}
		if (rte_avq_engine_poll(c->e, POLL_BUDGET) == 0 &&
		    bench_opt->profile)
			sched_yield();
	}
	async_wait(c);
	return ret;
}

/* (b), pipelined rows. */
static int
bench_pipeline(struct bench_env *env, uint64_t *lat)
{
	static const uint32_t ks[] = { 8, 32, 128 };
	struct rte_avq_dev_stats d0, d1;
	struct async_slot *slots;
	char key[48], name[64];
	struct async_ctx c;
	struct bench_row *r;
	uint64_t t0, eagain;
	double t_stamped;
	uint32_t ki, n;
	int ret = 0;

	slots = calloc(PIPE_SLOTS, sizeof(*slots));
	if (slots == NULL)
		return -ENOMEM;
	for (ki = 0; ki < RTE_DIM(ks) && ret == 0; ki++) {
		n = RTE_MAX(bench_opt->cmds / ks[ki], 1u) * ks[ki];
		memset(&c, 0, sizeof(c));
		c.e = env->e;
		c.lat = lat;
		c.burst = true;
		eagain = 0;
		ret = async_pipeline(&c, env->ids, slots, ks[ki], WARMUP, 0,
				     &eagain);
		if (ret < 0)
			break;
		/* Latency pass: every command stamped at its add and at its
		 * callback. */
		t0 = bench_tsc();
		ret = async_pipeline(&c, env->ids, slots, ks[ki], n, 0, &eagain);
		if (ret < 0)
			break;
		t_stamped = n * 1e9 / bench_tsc_ns(bench_tsc() - t0);
		/* Rate pass without the two clock reads per command, as the
		 * closed-loop rows'. */
		c.lat = NULL;
		rte_avq_dev_stats_get(env->dev, &d0);
		t0 = bench_tsc();
		ret = async_pipeline(&c, env->ids, slots, ks[ki], n, 0, &eagain);
		if (ret < 0)
			break;
		t0 = bench_tsc() - t0;
		rte_avq_dev_stats_get(env->dev, &d1);
		snprintf(key, sizeof(key), "b.%s.batch%u",
			 bench_packed ? "ppipe" : "pipe", ks[ki]);
		snprintf(name, sizeof(name), "async %spipelined, batches of %u",
			 bench_packed ? "packed, " : "", ks[ki]);
		r = bench_row_add("b", key, name);
		rate_row(r, n, t0);
		bench_percentiles(lat, n, r);
		snprintf(r->note, sizeof(r->note),
			 "up to %u in flight; device idle=%s; ring full %" PRIu64
			 "x; device busy %.0f ns/cmd; stamped %.2f M/s",
			 PIPE_WINDOW, bench_idle_str(env->idle), eagain,
			 dev_busy_per_cmd(&d0, &d1), t_stamped / 1e6);
		if (c.failed != 0) {
			cmd_failed("pipelined FEAT_DEVICE_GET", 0, 0, 0);
			ret = -EIO;
		}
	}
	/* For scale: batches of 128 again, one rte_avq_batch_add() per
	 * command instead of a burst (rate pass only). */
	if (ret == 0) {
		n = RTE_MAX(bench_opt->cmds / 128, 1u) * 128;
		memset(&c, 0, sizeof(c));
		c.e = env->e;
		eagain = 0;
		rte_avq_dev_stats_get(env->dev, &d0);
		t0 = bench_tsc();
		ret = async_pipeline(&c, env->ids, slots, 128, n, 0, &eagain);
		t0 = bench_tsc() - t0;
		rte_avq_dev_stats_get(env->dev, &d1);
		if (ret == 0) {
			snprintf(key, sizeof(key), "b.%s.batch128.add",
				 bench_packed ? "ppipe" : "pipe");
			snprintf(name, sizeof(name),
				 "async %spipelined 128, add per command",
				 bench_packed ? "packed " : "");
			r = bench_row_add("b", key, name);
			rate_row(r, n, t0);
			snprintf(r->note, sizeof(r->note),
				 "rte_avq_batch_add() x 128, not a burst; ring "
				 "full %" PRIu64 "x; device busy %.0f ns/cmd",
				 eagain, dev_busy_per_cmd(&d0, &d1));
		}
		if (c.failed != 0) {
			cmd_failed("pipelined FEAT_DEVICE_GET", 0, 0, 0);
			ret = -EIO;
		}
	}
	free(slots);
	return ret;
}

int
bench_async(struct bench_env *env)
{
	struct async_slot slots[BENCH_MAX_BATCH];
	struct rte_avq_dev_stats d0, d1;
	char key[48], name[64];
	struct async_ctx c;
	struct bench_row *r;
	uint64_t *lat, *bt, t0, eagain;
	uint32_t bi, bs, n, done, nlat;
	struct bench_row br = { .p50 = -1 };
	double t_stamped;
	int ret = 0;

	/* Room for a latency pass and, after it, the rate pass's post
	 * times; the pipelined rows' warm-up stamps WARMUP commands. */
	nlat = RTE_MAX(bench_opt->cmds, (uint32_t)WARMUP) + BENCH_MAX_BATCH;
	lat = malloc(sizeof(*lat) * 2 * nlat);
	bt = malloc(sizeof(*bt) * nlat);
	if (lat == NULL || bt == NULL) {
		free(lat);
		free(bt);
		return -ENOMEM;
	}
	for (bi = 0; bi < RTE_DIM(batch_sizes) && ret == 0; bi++) {
		bs = batch_sizes[bi];
		n = RTE_MAX(bench_opt->cmds / bs, 1u) * bs;
		memset(&c, 0, sizeof(c));
		c.e = env->e;
		c.lat = lat;
		eagain = 0;
		/* Warm-up: a few batches, not timed. */
		for (done = 0; done < (uint32_t)WARMUP && ret == 0; done += bs)
			ret = async_batch(&c, env->ids, slots, bs, 0, &eagain);
		if (ret < 0)
			break;
		c.t_post = 0;
		c.t_wait = 0;
		/* Latency pass: every command stamped at its add and at its
		 * callback. */
		for (done = 0; done < n && ret == 0; done += bs)
			ret = async_batch(&c, env->ids, slots, bs, done,
					  &eagain);
		if (ret < 0)
			break;
		t_stamped = n * 1e9 / bench_tsc_ns(c.t_post + c.t_wait);
		/* Rate pass: the same without the two clock reads per
		 * command (tens of ns each here), which would otherwise be
		 * counted as the engine's cost. */
		c.lat = NULL;
		c.t_post = 0;
		c.t_wait = 0;
		c.bt = bt;
		c.bp = lat + n;	/* lat[0, n) holds the latency pass */
		c.nbt = 0;
		rte_avq_dev_stats_get(env->dev, &d0);
		t0 = bench_tsc();
		for (done = 0; done < n && ret == 0; done += bs)
			ret = async_batch(&c, env->ids, slots, bs, done,
					  &eagain);
		if (ret < 0)
			break;
		t0 = bench_tsc() - t0;
		rte_avq_dev_stats_get(env->dev, &d1);
		c.bt = NULL;
		bench_percentiles(bt, c.nbt, &br);
		snprintf(key, sizeof(key), "b.%s.batch%u",
			 bench_packed ? "packed" : "async", bs);
		snprintf(name, sizeof(name), "async%s, batches of %u",
			 bench_packed ? " packed" : "", bs);
		r = bench_row_add("b", key, name);
		rate_row(r, n, t0);
		bench_percentiles(lat, n, r);
		/* For the median-based ratio row. */
		r->value = br.p50 / bs;
		snprintf(r->note, sizeof(r->note),
			 "idle=%s; ring full %" PRIu64 "x; device busy %.0f ns/cmd;"
			 " batch p50 %.0f ns/cmd; stamped %.2f M/s",
			 bench_idle_str(env->idle), eagain,
			 dev_busy_per_cmd(&d0, &d1), br.p50 / bs,
			 t_stamped / 1e6);
		if (getenv("AVQ_BENCH_DIAG") != NULL) {
			struct bench_row pr;

			/* lat was sorted for the percentiles above: the
			 * post times were kept in its tail. */
			bench_percentiles(lat + n, c.nbt, &pr);
			fprintf(stderr, "diag b%u: post %.1f wait %.1f ns/cmd (rate pass); post p50 %.1f ns/cmd\n",
				bs, bench_tsc_ns(c.t_post) / n,
				bench_tsc_ns(c.t_wait) / n, pr.p50 / bs);
		}
		if (c.failed != 0) {
			cmd_failed("async FEAT_DEVICE_GET", 0, 0, 0);
			ret = -EIO;
		}
	}
	if (ret == 0)
		ret = bench_pipeline(env, lat);
	free(lat);
	free(bt);
	return ret;
}

/* ---- (b) paired: the 10x reading without the drift between rows ---- */

/* Rounds of the paired measurement, and their parts: sync commands (a
 * tenth of a row's), then packed pipelined commands (half a row's). */
#define PAIR_ROUNDS	7

/*
 * A paired row: @p n rounds, value = the median of their ratios @p r.
 * bench_median() sorts: r[0] and r[n - 1] are then the lowest and the
 * highest round, for the caller's note.
 */
static struct bench_row *
paired_row(const char *sec, const char *key, const char *name, double *r,
	   unsigned int n)
{
	struct bench_row *row = bench_row_add(sec, key, name);

	row->count = n;
	row->value = bench_median(r, n);
	return row;
}

/*
 * The synchronous and the packed pipelined rate measured back to back, in
 * rounds: the speed of this shared machine drifts by tens of percent
 * within seconds, between row a and row b. The ratio of each round, and
 * its median over the rounds, compare the two under the same conditions.
 * Runs on the packed engine (rte_avq_exec() takes its sync queue as on
 * the plain one).
 */
int
bench_paired(struct bench_env *env)
{
	uint32_t ns = RTE_MAX(bench_opt->iters / 10, 1000u), na, r;
	double rs[PAIR_ROUNDS], ra[PAIR_ROUNDS], rr[PAIR_ROUNDS];
	struct async_slot *slots;
	struct rte_avq_cmd cmd;
	struct async_ctx c;
	struct bench_row *row;
	uint64_t t0, eagain = 0;
	rte_le64_t f;
	int ret = 0;

	na = RTE_MAX(bench_opt->cmds / 2 / 128, 1u) * 128;
	slots = calloc(PIPE_SLOTS, sizeof(*slots));
	if (slots == NULL)
		return -ENOMEM;
	feat_cmd(&cmd, env->ids[0], &f);
	memset(&c, 0, sizeof(c));
	c.e = env->e;
	c.burst = true;
	for (r = 0; r < PAIR_ROUNDS && ret == 0; r++) {
		ret = sync_pass(env, &cmd, ns, &t0);
		if (ret < 0)
			break;
		rs[r] = ns * 1e9 / bench_tsc_ns(t0);
		t0 = bench_tsc();
		ret = async_pipeline(&c, env->ids, slots, 128, na, 0, &eagain);
		if (ret < 0)
			break;
		ra[r] = na * 1e9 / bench_tsc_ns(bench_tsc() - t0);
		rr[r] = ra[r] / rs[r];
	}
	free(slots);
	if (ret < 0)
		return ret;
	if (c.failed != 0) {
		cmd_failed("paired FEAT_DEVICE_GET", 0, 0, 0);
		return -EIO;
	}
	row = paired_row("b", "b.paired", "paired: packed pipelined 128 / sync",
			 rr, PAIR_ROUNDS);
	row->rate = bench_median(ra, PAIR_ROUNDS);
	snprintf(row->note, sizeof(row->note),
		 "%u rounds of %u sync + %u async; sync %.2f M/s; "
		 "rounds %.2f-%.2fx", PAIR_ROUNDS, ns, na,
		 bench_median(rs, PAIR_ROUNDS) / 1e6, rr[0],
		 rr[PAIR_ROUNDS - 1]);
	return 0;
}

/*
 * Row e's round trip and the cache-line reference measured back to back,
 * in rounds, as bench_paired() does for the rates: the reference row runs
 * first and row e some 30 s later, and this machine's speed (and where
 * the host puts the two vCPUs) drifts in between. The pingpong needs the
 * device's core: the device thread stops for the reference block and
 * starts again (same rings, same engine) for the sync blocks, which first
 * warm up. Both sides are timed the same way, in blocks of BENCH_CL_BLOCK
 * round trips (a clock read costs ~25 ns on this VM: timed one by one,
 * the sync side carried one per round trip and the reference none).
 * Each round's ratio is sync p50 / cache-line p50 over block means; the
 * row gives their median. The same round also times single calls, as
 * row e does, for the note (their ratio is printed "for scale").
 */
#define RTT_ROUNDS	9

/* A paired round-trip row: the median of the rounds' ratios @p r, p50 the
 * median of the rounds' sync p50s @p p50, the note @p what and the range
 * of the rounds. */
static void
rtt_paired_row(const char *key, const char *name, double *r, double *p50,
	       const char *what)
{
	struct bench_row *row = paired_row("e", key, name, r, RTT_ROUNDS);

	row->p50 = bench_median(p50, RTT_ROUNDS);
	snprintf(row->note, sizeof(row->note), "%s; rounds %.2f-%.2fx", what,
		 r[0], r[RTT_ROUNDS - 1]);
}

int
bench_rtt_paired(struct bench_env *env)
{
	uint32_t cl_blocks = RTE_MAX(bench_opt->rounds / BENCH_CL_BLOCK /
				     RTT_ROUNDS, 64u);
	uint32_t n = RTE_MAX(bench_opt->iters / RTT_ROUNDS, 500u);
	uint32_t sb = RTE_MAX(n / BENCH_CL_BLOCK, 32u);
	double rc[RTT_ROUNDS], rs[RTT_ROUNDS], rr[RTT_ROUNDS];
	double r1[RTT_ROUNDS], rs1[RTT_ROUNDS];
	uint64_t *cl, *lat, *sbl, t_all;
	struct bench_row tmp;
	struct rte_avq_cmd cmd;
	char what[80];	/* + "; rounds a-bx" fits a row's note */
	rte_le64_t f;
	uint32_t r;
	int ret = 0, ret2;

	cl = malloc(sizeof(*cl) * cl_blocks);
	lat = malloc(sizeof(*lat) * n);
	sbl = malloc(sizeof(*sbl) * sb);
	if (cl == NULL || lat == NULL || sbl == NULL) {
		free(cl);
		free(lat);
		free(sbl);
		return -ENOMEM;
	}
	feat_cmd(&cmd, env->ids[0], &f);
	for (r = 0; r < RTT_ROUNDS && ret == 0; r++) {
		ret = rte_avq_dev_stop(env->dev);
		if (ret == 0) {
			ret = bench_cl_blocks(cl_blocks, cl, &t_all);
			ret2 = rte_avq_dev_start(env->dev);
			ret = ret < 0 ? ret : ret2;
		}
		if (ret < 0) {
			fprintf(stderr, "avq-bench: paired round trip: %s\n",
				strerror(-ret));
			break;
		}
		bench_percentiles(cl, cl_blocks, &tmp);
		rc[r] = tmp.p50;
		ret = sync_blocks(env, &cmd, WARMUP, sb, sbl);
		if (ret < 0)
			break;
		bench_percentiles(sbl, sb, &tmp);
		rs[r] = tmp.p50;
		rr[r] = rs[r] / rc[r];
		ret = sync_stamped(env, &cmd, 0, n, lat, &t_all);
		if (ret < 0)
			break;
		bench_percentiles(lat, n, &tmp);
		rs1[r] = tmp.p50;
		r1[r] = rs1[r] / rc[r];
	}
	free(cl);
	free(lat);
	free(sbl);
	if (ret < 0)
		return ret;
	snprintf(what, sizeof(what),
		 "%u rounds: %u CL + %u sync in blocks of %u; CL p50 %.1f ns",
		 RTT_ROUNDS, cl_blocks * BENCH_CL_BLOCK, sb * BENCH_CL_BLOCK,
		 BENCH_CL_BLOCK, bench_median(rc, RTT_ROUNDS));
	rtt_paired_row("e.rtt_paired", "paired: sync polled p50 / cache-line p50",
		       rr, rs, what);
	snprintf(what, sizeof(what), "same rounds, %u sync calls each "
		 "timed alone (as row e)", n);
	rtt_paired_row("e.rtt_paired_1", "paired: sync timed one by one / CL p50",
		       r1, rs1, what);
	return 0;
}

/* (c): submitters for a fixed time. */
struct lcore_arg {
	struct async_ctx c;
	const uint64_t *ids;
	struct async_slot slots[BENCH_MAX_BATCH];
	uint64_t eagain;
	int ret;
};

static uint32_t lc_go;
static uint32_t lc_stop;

static void
lcore_loop(struct lcore_arg *a)
{
	/* L1: pairs with the release store L2 in lcores_run(). */
	while (!__atomic_load_n(&lc_stop, __ATOMIC_ACQUIRE) && a->ret == 0)
		a->ret = async_batch(&a->c, a->ids, a->slots, 32, 0, &a->eagain);
}

static int
lcore_worker(void *arg)
{
	struct lcore_arg *a = arg;

	/* Callbacks this lcore runs count in done[1]. */
	RTE_PER_LCORE(cb_slot) = 1;
	/* L3: pairs with the release store L4 in lcores_run(). */
	while (!__atomic_load_n(&lc_go, __ATOMIC_ACQUIRE))
		;
	lcore_loop(a);
	return 0;
}

static int
lcores_run(struct bench_env *env, unsigned int nlc, bool yield)
{
	static struct lcore_arg a[2];
	uint64_t t0, dur = (uint64_t)bench_opt->duration_ms * 1000000ull;
	char key[48], name[64];
	struct bench_row *r;
	unsigned int i;
	double ns;
	int ret;

	memset(a, 0, sizeof(a));
	for (i = 0; i < nlc; i++) {
		a[i].c.e = env->e;
		a[i].c.yield = yield;
		a[i].c.seq = i;
		a[i].ids = env->ids;
	}
	__atomic_store_n(&lc_go, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lc_stop, 0, __ATOMIC_RELAXED);
	if (nlc > 1) {
		ret = rte_eal_remote_launch(lcore_worker, &a[1],
					    bench_worker_lcore);
		if (ret < 0)
			return ret;
	}
	t0 = bench_now_ns();
	/* L4: pairs with the acquire load L3 in lcore_worker(). */
	__atomic_store_n(&lc_go, 1, __ATOMIC_RELEASE);
	while (bench_now_ns() - t0 < dur && a[0].ret == 0)
		a[0].ret = async_batch(&a[0].c, a[0].ids, a[0].slots, 32, 0,
				       &a[0].eagain);
	/* L2: pairs with the acquire load L1 in lcore_loop(). */
	__atomic_store_n(&lc_stop, 1, __ATOMIC_RELEASE);
	if (nlc > 1)
		rte_eal_wait_lcore(bench_worker_lcore);
	ns = (double)(bench_now_ns() - t0);
	for (i = 0; i < nlc; i++) {
		if (a[i].ret < 0)
			return a[i].ret;
		if (a[i].c.failed != 0) {
			cmd_failed("async FEAT_DEVICE_GET (lcores)", 0, 0, 0);
			return -EIO;
		}
	}

	snprintf(key, sizeof(key), "c.%s.lcores%u%s", bench_idle_str(env->idle),
		 nlc, yield ? ".yield" : "");
	snprintf(name, sizeof(name), "%u submitter lcore%s, batch 32, idle=%s%s",
		 nlc, nlc > 1 ? "s" : "", bench_idle_str(env->idle),
		 yield ? ", yield" : "");
	r = bench_row_add("c", key, name);
	r->count = (double)(async_done(&a[0].c) + async_done(&a[1].c));
	r->time_ms = ns / 1e6;
	r->rate = r->count * 1e9 / ns;
	if (nlc > 1)
		snprintf(r->note, sizeof(r->note),
			 "lcore %u: %" PRIu64 ", lcore %u: %" PRIu64
			 " (cpu %d shared with the device)",
			 rte_get_main_lcore(), async_done(&a[0].c),
			 bench_worker_lcore, async_done(&a[1].c),
			 rte_lcore_to_cpu_id(bench_worker_lcore));
	else
		snprintf(r->note, sizeof(r->note), "lcore %u only",
			 rte_get_main_lcore());
	return 0;
}

int
bench_lcores(struct bench_env *env)
{
	int ret;

	ret = lcores_run(env, 1, false);
	if (ret == 0)
		ret = lcores_run(env, 2, false);
	if (ret == 0)
		ret = lcores_run(env, 2, true);
	return ret;
}

/* ---- (e): what an idle device costs ---- */

int
bench_idle_cpu(struct bench_env *env)
{
	struct rte_avq_dev_stats s0, s1;
	struct timespec ts;
	char key[48], name[64];
	struct bench_row *r;
	uint64_t t0, t1;
	double cpu_ms, win_ms;
	int ret;

	/* Let the last command's after-work (an ADAPTIVE spin) end first. */
	ts.tv_sec = 0;
	ts.tv_nsec = 20 * 1000 * 1000;
	nanosleep(&ts, NULL);
	ret = rte_avq_dev_stats_get(env->dev, &s0);
	if (ret < 0)
		return ret;
	t0 = bench_now_ns();
	ts.tv_sec = bench_opt->idle_ms / 1000;
	ts.tv_nsec = (long)(bench_opt->idle_ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	ret = rte_avq_dev_stats_get(env->dev, &s1);
	if (ret < 0)
		return ret;
	t1 = bench_now_ns();
	win_ms = (double)(t1 - t0) / 1e6;
	cpu_ms = (double)(s1.cpu_ns - s0.cpu_ns) / 1e6;

	snprintf(key, sizeof(key), "e.idle_cpu.%s", bench_idle_str(env->idle));
	snprintf(name, sizeof(name), "idle device CPU, idle=%s",
		 bench_idle_str(env->idle));
	r = bench_row_add("e", key, name);
	r->time_ms = win_ms;
	r->value = cpu_ms * 1000.0 / win_ms;
	snprintf(r->note, sizeof(r->note),
		 "device thread CPU %.2f ms per s idle (%.2f%% of a core); "
		 "%" PRIu64 " wakeups", r->value, r->value / 10.0,
		 s1.wakeups - s0.wakeups);
	return 0;
}
