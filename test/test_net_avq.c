/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Tests of the net_avq PMD in this process: ports over managed devices of
 * a `sim` management device, driven through the ethdev API. The driver is
 * loaded from the build's drivers/ directory (as `-d` would), so that the
 * bus tests, which register a class driver of their own, never see it.
 */

#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <bus_avq_driver.h>
#include <rte_avq_dev.h>

#include "avq_test.h"

#define NT_MBUFS	4096
#define NT_RING		256
#define NT_LEN		128
#define NT_ETHERTYPE	0x88b5
#define NT_WAIT_MS	3000

static struct rte_mempool *nt_pool;

/* ---- Set-up ---- */

static int
nt_load(void)
{
	static void *handle;
	char exe[PATH_MAX], lib[PATH_MAX + 64];
	ssize_t n;

	if (handle != NULL)
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -errno;
	exe[n] = '\0';
	/* <build>/test/avq-test -> <build>/drivers/librte_net_avq.so */
	snprintf(lib, sizeof(lib), "%s/../drivers/librte_net_avq.so",
		 dirname(exe));
	handle = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
	if (handle == NULL) {
		fprintf(stderr, "cannot load %s: %s\n", lib, dlerror());
		return -ENOENT;
	}
	return 0;
}


/* The driver and a management device sim0 (the device thread off this
 * lcore), and the mbuf pool. */
static int
nt_init(void)
{
	TEST_ASSERT_SUCCESS(nt_load(), "net_avq driver not loadable");
	if (nt_pool == NULL)
		nt_pool = rte_pktmbuf_pool_create("nt_pool", NT_MBUFS, 256, 0,
						  RTE_MBUF_DEFAULT_BUF_SIZE,
						  SOCKET_ID_ANY);
	TEST_ASSERT_NOT_NULL(nt_pool, "mbuf pool");
	if (rte_avq_mgmt_lookup("sim0") == NULL)
		TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim0"), "probe sim0");
	return TEST_SUCCESS;
}

static int
nt_port(const char *name, uint16_t *port)
{
	TEST_ASSERT_SUCCESS(rte_eth_dev_get_port_by_name(name, port),
			    "no port %s", name);
	return TEST_SUCCESS;
}

/* Create port net_avq<idx> on sim0 with @p args after mgmt=sim0. */
static int
nt_vdev(unsigned int idx, const char *args, uint16_t *port)
{
	char name[32], a[128];

	snprintf(name, sizeof(name), "net_avq%u", idx);
	snprintf(a, sizeof(a), "mgmt=sim0%s%s", args ? "," : "", args ? args : "");
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_add("vdev", name, a), "%s %s", name, a);
	return nt_port(name, port);
}

static int
nt_start(uint16_t port, uint16_t queues, uint64_t rx_offloads)
{
	struct rte_eth_conf conf;
	uint16_t q;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = rx_offloads;
	TEST_ASSERT_SUCCESS(rte_eth_dev_configure(port, queues, queues, &conf),
			    "configure port %u", port);
	for (q = 0; q < queues; q++) {
		TEST_ASSERT_SUCCESS(rte_eth_rx_queue_setup(port, q, NT_RING, 0,
							   NULL, nt_pool), "");
		TEST_ASSERT_SUCCESS(rte_eth_tx_queue_setup(port, q, NT_RING, 0,
							   NULL), "");
	}
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(port), "start port %u", port);
	return TEST_SUCCESS;
}

static int
nt_link_wait(uint16_t port, bool up)
{
	uint64_t end = avq_test_ms() + NT_WAIT_MS;
	struct rte_eth_link l;

	do {
		memset(&l, 0, sizeof(l));
		rte_eth_link_get_nowait(port, &l);
		if ((l.link_status == RTE_ETH_LINK_UP) == up)
			return TEST_SUCCESS;
		rte_delay_us_sleep(10000);
	} while (avq_test_ms() < end);
	TEST_ASSERT(false, "port %u: link not %s", port, up ? "up" : "down");
	return TEST_FAILED;
}

/* Port @p idx (devargs @p args) created, started with one queue pair,
 * link up. */
static int
nt_up(unsigned int idx, const char *args, uint16_t *port)
{
	int ret = nt_vdev(idx, args, port);

	if (ret == TEST_SUCCESS)
		ret = nt_start(*port, 1, 0);
	return ret == TEST_SUCCESS ? nt_link_wait(*port, true) : ret;
}

static void
nt_close(uint16_t port)
{
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
}

/* ---- Frames ---- */

