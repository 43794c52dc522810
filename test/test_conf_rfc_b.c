/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Conformance, part B: one test per normative statement of the RFC "admin
 * virtqueue as a new transport" (seed 000) in the sections MSI
 * Configuration, Virtqueue Address, Virtqueue Status, Virtqueue Size,
 * Virtqueue Notification and Device MMU. The statement -> test table is
 * doc/guides/prog_guide/conformance_b.rst.
 *
 * Device statements are checked through the rings (raw acks, then the state
 * read back, then a command that must still work); driver statements are
 * checked against lib/avq's rte_avq_cmd.h, by what the device trace shows.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "avq_test.h"
#include "avq_fixture.h"

/* ---- Harness ---- */

#define CB_WAIT_MS	2000
#define CB_RING_SIZE	64
/* An IOVA range nobody maps (well below the reserved MSI region). */
#define CB_IOVA_UNMAPPED	0x40000000ull

struct cb {
	struct avq_fx fx;	/* fx.strict: the device answers only 0/1 */
};

typedef int (*cb_body)(struct cb *c);

static int
cb_call(struct avq_fx *fx, void *arg)
{
	return (*(cb_body *)arg)(container_of(fx, struct cb, fx));
}

/*
 * Run @p body on a default device, where a failure must carry the specific
 * ack of the protocol guide, then on a strict one, where it must be 1.
 */
static int
cb_run(cb_body body)
{
	struct cb c;

	return avq_fx_run_both(&c.fx, NULL, cb_call, &body);
}

/* Rings of @p size entries in DMA memory, laid out for rte_avq_vq_setup. */
static int
cb_rings(struct cb *c, uint16_t size, struct rte_avq_vq_params *p)
{
	size_t dlen = RTE_ALIGN_CEIL(AVQ_DESC_AREA_SIZE(size), 64);
	size_t alen = RTE_ALIGN_CEIL(AVQ_AVAIL_AREA_SIZE(size), 64);
	size_t ulen = RTE_ALIGN_CEIL(AVQ_USED_AREA_SIZE(size), 64);
	uint64_t dma;

	memset(p, 0, sizeof(*p));
	if (avq_fx_dma_alloc(&c->fx, dlen + alen + ulen, &dma) == NULL)
		return -ENOMEM;
	p->size = size;
	p->desc = dma;
	p->driver = dma + dlen;
	p->device = dma + dlen + alen;
	return 0;
}

/* A managed net device at DRIVER_OK with queue 0 enabled (1 stays off). */
static int
cb_net_running(struct cb *c, uint64_t *id)
{
	struct rte_avq_vq_params p;
	int ret;

	ret = avq_fx_create_net(&c->fx, id);
	if (ret == 0)
		ret = avq_fx_features_ok(&c->fx, *id);
	if (ret == 0)
		ret = cb_rings(c, CB_RING_SIZE, &p);
	if (ret == 0)
		ret = rte_avq_vq_setup(c->fx.aq, *id, 0, &p);
	if (ret == 0)
		ret = rte_avq_status_set(c->fx.aq, *id, AVQ_STATUS_ACKNOWLEDGE |
					 AVQ_STATUS_DRIVER |
					 AVQ_STATUS_FEATURES_OK |
					 AVQ_STATUS_DRIVER_OK);
	return ret;
}

static uint64_t
cb_doorbells(const struct rte_avq_dev_vdev_info *vi)
{
	uint64_t n = vi->notifies_ignored;
	unsigned int i;

	for (i = 0; i < RTE_DIM(vi->notifies); i++)
		n += vi->notifies[i];
	return n;
}

/* The driver's doorbell: the le16 queue index at the notify address. */
static void
cb_ring_doorbell(uint64_t addr, uint16_t val)
{
	uint16_t *slot = (uint16_t *)(uintptr_t)addr;

	/* Release: pairs with the device's atomic exchange of the slot when
	 * it consumes the doorbell (avq_vdev_doorbells()). */
	__atomic_store_n(slot, rte_cpu_to_le_16(val), __ATOMIC_RELEASE);
}

/*
 * Wait until device @p id consumed one more doorbell than @p before shows;
 * @p after receives the counters. Each round runs an AQ command, which
 * wakes the device thread, and its loop then looks at the notify areas.
 */
static int
cb_wait_doorbell(struct cb *c, uint64_t id,
		 const struct rte_avq_dev_vdev_info *before,
		 struct rte_avq_dev_vdev_info *after)
{
	uint64_t t0 = avq_test_ms();
	const uint16_t *slot;
	unsigned int i, q;

	for (i = 0; i < CB_WAIT_MS; i++) {
		(void)avq_fx_status(&c->fx, id);
		if (rte_avq_dev_vdev_info(c->fx.dev, id, after) < 0)
			return -ENOENT;
		if (cb_doorbells(after) != cb_doorbells(before))
			return 0;
		rte_delay_us_sleep(1000);
	}
	/* Say what the device and its notify area looked like: a timeout
	 * seen once in CI could not be told apart from a slow machine. */
	printf("  doorbell wait of device %" PRIu64 " timed out after %" PRIu64
	       " ms (%u rounds): status 0x%02x, ignored %" PRIu64 "\n", id,
	       avq_test_ms() - t0, i, after->status, after->notifies_ignored);
	for (q = 0; q < after->num_queues && q < RTE_DIM(after->notifies); q++) {
		slot = (const uint16_t *)(uintptr_t)(after->notify_area +
				(uint64_t)q * (after->notify_area_size /
					       after->num_queues));
		printf("    queue %u: notifies %" PRIu64 " slot 0x%04x\n", q,
		       after->notifies[q],
		       rte_le_to_cpu_16(__atomic_load_n(slot,
							 __ATOMIC_RELAXED)));
	}
	return -ETIMEDOUT;
}

/* Trace entries of device @p id after @p seq, in order. */
static int
cb_trace_of(struct cb *c, uint64_t seq, uint64_t id,
	    struct rte_avq_dev_trace_entry *e, unsigned int n)
{
	struct rte_avq_dev_trace_entry all[128];
	unsigned int k = 0;
	int i, got;

	got = avq_fx_trace(&c->fx, seq, all, RTE_DIM(all));
	for (i = 0; i < got && k < n; i++)
		if (all[i].device_id == id)
			e[k++] = all[i];
	return (int)k;
}

/* ================= MSI Configuration ================= */

/* "The virtual device MUST record the pending MSI interrupt and generate
 * the MSI interrupt is it was pending after unmasking." */
