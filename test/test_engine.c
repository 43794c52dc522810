/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Functional tests of the admin-queue engine (rte_avq_engine.h) against the
 * device model through the sim transport. The fixture's own admin queue 0
 * is released first: the engine takes queues 0..num_aqs-1.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_pause.h>

#include <rte_avq_engine.h>

#include "avq_test.h"
#include "avq_fixture.h"

/* Device + engine of one test. */
struct eng_fx {
	struct avq_fx fx;
	struct rte_avq_engine *e;
};

static void
eng_dev_params(struct rte_avq_dev_params *p, uint16_t num_aqs)
{
	avq_fx_params(p);
	p->num_aqs = num_aqs;
}

/* Device started, fixture AQ released, engine over @p num_aqs queues. */
static int
eng_setup(struct eng_fx *f, const struct rte_avq_dev_params *p,
	  const struct rte_avq_engine_conf *conf_in)
{

	memset(f, 0, sizeof(*f));
	if (avq_fx_setup(&f->fx, p) < 0)
		return -1;
	f->e = avq_fx_engine(&f->fx, conf_in);
	return f->e != NULL ? 0 : -1;
}

static void
eng_teardown(struct eng_fx *f)
{
	if (f->fx.dev != NULL)
		rte_avq_dev_fault_set(f->fx.dev, NULL);
	rte_avq_engine_destroy(f->e);
	f->e = NULL;
	avq_fx_teardown(&f->fx);
}

typedef int (*eng_body_fn)(struct eng_fx *f);

static int
eng_run(const struct rte_avq_dev_params *p,
	const struct rte_avq_engine_conf *conf, eng_body_fn body)
{
	struct eng_fx f;
	int ret = TEST_FAILED;

	if (eng_setup(&f, p, conf) == 0)
		ret = body(&f);
	eng_teardown(&f);
	return ret;
}

/* A command for managed device @p id that does not exist: NOENT. */
static void
eng_cmd_status(struct rte_avq_cmd *c, uint64_t id, uint8_t *in)
{
	memset(c, 0, sizeof(*c));
	c->device_id = id;
	c->class_id = AVQ_CLASS_STATUS;
	c->command = AVQ_STATUS_GET;
	c->in = in;
	c->in_len = 1;
}

static void
eng_cmd_cap(struct rte_avq_cmd *c, rte_le64_t *caps)
{
	memset(c, 0, sizeof(*c));
	c->device_id = AVQ_MGMT_DEVICE_ID;
	c->class_id = AVQ_CLASS_CAP;
	c->command = AVQ_CAP_GET;
	c->in = caps;
	c->in_len = sizeof(*caps);
}

/* Poll until @p *flag becomes @p want (or ~2 s). */
static bool
eng_poll_until(struct rte_avq_engine *e, const uint32_t *flag, uint32_t want)
{
	uint64_t end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();

	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != want) {
		if (rte_get_timer_cycles() > end)
			return false;
		if (rte_avq_engine_poll(e, 32) == 0)
			rte_pause();
	}
	return true;
}

/* One completion as a callback saw it. */
struct eng_done {
	uint32_t count;
	int status;
	uint8_t ack;
	uint32_t in_len;
};

static void
eng_done_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct eng_done *d = arg;

	d->status = status;
	d->ack = ack;
	d->in_len = in_len;
	__atomic_fetch_add(&d->count, 1, __ATOMIC_RELEASE);
}

/* ---- submit with callback ---- */

static int
submit_cb_body(struct eng_fx *f)
{
	struct rte_avq_engine_stats st;
	/* Static, completions and in-data alike: see batch_body. */
	static struct eng_done d, d2;
	static rte_le64_t caps;
	static uint8_t in;
	struct rte_avq_cmd c;

	memset(&d, 0, sizeof(d));
	memset(&d2, 0, sizeof(d2));
	caps = 0;
	in = 0;
	eng_cmd_cap(&c, &caps);
	TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d, 0), "");
	TEST_ASSERT(eng_poll_until(f->e, &d.count, 1), "no completion");
	TEST_ASSERT_EQUAL(d.status, 0, "");
	TEST_ASSERT_EQUAL(d.ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(d.in_len, 8, "");
	TEST_ASSERT(avq_le64(caps) & (1ull << AVQ_CAP_F_VDEV), "caps 0x%" PRIx64,
		    avq_le64(caps));

	eng_cmd_status(&c, 77, &in);
	TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d2, 0), "");
	TEST_ASSERT(eng_poll_until(f->e, &d2.count, 1), "no completion");
	TEST_ASSERT_EQUAL(d2.status, 0, "");
	TEST_ASSERT_EQUAL(d2.ack, AVQ_ACK_NOENT, "");
	TEST_ASSERT_EQUAL(d2.in_len, 0, "a failed command returns no in-data");
	/* Exactly once. */
	rte_avq_engine_poll(f->e, 32);
	TEST_ASSERT_EQUAL(d.count, 1, "");
	TEST_ASSERT_EQUAL(d2.count, 1, "");

	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.submitted, 2, "");
	TEST_ASSERT_EQUAL(st.completed, 2, "");
	TEST_ASSERT_EQUAL(st.failed, 1, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	TEST_ASSERT(st.lat_ns_sum > 0 && st.lat_ns_max > 0, "latency counted");
	return TEST_SUCCESS;
}

