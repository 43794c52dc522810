/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * vdpa_avq: a managed virtio-net device of class vdpa as a vDPA device for
 * DPDK's vhost library. The frontend's rings live in its own memory, which
 * vhost-user shares with this process; the managed device reaches it
 * through the management device's DMA windows and its own device MMU
 * (iova = guest-physical address -> DMA address of our mapping), so the
 * descriptors the frontend writes are used unchanged (avq_vdpa_mem.c).
 *
 *  - dev_conf: memory table -> DMA windows + device MMU (batched), then the
 *    device from reset to DRIVER_OK with the frontend's features, rings and
 *    interrupt vectors; each ring starts at vhost's vring base (class 68
 *    VQ_STATE_SET after DRIVER_OK when the device offers it).
 *  - kicks: while busy the device polls (VRING_USED_F_NO_NOTIFY); when it
 *    sleeps the frontend writes the vring's kickfd, which a relay thread
 *    turns into the device's doorbell plus the transport's wake; or, with
 *    host notifiers (transport notify_fd), stores into the doorbell page
 *    itself, which the device thread polls every millisecond while such a
 *    page is out (rte_avq_dev_notify_fd()). vhost is asked to send them
 *    from a thread of ours after dev_conf, and to withdraw them after
 *    dev_close.
 *  - interrupts: each vring's callfd is bound to an interrupt vector of the
 *    management device (transport vector_bind), programmed with MSI_VQ_SET
 *    and MSI_VQ_ENABLE; the device raises it after used-ring updates unless
 *    the frontend set VRING_AVAIL_F_NO_INTERRUPT.
 *  - dev_close: stop every ring and read where it stopped (class 68
 *    VQ_STATE_STOP) for vhost's GET_VRING_BASE, and keep the device at
 *    DRIVER_OK with its memory: the dev_conf that follows (a memory-table
 *    change, a restart of the same connection) sends only the difference.
 *    Without class 68: reset, and the used index stands for both indices
 *    (the device completes in order).
 *  - dev_cleanup (connection gone), remove: reset and release everything.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_errno.h>
#include <rte_vdpa.h>
#include <rte_vhost.h>
#include <vdpa_driver.h>

#include "bus_avq_driver.h"
#include "rte_avq_cmd.h"
#include "avq_vdpa.h"
#include "rte_avq_wire.h"

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

/* Only what this driver really does (doc/guides/vdpadevs/avq.rst):
 * REPLY_ACK (vhost answers for us), MQ, CONFIG (get_config/set_config
 * through the CONFIG class). No STATUS (dev_conf follows the vrings), no
 * LOG_SHMFD (no dirty logging). */
#define AVQ_VDPA_PROTOCOL_FEATURES					\
	(RTE_BIT64(VHOST_USER_PROTOCOL_F_MQ) |				\
	 RTE_BIT64(VHOST_USER_PROTOCOL_F_REPLY_ACK) |			\
	 RTE_BIT64(VHOST_USER_PROTOCOL_F_CONFIG))
/* Host notifiers, when the transport has the doorbells in a mappable file
 * (transport notify_fd): the backend channel (BACKEND_REQ, SLAVE_REQ in
 * DPDK 22.11's naming) carrying VRING_HOST_NOTIFIER_MSG with the fd
 * (SEND_FD). */
#define AVQ_VDPA_NOTIFIER_FEATURES					\
	(RTE_BIT64(VHOST_USER_PROTOCOL_F_SLAVE_REQ) |			\
	 RTE_BIT64(VHOST_USER_PROTOCOL_F_SLAVE_SEND_FD) |		\
	 RTE_BIT64(VHOST_USER_PROTOCOL_F_HOST_NOTIFIER))

/* Per-queue counters of class 70, in rte_vdpa_get_stats() order. */
enum {
	AVQ_VDPA_STAT_PACKETS,
	AVQ_VDPA_STAT_BYTES,
	AVQ_VDPA_STAT_DROPS,
	AVQ_VDPA_STAT_ERRORS,
	AVQ_VDPA_STAT_INTERRUPTS,
	AVQ_VDPA_STAT_MAX
};

static const char * const avq_vdpa_stat_names[AVQ_VDPA_STAT_MAX] = {
	[AVQ_VDPA_STAT_PACKETS] = "packets",
	[AVQ_VDPA_STAT_BYTES] = "bytes",
	[AVQ_VDPA_STAT_DROPS] = "dropped",
	[AVQ_VDPA_STAT_ERRORS] = "errors",
	[AVQ_VDPA_STAT_INTERRUPTS] = "interrupts",
};

static struct rte_vdpa_dev_ops avq_vdpa_ops;

/* ---- Lookup ---- */

static struct avq_vdpa *
vdpa_of_dev(struct rte_vdpa_device *vdev)
{
	if (vdev == NULL || vdev->device == NULL || vdev->ops != &avq_vdpa_ops)
		return NULL;
	return RTE_DEV_TO_AVQ_VDEV(vdev->device)->drv_priv;
}

static struct avq_vdpa *
vdpa_of_vid(int vid)
{
	return vdpa_of_dev(rte_vhost_get_vdpa_device(vid));
}

