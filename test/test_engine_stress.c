/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Stress tests of the admin-queue engine (rte_avq_engine.h).
 *
 * Two lcores (main + one worker, -l 0-1) each own a disjoint set of
 * managed devices and submit a seeded random mix of commands for them:
 * single submissions and batches of random size, with RTE_AVQ_F_WAIT or
 * with -EAGAIN counted and retried; both lcores poll. A software model of
 * each device, updated in submission order (which, per device, is the
 * device's execution order), predicts the ack and the command-in-data of
 * every command; each callback checks its result against the prediction
 * stored with the command, that it runs exactly once, and that the
 * callbacks of one device arrive in submission order. At the end the
 * engine counters must add up and the device state read back must equal
 * the model.
 *
 * Set-up and read-back use a separate admin queue (the one after the
 * engine's) through the minimal path, so they depend neither on the engine
 * nor on its short timeouts or resets.
 *
 * Every run prints its seed; AVQ_STRESS_SEED=<n> replays one (the command
 * mix; thread interleaving is not reproducible).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_pause.h>

#include <rte_avq_engine.h>

#include "avq_test.h"
#include "avq_fixture.h"

#define ST_MAX_WORKERS	3	/* two lcores + one control thread */
#define ST_LIVE		4	/* managed devices per worker */
#define ST_DEVS		(ST_LIVE + 2)	/* + one destroyed, one never created */
#define ST_NQ		3	/* virtqueues of a one-pair net device */
#define ST_CFG_LEN	24	/* sizeof(struct avq_net_config) */
#define ST_MAC_LEN	6
#define ST_MAX_MAPS	128	/* > 2 ASIDs x (ST_IOVA_PAGES + 3) pages */
#define ST_IN_CAP	32
#define ST_OUT_MAX	64
#define ST_FILL		0xa5	/* in-data buffers before delivery */
#define ST_SPARE	1024	/* records beyond the workload */
#define ST_IOVA_BASE	0x10000000ull
#define ST_PAGE		0x1000ull
#define ST_IOVA_PAGES	48
/* The device's reserved MSI range (virtio-iommu v0.7 RESV_MEM). */
#define ST_RESV_START	0xfee00000ull
#define ST_RESV_END	0xfeefffffull
#define ST_NEVER_ID	(1ull << 40)	/* ids the device never hands out */
/* Status bits the device knows (all but 0x10). */
#define ST_STATUS_KNOWN	(AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER |	\
			 AVQ_STATUS_DRIVER_OK | AVQ_STATUS_FEATURES_OK |	\
			 AVQ_STATUS_DEVICE_MMU_FAIL |			\
			 AVQ_STATUS_DEVICE_NEEDS_RESET | AVQ_STATUS_FAILED)
#define ST_DRAIN_S	30	/* longest wait for the last completions */
#define ST_WATCHDOG_S	15	/* no progress this long: a deadlock */
#define ST_SLACK	256	/* lead one lcore may take over the other */
/*
 * Engine timeout of the tests that are not about timeouts: run in parallel
 * with other polling tests on two cores, every hand-off waits for a
 * scheduler slice and a command can legitimately wait longer than the
 * default 2 s behind a full ring.
 */
#define ST_LONG_TMO_US	(60ull * 1000 * 1000)

/* Completion statuses a test accepts. */
#define ST_S_OK		(1u << 0)
#define ST_S_TMO	(1u << 1)
#define ST_S_CANCEL	(1u << 2)

struct st_map {
	uint64_t start, end, asid;
};

/* Model of one managed device (or of an id that does not exist). */
struct st_dev {
	uint64_t id;
	bool live;
	uint8_t config[ST_CFG_LEN];
	uint8_t status;
	uint64_t dev_features;
	uint64_t drv_features;
	uint32_t generation;
	uint16_t vq_size[ST_NQ];
	uint32_t nmaps;
	struct st_map maps[ST_MAX_MAPS];
	uint32_t seq;		/* next submission (owner only) */
	uint32_t next;		/* next delivery expected (callbacks) */
};

struct st_ctx;

/* One command and what the model predicts for it. */
struct st_rec {
	struct st_ctx *x;
	struct st_dev *dev;
	uint32_t seq;		/* per device, submission order */
	uint16_t class_id;
	uint16_t command;
	bool stable;		/* prediction holds whatever the state */
	uint8_t want_ack;
	uint8_t want_in_len;
	uint8_t in_cap;
	uint8_t want_in[ST_IN_CAP];
	uint8_t in[ST_IN_CAP];
	uint32_t count;		/* deliveries */
	int status;		/* as delivered, for failure messages */
	uint8_t ack;
	uint32_t in_len;
};

struct st_worker {
	struct st_ctx *x;
	unsigned int idx;
	uint64_t rng;
	unsigned int n;		/* commands to submit */
	struct st_dev *dev;	/* ST_DEVS */
	struct st_rec *rec;	/* n + ST_SPARE */
	unsigned int nrec;
	uint32_t progress;	/* nrec, for the other lcore's pacing */
	uint64_t eagain;	/* -EAGAIN seen (and retried) */
	uint64_t canceled_sub;	/* -ECANCELED at submission (reset) */
	uint64_t batches;	/* rte_avq_batch_end() calls */
	uint64_t batched;	/* commands posted in batches */
	int ret;
};

/* What a test runs. */
struct st_conf {
	unsigned int n;		/* commands per lcore */
	unsigned int n_ctl;	/* rte_avq_exec() calls of a control thread */
	unsigned int max_batch;
	unsigned int wait_pct;	/* submissions with RTE_AVQ_F_WAIT */
	unsigned int exec_pct;	/* lcore commands run by rte_avq_exec() */
	bool check_model;	/* else only state-independent predictions */
	unsigned int allowed;	/* ST_S_* */
	void (*hook)(struct st_ctx *x, unsigned int phase);
	unsigned int hook_every;	/* main lcore commands between hooks */
};

struct st_ctx {
	struct avq_fx fx;
	struct rte_avq_engine *e;
	struct st_conf c;
	uint64_t seed;
	uint16_t max_vq;
	unsigned int nworkers;
	unsigned int gen;	/* device set generation (fresh MACs, ids) */
	struct st_worker w[ST_MAX_WORKERS];
	/* Shared counters, relaxed unless said otherwise. */
	uint64_t submitted;
	uint64_t delivered;	/* release in the callback, acquire in waits */
	uint32_t done;		/* submitters finished */
	uint32_t errors;
	uint64_t n_ok, n_failed, n_tmo, n_cancel;
	uint64_t extra_eagain;	/* -EAGAIN outside the workers */
	uint64_t extra_ok;	/* rte_avq_exec() of the hooks (all OK) */
	uint32_t wd_stop;
	/* Hooks. */
	int hook_err;
	unsigned int resets;
};

/* ------------------------------------------------------------------ */
/* Completion check                                                    */
/* ------------------------------------------------------------------ */

static void
st_error(struct st_ctx *x, const struct st_rec *r, const char *what,
	 int status, uint8_t ack, uint32_t in_len)
{
	if (__atomic_fetch_add(&x->errors, 1, __ATOMIC_RELAXED) >= 10)
		return;
	fprintf(stderr, "seed 0x%" PRIx64 ": device %" PRIu64 " seq %u %s/%s"
		" (class %u cmd %u): %s: status %d ack %u (want %u) in_len %u"
		" (want %u, cap %u)\n", x->seed, r->dev->id, r->seq,
		avq_class_str(r->class_id),
		avq_cmd_str(r->class_id, r->command), r->class_id, r->command,
		what, status, ack, r->want_ack, in_len, r->want_in_len,
		r->in_cap);
}

static bool
st_untouched(const struct st_rec *r, uint32_t from)
{
	uint32_t i;

	for (i = from; i < ST_IN_CAP; i++)
		if (r->in[i] != ST_FILL)
			return false;
	return true;
}

/* Completion callback of every command of these tests. */
static void
st_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct st_rec *r = arg;
	struct st_ctx *x = r->x;
	struct st_dev *d = r->dev;
	uint32_t want;

	/* Relaxed: read again only after the run (acquire on delivered). */
	if (__atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED) != 0) {
		st_error(x, r, "delivered twice", status, ack, in_len);
		return;
	}
	r->status = status;
	r->ack = ack;
	r->in_len = in_len;
	/* Relaxed: the engine runs the callbacks of one device one after
	 * the other (its DELIVERED store and the next claim order them).
	 */
	want = __atomic_load_n(&d->next, __ATOMIC_RELAXED);
	if (r->seq != want)
		st_error(x, r, "delivered out of submission order", status,
			 ack, in_len);
	__atomic_store_n(&d->next, r->seq + 1, __ATOMIC_RELAXED);

	switch (status) {
	case 0:
		if (!(x->c.allowed & ST_S_OK))
			st_error(x, r, "status 0 not expected", status, ack,
				 in_len);
		__atomic_fetch_add(&x->n_ok, 1, __ATOMIC_RELAXED);
		if (ack != AVQ_ACK_OK)
			__atomic_fetch_add(&x->n_failed, 1, __ATOMIC_RELAXED);
		if (in_len > r->in_cap || !st_untouched(r, in_len))
			st_error(x, r, "in-data beyond in_len", status, ack,
				 in_len);
		else if (x->c.check_model || r->stable) {
			if (ack != r->want_ack)
				st_error(x, r, "ack", status, ack, in_len);
			else if (in_len != r->want_in_len)
				st_error(x, r, "in_len", status, ack, in_len);
			else if (memcmp(r->in, r->want_in, in_len) != 0)
				st_error(x, r, "in-data", status, ack, in_len);
		}
		break;
	case -ETIMEDOUT:
	case -ECANCELED:
		if (!(x->c.allowed &
		      (status == -ETIMEDOUT ? ST_S_TMO : ST_S_CANCEL)))
			st_error(x, r, "status not expected", status, ack,
				 in_len);
		__atomic_fetch_add(status == -ETIMEDOUT ? &x->n_tmo :
				   &x->n_cancel, 1, __ATOMIC_RELAXED);
		/* Never a late answer's data. */
		if (!st_untouched(r, 0))
			st_error(x, r, "in-data written without a completion",
				 status, ack, in_len);
		break;
	default:
		st_error(x, r, "status not expected", status, ack, in_len);
		break;
	}
	/* Release: pairs with the acquire loads of the waiters, which then
	 * read the record.
	 */
	__atomic_fetch_add(&x->delivered, 1, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* The model and the command generator                                 */
/* ------------------------------------------------------------------ */

static uint64_t
st_rand(struct st_worker *w)
{
	return avq_fx_prng(&w->rng);
}

static uint32_t
st_rand_n(struct st_worker *w, uint32_t n)
{
	return (uint32_t)(st_rand(w) % n);
}

static void
st_want(struct st_rec *r, uint8_t ack, const void *data, uint32_t len)
{
	r->want_ack = ack;
	r->want_in_len = ack == AVQ_ACK_OK ? (uint8_t)len : 0;
	if (ack == AVQ_ACK_OK && len > 0)
		memcpy(r->want_in, data, len);
}

static void
st_cmd(struct rte_avq_cmd *c, struct st_rec *r, uint16_t cls, uint16_t cmd,
       uint32_t out_len, uint32_t in_cap)
{
	r->class_id = cls;
	r->command = cmd;
	r->in_cap = (uint8_t)in_cap;
	c->class_id = cls;
	c->command = cmd;
	c->out_len = out_len;
	c->in_len = in_cap;
}

/* In-data capacity: mostly @p need, sometimes more, sometimes less. */
static uint32_t
st_cap(struct st_worker *w, uint32_t need)
{
	uint32_t v = st_rand_n(w, 100);

	if (v < 85 || need == 0)
		return need;
	if (v < 95)
		return RTE_MIN(need + 1 + st_rand_n(w, 4), (uint32_t)ST_IN_CAP);
	return need - 1 - st_rand_n(w, need);
}

static void
st_model_reset(struct st_ctx *x, struct st_dev *d)
{
	unsigned int q;

	/* STATUS 0: status, driver features, queues and MMU (mappings of
	 * every ASID) start over; config space and generation are kept. */
	d->status = 0;
	d->drv_features = 0;
	for (q = 0; q < ST_NQ; q++)
		d->vq_size[q] = x->max_vq;
	d->nmaps = 0;
}

static uint8_t
st_model_status_set(struct st_ctx *x, struct st_dev *d, uint8_t new)
{
	uint8_t old = d->status, added = new & ~old;

	if (new == 0) {
		st_model_reset(x, d);
		return AVQ_ACK_OK;
	}
	if (new & ~ST_STATUS_KNOWN)
		return AVQ_ACK_INVAL;
	/* Bits are cleared only by a reset. */
	if (old & ~new)
		return AVQ_ACK_INVAL;
	if (added & (AVQ_STATUS_DEVICE_MMU_FAIL | AVQ_STATUS_DEVICE_NEEDS_RESET))
		return AVQ_ACK_INVAL;
	if ((added & AVQ_STATUS_DRIVER) && !(new & AVQ_STATUS_ACKNOWLEDGE))
		return AVQ_ACK_INVAL;
	if ((added & AVQ_STATUS_FEATURES_OK) &&
	    (!(new & AVQ_STATUS_DRIVER) ||
	     !(d->drv_features & RTE_BIT64(AVQ_F_VERSION_1))))
		return AVQ_ACK_INVAL;
	if ((added & AVQ_STATUS_DRIVER_OK) && !(new & AVQ_STATUS_FEATURES_OK))
		return AVQ_ACK_INVAL;
	d->status = new;
	return AVQ_ACK_OK;
}

static bool
st_overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 <= e2 && s2 <= e1;
}

