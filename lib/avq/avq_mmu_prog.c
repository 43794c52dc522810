/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Programming a managed device's MMU from a region list (rte_avq_mmu.h).
 *
 * The pure part (coalesce, diff) is plain list work. The sending part goes
 * through the engine in one of three modes:
 *  - NAIVE:   one rte_avq_exec() of MMU_MAP per region as given; the
 *             baseline every other mode is measured against.
 *  - ASYNC:   the coalesced list as MMU_MAP commands, posted through
 *             rte_avq_batch_*() so that one doorbell announces many, then
 *             one wait for all of them.
 *  - BATCHED: the coalesced list as MMU_BATCH commands (the RFC's "batched
 *             MMU" enhancement, class AVQ_CLASS_MMU_BATCH) when CAP_GET
 *             announces the class, else as ASYNC.
 *
 * MMU_BATCH commands carry at most AVQ_MMU_PROG_BATCH_BYTES of out-data
 * (16 KiB: 511 MAP or 1023 UNMAP entries), below the device's 64 KiB
 * out-data limit. The engine has no getter for its max_out, so an engine
 * used in BATCHED mode should be created with max_out >= 16384; with a
 * smaller one the engine refuses the command (-E2BIG) and this file halves
 * the command size until it fits (the default max_out of 4096 gives 127 MAP
 * entries per command), so it still works, with more commands.
 *
 * Failures: the first failure (in submission order, which is the order the
 * engine delivers one device's completions) is returned as a negative
 * errno; nothing more is submitted after a failure was seen, everything
 * already submitted is waited for (the completion callbacks reference this
 * call's stack), and no rollback is attempted: the device table then holds
 * a subset of the request, which the caller may UNMAP. Bad input (overlap,
 * empty or wrapping range, bad permission) is refused before anything is
 * sent.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_pause.h>

#include "avq_private.h"
#include "rte_avq_mmu.h"

/* Out-data bytes of one MMU_BATCH command (see the file comment). */
#define AVQ_MMU_PROG_BATCH_BYTES	(16u * 1024u)
/* Device limit on a command's out-data (DESIGN section 4, MMU_BATCH). */
#define AVQ_MMU_PROG_DEV_OUT_MAX	(64u * 1024u)
/* Completions harvested per engine poll while waiting. */
#define AVQ_MMU_PROG_POLL_BUDGET	64u

/* Permissions a region may carry: what a DMA-only device understands. */
#define AVQ_MMU_PROG_PERM_MASK		(AVQ_MMU_F_READ | AVQ_MMU_F_WRITE)

/* ---- Pure list work ---- */

static int
region_cmp(const void *a, const void *b)
{
	const struct rte_avq_mmu_region *x = a, *y = b;

	return (x->iova > y->iova) - (x->iova < y->iova);
}

/* Below this many regions an insertion sort is the quickest. */
#define AVQ_MMU_SORT_SMALL	16u

struct sort_key {
	uint64_t iova;
	uint32_t idx;
	uint32_t pad;
};

/*
 * Sort @p r by IOVA. A list in order already (a memory table usually is)
 * costs one pass. Otherwise an LSD radix sort of (iova, index) pairs, one
 * pass per byte in which the keys differ, then one move of the regions:
 * qsort() made about 700 instructions per region of 4096 (an indirect
 * compare per step), half the time of programming them in batches.
 * Without memory for the pairs it falls back to qsort().
 */
static void
regions_sort(struct rte_avq_mmu_region *r, unsigned int n)
{
	struct sort_key *a, *b, *t;
	struct rte_avq_mmu_region *moved, x;
	uint32_t pos[256];
	uint64_t diff = 0;
	unsigned int i, j, shift, byte;

	for (i = 1; i < n; i++)
		if (r[i].iova < r[i - 1].iova)
			break;
	if (i >= n)
		return;
	if (n < AVQ_MMU_SORT_SMALL) {
		for (i = 1; i < n; i++) {
			x = r[i];
			for (j = i; j > 0 && r[j - 1].iova > x.iova; j--)
				r[j] = r[j - 1];
			r[j] = x;
		}
		return;
	}
	a = malloc((size_t)n * (2 * sizeof(*a) + sizeof(*moved)));
	if (a == NULL) {
		qsort(r, n, sizeof(*r), region_cmp);
		return;
	}
	b = a + n;
	moved = (struct rte_avq_mmu_region *)(void *)(b + n);
	for (i = 0; i < n; i++) {
		a[i].iova = r[i].iova;
		a[i].idx = i;
		diff |= r[i].iova ^ r[0].iova;
	}
	for (shift = 0; shift < 64; shift += 8) {
		/* Every key has the same byte here: the pass would move
		 * nothing. */
		if (((diff >> shift) & 0xff) == 0)
			continue;
		memset(pos, 0, sizeof(pos));
		for (i = 0; i < n; i++)
			pos[(a[i].iova >> shift) & 0xff]++;
		for (byte = 0, j = 0; byte < 256; byte++) {
			i = pos[byte];
			pos[byte] = j;
			j += i;
		}
		/* Stable: equal bytes keep the order of the passes before. */
		for (i = 0; i < n; i++)
			b[pos[(a[i].iova >> shift) & 0xff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		moved[i] = r[a[i].idx];
	memcpy(r, moved, (size_t)n * sizeof(*r));
	free(a < b ? a : b);
}

/* A region of length 0, or one whose IOVA or DMA range passes 2^64. */
static bool
region_bad(const struct rte_avq_mmu_region *r)
{
	return r->len == 0 || r->iova > UINT64_MAX - (r->len - 1) ||
	       r->dma > UINT64_MAX - (r->len - 1);
}

/* @p b starts where @p a ends, in IOVA and in DMA space, with the same
 * permissions, and the merged length fits in 64 bits.
 */
static bool
region_mergeable(const struct rte_avq_mmu_region *a,
		 const struct rte_avq_mmu_region *b)
{
	return a->perm == b->perm &&
	       a->iova <= UINT64_MAX - a->len && a->iova + a->len == b->iova &&
	       a->dma <= UINT64_MAX - a->len && a->dma + a->len == b->dma &&
	       a->len <= UINT64_MAX - b->len;
}

static bool
region_equal(const struct rte_avq_mmu_region *a,
	     const struct rte_avq_mmu_region *b)
{
	return a->iova == b->iova && a->dma == b->dma && a->len == b->len &&
	       a->perm == b->perm;
}

int
rte_avq_mmu_coalesce(struct rte_avq_mmu_region *r, unsigned int n)
{
	unsigned int i, out;

	if (n == 0)
		return 0;
	if (r == NULL || n > INT_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (region_bad(&r[i])) {
			AVQ_LOG(DEBUG, "mmu: region %u [0x%" PRIx64 " +0x%" PRIx64
				"] is empty or wraps", i, r[i].iova, r[i].len);
			return -EINVAL;
		}
	}
	regions_sort(r, n);
	/* Check every neighbour before merging any, so that a refused list
	 * is only reordered, never changed.
	 */
	for (i = 1; i < n; i++) {
		if (r[i].iova <= r[i - 1].iova + (r[i - 1].len - 1)) {
			AVQ_LOG(DEBUG, "mmu: regions [0x%" PRIx64 " +0x%" PRIx64
				"] and [0x%" PRIx64 " +0x%" PRIx64 "] overlap",
				r[i - 1].iova, r[i - 1].len, r[i].iova,
				r[i].len);
			return -EINVAL;
		}
	}
	out = 0;
	for (i = 1; i < n; i++) {
		if (region_mergeable(&r[out], &r[i]))
			r[out].len += r[i].len;
		else
			r[++out] = r[i];
	}
	return (int)(out + 1);
}

/* Sorted by IOVA and disjoint: what rte_avq_mmu_coalesce() returns. */
static bool
list_sorted(const struct rte_avq_mmu_region *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (region_bad(&r[i]))
			return false;
		if (i > 0 && r[i].iova <= r[i - 1].iova + (r[i - 1].len - 1))
			return false;
	}
	return true;
}

int
rte_avq_mmu_diff(const struct rte_avq_mmu_region *old, unsigned int n_old,
		 const struct rte_avq_mmu_region *new_r, unsigned int n_new,
		 struct rte_avq_mmu_region *unmap, unsigned int *n_unmap,
		 struct rte_avq_mmu_region *map, unsigned int *n_map)
{
	unsigned int i = 0, j = 0, nu = 0, nm = 0;

	if (n_unmap == NULL || n_map == NULL ||
	    (n_old > 0 && (old == NULL || unmap == NULL)) ||
	    (n_new > 0 && (new_r == NULL || map == NULL)))
		return -EINVAL;
	/* O(n) guard for the documented precondition: a merge of unsorted
	 * lists would silently produce a wrong table.
	 */
	if (!list_sorted(old, n_old) || !list_sorted(new_r, n_new)) {
		AVQ_LOG(DEBUG, "mmu: diff of lists that are not coalesced");
		return -EINVAL;
	}
	/* Merge by IOVA. IOVAs are unique within each list, so an old region
	 * can only equal the new region with the same start.
	 */
	while (i < n_old && j < n_new) {
		if (old[i].iova < new_r[j].iova) {
			unmap[nu++] = old[i++];
		} else if (old[i].iova > new_r[j].iova) {
			map[nm++] = new_r[j++];
		} else {
			if (!region_equal(&old[i], &new_r[j])) {
				unmap[nu++] = old[i];
				map[nm++] = new_r[j];
			}
			i++;
			j++;
		}
	}
	while (i < n_old)
		unmap[nu++] = old[i++];
	while (j < n_new)
		map[nm++] = new_r[j++];
	*n_unmap = nu;
	*n_map = nm;
	return 0;
}

/* ---- Sending ---- */

/* State of one programming call; the completion callbacks write into it. */
struct prog_run {
	struct rte_avq_engine *e;
	uint64_t dev_id;
	uint64_t asid;
	enum rte_avq_mmu_mode mode;
	bool batch_class;	/* MMU_BATCH offered (BATCHED mode only) */
	uint32_t batch_bytes;	/* out-data of one MMU_BATCH command */
	uint8_t *batch_buf;	/* AVQ_MMU_PROG_BATCH_BYTES */
	struct rte_avq_batch b;
	bool b_open;
	uint32_t posted;	/* submitted in the current wave */
	uint32_t done;		/* completions of the current wave */
	int err;		/* first failure, 0 while none */
	uint32_t commands;
};

static void
prog_fail(struct prog_run *p, int err)
{
	int zero = 0;

	/* Keep the first failure only. R1: pairs with A1 in prog_wait()
	 * and in prog_failed().
	 */
	__atomic_compare_exchange_n(&p->err, &zero, err, false,
				    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

static int
prog_failed(struct prog_run *p)
{
	/* A1: pairs with R1 in prog_fail(). */
	return __atomic_load_n(&p->err, __ATOMIC_ACQUIRE);
}

/* Completion callback: runs on whichever thread polls the engine. */
static void
prog_cb(void *arg, int status, uint8_t ack, uint32_t in_len)
{
	struct prog_run *p = arg;

	RTE_SET_USED(in_len);
	if (status != 0)
		prog_fail(p, status);
	else if (ack != AVQ_ACK_OK)
		prog_fail(p, avq_ack_errno(ack));
	/* R2: the error above is visible before the count; pairs with A2
	 * in prog_wait().
	 */
	__atomic_fetch_add(&p->done, 1, __ATOMIC_RELEASE);
}

/* Post one command of the current wave (not announced yet). */
static int
prog_post(struct prog_run *p, const struct rte_avq_cmd *cmd)
{
	int ret;

	if (!p->b_open) {
		rte_avq_batch_begin(p->e, &p->b);
		p->b_open = true;
	}
	/* RTE_AVQ_F_WAIT: a full ring (or an empty request pool) polls
	 * until room appears instead of failing.
	 */
	ret = rte_avq_batch_add(&p->b, cmd, prog_cb, p, RTE_AVQ_F_WAIT);
	if (ret == 0) {
		p->posted++;
		p->commands++;
	}
	return ret;
}

/* Announce the wave, wait for all of it. @return the first failure. */
static int
prog_wait(struct prog_run *p)
{
	if (p->b_open) {
		rte_avq_batch_end(&p->b);
		p->b_open = false;
	}
	/* Every submitted command completes: answered, timed out or
	 * canceled by the engine. A2: pairs with R2 in prog_cb().
	 */
	while (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE) < p->posted) {
		if (rte_avq_engine_poll(p->e, AVQ_MMU_PROG_POLL_BUDGET) == 0)
			rte_pause();
	}
	p->posted = 0;
	__atomic_store_n(&p->done, 0, __ATOMIC_RELAXED);
	return prog_failed(p);
}

static void
cmd_init(struct rte_avq_cmd *c, uint64_t dev_id, uint16_t cls, uint16_t cmd,
	 const void *out, uint32_t out_len)
{
	memset(c, 0, sizeof(*c));
	c->device_id = dev_id;
	c->class_id = cls;
	c->command = cmd;
	c->out = out;
	c->out_len = out_len;
}

/* Out-data of one MMU_MAP or MMU_UNMAP. */
union single_buf {
	struct avq_mmu_map_asid map;
	struct avq_mmu_unmap_asid unmap;
};

/* MMU_MAP or MMU_UNMAP of one region, in the RFC form for ASID 0 and with
 * the trailing ASID otherwise (DESIGN extension), as a command in @p buf.
 */
static void
cmd_single(const struct prog_run *p, const struct rte_avq_mmu_region *r,
	   bool map, union single_buf *buf, struct rte_avq_cmd *c)
{
	uint64_t end = r->iova + (r->len - 1);	/* inclusive */
	uint32_t len;

	memset(buf, 0, sizeof(*buf));
	if (map) {
		buf->map.map.iova_start = avq_to_le64(r->iova);
		buf->map.map.iova_end = avq_to_le64(end);
		buf->map.map.dma_start = avq_to_le64(r->dma);
		buf->map.map.flags = avq_to_le32(r->perm);
		buf->map.asid = avq_to_le64(p->asid);
		len = p->asid == 0 ? sizeof(buf->map.map) : sizeof(buf->map);
	} else {
		buf->unmap.unmap.iova_start = avq_to_le64(r->iova);
		buf->unmap.unmap.iova_end = avq_to_le64(end);
		buf->unmap.asid = avq_to_le64(p->asid);
		len = p->asid == 0 ? sizeof(buf->unmap.unmap) :
				     sizeof(buf->unmap);
	}
	cmd_init(c, p->dev_id, AVQ_CLASS_MMU, map ? AVQ_MMU_MAP : AVQ_MMU_UNMAP,
		 buf, len);
}

/* NAIVE: one synchronous command per region, stop at the first failure. */
static int
send_naive(struct prog_run *p, const struct rte_avq_mmu_region *r,
	   unsigned int n, bool map)
{
	union single_buf buf;
	struct rte_avq_cmd c;
	uint32_t in_len;
	unsigned int i;
	uint8_t ack;
	int ret;

	for (i = 0; i < n; i++) {
		cmd_single(p, &r[i], map, &buf, &c);
		ack = AVQ_ACK_OK;
		ret = rte_avq_exec(p->e, &c, &ack, &in_len);
		p->commands++;
		if (ret == 0 && ack != AVQ_ACK_OK)
			ret = avq_ack_errno(ack);
		if (ret < 0) {
			AVQ_LOG(ERR, "vdev %" PRIu64 ": MMU_%s [0x%" PRIx64
				" +0x%" PRIx64 "] failed: %d (ack %s)",
				p->dev_id, map ? "MAP" : "UNMAP", r[i].iova,
				r[i].len, ret, avq_ack_str(ack));
			return ret;
		}
	}
	return 0;
}

/* ASYNC: post one command per region, announce, wait. */
static int
send_async(struct prog_run *p, const struct rte_avq_mmu_region *r,
	   unsigned int n, bool map)
{
	union single_buf buf;
	struct rte_avq_cmd c;
	unsigned int i;
	int ret;

	for (i = 0; i < n && prog_failed(p) == 0; i++) {
		cmd_single(p, &r[i], map, &buf, &c);
		ret = prog_post(p, &c);
		if (ret < 0) {
			prog_fail(p, ret);
			break;
		}
	}
	return prog_wait(p);
}

/* Fill p->batch_buf with MMU_BATCH entries r[0..cnt-1]; @return its size. */
static uint32_t
batch_fill(struct prog_run *p, const struct rte_avq_mmu_region *r,
	   unsigned int cnt, bool map)
{
	struct avq_mmu_batch_hdr h;
	uint8_t *pos = p->batch_buf + sizeof(h);
	unsigned int i;

	memset(&h, 0, sizeof(h));
	h.asid = avq_to_le64(p->asid);
	h.count = avq_to_le32(cnt);
	memcpy(p->batch_buf, &h, sizeof(h));
	for (i = 0; i < cnt; i++) {
		uint64_t end = r[i].iova + (r[i].len - 1);	/* inclusive */

		if (map) {
			struct avq_mmu_batch_map m;

			memset(&m, 0, sizeof(m));
			m.iova_start = avq_to_le64(r[i].iova);
			m.iova_end = avq_to_le64(end);
			m.dma_start = avq_to_le64(r[i].dma);
			m.flags = avq_to_le32(r[i].perm);
			memcpy(pos, &m, sizeof(m));
			pos += sizeof(m);
		} else {
			struct avq_mmu_batch_unmap u;

			memset(&u, 0, sizeof(u));
			u.iova_start = avq_to_le64(r[i].iova);
			u.iova_end = avq_to_le64(end);
			memcpy(pos, &u, sizeof(u));
			pos += sizeof(u);
		}
	}
	return (uint32_t)(pos - p->batch_buf);
}

/* BATCHED with the class offered: MMU_BATCH commands of up to
 * p->batch_bytes each, posted together, then one wait.
 */
static int
send_batched(struct prog_run *p, const struct rte_avq_mmu_region *r,
	     unsigned int n, bool map)
{
	uint32_t esz = map ? sizeof(struct avq_mmu_batch_map) :
			     sizeof(struct avq_mmu_batch_unmap);
	struct rte_avq_cmd c;
	unsigned int i = 0, cnt, per;
	uint32_t len;
	int ret;

	while (i < n && prog_failed(p) == 0) {
		per = (p->batch_bytes - sizeof(struct avq_mmu_batch_hdr)) / esz;
		if (per == 0) {
			/* Not even one entry fits the engine's max_out. */
			prog_fail(p, -E2BIG);
			break;
		}
		cnt = RTE_MIN(per, n - i);
		len = batch_fill(p, &r[i], cnt, map);
		cmd_init(&c, p->dev_id, AVQ_CLASS_MMU_BATCH,
			 map ? AVQ_MMU_BATCH_MAP : AVQ_MMU_BATCH_UNMAP,
			 p->batch_buf, len);
		ret = prog_post(p, &c);
		if (ret == -E2BIG) {
			/* The engine was created with a smaller max_out than
			 * AVQ_MMU_PROG_BATCH_BYTES: halve, remember, retry.
			 */
			p->batch_bytes = sizeof(struct avq_mmu_batch_hdr) +
					 (len - sizeof(struct avq_mmu_batch_hdr)) / 2;
			AVQ_LOG(DEBUG, "vdev %" PRIu64 ": MMU_BATCH of %" PRIu32
				" bytes too big for the engine, trying %" PRIu32,
				p->dev_id, len, p->batch_bytes);
			continue;
		}
		if (ret < 0) {
			prog_fail(p, ret);
			break;
		}
		i += cnt;
	}
	return prog_wait(p);
}

static int
send_list(struct prog_run *p, const struct rte_avq_mmu_region *r,
	  unsigned int n, bool map)
{
	int ret;

	if (n == 0)
		return 0;
	switch (p->mode) {
	case RTE_AVQ_MMU_NAIVE:
		return send_naive(p, r, n, map);
	case RTE_AVQ_MMU_BATCHED:
		if (p->batch_class) {
			ret = send_batched(p, r, n, map);
			break;
		}
		/* fall through */
	default:
		ret = send_async(p, r, n, map);
		break;
	}
	if (ret < 0)
		AVQ_LOG(ERR, "vdev %" PRIu64 ": MMU %s of %u regions failed: %d",
			p->dev_id, map ? "map" : "unmap", n, ret);
	return ret;
}

/* BATCHED: does the device offer MMU_BATCH? Asked once per call, through
 * the engine, so that nothing global outlives a device (or a device reset).
 */
static int
prog_probe(struct prog_run *p)
{
	struct rte_avq_cmd c;
	rte_le64_t caps = 0;
	uint8_t ack = AVQ_ACK_ERR;
	uint32_t in_len = 0;
	int ret;

	RTE_BUILD_BUG_ON(AVQ_MMU_PROG_BATCH_BYTES > AVQ_MMU_PROG_DEV_OUT_MAX);
	p->batch_class = false;
	if (p->mode != RTE_AVQ_MMU_BATCHED)
		return 0;
	cmd_init(&c, AVQ_MGMT_DEVICE_ID, AVQ_CLASS_CAP, AVQ_CAP_GET, NULL, 0);
	c.in = &caps;
	c.in_len = sizeof(caps);
	ret = rte_avq_exec(p->e, &c, &ack, &in_len);
	if (ret < 0) {
		AVQ_LOG(ERR, "vdev %" PRIu64 ": CAP_GET failed: %d", p->dev_id,
			ret);
		return ret;
	}
	/* An RFC device without extensions: fall back to ASYNC. */
	if (ack == AVQ_ACK_OK && in_len >= sizeof(caps) &&
	    (avq_le64(caps) & RTE_BIT64(AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH))))
		p->batch_class = true;
	if (!p->batch_class)
		return 0;
	p->batch_buf = malloc(AVQ_MMU_PROG_BATCH_BYTES);
	if (p->batch_buf == NULL)
		return -ENOMEM;
	p->batch_bytes = AVQ_MMU_PROG_BATCH_BYTES;
	return 0;
}

/* Permissions the device accepts for DMA: READ and/or WRITE (DESIGN: no
 * access at all is malformed, MMIO is unsupported). The device also needs
 * end > start (virtio-iommu v0.7, MAP), so a 1-byte mapping can't exist.
 */
static int
list_check_send(const struct rte_avq_mmu_region *r, unsigned int n,
		uint64_t dev_id, bool map)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (r[i].len < 2 || (map && (r[i].perm == 0 ||
		    (r[i].perm & ~AVQ_MMU_PROG_PERM_MASK) != 0))) {
			AVQ_LOG(ERR, "vdev %" PRIu64 ": bad MMU region [0x%"
				PRIx64 " +0x%" PRIx64 "] perm 0x%" PRIx32,
				dev_id, r[i].iova, r[i].len, r[i].perm);
			return -EINVAL;
		}
	}
	return 0;
}

/* Copy and coalesce @p r; @p *out is malloc'ed (NULL when n is 0). */
static int
list_coalesced(const struct rte_avq_mmu_region *r, unsigned int n,
	       uint64_t dev_id, struct rte_avq_mmu_region **out)
{
	struct rte_avq_mmu_region *c;
	int ret;

	*out = NULL;
	if (n == 0)
		return 0;
	c = malloc(sizeof(*c) * n);
	if (c == NULL)
		return -ENOMEM;
	memcpy(c, r, sizeof(*c) * n);
	ret = rte_avq_mmu_coalesce(c, n);
	if (ret < 0) {
		AVQ_LOG(ERR, "vdev %" PRIu64 ": MMU region list of %u refused"
			" (overlap, empty or wrapping range)", dev_id, n);
		free(c);
		return ret;
	}
	*out = c;
	return ret;
}

static int
prog_args(struct rte_avq_engine *e, uint64_t dev_id,
	  enum rte_avq_mmu_mode mode)
{
	if (e == NULL)
		return -EINVAL;
	if (dev_id == AVQ_MGMT_DEVICE_ID) {
		/* RFC admin VQ: MMU commands target a managed device. */
		AVQ_LOG(ERR, "MMU programming needs a managed device, not 0");
		return -EINVAL;
	}
	if (mode != RTE_AVQ_MMU_NAIVE && mode != RTE_AVQ_MMU_ASYNC &&
	    mode != RTE_AVQ_MMU_BATCHED) {
		AVQ_LOG(ERR, "vdev %" PRIu64 ": unknown MMU mode %d", dev_id,
			(int)mode);
		return -EINVAL;
	}
	return 0;
}

static void
prog_init(struct prog_run *p, struct rte_avq_engine *e, uint64_t dev_id,
	  uint64_t asid, enum rte_avq_mmu_mode mode)
{
	memset(p, 0, sizeof(*p));
	p->e = e;
	p->dev_id = dev_id;
	p->asid = asid;
	p->mode = mode;
}

static uint64_t
cycles_to_ns(uint64_t c)
{
	uint64_t hz = rte_get_timer_hz();

	return hz == 0 ? 0 : (uint64_t)((double)c * 1e9 / (double)hz);
}

int
rte_avq_mmu_map_regions(struct rte_avq_engine *e, uint64_t dev_id,
			uint64_t asid, const struct rte_avq_mmu_region *r,
			unsigned int n, enum rte_avq_mmu_mode mode,
			struct rte_avq_mmu_prog_stats *st)
{
	struct rte_avq_mmu_region *list = NULL;
	struct prog_run p;
	uint64_t t0;
	int ret, cnt;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	ret = prog_args(e, dev_id, mode);
	if (ret < 0)
		return ret;
	if (n > 0 && r == NULL)
		return -EINVAL;
	prog_init(&p, e, dev_id, asid, mode);

	/* Refuse bad input before anything is sent, NAIVE included (its
	 * copy is only a check: NAIVE sends the list as given).
	 */
	cnt = list_coalesced(r, n, dev_id, &list);
	if (cnt <= 0)
		return cnt;
	ret = list_check_send(mode == RTE_AVQ_MMU_NAIVE ? r : list,
			      mode == RTE_AVQ_MMU_NAIVE ? n : (unsigned int)cnt,
			      dev_id, true);
	if (ret < 0)
		goto fail_list;

	t0 = rte_get_timer_cycles();
	ret = prog_probe(&p);
	if (ret < 0)
		goto fail_probe;
	if (mode == RTE_AVQ_MMU_NAIVE)
		ret = send_list(&p, r, n, true);
	else
		ret = send_list(&p, list, (unsigned int)cnt, true);
	if (st != NULL) {
		st->regions_in = n;
		st->regions = mode == RTE_AVQ_MMU_NAIVE ? n : (uint32_t)cnt;
		st->commands = p.commands;
		st->ns = cycles_to_ns(rte_get_timer_cycles() - t0);
	}
fail_probe:
	free(p.batch_buf);
fail_list:
	free(list);
	return ret;
}

/*
 * Stats of an update: regions_in = n_old + n_new as given, regions = the
 * unmaps plus maps the diff produced (what was sent), commands = the
 * UNMAP/MAP (or MMU_BATCH) commands sent. The CAP_GET probe of BATCHED mode
 * is not counted as a command, in either function.
 */
int
rte_avq_mmu_update(struct rte_avq_engine *e, uint64_t dev_id,
		   uint64_t asid, const struct rte_avq_mmu_region *old,
		   unsigned int n_old, const struct rte_avq_mmu_region *new_r,
		   unsigned int n_new, enum rte_avq_mmu_mode mode,
		   struct rte_avq_mmu_prog_stats *st)
{
	struct rte_avq_mmu_region *co = NULL, *cn = NULL;
	struct rte_avq_mmu_region *um = NULL, *mp = NULL;
	unsigned int n_um = 0, n_mp = 0;
	struct prog_run p;
	int ret, c_old, c_new;
	uint64_t t0;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	ret = prog_args(e, dev_id, mode);
	if (ret < 0)
		return ret;
	if ((n_old > 0 && old == NULL) || (n_new > 0 && new_r == NULL))
		return -EINVAL;
	prog_init(&p, e, dev_id, asid, mode);

	c_old = list_coalesced(old, n_old, dev_id, &co);
	if (c_old < 0)
		return c_old;
	c_new = list_coalesced(new_r, n_new, dev_id, &cn);
	if (c_new < 0) {
		ret = c_new;
		goto fail_new;
	}
	if (c_old > 0) {
		um = malloc(sizeof(*um) * (unsigned int)c_old);
		if (um == NULL) {
			ret = -ENOMEM;
			goto fail_um;
		}
	}
	if (c_new > 0) {
		mp = malloc(sizeof(*mp) * (unsigned int)c_new);
		if (mp == NULL) {
			ret = -ENOMEM;
			goto fail_mp;
		}
	}
	ret = rte_avq_mmu_diff(co, (unsigned int)c_old, cn, (unsigned int)c_new,
			       um, &n_um, mp, &n_mp);
	if (ret < 0)
		goto fail_diff;
	ret = list_check_send(um, n_um, dev_id, false);
	if (ret == 0)
		ret = list_check_send(mp, n_mp, dev_id, true);
	if (ret < 0)
		goto fail_diff;

	t0 = rte_get_timer_cycles();
	ret = prog_probe(&p);
	if (ret < 0)
		goto fail_probe;
	/* Unmaps first, all of them completed, so that a new mapping never
	 * meets an old one it overlaps (the device would refuse it: EXIST).
	 * Each send_list() waits for its own commands.
	 */
	ret = send_list(&p, um, n_um, false);
	if (ret == 0)
		ret = send_list(&p, mp, n_mp, true);
	if (st != NULL) {
		st->regions_in = n_old + n_new;
		st->regions = n_um + n_mp;
		st->commands = p.commands;
		st->ns = cycles_to_ns(rte_get_timer_cycles() - t0);
	}
fail_probe:
	free(p.batch_buf);
fail_diff:
	free(mp);
fail_mp:
	free(um);
fail_um:
	free(cn);
fail_new:
	free(co);
	return ret;
}
