/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The avq authors
 */

/* placeholder: being written */
extern int avq_placeholder_avq_dev_core;