/* Out-data shape of MAP/UNMAP: RFC (ASID 0) or with a trailing ASID. */
static uint32_t
st_mmu_asid(struct st_worker *w, uint64_t *asid)
{
	if (st_rand_n(w, 10) < 7) {
		*asid = 0;
		return 0;
	}
	*asid = st_rand_n(w, 2);
	return sizeof(rte_le64_t);
}

static void
st_mmu_range(struct st_worker *w, uint64_t *start, uint64_t *end)
{
	uint64_t k = st_rand_n(w, ST_IOVA_PAGES), n = 1 + st_rand_n(w, 4);

	*start = ST_IOVA_BASE + k * ST_PAGE;
	*end = *start + n * ST_PAGE - 1;
}

static void
op_mmu_map(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	   struct rte_avq_cmd *c, uint8_t *out)
{
	static const uint32_t ok_flags[] = {
		AVQ_MMU_F_READ, AVQ_MMU_F_WRITE,
		AVQ_MMU_F_READ | AVQ_MMU_F_WRITE,
		AVQ_MMU_F_READ | AVQ_MMU_F_WRITE | AVQ_MMU_F_EXEC,
	};
	struct avq_mmu_map_asid m;
	uint64_t start, end, asid;
	uint32_t flags, i, len, v;
	uint8_t ack;

	len = sizeof(m.map) + st_mmu_asid(w, &asid);
	st_mmu_range(w, &start, &end);
	flags = ok_flags[st_rand_n(w, RTE_DIM(ok_flags))];
	v = st_rand_n(w, 100);
	if (v < 8) {
		end = start - (st_rand_n(w, 2) ? 0 : ST_PAGE);	/* inverted */
	} else if (v < 14) {
		start = ST_RESV_START + st_rand_n(w, 16) * ST_PAGE;
		end = start + ST_PAGE - 1;
	} else if (v < 17) {
		flags = st_rand_n(w, 2) ? 0 : AVQ_MMU_F_EXEC;
	} else if (v < 20) {
		flags |= AVQ_MMU_F_MMIO;
	} else if (v < 23) {
		flags |= 0x10u << st_rand_n(w, 4);
	}
	memset(&m, 0, sizeof(m));
	m.map.iova_start = avq_to_le64(start);
	m.map.iova_end = avq_to_le64(end);
	m.map.dma_start = avq_to_le64(0x80000000ull + (start & 0xfffffff));
	m.map.flags = avq_to_le32(flags);
	m.asid = avq_to_le64(asid);
	memcpy(out, &m, sizeof(m));
	if (st_rand_n(w, 40) == 0) {
		/* Between the two shapes: malformed. */
		st_cmd(c, r, AVQ_CLASS_MMU, AVQ_MMU_MAP, sizeof(m.map) + 2, 0);
		r->stable = true;
		st_want(r, AVQ_ACK_INVAL, NULL, 0);
		return;
	}
	st_cmd(c, r, AVQ_CLASS_MMU, AVQ_MMU_MAP, len, 0);

	/* virtio-iommu v0.7 MAP and the device's order of checks. */
	if (end <= start)
		ack = AVQ_ACK_INVAL;
	else if (flags & ~AVQ_MMU_F_MASK)
		ack = AVQ_ACK_UNSUPP;
	else if (!(flags & (AVQ_MMU_F_READ | AVQ_MMU_F_WRITE)))
		ack = AVQ_ACK_INVAL;
	else if (flags & AVQ_MMU_F_MMIO)
		ack = AVQ_ACK_UNSUPP;
	else if (st_overlap(start, end, ST_RESV_START, ST_RESV_END))
		ack = AVQ_ACK_RANGE;
	else
		ack = AVQ_ACK_OK;
	r->stable = ack != AVQ_ACK_OK;
	if (ack == AVQ_ACK_OK) {
		for (i = 0; i < d->nmaps; i++)
			if (d->maps[i].asid == asid &&
			    st_overlap(start, end, d->maps[i].start,
				       d->maps[i].end))
				ack = AVQ_ACK_EXIST;
	}
	if (ack == AVQ_ACK_OK) {
		d->maps[d->nmaps].start = start;
		d->maps[d->nmaps].end = end;
		d->maps[d->nmaps].asid = asid;
		d->nmaps++;
	}
	st_want(r, ack, NULL, 0);
}

static void
op_mmu_unmap(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	     struct rte_avq_cmd *c, uint8_t *out)
{
	struct avq_mmu_unmap_asid u;
	uint64_t start, end, asid;
	uint32_t i, len;

	len = sizeof(u.unmap) + st_mmu_asid(w, &asid);
	st_mmu_range(w, &start, &end);
	if (st_rand_n(w, 10) == 0)
		end = start;	/* empty: malformed */
	u.unmap.iova_start = avq_to_le64(start);
	u.unmap.iova_end = avq_to_le64(end);
	u.asid = avq_to_le64(asid);
	memcpy(out, &u, sizeof(u));
	st_cmd(c, r, AVQ_CLASS_MMU, AVQ_MMU_UNMAP, len, 0);
	if (end <= start) {
		r->stable = true;
		st_want(r, AVQ_ACK_INVAL, NULL, 0);
		return;
	}
	/* Removes every mapping of the ASID that intersects the range. */
	for (i = 0; i < d->nmaps; ) {
		if (d->maps[i].asid == asid &&
		    st_overlap(start, end, d->maps[i].start, d->maps[i].end))
			d->maps[i] = d->maps[--d->nmaps];
		else
			i++;
	}
	st_want(r, AVQ_ACK_OK, NULL, 0);
}

