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
#define OWNER_KEY "owner"
#define MAX_ROUTES VPNHA_TUNNEL_MAX_ROUTES

/* Parameter 'mode': the options, and their indexes as VPNHA_INT gives them. */
static const char *const modes[] = { "gre", "gretap", NULL };
enum gt_mode { MODE_GRE, MODE_GRETAP };

/* ---- parameter validation (one value) ---- */

static int check_ifname_chars(const char *s, char *why, size_t whylen)
{
	const char *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.')) {
			snprintf(why, whylen, "'%.32s' has a character other than letters, digits, '-', '_', '.'", s);
			return -EINVAL;
		}
	return 0;
}

static int v_ifname(const struct vpnha_val *v, char *why, size_t whylen)
{
	return check_ifname_chars(v->str, why, whylen);
}

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
	[P_IFNAME] = { "ifname", VPNHA_PT_IFNAME, NULL, VPNHA_PF_REQUIRED | VPNHA_PF_UNIQUE, 0, 0, NULL, v_ifname },
	[P_REMOTE] = { "remote", VPNHA_PT_ADDR, NULL, VPNHA_PF_REQUIRED, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_LOCAL] = { "local", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_MODE] = { "mode", VPNHA_PT_SELECT, "gre", 0, 0, 0, modes, NULL },
	[P_KEY] = { "key", VPNHA_PT_STRING, NULL, 0, 0, 15, NULL, vpnha_validate_gre_key },
	[P_TTL] = { "ttl", VPNHA_PT_INT, "255", VPNHA_PF_RELOADABLE, 0, 255, NULL, NULL },
	[P_TOS] = { "tos", VPNHA_PT_STRING, "0", VPNHA_PF_RELOADABLE, 0, 7, NULL, vpnha_validate_gre_tos },
	[P_PMTUDISC] = { "pmtudisc", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_MTU] = { "mtu", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 68, 65535, NULL, NULL },
	[P_DEV] = { "dev", VPNHA_PT_IFNAME, NULL, 0, 0, 0, NULL, v_ifname },
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

/* ---- the ownership record ---- */

struct owner {
	bool present;
	char ifname[IF_NAMESIZE];
	int ifindex;              /* 0: creation was under way */
	char kind[16];
	size_t n_addrs;
	struct vpnha_nl_addr addrs[4];
	size_t n_routes;
	struct vpnha_nl_route routes[MAX_ROUTES];
};

/*
 * Parse the record (written by owner_write; lib/records.h,
 * VPNHA_REC_GRE_OWNER): ifname=, ifindex=, kind=, addr=*, route=*. Returns 0
 * or -EINVAL when the identity lines are missing.
 */
int gre_owner_parse(const char *text, struct owner *o);
int gre_owner_parse(const char *text, struct owner *o)
{
	struct vpnha_rec_gre_owner r;

	_Static_assert(sizeof(r.addrs) == sizeof(o->addrs) && sizeof(r.routes) == sizeof(o->routes), "record arrays");
	memset(o, 0, sizeof(*o));
	o->ifindex = -1;
	if (vpnha_record_parse(VPNHA_REC_GRE_OWNER, text, &r) < 0)
		return -EINVAL;
	memcpy(o->ifname, r.ifname, sizeof(o->ifname));
	o->ifindex = r.ifindex;
	memcpy(o->kind, r.kind, sizeof(o->kind));
	o->n_addrs = r.n_addrs;
	memcpy(o->addrs, r.addrs, sizeof(o->addrs));
	o->n_routes = r.n_routes;
	memcpy(o->routes, r.routes, sizeof(o->routes));
	o->present = true;
	return 0;
}

