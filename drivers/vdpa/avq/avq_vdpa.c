/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * vdpa_avq: a managed virtio-net device of class vdpa as a vDPA device for
 * DPDK's vhost library. The frontend's rings live in its own memory, which
 * vhost-user shares with this process; the managed device reaches it
 * through the management device's DMA windows and its own device MMU
 * (iova = guest-physical address -> DMA address of our mapping), so the
 * descriptors the frontend writes are used unchanged.
 *
 *  - dev_conf: memory table -> DMA windows + device MMU (batched), then the
 *    device from reset to DRIVER_OK with the frontend's features and rings.
 *  - kicks: while busy the device polls (VRING_USED_F_NO_NOTIFY); when it
 *    sleeps the frontend writes the vring's kickfd, which a relay thread
 *    turns into the device's doorbell plus the transport's wake.
 *  - interrupts are not wired: the frontends this slice serves
 *    (net_virtio_user in a DPDK application) poll.
 *  - dev_close: reset, give vhost the ring indices (the device completes
 *    in order, so the used index is also how far it read the avail ring),
 *    drop the MMU mappings and windows.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_vhost.h>
#include <vdpa_driver.h>

#include "bus_avq_driver.h"
#include "rte_avq_cmd.h"
#include "rte_avq_mmu.h"
#include "rte_avq_wire.h"

extern int avq_vdpa_logtype;

#define AVQ_VDPA_LOG(level, name, fmt, ...)				\
	rte_log(RTE_LOG_ ## level, avq_vdpa_logtype, "vdpa_avq: %s: " fmt "\n", \
		(name), ##__VA_ARGS__)

/* vhost-user (docs/interop/vhost-user): bit 30 of the feature word says
 * the backend speaks protocol features; vhost requires it of a vDPA
 * driver to negotiate anything beyond the basic messages. */
#define AVQ_VHOST_USER_F_PROTOCOL_FEATURES	30

/* Device features passed on to the frontend. ACCESS_PLATFORM stays
 * between this driver and the device: for a vhost-user frontend it would
 * mean IOTLB messages, and the device MMU already does the translation. */
#define AVQ_VDPA_FEATURES						\
	(RTE_BIT64(AVQ_F_VERSION_1) | RTE_BIT64(AVQ_NET_F_MAC) |	\
	 RTE_BIT64(AVQ_NET_F_MTU) | RTE_BIT64(AVQ_NET_F_STATUS) |	\
	 RTE_BIT64(AVQ_NET_F_MRG_RXBUF) | RTE_BIT64(AVQ_NET_F_CTRL_VQ) |	\
	 RTE_BIT64(AVQ_NET_F_MQ) | RTE_BIT64(AVQ_NET_F_CTRL_RX) |	\
	 RTE_BIT64(AVQ_NET_F_CTRL_MAC_ADDR))

/* Only what this driver really does: REPLY_ACK (vhost answers for us),
 * MQ. No BACKEND_REQ (no host notifiers), no STATUS (dev_conf follows the
 * vring state, not the frontend's status byte), no CONFIG. */
#define AVQ_VDPA_PROTOCOL_FEATURES					\
	(RTE_BIT64(VHOST_USER_PROTOCOL_F_MQ) |				\
	 RTE_BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK))

#define AVQ_VDPA_MAX_VRINGS	(2 * 16)

struct avq_vdpa_vring {
	uint16_t size;
	bool set_up;			/* programmed on the device */
	int kickfd;
	uint16_t *notify;		/* doorbell slot (VQ_NOTIFY_GET) */
	struct vring_used *used;	/* our mapping of the used ring */
};

struct avq_vdpa {
	char name[RTE_AVQ_NAME_LEN];
	struct rte_avq_vdev *v;
	struct rte_vdpa_device *vdpa;
	const struct rte_avq_transport *t;
	uint64_t dev_features;		/* FEAT_DEVICE_GET */
	uint16_t max_vq_size;		/* VQ_SIZE_GET after reset */
	pthread_mutex_t lock;		/* vid, configured, relay */
	int vid;			/* attached vhost device, or -1 */
	bool configured;		/* DRIVER_OK through dev_conf */
	uint16_t nr_vrings;
	struct avq_vdpa_vring vr[AVQ_VDPA_MAX_VRINGS];
	struct rte_avq_mmu_region *mmu;	/* programmed in ASID 0 */
	unsigned int n_mmu;
	struct rte_avq_mmu_region *win;	/* DMA windows (dma, len) we made */
	unsigned int n_win;
	/* Kick relay. */
	pthread_t relay;
	bool relay_on;
	int epfd;
	int stopfd;			/* eventfd: relay, stop */
};