static void
op_config_set(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	      struct rte_avq_cmd *c, uint8_t *out)
{
	struct avq_config_set h;
	uint8_t data[ST_CFG_LEN + 8], mac[ST_MAC_LEN], ack;
	uint32_t off, size, dlen, v, i;

	v = st_rand_n(w, 100);
	if (v < 75) {
		off = st_rand_n(w, ST_MAC_LEN);
		size = 1 + st_rand_n(w, ST_MAC_LEN - off);
	} else if (v < 85) {
		/* Reaches past the MAC, inside the config space. */
		off = st_rand_n(w, ST_MAC_LEN);
		size = ST_MAC_LEN - off + 1 +
		       st_rand_n(w, ST_CFG_LEN - ST_MAC_LEN);
	} else if (v < 93) {
		off = 16 + st_rand_n(w, 12);
		size = (off >= ST_CFG_LEN ? 1 : ST_CFG_LEN - off + 1) +
		       st_rand_n(w, 4);
	} else {
		off = st_rand_n(w, ST_MAC_LEN);
		size = 0;
	}
	dlen = size;
	if (st_rand_n(w, 20) == 0)
		dlen = size + 1;	/* header disagrees with out_len */
	for (i = 0; i < dlen; i++)
		data[i] = (uint8_t)st_rand(w);
	/* Mostly keep the MAC unicast. */
	if (off == 0 && dlen > 0 && st_rand_n(w, 10) != 0)
		data[0] &= ~1u;
	h.offset = avq_to_le32(off);
	h.size = avq_to_le32(size);
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), data, dlen);
	st_cmd(c, r, AVQ_CLASS_CONFIG, AVQ_CONFIG_SET, sizeof(h) + dlen,
	       st_rand_n(w, 3) == 0 ? 4 : 0);

	if (size == 0 || dlen != size) {
		ack = AVQ_ACK_INVAL;
		r->stable = true;
	} else if (off + size > ST_CFG_LEN) {
		/* RFC admin VQ: an access out of the config space fails. */
		ack = AVQ_ACK_RANGE;
		r->stable = true;
	} else if (off + size > ST_MAC_LEN) {
		/* Only the MAC is writable. */
		ack = AVQ_ACK_INVAL;
		r->stable = true;
	} else {
		memcpy(mac, d->config, ST_MAC_LEN);
		memcpy(mac + off, data, size);
		if (mac[0] & 1) {
			ack = AVQ_ACK_INVAL;	/* multicast */
		} else {
			ack = AVQ_ACK_OK;
			/* A change bumps the generation. */
			if (memcmp(mac, d->config, ST_MAC_LEN) != 0) {
				memcpy(d->config, mac, ST_MAC_LEN);
				d->generation++;
			}
		}
	}
	st_want(r, ack, NULL, 0);
}

static void
op_config_get(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	      struct rte_avq_cmd *c, uint8_t *out)
{
	struct avq_config_get g;
	uint32_t off, size, cap, v;
	uint8_t ack;

	v = st_rand_n(w, 100);
	off = st_rand_n(w, ST_CFG_LEN);
	if (v < 80)
		size = 1 + st_rand_n(w, ST_CFG_LEN - off);
	else if (v < 90)
		size = 0;
	else
		size = ST_CFG_LEN - off + 1 + st_rand_n(w, 3);
	cap = st_cap(w, size);
	g.offset = avq_to_le32(off);
	g.size = avq_to_le32(size);
	memcpy(out, &g, sizeof(g));
	st_cmd(c, r, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET, sizeof(g), cap);
	r->stable = true;
	if (size == 0)
		ack = AVQ_ACK_INVAL;
	else if (off + size > ST_CFG_LEN)
		ack = AVQ_ACK_RANGE;
	else if (cap < size)
		ack = AVQ_ACK_INVAL;
	else {
		ack = AVQ_ACK_OK;
		r->stable = false;
	}
	st_want(r, ack, d->config + (ack == AVQ_ACK_OK ? off : 0), size);
}

/* A GET that answers @p len bytes of @p data, @p min_in at least. */
static void
op_get(struct st_worker *w, struct st_rec *r, struct rte_avq_cmd *c,
       uint16_t cls, uint16_t cmd, const void *data, uint32_t len,
       bool stable)
{
	uint32_t cap = st_cap(w, len);

	st_cmd(c, r, cls, cmd, 0, cap);
	r->stable = stable || cap < len;
	st_want(r, cap < len ? AVQ_ACK_INVAL : AVQ_ACK_OK, data, len);
}

static uint64_t
st_unoffered(const struct st_dev *d)
{
	unsigned int b;

	for (b = 40; b < 63; b++)
		if (!(d->dev_features & RTE_BIT64(b)))
			return RTE_BIT64(b);
	return 0;
}

static void
op_feat_driver_set(struct st_worker *w, struct st_dev *d, struct st_rec *r,
		   struct rte_avq_cmd *c, uint8_t *out, bool want_v1)
{
	struct avq_features f;
	uint64_t bits = d->dev_features & st_rand(w);
	uint32_t v = st_rand_n(w, 100);
	uint8_t ack;

	if (want_v1 || v < 70)
		bits |= RTE_BIT64(AVQ_F_VERSION_1);
	if (!want_v1 && v >= 90)
		bits |= st_unoffered(d);
	f.features = avq_to_le64(bits);
	memcpy(out, &f, sizeof(f));
	if (!want_v1 && st_rand_n(w, 20) == 0) {
		st_cmd(c, r, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET, 4, 0);
		r->stable = true;
		st_want(r, AVQ_ACK_INVAL, NULL, 0);
		return;
	}
	st_cmd(c, r, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_SET, sizeof(f), 0);
	/* virtio 3.1.1: after DRIVER, before FEATURES_OK; only offered bits. */
	if (!(d->status & AVQ_STATUS_DRIVER) ||
	    (d->status & AVQ_STATUS_FEATURES_OK) || (bits & ~d->dev_features))
		ack = AVQ_ACK_INVAL;
	else {
		ack = AVQ_ACK_OK;
		d->drv_features = bits;
	}
	st_want(r, ack, NULL, 0);
}

static void
op_status_set(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	      struct rte_avq_cmd *c, uint8_t *out)
{
	const uint8_t acked = AVQ_STATUS_ACKNOWLEDGE | AVQ_STATUS_DRIVER;
	uint8_t s = d->status, new;
	uint32_t v = st_rand_n(w, 100);

	if (v < 12) {
		new = 0;
	} else if (v < 56) {
		/* The next legal step of the initialization. */
		if (s == 0)
			new = AVQ_STATUS_ACKNOWLEDGE;
		else if (s == AVQ_STATUS_ACKNOWLEDGE)
			new = acked;
		else if (s == acked) {
			if (!(d->drv_features & RTE_BIT64(AVQ_F_VERSION_1))) {
				op_feat_driver_set(w, d, r, c, out, true);
				return;
			}
			new = acked | AVQ_STATUS_FEATURES_OK;
		} else if (s == (acked | AVQ_STATUS_FEATURES_OK))
			new = s | AVQ_STATUS_DRIVER_OK;
		else
			new = (s & AVQ_STATUS_FAILED) ? 0 : s | AVQ_STATUS_FAILED;
	} else if (v < 60) {
		new = s | AVQ_STATUS_FAILED;	/* legal from any state */
	} else if (v < 70) {
		new = s | (st_rand_n(w, 2) ? AVQ_STATUS_DEVICE_NEEDS_RESET :
			   AVQ_STATUS_DEVICE_MMU_FAIL);
	} else if (v < 76) {
		new = s | 0x10;
	} else if (v < 86) {
		new = s & ~(1u << st_rand_n(w, 8));
	} else if (v < 92) {
		new = s | AVQ_STATUS_DRIVER_OK;	/* maybe a skipped step */
	} else {
		new = (uint8_t)st_rand(w);
	}
	out[0] = new;
	out[1] = 0;
	if (st_rand_n(w, 25) == 0) {
		st_cmd(c, r, AVQ_CLASS_STATUS, AVQ_STATUS_SET, 2, 0);
		r->stable = true;
		st_want(r, AVQ_ACK_INVAL, NULL, 0);
		return;
	}
	st_cmd(c, r, AVQ_CLASS_STATUS, AVQ_STATUS_SET, 1, 0);
	st_want(r, st_model_status_set(w->x, d, new), NULL, 0);
}

static uint16_t
st_vq_index(struct st_worker *w)
{
	return (uint16_t)(st_rand_n(w, 10) != 0 ? st_rand_n(w, ST_NQ) :
			  ST_NQ + st_rand_n(w, 6));
}

static void
op_vq_size_set(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	       struct rte_avq_cmd *c, uint8_t *out)
{
	static const uint16_t odd[] = { 3, 5, 100, 768, 1000, 1500, 65535 };
	struct avq_vq_size_set s;
	uint16_t q = st_vq_index(w), size;
	uint32_t v = st_rand_n(w, 100);
	uint8_t ack;

	if (v < 70)
		size = (uint16_t)(1u << st_rand_n(w, 11));
	else if (v < 78)
		size = 0;
	else if (v < 88)
		size = odd[st_rand_n(w, RTE_DIM(odd))];
	else
		size = (uint16_t)(2048u << st_rand_n(w, 3));
	s.queue_index = avq_to_le16(q);
	s.size = avq_to_le16(size);
	memcpy(out, &s, sizeof(s));
	st_cmd(c, r, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET, sizeof(s), 0);
	r->stable = true;
	if (q >= ST_NQ)
		ack = AVQ_ACK_RANGE;
	else if (size == 0 || (size & (size - 1)) != 0)
		ack = AVQ_ACK_INVAL;
	else if (size > w->x->max_vq)
		ack = AVQ_ACK_RANGE;
	else {
		/* Every queue is disabled: the size may change. */
		ack = AVQ_ACK_OK;
		r->stable = false;
		d->vq_size[q] = size;
	}
	st_want(r, ack, NULL, 0);
}