static uint8_t
nt_byte(uint32_t seed, uint32_t i)
{
	return (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* A frame to @p dst (VLAN @p vlan if non-zero) carrying seed @p seed. */
static struct rte_mbuf *
nt_frame(const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
	 uint32_t seed, uint16_t vlan, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(nt_pool);
	uint8_t *p;
	uint32_t i, off = 12;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (vlan != 0) {
		p[12] = 0x81;
		p[13] = 0x00;
		p[14] = (uint8_t)(vlan >> 8);
		p[15] = (uint8_t)vlan;
		off = 16;
	}
	p[off] = NT_ETHERTYPE >> 8;
	p[off + 1] = NT_ETHERTYPE & 0xff;
	memcpy(p + off + 2, &seed, sizeof(seed));
	for (i = off + 6; i < len; i++)
		p[i] = nt_byte(seed, i);
	return m;
}

/* The seed a received frame carries, after checking every byte. */
static int
nt_check(struct rte_mbuf *m, uint16_t len, uint32_t *seed)
{
	uint8_t buf[2048];
	const uint8_t *p;
	uint32_t i, off = 12;

	TEST_ASSERT_EQUAL(m->pkt_len, len, "received length");
	p = rte_pktmbuf_read(m, 0, len, buf);
	TEST_ASSERT_NOT_NULL(p, "");
	if (p[12] == 0x81 && p[13] == 0x00)
		off = 16;
	TEST_ASSERT(p[off] == (NT_ETHERTYPE >> 8), "ethertype");
	memcpy(seed, p + off + 2, sizeof(*seed));
	for (i = off + 6; i < len; i++)
		TEST_ASSERT_EQUAL(p[i], nt_byte(*seed, i), "byte %u of seed %u",
				  i, *seed);
	return TEST_SUCCESS;
}

static int
nt_send(uint16_t port, uint16_t q, const struct rte_ether_addr *dst,
	uint32_t first, unsigned int n, uint16_t vlan, uint16_t len)
{
	struct rte_ether_addr src;
	struct rte_mbuf *m;
	unsigned int i;
	uint64_t end = avq_test_ms() + NT_WAIT_MS;

	rte_eth_macaddr_get(port, &src);
	for (i = 0; i < n; i++) {
		m = nt_frame(dst, &src, first + i, vlan, len);
		TEST_ASSERT_NOT_NULL(m, "mbuf");
		while (rte_eth_tx_burst(port, q, &m, 1) != 1) {
			TEST_ASSERT(avq_test_ms() < end, "port %u: tx stuck", port);
			rte_delay_us_sleep(100);
		}
	}
	return TEST_SUCCESS;
}

/* Receive exactly @p n frames (all queues) within the wait, then nothing
 * more for a while; each checked, seeds first .. first + n - 1 each once. */
static int
nt_expect(uint16_t port, uint16_t queues, uint32_t first, unsigned int n,
	  uint16_t len, unsigned int *per_queue)
{
	static uint8_t seen[4096];
	struct rte_mbuf *m[32];
	uint64_t end = avq_test_ms() + NT_WAIT_MS, quiet = 0;
	unsigned int got = 0, i, k;
	uint32_t seed;
	uint16_t q;
	int ret;

	TEST_ASSERT(n <= sizeof(seen), "");
	memset(seen, 0, sizeof(seen));
	while (avq_test_ms() < end) {
		for (q = 0; q < queues; q++) {
			k = rte_eth_rx_burst(port, q, m, RTE_DIM(m));
			for (i = 0; i < k; i++) {
				TEST_ASSERT_EQUAL(m[i]->port, port, "mbuf port");
				ret = nt_check(m[i], len, &seed);
				rte_pktmbuf_free(m[i]);
				if (ret != TEST_SUCCESS)
					return ret;
				TEST_ASSERT(seed - first < n && !seen[seed - first],
					    "port %u: unexpected seed %u (expected %u from %u on, once each)",
					    port, seed, n, first);
				seen[seed - first] = 1;
				got++;
				if (per_queue != NULL)
					per_queue[q]++;
			}
		}
		if (got == n) {
			if (quiet == 0)
				quiet = avq_test_ms() + 20;
			if (avq_test_ms() > quiet)
				break;
		}
		rte_delay_us_sleep(100);
	}
	TEST_ASSERT_EQUAL(got, n, "port %u: frames received", port);
	return TEST_SUCCESS;
}

static int
nt_exchange(uint16_t a, uint16_t b, uint32_t first, unsigned int n)
{
	struct rte_ether_addr dst;
	unsigned int i, k;
	int ret;

	rte_eth_macaddr_get(b, &dst);
	/* In bursts the receiver's ring holds (the device drops what finds
	 * no buffer, as a NIC does). */
	for (i = 0; i < n; i += k) {
		k = RTE_MIN(n - i, 32u);
		ret = nt_send(a, 0, &dst, first + i, k, 0, NT_LEN);
		if (ret == TEST_SUCCESS)
			ret = nt_expect(b, 1, first + i, k, NT_LEN, NULL);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	return TEST_SUCCESS;
}

static int
nt_xstat(uint16_t port, const char *name, uint64_t *v)
{
	uint64_t id;

	TEST_ASSERT_SUCCESS(rte_eth_xstats_get_id_by_name(port, name, &id),
			    "xstat %s", name);
	TEST_ASSERT_EQUAL(rte_eth_xstats_get_by_id(port, &id, v, 1), 1, "");
	return TEST_SUCCESS;
}

#define NT_RUN(expr) do {				\
	int r_ = (expr);				\
	if (r_ != TEST_SUCCESS)				\
		return r_;				\
} while (0)

/* The model (sim device) and managed-device id behind @p port, found by the
 * port's address as created. */
static int
nt_model_of(uint16_t port, struct rte_avq_dev **model, uint64_t *id)
{
	char names[8][RTE_AVQ_NAME_LEN];
	struct rte_avq_vdev_info info;
	struct rte_ether_addr mac;
	struct rte_avq_vdev *v;
	int n, i;

	rte_eth_macaddr_get(port, &mac);
	n = rte_avq_vdev_list("sim0", names, RTE_DIM(names));
	for (i = 0; i < RTE_MIN(n, (int)RTE_DIM(names)); i++) {
		v = rte_avq_vdev_lookup(names[i]);
		if (v == NULL || rte_avq_vdev_info_get(v, &info) != 0 ||
		    !rte_is_same_ether_addr(&info.mac, &mac))
			continue;
		*model = rte_avq_mgmt_model(v->mgmt);
		*id = v->id;
		TEST_ASSERT_NOT_NULL(*model, "port %u: no model", port);
		return TEST_SUCCESS;
	}
	TEST_ASSERT(false, "port %u: no managed device of sim0 has its address",
		    port);
	return TEST_FAILED;
}

/* Frames the rx filter of managed device @p id refused so far. */
static int
nt_filtered(struct rte_avq_dev *model, uint64_t id, uint64_t *n)
{
	struct rte_avq_dev_net_stats ns;

	TEST_ASSERT_SUCCESS(rte_avq_dev_net_stats(model, id, &ns), "");
	*n = ns.rx_filtered;
	return TEST_SUCCESS;
}

/*
 * One frame (seed @p seed, VLAN @p vlan if non-zero) from port @p a to
 * @p dst, which the rx filter of port @p b (managed device @p id) must
 * refuse: wait until the device counts it refused, then see that @p b
 * received nothing. (Waiting for nothing alone would pass a frame the
 * device had not looked at yet, which then reaches a later step.)
 */
static int
nt_refused(uint16_t a, uint16_t b, struct rte_avq_dev *model, uint64_t id,
	   const struct rte_ether_addr *dst, uint32_t seed, uint16_t vlan)
{
	uint64_t before, now, end = avq_test_ms() + NT_WAIT_MS;

	NT_RUN(nt_filtered(model, id, &before));
	NT_RUN(nt_send(a, 0, dst, seed, 1, vlan, NT_LEN));
	for (;;) {
		NT_RUN(nt_filtered(model, id, &now));
		if (now != before)
			break;
		TEST_ASSERT(avq_test_ms() < end, "port %u: seed %u neither delivered nor refused",
			    b, seed);
		rte_delay_us_sleep(100);
	}
	TEST_ASSERT_EQUAL(now, before + 1, "port %u: refused count after seed %u",
			  b, seed);
	return nt_expect(b, 1, seed, 0, NT_LEN, NULL);
}

/* ---- Tests ---- */

/* Two --vdev ports exchange frames (payload checked); stats agree. */
static int
test_net_avq_pair(void)
{
	struct rte_eth_stats s0, s1;
	struct rte_eth_dev_info info;
	uint16_t p0, p1;
	uint64_t v;

	NT_RUN(nt_init());
	NT_RUN(nt_vdev(0, NULL, &p0));
	NT_RUN(nt_vdev(1, "mac=02:00:00:aa:00:01,ring_size=128", &p1));
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(p0, &info), "");
	TEST_ASSERT_EQUAL(info.max_mtu, 1500, "");
	TEST_ASSERT(info.flow_type_rss_offloads == 0, "one pair: no spreading");
	NT_RUN(nt_start(p0, 1, 0));
	NT_RUN(nt_start(p1, 1, 0));
	NT_RUN(nt_link_wait(p0, true));
	NT_RUN(nt_link_wait(p1, true));
	{
		struct rte_ether_addr mac;

		rte_eth_macaddr_get(p1, &mac);
		TEST_ASSERT(mac.addr_bytes[3] == 0xaa, "mac= from devargs");
	}
	TEST_ASSERT_EQUAL(rte_eth_dev_socket_id(p0), 0, "NUMA node");

	NT_RUN(nt_exchange(p0, p1, 1000, 500));
	NT_RUN(nt_exchange(p1, p0, 2000, 300));

	TEST_ASSERT_SUCCESS(rte_eth_stats_get(p0, &s0), "");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(p1, &s1), "");
	TEST_ASSERT_EQUAL(s0.opackets, 500, "");
	TEST_ASSERT_EQUAL(s0.obytes, 500 * NT_LEN, "");
	TEST_ASSERT_EQUAL(s1.ipackets, 500, "");
	TEST_ASSERT_EQUAL(s1.ibytes, 500 * NT_LEN, "");
	TEST_ASSERT_EQUAL(s1.opackets, 300, "");
	TEST_ASSERT_EQUAL(s0.ipackets, 300, "");
	TEST_ASSERT_EQUAL(s0.ierrors + s1.ierrors + s0.oerrors + s1.oerrors, 0, "");
	/* The device's own counters of the same queues. */
	NT_RUN(nt_xstat(p0, "tx_q0_dev_packets", &v));
	TEST_ASSERT_EQUAL(v, 500, "device tx count");
	NT_RUN(nt_xstat(p1, "rx_q0_dev_packets", &v));
	TEST_ASSERT_EQUAL(v, 500, "device rx count");
	NT_RUN(nt_xstat(p0, "device_faults", &v));
	TEST_ASSERT_EQUAL(v, 0, "");
	TEST_ASSERT_SUCCESS(rte_eth_stats_reset(p1), "");
	TEST_ASSERT_SUCCESS(rte_eth_stats_get(p1, &s1), "");
	TEST_ASSERT_EQUAL(s1.ipackets + s1.opackets, 0, "");

	/* Stop and start: the link follows, traffic resumes. */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(p1), "");
	NT_RUN(nt_link_wait(p1, false));
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(p1), "");
	NT_RUN(nt_link_wait(p1, true));
	NT_RUN(nt_exchange(p0, p1, 3000, 200));
	NT_RUN(nt_exchange(p1, p0, 4000, 200));

	nt_close(p0);
	nt_close(p1);
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", NULL, 0), 0,
			  "closing the ports destroys their managed devices");
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_pair_autotest, test_net_avq_pair);

