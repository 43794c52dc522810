/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_ETHDEV_H
#define AVQ_ETHDEV_H

/*
 * net_avq internals shared by its .c files. Never installed.
 *
 *   avq_ethdev.c  eth_dev_ops: configure, start/stop/close/reset, link,
 *                 stats and xstats, MTU, MAC, rx modes, VLAN filter
 *   avq_probe.c   the two ways in (a `--vdev net_avq0,mgmt=sim0` port
 *                 that creates its managed device; the avq-bus class
 *                 driver of managed devices of class net), devargs
 *   avq_rxtx.c    split virtqueues (virtio 1.2, 2.7) on the driver side,
 *                 queue set-up and release, rx and tx bursts
 *   avq_mem.c     DMA windows over DPDK memory (shared per management
 *                 device) and the device MMU regions of a port
 *
 * Threads: the control path (ops, alarm) runs on any control thread and
 * talks to the device through the engine (thread-safe); each queue's
 * burst function runs on one lcore at a time, as ethdev requires.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include <pthread.h>

#include "bus_avq_driver.h"
#include "rte_avq_cmd.h"
#include "rte_avq_mmu.h"
#include "rte_avq_wire.h"

extern int avq_net_logtype;

/* Every message names the port ("net_avq0", "sim0.vd3"). */
#define AVQ_NET_LOG(level, name, fmt, ...)				\
	rte_log(RTE_LOG_ ## level, avq_net_logtype, "net_avq: %s: " fmt "\n", \
		(name), ##__VA_ARGS__)

/* Ring sizes: what the device accepts is read from it (VQ_SIZE_GET after
 * reset returns the maximum); these bound what the driver asks for. */
#define AVQ_RING_MIN		64u
#define AVQ_RING_DEFAULT	256u
#define AVQ_RING_MAX		32768u
/* Receive buffers are posted in batches of this many (one alloc_bulk). */
#define AVQ_RX_REFILL		32u
/* Receive buffers kept posted per queue. The devarg rx_post fixes the
 * number; without it the queue adapts its window (avq_rxtx.c, "posting
 * window"): the whole ring at start and whenever the driver finds the
 * device out of buffers, down to twice the most frames found waiting in
 * one poll (at least AVQ_RX_WIN_MIN) after AVQ_RX_WIN_EPOCH frames. Fewer
 * posted buffers circulate fewer, which keeps the ones the device writes
 * in its core's cache (doc/guides/nics/avq.rst, "rx_post"). */
#define AVQ_RX_POST_AUTO	0u
#define AVQ_RX_POST_MIN		AVQ_RX_REFILL
#define AVQ_RX_WIN_MIN		64u
#define AVQ_RX_WIN_EPOCH	4096u
#define AVQ_MAX_PAIRS		128u
/* Frames of one burst (larger bursts are cut). */
#define AVQ_BURST_MAX		64u
/* MAC filter tables (the device model holds 64 of each kind). */
#define AVQ_MAX_MAC		32u
#define AVQ_MAX_MC		32u

/* Features the driver accepts when the device offers them (virtio 1.2,
 * 5.1.3). CTRL_VLAN is not taken: tagged frames then pass until a VLAN is
 * added through NET_CTRL (see the guide). */
#define AVQ_NET_WANTED_FEATURES					\
	(RTE_BIT64(AVQ_F_VERSION_1) | RTE_BIT64(AVQ_F_ACCESS_PLATFORM) |	\
	 RTE_BIT64(AVQ_NET_F_MAC) | RTE_BIT64(AVQ_NET_F_MTU) |		\
	 RTE_BIT64(AVQ_NET_F_STATUS) | RTE_BIT64(AVQ_NET_F_MRG_RXBUF) |	\
	 RTE_BIT64(AVQ_NET_F_CTRL_VQ) | RTE_BIT64(AVQ_NET_F_MQ) |	\
	 RTE_BIT64(AVQ_NET_F_CTRL_RX) | RTE_BIT64(AVQ_NET_F_CTRL_MAC_ADDR) | \
	 RTE_BIT64(AVQ_NET_F_SPEED_DUPLEX))

/* Driver side of one split virtqueue, in one DMA allocation. */
struct avq_vring {
	struct avq_desc *desc;
	struct avq_avail *avail;
	struct avq_used *used;
	uint64_t desc_iova;
	uint64_t avail_iova;
	uint64_t used_iova;
	uint16_t size;
	uint16_t mask;
	uint16_t avail_idx;	/* next avail->idx to publish */
	uint16_t last_used;	/* used entries consumed */
	uint16_t nfree;		/* free descriptors */
	uint16_t free_head;	/* receive: first of the FIFO */
	uint16_t qidx;		/* virtqueue index on the device */
	uint16_t *free;		/* free descriptor ids: a stack (transmit),
				 * a FIFO from free_head (receive) */
	uint16_t *notify;	/* doorbell slot (VQ_NOTIFY_GET) */
	void (*wake)(void *ctx);	/* transport wake, or NULL */
	void *wake_ctx;
	void *mem;		/* the rte_zmalloc'd rings */
	size_t mem_len;
};

struct avq_rxq {
	struct avq_vring vr;
	struct rte_mbuf **sw;		/* mbuf posted at each descriptor */
	struct rte_mempool *mp;
	struct avq_port *port;
	uint16_t queue_id;
	uint16_t port_id;
	uint16_t nb_desc;		/* as asked at set-up */
	bool scatter;			/* multi-segment frames allowed */
	bool mrg;			/* MRG_RXBUF: num_buffers to read */
	uint32_t buf_max;		/* bytes a posted buffer takes */
	uint64_t mbuf_init;		/* rearm_data of a posted mbuf */
	/* Posting window (buffers): fixed (win_min == win_max) or adapted. */
	uint16_t win;
	uint16_t win_min;
	uint16_t win_max;
	uint16_t win_peak;		/* most frames waiting at one poll */
	uint32_t win_frames;		/* frames received in this epoch */
	uint64_t win_grows;		/* polls that found the device dry */
	/* Counters (this lcore only). */
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;		/* malformed used entries, frames dropped */
	uint64_t nombuf;
	uint64_t kicks;
};

struct avq_txq {
	struct avq_vring vr;
	struct rte_mbuf **sw;		/* mbuf of the chain at each head */
	uint16_t *next;			/* our copy of each descriptor's next */
	uint8_t *ndesc;			/* descriptors of the chain at a head */
	struct avq_net_hdr *hdrs;	/* one header per pair (DMA) */
	uint16_t half;			/* pairs: header descriptor half + k */
	uint64_t hdrs_iova;
	struct avq_port *port;
	uint16_t queue_id;
	uint16_t nb_desc;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;		/* frames refused (too many segments) */
	uint64_t kicks;
};

struct avq_dma;

/* A port (ethdev private data). */
struct avq_port {
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_dev *eth;
	struct rte_avq_vdev *v;
	uint64_t id;			/* managed device id */
	struct rte_avq_aq *aq;		/* engine view */
	struct rte_avq_engine *engine;
	const struct rte_avq_transport *t;
	struct rte_avq_dev *model;	/* sim transport only, else NULL */
	bool owns_vdev;			/* a --vdev port: delete it at close */
	char vdev_name[RTE_AVQ_NAME_LEN];
	uint64_t caps;			/* CAP_GET */
	bool net_ctrl;			/* class 67 announced */
	uint64_t dev_features;		/* offered */
	uint64_t features;		/* negotiated (while started) */
	uint16_t max_pairs;		/* max_virtqueue_pairs (MQ) or 1 */
	uint16_t max_vq_size;
	uint16_t dev_mtu;		/* config space mtu */
	uint16_t mtu;			/* as set */
	uint16_t ring_size;		/* devargs; 0: from nb_desc */
	uint16_t rx_post;		/* devargs: buffers posted per rx queue,
					 * AVQ_RX_POST_AUTO: adapted */
	uint16_t pairs;			/* in use */
	struct rte_ether_addr mac;	/* config space mac */
	bool started;
	bool faulted;			/* NEEDS_RESET seen, until a reset */
	bool link_up;
	bool alarm;			/* the link/fault alarm is armed */
	/* Config interrupt (link change, NEEDS_RESET): an MSI vector bound to
	 * an eventfd the EAL interrupt thread watches; kept from the first
	 * start to close. Without it, the alarm polls once a second. */
	struct rte_intr_handle *intr;
	int cfg_fd;			/* eventfd, or -1 */
	int cfg_vec;			/* vector of the management device, or -1 */
	bool cfg_intr;			/* programmed since the last start */
	bool cfg_in_cb;			/* avq_cfg_intr() runs ... */
	pthread_t cfg_cb_thread;	/* ... on this thread */
	bool vlan_filter;		/* RX_OFFLOAD_VLAN_FILTER configured */
	uint64_t faults;		/* device_faults xstat */
	uint64_t vlans[4096 / 64];	/* VLAN filter as set */
	struct rte_ether_addr mc[AVQ_MAX_MC];	/* set_mc_addr_list */
	uint32_t n_mc;
	struct avq_dma *dma;		/* DMA windows of the management device */
	struct rte_avq_mmu_region *mmu;	/* regions programmed in the MMU */
	unsigned int n_mmu;
};

static inline const char *
avq_port_name(const struct avq_port *p)
{
	return p->name;
}

/* ---- avq_ethdev.c ---- */

extern const struct eth_dev_ops avq_eth_ops;

/*
 * Whether the port's managed device (and so its management device) still
 * exists. A --vdev port's device is not bound to a driver on the avq bus,
 * so at exit the bus may destroy it (with its management device) before
 * the vdev bus removes the port; a bus-class port is always removed by the
 * bus first.
 */
bool avq_port_alive(struct avq_port *p);
/* Read the device (features, config, limits) into @p p: probe time. */
int avq_port_init(struct avq_port *p);
/* Reset the device and free everything of the port but the ethdev
 * itself (dev_close and failed probes). */
void avq_port_fini(struct avq_port *p);
/* Release the config interrupt (close, failed probe). */
void avq_cfg_intr_fini(struct avq_port *p);

/* ---- avq_rxtx.c ---- */

int avq_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket, const struct rte_eth_rxconf *conf,
		       struct rte_mempool *mp);
