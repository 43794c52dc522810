/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_WIRE_H
#define RTE_AVQ_WIRE_H

/**
 * @file
 * Wire format of the virtio admin virtqueue transport (avq).
 *
 * This is the single definition of every class, command, structure and
 * constant that crosses an admin virtqueue (AQ), shared by the driver side
 * (lib/avq and the drivers) and the device model (lib/avq_dev).
 *
 * Source: RFC "Introduce admin virtqueue as a new transport" (seed 000),
 * with the resolutions recorded in doc/guides/prog_guide/avq_protocol.rst.
 * All multi-byte fields are little-endian and all structures are packed.
 *
 * One AQ command is one descriptor chain:
 *   driver-readable:  struct avq_cmd_hdr, then command-out-data
 *   device-writable:  u8 ack, then command-in-data
 * Descriptor boundaries carry no meaning: the device concatenates the
 * readable buffers and scatters its reply over the writable ones.
 *
 * Names: the RFC's VIRTIO_ADMIN_CTRL_<CLASS>_<CMD> is AVQ_<CLASS>_<CMD> here.
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Feature and status bits                                             */
/* ------------------------------------------------------------------ */

/** Feature bit offered by a management device (virtio 1.3 numbering). */
#define AVQ_F_ADMIN_VQ			41
/** Virtio 1.0 device. */
#define AVQ_F_VERSION_1			32
/** Device sits behind a platform (here: device-MMU) translation. */
#define AVQ_F_ACCESS_PLATFORM		33

/** Device status bits (virtio 1.x, 2.1) plus the RFC's DEVICE_MMU_FAIL. */
#define AVQ_STATUS_ACKNOWLEDGE		0x01
#define AVQ_STATUS_DRIVER		0x02
#define AVQ_STATUS_DRIVER_OK		0x04
#define AVQ_STATUS_FEATURES_OK		0x08
/** RFC admin VQ: "DEVICE_MMU_FAIL (32)": the device MMU failed a translation. */
#define AVQ_STATUS_DEVICE_MMU_FAIL	0x20
#define AVQ_STATUS_DEVICE_NEEDS_RESET	0x40
#define AVQ_STATUS_FAILED		0x80

/** Virtio device type numbers used in VDEV_CREATE. */
#define AVQ_VIRTIO_ID_NET		1

/* ------------------------------------------------------------------ */
/* Common header and acks                                              */
/* ------------------------------------------------------------------ */

/** Identifies the management device itself in every command. */
#define AVQ_MGMT_DEVICE_ID		0

/** Driver-readable head of every command (RFC struct virtio_admin_ctrl). */
struct avq_cmd_hdr {
	rte_le64_t device_id;	/**< 0: the management device; else a managed device */
	rte_le16_t class_id;	/**< AVQ_CLASS_* */
	rte_le16_t command;	/**< command within the class */
} __rte_packed;

/**
 * Ack values. The RFC defines 0 (OK) and 1 (ERR); every value above is an
 * extension that an RFC driver already reads as failure (any non-zero ack).
 * A management device created with the `strict` setting answers only 0/1.
 */
enum avq_ack {
	AVQ_ACK_OK	= 0,	/**< RFC VIRTIO_ADMIN_OK */
	AVQ_ACK_ERR	= 1,	/**< RFC VIRTIO_ADMIN_ERR: unspecified failure */
	AVQ_ACK_NOENT	= 2,	/**< no such managed device (never existed or destroyed) */
	AVQ_ACK_INVAL	= 3,	/**< malformed command, wrong device_id kind, bad value */
	AVQ_ACK_RANGE	= 4,	/**< offset/size/queue index/address out of range */
	AVQ_ACK_UNSUPP	= 5,	/**< unknown class or command, unsupported value */
	AVQ_ACK_EXIST	= 6,	/**< duplicate (seed 003 ID_DUP), overlapping MMU map */
	AVQ_ACK_NOSPC	= 7,	/**< a limit is reached (managed devices, ASIDs, mappings) */
	AVQ_ACK_AGAIN	= 8,	/**< transient: retry later */
	AVQ_ACK_MAX
};

/* ------------------------------------------------------------------ */
/* RFC classes (numbers unchanged from seed 000)                       */
/* ------------------------------------------------------------------ */

#define AVQ_CLASS_CAP			0
#define  AVQ_CAP_GET			0	/**< -> le64 capability mask */

/** CAP bit numbers (the RFC's values are bit numbers). */
#define AVQ_CAP_F_VDEV			1

#define AVQ_CLASS_VDEV			2
#define  AVQ_VDEV_CREATE		0	/**< avq_vdev_create + config[] -> le64 id */
#define  AVQ_VDEV_DESTROY		1	/**< header device_id is the target */

