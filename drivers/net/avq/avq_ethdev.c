/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * eth_dev_ops of net_avq. Every facility of the managed device is reached
 * through the admin queue (the engine view v->aq): features, status,
 * config space, device MMU, virtqueues (RFC admin VQ classes), and the rx
 * filter through class 67 NET_CTRL (seed 001) when the management device
 * announces it.
 *
 * Life cycle: probe reads the device; dev_start takes it from reset to
 * DRIVER_OK (features, MMU, queues); dev_stop resets it, which also makes
 * it let go of every buffer; dev_close resets it and drops the DMA
 * windows. A device that faults (DEVICE_NEEDS_RESET, with DEVICE_MMU_FAIL
 * for a translation failure) is noticed by link_update and by an alarm
 * once a second: logged, link down, the device_faults xstat, and
 * RTE_ETH_EVENT_INTR_RESET; dev_reset (or a new start) recovers it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_interrupts.h>
#include <rte_common.h>
#include <rte_malloc.h>

#include "avq_ethdev.h"
#include "rte_avq_dev.h"

/* Hash inputs of the device's receive-queue choice (fixed): MAC addresses,
 * IPv4 addresses, TCP/UDP ports over IPv4. */
#define AVQ_RSS_HF	(RTE_ETH_RSS_ETH | RTE_ETH_RSS_IPV4 |		\
			 RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP)

#define AVQ_ALARM_US	(1000 * 1000)

static struct avq_port *
port_of(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* ---- Device access ---- */

static int
config_get(struct avq_port *p, struct avq_net_config *cfg)
{
	uint32_t gen;

	return rte_avq_config_read(p->aq, p->id, 0, cfg, sizeof(*cfg), &gen);
}

int
avq_port_init(struct avq_port *p)
{
	struct avq_net_config cfg;
	uint16_t max;
	uint8_t st = 0;
	int ret;

	p->cfg_fd = -1;
	p->cfg_vec = -1;
	ret = rte_avq_cap_get(p->aq, &p->caps);
	if (ret == 0)
		ret = rte_avq_status_get(p->aq, p->id, &st);
	if (ret == 0 && st != 0)
		ret = rte_avq_reset(p->aq, p->id);
	if (ret == 0)
		ret = rte_avq_feat_device_get(p->aq, p->id, &p->dev_features);
	if (ret == 0)
		ret = config_get(p, &cfg);
	/* RFC admin VQ: VQ_SIZE_GET after reset returns the maximum. */
	if (ret == 0)
		ret = rte_avq_vq_size_get(p->aq, p->id, 0, &max);
	if (ret != 0) {
		AVQ_NET_LOG(ERR, p->name, "reading managed device %" PRIu64 ": %s",
			    p->id, strerror(-ret));
		return ret;
	}
	if (!(p->dev_features & RTE_BIT64(AVQ_F_VERSION_1))) {
		AVQ_NET_LOG(ERR, p->name, "device does not offer VERSION_1");
		return -ENOTSUP;
	}
	p->net_ctrl = (p->caps & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_NET_CTRL))) != 0;
	memcpy(p->mac.addr_bytes, cfg.mac, RTE_ETHER_ADDR_LEN);
	/* virtio 1.2, 5.1.4: max_virtqueue_pairs exists with MQ, mtu with MTU. */
	p->max_pairs = 1;
	if ((p->dev_features & RTE_BIT64(AVQ_NET_F_MQ)) &&
	    (p->dev_features & RTE_BIT64(AVQ_NET_F_CTRL_VQ)))
		p->max_pairs = RTE_MIN(RTE_MAX(avq_le16(cfg.max_virtqueue_pairs), 1),
				       (int)AVQ_MAX_PAIRS);
	p->dev_mtu = (p->dev_features & RTE_BIT64(AVQ_NET_F_MTU)) ?
		     avq_le16(cfg.mtu) : RTE_ETHER_MTU;
	if (p->dev_mtu < RTE_ETHER_MIN_MTU)
		p->dev_mtu = RTE_ETHER_MIN_MTU;
	p->mtu = RTE_MIN(p->dev_mtu, (uint16_t)RTE_ETHER_MTU);
	if (max == 0 || (max & (max - 1)) != 0)
		max = (uint16_t)rte_align32prevpow2(max);
	p->max_vq_size = RTE_MIN(max, (uint16_t)AVQ_RING_MAX);
	if (p->max_vq_size < AVQ_RING_MIN) {
		AVQ_NET_LOG(ERR, p->name, "device rings of %u entries are too small",
			    max);
		return -ENOTSUP;
	}
	if (p->ring_size > p->max_vq_size) {
		AVQ_NET_LOG(NOTICE, p->name, "ring_size %u above the device's %u: using %u",
			    p->ring_size, p->max_vq_size, p->max_vq_size);
		p->ring_size = p->max_vq_size;
	}
	p->model = rte_avq_mgmt_model(p->v->mgmt);
	p->eth->data->mac_addrs = rte_zmalloc("avq_mac", AVQ_MAX_MAC *
					      RTE_ETHER_ADDR_LEN, 0);
	if (p->eth->data->mac_addrs == NULL)
		return -ENOMEM;
	rte_ether_addr_copy(&p->mac, &p->eth->data->mac_addrs[0]);
	p->eth->data->mtu = p->mtu;
	AVQ_NET_LOG(INFO, p->name, "managed device %s (id %" PRIu64 "): mac " RTE_ETHER_ADDR_PRT_FMT ", %u queue pair(s), mtu %u, rings up to %u%s",
		    p->v->device.name, p->id, RTE_ETHER_ADDR_BYTES(&p->mac),
		    p->max_pairs, p->dev_mtu, p->max_vq_size,
		    p->net_ctrl ? ", NET_CTRL" : "");
	return 0;
}

