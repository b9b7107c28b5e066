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
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "records.h"
#include "runstate.h"
#include "util.h"
#include "vpnha.h"

#define AGENT "gre-tunnel"
#define OWNER_KEY "owner"
#define MAX_ROUTES 256

static const char *const modes[] = { "gre", "gretap", NULL };

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

/* GRE key: a number 0..4294967295 or a dotted quad; out in network order. */
static int parse_key(const char *s, uint32_t *out, char *why, size_t whylen)
{
	struct in_addr a;
	int64_t n;

	if (strchr(s, '.')) {
		if (inet_pton(AF_INET, s, &a) != 1) {
			snprintf(why, whylen, "'%.40s' is not a number 0-4294967295 or a dotted quad", s);
			return -EINVAL;
		}
		*out = a.s_addr;
		return 0;
	}
	if (vpnha_parse_int(s, 0, INT64_C(4294967295), &n, NULL, 0) < 0) {
		snprintf(why, whylen, "'%.40s' is not a number 0-4294967295 or a dotted quad", s);
		return -ERANGE;
	}
	*out = htonl((uint32_t)n);
	return 0;
}

static int v_key(const struct vpnha_val *v, char *why, size_t whylen)
{
	uint32_t k;

	return parse_key(v->str, &k, why, whylen);
}

/* tos: "inherit" or 0..255 */
static int parse_tos(const char *s, bool *inherit, uint8_t *tos, char *why, size_t whylen)
{
	int64_t n;

	*inherit = false;
	*tos = 0;
	if (!strcmp(s, "inherit")) {
		*inherit = true;
		return 0;
	}
	if (vpnha_parse_int(s, 0, 255, &n, NULL, 0) < 0) {
		snprintf(why, whylen, "'%.40s' is not 'inherit' or a number 0-255", s);
		return -EINVAL;
	}
	*tos = (uint8_t)n;
	return 0;
}

static int v_tos(const struct vpnha_val *v, char *why, size_t whylen)
{
	bool inh;
	uint8_t t;

	return parse_tos(v->str, &inh, &t, why, whylen);
}

/* One routes item: PREFIX or PREFIX@METRIC. */
static int parse_route_item(const char *s, struct vpnha_addr *dst, uint32_t *metric, char *why, size_t whylen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *at = strchr(s, '@');
	size_t plen = at ? (size_t)(at - s) : strlen(s);
	int64_t m = 0;
	int r;

	if (plen >= sizeof(buf)) {
		snprintf(why, whylen, "'%.48s' is not a prefix", s);
		return -EINVAL;
	}
	memcpy(buf, s, plen);
	buf[plen] = '\0';
	r = vpnha_parse_prefix(buf, 0, dst, why, whylen);
	if (r < 0)
		return r;
	if (at && vpnha_parse_int(at + 1, 0, INT64_C(4294967295), &m, NULL, 0) < 0) {
		snprintf(why, whylen, "'%.48s': metric after '@' must be a number 0-4294967295", s);
		return -EINVAL;
	}
	*metric = (uint32_t)m;
	return 0;
}

