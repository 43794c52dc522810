/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Tests of the engine's sync queue (rte_avq_engine_conf.sync_queue): the
 * admin queue of 2 entries that rte_avq_exec() uses when it is free and
 * the device has nothing in flight on its ring queue. What they check:
 * results and counters as through a ring queue; commands longer than a
 * cache line; per-device order both ways (an exec behind commands in
 * flight takes the ring queue; a command submitted while an exec of its
 * device is posted on the sync queue reaches the device after it); the
 * timeout and the reset; and, with two threads on one device, that the
 * device's execution order never contradicts the order the threads saw.
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
#include <rte_avq_cmd.h>

#include "avq_test.h"
#include "avq_fixture.h"

/* Admin queue indexes: one ring queue, then the sync queue. */
#define SQ_RING_AQ	0
#define SQ_SYNC_AQ	1

struct sq_fx {
	struct avq_fx fx;
	struct rte_avq_engine *e;
	uint64_t id[2];		/* managed devices */
};

/* Device with two admin queues and two managed devices, the engine on
 * queue 0 with its sync queue on queue 1. */
static int
sq_setup(struct sq_fx *f, uint64_t timeout_us)
{
	struct rte_avq_engine_conf conf;
	struct rte_avq_dev_params p;

	memset(f, 0, sizeof(*f));
	avq_fx_params(&p);
	p.num_aqs = 2;
	if (avq_fx_setup(&f->fx, &p) < 0)
		return -1;
	if (avq_fx_create_net(&f->fx, &f->id[0]) < 0 ||
	    avq_fx_create_net(&f->fx, &f->id[1]) < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	conf.timeout_us = timeout_us;
	conf.sync_queue = 1;
	f->e = avq_fx_engine(&f->fx, &conf);
	return f->e != NULL ? 0 : -1;
}

static void
sq_teardown(struct sq_fx *f)
{
	if (f->fx.dev != NULL)
		rte_avq_dev_fault_set(f->fx.dev, NULL);
	rte_avq_engine_destroy(f->e);
	f->e = NULL;
	avq_fx_teardown(&f->fx);
}

typedef int (*sq_body_fn)(struct sq_fx *f);

static int
sq_run(uint64_t timeout_us, sq_body_fn body)
{
	struct sq_fx f;
	int ret = TEST_FAILED;

	if (sq_setup(&f, timeout_us) == 0)
		ret = body(&f);
	sq_teardown(&f);
	return ret;
}

static void
sq_cmd(struct rte_avq_cmd *c, uint64_t id, uint16_t cls, uint16_t cmd,
       void *in, uint32_t in_len)
{
	memset(c, 0, sizeof(*c));
	c->device_id = id;
	c->class_id = cls;
	c->command = cmd;
	c->in = in;
	c->in_len = in_len;
}

/* The last trace entry (the command the device executed last). */
static int
sq_trace_last(struct sq_fx *f, struct rte_avq_dev_trace_entry *te)
{
	uint64_t seq = avq_fx_trace_last(&f->fx);

	if (seq == 0 || avq_fx_trace(&f->fx, seq - 1, te, 1) != 1)
		return -1;
	return 0;
}

/* Until the device has executed a command traced after @p seq. */
static bool
sq_wait_traced(struct sq_fx *f, uint64_t seq)
{
	uint64_t end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();

	while (avq_fx_trace_last(&f->fx) <= seq) {
		if (rte_get_timer_cycles() > end)
			return false;
		usleep(100);
	}
	return true;
}

struct sq_done {
	uint32_t count;
	int status;
	uint8_t ack;
	uint32_t in_len;
};

static void
sq_done_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct sq_done *d = arg;

	d->status = status;
	d->ack = ack;
	d->in_len = in_len;
	/* Pairs with the acquire loads of the test's waits. */
	__atomic_fetch_add(&d->count, 1, __ATOMIC_RELEASE);
}

static bool
sq_poll_until(struct rte_avq_engine *e, const uint32_t *flag, uint32_t want)
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

/* Until the engine counted @p n submissions (an exec on the sync queue
 * counts once its command is posted). */
