/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Packed batches (conf.batch_pack) and the MULTI_EXEC class they use:
 * - every packed command gets what it would get posted alone (status,
 *   ack, in-data), and each device runs its commands in batch order;
 * - a device without the class: nothing is packed, results the same;
 * - timeouts and resets reach every command of a pack;
 * - malformed MULTI_EXEC lists from a driver are INVAL and run nothing.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include <rte_avq_engine.h>
#include <rte_avq_cmd.h>

#include "avq_test.h"
#include "avq_fixture.h"

#define PK_NDEV		3
#define PK_N		200

struct pk_fx {
	struct avq_fx fx;
	struct rte_avq_engine *e;
	uint64_t id[PK_NDEV + 1];	/* the last one destroyed */
};

static int
pk_setup(struct pk_fx *f, bool multi, uint64_t timeout_us)
{
	struct rte_avq_engine_conf conf;
	struct rte_avq_dev_params p;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	avq_fx_params(&p);
	p.num_aqs = 2;
	p.multi = multi;
	if (avq_fx_setup(&f->fx, &p) < 0)
		return -1;
	for (i = 0; i <= PK_NDEV; i++)
		if (avq_fx_create_net(&f->fx, &f->id[i]) < 0)
			return -1;
	if (rte_avq_vdev_destroy(f->fx.aq, f->id[PK_NDEV], true) < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	conf.timeout_us = timeout_us;
	conf.batch_pack = 1;
	f->e = avq_fx_engine(&f->fx, &conf);
	return f->e != NULL ? 0 : -1;
}

static void
pk_teardown(struct pk_fx *f)
{
	if (f->fx.dev != NULL)
		rte_avq_dev_fault_set(f->fx.dev, NULL);
	rte_avq_engine_destroy(f->e);
	avq_fx_teardown(&f->fx);
}

/* One command of the mix and what came back for it. */
struct pk_cmd {
	struct rte_avq_cmd c;
	uint8_t out[8];
	uint8_t in[32];
	uint32_t done;
	int status;
	uint8_t ack;
	uint32_t in_len;
};

static void
pk_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct pk_cmd *k = arg;

	k->status = status;
	k->ack = ack;
	k->in_len = in_len;
	k->done++;
}

/* Command i of the mix: reads of several shapes, some failing, some for
 * the destroyed device. */
static void
pk_make(struct pk_fx *f, struct pk_cmd *k, unsigned int i, uint64_t *seed)
{
	uint64_t r = avq_fx_prng(seed);
	struct avq_config_get cg;
	struct avq_vq vq;

	memset(k, 0, sizeof(*k));
	memset(k->in, 0xee, sizeof(k->in));
	k->c.device_id = (r >> 8) % 50 == 0 ? f->id[PK_NDEV] :
			 f->id[(r >> 16) % PK_NDEV];
	k->c.in = k->in;
	switch (i % 4) {
	case 0:
		k->c.class_id = AVQ_CLASS_FEAT;
		k->c.command = AVQ_FEAT_DEVICE_GET;
		k->c.in_len = 8;
		break;
	case 1:
		k->c.class_id = AVQ_CLASS_STATUS;
		k->c.command = AVQ_STATUS_GET;
		k->c.in_len = 1;
		break;
	case 2:
		/* The MAC and status words of the config space. */
		cg.offset = rte_cpu_to_le_32(0);
		cg.size = rte_cpu_to_le_32(8);
		memcpy(k->out, &cg, sizeof(cg));
		k->c.class_id = AVQ_CLASS_CONFIG;
		k->c.command = AVQ_CONFIG_GET;
		k->c.out = k->out;
		k->c.out_len = sizeof(cg);
		k->c.in_len = 8 + (r % 7);	/* room beyond what comes */
		break;
	default:
		/* Queue out of range every other time: RANGE. */
		vq.queue_index = rte_cpu_to_le_16((r & 1) ? 0 : 999);
		memcpy(k->out, &vq, sizeof(vq));
		k->c.class_id = AVQ_CLASS_VQ_SIZE;
		k->c.command = AVQ_VQ_SIZE_GET;
		k->c.out = k->out;
		k->c.out_len = sizeof(vq);
		k->c.in_len = 2;
		break;
	}
}