/* ---- Lookup ---- */

static struct avq_vdpa *
vdpa_of_vid(int vid)
{
	struct rte_vdpa_device *vdev = rte_vhost_get_vdpa_device(vid);
	struct rte_avq_vdev *v;

	if (vdev == NULL || vdev->device == NULL)
		return NULL;
	v = RTE_DEV_TO_AVQ_VDEV(vdev->device);
	return v->drv_priv;
}

static struct avq_vdpa *
vdpa_of_dev(struct rte_vdpa_device *vdev)
{
	if (vdev == NULL || vdev->device == NULL)
		return NULL;
	return RTE_DEV_TO_AVQ_VDEV(vdev->device)->drv_priv;
}

/* ---- Capabilities ---- */

static int
avq_vdpa_get_queue_num(struct rte_vdpa_device *vdev, uint32_t *queue_num)
{
	struct avq_vdpa *a = vdpa_of_dev(vdev);

	if (a == NULL)
		return -ENODEV;
	/* Queue pairs (vhost multiplies by two). */
	*queue_num = RTE_MAX(a->v->params.queue_pairs, (uint16_t)1);
	return 0;
}

static int
avq_vdpa_get_features(struct rte_vdpa_device *vdev, uint64_t *features)
{
	struct avq_vdpa *a = vdpa_of_dev(vdev);

	if (a == NULL)
		return -ENODEV;
	*features = (a->dev_features & AVQ_VDPA_FEATURES) |
		    RTE_BIT64(AVQ_VHOST_USER_F_PROTOCOL_FEATURES);
	return 0;
}

static int
avq_vdpa_get_protocol_features(struct rte_vdpa_device *vdev, uint64_t *pf)
{
	RTE_SET_USED(vdev);
	*pf = AVQ_VDPA_PROTOCOL_FEATURES;
	return 0;
}

static int
avq_vdpa_get_dev_type(struct rte_vdpa_device *vdev, uint32_t *type)
{
	RTE_SET_USED(vdev);
	*type = RTE_VHOST_VDPA_DEVICE_TYPE_NET;
	return 0;
}

static int
avq_vdpa_get_vfio_fd(int vid)
{
	RTE_SET_USED(vid);
	return -ENOTSUP;	/* no VFIO: the transport is the admin queue */
}

static int
avq_vdpa_get_notify_area(int vid, int qid, uint64_t *offset, uint64_t *size)
{
	RTE_SET_USED(vid);
	RTE_SET_USED(qid);
	RTE_SET_USED(offset);
	RTE_SET_USED(size);
	return -ENOTSUP;
}

/* ---- Memory ---- */

/* Guest-physical address of @p qva (an address in our mapping of the
 * frontend's memory), 0 if it is in no region. */
static uint64_t
qva_to_gpa(const struct rte_vhost_memory *mem, uint64_t qva)
{
	const struct rte_vhost_mem_region *r;
	uint32_t i;

	for (i = 0; i < mem->nregions; i++) {
		r = &mem->regions[i];
		if (qva >= r->host_user_addr && qva - r->host_user_addr < r->size)
			return r->guest_phys_addr + (qva - r->host_user_addr);
	}
	return 0;
}

static void
mem_unmap(struct avq_vdpa *a, bool alive)
{
	unsigned int i;

	for (i = 0; i < a->n_mmu && alive; i++)
		rte_avq_mmu_unmap(a->v->aq, a->v->id, 0, a->mmu[i].iova,
				  a->mmu[i].len);
	for (i = 0; i < a->n_win; i++)
		a->t->ops->dma_unmap(a->t->ctx, a->win[i].dma, a->win[i].len);
	free(a->mmu);
	free(a->win);
	a->mmu = NULL;
	a->win = NULL;
	a->n_mmu = 0;
	a->n_win = 0;
}

/* Windows over every region of the frontend's memory, and the device MMU
 * from its guest-physical addresses to them. */
