/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node attributes an agent instance publishes (mii-link), by name: the
 * list written at start (lib/records.h, VPNHA_REC_NAMES, one a line, in
 * <agent>/<instance>.<key>) so that stop deletes exactly these, even with
 * bad parameters, and their deletion through attrd_updater (lib/attrd.h).
 */
#ifndef VPNHA_ATTRD_NAMES_H
#define VPNHA_ATTRD_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "vpnha.h"

/*
 * Write the list: PREFIX<item> for every item of the list parameter items,
 * then extra (when not NULL). 0 or a negative errno.
 */
int vpnha_attrd_names_write(const char *agent, const char *instance, const char *key, const char *prefix,
			    const struct vpnha_value *items, const char *extra);

/*
 * Delete the listed attributes, each attrd_updater run bounded by
 * timeout_ms and the op deadline (stops when less than 100 ms are left, or
 * at the first "no cluster"); with grace_ms, attrd deletes them after that
 * time (vpnha_attrd_delete_after). Failures are logged, not failed. Returns
 * the number of deletions left pending in attrd (0 without grace_ms, or
 * without a list).
 */
size_t vpnha_attrd_names_delete(struct vpnha_ctx *ctx, const char *agent, const char *key, uint64_t grace_ms,
				uint64_t timeout_ms);

#endif
