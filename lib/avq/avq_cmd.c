/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Management-driver operations: one typed wrapper per admin command
 * (RFC admin VQ, seed 000) and per extension command, plus the few
 * driver-side rules the RFC puts on sequences of commands.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "rte_avq_cmd.h"
#include "avq_private.h"

/* How often rte_avq_config_read() re-reads a config that keeps changing. */
#define AVQ_CONFIG_READ_TRIES	16

/*
 * Execute a command whose in-data has a fixed size: on an OK ack the device
 * must have written all of it, or the caller would read stale bytes.
 */
int
avq_cmd_fixed(struct rte_avq_aq *aq, uint64_t id, uint16_t cls, uint16_t cmd,
	      const void *out, uint32_t out_len, void *in, uint32_t in_len)
{
	struct rte_avq_result res;
	int ret;

	ret = rte_avq_aq_exec(aq, id, cls, cmd, out, out_len, in, in_len,
			      &res, 0);
	if (ret < 0)
		return ret;
	ret = avq_ack_errno(res.ack);
	if (ret == 0 && res.in_len < in_len) {
		AVQ_LOG(ERR, "device %" PRIu64 " %s %s: %u bytes of in-data, expected %u",
			id, avq_class_str(cls), avq_cmd_str(cls, cmd),
			res.in_len, in_len);
		return -EPROTO;
	}
	return ret;
}

static inline uint8_t
avq_bool(bool v)
{
	return v ? 1 : 0;
}

int
rte_avq_cap_get(struct rte_avq_aq *aq, uint64_t *caps)
{
	rte_le64_t v;
	int ret;

	if (caps == NULL)
		return -EINVAL;
	/* RFC admin VQ, Capabilities: the driver MUST use 0 as device_id. */
	ret = avq_cmd_fixed(aq, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP, AVQ_CAP_GET,
			    NULL, 0, &v, sizeof(v));
	if (ret == 0)
		*caps = avq_le64(v);
	return ret;
}

int
rte_avq_aq_info_get(struct rte_avq_aq *aq, struct avq_aq_info *info)
{
	if (info == NULL)
		return -EINVAL;
	/* Returned in wire (little-endian) form: read it with avq_le*(). */
	return avq_cmd_fixed(aq, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_AQ_INFO,
			     AVQ_AQ_INFO_GET, NULL, 0, info, sizeof(*info));
}

int
rte_avq_vdev_create_net(struct rte_avq_aq *aq,
			const struct rte_avq_net_params *p, uint64_t *id)
{
	struct {
		struct avq_vdev_create hdr;
		struct avq_net_create_cfg cfg;
	} __rte_packed out;
	struct avq_vdev_id v;
	int ret;

	if (p == NULL || id == NULL)
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	out.hdr.virtio_type = avq_to_le32(AVQ_VIRTIO_ID_NET);
	memcpy(out.cfg.mac, p->mac, sizeof(out.cfg.mac));
	out.cfg.status = avq_to_le16(p->link_up ? AVQ_NET_S_LINK_UP : 0);
	out.cfg.max_virtqueue_pairs = avq_to_le16(p->max_queue_pairs);
	out.cfg.mtu = avq_to_le16(p->mtu);
	/* RFC admin VQ, Device Management: the management driver MUST use 0
	 * as device_id for VIRTIO_ADMIN_CTRL_VDEV_CREATE.
	 */
	ret = avq_cmd_fixed(aq, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VDEV,
			    AVQ_VDEV_CREATE, &out, sizeof(out), &v, sizeof(v));
	if (ret == 0)
		*id = avq_le64(v.id);
	return ret;
}

int
rte_avq_vdev_destroy(struct rte_avq_aq *aq, uint64_t id, bool force)
{
	uint8_t status;
	int ret;

	/* RFC admin VQ, Device Management: the management driver SHOULD make
	 * sure the virtual device is not used by any driver before trying to
	 * destroy it. A non-zero status means a driver has started (or not
	 * reset) it.
	 */
	if (!force) {
		ret = rte_avq_status_get(aq, id, &status);
		if (ret < 0)
			return ret;
		if (status != 0) {
			AVQ_LOG(NOTICE, "device %" PRIu64 " in use (status 0x%x): not destroyed",
				id, status);
			return -EBUSY;
		}
	}
	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY,
			      NULL, 0, NULL, 0);
}

