/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Fault injection of the device model (rte_avq_dev_fault_set()): delayed,
 * reordered, dropped and failed completions, a stalled device, and what
 * happens to held completions when faults are cleared, the queue is
 * disabled or the device is destroyed.
 *
 * The minimal admin path runs one command at a time, so the tests that need
 * several chains in flight drive admin queue 1 themselves with a small
 * local poster (struct lp): descriptors, avail and used rings in fixture
 * DMA memory, programmed with rte_avq_dev_aq_setup()/enable(), kicked with
 * rte_avq_dev_aq_kick(). Admin queue 0 (the fixture's) carries single
 * commands.
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_fixture.h"
#include "avq_test.h"

#define LP_AQ		1	/* the admin queue the local poster drives */
#define LP_SIZE		64	/* ring entries: 32 chains of 2 descriptors */
#define LP_SLOTS	(LP_SIZE / 2)
#define LP_BUF		64	/* bytes per out and per in buffer */
#define LP_USED_OFF	4096
#define LP_BUF_OFF	8192
#define LP_MEM		(LP_BUF_OFF + 2 * LP_SLOTS * LP_BUF)
#define CAP_USED_LEN	9	/* CAP_GET: ack + le64 */

#define NS_PER_MS	1000000ull


/* ---- Local poster on admin queue 1 ---- */

struct lp {
	struct avq_fx fx;
	bool enabled;
	uint8_t *mem;
	uint64_t dma;
	struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint16_t avail_idx;	/* driver's next avail index */
	uint16_t used_seen;	/* used entries consumed by lp_wait() */
	uint16_t next_slot;
};

static uint16_t *
lp_avail_idx_p(struct lp *l)
{
	return RTE_PTR_ADD(l->avail, 2);
}

static uint16_t *
lp_used_idx_p(struct lp *l)
{
	return RTE_PTR_ADD(l->used, 2);
}

/* Program and enable AQ 1 over fresh ring memory; used ring poisoned so a
 * stray device write is visible. */
static int
lp_enable(struct lp *l)
{
	struct rte_avq_dev *d = l->fx.dev;

	memset(l->mem, 0, LP_MEM);
	memset(l->used, 0xa5, AVQ_USED_AREA_SIZE(LP_SIZE));
	l->used->flags = 0;
	l->used->idx = 0;
	l->avail_idx = 0;
	l->used_seen = 0;
	l->next_slot = 0;
	TEST_ASSERT_SUCCESS(rte_avq_dev_aq_setup(d, LP_AQ, LP_SIZE, l->dma,
						 l->dma + 16 * LP_SIZE,
						 l->dma + LP_USED_OFF), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_aq_enable(d, LP_AQ, true), "");
	l->enabled = true;
	return TEST_SUCCESS;
}

static int
lp_disable(struct lp *l)
{
	if (!l->enabled)
		return 0;
	l->enabled = false;
	return rte_avq_dev_aq_enable(l->fx.dev, LP_AQ, false);
}

/*
 * Device with two admin queues; the poster's memory is mapped, AQ 1 is
 * enabled.
 */
static int
lp_setup(struct lp *l, const struct rte_avq_dev_params *in)
{
	struct rte_avq_dev_params p;

	if (in != NULL)
		p = *in;
	else
		avq_fx_params(&p);
	p.num_aqs = 2;
	memset(l, 0, sizeof(*l));
	if (avq_fx_setup(&l->fx, &p) < 0)
		return TEST_FAILED;
	l->mem = avq_fx_dma_alloc(&l->fx, LP_MEM, &l->dma);
	TEST_ASSERT_NOT_NULL(l->mem, "DMA memory");
	l->desc = (struct avq_desc *)l->mem;
	l->avail = (struct avq_avail *)(l->mem + 16 * LP_SIZE);
	l->used = (struct avq_used *)(l->mem + LP_USED_OFF);
	return lp_enable(l);
}

/* Disable AQ 1 before the fixture unmaps its memory, then tear down. */
static void
lp_teardown(struct lp *l)
{
	if (l->fx.dev != NULL)
		lp_disable(l);
	avq_fx_teardown(&l->fx);
}

typedef int (*lp_body_fn)(struct lp *l);

static int
lp_run(const struct rte_avq_dev_params *p, lp_body_fn body)
{
	struct lp l;
	int ret;

	ret = lp_setup(&l, p);
	if (ret == TEST_SUCCESS)
		ret = body(&l);
	lp_teardown(&l);
	return ret;
}

/*
 * Post @p n CAP_GET chains with one avail->idx store, so the device sees
 * them together; @p heads receives their head descriptors.
 */
static int
lp_post(struct lp *l, unsigned int n, uint16_t *heads)
{
	struct avq_cmd_hdr h = {
		.device_id = avq_to_le64(0),
		.class_id = avq_to_le16(AVQ_CLASS_CAP),
		.command = avq_to_le16(AVQ_CAP_GET),
	};
	unsigned int i;
	uint16_t slot, head;
	uint64_t out, in;

	TEST_ASSERT(n <= LP_SLOTS, "");
	for (i = 0; i < n; i++) {
		slot = l->next_slot;
		l->next_slot = (l->next_slot + 1) % LP_SLOTS;
		head = 2 * slot;
		out = l->dma + LP_BUF_OFF + 2 * slot * LP_BUF;
		in = out + LP_BUF;
		memcpy(l->mem + (out - l->dma), &h, sizeof(h));
		memset(l->mem + (in - l->dma), 0xee, LP_BUF);
		l->desc[head].addr = avq_to_le64(out);
		l->desc[head].len = avq_to_le32(sizeof(h));
		l->desc[head].flags = avq_to_le16(AVQ_DESC_F_NEXT);
		l->desc[head].next = avq_to_le16(head + 1);
		l->desc[head + 1].addr = avq_to_le64(in);
		l->desc[head + 1].len = avq_to_le32(1 + 8);
		l->desc[head + 1].flags = avq_to_le16(AVQ_DESC_F_WRITE);
		l->desc[head + 1].next = 0;
		l->avail->ring[(l->avail_idx + i) % LP_SIZE] = avq_to_le16(head);
		heads[i] = head;
	}
	l->avail_idx += n;
	/* Publishes the descriptors and ring entries; pairs with the
	 * device's acquire load of avail->idx. */
	__atomic_store_n(lp_avail_idx_p(l), avq_to_le16(l->avail_idx),
			 __ATOMIC_RELEASE);
	rte_avq_dev_aq_kick(l->fx.dev, LP_AQ);
	return TEST_SUCCESS;
}

/* used->idx as the device published it. */
static uint16_t
lp_used_idx(struct lp *l)
{
	/* Pairs with the device's release store of used->idx. */
	return avq_le16(__atomic_load_n(lp_used_idx_p(l), __ATOMIC_ACQUIRE));
}

/*
 * Wait up to @p ms for @p n more used entries; copy them to @p e.
 * Returns how many arrived (n on success).
 */
static unsigned int
lp_wait(struct lp *l, unsigned int n, struct avq_used_elem *e,
	unsigned int ms)
{
	uint64_t end = avq_test_ns() + ms * NS_PER_MS;
	unsigned int got = 0;

	for (;;) {
		while (got < n && l->used_seen != lp_used_idx(l)) {
			e[got++] = l->used->ring[l->used_seen % LP_SIZE];
			l->used_seen++;
		}
		if (got == n || avq_test_ns() > end)
			return got;
		usleep(100);
	}
}

static void
fault_none(struct rte_avq_dev_fault *f)
{
	memset(f, 0, sizeof(*f));
	f->fail_class = -1;
	f->fail_command = -1;
}

/* The ack and in-data of the chain at @p head: a completed CAP_GET. */
static int
lp_check_cap(struct lp *l, const struct avq_used_elem *e)
{
	uint16_t head = avq_le32(e->id);
	uint64_t in = LP_BUF_OFF + (head / 2) * 2 * LP_BUF + LP_BUF;

	TEST_ASSERT(head % 2 == 0 && head < LP_SIZE, "used id %u", head);
	TEST_ASSERT_EQUAL(avq_le32(e->len), CAP_USED_LEN, "used.len of %u", head);
	TEST_ASSERT_EQUAL(l->mem[in], AVQ_ACK_OK, "ack of %u", head);
	return TEST_SUCCESS;
}

/* ---- delay ---- */

/* Completions appear no earlier than delay_us after the command ran. */
static int
delay_body(struct lp *l)
{
	struct rte_avq_dev_fault f;
	struct avq_used_elem e[4];
	uint16_t heads[4];
	uint64_t t0, t;
	uint64_t caps;
	unsigned int i;

	fault_none(&f);
	f.delay_us = 80 * 1000;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	t0 = avq_test_ns();
	TEST_ASSERT_SUCCESS(lp_post(l, 2, heads), "");
	usleep(30 * 1000);
	TEST_ASSERT_EQUAL(lp_used_idx(l), 0, "completed before the delay");
	TEST_ASSERT_EQUAL(lp_wait(l, 2, e, 2000), 2, "never completed");
	t = avq_test_ns() - t0;
	TEST_ASSERT(t >= 80 * NS_PER_MS, "completed after %" PRIu64 " ns", t);
	for (i = 0; i < 2; i++) {
		TEST_ASSERT_SUCCESS(lp_check_cap(l, &e[i]), "");
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[i], "order kept");
	}
	/* The synchronous path waits the delay out too (AQ 0). */
	t0 = avq_test_ns();
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(l->fx.aq, &caps), "");
	t = avq_test_ns() - t0;
	TEST_ASSERT(t >= 80 * NS_PER_MS, "AQ 0 completed after %" PRIu64, t);

	fault_none(&f);
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 1, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 2000), 1, "");
	return lp_check_cap(l, &e[0]);
}

