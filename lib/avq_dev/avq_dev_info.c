/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/*
 * Read-only facts about a management device that need no trip to the device
 * thread: they are fixed at creation (rte_avq_dev_create()).
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_avq_dev.h"
#include "avq_dev_private.h"

int
rte_avq_dev_aq_limits(const struct rte_avq_dev *d, uint16_t *num_aqs,
		      uint16_t *max_aq_size)
{
	if (d == NULL)
		return -EINVAL;
	/* params is written once by rte_avq_dev_create() before the device
	 * is handed out and never changes: no control call needed.
	 */
	if (num_aqs != NULL)
		*num_aqs = d->params.num_aqs;
	if (max_aq_size != NULL)
		*max_aq_size = d->params.max_aq_size;
	return 0;
}

uint64_t
rte_avq_dev_net_features(const struct rte_avq_dev *d)
{
	if (d == NULL)
		return 0;
	/* The same choice VDEV_CREATE makes for every net device. */
	return d->params.net_features != 0 ? d->params.net_features :
					     avq_net_default_features();
}
