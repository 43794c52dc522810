/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * The two ways a managed virtio-net device becomes an ethdev port:
 *
 *  - `--vdev net_avq0,mgmt=sim0[,mac=..,queues=N,mtu=..,ring_size=..,
 *    rx_post=..]`:
 *    the port creates a managed device of class net on management device
 *    sim0 with RTE_AVQ_VDEV_F_NO_PROBE (the bus binds no driver to it: the
 *    port drives it), and destroys it when the port is closed or removed.
 *  - the avq bus's class driver for class net: every managed device
 *    created with class net (devargs net=N, rte_avq_vdev_create()) is
 *    probed into a port named after it ("sim0.vd3"); the bus destroys it.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_common.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "avq_ethdev.h"

#define ARG_MGMT	"mgmt"
#define ARG_MAC		"mac"
#define ARG_QUEUES	"queues"
#define ARG_MTU		"mtu"
#define ARG_RING_SIZE	"ring_size"
#define ARG_RX_POST	"rx_post"

static const char * const avq_valid_args[] = {
	ARG_MGMT, ARG_MAC, ARG_QUEUES, ARG_MTU, ARG_RING_SIZE, ARG_RX_POST,
	NULL,
};

struct avq_args {
	const char *port;		/* for messages */
	char mgmt[RTE_AVQ_NAME_LEN];
	struct rte_ether_addr mac;	/* zero: the bus picks one */
	uint16_t queues;		/* 0: 1 */
	uint16_t mtu;			/* 0: 1500 */
	uint16_t ring_size;		/* 0: from nb_desc */
	uint16_t rx_post;		/* 0: AVQ_RX_POST_AUTO */
};

/* ---- Devargs ---- */

