/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * virtio-net control commands (virtio 1.2, 5.1.6.5) and who may send them.
 *
 * One implementation of each rx filter operation, reached two ways:
 *  - the managed device's own control queue (avq_dev_net_dp.c), which obeys
 *    the features its driver negotiated and, per seed 001, the trust the
 *    management device gave it;
 *  - the management driver through the AQ, extension class 67 NET_CTRL
 *    (seed 001's admin control virtqueue), which acts with authority:
 *    whatever the managed device's driver negotiated, trusted or not.
 *
 * The commands are data (ops[]): class, command, exact data length, the
 * feature the own queue needs, whether trust governs it, and a handler
 * that runs only once every check passed.
 *
 * Everything here runs on the device thread of the management device (or
 * with that thread stopped), like the datapath that reads the filter.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

#define MAC_LEN		6u
#define VLAN_IDS	4096u

/* ---- Filter state ---- */

void
avq_net_pairs_update(struct avq_net_dp *n)
{
	/* The datapath steers to the active pairs only; without MQ the
	 * driver has just pair 0, so what class 67 set waits for a driver
	 * that negotiates it. */
	n->pairs = RTE_MAX((uint16_t)1, RTE_MIN(n->pairs_set, n->max_pairs));
}

void
avq_net_filter_reset(struct avq_net_dp *n)
{
	/* The rx filter starts open, as QEMU's does: a driver without
	 * VIRTIO_NET_F_CTRL_RX cannot open it. */
	memset(&n->f, 0, sizeof(n->f));
	n->f.promisc = true;
	/* virtio 1.2, 5.1.6.5.5: multiqueue starts disabled (one pair). */
	n->pairs_set = 1;
	avq_net_pairs_update(n);
}

/* ---- The operations (validated data in, state changed) ---- */

/* Arguments of one command. */
struct ctrl_arg {
	struct avq_net_dp *n;
	const uint8_t *d;		/* data after class and command */
	uint32_t len;
	enum avq_net_ctrl_src src;
};

typedef uint8_t (*ctrl_fn)(const struct ctrl_arg *a);

static uint8_t
op_promisc(const struct ctrl_arg *a)
{
	/* virtio 1.2, 5.1.6.5.1: u8 on; 0 and 1 are the values it has. */
	if (a->d[0] > 1)
		return AVQ_ACK_INVAL;
	a->n->f.promisc = a->d[0] == 1;
	return AVQ_ACK_OK;
}

static uint8_t
op_allmulti(const struct ctrl_arg *a)
{
	if (a->d[0] > 1)
		return AVQ_ACK_INVAL;
	a->n->f.allmulti = a->d[0] == 1;
	return AVQ_ACK_OK;
}

static uint8_t
op_mac_table(const struct ctrl_arg *a)
{
	struct avq_net_filter *f = &a->n->f;
	const uint8_t *d = a->d;
	uint32_t nu, nm;
	rte_le32_t le;

	/* virtio 1.2, 5.1.6.5.2: two struct virtio_net_ctrl_mac, unicast
	 * then multicast, each a le32 count and that many addresses. */
	if (a->len < 4)
		return AVQ_ACK_INVAL;
	memcpy(&le, d, 4);
	nu = avq_le32(le);
	if (nu > AVQ_DP_MAC_TABLE || a->len < 8 + MAC_LEN * nu)
		return AVQ_ACK_INVAL;
	memcpy(&le, d + 4 + MAC_LEN * nu, 4);
	nm = avq_le32(le);
	if (nm > AVQ_DP_MAC_TABLE || a->len != 8 + MAC_LEN * (nu + nm))
		return AVQ_ACK_INVAL;
	memcpy(f->uc, d + 4, MAC_LEN * nu);
	f->n_uc = nu;
	memcpy(f->mc, d + 8 + MAC_LEN * nu, MAC_LEN * nm);
	f->n_mc = nm;
	return AVQ_ACK_OK;
}

static uint8_t
op_mac_addr(const struct ctrl_arg *a)
{
	struct avq_vdev *v = a->n->v;
	bool changed;

	/* virtio 1.2, 5.1.6.5.2: ADDR_SET shows in the config space's mac,
	 * which is a unicast address. */
	if (a->d[0] & 1)
		return AVQ_ACK_INVAL;
	changed = memcmp(v->config, a->d, MAC_LEN) != 0;
	memcpy(v->config, a->d, MAC_LEN);
	/* The driver that set it knows; a change the management device made
	 * is a config change to the driver, as with CONFIG_SET (virtio
	 * 2.5.1: generation, configuration change notification). */
	if (changed && a->src == AVQ_NET_SRC_MGMT)
		avq_vdev_config_changed(v);
	return AVQ_ACK_OK;
}

static uint8_t
vlan_id(const struct ctrl_arg *a, uint16_t *vid)
{
	rte_le16_t le;

	memcpy(&le, a->d, sizeof(le));
	*vid = avq_le16(le);
	return *vid < VLAN_IDS ? AVQ_ACK_OK : AVQ_ACK_INVAL;
}

static uint8_t
op_vlan_add(const struct ctrl_arg *a)
{
	struct avq_net_filter *f = &a->n->f;
	uint16_t vid;

	if (vlan_id(a, &vid) != AVQ_ACK_OK)
		return AVQ_ACK_INVAL;
	f->vlan[vid / 64] |= RTE_BIT64(vid % 64);
	/* virtio 1.2, 5.1.6.5.3: with CTRL_VLAN tagged frames pass only for
	 * the VLANs added. The management device programs a VLAN filter as
	 * if the driver had negotiated it; it stays on until the reset. */
	if (a->src == AVQ_NET_SRC_MGMT)
		f->vlan_on = true;
	return AVQ_ACK_OK;
}

static uint8_t
op_vlan_del(const struct ctrl_arg *a)
{
	struct avq_net_filter *f = &a->n->f;
	uint16_t vid;

	if (vlan_id(a, &vid) != AVQ_ACK_OK)
		return AVQ_ACK_INVAL;
	f->vlan[vid / 64] &= ~RTE_BIT64(vid % 64);
	if (a->src == AVQ_NET_SRC_MGMT)
		f->vlan_on = true;
	return AVQ_ACK_OK;
}

static uint8_t
op_vq_pairs(const struct ctrl_arg *a)
{
	const struct avq_net_config *nc = (const void *)a->n->v->config;
	struct avq_net_dp *n = a->n;
	uint16_t val, max;
	rte_le16_t le;

	memcpy(&le, a->d, sizeof(le));
	val = avq_le16(le);
	/* virtio 1.2, 5.1.6.5.5: 1 ..= max_virtqueue_pairs. The own queue
	 * has the pairs its driver negotiated; the management device the
	 * device's. */
	max = a->src == AVQ_NET_SRC_OWN ? n->max_pairs :
	      avq_le16(nc->max_virtqueue_pairs);
	if (val < 1 || val > max)
		return AVQ_ACK_INVAL;
	n->pairs_set = val;
	avq_net_pairs_update(n);
	return AVQ_ACK_OK;
}

#define LEN_ANY		UINT32_MAX	/* the handler checks the length */

struct ctrl_op {
	uint8_t cls;
	uint8_t cmd;
	uint32_t len;		/* exact data length, or LEN_ANY */
	uint8_t feature;	/* the own queue needs this driver feature */
	bool trust;		/* refused from the own queue when untrusted */
	ctrl_fn fn;
};

/* What the device implements. Seed 001: an untrusted device's own queue
 * may not change its attributes (rx mode, MAC, VLAN); the queue pairs are
 * the driver's own resource and stay its choice. */
static const struct ctrl_op ops[] = {
	{ AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_PROMISC, 1,
	  AVQ_NET_F_CTRL_RX, true, op_promisc },
	{ AVQ_NET_CTRL_RX, AVQ_NET_CTRL_RX_ALLMULTI, 1,
	  AVQ_NET_F_CTRL_RX, true, op_allmulti },
	{ AVQ_NET_CTRL_MAC, AVQ_NET_CTRL_MAC_TABLE_SET, LEN_ANY,
	  AVQ_NET_F_CTRL_RX, true, op_mac_table },
	{ AVQ_NET_CTRL_MAC, AVQ_NET_CTRL_MAC_ADDR_SET, MAC_LEN,
	  AVQ_NET_F_CTRL_MAC_ADDR, true, op_mac_addr },
	{ AVQ_NET_CTRL_VLAN, AVQ_NET_CTRL_VLAN_ADD, 2,
	  AVQ_NET_F_CTRL_VLAN, true, op_vlan_add },
	{ AVQ_NET_CTRL_VLAN, AVQ_NET_CTRL_VLAN_DEL, 2,
	  AVQ_NET_F_CTRL_VLAN, true, op_vlan_del },
	{ AVQ_NET_CTRL_MQ, AVQ_NET_CTRL_MQ_VQ_PAIRS_SET, 2,
	  AVQ_NET_F_MQ, false, op_vq_pairs },
};

uint8_t
avq_net_ctrl_exec(struct avq_net_dp *n, const uint8_t *b, uint32_t len,
		  enum avq_net_ctrl_src src)
{
	const struct ctrl_op *op = NULL;
	struct ctrl_arg a;
	unsigned int i;

	if (len < 2)
		return AVQ_ACK_INVAL;
	for (i = 0; i < RTE_DIM(ops); i++)
		if (ops[i].cls == b[0] && ops[i].cmd == b[1]) {
			op = &ops[i];
			break;
		}
	if (op == NULL)
		return AVQ_ACK_UNSUPP;
	if (src == AVQ_NET_SRC_OWN) {
		/* virtio 1.2, 5.1.6.5: each class needs its feature. */
		if (!(n->v->driver_features & RTE_BIT64(op->feature)))
			return AVQ_ACK_UNSUPP;
		/* Seed 001: "decide whether or not to accept commands from
		 * normal cvq for a virtual [device]". */
		if (op->trust && n->untrusted) {
			n->own_refused++;
			AVQ_DEV_LOG(DEBUG, n->v->dev, "vdev %" PRIu64 ": control"
				    " command %u/%u refused: not trusted",
				    n->v->id, b[0], b[1]);
			return AVQ_ACK_ERR;
		}
	}
	if (op->len != LEN_ANY && len - 2 != op->len)
		return AVQ_ACK_INVAL;
	a.n = n;
	a.d = b + 2;
	a.len = len - 2;
	a.src = src;
	return op->fn(&a);
}

/* ---- Class 67 NET_CTRL (seed 001 through the AQ) ---- */

/* The net state of the command's managed device; NULL if it has none. */
static struct avq_net_dp *
cmd_net(const struct avq_cmd_ctx *c)
{
	if (c->vdev->type != &avq_vdev_type_net)
		return NULL;
	return c->vdev->type_priv;
}

uint8_t
avq_cmd_net_ctrl_exec(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = cmd_net(c);

	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	/* The management driver acts with authority: neither the features
	 * the managed device's driver negotiated nor trust apply. */
	return avq_net_ctrl_exec(n, c->out, c->out_len, AVQ_NET_SRC_MGMT);
}

uint8_t
avq_cmd_net_ctrl_trust_set(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = cmd_net(c);

	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	if (c->out[0] > 1)
		return AVQ_ACK_INVAL;
	n->untrusted = c->out[0] == 0;
	return AVQ_ACK_OK;
}

uint8_t
avq_cmd_net_ctrl_state_get(struct avq_cmd_ctx *c)
{
	struct avq_net_dp *n = cmd_net(c);
	struct avq_net_ctrl_state st;
	uint32_t vlans = 0;
	unsigned int i;

	if (n == NULL)
		return AVQ_ACK_UNSUPP;
	for (i = 0; i < RTE_DIM(n->f.vlan); i++)
		vlans += (uint32_t)__builtin_popcountll(n->f.vlan[i]);
	memset(&st, 0, sizeof(st));
	st.promisc = n->f.promisc ? 1 : 0;
	st.allmulti = n->f.allmulti ? 1 : 0;
	st.trusted = n->untrusted ? 0 : 1;
	st.vq_pairs = avq_to_le16(n->pairs_set);
	memcpy(st.mac, c->vdev->config, sizeof(st.mac));
	st.mac_table_len = avq_to_le32(n->f.n_uc + n->f.n_mc);
	st.vlans = avq_to_le32(vlans);
	st.own_refused = avq_to_le32((uint32_t)RTE_MIN(n->own_refused,
						       (uint64_t)UINT32_MAX));
	if (c->in_cap < sizeof(st))
		return AVQ_ACK_INVAL;
	memcpy(c->in, &st, sizeof(st));
	c->in_len = sizeof(st);
	return AVQ_ACK_OK;
}