static int
msi_pending_after_unmask(struct cb *c)
{
	const uint32_t vec = 5, data = 0x1234abcd;
	uint32_t got = 0;
	uint64_t id, n0;
	int fd;

	fd = avq_fx_vector_fd(&c->fx, vec);
	TEST_ASSERT(fd >= 0, "vector fd");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_set(c->fx.aq, id, 0, vec, data), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_enable(c->fx.aq, id, 0, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_mask(c->fx.aq, id, 0, true), "");
	n0 = avq_fx_vector_delivered(&c->fx, vec, NULL);
	TEST_ASSERT_EQUAL(n0, 0, "nothing raised yet");

	/* Two events while masked: recorded, not delivered. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, vec, NULL), 0, "delivered while masked");
	TEST_ASSERT_EQUAL(avq_fx_eventfd_count(fd), 0, "eventfd while masked");

	/* Unmask: the pending interrupt fires, once, with its data. */
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_mask(c->fx.aq, id, 0, false), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, vec, &got), 1, "pending not fired");
	TEST_ASSERT_EQUAL(got, data, "MSI data");
	TEST_ASSERT_EQUAL(avq_fx_eventfd_count(fd), 1, "eventfd after unmask");

	/* Nothing left pending: another mask/unmask cycle delivers nothing. */
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_mask(c->fx.aq, id, 0, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_mask(c->fx.aq, id, 0, false), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, vec, NULL), 1, "pending fired twice");

	/* Unmasked, an event is delivered at once. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, vec, NULL), 2, "unmasked event");
	return TEST_SUCCESS;
}

/* "The virtual MUST disable the MSI for both virtqueue and config space
 * upon reset." */
static int
msi_reset_disables(struct cb *c)
{
	const uint32_t vq_vec = 6, cfg_vec = 7;
	uint64_t id;

	TEST_ASSERT(avq_fx_vector_fd(&c->fx, vq_vec) >= 0, "");
	TEST_ASSERT(avq_fx_vector_fd(&c->fx, cfg_vec) >= 0, "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_set(c->fx.aq, id, 0, vq_vec, 0x11), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_enable(c->fx.aq, id, 0, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_set(c->fx.aq, id, cfg_vec, 0x22), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_enable(c->fx.aq, id, true), "");

	/* Both work before the reset. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(c->fx.dev, id, false), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, vq_vec, NULL), 1, "vq MSI before reset");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, cfg_vec, NULL), 1,
			  "config MSI before reset");

	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, id), "reset");

	/* After it, neither fires. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(c->fx.dev, id, true), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, vq_vec, NULL), 1,
			  "vq MSI still enabled after reset");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, cfg_vec, NULL), 1,
			  "config MSI still enabled after reset");
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, id), 0, "device serves commands");
	return TEST_SUCCESS;
}

/* "The driver MUST allocate transport or platform specific MSI entries for
 * both virtqueue and config space if it wants to use interrupt." */
static int
msi_driver_allocates(struct cb *c)
{
	struct rte_avq_dev_trace_entry e[16];
	struct rte_avq_dev_stats s0, s1;
	struct rte_avq_vq_params p;
	struct rte_avq_result res;
	struct avq_vq_u8 en = { .queue_index = avq_to_le16(0), .value = 1 };
	uint8_t one = 1;
	uint32_t got = 0;
	uint64_t id, seq;
	int i, n, set_at = -1, en_at = -1, vq_at = -1;

	TEST_ASSERT(avq_fx_vector_fd(&c->fx, 8) >= 0, "");
	TEST_ASSERT(avq_fx_vector_fd(&c->fx, 9) >= 0, "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");

	/* Without an entry there is nothing to enable: the device refuses. */
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE,
				    &en, sizeof(en), NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "vq MSI enable without entry");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE,
				    &one, 1, NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "config MSI enable without entry");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(c->fx.dev, &s0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(c->fx.dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.interrupts, s0.interrupts,
			  "interrupt without an MSI entry");

	/* The driver side: the entry (MSI_VQ_SET) goes out before the
	 * enable, and both before the queue is enabled. */
	TEST_ASSERT_SUCCESS(cb_rings(c, CB_RING_SIZE, &p), "");
	p.msi = true;
	p.vector = 8;
	p.data = 0x77;
	seq = avq_fx_trace_last(&c->fx);
	TEST_ASSERT_SUCCESS(rte_avq_vq_setup(c->fx.aq, id, 0, &p), "vq setup");
	n = cb_trace_of(c, seq, id, e, RTE_DIM(e));
	for (i = 0; i < n; i++) {
		if (e[i].class_id == AVQ_CLASS_MSI &&
		    e[i].command == AVQ_MSI_VQ_SET && set_at < 0)
			set_at = i;
		if (e[i].class_id == AVQ_CLASS_MSI &&
		    e[i].command == AVQ_MSI_VQ_ENABLE && en_at < 0)
			en_at = i;
		if (e[i].class_id == AVQ_CLASS_VQ_ENABLE &&
		    e[i].command == AVQ_VQ_ENABLE_SET && vq_at < 0)
			vq_at = i;
	}
	TEST_ASSERT(set_at >= 0 && en_at > set_at && vq_at > en_at,
		    "order MSI_VQ_SET %d, MSI_VQ_ENABLE %d, VQ_ENABLE %d",
		    set_at, en_at, vq_at);
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, 8, &got), 1, "vq interrupt");
	TEST_ASSERT_EQUAL(got, 0x77, "vq MSI data");

	/* Config space: entry, then enable, then it is used. */
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_set(c->fx.aq, id, 9, 0x88), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(c->fx.dev, id, false), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, 9, &got), 1, "config interrupt");
	TEST_ASSERT_EQUAL(got, 0x88, "config MSI data");

	/* An entry naming a vector the transport never bound delivers
	 * nothing: the interrupt is lost, which is why the driver must
	 * allocate (bind) it. */
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_set(c->fx.aq, id, 1, 10, 0x99), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_enable(c->fx.aq, id, 1, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(c->fx.dev, &s0), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 1), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(c->fx.dev, &s1), "");
	TEST_ASSERT_EQUAL(s1.interrupts_lost, s0.interrupts_lost + 1,
			  "unbound vector");
	TEST_ASSERT_EQUAL(s1.interrupts, s0.interrupts, "unbound vector");
	return TEST_SUCCESS;
}

/* "The driver MAY choose disable the MSI if polling is used." */
static int
msi_driver_polling(struct cb *c)
{
	struct rte_avq_dev_trace_entry e[16];
	struct rte_avq_vq_params p;
	uint64_t id, seq;
	bool on = false;
	int i, n;

	TEST_ASSERT(avq_fx_vector_fd(&c->fx, 11) >= 0, "");
	TEST_ASSERT(avq_fx_vector_fd(&c->fx, 12) >= 0, "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");

	/* A polled queue: the driver sends no MSI command at all. */
	TEST_ASSERT_SUCCESS(cb_rings(c, CB_RING_SIZE, &p), "");
	seq = avq_fx_trace_last(&c->fx);
	TEST_ASSERT_SUCCESS(rte_avq_vq_setup(c->fx.aq, id, 0, &p), "");
	n = cb_trace_of(c, seq, id, e, RTE_DIM(e));
	TEST_ASSERT(n > 0, "no trace");
	for (i = 0; i < n; i++)
		TEST_ASSERT(e[i].class_id != AVQ_CLASS_MSI,
			    "MSI command %u for a polled queue", e[i].command);
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 0, &on), "");
	TEST_ASSERT(on, "polled queue not enabled");

	/* Disabling a working vq MSI stops its interrupts. */
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_set(c->fx.aq, id, 0, 11, 1), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_enable(c->fx.aq, id, 0, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, 11, NULL), 1, "enabled vq MSI");
	TEST_ASSERT_SUCCESS(rte_avq_msi_vq_enable(c->fx.aq, id, 0, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_interrupt(c->fx.dev, id, 0), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, 11, NULL), 1, "disabled vq MSI fired");

	/* Same for the config interrupt. */
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_set(c->fx.aq, id, 12, 2), "");
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(c->fx.dev, id, false), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, 12, NULL), 1, "enabled config MSI");
	TEST_ASSERT_SUCCESS(rte_avq_msi_config_enable(c->fx.aq, id, false), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_net_link_set(c->fx.dev, id, true), "");
	TEST_ASSERT_EQUAL(avq_fx_vector_delivered(&c->fx, 12, NULL), 1,
			  "disabled config MSI fired");
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, id), 0, "device serves commands");
	return TEST_SUCCESS;
}

