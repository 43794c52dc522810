/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Well-formed chains carrying bad commands: each gets its specific ack
 * (only 0/1 on a strict device), changes no state, and the device serves
 * the next command. Every test runs twice: on a normal device, then on a
 * strict one.
 *
 * "State unchanged" is checked by reading it back: a snapshot of a managed
 * device (status, features, generation, config space, queue sizes and
 * enables, MMU mappings) and of the device list before and after.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rte_bitops.h>
#include <rte_common.h>

#include "avq_test.h"
#include "avq_fixture.h"

#define NET_CFG_LEN	((uint32_t)sizeof(struct avq_net_config))
#define NET_QUEUES	3	/* 1 pair + control queue */
#define MAX_IDS		16

struct bctx {
	struct avq_fx fx;	/* fx.strict: the device answers only 0/1 */
	uint64_t id;		/* a managed virtio-net device */
};

#define ACK_IS(c, want, dev, cls, cmd, out, olen, in, ilen) do {	\
	int got_ = avq_fx_ack(&(c)->fx, (dev), (cls), (cmd), (out),	\
			      (olen), (in), (ilen));			\
	int want_ = avq_fx_want_ack(&(c)->fx, (want));			\
	TEST_ASSERT_EQUAL(got_, want_,					\
			  "device %" PRIu64 " class %u cmd %u: ack %s, want %s%s", \
			  (uint64_t)(dev), (unsigned int)(cls),		\
			  (unsigned int)(cmd), avq_ack_str((unsigned int)got_), \
			  avq_ack_str((unsigned int)want_),		\
			  (c)->fx.strict ? " (strict)" : "");		\
} while (0)

/* ---- state snapshots ---- */

struct snap {
	uint8_t status;
	uint32_t generation;
	uint64_t driver_features;
	uint8_t config[sizeof(struct avq_net_config)];
	uint16_t vq_size[NET_QUEUES];
	uint8_t vq_enabled[NET_QUEUES];
	struct rte_avq_dev_vdev_info info;
	uint64_t ids[MAX_IDS];
	int num_ids;
	uint64_t vdevs_created;
};

static int
snap_take(struct bctx *c, uint64_t id, struct snap *s)
{
	struct avq_config_get cg = { avq_to_le32(0), avq_to_le32(NET_CFG_LEN) };
	struct rte_avq_dev_stats st;
	struct avq_generation g;
	struct avq_features f;
	struct avq_vq_size vs;
	struct avq_vq vq;
	uint16_t q;

	memset(s, 0, sizeof(*s));
	/* Read with the commands under test suspended: all must succeed. */
	TEST_ASSERT_EQUAL(avq_fx_ack(&c->fx, id, AVQ_CLASS_STATUS,
				     AVQ_STATUS_GET, NULL, 0, &s->status, 1),
			  AVQ_ACK_OK, "snapshot: STATUS_GET");
	TEST_ASSERT_EQUAL(avq_fx_ack(&c->fx, id, AVQ_CLASS_GENERATION,
				     AVQ_GENERATION_GET, NULL, 0, &g,
				     sizeof(g)), AVQ_ACK_OK,
			  "snapshot: GENERATION_GET");
	s->generation = avq_le32(g.generation);
	TEST_ASSERT_EQUAL(avq_fx_ack(&c->fx, id, AVQ_CLASS_FEAT,
				     AVQ_FEAT_DRIVER_GET, NULL, 0, &f,
				     sizeof(f)), AVQ_ACK_OK,
			  "snapshot: FEAT_DRIVER_GET");
	s->driver_features = avq_le64(f.features);
	TEST_ASSERT_EQUAL(avq_fx_ack(&c->fx, id, AVQ_CLASS_CONFIG,
				     AVQ_CONFIG_GET, &cg, sizeof(cg),
				     s->config, NET_CFG_LEN), AVQ_ACK_OK,
			  "snapshot: CONFIG_GET");
	for (q = 0; q < NET_QUEUES; q++) {
		vq.queue_index = avq_to_le16(q);
		TEST_ASSERT_EQUAL(avq_fx_ack(&c->fx, id, AVQ_CLASS_VQ_SIZE,
					     AVQ_VQ_SIZE_GET, &vq, sizeof(vq),
					     &vs, sizeof(vs)), AVQ_ACK_OK,
				  "snapshot: VQ_SIZE_GET %u", q);
		s->vq_size[q] = avq_le16(vs.size);
		TEST_ASSERT_EQUAL(avq_fx_ack(&c->fx, id, AVQ_CLASS_VQ_ENABLE,
					     AVQ_VQ_ENABLE_GET, &vq, sizeof(vq),
					     &s->vq_enabled[q], 1), AVQ_ACK_OK,
				  "snapshot: VQ_ENABLE_GET %u", q);
	}
	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, id, &s->info),
			    "snapshot: vdev info");
	s->num_ids = rte_avq_dev_vdev_list(c->fx.dev, s->ids, MAX_IDS);
	TEST_ASSERT(s->num_ids >= 0 && s->num_ids <= MAX_IDS,
		    "snapshot: %d devices", s->num_ids);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(c->fx.dev, &st), "");
	s->vdevs_created = st.vdevs_created;
	return TEST_SUCCESS;
}

static int
snap_same(const struct snap *a, const struct snap *b, const char *what)
{
	unsigned int i;

	TEST_ASSERT_EQUAL(a->status, b->status, "%s: STATUS changed", what);
	TEST_ASSERT_EQUAL(a->generation, b->generation,
			  "%s: GENERATION changed", what);
	TEST_ASSERT_EQUAL(a->driver_features, b->driver_features,
			  "%s: driver features changed", what);
	for (i = 0; i < sizeof(a->config); i++)
		TEST_ASSERT_EQUAL(a->config[i], b->config[i],
				  "%s: config byte %u changed", what, i);
	for (i = 0; i < NET_QUEUES; i++) {
		TEST_ASSERT_EQUAL(a->vq_size[i], b->vq_size[i],
				  "%s: size of queue %u changed", what, i);
		TEST_ASSERT_EQUAL(a->vq_enabled[i], b->vq_enabled[i],
				  "%s: enable of queue %u changed", what, i);
	}
	TEST_ASSERT_EQUAL(a->info.status, b->info.status, "%s", what);
	TEST_ASSERT_EQUAL(a->info.mmu_enabled, b->info.mmu_enabled,
			  "%s: MMU enable changed", what);
	TEST_ASSERT_EQUAL(a->info.mmu_mappings, b->info.mmu_mappings,
			  "%s: MMU mapping count changed", what);
	TEST_ASSERT_EQUAL(a->num_ids, b->num_ids,
			  "%s: number of managed devices changed", what);
	for (i = 0; i < (unsigned int)a->num_ids; i++)
		TEST_ASSERT_EQUAL(a->ids[i], b->ids[i],
				  "%s: device list changed", what);
	TEST_ASSERT_EQUAL(a->vdevs_created, b->vdevs_created,
			  "%s: a device was created", what);
	return TEST_SUCCESS;
}