/* ---- Interrupt vectors ----
 *
 * Vectors belong to the management device and every driver of it shares
 * them (net_avq's config vectors too): the bus hands them out
 * (rte_avq_mgmt_vector_alloc()). A vector whose bind fails (beyond the
 * device's max_vectors) leaves its vring without interrupts, which
 * polling frontends do not miss.
 */

/* Take a free vector of @p a's management device, or NO_VECTOR. */
static uint32_t
vec_alloc(struct avq_vdpa *a)
{
	int v = rte_avq_mgmt_vector_alloc(a->v->mgmt);

	return v < 0 ? AVQ_VDPA_NO_VECTOR : (uint32_t)v;
}

static void
vec_free(struct avq_vdpa *a, uint32_t v)
{
	if (v != AVQ_VDPA_NO_VECTOR)
		rte_avq_mgmt_vector_free(a->v->mgmt, v);
}

/* Bind vring @p q's callfd to a new vector; NO_VECTOR when it has none. */
static uint32_t
vring_vector_bind(struct avq_vdpa *a, uint16_t q, int callfd)
{
	uint32_t vec;
	int ret;

	if (callfd < 0 || a->t->ops->vector_bind == NULL)
		return AVQ_VDPA_NO_VECTOR;
	vec = vec_alloc(a);
	if (vec == AVQ_VDPA_NO_VECTOR) {
		AVQ_VDPA_LOG(WARNING, a->name, "vring %u: no free interrupt vector: no interrupts",
			     q);
		return vec;
	}
	ret = a->t->ops->vector_bind(a->t->ctx, vec, callfd);
	if (ret != 0) {
		AVQ_VDPA_LOG(WARNING, a->name, "vring %u: binding vector %u: %s: no interrupts",
			     q, vec, strerror(-ret));
		vec_free(a, vec);
		return AVQ_VDPA_NO_VECTOR;
	}
	return vec;
}

static void
vring_vector_unbind(struct avq_vdpa *a, struct avq_vdpa_vring *vr)
{
	if (vr->vector == AVQ_VDPA_NO_VECTOR)
		return;
	/* Before vhost closes the callfd (GET_VRING_BASE, disconnect). */
	a->t->ops->vector_bind(a->t->ctx, vr->vector, -1);
	vec_free(a, vr->vector);
	vr->vector = AVQ_VDPA_NO_VECTOR;
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
	struct avq_vdpa *a = vdpa_of_dev(vdev);

	if (a == NULL)
		return -ENODEV;
	*pf = AVQ_VDPA_PROTOCOL_FEATURES;
	if (a->t->ops->notify_fd != NULL)
		*pf |= AVQ_VDPA_NOTIFIER_FEATURES;
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
avq_vdpa_get_vfio_group_fd(int vid)
{
	RTE_SET_USED(vid);
	return -ENOTSUP;	/* no VFIO: the transport is the admin queue */
}

/*
 * Host notifiers. vhost's names are VFIO's, but all it does with the
 * "device fd" is send it to the frontend, which maps get_notify_area's
 * (offset, size) of it as the queue's doorbell: here the managed device's
 * notify area, a memfd of the transport (transport notify_fd), one page
 * per queue holding the le16 slot the frontend stores the queue index in.
 */

/* Queue @p q's doorbell page in the notify area's file; a->lock held. */
static int
vring_notify_fd(struct avq_vdpa *a, int vid, int q, int *fd, uint64_t *offset,
		uint64_t *size)
{
	if (a->t->ops->notify_fd == NULL)
		return -ENOTSUP;
	/* Set up by dev_conf for this connection (a kept device's vrings
	 * still have theirs after dev_close). */
	if (q < 0 || q >= (int)RTE_DIM(a->vr) || !a->vr[q].set_up ||
	    a->vr[q].notify == NULL ||
	    (a->vid != vid && !(a->kept && a->kept_vid == vid)))
		return -ENOENT;
	return a->t->ops->notify_fd(a->t->ctx,
				    (uint64_t)(uintptr_t)a->vr[q].notify, fd,
				    offset, size);
}

static int
avq_vdpa_get_vfio_device_fd(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	uint64_t off, size;
	int fd = -1, ret;

	if (a == NULL)
		return -ENODEV;
	pthread_mutex_lock(&a->lock);
	ret = vring_notify_fd(a, vid, 0, &fd, &off, &size);
	pthread_mutex_unlock(&a->lock);
	/* One file for every queue of the device: vhost sends it with each
	 * queue's (offset, size). */
	return ret < 0 ? ret : fd;
}

static int
avq_vdpa_get_notify_area(int vid, int qid, uint64_t *offset, uint64_t *size)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	int fd, ret;

	if (a == NULL)
		return -ENODEV;
	if (offset == NULL || size == NULL)
		return -EINVAL;
	pthread_mutex_lock(&a->lock);
	ret = vring_notify_fd(a, vid, qid, &fd, offset, size);
	pthread_mutex_unlock(&a->lock);
	return ret;
}

