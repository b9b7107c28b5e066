/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the kernel messages lib/netlink.c parses by hand: GRE link
 * data (RTM_NEWLINK, ip6gretap) and NLMSG_ERROR with extended-ack TLVs.
 * The first byte picks the parser; the rest is the message.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnha_gre g;
	char msg[64];
	void *buf;
	int err = 0;

	if (size < 1)
		return 0;
	/* an exactly-sized, aligned copy: reads past it are caught by ASan */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1) {
		memset(&g, 0, sizeof(g));
		if (vpnha_nl_parse_gre_linkmsg(buf, size - 1, &g) == 0) {
			if ((g.local.family && g.local.family != AF_INET6) ||
			    (g.remote.family && g.remote.family != AF_INET6))
				__builtin_trap();
		}
	} else {
		memset(msg, 'x', sizeof(msg));
		if (vpnha_nl_parse_error(buf, size - 1, &err, msg, sizeof(msg)) == 0 &&
		    strnlen(msg, sizeof(msg)) >= sizeof(msg))
			__builtin_trap();
	}
	free(buf);
	return 0;
}