static int v_route(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_addr a;
	uint32_t m;

	return parse_route_item(v->str, &a, &m, why, whylen);
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
	[P_KEY] = { "key", VPNHA_PT_STRING, NULL, 0, 0, 15, NULL, v_key },
	[P_TTL] = { "ttl", VPNHA_PT_INT, "255", VPNHA_PF_RELOADABLE, 0, 255, NULL, NULL },
	[P_TOS] = { "tos", VPNHA_PT_STRING, "0", VPNHA_PF_RELOADABLE, 0, 7, NULL, v_tos },
	[P_PMTUDISC] = { "pmtudisc", VPNHA_PT_BOOL, "true", VPNHA_PF_RELOADABLE, 0, 0, NULL, NULL },
	[P_MTU] = { "mtu", VPNHA_PT_INT, NULL, VPNHA_PF_RELOADABLE, 68, 65535, NULL, NULL },
	[P_DEV] = { "dev", VPNHA_PT_IFNAME, NULL, 0, 0, 0, NULL, v_ifname },
	[P_ADDRESS] = { "address", VPNHA_PT_PREFIX, NULL, 0, 0, 0, NULL, NULL },
	[P_PEER] = { "peer", VPNHA_PT_ADDR, NULL, 0, 0, 0, NULL, vpnha_validate_unicast_global },
	[P_ROUTES] = { "routes", VPNHA_PT_STRING, NULL, VPNHA_PF_RELOADABLE | VPNHA_PF_LIST, 0, 64, NULL, v_route },
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

struct desired {
	const char *ifname;
	struct vpnha_gre gre;
	uint32_t mtu;                 /* 0: leave to the kernel */
	bool has_addr;
	struct vpnha_nl_addr addr;
	size_t n_routes;
	struct vpnha_nl_route routes[MAX_ROUTES];
};

static enum vpnha_rc desired_build(struct vpnha_ctx *ctx, struct vpnha_nl *nl, struct desired *d)
{
	const struct vpnha_value *routes = VPNHA_PARAM(ctx, P_ROUTES);
	bool tap = VPNHA_INT(ctx, P_MODE) == 1;
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
		parse_key(VPNHA_STR(ctx, P_KEY), &d->gre.ikey, why, sizeof(why));
		d->gre.okey = d->gre.ikey;
	}
	d->gre.ttl = (uint8_t)VPNHA_INT(ctx, P_TTL);
	parse_tos(VPNHA_STR(ctx, P_TOS), &d->gre.tos_inherit, &d->gre.tos, why, sizeof(why));
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

		parse_route_item(routes->items[i].str, &rt->dst, &rt->metric, why, sizeof(why));
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

static const char *prefix_str(const struct vpnha_addr *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", vpnha_addr_str(a, s, sizeof(s)), a->prefixlen);
	return buf;
}

static const char *route_str(const struct vpnha_nl_route *r, char *buf, size_t len)
{
	char p[INET6_ADDRSTRLEN + 8], g[INET6_ADDRSTRLEN];

	if (r->has_gw)
		snprintf(buf, len, "%s metric %u via %s", prefix_str(&r->dst, p, sizeof(p)), r->metric,
			 vpnha_addr_str(&r->gw, g, sizeof(g)));
	else
		snprintf(buf, len, "%s metric %u", prefix_str(&r->dst, p, sizeof(p)), r->metric);
	return buf;
}

static const char *addr_desc(const struct vpnha_nl_addr *a, char *buf, size_t len)
{
	char p[INET6_ADDRSTRLEN + 8], q[INET6_ADDRSTRLEN];

	if (a->has_peer)
		snprintf(buf, len, "%s peer %s", prefix_str(&a->local, p, sizeof(p)),
			 vpnha_addr_str(&a->peer, q, sizeof(q)));
	else
		snprintf(buf, len, "%s", prefix_str(&a->local, p, sizeof(p)));
	return buf;
}

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

/* Is this live link the one the record describes? */
static bool owner_owns(const struct owner *o, const struct vpnha_link *l)
{
	if (!o->present || strcmp(o->ifname, l->ifname) || strcmp(o->kind, l->kind))
		return false;
	/* ifindex 0: we were creating it when interrupted (the record is written first) */
	return o->ifindex == l->ifindex || o->ifindex == 0;
}

/* same address, prefix length ignored */
static bool host_eq(const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	return a->family == b->family && !memcmp(a->u.raw, b->u.raw, a->family == AF_INET ? 4 : 16);
}

static bool route_eq(const struct vpnha_nl_route *a, const struct vpnha_nl_route *b)
{
	return vpnha_addr_equal(&a->dst, &b->dst) && a->metric == b->metric && a->has_gw == b->has_gw &&
	       (!a->has_gw || host_eq(&a->gw, &b->gw));
}

static bool addr_eq(const struct vpnha_nl_addr *a, const struct vpnha_nl_addr *b)
{
	return vpnha_addr_equal(&a->local, &b->local) && a->has_peer == b->has_peer &&
	       (!a->has_peer || host_eq(&a->peer, &b->peer));
}

static enum vpnha_rc nl_open_ctx(struct vpnha_ctx *ctx, struct vpnha_nl **nl)
{
	uint64_t left = vpnha_time_left_ms(ctx);
	int r = vpnha_nl_open(nl, left ? left : 1);

	if (r < 0)
		return vpnha_fail(ctx, r == -EPERM ? VPNHA_RC_PERM : VPNHA_RC_ERROR,
				  "cannot open a netlink route socket: %s", strerror(-r));
	return VPNHA_RC_OK;
}

/* ---- monitor ---- */

/* Check the live state against the desired one; reason describes the first difference. */
static enum vpnha_rc check_live(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct desired *d,
				const struct owner *o, bool *exists)
{
	struct vpnha_link l;
	char diff[384], s[160];
	size_t i;
	int r;

	*exists = false;
	r = vpnha_nl_link_get(nl, d->ifname, 0, &l);
	if (r == -ENODEV) {
		if (o->present)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s is gone (deleted behind the agent)",
					  d->ifname);
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s does not exist", d->ifname);
	}
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", d->ifname, vpnha_nl_error(nl));
	*exists = true;
	if (!o->present)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING,
				  "interface %s exists (kind %s) but was not created by this resource", d->ifname,
				  l.kind[0] ? l.kind : "none");
	if (!owner_owns(o, &l))
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING,
				  "interface %s was replaced behind the agent (now ifindex %d kind %s, recorded %d %s)",
				  d->ifname, l.ifindex, l.kind[0] ? l.kind : "none", o->ifindex, o->kind);
	if (vpnha_gre_diff(&l.gre, &d->gre, diff, sizeof(diff)) > 0)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s changed behind the agent: %s", d->ifname,
				  diff);
	if (d->mtu && l.mtu != d->mtu)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s changed behind the agent: mtu %u (want %u)",
				  d->ifname, l.mtu, d->mtu);
	if (!l.up)
		return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s is administratively down", d->ifname);
	if (d->has_addr) {
		r = vpnha_nl_addr_present(nl, l.ifindex, &d->addr);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses: %s", vpnha_nl_error(nl));
		if (!r)
			return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s: address %s is missing", d->ifname,
					  addr_desc(&d->addr, s, sizeof(s)));
	}
	if (d->n_routes) {
		_vpnha_auto_free struct vpnha_nl_route *live = NULL;
		int n = vpnha_nl_route_list(nl, l.ifindex, &live), j;

		if (n < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list routes: %s", vpnha_nl_error(nl));
		for (i = 0; i < d->n_routes; i++) {
			for (j = 0; j < n; j++)
				if (route_eq(&live[j], &d->routes[i]))
					break;
			if (j == n)
				return vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "interface %s: route %s is missing",
						  d->ifname, route_str(&d->routes[i], s, sizeof(s)));
		}
	}
	return VPNHA_RC_OK;
}