/* ================= Virtqueue Address ================= */

/* "The management device MUST fail the commands of class
 * VIRTIO_ADMIN_CTRL_VQ_ADDR if device_id is zero." */
static int
vqaddr_devid_zero(struct cb *c)
{
	struct rte_avq_vq_params p;
	struct rte_avq_result res;
	struct avq_vq_addr a;
	struct avq_vq_u8 en = { .queue_index = avq_to_le16(0), .value = 1 };
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(cb_rings(c, CB_RING_SIZE, &p), "");
	a.queue_index = avq_to_le16(0);
	a.device_area = avq_to_le64(p.device);
	a.descriptor_area = avq_to_le64(p.desc);
	a.driver_area = avq_to_le64(p.driver);

	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VQ_ADDR,
				    AVQ_VQ_ADDR_SET, &a, sizeof(a), NULL, 0,
				    &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "VQ_ADDR_SET with device_id 0");
	TEST_ASSERT_EQUAL(res.in_len, 0, "in-data on failure");

	/* Nothing landed on the managed device: its queue 0 still has no
	 * address, so enabling it is refused. */
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_VQ_ENABLE,
				    AVQ_VQ_ENABLE_SET, &en, sizeof(en), NULL, 0,
				    &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL), "queue got an address");

	/* The device still serves the same command for a managed device. */
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
				    &a, sizeof(a), NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, AVQ_ACK_OK, "VQ_ADDR_SET for the vdev");
	return TEST_SUCCESS;
}

/* ================= Virtqueue Status ================= */

/* "When disabled, the virtual device MUST stop processing requests from
 * this virtqueue." */
static int
vqstatus_disabled_stops(struct cb *c)
{
	struct rte_avq_dev_vdev_info b, a;
	uint64_t id, n0, n1, sz;
	bool on = true;

	TEST_ASSERT_SUCCESS(cb_net_running(c, &id), "running device");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, id, 0, &n0, &sz), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, id, 1, &n1, &sz), "");

	/* Enabled queue 0: its doorbell is processed. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &b), "");
	cb_ring_doorbell(n0, 0);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, id, &b, &a), "doorbell q0");
	TEST_ASSERT_EQUAL(a.notifies[0], b.notifies[0] + 1, "q0 processed");
	TEST_ASSERT_EQUAL(a.notifies_ignored, b.notifies_ignored, "");

	/* Queue 1 was never enabled: ignored. */
	b = a;
	cb_ring_doorbell(n1, 1);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, id, &b, &a), "doorbell q1");
	TEST_ASSERT_EQUAL(a.notifies[1], b.notifies[1], "disabled q1 processed");
	TEST_ASSERT_EQUAL(a.notifies_ignored, b.notifies_ignored + 1, "");

	/* Queue 0 disabled: ignored from then on. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_set(c->fx.aq, id, 0, false),
			    "disable q0");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 0, &on), "");
	TEST_ASSERT(!on, "q0 still enabled");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &b), "");
	cb_ring_doorbell(n0, 0);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, id, &b, &a), "doorbell q0 off");
	TEST_ASSERT_EQUAL(a.notifies[0], b.notifies[0], "disabled q0 processed");
	TEST_ASSERT_EQUAL(a.notifies_ignored, b.notifies_ignored + 1, "");
	return TEST_SUCCESS;
}

/* "The management device MUST present a 0 via
 * VIRTIO_ADMIN_CTRL_VQ_ENABLE_GET on reset of the virtual device." */
static int
vqstatus_reset_zero(struct cb *c)
{
	struct rte_avq_dev_vdev_info vi;
	struct rte_avq_result res;
	struct avq_vq q;
	uint8_t v;
	uint64_t id;
	uint16_t i;
	bool on = false;

	TEST_ASSERT_SUCCESS(cb_net_running(c, &id), "running device");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 0, &on), "");
	TEST_ASSERT(on, "q0 not enabled before reset");

	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, id), "reset");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT(vi.num_queues >= 3, "num_queues %u", vi.num_queues);
	for (i = 0; i < vi.num_queues; i++) {
		q.queue_index = avq_to_le16(i);
		v = 0xee;
		TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_VQ_ENABLE,
					    AVQ_VQ_ENABLE_GET, &q, sizeof(q),
					    &v, 1, &res), "");
		TEST_ASSERT_EQUAL(res.ack, AVQ_ACK_OK, "q%u", i);
		TEST_ASSERT_EQUAL(res.in_len, 1, "q%u", i);
		TEST_ASSERT_EQUAL(v, 0, "ENABLE_GET q%u after reset", i);
	}
	return TEST_SUCCESS;
}

/* "The management device MUST fail the virtqueue status access if
 * device_id is zero." */
static int
vqstatus_devid_zero(struct cb *c)
{
	struct rte_avq_vq_params p;
	struct rte_avq_result res;
	struct avq_vq_u8 en = { .queue_index = avq_to_le16(0), .value = 1 };
	struct avq_vq q = { .queue_index = avq_to_le16(0) };
	uint8_t v = 0xee;
	uint64_t id;
	bool on = true;

	/* A managed device whose queue 0 could be enabled. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(cb_rings(c, CB_RING_SIZE, &p), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_set(c->fx.aq, id, 0, p.size), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_addr_set(c->fx.aq, id, 0, p.desc,
						p.driver, p.device), "");

	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VQ_ENABLE,
				    AVQ_VQ_ENABLE_SET, &en, sizeof(en), NULL, 0,
				    &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "ENABLE_SET device_id 0");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VQ_ENABLE,
				    AVQ_VQ_ENABLE_GET, &q, sizeof(q), &v, 1,
				    &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "ENABLE_GET device_id 0");
	TEST_ASSERT_EQUAL(res.in_len, 0, "in-data on failure");

	/* The managed device's queue is untouched, and still enables. */
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 0, &on), "");
	TEST_ASSERT(!on, "queue enabled by a device_id 0 command");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_set(c->fx.aq, id, 0, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 0, &on), "");
	TEST_ASSERT(on, "");
	return TEST_SUCCESS;
}