static void
op_vq_size_get(struct st_worker *w, struct st_dev *d, struct st_rec *r,
	       struct rte_avq_cmd *c, uint8_t *out)
{
	struct avq_vq vq;
	struct avq_vq_size s;
	uint16_t q = st_vq_index(w);
	uint32_t cap = st_cap(w, sizeof(s));

	vq.queue_index = avq_to_le16(q);
	memcpy(out, &vq, sizeof(vq));
	st_cmd(c, r, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_GET, sizeof(vq), cap);
	r->stable = true;
	/* The in-data room is checked before the queue index. */
	if (cap < sizeof(s))
		st_want(r, AVQ_ACK_INVAL, NULL, 0);
	else if (q >= ST_NQ)
		st_want(r, AVQ_ACK_RANGE, NULL, 0);
	else {
		r->stable = false;
		s.size = avq_to_le16(d->vq_size[q]);
		st_want(r, AVQ_ACK_OK, &s, sizeof(s));
	}
}

/* Unknown class, or unknown command of a known class: UNSUPP. */
static void
op_unsupp(struct st_worker *w, struct st_rec *r, struct rte_avq_cmd *c,
	  uint8_t *out)
{
	static const uint16_t classes[] = { 1, 8, 14, 15, 63, 69, 71, 72,
					    127, 300 };
	static const uint16_t known[][2] = {
		{ AVQ_CLASS_STATUS, 2 }, { AVQ_CLASS_CONFIG, 2 },
		{ AVQ_CLASS_MMU, 0 }, { AVQ_CLASS_FEAT, 3 },
		{ AVQ_CLASS_GENERATION, 1 }, { AVQ_CLASS_VQ_SIZE, 2 },
		{ AVQ_CLASS_CAP, 9 },
	};
	uint32_t olen = st_rand_n(w, 9), i, k;

	for (i = 0; i < olen; i++)
		out[i] = (uint8_t)st_rand(w);
	if (st_rand_n(w, 3) == 0) {
		k = st_rand_n(w, RTE_DIM(known));
		st_cmd(c, r, known[k][0], known[k][1], olen, st_rand_n(w, 9));
	} else {
		st_cmd(c, r, classes[st_rand_n(w, RTE_DIM(classes))],
		       (uint16_t)st_rand_n(w, 4), olen, st_rand_n(w, 9));
	}
	r->stable = true;
	st_want(r, AVQ_ACK_UNSUPP, NULL, 0);
}

/* Out-data or in-data of the wrong size for the command: INVAL. */
static void
op_malformed(struct st_worker *w, struct st_rec *r, struct rte_avq_cmd *c,
	     uint8_t *out)
{
	memset(out, 0, 8);
	switch (st_rand_n(w, 4)) {
	case 0:
		st_cmd(c, r, AVQ_CLASS_GENERATION, AVQ_GENERATION_GET, 1, 4);
		break;
	case 1:
		st_cmd(c, r, AVQ_CLASS_CONFIG, AVQ_CONFIG_GET, 4, 8);
		break;
	case 2:
		st_cmd(c, r, AVQ_CLASS_VQ_SIZE, AVQ_VQ_SIZE_SET, 3, 0);
		break;
	default:
		st_cmd(c, r, AVQ_CLASS_STATUS, AVQ_STATUS_GET, 0, 0);
		break;
	}
	r->stable = true;
	st_want(r, AVQ_ACK_INVAL, NULL, 0);
}

/* A command for an id that does not exist (destroyed or never created). */
static void
op_ghost(struct st_worker *w, struct st_rec *r, struct rte_avq_cmd *c,
	 uint8_t *out)
{
	memset(out, 0, 32);
	r->stable = true;
	switch (st_rand_n(w, 6)) {
	case 0:
		st_cmd(c, r, AVQ_CLASS_STATUS, AVQ_STATUS_GET, 0, 1);
		break;
	case 1:
		st_cmd(c, r, AVQ_CLASS_GENERATION, AVQ_GENERATION_GET, 0, 4);
		break;
	case 2:
		st_cmd(c, r, AVQ_CLASS_CONFIG, AVQ_CONFIG_SET, 10, 0);
		break;
	case 3:
		st_cmd(c, r, AVQ_CLASS_MMU, AVQ_MMU_MAP,
		       sizeof(struct avq_mmu_map), 0);
		break;
	case 4:
		st_cmd(c, r, AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY, 0, 0);
		break;
	default:
		/* The class is looked up before the device. */
		op_unsupp(w, r, c, out);
		return;
	}
	st_want(r, AVQ_ACK_NOENT, NULL, 0);
}

/* Generate the next command of worker @p w into @p c (out-data in @p out)
 * and its record; the model moves on as the device will.
 */
static struct st_rec *
st_next(struct st_worker *w, struct rte_avq_cmd *c, uint8_t *out,
	struct st_dev *d)
{
	struct st_rec *r = &w->rec[w->nrec++];
	uint8_t le[8];
	uint32_t v;