static int owner_read(struct vpnha_ctx *ctx, struct owner *o)
{
	_vpnha_auto_free char *text = NULL;
	size_t len;
	int r;

	memset(o, 0, sizeof(*o));
	r = vpnha_state_read(AGENT, ctx->instance, OWNER_KEY, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (gre_owner_parse(text, o) < 0) {
		vpnha_log_warn("ownership record is unreadable; treating the interface as not ours");
		memset(o, 0, sizeof(*o));
	}
	return 0;
}

static int owner_write(struct vpnha_ctx *ctx, const struct owner *o)
{
	struct vpnha_rec_gre_owner r;

	memcpy(r.ifname, o->ifname, sizeof(r.ifname));
	r.ifindex = o->ifindex;
	memcpy(r.kind, o->kind, sizeof(r.kind));
	r.n_addrs = o->n_addrs;
	memcpy(r.addrs, o->addrs, sizeof(r.addrs));
	r.n_routes = o->n_routes;
	memcpy(r.routes, o->routes, sizeof(r.routes));
	return vpnha_record_write(VPNHA_REC_GRE_OWNER, AGENT, ctx->instance, OWNER_KEY, &r);
}

/* owner_write for lib/tunnel (after each address or route it adds or removes) */
static int owner_save(struct vpnha_ctx *ctx, void *o)
{
	return owner_write(ctx, o);
}

/* Is this live link the one the record describes? */
static bool owner_owns(const struct owner *o, const struct vpnha_link *l)
{
	if (!o->present || strcmp(o->ifname, l->ifname) || strcmp(o->kind, l->kind))
		return false;
	/* ifindex 0: we were creating it when interrupted (the record is written first) */
	return o->ifindex == l->ifindex || o->ifindex == 0;
}

/* ---- the state of one action: on the heap (the route arrays make each ~14 KB) ---- */

struct gt_state {
	struct vpnha_tunnel_want d;
	struct owner o;
};

/* A zeroed state (*out, the caller frees it) with the ownership record read. */
static enum vpnha_rc state_read(struct vpnha_ctx *ctx, struct gt_state **out)
{
	int r;

	*out = calloc(1, sizeof(**out));
	if (!*out)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "out of memory");
	r = owner_read(ctx, &(*out)->o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	return VPNHA_RC_OK;
}

/* ---- monitor ---- */

/* The link d->ifname into *l: is it ours? (then: as desired, up?) */
static enum vpnha_rc check_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				const struct owner *o, struct vpnha_link *l)
{
	int r = vpnha_nl_link_get(nl, d->ifname, 0, l);

	if (r == -ENODEV) {
		if (o->present)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s is gone (deleted behind the agent)",
					  d->ifname);
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s does not exist", d->ifname);
	}
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", d->ifname, vpnha_nl_error(nl));
	if (!o->present)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING,
				  "interface %s exists (kind %s) but was not created by this resource", d->ifname,
				  l->kind[0] ? l->kind : "none");
	if (!owner_owns(o, l))
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING,
				  "interface %s was replaced behind the agent (now ifindex %d kind %s, recorded %d %s)",
				  d->ifname, l->ifindex, l->kind[0] ? l->kind : "none", o->ifindex, o->kind);
	return vpnha_tunnel_check_link(ctx, d, l);
}

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
		rc = check_link(ctx, nl, &st->d, &st->o, &l);
	if (rc == VPNHA_RC_OK)
		rc = vpnha_tunnel_check_addrs(ctx, nl, &st->d, &l);
	vpnha_nl_close(nl);
	if (rc == VPNHA_RC_OK && ctx->check_level >= 10 && !ctx->probe && st->d.addr.has_peer)
		rc = vpnha_tunnel_check_peer(ctx, &st->d);
	return rc;
}

/* ---- start / reload: converge live on desired ---- */

static enum vpnha_rc create_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				 struct owner *o, int *ifindex)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->present = true;
	snprintf(o->ifname, sizeof(o->ifname), "%s", d->ifname);
	snprintf(o->kind, sizeof(o->kind), "%s", vpnha_gre_kind_str(d->gre.kind));
	o->ifindex = 0; /* creation under way */
	r = owner_write(ctx, o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
	r = vpnha_nl_gre_create(nl, d->ifname, &d->gre, d->mtu, ifindex);
	if (r < 0) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		o->present = false;
		if (r == -EOPNOTSUPP)
			return vpnha_fail(ctx, VPNHA_RC_NOT_INSTALLED, "cannot create %s %s: kernel has no %s support: %s",
					  vpnha_gre_kind_str(d->gre.kind), d->ifname, vpnha_gre_kind_str(d->gre.kind),
					  vpnha_nl_error(nl));
		if (r == -EEXIST)
			return vpnha_fail(ctx, VPNHA_RC_ERROR,
					  "cannot create %s: an interface with that name or a tunnel with the same "
					  "local/remote/key already exists: %s", d->ifname, vpnha_nl_error(nl));
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot create %s %s: %s", vpnha_gre_kind_str(d->gre.kind),
				  d->ifname, vpnha_nl_error(nl));
	}
	o->ifindex = *ifindex;
	r = owner_write(ctx, o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s", strerror(-r));
	vpnha_log_notice("created %s %s (ifindex %d)", o->kind, d->ifname, *ifindex);
	return VPNHA_RC_OK;
}