static int
test_engine_submit_cb(void)
{
	return eng_run(NULL, NULL, submit_cb_body);
}
REGISTER_AVQ_TEST(engine_submit_cb_autotest, test_engine_submit_cb);

/* ---- submit with a request handle ---- */

static int
submit_req_body(struct eng_fx *f)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .stall = true };
	struct rte_avq_req *r = NULL, *r2 = NULL;
	struct rte_avq_cmd c;
	rte_le64_t caps = 0;
	uint64_t end;
	uint32_t in_len = 0;
	uint8_t ack = 0xee;
	int status = 1;

	/* A stalled device: the handle is not done until it runs again. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	eng_cmd_cap(&c, &caps);
	TEST_ASSERT_SUCCESS(rte_avq_submit_req(f->e, &c, 0, &r), "");
	TEST_ASSERT_NOT_NULL(r, "");
	rte_avq_engine_poll(f->e, 32);
	TEST_ASSERT(!rte_avq_req_done(r), "done on a stalled device");
	TEST_ASSERT_EQUAL(rte_avq_req_result(r, &status, &ack, &in_len), -EBUSY,
			  "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();
	while (!rte_avq_req_done(r) && rte_get_timer_cycles() < end)
		rte_avq_engine_poll(f->e, 32);
	TEST_ASSERT(rte_avq_req_done(r), "never done");
	TEST_ASSERT_SUCCESS(rte_avq_req_result(r, &status, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(status, 0, "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(in_len, 8, "");
	TEST_ASSERT(avq_le64(caps) != 0, "in-data copied");
	rte_avq_req_free(r);

	/* Freed before completion: forgotten, its pool entry comes back. */
	TEST_ASSERT_SUCCESS(rte_avq_submit_req(f->e, &c, 0, &r2), "");
	rte_avq_req_free(r2);
	end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();
	while (rte_get_timer_cycles() < end) {
		struct rte_avq_engine_stats st;

		rte_avq_engine_poll(f->e, 32);
		rte_avq_engine_stats_get(f->e, &st);
		if (st.inflight == 0)
			break;
	}
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	return TEST_SUCCESS;
}

static int
test_engine_submit_req(void)
{
	return eng_run(NULL, NULL, submit_req_body);
}
REGISTER_AVQ_TEST(engine_submit_req_autotest, test_engine_submit_req);

/* ---- exec, from an lcore and from a non-EAL thread ---- */

struct exec_thread_arg {
	struct rte_avq_engine *e;
	int ret;
	uint8_t ack;
	uint32_t in_len;
	rte_le64_t caps;
};

static void *
exec_thread(void *varg)
{
	struct exec_thread_arg *a = varg;
	struct rte_avq_cmd c;
	int i;

	eng_cmd_cap(&c, &a->caps);
	for (i = 0; i < 100; i++) {
		a->ret = rte_avq_exec(a->e, &c, &a->ack, &a->in_len);
		if (a->ret != 0 || a->ack != AVQ_ACK_OK)
			break;
	}
	return NULL;
}

static int
exec_body(struct eng_fx *f)
{
	struct exec_thread_arg a = { .e = f->e, .ret = -1 };
	struct rte_avq_cmd c;
	rte_le64_t caps = 0;
	uint32_t in_len = 0;
	uint8_t ack = 0xee, in = 0;
	pthread_t th;

	eng_cmd_cap(&c, &caps);
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(in_len, 8, "");
	eng_cmd_status(&c, 5, &in);
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_NOENT, "");

	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, exec_thread, &a), "");
	pthread_join(th, NULL);
	TEST_ASSERT_EQUAL(a.ret, 0, "exec from a non-EAL thread");
	TEST_ASSERT_EQUAL(a.ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(a.in_len, 8, "");
	return TEST_SUCCESS;
}

