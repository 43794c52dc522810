/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Driver memory as the device reaches it. The device touches nothing but
 * DMA windows (per management device, like a VFIO container) and, per
 * managed device, what its device MMU maps. A port's rings and every mbuf
 * it is given live somewhere in DPDK memory, so:
 *
 *  - DMA windows cover every populated segment of DPDK memory. They belong
 *    to the management device, so one set serves all its ports (counted
 *    here). Other users of the same management device (its admin-queue
 *    engine) have windows of their own inside DPDK memory: windows may not
 *    overlap, so the pages they cover are found by probing (a refused map
 *    is split in halves, page-aligned, down to single pages) and left out.
 *  - The device MMU of each port maps the same memory, iova as the driver
 *    writes it in descriptors (rte_mbuf_data_iova(), rte_malloc_virt2iova())
 *    to the DMA address, programmed in one batch at each start.
 *
 * Memory added after a start is mapped at the next start: the guide asks
 * for preallocated memory (--no-huge -m, --socket-mem, --legacy-mem).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "avq_ethdev.h"

/* Granularity of the probing (the engine's windows are whole pages). */
#define AVQ_MEM_PAGE	4096ull

struct avq_range {
	uint64_t va;
	uint64_t len;
};

struct avq_ranges {
	struct avq_range *r;
	unsigned int n;
	unsigned int cap;
};

struct avq_dma {
	TAILQ_ENTRY(avq_dma) next;
	const struct rte_avq_transport *t;
	unsigned int refs;
	bool dead;			/* the management device is gone */
	struct avq_ranges seen;		/* memory already looked at */
	struct avq_ranges win;		/* windows this driver made */
};

static TAILQ_HEAD(, avq_dma) avq_dmas = TAILQ_HEAD_INITIALIZER(avq_dmas);
static pthread_mutex_t avq_dma_lock = PTHREAD_MUTEX_INITIALIZER;