#define AVQ_CLASS_FEAT			3
#define  AVQ_FEAT_DEVICE_GET		0	/**< -> le64 */
#define  AVQ_FEAT_DRIVER_SET		1	/**< le64 -> */
#define  AVQ_FEAT_DRIVER_GET		2	/**< -> le64 */

#define AVQ_CLASS_STATUS		4
#define  AVQ_STATUS_SET			0	/**< u8 -> ; 0 resets */
#define  AVQ_STATUS_GET			1	/**< -> u8 */

#define AVQ_CLASS_GENERATION		5
#define  AVQ_GENERATION_GET		0	/**< -> le32 */

#define AVQ_CLASS_CONFIG		6
#define  AVQ_CONFIG_GET			0	/**< avq_config_get -> data */
#define  AVQ_CONFIG_SET			1	/**< avq_config_set + data -> */

#define AVQ_CLASS_MSI			7
#define  AVQ_MSI_VQ_SET			0	/**< avq_msi_vq_set */
#define  AVQ_MSI_VQ_ENABLE		1	/**< avq_vq_u8: 1 enable, 0 disable */
#define  AVQ_MSI_VQ_MASK		2	/**< avq_vq_u8: 1 masked, 0 unmasked */
#define  AVQ_MSI_CONFIG_SET		3	/**< avq_msi_config_set */
#define  AVQ_MSI_CONFIG_ENABLE		4	/**< u8: 1 enable, 0 disable */
#define  AVQ_MSI_CONFIG_MASK		5	/**< u8: 1 masked, 0 unmasked */

#define AVQ_CLASS_VQ_ADDR		9
#define  AVQ_VQ_ADDR_SET		0	/**< avq_vq_addr */

#define AVQ_CLASS_VQ_ENABLE		10
#define  AVQ_VQ_ENABLE_SET		0	/**< avq_vq_u8 */
#define  AVQ_VQ_ENABLE_GET		1	/**< avq_vq -> u8 */

#define AVQ_CLASS_VQ_SIZE		11
#define  AVQ_VQ_SIZE_SET		0	/**< avq_vq_size_set */
#define  AVQ_VQ_SIZE_GET		1	/**< avq_vq -> le16 */

#define AVQ_CLASS_VQ_NOTIFY		12
#define  AVQ_VQ_NOTIFY_GET		1	/**< avq_vq -> avq_vq_notify_area */

#define AVQ_CLASS_MMU			13
#define  AVQ_MMU_ENABLE			1	/**< u8: 1 enable, 0 disable */
#define  AVQ_MMU_ASID_SET		2	/**< avq_mmu_asid_set */
#define  AVQ_MMU_MAP			3	/**< avq_mmu_map [+ le64 asid] */
#define  AVQ_MMU_UNMAP			4	/**< avq_mmu_unmap [+ le64 asid] */
#define  AVQ_MMU_ERR_GET		5	/**< -> avq_mmu_err */

/* ------------------------------------------------------------------ */
/* Extension classes: 64 and up, each announced by CAP bit             */
/* AVQ_CAP_F_EXT(class) = 32 + (class - 64).                           */
/* ------------------------------------------------------------------ */

#define AVQ_CLASS_EXT_FIRST		64
/** CAP bit that announces extension class @p cls. */
#define AVQ_CAP_F_EXT(cls)		(32 + ((cls) - AVQ_CLASS_EXT_FIRST))

/** Admin queue discovery (the reviewer's "how many such VQs"). */
#define AVQ_CLASS_AQ_INFO		64
#define  AVQ_AQ_INFO_GET		0	/**< -> avq_aq_info; device_id 0 */

/** Device-MMU reserved regions (virtio-iommu v0.7 RESV_MEM, seed 004). */
#define AVQ_CLASS_MMU_RESV		65
#define  AVQ_MMU_RESV_GET		0	/**< -> avq_mmu_resv_hdr, avq_mmu_resv[count] */

/** Batched device-MMU map/unmap (the RFC's "batched MMU" enhancement). */
#define AVQ_CLASS_MMU_BATCH		66
#define  AVQ_MMU_BATCH_MAP		0	/**< avq_mmu_batch_hdr + avq_mmu_batch_map[n] */
#define  AVQ_MMU_BATCH_UNMAP		1	/**< avq_mmu_batch_hdr + avq_mmu_batch_unmap[n] */

/**
 * virtio-net control of a managed device (seed 001): the commands of
 * virtio-net's own control queue, sent by the management driver, plus
 * whether the managed device's own control queue is trusted.
 */
#define AVQ_CLASS_NET_CTRL		67
#define  AVQ_NET_CTRL_EXEC		0	/**< u8 ctrl_class, u8 ctrl_command, data[] */
#define  AVQ_NET_CTRL_TRUST_SET		1	/**< u8: 1 trusted, 0 not */
#define  AVQ_NET_CTRL_STATE_GET		2	/**< -> avq_net_ctrl_state */