static bool
sq_wait_submitted(struct rte_avq_engine *e, uint64_t n)
{
	uint64_t end = rte_get_timer_cycles() + 2 * rte_get_timer_hz();
	struct rte_avq_engine_stats st;

	do {
		if (rte_avq_engine_stats_get(e, &st) == 0 && st.submitted >= n)
			return true;
		rte_pause();
	} while (rte_get_timer_cycles() < end);
	return false;
}

/* ---- results, counters, long commands, threads, the view ---- */

struct sq_exec_arg {
	struct rte_avq_engine *e;
	struct rte_avq_cmd c;
	int ret;
	uint8_t ack;
	uint32_t in_len;
	unsigned int n;
	uint32_t done;
};

static void *
sq_exec_thread(void *varg)
{
	struct sq_exec_arg *a = varg;
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		a->ack = 0xee;
		a->ret = rte_avq_exec(a->e, &a->c, &a->ack, &a->in_len);
		if (a->ret != 0)
			break;
	}
	/* Pairs with the acquire loads of the waits. */
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
exec_body(struct sq_fx *f)
{
	static uint8_t big[4096];
	struct rte_avq_dev_trace_entry te;
	struct rte_avq_engine_stats st;
	struct sq_exec_arg a;
	struct avq_config_get g = { .offset = 0, .size = avq_to_le32(24) };
	struct rte_avq_aq *view;
	struct rte_avq_cmd c;
	uint8_t cfg[24], ack = 0xee, status = 0xee, in = 0;
	rte_le64_t caps = 0;
	uint32_t in_len = 0;
	pthread_t th;

	TEST_ASSERT_EQUAL(rte_avq_engine_num_aqs(f->e), 1,
			  "the last offered queue is the sync queue");
	sq_cmd(&c, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP, AVQ_CAP_GET, &caps,
	       sizeof(caps));
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(in_len, 8, "");
	TEST_ASSERT(avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_VDEV), "in-data copied");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, &te), "");
	TEST_ASSERT_EQUAL(te.aq, SQ_SYNC_AQ, "an idle engine execs on the sync queue");

	sq_cmd(&c, 77, AVQ_CLASS_STATUS, AVQ_STATUS_GET, &in, 1);
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_NOENT, "");
	TEST_ASSERT_EQUAL(in_len, 0, "a failed command returns no in-data");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.submitted, 2, "");
	TEST_ASSERT_EQUAL(st.completed, 2, "");
	TEST_ASSERT_EQUAL(st.failed, 1, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	TEST_ASSERT(st.lat_ns_sum > 0 && st.lat_ns_max > 0, "latency counted");

	/* Out-data over many lines: the device reads all of it (and finds
	 * it too long for STATUS_SET). */
	memset(big, 0x5a, sizeof(big));
	sq_cmd(&c, f->id[0], AVQ_CLASS_STATUS, AVQ_STATUS_SET, NULL, 0);
	c.out = big;
	c.out_len = sizeof(big);
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_INVAL, "");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, &te), "");
	TEST_ASSERT_EQUAL(te.out_len, sizeof(big), "the device saw all of it");
	TEST_ASSERT_EQUAL(te.aq, SQ_SYNC_AQ, "");
	/* Lengths change back and forth: the descriptors follow. */
	sq_cmd(&c, f->id[0], AVQ_CLASS_CONFIG, AVQ_CONFIG_GET, cfg, sizeof(cfg));
	c.out = &g;
	c.out_len = sizeof(g);
	memset(cfg, 0, sizeof(cfg));
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(in_len, sizeof(cfg), "");
	TEST_ASSERT_EQUAL(cfg[0], 0x02, "MAC of the created device");
	/* A buffer larger than what the device writes. */
	sq_cmd(&c, f->id[0], AVQ_CLASS_STATUS, AVQ_STATUS_GET, big, sizeof(big));
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, &ack, &in_len), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(in_len, 1, "");

	/* From a thread without an lcore id. */
	memset(&a, 0, sizeof(a));
	a.e = f->e;
	a.n = 200;
	sq_cmd(&a.c, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP, AVQ_CAP_GET, &caps,
	       sizeof(caps));
	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, sq_exec_thread, &a), "");
	pthread_join(th, NULL);
	TEST_ASSERT_EQUAL(a.ret, 0, "exec from a non-EAL thread");
	TEST_ASSERT_EQUAL(a.ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(a.in_len, 8, "");

	/* The typed helpers through a view. */
	view = rte_avq_aq_engine(f->e);
	TEST_ASSERT_NOT_NULL(view, "");
	status = 0xee;
	TEST_ASSERT_SUCCESS(rte_avq_status_get(view, f->id[1], &status), "");
	TEST_ASSERT_EQUAL(status, 0, "");
	rte_avq_aq_free(view);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.submitted, st.completed, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	return TEST_SUCCESS;
}