/* The mix in batches of 1 to 45 commands, each command's result checked
 * against the same command executed alone. @p burst: the batches are
 * posted with rte_avq_batch_add_burst(), in two bursts each (the first
 * one empty for a batch of 1), else one rte_avq_batch_add() a command. */
static int
pk_results(struct pk_fx *f, bool want_packs, bool burst)
{
	static struct rte_avq_cmd cmds[45];
	static void *args[45];
	static struct pk_cmd k[PK_N];
	static struct rte_avq_dev_trace_entry te[2 * PK_N];
	struct rte_avq_engine_stats st, st0;
	struct pk_cmd ref;
	struct rte_avq_batch b;
	uint64_t seed = 0x5eed, seq0;
	uint32_t inl, i, j, n, pos[PK_NDEV + 1];
	uint8_t ack;
	int ret;

	for (i = 0; i < PK_N; i++)
		pk_make(f, &k[i], i, &seed);
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st0), "");
	seq0 = avq_fx_trace_last(&f->fx);
	/* Batches of several sizes, 1 included (a lone command goes plain). */
	for (i = 0; i < PK_N; i += n) {
		n = RTE_MIN(1u + (i % 45), PK_N - i);
		rte_avq_batch_begin(f->e, &b);
		if (burst) {
			uint32_t h = n / 2;

			for (j = 0; j < n; j++) {
				cmds[j] = k[i + j].c;
				args[j] = &k[i + j];
			}
			TEST_ASSERT_EQUAL(rte_avq_batch_add_burst(&b, cmds, h,
					  pk_cb, args, 0), (int)h, "");
			TEST_ASSERT_EQUAL(rte_avq_batch_add_burst(&b, cmds + h,
					  n - h, pk_cb, args + h, 0),
					  (int)(n - h), "");
			TEST_ASSERT_EQUAL(b.count, n, "");
		} else {
			for (j = i; j < i + n; j++)
				TEST_ASSERT_SUCCESS(rte_avq_batch_add(&b,
						    &k[j].c, pk_cb, &k[j], 0),
						    "add %u", j);
		}
		TEST_ASSERT_EQUAL(rte_avq_batch_end(&b), (int)n, "");
	}
	for (i = 0; i < PK_N; i++) {
		uint64_t end = avq_test_ms() + 2000;

		while (k[i].done == 0 && avq_test_ms() < end)
			rte_avq_engine_poll(f->e, 64);
		TEST_ASSERT_EQUAL(k[i].done, 1, "command %u: callback ran %u times",
				  i, k[i].done);
	}
	/* The device ran each device's commands in batch order. */
	n = avq_fx_trace(&f->fx, seq0, te, RTE_DIM(te));
	memset(pos, 0, sizeof(pos));
	for (j = 0; j < n; j++) {
		if (te[j].class_id == AVQ_CLASS_MULTI)
			continue;
		for (i = 0; i < PK_NDEV + 1; i++)
			if (te[j].device_id == f->id[i])
				break;
		TEST_ASSERT(i <= PK_NDEV, "trace: unknown device");
		/* The next command of that device in the mix. */
		while (pos[i] < PK_N && k[pos[i]].c.device_id != f->id[i])
			pos[i]++;
		TEST_ASSERT(pos[i] < PK_N, "trace: more commands than sent");
		TEST_ASSERT_EQUAL(te[j].class_id, k[pos[i]].c.class_id,
				  "device %u runs command %u out of order", i, pos[i]);
		pos[i]++;
	}
	/* Each result is what the command gets alone. */
	for (i = 0; i < PK_N; i++) {
		ref = k[i];
		memset(ref.in, 0xee, sizeof(ref.in));
		ref.c.in = ref.in;
		ack = 0xff;
		inl = 0;
		ret = rte_avq_exec(f->e, &ref.c, &ack, &inl);
		TEST_ASSERT_SUCCESS(ret, "reference exec %u", i);
		TEST_ASSERT_EQUAL(k[i].status, 0, "command %u status", i);
		TEST_ASSERT_EQUAL(k[i].ack, ack, "command %u (class %u) ack",
				  i, k[i].c.class_id);
		TEST_ASSERT_EQUAL(k[i].in_len, inl, "command %u in_len", i);
		TEST_ASSERT(memcmp(k[i].in, ref.in, sizeof(ref.in)) == 0,
			    "command %u: in-data differs (or written beyond in_len)", i);
	}
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	/* The batches' commands and the reference execs, each counted once. */
	TEST_ASSERT_EQUAL(st.submitted - st0.submitted, 2 * PK_N, "");
	TEST_ASSERT_EQUAL(st.completed - st0.completed, 2 * PK_N, "");
	st.packs -= st0.packs;
	st.packed -= st0.packed;
	if (want_packs) {
		TEST_ASSERT(st.packs > 0 && st.packed > st.packs,
			    "packs %" PRIu64 " packed %" PRIu64, st.packs,
			    st.packed);
		TEST_ASSERT(st.packed <= PK_N, "");
	} else {
		TEST_ASSERT_EQUAL(st.packs, 0, "");
		TEST_ASSERT_EQUAL(st.packed, 0, "");
	}
	return TEST_SUCCESS;
}