	if (d == NULL)
		d = &w->dev[st_rand_n(w, 10) != 0 ? st_rand_n(w, ST_LIVE) :
			    ST_LIVE + st_rand_n(w, ST_DEVS - ST_LIVE)];
	memset(r, 0, sizeof(*r));
	memset(r->in, ST_FILL, sizeof(r->in));
	r->x = w->x;
	r->dev = d;
	r->seq = d->seq++;
	memset(c, 0, sizeof(*c));
	c->device_id = d->id;
	c->out = out;
	c->in = r->in;
	if (!d->live) {
		op_ghost(w, r, c, out);
		return r;
	}
	v = st_rand_n(w, 100);
	if (v < 14) {
		op_config_set(w, d, r, c, out);
	} else if (v < 24) {
		op_config_get(w, d, r, c, out);
	} else if (v < 30) {
		rte_le32_t g = avq_to_le32(d->generation);

		memcpy(le, &g, sizeof(g));
		op_get(w, r, c, AVQ_CLASS_GENERATION, AVQ_GENERATION_GET, le,
		       sizeof(g), false);
	} else if (v < 34) {
		rte_le64_t f = avq_to_le64(d->dev_features);

		memcpy(le, &f, sizeof(f));
		op_get(w, r, c, AVQ_CLASS_FEAT, AVQ_FEAT_DEVICE_GET, le,
		       sizeof(f), true);
	} else if (v < 40) {
		op_feat_driver_set(w, d, r, c, out, false);
	} else if (v < 43) {
		rte_le64_t f = avq_to_le64(d->drv_features);

		memcpy(le, &f, sizeof(f));
		op_get(w, r, c, AVQ_CLASS_FEAT, AVQ_FEAT_DRIVER_GET, le,
		       sizeof(f), false);
	} else if (v < 57) {
		op_status_set(w, d, r, c, out);
	} else if (v < 63) {
		op_get(w, r, c, AVQ_CLASS_STATUS, AVQ_STATUS_GET, &d->status,
		       1, false);
	} else if (v < 73) {
		op_vq_size_set(w, d, r, c, out);
	} else if (v < 79) {
		op_vq_size_get(w, d, r, c, out);
	} else if (v < 91) {
		op_mmu_map(w, d, r, c, out);
	} else if (v < 96) {
		op_mmu_unmap(w, d, r, c, out);
	} else if (v < 98) {
		op_unsupp(w, r, c, out);
	} else {
		op_malformed(w, r, c, out);
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* Submitters                                                          */
/* ------------------------------------------------------------------ */

static unsigned int
st_flags(struct st_worker *w)
{
	return st_rand_n(w, 100) < w->x->c.wait_pct ? RTE_AVQ_F_WAIT : 0;
}

/* A refused submission the test retries: -EAGAIN without F_WAIT (nothing
 * posted) and, while a reset runs, -ECANCELED.
 */
static bool
st_retry(struct st_worker *w, int ret, unsigned int flags)
{
	if (ret == -EAGAIN && !(flags & RTE_AVQ_F_WAIT)) {
		w->eagain++;
		return true;
	}
	if (ret == -ECANCELED && (w->x->c.allowed & ST_S_CANCEL)) {
		w->canceled_sub++;
		rte_pause();
		return true;
	}
	return false;
}

static int
st_single(struct st_worker *w)
{
	struct st_ctx *x = w->x;
	uint8_t out[ST_OUT_MAX];
	struct rte_avq_cmd c;
	struct st_rec *r;
	unsigned int flags;
	int ret;

	r = st_next(w, &c, out, NULL);
	flags = st_flags(w);
	for (;;) {
		ret = rte_avq_submit(x->e, &c, st_cb, r, flags);
		if (ret == 0)
			break;
		if (!st_retry(w, ret, flags)) {
			fprintf(stderr, "submit: %d (flags %u)\n", ret, flags);
			return ret;
		}
		rte_avq_engine_poll(x->e, 32);
	}
	__atomic_fetch_add(&x->submitted, 1, __ATOMIC_RELAXED);
	return 0;
}

static int
st_batch_end(struct st_worker *w, struct rte_avq_batch *b)
{
	unsigned int posted = b->count;
	int ret = rte_avq_batch_end(b);

	w->batches++;
	if (posted > 0 && ret != (int)posted) {
		fprintf(stderr, "batch_end: %d for %u posted\n", ret, posted);
		return -EPROTO;
	}
	return 0;
}

static int
st_batch(struct st_worker *w, unsigned int count)
{
	struct st_ctx *x = w->x;
	uint8_t out[ST_OUT_MAX];
	struct rte_avq_batch b;
	struct rte_avq_cmd c;
	struct st_rec *r;
	unsigned int k, flags;
	int ret;

	rte_avq_batch_begin(x->e, &b);
	for (k = 0; k < count; k++) {
		r = st_next(w, &c, out, NULL);
		flags = st_flags(w);
		for (;;) {
			ret = rte_avq_batch_add(&b, &c, st_cb, r, flags);
			if (ret == 0)
				break;
			if (!st_retry(w, ret, flags)) {
				fprintf(stderr, "batch_add: %d (flags %u)\n",
					ret, flags);
				st_batch_end(w, &b);
				return ret;
			}
			/* Publish what the batch holds (room we wait for
			 * may be our own), harvest, go on in a new batch.
			 */
			ret = st_batch_end(w, &b);
			if (ret < 0)
				return ret;
			rte_avq_engine_poll(x->e, 32);
			rte_avq_batch_begin(x->e, &b);
		}
		w->batched++;
		__atomic_fetch_add(&x->submitted, 1, __ATOMIC_RELAXED);
	}
	return st_batch_end(w, &b);
}

/* One synchronous command of the lcore's own devices, checked like a
 * callback (with a sync queue it may take it, or the ring queue when its
 * device has commands in flight). */
static int
st_exec(struct st_worker *w)
{
	struct st_ctx *x = w->x;
	uint8_t out[ST_OUT_MAX], ack = 0;
	struct rte_avq_cmd c;
	struct st_rec *r;
	uint32_t in_len = 0;
	int ret;

	r = st_next(w, &c, out, NULL);
	ret = rte_avq_exec(x->e, &c, &ack, &in_len);
	__atomic_fetch_add(&x->submitted, 1, __ATOMIC_RELAXED);
	st_cb(r, ret, ack, in_len);
	return ret == 0 || ret == -ETIMEDOUT || ret == -ECANCELED ? 0 : ret;
}

/* Poll until every submitter is done and everything was delivered. */
static int
st_drain(struct st_ctx *x)
{
	uint64_t end = rte_get_timer_cycles() + ST_DRAIN_S * rte_get_timer_hz();

	/* Acquire: pairs with the release increment in st_cb(). */
	while (__atomic_load_n(&x->done, __ATOMIC_ACQUIRE) != x->nworkers ||
	       __atomic_load_n(&x->delivered, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(&x->submitted, __ATOMIC_RELAXED)) {
		if (rte_get_timer_cycles() > end) {
			fprintf(stderr, "seed 0x%" PRIx64 ": %" PRIu64
				" submitted, %" PRIu64 " delivered after %d s\n",
				x->seed, x->submitted, x->delivered,
				ST_DRAIN_S);
			return -ETIMEDOUT;
		}
		if (rte_avq_engine_poll(x->e, 32) == 0)
			rte_pause();
	}
	return 0;
}

static int
st_work(struct st_worker *w)
{
	struct st_ctx *x = w->x;
	const struct st_worker *peer = &x->w[1 - w->idx];
	unsigned int next_hook = x->c.hook_every, phase = 0, count;
	int ret = 0;

	while (w->nrec < w->n) {
		/* Keep both lcores submitting all along: the faster one
		 * (the other shares its CPU with the device thread) waits.
		 */
		while (w->nrec > ST_SLACK + __atomic_load_n(&peer->progress,
							    __ATOMIC_RELAXED))
			if (rte_avq_engine_poll(x->e, 32) == 0)
				rte_pause();
		if (w->idx == 0 && x->c.hook != NULL && w->nrec >= next_hook) {
			/* Between bursts: no batch of ours is open. */
			x->c.hook(x, ++phase);
			next_hook += x->c.hook_every;
		}
		if (x->c.exec_pct != 0 &&
		    st_rand_n(w, 100) < x->c.exec_pct) {
			ret = st_exec(w);
		} else if (st_rand_n(w, 4) == 0) {
			count = 1 + st_rand_n(w, x->c.max_batch);
			ret = st_batch(w, RTE_MIN(count, w->n - w->nrec));
		} else {
			ret = st_single(w);
		}
		if (ret < 0)
			break;
		__atomic_store_n(&w->progress, w->nrec, __ATOMIC_RELAXED);
		if (st_rand_n(w, 3) == 0)
			rte_avq_engine_poll(x->e, 1 + st_rand_n(w, 32));
	}
	/* The peer no longer waits for us. */
	__atomic_store_n(&w->progress, UINT32_MAX - ST_SLACK, __ATOMIC_RELAXED);
	__atomic_fetch_add(&x->done, 1, __ATOMIC_RELEASE);
	if (ret < 0)
		return ret;
	return st_drain(x);
}

/* A control thread (not an EAL thread): rte_avq_exec() only. */
static void *
st_ctl_thread(void *arg)
{
	struct st_worker *w = arg;
	struct st_ctx *x = w->x;
	uint8_t out[ST_OUT_MAX], ack;
	struct rte_avq_cmd c;
	struct st_rec *r;
	uint32_t in_len;
	int ret = 0;

	while (w->nrec < w->n) {
		r = st_next(w, &c, out, NULL);
		ack = 0;
		in_len = 0;
		ret = rte_avq_exec(x->e, &c, &ack, &in_len);
		__atomic_fetch_add(&x->submitted, 1, __ATOMIC_RELAXED);
		/* Checked like a callback; a failed exec reports its status. */
		st_cb(r, ret, ack, in_len);
		if (ret != 0)
			break;
	}
	__atomic_fetch_add(&x->done, 1, __ATOMIC_RELEASE);
	w->ret = ret != 0 ? ret : st_drain(x);
	return NULL;
}

static int
st_lcore(void *arg)
{
	struct st_worker *w = arg;

	w->ret = st_work(w);
	return 0;
}

/* Aborts a run that stopped making progress (a deadlock would otherwise
 * hang the test with nothing said). */
static void *
st_watchdog(void *arg)
{
	struct st_ctx *x = arg;
	uint64_t last = UINT64_MAX, v, since = rte_get_timer_cycles();
	struct rte_avq_engine_stats s;

	while (!__atomic_load_n(&x->wd_stop, __ATOMIC_ACQUIRE)) {
		usleep(10 * 1000);
		v = __atomic_load_n(&x->submitted, __ATOMIC_RELAXED) +
		    __atomic_load_n(&x->delivered, __ATOMIC_RELAXED);
		if (v != last) {
			last = v;
			since = rte_get_timer_cycles();
			continue;
		}
		if (rte_get_timer_cycles() - since <
		    ST_WATCHDOG_S * rte_get_timer_hz())
			continue;
		rte_avq_engine_stats_get(x->e, &s);
		fprintf(stderr, "seed 0x%" PRIx64 ": no progress for %d s"
			" (deadlock?): submitted + delivered %" PRIu64
			", engine inflight %u submitted %" PRIu64 "\n",
			x->seed, ST_WATCHDOG_S, v, s.inflight, s.submitted);
		abort();
	}
	return NULL;
}

/* Run the workload: worker 0 on the main lcore, worker 1 on the next
 * lcore, worker 2 (if any) on a control thread. */
static int
st_run(struct st_ctx *x)
{
	pthread_t wd, ctl;
	unsigned int lc, i;
	bool ctl_started = false;
	int ret;

	lc = rte_get_next_lcore(-1, 1, 0);
	TEST_ASSERT(lc < RTE_MAX_LCORE, "needs two lcores");
	__atomic_store_n(&x->wd_stop, 0, __ATOMIC_RELAXED);
	TEST_ASSERT_SUCCESS(pthread_create(&wd, NULL, st_watchdog, x), "");
	ret = rte_eal_remote_launch(st_lcore, &x->w[1], lc);
	if (ret == 0 && x->nworkers > 2) {
		ret = pthread_create(&ctl, NULL, st_ctl_thread, &x->w[2]);
		ctl_started = ret == 0;
	}
	if (ret == 0)
		x->w[0].ret = st_work(&x->w[0]);
	else
		x->w[0].ret = -1;
	rte_eal_wait_lcore(lc);
	if (ctl_started)
		pthread_join(ctl, NULL);
	/* Release: pairs with the watchdog's acquire load. */
	__atomic_store_n(&x->wd_stop, 1, __ATOMIC_RELEASE);
	pthread_join(wd, NULL);
	TEST_ASSERT_SUCCESS(ret, "launch");
	for (i = 0; i < x->nworkers; i++)
		TEST_ASSERT_SUCCESS(x->w[i].ret, "worker %u (seed 0x%" PRIx64 ")",
				    i, x->seed);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Set-up, devices, checks                                             */
/* ------------------------------------------------------------------ */

static uint64_t
st_seed(void)
{
	const char *s = getenv("AVQ_STRESS_SEED");
	uint64_t v;

	if (s != NULL && *s != '\0')
		v = strtoull(s, NULL, 0);
	else
		v = rte_rdtsc() ^ ((uint64_t)getpid() << 32);
	return v != 0 ? v : 1;
}

/* Device (engine_aqs + 1 queues, + 1 for a sync queue) with the engine on
 * the first ones and a control queue on the last. */
static int
st_setup(struct st_ctx *x, uint16_t engine_aqs,
	 const struct rte_avq_engine_conf *conf_in)
{
	struct rte_avq_engine_conf conf = *conf_in;
	struct rte_avq_dev_params p;

	memset(x, 0, sizeof(*x));
	x->seed = st_seed();
	avq_fx_params(&p);
	p.num_aqs = engine_aqs + 1 + (conf.sync_queue != 0 ? 1 : 0);
	x->max_vq = p.max_vq_size;
	if (avq_fx_setup(&x->fx, &p) < 0)
		return -1;
	rte_avq_aq_free(x->fx.aq);
	x->fx.aq = NULL;
	conf.transport = &x->fx.t;
	conf.socket = SOCKET_ID_ANY;
	conf.num_aqs = engine_aqs;
	x->e = rte_avq_engine_create(&conf);
	if (x->e == NULL) {
		fprintf(stderr, "engine create failed: %d\n", rte_errno);
		return -1;
	}
	x->fx.aq = rte_avq_aq_create(&x->fx.t, p.num_aqs - 1, 0, SOCKET_ID_ANY);
	if (x->fx.aq == NULL) {
		fprintf(stderr, "control queue create failed: %d\n", rte_errno);
		return -1;
	}
	return 0;
}

static void
st_workers_free(struct st_ctx *x)
{
	unsigned int i;

	for (i = 0; i < ST_MAX_WORKERS; i++) {
		free(x->w[i].rec);
		free(x->w[i].dev);
		x->w[i].rec = NULL;
		x->w[i].dev = NULL;
	}
}

static void
st_teardown(struct st_ctx *x)
{
	if (x->fx.dev != NULL)
		rte_avq_dev_fault_set(x->fx.dev, NULL);
	/* Before the records: destroy delivers what is left to them. */
	if (x->e != NULL)
		rte_avq_engine_destroy(x->e);
	x->e = NULL;
	avq_fx_teardown(&x->fx);
	st_workers_free(x);
}

/* Create managed device @p d (MAC 02:00:00:gen:w:k) and read the state
 * the model starts from, through the control queue. */
static int
st_dev_create(struct st_ctx *x, struct st_dev *d, unsigned int w,
	      unsigned int k)
{
	struct avq_fx_net_create nc;
	struct avq_config_get g = { .offset = 0,
				    .size = avq_to_le32(ST_CFG_LEN) };
	rte_le64_t id = 0, f = 0;
	rte_le32_t gen = 0;
	uint8_t st = 0xff;
	unsigned int q;

	avq_fx_net_create_init(&nc, AVQ_VIRTIO_ID_NET, (uint8_t)k);
	nc.cfg.mac[3] = (uint8_t)x->gen;
	nc.cfg.mac[4] = (uint8_t)w;
	TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_VDEV,
				     AVQ_VDEV_CREATE, &nc, sizeof(nc), &id,
				     sizeof(id)), AVQ_ACK_OK, "");
	d->id = avq_le64(id);
	d->live = true;
	TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, d->id, AVQ_CLASS_CONFIG,
				     AVQ_CONFIG_GET, &g, sizeof(g), d->config,
				     ST_CFG_LEN), AVQ_ACK_OK, "");
	TEST_ASSERT(memcmp(d->config, nc.cfg.mac, ST_MAC_LEN) == 0,
		    "MAC given at creation");
	TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, d->id, AVQ_CLASS_FEAT,
				     AVQ_FEAT_DEVICE_GET, NULL, 0, &f,
				     sizeof(f)), AVQ_ACK_OK, "");
	d->dev_features = avq_le64(f);
	TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, d->id, AVQ_CLASS_GENERATION,
				     AVQ_GENERATION_GET, NULL, 0, &gen,
				     sizeof(gen)), AVQ_ACK_OK, "");
	d->generation = avq_le32(gen);
	TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, d->id, AVQ_CLASS_STATUS,
				     AVQ_STATUS_GET, NULL, 0, &st, 1),
			  AVQ_ACK_OK, "");
	TEST_ASSERT_EQUAL(st, 0, "a new device starts at status 0");
	d->status = 0;
	d->drv_features = 0;
	for (q = 0; q < ST_NQ; q++)
		d->vq_size[q] = x->max_vq;
	d->nmaps = 0;
	return 0;
}