static int
test_engine_sync_exec(void)
{
	struct rte_avq_engine_conf conf;
	struct rte_avq_engine *e;
	struct avq_fx fx;
	int ret;

	/* No queue left for it: refused, like too many queues. */
	if (avq_fx_setup(&fx, NULL) < 0)
		return TEST_FAILED;
	rte_avq_aq_free(fx.aq);
	fx.aq = NULL;
	memset(&conf, 0, sizeof(conf));
	conf.transport = &fx.t;
	conf.socket = SOCKET_ID_ANY;
	conf.sync_queue = 1;
	e = rte_avq_engine_create(&conf);
	ret = e == NULL && rte_errno == ERANGE ? TEST_SUCCESS : TEST_FAILED;
	conf.num_aqs = 1;
	if (ret == TEST_SUCCESS) {
		e = rte_avq_engine_create(&conf);
		ret = e == NULL && rte_errno == ERANGE ? TEST_SUCCESS :
			TEST_FAILED;
	}
	rte_avq_engine_destroy(e);
	avq_fx_teardown(&fx);
	if (ret != TEST_SUCCESS) {
		fprintf(stderr, "sync queue without a queue for it accepted\n");
		return ret;
	}
	return sq_run(0, exec_body);
}
REGISTER_AVQ_TEST(engine_sync_exec_autotest, test_engine_sync_exec);

/* ---- order: behind commands in flight, and ahead of later ones ---- */