static int
test_engine_pack_results(void)
{
	struct pk_fx f;
	int ret = TEST_FAILED;

	if (pk_setup(&f, true, 0) == 0)
		ret = pk_results(&f, true, false);
	pk_teardown(&f);
	return ret;
}
REGISTER_AVQ_TEST(engine_pack_results_autotest, test_engine_pack_results);

/* The same batches posted in bursts: packed, and plain chains when the
 * device does not offer MULTI_EXEC. */
static int
test_engine_pack_burst(void)
{
	struct pk_fx f;
	int ret = TEST_FAILED;

	if (pk_setup(&f, true, 0) == 0)
		ret = pk_results(&f, true, true);
	pk_teardown(&f);
	if (ret != TEST_SUCCESS)
		return ret;
	ret = TEST_FAILED;
	if (pk_setup(&f, false, 0) == 0)
		ret = pk_results(&f, false, true);
	pk_teardown(&f);
	return ret;
}
REGISTER_AVQ_TEST(engine_pack_burst_autotest, test_engine_pack_burst);

/* A burst stops at its first bad command: the ones before it are posted
 * and complete, it and the ones after it are not; rte_errno and the
 * batch say why. */
static int
pk_burst_error(struct pk_fx *f)
{
	static struct pk_cmd k[5];
	static struct rte_avq_cmd cmds[5];
	static void *args[5];
	struct rte_avq_engine_stats st0, st;
	struct rte_avq_batch b;
	uint64_t seed = 0xb0a5, end;
	unsigned int i;

	for (i = 0; i < RTE_DIM(k); i++) {
		pk_make(f, &k[i], 0, &seed);	/* FEAT_DEVICE_GET */
		k[i].c.device_id = f->id[0];
		cmds[i] = k[i].c;
		args[i] = &k[i];
	}
	cmds[3].in_len = 1u << 30;	/* beyond any engine's max_in */
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st0), "");
	rte_avq_batch_begin(f->e, &b);
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_avq_batch_add_burst(&b, cmds, 5, pk_cb, args, 0),
			  3, "posted before the bad one");
	TEST_ASSERT_EQUAL(rte_errno, E2BIG, "");
	TEST_ASSERT_EQUAL(b.error, -E2BIG, "");
	TEST_ASSERT_EQUAL(b.count, 3, "");
	/* Nothing at all: a NULL array with a count, a NULL batch. */
	rte_errno = 0;
	TEST_ASSERT_EQUAL(rte_avq_batch_add_burst(&b, NULL, 2, pk_cb, args, 0),
			  0, "");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_batch_add_burst(NULL, cmds, 2, pk_cb, args,
						  0), 0, "");
	TEST_ASSERT_EQUAL(rte_avq_batch_add_burst(&b, cmds, 0, pk_cb, args, 0),
			  0, "");
	TEST_ASSERT_EQUAL(rte_avq_batch_end(&b), 3, "");
	end = avq_test_ms() + 2000;
	while ((k[0].done + k[1].done + k[2].done) < 3 && avq_test_ms() < end)
		rte_avq_engine_poll(f->e, 64);
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_EQUAL(k[i].done, 1, "command %u", i);
		TEST_ASSERT_EQUAL(k[i].status, 0, "");
		TEST_ASSERT_EQUAL(k[i].ack, AVQ_ACK_OK, "");
		TEST_ASSERT_EQUAL(k[i].in_len, 8, "");
	}
	rte_avq_engine_poll(f->e, 64);
	TEST_ASSERT_EQUAL(k[3].done + k[4].done, 0, "not posted, yet called");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.submitted - st0.submitted, 3, "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	return TEST_SUCCESS;
}