static void *
ntf_main(void *arg)
{
	struct avq_vdpa *a = arg;
	bool enable;
	uint16_t q, n;
	int vid, ret;

	pthread_mutex_lock(&a->ntf_lock);
	for (;;) {
		while (!a->ntf_pending && !a->ntf_quit)
			pthread_cond_wait(&a->ntf_cond, &a->ntf_lock);
		if (a->ntf_quit)
			break;
		a->ntf_pending = false;
		vid = a->ntf_vid;
		enable = a->ntf_enable;
		a->ntf_busy_vid = vid;
		pthread_mutex_unlock(&a->ntf_lock);
		ret = 0;
		n = 0;
		if (enable) {
			/* Queue by queue: vhost's QUEUE_ALL covers the vrings
			 * it knows of, which may outnumber those set up (a
			 * multiqueue frontend enabling pairs later), and one
			 * failure there withdraws them all. */
			n = rte_vhost_get_vring_num(vid);
			for (q = 0; q < n; q++) {
				ret = rte_vhost_host_notifier_ctrl(vid, q, true);
				if (ret != 0)
					break;
			}
			n = q;		/* accepted */
		} else {
			ret = rte_vhost_host_notifier_ctrl(vid,
							   RTE_VHOST_QUEUE_ALL,
							   false);
		}
		if (enable && n > 0)
			AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: host notifiers on %u vring(s)",
				     vid, n);
		else if (enable)
			/* -ENOTSUP: the frontend did not negotiate them. */
			AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: no host notifiers (%s): kicks through the kickfd relay",
				     vid, strerror(-ret));
		else
			AVQ_VDPA_LOG(DEBUG, a->name, "vhost device %d: host notifiers off: %s",
				     vid, ret == 0 ? "done" : strerror(-ret));
		pthread_mutex_lock(&a->ntf_lock);
		a->notifiers = enable && n > 0;
		a->ntf_busy_vid = -1;
		pthread_cond_broadcast(&a->ntf_cond);
	}
	pthread_mutex_unlock(&a->ntf_lock);
	return NULL;
}

/*
 * Ask the notifier thread to turn vhost device @p vid's host notifiers on
 * or off; the latest request replaces one not yet served. Never waits for
 * the frontend.
 */
static void
ntf_request(struct avq_vdpa *a, int vid, bool enable)
{
	char tname[RTE_MAX_THREAD_NAME_LEN];
	int ret;

	if (a->t->ops->notify_fd == NULL)
		return;
	pthread_mutex_lock(&a->ntf_lock);
	if (!enable && !a->notifiers && a->ntf_busy_vid != vid &&
	    !(a->ntf_pending && a->ntf_enable)) {
		/* None were given: nothing to withdraw. */
		pthread_mutex_unlock(&a->ntf_lock);
		return;
	}
	if (!a->ntf_started) {
		snprintf(tname, sizeof(tname), "avq-ntf-%.6s", a->name);
		ret = rte_ctrl_thread_create(&a->ntf_thread, tname, NULL,
					     ntf_main, a);
		if (ret != 0) {
			pthread_mutex_unlock(&a->ntf_lock);
			AVQ_VDPA_LOG(WARNING, a->name, "host notifier thread: %s: kicks through the kickfd relay",
				     strerror(ret));
			return;
		}
		a->ntf_started = true;
	}
	a->ntf_pending = true;
	a->ntf_vid = vid;
	a->ntf_enable = enable;
	pthread_cond_broadcast(&a->ntf_cond);
	pthread_mutex_unlock(&a->ntf_lock);
}

/* vhost device @p vid is going away: after this the notifier thread
 * neither serves nor holds a request of it. */
static void
ntf_forget(struct avq_vdpa *a, int vid)
{
	pthread_mutex_lock(&a->ntf_lock);
	if (a->ntf_pending && a->ntf_vid == vid)
		a->ntf_pending = false;
	while (a->ntf_busy_vid == vid)
		pthread_cond_wait(&a->ntf_cond, &a->ntf_lock);
	a->notifiers = false;
	pthread_mutex_unlock(&a->ntf_lock);
}

static void
ntf_stop(struct avq_vdpa *a)
{
	pthread_mutex_lock(&a->ntf_lock);
	a->ntf_quit = true;
	pthread_cond_broadcast(&a->ntf_cond);
	pthread_mutex_unlock(&a->ntf_lock);
	if (a->ntf_started)
		pthread_join(a->ntf_thread, NULL);
	a->ntf_started = false;
}

/* ---- Statistics (class 70 VQ_STATS) ---- */

static int
avq_vdpa_get_stats_names(struct rte_vdpa_device *vdev,
			 struct rte_vdpa_stat_name *names, unsigned int size)
{
	struct avq_vdpa *a = vdpa_of_dev(vdev);
	unsigned int i;

	if (a == NULL)
		return -ENODEV;
	if (!a->has_vq_stats)
		return -ENOTSUP;
	if (names == NULL)
		return AVQ_VDPA_STAT_MAX;
	for (i = 0; i < size && i < AVQ_VDPA_STAT_MAX; i++)
		rte_strscpy(names[i].name, avq_vdpa_stat_names[i],
			    sizeof(names[i].name));
	return (int)i;
}

/* The device of a stats call on queue @p qid, or why there is none. */
static int
stats_queue(struct rte_vdpa_device *vdev, int qid, struct avq_vdpa **ap)
{
	struct avq_vdpa *a = vdpa_of_dev(vdev);

	if (a == NULL)
		return -ENODEV;
	if (!a->has_vq_stats)
		return -ENOTSUP;
	if (qid < 0 || qid >= a->num_queues)
		return -EINVAL;
	*ap = a;
	return 0;
}

