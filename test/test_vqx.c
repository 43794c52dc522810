/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Extension classes 68 VQ_STATE and 70 VQ_STATS: the CAP bits, every ack
 * of the protocol guide's tables (each on a default and on a strict
 * device), and the behaviour with traffic: counters that count what was
 * sent, a queue stopped and resumed at its indices. The vqx_* tests are
 * the class 68/70 rows of doc/guides/prog_guide/conformance_b.rst.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_fixture.h"
#include "avq_test.h"
#include "test_dp_driver.h"

#define VQX_FRAME	90u	/* frame bytes of the test traffic */

/* A net device through the AQ (1 pair + control queue: 3 queues). */
static int
vqx_create(struct avq_fx *fx, uint64_t *id)
{
	return avq_fx_create_net(fx, id);
}

static int
state_ack(struct avq_fx *fx, uint64_t id, uint16_t cmd, uint16_t q,
	  struct avq_vq_state *st)
{
	struct avq_vq vq = { .queue_index = avq_to_le16(q) };

	memset(st, 0xee, sizeof(*st));
	return avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE, cmd, &vq, sizeof(vq),
			  st, sizeof(*st));
}

static int
set_ack(struct avq_fx *fx, uint64_t id, uint16_t q, uint16_t avail,
	uint16_t used, uint8_t flags, uint8_t reserved)
{
	struct avq_vq_state_set s = {
		.queue_index = avq_to_le16(q),
		.avail_idx = avq_to_le16(avail),
		.used_idx = avq_to_le16(used),
		.flags = flags,
		.reserved = reserved,
	};

	return avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_SET, &s,
			  sizeof(s), NULL, 0);
}

static int
stats_ack(struct avq_fx *fx, uint64_t id, uint16_t cmd, uint16_t q)
{
	struct avq_vq vq = { .queue_index = avq_to_le16(q) };
	struct avq_vq_stats w;

	return avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATS, cmd, &vq, sizeof(vq),
			  cmd == AVQ_VQ_STATS_GET ? &w : NULL,
			  cmd == AVQ_VQ_STATS_GET ? sizeof(w) : 0);
}

/* ---- CAP ---- */

static int
cap_body(struct avq_fx *fx, void *arg)
{
	uint64_t caps = 0;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_VQ_STATE)),
		    "VQ_STATE not announced: 0x%" PRIx64, caps);
	TEST_ASSERT(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_VQ_STATS)),
		    "VQ_STATS not announced: 0x%" PRIx64, caps);
	TEST_ASSERT_EQUAL(AVQ_CAP_F_EXT(AVQ_CLASS_VQ_STATE), 36, "");
	TEST_ASSERT_EQUAL(AVQ_CAP_F_EXT(AVQ_CLASS_VQ_STATS), 38, "");
	return TEST_SUCCESS;
}

static int
test_vqx_cap(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, cap_body, NULL);
}

/* ---- Acks of bad input (nothing changes) ---- */