/* "The driver MUST configure the other virtqueue fields before enabling
 * the virtqueue with VIRTIO_ADMIN_CTRL_VQ_ENABLE_SET." */
static int
vqstatus_driver_config_first(struct cb *c)
{
	static const uint16_t want[][2] = {
		{ AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET },
		{ AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET },
		{ AVQ_CLASS_MMU, AVQ_MMU_ASID_SET },
		{ AVQ_CLASS_MSI, AVQ_MSI_VQ_SET },
		{ AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE },
		{ AVQ_CLASS_VQ_ENABLE, AVQ_VQ_ENABLE_SET },
	};
	struct rte_avq_dev_trace_entry e[16];
	struct rte_avq_vq_params p;
	struct rte_avq_result res;
	struct avq_vq_u8 en = { .queue_index = avq_to_le16(1), .value = 1 };
	uint64_t id, seq;
	unsigned int i;
	bool on = true;
	int n;

	TEST_ASSERT(avq_fx_vector_fd(&c->fx, 13) >= 0, "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");

	/* Driver: every field, then the enable, last. */
	TEST_ASSERT_SUCCESS(cb_rings(c, CB_RING_SIZE, &p), "");
	p.msi = true;
	p.vector = 13;
	p.data = 1;
	p.asid_set = true;
	p.asid = 0;
	seq = avq_fx_trace_last(&c->fx);
	TEST_ASSERT_SUCCESS(rte_avq_vq_setup(c->fx.aq, id, 0, &p), "");
	n = cb_trace_of(c, seq, id, e, RTE_DIM(e));
	TEST_ASSERT_EQUAL(n, RTE_DIM(want), "commands sent by vq_setup");
	for (i = 0; i < RTE_DIM(want); i++) {
		TEST_ASSERT(e[i].class_id == want[i][0] &&
			    e[i].command == want[i][1],
			    "step %u: class %u cmd %u, want %u/%u", i,
			    e[i].class_id, e[i].command, want[i][0],
			    want[i][1]);
		TEST_ASSERT_EQUAL(e[i].ack, AVQ_ACK_OK, "step %u", i);
	}

	/* Driver: a field the device refuses stops the setup before the
	 * enable (desc misaligned: 16 bytes required). */
	TEST_ASSERT_SUCCESS(cb_rings(c, CB_RING_SIZE, &p), "");
	p.desc += 8;
	seq = avq_fx_trace_last(&c->fx);
	TEST_ASSERT(rte_avq_vq_setup(c->fx.aq, id, 1, &p) < 0,
		    "setup with a bad address succeeded");
	n = cb_trace_of(c, seq, id, e, RTE_DIM(e));
	for (i = 0; i < (unsigned int)n; i++)
		TEST_ASSERT(e[i].class_id != AVQ_CLASS_VQ_ENABLE,
			    "VQ_ENABLE sent after a failed field");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 1, &on), "");
	TEST_ASSERT(!on, "q1 enabled");

	/* Device: a queue without an address cannot be enabled. */
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_VQ_ENABLE,
				    AVQ_VQ_ENABLE_SET, &en, sizeof(en), NULL, 0,
				    &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "enable without an address");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 1, &on), "");
	TEST_ASSERT(!on, "q1 enabled without an address");
	TEST_ASSERT_SUCCESS(rte_avq_vq_enable_get(c->fx.aq, id, 0, &on), "");
	TEST_ASSERT(on, "q0 lost its enable");
	return TEST_SUCCESS;
}

/* ================= Virtqueue Size ================= */

/* "The management device MUST fail the virtqueue size access if
 * device_id is zero." */
static int
vqsize_devid_zero(struct cb *c)
{
	struct rte_avq_result res;
	struct avq_vq_size_set s = {
		.queue_index = avq_to_le16(0), .size = avq_to_le16(64),
	};
	struct avq_vq q = { .queue_index = avq_to_le16(0) };
	struct avq_vq_size got = { .size = 0 };
	uint16_t before = 0, after = 0;
	uint64_t id;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(c->fx.aq, id, 0, &before), "");
	TEST_ASSERT_NOT_EQUAL(before, 64, "pick another size");

	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VQ_SIZE,
				    AVQ_VQ_SIZE_SET, &s, sizeof(s), NULL, 0,
				    &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL), "SIZE_SET device_id 0");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VQ_SIZE,
				    AVQ_VQ_SIZE_GET, &q, sizeof(q), &got,
				    sizeof(got), &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL), "SIZE_GET device_id 0");
	TEST_ASSERT_EQUAL(res.in_len, 0, "in-data on failure");

	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(c->fx.aq, id, 0, &after), "");
	TEST_ASSERT_EQUAL(after, before, "vdev size changed");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_set(c->fx.aq, id, 0, 64), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(c->fx.aq, id, 0, &after), "");
	TEST_ASSERT_EQUAL(after, 64, "");
	return TEST_SUCCESS;
}

/* "VIRTIO_ADMIN_CTRL_VQ_SIZE_GET ... On reset, the maximum queue size
 * supported by the device is returned." (descriptive, checked anyway) */
static int
vqsize_reset_max(struct cb *c)
{
	struct avq_aq_info info;
	uint16_t sz = 0;
	uint64_t id;

	TEST_ASSERT_SUCCESS(rte_avq_aq_info_get(c->fx.aq, &info), "");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(c->fx.aq, id, 0, &sz), "");
	TEST_ASSERT_EQUAL(sz, avq_le16(info.max_vq_size), "fresh device");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_set(c->fx.aq, id, 0, 64), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(c->fx.aq, id, 0, &sz), "");
	TEST_ASSERT_EQUAL(sz, 64, "");
	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, id), "reset");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_get(c->fx.aq, id, 0, &sz), "");
	TEST_ASSERT_EQUAL(sz, avq_le16(info.max_vq_size), "after reset");
	return TEST_SUCCESS;
}

/* ================= Virtqueue Notification ================= */

/* "The management device MUST fail the VIRTIO_ADMIN_CTRL_VQ_NOTIFY_GET if
 * there's no transport specific notification address for a virtqueue of
 * its virtual device." */
static int
vqnotify_no_address(struct cb *c)
{
	static const uint16_t bad[] = { 3, 64, 0xffff };
	struct rte_avq_dev_vdev_info vi;
	struct rte_avq_result res;
	struct avq_vq_notify_area na;
	struct avq_vq q;
	uint64_t id, dead, addr = 0, size = 0;
	unsigned int i;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT_EQUAL(vi.num_queues, 3, "one pair plus control");

	/* Queues that do not exist have no notification address. */
	for (i = 0; i < RTE_DIM(bad); i++) {
		q.queue_index = avq_to_le16(bad[i]);
		memset(&na, 0xa5, sizeof(na));
		TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_VQ_NOTIFY,
					    AVQ_VQ_NOTIFY_GET, &q, sizeof(q),
					    &na, sizeof(na), &res), "");
		TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_RANGE),
				  "queue %u", bad[i]);
		TEST_ASSERT_EQUAL(res.in_len, 0, "queue %u", bad[i]);
	}
	/* Nor do the queues of a destroyed device. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &dead), "create");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(c->fx.aq, dead, false), "");
	q.queue_index = avq_to_le16(0);
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, dead, AVQ_CLASS_VQ_NOTIFY,
				    AVQ_VQ_NOTIFY_GET, &q, sizeof(q), &na,
				    sizeof(na), &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_NOENT), "destroyed device");

	/* Every existing queue has one, inside its device's area. */
	for (i = 0; i < vi.num_queues; i++) {
		TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, id, i,
							  &addr, &size),
				    "queue %u", i);
		TEST_ASSERT(size >= 2, "size %" PRIu64, size);
		TEST_ASSERT(addr >= vi.notify_area && addr + size <=
			    vi.notify_area + vi.notify_area_size,
			    "queue %u outside its area", i);
	}
	return TEST_SUCCESS;
}

