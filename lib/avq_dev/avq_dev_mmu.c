/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Device MMU of a managed device (RFC admin VQ, "Device MMU", class 13),
 * with the semantics the RFC leaves open taken from virtio-iommu v0.7
 * (seed 004), as decided in DESIGN section 4.
 *
 * Each managed device has up to params.max_asids address spaces, keyed by
 * a u64 ASID. A slot is taken by the first MAP into an ASID and given back
 * when its last mapping is removed, so max_asids bounds the ASIDs that hold
 * mappings, not the ASIDs virtqueues may name. Within one address space the
 * mappings are kept in an array sorted by iova_start; they are disjoint
 * (MAP refuses any intersection), so their iova_end values are sorted too
 * and a single binary search on iova_end answers lookup and overlap.
 *
 * MMU_MAP and MMU_UNMAP, and the batched forms of extension class 66
 * (MMU_BATCH), share one set of checks and one apply step each: a single
 * command is a batch of one. New mappings are merged into the array in one
 * pass and removals compact it in one pass, so a batch of n entries costs
 * O(n log n + count), not n array insertions.
 *
 * Memory comes from libc, not rte_malloc: the model also runs in a device
 * daemon, and mapping tables are per-device control-path state.
 *
 * Everything here runs on the device thread (see avq_dev_private.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "avq_dev_private.h"
#include "avq_dev_dp.h"

/* Initial size of a mapping array; it doubles up to params.max_mappings. */
#define AVQ_MMU_MAP_CAP_MIN	16u

/* Queue index that stands for "no virtqueue" in avq_vdev_translate(). */
#define AVQ_MMU_NO_QUEUE	0xffffu

/* ---- Address spaces and the interval array ---- */

static struct avq_mmu_as *
mmu_as_find(const struct avq_mmu *m, uint64_t asid)
{
	uint32_t i;

	/* Linear: num_as is small (params.max_asids, default 8). */
	for (i = 0; i < m->num_as; i++)
		if (m->as[i].asid == asid)
			return &m->as[i];
	return NULL;
}

/* Give an emptied slot back; slots [0, num_as) stay contiguous. */
static void
mmu_as_release(struct avq_mmu *m, struct avq_mmu_as *as)
{
	uint32_t idx = (uint32_t)(as - m->as);

	free(as->map);
	m->num_as--;
	if (idx != m->num_as)
		m->as[idx] = m->as[m->num_as];
	memset(&m->as[m->num_as], 0, sizeof(m->as[0]));
}

/*
 * First index whose iova_end >= @p iova (as->count when none). The array is
 * disjoint and sorted by start, so ends are sorted as well: every mapping
 * before the result lies entirely below @p iova.
 */
static uint32_t
mmu_lower_bound(const struct avq_mmu_as *as, uint64_t iova)
{
	uint32_t lo = 0, hi = as->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (as->map[mid].iova_end < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Mapping that contains @p iova, or NULL. */
static const struct avq_mmu_mapping *
mmu_lookup(const struct avq_mmu_as *as, uint64_t iova)
{
	uint32_t i = mmu_lower_bound(as, iova);

	if (i < as->count && as->map[i].iova_start <= iova)
		return &as->map[i];
	return NULL;
}

/*
 * Where [start, end] would be inserted; -EEXIST if it intersects a mapping.
 * Mappings before the returned index end below @p start; the one at the
 * index (if any) starts above @p end.
 */
static int
mmu_insert_pos(const struct avq_mmu_as *as, uint64_t start, uint64_t end,
	       uint32_t *pos)
{
	uint32_t i = mmu_lower_bound(as, start);

	if (i < as->count && as->map[i].iova_start <= end)
		return -EEXIST;
	*pos = i;
	return 0;
}

/* Make room for @p n more mappings; -ENOSPC past the limit, -ENOMEM. */
static int
mmu_reserve(struct avq_mmu_as *as, uint32_t max_mappings, uint32_t n)
{
	struct avq_mmu_mapping *p;
	uint64_t need = (uint64_t)as->count + n, ncap;

	if (need > max_mappings)
		return -ENOSPC;
	if (need <= as->cap)
		return 0;
	ncap = as->cap ? (uint64_t)as->cap * 2 : AVQ_MMU_MAP_CAP_MIN;
	if (ncap < need)
		ncap = need;
	if (ncap > max_mappings)
		ncap = max_mappings;
	p = realloc(as->map, ncap * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	as->map = p;
	as->cap = (uint32_t)ncap;
	return 0;
}

/*
 * Merge @p n sorted entries that intersect nothing (each checked with
 * mmu_insert_pos) into the array, whose room mmu_reserve() made: one pass
 * from the top, so a batch costs O(count + n), not n inserts.
 */
static void
mmu_merge(struct avq_mmu_as *as, const struct avq_mmu_mapping *e, uint32_t n)
{
	uint32_t i = as->count, j = n, k = as->count + n;

	while (j > 0) {
		if (i > 0 && as->map[i - 1].iova_start > e[j - 1].iova_start)
			as->map[--k] = as->map[--i];
		else
			as->map[--k] = e[--j];
	}
	/* map[0, i) did not move: it lies below every new entry. */
	as->count += n;
}

/* An inclusive IOVA range of an UNMAP request. */
struct mmu_range {
	uint64_t start;
	uint64_t end;
};

/*
 * Remove every mapping that intersects one of @p n sorted, disjoint ranges,
 * whole (RFC admin VQ, MMU_UNMAP: "unmap all the mapped I/O Virtual Address
 * ranges that are intersected with the range"; a mapping is never split).
 * One compaction pass from the first candidate. Returns how many.
 */
static uint32_t
mmu_remove_ranges(struct avq_mmu_as *as, const struct mmu_range *r,
		  uint32_t n)
{
	uint32_t i = mmu_lower_bound(as, r[0].start), k = i, j = 0, removed;
	const struct avq_mmu_mapping *e;

	for (; i < as->count; i++) {
		e = &as->map[i];
		/* Ranges wholly below this mapping are below every later
		 * one too (both sides are sorted and disjoint). */
		while (j < n && r[j].end < e->iova_start)
			j++;
		if (j == n)
			break;
		if (r[j].start <= e->iova_end)
			continue;	/* intersects: dropped */
		if (k != i)
			as->map[k] = *e;
		k++;
	}
	if (i < as->count && k != i)
		memmove(&as->map[k], &as->map[i],
			(size_t)(as->count - i) * sizeof(as->map[0]));
	k += as->count - i;
	removed = as->count - k;
	as->count = k;
	return removed;
}

/* ---- Life cycle ---- */

int
avq_mmu_init(struct rte_avq_dev *d, struct avq_mmu *m)
{
	memset(m, 0, sizeof(*m));
	if (d->params.max_asids == 0)
		return 0;
	m->as = calloc(d->params.max_asids, sizeof(m->as[0]));
	if (m->as == NULL) {
		AVQ_DEV_LOG(ERR, d, "no memory for %" PRIu32 " MMU address spaces",
			    d->params.max_asids);
		return -ENOMEM;
	}
	return 0;
}

void
avq_mmu_reset(struct avq_mmu *m)
{
	uint32_t i;

	/* RFC admin VQ, Device MMU: "The device MMU for the virtual device
	 * MUST be disabled upon its reset". DESIGN: the reset also drops the
	 * mappings of every ASID and the recorded error, so a reset device
	 * starts from nothing (and MMU_ERR_GET reports no error again).
	 */
	for (i = 0; i < m->num_as; i++) {
		free(m->as[i].map);
		memset(&m->as[i], 0, sizeof(m->as[i]));
	}
	m->num_as = 0;
	m->enabled = false;
	memset(&m->err, 0, sizeof(m->err));
	m->err_valid = false;
	m->gen++;
}

void
avq_mmu_fini(struct avq_mmu *m)
{
	avq_mmu_reset(m);
	free(m->as);
	m->as = NULL;
}

uint32_t
avq_mmu_count(const struct avq_mmu *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < m->num_as; i++)
		n += m->as[i].count;
	return n;
}

/* ---- Shared request checks (MMU_MAP/UNMAP and MMU_BATCH) ---- */

static bool
mmu_hits_resv(uint64_t start, uint64_t end)
{
	return start <= AVQ_MMU_RESV_MSI_END && end >= AVQ_MMU_RESV_MSI_START;
}

/*
 * Range rule of MAP and UNMAP. @p what and @p idx name the request in the
 * log (the command, and the entry of a batch).
 */
static uint8_t
mmu_range_check(const struct avq_cmd_ctx *c, const char *what, uint32_t idx,
		uint64_t start, uint64_t end)
{
	/* virtio-iommu v0.7, MAP: "virt_end MUST be strictly greater than
	 * virt_start" (DESIGN); covers empty and inverted ranges. The same
	 * rule holds for UNMAP.
	 */
	if (end <= start) {
		AVQ_DEV_LOG(DEBUG, c->dev, "vdev %" PRIu64 ": %s entry %" PRIu32
			    ": bad range [0x%" PRIx64 ", 0x%" PRIx64 "]",
			    c->vdev->id, what, idx, start, end);
		return AVQ_ACK_INVAL;
	}
	return AVQ_ACK_OK;
}

/* Everything a new mapping must satisfy on its own. */
static uint8_t
mmu_map_check(const struct avq_cmd_ctx *c, const char *what, uint32_t idx,
	      const struct avq_mmu_mapping *e)
{
	struct rte_avq_dev *d = c->dev;
	uint64_t id = c->vdev->id;
	uint8_t ack;

	ack = mmu_range_check(c, what, idx, e->iova_start, e->iova_end);
	if (ack != AVQ_ACK_OK)
		return ack;
	/* virtio-iommu v0.7: "If a flag or combination of flag isn't
	 * supported, the device MAY set ... VIRTIO_IOMMU_S_UNSUPP"; creating
	 * a mapping with flags the device does not understand "may introduce
	 * a security hazard".
	 */
	if (e->flags & ~AVQ_MMU_F_MASK) {
		AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s entry %" PRIu32
			    ": unknown flags 0x%" PRIx32, id, what, idx,
			    e->flags);
		return AVQ_ACK_UNSUPP;
	}
	/* A mapping that allows neither reads nor writes is useless to a
	 * device that only does DMA: treat it as a malformed request.
	 */
	if (!(e->flags & (AVQ_MMU_F_READ | AVQ_MMU_F_WRITE))) {
		AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s entry %" PRIu32
			    ": flags 0x%" PRIx32 " allow no access", id, what,
			    idx, e->flags);
		return AVQ_ACK_INVAL;
	}
	/* virtio-iommu v0.7: "Unless needed by mapped MSIs, the device isn't
	 * required to support the MMIO flag". This device reports its MSI
	 * doorbell as a reserved region instead and maps no device registers.
	 * EXEC is accepted and has no effect: the device never executes.
	 */
	if (e->flags & AVQ_MMU_F_MMIO) {
		AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s entry %" PRIu32
			    ": MMIO unsupported", id, what, idx);
		return AVQ_ACK_UNSUPP;
	}
	/* The DMA range [dma_start, dma_start + (end - start)] must exist. */
	if (e->dma_start > UINT64_MAX - (e->iova_end - e->iova_start)) {
		AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s entry %" PRIu32
			    ": DMA range wraps", id, what, idx);
		return AVQ_ACK_RANGE;
	}
	/* virtio-iommu v0.7, RESV_MEM: the driver "should neither use these
	 * virtual addresses in a MAP request"; DESIGN: they cannot be mapped.
	 */
	if (mmu_hits_resv(e->iova_start, e->iova_end)) {
		AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s entry %" PRIu32
			    ": hits the reserved MSI region", id, what, idx);
		return AVQ_ACK_RANGE;
	}
	return AVQ_ACK_OK;
}

