/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tunnel link converged on its desired state: settings, address, routes (tunnel.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "addr.h"
#include "icmp.h"
#include "log.h"
#include "tunnel.h"
#include "util.h"

enum vpnha_rc vpnha_tunnel_check_link(struct vpnha_ctx *ctx, const struct vpnha_tunnel_want *want,
				      const struct vpnha_link *l)
{
	char diff[384];

	if (vpnha_gre_diff(&l->gre, &want->gre, diff, sizeof(diff)) > 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s changed behind the agent: %s", want->ifname,
				  diff);
	if (want->mtu && l->mtu != want->mtu)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s changed behind the agent: mtu %u (want %u)",
				  want->ifname, l->mtu, want->mtu);
	if (!l->up)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s is administratively down", want->ifname);
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_check_addrs(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				       const struct vpnha_link *l)
{
	_vpnha_auto_free struct vpnha_nl_route *live = NULL;
	char s[160];
	size_t i;
	int r, n;

	if (want->has_addr) {
		r = vpnha_nl_addr_present(nl, l->ifindex, &want->addr);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses: %s", vpnha_nl_error(nl));
		if (!r)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s: address %s is missing", want->ifname,
					  vpnha_nl_addr_str(&want->addr, s, sizeof(s)));
	}
	if (!want->n_routes)
		return VPNHA_RC_OK;
	n = vpnha_nl_route_list(nl, l->ifindex, &live);
	if (n < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list routes: %s", vpnha_nl_error(nl));
	for (i = 0; i < want->n_routes; i++)
		if (vpnha_nl_route_index(live, (size_t)n, &want->routes[i]) == (size_t)n)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s: route %s is missing", want->ifname,
					  vpnha_nl_route_str(&want->routes[i], s, sizeof(s)));
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_check_peer(struct vpnha_ctx *ctx, const struct vpnha_tunnel_want *want)
{
	uint64_t left = vpnha_time_left_ms(ctx), budget = left > 4000 ? 2000 : left / 2;
	char s[INET6_ADDRSTRLEN];
	int r = vpnha_icmp_ping(want->ifname, &want->addr.peer, budget);

	vpnha_addr_str(&want->addr.peer, s, sizeof(s));
	if (r == 0)
		return vpnha_fail(ctx, VPNHA_RC_DEGRADED, "interface %s is up but the peer %s does not answer (%llu ms)",
				  want->ifname, s, (unsigned long long)budget);
	if (r < 0)
		vpnha_log_warn("cannot check that the peer %s answers: %s", s, strerror(-r));
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_converge_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl,
					 const struct vpnha_tunnel_want *want, const struct vpnha_link *l)
{
	char diff[384];
	int r;

	if (vpnha_gre_diff(&l->gre, &want->gre, diff, sizeof(diff)) > 0) {
		vpnha_log_notice("%s: changing %s", want->ifname, diff);
		r = vpnha_nl_gre_change(nl, l->ifindex, &want->gre);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot change %s (%s): %s", want->ifname, diff,
					  vpnha_nl_error(nl));
	}
	if (want->mtu && l->mtu != want->mtu) {
		vpnha_log_notice("%s: mtu %u -> %u", want->ifname, l->mtu, want->mtu);
		r = vpnha_nl_link_set_mtu(nl, l->ifindex, want->mtu);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot set mtu %u on %s: %s", want->mtu, want->ifname,
					  vpnha_nl_error(nl));
	}
	if (!l->up) {
		r = vpnha_nl_link_set_up(nl, l->ifindex, true);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot set %s up: %s", want->ifname, vpnha_nl_error(nl));
	}
	return VPNHA_RC_OK;
}

