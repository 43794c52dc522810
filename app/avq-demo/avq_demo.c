/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * avq-demo: the embedded default end to end. A software management device
 * (transport sim) runs on its own thread; the driver side creates managed
 * virtio-net devices through the admin queue and drives every basic
 * facility of each one -- features, status, config, generation, MSI,
 * virtqueues, notify areas, device MMU -- then resets and destroys them.
 * Every admin command the device executed is printed with its result.
 *
 *   avq-demo <EAL args> -- [--vdevs N] [--strict] [--quiet]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include <rte_avq_wire.h>
#include <rte_avq_aq.h>
#include <rte_avq_cmd.h>
#include <rte_avq_dev.h>
#include <rte_avq_sim.h>

#define RING_SIZE 256
#define MAX_DEMO_VDEVS 64

struct demo {
	struct rte_avq_dev *dev;
	struct rte_avq_transport t;
	struct rte_avq_aq *aq;
	uint64_t trace_seq;
	bool quiet;
	unsigned int errors;
};

/* Print what the device executed since the last call. */
static void
show_trace(struct demo *dm)
{
	struct rte_avq_dev_trace_entry e[64];
	int i, n;

	do {
		n = rte_avq_dev_trace_read(dm->dev, dm->trace_seq, e, RTE_DIM(e));
		for (i = 0; i < n; i++) {
			dm->trace_seq = e[i].seq;
			if (dm->quiet)
				continue;
			printf("  #%-4" PRIu64 " aq%u dev %-3" PRIu64 " %-10s %-13s out %3u in %3u -> %s\n",
			       e[i].seq, e[i].aq, e[i].device_id,
			       avq_class_str(e[i].class_id),
			       avq_cmd_str(e[i].class_id, e[i].command),
			       e[i].out_len, e[i].in_len, avq_ack_str(e[i].ack));
		}
	} while (n == (int)RTE_DIM(e));
}

static void
step(struct demo *dm, const char *what, int ret, int expect)
{
	show_trace(dm);
	if (ret != expect) {
		printf("  !! %s: got %d (%s), expected %d\n", what, ret,
		       strerror(ret < 0 ? -ret : ret), expect);
		dm->errors++;
	} else if (!dm->quiet) {
		printf("  -- %s: %s\n", what, ret == 0 ? "ok" : strerror(-ret));
	}
}

/* DMA memory for one managed device's rings: split rings of RING_SIZE. */
struct rings {
	void *va;
	uint64_t dma;
	size_t len;
};

static int
rings_alloc(struct demo *dm, struct rings *r, unsigned int nq)
{
	r->len = (size_t)nq * 3 * 4096 * (RING_SIZE / 64 + 1);
	r->va = rte_zmalloc("avq_demo_rings", r->len, 4096);
	if (r->va == NULL)
		return -ENOMEM;
	r->dma = dm->t.ops->dma_addr(dm->t.ctx, r->va);
	return dm->t.ops->dma_map(dm->t.ctx, r->va, r->dma, r->len);
}

static void
rings_free(struct demo *dm, struct rings *r)
{
	if (r->va == NULL)
		return;
	dm->t.ops->dma_unmap(dm->t.ctx, r->dma, r->len);
	rte_free(r->va);
	r->va = NULL;
}

/* Drive every basic facility of one managed device, as a vDPA or net
 * driver would, then reset it. */