static int
avq_vdpa_get_stats(struct rte_vdpa_device *vdev, int qid,
		   struct rte_vdpa_stat *stats, unsigned int n)
{
	struct rte_avq_vq_stats s;
	uint64_t val[AVQ_VDPA_STAT_MAX];
	struct avq_vdpa *a;
	unsigned int i;
	int ret;

	ret = stats_queue(vdev, qid, &a);
	if (ret != 0)
		return ret;
	ret = rte_avq_vq_stats_get(a->v->aq, a->v->id, (uint16_t)qid, &s);
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "VQ_STATS_GET of queue %d: %s", qid,
			     strerror(-ret));
		return ret;
	}
	val[AVQ_VDPA_STAT_PACKETS] = s.packets;
	val[AVQ_VDPA_STAT_BYTES] = s.bytes;
	val[AVQ_VDPA_STAT_DROPS] = s.drops;
	val[AVQ_VDPA_STAT_ERRORS] = s.errors;
	val[AVQ_VDPA_STAT_INTERRUPTS] = s.interrupts;
	for (i = 0; i < n && i < AVQ_VDPA_STAT_MAX; i++) {
		stats[i].id = i;
		stats[i].value = val[i];
	}
	return (int)i;
}

static int
avq_vdpa_reset_stats(struct rte_vdpa_device *vdev, int qid)
{
	struct avq_vdpa *a;
	int ret;

	ret = stats_queue(vdev, qid, &a);
	if (ret != 0)
		return ret;
	return rte_avq_vq_stats_reset(a->v->aq, a->v->id, (uint16_t)qid);
}

/* ---- Config space (CONFIG class) ---- */

static int
avq_vdpa_get_config(int vid, uint8_t *config, uint32_t size)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	uint32_t len, gen;
	int ret;

	if (a == NULL)
		return -ENODEV;
	if (config == NULL)
		return -EINVAL;
	/* vhost-user GET_CONFIG reads from offset 0; bytes past the
	 * virtio-net config read as 0. */
	memset(config, 0, size);
	len = RTE_MIN(size, (uint32_t)sizeof(struct avq_net_config));
	if (len == 0)
		return 0;
	ret = rte_avq_config_read(a->v->aq, a->v->id, 0, config, len, &gen);
	if (ret == -ERANGE && len > offsetof(struct avq_net_config, speed)) {
		/* A device with the shorter config of VDEV_CREATE. */
		memset(config, 0, size);
		len = offsetof(struct avq_net_config, speed);
		ret = rte_avq_config_read(a->v->aq, a->v->id, 0, config, len,
					  &gen);
	}
	if (ret != 0)
		AVQ_VDPA_LOG(ERR, a->name, "reading the config space: %s",
			     strerror(-ret));
	return ret;
}

static int
avq_vdpa_set_config(int vid, uint8_t *config, uint32_t offset, uint32_t size,
		    uint32_t flags)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	int ret;

	RTE_SET_USED(flags);
	if (a == NULL)
		return -ENODEV;
	/* virtio 1.2, 5.1.4: of the net config only mac is driver-writable
	 * (the device model refuses the rest as well). */
	if (config == NULL || size == 0 ||
	    (uint64_t)offset + size > RTE_SIZEOF_FIELD(struct avq_net_config, mac)) {
		AVQ_VDPA_LOG(ERR, a->name, "SET_CONFIG of [%u, +%u): only the mac may be written",
			     offset, size);
		return -EINVAL;
	}
	ret = rte_avq_config_set(a->v->aq, a->v->id, offset, config, size);
	if (ret != 0)
		AVQ_VDPA_LOG(ERR, a->name, "writing the mac: %s", strerror(-ret));
	return ret;
}

/* ---- Guest-physical addresses ---- */

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
			a->relay_kicks++;
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

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
status_add(struct avq_vdpa *a, uint8_t *st, uint8_t bits)
{
	*st |= bits;
	a->ncmd++;
	return rte_avq_status_set(a->v->aq, a->v->id, *st);
}

static int
dev_reset(struct avq_vdpa *a)
{
	a->ncmd += 2;	/* STATUS_SET 0, STATUS_GET */
	return rte_avq_reset(a->v->aq, a->v->id);
}

/*
 * Program vring @p q: size, address, interrupt vector. Enabled here
 * (before DRIVER_OK) when @p enable, else left for VQ_STATE_SET.
 */