static int
avq_feat_get(struct rte_avq_aq *aq, uint64_t id, uint16_t cmd, uint64_t *f)
{
	struct avq_features v;
	int ret;

	if (f == NULL)
		return -EINVAL;
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_FEAT, cmd, NULL, 0, &v,
			    sizeof(v));
	if (ret == 0)
		*f = avq_le64(v.features);
	return ret;
}

int
rte_avq_feat_device_get(struct rte_avq_aq *aq, uint64_t id, uint64_t *f)
{
	return avq_feat_get(aq, id, AVQ_FEAT_DEVICE_GET, f);
}

int
rte_avq_feat_driver_set(struct rte_avq_aq *aq, uint64_t id, uint64_t f)
{
	struct avq_features v = { .features = avq_to_le64(f) };

	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET,
			      &v, sizeof(v), NULL, 0);
}

int
rte_avq_feat_driver_get(struct rte_avq_aq *aq, uint64_t id, uint64_t *f)
{
	return avq_feat_get(aq, id, AVQ_FEAT_DRIVER_GET, f);
}

int
rte_avq_status_set(struct rte_avq_aq *aq, uint64_t id, uint8_t status)
{
	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
			      &status, sizeof(status), NULL, 0);
}

int
rte_avq_status_get(struct rte_avq_aq *aq, uint64_t id, uint8_t *status)
{
	if (status == NULL)
		return -EINVAL;
	return avq_cmd_fixed(aq, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
			     NULL, 0, status, sizeof(*status));
}

int
rte_avq_reset(struct rte_avq_aq *aq, uint64_t id)
{
	uint8_t status;
	int ret;

	/* RFC admin VQ, Device Status: after writing 0 via STATUS_SET, the
	 * driver MUST wait for the success of the command before
	 * re-initializing the device; the device MUST present 0 through
	 * STATUS_GET once the reset is done. Check both.
	 */
	ret = rte_avq_status_set(aq, id, 0);
	if (ret < 0)
		return ret;
	ret = rte_avq_status_get(aq, id, &status);
	if (ret < 0)
		return ret;
	if (status != 0) {
		AVQ_LOG(ERR, "device %" PRIu64 ": status 0x%x after reset",
			id, status);
		return -EIO;
	}
	return 0;
}

int
rte_avq_generation_get(struct rte_avq_aq *aq, uint64_t id, uint32_t *gen)
{
	struct avq_generation v;
	int ret;

	if (gen == NULL)
		return -EINVAL;
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_GENERATION, AVQ_GENERATION_GET,
			    NULL, 0, &v, sizeof(v));
	if (ret == 0)
		*gen = avq_le32(v.generation);
	return ret;
}

int
rte_avq_config_get(struct rte_avq_aq *aq, uint64_t id, uint32_t off,
		   void *buf, uint32_t len)
{
	struct avq_config_get g = {
		.offset = avq_to_le32(off),
		.size = avq_to_le32(len),
	};

	if (len > 0 && buf == NULL)
		return -EINVAL;
	return avq_cmd_fixed(aq, id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET,
			     &g, sizeof(g), buf, len);
}

int
rte_avq_config_set(struct rte_avq_aq *aq, uint64_t id, uint32_t off,
		   const void *buf, uint32_t len)
{
	struct avq_config_set s = {
		.offset = avq_to_le32(off),
		.size = avq_to_le32(len),
	};
	const struct avq_seg out[2] = {
		{ .buf = &s, .len = sizeof(s) },
		{ .buf = (void *)(uintptr_t)buf, .len = len },
	};
	struct rte_avq_result res;
	int ret;

	if (len > 0 && buf == NULL)
		return -EINVAL;
	if (len > RTE_AVQ_AQ_BUF_SIZE - sizeof(s))
		return -E2BIG;
	ret = avq_aq_exec_v(aq, id, AVQ_CLASS_CONFIG, AVQ_CONFIG_SET,
			    out, RTE_DIM(out), NULL, 0, &res, 0);
	if (ret < 0)
		return ret;
	return avq_ack_errno(res.ack);
}