static void
drive_vdev(struct demo *dm, uint64_t id, unsigned int n, int vec_fd,
	   uint32_t vector)
{
	struct rte_avq_dev_vector_info vi;
	struct avq_net_config cfg;
	struct avq_mmu_err err;
	struct rte_avq_vq_params vq;
	struct rings r = { 0 };
	uint64_t f, addr, size, iova = 0x100000;
	uint32_t gen, gen2;
	uint8_t status;
	uint16_t qsz;
	unsigned int q;

	printf("\n== managed device %" PRIu64 ": configuration\n", id);
	step(dm, "read config (generation-consistent)",
	     rte_avq_config_read(dm->aq, id, 0, &cfg, sizeof(cfg), &gen), 0);
	printf("     mac %02x:%02x:%02x:%02x:%02x:%02x  status %s  pairs %u  mtu %u  generation %u\n",
	       cfg.mac[0], cfg.mac[1], cfg.mac[2], cfg.mac[3], cfg.mac[4],
	       cfg.mac[5], avq_le16(cfg.status) & AVQ_NET_S_LINK_UP ?
	       "link-up" : "link-down", avq_le16(cfg.max_virtqueue_pairs),
	       avq_le16(cfg.mtu), gen);

	printf("== managed device %" PRIu64 ": feature negotiation\n", id);
	step(dm, "ACKNOWLEDGE", rte_avq_status_set(dm->aq, id,
	     AVQ_STATUS_ACKNOWLEDGE), 0);
	step(dm, "DRIVER", rte_avq_status_set(dm->aq, id,
	     AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER), 0);
	step(dm, "device features", rte_avq_feat_device_get(dm->aq, id, &f), 0);
	printf("     device features 0x%016" PRIx64 " (ADMIN_VQ %s)\n", f,
	       f & (1ull << AVQ_F_ADMIN_VQ) ? "offered: WRONG" : "not offered");
	/* A management driver may mediate: drop control-vq features. */
	f &= ~((1ull << AVQ_NET_F_CTRL_VLAN) | (1ull << AVQ_NET_F_CTRL_RX));
	step(dm, "accept features", rte_avq_feat_driver_set(dm->aq, id, f), 0);
	step(dm, "FEATURES_OK", rte_avq_status_set(dm->aq, id,
	     AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
	     AVQ_STATUS_FEATURES_OK), 0);

	printf("== managed device %" PRIu64 ": interrupts, device MMU, virtqueues\n", id);
	step(dm, "config MSI vector", rte_avq_msi_config_set(dm->aq, id, vector,
	     0xc0 + n), 0);
	step(dm, "config MSI enable", rte_avq_msi_config_enable(dm->aq, id, true), 0);
	if (rings_alloc(dm, &r, 3) < 0) {
		printf("  !! no memory for rings\n");
		dm->errors++;
		return;
	}
	step(dm, "MMU enable", rte_avq_mmu_enable(dm->aq, id, true), 0);
	step(dm, "MMU map the ring memory", rte_avq_mmu_map(dm->aq, id, 0, iova,
	     r.len, r.dma, AVQ_MMU_F_READ | AVQ_MMU_F_WRITE), 0);
	step(dm, "MMU map overlapping (refused)", rte_avq_mmu_map(dm->aq, id, 0,
	     iova + 4096, 4096, r.dma, AVQ_MMU_F_READ), -EEXIST);
	for (q = 0; q < 3; q++) {
		uint64_t base = iova + (uint64_t)q * 3 * 4096 * (RING_SIZE / 64 + 1);

		memset(&vq, 0, sizeof(vq));
		vq.size = RING_SIZE;
		vq.desc = base;
		vq.driver = base + AVQ_DESC_AREA_SIZE(RING_SIZE);
		vq.device = RTE_ALIGN_CEIL(vq.driver +
				AVQ_AVAIL_AREA_SIZE(RING_SIZE), 4096);
		vq.msi = true;
		vq.vector = vector;
		vq.data = q;
		step(dm, q == 2 ? "set up control queue 2" :
		     q == 0 ? "set up rx queue 0" : "set up tx queue 1",
		     rte_avq_vq_setup(dm->aq, id, q, &vq), 0);
	}
	step(dm, "queue size", rte_avq_vq_size_get(dm->aq, id, 0, &qsz), 0);
	step(dm, "notify area of queue 1",
	     rte_avq_vq_notify_get(dm->aq, id, 1, &addr, &size), 0);
	printf("     queue 0 size %u; queue 1 doorbell at 0x%" PRIx64 " (%" PRIu64 " bytes)\n",
	       qsz, addr, size);
	step(dm, "DRIVER_OK", rte_avq_status_set(dm->aq, id,
	     AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |
	     AVQ_STATUS_FEATURES_OK | AVQ_STATUS_DRIVER_OK), 0);
	step(dm, "status", rte_avq_status_get(dm->aq, id, &status), 0);
	printf("     status 0x%02x\n", status);

	printf("== managed device %" PRIu64 ": device-side events\n", id);
	rte_avq_dev_net_link_set(dm->dev, id, false);
	step(dm, "generation after link down",
	     rte_avq_generation_get(dm->aq, id, &gen2), 0);
	rte_avq_dev_vector_info(dm->dev, vector, &vi);
	printf("     generation %u -> %u; vector %u delivered %" PRIu64 " (last data 0x%x)\n",
	       gen, gen2, vector, vi.count, vi.last_data);
	if (gen2 == gen) {
		printf("  !! generation did not change\n");
		dm->errors++;
	}
	step(dm, "MMU error record (none)", rte_avq_mmu_err_get(dm->aq, id, &err), 0);
	printf("     MMU error reason %u\n", avq_le32(err.reason));

	printf("== managed device %" PRIu64 ": reset\n", id);
	step(dm, "reset (STATUS 0, then read 0)", rte_avq_reset(dm->aq, id), 0);
	step(dm, "queue 0 size after reset (the maximum)",
	     rte_avq_vq_size_get(dm->aq, id, 0, &qsz), 0);
	rings_free(dm, &r);
	(void)vec_fd;
}