static int
order_body(struct sq_fx *f)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1 };
	static struct sq_done dn, dm, d1;
	struct rte_avq_dev_trace_entry te[8];
	struct rte_avq_cmd c;
	static uint8_t in1, in2, in3;
	struct sq_exec_arg a;
	uint64_t seq0, feat = 0;
	pthread_t th;
	int n;

	memset(&dn, 0, sizeof(dn));
	memset(&dm, 0, sizeof(dm));
	memset(&d1, 0, sizeof(d1));

	/* 1. An exec behind a command of its device in flight (the device
	 * holds completions 20 ms) goes behind it, on the ring queue, and
	 * returns after its callback ran. */
	flt.delay_us = 20000;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	seq0 = avq_fx_trace_last(&f->fx);
	sq_cmd(&c, f->id[0], AVQ_CLASS_STATUS, AVQ_STATUS_GET, &in1, 1);
	TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, sq_done_cb, &d1, 0), "");
	sq_cmd(&c, f->id[0], AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, &feat,
	       sizeof(feat));
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	TEST_ASSERT_EQUAL(__atomic_load_n(&d1.count, __ATOMIC_ACQUIRE), 1,
			  "the earlier command was delivered first");
	n = avq_fx_trace(&f->fx, seq0, te, RTE_DIM(te));
	TEST_ASSERT_EQUAL(n, 2, "");
	TEST_ASSERT_EQUAL(te[0].command, AVQ_STATUS_GET, "");
	TEST_ASSERT_EQUAL(te[1].command, AVQ_FEAT_DEVICE_GET, "");
	TEST_ASSERT_EQUAL(te[1].aq, SQ_RING_AQ, "behind it, on the ring queue");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	/* With nothing in flight: the sync queue again. */
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, te), "");
	TEST_ASSERT_EQUAL(te[0].aq, SQ_SYNC_AQ, "");

	/* 2. A command submitted while an exec of its device is posted on
	 * the sync queue reaches the device after that exec, although the
	 * device serves the ring queue first in each pass: it is held back
	 * until the device answered the exec. A command of another device
	 * behind it on the ring queue waits with it. */
	flt.delay_us = 0;
	flt.stall = true;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	seq0 = avq_fx_trace_last(&f->fx);
	memset(&a, 0, sizeof(a));
	a.e = f->e;
	a.n = 1;
	sq_cmd(&a.c, f->id[0], AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, &feat,
	       sizeof(feat));
	{
		struct rte_avq_engine_stats st;

		TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
		TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, sq_exec_thread,
						   &a), "");
		TEST_ASSERT(sq_wait_submitted(f->e, st.submitted + 1),
			    "the exec never posted");
	}
	sq_cmd(&c, f->id[0], AVQ_CLASS_STATUS, AVQ_STATUS_GET, &in2, 1);
	TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, sq_done_cb, &dn, 0), "");
	sq_cmd(&c, f->id[1], AVQ_CLASS_STATUS, AVQ_STATUS_GET, &in3, 1);
	TEST_ASSERT_SUCCESS(rte_avq_submit(f->e, &c, sq_done_cb, &dm, 0), "");
	rte_avq_engine_poll(f->e, 32);
	usleep(10 * 1000);
	rte_avq_engine_poll(f->e, 32);
	TEST_ASSERT_EQUAL(__atomic_load_n(&dn.count, __ATOMIC_ACQUIRE), 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	pthread_join(th, NULL);
	TEST_ASSERT_EQUAL(a.ret, 0, "");
	TEST_ASSERT(sq_poll_until(f->e, &dn.count, 1), "held command never ran");
	TEST_ASSERT(sq_poll_until(f->e, &dm.count, 1), "the one behind it never ran");
	TEST_ASSERT_EQUAL(dn.status, 0, "");
	TEST_ASSERT_EQUAL(dn.ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(dm.ack, AVQ_ACK_OK, "");
	n = avq_fx_trace(&f->fx, seq0, te, RTE_DIM(te));
	TEST_ASSERT_EQUAL(n, 3, "");
	TEST_ASSERT_EQUAL(te[0].command, AVQ_FEAT_DEVICE_GET, "the exec first");
	TEST_ASSERT_EQUAL(te[0].aq, SQ_SYNC_AQ, "");
	TEST_ASSERT_EQUAL(te[1].command, AVQ_STATUS_GET, "");
	TEST_ASSERT_EQUAL(te[1].device_id, f->id[0], "");
	TEST_ASSERT_EQUAL(te[2].device_id, f->id[1], "");
	/* Nothing left behind. */
	{
		struct rte_avq_engine_stats st;

		TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
		TEST_ASSERT_EQUAL(st.inflight, 0, "");
	}
	return TEST_SUCCESS;
}

static int
test_engine_sync_order(void)
{
	return sq_run(0, order_body);
}
REGISTER_AVQ_TEST(engine_sync_order_autotest, test_engine_sync_order);

/* ---- timeout, reset, reset with an exec in flight ---- */

struct sq_unstall_arg {
	struct rte_avq_dev *dev;
	unsigned int after_ms;
};

static void *
sq_unstall_thread(void *varg)
{
	struct sq_unstall_arg *u = varg;

	usleep(u->after_ms * 1000);
	rte_avq_dev_fault_set(u->dev, NULL);
	return NULL;
}

static int
reset_body(struct sq_fx *f)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .stall = true };
	struct sq_unstall_arg u = { .dev = f->fx.dev, .after_ms = 30 };
	struct rte_avq_dev_trace_entry te;
	struct rte_avq_engine_stats st;
	struct rte_avq_cmd c;
	struct sq_exec_arg a;
	rte_le64_t caps = 0;
	pthread_t th, tu;
	uint64_t seq0;

	sq_cmd(&c, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP, AVQ_CAP_GET, &caps,
	       sizeof(caps));
	/* No answer within the timeout (300 ms): -ETIMEDOUT, and the sync
	 * queue is out of use (its buffers may still be written) ... */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	seq0 = avq_fx_trace_last(&f->fx);
	TEST_ASSERT_EQUAL(rte_avq_exec(f->e, &c, NULL, NULL), -ETIMEDOUT, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.timed_out, 1, "");
	/* Unstalled, the device runs the timed-out command late. Wait for
	 * it: posted before it ran, the next exec could run first and the
	 * late one would be the last trace entry. */
	TEST_ASSERT(sq_wait_traced(f, seq0), "the timed-out command never ran");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, &te), "");
	TEST_ASSERT_EQUAL(te.aq, SQ_SYNC_AQ, "the late one, on the sync queue");
	/* ... so execs take the ring queue ... */
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, &te), "");
	TEST_ASSERT_EQUAL(te.aq, SQ_RING_AQ, "");
	/* ... until a reset gives it back. */
	TEST_ASSERT_SUCCESS(rte_avq_engine_reset(f->e), "");
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, &te), "");
	TEST_ASSERT_EQUAL(te.aq, SQ_SYNC_AQ, "");

	/* A reset waits for an exec posted on the sync queue (its device
	 * answers it 30 ms later), which completes normally. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	memset(&a, 0, sizeof(a));
	a.e = f->e;
	a.n = 1;
	a.c = c;
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_SUCCESS(pthread_create(&th, NULL, sq_exec_thread, &a), "");
	TEST_ASSERT(sq_wait_submitted(f->e, st.submitted + 1), "");
	TEST_ASSERT_SUCCESS(pthread_create(&tu, NULL, sq_unstall_thread, &u), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_reset(f->e), "");
	TEST_ASSERT_EQUAL(__atomic_load_n(&a.done, __ATOMIC_ACQUIRE), 1,
			  "the reset returned before the exec in flight");
	pthread_join(th, NULL);
	pthread_join(tu, NULL);
	TEST_ASSERT_EQUAL(a.ret, 0, "answered, not canceled");
	TEST_ASSERT_EQUAL(a.ack, AVQ_ACK_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_exec(f->e, &c, NULL, NULL), "");
	TEST_ASSERT_SUCCESS(sq_trace_last(f, &te), "");
	TEST_ASSERT_EQUAL(te.aq, SQ_SYNC_AQ, "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	return TEST_SUCCESS;
}

static int
test_engine_sync_reset(void)
{
	/* The exec that the reset waits for is answered 30 ms after it is
	 * posted: a 300 ms timeout leaves a descheduled unstall thread room
	 * on a loaded host. */
	return sq_run(300 * 1000, reset_body);
}
REGISTER_AVQ_TEST(engine_sync_reset_autotest, test_engine_sync_reset);

