/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/* Device model behaviour outside the conformance table: its thread, its
 * parameters, DMA windows, several admin queues. */

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "avq_fixture.h"
#include "avq_test.h"


/* CPU time the device thread used over @p ms of idleness, in ns. */
static int
idle_cpu(struct avq_fx *fx, unsigned int ms, uint64_t *cpu, uint64_t *wall)
{
	struct rte_avq_dev_stats s0, s1;
	uint64_t caps, t0;

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	/* Let an adaptive device finish its spin window first. */
	usleep(20 * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s0), "");
	t0 = avq_test_ns();
	usleep(ms * 1000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(fx->dev, &s1), "");
	*wall = avq_test_ns() - t0;
	*cpu = s1.cpu_ns - s0.cpu_ns;
	return TEST_SUCCESS;
}

/*
 * The idle CPU of a device over up to IDLE_WINDOWS windows of 300 ms,
 * the first under 1/20 of its wall time ending the search. A device that
 * spins while idle spins in every window; one window can still read high
 * when the host is so loaded that the test itself runs late (seen once:
 * 459 ms of wall time for a 300 ms window), and then the next one decides.
 * The bound is never relaxed: the reading returned is the last window's.
 */
#define IDLE_WINDOWS	3u

static int
idle_quiet(struct avq_fx *fx, uint64_t *cpu, uint64_t *wall)
{
	unsigned int k;

	for (k = 0; k < IDLE_WINDOWS; k++) {
		TEST_ASSERT_SUCCESS(idle_cpu(fx, 300, cpu, wall), "");
		if (*cpu < *wall / 20)
			break;
		printf("idle window %u: %" PRIu64 " of %" PRIu64
		       " ns busy, measured again\n", k + 1, *cpu, *wall);
	}
	return TEST_SUCCESS;
}

static int
idle_body(struct avq_fx *poll, struct avq_fx *adapt, struct avq_fx *block)
{
	struct rte_avq_dev_params p;
	uint64_t cpu_poll, cpu_adapt, cpu_block, wall;

	avq_fx_params(&p);
	p.idle = RTE_AVQ_DEV_IDLE_POLL;
	TEST_ASSERT_SUCCESS(avq_fx_setup(poll, &p), "");
	TEST_ASSERT_SUCCESS(idle_cpu(poll, 300, &cpu_poll, &wall), "");
	avq_fx_teardown(poll);
	/* The control: a polling device does keep its core busy, so the
	 * measurement below can tell the difference. On a loaded 2-core
	 * machine it still gets well over a tenth of the time. */
	TEST_ASSERT(cpu_poll > wall / 10, "poll used %" PRIu64 " of %" PRIu64
		    " ns", cpu_poll, wall);

	avq_fx_params(&p);
	p.idle = RTE_AVQ_DEV_IDLE_ADAPTIVE;
	TEST_ASSERT_SUCCESS(avq_fx_setup(adapt, &p), "");
	TEST_ASSERT_SUCCESS(idle_quiet(adapt, &cpu_adapt, &wall), "");
	TEST_ASSERT(cpu_adapt < wall / 20, "adaptive idle used %" PRIu64
		    " of %" PRIu64 " ns in the last of %u windows, each over 1/20",
		    cpu_adapt, wall, IDLE_WINDOWS);

	avq_fx_params(&p);
	p.idle = RTE_AVQ_DEV_IDLE_BLOCK;
	TEST_ASSERT_SUCCESS(avq_fx_setup(block, &p), "");
	TEST_ASSERT_SUCCESS(idle_quiet(block, &cpu_block, &wall), "");
	TEST_ASSERT(cpu_block < wall / 20, "blocking idle used %" PRIu64
		    " of %" PRIu64 " ns in the last of %u windows, each over 1/20",
		    cpu_block, wall, IDLE_WINDOWS);
	printf("idle CPU over ~300 ms: poll %.1f ms, adaptive %.2f ms, block %.2f ms\n",
	       cpu_poll / 1e6, cpu_adapt / 1e6, cpu_block / 1e6);
	return TEST_SUCCESS;
}

/* Idle, the device must not burn a core (and a sleeping device still
 * answers at once: the kick wakes it). */
static int
test_dev_idle_no_spin(void)
{
	struct avq_fx a = { 0 }, b = { 0 }, c = { 0 };
	int ret = idle_body(&a, &b, &c);
	uint64_t caps;

	if (ret == TEST_SUCCESS && c.aq != NULL &&
	    rte_avq_cap_get(c.aq, &caps) != 0)
		ret = TEST_FAILED;
	avq_fx_teardown(&a);
	avq_fx_teardown(&b);
	avq_fx_teardown(&c);
	return ret;
}