/*
 * A held completion is work pending: a blocking device wakes at its
 * release time, not at the next kick or idle timeout (100 ms). A few
 * attempts absorb scheduler noise; a device that sleeps past the release
 * time misses all of them by ~100 ms.
 */
static int
delay_wake_body(struct lp *l)
{
	struct rte_avq_dev_fault f;
	struct avq_used_elem e;
	uint64_t t0, t, best = UINT64_MAX;
	uint16_t head;
	int i;

	fault_none(&f);
	f.delay_us = 5 * 1000;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	for (i = 0; i < 3; i++) {
		t0 = avq_test_ns();
		TEST_ASSERT_SUCCESS(lp_post(l, 1, &head), "");
		TEST_ASSERT_EQUAL(lp_wait(l, 1, &e, 2000), 1, "");
		t = avq_test_ns() - t0;
		TEST_ASSERT(t >= 5 * NS_PER_MS, "early: %" PRIu64 " ns", t);
		best = RTE_MIN(best, t);
		if (best < 60 * NS_PER_MS)
			break;
	}
	TEST_ASSERT(best < 60 * NS_PER_MS, "a 5 ms delay took %" PRIu64
		    " ns at best: the idle thread slept past the release",
		    best);
	return TEST_SUCCESS;
}

static int
test_delay(void)
{
	struct rte_avq_dev_params p;
	int ret;

	ret = lp_run(NULL, delay_body);
	if (ret != TEST_SUCCESS)
		return ret;
	avq_fx_params(&p);
	p.idle = RTE_AVQ_DEV_IDLE_BLOCK;
	return lp_run(&p, delay_wake_body);
}