static int
mem_map(struct avq_vdpa *a, const struct rte_vhost_memory *mem)
{
	struct rte_avq_mmu_prog_stats st;
	const struct rte_vhost_mem_region *r;
	unsigned int n = mem->nregions;
	uint32_t i;
	void *va;
	int ret, cnt;

	a->mmu = calloc(RTE_MAX(n, 1u), sizeof(*a->mmu));
	a->win = calloc(RTE_MAX(n, 1u), sizeof(*a->win));
	if (a->mmu == NULL || a->win == NULL) {
		mem_unmap(a, false);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		r = &mem->regions[i];
		va = (void *)(uintptr_t)r->host_user_addr;
		a->win[i].dma = a->t->ops->dma_addr(a->t->ctx, va);
		a->win[i].len = r->size;
		ret = a->t->ops->dma_map(a->t->ctx, va, a->win[i].dma, r->size);
		if (ret != 0) {
			AVQ_VDPA_LOG(ERR, a->name, "DMA window for region %u (gpa 0x%" PRIx64 "+0x%" PRIx64 "): %s",
				     i, r->guest_phys_addr, r->size, strerror(-ret));
			mem_unmap(a, false);
			return ret;
		}
		a->n_win++;
		a->mmu[i].iova = r->guest_phys_addr;
		a->mmu[i].dma = a->win[i].dma;
		a->mmu[i].len = r->size;
		a->mmu[i].perm = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	}
	cnt = rte_avq_mmu_coalesce(a->mmu, n);
	if (cnt < 0) {
		AVQ_VDPA_LOG(ERR, a->name, "memory regions overlap in guest-physical space");
		mem_unmap(a, false);
		return cnt;
	}
	ret = rte_avq_mmu_map_regions(a->v->engine, a->v->id, 0, a->mmu,
				      (unsigned int)cnt, RTE_AVQ_MMU_BATCHED, &st);
	if (ret < 0) {
		AVQ_VDPA_LOG(ERR, a->name, "device MMU: mapping %d region(s): %s",
			     cnt, strerror(-ret));
		mem_unmap(a, false);
		return ret;
	}
	a->n_mmu = (unsigned int)cnt;
	AVQ_VDPA_LOG(DEBUG, a->name, "device MMU: %u region(s) in %u command(s)",
		     st.regions, st.commands);
	return 0;
}

/* ---- Kick relay ---- */

static void
ring_doorbell(struct avq_vdpa *a, uint16_t q)
{
	/* Pairs with the device's exchange of the doorbell slot. */
	__atomic_store_n(a->vr[q].notify, avq_to_le16(q), __ATOMIC_RELEASE);
	if (a->t->ops->wake != NULL)
		a->t->ops->wake(a->t->ctx);
}

static void *
relay_main(void *arg)
{
	struct avq_vdpa *a = arg;
	struct epoll_event ev[AVQ_VDPA_MAX_VRINGS + 1];
	uint64_t cnt;
	int n, i;
	uint16_t q;

	for (;;) {
		n = epoll_wait(a->epfd, ev, RTE_DIM(ev), -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			if (ev[i].data.u32 == UINT32_MAX)
				return NULL;	/* stopfd */
			q = (uint16_t)ev[i].data.u32;
			if (read(a->vr[q].kickfd, &cnt, sizeof(cnt)) < 0 &&
			    errno != EAGAIN)
				continue;
			ring_doorbell(a, q);
		}
	}
	return NULL;
}

static void
relay_stop(struct avq_vdpa *a)
{
	uint64_t one = 1;

	if (a->relay_on) {
		if (write(a->stopfd, &one, sizeof(one)) < 0)
			AVQ_VDPA_LOG(ERR, a->name, "stopping the kick relay: %s",
				     strerror(errno));
		pthread_join(a->relay, NULL);
		a->relay_on = false;
	}
	if (a->epfd >= 0)
		close(a->epfd);
	if (a->stopfd >= 0)
		close(a->stopfd);
	a->epfd = -1;
	a->stopfd = -1;
}

static int
relay_start(struct avq_vdpa *a)
{
	struct epoll_event ev;
	char tname[RTE_MAX_THREAD_NAME_LEN];
	uint16_t q;
	int ret;

	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	a->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->epfd < 0 || a->stopfd < 0)
		goto fail_errno;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = UINT32_MAX;
	if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->stopfd, &ev) < 0)
		goto fail_errno;
	for (q = 0; q < a->nr_vrings; q++) {
		if (!a->vr[q].set_up || a->vr[q].kickfd < 0)
			continue;
		ev.data.u32 = q;
		if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->vr[q].kickfd, &ev) < 0)
			goto fail_errno;
	}
	snprintf(tname, sizeof(tname), "avq-kick-%d", a->vid);
	ret = rte_ctrl_thread_create(&a->relay, tname, NULL, relay_main, a);
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "kick relay thread: %s", strerror(ret));
		relay_stop(a);
		return -ret;
	}
	a->relay_on = true;
	return 0;

