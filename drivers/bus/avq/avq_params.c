/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Device names and the devargs of a `sim` management device. Every key is
 * checked fully (whole string, range) by its own handler; an unknown key,
 * a bad value or a repeated key is one error line naming the device, the
 * key and what is accepted, and nothing else happens.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_kvargs.h>

#include "avq_bus_private.h"

/* ---- Names ---- */

/* Decimal digits at *s: no sign, no leading zero (except "0" itself). */
static int
parse_dec(const char **s, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return 0;
}

int
avq_name_parse(const char *name, unsigned int *index, uint64_t *id,
	       bool *is_vdev)
{
	const char *p = name;
	uint64_t n, vid = 0;
	bool vdev = false;

	if (name == NULL || strncmp(p, "sim", 3) != 0)
		return -EINVAL;
	p += 3;
	if (parse_dec(&p, AVQ_SIM_MAX_INDEX, &n) < 0)
		return -EINVAL;
	if (strncmp(p, ".vd", 3) == 0) {
		p += 3;
		/* VDEV_CREATE never returns 0: that is the management device. */
		if (parse_dec(&p, UINT64_MAX, &vid) < 0 || vid == 0)
			return -EINVAL;
		vdev = true;
	}
	if (*p != '\0')
		return -EINVAL;
	if (index != NULL)
		*index = (unsigned int)n;
	if (id != NULL)
		*id = vid;
	if (is_vdev != NULL)
		*is_vdev = vdev;
	return 0;
}

/* ---- Values ---- */