/* "The management device MUST fail the virtqueue notification access if
 * device_id is zero." */
static int
vqnotify_devid_zero(struct cb *c)
{
	struct rte_avq_result res;
	struct avq_vq_notify_area na;
	struct avq_vq q = { .queue_index = avq_to_le16(0) };
	uint64_t id, addr = 0, size = 0;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VQ_NOTIFY,
				    AVQ_VQ_NOTIFY_GET, &q, sizeof(q), &na,
				    sizeof(na), &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "NOTIFY_GET device_id 0");
	TEST_ASSERT_EQUAL(res.in_len, 0, "in-data on failure");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, id, 0, &addr,
						  &size), "next command");
	TEST_ASSERT(addr != 0 && size >= 2, "");
	return TEST_SUCCESS;
}

/* "The management device MUST forbid the notification area of a specific
 * virtual device to be accessed from another virtual device." */
static int
vqnotify_isolated(struct cb *c)
{
	struct rte_avq_dev_vdev_info ia, ib, ia2, ib2;
	uint64_t a, b, na, nb, sz;
	uint16_t zero = 0;

	TEST_ASSERT_SUCCESS(cb_net_running(c, &a), "device A");
	TEST_ASSERT_SUCCESS(cb_net_running(c, &b), "device B");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, a, &ia), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, b, &ib), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, a, 0, &na, &sz), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, b, 0, &nb, &sz), "");

	/* The two areas do not intersect. */
	TEST_ASSERT(ia.notify_area + ia.notify_area_size <= ib.notify_area ||
		    ib.notify_area + ib.notify_area_size <= ia.notify_area,
		    "notify areas of A and B overlap");
	TEST_ASSERT(na != nb, "");

	/* A doorbell on A's area reaches A only. */
	cb_ring_doorbell(na, 0);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, a, &ia, &ia2), "doorbell A");
	TEST_ASSERT_EQUAL(ia2.notifies[0], ia.notifies[0] + 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, b, &ib2), "");
	TEST_ASSERT_EQUAL(cb_doorbells(&ib2), cb_doorbells(&ib),
			  "A's doorbell counted for B");

	/* Device B's DMA cannot reach A's notify area: not with its MMU off
	 * (the area is no DMA window) ... */
	ia = ia2;
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(c->fx.dev, b, 0, na, &zero,
					       sizeof(zero), true), -EFAULT,
			  "B wrote A's doorbell (MMU off)");
	/* ... nor through a mapping that points at it. */
	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, b), "reset B");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, b, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, b, 0, 0x100000, 4096,
					    na & ~(uint64_t)4095,
					    AVQ_MMU_F_READ | AVQ_MMU_F_WRITE),
			    "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(c->fx.dev, b, 0,
					       0x100000 + (na & 4095), &zero,
					       sizeof(zero), true), -EFAULT,
			  "B wrote A's doorbell (MMU mapping)");
	rte_delay_us_sleep(5000);
	(void)avq_fx_status(&c->fx, a);
	rte_delay_us_sleep(5000);
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, a, &ia2), "");
	TEST_ASSERT_EQUAL(cb_doorbells(&ia2), cb_doorbells(&ia),
			  "B's DMA rang A's doorbell");

	/* A still works. */
	cb_ring_doorbell(na, 0);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, a, &ia2, &ia), "doorbell A");
	TEST_ASSERT_EQUAL(ia.notifies[0], ia2.notifies[0] + 1, "");
	return TEST_SUCCESS;
}

/* "The driver MAY choose to notify the virtqueue by writing the queue
 * index at address addr which is fetched from the
 * VIRTIO_ADMIN_CTRL_VQ_NOTIFY_GET command." */
static int
vqnotify_driver_write(struct cb *c)
{
	struct rte_avq_dev_vdev_info b, a;
	uint64_t id, addr = 0, size = 0;

	TEST_ASSERT_SUCCESS(cb_net_running(c, &id), "running device");
	TEST_ASSERT_SUCCESS(rte_avq_vq_notify_get(c->fx.aq, id, 0, &addr,
						  &size), "");
	TEST_ASSERT(size >= sizeof(uint16_t), "area too small for le16");

	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &b), "");
	cb_ring_doorbell(addr, 0);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, id, &b, &a), "doorbell");
	TEST_ASSERT_EQUAL(a.notifies[0], b.notifies[0] + 1, "not counted");
	TEST_ASSERT_EQUAL(a.notifies_ignored, b.notifies_ignored, "");

	/* Another value than the queue's index is no doorbell for it. */
	b = a;
	cb_ring_doorbell(addr, 2);
	TEST_ASSERT_SUCCESS(cb_wait_doorbell(c, id, &b, &a), "bad value");
	TEST_ASSERT_EQUAL(a.notifies[0], b.notifies[0], "wrong index counted");
	TEST_ASSERT_EQUAL(a.notifies[2], b.notifies[2], "wrong index counted");
	TEST_ASSERT_EQUAL(a.notifies_ignored, b.notifies_ignored + 1, "");
	return TEST_SUCCESS;
}

/* ================= Device MMU ================= */

/* "The management device MUST fail the device MMU command if device_id is
 * zero." */
