/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Helpers of the avq bus tests (test_bus.h): the test class driver, reads
 * of managed devices through their admin-queue view, a telemetry client
 * and a small strict JSON reader. No test here.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <bus_driver.h>

#include <rte_avq_aq.h>
#include <rte_avq_dev.h>

#include "avq_test.h"
#include "test_bus.h"

#define BUS_JSON_MAX_DEPTH	16

/* What the test driver's probe stores in drv_priv: proof it bound. */
static int bus_tdrv_marker;

static void
count(uint32_t *c)
{
	/* Pairs with the acquire load of bus_tdrv_count(). */
	__atomic_fetch_add(c, 1, __ATOMIC_RELEASE);
}

uint32_t
bus_tdrv_count(const uint32_t *counter)
{
	/* Pairs with the release add of count(). */
	return __atomic_load_n(counter, __ATOMIC_ACQUIRE);
}

static bool
vdev_sane(struct rte_avq_vdev *v)
{
	return v->params.cls == RTE_AVQ_VDEV_CLASS_NET && v->id != 0 &&
		v->mgmt != NULL && v->engine != NULL && v->aq != NULL &&
		v->transport != NULL;
}

/*
 * Probe and remove look the device up by name: the bus must let a driver
 * use its API from these callbacks (no self-deadlock on its mutex).
 */
static int
tdrv_probe(struct rte_avq_driver *drv, struct rte_avq_vdev *v)
{
	int ret = __atomic_load_n(&bus_tdrv.probe_ret, __ATOMIC_RELAXED);

	if (drv != &bus_tdrv.drv || !vdev_sane(v))
		count(&bus_tdrv.bad_vdev);
	if (rte_avq_vdev_lookup(v->device.name) != v)
		count(&bus_tdrv.bad_lookup);
	if (ret != 0)
		return ret;
	v->drv_priv = &bus_tdrv_marker;
	count(&bus_tdrv.probes);
	return 0;
}

static int
tdrv_remove(struct rte_avq_vdev *v)
{
	struct rte_avq_dev *model = rte_avq_mgmt_model(v->mgmt);
	struct rte_avq_dev_vdev_info info;
	int ret = __atomic_load_n(&bus_tdrv.remove_ret, __ATOMIC_RELAXED);

	if (v->drv_priv != &bus_tdrv_marker)
		count(&bus_tdrv.bad_priv);
	if (rte_avq_vdev_lookup(v->device.name) != v)
		count(&bus_tdrv.bad_lookup);
	/* The driver goes first: the device must still exist. */
	if (model == NULL || rte_avq_dev_vdev_info(model, v->id, &info) != 0)
		count(&bus_tdrv.gone_at_remove);
	if (ret != 0) {
		count(&bus_tdrv.refused);
		return ret;
	}
	v->drv_priv = NULL;
	count(&bus_tdrv.removes);
	return 0;
}

struct bus_tdrv bus_tdrv;

void
bus_tdrv_register(void)
{
	memset(&bus_tdrv, 0, sizeof(bus_tdrv));
	bus_tdrv.drv.driver.name = BUS_TDRV_NAME;
	bus_tdrv.drv.cls = RTE_AVQ_VDEV_CLASS_NET;
	bus_tdrv.drv.probe = tdrv_probe;
	bus_tdrv.drv.remove = tdrv_remove;
	rte_avq_register(&bus_tdrv.drv);
}

void
bus_tdrv_unregister(void)
{
	rte_avq_unregister(&bus_tdrv.drv);
}

bool
bus_tdrv_bound(const struct rte_avq_vdev *v)
{
	return v->drv_priv == &bus_tdrv_marker &&
		v->device.driver == &bus_tdrv.drv.driver;
}

int
bus_vdev_status(struct rte_avq_vdev *v, uint8_t *status)
{
	return rte_avq_aq_cmd(v->aq, v->id, AVQ_CLASS_STATUS, AVQ_STATUS_GET,
			      NULL, 0, status, sizeof(*status));
}

int
bus_vdev_status_set(struct rte_avq_vdev *v, uint8_t status)
{
	return rte_avq_aq_cmd(v->aq, v->id, AVQ_CLASS_STATUS, AVQ_STATUS_SET,
			      &status, sizeof(status), NULL, 0);
}

int
bus_vdev_config(struct rte_avq_vdev *v, struct avq_net_config *cfg)
{
	struct avq_config_get get = {
		.offset = rte_cpu_to_le_32(0),
		.size = rte_cpu_to_le_32(sizeof(*cfg)),
	};

	return rte_avq_aq_cmd(v->aq, v->id, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET,
			      &get, sizeof(get), cfg, sizeof(*cfg));
}