static int
test_engine_pack_burst_error(void)
{
	struct pk_fx f;
	int ret = TEST_FAILED;

	if (pk_setup(&f, true, 0) == 0)
		ret = pk_burst_error(&f);
	pk_teardown(&f);
	if (ret != TEST_SUCCESS)
		return ret;
	ret = TEST_FAILED;
	if (pk_setup(&f, false, 0) == 0)
		ret = pk_burst_error(&f);
	pk_teardown(&f);
	return ret;
}
REGISTER_AVQ_TEST(engine_pack_burst_error_autotest, test_engine_pack_burst_error);

static int
test_engine_pack_not_offered(void)
{
	struct pk_fx f;
	int ret = TEST_FAILED;

	if (pk_setup(&f, false, 0) == 0)
		ret = pk_results(&f, false, false);
	pk_teardown(&f);
	return ret;
}
REGISTER_AVQ_TEST(engine_pack_not_offered_autotest, test_engine_pack_not_offered);

/* A stalled device: the packs of a batch time out (or are canceled by a
 * reset), and so does every command in them, once each. */
static int
pk_lost(struct pk_fx *f, bool reset)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .stall = true };
	static struct pk_cmd k[40];
	struct rte_avq_engine_stats st;
	struct rte_avq_batch b;
	uint64_t seed = 7, end;
	unsigned int i, got;

	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, &flt), "");
	rte_avq_batch_begin(f->e, &b);
	for (i = 0; i < RTE_DIM(k); i++) {
		pk_make(f, &k[i], i, &seed);
		TEST_ASSERT_SUCCESS(rte_avq_batch_add(&b, &k[i].c, pk_cb, &k[i], 0), "");
	}
	TEST_ASSERT_EQUAL(rte_avq_batch_end(&b), (int)RTE_DIM(k), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT(st.packs > 0, "nothing was packed");
	if (reset) {
		TEST_ASSERT_SUCCESS(rte_avq_engine_reset(f->e), "");
	} else {
		end = avq_test_ms() + 5000;
		do {
			rte_avq_engine_poll(f->e, 64);
			for (got = 0, i = 0; i < RTE_DIM(k); i++)
				got += k[i].done;
		} while (got < RTE_DIM(k) && avq_test_ms() < end);
	}
	for (i = 0; i < RTE_DIM(k); i++) {
		TEST_ASSERT_EQUAL(k[i].done, 1, "command %u: %u callbacks", i,
				  k[i].done);
		TEST_ASSERT_EQUAL(k[i].status, reset ? -ECANCELED : -ETIMEDOUT,
				  "command %u status %d", i, k[i].status);
	}
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(f->e, &st), "");
	TEST_ASSERT_EQUAL(st.inflight, 0, "");
	TEST_ASSERT_EQUAL(reset ? st.canceled : st.timed_out, RTE_DIM(k), "");
	/* Usable again: a packed batch after the device answers. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(f->fx.dev, NULL), "");
	if (!reset)
		TEST_ASSERT_SUCCESS(rte_avq_engine_reset(f->e), "");
	return pk_results(f, true, false);
}

static int
test_engine_pack_timeout(void)
{
	struct pk_fx f;
	int ret = TEST_FAILED;

	/* 500 ms: the commands of the stalled device time out within the
	 * test's wait, and the results checked afterwards on the same
	 * engine do not, even when a busy machine holds the device thread
	 * off its core for tens of milliseconds (50 ms did, once). */
	if (pk_setup(&f, true, 500 * 1000) == 0)
		ret = pk_lost(&f, false);
	pk_teardown(&f);
	return ret;
}
REGISTER_AVQ_TEST(engine_pack_timeout_autotest, test_engine_pack_timeout);

static int
test_engine_pack_reset(void)
{
	struct pk_fx f;
	int ret = TEST_FAILED;

	if (pk_setup(&f, true, 0) == 0)
		ret = pk_lost(&f, true);
	pk_teardown(&f);
	return ret;
}
REGISTER_AVQ_TEST(engine_pack_reset_autotest, test_engine_pack_reset);