static int
test_engine_exec(void)
{
	return eng_run(NULL, NULL, exec_body);
}
REGISTER_AVQ_TEST(engine_exec_autotest, test_engine_exec);

/* ---- batch of 64: one doorbell ---- */

#define BATCH_N 64

static int
batch_body(struct eng_fx *f)
{
	static struct rte_avq_dev_trace_entry te[BATCH_N + 8];
	/* Static: if an assertion returns early, callbacks still in flight
	 * must not write into a dead stack frame at teardown. */
	static struct eng_done d[BATCH_N];
	struct rte_avq_engine_stats st0, st;
	struct rte_avq_batch b;
	struct rte_avq_cmd c;
	static uint8_t in[BATCH_N];	/* in-data outlives an early return */
	uint64_t seq0;
	uint32_t total = 0;
	int i, n;

	memset(d, 0, sizeof(d));
	/* Settle: the BLOCK-idle device sleeps and wants doorbells. */
	eng_cmd_status(&c, 1, &in[0]);
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	/* Read the trace (a control call: it wakes the device) before the
	 * settling pause, not after it. */
	seq0 = avq_fx_trace_last(&f->fx);
	usleep(20 * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st0), "");

	rte_avq_batch_begin(f->e, &b);
	for (i = 0; i < BATCH_N; i++) {
		eng_cmd_status(&c, 1000 + i, &in[i]);
		TEST_ASSERT_SUCCESS(rte_avq_batch_add(&b, &c, eng_done_cb, &d[i],
						      0), "add %d", i);
	}
	TEST_ASSERT_EQUAL(rte_avq_batch_end(&b), BATCH_N, "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.kicks - st0.kicks, 1, "one doorbell for the batch");
	TEST_ASSERT_EQUAL(st.batches - st0.batches, 1, "");
	TEST_ASSERT_EQUAL(st.batched - st0.batched, BATCH_N, "");

	for (i = 0; i < BATCH_N; i++)
		TEST_ASSERT(eng_poll_until(f->e, &d[i].count, 1), "cmd %d", i);
	for (i = 0; i < BATCH_N; i++) {
		TEST_ASSERT_EQUAL(d[i].status, 0, "");
		TEST_ASSERT_EQUAL(d[i].ack, AVQ_ACK_NOENT, "");
		total += d[i].count;
	}
	TEST_ASSERT_EQUAL(total, BATCH_N, "each delivered once");
	/* The device executed all 64, in submission order. */
	n = avq_fx_trace(&f->fx, seq0, te, RTE_DIM(te));
	TEST_ASSERT_EQUAL(n, BATCH_N, "");
	for (i = 0; i < BATCH_N; i++)
		TEST_ASSERT_EQUAL(te[i].device_id, 1000 + i, "trace %d", i);
	return TEST_SUCCESS;
}

static int
test_engine_batch(void)
{
	struct rte_avq_dev_params p;

	eng_dev_params(&p, 1);
	p.idle = RTE_AVQ_DEV_IDLE_BLOCK;
	/* No timed self-wake during the test: the device is asleep when the
	 * batch comes, so exactly one doorbell is the only right count. */
	p.idle_timeout_ms = 60000;
	return eng_run(&p, NULL, batch_body);
}
REGISTER_AVQ_TEST(engine_batch_autotest, test_engine_batch);

/* ---- bad input ---- */