/* Snapshot again and compare; then a well-formed command must work. */
static int
unchanged(struct bctx *c, uint64_t id, const struct snap *before,
	  const char *what)
{
	struct snap after;
	uint64_t caps;

	TEST_ASSERT_SUCCESS(snap_take(c, id, &after), "%s", what);
	TEST_ASSERT_SUCCESS(snap_same(before, &after, what), "");
	TEST_ASSERT_SUCCESS(rte_avq_cap_get(c->fx.aq, &caps),
			    "%s: CAP_GET afterwards", what);
	return TEST_SUCCESS;
}

typedef int (*bctx_body)(struct bctx *c);

static int
bctx_call(struct avq_fx *fx, void *arg)
{
	struct bctx *c = container_of(fx, struct bctx, fx);

	if (avq_fx_create_net(fx, &c->id) < 0) {
		fprintf(stderr, "cannot create a managed device\n");
		return TEST_FAILED;
	}
	return (*(bctx_body *)arg)(c);
}

/* Run @p body on a normal device, then on a strict one. */
static int
run_both(bctx_body body)
{
	struct bctx c;

	return avq_fx_run_both(&c.fx, NULL, bctx_call, &body);
}

/* ---- wire builders ---- */

static struct avq_mmu_map_asid
map_req(uint64_t start, uint64_t end, uint64_t dma, uint32_t flags,
	uint64_t asid)
{
	struct avq_mmu_map_asid m;

	m.map.iova_start = avq_to_le64(start);
	m.map.iova_end = avq_to_le64(end);
	m.map.dma_start = avq_to_le64(dma);
	m.map.flags = avq_to_le32(flags);
	m.asid = avq_to_le64(asid);
	return m;
}

/* MMU_MAP of [start, end] in ASID 0 (28-byte RFC layout). */
#define MAP_IS(c, want, id, start, end, dma, flags) do {		\
	struct avq_mmu_map_asid m_ = map_req(start, end, dma, flags, 0); \
	ACK_IS(c, want, id, AVQ_CLASS_MMU, AVQ_MMU_MAP, &m_,		\
	       sizeof(m_.map), NULL, 0);				\
} while (0)

/* MMU_MAP in @p asid (36-byte extension layout). */
#define MAP_ASID_IS(c, want, id, start, end, dma, flags, asid) do {	\
	struct avq_mmu_map_asid m_ = map_req(start, end, dma, flags, asid); \
	ACK_IS(c, want, id, AVQ_CLASS_MMU, AVQ_MMU_MAP, &m_, sizeof(m_), \
	       NULL, 0);						\
} while (0)

/* ---- unknown class or command ---- */

static int
bad_class_body(struct bctx *c)
{
	static const uint16_t classes[] = { 1, 8, 14, 63, AVQ_CLASS_EXT_LAST + 1, 200, 0xffff };
	static const struct { uint16_t cls, cmd; bool vdev; } cmds[] = {
		{ AVQ_CLASS_CAP, 1, false },
		{ AVQ_CLASS_CAP, 0xffff, false },
		{ AVQ_CLASS_VDEV, 2, false },
		{ AVQ_CLASS_FEAT, 3, true },
		{ AVQ_CLASS_STATUS, 2, true },
		{ AVQ_CLASS_GENERATION, 1, true },
		{ AVQ_CLASS_CONFIG, 2, true },
		{ AVQ_CLASS_MSI, 6, true },
		{ AVQ_CLASS_VQ_ADDR, 1, true },
		{ AVQ_CLASS_VQ_ENABLE, 2, true },
		{ AVQ_CLASS_VQ_SIZE, 2, true },
		{ AVQ_CLASS_VQ_NOTIFY, 0, true },
		{ AVQ_CLASS_MMU, 0, true },
		{ AVQ_CLASS_MMU, 6, true },
		{ AVQ_CLASS_AQ_INFO, 1, false },
	};
	uint8_t out[16] = { 0 }, in[16];
	struct snap before;
	uint64_t caps;
	unsigned int i;
	uint16_t cls;

	TEST_ASSERT_SUCCESS(rte_avq_cap_get(c->fx.aq, &caps), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");
	/* RFC admin VQ: classes and commands the device does not know fail;
	 * UNSUPP whether the header names the management device or a
	 * managed one.
	 */
	for (i = 0; i < RTE_DIM(classes); i++) {
		ACK_IS(c, AVQ_ACK_UNSUPP, 0, classes[i], 0, out, 8, in, 8);
		ACK_IS(c, AVQ_ACK_UNSUPP, c->id, classes[i], 0, out, 8, in, 8);
		ACK_IS(c, AVQ_ACK_UNSUPP, 0, classes[i], 0xffff, NULL, 0,
		       NULL, 0);
	}
	for (i = 0; i < RTE_DIM(cmds); i++)
		ACK_IS(c, AVQ_ACK_UNSUPP, cmds[i].vdev ? c->id : 0,
		       cmds[i].cls, cmds[i].cmd, out, 8, in, 8);
	/* Extension classes exist only when CAP announces them. */
	for (cls = AVQ_CLASS_EXT_FIRST; cls <= AVQ_CLASS_EXT_LAST; cls++) {
		if (caps & RTE_BIT64(AVQ_CAP_F_EXT(cls)))
			ACK_IS(c, AVQ_ACK_UNSUPP, 0, cls, 0xffff, out, 8,
			       in, 8);
		else
			ACK_IS(c, AVQ_ACK_UNSUPP, 0, cls, 0, out, 8, in, 8);
	}
	return unchanged(c, c->id, &before, "unknown class/command");
}

static int
test_bad_class(void)
{
	return run_both(bad_class_body);
}

/* ---- device_id of the wrong kind ---- */

static int
bad_device_id_body(struct bctx *c)
{
	struct avq_config_get cg = { avq_to_le32(0), avq_to_le32(6) };
	struct {
		struct avq_config_set h;
		uint8_t mac[6];
	} __rte_packed cs = {
		{ avq_to_le32(0), avq_to_le32(6) },
		{ 0x02, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb },
	};
	struct {
		struct avq_vdev_create h;
		struct avq_net_create_cfg cfg;
	} __rte_packed vc;
	struct avq_features f = { avq_to_le64(RTE_BIT64(AVQ_F_VERSION_1)) };
	struct avq_vq_addr va = {
		avq_to_le16(0), avq_to_le64(0x3000), avq_to_le64(0x1000),
		avq_to_le64(0x2000),
	};
	struct avq_msi_config_set mc = { avq_to_le64(1), avq_to_le32(0) };
	struct avq_mmu_map_asid map = map_req(0x100000, 0x1fffff, 0x100000,
					      AVQ_MMU_F_READ, 0);
	struct avq_vq vq = { avq_to_le16(0) };
	uint8_t st = AVQ_STATUS_ACKNOWLEDGE, one = 1, in[64];
	struct snap before;

	memset(&vc, 0, sizeof(vc));
	vc.h.virtio_type = avq_to_le32(AVQ_VIRTIO_ID_NET);
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	/* RFC admin VQ: commands of a managed device MUST fail with device_id
	 * zero (the management device itself).
	 */
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET,
	       NULL, 0, in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET,
	       &f, sizeof(f), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_GET,
	       NULL, 0, in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
	       &st, 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
	       NULL, 0, in, 1);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_GENERATION, AVQ_GENERATION_GET,
	       NULL, 0, in, 4);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET,
	       &cg, sizeof(cg), in, 6);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_CONFIG, AVQ_CONFIG_SET,
	       &cs, sizeof(cs), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_SET,
	       &mc, sizeof(mc), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
	       &va, sizeof(va), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_GET,
	       &vq, sizeof(vq), in, 2);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VQ_ENABLE, AVQ_VQ_ENABLE_GET,
	       &vq, sizeof(vq), in, 1);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VQ_NOTIFY, AVQ_VQ_NOTIFY_GET,
	       &vq, sizeof(vq), in, 16);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_MMU, AVQ_MMU_ENABLE,
	       &one, 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_MMU, AVQ_MMU_MAP,
	       &map, sizeof(map.map), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_MMU, AVQ_MMU_ERR_GET,
	       NULL, 0, in, sizeof(struct avq_mmu_err));
	/* DESIGN 4: DESTROY targets the header's device_id, fails for 0. */
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY,
	       NULL, 0, NULL, 0);

	/* And the other way round: management-device commands refuse a
	 * managed device's id, live or not.
	 */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_CAP, AVQ_CAP_GET,
	       NULL, 0, in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, 0xdeadbeefull, AVQ_CLASS_CAP, AVQ_CAP_GET,
	       NULL, 0, in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VDEV, AVQ_VDEV_CREATE,
	       &vc, sizeof(vc), in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, UINT64_MAX, AVQ_CLASS_VDEV, AVQ_VDEV_CREATE,
	       &vc, sizeof(vc), in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_AQ_INFO, AVQ_AQ_INFO_GET,
	       NULL, 0, in, sizeof(struct avq_aq_info));
	return unchanged(c, c->id, &before, "wrong device_id kind");
}

