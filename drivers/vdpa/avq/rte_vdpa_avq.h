/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_VDPA_AVQ_H
#define RTE_VDPA_AVQ_H

/**
 * @file
 * vdpa_avq driver-specific API: what configuring a managed device cost.
 */

#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Cost of the last dev_conf of a vdpa_avq device (vhost-user set-up). */
struct rte_vdpa_avq_conf_stats {
	uint64_t confs;		/**< dev_conf calls that ran (0: none yet) */
	uint64_t ns;		/**< wall time of the last one */
	int32_t result;		/**< its result: 0 or a negative errno */
	uint8_t incremental;	/**< 1: the device was kept since dev_close and
				 * only the memory-table difference was sent */
	uint8_t reserved[3];
	uint32_t commands;	/**< admin commands it sent, of every kind */
	uint32_t mmu_commands;	/**< of which device-MMU map/unmap commands */
	uint32_t regions;	/**< regions of the vhost memory table */
	uint32_t mmu_regions;	/**< device-MMU regions after coalescing */
	uint32_t windows_mapped;	/**< DMA windows added */
	uint32_t windows_unmapped;	/**< DMA windows removed */
	uint32_t vrings;	/**< vrings set up */
	uint32_t vectors;	/**< vrings given an interrupt vector */
	uint32_t vrings_kept;	/**< of the vrings, resumed unchanged: only
				 * their indices were sent (incremental) */
	uint32_t stop_commands;	/**< admin commands of the dev_close before
				 * (stopping the vrings of a kept device);
				 * not in @c commands */
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Read the cost of the last dev_conf of vdpa_avq device @p name (the
 * managed device's name, e.g. "sim0.vd1", which is also its vDPA device
 * name).
 *
 * @return 0; -1 with rte_errno EINVAL (NULL argument) or ENODEV (no
 *   vdpa_avq device of that name).
 */
__rte_experimental
int rte_vdpa_avq_conf_stats(const char *name,
			    struct rte_vdpa_avq_conf_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VDPA_AVQ_H */
