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
#include "records.h"
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

/*
 * The link's identity and what the resource added on it: its ownership
 * record (lib/records.h, VPNHA_REC_GRE_OWNER: ifname=, ifindex=, kind=,
 * addr=*, route=*) in the run-state file <agent>/<instance>.owner, the agent
 * and instance those of the action (ctx). The record is written before the
 * link is created (ifindex 0) and after every change, so that stop can
 * always clean up from it. (lib/tunnel-link.c)
 */
struct vpnha_tunnel_owner {
	bool present;
	char ifname[IF_NAMESIZE];
	int ifindex; /* 0: creation was under way */
	char kind[16];
	size_t n_addrs;
	struct vpnha_nl_addr addrs[VPNHA_REC_GRE_ADDRS];
	size_t n_routes;
	struct vpnha_nl_route routes[VPNHA_TUNNEL_MAX_ROUTES];
};

/* The record's text into o: 0, or -EINVAL when the identity lines are missing (o not present). */
int vpnha_tunnel_owner_parse(const char *text, struct vpnha_tunnel_owner *o);
/*
 * Read the record: 0 (o->present when there and readable; an unreadable one
 * is logged and treated as absent) or a negative errno from reading it.
 */
int vpnha_tunnel_owner_read(struct vpnha_ctx *ctx, struct vpnha_tunnel_owner *o);
/* Write the record atomically: 0 or a negative errno. */
int vpnha_tunnel_owner_write(struct vpnha_ctx *ctx, const struct vpnha_tunnel_owner *o);
/* Is the live link l the one the record describes (or the one being created)? */
bool vpnha_tunnel_owner_owns(const struct vpnha_tunnel_owner *o, const struct vpnha_link *l);
/* The record's addresses and routes as vpnha_tunnel_converge owns them (saved with the record). */
struct vpnha_tunnel_owned vpnha_tunnel_owner_view(struct vpnha_tunnel_owner *o);

/*
 * monitor: the link want->ifname into *l, ours (the record o) and as wanted
 * (vpnha_tunnel_check_link). VPNHA_RC_NOT_RUNNING when it is absent, not
 * ours or replaced; VPNHA_RC_ERROR when it cannot be read.
 */
enum vpnha_rc vpnha_tunnel_check_owned(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				       const struct vpnha_tunnel_owner *o, struct vpnha_link *l);
/*
 * start/reload: the link want->ifname into *l, ready to converge: ours
 * (adopted after an interrupted creation), recreated when its kind changed,
 * or created (the record o written first). Someone else's link is refused;
 * with reload, an absent one too. VPNHA_RC_OK or the failure reported.
 */
enum vpnha_rc vpnha_tunnel_link_ready(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				      struct vpnha_tunnel_owner *o, struct vpnha_link *l, bool reload);
/* stop: delete the link when it is still the one the record o describes (absent is success). */
enum vpnha_rc vpnha_tunnel_link_remove(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_owner *o);

#endif
