/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Test-side virtio-net driver (see test_dp_driver.h). It trusts nothing it
 * reads back from the device: every used entry is checked against the
 * chains it posted.
 */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_test.h"
#include "test_dp_driver.h"


void
dpd_cfg_init(struct dpd_cfg *c, uint8_t mac5)
{
	memset(c, 0, sizeof(*c));
	c->mac5 = mac5;
	c->pairs = 1;
	c->qsize = 64;
	c->buf_len = 2048;
	c->vector_base = (uint32_t)mac5 * 16;
}

void
dpd_frame(uint8_t *f, uint32_t len, const uint8_t *dst, const uint8_t *src,
	  uint32_t seed)
{
	uint32_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (i = 14; i < len; i++)
		f[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* ---- Memory ---- */

static size_t
pg(size_t n)
{
	return RTE_ALIGN_CEIL(n, (size_t)DPD_PAGE);
}

static uint16_t
dpd_all_q(const struct dpd *d)
{
	return (uint16_t)(2 * d->cfg.pairs + 1);
}

/* Offsets of every queue's rings and buffers; the guard pages. */
static void
dpd_layout(struct dpd *d)
{
	uint16_t n = dpd_all_q(d), q, size = d->cfg.qsize;
	size_t off = 0;

	for (q = 0; q < n; q++) {
		d->q[q].desc_iova = off;
		off += pg(AVQ_DESC_AREA_SIZE(size));
		d->q[q].avail_iova = off;
		off += pg(AVQ_AVAIL_AREA_SIZE(size));
		d->q[q].used_iova = off;
		off += pg(AVQ_USED_AREA_SIZE(size));
	}
	d->guard1 = off;
	off += DPD_PAGE;
	for (q = 0; q < n; q++) {
		d->q[q].buf_iova = off;
		off += pg((size_t)size * d->cfg.buf_len);
	}
	d->guard2 = off;
	off += DPD_PAGE;
	d->len = off;
}

/* Turn the offsets into pointers and IOVAs (after the allocation). */
static void
dpd_bind(struct dpd *d)
{
	uint16_t q;

	for (q = 0; q < dpd_all_q(d); q++) {
		struct dpd_q *qq = &d->q[q];

		qq->desc = (void *)(d->mem + qq->desc_iova);
		qq->avail = (void *)(d->mem + qq->avail_iova);
		qq->used = (void *)(d->mem + qq->used_iova);
		qq->buf = d->mem + qq->buf_iova;
		qq->desc_iova = dpd_iova(d, qq->desc_iova);
		qq->avail_iova = dpd_iova(d, qq->avail_iova);
		qq->used_iova = dpd_iova(d, qq->used_iova);
		qq->buf_iova = dpd_iova(d, qq->buf_iova);
	}
}

bool
dpd_guards_ok(const struct dpd *d)
{
	size_t i;

	for (i = 0; i < DPD_PAGE; i++)
		if (d->mem[d->guard1 + i] != DPD_GUARD ||
		    d->mem[d->guard2 + i] != DPD_GUARD)
			return false;
	return true;
}

int
dpd_map(struct dpd *d, size_t off, size_t len, uint32_t flags)
{
	return rte_avq_mmu_map(d->fx->aq, d->id, 0, dpd_iova(d, off), len,
			       d->dma + off, flags);
}

int
dpd_unmap(struct dpd *d, size_t off, size_t len)
{
	return rte_avq_mmu_unmap(d->fx->aq, d->id, 0, dpd_iova(d, off), len);
}

/* ---- Queues ---- */

static void
dpd_q_init(struct dpd *d, uint16_t q)
{
	struct dpd_q *qq = &d->q[q];
	uint16_t i;

	qq->idx = q;
	qq->size = d->cfg.qsize;
	qq->avail_idx = 0;
	qq->used_seen = 0;
	memset(qq->desc, 0, AVQ_DESC_AREA_SIZE(qq->size));
	memset(qq->avail, 0, AVQ_AVAIL_AREA_SIZE(qq->size));
	memset(qq->used, 0, AVQ_USED_AREA_SIZE(qq->size));
	memset(qq->chain_n, 0, sizeof(qq->chain_n));
	qq->nfree = 0;
	for (i = qq->size; i-- > 0;)
		qq->free[qq->nfree++] = i;
}

static uint8_t *
dpd_buf(struct dpd *d, uint16_t q, uint16_t desc)
{
	return d->q[q].buf + (size_t)desc * d->cfg.buf_len;
}

static uint64_t
dpd_buf_iova(struct dpd *d, uint16_t q, uint16_t desc)
{
	return d->q[q].buf_iova + (uint64_t)desc * d->cfg.buf_len;
}

static void
dpd_desc_set(struct dpd_q *qq, uint16_t i, uint64_t addr, uint32_t len,
	     uint16_t flags, uint16_t next)
{
	qq->desc[i].addr = avq_to_le64(addr);
	qq->desc[i].len = avq_to_le32(len);
	qq->desc[i].flags = avq_to_le16(flags);
	qq->desc[i].next = avq_to_le16(next);
}

/* Take @p n descriptors as one chain; returns the head or -ENOSPC. */
static int
dpd_chain(struct dpd_q *qq, unsigned int n, uint16_t *ids)
{
	unsigned int i;

	if (qq->nfree < n)
		return -ENOSPC;
	for (i = 0; i < n; i++)
		ids[i] = qq->free[--qq->nfree];
	qq->chain_n[ids[0]] = (uint8_t)n;
	for (i = 0; i < n; i++)
		qq->chain[ids[0]][i] = ids[i];
	return ids[0];
}

/* Give back the chain at @p head; -EIO if the device named no chain. */
static int
dpd_unchain(struct dpd_q *qq, uint32_t head)
{
	unsigned int i;

	if (head >= qq->size || qq->chain_n[head] == 0)
		return -EIO;
	for (i = 0; i < qq->chain_n[head]; i++)
		qq->free[qq->nfree++] = qq->chain[head][i];
	qq->chain_n[head] = 0;
	return 0;
}

void
dpd_kick(struct dpd *d, uint16_t q)
{
	struct dpd_q *qq = &d->q[q];
	uint16_t flags;

	/* virtio 1.2, 2.7.10: the fence between publishing avail->idx and
	 * reading used->flags; a device that is polling needs no kick. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = avq_le16(__atomic_load_n((uint16_t *)(void *)&qq->used->flags,
					 __ATOMIC_RELAXED));
	if (flags & AVQ_USED_F_NO_NOTIFY)
		return;
	__atomic_store_n(qq->notify, avq_to_le16(q), __ATOMIC_RELEASE);
	rte_avq_dev_wake(d->fx->dev);
}

static void
dpd_avail_add(struct dpd_q *qq, uint16_t head)
{
	qq->avail->ring[qq->avail_idx & (qq->size - 1)] = avq_to_le16(head);
	qq->avail_idx++;
}

void
dpd_avail_publish(struct dpd *d, uint16_t q)
{
	struct dpd_q *qq = &d->q[q];

	__atomic_store_n((uint16_t *)(void *)&qq->avail->idx,
			 avq_to_le16(qq->avail_idx), __ATOMIC_RELEASE);
	dpd_kick(d, q);
}

void
dpd_avail_push(struct dpd *d, uint16_t q, uint16_t head)
{
	dpd_avail_add(&d->q[q], head);
	dpd_avail_publish(d, q);
}

static uint16_t
dpd_used_idx(const struct dpd_q *qq)
{
	return avq_le16(__atomic_load_n((uint16_t *)(void *)&qq->used->idx,
					__ATOMIC_ACQUIRE));
}

/* ---- Set-up ---- */

static int
dpd_setup(struct dpd *d)
{
	struct rte_avq_aq *aq = d->fx->aq;
	struct rte_avq_vq_params vp;
	uint8_t st = AVQ_STATUS_ACKNOWLEDGE;
	uint16_t q, pairs, size = d->cfg.qsize;
	uint64_t f, addr, sz;
	bool mq, ctrl;
	size_t off;
	int ret;

	ret = rte_avq_status_set(aq, d->id, st);
	st |= AVQ_STATUS_DRIVER;
	if (ret == 0)
		ret = rte_avq_status_set(aq, d->id, st);
	if (ret == 0)
		ret = rte_avq_feat_device_get(aq, d->id, &f);
	if (ret != 0)
		return ret;
	f &= ~d->cfg.feat_off;
	ret = rte_avq_feat_driver_set(aq, d->id, f);
	st |= AVQ_STATUS_FEATURES_OK;
	if (ret == 0)
		ret = rte_avq_status_set(aq, d->id, st);
	if (ret != 0)
		return ret;
	d->features = f;
	ctrl = (f & RTE_BIT64(VIRTIO_NET_F_CTRL_VQ)) != 0;
	mq = ctrl && (f & RTE_BIT64(VIRTIO_NET_F_MQ));
	pairs = mq ? d->cfg.pairs : 1;
	/* virtio 1.2, 5.1.2: the control queue follows the pairs in use. */
	d->ctrlq = ctrl ? (uint16_t)(mq ? 2 * d->cfg.pairs : 2) : UINT16_MAX;

	/* The device MMU: rings in one mapping, each queue's buffers in
	 * another, the guard pages in none. */
	ret = rte_avq_mmu_enable(aq, d->id, true);
	if (ret == 0 && !d->cfg.ring_pages)
		ret = dpd_map(d, 0, d->guard1, AVQ_MMU_F_READ | AVQ_MMU_F_WRITE);
	for (off = 0; off < d->guard1 && d->cfg.ring_pages && ret == 0;
	     off += DPD_PAGE)
		ret = dpd_map(d, off, DPD_PAGE, AVQ_MMU_F_READ | AVQ_MMU_F_WRITE);
	for (q = 0; q < dpd_all_q(d) && ret == 0; q++)
		ret = dpd_map(d, d->q[q].buf_iova - DPD_IOVA_BASE,
			      pg((size_t)size * d->cfg.buf_len),
			      AVQ_MMU_F_READ | AVQ_MMU_F_WRITE);
	if (ret == 0)
		ret = rte_avq_msi_config_set(aq, d->id, d->cfg.vector_base,
					     0xc0f);
	if (ret == 0)
		ret = rte_avq_msi_config_enable(aq, d->id, true);
	if (ret != 0)
		return ret;

	d->nq = 0;
	for (q = 0; q < dpd_all_q(d); q++) {
		d->q[q].on = q < 2 * pairs || q == d->ctrlq;
		dpd_q_init(d, q);
		if (!d->q[q].on)
			continue;
		memset(&vp, 0, sizeof(vp));
		vp.size = size;
		vp.desc = d->q[q].desc_iova;
		vp.driver = d->q[q].avail_iova;
		vp.device = d->q[q].used_iova;
		vp.msi = d->cfg.irq;
		vp.vector = d->cfg.vector_base + 1 + q;
		vp.data = q;
		ret = rte_avq_vq_setup(aq, d->id, q, &vp);
		if (ret == 0)
			ret = rte_avq_vq_notify_get(aq, d->id, q, &addr, &sz);
		if (ret != 0)
			return ret;
		d->q[q].notify = (uint16_t *)(uintptr_t)addr;
		d->nq++;
	}
	st |= AVQ_STATUS_DRIVER_OK;
	return rte_avq_status_set(aq, d->id, st);
}

static int
dpd_vector(struct dpd *d, uint32_t vector, int *fd)
{
	*fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (*fd < 0)
		return -errno;
	return rte_avq_dev_vector_bind(d->fx->dev, vector, *fd);
}

int
dpd_open(struct dpd *d, struct avq_fx *fx, const struct dpd_cfg *c)
{
	struct rte_avq_net_params np;
	uint16_t q;
	int ret;

	memset(d, 0, sizeof(*d));
	d->fx = fx;
	d->cfg = *c;
	d->cfg_fd = -1;
	for (q = 0; q < DPD_MAX_Q; q++)
		d->q_fd[q] = -1;
	if (c->pairs < 1 || c->pairs > DPD_MAX_PAIRS || c->qsize > 1024 ||
	    c->buf_len < 64)
		return -EINVAL;
	memset(&np, 0, sizeof(np));
	d->mac[0] = 0x02;
	d->mac[5] = c->mac5;
	memcpy(np.mac, d->mac, sizeof(d->mac));
	np.link_up = true;
	np.max_queue_pairs = c->pairs;
	np.mtu = 1500;
	ret = rte_avq_vdev_create_net(fx->aq, &np, &d->id);
	if (ret != 0)
		return ret;
	dpd_layout(d);
	d->mem = avq_fx_dma_alloc(fx, d->len, &d->dma);
	if (d->mem == NULL)
		return -ENOMEM;
	dpd_bind(d);
	memset(d->mem + d->guard1, DPD_GUARD, DPD_PAGE);
	memset(d->mem + d->guard2, DPD_GUARD, DPD_PAGE);
	ret = dpd_vector(d, c->vector_base, &d->cfg_fd);
	for (q = 0; q < dpd_all_q(d) && c->irq && ret == 0; q++)
		ret = dpd_vector(d, c->vector_base + 1 + q, &d->q_fd[q]);
	if (ret != 0)
		return ret;
	return dpd_setup(d);
}

int
dpd_restart(struct dpd *d)
{
	int ret = rte_avq_reset(d->fx->aq, d->id);

	return ret != 0 ? ret : dpd_setup(d);
}

void
dpd_close(struct dpd *d)
{
	uint16_t q;

	if (d->fx == NULL)
		return;
	if (d->id != 0)
		rte_avq_vdev_destroy(d->fx->aq, d->id, true);
	d->id = 0;
	if (d->cfg_fd >= 0) {
		rte_avq_dev_vector_bind(d->fx->dev, d->cfg.vector_base, -1);
		close(d->cfg_fd);
		d->cfg_fd = -1;
	}
	for (q = 0; q < DPD_MAX_Q; q++) {
		if (d->q_fd[q] < 0)
			continue;
		rte_avq_dev_vector_bind(d->fx->dev, d->cfg.vector_base + 1 + q,
					-1);
		close(d->q_fd[q]);
		d->q_fd[q] = -1;
	}
}

/* ---- Traffic ---- */

int
dpd_tx_add(struct dpd *d, uint16_t q, const void *frame, uint32_t len,
	   const struct virtio_net_hdr_v1 *hdr)
{
	struct dpd_q *qq = &d->q[q];
	struct virtio_net_hdr_v1 zero;
	uint16_t ids[2];
	int head;

	if (hdr == NULL) {
		memset(&zero, 0, sizeof(zero));
		hdr = &zero;
	}
	if (len + DPD_HDR_LEN > d->cfg.buf_len)
		return -EINVAL;
	if (qq->nfree < 2)
		dpd_tx_reap(d, q);
	head = dpd_chain(qq, d->cfg.tx_split ? 2 : 1, ids);
	if (head < 0)
		return head;
	if (d->cfg.tx_split) {
		memcpy(dpd_buf(d, q, ids[0]), hdr, DPD_HDR_LEN);
		memcpy(dpd_buf(d, q, ids[1]), frame, len);
		dpd_desc_set(qq, ids[0], dpd_buf_iova(d, q, ids[0]),
			     DPD_HDR_LEN, AVQ_DESC_F_NEXT, ids[1]);
		dpd_desc_set(qq, ids[1], dpd_buf_iova(d, q, ids[1]), len, 0, 0);
	} else {
		memcpy(dpd_buf(d, q, ids[0]), hdr, DPD_HDR_LEN);
		memcpy(dpd_buf(d, q, ids[0]) + DPD_HDR_LEN, frame, len);
		dpd_desc_set(qq, ids[0], dpd_buf_iova(d, q, ids[0]),
			     DPD_HDR_LEN + len, 0, 0);
	}
	dpd_avail_add(qq, (uint16_t)head);
	return 0;
}

int
dpd_tx(struct dpd *d, uint16_t q, const void *frame, uint32_t len,
       const struct virtio_net_hdr_v1 *hdr)
{
	int ret = dpd_tx_add(d, q, frame, len, hdr);

	if (ret == 0)
		dpd_avail_publish(d, q);
	return ret;
}

unsigned int
dpd_tx_reap(struct dpd *d, uint16_t q)
{
	struct dpd_q *qq = &d->q[q];
	uint16_t u = dpd_used_idx(qq);
	unsigned int n = 0;
	uint32_t id;

	while (qq->used_seen != u) {
		id = avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].id);
		if (dpd_unchain(qq, id) < 0)
			fprintf(stderr, "dpd: queue %u: used id %u was not posted\n",
				q, id);
		qq->used_seen++;
		n++;
	}
	return n;
}

int
dpd_tx_wait(struct dpd *d, uint16_t q, unsigned int ms)
{
	uint64_t end = avq_test_ms() + ms;

	for (;;) {
		dpd_tx_reap(d, q);
		if (d->q[q].nfree == d->q[q].size)
			return 0;
		if (avq_test_ms() > end)
			return -ETIMEDOUT;
		sched_yield();
	}
}

int
dpd_rx_post(struct dpd *d, uint16_t q, unsigned int n, uint32_t len)
{
	struct dpd_q *qq = &d->q[q];
	unsigned int i;
	uint16_t id;
	int head;

	if (len > d->cfg.buf_len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		head = dpd_chain(qq, 1, &id);
		if (head < 0)
			return head;
		dpd_desc_set(qq, id, dpd_buf_iova(d, q, id), len,
			     AVQ_DESC_F_WRITE, 0);
		dpd_avail_add(qq, id);
	}
	dpd_avail_publish(d, q);
	return 0;
}

int
dpd_rx_post_iova(struct dpd *d, uint16_t q, uint64_t iova, uint32_t len)
{
	struct dpd_q *qq = &d->q[q];
	uint16_t id;
	int head;

	head = dpd_chain(qq, 1, &id);
	if (head < 0)
		return head;
	dpd_desc_set(qq, id, iova, len, AVQ_DESC_F_WRITE, 0);
	dpd_avail_push(d, q, id);
	return id;
}

/* Wait for used entry used_seen of @p q; false on timeout. */
static bool
dpd_used_wait(struct dpd_q *qq, uint64_t end)
{
	while (dpd_used_idx(qq) == qq->used_seen) {
		if (avq_test_ms() > end)
			return false;
		sched_yield();
	}
	return true;
}

bool
dpd_rx_ready(struct dpd *d, uint16_t q, unsigned int ms)
{
	return dpd_used_wait(&d->q[q], avq_test_ms() + ms);
}

int
dpd_used_take(struct dpd *d, uint16_t q, uint32_t *len, unsigned int ms)
{
	struct dpd_q *qq = &d->q[q];
	uint32_t id;

	if (!dpd_used_wait(qq, avq_test_ms() + ms))
		return -ETIMEDOUT;
	id = avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].id);
	*len = avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].len);
	if (dpd_unchain(qq, id) != 0)
		return -EIO;
	qq->used_seen++;
	return (int)id;
}