/* Multi-segment frames both ways (scatter rx of a 3000-byte mtu is out of
 * reach here: the bus caps at 9000, mbufs hold 2048; a chained tx mbuf is
 * sent in several descriptors). */
static int
test_net_avq_segs(void)
{
	struct rte_ether_addr dst, src;
	struct rte_mbuf *m, *tail;
	uint16_t p0, p1;
	uint8_t *b;
	uint32_t seed = 7, i;

	NT_RUN(nt_init());
	NT_RUN(nt_vdev(0, NULL, &p0));
	NT_RUN(nt_vdev(1, NULL, &p1));
	NT_RUN(nt_start(p0, 1, 0));
	NT_RUN(nt_start(p1, 1, 0));
	rte_eth_macaddr_get(p1, &dst);
	rte_eth_macaddr_get(p0, &src);
	/* A 128-byte frame in two mbufs of 64. */
	m = nt_frame(&dst, &src, seed, 0, NT_LEN);
	TEST_ASSERT_NOT_NULL(m, "");
	tail = rte_pktmbuf_alloc(nt_pool);
	TEST_ASSERT_NOT_NULL(tail, "");
	b = (uint8_t *)rte_pktmbuf_append(tail, 64);
	memcpy(b, rte_pktmbuf_mtod_offset(m, uint8_t *, 64), 64);
	rte_pktmbuf_trim(m, 64);
	TEST_ASSERT_SUCCESS(rte_pktmbuf_chain(m, tail), "");
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(p0, 0, &m, 1), 1, "");
	NT_RUN(nt_expect(p1, 1, seed, 1, NT_LEN, NULL));
	/* A shared mbuf (refcnt 2): header in its own descriptor. */
	m = nt_frame(&dst, &src, seed + 1, 0, NT_LEN);
	TEST_ASSERT_NOT_NULL(m, "");
	rte_mbuf_refcnt_update(m, 1);
	TEST_ASSERT_EQUAL(rte_eth_tx_burst(p0, 0, &m, 1), 1, "");
	NT_RUN(nt_expect(p1, 1, seed + 1, 1, NT_LEN, NULL));
	for (i = 0; i < 10 && rte_mbuf_refcnt_read(m) != 1; i++) {
		/* Freed lazily: another burst reclaims. */
		NT_RUN(nt_exchange(p0, p1, 100 + 40 * i, 40));
	}
	TEST_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1, "sent mbuf released");
	rte_pktmbuf_free(m);
	nt_close(p0);
	nt_close(p1);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_segs_autotest, test_net_avq_segs);