static void avq_alarm(void *arg);

static void
alarm_cancel(struct avq_port *p)
{
	if (p->alarm)
		rte_eal_alarm_cancel(avq_alarm, p);
	p->alarm = false;
}

bool
avq_port_alive(struct avq_port *p)
{
	struct rte_avq_vdev *v;

	if (p->aq == NULL)
		return false;
	if (!p->owns_vdev)
		return true;
	v = rte_avq_vdev_lookup(p->vdev_name);
	return v == p->v && v->id == p->id;
}

void
avq_port_fini(struct avq_port *p)
{
	bool alive;

	alarm_cancel(p);
	avq_cfg_intr_fini(p);
	alive = avq_port_alive(p);
	/* The device lets go of every buffer before memory goes. */
	if (alive)
		rte_avq_reset(p->aq, p->id);
	avq_mem_detach(p, !alive);
}

/* ---- Faults and link ---- */

static void
fault_log(struct avq_port *p, uint8_t st)
{
	struct avq_mmu_err e;

	if ((st & AVQ_STATUS_DEVICE_MMU_FAIL) &&
	    rte_avq_mmu_err_get(p->aq, p->id, &e) == 0 && avq_le32(e.reason) != 0) {
		AVQ_NET_LOG(ERR, p->name, "device fault: status 0x%02x, MMU %s on queue %u, iova 0x%" PRIx64 "-0x%" PRIx64 " (%s): reset the port",
			    st, (avq_le32(e.reason) & AVQ_MMU_ERR_ACC_VIOLATION) ?
			    "access violation" : "no mapping",
			    avq_le16(e.queue_index), avq_le64(e.iova_start),
			    avq_le64(e.iova_end),
			    (avq_le32(e.flags) & AVQ_MMU_F_WRITE) ? "write" : "read");
		return;
	}
	AVQ_NET_LOG(ERR, p->name, "device fault: status 0x%02x (NEEDS_RESET): reset the port",
		    st);
}

/*
 * Look at the device: a new fault is logged, counted and reported
 * (RTE_ETH_EVENT_INTR_RESET); the link is read from the config space.
 * @return whether the link is up.
 */
static bool
check_device(struct avq_port *p)
{
	struct rte_eth_dev *dev = p->eth;
	struct avq_net_config cfg;
	uint8_t st = 0;
	bool up, was;
	int ret;

	if (!p->started || !avq_port_alive(p))
		return false;
	ret = rte_avq_status_get(p->aq, p->id, &st);
	if (ret == 0 && (st & AVQ_STATUS_DEVICE_NEEDS_RESET) && !p->faulted) {
		p->faulted = true;
		p->faults++;
		fault_log(p, st);
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RESET, NULL);
	} else if (ret != 0 && !p->faulted) {
		/* Gone behind our back, or the admin queue failed. */
		AVQ_NET_LOG(ERR, p->name, "STATUS_GET: %s", strerror(-ret));
		p->faulted = true;
		p->faults++;
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RESET, NULL);
	}
	up = false;
	if (!p->faulted && config_get(p, &cfg) == 0)
		up = !(p->features & RTE_BIT64(AVQ_NET_F_STATUS)) ||
		     (avq_le16(cfg.status) & AVQ_NET_S_LINK_UP);
	was = p->link_up;
	p->link_up = up;
	if (was != up && dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
	return up;
}

static int
avq_link_update(struct rte_eth_dev *dev, int wait)
{
	struct avq_port *p = port_of(dev);
	struct rte_eth_link link;
	struct avq_net_config cfg;
	uint32_t speed = RTE_ETH_SPEED_NUM_10G;

	RTE_SET_USED(wait);
	memset(&link, 0, sizeof(link));
	link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	if (check_device(p)) {
		link.link_status = RTE_ETH_LINK_UP;
		/* virtio 1.2, 5.1.4: speed in Mbit/s, -1 unknown. */
		if ((p->features & RTE_BIT64(AVQ_NET_F_SPEED_DUPLEX)) &&
		    config_get(p, &cfg) == 0 && avq_le32(cfg.speed) != UINT32_MAX &&
		    avq_le32(cfg.speed) != 0)
			speed = avq_le32(cfg.speed);
		link.link_speed = speed;
	} else {
		link.link_speed = RTE_ETH_SPEED_NUM_NONE;
	}
	return rte_eth_linkstatus_set(dev, &link);
}