/* ---- reorder ---- */

static int
reorder_body(struct lp *l)
{
	struct rte_avq_dev_fault f;
	struct avq_used_elem e[8];
	uint16_t heads[8];
	unsigned int i;

	fault_none(&f);
	f.reorder = 4;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	/* A full group: out in reverse order. */
	TEST_ASSERT_SUCCESS(lp_post(l, 4, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 4, e, 2000), 4, "");
	for (i = 0; i < 4; i++) {
		TEST_ASSERT_SUCCESS(lp_check_cap(l, &e[i]), "");
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[3 - i],
				  "used entry %u", i);
	}
	/* Two groups in one burst. */
	TEST_ASSERT_SUCCESS(lp_post(l, 8, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 8, e, 2000), 8, "");
	for (i = 0; i < 8; i++)
		TEST_ASSERT_EQUAL(avq_le32(e[i].id),
				  heads[(i / 4) * 4 + 3 - i % 4], "entry %u", i);
	/* A group that never fills goes out after 2 ms, still reversed. */
	TEST_ASSERT_SUCCESS(lp_post(l, 3, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 3, e, 2000), 3, "partial group held");
	for (i = 0; i < 3; i++)
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[2 - i], "entry %u", i);
	return TEST_SUCCESS;
}

static int
test_reorder(void)
{
	return lp_run(NULL, reorder_body);
}

