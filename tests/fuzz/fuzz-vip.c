/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the vip ownership record parser (vpnha_addr_owner_parse,
 * lib/addr). The record is the agent's own file under the run directory, but
 * it is read back after crashes, partial writes and by other versions: it
 * must never be trusted blindly. A record that parses must be sane (a valid, NUL-terminated
 * interface name, ifindex >= 1, an IPv4/IPv6 prefix) and must survive the
 * agent's own writer: vpnha_addr_owner_format() of it parses back to the
 * same record.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sane(const struct vpnha_addr_owner *o)
{
	size_t n = strnlen(o->ifname, sizeof(o->ifname));

	if (!o->present || n == 0 || n >= sizeof(o->ifname) || vpnha_parse_ifname(o->ifname, NULL, 0) < 0 ||
	    o->ifindex < 1)
		__builtin_trap();
	if (o->addr.local.family == AF_INET) {
		if (o->addr.local.prefixlen > 32)
			__builtin_trap();
	} else if (o->addr.local.family == AF_INET6) {
		if (o->addr.local.prefixlen > 128)
			__builtin_trap();
	} else {
		__builtin_trap();
	}
	if (o->addr.has_peer)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpnha_addr_owner o, back;
	char out[256];
	char *text = malloc(size + 1);
	int n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vpnha_addr_owner_parse(text, &o) < 0) {
		/* a rejected record must not look owned (owner_owns checks present) */
		if (o.present)
			__builtin_trap();
		goto out;
	}
	check_sane(&o);
	/* round trip through the agent's writer */
	n = vpnha_addr_owner_format(&o, out, sizeof(out));
	if (n < 0 || (size_t)n != strlen(out))
		__builtin_trap();
	if (vpnha_addr_owner_parse(out, &back) < 0)
		__builtin_trap();
	check_sane(&back);
	if (!vpnha_addr_equal(&o.addr.local, &back.addr.local) || strcmp(o.ifname, back.ifname) ||
	    o.ifindex != back.ifindex)
		__builtin_trap();
	/* and the agent's ownership test agrees with itself */
	if (!vpnha_addr_owner_owns(&back, &o.addr, o.ifindex) || vpnha_addr_owner_owns(&back, &o.addr, o.ifindex - 1))
		__builtin_trap();
out:
	free(text);
	return 0;
}