int
rte_avq_config_read(struct rte_avq_aq *aq, uint64_t id, uint32_t off,
		    void *buf, uint32_t len, uint32_t *gen)
{
	uint32_t before, after;
	unsigned int i;
	int ret;

	/* virtio 2.5.1 / 4.1.3.1: read the generation before and after the
	 * config and retry until they match, so the bytes are one snapshot.
	 */
	for (i = 0; i < AVQ_CONFIG_READ_TRIES; i++) {
		ret = rte_avq_generation_get(aq, id, &before);
		if (ret < 0)
			return ret;
		ret = rte_avq_config_get(aq, id, off, buf, len);
		if (ret < 0)
			return ret;
		ret = rte_avq_generation_get(aq, id, &after);
		if (ret < 0)
			return ret;
		if (before == after) {
			if (gen != NULL)
				*gen = after;
			return 0;
		}
	}
	AVQ_LOG(ERR, "device %" PRIu64 ": config generation kept changing over %u reads",
		id, AVQ_CONFIG_READ_TRIES);
	return -EAGAIN;
}

int
rte_avq_msi_vq_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		   uint64_t vector, uint32_t data)
{
	struct avq_msi_vq_set v = {
		.queue_index = avq_to_le16(q),
		.addr = avq_to_le64(vector),
		.data = avq_to_le32(data),
	};

	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_MSI, AVQ_MSI_VQ_SET,
			      &v, sizeof(v), NULL, 0);
}

static int
avq_vq_u8_cmd(struct rte_avq_aq *aq, uint64_t id, uint16_t cls, uint16_t cmd,
	      uint16_t q, uint8_t value)
{
	struct avq_vq_u8 v = {
		.queue_index = avq_to_le16(q),
		.value = value,
	};

	return rte_avq_aq_cmd(aq, id, cls, cmd, &v, sizeof(v), NULL, 0);
}

/* avq resolution of the RFC's contradictory bytes: 1 = enable, 1 = masked. */
int
rte_avq_msi_vq_enable(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		      bool enable)
{
	return avq_vq_u8_cmd(aq, id, AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE, q,
			     avq_bool(enable));
}

int
rte_avq_msi_vq_mask(struct rte_avq_aq *aq, uint64_t id, uint16_t q, bool mask)
{
	return avq_vq_u8_cmd(aq, id, AVQ_CLASS_MSI, AVQ_MSI_VQ_MASK, q,
			     avq_bool(mask));
}

int
rte_avq_msi_config_set(struct rte_avq_aq *aq, uint64_t id, uint64_t vector,
		       uint32_t data)
{
	struct avq_msi_config_set v = {
		.addr = avq_to_le64(vector),
		.data = avq_to_le32(data),
	};

	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_SET,
			      &v, sizeof(v), NULL, 0);
}

static int
avq_u8_cmd(struct rte_avq_aq *aq, uint64_t id, uint16_t cls, uint16_t cmd,
	   uint8_t value)
{
	return rte_avq_aq_cmd(aq, id, cls, cmd, &value, sizeof(value),
			      NULL, 0);
}

int
rte_avq_msi_config_enable(struct rte_avq_aq *aq, uint64_t id, bool enable)
{
	return avq_u8_cmd(aq, id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE,
			  avq_bool(enable));
}

int
rte_avq_msi_config_mask(struct rte_avq_aq *aq, uint64_t id, bool mask)
{
	return avq_u8_cmd(aq, id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_MASK,
			  avq_bool(mask));
}

int
rte_avq_vq_addr_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		    uint64_t desc, uint64_t driver, uint64_t device)
{
	struct avq_vq_addr v = {
		.queue_index = avq_to_le16(q),
		.device_area = avq_to_le64(device),
		.descriptor_area = avq_to_le64(desc),
		.driver_area = avq_to_le64(driver),
	};

	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
			      &v, sizeof(v), NULL, 0);
}

int
rte_avq_vq_enable_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		      bool enable)
{
	return avq_vq_u8_cmd(aq, id, AVQ_CLASS_VQ_ENABLE, AVQ_VQ_ENABLE_SET,
			     q, avq_bool(enable));
}

int
rte_avq_vq_enable_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		      bool *enabled)
{
	struct avq_vq v = { .queue_index = avq_to_le16(q) };
	uint8_t on;
	int ret;

	if (enabled == NULL)
		return -EINVAL;
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_ENABLE, AVQ_VQ_ENABLE_GET,
			    &v, sizeof(v), &on, sizeof(on));
	if (ret == 0)
		*enabled = on != 0;
	return ret;
}