int
bus_vdev_device_features(struct rte_avq_vdev *v, uint64_t *f)
{
	struct avq_features in;
	int ret;

	ret = rte_avq_aq_cmd(v->aq, v->id, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET,
			     NULL, 0, &in, sizeof(in));
	if (ret == 0)
		*f = rte_le_to_cpu_64(in.features);
	return ret;
}

static int
cmp_name(const struct rte_device *dev, const void *name)
{
	return strcmp(dev->name, name);
}

struct rte_device *
bus_find_rte_device(const char *name)
{
	struct rte_bus *bus = rte_bus_find_by_name("avq");

	if (bus == NULL || bus->find_device == NULL)
		return NULL;
	return bus->find_device(NULL, cmp_name, name);
}

int
bus_vdev_count(const char *mgmt)
{
	char names[1][RTE_AVQ_NAME_LEN];

	return rte_avq_vdev_list(mgmt, names, 0);
}

int
bus_model_vdev_count(struct rte_avq_mgmt *m)
{
	struct rte_avq_dev *model = rte_avq_mgmt_model(m);

	if (model == NULL)
		return -ENODEV;
	return rte_avq_dev_vdev_list(model, NULL, 0);
}

const char *
bus_mac_str(const struct rte_ether_addr *a, char *buf)
{
	rte_ether_format_addr(buf, RTE_ETHER_ADDR_FMT_SIZE, a);
	return buf;
}

int
bus_thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- A small strict JSON reader ---------------------------------------- */

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* @p p at '"'; copies the unescaped string (\u escapes as '?') to @p out. */
static const char *
json_string(const char *p, char *out, size_t len)
{
	size_t n = 0;
	int i;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		char ch = *p;

		if ((unsigned char)ch < 0x20)
			return NULL;	/* also the end of the text */
		if (ch == '\\') {
			p++;
			switch (*p) {
			case '"': case '\\': case '/': ch = *p; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u':
				for (i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    p[i]) || p[i] == '\0')
						return NULL;
				p += 4;
				ch = '?';
				break;
			default:
				return NULL;
			}
		}
		if (out != NULL && n + 1 < len)
			out[n++] = ch;
		p++;
	}
	if (out != NULL && len > 0)
		out[n] = '\0';
	return p + 1;
}

static const char *
json_number(const char *p)
{
	const char *d;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		d = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		d = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	return p;
}

/* Skip one value at @p p (no leading space); NULL if it is not JSON. */
static const char *
json_value(const char *p, int depth)
{
	char close;

	if (depth > BUS_JSON_MAX_DEPTH)
		return NULL;
	switch (*p) {
	case '"':
		return json_string(p, NULL, 0);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	case '{':
	case '[':
		close = *p == '{' ? '}' : ']';
		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = json_string(p, NULL, 0);
				if (p == NULL)
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
				p = json_ws(p);
			}
			p = json_value(p, depth + 1);
			if (p == NULL)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
			p = json_ws(p);
		}
	default:
		return json_number(p);
	}
}

/* Whether @p doc is exactly one JSON value. */
bool
bus_json_valid(const char *doc)
{
	const char *p = json_value(json_ws(doc), 0);

	return p != NULL && *json_ws(p) == '\0';
}

/* The value of member @p key of the object at @p obj (valid JSON), or NULL. */
const char *
bus_json_get(const char *obj, const char *key)
{
	char k[128];
	const char *p = json_ws(obj);

	if (p == NULL || *p != '{')
		return NULL;
	p = json_ws(p + 1);
	while (*p == '"') {
		p = json_ws(json_string(p, k, sizeof(k)));
		p = json_ws(p + 1);	/* ':' */
		if (strcmp(k, key) == 0)
			return p;
		p = json_ws(json_value(p, 0));
		if (*p != ',')
			break;
		p = json_ws(p + 1);
	}
	return NULL;
}

/* Members of the object at @p obj. */
int
bus_json_members(const char *obj)
{
	const char *p = json_ws(obj);
	int n = 0;

	if (*p != '{')
		return -1;
	p = json_ws(p + 1);
	while (*p == '"') {
		n++;
		p = json_ws(json_string(p, NULL, 0));
		p = json_ws(json_value(json_ws(p + 1), 0));
		if (*p != ',')
			break;
		p = json_ws(p + 1);
	}
	return n;
}

bool
bus_json_is_null(const char *v)
{
	return v != NULL && strncmp(v, "null", 4) == 0;
}

int
bus_json_str(const char *v, char *out, size_t len)
{
	if (v == NULL || *v != '"')
		return -EINVAL;
	return json_string(v, out, len) == NULL ? -EINVAL : 0;
}

/* A non-negative integer value. */
int
bus_json_u64(const char *v, uint64_t *out)
{
	char *end;

	if (v == NULL || *v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno != 0 || end != json_number(v))
		return -EINVAL;
	return 0;
}