static void
avq_alarm(void *arg)
{
	struct avq_port *p = arg;

	if (!p->started)
		return;
	avq_link_update(p->eth, 0);
	if (rte_eal_alarm_set(AVQ_ALARM_US, avq_alarm, p) != 0)
		p->alarm = false;
}

/* The config interrupt fired (virtio 1.2, 4.1.4.5 by analogy: a config
 * change or DEVICE_NEEDS_RESET): read status and config once. Runs on the
 * EAL interrupt thread, as the alarm does. */

static void
avq_cfg_intr(void *arg)
{
	struct avq_port *p = arg;
	uint64_t n;

	/* Non-blocking: a spurious wake reads nothing. */
	if (read(p->cfg_fd, &n, sizeof(n)) < 0)
		n = 0;
	/* An event callback of the application may close the port from
	 * inside this one: avq_cfg_intr_fini() must know. */
	p->cfg_cb_thread = pthread_self();
	__atomic_store_n(&p->cfg_in_cb, true, __ATOMIC_RELAXED);
	if (p->started)
		avq_link_update(p->eth, 0);
	__atomic_store_n(&p->cfg_in_cb, false, __ATOMIC_RELAXED);
}

/* After a removal deferred from inside avq_cfg_intr(): the fd goes. */
static void
cfg_intr_close(struct rte_intr_handle *h, void *arg)
{
	RTE_SET_USED(arg);
	close(rte_intr_fd_get(h));
}

/* Event fd, vector and EAL registration, once per port (first start). */
static int
cfg_intr_create(struct avq_port *p)
{
	const struct rte_avq_transport *t = p->t;
	int ret;

	if (p->intr != NULL)
		return 0;
	if (t->ops->vector_bind == NULL)
		return -ENOTSUP;
	p->cfg_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->cfg_fd < 0)
		return -errno;
	p->cfg_vec = rte_avq_mgmt_vector_alloc(p->v->mgmt);
	if (p->cfg_vec < 0) {
		ret = p->cfg_vec;
		goto fail;
	}
	ret = t->ops->vector_bind(t->ctx, (uint32_t)p->cfg_vec, p->cfg_fd);
	if (ret != 0)
		goto fail;
	p->intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_SHARED);
	if (p->intr == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	if (rte_intr_fd_set(p->intr, p->cfg_fd) != 0 ||
	    rte_intr_type_set(p->intr, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_callback_register(p->intr, avq_cfg_intr, p) != 0) {
		ret = -rte_errno;
		goto fail;
	}
	return 0;
fail:
	avq_cfg_intr_fini(p);
	return ret != 0 ? ret : -EIO;
}

void
avq_cfg_intr_fini(struct avq_port *p)
{
	const struct rte_avq_transport *t = p->t;
	int ret;

	if (p->intr != NULL) {
		if (__atomic_load_n(&p->cfg_in_cb, __ATOMIC_RELAXED) &&
		    pthread_equal(p->cfg_cb_thread, pthread_self())) {
			/* Closed from inside the callback: EAL removes it
			 * (and cfg_intr_close() the fd) when it returns. */
			ret = rte_intr_callback_unregister_pending(p->intr,
					avq_cfg_intr, p, cfg_intr_close);
			if (ret >= 0)
				p->cfg_fd = -1;
		} else {
			/* -EAGAIN while the callback runs on the interrupt
			 * thread: it ends without waiting for us. */
			do {
				ret = rte_intr_callback_unregister(p->intr,
						avq_cfg_intr, p);
			} while (ret == -EAGAIN);
		}
		rte_intr_instance_free(p->intr);
		p->intr = NULL;
	}
	/* The device no longer signals a closed fd. A management device
	 * already gone (EAL clean-up may remove the avq bus first) took
	 * its vectors with it. */
	if (p->cfg_vec >= 0 && avq_port_alive(p)) {
		if (t->ops->vector_bind != NULL)
			t->ops->vector_bind(t->ctx, (uint32_t)p->cfg_vec, -1);
		rte_avq_mgmt_vector_free(p->v->mgmt, (uint32_t)p->cfg_vec);
	}
	p->cfg_vec = -1;
	if (p->cfg_fd >= 0) {
		close(p->cfg_fd);
		p->cfg_fd = -1;
	}
	p->cfg_intr = false;
}

/* Program the config vector (a reset disables every MSI). */
static void
cfg_intr_start(struct avq_port *p)
{
	int ret = cfg_intr_create(p);

	if (ret == 0)
		ret = rte_avq_msi_config_set(p->aq, p->id,
					     (uint64_t)p->cfg_vec, 0);
	if (ret == 0)
		ret = rte_avq_msi_config_enable(p->aq, p->id, true);
	p->cfg_intr = ret == 0;
	if (ret != 0)
		AVQ_NET_LOG(NOTICE, p->name, "no config interrupt (%s): link and faults polled once a second",
			    strerror(-ret));
}

/* ---- Configure, info ---- */

static int
avq_dev_configure(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	struct rte_eth_conf *c = &dev->data->dev_conf;
	uint16_t nrx = dev->data->nb_rx_queues, ntx = dev->data->nb_tx_queues;

	if (nrx > p->max_pairs || ntx > p->max_pairs) {
		AVQ_NET_LOG(ERR, p->name, "%u rx / %u tx queues: the device has %u pair(s)",
			    nrx, ntx, p->max_pairs);
		return -EINVAL;
	}
	/* Receive queues beyond the first take frames only once the device
	 * spreads over them (VQ_PAIRS_SET through NET_CTRL). */
	if (nrx > 1 && !p->net_ctrl) {
		AVQ_NET_LOG(ERR, p->name, "%u rx queues need NET_CTRL (class %u), which the management device does not offer",
			    nrx, AVQ_CLASS_NET_CTRL);
		return -ENOTSUP;
	}
	if ((c->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) &&
	    c->rx_adv_conf.rss_conf.rss_hf != 0 &&
	    (c->rx_adv_conf.rss_conf.rss_hf & AVQ_RSS_HF) != AVQ_RSS_HF)
		AVQ_NET_LOG(NOTICE, p->name, "the device always hashes MAC, IPv4 and TCP/UDP ports: rss_hf 0x%" PRIx64 " is not configurable",
			    c->rx_adv_conf.rss_conf.rss_hf);
	if (c->rx_adv_conf.rss_conf.rss_key != NULL &&
	    c->rx_adv_conf.rss_conf.rss_key_len != 0) {
		AVQ_NET_LOG(ERR, p->name, "an RSS key cannot be set: the device's hash is fixed");
		return -ENOTSUP;
	}
	p->vlan_filter = (c->rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER) != 0;
	p->pairs = RTE_MAX(nrx, (uint16_t)1);
	return 0;
}

static int
avq_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct avq_port *p = port_of(dev);

	info->max_rx_queues = p->max_pairs;
	info->max_tx_queues = p->max_pairs;
	info->max_mac_addrs = p->net_ctrl ? AVQ_MAX_MAC : 1;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = p->dev_mtu;
	info->max_rx_pktlen = (uint32_t)p->dev_mtu + RTE_ETHER_HDR_LEN +
			      RTE_VLAN_HLEN;
	info->min_rx_bufsize = RTE_ETHER_MIN_LEN;
	info->rx_desc_lim.nb_max = p->max_vq_size;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.ring_size = AVQ_RING_DEFAULT;
	info->default_txportconf.ring_size = AVQ_RING_DEFAULT;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER;
	if (p->net_ctrl)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* What the device does, not configurable: it spreads frames over
	 * the active pairs by a hash of these fields (no key, no table). */
	info->flow_type_rss_offloads = p->max_pairs > 1 ? AVQ_RSS_HF : 0;
	info->hash_key_size = 0;
	info->reta_size = 0;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	return 0;
}