/* ---- drop ---- */

static int
drop_body(struct lp *l)
{
	struct rte_avq_dev_stats s;
	struct rte_avq_dev_fault f;
	struct avq_used_elem e[8];
	uint16_t heads[6];
	unsigned int i, j;

	fault_none(&f);
	f.drop_every = 3;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 6, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 4, e, 2000), 4, "");
	/* The dropped ones never come back. */
	TEST_ASSERT_EQUAL(lp_wait(l, 1, &e[4], 100), 0, "a dropped chain came back");
	for (i = 0; i < 4; i++) {
		TEST_ASSERT_SUCCESS(lp_check_cap(l, &e[i]), "");
		for (j = 0; j < 6; j++)
			if (avq_le32(e[i].id) == heads[j])
				break;
		TEST_ASSERT(j < 6 && j != 2 && j != 5, "entry %u is chain %u", i, j);
	}
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(l->fx.dev, &s), "");
	TEST_ASSERT_EQUAL(s.faults_dropped, 2, "");
	/* Dropped commands were executed (the trace and counters say so). */
	TEST_ASSERT(s.commands >= 6, "%" PRIu64 " commands", s.commands);
	fault_none(&f);
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 3, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 3, e, 2000), 3, "all complete once cleared");
	return TEST_SUCCESS;
}

static int
test_drop(void)
{
	return lp_run(NULL, drop_body);
}

/* ---- fail_class / fail_command ---- */

static int
fail_class_body(struct avq_fx *fx, void *arg)
{
	struct rte_avq_dev_trace_entry te;
	struct rte_avq_dev_stats s0, s1;
	struct rte_avq_dev_fault f;
	uint8_t st = AVQ_STATUS_ACKNOWLEDGE, got;
	uint64_t id, seq;
	uint32_t gen;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s0), "");
	fault_none(&f);
	f.fail_class = AVQ_CLASS_STATUS;
	f.fail_command = AVQ_STATUS_SET;
	f.fail_ack = AVQ_ACK_RANGE;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(fx->dev, &f), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
				     &st, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	seq = avq_fx_trace_last(fx);
	TEST_ASSERT_EQUAL(avq_fx_trace(fx, seq - 1, &te, 1), 1, "");
	TEST_ASSERT_EQUAL(te.ack, avq_fx_want_ack(fx, AVQ_ACK_RANGE), "traced ack");
	/* Not executed: the status did not move. Another command of the
	 * class runs normally. */
	TEST_ASSERT_EQUAL(avq_fx_status(fx, id), 0, "status changed");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.faults_failed - s0.faults_failed, 1, "");

	/* A zeroed struct injects nothing: CAP_GET (class 0, command 0)
	 * still runs and answers its capabilities. */
	{
		struct rte_avq_dev_fault z;
		uint64_t caps = 0;

		memset(&z, 0, sizeof(z));
		TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(fx->dev, &z), "");
		TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
		TEST_ASSERT(caps & (1ull << AVQ_CAP_F_VDEV), "zeroed fault failed CAP");
	}

	/* fail_command -1: every command of the class. */
	f.fail_command = -1;
	f.fail_ack = AVQ_ACK_AGAIN;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(fx->dev, &f), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
				     NULL, 0, &got, 1),
			  avq_fx_want_ack(fx, AVQ_ACK_AGAIN), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
				     &st, 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_AGAIN), "");
	/* Other classes are untouched. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_GENERATION,
				     AVQ_GENERATION_GET, NULL, 0, &gen, 4),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.faults_failed - s0.faults_failed, 3, "");

	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(fx->dev, NULL), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
				     &st, 1, NULL, 0), AVQ_ACK_OK, "cleared");
	TEST_ASSERT_EQUAL(avq_fx_status(fx, id), st, "");
	return TEST_SUCCESS;
}

static int
test_fail_class(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, fail_class_body, NULL);
}

/* ---- bad arguments ---- */