static int
vring_setup(struct avq_vdpa *a, int vid, const struct rte_vhost_memory *mem,
	    uint16_t q, bool enable)
{
	struct avq_vdpa_vring *vr = &a->vr[q];
	struct rte_vhost_vring vring;
	struct rte_avq_vq_params vp;
	uint64_t addr = 0, len = 0;
	int ret;

	ret = rte_vhost_get_vhost_vring(vid, q, &vring);
	if (ret != 0)
		return -EINVAL;
	vr->kickfd = vring.kickfd;
	vr->used = vring.used;
	vr->size = vring.size;
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
	vr->desc = vp.desc;
	vr->driver = vp.driver;
	vr->device = vp.device;
	vr->vector = vring_vector_bind(a, q, vring.callfd);
	if (vr->vector != AVQ_VDPA_NO_VECTOR) {
		vp.msi = true;
		vp.vector = vr->vector;
		vp.data = q;
		a->conf.vectors++;
	}
	/* RFC admin VQ: size, address, MSI, then VQ_ENABLE (the helper's
	 * order). */
	if (enable) {
		ret = rte_avq_vq_setup(a->v->aq, a->v->id, q, &vp);
		a->ncmd += 3 + (vp.msi ? 2 : 0);
	} else {
		ret = rte_avq_vq_size_set(a->v->aq, a->v->id, q, vp.size);
		if (ret == 0)
			ret = rte_avq_vq_addr_set(a->v->aq, a->v->id, q, vp.desc,
						  vp.driver, vp.device);
		a->ncmd += 2;
		if (ret == 0 && vp.msi) {
			ret = rte_avq_msi_vq_set(a->v->aq, a->v->id, q,
						 vp.vector, vp.data);
			if (ret == 0)
				ret = rte_avq_msi_vq_enable(a->v->aq, a->v->id,
							    q, true);
			a->ncmd += 2;
		} else if (ret == 0) {
			/* A kept device may still have the vector of the
			 * previous set-up enabled. */
			ret = rte_avq_msi_vq_enable(a->v->aq, a->v->id, q,
						    false);
			a->ncmd++;
		}
	}
	if (ret == 0) {
		ret = rte_avq_vq_notify_get(a->v->aq, a->v->id, q, &addr, &len);
		a->ncmd++;
	}
	if (ret == 0 && (addr == 0 || len < sizeof(uint16_t)))
		ret = -EPROTO;
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "virtqueue %u set-up: %s", q,
			     strerror(-ret));
		return ret;
	}
	/* Software transports: the notify area is memory of this process. */
	vr->notify = (uint16_t *)(uintptr_t)addr;
	vr->set_up = true;
	vr->enabled = enable;
	return 0;
}

/* Class 68: enable the vrings at vhost's vring bases (device at
 * DRIVER_OK), all in one VQ_STATE_SET_BATCH. */
static int
vrings_resume(struct avq_vdpa *a, int vid)
{
	struct rte_avq_vq_base b[AVQ_VDPA_MAX_VRINGS];
	uint16_t q;
	int ret;

	for (q = 0; q < a->nr_vrings; q++) {
		b[q].queue = q;
		ret = rte_vhost_get_vring_base(vid, q, &b[q].avail_idx,
					       &b[q].used_idx);
		if (ret != 0) {
			AVQ_VDPA_LOG(ERR, a->name, "vring %u: no vring base", q);
			return -EINVAL;
		}
	}
	ret = rte_avq_vq_state_set_batch(a->v->aq, a->v->id, b, a->nr_vrings);
	a->ncmd++;
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "resuming %u vring(s): %s",
			     a->nr_vrings, strerror(-ret));
		return ret;
	}
	for (q = 0; q < a->nr_vrings; q++)
		a->vr[q].enabled = true;
	return 0;
}

/* dev_close of a kept device: vhost may close the callfds now, so the
 * vectors are unbound from them but stay allocated, and the device keeps
 * its MSI programming: a vring that comes back unchanged only has its
 * vector bound to the new callfd (no admin command). */
static void
vrings_detach(struct avq_vdpa *a)
{
	uint16_t q;

	for (q = 0; q < RTE_DIM(a->vr); q++) {
		if (a->vr[q].vector != AVQ_VDPA_NO_VECTOR)
			a->t->ops->vector_bind(a->t->ctx, a->vr[q].vector, -1);
		a->vr[q].kickfd = -1;
		a->vr[q].enabled = false;
	}
}

/* Forget the vrings' set-up; unbind their vectors. */
static void
vrings_forget(struct avq_vdpa *a)
{
	uint16_t q;

	for (q = 0; q < RTE_DIM(a->vr); q++) {
		vring_vector_unbind(a, &a->vr[q]);
		memset(&a->vr[q], 0, sizeof(a->vr[q]));
		a->vr[q].kickfd = -1;
		a->vr[q].vector = AVQ_VDPA_NO_VECTOR;
	}
}

/* Reset the device and release everything dev_conf set up. */
static void
device_down(struct avq_vdpa *a)
{
	int ret;

	relay_stop(a);
	/* RFC admin VQ, STATUS_SET 0: when it completes the device no longer
	 * touches the rings, and its MMU is disabled and empty. */
	ret = rte_avq_reset(a->v->aq, a->v->id);
	if (ret != 0)
		AVQ_VDPA_LOG(ERR, a->name, "reset: %s", strerror(-ret));
	vrings_forget(a);
	/* After a failed reset the mappings are removed one by one. */
	avq_vdpa_mem_release(a, ret != 0);
	a->configured = false;
	a->kept = false;
}

