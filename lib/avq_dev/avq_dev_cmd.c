/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * AQ command execution: one dispatch table (data) for every RFC class
 * (seed 000) and the implemented extensions, one small dispatch function
 * for the checks every command shares, and the handlers.
 *
 * Each handler validates everything first and mutates only when it is
 * going to succeed: a failed command leaves the device as it was.
 * The MMU handlers live in avq_dev_mmu.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"
#include "avq_dev_vqx.h"

#define ANY UINT32_MAX

/* ---- Helpers ---- */

/* Copy the fixed out-data into @p dst (sizes are checked by the table). */
#define OUT_GET(c, dst) memcpy(&(dst), (c)->out, sizeof(dst))

static uint8_t
reply(struct avq_cmd_ctx *c, const void *data, uint32_t len)
{
	/* The table's min_in guarantees room; checked again for safety. */
	if (c->in_cap < len)
		return AVQ_ACK_INVAL;
	memcpy(c->in, data, len);
	c->in_len = len;
	return AVQ_ACK_OK;
}

static uint8_t
reply_le64(struct avq_cmd_ctx *c, uint64_t v)
{
	rte_le64_t le = avq_to_le64(v);

	return reply(c, &le, sizeof(le));
}

/* Make each enabled queue's rings reachable now, so that a missing
 * mapping faults at DRIVER_OK (the MMU module then sets DEVICE_MMU_FAIL |
 * DEVICE_NEEDS_RESET and raises the config interrupt). A ring area may
 * span several mappings if they are contiguous in host memory, which is
 * what the datapath needs (avq_dvq_sync() applies the same rule). */
static bool
vq_rings_check(struct avq_vdev *v, uint16_t q)
{
	const struct avq_vdev_vq *vq = &v->vq[q];
	bool nc;

	return avq_vdev_map_range(v, q, vq->desc, AVQ_DESC_AREA_SIZE(vq->size),
				  AVQ_MMU_F_READ, &nc) != NULL &&
	       avq_vdev_map_range(v, q, vq->avail,
				  AVQ_AVAIL_AREA_SIZE(vq->size),
				  AVQ_MMU_F_READ, &nc) != NULL &&
	       avq_vdev_map_range(v, q, vq->used, AVQ_USED_AREA_SIZE(vq->size),
				  AVQ_MMU_F_WRITE, &nc) != NULL;
}

/* Queue index from the first two bytes of out-data; RANGE if absent. */
static uint8_t
vq_index(const struct avq_cmd_ctx *c, uint16_t *q)
{
	rte_le16_t le;

	memcpy(&le, c->out, sizeof(le));
	*q = avq_le16(le);
	return *q < c->vdev->num_queues ? AVQ_ACK_OK : AVQ_ACK_RANGE;
}

/* ---- Management device: CAP, VDEV, AQ_INFO ---- */

/* Last extension class a CAP bit can announce (bit 63). */
#define EXT_CLASS_LAST	(AVQ_CLASS_EXT_FIRST + 63 - AVQ_CAP_F_EXT(AVQ_CLASS_EXT_FIRST))

/*
 * Whether this device offers extension class @p class_id. The same answer
 * sets the CAP bit and admits the class in the dispatcher: a class whose
 * bit is clear is UNSUPP (protocol guide, Extension classes).
 */
static bool
ext_offered(const struct rte_avq_dev *d, uint16_t class_id)
{
	switch (class_id) {
	case AVQ_CLASS_AQ_INFO:
	case AVQ_CLASS_MMU_RESV:
		return true;
	case AVQ_CLASS_MMU_BATCH:
		return d->params.mmu_batch;
	case AVQ_CLASS_NET_CTRL:
		return d->params.net_ctrl;
	case AVQ_CLASS_MULTI:
		return d->params.multi;
	case AVQ_CLASS_VQ_STATE:
	case AVQ_CLASS_VQ_STATS:
		return true;	/* avq_dev_vqx.c */
	default:
		return false;
	}
}

static uint8_t
cmd_cap_get(struct avq_cmd_ctx *c)
{
	uint64_t caps = RTE_BIT64(AVQ_CAP_F_VDEV);
	uint16_t cls;

	/* RFC values are bit numbers; extensions are announced by CAP bit. */
	for (cls = AVQ_CLASS_EXT_FIRST; cls <= EXT_CLASS_LAST; cls++)
		if (ext_offered(c->dev, cls))
			caps |= RTE_BIT64(AVQ_CAP_F_EXT(cls));
	return reply_le64(c, caps);
}