/** Virtqueue state get/set, suspend/resume. */
#define AVQ_CLASS_VQ_STATE		68

/** Dirty-page logging into a driver-supplied bitmap. */
#define AVQ_CLASS_DIRTY_LOG		69

/** Per-virtqueue statistics. */
#define AVQ_CLASS_VQ_STATS		70

/** Admin event queue (MMU faults, config changes, interrupts). */
#define AVQ_CLASS_EVENTQ		71

/** Kick a managed device's virtqueue through the AQ. */
#define AVQ_CLASS_KICK			72

/**
 * Several commands for one managed device in one chain, executed in list
 * order, each with its own ack and in-data (the engine's packed batches).
 * Out-data: avq_multi_hdr, then per command an avq_multi_cmd and its
 * out-data padded to 8 bytes. In-data: per command an avq_multi_reply and
 * room for @c in_cap bytes, padded to 8, at offsets the driver computes
 * from the list alone. The whole list is checked before any command runs;
 * a malformed one is INVAL and runs nothing. A sub-command of this class
 * is INVAL (no nesting).
 */
#define AVQ_CLASS_MULTI			73
#define  AVQ_MULTI_EXEC			0	/**< avq_multi_hdr + list -> replies */

/** Last extension class defined. */
#define AVQ_CLASS_EXT_LAST		AVQ_CLASS_MULTI
/** Most commands one MULTI_EXEC carries. */
#define AVQ_MULTI_MAX			64

/* ------------------------------------------------------------------ */
/* Command payloads                                                    */
/* ------------------------------------------------------------------ */

/** VDEV_CREATE out-data head; config[] follows (device-type specific). */
struct avq_vdev_create {
	rte_le32_t virtio_type;	/**< AVQ_VIRTIO_ID_* */
} __rte_packed;

/**
 * VDEV_CREATE config[] for AVQ_VIRTIO_ID_NET: a prefix of the virtio-net
 * config space (virtio 1.x, 5.1.4). Any length from 0 to the full struct
 * is accepted; absent fields take the device defaults.
 */
struct avq_net_create_cfg {
	uint8_t mac[6];
	rte_le16_t status;		/**< AVQ_NET_S_* */
	rte_le16_t max_virtqueue_pairs;	/**< 0: device default */
	rte_le16_t mtu;			/**< 0: device default */
} __rte_packed;

/** VDEV_CREATE in-data. */
struct avq_vdev_id {
	rte_le64_t id;
} __rte_packed;

/** virtio-net config space (virtio 1.2, 5.1.4). */
struct avq_net_config {
	uint8_t mac[6];
	rte_le16_t status;
	rte_le16_t max_virtqueue_pairs;
	rte_le16_t mtu;
	rte_le32_t speed;
	uint8_t duplex;
	uint8_t rss_max_key_size;
	rte_le16_t rss_max_indirection_table_length;
	rte_le32_t supported_hash_types;
} __rte_packed;

/**
 * virtio-net header before every frame (virtio 1.2, 5.1.6): struct
 * virtio_net_hdr; 12 bytes with VERSION_1 (num_buffers always present).
 */
struct avq_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	rte_le16_t hdr_len;
	rte_le16_t gso_size;
	rte_le16_t csum_start;
	rte_le16_t csum_offset;
	rte_le16_t num_buffers;
} __rte_packed;

#define AVQ_NET_HDR_LEN			12u	/**< sizeof(struct avq_net_hdr) */
#define AVQ_NET_HDR_F_NEEDS_CSUM	1	/**< flags */
#define AVQ_NET_HDR_GSO_NONE		0	/**< gso_type */

#define AVQ_NET_S_LINK_UP		1
#define AVQ_NET_S_ANNOUNCE		2

/** virtio-net feature bits used by the model (virtio 1.2, 5.1.3). */
#define AVQ_NET_F_CSUM			0
#define AVQ_NET_F_MTU			3
#define AVQ_NET_F_MAC			5
#define AVQ_NET_F_MRG_RXBUF		15
#define AVQ_NET_F_STATUS		16
#define AVQ_NET_F_CTRL_VQ		17
#define AVQ_NET_F_CTRL_RX		18
#define AVQ_NET_F_CTRL_VLAN		19
#define AVQ_NET_F_MQ			22
#define AVQ_NET_F_CTRL_MAC_ADDR		23
#define AVQ_NET_F_SPEED_DUPLEX		63

/** FEAT payload (DEVICE_GET / DRIVER_SET / DRIVER_GET). */
struct avq_features {
	rte_le64_t features;
} __rte_packed;