/* ---- Start, stop, close, reset ---- */

static int
status_add(struct avq_port *p, uint8_t *st, uint8_t bits)
{
	*st |= bits;
	return rte_avq_status_set(p->aq, p->id, *st);
}

/* Whether receive frames may need several buffers: scatter asked for, or
 * a buffer smaller than the largest frame with its header. */
static bool
avq_rx_fits(const struct avq_port *p, uint16_t mtu)
{
	const struct rte_eth_dev_data *d = p->eth->data;
	uint32_t frame = (uint32_t)mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN +
			 AVQ_NET_HDR_LEN;
	uint16_t i;

	for (i = 0; i < d->nb_rx_queues; i++)
		if (d->rx_queues[i] == NULL ||
		    avq_rxq_buf_len(d->rx_queues[i]) < frame)
			return false;
	return true;
}

static bool
rx_needs_mrg(const struct avq_port *p)
{
	if (p->eth->data->dev_conf.rxmode.offloads &
	    RTE_ETH_RX_OFFLOAD_SCATTER)
		return true;
	return !avq_rx_fits(p, p->mtu);
}

static int
negotiate(struct avq_port *p, uint8_t *st)
{
	uint64_t f = p->dev_features & AVQ_NET_WANTED_FEATURES;
	uint8_t got = 0;
	int ret;

	/* virtio 1.2, 5.1.6.3.1: without VIRTIO_NET_F_MRG_RXBUF every frame
	 * fits one buffer, and the receive path never reads the header
	 * (num_buffers is 1): one cache line less crosses from the device
	 * per frame. Asked for only when frames may not fit. */
	if (!rx_needs_mrg(p))
		f &= ~RTE_BIT64(AVQ_NET_F_MRG_RXBUF);

	/* virtio 1.2, 3.1.1: ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
	 * then re-read the status: the device may refuse the set. */
	ret = status_add(p, st, AVQ_STATUS_ACKNOWLEDGE);
	if (ret == 0)
		ret = status_add(p, st, AVQ_STATUS_DRIVER);
	if (ret == 0)
		ret = rte_avq_feat_driver_set(p->aq, p->id, f);
	if (ret == 0)
		ret = status_add(p, st, AVQ_STATUS_FEATURES_OK);
	if (ret == 0)
		ret = rte_avq_status_get(p->aq, p->id, &got);
	if (ret == 0 && !(got & AVQ_STATUS_FEATURES_OK)) {
		AVQ_NET_LOG(ERR, p->name, "device refused features 0x%" PRIx64, f);
		ret = -ENOTSUP;
	}
	if (ret == 0)
		p->features = f;
	return ret;
}