/* ---- MULTI_EXEC on the wire, from a driver that gets it wrong ---- */

/* Append one list entry; @return the new length. */
static uint32_t
ml_add(uint8_t *buf, uint32_t len, uint16_t cls, uint16_t cmd,
       const void *out, uint32_t out_len, uint32_t in_cap)
{
	struct avq_multi_cmd mc;

	memset(&mc, 0, sizeof(mc));
	mc.class_id = rte_cpu_to_le_16(cls);
	mc.command = rte_cpu_to_le_16(cmd);
	mc.out_len = rte_cpu_to_le_32(out_len);
	mc.in_cap = rte_cpu_to_le_32(in_cap);
	memcpy(buf + len, &mc, sizeof(mc));
	if (out_len > 0)
		memcpy(buf + len + sizeof(mc), out, out_len);
	return len + sizeof(mc) + AVQ_MULTI_ALIGN(out_len);
}

static void
ml_hdr(uint8_t *buf, uint16_t count)
{
	struct avq_multi_hdr h;

	memset(&h, 0, sizeof(h));
	h.count = rte_cpu_to_le_16(count);
	memcpy(buf, &h, sizeof(h));
}

/* Five FEAT_DEVICE_GETs, the third with 8 bytes of out-data, the fourth
 * with 4 bytes of room; @p fail: the class fails by injection. */
static int
multi_twins_run(struct avq_fx *fx, uint64_t id, uint64_t feat, bool fail)
{
	static const uint8_t want[5] = { AVQ_ACK_OK, AVQ_ACK_OK, AVQ_ACK_INVAL,
					 AVQ_ACK_INVAL, AVQ_ACK_OK };
	struct rte_avq_dev_fault flt = { .fail_class = AVQ_CLASS_FEAT,
					 .fail_command = -1,
					 .fail_ack = AVQ_ACK_AGAIN };
	uint8_t out[256], in[256];
	const struct avq_multi_reply *rp;
	uint32_t len, roff, i, exp_len;
	uint8_t exp;
	int ack;

	len = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_FEAT,
		     AVQ_FEAT_DEVICE_GET, NULL, 0, 8);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, NULL, 0, 8);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, &feat, 8, 8);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, NULL, 0, 4);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, NULL, 0, 8);
	ml_hdr(out, 5);
	if (fail)
		TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(fx->dev, &flt), "");
	memset(in, 0xee, sizeof(in));
	ack = avq_fx_ack(fx, id, AVQ_CLASS_MULTI, AVQ_MULTI_EXEC, out, len,
			 in, 5 * 16);
	if (fail)
		TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(fx->dev, NULL), "");
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "the list of twins");
	for (i = 0, roff = 0; i < 5; i++, roff += 16) {
		rp = (const void *)(in + roff);
		exp = fail ? AVQ_ACK_AGAIN : want[i];
		exp_len = exp == AVQ_ACK_OK ? 8 : 0;
		TEST_ASSERT_EQUAL(rp->ack, avq_fx_want_ack(fx, exp),
				  "entry %u%s: ack %u", i,
				  fail ? " (injected)" : "", rp->ack);
		TEST_ASSERT_EQUAL(rte_le_to_cpu_32(rp->in_len), exp_len,
				  "entry %u: in_len", i);
		if (exp_len != 0)
			TEST_ASSERT(memcmp(rp + 1, &feat, 8) == 0,
				    "entry %u: the features", i);
	}
	return TEST_SUCCESS;
}

static int
multi_twins(struct avq_fx *fx, uint64_t id, uint64_t feat)
{
	TEST_ASSERT_SUCCESS(multi_twins_run(fx, id, feat, false), "");
	return multi_twins_run(fx, id, feat, true);
}

