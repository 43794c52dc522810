/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_DEV_H
#define RTE_AVQ_DEV_H

/**
 * @file
 * avq device model: a software management device.
 *
 * A management device offers VIRTIO_F_ADMIN_VQ and one or more admin
 * virtqueues (AQ). It executes every RFC admin class (seed 000) plus the
 * avq extensions, on its own thread, reading the AQ split rings from driver
 * memory reached only through registered DMA windows.
 *
 * Threading: all device state is owned by the device thread. Every function
 * here that changes or inspects that state is executed on the device thread
 * (the caller blocks until it ran), or inline when the thread is not
 * running. The AQ data path itself (rings, kicks) needs no call at all.
 *
 * Errors: functions return 0 or a negative errno; rte_avq_dev_create()
 * returns NULL and sets rte_errno.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque management device. */
struct rte_avq_dev;

/** What the device thread does when it has no work. */
enum rte_avq_dev_idle {
	/** Spin for poll_us, then block until kicked (default). */
	RTE_AVQ_DEV_IDLE_ADAPTIVE = 0,
	/** Never block: lowest latency, burns a core. */
	RTE_AVQ_DEV_IDLE_POLL,
	/** Block as soon as there is no work. */
	RTE_AVQ_DEV_IDLE_BLOCK,
};

/** Limits of the model. */
#define RTE_AVQ_DEV_MAX_AQS		16
#define RTE_AVQ_DEV_MAX_VDEVS		65535
#define RTE_AVQ_DEV_MAX_VECTORS		2048
#define RTE_AVQ_DEV_NAME_LEN		32

/** Creation parameters; rte_avq_dev_params_init() fills the defaults. */
struct rte_avq_dev_params {
	char name[RTE_AVQ_DEV_NAME_LEN];	/**< for logs and the thread */
	uint16_t num_aqs;		/**< admin queues (1..16), default 1 */
	uint16_t max_aq_size;		/**< AQ entries, power of two, default 256 */
	uint32_t max_vdevs;		/**< managed devices at once, default 64 */
	uint16_t max_vq_pairs;		/**< per managed net device, default 8 */
	uint16_t max_vq_size;		/**< per managed-device vq, default 1024 */
	uint32_t max_vectors;		/**< interrupt vectors, default 256 */
	uint32_t max_asids;		/**< ASIDs with mappings per device, default 8 */
	uint32_t max_mappings;		/**< mappings per ASID, default 65536 */
	uint64_t net_features;		/**< offered by managed net devices; 0: default set */
	bool strict;			/**< acks only 0/1 (RFC drivers) */
	bool regcap;			/**< present seed 003's register capability */
	bool pasid;			/**< present the PASID capability, default true */
	bool mmu_batch;			/**< offer the MMU_BATCH extension, default true */
	bool multi;			/**< offer the MULTI extension, default true */
	bool net_ctrl;			/**< offer the NET_CTRL extension (class 67,
					 * seed 001), default true */
	enum rte_avq_dev_idle idle;	/**< idle strategy */
	uint32_t poll_us;		/**< ADAPTIVE: spin this long, default 200 */
	/** A sleeping thread also wakes after this long (1..60000 ms, default
	 * 100): doorbells of managed devices are seen without a kick. */
	uint32_t idle_timeout_ms;
	int cpu;			/**< pin the device thread; -1: any online CPU
					 * (not the creating lcore's own) */
};

/** Fill @p p with the defaults. */
void rte_avq_dev_params_init(struct rte_avq_dev_params *p);

/**
 * Create a management device. The device thread is not started.
 * @return the device, or NULL with rte_errno set (EINVAL: a parameter is out
 *   of range, the log says which; ENOMEM).
 */
struct rte_avq_dev *rte_avq_dev_create(const struct rte_avq_dev_params *p);

/** Stop the thread (if running), destroy every managed device, free. */
void rte_avq_dev_destroy(struct rte_avq_dev *d);

/** Start the device thread. */
int rte_avq_dev_start(struct rte_avq_dev *d);

