/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `vpnha`, the admin's command: the renderers of a site snapshot
 * (lib/status.h) behind `vpnha status`.
 */
#ifndef VPNHA_CLI_H
#define VPNHA_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "status.h"

/* The version of the --json schema: major.minor, see vpnha(8). */
#define VPNHA_JSON_SCHEMA "vpnha-status"
#define VPNHA_JSON_VERSION "1.0"

/* Exit codes of `vpnha status` (also in vpnha(8) and the README). */
enum vpnha_cli_exit {
	VPNHA_EXIT_HEALTHY = 0,
	VPNHA_EXIT_DEGRADED = 1,
	VPNHA_EXIT_DOWN = 2,
	VPNHA_EXIT_UNREACHABLE = 3, /* the local vpnha-statusd does not answer */
	VPNHA_EXIT_USAGE = 64,
};

struct cli_view {
	const struct vpnha_status_site *site;
	uint64_t now; /* realtime s */
	enum vpnha_status_health health;
	const char *why; /* the health's first reason */
};

typedef int (*cli_render_fn)(FILE *out, const struct cli_view *v);

int cli_render_text(FILE *out, const struct cli_view *v);
int cli_render_json(FILE *out, const struct cli_view *v);
int cli_render_prometheus(FILE *out, const struct cli_view *v);

/* The most recent role change of the site: node index and role index; false when none. */
bool cli_last_failover(const struct vpnha_status_site *s, size_t *node, size_t *role);

#endif