/* Fresh devices and records for @p nworkers workers of @p n commands
 * (the control thread, worker 2, does x->c.n_ctl). */
static int
st_workers_init(struct st_ctx *x, unsigned int nworkers)
{
	struct st_worker *w;
	unsigned int i, k;

	st_workers_free(x);
	x->gen++;
	x->nworkers = nworkers;
	x->submitted = 0;
	x->delivered = 0;
	x->done = 0;
	x->n_ok = 0;
	x->n_failed = 0;
	x->n_tmo = 0;
	x->n_cancel = 0;
	x->extra_eagain = 0;
	x->extra_ok = 0;
	for (i = 0; i < nworkers; i++) {
		w = &x->w[i];
		memset(w, 0, sizeof(*w));
		w->x = x;
		w->idx = i;
		w->n = i < 2 ? x->c.n : x->c.n_ctl;
		w->rng = (x->seed + x->gen) * 0x9e3779b97f4a7c15ull +
			 (i + 1) * 0xbf58476d1ce4e5b9ull;
		if (w->rng == 0)
			w->rng = 1;
		w->dev = calloc(ST_DEVS, sizeof(*w->dev));
		w->rec = calloc(w->n + ST_SPARE, sizeof(*w->rec));
		TEST_ASSERT(w->dev != NULL && w->rec != NULL, "no memory");
		for (k = 0; k < ST_DEVS - 1; k++)
			TEST_ASSERT_SUCCESS(st_dev_create(x, &w->dev[k], i, k),
					    "");
		/* A destroyed id and one never created: NOENT. */
		TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, w->dev[ST_LIVE].id,
					     AVQ_CLASS_VDEV, AVQ_VDEV_DESTROY,
					     NULL, 0, NULL, 0), AVQ_ACK_OK, "");
		w->dev[ST_LIVE].live = false;
		w->dev[ST_LIVE + 1].id = ST_NEVER_ID + x->gen * 16 + i;
		w->dev[ST_LIVE + 1].live = false;
	}
	return 0;
}

static int
st_exec_ok(struct st_ctx *x)
{
	rte_le64_t caps = 0;
	struct rte_avq_cmd c = {
		.device_id = AVQ_MGMT_DEVICE_ID,
		.class_id = AVQ_CLASS_CAP,
		.command = AVQ_CAP_GET,
		.in = &caps,
		.in_len = sizeof(caps),
	};
	uint32_t in_len = 0;
	uint8_t ack = 0xee;
	int ret;

	ret = rte_avq_exec(x->e, &c, &ack, &in_len);
	if (ret != 0 || ack != AVQ_ACK_OK || in_len != sizeof(caps) ||
	    !(avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_VDEV))) {
		fprintf(stderr, "exec: %d ack %u in_len %u\n", ret, ack, in_len);
		return -1;
	}
	return 0;
}

/*
 * Every command delivered exactly once and the counters consistent with
 * what the callbacks saw (@p s0: the counters before the workload).
 */
static int
st_check(struct st_ctx *x, const struct rte_avq_engine_stats *s0)
{
	struct rte_avq_engine_stats s;
	uint64_t total = 0, eagain = x->extra_eagain, batches = 0, batched = 0;
	unsigned int i, k;
	struct st_rec *r;

	TEST_ASSERT_EQUAL(__atomic_load_n(&x->errors, __ATOMIC_ACQUIRE), 0,
			  "failed checks (seed 0x%" PRIx64 ")", x->seed);
	for (i = 0; i < x->nworkers; i++) {
		for (k = 0; k < x->w[i].nrec; k++) {
			r = &x->w[i].rec[k];
			TEST_ASSERT_EQUAL(__atomic_load_n(&r->count,
							  __ATOMIC_RELAXED), 1,
					  "worker %u command %u (device %" PRIu64
					  " seq %u) deliveries (status %d ack %u)",
					  i, k, r->dev->id, r->seq, r->status,
					  r->ack);
		}
		for (k = 0; k < ST_DEVS; k++)
			TEST_ASSERT_EQUAL(x->w[i].dev[k].next,
					  x->w[i].dev[k].seq, "");
		total += x->w[i].nrec;
		eagain += x->w[i].eagain;
		batches += x->w[i].batches;
		batched += x->w[i].batched;
	}
	TEST_ASSERT_EQUAL(x->n_ok + x->n_tmo + x->n_cancel, total, "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(x->e, &s), "");
	TEST_ASSERT_EQUAL(s.inflight, 0, "");
	TEST_ASSERT_EQUAL(s.submitted - s0->submitted, total + x->extra_ok, "");
	TEST_ASSERT_EQUAL(s.completed - s0->completed, x->n_ok + x->extra_ok,
			  "");
	TEST_ASSERT_EQUAL(s.failed - s0->failed, x->n_failed, "");
	TEST_ASSERT_EQUAL(s.timed_out - s0->timed_out, x->n_tmo, "");
	TEST_ASSERT_EQUAL(s.canceled - s0->canceled, x->n_cancel, "");
	TEST_ASSERT_EQUAL(s.submitted, s.completed + s.timed_out + s.canceled,
			  "every submission delivered once");
	TEST_ASSERT_EQUAL(s.eagain - s0->eagain, eagain, "every -EAGAIN counted");
	TEST_ASSERT_EQUAL(s.batches - s0->batches, batches, "");
	TEST_ASSERT_EQUAL(s.batched - s0->batched, batched, "");
	return 0;
}

/* The device state equals the model (read through the control queue and
 * the device's own view). */
static int
st_readback(struct st_ctx *x)
{
	struct rte_avq_dev_vdev_info vi;
	uint8_t cfg[ST_CFG_LEN];
	struct avq_config_get g = { .offset = 0,
				    .size = avq_to_le32(ST_CFG_LEN) };
	struct avq_vq vq;
	struct avq_vq_size sz;
	unsigned int i, k, q;
	struct st_dev *d;

	for (i = 0; i < x->nworkers; i++) {
		for (k = 0; k < ST_DEVS; k++) {
			d = &x->w[i].dev[k];
			if (!d->live) {
				TEST_ASSERT_EQUAL(rte_avq_dev_vdev_info(x->fx.dev,
						  d->id, &vi), -ENOENT, "");
				continue;
			}
			TEST_ASSERT_SUCCESS(rte_avq_dev_vdev_info(x->fx.dev,
					    d->id, &vi), "");
			TEST_ASSERT_EQUAL(vi.status, d->status, "device %" PRIu64,
					  d->id);
			TEST_ASSERT_EQUAL(vi.driver_features, d->drv_features,
					  "device %" PRIu64, d->id);
			TEST_ASSERT_EQUAL(vi.generation, d->generation,
					  "device %" PRIu64, d->id);
			TEST_ASSERT_EQUAL(vi.mmu_mappings, d->nmaps,
					  "device %" PRIu64, d->id);
			TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, d->id,
						     AVQ_CLASS_CONFIG,
						     AVQ_CONFIG_GET, &g,
						     sizeof(g), cfg, sizeof(cfg)),
					  AVQ_ACK_OK, "");
			TEST_ASSERT(memcmp(cfg, d->config, ST_CFG_LEN) == 0,
				    "config of device %" PRIu64 " (MAC %02x:%02x:"
				    "%02x:%02x:%02x:%02x, model %02x:%02x:%02x:"
				    "%02x:%02x:%02x)", d->id, cfg[0], cfg[1],
				    cfg[2], cfg[3], cfg[4], cfg[5], d->config[0],
				    d->config[1], d->config[2], d->config[3],
				    d->config[4], d->config[5]);
			for (q = 0; q < ST_NQ; q++) {
				vq.queue_index = avq_to_le16(q);
				TEST_ASSERT_EQUAL(avq_fx_ack(&x->fx, d->id,
							     AVQ_CLASS_VQ_SIZE,
							     AVQ_VQ_SIZE_GET,
							     &vq, sizeof(vq),
							     &sz, sizeof(sz)),
						  AVQ_ACK_OK, "");
				TEST_ASSERT_EQUAL(avq_le16(sz.size),
						  d->vq_size[q], "device %"
						  PRIu64 " queue %u", d->id, q);
			}
		}
	}
	return 0;
}

