/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * The frontend's memory as the managed device sees it: one DMA window per
 * vhost memory region (the region's mapping in this process), and device
 * MMU mappings from its guest-physical addresses to those windows, so the
 * frontend's descriptors are used unchanged.
 *
 * A memory-table change (vhost: dev_close, SET_MEM_TABLE, dev_conf) costs
 * only the difference: windows that did not change stay, and the device
 * MMU gets the unmaps and maps rte_avq_mmu_update() computes from the old
 * and new coalesced lists, batched when the device offers MMU_BATCH.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "avq_vdpa.h"
#include "rte_avq_cmd.h"
#include "rte_avq_wire.h"

static bool
win_in(const struct rte_avq_mmu_region *w, unsigned int n,
       const struct rte_avq_mmu_region *x)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (w[i].iova == x->iova && w[i].dma == x->dma &&
		    w[i].len == x->len)
			return true;
	return false;
}

static void
win_unmap_all(struct avq_vdpa *a)
{
	unsigned int i;

	for (i = 0; i < a->mem.n_win; i++)
		a->t->ops->dma_unmap(a->t->ctx, a->mem.win[i].dma,
				     a->mem.win[i].len);
	a->mem.n_win = 0;
}

void
avq_vdpa_mem_release(struct avq_vdpa *a, bool unmap_mmu)
{
	unsigned int i;

	for (i = 0; i < a->mem.n_mmu && unmap_mmu; i++)
		rte_avq_mmu_unmap(a->v->aq, a->v->id, 0, a->mem.mmu[i].iova,
				  a->mem.mmu[i].len);
	win_unmap_all(a);
	free(a->mem.mmu);
	free(a->mem.win);
	memset(&a->mem, 0, sizeof(a->mem));
}

/* Windows: remove those not in @p nw, add those new in it. a->mem.win has
 * room for its own entries plus @p n and stays exact on failure. */
static int
win_update(struct avq_vdpa *a, const struct rte_avq_mmu_region *nw,
	   unsigned int n)
{
	struct rte_avq_mmu_region *w = a->mem.win;
	unsigned int i, k;
	int ret;

	/* Removed first: a region that moved may overlap its old window. */
	for (i = 0, k = 0; i < a->mem.n_win; i++) {
		if (win_in(nw, n, &w[i])) {
			w[k++] = w[i];
			continue;
		}
		a->t->ops->dma_unmap(a->t->ctx, w[i].dma, w[i].len);
		a->conf.windows_unmapped++;
	}
	a->mem.n_win = k;
	for (i = 0; i < n; i++) {
		if (win_in(w, a->mem.n_win, &nw[i]))
			continue;
		ret = a->t->ops->dma_map(a->t->ctx,
					 (void *)(uintptr_t)nw[i].iova,
					 nw[i].dma, nw[i].len);
		if (ret != 0) {
			AVQ_VDPA_LOG(ERR, a->name, "DMA window 0x%" PRIx64 "+0x%" PRIx64 ": %s",
				     nw[i].dma, nw[i].len, strerror(-ret));
			return ret;
		}
		w[a->mem.n_win++] = nw[i];
		a->conf.windows_mapped++;
	}
	return 0;
}

int
avq_vdpa_mem_apply(struct avq_vdpa *a, const struct rte_vhost_memory *mem,
		   bool diff)
{
	struct rte_avq_mmu_prog_stats st;
	struct rte_avq_mmu_region *nw, *nm, *grown;
	const struct rte_vhost_mem_region *r;
	unsigned int n = mem->nregions, i;
	int cnt, ret;

	memset(&st, 0, sizeof(st));
	nw = calloc(RTE_MAX(n, 1u), sizeof(*nw));
	nm = calloc(RTE_MAX(n, 1u), sizeof(*nm));
	grown = realloc(a->mem.win, (a->mem.n_win + RTE_MAX(n, 1u)) *
			sizeof(*grown));
	if (grown != NULL)
		a->mem.win = grown;
	if (nw == NULL || nm == NULL || grown == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		r = &mem->regions[i];
		nw[i].iova = r->host_user_addr;	/* the window's VA */
		nw[i].dma = a->t->ops->dma_addr(a->t->ctx,
					(void *)(uintptr_t)r->host_user_addr);
		nw[i].len = r->size;
		nm[i].iova = r->guest_phys_addr;
		nm[i].dma = nw[i].dma;
		nm[i].len = r->size;
		nm[i].perm = AVQ_MMU_F_READ | AVQ_MMU_F_WRITE;
	}
	cnt = rte_avq_mmu_coalesce(nm, n);
	if (cnt < 0) {
		AVQ_VDPA_LOG(ERR, a->name, "memory regions overlap in guest-physical space");
		ret = cnt;
		goto out;
	}
	if (!diff) {
		/* The device MMU is empty (after a reset): the list too. */
		win_unmap_all(a);
		a->mem.n_mmu = 0;
	}
	ret = win_update(a, nw, n);
	if (ret != 0)
		goto out;
	if (diff)
		ret = rte_avq_mmu_update(a->v->engine, a->v->id, 0, a->mem.mmu,
					 a->mem.n_mmu, nm, (unsigned int)cnt,
					 RTE_AVQ_MMU_BATCHED, &st);
	else
		ret = rte_avq_mmu_map_regions(a->v->engine, a->v->id, 0, nm,
					      (unsigned int)cnt,
					      RTE_AVQ_MMU_BATCHED, &st);
	a->conf.mmu_commands += st.commands;
	a->ncmd += st.commands;
	if (ret < 0) {
		AVQ_VDPA_LOG(ERR, a->name, "device MMU: %s of %d region(s): %s",
			     diff ? "update" : "mapping", cnt, strerror(-ret));
		/* What the device holds is unknown now: the caller resets. */
		free(a->mem.mmu);
		a->mem.mmu = NULL;
		a->mem.n_mmu = 0;
		goto out;
	}
	free(a->mem.mmu);
	a->mem.mmu = nm;
	a->mem.n_mmu = (unsigned int)cnt;
	nm = NULL;
	a->conf.regions = n;
	a->conf.mmu_regions = (uint32_t)cnt;
	AVQ_VDPA_LOG(DEBUG, a->name, "memory: %u region(s), %d MMU region(s) in %u command(s)%s",
		     n, cnt, st.commands, diff ? " (difference)" : "");
out:
	free(nw);
	free(nm);
	return ret;
}