/* Rx filter through class 67 NET_CTRL: promiscuous, MAC table, VLAN; MTU. */
static int
test_net_avq_ctrl(void)
{
	struct rte_ether_addr other = {{ 0x02, 0, 0, 0, 0x99, 0x99 }};
	struct rte_ether_addr extra = {{ 0x02, 0, 0, 0, 0x77, 0x77 }};
	struct rte_ether_addr dst;
	struct rte_avq_dev *model;
	uint16_t p0, p1;
	uint64_t id;

	NT_RUN(nt_init());
	NT_RUN(nt_vdev(0, NULL, &p0));
	NT_RUN(nt_vdev(1, NULL, &p1));
	NT_RUN(nt_start(p0, 1, 0));
	NT_RUN(nt_start(p1, 1, RTE_ETH_RX_OFFLOAD_VLAN_FILTER));
	rte_eth_macaddr_get(p1, &dst);
	NT_RUN(nt_model_of(p1, &model, &id));

	/* Promiscuous off (ethdev's default): a frame for another address
	 * is refused by the device; on: delivered. */
	TEST_ASSERT_EQUAL(rte_eth_promiscuous_get(p1), 0, "");
	NT_RUN(nt_refused(p0, p1, model, id, &other, 1, 0));
	TEST_ASSERT_SUCCESS(rte_eth_promiscuous_enable(p1), "");
	NT_RUN(nt_send(p0, 0, &other, 2, 1, 0, NT_LEN));
	NT_RUN(nt_expect(p1, 1, 2, 1, NT_LEN, NULL));
	TEST_ASSERT_SUCCESS(rte_eth_promiscuous_disable(p1), "");
	TEST_ASSERT_SUCCESS(rte_eth_allmulticast_enable(p1), "");
	TEST_ASSERT_SUCCESS(rte_eth_allmulticast_disable(p1), "");

	/* A secondary unicast address: accepted while it is in the table. */
	TEST_ASSERT_SUCCESS(rte_eth_dev_mac_addr_add(p1, &extra, 0), "");
	NT_RUN(nt_send(p0, 0, &extra, 3, 1, 0, NT_LEN));
	NT_RUN(nt_expect(p1, 1, 3, 1, NT_LEN, NULL));
	TEST_ASSERT_SUCCESS(rte_eth_dev_mac_addr_remove(p1, &extra), "");
	NT_RUN(nt_refused(p0, p1, model, id, &extra, 4, 0));

	/* A new primary address: frames for it pass, for the old not. */
	TEST_ASSERT_SUCCESS(rte_eth_dev_default_mac_addr_set(p1, &extra), "");
	NT_RUN(nt_send(p0, 0, &extra, 5, 1, 0, NT_LEN));
	NT_RUN(nt_expect(p1, 1, 5, 1, NT_LEN, NULL));
	NT_RUN(nt_refused(p0, p1, model, id, &dst, 6, 0));
	TEST_ASSERT_SUCCESS(rte_eth_dev_default_mac_addr_set(p1, &dst), "");

	/* VLAN filter: once a VLAN is added, tagged frames of others stop. */
	TEST_ASSERT_SUCCESS(rte_eth_dev_vlan_filter(p1, 10, 1), "");
	NT_RUN(nt_send(p0, 0, &dst, 7, 1, 10, NT_LEN));
	NT_RUN(nt_expect(p1, 1, 7, 1, NT_LEN, NULL));
	NT_RUN(nt_refused(p0, p1, model, id, &dst, 8, 20));
	TEST_ASSERT_SUCCESS(rte_eth_dev_vlan_filter(p1, 20, 1), "");
	NT_RUN(nt_send(p0, 0, &dst, 9, 1, 20, NT_LEN));
	NT_RUN(nt_expect(p1, 1, 9, 1, NT_LEN, NULL));
	/* Kept across a restart (the device forgot it at reset). */
	TEST_ASSERT_SUCCESS(rte_eth_dev_stop(p1), "");
	TEST_ASSERT_SUCCESS(rte_eth_dev_start(p1), "");
	NT_RUN(nt_refused(p0, p1, model, id, &dst, 10, 30));
	NT_RUN(nt_send(p0, 0, &dst, 11, 1, 10, NT_LEN));
	NT_RUN(nt_expect(p1, 1, 11, 1, NT_LEN, NULL));

	/* MTU: up to the device's. */
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mtu(p1, 1000), "");
	TEST_ASSERT(rte_eth_dev_set_mtu(p1, 1501) != 0, "above the device mtu");
	TEST_ASSERT_SUCCESS(rte_eth_dev_set_mtu(p1, 1500), "");
	nt_close(p0);
	nt_close(p1);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_ctrl_autotest, test_net_avq_ctrl);