/* ---- monitor depth 10: the inner peer answers (ICMP echo, raw socket, no fork) ---- */

static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Is this datagram an echo reply from peer with our id? */
static bool is_our_reply(const uint8_t *buf, size_t n, const struct sockaddr_storage *from,
			 const struct vpnha_addr *peer, uint16_t id)
{
	if (peer->family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)from;
		size_t ihl;

		if (n < 20 || from->ss_family != AF_INET || memcmp(&sin->sin_addr, peer->u.raw, 4))
			return false;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		return n >= ihl + 8 && buf[ihl] == ICMP_ECHOREPLY && !memcmp(buf + ihl + 4, &id, 2);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)from;

		return n >= 8 && from->ss_family == AF_INET6 && !memcmp(&sin6->sin6_addr, peer->u.raw, 16) &&
		       buf[0] == ICMP6_ECHO_REPLY && !memcmp(buf + 4, &id, 2);
	}
}

/*
 * Send echo requests to peer through ifname (every 300 ms) until one is
 * answered or budget_ms passes. 1: answered, 0: no answer, or -errno.
 */
static int peer_answers(const char *ifname, const struct vpnha_addr *peer, uint64_t budget_ms)
{
	bool v6 = peer->family == AF_INET6;
	_vpnha_auto_close int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC,
					  v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	uint64_t end = vpnha_now_ms() + budget_ms, next = 0, now;
	uint16_t id = htons((uint16_t)getpid()), seq = 0;
	struct sockaddr_storage dst = { 0 };
	socklen_t dlen;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0)
		return -errno;
	if (v6) {
		struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)(void *)&dst;

		d6->sin6_family = AF_INET6;
		memcpy(&d6->sin6_addr, peer->u.raw, 16);
		dlen = sizeof(*d6);
	} else {
		struct sockaddr_in *d4 = (struct sockaddr_in *)(void *)&dst;

		d4->sin_family = AF_INET;
		memcpy(&d4->sin_addr, peer->u.raw, 4);
		dlen = sizeof(*d4);
	}
	while ((now = vpnha_now_ms()) < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t wait;

		if (now >= next) {
			uint8_t pkt[16] = { v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO, 0 };
			uint16_t s = htons(++seq), c;

			memcpy(pkt + 4, &id, 2);
			memcpy(pkt + 6, &s, 2);
			memcpy(pkt + 8, "vpnha-gr", 8);
			if (!v6) {
				c = inet_csum(pkt, sizeof(pkt));
				memcpy(pkt + 2, &c, 2);
			}
			if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, dlen) < 0)
				vpnha_log_debug("echo to the peer: %s", strerror(errno));
			next = now + 300;
		}
		wait = (next < end ? next : end) - now;
		if (poll(&pfd, 1, (int)wait) > 0) {
			uint8_t buf[256];
			struct sockaddr_storage from;
			socklen_t flen = sizeof(from);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

			if (n > 0 && is_our_reply(buf, (size_t)n, &from, peer, id))
				return 1;
		}
	}
	return 0;
}