/* Unsigned decimal, or hexadecimal after "0x" when @p hex; whole string. */
static int
parse_u64(const char *s, bool hex, uint64_t *out)
{
	int base = 10;
	char *end;
	uint64_t v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull() accepts blanks and a sign: refuse them. */
	if ((base == 10 && (*s < '0' || *s > '9')) ||
	    (base == 16 && !((*s >= '0' && *s <= '9') ||
			     (*s >= 'a' && *s <= 'f') ||
			     (*s >= 'A' && *s <= 'F'))))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (parse_u64(s, false, &v) < 0 || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* -1, or 0..max. */
static int
parse_int_m1(const char *s, int max, int *out)
{
	uint64_t v;

	if (s != NULL && strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (parse_range(s, 0, (uint64_t)max, &v) < 0)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	if (s != NULL && strcmp(s, "0") == 0)
		*out = false;
	else if (s != NULL && strcmp(s, "1") == 0)
		*out = true;
	else
		return -EINVAL;
	return 0;
}

static int
hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly xx:xx:xx:xx:xx:xx (rte_ether_unformat_addr() takes more forms). */
static int
parse_mac(const char *s, struct rte_ether_addr *mac)
{
	unsigned int i;
	int hi, lo;

	if (s == NULL || strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++) {
		hi = hexdigit(s[3 * i]);
		lo = hexdigit(s[3 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < RTE_ETHER_ADDR_LEN - 1 && s[3 * i + 2] != ':')
			return -EINVAL;
		mac->addr_bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* ---- Keys ---- */

#define WHY_LEN	96

typedef int (key_fn_t)(const char *v, struct avq_sim_args *a, char *why);

static int
key_aq_size(const char *v, struct avq_sim_args *a, char *why)
{
	uint64_t n;

	/* A command is a chain of two descriptors: at least 2 entries. */
	snprintf(why, WHY_LEN, "power of two, 2..%u", AVQ_SIM_MAX_AQ_SIZE);
	if (parse_range(v, 2, AVQ_SIM_MAX_AQ_SIZE, &n) < 0 ||
	    !rte_is_power_of_2((uint32_t)n))
		return -EINVAL;
	a->aq_size = (uint16_t)n;
	return 0;
}

static int
key_features(const char *v, struct avq_sim_args *a, char *why)
{
	uint64_t f;

	snprintf(why, WHY_LEN,
		 "u64, decimal or 0x hex, with bit %u (VIRTIO_F_VERSION_1); 0: default",
		 AVQ_F_VERSION_1);
	if (parse_u64(v, true, &f) < 0)
		return -EINVAL;
	/* virtio 1.x: a modern device offers VIRTIO_F_VERSION_1, and without
	 * it FEATURES_OK can never be set.
	 */
	if (f != 0 && (f & RTE_BIT64(AVQ_F_VERSION_1)) == 0)
		return -EINVAL;
	a->features = f;
	return 0;
}

static int
key_idle(const char *v, struct avq_sim_args *a, char *why)
{
	snprintf(why, WHY_LEN, "poll, block, adaptive");
	if (v == NULL)
		return -EINVAL;
	if (strcmp(v, "poll") == 0)
		a->idle = RTE_AVQ_DEV_IDLE_POLL;
	else if (strcmp(v, "block") == 0)
		a->idle = RTE_AVQ_DEV_IDLE_BLOCK;
	else if (strcmp(v, "adaptive") == 0)
		a->idle = RTE_AVQ_DEV_IDLE_ADAPTIVE;
	else
		return -EINVAL;
	return 0;
}

static int
key_cpu(const char *v, struct avq_sim_args *a, char *why)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	int max = n > 0 ? (int)RTE_MIN(n, (long)CPU_SETSIZE) - 1 : 0;

	snprintf(why, WHY_LEN, "-1..%d", max);
	return parse_int_m1(v, max, &a->cpu);
}

static int
key_fault_fail_class(const char *v, struct avq_sim_args *a, char *why)
{
	int n;

	snprintf(why, WHY_LEN, "-1..%u", UINT16_MAX);
	if (parse_int_m1(v, UINT16_MAX, &n) < 0)
		return -EINVAL;
	a->faults.fail_class = n;
	return 0;
}

static int
key_fault_fail_cmd(const char *v, struct avq_sim_args *a, char *why)
{
	int n;

	snprintf(why, WHY_LEN, "-1..%u", UINT16_MAX);
	if (parse_int_m1(v, UINT16_MAX, &n) < 0)
		return -EINVAL;
	a->faults.fail_command = n;
	return 0;
}

static int
key_mac(const char *v, struct avq_sim_args *a, char *why)
{
	snprintf(why, WHY_LEN, "unicast xx:xx:xx:xx:xx:xx, not all zero");
	if (parse_mac(v, &a->mac) < 0 ||
	    !rte_is_unicast_ether_addr(&a->mac) ||
	    rte_is_zero_ether_addr(&a->mac))
		return -EINVAL;
	a->mac_set = true;
	return 0;
}

static int
key_queues(const char *v, struct avq_sim_args *a, char *why)
{
	struct rte_avq_dev_params p;
	uint64_t n;

	/* The bus creates the model with its default queue-pair limit. */
	rte_avq_dev_params_init(&p);
	snprintf(why, WHY_LEN, "1..%u", p.max_vq_pairs);
	if (parse_range(v, 1, p.max_vq_pairs, &n) < 0)
		return -EINVAL;
	a->queues = (uint16_t)n;
	return 0;
}

/*
 * A key is either a plain field of struct avq_sim_args (a number in
 * [lo, hi] of 1, 2 or 4 bytes, or a 0/1 bool) or, when it needs more than
 * a range check, a function.
 */
struct key_desc {
	const char *key;
	key_fn_t *fn;		/* NULL: the plain field below */
	size_t off;		/* offsetof(struct avq_sim_args, field) */
	uint8_t size;		/* of the field; 0: a bool */
	uint64_t lo, hi;
};

#define KEY_FN(k, f)		{ .key = (k), .fn = (f) }
#define KEY_NUM(k, field, l, h)	{ .key = (k), \
	.off = offsetof(struct avq_sim_args, field), \
	.size = sizeof(((struct avq_sim_args *)0)->field), .lo = (l), .hi = (h) }
#define KEY_BOOL(k, field)	{ .key = (k), \
	.off = offsetof(struct avq_sim_args, field) }

static const struct key_desc avq_keys[] = {
	KEY_NUM("aqs", aqs, 1, RTE_AVQ_DEV_MAX_AQS),
	KEY_FN("aq_size", key_aq_size),
	KEY_NUM("max_vdevs", max_vdevs, 1, AVQ_SIM_MAX_VDEVS),
	KEY_BOOL("strict", strict),
	KEY_BOOL("mmu_batch", mmu_batch),
	KEY_BOOL("multi", multi),
	KEY_BOOL("net_ctrl", net_ctrl),
	KEY_FN("features", key_features),
	KEY_FN("idle", key_idle),
	KEY_FN("cpu", key_cpu),
	KEY_NUM("timeout_ms", timeout_ms, 1, AVQ_SIM_MAX_TIMEOUT_MS),
	KEY_NUM("fault_delay_us", faults.delay_us, 0, UINT32_MAX),
	KEY_NUM("fault_reorder", faults.reorder, 0, UINT32_MAX),
	KEY_NUM("fault_drop_every", faults.drop_every, 0, UINT32_MAX),
	KEY_FN("fault_fail_class", key_fault_fail_class),
	KEY_FN("fault_fail_cmd", key_fault_fail_cmd),
	KEY_NUM("fault_fail_ack", faults.fail_ack, 1, UINT8_MAX),
	KEY_BOOL("fault_stall", faults.stall),
	/* The sum of net and vdpa is checked once all keys are in. */
	KEY_NUM("net", net, 0, AVQ_SIM_MAX_VDEVS),
	KEY_NUM("vdpa", vdpa, 0, AVQ_SIM_MAX_VDEVS),
	KEY_FN("mac", key_mac),
	/* virtio 1.2, 5.1.4.1: the mtu is at least 68; 9000 is the model's. */
	KEY_NUM("mtu", mtu, AVQ_MTU_MIN, AVQ_MTU_MAX),
	KEY_FN("queues", key_queues),
};

/* Parse @p v into the plain field of key @p k. */
static int
key_plain(const struct key_desc *k, const char *v, struct avq_sim_args *a,
	  char *why)
{
	uint8_t *field = (uint8_t *)a + k->off;
	uint64_t n;

	if (k->size == 0) {
		snprintf(why, WHY_LEN, "0, 1");
		return parse_bool(v, (bool *)field);
	}
	snprintf(why, WHY_LEN, "%" PRIu64 "..%" PRIu64, k->lo, k->hi);
	if (parse_range(v, k->lo, k->hi, &n) < 0)
		return -EINVAL;
	switch (k->size) {
	case sizeof(uint8_t):
		*field = (uint8_t)n;
		break;
	case sizeof(uint16_t):
		*(uint16_t *)field = (uint16_t)n;
		break;
	default:
		*(uint32_t *)field = (uint32_t)n;
		break;
	}
	return 0;
}

static void
args_defaults(struct avq_sim_args *a)
{
	memset(a, 0, sizeof(*a));
	a->aqs = 1;
	a->aq_size = 256;
	a->max_vdevs = 64;
	a->mmu_batch = true;
	a->multi = true;
	a->net_ctrl = true;
	a->idle = RTE_AVQ_DEV_IDLE_ADAPTIVE;
	a->cpu = -1;
	a->timeout_ms = 2000;
	a->faults.fail_class = -1;
	a->faults.fail_command = -1;
	a->mtu = AVQ_MTU_DEFAULT;
	a->queues = 1;
}

static void
unknown_key(const char *name, const char *key)
{
	char known[512];
	size_t off = 0;
	unsigned int i;

	known[0] = '\0';
	for (i = 0; i < RTE_DIM(avq_keys) && off < sizeof(known); i++)
		off += snprintf(known + off, sizeof(known) - off, "%s%s",
				i == 0 ? "" : ", ", avq_keys[i].key);
	AVQ_BUS_LOG(ERR, name, "unknown key '%s' (known: %s)", key, known);
}

/* Checks that need several keys. */
static int
args_cross_check(const char *name, struct avq_sim_args *a,
		 const char *net_val, const char *vdpa_val)
{
	uint64_t base = 0, last;
	unsigned int i;

	if (a->net + a->vdpa > a->max_vdevs) {
		AVQ_BUS_LOG(ERR, name,
			    "bad value '%s' for '%s' (net + vdpa at most max_vdevs %u)",
			    vdpa_val != NULL ? vdpa_val : net_val,
			    vdpa_val != NULL ? "vdpa" : "net", a->max_vdevs);
		return -EINVAL;
	}
	if (a->mac_set && a->net + a->vdpa > 1) {
		/* Device i gets mac + i: stay within the last five octets so
		 * that the first (unicast, locally administered bits) is kept.
		 */
		for (i = 1; i < RTE_ETHER_ADDR_LEN; i++)
			base = base << 8 | a->mac.addr_bytes[i];
		last = base + a->net + a->vdpa - 1;
		if (last > 0xffffffffffull) {
			AVQ_BUS_LOG(ERR, name,
				    "bad value '" RTE_ETHER_ADDR_PRT_FMT "' for 'mac' (mac + %u must not carry into the first octet)",
				    RTE_ETHER_ADDR_BYTES(&a->mac),
				    a->net + a->vdpa - 1);
			return -EINVAL;
		}
	}
	/* A fault on a command needs the class it applies to. */
	if (a->faults.fail_class < 0 && a->faults.fail_command >= 0) {
		AVQ_BUS_LOG(ERR, name,
			    "bad value '%d' for 'fault_fail_cmd' (needs fault_fail_class)",
			    a->faults.fail_command);
		return -EINVAL;
	}
	if (a->faults.fail_class < 0 && a->faults.fail_ack != 0) {
		AVQ_BUS_LOG(ERR, name,
			    "bad value '%u' for 'fault_fail_ack' (needs fault_fail_class)",
			    a->faults.fail_ack);
		return -EINVAL;
	}
	/* RFC admin VQ: any non-zero ack is a failure; ERR unless told. */
	if (a->faults.fail_class >= 0 && a->faults.fail_ack == 0)
		a->faults.fail_ack = AVQ_ACK_ERR;
	return 0;
}

int
avq_sim_args_parse(const char *name, const char *args, struct avq_sim_args *a)
{
	const char *net_val = NULL, *vdpa_val = NULL;
	struct rte_kvargs *kv;
	char why[WHY_LEN];
	uint32_t seen = 0;
	unsigned int i, k;
	int ret = 0;

	RTE_BUILD_BUG_ON(RTE_DIM(avq_keys) > 32);
	args_defaults(a);
	if (args == NULL || args[0] == '\0')
		return 0;
	/* No key list: an unknown key must be named in the error. */
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		AVQ_BUS_LOG(ERR, name, "cannot parse arguments '%s'", args);
		return -EINVAL;
	}
	for (i = 0; i < kv->count; i++) {
		const char *key = kv->pairs[i].key;
		const char *val = kv->pairs[i].value;

		for (k = 0; k < RTE_DIM(avq_keys); k++)
			if (strcmp(key, avq_keys[k].key) == 0)
				break;
		if (k == RTE_DIM(avq_keys)) {
			unknown_key(name, key);
			ret = -EINVAL;
			break;
		}
		if (seen & RTE_BIT32(k)) {
			AVQ_BUS_LOG(ERR, name, "key '%s' given twice", key);
			ret = -EINVAL;
			break;
		}
		seen |= RTE_BIT32(k);
		why[0] = '\0';
		if ((avq_keys[k].fn != NULL ? avq_keys[k].fn(val, a, why) :
		     key_plain(&avq_keys[k], val, a, why)) < 0) {
			AVQ_BUS_LOG(ERR, name, "bad value '%s' for '%s' (%s)",
				    val != NULL ? val : "", key, why);
			ret = -EINVAL;
			break;
		}
		/* Any fault_* key installs fault injection. */
		if (strncmp(key, "fault_", 6) == 0)
			a->fault = true;
		if (strcmp(key, "net") == 0)
			net_val = val;
		else if (strcmp(key, "vdpa") == 0)
			vdpa_val = val;
	}
	if (ret == 0)
		ret = args_cross_check(name, a, net_val, vdpa_val);
	rte_kvargs_free(kv);
	return ret;
}