/* Two queue pairs: the device spreads flows over both receive queues. */
static int
test_net_avq_mq(void)
{
	struct rte_ether_addr dst, src;
	unsigned int per_q[2] = { 0, 0 };
	struct rte_mbuf *m;
	uint16_t p0, p1;
	uint32_t i;

	NT_RUN(nt_init());
	NT_RUN(nt_vdev(0, "queues=2", &p0));
	NT_RUN(nt_vdev(1, "queues=2", &p1));
	NT_RUN(nt_start(p0, 2, 0));
	NT_RUN(nt_start(p1, 2, 0));
	rte_eth_macaddr_get(p1, &dst);
	rte_eth_macaddr_get(p0, &src);
	/* Different source addresses: different hashes. */
	for (i = 0; i < 64; i++) {
		src.addr_bytes[5] = (uint8_t)i;
		src.addr_bytes[4] = 0x55;
		m = nt_frame(&dst, &src, i, 0, NT_LEN);
		TEST_ASSERT_NOT_NULL(m, "");
		TEST_ASSERT_EQUAL(rte_eth_tx_burst(p0, (uint16_t)(i & 1), &m, 1),
				  1, "");
	}
	NT_RUN(nt_expect(p1, 2, 0, 64, NT_LEN, per_q));
	TEST_ASSERT(per_q[0] > 0 && per_q[1] > 0, "queues got %u and %u",
		    per_q[0], per_q[1]);
	nt_close(p0);
	nt_close(p1);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_mq_autotest, test_net_avq_mq);

static unsigned int nt_resets;

static int
nt_reset_cb(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	RTE_SET_USED(port);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	if (ev == RTE_ETH_EVENT_INTR_RESET)
		__atomic_fetch_add(&nt_resets, 1, __ATOMIC_RELAXED);
	return 0;
}

/* A hostile-ring fault: noticed, reported, and reset recovers. */
static int
test_net_avq_fault(void)
{
	char names[2][RTE_AVQ_NAME_LEN];
	struct rte_avq_vdev *v;
	struct rte_avq_dev *model;
	uint16_t p0, p1;
	uint8_t buf[8];
	uint64_t faults;
	uint64_t end;

	NT_RUN(nt_init());
	NT_RUN(nt_vdev(0, NULL, &p0));
	NT_RUN(nt_vdev(1, NULL, &p1));
	NT_RUN(nt_start(p0, 1, 0));
	NT_RUN(nt_start(p1, 1, 0));
	NT_RUN(nt_exchange(p0, p1, 1, 10));
	TEST_ASSERT_SUCCESS(rte_eth_dev_callback_register(p1,
			RTE_ETH_EVENT_INTR_RESET, nt_reset_cb, NULL), "");

	/* The device reads an address outside p1's mappings on its behalf
	 * (what a descriptor pointing anywhere would make it do). */
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", names, 2), 2, "");
	v = rte_avq_vdev_lookup(names[1]);
	TEST_ASSERT_NOT_NULL(v, "");
	model = rte_avq_mgmt_model(v->mgmt);
	TEST_ASSERT_NOT_NULL(model, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_dma(model, v->id, 0, 0x1000, buf,
					       sizeof(buf), false), -EFAULT, "");
	/* Noticed by link_update (or the alarm): link down, one event. */
	NT_RUN(nt_link_wait(p1, false));
	end = avq_test_ms() + NT_WAIT_MS;
	while (__atomic_load_n(&nt_resets, __ATOMIC_RELAXED) == 0 &&
	       avq_test_ms() < end)
		rte_delay_us_sleep(1000);
	TEST_ASSERT_EQUAL(__atomic_load_n(&nt_resets, __ATOMIC_RELAXED), 1,
			  "RTE_ETH_EVENT_INTR_RESET");
	NT_RUN(nt_xstat(p1, "device_faults", &faults));
	TEST_ASSERT_EQUAL(faults, 1, "");
	/* Still one after the alarm had time to look again. */
	rte_delay_us_sleep(1200 * 1000);
	NT_RUN(nt_xstat(p1, "device_faults", &faults));
	TEST_ASSERT_EQUAL(faults, 1, "");

	/* Reset, configure and start again: traffic resumes. */
	TEST_ASSERT_SUCCESS(rte_eth_dev_reset(p1), "");
	NT_RUN(nt_start(p1, 1, 0));
	NT_RUN(nt_link_wait(p1, true));
	NT_RUN(nt_exchange(p0, p1, 100, 50));
	NT_RUN(nt_exchange(p1, p0, 200, 50));
	rte_eth_dev_callback_unregister(p1, RTE_ETH_EVENT_INTR_RESET,
					nt_reset_cb, NULL);
	nt_close(p0);
	nt_close(p1);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_fault_autotest, test_net_avq_fault);