int
dpd_rx(struct dpd *d, uint16_t q, void *buf, uint32_t cap,
       struct virtio_net_hdr_v1 *hdr, unsigned int ms)
{
	struct dpd_q *qq = &d->q[q];
	uint64_t end = avq_test_ms() + ms;
	struct virtio_net_hdr_v1 h;
	uint32_t id, len, total = 0, skip = DPD_HDR_LEN;
	uint16_t nb = 1, k;
	uint8_t *out = buf;

	memset(&h, 0, sizeof(h));
	for (k = 0; k < nb; k++) {
		if (!dpd_used_wait(qq, end))
			return k == 0 ? -ETIMEDOUT : -EIO;
		id = avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].id);
		len = avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].len);
		if (id >= qq->size || qq->chain_n[id] != 1 ||
		    len > d->cfg.buf_len)
			return -EIO;
		if (k == 0) {
			if (len < DPD_HDR_LEN)
				return -EIO;
			memcpy(&h, dpd_buf(d, q, (uint16_t)id), DPD_HDR_LEN);
			nb = avq_le16(h.num_buffers);
			if (nb == 0)
				return -EIO;
		} else {
			skip = 0;
		}
		if (total + (len - skip) > cap)
			return -EIO;
		memcpy(out + total, dpd_buf(d, q, (uint16_t)id) + skip,
		       len - skip);
		total += len - skip;
		dpd_unchain(qq, id);
		qq->used_seen++;
	}
	if (hdr != NULL)
		*hdr = h;
	return (int)total;
}