static enum vpnha_rc gt_monitor(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	static struct desired d;
	static struct owner o;
	enum vpnha_rc rc;
	bool exists;
	int r;

	r = owner_read(ctx, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = desired_build(ctx, NULL, &d);
	if (rc == VPNHA_RC_OK && VPNHA_GIVEN(ctx, P_DEV)) {
		r = vpnha_nl_ifindex(nl, VPNHA_STR(ctx, P_DEV));
		if (r < 0 && o.present)
			rc = vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "underlay device '%s' is gone", VPNHA_STR(ctx, P_DEV));
		else if (r < 0)
			rc = vpnha_fail(ctx, VPNHA_RC_NOT_RUNNING, "not started (underlay device '%s' absent)",
					VPNHA_STR(ctx, P_DEV));
		else
			d.gre.link = (uint32_t)r;
	}
	if (rc == VPNHA_RC_OK)
		rc = check_live(ctx, nl, &d, &o, &exists);
	vpnha_nl_close(nl);
	if (rc == VPNHA_RC_OK && ctx->check_level >= 10 && !ctx->probe && d.addr.has_peer) {
		uint64_t left = vpnha_time_left_ms(ctx), budget = left > 4000 ? 2000 : left / 2;
		char s[INET6_ADDRSTRLEN];

		r = peer_answers(d.ifname, &d.addr.peer, budget);
		vpnha_addr_str(&d.addr.peer, s, sizeof(s));
		if (r == 0)
			rc = vpnha_fail(ctx, VPNHA_RC_DEGRADED, "interface %s is up but the peer %s does not answer "
					"(%llu ms)", d.ifname, s, (unsigned long long)budget);
		else if (r < 0)
			vpnha_log_warn("cannot check that the peer %s answers: %s", s, strerror(-r));
	}
	return rc;
}

/* ---- start / reload: converge live on desired ---- */