static int
multi_wire_body(struct avq_fx *fx, void *arg)
{
	uint8_t out[512], in[512], st = 0x42;
	const struct avq_multi_reply *rp;
	uint64_t id, seq, feat = 0;
	struct avq_vq vq = { .queue_index = rte_cpu_to_le_16(999) };
	uint32_t len, l2;
	int ack;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(fx->aq, id, &feat), "");

	/* A good list: FEAT_DEVICE_GET, a failing VQ_SIZE_GET, STATUS_SET
	 * with a 1-byte out (padded), STATUS_GET. */
	len = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_FEAT,
		     AVQ_FEAT_DEVICE_GET, NULL, 0, 8);
	len = ml_add(out, len, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_GET, &vq,
		     sizeof(vq), 2);
	st = 0x01;	/* ACKNOWLEDGE */
	len = ml_add(out, len, AVQ_CLASS_STATUS, AVQ_STATUS_SET, &st, 1, 0);
	len = ml_add(out, len, AVQ_CLASS_STATUS, AVQ_STATUS_GET, NULL, 0, 1);
	ml_hdr(out, 4);
	memset(in, 0xee, sizeof(in));
	ack = avq_fx_ack(fx, id, AVQ_CLASS_MULTI, AVQ_MULTI_EXEC, out, len,
			 in, 8 + 16 + 8 + 8 + 8 + 0 + 8 + 8);
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "a good list");
	rp = (const void *)in;
	TEST_ASSERT_EQUAL(rp->ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(rte_le_to_cpu_32(rp->in_len), 8, "");
	TEST_ASSERT(memcmp(rp + 1, &feat, 8) == 0, "features as FEAT_DEVICE_GET");
	rp = (const void *)(in + 16);
	TEST_ASSERT_EQUAL(rp->ack, avq_fx_want_ack(fx, AVQ_ACK_RANGE), "");
	TEST_ASSERT_EQUAL(rte_le_to_cpu_32(rp->in_len), 0, "");
	rp = (const void *)(in + 32);
	TEST_ASSERT_EQUAL(rp->ack, AVQ_ACK_OK, "");
	rp = (const void *)(in + 40);
	TEST_ASSERT_EQUAL(rp->ack, AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(rte_le_to_cpu_32(rp->in_len), 1, "");
	TEST_ASSERT_EQUAL(((const uint8_t *)(rp + 1))[0], 0x01,
			  "STATUS_GET sees the STATUS_SET before it");

	/* Repeated entries ("twins": the device admits an entry like the
	 * one before it without its checks) are each checked as if alone:
	 * one with out-data or with less reply room is no twin and fails
	 * INVAL, and the entries after it still run. An injected failure
	 * hits every twin. */
	TEST_ASSERT_SUCCESS(multi_twins(fx, id, feat), "");

	/* Malformed lists: INVAL, and nothing of them runs. */
	seq = avq_fx_trace_last(fx);
#define ML_BAD(what, olen, ilen) do {					\
	ack = avq_fx_ack(fx, id, AVQ_CLASS_MULTI, AVQ_MULTI_EXEC, out,	\
			 (olen), in, (ilen));				\
	TEST_ASSERT_EQUAL(ack, avq_fx_want_ack(fx, AVQ_ACK_INVAL), what);	\
} while (0)
	len = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_STATUS,
		     AVQ_STATUS_SET, &st, 1, 0);
	ml_hdr(out, 0);
	ML_BAD("count 0", len, 64);
	ml_hdr(out, AVQ_MULTI_MAX + 1);
	ML_BAD("count above the maximum", len, 64);
	ml_hdr(out, 2);
	ML_BAD("count beyond the list", len, 64);
	ml_hdr(out, 1);
	ML_BAD("entry cut short", sizeof(struct avq_multi_hdr) + 8, 64);
	ML_BAD("trailing bytes", len + 8, 64);
	l2 = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_STATUS,
		    AVQ_STATUS_GET, NULL, 0, 1);
	ML_BAD("reply room beyond the in-data", l2, 4);
	l2 = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_STATUS,
		    AVQ_STATUS_SET, &st, 1, 0);
	{
		struct avq_multi_cmd *mc = (void *)(out + sizeof(struct avq_multi_hdr));

		mc->out_len = rte_cpu_to_le_32(0xfffffff0u);
		ML_BAD("out_len wraps", l2, 64);
		mc->out_len = rte_cpu_to_le_32(1);
		mc->in_cap = rte_cpu_to_le_32(0xfffffff8u);
		ML_BAD("in_cap wraps", l2, 64);
		mc->in_cap = 0;
		mc->class_id = rte_cpu_to_le_16(AVQ_CLASS_MULTI);
		mc->command = rte_cpu_to_le_16(AVQ_MULTI_EXEC);
		ML_BAD("nested MULTI_EXEC", l2, 64);
	}