static int
e2big_body(struct eng_fx *f)
{
	struct rte_avq_engine_stats st;
	static uint8_t big[300];
	struct rte_avq_req *r = NULL;
	struct rte_avq_batch b;
	struct rte_avq_cmd c;

	memset(&c, 0, sizeof(c));
	c.device_id = 1;
	c.class_id = AVQ_CLASS_STATUS;
	c.command = AVQ_STATUS_SET;
	c.out = big;
	c.out_len = 257;	/* max_out 256 */
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, &c, NULL, NULL, 0), -E2BIG, "");
	TEST_ASSERT_EQUAL(rte_avq_submit_req(f->e, &c, 0, &r), -E2BIG, "");
	TEST_ASSERT_EQUAL(rte_avq_exec(f->e, &c, NULL, NULL), -E2BIG, "");
	c.out_len = 1;
	c.in = big;
	c.in_len = 129;		/* max_in 128 */
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, &c, NULL, NULL, 0), -E2BIG, "");
	rte_avq_batch_begin(f->e, &b);
	TEST_ASSERT_EQUAL(rte_avq_batch_add(&b, &c, NULL, NULL, 0), -E2BIG, "");
	TEST_ASSERT_EQUAL(rte_avq_batch_end(&b), -E2BIG, "nothing posted");
	/* -EINVAL */
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, NULL, NULL, NULL, 0), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_submit(NULL, &c, NULL, NULL, 0), -EINVAL, "");
	c.in_len = 1;
	c.in = NULL;
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, &c, NULL, NULL, 0), -EINVAL, "");
	c.in = big;
	c.out = NULL;
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, &c, NULL, NULL, 0), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_submit_req(f->e, &c, 0, NULL), -EINVAL, "");

	/* Nothing changed: no submission counted, the device saw nothing. */
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.submitted, 0, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	TEST_ASSERT_EQUAL(avq_fx_trace_last(&f->fx), 0, "");
	/* The limits are inclusive. */
	c.out = big;
	c.out_len = 256;
	c.in_len = 128;
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	return TEST_SUCCESS;
}

static int
test_engine_e2big(void)
{
	struct rte_avq_engine_conf conf = { .max_out = 256, .max_in = 128 };

	return eng_run(NULL, &conf, e2big_body);
}
REGISTER_AVQ_TEST(engine_e2big_autotest, test_engine_e2big);

static int
test_engine_create_bad(void)
{
	struct rte_avq_engine_conf conf = { 0 };
	struct avq_fx fx;
	int ret = TEST_FAILED;

	if (avq_fx_setup(&fx, NULL) < 0)
		return TEST_FAILED;
	rte_avq_aq_free(fx.aq);
	fx.aq = NULL;
	do {
		conf.transport = &fx.t;
		conf.ring_size = 12;
		if (rte_avq_engine_create(&conf) != NULL || rte_errno != EINVAL)
			break;
		conf.ring_size = 512;	/* device max 256 */
		if (rte_avq_engine_create(&conf) != NULL || rte_errno != EINVAL)
			break;
		conf.ring_size = 0;
		conf.num_aqs = 2;	/* one offered */
		if (rte_avq_engine_create(&conf) != NULL || rte_errno != ERANGE)
			break;
		conf.num_aqs = 0;
		conf.max_out = 1u << 20;
		if (rte_avq_engine_create(&conf) != NULL || rte_errno != EINVAL)
			break;
		if (rte_avq_engine_create(NULL) != NULL || rte_errno != EINVAL)
			break;
		ret = TEST_SUCCESS;
	} while (0);
	if (ret != TEST_SUCCESS)
		fprintf(stderr, "engine create accepted a bad configuration\n");
	avq_fx_teardown(&fx);
	return ret;
}
REGISTER_AVQ_TEST(engine_create_bad_autotest, test_engine_create_bad);

/* ---- ring full ---- */

#define FULL_RING 8	/* 4 slots */

static int
ring_full_body(struct eng_fx *f)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .delay_us = 30 * 1000 };
	struct rte_avq_engine_stats st;
	static struct eng_done d[FULL_RING / 2 + 1];	/* see batch_body */
	struct rte_avq_cmd c;
	static uint8_t in[FULL_RING];	/* in-data outlives an early return */
	uint64_t t0, t1;
	int i;

	memset(d, 0, sizeof(d));
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	for (i = 0; i < FULL_RING / 2; i++) {
		eng_cmd_status(&c, 9, &in[i]);
		TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d[i], 0),
				    "submit %d", i);
	}
	eng_cmd_status(&c, 9, &in[i]);
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, &c, eng_done_cb, &d[i], 0),
			  -EAGAIN, "ring full");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.eagain, 1, "");
	TEST_ASSERT_EQUAL(st.submitted, FULL_RING / 2, "nothing posted");
	TEST_ASSERT_EQUAL(d[i].count, 0, "");
	/* WAIT: polls until the delayed completions free a slot. */
	t0 = rte_get_timer_cycles();
	TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d[i],
					   RTE_AVQ_F_WAIT), "");
	t1 = rte_get_timer_cycles();
	TEST_ASSERT(t1 - t0 > rte_get_timer_hz() / 1000, "did not wait");
	for (i = 0; i <= FULL_RING / 2; i++) {
		TEST_ASSERT(eng_poll_until(f->e, &d[i].count, 1), "cmd %d", i);
		TEST_ASSERT_EQUAL(d[i].ack, AVQ_ACK_NOENT, "");
	}
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.eagain, 1, "WAIT is not refused");
	TEST_ASSERT_EQUAL(st.submitted, FULL_RING / 2 + 1, "");
	return TEST_SUCCESS;
}