static enum vpnha_rc create_link(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct desired *d,
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

static enum vpnha_rc converge(struct vpnha_ctx *ctx, struct vpnha_nl *nl, const struct desired *d,
			      struct owner *o, const struct vpnha_link *l)
{
	_vpnha_auto_free struct vpnha_nl_route *live = NULL;
	char diff[384], s[160];
	size_t i, k;
	int r, n, j;

	if (vpnha_gre_diff(&l->gre, &d->gre, diff, sizeof(diff)) > 0) {
		vpnha_log_notice("%s: changing %s", d->ifname, diff);
		r = vpnha_nl_gre_change(nl, l->ifindex, &d->gre);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot change %s (%s): %s", d->ifname, diff,
					  vpnha_nl_error(nl));
	}
	if (d->mtu && l->mtu != d->mtu) {
		vpnha_log_notice("%s: mtu %u -> %u", d->ifname, l->mtu, d->mtu);
		r = vpnha_nl_link_set_mtu(nl, l->ifindex, d->mtu);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot set mtu %u on %s: %s", d->mtu, d->ifname,
					  vpnha_nl_error(nl));
	}
	if (!l->up) {
		r = vpnha_nl_link_set_up(nl, l->ifindex, true);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot set %s up: %s", d->ifname, vpnha_nl_error(nl));
	}

	/* addresses: remove the ones we added that are no longer wanted, add the wanted one */
	for (i = 0; i < o->n_addrs;) {
		if (d->has_addr && addr_eq(&o->addrs[i], &d->addr)) {
			i++;
			continue;
		}
		r = vpnha_nl_addr_del(nl, l->ifindex, &o->addrs[i]);
		if (r < 0 && r != -EADDRNOTAVAIL && r != -ENOENT && r != -ESRCH)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove address %s from %s: %s",
					  addr_desc(&o->addrs[i], s, sizeof(s)), d->ifname, vpnha_nl_error(nl));
		o->addrs[i] = o->addrs[--o->n_addrs];
		owner_write(ctx, o);
	}
	if (d->has_addr) {
		r = vpnha_nl_addr_present(nl, l->ifindex, &d->addr);
		if (r < 0)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list addresses: %s", vpnha_nl_error(nl));
		if (!r) {
			r = vpnha_nl_addr_add(nl, l->ifindex, &d->addr);
			if (r < 0 && r != -EEXIST)
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot add address %s to %s: %s",
						  addr_desc(&d->addr, s, sizeof(s)), d->ifname, vpnha_nl_error(nl));
		}
		if (o->n_addrs == 0) {
			o->addrs[o->n_addrs++] = d->addr;
			r = owner_write(ctx, o);
			if (r < 0)
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s",
						  strerror(-r));
		}
	}

	/* routes: the same */
	for (i = 0; i < o->n_routes;) {
		for (k = 0; k < d->n_routes; k++)
			if (route_eq(&o->routes[i], &d->routes[k]))
				break;
		if (k < d->n_routes) {
			i++;
			continue;
		}
		r = vpnha_nl_route_del(nl, l->ifindex, &o->routes[i]);
		if (r < 0 && r != -ESRCH && r != -ENOENT)
			return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove route %s: %s",
					  route_str(&o->routes[i], s, sizeof(s)), vpnha_nl_error(nl));
		vpnha_log_notice("%s: removed route %s", d->ifname, route_str(&o->routes[i], s, sizeof(s)));
		o->routes[i] = o->routes[--o->n_routes];
		owner_write(ctx, o);
	}
	n = d->n_routes ? vpnha_nl_route_list(nl, l->ifindex, &live) : 0;
	if (n < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot list routes: %s", vpnha_nl_error(nl));
	for (k = 0; k < d->n_routes; k++) {
		bool recorded = false;

		for (j = 0; j < n; j++)
			if (route_eq(&live[j], &d->routes[k]))
				break;
		if (j == n) {
			r = vpnha_nl_route_add(nl, l->ifindex, &d->routes[k]);
			if (r == -EEXIST)
				return vpnha_fail(ctx, VPNHA_RC_ERROR,
						  "cannot add route %s through %s: a route with that prefix and metric "
						  "already exists through another interface", route_str(&d->routes[k], s,
						  sizeof(s)), d->ifname);
			if (r < 0)
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot add route %s through %s: %s",
						  route_str(&d->routes[k], s, sizeof(s)), d->ifname, vpnha_nl_error(nl));
		}
		for (i = 0; i < o->n_routes; i++)
			recorded |= route_eq(&o->routes[i], &d->routes[k]);
		if (!recorded && o->n_routes < MAX_ROUTES) {
			o->routes[o->n_routes++] = d->routes[k];
			r = owner_write(ctx, o);
			if (r < 0)
				return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot write the ownership record: %s",
						  strerror(-r));
		}
		if (vpnha_expired(ctx))
			return vpnha_fail(ctx, VPNHA_RC_TIMEOUT, "timed out adding routes");
	}
	return VPNHA_RC_OK;
}