#undef ML_BAD
	TEST_ASSERT_EQUAL(avq_fx_trace_last(fx), seq + 9,
			  "only the nine wrappers were traced: no entry ran");
	/* A list that destroys its own device: the commands after the
	 * destroy fail NOENT, as they would alone (the device keeps no
	 * stale reference to it: under ASan a use after free fails). */
	len = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_FEAT,
		     AVQ_FEAT_DEVICE_GET, NULL, 0, 8);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, NULL, 0,
		     8);
	len = ml_add(out, len, AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY, NULL, 0, 0);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, NULL, 0,
		     8);
	len = ml_add(out, len, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, NULL, 0,
		     8);
	len = ml_add(out, len, AVQ_CLASS_STATUS, AVQ_STATUS_GET, NULL, 0, 1);
	ml_hdr(out, 6);
	ack = avq_fx_ack(fx, id, AVQ_CLASS_MULTI, AVQ_MULTI_EXEC, out, len,
			 in, 16 + 16 + 8 + 16 + 16 + 16);
	TEST_ASSERT_EQUAL(ack, AVQ_ACK_OK, "the list itself");
	rp = (const void *)in;
	TEST_ASSERT_EQUAL(rp->ack, AVQ_ACK_OK, "before the destroy");
	rp = (const void *)(in + 16);
	TEST_ASSERT_EQUAL(rp->ack, AVQ_ACK_OK, "before the destroy, a twin");
	rp = (const void *)(in + 32);
	TEST_ASSERT_EQUAL(rp->ack, AVQ_ACK_OK, "the destroy");
	rp = (const void *)(in + 40);
	TEST_ASSERT_EQUAL(rp->ack, avq_fx_want_ack(fx, AVQ_ACK_NOENT),
			  "after the destroy");
	TEST_ASSERT_EQUAL(rte_le_to_cpu_32(rp->in_len), 0, "");
	rp = (const void *)(in + 56);
	TEST_ASSERT_EQUAL(rp->ack, avq_fx_want_ack(fx, AVQ_ACK_NOENT),
			  "after the destroy, a twin of the entry before");
	TEST_ASSERT_EQUAL(rte_le_to_cpu_32(rp->in_len), 0, "");
	rp = (const void *)(in + 72);
	TEST_ASSERT_EQUAL(rp->ack, avq_fx_want_ack(fx, AVQ_ACK_NOENT),
			  "after the destroy");
	/* For a destroyed device the list fails whole, NOENT. */
	len = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_STATUS,
		     AVQ_STATUS_GET, NULL, 0, 1);
	ml_hdr(out, 1);
	ack = avq_fx_ack(fx, id, AVQ_CLASS_MULTI, AVQ_MULTI_EXEC, out, len,
			 in, 64);
	TEST_ASSERT_EQUAL(ack, avq_fx_want_ack(fx, AVQ_ACK_NOENT), "");
	return TEST_SUCCESS;
}

static int
test_multi_wire(void)
{
	struct avq_fx fx;

	return avq_fx_run_both(&fx, NULL, multi_wire_body, NULL);
}
REGISTER_AVQ_TEST(multi_wire_autotest, test_multi_wire);

static int
multi_unoffered_body(struct avq_fx *fx, void *arg)
{
	uint8_t out[64], in[64];
	uint64_t id, caps = 0;
	uint32_t len;

	RTE_SET_USED(arg);
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	TEST_ASSERT(!(caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_MULTI))),
		    "multi=false: no CAP bit");
	len = ml_add(out, sizeof(struct avq_multi_hdr), AVQ_CLASS_STATUS,
		     AVQ_STATUS_GET, NULL, 0, 1);
	ml_hdr(out, 1);
	TEST_ASSERT_EQUAL(avq_fx_ack(fx, id, AVQ_CLASS_MULTI, AVQ_MULTI_EXEC,
				     out, len, in, sizeof(in)),
			  avq_fx_want_ack(fx, AVQ_ACK_UNSUPP), "");
	return TEST_SUCCESS;
}

static int
test_multi_unoffered(void)
{
	struct rte_avq_dev_params p;
	struct avq_fx fx;

	avq_fx_params(&p);
	p.multi = false;
	return avq_fx_run_both(&fx, &p, multi_unoffered_body, NULL);
}
REGISTER_AVQ_TEST(multi_unoffered_autotest, test_multi_unoffered);
