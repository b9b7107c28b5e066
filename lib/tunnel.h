/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tunnel link converged on its desired state (gre-tunnel): the GRE
 * settings, mtu and up state of the link; the inner address and the routes
 * through it that the resource owns. The caller owns the link's identity and
 * its ownership record: it hands in views of the record's address and route
 * arrays and a save function called after every change, so that an
 * interrupted action leaves a record that stop can clean up from.
 *
 * Failures are reported with vpnha_fail (one exit reason) and returned:
 * VPNHA_RC_NOT_RUNNING for what differs from the desired state (check),
 * VPNHA_RC_ERROR for what the kernel refused (converge).
 */
#ifndef VPNHA_TUNNEL_H
#define VPNHA_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink.h"
#include "vpnha.h"

#define VPNHA_TUNNEL_MAX_ROUTES 256

/* What the resource wants on its link. */
struct vpnha_tunnel_want {
	const char *ifname;
	struct vpnha_gre gre;
	uint32_t mtu; /* 0: leave to the kernel */
	bool has_addr;
	struct vpnha_nl_addr addr;
	size_t n_routes;
	struct vpnha_nl_route routes[VPNHA_TUNNEL_MAX_ROUTES];
};

/* What the resource added on its link, in the caller's record. */
struct vpnha_tunnel_owned {
	struct vpnha_nl_addr *addrs; /* at least one slot */
	size_t *n_addrs;
	struct vpnha_nl_route *routes; /* max_routes slots */
	size_t *n_routes;
	size_t max_routes;
	/* write the record after a change: 0 or a negative errno */
	int (*save)(struct vpnha_ctx *ctx, void *userdata);
	void *userdata;
};

/* The live link l has want's GRE settings and mtu, and is up. */
enum vpnha_rc vpnha_tunnel_check_link(struct vpnha_ctx *ctx, const struct vpnha_tunnel_want *want,
				      const struct vpnha_link *l);
/* want's address and routes are on l. */
enum vpnha_rc vpnha_tunnel_check_addrs(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				       const struct vpnha_link *l);
/*
 * Depth 10: the inner peer (want->addr.peer) answers an ICMP echo through the
 * link within the op's time (at most 2 s). VPNHA_RC_DEGRADED when it does not;
 * a failure to send is logged, not failed.
 */
enum vpnha_rc vpnha_tunnel_check_peer(struct vpnha_ctx *ctx, const struct vpnha_tunnel_want *want);

/* Change the GRE settings and mtu of l to want's (only what differs) and set it up. */
enum vpnha_rc vpnha_tunnel_converge_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl,
					 const struct vpnha_tunnel_want *want, const struct vpnha_link *l);
/* Remove the owned addresses not wanted, add the wanted one and own it. */
enum vpnha_rc vpnha_tunnel_converge_addrs(struct vpnha_ctx *ctx, struct vpnha_nl *nl,
					  const struct vpnha_tunnel_want *want, struct vpnha_tunnel_owned *own,
					  const struct vpnha_link *l);
/* Remove the owned routes not wanted, add the wanted ones that are missing and own them. */
enum vpnha_rc vpnha_tunnel_converge_routes(struct vpnha_ctx *ctx, struct vpnha_nl *nl,
					   const struct vpnha_tunnel_want *want, struct vpnha_tunnel_owned *own,
					   const struct vpnha_link *l);
/* The three above, in that order. */
enum vpnha_rc vpnha_tunnel_converge(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				    struct vpnha_tunnel_owned *own, const struct vpnha_link *l);

#endif