static uint8_t
cmd_vdev_create(struct avq_cmd_ctx *c)
{
	uint64_t id;
	uint8_t ack;

	ack = avq_vdev_create(c->dev, 0, c->out, c->out_len, &id);
	if (ack != AVQ_ACK_OK)
		return ack;
	return reply_le64(c, id);
}

static uint8_t
cmd_vdev_destroy(struct avq_cmd_ctx *c)
{
	/* RFC admin VQ: DESTROY targets the header's device_id. */
	return avq_vdev_destroy(c->dev, c->device_id);
}

static uint8_t
cmd_aq_info_get(struct avq_cmd_ctx *c)
{
	const struct rte_avq_dev_params *p = &c->dev->params;
	struct avq_aq_info info = {
		.num_aqs = avq_to_le16(p->num_aqs),
		/* The management device has no other virtqueues. */
		.first_aq_index = avq_to_le16(0),
		.max_aq_size = avq_to_le16(p->max_aq_size),
		.max_vq_pairs = avq_to_le16(p->max_vq_pairs),
		.max_vdevs = avq_to_le32(p->max_vdevs),
		.max_vq_size = avq_to_le16(p->max_vq_size),
		.reserved = 0,
	};

	return reply(c, &info, sizeof(info));
}

/* ---- FEAT ---- */

static uint8_t
cmd_feat_device_get(struct avq_cmd_ctx *c)
{
	return reply_le64(c, c->vdev->device_features);
}

static uint8_t
cmd_feat_driver_set(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	struct avq_features f;
	uint64_t bits;

	OUT_GET(c, f);
	bits = avq_le64(f.features);
	/* virtio 3.1.1: features are written after DRIVER, before
	 * FEATURES_OK. */
	if (!(v->status & AVQ_STATUS_DRIVER) ||
	    (v->status & AVQ_STATUS_FEATURES_OK))
		return AVQ_ACK_INVAL;
	/* virtio 2.2.1: the driver MUST NOT accept a feature not offered. */
	if (bits & ~v->device_features)
		return AVQ_ACK_INVAL;
	v->driver_features = bits;
	return AVQ_ACK_OK;
}

static uint8_t
cmd_feat_driver_get(struct avq_cmd_ctx *c)
{
	return reply_le64(c, c->vdev->driver_features);
}

/* ---- STATUS: legal transitions as data ---- */

struct status_rule {
	uint8_t bit;
	bool driver_may_set;
	uint8_t needs;		/* bits the new status must also hold */
	uint64_t needs_features;	/* driver features required */
};

static const struct status_rule status_rules[] = {
	{ AVQ_STATUS_ACKNOWLEDGE,	true,	0,			0 },
	{ AVQ_STATUS_DRIVER,		true,	AVQ_STATUS_ACKNOWLEDGE,	0 },
	/* virtio 6.1: a 1.x device refuses FEATURES_OK without VERSION_1. */
	{ AVQ_STATUS_FEATURES_OK,	true,	AVQ_STATUS_DRIVER,
	  RTE_BIT64(AVQ_F_VERSION_1) },
	{ AVQ_STATUS_DRIVER_OK,		true,	AVQ_STATUS_FEATURES_OK,	0 },
	{ AVQ_STATUS_FAILED,		true,	0,			0 },
	/* Set by the device only (RFC: MMU failure; virtio 2.1). */
	{ AVQ_STATUS_DEVICE_MMU_FAIL,	false,	0,			0 },
	{ AVQ_STATUS_DEVICE_NEEDS_RESET, false,	0,			0 },
};

/* Whether the driver may move the status from @p old to @p new (not 0). */
static bool
status_transition_ok(const struct avq_vdev *v, uint8_t old, uint8_t new)
{
	uint8_t known = 0, added = new & ~old;
	unsigned int i;

	for (i = 0; i < RTE_DIM(status_rules); i++)
		known |= status_rules[i].bit;
	if (new & ~known)
		return false;
	/* Bits are only cleared by a reset (writing 0). */
	if (old & ~new)
		return false;
	for (i = 0; i < RTE_DIM(status_rules); i++) {
		const struct status_rule *r = &status_rules[i];

		if (!(added & r->bit))
			continue;
		if (!r->driver_may_set ||
		    (new & r->needs) != r->needs ||
		    (v->driver_features & r->needs_features) != r->needs_features)
			return false;
	}
	return true;
}

