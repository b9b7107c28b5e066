/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the status wire decoder (lib/status.h), what vpnha-statusd
 * reads from every other gateway over CPG and `vpnha status` from the
 * daemon's socket. Whatever decodes must re-encode, decode again to the same
 * data, and hold only terminated, printable strings within the limits.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n >= size)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			__builtin_trap();
}

static void check_node(const struct vpnha_status_node *n)
{
	if (n->n_links > VPNHA_STATUS_MAX_ITEMS || n->n_sas > VPNHA_STATUS_MAX_ITEMS ||
	    n->n_gres > VPNHA_STATUS_MAX_ITEMS || n->n_bgps > VPNHA_STATUS_MAX_ITEMS ||
	    n->n_vips > VPNHA_STATUS_MAX_ITEMS || n->n_roles > VPNHA_STATUS_MAX_ROLES)
		__builtin_trap();
	check_str(n->name, sizeof(n->name));
	for (size_t i = 0; i < n->n_sas; i++)
		check_str(n->sas[i].conn, sizeof(n->sas[i].conn));
	for (size_t i = 0; i < n->n_roles; i++)
		check_str(n->roles[i].reason, sizeof(n->roles[i].reason));
}

/* decode(encode(x)) == x for whatever decoded */
static void roundtrip_report(const struct vpnha_status_node *n)
{
	struct vpnha_status_node *b = malloc(sizeof(*b));
	uint8_t *buf = NULL;
	size_t len;

	if (!b || vpnha_status_report_encode(n, &buf, &len) < 0 || vpnha_status_report_decode(buf, len, b) < 0)
		__builtin_trap();
	b->minor = n->minor; /* the header's, not a field */
	if (memcmp(b, n, sizeof(*b)) != 0)
		__builtin_trap();
	free(buf);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnha_status_site *s = malloc(sizeof(*s));
	uint8_t kind, minor;
	size_t len;

	if (!s)
		return 0;
	if (vpnha_status_header(data, size, &kind, &minor, &len) == 0 && len > VPNHA_STATUS_MAX_MSG)
		__builtin_trap();
	if (vpnha_status_site_decode(data, size, s) == 0) {
		if (s->n_nodes > VPNHA_STATUS_MAX_NODES)
			__builtin_trap();
		for (size_t i = 0; i < s->n_nodes; i++)
			check_node(&s->nodes[i]);
	}
	/* the report decoder on the same bytes (the node table is big enough) */
	if (vpnha_status_report_decode(data, size, &s->nodes[0]) == 0) {
		check_node(&s->nodes[0]);
		roundtrip_report(&s->nodes[0]);
	}
	free(s);
	return 0;
}