/* Unicast addresses 1.. of the port (index @p skip left out, @p extra
 * added at @p extra_idx) and the multicast list, to the device. */
static int
mac_table_send(struct avq_port *p, uint32_t skip, const struct rte_ether_addr *extra,
	       uint32_t extra_idx)
{
	uint8_t uc[AVQ_MAX_MAC][6], mc[AVQ_MAX_MC + AVQ_MAX_MAC][6];
	const struct rte_ether_addr *a;
	uint32_t i, n_uc = 0, n_mc = 0;

	for (i = 1; i < AVQ_MAX_MAC; i++) {
		a = i == extra_idx && extra != NULL ? extra :
		    &p->eth->data->mac_addrs[i];
		if (i == skip || rte_is_zero_ether_addr(a))
			continue;
		if (rte_is_multicast_ether_addr(a))
			memcpy(mc[n_mc++], a->addr_bytes, 6);
		else
			memcpy(uc[n_uc++], a->addr_bytes, 6);
	}
	for (i = 0; i < p->n_mc; i++)
		memcpy(mc[n_mc++], p->mc[i].addr_bytes, 6);
	return rte_avq_net_mac_table_set(p->aq, p->id,
					 (const uint8_t (*)[6])uc, n_uc,
					 (const uint8_t (*)[6])mc, n_mc);
}

/* The rx filter state the port keeps, to a device just reset. Rx modes
 * and addresses 1.. come back through ethdev's restore after start. */
static int
filter_restore(struct avq_port *p)
{
	struct rte_ether_addr *mac0 = &p->eth->data->mac_addrs[0];
	struct avq_net_config cfg;
	unsigned int v;
	int ret;

	if (!p->net_ctrl)
		return 0;
	/* The address the device has now (a reset may or may not have
	 * kept one set earlier): the port's primary address wins. */
	ret = config_get(p, &cfg);
	if (ret == 0 && memcmp(cfg.mac, mac0->addr_bytes, RTE_ETHER_ADDR_LEN) != 0)
		ret = rte_avq_net_mac_set(p->aq, p->id, mac0->addr_bytes);
	if (ret == 0)
		rte_ether_addr_copy(mac0, &p->mac);
	if (ret == 0 && p->n_mc > 0)
		ret = mac_table_send(p, UINT32_MAX, NULL, UINT32_MAX);
	for (v = 0; v < 4096 && ret == 0 && p->vlan_filter; v++)
		if (p->vlans[v / 64] & RTE_BIT64(v % 64))
			ret = rte_avq_net_vlan_filter(p->aq, p->id, (uint16_t)v,
						      true);
	if (ret == 0 && p->pairs > 1)
		ret = rte_avq_net_vq_pairs_set(p->aq, p->id, p->pairs);
	if (ret != 0)
		AVQ_NET_LOG(ERR, p->name, "NET_CTRL restore: %s", strerror(-ret));
	return ret;
}

static void
queues_stop(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		if (dev->data->rx_queues[i] != NULL)
			avq_rxq_stop(dev->data->rx_queues[i]);
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		if (dev->data->tx_queues[i] != NULL)
			avq_txq_stop(dev->data->tx_queues[i]);
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
}

static int
avq_dev_start(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	uint8_t st = 0;
	uint16_t i;
	int ret;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] == NULL)
			return -EINVAL;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] == NULL)
			return -EINVAL;
	ret = avq_mem_attach(p);
	if (ret != 0)
		return ret;
	/* From reset, whatever state a fault or a crash left. */
	ret = rte_avq_reset(p->aq, p->id);
	if (ret == 0)
		ret = negotiate(p, &st);
	/* The device MMU stays on: the transport has no per-device DMA
	 * isolation (RFC admin VQ: MMU_ENABLE rule). */
	if (ret == 0)
		ret = rte_avq_mmu_enable(p->aq, p->id, true);
	if (ret == 0)
		ret = avq_mem_mmu_program(p);
	for (i = 0; i < dev->data->nb_rx_queues && ret == 0; i++)
		ret = avq_rxq_start(p, dev->data->rx_queues[i]);
	for (i = 0; i < dev->data->nb_tx_queues && ret == 0; i++)
		ret = avq_txq_start(p, dev->data->tx_queues[i]);
	if (ret == 0)
		cfg_intr_start(p);
	if (ret == 0)
		ret = status_add(p, &st, AVQ_STATUS_DRIVER_OK);
	if (ret == 0)
		ret = filter_restore(p);
	if (ret != 0) {
		AVQ_NET_LOG(ERR, p->name, "start failed: %s", strerror(-ret));
		goto fail;
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		avq_rxq_refill(dev->data->rx_queues[i]);
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	p->faulted = false;
	p->started = true;
	p->link_up = false;
	avq_link_update(dev, 0);
	/* With the config interrupt nothing is polled: link changes and
	 * faults come to avq_cfg_intr(). */
	if (p->cfg_intr)
		return 0;
	if (rte_eal_alarm_set(AVQ_ALARM_US, avq_alarm, p) == 0)
		p->alarm = true;
	else
		AVQ_NET_LOG(WARNING, p->name, "no alarm: faults are seen by link_update only");
	return 0;

fail:
	rte_avq_reset(p->aq, p->id);
	queues_stop(dev);
	return ret;
}