/** CONFIG_GET out-data. */
struct avq_config_get {
	rte_le32_t offset;
	rte_le32_t size;
} __rte_packed;

/** CONFIG_SET out-data head; @c size bytes of data follow. */
struct avq_config_set {
	rte_le32_t offset;
	rte_le32_t size;
} __rte_packed;

/** GENERATION_GET in-data. */
struct avq_generation {
	rte_le32_t generation;
} __rte_packed;

/** A queue index alone (VQ_ENABLE_GET, VQ_SIZE_GET, VQ_NOTIFY_GET). */
struct avq_vq {
	rte_le16_t queue_index;
} __rte_packed;

/** A queue index and one byte (MSI_VQ_ENABLE, MSI_VQ_MASK, VQ_ENABLE_SET). */
struct avq_vq_u8 {
	rte_le16_t queue_index;
	uint8_t value;
} __rte_packed;

/**
 * MSI_VQ_SET. On software transports @c addr names an interrupt vector that
 * the transport bound to an eventfd; @c data is delivered with it as-is.
 */
struct avq_msi_vq_set {
	rte_le16_t queue_index;
	rte_le64_t addr;
	rte_le32_t data;
} __rte_packed;

/** MSI_CONFIG_SET. */
struct avq_msi_config_set {
	rte_le64_t addr;
	rte_le32_t data;
} __rte_packed;

/** VQ_ADDR_SET (field order as in the RFC). */
struct avq_vq_addr {
	rte_le16_t queue_index;
	rte_le64_t device_area;		/**< used ring */
	rte_le64_t descriptor_area;	/**< descriptor table */
	rte_le64_t driver_area;		/**< available ring */
} __rte_packed;

/** VQ_SIZE_SET. */
struct avq_vq_size_set {
	rte_le16_t queue_index;
	rte_le16_t size;
} __rte_packed;

/** VQ_SIZE_GET in-data. */
struct avq_vq_size {
	rte_le16_t size;
} __rte_packed;

/** VQ_NOTIFY_GET in-data: where the driver writes the queue index. */
struct avq_vq_notify_area {
	rte_le64_t addr;
	rte_le64_t size;
} __rte_packed;

/** MMU_ASID_SET. */
struct avq_mmu_asid_set {
	rte_le16_t queue_index;
	rte_le64_t asid;
} __rte_packed;

/** Device-MMU permission flags (virtio-iommu v0.7 VIRTIO_IOMMU_MAP_F_*). */
#define AVQ_MMU_F_READ			(1u << 0)
#define AVQ_MMU_F_WRITE			(1u << 1)
#define AVQ_MMU_F_EXEC			(1u << 2)
#define AVQ_MMU_F_MMIO			(1u << 3)
#define AVQ_MMU_F_MASK			0xfu

/**
 * MMU_MAP: map the inclusive IOVA range [iova_start, iova_end] to DMA
 * addresses starting at dma_start. Extension: an optional trailing le64
 * ASID (struct avq_mmu_map_asid); a shorter out-data means ASID 0.
 */
struct avq_mmu_map {
	rte_le64_t iova_start;
	rte_le64_t iova_end;
	rte_le64_t dma_start;
	rte_le32_t flags;		/**< AVQ_MMU_F_* */
} __rte_packed;

/** MMU_MAP with the trailing-ASID extension. */
struct avq_mmu_map_asid {
	struct avq_mmu_map map;
	rte_le64_t asid;
} __rte_packed;

/** MMU_UNMAP: remove every mapping that intersects the inclusive range. */
struct avq_mmu_unmap {
	rte_le64_t iova_start;
	rte_le64_t iova_end;
} __rte_packed;

/** MMU_UNMAP with the trailing-ASID extension. */
struct avq_mmu_unmap_asid {
	struct avq_mmu_unmap unmap;
	rte_le64_t asid;
} __rte_packed;

/** MMU_ERR_GET in-data: the first translation failure since reset. */
struct avq_mmu_err {
	rte_le32_t reason;		/**< AVQ_MMU_ERR_*; 0: no error recorded */
	rte_le16_t queue_index;
	rte_le64_t asid;
	rte_le64_t iova_start;
	rte_le64_t iova_end;
	rte_le32_t flags;		/**< access attempted: AVQ_MMU_F_READ/WRITE */
} __rte_packed;

/** MMU error reasons (RFC VIRTIO_ADMIN_VQ_MAP_ERR_*). */
#define AVQ_MMU_ERR_NON_EXIST		(1u << 0)
#define AVQ_MMU_ERR_ACC_VIOLATION	(1u << 1)

