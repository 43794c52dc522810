/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

#ifndef RTE_AVQ_SIM_H
#define RTE_AVQ_SIM_H

/**
 * @file
 * Transport `sim`: the device model in this process. DMA addresses are the
 * process's virtual addresses; DMA windows are registered with the model.
 */

#include "rte_avq_transport.h"
#include "rte_avq_dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Fill @p t so that it drives management device @p d. */
void rte_avq_sim_transport(struct rte_avq_dev *d, struct rte_avq_transport *t);

#ifdef __cplusplus
}
#endif

#endif /* RTE_AVQ_SIM_H */