static int
bad_args_body(struct avq_fx *fx, void *arg)
{
	struct rte_avq_dev_stats s;
	struct rte_avq_dev_fault f;
	uint64_t caps;

	RTE_SET_USED(arg);
	fault_none(&f);
	TEST_ASSERT_EQUAL(rte_avq_dev_fault_set(NULL, &f), -EINVAL, "");
	f.fail_class = 0x10000;
	TEST_ASSERT_EQUAL(rte_avq_dev_fault_set(fx->dev, &f), -EINVAL, "");
	f.fail_class = -2;
	TEST_ASSERT_EQUAL(rte_avq_dev_fault_set(fx->dev, &f), -EINVAL, "");
	fault_none(&f);
	f.fail_command = -7;
	TEST_ASSERT_EQUAL(rte_avq_dev_fault_set(fx->dev, &f), -EINVAL, "");
	fault_none(&f);
	f.delay_us = UINT32_MAX;
	TEST_ASSERT_EQUAL(rte_avq_dev_fault_set(fx->dev, &f), -EINVAL, "");
	/* Refused settings changed nothing: commands complete at once. */
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s), "");
	TEST_ASSERT_EQUAL(s.faults_failed + s.faults_dropped, 0, "");
	return TEST_SUCCESS;
}

static int
test_bad_args(void)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, NULL, bad_args_body, NULL);
}

/* ---- stall ---- */

static int
stall_body(struct lp *l)
{
	struct rte_avq_dev_stats s0, s1;
	struct rte_avq_dev_fault f;
	struct avq_used_elem e[4];
	uint16_t heads[3];
	uint64_t t0, wall;
	unsigned int i;

	fault_none(&f);
	f.stall = true;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 3, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 50), 0, "completed while stalled");
	/* Control calls still run, and the idle thread blocks although
	 * chains are waiting in its ring. */
	usleep(10 * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(l->fx.dev, &s0), "");
	t0 = avq_test_ns();
	usleep(200 * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(l->fx.dev, &s1), "");
	wall = avq_test_ns() - t0;
	TEST_ASSERT(s1.cpu_ns - s0.cpu_ns < wall / 10, "stalled thread used %"
		    PRIu64 " ns of CPU in %" PRIu64 " ns",
		    s1.cpu_ns - s0.cpu_ns, wall);
	TEST_ASSERT_EQUAL(lp_used_idx(l), 0, "completed while stalled");
	TEST_ASSERT_EQUAL(s1.commands, s0.commands, "executed while stalled");

	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, NULL), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 3, e, 2000), 3, "not served after the stall");
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_SUCCESS(lp_check_cap(l, &e[i]), "");
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[i], "");
	}
	return TEST_SUCCESS;
}

static int
test_stall(void)
{
	struct rte_avq_dev_params p;
	int ret;

	ret = lp_run(NULL, stall_body);
	if (ret != TEST_SUCCESS)
		return ret;
	avq_fx_params(&p);
	p.idle = RTE_AVQ_DEV_IDLE_BLOCK;
	return lp_run(&p, stall_body);
}

/* ---- clearing releases held completions ---- */