/*
 * Map @p n entries into @p asid, all or nothing. The entries passed
 * mmu_map_check(), are sorted by iova_start and do not intersect each
 * other. Nothing changes unless the ack is OK.
 */
static uint8_t
mmu_map_apply(struct avq_cmd_ctx *c, const char *what, uint64_t asid,
	      const struct avq_mmu_mapping *e, uint32_t n)
{
	struct rte_avq_dev *d = c->dev;
	struct avq_vdev *v = c->vdev;
	struct avq_mmu *m = &v->mmu;
	struct avq_mmu_as *as;
	bool new_as = false;
	uint32_t i, pos;
	int ret;

	as = mmu_as_find(m, asid);
	if (as != NULL) {
		/* RFC admin VQ, Device MMU: "MUST fail the
		 * VIRTIO_ADMIN_VQ_CTRL_MMU_MAP command if the iova range is
		 * intersected with a existing range". A binary search per
		 * entry: O(n log count).
		 */
		for (i = 0; i < n; i++) {
			if (mmu_insert_pos(as, e[i].iova_start, e[i].iova_end,
					   &pos) == 0)
				continue;
			AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s [0x%" PRIx64
				    ", 0x%" PRIx64 "] overlaps in ASID %" PRIu64,
				    v->id, what, e[i].iova_start,
				    e[i].iova_end, asid);
			return AVQ_ACK_EXIST;
		}
	} else {
		if (m->num_as >= d->params.max_asids) {
			AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s: %" PRIu32
				    " ASIDs in use, no room for ASID %" PRIu64,
				    v->id, what, m->num_as, asid);
			return AVQ_ACK_NOSPC;
		}
		as = &m->as[m->num_as];
		memset(as, 0, sizeof(*as));
		as->asid = asid;
		as->used = true;
		m->num_as++;
		new_as = true;
	}

	ret = mmu_reserve(as, d->params.max_mappings, n);
	if (ret < 0) {
		if (ret == -ENOMEM)
			AVQ_DEV_LOG(ERR, d, "vdev %" PRIu64 ": no memory for MMU"
				    " mappings", v->id);
		else
			AVQ_DEV_LOG(DEBUG, d, "vdev %" PRIu64 ": %s: ASID %"
				    PRIu64 " holds %" PRIu32 " mappings, %"
				    PRIu32 " more exceed the limit %" PRIu32,
				    v->id, what, asid, as->count, n,
				    d->params.max_mappings);
		/* Failure leaves the table as it was. */
		if (new_as)
			mmu_as_release(m, as);
		return AVQ_ACK_NOSPC;
	}
	mmu_merge(as, e, n);
	m->gen++;
	return AVQ_ACK_OK;
}