static int
test_bad_device_id(void)
{
	return run_both(bad_device_id_body);
}

/* ---- ids never created or destroyed ---- */

static int
noent_all(struct bctx *c, uint64_t id)
{
	struct avq_config_get cg = { avq_to_le32(0), avq_to_le32(6) };
	struct avq_mmu_asid_set as = { avq_to_le16(0), avq_to_le64(1) };
	struct avq_mmu_map_asid map = map_req(0x100000, 0x1fffff, 0x100000,
					      AVQ_MMU_F_READ, 0);
	struct avq_vq vq = { avq_to_le16(0) };
	uint8_t st = AVQ_STATUS_ACKNOWLEDGE, in[64];

	/* RFC admin VQ: a device_id that names no managed device fails. */
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
	       NULL, 0, in, 1);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
	       &st, 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET,
	       NULL, 0, in, 8);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_GENERATION,
	       AVQ_GENERATION_GET, NULL, 0, in, 4);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET,
	       &cg, sizeof(cg), in, 6);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_GET,
	       &vq, sizeof(vq), in, 2);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_MMU, AVQ_MMU_MAP,
	       &map, sizeof(map.map), NULL, 0);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as), NULL, 0);
	ACK_IS(c, AVQ_ACK_NOENT, id, AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY,
	       NULL, 0, NULL, 0);
	return TEST_SUCCESS;
}

static int
bad_destroyed_id_body(struct bctx *c)
{
	struct snap before;
	uint64_t b, again;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &b), "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(c->fx.aq, b, false), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	TEST_ASSERT_SUCCESS(noent_all(c, b), "destroyed id %" PRIu64, b);
	TEST_ASSERT_SUCCESS(noent_all(c, b + 1000), "never created");
	TEST_ASSERT_SUCCESS(noent_all(c, UINT64_MAX), "id 2^64-1");
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "unknown id"), "");

	/* Ids are never reused: a stale id cannot reach a new device. */
	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &again), "");
	TEST_ASSERT(again != b && again > c->id,
		    "id %" PRIu64 " reused as %" PRIu64, b, again);
	TEST_ASSERT_SUCCESS(noent_all(c, b), "destroyed id after a create");
	return TEST_SUCCESS;
}

static int
test_bad_destroyed_id(void)
{
	return run_both(bad_destroyed_id_body);
}

/* ---- out-data / in-data of the wrong size ---- */

