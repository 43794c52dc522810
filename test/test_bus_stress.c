/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Churn of managed devices on the avq bus: 256 created and destroyed at
 * run time one after another, then from two lcores at once (the worker of
 * -l 0-1 and the main lcore, 128 each, with the test class driver binding
 * the net ones), then both lcores destroying the same devices (each must
 * go exactly once). Meanwhile a control thread asks telemetry about the
 * devices coming and going: every reply must be valid, an info either
 * null (gone) or of the device asked for. Every return is checked; at the
 * end the bus lists nothing and the device model holds no device. In the
 * sanitizer build a leaked device or a use after free fails the process.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include <rte_avq_dev.h>
#include <rte_bus_avq.h>
#include <bus_avq_driver.h>

#include "avq_test.h"
#include "test_bus.h"

#define CHURN_N		256			/* = max_vdevs of the devargs */
#define CHURN_HALF	(CHURN_N / 2)
#define RACE_N		64

typedef char name_t[RTE_AVQ_NAME_LEN];

struct churn {
	name_t names[CHURN_N];
	int create_ret[CHURN_N];
	int destroy_ret[2][CHURN_N];
	uint32_t ready;		/* lcores at the start line */
};

static struct rte_avq_vdev_params
params_of(unsigned int i)
{
	struct rte_avq_vdev_params p;

	memset(&p, 0, sizeof(p));
	p.cls = i % 2 == 0 ? RTE_AVQ_VDEV_CLASS_NET : RTE_AVQ_VDEV_CLASS_VDPA;
	return p;
}

/* Destroy whatever is left on sim0 (teardown). */
static void
destroy_left(void)
{
	name_t *names = calloc(CHURN_N + 1, sizeof(*names));
	int n, i;

	if (names == NULL)
		return;
	__atomic_store_n(&bus_tdrv.remove_ret, 0, __ATOMIC_RELAXED);
	n = rte_avq_vdev_list("sim0", names, CHURN_N + 1);
	for (i = 0; i < RTE_MIN(n, CHURN_N + 1); i++)
		rte_avq_vdev_delete(names[i]);
	free(names);
}

static int
check_unique(struct churn *c, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			TEST_ASSERT(strcmp(c->names[i], c->names[j]) != 0,
				    "[%u] and [%u] are both %s", i, j,
				    c->names[i]);
	return TEST_SUCCESS;
}

static int
check_empty(struct rte_avq_mgmt *m, const char *when)
{
	struct rte_avq_dev_stats st;
	struct rte_avq_mgmt_info info;

	TEST_ASSERT_EQUAL(bus_vdev_count(NULL), 0, "%s: bus", when);
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &info), "%s", when);
	TEST_ASSERT_EQUAL(info.num_vdevs, 0, "%s", when);
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), 0, "%s: model", when);
	TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(rte_avq_mgmt_model(m), &st),
			    "%s", when);
	TEST_ASSERT_EQUAL(st.vdevs_live, 0, "%s: model vdevs_live", when);
	TEST_ASSERT_EQUAL(st.vdevs_created, st.vdevs_destroyed, "%s", when);
	return TEST_SUCCESS;
}

/* One after another: 256 create/destroy pairs, then 256 up and down. */
static int
sequential(struct churn *c, struct rte_avq_mgmt *m)
{
	struct rte_avq_vdev_params p;
	unsigned int i;
	int ret;

	for (i = 0; i < CHURN_N; i++) {
		p = params_of(i);
		ret = rte_avq_vdev_create("sim0", &p, c->names[i]);
		TEST_ASSERT_SUCCESS(ret, "pair %u: create", i);
		ret = rte_avq_vdev_delete(c->names[i]);
		TEST_ASSERT_SUCCESS(ret, "pair %u: destroy %s", i, c->names[i]);
	}
	TEST_ASSERT_SUCCESS(check_unique(c, CHURN_N), "");
	ret = check_empty(m, "after the pairs");
	if (ret != TEST_SUCCESS)
		return ret;

	for (i = 0; i < CHURN_N; i++) {
		p = params_of(i);
		ret = rte_avq_vdev_create("sim0", &p, c->names[i]);
		TEST_ASSERT_SUCCESS(ret, "create %u", i);
	}
	TEST_ASSERT_EQUAL(bus_vdev_count("sim0"), CHURN_N, "");
	TEST_ASSERT_EQUAL(bus_model_vdev_count(m), CHURN_N, "");
	p = params_of(0);
	TEST_ASSERT_EQUAL(rte_avq_vdev_create("sim0", &p, NULL), -ENOSPC, "");
	TEST_ASSERT_SUCCESS(check_unique(c, CHURN_N), "");
	for (i = 0; i < CHURN_N; i++) {
		ret = rte_avq_vdev_delete(c->names[i]);
		TEST_ASSERT_SUCCESS(ret, "destroy %s", c->names[i]);
	}
	return check_empty(m, "after 256 up and down");
}