static void
st_report(const char *name, struct st_ctx *x, uint64_t t0)
{
	struct rte_avq_engine_stats s;
	uint64_t eagain = x->extra_eagain;
	unsigned int i, total = 0;

	for (i = 0; i < x->nworkers; i++) {
		total += x->w[i].nrec;
		eagain += x->w[i].eagain;
	}
	rte_avq_engine_stats_get(x->e, &s);
	printf("%s: seed 0x%" PRIx64 ": %u commands (%" PRIu64 " failed) in"
	       " %.0f ms; -EAGAIN %" PRIu64 ", timed out %" PRIu64 ", late %"
	       PRIu64 ", canceled %" PRIu64 ", resets %u, latency max %.1f ms\n",
	       name, x->seed, total, x->n_failed,
	       (double)(rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz(),
	       eagain, s.timed_out, s.late, s.canceled, x->resets,
	       (double)s.lat_ns_max / 1e6);
}

typedef int (*st_body_fn)(struct st_ctx *x);

/* Set up with @p engine_aqs queues and @p conf, run @p body, tear down. */
static int
st_test(uint16_t engine_aqs, const struct rte_avq_engine_conf *conf,
	st_body_fn body)
{
	struct st_ctx *x;
	int ret = TEST_FAILED;

	if (rte_get_next_lcore(-1, 1, 0) >= RTE_MAX_LCORE) {
		printf("needs two lcores (-l 0-1): skipped\n");
		return TEST_SKIPPED;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return TEST_FAILED;
	if (st_setup(x, engine_aqs, conf) == 0)
		ret = body(x);
	if (ret != TEST_SUCCESS)
		fprintf(stderr, "  (seed 0x%" PRIx64 ": AVQ_STRESS_SEED=0x%"
			PRIx64 " replays the command mix)\n", x->seed, x->seed);
	st_teardown(x);
	free(x);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The tests                                                           */
/* ------------------------------------------------------------------ */


/* Full checks of a run: exactly once, counters, state, a final exec. */
static int
st_verify(struct st_ctx *x, const struct rte_avq_engine_stats *s0)
{
	TEST_ASSERT_SUCCESS(st_check(x, s0), "");
	TEST_ASSERT_SUCCESS(st_readback(x), "");
	TEST_ASSERT_SUCCESS(st_exec_ok(x), "");
	return 0;
}

/*
 * Fresh devices, the workload of x->c with @p fault installed (after the
 * devices were created through the control queue: a fault applies to
 * every queue of the device), then the full checks.
 */
static int
st_model_run(struct st_ctx *x, const char *name, unsigned int nworkers,
	     const struct rte_avq_dev_fault *fault)
{
	struct rte_avq_engine_stats s0;
	uint64_t t0 = rte_get_timer_cycles();

	TEST_ASSERT_SUCCESS(st_workers_init(x, nworkers), "");
	if (fault != NULL)
		TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, fault), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(x->e, &s0), "");
	TEST_ASSERT_SUCCESS(st_run(x), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, NULL), "");
	TEST_ASSERT_SUCCESS(st_verify(x, &s0), "");
	TEST_ASSERT_EQUAL(x->n_tmo + x->n_cancel, 0, "");
	st_report(name, x, t0);
	return TEST_SUCCESS;
}

static const struct st_conf st_model_conf = {
	.n = 20000,
	.max_batch = 16,
	.wait_pct = 30,
	.check_model = true,
	.allowed = ST_S_OK,
};

/* ---- 1. model: every result predicted, two lcores, eight devices ---- */

static int
model_body(struct st_ctx *x)
{
	x->c = st_model_conf;
	return st_model_run(x, "engine_stress_model", 2, NULL);
}

static int
test_engine_stress_model(void)
{
	/* 16 slots per queue: some back-pressure too. */
	struct rte_avq_engine_conf conf = { .ring_size = 32,
					    .timeout_us = ST_LONG_TMO_US };

	return st_test(2, &conf, model_body);
}
REGISTER_AVQ_TEST(engine_stress_model_autotest, test_engine_stress_model);

/* ---- 2. the device completes out of order: delivery order holds ---- */

static int
reorder_body(struct st_ctx *x)
{
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .reorder = 8, .delay_us = 100 };

	x->c = st_model_conf;
	x->c.n = 8000;
	return st_model_run(x, "engine_stress_reorder", 2, &flt);
}

static int
test_engine_stress_reorder(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 64,
					    .timeout_us = ST_LONG_TMO_US };

	return st_test(2, &conf, reorder_body);
}
REGISTER_AVQ_TEST(engine_stress_reorder_autotest, test_engine_stress_reorder);

/* ---- 2b. with a sync queue: execs mixed in, on the same devices ---- */

static int
sync_body(struct st_ctx *x)
{
	x->c = st_model_conf;
	x->c.n = 12000;
	/* Every fourth command synchronous: it takes the sync queue when
	 * its device is idle, the ring queue behind its own commands
	 * otherwise; the model checks the order either way. */
	static struct rte_avq_dev_trace_entry te[RTE_AVQ_DEV_TRACE_LEN];
	uint16_t sync_aq = rte_avq_engine_num_aqs(x->e);
	int n, k, on_sync = 0;

	x->c = st_model_conf;
	x->c.n = 12000;
	/* Every fourth command synchronous: it takes the sync queue when
	 * its device is idle, the ring queue behind its own commands
	 * otherwise; the model checks the order either way. */
	x->c.exec_pct = 25;
	TEST_ASSERT_SUCCESS(st_model_run(x, "engine_stress_sync", 2, NULL), "");
	/* The workload's tail went through both kinds of queue. */
	n = avq_fx_trace(&x->fx, 0, te, RTE_DIM(te));
	for (k = 0; k < n; k++)
		on_sync += te[k].aq == sync_aq;
	TEST_ASSERT(on_sync > 1, "%d of the last %d commands on the sync queue",
		    on_sync, n);
	return TEST_SUCCESS;
}

static int
test_engine_stress_sync(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 32,
					    .timeout_us = ST_LONG_TMO_US,
					    .sync_queue = 1 };

	return st_test(2, &conf, sync_body);
}
REGISTER_AVQ_TEST(engine_stress_sync_autotest, test_engine_stress_sync);

/* ---- 3. engine resets with both lcores submitting ---- */

#define RESET_EVERY	500	/* main lcore commands between resets */

static void
reset_hook(struct st_ctx *x, unsigned int phase)
{
	int ret;

	RTE_SET_USED(phase);
	ret = rte_avq_engine_reset(x->e);
	x->resets++;
	if (ret != 0) {
		fprintf(stderr, "reset %u: %d\n", x->resets, ret);
		x->hook_err = ret;
		return;
	}
	/* The engine works after each reset. */
	if (st_exec_ok(x) != 0) {
		fprintf(stderr, "exec after reset %u failed\n", x->resets);
		x->hook_err = -EIO;
		return;
	}
	x->extra_ok++;
}