/*
 * Remove from @p asid every mapping that intersects one of @p n sorted,
 * disjoint ranges (each passed mmu_range_check()).
 */
static void
mmu_unmap_apply(struct avq_cmd_ctx *c, uint64_t asid,
		const struct mmu_range *r, uint32_t n)
{
	struct avq_mmu *m = &c->vdev->mmu;
	struct avq_mmu_as *as = mmu_as_find(m, asid);

	/* virtio-iommu v0.7 semantics: unmapping nothing (including an ASID
	 * that holds no mapping) succeeds.
	 */
	if (as == NULL)
		return;
	/* Cached translations may name what goes: drop them all. */
	m->gen++;
	mmu_remove_ranges(as, r, n);
	if (as->count == 0)
		mmu_as_release(m, as);
}

/* ---- AQ handlers (class AVQ_CLASS_MMU, AVQ_CLASS_MMU_RESV) ---- */

uint8_t
avq_cmd_mmu_enable(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	uint8_t on;

	if (c->out_len != 1)
		return AVQ_ACK_INVAL;
	on = c->out[0];
	/* RFC admin VQ, MMU_ENABLE says "0 means to enable and 1 means to
	 * disable"; DESIGN resolves every enable byte as 1 = enable,
	 * 0 = disable. Any other value is a malformed command.
	 */
	if (on > 1) {
		AVQ_DEV_LOG(DEBUG, c->dev, "vdev %" PRIu64 ": MMU_ENABLE value %u",
			    v->id, on);
		return AVQ_ACK_INVAL;
	}
	/* Disabling keeps the mappings: the RFC clears the device MMU only
	 * on reset ("MUST be disabled upon its reset"), and a driver that
	 * turns translation off and on again (e.g. around a live update)
	 * finds its table as it left it. Only avq_mmu_reset() drops them.
	 */
	if (v->mmu.enabled != (on == 1))
		v->mmu.gen++;
	v->mmu.enabled = on == 1;
	return AVQ_ACK_OK;
}