/** AQ_INFO_GET in-data. */
struct avq_aq_info {
	rte_le16_t num_aqs;		/**< admin queues offered */
	rte_le16_t first_aq_index;	/**< virtqueue index of AQ 0 */
	rte_le16_t max_aq_size;		/**< ring entries, power of two */
	rte_le16_t max_vq_pairs;	/**< per managed virtio-net device */
	rte_le32_t max_vdevs;		/**< managed devices at once */
	rte_le16_t max_vq_size;		/**< per managed-device virtqueue */
	rte_le16_t reserved;
} __rte_packed;

/**
 * MMU_RESV_GET entry: the content of virtio-iommu v0.7's
 * struct virtio_iommu_probe_resv_mem (subtype, start, end), laid out with
 * the 64-bit fields first so that they are naturally aligned.
 */
struct avq_mmu_resv {
	rte_le64_t start;		/**< inclusive */
	rte_le64_t end;			/**< inclusive */
	uint8_t subtype;		/**< AVQ_MMU_RESV_T_* */
	uint8_t reserved[7];
} __rte_packed;

#define AVQ_MMU_RESV_T_RESERVED		0
#define AVQ_MMU_RESV_T_MSI		1

/** MMU_RESV_GET in-data head; @c count entries follow. */
struct avq_mmu_resv_hdr {
	rte_le32_t count;
	rte_le32_t reserved;
} __rte_packed;

/** MULTI_EXEC head: @c count (1..AVQ_MULTI_MAX) commands follow. */
struct avq_multi_hdr {
	rte_le16_t count;
	rte_le16_t reserved[3];
} __rte_packed;

/** One command of a MULTI_EXEC list; @c out_len bytes follow (padded to 8). */
struct avq_multi_cmd {
	rte_le16_t class_id;
	rte_le16_t command;
	rte_le32_t out_len;
	rte_le32_t in_cap;	/**< in-data room after its avq_multi_reply */
	rte_le32_t reserved;
} __rte_packed;

/** One command's answer in MULTI_EXEC in-data; in-data follows. */
struct avq_multi_reply {
	uint8_t ack;
	uint8_t reserved[3];
	rte_le32_t in_len;
} __rte_packed;

/** Bytes a MULTI_EXEC list entry, or reply, takes with its data. */
#define AVQ_MULTI_ALIGN(n)		(((n) + 7u) & ~7u)

/** MMU_BATCH head: @c count entries follow, all in @c asid. */
struct avq_mmu_batch_hdr {
	rte_le64_t asid;
	rte_le32_t count;
	rte_le32_t reserved;
} __rte_packed;

/** MMU_BATCH_MAP entry. */
struct avq_mmu_batch_map {
	rte_le64_t iova_start;
	rte_le64_t iova_end;
	rte_le64_t dma_start;
	rte_le32_t flags;
	rte_le32_t reserved;
} __rte_packed;

/** MMU_BATCH_UNMAP entry. */
struct avq_mmu_batch_unmap {
	rte_le64_t iova_start;
	rte_le64_t iova_end;
} __rte_packed;

/*
 * virtio-net control commands (virtio 1.2, 5.1.6.5): the ctrl_class and
 * ctrl_command bytes of a managed device's own control queue and of
 * NET_CTRL_EXEC, which carries them unchanged.
 */
#define AVQ_NET_CTRL_RX			0
#define  AVQ_NET_CTRL_RX_PROMISC	0	/**< u8 on */
#define  AVQ_NET_CTRL_RX_ALLMULTI	1	/**< u8 on */
#define AVQ_NET_CTRL_MAC		1
#define  AVQ_NET_CTRL_MAC_TABLE_SET	0	/**< le32 n + n * mac, twice */
#define  AVQ_NET_CTRL_MAC_ADDR_SET	1	/**< u8 mac[6] */
#define AVQ_NET_CTRL_VLAN		2
#define  AVQ_NET_CTRL_VLAN_ADD		0	/**< le16 vid */
#define  AVQ_NET_CTRL_VLAN_DEL		1	/**< le16 vid */
#define AVQ_NET_CTRL_MQ			4
#define  AVQ_NET_CTRL_MQ_VQ_PAIRS_SET	0	/**< le16 pairs */
/** Ack byte of virtio-net's own control queue. */
#define AVQ_NET_OK			0
#define AVQ_NET_ERR			1

/**
 * NET_CTRL_STATE_GET in-data: the managed device's rx filter, queue pairs
 * and trust, as the device applies them.
 */
struct avq_net_ctrl_state {
	uint8_t promisc;		/**< 1: every frame is received */
	uint8_t allmulti;		/**< 1: every multicast frame is received */
	uint8_t trusted;		/**< 1: its own control queue may change the filter */
	uint8_t reserved;
	rte_le16_t vq_pairs;		/**< queue pairs set (1 after reset) */
	uint8_t mac[6];			/**< the device's address (config space) */
	rte_le32_t mac_table_len;	/**< unicast + multicast table entries */
	rte_le32_t vlans;		/**< VLAN ids in the filter */
	rte_le32_t own_refused;		/**< own control commands refused while
					 * not trusted (saturates) */
} __rte_packed;