static uint8_t
cmd_status_set(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	uint8_t new = c->out[0], old = v->status;
	uint16_t q;

	if (new == 0) {
		/* RFC admin VQ, Device Status: the success of this command
		 * demonstrates the success of the reset (done inline). */
		avq_vdev_reset(v);
		return AVQ_ACK_OK;
	}
	if (!status_transition_ok(v, old, new))
		return AVQ_ACK_INVAL;
	v->status = new;
	if ((new & ~old) & AVQ_STATUS_DRIVER_OK) {
		for (q = 0; q < v->num_queues; q++)
			if (v->vq[q].enabled && !vq_rings_check(v, q))
				break;	/* faulted: status says so */
		/* The datapath starts unless that check faulted it. */
		if (!(v->status & AVQ_STATUS_DEVICE_NEEDS_RESET) &&
		    v->type->driver_ok != NULL)
			v->type->driver_ok(v);
	}
	return AVQ_ACK_OK;
}

static uint8_t
cmd_status_get(struct avq_cmd_ctx *c)
{
	return reply(c, &c->vdev->status, 1);
}

static uint8_t
cmd_generation_get(struct avq_cmd_ctx *c)
{
	struct avq_generation g = {
		.generation = avq_to_le32(c->vdev->generation),
	};

	return reply(c, &g, sizeof(g));
}

/* ---- CONFIG ---- */

static uint8_t
config_range(const struct avq_vdev *v, uint32_t off, uint32_t size)
{
	if (size == 0)
		return AVQ_ACK_INVAL;
	/* RFC admin VQ: MUST fail an access out of the config space. */
	if ((uint64_t)off + size > v->config_len)
		return AVQ_ACK_RANGE;
	return AVQ_ACK_OK;
}

static uint8_t
cmd_config_get(struct avq_cmd_ctx *c)
{
	const struct avq_vdev *v = c->vdev;
	struct avq_config_get g;
	uint32_t off, size;
	uint8_t ack;

	OUT_GET(c, g);
	off = avq_le32(g.offset);
	size = avq_le32(g.size);
	ack = config_range(v, off, size);
	if (ack != AVQ_ACK_OK)
		return ack;
	if (c->in_cap < size)
		return AVQ_ACK_INVAL;
	return reply(c, v->config + off, size);
}

static uint8_t
cmd_config_set(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	uint8_t before[AVQ_VDEV_CONFIG_MAX];
	struct avq_config_set h;
	uint32_t off, size;
	uint8_t ack;

	OUT_GET(c, h);
	off = avq_le32(h.offset);
	size = avq_le32(h.size);
	if (size == 0 || c->out_len - sizeof(h) != size)
		return AVQ_ACK_INVAL;
	ack = config_range(v, off, size);
	if (ack != AVQ_ACK_OK)
		return ack;
	if (v->type->config_write == NULL)
		return AVQ_ACK_INVAL;
	memcpy(before, v->config, v->config_len);
	ack = v->type->config_write(v, off, c->out + sizeof(h), size);
	if (ack == AVQ_ACK_OK && memcmp(before, v->config, v->config_len) != 0)
		avq_vdev_config_changed(v);
	return ack;
}

/* ---- MSI (1 = enable, 0 = disable; 1 = masked, 0 = unmasked: DESIGN
 * resolution of the RFC's contradicting bytes) ---- */

static uint8_t
msi_set(struct avq_cmd_ctx *c, struct avq_msi *m, uint64_t addr,
	uint32_t data)
{
	/* On software transports addr names a vector (DESIGN 4). */
	if (addr >= c->dev->params.max_vectors)
		return AVQ_ACK_RANGE;
	m->addr = addr;
	m->data = data;
	m->addr_set = true;
	return AVQ_ACK_OK;
}

static uint8_t
msi_enable(struct avq_msi *m, uint8_t val)
{
	if (val > 1)
		return AVQ_ACK_INVAL;
	if (val == 1 && !m->addr_set)
		return AVQ_ACK_INVAL;
	m->enabled = val == 1;
	if (!m->enabled)
		m->pending = false;	/* interrupts of a disabled entry drop */
	return AVQ_ACK_OK;
}

static uint8_t
msi_mask(struct rte_avq_dev *d, struct avq_msi *m, uint8_t val)
{
	if (val > 1)
		return AVQ_ACK_INVAL;
	m->masked = val == 1;
	/* RFC admin VQ, MSI: MUST generate the interrupt if it was pending
	 * after unmasking. */
	if (!m->masked && m->pending) {
		m->pending = false;
		avq_msi_raise(d, m);
	}
	return AVQ_ACK_OK;
}

static uint8_t
cmd_msi_vq_set(struct avq_cmd_ctx *c)
{
	struct avq_msi_vq_set s;
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	OUT_GET(c, s);
	return msi_set(c, &c->vdev->vq[q].msi, avq_le64(s.addr),
		       avq_le32(s.data));
}

static uint8_t
cmd_msi_vq_enable(struct avq_cmd_ctx *c)
{
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	return msi_enable(&c->vdev->vq[q].msi, c->out[2]);
}