/* ---- two threads, one device: execution order vs what they saw ---- */

#define SQ_MT_ROUNDS	4
#define SQ_MT_N		200	/* per thread and round: 400 < trace length */

struct sq_mt {
	struct rte_avq_engine *e;
	uint64_t dev;
	/* Published by each side after its call returned (release). */
	uint32_t a_done;	/* execs of the main lcore returned */
	uint32_t b_done;	/* submissions of the worker returned */
	uint32_t b_delivered;
	/* What each side had seen returned on the other side when it
	 * started a command: the device must have executed those first. */
	uint32_t a_saw[SQ_MT_N + 1];
	uint32_t b_saw[SQ_MT_N + 1];
	uint8_t in[SQ_MT_N + 1];
	int err;
};

static void
sq_mt_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct sq_mt *m = arg;

	if (status != 0 || ack != AVQ_ACK_OK || in_len != 1)
		m->err = -EIO;
	__atomic_fetch_add(&m->b_delivered, 1, __ATOMIC_RELEASE);
}

/* Worker lcore: asynchronous STATUS_GETs of the device, one at a time
 * in submission, polling now and then. */
static int
sq_mt_worker(void *arg)
{
	struct sq_mt *m = arg;
	struct rte_avq_cmd c;
	uint32_t j;
	int ret;

	for (j = 1; j <= SQ_MT_N; j++) {
		/* Acquire: pairs with the main lcore's release of a_done. */
		m->b_saw[j] = __atomic_load_n(&m->a_done, __ATOMIC_ACQUIRE);
		sq_cmd(&c, m->dev, AVQ_CLASS_STATUS, AVQ_STATUS_GET, &m->in[j], 1);
		ret = rte_avq_submit(m->e, &c, sq_mt_cb, m, RTE_AVQ_F_WAIT);
		if (ret != 0) {
			m->err = ret;
			break;
		}
		__atomic_store_n(&m->b_done, j, __ATOMIC_RELEASE);
		if ((j & 3) == 0)
			rte_avq_engine_poll(m->e, 8);
	}
	while (__atomic_load_n(&m->b_delivered, __ATOMIC_ACQUIRE) < j - 1)
		if (rte_avq_engine_poll(m->e, 32) == 0)
			rte_pause();
	return 0;
}

