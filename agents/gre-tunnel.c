/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ocf:vpnha:gre-tunnel: a GRE tunnel (gre, gretap, ip6gre, ip6gretap), its
 * inner address and the routes through it, managed through netlink
 * (lib/netlink.h, libnl-route). No fork, no exec.
 *
 * Ownership: the run-state file <instance>.owner records the link this
 * resource created (ifname, ifindex, kind) and the addresses and routes it
 * added. stop deletes the link only when it is still that link; an
 * interface of the same name that this resource did not create is never
 * touched.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "gre.h"
#include "log.h"
#include "netlink.h"
#include "records.h"
#include "runstate.h"
#include "tunnel.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "gre-tunnel"
#define OWNER_KEY VPNHA_OWNER_KEY
#define MAX_ROUTES VPNHA_TUNNEL_MAX_ROUTES

/* Parameter 'mode': the options, and their indexes as VPNHA_INT gives them. */
static const char *const modes[] = { "gre", "gretap", NULL };
enum gt_mode { MODE_GRE, MODE_GRETAP };

/* The parameters, in the order of the table below (VPNHA_STR(ctx, P_...)). */
enum gre_tunnel_param {
	P_IFNAME,
	P_REMOTE,
	P_LOCAL,
	P_MODE,
	P_KEY,
	P_TTL,
	P_TOS,
	P_PMTUDISC,
	P_MTU,
	P_DEV,
	P_ADDRESS,
	P_PEER,
	P_ROUTES,
	P_COUNT
};

static const struct vpnha_param_def params[] = {
	[P_IFNAME] = { "ifname", VPNHA_PT_IFNAME, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, 0, 0, NULL, vpnha_validate_gre_ifname },
	[P_REMOTE] = { "remote", VPNHA_PT_ADDR, NULL, VPNHA_PF_REQUIRED, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_LOCAL] = { "local", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_MODE] = { "mode", VPNHA_PT_SELECT, "gre", 0, 0, 0, modes, NULL },
	[P_KEY] = { "key", VPNHA_PT_STRING, NULL, 0, 0, 15, NULL, vpnha_validate_gre_key },
	[P_TTL] = { "ttl", VPNHA_PT_INT, "255", VPNHA_PF_RELOADABLE, 0, 255, NULL, NULL },
	[P_TOS] = { "tos", VPNHA_PT_STRING, "0", VPNHA_PF_RELOADABLE, 0, 7, NULL, vpnha_validate_gre_tos },
	[P_PMTUDISC] = { "pmtudisc", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_MTU] = { "mtu", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 68, 65535, NULL, NULL },
	[P_DEV] = { "dev", VPNHA_PT_IFNAME, NULL, 0, 0, 0, NULL, vpnha_validate_gre_ifname },
	[P_ADDRESS] = { "address", VPNHA_PT_PREFIX, NULL, 0, 0, 0, NULL, NULL },
	[P_PEER] = { "peer", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_ROUTES] = { "routes", VPNHA_PT_STRING, NULL, VPNHA_PF_RELOADABLE | VPNHA_PF_LIST, 0, 64, NULL, vpnha_validate_route_item },
};
_Static_assert(sizeof(params) / sizeof(params[0]) == P_COUNT, "one enum entry per parameter");

static const char *fam_str(int f)
{
	return f == AF_INET ? "IPv4" : f == AF_INET6 ? "IPv6" : "?";
}

static enum vpnha_rc gt_validate_params(struct vpnha_ctx *ctx)
{
	const struct vpnha_addr *remote = VPNHA_ADDR(ctx, P_REMOTE);
	const struct vpnha_value *routes = VPNHA_PARAM(ctx, P_ROUTES);

	/* remote, local, peer: one host's unicast address, checked by the parameter table */
	if (VPNHA_GIVEN(ctx, P_LOCAL) && VPNHA_ADDR(ctx, P_LOCAL)->family != remote->family)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameters 'local' (%s) and 'remote' (%s) must be the same address family",
				  fam_str(VPNHA_ADDR(ctx, P_LOCAL)->family), fam_str(remote->family));
	if (VPNHA_GIVEN(ctx, P_PEER) && !VPNHA_GIVEN(ctx, P_ADDRESS))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'peer' needs 'address' (the local inner address)");
	if (VPNHA_GIVEN(ctx, P_PEER) && VPNHA_ADDR(ctx, P_PEER)->family != VPNHA_ADDR(ctx, P_ADDRESS)->family)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG,
				  "parameters 'address' (%s) and 'peer' (%s) must be the same address family",
				  fam_str(VPNHA_ADDR(ctx, P_ADDRESS)->family), fam_str(VPNHA_ADDR(ctx, P_PEER)->family));
	if (!VPNHA_BOOL(ctx, P_PMTUDISC)) {
		if (remote->family == AF_INET6)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG,
					  "parameter 'pmtudisc': false applies to an IPv4 underlay only");
		if (VPNHA_INT(ctx, P_TTL) != 0)
			return vpnha_fail(ctx, VPNHA_RC_CONFIG,
					  "parameters 'pmtudisc' false and 'ttl' %lld are incompatible (use ttl=0, inherit)",
					  (long long)VPNHA_INT(ctx, P_TTL));
	}
	if (routes->n_items > MAX_ROUTES)
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'routes': more than %d routes", MAX_ROUTES);
	if (VPNHA_GIVEN(ctx, P_DEV) && !strcmp(VPNHA_STR(ctx, P_DEV), VPNHA_STR(ctx, P_IFNAME)))
		return vpnha_fail(ctx, VPNHA_RC_CONFIG, "parameter 'dev': the underlay cannot be the tunnel itself");
	return VPNHA_RC_OK;
}