static int
clear_body(struct lp *l)
{
	struct rte_avq_dev_fault f;
	struct avq_used_elem e[4];
	uint16_t heads[3];
	unsigned int i;

	/* Held by a long delay; cleared with a struct without the delay. */
	fault_none(&f);
	f.delay_us = 10 * 1000 * 1000;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 2, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 30), 0, "");
	fault_none(&f);
	f.fail_class = AVQ_CLASS_MMU;	/* another fault stays */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 2, e, 500), 2, "not released");
	for (i = 0; i < 2; i++)
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[i], "in their order");

	/* Reorder then delay: the group goes out reversed into the delay
	 * list after 2 ms; clearing releases that list in its order. */
	fault_none(&f);
	f.delay_us = 10 * 1000 * 1000;
	f.reorder = 8;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 3, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 30), 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, NULL), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 3, e, 500), 3, "not released");
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_SUCCESS(lp_check_cap(l, &e[i]), "");
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[2 - i], "entry %u", i);
	}

	/* A stall keeps what it holds until it is cleared too. */
	fault_none(&f);
	f.delay_us = 10 * 1000 * 1000;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 1, heads), "");
	usleep(20 * 1000);
	fault_none(&f);
	f.stall = true;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 50), 0, "released while stalled");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, NULL), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 500), 1, "not released");
	TEST_ASSERT_EQUAL(avq_le32(e[0].id), heads[0], "");
	return TEST_SUCCESS;
}

static int
test_clear(void)
{
	return lp_run(NULL, clear_body);
}

/* ---- AQ disable and device destroy with held completions ---- */

static int
aq_disable_body(struct lp *l)
{
	struct rte_avq_dev_fault f;
	struct avq_used_elem e[2];
	uint16_t heads[2];
	uint64_t caps;
	unsigned int i;

	/* Without any fault installed, a disable leaves the device
	 * fault-free (CAP_GET is class 0, command 0: a zeroed fault). */
	TEST_ASSERT_SUCCESS(lp_disable(l), "");
	TEST_ASSERT_SUCCESS(lp_enable(l), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 1, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 1, e, 2000), 1, "");
	TEST_ASSERT_SUCCESS(lp_check_cap(l, &e[0]), "");
	caps = 0;
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(l->fx.aq, &caps), "");
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_VDEV), "caps 0x%" PRIx64, caps);
	TEST_ASSERT_SUCCESS(lp_disable(l), "");
	TEST_ASSERT_SUCCESS(lp_enable(l), "");

	fault_none(&f);
	f.delay_us = 10 * 1000 * 1000;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 2, heads), "");
	usleep(20 * 1000);
	TEST_ASSERT_SUCCESS(lp_disable(l), "");
	/* Clearing releases nothing into the ring the driver took back. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, NULL), "");
	usleep(30 * 1000);
	TEST_ASSERT_EQUAL(lp_used_idx(l), 0, "used->idx written after disable");
	for (i = 0; i < 2; i++)
		TEST_ASSERT_EQUAL(avq_le32(l->used->ring[i].id), 0xa5a5a5a5,
				  "used entry %u written after disable", i);
	/* The queue works again after a fresh enable. */
	TEST_ASSERT_SUCCESS(lp_enable(l), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 2, heads), "");
	TEST_ASSERT_EQUAL(lp_wait(l, 2, e, 2000), 2, "");
	for (i = 0; i < 2; i++)
		TEST_ASSERT_EQUAL(avq_le32(e[i].id), heads[i], "");
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(l->fx.aq, &caps), "AQ 0 unaffected");

	/* Same with a reorder group holding them, and the delay still on
	 * while the other AQ keeps working. */
	fault_none(&f);
	f.delay_us = 10 * 1000 * 1000;
	f.reorder = 8;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 2, heads), "");
	TEST_ASSERT_SUCCESS(lp_disable(l), "");
	f.delay_us = 20 * 1000;
	f.reorder = 0;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, &f), "");
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(l->fx.aq, &caps), "AQ 0 delayed");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(l->fx.dev, NULL), "");
	usleep(20 * 1000);
	TEST_ASSERT_EQUAL(lp_used_idx(l), 2, "AQ 1 written after disable");
	TEST_ASSERT_EQUAL(avq_le32(l->used->ring[2].id), 0xa5a5a5a5, "");
	return TEST_SUCCESS;
}