/* ------------------------------------------------------------------ */
/* Split virtqueue layout (virtio 1.x, 2.7), used by the AQ itself     */
/* ------------------------------------------------------------------ */

#define AVQ_DESC_F_NEXT			1
#define AVQ_DESC_F_WRITE		2
#define AVQ_DESC_F_INDIRECT		4

#define AVQ_AVAIL_F_NO_INTERRUPT	1
#define AVQ_USED_F_NO_NOTIFY		1

struct avq_desc {
	rte_le64_t addr;
	rte_le32_t len;
	rte_le16_t flags;
	rte_le16_t next;
} __rte_packed;

struct avq_avail {
	rte_le16_t flags;
	rte_le16_t idx;
	rte_le16_t ring[];
} __rte_packed;

struct avq_used_elem {
	rte_le32_t id;
	rte_le32_t len;
} __rte_packed;

struct avq_used {
	rte_le16_t flags;
	rte_le16_t idx;
	struct avq_used_elem ring[];
} __rte_packed;

/** Bytes of the descriptor table of a ring of @p n entries. */
#define AVQ_DESC_AREA_SIZE(n)		((size_t)(n) * sizeof(struct avq_desc))
/** Bytes of the available ring (with used_event) of @p n entries. */
#define AVQ_AVAIL_AREA_SIZE(n)		(4 + 2 * (size_t)(n) + 2)
/** Bytes of the used ring (with avail_event) of @p n entries. */
#define AVQ_USED_AREA_SIZE(n)		(4 + 8 * (size_t)(n) + 2)

/* ------------------------------------------------------------------ */
/* Compile-time size checks: the wire is the contract.                 */
/* ------------------------------------------------------------------ */

static inline void
avq_wire_size_checks(void)
{
	RTE_BUILD_BUG_ON(sizeof(struct avq_cmd_hdr) != 12);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vdev_create) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct avq_net_create_cfg) != 12);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vdev_id) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_net_config) != 24);
	RTE_BUILD_BUG_ON(sizeof(struct avq_net_hdr) != AVQ_NET_HDR_LEN);
	RTE_BUILD_BUG_ON(sizeof(struct avq_features) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_config_get) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_config_set) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_generation) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq) != 2);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_u8) != 3);
	RTE_BUILD_BUG_ON(sizeof(struct avq_msi_vq_set) != 14);
	RTE_BUILD_BUG_ON(sizeof(struct avq_msi_config_set) != 12);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_addr) != 26);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_size_set) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_size) != 2);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_notify_area) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_asid_set) != 10);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_map) != 28);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_map_asid) != 36);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_unmap) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_unmap_asid) != 24);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_err) != 34);
	RTE_BUILD_BUG_ON(sizeof(struct avq_aq_info) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_resv) != 24);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_resv_hdr) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_batch_hdr) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_batch_map) != 32);
	RTE_BUILD_BUG_ON(sizeof(struct avq_mmu_batch_unmap) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_net_ctrl_state) != 24);
	RTE_BUILD_BUG_ON(offsetof(struct avq_net_ctrl_state, vq_pairs) != 4);
	RTE_BUILD_BUG_ON(offsetof(struct avq_net_ctrl_state, mac_table_len) != 12);
	RTE_BUILD_BUG_ON(sizeof(struct avq_desc) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_avail) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct avq_used_elem) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_used) != 4);
	RTE_BUILD_BUG_ON(sizeof(struct avq_multi_hdr) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_multi_cmd) != 16);
	RTE_BUILD_BUG_ON(sizeof(struct avq_multi_reply) != 8);
	RTE_BUILD_BUG_ON(AVQ_CAP_F_EXT(AVQ_CLASS_EXT_LAST) > 63);
}

/* ------------------------------------------------------------------ */
/* Little-endian accessors                                             */
/* ------------------------------------------------------------------ */

static inline uint16_t avq_le16(rte_le16_t v) { return rte_le_to_cpu_16(v); }
static inline uint32_t avq_le32(rte_le32_t v) { return rte_le_to_cpu_32(v); }
static inline uint64_t avq_le64(rte_le64_t v) { return rte_le_to_cpu_64(v); }
static inline rte_le16_t avq_to_le16(uint16_t v) { return rte_cpu_to_le_16(v); }
static inline rte_le32_t avq_to_le32(uint32_t v) { return rte_cpu_to_le_32(v); }
static inline rte_le64_t avq_to_le64(uint64_t v) { return rte_cpu_to_le_64(v); }