fail_errno:
	ret = -errno;
	AVQ_VDPA_LOG(ERR, a->name, "kick relay: %s", strerror(-ret));
	relay_stop(a);
	return ret;
}

/* ---- Device set-up ---- */

static int
status_add(struct avq_vdpa *a, uint8_t *st, uint8_t bits)
{
	*st |= bits;
	return rte_avq_status_set(a->v->aq, a->v->id, *st);
}

static int
vring_setup(struct avq_vdpa *a, int vid, const struct rte_vhost_memory *mem,
	    uint16_t q)
{
	struct rte_vhost_vring vring;
	struct rte_avq_vq_params vp;
	uint64_t addr = 0, len = 0;
	int ret;

	ret = rte_vhost_get_vhost_vring(vid, q, &vring);
	if (ret != 0)
		return -EINVAL;
	a->vr[q].kickfd = vring.kickfd;
	a->vr[q].used = vring.used;
	a->vr[q].size = vring.size;
	memset(&vp, 0, sizeof(vp));
	vp.size = vring.size;
	vp.desc = qva_to_gpa(mem, (uint64_t)(uintptr_t)vring.desc);
	vp.driver = qva_to_gpa(mem, (uint64_t)(uintptr_t)vring.avail);
	vp.device = qva_to_gpa(mem, (uint64_t)(uintptr_t)vring.used);
	if (vp.desc == 0 || vp.driver == 0 || vp.device == 0 ||
	    vring.size == 0 || vring.size > a->max_vq_size) {
		AVQ_VDPA_LOG(ERR, a->name, "vring %u: size %u (device max %u) or addresses outside the memory table",
			     q, vring.size, a->max_vq_size);
		return -EINVAL;
	}
	/* RFC admin VQ: size, address, then VQ_ENABLE (the helper's order). */
	ret = rte_avq_vq_setup(a->v->aq, a->v->id, q, &vp);
	if (ret == 0)
		ret = rte_avq_vq_notify_get(a->v->aq, a->v->id, q, &addr, &len);
	if (ret == 0 && (addr == 0 || len < sizeof(uint16_t)))
		ret = -EPROTO;
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "virtqueue %u set-up: %s", q,
			     strerror(-ret));
		return ret;
	}
	/* Software transports: the notify area is memory of this process. */
	a->vr[q].notify = (uint16_t *)(uintptr_t)addr;
	a->vr[q].set_up = true;
	return 0;
}

/* Take the device back to reset and release what dev_conf set up. */
static void
device_down(struct avq_vdpa *a, int vid, bool give_base)
{
	uint16_t q, idx;
	int ret;

	relay_stop(a);
	/* RFC admin VQ, STATUS_SET 0: when it completes the device no longer
	 * touches the rings. */
	ret = rte_avq_reset(a->v->aq, a->v->id);
	if (ret != 0)
		AVQ_VDPA_LOG(ERR, a->name, "reset: %s", strerror(-ret));
	for (q = 0; q < a->nr_vrings; q++) {
		if (give_base && a->vr[q].set_up && a->vr[q].used != NULL) {
			/* In-order completion: used idx is also how far the
			 * device consumed the avail ring. */
			idx = __atomic_load_n(&a->vr[q].used->idx,
					      __ATOMIC_ACQUIRE);
			rte_vhost_set_vring_base(vid, q, idx, idx);
		}
		memset(&a->vr[q], 0, sizeof(a->vr[q]));
		a->vr[q].kickfd = -1;
	}
	mem_unmap(a, ret == 0);
	a->configured = false;
}