/*
 * The link d->ifname into *l, ready to converge: ours (adopted after an
 * interrupted creation), recreated when its kind changed, or created.
 */
static enum vpnha_rc link_ready(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct vpnha_tunnel_want *d,
				struct owner *o, struct vpnha_link *l, bool reload)
{
	enum vpnha_rc rc;
	int r = vpnha_nl_link_get(nl, d->ifname, 0, l), ifindex;

	if (r < 0 && r != -ENODEV)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", d->ifname, vpnha_nl_error(nl));
	if (r == 0 && !owner_owns(o, l))
		return vpnha_fail(ctx, VPNHA_RC_ERROR,
				  "interface %s already exists (kind %s, ifindex %d) and was not created by this "
				  "resource: refusing to touch it", d->ifname, l->kind[0] ? l->kind : "none", l->ifindex);
	if (reload && r == -ENODEV)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot reload: interface %s does not exist", d->ifname);
	if (r == 0 && l->gre.kind != d->gre.kind) {
		/* ours, but of another kind (mode or underlay family changed): recreate */
		vpnha_log_notice("%s: kind %s -> %s, recreating", d->ifname, l->kind, vpnha_gre_kind_str(d->gre.kind));
		r = vpnha_nl_link_delete(nl, l->ifindex);
		if (r < 0 && r != -ENODEV)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot delete %s to recreate it: %s", d->ifname,
					  vpnha_nl_error(nl));
		r = -ENODEV;
	}
	if (r == 0) {
		if (o->ifindex == 0) {
			/* adopted after an interrupted creation: complete the record */
			o->ifindex = l->ifindex;
			owner_write(ctx, o);
		}
		return VPNHA_RC_OK;
	}
	rc = create_link(ctx, nl, d, o, &ifindex);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_link_get(nl, NULL, ifindex, l);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s vanished after creation: %s", d->ifname,
				  vpnha_nl_error(nl));
	return VPNHA_RC_OK;
}

static enum vpnha_rc gt_start_or_reload(struct vpnha_ctx *ctx, bool reload)
{
	_vpnha_auto_free struct gt_state *st = NULL;
	struct vpnha_nl *nl = NULL;
	struct vpnha_link l;
	enum vpnha_rc rc = state_read(ctx, &st);
	struct vpnha_tunnel_owned own;

	if (rc != VPNHA_RC_OK)
		return rc;
	own = (struct vpnha_tunnel_owned){ st->o.addrs, &st->o.n_addrs, st->o.routes, &st->o.n_routes, MAX_ROUTES,
					   owner_save, &st->o };
	rc = vpnha_nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = desired_build(ctx, nl, &st->d);
	if (rc == VPNHA_RC_OK)
		rc = link_ready(ctx, nl, &st->d, &st->o, &l, reload);
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

/* Delete the link when it is still the one the record describes. */
static enum vpnha_rc stop_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct owner *o)
{
	struct vpnha_link l;
	int r = vpnha_nl_link_get(nl, o->ifname, 0, &l);

	if (r == 0 && owner_owns(o, &l)) {
		r = vpnha_nl_link_delete(nl, l.ifindex);
		if (r < 0 && r != -ENODEV)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot delete %s: %s", o->ifname, vpnha_nl_error(nl));
		vpnha_log_notice("deleted %s %s (ifindex %d)", l.kind, l.ifname, l.ifindex);
	} else if (r == 0) {
		vpnha_log_warn("interface %s (ifindex %d, kind %s) is not the one this resource created "
			       "(ifindex %d, kind %s): leaving it", l.ifname, l.ifindex, l.kind, o->ifindex, o->kind);
	} else if (r != -ENODEV) {
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", o->ifname, vpnha_nl_error(nl));
	}
	return VPNHA_RC_OK;
}

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
	rc = stop_link(ctx, nl, &st->o);
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