/* First set-up of a reset device: virtio 1.2, 3.1.1. */
static int
conf_full(struct avq_vdpa *a, int vid, const struct rte_vhost_memory *mem)
{
	uint8_t st = 0, got = 0;
	uint16_t q;
	int ret;

	ret = dev_reset(a);
	if (ret == 0)
		ret = status_add(a, &st, AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER);
	if (ret == 0) {
		ret = rte_avq_feat_driver_set(a->v->aq, a->v->id, a->features);
		a->ncmd++;
	}
	if (ret == 0)
		ret = status_add(a, &st, AVQ_STATUS_FEATURES_OK);
	if (ret == 0) {
		ret = rte_avq_status_get(a->v->aq, a->v->id, &got);
		a->ncmd++;
	}
	if (ret == 0 && !(got & AVQ_STATUS_FEATURES_OK)) {
		AVQ_VDPA_LOG(ERR, a->name, "device refused features 0x%" PRIx64,
			     a->features);
		ret = -ENOTSUP;
	}
	/* The device MMU stays on: the transport has no per-device DMA
	 * isolation (RFC admin VQ: MMU_ENABLE rule). */
	if (ret == 0) {
		ret = rte_avq_mmu_enable(a->v->aq, a->v->id, true);
		a->ncmd++;
	}
	if (ret == 0)
		ret = avq_vdpa_mem_apply(a, mem, false);
	/* With class 68 the rings start at vhost's bases, which only a
	 * running device keeps: enabled after DRIVER_OK. */
	for (q = 0; q < a->nr_vrings && ret == 0; q++)
		ret = vring_setup(a, vid, mem, q, !a->has_vq_state);
	if (ret == 0)
		ret = status_add(a, &st, AVQ_STATUS_DRIVER_OK);
	if (ret == 0 && a->has_vq_state)
		ret = vrings_resume(a, vid);
	return ret;
}

/*
 * Whether kept vring @p q is what vhost has now: same size and
 * guest-physical addresses, and a callfd where it had a vector (the
 * features were compared by the caller). Then only its vector is bound to
 * the current callfd, which is a transport operation, not a command.
 */
static bool
vring_kept(struct avq_vdpa *a, int vid, const struct rte_vhost_memory *mem,
	   uint16_t q)
{
	struct avq_vdpa_vring *vr = &a->vr[q];
	struct rte_vhost_vring vring;

	if (!vr->set_up || rte_vhost_get_vhost_vring(vid, q, &vring) != 0)
		return false;
	if (vring.size != vr->size ||
	    qva_to_gpa(mem, (uint64_t)(uintptr_t)vring.desc) != vr->desc ||
	    qva_to_gpa(mem, (uint64_t)(uintptr_t)vring.avail) != vr->driver ||
	    qva_to_gpa(mem, (uint64_t)(uintptr_t)vring.used) != vr->device ||
	    (vring.callfd >= 0) != (vr->vector != AVQ_VDPA_NO_VECTOR))
		return false;
	if (vr->vector != AVQ_VDPA_NO_VECTOR &&
	    a->t->ops->vector_bind(a->t->ctx, vr->vector, vring.callfd) != 0)
		return false;
	vr->kickfd = vring.kickfd;
	vr->used = vring.used;
	if (vr->vector != AVQ_VDPA_NO_VECTOR)
		a->conf.vectors++;
	return true;
}

/* Release kept vring @p q (changed, or beyond the vrings in use). */
static void
vring_drop(struct avq_vdpa *a, uint16_t q)
{
	struct avq_vdpa_vring *vr = &a->vr[q];

	/* Unbound in dev_close (or by a failed rebind): only the number. */
	vec_free(a, vr->vector);
	memset(vr, 0, sizeof(*vr));
	vr->kickfd = -1;
	vr->vector = AVQ_VDPA_NO_VECTOR;
}

/* A kept device (dev_close stopped every ring in one command): the memory
 * difference, the changed vrings programmed one by one, then every vring
 * resumed at vhost's bases in one command. An unchanged vring costs no
 * command of its own. */
static int
conf_kept(struct avq_vdpa *a, int vid, const struct rte_vhost_memory *mem)
{
	uint16_t q;
	int ret;

	a->conf.incremental = 1;
	ret = avq_vdpa_mem_apply(a, mem, true);
	for (q = a->nr_vrings; q < RTE_DIM(a->vr); q++)
		if (a->vr[q].set_up)
			vring_drop(a, q);
	for (q = 0; q < a->nr_vrings && ret == 0; q++) {
		if (vring_kept(a, vid, mem, q)) {
			a->conf.vrings_kept++;
			continue;
		}
		vring_drop(a, q);
		ret = vring_setup(a, vid, mem, q, false);
	}
	if (ret == 0)
		ret = vrings_resume(a, vid);
	return ret;
}

