/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the gre-tunnel ownership record parser
 * (vpnha_tunnel_owner_parse, lib/tunnel-link.c). The record is the agent's
 * own file, but it is read back after crashes, partial writes and by other
 * versions: it must never be trusted blindly.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netlink.h"
#include "tunnel.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpnha_tunnel_owner o;
	char *text = malloc(size + 1);
	size_t i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vpnha_tunnel_owner_parse(text, &o) == 0) {
		if (!o.present || !o.ifname[0] || strnlen(o.ifname, sizeof(o.ifname)) >= sizeof(o.ifname) ||
		    vpnha_gre_kind_from_str(o.kind) < 0 || o.ifindex < 0 ||
		    o.n_addrs > VPNHA_ARRAY_SIZE(o.addrs) || o.n_routes > VPNHA_TUNNEL_MAX_ROUTES)
			__builtin_trap();
		for (i = 0; i < o.n_routes; i++)
			if (o.routes[i].dst.family != AF_INET && o.routes[i].dst.family != AF_INET6)
				__builtin_trap();
		for (i = 0; i < o.n_addrs; i++)
			if (o.addrs[i].has_peer && o.addrs[i].peer.family != o.addrs[i].local.family)
				__builtin_trap();
	}
	free(text);
	return 0;
}