static enum vpnha_rc owned_save(struct vpnha_ctx *ctx, struct vpnha_tunnel_owned *own)
{
	int r = own->save(ctx, own->userdata);

	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_converge_addrs(struct vpnha_ctx *ctx, struct vpnha_nl *nl,
					  const struct vpnha_tunnel_want *want, struct vpnha_tunnel_owned *own,
					  const struct vpnha_link *l)
{
	char s[160];
	size_t i;
	int r;

	for (i = 0; i < *own->n_addrs;) {
		if (want->has_addr && vpnha_nl_addr_equal(&own->addrs[i], &want->addr)) {
			i++;
			continue;
		}
		r = vpnha_nl_addr_del(nl, l->ifindex, &own->addrs[i]);
		if (r < 0 && r != -EADDRNOTAVAIL && r != -ENOENT && r != -ESRCH)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove address %s from %s: %s",
					  vpnha_nl_addr_str(&own->addrs[i], s, sizeof(s)), want->ifname, vpnha_nl_error(nl));
		own->addrs[i] = own->addrs[--*own->n_addrs];
		own->save(ctx, own->userdata);
	}
	if (!want->has_addr)
		return VPNHA_RC_OK;
	r = vpnha_nl_addr_present(nl, l->ifindex, &want->addr);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses: %s", vpnha_nl_error(nl));
	if (!r) {
		r = vpnha_nl_addr_add(nl, l->ifindex, &want->addr);
		if (r < 0 && r != -EEXIST)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot add address %s to %s: %s",
					  vpnha_nl_addr_str(&want->addr, s, sizeof(s)), want->ifname, vpnha_nl_error(nl));
	}
	if (*own->n_addrs > 0)
		return VPNHA_RC_OK;
	own->addrs[(*own->n_addrs)++] = want->addr;
	return owned_save(ctx, own);
}

/* The owned routes that are no longer wanted: removed. */
static enum vpnha_rc routes_drop(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				 struct vpnha_tunnel_owned *own, const struct vpnha_link *l)
{
	char s[160];
	size_t i;
	int r;

	for (i = 0; i < *own->n_routes;) {
		if (vpnha_nl_route_index(want->routes, want->n_routes, &own->routes[i]) < want->n_routes) {
			i++;
			continue;
		}
		r = vpnha_nl_route_del(nl, l->ifindex, &own->routes[i]);
		if (r < 0 && r != -ESRCH && r != -ENOENT)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove route %s: %s",
					  vpnha_nl_route_str(&own->routes[i], s, sizeof(s)), vpnha_nl_error(nl));
		vpnha_log_notice("%s: removed route %s", want->ifname, vpnha_nl_route_str(&own->routes[i], s, sizeof(s)));
		own->routes[i] = own->routes[--*own->n_routes];
		own->save(ctx, own->userdata);
	}
	return VPNHA_RC_OK;
}

static enum vpnha_rc route_add(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
			       int ifindex, const struct vpnha_nl_route *rt)
{
	char s[160];
	int r = vpnha_nl_route_add(nl, ifindex, rt);

	if (r == -EEXIST)
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "cannot add route %s through %s: a route with that prefix and metric "
				  "already exists through another interface",
				  vpnha_nl_route_str(rt, s, sizeof(s)),
				  want->ifname);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot add route %s through %s: %s",
				  vpnha_nl_route_str(rt, s, sizeof(s)), want->ifname, vpnha_nl_error(nl));
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_converge_routes(struct vpnha_ctx *ctx, struct vpnha_nl *nl,
					   const struct vpnha_tunnel_want *want, struct vpnha_tunnel_owned *own,
					   const struct vpnha_link *l)
{
	_vpnha_auto_free struct vpnha_nl_route *live = NULL;
	enum vpnha_rc rc = routes_drop(ctx, nl, want, own, l);
	size_t k;
	int n;

	if (rc != VPNHA_RC_OK)
		return rc;
	n = want->n_routes ? vpnha_nl_route_list(nl, l->ifindex, &live) : 0;
	if (n < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list routes: %s", vpnha_nl_error(nl));
	for (k = 0; k < want->n_routes; k++) {
		if (vpnha_nl_route_index(live, (size_t)n, &want->routes[k]) == (size_t)n) {
			rc = route_add(ctx, nl, want, l->ifindex, &want->routes[k]);
			if (rc != VPNHA_RC_OK)
				return rc;
		}
		if (vpnha_nl_route_index(own->routes, *own->n_routes, &want->routes[k]) == *own->n_routes &&
		    *own->n_routes < own->max_routes) {
			own->routes[(*own->n_routes)++] = want->routes[k];
			rc = owned_save(ctx, own);
			if (rc != VPNHA_RC_OK)
				return rc;
		}
		if (vpnha_expired(ctx))
			return vpnha_fail(ctx, VPNHA_RC_TIMEOUT, "timed out adding routes");
	}
	return VPNHA_RC_OK;
}

enum vpnha_rc vpnha_tunnel_converge(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *want,
				    struct vpnha_tunnel_owned *own, const struct vpnha_link *l)
{
	enum vpnha_rc rc = vpnha_tunnel_converge_link(ctx, nl, want, l);

	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_converge_addrs(ctx, nl, want, own, l);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_converge_routes(ctx, nl, want, own, l);
	return rc;
}