static int
bad_out_len_body(struct bctx *c)
{
	uint8_t buf[64], in[64];
	struct {
		struct avq_vdev_create h;
		uint8_t cfg[sizeof(struct avq_net_create_cfg) + 1];
	} __rte_packed vc;
	struct avq_config_get cg = { avq_to_le32(0), avq_to_le32(6) };
	struct avq_mmu_map_asid map = map_req(0x100000, 0x1fffff, 0x100000,
					      AVQ_MMU_F_READ, 0);
	struct avq_mmu_unmap_asid um = {
		{ avq_to_le64(0x100000), avq_to_le64(0x1fffff) }, 0,
	};
	struct snap before;

	memset(buf, 0, sizeof(buf));
	buf[0] = AVQ_STATUS_ACKNOWLEDGE;
	memset(&vc, 0, sizeof(vc));
	vc.h.virtio_type = avq_to_le32(AVQ_VIRTIO_ID_NET);
	vc.cfg[0] = 0x02;
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	/* Out-data shorter or longer than the command's structure. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
	       buf, 0, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
	       buf, 2, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET,
	       buf, 7, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET,
	       buf, 9, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET,
	       &cg, 7, in, 6);
	memcpy(buf, &cg, sizeof(cg));
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET,
	       buf, 9, in, 6);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_CAP, AVQ_CAP_GET,
	       buf, 1, in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET,
	       buf, 3, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
	       buf, sizeof(struct avq_vq_addr) - 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_SET,
	       buf, sizeof(struct avq_msi_vq_set) - 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       buf, sizeof(struct avq_mmu_asid_set) - 1, NULL, 0);
	/* MMU_MAP: 28 bytes (RFC) or 36 (trailing ASID); nothing else. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_MAP,
	       &map, 27, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_MAP,
	       &map, 29, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_MAP,
	       &map, 35, NULL, 0);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &map, sizeof(map));
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_MAP,
	       buf, 37, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_UNMAP,
	       &um, 15, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_UNMAP,
	       &um, 17, NULL, 0);
	/* VDEV_CREATE: the type is 4 bytes; config[] at most the struct. */
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VDEV, AVQ_VDEV_CREATE,
	       &vc, 3, in, 8);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VDEV, AVQ_VDEV_CREATE,
	       &vc, sizeof(vc), in, 8);

	/* In-data buffers too small for the answer. */
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_CAP, AVQ_CAP_GET,
	       NULL, 0, in, 7);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
	       NULL, 0, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_GENERATION,
	       AVQ_GENERATION_GET, NULL, 0, in, 3);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_ERR_GET,
	       NULL, 0, in, sizeof(struct avq_mmu_err) - 1);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_AQ_INFO, AVQ_AQ_INFO_GET,
	       NULL, 0, in, sizeof(struct avq_aq_info) - 1);
	/* A device created without a place for its id would be lost. */
	memset(&vc.cfg, 0, sizeof(vc.cfg));
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_VDEV, AVQ_VDEV_CREATE,
	       &vc, sizeof(vc.h), in, 7);
	return unchanged(c, c->id, &before, "wrong data sizes");
}

static int
test_bad_out_len(void)
{
	return run_both(bad_out_len_body);
}

/* ---- config space offset / size ---- */

static int
config_get_is(struct bctx *c, int want, uint32_t off, uint32_t size,
	      uint32_t in_len)
{
	struct avq_config_get cg = { avq_to_le32(off), avq_to_le32(size) };
	uint8_t in[64];

	ACK_IS(c, want, c->id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET, &cg,
	       sizeof(cg), in, in_len);
	return TEST_SUCCESS;
}

/* CONFIG_SET with header (off, size) and @p data_len bytes of 0x5c. */
static int
config_set_is(struct bctx *c, int want, uint32_t off, uint32_t size,
	      uint32_t data_len)
{
	struct {
		struct avq_config_set h;
		uint8_t data[32];
	} __rte_packed cs;

	cs.h.offset = avq_to_le32(off);
	cs.h.size = avq_to_le32(size);
	memset(cs.data, 0x5c, sizeof(cs.data));
	ACK_IS(c, want, c->id, AVQ_CLASS_CONFIG, AVQ_CONFIG_SET, &cs,
	       sizeof(cs.h) + data_len, NULL, 0);
	return TEST_SUCCESS;
}

static int
bad_config_body(struct bctx *c)
{
	const uint32_t L = NET_CFG_LEN;
	struct snap before, after;
	uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	/* RFC admin VQ, CONFIG: access outside the config space fails. */
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_RANGE, L, 1, 1), "");
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_RANGE, L - 4, 8, 8), "");
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_RANGE, 0, L + 1, L + 1),
			    "");
	/* offset + size wraps in 32 bits */
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_RANGE, 0xfffffffcu, 8, 8),
			    "");
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_RANGE, UINT32_MAX, 1, 1),
			    "");
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_INVAL, 0, 0, 8), "");
	/* in-data buffer smaller than size */
	TEST_ASSERT_SUCCESS(config_get_is(c, AVQ_ACK_INVAL, 0, 8, 4), "");

	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 0, 0, 0), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_RANGE, L - 2, 4, 4), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_RANGE, L, 1, 1), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_RANGE, 0xfffffffeu, 4, 4),
			    "");
	/* 0xfffffffa + 6 wraps to 0: a device adding in 32 bits would
	 * write the MAC.
	 */
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_RANGE, 0xfffffffau, 6, 6),
			    "");
	/* Only the MAC is writable. */
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 6, 2, 2), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 4, 4, 4), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 10, 2, 2), "");
	/* size disagrees with the data that follows */
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 0, 6, 4), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 0, 4, 6), "");
	TEST_ASSERT_SUCCESS(config_set_is(c, AVQ_ACK_INVAL, 0, 6, 0), "");
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "bad CONFIG"), "");

	/* Control: a good CONFIG_SET does change both. */
	TEST_ASSERT_SUCCESS(rte_avq_config_set(c->fx.aq, c->id, 0, mac, 6), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &after), "");
	TEST_ASSERT(memcmp(after.config, mac, 6) == 0, "MAC not written");
	TEST_ASSERT_EQUAL(after.generation, before.generation + 1,
			  "GENERATION after a config change");
	return TEST_SUCCESS;
}

static int
test_bad_config(void)
{
	return run_both(bad_config_body);
}

/* ---- STATUS transitions ---- */

static int
status_set_is(struct bctx *c, int want, uint8_t st)
{
	ACK_IS(c, want, c->id, AVQ_CLASS_STATUS, AVQ_STATUS_SET, &st, 1,
	       NULL, 0);
	return TEST_SUCCESS;
}

static int
feat_set_is(struct bctx *c, int want, uint64_t features)
{
	struct avq_features f = { avq_to_le64(features) };

	ACK_IS(c, want, c->id, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET, &f,
	       sizeof(f), NULL, 0);
	return TEST_SUCCESS;
}