static int
test_engine_ring_full(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = FULL_RING };

	return eng_run(NULL, &conf, ring_full_body);
}
REGISTER_AVQ_TEST(engine_ring_full_autotest, test_engine_ring_full);

/* ---- two queues ---- */

#define TWOQ_DEVS 32

static int
two_queues_body(struct eng_fx *f)
{
	static struct rte_avq_dev_trace_entry te[TWOQ_DEVS * 2];
	uint16_t aq_of[TWOQ_DEVS];
	bool used[2] = { false, false };
	struct rte_avq_cmd c;
	uint64_t id;
	uint8_t in;
	int i, n;

	TEST_ASSERT_EQUAL(rte_avq_engine_num_aqs(f->e), 2, "");
	for (i = 0; i < TWOQ_DEVS * 2; i++) {
		eng_cmd_status(&c, 100 + i % TWOQ_DEVS, &in);
		TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	}
	n = avq_fx_trace(&f->fx, 0, te, RTE_DIM(te));
	TEST_ASSERT_EQUAL(n, TWOQ_DEVS * 2, "");
	for (i = 0; i < n; i++) {
		id = te[i].device_id - 100;
		TEST_ASSERT(id < TWOQ_DEVS, "");
		TEST_ASSERT(te[i].aq < 2, "aq %u", te[i].aq);
		used[te[i].aq] = true;
		if (i < TWOQ_DEVS)
			aq_of[id] = te[i].aq;
		else
			TEST_ASSERT_EQUAL(aq_of[id], te[i].aq,
					  "device %" PRIu64 " changed queue", id);
	}
	TEST_ASSERT(used[0] && used[1], "both queues carry commands");
	return TEST_SUCCESS;
}

static int
test_engine_two_queues(void)
{
	struct rte_avq_engine_conf conf = { .num_aqs = 2 };
	struct rte_avq_dev_params p;

	eng_dev_params(&p, 3);
	return eng_run(&p, &conf, two_queues_body);
}
REGISTER_AVQ_TEST(engine_two_queues_autotest, test_engine_two_queues);

/* ---- reset with commands in flight ---- */

#define RESET_N 10

static int
reset_body(struct eng_fx *f)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .stall = true };
	struct rte_avq_engine_stats st;
	static struct eng_done d[RESET_N];	/* see batch_body */
	struct rte_avq_req *r = NULL;
	struct rte_avq_cmd c;
	static uint8_t in[RESET_N + 1];	/* see batch_body */
	uint8_t ack = 0;
	int i, status = 0;

	memset(d, 0, sizeof(d));
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	for (i = 0; i < RESET_N; i++) {
		eng_cmd_status(&c, 1 + i % 3, &in[i]);
		TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d[i], 0),
				    "");
	}
	eng_cmd_status(&c, 1, &in[RESET_N]);
	TEST_ASSERT_SUCCESS(rte_avq_submit_req(f->e, &c, 0, &r), "");
	rte_avq_engine_poll(f->e, 32);
	for (i = 0; i < RESET_N; i++)
		TEST_ASSERT_EQUAL(d[i].count, 0, "completed on a stalled device");

	TEST_ASSERT_SUCCESS(rte_avq_engine_reset(f->e), "");
	for (i = 0; i < RESET_N; i++) {
		TEST_ASSERT_EQUAL(d[i].count, 1, "callback %d ran in reset", i);
		TEST_ASSERT_EQUAL(d[i].status, -ECANCELED, "");
	}
	TEST_ASSERT(rte_avq_req_done(r), "");
	TEST_ASSERT_SUCCESS(rte_avq_req_result(r, &status, &ack, NULL), "");
	TEST_ASSERT_EQUAL(status, -ECANCELED, "");
	rte_avq_req_free(r);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.canceled, RESET_N + 1, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");

	/* The stalled device never saw the old rings again: resuming it
	 * completes nothing twice, and the engine works.
	 */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	for (i = 0; i < 3 * RESET_N; i++) {
		eng_cmd_status(&c, 1, &in[0]);
		TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, NULL), "");
		TEST_ASSERT_EQUAL(ack, AVQ_ACK_NOENT, "");
	}
	for (i = 0; i < RESET_N; i++)
		TEST_ASSERT_EQUAL(d[i].count, 1, "delivered twice");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.late, 0, "");
	return TEST_SUCCESS;
}

