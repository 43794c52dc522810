/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Managed virtio-net device type: VDEV_CREATE config parsing, the config
 * space (virtio 1.2, 5.1.4), offered features and config writes. The
 * datapath is avq_dev_net_dp.c; the type operations below start and stop
 * it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

#define NET_SPEED_MBPS		10000u
#define NET_DUPLEX_FULL		1
#define NET_MTU_DEFAULT		1500u
/* virtio 1.2, 5.1.4.1: mtu at least 68; 9000 is the model's ceiling. */
#define NET_MTU_MIN		68u
#define NET_MTU_MAX		9000u
#define NET_MAC_OFF		offsetof(struct avq_net_config, mac)
#define NET_MAC_LEN		6u

uint64_t
avq_net_default_features(void)
{
	return RTE_BIT64(AVQ_F_VERSION_1) | RTE_BIT64(AVQ_F_ACCESS_PLATFORM) |
	       RTE_BIT64(AVQ_NET_F_MAC) | RTE_BIT64(AVQ_NET_F_MTU) |
	       RTE_BIT64(AVQ_NET_F_STATUS) | RTE_BIT64(AVQ_NET_F_MRG_RXBUF) |
	       RTE_BIT64(AVQ_NET_F_CTRL_VQ) | RTE_BIT64(AVQ_NET_F_MQ) |
	       RTE_BIT64(AVQ_NET_F_CTRL_RX) | RTE_BIT64(AVQ_NET_F_CTRL_VLAN) |
	       RTE_BIT64(AVQ_NET_F_CTRL_MAC_ADDR) |
	       RTE_BIT64(AVQ_NET_F_SPEED_DUPLEX);
}

static bool
mac_is_zero(const uint8_t *mac)
{
	static const uint8_t zero[NET_MAC_LEN];

	return memcmp(mac, zero, NET_MAC_LEN) == 0;
}

static bool
mac_is_multicast(const uint8_t *mac)
{
	return (mac[0] & 1) != 0;
}

/*
 * VDEV_CREATE config[]: a prefix, 0 to 12 bytes, of struct
 * avq_net_create_cfg; the bytes it does not reach read as 0, and a field
 * that is 0 (all-zero mac, status, max_virtqueue_pairs, mtu) takes the
 * device default. So a driver (or the seed 003 registers, which carry no
 * length) may send the full struct with only the fields it cares about.
 * The link therefore starts up; it changes as a device-side event
 * (rte_avq_dev_net_link_set()).
 */
static uint8_t
net_create(struct rte_avq_dev *d, struct avq_vdev *v, const uint8_t *cfg,
	   uint32_t len)
{
	struct avq_net_create_cfg c;
	struct avq_net_config *nc;
	uint16_t status, pairs, mtu;
	uint8_t mac[NET_MAC_LEN];

	if (len > sizeof(c))
		return AVQ_ACK_INVAL;
	memset(&c, 0, sizeof(c));
	memcpy(&c, cfg, len);

	if (!mac_is_zero(c.mac)) {
		/* virtio-net: the device MAC is a unicast address. */
		if (mac_is_multicast(c.mac))
			return AVQ_ACK_INVAL;
		memcpy(mac, c.mac, sizeof(mac));
	} else {
		/* Locally administered, unicast, derived from the id. */
		mac[0] = 0x02;
		mac[1] = 0x00;
		mac[2] = 0x00;
		mac[3] = (uint8_t)(v->id >> 16);
		mac[4] = (uint8_t)(v->id >> 8);
		mac[5] = (uint8_t)v->id;
	}
	status = avq_le16(c.status);
	if (status & ~(AVQ_NET_S_LINK_UP | AVQ_NET_S_ANNOUNCE))
		return AVQ_ACK_INVAL;
	if (status == 0)
		status = AVQ_NET_S_LINK_UP;
	pairs = avq_le16(c.max_virtqueue_pairs);
	if (pairs == 0)
		pairs = 1;
	if (pairs > d->params.max_vq_pairs)
		return AVQ_ACK_INVAL;
	mtu = avq_le16(c.mtu);
	if (mtu == 0)
		mtu = NET_MTU_DEFAULT;
	if (mtu < NET_MTU_MIN || mtu > NET_MTU_MAX)
		return AVQ_ACK_INVAL;

	RTE_BUILD_BUG_ON(sizeof(*nc) > AVQ_VDEV_CONFIG_MAX);
	nc = (struct avq_net_config *)(void *)v->config;
	memset(nc, 0, sizeof(*nc));
	memcpy(nc->mac, mac, sizeof(mac));
	nc->status = avq_to_le16(status);
	nc->max_virtqueue_pairs = avq_to_le16(pairs);
	nc->mtu = avq_to_le16(mtu);
	nc->speed = avq_to_le32(NET_SPEED_MBPS);
	nc->duplex = NET_DUPLEX_FULL;
	v->config_len = sizeof(*nc);
	/* virtio 1.2, 5.1.2: N receive/transmit pairs plus the control vq. */
	v->num_queues = 2 * pairs + 1;
	v->device_features = d->params.net_features != 0 ?
			     d->params.net_features : avq_net_default_features();
	/* RFC admin VQ: the virtual device MUST not offer VIRTIO_F_ADMIN_VQ. */
	v->device_features &= ~RTE_BIT64(AVQ_F_ADMIN_VQ);
	/* Datapath state: counters and rings per queue (its last step, so
	 * a failure leaves nothing behind). */
	if (avq_net_dp_create(v) < 0)
		return AVQ_ACK_NOSPC;
	return AVQ_ACK_OK;
}