static int
avq_vdpa_dev_conf(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	struct rte_vhost_memory *mem = NULL;
	uint64_t neg = 0, f, t0, confs;
	uint16_t q, n;
	bool kept;
	int ret;

	if (a == NULL)
		return -ENODEV;
	pthread_mutex_lock(&a->lock);
	if (a->configured) {
		pthread_mutex_unlock(&a->lock);
		return 0;
	}
	t0 = now_ns();
	a->ncmd = 0;
	confs = a->conf.confs;
	memset(&a->conf, 0, sizeof(a->conf));
	a->conf.confs = confs + 1;
	ret = rte_vhost_get_negotiated_features(vid, &neg);
	if (ret == 0)
		ret = rte_vhost_get_mem_table(vid, &mem) == 0 ? 0 : -EINVAL;
	n = rte_vhost_get_vring_num(vid);
	if (ret == 0 && (n == 0 || n > AVQ_VDPA_MAX_VRINGS || n > a->num_queues))
		ret = -EINVAL;
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "vhost device %d: features, memory table or %u vrings: %s",
			     vid, n, strerror(-ret));
		goto out;
	}
	f = neg & AVQ_VDPA_FEATURES;
	/* The device MMU is how the device reaches the frontend's memory. */
	f |= a->dev_features & RTE_BIT64(AVQ_F_ACCESS_PLATFORM);
	kept = a->kept && a->kept_vid == vid && a->kept_features == f;
	if (a->kept && !kept)
		device_down(a);	/* another connection or other features */
	a->vid = vid;
	a->features = f;
	a->nr_vrings = n;
	a->conf.vrings = n;
	a->conf.stop_commands = kept ? a->stop_ncmd : 0;
	ret = kept ? conf_kept(a, vid, mem) : conf_full(a, vid, mem);
	a->kept = false;
	if (ret == 0)
		ret = relay_start(a);
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "vhost device %d: set-up failed: %s",
			     vid, strerror(-ret));
		device_down(a);
		goto out;
	}
	a->configured = true;
	/* Whatever the frontend queued before the rings ran. */
	for (q = 0; q < n; q++)
		ring_doorbell(a, q);
	/* The kick relay stays for a frontend that keeps kicking the
	 * kickfds (no host notifiers, or not mapped). */
	ntf_request(a, vid, true);
	AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: %u vring(s), features 0x%" PRIx64 ", %u memory region(s): running",
		     vid, n, f, mem->nregions);
out:
	a->conf.ns = now_ns() - t0;
	a->conf.commands = a->ncmd;
	a->conf.result = ret;
	AVQ_VDPA_LOG(DEBUG, a->name, "dev_conf: %u admin command(s) (%u MMU), %" PRIu64 " us, %s",
		     a->conf.commands, a->conf.mmu_commands,
		     a->conf.ns / 1000, a->conf.incremental ? "difference" : "full");
	if (ret != 0)
		a->vid = -1;
	free(mem);
	pthread_mutex_unlock(&a->lock);
	return ret;
}

/*
 * Stop the rings and give vhost their bases. With class 68 the device is
 * kept (DRIVER_OK, rings stopped, memory mapped) for the next dev_conf;
 * false when it had to be reset.
 */
static bool
rings_stop(struct avq_vdpa *a, int vid)
{
	struct rte_avq_vq_base st[AVQ_VDPA_MAX_VRINGS];
	uint16_t q, used;
	bool ok = a->has_vq_state;
	int ret = 0;

	a->stop_ncmd = 0;
	/* Class 68, queue 0xffff: every queue stopped and read in one step,
	 * so nothing is taken after the indices vhost records and the device
	 * touches none of the frontend's memory, which vhost may unmap as
	 * soon as this returns (SET_MEM_TABLE), until dev_conf resumes it. */
	if (ok) {
		ret = rte_avq_vq_state_stop_all(a->v->aq, a->v->id, st,
						RTE_DIM(st));
		a->stop_ncmd++;
		if (ret < a->nr_vrings) {
			AVQ_VDPA_LOG(ERR, a->name, "VQ_STATE_STOP of every queue: %s",
				     ret < 0 ? strerror(-ret) : "short reply");
			ok = false;
		}
	}
	for (q = 0; q < a->nr_vrings && ok; q++)
		if (a->vr[q].set_up)
			rte_vhost_set_vring_base(vid, q, st[q].avail_idx,
						 st[q].used_idx);
	if (ok)
		return true;
	/* Without class 68: reset first (the device stops touching the
	 * rings), then the used index stands for both (the device
	 * completes in order). */
	relay_stop(a);
	ret = rte_avq_reset(a->v->aq, a->v->id);
	if (ret != 0)
		AVQ_VDPA_LOG(ERR, a->name, "reset: %s", strerror(-ret));
	for (q = 0; q < a->nr_vrings; q++) {
		if (!a->vr[q].set_up || a->vr[q].used == NULL)
			continue;
		used = __atomic_load_n(&a->vr[q].used->idx, __ATOMIC_ACQUIRE);
		rte_vhost_set_vring_base(vid, q, used, used);
	}
	vrings_forget(a);
	avq_vdpa_mem_release(a, ret != 0);
	a->configured = false;
	a->kept = false;
	return false;
}

static int
avq_vdpa_dev_close(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);
	uint64_t kicks;

	if (a == NULL)
		return -ENODEV;
	pthread_mutex_lock(&a->lock);
	if (a->configured && a->vid == vid) {
		relay_stop(a);
		kicks = a->relay_kicks;
		a->relay_kicks = 0;
		/* The frontend goes back to its kickfds (asynchronous: the
		 * frontend may be waiting for our reply to GET_VRING_BASE). */
		ntf_request(a, vid, false);
		if (rings_stop(a, vid)) {
			/* vhost may close the callfds after this. */
			vrings_detach(a);
			a->configured = false;
			a->kept = true;
			a->kept_vid = vid;
			a->kept_features = a->features;
		}
		/* Kicks that came through a kickfd, not a host notifier. */
		AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: stopped%s, %" PRIu64 " kickfd kick(s) relayed",
			     vid, a->kept ? " (device kept)" : "", kicks);
	}
	a->vid = -1;
	pthread_mutex_unlock(&a->lock);
	return 0;
}