/** Stop the device thread; in-flight AQ work stays in the rings. */
int rte_avq_dev_stop(struct rte_avq_dev *d);

/** Name given at creation. */
const char *rte_avq_dev_name(const struct rte_avq_dev *d);

/** Features the management device offers (includes VIRTIO_F_ADMIN_VQ). */
uint64_t rte_avq_dev_features(const struct rte_avq_dev *d);

/** Features the managed virtio-net devices of @p d offer (fixed at
 * creation: params.net_features, or the model's default set). 0 if @p d is
 * NULL. */
uint64_t rte_avq_dev_net_features(const struct rte_avq_dev *d);

/** Features the management driver accepted (transport-level negotiation). */
int rte_avq_dev_driver_features_set(struct rte_avq_dev *d, uint64_t features);

/** Features the management driver accepted (0 until it set them). */
uint64_t rte_avq_dev_driver_features(const struct rte_avq_dev *d);

/**
 * Admin queue limits given at creation (what a transport reports to the
 * driver before any AQ exists). Either pointer may be NULL.
 * @return 0; -EINVAL if @p d is NULL.
 */
int rte_avq_dev_aq_limits(const struct rte_avq_dev *d, uint16_t *num_aqs,
			  uint16_t *max_aq_size);

/**
 * Make [dma, dma + len) reachable by the device; it is backed by @p va.
 * The device touches no driver memory outside its DMA windows.
 * @return 0; -EINVAL (len 0, wrap); -EEXIST (overlaps a window); -ENOSPC.
 */
int rte_avq_dev_dma_map(struct rte_avq_dev *d, uint64_t dma, uint64_t len,
			void *va);

/** Remove the window that starts at @p dma with length @p len. -ENOENT. */
int rte_avq_dev_dma_unmap(struct rte_avq_dev *d, uint64_t dma, uint64_t len);

/**
 * Program admin queue @p aq (driver-side addresses are DMA addresses).
 * The queue must be disabled. @return -ERANGE (aq, size), -EINVAL (align).
 */
int rte_avq_dev_aq_setup(struct rte_avq_dev *d, uint16_t aq, uint16_t size,
			 uint64_t desc, uint64_t avail, uint64_t used);

/** Enable (1) or disable (0) admin queue @p aq. Disable resets its indices. */
int rte_avq_dev_aq_enable(struct rte_avq_dev *d, uint16_t aq, bool on);

/**
 * Doorbell of admin queue @p aq. Drivers ring it only when the used ring
 * does not carry VRING_USED_F_NO_NOTIFY (virtio 2.7.10). Lock-free, any
 * thread.
 */
void rte_avq_dev_aq_kick(struct rte_avq_dev *d, uint16_t aq);

/**
 * Eventfd the device writes after adding used entries to admin queue
 * @p aq, unless the driver set VRING_AVAIL_F_NO_INTERRUPT; -1 to unbind.
 */
int rte_avq_dev_aq_call_fd(struct rte_avq_dev *d, uint16_t aq, int fd);

/**
 * Bind interrupt vector @p vector to eventfd @p fd (-1 unbinds). On software
 * transports an MSI address names a vector (see the protocol guide).
 */
int rte_avq_dev_vector_bind(struct rte_avq_dev *d, uint32_t vector, int fd);

/** What a vector has delivered. */
struct rte_avq_dev_vector_info {
	uint64_t count;		/**< interrupts delivered */
	uint32_t last_data;	/**< MSI data of the last one */
	int fd;			/**< bound eventfd or -1 */
};

/** Read what vector @p vector delivered. */
int rte_avq_dev_vector_info(struct rte_avq_dev *d, uint32_t vector,
			    struct rte_avq_dev_vector_info *info);

/**
 * Device-side event: set the link of managed net device @p id. Changes the
 * config space, bumps the generation and raises the config interrupt.
 */
int rte_avq_dev_net_link_set(struct rte_avq_dev *d, uint64_t id, bool up);

/**
 * Device-side event: the device used buffers of queue @p q of managed
 * device @p id and raises its interrupt (MSI rules: enable, mask, pending).
 */