static int
acks_body(struct avq_fx *fx, void *arg)
{
	struct avq_vq_state st;
	uint8_t buf[16] = { 0 };
	uint64_t id, gone;
	uint16_t cmd;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(vqx_create(fx, &id), "");
	TEST_ASSERT_SUCCESS(vqx_create(fx, &gone), "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(fx->aq, gone, false), "");

	/* A new device: queue 0 not started, disabled. */
	TEST_ASSERT_EQUAL(state_ack(fx, id, AVQ_VQ_STATE_GET, 0, &st),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(avq_le16(st.avail_idx), 0, "");
	TEST_ASSERT_EQUAL(avq_le16(st.used_idx), 0, "");
	TEST_ASSERT_EQUAL(st.enabled, 0, "");

	for (cmd = AVQ_VQ_STATE_GET; cmd <= AVQ_VQ_STATE_STOP; cmd++) {
		uint32_t len = cmd == AVQ_VQ_STATE_SET ?
			       sizeof(struct avq_vq_state_set) :
			       sizeof(struct avq_vq);

		/* NOENT: a destroyed id; INVAL: device_id 0. */
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, gone, AVQ_CLASS_VQ_STATE, cmd,
					     buf, len, &st, sizeof(st)),
				  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "cmd %u",
				  cmd);
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, 0, AVQ_CLASS_VQ_STATE, cmd,
					     buf, len, &st, sizeof(st)),
				  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "cmd %u",
				  cmd);
		/* INVAL: out-data one byte short or long. */
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE, cmd,
					     buf, len - 1, &st, sizeof(st)),
				  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "cmd %u",
				  cmd);
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE, cmd,
					     buf, len + 1, &st, sizeof(st)),
				  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "cmd %u",
				  cmd);
	}
	/* INVAL: in-data buffer too small for the state. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_GET, buf, 2, &st, 7),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	/* RANGE: a queue the device lacks (3 queues). */
	TEST_ASSERT_EQUAL(state_ack(fx, id, AVQ_VQ_STATE_GET, 3, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	TEST_ASSERT_EQUAL(state_ack(fx, id, AVQ_VQ_STATE_GET, 0xffff, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	TEST_ASSERT_EQUAL(state_ack(fx, id, AVQ_VQ_STATE_GET, 0xfffe, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	TEST_ASSERT_EQUAL(state_ack(fx, id, AVQ_VQ_STATE_STOP, 0xfffe, &st),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	TEST_ASSERT_EQUAL(set_ack(fx, id, 3, 0, 0, AVQ_VQ_STATE_F_ENABLE, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	/* INVAL: SET of a queue without an address, and of a device that is
	 * not at DRIVER_OK (the address is set now). */
	TEST_ASSERT_EQUAL(set_ack(fx, id, 0, 0, 0, AVQ_VQ_STATE_F_ENABLE, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_addr_set(fx->aq, id, 0, 0x10000,
						0x20000, 0x30000), "");
	TEST_ASSERT_EQUAL(set_ack(fx, id, 0, 0, 0, AVQ_VQ_STATE_F_ENABLE, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(state_ack(fx, id, AVQ_VQ_STATE_GET, 0, &st),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(st.enabled, 0, "a refused SET enabled the queue");

	/* VQ_STATS: the same rules. */
	for (cmd = AVQ_VQ_STATS_GET; cmd <= AVQ_VQ_STATS_RESET; cmd++) {
		TEST_ASSERT_EQUAL(stats_ack(fx, gone, cmd, 0),
				  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
		TEST_ASSERT_EQUAL(stats_ack(fx, 0, cmd, 0),
				  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
		TEST_ASSERT_EQUAL(stats_ack(fx, id, cmd, 3),
				  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATS, cmd,
					     buf, 1, buf, sizeof(buf)),
				  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
		TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATS, cmd,
					     buf, 3, buf, sizeof(buf)),
				  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
		TEST_ASSERT_EQUAL(stats_ack(fx, id, cmd, 0), AVQ_ACK_OK, "");
	}
	/* GET of every queue is 0 at first; RESET of all queues is OK;
	 * GET of "all" is RANGE. */
	TEST_ASSERT_EQUAL(stats_ack(fx, id, AVQ_VQ_STATS_RESET,
				    AVQ_VQ_STATS_ALL), AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(stats_ack(fx, id, AVQ_VQ_STATS_GET, AVQ_VQ_STATS_ALL),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	/* INVAL: in-data buffer too small for the counters. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATS,
				     AVQ_VQ_STATS_GET, buf, 2, buf, 39),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	/* UNSUPP: an unknown command of each class. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE, 4, buf, 2,
				     buf, sizeof(buf)),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATS, 2, buf, 2,
				     buf, sizeof(buf)),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "");
	return TEST_SUCCESS;
}

/* Acks of the batched commands: STOP of queue 0xffff, SET_BATCH. */
static int
batch_acks_body(struct avq_fx *fx, void *arg)
{
	struct avq_vq all = { .queue_index = avq_to_le16(AVQ_VQ_STATE_ALL) };
	struct avq_vq_state st[4];
	struct avq_vq_state_set e[4];
	uint64_t id, gone;
	bool en = true;
	uint16_t q;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(vqx_create(fx, &id), "");
	TEST_ASSERT_SUCCESS(vqx_create(fx, &gone), "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(fx->aq, gone, false), "");
	memset(e, 0, sizeof(e));
	for (q = 0; q < 3; q++) {
		e[q].queue_index = avq_to_le16(q);
		e[q].flags = AVQ_VQ_STATE_F_ENABLE;
	}

	/* STOP of every queue: NOENT, INVAL for device_id 0 and for room
	 * for fewer than its 3 queues; OK with room for 3 or more, one
	 * state per queue (in-data 24 bytes). */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, gone, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_STOP, &all, sizeof(all), st,
				     sizeof(st)),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, 0, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_STOP, &all, sizeof(all), st,
				     sizeof(st)),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_STOP, &all, sizeof(all), st,
				     3 * sizeof(st[0]) - 1),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "room for 2.9");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_STOP, &all, sizeof(all), st,
				     3 * sizeof(st[0])),
			  AVQ_ACK_OK, "");
	memset(st, 0xee, sizeof(st));
	TEST_ASSERT_EQUAL(rte_avq_vq_state_stop_all(fx->aq, id,
			(struct rte_avq_vq_base[4]){ { 0 } }, 4), 3, "");
	/* Room for 2 (-EINVAL; -EIO on a strict device). */
	TEST_ASSERT(rte_avq_vq_state_stop_all(fx->aq, id,
			(struct rte_avq_vq_base[2]){ { 0 } }, 2) < 0, "");

	/* SET_BATCH: NOENT, INVAL for device_id 0, empty, a partial entry,
	 * more entries than queues, a repeated queue; RANGE for a queue
	 * the device lacks; each entry's own rules (a queue without
	 * address, not at DRIVER_OK). None applied: every queue stays
	 * disabled. */
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, gone, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e, sizeof(e[0]),
				     NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, 0, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e, sizeof(e[0]),
				     NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e, 0, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "empty");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e,
				     sizeof(e[0]) + 1, NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "partial");
	e[3] = e[2];
	e[3].queue_index = avq_to_le16(2);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e, sizeof(e),
				     NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "4 of 3 queues");
	/* Entries are checked in order: the first failing one answers. */
	e[0].queue_index = avq_to_le16(3);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e,
				     2 * sizeof(e[0]), NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_RANGE), "queue 3");
	e[0].queue_index = avq_to_le16(0);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e,
				     2 * sizeof(e[0]), NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "no address");
	for (q = 0; q < 3; q++)
		TEST_ASSERT_SUCCESS(rte_avq_vq_addr_set(fx->aq, id, q, 0x10000,
							0x20000, 0x30000), "");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, e,
				     2 * sizeof(e[0]), NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "not running");
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_VQ_STATE,
				     AVQ_VQ_STATE_SET_BATCH, &e[2],
				     2 * sizeof(e[0]), NULL, 0),
			  avq_fx_want_ack(fx, AVQ_ACK_INVAL), "queue 2 twice");
	for (q = 0; q < 3; q++) {
		TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(fx->aq, id, q, NULL,
							 NULL, &en), "");
		TEST_ASSERT(!en, "queue %u enabled by a refused batch", q);
	}
	return TEST_SUCCESS;
}

static int
test_vqx_batch_acks(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, batch_acks_body, NULL);
}

