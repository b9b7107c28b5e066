/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Addresses and routes as the agents handle them: text, comparison, lookup (addr.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "records.h"
#include "runstate.h"
#include "util.h"

const char *vpnha_prefix_str(const struct vpnha_addr *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", vpnha_addr_str(a, s, sizeof(s)), a->prefixlen);
	return buf;
}

const char *vpnha_nl_addr_str(const struct vpnha_nl_addr *a, char *buf, size_t len)
{
	char p[VPNHA_PREFIX_STRLEN], q[INET6_ADDRSTRLEN];

	if (a->has_peer)
		snprintf(buf, len, "%s peer %s", vpnha_prefix_str(&a->local, p, sizeof(p)),
			 vpnha_addr_str(&a->peer, q, sizeof(q)));
	else
		snprintf(buf, len, "%s", vpnha_prefix_str(&a->local, p, sizeof(p)));
	return buf;
}

const char *vpnha_nl_route_str(const struct vpnha_nl_route *r, char *buf, size_t len)
{
	char p[VPNHA_PREFIX_STRLEN], g[INET6_ADDRSTRLEN];

	if (r->has_gw)
		snprintf(buf, len, "%s metric %u via %s", vpnha_prefix_str(&r->dst, p, sizeof(p)), r->metric,
			 vpnha_addr_str(&r->gw, g, sizeof(g)));
	else
		snprintf(buf, len, "%s metric %u", vpnha_prefix_str(&r->dst, p, sizeof(p)), r->metric);
	return buf;
}

int vpnha_route_item_parse(const char *s, struct vpnha_addr *dst, uint32_t *metric, char *why, size_t whylen)
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

int vpnha_validate_route_item(const struct vpnha_val *v, char *why, size_t whylen)
{
	struct vpnha_addr a;
	uint32_t m;

	return vpnha_route_item_parse(v->str, &a, &m, why, whylen);
}

bool vpnha_addr_host_equal(const struct vpnha_addr *a, const struct vpnha_addr *b)
{
	return a->family == b->family && !memcmp(a->u.raw, b->u.raw, a->family == AF_INET ? 4 : 16);
}

bool vpnha_nl_addr_equal(const struct vpnha_nl_addr *a, const struct vpnha_nl_addr *b)
{
	return vpnha_addr_equal(&a->local, &b->local) && a->has_peer == b->has_peer &&
	       (!a->has_peer || vpnha_addr_host_equal(&a->peer, &b->peer));
}

bool vpnha_nl_route_equal(const struct vpnha_nl_route *a, const struct vpnha_nl_route *b)
{
	return vpnha_addr_equal(&a->dst, &b->dst) && a->metric == b->metric && a->has_gw == b->has_gw &&
	       (!a->has_gw || vpnha_addr_host_equal(&a->gw, &b->gw));
}

size_t vpnha_nl_route_index(const struct vpnha_nl_route *v, size_t n, const struct vpnha_nl_route *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vpnha_nl_route_equal(&v[i], r))
			break;
	return i;
}

int vpnha_nl_addr_find(struct vpnha_nl *nl, int ifindex, const struct vpnha_addr *ip, struct vpnha_nl_addr *live)
{
	_vpnha_auto_free struct vpnha_nl_addr *v = NULL;
	int n = vpnha_nl_addr_list(nl, ifindex, &v), i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (vpnha_addr_host_equal(&v[i].local, ip)) {
			*live = v[i];
			return 1;
		}
	return 0;
}

enum vpnha_rc vpnha_nl_open_ctx(struct vpnha_ctx *ctx, struct vpnha_nl **nl)
{
	uint64_t left = vpnha_time_left_ms(ctx);
	int r = vpnha_nl_open(nl, left ? left : 1);

	if (r < 0)
		return vpnha_fail(ctx, r == -EPERM ? VPNHA_RC_PERM : VPNHA_RC_ERROR,
				  "cannot open a netlink route socket: %s", strerror(-r));
	return VPNHA_RC_OK;
}

bool vpnha_addr_is_subnet_broadcast(const struct vpnha_addr *a, int64_t len)
{
	uint32_t host;

	if (a->family != AF_INET || len < 1 || len > 30)
		return false;
	host = (uint32_t)0xffffffffu >> len;
	return (ntohl(a->u.v4.s_addr) & host) == host;
}

static void addr_owner_from_rec(const struct vpnha_rec_vip_owner *r, struct vpnha_addr_owner *o)
{
	_Static_assert(sizeof(r->ifname) == sizeof(o->ifname), "record ifname");
	memset(o, 0, sizeof(*o));
	o->addr.local = r->addr;
	memcpy(o->ifname, r->ifname, sizeof(o->ifname));
	o->ifindex = r->ifindex;
	o->present = true;
}

int vpnha_addr_owner_parse(const char *text, struct vpnha_addr_owner *o)
{
	struct vpnha_rec_vip_owner r;

	memset(o, 0, sizeof(*o));
	if (vpnha_record_parse(VPNHA_REC_VIP_OWNER, text, &r) < 0)
		return -EINVAL;
	addr_owner_from_rec(&r, o);
	return 0;
}

int vpnha_addr_owner_format(const struct vpnha_addr_owner *o, char *buf, size_t len)
{
	struct vpnha_rec_vip_owner r = { .addr = o->addr.local, .ifindex = o->ifindex };

	memcpy(r.ifname, o->ifname, sizeof(r.ifname));
	return vpnha_record_format(VPNHA_REC_VIP_OWNER, &r, buf, len);
}

int vpnha_addr_owner_read(const char *agent, const char *instance, struct vpnha_addr_owner *o)
{
	struct vpnha_rec_vip_owner r;
	int n = vpnha_record_read_owner(VPNHA_REC_VIP_OWNER, agent, instance, VPNHA_OWNER_KEY, &r, "address");

	memset(o, 0, sizeof(*o));
	if (n > 0)
		addr_owner_from_rec(&r, o);
	return n < 0 ? n : 0;
}

int vpnha_addr_owner_write(const char *agent, const char *instance, const struct vpnha_addr_owner *o)
{
	char buf[256];
	int n = vpnha_addr_owner_format(o, buf, sizeof(buf));

	if (n < 0)
		return n;
	return vpnha_state_write(agent, instance, VPNHA_OWNER_KEY, buf, (size_t)n);
}

bool vpnha_addr_owner_owns(const struct vpnha_addr_owner *o, const struct vpnha_nl_addr *want, int ifindex)
{
	return o->present && o->ifindex == ifindex && vpnha_addr_equal(&o->addr.local, &want->local);
}