int rte_avq_dev_vq_interrupt(struct rte_avq_dev *d, uint64_t id, uint16_t q);

/**
 * Device-side DMA of managed device @p id on behalf of queue @p q, through
 * the device MMU (when enabled) and the DMA windows, as the data path does.
 * A failed translation sets DEVICE_MMU_FAIL | DEVICE_NEEDS_RESET, records
 * the error for MMU_ERR_GET and raises the config interrupt.
 * @param write  true: copy @p buf to the device memory; false: read into it.
 * @return 0, -EFAULT (translation failed), -ENOENT (no such device).
 */
int rte_avq_dev_vdev_dma(struct rte_avq_dev *d, uint64_t id, uint16_t q,
			 uint64_t iova, void *buf, uint32_t len, bool write);

/** Per managed device counters (what a management console would show). */
struct rte_avq_dev_vdev_info {
	uint64_t id;
	uint32_t virtio_type;
	uint8_t status;
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t generation;
	uint16_t num_queues;
	bool mmu_enabled;
	uint32_t mmu_mappings;		/**< over all ASIDs */
	uint64_t notifies[64];		/**< doorbells consumed, per queue (first 64) */
	uint64_t notifies_ignored;	/**< doorbells on disabled queues or bad values */
	uint64_t notify_area;		/**< base address of its notify area */
	uint64_t notify_area_size;
};

/** Information on managed device @p id. -ENOENT. */
int rte_avq_dev_vdev_info(struct rte_avq_dev *d, uint64_t id,
			  struct rte_avq_dev_vdev_info *info);

/**
 * Ids of the live managed devices, ascending.
 * @return how many exist (may exceed @p n; only @p n are written).
 */
int rte_avq_dev_vdev_list(struct rte_avq_dev *d, uint64_t *ids, unsigned int n);

/** Device-wide counters. */
struct rte_avq_dev_stats {
	uint64_t commands;		/**< AQ commands executed */
	uint64_t commands_failed;	/**< with a non-zero ack */
	uint64_t chains_malformed;	/**< chains that could not be parsed */
	uint64_t vdevs_created;
	uint64_t vdevs_destroyed;
	uint32_t vdevs_live;
	uint64_t wakeups;		/**< times the idle thread was woken */
	uint64_t interrupts;		/**< vector deliveries */
	uint64_t interrupts_lost;	/**< to unbound vectors */
	uint64_t busy_ns;		/**< thread time spent with work */
	uint64_t faults_dropped;	/**< completions dropped by injection */
	uint64_t faults_failed;		/**< commands failed by injection */
	uint64_t cpu_ns;		/**< CPU time the device thread consumed */
};

/** Read the device-wide counters. */
int rte_avq_dev_stats_get(struct rte_avq_dev *d, struct rte_avq_dev_stats *s);

/** One executed command, as the device saw it. */
struct rte_avq_dev_trace_entry {
	uint64_t seq;		/**< 1, 2, ... */
	uint64_t device_id;
	uint32_t out_len;	/**< command-out-data bytes */
	uint32_t in_len;	/**< command-in-data bytes written */
	uint16_t aq;
	uint16_t class_id;
	uint16_t command;
	uint8_t ack;		/**< as written (after strict mapping) */
	uint8_t malformed;	/**< 1: header unreadable, ack from chain checks */
};

#define RTE_AVQ_DEV_TRACE_LEN 1024

/**
 * Copy up to @p n trace entries with seq > @p after, oldest first.
 * The device keeps the last RTE_AVQ_DEV_TRACE_LEN.
 * @return number copied.
 */
int rte_avq_dev_trace_read(struct rte_avq_dev *d, uint64_t after,
			   struct rte_avq_dev_trace_entry *e, unsigned int n);

/**
 * Fault injection: what a misbehaving device does, to test drivers and
 * engines against it. Applies to every admin queue of the device.
 */
