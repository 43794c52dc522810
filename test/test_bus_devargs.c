/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Bad devargs of avq management devices, at run time through
 * rte_dev_probe(): each is refused with -EINVAL, one error line naming the
 * device and the key, and nothing left behind (no device, no devargs, no
 * thread; no memory: run it in the sanitizer build, where a leak fails the
 * process at exit).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_log.h>

#include <rte_bus_avq.h>

#include "avq_test.h"
#include "test_bus.h"

#define DEV	"sim9"

struct bad_case {
	const char *args;	/* after "avq:sim9," */
	const char *keys;	/* the line names one of these ('|' between) */
};

static const struct bad_case bad_cases[] = {
	{ "foo=1", "foo" },
	{ "aqs=0", "aqs" },
	{ "aqs=17", "aqs" },
	{ "aqs=-1", "aqs" },
	{ "aqs=x", "aqs" },
	{ "aqs=1x", "aqs" },
	{ "aqs=", "aqs" },
	{ "aqs", "aqs" },
	{ "aq_size=0", "aq_size" },
	{ "aq_size=1", "aq_size" },
	{ "aq_size=3", "aq_size" },
	{ "aq_size=8192", "aq_size" },
	{ "aq_size=0x", "aq_size" },
	{ "max_vdevs=0", "max_vdevs" },
	{ "max_vdevs=4097", "max_vdevs" },
	{ "strict=2", "strict" },
	{ "strict=yes", "strict" },
	{ "mmu_batch=2", "mmu_batch" },
	{ "mmu_batch=-1", "mmu_batch" },
	{ "net_ctrl=2", "net_ctrl" },
	{ "net_ctrl=on", "net_ctrl" },
	/* VIRTIO_F_VERSION_1 (bit 32) missing. */
	{ "features=0x1", "features" },
	{ "features=xyz", "features" },
	{ "features=0x100000000z", "features" },
	{ "features=0x1ffffffffffffffffff", "features" },
	{ "features=", "features" },
	{ "idle=spin", "idle" },
	{ "idle=", "idle" },
	{ "cpu=-2", "cpu" },
	{ "cpu=x", "cpu" },
	{ "cpu=99999999999", "cpu" },
	{ "timeout_ms=0", "timeout_ms" },
	{ "timeout_ms=600001", "timeout_ms" },
	{ "timeout_ms=x", "timeout_ms" },
	{ "fault_delay_us=-1", "fault_delay_us" },
	{ "fault_delay_us=4294967296", "fault_delay_us" },
	{ "fault_delay_us=x", "fault_delay_us" },
	{ "fault_reorder=-1", "fault_reorder" },
	{ "fault_reorder=x", "fault_reorder" },
	{ "fault_drop_every=-1", "fault_drop_every" },
	{ "fault_drop_every=4294967296", "fault_drop_every" },
	{ "fault_fail_class=-2", "fault_fail_class" },
	{ "fault_fail_class=65536", "fault_fail_class" },
	{ "fault_fail_class=x", "fault_fail_class" },
	{ "fault_fail_cmd=-2", "fault_fail_cmd" },
	{ "fault_fail_cmd=65536", "fault_fail_cmd" },
	{ "fault_fail_ack=0", "fault_fail_ack" },
	{ "fault_fail_ack=256", "fault_fail_ack" },
	{ "fault_stall=2", "fault_stall" },
	{ "net=-1", "net" },
	{ "net=x", "net" },
	{ "net=65", "net|max_vdevs" },
	{ "vdpa=-1", "vdpa" },
	{ "vdpa=x", "vdpa" },
	{ "max_vdevs=2,net=2,vdpa=1", "net|vdpa|max_vdevs" },
	{ "mac=zz:00:00:00:00:00", "mac" },
	{ "mac=02:00:00:00:00", "mac" },
	{ "mac=02:00:00:00:00:00:00", "mac" },
	{ "mac=", "mac" },
	{ "mtu=67", "mtu" },
	{ "mtu=9001", "mtu" },
	{ "mtu=x", "mtu" },
	{ "queues=0", "queues" },
	{ "queues=9", "queues" },
	{ "queues=x", "queues" },
	/* Duplicates, even of the same value. */
	{ "aqs=1,aqs=1", "aqs" },
	{ "net=1,strict=0,net=1", "net" },
};

/* Names that are not management devices (or not creatable ones). */
static const char *const bad_names[] = {
	"avq:sim01",
	"avq:sim1000",
	"avq:simx",
	"avq:foo0",
	"avq:" DEV ".vd1",
};

static int
devargs_count(void)
{
	struct rte_devargs *da;
	int n = 0;

	RTE_EAL_DEVARGS_FOREACH("avq", da)
		n++;
	return n;
}

/* What a process looks like before a probe; compared after. */
struct snap {
	unsigned int mgmt;
	int vdevs;
	int devargs;
	int threads;
};

static void
snap_take(struct snap *s)
{
	s->mgmt = rte_avq_mgmt_count();
	s->vdevs = bus_vdev_count(NULL);
	s->devargs = devargs_count();
	s->threads = bus_thread_count();
}