int
rte_avq_vq_size_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		    uint16_t size)
{
	struct avq_vq_size_set v = {
		.queue_index = avq_to_le16(q),
		.size = avq_to_le16(size),
	};

	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET,
			      &v, sizeof(v), NULL, 0);
}

int
rte_avq_vq_size_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		    uint16_t *size)
{
	struct avq_vq v = { .queue_index = avq_to_le16(q) };
	struct avq_vq_size s;
	int ret;

	if (size == NULL)
		return -EINVAL;
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_GET,
			    &v, sizeof(v), &s, sizeof(s));
	if (ret == 0)
		*size = avq_le16(s.size);
	return ret;
}

int
rte_avq_vq_notify_get(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		      uint64_t *addr, uint64_t *size)
{
	struct avq_vq v = { .queue_index = avq_to_le16(q) };
	struct avq_vq_notify_area n;
	int ret;

	if (addr == NULL || size == NULL)
		return -EINVAL;
	ret = avq_cmd_fixed(aq, id, AVQ_CLASS_VQ_NOTIFY, AVQ_VQ_NOTIFY_GET,
			    &v, sizeof(v), &n, sizeof(n));
	if (ret == 0) {
		*addr = avq_le64(n.addr);
		*size = avq_le64(n.size);
	}
	return ret;
}

int
rte_avq_vq_setup(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		 const struct rte_avq_vq_params *p)
{
	int ret;

	if (p == NULL)
		return -EINVAL;
	ret = rte_avq_vq_size_set(aq, id, q, p->size);
	if (ret < 0)
		return ret;
	ret = rte_avq_vq_addr_set(aq, id, q, p->desc, p->driver, p->device);
	if (ret < 0)
		return ret;
	if (p->asid_set) {
		ret = rte_avq_mmu_asid_set(aq, id, q, p->asid);
		if (ret < 0)
			return ret;
	}
	if (p->msi) {
		ret = rte_avq_msi_vq_set(aq, id, q, p->vector, p->data);
		if (ret < 0)
			return ret;
		ret = rte_avq_msi_vq_enable(aq, id, q, true);
		if (ret < 0)
			return ret;
	}
	/* RFC admin VQ, Virtqueue Status: the driver MUST configure the other
	 * virtqueue fields before enabling the virtqueue.
	 */
	return rte_avq_vq_enable_set(aq, id, q, true);
}

int
rte_avq_mmu_enable(struct rte_avq_aq *aq, uint64_t id, bool enable)
{
	const struct rte_avq_transport *t = rte_avq_aq_transport(aq);

	/* RFC admin VQ, Device MMU: the driver MAY disable the device MMU but
	 * MUST make sure the transport provides a secure DMA context for each
	 * virtual device. Shared DMA windows do not. */
	if (!enable && !(t->flags & RTE_AVQ_TRANSPORT_F_DMA_ISOLATION)) {
		AVQ_LOG(ERR, "%s: refusing to disable the device MMU of device %"
			PRIu64 ": the transport gives managed devices no DMA "
			"isolation of their own", t->name, id);
		return -EPERM;
	}
	/* avq resolution: 1 = enable (the RFC text says 0). */
	return avq_u8_cmd(aq, id, AVQ_CLASS_MMU, AVQ_MMU_ENABLE,
			  avq_bool(enable));
}

int
rte_avq_mmu_asid_set(struct rte_avq_aq *aq, uint64_t id, uint16_t q,
		     uint64_t asid)
{
	struct avq_mmu_asid_set v = {
		.queue_index = avq_to_le16(q),
		.asid = avq_to_le64(asid),
	};

	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
			      &v, sizeof(v), NULL, 0);
}

/* [iova, iova + len - 1] as the RFC's inclusive range. */
static int
avq_mmu_range(uint64_t iova, uint64_t len, uint64_t *end)
{
	if (len == 0)
		return -EINVAL;
	if (len - 1 > UINT64_MAX - iova)
		return -ERANGE;
	*end = iova + (len - 1);
	return 0;
}