struct rte_avq_dev_fault {
	uint32_t delay_us;	/**< hold every completion this long */
	uint32_t reorder;	/**< hold completions in groups of this many
				 * (released after 2 ms at the latest) and
				 * complete each group in reverse order; 0, 1: off */
	uint32_t drop_every;	/**< execute but never complete every Nth
				 * command (its chain is never returned); 0: off */
	int32_t fail_class;	/**< commands of this class ... */
	int32_t fail_command;	/**< ... and this command (-1: any) ... */
	uint8_t fail_ack;	/**< ... are not executed and get this ack;
				 * 0 (or fail_class -1): no command fails, so a
				 * zeroed struct injects no fault at all */
	bool stall;		/**< process no admin queue until cleared */
};

/** Install fault injection @p f (NULL: clear every fault). Held completions
 * are released when a fault is cleared. */
int rte_avq_dev_fault_set(struct rte_avq_dev *d, const struct rte_avq_dev_fault *f);

/* Seed 003: virtio-pci management device capability (register interface).
 * Present only with params.regcap, and only if params.pasid (seed 003: the
 * device MUST NOT present it without the PASID capability).
 */

/** virtio-pci capability types (cfg_type). */
#define RTE_AVQ_PCI_CAP_COMMON_CFG	1
#define RTE_AVQ_PCI_CAP_NOTIFY_CFG	2
#define RTE_AVQ_PCI_CAP_ISR_CFG		3
#define RTE_AVQ_PCI_CAP_DEVICE_CFG	4
#define RTE_AVQ_PCI_CAP_PASID		11
#define RTE_AVQ_PCI_CAP_MANAGED_DEV_CFG	12

/** Register offsets within the managed-device capability body. */
#define RTE_AVQ_MGMT_REG_NUM_DEVICES	0	/* u32, RO */
#define RTE_AVQ_MGMT_REG_DEVICE_SELECT	4	/* le32, RW */
#define RTE_AVQ_MGMT_REG_CONFIG_SELECT	8	/* le32, RW */
#define RTE_AVQ_MGMT_REG_CONFIG		12	/* u8[256], RW */
#define RTE_AVQ_MGMT_REG_CREATE		268	/* u8, RW: 1 create, 0 destroy */
#define RTE_AVQ_MGMT_REG_CREATE_OK	269	/* u8, RO */
#define RTE_AVQ_MGMT_REG_SIZE		270

/** create_ok values (seed 003). */
#define RTE_AVQ_MGMT_OK			0
#define RTE_AVQ_MGMT_ID_DUP		1
#define RTE_AVQ_MGMT_INVALID_CFG	2

/**
 * Whether the device presents virtio-pci capability @p cfg_type.
 * @return 1 present, 0 absent.
 */
int rte_avq_dev_pci_cap_present(struct rte_avq_dev *d, uint8_t cfg_type);

/** Read @p len (1, 2 or 4) bytes of the managed-device capability. */
int rte_avq_dev_mgmt_reg_read(struct rte_avq_dev *d, uint32_t off,
			      uint32_t len, uint32_t *val);

/** Write @p len (1, 2 or 4) bytes of the managed-device capability. */
int rte_avq_dev_mgmt_reg_write(struct rte_avq_dev *d, uint32_t off,
			       uint32_t len, uint32_t val);

/** Reset the management device's register interface (device_select = 0). */
int rte_avq_dev_mgmt_reg_reset(struct rte_avq_dev *d);

/* ------------------------------------------------------------------ */
/* Datapath: virtio-net device side and the embedded switch            */
/* (issue 5; everything below this line is new API)                    */
/* ------------------------------------------------------------------ */