/* Frames the device took from queue @p q of @p port's managed device
 * (tx queue: frames switched) or wrote into it (rx queue). */
static int
nt_dev_packets(uint16_t port, uint16_t q, uint64_t *n)
{
	struct rte_avq_dev_vq_stats st;
	struct rte_avq_dev *model;
	uint64_t id;

	NT_RUN(nt_model_of(port, &model, &id));
	TEST_ASSERT_SUCCESS(rte_avq_dev_vq_stats(model, id, q, &st), "");
	*n = st.packets;
	return TEST_SUCCESS;
}

/* rx_post: how many receive buffers a queue keeps posted. Frames sent to
 * a port that does not poll fill exactly that many (the device holds the
 * next ones in its backlog); once it polls, every frame arrives. */
static int
nt_rx_post_case(uint16_t tx, uint16_t rx, unsigned int n, uint64_t posted)
{
	struct rte_ether_addr dst;
	uint64_t sent = 0, wrote = 0, end = avq_test_ms() + NT_WAIT_MS;

	rte_eth_macaddr_get(rx, &dst);
	NT_RUN(nt_dev_packets(rx, 0, &wrote));
	TEST_ASSERT_EQUAL(wrote, 0, "port %u: nothing received yet", rx);
	NT_RUN(nt_send(tx, 0, &dst, 7000, n, 0, NT_LEN));
	/* Switched: every frame written or held (tx queue 0 is vq 1). */
	while (sent < n) {
		TEST_ASSERT(avq_test_ms() < end, "port %u: %" PRIu64 " of %u frames taken",
			    tx, sent, n);
		rte_delay_us_sleep(1000);
		NT_RUN(nt_dev_packets(tx, 1, &sent));
	}
	NT_RUN(nt_dev_packets(rx, 0, &wrote));
	TEST_ASSERT_EQUAL(wrote, posted, "port %u: frames written before it polled",
			  rx);
	return nt_expect(rx, 1, 7000, n, NT_LEN, NULL);
}

static int
test_net_avq_rx_post(void)
{
	uint16_t p0, p1, p2, p3;

	NT_RUN(nt_init());
	NT_RUN(nt_up(0, NULL, &p0));	/* the default */
	NT_RUN(nt_up(1, "rx_post=32", &p1));
	NT_RUN(nt_up(2, "ring_size=128,rx_post=4096", &p2));
	/* 32 posted, 8 more held by the device until the port polls. */
	NT_RUN(nt_rx_post_case(p0, p1, 40, 32));
	/* The default: the whole ring (256). */
	NT_RUN(nt_rx_post_case(p1, p0, 80, 80));
	NT_RUN(nt_up(3, "rx_post=64", &p3));
	NT_RUN(nt_rx_post_case(p0, p3, 80, 64));
	/* More than the ring: the whole ring (128). */
	NT_RUN(nt_rx_post_case(p0, p2, 120, 120));
	nt_close(p0);
	nt_close(p1);
	nt_close(p2);
	nt_close(p3);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_rx_post_autotest, test_net_avq_rx_post);

/* Receive exactly frames @p first .. @p first + @p n - 1, in order, polling
 * without pause (each poll finds what arrived since the last). */
static int
nt_expect_seq(uint16_t port, uint32_t first, unsigned int n)
{
	struct rte_mbuf *m[32];
	uint64_t end = avq_test_ms() + NT_WAIT_MS;
	unsigned int got = 0, i, k;
	uint32_t seed;
	int ret;

	while (got < n) {
		TEST_ASSERT(avq_test_ms() < end, "port %u: %u of %u frames",
			    port, got, n);
		k = rte_eth_rx_burst(port, 0, m, RTE_DIM(m));
		for (i = 0; i < k; i++) {
			TEST_ASSERT_EQUAL(m[i]->port, port, "mbuf port");
			ret = nt_check(m[i], NT_LEN, &seed);
			rte_pktmbuf_free(m[i]);
			if (ret != TEST_SUCCESS)
				return ret;
			TEST_ASSERT_EQUAL(seed, first + got, "port %u: frame %u",
					  port, got);
			got++;
		}
		if (k == 0)
			rte_pause();
	}
	return TEST_SUCCESS;
}

/* @p n frames from @p tx to @p rx in bursts of 16, each received before
 * the next is sent: no poll of @p rx finds more than 16 waiting. */
static int
nt_stream(uint16_t tx, uint16_t rx, uint32_t first, unsigned int n)
{
	struct rte_ether_addr dst;
	unsigned int i;

	rte_eth_macaddr_get(rx, &dst);
	for (i = 0; i < n; i += 16) {
		NT_RUN(nt_send(tx, 0, &dst, first + i, 16, 0, NT_LEN));
		NT_RUN(nt_expect_seq(rx, first + i, 16));
	}
	return TEST_SUCCESS;
}

