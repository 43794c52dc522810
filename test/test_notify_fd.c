/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Doorbells in a file: rte_avq_dev_notify_fd() and the sim transport's
 * notify_fd give the memfd page behind a VQ_NOTIFY_GET address; a store
 * through another mapping of it (what a vhost-user frontend's host
 * notifier does) reaches a sleeping device thread with no wake, because
 * the thread's sleep is bounded while a handed-out notify area runs; a
 * device whose notify area never went out keeps its idle timeout.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "avq_test.h"
#include "avq_fixture.h"

#define NF_RING_SIZE	64
#define NF_PAGE		4096u
/* Long enough that a doorbell seen within NF_SEEN_MS cannot be its work. */
#define NF_IDLE_TIMEOUT_MS	5000
#define NF_SEEN_MS	500
#define NF_ASLEEP_MS	20
#define NF_IDLE		0xffffu


/* A managed net device at DRIVER_OK with queue 0 enabled. */
static int
nf_net_running(struct avq_fx *fx, uint64_t *id)
{
	struct rte_avq_vq_params p;
	size_t dlen = RTE_ALIGN_CEIL(AVQ_DESC_AREA_SIZE(NF_RING_SIZE), 64);
	size_t alen = RTE_ALIGN_CEIL(AVQ_AVAIL_AREA_SIZE(NF_RING_SIZE), 64);
	size_t ulen = RTE_ALIGN_CEIL(AVQ_USED_AREA_SIZE(NF_RING_SIZE), 64);
	uint64_t dma;
	int ret;

	ret = avq_fx_create_net(fx, id);
	if (ret == 0)
		ret = avq_fx_features_ok(fx, *id);
	if (ret != 0)
		return ret;
	if (avq_fx_dma_alloc(fx, dlen + alen + ulen, &dma) == NULL)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.size = NF_RING_SIZE;
	p.desc = dma;
	p.driver = dma + dlen;
	p.device = dma + dlen + alen;
	ret = rte_avq_vq_setup(fx->aq, *id, 0, &p);
	if (ret == 0)
		ret = rte_avq_status_set(fx->aq, *id, AVQ_STATUS_ACKNOWLEDGE |
					 AVQ_STATUS_DRIVER |
					 AVQ_STATUS_FEATURES_OK |
					 AVQ_STATUS_DRIVER_OK);
	return ret;
}

static uint16_t
nf_slot(const void *addr)
{
	const uint16_t *slot = addr;

	/* Acquire: pairs with the device's exchange of the slot. */
	return rte_le_to_cpu_16(__atomic_load_n(slot, __ATOMIC_ACQUIRE));
}

static void
nf_ring(void *addr, uint16_t q)
{
	uint16_t *slot = addr;

	/* Release: pairs with the device's exchange of the slot
	 * (avq_vdev_doorbells()). */
	__atomic_store_n(slot, rte_cpu_to_le_16(q), __ATOMIC_RELEASE);
}

/* Wait (without waking the device: only reading the slot) until the
 * doorbell at @p addr is consumed; its age in ms, or -1 after @p max_ms. */
static int64_t
nf_wait_consumed(const void *addr, uint64_t max_ms)
{
	uint64_t t0 = avq_test_ms();

	while (nf_slot(addr) != NF_IDLE) {
		if (avq_test_ms() - t0 > max_ms)
			return -1;
		rte_delay_us_sleep(100);
	}
	return (int64_t)(avq_test_ms() - t0);
}

