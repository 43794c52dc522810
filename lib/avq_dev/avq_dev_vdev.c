/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Managed devices: the table (sorted by id), create / destroy (mirror
 * images of each other), reset, config change, doorbells, their
 * interrupts (vectors, MSI rules), the public inspection functions, and the
 * seed 003 register path that creates them (wrappers over avq_dev_regcap.c).
 *
 * Ids grow and are never reused during the management device's life
 * (DESIGN 2, settling seed 001's stale-command question), so appending
 * keeps the table sorted.
 *
 * Runs on the device thread (or inline while it is stopped).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>

#include "avq_dev_private.h"

/* Device types the model implements, by virtio id. */
static const struct avq_vdev_type * const vdev_types[] = {
	&avq_vdev_type_net,
};

static const struct avq_vdev_type *
vdev_type_find(uint32_t virtio_type)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(vdev_types); i++)
		if (vdev_types[i]->virtio_type == virtio_type)
			return vdev_types[i];
	return NULL;
}

/* Index of the first device whose id is >= @p id. */
static uint32_t
vdev_lower_bound(const struct rte_avq_dev *d, uint64_t id)
{
	uint32_t lo = 0, hi = d->num_vdevs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (d->vdevs[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct avq_vdev *
avq_dev_vdev_find(struct rte_avq_dev *d, uint64_t id)
{
	uint32_t i = vdev_lower_bound(d, id);

	if (i < d->num_vdevs && d->vdevs[i]->id == id)
		return d->vdevs[i];
	return NULL;
}

/* ---- Reset ---- */

static void
msi_reset(struct avq_msi *m)
{
	/* RFC admin VQ, MSI: MUST disable the MSI upon reset. */
	m->enabled = false;
	m->masked = false;
	m->pending = false;
}

static void
vq_reset(struct avq_vdev *v, struct avq_vdev_vq *vq)
{
	vq->enabled = false;		/* RFC: VQ_ENABLE_GET presents 0 */
	vq->addr_set = false;
	vq->desc = 0;
	vq->avail = 0;
	vq->used = 0;
	vq->size = v->max_queue_size;	/* RFC: SIZE_GET returns the maximum */
	vq->asid = 0;			/* RFC: ASID of each vq back to 0 */
	vq->avail_seen = 0;
	vq->gen++;			/* the datapath forgets the ring */
	msi_reset(&vq->msi);
}

void
avq_vdev_reset(struct avq_vdev *v)
{
	uint16_t q;

	v->status = 0;
	v->driver_features = 0;
	for (q = 0; q < v->num_queues; q++)
		vq_reset(v, &v->vq[q]);
	msi_reset(&v->config_msi);
	/* RFC admin VQ: the device MMU MUST be disabled upon reset. */
	avq_mmu_reset(&v->mmu);
	if (v->type->reset != NULL)
		v->type->reset(v);
	/* The generation is kept: it only ever moves forward. */
}

void
avq_vdev_config_changed(struct avq_vdev *v)
{
	v->generation++;
	avq_msi_raise(v->dev, &v->config_msi);
}

/* ---- Create / destroy ---- */

static void
vdev_free(struct avq_vdev *v)
{
	if (v->notify != NULL)
		munmap(v->notify, v->notify_len);
	/* A frontend's mapping of it stays valid: the pages go with the
	 * last mapping. */
	if (v->notify_fd >= 0)
		close(v->notify_fd);
	free(v->vq);
	free(v);
}

uint8_t
avq_vdev_create(struct rte_avq_dev *d, uint64_t id, const uint8_t *cfg,
		uint32_t len, uint64_t *out_id)
{
	const struct avq_vdev_type *type;
	struct avq_vdev_create hdr;
	struct avq_vdev *v;
	uint8_t ack;
	uint16_t q;
	size_t i;

	if (len < sizeof(hdr))
		return AVQ_ACK_INVAL;
	memcpy(&hdr, cfg, sizeof(hdr));
	type = vdev_type_find(avq_le32(hdr.virtio_type));
	if (type == NULL) {
		AVQ_DEV_LOG(DEBUG, d, "create: virtio type %u not supported",
			    avq_le32(hdr.virtio_type));
		return AVQ_ACK_UNSUPP;
	}
	if (d->num_vdevs >= d->params.max_vdevs)
		return AVQ_ACK_NOSPC;
	if (id == 0) {
		if (d->last_id == UINT64_MAX)
			return AVQ_ACK_NOSPC;
		id = d->last_id + 1;
	} else if (id <= d->last_id) {
		/* Seed 003: ID_DUP; a destroyed id is not reused either. */
		return AVQ_ACK_EXIST;
	}

	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return AVQ_ACK_NOSPC;
	v->id = id;
	v->type = type;
	v->dev = d;
	v->notify_fd = -1;
	v->max_queue_size = d->params.max_vq_size;
	ack = type->create(d, v, cfg + sizeof(hdr), len - sizeof(hdr));
	if (ack != AVQ_ACK_OK) {
		free(v);
		return ack;
	}
	ack = AVQ_ACK_NOSPC;
	v->vq = calloc(v->num_queues, sizeof(*v->vq));
	if (v->vq == NULL)
		goto fail_type;
	/* A memfd per managed device, not per management device: its fd
	 * gives a frontend the doorbells of this device only, and it goes
	 * with the device. */
	v->notify_len = (size_t)v->num_queues * AVQ_NOTIFY_STRIDE;
	v->notify_fd = memfd_create("avq-notify", MFD_CLOEXEC);
	if (v->notify_fd < 0 || ftruncate(v->notify_fd, (off_t)v->notify_len) < 0) {
		AVQ_DEV_LOG(ERR, d, "create: notify area memfd: %s",
			    strerror(errno));
		goto fail_type;
	}
	v->notify = mmap(NULL, v->notify_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED, v->notify_fd, 0);
	if (v->notify == MAP_FAILED) {
		v->notify = NULL;
		goto fail_type;
	}
	for (i = 0; i < v->num_queues; i++)
		*(uint16_t *)(void *)(v->notify + i * AVQ_NOTIFY_STRIDE) =
			avq_to_le16(AVQ_NOTIFY_IDLE);
	if (avq_mmu_init(d, &v->mmu) < 0)
		goto fail_type;
	for (q = 0; q < v->num_queues; q++)
		vq_reset(v, &v->vq[q]);

	/* Ids only grow: appending keeps the table sorted. */
	d->vdevs[d->num_vdevs++] = v;
	d->last_id = id;
	d->stats.vdevs_created++;
	*out_id = id;
	AVQ_DEV_LOG(DEBUG, d, "managed device %" PRIu64 " created: %s, %u queues",
		    id, type->name, v->num_queues);
	return AVQ_ACK_OK;

fail_type:
	if (type->destroy != NULL)
		type->destroy(v);
	vdev_free(v);
	return ack;
}

uint8_t
avq_vdev_destroy(struct rte_avq_dev *d, uint64_t id)
{
	uint32_t i = vdev_lower_bound(d, id);
	struct avq_vdev *v;

	if (id == AVQ_MGMT_DEVICE_ID)
		return AVQ_ACK_INVAL;
	if (i >= d->num_vdevs || d->vdevs[i]->id != id)
		return AVQ_ACK_NOENT;
	v = d->vdevs[i];
	memmove(&d->vdevs[i], &d->vdevs[i + 1],
		(d->num_vdevs - i - 1) * sizeof(d->vdevs[0]));
	d->num_vdevs--;
	avq_mmu_fini(&v->mmu);
	if (v->type->destroy != NULL)
		v->type->destroy(v);
	vdev_free(v);
	d->stats.vdevs_destroyed++;
	AVQ_DEV_LOG(DEBUG, d, "managed device %" PRIu64 " destroyed", id);
	return AVQ_ACK_OK;
}

/* ---- Doorbells ---- */

/*
 * A doorbell is the queue index written into the queue's slot (RFC admin
 * VQ, VQ_NOTIFY: "writing the queue index at address addr"). The datapath
 * (avq_dev_net_dp.c) polls the rings itself while the device is awake, so
 * a doorbell is counted here and avail->idx read through the device MMU,
 * which faults a bad mapping; a sleeping thread is woken for it by
 * rte_avq_dev_wake().
 */
static void
doorbell(struct avq_vdev *v, uint16_t q, uint16_t val)
{
	struct avq_vdev_vq *vq = &v->vq[q];
	const uint16_t *idx;

	if (!(v->status & AVQ_STATUS_DRIVER_OK) ||
	    (v->status & AVQ_STATUS_DEVICE_NEEDS_RESET) ||
	    !vq->enabled || val != q) {
		v->notifies_ignored++;
		return;
	}
	vq->notifies++;
	idx = avq_vdev_translate(v, q, vq->avail + 2, sizeof(*idx),
				 AVQ_MMU_F_READ);
	if (idx != NULL)
		/* D2: pairs with the driver's release store of avail->idx. */
		vq->avail_seen = avq_le16(__atomic_load_n(idx, __ATOMIC_ACQUIRE));
}

unsigned int
avq_vdev_doorbells(struct rte_avq_dev *d)
{
	unsigned int n = 0;
	struct avq_vdev *v;
	uint16_t *slot, val;
	uint32_t i;
	uint16_t q;

	for (i = 0; i < d->num_vdevs; i++) {
		v = d->vdevs[i];
		/* Not live: its doorbells wait, untouched, until DRIVER_OK
		 * (each slot is a page: reading it costs a TLB entry). */
		if (!(v->status & AVQ_STATUS_DRIVER_OK))
			continue;
		for (q = 0; q < v->num_queues; q++) {
			slot = (uint16_t *)(void *)(v->notify +
						    (size_t)q * AVQ_NOTIFY_STRIDE);
			/* Cheap look first: the exchange is a locked op. */
			if (__atomic_load_n(slot, __ATOMIC_RELAXED) ==
			    avq_to_le16(AVQ_NOTIFY_IDLE))
				continue;
			/* D1: pairs with the driver's store of the queue
			 * index into the slot. */
			val = avq_le16(__atomic_exchange_n(slot,
					avq_to_le16(AVQ_NOTIFY_IDLE),
					__ATOMIC_ACQ_REL));
			if (val == AVQ_NOTIFY_IDLE)
				continue;
			doorbell(v, q, val);
			n++;
		}
	}
	return n;
}

bool
avq_vdev_notifiers_live(struct rte_avq_dev *d)
{
	const struct avq_vdev *v;
	uint32_t i;
	uint16_t q;

	for (i = 0; i < d->num_vdevs; i++) {
		v = d->vdevs[i];
		/* Doorbells of a stopped device wait for DRIVER_OK (or a queue
		 * enable), which wakes the thread anyway. */
		if (!v->notify_exported || !(v->status & AVQ_STATUS_DRIVER_OK) ||
		    (v->status & AVQ_STATUS_DEVICE_NEEDS_RESET))
			continue;
		for (q = 0; q < v->num_queues; q++)
			if (v->vq[q].enabled)
				return true;
	}
	return false;
}

/* ---- Public: inspection and device-side events ---- */

struct ctl_vdev {
	uint64_t id;
	uint16_t q;
	uint64_t iova;
	void *buf;
	uint32_t len;
	bool write;
	struct rte_avq_dev_vdev_info *info;
	uint64_t *ids;
	unsigned int n;
};

static int
ctl_vdev_info(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_vdev *a = arg;
	struct rte_avq_dev_vdev_info *info = a->info;
	const struct avq_vdev *v = avq_dev_vdev_find(d, a->id);
	uint16_t q;

	if (v == NULL)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->id = v->id;
	info->virtio_type = v->type->virtio_type;
	info->status = v->status;
	info->device_features = v->device_features;
	info->driver_features = v->driver_features;
	info->generation = v->generation;
	info->num_queues = v->num_queues;
	info->mmu_enabled = v->mmu.enabled;
	info->mmu_mappings = avq_mmu_count(&v->mmu);
	for (q = 0; q < v->num_queues && q < RTE_DIM(info->notifies); q++)
		info->notifies[q] = v->vq[q].notifies;
	info->notifies_ignored = v->notifies_ignored;
	info->notify_area = (uint64_t)(uintptr_t)v->notify;
	info->notify_area_size = v->notify_len;
	return 0;
}

struct ctl_notify_fd {
	uint64_t addr;
	int fd;
	uint64_t offset;
	uint64_t size;
};

static int
ctl_notify_fd(struct rte_avq_dev *d, void *arg)
{
	struct ctl_notify_fd *a = arg;
	struct avq_vdev *v;
	uint64_t base, off;
	uint32_t i;

	for (i = 0; i < d->num_vdevs; i++) {
		v = d->vdevs[i];
		base = (uint64_t)(uintptr_t)v->notify;
		if (v->notify == NULL || a->addr < base ||
		    a->addr - base >= v->notify_len)
			continue;
		off = a->addr - base;
		a->fd = v->notify_fd;
		a->offset = off - off % AVQ_NOTIFY_STRIDE;
		a->size = AVQ_NOTIFY_STRIDE;
		if (!v->notify_exported)
			AVQ_DEV_LOG(DEBUG, d, "managed device %" PRIu64 ": notify area handed out: sleeps bounded to %u ms while it runs",
				    v->id, RTE_AVQ_DEV_NOTIFIER_POLL_MS);
		v->notify_exported = true;
		return 0;
	}
	return -ENOENT;
}

int
rte_avq_dev_notify_fd(struct rte_avq_dev *d, uint64_t notify_addr, int *fd,
		      uint64_t *offset, uint64_t *size)
{
	struct ctl_notify_fd a = { .addr = notify_addr, .fd = -1 };
	int ret;

	if (d == NULL || fd == NULL || offset == NULL || size == NULL)
		return -EINVAL;
	ret = avq_dev_ctl_call(d, ctl_notify_fd, &a);
	if (ret != 0)
		return ret;
	*fd = a.fd;
	*offset = a.offset;
	*size = a.size;
	return 0;
}

int
rte_avq_dev_vdev_info(struct rte_avq_dev *d, uint64_t id,
		      struct rte_avq_dev_vdev_info *info)
{
	struct ctl_vdev a = { .id = id, .info = info };

	if (d == NULL || info == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_vdev_info, &a);
}

static int
ctl_vdev_list(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_vdev *a = arg;
	uint32_t i;

	for (i = 0; i < d->num_vdevs && i < a->n; i++)
		a->ids[i] = d->vdevs[i]->id;
	return (int)d->num_vdevs;
}

int
rte_avq_dev_vdev_list(struct rte_avq_dev *d, uint64_t *ids, unsigned int n)
{
	struct ctl_vdev a = { .ids = ids, .n = n };

	if (d == NULL || (ids == NULL && n > 0))
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_vdev_list, &a);
}

static int
ctl_vq_interrupt(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_vdev *a = arg;
	struct avq_vdev *v = avq_dev_vdev_find(d, a->id);

	if (v == NULL)
		return -ENOENT;
	if (a->q >= v->num_queues)
		return -ERANGE;
	avq_msi_raise(d, &v->vq[a->q].msi);
	return 0;
}

int
rte_avq_dev_vq_interrupt(struct rte_avq_dev *d, uint64_t id, uint16_t q)
{
	struct ctl_vdev a = { .id = id, .q = q };

	if (d == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_vq_interrupt, &a);
}

static int
ctl_vdev_dma(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_vdev *a = arg;
	struct avq_vdev *v = avq_dev_vdev_find(d, a->id);
	void *va;

	if (v == NULL)
		return -ENOENT;
	if (a->q >= v->num_queues)
		return -ERANGE;
	/* On failure the MMU module records the error, sets DEVICE_MMU_FAIL
	 * | DEVICE_NEEDS_RESET and raises the config interrupt. */
	va = avq_vdev_translate(v, a->q, a->iova, a->len,
				a->write ? AVQ_MMU_F_WRITE : AVQ_MMU_F_READ);
	if (va == NULL)
		return -EFAULT;
	if (a->write)
		memcpy(va, a->buf, a->len);
	else
		memcpy(a->buf, va, a->len);
	return 0;
}

int
rte_avq_dev_vdev_dma(struct rte_avq_dev *d, uint64_t id, uint16_t q,
		     uint64_t iova, void *buf, uint32_t len, bool write)
{
	struct ctl_vdev a = {
		.id = id, .q = q, .iova = iova, .buf = buf, .len = len,
		.write = write,
	};

	if (d == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	if (len == 0)
		return 0;
	return avq_dev_ctl_call(d, ctl_vdev_dma, &a);
}

/* ---- Interrupt vectors ---- */

void
avq_msi_raise(struct rte_avq_dev *d, struct avq_msi *msi)
{
	struct avq_vector *vec;

	if (!msi->enabled)
		return;		/* RFC admin VQ: the driver MAY disable MSI */
	if (msi->masked) {
		/* RFC admin VQ, MSI: MUST record the pending interrupt. */
		msi->pending = true;
		return;
	}
	if (msi->addr >= d->params.max_vectors ||
	    d->vectors[msi->addr].fd < 0) {
		d->stats.interrupts_lost++;
		return;
	}
	vec = &d->vectors[msi->addr];
	eventfd_write(vec->fd, 1);
	vec->last_data = msi->data;
	vec->count++;
	d->stats.interrupts++;
}

struct ctl_vector {
	uint32_t vector;
	int fd;
	struct rte_avq_dev_vector_info *info;
};

static int
ctl_vector_bind(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_vector *a = arg;

	d->vectors[a->vector].fd = a->fd;
	return 0;
}

int
rte_avq_dev_vector_bind(struct rte_avq_dev *d, uint32_t vector, int fd)
{
	struct ctl_vector a = { .vector = vector, .fd = fd };

	if (d == NULL || fd < -1)
		return -EINVAL;
	if (vector >= d->params.max_vectors) {
		AVQ_DEV_LOG(ERR, d, "vector %u out of range (max %u)", vector,
			    d->params.max_vectors);
		return -ERANGE;
	}
	return avq_dev_ctl_call(d, ctl_vector_bind, &a);
}

static int
ctl_vector_info(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_vector *a = arg;
	const struct avq_vector *v = &d->vectors[a->vector];

	a->info->count = v->count;
	a->info->last_data = v->last_data;
	a->info->fd = v->fd;
	return 0;
}

int
rte_avq_dev_vector_info(struct rte_avq_dev *d, uint32_t vector,
			struct rte_avq_dev_vector_info *info)
{
	struct ctl_vector a = { .vector = vector, .info = info };

	if (d == NULL || info == NULL)
		return -EINVAL;
	if (vector >= d->params.max_vectors)
		return -ERANGE;
	return avq_dev_ctl_call(d, ctl_vector_info, &a);
}

/* ---- Seed 003 register interface (avq_dev_regcap.c) ---- */

int
rte_avq_dev_pci_cap_present(struct rte_avq_dev *d, uint8_t cfg_type)
{
	/* Parameters never change after create: no device-thread call. */
	if (d == NULL)
		return 0;
	return avq_regcap_present(d, cfg_type);
}

struct ctl_reg {
	uint32_t off;
	uint32_t len;
	uint32_t val;
	uint32_t *out;
};

static int
ctl_reg_read(struct rte_avq_dev *d, void *arg)
{
	struct ctl_reg *a = arg;

	return avq_regcap_read(d, a->off, a->len, a->out);
}

static int
ctl_reg_write(struct rte_avq_dev *d, void *arg)
{
	struct ctl_reg *a = arg;

	return avq_regcap_write(d, a->off, a->len, a->val);
}

static int
ctl_reg_reset(struct rte_avq_dev *d, void *arg)
{
	RTE_SET_USED(arg);
	avq_regcap_reset(d);
	return 0;
}

int
rte_avq_dev_mgmt_reg_read(struct rte_avq_dev *d, uint32_t off, uint32_t len,
			  uint32_t *val)
{
	struct ctl_reg a = { .off = off, .len = len, .out = val };

	if (d == NULL || val == NULL)
		return -EINVAL;
	if (!rte_avq_dev_pci_cap_present(d, RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG))
		return -ENOTSUP;
	return avq_dev_ctl_call(d, ctl_reg_read, &a);
}

int
rte_avq_dev_mgmt_reg_write(struct rte_avq_dev *d, uint32_t off, uint32_t len,
			   uint32_t val)
{
	struct ctl_reg a = { .off = off, .len = len, .val = val };

	if (d == NULL)
		return -EINVAL;
	if (!rte_avq_dev_pci_cap_present(d, RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG))
		return -ENOTSUP;
	return avq_dev_ctl_call(d, ctl_reg_write, &a);
}

int
rte_avq_dev_mgmt_reg_reset(struct rte_avq_dev *d)
{
	if (d == NULL)
		return -EINVAL;
	if (!rte_avq_dev_pci_cap_present(d, RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG))
		return -ENOTSUP;
	return avq_dev_ctl_call(d, ctl_reg_reset, NULL);
}