static uint8_t
cmd_msi_vq_mask(struct avq_cmd_ctx *c)
{
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	return msi_mask(c->dev, &c->vdev->vq[q].msi, c->out[2]);
}

static uint8_t
cmd_msi_config_set(struct avq_cmd_ctx *c)
{
	struct avq_msi_config_set s;

	OUT_GET(c, s);
	return msi_set(c, &c->vdev->config_msi, avq_le64(s.addr),
		       avq_le32(s.data));
}

static uint8_t
cmd_msi_config_enable(struct avq_cmd_ctx *c)
{
	return msi_enable(&c->vdev->config_msi, c->out[0]);
}

static uint8_t
cmd_msi_config_mask(struct avq_cmd_ctx *c)
{
	return msi_mask(c->dev, &c->vdev->config_msi, c->out[0]);
}

/* ---- Virtqueues ---- */

static uint8_t
cmd_vq_addr_set(struct avq_cmd_ctx *c)
{
	struct avq_vq_addr a;
	struct avq_vdev_vq *vq;
	uint64_t desc, avail, used;
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	OUT_GET(c, a);
	vq = &c->vdev->vq[q];
	desc = avq_le64(a.descriptor_area);
	avail = avq_le64(a.driver_area);
	used = avq_le64(a.device_area);
	if (vq->enabled)
		return AVQ_ACK_INVAL;
	/* virtio 2.7: descriptor table 16, driver area 2, device area 4. */
	if (desc % 16 || avail % 2 || used % 4)
		return AVQ_ACK_INVAL;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->addr_set = true;
	vq->gen++;
	return AVQ_ACK_OK;
}

static uint8_t
cmd_vq_enable_set(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	uint8_t val = c->out[2];
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	if (val > 1)
		return AVQ_ACK_INVAL;
	/* RFC admin VQ: the driver MUST configure the other fields first. */
	if (val == 1 && !v->vq[q].addr_set)
		return AVQ_ACK_INVAL;
	/* The datapath starts (or stops) the queue afresh. */
	v->vq[q].enabled = val == 1;
	v->vq[q].gen++;
	if (val == 1 && (v->status & AVQ_STATUS_DRIVER_OK))
		vq_rings_check(v, q);
	return AVQ_ACK_OK;
}

static uint8_t
cmd_vq_enable_get(struct avq_cmd_ctx *c)
{
	uint16_t q;
	uint8_t val, ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	val = c->vdev->vq[q].enabled ? 1 : 0;
	return reply(c, &val, 1);
}

static uint8_t
cmd_vq_size_set(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	struct avq_vq_size_set s;
	uint16_t q, size;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	OUT_GET(c, s);
	size = avq_le16(s.size);
	if (size == 0 || (size & (size - 1)) != 0)
		return AVQ_ACK_INVAL;
	if (size > v->max_queue_size)
		return AVQ_ACK_RANGE;
	if (v->vq[q].enabled)
		return AVQ_ACK_INVAL;
	v->vq[q].size = size;
	v->vq[q].gen++;
	return AVQ_ACK_OK;
}

static uint8_t
cmd_vq_size_get(struct avq_cmd_ctx *c)
{
	struct avq_vq_size s;
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	s.size = avq_to_le16(c->vdev->vq[q].size);
	return reply(c, &s, sizeof(s));
}

static uint8_t
cmd_vq_notify_get(struct avq_cmd_ctx *c)
{
	struct avq_vq_notify_area na;
	uint16_t q;
	uint8_t ack = vq_index(c, &q);

	if (ack != AVQ_ACK_OK)
		return ack;
	/* One page per queue, private to this managed device (RFC: MUST
	 * forbid access from another virtual device). The size reported is
	 * the le16 slot the driver writes the queue index into. */
	na.addr = avq_to_le64((uint64_t)(uintptr_t)
			      (c->vdev->notify + (size_t)q * AVQ_NOTIFY_STRIDE));
	na.size = avq_to_le64(sizeof(uint16_t));
	return reply(c, &na, sizeof(na));
}

/* ---- The table ---- */