static int
test_engine_reset(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 32 };

	return eng_run(NULL, &conf, reset_body);
}
REGISTER_AVQ_TEST(engine_reset_autotest, test_engine_reset);

/* ---- timeouts and late answers ---- */

#define TMO_N 8

static int
timeout_body(struct eng_fx *f)
{
	/* A stalled device: nothing is answered until the stall ends, so
	 * every command expires (timeout 200 ms) however late this thread
	 * gets to poll. (With a delay fault instead, a poller descheduled
	 * past both the deadline and the delay harvests the answer first and
	 * delivers it: an answer there to be seen is not a timeout.)
	 */
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .stall = true };
	struct rte_avq_engine_stats st;
	static struct eng_done d[TMO_N];	/* see batch_body */
	struct rte_avq_cmd c;
	static uint8_t in[TMO_N];	/* see batch_body */
	uint8_t ack;
	uint64_t end;
	int i;

	memset(d, 0, sizeof(d));
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	for (i = 0; i < TMO_N; i++) {
		eng_cmd_status(&c, 3, &in[i]);
		TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d[i], 0),
				    "");
	}
	for (i = 0; i < TMO_N; i++) {
		TEST_ASSERT(eng_poll_until(f->e, &d[i].count, 1), "cmd %d", i);
		TEST_ASSERT_EQUAL(d[i].status, -ETIMEDOUT, "cmd %d", i);
	}
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.timed_out, TMO_N, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	/* The slots stay reserved until the late answers arrive: the ring
	 * (8 slots) is full although nothing is in flight any more.
	 */
	eng_cmd_status(&c, 3, &in[0]);
	TEST_ASSERT_EQUAL(rte_avq_submit(f->e, &c, NULL, NULL, 0), -EAGAIN,
			  "slot of a timed-out command reused");
	/* The stall ends: the device answers all eight, late. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();
	do {
		rte_avq_engine_poll(f->e, 32);
		rte_avq_engine_stats_get(f->e, &st);
	} while (st.late < TMO_N && rte_get_timer_cycles() < end);
	TEST_ASSERT_EQUAL(st.late, TMO_N, "late answers counted");
	for (i = 0; i < TMO_N; i++)
		TEST_ASSERT_EQUAL(d[i].count, 1, "a late answer was delivered");

	/* Slots are back: the engine works again (lost completions next). */
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, NULL), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_NOENT, "");

	/* Lost completions: every 2nd never comes back. Per-device order:
	 * the timed-out one is delivered before the later ones.
	 */
	memset(&flt, 0, sizeof(flt));
	flt.fail_class = -1;
	flt.fail_command = -1;
	flt.drop_every = 2;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	memset(d, 0, sizeof(d));
	for (i = 0; i < 4; i++) {
		eng_cmd_status(&c, 3, &in[i]);
		TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, eng_done_cb, &d[i],
						   RTE_AVQ_F_WAIT), "");
	}
	for (i = 0; i < 4; i++)
		TEST_ASSERT(eng_poll_until(f->e, &d[i].count, 1), "cmd %d", i);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.timed_out, TMO_N + 2, "two lost");
	return TEST_SUCCESS;
}

static int
test_engine_timeout(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 16,
					    .timeout_us = 200 * 1000 };

	/* 200 ms: long enough that a command the device answers never
	 * expires because a loaded host descheduled its thread (CI runs
	 * two tests at once on two cores).
	 */
	return eng_run(NULL, &conf, timeout_body);
}
REGISTER_AVQ_TEST(engine_timeout_autotest, test_engine_timeout);

/* ---- per-device order ---- */

#define ORD_DEVS 4

struct ord_state {
	uint32_t next[ORD_DEVS];	/* next sequence number expected */
	uint32_t errors;
	uint32_t delivered;
};

/* arg encodes device index (low 8 bits) and sequence number. */
struct ord_arg {
	struct ord_state *s;
	uint32_t dev;
	uint32_t seq;
};

static void
ord_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct ord_arg *a = arg;
	struct ord_state *s = a->s;
	uint32_t want;

	RTE_SET_USED(in_len);
	/* Relaxed: the engine orders deliveries of one device. */
	want = __atomic_load_n(&s->next[a->dev], __ATOMIC_RELAXED);
	if (a->seq != want || status != 0 || ack != AVQ_ACK_NOENT) {
		if (__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED) < 5)
			fprintf(stderr, "device %u: got seq %u, want %u (status %d ack %u)\n",
				a->dev, a->seq, want, status, ack);
	}
	__atomic_store_n(&s->next[a->dev], a->seq + 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->delivered, 1, __ATOMIC_RELEASE);
}