static enum vpnha_rc gt_start_or_reload(struct vpnha_ctx *ctx, bool reload)
{
	struct vpnha_nl *nl = NULL;
	static struct desired d;
	static struct owner o;
	struct vpnha_link l;
	enum vpnha_rc rc;
	int r, ifindex;

	r = owner_read(ctx, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	rc = desired_build(ctx, nl, &d);
	if (rc != VPNHA_RC_OK)
		goto out;

	r = vpnha_nl_link_get(nl, d.ifname, 0, &l);
	if (r < 0 && r != -ENODEV) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", d.ifname, vpnha_nl_error(nl));
		goto out;
	}
	if (r == 0 && !owner_owns(&o, &l)) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR,
				"interface %s already exists (kind %s, ifindex %d) and was not created by this "
				"resource: refusing to touch it", d.ifname, l.kind[0] ? l.kind : "none", l.ifindex);
		goto out;
	}
	if (reload && r == -ENODEV) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot reload: interface %s does not exist", d.ifname);
		goto out;
	}
	if (r == 0 && l.gre.kind != d.gre.kind) {
		/* ours, but of another kind (mode or underlay family changed): recreate */
		vpnha_log_notice("%s: kind %s -> %s, recreating", d.ifname, l.kind, vpnha_gre_kind_str(d.gre.kind));
		r = vpnha_nl_link_delete(nl, l.ifindex);
		if (r < 0 && r != -ENODEV) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot delete %s to recreate it: %s", d.ifname,
					vpnha_nl_error(nl));
			goto out;
		}
		r = -ENODEV;
	}
	if (r == -ENODEV) {
		rc = create_link(ctx, nl, &d, &o, &ifindex);
		if (rc != VPNHA_RC_OK)
			goto out;
		r = vpnha_nl_link_get(nl, NULL, ifindex, &l);
		if (r < 0) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "interface %s vanished after creation: %s", d.ifname,
					vpnha_nl_error(nl));
			goto out;
		}
	} else if (o.ifindex == 0) {
		/* adopted after an interrupted creation: complete the record */
		o.ifindex = l.ifindex;
		owner_write(ctx, &o);
	}
	rc = converge(ctx, nl, &d, &o, &l);
out:
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
	struct vpnha_nl *nl = NULL;
	static struct owner o;
	struct vpnha_link l;
	enum vpnha_rc rc;
	int r;

	r = owner_read(ctx, &o);
	if (r < 0)
		return vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read the ownership record: %s", strerror(-r));
	if (!o.present) {
		vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
		return VPNHA_RC_OK; /* nothing of ours */
	}
	rc = nl_open_ctx(ctx, &nl);
	if (rc != VPNHA_RC_OK)
		return rc;
	r = vpnha_nl_link_get(nl, o.ifname, 0, &l);
	if (r == 0 && owner_owns(&o, &l)) {
		r = vpnha_nl_link_delete(nl, l.ifindex);
		if (r < 0 && r != -ENODEV) {
			rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot delete %s: %s", o.ifname, vpnha_nl_error(nl));
			goto out;
		}
		vpnha_log_notice("deleted %s %s (ifindex %d)", l.kind, l.ifname, l.ifindex);
	} else if (r == 0) {
		vpnha_log_warn("interface %s (ifindex %d, kind %s) is not the one this resource created "
			       "(ifindex %d, kind %s): leaving it", l.ifname, l.ifindex, l.kind, o.ifindex, o.kind);
	} else if (r != -ENODEV) {
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot read interface %s: %s", o.ifname, vpnha_nl_error(nl));
		goto out;
	}
	/* addresses and routes lived on our link: gone with it */
	r = vpnha_state_remove(AGENT, ctx->instance, OWNER_KEY);
	if (r < 0)
		rc = vpnha_fail(ctx, VPNHA_RC_ERROR, "cannot remove the ownership record: %s", strerror(-r));
out:
	vpnha_nl_close(nl);
	return rc;
}

/* ---- validate-all at OCF_CHECK_LEVEL >= 10: this host ---- */

static enum vpnha_rc gt_validate_host(struct vpnha_ctx *ctx)
{
	struct vpnha_nl *nl = NULL;
	enum vpnha_rc rc;
	char s[INET6_ADDRSTRLEN];
	int r;

	rc = nl_open_ctx(ctx, &nl);
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