static int
mmu_devid_zero(struct cb *c)
{
	struct rte_avq_dev_vdev_info vi;
	struct rte_avq_result res;
	struct avq_mmu_asid_set as = {
		.queue_index = avq_to_le16(0), .asid = avq_to_le64(1),
	};
	struct avq_mmu_map m = {
		.iova_start = avq_to_le64(0x200000),
		.iova_end = avq_to_le64(0x200fff),
		.dma_start = avq_to_le64(0x200000),
		.flags = avq_to_le32(AVQ_MMU_F_READ),
	};
	struct avq_mmu_unmap um = {
		.iova_start = avq_to_le64(0),
		.iova_end = avq_to_le64(UINT64_MAX),
	};
	struct avq_mmu_err err;
	uint8_t one = 1;
	uint64_t id, dma;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	TEST_ASSERT_NOT_NULL(avq_fx_dma_alloc(&c->fx, 4096, &dma), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0x100000, 4096,
					    dma, AVQ_MMU_F_READ), "");

	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, 0, AVQ_CLASS_MMU, AVQ_MMU_ENABLE, &one,
				    1, NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "MMU_ENABLE device_id 0");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, 0, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET, &as,
				    sizeof(as), NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "MMU_ASID_SET device_id 0");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, 0, AVQ_CLASS_MMU, AVQ_MMU_MAP, &m,
				    sizeof(m), NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL), "MMU_MAP device_id 0");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, 0, AVQ_CLASS_MMU, AVQ_MMU_UNMAP, &um,
				    sizeof(um), NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL), "MMU_UNMAP device_id 0");
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, 0, AVQ_CLASS_MMU, AVQ_MMU_ERR_GET, NULL,
				    0, &err, sizeof(err), &res), "");
	TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_INVAL),
			  "MMU_ERR_GET device_id 0");
	TEST_ASSERT_EQUAL(res.in_len, 0, "in-data on failure");

	/* The managed device kept its MMU state ... */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT(!vi.mmu_enabled, "MMU enabled by a device_id 0 command");
	TEST_ASSERT_EQUAL(vi.mmu_mappings, 1, "mappings changed");
	/* ... and the device still serves MMU commands for it. */
	TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_MMU, AVQ_MMU_MAP, &m,
				    sizeof(m), NULL, 0, &res), "");
	TEST_ASSERT_EQUAL(res.ack, AVQ_ACK_OK, "MMU_MAP for the vdev");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT_EQUAL(vi.mmu_mappings, 2, "");
	return TEST_SUCCESS;
}

/* "The management device MUST fail the VIRTIO_ADMIN_VQ_CTRL_MMU_MAP command
 * if the iova range is intersected with a existing range." */
static int
mmu_map_overlap(struct cb *c)
{
	/* Against the existing [0x10000, 0x1ffff]. */
	static const uint64_t ov[][2] = {
		{ 0x10000, 0x1ffff },	/* identical */
		{ 0x0f000, 0x10000 },	/* touches its first byte */
		{ 0x1ffff, 0x2ffff },	/* touches its last byte */
		{ 0x12000, 0x12fff },	/* inside */
		{ 0x00000, 0xfffff },	/* around */
		{ 0x18000, 0x28000 },	/* straddles the end */
	};
	struct rte_avq_dev_vdev_info vi;
	struct rte_avq_result res;
	struct avq_mmu_map m;
	uint8_t *buf, *other, rd[16];
	uint64_t id, dma, odma;
	unsigned int i;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	buf = avq_fx_dma_alloc(&c->fx, 0x20000, &dma);
	other = avq_fx_dma_alloc(&c->fx, 0x20000, &odma);
	TEST_ASSERT(buf != NULL && other != NULL, "");
	memset(buf, 0x5a, 0x20000);
	memset(other, 0xc3, 0x20000);
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0x10000, 0x10000,
					    dma, AVQ_MMU_F_READ), "");

	for (i = 0; i < RTE_DIM(ov); i++) {
		m.iova_start = avq_to_le64(ov[i][0]);
		m.iova_end = avq_to_le64(ov[i][1]);
		m.dma_start = avq_to_le64(odma);
		m.flags = avq_to_le32(AVQ_MMU_F_READ);
		TEST_ASSERT_SUCCESS(avq_fx_exec(&c->fx, id, AVQ_CLASS_MMU, AVQ_MMU_MAP,
					    &m, sizeof(m), NULL, 0, &res), "");
		TEST_ASSERT_EQUAL(res.ack, avq_fx_want_ack(&c->fx, AVQ_ACK_EXIST),
				  "[0x%" PRIx64 ", 0x%" PRIx64 "]", ov[i][0],
				  ov[i][1]);
	}
	/* The table is as it was: one mapping, still pointing at buf. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT_EQUAL(vi.mmu_mappings, 1, "failed MAP changed the table");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(c->fx.dev, id, 0, 0x1fff0, rd,
						 sizeof(rd), false), "");
	TEST_ASSERT_EQUAL(rd[0], 0x5a, "mapping replaced");
	TEST_ASSERT_EQUAL(rd[15], 0x5a, "mapping replaced");

	/* Adjacent ranges do not intersect, and are accepted. */
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0x20000, 0x1000,
					    odma, AVQ_MMU_F_READ), "after");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0xf000, 0x1000,
					    odma, AVQ_MMU_F_READ), "before");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT_EQUAL(vi.mmu_mappings, 3, "");
	return TEST_SUCCESS;
}

static int
cb_mmu_err(struct cb *c, uint64_t id, struct avq_mmu_err *e)
{
	memset(e, 0xa5, sizeof(*e));
	return rte_avq_mmu_err_get(c->fx.aq, id, e);
}

/* "The management device MUST set both DEVICE_NEEDS_RESET and
 * DEVICE_MMU_FAIL when the device MMU fails to do the translation for a
 * virtual device." */
static int
mmu_fail_sets_status(struct cb *c)
{
	const uint8_t both = AVQ_STATUS_DEVICE_MMU_FAIL |
			     AVQ_STATUS_DEVICE_NEEDS_RESET;
	struct rte_avq_vq_params p;
	struct avq_mmu_err e;
	uint8_t buf[64];
	uint64_t a, b, other;

	/* (1) A device DMA, as the data path does, on an unmapped IOVA. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &a), "create");
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &other), "create");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, a, true), "");
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, a) & both, 0, "before the fault");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(c->fx.dev, a, 1,
					       CB_IOVA_UNMAPPED, buf,
					       sizeof(buf), false), -EFAULT,
			  "DMA through no mapping");
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, a) & both, both, "status after fault");
	TEST_ASSERT_SUCCESS(cb_mmu_err(c, a, &e), "");
	TEST_ASSERT_EQUAL(avq_le32(e.reason), AVQ_MMU_ERR_NON_EXIST, "");
	TEST_ASSERT_EQUAL(avq_le16(e.queue_index), 1, "");
	TEST_ASSERT_EQUAL(avq_le64(e.asid), 0, "");
	TEST_ASSERT_EQUAL(avq_le64(e.iova_start), CB_IOVA_UNMAPPED, "");
	TEST_ASSERT_EQUAL(avq_le64(e.iova_end),
			  CB_IOVA_UNMAPPED + sizeof(buf) - 1, "");
	TEST_ASSERT_EQUAL(avq_le32(e.flags), AVQ_MMU_F_READ, "");
	/* Only that device. */
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, other), 0, "other device faulted");

	/* (2) DRIVER_OK with an enabled queue whose rings are not mapped. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &b), "create");
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(&c->fx, b), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, b, true), "");
	memset(&p, 0, sizeof(p));
	p.size = CB_RING_SIZE;
	p.desc = 0x100000;
	p.driver = 0x101000;
	p.device = 0x102000;
	TEST_ASSERT_SUCCESS(rte_avq_vq_setup(c->fx.aq, b, 0, &p), "");
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, b) & both, 0, "before DRIVER_OK");
	/* The ack of this STATUS_SET is not the point; the status is. */
	(void)rte_avq_status_set(c->fx.aq, b, AVQ_STATUS_ACKNOWLEDGE |
				 AVQ_STATUS_DRIVER | AVQ_STATUS_FEATURES_OK |
				 AVQ_STATUS_DRIVER_OK);
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, b) & both, both,
			  "DRIVER_OK with unmapped rings");
	TEST_ASSERT_SUCCESS(cb_mmu_err(c, b, &e), "");
	TEST_ASSERT_EQUAL(avq_le32(e.reason), AVQ_MMU_ERR_NON_EXIST, "");
	TEST_ASSERT_EQUAL(avq_le16(e.queue_index), 0, "");
	TEST_ASSERT(avq_le64(e.iova_start) >= 0x100000 &&
		    avq_le64(e.iova_start) < 0x103000,
		    "fault at 0x%" PRIx64, avq_le64(e.iova_start));
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, other), 0, "other device faulted");
	return TEST_SUCCESS;
}