#define ORD_N 2000

static int
order_body(struct eng_fx *f)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .reorder = 8 };
	static struct ord_arg args[ORD_N];
	struct ord_state s;
	uint32_t seq[ORD_DEVS] = { 0 };
	struct rte_avq_cmd c;
	uint64_t prng = 42;
	uint8_t in[ORD_DEVS];
	uint64_t end;
	int i, dev;

	memset(&s, 0, sizeof(s));
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	for (i = 0; i < ORD_N; i++) {
		dev = (int)(avq_fx_prng(&prng) % ORD_DEVS);
		args[i].s = &s;
		args[i].dev = dev;
		args[i].seq = seq[dev]++;
		eng_cmd_status(&c, 500 + dev, &in[dev]);
		TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, ord_cb, &args[i],
						   RTE_AVQ_F_WAIT), "");
		if (i % 16 == 0)
			rte_avq_engine_poll(f->e, 32);
	}
	end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	while (__atomic_load_n(&s.delivered, __ATOMIC_ACQUIRE) < ORD_N &&
	       rte_get_timer_cycles() < end)
		rte_avq_engine_poll(f->e, 32);
	TEST_ASSERT_EQUAL(s.delivered, ORD_N, "");
	TEST_ASSERT_EQUAL(s.errors, 0, "per-device order violated");
	for (dev = 0; dev < ORD_DEVS; dev++)
		TEST_ASSERT_EQUAL(s.next[dev], seq[dev], "");
	return TEST_SUCCESS;
}

static int
test_engine_order(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 64 };

	return eng_run(NULL, &conf, order_body);
}
REGISTER_AVQ_TEST(engine_order_autotest, test_engine_order);

/* ---- two lcores, four devices: order under concurrency ---- */

#define MT_N 100000

struct mt_ctx {
	struct rte_avq_engine *e;
	struct ord_state s;
	struct ord_arg *args;	/* 2 * MT_N */
	uint32_t done_submitting;
	int ret[2];
};

/* Lcore @p w submits MT_N commands for devices 2w and 2w + 1 (so the
 * per-device order is its program order) and polls all along.
 */
static int
mt_worker(struct mt_ctx *m, unsigned int w)
{
	uint32_t seq[2] = { 0, 0 };
	struct rte_avq_cmd c;
	struct ord_arg *a;
	uint8_t in[2];
	unsigned int i, k;
	uint64_t end;
	int ret;

	for (i = 0; i < MT_N; i++) {
		k = (i * 7 + i / 3) % 2;
		a = &m->args[w * MT_N + i];
		a->s = &m->s;
		a->dev = 2 * w + k;
		a->seq = seq[k]++;
		eng_cmd_status(&c, 900 + a->dev, &in[k]);
		ret = rte_avq_submit(m->e, &c, ord_cb, a, RTE_AVQ_F_WAIT);
		if (ret != 0)
			return ret;
		if (i % 8 == 0)
			rte_avq_engine_poll(m->e, 32);
	}
	__atomic_fetch_add(&m->done_submitting, 1, __ATOMIC_RELEASE);
	end = rte_get_timer_cycles() + 30 * rte_get_timer_hz();
	while (__atomic_load_n(&m->s.delivered, __ATOMIC_ACQUIRE) < 2 * MT_N &&
	       __atomic_load_n(&m->s.errors, __ATOMIC_RELAXED) == 0 &&
	       rte_get_timer_cycles() < end)
		if (rte_avq_engine_poll(m->e, 32) == 0)
			rte_pause();
	return 0;
}

static int
mt_lcore(void *arg)
{
	struct mt_ctx *m = arg;

	m->ret[1] = mt_worker(m, 1);
	return 0;
}