/* Send @p n frames from @p tx to @p rx, which does not poll, and wait
 * until the device has taken them all (written, held or dropped). */
static int
nt_burst_unpolled(uint16_t tx, uint16_t rx, uint32_t first, unsigned int n)
{
	struct rte_ether_addr dst;
	uint64_t sent0, sent = 0, end = avq_test_ms() + NT_WAIT_MS;

	rte_eth_macaddr_get(rx, &dst);
	NT_RUN(nt_dev_packets(tx, 1, &sent0));
	NT_RUN(nt_send(tx, 0, &dst, first, n, 0, NT_LEN));
	while (sent - sent0 < n || sent == 0) {
		TEST_ASSERT(avq_test_ms() < end, "port %u: frames not taken", tx);
		rte_delay_us_sleep(1000);
		NT_RUN(nt_dev_packets(tx, 1, &sent));
	}
	return TEST_SUCCESS;
}

/* Without rx_post the posting window adapts: the whole ring at start,
 * twice the most frames one poll found (at least 64) after an epoch of
 * 4096 frames, the whole ring again once a poll finds the device out of
 * buffers. With rx_post it stays put. */
static int
test_net_avq_rx_window(void)
{
	uint64_t win, grows, wrote0, wrote, drops0, drops, held;
	uint16_t p0, p1, p2;
	const unsigned int burst = 200;
	unsigned int k;

	NT_RUN(nt_init());
	NT_RUN(nt_up(0, NULL, &p0));
	NT_RUN(nt_up(1, NULL, &p1));
	NT_RUN(nt_up(2, "rx_post=64", &p2));
	NT_RUN(nt_xstat(p0, "rx_q0_post_window", &win));
	TEST_ASSERT_EQUAL(win, NT_RING, "window at start: the whole ring");
	NT_RUN(nt_xstat(p2, "rx_q0_post_window", &win));
	TEST_ASSERT_EQUAL(win, 64, "rx_post=64");

	/* An epoch of light traffic (at most 16 waiting per poll): 64. The
	 * frames after it use up the buffers posted before. */
	NT_RUN(nt_stream(p1, p0, 0, 4096 + 512));
	NT_RUN(nt_xstat(p0, "rx_q0_post_window", &win));
	TEST_ASSERT_EQUAL(win, 64, "window after light traffic");
	NT_RUN(nt_xstat(p0, "rx_q0_post_grows", &grows));
	TEST_ASSERT_EQUAL(grows, 0, "");

	/* A burst the window cannot hold, while p0 does not poll: the device
	 * writes what is posted (at most the window), holds 32 in its
	 * backlog and drops the rest, counted. */
	NT_RUN(nt_dev_packets(p0, 0, &wrote0));
	NT_RUN(nt_xstat(p0, "rx_q0_dev_drops", &drops0));
	NT_RUN(nt_burst_unpolled(p1, p0, 10000, burst));
	NT_RUN(nt_dev_packets(p0, 0, &wrote));
	NT_RUN(nt_xstat(p0, "rx_q0_dev_drops", &drops));
	held = wrote - wrote0;
	TEST_ASSERT(held > 32 && held <= 64, "%" PRIu64 " frames written into a window of 64",
		    held);
	TEST_ASSERT_EQUAL(drops - drops0, burst - held - 32,
			  "dropped (written %" PRIu64 ", backlog 32)", held);
	/* The first poll finds the device dry: the whole ring is posted and
	 * the backlog follows, in order. */
	NT_RUN(nt_expect_seq(p0, 10000, (unsigned int)held + 32));
	NT_RUN(nt_xstat(p0, "rx_q0_post_window", &win));
	TEST_ASSERT_EQUAL(win, NT_RING, "window after the device ran dry");
	NT_RUN(nt_xstat(p0, "rx_q0_post_grows", &grows));
	TEST_ASSERT_EQUAL(grows, 1, "");
	/* Now the same burst is held whole. */
	NT_RUN(nt_xstat(p0, "rx_q0_dev_drops", &drops0));
	NT_RUN(nt_burst_unpolled(p1, p0, 20000, burst));
	NT_RUN(nt_expect_seq(p0, 20000, burst));
	NT_RUN(nt_xstat(p0, "rx_q0_dev_drops", &drops));
	TEST_ASSERT_EQUAL(drops, drops0, "nothing dropped with the whole ring");

	/* rx_post=64: light traffic, then the device runs dry; the window
	 * stays 64 and a second burst again loses what the buffers posted
	 * and the backlog cannot hold. */
	NT_RUN(nt_stream(p1, p2, 30000, 4096 + 512));
	for (k = 0; k < 2; k++) {
		NT_RUN(nt_dev_packets(p2, 0, &wrote0));
		NT_RUN(nt_xstat(p2, "rx_q0_dev_drops", &drops0));
		NT_RUN(nt_burst_unpolled(p1, p2, 40000 + 1000 * k, burst));
		NT_RUN(nt_dev_packets(p2, 0, &wrote));
		NT_RUN(nt_xstat(p2, "rx_q0_dev_drops", &drops));
		held = wrote - wrote0;
		/* Refilled 32 at a time: between 33 and 64 posted. */
		TEST_ASSERT(held > 32 && held <= 64, "rx_post=64: %" PRIu64 " written",
			    held);
		TEST_ASSERT_EQUAL(drops - drops0, burst - held - 32, "");
		NT_RUN(nt_expect_seq(p2, 40000 + 1000 * k,
				     (unsigned int)held + 32));
	}
	NT_RUN(nt_xstat(p2, "rx_q0_post_window", &win));
	TEST_ASSERT_EQUAL(win, 64, "rx_post=64 after the device ran dry");
	NT_RUN(nt_xstat(p2, "rx_q0_post_grows", &grows));
	TEST_ASSERT_EQUAL(grows, 0, "");
	nt_close(p0);
	nt_close(p1);
	nt_close(p2);
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_rx_window_autotest, test_net_avq_rx_window);