static int
arg_uint(const struct avq_args *a, const char *key, const char *val,
	 unsigned long lo, unsigned long hi, uint16_t *out)
{
	unsigned long v;
	char *end = NULL;

	errno = 0;
	v = strtoul(val, &end, 0);
	if (errno != 0 || end == val || *end != '\0' || val[0] == '-' ||
	    v < lo || v > hi) {
		AVQ_NET_LOG(ERR, a->port, "bad %s '%s' (%lu..%lu)", key, val, lo, hi);
		return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

static int
arg_mgmt(const char *key, const char *val, void *opaque)
{
	struct avq_args *a = opaque;

	if (val == NULL || val[0] == '\0' ||
	    strlen(val) >= sizeof(a->mgmt)) {
		AVQ_NET_LOG(ERR, a->port, "bad %s '%s' (a management device name, e.g. sim0)",
			    key, val != NULL ? val : "");
		return -EINVAL;
	}
	rte_strscpy(a->mgmt, val, sizeof(a->mgmt));
	return 0;
}

static int
arg_mac(const char *key, const char *val, void *opaque)
{
	struct avq_args *a = opaque;

	if (val == NULL || rte_ether_unformat_addr(val, &a->mac) != 0 ||
	    !rte_is_unicast_ether_addr(&a->mac) ||
	    rte_is_zero_ether_addr(&a->mac)) {
		AVQ_NET_LOG(ERR, a->port, "bad %s '%s' (a unicast address xx:xx:xx:xx:xx:xx)",
			    key, val != NULL ? val : "");
		return -EINVAL;
	}
	return 0;
}

static int
arg_queues(const char *key, const char *val, void *opaque)
{
	struct avq_args *a = opaque;

	return arg_uint(a, key, val != NULL ? val : "", 1, AVQ_MAX_PAIRS,
			&a->queues);
}

static int
arg_mtu(const char *key, const char *val, void *opaque)
{
	struct avq_args *a = opaque;

	/* virtio 1.2, 5.1.4.1: at least 68; 9000: the bus's limit. */
	return arg_uint(a, key, val != NULL ? val : "", RTE_ETHER_MIN_MTU, 9000,
			&a->mtu);
}

static int
arg_ring_size(const char *key, const char *val, void *opaque)
{
	struct avq_args *a = opaque;
	int ret;

	ret = arg_uint(a, key, val != NULL ? val : "", AVQ_RING_MIN,
		       AVQ_RING_MAX, &a->ring_size);
	if (ret == 0 && !rte_is_power_of_2(a->ring_size)) {
		AVQ_NET_LOG(ERR, a->port, "bad %s '%s' (a power of two)", key, val);
		ret = -EINVAL;
	}
	return ret;
}

static int
arg_rx_post(const char *key, const char *val, void *opaque)
{
	struct avq_args *a = opaque;

	/* Above the ring size: the whole ring. */
	return arg_uint(a, key, val != NULL ? val : "", AVQ_RX_POST_MIN,
			AVQ_RING_MAX, &a->rx_post);
}

static int
args_parse(const char *args, struct avq_args *a)
{
	static const struct {
		const char *key;
		arg_handler_t fn;
	} handlers[] = {
		{ ARG_MGMT, arg_mgmt },
		{ ARG_MAC, arg_mac },
		{ ARG_QUEUES, arg_queues },
		{ ARG_MTU, arg_mtu },
		{ ARG_RING_SIZE, arg_ring_size },
		{ ARG_RX_POST, arg_rx_post },
	};
	struct rte_kvargs *kv;
	unsigned int i, k;
	int ret = 0;

	if (args == NULL || args[0] == '\0') {
		AVQ_NET_LOG(ERR, a->port, "missing %s=<management device>", ARG_MGMT);
		return -EINVAL;
	}
	/* Parsed without a key list, so that an unknown key can be named. */
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		AVQ_NET_LOG(ERR, a->port, "cannot parse '%s' (key=value,...)", args);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++) {
		for (k = 0; avq_valid_args[k] != NULL; k++)
			if (strcmp(kv->pairs[i].key, avq_valid_args[k]) == 0)
				break;
		if (avq_valid_args[k] == NULL) {
			AVQ_NET_LOG(ERR, a->port, "unknown key '%s' (mgmt, mac, queues, mtu, ring_size, rx_post)",
				    kv->pairs[i].key);
			ret = -EINVAL;
		}
	}
	for (i = 0; i < RTE_DIM(handlers) && ret == 0; i++)
		if (rte_kvargs_process(kv, handlers[i].key, handlers[i].fn, a) < 0)
			ret = -EINVAL;
	rte_kvargs_free(kv);
	if (ret == 0 && a->mgmt[0] == '\0') {
		AVQ_NET_LOG(ERR, a->port, "missing %s=<management device>", ARG_MGMT);
		ret = -EINVAL;
	}
	return ret;
}

/* ---- Ports ---- */

static int
port_create(struct rte_device *rdev, const char *name, struct rte_avq_vdev *v,
	    const char *vdev_name, uint16_t ring_size, uint16_t rx_post)
{
	struct rte_eth_dev *eth;
	struct avq_port *p;
	int socket = rdev->numa_node >= 0 ? rdev->numa_node : 0;
	int ret;

	eth = rte_eth_dev_allocate(name);
	if (eth == NULL) {
		AVQ_NET_LOG(ERR, name, "cannot allocate a port (name in use?)");
		return -ENOMEM;
	}
	p = rte_zmalloc_socket(name, sizeof(*p), RTE_CACHE_LINE_SIZE, socket);
	if (p == NULL) {
		ret = -ENOMEM;
		goto fail_release;
	}
	eth->data->dev_private = p;
	eth->device = rdev;
	eth->data->numa_node = socket;
	eth->dev_ops = &avq_eth_ops;
	eth->rx_pkt_burst = avq_recv_pkts;
	eth->tx_pkt_burst = avq_xmit_pkts;
	eth->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS |
				RTE_ETH_DEV_INTR_LSC;
	rte_strscpy(p->name, name, sizeof(p->name));
	p->eth = eth;
	p->v = v;
	p->id = v->id;
	p->aq = v->aq;
	p->engine = v->engine;
	p->t = v->transport;
	p->ring_size = ring_size;
	p->rx_post = rx_post;	/* 0: AVQ_RX_POST_AUTO */
	if (vdev_name != NULL) {
		p->owns_vdev = true;
		rte_strscpy(p->vdev_name, vdev_name, sizeof(p->vdev_name));
	}
	if (p->t == NULL || p->t->ops->dma_map == NULL ||
	    p->t->ops->dma_addr == NULL) {
		AVQ_NET_LOG(ERR, name, "transport without DMA windows");
		ret = -ENOTSUP;
		goto fail_release;
	}
	ret = avq_port_init(p);
	if (ret != 0)
		goto fail_release;
	rte_eth_dev_probing_finish(eth);
	return 0;

fail_release:
	/* Frees dev_private and mac_addrs; the caller destroys what it made. */
	rte_eth_dev_release_port(eth);
	return ret;
}

/* Stop and close the port named @p name, if it is still there. */
static int
port_remove(const char *name)
{
	struct rte_eth_dev *eth = rte_eth_dev_allocated(name);
	uint16_t port_id;

	if (eth == NULL)
		return 0;	/* closed already */
	port_id = eth->data->port_id;
	if (eth->data->dev_started)
		rte_eth_dev_stop(port_id);
	return rte_eth_dev_close(port_id);
}

/* ---- --vdev net_avqN ---- */

static int
avq_vdev_probe(struct rte_vdev_device *dev)
{
	const char *name = rte_vdev_device_name(dev);
	struct rte_avq_vdev_params vp;
	char vname[RTE_AVQ_NAME_LEN];
	struct rte_avq_vdev *v;
	struct avq_args a;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		AVQ_NET_LOG(ERR, name, "secondary processes are not supported");
		return -ENOTSUP;
	}
	memset(&a, 0, sizeof(a));
	a.port = name;
	ret = args_parse(rte_vdev_device_args(dev), &a);
	if (ret != 0)
		return ret;

	memset(&vp, 0, sizeof(vp));
	vp.cls = RTE_AVQ_VDEV_CLASS_NET;
	vp.mac = a.mac;
	vp.mtu = a.mtu;
	vp.queue_pairs = a.queues;
	/* This port drives it: no class driver is probed for it. */
	vp.flags = RTE_AVQ_VDEV_F_NO_PROBE;
	ret = rte_avq_vdev_create(a.mgmt, &vp, vname);
	if (ret != 0) {
		AVQ_NET_LOG(ERR, name, "cannot create a managed device on %s: %s",
			    a.mgmt, strerror(-ret));
		return ret;
	}
	v = rte_avq_vdev_lookup(vname);
	if (v == NULL) {
		ret = -ENODEV;
		goto fail_delete;
	}
	ret = port_create(&dev->device, name, v, vname, a.ring_size,
			  a.rx_post);
	if (ret != 0)
		goto fail_delete;
	return 0;

fail_delete:
	rte_avq_vdev_delete(vname);
	return ret;
}