/* ---- the desired state, from the parameters ---- */

static enum vpnha_rc desired_build(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct vpnha_tunnel_want *d)
{
	const struct vpnha_value *routes = VPNHA_PARAM(ctx, P_ROUTES);
	bool tap = VPNHA_INT(ctx, P_MODE) == MODE_GRETAP;
	char why[160];
	size_t i;
	int r;

	memset(d, 0, sizeof(*d));
	d->ifname = VPNHA_STR(ctx, P_IFNAME);
	d->gre.remote = *VPNHA_ADDR(ctx, P_REMOTE);
	if (d->gre.remote.family == AF_INET6)
		d->gre.kind = tap ? VPNHA_GRE_KIND_IP6GRETAP : VPNHA_GRE_KIND_IP6GRE;
	else
		d->gre.kind = tap ? VPNHA_GRE_KIND_GRETAP : VPNHA_GRE_KIND_GRE;
	if (VPNHA_GIVEN(ctx, P_LOCAL))
		d->gre.local = *VPNHA_ADDR(ctx, P_LOCAL);
	if (VPNHA_GIVEN(ctx, P_KEY)) {
		d->gre.key_set = true;
		vpnha_gre_key_parse(VPNHA_STR(ctx, P_KEY), &d->gre.ikey, why, sizeof(why));
		d->gre.okey = d->gre.ikey;
	}
	d->gre.ttl = (uint8_t)VPNHA_INT(ctx, P_TTL);
	vpnha_gre_tos_parse(VPNHA_STR(ctx, P_TOS), &d->gre.tos_inherit, &d->gre.tos, why, sizeof(why));
	d->gre.pmtudisc = d->gre.remote.family == AF_INET ? VPNHA_BOOL(ctx, P_PMTUDISC) : false;
	d->gre.encaplimit = d->gre.remote.family == AF_INET6 ? 4 : 0;
	if (VPNHA_GIVEN(ctx, P_MTU))
		d->mtu = (uint32_t)VPNHA_INT(ctx, P_MTU);
	if (VPNHA_GIVEN(ctx, P_ADDRESS)) {
		d->has_addr = true;
		d->addr.local = *VPNHA_ADDR(ctx, P_ADDRESS);
		if (VPNHA_GIVEN(ctx, P_PEER)) {
			d->addr.has_peer = true;
			d->addr.peer = *VPNHA_ADDR(ctx, P_PEER);
		}
	}
	for (i = 0; i < routes->n_items && i < MAX_ROUTES; i++) {
		struct vpnha_nl_route *rt = &d->routes[d->n_routes++];

		vpnha_route_item_parse(routes->items[i].str, &rt->dst, &rt->metric, why, sizeof(why));
		rt->metric = vpnha_nl_route_metric(rt->dst.family, rt->metric);
		/* L2 tunnel: routes go to the peer as next hop when one is set */
		if (tap && d->addr.has_peer && d->addr.peer.family == rt->dst.family) {
			rt->has_gw = true;
			rt->gw = d->addr.peer;
		}
	}
	if (VPNHA_GIVEN(ctx, P_DEV) && nl) {
		r = vpnha_nl_ifindex(nl, VPNHA_STR(ctx, P_DEV));
		if (r == -ENODEV)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "underlay device '%s' (parameter 'dev') not found",
					  VPNHA_STR(ctx, P_DEV));
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot look up underlay device '%s': %s",
					  VPNHA_STR(ctx, P_DEV), vpnha_nl_error(nl));
		d->gre.link = (uint32_t)r;
	}
	return VPNHA_RC_OK;
}

/* ---- the state of one action: on the heap (the route arrays make each ~14 KB) ---- */

struct gt_state {
	struct vpnha_tunnel_want d;
	struct vpnha_tunnel_owner o;
};

/* A zeroed state (*out, the caller frees it) with the ownership record read. */
static enum vpnha_rc state_read(struct vpnha_ctx *ctx, struct gt_state **out)
{
	int r;

	*out = calloc(1, sizeof(**out));
	if (!*out)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "out of memory");
	r = vpnha_tunnel_owner_read(ctx, &(*out)->o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	return VPNHA_RC_OK;
}

/* ---- monitor ---- */

/* The underlay device (parameter 'dev') into d->gre.link; 7 when it is absent. */
static enum vpnha_rc monitor_underlay(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct gt_state *st)
{
	int r;