static int
avq_dev_stop(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	struct rte_eth_link link;
	int ret;

	p->started = false;
	alarm_cancel(p);
	/* RFC admin VQ, STATUS_SET 0: the reset is complete when the command
	 * completes; only then are the buffers ours again. (A device that
	 * no longer exists holds none.) */
	ret = avq_port_alive(p) ? rte_avq_reset(p->aq, p->id) : 0;
	if (ret != 0)
		AVQ_NET_LOG(ERR, p->name, "reset: %s", strerror(-ret));
	queues_stop(dev);
	p->link_up = false;
	memset(&link, 0, sizeof(link));
	rte_eth_linkstatus_set(dev, &link);
	return ret;
}

static int
avq_dev_close(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	uint16_t i;
	int ret = 0;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (p->started)
		avq_dev_stop(dev);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		avq_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		avq_tx_queue_release(dev, i);
	avq_port_fini(p);
	if (p->owns_vdev && avq_port_alive(p)) {
		/* A --vdev port created its managed device: it goes too. */
		ret = rte_avq_vdev_delete(p->vdev_name);
		if (ret != 0 && ret != -ENODEV)
			AVQ_NET_LOG(ERR, p->name, "destroying %s: %s",
				    p->vdev_name, strerror(-ret));
		else
			ret = 0;
		p->owns_vdev = false;
	}
	p->aq = NULL;
	return ret;
}

static int
avq_dev_reset(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	int ret;

	/* ethdev stopped the port first: the device is reset already; do
	 * it again in case that failed, then forget the fault. */
	ret = rte_avq_reset(p->aq, p->id);
	if (ret != 0) {
		AVQ_NET_LOG(ERR, p->name, "reset: %s", strerror(-ret));
		return ret;
	}
	p->faulted = false;
	AVQ_NET_LOG(INFO, p->name, "reset: configure and start the port again");
	return 0;
}

/* ---- Statistics ---- */

static void
dev_vq_stats(struct avq_port *p, uint16_t q, struct rte_avq_dev_vq_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (p->model != NULL && avq_port_alive(p))
		rte_avq_dev_vq_stats(p->model, p->id, q, s);
}

static int
avq_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *s)
{
	struct avq_port *p = port_of(dev);
	struct rte_avq_dev_vq_stats ds;
	struct avq_rxq *rq;
	struct avq_txq *tq;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rq = dev->data->rx_queues[i];
		if (rq == NULL)
			continue;
		s->ipackets += rq->packets;
		s->ibytes += rq->bytes;
		s->ierrors += rq->errors;
		s->rx_nombuf += rq->nombuf;
		dev_vq_stats(p, (uint16_t)(2 * i), &ds);
		s->imissed += ds.drops;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			s->q_ipackets[i] = rq->packets;
			s->q_ibytes[i] = rq->bytes;
			s->q_errors[i] = rq->errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		tq = dev->data->tx_queues[i];
		if (tq == NULL)
			continue;
		s->opackets += tq->packets;
		s->obytes += tq->bytes;
		s->oerrors += tq->errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			s->q_opackets[i] = tq->packets;
			s->q_obytes[i] = tq->bytes;
		}
	}
	return 0;
}

static int
avq_stats_reset(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	struct avq_rxq *rq;
	struct avq_txq *tq;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rq = dev->data->rx_queues[i];
		if (rq != NULL)
			rq->packets = rq->bytes = rq->errors = rq->nombuf = 0;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		tq = dev->data->tx_queues[i];
		if (tq != NULL)
			tq->packets = tq->bytes = tq->errors = 0;
	}
	if (p->model != NULL && avq_port_alive(p))
		rte_avq_dev_vq_stats_reset(p->model, p->id);
	return 0;
}

/* xstats: device_faults, then per rx queue, then per tx queue. */
enum {
	XQ_KICKS, XQ_ERRORS, XQ_NOMBUF, XQ_DEV_PACKETS, XQ_DEV_BYTES,
	XQ_DEV_DROPS, XQ_DEV_ERRORS, XQ_DEV_TRANSLATIONS, XQ_N
};