/*
 * The device thread runs the split virtqueues (virtio 1.2, 2.7) of every
 * managed net device at DRIVER_OK: queue 2i receives (rx i), 2i + 1
 * transmits (tx i), and the control queue is 2 * max_virtqueue_pairs with
 * VIRTIO_NET_F_MQ, 2 without (virtio 1.2, 5.1.2). The rx filter starts
 * promiscuous (as QEMU's: a driver without CTRL_RX cannot open it). Frames go
 * through one embedded switch per process, shared by every management
 * device: a learning switch whose ports are the managed net devices at
 * DRIVER_OK and the uplinks (rte_avq_dev_uplink_set()). It needs EAL: the
 * packet buffers are mbufs of a mempool the model creates when the first
 * port joins.
 *
 * A driver that breaks the ring rules (a buffer outside its mappings, a
 * write into a read-only mapping, a descriptor loop, an index out of range,
 * a length that wraps or exceeds 64 KiB plus the header, an avail index
 * more than a ring ahead) gets its device faulted: DEVICE_NEEDS_RESET (and
 * DEVICE_MMU_FAIL with the MMU_ERR_GET record for a translation or
 * permission failure), a config interrupt, and no more processing until it
 * resets. Nothing outside the mappings is ever read or written, and every
 * other device keeps running.
 */

/** Counters of one virtqueue of a managed net device. */
struct rte_avq_dev_vq_stats {
	/** rx: frames written to the driver; tx: frames taken from the ring
	 * and switched; control: commands executed. */
	uint64_t packets;
	/** Frame bytes of those packets (without the virtio-net header). */
	uint64_t bytes;
	/** rx: frames for this queue that were not written (no buffers past
	 * the backlog, too large for one chain without MRG_RXBUF, link down,
	 * queue disabled); tx: frames taken but not switched (link down, no
	 * packet buffer). */
	uint64_t drops;
	/** tx: malformed frames taken and dropped (shorter than an Ethernet
	 * header, longer than the MTU allows, offloads that were not
	 * negotiated, more pieces than the device gathers); control: commands
	 * acknowledged with VIRTIO_NET_ERR. */
	uint64_t errors;
	/** Interrupts raised after used-ring updates (at most one per pass). */
	uint64_t interrupts;
	/** Buffer translations looked up in the device MMU because the
	 * queue's translation cache did not hold them. */
	uint64_t translations;
};

/**
 * Read the counters of queue @p q of managed net device @p id.
 * @return 0; -ENOENT (no such device); -ERANGE (no such queue); -ENOTSUP
 *   (not a net device); -EINVAL.
 */
int rte_avq_dev_vq_stats(struct rte_avq_dev *d, uint64_t id, uint16_t q,
			 struct rte_avq_dev_vq_stats *stats);

/**
 * Zero the counters of every queue of managed net device @p id and its
 * device-level counters (struct rte_avq_dev_net_stats, except the state
 * fields). @return 0, -ENOENT, -ENOTSUP, -EINVAL.
 */
int rte_avq_dev_vq_stats_reset(struct rte_avq_dev *d, uint64_t id);

/** Why the datapath faulted a managed device (last_fault). */
enum rte_avq_dev_fault_reason {
	/** No fault since the counters were reset. */
	RTE_AVQ_DEV_FAULT_NONE = 0,
	/** Translation or permission failure: see MMU_ERR_GET. */
	RTE_AVQ_DEV_FAULT_MMU,
	/** avail->idx more than the ring size ahead of the device. */
	RTE_AVQ_DEV_FAULT_AVAIL_IDX,
	/** An avail ring entry names a descriptor beyond the ring. */
	RTE_AVQ_DEV_FAULT_HEAD,
	/** A descriptor's next is beyond the ring. */
	RTE_AVQ_DEV_FAULT_NEXT,
	/** A chain longer than the ring: a descriptor loop. */
	RTE_AVQ_DEV_FAULT_CHAIN_LOOP,
	/** addr + len of a descriptor wraps around 2^64. */
	RTE_AVQ_DEV_FAULT_ADDR_WRAP,
	/** A transmit chain longer than 64 KiB plus the virtio-net header. */
	RTE_AVQ_DEV_FAULT_TOO_LONG,
	/** Descriptor kinds in the wrong place: writable in a transmit
	 * chain, readable in a receive chain or after a writable one,
	 * INDIRECT (not offered), a control command with no ack byte. */
	RTE_AVQ_DEV_FAULT_LAYOUT,
	/** A ring area is not contiguous in memory the model can reach. */
	RTE_AVQ_DEV_FAULT_RING,
};