static int
reset_body(struct st_ctx *x)
{
	/* Completions held a little: resets find many commands in flight
	 * (executed or not). */
	struct rte_avq_dev_fault flt = { .fail_class = -1, .fail_command = -1,
					 .delay_us = 300 };
	struct rte_avq_engine_stats s0;
	uint64_t t0 = rte_get_timer_cycles(), canceled_sub;

	/* A command that completed was executed, one canceled may have been
	 * (its answer held by the device): the state is unknown, so only
	 * state-independent predictions are checked here.
	 */
	x->c = st_model_conf;
	x->c.n = 6000;
	x->c.check_model = false;
	x->c.allowed = ST_S_OK | ST_S_CANCEL;
	x->c.hook = reset_hook;
	x->c.hook_every = RESET_EVERY;
	TEST_ASSERT_SUCCESS(st_workers_init(x, 2), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, &flt), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(x->e, &s0), "");
	TEST_ASSERT_SUCCESS(st_run(x), "");
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, NULL), "");
	TEST_ASSERT_SUCCESS(x->hook_err, "");
	TEST_ASSERT(x->resets >= x->c.n / RESET_EVERY - 1, "%u resets",
		    x->resets);
	TEST_ASSERT_SUCCESS(st_check(x, &s0), "");
	TEST_ASSERT_EQUAL(x->n_tmo, 0, "");
	TEST_ASSERT(x->n_cancel > 0, "no reset found a command in flight");
	canceled_sub = x->w[0].canceled_sub + x->w[1].canceled_sub;
	st_report("engine_stress_reset (resets)", x, t0);
	printf("  %" PRIu64 " submissions refused during a reset (retried)\n",
	       canceled_sub);

	/* After the last reset the model holds again, on fresh devices. */
	x->c = st_model_conf;
	x->c.n = 5000;
	return st_model_run(x, "engine_stress_reset (after)", 2, NULL);
}

static int
test_engine_stress_reset(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 32,
					    .timeout_us = ST_LONG_TMO_US };

	return st_test(2, &conf, reset_body);
}
REGISTER_AVQ_TEST(engine_stress_reset_autotest, test_engine_stress_reset);

/* ---- 4. timeouts, late and lost completions ---- */

#define TMO_US		10000	/* engine timeout */
#define TMO_RING	64
#define TMO_SLOTS	(TMO_RING / 2)
#define TMO_EVERY	300	/* main lcore commands per fault phase */
#define TMO_DROP_EVERY	150	/* even all 2 x 5 x TMO_EVERY lose 20 < TMO_SLOTS */

/*
 * Fault phases, switched by the main lcore while both submit: completions
 * held about as long as the timeout (some in time, some late), held three
 * times as long (all late), lost (every TMO_DROP_EVERY-th: its slot stays
 * reserved until an engine reset, so the phase is kept short: with
 * TMO_EVERY commands per lcore it loses a handful of the TMO_SLOTS), then
 * reordered and held a little (in time).
 */
static void
tmo_hook(struct st_ctx *x, unsigned int phase)
{
	struct rte_avq_dev_fault f = { .fail_class = -1, .fail_command = -1 };
	int ret;

	switch (phase) {
	case 1:
		f.delay_us = TMO_US * 8 / 10;
		break;
	case 2:
		f.delay_us = TMO_US * 3;
		break;
	case 3:
		f.drop_every = TMO_DROP_EVERY;
		break;
	case 4:
		f.delay_us = TMO_US / 4;
		f.reorder = 4;
		break;
	default:
		break;
	}
	ret = rte_avq_dev_fault_set(x->fx.dev, &f);
	if (ret != 0)
		x->hook_err = ret;
}

/* Engine and device counters once every late answer came back: each
 * timed-out command was either answered late or lost. */
static int
tmo_settle(struct st_ctx *x, struct rte_avq_engine_stats *s,
	   uint64_t *dropped)
{
	struct rte_avq_dev_stats ds;
	uint64_t end = rte_get_timer_cycles() + ST_DRAIN_S * rte_get_timer_hz();

	for (;;) {
		rte_avq_engine_poll(x->e, 32);
		TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(x->e, s), "");
		TEST_ASSERT_SUCCESS(rte_avq_dev_stats_get(x->fx.dev, &ds), "");
		if (s->late + ds.faults_dropped == s->timed_out)
			break;
		TEST_ASSERT(rte_get_timer_cycles() < end, "timed out %" PRIu64
			    " != late %" PRIu64 " + lost %" PRIu64, s->timed_out,
			    s->late, ds.faults_dropped);
		rte_delay_us_sleep(200);
	}
	*dropped = ds.faults_dropped;
	return 0;
}

/*
 * Stall the device and submit commands (for an id that does not exist)
 * without F_WAIT until the ring is full: @p posted receives how many were
 * in flight at once. Then let them complete.
 */
static int
tmo_fill(struct st_ctx *x, unsigned int *posted)
{
	struct rte_avq_dev_fault stall = { .fail_class = -1,
					   .fail_command = -1, .stall = true };
	struct st_worker *w = &x->w[0];
	struct st_dev *d = &w->dev[ST_LIVE + 1];
	uint8_t out[ST_OUT_MAX];
	struct rte_avq_cmd c;
	struct st_rec *r;
	int ret;

	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, &stall), "");
	for (*posted = 0;; (*posted)++) {
		TEST_ASSERT(w->nrec < w->n + ST_SPARE, "no room for records");
		r = st_next(w, &c, out, d);
		ret = rte_avq_submit(x->e, &c, st_cb, r, 0);
		if (ret == -EAGAIN) {
			/* Not posted: forget the record. */
			x->extra_eagain++;
			w->nrec--;
			d->seq--;
			break;
		}
		TEST_ASSERT_SUCCESS(ret, "");
		__atomic_fetch_add(&x->submitted, 1, __ATOMIC_RELAXED);
	}
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, NULL), "");
	TEST_ASSERT_SUCCESS(st_drain(x), "");
	return 0;
}

static int
timeout_body(struct st_ctx *x)
{
	struct rte_avq_engine_stats s0, s;
	uint64_t t0 = rte_get_timer_cycles(), dropped;
	unsigned int posted;

	x->c = st_model_conf;
	x->c.n = 5 * TMO_EVERY;
	/* The device executes every command, answered in time, late or
	 * never: the model holds; only -ETIMEDOUT ones are unchecked. */
	x->c.allowed = ST_S_OK | ST_S_TMO;
	x->c.hook = tmo_hook;
	x->c.hook_every = TMO_EVERY;
	TEST_ASSERT_SUCCESS(st_workers_init(x, 2), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_stats_get(x->e, &s0), "");
	TEST_ASSERT_SUCCESS(st_run(x), "");
	/* Held completions go out now. */
	TEST_ASSERT_SUCCESS(rte_avq_dev_fault_set(x->fx.dev, NULL), "");
	TEST_ASSERT_SUCCESS(x->hook_err, "");
	TEST_ASSERT_SUCCESS(tmo_settle(x, &s, &dropped), "");
	TEST_ASSERT(s.timed_out > 0 && s.late > 0 && dropped > 0,
		    "timed out %" PRIu64 " late %" PRIu64 " lost %" PRIu64,
		    s.timed_out, s.late, dropped);
	TEST_ASSERT(dropped < TMO_SLOTS, "%" PRIu64 " lost", dropped);
	TEST_ASSERT_SUCCESS(st_check(x, &s0), "");
	TEST_ASSERT_SUCCESS(st_readback(x), "");

	/* Every late answer gave its slot back; a lost one keeps it until
	 * the engine is reset (rte_avq_engine.h). */
	TEST_ASSERT_SUCCESS(tmo_fill(x, &posted), "");
	TEST_ASSERT_EQUAL(posted, TMO_SLOTS - dropped, "slots in flight");
	TEST_ASSERT_SUCCESS(tmo_settle(x, &s, &dropped), "");
	TEST_ASSERT_SUCCESS(rte_avq_engine_reset(x->e), "");
	TEST_ASSERT_SUCCESS(tmo_fill(x, &posted), "");
	TEST_ASSERT_EQUAL(posted, TMO_SLOTS, "a full ring after the reset");
	TEST_ASSERT_SUCCESS(tmo_settle(x, &s, &dropped), "");
	TEST_ASSERT_SUCCESS(st_verify(x, &s0), "");
	st_report("engine_stress_timeout", x, t0);
	return TEST_SUCCESS;
}

static int
test_engine_stress_timeout(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = TMO_RING,
					    .timeout_us = TMO_US };

	/* One queue: the lost slots and the full ring are all on it. */
	return st_test(1, &conf, timeout_body);
}
REGISTER_AVQ_TEST(engine_stress_timeout_autotest, test_engine_stress_timeout);

/* ---- 5. back-pressure: a ring of 8, three submitters ---- */

static int
backpressure_body(struct st_ctx *x)
{
	uint64_t eagain;

	/* Batches up to 16 on a queue of 4 slots: every batch overflows;
	 * half the submissions wait (RTE_AVQ_F_WAIT), half take -EAGAIN. A
	 * control thread runs rte_avq_exec() on its own devices meanwhile.
	 */
	x->c = st_model_conf;
	x->c.n = 4000;
	x->c.n_ctl = 400;
	x->c.wait_pct = 50;
	TEST_ASSERT_SUCCESS(st_model_run(x, "engine_stress_backpressure", 3,
					 NULL), "");
	eagain = x->w[0].eagain + x->w[1].eagain + x->w[2].eagain;
	TEST_ASSERT(eagain > 0, "no back-pressure seen");
	return TEST_SUCCESS;
}

static int
test_engine_stress_backpressure(void)
{
	struct rte_avq_engine_conf conf = { .ring_size = 8,
					    .timeout_us = ST_LONG_TMO_US };

	return st_test(1, &conf, backpressure_body);
}
REGISTER_AVQ_TEST(engine_stress_backpressure_autotest,
		  test_engine_stress_backpressure);