static int
test_dev_params(void)
{
	struct rte_avq_dev_params p;
	struct rte_avq_dev *d;
	unsigned int i;

	/* Each out-of-range parameter is refused with EINVAL, no device. */
	for (i = 0; i < 8; i++) {
		avq_fx_params(&p);
		switch (i) {
		case 0: p.num_aqs = 0; break;
		case 1: p.num_aqs = RTE_AVQ_DEV_MAX_AQS + 1; break;
		case 2: p.max_aq_size = 100; break;	/* not a power of two */
		case 3: p.max_vdevs = 0; break;
		case 4: p.max_vdevs = RTE_AVQ_DEV_MAX_VDEVS + 1; break;
		case 5: p.max_vq_pairs = 0; break;
		case 6: p.max_vq_size = 1000; break;
		case 7: p.max_vectors = RTE_AVQ_DEV_MAX_VECTORS + 1; break;
		}
		rte_errno = 0;
		d = rte_avq_dev_create(&p);
		TEST_ASSERT(d == NULL, "case %u accepted", i);
		TEST_ASSERT_EQUAL(rte_errno, EINVAL, "case %u", i);
	}
	avq_fx_params(&p);
	d = rte_avq_dev_create(&p);
	TEST_ASSERT_NOT_NULL(d, "defaults refused");
	rte_avq_dev_destroy(d);
	return TEST_SUCCESS;
}

static int
windows_body(struct avq_fx *fx, void *arg __rte_unused)
{
	uint8_t *mem;
	uint64_t dma;

	mem = avq_fx_dma_alloc(fx, 8192, &dma);
	TEST_ASSERT_NOT_NULL(mem, "");
	/* Overlapping windows and empty or wrapping ones are refused. */
	TEST_ASSERT_EQUAL(rte_avq_dev_dma_map(fx->dev, dma + 4096, 8192,
					      mem + 4096), -EEXIST, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_dma_map(fx->dev, dma, 0, mem), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_dma_map(fx->dev, UINT64_MAX - 10, 100,
					      mem), -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_dma_unmap(fx->dev, dma + 1, 8192),
			  -ENOENT, "");
	/* A device DMA outside every window fails: the device touches no
	 * driver memory it was not given. */
	{
		uint64_t id, v = 0;

		TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
		TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(fx->dev, id, 0, dma,
							 &v, 8, false), "");
		TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(fx->dev, id, 0,
						       dma + 8192 - 4, &v, 8,
						       false), -EFAULT, "");
	}
	return TEST_SUCCESS;
}

static int
test_dev_dma_windows(void)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, NULL, windows_body, NULL);
}

static int
multi_aq_body(struct avq_fx *fx, struct rte_avq_aq **aq1)
{
	struct avq_aq_info info;
	struct rte_avq_dev_trace_entry e[8];
	uint64_t id, last, f;
	int n, i, seen1 = 0;

	TEST_ASSERT_SUCCESS(rte_avq_aq_info_get(fx->aq, &info), "");
	TEST_ASSERT_EQUAL(avq_le16(info.num_aqs), 2, "");
	*aq1 = rte_avq_aq_create(&fx->t, 1, 0, SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(*aq1, "second admin queue");
	/* A device created through AQ 0 is driven through AQ 1 too: the
	 * queues share one management device. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	last = avq_fx_trace_last(fx);
	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(*aq1, id, &f), "");
	TEST_ASSERT(f != 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(*aq1, id, false), "");
	n = avq_fx_trace(fx, last, e, RTE_DIM(e));
	for (i = 0; i < n; i++)
		seen1 += e[i].aq == 1;
	TEST_ASSERT_EQUAL(seen1, n, "commands after creation ran on AQ 1");
	TEST_ASSERT(n >= 2, "");
	/* A third queue does not exist. */
	TEST_ASSERT(rte_avq_aq_create(&fx->t, 2, 0, SOCKET_ID_ANY) == NULL, "");
	return TEST_SUCCESS;
}

static int
test_dev_multi_aq(void)
{
	struct rte_avq_dev_params p;
	struct rte_avq_aq *aq1 = NULL;
	struct avq_fx fx;
	int ret;

	avq_fx_params(&p);
	p.num_aqs = 2;
	TEST_ASSERT_SUCCESS(avq_fx_setup(&fx, &p), "");
	ret = multi_aq_body(&fx, &aq1);
	if (aq1 != NULL)
		rte_avq_aq_free(aq1);
	avq_fx_teardown(&fx);
	return ret;
}

static int
restart_body(struct avq_fx *fx, void *arg __rte_unused)
{
	uint64_t id, caps;
	uint8_t st;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(fx, &id), "");
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(fx, id), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stop(fx->dev), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_start(fx->dev), "");
	/* State survives a stop/start of the device thread. */
	TEST_ASSERT_SUCCESS(rte_avq_status_get(fx->aq, id, &st), "");
	TEST_ASSERT_EQUAL(st, AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
			  AVQ_STATUS_FEATURES_OK, "");
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(fx->aq, &caps), "");
	return TEST_SUCCESS;
}

static int
test_dev_restart(void)
{
	struct avq_fx fx;

	return avq_fx_run(&fx, NULL, restart_body, NULL);
}

REGISTER_AVQ_TEST(dev_idle_no_spin_autotest, test_dev_idle_no_spin);
REGISTER_AVQ_TEST(dev_params_autotest, test_dev_params);
REGISTER_AVQ_TEST(dev_dma_windows_autotest, test_dev_dma_windows);
REGISTER_AVQ_TEST(dev_multi_aq_autotest, test_dev_multi_aq);
REGISTER_AVQ_TEST(dev_restart_autotest, test_dev_restart);