#define MGMT AVQ_T_MGMT
#define VDEV AVQ_T_VDEV
#define ROW(cls, cmd, tgt, omin, omax, imin, fn)			\
	{ cls, cmd, tgt, omin, omax, imin, fn, #cls "/" #cmd }

static uint8_t cmd_multi_exec(struct avq_cmd_ctx *c);

static const struct avq_cmd_desc cmd_table[] = {
	ROW(AVQ_CLASS_CAP, AVQ_CAP_GET, MGMT, 0, 0, 8, cmd_cap_get),
	ROW(AVQ_CLASS_VDEV, AVQ_VDEV_CREATE, MGMT,
	    sizeof(struct avq_vdev_create), ANY, 8, cmd_vdev_create),
	ROW(AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY, VDEV, 0, 0, 0, cmd_vdev_destroy),
	ROW(AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, VDEV, 0, 0, 8,
	    cmd_feat_device_get),
	ROW(AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET, VDEV, 8, 8, 0,
	    cmd_feat_driver_set),
	ROW(AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_GET, VDEV, 0, 0, 8,
	    cmd_feat_driver_get),
	ROW(AVQ_CLASS_STATUS, AVQ_STATUS_SET, VDEV, 1, 1, 0, cmd_status_set),
	ROW(AVQ_CLASS_STATUS, AVQ_STATUS_GET, VDEV, 0, 0, 1, cmd_status_get),
	ROW(AVQ_CLASS_GENERATION, AVQ_GENERATION_GET, VDEV, 0, 0, 4,
	    cmd_generation_get),
	ROW(AVQ_CLASS_CONFIG, AVQ_CONFIG_GET, VDEV,
	    sizeof(struct avq_config_get), sizeof(struct avq_config_get), 0,
	    cmd_config_get),
	ROW(AVQ_CLASS_CONFIG, AVQ_CONFIG_SET, VDEV,
	    sizeof(struct avq_config_set), ANY, 0, cmd_config_set),
	ROW(AVQ_CLASS_MSI, AVQ_MSI_VQ_SET, VDEV, sizeof(struct avq_msi_vq_set),
	    sizeof(struct avq_msi_vq_set), 0, cmd_msi_vq_set),
	ROW(AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE, VDEV, sizeof(struct avq_vq_u8),
	    sizeof(struct avq_vq_u8), 0, cmd_msi_vq_enable),
	ROW(AVQ_CLASS_MSI, AVQ_MSI_VQ_MASK, VDEV, sizeof(struct avq_vq_u8),
	    sizeof(struct avq_vq_u8), 0, cmd_msi_vq_mask),
	ROW(AVQ_CLASS_MSI, AVQ_MSI_CONFIG_SET, VDEV,
	    sizeof(struct avq_msi_config_set),
	    sizeof(struct avq_msi_config_set), 0, cmd_msi_config_set),
	ROW(AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE, VDEV, 1, 1, 0,
	    cmd_msi_config_enable),
	ROW(AVQ_CLASS_MSI, AVQ_MSI_CONFIG_MASK, VDEV, 1, 1, 0,
	    cmd_msi_config_mask),
	ROW(AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET, VDEV, sizeof(struct avq_vq_addr),
	    sizeof(struct avq_vq_addr), 0, cmd_vq_addr_set),
	ROW(AVQ_CLASS_VQ_ENABLE, AVQ_VQ_ENABLE_SET, VDEV,
	    sizeof(struct avq_vq_u8), sizeof(struct avq_vq_u8), 0,
	    cmd_vq_enable_set),
	ROW(AVQ_CLASS_VQ_ENABLE, AVQ_VQ_ENABLE_GET, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), 1, cmd_vq_enable_get),
	ROW(AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET, VDEV,
	    sizeof(struct avq_vq_size_set), sizeof(struct avq_vq_size_set), 0,
	    cmd_vq_size_set),
	ROW(AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_GET, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), sizeof(struct avq_vq_size), cmd_vq_size_get),
	ROW(AVQ_CLASS_VQ_NOTIFY, AVQ_VQ_NOTIFY_GET, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), sizeof(struct avq_vq_notify_area),
	    cmd_vq_notify_get),
	/* MMU: handlers in avq_dev_mmu.c check the exact shapes (the
	 * optional trailing ASID of MAP/UNMAP). */
	ROW(AVQ_CLASS_MMU, AVQ_MMU_ENABLE, VDEV, 1, 1, 0, avq_cmd_mmu_enable),
	ROW(AVQ_CLASS_MMU, AVQ_MMU_ASID_SET, VDEV,
	    sizeof(struct avq_mmu_asid_set), sizeof(struct avq_mmu_asid_set), 0,
	    avq_cmd_mmu_asid_set),
	ROW(AVQ_CLASS_MMU, AVQ_MMU_MAP, VDEV, sizeof(struct avq_mmu_map),
	    sizeof(struct avq_mmu_map_asid), 0, avq_cmd_mmu_map),
	ROW(AVQ_CLASS_MMU, AVQ_MMU_UNMAP, VDEV, sizeof(struct avq_mmu_unmap),
	    sizeof(struct avq_mmu_unmap_asid), 0, avq_cmd_mmu_unmap),
	ROW(AVQ_CLASS_MMU, AVQ_MMU_ERR_GET, VDEV, 0, 0,
	    sizeof(struct avq_mmu_err), avq_cmd_mmu_err_get),
	/* Extensions (CAP bits AVQ_CAP_F_EXT(class), see ext_offered()). */
	ROW(AVQ_CLASS_AQ_INFO, AVQ_AQ_INFO_GET, MGMT, 0, 0,
	    sizeof(struct avq_aq_info), cmd_aq_info_get),
	ROW(AVQ_CLASS_MMU_RESV, AVQ_MMU_RESV_GET, VDEV, 0, 0,
	    sizeof(struct avq_mmu_resv_hdr), avq_cmd_mmu_resv_get),
	/* CAP bit AVQ_CAP_F_EXT(66) when params.mmu_batch; the handlers
	 * check that out-data holds exactly count entries. */
	ROW(AVQ_CLASS_MMU_BATCH, AVQ_MMU_BATCH_MAP, VDEV,
	    sizeof(struct avq_mmu_batch_hdr), ANY, 0, avq_cmd_mmu_batch_map),
	ROW(AVQ_CLASS_MMU_BATCH, AVQ_MMU_BATCH_UNMAP, VDEV,
	    sizeof(struct avq_mmu_batch_hdr), ANY, 0, avq_cmd_mmu_batch_unmap),
	/* CAP bit AVQ_CAP_F_EXT(67) when params.net_ctrl (seed 001); the
	 * handlers are in avq_dev_net_ctrl.c, EXEC checks its data length
	 * per virtio-net command. */
	ROW(AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_EXEC, VDEV, 2, ANY, 0,
	    avq_cmd_net_ctrl_exec),
	ROW(AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_TRUST_SET, VDEV, 1, 1, 0,
	    avq_cmd_net_ctrl_trust_set),
	ROW(AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_STATE_GET, VDEV, 0, 0,
	    sizeof(struct avq_net_ctrl_state), avq_cmd_net_ctrl_state_get),
	/* CAP bits AVQ_CAP_F_EXT(68) and (70): avq_dev_vqx.c. */
	ROW(AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_GET, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), sizeof(struct avq_vq_state),
	    avq_cmd_vq_state_get),
	ROW(AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_SET, VDEV,
	    sizeof(struct avq_vq_state_set), sizeof(struct avq_vq_state_set), 0,
	    avq_cmd_vq_state_set),
	ROW(AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_STOP, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), sizeof(struct avq_vq_state),
	    avq_cmd_vq_state_stop),
	/* Queue 0xffff: one avq_vq_state per queue (the handler checks the
	 * room); SET_BATCH: whole avq_vq_state_set entries. */
	ROW(AVQ_CLASS_VQ_STATE, AVQ_VQ_STATE_SET_BATCH, VDEV,
	    sizeof(struct avq_vq_state_set), ANY, 0,
	    avq_cmd_vq_state_set_batch),
	ROW(AVQ_CLASS_VQ_STATS, AVQ_VQ_STATS_GET, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), sizeof(struct avq_vq_stats),
	    avq_cmd_vq_stats_get),
	ROW(AVQ_CLASS_VQ_STATS, AVQ_VQ_STATS_RESET, VDEV, sizeof(struct avq_vq),
	    sizeof(struct avq_vq), 0, avq_cmd_vq_stats_reset),
	/* CAP bit AVQ_CAP_F_EXT(73) when params.multi; the handler checks
	 * the list (cmd_multi_exec()). */
	ROW(AVQ_CLASS_MULTI, AVQ_MULTI_EXEC, VDEV, sizeof(struct avq_multi_hdr),
	    ANY, 0, cmd_multi_exec),
};