int
rte_avq_mmu_map(struct rte_avq_aq *aq, uint64_t id, uint64_t asid,
		uint64_t iova, uint64_t len, uint64_t dma, uint32_t flags)
{
	struct avq_mmu_map_asid v;
	uint64_t end;
	int ret;

	ret = avq_mmu_range(iova, len, &end);
	if (ret < 0)
		return ret;
	v.map.iova_start = avq_to_le64(iova);
	v.map.iova_end = avq_to_le64(end);
	v.map.dma_start = avq_to_le64(dma);
	v.map.flags = avq_to_le32(flags);
	v.asid = avq_to_le64(asid);
	/* ASID 0 goes out in the RFC's own 28-byte form, so that a device
	 * without the trailing-ASID extension understands it.
	 */
	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_MMU, AVQ_MMU_MAP, &v,
			      asid == 0 ? sizeof(v.map) : sizeof(v), NULL, 0);
}

int
rte_avq_mmu_unmap(struct rte_avq_aq *aq, uint64_t id, uint64_t asid,
		  uint64_t iova, uint64_t len)
{
	struct avq_mmu_unmap_asid v;
	uint64_t end;
	int ret;

	ret = avq_mmu_range(iova, len, &end);
	if (ret < 0)
		return ret;
	v.unmap.iova_start = avq_to_le64(iova);
	v.unmap.iova_end = avq_to_le64(end);
	v.asid = avq_to_le64(asid);
	return rte_avq_aq_cmd(aq, id, AVQ_CLASS_MMU, AVQ_MMU_UNMAP, &v,
			      asid == 0 ? sizeof(v.unmap) : sizeof(v),
			      NULL, 0);
}

int
rte_avq_mmu_err_get(struct rte_avq_aq *aq, uint64_t id,
		    struct avq_mmu_err *err)
{
	if (err == NULL)
		return -EINVAL;
	/* Returned in wire (little-endian) form: read it with avq_le*(). */
	return avq_cmd_fixed(aq, id, AVQ_CLASS_MMU, AVQ_MMU_ERR_GET,
			     NULL, 0, err, sizeof(*err));
}

int
rte_avq_mmu_resv_get(struct rte_avq_aq *aq, uint64_t id,
		     struct avq_mmu_resv *r, unsigned int n)
{
	const unsigned int max = (RTE_AVQ_AQ_BUF_SIZE -
				  sizeof(struct avq_mmu_resv_hdr)) /
				 sizeof(struct avq_mmu_resv);
	struct avq_mmu_resv_hdr hdr;
	struct avq_seg in[2];
	struct rte_avq_result res;
	uint32_t count, want;
	int ret;

	if (n > 0 && r == NULL)
		return -EINVAL;
	/* More entries than one reply can carry are never returned. */
	n = RTE_MIN(n, max);
	in[0].buf = &hdr;
	in[0].len = sizeof(hdr);
	in[1].buf = r;
	in[1].len = n * sizeof(*r);
	ret = avq_aq_exec_v(aq, id, AVQ_CLASS_MMU_RESV, AVQ_MMU_RESV_GET,
			    NULL, 0, in, RTE_DIM(in), &res, 0);
	if (ret < 0)
		return ret;
	ret = avq_ack_errno(res.ack);
	if (ret < 0)
		return ret;
	if (res.in_len < sizeof(hdr))
		return -EPROTO;
	count = avq_le32(hdr.count);
	want = sizeof(hdr) + RTE_MIN(count, n) * sizeof(*r);
	if (count > INT32_MAX || res.in_len < want) {
		AVQ_LOG(ERR, "device %" PRIu64 ": MMU_RESV_GET reports %u regions in %u bytes",
			id, count, res.in_len);
		return -EPROTO;
	}
	return (int)count;
}

/* ---- NET_CTRL (class 67, seed 001) ---- */

/* NET_CTRL_EXEC with the data gathered from @p n segments after the
 * class and command bytes. */
static int
avq_net_exec_v(struct rte_avq_aq *aq, uint64_t id, uint8_t ctrl_class,
	       uint8_t ctrl_cmd, struct avq_seg *seg, unsigned int n)
{
	uint8_t head[2] = { ctrl_class, ctrl_cmd };
	struct rte_avq_result res;
	int ret;

	/* seg[0] is the caller's slot for the head; avq_aq_exec_v() checks
	 * the segments (-EINVAL) and the total (-E2BIG). */
	seg[0].buf = head;
	seg[0].len = sizeof(head);
	ret = avq_aq_exec_v(aq, id, AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_EXEC,
			    seg, n, NULL, 0, &res, 0);
	if (ret < 0)
		return ret;
	return avq_ack_errno(res.ack);
}

