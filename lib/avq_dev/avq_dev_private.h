/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef AVQ_DEV_PRIVATE_H
#define AVQ_DEV_PRIVATE_H

/*
 * Internals of the device model. Never installed.
 *
 * Ownership: every structure below is read and written only by the device
 * thread (or by the caller while the thread is stopped), see avq_dev_ctl_call().
 * The only state shared with other threads without that call is the AQ
 * kick (an eventfd plus an atomic flag), the notify areas (driver writes,
 * device consumes with an atomic exchange), and the embedded switch, which
 * every device thread of the process uses (avq_dev_dp.h says how).
 */

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include <rte_log.h>

#include "rte_avq_wire.h"
#include "rte_avq_dev.h"

extern int avq_dev_logtype;
#define AVQ_DEV_LOG(level, d, fmt, ...)					\
	rte_log(RTE_LOG_ ## level, avq_dev_logtype, "avq_dev %s: " fmt "\n", \
		(d)->params.name, ##__VA_ARGS__)

/* ---- DMA windows (management device level) ---- */

#define AVQ_DEV_MAX_WINDOWS 256

struct avq_dma_window {
	uint64_t dma;
	uint64_t len;
	uint8_t *va;
};

/* ---- Admin queues (device side of a split ring) ---- */

struct avq_dev_aq {
	uint16_t size;			/* 0: not set up */
	bool enabled;
	uint64_t desc_dma, avail_dma, used_dma;
	struct avq_desc *desc;		/* resolved through the windows at enable */
	struct avq_avail *avail;
	struct avq_used *used;
	uint16_t last_avail;		/* next avail entry to consume */
	uint16_t used_idx;		/* next used entry to write */
	int kick_fd;			/* eventfd, always open */
	int call_fd;			/* -1: none */
	/* The DMA windows its last command and reply buffers were found
	 * in (hints for aq_va(), checked on every use): a driver keeps
	 * each kind in one area, often not the same one. */
	uint32_t win_rd;
	uint32_t win_wr;
};

/* ---- Device MMU (per managed device; avq_dev_mmu.c) ---- */

struct avq_mmu_mapping {
	uint64_t iova_start;		/* inclusive */
	uint64_t iova_end;		/* inclusive */
	uint64_t dma_start;
	uint32_t flags;			/* AVQ_MMU_F_* */
};

struct avq_mmu_as {
	uint64_t asid;
	bool used;
	uint32_t count;			/* sorted by iova_start, disjoint */
	uint32_t cap;
	struct avq_mmu_mapping *map;
};

struct avq_mmu {
	bool enabled;
	uint32_t num_as;		/* entries of as[] in use */
	struct avq_mmu_as *as;		/* max_asids entries */
	struct avq_mmu_err err;		/* first failure since reset (wire layout) */
	bool err_valid;
	/* Bumped by every change of what a translation may return (enable,
	 * ASID_SET, MAP, UNMAP, reset): the datapath drops its cached
	 * translations when it moves. */
	uint32_t gen;
};

/* ---- Interrupts ---- */

struct avq_msi {
	uint64_t addr;			/* vector number on software transports */
	uint32_t data;
	bool addr_set;
	bool enabled;
	bool masked;
	bool pending;
};

struct avq_vector {
	int fd;
	uint64_t count;
	uint32_t last_data;
};

/* ---- Managed device ---- */

struct avq_vdev_vq {
	uint16_t size;			/* current size; reset: max */
	bool enabled;
	bool addr_set;
	uint64_t desc, avail, used;	/* IOVAs (or DMA with MMU off) */
	uint64_t asid;
	struct avq_msi msi;
	uint64_t notifies;
	uint16_t avail_seen;		/* last avail->idx read on a doorbell */
	/* Bumped by reset, VQ_ENABLE, VQ_ADDR and VQ_SIZE: the datapath
	 * starts the queue afresh when it moves. */
	uint32_t gen;
};

struct avq_vdev;

/* Per device type operations (avq_dev_net.c is the first). */
struct avq_vdev_type {
	uint32_t virtio_type;
	const char *name;
	/* Parse VDEV_CREATE config[]; fill v->config, v->num_queues, features. */
	uint8_t (*create)(struct rte_avq_dev *d, struct avq_vdev *v,
			  const uint8_t *cfg, uint32_t len);
	/* CONFIG_SET: validate and apply; return an ack. */
	uint8_t (*config_write)(struct avq_vdev *v, uint32_t off,
				const uint8_t *data, uint32_t len);
	/* STATUS 0: device-type part of the reset (datapath state). */
	void (*reset)(struct avq_vdev *v);
	void (*destroy)(struct avq_vdev *v);
	/* DRIVER_OK was just set (rings checked): start the datapath. */
	void (*driver_ok)(struct avq_vdev *v);
};

#define AVQ_VDEV_CONFIG_MAX 256

struct avq_vdev {
	uint64_t id;
	const struct avq_vdev_type *type;
	struct rte_avq_dev *dev;
	uint8_t status;
	uint64_t device_features;
	uint64_t driver_features;
	uint32_t generation;
	uint32_t config_len;
	uint8_t config[AVQ_VDEV_CONFIG_MAX];
	uint16_t num_queues;
	uint16_t max_queue_size;
	struct avq_vdev_vq *vq;		/* num_queues entries */
	struct avq_msi config_msi;
	struct avq_mmu mmu;
	/* Notify area: one page per queue, a shared mapping of a memfd of
	 * its own so that a driver may hand a page to a frontend as a host
	 * notifier (rte_avq_dev_notify_fd()). Each page holds a le16 slot;
	 * 0xffff means "no doorbell pending". */
	uint8_t *notify;
	size_t notify_len;
	int notify_fd;
	/* The fd went out: doorbells may come with no wake (device thread). */
	bool notify_exported;
	uint64_t notifies_ignored;
	void *type_priv;
};

#define AVQ_NOTIFY_STRIDE	4096u
#define AVQ_NOTIFY_IDLE		0xffffu

/* ---- Management device ---- */

struct avq_trace_ring {
	uint64_t seq;			/* last written */
	struct rte_avq_dev_trace_entry e[RTE_AVQ_DEV_TRACE_LEN];
};

struct avq_regcap {
	uint32_t device_select;
	uint32_t config_select;
	uint8_t config[256];
	uint8_t create_ok;
};

typedef int (*avq_ctl_fn)(struct rte_avq_dev *d, void *arg);

/* ---- Fault injection (avq_dev_fault.c) ---- */

/* A completion that is not written yet: used elem {id, len} of AQ @c aq. */
struct avq_held {
	uint64_t release_ns;		/* CLOCK_MONOTONIC; 0: due now */
	uint32_t len;
	uint16_t aq;
	uint16_t id;
};

struct avq_fault_state {
	struct rte_avq_dev_fault f;	/* installed; fail_class -1 when off */
	bool active;			/* any fault set, or completions held */
	uint64_t seen;			/* completions since install (drop_every) */
	/* Both arrays have cap entries (num_aqs * max_aq_size: a driver
	 * that follows virtio 2.7.13 never has more chains outstanding);
	 * allocated when delay or reorder is first installed. */
	uint32_t cap;
	struct avq_held *stage;		/* FIFO ring: released in this order */
	uint32_t stage_head;
	uint32_t stage_n;
	struct avq_held *grp;		/* reorder group, arrival order */
	uint32_t grp_n;
	uint64_t grp_first_ns;		/* arrival of grp[0] */
};

/* What to do with a completion (avq_fault_stage()). */
enum avq_stage {
	AVQ_STAGE_NOW,			/* write the used entry now */
	AVQ_STAGE_HELD,			/* held; written later */
	AVQ_STAGE_DROPPED,		/* never written */
};

struct rte_avq_dev {
	struct rte_avq_dev_params params;
	uint64_t features;		/* offered (ADMIN_VQ, VERSION_1, ...) */
	uint64_t driver_features;

	struct avq_dma_window win[AVQ_DEV_MAX_WINDOWS];
	uint32_t num_win;		/* sorted by dma */

	struct avq_dev_aq aq[RTE_AVQ_DEV_MAX_AQS];

	/* Managed devices: sorted by id (ids grow, never reused). */
	struct avq_vdev **vdevs;
	uint32_t num_vdevs;
	uint64_t last_id;		/* highest id ever assigned */

	struct avq_vector *vectors;	/* max_vectors */

	struct avq_regcap reg;
	struct avq_trace_ring trace;
	struct rte_avq_dev_stats stats;
	uint64_t busy_cycles;		/* TSC cycles of passes with work */
	struct avq_fault_state fault;

	/* Device thread. */
	pthread_t thread;
	bool running;
	bool stop_req;			/* atomic */
	int epfd;
	int ctl_fd;			/* eventfd: control call pending */
	/* Control calls: serialized by ctl_lock (control path only; the AQ
	 * path never takes it). */
	pthread_mutex_t ctl_lock;
	avq_ctl_fn ctl_fn;
	void *ctl_arg;
	int ctl_ret;
	uint32_t ctl_seq;		/* atomic: posted */
	uint32_t ctl_done;		/* atomic: completed */
	/* Set (atomic) while the thread is about to block: kickers must
	 * write the eventfd. */
	bool sleeping;
	/* Bumped when a DMA window goes or comes: host pointers the
	 * datapath cached are re-resolved. */
	uint32_t win_gen;
	/* Datapath context (avq_dev_dp.h); NULL: no switch, no traffic. */
	struct avq_dp_dev *dp;
};

/* ---- Command execution ---- */

/* Who a command may address. */
enum avq_target {
	AVQ_T_MGMT,		/* device_id must be 0 */
	AVQ_T_VDEV,		/* device_id must name a live managed device */
};

struct avq_cmd_ctx {
	struct rte_avq_dev *dev;
	/* In: the managed device of device_id if the caller has it, else
	 * NULL (avq_cmd_dispatch() looks it up). Out: that device, NULL
	 * for AVQ_T_MGMT. */
	struct avq_vdev *vdev;
	uint64_t device_id;
	uint16_t aq;
	uint16_t class_id;
	uint16_t command;
	const uint8_t *out;		/* command-out-data (after the header) */
	uint32_t out_len;
	uint8_t *in;			/* command-in-data to fill */
	uint32_t in_cap;		/* writable bytes after the ack */
	uint32_t in_len;		/* set by the handler */
};

typedef uint8_t (*avq_cmd_fn)(struct avq_cmd_ctx *c);

/* One row of the dispatch table (avq_dev_cmd.c). */
struct avq_cmd_desc {
	uint16_t class_id;
	uint16_t command;
	enum avq_target target;
	uint32_t min_out;		/* shorter out-data: INVAL */
	uint32_t max_out;		/* longer out-data: INVAL (UINT32_MAX: any) */
	uint32_t min_in;		/* smaller in-data buffer: INVAL */
	avq_cmd_fn fn;
	const char *name;
};

/* Handlers defined in avq_dev_mmu.c. */
uint8_t avq_cmd_mmu_enable(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_asid_set(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_map(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_unmap(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_err_get(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_resv_get(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_batch_map(struct avq_cmd_ctx *c);
uint8_t avq_cmd_mmu_batch_unmap(struct avq_cmd_ctx *c);

/* ---- Shared helpers ---- */

/* avq_dev_core.c */
int avq_dev_ctl_call(struct rte_avq_dev *d, avq_ctl_fn fn, void *arg);
struct avq_vdev *avq_dev_vdev_find(struct rte_avq_dev *d, uint64_t id);
/* Host pointer for [dma, dma+len) if it lies inside one window, else NULL. */
void *avq_dma_to_va(const struct rte_avq_dev *d, uint64_t dma, uint64_t len);
/* The window that holds @p dma, or NULL. */
const struct avq_dma_window *avq_dma_window(const struct rte_avq_dev *d,
					    uint64_t dma);
/* Deliver @p msi (enable/mask/pending rules). */
void avq_msi_raise(struct rte_avq_dev *d, struct avq_msi *msi);
/* Config change: bump generation, raise the config interrupt. */
void avq_vdev_config_changed(struct avq_vdev *v);
/* Full reset of a managed device (STATUS 0). */
void avq_vdev_reset(struct avq_vdev *v);
/* Create / destroy a managed device (AQ VDEV class and seed 003 registers).
 * @p cfg / @p len: the VDEV_CREATE out-data, i.e. struct avq_vdev_create
 * (le32 virtio type) followed by the type's config[] prefix.
 * @p id 0: assign the next id; else the caller's id, which must be above
 * every id ever assigned (ids are never reused): EXIST otherwise.
 * Returns an ack. */
uint8_t avq_vdev_create(struct rte_avq_dev *d, uint64_t id, const uint8_t *cfg,
			uint32_t len, uint64_t *out_id);
uint8_t avq_vdev_destroy(struct rte_avq_dev *d, uint64_t id);

/* avq_dev_mmu.c */
int avq_mmu_init(struct rte_avq_dev *d, struct avq_mmu *m);
void avq_mmu_reset(struct avq_mmu *m);	/* disable, drop mappings and error */
void avq_mmu_fini(struct avq_mmu *m);
uint32_t avq_mmu_count(const struct avq_mmu *m);
/*
 * Translate [iova, iova + len) of queue @p q for @p access (AVQ_MMU_F_READ
 * or AVQ_MMU_F_WRITE) to a host pointer: through the device MMU when it is
 * enabled, else iova is a DMA address; then through the DMA windows. On
 * failure: records the error (first one since reset), sets DEVICE_MMU_FAIL |
 * DEVICE_NEEDS_RESET, raises the config interrupt, returns NULL.
 */
void *avq_vdev_translate(struct avq_vdev *v, uint16_t q, uint64_t iova,
			 uint64_t len, uint32_t access);

/* avq_dev_regcap.c (seed 003) */
int avq_regcap_read(struct rte_avq_dev *d, uint32_t off, uint32_t len,
		    uint32_t *val);
int avq_regcap_write(struct rte_avq_dev *d, uint32_t off, uint32_t len,
		     uint32_t val);
void avq_regcap_reset(struct rte_avq_dev *d);
/* 1 if virtio-pci capability @p cfg_type is presented, else 0. */
int avq_regcap_present(const struct rte_avq_dev *d, uint8_t cfg_type);

/* avq_dev_net.c */
extern const struct avq_vdev_type avq_vdev_type_net;
uint64_t avq_net_default_features(void);

/* ---- Engine internals shared by core, aq, cmd and vdev ---- */

/* Readable bytes one AQ command may carry (header + out-data). */
#define AVQ_AQ_OUT_MAX		(sizeof(struct avq_cmd_hdr) + 65536u)
/* In-data bytes a handler may produce. */
#define AVQ_AQ_IN_MAX		65536u

/* Device-thread scratch for AQ commands (allocated per running thread). */
struct avq_aq_seg {
	uint8_t *va;
	uint32_t len;
};

struct avq_aq_scratch {
	uint8_t out[AVQ_AQ_OUT_MAX];
	uint8_t in[AVQ_AQ_IN_MAX];
	struct avq_aq_seg *wseg;	/* params.max_aq_size entries */
};

/* avq_dev_aq.c: record an executed command in the trace (sets te->seq). */
void avq_aq_trace(struct rte_avq_dev *d, struct rte_avq_dev_trace_entry *te);

/* The same for a command whose header was read (malformed 0), written in
 * place: the paths that run every command (the simple chain, each
 * command of a MULTI_EXEC list) build no entry to copy. */
static inline void
avq_aq_trace_cmd(struct rte_avq_dev *d, uint64_t device_id, uint32_t out_len,
		 uint32_t in_len, uint16_t aq, uint16_t class_id,
		 uint16_t command, uint8_t ack)
{
	struct rte_avq_dev_trace_entry *te =
		&d->trace.e[d->trace.seq % RTE_AVQ_DEV_TRACE_LEN];

	te->seq = ++d->trace.seq;
	te->device_id = device_id;
	te->out_len = out_len;
	te->in_len = in_len;
	te->aq = aq;
	te->class_id = class_id;
	te->command = command;
	te->ack = ack;
	te->malformed = 0;
}

/* avq_dev_aq.c: write one used element of @p aq and publish used->idx. */
void avq_aq_used_put(struct rte_avq_dev *d, uint16_t aq, uint16_t id,
		     uint32_t len);
/* avq_dev_aq.c: after used writes, interrupt the driver of @p aq unless it
 * set VRING_AVAIL_F_NO_INTERRUPT. */
void avq_aq_used_signal(struct rte_avq_dev *d, uint16_t aq);
/* avq_dev_aq.c: execute the available chains of @p aq; returns how many. */
unsigned int avq_aq_poll(struct rte_avq_dev *d, uint16_t aq,
			 struct avq_aq_scratch *s);
/* avq_dev_aq.c: whether any enabled AQ has chains not consumed yet. */
bool avq_aq_has_work(struct rte_avq_dev *d);
/* avq_dev_aq.c: set (true) or clear VRING_USED_F_NO_NOTIFY on every enabled AQ. */
void avq_aq_no_notify(struct rte_avq_dev *d, bool no_notify);

/*
 * avq_dev_fault.c. All run on the device thread; cheap when no fault is
 * installed (callers test d->fault.active first where it matters).
 */
/* Injected failure of (class, command): true with the ack to give. */
bool avq_fault_fail(struct rte_avq_dev *d, uint16_t class_id,
		    uint16_t command, uint8_t *ack);
/* Decide what becomes of the completion {aq, id, len}; may write (and
 * signal) held completions of any AQ when a reorder group fills. */
enum avq_stage avq_fault_stage(struct rte_avq_dev *d, uint16_t aq,
			       uint16_t id, uint32_t len);
/* Write the held completions that are due; returns how many. */
unsigned int avq_fault_release(struct rte_avq_dev *d);
/* When the next held completion falls due (CLOCK_MONOTONIC ns); UINT64_MAX
 * when nothing is held or nothing may be released (stall). */
uint64_t avq_fault_deadline(const struct rte_avq_dev *d);
/* Whether admin queues are stalled. */
bool avq_fault_stalled(const struct rte_avq_dev *d);
/* Forget the held completions of @p aq (it is being disabled). */
void avq_fault_forget_aq(struct rte_avq_dev *d, uint16_t aq);
/* No fault installed (device creation). */
void avq_fault_init(struct rte_avq_dev *d);
/* Free the staging memory (device destroy; thread stopped). */
void avq_fault_fini(struct rte_avq_dev *d);
/* CLOCK_MONOTONIC in ns. */
uint64_t avq_now_ns(void);

/* avq_dev_cmd.c: check and execute one decoded command; returns the ack. */
uint8_t avq_cmd_dispatch(struct avq_cmd_ctx *c);

/* avq_dev_vdev.c: consume the doorbells of every managed device; returns
 * how many were consumed. */
unsigned int avq_vdev_doorbells(struct rte_avq_dev *d);
/* avq_dev_vdev.c: whether a running managed device has its notify area
 * handed out (rte_avq_dev_notify_fd()): its doorbells come with no wake,
 * so the device thread must not sleep long (dev_sleep()). */
bool avq_vdev_notifiers_live(struct rte_avq_dev *d);

/* Reserved IOVA region every managed device reports (virtio-iommu MSI). */
#define AVQ_MMU_RESV_MSI_START	0xfee00000ull
#define AVQ_MMU_RESV_MSI_END	0xfeefffffull

#endif /* AVQ_DEV_PRIVATE_H */