/* ---- MULTI_EXEC: a list of commands for one managed device ---- */

static const struct avq_cmd_desc *cmd_lookup(uint16_t class_id,
					     uint16_t command);
static uint8_t cmd_admit(struct avq_cmd_ctx *c, const struct avq_cmd_desc *cd);
static void cmd_log_refused(const struct avq_cmd_ctx *c,
			    const struct avq_cmd_desc *cd, uint8_t ack);

/*
 * Check the whole list first (a malformed one runs nothing), then run
 * each command as if it had come alone (avq_cmd_dispatch()): its own
 * checks, ack, in-data, statistics and trace entry. The handlers read our
 * copy of the out-data (the chain's, already copied) and write into the
 * reply area, whose offsets follow from the list alone.
 *
 * A list mostly repeats one command (a batch of MMU maps, of reads):
 * an entry with the table row, out-data length and in-data room of the
 * entry before it, which was admitted, is admitted too. cmd_admit()'s
 * checks read nothing else that a command of the list can change: the
 * device id is the list's, the offered extensions are parameters, and
 * only a command of class VDEV can destroy the managed device (after one
 * the next entry is checked in full).
 */
static uint8_t
cmd_multi_exec(struct avq_cmd_ctx *c)
{
	struct rte_avq_dev *d = c->dev;
	struct avq_vdev *vd;
	const struct avq_multi_hdr *h = (const void *)c->out;
	const struct avq_multi_cmd *mc;
	struct avq_multi_reply *rp;
	const struct avq_cmd_desc *cd, *same = NULL;
	uint32_t same_olen = 0, same_icap = 0;
	struct avq_cmd_ctx sub;
	uint32_t count, i, off, roff, olen, icap;
	uint8_t ack;

	count = avq_le16(h->count);
	if (count == 0 || count > AVQ_MULTI_MAX)
		return AVQ_ACK_INVAL;
	/* Pass 1: every entry inside the out-data, every reply inside the
	 * in-data room, no nesting. 64-bit sums: no length can wrap. */
	off = sizeof(*h);
	roff = 0;
	for (i = 0; i < count; i++) {
		if ((uint64_t)off + sizeof(*mc) > c->out_len)
			return AVQ_ACK_INVAL;
		mc = (const void *)(c->out + off);
		olen = avq_le32(mc->out_len);
		icap = avq_le32(mc->in_cap);
		if (avq_le16(mc->class_id) == AVQ_CLASS_MULTI ||
		    (uint64_t)off + sizeof(*mc) + olen > c->out_len ||
		    (uint64_t)roff + sizeof(*rp) + icap > c->in_cap)
			return AVQ_ACK_INVAL;
		off += sizeof(*mc) + AVQ_MULTI_ALIGN(olen);
		roff += sizeof(*rp) + AVQ_MULTI_ALIGN(icap);
		/* The padding may be cut at the end of either area. */
		off = RTE_MIN(off, c->out_len);
		roff = RTE_MIN(roff, c->in_cap);
	}
	if (off != c->out_len)
		return AVQ_ACK_INVAL;	/* bytes after the last entry */
	/* Pass 2: run them in order. The list's device was looked up for
	 * the list itself; a command of the list may destroy it, so after
	 * one of class VDEV it is looked up again. */
	vd = c->vdev;
	off = sizeof(*h);
	roff = 0;
	for (i = 0; i < count; i++) {
		mc = (const void *)(c->out + off);
		olen = avq_le32(mc->out_len);
		icap = avq_le32(mc->in_cap);
		rp = (void *)(c->in + roff);
		/* Every field set: no memset per command. */
		sub.dev = d;
		sub.vdev = vd;
		sub.in_len = 0;
		sub.aq = c->aq;
		sub.device_id = c->device_id;
		sub.class_id = avq_le16(mc->class_id);
		sub.command = avq_le16(mc->command);
		sub.out = c->out + off + sizeof(*mc);
		sub.out_len = olen;
		sub.in = c->in + roff + sizeof(*rp);
		sub.in_cap = icap;
		d->stats.commands++;
		if (unlikely(d->fault.active &&
			     avq_fault_fail(d, sub.class_id, sub.command,
					    &ack))) {
			/* An injected failure: the entry is not run. */
		} else {
			if (same != NULL && sub.class_id == same->class_id &&
			    sub.command == same->command &&
			    olen == same_olen && icap == same_icap) {
				cd = same;
				ack = cd->fn(&sub);
			} else {
				cd = cmd_lookup(sub.class_id, sub.command);
				ack = cmd_admit(&sub, cd);
				same = NULL;
				if (ack == AVQ_ACK_OK) {
					if (cd->target == AVQ_T_VDEV &&
					    cd->class_id != AVQ_CLASS_VDEV) {
						same = cd;
						same_olen = olen;
						same_icap = icap;
						/* Admitted for this device. */
						vd = sub.vdev;
					}
					ack = cd->fn(&sub);
				}
			}
			if (unlikely(ack != AVQ_ACK_OK))
				cmd_log_refused(&sub, cd, ack);
		}
		/* (An entry of class VDEV is never a twin, and it ended the
		 * one before: same is NULL.) */
		if (sub.class_id == AVQ_CLASS_VDEV)
			vd = avq_dev_vdev_find(d, c->device_id);
		if (ack != AVQ_ACK_OK)
			sub.in_len = 0;	/* a failed command returns no in-data */
		sub.in_len = RTE_MIN(sub.in_len, icap);
		if (ack != AVQ_ACK_OK && d->params.strict)
			ack = AVQ_ACK_ERR;
		if (ack != AVQ_ACK_OK)
			d->stats.commands_failed++;
		memset(rp, 0, sizeof(*rp));
		rp->ack = ack;
		rp->in_len = avq_to_le32(sub.in_len);
		avq_aq_trace_cmd(d, sub.device_id, olen, sub.in_len, c->aq,
				 sub.class_id, sub.command, ack);
		off += sizeof(*mc) + AVQ_MULTI_ALIGN(olen);
		roff += sizeof(*rp) + AVQ_MULTI_ALIGN(icap);
		roff = RTE_MIN(roff, c->in_cap);
	}
	c->in_len = roff;
	return AVQ_ACK_OK;
}