uint8_t
avq_cmd_mmu_asid_set(struct avq_cmd_ctx *c)
{
	struct avq_vdev *v = c->vdev;
	struct avq_mmu_asid_set req;
	uint16_t q;

	if (c->out_len != sizeof(req))
		return AVQ_ACK_INVAL;
	memcpy(&req, c->out, sizeof(req));
	q = rte_le_to_cpu_16(req.queue_index);
	if (q >= v->num_queues) {
		AVQ_DEV_LOG(DEBUG, c->dev,
			    "vdev %" PRIu64 ": MMU_ASID_SET queue %u of %u",
			    v->id, q, v->num_queues);
		return AVQ_ACK_RANGE;
	}
	/* No slot is taken here: an ASID needs one only once it holds
	 * mappings; a queue in an empty ASID faults on every access.
	 */
	v->vq[q].asid = rte_le_to_cpu_64(req.asid);
	v->mmu.gen++;
	return AVQ_ACK_OK;
}

/*
 * MMU_MAP / MMU_UNMAP out-data: the RFC layout of @p rfc_len bytes (ASID 0),
 * or the same followed by a le64 ASID (DESIGN extension). Anything in
 * between is malformed: false.
 */
static bool
mmu_req_get(const struct avq_cmd_ctx *c, void *req, size_t rfc_len,
	    uint64_t *asid)
{
	rte_le64_t a;

	if (c->out_len != rfc_len && c->out_len != rfc_len + sizeof(a))
		return false;
	memcpy(req, c->out, rfc_len);
	*asid = 0;
	if (c->out_len > rfc_len) {
		memcpy(&a, c->out + rfc_len, sizeof(a));
		*asid = rte_le_to_cpu_64(a);
	}
	return true;
}

uint8_t
avq_cmd_mmu_map(struct avq_cmd_ctx *c)
{
	struct avq_mmu_map req;
	struct avq_mmu_mapping e;
	uint64_t asid;
	uint8_t ack;

	if (!mmu_req_get(c, &req, sizeof(req), &asid))
		return AVQ_ACK_INVAL;
	e.iova_start = rte_le_to_cpu_64(req.iova_start);
	e.iova_end = rte_le_to_cpu_64(req.iova_end);
	e.dma_start = rte_le_to_cpu_64(req.dma_start);
	e.flags = rte_le_to_cpu_32(req.flags);

	ack = mmu_map_check(c, "MMU_MAP", 0, &e);
	if (ack != AVQ_ACK_OK)
		return ack;
	return mmu_map_apply(c, "MMU_MAP", asid, &e, 1);
}