static int
test_aq_disable(void)
{
	return lp_run(NULL, aq_disable_body);
}

/*
 * Destroy a running device that holds completions of an enabled queue:
 * nothing is written afterwards and nothing leaks (sanitizer build). The
 * device is built by hand: the fixture would unmap the ring first.
 */
static int
destroy_held_body(struct rte_avq_dev *d, struct lp *l)
{
	struct rte_avq_dev_fault f;
	uint16_t heads[4];

	TEST_ASSERT_SUCCESS(rte_avq_dev_dma_map(d, l->dma, LP_MEM, l->mem), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_aq_setup(d, LP_AQ, LP_SIZE, l->dma,
						 l->dma + 16 * LP_SIZE,
						 l->dma + LP_USED_OFF), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_aq_enable(d, LP_AQ, true), "");
	fault_none(&f);
	f.delay_us = 10 * 1000 * 1000;
	f.reorder = 3;
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(d, &f), "");
	TEST_ASSERT_SUCCESS(lp_post(l, 4, heads), "");
	usleep(20 * 1000);
	return TEST_SUCCESS;
}

static int
test_destroy_held(void)
{
	struct rte_avq_dev_params p;
	struct rte_avq_dev *d;
	struct lp l;
	int ret;

	memset(&l, 0, sizeof(l));
	l.mem = aligned_alloc(4096, LP_MEM);
	TEST_ASSERT_NOT_NULL(l.mem, "");
	memset(l.mem, 0, LP_MEM);
	memset(l.mem + LP_USED_OFF, 0xa5, AVQ_USED_AREA_SIZE(LP_SIZE));
	/* No IOMMU here: a DMA address is the virtual address. */
	l.dma = (uint64_t)(uintptr_t)l.mem;
	l.desc = (struct avq_desc *)l.mem;
	l.avail = (struct avq_avail *)(l.mem + 16 * LP_SIZE);
	l.used = (struct avq_used *)(l.mem + LP_USED_OFF);
	l.used->flags = 0;
	l.used->idx = 0;
	avq_fx_params(&p);
	p.num_aqs = 2;
	d = rte_avq_dev_create(&p);
	if (d == NULL) {
		free(l.mem);
		TEST_ASSERT(false, "create");
	}
	ret = rte_avq_dev_start(d);
	l.fx.dev = d;		/* lp_post() kicks through it */
	if (ret == 0)
		ret = destroy_held_body(d, &l);
	rte_avq_dev_destroy(d);
	/* All four held: the full group in the delay list, #4 in a group. */
	if (ret == TEST_SUCCESS && lp_used_idx(&l) != 0)
		ret = TEST_FAILED;
	free(l.mem);
	TEST_ASSERT_SUCCESS(ret, "destroy with held completions");
	return TEST_SUCCESS;
}

REGISTER_AVQ_TEST(dev_fault_delay_autotest, test_delay);
REGISTER_AVQ_TEST(dev_fault_reorder_autotest, test_reorder);
REGISTER_AVQ_TEST(dev_fault_drop_autotest, test_drop);
REGISTER_AVQ_TEST(dev_fault_fail_class_autotest, test_fail_class);
REGISTER_AVQ_TEST(dev_fault_bad_args_autotest, test_bad_args);
REGISTER_AVQ_TEST(dev_fault_stall_autotest, test_stall);
REGISTER_AVQ_TEST(dev_fault_clear_autotest, test_clear);
REGISTER_AVQ_TEST(dev_fault_aq_disable_autotest, test_aq_disable);
REGISTER_AVQ_TEST(dev_fault_destroy_held_autotest, test_destroy_held);