	if (!VPNHA_GIVEN(ctx, P_DEV))
		return VPNHA_RC_OK;
	r = vpnha_nl_ifindex(nl, VPNHA_STR(ctx, P_DEV));
	if (r < 0 && st->o.present)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "underlay device '%s' is gone", VPNHA_STR(ctx, P_DEV));
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "not started (underlay device '%s' absent)",
				  VPNHA_STR(ctx, P_DEV));
	st->d.gre.link = (uint32_t)r;
	return VPNHA_RC_OK;
}

static enum vpnha_rc gt_monitor(struct vpnha_ctx *ctx)
{
	_vpnha_auto_free struct gt_state *st = NULL;
	struct vpnha_nl *nl = NULL;
	struct vpnha_link l;
	enum vpnha_rc rc = state_read(ctx, &st);

	if (rc != VPNHA_RC_OK)
		return rc;
	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = desired_build(ctx, NULL, &st->d);
	if (rc == VPNHA_RC_OK)
		rc = monitor_underlay(ctx, nl, st);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_check_owned(ctx, nl, &st->d, &st->o, &l);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_check_addrs(ctx, nl, &st->d, &l);
	vpnha_nl_close(nl);
	if (rc == VPNHA_RC_OK && ctx->check_level >= 10 && !ctx->probe && st->d.addr.has_peer)
		rc = vpnha_tunnel_check_peer(ctx, &st->d);
	return rc;
}

/* ---- start / reload: converge live on desired ---- */

static enum vpnha_rc gt_start_or_reload(struct vpnha_ctx *ctx, bool reload)
{
	_vpnha_auto_free struct gt_state *st = NULL;
	struct vpnha_nl *nl = NULL;
	struct vpnha_link l;
	enum vpnha_rc rc = state_read(ctx, &st);
	struct vpnha_tunnel_owned own;

	if (rc != VPNHA_RC_OK)
		return rc;
	own = vpnha_tunnel_owner_view(&st->o);
	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = desired_build(ctx, nl, &st->d);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_link_ready(ctx, nl, &st->d, &st->o, &l, reload);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_converge(ctx, nl, &st->d, &own, &l);
	vpnha_nl_close(nl);
	return rc;
}

static enum vpnha_rc gt_start(struct vpnha_ctx *ctx)
{
	return gt_start_or_reload(ctx, false);
}

static enum vpnha_rc gt_reload(struct vpnha_ctx *ctx)
{
	return gt_start_or_reload(ctx, true);
}

/* ---- stop: from the ownership record only ---- */

static enum vpnha_rc gt_stop(struct vpnha_ctx *ctx)
{
	_vpnha_auto_free struct gt_state *st = NULL;
	struct vpnha_nl *nl = NULL;
	enum vpnha_rc rc = state_read(ctx, &st);
	int r;

	if (rc != VPNHA_RC_OK)
		return rc;
	if (!st->o.present) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		return VPNHA_RC_OK; /* nothing of ours */
	}
	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = vpnha_tunnel_link_remove(ctx, nl, &st->o);
	vpnha_nl_close(nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	/* addresses and routes lived on our link: gone with it */
	r = vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove the ownership record: %s", strerror(-r));
	return VPNHA_RC_OK;
}

/* ---- validate-all at OCF_CHECK_LEVEL >= 10: this host ---- */

static enum vpnha_rc gt_validate_host(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	enum vpnha_rc rc;
	char s[INET6_ADDRSTRLEN];
	int r;

	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	if (VPNHA_GIVEN(ctx, P_LOCAL)) {
		r = vpnha_nl_addr_on_host(nl, VPNHA_ADDR(ctx, P_LOCAL));
		if (r == 0)
			vpnha_log_warn("underlay address %s (parameter 'local') is not configured on this host yet "
				       "(it may arrive later, e.g. an IPaddr2 earlier in the group)",
				       vpnha_addr_str(VPNHA_ADDR(ctx, P_LOCAL), s, sizeof(s)));
	}
	if (VPNHA_GIVEN(ctx, P_DEV)) {
		r = vpnha_nl_ifindex(nl, VPNHA_STR(ctx, P_DEV));
		if (r == -ENODEV)
			rc = vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED,
					"underlay device '%s' (parameter 'dev') does not exist on this host",
					VPNHA_STR(ctx, P_DEV));
		else if (r < 0)
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot look up underlay device '%s': %s",
					VPNHA_STR(ctx, P_DEV), vpnha_nl_error(nl));
	}
	vpnha_nl_close(nl);
	return rc;
}

static const struct vpnha_action actions[] = {
	{ "start", gt_start },
	{ "stop", gt_stop },
	{ "monitor", gt_monitor },
	{ "reload-agent", gt_reload },
};

const struct vpnha_agent vpnha_agent_def = {
	.name = AGENT,
	.metadata = vpnha_metadata_xml,
	.params = params,
	.n_params = VPNHA_ARRAY_SIZE(params),
	.actions = actions,
	.n_actions = VPNHA_ARRAY_SIZE(actions),
	.validate_host = gt_validate_host,
	.validate_params = gt_validate_params,
};