static int
avq_vdpa_dev_conf(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	struct rte_vhost_memory *mem = NULL;
	uint64_t neg = 0, f;
	uint8_t st = 0, got = 0;
	uint16_t q, n;
	int ret;

	if (a == NULL)
		return -ENODEV;
	pthread_mutex_lock(&a->lock);
	if (a->configured) {
		pthread_mutex_unlock(&a->lock);
		return 0;
	}
	a->vid = vid;
	ret = rte_vhost_get_negotiated_features(vid, &neg);
	if (ret == 0)
		ret = rte_vhost_get_mem_table(vid, &mem) == 0 ? 0 : -EINVAL;
	n = rte_vhost_get_vring_num(vid);
	if (ret == 0 && (n == 0 || n > AVQ_VDPA_MAX_VRINGS ||
			 n > 2 * RTE_MAX(a->v->params.queue_pairs, (uint16_t)1)))
		ret = -EINVAL;
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "vhost device %d: features, memory table or %u vrings: %s",
			     vid, n, strerror(-ret));
		goto out;
	}
	a->nr_vrings = n;
	f = neg & AVQ_VDPA_FEATURES;
	/* The device MMU is how the device reaches the frontend's memory. */
	f |= a->dev_features & RTE_BIT64(AVQ_F_ACCESS_PLATFORM);
	/* virtio 1.2, 3.1.1: reset, ACKNOWLEDGE, DRIVER, features,
	 * FEATURES_OK (re-read), set-up, DRIVER_OK. */
	ret = rte_avq_reset(a->v->aq, a->v->id);
	if (ret == 0)
		ret = status_add(a, &st, AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER);
	if (ret == 0)
		ret = rte_avq_feat_driver_set(a->v->aq, a->v->id, f);
	if (ret == 0)
		ret = status_add(a, &st, AVQ_STATUS_FEATURES_OK);
	if (ret == 0)
		ret = rte_avq_status_get(a->v->aq, a->v->id, &got);
	if (ret == 0 && !(got & AVQ_STATUS_FEATURES_OK)) {
		AVQ_VDPA_LOG(ERR, a->name, "device refused features 0x%" PRIx64, f);
		ret = -ENOTSUP;
	}
	/* The device MMU stays on: the transport has no per-device DMA
	 * isolation (RFC admin VQ: MMU_ENABLE rule). */
	if (ret == 0)
		ret = rte_avq_mmu_enable(a->v->aq, a->v->id, true);
	if (ret == 0)
		ret = mem_map(a, mem);
	for (q = 0; q < n && ret == 0; q++) {
		a->vr[q].kickfd = -1;
		ret = vring_setup(a, vid, mem, q);
	}
	if (ret == 0)
		ret = status_add(a, &st, AVQ_STATUS_DRIVER_OK);
	if (ret == 0)
		ret = relay_start(a);
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "vhost device %d: set-up failed: %s",
			     vid, strerror(-ret));
		device_down(a, vid, false);
		goto out;
	}
	a->configured = true;
	/* Whatever the frontend queued before DRIVER_OK. */
	for (q = 0; q < n; q++)
		ring_doorbell(a, q);
	AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: %u vring(s), features 0x%" PRIx64 ", %u memory region(s): running",
		     vid, n, f, mem->nregions);
out:
	if (ret != 0)
		a->vid = -1;
	free(mem);
	pthread_mutex_unlock(&a->lock);
	return ret;
}

static int
avq_vdpa_dev_close(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);

	if (a == NULL)
		return -ENODEV;
	pthread_mutex_lock(&a->lock);
	if (a->configured && a->vid == vid) {
		device_down(a, vid, true);
		AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: stopped", vid);
	}
	a->vid = -1;
	pthread_mutex_unlock(&a->lock);
	return 0;
}

static int
avq_vdpa_set_vring_state(int vid, int vring, int state)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	int ret = 0;

	if (a == NULL)
		return -ENODEV;
	pthread_mutex_lock(&a->lock);
	/* Before dev_conf vhost keeps the state; dev_conf sets rings up. */
	if (a->configured && a->vid == vid && vring >= 0 &&
	    vring < a->nr_vrings && a->vr[vring].set_up) {
		ret = rte_avq_vq_enable_set(a->v->aq, a->v->id,
					    (uint16_t)vring, state != 0);
		if (ret != 0)
			AVQ_VDPA_LOG(ERR, a->name, "VQ_ENABLE %d of vring %d: %s",
				     state, vring, strerror(-ret));
	}
	pthread_mutex_unlock(&a->lock);
	return ret;
}

static int
avq_vdpa_set_features(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);

	if (a == NULL)
		return -ENODEV;
	/* Features reach the device in dev_conf; a change while running
	 * (dirty logging for live migration) is not supported yet. */
	AVQ_VDPA_LOG(DEBUG, a->name, "vhost device %d: features changed", vid);
	return 0;
}