/* Bad devargs: an error that names the key, and nothing left behind. */
static int
test_net_avq_devargs(void)
{
	static const char * const bad[] = {
		"",			/* no mgmt */
		"mgmt=sim0,colour=red",	/* unknown key */
		"mgmt=sim9",		/* no such management device */
		"mgmt=sim0,queues=0",
		"mgmt=sim0,queues=x",
		"mgmt=sim0,mtu=67",
		"mgmt=sim0,mtu=9001",
		"mgmt=sim0,ring_size=100",
		"mgmt=sim0,ring_size=32",
		"mgmt=sim0,rx_post=31",
		"mgmt=sim0,rx_post=x",
		"mgmt=sim0,mac=01:00:00:00:00:01",
		"mgmt=sim0,mac=zz",
	};
	unsigned int i, ports = rte_eth_dev_count_avail();
	uint16_t p;

	NT_RUN(nt_init());
	for (i = 0; i < RTE_DIM(bad); i++) {
		TEST_ASSERT(rte_eal_hotplug_add("vdev", "net_avq5", bad[i]) < 0, "'%s' accepted",
			    bad[i]);
		TEST_ASSERT_EQUAL(rte_eth_dev_count_avail(), ports, "'%s'", bad[i]);
		TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", NULL, 0), 0,
				  "'%s' left a managed device", bad[i]);
		TEST_ASSERT(rte_eth_dev_get_port_by_name("net_avq5", &p) != 0, "");
	}
	/* A good one after all that. */
	NT_RUN(nt_vdev(5, "queues=2,mtu=9000,ring_size=512", &p));
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", NULL, 0), 1, "");
	{
		struct rte_eth_dev_info info;

		TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(p, &info), "");
		TEST_ASSERT_EQUAL(info.max_rx_queues, 2, "");
		TEST_ASSERT_EQUAL(info.max_mtu, 9000, "");
	}
	/* Detach (rte_dev_remove) destroys the managed device. */
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("vdev", "net_avq5"), "");
	TEST_ASSERT(rte_eth_dev_get_port_by_name("net_avq5", &p) != 0, "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim0", NULL, 0), 0, "");
	TEST_ASSERT_EQUAL(rte_avq_dev_vdev_list(rte_avq_mgmt_model(
		rte_avq_mgmt_lookup("sim0")), NULL, 0), 0, "gone from the device");
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_devargs_autotest, test_net_avq_devargs);

/* Managed devices of class net made by the bus become ports named after
 * them; deleting one removes its port. */
static int
test_net_avq_bus(void)
{
	uint16_t p0, p1;
	struct rte_eth_dev_info info;

	NT_RUN(nt_init());
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim1,net=2"), "");
	NT_RUN(nt_port("sim1.vd1", &p0));
	NT_RUN(nt_port("sim1.vd2", &p1));
	TEST_ASSERT_SUCCESS(rte_eth_dev_info_get(p0, &info), "");
	TEST_ASSERT(strcmp(info.driver_name, "net_avq_bus") == 0, "%s",
		    info.driver_name);
	NT_RUN(nt_start(p0, 1, 0));
	NT_RUN(nt_start(p1, 1, 0));
	NT_RUN(nt_exchange(p0, p1, 1, 100));
	NT_RUN(nt_exchange(p1, p0, 200, 100));
	/* Deleting a started one: the port goes with it. */
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete("sim1.vd2"), "");
	TEST_ASSERT(rte_eth_dev_get_port_by_name("sim1.vd2", &p1) != 0,
		    "port still there");
	/* A port closed by the application leaves its device on the bus,
	 * bound, until the bus destroys it. */
	nt_close(p0);
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim1", NULL, 0), 1, "");
	TEST_ASSERT_SUCCESS(rte_avq_vdev_delete("sim1.vd1"), "");
	TEST_ASSERT_EQUAL(rte_avq_vdev_list("sim1", NULL, 0), 0, "");
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_bus_autotest, test_net_avq_bus);

/* Ports left started at exit: EAL clean-up removes them whatever order
 * the avq and vdev buses are cleaned up in (the process must end cleanly:
 * the runner's exit status says so). */
static int
test_net_avq_exit(void)
{
	uint16_t p0, p1, p2;

	NT_RUN(nt_init());
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:sim1,net=1"), "");
	NT_RUN(nt_vdev(0, NULL, &p0));
	NT_RUN(nt_vdev(1, NULL, &p1));
	NT_RUN(nt_port("sim1.vd1", &p2));
	NT_RUN(nt_start(p0, 1, 0));
	NT_RUN(nt_start(p1, 1, 0));
	NT_RUN(nt_start(p2, 1, 0));
	NT_RUN(nt_exchange(p0, p1, 1, 64));
	NT_RUN(nt_exchange(p1, p2, 100, 64));
	return TEST_SUCCESS;
}
REGISTER_AVQ_TEST(net_avq_exit_autotest, test_net_avq_exit);