/** Name of an ack value, for logs ("OK", "NOENT", ...; "?" if unknown). */
static inline const char *
avq_ack_str(unsigned int ack)
{
	static const char * const names[AVQ_ACK_MAX] = {
		"OK", "ERR", "NOENT", "INVAL", "RANGE", "UNSUPP", "EXIST",
		"NOSPC", "AGAIN",
	};
	return ack < AVQ_ACK_MAX ? names[ack] : "?";
}

/** Map an ack to a negative errno (0 for OK; -EIO for plain ERR). */
static inline int
avq_ack_errno(unsigned int ack)
{
	switch (ack) {
	case AVQ_ACK_OK: return 0;
	case AVQ_ACK_NOENT: return -ENOENT;
	case AVQ_ACK_INVAL: return -EINVAL;
	case AVQ_ACK_RANGE: return -ERANGE;
	case AVQ_ACK_UNSUPP: return -ENOTSUP;
	case AVQ_ACK_EXIST: return -EEXIST;
	case AVQ_ACK_NOSPC: return -ENOSPC;
	case AVQ_ACK_AGAIN: return -EAGAIN;
	default: return -EIO;
	}
}

/** Name of a class ("CAP", "VDEV", ...; "?" if unknown), for logs. */
static inline const char *
avq_class_str(unsigned int cls)
{
	switch (cls) {
	case AVQ_CLASS_CAP: return "CAP";
	case AVQ_CLASS_VDEV: return "VDEV";
	case AVQ_CLASS_FEAT: return "FEAT";
	case AVQ_CLASS_STATUS: return "STATUS";
	case AVQ_CLASS_GENERATION: return "GENERATION";
	case AVQ_CLASS_CONFIG: return "CONFIG";
	case AVQ_CLASS_MSI: return "MSI";
	case AVQ_CLASS_VQ_ADDR: return "VQ_ADDR";
	case AVQ_CLASS_VQ_ENABLE: return "VQ_ENABLE";
	case AVQ_CLASS_VQ_SIZE: return "VQ_SIZE";
	case AVQ_CLASS_VQ_NOTIFY: return "VQ_NOTIFY";
	case AVQ_CLASS_MMU: return "MMU";
	case AVQ_CLASS_AQ_INFO: return "AQ_INFO";
	case AVQ_CLASS_MMU_RESV: return "MMU_RESV";
	case AVQ_CLASS_MMU_BATCH: return "MMU_BATCH";
	case AVQ_CLASS_NET_CTRL: return "NET_CTRL";
	case AVQ_CLASS_VQ_STATE: return "VQ_STATE";
	case AVQ_CLASS_DIRTY_LOG: return "DIRTY_LOG";
	case AVQ_CLASS_VQ_STATS: return "VQ_STATS";
	case AVQ_CLASS_EVENTQ: return "EVENTQ";
	case AVQ_CLASS_KICK: return "KICK";
	case AVQ_CLASS_MULTI: return "MULTI";
	default: return "?";
	}
}

/** Name of a command within its class ("CREATE", "MAP", ...; "?"). */
static inline const char *
avq_cmd_str(unsigned int cls, unsigned int cmd)
{
	static const char * const msi[] = { "VQ_SET", "VQ_ENABLE", "VQ_MASK",
		"CONFIG_SET", "CONFIG_ENABLE", "CONFIG_MASK" };
	static const char * const mmu[] = { "?", "ENABLE", "ASID_SET", "MAP",
		"UNMAP", "ERR_GET" };
	static const char * const feat[] = { "DEVICE_GET", "DRIVER_SET",
		"DRIVER_GET" };
	static const char * const net_ctrl[] = { "EXEC", "TRUST_SET",
		"STATE_GET" };
	static const char * const vq_state[] = { "GET", "SET", "STOP",
		"SET_BATCH" };

	switch (cls) {
	case AVQ_CLASS_CAP: case AVQ_CLASS_GENERATION:
	case AVQ_CLASS_AQ_INFO: case AVQ_CLASS_MMU_RESV:
		return cmd == 0 ? "GET" : "?";
	case AVQ_CLASS_VDEV:
		return cmd == 0 ? "CREATE" : cmd == 1 ? "DESTROY" : "?";
	case AVQ_CLASS_FEAT:
		return cmd < RTE_DIM(feat) ? feat[cmd] : "?";
	case AVQ_CLASS_STATUS: case AVQ_CLASS_VQ_ENABLE: case AVQ_CLASS_VQ_SIZE:
		return cmd == 0 ? "SET" : cmd == 1 ? "GET" : "?";
	case AVQ_CLASS_CONFIG:
		return cmd == 0 ? "GET" : cmd == 1 ? "SET" : "?";
	case AVQ_CLASS_MSI:
		return cmd < RTE_DIM(msi) ? msi[cmd] : "?";
	case AVQ_CLASS_VQ_ADDR:
		return cmd == 0 ? "SET" : "?";
	case AVQ_CLASS_VQ_NOTIFY:
		return cmd == 1 ? "GET" : "?";
	case AVQ_CLASS_MMU:
		return cmd < RTE_DIM(mmu) ? mmu[cmd] : "?";
	case AVQ_CLASS_MMU_BATCH:
		return cmd == 0 ? "MAP" : cmd == 1 ? "UNMAP" : "?";
	case AVQ_CLASS_NET_CTRL:
		return cmd < RTE_DIM(net_ctrl) ? net_ctrl[cmd] : "?";
	case AVQ_CLASS_VQ_STATE:
		return cmd < RTE_DIM(vq_state) ? vq_state[cmd] : "?";
	case AVQ_CLASS_MULTI:
		return cmd == 0 ? "EXEC" : "?";
	default:
		return "?";
	}
}