static int
test_vqx_acks(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, acks_body, NULL);
}

/* ---- With traffic ---- */

struct env {
	struct avq_fx fx;
	struct dpd a, b;
	uint8_t f[2048];
};

static int
env_open(struct env *e)
{
	struct dpd_cfg c;

	dpd_cfg_init(&c, 1);
	TEST_ASSERT_SUCCESS(dpd_open(&e->a, &e->fx, &c), "");
	dpd_cfg_init(&c, 2);
	TEST_ASSERT_SUCCESS(dpd_open(&e->b, &e->fx, &c), "");
	TEST_ASSERT_SUCCESS(dpd_rx_post(&e->b, 0, 32, 2048), "");
	return TEST_SUCCESS;
}

/* A sends one frame to B, B gets it. */
static int
env_pass(struct env *e, uint32_t seed)
{
	dpd_frame(e->f, VQX_FRAME, e->b.mac, e->a.mac, seed);
	TEST_ASSERT_SUCCESS(dpd_send(&e->a, 1, e->f, VQX_FRAME), "");
	return dpd_expect(&e->b, 0, e->f, VQX_FRAME, 1, 2000);
}

typedef int (*env_fn)(struct env *e);

static int
env_run(env_fn fn)
{
	struct env *e = calloc(1, sizeof(*e));
	int ret;

	TEST_ASSERT_NOT_NULL(e, "");
	ret = avq_fx_setup(&e->fx, NULL) == 0 ? env_open(e) : TEST_FAILED;
	if (ret == TEST_SUCCESS)
		ret = fn(e);
	dpd_close(&e->a);
	dpd_close(&e->b);
	avq_fx_teardown(&e->fx);
	free(e);
	return ret;
}