static void
start_line(struct churn *c)
{
	/* Pairs with the same add of the other lcore: both start together. */
	__atomic_fetch_add(&c->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&c->ready, __ATOMIC_ACQUIRE) < 2)
		rte_pause();
}

struct half {
	struct churn *c;
	unsigned int side;	/* 0: worker, 1: main */
};

/* Create this lcore's half, then destroy it; results in c. */
static int
churn_half(void *arg)
{
	struct half *h = arg;
	struct churn *c = h->c;
	struct rte_avq_vdev_params p;
	unsigned int i, base = h->side * CHURN_HALF;

	start_line(c);
	for (i = base; i < base + CHURN_HALF; i++) {
		p = params_of(i);
		c->create_ret[i] = rte_avq_vdev_create("sim0", &p, c->names[i]);
	}
	for (i = base; i < base + CHURN_HALF; i++)
		c->destroy_ret[0][i] = c->create_ret[i] != 0 ? 0 :
			rte_avq_vdev_delete(c->names[i]);
	return 0;
}

/* Both lcores destroy the same devices, in the same order. */
static int
race_destroy(void *arg)
{
	struct half *h = arg;
	struct churn *c = h->c;
	unsigned int i;

	start_line(c);
	for (i = 0; i < RACE_N; i++)
		c->destroy_ret[h->side][i] = rte_avq_vdev_delete(c->names[i]);
	return 0;
}

/* Run @p fn on the worker and the main lcore at once. */
static int
on_two_lcores(lcore_function_t *fn, struct churn *c)
{
	struct half w = { .c = c, .side = 0 }, mh = { .c = c, .side = 1 };
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	int ret;

	TEST_ASSERT(worker < RTE_MAX_LCORE, "needs a worker lcore (-l 0-1)");
	c->ready = 0;
	ret = rte_eal_remote_launch(fn, &w, worker);
	TEST_ASSERT_SUCCESS(ret, "remote launch");
	fn(&mh);
	TEST_ASSERT_SUCCESS(rte_eal_wait_lcore(worker), "worker");
	return TEST_SUCCESS;
}

/* Telemetry asked while the lcores work. */
struct poller {
	pthread_t thread;
	uint32_t stop;		/* set by the main lcore */
	unsigned int rounds;	/* list + infos of what it listed */
	unsigned int infos;	/* infos of live devices */
	unsigned int errors;
};

static int
poll_round(struct bus_tel *t, struct poller *p)
{
	name_t names[8];
	char cmd[96], s[RTE_AVQ_NAME_LEN];
	const char *v;
	int n, i;

	if (bus_tel_cmd(t, "/avq/vdev/list,sim0", &v) != TEST_SUCCESS)
		return TEST_FAILED;
	n = bus_json_str_array(v, names, RTE_DIM(names));
	TEST_ASSERT(n >= 0 && n <= CHURN_N, "%s", t->buf);
	for (i = 0; i < RTE_MIN(n, (int)RTE_DIM(names)); i++) {
		snprintf(cmd, sizeof(cmd), "/avq/vdev/info,%.*s",
			 RTE_AVQ_NAME_LEN, names[i]);
		if (bus_tel_cmd(t, cmd, &v) != TEST_SUCCESS)
			return TEST_FAILED;
		if (bus_json_is_null(v))
			continue;	/* destroyed since the list */
		TEST_ASSERT_SUCCESS(bus_json_str(bus_json_get(v, "name"), s,
						 sizeof(s)), "%s", t->buf);
		TEST_ASSERT(strcmp(s, names[i]) == 0, "%s", t->buf);
		p->infos++;
	}
	if (bus_tel_cmd(t, "/avq/engine/stats,sim0", &v) != TEST_SUCCESS ||
	    bus_tel_cmd(t, "/avq/mgmt/info,sim0", &v) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_NOT_NULL(bus_json_get(v, "num_vdevs"), "%s", t->buf);
	p->rounds++;
	return TEST_SUCCESS;
}

static void *
poller_run(void *arg)
{
	struct poller *p = arg;
	struct bus_tel t = { .fd = -1 };

	if (bus_tel_open(&t) != TEST_SUCCESS) {
		p->errors++;
	} else {
		/* Pairs with the release store of poller_stop(). */
		while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
			if (poll_round(&t, p) != TEST_SUCCESS) {
				p->errors++;
				break;
			}
	}
	bus_tel_close(&t);
	return NULL;
}

static int
poller_start(struct poller *p)
{
	memset(p, 0, sizeof(*p));
	return pthread_create(&p->thread, NULL, poller_run, p);
}

static void
poller_stop(struct poller *p)
{
	/* Pairs with the acquire load of poller_run(). */
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_join(p->thread, NULL);
}

static int
parallel(struct churn *c, struct rte_avq_mgmt *m)
{
	unsigned int i, nets = 0;
	struct poller p;
	int ret;

	memset(c->names, 0, sizeof(c->names));
	bus_tdrv_register();
	TEST_ASSERT_SUCCESS(poller_start(&p), "telemetry thread");
	ret = on_two_lcores(churn_half, c);
	poller_stop(&p);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_EQUAL(p.errors, 0, "telemetry during the churn");
	TEST_ASSERT(p.rounds > 0, "no telemetry round completed");
	printf("bus_vdev_churn: %u telemetry rounds, %u infos during the "
	       "churn\n", p.rounds, p.infos);
	for (i = 0; i < CHURN_N; i++) {
		TEST_ASSERT_SUCCESS(c->create_ret[i], "lcore %s: create %u",
				    i < CHURN_HALF ? "worker" : "main", i);
		TEST_ASSERT_SUCCESS(c->destroy_ret[0][i], "lcore %s: destroy %s",
				    i < CHURN_HALF ? "worker" : "main",
				    c->names[i]);
		nets += params_of(i).cls == RTE_AVQ_VDEV_CLASS_NET;
	}
	TEST_ASSERT_SUCCESS(check_unique(c, CHURN_N), "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.probes), nets, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes), nets, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_lookup), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_vdev), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.bad_priv), 0, "");
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.gone_at_remove), 0, "");
	return check_empty(m, "after two lcores");
}