static int
avq_vdev_remove(struct rte_vdev_device *dev)
{
	return port_remove(rte_vdev_device_name(dev));
}

static struct rte_vdev_driver avq_vdev_drv = {
	.probe = avq_vdev_probe,
	.remove = avq_vdev_remove,
};

RTE_PMD_REGISTER_VDEV(net_avq, avq_vdev_drv);
RTE_PMD_REGISTER_PARAM_STRING(net_avq,
	ARG_MGMT "=<name> "
	ARG_MAC "=<xx:xx:xx:xx:xx:xx> "
	ARG_QUEUES "=<1..128> "
	ARG_MTU "=<68..9000> "
	ARG_RING_SIZE "=<64..32768> "
	ARG_RX_POST "=<32..32768>");

/* ---- The avq bus's class driver ---- */

static int
avq_bus_probe(struct rte_avq_driver *drv, struct rte_avq_vdev *v)
{
	RTE_SET_USED(drv);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -ENOTSUP;
	return port_create(&v->device, v->device.name, v, NULL, 0, 0);
}

static int
avq_bus_remove(struct rte_avq_vdev *v)
{
	/* Never refused: the bus destroys the device right after. */
	return port_remove(v->device.name);
}

static struct rte_avq_driver avq_bus_drv = {
	.cls = RTE_AVQ_VDEV_CLASS_NET,
	.probe = avq_bus_probe,
	.remove = avq_bus_remove,
};

RTE_PMD_REGISTER_AVQ(net_avq_bus, avq_bus_drv);
RTE_LOG_REGISTER_DEFAULT(avq_net_logtype, NOTICE);