/* "The device MMU for the virtual device MUST be disabled upon its
 * reset." */
static int
mmu_reset_disables(struct cb *c)
{
	struct rte_avq_dev_vdev_info vi;
	uint8_t *buf, rd[8];
	uint64_t id, dma;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	buf = avq_fx_dma_alloc(&c->fx, 4096, &dma);
	TEST_ASSERT_NOT_NULL(buf, "");
	memset(buf, 0x3c, 4096);
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0x100000, 4096,
					    dma, AVQ_MMU_F_READ), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT(vi.mmu_enabled, "");
	/* Enabled: the DMA address itself is no IOVA. */
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(c->fx.dev, id, 0, dma, rd,
					       sizeof(rd), false), -EFAULT,
			  "MMU not translating");

	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, id), "reset");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT(!vi.mmu_enabled, "MMU enabled after reset");
	/* Disabled: addresses are DMA addresses again. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(c->fx.dev, id, 0, dma, rd,
						 sizeof(rd), false),
			    "DMA with the MMU off");
	TEST_ASSERT_EQUAL(rd[0], 0x3c, "");
	TEST_ASSERT_EQUAL(avq_fx_status(&c->fx, id), 0, "status after reset");
	return TEST_SUCCESS;
}

/* "Upon reset, the virtual device must reset the Address Space ID for
 * each virtqueue to 0." */
static int
mmu_reset_asid_zero(struct cb *c)
{
	const uint32_t rw = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	uint8_t *a0, *a5, rd[4];
	uint64_t id, d0, d5;
	uint16_t q;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	a0 = avq_fx_dma_alloc(&c->fx, 4096, &d0);
	a5 = avq_fx_dma_alloc(&c->fx, 4096, &d5);
	TEST_ASSERT(a0 != NULL && a5 != NULL, "");
	memset(a0, 0x00, 4096);
	memset(a5, 0x55, 4096);

	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0x100000, 4096,
					    d0, rw), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 5, 0x100000, 4096,
					    d5, rw), "");
	for (q = 0; q < 2; q++) {
		TEST_ASSERT_SUCCESS(rte_avq_mmu_asid_set(c->fx.aq, id, q, 5), "");
		TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(c->fx.dev, id, q,
							 0x100000, rd, 4,
							 false), "");
		TEST_ASSERT_EQUAL(rd[0], 0x55, "q%u not in ASID 5", q);
	}

	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, id), "reset");
	/* Same two address spaces again (at a fresh IOVA, whatever the reset
	 * did to the old mappings). */
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 0, 0x300000, 4096,
					    d0, rw), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 5, 0x300000, 4096,
					    d5, rw), "");
	for (q = 0; q < 2; q++) {
		rd[0] = 0xff;
		TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(c->fx.dev, id, q,
							 0x300000, rd, 4,
							 false), "q%u", q);
		TEST_ASSERT_EQUAL(rd[0], 0x00, "q%u kept ASID 5 after reset", q);
	}
	return TEST_SUCCESS;
}

/* "The driver MAY choose to disable the device MMU but it MUST make sure
 * the transport specific method could be used to provide a secure DMA
 * context for each virtual device." */
static int
mmu_driver_disable_secure(struct cb *c)
{
	struct rte_avq_dev_vdev_info vi;
	uint8_t *win, *outside, wr[16];
	uint64_t id, dma, last;
	bool fenced, intact = true;
	size_t k;
	int ret;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	/* The driver side keeps the MMU on when the transport gives managed
	 * devices no DMA context of their own (sim: one set of windows for
	 * the whole management device): refused, nothing sent. */
	TEST_ASSERT_EQUAL(c->fx.t.flags & RTE_AVQ_TRANSPORT_F_DMA_ISOLATION, 0, "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, id, true), "");
	last = avq_fx_trace_last(&c->fx);
	TEST_ASSERT_EQUAL(rte_avq_mmu_enable(c->fx.aq, id, false), -EPERM, "");
	TEST_ASSERT_EQUAL(avq_fx_trace_last(&c->fx), last, "a command was sent");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT(vi.mmu_enabled, "");
	/* With a transport that isolates each managed device the driver
	 * may turn it off. */
	c->fx.t.flags |= RTE_AVQ_TRANSPORT_F_DMA_ISOLATION;
	ret = rte_avq_mmu_enable(c->fx.aq, id, false);
	c->fx.t.flags &= ~RTE_AVQ_TRANSPORT_F_DMA_ISOLATION;
	TEST_ASSERT_SUCCESS(ret, "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &vi), "");
	TEST_ASSERT(!vi.mmu_enabled, "");

	/* Then the transport's DMA windows are the context: memory the
	 * driver registered is reachable ... */
	win = avq_fx_dma_alloc(&c->fx, 4096, &dma);
	TEST_ASSERT_NOT_NULL(win, "");
	memset(wr, 0x6b, sizeof(wr));
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_dma(c->fx.dev, id, 0, dma, wr,
						 sizeof(wr), true), "");
	TEST_ASSERT_EQUAL(win[0], 0x6b, "");
	TEST_ASSERT_EQUAL(win[15], 0x6b, "");

	/* ... and memory it did not register is not, whatever address the
	 * device is told (sim: DMA addresses are virtual addresses). */
	outside = malloc(4096);
	TEST_ASSERT_NOT_NULL(outside, "");
	memset(outside, 0x11, 4096);
	ret = rte_avq_dev_vdev_dma(c->fx.dev, id, 0,
				   c->fx.t.ops->dma_addr(c->fx.t.ctx, outside),
				   wr, sizeof(wr), true);
	fenced = ret == -EFAULT;
	for (k = 0; k < 4096; k++)
		intact = intact && outside[k] == 0x11;
	free(outside);
	TEST_ASSERT(fenced, "DMA outside every window returned %d", ret);
	TEST_ASSERT(intact, "device wrote memory outside every DMA window");
	return TEST_SUCCESS;
}

/* "The driver MAY query the error of device MMU after DEVICE_MMU_FAIL is
 * set." */
static int
mmu_driver_err_query(struct cb *c)
{
	struct avq_mmu_err e;
	uint8_t *buf, wr[8] = { 0 };
	uint64_t id, dma;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &id), "create");
	buf = avq_fx_dma_alloc(&c->fx, 4096, &dma);
	TEST_ASSERT_NOT_NULL(buf, "");

	/* Nothing recorded yet. */
	TEST_ASSERT_SUCCESS(cb_mmu_err(c, id, &e), "");
	TEST_ASSERT_EQUAL(avq_le32(e.reason), 0, "error before any fault");

	/* An access violation on queue 1 in ASID 3. */
	TEST_ASSERT_SUCCESS(rte_avq_mmu_enable(c->fx.aq, id, true), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_asid_set(c->fx.aq, id, 1, 3), "");
	TEST_ASSERT_SUCCESS(rte_avq_mmu_map(c->fx.aq, id, 3, 0x100000, 4096,
					    dma, AVQ_MMU_F_READ), "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(c->fx.dev, id, 1, 0x100010, wr,
					       sizeof(wr), true), -EFAULT, "");
	TEST_ASSERT(avq_fx_status(&c->fx, id) & AVQ_STATUS_DEVICE_MMU_FAIL, "");

	TEST_ASSERT_SUCCESS(cb_mmu_err(c, id, &e), "driver query");
	TEST_ASSERT_EQUAL(avq_le32(e.reason), AVQ_MMU_ERR_ACC_VIOLATION, "");
	TEST_ASSERT_EQUAL(avq_le16(e.queue_index), 1, "");
	TEST_ASSERT_EQUAL(avq_le64(e.asid), 3, "");
	TEST_ASSERT_EQUAL(avq_le64(e.iova_start), 0x100010, "");
	TEST_ASSERT_EQUAL(avq_le64(e.iova_end), 0x100017, "");
	TEST_ASSERT_EQUAL(avq_le32(e.flags), AVQ_MMU_F_WRITE, "");

	/* A later fault does not overwrite the first one. */
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(c->fx.dev, id, 0,
					       CB_IOVA_UNMAPPED, wr,
					       sizeof(wr), false), -EFAULT, "");
	TEST_ASSERT_SUCCESS(cb_mmu_err(c, id, &e), "");
	TEST_ASSERT_EQUAL(avq_le32(e.reason), AVQ_MMU_ERR_ACC_VIOLATION,
			  "first error replaced");
	TEST_ASSERT_EQUAL(avq_le16(e.queue_index), 1, "first error replaced");

	/* Reset forgets it. */
	TEST_ASSERT_SUCCESS(rte_avq_reset(c->fx.aq, id), "");
	TEST_ASSERT_SUCCESS(cb_mmu_err(c, id, &e), "");
	TEST_ASSERT_EQUAL(avq_le32(e.reason), 0, "error survived reset");
	return TEST_SUCCESS;
}