static int
notify_fd_body(struct avq_fx *fx, void *arg __rte_unused)
{
	uint64_t id, n0, n1, len, off0 = 0, off1 = 0, size = 0, o2, s2;
	int fd = -1, fd1 = -1, f2, ret;
	int64_t ms;
	void *page;

	TEST_ASSERT_SUCCESS(nf_net_running(fx, &id), "running device");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(fx->aq, id, 0, &n0, &len), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(fx->aq, id, 1, &n1, &len), "");
	TEST_ASSERT_NOT_NULL(fx->t.ops->notify_fd, "sim without notify_fd");

	/* Bad input: a clear error, nothing handed out. */
	TEST_ASSERT_EQUAL(rte_avq_dev_notify_fd(NULL, n0, &fd, &off0, &size),
			  -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_notify_fd(fx->dev, n0, NULL, &off0, &size),
			  -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_notify_fd(fx->dev, n0, &fd, NULL, &size),
			  -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_notify_fd(fx->dev, n0, &fd, &off0, NULL),
			  -EINVAL, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_notify_fd(fx->dev, 1, &fd, &off0, &size),
			  -ENOENT, "address in no notify area");
	TEST_ASSERT_EQUAL(fx->t.ops->notify_fd(fx->t.ctx,
					       (uint64_t)(uintptr_t)&id, &fd,
					       &off0, &size),
			  -ENOENT, "stack address");

	/* Not handed out: the thread keeps its idle timeout, so a doorbell
	 * stored with no wake waits (an idle device does not poll). */
	rte_delay_us_sleep(NF_ASLEEP_MS * 1000);
	nf_ring((void *)(uintptr_t)n0, 0);
	rte_delay_us_sleep(100 * 1000);
	TEST_ASSERT_EQUAL(nf_slot((void *)(uintptr_t)n0), 0,
			  "doorbell consumed by a sleeping device with no notifier");

	/* The file behind it: one page per queue. */
	ret = fx->t.ops->notify_fd(fx->t.ctx, n0, &fd, &off0, &size);
	TEST_ASSERT_SUCCESS(ret, "notify_fd of queue 0: %d", ret);
	TEST_ASSERT_SUCCESS(fx->t.ops->notify_fd(fx->t.ctx, n1, &fd1, &off1,
						  &s2), "");
	TEST_ASSERT(fd >= 0 && fd1 == fd, "fds %d and %d", fd, fd1);
	TEST_ASSERT_EQUAL(size, NF_PAGE, "size %" PRIu64, size);
	TEST_ASSERT_EQUAL(off0 % NF_PAGE, 0, "");
	TEST_ASSERT_EQUAL(off1 - off0, n1 - n0, "offsets %" PRIu64 " %" PRIu64,
			  off0, off1);
	/* Any address in the page gives the page. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_notify_fd(fx->dev, n0 + 2, &f2, &o2,
						  &s2), "");
	TEST_ASSERT(f2 == fd && o2 == off0 && s2 == NF_PAGE, "");
	/* That call woke the thread: the waiting doorbell is consumed. */
	TEST_ASSERT(nf_wait_consumed((void *)(uintptr_t)n0, NF_SEEN_MS) >= 0,
		    "doorbell still waiting");

	/* Another mapping of the page (a frontend's): a doorbell stored
	 * there with no wake is seen by the sleeping thread within its
	 * bounded sleep, far below the idle timeout. */
	page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)off0);
	TEST_ASSERT(page != MAP_FAILED, "mmap of the notify page");
	rte_delay_us_sleep(NF_ASLEEP_MS * 1000);
	nf_ring(page, 0);
	ms = nf_wait_consumed((void *)(uintptr_t)n0, NF_SEEN_MS);
	if (ms >= 0) {
		rte_delay_us_sleep(NF_ASLEEP_MS * 1000);
		nf_ring(page, 0);
		ms = nf_wait_consumed(page, NF_SEEN_MS);
	}
	munmap(page, size);
	TEST_ASSERT(ms >= 0, "page doorbell not seen within %u ms", NF_SEEN_MS);
	printf("page doorbell seen by a sleeping device after %" PRId64 " ms\n",
	       ms);
	return TEST_SUCCESS;
}

static int
test_dev_notify_fd(void)
{
	struct rte_avq_dev_params p;
	struct avq_fx fx;

	avq_fx_params(&p);
	p.idle = RTE_AVQ_DEV_IDLE_BLOCK;
	p.idle_timeout_ms = NF_IDLE_TIMEOUT_MS;
	return avq_fx_run(&fx, &p, notify_fd_body, NULL);
}

REGISTER_AVQ_TEST(dev_notify_fd_autotest, test_dev_notify_fd);