static int
avq_vdpa_dev_cleanup(int vid)
{
	struct avq_vdpa *a = vdpa_of_vid(vid);

	if (a == NULL)
		return -ENODEV;
	/* vhost frees the device after this: no host notifier request of
	 * it may still run. Outside a->lock, which the notifier thread's
	 * vDPA ops take. */
	ntf_forget(a, vid);
	pthread_mutex_lock(&a->lock);
	/* The connection is gone: nothing is resumed any more. */
	if ((a->kept && a->kept_vid == vid) ||
	    (a->configured && a->vid == vid)) {
		device_down(a);
		a->vid = -1;
		AVQ_VDPA_LOG(INFO, a->name, "vhost device %d: released", vid);
	}
	pthread_mutex_unlock(&a->lock);
	return 0;
}

/* set_vring_state of a running vring. With class 68 a ring disabled and
 * enabled again continues where it stopped; without, it restarts at 0. */
static int
vring_enable(struct avq_vdpa *a, uint16_t q, bool on)
{
	struct avq_vdpa_vring *vr = &a->vr[q];
	int ret;

	if (!a->has_vq_state)
		ret = rte_avq_vq_enable_set(a->v->aq, a->v->id, q, on);
	else if (on)
		ret = rte_avq_vq_state_set(a->v->aq, a->v->id, q,
					   vr->stop_avail, vr->stop_used);
	else
		ret = rte_avq_vq_state_stop(a->v->aq, a->v->id, q,
					    &vr->stop_avail, &vr->stop_used);
	if (ret != 0) {
		AVQ_VDPA_LOG(ERR, a->name, "%s vring %u: %s",
			     on ? "enabling" : "disabling", q, strerror(-ret));
		return ret;
	}
	vr->enabled = on;
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
	/* Before dev_conf vhost keeps the state; dev_conf sets rings up.
	 * VQ_ENABLE of an enabled queue would restart its ring from 0:
	 * only changes are sent. */
	if (a->configured && a->vid == vid && vring >= 0 &&
	    vring < a->nr_vrings && a->vr[vring].set_up &&
	    a->vr[vring].enabled != (state != 0))
		ret = vring_enable(a, (uint16_t)vring, state != 0);
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
	.dev_cleanup = avq_vdpa_dev_cleanup,
	.set_vring_state = avq_vdpa_set_vring_state,
	.set_features = avq_vdpa_set_features,
	.get_vfio_group_fd = avq_vdpa_get_vfio_group_fd,
	.get_vfio_device_fd = avq_vdpa_get_vfio_device_fd,
	.get_notify_area = avq_vdpa_get_notify_area,
	.get_stats_names = avq_vdpa_get_stats_names,
	.get_stats = avq_vdpa_get_stats,
	.reset_stats = avq_vdpa_reset_stats,
	.get_config = avq_vdpa_get_config,
	.set_config = avq_vdpa_set_config,
	.get_dev_type = avq_vdpa_get_dev_type,
};

/* ---- Public: configuration counters ---- */

int
rte_vdpa_avq_conf_stats(const char *name, struct rte_vdpa_avq_conf_stats *stats)
{
	struct avq_vdpa *a;

	if (name == NULL || stats == NULL) {
		rte_errno = EINVAL;
		return -1;
	}
	a = vdpa_of_dev(rte_vdpa_find_device_by_name(name));
	if (a == NULL) {
		rte_errno = ENODEV;
		return -1;
	}
	pthread_mutex_lock(&a->lock);
	*stats = a->conf;
	pthread_mutex_unlock(&a->lock);
	return 0;
}

/* ---- The avq bus's class driver ---- */

static int
avq_vdpa_probe(struct rte_avq_driver *drv, struct rte_avq_vdev *v)
{
	struct avq_vdpa *a;
	uint64_t caps = 0;
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
	a->kept_vid = -1;
	a->epfd = -1;
	a->stopfd = -1;
	a->ntf_vid = -1;
	a->ntf_busy_vid = -1;
	/* rx/tx per pair, then the control queue (virtio 1.2, 5.1.2). */
	a->num_queues = 2 * RTE_MAX(v->params.queue_pairs, (uint16_t)1) + 1;
	vrings_forget(a);
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->ntf_lock, NULL);
	pthread_cond_init(&a->ntf_cond, NULL);
	ret = rte_avq_cap_get(v->aq, &caps);
	if (ret == 0) {
		a->has_vq_state = (caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_VQ_STATE))) != 0;
		a->has_vq_stats = (caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_VQ_STATS))) != 0;
		ret = rte_avq_status_get(v->aq, v->id, &st);
	}
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
	AVQ_VDPA_LOG(INFO, a->name, "vDPA device: %u queue pair(s), features 0x%" PRIx64 ", rings up to %u%s%s",
		     RTE_MAX(v->params.queue_pairs, (uint16_t)1),
		     a->dev_features, max,
		     a->has_vq_state ? ", VQ_STATE" : "",
		     a->has_vq_stats ? ", VQ_STATS" : "");
	return 0;

fail:
	pthread_cond_destroy(&a->ntf_cond);
	pthread_mutex_destroy(&a->ntf_lock);
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
	if (a->configured) {
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
	ntf_stop(a);
	if (a->kept)
		device_down(a);
	pthread_cond_destroy(&a->ntf_cond);
	pthread_mutex_destroy(&a->ntf_lock);
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