static const char * const xq_names[XQ_N] = {
	"kicks", "errors", "nombuf", "dev_packets", "dev_bytes", "dev_drops",
	"dev_errors", "dev_translations",
};

/* Receive queues only: the posting window now (buffers), and how many
 * polls found the device out of buffers and posted the whole ring. */
enum { XR_WINDOW, XR_GROWS, XR_N };

static const char * const xr_names[XR_N] = { "post_window", "post_grows" };

static unsigned int
xstats_count(const struct rte_eth_dev *dev)
{
	return 1 + (unsigned int)dev->data->nb_rx_queues * (XQ_N + XR_N) +
	       (unsigned int)dev->data->nb_tx_queues * XQ_N;
}

static int
avq_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		     unsigned int size)
{
	unsigned int n = xstats_count(dev), k = 0, i, j;

	if (names == NULL || size < n)
		return (int)n;
	snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "device_faults");
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		for (j = 0; j < XQ_N; j++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 "rx_q%u_%s", i, xq_names[j]);
		for (j = 0; j < XR_N; j++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 "rx_q%u_%s", i, xr_names[j]);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		for (j = 0; j < XQ_N; j++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 "tx_q%u_%s", i, xq_names[j]);
	return (int)n;
}

static void
xq_fill(struct rte_eth_xstat *x, unsigned int *k, uint64_t kicks,
	uint64_t errors, uint64_t nombuf, const struct rte_avq_dev_vq_stats *ds)
{
	const uint64_t v[XQ_N] = { kicks, errors, nombuf, ds->packets,
				   ds->bytes, ds->drops, ds->errors,
				   ds->translations };
	unsigned int j;

	for (j = 0; j < XQ_N; j++) {
		x[*k].id = *k;
		x[*k].value = v[j];
		(*k)++;
	}
}

static int
avq_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *x,
	       unsigned int size)
{
	struct avq_port *p = port_of(dev);
	unsigned int n = xstats_count(dev), k = 0, i;
	struct rte_avq_dev_vq_stats ds;
	struct avq_rxq *rq;
	struct avq_txq *tq;

	if (x == NULL || size < n)
		return (int)n;
	x[k].id = k;
	x[k++].value = p->faults;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rq = dev->data->rx_queues[i];
		dev_vq_stats(p, (uint16_t)(2 * i), &ds);
		xq_fill(x, &k, rq ? rq->kicks : 0, rq ? rq->errors : 0,
			rq ? rq->nombuf : 0, &ds);
		x[k].id = k;
		x[k++].value = rq ? rq->win : 0;
		x[k].id = k;
		x[k++].value = rq ? rq->win_grows : 0;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		tq = dev->data->tx_queues[i];
		dev_vq_stats(p, (uint16_t)(2 * i + 1), &ds);
		xq_fill(x, &k, tq ? tq->kicks : 0, tq ? tq->errors : 0, 0, &ds);
	}
	return (int)n;
}

static int
avq_xstats_reset(struct rte_eth_dev *dev)
{
	struct avq_port *p = port_of(dev);
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] != NULL) {
			((struct avq_rxq *)dev->data->rx_queues[i])->kicks = 0;
			((struct avq_rxq *)dev->data->rx_queues[i])->win_grows = 0;
		}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] != NULL)
			((struct avq_txq *)dev->data->tx_queues[i])->kicks = 0;
	p->faults = 0;
	return avq_stats_reset(dev);
}

/* ---- MTU, addresses, rx modes, VLAN ---- */

static int
avq_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct avq_port *p = port_of(dev);

	/* The device's mtu (config space) bounds what it transmits. */
	if (mtu < RTE_ETHER_MIN_MTU || mtu > p->dev_mtu) {
		AVQ_NET_LOG(ERR, p->name, "mtu %u out of range (%u..%u)", mtu,
			    RTE_ETHER_MIN_MTU, p->dev_mtu);
		return -EINVAL;
	}
	/* Buffers of a running port without MRG_RXBUF hold one frame of
	 * the mtu negotiated for: a larger one takes a restart. */
	if (p->started && !(p->features & RTE_BIT64(AVQ_NET_F_MRG_RXBUF)) &&
	    mtu > p->mtu && !avq_rx_fits(p, mtu)) {
		AVQ_NET_LOG(ERR, p->name, "mtu %u: receive buffers too small without mergeable buffers; stop the port first",
			    mtu);
		return -EBUSY;
	}
	p->mtu = mtu;
	return 0;
}

/* A NET_CTRL operation: refused without the class, deferred to the next
 * start while the device is not running. */
static int
ctrl_ready(struct avq_port *p, const char *what)
{
	if (!p->net_ctrl) {
		AVQ_NET_LOG(ERR, p->name, "%s needs NET_CTRL (class %u), which the management device does not offer",
			    what, AVQ_CLASS_NET_CTRL);
		return -ENOTSUP;
	}
	return p->started && !p->faulted ? 1 : 0;
}