int avq_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket, const struct rte_eth_txconf *conf);
void avq_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void avq_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
/* Program queue @p q on the device (after its rings were cleared). */
int avq_rxq_start(struct avq_port *p, struct avq_rxq *q);
/* Bytes the device may write in one receive buffer (header and frame). */
uint32_t avq_rxq_buf_len(const struct avq_rxq *q);
int avq_txq_start(struct avq_port *p, struct avq_txq *q);
/* After the device was reset: give back every mbuf the rings held. */
void avq_rxq_stop(struct avq_rxq *q);
void avq_txq_stop(struct avq_txq *q);
/* Post receive buffers (up to the ring size); kicks. */
void avq_rxq_refill(struct avq_rxq *q);
uint16_t avq_recv_pkts(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t avq_xmit_pkts(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t avq_dummy_burst(void *q, struct rte_mbuf **pkts, uint16_t n);

/* ---- avq_mem.c ---- */

/*
 * Make every populated segment of DPDK memory reachable by the device
 * (DMA windows of the management device, shared by its ports and counted)
 * and fill p->mmu with the regions to program in the port's device MMU
 * (iova as the rings and mbufs use it -> DMA address). Called at each
 * start: memory added since is mapped then.
 */
int avq_mem_attach(struct avq_port *p);
/* Program p->mmu (batched) in ASID 0 of the device. */
int avq_mem_mmu_program(struct avq_port *p);
/* Drop the port's reference; the last one removes the windows (unless
 * @p gone: the management device, and its windows, no longer exist). */
void avq_mem_detach(struct avq_port *p, bool gone);
/* IOVA of @p va, the start of an rte_malloc'd block, as the device MMU
 * translates it. */
uint64_t avq_mem_iova(const void *va);

#endif /* AVQ_ETHDEV_H */