static int
stats_body(struct env *e)
{
	struct rte_avq_vq_stats s;
	struct rte_avq_aq *aq = e->fx.aq;
	uint32_t i;

	for (i = 0; i < 5; i++)
		TEST_ASSERT_SUCCESS(env_pass(e, i), "frame %u", i);
	/* A's transmit queue and B's receive queue counted each frame. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->a.id, 1, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 5, "");
	TEST_ASSERT_EQUAL(s.bytes, 5 * VQX_FRAME, "");
	TEST_ASSERT_EQUAL(s.errors, 0, "");
	TEST_ASSERT_EQUAL(s.drops, 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->b.id, 0, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 5, "");
	TEST_ASSERT_EQUAL(s.bytes, 5 * VQX_FRAME, "");
	/* The same as the device model's own view. */
	TEST_ASSERT_EQUAL(dpd_stats(&e->b, 0).packets, 5, "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->a.id, 0, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 0, "A received nothing");

	/* Reset of one queue leaves the others. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_reset(aq, e->a.id, 1), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->a.id, 1, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 0, "");
	TEST_ASSERT_EQUAL(s.bytes, 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->b.id, 0, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 5, "B's counters moved");
	/* Reset of all. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_reset(aq, e->b.id,
						   AVQ_VQ_STATS_ALL), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->b.id, 0, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 0, "");
	/* Counting goes on after a reset. */
	TEST_ASSERT_SUCCESS(env_pass(e, 99), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->a.id, 1, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_stats_get(aq, e->b.id, 0, &s), "");
	TEST_ASSERT_EQUAL(s.packets, 1, "");
	return TEST_SUCCESS;
}

static int
test_vqx_stats(void)
{
	return env_run(stats_body);
}

static int
state_body(struct env *e)
{
	struct rte_avq_aq *aq = e->fx.aq;
	uint16_t avail = 0xeeee, used = 0xeeee;
	bool en = false;
	uint32_t i;

	for (i = 0; i < 7; i++)
		TEST_ASSERT_SUCCESS(env_pass(e, i), "frame %u", i);
	/* Running: A's transmit queue took and completed 7 chains. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, &avail, &used,
						 &en), "");
	TEST_ASSERT_EQUAL(avail, 7, "");
	TEST_ASSERT_EQUAL(used, 7, "");
	TEST_ASSERT(en, "queue reads disabled");
	/* B's receive queue used 7 of its 32 buffers. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->b.id, 0, &avail, &used,
						 NULL), "");
	TEST_ASSERT_EQUAL(avail, 7, "");
	TEST_ASSERT_EQUAL(used, 7, "");

	/* STOP: disabled, same indices, and GET keeps reading them. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_stop(aq, e->a.id, 1, &avail,
						  &used), "");
	TEST_ASSERT_EQUAL(avail, 7, "");
	TEST_ASSERT_EQUAL(used, 7, "");
	/* A frame offered now is not taken. */
	dpd_frame(e->f, VQX_FRAME, e->b.mac, e->a.mac, 100);
	TEST_ASSERT_SUCCESS(dpd_tx(&e->a, 1, e->f, VQX_FRAME, NULL), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(&e->b, 0, 100), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, &avail, &used,
						 &en), "");
	TEST_ASSERT_EQUAL(avail, 7, "");
	TEST_ASSERT_EQUAL(used, 7, "");
	TEST_ASSERT(!en, "queue reads enabled after STOP");
	/* STOP again only reports. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_stop(aq, e->a.id, 1, &avail,
						  &used), "");
	TEST_ASSERT_EQUAL(avail, 7, "");

	/* SET refuses what would break the ring rules, changing nothing. */
	TEST_ASSERT_EQUAL(set_ack(&e->fx, e->a.id, 1, 7, 7, 0, 0),
			  AVQ_ACK_INVAL, "flags 0");
	TEST_ASSERT_EQUAL(set_ack(&e->fx, e->a.id, 1, 7, 7,
				  AVQ_VQ_STATE_F_ENABLE, 1),
			  AVQ_ACK_INVAL, "reserved");
	TEST_ASSERT_EQUAL(set_ack(&e->fx, e->a.id, 1, 7 + 65, 7,
				  AVQ_VQ_STATE_F_ENABLE, 0),
			  AVQ_ACK_INVAL, "more than a ring in flight");
	TEST_ASSERT_EQUAL(set_ack(&e->fx, e->b.id, 0, 7, 7,
				  AVQ_VQ_STATE_F_ENABLE, 0),
			  AVQ_ACK_INVAL, "enabled queue");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, &avail, &used,
						 &en), "");
	TEST_ASSERT(!en && avail == 7 && used == 7, "a refused SET changed it");

	/* Resume at 7: the frame offered while stopped (chain 8) goes. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_set(aq, e->a.id, 1, 7, 7), "");
	TEST_ASSERT_SUCCESS(dpd_expect(&e->b, 0, e->f, VQX_FRAME, 1, 2000),
			    "");
	TEST_ASSERT_SUCCESS(dpd_tx_wait(&e->a, 1, 2000), "");
	TEST_ASSERT_SUCCESS(env_pass(e, 101), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, &avail, &used,
						 &en), "");
	TEST_ASSERT_EQUAL(avail, 9, "");
	TEST_ASSERT_EQUAL(used, 9, "");
	TEST_ASSERT(en, "");
	TEST_ASSERT_EQUAL(dpd_status(&e->a) & AVQ_STATUS_DEVICE_NEEDS_RESET, 0,
			  "resumed queue faulted");

	/* A reset starts every ring afresh. */
	TEST_ASSERT_SUCCESS(rte_avq_reset(aq, e->a.id), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, &avail, &used,
						 &en), "");
	TEST_ASSERT_EQUAL(avail, 0, "");
	TEST_ASSERT_EQUAL(used, 0, "");
	TEST_ASSERT(!en, "");
	return TEST_SUCCESS;
}