static int
bad_status_body(struct bctx *c)
{
	const uint8_t A = AVQ_STATUS_ACKNOWLEDGE, D = AVQ_STATUS_DRIVER;
	const uint8_t FOK = AVQ_STATUS_FEATURES_OK, DOK = AVQ_STATUS_DRIVER_OK;
	uint64_t dev_f;
	struct snap s;

	TEST_ASSERT_SUCCESS(rte_avq_feat_device_get(c->fx.aq, c->id, &dev_f),
			    "");
	TEST_ASSERT(dev_f & RTE_BIT64(AVQ_F_VERSION_1), "no VERSION_1");

	/* From 0. virtio 3.1.1: ACKNOWLEDGE, then DRIVER, then FEATURES_OK,
	 * then DRIVER_OK; the driver never sets NEEDS_RESET or MMU_FAIL.
	 */
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &s), "");
	TEST_ASSERT_EQUAL(s.status, 0, "fresh device");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, D), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, FOK), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, DOK), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL,
					  AVQ_STATUS_DEVICE_NEEDS_RESET), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL,
					  AVQ_STATUS_DEVICE_MMU_FAIL), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL,
					  A | AVQ_STATUS_DEVICE_NEEDS_RESET), "");
	TEST_ASSERT_SUCCESS(feat_set_is(c, AVQ_ACK_INVAL, dev_f), "");
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &s, "bad STATUS from 0"), "");

	/* ACKNOWLEDGE */
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_OK, A), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &s), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, D), "clears A");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, A | DOK), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, A | FOK), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL,
					  A | AVQ_STATUS_DEVICE_MMU_FAIL), "");
	TEST_ASSERT_SUCCESS(feat_set_is(c, AVQ_ACK_INVAL, dev_f), "");
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &s, "bad STATUS from ACK"), "");

	/* ACKNOWLEDGE | DRIVER, features without VERSION_1 */
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_OK, A | D), "");
	TEST_ASSERT_SUCCESS(feat_set_is(c, AVQ_ACK_OK,
					dev_f & ~RTE_BIT64(AVQ_F_VERSION_1)),
			    "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &s), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, A | D | FOK),
			    "FEATURES_OK without VERSION_1");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, A | D | DOK), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, A), "clears D");
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &s, "bad STATUS from DRIVER"),
			    "");

	/* FEATURES_OK: features are frozen, bits stay set. */
	TEST_ASSERT_SUCCESS(feat_set_is(c, AVQ_ACK_OK, dev_f), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_OK, A | D | FOK), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &s), "");
	TEST_ASSERT_EQUAL(s.status, A | D | FOK, "");
	TEST_ASSERT_SUCCESS(feat_set_is(c, AVQ_ACK_INVAL,
					dev_f & ~RTE_BIT64(AVQ_NET_F_MAC)),
			    "features after FEATURES_OK");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL, A | D), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL,
					  A | D | FOK |
					  AVQ_STATUS_DEVICE_NEEDS_RESET), "");
	TEST_ASSERT_SUCCESS(status_set_is(c, AVQ_ACK_INVAL,
					  A | D | FOK |
					  AVQ_STATUS_DEVICE_MMU_FAIL), "");
	return unchanged(c, c->id, &s, "bad STATUS from FEATURES_OK");
}

static int
test_bad_status(void)
{
	return run_both(bad_status_body);
}

/* ---- queue index out of range ---- */

static int
bad_queue_index_body(struct bctx *c)
{
	static const uint16_t qs[] = { NET_QUEUES, NET_QUEUES + 1, 64, 0x7fff,
				       0xffff };
	struct rte_avq_dev_vdev_info info;
	struct snap before;
	uint8_t in[32];
	unsigned int i;

	TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(c->fx.dev, c->id, &info), "");
	TEST_ASSERT_EQUAL(info.num_queues, NET_QUEUES, "queues of 1 pair");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	for (i = 0; i < RTE_DIM(qs); i++) {
		uint16_t q = qs[i];
		struct avq_vq vq = { avq_to_le16(q) };
		struct avq_vq_u8 v0 = { avq_to_le16(q), 0 };
		struct avq_vq_size_set ss = { avq_to_le16(q), avq_to_le16(64) };
		struct avq_vq_addr va = {
			avq_to_le16(q), avq_to_le64(0x3000),
			avq_to_le64(0x1000), avq_to_le64(0x2000),
		};
		struct avq_msi_vq_set ms = {
			avq_to_le16(q), avq_to_le64(1), avq_to_le32(7),
		};
		struct avq_mmu_asid_set as = { avq_to_le16(q), avq_to_le64(1) };

		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_VQ_SIZE,
		       AVQ_VQ_SIZE_GET, &vq, sizeof(vq), in, 2);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_VQ_SIZE,
		       AVQ_VQ_SIZE_SET, &ss, sizeof(ss), NULL, 0);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_VQ_ENABLE,
		       AVQ_VQ_ENABLE_GET, &vq, sizeof(vq), in, 1);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_VQ_ENABLE,
		       AVQ_VQ_ENABLE_SET, &v0, sizeof(v0), NULL, 0);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_VQ_ADDR,
		       AVQ_VQ_ADDR_SET, &va, sizeof(va), NULL, 0);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_VQ_NOTIFY,
		       AVQ_VQ_NOTIFY_GET, &vq, sizeof(vq), in, 16);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MSI,
		       AVQ_MSI_VQ_SET, &ms, sizeof(ms), NULL, 0);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MSI,
		       AVQ_MSI_VQ_ENABLE, &v0, sizeof(v0), NULL, 0);
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MSI,
		       AVQ_MSI_VQ_MASK, &v0, sizeof(v0), NULL, 0);
		/* the ASID of a queue that does not exist */
		ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MMU,
		       AVQ_MMU_ASID_SET, &as, sizeof(as), NULL, 0);
	}
	return unchanged(c, c->id, &before, "queue index out of range");
}

static int
test_bad_queue_index(void)
{
	return run_both(bad_queue_index_body);
}

/* ---- bad values for a valid queue ---- */

static int
bad_vq_value_body(struct bctx *c)
{
	struct avq_vq_size_set ss = { avq_to_le16(0), avq_to_le16(3) };
	struct avq_vq_u8 en = { avq_to_le16(0), 1 };
	struct avq_vq_addr va;
	struct snap before;
	uint64_t base = 0x100000;

	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");
	/* virtio 2.7: queue size is a power of two. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET,
	       &ss, sizeof(ss), NULL, 0);
	/* Enabling a queue whose address was never set. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_ENABLE,
	       AVQ_VQ_ENABLE_SET, &en, sizeof(en), NULL, 0);
	/* virtio 2.7: alignment 16 (descriptors), 2 (driver), 4 (device). */
	va.queue_index = avq_to_le16(0);
	va.descriptor_area = avq_to_le64(base + 8);
	va.driver_area = avq_to_le64(base + 0x1000);
	va.device_area = avq_to_le64(base + 0x2000);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
	       &va, sizeof(va), NULL, 0);
	va.descriptor_area = avq_to_le64(base);
	va.driver_area = avq_to_le64(base + 0x1001);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
	       &va, sizeof(va), NULL, 0);
	va.driver_area = avq_to_le64(base + 0x1000);
	va.device_area = avq_to_le64(base + 0x2002);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_ADDR, AVQ_VQ_ADDR_SET,
	       &va, sizeof(va), NULL, 0);
	/* The failed VQ_ADDR_SETs left no address: enabling still fails. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_VQ_ENABLE,
	       AVQ_VQ_ENABLE_SET, &en, sizeof(en), NULL, 0);
	return unchanged(c, c->id, &before, "bad queue values");
}

static int
test_bad_vq_value(void)
{
	return run_both(bad_vq_value_body);
}

/* ---- MSI values ---- */

