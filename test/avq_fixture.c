/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "avq_test.h"
#include "avq_fixture.h"

void
avq_fx_params(struct rte_avq_dev_params *p)
{
	rte_avq_dev_params_init(p);
	snprintf(p->name, sizeof(p->name), "avqtest");
	p->idle = RTE_AVQ_DEV_IDLE_ADAPTIVE;
	p->poll_us = 50;
}

int
avq_fx_setup(struct avq_fx *fx, const struct rte_avq_dev_params *p)
{
	struct rte_avq_dev_params def;
	uint64_t f;
	int ret;

	memset(fx, 0, sizeof(*fx));
	if (p == NULL) {
		avq_fx_params(&def);
		p = &def;
	}
	fx->strict = p->strict;
	fx->dev = rte_avq_dev_create(p);
	if (fx->dev == NULL) {
		fprintf(stderr, "fixture: device create failed: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	ret = rte_avq_dev_start(fx->dev);
	if (ret < 0) {
		fprintf(stderr, "fixture: device start failed: %d\n", ret);
		goto fail;
	}
	rte_avq_sim_transport(fx->dev, &fx->t);
	/* RFC admin VQ: "The driver SHOULD negotiate VIRTIO_F_ADMIN_VQ if the
	 * device offers it." */
	f = fx->t.ops->features_get(fx->t.ctx);
	ret = fx->t.ops->features_set(fx->t.ctx, f);
	if (ret < 0) {
		fprintf(stderr, "fixture: features_set failed: %d\n", ret);
		goto fail;
	}
	fx->aq = rte_avq_aq_create(&fx->t, 0, 0, SOCKET_ID_ANY);
	if (fx->aq == NULL) {
		ret = -rte_errno;
		fprintf(stderr, "fixture: aq create failed: %s\n",
			rte_strerror(rte_errno));
		goto fail;
	}
	return 0;
fail:
	avq_fx_teardown(fx);
	return ret;
}

void
avq_fx_teardown(struct avq_fx *fx)
{
	unsigned int i;

	for (i = 0; i < fx->num_vfd; i++) {
		if (fx->dev != NULL)
			fx->t.ops->vector_bind(fx->t.ctx, fx->vfd[i].vector,
					       -1);
		close(fx->vfd[i].fd);
	}
	fx->num_vfd = 0;
	if (fx->aq != NULL)
		rte_avq_aq_free(fx->aq);
	fx->aq = NULL;
	for (i = 0; i < fx->num_dma; i++) {
		if (fx->dev != NULL)
			fx->t.ops->dma_unmap(fx->t.ctx, fx->dma[i].dma,
					     fx->dma[i].len);
		rte_free(fx->dma[i].va);
	}
	fx->num_dma = 0;
	if (fx->dev != NULL)
		rte_avq_dev_destroy(fx->dev);
	fx->dev = NULL;
}

struct rte_avq_engine *
avq_fx_engine(struct avq_fx *fx, const struct rte_avq_engine_conf *conf)
{
	struct rte_avq_engine_conf c;
	struct rte_avq_engine *e;

	rte_avq_aq_free(fx->aq);
	fx->aq = NULL;
	if (conf != NULL)
		c = *conf;
	else
		memset(&c, 0, sizeof(c));
	c.transport = &fx->t;
	c.socket = SOCKET_ID_ANY;
	e = rte_avq_engine_create(&c);
	if (e == NULL)
		fprintf(stderr, "engine create failed: %d\n", rte_errno);
	return e;
}

int
avq_fx_run(struct avq_fx *fx, const struct rte_avq_dev_params *p,
	   avq_fx_body_fn body, void *arg)
{
	int ret;

	if (avq_fx_setup(fx, p) < 0)
		return TEST_FAILED;
	ret = body(fx, arg);
	if (ret != TEST_SUCCESS)
		fprintf(stderr, "  (failed on a %s device)\n",
			fx->strict ? "strict" : "default");
	avq_fx_teardown(fx);
	return ret;
}

int
avq_fx_run_both(struct avq_fx *fx, const struct rte_avq_dev_params *p,
		avq_fx_body_fn body, void *arg)
{
	struct rte_avq_dev_params q;
	int ret;

	if (p != NULL)
		q = *p;
	else
		avq_fx_params(&q);
	q.strict = false;
	ret = avq_fx_run(fx, &q, body, arg);
	if (ret != TEST_SUCCESS)
		return ret;
	q.strict = true;
	return avq_fx_run(fx, &q, body, arg);
}

int
avq_fx_want_ack(const struct avq_fx *fx, int ack)
{
	/* strict setting: every non-zero ack becomes 1 */
	return fx->strict && ack != AVQ_ACK_OK ? AVQ_ACK_ERR : ack;
}

int
avq_fx_exec(struct avq_fx *fx, uint64_t device_id, uint16_t class_id,
	    uint16_t command, const void *out, uint32_t out_len,
	    void *in, uint32_t in_len, struct rte_avq_result *res)
{
	memset(res, 0, sizeof(*res));
	return rte_avq_aq_exec(fx->aq, device_id, class_id, command, out,
			       out_len, in, in_len, res, 0);
}

int
avq_fx_ack(struct avq_fx *fx, uint64_t device_id, uint16_t class_id,
	   uint16_t command, const void *out, uint32_t out_len,
	   void *in, uint32_t in_len)
{
	struct rte_avq_result res;
	int ret;

	ret = avq_fx_exec(fx, device_id, class_id, command, out, out_len,
			  in, in_len, &res);
	if (ret < 0) {
		fprintf(stderr, "fixture: exec %u/%u failed: %d\n", class_id,
			command, ret);
		return -1;
	}
	return res.ack;
}

void
avq_fx_net_create_init(struct avq_fx_net_create *c, uint32_t type,
		       uint8_t mac5)
{
	memset(c, 0, sizeof(*c));
	c->hdr.virtio_type = avq_to_le32(type);
	c->cfg.mac[0] = 0x02;
	c->cfg.mac[5] = mac5;
	c->cfg.status = avq_to_le16(AVQ_NET_S_LINK_UP);
	c->cfg.max_virtqueue_pairs = avq_to_le16(1);
}

int
avq_fx_create_net(struct avq_fx *fx, uint64_t *id)
{
	struct rte_avq_net_params np = {
		.mac = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		.link_up = true,
		.max_queue_pairs = 1,
		.mtu = 1500,
	};

	return rte_avq_vdev_create_net(fx->aq, &np, id);
}

int
avq_fx_features_ok(struct avq_fx *fx, uint64_t id)
{
	uint64_t f;
	int ret;

	ret = rte_avq_status_set(fx->aq, id, AVQ_STATUS_ACKNOWLEDGE);
	if (ret == 0)
		ret = rte_avq_status_set(fx->aq, id, AVQ_STATUS_ACKNOWLEDGE |
					 AVQ_STATUS_DRIVER);
	if (ret == 0)
		ret = rte_avq_feat_device_get(fx->aq, id, &f);
	if (ret == 0)
		ret = rte_avq_feat_driver_set(fx->aq, id, f);
	if (ret == 0)
		ret = rte_avq_status_set(fx->aq, id, AVQ_STATUS_ACKNOWLEDGE |
					 AVQ_STATUS_DRIVER |
					 AVQ_STATUS_FEATURES_OK);
	return ret;
}

void *
avq_fx_dma_alloc(struct avq_fx *fx, size_t len, uint64_t *dma)
{
	void *va;
	int ret;

	if (fx->num_dma == AVQ_FX_MAX_DMA)
		return NULL;
	va = rte_zmalloc("avq_fx_dma", len, 4096);
	if (va == NULL)
		return NULL;
	*dma = fx->t.ops->dma_addr(fx->t.ctx, va);
	ret = fx->t.ops->dma_map(fx->t.ctx, va, *dma, len);
	if (ret < 0) {
		rte_free(va);
		return NULL;
	}
	fx->dma[fx->num_dma].va = va;
	fx->dma[fx->num_dma].dma = *dma;
	fx->dma[fx->num_dma].len = len;
	fx->num_dma++;
	return va;
}

int
avq_fx_vector_fd(struct avq_fx *fx, uint32_t vector)
{
	int fd;

	if (fx->num_vfd == AVQ_FX_MAX_VFD)
		return -1;
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fx->t.ops->vector_bind(fx->t.ctx, vector, fd) < 0) {
		close(fd);
		return -1;
	}
	fx->vfd[fx->num_vfd].fd = fd;
	fx->vfd[fx->num_vfd].vector = vector;
	fx->num_vfd++;
	return fd;
}

uint64_t
avq_fx_vector_delivered(struct avq_fx *fx, uint32_t v, uint32_t *data)
{
	struct rte_avq_dev_vector_info vi;

	memset(&vi, 0, sizeof(vi));
	if (rte_avq_dev_vector_info(fx->dev, v, &vi) < 0)
		return UINT64_MAX;
	if (data != NULL)
		*data = vi.last_data;
	return vi.count;
}

uint8_t
avq_fx_status(struct avq_fx *fx, uint64_t id)
{
	uint8_t st = 0xff;

	if (rte_avq_status_get(fx->aq, id, &st) < 0)
		return 0xff;
	return st;
}

uint32_t
avq_fx_mmu_mappings(struct avq_fx *fx, uint64_t id)
{
	struct rte_avq_dev_vdev_info vi;

	if (rte_avq_dev_vdev_info(fx->dev, id, &vi) < 0)
		return UINT32_MAX;
	return vi.mmu_mappings;
}

int
avq_fx_vdev_count(struct avq_fx *fx)
{
	uint64_t ids[8];

	return rte_avq_dev_vdev_list(fx->dev, ids, RTE_DIM(ids));
}

uint64_t
avq_fx_prng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

uint64_t
avq_fx_eventfd_count(int fd)
{
	eventfd_t v;

	if (eventfd_read(fd, &v) < 0)
		return 0;
	return v;
}

int
avq_fx_trace(struct avq_fx *fx, uint64_t after_seq,
	     struct rte_avq_dev_trace_entry *e, unsigned int n)
{
	return rte_avq_dev_trace_read(fx->dev, after_seq, e, n);
}

uint64_t
avq_fx_trace_last(struct avq_fx *fx)
{
	struct rte_avq_dev_trace_entry e[64];
	uint64_t last = 0;
	int n;

	do {
		n = rte_avq_dev_trace_read(fx->dev, last, e, RTE_DIM(e));
		if (n > 0)
			last = e[n - 1].seq;
	} while (n == (int)RTE_DIM(e));
	return last;
}