static int
ctrl_result(struct avq_port *p, const char *what, int ret)
{
	if (ret != 0)
		AVQ_NET_LOG(ERR, p->name, "%s: %s", what, strerror(-ret));
	return ret;
}

static int
rx_mode(struct rte_eth_dev *dev, bool promisc, bool on)
{
	struct avq_port *p = port_of(dev);
	const char *what = promisc ? "promiscuous mode" : "all-multicast mode";
	int ret = ctrl_ready(p, what);

	if (ret <= 0)
		return ret;
	ret = promisc ? rte_avq_net_promisc_set(p->aq, p->id, on) :
			rte_avq_net_allmulti_set(p->aq, p->id, on);
	return ctrl_result(p, what, ret);
}

static int
avq_promisc_enable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, true, true);
}

static int
avq_promisc_disable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, true, false);
}

static int
avq_allmulti_enable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, false, true);
}

static int
avq_allmulti_disable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, false, false);
}

static int
avq_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac)
{
	struct avq_port *p = port_of(dev);
	int ret = ctrl_ready(p, "MAC address");

	if (ret <= 0)
		return ret;
	ret = rte_avq_net_mac_set(p->aq, p->id, mac->addr_bytes);
	if (ret == 0)
		rte_ether_addr_copy(mac, &p->mac);
	return ctrl_result(p, "MAC address", ret);
}

static int
avq_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *mac,
		 uint32_t index, uint32_t vmdq)
{
	struct avq_port *p = port_of(dev);
	int ret;

	RTE_SET_USED(vmdq);
	if (index == 0 || index >= AVQ_MAX_MAC)
		return -EINVAL;
	ret = ctrl_ready(p, "MAC table");
	if (ret <= 0)
		return ret;
	return ctrl_result(p, "MAC table", mac_table_send(p, UINT32_MAX, mac, index));
}

static void
avq_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct avq_port *p = port_of(dev);

	if (ctrl_ready(p, "MAC table") <= 0)
		return;
	ctrl_result(p, "MAC table", mac_table_send(p, index, NULL, UINT32_MAX));
}

static int
avq_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *mc,
		     uint32_t n)
{
	struct avq_port *p = port_of(dev);
	int ret;

	if (n > AVQ_MAX_MC) {
		AVQ_NET_LOG(ERR, p->name, "%u multicast addresses (at most %u)",
			    n, AVQ_MAX_MC);
		return -ENOSPC;
	}
	ret = ctrl_ready(p, "multicast list");
	if (ret < 0)
		return ret;
	if (n > 0)
		memcpy(p->mc, mc, n * sizeof(*mc));
	p->n_mc = n;
	if (ret == 0)
		return 0;
	return ctrl_result(p, "multicast list",
			   mac_table_send(p, UINT32_MAX, NULL, UINT32_MAX));
}

static int
avq_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vlan, int on)
{
	struct avq_port *p = port_of(dev);
	int ret;

	if (vlan > RTE_ETHER_MAX_VLAN_ID)
		return -EINVAL;
	ret = ctrl_ready(p, "VLAN filter");
	if (ret < 0)
		return ret;
	if (ret > 0) {
		ret = rte_avq_net_vlan_filter(p->aq, p->id, vlan, on != 0);
		if (ret != 0)
			return ctrl_result(p, "VLAN filter", ret);
	}
	if (on)
		p->vlans[vlan / 64] |= RTE_BIT64(vlan % 64);
	else
		p->vlans[vlan / 64] &= ~RTE_BIT64(vlan % 64);
	return 0;
}

const struct eth_dev_ops avq_eth_ops = {
	.dev_configure = avq_dev_configure,
	.dev_infos_get = avq_dev_infos_get,
	.dev_start = avq_dev_start,
	.dev_stop = avq_dev_stop,
	.dev_close = avq_dev_close,
	.dev_reset = avq_dev_reset,
	.link_update = avq_link_update,
	.stats_get = avq_stats_get,
	.stats_reset = avq_stats_reset,
	.xstats_get = avq_xstats_get,
	.xstats_get_names = avq_xstats_get_names,
	.xstats_reset = avq_xstats_reset,
	.mtu_set = avq_mtu_set,
	.mac_addr_set = avq_mac_addr_set,
	.mac_addr_add = avq_mac_addr_add,
	.mac_addr_remove = avq_mac_addr_remove,
	.set_mc_addr_list = avq_set_mc_addr_list,
	.promiscuous_enable = avq_promisc_enable,
	.promiscuous_disable = avq_promisc_disable,
	.allmulticast_enable = avq_allmulti_enable,
	.allmulticast_disable = avq_allmulti_disable,
	.vlan_filter_set = avq_vlan_filter_set,
	.rx_queue_setup = avq_rx_queue_setup,
	.rx_queue_release = avq_rx_queue_release,
	.tx_queue_setup = avq_tx_queue_setup,
	.tx_queue_release = avq_tx_queue_release,
};