static int
bad_msi_body(struct bctx *c)
{
	struct avq_msi_config_set mc = { avq_to_le64(256), avq_to_le32(1) };
	struct avq_msi_vq_set mv = {
		avq_to_le16(0), avq_to_le64(256), avq_to_le32(1),
	};
	struct avq_vq_u8 v = { avq_to_le16(0), 1 };
	struct rte_avq_dev_vector_info vi;
	struct snap before;
	uint8_t b = 1;
	int fd;

	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");
	/* Enabling needs a vector. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE,
	       &b, 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE,
	       &v, sizeof(v), NULL, 0);
	/* Vectors are below max_vectors (256). */
	ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_SET,
	       &mc, sizeof(mc), NULL, 0);
	ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_SET,
	       &mv, sizeof(mv), NULL, 0);
	mv.addr = avq_to_le64(UINT64_MAX);
	ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_SET,
	       &mv, sizeof(mv), NULL, 0);
	/* ... so they set no vector: enabling still fails. */
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE,
	       &b, 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE,
	       &v, sizeof(v), NULL, 0);
	/* Enable/mask bytes are 0 or 1 (DESIGN 4 resolution). */
	b = 2;
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE,
	       &b, 1, NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_MASK,
	       &b, 1, NULL, 0);
	v.value = 0xff;
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_ENABLE,
	       &v, sizeof(v), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MSI, AVQ_MSI_VQ_MASK,
	       &v, sizeof(v), NULL, 0);
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "bad MSI"), "");

	/* A failed CONFIG_SET does not replace a good vector: the config
	 * interrupt still arrives on vector 5 with data 0x1234.
	 */
	fd = avq_fx_vector_fd(&c->fx, 5);
	TEST_ASSERT(fd >= 0, "eventfd");
	mc.addr = avq_to_le64(5);
	mc.data = avq_to_le32(0x1234);
	b = 1;
	if (avq_fx_ack(&c->fx, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_SET, &mc,
		       sizeof(mc), NULL, 0) != AVQ_ACK_OK ||
	    avq_fx_ack(&c->fx, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_ENABLE,
		       &b, 1, NULL, 0) != AVQ_ACK_OK) {
		fprintf(stderr, "cannot program the config vector\n");
		goto fail;
	}
	mc.addr = avq_to_le64(300);
	mc.data = avq_to_le32(0x9999);
	if (avq_fx_ack(&c->fx, c->id, AVQ_CLASS_MSI, AVQ_MSI_CONFIG_SET, &mc,
		       sizeof(mc), NULL, 0) != avq_fx_want_ack(&c->fx, AVQ_ACK_RANGE)) {
		fprintf(stderr, "MSI_CONFIG_SET vector 300 not refused\n");
		goto fail;
	}
	if (rte_avq_dev_net_link_set(c->fx.dev, c->id, false) < 0 ||
	    rte_avq_dev_vector_info(c->fx.dev, 5, &vi) < 0) {
		fprintf(stderr, "link event failed\n");
		goto fail;
	}
	if (vi.count != 1 || vi.last_data != 0x1234 ||
	    avq_fx_eventfd_count(fd) != 1) {
		fprintf(stderr, "vector 5: count %" PRIu64 " data 0x%x\n",
			vi.count, vi.last_data);
		goto fail;
	}
	return TEST_SUCCESS;
fail:
	return TEST_FAILED;	/* teardown unbinds and closes fd */
}

static int
test_bad_msi(void)
{
	return run_both(bad_msi_body);
}

/* ---- MMU: empty, inverted and malformed ranges ---- */

static int
bad_mmu_range_body(struct bctx *c)
{
	const uint32_t RW = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	struct avq_mmu_unmap um;
	struct snap before;
	uint64_t dma;

	TEST_ASSERT_NOT_NULL(avq_fx_dma_alloc(&c->fx, 65536, &dma), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");
	TEST_ASSERT_EQUAL(before.info.mmu_mappings, 0, "");

	/* virtio-iommu v0.7 MAP: virt_end must be strictly greater than
	 * virt_start (DESIGN 4): empty and inverted ranges are INVAL.
	 */
	MAP_IS(c, AVQ_ACK_INVAL, c->id, 0x100000, 0x100000, dma, RW);
	MAP_IS(c, AVQ_ACK_INVAL, c->id, 0x200000, 0x1fffff, dma, RW);
	MAP_IS(c, AVQ_ACK_INVAL, c->id, UINT64_MAX, 0, dma, RW);
	MAP_ASID_IS(c, AVQ_ACK_INVAL, c->id, 0x200000, 0x1fffff, dma, RW, 1);
	/* Flags: none -> INVAL; unknown bits or MMIO -> UNSUPP. */
	MAP_IS(c, AVQ_ACK_INVAL, c->id, 0x100000, 0x10ffff, dma, 0);
	MAP_IS(c, AVQ_ACK_INVAL, c->id, 0x100000, 0x10ffff, dma,
	       AVQ_MMU_F_EXEC);
	MAP_IS(c, AVQ_ACK_UNSUPP, c->id, 0x100000, 0x10ffff, dma,
	       AVQ_MMU_F_READ | 0x10);
	MAP_IS(c, AVQ_ACK_UNSUPP, c->id, 0x100000, 0x10ffff, dma,
	       AVQ_MMU_F_READ | 0x80000000u);
	MAP_IS(c, AVQ_ACK_UNSUPP, c->id, 0x100000, 0x10ffff, dma,
	       AVQ_MMU_F_READ | AVQ_MMU_F_MMIO);
	/* The DMA side would wrap 2^64. */
	MAP_IS(c, AVQ_ACK_RANGE, c->id, 0x100000, 0x10ffff, UINT64_MAX - 0xff,
	       RW);
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "bad MMU ranges"), "");

	/* With a mapping in place nothing removes or adds one either. */
	MAP_IS(c, AVQ_ACK_OK, c->id, 0x100000, 0x10ffff, dma, RW);
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");
	TEST_ASSERT_EQUAL(before.info.mmu_mappings, 1, "");
	MAP_IS(c, AVQ_ACK_INVAL, c->id, 0x10ffff, 0x100000, dma, RW);
	MAP_IS(c, AVQ_ACK_INVAL, c->id, 0x100000, 0x100000, dma, RW);
	um.iova_start = avq_to_le64(0x10ffff);
	um.iova_end = avq_to_le64(0x100000);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_UNMAP, &um,
	       sizeof(um), NULL, 0);
	um.iova_start = avq_to_le64(0x100000);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_UNMAP, &um,
	       sizeof(um), NULL, 0);
	return unchanged(c, c->id, &before, "bad MMU ranges, one mapping");
}