int
rte_avq_net_ctrl(struct rte_avq_aq *aq, uint64_t id, uint8_t ctrl_class,
		 uint8_t ctrl_cmd, const void *data, uint32_t len)
{
	struct avq_seg seg[2] = {
		[1] = { .buf = (void *)(uintptr_t)data, .len = len },
	};

	return avq_net_exec_v(aq, id, ctrl_class, ctrl_cmd, seg,
			      RTE_DIM(seg));
}

int
rte_avq_net_promisc_set(struct rte_avq_aq *aq, uint64_t id, bool on)
{
	uint8_t v = avq_bool(on);

	return rte_avq_net_ctrl(aq, id, AVQ_NET_CTRL_RX,
				AVQ_NET_CTRL_RX_PROMISC, &v, sizeof(v));
}

int
rte_avq_net_allmulti_set(struct rte_avq_aq *aq, uint64_t id, bool on)
{
	uint8_t v = avq_bool(on);

	return rte_avq_net_ctrl(aq, id, AVQ_NET_CTRL_RX,
				AVQ_NET_CTRL_RX_ALLMULTI, &v, sizeof(v));
}

int
rte_avq_net_mac_set(struct rte_avq_aq *aq, uint64_t id, const uint8_t mac[6])
{
	if (mac == NULL)
		return -EINVAL;
	return rte_avq_net_ctrl(aq, id, AVQ_NET_CTRL_MAC,
				AVQ_NET_CTRL_MAC_ADDR_SET, mac, 6);
}

int
rte_avq_net_mac_table_set(struct rte_avq_aq *aq, uint64_t id,
			  const uint8_t (*uc)[6], uint32_t n_uc,
			  const uint8_t (*mc)[6], uint32_t n_mc)
{
	rte_le32_t le_uc = avq_to_le32(n_uc), le_mc = avq_to_le32(n_mc);
	struct avq_seg seg[5];

	if ((n_uc > 0 && uc == NULL) || (n_mc > 0 && mc == NULL))
		return -EINVAL;
	/* Counts that cannot fit one command (and would overflow below). */
	if (n_uc > RTE_AVQ_AQ_BUF_SIZE / 6 || n_mc > RTE_AVQ_AQ_BUF_SIZE / 6)
		return -E2BIG;
	/* virtio 1.2, 5.1.6.5.2: two struct virtio_net_ctrl_mac. */
	seg[1].buf = &le_uc;
	seg[1].len = sizeof(le_uc);
	seg[2].buf = (void *)(uintptr_t)uc;
	seg[2].len = 6 * n_uc;
	seg[3].buf = &le_mc;
	seg[3].len = sizeof(le_mc);
	seg[4].buf = (void *)(uintptr_t)mc;
	seg[4].len = 6 * n_mc;
	return avq_net_exec_v(aq, id, AVQ_NET_CTRL_MAC,
			      AVQ_NET_CTRL_MAC_TABLE_SET, seg, RTE_DIM(seg));
}

int
rte_avq_net_vlan_filter(struct rte_avq_aq *aq, uint64_t id, uint16_t vlan,
			bool add)
{
	rte_le16_t le = avq_to_le16(vlan);

	return rte_avq_net_ctrl(aq, id, AVQ_NET_CTRL_VLAN,
				add ? AVQ_NET_CTRL_VLAN_ADD :
				      AVQ_NET_CTRL_VLAN_DEL, &le, sizeof(le));
}

int
rte_avq_net_vq_pairs_set(struct rte_avq_aq *aq, uint64_t id, uint16_t pairs)
{
	rte_le16_t le = avq_to_le16(pairs);

	return rte_avq_net_ctrl(aq, id, AVQ_NET_CTRL_MQ,
				AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, &le, sizeof(le));
}

int
rte_avq_net_trust_set(struct rte_avq_aq *aq, uint64_t id, bool trusted)
{
	return avq_u8_cmd(aq, id, AVQ_CLASS_NET_CTRL, AVQ_NET_CTRL_TRUST_SET,
			  avq_bool(trusted));
}

int
rte_avq_net_ctrl_state_get(struct rte_avq_aq *aq, uint64_t id,
			   struct avq_net_ctrl_state *st)
{
	if (st == NULL)
		return -EINVAL;
	return avq_cmd_fixed(aq, id, AVQ_CLASS_NET_CTRL,
			     AVQ_NET_CTRL_STATE_GET, NULL, 0, st, sizeof(*st));
}
