/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_VDPA_H
#define AVQ_VDPA_H

/*
 * Internals of vdpa_avq shared by its files. Never installed.
 *   avq_vdpa.c      vDPA ops, probe/remove, kick relay, interrupts
 *   avq_vdpa_mem.c  memory table -> DMA windows + device MMU, by difference
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>
#include <rte_vhost.h>

#include "bus_avq_driver.h"
#include "rte_avq_mmu.h"
#include "rte_vdpa_avq.h"

extern int avq_vdpa_logtype;

#define AVQ_VDPA_LOG(level, name, fmt, ...)				\
	rte_log(RTE_LOG_ ## level, avq_vdpa_logtype, "vdpa_avq: %s: " fmt "\n", \
		(name), ##__VA_ARGS__)

#define AVQ_VDPA_MAX_VRINGS	(2 * 16 + 1)
#define AVQ_VDPA_NO_VECTOR	UINT32_MAX

struct avq_vdpa_vring {
	uint16_t size;
	bool set_up;			/* programmed on the device */
	bool enabled;			/* running on the device */
	uint16_t stop_avail;		/* where set_vring_state stopped it */
	uint16_t stop_used;
	int kickfd;
	uint32_t vector;		/* bound to the vring's callfd, or NO_VECTOR */
	uint64_t desc, driver, device;	/* ring addresses (guest-physical) */
	uint16_t *notify;		/* doorbell slot (VQ_NOTIFY_GET) */
	struct vring_used *used;	/* our mapping of the used ring */
};

/* What the device has of the frontend's memory. */
struct avq_vdpa_mem {
	struct rte_avq_mmu_region *mmu;	/* programmed in ASID 0, coalesced */
	unsigned int n_mmu;
	struct rte_avq_mmu_region *win;	/* DMA windows (dma, len, iova = va) */
	unsigned int n_win;
};

struct avq_vdpa {
	char name[RTE_AVQ_NAME_LEN];
	struct rte_avq_vdev *v;
	struct rte_vdpa_device *vdpa;
	const struct rte_avq_transport *t;
	uint64_t dev_features;		/* FEAT_DEVICE_GET */
	uint16_t max_vq_size;		/* VQ_SIZE_GET after reset */
	bool has_vq_state;		/* class 68 offered (CAP) */
	bool has_vq_stats;		/* class 70 offered (CAP) */
	uint16_t num_queues;		/* device queues: 2 * pairs + ctrl */
	pthread_mutex_t lock;		/* everything below */
	int vid;			/* attached vhost device, or -1 */
	bool configured;		/* DRIVER_OK through dev_conf */
	/* dev_close kept the device: DRIVER_OK, every queue stopped, the
	 * memory still mapped, for this vid and these features. */
	bool kept;
	int kept_vid;
	uint64_t kept_features;
	uint64_t features;		/* sent with FEAT_DRIVER_SET */
	uint16_t nr_vrings;
	struct avq_vdpa_vring vr[AVQ_VDPA_MAX_VRINGS];
	struct avq_vdpa_mem mem;
	uint32_t ncmd;			/* admin commands of this dev_conf */
	uint32_t stop_ncmd;		/* admin commands of the last dev_close */
	struct rte_vdpa_avq_conf_stats conf;
	/* Kick relay. */
	pthread_t relay;
	bool relay_on;
	int epfd;
	int stopfd;			/* eventfd: relay, stop */
	uint64_t relay_kicks;		/* kickfd kicks relayed (relay thread) */
	/* Host notifiers: rte_vhost_host_notifier_ctrl() runs on a thread of
	 * its own, never in a vhost-user message handler (it waits for the
	 * frontend's reply on the backend channel while the frontend may
	 * wait for ours). One request pending at most: the latest wins. */
	pthread_mutex_t ntf_lock;	/* the ntf_* fields */
	pthread_cond_t ntf_cond;
	pthread_t ntf_thread;
	bool ntf_started;
	bool ntf_quit;
	bool ntf_pending;
	bool ntf_enable;		/* of the pending request */
	int ntf_vid;			/* of the pending request */
	int ntf_busy_vid;		/* vhost device being served, or -1 */
	bool notifiers;			/* the frontend accepted them (ntf_lock) */
};

/* avq_vdpa_mem.c */

/*
 * Make the device's view of the frontend's memory @p mem: DMA windows and
 * device-MMU mappings (iova = guest-physical address). With @p diff the
 * windows and mappings already there are compared with the new table and
 * only the difference is sent (rte_avq_mmu_update()); otherwise everything
 * is mapped afresh (the device MMU must be empty). Fills the memory fields
 * of a->conf. On failure a->mem holds exactly the windows still mapped and
 * the device MMU is undefined: reset the device, then avq_vdpa_mem_release().
 */
int avq_vdpa_mem_apply(struct avq_vdpa *a, const struct rte_vhost_memory *mem,
		       bool diff);

/* Remove every DMA window; with @p unmap_mmu also every device-MMU mapping
 * (not needed after a reset, which clears the device MMU). */
void avq_vdpa_mem_release(struct avq_vdpa *a, bool unmap_mmu);

#endif /* AVQ_VDPA_H */