/* Direct index into cmd_table by (class, command), built once from the
 * table: the lookup runs for every command. 0 means "none", else row + 1. */
#define CMD_INDEX_CLASSES	(AVQ_CLASS_EXT_LAST + 1)
#define CMD_INDEX_COMMANDS	8
static uint8_t cmd_index[CMD_INDEX_CLASSES][CMD_INDEX_COMMANDS];

RTE_INIT(cmd_index_init)
{
	unsigned int i;

	RTE_BUILD_BUG_ON(RTE_DIM(cmd_table) >= UINT8_MAX);
	for (i = 0; i < RTE_DIM(cmd_table); i++) {
		/* Every row fits (the tests run every command); a row that
		 * did not would answer UNSUPP, never crash. */
		if (cmd_table[i].class_id >= CMD_INDEX_CLASSES ||
		    cmd_table[i].command >= CMD_INDEX_COMMANDS)
			continue;
		cmd_index[cmd_table[i].class_id][cmd_table[i].command] = i + 1;
	}
}

static const struct avq_cmd_desc *
cmd_lookup(uint16_t class_id, uint16_t command)
{
	uint8_t row;

	if (class_id >= CMD_INDEX_CLASSES || command >= CMD_INDEX_COMMANDS)
		return NULL;
	row = cmd_index[class_id][command];
	return row != 0 ? &cmd_table[row - 1] : NULL;
}