static int
check_nothing_left(const struct snap *s0, const char *what)
{
	struct snap s;
	int i;

	/* A joined thread may linger in /proc for a moment. */
	for (i = 0; i < 1000; i++) {
		snap_take(&s);
		if (s.threads <= s0->threads)
			break;
		usleep(1000);
	}
	TEST_ASSERT_EQUAL(s.mgmt, s0->mgmt, "%s: management devices", what);
	TEST_ASSERT_EQUAL(s.vdevs, s0->vdevs, "%s: managed devices", what);
	TEST_ASSERT_EQUAL(s.devargs, s0->devargs, "%s: devargs", what);
	TEST_ASSERT_EQUAL(s.threads, s0->threads, "%s: threads", what);
	TEST_ASSERT(rte_avq_mgmt_lookup(DEV) == NULL, "%s: %s exists", what,
		    DEV);
	TEST_ASSERT(bus_find_rte_device(DEV) == NULL, "%s: %s on the bus",
		    what, DEV);
	return TEST_SUCCESS;
}

/* Log lines written while capturing (error level and above). */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
	uint32_t level;
};

static int
capture_begin(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	if (c->f == NULL)
		return -errno;
	c->level = rte_log_get_global_level();
	rte_log_set_global_level(RTE_LOG_ERR);
	rte_openlog_stream(c->f);
	return 0;
}

static void
capture_end(struct capture *c)
{
	rte_openlog_stream(NULL);
	rte_log_set_global_level(c->level);
	fclose(c->f);
}

/* Whether @p line names one of @p keys ("a|b"). */
static bool
names_key(const char *line, const char *keys)
{
	char buf[128], *save = NULL, *k;

	snprintf(buf, sizeof(buf), "%s", keys);
	for (k = strtok_r(buf, "|", &save); k != NULL;
	     k = strtok_r(NULL, "|", &save))
		if (strstr(line, k) != NULL)
			return true;
	return false;
}

/* Exactly one captured line names the device, and it names the key. */
static int
check_error_line(const char *log, const char *keys, const char *what)
{
	const char *p = log, *nl;
	char buf[512];
	int lines = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		snprintf(buf, sizeof(buf), "%.*s", (int)(nl - p), p);
		if (strstr(buf, DEV) != NULL) {
			lines++;
			if (!names_key(buf, keys)) {
				fprintf(stderr, "%s: line without the key "
					"(%s): %s\n", what, keys, buf);
				return TEST_FAILED;
			}
		}
		p = *nl == '\0' ? nl : nl + 1;
	}
	TEST_ASSERT_EQUAL(lines, 1, "%s: lines naming %s in:\n%s", what, DEV,
			  log);
	return TEST_SUCCESS;
}

static int
bad_case(const struct bad_case *bc)
{
	struct capture cap;
	struct snap s0;
	char devargs[128];
	int ret, probe_ret;

	snprintf(devargs, sizeof(devargs), "avq:%s,%s", DEV, bc->args);
	snap_take(&s0);
	ret = capture_begin(&cap);
	TEST_ASSERT_SUCCESS(ret, "open_memstream");
	probe_ret = rte_dev_probe(devargs);
	capture_end(&cap);
	ret = TEST_SUCCESS;
	if (probe_ret != -EINVAL) {
		fprintf(stderr, "%s: rte_dev_probe returned %d, want %d\n",
			devargs, probe_ret, -EINVAL);
		ret = TEST_FAILED;
	}
	if (ret == TEST_SUCCESS)
		ret = check_error_line(cap.buf, bc->keys, devargs);
	free(cap.buf);
	if (ret == TEST_SUCCESS)
		ret = check_nothing_left(&s0, devargs);
	/* Do not leave a wrongly accepted device for the next case. */
	if (probe_ret == 0 && bus_find_rte_device(DEV) != NULL)
		rte_dev_remove(bus_find_rte_device(DEV));
	return ret;
}

/* After all that, the name is free and good devargs work. */
static int
good_body(void)
{
	struct rte_device *dev;
	struct snap s0;

	snap_take(&s0);
	TEST_ASSERT_SUCCESS(rte_dev_probe("avq:" DEV ",aqs=2,net=1"), "");
	TEST_ASSERT_NOT_NULL(rte_avq_mgmt_lookup(DEV), "");
	TEST_ASSERT_EQUAL(bus_vdev_count(DEV), 1, "");
	dev = bus_find_rte_device(DEV);
	TEST_ASSERT_NOT_NULL(dev, "");
	TEST_ASSERT_SUCCESS(rte_dev_remove(dev), "");
	return check_nothing_left(&s0, "good devargs, removed");
}

static int
test_bus_devargs_bad(void)
{
	struct rte_device *dev;
	struct snap s0;
	unsigned int i, failed = 0;
	int ret;

	for (i = 0; i < RTE_DIM(bad_cases); i++)
		if (bad_case(&bad_cases[i]) != TEST_SUCCESS)
			failed++;
	for (i = 0; i < RTE_DIM(bad_names); i++) {
		snap_take(&s0);
		ret = rte_dev_probe(bad_names[i]);
		if (ret >= 0) {
			fprintf(stderr, "%s: accepted\n", bad_names[i]);
			failed++;
		}
		if (check_nothing_left(&s0, bad_names[i]) != TEST_SUCCESS)
			failed++;
		dev = bus_find_rte_device(bad_names[i] + strlen("avq:"));
		if (dev != NULL && dev->driver != NULL)
			rte_dev_remove(dev);
	}
	TEST_ASSERT_EQUAL(failed, 0, "of %zu cases",
			  RTE_DIM(bad_cases) + RTE_DIM(bad_names));
	ret = good_body();
	dev = bus_find_rte_device(DEV);
	if (dev != NULL)
		rte_dev_remove(dev);
	return ret;
}

REGISTER_AVQ_TEST(bus_devargs_bad_autotest, test_bus_devargs_bad);