uint8_t
avq_cmd_mmu_unmap(struct avq_cmd_ctx *c)
{
	struct avq_mmu_unmap req;
	struct mmu_range r;
	uint64_t asid;
	uint8_t ack;

	if (!mmu_req_get(c, &req, sizeof(req), &asid))
		return AVQ_ACK_INVAL;
	r.start = rte_le_to_cpu_64(req.iova_start);
	r.end = rte_le_to_cpu_64(req.iova_end);

	ack = mmu_range_check(c, "MMU_UNMAP", 0, r.start, r.end);
	if (ack != AVQ_ACK_OK)
		return ack;
	mmu_unmap_apply(c, asid, &r, 1);
	return AVQ_ACK_OK;
}

uint8_t
avq_cmd_mmu_err_get(struct avq_cmd_ctx *c)
{
	const struct avq_mmu *m = &c->vdev->mmu;

	if (c->in_cap < sizeof(m->err))
		return AVQ_ACK_INVAL;
	/* RFC admin VQ: "The driver MAY query the error of device MMU after
	 * DEVICE_MMU_FAIL is set"; with nothing recorded, reason is 0.
	 */
	if (m->err_valid)
		memcpy(c->in, &m->err, sizeof(m->err));
	else
		memset(c->in, 0, sizeof(m->err));
	c->in_len = sizeof(m->err);
	return AVQ_ACK_OK;
}

uint8_t
avq_cmd_mmu_resv_get(struct avq_cmd_ctx *c)
{
	struct avq_mmu_resv_hdr hdr;
	struct avq_mmu_resv r;
	uint32_t n = 1;

	if (c->in_cap < sizeof(hdr))
		return AVQ_ACK_INVAL;
	/* virtio-iommu v0.7, PROBE RESV_MEM: the MSI doorbell is reported as
	 * a VIRTIO_IOMMU_RESV_MEM_T_MSI region. count is the total; the
	 * entries that fit in the buffer follow, so a driver can size it.
	 */
	memset(&hdr, 0, sizeof(hdr));
	hdr.count = rte_cpu_to_le_32(n);
	memcpy(c->in, &hdr, sizeof(hdr));
	c->in_len = sizeof(hdr);

	if (c->in_cap - c->in_len >= sizeof(r)) {
		memset(&r, 0, sizeof(r));
		r.start = rte_cpu_to_le_64(AVQ_MMU_RESV_MSI_START);
		r.end = rte_cpu_to_le_64(AVQ_MMU_RESV_MSI_END);
		r.subtype = AVQ_MMU_RESV_T_MSI;
		memcpy(c->in + c->in_len, &r, sizeof(r));
		c->in_len += sizeof(r);
	}
	return AVQ_ACK_OK;
}

/* ---- Batched map / unmap (extension class AVQ_CLASS_MMU_BATCH) ---- */

/*
 * Head of a batch: out-data is the head and exactly count entries of
 * @p entry bytes. count 0 and non-zero reserved fields are malformed. The
 * count is bounded by the device's 64 KiB out-data limit (AVQ_AQ_OUT_MAX):
 * a longer chain is malformed before it gets here. On success *arr holds
 * room for the count entries decoded into @p elem bytes each.
 */
static uint8_t
mmu_batch_hdr(const struct avq_cmd_ctx *c, const char *what, size_t entry,
	      uint64_t *asid, uint32_t *n, size_t elem, void **arr)
{
	struct avq_mmu_batch_hdr h;

	if (c->out_len < sizeof(h))
		return AVQ_ACK_INVAL;
	memcpy(&h, c->out, sizeof(h));
	*n = rte_le_to_cpu_32(h.count);
	*asid = rte_le_to_cpu_64(h.asid);
	if (*n == 0 || h.reserved != 0 ||
	    (uint64_t)*n * entry != c->out_len - sizeof(h)) {
		AVQ_DEV_LOG(DEBUG, c->dev, "vdev %" PRIu64 ": %s: count %" PRIu32
			    ", reserved 0x%" PRIx32 ", %" PRIu32 " bytes of"
			    " entries", c->vdev->id, what, *n,
			    rte_le_to_cpu_32(h.reserved),
			    c->out_len - (uint32_t)sizeof(h));
		return AVQ_ACK_INVAL;
	}
	/* The handler's decoded copy of the @p n entries (freed by it). */
	*arr = malloc((size_t)*n * elem);
	if (*arr == NULL) {
		AVQ_DEV_LOG(ERR, c->dev, "vdev %" PRIu64 ": %s: no memory for %"
			    PRIu32 " entries", c->vdev->id, what, *n);
		return AVQ_ACK_NOSPC;
	}
	return AVQ_ACK_OK;
}