static int
test_bad_mmu_range(void)
{
	return run_both(bad_mmu_range_body);
}

/* ---- MMU: overlapping maps ---- */

static int
bad_mmu_overlap_body(struct bctx *c)
{
	const uint32_t R = AVQ_MMU_F_READ;
	struct snap before;
	uint64_t dma;

	TEST_ASSERT_NOT_NULL(avq_fx_dma_alloc(&c->fx, 65536, &dma), "");
	MAP_IS(c, AVQ_ACK_OK, c->id, 0x100000, 0x1fffff, dma, R);
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");
	TEST_ASSERT_EQUAL(before.info.mmu_mappings, 1, "");

	/* RFC admin VQ, MMU_MAP: MUST fail if the range intersects an
	 * existing one; ranges are inclusive, so one shared byte counts.
	 */
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x100000, 0x1fffff, dma, R);
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x180000, 0x27ffff, dma, R);
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x0, 0x100000, dma, R);
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x1fffff, 0x2fffff, dma, R);
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x0, 0x3fffff, dma, R);
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x140000, 0x14ffff, dma, R);
	MAP_ASID_IS(c, AVQ_ACK_EXIST, c->id, 0x140000, 0x14ffff, dma, R, 0);
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "overlapping MAP"),
			    "");

	/* Neighbours are fine; then one that bridges two mappings fails. */
	MAP_IS(c, AVQ_ACK_OK, c->id, 0x200000, 0x2fffff, dma, R);
	MAP_IS(c, AVQ_ACK_OK, c->id, 0x0, 0xfffff, dma, R);
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&c->fx, c->id), 3, "");
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0xff000, 0x200fff, dma, R);
	MAP_IS(c, AVQ_ACK_EXIST, c->id, 0x1ff000, 0x3fffff, dma, R);
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&c->fx, c->id), 3, "bridging MAP");
	/* Overlap is per address space. */
	MAP_ASID_IS(c, AVQ_ACK_OK, c->id, 0x100000, 0x1fffff, dma, R, 1);
	MAP_ASID_IS(c, AVQ_ACK_EXIST, c->id, 0x1ff000, 0x200fff, dma, R, 1);
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&c->fx, c->id), 4, "");
	return TEST_SUCCESS;
}

static int
test_bad_mmu_overlap(void)
{
	return run_both(bad_mmu_overlap_body);
}

/* ---- MMU: the reserved MSI region ---- */

static int
bad_mmu_resv_body(struct bctx *c)
{
	const uint32_t RW = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	const uint64_t S = 0xfee00000ull, E = 0xfeefffffull;
	struct avq_mmu_resv r[4];
	struct snap before;
	uint64_t dma;
	int n, i;
	bool found = false;

	TEST_ASSERT_NOT_NULL(avq_fx_dma_alloc(&c->fx, 65536, &dma), "");
	/* The device reports the region it refuses (virtio-iommu RESV_MEM). */
	n = rte_avq_mmu_resv_get(c->fx.aq, c->id, r, RTE_DIM(r));
	TEST_ASSERT(n > 0, "MMU_RESV_GET: %d", n);
	for (i = 0; i < n && i < (int)RTE_DIM(r); i++)
		if (avq_le64(r[i].start) == S && avq_le64(r[i].end) == E &&
		    r[i].subtype == AVQ_MMU_RESV_T_MSI)
			found = true;
	TEST_ASSERT(found, "MSI region not reported");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	/* virtio-iommu v0.7: reserved regions cannot be mapped (DESIGN 4). */
	MAP_IS(c, AVQ_ACK_RANGE, c->id, S, S + 0xfff, dma, RW);
	MAP_IS(c, AVQ_ACK_RANGE, c->id, S, E, dma, RW);
	MAP_IS(c, AVQ_ACK_RANGE, c->id, S + 0x80000, S + 0x8ffff, dma, RW);
	MAP_IS(c, AVQ_ACK_RANGE, c->id, E, E + 0x1000, dma, RW);
	MAP_IS(c, AVQ_ACK_RANGE, c->id, S - 0x100000, S, dma, RW);
	MAP_IS(c, AVQ_ACK_RANGE, c->id, 0, 0xffffffffull, dma, RW);
	MAP_ASID_IS(c, AVQ_ACK_RANGE, c->id, S, S + 0xfff, dma, RW, 3);
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "reserved MAP"), "");

	/* Right next to it is fine. */
	MAP_IS(c, AVQ_ACK_OK, c->id, S - 0x100000, S - 1, dma, RW);
	MAP_IS(c, AVQ_ACK_OK, c->id, E + 1, E + 0x10000, dma, RW);
	TEST_ASSERT_EQUAL(avq_fx_mmu_mappings(&c->fx, c->id), 2, "");
	return TEST_SUCCESS;
}

static int
test_bad_mmu_resv(void)
{
	return run_both(bad_mmu_resv_body);
}

/* ---- MMU: ASID of a queue that does not exist ---- */

static int
bad_mmu_asid_body(struct bctx *c)
{
	struct avq_mmu_asid_set as = { avq_to_le16(NET_QUEUES), avq_to_le64(1) };
	struct snap before;
	uint64_t gone;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &gone), "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_destroy(c->fx.aq, gone, false), "");
	TEST_ASSERT_SUCCESS(snap_take(c, c->id, &before), "");

	ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as), NULL, 0);
	as.queue_index = avq_to_le16(0xffff);
	ACK_IS(c, AVQ_ACK_RANGE, c->id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as), NULL, 0);
	as.queue_index = avq_to_le16(0);
	ACK_IS(c, AVQ_ACK_INVAL, 0, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as), NULL, 0);
	ACK_IS(c, AVQ_ACK_NOENT, gone, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as), NULL, 0);
	ACK_IS(c, AVQ_ACK_INVAL, c->id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as) - 1, NULL, 0);
	TEST_ASSERT_SUCCESS(unchanged(c, c->id, &before, "bad ASID_SET"), "");
	/* Control: queue 0 exists. */
	ACK_IS(c, AVQ_ACK_OK, c->id, AVQ_CLASS_MMU, AVQ_MMU_ASID_SET,
	       &as, sizeof(as), NULL, 0);
	return TEST_SUCCESS;
}

static int
test_bad_mmu_asid(void)
{
	return run_both(bad_mmu_asid_body);
}

/* ---- garbage for one device leaves another alone ---- */