int
dpd_ctrl(struct dpd *d, uint8_t cls, uint8_t cmd, const void *data,
	 uint32_t len)
{
	uint16_t q = d->ctrlq, ids[3], n = len != 0 ? 3 : 2;
	uint64_t end = avq_test_ms() + 2000;
	struct dpd_q *qq;
	uint8_t *b, ack;
	uint32_t id;
	int head;

	if (q == UINT16_MAX || len > d->cfg.buf_len)
		return -1;
	qq = &d->q[q];
	head = dpd_chain(qq, n, ids);
	if (head < 0)
		return -1;
	b = dpd_buf(d, q, ids[0]);
	b[0] = cls;
	b[1] = cmd;
	dpd_desc_set(qq, ids[0], dpd_buf_iova(d, q, ids[0]), 2, AVQ_DESC_F_NEXT,
		     ids[1]);
	if (len != 0) {
		memcpy(dpd_buf(d, q, ids[1]), data, len);
		dpd_desc_set(qq, ids[1], dpd_buf_iova(d, q, ids[1]), len,
			     AVQ_DESC_F_NEXT, ids[2]);
	}
	b = dpd_buf(d, q, ids[n - 1]);
	b[0] = 0xee;
	dpd_desc_set(qq, ids[n - 1], dpd_buf_iova(d, q, ids[n - 1]), 1,
		     AVQ_DESC_F_WRITE, 0);
	dpd_avail_push(d, q, (uint16_t)head);
	if (!dpd_used_wait(qq, end))
		return -1;
	id = avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].id);
	if (id != (uint32_t)head ||
	    avq_le32(qq->used->ring[qq->used_seen & (qq->size - 1)].len) != 1)
		return -1;
	ack = b[0];
	dpd_unchain(qq, id);
	qq->used_seen++;
	return ack;
}