static int
parse_args(int argc, char **argv, unsigned int *nvdevs, bool *strict,
	   bool *quiet)
{
	static const struct option opts[] = {
		{ "vdevs", required_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			errno = 0;
			*nvdevs = strtoul(optarg, &end, 0);
			if (errno != 0 || *end != '\0' || *nvdevs == 0 ||
			    *nvdevs > MAX_DEMO_VDEVS) {
				fprintf(stderr, "--vdevs: 1..%u\n", MAX_DEMO_VDEVS);
				return -1;
			}
			break;
		case 's':
			*strict = true;
			break;
		case 'q':
			*quiet = true;
			break;
		default:
			fprintf(stderr, "usage: avq-demo <EAL args> -- [--vdevs N] [--strict] [--quiet]\n");
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct rte_avq_dev_params p;
	struct rte_avq_dev_stats st;
	struct avq_aq_info info;
	uint64_t ids[MAX_DEMO_VDEVS], caps, f, id;
	unsigned int nvdevs = 2, i;
	struct demo dm = { 0 };
	bool strict = false;
	int ret, vfd = -1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "avq-demo: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	if (parse_args(argc - ret, argv + ret, &nvdevs, &strict, &dm.quiet) < 0)
		goto out_eal;

	rte_avq_dev_params_init(&p);
	snprintf(p.name, sizeof(p.name), "sim0");
	p.strict = strict;
	dm.dev = rte_avq_dev_create(&p);
	if (dm.dev == NULL) {
		fprintf(stderr, "avq-demo: management device: %s\n",
			rte_strerror(rte_errno));
		goto out_eal;
	}
	ret = rte_avq_dev_start(dm.dev);
	if (ret < 0)
		goto out_dev;
	rte_avq_sim_transport(dm.dev, &dm.t);
	f = dm.t.ops->features_get(dm.t.ctx);
	printf("management device sim0 (transport %s): features 0x%016" PRIx64 "%s\n",
	       dm.t.name, f, strict ? ", strict acks" : "");
	dm.t.ops->features_set(dm.t.ctx, f);
	dm.aq = rte_avq_aq_create(&dm.t, 0, RING_SIZE, SOCKET_ID_ANY);
	if (dm.aq == NULL) {
		fprintf(stderr, "avq-demo: admin queue: %s\n",
			rte_strerror(rte_errno));
		goto out_dev;
	}
	vfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vfd >= 0)
		dm.t.ops->vector_bind(dm.t.ctx, 7, vfd);

	printf("\n== management device: discovery\n");
	step(&dm, "CAP_GET", rte_avq_cap_get(dm.aq, &caps), 0);
	printf("     capabilities 0x%016" PRIx64 " (VDEV %s)\n", caps,
	       caps & (1ull << AVQ_CAP_F_VDEV) ? "yes" : "no");
	step(&dm, "AQ_INFO_GET", rte_avq_aq_info_get(dm.aq, &info), 0);
	printf("     %u admin queue(s), up to %u managed devices, %u queue pairs each\n",
	       avq_le16(info.num_aqs), avq_le32(info.max_vdevs),
	       avq_le16(info.max_vq_pairs));

	printf("\n== creating %u managed virtio-net devices\n", nvdevs);
	for (i = 0; i < nvdevs; i++) {
		struct rte_avq_net_params np = {
			.mac = { 0x02, 0xa0, 0x00, 0x00, 0x00, (uint8_t)(i + 1) },
			.link_up = true,
			.max_queue_pairs = 1,
			.mtu = 1500,
		};

		ids[i] = 0;
		step(&dm, "VDEV_CREATE", rte_avq_vdev_create_net(dm.aq, &np,
		     &ids[i]), 0);
		printf("     managed device id %" PRIu64 "\n", ids[i]);
	}
	printf("\n== what a bad command gets\n");
	step(&dm, "STATUS_GET with device_id 0 (refused)",
	     rte_avq_aq_cmd(dm.aq, 0, AVQ_CLASS_STATUS, AVQ_STATUS_GET, NULL, 0,
			    &f, 1), strict ? -EIO : -EINVAL);
	step(&dm, "FEAT_DEVICE_GET of an id never created (refused)",
	     rte_avq_feat_device_get(dm.aq, 1000, &f), strict ? -EIO : -ENOENT);

	for (i = 0; i < nvdevs; i++)
		if (ids[i] != 0)
			drive_vdev(&dm, ids[i], i, vfd, 7);

	printf("\n== destroying the managed devices\n");
	for (i = 0; i < nvdevs; i++) {
		if (ids[i] == 0)
			continue;
		step(&dm, "VDEV_DESTROY", rte_avq_vdev_destroy(dm.aq, ids[i],
		     false), 0);
	}
	id = ids[0];
	step(&dm, "STATUS_GET of a destroyed id (refused)",
	     rte_avq_aq_cmd(dm.aq, id, AVQ_CLASS_STATUS, AVQ_STATUS_GET, NULL, 0,
			    &f, 1), strict ? -EIO : -ENOENT);

	rte_avq_dev_stats_get(dm.dev, &st);
	printf("\nsummary: %" PRIu64 " admin commands executed, %" PRIu64 " refused, "
	       "%" PRIu64 " managed devices created, %" PRIu64 " destroyed, %u left; "
	       "%" PRIu64 " interrupts delivered; %u unexpected results\n",
	       st.commands, st.commands_failed, st.vdevs_created,
	       st.vdevs_destroyed, st.vdevs_live, st.interrupts, dm.errors);

	rte_avq_aq_free(dm.aq);
	if (vfd >= 0) {
		dm.t.ops->vector_bind(dm.t.ctx, 7, -1);
		close(vfd);
	}
	rte_avq_dev_destroy(dm.dev);
	rte_eal_cleanup();
	return dm.errors == 0 && st.vdevs_live == 0 ? 0 : 1;
out_dev:
	if (dm.aq != NULL)
		rte_avq_aq_free(dm.aq);
	rte_avq_dev_destroy(dm.dev);
out_eal:
	rte_eal_cleanup();
	return 1;
}