/* Only the mac is writable; the whole write is refused otherwise. */
static uint8_t
net_config_write(struct avq_vdev *v, uint32_t off, const uint8_t *data,
		 uint32_t len)
{
	uint8_t mac[NET_MAC_LEN];

	/* The mac opens the config space. */
	RTE_BUILD_BUG_ON(NET_MAC_OFF != 0);
	if ((uint64_t)off + len > NET_MAC_LEN)
		return AVQ_ACK_INVAL;
	memcpy(mac, v->config, sizeof(mac));
	memcpy(mac + off, data, len);
	if (mac_is_multicast(mac))
		return AVQ_ACK_INVAL;
	memcpy(v->config, mac, sizeof(mac));
	return AVQ_ACK_OK;
}

static void
net_reset(struct avq_vdev *v)
{
	/* Config space (mac, link) survives a reset; the datapath leaves the
	 * switch and forgets its rings. */
	avq_net_dp_reset(v);
}

static void
net_destroy(struct avq_vdev *v)
{
	avq_net_dp_destroy(v);
}

const struct avq_vdev_type avq_vdev_type_net = {
	.virtio_type = AVQ_VIRTIO_ID_NET,
	.name = "net",
	.create = net_create,
	.config_write = net_config_write,
	.reset = net_reset,
	.destroy = net_destroy,
	.driver_ok = avq_net_dp_driver_ok,
};

/* ---- Device-side event: link change ---- */

struct ctl_link {
	uint64_t id;
	bool up;
};

static int
ctl_net_link_set(struct rte_avq_dev *d, void *arg)
{
	const struct ctl_link *a = arg;
	struct avq_vdev *v = avq_dev_vdev_find(d, a->id);
	struct avq_net_config *nc;
	uint16_t status, new;

	if (v == NULL)
		return -ENOENT;
	if (v->type != &avq_vdev_type_net)
		return -ENOTSUP;
	nc = (struct avq_net_config *)(void *)v->config;
	status = avq_le16(nc->status);
	new = a->up ? (status | AVQ_NET_S_LINK_UP) :
		      (status & ~AVQ_NET_S_LINK_UP);
	if (new == status)
		return 0;
	nc->status = avq_to_le16(new);
	/* virtio 2.5.1: a config change bumps the generation and raises the
	 * configuration change notification. */
	avq_vdev_config_changed(v);
	AVQ_DEV_LOG(DEBUG, d, "managed device %" PRIu64 " link %s", a->id,
		    a->up ? "up" : "down");
	return 0;
}

int
rte_avq_dev_net_link_set(struct rte_avq_dev *d, uint64_t id, bool up)
{
	struct ctl_link a = { .id = id, .up = up };

	if (d == NULL)
		return -EINVAL;
	return avq_dev_ctl_call(d, ctl_net_link_set, &a);
}