/* The checks every command shares, in a fixed order: AVQ_ACK_OK when
 * command @p c may run the handler of its table row @p cd (NULL: none);
 * sets c->vdev. */
static uint8_t
cmd_admit(struct avq_cmd_ctx *c, const struct avq_cmd_desc *cd)
{
	if (cd == NULL)
		return AVQ_ACK_UNSUPP;
	/* An extension the device does not announce does not exist. */
	if (cd->class_id >= AVQ_CLASS_EXT_FIRST &&
	    !ext_offered(c->dev, cd->class_id))
		return AVQ_ACK_UNSUPP;
	/* RFC admin VQ: CAP and VDEV_CREATE MUST fail for a non-zero
	 * device_id; every per-device class MUST fail for device_id 0. */
	if (cd->target == AVQ_T_MGMT) {
		c->vdev = NULL;
		if (c->device_id != AVQ_MGMT_DEVICE_ID)
			return AVQ_ACK_INVAL;
	} else {
		if (c->device_id == AVQ_MGMT_DEVICE_ID)
			return AVQ_ACK_INVAL;
		/* DESIGN: ids are never reused, so a destroyed id fails. The
		 * caller may have looked the device up already. */
		if (c->vdev == NULL || c->vdev->id != c->device_id)
			c->vdev = avq_dev_vdev_find(c->dev, c->device_id);
		if (c->vdev == NULL)
			return AVQ_ACK_NOENT;
	}
	if (c->out_len < cd->min_out || c->out_len > cd->max_out)
		return AVQ_ACK_INVAL;
	if (c->in_cap < cd->min_in)
		return AVQ_ACK_INVAL;
	return AVQ_ACK_OK;
}

static void
cmd_log_refused(const struct avq_cmd_ctx *c, const struct avq_cmd_desc *cd,
		uint8_t ack)
{
	AVQ_DEV_LOG(DEBUG, c->dev, "%s (class %u cmd %u) device %" PRIu64
		    ": %s", cd != NULL ? cd->name : "unknown",
		    c->class_id, c->command, c->device_id, avq_ack_str(ack));
}

uint8_t
avq_cmd_dispatch(struct avq_cmd_ctx *c)
{
	const struct avq_cmd_desc *cd = cmd_lookup(c->class_id, c->command);
	uint8_t ack;

	c->in_len = 0;
	ack = cmd_admit(c, cd);
	if (ack == AVQ_ACK_OK)
		ack = cd->fn(c);
	if (ack != AVQ_ACK_OK)
		cmd_log_refused(c, cd, ack);
	return ack;
}