static struct rte_vdpa_dev_ops avq_vdpa_ops = {
	.get_queue_num = avq_vdpa_get_queue_num,
	.get_features = avq_vdpa_get_features,
	.get_protocol_features = avq_vdpa_get_protocol_features,
	.dev_conf = avq_vdpa_dev_conf,
	.dev_close = avq_vdpa_dev_close,
	.set_vring_state = avq_vdpa_set_vring_state,
	.set_features = avq_vdpa_set_features,
	.get_vfio_group_fd = avq_vdpa_get_vfio_fd,
	.get_vfio_device_fd = avq_vdpa_get_vfio_fd,
	.get_notify_area = avq_vdpa_get_notify_area,
	.get_dev_type = avq_vdpa_get_dev_type,
};

/* ---- The avq bus's class driver ---- */

static int
avq_vdpa_probe(struct rte_avq_driver *drv, struct rte_avq_vdev *v)
{
	struct avq_vdpa *a;
	uint8_t st = 0;
	uint16_t max = 0;
	int ret;

	RTE_SET_USED(drv);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -ENOTSUP;
	if (v->transport == NULL || v->transport->ops->dma_map == NULL ||
	    v->transport->ops->dma_unmap == NULL ||
	    v->transport->ops->dma_addr == NULL) {
		AVQ_VDPA_LOG(ERR, v->device.name, "transport without DMA windows");
		return -ENOTSUP;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	rte_strscpy(a->name, v->device.name, sizeof(a->name));
	a->v = v;
	a->t = v->transport;
	a->vid = -1;
	a->epfd = -1;
	a->stopfd = -1;
	pthread_mutex_init(&a->lock, NULL);
	ret = rte_avq_status_get(v->aq, v->id, &st);
	if (ret == 0 && st != 0)
		ret = rte_avq_reset(v->aq, v->id);
	if (ret == 0)
		ret = rte_avq_feat_device_get(v->aq, v->id, &a->dev_features);
	/* RFC admin VQ: VQ_SIZE_GET after reset returns the maximum. */
	if (ret == 0)
		ret = rte_avq_vq_size_get(v->aq, v->id, 0, &max);
	if (ret == 0 && !(a->dev_features & RTE_BIT64(AVQ_F_VERSION_1)))
		ret = -ENOTSUP;
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "reading managed device %" PRIu64 ": %s",
			     v->id, strerror(-ret));
		goto fail;
	}
	a->max_vq_size = max;
	v->drv_priv = a;
	a->vdpa = rte_vdpa_register_device(&v->device, &avq_vdpa_ops);
	if (a->vdpa == NULL) {
		AVQ_VDPA_LOG(ERR, a->name, "cannot register the vDPA device");
		v->drv_priv = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	AVQ_VDPA_LOG(INFO, a->name, "vDPA device: %u queue pair(s), features 0x%" PRIx64 ", rings up to %u",
		     RTE_MAX(v->params.queue_pairs, (uint16_t)1),
		     a->dev_features, max);
	return 0;

fail:
	pthread_mutex_destroy(&a->lock);
	free(a);
	return ret;
}

static int
avq_vdpa_remove(struct rte_avq_vdev *v)
{
	struct avq_vdpa *a = v->drv_priv;
	int ret;

	if (a == NULL)
		return 0;
	pthread_mutex_lock(&a->lock);
	if (a->vid >= 0) {
		AVQ_VDPA_LOG(ERR, a->name, "vhost device %d attached: detach it first",
			     a->vid);
		pthread_mutex_unlock(&a->lock);
		return -EBUSY;
	}
	pthread_mutex_unlock(&a->lock);
	/* vhost refuses while a socket still names the device. */
	ret = rte_vdpa_unregister_device(a->vdpa);
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "cannot unregister the vDPA device");
		return -EBUSY;
	}
	pthread_mutex_destroy(&a->lock);
	free(a);
	return 0;
}

static struct rte_avq_driver avq_vdpa_drv = {
	.cls = RTE_AVQ_VDEV_CLASS_VDPA,
	.probe = avq_vdpa_probe,
	.remove = avq_vdpa_remove,
};

RTE_PMD_REGISTER_AVQ(vdpa_avq, avq_vdpa_drv);
RTE_LOG_REGISTER_DEFAULT(avq_vdpa_logtype, NOTICE);
