/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vpnha-statusd's parts: collecting this node's VPN state (statusd-collect.c)
 * and the daemon around it (vpnha-statusd.c).
 */
#ifndef VPNHA_STATUSD_H
#define VPNHA_STATUSD_H

#include <stdint.h>

#include "status.h"

struct statusd_src {
	const char *mii_instance; /* the mii-link instance whose links are shown */
	const char *vici_socket;  /* charon's VICI socket */
	uint64_t budget_ms;       /* per source (VICI, each bgpd vty) */
};

/*
 * Fill n's links, SAs, tunnels, sessions and VIPs (not its name, roles or
 * membership) from the agents' run-state records and the live sources:
 * mii-link's status file, VICI list-sas and the XFRM SAD, netlink, bgpd's
 * vty. A source that does not answer leaves its items in an "unknown"
 * state. Nothing is run; every wait is bounded by budget_ms.
 */
void statusd_collect(const struct statusd_src *src, struct vpnha_status_node *n);

#endif