static int
mt_round(struct sq_fx *f, struct sq_mt *m)
{
	static struct rte_avq_dev_trace_entry te[2 * SQ_MT_N + 8];
	uint32_t i, k, na = 0, nb = 0, pos_a[SQ_MT_N + 1], pos_b[SQ_MT_N + 1];
	struct rte_avq_cmd c;
	uint64_t seq0, feat;
	unsigned int wl = rte_get_next_lcore(-1, 1, 0);
	int n, ret;

	m->a_done = 0;
	m->b_done = 0;
	m->b_delivered = 0;
	seq0 = avq_fx_trace_last(&f->fx);
	TEST_ASSERT_SUCCESS(rte_eal_remote_launch(sq_mt_worker, m, wl), "");
	for (i = 1; i <= SQ_MT_N; i++) {
		/* Acquire: pairs with the worker's release of b_done. */
		m->a_saw[i] = __atomic_load_n(&m->b_done, __ATOMIC_ACQUIRE);
		sq_cmd(&c, m->dev, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, &feat,
		       sizeof(feat));
		ret = rte_avq_exec(m->e, &c, NULL, NULL);
		if (ret != 0) {
			m->err = ret;
			break;
		}
		__atomic_store_n(&m->a_done, i, __ATOMIC_RELEASE);
	}
	rte_eal_wait_lcore(wl);
	TEST_ASSERT_SUCCESS(m->err, "");
	n = avq_fx_trace(&f->fx, seq0, te, RTE_DIM(te));
	TEST_ASSERT_EQUAL(n, 2 * SQ_MT_N, "");
	/* The k-th exec and the k-th submission in the device's order
	 * (each side's own order is kept: one at a time, one ring). */
	for (k = 0; k < (uint32_t)n; k++) {
		if (te[k].command == AVQ_FEAT_DEVICE_GET)
			pos_a[++na] = k;
		else
			pos_b[++nb] = k;
	}
	TEST_ASSERT_EQUAL(na, SQ_MT_N, "");
	TEST_ASSERT_EQUAL(nb, SQ_MT_N, "");
	for (i = 1; i <= SQ_MT_N; i++) {
		/* Submissions that had returned before exec i started ran
		 * before it. */
		if (m->a_saw[i] > 0)
			TEST_ASSERT(pos_b[m->a_saw[i]] < pos_a[i],
				    "exec %u ran before submission %u it followed",
				    i, m->a_saw[i]);
		/* Execs that had returned before submission i started ran
		 * before it. */
		if (m->b_saw[i] > 0)
			TEST_ASSERT(pos_a[m->b_saw[i]] < pos_b[i],
				    "submission %u ran before exec %u it followed",
				    i, m->b_saw[i]);
	}
	return TEST_SUCCESS;
}

static int
mt_body(struct sq_fx *f)
{
	static struct sq_mt m;
	struct rte_avq_engine_stats st;
	unsigned int r;

	if (rte_get_next_lcore(-1, 1, 0) >= RTE_MAX_LCORE) {
		printf("needs two lcores (-l 0-1): skipped\n");
		return TEST_SKIPPED;
	}
	memset(&m, 0, sizeof(m));
	m.e = f->e;
	m.dev = f->id[0];
	for (r = 0; r < SQ_MT_ROUNDS; r++)
		TEST_ASSERT_SUCCESS(mt_round(f, &m), "round %u", r);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	TEST_ASSERT_EQUAL(st.submitted, st.completed, "");
	return TEST_SUCCESS;
}

static int
test_engine_sync_mt(void)
{
	return sq_run(0, mt_body);
}
REGISTER_AVQ_TEST(engine_sync_mt_autotest, test_engine_sync_mt);