/* ---- Status ---- */

uint8_t
dpd_status(struct dpd *d)
{
	return avq_fx_status(d->fx, d->id);
}

bool
dpd_wait_status(struct dpd *d, uint8_t bits, unsigned int ms)
{
	uint64_t end = avq_test_ms() + ms;
	uint8_t st;

	for (;;) {
		st = dpd_status(d);
		if (st != 0xff && (st & bits) == bits)
			return true;
		if (avq_test_ms() > end)
			return false;
		usleep(1000);
	}
}

/* ---- Test helpers ---- */

int
dpd_send(struct dpd *d, uint16_t q, const void *f, uint32_t len)
{
	TEST_ASSERT_SUCCESS(dpd_tx(d, q, f, len, NULL), "tx on queue %u", q);
	TEST_ASSERT_SUCCESS(dpd_tx_wait(d, q, 2000),
			    "transmit queue %u of device %" PRIu64 " not used",
			    q, d->id);
	return TEST_SUCCESS;
}

int
dpd_expect(struct dpd *d, uint16_t q, const void *f, uint32_t len,
	   uint16_t nb, unsigned int ms)
{
	static uint8_t buf[70000];
	struct virtio_net_hdr_v1 h, zero;
	int n;

	n = dpd_rx(d, q, buf, sizeof(buf), &h, ms);
	TEST_ASSERT(n >= 0, "device %" PRIu64 " queue %u: no frame (%d)",
		    d->id, q, n);
	TEST_ASSERT_EQUAL(n, len, "device %" PRIu64 " queue %u: length",
			  d->id, q);
	TEST_ASSERT(memcmp(buf, f, len) == 0, "device %" PRIu64 " queue %u:"
		    " frame bytes differ", d->id, q);
	if (nb != 0)
		TEST_ASSERT_EQUAL(avq_le16(h.num_buffers), nb, "num_buffers");
	/* No offload negotiated: every other header field is 0. */
	memset(&zero, 0, sizeof(zero));
	h.num_buffers = 0;
	TEST_ASSERT(memcmp(&h, &zero, sizeof(h)) == 0, "header not zero");
	return TEST_SUCCESS;
}

int
dpd_expect_none(struct dpd *d, uint16_t q, unsigned int ms)
{
	TEST_ASSERT(!dpd_rx_ready(d, q, ms), "device %" PRIu64 " queue %u:"
		    " unexpected frame", d->id, q);
	return TEST_SUCCESS;
}

struct rte_avq_dev_vq_stats
dpd_stats(struct dpd *d, uint16_t q)
{
	struct rte_avq_dev_vq_stats s;

	memset(&s, 0, sizeof(s));
	if (rte_avq_dev_vq_stats(d->fx->dev, d->id, q, &s) != 0)
		memset(&s, 0xff, sizeof(s));
	return s;
}