/* ---- Registration ---- */

static int t_msi_pending(void) { return cb_run(msi_pending_after_unmask); }
static int t_msi_reset(void) { return cb_run(msi_reset_disables); }
static int t_msi_alloc(void) { return cb_run(msi_driver_allocates); }
static int t_msi_polling(void) { return cb_run(msi_driver_polling); }
static int t_vqaddr_zero(void) { return cb_run(vqaddr_devid_zero); }
static int t_vqst_disabled(void) { return cb_run(vqstatus_disabled_stops); }
static int t_vqst_reset(void) { return cb_run(vqstatus_reset_zero); }
static int t_vqst_zero(void) { return cb_run(vqstatus_devid_zero); }
static int t_vqst_order(void) { return cb_run(vqstatus_driver_config_first); }
static int t_vqsize_zero(void) { return cb_run(vqsize_devid_zero); }
static int t_vqsize_max(void) { return cb_run(vqsize_reset_max); }
static int t_ntf_noaddr(void) { return cb_run(vqnotify_no_address); }
static int t_ntf_zero(void) { return cb_run(vqnotify_devid_zero); }
static int t_ntf_iso(void) { return cb_run(vqnotify_isolated); }
static int t_ntf_write(void) { return cb_run(vqnotify_driver_write); }
static int t_mmu_zero(void) { return cb_run(mmu_devid_zero); }
static int t_mmu_overlap(void) { return cb_run(mmu_map_overlap); }
static int t_mmu_fail(void) { return cb_run(mmu_fail_sets_status); }
static int t_mmu_reset(void) { return cb_run(mmu_reset_disables); }
static int t_mmu_asid(void) { return cb_run(mmu_reset_asid_zero); }
static int t_mmu_secure(void) { return cb_run(mmu_driver_disable_secure); }
static int t_mmu_err(void) { return cb_run(mmu_driver_err_query); }

REGISTER_AVQ_TEST(conf_rfc_msi_pending_unmask_autotest, t_msi_pending);
REGISTER_AVQ_TEST(conf_rfc_msi_reset_disables_autotest, t_msi_reset);
REGISTER_AVQ_TEST(conf_rfc_msi_driver_allocates_autotest, t_msi_alloc);
REGISTER_AVQ_TEST(conf_rfc_msi_driver_polling_autotest, t_msi_polling);
REGISTER_AVQ_TEST(conf_rfc_vqaddr_fail_zero_id_autotest, t_vqaddr_zero);
REGISTER_AVQ_TEST(conf_rfc_vqstatus_disabled_stops_autotest, t_vqst_disabled);
REGISTER_AVQ_TEST(conf_rfc_vqstatus_reset_zero_autotest, t_vqst_reset);
REGISTER_AVQ_TEST(conf_rfc_vqstatus_fail_zero_id_autotest, t_vqst_zero);
REGISTER_AVQ_TEST(conf_rfc_vqstatus_driver_config_first_autotest, t_vqst_order);
REGISTER_AVQ_TEST(conf_rfc_vqsize_fail_zero_id_autotest, t_vqsize_zero);
REGISTER_AVQ_TEST(conf_rfc_vqsize_reset_max_autotest, t_vqsize_max);
REGISTER_AVQ_TEST(conf_rfc_vqnotify_no_address_autotest, t_ntf_noaddr);
REGISTER_AVQ_TEST(conf_rfc_vqnotify_fail_zero_id_autotest, t_ntf_zero);
REGISTER_AVQ_TEST(conf_rfc_vqnotify_isolated_autotest, t_ntf_iso);
REGISTER_AVQ_TEST(conf_rfc_vqnotify_driver_write_autotest, t_ntf_write);
REGISTER_AVQ_TEST(conf_rfc_mmu_fail_zero_id_autotest, t_mmu_zero);
REGISTER_AVQ_TEST(conf_rfc_mmu_map_overlap_autotest, t_mmu_overlap);
REGISTER_AVQ_TEST(conf_rfc_mmu_fail_status_autotest, t_mmu_fail);
REGISTER_AVQ_TEST(conf_rfc_mmu_reset_disables_autotest, t_mmu_reset);
REGISTER_AVQ_TEST(conf_rfc_mmu_reset_asid_zero_autotest, t_mmu_asid);
REGISTER_AVQ_TEST(conf_rfc_mmu_driver_disable_secure_autotest, t_mmu_secure);
REGISTER_AVQ_TEST(conf_rfc_mmu_driver_err_query_autotest, t_mmu_err);