/** Device-level datapath state and counters of a managed net device. */
struct rte_avq_dev_net_stats {
	uint64_t faults;		/**< times the datapath faulted it */
	uint32_t last_fault;		/**< enum rte_avq_dev_fault_reason */
	uint16_t last_fault_queue;	/**< queue of the last fault */
	uint16_t active_pairs;		/**< rx/tx pairs in use (CTRL_MQ) */
	bool in_switch;			/**< a port of the switch now */
	bool promisc;			/**< rx filter state (CTRL_RX) */
	bool allmulti;
	uint64_t rx_filtered;		/**< frames the rx filter refused */
	/** Frames other device threads could not hand over (its input ring
	 * was full: the device thread did not keep up). */
	uint64_t rx_overrun;
	uint32_t backlog;		/**< frames waiting for rx buffers now */
};

/** Read the device-level datapath state of managed net device @p id. */
int rte_avq_dev_net_stats(struct rte_avq_dev *d, uint64_t id,
			  struct rte_avq_dev_net_stats *stats);

/** Process-wide state of the embedded switch. */
struct rte_avq_dev_switch_info {
	uint32_t ports;		/**< ports in the switch (devices, uplinks) */
	uint32_t macs;		/**< learned MAC addresses */
	bool buffers;		/**< its packet-buffer mempool exists */
};

/** Read the embedded switch's state (lock-free, any thread). */
int rte_avq_dev_switch_info(struct rte_avq_dev_switch_info *info);

/**
 * Make DPDK ethdev port @p port_id the uplink of management device @p d:
 * its device thread polls rx queue 0 and sends on tx queue 0, and the port
 * is a port of the switch (no rx filter). -1 removes the uplink. The caller
 * configures and starts the port before, keeps it started while it is the
 * uplink, and removes it (-1, or destroying @p d) before stopping it; no
 * other thread may use its queue 0. Frames the switch sends on it are
 * mbufs of the model's mempool, which goes with the last management
 * device: stop the port before destroying that one. A sleeping device
 * thread polls the uplink every millisecond.
 * @return 0; -ENODEV (not a valid port); -EBUSY (the uplink of another
 *   management device); -ENOSPC, -ENOMEM; -EINVAL.
 */
int rte_avq_dev_uplink_set(struct rte_avq_dev *d, int port_id);

/**
 * Wake the device thread of @p d if it sleeps. A software transport calls
 * it after writing a managed device's doorbell (the notify area is plain
 * memory: a sleeping thread would only see it at its idle timeout).
 * Lock-free, any thread; costs a fence and a load when the thread is awake.
 */
void rte_avq_dev_wake(struct rte_avq_dev *d);

/** Longest a device thread sleeps while a host notifier may be written. */
#define RTE_AVQ_DEV_NOTIFIER_POLL_MS	1

/**
 * The mmap-able file behind a managed device's doorbell: @p notify_addr is
 * an address inside the notify area of one of its queues (VQ_NOTIFY_GET).
 * Every managed device has its notify area in a memfd of its own, one page
 * per queue, so a driver can offer a queue's page to another process (a
 * vhost-user frontend's host notifier), which rings the doorbell by storing
 * the queue index (le16) at the page's start without calling
 * rte_avq_dev_wake(). From this call on, while that managed device is at
 * DRIVER_OK with a queue enabled, its device thread sleeps at most
 * RTE_AVQ_DEV_NOTIFIER_POLL_MS, so such a doorbell is seen within that
 * time; a device whose fd never went out keeps its idle timeout.
 *
 * @param fd
 *   Set to the fd; it stays the model's (valid until the managed device is
 *   destroyed; dup() it to keep it longer, never close it).
 * @param offset
 *   Set to the offset in @p fd of the page holding @p notify_addr.
 * @param size
 *   Set to the page's size (4096).
 * @return 0; -EINVAL (a NULL argument); -ENOENT (no managed device's
 *   notify area holds @p notify_addr).
 */
int rte_avq_dev_notify_fd(struct rte_avq_dev *d, uint64_t notify_addr,
			  int *fd, uint64_t *offset, uint64_t *size);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_DEV_H */