static int
mmu_mapping_cmp(const void *a, const void *b)
{
	const struct avq_mmu_mapping *x = a, *y = b;

	return x->iova_start < y->iova_start ? -1 :
	       x->iova_start > y->iova_start;
}

static int
mmu_range_cmp(const void *a, const void *b)
{
	const struct mmu_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

uint8_t
avq_cmd_mmu_batch_map(struct avq_cmd_ctx *c)
{
	static const char what[] = "MMU_BATCH_MAP";
	struct avq_mmu_batch_map w;
	struct avq_mmu_mapping *e;
	bool sorted = true;
	uint32_t n, i;
	uint64_t asid;
	uint8_t ack;

	ack = mmu_batch_hdr(c, what, sizeof(w), &asid, &n, sizeof(*e),
			    (void **)&e);
	if (ack != AVQ_ACK_OK)
		return ack;
	/* All or nothing: every entry is checked before anything changes,
	 * with the rules of a single MMU_MAP.
	 */
	for (i = 0; i < n; i++) {
		memcpy(&w, c->out + sizeof(struct avq_mmu_batch_hdr) +
		       (size_t)i * sizeof(w), sizeof(w));
		if (w.reserved != 0) {
			AVQ_DEV_LOG(DEBUG, c->dev, "vdev %" PRIu64 ": %s entry %"
				    PRIu32 ": reserved 0x%" PRIx32, c->vdev->id,
				    what, i, rte_le_to_cpu_32(w.reserved));
			ack = AVQ_ACK_INVAL;
			goto out;
		}
		e[i].iova_start = rte_le_to_cpu_64(w.iova_start);
		e[i].iova_end = rte_le_to_cpu_64(w.iova_end);
		e[i].dma_start = rte_le_to_cpu_64(w.dma_start);
		e[i].flags = rte_le_to_cpu_32(w.flags);
		ack = mmu_map_check(c, what, i, &e[i]);
		if (ack != AVQ_ACK_OK)
			goto out;
		if (i > 0 && e[i].iova_start < e[i - 1].iova_start)
			sorted = false;
	}
	/* Drivers usually send ascending IOVAs: sort only when not. */
	if (!sorted)
		qsort(e, n, sizeof(*e), mmu_mapping_cmp);
	/* Entries of one batch may not intersect each other either: they
	 * would intersect an existing mapping if sent one by one.
	 */
	for (i = 1; i < n; i++) {
		if (e[i].iova_start > e[i - 1].iova_end)
			continue;
		AVQ_DEV_LOG(DEBUG, c->dev, "vdev %" PRIu64 ": %s: [0x%" PRIx64
			    ", 0x%" PRIx64 "] and [0x%" PRIx64 ", 0x%" PRIx64
			    "] intersect", c->vdev->id, what, e[i - 1].iova_start,
			    e[i - 1].iova_end, e[i].iova_start, e[i].iova_end);
		ack = AVQ_ACK_EXIST;
		goto out;
	}
	ack = mmu_map_apply(c, what, asid, e, n);
out:
	free(e);
	return ack;
}

uint8_t
avq_cmd_mmu_batch_unmap(struct avq_cmd_ctx *c)
{
	static const char what[] = "MMU_BATCH_UNMAP";
	struct avq_mmu_batch_unmap w;
	struct mmu_range *r;
	bool sorted = true;
	uint32_t n, i, k;
	uint64_t asid;
	uint8_t ack;

	ack = mmu_batch_hdr(c, what, sizeof(w), &asid, &n, sizeof(*r),
			    (void **)&r);
	if (ack != AVQ_ACK_OK)
		return ack;
	for (i = 0; i < n; i++) {
		memcpy(&w, c->out + sizeof(struct avq_mmu_batch_hdr) +
		       (size_t)i * sizeof(w), sizeof(w));
		r[i].start = rte_le_to_cpu_64(w.iova_start);
		r[i].end = rte_le_to_cpu_64(w.iova_end);
		ack = mmu_range_check(c, what, i, r[i].start, r[i].end);
		if (ack != AVQ_ACK_OK)
			goto out;
		if (i > 0 && r[i].start < r[i - 1].start)
			sorted = false;
	}
	if (!sorted)
		qsort(r, n, sizeof(*r), mmu_range_cmp);
	/* Ranges may overlap (unmapping twice is harmless): fold them into
	 * sorted, disjoint ranges for the single removal pass.
	 */
	for (i = 1, k = 0; i < n; i++) {
		if (r[i].start <= r[k].end) {
			r[k].end = RTE_MAX(r[k].end, r[i].end);
			continue;
		}
		r[++k] = r[i];
	}
	mmu_unmap_apply(c, asid, r, k + 1);
out:
	free(r);
	return ack;
}


/* ---- Translation (data path of a managed device) ---- */

static void *
mmu_fault(struct avq_vdev *v, uint16_t q, uint64_t asid, uint64_t iova,
	  uint64_t iova_end, uint32_t access, uint32_t reason)
{
	struct avq_mmu *m = &v->mmu;
	uint8_t old = v->status;

	/* MMU_ERR_GET reports the first failure since reset: later faults
	 * are usually consequences of the first one.
	 */
	if (!m->err_valid) {
		m->err.reason = rte_cpu_to_le_32(reason);
		m->err.queue_index = rte_cpu_to_le_16(q);
		m->err.asid = rte_cpu_to_le_64(asid);
		m->err.iova_start = rte_cpu_to_le_64(iova);
		m->err.iova_end = rte_cpu_to_le_64(iova_end);
		m->err.flags = rte_cpu_to_le_32(access);
		m->err_valid = true;
		AVQ_DEV_LOG(NOTICE, v->dev, "vdev %" PRIu64 ": MMU fault: %s"
			    " queue %u ASID %" PRIu64 " [0x%" PRIx64 ", 0x%"
			    PRIx64 "] access 0x%" PRIx32,
			    v->id, reason == AVQ_MMU_ERR_ACC_VIOLATION ?
			    "access violation" : "no mapping",
			    q, asid, iova, iova_end, access);
	}
	/* RFC admin VQ, Device MMU: "MUST set both DEVICE_NEEDS_RESET and
	 * DEVICE_MMU_FAIL when the device MMU fails to do the translation".
	 * The config interrupt tells the driver once (virtio 2.1.2: the
	 * device sends a configuration change notification on NEEDS_RESET).
	 */
	v->status |= AVQ_STATUS_DEVICE_MMU_FAIL | AVQ_STATUS_DEVICE_NEEDS_RESET;
	if (!(old & AVQ_STATUS_DEVICE_NEEDS_RESET))
		avq_msi_raise(v->dev, &v->config_msi);
	return NULL;
}

void *
avq_vdev_translate(struct avq_vdev *v, uint16_t q, uint64_t iova,
		   uint64_t len, uint32_t access)
{
	const struct avq_mmu *m = &v->mmu;
	const struct avq_mmu_mapping *e;
	const struct avq_mmu_as *as;
	uint64_t asid = 0, end, dma;
	void *va;

	/* A queue index out of range (AVQ_MMU_NO_QUEUE included) is an
	 * access on behalf of no virtqueue: it uses ASID 0, the ASID every
	 * queue starts in (RFC: "reset the Address Space ID for each
	 * virtqueue to 0").
	 */
	if (q != AVQ_MMU_NO_QUEUE && q < v->num_queues)
		asid = v->vq[q].asid;

	if (len == 0)
		return mmu_fault(v, q, asid, iova, iova, access,
				 AVQ_MMU_ERR_NON_EXIST);
	if (iova > UINT64_MAX - (len - 1))
		return mmu_fault(v, q, asid, iova, UINT64_MAX, access,
				 AVQ_MMU_ERR_NON_EXIST);
	end = iova + (len - 1);

	if (!m->enabled) {
		/* MMU off: the address is a DMA address (RFC: the driver
		 * then provides isolation by transport means).
		 */
		va = avq_dma_to_va(v->dev, iova, len);
		if (va == NULL)
			return mmu_fault(v, q, asid, iova, end, access,
					 AVQ_MMU_ERR_NON_EXIST);
		return va;
	}

	as = mmu_as_find(m, asid);
	e = as != NULL ? mmu_lookup(as, iova) : NULL;
	/* The whole access must lie in one mapping: adjacent mappings need
	 * not be contiguous in DMA space.
	 */
	if (e == NULL || end > e->iova_end)
		return mmu_fault(v, q, asid, iova, end, access,
				 AVQ_MMU_ERR_NON_EXIST);
	/* virtio-iommu v0.7: "MUST NOT allow writes to a range mapped without
	 * the VIRTIO_IOMMU_MAP_F_WRITE flag"; reads of a write-only range MAY
	 * be allowed (write-only may imply read-write, read-only never does).
	 */
	if (((access & AVQ_MMU_F_WRITE) && !(e->flags & AVQ_MMU_F_WRITE)) ||
	    ((access & AVQ_MMU_F_READ) &&
	     !(e->flags & (AVQ_MMU_F_READ | AVQ_MMU_F_WRITE))))
		return mmu_fault(v, q, asid, iova, end, access,
				 AVQ_MMU_ERR_ACC_VIOLATION);
	dma = e->dma_start + (iova - e->iova_start);
	va = avq_dma_to_va(v->dev, dma, len);
	if (va == NULL)
		return mmu_fault(v, q, asid, iova, end, access,
				 AVQ_MMU_ERR_NON_EXIST);
	return va;
}

/* ---- Datapath: cached translation (avq_dev_dp.h) ---- */

/* The queue's ASID, as avq_vdev_translate() chooses it. */
static uint64_t
mmu_queue_asid(const struct avq_vdev *v, uint16_t q)
{
	return q != AVQ_MMU_NO_QUEUE && q < v->num_queues ? v->vq[q].asid : 0;
}

bool
avq_vdev_xlate_fill(struct avq_vdev *v, uint16_t q, uint64_t iova,
		    uint64_t len, uint32_t access, struct avq_xc *xc)
{
	const struct avq_mmu *m = &v->mmu;
	const struct avq_dma_window *w;
	const struct avq_mmu_mapping *e;
	const struct avq_mmu_as *as;
	uint64_t asid = mmu_queue_asid(v, q), end, dma, below, above;

	avq_xc_clear(xc);
	/* Callers reject wrapping ranges first; saturate for the record. */
	end = len == 0 ? iova : (iova > UINT64_MAX - (len - 1) ? UINT64_MAX :
				 iova + (len - 1));
	if (!m->enabled) {
		/* MMU off: IOVAs are DMA addresses; the window is the region. */
		w = avq_dma_window(v->dev, iova);
		if (w == NULL) {
			mmu_fault(v, q, asid, iova, end, access,
				  AVQ_MMU_ERR_NON_EXIST);
			return false;
		}
		xc->start = w->dma;
		xc->last = w->dma + (w->len - 1);
		xc->va = w->va;
		xc->access = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
		return true;
	}
	as = mmu_as_find(m, asid);
	e = as != NULL ? mmu_lookup(as, iova) : NULL;
	if (e == NULL) {
		mmu_fault(v, q, asid, iova, end, access, AVQ_MMU_ERR_NON_EXIST);
		return false;
	}
	/* The rule of avq_vdev_translate(): read-only never allows writes,
	 * write-only allows reads too (virtio-iommu v0.7). */
	if (((access & AVQ_MMU_F_WRITE) && !(e->flags & AVQ_MMU_F_WRITE)) ||
	    ((access & AVQ_MMU_F_READ) &&
	     !(e->flags & (AVQ_MMU_F_READ | AVQ_MMU_F_WRITE)))) {
		mmu_fault(v, q, asid, iova, end, access,
			  AVQ_MMU_ERR_ACC_VIOLATION);
		return false;
	}
	dma = e->dma_start + (iova - e->iova_start);
	w = avq_dma_window(v->dev, dma);
	if (w == NULL) {
		mmu_fault(v, q, asid, iova, end, access, AVQ_MMU_ERR_NON_EXIST);
		return false;
	}
	/* The region both the mapping and the window cover around iova. */
	below = RTE_MIN(iova - e->iova_start, dma - w->dma);
	above = RTE_MIN(e->iova_end - iova, w->dma + (w->len - 1) - dma);
	xc->start = iova - below;
	xc->last = iova + above;
	xc->va = w->va + (dma - w->dma) - below;
	xc->access = (e->flags & AVQ_MMU_F_WRITE) ?
		     AVQ_MMU_F_READ | AVQ_MMU_F_WRITE : AVQ_MMU_F_READ;
	return true;
}

void *
avq_vdev_map_range(struct avq_vdev *v, uint16_t q, uint64_t iova,
		   uint64_t len, uint32_t access, bool *not_contig)
{
	uint8_t *base = NULL, *p;
	uint64_t done = 0, n;
	struct avq_xc xc;

	*not_contig = false;
	/* An empty or wrapping range: what avq_vdev_translate() says. */
	if (len == 0 || iova > UINT64_MAX - (len - 1))
		return avq_vdev_translate(v, q, iova, len, access);
	while (done < len) {
		if (!avq_vdev_xlate_fill(v, q, iova + done, len - done, access,
					 &xc))
			return NULL;
		n = 0;
		p = avq_xc_hit(&xc, iova + done, len - done, access, &n);
		if (p == NULL)	/* cannot happen: the fill covers iova */
			return NULL;
		if (base == NULL) {
			base = p;
		} else if (p != base + done) {
			/* Adjacent mappings that are not adjacent in host
			 * memory: fine for buffers, not for a ring. */
			*not_contig = true;
			return NULL;
		}
		done += n;
	}
	return base;
}
