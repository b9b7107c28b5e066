/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node attributes an instance publishes: their list and their deletion (attrd-names.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "attrd-names.h"
#include "attrd.h"
#include "log.h"
#include "records.h"
#include "util.h"

int vpnha_attrd_names_write(const char *agent, const char *instance, const char *key, const char *prefix,
			    const struct vpnha_value *items, const char *extra)
{
	struct vpnha_rec_names names = { 0 };
	size_t i;

	for (i = 0; i < items->n_items && names.n < VPNHA_ARRAY_SIZE(names.names); i++)
		snprintf(names.names[names.n++], sizeof(names.names[0]), "%s%s", prefix, items->items[i].str);
	if (extra && names.n < VPNHA_ARRAY_SIZE(names.names))
		snprintf(names.names[names.n++], sizeof(names.names[0]), "%s", extra);
	return vpnha_record_write(VPNHA_REC_NAMES, agent, instance, key, &names);
}

size_t vpnha_attrd_names_delete(struct vpnha_ctx *ctx, const char *agent, const char *key, uint64_t grace_ms,
				uint64_t timeout_ms)
{
	struct vpnha_rec_names names;
	char detail[256];
	enum vpnha_attrd_result r;
	size_t pending = 0, i;
	uint64_t left;
	const char *line;

	if (vpnha_record_read(VPNHA_REC_NAMES, agent, ctx->instance, key, &names) < 0)
		return 0;
	for (i = 0; i < names.n; i++) {
		line = names.names[i];
		left = vpnha_time_left_ms(ctx);
		if (left < 100)
			break;
		r = vpnha_attrd_delete_after(line, grace_ms, left < timeout_ms ? left : timeout_ms, detail, sizeof(detail));
		if (r == VPNHA_ATTRD_NO_CLUSTER) {
			vpnha_log_info("attribute %s not deleted: no cluster on this node", line);
			break; /* the others would fail the same way */
		}
		if (r != VPNHA_ATTRD_OK)
			vpnha_log_warn("attribute %s not deleted: %s%s%s", line, vpnha_attrd_result_str(r),
				       detail[0] ? ": " : "", detail);
		else if (grace_ms)
			pending++;
	}
	if (pending)
		vpnha_log_info("%zu attribute(s) deleted; attrd removes them from the CIB in %" PRIu64
			       " ms unless %s starts again here",
			       pending, grace_ms, agent);
	return pending;
}