static int
race(struct churn *c, struct rte_avq_mgmt *m)
{
	struct rte_avq_vdev_params p;
	unsigned int i, nets = 0, removes0;
	struct poller pl;
	int ret;

	removes0 = bus_tdrv_count(&bus_tdrv.removes);
	for (i = 0; i < RACE_N; i++) {
		p = params_of(i);
		ret = rte_avq_vdev_create("sim0", &p, c->names[i]);
		TEST_ASSERT_SUCCESS(ret, "create %u", i);
		nets += p.cls == RTE_AVQ_VDEV_CLASS_NET;
	}
	TEST_ASSERT_SUCCESS(poller_start(&pl), "telemetry thread");
	ret = on_two_lcores(race_destroy, c);
	poller_stop(&pl);
	if (ret != TEST_SUCCESS)
		return ret;
	TEST_ASSERT_EQUAL(pl.errors, 0, "telemetry during the race");
	for (i = 0; i < RACE_N; i++) {
		int a = c->destroy_ret[0][i], b = c->destroy_ret[1][i];

		TEST_ASSERT((a == 0 && b == -ENODEV) ||
			    (a == -ENODEV && b == 0), "%s: destroys returned "
			    "%d and %d", c->names[i], a, b);
	}
	TEST_ASSERT_EQUAL(bus_tdrv_count(&bus_tdrv.removes) - removes0, nets,
			  "driver removes");
	return check_empty(m, "after racing destroys");
}

static int
churn_body(struct churn *c)
{
	struct rte_avq_mgmt *m = rte_avq_mgmt_lookup("sim0");
	struct rte_avq_mgmt_info info;
	int ret;

	TEST_ASSERT_NOT_NULL(m, "sim0 not probed");
	TEST_ASSERT_SUCCESS(rte_avq_mgmt_info_get(m, &info), "");
	TEST_ASSERT_EQUAL(info.max_vdevs, CHURN_N, "");
	ret = sequential(c, m);
	if (ret == TEST_SUCCESS)
		ret = parallel(c, m);
	if (ret == TEST_SUCCESS)
		ret = race(c, m);
	return ret;
}

static int
test_bus_vdev_churn(void)
{
	struct churn *c = calloc(1, sizeof(*c));
	int ret;

	TEST_ASSERT_NOT_NULL(c, "");
	memset(&bus_tdrv, 0, sizeof(bus_tdrv));
	ret = churn_body(c);
	destroy_left();
	if (bus_tdrv.drv.probe != NULL)
		bus_tdrv_unregister();
	free(c);
	return ret;
}

REGISTER_AVQ_TEST_ARGS(bus_vdev_churn_autotest, test_bus_vdev_churn,
		       "-a avq:sim0,max_vdevs=256");