/* Malformed chains whose header names device @p a. */
static int
garbage_chains(struct bctx *c, uint64_t a)
{
	struct avq_cmd_hdr h = {
		avq_to_le64(a), avq_to_le16(AVQ_CLASS_STATUS),
		avq_to_le16(AVQ_STATUS_SET),
	};
	struct rte_avq_raw_desc d[3];
	uint32_t used_len;
	uint64_t dma;
	uint8_t *sc;
	unsigned int i;

	sc = rte_avq_aq_scratch(c->fx.aq, &dma);
	TEST_ASSERT_NOT_NULL(sc, "");
	memcpy(sc, &h, sizeof(h));
	sc[sizeof(h)] = 0;	/* STATUS_SET 0: a reset, if ever executed */
	for (i = 0; i < 4; i++) {
		memset(d, 0, sizeof(d));
		d[0] = (struct rte_avq_raw_desc){ dma, 13, AVQ_DESC_F_NEXT, 1 };
		d[1] = (struct rte_avq_raw_desc){ dma + 1024, 1,
						  AVQ_DESC_F_WRITE, 0 };
		switch (i) {
		case 0:		/* short header */
			d[0].len = 4;
			break;
		case 1:		/* ack outside every window */
			d[1].addr = 0x1000;
			break;
		case 2:		/* writable first */
			d[0].flags = AVQ_DESC_F_WRITE | AVQ_DESC_F_NEXT;
			d[1].flags = 0;
			break;
		case 3:		/* loop */
			d[1].flags |= AVQ_DESC_F_NEXT;
			d[1].next = 0;
			break;
		}
		TEST_ASSERT_SUCCESS(rte_avq_aq_exec_raw(c->fx.aq, d, 2, 0,
							&used_len, 1000000),
				    "malformed chain %u", i);
	}
	return TEST_SUCCESS;
}

static int
bad_garbage_isolation_body(struct bctx *c)
{
	static const uint16_t classes[] = {
		AVQ_CLASS_CAP, AVQ_CLASS_VDEV, AVQ_CLASS_FEAT,
		AVQ_CLASS_STATUS, AVQ_CLASS_GENERATION, AVQ_CLASS_CONFIG,
		AVQ_CLASS_MSI, AVQ_CLASS_VQ_ADDR, AVQ_CLASS_VQ_ENABLE,
		AVQ_CLASS_VQ_SIZE, AVQ_CLASS_VQ_NOTIFY, AVQ_CLASS_MMU,
		AVQ_CLASS_AQ_INFO, AVQ_CLASS_MMU_RESV, AVQ_CLASS_MMU_BATCH,
		AVQ_CLASS_NET_CTRL, AVQ_CLASS_VQ_STATE, AVQ_CLASS_DIRTY_LOG,
		AVQ_CLASS_VQ_STATS, AVQ_CLASS_EVENTQ, AVQ_CLASS_KICK,
		AVQ_CLASS_MULTI,
	};
	uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
	uint64_t seed = 0xa11ce5b0bull, a = c->id, b, r;
	struct snap before;
	uint8_t out[48], in[64];
	uint16_t cls, cmd;
	uint32_t olen, ilen, k;
	unsigned int it;
	int ack;

	TEST_ASSERT_SUCCESS(avq_fx_create_net(&c->fx, &b), "");
	TEST_ASSERT_SUCCESS(avq_fx_features_ok(&c->fx, b), "");
	TEST_ASSERT_SUCCESS(rte_avq_config_set(c->fx.aq, b, 0, mac, 6), "");
	TEST_ASSERT_SUCCESS(rte_avq_vq_size_set(c->fx.aq, b, 0, 64), "");
	TEST_ASSERT_SUCCESS(snap_take(c, b, &before), "");

	for (it = 0; it < 512; it++) {
		r = avq_fx_prng(&seed);
		cls = (r & 7) == 0 ? (uint16_t)(r >> 48) :
			classes[(r >> 8) % RTE_DIM(classes)];
		cmd = (r & 0x70) == 0 ? (uint16_t)(r >> 32) :
			(uint16_t)((r >> 16) % 8);
		olen = avq_fx_prng(&seed) % (sizeof(out) + 1);
		ilen = avq_fx_prng(&seed) % (sizeof(in) + 1);
		for (k = 0; k < olen; k++)
			out[k] = (uint8_t)avq_fx_prng(&seed);
		ack = avq_fx_ack(&c->fx, a, cls, cmd, out, olen, in, ilen);
		TEST_ASSERT(ack >= 0 && ack < (c->fx.strict ? 2 : AVQ_ACK_MAX),
			    "garbage %u (class %u cmd %u): ack %d", it, cls,
			    cmd, ack);
	}
	TEST_ASSERT_SUCCESS(garbage_chains(c, a), "");

	/* B: same status, config, generation, queues; still serving. */
	TEST_ASSERT_SUCCESS(unchanged(c, b, &before, "device B"), "");
	TEST_ASSERT_EQUAL(before.status, AVQ_STATUS_ACKNOWLEDGE |
			  AVQ_STATUS_DRIVER | AVQ_STATUS_FEATURES_OK, "");
	TEST_ASSERT(memcmp(before.config, mac, 6) == 0, "");
	mac[5] = 0x0c;
	TEST_ASSERT_SUCCESS(rte_avq_config_set(c->fx.aq, b, 0, mac, 6),
			    "B after the garbage");
	return TEST_SUCCESS;
}

static int
test_bad_garbage_isolation(void)
{
	return run_both(bad_garbage_isolation_body);
}

REGISTER_AVQ_TEST(bad_class_autotest, test_bad_class);
REGISTER_AVQ_TEST(bad_device_id_autotest, test_bad_device_id);
REGISTER_AVQ_TEST(bad_destroyed_id_autotest, test_bad_destroyed_id);
REGISTER_AVQ_TEST(bad_out_len_autotest, test_bad_out_len);
REGISTER_AVQ_TEST(bad_config_autotest, test_bad_config);
REGISTER_AVQ_TEST(bad_status_autotest, test_bad_status);
REGISTER_AVQ_TEST(bad_queue_index_autotest, test_bad_queue_index);
REGISTER_AVQ_TEST(bad_vq_value_autotest, test_bad_vq_value);
REGISTER_AVQ_TEST(bad_msi_autotest, test_bad_msi);
REGISTER_AVQ_TEST(bad_mmu_range_autotest, test_bad_mmu_range);
REGISTER_AVQ_TEST(bad_mmu_overlap_autotest, test_bad_mmu_overlap);
REGISTER_AVQ_TEST(bad_mmu_resv_autotest, test_bad_mmu_resv);
REGISTER_AVQ_TEST(bad_mmu_asid_autotest, test_bad_mmu_asid);
REGISTER_AVQ_TEST(bad_garbage_isolation_autotest, test_bad_garbage_isolation);