/* Every queue of A stopped in one command and resumed in one; a refused
 * batch (one bad entry) resumes none. */
static int
batch_body(struct env *e)
{
	struct rte_avq_aq *aq = e->fx.aq;
	struct rte_avq_vq_base st[8], b[3];
	uint16_t avail, used;
	bool en = true;
	int n, i;

	for (i = 0; i < 4; i++)
		TEST_ASSERT_SUCCESS(env_pass(e, i), "frame %d", i);
	n = rte_avq_vq_state_stop_all(aq, e->a.id, st, RTE_DIM(st));
	TEST_ASSERT_EQUAL(n, 3, "");
	TEST_ASSERT_EQUAL(st[1].queue, 1, "");
	TEST_ASSERT_EQUAL(st[1].avail_idx, 4, "tx queue");
	TEST_ASSERT_EQUAL(st[1].used_idx, 4, "");
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, i,
							 &avail, &used, &en),
				    "");
		TEST_ASSERT(!en, "queue %d still enabled", i);
		TEST_ASSERT(avail == st[i].avail_idx && used == st[i].used_idx,
			    "queue %d: GET differs from the stop", i);
	}
	/* Stopped: a frame offered now is not taken. */
	dpd_frame(e->f, VQX_FRAME, e->b.mac, e->a.mac, 200);
	TEST_ASSERT_SUCCESS(dpd_tx(&e->a, 1, e->f, VQX_FRAME, NULL), "");
	TEST_ASSERT_SUCCESS(dpd_expect_none(&e->b, 0, 100), "");
	/* A second stop of all only reports. */
	TEST_ASSERT_EQUAL(rte_avq_vq_state_stop_all(aq, e->a.id, st,
						    RTE_DIM(st)), 3, "");
	TEST_ASSERT_EQUAL(st[1].avail_idx, 4, "");

	/* One bad entry (more than a ring in flight): none resumed. */
	memcpy(b, st, sizeof(b));
	b[2].avail_idx = (uint16_t)(b[2].used_idx + 65);
	TEST_ASSERT_EQUAL(rte_avq_vq_state_set_batch(aq, e->a.id, b, 3),
			  -EINVAL, "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, NULL, NULL,
						 &en), "");
	TEST_ASSERT(!en, "a refused batch enabled queue 1");
	/* A queue twice: INVAL, none resumed. */
	b[0] = st[1];
	b[1] = st[1];
	TEST_ASSERT_EQUAL(rte_avq_vq_state_set_batch(aq, e->a.id, b, 2),
			  -EINVAL, "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, NULL, NULL,
						 &en), "");
	TEST_ASSERT(!en, "a refused batch enabled queue 1");
	/* The whole device resumed where it stopped: the waiting frame and
	 * one more go. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_set_batch(aq, e->a.id, st, 3),
			    "");
	TEST_ASSERT_SUCCESS(dpd_expect(&e->b, 0, e->f, VQX_FRAME, 1, 2000),
			    "");
	TEST_ASSERT_SUCCESS(dpd_tx_wait(&e->a, 1, 2000), "");
	TEST_ASSERT_SUCCESS(env_pass(e, 201), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_state_get(aq, e->a.id, 1, &avail, &used,
						 &en), "");
	TEST_ASSERT(en && avail == 6 && used == 6, "queue 1 at %u/%u", avail,
		    used);
	/* Enabled queues refuse a second resume, changing nothing. */
	TEST_ASSERT_EQUAL(rte_avq_vq_state_set_batch(aq, e->a.id, st, 1),
			  -EINVAL, "");
	TEST_ASSERT_EQUAL(dpd_status(&e->a) & AVQ_STATUS_DEVICE_NEEDS_RESET, 0,
			  "resumed device faulted");
	return TEST_SUCCESS;
}

static int
test_vqx_batch(void)
{
	return env_run(batch_body);
}

static int
test_vqx_state(void)
{
	return env_run(state_body);
}

REGISTER_AVQ_TEST(vqx_cap_autotest, test_vqx_cap);
REGISTER_AVQ_TEST(vqx_acks_autotest, test_vqx_acks);
REGISTER_AVQ_TEST(vqx_stats_autotest, test_vqx_stats);
REGISTER_AVQ_TEST(vqx_state_autotest, test_vqx_state);
REGISTER_AVQ_TEST(vqx_batch_acks_autotest, test_vqx_batch_acks);
REGISTER_AVQ_TEST(vqx_batch_autotest, test_vqx_batch);