/* ------------------------------------------------------------------ */
/* Class 68 VQ_STATE and class 70 VQ_STATS (appended extensions)       */
/* ------------------------------------------------------------------ */

/*
 * VQ_STATE (class 68, CAP bit AVQ_CAP_F_EXT(68)): where a managed device
 * stands in a split virtqueue, so that a driver can stop a queue, read
 * back the indices (vhost-user GET_VRING_BASE) and later restart the ring
 * from them instead of from 0 (a memory-table change, a reconnect).
 */
#define  AVQ_VQ_STATE_GET		0	/**< avq_vq -> avq_vq_state */
#define  AVQ_VQ_STATE_SET		1	/**< avq_vq_state_set -> */
#define  AVQ_VQ_STATE_STOP		2	/**< avq_vq -> avq_vq_state */
#define  AVQ_VQ_STATE_SET_BATCH		3	/**< avq_vq_state_set[] -> */

/**
 * VQ_STATE_STOP of queue AVQ_VQ_STATE_ALL: stop every queue of the device
 * in one step and reply one avq_vq_state per queue (entry i: queue i, its
 * enabled byte 0), so that the in-data room must hold num_queues entries.
 * VQ_STATE_SET_BATCH takes 1..num_queues avq_vq_state_set entries of
 * distinct queues, each checked as VQ_STATE_SET, and applies them all or
 * none: with the first, a driver quiesces and resumes a device in two
 * commands whatever its number of queues (a memory-table change).
 */
#define AVQ_VQ_STATE_ALL		0xffffu

/** VQ_STATE_GET / VQ_STATE_STOP in-data. */
struct avq_vq_state {
	rte_le16_t avail_idx;	/**< next available-ring entry the device takes */
	rte_le16_t used_idx;	/**< next used-ring entry the device writes */
	uint8_t enabled;	/**< 1: the queue is enabled */
	uint8_t reserved[3];
} __rte_packed;

/**
 * VQ_STATE_SET: set the indices queue @c queue_index resumes from and
 * enable it, in one command. The queue must be disabled with its size and
 * address set; @c flags must be AVQ_VQ_STATE_F_ENABLE.
 */
struct avq_vq_state_set {
	rte_le16_t queue_index;
	rte_le16_t avail_idx;
	rte_le16_t used_idx;
	uint8_t flags;		/**< AVQ_VQ_STATE_F_* */
	uint8_t reserved;
} __rte_packed;

/** VQ_STATE_SET: enable the queue at the given indices (required). */
#define AVQ_VQ_STATE_F_ENABLE		1u

/*
 * VQ_STATS (class 70, CAP bit AVQ_CAP_F_EXT(70)): the per-queue counters
 * of a managed device. A queue index of AVQ_VQ_STATS_ALL in RESET means
 * every queue of the device.
 */
#define  AVQ_VQ_STATS_GET		0	/**< avq_vq -> avq_vq_stats */
#define  AVQ_VQ_STATS_RESET		1	/**< avq_vq -> */

#define AVQ_VQ_STATS_ALL		0xffffu

/** VQ_STATS_GET in-data. */
struct avq_vq_stats {
	rte_le64_t packets;	/**< rx: frames written; tx: frames taken and
				 * switched; control: commands executed */
	rte_le64_t bytes;	/**< frame bytes of those packets */
	rte_le64_t drops;	/**< frames not delivered (no buffers, link
				 * down, no packet buffer) */
	rte_le64_t errors;	/**< malformed frames; control: NET_ERR acks */
	rte_le64_t interrupts;	/**< interrupts raised after used updates */
} __rte_packed;

static inline void
avq_wire_vqx_size_checks(void)
{
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_state) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_state_set) != 8);
	RTE_BUILD_BUG_ON(sizeof(struct avq_vq_stats) != 40);
}

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_WIRE_H */