static int
ranges_add(struct avq_ranges *rs, uint64_t va, uint64_t len)
{
	struct avq_range *r;
	unsigned int cap;

	/* A piece that continues the last one extends it. */
	if (rs->n > 0 && rs->r[rs->n - 1].va + rs->r[rs->n - 1].len == va) {
		rs->r[rs->n - 1].len += len;
		return 0;
	}
	if (rs->n == rs->cap) {
		cap = rs->cap != 0 ? 2 * rs->cap : 16;
		r = realloc(rs->r, cap * sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n].va = va;
	rs->r[rs->n].len = len;
	rs->n++;
	return 0;
}

static void
ranges_free(struct avq_ranges *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

/* Whether [va, va + len) is inside one range of @p rs. */
static bool
ranges_cover(const struct avq_ranges *rs, uint64_t va, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		if (va >= rs->r[i].va && va - rs->r[i].va + len <= rs->r[i].len)
			return true;
	return false;
}

/* ---- Segments of DPDK memory ---- */

static int
chunk_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
	 size_t len, void *arg)
{
	RTE_SET_USED(msl);
	return ranges_add(arg, (uint64_t)(uintptr_t)ms->addr, len) < 0 ? -1 : 0;
}

struct seg_regions {
	const struct rte_avq_transport *t;
	struct rte_avq_mmu_region *r;
	unsigned int n;
	unsigned int cap;
};

static int
seg_cb(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
       void *arg)
{
	struct seg_regions *s = arg;
	struct rte_avq_mmu_region *r;
	unsigned int cap;

	RTE_SET_USED(msl);
	if (s->n == s->cap) {
		cap = s->cap != 0 ? 2 * s->cap : 64;
		r = realloc(s->r, cap * sizeof(*r));
		if (r == NULL)
			return -1;
		s->r = r;
		s->cap = cap;
	}
	r = &s->r[s->n++];
	r->iova = ms->iova != RTE_BAD_IOVA ? ms->iova :
		  (uint64_t)(uintptr_t)ms->addr;
	r->dma = s->t->ops->dma_addr(s->t->ctx, ms->addr);
	r->len = ms->len;
	r->perm = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	return 0;
}

/* ---- DMA windows ---- */

/*
 * Find the parts of [va, va + len) no other window covers: a map that is
 * refused with -EEXIST is split in two page-aligned halves; a single page
 * that is refused belongs to someone else. A successful probe is undone at
 * once, so that the free parts end up as few, maximal windows.
 */
static int
probe_free(const struct rte_avq_transport *t, uint64_t va, uint64_t len,
	   struct avq_ranges *free_r)
{
	uint64_t dma = t->ops->dma_addr(t->ctx, (void *)(uintptr_t)va);
	uint64_t half;
	int ret;

	ret = t->ops->dma_map(t->ctx, (void *)(uintptr_t)va, dma, len);
	if (ret == 0) {
		t->ops->dma_unmap(t->ctx, dma, len);
		return ranges_add(free_r, va, len);
	}
	if (ret != -EEXIST)
		return ret;
	if (len <= AVQ_MEM_PAGE)
		return 0;
	half = RTE_ALIGN_FLOOR(len / 2, AVQ_MEM_PAGE);
	if (half == 0)
		half = AVQ_MEM_PAGE;
	ret = probe_free(t, va, half, free_r);
	if (ret == 0)
		ret = probe_free(t, va + half, len - half, free_r);
	return ret;
}

/* Map the new parts of chunk [va, va + len) (not seen before). */
static int
dma_map_chunk(const char *who, struct avq_dma *d, uint64_t va, uint64_t len)
{
	const struct rte_avq_transport *t = d->t;
	struct avq_ranges free_r = { NULL, 0, 0 };
	int dev_log = rte_log_register("lib.avq_dev");
	int level = dev_log >= 0 ? rte_log_get_level(dev_log) : -1;
	unsigned int i;
	uint64_t dma;
	int ret;

	/* The device model logs every refused window as an error; here a
	 * refusal is the expected answer for pages other users mapped, so
	 * its errors are held back while probing (a few milliseconds). */
	if (level > (int)RTE_LOG_CRIT)
		rte_log_set_level(dev_log, RTE_LOG_CRIT);
	ret = probe_free(t, va, len, &free_r);
	if (level > (int)RTE_LOG_CRIT)
		rte_log_set_level(dev_log, (uint32_t)level);
	for (i = 0; i < free_r.n && ret == 0; i++) {
		dma = t->ops->dma_addr(t->ctx, (void *)(uintptr_t)free_r.r[i].va);
		ret = t->ops->dma_map(t->ctx, (void *)(uintptr_t)free_r.r[i].va,
				      dma, free_r.r[i].len);
		if (ret == 0)
			ret = ranges_add(&d->win, free_r.r[i].va, free_r.r[i].len);
		else
			AVQ_NET_LOG(ERR, who, "DMA window 0x%" PRIx64 "+0x%" PRIx64 ": %s",
				    free_r.r[i].va, free_r.r[i].len,
				    strerror(-ret));
	}
	if (ret == 0)
		ret = ranges_add(&d->seen, va, len);
	ranges_free(&free_r);
	return ret;
}

static void
dma_unmap_all(struct avq_dma *d)
{
	const struct rte_avq_transport *t = d->t;
	unsigned int i;

	for (i = 0; i < d->win.n; i++)
		t->ops->dma_unmap(t->ctx,
				  t->ops->dma_addr(t->ctx,
					(void *)(uintptr_t)d->win.r[i].va),
				  d->win.r[i].len);
	ranges_free(&d->win);
	ranges_free(&d->seen);
}

static struct avq_dma *
dma_get_locked(const struct rte_avq_transport *t)
{
	struct avq_dma *d;

	TAILQ_FOREACH(d, &avq_dmas, next)
		if (d->t == t)
			break;
	if (d == NULL) {
		d = calloc(1, sizeof(*d));
		if (d == NULL)
			return NULL;
		d->t = t;
		TAILQ_INSERT_TAIL(&avq_dmas, d, next);
	}
	d->refs++;
	return d;
}

static void
dma_put_locked(struct avq_dma *d, bool gone)
{
	/* A management device destroyed before its ports (the avq bus
	 * cleaned up first at exit) took its windows along: the transport
	 * is no more, only the bookkeeping is left. */
	if (gone && !d->dead) {
		d->dead = true;
		TAILQ_REMOVE(&avq_dmas, d, next);
	}
	if (--d->refs > 0)
		return;
	if (!d->dead) {
		TAILQ_REMOVE(&avq_dmas, d, next);
		dma_unmap_all(d);
	}
	ranges_free(&d->win);
	ranges_free(&d->seen);
	free(d);
}

/* ---- Ports ---- */

static int
mmu_regions(struct avq_port *p, const struct avq_ranges *chunks)
{
	struct seg_regions s = { .t = p->t };
	struct rte_avq_mmu_region *r;
	unsigned int i;
	int n;

	if (rte_eal_iova_mode() == RTE_IOVA_VA) {
		/* IOVA is the VA: whole contiguous chunks. */
		r = calloc(RTE_MAX(chunks->n, 1u), sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		for (i = 0; i < chunks->n; i++) {
			r[i].iova = chunks->r[i].va;
			r[i].dma = p->t->ops->dma_addr(p->t->ctx,
					(void *)(uintptr_t)chunks->r[i].va);
			r[i].len = chunks->r[i].len;
			r[i].perm = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
		}
		s.r = r;
		s.n = chunks->n;
	} else if (rte_memseg_walk(seg_cb, &s) != 0) {
		free(s.r);
		return -ENOMEM;
	}
	n = rte_avq_mmu_coalesce(s.r, s.n);
	if (n < 0) {
		AVQ_NET_LOG(ERR, p->name, "DPDK memory segments overlap in IOVA space");
		free(s.r);
		return n;
	}
	free(p->mmu);
	p->mmu = s.r;
	p->n_mmu = (unsigned int)n;
	return 0;
}

int
avq_mem_attach(struct avq_port *p)
{
	struct avq_ranges chunks = { NULL, 0, 0 };
	struct avq_dma *d;
	unsigned int i;
	uint64_t va, end, pg;
	int ret = 0;

	if (rte_memseg_contig_walk(chunk_cb, &chunks) != 0) {
		ranges_free(&chunks);
		return -ENOMEM;
	}
	pthread_mutex_lock(&avq_dma_lock);
	if (p->dma == NULL) {
		p->dma = dma_get_locked(p->t);
		if (p->dma == NULL) {
			pthread_mutex_unlock(&avq_dma_lock);
			ranges_free(&chunks);
			return -ENOMEM;
		}
	}
	d = p->dma;
	for (i = 0; i < chunks.n && ret == 0; i++) {
		/* Page by page, so that a chunk that grew since maps only
		 * its new pages (chunks are page-aligned). */
		va = chunks.r[i].va;
		end = va + chunks.r[i].len;
		while (va < end && ret == 0) {
			pg = va;
			while (pg < end && ranges_cover(&d->seen, pg, AVQ_MEM_PAGE))
				pg += AVQ_MEM_PAGE;
			va = pg;
			while (pg < end && !ranges_cover(&d->seen, pg, AVQ_MEM_PAGE))
				pg += AVQ_MEM_PAGE;
			if (pg > va)
				ret = dma_map_chunk(p->name, d, va, pg - va);
			va = pg;
		}
	}
	pthread_mutex_unlock(&avq_dma_lock);
	if (ret == 0)
		ret = mmu_regions(p, &chunks);
	ranges_free(&chunks);
	if (ret < 0)
		AVQ_NET_LOG(ERR, p->name, "cannot make DPDK memory reachable by the device: %s",
			    strerror(-ret));
	return ret;
}

int
avq_mem_mmu_program(struct avq_port *p)
{
	struct rte_avq_mmu_prog_stats st;
	int ret;

	ret = rte_avq_mmu_map_regions(p->engine, p->id, 0, p->mmu, p->n_mmu,
				      RTE_AVQ_MMU_BATCHED, &st);
	if (ret < 0) {
		AVQ_NET_LOG(ERR, p->name, "device MMU: mapping %u region(s): %s",
			    p->n_mmu, strerror(-ret));
		return ret;
	}
	AVQ_NET_LOG(DEBUG, p->name, "device MMU: %u region(s) in %u command(s), %" PRIu64 " ns",
		    st.regions, st.commands, st.ns);
	return 0;
}

void
avq_mem_detach(struct avq_port *p, bool gone)
{
	pthread_mutex_lock(&avq_dma_lock);
	if (p->dma != NULL)
		dma_put_locked(p->dma, gone);
	p->dma = NULL;
	pthread_mutex_unlock(&avq_dma_lock);
	free(p->mmu);
	p->mmu = NULL;
	p->n_mmu = 0;
}

uint64_t
avq_mem_iova(const void *va)
{
	rte_iova_t iova = rte_malloc_virt2iova(va);

	return iova != RTE_BAD_IOVA ? iova : (uint64_t)(uintptr_t)va;
}
