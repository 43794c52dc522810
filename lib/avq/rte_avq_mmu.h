/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_MMU_H
#define RTE_AVQ_MMU_H

/**
 * @file
 * Programming a managed device's MMU from a list of memory regions (a vhost
 * memory table, a mempool's chunks): coalescing, diffing, and sending the
 * result through the engine, batched when the device offers the MMU_BATCH
 * extension class (CAP bit AVQ_CAP_F_EXT(AVQ_CLASS_MMU_BATCH)).
 */

#include <stdint.h>

#include "rte_avq_engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One region: [iova, iova + len) -> [dma, dma + len), permissions. */
struct rte_avq_mmu_region {
	uint64_t iova;
	uint64_t dma;
	uint64_t len;
	uint32_t perm;		/**< AVQ_MMU_F_READ | AVQ_MMU_F_WRITE */
};

/**
 * Sort @p r by iova and merge neighbours that are contiguous in both IOVA
 * and DMA space with equal permissions, in place.
 * @return the new count, or -EINVAL if two regions overlap in IOVA space,
 *   a length is 0 or a range wraps.
 */
int rte_avq_mmu_coalesce(struct rte_avq_mmu_region *r, unsigned int n);

/**
 * Difference between two coalesced lists. A mapping is a unit on the device
 * (UNMAP removes whole mappings), so a region is kept only if it appears in
 * both lists unchanged; every other old region goes to @p unmap and every
 * other new one to @p map. Applying all unmaps, then all maps, turns the
 * old table into the new one. @p unmap has room for @p n_old entries and
 * @p map for @p n_new.
 */
int rte_avq_mmu_diff(const struct rte_avq_mmu_region *old, unsigned int n_old,
		     const struct rte_avq_mmu_region *new_r, unsigned int n_new,
		     struct rte_avq_mmu_region *unmap, unsigned int *n_unmap,
		     struct rte_avq_mmu_region *map, unsigned int *n_map);

/** How to send a region list. */
enum rte_avq_mmu_mode {
	RTE_AVQ_MMU_NAIVE,	/**< one synchronous MMU_MAP per region */
	RTE_AVQ_MMU_ASYNC,	/**< coalesce, one MMU_MAP per region, posted together */
	RTE_AVQ_MMU_BATCHED,	/**< coalesce, MMU_BATCH commands when offered
				 * (else as ASYNC) */
};

/** What a programming call cost. */
struct rte_avq_mmu_prog_stats {
	uint32_t regions_in;	/**< as given */
	uint32_t regions;	/**< after coalescing */
	uint32_t commands;	/**< admin commands sent */
	uint64_t ns;		/**< wall time, submit to last completion */
};

/**
 * Map @p n regions of device @p dev_id in ASID @p asid (the list is copied
 * and, except in NAIVE mode, coalesced). Waits for every command.
 * @return 0, or the first failure (negative errno of an ack, -ETIMEDOUT...).
 */
int rte_avq_mmu_map_regions(struct rte_avq_engine *e, uint64_t dev_id,
			    uint64_t asid, const struct rte_avq_mmu_region *r,
			    unsigned int n, enum rte_avq_mmu_mode mode,
			    struct rte_avq_mmu_prog_stats *st);

/**
 * Turn the device's table from @p old into @p new_r (each as given; both
 * are coalesced first): only the unmaps and maps that changed are sent,
 * unmaps first. @return as rte_avq_mmu_map_regions().
 */
int rte_avq_mmu_update(struct rte_avq_engine *e, uint64_t dev_id,
		       uint64_t asid, const struct rte_avq_mmu_region *old,
		       unsigned int n_old, const struct rte_avq_mmu_region *new_r,
		       unsigned int n_new, enum rte_avq_mmu_mode mode,
		       struct rte_avq_mmu_prog_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_MMU_H */