/* A number, integer or not. */
int
bus_json_double(const char *v, double *out)
{
	char *end;

	if (v == NULL || json_number(v) == NULL)
		return -EINVAL;
	*out = strtod(v, &end);
	return end == json_number(v) ? 0 : -EINVAL;
}

/* A string "0x<hex>". */
int
bus_json_hex(const char *v, uint64_t *out)
{
	char s[40], *end;

	if (bus_json_str(v, s, sizeof(s)) != 0 || strncmp(s, "0x", 2) != 0 ||
	    s[2] == '\0')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s + 2, &end, 16);
	return errno != 0 || *end != '\0' ? -EINVAL : 0;
}

/* An array of strings; returns its length (only @p n copied), or <0. */
int
bus_json_str_array(const char *v, char (*out)[RTE_AVQ_NAME_LEN],
		   unsigned int n)
{
	const char *p = v;
	int count = 0;

	if (p == NULL || *p != '[')
		return -EINVAL;
	p = json_ws(p + 1);
	if (*p == ']')
		return 0;
	for (;;) {
		if (*p != '"')
			return -EINVAL;
		p = json_string(p, (unsigned int)count < n ? out[count] : NULL,
			     RTE_AVQ_NAME_LEN);
		count++;
		p = json_ws(p);
		if (*p == ']')
			return count;
		if (*p != ',')
			return -EINVAL;
		p = json_ws(p + 1);
	}
}

/* ---- The telemetry client ---------------------------------------------- */

static int
tel_recv(struct bus_tel *t)
{
	ssize_t n = recv(t->fd, t->buf, BUS_TEL_BUF - 1, 0);

	if (n <= 0)
		return n == 0 ? -ECONNRESET : -errno;
	t->buf[n] = '\0';
	return 0;
}

int
bus_tel_open(struct bus_tel *t)
{
	struct timeval tv = { .tv_sec = 10 };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint64_t pid, max_len;

	t->fd = -1;
	t->buf = malloc(BUS_TEL_BUF);
	TEST_ASSERT_NOT_NULL(t->buf, "");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	t->fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	TEST_ASSERT(t->fd >= 0, "socket: %s", strerror(errno));
	TEST_ASSERT_SUCCESS(setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				       sizeof(tv)), "");
	TEST_ASSERT_SUCCESS(connect(t->fd, (struct sockaddr *)&sun,
				    sizeof(sun)), "connect %s: %s",
			    sun.sun_path, strerror(errno));
	TEST_ASSERT_SUCCESS(tel_recv(t), "welcome");
	TEST_ASSERT(bus_json_valid(t->buf), "welcome: %s", t->buf);
	TEST_ASSERT_NOT_NULL(bus_json_get(t->buf, "version"), "%s", t->buf);
	TEST_ASSERT_SUCCESS(bus_json_u64(bus_json_get(t->buf, "pid"), &pid),
			    "%s", t->buf);
	TEST_ASSERT_EQUAL(pid, getpid(), "another process: %s", t->buf);
	TEST_ASSERT_SUCCESS(bus_json_u64(bus_json_get(t->buf, "max_output_len"),
					 &max_len), "%s", t->buf);
	TEST_ASSERT(max_len < BUS_TEL_BUF, "%" PRIu64, max_len);
	return TEST_SUCCESS;
}

void
bus_tel_close(struct bus_tel *t)
{
	if (t->fd >= 0)
		close(t->fd);
	free(t->buf);
}

/*
 * Send @p cmd; *@p val points at the value of the reply's only member,
 * which must be named after the command (the part before a ',').
 */
int
bus_tel_cmd(struct bus_tel *t, const char *cmd, const char **val)
{
	char key[128];
	size_t klen = strcspn(cmd, ",");

	*val = NULL;
	TEST_ASSERT(send(t->fd, cmd, strlen(cmd), 0) == (ssize_t)strlen(cmd),
		    "send %s: %s", cmd, strerror(errno));
	TEST_ASSERT_SUCCESS(tel_recv(t), "%s: no reply", cmd);
	TEST_ASSERT(bus_json_valid(t->buf), "%s: not JSON: %s", cmd, t->buf);
	TEST_ASSERT_EQUAL(bus_json_members(t->buf), 1, "%s: %s", cmd, t->buf);
	snprintf(key, sizeof(key), "%.*s", (int)klen, cmd);
	*val = bus_json_get(t->buf, key);
	TEST_ASSERT_NOT_NULL(*val, "%s: no member %s: %s", cmd, key, t->buf);
	return TEST_SUCCESS;
}

/* The reply's value must be null (bad or unknown parameter). */
int
bus_tel_null(struct bus_tel *t, const char *cmd)
{
	const char *v;

	if (bus_tel_cmd(t, cmd, &v) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(bus_json_is_null(v), "%s: want null: %s", cmd, t->buf);
	return TEST_SUCCESS;
}