static int
mt_order_body(struct eng_fx *f)
{
	struct rte_avq_engine_stats st;
	struct mt_ctx *m;
	unsigned int lc;
	uint64_t t0, t1;
	int dev, ret = TEST_SUCCESS;

	lc = rte_get_next_lcore(-1, 1, 0);
	if (lc >= RTE_MAX_LCORE) {
		printf("needs two lcores (-l 0-1): skipped\n");
		return TEST_SKIPPED;
	}
	m = calloc(1, sizeof(*m));
	TEST_ASSERT_NOT_NULL(m, "");
	m->args = calloc(2 * MT_N, sizeof(*m->args));
	if (m->args == NULL) {
		free(m);
		return TEST_FAILED;
	}
	m->e = f->e;
	t0 = rte_get_timer_cycles();
	if (rte_eal_remote_launch(mt_lcore, m, lc) != 0) {
		ret = TEST_FAILED;
		goto out;
	}
	m->ret[0] = mt_worker(m, 0);
	rte_eal_wait_lcore(lc);
	t1 = rte_get_timer_cycles();
	if (m->ret[0] != 0 || m->ret[1] != 0 || m->s.errors != 0 ||
	    m->s.delivered != 2 * MT_N) {
		fprintf(stderr, "ret %d/%d errors %u delivered %u\n", m->ret[0],
			m->ret[1], m->s.errors, m->s.delivered);
		ret = TEST_FAILED;
		goto out;
	}
	for (dev = 0; dev < ORD_DEVS; dev++)
		if (m->s.next[dev] == 0)
			ret = TEST_FAILED;
	rte_avq_engine_stats_get(f->e, &st);
	if (st.completed != 2 * MT_N || st.inflight != 0)
		ret = TEST_FAILED;
	printf("%u commands on 2 lcores in %.1f ms, kicks %" PRIu64 "\n",
	       2 * MT_N, (double)(t1 - t0) * 1000 / rte_get_timer_hz(),
	       st.kicks);
out:
	free(m->args);
	free(m);
	return ret;
}

static int
test_engine_mt_order(void)
{
	struct rte_avq_engine_conf conf = { .num_aqs = 2, .ring_size = 64 };
	struct rte_avq_dev_params p;

	eng_dev_params(&p, 2);
	return eng_run(&p, &conf, mt_order_body);
}
REGISTER_AVQ_TEST(engine_mt_order_autotest, test_engine_mt_order);

/* The typed helpers of rte_avq_cmd.h through an engine view: gathered
 * out-data (CONFIG_SET), scattered in-data (MMU_RESV_GET), errors mapped
 * from acks, and what a view refuses.
 */
static int
aq_view_body(struct eng_fx *f)
{
	struct rte_avq_net_params np = {
		.mac = { 0x02, 0, 0, 0, 0, 0x21 },
		.link_up = true,
	};
	const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x22 };
	struct avq_mmu_resv resv[4];
	struct rte_avq_raw_desc d;
	struct rte_avq_aq *v;
	uint8_t got[6], st;
	uint32_t used, gen;
	uint64_t caps, id;
	int ret = TEST_FAILED, n;

	v = rte_avq_aq_engine(f->e);
	TEST_ASSERT_NOT_NULL(v, "view");
	if (rte_avq_cap_get(v, &caps) != 0 ||
	    !(caps & (1ull << AVQ_CAP_F_VDEV))) {
		printf("cap_get through the view\n");
		goto out;
	}
	if (rte_avq_vdev_create_net(v, &np, &id) != 0 || id == 0) {
		printf("vdev_create_net through the view\n");
		goto out;
	}
	if (rte_avq_config_set(v, id, 0, mac2, sizeof(mac2)) != 0 ||
	    rte_avq_config_read(v, id, 0, got, sizeof(got), &gen) != 0 ||
	    memcmp(got, mac2, sizeof(got)) != 0) {
		printf("config set/read through the view\n");
		goto out;
	}
	n = rte_avq_mmu_resv_get(v, id, resv, RTE_DIM(resv));
	if (n < 1 || avq_le64(resv[0].start) != 0xfee00000ull) {
		printf("mmu_resv_get through the view: %d\n", n);
		goto out;
	}
	/* An ack maps to its errno as on a plain queue. */
	if (rte_avq_status_get(v, id + 1000, &st) != -ENOENT) {
		printf("unknown id through the view\n");
		goto out;
	}
	memset(&d, 0, sizeof(d));
	if (rte_avq_aq_exec_raw(v, &d, 1, 0, &used, 0) != -ENOTSUP ||
	    rte_avq_aq_scratch(v, NULL) != NULL ||
	    rte_avq_aq_reset(v) != -ENOTSUP) {
		printf("raw access on a view must be refused\n");
		goto out;
	}
	if (rte_avq_vdev_destroy(v, id, true) != 0) {
		printf("vdev_destroy through the view\n");
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	rte_avq_aq_free(v);
	return ret;
}

static int
test_engine_aq_view(void)
{
	return eng_run(NULL, NULL, aq_view_body);
}
REGISTER_AVQ_TEST(engine_aq_view_autotest, test_engine_aq_view);
